/*
 * test_hid.c - CTAPHID (hw/fido/hid.c) and the simulated user (up.c) on a
 * virtual clock: INIT and channels, PING sizes, fragmentation errors,
 * interleaved channels, message timeouts, LOCK, WINK, the KEEPALIVE
 * cadence of a wait, CANCEL, DENY and the user action timeout.  CBOR
 * requests use authenticatorSelection (0x0B), a pure test of presence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/fido.h"
#include "fido_int.h"

#define BCAST 0xffffffffu
#define MS 1000000LL

enum { QCAP = 512 };

typedef struct fx {
    emk_vclock vc;
    emk_loop *loop;
    emk_fido *k;
    uint8_t q[QCAP][EMK_FIDO_REPORT];
    unsigned head, tail;
    int winks;
} fx;

typedef struct msg {
    uint32_t cid;
    uint8_t cmd;
    size_t len;
    uint8_t data[EMK_FIDO_MSG_MAX];
} msg;

static msg m;                       /* the last message received */

static void on_report(void *opaque, const uint8_t r[EMK_FIDO_REPORT])
{
    fx *f = opaque;

    assert_true(f->tail - f->head < QCAP);
    memcpy(f->q[f->tail++ % QCAP], r, EMK_FIDO_REPORT);
}

static void on_wink(void *opaque)
{
    ((fx *)opaque)->winks++;
}

static const uint8_t seed[32] = { 1, 2, 3, 4 };

static fx *fx_new(int policy, uint32_t delay, uint32_t timeout)
{
    static fx f;
    emk_fido_config cfg;
    emk_fido_ops ops = { on_report, on_wink };

    memset(&f, 0, sizeof(f));
    emk_vclock_init(&f.vc, 0);
    f.loop = emk_loop_new(&f.vc.clock, NULL);
    assert_non_null(f.loop);
    memset(&cfg, 0, sizeof(cfg));
    cfg.seed = seed;
    cfg.seed_len = sizeof(seed);
    cfg.up_policy = policy;
    cfg.up_delay_ms = delay;
    cfg.up_timeout_ms = timeout;
    assert_int_equal(emk_fido_new(&f.k, f.loop, &cfg, &ops, &f), 0);
    return &f;
}

static void fx_free(fx *f)
{
    emk_fido_free(f->k);
    emk_loop_free(f->loop);
}

/* Moves the clock ms forward, firing timers at their own times. */
static void advance(fx *f, int64_t ms)
{
    int64_t end = f->vc.now + ms * MS;
    int64_t next;

    while ((next = emk_loop_next_timer(f->loop)) <= end) {
        if (next > f->vc.now)
            f->vc.now = next;
        emk_loop_run_once(f->loop, 0);
    }
    f->vc.now = end;
    emk_loop_run_once(f->loop, 0);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void feed(fx *f, const uint8_t *r)
{
    assert_int_equal(emk_fido_hid_input(f->k, r, EMK_FIDO_REPORT), 0);
}

/* One init packet claiming bcnt bytes, carrying the first of data. */
static void send_init(fx *f, uint32_t cid, uint8_t cmd, size_t bcnt, const uint8_t *data)
{
    uint8_t r[EMK_FIDO_REPORT] = { 0 };
    size_t n = bcnt < 57 ? bcnt : 57;

    put32(r, cid);
    r[4] = (uint8_t)(0x80 | cmd);
    r[5] = (uint8_t)(bcnt >> 8);
    r[6] = (uint8_t)bcnt;
    if (data && n)
        memcpy(r + 7, data, n);
    feed(f, r);
}

static void send_cont(fx *f, uint32_t cid, uint8_t seq, const uint8_t *data, size_t n)
{
    uint8_t r[EMK_FIDO_REPORT] = { 0 };

    put32(r, cid);
    r[4] = seq;
    memcpy(r + 5, data, n);
    feed(f, r);
}

/* A whole message, fragmented as a client does. */
static void send_msg(fx *f, uint32_t cid, uint8_t cmd, const uint8_t *data, size_t len)
{
    size_t off = len < 57 ? len : 57;
    uint8_t seq = 0;

    send_init(f, cid, cmd, len, data);
    while (off < len) {
        size_t n = len - off < 59 ? len - off : 59;
        send_cont(f, cid, seq++, data + off, n);
        off += n;
    }
}

static unsigned pending(const fx *f)
{
    return f->tail - f->head;
}

/* Reassembles the next message into m; 0 if none is queued. */
static int recv_msg(fx *f)
{
    const uint8_t *r;
    size_t off;
    uint8_t seq = 0;

    if (!pending(f))
        return 0;
    r = f->q[f->head++ % QCAP];
    assert_true(r[4] & 0x80);
    m.cid = get32(r);
    m.cmd = r[4] & 0x7f;
    m.len = (size_t)r[5] << 8 | r[6];
    assert_true(m.len <= EMK_FIDO_MSG_MAX);
    off = m.len < 57 ? m.len : 57;
    memcpy(m.data, r + 7, off);
    while (off < m.len) {
        size_t n = m.len - off < 59 ? m.len - off : 59;

        assert_true(pending(f) > 0);
        r = f->q[f->head++ % QCAP];
        assert_int_equal(get32(r), m.cid);
        assert_int_equal(r[4], seq++);
        memcpy(m.data + off, r + 5, n);
        off += n;
    }
    return 1;
}

static void expect_error(fx *f, uint32_t cid, uint8_t code)
{
    assert_true(recv_msg(f));
    assert_int_equal(m.cid, cid);
    assert_int_equal(m.cmd, CTAPHID_ERROR);
    assert_int_equal(m.len, 1);
    assert_int_equal(m.data[0], code);
}

static void expect_cbor(fx *f, uint32_t cid, uint8_t status)
{
    assert_true(recv_msg(f));
    assert_int_equal(m.cid, cid);
    assert_int_equal(m.cmd, CTAPHID_CBOR);
    assert_int_equal(m.len, 1);
    assert_int_equal(m.data[0], status);
}

static void expect_nothing(fx *f)
{
    assert_int_equal(pending(f), 0);
}

static uint32_t open_channel(fx *f)
{
    static const uint8_t nonce[8] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };

    send_msg(f, BCAST, CTAPHID_INIT, nonce, 8);
    assert_true(recv_msg(f));
    assert_int_equal(m.cid, BCAST);
    assert_int_equal(m.cmd, CTAPHID_INIT);
    assert_int_equal(m.len, 17);
    assert_memory_equal(m.data, nonce, 8);
    return get32(m.data + 8);
}

static void selection(fx *f, uint32_t cid)
{
    static const uint8_t req = CTAP2_SELECTION;

    send_msg(f, cid, CTAPHID_CBOR, &req, 1);
}

static void ping_ok(fx *f, uint32_t cid)
{
    static const uint8_t d[3] = { 7, 8, 9 };

    send_msg(f, cid, CTAPHID_PING, d, 3);
    assert_true(recv_msg(f));
    assert_int_equal(m.cid, cid);
    assert_int_equal(m.cmd, CTAPHID_PING);
    assert_int_equal(m.len, 3);
    assert_memory_equal(m.data, d, 3);
}

/* ------------------------------------------------------------ tests */

static void init_broadcast_and_resync(void **state)
{
    static const uint8_t nonce[8] = { 9, 8, 7, 6, 5, 4, 3, 2 };
    fx *f = fx_new(EMK_FIDO_UP_ALWAYS, 0, 0);
    uint32_t a, b;

    (void)state;
    a = open_channel(f);
    assert_int_equal(m.data[12], 2);                    /* CTAPHID version */
    assert_int_equal(m.data[16], EMK_FIDO_CAP_WINK | EMK_FIDO_CAP_CBOR);
    assert_true(a != 0 && a != BCAST);
    b = open_channel(f);
    assert_true(b != a && b != 0 && b != BCAST);
    /* INIT on an allocated channel: the same channel back, on it */
    send_msg(f, a, CTAPHID_INIT, nonce, 8);
    assert_true(recv_msg(f));
    assert_int_equal(m.cid, a);
    assert_int_equal(m.cmd, CTAPHID_INIT);
    assert_memory_equal(m.data, nonce, 8);
    assert_int_equal(get32(m.data + 8), a);
    /* resync drops a half-assembled message on that channel */
    {
        uint8_t big[100] = { 0 };
        send_init(f, a, CTAPHID_PING, sizeof(big), big);
        send_msg(f, a, CTAPHID_INIT, nonce, 8);
        assert_true(recv_msg(f));
        assert_int_equal(m.cmd, CTAPHID_INIT);
        send_cont(f, a, 0, big, 43);                    /* ignored now */
        expect_nothing(f);
        advance(f, 1000);                               /* no timeout either */
        expect_nothing(f);
    }
    ping_ok(f, a);
    ping_ok(f, b);
    fx_free(f);
}

static void init_errors(void **state)
{
    static const uint8_t nonce[8] = { 1 };
    fx *f = fx_new(EMK_FIDO_UP_ALWAYS, 0, 0);
    uint32_t a = open_channel(f);
    uint8_t r[EMK_FIDO_REPORT + 1] = { 0 };

    (void)state;
    send_msg(f, BCAST, CTAPHID_INIT, nonce, 7);
    expect_error(f, BCAST, CTAP1_ERR_INVALID_LENGTH);
    send_msg(f, 0x12345678, CTAPHID_INIT, nonce, 8);    /* never allocated */
    expect_error(f, 0x12345678, CTAP1_ERR_INVALID_CHANNEL);
    send_msg(f, 0, CTAPHID_INIT, nonce, 8);
    expect_error(f, 0, CTAP1_ERR_INVALID_CHANNEL);
    send_msg(f, 0, CTAPHID_PING, nonce, 8);
    expect_error(f, 0, CTAP1_ERR_INVALID_CHANNEL);
    send_msg(f, BCAST, CTAPHID_PING, nonce, 8);
    expect_error(f, BCAST, CTAP1_ERR_INVALID_CHANNEL);
    send_msg(f, a + 1, CTAPHID_PING, nonce, 8);
    expect_error(f, a + 1, CTAP1_ERR_INVALID_CHANNEL);
    send_msg(f, a, 0x55, NULL, 0);
    expect_error(f, a, CTAP1_ERR_INVALID_COMMAND);
    send_msg(f, a, CTAPHID_KEEPALIVE, nonce, 1);        /* the key's own */
    expect_error(f, a, CTAP1_ERR_INVALID_COMMAND);
    send_msg(f, a, CTAPHID_ERROR, nonce, 1);
    expect_error(f, a, CTAP1_ERR_INVALID_COMMAND);
    send_msg(f, a, CTAPHID_CBOR, NULL, 0);
    expect_error(f, a, CTAP1_ERR_INVALID_LENGTH);
    /* report lengths: 64, or 65 with report ID 0 */
    assert_int_equal(emk_fido_hid_input(f->k, r, 63), -EINVAL);
    r[0] = 0x01;                                        /* not report ID 0 */
    assert_int_equal(emk_fido_hid_input(f->k, r, 65), -EINVAL);
    r[0] = 0;
    put32(r + 1, a);
    r[5] = 0x80 | CTAPHID_PING;
    r[7] = 1;
    r[8] = 0x42;
    assert_int_equal(emk_fido_hid_input(f->k, r, 65), 0);
    assert_true(recv_msg(f));
    assert_int_equal(m.cmd, CTAPHID_PING);
    assert_int_equal(m.len, 1);
    assert_int_equal(m.data[0], 0x42);
    expect_nothing(f);
    fx_free(f);
}

static void ping_sizes(void **state)
{
    static const size_t sizes[] = { 0, 1, 57, 58, 116, 117, EMK_FIDO_MSG_MAX };
    static uint8_t d[EMK_FIDO_MSG_MAX];
    fx *f = fx_new(EMK_FIDO_UP_ALWAYS, 0, 0);
    uint32_t a = open_channel(f);

    (void)state;
    for (size_t i = 0; i < sizeof(d); i++)
        d[i] = (uint8_t)(i * 7 + 3);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t frames = sizes[i] <= 57 ? 1 : 1 + (sizes[i] - 57 + 58) / 59;

        send_msg(f, a, CTAPHID_PING, d, sizes[i]);
        assert_int_equal(pending(f), frames);
        assert_true(recv_msg(f));
        assert_int_equal(m.cid, a);
        assert_int_equal(m.cmd, CTAPHID_PING);
        assert_int_equal(m.len, sizes[i]);
        if (sizes[i])
            assert_memory_equal(m.data, d, sizes[i]);
        expect_nothing(f);
    }
    assert_int_equal(1 + (EMK_FIDO_MSG_MAX - 57 + 58) / 59, 129);   /* seq 0..127 */
    send_init(f, a, CTAPHID_PING, EMK_FIDO_MSG_MAX + 1, d);
    expect_error(f, a, CTAP1_ERR_INVALID_LENGTH);
    send_init(f, a, CTAPHID_PING, 0xffff, d);
    expect_error(f, a, CTAP1_ERR_INVALID_LENGTH);
    ping_ok(f, a);
    fx_free(f);
}

static void sequence_errors(void **state)
{
    uint8_t d[200] = { 0 };
    fx *f = fx_new(EMK_FIDO_UP_ALWAYS, 0, 0);
    uint32_t a = open_channel(f), b = open_channel(f);

    (void)state;
    send_init(f, a, CTAPHID_PING, sizeof(d), d);
    send_cont(f, a, 0, d, 59);
    send_cont(f, a, 2, d, 59);                          /* 1 skipped */
    expect_error(f, a, CTAP1_ERR_INVALID_SEQ);
    send_cont(f, a, 1, d, 59);                          /* dropped: ignored */
    send_cont(f, a, 2, d, 59);
    expect_nothing(f);
    /* the key is free again */
    ping_ok(f, b);
    /* a continuation with no message being assembled is ignored */
    send_cont(f, b, 0, d, 59);
    expect_nothing(f);
    /* a repeated sequence number is an error too */
    send_init(f, a, CTAPHID_PING, sizeof(d), d);
    send_cont(f, a, 0, d, 59);
    send_cont(f, a, 0, d, 59);
    expect_error(f, a, CTAP1_ERR_INVALID_SEQ);
    ping_ok(f, a);
    fx_free(f);
}

static void interleaved_channels(void **state)
{
    uint8_t d[150];
    fx *f = fx_new(EMK_FIDO_UP_ALWAYS, 0, 0);
    uint32_t a = open_channel(f), b = open_channel(f);
    static const uint8_t nonce[8] = { 5 };

    (void)state;
    for (size_t i = 0; i < sizeof(d); i++)
        d[i] = (uint8_t)i;
    send_init(f, a, CTAPHID_PING, sizeof(d), d);
    /* another channel's request while a's is assembling */
    send_msg(f, b, CTAPHID_PING, d, 5);
    expect_error(f, b, CTAP1_ERR_CHANNEL_BUSY);
    send_cont(f, b, 0, d, 59);                          /* not b's: ignored */
    expect_nothing(f);
    /* a new channel can still be opened */
    send_msg(f, BCAST, CTAPHID_INIT, nonce, 8);
    assert_true(recv_msg(f));
    assert_int_equal(m.cmd, CTAPHID_INIT);
    send_cont(f, a, 0, d + 57, 59);
    send_cont(f, a, 1, d + 116, 34);
    assert_true(recv_msg(f));
    assert_int_equal(m.cid, a);
    assert_int_equal(m.len, sizeof(d));
    assert_memory_equal(m.data, d, sizeof(d));
    ping_ok(f, b);
    /* a new init packet on the assembling channel restarts it */
    send_init(f, a, CTAPHID_PING, sizeof(d), d);
    send_cont(f, a, 0, d + 57, 59);
    send_msg(f, a, CTAPHID_PING, d + 10, 4);
    assert_true(recv_msg(f));
    assert_int_equal(m.cid, a);
    assert_int_equal(m.len, 4);
    assert_memory_equal(m.data, d + 10, 4);
    expect_nothing(f);
    fx_free(f);
}

static void message_timeout(void **state)
{
    uint8_t d[100] = { 0 };
    fx *f = fx_new(EMK_FIDO_UP_ALWAYS, 0, 0);
    uint32_t a = open_channel(f), b = open_channel(f);

    (void)state;
    send_init(f, a, CTAPHID_PING, sizeof(d), d);
    advance(f, 499);
    expect_nothing(f);
    send_msg(f, b, CTAPHID_PING, d, 1);
    expect_error(f, b, CTAP1_ERR_CHANNEL_BUSY);
    advance(f, 1);
    expect_error(f, a, CTAP1_ERR_TIMEOUT);
    expect_nothing(f);
    send_cont(f, a, 0, d, 43);                          /* too late */
    expect_nothing(f);
    ping_ok(f, b);
    /* each continuation does not extend the message's life */
    send_init(f, a, CTAPHID_PING, 200, d);
    advance(f, 300);
    send_cont(f, a, 0, d, 59);
    advance(f, 200);
    expect_error(f, a, CTAP1_ERR_TIMEOUT);
    fx_free(f);
}

static void lock(void **state)
{
    uint8_t s;
    fx *f = fx_new(EMK_FIDO_UP_ALWAYS, 0, 0);
    uint32_t a = open_channel(f), b = open_channel(f);

    (void)state;
    s = 11;
    send_msg(f, a, CTAPHID_LOCK, &s, 1);
    expect_error(f, a, CTAP1_ERR_INVALID_PARAMETER);
    send_msg(f, a, CTAPHID_LOCK, NULL, 0);
    expect_error(f, a, CTAP1_ERR_INVALID_LENGTH);
    s = 2;
    send_msg(f, a, CTAPHID_LOCK, &s, 1);
    assert_true(recv_msg(f));
    assert_int_equal(m.cid, a);
    assert_int_equal(m.cmd, CTAPHID_LOCK);
    assert_int_equal(m.len, 0);
    send_msg(f, b, CTAPHID_PING, &s, 1);
    expect_error(f, b, CTAP1_ERR_CHANNEL_BUSY);
    selection(f, b);
    expect_error(f, b, CTAP1_ERR_CHANNEL_BUSY);
    s = 0;
    send_msg(f, b, CTAPHID_LOCK, &s, 1);                /* release: not b's */
    expect_error(f, b, CTAP1_ERR_LOCK_REQUIRED);
    ping_ok(f, a);
    advance(f, 1999);
    send_msg(f, b, CTAPHID_PING, &s, 1);
    expect_error(f, b, CTAP1_ERR_CHANNEL_BUSY);
    advance(f, 1);                                      /* expired */
    ping_ok(f, b);
    /* a lock released early by its owner */
    s = 10;
    send_msg(f, b, CTAPHID_LOCK, &s, 1);
    assert_true(recv_msg(f));
    assert_int_equal(m.cmd, CTAPHID_LOCK);
    send_msg(f, a, CTAPHID_PING, &s, 1);
    expect_error(f, a, CTAP1_ERR_CHANNEL_BUSY);
    s = 0;
    send_msg(f, b, CTAPHID_LOCK, &s, 1);
    assert_true(recv_msg(f));
    assert_int_equal(m.cmd, CTAPHID_LOCK);
    ping_ok(f, a);
    fx_free(f);
}

static void wink_and_msg(void **state)
{
    uint8_t x = 1;
    static const uint8_t version[] = { 0x00, 0x03, 0x00, 0x00, 0x00 };
    fx *f = fx_new(EMK_FIDO_UP_ALWAYS, 0, 0);
    uint32_t a = open_channel(f);

    (void)state;
    send_msg(f, a, CTAPHID_WINK, NULL, 0);
    assert_true(recv_msg(f));
    assert_int_equal(m.cmd, CTAPHID_WINK);
    assert_int_equal(m.len, 0);
    assert_int_equal(f->winks, 1);
    send_msg(f, a, CTAPHID_WINK, &x, 1);
    expect_error(f, a, CTAP1_ERR_INVALID_LENGTH);
    assert_int_equal(f->winks, 1);
    /* MSG goes to the U2F layer and comes back as MSG ending in a
     * status word, whatever that layer answers */
    send_msg(f, a, CTAPHID_MSG, version, sizeof(version));
    assert_true(recv_msg(f));
    assert_int_equal(m.cid, a);
    assert_int_equal(m.cmd, CTAPHID_MSG);
    assert_true(m.len >= 2);
    fx_free(f);
}

static void selection_always_and_deny(void **state)
{
    fx *f = fx_new(EMK_FIDO_UP_ALWAYS, 0, 0);
    uint32_t a = open_channel(f);

    (void)state;
    selection(f, a);
    expect_cbor(f, a, CTAP2_OK);
    emk_fido_set_presence(f->k, EMK_FIDO_UP_DENY, 0);
    selection(f, a);
    expect_cbor(f, a, CTAP2_ERR_OPERATION_DENIED);
    expect_nothing(f);
    /* an unknown CTAP2 command is a CBOR reply, not a CTAPHID error */
    {
        uint8_t bad = 0x55;
        send_msg(f, a, CTAPHID_CBOR, &bad, 1);
        expect_cbor(f, a, CTAP1_ERR_INVALID_COMMAND);
    }
    fx_free(f);
}

static void expect_keepalive(fx *f, uint32_t cid)
{
    assert_true(recv_msg(f));
    assert_int_equal(m.cid, cid);
    assert_int_equal(m.cmd, CTAPHID_KEEPALIVE);
    assert_int_equal(m.len, 1);
    assert_int_equal(m.data[0], CTAPHID_KEEPALIVE_UPNEEDED);
}

static void keepalive_during_after(void **state)
{
    static const uint8_t nonce[8] = { 3 };
    fx *f = fx_new(EMK_FIDO_UP_AFTER, 350, 0);
    uint32_t a = open_channel(f), b = open_channel(f);

    (void)state;
    selection(f, a);
    expect_nothing(f);
    for (int i = 1; i <= 3; i++) {
        advance(f, 99);
        expect_nothing(f);
        advance(f, 1);
        expect_keepalive(f, a);
        expect_nothing(f);
        if (i == 2) {
            /* busy: other channels wait; INIT still works */
            send_msg(f, b, CTAPHID_PING, nonce, 2);
            expect_error(f, b, CTAP1_ERR_CHANNEL_BUSY);
            selection(f, b);
            expect_error(f, b, CTAP1_ERR_CHANNEL_BUSY);
            send_msg(f, a, CTAPHID_PING, nonce, 2);     /* a too */
            expect_error(f, a, CTAP1_ERR_CHANNEL_BUSY);
            send_msg(f, b, CTAPHID_CANCEL, NULL, 0);    /* not b's: ignored */
            expect_nothing(f);
            send_msg(f, BCAST, CTAPHID_INIT, nonce, 8);
            assert_true(recv_msg(f));
            assert_int_equal(m.cmd, CTAPHID_INIT);
        }
    }
    advance(f, 49);
    expect_nothing(f);
    advance(f, 1);                                      /* 350 ms: touched */
    expect_cbor(f, a, CTAP2_OK);
    advance(f, 1000);
    expect_nothing(f);                                  /* no more KEEPALIVE */
    ping_ok(f, b);
    /* the next request waits again, from its own first test */
    selection(f, b);
    advance(f, 349);
    assert_int_equal(pending(f), 3);
    f->head += 3;
    advance(f, 1);
    expect_cbor(f, b, CTAP2_OK);
    fx_free(f);
}

static void cancel(void **state)
{
    fx *f = fx_new(EMK_FIDO_UP_MANUAL, 0, 0);
    uint32_t a = open_channel(f);

    (void)state;
    send_msg(f, a, CTAPHID_CANCEL, NULL, 0);            /* nothing to cancel */
    expect_nothing(f);
    selection(f, a);
    advance(f, 150);
    expect_keepalive(f, a);
    send_msg(f, a, CTAPHID_CANCEL, NULL, 0);
    expect_cbor(f, a, CTAP2_ERR_KEEPALIVE_CANCEL);
    expect_nothing(f);
    advance(f, 500);
    expect_nothing(f);
    emk_fido_touch(f->k);                               /* nobody waits */
    expect_nothing(f);
    ping_ok(f, a);
    fx_free(f);
}

static void manual_touch_and_policy_change(void **state)
{
    fx *f = fx_new(EMK_FIDO_UP_MANUAL, 0, 0);
    uint32_t a = open_channel(f);

    (void)state;
    selection(f, a);
    advance(f, 1000);
    assert_int_equal(pending(f), 10);
    f->head += 10;
    emk_fido_touch(f->k);
    expect_cbor(f, a, CTAP2_OK);
    /* the touch was consumed: the next request waits */
    selection(f, a);
    advance(f, 100);
    expect_keepalive(f, a);
    emk_fido_set_presence(f->k, EMK_FIDO_UP_DENY, 0);
    expect_cbor(f, a, CTAP2_ERR_OPERATION_DENIED);
    /* a touch before the request satisfies it */
    emk_fido_set_presence(f->k, EMK_FIDO_UP_MANUAL, 0);
    emk_fido_touch(f->k);
    selection(f, a);
    expect_cbor(f, a, CTAP2_OK);
    /* switching to AFTER during a wait starts the delay from then */
    selection(f, a);
    advance(f, 250);
    f->head += 2;
    emk_fido_set_presence(f->k, EMK_FIDO_UP_AFTER, 120);
    advance(f, 119);
    assert_int_equal(pending(f), 1);                    /* keepalive at 300 */
    f->head++;
    advance(f, 1);
    expect_cbor(f, a, CTAP2_OK);
    fx_free(f);
}

static void user_action_timeout(void **state)
{
    fx *f = fx_new(EMK_FIDO_UP_MANUAL, 0, 1050);
    uint32_t a = open_channel(f);

    (void)state;
    selection(f, a);
    advance(f, 1049);
    for (int i = 0; i < 10; i++)
        expect_keepalive(f, a);
    expect_nothing(f);
    advance(f, 1);
    expect_cbor(f, a, CTAP2_ERR_USER_ACTION_TIMEOUT);
    advance(f, 1000);
    expect_nothing(f);
    emk_fido_touch(f->k);                               /* too late */
    expect_nothing(f);
    ping_ok(f, a);
    fx_free(f);
}

static void resync_aborts_wait(void **state)
{
    static const uint8_t nonce[8] = { 4 };
    fx *f = fx_new(EMK_FIDO_UP_MANUAL, 0, 0);
    uint32_t a = open_channel(f), b = open_channel(f);

    (void)state;
    selection(f, a);
    advance(f, 100);
    expect_keepalive(f, a);
    send_msg(f, a, CTAPHID_INIT, nonce, 8);
    assert_true(recv_msg(f));
    assert_int_equal(m.cmd, CTAPHID_INIT);
    assert_int_equal(get32(m.data + 8), a);
    expect_nothing(f);                                  /* no CBOR reply */
    advance(f, 500);
    expect_nothing(f);
    emk_fido_touch(f->k);
    expect_nothing(f);
    ping_ok(f, b);
    fx_free(f);
}

/* up.c's U2F answers: never pending; a touch counts for 10 s. */
static void u2f_presence(void **state)
{
    fx *f = fx_new(EMK_FIDO_UP_MANUAL, 0, 0);
    emk_fido *k = f->k;

    (void)state;
    k->hid.in_u2f = 1;
    assert_int_equal(emk_fido_up_test(k), 0);
    emk_fido_touch(k);
    assert_int_equal(emk_fido_up_test(k), 1);
    assert_int_equal(emk_fido_up_test(k), 0);           /* consumed */
    emk_fido_touch(k);
    advance(f, 10001);
    assert_int_equal(emk_fido_up_test(k), 0);           /* stale */
    emk_fido_set_presence(k, EMK_FIDO_UP_AFTER, 200);
    assert_int_equal(emk_fido_up_test(k), 0);
    advance(f, 150);
    assert_int_equal(emk_fido_up_test(k), 0);           /* no restart */
    advance(f, 50);
    assert_int_equal(emk_fido_up_test(k), 1);
    assert_int_equal(emk_fido_up_test(k), 0);
    emk_fido_set_presence(k, EMK_FIDO_UP_DENY, 0);
    assert_int_equal(emk_fido_up_test(k), 0);
    emk_fido_set_presence(k, EMK_FIDO_UP_ALWAYS, 0);
    assert_int_equal(emk_fido_up_test(k), 1);
    k->hid.in_u2f = 0;
    /* inside emk_fido_ctap2_call a waiting policy counts as present */
    emk_fido_set_presence(k, EMK_FIDO_UP_MANUAL, 0);
    k->up_sync = 1;
    assert_int_equal(emk_fido_up_test(k), 1);
    k->up_sync = 0;
    assert_int_equal(emk_fido_up_test(k), EMK_FIDO_PENDING);
    emk_fido_up_abort(k);
    expect_nothing(f);
    fx_free(f);
}

static void descriptor(void **state)
{
    size_t n;
    const uint8_t *d = emk_fido_hid_descriptor(&n);
    static const uint8_t page[] = { 0x06, 0xd0, 0xf1, 0x09, 0x01 };
    int count64 = 0;

    (void)state;
    assert_true(n > sizeof(page));
    assert_memory_equal(d, page, sizeof(page));
    for (size_t i = 0; i + 1 < n; i++)
        count64 += d[i] == 0x95 && d[i + 1] == 0x40;
    assert_int_equal(count64, 2);
    assert_int_equal(d[n - 1], 0xc0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_broadcast_and_resync),
        cmocka_unit_test(init_errors),
        cmocka_unit_test(ping_sizes),
        cmocka_unit_test(sequence_errors),
        cmocka_unit_test(interleaved_channels),
        cmocka_unit_test(message_timeout),
        cmocka_unit_test(lock),
        cmocka_unit_test(wink_and_msg),
        cmocka_unit_test(selection_always_and_deny),
        cmocka_unit_test(keepalive_during_after),
        cmocka_unit_test(cancel),
        cmocka_unit_test(manual_touch_and_policy_change),
        cmocka_unit_test(user_action_timeout),
        cmocka_unit_test(resync_aborts_wait),
        cmocka_unit_test(u2f_presence),
        cmocka_unit_test(descriptor),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
