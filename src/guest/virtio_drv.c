/*
 * virtio_drv.c - the guest-side virtio-pci test driver (virtio_drv.h).
 */
#include <string.h>

#include "compat.h"
#include "emkit/guest/virtio_drv.h"

/* Ring indices and event fields are shared with the device thread:
 * 16-bit atomic accesses of little-endian values (2-aligned). */
static uint16_t le_host16(uint16_t v)
{
    const uint16_t one = 1;

    return *(const uint8_t *)&one ? v : (uint16_t)(v << 8 | v >> 8);
}

static uint16_t ld_idx(const uint8_t *p)
{
    return le_host16(emk_load_acquire_u16((const uint16_t *)(const void *)p));
}

static void st_idx(uint8_t *p, uint16_t v)
{
    emk_store_release_u16((uint16_t *)(void *)p, le_host16(v));
}

static uint64_t rd(emk_virtio_drv *d, uint64_t a, unsigned size)
{
    uint64_t v = 0;

    if (emk_tm_mmio_read(d->tm, a, size, &v) < 0 && !d->error)
        d->error = -EIO;
    return v;
}

static void wr(emk_virtio_drv *d, uint64_t a, unsigned size, uint64_t v)
{
    if (emk_tm_mmio_write(d->tm, a, size, v) < 0 && !d->error)
        d->error = -EIO;
}

static uint32_t cfg(emk_virtio_drv *d, uint32_t off, unsigned size)
{
    const emk_pci_enum_fn *f = &d->e->fns[d->fn];
    uint32_t v = 0;

    (void)emk_pci_enum_cfg_read(d->e, f->segment, f->bus, f->devfn, off, size,
                                &v);
    return v;
}

static void cfg_wr(emk_virtio_drv *d, uint32_t off, unsigned size, uint32_t v)
{
    const emk_pci_enum_fn *f = &d->e->fns[d->fn];

    (void)emk_pci_enum_cfg_write(d->e, f->segment, f->bus, f->devfn, off, size,
                                 v);
}

/* Guest address of a capability's structure, checked against its BAR. */
static int cap_addr(emk_virtio_drv *d, unsigned c, uint64_t *out)
{
    const emk_pci_enum_fn *f = &d->e->fns[d->fn];
    unsigned bar = cfg(d, c + EMK_VIRTIO_PCI_CAP_BAR, 1);
    uint64_t off = cfg(d, c + EMK_VIRTIO_PCI_CAP_OFFSET, 4);
    uint64_t len = cfg(d, c + EMK_VIRTIO_PCI_CAP_LENGTH, 4);

    if (bar > 5 || !f->bar_addr[bar] || off + len > f->bar_size[bar])
        return -EINVAL;
    *out = f->bar_addr[bar] + off;
    return 0;
}

int emk_virtio_drv_init(emk_virtio_drv *d, emk_pci_enum *e, unsigned fn)
{
    unsigned c, guard = 0;
    int have = 0;

    memset(d, 0, sizeof(*d));
    d->tm = e->tm;
    d->e = e;
    d->fn = fn;
    if (fn >= e->nfns || e->fns[fn].vendor_id != EMK_VIRTIO_PCI_VENDOR ||
        e->fns[fn].device_id < EMK_VIRTIO_PCI_DEVICE_BASE)
        return -ENODEV;
    for (c = cfg(d, 0x34, 1) & ~3u; c && guard++ < 48;
         c = cfg(d, c + 1, 1) & ~3u) {
        unsigned type;
        int r = 0;

        if (cfg(d, c, 1) != 0x09)
            continue;
        type = cfg(d, c + EMK_VIRTIO_PCI_CAP_CFG_TYPE, 1);
        switch (type) {
        case EMK_VIRTIO_PCI_CAP_COMMON_CFG:
            r = cap_addr(d, c, &d->common);
            have |= 1;
            break;
        case EMK_VIRTIO_PCI_CAP_ISR_CFG:
            r = cap_addr(d, c, &d->isr);
            have |= 2;
            break;
        case EMK_VIRTIO_PCI_CAP_NOTIFY_CFG:
            r = cap_addr(d, c, &d->notify);
            d->notify_mult = cfg(d, c + EMK_VIRTIO_PCI_CAP_NOTIFY_MULT, 4);
            have |= 4;
            break;
        case EMK_VIRTIO_PCI_CAP_DEVICE_CFG:
            r = cap_addr(d, c, &d->device);
            d->device_len = cfg(d, c + EMK_VIRTIO_PCI_CAP_LENGTH, 4);
            break;
        case EMK_VIRTIO_PCI_CAP_PCI_CFG:
            d->pcicfg = c;
            break;
        default:
            break;
        }
        if (r < 0)
            return r;
    }
    if (have != 7)
        return -ENODEV;
    d->nqueues = (uint16_t)rd(d, d->common + EMK_VIRTIO_PCI_NUM_QUEUES, 2);
    return d->error;
}

uint64_t emk_virtio_drv_common_read(emk_virtio_drv *d, uint32_t off,
                                    unsigned size)
{
    return rd(d, d->common + off, size);
}

void emk_virtio_drv_common_write(emk_virtio_drv *d, uint32_t off,
                                 unsigned size, uint64_t v)
{
    wr(d, d->common + off, size, v);
}

void emk_virtio_drv_set_status(emk_virtio_drv *d, uint8_t status)
{
    wr(d, d->common + EMK_VIRTIO_PCI_STATUS, 1, status);
}

uint8_t emk_virtio_drv_status(emk_virtio_drv *d)
{
    return (uint8_t)rd(d, d->common + EMK_VIRTIO_PCI_STATUS, 1);
}

int emk_virtio_drv_negotiate(emk_virtio_drv *d, uint64_t want)
{
    uint64_t offer;
    unsigned i;

    emk_virtio_drv_set_status(d, 0);
    while (emk_virtio_drv_status(d) != 0 && !d->error)
        ;
    emk_virtio_drv_set_status(d, EMK_VIRTIO_S_ACKNOWLEDGE);
    emk_virtio_drv_set_status(d, EMK_VIRTIO_S_ACKNOWLEDGE | EMK_VIRTIO_S_DRIVER);
    offer = 0;
    for (i = 0; i < 2; i++) {
        wr(d, d->common + EMK_VIRTIO_PCI_DFSELECT, 4, i);
        offer |= rd(d, d->common + EMK_VIRTIO_PCI_DF, 4) << (32 * i);
    }
    d->features = (want | ((uint64_t)1 << EMK_VIRTIO_F_VERSION_1)) & offer;
    for (i = 0; i < 2; i++) {
        wr(d, d->common + EMK_VIRTIO_PCI_GFSELECT, 4, i);
        wr(d, d->common + EMK_VIRTIO_PCI_GF, 4, (uint32_t)(d->features >> (32 * i)));
    }
    emk_virtio_drv_set_status(d, EMK_VIRTIO_S_ACKNOWLEDGE | EMK_VIRTIO_S_DRIVER |
                                     EMK_VIRTIO_S_FEATURES_OK);
    if (!(emk_virtio_drv_status(d) & EMK_VIRTIO_S_FEATURES_OK)) {
        emk_virtio_drv_set_status(d, EMK_VIRTIO_S_FAILED);
        return -EIO;
    }
    return d->error;
}

static int has(const emk_virtio_drv *d, unsigned bit)
{
    return ((d->features >> bit) & 1) != 0;
}

int emk_virtio_drv_queue(emk_virtio_drv *d, unsigned q, uint16_t size,
                         uint16_t vector)
{
    emk_virtio_drv_q *vq;
    uint16_t max;
    unsigned i;

    if (q >= d->nqueues || q >= EMK_VIRTIO_DRV_MAX_QUEUES)
        return -ENOENT;
    vq = &d->q[q];
    memset(vq, 0, sizeof(*vq));
    wr(d, d->common + EMK_VIRTIO_PCI_Q_SELECT, 2, q);
    max = (uint16_t)rd(d, d->common + EMK_VIRTIO_PCI_Q_SIZE, 2);
    if (!size)
        size = max;
    if (!size || size > max || size > EMK_VIRTIO_DRV_MAX_SIZE)
        return -EINVAL;
    vq->size = size;
    vq->desc = emk_tm_alloc(d->tm, 16u * size, 4096);
    vq->avail = emk_tm_alloc(d->tm, 6u + 2u * size, 4096);
    vq->used = emk_tm_alloc(d->tm, 6u + 8u * size, 4096);
    vq->indirect = emk_tm_alloc(d->tm, (uint64_t)size * 16 * EMK_VIRTIO_DRV_MAX_SEGS,
                                4096);
    if (!vq->desc || !vq->avail || !vq->used || !vq->indirect)
        return -ENOMEM;
    memset(emk_tm_ram(d->tm, vq->avail, 6u + 2u * size), 0, 6u + 2u * size);
    memset(emk_tm_ram(d->tm, vq->used, 6u + 8u * size), 0, 6u + 8u * size);
    for (i = 0; i < size; i++)
        vq->next_free[i] = (uint16_t)(i + 1);
    vq->num_free = size;
    wr(d, d->common + EMK_VIRTIO_PCI_Q_SIZE, 2, size);
    wr(d, d->common + EMK_VIRTIO_PCI_Q_DESC, 4, (uint32_t)vq->desc);
    wr(d, d->common + EMK_VIRTIO_PCI_Q_DESC + 4, 4, vq->desc >> 32);
    wr(d, d->common + EMK_VIRTIO_PCI_Q_DRIVER, 4, (uint32_t)vq->avail);
    wr(d, d->common + EMK_VIRTIO_PCI_Q_DRIVER + 4, 4, vq->avail >> 32);
    wr(d, d->common + EMK_VIRTIO_PCI_Q_DEVICE, 4, (uint32_t)vq->used);
    wr(d, d->common + EMK_VIRTIO_PCI_Q_DEVICE + 4, 4, vq->used >> 32);
    wr(d, d->common + EMK_VIRTIO_PCI_Q_MSIX, 2, vector);
    if (rd(d, d->common + EMK_VIRTIO_PCI_Q_MSIX, 2) != vector)
        return -EIO;
    wr(d, d->common + EMK_VIRTIO_PCI_Q_ENABLE, 2, 1);
    vq->ready = rd(d, d->common + EMK_VIRTIO_PCI_Q_ENABLE, 2) == 1;
    return vq->ready ? d->error : -EIO;
}

void emk_virtio_drv_ok(emk_virtio_drv *d)
{
    emk_virtio_drv_set_status(d, (uint8_t)(emk_virtio_drv_status(d) |
                                           EMK_VIRTIO_S_DRIVER_OK));
}

static void put_desc(uint8_t *p, uint64_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    emk_st_le64(p, addr);
    emk_st_le32(p + 8, len);
    emk_st_le16(p + 12, flags);
    emk_st_le16(p + 14, next);
}

int emk_virtio_drv_add(emk_virtio_drv *d, unsigned q,
                       const emk_virtio_drv_buf *bufs, unsigned n, int indirect)
{
    emk_virtio_drv_q *vq = &d->q[q];
    uint8_t *desc, *avail;
    unsigned need, i;
    uint16_t head, cur;

    if (q >= EMK_VIRTIO_DRV_MAX_QUEUES || !vq->ready || n == 0 ||
        n > EMK_VIRTIO_DRV_MAX_SEGS)
        return -EINVAL;
    indirect = indirect && has(d, EMK_VIRTIO_F_INDIRECT_DESC);
    need = indirect ? 1 : n;
    if (vq->num_free < need)
        return -ENOSPC;
    desc = emk_tm_ram(d->tm, vq->desc, 16u * vq->size);
    head = vq->free_head;
    if (indirect) {
        uint64_t t = vq->indirect + (uint64_t)head * 16 * EMK_VIRTIO_DRV_MAX_SEGS;
        uint8_t *tab = emk_tm_ram(d->tm, t, 16u * n);

        for (i = 0; i < n; i++)
            put_desc(tab + 16 * i, bufs[i].gpa, bufs[i].len,
                     (uint16_t)((bufs[i].writable ? EMK_VIRTQ_DESC_F_WRITE : 0) |
                                (i + 1 < n ? EMK_VIRTQ_DESC_F_NEXT : 0)),
                     (uint16_t)(i + 1 < n ? i + 1 : 0));
        vq->free_head = vq->next_free[head];
        put_desc(desc + 16u * head, t, 16u * n, EMK_VIRTQ_DESC_F_INDIRECT, 0);
    } else {
        cur = head;
        for (i = 0; i < n; i++) {
            uint16_t nxt = vq->next_free[cur];

            put_desc(desc + 16u * cur, bufs[i].gpa, bufs[i].len,
                     (uint16_t)((bufs[i].writable ? EMK_VIRTQ_DESC_F_WRITE : 0) |
                                (i + 1 < n ? EMK_VIRTQ_DESC_F_NEXT : 0)),
                     i + 1 < n ? nxt : 0);
            if (i + 1 < n)
                cur = nxt;
            else
                vq->free_head = nxt;
        }
    }
    vq->num_free = (uint16_t)(vq->num_free - need);
    vq->chain_len[head] = (uint16_t)need;
    avail = emk_tm_ram(d->tm, vq->avail, 6u + 2u * vq->size);
    emk_st_le16(avail + 4 + 2u * (vq->avail_idx % vq->size), head);
    vq->avail_idx++;
    st_idx(avail + 2, vq->avail_idx);
    return head;
}

int emk_virtio_drv_kick(emk_virtio_drv *d, unsigned q)
{
    emk_virtio_drv_q *vq = &d->q[q];
    const uint8_t *used = emk_tm_ram(d->tm, vq->used, 6u + 8u * vq->size);

    emk_smp_mb();
    if (has(d, EMK_VIRTIO_F_RING_EVENT_IDX)) {
        /* kick only if the entries added since the last kick passed
         * avail_event (vring_need_event) */
        uint16_t ev = ld_idx(used + 4 + 8u * vq->size);
        uint16_t old = vq->kicked;

        vq->kicked = vq->avail_idx;
        if ((uint16_t)(vq->avail_idx - ev - 1) >= (uint16_t)(vq->avail_idx - old))
            return 0;
    } else if (ld_idx(used) & EMK_VIRTQ_USED_F_NO_NOTIFY) {
        return 0;
    }
    wr(d, d->notify + (uint64_t)q * d->notify_mult, 2, q);
    return 1;
}

int emk_virtio_drv_used(emk_virtio_drv *d, unsigned q, uint16_t *head,
                        uint32_t *len)
{
    emk_virtio_drv_q *vq = &d->q[q];
    const uint8_t *used = emk_tm_ram(d->tm, vq->used, 6u + 8u * vq->size);
    uint8_t *avail = emk_tm_ram(d->tm, vq->avail, 6u + 2u * vq->size);
    const uint8_t *e;
    uint16_t h, i, n;

    if (!vq->ready || ld_idx(used + 2) == vq->last_used)
        return 0;
    e = used + 4 + 8u * (vq->last_used % vq->size);
    h = (uint16_t)emk_le32(e);
    *len = emk_le32(e + 4);
    *head = h;
    vq->last_used++;
    if (has(d, EMK_VIRTIO_F_RING_EVENT_IDX))
        st_idx(avail + 4 + 2u * vq->size, vq->last_used);
    if (h >= vq->size) {
        d->error = -EIO;
        return 1;
    }
    /* return the chain's descriptors to the free list */
    n = vq->chain_len[h];
    {
        const uint8_t *desc = emk_tm_ram(d->tm, vq->desc, 16u * vq->size);
        uint16_t cur = h;

        for (i = 1; i < n; i++)
            cur = emk_le16(desc + 16u * cur + 14);
        vq->next_free[cur] = vq->free_head;
    }
    vq->free_head = h;
    vq->num_free = (uint16_t)(vq->num_free + n);
    return 1;
}

uint8_t emk_virtio_drv_isr(emk_virtio_drv *d)
{
    return (uint8_t)rd(d, d->isr, 1);
}

uint32_t emk_virtio_drv_config(emk_virtio_drv *d, uint32_t off, unsigned size)
{
    if (!d->device || off + size > d->device_len)
        return 0;
    return (uint32_t)rd(d, d->device + off, size);
}

uint32_t emk_virtio_drv_window_read(emk_virtio_drv *d, uint32_t off,
                                    unsigned size)
{
    if (!d->pcicfg)
        return 0;
    cfg_wr(d, d->pcicfg + EMK_VIRTIO_PCI_CAP_BAR, 1, EMK_VIRTIO_PCI_BAR);
    cfg_wr(d, d->pcicfg + EMK_VIRTIO_PCI_CAP_OFFSET, 4, off);
    cfg_wr(d, d->pcicfg + EMK_VIRTIO_PCI_CAP_LENGTH, 4, size);
    return cfg(d, d->pcicfg + EMK_VIRTIO_PCI_CAP_PCI_CFG_DATA, size);
}
