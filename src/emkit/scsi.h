/*
 * emkit/scsi.h - a SCSI target with logical units, for any host bus
 * adapter (BusLogic today, virtio-scsi or others later).
 *
 *   HBA (hw/buslogic/...)  --emk_scsi_submit(target, req)-->  LUN
 *        ^                                                    |
 *        +------------- req->done(req) in req->loop <---------+
 *
 * A request carries the CDB, the LUN number, the HBA's device (the DMA
 * initiator) and the guest's data buffer as an emk_sglist.  Disk LUNs sit
 * on an emk_blk backend: READ and WRITE map the guest buffer and hand it
 * to the block layer without copying; small commands (INQUIRY, MODE SENSE,
 * ...) copy through emk_dma_sg_rw.  Completion is asynchronous for block
 * I/O; a command answered from the LUN's own state may complete inside
 * emk_scsi_submit.  Either way req->done runs exactly once, in the loop
 * the request names (the HBA's device loop), and the LUN's state is
 * touched only there.
 *
 * Bad input never crashes: an unknown opcode, a bad field, an LBA out of
 * range or an impossible transfer length completes with CHECK CONDITION
 * and fixed-format sense data (ILLEGAL REQUEST and the ASC/ASCQ of SPC-4 /
 * SBC-3).  A guest buffer the bus refuses is reported apart
 * (req->dma_error), so the HBA can give its own error status.
 *
 * Unit attentions: POWER ON OR RESET after the LUN is created and after
 * emk_scsi_target_reset, BUS DEVICE RESET after emk_scsi_target_reset with
 * EMK_SCSI_RESET_DEVICE, CAPACITY DATA HAS CHANGED after
 * emk_scsi_lun_resized.  INQUIRY, REPORT LUNS and REQUEST SENSE do not
 * report them; REQUEST SENSE returns and clears the oldest.
 */
#ifndef EMKIT_SCSI_H
#define EMKIT_SCSI_H

#include <sys/uio.h>

#include "emkit/block.h"
#include "emkit/bus.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_scsi_limits {
    EMK_SCSI_CDB_MAX = 16,
    EMK_SCSI_SENSE_LEN = 18,       /**< fixed-format sense, no extras */
    EMK_SCSI_MAX_LUNS = 32,        /**< LUNs per target */
    EMK_SCSI_MAX_IOV = 160,        /**< mapped pieces of one data buffer */
    EMK_SCSI_MAX_XFER_BLOCKS = 65536, /**< per READ/WRITE (32 MiB at 512) */
    EMK_SCSI_MAX_BOUNCE = 1 << 20  /**< VERIFY BYTCHK / WRITE SAME chunk */
};

/** SCSI status bytes (SAM-5). */
enum emk_scsi_status {
    EMK_SCSI_GOOD = 0x00,
    EMK_SCSI_CHECK_CONDITION = 0x02,
    EMK_SCSI_BUSY = 0x08
};

/** Sense keys (SPC-4). */
enum emk_scsi_sense_key {
    EMK_SCSI_KEY_NO_SENSE = 0x0,
    EMK_SCSI_KEY_NOT_READY = 0x2,
    EMK_SCSI_KEY_MEDIUM_ERROR = 0x3,
    EMK_SCSI_KEY_HARDWARE_ERROR = 0x4,
    EMK_SCSI_KEY_ILLEGAL_REQUEST = 0x5,
    EMK_SCSI_KEY_UNIT_ATTENTION = 0x6,
    EMK_SCSI_KEY_DATA_PROTECT = 0x7,
    EMK_SCSI_KEY_ABORTED_COMMAND = 0xb,
    EMK_SCSI_KEY_MISCOMPARE = 0xe
};

/** Additional sense code and qualifier, as (ASC << 8) | ASCQ. */
enum emk_scsi_asc {
    EMK_SCSI_ASC_NONE = 0x0000,
    EMK_SCSI_ASC_WRITE_ERROR = 0x0c00,
    EMK_SCSI_ASC_READ_ERROR = 0x1100,
    EMK_SCSI_ASC_MISCOMPARE = 0x1d00,
    EMK_SCSI_ASC_INVALID_OPCODE = 0x2000,
    EMK_SCSI_ASC_LBA_OUT_OF_RANGE = 0x2100,
    EMK_SCSI_ASC_INVALID_FIELD_CDB = 0x2400,
    EMK_SCSI_ASC_LUN_NOT_SUPPORTED = 0x2500,
    EMK_SCSI_ASC_INVALID_FIELD_PARAM = 0x2600,
    EMK_SCSI_ASC_PARAM_LIST_LENGTH = 0x1a00,
    EMK_SCSI_ASC_WRITE_PROTECTED = 0x2700,
    EMK_SCSI_ASC_POWER_ON_RESET = 0x2900,
    EMK_SCSI_ASC_BUS_DEVICE_RESET = 0x2903,
    EMK_SCSI_ASC_MODE_PARAMS_CHANGED = 0x2a01,
    EMK_SCSI_ASC_CAPACITY_CHANGED = 0x2a09,
    EMK_SCSI_ASC_INTERNAL_TARGET_FAILURE = 0x4400,
    EMK_SCSI_ASC_SAVING_NOT_SUPPORTED = 0x3900
};

/** Opcodes the disk LUN implements (SPC-4, SBC-3). */
enum emk_scsi_opcode {
    EMK_SCSI_TEST_UNIT_READY = 0x00,
    EMK_SCSI_REQUEST_SENSE = 0x03,
    EMK_SCSI_READ_6 = 0x08,
    EMK_SCSI_WRITE_6 = 0x0a,
    EMK_SCSI_INQUIRY = 0x12,
    EMK_SCSI_MODE_SELECT_6 = 0x15,
    EMK_SCSI_MODE_SENSE_6 = 0x1a,
    EMK_SCSI_START_STOP_UNIT = 0x1b,
    EMK_SCSI_SEND_DIAGNOSTIC = 0x1d,
    EMK_SCSI_PREVENT_ALLOW = 0x1e,
    EMK_SCSI_READ_CAPACITY_10 = 0x25,
    EMK_SCSI_READ_10 = 0x28,
    EMK_SCSI_WRITE_10 = 0x2a,
    EMK_SCSI_VERIFY_10 = 0x2f,
    EMK_SCSI_SYNCHRONIZE_CACHE_10 = 0x35,
    EMK_SCSI_WRITE_SAME_10 = 0x41,
    EMK_SCSI_UNMAP = 0x42,
    EMK_SCSI_MODE_SELECT_10 = 0x55,
    EMK_SCSI_MODE_SENSE_10 = 0x5a,
    EMK_SCSI_READ_16 = 0x88,
    EMK_SCSI_WRITE_16 = 0x8a,
    EMK_SCSI_VERIFY_16 = 0x8f,
    EMK_SCSI_SYNCHRONIZE_CACHE_16 = 0x91,
    EMK_SCSI_WRITE_SAME_16 = 0x93,
    EMK_SCSI_SERVICE_ACTION_IN_16 = 0x9e,
    EMK_SCSI_REPORT_LUNS = 0xa0,
    EMK_SCSI_READ_12 = 0xa8,
    EMK_SCSI_WRITE_12 = 0xaa,
    EMK_SCSI_VERIFY_12 = 0xaf,
    EMK_SCSI_SAI_READ_CAPACITY_16 = 0x10
};

/** emk_scsi_target_reset kinds. */
enum emk_scsi_reset_kind {
    EMK_SCSI_RESET_BUS = 0,     /**< power on, hard reset, bus reset */
    EMK_SCSI_RESET_DEVICE = 1   /**< bus device reset message */
};

/** Pending unit attention bits of a LUN (private, in emk_scsi_lun). */
enum emk_scsi_ua_bits {
    EMK_SCSI_UA_POWER_ON = 1,
    EMK_SCSI_UA_DEVICE_RESET = 2,
    EMK_SCSI_UA_CAPACITY = 4,
    EMK_SCSI_UA_MODE = 8
};

typedef struct emk_scsi_lun emk_scsi_lun;
typedef struct emk_scsi_req emk_scsi_req;

/** Identity and options of a disk LUN. */
typedef struct emk_scsi_disk_options {
    const char *vendor;     /**< INQUIRY vendor (8 chars; NULL "EMKIT") */
    const char *product;    /**< product (16; NULL "EMKIT DISK") */
    const char *revision;   /**< revision (4; NULL "1.0") */
    const char *serial;     /**< unit serial number VPD page (NULL: from
                                 the target and LUN numbers) */
    uint32_t block_size;    /**< logical block size, 512 or 4096 (0: 512) */
    int write_cache;        /**< initial WCE (caching mode page) */
    int removable;          /**< INQUIRY RMB */
} emk_scsi_disk_options;

/** A disk logical unit.  Caller-owned; private after init. */
struct emk_scsi_lun {
    emk_blk *blk;
    emk_scsi_disk_options opt;
    char vendor[9], product[17], revision[5], serial[21];
    uint32_t block_size;
    unsigned block_shift;
    unsigned id;            /**< target id, for the serial and designator */
    unsigned lun;
    int wce;                /**< current write cache enable */
    int stopped;            /**< START STOP UNIT stopped it */
    unsigned ua;            /**< OR of emk_scsi_ua_bits */
    uint64_t nblocks;       /**< capacity reported (READ CAPACITY) */
    uint64_t inflight;      /**< requests of this LUN not yet done */
};

/** A SCSI target: up to EMK_SCSI_MAX_LUNS LUNs.  Caller-owned. */
typedef struct emk_scsi_target {
    unsigned id;
    emk_scsi_lun *lun[EMK_SCSI_MAX_LUNS];
} emk_scsi_target;

/** One SCSI command.  Caller-owned (the HBA keeps one per command slot);
 *  fill the inputs, then emk_scsi_submit.  Must not be reused or freed
 *  before done has run. */
struct emk_scsi_req {
    /* inputs */
    uint8_t cdb[EMK_SCSI_CDB_MAX];
    unsigned cdb_len;
    unsigned lun;
    emk_dev *dev;              /**< DMA initiator: the HBA */
    const emk_sglist *data;    /**< guest data buffer; NULL: none */
    emk_loop *loop;            /**< where done runs (the HBA's loop) */
    void (*done)(emk_scsi_req *req);
    void *opaque;
    /* results, valid in done */
    uint8_t status;            /**< emk_scsi_status */
    uint8_t sense[EMK_SCSI_SENSE_LEN];
    unsigned sense_len;        /**< 0 unless CHECK CONDITION */
    uint64_t xfer;             /**< bytes moved to or from the buffer */
    int overrun;               /**< 1: the command needed more data than
                                    the buffer holds (nothing moved) */
    int dma_error;             /**< 0 or the bus's negative errno: the
                                    guest buffer could not be accessed */
    /* private */
    emk_scsi_lun *lu;
    emk_blk_req breq;
    struct iovec iov[EMK_SCSI_MAX_IOV];
    int niov, map_write;
    uint64_t lba, nblk, done_blk;
    uint8_t *bounce;
    uint32_t bounce_len;
    unsigned step, nsteps;
    int is_write;
};

/** Initialises a target with no LUNs. */
EMK_API void emk_scsi_target_init(emk_scsi_target *t, unsigned id);

/** Makes lu LUN number `lun` of t (0 .. EMK_SCSI_MAX_LUNS - 1).  -EINVAL
 *  for a bad number, -EBUSY if taken.  Call while no request runs (before
 *  the HBA starts, or in its loop). */
EMK_API int emk_scsi_target_attach(emk_scsi_target *t, unsigned lun,
                                   emk_scsi_lun *lu);

/** Removes LUN number lun (nothing if absent); its requests must be done. */
EMK_API void emk_scsi_target_detach(emk_scsi_target *t, unsigned lun);

/** Sets the unit attention of a reset (EMK_SCSI_RESET_BUS or _DEVICE) on
 *  every LUN of t and clears START STOP UNIT's stop.  Requests in flight
 *  still complete (the HBA decides whether to report them).  HBA loop. */
EMK_API void emk_scsi_target_reset(emk_scsi_target *t, int kind);

/** Number of LUNs attached. */
EMK_API unsigned emk_scsi_target_luns(const emk_scsi_target *t);

/** Initialises a disk LUN on blk (which must outlive it) with a POWER ON
 *  unit attention pending; opt may be NULL.  -EINVAL for a bad block size
 *  or a backend smaller than one block. */
EMK_API int emk_scsi_disk_init(emk_scsi_lun *lu, emk_blk *blk,
                               const emk_scsi_disk_options *opt);

/** Re-reads the backend's size; if the capacity changed, sets CAPACITY
 *  DATA HAS CHANGED.  HBA loop. */
EMK_API void emk_scsi_lun_resized(emk_scsi_lun *lu);

/** Executes req on LUN req->lun of t (see the header comment).  Fills
 *  status, sense and xfer, then calls req->done exactly once, possibly
 *  before returning.  HBA loop. */
EMK_API void emk_scsi_submit(emk_scsi_target *t, emk_scsi_req *req);

/** Bytes of data a CDB moves and its direction, as the LUN will see it:
 *  *len (0 for none) and *to_device (1 data-out, 0 data-in).  Returns 0,
 *  or -EINVAL for a CDB whose length cannot be derived (unknown opcode).
 *  For HBAs that must size or check a transfer before submitting it. */
EMK_API int emk_scsi_cdb_xfer(const uint8_t *cdb, unsigned cdb_len,
                              uint32_t block_size, uint64_t *len,
                              int *to_device);

/** Length of the CDB that starts with opcode (6, 10, 12 or 16 from its
 *  group code), 0 for a vendor-specific or reserved group. */
EMK_API unsigned emk_scsi_cdb_len(uint8_t opcode);

/** Fills sense (EMK_SCSI_SENSE_LEN bytes) with fixed-format current sense
 *  data for key and asc (emk_scsi_asc). */
EMK_API void emk_scsi_build_sense(uint8_t *sense, unsigned key, unsigned asc);

#ifdef __cplusplus
}
#endif

#endif
