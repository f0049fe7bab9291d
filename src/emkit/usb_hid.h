/*
 * emkit/usb_hid.h - the HID class driver (src/usb/hid.c) for the USB
 * device core (emkit/usb.h): the HID and report descriptors, GET_REPORT,
 * SET_REPORT, GET/SET_IDLE, GET/SET_PROTOCOL, input reports on an
 * interrupt IN endpoint and output reports from an interrupt OUT endpoint
 * (or SET_REPORT when there is none).  Threads: as emkit/usb.h.
 */
#ifndef EMKIT_USB_HID_H
#define EMKIT_USB_HID_H

#include "emkit/usb.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_usb_hid_consts {
    EMK_USB_HID_CLASS = 3,
    EMK_USB_HID_DT_HID = 0x21,
    EMK_USB_HID_DT_REPORT = 0x22,
    EMK_USB_HID_DESC_LEN = 9,        /**< the class descriptor's bytes */
    EMK_USB_HID_GET_REPORT = 1,
    EMK_USB_HID_GET_IDLE = 2,
    EMK_USB_HID_GET_PROTOCOL = 3,
    EMK_USB_HID_SET_REPORT = 9,
    EMK_USB_HID_SET_IDLE = 10,
    EMK_USB_HID_SET_PROTOCOL = 11,
    EMK_USB_HID_REPORT_INPUT = 1,
    EMK_USB_HID_REPORT_OUTPUT = 2,
    EMK_USB_HID_REPORT_FEATURE = 3
};

/** What a HID function's user provides. */
typedef struct emk_usb_hid_ops {
    /** An output report (interrupt OUT or SET_REPORT(Output)): 0,
     *  -EAGAIN to NAK it (the host sends it again) or -EPIPE to stall. */
    int (*output)(void *opaque, const uint8_t *report, size_t len);
    /** GET_REPORT (optional): the report's length in buf (at most cap),
     *  or -EPIPE. */
    int (*get_report)(void *opaque, uint8_t type, uint8_t id, uint8_t *buf, size_t cap);
    /** The host took an input report: the queue has room again (optional). */
    void (*in_done)(void *opaque);
} emk_usb_hid_ops;

/** A HID function; caller-owned, fields private. */
typedef struct emk_usb_hid {
    emk_usb_function fn;
    emk_usb_dev *usb;
    const emk_usb_hid_ops *ops;
    void *opaque;
    const uint8_t *report_desc;
    size_t report_desc_len;
    uint8_t hid_desc[EMK_USB_HID_DESC_LEN];
    uint8_t iface, ep_in, ep_out;   /**< ep_out 0: output reports by SET_REPORT */
    uint8_t idle, protocol, boot;
    uint64_t stat_out;              /**< output reports delivered */
    uint64_t stat_in;               /**< input reports queued */
    uint64_t stat_in_dropped;       /**< input reports lost to a full queue */
} emk_usb_hid;

/**
 * Builds the 9-byte HID class descriptor (bcdHID 1.11, one report
 * descriptor of report_desc_len bytes) to put in the interface's extra
 * bytes of the device's tables.
 */
EMK_API void emk_usb_hid_class_desc(uint8_t out[EMK_USB_HID_DESC_LEN], size_t report_desc_len);

/**
 * Binds a HID function to interface `iface` of device u, with its input
 * reports on IN endpoint address ep_in (0x81..) and output reports from
 * OUT endpoint ep_out (0 for none).  `boot` is 1 for a boot-protocol
 * interface (GET/SET_PROTOCOL allowed).  The report descriptor must
 * outlive h.  Returns 0 or emk_usb_add_function's error.
 */
EMK_API int emk_usb_hid_init(emk_usb_hid *h, emk_usb_dev *u, uint8_t iface, uint8_t ep_in,
                             uint8_t ep_out, int boot, const uint8_t *report_desc,
                             size_t report_desc_len, const emk_usb_hid_ops *ops,
                             void *opaque);
/** Queues an input report on the interrupt IN endpoint: 0, -ENOSPC (the
 *  queue is full: counted as dropped), -ENODEV (not configured), -EMSGSIZE. */
EMK_API int emk_usb_hid_send(emk_usb_hid *h, const uint8_t *report, size_t len);

#ifdef __cplusplus
}
#endif

#endif
