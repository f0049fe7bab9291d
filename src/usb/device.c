/*
 * device.c - a USB device's lifecycle (emkit/usb.h): init from checked
 * tables, class driver registration, bus reset, cleanup.
 */
#include <string.h>

#include "trace_int.h"
#include "usb_int.h"

static emk_trace_event ev_usb_reset = EMK_TRACE_EVENT_INIT("usb_reset");

int emk_usb_dev_init(emk_usb_dev *u, const char *name, emk_loop *loop,
                     const emk_usb_device_desc *desc, const emk_usb_host_ops *host,
                     void *host_opaque)
{
    int r;

    memset(u, 0, sizeof(*u));
    if ((r = emk_usb_desc_check(desc)) < 0)
        return r;
    emk_dev_init(&u->dev, name, NULL, loop);
    u->desc = desc;
    u->host = host;
    u->host_opaque = host_opaque;
    if ((r = emk_usb_ep_alloc(u)) < 0)
        return r;
    return 0;
}

int emk_usb_add_function(emk_usb_dev *u, emk_usb_function *fn)
{
    unsigned i;

    if (!fn || !fn->ops || !fn->n_ifaces || fn->first_iface + fn->n_ifaces > EMK_USB_MAX_IFACES)
        return -EINVAL;
    if (u->n_fns == EMK_USB_MAX_FUNCTIONS)
        return -ENOSPC;
    for (i = 0; i < u->n_fns; i++)
        if (fn->first_iface < u->fns[i]->first_iface + u->fns[i]->n_ifaces &&
            u->fns[i]->first_iface < fn->first_iface + fn->n_ifaces)
            return -EINVAL;
    u->fns[u->n_fns++] = fn;
    if (u->config)
        emk_usb_ep_bind(u);
    return 0;
}

void emk_usb_reset(emk_usb_dev *u)
{
    unsigned i;

    EMK_TRACE(ev_usb_reset, "%s", u->dev.name ? u->dev.name : "usb");
    emk_usb_ep_unbind(u);
    u->config = NULL;
    u->state = EMK_USB_STATE_DEFAULT;
    u->address = 0;
    u->remote_wakeup = 0;
    memset(u->alt, 0, sizeof(u->alt));
    for (i = 0; i < u->n_fns; i++) {
        if (u->fns[i]->ops->set_config)
            u->fns[i]->ops->set_config(u->fns[i]->opaque, 0);
        if (u->fns[i]->ops->reset)
            u->fns[i]->ops->reset(u->fns[i]->opaque);
    }
}

void emk_usb_dev_cleanup(emk_usb_dev *u)
{
    emk_usb_ep_free(u);
    u->n_fns = 0;
    u->config = NULL;
}
