/*
 * cmd.c - host adapter commands through the command/parameter register:
 * the opcode, its parameter bytes, execution, the reply bytes in data-in
 * and command complete.  Linux's blogic_cmd() drives it: it writes the
 * opcode and parameters, reads data-in while DATA IN READY is set and
 * stops at COMMAND COMPLETE, so COMMAND COMPLETE is only raised once the
 * last reply byte has been read, and READY is clear while the command
 * runs (it ends Fetch Local RAM early otherwise).
 */
#include "bl_int.h"
#include "trace_int.h"

static emk_trace_event ev_bl_cmd = EMK_TRACE_EVENT_INIT("buslogic_cmd");

enum { VARIABLE = -1, NO_CMDC = 1 };

typedef struct bl_cmd_desc {
    uint8_t opcode;
    signed char nparam;    /* VARIABLE: the first parameter counts the rest */
    uint8_t flags;
} bl_cmd_desc;

static const bl_cmd_desc cmds[] = {
    { EMK_BUSLOGIC_CMD_TEST_CMDC, 0, 0 },
    { EMK_BUSLOGIC_CMD_INIT_MBOX, 4, 0 },
    { EMK_BUSLOGIC_CMD_BOARD_ID, 0, 0 },
    { EMK_BUSLOGIC_CMD_OUTBOX_INT, 1, 0 },
    { EMK_BUSLOGIC_CMD_SELECT_TIMEOUT, 4, 0 },
    { EMK_BUSLOGIC_CMD_PREEMPT_TIME, 1, 0 },
    { EMK_BUSLOGIC_CMD_TIME_OFF_BUS, 1, 0 },
    { EMK_BUSLOGIC_CMD_TRANSFER_RATE, 1, 0 },
    { EMK_BUSLOGIC_CMD_INSTALLED_0_7, 0, 0 },
    { EMK_BUSLOGIC_CMD_CONFIGURATION, 0, 0 },
    { EMK_BUSLOGIC_CMD_TARGET_MODE, 2, 0 },
    { EMK_BUSLOGIC_CMD_SETUP_INFO, 1, 0 },
    { EMK_BUSLOGIC_CMD_ECHO, 1, 0 },
    { EMK_BUSLOGIC_CMD_DIAGNOSTIC, 0, 0 },
    { EMK_BUSLOGIC_CMD_SET_OPTIONS, VARIABLE, 0 },
    { EMK_BUSLOGIC_CMD_INSTALLED_8_15, 0, 0 },
    { EMK_BUSLOGIC_CMD_TARGET_DEVICES, 0, 0 },
    { EMK_BUSLOGIC_CMD_DISABLE_INT, 1, 0 },
    { EMK_BUSLOGIC_CMD_INIT_EXT_MBOX, 5, 0 },
    { EMK_BUSLOGIC_CMD_FW_DIGIT3, 0, 0 },
    { EMK_BUSLOGIC_CMD_FW_LETTER, 0, 0 },
    { EMK_BUSLOGIC_CMD_PCI_INFO, 0, 0 },
    { EMK_BUSLOGIC_CMD_MODEL, 1, 0 },
    { EMK_BUSLOGIC_CMD_SYNC_PERIOD, 1, 0 },
    { EMK_BUSLOGIC_CMD_EXT_SETUP, 1, 0 },
    { EMK_BUSLOGIC_CMD_STRICT_RR, 1, 0 },
    { EMK_BUSLOGIC_CMD_FETCH_LOCAL_RAM, 2, 0 },
    { EMK_BUSLOGIC_CMD_MODIFY_IO, 1, NO_CMDC },
    { EMK_BUSLOGIC_CMD_CCB_FORMAT, 1, 0 }
};

static const bl_cmd_desc *find(uint8_t op)
{
    unsigned i;

    for (i = 0; i < EMK_ARRAY_SIZE(cmds); i++)
        if (cmds[i].opcode == op)
            return &cmds[i];
    return NULL;
}

void emk_bl_cmd_reset(bl_state *st)
{
    st->cstate = BL_IDLE;
    st->nparam = st->need = 0;
    st->rlen = st->rpos = 0;
}

/* ends the command: READY again, command complete unless suppressed */
static void finish(bl_state *st, int invalid)
{
    const bl_cmd_desc *d = find(st->opcode);

    st->cstate = BL_IDLE;
    st->status &= (uint8_t)~(EMK_BUSLOGIC_STAT_DATAIN_READY |
                             EMK_BUSLOGIC_STAT_CMD_BUSY);
    st->status |= EMK_BUSLOGIC_STAT_READY;
    if (invalid) {
        st->status |= EMK_BUSLOGIC_STAT_CMD_INVALID;
        st->stats.invalid++;
    }
    if (invalid || !d || !(d->flags & NO_CMDC))
        emk_bl_raise(st, EMK_BUSLOGIC_INT_CMD_COMPLETE);
}

/* mailbox initialisation (0x01 and 0x81): 0 or -EINVAL */
static int init_mbox(bl_state *st, int wide)
{
    const uint8_t *p = st->param;
    uint32_t count = p[0];
    uint64_t base = wide ? emk_le32(p + 1)
                         : ((uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
    uint64_t bytes = (uint64_t)count * (wide ? 16 : 8);

    if (count == 0 || base + bytes > 0x100000000ull)
        return -EINVAL;
    emk_bl_mbox_reset(st);
    st->mbox_wide = wide;
    st->mbox_count = count;
    st->mbox_base = (uint32_t)base;
    st->status &= (uint8_t)~EMK_BUSLOGIC_STAT_INIT_REQUIRED;
    return 0;
}

/* executes st->opcode with st->param: the reply length, or -EINVAL */
static int execute(bl_state *st)
{
    const uint8_t *p = st->param;

    switch (st->opcode) {
    case EMK_BUSLOGIC_CMD_INIT_MBOX:
        return init_mbox(st, 0) < 0 ? -EINVAL : 0;
    case EMK_BUSLOGIC_CMD_INIT_EXT_MBOX:
        return init_mbox(st, 1) < 0 ? -EINVAL : 0;
    case EMK_BUSLOGIC_CMD_OUTBOX_INT:
        if (p[0] > 1)
            return -EINVAL;
        st->outbox_int = p[0];
        return 0;
    case EMK_BUSLOGIC_CMD_DISABLE_INT:
        if (p[0] > 1)
            return -EINVAL;
        st->irq_enabled = p[0];
        return 0;
    case EMK_BUSLOGIC_CMD_STRICT_RR:
        if (p[0] > 1)
            return -EINVAL;
        st->strict_rr = p[0];
        return 0;
    case EMK_BUSLOGIC_CMD_CCB_FORMAT:
        if (p[0] > 1)
            return -EINVAL;
        st->ext_lun = p[0];
        return 0;
    case EMK_BUSLOGIC_CMD_MODIFY_IO:
        if (p[0] > 7)
            return -EINVAL;
        st->isa_port = p[0];
        return 0;
    case EMK_BUSLOGIC_CMD_TEST_CMDC:
    case EMK_BUSLOGIC_CMD_SELECT_TIMEOUT:
    case EMK_BUSLOGIC_CMD_PREEMPT_TIME:
    case EMK_BUSLOGIC_CMD_TIME_OFF_BUS:
    case EMK_BUSLOGIC_CMD_TRANSFER_RATE:
    case EMK_BUSLOGIC_CMD_TARGET_MODE:
    case EMK_BUSLOGIC_CMD_DIAGNOSTIC:
    case EMK_BUSLOGIC_CMD_SET_OPTIONS:
        return 0;           /* accepted; nothing to emulate */
    case EMK_BUSLOGIC_CMD_ECHO:
        st->reply[0] = p[0];
        return 1;
    default:
        return (int)emk_bl_info(st, st->opcode, p);
    }
}

static void run(bl_state *st)
{
    int n;

    st->stats.commands++;
    n = execute(st);
    EMK_TRACE(ev_bl_cmd, "opcode=0x%02x params=%u reply=%d", st->opcode,
              st->nparam, n);
    if (n < 0) {
        finish(st, 1);
        return;
    }
    if (n == 0) {
        finish(st, 0);
        return;
    }
    st->rlen = (unsigned)n;
    st->rpos = 0;
    st->cstate = BL_REPLY;
    st->status |= EMK_BUSLOGIC_STAT_DATAIN_READY;
}

void emk_bl_cmd_write(bl_state *st, uint8_t v)
{
    const bl_cmd_desc *d;

    if (st->status & EMK_BUSLOGIC_STAT_DIAG_ACTIVE) {
        /* a command written during diagnostics ends them */
        st->status = EMK_BUSLOGIC_STAT_READY | EMK_BUSLOGIC_STAT_INIT_REQUIRED;
    }
    if (st->cstate == BL_PARAMS) {
        st->param[st->nparam++] = v;
        if (st->nparam == 1 && find(st->opcode)->nparam == VARIABLE)
            st->need = 1u + v;
        if (st->nparam >= st->need)
            run(st);
        return;
    }
    if (v == EMK_BUSLOGIC_CMD_EXEC_MBOX) {
        /* the one command Linux issues at any time: scan the mailboxes
         * now, no command complete, a pending reply stays.  Port writes
         * run as the adapter's loop owner (see emkit/buslogic.h), so the
         * scan needs no bottom half; under QEMU that saves a wake-up of
         * the loop's thread per command (docs/perf/buslogic.md) */
        emk_bl_mbox_kick(st);
        return;
    }
    /* a new opcode (a reply left unread is abandoned) */
    emk_bl_cmd_reset(st);
    st->opcode = v;
    st->status &= (uint8_t)~(EMK_BUSLOGIC_STAT_CMD_INVALID |
                             EMK_BUSLOGIC_STAT_DATAIN_READY |
                             EMK_BUSLOGIC_STAT_READY);
    d = find(v);
    if (!d) {
        st->stats.commands++;
        EMK_TRACE(ev_bl_cmd, "opcode=0x%02x invalid", v);
        finish(st, 1);
        return;
    }
    st->need = d->nparam == VARIABLE ? 1u : (unsigned)d->nparam;
    if (st->need == 0) {
        run(st);
        return;
    }
    st->cstate = BL_PARAMS;
}

void emk_bl_datain_read(bl_state *st, uint8_t *v)
{
    if (st->cstate != BL_REPLY) {
        *v = 0;
        return;
    }
    *v = st->reply[st->rpos++];
    if (st->rpos >= st->rlen)
        finish(st, 0);
}
