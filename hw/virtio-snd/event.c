/*
 * event.c - the virtio-snd event queue: events wait in a small FIFO (the
 * oldest dropped when it overflows) until the driver has made event
 * buffers available; each buffer gets one {le32 code, le32 data}.  A
 * buffer too small for an event goes back empty.
 */
#include "snd_int.h"

static emk_trace_event ev_event = EMK_TRACE_EVENT_INIT("virtio_snd_event");

void emk_snd_event_reset(emk_virtio_snd *s)
{
    s->ev_head = 0;
    s->ev_count = 0;
}

void emk_snd_event_push(emk_virtio_snd *s, uint32_t code, uint32_t data)
{
    unsigned i;

    if (!(s->vdev.status & EMK_VIRTIO_S_DRIVER_OK))
        return;         /* the driver reads the state when it starts */
    if (s->ev_count == EMK_VIRTIO_SND_EVENT_FIFO) {
        s->ev_head = (s->ev_head + 1) % EMK_VIRTIO_SND_EVENT_FIFO;
        s->ev_count--;
        s->stat_events_dropped++;
    }
    i = (s->ev_head + s->ev_count) % EMK_VIRTIO_SND_EVENT_FIFO;
    s->ev_code[i] = code;
    s->ev_data[i] = data;
    s->ev_count++;
    emk_snd_event_deliver(s);
}

void emk_snd_event_deliver(emk_virtio_snd *s)
{
    emk_virtq *vq = &s->q[EMK_VIRTIO_SND_VQ_EVENT].vq;
    emk_virtq_elem el;
    unsigned pushed = 0;
    int n = 0;

    if (!s->q[EMK_VIRTIO_SND_VQ_EVENT].enabled)
        return;
    emk_sglist_init(&el.out, s->e_out, EMK_VIRTIO_SND_SMALL_SEGS);
    emk_sglist_init(&el.in, s->e_in, EMK_VIRTIO_SND_SMALL_SEGS);
    while (s->ev_count && (n = emk_virtq_pop(vq, &el)) == 1) {
        uint8_t ev[EMK_VIRTIO_SND_EVENT_SIZE];
        uint32_t len = 0;

        emk_st_le32(ev, s->ev_code[s->ev_head]);
        emk_st_le32(ev + 4, s->ev_data[s->ev_head]);
        if (el.in.total >= sizeof(ev) &&
            emk_dma_sg_rw(&s->vdev.dev, &el.in, 0, ev, sizeof(ev), 1) == 0) {
            EMK_TRACE(ev_event, "head %u %s %u", el.head,
                      emk_virtio_snd_code_name(s->ev_code[s->ev_head]),
                      s->ev_data[s->ev_head]);
            s->ev_head = (s->ev_head + 1) % EMK_VIRTIO_SND_EVENT_FIFO;
            s->ev_count--;
            s->stat_events++;
            len = sizeof(ev);
        }
        (void)emk_virtq_push(vq, &el, len);
        pushed++;
    }
    if (n < 0)
        emk_virtio_needs_reset(&s->vdev);
    if (pushed)
        emk_virtio_notify(&s->vdev, EMK_VIRTIO_SND_VQ_EVENT);
}
