/*
 * usb_host_drv.c - the host's side of a USB device on the test machine
 * (emkit/guest/usb_host_drv.h): enumeration as Linux's hub driver does it,
 * descriptor parsing with every length checked, and HID interrupt
 * transfers with NAK retries.
 */
#include <string.h>

#include "emkit/guest/usb_host_drv.h"
#include "emkit/usb_hid.h"

#define NS_PER_MS ((int64_t)1000000)

int emk_usb_host_drv_control(emk_usb_host_drv *d, uint8_t request_type, uint8_t request,
                             uint16_t value, uint16_t index, uint8_t *data, uint16_t len)
{
    uint8_t setup[EMK_USB_SETUP_LEN];

    emk_usb_setup_make(setup, request_type, request, value, index, len);
    d->requests++;
    return emk_usb_control(d->dev, setup, data, len);
}

static int get_desc(emk_usb_host_drv *d, uint8_t type, uint8_t index, uint16_t langid,
                    uint8_t *buf, uint16_t len)
{
    int r = emk_usb_host_drv_control(d, EMK_USB_DIR_IN, EMK_USB_REQ_GET_DESCRIPTOR,
                                     (uint16_t)(type << 8 | index), langid, buf, len);

    if (r < 0)
        return r;
    /* a reply shorter than asked must hold its whole descriptor */
    if (r < 2 || buf[1] != type || (r < len && buf[0] > r))
        return -EPROTO;
    return r;
}

static void get_string(emk_usb_host_drv *d, uint8_t index, char *out)
{
    uint8_t buf[255];
    int r, i, n = 0;

    out[0] = 0;
    if (!index || !d->langid)
        return;
    r = get_desc(d, EMK_USB_DT_STRING, index, d->langid, buf, sizeof(buf));
    if (r < 2 || buf[0] > r)
        return;
    for (i = 2; i + 1 < buf[0] && n < EMK_USB_HOST_DRV_STR_MAX - 1; i += 2)
        out[n++] = buf[i + 1] || buf[i] < 0x20 || buf[i] > 0x7e ? '?' : (char)buf[i];
    out[n] = 0;
}

/* The first Usage Page item of a report descriptor (HID 1.11 6.2.2). */
static uint32_t first_usage_page(const uint8_t *p, size_t len)
{
    size_t i = 0;

    while (i < len) {
        uint8_t b = p[i];
        size_t sz = (b & 3) == 3 ? 4 : (b & 3);
        uint32_t v = 0;
        size_t k;

        if (b == 0xfe) {                     /* long item */
            if (i + 2 >= len)
                break;
            i += 3 + p[i + 1];
            continue;
        }
        if (i + 1 + sz > len)
            break;
        for (k = 0; k < sz; k++)
            v |= (uint32_t)p[i + 1 + k] << (8 * k);
        if ((b & 0xfc) == 0x04)
            return v;
        i += 1 + sz;
    }
    return 0;
}

/* Walks the configuration: the first HID interface (alternate 0), its
 * class descriptor and interrupt endpoints. */
static int parse_config(emk_usb_host_drv *d, size_t *rdesc_len)
{
    const uint8_t *p = d->config;
    size_t off = 9, len = d->config_len;
    int in_hid = 0;

    *rdesc_len = 0;
    d->hid_iface = -1;
    while (off < len) {
        uint8_t l = p[off], t;

        if (l < 2 || off + l > len)
            return -EPROTO;
        t = p[off + 1];
        if (t == EMK_USB_DT_INTERFACE) {
            if (l < 9)
                return -EPROTO;
            in_hid = d->hid_iface < 0 && p[off + 3] == 0 && p[off + 5] == EMK_USB_HID_CLASS;
            if (in_hid)
                d->hid_iface = p[off + 2];
        } else if (t == EMK_USB_HID_DT_HID && in_hid) {
            if (l < 9 || p[off + 6] != EMK_USB_HID_DT_REPORT)
                return -EPROTO;
            *rdesc_len = (size_t)p[off + 7] | (size_t)p[off + 8] << 8;
        } else if (t == EMK_USB_DT_ENDPOINT && in_hid) {
            uint16_t mps = (uint16_t)(p[off + 4] | p[off + 5] << 8);

            if (l < 7)
                return -EPROTO;
            if ((p[off + 3] & 3) == EMK_USB_XFER_INT) {
                if ((p[off + 2] & EMK_USB_DIR_IN) && !d->ep_in) {
                    d->ep_in = p[off + 2];
                    d->in_max = mps;
                } else if (!(p[off + 2] & EMK_USB_DIR_IN) && !d->ep_out) {
                    d->ep_out = p[off + 2];
                    d->out_max = mps;
                }
            }
        }
        off += l;
    }
    if (d->hid_iface >= 0 && (!d->ep_in || !*rdesc_len))
        return -EPROTO;
    return 0;
}

static int enumerate_hid(emk_usb_host_drv *d, size_t rdesc_len)
{
    int r;

    if (rdesc_len > sizeof(d->report_desc))
        return -ENOSPC;
    /* usbhid: SET_IDLE(0); a stall is fine */
    (void)emk_usb_host_drv_control(d, EMK_USB_TYPE_CLASS | EMK_USB_RECIP_INTERFACE,
                                   EMK_USB_HID_SET_IDLE, 0, (uint16_t)d->hid_iface, NULL, 0);
    r = emk_usb_host_drv_control(d, EMK_USB_DIR_IN | EMK_USB_RECIP_INTERFACE,
                                 EMK_USB_REQ_GET_DESCRIPTOR, EMK_USB_HID_DT_REPORT << 8,
                                 (uint16_t)d->hid_iface, d->report_desc,
                                 (uint16_t)rdesc_len);
    if (r < 0)
        return r;
    if ((size_t)r != rdesc_len)
        return -EPROTO;
    d->report_desc_len = rdesc_len;
    d->usage_page = first_usage_page(d->report_desc, rdesc_len);
    return 0;
}

int emk_usb_host_drv_enumerate(emk_usb_host_drv *d, emk_usb_dev *u, uint8_t address,
                               emk_usb_host_idle_fn idle, void *idle_opaque)
{
    uint8_t buf[255];
    size_t total, rdesc_len;
    int r;

    memset(d, 0, sizeof(*d));
    d->dev = u;
    d->idle = idle;
    d->idle_opaque = idle_opaque;
    d->hid_iface = -1;
    if (address == 0 || address > 127)
        return -EINVAL;
    emk_usb_reset(u);
    /* Linux asks for 64 bytes at address 0 and reads bMaxPacketSize0 */
    if ((r = get_desc(d, EMK_USB_DT_DEVICE, 0, 0, buf, 64)) < 0)
        return r;
    if (r < 8 || buf[0] != 18)
        return -EPROTO;
    d->max_packet0 = buf[7];
    emk_usb_reset(u);
    if ((r = emk_usb_host_drv_control(d, 0, EMK_USB_REQ_SET_ADDRESS, address, 0, NULL, 0)) < 0)
        return r;
    d->address = address;
    if ((r = get_desc(d, EMK_USB_DT_DEVICE, 0, 0, d->dev_desc, 18)) < 0)
        return r;
    if (r != 18 || d->dev_desc[0] != 18 || d->dev_desc[17] == 0)
        return -EPROTO;
    d->vendor = (uint16_t)(d->dev_desc[8] | d->dev_desc[9] << 8);
    d->product = (uint16_t)(d->dev_desc[10] | d->dev_desc[11] << 8);
    if ((r = get_desc(d, EMK_USB_DT_CONFIG, 0, 0, buf, 9)) < 0)
        return r;
    if (r != 9 || buf[0] != 9)
        return -EPROTO;
    total = (size_t)buf[2] | (size_t)buf[3] << 8;
    if (total < 9)
        return -EPROTO;
    if (total > sizeof(d->config))
        return -ENOSPC;
    if ((r = get_desc(d, EMK_USB_DT_CONFIG, 0, 0, d->config, (uint16_t)total)) < 0)
        return r;
    if ((size_t)r != total)
        return -EPROTO;
    d->config_len = total;
    d->config_value = d->config[5];
    if ((r = get_desc(d, EMK_USB_DT_STRING, 0, 0, buf, sizeof(buf))) >= 4)
        d->langid = (uint16_t)(buf[2] | buf[3] << 8);
    get_string(d, d->dev_desc[14], d->manufacturer);
    get_string(d, d->dev_desc[15], d->product_name);
    get_string(d, d->dev_desc[16], d->serial);
    if ((r = parse_config(d, &rdesc_len)) < 0)
        return r;
    if ((r = emk_usb_host_drv_control(d, 0, EMK_USB_REQ_SET_CONFIGURATION, d->config_value, 0,
                                      NULL, 0)) < 0)
        return r;
    return d->hid_iface >= 0 ? enumerate_hid(d, rdesc_len) : 0;
}

/* Lets up to `left` ns pass; 0 when the deadline has come. */
static int wait_some(emk_usb_host_drv *d, int64_t *left)
{
    int64_t step;

    if (!d->idle || *left <= 0)
        return 0;
    step = d->idle(d->idle_opaque, *left < NS_PER_MS ? *left : NS_PER_MS);
    *left -= step > 0 ? step : 0;
    return 1;
}

int emk_usb_host_drv_hid_write(emk_usb_host_drv *d, const uint8_t *report, size_t len,
                               int64_t timeout_ns)
{
    int64_t left = timeout_ns;
    int r;

    if (d->hid_iface < 0)
        return -ENODEV;
    if (!d->ep_out) {
        if (len > EMK_USB_CTRL_MAX)
            return -EMSGSIZE;
        r = emk_usb_host_drv_control(d, EMK_USB_TYPE_CLASS | EMK_USB_RECIP_INTERFACE,
                                     EMK_USB_HID_SET_REPORT, EMK_USB_HID_REPORT_OUTPUT << 8,
                                     (uint16_t)d->hid_iface, (uint8_t *)report,
                                     (uint16_t)len);
        return r < 0 ? r : 0;
    }
    for (;;) {
        r = emk_usb_out(d->dev, d->ep_out, report, len);
        if (r != -EAGAIN)
            return r;
        d->naks++;
        if (!wait_some(d, &left))
            return -ETIMEDOUT;
    }
}

int emk_usb_host_drv_hid_read(emk_usb_host_drv *d, uint8_t *buf, size_t cap,
                              int64_t timeout_ns)
{
    int64_t left = timeout_ns;
    int r;

    if (d->hid_iface < 0)
        return -ENODEV;
    for (;;) {
        r = emk_usb_in(d->dev, d->ep_in & 0x0f, buf, cap);
        if (r != -EAGAIN)
            return r;
        d->naks++;
        if (!wait_some(d, &left))
            return 0;
    }
}

int emk_usb_host_drv_ctaphid_xmit(void *opaque, const uint8_t report[64])
{
    return emk_usb_host_drv_hid_write(opaque, report, 64, 1000 * NS_PER_MS);
}

int emk_usb_host_drv_ctaphid_recv(void *opaque, uint8_t report[64], int64_t timeout_ns)
{
    int r = emk_usb_host_drv_hid_read(opaque, report, 64, timeout_ns);

    if (r > 0 && r != 64)
        return -EPROTO;
    return r > 0 ? 1 : r;
}
