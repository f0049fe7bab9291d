/* usb_demo.c - the FIDO key as a USB device in the main job: the
 * guest-side USB host driver enumerates it (descriptors, SET_ADDRESS,
 * SET_CONFIGURATION, the HID report descriptor), then the CTAPHID client
 * runs over its interrupt endpoints: INIT, a multi-report PING, and
 * authenticatorSelection with the simulated user touching the key after
 * 200 ms of virtual time (KEEPALIVEs meanwhile). */
#include <string.h>

#include "demos.h"
#include "emkit/guest/ctaphid_drv.h"
#include "emkit/guest/usb_host_drv.h"
#include "emkit/usb_fido.h"

#define MS ((int64_t)1000000)

typedef struct usb_demo {
    emk_vclock vc;
    emk_loop *loop;
    emk_usb_fido f;
    emk_usb_host_drv h;
    emk_ctaphid_drv c;
} usb_demo;

/* Runs the key's loop; the virtual clock jumps to its next timer. */
static int64_t idle(void *opaque, int64_t max_ns)
{
    usb_demo *s = opaque;
    int64_t next = emk_loop_next_timer(s->loop), step = max_ns;

    if (next <= s->vc.now)
        step = 0;
    else if (next - s->vc.now < max_ns)
        step = next - s->vc.now;
    s->vc.now += step;
    emk_loop_run_once(s->loop, 0);
    return step;
}

static int run(FILE *out, usb_demo *s)
{
    static const uint8_t nonce[8] = {8, 7, 6, 5, 4, 3, 2, 1};
    static uint8_t msg[1000], resp[1000];
    size_t n = 0, i;
    int64_t t0;
    int r;

    if ((r = emk_usb_host_drv_enumerate(&s->h, &s->f.usb, 3, idle, s)) < 0)
        return r;
    fprintf(out, "    enumerated: %04x:%04x \"%s\" at address %u, %u control transfers, "
            "HID interface %d (usage page 0x%04x, %lu-byte report descriptor), "
            "IN 0x%02x / OUT 0x%02x, %u-byte packets\n",
            s->h.vendor, s->h.product, s->h.product_name, s->h.address, s->h.requests,
            s->h.hid_iface, (unsigned)s->h.usage_page, (unsigned long)s->h.report_desc_len,
            s->h.ep_in, s->h.ep_out, s->h.in_max);
    if (s->h.usage_page != 0xf1d0)
        return -EPROTO;
    r = emk_ctaphid_drv_init(&s->c, emk_usb_host_drv_ctaphid_xmit,
                             emk_usb_host_drv_ctaphid_recv, &s->h, nonce);
    if (r < 0)
        return r;
    for (i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 13 + 1);
    r = emk_ctaphid_drv_xfer(&s->c, 0x01, msg, sizeof(msg), resp, sizeof(resp), &n, 1000 * MS);
    if (r < 0)
        return r;
    if (r != 0x01 || n != sizeof(msg) || memcmp(resp, msg, n))
        return -EPROTO;
    fprintf(out, "    CTAPHID over USB: channel 0x%08x; PING of %lu bytes echoed "
            "(%lu reports each way)\n", s->c.cid, (unsigned long)n,
            (unsigned long)(1 + (n - 57 + 58) / 59));
    t0 = s->vc.now;
    r = emk_ctaphid_drv_cbor(&s->c, 0x0b, NULL, 0, resp, sizeof(resp), &n, 1000 * MS);
    if (r < 0)
        return r;
    fprintf(out, "    authenticatorSelection: status 0x%02x after %lld ms, %u KEEPALIVE(s); "
            "device: %llu reports in, %llu out, %llu NAKs, %llu dropped\n", r,
            (long long)((s->vc.now - t0) / MS), s->c.keepalives,
            (unsigned long long)s->f.hid.stat_in, (unsigned long long)s->f.hid.stat_out,
            (unsigned long long)s->f.usb.stat_naks,
            (unsigned long long)s->f.hid.stat_in_dropped);
    if (s->c.keepalives == 0 || s->f.hid.stat_in_dropped)
        return -EPROTO;
    /* the status over USB must be the key's own for the same request */
    {
        uint8_t cmd = 0x0b, direct[16];
        size_t dn = 0;

        if (emk_fido_ctap2_call(s->f.key, &cmd, 1, direct, sizeof(direct), &dn) < 0 ||
            dn < 1 || direct[0] != r)
            return -EPROTO;
        fprintf(out, "    (status 0x%02x is the key's own answer to the same request "
                "made directly)\n", direct[0]);
    }
    return 0;
}

int emk_usb_demo(FILE *out, const emk_demo_opts *o)
{
    static const uint8_t seed[32] = {0x75, 0x73, 0x62};
    static usb_demo s;
    emk_fido_config cfg;
    int err = 0, r;

    (void)o;
    memset(&s, 0, sizeof(s));
    emk_vclock_init(&s.vc, 0);
    s.loop = emk_loop_new(&s.vc.clock, &err);
    if (!s.loop)
        return err;
    memset(&cfg, 0, sizeof(cfg));
    cfg.seed = seed;
    cfg.seed_len = sizeof(seed);
    cfg.up_policy = EMK_FIDO_UP_AFTER;
    cfg.up_delay_ms = 200;
    r = emk_usb_fido_init(&s.f, s.loop, &cfg, EMK_USB_SPEED_FULL, NULL, NULL);
    if (r == 0) {
        r = run(out, &s);
        emk_usb_fido_cleanup(&s.f);
    }
    emk_loop_free(s.loop);
    return r;
}
