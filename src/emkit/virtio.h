/*
 * emkit/virtio.h - the transport-independent core of a virtio 1.2 device:
 * feature negotiation, device status and reset, the device's virtqueues
 * (split rings, emkit/virtq.h) with their interrupt vectors, and the
 * device-specific configuration space with its generation counter.
 *
 * A device is a table of callbacks (emk_virtio_ops), in the style of a
 * TinyUSB class driver, over an emk_virtio it embeds as its first member:
 *
 *     typedef struct my_dev {
 *         emk_virtio vdev;          // first: (my_dev *)vdev works
 *         emk_virtio_queue q[2];
 *         ...
 *     } my_dev;
 *
 *     emk_virtio_init(&d->vdev, "my-dev", EMK_VIRTIO_ID_xxx, bus, loop,
 *                     &my_ops, d->q, 2, config_size);
 *
 * A transport (emkit/virtio_pci.h) owns the registers and calls the
 * emk_virtio_* entry points below on the guest's behalf, and signals
 * the driver for the core (emk_virtio_transport: MSI-X vectors, or the
 * ISR and the legacy interrupt).  The device never sees the transport.
 *
 * Threads.  All state belongs to the device's loop (vd->dev.loop).  The
 * transport runs every entry point marked "device loop" there (it uses
 * emk_loop_call when a guest access arrives on another thread), so the
 * callbacks run there too and need no locks of their own.
 */
#ifndef EMKIT_VIRTIO_H
#define EMKIT_VIRTIO_H

#include "emkit/virtq.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Feature bits the core and transports know (bit numbers). */
enum emk_virtio_feature_bit {
    EMK_VIRTIO_F_INDIRECT_DESC = 28,
    EMK_VIRTIO_F_RING_EVENT_IDX = 29,
    EMK_VIRTIO_F_VERSION_1 = 32,
    EMK_VIRTIO_F_ACCESS_PLATFORM = 33,
    EMK_VIRTIO_F_RING_PACKED = 34,
    EMK_VIRTIO_F_IN_ORDER = 35,
    EMK_VIRTIO_F_ORDER_PLATFORM = 36,
    EMK_VIRTIO_F_SR_IOV = 37,
    EMK_VIRTIO_F_NOTIFICATION_DATA = 38,
    EMK_VIRTIO_F_NOTIF_CONFIG_DATA = 39,
    EMK_VIRTIO_F_RING_RESET = 40,
    /** device-specific bits are 0..23 */
    EMK_VIRTIO_F_DEVICE_BITS = 24
};

/** Device status bits (spec 2.1). */
enum emk_virtio_status {
    EMK_VIRTIO_S_ACKNOWLEDGE = 1,
    EMK_VIRTIO_S_DRIVER = 2,
    EMK_VIRTIO_S_DRIVER_OK = 4,
    EMK_VIRTIO_S_FEATURES_OK = 8,
    EMK_VIRTIO_S_NEEDS_RESET = 64,
    EMK_VIRTIO_S_FAILED = 128
};

/** Device IDs (spec 5) of the devices emkit has. */
enum emk_virtio_id {
    EMK_VIRTIO_ID_RNG = 4,
    EMK_VIRTIO_ID_SOUND = 25
};

/** Limits. */
enum emk_virtio_limits {
    EMK_VIRTIO_MAX_QUEUES = 64,
    EMK_VIRTIO_NO_VECTOR = 0xffff
};

struct emk_virtio;

/** One virtqueue of a device: the ring plus what the driver configured
 *  through the transport.  Caller storage (an array handed to
 *  emk_virtio_init); the device reads it, the core writes it. */
typedef struct emk_virtio_queue {
    emk_virtq vq;
    uint16_t max_size;      /**< largest size the device accepts (power of 2) */
    uint16_t size;          /**< size the driver chose (default max_size) */
    uint16_t vector;        /**< MSI-X vector, or EMK_VIRTIO_NO_VECTOR */
    uint16_t enabled;       /**< 1 after the driver enabled it */
    uint16_t reset;         /**< 1 after a queue reset, until re-enabled */
    uint64_t desc, driver, device;  /**< ring addresses as configured */
    uint64_t stat_notified; /**< interrupts raised for this queue */
    uint64_t stat_kicks;    /**< driver notifications */
} emk_virtio_queue;

/** The device's callbacks.  Every member may be NULL unless said. */
typedef struct emk_virtio_ops {
    /** Device-specific feature bits offered (bits 0..23 and any of the
     *  reserved range the device implements itself). */
    uint64_t (*features)(struct emk_virtio *vd);
    /** The driver asks for features (FEATURES_OK being set): 0 accepts,
     *  a negative errno refuses (FEATURES_OK then stays clear). */
    int (*set_features)(struct emk_virtio *vd, uint64_t features);
    /** Reads len bytes of device configuration at off into buf (off + len
     *  within config_size).  NULL: zeros. */
    void (*config_read)(struct emk_virtio *vd, uint32_t off, void *buf,
                        uint32_t len);
    /** A driver wrote len bytes at off (within config_size).  NULL:
     *  ignored (read-only configuration). */
    void (*config_write)(struct emk_virtio *vd, uint32_t off,
                         const void *buf, uint32_t len);
    /** Queue q became ready (enabled with valid rings).  Device loop. */
    void (*queue_ready)(struct emk_virtio *vd, unsigned q);
    /** The driver notified queue q (a kick).  Device loop.  Required for
     *  a device with queues. */
    void (*queue_notify)(struct emk_virtio *vd, unsigned q);
    /** Queue q is being reset (VIRTIO_F_RING_RESET): drop what the device
     *  holds of it before the ring is forgotten.  Device loop. */
    void (*queue_reset)(struct emk_virtio *vd, unsigned q);
    /** The driver set DRIVER_OK.  Device loop. */
    void (*driver_ok)(struct emk_virtio *vd);
    /** Device reset (status 0 written, or the transport's reset): return
     *  to the power-on state.  The core resets the queues afterwards.
     *  Device loop. */
    void (*reset)(struct emk_virtio *vd);
} emk_virtio_ops;

/** What a transport gives the core. */
typedef struct emk_virtio_transport {
    /** Interrupts the driver: through MSI-X vector `vector` while the
     *  guest has MSI-X on (nothing for EMK_VIRTIO_NO_VECTOR), else by
     *  setting isr_bit (1 queue, 2 configuration) in the ISR and raising
     *  the legacy interrupt.  Device loop. */
    void (*signal)(struct emk_virtio *vd, uint16_t vector, unsigned isr_bit);
} emk_virtio_transport;

/** The device core.  emk_dev first, as every emkit device. */
typedef struct emk_virtio {
    emk_dev dev;
    const emk_virtio_ops *ops;
    uint16_t device_id;         /**< emk_virtio_id */
    uint8_t status;             /**< emk_virtio_status bits */
    uint8_t generation;         /**< configuration generation */
    uint64_t host_features;     /**< offered: device's and transport's */
    uint64_t guest_features;    /**< written by the driver */
    uint64_t features;          /**< negotiated (valid with FEATURES_OK) */
    uint16_t config_vector;     /**< MSI-X vector of configuration changes */
    uint32_t config_size;
    emk_virtio_queue *queues;
    unsigned nqueues;
    const emk_virtio_transport *transport;  /**< set by the transport */
    void *transport_opaque;     /**< the transport's */
    uint64_t stat_bad_access;   /**< refused guest accesses */
} emk_virtio;

/** Initialises vd for a device with nqueues queues in caller storage q
 *  (each queue's max_size set by the caller beforehand, or 0 for 256) and
 *  config_size bytes of device configuration.  Its work runs in loop
 *  (NULL: the bus's main loop).  Returns 0, or -EINVAL (no ops, too many
 *  queues, a max_size that is not a power of two). */
EMK_API int emk_virtio_init(emk_virtio *vd, const char *name, uint16_t device_id,
                            emk_bus *bus, emk_loop *loop,
                            const emk_virtio_ops *ops, emk_virtio_queue *q,
                            unsigned nqueues, uint32_t config_size);

/** Adds transport feature bits to the offer (a transport calls it once,
 *  after emk_virtio_init). */
EMK_API void emk_virtio_offer(emk_virtio *vd, uint64_t transport_features);

/** Device reset: ops->reset, then every queue reset, status, features
 *  and vectors cleared.  Device loop. */
EMK_API void emk_virtio_reset(emk_virtio *vd);

/** The driver writes the device status.  0 resets the device.  Setting
 *  FEATURES_OK checks the features written so far (a subset of the offer,
 *  VERSION_1 present, the device agrees) and leaves FEATURES_OK clear if
 *  not.  Clearing bits other than by reset is ignored.  Device loop. */
EMK_API void emk_virtio_set_status(emk_virtio *vd, uint8_t status);

/** The driver writes 32 feature bits at word sel (0 or 1); ignored after
 *  FEATURES_OK.  Device loop. */
EMK_API void emk_virtio_write_features(emk_virtio *vd, unsigned sel, uint32_t bits);

/** 32 bits of the offer at word sel (0 beyond the known words). */
EMK_API uint32_t emk_virtio_read_features(const emk_virtio *vd, unsigned sel);

/** 1 if feature bit is negotiated. */
EMK_API int emk_virtio_has(const emk_virtio *vd, unsigned bit);

/** The driver enables queue q with the size and addresses it configured
 *  in vd->queues[q].  Returns 0, -EINVAL (bad size or rings: the device
 *  then sets NEEDS_RESET) or -ENXIO (no such queue).  Device loop. */
EMK_API int emk_virtio_queue_enable(emk_virtio *vd, unsigned q);

/** Resets queue q alone (VIRTIO_F_RING_RESET).  Device loop. */
EMK_API void emk_virtio_queue_reset(emk_virtio *vd, unsigned q);

/** The driver kicked queue q: ops->queue_notify if the queue is enabled
 *  and the driver is running.  Device loop. */
EMK_API void emk_virtio_kick(emk_virtio *vd, unsigned q);

/** After pushing used buffers on queue q: raises its interrupt if the
 *  driver wants one (emk_virtq_should_notify).  Returns 1 if raised.
 *  Device loop. */
EMK_API int emk_virtio_notify(emk_virtio *vd, unsigned q);

/** The device changed its configuration: bumps the generation and raises
 *  the configuration interrupt (once the driver is running).  Device
 *  loop. */
EMK_API void emk_virtio_config_changed(emk_virtio *vd);

/** The device found a fatal error: sets NEEDS_RESET and tells the driver
 *  through the configuration interrupt.  Device loop. */
EMK_API void emk_virtio_needs_reset(emk_virtio *vd);

/** Reads len bytes of device configuration at off (zeros past the end). */
EMK_API void emk_virtio_config_read(emk_virtio *vd, uint32_t off, void *buf,
                                    uint32_t len);

/** Writes len bytes of device configuration at off (ignored past the
 *  end).  Device loop. */
EMK_API void emk_virtio_config_write(emk_virtio *vd, uint32_t off,
                                     const void *buf, uint32_t len);

/** Ring features for emk_virtq_enable from the negotiated bits. */
EMK_API unsigned emk_virtio_ring_features(const emk_virtio *vd);

#ifdef __cplusplus
}
#endif

#endif
