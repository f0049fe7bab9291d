/*
 * pci.c - the virtio-pci transport's setup: identity, the vendor
 * capabilities, BAR 4, MSI-X, INTA#, the notification doorbells, and the
 * hand-over of every guest access to the device loop.  The registers
 * themselves are pci_regs.c.
 */
#include <string.h>

#include "emkit/virtio_pci.h"
#include "virtio_pci_int.h"

/* ---- interrupts -------------------------------------------------------- */

void emk_virtio_pci__intx(emk_virtio_pci *p)
{
    uint8_t level = p->isr ? 1 : 0;

    if (level != p->intx_level) {
        p->intx_level = level;
        emk_irq_raise(&p->intx, level);
    }
}

static void pci_signal(emk_virtio *vd, uint16_t vector, unsigned isr_bit)
{
    emk_virtio_pci *p = vd->transport_opaque;

    if (emk_pci_msix_enabled(&p->fn)) {
        if (vector < p->nvec)
            emk_irq_raise(&p->vec[vector], 1);
        return;
    }
    p->isr |= (uint8_t)isr_bit;
    emk_virtio_pci__intx(p);
}

static const emk_virtio_transport pci_transport = { pci_signal };

void emk_virtio_pci__reset_regs(emk_virtio_pci *p)
{
    p->isr = 0;
    emk_virtio_pci__intx(p);
    p->queue_sel = 0;
    p->dfselect = p->gfselect = 0;
}

/* ---- guest accesses, handed to the device loop --------------------------- */

typedef struct bar_call {
    emk_virtio_pci *p;
    uint64_t off;
    unsigned size;
    uint64_t *value;
    int is_write;
} bar_call;

static void bar_call_fn(void *arg)
{
    bar_call *c = arg;

    (void)emk_virtio_pci__access(c->p, c->off, c->size, c->value,
                                 c->is_write);
}

static int in_loop(emk_virtio_pci *p, uint64_t off, unsigned size,
                   uint64_t *value, int is_write)
{
    bar_call c;

    if (emk_loop_in_thread(p->vd->dev.loop))
        return emk_virtio_pci__access(p, off, size, value, is_write);
    c.p = p;
    c.off = off;
    c.size = size;
    c.value = value;
    c.is_write = is_write;
    return emk_loop_call(p->vd->dev.loop, bar_call_fn, &c);
}

static int bar_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    return in_loop(opaque, off, size, v, 0);
}

static int bar_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    return in_loop(opaque, off, size, &v, 1);
}

static const emk_region_ops bar_ops = {
    .read = bar_read,
    .write = bar_write,
    .valid_sizes = EMK_SIZE_1 | EMK_SIZE_2 | EMK_SIZE_4 | EMK_SIZE_8,
    .flags = 0,
};

static void kick_cb(void *opaque)
{
    emk_virtio_pci_kick *k = opaque;

    emk_virtio_kick(k->p->vd, k->q);
}

/* ---- the PCI_CFG window (spec 4.1.4.9) ----------------------------------- */

/* The window's target, if it is a whole access inside BAR 4. */
static int window(emk_virtio_pci *p, uint64_t *off, unsigned *len)
{
    unsigned c = p->pcicfg_cap;
    uint8_t bar = emk_pci_get_byte(&p->fn, c + EMK_VIRTIO_PCI_CAP_BAR);

    *off = emk_pci_get_long(&p->fn, c + EMK_VIRTIO_PCI_CAP_OFFSET);
    *len = emk_pci_get_long(&p->fn, c + EMK_VIRTIO_PCI_CAP_LENGTH);
    if (bar != EMK_VIRTIO_PCI_BAR || (*len != 1 && *len != 2 && *len != 4) ||
        *off % *len || *off + *len > EMK_VIRTIO_PCI_BAR_SIZE) {
        p->stat_bad_access++;
        return 0;
    }
    return 1;
}

static int hits_data(const emk_virtio_pci *p, uint32_t off, unsigned size)
{
    uint32_t d = p->pcicfg_cap + EMK_VIRTIO_PCI_CAP_PCI_CFG_DATA;

    return off < d + 4 && off + size > d;
}

static void fn_config_read(emk_pci_fn *fn, uint32_t off, unsigned size)
{
    emk_virtio_pci *p = fn->opaque;
    uint64_t woff, v = 0;
    unsigned len;

    if (!hits_data(p, off, size) || !window(p, &woff, &len))
        return;
    (void)in_loop(p, woff, len, &v, 0);
    emk_pci_set_long(fn, p->pcicfg_cap + EMK_VIRTIO_PCI_CAP_PCI_CFG_DATA,
                     (uint32_t)v);
}

static void fn_config_write(emk_pci_fn *fn, uint32_t off, unsigned size,
                            uint32_t val)
{
    emk_virtio_pci *p = fn->opaque;
    uint64_t woff, v;
    unsigned len;

    (void)val;
    if (!hits_data(p, off, size) || !window(p, &woff, &len))
        return;
    v = emk_pci_get_long(fn, p->pcicfg_cap + EMK_VIRTIO_PCI_CAP_PCI_CFG_DATA);
    v &= len == 4 ? 0xffffffffu : ((1u << (8 * len)) - 1);
    (void)in_loop(p, woff, len, &v, 1);
}

static void reset_fn(void *arg)
{
    emk_virtio_pci *p = arg;

    emk_virtio_reset(p->vd);
    emk_virtio_pci__reset_regs(p);
}

static void fn_reset(emk_pci_fn *fn)
{
    emk_virtio_pci_reset(fn->opaque);
}

static const emk_pci_fn_ops fn_ops = {
    .config_write = fn_config_write,
    .reset = fn_reset,
    .config_read = fn_config_read,
};

/* ---- setup ----------------------------------------------------------------- */

static int add_cap(emk_virtio_pci *p, uint8_t type, uint32_t off,
                   uint32_t len, unsigned size)
{
    int c = emk_pci_cap_add(&p->fn, 0x09, size);   /* vendor-specific */

    if (c < 0)
        return c;
    emk_pci_set_byte(&p->fn, (uint32_t)c + EMK_VIRTIO_PCI_CAP_LEN, (uint8_t)size);
    emk_pci_set_byte(&p->fn, (uint32_t)c + EMK_VIRTIO_PCI_CAP_CFG_TYPE, type);
    emk_pci_set_byte(&p->fn, (uint32_t)c + EMK_VIRTIO_PCI_CAP_BAR,
                     type == EMK_VIRTIO_PCI_CAP_PCI_CFG ? 0 : EMK_VIRTIO_PCI_BAR);
    emk_pci_set_long(&p->fn, (uint32_t)c + EMK_VIRTIO_PCI_CAP_OFFSET, off);
    emk_pci_set_long(&p->fn, (uint32_t)c + EMK_VIRTIO_PCI_CAP_LENGTH, len);
    return c;
}

static int add_caps(emk_virtio_pci *p)
{
    emk_virtio *vd = p->vd;
    int c;

    if ((c = add_cap(p, EMK_VIRTIO_PCI_CAP_COMMON_CFG, EMK_VIRTIO_PCI_COMMON,
                     EMK_VIRTIO_PCI_COMMON_LEN, 16)) < 0)
        return c;
    if ((c = add_cap(p, EMK_VIRTIO_PCI_CAP_ISR_CFG, EMK_VIRTIO_PCI_ISR, 1,
                     16)) < 0)
        return c;
    if (vd->config_size &&
        (c = add_cap(p, EMK_VIRTIO_PCI_CAP_DEVICE_CFG, EMK_VIRTIO_PCI_DEVICE,
                     vd->config_size, 16)) < 0)
        return c;
    if ((c = add_cap(p, EMK_VIRTIO_PCI_CAP_NOTIFY_CFG, EMK_VIRTIO_PCI_NOTIFY,
                     EMK_VIRTIO_PCI_NOTIFY_MULT * (vd->nqueues ? vd->nqueues : 1),
                     20)) < 0)
        return c;
    emk_pci_set_long(&p->fn, (uint32_t)c + EMK_VIRTIO_PCI_CAP_NOTIFY_MULT,
                     EMK_VIRTIO_PCI_NOTIFY_MULT);
    if ((c = add_cap(p, EMK_VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 20)) < 0)
        return c;
    p->pcicfg_cap = (unsigned)c;
    /* the window's bar, offset, length and data are the driver's */
    emk_pci_set_masks(&p->fn, (uint32_t)c + EMK_VIRTIO_PCI_CAP_BAR, 1, 0xff, 0);
    emk_pci_set_masks(&p->fn, (uint32_t)c + EMK_VIRTIO_PCI_CAP_OFFSET, 4,
                      0xffffffffu, 0);
    emk_pci_set_masks(&p->fn, (uint32_t)c + EMK_VIRTIO_PCI_CAP_LENGTH, 4,
                      0xffffffffu, 0);
    emk_pci_set_masks(&p->fn, (uint32_t)c + EMK_VIRTIO_PCI_CAP_PCI_CFG_DATA, 4,
                      0xffffffffu, 0);
    return 0;
}

static int add_doorbells(emk_virtio_pci *p)
{
    emk_virtio *vd = p->vd;
    unsigned q;
    int e;

    for (q = 0; q < vd->nqueues; q++) {
        emk_virtio_pci_kick *k = &p->kick[q];

        k->p = p;
        k->q = q;
        if ((e = emk_notifier_init(&k->n)) < 0)
            return e;
        if ((e = emk_loop_add_notifier(vd->dev.loop, &k->n, kick_cb, k)) < 0) {
            emk_notifier_cleanup(&k->n);
            return e;
        }
        k->attached = 1;
        e = emk_dev_add_ioeventfd(&vd->dev, &p->bar,
                                  EMK_VIRTIO_PCI_NOTIFY +
                                      (uint64_t)q * EMK_VIRTIO_PCI_NOTIFY_MULT,
                                  2, &k->n);
        if (e < 0)
            return e;
    }
    return 0;
}

int emk_virtio_pci_init(emk_virtio_pci *p, emk_virtio *vd,
                        const emk_virtio_pci_options *opts)
{
    emk_virtio_pci_options o;
    emk_pci_id id;
    int e;

    if (!p || !vd || vd->config_size > EMK_VIRTIO_PCI_DEVICE_MAX)
        return -EINVAL;
    memset(&o, 0, sizeof(o));
    if (opts)
        o = *opts;
    if (!o.msix_vectors)
        o.msix_vectors = vd->nqueues + 1;
    if (o.msix_vectors > EMK_VIRTIO_PCI_MAX_VECTORS ||
        emk_pci_msix_storage_size(o.msix_vectors) > sizeof(p->msix_storage))
        return -EINVAL;
    memset(p, 0, sizeof(*p));
    p->vd = vd;
    p->nvec = o.msix_vectors;
    vd->transport = &pci_transport;
    vd->transport_opaque = p;
    emk_virtio_offer(vd, ((uint64_t)1 << EMK_VIRTIO_F_VERSION_1) |
                             ((uint64_t)1 << EMK_VIRTIO_F_INDIRECT_DESC) |
                             ((uint64_t)1 << EMK_VIRTIO_F_RING_EVENT_IDX) |
                             ((uint64_t)1 << EMK_VIRTIO_F_RING_RESET));

    memset(&id, 0, sizeof(id));
    id.vendor_id = EMK_VIRTIO_PCI_VENDOR;
    id.device_id = (uint16_t)(EMK_VIRTIO_PCI_DEVICE_BASE + vd->device_id);
    id.subsystem_vendor_id = EMK_VIRTIO_PCI_VENDOR;
    id.subsystem_id = o.subsystem_id ? o.subsystem_id : 0x1100;
    id.class_code = o.class_code ? o.class_code : 0xff0000;
    id.revision = EMK_VIRTIO_PCI_REVISION;
    id.header_type = EMK_PCI_HEADER_TYPE_NORMAL;
    id.interrupt_pin = 1;
    if ((e = emk_pci_fn_init(&p->fn, &vd->dev, &id, &fn_ops, p)) < 0)
        return e;
    p->bar.name = "virtio-pci";
    p->bar.ops = &bar_ops;
    p->bar.opaque = p;
    p->bar.size = EMK_VIRTIO_PCI_BAR_SIZE;
    p->bar.space = EMK_SPACE_MEM;
    if ((e = emk_pci_bar_register(&p->fn, EMK_VIRTIO_PCI_BAR, &p->bar,
                                  EMK_PCI_BAR_MEM64 | EMK_PCI_BAR_PREFETCH)) < 0 ||
        (e = emk_pci_msix_init(&p->fn, p->nvec, EMK_VIRTIO_PCI_MSIX_BAR, 0,
                               EMK_VIRTIO_PCI_MSIX_BAR, EMK_VIRTIO_PCI_MSIX_PBA,
                               p->msix_storage)) < 0 ||
        (e = add_caps(p)) < 0)
        goto fail;
    emk_pci_fn_irqs(&p->fn, p->vec, p->nvec, &p->intx);
    if (!o.no_ioeventfd && (e = add_doorbells(p)) < 0)
        goto fail;
    return 0;
fail:
    emk_virtio_pci_cleanup(p);
    return e;
}

void emk_virtio_pci_reset(emk_virtio_pci *p)
{
    if (emk_loop_in_thread(p->vd->dev.loop))
        reset_fn(p);
    else
        (void)emk_loop_call(p->vd->dev.loop, reset_fn, p);
}

void emk_virtio_pci_cleanup(emk_virtio_pci *p)
{
    unsigned q;

    if (!p->vd)
        return;
    emk_dev_del_ioeventfds(&p->vd->dev);
    for (q = 0; q < EMK_VIRTIO_MAX_QUEUES; q++) {
        if (!p->kick[q].attached)
            continue;
        emk_loop_del_notifier(&p->kick[q].n);
        emk_notifier_cleanup(&p->kick[q].n);
        p->kick[q].attached = 0;
    }
    p->vd->transport = NULL;
    p->vd = NULL;
}
