/*
 * usb_host_drv.h - the host side of USB for the test machine: what a host
 * controller plus Linux's usbcore and usbhid do to a device (emkit/usb.h).
 * It enumerates (device descriptor at address 0, SET_ADDRESS, the
 * configuration, strings, SET_CONFIGURATION, the HID report descriptor)
 * and moves interrupt IN/OUT reports; emk_usb_host_drv_ctaphid_xmit/recv
 * stack the CTAPHID client (ctaphid_drv.h) on it.  Test code: it plays
 * the guest.
 */
#ifndef EMK_GUEST_USB_HOST_DRV_H
#define EMK_GUEST_USB_HOST_DRV_H

#include "emkit/base.h"
#include "emkit/usb.h"

enum {
    EMK_USB_HOST_DRV_CONFIG_MAX = 1024,
    EMK_USB_HOST_DRV_RDESC_MAX = 1024,
    EMK_USB_HOST_DRV_STR_MAX = 64
};

/** Lets time pass while the host waits for a NAKing endpoint: runs the
 *  device's loop and advances its clock by at most max_ns.  Returns the
 *  nanoseconds that passed (0 is allowed if the loop did work). */
typedef int64_t (*emk_usb_host_idle_fn)(void *opaque, int64_t max_ns);

typedef struct emk_usb_host_drv {
    emk_usb_dev *dev;
    emk_usb_host_idle_fn idle;
    void *idle_opaque;
    uint8_t address;
    uint8_t dev_desc[18];
    uint16_t vendor, product, langid;
    uint8_t max_packet0;
    uint8_t config[EMK_USB_HOST_DRV_CONFIG_MAX];
    size_t config_len;
    uint8_t config_value;
    char manufacturer[EMK_USB_HOST_DRV_STR_MAX];
    char product_name[EMK_USB_HOST_DRV_STR_MAX];
    char serial[EMK_USB_HOST_DRV_STR_MAX];
    /* the first HID interface, -1 if none */
    int hid_iface;
    uint8_t ep_in, ep_out;          /**< ep_out 0: output by SET_REPORT */
    uint16_t in_max, out_max;
    uint8_t report_desc[EMK_USB_HOST_DRV_RDESC_MAX];
    size_t report_desc_len;
    uint32_t usage_page;            /**< the report descriptor's first Usage Page */
    unsigned requests;              /**< control transfers made */
    unsigned naks;                  /**< IN/OUT NAKs seen */
} emk_usb_host_drv;

/**
 * Enumerates u: bus reset, the device descriptor's first 8 bytes at
 * address 0, SET_ADDRESS(address), the whole device descriptor, the
 * configuration (9 bytes, then wTotalLength), language and strings,
 * SET_CONFIGURATION of the first configuration, then for a HID interface
 * SET_IDLE (a stall is accepted, as Linux does) and its report
 * descriptor.  Returns 0, -EPROTO (a malformed or inconsistent
 * descriptor), -EPIPE (a request stalled) or -ENOSPC (too big for the
 * driver's buffers).  idle may be NULL (reads then never wait).
 */
EMK_API int emk_usb_host_drv_enumerate(emk_usb_host_drv *d, emk_usb_dev *u, uint8_t address,
                                       emk_usb_host_idle_fn idle, void *idle_opaque);
/** One control transfer (wLength = len): the data stage's length or the
 *  device's error (-EPIPE for a stall). */
EMK_API int emk_usb_host_drv_control(emk_usb_host_drv *d, uint8_t request_type,
                                     uint8_t request, uint16_t value, uint16_t index,
                                     uint8_t *data, uint16_t len);
/** Sends an output report on the HID OUT endpoint (or SET_REPORT), retrying
 *  NAKs while idle lets time pass, up to timeout_ns.  0, -ETIMEDOUT, or the
 *  device's error. */
EMK_API int emk_usb_host_drv_hid_write(emk_usb_host_drv *d, const uint8_t *report,
                                       size_t len, int64_t timeout_ns);
/** Polls the HID IN endpoint for one report, waiting up to timeout_ns:
 *  its length, 0 on timeout, or the device's error. */
EMK_API int emk_usb_host_drv_hid_read(emk_usb_host_drv *d, uint8_t *buf, size_t cap,
                                      int64_t timeout_ns);
/** emk_ctaphid_xmit_fn over the HID OUT endpoint (opaque: the driver). */
EMK_API int emk_usb_host_drv_ctaphid_xmit(void *opaque, const uint8_t report[64]);
/** emk_ctaphid_recv_fn over the HID IN endpoint (opaque: the driver). */
EMK_API int emk_usb_host_drv_ctaphid_recv(void *opaque, uint8_t report[64], int64_t timeout_ns);

#endif
