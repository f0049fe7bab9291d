/*
 * emkit/usb.h - the device side of a USB device (src/usb/): descriptors
 * built from tables, the standard control requests with their stalls,
 * interrupt and bulk endpoints with packet queues, and class drivers as
 * callback tables (emk_usb_class_ops; emkit/usb_hid.h is the first).
 *
 * The model is TinyUSB's device stack, without its controller layer: a
 * host (the QEMU adapter, the test machine's guest-side host driver in
 * emkit/guest/usb_host_drv.h, a fuzzer) hands the device whole control
 * transfers (emk_usb_control) and single packets on the other endpoints
 * (emk_usb_in, emk_usb_out).  The device never knows which host it has.
 *
 * Speed is a property of the device's tables (emk_usb_device_desc.speed,
 * each endpoint's max_packet, optional BOS and endpoint companion bytes),
 * so a high-speed or SuperSpeed device needs no change here.
 *
 * Threads: a device belongs to its loop (dev.loop).  Every function here
 * runs in that loop's thread (emk_loop_in_thread); class callbacks and
 * the host's wakeup are called there.  No allocation after init.
 *
 * Errors: transfers return a length, -EAGAIN for NAK (the host retries
 * later), -EPIPE for STALL, -EOVERFLOW for a packet that does not fit.
 */
#ifndef EMKIT_USB_H
#define EMKIT_USB_H

#include "emkit/base.h"
#include "emkit/bus.h"
#include "emkit/loop.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_usb_limits {
    EMK_USB_SETUP_LEN = 8,
    EMK_USB_MAX_EP = 16,            /**< endpoint numbers 0..15 per direction */
    EMK_USB_MAX_FUNCTIONS = 4,      /**< class drivers per device */
    EMK_USB_MAX_IFACES = 16,        /**< interface numbers 0..15 */
    EMK_USB_CTRL_MAX = 4096,        /**< longest control data stage accepted */
    EMK_USB_MAX_PACKET = 1024,      /**< longest packet of a non-control endpoint */
    EMK_USB_MAX_STRINGS = 16
};

enum emk_usb_speed {
    EMK_USB_SPEED_LOW = 0,
    EMK_USB_SPEED_FULL = 1,
    EMK_USB_SPEED_HIGH = 2,
    EMK_USB_SPEED_SUPER = 3
};

/** bmRequestType bits. */
enum emk_usb_req_type {
    EMK_USB_DIR_IN = 0x80,
    EMK_USB_TYPE_MASK = 0x60,
    EMK_USB_TYPE_STANDARD = 0x00,
    EMK_USB_TYPE_CLASS = 0x20,
    EMK_USB_TYPE_VENDOR = 0x40,
    EMK_USB_RECIP_MASK = 0x1f,
    EMK_USB_RECIP_DEVICE = 0,
    EMK_USB_RECIP_INTERFACE = 1,
    EMK_USB_RECIP_ENDPOINT = 2
};

/** Standard requests (bRequest). */
enum emk_usb_request {
    EMK_USB_REQ_GET_STATUS = 0,
    EMK_USB_REQ_CLEAR_FEATURE = 1,
    EMK_USB_REQ_SET_FEATURE = 3,
    EMK_USB_REQ_SET_ADDRESS = 5,
    EMK_USB_REQ_GET_DESCRIPTOR = 6,
    EMK_USB_REQ_SET_DESCRIPTOR = 7,
    EMK_USB_REQ_GET_CONFIGURATION = 8,
    EMK_USB_REQ_SET_CONFIGURATION = 9,
    EMK_USB_REQ_GET_INTERFACE = 10,
    EMK_USB_REQ_SET_INTERFACE = 11,
    EMK_USB_REQ_SYNCH_FRAME = 12
};

/** Descriptor types. */
enum emk_usb_desc_type {
    EMK_USB_DT_DEVICE = 1,
    EMK_USB_DT_CONFIG = 2,
    EMK_USB_DT_STRING = 3,
    EMK_USB_DT_INTERFACE = 4,
    EMK_USB_DT_ENDPOINT = 5,
    EMK_USB_DT_DEVICE_QUALIFIER = 6,
    EMK_USB_DT_OTHER_SPEED = 7,
    EMK_USB_DT_BOS = 15
};

/** Feature selectors. */
enum emk_usb_feature {
    EMK_USB_FEAT_ENDPOINT_HALT = 0,
    EMK_USB_FEAT_REMOTE_WAKEUP = 1,
    EMK_USB_FEAT_TEST_MODE = 2
};

/** Endpoint transfer types (bmAttributes & 3). */
enum emk_usb_xfer {
    EMK_USB_XFER_CONTROL = 0,
    EMK_USB_XFER_ISO = 1,
    EMK_USB_XFER_BULK = 2,
    EMK_USB_XFER_INT = 3
};

/** Configuration bmAttributes. */
enum emk_usb_config_attr {
    EMK_USB_CFG_ONE = 0x80,
    EMK_USB_CFG_SELF_POWERED = 0x40,
    EMK_USB_CFG_REMOTE_WAKEUP = 0x20
};

/** Device states (USB 2.0 section 9.1.1). */
enum emk_usb_state {
    EMK_USB_STATE_DEFAULT = 0,
    EMK_USB_STATE_ADDRESS = 1,
    EMK_USB_STATE_CONFIGURED = 2
};

/** A decoded setup packet. */
typedef struct emk_usb_setup {
    uint8_t request_type;
    uint8_t request;
    uint16_t value;
    uint16_t index;
    uint16_t length;
} emk_usb_setup;

/** An endpoint in a descriptor table. */
typedef struct emk_usb_ep_desc {
    uint8_t address;          /**< number, | EMK_USB_DIR_IN for IN */
    uint8_t attributes;       /**< emk_usb_xfer (plus sync/usage bits) */
    uint16_t max_packet;      /**< wMaxPacketSize (at most EMK_USB_MAX_PACKET) */
    uint8_t interval;
    uint16_t queue_depth;     /**< IN packets the core can queue (0 means 1) */
    const uint8_t *extra;     /**< descriptors after it (SuperSpeed companion) */
    size_t extra_len;
} emk_usb_ep_desc;

/** An interface (one alternate setting) in a descriptor table. */
typedef struct emk_usb_iface_desc {
    uint8_t number;
    uint8_t alt;
    uint8_t cls, subclass, protocol;
    uint8_t i_interface;      /**< string index, 0 for none */
    const uint8_t *extra;     /**< class descriptors before the endpoints (HID) */
    size_t extra_len;
    const emk_usb_ep_desc *eps;
    uint8_t n_eps;
} emk_usb_iface_desc;

/** A configuration: every alternate setting of every interface. */
typedef struct emk_usb_config_desc {
    uint8_t value;            /**< bConfigurationValue (not 0) */
    uint8_t attributes;       /**< emk_usb_config_attr, EMK_USB_CFG_ONE set */
    uint8_t max_power;        /**< in 2 mA units (8 mA at SuperSpeed) */
    uint8_t i_config;
    const emk_usb_iface_desc *ifaces;
    uint8_t n_ifaces;         /**< entries in ifaces (alternates included) */
} emk_usb_config_desc;

/** The device's tables. */
typedef struct emk_usb_device_desc {
    int speed;                /**< emk_usb_speed */
    uint16_t bcd_usb;         /**< 0x0200, 0x0210, 0x0320 ... */
    uint8_t cls, subclass, protocol;
    uint8_t max_packet0;      /**< bMaxPacketSize0 as written (9 = 512 at SuperSpeed) */
    uint16_t vendor, product, bcd_device;
    uint8_t i_manufacturer, i_product, i_serial;
    const emk_usb_config_desc *configs;
    uint8_t n_configs;
    const char *const *strings;  /**< strings[i] is string index i + 1 (ASCII) */
    uint8_t n_strings;
    uint16_t langid;          /**< 0 means 0x0409 (English, US) */
    const uint8_t *bos;       /**< the whole BOS descriptor set, or NULL */
    size_t bos_len;
} emk_usb_device_desc;

typedef struct emk_usb_dev emk_usb_dev;

/** A class driver (TinyUSB's usbd_class_driver_t).  Every callback is
 *  optional; all run in the device's loop. */
typedef struct emk_usb_class_ops {
    const char *name;
    /** The configuration changed (0: deconfigured). */
    void (*set_config)(void *opaque, uint8_t config);
    /** SET_INTERFACE chose `alt` (it exists in the table); -EPIPE refuses. */
    int (*set_interface)(void *opaque, uint8_t iface, uint8_t alt);
    /**
     * A class or vendor request to one of its interfaces or endpoints, or
     * a standard GET_DESCRIPTOR to one of its interfaces (HID report
     * descriptors).  `data` holds setup->length bytes: an OUT stage's
     * data, or room for the IN stage.  Returns the IN stage's length (at
     * most setup->length), 0 for an OUT request, or -EPIPE to stall.
     */
    int (*control)(void *opaque, const emk_usb_setup *setup, uint8_t *data);
    /** An OUT packet on one of its endpoints: 0, -EAGAIN (NAK) or -EPIPE. */
    int (*out)(void *opaque, uint8_t ep, const uint8_t *data, size_t len);
    /** The host took a packet from its IN endpoint `ep` (room again). */
    void (*in_done)(void *opaque, uint8_t ep);
    /** Bus reset, or the device's reset. */
    void (*reset)(void *opaque);
} emk_usb_class_ops;

/** A class driver bound to interfaces first_iface .. first_iface + n_ifaces - 1. */
typedef struct emk_usb_function {
    const emk_usb_class_ops *ops;
    void *opaque;
    uint8_t first_iface;
    uint8_t n_ifaces;
} emk_usb_function;

/** What a host provides. */
typedef struct emk_usb_host_ops {
    /** An IN endpoint that NAKed has a packet now (QEMU: usb_wakeup). */
    void (*wakeup)(void *opaque, uint8_t ep_addr);
} emk_usb_host_ops;

/** Per-endpoint state (private). */
typedef struct emk_usb_ep {
    const emk_usb_ep_desc *desc;   /**< in the current configuration, or NULL */
    emk_usb_function *fn;
    uint8_t *buf;                  /**< depth * cap bytes, taken at init */
    uint16_t *lens;
    uint16_t depth, cap;
    unsigned head, tail;
    uint8_t halted;
} emk_usb_ep;

/** The device.  Caller-owned; fields after dev are private but tests read
 *  the statistics. */
struct emk_usb_dev {
    emk_dev dev;
    const emk_usb_device_desc *desc;
    const emk_usb_config_desc *config;   /**< current, NULL when not configured */
    emk_usb_function *fns[EMK_USB_MAX_FUNCTIONS];
    unsigned n_fns;
    const emk_usb_host_ops *host;
    void *host_opaque;
    uint8_t state;                 /**< emk_usb_state */
    uint8_t address;
    uint8_t remote_wakeup;
    uint8_t alt[EMK_USB_MAX_IFACES];
    emk_usb_ep ep_in[EMK_USB_MAX_EP];
    emk_usb_ep ep_out[EMK_USB_MAX_EP];
    uint64_t stat_stalls;
    uint64_t stat_naks;
    uint64_t stat_in_dropped;      /**< packets a function queued into a full queue */
};

/**
 * Sets up a device from its tables (which must outlive it) in `loop`:
 * checks them (-EINVAL: a descriptor over EMK_USB_CTRL_MAX, a packet size
 * over EMK_USB_MAX_PACKET, an endpoint 0 or duplicated interface, too
 * many strings) and takes the IN queues' storage (-ENOMEM).  The device
 * starts in the default state.  `host` may be NULL.
 */
EMK_API int emk_usb_dev_init(emk_usb_dev *u, const char *name, emk_loop *loop,
                             const emk_usb_device_desc *desc,
                             const emk_usb_host_ops *host, void *host_opaque);
/** Binds a class driver to its interfaces (before the host configures the
 *  device).  Returns 0, -EINVAL (overlaps another) or -ENOSPC. */
EMK_API int emk_usb_add_function(emk_usb_dev *u, emk_usb_function *fn);
/** Bus reset: default state, address 0, unconfigured, queues emptied,
 *  halts cleared; every function's reset runs. */
EMK_API void emk_usb_reset(emk_usb_dev *u);
/** Undoes init (the functions are the caller's). */
EMK_API void emk_usb_dev_cleanup(emk_usb_dev *u);

/**
 * One control transfer on endpoint 0.  `setup` is the 8-byte setup
 * packet; `data` is the data stage: for IN, room for `cap` bytes, for
 * OUT, setup's wLength bytes (cap must be at least that).  Returns the
 * data stage length, or -EPIPE (STALL: an unknown or malformed request, a
 * bad length, index, value or direction, a wLength over cap or over
 * EMK_USB_CTRL_MAX).
 */
EMK_API int emk_usb_control(emk_usb_dev *u, const uint8_t setup[EMK_USB_SETUP_LEN],
                            uint8_t *data, size_t cap);
/** Decodes a setup packet (little-endian fields). */
EMK_API void emk_usb_setup_parse(emk_usb_setup *s, const uint8_t raw[EMK_USB_SETUP_LEN]);
/** Encodes a setup packet. */
EMK_API void emk_usb_setup_make(uint8_t raw[EMK_USB_SETUP_LEN], uint8_t request_type,
                                uint8_t request, uint16_t value, uint16_t index,
                                uint16_t length);

/**
 * One IN packet from endpoint `ep` (1..15): its length, -EAGAIN (NAK: the
 * queue is empty), -EPIPE (no such endpoint in the current configuration,
 * halted, or not configured), or -EOVERFLOW (the packet is longer than cap;
 * it stays queued).
 */
EMK_API int emk_usb_in(emk_usb_dev *u, uint8_t ep, uint8_t *buf, size_t cap);
/** One OUT packet to endpoint `ep`: 0, -EAGAIN (NAK), -EPIPE, or -EOVERFLOW
 *  (longer than the endpoint's max packet). */
EMK_API int emk_usb_out(emk_usb_dev *u, uint8_t ep, const uint8_t *data, size_t len);

/** Function side: queues an IN packet on endpoint address `ep_addr` (0x81..)
 *  and wakes the host.  Returns 0, -ENOSPC (queue full; counted),
 *  -EMSGSIZE (over max packet) or -ENODEV (not an IN endpoint of the
 *  current configuration). */
EMK_API int emk_usb_ep_queue(emk_usb_dev *u, uint8_t ep_addr, const uint8_t *data,
                             size_t len);
/** Packets queued on IN endpoint `ep_addr`. */
EMK_API unsigned emk_usb_ep_pending(const emk_usb_dev *u, uint8_t ep_addr);
/** Whether endpoint `ep_addr` is halted (1), not (0), or absent (-ENODEV). */
EMK_API int emk_usb_ep_halted(const emk_usb_dev *u, uint8_t ep_addr);

/**
 * Serialises descriptor `type`/`index` of the tables (device, config,
 * string with langid, device qualifier and BOS) into buf.  Returns the
 * full length (which may exceed cap: only cap bytes are written), or
 * -ENOENT.  For hosts that want the bytes without a control transfer.
 */
EMK_API int emk_usb_descriptor(const emk_usb_device_desc *d, uint8_t type, uint8_t index,
                               uint16_t langid, uint8_t *buf, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
