/*
 * endpoint.c - the non-control endpoints (emkit/usb.h): IN packet queues
 * (storage sized from the tables and taken at init, so no allocation on
 * the I/O path), OUT packets handed to the class driver, halts, and the
 * binding of endpoints to the current configuration's alternate settings.
 */
#include <stdlib.h>
#include <string.h>

#include "trace_int.h"
#include "usb_int.h"

static emk_trace_event ev_usb_in = EMK_TRACE_EVENT_INIT("usb_in");
static emk_trace_event ev_usb_out = EMK_TRACE_EVENT_INIT("usb_out");

emk_usb_ep *emk_usb_ep_get(emk_usb_dev *u, uint8_t ep_addr)
{
    unsigned n = ep_addr & 0x0f;

    if (n == 0 || (ep_addr & 0x70))
        return NULL;
    return ep_addr & EMK_USB_DIR_IN ? &u->ep_in[n] : &u->ep_out[n];
}

emk_usb_function *emk_usb_fn_of_iface(emk_usb_dev *u, uint8_t iface)
{
    unsigned i;

    for (i = 0; i < u->n_fns; i++)
        if (iface >= u->fns[i]->first_iface &&
            iface < u->fns[i]->first_iface + u->fns[i]->n_ifaces)
            return u->fns[i];
    return NULL;
}

/* The largest queue any configuration asks for, per IN endpoint. */
int emk_usb_ep_alloc(emk_usb_dev *u)
{
    const emk_usb_device_desc *d = u->desc;
    unsigned c, i, e, n;

    for (c = 0; c < d->n_configs; c++)
        for (i = 0; i < d->configs[c].n_ifaces; i++) {
            const emk_usb_iface_desc *f = &d->configs[c].ifaces[i];

            for (e = 0; e < f->n_eps; e++) {
                const emk_usb_ep_desc *ep = &f->eps[e];
                emk_usb_ep *s = emk_usb_ep_get(u, ep->address);
                uint16_t depth = ep->queue_depth ? ep->queue_depth : 1;
                uint16_t cap = (uint16_t)(ep->max_packet & 0x7ff);

                if (!(ep->address & EMK_USB_DIR_IN))
                    continue;
                if (depth > s->depth)
                    s->depth = depth;
                if (cap > s->cap)
                    s->cap = cap;
            }
        }
    for (n = 1; n < EMK_USB_MAX_EP; n++) {
        emk_usb_ep *s = &u->ep_in[n];

        if (!s->depth)
            continue;
        s->buf = malloc((size_t)s->depth * s->cap);
        s->lens = malloc((size_t)s->depth * sizeof(*s->lens));
        if (!s->buf || !s->lens) {
            emk_usb_ep_free(u);
            return -ENOMEM;
        }
    }
    return 0;
}

void emk_usb_ep_free(emk_usb_dev *u)
{
    unsigned n;

    for (n = 0; n < EMK_USB_MAX_EP; n++) {
        free(u->ep_in[n].buf);
        free(u->ep_in[n].lens);
        u->ep_in[n].buf = NULL;
        u->ep_in[n].lens = NULL;
    }
}

static void unbind_one(emk_usb_ep *s)
{
    s->desc = NULL;
    s->fn = NULL;
    s->head = s->tail = 0;
    s->halted = 0;
}

void emk_usb_ep_unbind(emk_usb_dev *u)
{
    unsigned n;

    for (n = 0; n < EMK_USB_MAX_EP; n++) {
        unbind_one(&u->ep_in[n]);
        unbind_one(&u->ep_out[n]);
    }
}

/* Points every endpoint at its descriptor in the current alternate
 * settings.  Endpoints that change lose their queued packets. */
void emk_usb_ep_bind(emk_usb_dev *u)
{
    const emk_usb_config_desc *c = u->config;
    unsigned i, e, n;
    uint8_t seen_in[EMK_USB_MAX_EP] = {0}, seen_out[EMK_USB_MAX_EP] = {0};

    for (i = 0; c && i < c->n_ifaces; i++) {
        const emk_usb_iface_desc *f = &c->ifaces[i];

        if (f->alt != u->alt[f->number])
            continue;
        for (e = 0; e < f->n_eps; e++) {
            emk_usb_ep *s = emk_usb_ep_get(u, f->eps[e].address);

            if (s->desc != &f->eps[e])
                unbind_one(s);
            s->desc = &f->eps[e];
            s->fn = emk_usb_fn_of_iface(u, f->number);
            if (f->eps[e].address & EMK_USB_DIR_IN)
                seen_in[f->eps[e].address & 0x0f] = 1;
            else
                seen_out[f->eps[e].address & 0x0f] = 1;
        }
    }
    for (n = 1; n < EMK_USB_MAX_EP; n++) {
        if (!seen_in[n])
            unbind_one(&u->ep_in[n]);
        if (!seen_out[n])
            unbind_one(&u->ep_out[n]);
    }
}

int emk_usb_in(emk_usb_dev *u, uint8_t ep, uint8_t *buf, size_t cap)
{
    emk_usb_ep *s = emk_usb_ep_get(u, (uint8_t)(ep | EMK_USB_DIR_IN));
    size_t len;

    if (!s || u->state != EMK_USB_STATE_CONFIGURED || !s->desc || s->halted) {
        u->stat_stalls++;
        return -EPIPE;
    }
    if (s->head == s->tail) {
        u->stat_naks++;
        return -EAGAIN;
    }
    len = s->lens[s->head % s->depth];
    if (len > cap)
        return -EOVERFLOW;
    memcpy(buf, s->buf + (size_t)(s->head % s->depth) * s->cap, len);
    s->head++;
    EMK_TRACE(ev_usb_in, "ep=0x%02x len=%u left=%u", ep | 0x80u, (unsigned)len,
              s->tail - s->head);
    if (s->fn && s->fn->ops->in_done)
        s->fn->ops->in_done(s->fn->opaque, (uint8_t)(ep | EMK_USB_DIR_IN));
    return (int)len;
}

int emk_usb_out(emk_usb_dev *u, uint8_t ep, const uint8_t *data, size_t len)
{
    emk_usb_ep *s = emk_usb_ep_get(u, (uint8_t)(ep & 0x7f));
    int r;

    if (!s || (ep & EMK_USB_DIR_IN) || u->state != EMK_USB_STATE_CONFIGURED || !s->desc ||
        s->halted) {
        u->stat_stalls++;
        return -EPIPE;
    }
    if (len > (size_t)(s->desc->max_packet & 0x7ff))
        return -EOVERFLOW;
    EMK_TRACE(ev_usb_out, "ep=0x%02x len=%u", ep, (unsigned)len);
    if (!s->fn || !s->fn->ops->out)
        return 0;                         /* a sink */
    r = s->fn->ops->out(s->fn->opaque, ep, data, len);
    if (r == -EAGAIN)
        u->stat_naks++;
    else if (r < 0)
        u->stat_stalls++;
    return r == -EAGAIN || r == -EPIPE ? r : r < 0 ? -EPIPE : 0;
}

int emk_usb_ep_queue(emk_usb_dev *u, uint8_t ep_addr, const uint8_t *data, size_t len)
{
    emk_usb_ep *s = emk_usb_ep_get(u, ep_addr);

    if (!s || !(ep_addr & EMK_USB_DIR_IN) || !s->desc || !s->buf)
        return -ENODEV;
    if (len > (size_t)(s->desc->max_packet & 0x7ff) || len > s->cap)
        return -EMSGSIZE;
    if (s->tail - s->head >= s->depth) {
        u->stat_in_dropped++;
        return -ENOSPC;
    }
    if (len)
        memcpy(s->buf + (size_t)(s->tail % s->depth) * s->cap, data, len);
    s->lens[s->tail % s->depth] = (uint16_t)len;
    s->tail++;
    if (u->host && u->host->wakeup)
        u->host->wakeup(u->host_opaque, ep_addr);
    return 0;
}

unsigned emk_usb_ep_pending(const emk_usb_dev *u, uint8_t ep_addr)
{
    unsigned n = ep_addr & 0x0f;

    if (!(ep_addr & EMK_USB_DIR_IN) || n == 0)
        return 0;
    return u->ep_in[n].tail - u->ep_in[n].head;
}

int emk_usb_ep_halted(const emk_usb_dev *u, uint8_t ep_addr)
{
    unsigned n = ep_addr & 0x0f;
    const emk_usb_ep *s = ep_addr & EMK_USB_DIR_IN ? &u->ep_in[n] : &u->ep_out[n];

    if (n == 0 || (ep_addr & 0x70) || !s->desc)
        return -ENODEV;
    return s->halted;
}
