/*
 * usb_fido.c - the FIDO key as a USB HID function (emkit/usb_fido.h):
 * descriptor tables, output reports into emk_fido_hid_input, the key's
 * input reports onto the interrupt IN queue.  Glue only.
 */
#include <string.h>

#include "usb_fido_int.h"

static const char *const fido_strings[] = {"emkit", "emkit FIDO2 key", "EMK0001"};

static int fido_output(void *opaque, const uint8_t *report, size_t len)
{
    emk_usb_fido *f = opaque;

    /* the key ignores (with -EINVAL) anything but a 64-byte report */
    (void)emk_fido_hid_input(f->key, report, len);
    return 0;
}

static void fido_send(void *opaque, const uint8_t report[EMK_FIDO_REPORT])
{
    emk_usb_fido *f = opaque;

    (void)emk_usb_hid_send(&f->hid, report, EMK_FIDO_REPORT);
}

static const emk_usb_hid_ops fido_hid_ops = {
    .output = fido_output,
};

static const emk_fido_ops fido_key_ops = {
    .send_report = fido_send,
};

static void build_tables(emk_usb_fido *f, size_t rdesc_len, int speed)
{
    /* 5 ms at full speed (frames); 2^(4-1) microframes = 1 ms at high speed */
    uint8_t interval = speed == EMK_USB_SPEED_HIGH ? 4 : 5;

    emk_usb_hid_class_desc(f->hid_desc, rdesc_len);
    f->eps[0].address = EMK_USB_FIDO_EP_IN;
    f->eps[0].attributes = EMK_USB_XFER_INT;
    f->eps[0].max_packet = EMK_FIDO_REPORT;
    f->eps[0].interval = interval;
    f->eps[0].queue_depth = EMK_USB_FIDO_QUEUE;
    f->eps[1].address = EMK_USB_FIDO_EP_OUT;
    f->eps[1].attributes = EMK_USB_XFER_INT;
    f->eps[1].max_packet = EMK_FIDO_REPORT;
    f->eps[1].interval = interval;
    f->iface.number = 0;
    f->iface.cls = EMK_USB_HID_CLASS;
    f->iface.extra = f->hid_desc;
    f->iface.extra_len = sizeof(f->hid_desc);
    f->iface.eps = f->eps;
    f->iface.n_eps = 2;
    f->config.value = 1;
    f->config.attributes = EMK_USB_CFG_ONE;
    f->config.max_power = 50;                   /* 100 mA */
    f->config.ifaces = &f->iface;
    f->config.n_ifaces = 1;
    f->desc.speed = speed;
    f->desc.bcd_usb = 0x0200;
    f->desc.max_packet0 = 64;
    f->desc.vendor = EMK_USB_FIDO_VENDOR;
    f->desc.product = EMK_USB_FIDO_PRODUCT;
    f->desc.bcd_device = 0x0100;
    f->desc.i_manufacturer = 1;
    f->desc.i_product = 2;
    f->desc.i_serial = 3;
    f->desc.configs = &f->config;
    f->desc.n_configs = 1;
    f->desc.strings = f->strings;
    f->desc.n_strings = 3;
}

int emk_usb_fido_setup(emk_usb_fido *f, emk_loop *loop, int speed, const char *serial,
                       const emk_usb_hid_ops *hid_ops, const emk_usb_host_ops *host,
                       void *host_opaque)
{
    size_t rlen = 0;
    const uint8_t *rdesc = emk_fido_hid_descriptor(&rlen);
    int r;

    memset(f, 0, sizeof(*f));
    f->link_fd = -1;
    if (speed != EMK_USB_SPEED_FULL && speed != EMK_USB_SPEED_HIGH)
        return -EINVAL;
    build_tables(f, rlen, speed);
    f->strings[0] = fido_strings[0];
    f->strings[1] = fido_strings[1];
    f->strings[2] = serial;
    if ((r = emk_usb_dev_init(&f->usb, "usb-fido", loop, &f->desc, host, host_opaque)) < 0)
        return r;
    r = emk_usb_hid_init(&f->hid, &f->usb, 0, EMK_USB_FIDO_EP_IN, EMK_USB_FIDO_EP_OUT, 0,
                         rdesc, rlen, hid_ops, f);
    if (r < 0)
        emk_usb_dev_cleanup(&f->usb);
    return r;
}

int emk_usb_fido_init(emk_usb_fido *f, emk_loop *loop, const emk_fido_config *cfg,
                      int speed, const emk_usb_host_ops *host, void *host_opaque)
{
    int r = emk_usb_fido_setup(f, loop, speed, fido_strings[2], &fido_hid_ops, host,
                               host_opaque);

    if (r == 0 && (r = emk_fido_new(&f->key, loop, cfg, &fido_key_ops, f)) < 0) {
        emk_usb_dev_cleanup(&f->usb);
        f->key = NULL;
    }
    return r;
}

void emk_usb_fido_reset(emk_usb_fido *f)
{
    emk_usb_reset(&f->usb);
}

void emk_usb_fido_cleanup(emk_usb_fido *f)
{
    emk_fido_free(f->key);
    f->key = NULL;
    emk_usb_fido_link_close(f);
    emk_usb_dev_cleanup(&f->usb);
}
