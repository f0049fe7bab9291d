/*
 * virtio_drv.h - a compact guest-side virtio-pci driver for the test
 * machine (test code, not part of any device).  It plays the part of
 * Linux's virtio_pci_modern + virtio_ring: finds the vendor capabilities
 * of a function the firmware-like enumerator configured, negotiates
 * features (spec 3.1.1), sets up split virtqueues in guest RAM (direct or
 * indirect descriptor chains, EVENT_IDX), kicks, collects used buffers,
 * and reads the ISR and device configuration.  All through guest
 * accesses only (MMIO of BAR 4, config space through ECAM).
 */
#ifndef EMK_GUEST_VIRTIO_DRV_H
#define EMK_GUEST_VIRTIO_DRV_H

#include "emkit/guest/pci_enum.h"
#include "emkit/virtio_pci.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_virtio_drv_limits {
    EMK_VIRTIO_DRV_MAX_QUEUES = 8,
    EMK_VIRTIO_DRV_MAX_SEGS = 16,
    EMK_VIRTIO_DRV_MAX_SIZE = 1024
};

/** One buffer of a chain, in guest memory. */
typedef struct emk_virtio_drv_buf {
    uint64_t gpa;
    uint32_t len;
    int writable;       /**< 1: device-writable (after every readable one) */
} emk_virtio_drv_buf;

/** One queue as the driver keeps it. */
typedef struct emk_virtio_drv_q {
    uint16_t size;
    uint64_t desc, avail, used;   /**< guest addresses */
    uint64_t indirect;            /**< indirect tables, one per head */
    uint16_t free_head, num_free;
    uint16_t avail_idx, last_used;
    uint16_t kicked;              /**< avail_idx at the last kick check */
    uint16_t chain_len[EMK_VIRTIO_DRV_MAX_SIZE];  /**< descriptors per head */
    uint16_t next_free[EMK_VIRTIO_DRV_MAX_SIZE];  /**< free list */
    int ready;
} emk_virtio_drv_q;

/** The driver.  Caller-owned. */
typedef struct emk_virtio_drv {
    emk_tm *tm;
    emk_pci_enum *e;
    unsigned fn;                  /**< index in e->fns */
    uint64_t common, isr, device, notify;  /**< guest addresses */
    uint32_t notify_mult, device_len;
    unsigned pcicfg;              /**< PCI_CFG capability offset */
    uint64_t features;            /**< negotiated */
    uint16_t nqueues;
    emk_virtio_drv_q q[EMK_VIRTIO_DRV_MAX_QUEUES];
    int error;                    /**< sticky: first error */
} emk_virtio_drv;

/** Finds the capabilities of function fn of the enumeration e.  Returns 0,
 *  -ENODEV (not a modern virtio function) or -EINVAL (a capability names
 *  a BAR that is not assigned or is too small). */
EMK_API int emk_virtio_drv_init(emk_virtio_drv *d, emk_pci_enum *e, unsigned fn);

/** Resets the device and negotiates: ACKNOWLEDGE, DRIVER, the features
 *  in `want` that the device offers (VERSION_1 always), FEATURES_OK,
 *  read back.  Returns 0 or -EIO (FEATURES_OK refused). */
EMK_API int emk_virtio_drv_negotiate(emk_virtio_drv *d, uint64_t want);

/** Sets queue q up with size entries (0: the device's size; must be at
 *  most its maximum) and MSI-X vector (EMK_VIRTIO_NO_VECTOR: none), and
 *  enables it.  Returns 0, -ENOENT (no such queue), -ENOMEM (guest RAM)
 *  or -EIO (the device did not take the vector). */
EMK_API int emk_virtio_drv_queue(emk_virtio_drv *d, unsigned q, uint16_t size,
                                 uint16_t vector);

/** Sets DRIVER_OK. */
EMK_API void emk_virtio_drv_ok(emk_virtio_drv *d);

/** Writes the device status register (0 resets). */
EMK_API void emk_virtio_drv_set_status(emk_virtio_drv *d, uint8_t status);

/** Reads the device status register. */
EMK_API uint8_t emk_virtio_drv_status(emk_virtio_drv *d);

/** Makes the chain bufs[0..n) available on queue q (as one indirect
 *  table when indirect and the feature was negotiated).  Returns the head
 *  index, or -ENOSPC (no free descriptors) / -EINVAL. */
EMK_API int emk_virtio_drv_add(emk_virtio_drv *d, unsigned q,
                               const emk_virtio_drv_buf *bufs, unsigned n,
                               int indirect);

/** Notifies queue q (unless the device asked not to be notified:
 *  avail_event with EVENT_IDX, else the NO_NOTIFY flag).  Returns 1 if it
 *  wrote the doorbell. */
EMK_API int emk_virtio_drv_kick(emk_virtio_drv *d, unsigned q);

/** Takes the next used element of queue q: 1 with *head and *len, 0 if
 *  none.  With EVENT_IDX, it then asks for an interrupt at the next one
 *  (used_event). */
EMK_API int emk_virtio_drv_used(emk_virtio_drv *d, unsigned q, uint16_t *head,
                                uint32_t *len);

/** Reads (and so acknowledges) the ISR. */
EMK_API uint8_t emk_virtio_drv_isr(emk_virtio_drv *d);

/** Reads size (1, 2, 4) bytes of device configuration at off. */
EMK_API uint32_t emk_virtio_drv_config(emk_virtio_drv *d, uint32_t off,
                                       unsigned size);

/** Common configuration register access (tests of the transport). */
EMK_API uint64_t emk_virtio_drv_common_read(emk_virtio_drv *d, uint32_t off,
                                            unsigned size);
EMK_API void emk_virtio_drv_common_write(emk_virtio_drv *d, uint32_t off,
                                         unsigned size, uint64_t v);

/** Reads size bytes of BAR 4 at off through the PCI_CFG window in
 *  configuration space (spec 4.1.4.9). */
EMK_API uint32_t emk_virtio_drv_window_read(emk_virtio_drv *d, uint32_t off,
                                            unsigned size);

#ifdef __cplusplus
}
#endif

#endif
