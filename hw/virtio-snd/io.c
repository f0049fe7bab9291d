/*
 * io.c - virtio-snd tx and rx messages: takes each chain off its queue,
 * checks it (stream id, direction, state, size), holds good ones in the
 * stream's FIFO for the pacing (pace.c), moves frames between guest
 * memory and the backend voice when a message's time comes (through the
 * fixed staging buffers, converting), and completes messages with their
 * status and latency.  Bad ones complete at once.  Message storage comes
 * from init; nothing here allocates.
 */
#include <string.h>

#include "snd_int.h"

static emk_trace_event ev_io = EMK_TRACE_EVENT_INIT("virtio_snd_io");
static emk_trace_event ev_bad = EMK_TRACE_EVENT_INIT("virtio_snd_io_bad");

unsigned emk_snd_io_queue(const emk_virtio_snd_stream *st)
{
    return st->cfg.direction == EMK_AUDIO_OUT ? EMK_VIRTIO_SND_VQ_TX
                                              : EMK_VIRTIO_SND_VQ_RX;
}

static unsigned qi(unsigned q)
{
    return q == EMK_VIRTIO_SND_VQ_TX ? 0 : 1;
}

void emk_snd_io_reset(emk_virtio_snd *s)
{
    unsigned k, i;

    for (k = 0; k < 2; k++) {
        if (!s->msgs[k])
            continue;
        for (i = 0; i < EMK_VIRTIO_SND_IO_QUEUE_SIZE; i++)
            s->msgs[k][i].next = i + 1 < EMK_VIRTIO_SND_IO_QUEUE_SIZE ? (int16_t)(i + 1) : -1;
        s->free_msg[k] = 0;
    }
}

void emk_snd_io_forget(emk_virtio_snd *s, unsigned q)
{
    unsigned i;

    for (i = 0; i < s->nstreams; i++) {
        emk_virtio_snd_stream *st = &s->streams[i];
        int16_t m = st->head;

        if (emk_snd_io_queue(st) != q)
            continue;
        while (m >= 0) {
            int16_t nx = s->msgs[qi(q)][m].next;

            s->msgs[qi(q)][m].next = s->free_msg[qi(q)];
            s->free_msg[qi(q)] = m;
            m = nx;
        }
        st->head = st->tail = -1;
        st->held = 0;
        st->held_bytes = 0;
    }
}

/* Writes {status, latency} at the end of the writable part and pushes
 * the chain with data + 8 bytes written (0 if there is no room). */
static void complete(emk_virtio_snd *s, unsigned q, emk_virtq_elem *el,
                     uint32_t status, uint32_t latency, uint32_t data)
{
    uint8_t st[EMK_VIRTIO_SND_STATUS_SIZE];
    uint32_t len = 0;

    if (el->in.total >= EMK_VIRTIO_SND_STATUS_SIZE) {
        emk_st_le32(st, status);
        emk_st_le32(st + 4, latency);
        if (emk_dma_sg_rw(&s->vdev.dev, &el->in,
                          el->in.total - EMK_VIRTIO_SND_STATUS_SIZE, st,
                          sizeof(st), 1) == 0)
            len = data + EMK_VIRTIO_SND_STATUS_SIZE;
    }
    (void)emk_virtq_push(&s->q[q].vq, el, len);
}

/* Takes the head message off st's FIFO; returns its index. */
static int16_t unhold(emk_virtio_snd_stream *st)
{
    emk_virtio_snd *s = st->snd;
    unsigned k = qi(emk_snd_io_queue(st));
    int16_t m = st->head;
    emk_virtio_snd_msg *msg = &s->msgs[k][m];

    st->head = msg->next;
    if (st->head < 0)
        st->tail = -1;
    st->held--;
    st->held_bytes -= msg->bytes;
    return m;
}

static void release_msg(emk_virtio_snd *s, unsigned k, int16_t m)
{
    s->msgs[k][m].next = s->free_msg[k];
    s->free_msg[k] = m;
}

void emk_snd_io_flush(emk_virtio_snd_stream *st, uint32_t status)
{
    emk_virtio_snd *s = st->snd;
    unsigned q = emk_snd_io_queue(st), k = qi(q);

    while (st->head >= 0) {
        int16_t m = unhold(st);

        complete(s, q, &s->msgs[k][m].el, status, 0, 0);
        release_msg(s, k, m);
    }
    emk_virtio_notify(&s->vdev, q);
}

/* Moves one message's frames: 0 or a negative errno. */
static int transfer(emk_virtio_snd_stream *st, emk_virtq_elem *el,
                    uint32_t bytes)
{
    emk_virtio_snd *s = st->snd;
    emk_dev *dev = &s->vdev.dev;
    emk_audio_voice *v = &st->voice;
    size_t gfb = emk_audio_frame_bytes(&st->params);
    size_t hfb = emk_audio_frame_bytes(&v->native);
    int same = v->native.format == st->params.format &&
               v->native.channels == st->params.channels;
    uint32_t done = 0;
    int e;

    if (!v->open || !gfb || !hfb)
        return -EIO;
    while (done < bytes) {
        size_t frames = (bytes - done) / gfb, gb, hb;

        if (frames > EMK_VIRTIO_SND_CHUNK_FRAMES)
            frames = EMK_VIRTIO_SND_CHUNK_FRAMES;
        gb = frames * gfb;
        hb = frames * hfb;
        if (st->cfg.direction == EMK_AUDIO_OUT) {
            e = emk_dma_sg_rw(dev, &el->out, EMK_VIRTIO_SND_XFER_SIZE + done,
                              s->stage_guest, gb, 0);
            if (e == 0 && !same)
                e = emk_audio_convert(&v->native, s->stage_host, &st->params,
                                      s->stage_guest, frames);
            if (e == 0)
                e = emk_audio_voice_write(v, same ? s->stage_guest : s->stage_host,
                                          same ? gb : hb);
        } else {
            e = emk_audio_voice_read(v, same ? s->stage_guest : s->stage_host,
                                     same ? gb : hb);
            if (e == 0 && !same)
                e = emk_audio_convert(&st->params, s->stage_guest, &v->native,
                                      s->stage_host, frames);
            if (e == 0)
                e = emk_dma_sg_rw(dev, &el->in, done, s->stage_guest, gb, 1);
        }
        if (e < 0)
            return e;
        done += (uint32_t)gb;
    }
    return 0;
}

void emk_snd_io_play_head(emk_virtio_snd_stream *st, int64_t late_ns)
{
    emk_virtio_snd *s = st->snd;
    unsigned q = emk_snd_io_queue(st), k = qi(q);
    int16_t m = unhold(st);
    emk_virtio_snd_msg *msg = &s->msgs[k][m];
    uint32_t status = EMK_VIRTIO_SND_S_OK, data = 0;
    uint64_t lat = st->held_bytes;

    if (transfer(st, &msg->el, msg->bytes) < 0)
        status = EMK_VIRTIO_SND_S_IO_ERR;
    else if (st->cfg.direction == EMK_AUDIO_IN)
        data = msg->bytes;
    st->stat_msgs++;
    st->stat_bytes += msg->bytes;
    EMK_TRACE(ev_io, "stream %u head %u %u bytes -> %s latency %llu late %lld",
              st->id, msg->el.head, msg->bytes,
              emk_virtio_snd_code_name(status), (unsigned long long)lat,
              (long long)late_ns);
    complete(s, q, &msg->el, status, lat > 0xffffffffu ? 0xffffffffu : (uint32_t)lat,
             data);
    release_msg(s, k, m);
}

/* Checks a popped message; returns 0 to hold it (msg->bytes set) or the
 * status to complete it with now. */
static uint32_t check(emk_virtio_snd *s, unsigned q, emk_virtio_snd_msg *msg,
                      emk_virtio_snd_stream **out)
{
    emk_virtq_elem *el = &msg->el;
    emk_virtio_snd_stream *st;
    uint8_t hdr[EMK_VIRTIO_SND_XFER_SIZE];
    uint64_t bytes;
    uint32_t id, fb;

    *out = NULL;
    if (el->out.total < EMK_VIRTIO_SND_XFER_SIZE ||
        el->in.total < EMK_VIRTIO_SND_STATUS_SIZE ||
        emk_dma_sg_rw(&s->vdev.dev, &el->out, 0, hdr, sizeof(hdr), 0) < 0)
        return EMK_VIRTIO_SND_S_BAD_MSG;
    id = emk_le32(hdr);
    if (id >= s->nstreams)
        return EMK_VIRTIO_SND_S_BAD_MSG;
    st = &s->streams[id];
    if (emk_snd_io_queue(st) != q)
        return EMK_VIRTIO_SND_S_BAD_MSG;       /* wrong queue */
    *out = st;
    bytes = q == EMK_VIRTIO_SND_VQ_TX
                ? el->out.total - EMK_VIRTIO_SND_XFER_SIZE
                : el->in.total - EMK_VIRTIO_SND_STATUS_SIZE;
    if (st->state != EMK_VIRTIO_SND_ST_PREPARED &&
        st->state != EMK_VIRTIO_SND_ST_RUNNING &&
        st->state != EMK_VIRTIO_SND_ST_STOPPED)
        return EMK_VIRTIO_SND_S_IO_ERR;        /* not prepared */
    fb = emk_snd_frame_bytes(st);
    if (bytes > st->period_bytes || !fb || bytes % fb)
        return EMK_VIRTIO_SND_S_BAD_MSG;
    msg->bytes = (uint32_t)bytes;
    return 0;
}

void emk_snd_io_notify(emk_virtio_snd *s, unsigned q)
{
    emk_virtq *vq = &s->q[q].vq;
    unsigned k = qi(q);
    int n;

    for (;;) {
        (void)emk_virtq_set_notification(vq, 0);
        for (;;) {
            int16_t m = s->free_msg[k];
            emk_virtio_snd_msg *msg;
            emk_virtio_snd_stream *st;
            uint32_t status;

            if (m < 0) {
                n = 0;          /* every slot held: wait for completions */
                break;
            }
            msg = &s->msgs[k][m];
            if (q == EMK_VIRTIO_SND_VQ_TX) {
                emk_sglist_init(&msg->el.out, msg->big, EMK_VIRTIO_SND_MAX_SEGS);
                emk_sglist_init(&msg->el.in, msg->small, EMK_VIRTIO_SND_SMALL_SEGS);
            } else {
                emk_sglist_init(&msg->el.out, msg->small, EMK_VIRTIO_SND_SMALL_SEGS);
                emk_sglist_init(&msg->el.in, msg->big, EMK_VIRTIO_SND_MAX_SEGS);
            }
            n = emk_virtq_pop(vq, &msg->el);
            if (n != 1)
                break;
            status = check(s, q, msg, &st);
            if (status) {
                s->stat_io_bad++;
                if (st)
                    st->stat_bad++;
                EMK_TRACE(ev_bad, "q%u head %u stream %d -> %s", q, msg->el.head,
                          st ? (int)st->id : -1, emk_virtio_snd_code_name(status));
                complete(s, q, &msg->el, status, 0, 0);
                continue;
            }
            if (msg->bytes == 0) {
                complete(s, q, &msg->el, EMK_VIRTIO_SND_S_OK, 0, 0);
                continue;
            }
            s->free_msg[k] = msg->next;
            msg->next = -1;
            if (st->tail >= 0)
                s->msgs[k][st->tail].next = m;
            else
                st->head = m;
            st->tail = m;
            st->held++;
            st->held_bytes += msg->bytes;
            emk_snd_pace_held(st);
        }
        if (n < 0) {
            emk_virtio_needs_reset(&s->vdev);
            break;
        }
        (void)emk_virtq_set_notification(vq, 1);
        if (s->free_msg[k] < 0 || emk_virtq_pending(vq) <= 0)
            break;
    }
    emk_virtio_notify(&s->vdev, q);
}
