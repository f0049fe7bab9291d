/*
 * usb-fido.c - `-device emkit-fido`: emkit's FIDO2/U2F key (hw/fido/) as
 * a full-speed USB HID device (hw/usb-fido/ on the USB device core
 * src/usb/), plugged into QEMU's qemu-xhci or usb-ehci.  Linux binds
 * usbhid + hid-generic and fido2-tools find it through hidraw.
 *
 *   -device emkit-fido[,state=FILE][,presence=always|deny|delay:MS]
 *                     [,mode=emulated][,stats=on]
 *   -device emkit-fido,mode=passthru,(hidraw=PATH|mux=SOCKET)[,stats=on]
 *
 * The adapter maps QEMU 7.2's USBDevice onto the core with emkit's own
 * descriptor tables: handle_control hands whole control transfers to
 * emk_usb_control (SET_ADDRESS also sets dev->addr, SET_CONFIGURATION and
 * SET_INTERFACE mirror the core's endpoints into QEMU's USBEndpoints),
 * handle_data moves interrupt packets (USB_RET_NAK when no report is
 * queued; a queued report calls usb_wakeup).  The key's loop is an emkit
 * loop driven by QEMU's main loop (the BQL is held for every USB call).
 * mode=passthru puts the same USB device in front of a key elsewhere: a
 * host hidraw node (hidraw=) or a SOCK_SEQPACKET socket speaking 64-byte
 * reports (mux=: `emkit fido serve --hid-socket`, later the mux daemon).
 * Reports pass unchanged both ways, KEEPALIVEs included, so a CTAP2 wait
 * for the user stays one transaction (QEMU's u2f-passthru closes it on
 * the first KEEPALIVE, QEMU issue #2293).  Sharing one key between
 * several guests and the host (CID rewriting) is the mux's job.
 *
 * emkit-requires: emk_usb_fido_init emk_usb_control
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "qapi/error.h"
#include "qemu/module.h"
#include "qemu/cutils.h"
#include "hw/usb.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "qemu/notify.h"
#include "sysemu/sysemu.h"

#include "emk-qemu.h"
#include "emkit/usb_fido.h"

#define TYPE_EMKIT_FIDO "emkit-fido"
OBJECT_DECLARE_SIMPLE_TYPE(EmkFido, EMKIT_FIDO)

struct EmkFido {
    USBDevice parent_obj;
    EmkQemuHost host;
    emk_usb_fido fido;
    bool inited;
    Notifier exit_notifier;
    /* properties */
    char *state;
    char *presence;
    char *mode;
    char *hidraw;
    char *mux;
    bool stats;
};

static void emkit_fido_report(Notifier *n, void *data)
{
    EmkFido *s = container_of(n, EmkFido, exit_notifier);

    if (!s->inited) {
        return;
    }
    fprintf(stderr, "emkit-fido stats: mode=%s out_reports=%llu in_reports=%llu "
            "in_dropped=%llu stalls=%llu naks=%llu link_out=%llu link_in=%llu "
            "link_errors=%llu key_error=%d\n", s->fido.key ? "emulated" : "passthru",
            (unsigned long long)s->fido.hid.stat_out,
            (unsigned long long)s->fido.hid.stat_in,
            (unsigned long long)s->fido.hid.stat_in_dropped,
            (unsigned long long)s->fido.usb.stat_stalls,
            (unsigned long long)s->fido.usb.stat_naks,
            (unsigned long long)s->fido.stat_link_out,
            (unsigned long long)s->fido.stat_link_in,
            (unsigned long long)s->fido.stat_link_errors,
            s->fido.key ? emk_fido_error(s->fido.key) : 0);
}

/* The core queued a report on an IN endpoint that may have NAKed. */
static void emkit_fido_wakeup(void *opaque, uint8_t ep_addr)
{
    EmkFido *s = opaque;
    USBDevice *dev = USB_DEVICE(s);
    USBEndpoint *ep = usb_ep_get(dev, USB_TOKEN_IN, ep_addr & 0x0f);

    if (dev->attached && ep) {
        usb_wakeup(ep, 0);
    }
}

static const emk_usb_host_ops emkit_fido_host_ops = {
    .wakeup = emkit_fido_wakeup,
};

/* presence=always|deny|delay:MS */
static int parse_presence(const char *p, int *policy, uint32_t *delay)
{
    uint64_t ms;

    *delay = 0;
    if (!p || !strcmp(p, "always")) {
        *policy = EMK_FIDO_UP_ALWAYS;
        return 0;
    }
    if (!strcmp(p, "deny")) {
        *policy = EMK_FIDO_UP_DENY;
        return 0;
    }
    if (!strncmp(p, "delay:", 6) && !qemu_strtou64(p + 6, NULL, 10, &ms) &&
        ms <= 600000) {
        *policy = EMK_FIDO_UP_AFTER;
        *delay = (uint32_t)ms;
        return 0;
    }
    return -EINVAL;
}

/* QEMU's USBEndpoints follow the core's current configuration. */
static void emkit_fido_sync_eps(EmkFido *s)
{
    USBDevice *dev = USB_DEVICE(s);
    const emk_usb_dev *u = &s->fido.usb;
    unsigned n;

    usb_ep_reset(dev);
    for (n = 1; n < EMK_USB_MAX_EP; n++) {
        const emk_usb_ep_desc *in = u->ep_in[n].desc, *out = u->ep_out[n].desc;

        if (in) {
            usb_ep_set_type(dev, USB_TOKEN_IN, n, in->attributes & 3);
            usb_ep_set_ifnum(dev, USB_TOKEN_IN, n, 0);
            usb_ep_set_max_packet_size(dev, USB_TOKEN_IN, n, in->max_packet);
        }
        if (out) {
            usb_ep_set_type(dev, USB_TOKEN_OUT, n, out->attributes & 3);
            usb_ep_set_ifnum(dev, USB_TOKEN_OUT, n, 0);
            usb_ep_set_max_packet_size(dev, USB_TOKEN_OUT, n, out->max_packet);
        }
    }
}

static void emkit_fido_handle_control(USBDevice *dev, USBPacket *p, int request,
                                      int value, int index, int length,
                                      uint8_t *data)
{
    EmkFido *s = EMKIT_FIDO(dev);
    uint8_t setup[EMK_USB_SETUP_LEN];
    int r;

    emk_usb_setup_make(setup, (uint8_t)(request >> 8), (uint8_t)request,
                       (uint16_t)value, (uint16_t)index, (uint16_t)length);
    /* QEMU's data_buf is 4096 bytes and do_token_setup refuses longer */
    r = emk_usb_control(&s->fido.usb, setup, data, sizeof(dev->data_buf));
    /* xHCI's Address Device sends SET_ADDRESS itself, with no packet */
    if (r < 0) {
        if (p) {
            p->status = USB_RET_STALL;
        }
        return;
    }
    if (p && ((request >> 8) & USB_DIR_IN)) {
        p->actual_length = r;
    }
    switch (request) {
    case DeviceOutRequest | USB_REQ_SET_ADDRESS:
        dev->addr = value;
        break;
    case DeviceOutRequest | USB_REQ_SET_CONFIGURATION:
    case InterfaceOutRequest | USB_REQ_SET_INTERFACE:
        emkit_fido_sync_eps(s);
        break;
    default:
        break;
    }
}

static void emkit_fido_handle_data(USBDevice *dev, USBPacket *p)
{
    EmkFido *s = EMKIT_FIDO(dev);
    uint8_t buf[EMK_USB_MAX_PACKET];
    size_t len = p->iov.size;
    int r;

    switch (p->pid) {
    case USB_TOKEN_IN:
        r = emk_usb_in(&s->fido.usb, p->ep->nr, buf,
                       len < sizeof(buf) ? len : sizeof(buf));
        if (r >= 0) {
            usb_packet_copy(p, buf, r);
            return;
        }
        break;
    case USB_TOKEN_OUT:
        if (len > sizeof(buf)) {
            p->status = USB_RET_BABBLE;
            return;
        }
        usb_packet_copy(p, buf, len);
        r = emk_usb_out(&s->fido.usb, p->ep->nr, buf, len);
        if (r >= 0) {
            return;
        }
        break;
    default:
        r = -EPIPE;
        break;
    }
    p->status = r == -EAGAIN ? USB_RET_NAK :
                r == -EOVERFLOW ? USB_RET_BABBLE : USB_RET_STALL;
}

static void emkit_fido_handle_reset(USBDevice *dev)
{
    EmkFido *s = EMKIT_FIDO(dev);

    if (s->inited) {
        emk_usb_fido_reset(&s->fido);
        usb_ep_reset(dev);
    }
}

/* mode=passthru: the key's fd, a hidraw node or a connected socket. */
static int emkit_fido_open_link(EmkFido *s, int *kind, Error **errp)
{
    struct sockaddr_un sa;
    int fd;

    if (!!s->hidraw == !!s->mux) {
        error_setg(errp, "emkit-fido: mode=passthru needs one of hidraw=PATH "
                   "or mux=SOCKET");
        return -1;
    }
    if (s->state || s->presence) {
        error_setg(errp, "emkit-fido: state= and presence= belong to the "
                   "emulated key (mode=emulated)");
        return -1;
    }
    if (s->hidraw) {
        *kind = EMK_USB_FIDO_LINK_HIDRAW;
        fd = open(s->hidraw, O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            error_setg_errno(errp, errno, "emkit-fido: cannot open %s", s->hidraw);
        }
        return fd;
    }
    *kind = EMK_USB_FIDO_LINK_SEQPACKET;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(s->mux) >= sizeof(sa.sun_path)) {
        error_setg(errp, "emkit-fido: mux= path too long");
        return -1;
    }
    strcpy(sa.sun_path, s->mux);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        error_setg_errno(errp, errno, "emkit-fido: cannot connect to %s", s->mux);
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

static void emkit_fido_realize(USBDevice *dev, Error **errp)
{
    EmkFido *s = EMKIT_FIDO(dev);
    EmkQemuLoopConf lc = { 0 };
    emk_fido_config cfg;
    bool passthru = s->mode && !strcmp(s->mode, "passthru");
    int r, speed, fd = -1, kind = 0;

    memset(&cfg, 0, sizeof(cfg));
    if (s->mode && !passthru && strcmp(s->mode, "emulated")) {
        error_setg(errp, "emkit-fido: mode must be emulated or passthru");
        return;
    }
    if (!passthru && (s->hidraw || s->mux)) {
        error_setg(errp, "emkit-fido: hidraw= and mux= need mode=passthru");
        return;
    }
    if (!passthru &&
        parse_presence(s->presence, &cfg.up_policy, &cfg.up_delay_ms) < 0) {
        error_setg(errp, "emkit-fido: presence must be always, deny or "
                   "delay:MS (MS up to 600000)");
        return;
    }
    cfg.state_path = s->state;
    /* full speed, as keys are; high speed on a port without it (usb-ehci
     * without companion controllers).  The port is claimed before realize. */
    speed = EMK_USB_SPEED_FULL;
    if (dev->port && !(dev->port->speedmask & USB_SPEED_MASK_FULL) &&
        (dev->port->speedmask & USB_SPEED_MASK_HIGH)) {
        speed = EMK_USB_SPEED_HIGH;
    }
    if (passthru && (fd = emkit_fido_open_link(s, &kind, errp)) < 0) {
        return;
    }
    if (emk_qemu_host_init(&s->host, NULL, TYPE_EMKIT_FIDO, &lc, errp) < 0) {
        if (fd >= 0) {
            close(fd);
        }
        return;
    }
    s->host.owner = OBJECT(dev);
    if (passthru) {
        r = emk_usb_fido_init_passthru(&s->fido, s->host.loop, fd, kind, speed,
                                       &emkit_fido_host_ops, s);
    } else {
        r = emk_usb_fido_init(&s->fido, s->host.loop, &cfg, speed,
                              &emkit_fido_host_ops, s);
    }
    if (r < 0) {
        error_setg_errno(errp, -r, "emkit-fido: cannot create the %s%s%s",
                         passthru ? "pass-through device" : "key",
                         s->state ? " from state file " : "",
                         s->state ? s->state : "");
        emk_qemu_host_cleanup(&s->host);
        return;
    }
    dev->speed = speed == EMK_USB_SPEED_HIGH ? USB_SPEED_HIGH : USB_SPEED_FULL;
    dev->speedmask = 1 << dev->speed;
    s->inited = true;
    if (s->stats) {
        s->exit_notifier.notify = emkit_fido_report;
        qemu_add_exit_notifier(&s->exit_notifier);
    }
}

static void emkit_fido_unrealize(USBDevice *dev)
{
    EmkFido *s = EMKIT_FIDO(dev);

    if (!s->inited) {
        return;
    }
    emk_qemu_host_quiesce(&s->host);
    if (s->stats) {
        emkit_fido_report(&s->exit_notifier, NULL);
        qemu_remove_exit_notifier(&s->exit_notifier);
    }
    emk_usb_fido_cleanup(&s->fido);
    s->inited = false;
    emk_qemu_host_cleanup(&s->host);
}

static const VMStateDescription emkit_fido_vmstate = {
    .name = TYPE_EMKIT_FIDO,
    .unmigratable = 1,   /* emkit's portable API has no save/load hooks yet */
};

static Property emkit_fido_props[] = {
    DEFINE_PROP_STRING("state", EmkFido, state),
    DEFINE_PROP_STRING("presence", EmkFido, presence),
    DEFINE_PROP_STRING("mode", EmkFido, mode),
    DEFINE_PROP_STRING("hidraw", EmkFido, hidraw),
    DEFINE_PROP_STRING("mux", EmkFido, mux),
    DEFINE_PROP_BOOL("stats", EmkFido, stats, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void emkit_fido_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    USBDeviceClass *uc = USB_DEVICE_CLASS(oc);

    uc->product_desc = "emkit FIDO2 key";
    uc->realize = emkit_fido_realize;
    uc->unrealize = emkit_fido_unrealize;
    uc->handle_reset = emkit_fido_handle_reset;
    uc->handle_control = emkit_fido_handle_control;
    uc->handle_data = emkit_fido_handle_data;
    uc->handle_attach = NULL;
    dc->desc = "emkit FIDO2/U2F security key (emkit hw/fido + src/usb)";
    dc->vmsd = &emkit_fido_vmstate;
    device_class_set_props(dc, emkit_fido_props);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo emkit_fido_info = {
    .name = TYPE_EMKIT_FIDO,
    .parent = TYPE_USB_DEVICE,
    .instance_size = sizeof(EmkFido),
    .class_init = emkit_fido_class_init,
};

static void emkit_fido_register_types(void)
{
    type_register_static(&emkit_fido_info);
}

type_init(emkit_fido_register_types)
