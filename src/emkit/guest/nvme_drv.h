/*
 * nvme_drv.h - a compact guest-side NVMe driver for the test machine (test
 * code, not part of the device).  It plays the part of Linux's nvme
 * driver: controller enable, Identify, Number of Queues, Doorbell Buffer
 * Config (shadow doorbells with EventIdx, as drivers/nvme/host/pci.c
 * does for I/O queues only), I/O queue pairs, submission at any queue
 * depth and completion by polling or by waiting for MSIs.
 */
#ifndef EMK_GUEST_NVME_DRV_H
#define EMK_GUEST_NVME_DRV_H

#include "emkit/testmachine.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_nvme_drv_limits {
    EMK_NVME_DRV_MAX_IOQ = 16,
    EMK_NVME_DRV_MAX_NS = 16
};

/** A completion as the guest sees it. */
typedef struct emk_nvme_cqe {
    uint32_t dw0;
    uint16_t sq_head, sqid, cid;
    uint16_t status;      /**< (SCT << 8) | SC, DNR in bit 14 */
} emk_nvme_cqe;

/** One queue pair. */
typedef struct emk_nvme_drv_q {
    uint16_t qid, size, vector;
    uint64_t sq_gpa, cq_gpa;
    uint8_t *sq, *cq;
    uint16_t sq_tail, sq_head, cq_head;
    int phase;
    uint16_t next_cid;
    unsigned outstanding;
} emk_nvme_drv_q;

/** Driver options. */
typedef struct emk_nvme_drv_opts {
    unsigned nioq;        /**< I/O queue pairs to create (1..16) */
    unsigned qsize;       /**< entries per I/O queue (0: 64) */
    int shadow;           /**< use Doorbell Buffer Config if offered */
    int threaded;         /**< device runs in iothreads: wait on host time */
    unsigned long max_polls; /**< polls before a command or CSTS wait gives
                                up (0: a default for threaded or not) */
} emk_nvme_drv_opts;

typedef struct emk_nvme_drv {
    emk_tm *tm;
    uint64_t bar;
    emk_nvme_drv_opts opts;
    emk_nvme_drv_q admin;
    emk_nvme_drv_q io[EMK_NVME_DRV_MAX_IOQ];
    unsigned nioq;
    int shadow_on;
    uint64_t dbs_gpa, eis_gpa;
    uint64_t page_gpa;    /**< one 4 KiB page for admin data */
    uint8_t id_ctrl[4096];
    unsigned nns;
    uint64_t ns_nlbas[EMK_NVME_DRV_MAX_NS + 1];
    unsigned ns_lba_shift[EMK_NVME_DRV_MAX_NS + 1];
    uint64_t mmio_doorbells; /**< doorbell MMIO writes the driver made */
    uint64_t doorbells_saved; /**< writes skipped thanks to EventIdx */
} emk_nvme_drv;

/** Resets and enables the controller at BAR address bar, identifies it
 *  and its namespaces, configures shadow doorbells (if asked and offered)
 *  and creates the I/O queues.  0 or -errno (-EIO: a command failed,
 *  -ETIMEDOUT: the controller never became ready). */
EMK_API int emk_nvme_drv_init(emk_nvme_drv *d, emk_tm *tm, uint64_t bar,
                      const emk_nvme_drv_opts *opts);

/** Disables the controller (CC.EN = 0) and waits for CSTS.RDY = 0. */
EMK_API int emk_nvme_drv_disable(emk_nvme_drv *d);

/** Places a 64-byte command in q, assigning its CID (returned), without
 *  ringing.  -EBUSY if the queue is full. */
EMK_API int emk_nvme_drv_queue_cmd(emk_nvme_drv *d, emk_nvme_drv_q *q, uint8_t cmd[64]);

/** Rings q's SQ tail doorbell (through the shadow buffer when on). */
EMK_API void emk_nvme_drv_ring(emk_nvme_drv *d, emk_nvme_drv_q *q);

/** Reaps up to max completions from q (polling; also runs the machine's
 *  main loop once).  Returns the number reaped. */
EMK_API int emk_nvme_drv_reap(emk_nvme_drv *d, emk_nvme_drv_q *q, emk_nvme_cqe *out,
                      int max);

/** Submits cmd on q and waits for its completion.  0 or -ETIMEDOUT. */
EMK_API int emk_nvme_drv_exec(emk_nvme_drv *d, emk_nvme_drv_q *q, uint8_t cmd[64],
                      emk_nvme_cqe *cqe);

/** Builds a command: zeroes it and sets opcode and nsid. */
EMK_API void emk_nvme_cmd_init(uint8_t cmd[64], uint8_t opcode, uint32_t nsid);
/** Sets a little-endian dword (index 0..15) of a command. */
EMK_API void emk_nvme_cmd_dw(uint8_t cmd[64], unsigned idx, uint32_t v);
/** Sets PRP1/PRP2 (or an SGL1 descriptor's first 16 bytes). */
EMK_API void emk_nvme_cmd_dptr(uint8_t cmd[64], uint64_t prp1, uint64_t prp2);
/** A read/write-style command: slba, nlb (1-based) and PRPs. */
EMK_API void emk_nvme_cmd_rw(uint8_t cmd[64], uint8_t opcode, uint32_t nsid,
                     uint64_t slba, uint32_t nlb, uint64_t prp1, uint64_t prp2);

/** PRPs for a physically contiguous guest buffer of len bytes at gpa;
 *  list_gpa is a page for the PRP list if one is needed (may be 0 if
 *  len fits in two pages).  -EINVAL if a list is needed and missing. */
EMK_API int emk_nvme_drv_prp(emk_nvme_drv *d, uint64_t gpa, uint64_t len,
                     uint64_t list_gpa, uint64_t *prp1, uint64_t *prp2);

/** Synchronous I/O of nlb blocks at slba of nsid on q to/from gpa
 *  (contiguous, at most 128 KiB; list_gpa as for emk_nvme_drv_prp).
 *  Returns the completion status (0 ok) or -errno. */
EMK_API int emk_nvme_drv_io(emk_nvme_drv *d, emk_nvme_drv_q *q, uint8_t opcode,
                    uint32_t nsid, uint64_t slba, uint32_t nlb, uint64_t gpa,
                    uint64_t list_gpa);

#ifdef __cplusplus
}
#endif

#endif
