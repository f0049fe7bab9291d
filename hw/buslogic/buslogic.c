/*
 * buslogic.c - lifecycle of the BusLogic adapter: init, targets, hard and
 * soft reset (diagnostics, then READY and INIT REQUIRED), cleanup.
 */
#include <stdlib.h>

#include "bl_int.h"
#include "trace_int.h"

static emk_trace_event ev_bl_reset = EMK_TRACE_EVENT_INIT("buslogic_reset");

static const emk_region_ops bl_ops = {
    .read = emk_bl_io_read,
    .write = emk_bl_io_write,
    .valid_sizes = EMK_SIZE_1,
    .flags = 0,
};

void emk_bl_adapter_reset(bl_state *st, int hard)
{
    unsigned t;

    EMK_TRACE(ev_bl_reset, "%s busy=%u", hard ? "hard" : "soft", st->busy);
    st->gen++;
    emk_bl_drop_all(st, -1);
    emk_bl_mbox_reset(st);
    emk_bl_cmd_reset(st);
    st->status = EMK_BUSLOGIC_STAT_DIAG_ACTIVE;
    st->diag_seen = 0;
    st->intr = 0;
    st->irq_enabled = 1;
    st->strict_rr = 0;
    st->ext_lun = 0;
    st->outbox_int = 0;
    st->isa_port = 6;               /* ISA-compatible ports: disabled */
    emk_bl_local_ram_init(st);
    emk_bl_irq_update(st);
    if (hard)
        for (t = 0; t < EMK_BUSLOGIC_TARGETS; t++)
            emk_scsi_target_reset(&st->s->target[t], EMK_SCSI_RESET_BUS);
}

int emk_buslogic_init(emk_buslogic *s, emk_bus *bus, emk_loop *loop,
                      const emk_buslogic_options *opt)
{
    bl_state *st;
    unsigned t;
    int ret;

    if (!s || !bus)
        return -EINVAL;
    memset(s, 0, sizeof(*s));
    if (opt)
        s->opt = *opt;
    st = (bl_state *)calloc(1, sizeof(*st));
    if (!st)
        return -ENOMEM;
    st->slot = (bl_slot *)calloc(EMK_BUSLOGIC_SLOTS, sizeof(bl_slot));
    if (!st->slot) {
        free(st);
        return -ENOMEM;
    }
    st->s = s;
    s->st = st;
    emk_dev_init(&s->dev, "emkit-buslogic", bus, loop);
    if (!s->opt.irq) {
        static const char name[] = "buslogic-irq";
        emk_irq *line = (emk_irq *)calloc(1, sizeof(*line));

        if (!line) {
            free(st->slot);
            free(st);
            return -ENOMEM;
        }
        emk_irq_init_line(line, name, &s->dev, s->opt.irq_line);
        s->opt.irq = line;
        st->own_irq = line;
    }
    for (t = 0; t < EMK_BUSLOGIC_TARGETS; t++)
        emk_scsi_target_init(&s->target[t], t);
    s->io.name = "buslogic-io";
    s->io.ops = &bl_ops;
    s->io.opaque = s;
    s->io.size = EMK_BUSLOGIC_IO_SIZE;
    s->io.space = EMK_SPACE_IO;
    s->mmio.name = "buslogic-mmio";
    s->mmio.ops = &bl_ops;
    s->mmio.opaque = s;
    s->mmio.size = EMK_BUSLOGIC_MMIO_SIZE;
    s->mmio.space = EMK_SPACE_MEM;
    ret = emk_dev_add_region(&s->dev, &s->io);
    if (ret == 0)
        ret = emk_dev_add_region(&s->dev, &s->mmio);
    if (ret < 0) {
        free(st->own_irq);
        free(st->slot);
        free(st);
        s->st = NULL;
        return ret;
    }
    emk_bh_init(&st->kick, s->dev.loop, emk_bl_mbox_kick, st);
    emk_timer_init(&st->retry, s->dev.loop, emk_bl_retry, st);
    st->geometry = 0x80;            /* extended translation (255/63) */
    emk_bl_adapter_reset(st, 1);
    /* power on: the diagnostics have already run */
    st->status = EMK_BUSLOGIC_STAT_READY | EMK_BUSLOGIC_STAT_INIT_REQUIRED;
    return 0;
}

int emk_buslogic_attach(emk_buslogic *s, unsigned target, unsigned lun,
                        emk_scsi_lun *lu)
{
    unsigned own = s->opt.scsi_id ? s->opt.scsi_id & 15 : 7;

    if (target >= EMK_BUSLOGIC_TARGETS || target == own)
        return -EINVAL;
    return emk_scsi_target_attach(&s->target[target], lun, lu);
}

static void reset_in_loop(void *opaque)
{
    bl_state *st = (bl_state *)opaque;

    emk_bl_adapter_reset(st, 1);
    st->status = EMK_BUSLOGIC_STAT_READY | EMK_BUSLOGIC_STAT_INIT_REQUIRED;
}

void emk_buslogic_reset(emk_buslogic *s)
{
    emk_loop_call(s->dev.loop, reset_in_loop, s->st);
}

unsigned emk_buslogic_busy(const emk_buslogic *s)
{
    return s->st ? s->st->busy : 0;
}

void emk_buslogic_stats_get(const emk_buslogic *s, emk_buslogic_stats *out)
{
    *out = s->st->stats;
}

static void cleanup_in_loop(void *opaque)
{
    bl_state *st = (bl_state *)opaque;

    emk_bh_cancel(&st->kick);
    emk_timer_del(&st->retry);
}

void emk_buslogic_cleanup(emk_buslogic *s)
{
    bl_state *st = s->st;

    if (!st)
        return;
    emk_loop_call(s->dev.loop, cleanup_in_loop, st);
    if (st->own_irq) {
        s->opt.irq = NULL;
        free(st->own_irq);
    }
    free(st->slot);
    free(st);
    s->st = NULL;
}
