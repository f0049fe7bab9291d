/* test_virtio_snd.c - the virtio sound device behind the virtio-pci
 * transport, driven by the guest-side virtio driver through guest
 * accesses only: configuration and every query, JACK_REMAP, every PCM
 * request in every state (the transition table) and SET_PARAMS
 * validation, pacing of tx and rx on the virtual clock (completion times,
 * latency_bytes, the wav backend's file byte for byte), STOP/START
 * keeping messages, RELEASE completing held messages before it answers,
 * bad messages (wrong queue, bad stream id, larger than a period, not
 * whole frames, not prepared, no room for a status) answered at once
 * without stalling the queue, jack, xrun and period events, conversion
 * (S32 capture from the S16 sine source), device reset with held
 * messages, and the device on an iothread with the host clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "emkit/testmachine.h"
#include "emkit/pci.h"
#include "emkit/virtio_pci.h"
#include "emkit/virtio_snd.h"
#include "emkit/guest/pci_enum.h"
#include "emkit/guest/virtio_drv.h"
#include "virtio/virtio_test.h"

static const uint64_t MSI_ADDR = 0xfee00000u;
enum { MSI_DATA = 0x40, QSIZE = 16 };

enum { CTL = EMK_VIRTIO_SND_VQ_CONTROL, EVQ = EMK_VIRTIO_SND_VQ_EVENT,
       TXQ = EMK_VIRTIO_SND_VQ_TX, RXQ = EMK_VIRTIO_SND_VQ_RX };
enum { OK = EMK_VIRTIO_SND_S_OK, BAD = EMK_VIRTIO_SND_S_BAD_MSG,
       NOTSUPP = EMK_VIRTIO_SND_S_NOT_SUPP, IOERR = EMK_VIRTIO_SND_S_IO_ERR };

typedef struct fixture {
    emk_tm *tm;
    emk_iothread *it;
    emk_pci_host host;
    emk_pci_seg segs[1];
    emk_pci_enum e;
    emk_audio_backend be;
    emk_virtio_snd snd;
    emk_virtio_pci pci;
    emk_virtio_drv d;
    char wav[64];
    int idx;
} fixture;

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static fixture *setup_opts(int iothread, const char *backend,
                           const emk_virtio_snd_options *so)
{
    fixture *f = calloc(1, sizeof(*f));
    emk_virtio_snd_options o;
    unsigned q;

    assert_non_null(f);
    assert_int_equal(emk_vt_machine(&f->tm, &f->it, iothread, 32u << 20,
                                    &f->host, f->segs), 0);
    snprintf(f->wav, sizeof(f->wav), "/tmp/emk-snd-test-%d.wav", (int)getpid());
    if (backend && !strcmp(backend, "wav")) {
        char spec[80];

        snprintf(spec, sizeof(spec), "wav:%s", f->wav);
        assert_int_equal(emk_audio_backend_init(&f->be, spec), 0);
    } else {
        assert_int_equal(emk_audio_backend_init(&f->be, backend), 0);
    }
    memset(&o, 0, sizeof(o));
    if (so)
        o = *so;
    o.backend = &f->be;
    assert_int_equal(emk_virtio_snd_init(&f->snd, emk_tm_bus(f->tm),
                                         f->it ? emk_iothread_loop(f->it) : NULL,
                                         &o), 0);
    assert_int_equal(emk_virtio_pci_init(&f->pci, &f->snd.vdev, NULL), 0);
    f->idx = emk_vt_probe(f->tm, &f->segs[0], &f->pci.fn, &f->e,
                          EMK_VIRTIO_ID_SOUND, &f->d);
    assert_true(f->idx >= 0);
    if (f->it)
        assert_int_equal(emk_pci_enum_msix_setup(&f->e, (unsigned)f->idx, MSI_ADDR,
                                                 MSI_DATA, 5), 0);
    assert_int_equal(emk_virtio_drv_negotiate(&f->d, (uint64_t)1 << EMK_VIRTIO_F_INDIRECT_DESC), 0);
    for (q = 0; q < 4; q++)
        assert_int_equal(emk_virtio_drv_queue(&f->d, q, QSIZE,
                                              f->it ? (uint16_t)q : EMK_VIRTIO_NO_VECTOR), 0);
    emk_virtio_drv_ok(&f->d);
    return f;
}

static fixture *setup(const char *backend)
{
    return setup_opts(0, backend, NULL);
}

static void teardown(fixture *f)
{
    emk_virtio_pci_cleanup(&f->pci);
    if (f->it)
        emk_iothread_stop(f->it);
    emk_virtio_snd_cleanup(&f->snd);
    emk_audio_backend_cleanup(&f->be);
    unlink(f->wav);
    emk_tm_free(f->tm);
    free(f);
}

/* Runs the device until queue q has a used element. */
static int wait_used(fixture *f, unsigned q, uint16_t *head, uint32_t *len)
{
    return emk_vt_wait_used(f->tm, f->it != NULL, &f->d, q, head, len);
}

static int no_used(fixture *f, unsigned q)
{
    uint16_t h;
    uint32_t l;

    if (!f->it)
        emk_tm_run_pending(f->tm, 100);
    if (emk_virtio_drv_used(&f->d, q, &h, &l))
        return 0;
    return 1;
}

/* A control request; returns the response status (first word), with the
 * used length in *used and the response copied to resp. */
static uint32_t ctrl_raw(fixture *f, const void *req, uint32_t rlen, void *resp,
                         uint32_t resp_len, uint32_t *used)
{
    uint64_t a = emk_tm_alloc(f->tm, rlen ? rlen : 1, 8);
    uint64_t b = emk_tm_alloc(f->tm, resp_len ? resp_len : 1, 8);
    emk_virtio_drv_buf bufs[2];
    unsigned n = 0;
    uint16_t head;
    uint32_t len = 0;
    int h;

    memcpy(emk_tm_ram(f->tm, a, rlen ? rlen : 1), req, rlen);
    memset(emk_tm_ram(f->tm, b, resp_len ? resp_len : 1), 0xee, resp_len ? resp_len : 1);
    if (rlen) {
        bufs[n].gpa = a;
        bufs[n].len = rlen;
        bufs[n++].writable = 0;
    }
    if (resp_len) {
        bufs[n].gpa = b;
        bufs[n].len = resp_len;
        bufs[n++].writable = 1;
    }
    h = emk_virtio_drv_add(&f->d, CTL, bufs, n, 0);
    assert_true(h >= 0);
    emk_virtio_drv_kick(&f->d, CTL);
    assert_true(wait_used(f, CTL, &head, &len));
    assert_int_equal(head, h);
    if (used)
        *used = len;
    if (resp_len)
        memcpy(resp, emk_tm_ram(f->tm, b, resp_len), resp_len);
    return resp_len >= 4 ? get32(resp) : 0;
}

static uint32_t query(fixture *f, uint32_t code, uint32_t start, uint32_t count,
                      uint32_t size, uint8_t *resp, uint32_t resp_len)
{
    uint8_t r[16];
    uint32_t used;

    put32(r, code);
    put32(r + 4, start);
    put32(r + 8, count);
    put32(r + 12, size);
    return ctrl_raw(f, r, 16, resp, resp_len, &used);
}

static uint32_t pcm(fixture *f, uint32_t code, uint32_t stream)
{
    uint8_t r[8], resp[4];

    put32(r, code);
    put32(r + 4, stream);
    return ctrl_raw(f, r, 8, resp, 4, NULL);
}

static uint32_t set_params(fixture *f, uint32_t stream, uint32_t buffer,
                           uint32_t period, uint32_t features, uint8_t ch,
                           uint8_t fmt, uint8_t rate)
{
    uint8_t r[24], resp[4];

    memset(r, 0, sizeof(r));
    put32(r, EMK_VIRTIO_SND_R_PCM_SET_PARAMS);
    put32(r + 4, stream);
    put32(r + 8, buffer);
    put32(r + 12, period);
    put32(r + 16, features);
    r[20] = ch;
    r[21] = fmt;
    r[22] = rate;
    return ctrl_raw(f, r, 24, resp, 4, NULL);
}

/* S16 stereo 48 kHz, 1200-frame (25 ms) periods of 4800 bytes. */
enum { PERIOD = 4800, PERIOD_NS = 25000000 };

static void prepare_std(fixture *f, uint32_t stream, uint32_t features)
{
    assert_int_equal(set_params(f, stream, 4 * PERIOD, PERIOD, features, 2,
                                EMK_AUDIO_FMT_S16, EMK_AUDIO_RATE_48000), OK);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_PREPARE, stream), OK);
}

typedef struct io_msg {
    int head;
    uint64_t data, status;
} io_msg;

/* Queues a tx message (out: stream id, frames; in: status) or an rx one
 * (out: stream id; in: frames, status). */
static io_msg io_add(fixture *f, unsigned q, uint32_t stream, uint32_t bytes,
                     const void *frames)
{
    io_msg m;
    emk_virtio_drv_buf b[3];
    uint64_t hdr = emk_tm_alloc(f->tm, 4, 4);

    m.data = emk_tm_alloc(f->tm, bytes ? bytes : 1, 64);
    m.status = emk_tm_alloc(f->tm, 8, 8);
    put32(emk_tm_ram(f->tm, hdr, 4), stream);
    memset(emk_tm_ram(f->tm, m.status, 8), 0xee, 8);
    if (frames)
        memcpy(emk_tm_ram(f->tm, m.data, bytes), frames, bytes);
    b[0].gpa = hdr;
    b[0].len = 4;
    b[0].writable = 0;
    b[1].gpa = m.data;
    b[1].len = bytes;
    b[1].writable = q == RXQ;
    b[2].gpa = m.status;
    b[2].len = 8;
    b[2].writable = 1;
    m.head = emk_virtio_drv_add(&f->d, q, b, 3, 1);   /* indirect */
    assert_true(m.head >= 0);
    emk_virtio_drv_kick(&f->d, q);
    return m;
}

static uint32_t io_status(fixture *f, const io_msg *m)
{
    return get32(emk_tm_ram(f->tm, m->status, 8));
}

static uint32_t io_latency(fixture *f, const io_msg *m)
{
    return get32((const uint8_t *)emk_tm_ram(f->tm, m->status, 8) + 4);
}

/* Expects the next used element of q to be m with len. */
static void expect_used(fixture *f, unsigned q, const io_msg *m, uint32_t len)
{
    uint16_t head;
    uint32_t l;

    assert_true(wait_used(f, q, &head, &l));
    assert_int_equal(head, m->head);
    assert_int_equal(l, len);
}

/* Event buffers on the event queue. */
static uint64_t ev_add(fixture *f)
{
    emk_virtio_drv_buf b;

    b.gpa = emk_tm_alloc(f->tm, 8, 8);
    b.len = 8;
    b.writable = 1;
    assert_true(emk_virtio_drv_add(&f->d, EVQ, &b, 1, 0) >= 0);
    emk_virtio_drv_kick(&f->d, EVQ);
    return b.gpa;
}

static void expect_event(fixture *f, uint32_t code, uint32_t data)
{
    uint16_t head;
    uint32_t len;

    assert_true(wait_used(f, EVQ, &head, &len));
    assert_int_equal(len, 8);
    {
        /* descriptor head -> address: read it from the descriptor table */
        const uint8_t *desc = emk_tm_ram(f->tm, f->d.q[EVQ].desc, 16u * QSIZE);
        uint64_t gpa = (uint64_t)get32(desc + 16u * head) |
                       (uint64_t)get32(desc + 16u * head + 4) << 32;
        const uint8_t *ev = emk_tm_ram(f->tm, gpa, 8);

        assert_int_equal(get32(ev), code);
        assert_int_equal(get32(ev + 4), data);
    }
}

/* ---- configuration and queries ---------------------------------------- */

static void test_config_and_queries(void **state)
{
    fixture *f = setup(NULL);
    uint8_t r[256];
    uint32_t used;

    (void)state;
    assert_int_equal(f->d.nqueues, 4);
    assert_int_equal(emk_virtio_drv_config(&f->d, 0, 4), 1);     /* jacks */
    assert_int_equal(emk_virtio_drv_config(&f->d, 4, 4), 2);     /* streams */
    assert_int_equal(emk_virtio_drv_config(&f->d, 8, 4), 2);     /* chmaps */
    /* PCM_INFO of both streams */
    assert_int_equal(query(f, EMK_VIRTIO_SND_R_PCM_INFO, 0, 2, 32, r, 4 + 64), OK);
    assert_int_equal(get32(r + 4 + 4), (1u << 4) | (1u << 3));  /* features */
    assert_int_equal(get32(r + 4 + 8), 0x1ffffe);               /* formats */
    assert_int_equal(get32(r + 4 + 16), 0x3fff);                /* rates */
    assert_int_equal(r[4 + 24], EMK_AUDIO_OUT);
    assert_int_equal(r[4 + 25], 1);
    assert_int_equal(r[4 + 26], 8);
    assert_int_equal(r[4 + 32 + 24], EMK_AUDIO_IN);
    /* a bigger item size: items at that stride, zero-padded */
    assert_int_equal(query(f, EMK_VIRTIO_SND_R_PCM_INFO, 1, 1, 40, r, 4 + 40), OK);
    assert_int_equal(r[4 + 24], EMK_AUDIO_IN);
    assert_int_equal(r[4 + 39], 0);
    /* JACK_INFO */
    assert_int_equal(query(f, EMK_VIRTIO_SND_R_JACK_INFO, 0, 1, 24, r, 4 + 24), OK);
    assert_int_equal(get32(r + 4 + 4), 1);              /* REMAP */
    assert_int_equal(get32(r + 4 + 8), 0x01214010u);
    assert_int_equal(get32(r + 4 + 12), 0x14);
    assert_int_equal(r[4 + 16], 1);
    /* CHMAP_INFO */
    assert_int_equal(query(f, EMK_VIRTIO_SND_R_CHMAP_INFO, 0, 2, 24, r, 4 + 48), OK);
    assert_int_equal(r[4 + 4], EMK_AUDIO_OUT);
    assert_int_equal(r[4 + 5], 2);
    assert_int_equal(r[4 + 6], EMK_VIRTIO_SND_CHMAP_FL);
    assert_int_equal(r[4 + 7], EMK_VIRTIO_SND_CHMAP_FR);
    assert_int_equal(r[4 + 24 + 4], EMK_AUDIO_IN);
    /* bad queries */
    assert_int_equal(query(f, EMK_VIRTIO_SND_R_PCM_INFO, 1, 2, 32, r, 4 + 64), BAD);
    assert_int_equal(query(f, EMK_VIRTIO_SND_R_PCM_INFO, 3, 0, 32, r, 4), BAD);
    assert_int_equal(query(f, EMK_VIRTIO_SND_R_PCM_INFO, 0xffffffffu, 2, 32, r, 4), BAD);
    assert_int_equal(query(f, EMK_VIRTIO_SND_R_PCM_INFO, 0, 1, 31, r, 4 + 31), BAD);
    assert_int_equal(query(f, EMK_VIRTIO_SND_R_PCM_INFO, 0, 1, 4096, r, 256), BAD);
    assert_int_equal(query(f, EMK_VIRTIO_SND_R_JACK_INFO, 0, 1, 24, r, 4 + 23), BAD);
    assert_int_equal(query(f, EMK_VIRTIO_SND_R_CHMAP_INFO, 0, 0, 24, r, 4), OK);
    /* unknown request, short request, no request, no response room */
    put32(r, 0x0300);
    assert_int_equal(ctrl_raw(f, r, 16, r, 4, &used), NOTSUPP);
    assert_int_equal(used, 4);
    assert_int_equal(ctrl_raw(f, "\x00\x01", 2, r, 4, &used), BAD);
    assert_int_equal(ctrl_raw(f, NULL, 0, r, 4, &used), BAD);
    put32(r, EMK_VIRTIO_SND_R_PCM_INFO);
    assert_int_equal(ctrl_raw(f, r, 8, r, 4, &used), BAD);      /* query too short */
    put32(r, EMK_VIRTIO_SND_R_PCM_START);
    (void)ctrl_raw(f, r, 8, NULL, 0, &used);
    assert_int_equal(used, 0);
    assert_int_equal(ctrl_raw(f, r, 8, r, 3, &used), 0);
    assert_int_equal(used, 0);
    assert_true(f->snd.stat_ctrl_bad >= 10);
    teardown(f);
}

static void test_jack_remap(void **state)
{
    static const emk_virtio_snd_jack_cfg jacks[2] = {
        { 0, 1, 0x01214010u, 0x14, 1 },
        { 0, 0, 0x02a19020u, 0x24, 0 },    /* no remapping */
    };
    emk_virtio_snd_options o;
    fixture *f;
    uint8_t r[64], resp[4];

    (void)state;
    memset(&o, 0, sizeof(o));
    o.jacks = jacks;
    o.njacks = 2;
    f = setup_opts(0, NULL, &o);
    put32(r, EMK_VIRTIO_SND_R_JACK_REMAP);
    put32(r + 4, 0);
    put32(r + 8, 3);        /* association */
    put32(r + 12, 2);       /* sequence */
    assert_int_equal(ctrl_raw(f, r, 16, resp, 4, NULL), OK);
    assert_int_equal(query(f, EMK_VIRTIO_SND_R_JACK_INFO, 0, 2, 24, r + 16, 4 + 48), OK);
    assert_int_equal(get32(r + 16 + 4 + 8), 0x01214032u);
    assert_int_equal(r[16 + 4 + 24 + 16], 0);          /* jack 1 unplugged */
    put32(r + 4, 1);
    assert_int_equal(ctrl_raw(f, r, 16, resp, 4, NULL), NOTSUPP);
    put32(r + 4, 2);
    assert_int_equal(ctrl_raw(f, r, 16, resp, 4, NULL), BAD);
    put32(r + 4, 0);
    put32(r + 8, 16);
    assert_int_equal(ctrl_raw(f, r, 16, resp, 4, NULL), BAD);
    assert_int_equal(ctrl_raw(f, r, 12, resp, 4, NULL), BAD);  /* short */
    /* a device reset undoes the remap */
    assert_int_equal(emk_virtio_drv_negotiate(&f->d, 0), 0);
    assert_int_equal(f->snd.jacks[0].hda_reg_defconf, 0x01214010u);
    teardown(f);
}

/* ---- the state machine -------------------------------------------------- */

static void expect_state(fixture *f, int st)
{
    assert_int_equal(emk_virtio_snd_stream_state(&f->snd, 0), st);
}

static uint32_t params_ok(fixture *f)
{
    return set_params(f, 0, 4 * PERIOD, PERIOD, 0, 2, EMK_AUDIO_FMT_S16,
                      EMK_AUDIO_RATE_48000);
}

static void test_state_machine(void **state)
{
    fixture *f = setup(NULL);
    enum { P = EMK_VIRTIO_SND_R_PCM_PREPARE, R = EMK_VIRTIO_SND_R_PCM_RELEASE,
           S = EMK_VIRTIO_SND_R_PCM_START, T = EMK_VIRTIO_SND_R_PCM_STOP };

    (void)state;
    expect_state(f, EMK_VIRTIO_SND_ST_INIT);
    assert_int_equal(pcm(f, P, 0), BAD);
    assert_int_equal(pcm(f, S, 0), BAD);
    assert_int_equal(pcm(f, T, 0), BAD);
    assert_int_equal(pcm(f, R, 0), BAD);
    assert_int_equal(params_ok(f), OK);
    expect_state(f, EMK_VIRTIO_SND_ST_PARAMS);
    assert_int_equal(pcm(f, S, 0), BAD);
    assert_int_equal(pcm(f, T, 0), BAD);
    assert_int_equal(pcm(f, R, 0), BAD);
    assert_int_equal(params_ok(f), OK);
    assert_int_equal(pcm(f, P, 0), OK);
    expect_state(f, EMK_VIRTIO_SND_ST_PREPARED);
    assert_int_equal(pcm(f, T, 0), BAD);
    assert_int_equal(pcm(f, P, 0), OK);
    assert_int_equal(params_ok(f), OK);                 /* back to PARAMS */
    expect_state(f, EMK_VIRTIO_SND_ST_PARAMS);
    assert_int_equal(pcm(f, P, 0), OK);
    assert_int_equal(pcm(f, R, 0), OK);
    expect_state(f, EMK_VIRTIO_SND_ST_RELEASED);
    assert_int_equal(pcm(f, S, 0), BAD);
    assert_int_equal(pcm(f, T, 0), BAD);
    assert_int_equal(pcm(f, R, 0), BAD);
    assert_int_equal(pcm(f, P, 0), OK);
    assert_int_equal(pcm(f, S, 0), OK);
    expect_state(f, EMK_VIRTIO_SND_ST_RUNNING);
    assert_int_equal(params_ok(f), BAD);
    assert_int_equal(pcm(f, P, 0), BAD);
    assert_int_equal(pcm(f, S, 0), BAD);
    assert_int_equal(pcm(f, R, 0), BAD);
    assert_int_equal(pcm(f, T, 0), OK);
    expect_state(f, EMK_VIRTIO_SND_ST_STOPPED);
    assert_int_equal(params_ok(f), BAD);
    assert_int_equal(pcm(f, P, 0), BAD);
    assert_int_equal(pcm(f, T, 0), BAD);
    assert_int_equal(pcm(f, S, 0), OK);                 /* resume */
    assert_int_equal(pcm(f, T, 0), OK);
    assert_int_equal(pcm(f, R, 0), OK);
    assert_int_equal(params_ok(f), OK);                 /* after RELEASE */
    expect_state(f, EMK_VIRTIO_SND_ST_PARAMS);
    /* the other stream is untouched; a bad stream id is BAD_MSG */
    assert_int_equal(emk_virtio_snd_stream_state(&f->snd, 1), EMK_VIRTIO_SND_ST_INIT);
    assert_int_equal(pcm(f, P, 2), BAD);
    assert_int_equal(pcm(f, P, 0xffffffffu), BAD);
    assert_int_equal(emk_virtio_snd_stream_state(&f->snd, 2), -ENOENT);
    assert_string_equal(emk_virtio_snd_code_name(S), "PCM_START");
    teardown(f);
}

static void test_set_params_checks(void **state)
{
    static const emk_virtio_snd_stream_cfg st[1] = {
        { EMK_AUDIO_OUT, 2, 2, 1u << EMK_AUDIO_FMT_S16, 1u << EMK_AUDIO_RATE_44100,
          1u << EMK_VIRTIO_SND_PCM_F_EVT_XRUNS, 0 },
    };
    emk_virtio_snd_options o;
    fixture *f = setup(NULL);
    uint8_t r[24], resp[4];

    (void)state;
    assert_int_equal(set_params(f, 0, 8192, 4096, 0, 2, EMK_AUDIO_FMT_DSD_U8,
                                EMK_AUDIO_RATE_48000), NOTSUPP);
    assert_int_equal(set_params(f, 0, 8192, 4096, 0, 2, EMK_AUDIO_FMT_COUNT,
                                EMK_AUDIO_RATE_48000), NOTSUPP);
    assert_int_equal(set_params(f, 0, 8192, 4096, 0, 2, EMK_AUDIO_FMT_S16, 14), NOTSUPP);
    assert_int_equal(set_params(f, 0, 8192, 4096, 0, 0, EMK_AUDIO_FMT_S16,
                                EMK_AUDIO_RATE_48000), NOTSUPP);
    assert_int_equal(set_params(f, 0, 8192, 4096, 0, 9, EMK_AUDIO_FMT_S16,
                                EMK_AUDIO_RATE_48000), NOTSUPP);
    assert_int_equal(set_params(f, 0, 8192, 4096, 1u << EMK_VIRTIO_SND_PCM_F_SHMEM_HOST,
                                2, EMK_AUDIO_FMT_S16, EMK_AUDIO_RATE_48000), NOTSUPP);
    assert_int_equal(set_params(f, 0, 8192, 0, 0, 2, EMK_AUDIO_FMT_S16,
                                EMK_AUDIO_RATE_48000), BAD);
    assert_int_equal(set_params(f, 0, 4096, 8192, 0, 2, EMK_AUDIO_FMT_S16,
                                EMK_AUDIO_RATE_48000), BAD);
    assert_int_equal(set_params(f, 0, 8192, 4094, 0, 2, EMK_AUDIO_FMT_S16,
                                EMK_AUDIO_RATE_48000), BAD);      /* half a frame */
    assert_int_equal(set_params(f, 0, 0xffffffffu, 8u << 20, 0, 2, EMK_AUDIO_FMT_S16,
                                EMK_AUDIO_RATE_48000), BAD);      /* huge */
    expect_state(f, EMK_VIRTIO_SND_ST_INIT);
    /* every listed format and rate of the default stream is taken */
    assert_int_equal(set_params(f, 0, 8 * 3 * 6, 3 * 6, 0, 6, EMK_AUDIO_FMT_S24_3,
                                EMK_AUDIO_RATE_384000), OK);
    assert_int_equal(set_params(f, 0, 64, 64, 0, 8, EMK_AUDIO_FMT_FLOAT64,
                                EMK_AUDIO_RATE_5512), OK);
    assert_int_equal(set_params(f, 0, 64, 16, 0, 1, EMK_AUDIO_FMT_MU_LAW,
                                EMK_AUDIO_RATE_8000), OK);
    /* short request */
    memset(r, 0, sizeof(r));
    put32(r, EMK_VIRTIO_SND_R_PCM_SET_PARAMS);
    assert_int_equal(ctrl_raw(f, r, 20, resp, 4, NULL), BAD);
    teardown(f);
    /* a narrower stream configuration */
    memset(&o, 0, sizeof(o));
    o.streams = st;
    o.nstreams = 1;
    f = setup_opts(0, NULL, &o);
    {
        uint8_t big[36];

        assert_int_equal(query(f, EMK_VIRTIO_SND_R_PCM_INFO, 0, 1, 32, big, 36), OK);
        assert_int_equal(get32(big + 4 + 8), 1u << EMK_AUDIO_FMT_S16);
        assert_int_equal(get32(big + 4 + 16), 1u << EMK_AUDIO_RATE_44100);
        assert_int_equal(get32(big + 4 + 4), 1u << EMK_VIRTIO_SND_PCM_F_EVT_XRUNS);
    }
    assert_int_equal(set_params(f, 0, 8192, 4096, 0, 2, EMK_AUDIO_FMT_S16,
                                EMK_AUDIO_RATE_48000), NOTSUPP);
    assert_int_equal(set_params(f, 0, 8192, 4096, 0, 1, EMK_AUDIO_FMT_S16,
                                EMK_AUDIO_RATE_44100), NOTSUPP);
    assert_int_equal(set_params(f, 0, 8192, 4096, 1u << EMK_VIRTIO_SND_PCM_F_EVT_XRUNS,
                                2, EMK_AUDIO_FMT_S16, EMK_AUDIO_RATE_44100), OK);
    teardown(f);
}

/* ---- pacing ------------------------------------------------------------ */

static void fill_pattern(uint8_t *p, size_t n, unsigned seed)
{
    size_t i;

    for (i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 7 + seed * 13 + 1);
}

static void test_tx_pacing_wav(void **state)
{
    fixture *f = setup("wav");
    static uint8_t frames[3][PERIOD], file[44 + 3 * PERIOD + 16];
    io_msg m[3];
    FILE *fp;
    size_t n;
    int i;

    (void)state;
    prepare_std(f, 0, 0);
    for (i = 0; i < 3; i++) {
        fill_pattern(frames[i], PERIOD, (unsigned)i);
        m[i] = io_add(f, TXQ, 0, PERIOD, frames[i]);
    }
    /* prepared, not started: held */
    emk_tm_advance(f->tm, 10 * (int64_t)PERIOD_NS);
    assert_true(no_used(f, TXQ));
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_START, 0), OK);
    emk_tm_advance(f->tm, PERIOD_NS - 1);
    assert_true(no_used(f, TXQ));
    emk_tm_advance(f->tm, 1);
    expect_used(f, TXQ, &m[0], 8);
    assert_int_equal(io_status(f, &m[0]), OK);
    assert_int_equal(io_latency(f, &m[0]), 2 * PERIOD);
    assert_true(no_used(f, TXQ));
    emk_tm_advance(f->tm, PERIOD_NS);
    expect_used(f, TXQ, &m[1], 8);
    assert_int_equal(io_latency(f, &m[1]), PERIOD);
    emk_tm_advance(f->tm, PERIOD_NS);
    expect_used(f, TXQ, &m[2], 8);
    assert_int_equal(io_latency(f, &m[2]), 0);
    assert_int_equal(f->snd.streams[0].stat_max_late_ns, 0);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_STOP, 0), OK);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_RELEASE, 0), OK);
    /* the voice closed: the file's header is final, the frames exact */
    fp = fopen(f->wav, "rb");
    assert_non_null(fp);
    n = fread(file, 1, sizeof(file), fp);
    fclose(fp);
    assert_int_equal(n, 44 + 3 * PERIOD);
    assert_int_equal(get32(file + 40), 3 * PERIOD);
    assert_int_equal(get32(file + 24), 48000);
    for (i = 0; i < 3; i++)
        assert_memory_equal(file + 44 + i * PERIOD, frames[i], PERIOD);
    teardown(f);
}

static void test_rx_pacing_sine_converted(void **state)
{
    fixture *f = setup("sine:1000");
    io_msg m[2];
    const uint8_t *d;
    int i;

    (void)state;
    /* S32 stereo from the S16 source: converted, 600-frame periods */
    assert_int_equal(set_params(f, 1, 4 * 4800, 4800, 0, 2, EMK_AUDIO_FMT_S32,
                                EMK_AUDIO_RATE_48000), OK);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_PREPARE, 1), OK);
    m[0] = io_add(f, RXQ, 1, 4800, NULL);
    m[1] = io_add(f, RXQ, 1, 4800, NULL);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_START, 1), OK);
    emk_tm_advance(f->tm, 12500000 - 1);
    assert_true(no_used(f, RXQ));
    emk_tm_advance(f->tm, 1);
    expect_used(f, RXQ, &m[0], 4800 + 8);
    assert_int_equal(io_status(f, &m[0]), OK);
    assert_int_equal(io_latency(f, &m[0]), 4800);
    d = emk_tm_ram(f->tm, m[0].data, 4800);
    /* frame 0 is 0; frame 12 (a quarter of 1 kHz at 48 kHz) is the peak */
    assert_int_equal(get32(d), 0);
    assert_int_equal(get32(d + 12 * 8), 16384u << 16);
    assert_int_equal(get32(d + 12 * 8 + 4), 16384u << 16);
    for (i = 0; i < 600; i++)
        assert_int_equal(get32(d + i * 8) & 0xffff, 0);
    emk_tm_advance(f->tm, 12500000);
    expect_used(f, RXQ, &m[1], 4800 + 8);
    /* the second period continues the wave: frame 600 is at phase 0.5 */
    d = emk_tm_ram(f->tm, m[1].data, 4800);
    assert_int_equal(get32(d + 12 * 8), (uint32_t)-16384 << 16);
    teardown(f);
}

static void test_stop_keeps_and_release_completes(void **state)
{
    fixture *f = setup(NULL);
    static uint8_t frames[PERIOD];
    io_msg m[4];
    uint8_t r[8], resp[4];
    uint16_t head;
    uint32_t len;
    int i;

    (void)state;
    prepare_std(f, 0, 0);
    for (i = 0; i < 4; i++)
        m[i] = io_add(f, TXQ, 0, PERIOD, frames);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_START, 0), OK);
    emk_tm_advance(f->tm, PERIOD_NS);
    expect_used(f, TXQ, &m[0], 8);
    /* STOP (pause): the rest stays held however long */
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_STOP, 0), OK);
    emk_tm_advance(f->tm, 100 * (int64_t)PERIOD_NS);
    assert_true(no_used(f, TXQ));
    /* START (resume) counts from now */
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_START, 0), OK);
    emk_tm_advance(f->tm, PERIOD_NS - 1);
    assert_true(no_used(f, TXQ));
    emk_tm_advance(f->tm, 1);
    expect_used(f, TXQ, &m[1], 8);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_STOP, 0), OK);
    assert_int_equal(f->snd.streams[0].held, 2);
    /* RELEASE: both held messages complete before its answer */
    put32(r, EMK_VIRTIO_SND_R_PCM_RELEASE);
    put32(r + 4, 0);
    assert_int_equal(ctrl_raw(f, r, 8, resp, 4, NULL), OK);
    assert_true(emk_virtio_drv_used(&f->d, TXQ, &head, &len));
    assert_int_equal(head, m[2].head);
    assert_true(emk_virtio_drv_used(&f->d, TXQ, &head, &len));
    assert_int_equal(head, m[3].head);
    assert_int_equal(io_status(f, &m[3]), OK);
    assert_int_equal(f->snd.streams[0].held, 0);
    /* prepared with held messages, RELEASE completes them too */
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_PREPARE, 0), OK);
    m[0] = io_add(f, TXQ, 0, PERIOD, frames);
    assert_true(no_used(f, TXQ));
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_RELEASE, 0), OK);
    assert_true(emk_virtio_drv_used(&f->d, TXQ, &head, &len));
    assert_int_equal(head, m[0].head);
    /* SET_PARAMS over held messages returns them (IO_ERR) */
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_PREPARE, 0), OK);
    m[0] = io_add(f, TXQ, 0, PERIOD, frames);
    assert_true(no_used(f, TXQ));
    assert_int_equal(params_ok(f), OK);
    expect_used(f, TXQ, &m[0], 8);
    assert_int_equal(io_status(f, &m[0]), IOERR);
    teardown(f);
}

static void test_bad_messages(void **state)
{
    fixture *f = setup(NULL);
    static uint8_t frames[2 * PERIOD];
    io_msg m;
    emk_virtio_drv_buf b[2];
    uint16_t head;
    uint32_t len;
    int h;

    (void)state;
    /* not prepared yet */
    m = io_add(f, TXQ, 0, PERIOD, frames);
    expect_used(f, TXQ, &m, 8);
    assert_int_equal(io_status(f, &m), IOERR);
    prepare_std(f, 0, 0);
    prepare_std(f, 1, 0);
    /* bad stream id */
    m = io_add(f, TXQ, 7, PERIOD, frames);
    expect_used(f, TXQ, &m, 8);
    assert_int_equal(io_status(f, &m), BAD);
    /* output stream on the rx queue, input stream on the tx queue */
    m = io_add(f, RXQ, 0, PERIOD, NULL);
    expect_used(f, RXQ, &m, 8);
    assert_int_equal(io_status(f, &m), BAD);
    m = io_add(f, TXQ, 1, PERIOD, frames);
    expect_used(f, TXQ, &m, 8);
    assert_int_equal(io_status(f, &m), BAD);
    /* larger than a period; not whole frames */
    m = io_add(f, TXQ, 0, PERIOD + 4, frames);
    expect_used(f, TXQ, &m, 8);
    assert_int_equal(io_status(f, &m), BAD);
    m = io_add(f, TXQ, 0, 6, frames);
    expect_used(f, TXQ, &m, 8);
    assert_int_equal(io_status(f, &m), BAD);
    /* no room for a status: returned with nothing written */
    b[0].gpa = emk_tm_alloc(f->tm, 8, 8);
    b[0].len = 8;
    b[0].writable = 0;
    b[1].gpa = emk_tm_alloc(f->tm, 4, 8);
    b[1].len = 4;
    b[1].writable = 1;
    h = emk_virtio_drv_add(&f->d, TXQ, b, 2, 0);
    emk_virtio_drv_kick(&f->d, TXQ);
    assert_true(wait_used(f, TXQ, &head, &len));
    assert_int_equal(head, h);
    assert_int_equal(len, 0);
    /* a header shorter than a stream id */
    b[0].len = 2;
    b[1].len = 8;
    h = emk_virtio_drv_add(&f->d, TXQ, b, 2, 0);
    emk_virtio_drv_kick(&f->d, TXQ);
    assert_true(wait_used(f, TXQ, &head, &len));
    assert_int_equal(head, h);
    assert_int_equal(len, 8);
    /* an empty message completes at once, OK */
    m = io_add(f, TXQ, 0, 0, NULL);
    expect_used(f, TXQ, &m, 8);
    assert_int_equal(io_status(f, &m), OK);
    /* frames the device cannot reach: IO_ERR when played, queue goes on */
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_START, 0), OK);
    m = io_add(f, TXQ, 0, PERIOD, frames);
    assert_int_equal(emk_tm_dma_hole(f->tm, m.data, PERIOD), 0);
    emk_tm_advance(f->tm, PERIOD_NS);
    expect_used(f, TXQ, &m, 8);
    assert_int_equal(io_status(f, &m), IOERR);
    /* after all that a good message still plays */
    m = io_add(f, TXQ, 0, PERIOD, frames);
    emk_tm_advance(f->tm, PERIOD_NS);
    expect_used(f, TXQ, &m, 8);
    assert_int_equal(io_status(f, &m), OK);
    assert_int_equal(f->snd.stat_io_bad, 8);
    assert_false(emk_virtio_drv_status(&f->d) & EMK_VIRTIO_S_NEEDS_RESET);
    teardown(f);
}

/* ---- events ------------------------------------------------------------- */

static void test_events(void **state)
{
    fixture *f = setup(NULL);
    static uint8_t frames[PERIOD];
    io_msg m;

    (void)state;
    /* a jack change before any event buffer waits for one */
    assert_int_equal(emk_virtio_snd_jack_set(&f->snd, 0, 0), 0);
    assert_int_equal(emk_virtio_snd_jack_set(&f->snd, 0, 0), 0);   /* no change */
    assert_int_equal(emk_virtio_snd_jack_set(&f->snd, 1, 0), -ENOENT);
    assert_true(no_used(f, EVQ));
    (void)ev_add(f);
    expect_event(f, EMK_VIRTIO_SND_EVT_JACK_DISCONNECTED, 0);
    (void)ev_add(f);
    (void)ev_add(f);
    (void)ev_add(f);
    assert_int_equal(emk_virtio_snd_jack_set(&f->snd, 0, 1), 0);
    expect_event(f, EMK_VIRTIO_SND_EVT_JACK_CONNECTED, 0);
    /* period elapsed (EVT_SHMEM_PERIODS) and xrun (EVT_XRUNS) */
    prepare_std(f, 0, (1u << EMK_VIRTIO_SND_PCM_F_EVT_XRUNS) |
                      (1u << EMK_VIRTIO_SND_PCM_F_EVT_SHMEM_PERIODS));
    m = io_add(f, TXQ, 0, PERIOD, frames);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_START, 0), OK);
    emk_tm_advance(f->tm, PERIOD_NS);
    expect_used(f, TXQ, &m, 8);
    expect_event(f, EMK_VIRTIO_SND_EVT_PCM_PERIOD_ELAPSED, 0);
    /* dry: no xrun within a period, one after it, once */
    emk_tm_advance(f->tm, PERIOD_NS - 1);
    assert_true(no_used(f, EVQ));
    emk_tm_advance(f->tm, 1);
    expect_event(f, EMK_VIRTIO_SND_EVT_PCM_XRUN, 0);
    assert_int_equal(f->snd.streams[0].stat_xruns, 1);
    emk_tm_advance(f->tm, 10 * (int64_t)PERIOD_NS);
    assert_true(no_used(f, EVQ));
    /* a new message restarts the count from its arrival */
    m = io_add(f, TXQ, 0, PERIOD, frames);
    emk_tm_advance(f->tm, PERIOD_NS - 1);
    assert_true(no_used(f, TXQ));
    emk_tm_advance(f->tm, 1);
    expect_used(f, TXQ, &m, 8);
    /* without the features: no events at all */
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_STOP, 0), OK);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_RELEASE, 0), OK);
    (void)emk_virtio_drv_used(&f->d, EVQ, &(uint16_t){0}, &(uint32_t){0});
    prepare_std(f, 0, 0);
    m = io_add(f, TXQ, 0, PERIOD, frames);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_START, 0), OK);
    emk_tm_advance(f->tm, 5 * PERIOD_NS);
    expect_used(f, TXQ, &m, 8);
    assert_true(no_used(f, EVQ));
    teardown(f);
}

static void test_device_reset_with_held(void **state)
{
    fixture *f = setup(NULL);
    static uint8_t frames[PERIOD];
    unsigned q;
    io_msg m;
    int i;

    (void)state;
    prepare_std(f, 0, 0);
    for (i = 0; i < 5; i++)
        (void)io_add(f, TXQ, 0, PERIOD, frames);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_START, 0), OK);
    assert_int_equal(f->snd.streams[0].held, 5);
    /* reset: forgotten with the rings, the stream back to its start */
    assert_int_equal(emk_virtio_drv_negotiate(&f->d, 0), 0);
    expect_state(f, EMK_VIRTIO_SND_ST_INIT);
    assert_int_equal(f->snd.streams[0].held, 0);
    emk_tm_advance(f->tm, 10 * (int64_t)PERIOD_NS);
    for (q = 0; q < 4; q++)
        assert_int_equal(emk_virtio_drv_queue(&f->d, q, QSIZE, EMK_VIRTIO_NO_VECTOR), 0);
    emk_virtio_drv_ok(&f->d);
    prepare_std(f, 0, 0);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_START, 0), OK);
    /* all 64 message slots are free again: fill the ring twice over */
    for (i = 0; i < 2 * QSIZE; i++) {
        m = io_add(f, TXQ, 0, PERIOD, frames);
        emk_tm_advance(f->tm, PERIOD_NS);
        expect_used(f, TXQ, &m, 8);
    }
    teardown(f);
}

/* ---- the device on an iothread, host clock ------------------------------ */

static void unplug(void *arg)
{
    (void)emk_virtio_snd_jack_set(arg, 0, 0);
}

static void test_iothread_realtime(void **state)
{
    fixture *f = setup_opts(1, NULL, NULL);
    static uint8_t frames[192];
    io_msg m[QSIZE];
    int64_t t0, el;
    int i, round;

    (void)state;
    /* 48-frame (1 ms) periods */
    assert_int_equal(set_params(f, 0, 4 * 192, 192, 0, 2, EMK_AUDIO_FMT_S16,
                                EMK_AUDIO_RATE_48000), OK);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_PREPARE, 0), OK);
    for (i = 0; i < 8; i++)
        m[i] = io_add(f, TXQ, 0, 192, frames);
    t0 = emk_host_now_ns();
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_START, 0), OK);
    /* keep 8 queued: each completion brings the next */
    for (round = 0; round < 40; round++) {
        expect_used(f, TXQ, &m[round % 8], 8);
        assert_int_equal(io_status(f, &m[round % 8]), OK);
        m[round % 8] = io_add(f, TXQ, 0, 192, frames);
    }
    el = emk_host_now_ns() - t0;
    /* 40 periods of 1 ms cannot complete in less than 40 ms */
    assert_true(el >= 40000000);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_STOP, 0), OK);
    assert_int_equal(pcm(f, EMK_VIRTIO_SND_R_PCM_RELEASE, 0), OK);
    for (i = 0; i < 8; i++) {
        uint16_t h;
        uint32_t l;

        assert_true(wait_used(f, TXQ, &h, &l));
    }
    /* a host jack change handed to the device loop reaches the guest */
    (void)ev_add(f);
    assert_int_equal(emk_loop_call(emk_iothread_loop(f->it), unplug, &f->snd), 0);
    expect_event(f, EMK_VIRTIO_SND_EVT_JACK_DISCONNECTED, 0);
    teardown(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_and_queries),
        cmocka_unit_test(test_jack_remap),
        cmocka_unit_test(test_state_machine),
        cmocka_unit_test(test_set_params_checks),
        cmocka_unit_test(test_tx_pacing_wav),
        cmocka_unit_test(test_rx_pacing_sine_converted),
        cmocka_unit_test(test_stop_keeps_and_release_completes),
        cmocka_unit_test(test_bad_messages),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_device_reset_with_held),
        cmocka_unit_test(test_iothread_realtime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
