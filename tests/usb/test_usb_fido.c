/*
 * test_usb_fido.c - the FIDO key as a USB device (hw/usb-fido/), driven as
 * a guest would: the guest-side USB host driver enumerates it and the
 * CTAPHID client runs INIT, PING (one and many reports), a CBOR request
 * with KEEPALIVEs while the simulated user waits, getInfo, and a bus reset
 * in between.  Virtual clock throughout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <sys/socket.h>
#include <unistd.h>

#include "emkit/guest/ctaphid_drv.h"
#include "emkit/guest/usb_host_drv.h"
#include "emkit/usb_fido.h"

#define SEC ((int64_t)1000000000)

typedef struct fx {
    emk_vclock vc;
    emk_loop *loop;
    emk_usb_fido f;
    emk_usb_host_drv h;
    emk_ctaphid_drv c;
    unsigned wakeups;
    int speed;
} fx;

static fx F;
static const uint8_t seed[32] = {9, 8, 7};
static const uint8_t nonce[8] = {1, 2, 3, 4, 5, 6, 7, 8};

static void on_wakeup(void *opaque, uint8_t ep)
{
    (void)ep;
    ((fx *)opaque)->wakeups++;
}

static const emk_usb_host_ops host_ops = {on_wakeup};

/* Runs the key's loop; jumps the virtual clock to its next timer when it
 * is within max_ns, else by max_ns. */
static int64_t idle(void *opaque, int64_t max_ns)
{
    fx *t = opaque;
    int64_t next = emk_loop_next_timer(t->loop), step = max_ns;

    if (next <= t->vc.now)
        step = 0;
    else if (next - t->vc.now < max_ns)
        step = next - t->vc.now;
    t->vc.now += step;
    emk_loop_run_once(t->loop, 0);
    return step;
}

static void start_at(fx *t, int policy, uint32_t delay_ms, int speed)
{
    emk_fido_config cfg;

    memset(t, 0, sizeof(*t));
    t->speed = speed;
    emk_vclock_init(&t->vc, 0);
    t->loop = emk_loop_new(&t->vc.clock, NULL);
    assert_non_null(t->loop);
    memset(&cfg, 0, sizeof(cfg));
    cfg.seed = seed;
    cfg.seed_len = sizeof(seed);
    cfg.up_policy = policy;
    cfg.up_delay_ms = delay_ms;
    assert_int_equal(emk_usb_fido_init(&t->f, t->loop, &cfg, t->speed, &host_ops, t), 0);
    assert_int_equal(emk_usb_host_drv_enumerate(&t->h, &t->f.usb, 7, idle, t), 0);
}

static void start(fx *t, int policy, uint32_t delay_ms)
{
    start_at(t, policy, delay_ms, EMK_USB_SPEED_FULL);
}

static int teardown(void **state)
{
    fx *t = *state;

    emk_usb_fido_cleanup(&t->f);
    emk_loop_free(t->loop);
    return 0;
}

static int setup(void **state)
{
    start(&F, EMK_FIDO_UP_ALWAYS, 0);
    *state = &F;
    return 0;
}

static void test_enumeration(void **state)
{
    fx *t = *state;
    size_t rlen;
    const uint8_t *rd = emk_fido_hid_descriptor(&rlen);

    assert_int_equal(t->h.address, 7);
    assert_int_equal(t->f.usb.address, 7);
    assert_int_equal(t->f.usb.state, EMK_USB_STATE_CONFIGURED);
    assert_int_equal(t->h.vendor, EMK_USB_FIDO_VENDOR);
    assert_int_equal(t->h.product, EMK_USB_FIDO_PRODUCT);
    assert_int_equal(t->h.max_packet0, 64);
    assert_string_equal(t->h.manufacturer, "emkit");
    assert_string_equal(t->h.product_name, "emkit FIDO2 key");
    assert_int_equal(t->h.hid_iface, 0);
    assert_int_equal(t->h.ep_in, 0x81);
    assert_int_equal(t->h.ep_out, 0x01);
    assert_int_equal(t->h.in_max, 64);
    assert_int_equal(t->h.out_max, 64);
    assert_int_equal(t->h.report_desc_len, rlen);
    assert_memory_equal(t->h.report_desc, rd, rlen);
    assert_int_equal(t->h.usage_page, 0xf1d0);
    /* the key says nothing until asked */
    assert_int_equal(emk_usb_ep_pending(&t->f.usb, 0x81), 0);
}

static void test_init_ping(void **state)
{
    fx *t = *state;
    static uint8_t msg[EMK_CTAPHID_DRV_MSG_MAX], resp[EMK_CTAPHID_DRV_MSG_MAX];
    size_t n, i, sizes[] = {0, 1, 57, 58, 1000, EMK_CTAPHID_DRV_MSG_MAX};

    assert_int_equal(emk_ctaphid_drv_init(&t->c, emk_usb_host_drv_ctaphid_xmit,
                                          emk_usb_host_drv_ctaphid_recv, &t->h, nonce), 0);
    assert_int_not_equal(t->c.cid, 0);
    assert_int_not_equal(t->c.cid, 0xffffffffu);
    assert_int_equal(t->c.version, 2);
    assert_true(t->wakeups >= 1);         /* the INIT answer woke the host */
    for (i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 7 + 3);
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        n = 0;
        assert_int_equal(emk_ctaphid_drv_xfer(&t->c, 0x01, msg, sizes[i], resp, sizeof(resp),
                                              &n, SEC), 0x01);
        assert_int_equal(n, sizes[i]);
        assert_memory_equal(resp, msg, sizes[i]);
    }
    assert_int_equal(t->f.usb.stat_in_dropped, 0);
    assert_int_equal(emk_usb_ep_pending(&t->f.usb, 0x81), 0);
    /* a second channel, then a bus reset and re-enumeration keep the key */
    assert_int_equal(emk_usb_host_drv_enumerate(&t->h, &t->f.usb, 9, idle, t), 0);
    n = 0;
    assert_int_equal(emk_ctaphid_drv_xfer(&t->c, 0x01, msg, 100, resp, sizeof(resp), &n, SEC),
                     0x01);
    assert_int_equal(n, 100);
}

static void test_bad_reports(void **state)
{
    fx *t = *state;
    uint8_t r[64];

    /* a short report is dropped by the key (it wants 64 bytes), the host
     * sees nothing come back */
    memset(r, 0xff, sizeof(r));
    assert_int_equal(emk_usb_out(&t->f.usb, 1, r, 10), 0);
    assert_int_equal(emk_usb_host_drv_hid_read(&t->h, r, sizeof(r), SEC / 10), 0);
    assert_int_equal(emk_usb_out(&t->f.usb, 1, r, 65), -EOVERFLOW);
    /* an unknown channel gets CTAPHID_ERROR INVALID_CHANNEL on that channel */
    memset(r, 0, sizeof(r));
    r[0] = 0x12;
    r[1] = 0x34;
    r[2] = 0x56;
    r[3] = 0x78;
    r[4] = 0x81;
    assert_int_equal(emk_usb_host_drv_hid_write(&t->h, r, 64, SEC), 0);
    assert_int_equal(emk_usb_host_drv_hid_read(&t->h, r, sizeof(r), SEC), 64);
    assert_int_equal(r[0], 0x12);
    assert_int_equal(r[4], 0xbf);
    assert_int_equal(r[7], 0x0b);
}

/* The CTAP status of a one-byte request run directly on the key. */
static int direct_status(fx *t, uint8_t cmd)
{
    uint8_t resp[256];
    size_t n = 0;

    assert_int_equal(emk_fido_ctap2_call(t->f.key, &cmd, 1, resp, sizeof(resp), &n), 0);
    assert_true(n >= 1);
    return resp[0];
}

static void test_keepalive(void **state)
{
    fx *t = *state;
    uint8_t resp[64];
    size_t n = 0;
    int64_t t0;

    (void)state;
    teardown(state);
    start(t, EMK_FIDO_UP_AFTER, 400);
    assert_int_equal(emk_ctaphid_drv_init(&t->c, emk_usb_host_drv_ctaphid_xmit,
                                          emk_usb_host_drv_ctaphid_recv, &t->h, nonce), 0);
    t0 = t->vc.now;
    /* authenticatorSelection: a pure test of presence.  Its status over
     * USB must be the one the key gives the same request directly. */
    assert_int_equal(emk_ctaphid_drv_cbor(&t->c, 0x0b, NULL, 0, resp, sizeof(resp), &n, SEC),
                     direct_status(t, 0x0b));
    assert_true(t->vc.now - t0 >= 400 * (int64_t)1000000);
    assert_true(t->c.keepalives >= 3);
    assert_int_equal(t->c.keepalive_status, 2);       /* UPNEEDED */
    /* denied: at once, no KEEPALIVE */
    emk_fido_set_presence(t->f.key, EMK_FIDO_UP_DENY, 0);
    t0 = t->vc.now;
    assert_int_equal(emk_ctaphid_drv_cbor(&t->c, 0x0b, NULL, 0, resp, sizeof(resp), &n, SEC),
                     direct_status(t, 0x0b));
    assert_int_equal(t->c.keepalives, 0);
    assert_true(t->vc.now - t0 < 100 * (int64_t)1000000);
}

/* High speed (an EHCI port without companions): same function, a
 * qualifier, the high-speed interval; other speeds are refused. */
static void test_high_speed(void **state)
{
    fx *t = *state;
    uint8_t b[16], msg[100], resp[100];
    size_t n = 0;
    emk_usb_fido g;
    emk_fido_config cfg;

    teardown(state);
    start_at(t, EMK_FIDO_UP_ALWAYS, 0, EMK_USB_SPEED_HIGH);
    assert_int_equal(emk_usb_host_drv_control(&t->h, EMK_USB_DIR_IN, EMK_USB_REQ_GET_DESCRIPTOR,
                                              0x0600, 0, b, 10), 10);
    assert_int_equal(b[1], EMK_USB_DT_DEVICE_QUALIFIER);
    assert_int_equal(t->h.config[9 + 9 + 9 + 6], 4);     /* bInterval of 0x81 */
    assert_int_equal(emk_ctaphid_drv_init(&t->c, emk_usb_host_drv_ctaphid_xmit,
                                          emk_usb_host_drv_ctaphid_recv, &t->h, nonce), 0);
    memset(msg, 0x42, sizeof(msg));
    assert_int_equal(emk_ctaphid_drv_xfer(&t->c, 0x01, msg, sizeof(msg), resp, sizeof(resp), &n,
                                          SEC), 0x01);
    assert_memory_equal(resp, msg, sizeof(msg));
    memset(&cfg, 0, sizeof(cfg));
    assert_int_equal(emk_usb_fido_init(&g, t->loop, &cfg, EMK_USB_SPEED_SUPER, NULL, NULL),
                     -EINVAL);
}

/* The "physical" key at the far end of a pass-through link: an emulated
 * key on the same loop behind the other end of a SOCK_SEQPACKET pair. */
typedef struct far_key {
    emk_fido *k;
    int fd;
    emk_fd_handler h;
} far_key;

static far_key FK;

static void far_send(void *opaque, const uint8_t r[EMK_FIDO_REPORT])
{
    far_key *fk = opaque;

    assert_int_equal(write(fk->fd, r, EMK_FIDO_REPORT), EMK_FIDO_REPORT);
}

static void far_readable(void *opaque, unsigned revents)
{
    far_key *fk = opaque;
    uint8_t r[EMK_FIDO_REPORT + 1];
    ssize_t n = read(fk->fd, r, sizeof(r));

    (void)revents;
    assert_int_equal(n, EMK_FIDO_REPORT);
    assert_int_equal(emk_fido_hid_input(fk->k, r, (size_t)n), 0);
}

static const emk_fido_ops far_ops = {far_send, NULL};

/* Replaces the fixture's device by a new loop and a SOCK_SEQPACKET pair. */
static void fresh_link(void **state, int sv[2])
{
    fx *t = *state;

    teardown(state);
    memset(t, 0, sizeof(*t));
    emk_vclock_init(&t->vc, 0);
    t->loop = emk_loop_new(&t->vc.clock, NULL);
    assert_non_null(t->loop);
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
}

/* mode=passthru: INIT, PING, getInfo and a CTAP2 wait with KEEPALIVEs go
 * through unchanged; the key going away stalls the OUT endpoint. */
static void test_passthru(void **state)
{
    fx *t = *state;
    static uint8_t msg[2000], resp[EMK_CTAPHID_DRV_MSG_MAX];
    emk_fido_config cfg;
    size_t n = 0, i;
    int sv[2];
    int64_t t0;
    uint8_t r[64];

    fresh_link(state, sv);
    memset(&cfg, 0, sizeof(cfg));
    cfg.seed = seed;
    cfg.seed_len = sizeof(seed);
    cfg.up_policy = EMK_FIDO_UP_AFTER;
    cfg.up_delay_ms = 600;
    memset(&FK, 0, sizeof(FK));
    FK.fd = sv[1];
    assert_int_equal(emk_fido_new(&FK.k, t->loop, &cfg, &far_ops, &FK), 0);
    FK.h.fd = sv[1];
    FK.h.events = EMK_FD_READ;
    FK.h.cb = far_readable;
    FK.h.opaque = &FK;
    assert_int_equal(emk_loop_add_fd(t->loop, &FK.h), 0);
    assert_int_equal(emk_usb_fido_init_passthru(&t->f, t->loop, sv[0], EMK_USB_FIDO_LINK_SEQPACKET,
                                                EMK_USB_SPEED_FULL, &host_ops, t), 0);
    assert_null(t->f.key);
    assert_int_equal(emk_usb_fido_link_up(&t->f), 1);
    assert_int_equal(emk_usb_host_drv_enumerate(&t->h, &t->f.usb, 4, idle, t), 0);
    assert_string_equal(t->h.serial, "passthru");
    assert_int_equal(t->h.usage_page, 0xf1d0);
    assert_int_equal(emk_ctaphid_drv_init(&t->c, emk_usb_host_drv_ctaphid_xmit,
                                          emk_usb_host_drv_ctaphid_recv, &t->h, nonce), 0);
    for (i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i ^ 0x5a);
    assert_int_equal(emk_ctaphid_drv_xfer(&t->c, 0x01, msg, sizeof(msg), resp, sizeof(resp), &n,
                                          SEC), 0x01);
    assert_int_equal(n, sizeof(msg));
    assert_memory_equal(resp, msg, n);
    assert_int_equal(emk_ctaphid_drv_cbor(&t->c, 0x04, NULL, 0, resp, sizeof(resp), &n, SEC), 0);
    assert_true(n > 10);
    /* a 600 ms wait for the user: one transaction, KEEPALIVEs pass */
    t0 = t->vc.now;
    assert_int_equal(emk_ctaphid_drv_cbor(&t->c, 0x0b, NULL, 0, resp, sizeof(resp), &n, SEC), 0);
    assert_true(t->vc.now - t0 >= 600 * (int64_t)1000000);
    assert_true(t->c.keepalives >= 5);
    assert_true(t->f.stat_link_out > 30);
    assert_true(t->f.stat_link_in > 30);
    assert_int_equal(t->f.stat_link_errors, 0);
    /* the key goes away: the link notices, the OUT endpoint stalls */
    emk_loop_del_fd(&FK.h);
    close(sv[1]);
    emk_loop_run_once(t->loop, 0);
    assert_int_equal(emk_usb_fido_link_up(&t->f), 0);
    memset(r, 0, sizeof(r));
    assert_int_equal(emk_usb_out(&t->f.usb, 1, r, 64), -EPIPE);
    emk_fido_free(FK.k);
    /* bad arguments: the fd is closed all the same */
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    {
        emk_usb_fido g;

        assert_int_equal(emk_usb_fido_init_passthru(&g, t->loop, sv[0], 7, EMK_USB_SPEED_FULL,
                                                    NULL, NULL), -EINVAL);
        assert_int_equal(read(sv[1], r, sizeof(r)), 0);   /* peer closed */
    }
    close(sv[1]);
}

/* A hidraw link: each output report is written with report ID 0 in front
 * (65 bytes); input reports are read as 64 bytes; a wrong-sized read is
 * counted and dropped. */
static void test_passthru_hidraw(void **state)
{
    fx *t = *state;
    uint8_t r[80], in[64];
    int sv[2];
    unsigned i;

    fresh_link(state, sv);
    assert_int_equal(emk_usb_fido_init_passthru(&t->f, t->loop, sv[0], EMK_USB_FIDO_LINK_HIDRAW,
                                                EMK_USB_SPEED_FULL, &host_ops, t), 0);
    assert_int_equal(emk_usb_host_drv_enumerate(&t->h, &t->f.usb, 4, idle, t), 0);
    for (i = 0; i < 64; i++)
        r[i] = (uint8_t)(i + 1);
    assert_int_equal(emk_usb_host_drv_hid_write(&t->h, r, 64, SEC), 0);
    memset(r, 0xee, sizeof(r));
    assert_int_equal(read(sv[1], r, sizeof(r)), 65);
    assert_int_equal(r[0], 0);
    assert_int_equal(r[1], 1);
    assert_int_equal(r[64], 64);
    /* the key's reports: a short one is dropped, a 64-byte one arrives */
    assert_int_equal(write(sv[1], r, 10), 10);
    memset(r, 0x77, 64);
    assert_int_equal(write(sv[1], r, 64), 64);
    assert_int_equal(emk_usb_host_drv_hid_read(&t->h, in, sizeof(in), SEC), 64);
    assert_memory_equal(in, r, 64);
    assert_int_equal(emk_usb_host_drv_hid_read(&t->h, in, sizeof(in), SEC / 100), 0);
    assert_int_equal(t->f.stat_link_errors, 1);
    assert_int_equal(t->f.stat_link_in, 1);
    assert_int_equal(t->f.stat_link_out, 1);
    /* a full IN queue stops the reads; the host draining it resumes them */
    for (i = 0; i < EMK_USB_FIDO_QUEUE + 10; i++) {
        r[0] = (uint8_t)i;
        assert_int_equal(write(sv[1], r, 64), 64);
    }
    emk_loop_run_once(t->loop, 0);
    assert_int_equal(emk_usb_ep_pending(&t->f.usb, 0x81), EMK_USB_FIDO_QUEUE);
    assert_int_equal(t->f.hid.stat_in_dropped, 0);
    for (i = 0; i < EMK_USB_FIDO_QUEUE + 10; i++) {
        assert_int_equal(emk_usb_host_drv_hid_read(&t->h, in, sizeof(in), SEC), 64);
        assert_int_equal(in[0], (uint8_t)i);
    }
    assert_int_equal(t->f.hid.stat_in_dropped, 0);
    close(sv[1]);
}

static void test_get_info(void **state)
{
    fx *t = *state;
    static uint8_t resp[EMK_CTAPHID_DRV_MSG_MAX];
    size_t n = 0, i;
    int st, found = 0;

    assert_int_equal(emk_ctaphid_drv_init(&t->c, emk_usb_host_drv_ctaphid_xmit,
                                          emk_usb_host_drv_ctaphid_recv, &t->h, nonce), 0);
    st = emk_ctaphid_drv_cbor(&t->c, 0x04, NULL, 0, resp, sizeof(resp), &n, SEC);
    assert_int_equal(st, 0);
    assert_true(n > 10);
    assert_int_equal(resp[0] & 0xe0, 0xa0);            /* a map */
    for (i = 0; i + 8 <= n; i++)
        if (!memcmp(resp + i, "FIDO_2_1", 8))
            found = 1;
    assert_true(found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_enumeration, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_ping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_reports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keepalive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_high_speed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passthru, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passthru_hidraw, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
