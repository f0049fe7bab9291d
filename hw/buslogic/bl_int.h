/*
 * bl_int.h - private state of the BusLogic adapter (hw/buslogic/), shared
 * by its files: regs.c (ports, interrupt), cmd.c (host adapter commands),
 * info.c (their replies), mbox.c (mailboxes), ccb.c (CCBs and SCSI),
 * buslogic.c (lifecycle), pci.c (PCI function).  Everything here belongs
 * to the device loop.
 */
#ifndef EMKIT_BL_INT_H
#define EMKIT_BL_INT_H

#include <string.h>

#include "emkit/buslogic.h"

#include "compat.h"

enum {
    BL_REPLY_MAX = 256,
    BL_PARAM_MAX = 260,
    BL_FIFO = EMK_BUSLOGIC_SLOTS + 64,  /* pending incoming mailboxes */
    BL_SLOT_SG = EMK_SCSI_MAX_IOV,
    BL_CCB32 = 40,                      /* bytes of a 32-bit CCB read */
    BL_CCB24 = 18,                      /* 24-bit CCB before its CDB */
    BL_CDB_MAX = 12,
    BL_RETRY_NS = 1000000               /* full inbox: look again in 1 ms */
};

typedef enum bl_cmd_state {
    BL_IDLE = 0,
    BL_PARAMS = 1,     /* collecting parameter bytes */
    BL_REPLY = 2       /* reply bytes waiting in data-in */
} bl_cmd_state;

/** One CCB being executed. */
typedef struct bl_slot {
    emk_scsi_req req;
    emk_sg_entry sg[BL_SLOT_SG];
    emk_sglist sgl;
    uint32_t ccb;          /* guest address of the CCB */
    uint32_t sense_addr;   /* where autosense goes (0: none) */
    uint32_t buflen;       /* data buffer bytes (total of the SG list) */
    unsigned sense_len;
    uint8_t opcode, target, dir;
    int in_use, dropped, aborted;
    uint32_t gen;
} bl_slot;

/** An incoming mailbox waiting to be written. */
typedef struct bl_inbox {
    uint32_t ccb;
    uint8_t hs, ts, comp;
} bl_inbox;

struct emk_bl_state {
    emk_buslogic *s;
    /* registers */
    uint8_t status, intr, geometry;
    int diag_seen;         /* diagnostic active has been read once */
    int irq_level, irq_enabled;
    /* host adapter command in progress */
    bl_cmd_state cstate;
    uint8_t opcode;
    unsigned nparam, need;
    uint8_t param[BL_PARAM_MAX];
    uint8_t reply[BL_REPLY_MAX];
    unsigned rlen, rpos;
    /* configuration set by commands */
    uint8_t isa_port, strict_rr, ext_lun, outbox_int;
    uint8_t local_ram[EMK_BUSLOGIC_LOCAL_RAM];
    /* mailboxes */
    int mbox_wide;         /* 1: 32-bit (0x81), 0: 24-bit (0x01) */
    uint32_t mbox_count, mbox_base, out_idx, in_idx;
    int mbox_waiting;      /* out-mailboxes left for want of a slot */
    emk_bh kick;
    emk_timer retry;
    bl_inbox fifo[BL_FIFO];
    unsigned fifo_head, fifo_len;
    /* CCBs */
    uint32_t gen;          /* bumped by resets */
    bl_slot *slot;         /* EMK_BUSLOGIC_SLOTS of them */
    unsigned busy;         /* slots whose request is outstanding */
    emk_buslogic_stats stats;
    emk_irq *own_irq;      /* the bus line when opt.irq is NULL */
};

typedef struct emk_bl_state bl_state;

/* regs.c */
void emk_bl_irq_update(bl_state *st);
void emk_bl_raise(bl_state *st, uint8_t bits);
int emk_bl_io_read(void *opaque, uint64_t off, unsigned size, uint64_t *v);
int emk_bl_io_write(void *opaque, uint64_t off, unsigned size, uint64_t v);

/* cmd.c */
void emk_bl_cmd_write(bl_state *st, uint8_t v);
void emk_bl_datain_read(bl_state *st, uint8_t *v);
void emk_bl_cmd_reset(bl_state *st);

/* info.c: replies of the inquiry commands into st->reply, and the
 * adapter's local RAM (BIOS and AutoSCSI areas) at reset */
void emk_bl_local_ram_init(bl_state *st);
unsigned emk_bl_info(bl_state *st, uint8_t opcode, const uint8_t *param);

/* mbox.c */
void emk_bl_mbox_kick(void *opaque);
void emk_bl_post(bl_state *st, uint32_t ccb, uint8_t hs, uint8_t ts,
                 uint8_t comp);
void emk_bl_flush(bl_state *st);
void emk_bl_retry(void *opaque);
void emk_bl_mbox_reset(bl_state *st);

/* ccb.c */
void emk_bl_ccb_start(bl_state *st, uint32_t ccb);
void emk_bl_ccb_abort(bl_state *st, uint32_t ccb);
int emk_bl_slot_free(const bl_state *st);
void emk_bl_drop_all(bl_state *st, int target);

/* buslogic.c */
void emk_bl_adapter_reset(bl_state *st, int hard);

#endif
