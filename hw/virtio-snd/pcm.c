/*
 * pcm.c - the virtio-snd PCM stream state machine (spec 5.14.6.6):
 * SET_PARAMETERS, PREPARE (opens the backend voice), START, STOP and
 * RELEASE (completes every held message first, then closes the voice),
 * with the transitions the spec allows; anything else is BAD_MSG.
 */
#include <string.h>

#include "snd_int.h"

static emk_trace_event ev_state = EMK_TRACE_EVENT_INIT("virtio_snd_pcm_state");

static const char *state_name(emk_virtio_snd_state s)
{
    static const char *const n[] = { "init", "params", "prepared", "running",
                                     "stopped", "released" };

    return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

static void set_state(emk_virtio_snd_stream *st, emk_virtio_snd_state ns)
{
    EMK_TRACE(ev_state, "stream %u %s -> %s", st->id, state_name(st->state),
              state_name(ns));
    st->state = ns;
}

/* The states each request is allowed in (spec 5.14.6.6.1). */
#define ST(x) (1u << EMK_VIRTIO_SND_ST_##x)
enum {
    OK_SET_PARAMS = ST(INIT) | ST(PARAMS) | ST(PREPARED) | ST(RELEASED),
    OK_PREPARE = ST(PARAMS) | ST(PREPARED) | ST(RELEASED),
    OK_START = ST(PREPARED) | ST(STOPPED),
    OK_STOP = ST(RUNNING),
    OK_RELEASE = ST(PREPARED) | ST(STOPPED)
};
#undef ST

static int allowed(const emk_virtio_snd_stream *st, unsigned mask)
{
    return (mask >> st->state) & 1;
}

uint32_t emk_snd_frame_bytes(const emk_virtio_snd_stream *st)
{
    return (uint32_t)emk_audio_frame_bytes(&st->params);
}

int64_t emk_snd_frames_ns(const emk_virtio_snd_stream *st, uint64_t frames)
{
    uint64_t r = st->params.rate_hz ? st->params.rate_hz : 1;

    return (int64_t)((frames / r) * 1000000000ull +
                     (frames % r) * 1000000000ull / r);
}

uint32_t emk_snd_pcm_set_params(emk_virtio_snd_stream *st, const uint8_t *req)
{
    uint32_t buffer = emk_le32(req + 8), period = emk_le32(req + 12);
    uint32_t features = emk_le32(req + 16);
    uint8_t channels = req[20], format = req[21], rate = req[22];
    emk_audio_params p;
    size_t fb;

    if (!allowed(st, OK_SET_PARAMS))
        return EMK_VIRTIO_SND_S_BAD_MSG;
    if (features & ~st->cfg.features)
        return EMK_VIRTIO_SND_S_NOT_SUPP;
    if (format >= EMK_AUDIO_FMT_COUNT ||
        !(st->cfg.formats & ((uint64_t)1 << format)) ||
        rate >= EMK_AUDIO_RATE_COUNT ||
        !(st->cfg.rates & ((uint64_t)1 << rate)) ||
        channels < st->cfg.channels_min || channels > st->cfg.channels_max)
        return EMK_VIRTIO_SND_S_NOT_SUPP;
    p.format = format;
    p.channels = channels;
    p.rate_hz = emk_audio_rate_hz(rate);
    fb = emk_audio_frame_bytes(&p);
    if (!period || period > EMK_VIRTIO_SND_MAX_PERIOD || buffer < period ||
        buffer > EMK_VIRTIO_SND_MAX_BUFFER || period % fb)
        return EMK_VIRTIO_SND_S_BAD_MSG;
    /* new parameters undo a PREPARE: held messages go back first */
    if (st->held)
        emk_snd_io_flush(st, EMK_VIRTIO_SND_S_IO_ERR);
    emk_audio_voice_close(&st->voice);
    st->buffer_bytes = buffer;
    st->period_bytes = period;
    st->features = features;
    st->params = p;
    set_state(st, EMK_VIRTIO_SND_ST_PARAMS);
    return EMK_VIRTIO_SND_S_OK;
}

uint32_t emk_snd_pcm_prepare(emk_virtio_snd_stream *st)
{
    if (!allowed(st, OK_PREPARE))
        return EMK_VIRTIO_SND_S_BAD_MSG;
    emk_audio_voice_close(&st->voice);
    if (emk_audio_voice_open(st->snd->be, &st->voice, st->cfg.direction,
                             &st->params) < 0)
        return EMK_VIRTIO_SND_S_IO_ERR;
    st->frames = 0;
    set_state(st, EMK_VIRTIO_SND_ST_PREPARED);
    return EMK_VIRTIO_SND_S_OK;
}

uint32_t emk_snd_pcm_start(emk_virtio_snd_stream *st)
{
    if (!allowed(st, OK_START))
        return EMK_VIRTIO_SND_S_BAD_MSG;
    set_state(st, EMK_VIRTIO_SND_ST_RUNNING);
    emk_snd_pace_start(st);
    return EMK_VIRTIO_SND_S_OK;
}

uint32_t emk_snd_pcm_stop(emk_virtio_snd_stream *st)
{
    if (!allowed(st, OK_STOP))
        return EMK_VIRTIO_SND_S_BAD_MSG;
    emk_snd_pace_stop(st);
    set_state(st, EMK_VIRTIO_SND_ST_STOPPED);
    return EMK_VIRTIO_SND_S_OK;
}

uint32_t emk_snd_pcm_release(emk_virtio_snd_stream *st)
{
    if (!allowed(st, OK_RELEASE))
        return EMK_VIRTIO_SND_S_BAD_MSG;
    /* spec: every pending message completes before the answer */
    emk_snd_io_flush(st, EMK_VIRTIO_SND_S_OK);
    emk_audio_voice_close(&st->voice);
    set_state(st, EMK_VIRTIO_SND_ST_RELEASED);
    return EMK_VIRTIO_SND_S_OK;
}

void emk_snd_pcm_reset(emk_virtio_snd_stream *st)
{
    emk_snd_pace_stop(st);
    emk_audio_voice_close(&st->voice);
    st->head = st->tail = -1;
    st->held = 0;
    st->held_bytes = 0;
    st->buffer_bytes = st->period_bytes = st->features = 0;
    memset(&st->params, 0, sizeof(st->params));
    st->state = EMK_VIRTIO_SND_ST_INIT;
}
