/* fuzz_ctaphid.c - libFuzzer: CTAPHID framing (hw/fido/hid.c) and the
 * simulated user (up.c) on hostile report sequences, with a virtual clock.
 * The input is a list of operations, each an opcode byte and its operands:
 *   0x00-0x3f  a raw 64-byte report follows (any channel, any header);
 *   0x40-0x7f  a report on the last channel INIT gave us: 60 bytes follow
 *              (command or sequence byte, then the rest);
 *   0x80-0xbf  the clock moves (op & 0x3f) * 16 ms, timers fire;
 *   0xc0       INIT on the broadcast channel; its reply names the channel;
 *   0xc1       a touch;
 *   0xc2-0xc5  presence policy op - 0xc2 (always, deny, after 100 ms,
 *              manual);
 *   others     the clock moves 1 s.
 * The key is created from a fixed seed each run.  Properties (abort on
 * failure): no input or timer makes more than a longest message's
 * reports (and a few more), hid_input takes every 64-byte report, and
 * after 40 quiet seconds the key answers a fresh INIT and PING. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/fido.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { REPORT = EMK_FIDO_REPORT, MAX_BURST = 132 };

typedef struct fz {
    emk_vclock vc;
    emk_loop *loop;
    emk_fido *key;
    uint32_t cid;                   /* the last channel INIT gave us */
    uint8_t last[REPORT];
    unsigned burst;                 /* reports sent since the last input */
    unsigned init_replies;
    uint8_t nonce[8];
} fz;

static void need(int ok)
{
    if (!ok)
        abort();
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void on_report(void *opaque, const uint8_t r[REPORT])
{
    fz *f = opaque;

    f->burst++;
    need(f->burst <= MAX_BURST);
    memcpy(f->last, r, REPORT);
    /* an INIT reply to our nonce names our channel */
    if (be32(r) == 0xffffffffu && r[4] == 0x86 && r[6] == 17 && !memcmp(r + 7, f->nonce, 8)) {
        f->cid = be32(r + 15);
        f->init_replies++;
    }
}

static void feed(fz *f, const uint8_t *r)
{
    f->burst = 0;
    need(emk_fido_hid_input(f->key, r, REPORT) == 0);
}

static void advance(fz *f, int64_t ms)
{
    int64_t end = f->vc.now + ms * 1000000;
    int64_t next;

    f->burst = 0;
    while ((next = emk_loop_next_timer(f->loop)) <= end) {
        if (next > f->vc.now)
            f->vc.now = next;
        emk_loop_run_once(f->loop, 0);
        f->burst = 0;
    }
    f->vc.now = end;
    emk_loop_run_once(f->loop, 0);
}

static void send_init(fz *f)
{
    uint8_t r[REPORT] = { 0xff, 0xff, 0xff, 0xff, 0x86, 0, 8 };

    memcpy(r + 7, f->nonce, 8);
    feed(f, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t seed[32] = "fuzz-ctaphid fixed seed.........";
    static const emk_fido_ops ops = { on_report, NULL };
    emk_fido_config cfg;
    uint8_t r[REPORT];
    size_t i = 0;
    unsigned before;
    fz f;

    memset(&f, 0, sizeof(f));
    memcpy(f.nonce, "fuzznonc", 8);
    emk_vclock_init(&f.vc, 0);
    f.loop = emk_loop_new(&f.vc.clock, NULL);
    need(f.loop != NULL);
    memset(&cfg, 0, sizeof(cfg));
    cfg.seed = seed;
    cfg.seed_len = sizeof(seed);
    cfg.up_policy = EMK_FIDO_UP_AFTER;
    cfg.up_delay_ms = 100;
    cfg.up_timeout_ms = 2000;
    need(emk_fido_new(&f.key, f.loop, &cfg, &ops, &f) == 0);

    while (i < size) {
        uint8_t op = data[i++];

        memset(r, 0, sizeof(r));
        if (op < 0x40) {
            size_t n = size - i < REPORT ? size - i : REPORT;
            memcpy(r, data + i, n);
            i += n;
            feed(&f, r);
        } else if (op < 0x80) {
            size_t n = size - i < REPORT - 4 ? size - i : REPORT - 4;
            r[0] = (uint8_t)(f.cid >> 24);
            r[1] = (uint8_t)(f.cid >> 16);
            r[2] = (uint8_t)(f.cid >> 8);
            r[3] = (uint8_t)f.cid;
            memcpy(r + 4, data + i, n);
            i += n;
            feed(&f, r);
        } else if (op < 0xc0) {
            advance(&f, (op & 0x3f) * 16);
        } else if (op == 0xc0) {
            send_init(&f);
        } else if (op == 0xc1) {
            emk_fido_touch(f.key);
        } else if (op <= 0xc5) {
            emk_fido_set_presence(f.key, op - 0xc2, 100);
        } else {
            advance(&f, 1000);
        }
    }

    /* quiet: every wait, message and lock times out */
    emk_fido_set_presence(f.key, EMK_FIDO_UP_ALWAYS, 0);
    advance(&f, 40000);
    before = f.init_replies;
    send_init(&f);
    need(f.init_replies == before + 1);
    memset(r, 0, sizeof(r));
    r[0] = (uint8_t)(f.cid >> 24);
    r[1] = (uint8_t)(f.cid >> 16);
    r[2] = (uint8_t)(f.cid >> 8);
    r[3] = (uint8_t)f.cid;
    r[4] = 0x81;                    /* PING, 2 bytes */
    r[6] = 2;
    r[7] = 0xab;
    r[8] = 0xcd;
    feed(&f, r);
    need(f.burst == 1 && be32(f.last) == f.cid && f.last[4] == 0x81 && f.last[6] == 2 &&
         f.last[7] == 0xab && f.last[8] == 0xcd);

    emk_fido_free(f.key);
    emk_loop_free(f.loop);
    return 0;
}
