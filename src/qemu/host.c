/*
 * host.c - emkit's machine bus (emkit/bus.h) on a QEMU 7.2 PCIDevice:
 * DMA, interrupts, region mapping, ioeventfds, and the device's iothread.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "exec/address-spaces.h"
#include "hw/pci/pci.h"
#include "hw/pci/msi.h"
#include "sysemu/dma.h"
#include "sysemu/iothread.h"
#include "block/aio-wait.h"
#include "qemu/log.h"

#include "emk-qemu.h"
#include "emkit/trace.h"

/* The BQL, taken only if this thread does not already hold it.  Used only
 * for mapping non-BAR regions, which devices do while being realized (with
 * the BQL); interrupts and ioeventfds never wait for it (see below). */
static bool bql_enter(void)
{
    if (qemu_mutex_iothread_locked()) {
        return false;
    }
    qemu_mutex_lock_iothread();
    return true;
}

static void bql_leave(bool taken)
{
    if (taken) {
        qemu_mutex_unlock_iothread();
    }
}

static EmkQemuHost *host_of(emk_bus *bus)
{
    return bus->opaque;
}

/* -EPERM while bus mastering is off, -EFAULT if [addr, addr+len) overlaps
 * one of the device's memory BARs as QEMU placed them, else 0. */
static int dma_allowed(EmkQemuHost *h, uint64_t addr, uint64_t len)
{
    PCIDevice *pdev = h->pdev;
    int i;

    if (!(pci_get_word(pdev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        h->stat_dma_bme_off++;
        return -EPERM;
    }
    for (i = 0; i < PCI_NUM_REGIONS; i++) {
        const PCIIORegion *io = &pdev->io_regions[i];

        if (!io->size || io->addr == PCI_BAR_UNMAPPED ||
            (io->type & PCI_BASE_ADDRESS_SPACE_IO)) {
            continue;
        }
        if (len && addr <= io->addr + (io->size - 1) &&
            io->addr <= addr + (len - 1)) {
            h->stat_dma_self++;
            return -EFAULT;
        }
    }
    return 0;
}

static DMADirection dma_dir(int is_write)
{
    /* is_write: the device writes guest memory */
    return is_write ? DMA_DIRECTION_FROM_DEVICE : DMA_DIRECTION_TO_DEVICE;
}

static int emk_qemu_dma_rw(emk_bus *bus, emk_dev *dev, uint64_t addr,
                           void *buf, uint64_t len, int is_write)
{
    EmkQemuHost *h = host_of(bus);
    MemTxResult res;
    int ret;

    (void)dev;
    ret = dma_allowed(h, addr, len);
    if (ret < 0) {
        return ret;
    }
    res = pci_dma_rw(h->pdev, addr, buf, len, dma_dir(is_write),
                     MEMTXATTRS_UNSPECIFIED);
    if (res != MEMTX_OK) {
        h->stat_dma_error++;
        return -EFAULT;
    }
    return 0;
}

static void *emk_qemu_dma_map(emk_bus *bus, emk_dev *dev, uint64_t addr,
                              uint64_t *len, int is_write)
{
    EmkQemuHost *h = host_of(bus);
    dma_addr_t plen = *len;
    void *p;

    (void)dev;
    if (dma_allowed(h, addr, *len) < 0) {
        *len = 0;
        return NULL;
    }
    /* may come back shorter (end of a RAM block) or NULL (MMIO target and
     * QEMU's single bounce buffer busy): emkit's callers then copy */
    p = pci_dma_map(h->pdev, addr, &plen, dma_dir(is_write));
    if (!p) {
        *len = 0;
        return NULL;
    }
    *len = plen;
    return p;
}

/* Plain RAM behind the whole range (no IOMMU-translated or MMIO part, so
 * pci_dma_map will not hand out the global bounce buffer for it). */
static int emk_qemu_dma_is_ram(emk_bus *bus, emk_dev *dev, uint64_t addr,
                               uint64_t len)
{
    EmkQemuHost *h = host_of(bus);
    AddressSpace *as = pci_get_address_space(h->pdev);
    MemoryRegion *mr;
    hwaddr xlat, plen = len;
    int ok;

    (void)dev;
    if (dma_allowed(h, addr, len) < 0) {
        return 0;
    }
    rcu_read_lock();
    mr = address_space_translate(as, addr, &xlat, &plen, true,
                                 MEMTXATTRS_UNSPECIFIED);
    ok = plen >= len && memory_access_is_direct(mr, true);
    rcu_read_unlock();
    return ok;
}

static void emk_qemu_dma_unmap(emk_bus *bus, emk_dev *dev, void *host,
                               uint64_t len, int is_write, uint64_t written)
{
    EmkQemuHost *h = host_of(bus);

    (void)dev;
    pci_dma_unmap(h->pdev, host, len, dma_dir(is_write),
                  is_write ? written : len);
}

/* Called with the BQL and defer_lock held: makes QEMU's ioeventfds match
 * what the device asked for. */
static void apply_ioeventfds(EmkQemuHost *h)
{
    unsigned i;

    for (i = 0; i < EMK_DEV_MAX_IOEVENTFDS; i++) {
        EmkQemuIoeventfd *s = &h->ioeventfds[i];
        MemoryRegion *mr;

        if (!s->used || s->want == s->applied) {
            if (s->used && !s->want && !s->applied) {
                s->used = false;
            }
            continue;
        }
        mr = emk_qemu_region(h, s->e.region);
        if (s->want) {
            memory_region_add_eventfd(mr, s->e.offset, s->e.size, false, 0,
                                      &s->en);
            s->applied = true;
        } else {
            memory_region_del_eventfd(mr, s->e.offset, s->e.size, false, 0,
                                      &s->en);
            s->applied = false;
            s->used = false;   /* the fds belong to the emk_notifier */
        }
    }
}

/* The main loop's half of the deferred work (runs with the BQL). */
static void emk_qemu_defer_bh(void *opaque)
{
    EmkQemuHost *h = opaque;
    MSIMessage msgs[EMK_QEMU_MSI_PENDING];
    unsigned i, n;
    int level;

    qemu_mutex_lock(&h->defer_lock);
    n = h->nmsi_pending;
    memcpy(msgs, h->msi_pending, n * sizeof(msgs[0]));
    h->nmsi_pending = 0;
    level = h->irq_level;
    h->irq_level = -1;
    apply_ioeventfds(h);
    qemu_mutex_unlock(&h->defer_lock);
    if (level >= 0) {
        pci_set_irq(h->pdev, level);
    }
    for (i = 0; i < n; i++) {
        if (pci_get_word(h->pdev->config + PCI_COMMAND) & PCI_COMMAND_MASTER) {
            msi_send_message(h->pdev, msgs[i]);
        }
    }
}

static void emk_qemu_set_irq(emk_bus *bus, emk_dev *dev, unsigned line,
                             int level)
{
    EmkQemuHost *h = host_of(bus);

    (void)dev;
    if (line != 0) {
        return;     /* a PCI function has one INTx pin */
    }
    qemu_mutex_lock(&h->defer_lock);
    if (qemu_mutex_iothread_locked()) {
        h->irq_level = -1;      /* this level supersedes a queued one */
        qemu_mutex_unlock(&h->defer_lock);
        pci_set_irq(h->pdev, level);
        return;
    }
    h->irq_level = level != 0;
    qemu_mutex_unlock(&h->defer_lock);
    qemu_bh_schedule(h->defer_bh);
}

static int emk_qemu_msi(emk_bus *bus, emk_dev *dev, uint64_t addr,
                        uint32_t data)
{
    EmkQemuHost *h = host_of(bus);
    MSIMessage msg = { .address = addr, .data = data };
    unsigned i;

    (void)dev;
    if (!(pci_get_word(h->pdev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        return -EPERM;  /* an MSI is a memory write */
    }
    h->stat_msi++;
    if (qemu_mutex_iothread_locked()) {
        msi_send_message(h->pdev, msg);
        return 0;
    }
    h->stat_msi_deferred++;
    qemu_mutex_lock(&h->defer_lock);
    for (i = 0; i < h->nmsi_pending; i++) {
        if (h->msi_pending[i].address == addr &&
            h->msi_pending[i].data == data) {
            break;      /* already on its way: edge semantics merge it */
        }
    }
    if (i == h->nmsi_pending) {
        if (h->nmsi_pending < EMK_QEMU_MSI_PENDING) {
            h->msi_pending[h->nmsi_pending++] = msg;
        } else {
            h->stat_msi_dropped++;
        }
    }
    qemu_mutex_unlock(&h->defer_lock);
    qemu_bh_schedule(h->defer_bh);
    return 0;
}

static EmkQemuRegion *find_region(EmkQemuHost *h, const emk_region *r)
{
    unsigned i;

    for (i = 0; i < EMK_DEV_MAX_REGIONS; i++) {
        if (h->regions[i].inited && h->regions[i].r == r) {
            return &h->regions[i];
        }
    }
    return NULL;
}

/* BARs are placed by QEMU's PCI layer (pci_register_bar); emkit's PCI core
 * reports the same placement here and only the bookkeeping is updated.
 * Other regions are mapped into the system memory or I/O space. */
static int emk_qemu_map_region(emk_bus *bus, emk_region *r, uint64_t addr)
{
    EmkQemuHost *h = host_of(bus);
    EmkQemuRegion *qr;
    bool taken;

    if (!emk_qemu_region(h, r) || !(qr = find_region(h, r))) {
        return -ENOSPC;
    }
    if (qr->bar < 0) {
        taken = bql_enter();
        if (qr->mapped_by_us) {
            memory_region_del_subregion(qr->mr.container, &qr->mr);
        }
        memory_region_add_subregion(r->space == EMK_SPACE_IO ?
                                    get_system_io() : get_system_memory(),
                                    addr, &qr->mr);
        qr->mapped_by_us = true;
        bql_leave(taken);
    }
    r->mapped = 1;
    r->addr = addr;
    return 0;
}

static void emk_qemu_unmap_region(emk_bus *bus, emk_region *r)
{
    EmkQemuRegion *qr = find_region(host_of(bus), r);
    bool taken;

    if (qr && qr->mapped_by_us) {
        taken = bql_enter();
        memory_region_del_subregion(qr->mr.container, &qr->mr);
        qr->mapped_by_us = false;
        bql_leave(taken);
    }
    r->mapped = 0;
}

/* Applies the ioeventfd table now if this thread holds the BQL, else
 * leaves it to the main loop's bottom half (until then the doorbell write
 * reaches the device's region callback, which handles it as well). */
static void sync_ioeventfds(EmkQemuHost *h)
{
    if (qemu_mutex_iothread_locked()) {
        qemu_mutex_lock(&h->defer_lock);
        apply_ioeventfds(h);
        qemu_mutex_unlock(&h->defer_lock);
    } else {
        qemu_bh_schedule(h->defer_bh);
    }
}

static int emk_qemu_add_ioeventfd(emk_bus *bus, const emk_ioeventfd *e)
{
    EmkQemuHost *h = host_of(bus);
    EmkQemuIoeventfd *slot = NULL;
    unsigned i;

    if (!emk_qemu_region(h, e->region)) {
        return -ENOSPC;
    }
    qemu_mutex_lock(&h->defer_lock);
    for (i = 0; i < EMK_DEV_MAX_IOEVENTFDS && !slot; i++) {
        if (!h->ioeventfds[i].used) {
            slot = &h->ioeventfds[i];
        }
    }
    if (!slot) {
        qemu_mutex_unlock(&h->defer_lock);
        return -ENOSPC;
    }
    slot->e = *e;
    /* QEMU signals the emkit notifier's own fds: with TCG the memory core
     * writes the eventfd when the guest stores to (offset, size); under
     * KVM the kernel does.  No device code runs on the vCPU thread. */
    slot->en.rfd = e->notifier->rfd;
    slot->en.wfd = e->notifier->wfd;
    slot->en.initialized = true;
    slot->used = true;
    slot->want = true;
    slot->applied = false;
    qemu_mutex_unlock(&h->defer_lock);
    sync_ioeventfds(h);
    return 0;
}

static void emk_qemu_del_ioeventfd(emk_bus *bus, const emk_ioeventfd *e)
{
    EmkQemuHost *h = host_of(bus);
    unsigned i;

    qemu_mutex_lock(&h->defer_lock);
    for (i = 0; i < EMK_DEV_MAX_IOEVENTFDS; i++) {
        EmkQemuIoeventfd *s = &h->ioeventfds[i];

        if (s->used && s->want && s->e.region == e->region &&
            s->e.offset == e->offset && s->e.size == e->size &&
            s->e.notifier == e->notifier) {
            s->want = false;
            break;
        }
    }
    qemu_mutex_unlock(&h->defer_lock);
    sync_ioeventfds(h);
}

const emk_bus_ops emk_qemu_bus_ops = {
    .dma_rw = emk_qemu_dma_rw,
    .dma_map = emk_qemu_dma_map,
    .dma_unmap = emk_qemu_dma_unmap,
    .set_irq = emk_qemu_set_irq,
    .msi = emk_qemu_msi,
    .map_region = emk_qemu_map_region,
    .unmap_region = emk_qemu_unmap_region,
    .add_ioeventfd = emk_qemu_add_ioeventfd,
    .del_ioeventfd = emk_qemu_del_ioeventfd,
    .dma_is_ram = emk_qemu_dma_is_ram,
};

/* emkit loops in QEMU run on the guest's virtual clock, so device timers
 * stop while the VM is stopped. */
static int64_t emk_qemu_clock_now(void *opaque)
{
    (void)opaque;
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

/* ---- an emkit loop driven by QEMU's main loop or an IOThread ---------- */

/* Where a device's emkit loop (timers, bottom halves, doorbell notifiers,
 * block completions) runs. */
typedef enum EmkQemuLoopKind {
    EMK_QEMU_LOOP_NONE,      /* no loop (a bridge) */
    EMK_QEMU_LOOP_MAIN,      /* QEMU's main loop, with the BQL: like QEMU's
                                own nvme; interrupts go out at once */
    EMK_QEMU_LOOP_IOTHREAD,  /* a QEMU IOThread (-object iothread): like
                                virtio-blk's iothread=; interrupts are
                                handed to the main loop */
    EMK_QEMU_LOOP_EMKIT,     /* an emkit iothread of the device's own */
} EmkQemuLoopKind;

enum { EMK_QEMU_LOOP_BURST = 16 };

/* Runs the emkit loop until it is idle, or for a burst of iterations after
 * which the rest waits for a bottom half (so other QEMU handlers run).
 * QEMU calls it when the loop's fd is readable, from the bottom half, and
 * when the loop's earliest timer is due (emk_loop keeps that timer current
 * through timers_changed, expired timers included). */
static void loop_dispatch(void *opaque)
{
    EmkQemuHost *h = opaque;
    int i, n = 0;

    for (i = 0; i < EMK_QEMU_LOOP_BURST; i++) {
        n = emk_loop_run_once(h->loop, 0);
        if (n <= 0) {
            break;
        }
    }
    if (n > 0) {
        qemu_bh_schedule(h->loop_bh);
    }
}

static int loop_bql_held(void *opaque)
{
    (void)opaque;
    return qemu_mutex_iothread_locked();
}

/* emk_loop_driver.timers_changed: on the loop's thread or under the BQL
 * (main-loop kind); QEMU's timer_mod is thread-safe. */
static void loop_timers_changed(void *opaque, int64_t expire_ns)
{
    EmkQemuHost *h = opaque;

    if (expire_ns == INT64_MAX) {
        timer_del(h->loop_timer);
    } else {
        timer_mod(h->loop_timer, expire_ns);
    }
}

/* emk_loop_driver.kick: any thread; the bottom half runs the loop */
static void loop_kick(void *opaque)
{
    qemu_bh_schedule(((EmkQemuHost *)opaque)->loop_bh);
}

static void loop_claim_bh(void *opaque)
{
    emk_loop_claim(((EmkQemuHost *)opaque)->loop);
}

static void loop_watch(EmkQemuHost *h, bool on)
{
    IOHandler *rd = on ? loop_dispatch : NULL;

    if (h->ctx) {
        aio_set_fd_handler(h->ctx, h->loop_fd, false, rd, NULL, NULL, NULL,
                           on ? h : NULL);
    } else {
        qemu_set_fd_handler(h->loop_fd, rd, NULL, on ? h : NULL);
    }
}

/* Makes a new emkit loop that h->ctx (NULL: the main loop) drives. */
static int loop_drive_start(EmkQemuHost *h, Error **errp)
{
    emk_loop_driver d = { 0 };
    int err = 0;

    h->loop = emk_loop_new(&h->clock, &err);
    if (!h->loop) {
        error_setg_errno(errp, -err, "cannot create the emkit loop");
        return err ? err : -ENOMEM;
    }
    h->loop_fd = emk_loop_fd(h->loop);
    if (h->loop_fd < 0) {
        error_setg(errp, "the emkit loop has no pollable fd (poll() backend, "
                   "EMK_LOOP_POLL=1?): use emkit-iothread=on");
        emk_loop_free(h->loop);
        h->loop = NULL;
        return -ENOTSUP;
    }
    if (h->ctx) {
        h->loop_timer = aio_timer_new(h->ctx, QEMU_CLOCK_VIRTUAL, SCALE_NS,
                                      loop_dispatch, h);
        h->loop_bh = aio_bh_new(h->ctx, loop_dispatch, h);
    } else {
        h->loop_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, loop_dispatch, h);
        h->loop_bh = qemu_bh_new(loop_dispatch, h);
        /* the main loop runs everything with the BQL: a vCPU holding it
         * may call into the loop directly instead of waiting for us */
        d.lock_held = loop_bql_held;
    }
    d.timers_changed = loop_timers_changed;
    d.kick = loop_kick;
    d.opaque = h;
    emk_loop_set_driver(h->loop, &d);
    if (h->ctx) {
        aio_context_acquire(h->ctx);
        aio_wait_bh_oneshot(h->ctx, loop_claim_bh, h);
        aio_context_release(h->ctx);
    } else {
        emk_loop_claim(h->loop);       /* realize runs in the main thread */
    }
    loop_watch(h, true);
    h->driven = true;
    return 0;
}

static void loop_unwatch_bh(void *opaque)
{
    EmkQemuHost *h = opaque;

    loop_watch(h, false);
    timer_del(h->loop_timer);
    qemu_bh_cancel(h->loop_bh);
}

void emk_qemu_host_quiesce(EmkQemuHost *h)
{
    if (!h->driven) {
        return;
    }
    if (h->ctx) {
        /* in the IOThread, so no dispatch is running when it returns */
        aio_context_acquire(h->ctx);
        aio_wait_bh_oneshot(h->ctx, loop_unwatch_bh, h);
        aio_context_release(h->ctx);
    } else {
        loop_unwatch_bh(h);
    }
    emk_loop_set_driver(h->loop, NULL);
    emk_loop_claim(h->loop);
    h->driven = false;
}

static void loop_drive_free(EmkQemuHost *h)
{
    emk_qemu_host_quiesce(h);
    if (h->loop_timer) {
        timer_free(h->loop_timer);
        h->loop_timer = NULL;
    }
    if (h->loop_bh) {
        qemu_bh_delete(h->loop_bh);
        h->loop_bh = NULL;
    }
    if (h->loop) {
        emk_loop_free(h->loop);
        h->loop = NULL;
    }
}

/* emkit's trace lines (EMKIT_TRACE=patterns) join QEMU's log when QEMU
 * logs to a file or stream (-D, -d); otherwise they stay on stderr. */
static void trace_to_qemu_log(void *opaque, const char *line, size_t len)
{
    (void)opaque;
    if (qemu_log_enabled()) {
        qemu_log("emkit: %.*s", (int)len, line);
    } else if (fwrite(line, 1, len, stderr) != len) {
        /* nowhere else to report it */
    }
}

int emk_qemu_host_init(EmkQemuHost *h, PCIDevice *pdev, const char *name,
                       const EmkQemuLoopConf *lc, Error **errp)
{
    EmkQemuLoopKind kind = !lc ? EMK_QEMU_LOOP_NONE :
                           lc->iothread ? EMK_QEMU_LOOP_IOTHREAD :
                           lc->emkit_iothread ? EMK_QEMU_LOOP_EMKIT :
                           EMK_QEMU_LOOP_MAIN;
    int err = 0;

    if (lc && lc->iothread && lc->emkit_iothread) {
        error_setg(errp, "%s: iothread= and emkit-iothread=on both given: "
                   "the device's loop runs in one place", name);
        return -EINVAL;
    }

    emk_trace_set_sink(trace_to_qemu_log, NULL);
    memset(h, 0, sizeof(*h));
    h->pdev = pdev;
    h->owner = OBJECT(pdev);
    h->bus.ops = &emk_qemu_bus_ops;
    h->bus.opaque = h;
    h->clock.now_ns = emk_qemu_clock_now;
    h->clock.opaque = h;
    h->irq_level = -1;
    h->loop_fd = -1;
    qemu_mutex_init(&h->defer_lock);
    h->defer_bh = qemu_bh_new(emk_qemu_defer_bh, h);
    switch (kind) {
    case EMK_QEMU_LOOP_NONE:
        return 0;   /* a device without work of its own (a bridge) */
    case EMK_QEMU_LOOP_EMKIT:
        h->iothread = emk_iothread_start(name, &h->clock, &err);
        if (!h->iothread) {
            error_setg_errno(errp, -err,
                             "%s: cannot start the emkit iothread", name);
            break;
        }
        h->loop = emk_iothread_loop(h->iothread);
        break;
    case EMK_QEMU_LOOP_IOTHREAD:
        h->ctx = iothread_get_aio_context(lc->iothread);
        err = loop_drive_start(h, errp);
        break;
    case EMK_QEMU_LOOP_MAIN:
        err = loop_drive_start(h, errp);
        break;
    }
    if (!h->loop) {
        loop_drive_free(h);
        qemu_bh_delete(h->defer_bh);
        h->defer_bh = NULL;
        qemu_mutex_destroy(&h->defer_lock);
        return err ? err : -ENOMEM;
    }
    h->bus.main_loop = h->loop;
    return 0;
}

void emk_qemu_host_cleanup(EmkQemuHost *h)
{
    unsigned i;

    if (h->iothread) {
        emk_iothread_stop(h->iothread);
        h->iothread = NULL;
        h->loop = NULL;
    }
    loop_drive_free(h);
    if (!h->defer_bh) {
        return;
    }
    qemu_bh_delete(h->defer_bh);
    h->defer_bh = NULL;
    qemu_mutex_lock(&h->defer_lock);
    for (i = 0; i < EMK_DEV_MAX_IOEVENTFDS; i++) {
        h->ioeventfds[i].want = false;
    }
    apply_ioeventfds(h);        /* cleanup runs with the BQL */
    qemu_mutex_unlock(&h->defer_lock);
    qemu_mutex_destroy(&h->defer_lock);
}
