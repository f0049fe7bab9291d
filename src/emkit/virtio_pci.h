/*
 * emkit/virtio_pci.h - the modern virtio-pci transport (virtio 1.2
 * section 4.1) over emkit's PCI core, for any emk_virtio device.
 *
 * Layout.  Vendor 0x1af4, device 0x1040 + the virtio device ID, revision
 * 1 (modern only: no legacy I/O BAR).  BAR 4 (64-bit memory, 16 KiB)
 * holds four structures, each named by a vendor capability:
 *
 *   0x0000  common configuration (struct virtio_pci_common_cfg, 0x3c bytes)
 *   0x1000  ISR status (1 byte; reading it clears it and lowers INTx)
 *   0x2000  device-specific configuration (the device's config_size)
 *   0x3000  notifications: queue q at 0x3000 + 4 * q (16-bit writes of q)
 *
 * plus a VIRTIO_PCI_CAP_PCI_CFG window through config space.  BAR 1 is
 * the MSI-X table (at 0) and PBA (at 0x800), one vector per queue plus
 * one for configuration changes by default.
 *
 * Notifications.  Each queue's notify address is an ioeventfd (emk_dev
 * ioeventfd -> emk_notifier -> the device loop), as NVMe doorbells are,
 * where the host offers them; otherwise the write is handed to the
 * device loop directly.
 *
 * Threads.  Every register access runs in the device's loop: directly
 * when the accessing thread may act for it (emk_loop_in_thread), else
 * through emk_loop_call, which waits.
 */
#ifndef EMKIT_VIRTIO_PCI_H
#define EMKIT_VIRTIO_PCI_H

#include "emkit/pci.h"
#include "emkit/virtio.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Identity and layout. */
enum emk_virtio_pci_layout {
    EMK_VIRTIO_PCI_VENDOR = 0x1af4,
    EMK_VIRTIO_PCI_DEVICE_BASE = 0x1040,
    EMK_VIRTIO_PCI_REVISION = 1,
    EMK_VIRTIO_PCI_BAR = 4,
    EMK_VIRTIO_PCI_BAR_SIZE = 0x4000,
    EMK_VIRTIO_PCI_MSIX_BAR = 1,
    EMK_VIRTIO_PCI_MSIX_PBA = 0x800,
    EMK_VIRTIO_PCI_COMMON = 0x0000,
    EMK_VIRTIO_PCI_COMMON_LEN = 0x3c,
    EMK_VIRTIO_PCI_ISR = 0x1000,
    EMK_VIRTIO_PCI_DEVICE = 0x2000,
    EMK_VIRTIO_PCI_DEVICE_MAX = 0x1000,
    EMK_VIRTIO_PCI_NOTIFY = 0x3000,
    EMK_VIRTIO_PCI_NOTIFY_MULT = 4,
    EMK_VIRTIO_PCI_MAX_VECTORS = EMK_VIRTIO_MAX_QUEUES + 1
};

/** Vendor capability types (cfg_type). */
enum emk_virtio_pci_cap_type {
    EMK_VIRTIO_PCI_CAP_COMMON_CFG = 1,
    EMK_VIRTIO_PCI_CAP_NOTIFY_CFG = 2,
    EMK_VIRTIO_PCI_CAP_ISR_CFG = 3,
    EMK_VIRTIO_PCI_CAP_DEVICE_CFG = 4,
    EMK_VIRTIO_PCI_CAP_PCI_CFG = 5,
    /* byte offsets inside a capability */
    EMK_VIRTIO_PCI_CAP_LEN = 2,
    EMK_VIRTIO_PCI_CAP_CFG_TYPE = 3,
    EMK_VIRTIO_PCI_CAP_BAR = 4,
    EMK_VIRTIO_PCI_CAP_ID = 5,
    EMK_VIRTIO_PCI_CAP_OFFSET = 8,
    EMK_VIRTIO_PCI_CAP_LENGTH = 12,
    EMK_VIRTIO_PCI_CAP_NOTIFY_MULT = 16,  /**< notify capability only */
    EMK_VIRTIO_PCI_CAP_PCI_CFG_DATA = 16  /**< PCI_CFG capability only */
};

/** Registers of the common configuration structure (byte offsets). */
enum emk_virtio_pci_common {
    EMK_VIRTIO_PCI_DFSELECT = 0x00,
    EMK_VIRTIO_PCI_DF = 0x04,
    EMK_VIRTIO_PCI_GFSELECT = 0x08,
    EMK_VIRTIO_PCI_GF = 0x0c,
    EMK_VIRTIO_PCI_MSIX_CONFIG = 0x10,
    EMK_VIRTIO_PCI_NUM_QUEUES = 0x12,
    EMK_VIRTIO_PCI_STATUS = 0x14,
    EMK_VIRTIO_PCI_CFG_GENERATION = 0x15,
    EMK_VIRTIO_PCI_Q_SELECT = 0x16,
    EMK_VIRTIO_PCI_Q_SIZE = 0x18,
    EMK_VIRTIO_PCI_Q_MSIX = 0x1a,
    EMK_VIRTIO_PCI_Q_ENABLE = 0x1c,
    EMK_VIRTIO_PCI_Q_NOFF = 0x1e,
    EMK_VIRTIO_PCI_Q_DESC = 0x20,
    EMK_VIRTIO_PCI_Q_DRIVER = 0x28,
    EMK_VIRTIO_PCI_Q_DEVICE = 0x30,
    EMK_VIRTIO_PCI_Q_NDATA = 0x38,
    EMK_VIRTIO_PCI_Q_RESET = 0x3a
};

/** Options of emk_virtio_pci_init (zeroed: defaults). */
typedef struct emk_virtio_pci_options {
    uint32_t class_code;     /**< PCI class (default 0xff0000: other) */
    uint16_t subsystem_id;   /**< default 0x1100 */
    unsigned msix_vectors;   /**< default nqueues + 1; 0 < n <= max */
    int no_ioeventfd;        /**< 1: notifications by plain writes */
} emk_virtio_pci_options;

/** One queue's notification doorbell (private). */
typedef struct emk_virtio_pci_kick {
    struct emk_virtio_pci *p;
    unsigned q;
    emk_notifier n;
    int attached;
} emk_virtio_pci_kick;

/** The transport.  Caller-owned; everything is private but fn. */
typedef struct emk_virtio_pci {
    emk_pci_fn fn;
    emk_virtio *vd;
    emk_region bar;
    emk_irq vec[EMK_VIRTIO_PCI_MAX_VECTORS];
    emk_irq intx;
    unsigned nvec;
    uint8_t isr;
    uint8_t intx_level;
    uint16_t queue_sel;
    uint32_t dfselect, gfselect;
    unsigned pcicfg_cap;     /**< offset of the PCI_CFG capability */
    uint64_t msix_storage[(EMK_VIRTIO_PCI_MAX_VECTORS * 16 + 8 * 2) / 8 + 1];
    emk_virtio_pci_kick kick[EMK_VIRTIO_MAX_QUEUES];
    uint64_t stat_bad_access;
} emk_virtio_pci;

/** Puts device vd (initialised with emk_virtio_init) behind a PCI
 *  function: identity, capabilities, BAR 4, MSI-X in BAR 1, INTA#,
 *  notification doorbells.  Offers VERSION_1, INDIRECT_DESC,
 *  RING_EVENT_IDX and RING_RESET.  Attach p->fn to a segment or port
 *  afterwards.  Returns 0 or a negative errno (nothing to clean up). */
EMK_API int emk_virtio_pci_init(emk_virtio_pci *p, emk_virtio *vd,
                                const emk_virtio_pci_options *opts);

/** Device reset from the host (Function Level Reset does it too). */
EMK_API void emk_virtio_pci_reset(emk_virtio_pci *p);

/** Undoes emk_virtio_pci_init (detaches and closes the doorbells).  Call
 *  from the device loop's thread or while it runs. */
EMK_API void emk_virtio_pci_cleanup(emk_virtio_pci *p);

#ifdef __cplusplus
}
#endif

#endif
