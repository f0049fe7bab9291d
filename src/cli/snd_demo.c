/* snd_demo.c - virtio-snd in the main job: the guest-side virtio driver
 * plays half a second of a 440 Hz tone (S16 stereo 48 kHz, 10 ms
 * periods, four in flight) to the null backend through virtio-pci, on the
 * test machine's virtual clock, and reports when each period completed
 * against its nominal time. */
#include <string.h>

#include "demos.h"
#include "compat.h"
#include "emkit/guest/pci_enum.h"
#include "emkit/guest/virtio_drv.h"
#include "emkit/virtio_pci.h"
#include "emkit/virtio_snd.h"

static const uint64_t SND_ECAM = 0xb0000000u;
enum {
    RATE = 48000, CH = 2, FRAME = 4, PERIOD_FRAMES = 480,
    PERIOD = PERIOD_FRAMES * FRAME, PERIODS = 50, INFLIGHT = 4,
    STEP_NS = 10000   /* the driver looks every 10 us of virtual time */
};

typedef struct snd_demo {
    emk_tm *tm;
    emk_virtio_drv d;
    uint64_t req, resp;          /* control request and response buffers */
    uint64_t hdr, data[INFLIGHT], status[INFLIGHT];
    int head[INFLIGHT];
    double y1, y2;               /* the tone's oscillator: y[n-1], y[n-2] */
} snd_demo;

/* 2 cos(2 pi 440 / 48000) and sin(2 pi 440 / 48000): the tone by the
 * recurrence y[n] = c y[n-1] - y[n-2], with no libm. */
static const double TONE_C = 1.9966836332280566, TONE_S = 0.057564026959567284;

static int run_pending_until_used(snd_demo *s, unsigned q, uint16_t *head,
                                  uint32_t *len)
{
    int i;

    for (i = 0; i < 1000; i++) {
        if (emk_virtio_drv_used(&s->d, q, head, len))
            return 1;
        emk_tm_run_pending(s->tm, 100);
    }
    return 0;
}

/* One control request of n bytes (already at s->req); the status. */
static uint32_t control(snd_demo *s, uint32_t n)
{
    emk_virtio_drv_buf b[2] = { { 0, 0, 0 }, { 0, 4, 1 } };
    uint16_t head;
    uint32_t len;

    b[0].gpa = s->req;
    b[0].len = n;
    b[1].gpa = s->resp;
    if (emk_virtio_drv_add(&s->d, EMK_VIRTIO_SND_VQ_CONTROL, b, 2, 0) < 0)
        return 0;
    emk_virtio_drv_kick(&s->d, EMK_VIRTIO_SND_VQ_CONTROL);
    if (!run_pending_until_used(s, EMK_VIRTIO_SND_VQ_CONTROL, &head, &len))
        return 0;
    return emk_le32(emk_tm_ram(s->tm, s->resp, 4));
}

static uint32_t pcm(snd_demo *s, uint32_t code)
{
    uint8_t *r = emk_tm_ram(s->tm, s->req, 8);

    emk_st_le32(r, code);
    emk_st_le32(r + 4, 0);              /* stream 0: the output */
    return control(s, 8);
}

/* Queues period k (a slice of the tone) in slot i. */
static int queue_period(snd_demo *s, unsigned i, unsigned k)
{
    emk_virtio_drv_buf b[3] = { { 0, 4, 0 }, { 0, PERIOD, 0 }, { 0, 8, 1 } };
    uint8_t *p = emk_tm_ram(s->tm, s->data[i], PERIOD);
    unsigned f;

    (void)k;                             /* periods come in order */
    for (f = 0; f < PERIOD_FRAMES; f++) {
        double y = TONE_C * s->y1 - s->y2;
        int16_t v = (int16_t)(12000.0 * s->y1);

        s->y2 = s->y1;
        s->y1 = y;

        emk_st_le16(p + f * FRAME, (uint16_t)v);
        emk_st_le16(p + f * FRAME + 2, (uint16_t)v);
    }
    b[0].gpa = s->hdr;
    b[1].gpa = s->data[i];
    b[2].gpa = s->status[i];
    s->head[i] = emk_virtio_drv_add(&s->d, EMK_VIRTIO_SND_VQ_TX, b, 3, 1);
    if (s->head[i] < 0)
        return s->head[i];
    emk_virtio_drv_kick(&s->d, EMK_VIRTIO_SND_VQ_TX);
    return 0;
}

static int setup(snd_demo *s, emk_pci_host *host, emk_pci_seg *seg,
                 emk_pci_enum *e, emk_virtio_pci *pci)
{
    emk_pci_enum_seg es = { 0, 0, 0, 1 };
    unsigned q, i;
    int idx;

    es.ecam_base = SND_ECAM;
    emk_pci_host_init(host, emk_tm_bus(s->tm), seg, 1);
    if (emk_pci_host_add_segment(host, 0, SND_ECAM, 0, 1) < 0 ||
        emk_pci_seg_attach(seg, &pci->fn, 4 << 3) < 0 ||
        emk_pci_enum_init(e, s->tm, &es, 1, 0x80000000ull, 0x90000000ull,
                          0x100000000ull, 0x200000000ull, 0x1000, 0x2000) < 0 ||
        emk_pci_enum_run(e) < 1)
        return -ENODEV;
    idx = emk_pci_enum_find(e, EMK_VIRTIO_PCI_VENDOR,
                            EMK_VIRTIO_PCI_DEVICE_BASE + EMK_VIRTIO_ID_SOUND, 0);
    if (idx < 0 || emk_virtio_drv_init(&s->d, e, (unsigned)idx) < 0 ||
        emk_virtio_drv_negotiate(&s->d, (uint64_t)1 << EMK_VIRTIO_F_INDIRECT_DESC) < 0)
        return -ENODEV;
    for (q = 0; q < EMK_VIRTIO_SND_VQ_COUNT; q++)
        if (emk_virtio_drv_queue(&s->d, q, 16, EMK_VIRTIO_NO_VECTOR) < 0)
            return -EIO;
    emk_virtio_drv_ok(&s->d);
    s->req = emk_tm_alloc(s->tm, 64, 8);
    s->resp = emk_tm_alloc(s->tm, 64, 8);
    s->hdr = emk_tm_alloc(s->tm, 4, 4);
    for (i = 0; i < INFLIGHT; i++) {
        s->data[i] = emk_tm_alloc(s->tm, PERIOD, 64);
        s->status[i] = emk_tm_alloc(s->tm, 8, 8);
    }
    if (!s->req || !s->status[INFLIGHT - 1])
        return -ENOMEM;
    memset(emk_tm_ram(s->tm, s->hdr, 4), 0, 4);     /* stream 0 */
    s->y1 = 0.0;                                      /* y[0] = sin 0 */
    s->y2 = -TONE_S;                                  /* y[-1] = sin -w */
    return 0;
}

static int set_params(snd_demo *s)
{
    uint8_t *r = emk_tm_ram(s->tm, s->req, 24);

    memset(r, 0, 24);
    emk_st_le32(r, EMK_VIRTIO_SND_R_PCM_SET_PARAMS);
    emk_st_le32(r + 8, INFLIGHT * PERIOD);        /* buffer bytes */
    emk_st_le32(r + 12, PERIOD);                  /* period bytes */
    r[20] = CH;
    r[21] = EMK_AUDIO_FMT_S16;
    r[22] = EMK_AUDIO_RATE_48000;
    return control(s, 24) == EMK_VIRTIO_SND_S_OK &&
           pcm(s, EMK_VIRTIO_SND_R_PCM_PREPARE) == EMK_VIRTIO_SND_S_OK ? 0 : -EIO;
}

/* Plays PERIODS periods; *max_dev the largest distance (ns) of a
 * completion from start + (k + 1) periods, *bad the non-OK statuses. */
static int play(snd_demo *s, int64_t *max_dev, unsigned *bad, uint32_t *lat_max)
{
    emk_loop *loop = emk_tm_loop(s->tm);
    unsigned queued = 0, done = 0, i;
    int64_t t0, nominal = (int64_t)PERIOD_FRAMES * 1000000000 / RATE;

    for (i = 0; i < INFLIGHT; i++)
        if (queue_period(s, i, queued++) < 0)
            return -EIO;
    if (pcm(s, EMK_VIRTIO_SND_R_PCM_START) != EMK_VIRTIO_SND_S_OK)
        return -EIO;
    t0 = emk_loop_now(loop);
    while (done < PERIODS) {
        uint16_t head;
        uint32_t len;
        int64_t dev;

        emk_tm_advance(s->tm, STEP_NS);
        while (emk_virtio_drv_used(&s->d, EMK_VIRTIO_SND_VQ_TX, &head, &len)) {
            const uint8_t *st;

            for (i = 0; i < INFLIGHT && s->head[i] != head; i++)
                ;
            if (i == INFLIGHT)
                return -EIO;
            st = emk_tm_ram(s->tm, s->status[i], 8);
            if (emk_le32(st) != EMK_VIRTIO_SND_S_OK)
                (*bad)++;
            if (emk_le32(st + 4) > *lat_max)
                *lat_max = emk_le32(st + 4);
            dev = emk_loop_now(loop) - t0 - (int64_t)(done + 1) * nominal;
            if (dev < 0)
                dev = -dev;
            if (dev > *max_dev)
                *max_dev = dev;
            done++;
            if (queued < PERIODS && queue_period(s, i, queued++) < 0)
                return -EIO;
        }
        if (emk_loop_now(loop) - t0 > 2 * PERIODS * nominal)
            return -ETIMEDOUT;
    }
    if (pcm(s, EMK_VIRTIO_SND_R_PCM_STOP) != EMK_VIRTIO_SND_S_OK ||
        pcm(s, EMK_VIRTIO_SND_R_PCM_RELEASE) != EMK_VIRTIO_SND_S_OK)
        return -EIO;
    return 0;
}

int emk_snd_demo(FILE *out, const emk_demo_opts *o)
{
    static emk_virtio_snd snd;
    static emk_virtio_pci pci;
    static emk_pci_enum e;
    static snd_demo s;
    emk_tm_config cfg;
    emk_pci_host host;
    emk_pci_seg seg[1];
    int64_t max_dev = 0;
    unsigned bad = 0;
    uint32_t lat_max = 0;
    int err = 0, inited = 0;

    (void)o;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_size = 8u << 20;
    memset(&s, 0, sizeof(s));
    s.tm = emk_tm_new(&cfg, &err);
    if (!s.tm)
        return err;
    err = emk_virtio_snd_init(&snd, emk_tm_bus(s.tm), NULL, NULL);
    if (err == 0) {
        inited = 1;
        err = emk_virtio_pci_init(&pci, &snd.vdev, NULL);
    }
    if (err == 0)
        err = setup(&s, &host, seg, &e, &pci);
    if (err == 0)
        err = set_params(&s);
    if (err == 0)
        err = play(&s, &max_dev, &bad, &lat_max);
    if (err == 0) {
        fprintf(out, "  %d periods of 10 ms (S16 stereo 48 kHz, 440 Hz tone) to the null backend,\n"
                "  %d in flight: each completed within %lld us of its nominal time\n"
                "  (virtual clock, polled every %d us), statuses not OK: %u, latency_bytes <= %u,\n"
                "  stream xruns %llu\n",
                PERIODS, INFLIGHT, (long long)(max_dev / 1000), STEP_NS / 1000, bad,
                lat_max, (unsigned long long)snd.streams[0].stat_xruns);
        if (bad || max_dev > STEP_NS)
            err = -EIO;
    }
    emk_virtio_pci_cleanup(&pci);
    if (inited)
        emk_virtio_snd_cleanup(&snd);
    emk_tm_free(s.tm);
    return err;
}
