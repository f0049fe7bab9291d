/*
 * pci_regs.c - the registers of BAR 4 of the virtio-pci transport: the
 * common configuration, ISR, device configuration and notification
 * structures.  Runs in the device loop (pci.c hands accesses over).
 */
#include <string.h>

#include "emkit/virtio_pci.h"
#include "compat.h"
#include "virtio_pci_int.h"

/* The field of the common configuration at off, for an access of size
 * bytes: 64-bit fields also take 32-bit halves.  Returns the field's
 * offset, or -1 when the access is not a whole field (or half). */
static int common_field(uint32_t off, unsigned size, unsigned *fsize)
{
    static const uint8_t sizes[EMK_VIRTIO_PCI_COMMON_LEN] = {
        [EMK_VIRTIO_PCI_DFSELECT] = 4, [EMK_VIRTIO_PCI_DF] = 4,
        [EMK_VIRTIO_PCI_GFSELECT] = 4, [EMK_VIRTIO_PCI_GF] = 4,
        [EMK_VIRTIO_PCI_MSIX_CONFIG] = 2, [EMK_VIRTIO_PCI_NUM_QUEUES] = 2,
        [EMK_VIRTIO_PCI_STATUS] = 1, [EMK_VIRTIO_PCI_CFG_GENERATION] = 1,
        [EMK_VIRTIO_PCI_Q_SELECT] = 2, [EMK_VIRTIO_PCI_Q_SIZE] = 2,
        [EMK_VIRTIO_PCI_Q_MSIX] = 2, [EMK_VIRTIO_PCI_Q_ENABLE] = 2,
        [EMK_VIRTIO_PCI_Q_NOFF] = 2, [EMK_VIRTIO_PCI_Q_DESC] = 8,
        [EMK_VIRTIO_PCI_Q_DESC + 4] = 4, [EMK_VIRTIO_PCI_Q_DRIVER] = 8,
        [EMK_VIRTIO_PCI_Q_DRIVER + 4] = 4, [EMK_VIRTIO_PCI_Q_DEVICE] = 8,
        [EMK_VIRTIO_PCI_Q_DEVICE + 4] = 4, [EMK_VIRTIO_PCI_Q_NDATA] = 2,
        [EMK_VIRTIO_PCI_Q_RESET] = 2,
    };
    if (off >= EMK_VIRTIO_PCI_COMMON_LEN || !sizes[off])
        return -1;
    if (sizes[off] == size || (sizes[off] == 8 && size == 4)) {
        *fsize = size;
        return (int)off;
    }
    return -1;
}

static emk_virtio_queue *selq(emk_virtio_pci *p)
{
    return p->queue_sel < p->vd->nqueues ? &p->vd->queues[p->queue_sel]
                                          : NULL;
}

/* A 64-bit ring address field, or one of its halves. */
static uint64_t *addr_field(emk_virtio_queue *q, uint32_t off)
{
    switch (off & ~7u) {
    case EMK_VIRTIO_PCI_Q_DESC: return &q->desc;
    case EMK_VIRTIO_PCI_Q_DRIVER: return &q->driver;
    default: return &q->device;
    }
}

static uint64_t common_read(emk_virtio_pci *p, uint32_t off, unsigned size)
{
    emk_virtio *vd = p->vd;
    emk_virtio_queue *q = selq(p);

    switch (off) {
    case EMK_VIRTIO_PCI_DFSELECT: return p->dfselect;
    case EMK_VIRTIO_PCI_DF: return emk_virtio_read_features(vd, p->dfselect);
    case EMK_VIRTIO_PCI_GFSELECT: return p->gfselect;
    case EMK_VIRTIO_PCI_GF:
        return p->gfselect > 1 ? 0
               : (uint32_t)(vd->guest_features >> (32 * p->gfselect));
    case EMK_VIRTIO_PCI_MSIX_CONFIG: return vd->config_vector;
    case EMK_VIRTIO_PCI_NUM_QUEUES: return vd->nqueues;
    case EMK_VIRTIO_PCI_STATUS: return vd->status;
    case EMK_VIRTIO_PCI_CFG_GENERATION: return vd->generation;
    case EMK_VIRTIO_PCI_Q_SELECT: return p->queue_sel;
    default: break;
    }
    if (!q)
        return 0;       /* an unavailable queue reads as size 0 */
    switch (off) {
    case EMK_VIRTIO_PCI_Q_SIZE: return q->size;
    case EMK_VIRTIO_PCI_Q_MSIX: return q->vector;
    case EMK_VIRTIO_PCI_Q_ENABLE: return q->enabled;
    case EMK_VIRTIO_PCI_Q_NOFF: return p->queue_sel;
    case EMK_VIRTIO_PCI_Q_NDATA: return p->queue_sel;
    case EMK_VIRTIO_PCI_Q_RESET: return q->reset;
    default: {
        uint64_t v = *addr_field(q, off);

        if (size == 4 && (off & 4))
            return v >> 32;
        return size == 4 ? (uint32_t)v : v;
    }
    }
}

static uint16_t vector_ok(const emk_virtio_pci *p, uint64_t v)
{
    return v < p->nvec ? (uint16_t)v : (uint16_t)EMK_VIRTIO_NO_VECTOR;
}

static void queue_write(emk_virtio_pci *p, emk_virtio_queue *q, uint32_t off,
                        unsigned size, uint64_t v)
{
    emk_virtio *vd = p->vd;

    if (off == EMK_VIRTIO_PCI_Q_RESET) {
        if (v == 1 && emk_virtio_has(vd, EMK_VIRTIO_F_RING_RESET))
            emk_virtio_queue_reset(vd, p->queue_sel);
        return;
    }
    if (off == EMK_VIRTIO_PCI_Q_MSIX) {
        q->vector = vector_ok(p, v);
        return;
    }
    /* size, addresses and enable are fixed while the queue runs */
    if (q->enabled) {
        p->stat_bad_access++;
        return;
    }
    switch (off) {
    case EMK_VIRTIO_PCI_Q_SIZE:
        q->size = (uint16_t)v;
        return;
    case EMK_VIRTIO_PCI_Q_ENABLE:
        if (v == 1)
            (void)emk_virtio_queue_enable(vd, p->queue_sel);
        return;
    case EMK_VIRTIO_PCI_Q_NOFF:
    case EMK_VIRTIO_PCI_Q_NDATA:
        p->stat_bad_access++;   /* read-only */
        return;
    default: {
        uint64_t *a = addr_field(q, off);

        if (size == 8)
            *a = v;
        else if (off & 4)
            *a = (*a & 0xffffffffu) | (v << 32);
        else
            *a = (*a & ~(uint64_t)0xffffffffu) | (v & 0xffffffffu);
    }
    }
}

static void common_write(emk_virtio_pci *p, uint32_t off, unsigned size,
                         uint64_t v)
{
    emk_virtio *vd = p->vd;
    emk_virtio_queue *q;

    switch (off) {
    case EMK_VIRTIO_PCI_DFSELECT: p->dfselect = (uint32_t)v; return;
    case EMK_VIRTIO_PCI_GFSELECT: p->gfselect = (uint32_t)v; return;
    case EMK_VIRTIO_PCI_GF:
        emk_virtio_write_features(vd, p->gfselect, (uint32_t)v);
        return;
    case EMK_VIRTIO_PCI_MSIX_CONFIG:
        vd->config_vector = vector_ok(p, v);
        return;
    case EMK_VIRTIO_PCI_STATUS:
        emk_virtio_set_status(vd, (uint8_t)v);
        if (v == 0)
            emk_virtio_pci__reset_regs(p);
        return;
    case EMK_VIRTIO_PCI_Q_SELECT: p->queue_sel = (uint16_t)v; return;
    case EMK_VIRTIO_PCI_DF:
    case EMK_VIRTIO_PCI_NUM_QUEUES:
    case EMK_VIRTIO_PCI_CFG_GENERATION:
        p->stat_bad_access++;   /* read-only */
        return;
    default:
        break;
    }
    q = selq(p);
    if (!q) {
        p->stat_bad_access++;
        return;
    }
    queue_write(p, q, off, size, v);
}

static void device_cfg(emk_virtio_pci *p, uint32_t off, unsigned size,
                       uint64_t *value, int is_write)
{
    uint8_t b[8];
    unsigned i;

    if (is_write) {
        for (i = 0; i < size; i++)
            b[i] = (uint8_t)(*value >> (8 * i));
        emk_virtio_config_write(p->vd, off, b, size);
        return;
    }
    emk_virtio_config_read(p->vd, off, b, size);
    *value = 0;
    for (i = 0; i < size; i++)
        *value |= (uint64_t)b[i] << (8 * i);
}

int emk_virtio_pci__access(emk_virtio_pci *p, uint64_t off, unsigned size,
                           uint64_t *value, int is_write)
{
    unsigned fsize = 0;

    if (off < EMK_VIRTIO_PCI_ISR) {
        if (common_field((uint32_t)off, size, &fsize) < 0) {
            p->stat_bad_access++;
            if (!is_write)
                *value = 0;
            return 0;
        }
        if (is_write)
            common_write(p, (uint32_t)off, fsize, *value);
        else
            *value = common_read(p, (uint32_t)off, fsize);
        return 0;
    }
    if (off < EMK_VIRTIO_PCI_DEVICE) {
        if (is_write) {
            p->stat_bad_access++;
        } else {
            /* reading the ISR acknowledges the legacy interrupt */
            *value = off == EMK_VIRTIO_PCI_ISR ? p->isr : 0;
            if (off == EMK_VIRTIO_PCI_ISR && p->isr) {
                p->isr = 0;
                emk_virtio_pci__intx(p);
            }
        }
        return 0;
    }
    if (off < EMK_VIRTIO_PCI_NOTIFY) {
        device_cfg(p, (uint32_t)(off - EMK_VIRTIO_PCI_DEVICE), size, value,
                   is_write);
        return 0;
    }
    if (!is_write) {
        *value = 0;
        return 0;
    }
    off -= EMK_VIRTIO_PCI_NOTIFY;
    if (off % EMK_VIRTIO_PCI_NOTIFY_MULT || size != 2) {
        p->stat_bad_access++;
        return 0;
    }
    emk_virtio_kick(p->vd, (unsigned)(off / EMK_VIRTIO_PCI_NOTIFY_MULT));
    return 0;
}
