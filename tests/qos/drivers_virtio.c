/*
 * drivers_virtio.c - the virtio-rng driver node: the entropy device (a
 * counting source, so tests can check every byte) behind the virtio-pci
 * transport at the path's attach point, its loop the machine's or an
 * iothread, queue 0 on MSI-X vector 0 or on INTx + ISR; virtio_drv is the
 * guest.  Produces virtio and pci.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qos.h"
#include "emkit/virtio_pci.h"
#include "emkit/virtio_rng.h"
#include "emkit/guest/virtio_drv.h"

typedef struct rng_state {
    emk_virtio_rng rng;
    emk_virtio_pci pci;
    emk_virtio_drv d;
    emk_iothread *it;
    uint8_t next;
    int rng_up, pci_up, attached;
    uint64_t scratch;
} rng_state;

static int counter(void *opaque, void *buf, size_t len)
{
    rng_state *s = opaque;
    size_t i;

    for (i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = s->next++;
    return 0;
}

long qos_virtio_request(qos_ctx *c, uint64_t gpa, uint32_t len, int rounds)
{
    rng_state *s = c->drv;
    emk_virtio_drv_buf b;
    struct timespec ts = {0, 100000};
    uint16_t head;
    uint32_t used;
    int i;

    b.gpa = gpa;
    b.len = len;
    b.writable = 1;
    if (emk_virtio_drv_add(&s->d, 0, &b, 1, 0) < 0)
        return -1;
    emk_virtio_drv_kick(&s->d, 0);
    for (i = 0; i < rounds; i++) {
        if (emk_virtio_drv_used(&s->d, 0, &head, &used))
            break;
        if (!emk_tm_run_pending(c->tm, 100) && s->it)
            nanosleep(&ts, NULL);
    }
    if (i == rounds)
        return -1;
    if (c->opts.irq == QOS_IRQ_INTX)
        (void)emk_virtio_drv_isr(&s->d);        /* acknowledge INTA# */
    return (long)used;
}

static int rng_setup(qos_ctx *c)
{
    rng_state *s = c->drv;
    uint16_t vec = c->opts.irq == QOS_IRQ_MSIX ? 0 : EMK_VIRTIO_NO_VECTOR;
    int err;

    if ((err = emk_virtio_drv_negotiate(&s->d, 0)) < 0 ||
        (err = emk_virtio_drv_queue(&s->d, 0, 16, vec)) < 0)
        return err;
    emk_virtio_drv_ok(&s->d);
    return 0;
}

static int rng_dma(qos_pcifn *p)
{
    qos_ctx *c = p->drv;
    rng_state *s = c->drv;

    return qos_virtio_request(c, s->scratch, 64, 300) == 64 ? 0 : -EIO;
}

static int rng_restart(qos_pcifn *p)
{
    qos_ctx *c = p->drv;
    rng_state *s = c->drv;
    int err = emk_virtio_drv_init(&s->d, &c->e, p->idx);

    return err < 0 ? err : rng_setup(c);
}

static const qos_pcifn_ops rng_pci_ops = {rng_dma, rng_dma, rng_restart};

static void rng_free(qos_ctx *c, rng_state *s)
{
    if (s->attached)
        qos_pci_detach(c, &s->pci.fn);
    if (s->pci_up)
        emk_virtio_pci_cleanup(&s->pci);
    if (s->it)
        emk_iothread_stop(s->it);
    if (s->rng_up)
        emk_virtio_rng_cleanup(&s->rng);
    free(s);
    c->drv = NULL;
}

int qos_virtio_rng_build(qos_ctx *c, const qos_opts *opts)
{
    emk_virtio_rng_options ro;
    emk_virtio_pci_options po;
    rng_state *s;
    int err = 0, idx;

    if (!c->pci || !(s = calloc(1, sizeof(*s))))
        return -EINVAL;
    c->drv = s;
    if (opts->iothreads && !(s->it = emk_iothread_start("qos-rng", NULL, &err)))
        goto fail;
    memset(&ro, 0, sizeof(ro));
    ro.source = counter;
    ro.opaque = s;
    if ((err = emk_virtio_rng_init(&s->rng, emk_tm_bus(c->tm),
                                   s->it ? emk_iothread_loop(s->it) : NULL, &ro)) < 0)
        goto fail;
    s->rng_up = 1;
    memset(&po, 0, sizeof(po));
    if ((err = emk_virtio_pci_init(&s->pci, &s->rng.vdev, &po)) < 0)
        goto fail;
    s->pci_up = 1;
    if ((err = qos_pci_attach(c, &s->pci.fn)) < 0)
        goto fail;
    s->attached = 1;
    idx = err = qos_pci_enumerate(c, EMK_VIRTIO_PCI_VENDOR,
                                  EMK_VIRTIO_PCI_DEVICE_BASE + EMK_VIRTIO_ID_RNG);
    if (idx < 0)
        goto fail;
    if (opts->irq == QOS_IRQ_MSIX &&
        (err = emk_pci_enum_msix_setup(&c->e, (unsigned)idx, QOS_MSI_ADDR,
                                       QOS_MSI_DATA, 2)) < 0)
        goto fail;
    s->scratch = emk_tm_alloc(c->tm, 4096, 4096);
    c->opts = *opts;
    if (!s->scratch || (err = emk_virtio_drv_init(&s->d, &c->e, (unsigned)idx)) < 0 ||
        (err = rng_setup(c)) < 0)
        goto fail;
    c->virtio.d = &s->d;
    c->virtio.next = &s->next;
    c->virtio.setup = rng_setup;
    c->pcifn.ops = &rng_pci_ops;
    c->pcifn.drv = c;
    c->pcifn.fn = &s->pci.fn;
    c->pcifn.idx = (unsigned)idx;
    c->pcifn.bar_size[EMK_VIRTIO_PCI_MSIX_BAR] = 0x1000;
    c->pcifn.bar_size[EMK_VIRTIO_PCI_BAR] = EMK_VIRTIO_PCI_BAR_SIZE;
    c->pcifn.bar64 = 1u << EMK_VIRTIO_PCI_BAR;
    c->pcifn.main_bar = EMK_VIRTIO_PCI_BAR;
    c->pcifn.vector = 0;
    return 0;
fail:
    rng_free(c, s);
    return err < 0 ? err : -ENOMEM;
}

void qos_virtio_rng_teardown(qos_ctx *c)
{
    if (c->drv)
        rng_free(c, c->drv);
}
