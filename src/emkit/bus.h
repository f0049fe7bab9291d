/*
 * emkit/bus.h - the machine bus: the one interface a device uses to reach
 * the world.  Read this header first.
 *
 *   device code  --(emk_dma_*, emk_irq_set, emk_msi_send, emk_timer_*,
 *                   emk_notifier_*)-->  emk_bus (a table of host ops)
 *   host         --(emk_region_access)-->  device region callbacks
 *
 * A device embeds an emk_dev as its first member (simavr style) and never
 * sees who hosts it.  Three hosts implement emk_bus_ops:
 *
 *   1. the test machine (emkit/testmachine.h): guest RAM as host memory, a
 *      virtual clock and an interrupt recorder; used by unit tests, the
 *      `emkit` main job, benchmarks and libFuzzer harnesses;
 *   2. the QEMU adapter (src/qemu/): dma_rw -> pci_dma_rw, dma_map ->
 *      pci_dma_map, set_irq -> pci_set_irq, msi -> msix_notify,
 *      add_ioeventfd -> memory_region_add_eventfd, regions ->
 *      MemoryRegionOps calling emk_region_access;
 *   3. anything else that can provide those few operations.
 *
 * Regions.  A device describes each MMIO or port-I/O window as an
 * emk_region: a size, a callback table and the access sizes it accepts.
 * Every guest access goes through emk_region_access, which rejects a size
 * the region does not declare, a misaligned access (unless the region
 * allows it) and any access past the region's end *without calling the
 * device*: device callbacks may assume offset + size <= region size.
 * Reads of rejected accesses return all-ones, writes are dropped.
 *
 * DMA.  Devices move guest memory only through emk_dma_read/write/map and
 * the scatter-gather helpers; never through a raw guest address.  Every
 * call is bounds-checked by the host.  Failures return -EFAULT (unmapped or
 * out of range) or -EPERM (DMA disabled, e.g. PCI bus mastering off).  A
 * map may come back shorter than asked (the range crosses the end of a RAM
 * block); the caller maps the rest separately or falls back to copying.  A
 * DMA that would land in one of the device's own regions is refused with
 * -EFAULT: that re-entrancy is the bug class QEMU's fuzzers keep finding.
 *
 * Interrupts.  Level lines (emk_irq_set) and message-signalled interrupts
 * (emk_msi_send, an address/data pair; MSI-X tables live in the PCI core).
 *
 * Time and work.  Each device has a loop (dev->loop): its timers, bottom
 * halves and notifier handlers run there.  Put that loop in an iothread to
 * move the device's work off the vCPU thread.  An ioeventfd
 * (emk_dev_add_ioeventfd) makes a guest write of a given value width at a
 * given region offset only signal an emk_notifier: the host does no device
 * work on the dispatching thread, the device's loop does it later.
 */
#ifndef EMKIT_BUS_H
#define EMKIT_BUS_H

#include <sys/uio.h>

#include "emkit/base.h"
#include "emkit/loop.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Address spaces a region can live in. */
typedef enum emk_space {
    EMK_SPACE_MEM = 0,
    EMK_SPACE_IO = 1
} emk_space;

/** Access sizes, OR-ed together in emk_region_ops.valid_sizes. */
enum emk_access_size {
    EMK_SIZE_1 = 1,
    EMK_SIZE_2 = 2,
    EMK_SIZE_4 = 4,
    EMK_SIZE_8 = 8
};

/** emk_region_ops.flags */
enum emk_region_flags {
    EMK_REGION_UNALIGNED = 1 /**< accept accesses not aligned to their size */
};

/** Limits shared by every device. */
enum emk_bus_limits {
    EMK_DEV_MAX_REGIONS = 8,
    EMK_DEV_MAX_IOEVENTFDS = 64
};

/** Callbacks of one region.  offset + size never exceeds the region size
 *  and size is always one of valid_sizes.  Return 0 or a negative errno
 *  (an error read returns all-ones to the guest). */
typedef struct emk_region_ops {
    int (*read)(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
    int (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t value);
    unsigned valid_sizes; /**< OR of emk_access_size */
    unsigned flags;       /**< OR of emk_region_flags */
} emk_region_ops;

struct emk_dev;

/** One MMIO or port-I/O window of a device.  Caller-owned. */
typedef struct emk_region {
    const char *name;
    const emk_region_ops *ops;
    void *opaque;
    uint64_t size;
    emk_space space;
    /* set by the host while mapped */
    struct emk_dev *owner;
    int mapped;
    uint64_t addr;
} emk_region;

/** A doorbell-style write that only signals a notifier. */
typedef struct emk_ioeventfd {
    emk_region *region;
    uint64_t offset;
    unsigned size;
    emk_notifier *notifier;
} emk_ioeventfd;

struct emk_bus;

/** The device base.  Embed it as the first member of every device. */
typedef struct emk_dev {
    const char *name;
    struct emk_bus *bus;
    emk_loop *loop;        /**< where the device's work runs */
    int dma_enabled;       /**< cleared by the transport (bus master off) */
    emk_region *regions[EMK_DEV_MAX_REGIONS];
    unsigned nregions;
    emk_ioeventfd ioeventfds[EMK_DEV_MAX_IOEVENTFDS];
    unsigned nioeventfds;
    int ioeventfd_lock;    /**< private: guards the two fields above */
    /* statistics, readable by tests and reports */
    uint64_t stat_dma_refused;
    uint64_t stat_bad_access;
} emk_dev;

/** What a host provides.  All DMA addresses are guest-physical (or bus)
 *  addresses as the device sees them.  Any op may be NULL if the host does
 *  not offer it; the emk_* wrappers then fail cleanly with -ENOSYS. */
typedef struct emk_bus_ops {
    /** Copies len bytes between guest memory and buf.  0 or -errno. */
    int (*dma_rw)(struct emk_bus *bus, emk_dev *dev, uint64_t addr,
                  void *buf, uint64_t len, int is_write);
    /** Maps up to *len bytes; shortens *len; NULL if nothing maps. */
    void *(*dma_map)(struct emk_bus *bus, emk_dev *dev, uint64_t addr,
                     uint64_t *len, int is_write);
    /** Ends a map; written is how many bytes the device wrote. */
    void (*dma_unmap)(struct emk_bus *bus, emk_dev *dev, void *host,
                      uint64_t len, int is_write, uint64_t written);
    /** Drives level interrupt line `line` of dev. */
    void (*set_irq)(struct emk_bus *bus, emk_dev *dev, unsigned line,
                    int level);
    /** Delivers a message-signalled interrupt. */
    int (*msi)(struct emk_bus *bus, emk_dev *dev, uint64_t addr,
               uint32_t data);
    /** Makes a region visible at addr in its space (host-side decode). */
    int (*map_region)(struct emk_bus *bus, emk_region *r, uint64_t addr);
    /** Hides a region. */
    void (*unmap_region)(struct emk_bus *bus, emk_region *r);
    /** Routes writes of `size` bytes at region offset to a notifier. */
    int (*add_ioeventfd)(struct emk_bus *bus, const emk_ioeventfd *e);
    void (*del_ioeventfd)(struct emk_bus *bus, const emk_ioeventfd *e);
    /** 1 if [addr, addr + len) is ordinary guest RAM that a mapping may
     *  keep for long (no bounce buffer, no MMIO behind it), else 0.
     *  Optional: without it nothing counts as RAM. */
    int (*dma_is_ram)(struct emk_bus *bus, emk_dev *dev, uint64_t addr,
                      uint64_t len);
} emk_bus_ops;

/** A host: its ops, its private state and its main loop. */
typedef struct emk_bus {
    const emk_bus_ops *ops;
    void *opaque;
    emk_loop *main_loop;
} emk_bus;

/* ---- device side ---------------------------------------------------- */

/** Initialises a device base on bus; its work runs in loop (NULL: the
 *  bus's main loop).  DMA starts enabled. */
EMK_API void emk_dev_init(emk_dev *dev, const char *name, emk_bus *bus,
                  emk_loop *loop);

/** Registers a region as the device's own (for the DMA re-entrancy check
 *  and for hosts that map regions themselves).  -ENOSPC if full. */
EMK_API int emk_dev_add_region(emk_dev *dev, emk_region *r);

/** Removes a region registered with emk_dev_add_region (e.g. before a
 *  transport registers it again as a BAR).  -ENOENT if not registered. */
EMK_API int emk_dev_del_region(emk_dev *dev, emk_region *r);
/** Routes guest writes of `size` bytes at r+offset to n instead of the
 *  region's write callback.  The host decides how (test machine: in its
 *  dispatcher; QEMU: memory_region_add_eventfd). */
EMK_API int emk_dev_add_ioeventfd(emk_dev *dev, emk_region *r, uint64_t offset,
                          unsigned size, emk_notifier *n);
/** Removes every ioeventfd of the device. */
EMK_API void emk_dev_del_ioeventfds(emk_dev *dev);

/** Reads len bytes of guest memory at addr into buf.  0 or -errno. */
EMK_API int emk_dma_read(emk_dev *dev, uint64_t addr, void *buf, uint64_t len);
/** Writes len bytes from buf to guest memory at addr.  0 or -errno. */
EMK_API int emk_dma_write(emk_dev *dev, uint64_t addr, const void *buf,
                  uint64_t len);
/** Maps guest memory for direct access; *len may come back shorter.
 *  Returns NULL (and *len = 0) if nothing can be mapped. */
EMK_API void *emk_dma_map(emk_dev *dev, uint64_t addr, uint64_t *len, int is_write);
/** 1 if [addr, addr + len) is plain RAM the device may keep mapped for
 *  long (e.g. shadow doorbell pages), 0 otherwise (MMIO, a bounce buffer,
 *  DMA disabled, or a host that cannot tell). */
EMK_API int emk_dma_is_ram(emk_dev *dev, uint64_t addr, uint64_t len);
/** Turns bus mastering for the device on or off (transports call this;
 *  any thread). */
EMK_API void emk_dev_set_dma(emk_dev *dev, int enabled);
/** Releases a mapping obtained from emk_dma_map. */
EMK_API void emk_dma_unmap(emk_dev *dev, void *host, uint64_t len, int is_write,
                   uint64_t written);

/** Loads/stores a little-endian value of 1, 2, 4 or 8 bytes. */
EMK_API int emk_dma_ld(emk_dev *dev, uint64_t addr, unsigned size, uint64_t *value);
EMK_API int emk_dma_st(emk_dev *dev, uint64_t addr, unsigned size, uint64_t value);

/** Drives level interrupt line `line`. */
EMK_API void emk_irq_set(emk_dev *dev, unsigned line, int level);
/** Sends a message-signalled interrupt.  0 or -errno. */
EMK_API int emk_msi_send(emk_dev *dev, uint64_t addr, uint32_t data);

/* ---- interrupt objects ----------------------------------------------- */

/** A named interrupt output of a device, given to the device by whatever
 *  it is plugged into: the PCI core's MSI-X/MSI vectors and INTx pin
 *  (emk_pci_fn_irqs), a plain bus line or MSI (emk_irq_init_line,
 *  emk_irq_init_msi), a test's recorder.  The device only raises it and
 *  never knows the transport.  Caller-owned; set up by the provider. */
typedef struct emk_irq {
    const char *name;
    /** Level 1 raises, 0 lowers; a message interrupt is sent on 1 only.
     *  Any thread. */
    void (*set)(const struct emk_irq *irq, int level);
    /** Optional: 1 if the interrupt is deliverable now (a message vector
     *  while the guest has enabled messages); NULL: always. */
    int (*ready)(const struct emk_irq *irq);
    void *opaque;         /**< the provider's */
    unsigned index;       /**< vector or line number */
    uint64_t addr;        /**< message address (emk_irq_init_msi) */
} emk_irq;

/** Drives irq (NULL or not set up: nothing). */
EMK_API void emk_irq_raise(const emk_irq *irq, int level);
/** 1 if irq is set up and deliverable now. */
EMK_API int emk_irq_ready(const emk_irq *irq);
/** Sets irq up as level line `line` of dev's bus (emk_irq_set). */
EMK_API void emk_irq_init_line(emk_irq *irq, const char *name, emk_dev *dev,
                       unsigned line);
/** Sets irq up as a message interrupt: an MSI of data at addr through
 *  dev's bus (emk_msi_send). */
EMK_API void emk_irq_init_msi(emk_irq *irq, const char *name, emk_dev *dev,
                      uint64_t addr, uint32_t data);

/** emk_irq_init_msi for vec[0..n): vector i sends data0 + i at addr. */
EMK_API void emk_irq_init_msis(emk_irq *vec, unsigned n, const char *name,
                       emk_dev *dev, uint64_t addr, uint32_t data0);

/* ---- scatter-gather lists ---------------------------------------------- */

typedef struct emk_sg_entry {
    uint64_t addr;
    uint64_t len;
} emk_sg_entry;

/** A list of guest address/length segments in caller-provided storage
 *  (no allocation on the I/O path). */
typedef struct emk_sglist {
    emk_sg_entry *sg;
    unsigned nsg;
    unsigned cap;
    uint64_t total;
} emk_sglist;

/** Uses storage[0..cap) for the segments. */
EMK_API void emk_sglist_init(emk_sglist *l, emk_sg_entry *storage, unsigned cap);
/** Empties the list. */
EMK_API void emk_sglist_reset(emk_sglist *l);
/** Appends a segment, merging with the previous one when contiguous.
 *  -ENOSPC when full, -EOVERFLOW if the address range wraps. */
EMK_API int emk_sglist_add(emk_sglist *l, uint64_t addr, uint64_t len);
/** Copies len bytes between buf and the list starting at byte `offset`
 *  of the list.  -EFAULT if the list is shorter or any DMA fails. */
EMK_API int emk_dma_sg_rw(emk_dev *dev, const emk_sglist *l, uint64_t offset,
                  void *buf, uint64_t len, int is_write);
/** Maps the whole list into iov (at most iovcap entries).  Returns the
 *  number of entries, or -EPERM (DMA disabled), -EFAULT or -ENOSPC (then
 *  nothing stays mapped).
 *  Every entry must be released with emk_dma_sg_unmap. */
EMK_API int emk_dma_sg_map(emk_dev *dev, const emk_sglist *l, struct iovec *iov,
                   int iovcap, int is_write);
/** Releases iov[0..n) from emk_dma_sg_map. */
EMK_API void emk_dma_sg_unmap(emk_dev *dev, struct iovec *iov, int n, int is_write);

/* ---- host side ------------------------------------------------------ */

/** Makes r visible at addr through the host's map_region.  -ENOSYS if the
 *  host does not map regions. */
EMK_API int emk_bus_map_region(emk_bus *bus, emk_region *r, uint64_t addr);
/** Hides r again (nothing if the host cannot). */
EMK_API void emk_bus_unmap_region(emk_bus *bus, emk_region *r);


/** Performs one guest access on region r: validates size, alignment and
 *  bounds, honours ioeventfds, then calls the device.  For reads *value is
 *  filled (all-ones on rejection).  Returns 0, -EINVAL (bad size or
 *  alignment), -ERANGE (past the end) or the callback's error.  Hosts call
 *  this from their dispatchers; devices never do. */
EMK_API int emk_region_access(emk_region *r, uint64_t offset, unsigned size,
                      uint64_t *value, int is_write);

#ifdef __cplusplus
}
#endif

#endif
