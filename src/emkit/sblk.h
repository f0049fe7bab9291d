/*
 * sblk.h - emkit simple block device: the smallest complete emkit device.
 *
 * One MMIO window of EMK_SBLK_MMIO_SIZE bytes, one request at a time, a
 * doorbell that can be an ioeventfd, data moved by zero-copy DMA straight
 * into a block backend, completion by level IRQ and/or MSI.  It is the
 * template new devices copy and the foundation's end-to-end test.
 *
 * Guest protocol: write LBA, COUNT (512-byte sectors), ADDR (a contiguous
 * guest buffer) and OP; write 1 to DOORBELL; wait for the interrupt (or
 * poll STATUS until DONE); read RESULT (0 or a positive errno); write DONE
 * to STATUS to acknowledge (write-1-to-clear), which lowers the IRQ line.
 */
#ifndef EMKIT_HW_SBLK_H
#define EMKIT_HW_SBLK_H

#include "emkit/block.h"
#include "emkit/bus.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_sblk_reg {
    EMK_SBLK_REG_ID = 0x00,        /* RO 32: EMK_SBLK_ID */
    EMK_SBLK_REG_STATUS = 0x04,    /* 32: BUSY (RO), DONE (W1C) */
    EMK_SBLK_REG_CAPACITY = 0x08,  /* RO 64: sectors */
    EMK_SBLK_REG_OP = 0x10,        /* 32: emk_sblk_op */
    EMK_SBLK_REG_COUNT = 0x14,     /* 32: sectors */
    EMK_SBLK_REG_LBA = 0x18,       /* 64 */
    EMK_SBLK_REG_ADDR = 0x20,      /* 64: guest buffer */
    EMK_SBLK_REG_MSI_ADDR = 0x28,  /* 64: 0 disables MSI */
    EMK_SBLK_REG_MSI_DATA = 0x30,  /* 32 */
    EMK_SBLK_REG_RESULT = 0x34,    /* RO 32: 0 or positive errno */
    EMK_SBLK_REG_DOORBELL = 0x38,  /* WO 32: write 1 to start */
    EMK_SBLK_REG_COMPLETED = 0x40  /* RO 64: requests completed */
};

enum emk_sblk_consts {
    EMK_SBLK_ID = 0x424b4d45,      /* "EMKB" */
    EMK_SBLK_MMIO_SIZE = 0x100,
    EMK_SBLK_SECTOR = 512,
    EMK_SBLK_MAX_SECTORS = 2048,   /* 1 MiB per request */
    EMK_SBLK_STATUS_BUSY = 1,
    EMK_SBLK_STATUS_DONE = 2
};

typedef enum emk_sblk_op {
    EMK_SBLK_OP_READ = 0,
    EMK_SBLK_OP_WRITE = 1,
    EMK_SBLK_OP_FLUSH = 2
} emk_sblk_op;

typedef struct emk_sblk_options {
    int ioeventfd;        /**< doorbell through an emk_notifier */
    /** The interrupt object DONE drives (level), given by the transport;
     *  kept by pointer.  NULL: bus line irq_line. */
    const emk_irq *irq;
    unsigned irq_line;    /**< level IRQ line when irq is NULL */
} emk_sblk_options;

/** A request as latched from the registers when the doorbell rang.  The
 *  device loop only ever works on a latched copy, never on the live
 *  registers, which the guest may rewrite at any time. */
typedef struct emk_sblk_cmd {
    uint32_t op, count, msi_data, gen;
    uint64_t lba, addr, msi_addr;
} emk_sblk_cmd;

/** The device.  emk_dev first, as every emkit device.  Everything after
 *  `dev` is private; tests read `completed` only through the register. */
typedef struct emk_sblk {
    emk_dev dev;
    emk_region mmio;
    emk_blk *blk;
    emk_sblk_options opt;
    emk_notifier doorbell;
    emk_bh kick;
    emk_blk_req req;
    struct iovec iov[16];
    int niov;
    /* guest-visible registers, accessed atomically (guest thread and
     * device loop) */
    uint32_t status, op, count, msi_data, result;
    uint64_t lba, addr, msi_addr, completed;
    /* private */
    emk_sblk_cmd latch;   /* written by the ring that set BUSY */
    emk_sblk_cmd cur;     /* device loop: the request being executed */
    uint32_t gen;         /* bumped by reset: completions of older
                             generations are dropped */
    int inflight;         /* a block request is outstanding */
    int kick_deferred;    /* device loop: a ring waits for a dropped
                             request to finish */
    emk_irq line;         /* the bus line when opt.irq is NULL */
    const emk_irq *irq;   /* what DONE drives */
    int irq_lock;         /* spin lock: status DONE vs the IRQ line */
    int irq_level;        /* line level last driven (under irq_lock) */
} emk_sblk;

/** Initialises the caller-owned device on bus; its work runs in loop
 *  (NULL: the bus's main loop).  The caller maps s->mmio (emk_bus_map_region).  Returns 0 or a negative errno (nothing to clean up). */
EMK_API int emk_sblk_init(emk_sblk *s, emk_bus *bus, emk_loop *loop, emk_blk *blk,
                  const emk_sblk_options *opt);

/** Returns the device to its power-on state: every register reads as after
 *  emk_sblk_init, the IRQ line is low and a pending doorbell is
 *  forgotten.  A block request in flight cannot be cancelled: it runs to
 *  completion in the device loop and its result is dropped (no DONE, no
 *  interrupt, COMPLETED unchanged).  A request the guest starts meanwhile
 *  waits for it, so the device is usable at once.  Runs in the device's
 *  loop (emk_loop_call: from another thread it waits for that loop, which
 *  must be running). */
EMK_API void emk_sblk_reset(emk_sblk *s);

/** 1 while a block request (possibly a dropped one) is outstanding. */
EMK_API int emk_sblk_busy(const emk_sblk *s);

/** Tears the device down.  Runs in the device's loop (emk_loop_call, as
 *  emk_sblk_reset); call it while that loop still runs, or from the
 *  loop's thread, and only when emk_sblk_busy() is 0 (for example after
 *  emk_sblk_reset and waiting for the dropped request).  The caller
 *  unmaps s->mmio first. */
EMK_API void emk_sblk_cleanup(emk_sblk *s);

#ifdef __cplusplus
}
#endif

#endif
