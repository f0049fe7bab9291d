/*
 * virtq.c - device side of the virtio split virtqueue (emkit/virtq.h).
 * Every guest access goes through emk_dma_ld/st/read; every index read from
 * the guest is range-checked before it is used in an address.
 */
#include <string.h>

#include "emkit/virtq.h"
#include "compat.h"

/* offsets inside the available and used rings */
enum {
    AVAIL_FLAGS = 0,
    AVAIL_IDX = 2,
    AVAIL_RING = 4,
    USED_FLAGS = 0,
    USED_IDX = 2,
    USED_RING = 4,
    USED_ELEM_SIZE = 8,
    KNOWN_FEATURES = EMK_VIRTQ_F_INDIRECT | EMK_VIRTQ_F_EVENT_IDX
};

/* Default chain length limit: the spec forbids chains over 2^32 bytes. */
static const uint64_t DEFAULT_MAX_TOTAL = (uint64_t)1 << 32;

typedef struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} desc;

static const char *const fault_text[] = {
    "no fault",
    "available index moved more than the queue size",
    "available ring names a head descriptor beyond the queue size",
    "descriptor next index outside its table",
    "descriptor chain loops (longer than its table)",
    "device-readable descriptor after a device-writable one",
    "indirect descriptor but VIRTIO_F_INDIRECT_DESC not negotiated",
    "indirect descriptor inside an indirect table",
    "indirect descriptor with NEXT set",
    "indirect table length 0, not a multiple of 16 or too large",
    "descriptor chain longer than the byte limit",
    "descriptor chain has more segments than the element can hold",
    "descriptor address range wraps around",
    "ring memory not accessible by DMA"
};

const char *emk_virtq_fault_str(emk_virtq_fault f)
{
    if ((unsigned)f >= sizeof(fault_text) / sizeof(fault_text[0])) {
        return "unknown fault";
    }
    return fault_text[f];
}

int emk_vring_need_event(uint16_t event_idx, uint16_t new_idx,
                         uint16_t old_idx)
{
    return (uint16_t)(new_idx - event_idx - 1) <
           (uint16_t)(new_idx - old_idx);
}

/* Marks the queue broken; returns -EIO for the caller to pass on. */
static int fail(emk_virtq *vq, emk_virtq_fault f, uint64_t where)
{
    if (vq->fault == EMK_VIRTQ_OK) {
        vq->fault = f;
        vq->fault_msg = emk_virtq_fault_str(f);
        vq->fault_where = where;
    }
    return -EIO;
}

static int check_usable(const emk_virtq *vq)
{
    if (vq->size == 0) {
        return -ENXIO;
    }
    return vq->fault != EMK_VIRTQ_OK ? -EIO : 0;
}

static int ld16(emk_virtq *vq, uint64_t addr, uint16_t *out)
{
    uint64_t v;

    if (emk_dma_ld(vq->dev, addr, 2, &v) != 0) {
        return fail(vq, EMK_VIRTQ_ERR_DMA, addr);
    }
    *out = (uint16_t)v;
    return 0;
}

static int st16(emk_virtq *vq, uint64_t addr, uint16_t v)
{
    if (emk_dma_st(vq->dev, addr, 2, v) != 0) {
        return fail(vq, EMK_VIRTQ_ERR_DMA, addr);
    }
    return 0;
}

static int read_desc(emk_virtq *vq, uint64_t table, uint32_t i, desc *d)
{
    unsigned char raw[EMK_VIRTQ_DESC_SIZE];
    uint64_t addr = table + (uint64_t)i * EMK_VIRTQ_DESC_SIZE;

    if (emk_dma_read(vq->dev, addr, raw, sizeof(raw)) != 0) {
        return fail(vq, EMK_VIRTQ_ERR_DMA, addr);
    }
    d->addr = emk_le64(raw);
    d->len = emk_le32(raw + 8);
    d->flags = emk_le16(raw + 12);
    d->next = emk_le16(raw + 14);
    return 0;
}

void emk_virtq_init(emk_virtq *vq, emk_dev *dev)
{
    memset(vq, 0, sizeof(*vq));
    vq->dev = dev;
    vq->max_total = DEFAULT_MAX_TOTAL;
    vq->fault_msg = emk_virtq_fault_str(EMK_VIRTQ_OK);
}

static int range_ok(uint64_t addr, uint64_t len, uint64_t align)
{
    return (addr & (align - 1)) == 0 && addr <= UINT64_MAX - len + 1;
}

int emk_virtq_enable(emk_virtq *vq, uint32_t size, uint64_t desc_addr,
                     uint64_t avail_addr, uint64_t used_addr,
                     unsigned features)
{
    if (size == 0 || size > EMK_VIRTQ_MAX_SIZE || (size & (size - 1)) ||
        (features & ~(unsigned)KNOWN_FEATURES) ||
        !range_ok(desc_addr, (uint64_t)size * EMK_VIRTQ_DESC_SIZE, 16) ||
        !range_ok(avail_addr, 6 + 2 * (uint64_t)size, 2) ||
        !range_ok(used_addr, 6 + 8 * (uint64_t)size, 4)) {
        return -EINVAL;
    }
    emk_virtq_reset(vq);
    vq->desc_addr = desc_addr;
    vq->avail_addr = avail_addr;
    vq->used_addr = used_addr;
    vq->features = features;
    vq->notify_enabled = 1;
    vq->size = size;
    return 0;
}

void emk_virtq_reset(emk_virtq *vq)
{
    emk_dev *dev = vq->dev;
    uint64_t max_total = vq->max_total;
    uint64_t popped = vq->stat_popped, pushed = vq->stat_pushed;

    emk_virtq_init(vq, dev);
    vq->max_total = max_total;
    vq->stat_popped = popped;
    vq->stat_pushed = pushed;
}

int emk_virtq_ready(const emk_virtq *vq)
{
    return check_usable(vq) == 0;
}

int emk_virtq_broken(const emk_virtq *vq)
{
    return vq->fault != EMK_VIRTQ_OK;
}

/* Reads avail idx and returns how many entries wait (checked <= size).
 * When some do, the barrier orders the idx load before the loads of ring
 * entries and descriptors the driver wrote before publishing it. */
static int avail_count(emk_virtq *vq)
{
    uint16_t idx, n;
    int r = ld16(vq, vq->avail_addr + AVAIL_IDX, &idx);

    if (r < 0) {
        return r;
    }
    n = (uint16_t)(idx - vq->last_avail);
    if (n > vq->size) {
        return fail(vq, EMK_VIRTQ_ERR_AVAIL_IDX, idx);
    }
    vq->shadow_avail = idx;
    if (n) {
        emk_smp_rmb();
    }
    return n;
}

int emk_virtq_pending(emk_virtq *vq)
{
    int r = check_usable(vq);

    return r < 0 ? r : avail_count(vq);
}

/* The walk over one chain: where we are and what we collected. */
typedef struct walk {
    uint64_t table;     /* guest address of the current table */
    uint32_t tmax;      /* entries in it */
    uint32_t walked;    /* descriptors visited in it */
    int indirect;       /* inside an indirect table */
    int seen_write;     /* a device-writable buffer was seen */
    uint64_t total;     /* bytes of the chain so far */
} walk;

/* Switches the walk to the indirect table d describes. */
static int enter_indirect(emk_virtq *vq, walk *w, const desc *d,
                          uint32_t where)
{
    if (!(vq->features & EMK_VIRTQ_F_INDIRECT)) {
        return fail(vq, EMK_VIRTQ_ERR_INDIRECT_FEATURE, where);
    }
    if (w->indirect) {
        return fail(vq, EMK_VIRTQ_ERR_INDIRECT_NESTED, where);
    }
    if (d->flags & EMK_VIRTQ_DESC_F_NEXT) {
        return fail(vq, EMK_VIRTQ_ERR_INDIRECT_NEXT, where);
    }
    if (d->len == 0 || d->len % EMK_VIRTQ_DESC_SIZE != 0 ||
        d->len / EMK_VIRTQ_DESC_SIZE > EMK_VIRTQ_MAX_SIZE) {
        return fail(vq, EMK_VIRTQ_ERR_INDIRECT_LEN, where);
    }
    if (d->addr > UINT64_MAX - d->len + 1) {
        return fail(vq, EMK_VIRTQ_ERR_WRAP, d->addr);
    }
    w->table = d->addr;
    w->tmax = d->len / EMK_VIRTQ_DESC_SIZE;
    w->walked = 0;
    w->indirect = 1;
    return 0;
}

/* Adds the buffer of d to elem, enforcing order and limits. */
static int add_buffer(emk_virtq *vq, walk *w, const desc *d,
                      emk_virtq_elem *elem, uint32_t where)
{
    int is_write = (d->flags & EMK_VIRTQ_DESC_F_WRITE) != 0;
    int r;

    if (!is_write && w->seen_write) {
        return fail(vq, EMK_VIRTQ_ERR_ORDER, where);
    }
    w->seen_write |= is_write;
    w->total += d->len;
    if (w->total > vq->max_total) {
        return fail(vq, EMK_VIRTQ_ERR_TOO_LONG, where);
    }
    if (d->len == 0) {
        return 0;
    }
    r = emk_sglist_add(is_write ? &elem->in : &elem->out, d->addr, d->len);
    if (r == -EOVERFLOW) {
        return fail(vq, EMK_VIRTQ_ERR_WRAP, d->addr);
    }
    if (r < 0) {
        return fail(vq, EMK_VIRTQ_ERR_TOO_MANY_SEGS, where);
    }
    return 0;
}

static int walk_chain(emk_virtq *vq, uint16_t head, emk_virtq_elem *elem)
{
    walk w;
    desc d;
    uint32_t i = head;
    int r;

    memset(&w, 0, sizeof(w));
    w.table = vq->desc_addr;
    w.tmax = vq->size;
    for (;;) {
        if (w.walked >= w.tmax) {
            return fail(vq, EMK_VIRTQ_ERR_LOOP, i);
        }
        r = read_desc(vq, w.table, i, &d);
        if (r < 0) {
            return r;
        }
        w.walked++;
        elem->ndesc++;
        if (d.flags & EMK_VIRTQ_DESC_F_INDIRECT) {
            r = enter_indirect(vq, &w, &d, i);
            if (r < 0) {
                return r;
            }
            i = 0;
            continue;
        }
        r = add_buffer(vq, &w, &d, elem, i);
        if (r < 0) {
            return r;
        }
        if (!(d.flags & EMK_VIRTQ_DESC_F_NEXT)) {
            return 0;
        }
        if (d.next >= w.tmax) {
            return fail(vq, EMK_VIRTQ_ERR_NEXT_RANGE, d.next);
        }
        i = d.next;
    }
}

int emk_virtq_pop(emk_virtq *vq, emk_virtq_elem *elem)
{
    uint16_t head;
    int r = check_usable(vq);

    if (r < 0) {
        return r;
    }
    /* re-read avail idx only when the last value read is used up */
    if (vq->last_avail == vq->shadow_avail) {
        r = avail_count(vq);
        if (r <= 0) {
            return r;
        }
    }
    r = ld16(vq, vq->avail_addr + AVAIL_RING +
                 2 * (uint64_t)(vq->last_avail & (vq->size - 1)), &head);
    if (r < 0) {
        return r;
    }
    if (head >= vq->size) {
        return fail(vq, EMK_VIRTQ_ERR_HEAD_RANGE, head);
    }
    emk_sglist_reset(&elem->out);
    emk_sglist_reset(&elem->in);
    elem->head = head;
    elem->ndesc = 0;
    r = walk_chain(vq, head, elem);
    if (r < 0) {
        return r;
    }
    vq->last_avail++;
    vq->inflight++;
    vq->stat_popped++;
    return 1;
}

int emk_virtq_fill(emk_virtq *vq, const emk_virtq_elem *elem, uint32_t len)
{
    unsigned char raw[USED_ELEM_SIZE];
    uint64_t addr;
    int r = check_usable(vq);

    if (r < 0) {
        return r;
    }
    if (vq->inflight == 0 || len > elem->in.total ||
        elem->head >= vq->size) {
        return -EINVAL;
    }
    addr = vq->used_addr + USED_RING +
           USED_ELEM_SIZE * (uint64_t)(vq->used_idx & (vq->size - 1));
    emk_st_le32(raw, elem->head);
    emk_st_le32(raw + 4, len);
    if (emk_dma_write(vq->dev, addr, raw, sizeof(raw)) != 0) {
        return fail(vq, EMK_VIRTQ_ERR_DMA, addr);
    }
    vq->used_idx++;
    vq->inflight--;
    return 0;
}

int emk_virtq_flush(emk_virtq *vq)
{
    uint16_t n;
    int r = check_usable(vq);

    if (r < 0) {
        return r;
    }
    n = (uint16_t)(vq->used_idx - vq->used_flushed);
    if (n == 0) {
        return 0;
    }
    /* the used entries must be visible before the index that covers them */
    emk_smp_wmb();
    r = st16(vq, vq->used_addr + USED_IDX, vq->used_idx);
    if (r < 0) {
        return r;
    }
    vq->used_flushed = vq->used_idx;
    vq->stat_pushed += n;
    return n;
}

int emk_virtq_push(emk_virtq *vq, const emk_virtq_elem *elem, uint32_t len)
{
    int r = emk_virtq_fill(vq, elem, len);

    if (r < 0) {
        return r;
    }
    r = emk_virtq_flush(vq);
    return r < 0 ? r : 0;
}

int emk_virtq_should_notify(emk_virtq *vq)
{
    uint16_t v, old;
    int valid;

    if (check_usable(vq) < 0) {
        return 0;
    }
    /* our used idx store must be visible before we read the driver's
     * suppression fields, or both sides may skip the notification */
    emk_smp_mb();
    if (!(vq->features & EMK_VIRTQ_F_EVENT_IDX)) {
        if (ld16(vq, vq->avail_addr + AVAIL_FLAGS, &v) < 0) {
            return 0;
        }
        return !(v & EMK_VIRTQ_AVAIL_F_NO_INTERRUPT);
    }
    if (ld16(vq, vq->avail_addr + AVAIL_RING + 2 * (uint64_t)vq->size,
             &v) < 0) {
        return 0;
    }
    old = vq->signalled_used;
    valid = vq->signalled_valid;
    vq->signalled_used = vq->used_flushed;
    vq->signalled_valid = 1;
    return !valid || emk_vring_need_event(v, vq->used_flushed, old);
}

int emk_virtq_set_notification(emk_virtq *vq, int enable)
{
    uint16_t idx;
    int r = check_usable(vq);

    if (r < 0) {
        return r;
    }
    vq->notify_enabled = enable != 0;
    if (vq->features & EMK_VIRTQ_F_EVENT_IDX) {
        /* disabling: leave avail_event behind, the driver stops kicking */
        if (enable) {
            r = ld16(vq, vq->avail_addr + AVAIL_IDX, &idx);
            if (r == 0) {
                r = st16(vq, vq->used_addr + USED_RING +
                             USED_ELEM_SIZE * (uint64_t)vq->size, idx);
            }
        }
    } else {
        r = st16(vq, vq->used_addr + USED_FLAGS,
                 enable ? 0 : EMK_VIRTQ_USED_F_NO_NOTIFY);
    }
    if (r == 0 && enable) {
        /* the re-arm must be visible before the caller re-reads avail idx */
        emk_smp_mb();
    }
    return r;
}
