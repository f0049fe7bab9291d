/*
 * virtio-snd.c - `-device emkit-virtio-snd`: emkit's virtio sound device
 * (hw/virtio-snd/, unchanged) behind emkit's modern virtio-pci transport
 * (src/virtio/) on emkit's PCI core, as a QEMU PCI device through the
 * same path as emkit-sblk.  Samples go to and come from an emkit audio
 * backend (src/audio/); pacing runs on the device loop's clock
 * (QEMU_CLOCK_VIRTUAL: real time while the guest runs).
 *
 *   -device emkit-virtio-snd[,backend=null|wav:OUT[:IN]|sine:FREQ | ,audiodev=ID]
 *           [,streams=oi][,jacks=1][,iothread=ID | ,emkit-iothread=on]
 *
 *   streams   one letter per stream: o output, i input (default "oi");
 *             each offers 1..8 channels, every convertible format and
 *             every rate of the spec
 *   jacks     number of jacks (default 1), headphone jacks with remapping,
 *             all connected at start
 *
 * Jacks from the host: the QOM property "jacks-connected" (a bit per
 * jack) reads and sets the plug state; a change reaches the guest as
 * JACK_CONNECTED / JACK_DISCONNECTED events:
 *   (qemu) qom-set /machine/peripheral/snd0 jacks-connected 0
 *
 * audiodev=ID maps the streams onto QEMU's audio subsystem instead of an
 * emkit backend: each voice is an AUD_open_out / AUD_open_in voice of
 * S16 at the stream's rate with 1 or 2 channels (the device converts
 * format and channel count).  Frames pass through a ring of 1 s per voice
 * (taken at PREPARE) between the device's paced period-sized transfers
 * and QEMU's audio timer callbacks; an overflowing ring drops the oldest
 * output, an empty one gives silence, and an output voice closed with
 * frames in its ring stays open until QEMU has taken them.  QEMU's audio callbacks run under
 * the BQL in its main loop, so audiodev= needs the device loop there (no
 * iothread=, emkit-iothread=).
 *
 * emkit-requires: emk_virtio_snd_init emk_virtio_pci_init
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "qapi/visitor.h"
#include "qemu/module.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "audio/audio.h"

#include "emk-qemu.h"
#include "emk-qemu-pci.h"
#include "emkit/virtio_pci.h"
#include "emkit/virtio_snd.h"

#define TYPE_EMKIT_VIRTIO_SND "emkit-virtio-snd"
OBJECT_DECLARE_SIMPLE_TYPE(EmkVirtioSnd, EMKIT_VIRTIO_SND)

typedef struct QVoice QVoice;
static void qvoice_free_draining(EmkVirtioSnd *s);
static void qvoice_drained_bh(void *opaque);

struct EmkVirtioSnd {
    PCIDevice parent_obj;
    EmkQemuHost host;
    emk_audio_backend be;
    emk_virtio_snd snd;
    emk_virtio_pci pci;
    bool be_inited;
    bool snd_inited;
    bool pci_inited;
    emk_virtio_snd_stream_cfg streams[EMK_VIRTIO_SND_MAX_STREAMS];
    emk_virtio_snd_jack_cfg jacks[EMK_VIRTIO_SND_MAX_JACKS];
    emk_virtio_snd_chmap_cfg chmaps[2];
    QEMUSoundCard card;          /* audiodev= (card.state set) */
    QLIST_HEAD(, QVoice) draining;  /* closed output voices still playing */
    bool card_registered;
    /* properties */
    char *backend;
    char *stream_spec;
    uint32_t njacks;
    EmkQemuLoopConf loop;
};

static void emkit_vsnd_cleanup(EmkVirtioSnd *s)
{
    emk_qemu_host_quiesce(&s->host);
    if (s->pci_inited) {
        emk_virtio_pci_cleanup(&s->pci);
        s->pci_inited = false;
    }
    if (s->snd_inited) {
        emk_virtio_snd_cleanup(&s->snd);
        s->snd_inited = false;
    }
    emk_qemu_host_cleanup(&s->host);
    if (s->be_inited) {
        emk_audio_backend_cleanup(&s->be);
        s->be_inited = false;
    }
    qvoice_free_draining(s);
    if (s->card_registered) {
        AUD_remove_card(&s->card);
        s->card_registered = false;
    }
}

/* ---- audiodev=: QEMU's audio subsystem as an emkit backend ---------- */

struct QVoice {
    EmkVirtioSnd *s;
    emk_audio_voice *v;
    SWVoiceOut *out;
    SWVoiceIn *in;
    uint8_t *ring;
    size_t size, head, fill;     /* bytes; head: oldest byte */
    uint64_t dropped, put, passed, callbacks;
    bool closing;                /* closed by the device, still draining */
    QLIST_ENTRY(QVoice) next;    /* in s->draining while closing */
};

static void ring_put(QVoice *q, const uint8_t *p, size_t n)
{
    while (n) {
        size_t tail = (q->head + q->fill) % q->size;
        size_t c = MIN(n, q->size - tail);

        if (q->fill + c > q->size) {     /* full: drop the oldest */
            size_t d = q->fill + c - q->size;

            q->head = (q->head + d) % q->size;
            q->fill -= d;
            q->dropped += d;
        }
        memcpy(q->ring + tail, p, c);
        q->fill += c;
        q->put += c;
        p += c;
        n -= c;
    }
}

static size_t ring_get(QVoice *q, uint8_t *p, size_t n)
{
    size_t done = 0;

    while (done < n && q->fill) {
        size_t c = MIN(MIN(n - done, q->fill), q->size - q->head);

        memcpy(p + done, q->ring + q->head, c);
        q->head = (q->head + c) % q->size;
        q->fill -= c;
        done += c;
    }
    return done;
}

static void qaud_out_cb(void *opaque, int avail)
{
    QVoice *q = opaque;

    q->callbacks++;
    while (avail > 0 && q->fill) {
        size_t c = MIN((size_t)avail, MIN(q->fill, q->size - q->head));
        size_t w = AUD_write(q->out, q->ring + q->head, c);

        if (!w) {
            break;
        }
        q->head = (q->head + w) % q->size;
        q->fill -= w;
        q->passed += w;
        avail -= (int)w;
    }
    if (q->closing && !q->fill) {
        q->closing = false;
        aio_bh_schedule_oneshot(qemu_get_aio_context(), qvoice_drained_bh, q);
    }
}

static void qaud_in_cb(void *opaque, int avail)
{
    QVoice *q = opaque;
    uint8_t buf[4096];

    while (avail > 0) {
        size_t r = AUD_read(q->in, buf, MIN((size_t)avail, sizeof(buf)));

        if (!r) {
            break;
        }
        ring_put(q, buf, r);
        avail -= (int)r;
    }
}

static int qaud_open(emk_audio_backend *be, emk_audio_voice *v, unsigned dir,
                     const emk_audio_params *p)
{
    EmkVirtioSnd *s = be->opaque;
    struct audsettings as = { 0 };
    QVoice *q = g_new0(QVoice, 1);
    char name[32];

    v->native.format = EMK_AUDIO_FMT_S16;
    v->native.channels = p->channels > 1 ? 2 : 1;
    v->native.rate_hz = p->rate_hz;
    as.freq = (int)p->rate_hz;
    as.nchannels = v->native.channels;
    as.fmt = AUDIO_FORMAT_S16;
    as.endianness = 0;
    q->s = s;
    q->v = v;
    q->size = (size_t)p->rate_hz * 2 * v->native.channels;  /* 1 s */
    q->ring = g_malloc(q->size);
    snprintf(name, sizeof(name), "emkit-snd.%s", dir == EMK_AUDIO_OUT ? "out" : "in");
    if (dir == EMK_AUDIO_OUT) {
        q->out = AUD_open_out(&s->card, NULL, name, q, qaud_out_cb, &as);
    } else {
        q->in = AUD_open_in(&s->card, NULL, name, q, qaud_in_cb, &as);
    }
    if (!q->out && !q->in) {
        g_free(q->ring);
        g_free(q);
        return -EIO;
    }
    if (q->out) {
        AUD_set_active_out(q->out, 1);
    } else {
        AUD_set_active_in(q->in, 1);
    }
    v->opaque = q;
    return 0;
}

static void qvoice_free(QVoice *q)
{
    if (q->out) {
        AUD_close_out(&q->s->card, q->out);
    }
    if (q->in) {
        AUD_close_in(&q->s->card, q->in);
    }
    g_free(q->ring);
    g_free(q);
}

static void qvoice_free_draining(EmkVirtioSnd *s)
{
    while (!QLIST_EMPTY(&s->draining)) {
        QVoice *q = QLIST_FIRST(&s->draining);

        QLIST_REMOVE(q, next);
        q->closing = false;
        qvoice_free(q);
    }
}

/* An output voice the device closed has played what its ring held. */
static void qvoice_drained_bh(void *opaque)
{
    QVoice *q = opaque;

    QLIST_REMOVE(q, next);
    qvoice_free(q);
}

static void qaud_close(emk_audio_backend *be, emk_audio_voice *v)
{
    EmkVirtioSnd *s = be->opaque;
    QVoice *q = v->opaque;

    if (!q) {
        return;
    }
    v->opaque = NULL;
    q->v = NULL;
    if (q->out && q->fill) {
        /* the last period is still in the ring: let QEMU play it */
        q->closing = true;
        QLIST_INSERT_HEAD(&s->draining, q, next);
        return;
    }
    qvoice_free(q);
}

static int qaud_write(emk_audio_backend *be, emk_audio_voice *v,
                      const void *buf, size_t bytes)
{
    ring_put(v->opaque, buf, bytes);
    return 0;
}

static int qaud_read(emk_audio_backend *be, emk_audio_voice *v, void *buf,
                     size_t bytes)
{
    size_t got = ring_get(v->opaque, buf, bytes);

    if (got < bytes) {
        memset((uint8_t *)buf + got, 0, bytes - got);
    }
    return 0;
}

static void qaud_cleanup(emk_audio_backend *be)
{
}

static const emk_audio_backend_ops qaud_ops = {
    "audiodev", qaud_open, qaud_close, qaud_write, qaud_read, qaud_cleanup
};

static int emkit_vsnd_config(EmkVirtioSnd *s, emk_virtio_snd_options *o,
                             Error **errp)
{
    const char *spec = s->stream_spec ? s->stream_spec : "oi";
    bool have[2] = { false, false };
    unsigned i, n = 0;

    memset(o, 0, sizeof(*o));
    for (i = 0; spec[i]; i++) {
        emk_virtio_snd_stream_cfg *c = &s->streams[n];

        if ((spec[i] != 'o' && spec[i] != 'i') ||
            n == EMK_VIRTIO_SND_MAX_STREAMS) {
            error_setg(errp, "emkit-virtio-snd: streams='%s': up to %d of "
                       "'o' (output) and 'i' (input)", spec,
                       EMK_VIRTIO_SND_MAX_STREAMS);
            return -EINVAL;
        }
        memset(c, 0, sizeof(*c));
        c->direction = spec[i] == 'o' ? EMK_AUDIO_OUT : EMK_AUDIO_IN;
        c->channels_min = 1;
        c->channels_max = 8;
        have[c->direction] = true;
        n++;
    }
    if (s->njacks > EMK_VIRTIO_SND_MAX_JACKS) {
        error_setg(errp, "emkit-virtio-snd: jacks=%u: at most %d", s->njacks,
                   EMK_VIRTIO_SND_MAX_JACKS);
        return -EINVAL;
    }
    for (i = 0; i < s->njacks; i++) {
        emk_virtio_snd_jack_cfg *j = &s->jacks[i];

        memset(j, 0, sizeof(*j));
        j->features = 1u << EMK_VIRTIO_SND_JACK_F_REMAP;
        /* headphone out, 1/8", green, rear; association 1, sequence i */
        j->hda_reg_defconf = 0x01214010u | (i & 15);
        j->hda_reg_caps = 0x14;
        j->connected = 1;
    }
    o->nchmaps = 0;
    for (i = 0; i < 2; i++) {
        emk_virtio_snd_chmap_cfg *c = &s->chmaps[o->nchmaps];

        if (!have[i])
            continue;
        memset(c, 0, sizeof(*c));
        c->direction = (uint8_t)i;
        c->channels = 2;
        c->positions[0] = EMK_VIRTIO_SND_CHMAP_FL;
        c->positions[1] = EMK_VIRTIO_SND_CHMAP_FR;
        o->nchmaps++;
    }
    o->backend = &s->be;
    o->streams = s->streams;
    o->nstreams = n;
    o->jacks = s->jacks;
    o->njacks = s->njacks;
    o->chmaps = s->chmaps;
    /* non-NULL arrays: a count of 0 is none, not the default */
    return 0;
}

static void emkit_vsnd_realize(PCIDevice *pdev, Error **errp)
{
    EmkVirtioSnd *s = EMKIT_VIRTIO_SND(pdev);
    emk_virtio_snd_options o;
    emk_virtio_pci_options po;
    int err;

    if (s->card.state) {
        /* audiodev=: QEMU's audio subsystem behind the device */
        if (s->backend) {
            error_setg(errp, "emkit-virtio-snd: audiodev= and backend= both given");
            return;
        }
        if (s->loop.iothread || s->loop.emkit_iothread) {
            error_setg(errp, "emkit-virtio-snd: audiodev= needs the device in "
                       "QEMU's main loop (no iothread=, emkit-iothread=)");
            return;
        }
        memset(&s->be, 0, sizeof(s->be));
        s->be.ops = &qaud_ops;
        s->be.opaque = s;
        AUD_register_card("emkit-virtio-snd", &s->card);
        s->card_registered = true;
    } else {
        err = emk_audio_backend_init(&s->be, s->backend ? s->backend : "null");
        if (err < 0) {
            error_setg(errp, "emkit-virtio-snd: backend '%s': %s", s->backend,
                       emk_strerror(err));
            return;
        }
    }
    s->be_inited = true;
    if (emkit_vsnd_config(s, &o, errp) < 0) {
        goto fail;
    }
    if (emk_qemu_host_init(&s->host, pdev, "emkit-virtio-snd", &s->loop,
                           errp) < 0) {
        goto fail;
    }
    err = emk_virtio_snd_init(&s->snd, &s->host.bus, s->host.loop, &o);
    if (err < 0) {
        error_setg(errp, "emkit-virtio-snd: %s", emk_strerror(err));
        goto fail;
    }
    s->snd_inited = true;
    memset(&po, 0, sizeof(po));
    po.class_code = 0x040100;           /* multimedia, audio */
    err = emk_virtio_pci_init(&s->pci, &s->snd.vdev, &po);
    if (err < 0) {
        error_setg(errp, "emkit-virtio-snd: transport: %s", emk_strerror(err));
        goto fail;
    }
    s->pci_inited = true;
    err = emk_qemu_pci_attach(&s->host, &s->pci.fn);
    if (err < 0) {
        error_setg(errp, "emkit-virtio-snd: cannot register its BARs: %s",
                   emk_strerror(err));
        goto fail;
    }
    return;

fail:
    emkit_vsnd_cleanup(s);
}

static void emkit_vsnd_exit(PCIDevice *pdev)
{
    emkit_vsnd_cleanup(EMKIT_VIRTIO_SND(pdev));
}

static uint32_t emkit_vsnd_config_read(PCIDevice *pdev, uint32_t addr, int len)
{
    return emk_qemu_pci_config_read(&EMKIT_VIRTIO_SND(pdev)->host, addr, len);
}

static void emkit_vsnd_config_write(PCIDevice *pdev, uint32_t addr,
                                    uint32_t val, int len)
{
    emk_qemu_pci_config_write(&EMKIT_VIRTIO_SND(pdev)->host, addr, val, len);
}

static void emkit_vsnd_reset(DeviceState *dev)
{
    EmkVirtioSnd *s = EMKIT_VIRTIO_SND(dev);

    if (s->pci_inited) {
        emk_virtio_pci_reset(&s->pci);
    }
}

/* ---- jacks-connected ---------------------------------------------------- */

typedef struct JackSet {
    EmkVirtioSnd *s;
    uint32_t mask;
} JackSet;

static void jacks_apply(void *arg)
{
    JackSet *js = arg;
    unsigned i;

    for (i = 0; i < js->s->snd.njacks; i++) {
        (void)emk_virtio_snd_jack_set(&js->s->snd, i, (js->mask >> i) & 1);
    }
}

static void jacks_read(void *arg)
{
    JackSet *js = arg;
    unsigned i;

    js->mask = 0;
    for (i = 0; i < js->s->snd.njacks; i++) {
        js->mask |= (uint32_t)js->s->snd.jacks[i].connected << i;
    }
}

static void emkit_vsnd_get_jacks(Object *obj, Visitor *v, const char *name,
                                 void *opaque, Error **errp)
{
    EmkVirtioSnd *s = EMKIT_VIRTIO_SND(obj);
    JackSet js = { s, 0 };

    if (s->snd_inited) {
        (void)emk_loop_call(s->host.loop, jacks_read, &js);
    }
    visit_type_uint32(v, name, &js.mask, errp);
}

static void emkit_vsnd_set_jacks(Object *obj, Visitor *v, const char *name,
                                 void *opaque, Error **errp)
{
    EmkVirtioSnd *s = EMKIT_VIRTIO_SND(obj);
    JackSet js = { s, 0 };

    if (!visit_type_uint32(v, name, &js.mask, errp)) {
        return;
    }
    if (!s->snd_inited) {
        error_setg(errp, "emkit-virtio-snd: not realized");
        return;
    }
    (void)emk_loop_call(s->host.loop, jacks_apply, &js);
}

static void emkit_vsnd_instance_init(Object *obj)
{
    object_property_add(obj, "jacks-connected", "uint32",
                        emkit_vsnd_get_jacks, emkit_vsnd_set_jacks,
                        NULL, NULL);
}

static const VMStateDescription emkit_vsnd_vmstate = {
    .name = TYPE_EMKIT_VIRTIO_SND,
    .unmigratable = 1,
};

static Property emkit_vsnd_props[] = {
    DEFINE_AUDIO_PROPERTIES(EmkVirtioSnd, card),
    DEFINE_PROP_STRING("backend", EmkVirtioSnd, backend),
    DEFINE_PROP_STRING("streams", EmkVirtioSnd, stream_spec),
    DEFINE_PROP_UINT32("jacks", EmkVirtioSnd, njacks, 1),
    DEFINE_EMK_QEMU_LOOP_PROPERTIES(EmkVirtioSnd, loop),
    DEFINE_PROP_END_OF_LIST(),
};

static void emkit_vsnd_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = emkit_vsnd_realize;
    pc->exit = emkit_vsnd_exit;
    pc->config_read = emkit_vsnd_config_read;
    pc->config_write = emkit_vsnd_config_write;
    dc->reset = emkit_vsnd_reset;
    pc->vendor_id = EMK_VIRTIO_PCI_VENDOR;
    pc->device_id = EMK_VIRTIO_PCI_DEVICE_BASE + EMK_VIRTIO_ID_SOUND;
    pc->revision = EMK_VIRTIO_PCI_REVISION;
    pc->class_id = PCI_CLASS_MULTIMEDIA_AUDIO;
    dc->desc = "emkit virtio sound device (emkit hw/virtio-snd through the adapter)";
    dc->vmsd = &emkit_vsnd_vmstate;
    device_class_set_props(dc, emkit_vsnd_props);
    set_bit(DEVICE_CATEGORY_SOUND, dc->categories);
}

static const TypeInfo emkit_vsnd_info = {
    .name = TYPE_EMKIT_VIRTIO_SND,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(EmkVirtioSnd),
    .instance_init = emkit_vsnd_instance_init,
    .class_init = emkit_vsnd_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_CONVENTIONAL_PCI_DEVICE },
        { }
    },
};

static void emkit_vsnd_register_types(void)
{
    type_register_static(&emkit_vsnd_info);
}

type_init(emkit_vsnd_register_types)
