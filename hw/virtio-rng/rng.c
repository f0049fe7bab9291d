/*
 * rng.c - the virtio entropy device (emkit/virtio_rng.h): every
 * device-writable buffer on the request queue comes back filled with
 * random bytes, up to EMK_VIRTIO_RNG_MAX_REQUEST per buffer.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "emkit/virtio_rng.h"
#include "trace_int.h"

static emk_trace_event ev_req = EMK_TRACE_EVENT_INIT("virtio_rng_request");

static int urandom(void *opaque, void *buf, size_t len)
{
    emk_virtio_rng *r = opaque;
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(r->fd, (uint8_t *)buf + got, len - got);

        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        got += (size_t)n;
    }
    return 0;
}


/* Fills one chain; returns the bytes written into it. */
static uint32_t serve(emk_virtio_rng *r, emk_virtq_elem *el)
{
    uint64_t want = el->in.total, done = 0;

    if (want > EMK_VIRTIO_RNG_MAX_REQUEST)
        want = EMK_VIRTIO_RNG_MAX_REQUEST;
    while (done < want) {
        size_t n = want - done > sizeof(r->chunk) ? sizeof(r->chunk)
                                                  : (size_t)(want - done);

        if (r->opt.source(r->opt.opaque, r->chunk, n) < 0 ||
            emk_dma_sg_rw(&r->vdev.dev, &el->in, done, r->chunk, n, 1) < 0) {
            r->stat_errors++;
            break;
        }
        done += n;
    }
    r->stat_bytes += done;
    return (uint32_t)done;
}

static void notify(emk_virtio *vd, unsigned q)
{
    emk_virtio_rng *r = (emk_virtio_rng *)vd;
    emk_virtq *vq = &vd->queues[q].vq;
    emk_virtq_elem el;
    int n;

    emk_sglist_init(&el.out, r->out_sg, EMK_VIRTIO_RNG_MAX_SEGS);
    emk_sglist_init(&el.in, r->in_sg, EMK_VIRTIO_RNG_MAX_SEGS);
    for (;;) {
        (void)emk_virtq_set_notification(vq, 0);
        while ((n = emk_virtq_pop(vq, &el)) == 1) {
            uint32_t len = serve(r, &el);

            r->stat_requests++;
            EMK_TRACE(ev_req, "head %u asked %llu gave %u", el.head,
                      (unsigned long long)el.in.total, len);
            (void)emk_virtq_push(vq, &el, len);
        }
        if (n < 0) {
            emk_virtio_needs_reset(vd);     /* the ring is broken */
            break;
        }
        (void)emk_virtq_set_notification(vq, 1);
        if (emk_virtq_pending(vq) <= 0)
            break;
    }
    emk_virtio_notify(vd, q);
}

static const emk_virtio_ops rng_ops = {
    .queue_notify = notify,
};

int emk_virtio_rng_init(emk_virtio_rng *r, emk_bus *bus, emk_loop *loop,
                        const emk_virtio_rng_options *opts)
{
    int e;

    memset(r, 0, sizeof(*r));
    r->fd = -1;
    if (opts)
        r->opt = *opts;
    if (!r->opt.source) {
        r->fd = open("/dev/urandom", O_RDONLY);
        if (r->fd < 0)
            return -errno;
        r->opt.source = urandom;
        r->opt.opaque = r;
    }
    r->q[0].max_size = EMK_VIRTIO_RNG_QUEUE_SIZE;
    e = emk_virtio_init(&r->vdev, "virtio-rng", EMK_VIRTIO_ID_RNG, bus, loop,
                        &rng_ops, r->q, 1, 0);
    if (e < 0)
        emk_virtio_rng_cleanup(r);
    return e;
}

void emk_virtio_rng_cleanup(emk_virtio_rng *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
}
