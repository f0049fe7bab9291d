/*
 * drivers_nvme.c - the NVMe driver node: an emk_nvme_pci controller (one
 * 4 MiB RAM namespace, 512-byte blocks) attached at the path's attach
 * point, found by enumeration, MSI-X programmed or left on INTx, queues
 * on the machine's loop or on iothreads, shadow doorbells as the edge
 * says; nvme_drv is the guest.  Produces blk and pci.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qos.h"
#include "emkit/nvme_pci.h"
#include "emkit/guest/nvme_drv.h"

typedef struct nvme_state {
    emk_nvme_pci pci;
    emk_nvme_drv d;
    emk_nvme_drv_opts dopt;
    emk_iothread *it[2];
    uint64_t bar, list, scratch;
} nvme_state;

static int nvme_rw(qos_blk *b, int write, uint64_t lba, uint32_t n, uint64_t gpa)
{
    nvme_state *s = b->drv;

    return emk_nvme_drv_io(&s->d, &s->d.io[0], write ? 0x01 : 0x02, 1, lba, n,
                           gpa, s->list);
}

static int nvme_cmd(nvme_state *s, uint8_t cmd[64])
{
    emk_nvme_cqe c;
    int err = emk_nvme_drv_exec(&s->d, &s->d.io[0], cmd, &c);

    return err < 0 ? err : c.status;
}

static int nvme_flush(qos_blk *b)
{
    uint8_t cmd[64];

    emk_nvme_cmd_init(cmd, 0x00, 1);
    return nvme_cmd(b->drv, cmd);
}

static int nvme_zeroes(qos_blk *b, uint64_t lba, uint32_t n)
{
    uint8_t cmd[64];

    emk_nvme_cmd_rw(cmd, 0x08, 1, lba, n, 0, 0);
    return nvme_cmd(b->drv, cmd);
}

static int nvme_discard(qos_blk *b, uint64_t lba, uint32_t n)
{
    nvme_state *s = b->drv;
    uint8_t cmd[64], *r = emk_tm_ram(s->d.tm, s->scratch, 16);
    unsigned i;

    memset(r, 0, 16);
    for (i = 0; i < 4; i++)
        r[4 + i] = (uint8_t)(n >> (8 * i));
    for (i = 0; i < 8; i++)
        r[8 + i] = (uint8_t)(lba >> (8 * i));
    emk_nvme_cmd_init(cmd, 0x09, 1);
    emk_nvme_cmd_dptr(cmd, s->scratch, 0);
    emk_nvme_cmd_dw(cmd, 11, 0x4);          /* AD: deallocate */
    return nvme_cmd(s, cmd);
}

static int nvme_start(qos_blk *b, uint64_t lba, uint32_t n, uint64_t gpa)
{
    nvme_state *s = b->drv;
    uint8_t cmd[64];
    uint64_t p1, p2;
    int err;

    if ((err = emk_nvme_drv_prp(&s->d, gpa, (uint64_t)n * 512, s->list, &p1, &p2)) < 0)
        return err;
    emk_nvme_cmd_rw(cmd, 0x01, 1, lba, n, p1, p2);
    if ((err = emk_nvme_drv_queue_cmd(&s->d, &s->d.io[0], cmd)) < 0)
        return err;
    emk_nvme_drv_ring(&s->d, &s->d.io[0]);
    return 0;
}

/* The guest's controller reset: CC.EN = 0 with commands in flight, then a
 * fresh driver. */
static int nvme_restart(nvme_state *s)
{
    int err = emk_nvme_drv_disable(&s->d);

    if (err < 0)
        return err;
    return emk_nvme_drv_init(&s->d, s->d.tm, s->bar, &s->dopt);
}

static int nvme_reset(qos_blk *b)
{
    return nvme_restart(b->drv);
}

static const qos_blk_ops nvme_blk_ops = {
    nvme_rw, nvme_flush, nvme_zeroes, nvme_discard, nvme_start, nvme_reset
};

static int nvme_dma(qos_pcifn *p)
{
    nvme_state *s = p->drv;
    uint8_t cmd[64];
    emk_nvme_cqe c;
    struct timespec ts = {0, 100000};
    int i;

    /* one read, reaped without the driver's long wait: with bus
     * mastering off the controller cannot fetch it and goes fatal */
    emk_nvme_cmd_rw(cmd, 0x02, 1, 0, 1, s->scratch, 0);
    if (emk_nvme_drv_queue_cmd(&s->d, &s->d.io[0], cmd) < 0)
        return -EBUSY;
    emk_nvme_drv_ring(&s->d, &s->d.io[0]);
    /* at least 0.5 s for queues on iothreads of a loaded machine */
    for (i = 0; i < 5000; i++) {
        if (emk_nvme_drv_reap(&s->d, &s->d.io[0], &c, 1) == 1)
            return c.status ? -EIO : 0;
        if (s->dopt.threaded)
            nanosleep(&ts, NULL);
        else if (i > 2000)
            break;
    }
    return -ETIMEDOUT;
}

static int nvme_signal(qos_pcifn *p)
{
    nvme_state *s = p->drv;

    return emk_nvme_drv_io(&s->d, &s->d.io[0], 0x02, 1, 0, 1, s->scratch, 0) ? -EIO : 0;
}

static int nvme_pci_restart(qos_pcifn *p)
{
    return nvme_restart(p->drv);
}

static const qos_pcifn_ops nvme_pci_ops = {nvme_dma, nvme_signal, nvme_pci_restart};

static void nvme_free(qos_ctx *c, nvme_state *s, int attached)
{
    unsigned i;

    if (attached) {
        emk_nvme_reset(emk_nvme_pci_ctrl(&s->pci));  /* quiesces the queues */
        emk_tm_run_pending(c->tm, 1000);
        qos_pci_detach(c, emk_nvme_pci_fn(&s->pci));
    }
    emk_nvme_pci_cleanup(&s->pci);
    for (i = 0; i < 2; i++)
        if (s->it[i])
            emk_iothread_stop(s->it[i]);
    free(s);
    c->drv = NULL;
}

int qos_nvme_build(qos_ctx *c, const qos_opts *opts)
{
    emk_nvme_options o;
    nvme_state *s;
    int err = 0, idx;
    unsigned i;

    if (!c->pci || !(s = calloc(1, sizeof(*s))))
        return -EINVAL;
    c->drv = s;
    emk_nvme_options_default(&o);
    o.max_queues = 4;
    o.max_queue_entries = 256;
    o.nns = 1;
    o.ns[0].backend = "ram:4M";
    o.ns[0].lba_shift = 9;
    o.shadow_doorbells = opts->shadow;
    for (i = 0; i < opts->iothreads && i < 2; i++) {
        if (!(s->it[i] = emk_iothread_start("qos-nvme", NULL, &err)))
            break;
        o.iothreads[i] = emk_iothread_loop(s->it[i]);
        o.niothreads = i + 1;
    }
    if (err < 0 || (err = emk_nvme_pci_init(&s->pci, &o, emk_tm_bus(c->tm), NULL)) < 0) {
        s->it[0] = s->it[0];   /* nothing attached yet */
        for (i = 0; i < 2; i++)
            if (s->it[i])
                emk_iothread_stop(s->it[i]);
        free(s);
        c->drv = NULL;
        return err ? err : -EINVAL;
    }
    if ((err = qos_pci_attach(c, emk_nvme_pci_fn(&s->pci))) < 0) {
        nvme_free(c, s, 0);
        return err;
    }
    idx = qos_pci_enumerate(c, EMK_NVME_PCI_VENDOR, EMK_NVME_PCI_DEVICE);
    if (idx >= 0 && opts->irq == QOS_IRQ_MSIX)
        err = emk_pci_enum_msix_setup(&c->e, (unsigned)idx, QOS_MSI_ADDR,
                                      QOS_MSI_DATA, c->e.fns[idx].msix_nvec);
    s->bar = idx >= 0 ? c->e.fns[idx].bar_addr[0] : 0;
    s->list = emk_tm_alloc(c->tm, 4096, 4096);
    s->scratch = emk_tm_alloc(c->tm, 4096, 4096);
    s->dopt.nioq = 2;
    s->dopt.qsize = 64;
    s->dopt.shadow = opts->shadow;
    s->dopt.threaded = opts->iothreads > 0;
    if (idx < 0 || err < 0 || !s->list || !s->scratch ||
        (err = emk_nvme_drv_init(&s->d, c->tm, s->bar, &s->dopt)) < 0 ||
        (opts->shadow && !s->d.shadow_on)) {
        nvme_free(c, s, 1);
        return idx < 0 ? idx : err < 0 ? err : -EIO;
    }
    c->blk.ops = &nvme_blk_ops;
    c->blk.drv = s;
    c->blk.nblocks = s->d.ns_nlbas[1];
    c->blk.block_size = 512;
    c->blk.max_blocks = 256;        /* 128 KiB: the driver's PRP limit */
    c->blk.discard_zeroes = 1;      /* RAM namespace: deallocated reads 0 */
    c->pcifn.ops = &nvme_pci_ops;
    c->pcifn.drv = s;
    c->pcifn.fn = emk_nvme_pci_fn(&s->pci);
    c->pcifn.idx = (unsigned)idx;
    c->pcifn.bar_size[0] = 0x4000;  /* registers + doorbells */
    c->pcifn.bar_size[4] = 0x1000;  /* MSI-X table and PBA */
    c->pcifn.bar64 = 1u << 0;
    c->pcifn.main_bar = 0;
    c->pcifn.vector = s->d.io[0].vector;
    return 0;
}

void qos_nvme_teardown(qos_ctx *c)
{
    if (c->drv)
        nvme_free(c, c->drv, 1);
}
