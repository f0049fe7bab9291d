/*
 * regs.c - the BusLogic ports: control/status, command/data-in,
 * interrupt and geometry, and the interrupt line.  Every access runs in
 * the device loop (emk_loop_call; directly when the caller may act as
 * its owner).  BAR 1 mirrors the four ports every four bytes.
 */
#include "bl_int.h"
#include "trace_int.h"

static emk_trace_event ev_bl_reg = EMK_TRACE_EVENT_INIT("buslogic_reg");
static emk_trace_event ev_bl_irq = EMK_TRACE_EVENT_INIT("buslogic_irq");

void emk_bl_irq_update(bl_state *st)
{
    int level = (st->intr & EMK_BUSLOGIC_INT_VALID) && st->irq_enabled;

    if (level == st->irq_level)
        return;
    st->irq_level = level;
    if (level)
        st->stats.interrupts++;
    EMK_TRACE(ev_bl_irq, "level=%d intr=0x%02x", level, st->intr);
    emk_irq_raise(st->s->opt.irq, level);
}

void emk_bl_raise(bl_state *st, uint8_t bits)
{
    st->intr |= (uint8_t)(bits | EMK_BUSLOGIC_INT_VALID);
    emk_bl_irq_update(st);
}

static uint8_t read_status(bl_state *st)
{
    uint8_t v = st->status;

    /* diagnostics take one look: the first read after a reset shows them
     * active, the next one ready (Linux waits to see both) */
    if (v & EMK_BUSLOGIC_STAT_DIAG_ACTIVE) {
        if (st->diag_seen) {
            st->status = EMK_BUSLOGIC_STAT_READY | EMK_BUSLOGIC_STAT_INIT_REQUIRED;
            v = st->status;
        } else {
            st->diag_seen = 1;
        }
    }
    return v;
}

static void control_write(bl_state *st, uint8_t v)
{
    if (v & EMK_BUSLOGIC_CTRL_HARD_RESET) {
        emk_bl_adapter_reset(st, 1);
        return;
    }
    if (v & EMK_BUSLOGIC_CTRL_SOFT_RESET) {
        emk_bl_adapter_reset(st, 0);
        return;
    }
    if (v & EMK_BUSLOGIC_CTRL_INT_RESET) {
        st->intr = 0;
        st->status &= (uint8_t)~EMK_BUSLOGIC_STAT_CMD_INVALID;
        emk_bl_irq_update(st);
        emk_bl_flush(st);    /* the guest may have freed incoming mailboxes */
    }
    if (v & EMK_BUSLOGIC_CTRL_BUS_RESET) {
        unsigned t;

        for (t = 0; t < EMK_BUSLOGIC_TARGETS; t++)
            emk_scsi_target_reset(&st->s->target[t], EMK_SCSI_RESET_BUS);
    }
}

typedef struct bl_access {
    bl_state *st;
    uint64_t off;
    uint64_t value;
    int is_write;
} bl_access;

static void access_in_loop(void *opaque)
{
    bl_access *a = (bl_access *)opaque;
    bl_state *st = a->st;
    unsigned reg = (unsigned)(a->off & 3);
    uint8_t v = (uint8_t)a->value;

    if (a->is_write) {
        EMK_TRACE(ev_bl_reg, "write reg=%u value=0x%02x", reg, v);
        if (reg == EMK_BUSLOGIC_REG_CONTROL)
            control_write(st, v);
        else if (reg == EMK_BUSLOGIC_REG_COMMAND)
            emk_bl_cmd_write(st, v);
        return;             /* interrupt and geometry are read-only */
    }
    switch (reg) {
    case EMK_BUSLOGIC_REG_STATUS: v = read_status(st); break;
    case EMK_BUSLOGIC_REG_DATAIN: emk_bl_datain_read(st, &v); break;
    case EMK_BUSLOGIC_REG_INTERRUPT: v = st->intr; break;
    default: v = st->geometry; break;
    }
    a->value = v;
}

int emk_bl_io_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_buslogic *s = (emk_buslogic *)opaque;
    bl_access a;

    (void)size;
    a.st = s->st;
    a.off = off;
    a.value = 0;
    a.is_write = 0;
    emk_loop_call(s->dev.loop, access_in_loop, &a);
    *v = a.value;
    return 0;
}

int emk_bl_io_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    emk_buslogic *s = (emk_buslogic *)opaque;
    bl_access a;

    (void)size;
    a.st = s->st;
    a.off = off;
    a.value = v & 0xff;
    a.is_write = 1;
    emk_loop_call(s->dev.loop, access_in_loop, &a);
    return 0;
}
