/*
 * passthru.c - the FIDO USB device in front of a key elsewhere
 * (emkit/usb_fido.h, emk_usb_fido_init_passthru): 64-byte reports both
 * ways over a hidraw node or a SOCK_SEQPACKET socket, unchanged, on the
 * device's loop.  Flow control: no read while the IN queue is full; a
 * write that would block NAKs the host's OUT packet.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "trace_int.h"
#include "usb_fido_int.h"

static emk_trace_event ev_link = EMK_TRACE_EVENT_INIT("usb_fido_link");

static void link_watch(emk_usb_fido *f, int on)
{
    if (f->link_fd < 0 || f->link_down || f->link_watching == on)
        return;
    if (on) {
        if (emk_loop_add_fd(f->usb.dev.loop, &f->link_h) < 0)
            return;
    } else {
        emk_loop_del_fd(&f->link_h);
    }
    f->link_watching = (uint8_t)on;
}

static void link_lost(emk_usb_fido *f, int err)
{
    EMK_TRACE(ev_link, "down err=%d", err);
    link_watch(f, 0);
    f->link_down = 1;
    f->stat_link_errors++;
}

/* The key's reports, while the IN queue has room. */
static void link_readable(void *opaque, unsigned revents)
{
    emk_usb_fido *f = opaque;
    uint8_t buf[EMK_FIDO_REPORT + 1];
    ssize_t n;

    (void)revents;
    while (emk_usb_ep_pending(&f->usb, EMK_USB_FIDO_EP_IN) < EMK_USB_FIDO_QUEUE) {
        n = read(f->link_fd, buf, sizeof(buf));
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        if (n <= 0) {
            link_lost(f, n < 0 ? -errno : 0);
            return;
        }
        if (n != EMK_FIDO_REPORT) {
            f->stat_link_errors++;          /* not a CTAPHID report: dropped */
            continue;
        }
        f->stat_link_in++;
        (void)emk_usb_hid_send(&f->hid, buf, EMK_FIDO_REPORT);
    }
    link_watch(f, 0);                       /* full: wait for the host */
}

static int link_output(void *opaque, const uint8_t *report, size_t len)
{
    emk_usb_fido *f = opaque;
    uint8_t buf[EMK_FIDO_REPORT + 1];
    const uint8_t *p = report;
    size_t n = len;
    ssize_t w;

    if (f->link_down)
        return -EPIPE;
    if (len != EMK_FIDO_REPORT) {
        f->stat_link_errors++;
        return 0;                           /* as the key would: ignored */
    }
    if (f->link_kind == EMK_USB_FIDO_LINK_HIDRAW) {
        buf[0] = 0;                         /* report ID 0: the descriptor has none */
        memcpy(buf + 1, report, len);
        p = buf;
        n = len + 1;
    }
    w = write(f->link_fd, p, n);
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return -EAGAIN;
    if (w != (ssize_t)n) {
        link_lost(f, w < 0 ? -errno : -EIO);
        return -EPIPE;
    }
    f->stat_link_out++;
    return 0;
}

static void link_in_done(void *opaque)
{
    link_watch(opaque, 1);
}

static const emk_usb_hid_ops link_hid_ops = {
    .output = link_output,
    .in_done = link_in_done,
};

int emk_usb_fido_init_passthru(emk_usb_fido *f, emk_loop *loop, int fd, int kind, int speed,
                               const emk_usb_host_ops *host, void *host_opaque)
{
    int fl, r;

    if (fd < 0 || (kind != EMK_USB_FIDO_LINK_HIDRAW && kind != EMK_USB_FIDO_LINK_SEQPACKET)) {
        if (fd >= 0)
            close(fd);
        memset(f, 0, sizeof(*f));
        f->link_fd = -1;
        return -EINVAL;
    }
    r = emk_usb_fido_setup(f, loop, speed, "passthru", &link_hid_ops, host, host_opaque);
    if (r == 0 && ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)) {
        r = -errno;
        emk_usb_dev_cleanup(&f->usb);
    }
    if (r < 0) {
        close(fd);
        f->link_fd = -1;
        return r;
    }
    f->link_fd = fd;
    f->link_kind = kind;
    f->link_h.fd = fd;
    f->link_h.events = EMK_FD_READ;
    f->link_h.cb = link_readable;
    f->link_h.opaque = f;
    link_watch(f, 1);
    if (!f->link_watching) {
        emk_usb_fido_cleanup(f);
        return -EINVAL;
    }
    return 0;
}

int emk_usb_fido_link_up(const emk_usb_fido *f)
{
    return f->link_fd >= 0 && !f->link_down;
}

void emk_usb_fido_link_close(emk_usb_fido *f)
{
    if (f->link_fd < 0)
        return;
    link_watch(f, 0);
    close(f->link_fd);
    f->link_fd = -1;
}
