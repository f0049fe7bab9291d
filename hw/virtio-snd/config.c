/*
 * config.c - the virtio-snd device (emkit/virtio_snd.h): its
 * configuration (jacks, streams, channel maps) and their wire forms, the
 * virtio callbacks, init, reset and cleanup, and the host's jack plug.
 */
#include <stdlib.h>
#include <string.h>

#include "snd_int.h"

static emk_trace_event ev_jack = EMK_TRACE_EVENT_INIT("virtio_snd_jack");

/* every format the conversion handles */
static uint64_t convertible_formats(void)
{
    uint64_t m = 0;
    unsigned f;

    for (f = 0; f < EMK_AUDIO_FMT_COUNT; f++)
        if (emk_audio_format_convertible(f))
            m |= (uint64_t)1 << f;
    return m;
}

static const emk_virtio_snd_stream_cfg default_streams[2] = {
    { EMK_AUDIO_OUT, 1, 8, 0, 0, 0, 0 },
    { EMK_AUDIO_IN, 1, 8, 0, 0, 0, 0 },
};

/* Headphone out, 1/8" jack, green, rear, association 1 sequence 0;
 * presence detect and output capable. */
static const emk_virtio_snd_jack_cfg default_jacks[1] = {
    { 0, 1u << EMK_VIRTIO_SND_JACK_F_REMAP, 0x01214010u, 0x14u, 1 },
};

static const emk_virtio_snd_chmap_cfg default_chmaps[2] = {
    { 0, EMK_AUDIO_OUT, 2, { EMK_VIRTIO_SND_CHMAP_FL, EMK_VIRTIO_SND_CHMAP_FR } },
    { 0, EMK_AUDIO_IN, 2, { EMK_VIRTIO_SND_CHMAP_FL, EMK_VIRTIO_SND_CHMAP_FR } },
};

void emk_snd_jack_info(const emk_virtio_snd *s, unsigned id, uint8_t *o)
{
    const emk_virtio_snd_jack_cfg *j = &s->jacks[id];

    memset(o, 0, EMK_VIRTIO_SND_JACK_INFO_SIZE);
    emk_st_le32(o, j->hda_fn_nid);
    emk_st_le32(o + 4, j->features);
    emk_st_le32(o + 8, j->hda_reg_defconf);
    emk_st_le32(o + 12, j->hda_reg_caps);
    o[16] = j->connected;
}

void emk_snd_pcm_info(const emk_virtio_snd *s, unsigned id, uint8_t *o)
{
    const emk_virtio_snd_stream_cfg *c = &s->streams[id].cfg;

    memset(o, 0, EMK_VIRTIO_SND_PCM_INFO_SIZE);
    emk_st_le32(o, c->hda_fn_nid);
    emk_st_le32(o + 4, c->features);
    emk_st_le64(o + 8, c->formats);
    emk_st_le64(o + 16, c->rates);
    o[24] = c->direction;
    o[25] = c->channels_min;
    o[26] = c->channels_max;
}

void emk_snd_chmap_info(const emk_virtio_snd *s, unsigned id, uint8_t *o)
{
    const emk_virtio_snd_chmap_cfg *c = &s->chmaps[id];

    memset(o, 0, EMK_VIRTIO_SND_CHMAP_INFO_SIZE);
    emk_st_le32(o, c->hda_fn_nid);
    o[4] = c->direction;
    o[5] = c->channels;
    memcpy(o + 6, c->positions, EMK_VIRTIO_SND_CHMAP_MAX);
}

/* ---- virtio callbacks ------------------------------------------------ */

static void config_read(emk_virtio *vd, uint32_t off, void *buf, uint32_t len)
{
    emk_virtio_snd *s = (emk_virtio_snd *)vd;
    uint8_t c[EMK_VIRTIO_SND_CONFIG_SIZE];

    emk_st_le32(c, s->njacks);
    emk_st_le32(c + 4, s->nstreams);
    emk_st_le32(c + 8, s->nchmaps);
    memcpy(buf, c + off, len);      /* the core keeps off + len inside */
}

static void queue_notify(emk_virtio *vd, unsigned q)
{
    emk_virtio_snd *s = (emk_virtio_snd *)vd;

    switch (q) {
    case EMK_VIRTIO_SND_VQ_CONTROL:
        emk_snd_ctrl_notify(s);
        break;
    case EMK_VIRTIO_SND_VQ_EVENT:
        emk_snd_event_deliver(s);
        break;
    default:
        emk_snd_io_notify(s, q);
        break;
    }
}

static void queue_ready(emk_virtio *vd, unsigned q)
{
    if (q == EMK_VIRTIO_SND_VQ_EVENT)
        emk_snd_event_deliver((emk_virtio_snd *)vd);
}

static void queue_reset(emk_virtio *vd, unsigned q)
{
    if (q == EMK_VIRTIO_SND_VQ_TX || q == EMK_VIRTIO_SND_VQ_RX)
        emk_snd_io_forget((emk_virtio_snd *)vd, q);
}

static void dev_reset(emk_virtio *vd)
{
    emk_virtio_snd *s = (emk_virtio_snd *)vd;
    unsigned i;

    for (i = 0; i < s->nstreams; i++)
        emk_snd_pcm_reset(&s->streams[i]);
    for (i = 0; i < s->njacks; i++)
        s->jacks[i].hda_reg_defconf = s->jack_defconf0[i];
    emk_snd_io_reset(s);
    emk_snd_event_reset(s);
}

static const emk_virtio_ops snd_ops = {
    .config_read = config_read,
    .queue_ready = queue_ready,
    .queue_notify = queue_notify,
    .queue_reset = queue_reset,
    .reset = dev_reset,
};

/* ---- init ------------------------------------------------------------ */

static int check_stream(emk_virtio_snd_stream_cfg *c, uint64_t conv)
{
    if (c->direction > EMK_AUDIO_IN || !c->channels_min ||
        c->channels_min > c->channels_max ||
        c->channels_max > EMK_AUDIO_MAX_CHANNELS)
        return -EINVAL;
    c->formats = c->formats ? c->formats & conv : conv;
    c->rates = c->rates ? c->rates : ((uint64_t)1 << EMK_AUDIO_RATE_COUNT) - 1;
    c->rates &= ((uint64_t)1 << EMK_AUDIO_RATE_COUNT) - 1;
    if (!c->features)
        c->features = 1u << EMK_VIRTIO_SND_PCM_F_EVT_XRUNS |
                      1u << EMK_VIRTIO_SND_PCM_F_EVT_SHMEM_PERIODS;
    c->features &= 1u << EMK_VIRTIO_SND_PCM_F_EVT_XRUNS |
                   1u << EMK_VIRTIO_SND_PCM_F_EVT_SHMEM_PERIODS;
    return c->formats && c->rates ? 0 : -EINVAL;
}

int emk_virtio_snd_init(emk_virtio_snd *s, emk_bus *bus, emk_loop *loop,
                        const emk_virtio_snd_options *opts)
{
    emk_virtio_snd_options o;
    uint64_t conv = convertible_formats();
    unsigned i;
    int e;

    memset(s, 0, sizeof(*s));
    memset(&o, 0, sizeof(o));
    if (opts)
        o = *opts;
    if (!o.streams && !o.nstreams) {
        o.streams = default_streams;
        o.nstreams = 2;
    }
    if (!o.jacks && !o.njacks) {
        o.jacks = default_jacks;
        o.njacks = 1;
    }
    if (!o.chmaps && !o.nchmaps) {
        o.chmaps = default_chmaps;
        o.nchmaps = 2;
    }
    if (o.nstreams > EMK_VIRTIO_SND_MAX_STREAMS ||
        o.njacks > EMK_VIRTIO_SND_MAX_JACKS ||
        o.nchmaps > EMK_VIRTIO_SND_MAX_CHMAPS ||
        (o.nstreams && !o.streams) || (o.njacks && !o.jacks) ||
        (o.nchmaps && !o.chmaps))
        return -EINVAL;
    s->nstreams = o.nstreams;
    s->njacks = o.njacks;
    s->nchmaps = o.nchmaps;
    for (i = 0; i < s->nstreams; i++) {
        emk_virtio_snd_stream *st = &s->streams[i];

        st->cfg = o.streams[i];
        if (check_stream(&st->cfg, conv) < 0)
            return -EINVAL;
    }
    for (i = 0; i < s->njacks; i++) {
        s->jacks[i] = o.jacks[i];
        s->jacks[i].connected = s->jacks[i].connected ? 1 : 0;
        s->jack_defconf0[i] = s->jacks[i].hda_reg_defconf;
    }
    for (i = 0; i < s->nchmaps; i++) {
        s->chmaps[i] = o.chmaps[i];
        if (s->chmaps[i].channels > EMK_VIRTIO_SND_CHMAP_MAX ||
            s->chmaps[i].direction > EMK_AUDIO_IN)
            return -EINVAL;
    }
    if (o.backend) {
        s->be = o.backend;
    } else {
        (void)emk_audio_backend_init(&s->own_be, "null");
        s->be = &s->own_be;
    }
    for (i = 0; i < 2; i++) {
        s->msgs[i] = calloc(EMK_VIRTIO_SND_IO_QUEUE_SIZE, sizeof(emk_virtio_snd_msg));
        if (!s->msgs[i]) {
            emk_virtio_snd_cleanup(s);
            return -ENOMEM;
        }
    }
    s->q[EMK_VIRTIO_SND_VQ_CONTROL].max_size = EMK_VIRTIO_SND_CTRL_QUEUE_SIZE;
    s->q[EMK_VIRTIO_SND_VQ_EVENT].max_size = EMK_VIRTIO_SND_EVENT_QUEUE_SIZE;
    s->q[EMK_VIRTIO_SND_VQ_TX].max_size = EMK_VIRTIO_SND_IO_QUEUE_SIZE;
    s->q[EMK_VIRTIO_SND_VQ_RX].max_size = EMK_VIRTIO_SND_IO_QUEUE_SIZE;
    e = emk_virtio_init(&s->vdev, "virtio-snd", EMK_VIRTIO_ID_SOUND, bus, loop,
                        &snd_ops, s->q, EMK_VIRTIO_SND_VQ_COUNT,
                        EMK_VIRTIO_SND_CONFIG_SIZE);
    if (e < 0) {
        emk_virtio_snd_cleanup(s);
        return e;
    }
    for (i = 0; i < s->nstreams; i++) {
        s->streams[i].snd = s;
        s->streams[i].id = i;
        emk_snd_pace_init(&s->streams[i]);
    }
    emk_snd_io_reset(s);
    return 0;
}

void emk_virtio_snd_cleanup(emk_virtio_snd *s)
{
    unsigned i;

    if (s->vdev.ops) {
        for (i = 0; i < s->nstreams; i++)
            emk_snd_pcm_reset(&s->streams[i]);
    }
    for (i = 0; i < 2; i++) {
        free(s->msgs[i]);
        s->msgs[i] = NULL;
    }
    if (s->be == &s->own_be)
        emk_audio_backend_cleanup(&s->own_be);
    s->be = NULL;
}

int emk_virtio_snd_jack_set(emk_virtio_snd *s, unsigned jack, int connected)
{
    uint8_t c = connected ? 1 : 0;

    if (jack >= s->njacks)
        return -ENOENT;
    EMK_TRACE(ev_jack, "jack %u %s -> %s", jack,
              s->jacks[jack].connected ? "in" : "out", c ? "in" : "out");
    if (s->jacks[jack].connected == c)
        return 0;
    s->jacks[jack].connected = c;
    emk_snd_event_push(s, c ? EMK_VIRTIO_SND_EVT_JACK_CONNECTED
                            : EMK_VIRTIO_SND_EVT_JACK_DISCONNECTED, jack);
    return 0;
}

int emk_virtio_snd_stream_state(const emk_virtio_snd *s, unsigned id)
{
    return id < s->nstreams ? (int)s->streams[id].state : -ENOENT;
}

const char *emk_virtio_snd_code_name(uint32_t code)
{
    switch (code) {
    case EMK_VIRTIO_SND_R_JACK_INFO: return "JACK_INFO";
    case EMK_VIRTIO_SND_R_JACK_REMAP: return "JACK_REMAP";
    case EMK_VIRTIO_SND_R_PCM_INFO: return "PCM_INFO";
    case EMK_VIRTIO_SND_R_PCM_SET_PARAMS: return "PCM_SET_PARAMS";
    case EMK_VIRTIO_SND_R_PCM_PREPARE: return "PCM_PREPARE";
    case EMK_VIRTIO_SND_R_PCM_RELEASE: return "PCM_RELEASE";
    case EMK_VIRTIO_SND_R_PCM_START: return "PCM_START";
    case EMK_VIRTIO_SND_R_PCM_STOP: return "PCM_STOP";
    case EMK_VIRTIO_SND_R_CHMAP_INFO: return "CHMAP_INFO";
    case EMK_VIRTIO_SND_EVT_JACK_CONNECTED: return "JACK_CONNECTED";
    case EMK_VIRTIO_SND_EVT_JACK_DISCONNECTED: return "JACK_DISCONNECTED";
    case EMK_VIRTIO_SND_EVT_PCM_PERIOD_ELAPSED: return "PCM_PERIOD_ELAPSED";
    case EMK_VIRTIO_SND_EVT_PCM_XRUN: return "PCM_XRUN";
    case EMK_VIRTIO_SND_S_OK: return "OK";
    case EMK_VIRTIO_SND_S_BAD_MSG: return "BAD_MSG";
    case EMK_VIRTIO_SND_S_NOT_SUPP: return "NOT_SUPP";
    case EMK_VIRTIO_SND_S_IO_ERR: return "IO_ERR";
    default: return "?";
    }
}
