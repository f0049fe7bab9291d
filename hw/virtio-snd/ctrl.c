/*
 * ctrl.c - the virtio-snd control queue: decodes each request, answers
 * the item queries (JACK_INFO, PCM_INFO, CHMAP_INFO), JACK_REMAP, and
 * hands the PCM requests to the state machine (pcm.c).  Every chain is
 * answered at once, with a status whenever its writable part holds one.
 */
#include <string.h>

#include "snd_int.h"

static emk_trace_event ev_req = EMK_TRACE_EVENT_INIT("virtio_snd_ctrl");

enum {
    REQ_MAX = 32,           /* largest request we read */
    ITEM_MAX = 256          /* largest per-item size a query may ask for */
};

typedef void (*item_fn)(const emk_virtio_snd *s, unsigned id, uint8_t *out);

/* A query: {hdr, start_id, count, size} -> status, then count items of
 * `size` bytes each (our structure, zero-padded).  Returns the status;
 * *written the bytes written. */
static uint32_t query(emk_virtio_snd *s, emk_virtq_elem *el, const uint8_t *req,
                      uint64_t len, unsigned nitems, unsigned item_size,
                      item_fn fill, uint32_t *written)
{
    uint8_t item[ITEM_MAX];
    uint32_t start, count, size, i;

    if (len < EMK_VIRTIO_SND_QUERY_SIZE)
        return EMK_VIRTIO_SND_S_BAD_MSG;
    start = emk_le32(req + 4);
    count = emk_le32(req + 8);
    size = emk_le32(req + 12);
    if (start > nitems || count > nitems - start || size < item_size ||
        size > ITEM_MAX ||
        (uint64_t)count * size > el->in.total - EMK_VIRTIO_SND_HDR_SIZE)
        return EMK_VIRTIO_SND_S_BAD_MSG;
    for (i = 0; i < count; i++) {
        memset(item, 0, size);
        fill(s, start + i, item);
        if (emk_dma_sg_rw(&s->vdev.dev, &el->in,
                          EMK_VIRTIO_SND_HDR_SIZE + (uint64_t)i * size, item,
                          size, 1) < 0)
            return EMK_VIRTIO_SND_S_IO_ERR;
    }
    *written = EMK_VIRTIO_SND_HDR_SIZE + count * size;
    return EMK_VIRTIO_SND_S_OK;
}

uint32_t emk_snd_jack_remap(emk_virtio_snd *s, const uint8_t *req, uint64_t len)
{
    uint32_t id, assoc, seq;
    emk_virtio_snd_jack_cfg *j;

    if (len < EMK_VIRTIO_SND_JACK_REMAP_SIZE)
        return EMK_VIRTIO_SND_S_BAD_MSG;
    id = emk_le32(req + 4);
    assoc = emk_le32(req + 8);
    seq = emk_le32(req + 12);
    if (id >= s->njacks)
        return EMK_VIRTIO_SND_S_BAD_MSG;
    j = &s->jacks[id];
    if (!(j->features & (1u << EMK_VIRTIO_SND_JACK_F_REMAP)))
        return EMK_VIRTIO_SND_S_NOT_SUPP;
    /* the HDA pin configuration holds 4 bits of each */
    if (assoc > 15 || seq > 15)
        return EMK_VIRTIO_SND_S_BAD_MSG;
    j->hda_reg_defconf = (j->hda_reg_defconf & ~0xffu) | assoc << 4 | seq;
    return EMK_VIRTIO_SND_S_OK;
}

static uint32_t pcm_request(emk_virtio_snd *s, uint32_t code,
                            const uint8_t *req, uint64_t len)
{
    emk_virtio_snd_stream *st;
    uint32_t id;

    if (len < EMK_VIRTIO_SND_PCM_HDR_SIZE)
        return EMK_VIRTIO_SND_S_BAD_MSG;
    id = emk_le32(req + 4);
    if (id >= s->nstreams)
        return EMK_VIRTIO_SND_S_BAD_MSG;
    st = &s->streams[id];
    switch (code) {
    case EMK_VIRTIO_SND_R_PCM_SET_PARAMS:
        if (len < EMK_VIRTIO_SND_SET_PARAMS_SIZE)
            return EMK_VIRTIO_SND_S_BAD_MSG;
        return emk_snd_pcm_set_params(st, req);
    case EMK_VIRTIO_SND_R_PCM_PREPARE:
        return emk_snd_pcm_prepare(st);
    case EMK_VIRTIO_SND_R_PCM_RELEASE:
        return emk_snd_pcm_release(st);
    case EMK_VIRTIO_SND_R_PCM_START:
        return emk_snd_pcm_start(st);
    default:
        return emk_snd_pcm_stop(st);
    }
}

/* One request; returns the bytes written into el->in. */
static uint32_t handle(emk_virtio_snd *s, emk_virtq_elem *el)
{
    uint8_t req[REQ_MAX], st[EMK_VIRTIO_SND_HDR_SIZE];
    uint64_t len = el->out.total < REQ_MAX ? el->out.total : REQ_MAX;
    uint32_t code = 0, status = EMK_VIRTIO_SND_S_BAD_MSG;
    uint32_t written = EMK_VIRTIO_SND_HDR_SIZE;

    if (el->in.total < EMK_VIRTIO_SND_HDR_SIZE) {
        s->stat_ctrl_bad++;
        return 0;               /* nowhere to answer: returned empty */
    }
    memset(req, 0, sizeof(req));
    if (len >= EMK_VIRTIO_SND_HDR_SIZE &&
        emk_dma_sg_rw(&s->vdev.dev, &el->out, 0, req, len, 0) < 0)
        len = 0;
    if (len >= EMK_VIRTIO_SND_HDR_SIZE) {
        code = emk_le32(req);
        switch (code) {
        case EMK_VIRTIO_SND_R_JACK_INFO:
            status = query(s, el, req, len, s->njacks,
                           EMK_VIRTIO_SND_JACK_INFO_SIZE, emk_snd_jack_info,
                           &written);
            break;
        case EMK_VIRTIO_SND_R_PCM_INFO:
            status = query(s, el, req, len, s->nstreams,
                           EMK_VIRTIO_SND_PCM_INFO_SIZE, emk_snd_pcm_info,
                           &written);
            break;
        case EMK_VIRTIO_SND_R_CHMAP_INFO:
            status = query(s, el, req, len, s->nchmaps,
                           EMK_VIRTIO_SND_CHMAP_INFO_SIZE, emk_snd_chmap_info,
                           &written);
            break;
        case EMK_VIRTIO_SND_R_JACK_REMAP:
            status = emk_snd_jack_remap(s, req, len);
            break;
        case EMK_VIRTIO_SND_R_PCM_SET_PARAMS:
        case EMK_VIRTIO_SND_R_PCM_PREPARE:
        case EMK_VIRTIO_SND_R_PCM_RELEASE:
        case EMK_VIRTIO_SND_R_PCM_START:
        case EMK_VIRTIO_SND_R_PCM_STOP:
            status = pcm_request(s, code, req, len);
            break;
        default:
            status = EMK_VIRTIO_SND_S_NOT_SUPP;
            break;
        }
    }
    if (status != EMK_VIRTIO_SND_S_OK) {
        written = EMK_VIRTIO_SND_HDR_SIZE;
        s->stat_ctrl_bad++;
    }
    EMK_TRACE(ev_req, "head %u %s (0x%x) stream/item %u -> %s", el->head,
              emk_virtio_snd_code_name(code), code, emk_le32(req + 4),
              emk_virtio_snd_code_name(status));
    emk_st_le32(st, status);
    if (emk_dma_sg_rw(&s->vdev.dev, &el->in, 0, st, sizeof(st), 1) < 0)
        return 0;
    return written;
}

void emk_snd_ctrl_notify(emk_virtio_snd *s)
{
    emk_virtq *vq = &s->q[EMK_VIRTIO_SND_VQ_CONTROL].vq;
    emk_virtq_elem el;
    int n;

    emk_sglist_init(&el.out, s->c_out, EMK_VIRTIO_SND_CTRL_SEGS);
    emk_sglist_init(&el.in, s->c_in, EMK_VIRTIO_SND_CTRL_SEGS);
    for (;;) {
        (void)emk_virtq_set_notification(vq, 0);
        while ((n = emk_virtq_pop(vq, &el)) == 1) {
            uint32_t w = handle(s, &el);

            s->stat_ctrl++;
            (void)emk_virtq_push(vq, &el, w);
        }
        if (n < 0) {
            emk_virtio_needs_reset(&s->vdev);
            break;
        }
        (void)emk_virtq_set_notification(vq, 1);
        if (emk_virtq_pending(vq) <= 0)
            break;
    }
    emk_virtio_notify(&s->vdev, EMK_VIRTIO_SND_VQ_CONTROL);
}
