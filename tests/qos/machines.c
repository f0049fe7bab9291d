/*
 * machines.c - the machine nodes (one ECAM segment, two segments, plain
 * MMIO bus) and the interrupt accounting every driver's tests share.
 */
#include <string.h>
#include <time.h>

#include "qos.h"

int qos_machine_new(qos_ctx *c, int pci)
{
    emk_tm_config cfg;
    int err = 0;

    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_size = (uint64_t)QOS_RAM_MB << 20;
    c->tm = emk_tm_new(&cfg, &err);
    if (!c->tm)
        return err ? err : -ENOMEM;
    c->pci = pci;
    if (pci)
        emk_pci_host_init(&c->host, emk_tm_bus(c->tm), c->segs, 2);
    return 0;
}

static int add_segment(qos_ctx *c, uint16_t seg, uint64_t ecam, uint8_t first,
                       uint8_t last)
{
    int err = emk_pci_host_add_segment(&c->host, seg, ecam, first, last);

    if (err < 0)
        return err;
    c->esegs[c->nsegs].segment = seg;
    c->esegs[c->nsegs].ecam_base = ecam;
    c->esegs[c->nsegs].bus_start = first;
    c->esegs[c->nsegs].bus_end = last;
    c->nsegs++;
    return 0;
}

/* A PCI machine with segment 0 and, for two, segment 1 (buses 0x40-0x4f);
 * devices go on the last segment's root bus, device 3. */
static int ecam_build(qos_ctx *c, unsigned nsegs)
{
    int err;

    if ((err = qos_machine_new(c, 1)) < 0)
        return err;
    err = add_segment(c, 0, (uint64_t)QOS_ECAM0 << 4, 0, 15);
    if (err == 0 && nsegs > 1)
        err = add_segment(c, 1, (uint64_t)QOS_ECAM1 << 4, 0x40, 0x4f);
    if (err < 0) {
        qos_machine_free(c);
        return err;
    }
    c->at_seg = &c->segs[nsegs - 1];
    c->at_devfn = 3 << 3;
    return 0;
}

int qos_ecam1_build(qos_ctx *c, const qos_opts *o)
{
    (void)o;
    return ecam_build(c, 1);
}

int qos_ecam2_build(qos_ctx *c, const qos_opts *o)
{
    (void)o;
    return ecam_build(c, 2);
}

int qos_mmio_build(qos_ctx *c, const qos_opts *o)
{
    (void)o;
    return qos_machine_new(c, 0);
}

void qos_machine_free(qos_ctx *c)
{
    if (c->tm)
        emk_tm_free(c->tm);
    c->tm = NULL;
}

void qos_machine_teardown(qos_ctx *c)
{
    qos_machine_free(c);
}

void qos_run(qos_ctx *c)
{
    struct timespec ts = {0, 100000};

    emk_tm_run_pending(c->tm, 1000);
    if (c->opts.iothreads)
        nanosleep(&ts, NULL);
}

int qos_irq_check(qos_ctx *c, qos_irq_mode mode)
{
    struct timespec ts = {0, 500000};
    int msg = mode == QOS_IRQ_MSIX || mode == QOS_IRQ_MSI;
    uint64_t dm = 0, dl = 0;
    emk_tm_msi m;
    int bad = 0, i, high = c->line_high;

    /* a device in an iothread may post its completion a moment before
     * it signals it: give the interrupt up to 100 ms */
    for (i = 0; i < 200; i++) {
        dm = emk_tm_msi_count(c->tm) - c->msi_seen;
        dl = emk_tm_irq_raises(c->tm, 0) - c->line_seen;
        high |= emk_tm_irq_level(c->tm, 0);
        if (msg ? dm : (dl || high))
            break;
        emk_tm_run_pending(c->tm, 100);
        nanosleep(&ts, NULL);
    }
    c->msi_seen += dm;
    c->line_seen += dl;
    while (emk_tm_msi_pop(c->tm, &m))
        bad |= m.addr != QOS_MSI_ADDR;
    /* MSI-X excludes INTx; sblk's own MSI comes on top of its line */
    c->line_high = emk_tm_irq_level(c->tm, 0);
    /* a level line counts when it rose or was asserted in the window
     * (NVMe's INTx with shadow doorbells stays asserted after the guest
     * consumed its completions through the shadow head: docs/qos.md) */
    if (bad || (msg ? dm == 0 : (dl == 0 && !high)) ||
        (mode == QOS_IRQ_MSIX && dl) || (!msg && dm))
        return -EIO;
    return 0;
}
