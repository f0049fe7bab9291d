/*
 * drivers_sblk.c - the simple block device's two driver nodes: as a PCI
 * function (emk_sblk_pci: BAR 0, INTA#) at the path's attach point, and
 * mapped straight on the MMIO machine's bus (level line 0 or its own MSI
 * registers).  Its loop is the machine's or an iothread; sblk_drv is the
 * guest.  Both produce blk; the PCI one also produces pci.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qos.h"
#include "emkit/sblk_pci.h"
#include "emkit/guest/sblk_drv.h"

typedef struct sblk_state {
    emk_sblk_pci pci;          /* the PCI node's device */
    emk_sblk mmio;             /* the MMIO node's device */
    emk_sblk *s;               /* whichever it is */
    int is_pci, attached;
    emk_sblk_drv d;
    emk_blk *blk;
    emk_iothread *it;
    uint64_t base, msi, scratch;
    qos_ctx *c;
} sblk_state;

static int sblk_rw(qos_blk *b, int write, uint64_t lba, uint32_t n, uint64_t gpa)
{
    sblk_state *s = b->drv;

    return emk_sblk_drv_io(&s->d, write ? EMK_SBLK_OP_WRITE : EMK_SBLK_OP_READ,
                           lba, n, gpa);
}

static int sblk_flush(qos_blk *b)
{
    sblk_state *s = b->drv;

    return emk_sblk_drv_io(&s->d, EMK_SBLK_OP_FLUSH, 0, 0, 0);
}

static int sblk_start(qos_blk *b, uint64_t lba, uint32_t n, uint64_t gpa)
{
    sblk_state *s = b->drv;
    emk_tm *tm = s->d.tm;

    emk_tm_mmio_write(tm, s->base + EMK_SBLK_REG_OP, 4, EMK_SBLK_OP_WRITE);
    emk_tm_mmio_write(tm, s->base + EMK_SBLK_REG_LBA, 8, lba);
    emk_tm_mmio_write(tm, s->base + EMK_SBLK_REG_COUNT, 4, n);
    emk_tm_mmio_write(tm, s->base + EMK_SBLK_REG_ADDR, 8, gpa);
    return emk_tm_mmio_write(tm, s->base + EMK_SBLK_REG_DOORBELL, 4, 1);
}

/* Waits until the device has no block request outstanding. */
static int sblk_quiesce(sblk_state *s, emk_tm *tm)
{
    struct timespec ts = {0, 50000};
    int i;

    for (i = 0; i < 20000 && emk_sblk_busy(s->s); i++) {
        emk_tm_run_pending(tm, 100);
        if (s->it)
            nanosleep(&ts, NULL);
    }
    return emk_sblk_busy(s->s) ? -ETIMEDOUT : 0;
}

/* The device has no guest-visible reset: the host resets it (on PCI a
 * function reset, after which firmware programs BAR 0 and the command
 * register again; on the MMIO bus the device reset), the guest driver
 * starts over. */
static int sblk_reset(qos_blk *b)
{
    sblk_state *s = b->drv;

    if (s->is_pci) {
        uint32_t cmd = qos_cfg_read(s->c, EMK_PCI_COMMAND, 2);

        emk_pci_fn_reset(&s->pci.fn);
        if (qos_cfg_read(s->c, EMK_PCI_COMMAND, 2) != 0 ||
            qos_cfg_read(s->c, EMK_PCI_BAR0, 4) != 0)
            return -EIO;                /* the function did not reset */
        qos_cfg_write(s->c, EMK_PCI_BAR0, 4, (uint32_t)s->base);
        qos_cfg_write(s->c, EMK_PCI_COMMAND, 2, cmd);
    } else {
        emk_sblk_reset(s->s);
    }
    return emk_sblk_drv_init(&s->d, s->d.tm, s->base, s->msi);
}

static const qos_blk_ops sblk_blk_ops = {
    sblk_rw, sblk_flush, NULL, NULL, sblk_start, sblk_reset
};

static int sblk_dma(qos_pcifn *p)
{
    sblk_state *s = p->drv;

    return emk_sblk_drv_io(&s->d, EMK_SBLK_OP_READ, 0, 1, s->scratch);
}

static int sblk_restart(qos_pcifn *p)
{
    sblk_state *s = p->drv;

    return emk_sblk_drv_init(&s->d, s->d.tm, s->base, s->msi);
}

static const qos_pcifn_ops sblk_pci_ops = {sblk_dma, NULL, sblk_restart};

static void sblk_free(qos_ctx *c, sblk_state *s)
{
    if (s->attached) {
        emk_sblk_reset(s->s);
        (void)sblk_quiesce(s, c->tm);
        if (s->is_pci)
            qos_pci_detach(c, &s->pci.fn);
        else
            emk_bus_unmap_region(emk_tm_bus(c->tm), &s->mmio.mmio);
    }
    if (s->s == &s->pci.sblk)
        emk_sblk_pci_cleanup(&s->pci);
    else if (s->s)
        emk_sblk_cleanup(&s->mmio);
    if (s->it)
        emk_iothread_stop(s->it);
    if (s->blk)
        emk_blk_close(s->blk);
    free(s);
    c->drv = NULL;
}

static int sblk_build(qos_ctx *c, const qos_opts *opts, int is_pci)
{
    emk_sblk_options so;
    emk_loop *loop = NULL;
    sblk_state *s;
    int err = 0, idx;

    if (is_pci != c->pci || !(s = calloc(1, sizeof(*s))))
        return -EINVAL;
    c->drv = s;
    s->c = c;
    s->is_pci = is_pci;
    if (opts->iothreads && !(s->it = emk_iothread_start("qos-sblk", NULL, &err)))
        goto fail;
    loop = s->it ? emk_iothread_loop(s->it) : NULL;
    if (!(s->blk = emk_blk_open("ram:1M", 0, &err)))
        goto fail;
    memset(&so, 0, sizeof(so));
    if (is_pci) {
        if ((err = emk_sblk_pci_init(&s->pci, emk_tm_bus(c->tm), loop, s->blk,
                                     &so, 0, 0)) < 0)
            goto fail;
        s->s = &s->pci.sblk;
        if ((err = qos_pci_attach(c, &s->pci.fn)) < 0)
            goto fail;
        s->attached = 1;
        if ((idx = err = qos_pci_enumerate(c, EMK_SBLK_PCI_VENDOR,
                                           EMK_SBLK_PCI_DEVICE)) < 0)
            goto fail;
        s->base = c->e.fns[idx].bar_addr[0];
        c->pcifn.ops = &sblk_pci_ops;
        c->pcifn.drv = s;
        c->pcifn.fn = &s->pci.fn;
        c->pcifn.idx = (unsigned)idx;
        c->pcifn.bar_size[0] = EMK_SBLK_MMIO_SIZE;
        c->pcifn.main_bar = 0;
    } else {
        if ((err = emk_sblk_init(&s->mmio, emk_tm_bus(c->tm), loop, s->blk, &so)) < 0)
            goto fail;
        s->s = &s->mmio;
        s->base = QOS_MMIO_BASE;
        if ((err = emk_bus_map_region(emk_tm_bus(c->tm), &s->mmio.mmio, s->base)) < 0)
            goto fail;
        s->attached = 1;
    }
    s->msi = opts->irq == QOS_IRQ_MSI ? QOS_MSI_ADDR : 0;
    s->scratch = emk_tm_alloc(c->tm, 4096, 4096);
    if (!s->scratch || (err = emk_sblk_drv_init(&s->d, c->tm, s->base, s->msi)) < 0)
        goto fail;
    c->blk.ops = &sblk_blk_ops;
    c->blk.drv = s;
    c->blk.nblocks = (1u << 20) / EMK_SBLK_SECTOR;
    c->blk.block_size = EMK_SBLK_SECTOR;
    c->blk.max_blocks = EMK_SBLK_MAX_SECTORS;
    return 0;
fail:
    sblk_free(c, s);
    return err < 0 ? err : -ENOMEM;
}

int qos_sblk_pci_build(qos_ctx *c, const qos_opts *o)
{
    return sblk_build(c, o, 1);
}

int qos_sblk_mmio_build(qos_ctx *c, const qos_opts *o)
{
    return sblk_build(c, o, 0);
}

void qos_sblk_teardown(qos_ctx *c)
{
    if (c->drv)
        sblk_free(c, c->drv);
}
