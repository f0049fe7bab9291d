/* buslogic_drv.h - guest-side driver for the BusLogic BT-958 on the test
 * machine, following Linux's BusLogic.c: the probe and initialisation
 * command sequence, 32-bit mailboxes in strict round robin mode and
 * scatter-gather CCBs.  Test code: it plays the guest. */
#ifndef EMK_GUEST_BUSLOGIC_DRV_H
#define EMK_GUEST_BUSLOGIC_DRV_H

#include "emkit/testmachine.h"
#include "emkit/buslogic.h"

enum emk_buslogic_drv_limits {
    EMK_BUSLOGIC_DRV_CCBS = 64,     /**< CCBs the driver keeps */
    EMK_BUSLOGIC_DRV_SG = 16,       /**< SG entries per CCB */
    EMK_BUSLOGIC_DRV_CCB_SIZE = 512 /**< CCB + SG list + sense, guest bytes */
};

/** One SCSI command for emk_buslogic_drv_start. */
typedef struct emk_buslogic_drv_cmd {
    unsigned target, lun;
    uint8_t cdb[12];
    unsigned cdb_len;
    uint64_t buf;          /**< guest address of the data buffer (0: none) */
    uint32_t len;          /**< its length */
    unsigned nseg;         /**< split the buffer in this many SG segments
                                (0: a direct, non-SG CCB) */
    int residual;          /**< 1: the residual opcodes (0x03/0x04) */
} emk_buslogic_drv_cmd;

/** A completion read from an incoming mailbox. */
typedef struct emk_buslogic_drv_done {
    int tag;               /**< from emk_buslogic_drv_start */
    uint8_t comp, hs, ts;  /**< completion code, host and target status */
    uint32_t resid;        /**< the CCB's data length afterwards */
    uint8_t sense[EMK_BUSLOGIC_SENSE_MAX]; /**< the 96 autosense bytes */
} emk_buslogic_drv_done;

typedef struct emk_buslogic_drv {
    emk_tm *tm;
    uint64_t io;           /* port base */
    uint32_t mbox;         /* guest address of the mailboxes */
    unsigned nmbox, out_next, in_next;
    uint32_t ccbs;         /* guest address of the CCB pool */
    int busy[EMK_BUSLOGIC_DRV_CCBS];
    char model[8];         /* "BT-958" */
    char fw[8];            /* "5.07B" */
    unsigned sg_limit;
    uint64_t commands, interrupts;
} emk_buslogic_drv;

/** Runs host adapter command opcode with plen parameter bytes and reads
 *  up to rlen reply bytes, as Linux's blogic_cmd does.  Returns the reply
 *  bytes read, -EINVAL if the adapter set command invalid, -ETIMEDOUT. */
EMK_API int emk_buslogic_drv_command(emk_buslogic_drv *d, uint8_t opcode,
                                     const void *param, unsigned plen,
                                     void *reply, unsigned rlen);

/** Hard reset, probe and initialise the adapter at port base io with
 *  nmbox 32-bit mailboxes (1..255), as Linux 6.1 does (the commands of
 *  blogic_probe, blogic_hwreset, blogic_rdconfig and blogic_initadapter).
 *  0, -ENODEV (not a BusLogic) or the failing command's error. */
EMK_API int emk_buslogic_drv_init(emk_buslogic_drv *d, emk_tm *tm,
                                  uint64_t io, unsigned nmbox);

/** Builds a CCB for c and puts it in the next outgoing mailbox.  Returns
 *  its tag (>= 0), -EBUSY (no free CCB or mailbox) or -EINVAL. */
EMK_API int emk_buslogic_drv_start(emk_buslogic_drv *d,
                                   const emk_buslogic_drv_cmd *c);

/** Runs the machine and reaps up to max completions into out, waiting up
 *  to timeout_ms for the first one.  Returns how many. */
EMK_API int emk_buslogic_drv_poll(emk_buslogic_drv *d,
                                  emk_buslogic_drv_done *out, unsigned max,
                                  unsigned timeout_ms);

/** start + poll for that one command.  0 (filled *out) or -errno. */
EMK_API int emk_buslogic_drv_exec(emk_buslogic_drv *d,
                                  const emk_buslogic_drv_cmd *c,
                                  emk_buslogic_drv_done *out);

#endif
