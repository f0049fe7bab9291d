/*
 * emkit/buslogic.h - BusLogic BT-958 (MultiMaster "W" series) SCSI host
 * adapter on emkit's SCSI core (emkit/scsi.h).
 *
 * No hardware documentation exists; the register and command behaviour
 * follows what Linux's BusLogic driver (drivers/scsi/BusLogic.[ch])
 * expects, with VirtualBox's and 86Box's models as behavioural
 * references.  In short:
 *
 *   port +0  write: control (hard reset 0x80, soft reset 0x40, interrupt
 *                   reset 0x20, SCSI bus reset 0x10)
 *            read:  status (diagnostic active 0x80, diagnostic failed 0x40,
 *                   init required 0x20, ready 0x10, command/parameter busy
 *                   0x08, data-in ready 0x04, command invalid 0x01)
 *   port +1  write: command opcode, then its parameter bytes
 *            read:  reply bytes (data-in)
 *   port +2  read:  interrupt (valid 0x80, external bus reset 0x08, command
 *                   complete 0x04, outgoing mailbox available 0x02,
 *                   incoming mailbox loaded 0x01)
 *   port +3  read:  geometry (0x80: extended translation)
 *
 * Host adapter commands: every one Linux 6.1 issues (0x04, 0x0B, 0x0D,
 * 0x24, 0x81, 0x84, 0x85, 0x86, 0x8B, 0x8C, 0x8D, 0x8F, 0x91, 0x95, 0x96)
 * plus the older ones DOS-era drivers use (0x00, 0x01 24-bit mailboxes,
 * 0x05-0x09, 0x0A, 0x0C, 0x1F, 0x20, 0x21, 0x23, 0x25).  An unknown
 * opcode or a bad parameter sets command invalid with command complete.
 *
 * Mailboxes: 32-bit (extended, 0x81) and 24-bit (0x01), strict round
 * robin or scanning.  CCBs: initiator (0x00), scatter-gather (0x02), the
 * residual variants (0x03, 0x04), bus device reset (0x81); abort through
 * the outgoing mailbox action.  Autosense fills the CCB's sense length
 * (0 means 14 bytes, 1 none, at most 96: Linux asks for 96 at the CCB's
 * sense pointer) with the fixed-format sense followed by zeros.
 * A data underrun completes with host status 0 (and the residual in the
 * CCB's data length for the residual opcodes), as Linux requires.  Bad
 * input gets the adapter's error status: 0x15 for an invalid mailbox
 * action, 0x16 for an invalid CCB opcode, 0x1A for a bad CCB field, an SG
 * list or data buffer the bus refuses, or an unreadable CCB; 0x11
 * (selection timeout) for a target without LUNs; 0x12 when the target
 * wants more data than the buffer holds.
 *
 * Threads: the whole adapter belongs to its loop (s->dev.loop).  Register
 * accesses run there (emk_loop_call, directly when the caller may act as
 * the loop's owner: QEMU's BQL, the test machine's thread); the execute
 * mailbox command scans the mailboxes at once (a bottom half continues a
 * scan that ran out of budget, CCB slots or completion FIFO); SCSI
 * completions come back as block-layer bottom halves in the same loop.
 */
#ifndef EMKIT_BUSLOGIC_H
#define EMKIT_BUSLOGIC_H

#include "emkit/bus.h"
#include "emkit/scsi.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_buslogic_reg {
    EMK_BUSLOGIC_REG_CONTROL = 0,   /**< write */
    EMK_BUSLOGIC_REG_STATUS = 0,    /**< read */
    EMK_BUSLOGIC_REG_COMMAND = 1,   /**< write: opcode / parameters */
    EMK_BUSLOGIC_REG_DATAIN = 1,    /**< read: reply bytes */
    EMK_BUSLOGIC_REG_INTERRUPT = 2, /**< read */
    EMK_BUSLOGIC_REG_GEOMETRY = 3   /**< read */
};

enum emk_buslogic_bits {
    EMK_BUSLOGIC_CTRL_HARD_RESET = 0x80,
    EMK_BUSLOGIC_CTRL_SOFT_RESET = 0x40,
    EMK_BUSLOGIC_CTRL_INT_RESET = 0x20,
    EMK_BUSLOGIC_CTRL_BUS_RESET = 0x10,
    EMK_BUSLOGIC_STAT_DIAG_ACTIVE = 0x80,
    EMK_BUSLOGIC_STAT_DIAG_FAILED = 0x40,
    EMK_BUSLOGIC_STAT_INIT_REQUIRED = 0x20,
    EMK_BUSLOGIC_STAT_READY = 0x10,
    EMK_BUSLOGIC_STAT_CMD_BUSY = 0x08,
    EMK_BUSLOGIC_STAT_DATAIN_READY = 0x04,
    EMK_BUSLOGIC_STAT_CMD_INVALID = 0x01,
    EMK_BUSLOGIC_INT_VALID = 0x80,
    EMK_BUSLOGIC_INT_BUS_RESET = 0x08,
    EMK_BUSLOGIC_INT_CMD_COMPLETE = 0x04,
    EMK_BUSLOGIC_INT_MBOX_OUT_AVAIL = 0x02,
    EMK_BUSLOGIC_INT_MBOX_IN_LOADED = 0x01
};

/** Host adapter command opcodes. */
enum emk_buslogic_opcode {
    EMK_BUSLOGIC_CMD_TEST_CMDC = 0x00,
    EMK_BUSLOGIC_CMD_INIT_MBOX = 0x01,
    EMK_BUSLOGIC_CMD_EXEC_MBOX = 0x02,
    EMK_BUSLOGIC_CMD_BOARD_ID = 0x04,
    EMK_BUSLOGIC_CMD_OUTBOX_INT = 0x05,
    EMK_BUSLOGIC_CMD_SELECT_TIMEOUT = 0x06,
    EMK_BUSLOGIC_CMD_PREEMPT_TIME = 0x07,
    EMK_BUSLOGIC_CMD_TIME_OFF_BUS = 0x08,
    EMK_BUSLOGIC_CMD_TRANSFER_RATE = 0x09,
    EMK_BUSLOGIC_CMD_INSTALLED_0_7 = 0x0a,
    EMK_BUSLOGIC_CMD_CONFIGURATION = 0x0b,
    EMK_BUSLOGIC_CMD_TARGET_MODE = 0x0c,
    EMK_BUSLOGIC_CMD_SETUP_INFO = 0x0d,
    EMK_BUSLOGIC_CMD_ECHO = 0x1f,
    EMK_BUSLOGIC_CMD_DIAGNOSTIC = 0x20,
    EMK_BUSLOGIC_CMD_SET_OPTIONS = 0x21,
    EMK_BUSLOGIC_CMD_INSTALLED_8_15 = 0x23,
    EMK_BUSLOGIC_CMD_TARGET_DEVICES = 0x24,
    EMK_BUSLOGIC_CMD_DISABLE_INT = 0x25,
    EMK_BUSLOGIC_CMD_INIT_EXT_MBOX = 0x81,
    EMK_BUSLOGIC_CMD_FW_DIGIT3 = 0x84,
    EMK_BUSLOGIC_CMD_FW_LETTER = 0x85,
    EMK_BUSLOGIC_CMD_PCI_INFO = 0x86,
    EMK_BUSLOGIC_CMD_MODEL = 0x8b,
    EMK_BUSLOGIC_CMD_SYNC_PERIOD = 0x8c,
    EMK_BUSLOGIC_CMD_EXT_SETUP = 0x8d,
    EMK_BUSLOGIC_CMD_STRICT_RR = 0x8f,
    EMK_BUSLOGIC_CMD_FETCH_LOCAL_RAM = 0x91,
    EMK_BUSLOGIC_CMD_MODIFY_IO = 0x95,
    EMK_BUSLOGIC_CMD_CCB_FORMAT = 0x96
};

/** CCB opcodes, mailbox actions and completion codes, host statuses. */
enum emk_buslogic_ccb {
    EMK_BUSLOGIC_CCB_INITIATOR = 0x00,
    EMK_BUSLOGIC_CCB_INITIATOR_SG = 0x02,
    EMK_BUSLOGIC_CCB_INITIATOR_RESID = 0x03,
    EMK_BUSLOGIC_CCB_INITIATOR_SG_RESID = 0x04,
    EMK_BUSLOGIC_CCB_BUS_DEVICE_RESET = 0x81,
    EMK_BUSLOGIC_ACTION_FREE = 0x00,
    EMK_BUSLOGIC_ACTION_START = 0x01,
    EMK_BUSLOGIC_ACTION_ABORT = 0x02,
    EMK_BUSLOGIC_COMP_FREE = 0x00,
    EMK_BUSLOGIC_COMP_GOOD = 0x01,
    EMK_BUSLOGIC_COMP_ABORTED = 0x02,
    EMK_BUSLOGIC_COMP_NOT_FOUND = 0x03,
    EMK_BUSLOGIC_COMP_ERROR = 0x04,
    EMK_BUSLOGIC_HS_OK = 0x00,
    EMK_BUSLOGIC_HS_SELECT_TIMEOUT = 0x11,
    EMK_BUSLOGIC_HS_DATA_OVERRUN = 0x12,
    EMK_BUSLOGIC_HS_INVALID_ACTION = 0x15,
    EMK_BUSLOGIC_HS_INVALID_OPCODE = 0x16,
    EMK_BUSLOGIC_HS_INVALID_PARAM = 0x1a
};

enum emk_buslogic_limits {
    EMK_BUSLOGIC_IO_SIZE = 4,       /**< BAR 0 ports */
    EMK_BUSLOGIC_MMIO_SIZE = 32,    /**< BAR 1: the ports mirrored */
    EMK_BUSLOGIC_TARGETS = 16,      /**< wide: ids 0-15 */
    EMK_BUSLOGIC_SLOTS = 128,       /**< CCBs executing at once */
    EMK_BUSLOGIC_SG_LIMIT = 128,    /**< segments advertised */
    EMK_BUSLOGIC_SG_MAX = 8192,     /**< segments accepted in one list */
    EMK_BUSLOGIC_SENSE_MAX = 96,
    EMK_BUSLOGIC_LOCAL_RAM = 256
};

typedef struct emk_buslogic_options {
    /** The level interrupt the adapter drives (its transport's INTx);
     *  kept by pointer.  NULL: bus line irq_line. */
    const emk_irq *irq;
    unsigned irq_line;
    unsigned scsi_id;     /**< the adapter's own id (0: 7) */
    unsigned irq_number;  /**< IRQ reported by Inquire PCI Information */
} emk_buslogic_options;

/** Counters (device loop; read them when the loop is idle). */
typedef struct emk_buslogic_stats {
    uint64_t commands;       /**< host adapter commands executed */
    uint64_t invalid;        /**< ... of them invalid */
    uint64_t ccbs;           /**< CCBs started */
    uint64_t completions;    /**< incoming mailboxes written */
    uint64_t ccb_errors;     /**< CCBs ended with an adapter error status */
    uint64_t inbox_full;     /**< completions that waited for a free inbox */
    uint64_t dropped;        /**< completions dropped by a reset */
    uint64_t interrupts;     /**< rising edges of the interrupt */
} emk_buslogic_stats;

struct emk_bl_state;

/** The adapter.  emk_dev first; everything after it is private. */
typedef struct emk_buslogic {
    emk_dev dev;
    emk_region io;        /**< BAR 0: 4 ports */
    emk_region mmio;      /**< BAR 1: the same registers */
    emk_scsi_target target[EMK_BUSLOGIC_TARGETS];
    emk_buslogic_options opt;
    struct emk_bl_state *st;
} emk_buslogic;

/** Initialises the caller-owned adapter on bus; its work runs in loop
 *  (NULL: the bus's main loop).  No targets yet (emk_buslogic_attach).
 *  The caller maps s->io and/or s->mmio.  0 or a negative errno (nothing
 *  to clean up). */
EMK_API int emk_buslogic_init(emk_buslogic *s, emk_bus *bus, emk_loop *loop,
                              const emk_buslogic_options *opt);

/** Attaches lu as LUN `lun` of target `target` (not the adapter's own
 *  id).  Before the guest runs, or in the device loop.  0, -EINVAL or
 *  -EBUSY. */
EMK_API int emk_buslogic_attach(emk_buslogic *s, unsigned target, unsigned lun,
                                emk_scsi_lun *lu);

/** Hard reset (power on): registers, mailboxes and host adapter state
 *  return to their power-on values, the SCSI bus is reset (unit
 *  attentions), CCBs in flight are forgotten (their completions are
 *  dropped).  Runs in the device loop (emk_loop_call). */
EMK_API void emk_buslogic_reset(emk_buslogic *s);

/** Number of CCBs whose SCSI request has not completed yet (dropped ones
 *  included). */
EMK_API unsigned emk_buslogic_busy(const emk_buslogic *s);

/** Copies the counters. */
EMK_API void emk_buslogic_stats_get(const emk_buslogic *s,
                                    emk_buslogic_stats *out);

/** Tears the adapter down (device loop, as emk_buslogic_reset); only when
 *  emk_buslogic_busy() is 0.  The caller unmaps the regions first. */
EMK_API void emk_buslogic_cleanup(emk_buslogic *s);

#ifdef __cplusplus
}
#endif

#endif
