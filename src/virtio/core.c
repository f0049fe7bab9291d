/*
 * core.c - the transport-independent virtio device core: features,
 * status, reset, queues and configuration space (emkit/virtio.h).
 * Everything here runs in the device's loop.
 */
#include <string.h>

#include "emkit/virtio.h"
#include "trace_int.h"

static emk_trace_event ev_status = EMK_TRACE_EVENT_INIT("virtio_status");
static emk_trace_event ev_features = EMK_TRACE_EVENT_INIT("virtio_features");
static emk_trace_event ev_queue = EMK_TRACE_EVENT_INIT("virtio_queue_enable");
static emk_trace_event ev_reset = EMK_TRACE_EVENT_INIT("virtio_reset");

static void reset_state(emk_virtio *vd);

static int is_pow2(unsigned v)
{
    return v && (v & (v - 1)) == 0;
}

int emk_virtio_init(emk_virtio *vd, const char *name, uint16_t device_id,
                    emk_bus *bus, emk_loop *loop, const emk_virtio_ops *ops,
                    emk_virtio_queue *q, unsigned nqueues,
                    uint32_t config_size)
{
    unsigned i;

    if (!vd || !ops || nqueues > EMK_VIRTIO_MAX_QUEUES || (nqueues && !q))
        return -EINVAL;
    for (i = 0; i < nqueues; i++) {
        unsigned m = q[i].max_size ? q[i].max_size : 256;

        if (!is_pow2(m) || m > EMK_VIRTQ_MAX_SIZE)
            return -EINVAL;
    }
    memset(vd, 0, sizeof(*vd));
    emk_dev_init(&vd->dev, name, bus, loop);
    vd->ops = ops;
    vd->device_id = device_id;
    vd->queues = q;
    vd->nqueues = nqueues;
    vd->config_size = config_size;
    vd->host_features = ((uint64_t)1 << EMK_VIRTIO_F_VERSION_1) |
                        (ops->features ? ops->features(vd) : 0);
    for (i = 0; i < nqueues; i++) {
        uint16_t m = q[i].max_size ? q[i].max_size : 256;

        memset(&q[i], 0, sizeof(q[i]));
        q[i].max_size = m;
        emk_virtq_init(&q[i].vq, &vd->dev);
    }
    reset_state(vd);
    return 0;
}

void emk_virtio_offer(emk_virtio *vd, uint64_t transport_features)
{
    vd->host_features |= transport_features;
}

static void queue_clear(emk_virtio_queue *q)
{
    emk_virtq_reset(&q->vq);
    q->size = q->max_size;
    q->vector = EMK_VIRTIO_NO_VECTOR;
    q->enabled = 0;
    q->reset = 0;
    q->desc = q->driver = q->device = 0;
}

static void reset_state(emk_virtio *vd)
{
    unsigned i;

    for (i = 0; i < vd->nqueues; i++)
        queue_clear(&vd->queues[i]);
    vd->status = 0;
    vd->guest_features = 0;
    vd->features = 0;
    vd->config_vector = EMK_VIRTIO_NO_VECTOR;
}

void emk_virtio_reset(emk_virtio *vd)
{
    EMK_TRACE(ev_reset, "%s", vd->dev.name);
    if (vd->ops->reset)
        vd->ops->reset(vd);
    reset_state(vd);
}

static int features_ok(emk_virtio *vd)
{
    uint64_t f = vd->guest_features;

    if (f & ~vd->host_features)
        return 0;
    if (!(f & ((uint64_t)1 << EMK_VIRTIO_F_VERSION_1)))
        return 0;           /* modern devices only */
    if (vd->ops->set_features && vd->ops->set_features(vd, f) < 0)
        return 0;
    vd->features = f;
    return 1;
}

void emk_virtio_set_status(emk_virtio *vd, uint8_t status)
{
    uint8_t old = vd->status;

    EMK_TRACE(ev_status, "%s 0x%02x -> 0x%02x", vd->dev.name, old, status);
    if (status == 0) {
        emk_virtio_reset(vd);
        return;
    }
    /* bits are only added until the next reset; NEEDS_RESET is the
     * device's, not the driver's */
    status |= old;
    status = (uint8_t)((status & ~EMK_VIRTIO_S_NEEDS_RESET) |
                       (old & EMK_VIRTIO_S_NEEDS_RESET));
    if ((status & EMK_VIRTIO_S_FEATURES_OK) &&
        !(old & EMK_VIRTIO_S_FEATURES_OK) && !features_ok(vd))
        status &= (uint8_t)~EMK_VIRTIO_S_FEATURES_OK;
    /* DRIVER_OK without FEATURES_OK is a driver bug: refused */
    if ((status & EMK_VIRTIO_S_DRIVER_OK) &&
        !(status & EMK_VIRTIO_S_FEATURES_OK))
        status &= (uint8_t)~EMK_VIRTIO_S_DRIVER_OK;
    vd->status = status;
    if ((status & EMK_VIRTIO_S_DRIVER_OK) &&
        !(old & EMK_VIRTIO_S_DRIVER_OK) && vd->ops->driver_ok)
        vd->ops->driver_ok(vd);
}

void emk_virtio_write_features(emk_virtio *vd, unsigned sel, uint32_t bits)
{
    if (sel > 1 || (vd->status & EMK_VIRTIO_S_FEATURES_OK)) {
        vd->stat_bad_access++;
        return;
    }
    EMK_TRACE(ev_features, "%s word %u = 0x%08x", vd->dev.name, sel, bits);
    vd->guest_features &= ~((uint64_t)0xffffffffu << (32 * sel));
    vd->guest_features |= (uint64_t)bits << (32 * sel);
}

uint32_t emk_virtio_read_features(const emk_virtio *vd, unsigned sel)
{
    return sel > 1 ? 0 : (uint32_t)(vd->host_features >> (32 * sel));
}

int emk_virtio_has(const emk_virtio *vd, unsigned bit)
{
    return bit < 64 && ((vd->features >> bit) & 1) != 0;
}

unsigned emk_virtio_ring_features(const emk_virtio *vd)
{
    unsigned f = 0;

    if (emk_virtio_has(vd, EMK_VIRTIO_F_INDIRECT_DESC))
        f |= EMK_VIRTQ_F_INDIRECT;
    if (emk_virtio_has(vd, EMK_VIRTIO_F_RING_EVENT_IDX))
        f |= EMK_VIRTQ_F_EVENT_IDX;
    return f;
}

int emk_virtio_queue_enable(emk_virtio *vd, unsigned q)
{
    emk_virtio_queue *vq;
    int e;

    if (q >= vd->nqueues)
        return -ENXIO;
    vq = &vd->queues[q];
    if (vq->enabled)
        return 0;
    if (!(vd->status & EMK_VIRTIO_S_FEATURES_OK) || !is_pow2(vq->size) ||
        vq->size > vq->max_size) {
        e = -EINVAL;
    } else {
        e = emk_virtq_enable(&vq->vq, vq->size, vq->desc, vq->driver,
                             vq->device, emk_virtio_ring_features(vd));
    }
    EMK_TRACE(ev_queue, "%s q%u size %u desc 0x%llx: %d", vd->dev.name, q,
              vq->size, (unsigned long long)vq->desc, e);
    if (e < 0) {
        emk_virtio_needs_reset(vd);
        return e;
    }
    vq->enabled = 1;
    vq->reset = 0;
    if (vd->ops->queue_ready)
        vd->ops->queue_ready(vd, q);
    return 0;
}

void emk_virtio_queue_reset(emk_virtio *vd, unsigned q)
{
    if (q >= vd->nqueues)
        return;
    if (vd->ops->queue_reset)
        vd->ops->queue_reset(vd, q);
    queue_clear(&vd->queues[q]);
    vd->queues[q].reset = 1;
}

void emk_virtio_kick(emk_virtio *vd, unsigned q)
{
    if (q >= vd->nqueues) {
        vd->stat_bad_access++;
        return;
    }
    vd->queues[q].stat_kicks++;
    if (!vd->queues[q].enabled || !(vd->status & EMK_VIRTIO_S_DRIVER_OK))
        return;
    if (vd->ops->queue_notify)
        vd->ops->queue_notify(vd, q);
}

int emk_virtio_notify(emk_virtio *vd, unsigned q)
{
    emk_virtio_queue *vq;

    if (q >= vd->nqueues)
        return 0;
    vq = &vd->queues[q];
    if (!vq->enabled || !emk_virtq_should_notify(&vq->vq))
        return 0;
    vq->stat_notified++;
    if (vd->transport && vd->transport->signal)
        vd->transport->signal(vd, vq->vector, 1);
    return 1;
}

void emk_virtio_config_changed(emk_virtio *vd)
{
    vd->generation++;
    if ((vd->status & EMK_VIRTIO_S_DRIVER_OK) && vd->transport &&
        vd->transport->signal)
        vd->transport->signal(vd, vd->config_vector, 2);
}

void emk_virtio_needs_reset(emk_virtio *vd)
{
    if (vd->status & EMK_VIRTIO_S_NEEDS_RESET)
        return;
    vd->status |= EMK_VIRTIO_S_NEEDS_RESET;
    if (vd->status & EMK_VIRTIO_S_DRIVER_OK)
        emk_virtio_config_changed(vd);
}

void emk_virtio_config_read(emk_virtio *vd, uint32_t off, void *buf,
                            uint32_t len)
{
    memset(buf, 0, len);
    if (off >= vd->config_size || !vd->ops->config_read)
        return;
    if (len > vd->config_size - off)
        len = vd->config_size - off;
    vd->ops->config_read(vd, off, buf, len);
}

void emk_virtio_config_write(emk_virtio *vd, uint32_t off, const void *buf,
                             uint32_t len)
{
    if (off >= vd->config_size || len > vd->config_size - off ||
        !vd->ops->config_write) {
        vd->stat_bad_access++;
        return;
    }
    vd->ops->config_write(vd, off, buf, len);
}
