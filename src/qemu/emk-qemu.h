/*
 * emk-qemu.h - the QEMU 7.2 adapter's private interface (src/qemu/ is the
 * only place in emkit that includes QEMU headers).
 *
 * An EmkQemuHost is one emk_bus per QEMU device.  It maps the machine bus
 * (emkit/bus.h) onto QEMU:
 *
 *   emk_dma_read/write/map     pci_dma_rw / pci_dma_map, refused (-EPERM)
 *                              while Bus Master Enable is clear and
 *                              (-EFAULT) when the range hits one of the
 *                              device's own BARs (no MMIO re-entrancy)
 *   emk_irq_set                pci_set_irq
 *   emk_msi_send               msi_send_message (the MSI-X table itself is
 *                              the device's / emkit PCI core's, so the
 *                              adapter only delivers the message)
 *   emk_region (BARs)          MemoryRegionOps calling emk_region_access,
 *                              valid/impl sizes from the region's sizes
 *   emk_dev_add_ioeventfd      memory_region_add_eventfd on the emkit
 *                              notifier's own eventfd
 *   emk_dma_is_ram             address_space_translate + memory_access_
 *                              is_direct (long-lived maps only of RAM)
 *   dev->loop                  where the device's work runs: QEMU's main
 *                              loop (default), a QEMU IOThread
 *                              (iothread=ID) or an emkit iothread
 *                              (emkit-iothread=on), all on
 *                              QEMU_CLOCK_VIRTUAL (EmkQemuLoopConf)
 *
 * Threads and locks.  MMIO callbacks run on vCPU threads under QEMU's
 * global lock (BQL).  Device work (timers, bottom halves, notifier
 * handlers, block completions) runs in the device's loop.  In the main
 * loop that is under the BQL, so emk_loop_in_thread() is true on a vCPU
 * too and a device may run its loop's work there directly (the loop
 * driver's lock_held); an IOThread or emkit iothread does not hold the
 * BQL, and vCPUs hand work to it (docs/architecture.md, "Threads and
 * owners").  DMA from any thread is fine (QEMU's memory API is
 * RCU-protected).  Interrupt delivery and ioeventfd changes need the BQL:
 * on a thread that holds it (vCPU, main loop) they happen at once; a
 * thread without it never waits for the BQL (a vCPU in an MMIO callback
 * may be waiting for that thread): it queues the work and a bottom half
 * of QEMU's main loop does it.  Identical pending MSI messages are merged
 * (edge semantics).
 */
#ifndef EMKIT_QEMU_ADAPTER_H
#define EMKIT_QEMU_ADAPTER_H

#include "block/aio.h"
#include "exec/memory.h"
#include "hw/pci/msi.h"
#include "hw/pci/pci.h"
#include "qemu/event_notifier.h"
#include "qemu/thread.h"
#include "qemu/timer.h"
#include "sysemu/iothread.h"

#include "emkit/bus.h"
#include "emkit/loop.h"

/** One emkit region as a QEMU MemoryRegion. */
typedef struct EmkQemuRegion {
    MemoryRegion mr;
    MemoryRegion container;  /**< BAR of a size rounded up to 2^n */
    MemoryRegionOps ops;
    emk_region *r;
    struct EmkQemuHost *host;
    int bar;                 /**< PCI BAR number, -1 if not a BAR */
    bool inited;
    bool mapped_by_us;       /**< added to system memory by map_region */
} EmkQemuRegion;

/** One ioeventfd: a copy of emkit's description and QEMU's notifier
 *  (sharing the emk_notifier's file descriptors). */
typedef struct EmkQemuIoeventfd {
    emk_ioeventfd e;
    EventNotifier en;
    bool used;               /**< slot taken */
    bool applied;            /**< memory_region_add_eventfd done */
    bool want;               /**< should be applied (deferred ops) */
} EmkQemuIoeventfd;

enum { EMK_QEMU_MSI_PENDING = 256 };

/** The host side of one QEMU device built from emkit sources. */
typedef struct EmkQemuHost {
    emk_bus bus;             /**< hand &bus to the device's init */
    PCIDevice *pdev;         /**< the transport (DMA, INTx, MSI) */
    struct emk_pci_fn *fn;   /**< emkit's PCI function, if any (pcifn.c) */
    Object *owner;
    emk_clock clock;         /**< QEMU_CLOCK_VIRTUAL */
    emk_iothread *iothread;  /**< emkit-iothread=on */
    emk_loop *loop;          /**< the device's loop */
    /* main loop or iothread=: a QEMU loop drives h->loop */
    AioContext *ctx;         /**< NULL: the main loop's iohandlers */
    QEMUTimer *loop_timer;   /**< the loop's earliest timer */
    QEMUBH *loop_bh;         /**< more work: run the loop again */
    int loop_fd;             /**< emk_loop_fd, watched by QEMU */
    bool driven;
    EmkQemuRegion regions[EMK_DEV_MAX_REGIONS];
    EmkQemuIoeventfd ioeventfds[EMK_DEV_MAX_IOEVENTFDS];
    /* work an emkit thread hands to the main loop (see host.c) */
    QemuMutex defer_lock;
    QEMUBH *defer_bh;
    MSIMessage msi_pending[EMK_QEMU_MSI_PENDING];
    unsigned nmsi_pending;
    int irq_level;           /**< level asked for, -1: nothing pending */
    bool efd_dirty;
    /* statistics */
    uint64_t stat_dma_bme_off;
    uint64_t stat_dma_self;
    uint64_t stat_dma_error;
    uint64_t stat_msi;
    uint64_t stat_msi_deferred;
    uint64_t stat_msi_dropped;
} EmkQemuHost;

/** A device's loop placement, as its properties give it: neither field
 *  set is QEMU's main loop; iothread= and emkit-iothread=on together are
 *  refused. */
typedef struct EmkQemuLoopConf {
    IOThread *iothread;      /**< iothread=ID: that QEMU IOThread */
    bool emkit_iothread;     /**< emkit-iothread=on: an emkit iothread */
} EmkQemuLoopConf;

/** The two properties of an EmkQemuLoopConf field of a device state. */
#define DEFINE_EMK_QEMU_LOOP_PROPERTIES(_state, _conf)                     \
    DEFINE_PROP_LINK("iothread", _state, _conf.iothread, TYPE_IOTHREAD,     \
                     IOThread *),                                          \
    DEFINE_PROP_BOOL("emkit-iothread", _state, _conf.emkit_iothread, false)

/** Sets up h for PCI device pdev and gives it a loop placed as lc says
 *  (NULL: no loop, for a device without work of its own; an emkit
 *  iothread is named name).  Returns 0, or -errno with errp set. */
int emk_qemu_host_init(EmkQemuHost *h, PCIDevice *pdev, const char *name,
                       const EmkQemuLoopConf *lc, Error **errp);

/** Takes the loop away from the QEMU loop driving it, so that the calling
 *  thread (the main thread, with the BQL) owns it while the device is
 *  torn down.  Idempotent. */
void emk_qemu_host_quiesce(EmkQemuHost *h);

/** Removes ioeventfds and stops the loop (the device is torn down
 *  first). */
void emk_qemu_host_cleanup(EmkQemuHost *h);

/** The QEMU MemoryRegion of emkit region r (created on first use, owned
 *  by h->owner).  NULL if h has no room left. */
MemoryRegion *emk_qemu_region(EmkQemuHost *h, emk_region *r);

/** Registers r as PCI BAR bar of h->pdev with QEMU's BAR attributes attr
 *  (PCI_BASE_ADDRESS_SPACE_MEMORY, _MEM_TYPE_64, ...).  QEMU then places
 *  and maps the BAR; emkit's region keeps its own access rules.
 *  Returns 0 or -ENOSPC. */
int emk_qemu_register_bar(EmkQemuHost *h, int bar, emk_region *r,
                          uint8_t attr);

/** The bus operations (exported for devices that build their own bus). */
extern const emk_bus_ops emk_qemu_bus_ops;

#endif
