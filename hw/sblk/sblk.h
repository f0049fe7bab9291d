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
    unsigned irq_line;    /**< level IRQ line */
} emk_sblk_options;

/** The device.  emk_dev first, as every emkit device. */
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
    /* registers */
    uint32_t status, op, count, msi_data, result;
    uint64_t lba, addr, msi_addr, completed;
} emk_sblk;

/** Initialises the device on bus; its work runs in loop (NULL: main
 *  loop).  The caller maps s->mmio (emk_bus ops map_region). */
int emk_sblk_init(emk_sblk *s, emk_bus *bus, emk_loop *loop, emk_blk *blk,
                  const emk_sblk_options *opt);
/** Tears the device down (no request may be in flight). */
void emk_sblk_cleanup(emk_sblk *s);

#ifdef __cplusplus
}
#endif

#endif
