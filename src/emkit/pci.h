/*
 * emkit/pci.h - the PCI / PCI Express core: one function's configuration
 * space, its BARs, INTx, MSI and MSI-X, the capability list builder,
 * PCI Express capabilities (Gen3+ link, DevCap2/DevCtl2 ARI forwarding,
 * ARI, ACS, AER), the PCIe root port (type 1 header) and a multi-segment
 * ECAM host bridge with ACPI MCFG generation.  This header holds the
 * function, BARs, capability builder, MSI and MSI-X; it includes
 * emkit/pcie.h (PCI Express, root ports, hot-plug) and emkit/ecam.h
 * (segments, ECAM, MCFG), so including emkit/pci.h gives the whole API.
 *
 * Transport-free.  The spec logic lives behind plain entry points:
 *
 *   emk_pci_config_read(fn, off, size)        the guest reads config space
 *   emk_pci_config_write(fn, off, size, val)  the guest writes config space
 *   emk_pci_msix_notify(fn, vector)           the device raises a vector
 *   emk_pci_msi_notify(fn, vector)            (same for MSI)
 *   emk_pci_set_irq(fn, level)                the device drives INTx
 *
 * An adapter (the ECAM host bridge below, or the QEMU adapter mapping this
 * onto PCIDevice's config_read/config_write hooks) calls the first two; the
 * device calls the others.
 *
 * Configuration space.  4 KiB of bytes (256 for conventional PCI functions)
 * plus two per-byte masks: wmask (bits software may write) and w1cmask
 * (bits a written 1 clears).  A bit in neither is read-only.  A write
 * stores (old & ~wmask) | (val & wmask), then clears the W1C bits written
 * as 1, then lets the core react (command register, BARs, MSI/MSI-X
 * enables, bridge windows, ...) and finally calls the device's
 * config_write hook.  Reads return the bytes; reads past the end of the
 * space return all-ones.  Any size 1..4 at any offset inside the space is
 * accepted (ECAM itself only forwards naturally aligned 1/2/4 accesses).
 *
 * BARs.  A function registers an emk_region per BAR; the BAR size is the
 * region size rounded up to a power of two (at least 16 bytes for memory,
 * 4 for I/O).  The BAR register's writable mask is ~(size - 1), so writing
 * all-ones and reading back yields the size (the "sizing dance"); 64-bit
 * BARs use two registers.  A BAR's region is mapped on the machine bus
 * (emk_bus_ops.map_region) exactly when: the command register enables the
 * BAR's space, the BAR holds a non-zero address whose whole range fits
 * (below 4 GiB for 32-bit BARs; I/O below 64 KiB), and every bridge above
 * the function forwards that range (its own enable bit, its window, its
 * secondary bus reset not asserted).  Any change re-evaluates it.
 *
 * Bus mastering.  The command register's Bus Master Enable drives
 * emk_dev.dma_enabled, so DMA by a function with BME clear fails with
 * -EPERM.  MSI and MSI-X messages are memory writes, so they are not sent
 * while BME is clear either (MSI-X keeps them pending).
 *
 * Topology.  Functions are attached to the root bus of a segment (fixed
 * device/function numbers) or to the secondary bus of a bridge (root
 * port).  The bus number a bridge's children answer to is whatever the
 * guest programs into its secondary bus register; config requests for
 * buses in (secondary, subordinate] are forwarded to bridges below.  A
 * PCIe downstream port only passes configuration requests for device 0
 * unless ARI Forwarding Enable is set in its Device Control 2, in which
 * case the 8-bit device/function field is a function number (ARI: up to
 * 256 functions per device).
 *
 * Storage.  Every struct here is caller-owned and caller-allocated; the
 * core never allocates.  Nothing in this header blocks or sleeps.
 *
 * Threads.  The core takes no locks.  Config accesses, MSI-X table/PBA
 * accesses and the notify calls of one function must be serialised by
 * the caller: run the device's notify calls on the thread that dispatches
 * guest accesses, or hold the host's lock (QEMU: the BQL) around them.
 *
 * One emk_dev per function: Bus Master Enable of the function drives that
 * device's dma_enabled, so functions sharing one emk_dev would overwrite
 * each other's DMA permission.
 */
#ifndef EMKIT_PCI_H
#define EMKIT_PCI_H

#include <pthread.h>

#include "emkit/bus.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- constants ---------------------------------------------------------- */

enum emk_pci_limits {
    EMK_PCI_CFG_SIZE = 256,        /**< conventional config space */
    EMK_PCIE_CFG_SIZE = 4096,      /**< PCI Express extended config space */
    EMK_PCI_NUM_BARS = 6,          /**< type 0; a type 1 header has 2 */
    EMK_PCI_BRIDGE_NUM_BARS = 2,
    EMK_PCI_MSI_MAX_VECTORS = 32,
    EMK_PCI_MSIX_MAX_VECTORS = 2048,
    EMK_PCI_ECAM_BUS_SHIFT = 20,   /**< ECAM offset = bus << 20 | devfn << 12 | reg */
    EMK_PCI_ECAM_DEVFN_SHIFT = 12
};

/** Standard header registers (byte offsets). */
enum emk_pci_reg {
    EMK_PCI_VENDOR_ID = 0x00,
    EMK_PCI_DEVICE_ID = 0x02,
    EMK_PCI_COMMAND = 0x04,
    EMK_PCI_STATUS = 0x06,
    EMK_PCI_REVISION_ID = 0x08,
    EMK_PCI_CLASS_PROG = 0x09,
    EMK_PCI_CLASS_DEVICE = 0x0a,
    EMK_PCI_CACHE_LINE_SIZE = 0x0c,
    EMK_PCI_LATENCY_TIMER = 0x0d,
    EMK_PCI_HEADER_TYPE = 0x0e,
    EMK_PCI_BIST = 0x0f,
    EMK_PCI_BAR0 = 0x10,
    EMK_PCI_CARDBUS_CIS = 0x28,
    EMK_PCI_SUBSYSTEM_VENDOR_ID = 0x2c,
    EMK_PCI_SUBSYSTEM_ID = 0x2e,
    EMK_PCI_ROM_ADDRESS = 0x30,
    EMK_PCI_CAPABILITY_LIST = 0x34,
    EMK_PCI_INTERRUPT_LINE = 0x3c,
    EMK_PCI_INTERRUPT_PIN = 0x3d,
    EMK_PCI_MIN_GNT = 0x3e,
    EMK_PCI_MAX_LAT = 0x3f,
    /* type 1 (bridge) header */
    EMK_PCI_PRIMARY_BUS = 0x18,
    EMK_PCI_SECONDARY_BUS = 0x19,
    EMK_PCI_SUBORDINATE_BUS = 0x1a,
    EMK_PCI_SEC_LATENCY_TIMER = 0x1b,
    EMK_PCI_IO_BASE = 0x1c,
    EMK_PCI_IO_LIMIT = 0x1d,
    EMK_PCI_SEC_STATUS = 0x1e,
    EMK_PCI_MEMORY_BASE = 0x20,
    EMK_PCI_MEMORY_LIMIT = 0x22,
    EMK_PCI_PREF_MEMORY_BASE = 0x24,
    EMK_PCI_PREF_MEMORY_LIMIT = 0x26,
    EMK_PCI_PREF_BASE_UPPER32 = 0x28,
    EMK_PCI_PREF_LIMIT_UPPER32 = 0x2c,
    EMK_PCI_IO_BASE_UPPER16 = 0x30,
    EMK_PCI_IO_LIMIT_UPPER16 = 0x32,
    EMK_PCI_BRIDGE_ROM_ADDRESS = 0x38,
    EMK_PCI_BRIDGE_CONTROL = 0x3e
};

/** Command register bits. */
enum emk_pci_command {
    EMK_PCI_COMMAND_IO = 0x0001,
    EMK_PCI_COMMAND_MEMORY = 0x0002,
    EMK_PCI_COMMAND_MASTER = 0x0004,
    EMK_PCI_COMMAND_PARITY = 0x0040,
    EMK_PCI_COMMAND_SERR = 0x0100,
    EMK_PCI_COMMAND_INTX_DISABLE = 0x0400
};

/** Status register bits (bits 8 and 11..15 are write-1-to-clear). */
enum emk_pci_status {
    EMK_PCI_STATUS_INTERRUPT = 0x0008,
    EMK_PCI_STATUS_CAP_LIST = 0x0010,
    EMK_PCI_STATUS_66MHZ = 0x0020,
    EMK_PCI_STATUS_FAST_BACK = 0x0080,
    EMK_PCI_STATUS_PARITY = 0x0100,
    EMK_PCI_STATUS_SIG_TARGET_ABORT = 0x0800,
    EMK_PCI_STATUS_REC_TARGET_ABORT = 0x1000,
    EMK_PCI_STATUS_REC_MASTER_ABORT = 0x2000,
    EMK_PCI_STATUS_SIG_SYSTEM_ERROR = 0x4000,
    EMK_PCI_STATUS_DETECTED_PARITY = 0x8000,
    EMK_PCI_STATUS_W1C = 0xf900
};

/** Bridge control register bits. */
enum emk_pci_bridge_control {
    EMK_PCI_BRIDGE_CTL_PARITY = 0x0001,
    EMK_PCI_BRIDGE_CTL_SERR = 0x0002,
    EMK_PCI_BRIDGE_CTL_ISA = 0x0004,
    EMK_PCI_BRIDGE_CTL_VGA = 0x0008,
    EMK_PCI_BRIDGE_CTL_MASTER_ABORT = 0x0020,
    EMK_PCI_BRIDGE_CTL_BUS_RESET = 0x0040
};

/** Header type values (bit 7 of the register is "multi-function"). */
enum emk_pci_header_type {
    EMK_PCI_HEADER_TYPE_NORMAL = 0,
    EMK_PCI_HEADER_TYPE_BRIDGE = 1,
    EMK_PCI_HEADER_MULTI_FUNCTION = 0x80
};

/** BAR register low bits and emk_pci_bar flags. */
enum emk_pci_bar_flags {
    EMK_PCI_BAR_MEM32 = 0x0,       /**< 32-bit memory BAR */
    EMK_PCI_BAR_IO = 0x1,          /**< I/O-space BAR */
    EMK_PCI_BAR_MEM64 = 0x4,       /**< 64-bit memory BAR (uses the next BAR slot too) */
    EMK_PCI_BAR_PREFETCH = 0x8     /**< prefetchable memory */
};

/** Standard capability IDs. */
enum emk_pci_cap_id {
    EMK_PCI_CAP_ID_PM = 0x01,
    EMK_PCI_CAP_ID_MSI = 0x05,
    EMK_PCI_CAP_ID_VNDR = 0x09,
    EMK_PCI_CAP_ID_SSVID = 0x0d,
    EMK_PCI_CAP_ID_EXP = 0x10,
    EMK_PCI_CAP_ID_MSIX = 0x11
};

/** Extended capability IDs. */
enum emk_pci_ext_cap_id {
    EMK_PCI_EXT_CAP_ID_AER = 0x0001,
    EMK_PCI_EXT_CAP_ID_ACS = 0x000d,
    EMK_PCI_EXT_CAP_ID_ARI = 0x000e
};

/* MSI capability layout (offsets from the capability). */
enum emk_pci_msi {
    EMK_PCI_MSI_FLAGS = 2,
    EMK_PCI_MSI_ADDRESS_LO = 4,
    EMK_PCI_MSI_FLAGS_ENABLE = 0x0001,
    EMK_PCI_MSI_FLAGS_QMASK = 0x000e,   /**< multiple message capable */
    EMK_PCI_MSI_FLAGS_QSIZE = 0x0070,   /**< multiple message enable */
    EMK_PCI_MSI_FLAGS_64BIT = 0x0080,
    EMK_PCI_MSI_FLAGS_MASKBIT = 0x0100  /**< per-vector masking capable */
};

/* MSI-X capability and table layout. */
enum emk_pci_msix {
    EMK_PCI_MSIX_FLAGS = 2,             /**< message control */
    EMK_PCI_MSIX_TABLE = 4,             /**< BIR (bits 2:0) | offset */
    EMK_PCI_MSIX_PBA = 8,
    EMK_PCI_MSIX_FLAGS_QSIZE = 0x07ff,  /**< table size - 1 */
    EMK_PCI_MSIX_FLAGS_MASKALL = 0x4000,
    EMK_PCI_MSIX_FLAGS_ENABLE = 0x8000,
    EMK_PCI_MSIX_ENTRY_SIZE = 16,
    EMK_PCI_MSIX_ENTRY_LOWER_ADDR = 0,
    EMK_PCI_MSIX_ENTRY_UPPER_ADDR = 4,
    EMK_PCI_MSIX_ENTRY_DATA = 8,
    EMK_PCI_MSIX_ENTRY_VECTOR_CTRL = 12,
    EMK_PCI_MSIX_ENTRY_CTRL_MASKBIT = 1
};

/* ---- a function --------------------------------------------------------- */

struct emk_pci_fn;
struct emk_pci_seg;

/** Device hooks; every member may be NULL. */
typedef struct emk_pci_fn_ops {
    /** Called after a config write has been applied (masks, core side
     *  effects), with the offset, size and value the guest wrote. */
    void (*config_write)(struct emk_pci_fn *fn, uint32_t off, unsigned size,
                         uint32_t val);
    /** Called after a BAR was mapped or unmapped on the bus. */
    void (*bar_mapped)(struct emk_pci_fn *fn, unsigned bar, int mapped,
                       uint64_t addr);
    /** Called when MSI-X (or MSI) enable or a mask changes, so a device
     *  can re-check conditions it deferred. */
    void (*msi_changed)(struct emk_pci_fn *fn);
    /** Called after the function was reset (emk_pci_fn_reset: Function
     *  Level Reset, a secondary bus reset above it, or the host); the
     *  device resets its own state here. */
    void (*reset)(struct emk_pci_fn *fn);
    /** Called before a config read of size bytes at off is answered
     *  (outside the function's lock), so a device can refresh bytes whose
     *  value it computes on access (emk_pci_set_*), such as a virtio
     *  PCI_CFG window. */
    void (*config_read)(struct emk_pci_fn *fn, uint32_t off, unsigned size);
} emk_pci_fn_ops;

/** Identity of a function, given to emk_pci_fn_init. */
typedef struct emk_pci_id {
    uint16_t vendor_id;
    uint16_t device_id;
    uint16_t subsystem_vendor_id;   /**< type 0 only */
    uint16_t subsystem_id;          /**< type 0 only */
    uint32_t class_code;            /**< 24 bits: class << 16 | subclass << 8 | prog-if */
    uint8_t revision;
    uint8_t header_type;            /**< EMK_PCI_HEADER_TYPE_NORMAL or _BRIDGE */
    uint8_t multi_function;         /**< 1: set bit 7 of the header type */
    uint8_t interrupt_pin;          /**< 0: none, 1..4: INTA..INTD */
    uint8_t express;                /**< 1: 4 KiB extended config space */
} emk_pci_id;

/** One BAR's state. */
typedef struct emk_pci_bar {
    emk_region *region;   /**< NULL: BAR not implemented */
    uint64_t size;        /**< power of two */
    unsigned flags;       /**< OR of emk_pci_bar_flags */
    int mapped;           /**< currently mapped on the bus */
    uint64_t addr;        /**< address while mapped */
} emk_pci_bar;

/** MSI state (filled by emk_pci_msi_init). */
typedef struct emk_pci_msi_state {
    uint8_t cap;          /**< capability offset, 0 if absent */
    uint8_t nvec;         /**< vectors the function asks for */
    uint32_t pending;     /**< pending bits (per-vector masking) */
} emk_pci_msi_state;

/** MSI-X state (filled by emk_pci_msix_init). */
typedef struct emk_pci_msix_state {
    uint8_t cap;          /**< capability offset, 0 if absent */
    uint16_t nvec;
    uint8_t table_bar, pba_bar;
    uint32_t table_off, pba_off;
    uint8_t *table;       /**< nvec * 16 bytes, caller storage */
    uint8_t *pba;         /**< (nvec + 63) / 64 * 8 bytes, caller storage */
    emk_region region;    /**< used when the core owns the BAR (exclusive) */
    emk_region_ops region_ops;
} emk_pci_msix_state;

/** One PCI function (type 0 endpoint or type 1 bridge). */
typedef struct emk_pci_fn {
    emk_dev *dev;                     /**< the device base it belongs to */
    const emk_pci_fn_ops *ops;
    void *opaque;                     /**< for the device */
    uint32_t cfg_size;                /**< 256 or 4096 */
    uint8_t cfg[EMK_PCIE_CFG_SIZE];
    uint8_t wmask[EMK_PCIE_CFG_SIZE];
    uint8_t w1cmask[EMK_PCIE_CFG_SIZE];
    emk_pci_bar bars[EMK_PCI_NUM_BARS];
    unsigned intx_irq;                /**< emk_irq_set line (default pin - 1) */
    int intx_level;                   /**< level the device drives */
    int intx_out;                     /**< level currently on the line */
    emk_pci_msi_state msi;
    emk_pci_msix_state msix;
    uint16_t exp_cap;                 /**< PCIe capability offset, 0 if none */
    uint16_t ari_cap, acs_cap, aer_cap;
    uint8_t cap_next_free;            /**< builder: next free standard offset */
    uint16_t ext_cap_next_free;       /**< builder: next free extended offset */
    uint16_t ext_cap_last;            /**< builder: last extended capability */
    /* topology (set by attach) */
    uint8_t devfn;
    struct emk_pci_seg *seg;
    struct emk_pci_fn *parent;        /**< upstream bridge, NULL on a root bus */
    struct emk_pci_fn *next;          /**< sibling on the same bus */
    struct emk_pci_fn *children;      /**< bridges: functions on the secondary bus */
    /* statistics */
    uint64_t stat_msi_sent;
    uint64_t stat_msi_blocked;        /**< dropped: BME clear or delivery failed */
    /** private: guards config space, MSI/MSI-X state and INTx against
     *  the device's threads (recursive; never held across a callback) */
    pthread_mutex_t lock;
    uint64_t stat_cfg_bad;            /**< out-of-range or bad-size config accesses */
    int hp_irq;                       /**< ports: hot-plug interrupt condition */
} emk_pci_fn;

/** Initialises fn for device dev (which must outlive it): clears config
 *  space, writes the identity and the standard masks of a type 0 or type
 *  1 header.  ops may be NULL.  -EINVAL on a bad header type or pin. */
EMK_API int emk_pci_fn_init(emk_pci_fn *fn, emk_dev *dev, const emk_pci_id *id,
                    const emk_pci_fn_ops *ops, void *opaque);

/** Resets fn (and every function below it, for a bridge) to its
 *  power-on configuration: every writable and write-1-to-clear bit is
 *  cleared and the core's own power-on values are restored (PCIe Device
 *  Control, Link Control 2, Slot Control); BARs become unassigned and
 *  unmapped, bus mastering and INTx drop, MSI and MSI-X are disabled with
 *  every MSI-X vector masked and nothing pending.  AER registers are
 *  sticky and keep their values.  Then ops->reset is called.  The core
 *  calls this itself for PCIe Function Level Reset (DevCtl bit 15, on
 *  endpoints, which advertise FLR) and for a Secondary Bus Reset (bridge
 *  control bit 6 going to 1) of the bridge above. */
EMK_API void emk_pci_fn_reset(emk_pci_fn *fn);

/** Reads size (1..4) bytes of config space at off, little-endian.
 *  Returns all-ones for an access outside the space or of a bad size. */
EMK_API uint32_t emk_pci_config_read(emk_pci_fn *fn, uint32_t off, unsigned size);

/** Writes size (1..4) bytes of config space at off, applying the RO/RW/W1C
 *  masks and the side effects described above.  Returns 0, or -EINVAL
 *  (bad size) / -ERANGE (outside the space) without changing anything. */
EMK_API int emk_pci_config_write(emk_pci_fn *fn, uint32_t off, unsigned size,
                         uint32_t val);

/** Registers region r as BAR bar (0..5; a 64-bit BAR also takes bar + 1;
 *  a bridge has BARs 0..1) with flags from emk_pci_bar_flags.  The region
 *  is added to the device (emk_dev_add_region).  -EINVAL for a bad slot,
 *  flag combination or empty region, -EBUSY if the slot is taken. */
EMK_API int emk_pci_bar_register(emk_pci_fn *fn, unsigned bar, emk_region *r,
                         unsigned flags);

/** The address programmed in BAR bar (whether mapped or not). */
EMK_API uint64_t emk_pci_bar_addr(const emk_pci_fn *fn, unsigned bar);

/** Re-evaluates which BARs should be mapped (and, for a bridge, those of
 *  every function below it).  The core calls this itself after every
 *  relevant config write; hosts call it after attaching.  0 or the first
 *  mapping error. */
EMK_API int emk_pci_update_mappings(emk_pci_fn *fn);

/** Drives the function's INTx pin (level 0/1).  Sets the Interrupt Status
 *  bit; the line is asserted only while INTx Disable is clear and neither
 *  MSI nor MSI-X is enabled. */
EMK_API void emk_pci_set_irq(emk_pci_fn *fn, int level);

/** 1 if Bus Master Enable is set. */
EMK_API int emk_pci_bus_master(const emk_pci_fn *fn);

/* ---- capability list builder ------------------------------------------ */

/** Adds a standard capability of size bytes (>= 2) with ID id, linked at
 *  the end of the list (the list starts at 0x34; space is allocated from
 *  0x40 upwards, dword-aligned).  Sets Status.CapList.  Returns the offset
 *  (> 0) or -ENOSPC. */
EMK_API int emk_pci_cap_add(emk_pci_fn *fn, uint8_t id, unsigned size);

/** Adds an extended capability (PCIe functions only) with ID id, version
 *  ver and size bytes (>= 4), linked after the previous one; the first
 *  sits at 0x100.  Returns the offset or -ENOSPC / -EINVAL. */
EMK_API int emk_pci_ext_cap_add(emk_pci_fn *fn, uint16_t id, uint8_t ver,
                        unsigned size);

/** Finds a standard capability by ID; returns its offset or 0. */
EMK_API unsigned emk_pci_cap_find(const emk_pci_fn *fn, uint8_t id);

/** Finds an extended capability by ID; returns its offset or 0. */
EMK_API unsigned emk_pci_ext_cap_find(const emk_pci_fn *fn, uint16_t id);

/** Raw config helpers for device setup code (no masks, no side effects). */
EMK_API void emk_pci_set_byte(emk_pci_fn *fn, uint32_t off, uint8_t v);
EMK_API void emk_pci_set_word(emk_pci_fn *fn, uint32_t off, uint16_t v);
EMK_API void emk_pci_set_long(emk_pci_fn *fn, uint32_t off, uint32_t v);
EMK_API uint8_t emk_pci_get_byte(const emk_pci_fn *fn, uint32_t off);
EMK_API uint16_t emk_pci_get_word(const emk_pci_fn *fn, uint32_t off);
EMK_API uint32_t emk_pci_get_long(const emk_pci_fn *fn, uint32_t off);
/** Sets the writable (wmask) and write-1-to-clear (w1cmask) bits of len
 *  bytes at off from little-endian masks (len 1..4). */
EMK_API void emk_pci_set_masks(emk_pci_fn *fn, uint32_t off, unsigned len,
                       uint32_t wmask, uint32_t w1cmask);

/* ---- MSI ---------------------------------------------------------------- */

/** Options of emk_pci_msi_init. */
enum emk_pci_msi_opts {
    EMK_PCI_MSI_64BIT = 1,        /**< 64-bit message address */
    EMK_PCI_MSI_PER_VECTOR_MASK = 2
};

/** Adds an MSI capability asking for nvec (1, 2, 4, 8, 16 or 32)
 *  vectors.  Returns the capability offset or -EINVAL / -ENOSPC. */
EMK_API int emk_pci_msi_init(emk_pci_fn *fn, unsigned nvec, unsigned opts);

/** 1 if MSI is enabled. */
EMK_API int emk_pci_msi_enabled(const emk_pci_fn *fn);

/** Sends MSI vector (0 .. enabled vectors - 1): data is the programmed
 *  data with the vector in its low bits.  A masked vector becomes pending
 *  and is sent when unmasked.  Returns 0 (sent), 1 (left pending),
 *  -EPERM (bus mastering off), -ENOTCONN (MSI disabled), -EINVAL (vector
 *  out of range) or the bus's error. */
EMK_API int emk_pci_msi_notify(emk_pci_fn *fn, unsigned vector);

/* ---- MSI-X -------------------------------------------------------------- */

/** Bytes of storage MSI-X with nvec vectors needs (table + PBA). */
EMK_API size_t emk_pci_msix_storage_size(unsigned nvec);

/** Adds an MSI-X capability with nvec (1..2048) vectors; the table sits
 *  at table_off in BAR table_bar and the PBA at pba_off in BAR pba_bar
 *  (offsets 8-byte aligned).  storage (emk_pci_msix_storage_size bytes,
 *  caller-owned) holds the table and the PBA; every vector starts
 *  masked.
 *
 *  If table_bar has no region yet, the core registers its own region for
 *  it (an exclusive MSI-X BAR, 32-bit memory, sized to hold table and
 *  PBA); then pba_bar must equal table_bar.  If the device registered the
 *  BAR itself, its region callbacks must call emk_pci_msix_mmio first.
 *  Returns the capability offset, or -EINVAL / -ENOSPC / -EBUSY. */
EMK_API int emk_pci_msix_init(emk_pci_fn *fn, unsigned nvec, unsigned table_bar,
                      uint32_t table_off, unsigned pba_bar, uint32_t pba_off,
                      void *storage);

/** For a device whose BAR also holds the MSI-X table or PBA: handles an
 *  access of size bytes at BAR offset off when it hits the table or the
 *  PBA.  Returns 1 if handled (for reads *value is set), 0 if the access
 *  is not the core's (the device handles it). */
EMK_API int emk_pci_msix_mmio(emk_pci_fn *fn, unsigned bar, uint64_t off,
                      unsigned size, uint64_t *value, int is_write);

/** 1 if MSI-X is enabled (function mask aside). */
EMK_API int emk_pci_msix_enabled(const emk_pci_fn *fn);

/** 1 if vector is masked (per-vector mask or function mask). */
EMK_API int emk_pci_msix_masked(const emk_pci_fn *fn, unsigned vector);

/** 1 if vector's pending bit is set. */
EMK_API int emk_pci_msix_pending(const emk_pci_fn *fn, unsigned vector);

/** Raises MSI-X vector: when enabled and unmasked (and bus mastering is
 *  on), sends the table entry's message; when masked, sets the pending
 *  bit, and the message goes out as soon as the vector is unmasked.
 *  Returns 0 (sent), 1 (left pending), -ENOTCONN (MSI-X disabled),
 *  -EPERM (bus mastering off; left pending), -EINVAL (vector out of
 *  range) or the bus's error. */
EMK_API int emk_pci_msix_notify(emk_pci_fn *fn, unsigned vector);

/** Clears vector's pending bit (a device does this when the condition
 *  behind an interrupt went away before it was delivered). */
EMK_API void emk_pci_msix_clear_pending(emk_pci_fn *fn, unsigned vector);

/* ---- interrupt objects ------------------------------------------------- */

/** Sets vec[0..n) up as the function's message vectors and *intx (may be
 *  NULL) as its INTx pin, for the device behind the function (emk_irq in
 *  emkit/bus.h).  Vector i goes out as MSI-X vector i while MSI-X is
 *  enabled, else as MSI vector i while MSI is; it is ready while either is
 *  enabled.  A masked MSI-X vector is left pending and sent on unmask. */
EMK_API void emk_pci_fn_irqs(emk_pci_fn *fn, emk_irq *vec, unsigned n, emk_irq *intx);

/* ---- lspci -F dumps -------------------------------------------------------- */

/** Formats fn's config space as one `lspci -xxxx` record ("SSSS:BB:DD.F"
 *  header line, then 16 bytes per line) into buf; the whole 4 KiB for
 *  express functions, 256 bytes otherwise.  `lspci -F file` reads it.
 *  Returns the length written (excluding the NUL) or -ENOSPC. */
EMK_API int emk_pci_dump_lspci(const emk_pci_fn *fn, uint16_t segment, uint8_t bus,
                       char *buf, size_t cap);

#ifdef __cplusplus
}
#endif

/* PCI Express capabilities and ports; the ECAM host bridge. */
#include "emkit/pcie.h"
#include "emkit/ecam.h"

#endif
