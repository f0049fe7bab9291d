/*
 * control.c - endpoint 0 (emkit/usb.h): the setup packet's checks, the
 * standard requests of USB 2.0 chapter 9 with their request errors
 * (STALL), and the routing of class and vendor requests to the class
 * driver that owns the interface or endpoint.
 */
#include <string.h>

#include "trace_int.h"
#include "usb_int.h"

static emk_trace_event ev_usb_setup = EMK_TRACE_EVENT_INIT("usb_setup");
static emk_trace_event ev_usb_stall = EMK_TRACE_EVENT_INIT("usb_stall");

void emk_usb_setup_parse(emk_usb_setup *s, const uint8_t raw[EMK_USB_SETUP_LEN])
{
    s->request_type = raw[0];
    s->request = raw[1];
    s->value = (uint16_t)(raw[2] | raw[3] << 8);
    s->index = (uint16_t)(raw[4] | raw[5] << 8);
    s->length = (uint16_t)(raw[6] | raw[7] << 8);
}

void emk_usb_setup_make(uint8_t raw[EMK_USB_SETUP_LEN], uint8_t request_type,
                        uint8_t request, uint16_t value, uint16_t index, uint16_t length)
{
    raw[0] = request_type;
    raw[1] = request;
    raw[2] = (uint8_t)value;
    raw[3] = (uint8_t)(value >> 8);
    raw[4] = (uint8_t)index;
    raw[5] = (uint8_t)(index >> 8);
    raw[6] = (uint8_t)length;
    raw[7] = (uint8_t)(length >> 8);
}

static int is_in(const emk_usb_setup *s)
{
    return (s->request_type & EMK_USB_DIR_IN) != 0;
}

/* An interface of the current configuration (any alternate). */
static const emk_usb_iface_desc *cur_iface(emk_usb_dev *u, uint16_t index)
{
    if (u->state != EMK_USB_STATE_CONFIGURED || index >= EMK_USB_MAX_IFACES)
        return NULL;
    return emk_usb_find_iface(u->config, (uint8_t)index, u->alt[index]);
}

/* The endpoint wIndex names: 0 always exists; others only when configured. */
static emk_usb_ep *cur_ep(emk_usb_dev *u, uint16_t index, int *is_ep0)
{
    emk_usb_ep *s;

    *is_ep0 = 0;
    if (index & 0xff70)
        return NULL;
    if ((index & 0x0f) == 0) {
        *is_ep0 = 1;
        return NULL;
    }
    if (u->state != EMK_USB_STATE_CONFIGURED)
        return NULL;
    s = emk_usb_ep_get(u, (uint8_t)index);
    return s && s->desc ? s : NULL;
}

static int set_config(emk_usb_dev *u, uint16_t value)
{
    const emk_usb_config_desc *c = NULL;
    unsigned i;

    if (value > 0xff || u->state == EMK_USB_STATE_DEFAULT)
        return -EPIPE;
    if (value && !(c = emk_usb_find_config(u->desc, (uint8_t)value)))
        return -EPIPE;
    memset(u->alt, 0, sizeof(u->alt));
    emk_usb_ep_unbind(u);
    u->config = c;
    u->state = c ? EMK_USB_STATE_CONFIGURED : EMK_USB_STATE_ADDRESS;
    emk_usb_ep_bind(u);
    for (i = 0; i < u->n_fns; i++)
        if (u->fns[i]->ops->set_config)
            u->fns[i]->ops->set_config(u->fns[i]->opaque, (uint8_t)value);
    return 0;
}

static int set_interface(emk_usb_dev *u, uint16_t iface, uint16_t alt)
{
    emk_usb_function *fn;

    if (!cur_iface(u, iface) || alt > 0xff ||
        !emk_usb_find_iface(u->config, (uint8_t)iface, (uint8_t)alt))
        return -EPIPE;
    fn = emk_usb_fn_of_iface(u, (uint8_t)iface);
    if (fn && fn->ops->set_interface &&
        fn->ops->set_interface(fn->opaque, (uint8_t)iface, (uint8_t)alt) < 0)
        return -EPIPE;
    u->alt[iface] = (uint8_t)alt;
    emk_usb_ep_bind(u);
    return 0;
}

static int get_descriptor(emk_usb_dev *u, const emk_usb_setup *s, uint8_t *data)
{
    uint8_t type = (uint8_t)(s->value >> 8), index = (uint8_t)s->value;
    int n;

    if (type == EMK_USB_DT_STRING) {
        if (index != 0 && s->index != (u->desc->langid ? u->desc->langid : 0x0409))
            return -EPIPE;
    } else if (s->index != 0) {
        return -EPIPE;
    }
    n = emk_usb_descriptor(u->desc, type, index, s->index, data, s->length);
    if (n < 0)
        return -EPIPE;
    return n < s->length ? n : s->length;
}

static int feature(emk_usb_dev *u, const emk_usb_setup *s, int set)
{
    int ep0;
    emk_usb_ep *ep;

    if (s->length != 0 || is_in(s))
        return -EPIPE;
    switch (s->request_type & EMK_USB_RECIP_MASK) {
    case EMK_USB_RECIP_DEVICE:
        if (s->index != 0 || s->value != EMK_USB_FEAT_REMOTE_WAKEUP || !u->config ||
            !(u->config->attributes & EMK_USB_CFG_REMOTE_WAKEUP))
            return -EPIPE;         /* TEST_MODE: a full-speed device has none */
        u->remote_wakeup = (uint8_t)set;
        return 0;
    case EMK_USB_RECIP_ENDPOINT:
        if (s->value != EMK_USB_FEAT_ENDPOINT_HALT)
            return -EPIPE;
        ep = cur_ep(u, s->index, &ep0);
        if (ep0)
            return 0;              /* ep0's halt clears itself */
        if (!ep)
            return -EPIPE;
        ep->halted = (uint8_t)set;
        return 0;
    default:
        return -EPIPE;             /* interfaces have no standard features */
    }
}

static int get_status(emk_usb_dev *u, const emk_usb_setup *s, uint8_t *data)
{
    int ep0;
    emk_usb_ep *ep;
    uint16_t st = 0;

    if (!is_in(s) || s->length != 2 || s->value != 0)
        return -EPIPE;
    switch (s->request_type & EMK_USB_RECIP_MASK) {
    case EMK_USB_RECIP_DEVICE:
        if (s->index != 0)
            return -EPIPE;
        if (u->config ? (u->config->attributes & EMK_USB_CFG_SELF_POWERED)
                      : (u->desc->n_configs &&
                         (u->desc->configs[0].attributes & EMK_USB_CFG_SELF_POWERED)))
            st |= 1;
        if (u->remote_wakeup)
            st |= 2;
        break;
    case EMK_USB_RECIP_INTERFACE:
        if (!cur_iface(u, s->index))
            return -EPIPE;
        break;
    case EMK_USB_RECIP_ENDPOINT:
        ep = cur_ep(u, s->index, &ep0);
        if (!ep && !ep0)
            return -EPIPE;
        if (ep && ep->halted)
            st |= 1;
        break;
    default:
        return -EPIPE;
    }
    data[0] = (uint8_t)st;
    data[1] = (uint8_t)(st >> 8);
    return 2;
}

int emk_usb_std_request(emk_usb_dev *u, const emk_usb_setup *s, uint8_t *data)
{
    unsigned recip = s->request_type & EMK_USB_RECIP_MASK;

    switch (s->request) {
    case EMK_USB_REQ_GET_STATUS:
        return get_status(u, s, data);
    case EMK_USB_REQ_CLEAR_FEATURE:
        return feature(u, s, 0);
    case EMK_USB_REQ_SET_FEATURE:
        return feature(u, s, 1);
    case EMK_USB_REQ_SET_ADDRESS:
        if (is_in(s) || recip != EMK_USB_RECIP_DEVICE || s->value > 127 || s->index ||
            s->length || u->state == EMK_USB_STATE_CONFIGURED)
            return -EPIPE;
        u->address = (uint8_t)s->value;
        u->state = s->value ? EMK_USB_STATE_ADDRESS : EMK_USB_STATE_DEFAULT;
        return 0;
    case EMK_USB_REQ_GET_DESCRIPTOR:
        if (!is_in(s) || recip != EMK_USB_RECIP_DEVICE)
            return -EPIPE;
        return get_descriptor(u, s, data);
    case EMK_USB_REQ_GET_CONFIGURATION:
        if (!is_in(s) || recip != EMK_USB_RECIP_DEVICE || s->value || s->index ||
            s->length != 1 || u->state == EMK_USB_STATE_DEFAULT)
            return -EPIPE;
        data[0] = u->config ? u->config->value : 0;
        return 1;
    case EMK_USB_REQ_SET_CONFIGURATION:
        if (is_in(s) || recip != EMK_USB_RECIP_DEVICE || s->index || s->length)
            return -EPIPE;
        return set_config(u, s->value);
    case EMK_USB_REQ_GET_INTERFACE:
        if (!is_in(s) || recip != EMK_USB_RECIP_INTERFACE || s->value || s->length != 1 ||
            !cur_iface(u, s->index))
            return -EPIPE;
        data[0] = u->alt[s->index];
        return 1;
    case EMK_USB_REQ_SET_INTERFACE:
        if (is_in(s) || recip != EMK_USB_RECIP_INTERFACE || s->length)
            return -EPIPE;
        return set_interface(u, s->index, s->value);
    default:
        return -EPIPE;     /* SET_DESCRIPTOR, SYNCH_FRAME (no isochronous), unknown */
    }
}

/* The class driver a request goes to: the interface's or endpoint's owner. */
static emk_usb_function *route(emk_usb_dev *u, const emk_usb_setup *s)
{
    int ep0;
    emk_usb_ep *ep;

    switch (s->request_type & EMK_USB_RECIP_MASK) {
    case EMK_USB_RECIP_INTERFACE:
        if (!cur_iface(u, s->index & 0xff) || (s->index >> 8))
            return NULL;
        return emk_usb_fn_of_iface(u, (uint8_t)s->index);
    case EMK_USB_RECIP_ENDPOINT:
        ep = cur_ep(u, s->index, &ep0);
        return ep ? ep->fn : NULL;
    default:
        return NULL;
    }
}

int emk_usb_control(emk_usb_dev *u, const uint8_t raw[EMK_USB_SETUP_LEN], uint8_t *data,
                    size_t cap)
{
    emk_usb_setup s;
    emk_usb_function *fn;
    int r;

    emk_usb_setup_parse(&s, raw);
    EMK_TRACE(ev_usb_setup, "type=0x%02x req=%u value=0x%04x index=0x%04x len=%u",
              s.request_type, s.request, s.value, s.index, s.length);
    if (s.length > cap || s.length > EMK_USB_CTRL_MAX || (s.length && !data)) {
        r = -EPIPE;
    } else if ((s.request_type & EMK_USB_TYPE_MASK) == EMK_USB_TYPE_STANDARD &&
               !(s.request == EMK_USB_REQ_GET_DESCRIPTOR &&
                 (s.request_type & EMK_USB_RECIP_MASK) == EMK_USB_RECIP_INTERFACE)) {
        r = emk_usb_std_request(u, &s, data);
    } else if ((s.request_type & EMK_USB_TYPE_MASK) == 0x60) {
        r = -EPIPE;                               /* reserved type */
    } else if (!(fn = route(u, &s)) || !fn->ops->control) {
        r = -EPIPE;
    } else {
        r = fn->ops->control(fn->opaque, &s, data);
        if (r > (int)s.length || (!is_in(&s) && r > 0))
            r = -EPIPE;                           /* a driver bug: refuse it */
        if (!is_in(&s) && r == 0)
            r = s.length;
    }
    if (r < 0) {
        r = -EPIPE;
        u->stat_stalls++;
        EMK_TRACE(ev_usb_stall, "type=0x%02x req=%u value=0x%04x index=0x%04x", s.request_type,
                  s.request, s.value, s.index);
    }
    return r;
}
