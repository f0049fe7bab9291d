/*
 * desc.c - USB descriptors from tables (emkit/usb.h): device, configuration
 * with its interfaces, class descriptors and endpoints, strings (ASCII to
 * UTF-16LE), device qualifier and BOS; the tables' checks.
 */
#include <string.h>

#include "usb_int.h"

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* Appends n bytes at *off, writing only what fits below cap. */
static void emit(uint8_t *buf, size_t cap, size_t *off, const uint8_t *src, size_t n)
{
    if (*off < cap)
        memcpy(buf + *off, src, n < cap - *off ? n : cap - *off);
    *off += n;
}

static size_t config_len(const emk_usb_config_desc *c)
{
    size_t n = 9;
    unsigned i, e;

    for (i = 0; i < c->n_ifaces; i++) {
        n += 9 + c->ifaces[i].extra_len;
        for (e = 0; e < c->ifaces[i].n_eps; e++)
            n += 7 + c->ifaces[i].eps[e].extra_len;
    }
    return n;
}

static unsigned count_ifaces(const emk_usb_config_desc *c)
{
    unsigned i, n = 0;

    for (i = 0; i < c->n_ifaces; i++)
        if (c->ifaces[i].alt == 0)
            n++;
    return n;
}

static size_t build_config(const emk_usb_config_desc *c, uint8_t type, uint8_t *buf,
                           size_t cap)
{
    uint8_t h[9];
    size_t off = 0, total = config_len(c);
    unsigned i, e;

    h[0] = 9;
    h[1] = type;
    put16(h + 2, (uint16_t)total);
    h[4] = (uint8_t)count_ifaces(c);
    h[5] = c->value;
    h[6] = c->i_config;
    h[7] = c->attributes;
    h[8] = c->max_power;
    emit(buf, cap, &off, h, 9);
    for (i = 0; i < c->n_ifaces; i++) {
        const emk_usb_iface_desc *f = &c->ifaces[i];

        h[0] = 9;
        h[1] = EMK_USB_DT_INTERFACE;
        h[2] = f->number;
        h[3] = f->alt;
        h[4] = f->n_eps;
        h[5] = f->cls;
        h[6] = f->subclass;
        h[7] = f->protocol;
        h[8] = f->i_interface;
        emit(buf, cap, &off, h, 9);
        if (f->extra_len)
            emit(buf, cap, &off, f->extra, f->extra_len);
        for (e = 0; e < f->n_eps; e++) {
            const emk_usb_ep_desc *ep = &f->eps[e];

            h[0] = 7;
            h[1] = EMK_USB_DT_ENDPOINT;
            h[2] = ep->address;
            h[3] = ep->attributes;
            put16(h + 4, ep->max_packet);
            h[6] = ep->interval;
            emit(buf, cap, &off, h, 7);
            if (ep->extra_len)
                emit(buf, cap, &off, ep->extra, ep->extra_len);
        }
    }
    return off;
}

/* The device descriptor's 18 bytes. */
static void device_bytes(const emk_usb_device_desc *d, uint8_t h[18])
{
    h[0] = 18;
    h[1] = EMK_USB_DT_DEVICE;
    put16(h + 2, d->bcd_usb);
    h[4] = d->cls;
    h[5] = d->subclass;
    h[6] = d->protocol;
    h[7] = d->max_packet0;
    put16(h + 8, d->vendor);
    put16(h + 10, d->product);
    put16(h + 12, d->bcd_device);
    h[14] = d->i_manufacturer;
    h[15] = d->i_product;
    h[16] = d->i_serial;
    h[17] = d->n_configs;
}

/* A qualifier (USB 2.0 9.6.2) shares bytes 2..7 with the device
 * descriptor; only a device that can run at high speed has one (a
 * full-speed-only device stalls the request). */
static size_t build_device(const emk_usb_device_desc *d, int qualifier, uint8_t *buf,
                           size_t cap)
{
    uint8_t h[18];
    size_t off = 0;

    device_bytes(d, h);
    if (qualifier) {
        h[0] = 10;
        h[1] = EMK_USB_DT_DEVICE_QUALIFIER;
        h[8] = d->n_configs;
        h[9] = 0;
    }
    emit(buf, cap, &off, h, h[0]);
    return off;
}

static size_t build_string(const char *s, uint8_t *buf, size_t cap)
{
    size_t n = strlen(s), i, off = 0;
    uint8_t h[2];

    if (n > 126)
        n = 126;
    h[0] = (uint8_t)(2 + 2 * n);
    h[1] = EMK_USB_DT_STRING;
    emit(buf, cap, &off, h, 2);
    for (i = 0; i < n; i++) {
        h[0] = (uint8_t)(s[i] & 0x7f);
        h[1] = 0;
        emit(buf, cap, &off, h, 2);
    }
    return off;
}

int emk_usb_descriptor(const emk_usb_device_desc *d, uint8_t type, uint8_t index,
                       uint16_t langid, uint8_t *buf, size_t cap)
{
    uint16_t lang = d->langid ? d->langid : 0x0409;

    switch (type) {
    case EMK_USB_DT_DEVICE:
        return index ? -ENOENT : (int)build_device(d, 0, buf, cap);
    case EMK_USB_DT_CONFIG:
        if (index >= d->n_configs)
            return -ENOENT;
        return (int)build_config(&d->configs[index], EMK_USB_DT_CONFIG, buf, cap);
    case EMK_USB_DT_STRING:
        if (index == 0) {
            uint8_t h[4] = {4, EMK_USB_DT_STRING, (uint8_t)lang, (uint8_t)(lang >> 8)};
            size_t off = 0;

            emit(buf, cap, &off, h, 4);
            return 4;
        }
        if (index > d->n_strings || langid != lang || !d->strings[index - 1])
            return -ENOENT;
        return (int)build_string(d->strings[index - 1], buf, cap);
    case EMK_USB_DT_DEVICE_QUALIFIER:
        if (d->speed != EMK_USB_SPEED_HIGH)
            return -ENOENT;
        return (int)build_device(d, 1, buf, cap);
    case EMK_USB_DT_BOS:
        if (!d->bos || d->bcd_usb < 0x0201)
            return -ENOENT;
        {
            size_t off = 0;

            emit(buf, cap, &off, d->bos, d->bos_len);
            return (int)off;
        }
    default:
        return -ENOENT;
    }
}

const emk_usb_config_desc *emk_usb_find_config(const emk_usb_device_desc *d, uint8_t value)
{
    unsigned i;

    for (i = 0; i < d->n_configs; i++)
        if (d->configs[i].value == value)
            return &d->configs[i];
    return NULL;
}

const emk_usb_iface_desc *emk_usb_find_iface(const emk_usb_config_desc *c, uint8_t number,
                                             uint8_t alt)
{
    unsigned i;

    for (i = 0; c && i < c->n_ifaces; i++)
        if (c->ifaces[i].number == number && c->ifaces[i].alt == alt)
            return &c->ifaces[i];
    return NULL;
}

static int check_config(const emk_usb_config_desc *c)
{
    unsigned i, j, e;

    if (c->value == 0 || !(c->attributes & EMK_USB_CFG_ONE) || config_len(c) > EMK_USB_CTRL_MAX)
        return -EINVAL;
    for (i = 0; i < c->n_ifaces; i++) {
        const emk_usb_iface_desc *f = &c->ifaces[i];

        if (f->number >= EMK_USB_MAX_IFACES || (f->extra_len && !f->extra))
            return -EINVAL;
        if (f->alt && !emk_usb_find_iface(c, f->number, 0))
            return -EINVAL;
        for (j = 0; j < i; j++)
            if (c->ifaces[j].number == f->number && c->ifaces[j].alt == f->alt)
                return -EINVAL;
        for (e = 0; e < f->n_eps; e++) {
            const emk_usb_ep_desc *ep = &f->eps[e];
            unsigned k;

            if ((ep->address & 0x0f) == 0 || (ep->address & 0x70) ||
                (ep->attributes & 3) == EMK_USB_XFER_CONTROL ||
                (ep->max_packet & 0x7ff) == 0 || (ep->max_packet & 0x7ff) > EMK_USB_MAX_PACKET ||
                (ep->max_packet & 0xe000) ||
                (ep->extra_len && !ep->extra))
                return -EINVAL;
            for (k = 0; k < e; k++)
                if (f->eps[k].address == ep->address)
                    return -EINVAL;
        }
    }
    return 0;
}

int emk_usb_desc_check(const emk_usb_device_desc *d)
{
    unsigned i;
    int r;

    if (!d || d->speed < EMK_USB_SPEED_LOW || d->speed > EMK_USB_SPEED_SUPER ||
        d->n_strings > EMK_USB_MAX_STRINGS || (d->n_strings && !d->strings) ||
        (d->n_configs && !d->configs) || (d->bos && d->bos_len > EMK_USB_CTRL_MAX) ||
        d->max_packet0 == 0)
        return -EINVAL;
    for (i = 0; i < d->n_configs; i++)
        if ((r = check_config(&d->configs[i])) < 0)
            return r;
    return 0;
}
