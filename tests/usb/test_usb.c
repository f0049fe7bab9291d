/*
 * test_usb.c - the USB device core (src/usb/) and its HID class driver:
 * descriptors from tables, every standard request and its stalls, HID
 * class requests, interrupt endpoints (NAK, queue order, overflow, halt,
 * wakeup), bus reset, alternate settings, a high-speed and a SuperSpeed
 * table on the same core, and the tables' checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/usb.h"
#include "emkit/usb_hid.h"

#define IN_DEV (EMK_USB_DIR_IN | EMK_USB_RECIP_DEVICE)
#define IN_IF (EMK_USB_DIR_IN | EMK_USB_RECIP_INTERFACE)
#define IN_EP (EMK_USB_DIR_IN | EMK_USB_RECIP_ENDPOINT)
#define CLS_IF (EMK_USB_TYPE_CLASS | EMK_USB_RECIP_INTERFACE)

static const uint8_t rdesc[] = {
    0x06, 0xd0, 0xf1, 0x09, 0x01, 0xa1, 0x01, 0x09, 0x20, 0x15, 0x00, 0x26, 0xff, 0x00,
    0x75, 0x08, 0x95, 0x08, 0x81, 0x02, 0x09, 0x21, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75,
    0x08, 0x95, 0x08, 0x91, 0x02, 0xc0};
static const char *const strs[] = {"ACME", "Widget"};

typedef struct fx {
    emk_loop *loop;
    emk_vclock vc;
    emk_usb_dev u;
    emk_usb_hid hid;
    uint8_t hid_desc[EMK_USB_HID_DESC_LEN];
    emk_usb_ep_desc eps[2], alt_eps[1];
    emk_usb_iface_desc ifaces[2];
    emk_usb_config_desc cfg;
    emk_usb_device_desc desc;
    unsigned wakeups, outs;
    uint8_t last_out[64];
    size_t last_out_len;
    int nak_outs;
} fx;

static fx F;

static void on_wakeup(void *opaque, uint8_t ep)
{
    fx *f = opaque;

    assert_true(ep & EMK_USB_DIR_IN);
    f->wakeups++;
}

static const emk_usb_host_ops host_ops = {on_wakeup};

static int on_output(void *opaque, const uint8_t *r, size_t len)
{
    fx *f = opaque;

    if (f->nak_outs) {
        f->nak_outs--;
        return -EAGAIN;
    }
    f->outs++;
    memcpy(f->last_out, r, len < 64 ? len : 64);
    f->last_out_len = len;
    return 0;
}

static int on_get_report(void *opaque, uint8_t type, uint8_t id, uint8_t *buf, size_t cap)
{
    (void)opaque;
    if (type != EMK_USB_HID_REPORT_INPUT || id != 0 || cap < 8)
        return -EPIPE;
    memset(buf, 0xab, 8);
    return 8;
}

static unsigned in_dones;

static void on_in_done(void *opaque)
{
    (void)opaque;
    in_dones++;
}

static const emk_usb_hid_ops hid_ops = {on_output, on_get_report, on_in_done};

static int setup(void **state)
{
    fx *f = &F;

    memset(f, 0, sizeof(*f));
    emk_vclock_init(&f->vc, 0);
    f->loop = emk_loop_new(&f->vc.clock, NULL);
    assert_non_null(f->loop);
    emk_usb_hid_class_desc(f->hid_desc, sizeof(rdesc));
    f->eps[0] = (emk_usb_ep_desc){0x81, EMK_USB_XFER_INT, 8, 10, 4, NULL, 0};
    f->eps[1] = (emk_usb_ep_desc){0x02, EMK_USB_XFER_INT, 8, 10, 0, NULL, 0};
    f->alt_eps[0] = (emk_usb_ep_desc){0x83, EMK_USB_XFER_BULK, 64, 0, 2, NULL, 0};
    f->ifaces[0] = (emk_usb_iface_desc){0, 0, 3, 0, 0, 2, f->hid_desc, sizeof(f->hid_desc),
                                        f->eps, 2};
    f->ifaces[1] = (emk_usb_iface_desc){0, 1, 3, 0, 0, 0, f->hid_desc, sizeof(f->hid_desc),
                                        f->alt_eps, 1};
    f->cfg = (emk_usb_config_desc){1, EMK_USB_CFG_ONE | EMK_USB_CFG_SELF_POWERED, 50, 0,
                                   f->ifaces, 2};
    f->desc.speed = EMK_USB_SPEED_FULL;
    f->desc.bcd_usb = 0x0200;
    f->desc.max_packet0 = 64;
    f->desc.vendor = 0x1234;
    f->desc.product = 0x5678;
    f->desc.bcd_device = 0x0102;
    f->desc.i_manufacturer = 1;
    f->desc.i_product = 2;
    f->desc.configs = &f->cfg;
    f->desc.n_configs = 1;
    f->desc.strings = strs;
    f->desc.n_strings = 2;
    assert_int_equal(emk_usb_dev_init(&f->u, "t", f->loop, &f->desc, &host_ops, f), 0);
    assert_int_equal(emk_usb_hid_init(&f->hid, &f->u, 0, 0x81, 0x02, 0, rdesc, sizeof(rdesc),
                                      &hid_ops, f), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;

    emk_usb_dev_cleanup(&f->u);
    emk_loop_free(f->loop);
    return 0;
}

static int ctl(fx *f, uint8_t type, uint8_t req, uint16_t value, uint16_t index, uint8_t *data,
               uint16_t len)
{
    uint8_t s[8];

    emk_usb_setup_make(s, type, req, value, index, len);
    return emk_usb_control(&f->u, s, data, len);
}

static void to_configured(fx *f)
{
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_ADDRESS, 5, 0, NULL, 0), 0);
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_CONFIGURATION, 1, 0, NULL, 0), 0);
    assert_int_equal(f->u.state, EMK_USB_STATE_CONFIGURED);
}

static void test_device_descriptor(void **state)
{
    fx *f = *state;
    uint8_t b[64];

    memset(b, 0xee, sizeof(b));
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0100, 0, b, 64), 18);
    assert_int_equal(b[0], 18);
    assert_int_equal(b[1], 1);
    assert_int_equal(b[2] | b[3] << 8, 0x0200);
    assert_int_equal(b[7], 64);
    assert_int_equal(b[8] | b[9] << 8, 0x1234);
    assert_int_equal(b[10] | b[11] << 8, 0x5678);
    assert_int_equal(b[12] | b[13] << 8, 0x0102);
    assert_int_equal(b[14], 1);
    assert_int_equal(b[15], 2);
    assert_int_equal(b[16], 0);
    assert_int_equal(b[17], 1);
    assert_int_equal(b[18], 0xee);            /* nothing past the descriptor */
    /* a short read is cut, not refused */
    memset(b, 0xee, sizeof(b));
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0100, 0, b, 8), 8);
    assert_int_equal(b[8], 0xee);
    /* index 1 of the device descriptor, a nonzero wIndex, OUT direction */
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0101, 0, b, 18), -EPIPE);
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0100, 1, b, 18), -EPIPE);
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_GET_DESCRIPTOR, 0x0100, 0, b, 18), -EPIPE);
    /* a full-speed device has no qualifier, no other-speed config, no BOS */
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0600, 0, b, 10), -EPIPE);
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0700, 0, b, 9), -EPIPE);
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0f00, 0, b, 5), -EPIPE);
    assert_int_equal(f->u.stat_stalls, 6);
}

static void test_config_descriptor(void **state)
{
    fx *f = *state;
    uint8_t b[256];
    int n = 9 + 2 * (9 + 9) + 3 * 7;

    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0200, 0, b, 9), 9);
    assert_int_equal(b[2] | b[3] << 8, n);
    assert_int_equal(b[4], 1);                 /* one interface, two alternates */
    assert_int_equal(b[5], 1);
    assert_int_equal(b[7], 0xc0);
    assert_int_equal(b[8], 50);
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0200, 0, b, 255), n);
    /* interface 0 alt 0, then HID, then two endpoints */
    assert_int_equal(b[9], 9);
    assert_int_equal(b[10], EMK_USB_DT_INTERFACE);
    assert_int_equal(b[13], 2);
    assert_int_equal(b[14], 3);
    assert_int_equal(b[17], 2);
    assert_memory_equal(b + 18, f->hid_desc, 9);
    assert_int_equal(b[18 + 7] | b[18 + 8] << 8, sizeof(rdesc));
    assert_int_equal(b[27], 7);
    assert_int_equal(b[28], EMK_USB_DT_ENDPOINT);
    assert_int_equal(b[29], 0x81);
    assert_int_equal(b[30], 3);
    assert_int_equal(b[31] | b[32] << 8, 8);
    assert_int_equal(b[33], 10);
    assert_int_equal(b[36], 0x02);
    /* the alternate: one bulk endpoint */
    assert_int_equal(b[41], 9);
    assert_int_equal(b[44], 1);
    assert_int_equal(b[45], 1);
    assert_int_equal(b[59 + 2], 0x83);
    assert_int_equal(b[59 + 3], 2);
    /* only configuration index 0 exists */
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0201, 0, b, 9), -EPIPE);
}

static void test_strings(void **state)
{
    fx *f = *state;
    uint8_t b[255];

    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0300, 0, b, 255), 4);
    assert_int_equal(b[2] | b[3] << 8, 0x0409);
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0302, 0x0409, b, 255), 14);
    assert_int_equal(b[0], 14);
    assert_int_equal(b[1], 3);
    assert_int_equal(b[2], 'W');
    assert_int_equal(b[3], 0);
    assert_int_equal(b[12], 't');
    /* a 2-byte read gives the length, as Windows asks */
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0301, 0x0409, b, 2), 2);
    assert_int_equal(b[0], 10);
    /* unknown index, other language */
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0303, 0x0409, b, 255), -EPIPE);
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0301, 0x0407, b, 255), -EPIPE);
}

static void test_lengths(void **state)
{
    fx *f = *state;
    static uint8_t big[EMK_USB_CTRL_MAX + 1];
    uint8_t s[8];

    /* wLength beyond the host's buffer or the core's limit stalls */
    emk_usb_setup_make(s, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0100, 0, 64);
    assert_int_equal(emk_usb_control(&f->u, s, big, 63), -EPIPE);
    emk_usb_setup_make(s, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0200, 0, EMK_USB_CTRL_MAX + 1);
    assert_int_equal(emk_usb_control(&f->u, s, big, sizeof(big)), -EPIPE);
    emk_usb_setup_make(s, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0100, 0, 18);
    assert_int_equal(emk_usb_control(&f->u, s, NULL, 18), -EPIPE);
    /* requests with a data stage they must not have */
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_ADDRESS, 3, 0, big, 1), -EPIPE);
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_CONFIGURATION, 1, 0, big, 2), -EPIPE);
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_STATUS, 0, 0, big, 1), -EPIPE);
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_STATUS, 0, 0, big, 4), -EPIPE);
    assert_int_equal(f->u.state, EMK_USB_STATE_DEFAULT);
}

static void test_address_and_config(void **state)
{
    fx *f = *state;
    uint8_t b[4];

    /* default state: no configuration requests */
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_CONFIGURATION, 0, 0, b, 1), -EPIPE);
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_CONFIGURATION, 1, 0, NULL, 0), -EPIPE);
    /* SET_ADDRESS: only 0..127, OUT, to the device, no wIndex */
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_ADDRESS, 128, 0, NULL, 0), -EPIPE);
    assert_int_equal(ctl(f, EMK_USB_DIR_IN, EMK_USB_REQ_SET_ADDRESS, 5, 0, b, 0), -EPIPE);
    assert_int_equal(ctl(f, EMK_USB_RECIP_INTERFACE, EMK_USB_REQ_SET_ADDRESS, 5, 0, NULL, 0),
                     -EPIPE);
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_ADDRESS, 5, 1, NULL, 0), -EPIPE);
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_ADDRESS, 5, 0, NULL, 0), 0);
    assert_int_equal(f->u.address, 5);
    assert_int_equal(f->u.state, EMK_USB_STATE_ADDRESS);
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_CONFIGURATION, 0, 0, b, 1), 1);
    assert_int_equal(b[0], 0);
    /* unknown configuration, a value above 255 */
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_CONFIGURATION, 2, 0, NULL, 0), -EPIPE);
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_CONFIGURATION, 0x101, 0, NULL, 0), -EPIPE);
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_CONFIGURATION, 1, 0, NULL, 0), 0);
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_CONFIGURATION, 0, 0, b, 1), 1);
    assert_int_equal(b[0], 1);
    /* no SET_ADDRESS while configured */
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_ADDRESS, 6, 0, NULL, 0), -EPIPE);
    /* deconfigure: back to the address state, endpoints gone */
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_CONFIGURATION, 0, 0, NULL, 0), 0);
    assert_int_equal(f->u.state, EMK_USB_STATE_ADDRESS);
    assert_int_equal(emk_usb_in(&f->u, 1, b, 4), -EPIPE);
    /* SET_ADDRESS(0) returns to the default state */
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_ADDRESS, 0, 0, NULL, 0), 0);
    assert_int_equal(f->u.state, EMK_USB_STATE_DEFAULT);
    /* SET_DESCRIPTOR, SYNCH_FRAME, an unknown request, the reserved type */
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_DESCRIPTOR, 0x0100, 0, b, 4), -EPIPE);
    assert_int_equal(ctl(f, IN_EP, EMK_USB_REQ_SYNCH_FRAME, 0, 0x81, b, 2), -EPIPE);
    assert_int_equal(ctl(f, IN_DEV, 99, 0, 0, b, 1), -EPIPE);
    assert_int_equal(ctl(f, 0x60 | EMK_USB_DIR_IN, 0, 0, 0, b, 2), -EPIPE);
    /* class and vendor requests to the device itself: nobody owns them */
    assert_int_equal(ctl(f, EMK_USB_TYPE_VENDOR | IN_DEV, 1, 0, 0, b, 1), -EPIPE);
}

static void test_status_and_features(void **state)
{
    fx *f = *state;
    uint8_t b[2];

    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_STATUS, 0, 0, b, 2), 2);
    assert_int_equal(b[0], 1);                 /* self-powered */
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_STATUS, 0, 1, b, 2), -EPIPE);
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_STATUS, 1, 0, b, 2), -EPIPE);
    /* before configuration only endpoint 0 answers */
    assert_int_equal(ctl(f, IN_EP, EMK_USB_REQ_GET_STATUS, 0, 0x80, b, 2), 2);
    assert_int_equal(ctl(f, IN_EP, EMK_USB_REQ_GET_STATUS, 0, 0x81, b, 2), -EPIPE);
    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_STATUS, 0, 0, b, 2), -EPIPE);
    to_configured(f);
    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_STATUS, 0, 0, b, 2), 2);
    assert_int_equal(b[0] | b[1], 0);
    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_STATUS, 0, 1, b, 2), -EPIPE);
    assert_int_equal(ctl(f, IN_EP, EMK_USB_REQ_GET_STATUS, 0, 0x83, b, 2), -EPIPE); /* alt 1 */
    assert_int_equal(ctl(f, IN_EP, EMK_USB_REQ_GET_STATUS, 0, 0x01, b, 2), -EPIPE); /* wrong dir */
    assert_int_equal(ctl(f, IN_EP, EMK_USB_REQ_GET_STATUS, 0, 0x181, b, 2), -EPIPE);
    /* halt an endpoint: its transfers stall until CLEAR_FEATURE */
    assert_int_equal(ctl(f, EMK_USB_RECIP_ENDPOINT, EMK_USB_REQ_SET_FEATURE, 0, 0x81, NULL, 0),
                     0);
    assert_int_equal(emk_usb_ep_halted(&f->u, 0x81), 1);
    assert_int_equal(ctl(f, IN_EP, EMK_USB_REQ_GET_STATUS, 0, 0x81, b, 2), 2);
    assert_int_equal(b[0], 1);
    assert_int_equal(emk_usb_in(&f->u, 1, b, 2), -EPIPE);
    assert_int_equal(ctl(f, EMK_USB_RECIP_ENDPOINT, EMK_USB_REQ_CLEAR_FEATURE, 0, 0x81, NULL,
                         0), 0);
    assert_int_equal(emk_usb_ep_halted(&f->u, 0x81), 0);
    assert_int_equal(emk_usb_in(&f->u, 1, b, 2), -EAGAIN);
    /* OUT endpoint too */
    assert_int_equal(ctl(f, EMK_USB_RECIP_ENDPOINT, EMK_USB_REQ_SET_FEATURE, 0, 0x02, NULL, 0),
                     0);
    assert_int_equal(emk_usb_out(&f->u, 2, b, 2), -EPIPE);
    assert_int_equal(ctl(f, EMK_USB_RECIP_ENDPOINT, EMK_USB_REQ_CLEAR_FEATURE, 0, 0x02, NULL,
                         0), 0);
    assert_int_equal(emk_usb_out(&f->u, 2, b, 2), 0);
    /* bad features: unknown selector, an interface, remote wakeup the
     * configuration does not offer, TEST_MODE at full speed, IN direction */
    assert_int_equal(ctl(f, EMK_USB_RECIP_ENDPOINT, EMK_USB_REQ_SET_FEATURE, 1, 0x81, NULL, 0),
                     -EPIPE);
    assert_int_equal(ctl(f, EMK_USB_RECIP_INTERFACE, EMK_USB_REQ_SET_FEATURE, 0, 0, NULL, 0),
                     -EPIPE);
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_FEATURE, EMK_USB_FEAT_REMOTE_WAKEUP, 0, NULL, 0),
                     -EPIPE);
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_FEATURE, EMK_USB_FEAT_TEST_MODE, 0, NULL, 0),
                     -EPIPE);
    assert_int_equal(ctl(f, IN_EP, EMK_USB_REQ_CLEAR_FEATURE, 0, 0x81, b, 0), -EPIPE);
    assert_int_equal(ctl(f, EMK_USB_RECIP_ENDPOINT, EMK_USB_REQ_SET_FEATURE, 0, 0x85, NULL, 0),
                     -EPIPE);
}

static void test_remote_wakeup(void **state)
{
    fx *f = *state;
    uint8_t b[2];

    f->cfg.attributes |= EMK_USB_CFG_REMOTE_WAKEUP;
    to_configured(f);
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_SET_FEATURE, EMK_USB_FEAT_REMOTE_WAKEUP, 0, NULL, 0),
                     0);
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_STATUS, 0, 0, b, 2), 2);
    assert_int_equal(b[0], 3);
    assert_int_equal(ctl(f, 0, EMK_USB_REQ_CLEAR_FEATURE, EMK_USB_FEAT_REMOTE_WAKEUP, 0, NULL,
                         0), 0);
    assert_int_equal(ctl(f, IN_DEV, EMK_USB_REQ_GET_STATUS, 0, 0, b, 2), 2);
    assert_int_equal(b[0], 1);
}

static void test_interfaces(void **state)
{
    fx *f = *state;
    uint8_t b[64];

    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_INTERFACE, 0, 0, b, 1), -EPIPE);
    to_configured(f);
    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_INTERFACE, 0, 0, b, 1), 1);
    assert_int_equal(b[0], 0);
    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_INTERFACE, 0, 1, b, 1), -EPIPE);
    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_INTERFACE, 0, 0, b, 2), -EPIPE);
    assert_int_equal(emk_usb_ep_queue(&f->u, 0x81, (const uint8_t *)"abcd", 4), 0);
    /* alternate 1: 0x81 and 0x02 go away (with the queued packet), 0x83 appears */
    assert_int_equal(ctl(f, EMK_USB_RECIP_INTERFACE, EMK_USB_REQ_SET_INTERFACE, 2, 0, NULL, 0),
                     -EPIPE);
    assert_int_equal(ctl(f, EMK_USB_RECIP_INTERFACE, EMK_USB_REQ_SET_INTERFACE, 1, 3, NULL, 0),
                     -EPIPE);
    assert_int_equal(ctl(f, EMK_USB_RECIP_INTERFACE, EMK_USB_REQ_SET_INTERFACE, 1, 0, NULL, 0),
                     0);
    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_INTERFACE, 0, 0, b, 1), 1);
    assert_int_equal(b[0], 1);
    assert_int_equal(emk_usb_in(&f->u, 1, b, 64), -EPIPE);
    assert_int_equal(emk_usb_out(&f->u, 2, b, 1), -EPIPE);
    assert_int_equal(emk_usb_ep_halted(&f->u, 0x83), 0);
    assert_int_equal(emk_usb_in(&f->u, 3, b, 64), -EAGAIN);
    memset(b, 7, 64);
    assert_int_equal(emk_usb_ep_queue(&f->u, 0x83, b, 64), 0);
    assert_int_equal(emk_usb_ep_queue(&f->u, 0x83, b, 65), -EMSGSIZE);
    assert_int_equal(emk_usb_in(&f->u, 3, b, 64), 64);
    /* back to 0: the old queue was emptied */
    assert_int_equal(ctl(f, EMK_USB_RECIP_INTERFACE, EMK_USB_REQ_SET_INTERFACE, 0, 0, NULL, 0),
                     0);
    assert_int_equal(emk_usb_in(&f->u, 1, b, 64), -EAGAIN);
    assert_int_equal(emk_usb_in(&f->u, 3, b, 64), -EPIPE);
}

static void test_interrupt_endpoints(void **state)
{
    fx *f = *state;
    uint8_t b[16], r[8];
    unsigned i;

    /* unconfigured: everything stalls, nothing can be queued */
    assert_int_equal(emk_usb_in(&f->u, 1, b, 8), -EPIPE);
    assert_int_equal(emk_usb_out(&f->u, 2, b, 8), -EPIPE);
    assert_int_equal(emk_usb_hid_send(&f->hid, b, 8), -ENODEV);
    to_configured(f);
    assert_int_equal(emk_usb_in(&f->u, 1, b, 8), -EAGAIN);
    assert_int_equal(f->u.stat_naks, 1);
    /* queue order, wakeups, depth 4 */
    for (i = 0; i < 4; i++) {
        memset(r, (int)i, sizeof(r));
        assert_int_equal(emk_usb_hid_send(&f->hid, r, 8), 0);
    }
    assert_int_equal(f->wakeups, 4);
    assert_int_equal(emk_usb_hid_send(&f->hid, r, 8), -ENOSPC);
    assert_int_equal(f->hid.stat_in_dropped, 1);
    assert_int_equal(f->u.stat_in_dropped, 1);
    assert_int_equal(emk_usb_ep_pending(&f->u, 0x81), 4);
    assert_int_equal(emk_usb_hid_send(&f->hid, r, 9), -EMSGSIZE);
    assert_int_equal(emk_usb_in(&f->u, 1, b, 4), -EOVERFLOW);   /* babble: kept */
    in_dones = 0;
    for (i = 0; i < 4; i++) {
        assert_int_equal(emk_usb_in(&f->u, 1, b, sizeof(b)), 8);
        assert_int_equal(b[0], i);
        assert_int_equal(b[7], i);
    }
    assert_int_equal(in_dones, 4);
    assert_int_equal(emk_usb_in(&f->u, 1, b, 8), -EAGAIN);
    /* wrong endpoints: 0, an OUT number read as IN, 16+ */
    assert_int_equal(emk_usb_in(&f->u, 2, b, 8), -EPIPE);
    assert_int_equal(emk_usb_in(&f->u, 0, b, 8), -EPIPE);
    assert_int_equal(emk_usb_in(&f->u, 0x11, b, 8), -EPIPE);
    assert_int_equal(emk_usb_out(&f->u, 1, b, 8), -EPIPE);
    assert_int_equal(emk_usb_out(&f->u, 0x82, b, 8), -EPIPE);
    assert_int_equal(emk_usb_ep_queue(&f->u, 0x02, b, 8), -ENODEV);
    assert_int_equal(emk_usb_ep_queue(&f->u, 0x84, b, 8), -ENODEV);
    /* OUT: to the HID output callback; too long is babble; NAK passes */
    memcpy(b, "output!!", 8);
    assert_int_equal(emk_usb_out(&f->u, 2, b, 8), 0);
    assert_int_equal(f->outs, 1);
    assert_int_equal(f->last_out_len, 8);
    assert_memory_equal(f->last_out, "output!!", 8);
    assert_int_equal(emk_usb_out(&f->u, 2, b, 9), -EOVERFLOW);
    f->nak_outs = 2;
    assert_int_equal(emk_usb_out(&f->u, 2, b, 8), -EAGAIN);
    assert_int_equal(emk_usb_out(&f->u, 2, b, 8), -EAGAIN);
    assert_int_equal(emk_usb_out(&f->u, 2, b, 8), 0);
    assert_int_equal(f->outs, 2);
    /* bus reset empties the queues and deconfigures */
    assert_int_equal(emk_usb_hid_send(&f->hid, r, 8), 0);
    emk_usb_reset(&f->u);
    assert_int_equal(f->u.state, EMK_USB_STATE_DEFAULT);
    assert_int_equal(f->u.address, 0);
    assert_int_equal(emk_usb_ep_pending(&f->u, 0x81), 0);
    to_configured(f);
    assert_int_equal(emk_usb_in(&f->u, 1, b, 8), -EAGAIN);
}

static void test_hid_requests(void **state)
{
    fx *f = *state;
    uint8_t b[256];

    /* the report descriptor needs the interface to exist: configured */
    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_DESCRIPTOR, 0x2200, 0, b, sizeof(rdesc)),
                     -EPIPE);
    to_configured(f);
    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_DESCRIPTOR, 0x2200, 0, b, 255),
                     sizeof(rdesc));
    assert_memory_equal(b, rdesc, sizeof(rdesc));
    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_DESCRIPTOR, 0x2200, 0, b, 3), 3);
    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_DESCRIPTOR, 0x2100, 0, b, 9), 9);
    assert_memory_equal(b, f->hid_desc, 9);
    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_DESCRIPTOR, 0x2200, 1, b, 255), -EPIPE);
    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_DESCRIPTOR, 0x2201, 0, b, 255), -EPIPE);
    assert_int_equal(ctl(f, IN_IF, EMK_USB_REQ_GET_DESCRIPTOR, 0x2300, 0, b, 255), -EPIPE);
    assert_int_equal(ctl(f, EMK_USB_RECIP_INTERFACE, EMK_USB_REQ_GET_DESCRIPTOR, 0x2200, 0, b,
                         34), -EPIPE);
    /* SET_IDLE / GET_IDLE */
    assert_int_equal(ctl(f, CLS_IF, EMK_USB_HID_SET_IDLE, 0x2500, 0, NULL, 0), 0);
    assert_int_equal(ctl(f, CLS_IF | EMK_USB_DIR_IN, EMK_USB_HID_GET_IDLE, 0, 0, b, 1), 1);
    assert_int_equal(b[0], 0x25);
    assert_int_equal(ctl(f, CLS_IF, EMK_USB_HID_SET_IDLE, 0, 0, b, 1), -EPIPE);
    assert_int_equal(ctl(f, CLS_IF | EMK_USB_DIR_IN, EMK_USB_HID_GET_IDLE, 0, 0, b, 2), -EPIPE);
    assert_int_equal(ctl(f, CLS_IF, EMK_USB_HID_SET_IDLE, 0, 1, NULL, 0), -EPIPE);
    /* not a boot interface: no protocol requests */
    assert_int_equal(ctl(f, CLS_IF | EMK_USB_DIR_IN, EMK_USB_HID_GET_PROTOCOL, 0, 0, b, 1),
                     -EPIPE);
    assert_int_equal(ctl(f, CLS_IF, EMK_USB_HID_SET_PROTOCOL, 0, 0, NULL, 0), -EPIPE);
    /* SET_REPORT(Output) reaches the output callback; Input/Feature do not */
    memcpy(b, "setrepor", 8);
    assert_int_equal(ctl(f, CLS_IF, EMK_USB_HID_SET_REPORT, 0x0200, 0, b, 8), 8);
    assert_int_equal(f->outs, 1);
    assert_memory_equal(f->last_out, "setrepor", 8);
    assert_int_equal(ctl(f, CLS_IF, EMK_USB_HID_SET_REPORT, 0x0300, 0, b, 8), -EPIPE);
    assert_int_equal(ctl(f, CLS_IF, EMK_USB_HID_SET_REPORT, 0x0200, 0, NULL, 0), -EPIPE);
    assert_int_equal(ctl(f, CLS_IF | EMK_USB_DIR_IN, EMK_USB_HID_SET_REPORT, 0x0200, 0, b, 8),
                     -EPIPE);
    /* GET_REPORT */
    assert_int_equal(ctl(f, CLS_IF | EMK_USB_DIR_IN, EMK_USB_HID_GET_REPORT, 0x0100, 0, b, 8),
                     8);
    assert_int_equal(b[0], 0xab);
    assert_int_equal(ctl(f, CLS_IF | EMK_USB_DIR_IN, EMK_USB_HID_GET_REPORT, 0x0300, 0, b, 8),
                     -EPIPE);
    assert_int_equal(ctl(f, CLS_IF | EMK_USB_DIR_IN, EMK_USB_HID_GET_REPORT, 0x0400, 0, b, 8),
                     -EPIPE);
    assert_int_equal(ctl(f, CLS_IF, EMK_USB_HID_GET_REPORT, 0x0100, 0, b, 8), -EPIPE);
    /* another interface, an unknown class request, a vendor request */
    assert_int_equal(ctl(f, CLS_IF, EMK_USB_HID_SET_IDLE, 0, 1, NULL, 0), -EPIPE);
    assert_int_equal(ctl(f, CLS_IF | EMK_USB_DIR_IN, 0x42, 0, 0, b, 1), -EPIPE);
    assert_int_equal(ctl(f, EMK_USB_TYPE_VENDOR | IN_IF, 1, 0, 0, b, 1), -EPIPE);
    /* a class request to the HID's endpoint reaches HID, which refuses it */
    assert_int_equal(ctl(f, EMK_USB_TYPE_CLASS | IN_EP, 1, 0, 0x81, b, 1), -EPIPE);
}

static void test_boot_protocol(void **state)
{
    fx *f = *state;
    uint8_t b[2];

    emk_usb_dev_cleanup(&f->u);
    assert_int_equal(emk_usb_dev_init(&f->u, "t", f->loop, &f->desc, NULL, NULL), 0);
    assert_int_equal(emk_usb_hid_init(&f->hid, &f->u, 0, 0x81, 0, 1, rdesc, sizeof(rdesc),
                                      &hid_ops, f), 0);
    to_configured(f);
    assert_int_equal(ctl(f, CLS_IF | EMK_USB_DIR_IN, EMK_USB_HID_GET_PROTOCOL, 0, 0, b, 1), 1);
    assert_int_equal(b[0], 1);
    assert_int_equal(ctl(f, CLS_IF, EMK_USB_HID_SET_PROTOCOL, 0, 0, NULL, 0), 0);
    assert_int_equal(ctl(f, CLS_IF | EMK_USB_DIR_IN, EMK_USB_HID_GET_PROTOCOL, 0, 0, b, 1), 1);
    assert_int_equal(b[0], 0);
    assert_int_equal(ctl(f, CLS_IF, EMK_USB_HID_SET_PROTOCOL, 2, 0, NULL, 0), -EPIPE);
    /* no HID OUT endpoint here: interrupt OUT to 2 goes to nobody's function */
    assert_int_equal(emk_usb_hid_send(&f->hid, b, 2), 0);   /* no host: no wakeup */
    assert_int_equal(f->wakeups, 0);
    /* bus reset returns to the report protocol */
    emk_usb_reset(&f->u);
    to_configured(f);
    assert_int_equal(ctl(f, CLS_IF | EMK_USB_DIR_IN, EMK_USB_HID_GET_PROTOCOL, 0, 0, b, 1), 1);
    assert_int_equal(b[0], 1);
}

/* The same core at high speed and SuperSpeed: per-device speed, packet
 * sizes, a qualifier, BOS and endpoint companions come from the tables. */
static void test_other_speeds(void **state)
{
    fx *f = *state;
    static const uint8_t companion[] = {6, 0x30, 15, 0, 0, 0};
    static const uint8_t bos[] = {5, 15, 12, 0, 1, 7, 16, 2, 2, 0, 0, 0};
    emk_usb_ep_desc eps[2] = {{0x81, EMK_USB_XFER_BULK, 512, 0, 2, NULL, 0},
                              {0x01, EMK_USB_XFER_BULK, 512, 0, 0, NULL, 0}};
    emk_usb_iface_desc ifc = {0, 0, 8, 6, 0x50, 0, NULL, 0, eps, 2};
    emk_usb_config_desc cfg = {1, EMK_USB_CFG_ONE, 250, 0, &ifc, 1};
    emk_usb_device_desc d;
    emk_usb_dev u;
    static uint8_t b[1024];
    uint8_t s[8];

    (void)f;
    memset(&d, 0, sizeof(d));
    d.speed = EMK_USB_SPEED_HIGH;
    d.bcd_usb = 0x0200;
    d.max_packet0 = 64;
    d.configs = &cfg;
    d.n_configs = 1;
    assert_int_equal(emk_usb_dev_init(&u, "hs", F.loop, &d, NULL, NULL), 0);
    emk_usb_setup_make(s, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0600, 0, 10);
    assert_int_equal(emk_usb_control(&u, s, b, sizeof(b)), 10);
    assert_int_equal(b[1], EMK_USB_DT_DEVICE_QUALIFIER);
    assert_int_equal(b[8], 1);
    emk_usb_setup_make(s, 0, EMK_USB_REQ_SET_ADDRESS, 1, 0, 0);
    assert_int_equal(emk_usb_control(&u, s, NULL, 0), 0);
    emk_usb_setup_make(s, 0, EMK_USB_REQ_SET_CONFIGURATION, 1, 0, 0);
    assert_int_equal(emk_usb_control(&u, s, NULL, 0), 0);
    memset(b, 0x5a, 512);
    assert_int_equal(emk_usb_ep_queue(&u, 0x81, b, 512), 0);
    assert_int_equal(emk_usb_in(&u, 1, b, 1024), 512);
    assert_int_equal(emk_usb_out(&u, 1, b, 512), 0);       /* a sink: no function */
    assert_int_equal(emk_usb_out(&u, 1, b, 513), -EOVERFLOW);
    emk_usb_dev_cleanup(&u);

    d.speed = EMK_USB_SPEED_SUPER;
    d.bcd_usb = 0x0320;
    d.max_packet0 = 9;
    d.bos = bos;
    d.bos_len = sizeof(bos);
    eps[0].max_packet = eps[1].max_packet = 1024;
    eps[0].extra = eps[1].extra = companion;
    eps[0].extra_len = eps[1].extra_len = sizeof(companion);
    assert_int_equal(emk_usb_dev_init(&u, "ss", F.loop, &d, NULL, NULL), 0);
    emk_usb_setup_make(s, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0f00, 0, 255);
    assert_int_equal(emk_usb_control(&u, s, b, sizeof(b)), sizeof(bos));
    assert_memory_equal(b, bos, sizeof(bos));
    emk_usb_setup_make(s, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0200, 0, 255);
    assert_int_equal(emk_usb_control(&u, s, b, sizeof(b)), 9 + 9 + 2 * (7 + 6));
    assert_int_equal(b[18 + 8], 0x30);                 /* companion after the endpoint */
    assert_int_equal(b[18 + 4] | b[18 + 5] << 8, 1024);
    emk_usb_setup_make(s, IN_DEV, EMK_USB_REQ_GET_DESCRIPTOR, 0x0100, 0, 18);
    assert_int_equal(emk_usb_control(&u, s, b, sizeof(b)), 18);
    assert_int_equal(b[7], 9);
    emk_usb_setup_make(s, 0, EMK_USB_REQ_SET_ADDRESS, 1, 0, 0);
    assert_int_equal(emk_usb_control(&u, s, NULL, 0), 0);
    emk_usb_setup_make(s, 0, EMK_USB_REQ_SET_CONFIGURATION, 1, 0, 0);
    assert_int_equal(emk_usb_control(&u, s, NULL, 0), 0);
    memset(b, 0x33, 1024);
    assert_int_equal(emk_usb_ep_queue(&u, 0x81, b, 1024), 0);
    assert_int_equal(emk_usb_in(&u, 1, b, 1024), 1024);
    emk_usb_dev_cleanup(&u);
}

static void test_table_checks(void **state)
{
    fx *f = *state;
    emk_usb_dev u;
    emk_usb_function fn = {NULL, NULL, 0, 1};
    static const emk_usb_class_ops ops = {"x", NULL, NULL, NULL, NULL, NULL, NULL};

    f->eps[0].address = 0x80;                   /* endpoint 0 in a table */
    assert_int_equal(emk_usb_dev_init(&u, "x", f->loop, &f->desc, NULL, NULL), -EINVAL);
    f->eps[0].address = 0x81;
    f->eps[0].max_packet = 2048;
    assert_int_equal(emk_usb_dev_init(&u, "x", f->loop, &f->desc, NULL, NULL), -EINVAL);
    f->eps[0].max_packet = 8;
    f->eps[1].address = 0x81;                   /* duplicated in one interface */
    assert_int_equal(emk_usb_dev_init(&u, "x", f->loop, &f->desc, NULL, NULL), -EINVAL);
    f->eps[1].address = 0x02;
    f->ifaces[1].alt = 0;                       /* interface 0 alt 0 twice */
    assert_int_equal(emk_usb_dev_init(&u, "x", f->loop, &f->desc, NULL, NULL), -EINVAL);
    f->ifaces[1].alt = 1;
    f->cfg.value = 0;
    assert_int_equal(emk_usb_dev_init(&u, "x", f->loop, &f->desc, NULL, NULL), -EINVAL);
    f->cfg.value = 1;
    f->desc.n_strings = EMK_USB_MAX_STRINGS + 1;
    assert_int_equal(emk_usb_dev_init(&u, "x", f->loop, &f->desc, NULL, NULL), -EINVAL);
    f->desc.n_strings = 2;
    /* functions: overlapping interfaces, no ops */
    assert_int_equal(emk_usb_add_function(&f->u, &fn), -EINVAL);
    fn.ops = &ops;
    assert_int_equal(emk_usb_add_function(&f->u, &fn), -EINVAL);   /* HID has iface 0 */
    fn.first_iface = 1;
    assert_int_equal(emk_usb_add_function(&f->u, &fn), 0);
    fn.first_iface = 15;
    fn.n_ifaces = 2;
    assert_int_equal(emk_usb_add_function(&f->u, &fn), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_device_descriptor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_descriptor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_address_and_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_and_features, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remote_wakeup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interfaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_endpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hid_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_boot_protocol, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_speeds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_checks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
