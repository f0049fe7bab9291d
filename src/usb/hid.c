/*
 * hid.c - the HID class driver (emkit/usb_hid.h): HID 1.11 section 7's
 * class requests and the report descriptor, as a callback table for the
 * USB device core.
 */
#include <string.h>

#include "emkit/usb_hid.h"
#include "trace_int.h"

static emk_trace_event ev_usb_hid_req = EMK_TRACE_EVENT_INIT("usb_hid_req");

void emk_usb_hid_class_desc(uint8_t out[EMK_USB_HID_DESC_LEN], size_t report_desc_len)
{
    out[0] = EMK_USB_HID_DESC_LEN;
    out[1] = EMK_USB_HID_DT_HID;
    out[2] = 0x11;                  /* bcdHID 1.11 */
    out[3] = 0x01;
    out[4] = 0;                     /* no country */
    out[5] = 1;                     /* one class descriptor */
    out[6] = EMK_USB_HID_DT_REPORT;
    out[7] = (uint8_t)report_desc_len;
    out[8] = (uint8_t)(report_desc_len >> 8);
}

static int hid_descriptor(emk_usb_hid *h, const emk_usb_setup *s, uint8_t *data)
{
    uint8_t type = (uint8_t)(s->value >> 8);
    const uint8_t *src;
    size_t n;

    if (!(s->request_type & EMK_USB_DIR_IN) || (s->value & 0xff))
        return -EPIPE;
    if (type == EMK_USB_HID_DT_REPORT) {
        src = h->report_desc;
        n = h->report_desc_len;
    } else if (type == EMK_USB_HID_DT_HID) {
        src = h->hid_desc;
        n = sizeof(h->hid_desc);
    } else {
        return -EPIPE;
    }
    if (n > s->length)
        n = s->length;
    memcpy(data, src, n);
    return (int)n;
}

static int hid_control(void *opaque, const emk_usb_setup *s, uint8_t *data)
{
    emk_usb_hid *h = opaque;
    int in = (s->request_type & EMK_USB_DIR_IN) != 0;
    uint8_t rtype = (uint8_t)(s->value >> 8), rid = (uint8_t)s->value;

    if ((s->request_type & EMK_USB_RECIP_MASK) != EMK_USB_RECIP_INTERFACE ||
        (s->index & 0xff) != h->iface)
        return -EPIPE;
    if ((s->request_type & EMK_USB_TYPE_MASK) == EMK_USB_TYPE_STANDARD)
        return s->request == EMK_USB_REQ_GET_DESCRIPTOR ? hid_descriptor(h, s, data) : -EPIPE;
    if ((s->request_type & EMK_USB_TYPE_MASK) != EMK_USB_TYPE_CLASS)
        return -EPIPE;
    EMK_TRACE(ev_usb_hid_req, "req=%u value=0x%04x len=%u", s->request, s->value, s->length);
    switch (s->request) {
    case EMK_USB_HID_GET_REPORT:
        if (!in || rtype < EMK_USB_HID_REPORT_INPUT || rtype > EMK_USB_HID_REPORT_FEATURE ||
            !h->ops->get_report || s->length == 0)
            return -EPIPE;
        return h->ops->get_report(h->opaque, rtype, rid, data, s->length);
    case EMK_USB_HID_SET_REPORT:
        if (in || rtype != EMK_USB_HID_REPORT_OUTPUT || s->length == 0 || !h->ops->output)
            return -EPIPE;
        if (h->ops->output(h->opaque, data, s->length) < 0)
            return -EPIPE;
        h->stat_out++;
        return 0;
    case EMK_USB_HID_GET_IDLE:
        if (!in || s->length != 1 || (s->value >> 8))
            return -EPIPE;
        data[0] = h->idle;
        return 1;
    case EMK_USB_HID_SET_IDLE:
        if (in || s->length)
            return -EPIPE;
        h->idle = (uint8_t)(s->value >> 8);
        return 0;
    case EMK_USB_HID_GET_PROTOCOL:
        if (!in || !h->boot || s->length != 1 || s->value)
            return -EPIPE;
        data[0] = h->protocol;
        return 1;
    case EMK_USB_HID_SET_PROTOCOL:
        if (in || !h->boot || s->length || s->value > 1)
            return -EPIPE;
        h->protocol = (uint8_t)s->value;
        return 0;
    default:
        return -EPIPE;
    }
}

static int hid_out(void *opaque, uint8_t ep, const uint8_t *data, size_t len)
{
    emk_usb_hid *h = opaque;
    int r;

    if (ep != h->ep_out || !h->ops->output)
        return -EPIPE;
    r = h->ops->output(h->opaque, data, len);
    if (r == 0)
        h->stat_out++;
    /* NAK and STALL reach the host; other refusals drop the report */
    return r == -EAGAIN || r == -EPIPE ? r : 0;
}

static void hid_in_done(void *opaque, uint8_t ep)
{
    emk_usb_hid *h = opaque;

    if (ep == h->ep_in && h->ops->in_done)
        h->ops->in_done(h->opaque);
}

static void hid_reset(void *opaque)
{
    emk_usb_hid *h = opaque;

    h->idle = 0;
    h->protocol = 1;                     /* report protocol */
}

static const emk_usb_class_ops hid_class = {
    .name = "hid",
    .control = hid_control,
    .out = hid_out,
    .in_done = hid_in_done,
    .reset = hid_reset,
};

int emk_usb_hid_init(emk_usb_hid *h, emk_usb_dev *u, uint8_t iface, uint8_t ep_in,
                     uint8_t ep_out, int boot, const uint8_t *report_desc,
                     size_t report_desc_len, const emk_usb_hid_ops *ops, void *opaque)
{
    memset(h, 0, sizeof(*h));
    if (!(ep_in & EMK_USB_DIR_IN) || (ep_out & EMK_USB_DIR_IN) || !ops || !report_desc ||
        report_desc_len == 0 || report_desc_len > EMK_USB_CTRL_MAX)
        return -EINVAL;
    h->usb = u;
    h->ops = ops;
    h->opaque = opaque;
    h->report_desc = report_desc;
    h->report_desc_len = report_desc_len;
    emk_usb_hid_class_desc(h->hid_desc, report_desc_len);
    h->iface = iface;
    h->ep_in = ep_in;
    h->ep_out = ep_out;
    h->boot = boot ? 1 : 0;
    h->protocol = 1;
    h->fn.ops = &hid_class;
    h->fn.opaque = h;
    h->fn.first_iface = iface;
    h->fn.n_ifaces = 1;
    return emk_usb_add_function(u, &h->fn);
}

int emk_usb_hid_send(emk_usb_hid *h, const uint8_t *report, size_t len)
{
    int r = emk_usb_ep_queue(h->usb, h->ep_in, report, len);

    if (r == 0)
        h->stat_in++;
    else if (r == -ENOSPC)
        h->stat_in_dropped++;
    return r;
}
