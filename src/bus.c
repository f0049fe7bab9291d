/* bus.c - the device side of the machine bus and the host-side access
 * validator.  Hosts implement emk_bus_ops; everything here is shared. */
#include <string.h>

#include "compat.h"
#include "emkit/bus.h"
#include "trace_int.h"

/* Trace events of the bus (docs/architecture.md, "Tracing"). */
static emk_trace_event ev_mmio_read = EMK_TRACE_EVENT_INIT("bus_mmio_read");
static emk_trace_event ev_mmio_write = EMK_TRACE_EVENT_INIT("bus_mmio_write");
static emk_trace_event ev_pio_read = EMK_TRACE_EVENT_INIT("bus_pio_read");
static emk_trace_event ev_pio_write = EMK_TRACE_EVENT_INIT("bus_pio_write");
static emk_trace_event ev_ioeventfd = EMK_TRACE_EVENT_INIT("bus_ioeventfd");
static emk_trace_event ev_dma_read = EMK_TRACE_EVENT_INIT("bus_dma_read");
static emk_trace_event ev_dma_write = EMK_TRACE_EVENT_INIT("bus_dma_write");
static emk_trace_event ev_dma_map = EMK_TRACE_EVENT_INIT("bus_dma_map");
static emk_trace_event ev_irq = EMK_TRACE_EVENT_INIT("bus_irq_set");
static emk_trace_event ev_msi = EMK_TRACE_EVENT_INIT("bus_msi_send");

void emk_dev_init(emk_dev *dev, const char *name, emk_bus *bus,
                  emk_loop *loop)
{
    memset(dev, 0, sizeof(*dev));
    dev->name = name;
    dev->bus = bus;
    dev->loop = loop ? loop : (bus ? bus->main_loop : NULL);
    dev->dma_enabled = 1;
}

int emk_dev_add_region(emk_dev *dev, emk_region *r)
{
    if (!dev || !r || !r->ops || r->size == 0)
        return -EINVAL;
    if (dev->nregions >= EMK_DEV_MAX_REGIONS)
        return -ENOSPC;
    r->owner = dev;
    dev->regions[dev->nregions++] = r;
    return 0;
}

int emk_dev_del_region(emk_dev *dev, emk_region *r)
{
    unsigned i;

    for (i = 0; i < dev->nregions; i++) {
        if (dev->regions[i] == r) {
            memmove(&dev->regions[i], &dev->regions[i + 1],
                    (dev->nregions - i - 1) * sizeof(dev->regions[0]));
            dev->nregions--;
            r->owner = NULL;
            return 0;
        }
    }
    return -ENOENT;
}

int emk_bus_map_region(emk_bus *bus, emk_region *r, uint64_t addr)
{
    if (!bus || !bus->ops || !bus->ops->map_region)
        return -ENOSYS;
    return bus->ops->map_region(bus, r, addr);
}

void emk_bus_unmap_region(emk_bus *bus, emk_region *r)
{
    if (bus && bus->ops && bus->ops->unmap_region)
        bus->ops->unmap_region(bus, r);
}

/* ---- interrupt objects ---------------------------------------------- */

void emk_irq_raise(const emk_irq *irq, int level)
{
    if (irq && irq->set)
        irq->set(irq, level);
}

int emk_irq_ready(const emk_irq *irq)
{
    return irq && irq->set && (!irq->ready || irq->ready(irq));
}

static void line_set(const emk_irq *irq, int level)
{
    emk_irq_set((emk_dev *)irq->opaque, irq->index, level);
}

void emk_irq_init_line(emk_irq *irq, const char *name, emk_dev *dev,
                       unsigned line)
{
    memset(irq, 0, sizeof(*irq));
    irq->name = name;
    irq->set = line_set;
    irq->opaque = dev;
    irq->index = line;
}

static void msi_set(const emk_irq *irq, int level)
{
    if (level)
        (void)emk_msi_send((emk_dev *)irq->opaque, irq->addr, irq->index);
}

void emk_irq_init_msi(emk_irq *irq, const char *name, emk_dev *dev,
                      uint64_t addr, uint32_t data)
{
    memset(irq, 0, sizeof(*irq));
    irq->name = name;
    irq->set = msi_set;
    irq->opaque = dev;
    irq->index = data;
    irq->addr = addr;
}

void emk_irq_init_msis(emk_irq *vec, unsigned n, const char *name,
                       emk_dev *dev, uint64_t addr, uint32_t data0)
{
    unsigned i;

    for (i = 0; i < n; i++)
        emk_irq_init_msi(&vec[i], name, dev, addr, data0 + i);
}

int emk_dev_add_ioeventfd(emk_dev *dev, emk_region *r, uint64_t offset,
                          unsigned size, emk_notifier *n)
{
    emk_ioeventfd *e;
    int ret;

    if (!dev || !r || !n || r->owner != dev)
        return -EINVAL;
    if ((size != 1 && size != 2 && size != 4 && size != 8) ||
        offset > r->size || r->size - offset < size)
        return -EINVAL;
    emk_spin_lock(&dev->ioeventfd_lock);
    if (dev->nioeventfds >= EMK_DEV_MAX_IOEVENTFDS) {
        emk_spin_unlock(&dev->ioeventfd_lock);
        return -ENOSPC;
    }
    e = &dev->ioeventfds[dev->nioeventfds];
    e->region = r;
    e->offset = offset;
    e->size = size;
    e->notifier = n;
    ret = 0;
    if (dev->bus && dev->bus->ops->add_ioeventfd)
        ret = dev->bus->ops->add_ioeventfd(dev->bus, e);
    if (ret >= 0)
        dev->nioeventfds++;
    emk_spin_unlock(&dev->ioeventfd_lock);
    return ret < 0 ? ret : 0;
}

void emk_dev_del_ioeventfds(emk_dev *dev)
{
    unsigned i;

    emk_spin_lock(&dev->ioeventfd_lock);
    for (i = 0; i < dev->nioeventfds; i++)
        if (dev->bus && dev->bus->ops->del_ioeventfd)
            dev->bus->ops->del_ioeventfd(dev->bus, &dev->ioeventfds[i]);
    dev->nioeventfds = 0;
    emk_spin_unlock(&dev->ioeventfd_lock);
}

/* Devices count refusals from any of their threads. */
static void dma_refused(emk_dev *dev)
{
    emk_fetch_add_u64(&dev->stat_dma_refused, 1);
}

/* Refuses DMA that is disabled, wraps, or touches one of the device's own
 * memory regions (re-entrancy into its own MMIO). */
static int dma_check(emk_dev *dev, uint64_t addr, uint64_t len)
{
    unsigned i;

    if (!emk_load_relaxed_int(&dev->dma_enabled)) {
        dma_refused(dev);
        return -EPERM;
    }
    if (len && addr + len - 1 < addr) {
        dma_refused(dev);
        return -EFAULT;
    }
    for (i = 0; i < dev->nregions; i++) {
        const emk_region *r = dev->regions[i];
        uint64_t base;

        /* a host may map or unmap the region (a BAR moved, a function
         * reset) on another thread while the device does DMA: the flag
         * is published with release after the address */
        if (!emk_load_acquire_int(&r->mapped) || r->space != EMK_SPACE_MEM || !len)
            continue;
        base = emk_load_relaxed_u64(&r->addr);
        if (addr <= base + (r->size - 1) && base <= addr + (len - 1)) {
            dma_refused(dev);
            return -EFAULT;
        }
    }
    return 0;
}

static int dma_rw(emk_dev *dev, uint64_t addr, void *buf, uint64_t len,
                  int is_write)
{
    int ret;

    if (!dev->bus || !dev->bus->ops->dma_rw)
        return -ENOSYS;
    if (len == 0)
        return 0;
    ret = dma_check(dev, addr, len);
    if (ret < 0)
        return ret;
    ret = dev->bus->ops->dma_rw(dev->bus, dev, addr, buf, len, is_write);
    if (ret < 0)
        dma_refused(dev);
    return ret;
}

int emk_dma_read(emk_dev *dev, uint64_t addr, void *buf, uint64_t len)
{
    int ret = dma_rw(dev, addr, buf, len, 0);

    EMK_TRACE(ev_dma_read, "%s addr=0x%llx len=%llu ret=%d", dev->name,
              (unsigned long long)addr, (unsigned long long)len, ret);
    return ret;
}

int emk_dma_write(emk_dev *dev, uint64_t addr, const void *buf, uint64_t len)
{
    int ret = dma_rw(dev, addr, (void *)(uintptr_t)buf, len, 1);

    EMK_TRACE(ev_dma_write, "%s addr=0x%llx len=%llu ret=%d", dev->name,
              (unsigned long long)addr, (unsigned long long)len, ret);
    return ret;
}

void *emk_dma_map(emk_dev *dev, uint64_t addr, uint64_t *len, int is_write)
{
    uint64_t asked = *len;
    void *p = NULL;

    if (!dev->bus || !dev->bus->ops->dma_map || *len == 0 ||
        dma_check(dev, addr, *len) < 0) {
        *len = 0;
    } else {
        p = dev->bus->ops->dma_map(dev->bus, dev, addr, len, is_write);
        if (!p) {
            *len = 0;
            dma_refused(dev);
        }
    }
    EMK_TRACE(ev_dma_map, "%s addr=0x%llx len=%llu %s mapped=%llu", dev->name,
              (unsigned long long)addr, (unsigned long long)asked,
              is_write ? "write" : "read", (unsigned long long)*len);
    return p;
}

int emk_dma_is_ram(emk_dev *dev, uint64_t addr, uint64_t len)
{
    if (!dev->bus || !dev->bus->ops->dma_is_ram || len == 0 ||
        dma_check(dev, addr, len) < 0)
        return 0;
    return dev->bus->ops->dma_is_ram(dev->bus, dev, addr, len) > 0;
}

void emk_dev_set_dma(emk_dev *dev, int enabled)
{
    emk_store_relaxed_int(&dev->dma_enabled, enabled != 0);
}

void emk_dma_unmap(emk_dev *dev, void *host, uint64_t len, int is_write,
                   uint64_t written)
{
    if (host && dev->bus && dev->bus->ops->dma_unmap)
        dev->bus->ops->dma_unmap(dev->bus, dev, host, len, is_write, written);
}

int emk_dma_ld(emk_dev *dev, uint64_t addr, unsigned size, uint64_t *value)
{
    uint8_t b[8] = {0};
    int ret;

    if (size != 1 && size != 2 && size != 4 && size != 8)
        return -EINVAL;
    ret = emk_dma_read(dev, addr, b, size);
    if (ret < 0)
        return ret;
    *value = emk_le64(b);
    return 0;
}

int emk_dma_st(emk_dev *dev, uint64_t addr, unsigned size, uint64_t value)
{
    uint8_t b[8];

    if (size != 1 && size != 2 && size != 4 && size != 8)
        return -EINVAL;
    emk_st_le64(b, value);
    return emk_dma_write(dev, addr, b, size);
}

void emk_irq_set(emk_dev *dev, unsigned line, int level)
{
    EMK_TRACE(ev_irq, "%s line=%u level=%d", dev->name, line, level ? 1 : 0);
    if (dev->bus && dev->bus->ops->set_irq)
        dev->bus->ops->set_irq(dev->bus, dev, line, level ? 1 : 0);
}

int emk_msi_send(emk_dev *dev, uint64_t addr, uint32_t data)
{
    int ret = -ENOSYS;

    if (dev->bus && dev->bus->ops->msi)
        ret = dev->bus->ops->msi(dev->bus, dev, addr, data);
    EMK_TRACE(ev_msi, "%s addr=0x%llx data=0x%x ret=%d", dev->name,
              (unsigned long long)addr, (unsigned)data, ret);
    return ret;
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (((uint64_t)1 << (size * 8)) - 1);
}

/* One event per access, named after the space and the direction. */
static void trace_access(const emk_region *r, uint64_t offset, unsigned size,
                         uint64_t value, int is_write, int ret)
{
    emk_trace_event *ev = r->space == EMK_SPACE_IO
                              ? (is_write ? &ev_pio_write : &ev_pio_read)
                              : (is_write ? &ev_mmio_write : &ev_mmio_read);

    if (emk_trace_on(ev))
        emk_trace_emit(ev, "%s+0x%llx size=%u value=0x%llx ret=%d",
                       r->name ? r->name : "?", (unsigned long long)offset,
                       size, (unsigned long long)value, ret);
}

/* 1 if the write hits one of the owner's ioeventfds (then its notifier
 * is signalled, *ret its result).  The table is read under its lock, so
 * that a device removing its ioeventfds (and closing the notifiers'
 * fds) on another thread never races a vCPU's write. */
static int owner_ioeventfd(emk_dev *owner, emk_region *r, uint64_t offset,
                           unsigned size, uint64_t value, int *ret)
{
    unsigned i;
    int hit = 0;

    emk_spin_lock(&owner->ioeventfd_lock);
    for (i = 0; i < owner->nioeventfds && !hit; i++) {
        const emk_ioeventfd *e = &owner->ioeventfds[i];
        if (e->region == r && e->offset == offset && e->size == size) {
            EMK_TRACE(ev_ioeventfd, "%s+0x%llx size=%u value=0x%llx",
                      r->name ? r->name : "?", (unsigned long long)offset,
                      size, (unsigned long long)(value & size_mask(size)));
            *ret = emk_notifier_set(e->notifier);
            hit = 1;
        }
    }
    emk_spin_unlock(&owner->ioeventfd_lock);
    return hit;
}

int emk_region_access(emk_region *r, uint64_t offset, unsigned size,
                      uint64_t *value, int is_write)
{
    emk_dev *owner = r->owner;
    int ret;

    if (!is_write)
        *value = UINT64_MAX;
    if ((size != 1 && size != 2 && size != 4 && size != 8) ||
        !(r->ops->valid_sizes & size) ||
        (!(r->ops->flags & EMK_REGION_UNALIGNED) && (offset & (size - 1)))) {
        ret = -EINVAL;
        goto bad;
    }
    if (offset >= r->size || r->size - offset < size) {
        ret = -ERANGE;
        goto bad;
    }
    if (!is_write) {
        if (!r->ops->read) {
            ret = -EINVAL;
            goto bad;
        }
        ret = r->ops->read(r->opaque, offset, size, value);
        if (ret < 0)
            *value = UINT64_MAX;
        *value &= size_mask(size);
        trace_access(r, offset, size, *value, 0, ret);
        return ret;
    }
    if (owner && owner_ioeventfd(owner, r, offset, size, *value, &ret))
        return ret;
    if (!r->ops->write) {
        ret = -EINVAL;
        goto bad;
    }
    ret = r->ops->write(r->opaque, offset, size, *value & size_mask(size));
    trace_access(r, offset, size, *value & size_mask(size), 1, ret);
    return ret;
bad:
    if (owner)
        owner->stat_bad_access++;
    if (!is_write)
        *value &= size_mask(size ? (size > 8 ? 8 : size) : 1);
    trace_access(r, offset, size, *value, is_write, ret);
    return ret;
}
