/* testmachine.c - guest RAM in host memory, a region table for MMIO and
 * port I/O, a virtual clock and an interrupt recorder; an emk_bus host. */
#include <pthread.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "emkit/testmachine.h"

enum { TM_MAX_HOLES = 8 };

struct emk_tm {
    emk_bus bus;
    emk_loop *loop;
    emk_vclock vclock;
    uint8_t *ram;
    uint64_t ram_base, ram_size, alloc_next;
    emk_region *regions[EMK_TM_MAX_REGIONS];
    unsigned nregions;
    struct { uint64_t gpa, len; } holes[TM_MAX_HOLES];
    unsigned nholes;
    int irq_level[EMK_TM_MAX_IRQ_LINES];
    uint64_t irq_raises[EMK_TM_MAX_IRQ_LINES];
    pthread_mutex_t msi_lock;
    pthread_cond_t msi_cond;
    emk_tm_msi msi_fifo[EMK_TM_MSI_FIFO];
    unsigned msi_head, msi_len;
    uint64_t msi_total;
};

/* ---- RAM decoding ------------------------------------------------------ */

/* Returns how many bytes from gpa are DMA-able RAM (0 if none), capped at
 * len: the run stops at the end of RAM or at a hole. */
static uint64_t ram_run(const emk_tm *tm, uint64_t gpa, uint64_t len)
{
    uint64_t end, off;
    unsigned i;

    if (gpa < tm->ram_base || gpa - tm->ram_base >= tm->ram_size)
        return 0;
    off = gpa - tm->ram_base;
    end = tm->ram_size - off < len ? tm->ram_size - off : len;
    for (i = 0; i < tm->nholes; i++) {
        uint64_t hs = tm->holes[i].gpa, he = hs + tm->holes[i].len;
        if (gpa >= hs && gpa < he)
            return 0;
        if (hs > gpa && hs - gpa < end)
            end = hs - gpa;
    }
    return end;
}

void *emk_tm_ram(emk_tm *tm, uint64_t gpa, uint64_t len)
{
    if (gpa < tm->ram_base || gpa - tm->ram_base > tm->ram_size ||
        tm->ram_size - (gpa - tm->ram_base) < len)
        return NULL;
    return tm->ram + (gpa - tm->ram_base);
}

uint64_t emk_tm_alloc(emk_tm *tm, uint64_t size, uint64_t align)
{
    uint64_t a, end;

    if (align == 0 || (align & (align - 1)))
        return 0;
    a = (tm->alloc_next + align - 1) & ~(align - 1);
    end = tm->ram_base + tm->ram_size;
    if (a < tm->alloc_next || a > end || end - a < size)
        return 0;
    tm->alloc_next = a + size;
    return a;
}

int emk_tm_dma_hole(emk_tm *tm, uint64_t gpa, uint64_t len)
{
    if (tm->nholes >= TM_MAX_HOLES)
        return -ENOSPC;
    tm->holes[tm->nholes].gpa = gpa;
    tm->holes[tm->nholes].len = len;
    tm->nholes++;
    return 0;
}

/* ---- bus ops ------------------------------------------------------------ */

/* Copies len bytes between RAM at p and buf.  A naturally aligned 2-, 4-
 * or 8-byte access is one load or store, as on a real bus and under QEMU
 * (virtio's ring indexes rely on it): memcpy may copy so small a size in
 * overlapping pieces, and a device racing a driver thread then reads a
 * torn value. */
static void ram_copy(uint8_t *p, void *buf, uint64_t len, int is_write)
{
    if ((len == 2 || len == 4 || len == 8) &&
        ((uintptr_t)p & (uintptr_t)(len - 1)) == 0) {
        uint16_t v16;
        uint32_t v32;
        uint64_t v64;

        if (len == 2 && is_write) {
            memcpy(&v16, buf, 2);
            emk_store_release_u16((uint16_t *)(void *)p, v16);
        } else if (len == 2) {
            v16 = emk_load_acquire_u16((const uint16_t *)(void *)p);
            memcpy(buf, &v16, 2);
        } else if (len == 4 && is_write) {
            memcpy(&v32, buf, 4);
            emk_store_release_u32((uint32_t *)(void *)p, v32);
        } else if (len == 4) {
            v32 = emk_load_acquire_u32((const uint32_t *)(void *)p);
            memcpy(buf, &v32, 4);
        } else if (is_write) {
            memcpy(&v64, buf, 8);
            emk_store_relaxed_u64((uint64_t *)(void *)p, v64);
        } else {
            v64 = emk_load_relaxed_u64((const uint64_t *)(void *)p);
            memcpy(buf, &v64, 8);
        }
        return;
    }
    if (is_write)
        memcpy(p, buf, (size_t)len);
    else
        memcpy(buf, p, (size_t)len);
}

static int tm_dma_rw(emk_bus *bus, emk_dev *dev, uint64_t addr, void *buf,
                     uint64_t len, int is_write)
{
    emk_tm *tm = (emk_tm *)bus->opaque;

    (void)dev;
    /* DMA reaches RAM only: never another device's MMIO, so no DMA can
     * re-enter a device through this host. */
    if (ram_run(tm, addr, len) != len)
        return -EFAULT;
    ram_copy(tm->ram + (addr - tm->ram_base), buf, len, is_write);
    return 0;
}

static void *tm_dma_map(emk_bus *bus, emk_dev *dev, uint64_t addr,
                        uint64_t *len, int is_write)
{
    emk_tm *tm = (emk_tm *)bus->opaque;
    uint64_t n = ram_run(tm, addr, *len);

    (void)dev;
    (void)is_write;
    *len = n;
    return n ? tm->ram + (addr - tm->ram_base) : NULL;
}

static int tm_dma_is_ram(emk_bus *bus, emk_dev *dev, uint64_t addr,
                         uint64_t len)
{
    (void)dev;
    return ram_run((emk_tm *)bus->opaque, addr, len) == len;
}

static void tm_dma_unmap(emk_bus *bus, emk_dev *dev, void *host,
                         uint64_t len, int is_write, uint64_t written)
{
    (void)bus; (void)dev; (void)host; (void)len; (void)is_write; (void)written;
}

static void tm_set_irq(emk_bus *bus, emk_dev *dev, unsigned line, int level)
{
    emk_tm *tm = (emk_tm *)bus->opaque;

    (void)dev;
    if (line >= EMK_TM_MAX_IRQ_LINES)
        return;
    /* any thread may set a line (a device's iothread) while the test reads
     * it: the level is published with release, the count is atomic */
    if (level && !emk_load_acquire_int(&tm->irq_level[line]))
        emk_fetch_add_u64(&tm->irq_raises[line], 1);
    emk_store_release_int(&tm->irq_level[line], level);
}

static int tm_msi(emk_bus *bus, emk_dev *dev, uint64_t addr, uint32_t data)
{
    emk_tm *tm = (emk_tm *)bus->opaque;

    (void)dev;
    pthread_mutex_lock(&tm->msi_lock);
    tm->msi_total++;
    if (tm->msi_len < EMK_TM_MSI_FIFO) {
        emk_tm_msi *m = &tm->msi_fifo[(tm->msi_head + tm->msi_len) % EMK_TM_MSI_FIFO];
        m->addr = addr;
        m->data = data;
        tm->msi_len++;
    }
    pthread_cond_broadcast(&tm->msi_cond);
    pthread_mutex_unlock(&tm->msi_lock);
    return 0;
}

static int tm_map_region(emk_bus *bus, emk_region *r, uint64_t addr)
{
    emk_tm *tm = (emk_tm *)bus->opaque;
    unsigned i;

    if (r->mapped)
        return -EBUSY;
    if (addr + (r->size - 1) < addr)
        return -EINVAL;
    for (i = 0; i < tm->nregions; i++) {
        const emk_region *o = tm->regions[i];
        if (o->space == r->space && addr <= o->addr + (o->size - 1) &&
            o->addr <= addr + (r->size - 1))
            return -EBUSY;
    }
    if (tm->nregions >= EMK_TM_MAX_REGIONS)
        return -ENOSPC;
    emk_store_relaxed_u64(&r->addr, addr);
    emk_store_release_int(&r->mapped, 1);   /* devices' DMA checks read it */
    tm->regions[tm->nregions++] = r;
    return 0;
}

static void tm_unmap_region(emk_bus *bus, emk_region *r)
{
    emk_tm *tm = (emk_tm *)bus->opaque;
    unsigned i;

    for (i = 0; i < tm->nregions; i++) {
        if (tm->regions[i] == r) {
            tm->regions[i] = tm->regions[--tm->nregions];
            break;
        }
    }
    emk_store_release_int(&r->mapped, 0);
}

static int tm_add_ioeventfd(emk_bus *bus, const emk_ioeventfd *e)
{
    /* emk_region_access consults the owner's ioeventfd table. */
    (void)bus;
    (void)e;
    return 0;
}

static const emk_bus_ops tm_bus_ops = {
    .dma_rw = tm_dma_rw,
    .dma_map = tm_dma_map,
    .dma_unmap = tm_dma_unmap,
    .set_irq = tm_set_irq,
    .msi = tm_msi,
    .map_region = tm_map_region,
    .unmap_region = tm_unmap_region,
    .add_ioeventfd = tm_add_ioeventfd,
    .dma_is_ram = tm_dma_is_ram,
};

/* ---- guest accesses -------------------------------------------------------- */

static emk_region *find_region(emk_tm *tm, emk_space space, uint64_t addr)
{
    unsigned i;

    for (i = 0; i < tm->nregions; i++) {
        emk_region *r = tm->regions[i];
        if (r->space == space && addr >= r->addr && addr - r->addr < r->size)
            return r;
    }
    return NULL;
}

static int tm_access(emk_tm *tm, emk_space space, uint64_t addr,
                     unsigned size, uint64_t *v, int is_write)
{
    emk_region *r = find_region(tm, space, addr);

    if (r)
        return emk_region_access(r, addr - r->addr, size, v, is_write);
    if (space == EMK_SPACE_MEM && (size == 1 || size == 2 || size == 4 || size == 8)) {
        uint8_t *p = (uint8_t *)emk_tm_ram(tm, addr, size);
        if (p) {
            uint8_t b[8] = {0};
            if (is_write)
                emk_st_le64(b, *v);
            ram_copy(p, b, size, is_write);
            if (!is_write)
                *v = emk_le64(b);
            return 0;
        }
    }
    if (!is_write)
        *v = size >= 8 ? UINT64_MAX : (((uint64_t)1 << (size * 8)) - 1);
    return -ENODEV;
}

int emk_tm_mmio_read(emk_tm *tm, uint64_t addr, unsigned size, uint64_t *v)
{
    return tm_access(tm, EMK_SPACE_MEM, addr, size, v, 0);
}

int emk_tm_mmio_write(emk_tm *tm, uint64_t addr, unsigned size, uint64_t v)
{
    return tm_access(tm, EMK_SPACE_MEM, addr, size, &v, 1);
}

int emk_tm_pio_read(emk_tm *tm, uint64_t port, unsigned size, uint64_t *v)
{
    return tm_access(tm, EMK_SPACE_IO, port, size, v, 0);
}

int emk_tm_pio_write(emk_tm *tm, uint64_t port, unsigned size, uint64_t v)
{
    return tm_access(tm, EMK_SPACE_IO, port, size, &v, 1);
}

/* ---- time and interrupts ------------------------------------------------ */

int emk_tm_run_pending(emk_tm *tm, int max_iter)
{
    int total = 0, n;

    while (max_iter-- > 0) {
        n = emk_loop_run_once(tm->loop, 0);
        if (n <= 0)
            break;
        total += n;
    }
    return total;
}

void emk_tm_advance(emk_tm *tm, int64_t ns)
{
    int64_t target = emk_loop_now(tm->loop) + ns;

    emk_tm_run_pending(tm, 1000);
    /* Step from deadline to deadline so each timer sees its own time. */
    for (;;) {
        int64_t next = emk_loop_next_timer(tm->loop);
        if (next > target)
            break;
        if (next > tm->vclock.now)
            tm->vclock.now = next;
        emk_tm_run_pending(tm, 1000);
    }
    if (tm->vclock.now < target)
        tm->vclock.now = target;
    emk_tm_run_pending(tm, 1000);
}

int emk_tm_irq_level(const emk_tm *tm, unsigned line)
{
    return line < EMK_TM_MAX_IRQ_LINES ? emk_load_acquire_int(&tm->irq_level[line]) : 0;
}

uint64_t emk_tm_irq_raises(const emk_tm *tm, unsigned line)
{
    return line < EMK_TM_MAX_IRQ_LINES ? emk_load_relaxed_u64(&tm->irq_raises[line]) : 0;
}

int emk_tm_msi_pop(emk_tm *tm, emk_tm_msi *out)
{
    int got = 0;

    pthread_mutex_lock(&tm->msi_lock);
    if (tm->msi_len) {
        *out = tm->msi_fifo[tm->msi_head];
        tm->msi_head = (tm->msi_head + 1) % EMK_TM_MSI_FIFO;
        tm->msi_len--;
        got = 1;
    }
    pthread_mutex_unlock(&tm->msi_lock);
    return got;
}

uint64_t emk_tm_msi_count(const emk_tm *tm)
{
    uint64_t n;
    emk_tm *t = (emk_tm *)(uintptr_t)tm;

    pthread_mutex_lock(&t->msi_lock);
    n = t->msi_total;
    pthread_mutex_unlock(&t->msi_lock);
    return n;
}

int emk_tm_msi_wait(emk_tm *tm, int64_t timeout_ns)
{
    int64_t deadline = emk_host_now_ns() + timeout_ns;
    int got;

    pthread_mutex_lock(&tm->msi_lock);
    while (!tm->msi_len) {
        struct timespec ts;
        int64_t now = emk_host_now_ns();
        if (now >= deadline)
            break;
        clock_gettime(CLOCK_REALTIME, &ts);
        now = deadline - now;
        ts.tv_sec += (time_t)(now / 1000000000);
        ts.tv_nsec += (long)(now % 1000000000);
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&tm->msi_cond, &tm->msi_lock, &ts);
    }
    got = tm->msi_len != 0;
    pthread_mutex_unlock(&tm->msi_lock);
    return got;
}

/* ---- life cycle ----------------------------------------------------------- */

emk_bus *emk_tm_bus(emk_tm *tm) { return &tm->bus; }
emk_loop *emk_tm_loop(emk_tm *tm) { return tm->loop; }
emk_vclock *emk_tm_vclock(emk_tm *tm) { return &tm->vclock; }

emk_tm *emk_tm_new(const emk_tm_config *cfg, int *err)
{
    emk_tm *tm = (emk_tm *)calloc(1, sizeof(*tm));
    int ret = -ENOMEM;

    if (!tm)
        goto fail;
    tm->ram_base = cfg ? cfg->ram_base : 0;
    tm->ram_size = cfg && cfg->ram_size ? cfg->ram_size : (uint64_t)64 << 20;
    if (tm->ram_base + tm->ram_size < tm->ram_base || tm->ram_size > (uint64_t)SIZE_MAX) {
        ret = -EINVAL;
        goto fail;
    }
    tm->ram = (uint8_t *)calloc(1, (size_t)tm->ram_size);
    if (!tm->ram)
        goto fail;
    /* The first page stays unallocated so a 0 address is never valid. */
    tm->alloc_next = tm->ram_base + 4096;
    emk_vclock_init(&tm->vclock, 0);
    tm->loop = emk_loop_new(cfg && cfg->real_clock ? NULL : &tm->vclock.clock, &ret);
    if (!tm->loop)
        goto fail;
    pthread_mutex_init(&tm->msi_lock, NULL);
    pthread_cond_init(&tm->msi_cond, NULL);
    tm->bus.ops = &tm_bus_ops;
    tm->bus.opaque = tm;
    tm->bus.main_loop = tm->loop;
    return tm;
fail:
    if (tm)
        free(tm->ram);
    free(tm);
    if (err)
        *err = ret;
    return NULL;
}

void emk_tm_free(emk_tm *tm)
{
    if (!tm)
        return;
    emk_loop_free(tm->loop);
    pthread_mutex_destroy(&tm->msi_lock);
    pthread_cond_destroy(&tm->msi_cond);
    free(tm->ram);
    free(tm);
}
