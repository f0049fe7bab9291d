/*
 * emkit/usb_fido.h - the FIDO2/U2F key (emkit/fido.h) as a full-speed USB
 * HID device (hw/usb-fido/): one interface of class HID with the FIDO
 * report descriptor (usage page 0xF1D0), 64-byte reports on interrupt IN
 * 0x81 and OUT 0x01, as CTAP 2.1 section 11.2.8.1 and real keys have.
 * Glue only: the key is hw/fido, the USB side src/usb.  Threads: the
 * device, the key and every call here belong to `loop`.
 */
#ifndef EMKIT_USB_FIDO_H
#define EMKIT_USB_FIDO_H

#include "emkit/fido.h"
#include "emkit/usb.h"
#include "emkit/usb_hid.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_usb_fido_consts {
    EMK_USB_FIDO_VENDOR = 0x1209,     /**< pid.codes (test range product) */
    EMK_USB_FIDO_PRODUCT = 0x000f,
    EMK_USB_FIDO_EP_IN = 0x81,
    EMK_USB_FIDO_EP_OUT = 0x01,
    EMK_USB_FIDO_QUEUE = 256          /**< input reports queued: two longest messages */
};

/** Where a pass-through device's key is (emk_usb_fido_init_passthru). */
enum emk_usb_fido_link {
    EMK_USB_FIDO_LINK_HIDRAW = 1,    /**< a Linux hidraw node: writes carry report ID 0 */
    EMK_USB_FIDO_LINK_SEQPACKET = 2  /**< SOCK_SEQPACKET, one 64-byte report per message
                                          (docs/fido-socket.md: `emkit fido serve
                                          --hid-socket`, the mux) */
};

/** The device; caller-owned, usb first (so it starts with emk_dev). */
typedef struct emk_usb_fido {
    emk_usb_dev usb;
    emk_usb_hid hid;
    emk_fido *key;                  /**< the emulated key, NULL in pass-through */
    /* pass-through (private) */
    int link_fd;
    int link_kind;
    emk_fd_handler link_h;
    uint8_t link_watching, link_down;
    uint64_t stat_link_out;         /**< reports written to the key */
    uint64_t stat_link_in;          /**< reports read from the key */
    uint64_t stat_link_errors;      /**< bad sizes, write errors, the key gone */
    emk_usb_device_desc desc;
    emk_usb_config_desc config;
    emk_usb_iface_desc iface;
    emk_usb_ep_desc eps[2];
    uint8_t hid_desc[EMK_USB_HID_DESC_LEN];
    const char *strings[3];
} emk_usb_fido;

/**
 * Creates the key (emk_fido_new with cfg) and the USB device around it in
 * `loop` (call from its thread).  `speed` is EMK_USB_SPEED_FULL (what
 * keys are) or EMK_USB_SPEED_HIGH (for a port without full speed, such as
 * an EHCI controller without companions: the same tables with a
 * high-speed polling interval).  `host` is the USB host's wakeup (may be
 * NULL).  Returns 0, -EINVAL (another speed), or the key's or the core's
 * negative errno (nothing left to clean up).
 */
EMK_API int emk_usb_fido_init(emk_usb_fido *f, emk_loop *loop, const emk_fido_config *cfg,
                              int speed, const emk_usb_host_ops *host, void *host_opaque);
/**
 * The same USB device in front of a key elsewhere: output reports go to
 * `fd` and input reports come from it, 64 bytes each, on the loop (the fd
 * is made non-blocking and belongs to the device from now on, also on
 * failure).  KEEPALIVEs and every other report pass unchanged, so a
 * CTAP2 wait stays one transaction.  A write that would block NAKs the
 * OUT packet (the host retries); when the key goes away the OUT endpoint
 * stalls.  `kind` is an emk_usb_fido_link.  Returns 0, -EINVAL, or the
 * core's errno.
 */
EMK_API int emk_usb_fido_init_passthru(emk_usb_fido *f, emk_loop *loop, int fd, int kind,
                                       int speed, const emk_usb_host_ops *host,
                                       void *host_opaque);
/** 1 while a pass-through device's key is reachable, else 0 (also for an
 *  emulated device). */
EMK_API int emk_usb_fido_link_up(const emk_usb_fido *f);
/** A USB bus reset (the key keeps its state and channels). */
EMK_API void emk_usb_fido_reset(emk_usb_fido *f);
/** Frees the key (or closes the pass-through fd) and the device's storage. */
EMK_API void emk_usb_fido_cleanup(emk_usb_fido *f);

#ifdef __cplusplus
}
#endif

#endif
