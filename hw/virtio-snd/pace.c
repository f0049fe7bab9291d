/*
 * pace.c - virtio-snd pacing: a running stream completes its oldest held
 * message when that message's frames have played (or been captured) on
 * the device loop's clock, counted from START without drift (message n
 * is due at t0 + frames(0..n) / rate).  A stream that runs dry restarts
 * its count when the next message arrives, and reports PCM_XRUN (if the
 * driver selected EVT_XRUNS) after a whole period without one.  Every
 * backend is paced this way, the null one too.
 */
#include "snd_int.h"

static emk_trace_event ev_xrun = EMK_TRACE_EVENT_INIT("virtio_snd_xrun");
static emk_trace_event ev_dry = EMK_TRACE_EVENT_INIT("virtio_snd_dry");

static uint64_t head_frames(const emk_virtio_snd_stream *st)
{
    const emk_virtio_snd *s = st->snd;
    unsigned k = emk_snd_io_queue(st) == EMK_VIRTIO_SND_VQ_TX ? 0 : 1;
    uint32_t fb = emk_snd_frame_bytes(st);

    return fb ? s->msgs[k][st->head].bytes / fb : 0;
}

static int64_t period_ns(const emk_virtio_snd_stream *st)
{
    uint32_t fb = emk_snd_frame_bytes(st);

    return emk_snd_frames_ns(st, fb ? st->period_bytes / fb : 0);
}

static void arm(emk_virtio_snd_stream *st)
{
    if (st->state != EMK_VIRTIO_SND_ST_RUNNING) {
        emk_timer_del(&st->timer);
    } else if (st->head >= 0) {
        emk_timer_mod(&st->timer,
                      st->t0 + emk_snd_frames_ns(st, st->frames + head_frames(st)));
    } else if ((st->features & (1u << EMK_VIRTIO_SND_PCM_F_EVT_XRUNS)) &&
               !st->xrun_sent && st->dry_since >= 0) {
        emk_timer_mod(&st->timer, st->dry_since + period_ns(st));
    } else {
        emk_timer_del(&st->timer);
    }
}

static void tick(void *opaque)
{
    emk_virtio_snd_stream *st = opaque;
    emk_virtio_snd *s = st->snd;
    int64_t now = emk_loop_now(s->vdev.dev.loop);
    unsigned done = 0;

    while (st->state == EMK_VIRTIO_SND_ST_RUNNING && st->head >= 0) {
        uint64_t f = st->frames + head_frames(st);
        int64_t due = st->t0 + emk_snd_frames_ns(st, f);

        if (due > now)
            break;
        if (now - due > st->stat_max_late_ns)
            st->stat_max_late_ns = now - due;
        emk_snd_io_play_head(st, now - due);
        st->frames = f;
        done++;
        if (st->features & (1u << EMK_VIRTIO_SND_PCM_F_EVT_SHMEM_PERIODS))
            emk_snd_event_push(s, EMK_VIRTIO_SND_EVT_PCM_PERIOD_ELAPSED, st->id);
        if (st->head < 0)
            st->dry_since = due;
    }
    if (done)
        emk_virtio_notify(&s->vdev, emk_snd_io_queue(st));
    if (st->state == EMK_VIRTIO_SND_ST_RUNNING && st->head < 0 &&
        st->dry_since >= 0 && !st->xrun_sent &&
        (st->features & (1u << EMK_VIRTIO_SND_PCM_F_EVT_XRUNS)) &&
        now >= st->dry_since + period_ns(st)) {
        st->xrun_sent = 1;
        st->stat_xruns++;
        EMK_TRACE(ev_xrun, "stream %u dry since %lld", st->id,
                  (long long)st->dry_since);
        emk_snd_event_push(s, EMK_VIRTIO_SND_EVT_PCM_XRUN, st->id);
    }
    arm(st);
}

void emk_snd_pace_init(emk_virtio_snd_stream *st)
{
    emk_timer_init(&st->timer, st->snd->vdev.dev.loop, tick, st);
    st->head = st->tail = -1;
    st->dry_since = -1;
}

void emk_snd_pace_start(emk_virtio_snd_stream *st)
{
    st->t0 = emk_loop_now(st->snd->vdev.dev.loop);
    st->frames = 0;
    st->xrun_sent = 0;
    st->dry_since = st->head < 0 ? st->t0 : -1;
    arm(st);
}

void emk_snd_pace_stop(emk_virtio_snd_stream *st)
{
    emk_timer_del(&st->timer);
}

void emk_snd_pace_held(emk_virtio_snd_stream *st)
{
    if (st->state != EMK_VIRTIO_SND_ST_RUNNING)
        return;
    if (st->dry_since >= 0) {
        /* after a dry spell the count restarts now */
        st->t0 = emk_loop_now(st->snd->vdev.dev.loop);
        st->stat_dry++;
        EMK_TRACE(ev_dry, "stream %u dry for %lld ns", st->id,
                  (long long)(st->t0 - st->dry_since));
        st->frames = 0;
        st->dry_since = -1;
        st->xrun_sent = 0;
    }
    if (st->head == st->tail)       /* it is the only one: arm for it */
        arm(st);
}
