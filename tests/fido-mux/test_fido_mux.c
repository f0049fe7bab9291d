/*
 * test_fido_mux.c - the FIDO mux core (hw/fido-mux/) in front of the
 * emulated key (hw/fido) on a virtual clock: every report goes through a
 * FIFO (no re-entry), two clients interleave, KEEPALIVEs keep a CTAP2 wait
 * one transaction, nothing reaches the wrong client, CANCEL only hits its
 * own transaction, a client that goes away does not wedge the other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "compat.h"
#include "emkit/fido.h"
#include "emkit/fido_mux.h"

#define MS ((int64_t)1000000)
#define BCAST 0xffffffffu

enum { FIFO = 4096, TO_KEY = -1, FROM_KEY = -2 };

typedef struct pkt {
    int dest;                   /* client number, TO_KEY or FROM_KEY */
    uint8_t r[64];
} pkt;

typedef struct msg {
    uint32_t cid;
    uint8_t cmd;
    size_t len;
    uint8_t data[EMK_FIDO_MSG_MAX];
    int64_t at;                 /* virtual time of its last report */
} msg;

typedef struct fx {
    emk_vclock vc;
    emk_loop *loop;
    emk_fido *key;
    emk_fido_mux *mux;
    pkt q[FIFO];
    unsigned qh, qt;
    /* what each client received, as reports */
    uint8_t got[2][FIFO][64];
    int64_t got_at[2][FIFO];
    unsigned ngot[2], nread[2];
    int cl[2];
    uint32_t cid[2];
    /* a hostile key instead of emk_fido: what the mux sent it */
    int fake_key;
    uint8_t tokey[FIFO][64];
    unsigned ntokey;
} fx;

static fx F;
static unsigned up_ms = 300;    /* the simulated user's delay */
static const uint8_t seed[32] = {0x6d, 0x75, 0x78};

static void push(fx *f, int dest, const uint8_t r[64])
{
    assert_true(f->qt - f->qh < FIFO);
    f->q[f->qt % FIFO].dest = dest;
    memcpy(f->q[f->qt++ % FIFO].r, r, 64);
}

static void key_out(void *opaque, const uint8_t r[64])
{
    push(opaque, FROM_KEY, r);
}

static void mux_to_key(void *opaque, const uint8_t r[64])
{
    push(opaque, TO_KEY, r);
}

static void mux_to_client(void *opaque, int client, const uint8_t r[64])
{
    fx *f = opaque;
    int i = client == f->cl[0] ? 0 : 1;

    assert_true(client == f->cl[0] || client == f->cl[1]);
    assert_true(f->ngot[i] < FIFO);
    memcpy(f->got[i][f->ngot[i]], r, 64);
    f->got_at[i][f->ngot[i]++] = f->vc.now;
}

/* Delivers everything queued; runs the key's due timers; repeats. */
static void settle(fx *f)
{
    for (;;) {
        while (f->qh != f->qt) {
            pkt *p = &f->q[f->qh++ % FIFO];

            if (p->dest == TO_KEY && f->fake_key) {
                assert_true(f->ntokey < FIFO);
                memcpy(f->tokey[f->ntokey++], p->r, 64);
            } else if (p->dest == TO_KEY)
                assert_int_equal(emk_fido_hid_input(f->key, p->r, 64), 0);
            else if (p->dest == FROM_KEY)
                emk_fido_mux_from_key(f->mux, p->r);
        }
        if (emk_loop_run_once(f->loop, 0) <= 0 && f->qh == f->qt)
            return;
    }
}

/* Lets ms of virtual time pass, timer by timer. */
static void advance(fx *f, int64_t ns)
{
    int64_t end = f->vc.now + ns;

    settle(f);
    for (;;) {
        int64_t next = emk_loop_next_timer(f->loop);

        if (next > end)
            break;
        if (next > f->vc.now)
            f->vc.now = next;
        settle(f);
    }
    f->vc.now = end;
    settle(f);
}

static void send_msg(fx *f, int i, uint32_t cid, uint8_t cmd, const uint8_t *d, size_t len)
{
    uint8_t r[64];
    size_t off, n;
    uint8_t seq = 0;

    memset(r, 0, 64);
    emk_st_be32(r, cid);
    r[4] = (uint8_t)(0x80 | cmd);
    r[5] = (uint8_t)(len >> 8);
    r[6] = (uint8_t)len;
    n = len < 57 ? len : 57;
    memcpy(r + 7, d, n);
    assert_int_equal(emk_fido_mux_from_client(f->mux, f->cl[i], r), 0);
    for (off = n; off < len; off += n) {
        memset(r + 4, 0, 60);
        r[4] = seq++;
        n = len - off < 59 ? len - off : 59;
        memcpy(r + 5, d + off, n);
        assert_int_equal(emk_fido_mux_from_client(f->mux, f->cl[i], r), 0);
    }
}

/* The next whole message client i received (KEEPALIVEs counted, skipped);
 * 0 if none is complete. */
static int next_msg(fx *f, int i, msg *m, unsigned *keepalives)
{
    unsigned at = f->nread[i];
    size_t got = 0;

    memset(m, 0, sizeof(*m) - sizeof(m->data));
    while (at < f->ngot[i]) {
        const uint8_t *r = f->got[i][at++];

        if (got == 0 && m->len == 0 && !(m->cmd)) {
            assert_true(r[4] & 0x80);
            if ((r[4] & 0x7f) == 0x3b) {
                if (keepalives)
                    (*keepalives)++;
                f->nread[i] = at;
                continue;
            }
            m->cid = emk_be32(r);
            m->cmd = r[4] & 0x7f;
            m->len = (size_t)r[5] << 8 | r[6];
            got = m->len < 57 ? m->len : 57;
            memcpy(m->data, r + 7, got);
        } else {
            size_t n = m->len - got < 59 ? m->len - got : 59;

            assert_int_equal(emk_be32(r), m->cid);
            memcpy(m->data + got, r + 5, n);
            got += n;
        }
        if (got == m->len) {
            m->at = f->got_at[i][at - 1];
            f->nread[i] = at;
            return 1;
        }
    }
    return 0;
}

static uint32_t client_init(fx *f, int i)
{
    static const uint8_t nonce[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t n8[8];
    msg m;

    memcpy(n8, nonce, 8);
    n8[0] = (uint8_t)(i + 0x40);
    send_msg(f, i, BCAST, 0x06, n8, 8);
    settle(f);
    assert_true(next_msg(f, i, &m, NULL));
    assert_int_equal(m.cid, BCAST);
    assert_int_equal(m.cmd, 0x06);
    assert_int_equal(m.len, 17);
    assert_memory_equal(m.data, n8, 8);
    assert_int_equal(m.data[12], 2);              /* the key's protocol version */
    return emk_be32(m.data + 8);
}

static int setup(void **state)
{
    fx *f = &F;
    emk_fido_config cfg;
    static const emk_fido_ops kops = {key_out, NULL};
    static const emk_fido_mux_ops mops = {mux_to_key, mux_to_client};
    uint64_t done, dropped;

    memset(f, 0, sizeof(*f));
    emk_vclock_init(&f->vc, 0);
    f->loop = emk_loop_new(&f->vc.clock, NULL);
    assert_non_null(f->loop);
    memset(&cfg, 0, sizeof(cfg));
    cfg.seed = seed;
    cfg.seed_len = sizeof(seed);
    cfg.up_policy = EMK_FIDO_UP_AFTER;
    cfg.up_delay_ms = up_ms;
    assert_int_equal(emk_fido_new(&f->key, f->loop, &cfg, &kops, f), 0);
    assert_int_equal(emk_fido_mux_new(&f->mux, f->loop, &mops, f, 12345), 0);
    assert_int_equal(emk_fido_mux_ready(f->mux), 0);
    settle(f);
    assert_int_equal(emk_fido_mux_ready(f->mux), 1);
    f->cl[0] = emk_fido_mux_client_add(f->mux);
    f->cl[1] = emk_fido_mux_client_add(f->mux);
    assert_true(f->cl[0] >= 0 && f->cl[1] >= 0 && f->cl[0] != f->cl[1]);
    f->cid[0] = client_init(f, 0);
    f->cid[1] = client_init(f, 1);
    assert_int_not_equal(f->cid[0], f->cid[1]);
    emk_fido_mux_stats(f->mux, &done, &dropped);
    assert_int_equal(dropped, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;

    emk_fido_mux_free(f->mux);
    emk_fido_free(f->key);
    emk_loop_free(f->loop);
    return 0;
}

/* Each client only ever sees its own CIDs (or broadcast INIT answers). */
static void only_own(fx *f)
{
    unsigned i, k;

    for (i = 0; i < 2; i++)
        for (k = 0; k < f->ngot[i]; k++) {
            uint32_t c = emk_be32(f->got[i][k]);

            assert_true(c == f->cid[i] || c == BCAST);
        }
}

/* A waits 300 ms for the user (KEEPALIVEs); B's PING waits behind it and
 * is answered after A's final response; nothing crosses over. */
static void test_interleave(void **state)
{
    fx *f = *state;
    static uint8_t ping[300];
    uint8_t sel = 0x0b;
    unsigned ka = 0, kb = 0, i;
    msg a, b;

    for (i = 0; i < sizeof(ping); i++)
        ping[i] = (uint8_t)(i * 3);
    send_msg(f, 0, f->cid[0], 0x10, &sel, 1);
    settle(f);
    send_msg(f, 1, f->cid[1], 0x01, ping, sizeof(ping));
    advance(f, 100 * MS);
    assert_false(next_msg(f, 1, &b, &kb));        /* queued behind A */
    advance(f, 400 * MS);
    assert_true(next_msg(f, 0, &a, &ka));
    assert_int_equal(a.cid, f->cid[0]);
    assert_int_equal(a.cmd, 0x10);
    assert_int_equal(a.len, 1);
    assert_int_equal(a.data[0], 0);               /* CTAP2_OK after the touch */
    assert_true(ka >= 2);
    assert_true(next_msg(f, 1, &b, &kb));
    assert_int_equal(b.cid, f->cid[1]);
    assert_int_equal(b.cmd, 0x01);
    assert_int_equal(b.len, sizeof(ping));
    assert_memory_equal(b.data, ping, sizeof(ping));
    assert_int_equal(kb, 0);
    assert_true(b.at >= a.at);
    only_own(f);
}

/* B's CANCEL does not touch A's wait; A's own CANCEL ends it with
 * KEEPALIVE_CANCEL (0x2d). */
static void test_cancel(void **state)
{
    fx *f = *state;
    uint8_t sel = 0x0b;
    msg a;

    send_msg(f, 0, f->cid[0], 0x10, &sel, 1);
    advance(f, 50 * MS);
    send_msg(f, 1, f->cid[1], 0x11, NULL, 0);
    advance(f, 400 * MS);
    assert_true(next_msg(f, 0, &a, NULL));
    assert_int_equal(a.data[0], 0);
    send_msg(f, 0, f->cid[0], 0x10, &sel, 1);
    advance(f, 50 * MS);
    send_msg(f, 0, f->cid[0], 0x11, NULL, 0);
    advance(f, 50 * MS);
    assert_true(next_msg(f, 0, &a, NULL));
    assert_int_equal(a.cmd, 0x10);
    assert_int_equal(a.data[0], 0x2d);
    assert_false(next_msg(f, 1, &a, NULL));       /* B heard nothing */
    only_own(f);
}

/* A goes away mid-wait: B's PING is answered; A's answer went nowhere. */
static void test_client_gone(void **state)
{
    fx *f = *state;
    uint8_t sel = 0x0b, d[5] = {5, 4, 3, 2, 1};
    unsigned before = f->ngot[0];
    int64_t t_del;
    msg b;

    send_msg(f, 0, f->cid[0], 0x10, &sel, 1);
    advance(f, 150 * MS);
    t_del = f->vc.now;
    assert_true(f->ngot[0] > before);                 /* KEEPALIVEs while waiting */
    emk_fido_mux_client_del(f->mux, f->cl[0]);
    send_msg(f, 1, f->cid[1], 0x01, d, sizeof(d));
    advance(f, 500 * MS);
    assert_true(next_msg(f, 1, &b, NULL));
    assert_int_equal(b.cmd, 0x01);
    assert_memory_equal(b.data, d, 5);
    /* A's reports stopped at the moment it left (the KEEPALIVEs before) */
    for (unsigned k = before; k < f->ngot[0]; k++)
        assert_true(f->got_at[0][k] <= t_del);
    assert_true(b.at >= t_del);   /* A's wait was cancelled at once */
    assert_int_equal(emk_fido_mux_from_client(f->mux, f->cl[0], f->got[1][0]), -EINVAL);
}

/* A channel of another client, a stray continuation, a bad sequence, LOCK,
 * a second request on a busy channel. */
static void test_bad_frames(void **state)
{
    fx *f = *state;
    uint8_t r[64], sel = 0x0b, big[100];
    msg m;

    memset(big, 9, sizeof(big));
    send_msg(f, 1, f->cid[0], 0x01, big, 4);        /* A's CID from B */
    settle(f);
    assert_true(next_msg(f, 1, &m, NULL));
    assert_int_equal(m.cid, f->cid[0]);               /* the error names it... */
    assert_int_equal(m.cmd, 0x3f);
    assert_int_equal(m.data[0], 0x0b);
    assert_int_equal(f->ngot[0], f->nread[0]);        /* ...and A heard nothing */
    memset(r, 0, 64);
    emk_st_be32(r, f->cid[1]);
    r[4] = 0;                                         /* continuation out of nowhere */
    assert_int_equal(emk_fido_mux_from_client(f->mux, f->cl[1], r), 0);
    r[4] = 0x81;
    r[6] = 100;
    assert_int_equal(emk_fido_mux_from_client(f->mux, f->cl[1], r), 0);
    r[4] = 5;                                         /* expected seq 0 */
    assert_int_equal(emk_fido_mux_from_client(f->mux, f->cl[1], r), 0);
    settle(f);
    assert_true(next_msg(f, 1, &m, NULL));
    assert_int_equal(m.cmd, 0x3f);
    assert_int_equal(m.data[0], 0x04);
    send_msg(f, 1, f->cid[1], 0x04, &sel, 1);         /* LOCK */
    settle(f);
    assert_true(next_msg(f, 1, &m, NULL));
    assert_int_equal(m.data[0], 0x01);
    send_msg(f, 1, f->cid[1], 0x10, &sel, 1);
    settle(f);
    send_msg(f, 1, f->cid[1], 0x01, big, 4);          /* busy channel */
    settle(f);
    assert_true(next_msg(f, 1, &m, NULL));
    assert_int_equal(m.cmd, 0x3f);
    assert_int_equal(m.data[0], 0x06);
    advance(f, 500 * MS);
    assert_true(next_msg(f, 1, &m, NULL));
    assert_int_equal(m.cmd, 0x10);
    assert_int_equal(m.data[0], 0);
    /* B's errors echo the CIDs B used; A received nothing at all */
    assert_int_equal(f->ngot[0], f->nread[0]);
}

/* 100 interleaved rounds: A's CBOR waits and B's PINGs, in order. */
static void test_rounds(void **state)
{
    fx *f = *state;
    uint8_t sel = 0x0b, d[64];
    unsigned round;
    msg a, b;
    uint64_t done, dropped;

    for (round = 0; round < 100; round++) {
        memset(d, (int)round, sizeof(d));
        send_msg(f, 0, f->cid[0], 0x10, &sel, 1);
        send_msg(f, 1, f->cid[1], 0x01, d, sizeof(d));
        advance(f, 400 * MS);
        assert_true(next_msg(f, 0, &a, NULL));
        assert_int_equal(a.data[0], 0);
        assert_true(next_msg(f, 1, &b, NULL));
        assert_int_equal(b.len, sizeof(d));
        assert_memory_equal(b.data, d, sizeof(d));
    }
    only_own(f);
    emk_fido_mux_stats(f->mux, &done, &dropped);
    assert_int_equal(done, 200);
    assert_int_equal(dropped, 0);
}

/* A 2 s wait for the user (the delay): about 20 KEEPALIVEs reach
 * A, all one transaction; B's PING waits the whole time and is answered
 * right after A's final response. */
static int setup_2s(void **state)
{
    up_ms = 2000;
    return setup(state);
}

static void test_presence_2s(void **state)
{
    fx *f = *state;
    uint8_t sel = 0x0b, d[3] = {7, 8, 9};
    unsigned ka = 0, kb = 0;
    uint64_t done, dropped;
    msg a, b;

    up_ms = 300;
    send_msg(f, 0, f->cid[0], 0x10, &sel, 1);
    advance(f, 10 * MS);
    send_msg(f, 1, f->cid[1], 0x01, d, sizeof(d));
    advance(f, 1900 * MS);
    assert_false(next_msg(f, 0, &a, &ka));
    assert_false(next_msg(f, 1, &b, &kb));
    assert_true(ka >= 15);                        /* every ~100 ms, all to A */
    advance(f, 300 * MS);
    assert_true(next_msg(f, 0, &a, &ka));
    assert_int_equal(a.cmd, 0x10);
    assert_int_equal(a.data[0], 0);
    assert_true(a.at >= 2000 * MS);
    assert_true(next_msg(f, 1, &b, &kb));
    assert_int_equal(kb, 0);
    assert_memory_equal(b.data, d, 3);
    assert_true(b.at >= a.at);
    emk_fido_mux_stats(f->mux, &done, &dropped);
    assert_int_equal(done, 2);                    /* the wait was one transaction */
    only_own(f);
}

/* INIT on A's own channel while its wait runs: the wait is cancelled on
 * the key, A gets its INIT answer and never the old answer; B runs next. */
static void test_init_aborts(void **state)
{
    fx *f = *state;
    static const uint8_t n8[8] = {9, 9, 9, 9, 1, 2, 3, 4};
    uint8_t sel = 0x0b, d[2] = {1, 2};
    msg a, b;

    send_msg(f, 0, f->cid[0], 0x10, &sel, 1);
    advance(f, 50 * MS);
    send_msg(f, 1, f->cid[1], 0x01, d, sizeof(d));
    send_msg(f, 0, f->cid[0], 0x06, n8, 8);
    advance(f, 20 * MS);
    assert_true(next_msg(f, 0, &a, NULL));
    assert_int_equal(a.cmd, 0x06);
    assert_int_equal(a.cid, f->cid[0]);
    assert_memory_equal(a.data, n8, 8);
    assert_true(next_msg(f, 1, &b, NULL));        /* B did not wait for the user */
    assert_memory_equal(b.data, d, 2);
    advance(f, 500 * MS);
    assert_false(next_msg(f, 0, &a, NULL));       /* the aborted wait's answer went nowhere */
    send_msg(f, 0, f->cid[0], 0x01, d, 1);        /* and the channel works again */
    advance(f, 10 * MS);
    assert_true(next_msg(f, 0, &a, NULL));
    assert_int_equal(a.cmd, 0x01);
    only_own(f);
}

/* A leaves mid-wait and a newcomer connects at once: it is not given A's
 * slot while A's cancelled answer is outstanding, so it is never busy. */
static void test_newcomer(void **state)
{
    fx *f = *state;
    uint8_t sel = 0x0b, d[4] = {4, 3, 2, 1};
    int old = f->cl[0];
    msg m;

    send_msg(f, 0, f->cid[0], 0x10, &sel, 1);
    advance(f, 50 * MS);
    emk_fido_mux_client_del(f->mux, old);
    f->cl[0] = emk_fido_mux_client_add(f->mux);
    assert_true(f->cl[0] >= 0);
    assert_int_not_equal(f->cl[0], old);
    f->ngot[0] = f->nread[0] = 0;
    f->cid[0] = client_init(f, 0);
    send_msg(f, 0, f->cid[0], 0x01, d, sizeof(d));
    advance(f, 20 * MS);
    assert_true(next_msg(f, 0, &m, NULL));
    assert_int_equal(m.cmd, 0x01);
    assert_memory_equal(m.data, d, 4);
    advance(f, 500 * MS);
    assert_false(next_msg(f, 0, &m, NULL));
    only_own(f);
}

/* The key's reports for the transaction it is given, built by the test. */
static void key_says(fx *f, uint32_t cid, uint8_t b4, uint16_t len, uint8_t fill)
{
    uint8_t r[64];

    memset(r, fill, 64);
    emk_st_be32(r, cid);
    r[4] = b4;
    if (b4 & 0x80) {
        r[5] = (uint8_t)(len >> 8);
        r[6] = (uint8_t)len;
    }
    emk_fido_mux_from_key(f->mux, r);
    settle(f);
}

/* A hostile key: reports on other channels, continuations out of place or
 * out of order, a second start, a length CTAPHID cannot carry, silence,
 * and KEEPALIVEs for ever.  Each client hears only about its own transaction, and a
 * silent key costs one MSG_TIMEOUT, not a wedged mux. */
static void test_hostile_key(void **state)
{
    fx *f = *state;
    uint8_t d[2] = {5, 6};
    uint32_t kc;
    uint64_t done, dropped, dropped0;
    msg a, b;

    f->fake_key = 1;
    emk_fido_mux_stats(f->mux, &done, &dropped0);
    send_msg(f, 0, f->cid[0], 0x01, d, sizeof(d));
    settle(f);
    assert_int_equal(f->ntokey, 1);
    kc = emk_be32(f->tokey[0]);                   /* the mux's channel on the key */
    assert_int_equal(f->tokey[0][4], 0x81);
    send_msg(f, 1, f->cid[1], 0x01, d, 1);        /* queued behind A */
    settle(f);
    assert_int_equal(f->ntokey, 1);
    key_says(f, kc + 1, 0x81, 2, 0xaa);           /* another channel */
    key_says(f, BCAST, 0x86, 17, 0xaa);           /* an INIT answer nobody asked for */
    key_says(f, kc, 0x00, 0, 0xaa);               /* continuation before any start */
    key_says(f, kc, 0x81, 100, 0x11);             /* A's answer starts (57 of 100) */
    key_says(f, kc, 0x83, 3, 0xbb);               /* a second start: dropped */
    key_says(f, kc, 0x05, 0, 0xcc);               /* seq 5, expected 0: dropped */
    assert_false(next_msg(f, 0, &a, NULL));
    key_says(f, kc, 0x00, 0, 0x22);               /* the right continuation */
    assert_true(next_msg(f, 0, &a, NULL));
    assert_int_equal(a.cid, f->cid[0]);
    assert_int_equal(a.len, 100);
    assert_int_equal(a.data[0], 0x11);
    assert_int_equal(a.data[56], 0x11);
    assert_int_equal(a.data[57], 0x22);           /* no 0xbb or 0xcc in it */
    assert_int_equal(a.data[99], 0x22);
    /* B's request went to the key; it answers 60000 bytes */
    assert_int_equal(f->ntokey, 2);
    assert_int_equal(emk_be32(f->tokey[1]), kc);
    key_says(f, kc, 0x81, 60000, 0x33);
    assert_true(next_msg(f, 1, &b, NULL));
    assert_int_equal(b.cmd, 0x3f);
    assert_int_equal(b.data[0], 0x7f);
    key_says(f, kc, 0x00, 0, 0x33);               /* its tail goes nowhere */
    assert_false(next_msg(f, 1, &b, NULL));
    /* A asks again and the key goes silent: MSG_TIMEOUT after 35 s, then B runs */
    send_msg(f, 0, f->cid[0], 0x01, d, 1);
    send_msg(f, 1, f->cid[1], 0x01, d, 2);
    advance(f, 34 * 1000 * MS);
    assert_false(next_msg(f, 0, &a, NULL));
    assert_int_equal(f->ntokey, 3);
    advance(f, 2 * 1000 * MS);
    assert_true(next_msg(f, 0, &a, NULL));
    assert_int_equal(a.cmd, 0x3f);
    assert_int_equal(a.data[0], 0x05);
    assert_int_equal(f->ntokey, 5);               /* CANCEL, then B's request */
    assert_int_equal(f->tokey[3][4], 0x91);
    assert_int_equal(f->tokey[4][4], 0x81);
    key_says(f, kc, 0x81, 2, 0x44);
    assert_true(next_msg(f, 1, &b, NULL));
    assert_int_equal(b.cmd, 0x01);
    assert_int_equal(b.data[0], 0x44);
    assert_false(next_msg(f, 0, &a, NULL));
    /* KEEPALIVEs for ever: 120 s, then CANCEL and MSG_TIMEOUT; B runs */
    send_msg(f, 0, f->cid[0], 0x10, d, 1);
    send_msg(f, 1, f->cid[1], 0x01, d, 2);
    settle(f);
    assert_int_equal(f->ntokey, 6);
    for (unsigned t = 0; t < 1199; t++) {
        key_says(f, kc, 0xbb, 1, 0x02);
        advance(f, 100 * MS);
    }
    assert_false(next_msg(f, 0, &a, NULL));
    assert_int_equal(f->ntokey, 6);
    key_says(f, kc, 0xbb, 1, 0x02);
    advance(f, 200 * MS);
    assert_true(next_msg(f, 0, &a, NULL));
    assert_int_equal(a.cmd, 0x3f);
    assert_int_equal(a.data[0], 0x05);
    assert_int_equal(f->ntokey, 8);
    assert_int_equal(f->tokey[6][4], 0x91);
    assert_int_equal(f->tokey[7][4], 0x81);
    emk_fido_mux_stats(f->mux, &done, &dropped);
    assert_int_equal(dropped - dropped0, 7);
    only_own(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_interleave, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_presence_2s, setup_2s, teardown),
        cmocka_unit_test_setup_teardown(test_init_aborts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newcomer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_key, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
