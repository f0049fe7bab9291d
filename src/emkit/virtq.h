/*
 * emkit/virtq.h - the device side of a virtio 1.x split virtqueue
 * (virtio spec section 2.7), over guest memory reached only through the
 * machine bus (emk_dma_ld/st/read, never a host pointer).
 *
 * Guest layout (all little-endian; N = queue size, a power of two):
 *   descriptor table  16*N bytes, 16-aligned:  {le64 addr, le32 len,
 *                                               le16 flags, le16 next}
 *   available ring    6+2*N bytes, 2-aligned:  le16 flags, le16 idx,
 *                                               le16 ring[N], le16 used_event
 *   used ring         6+8*N bytes, 4-aligned:  le16 flags, le16 idx,
 *                                               {le32 id, le32 len}[N],
 *                                               le16 avail_event
 *
 * Life cycle.  The transport (virtio-pci, virtio-mmio) calls
 * emk_virtq_init once, emk_virtq_enable when the driver sets the queue
 * ready (size, the three addresses and the negotiated features), and
 * emk_virtq_reset on device reset.  The device then loops:
 *
 *     emk_virtq_set_notification(vq, 0);
 *     for (;;) {
 *         while ((r = emk_virtq_pop(vq, &elem)) == 1) {
 *             ... emk_dma_sg_rw(dev, &elem.out, ...) / (&elem.in, ...) ...
 *             emk_virtq_push(vq, &elem, bytes_written);
 *         }
 *         if (r < 0) break;                       // queue broken: -EIO
 *         emk_virtq_set_notification(vq, 1);      // re-arm, full barrier
 *         if (emk_virtq_pending(vq) <= 0) break;  // nothing raced in
 *         emk_virtq_set_notification(vq, 0);
 *     }
 *     if (emk_virtq_should_notify(vq)) raise the queue's interrupt;
 *
 * Chains.  emk_virtq_pop walks one descriptor chain: NEXT links in the
 * descriptor table and at most one INDIRECT table (only with
 * EMK_VIRTQ_F_INDIRECT).  Device-readable buffers go to elem->out,
 * device-writable ones to elem->in, both emk_sglists in caller storage
 * (contiguous buffers merge).  Buffer addresses are not checked here: a
 * bad one fails later, in the DMA that touches it.
 *
 * Errors.  Anything malformed the guest hands over (an index out of range,
 * a loop, a readable buffer after a writable one, a nested or chained
 * indirect table, a table length not a multiple of 16, a chain above the
 * length limit or the caller's segment capacity, the available index
 * running more than N ahead, ring memory the bus refuses) marks the queue
 * broken: that call and every later one return -EIO until
 * emk_virtq_reset; vq->fault and vq->fault_msg say what and where.
 *
 * Barriers.  pop reads avail idx, then (acquire) the ring entry and the
 * descriptors; push/flush write the used entries, then (release) used idx;
 * should_notify and set_notification(1) put a full barrier between their
 * store and their load of the driver's fields, as the spec requires.
 *
 * Threads.  One queue is driven by one thread at a time (the device's
 * loop); the guest driver runs concurrently on the other side of memory.
 */
#ifndef EMKIT_VIRTQ_H
#define EMKIT_VIRTQ_H

#include "emkit/bus.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Layout constants of the split ring (spec 2.7). */
enum emk_virtq_layout {
    EMK_VIRTQ_MAX_SIZE = 32768,
    EMK_VIRTQ_DESC_SIZE = 16,
    EMK_VIRTQ_DESC_F_NEXT = 1,
    EMK_VIRTQ_DESC_F_WRITE = 2,
    EMK_VIRTQ_DESC_F_INDIRECT = 4,
    EMK_VIRTQ_AVAIL_F_NO_INTERRUPT = 1,
    EMK_VIRTQ_USED_F_NO_NOTIFY = 1
};

/** Negotiated features that change ring behaviour (emk_virtq_enable). */
enum emk_virtq_features {
    EMK_VIRTQ_F_INDIRECT = 1,   /**< VIRTIO_F_INDIRECT_DESC (bit 28) */
    EMK_VIRTQ_F_EVENT_IDX = 2   /**< VIRTIO_F_EVENT_IDX (bit 29) */
};

/** Why a queue broke (vq->fault). */
typedef enum emk_virtq_fault {
    EMK_VIRTQ_OK = 0,
    EMK_VIRTQ_ERR_AVAIL_IDX,     /**< avail idx more than N ahead */
    EMK_VIRTQ_ERR_HEAD_RANGE,    /**< avail ring entry >= N */
    EMK_VIRTQ_ERR_NEXT_RANGE,    /**< next index outside its table */
    EMK_VIRTQ_ERR_LOOP,          /**< chain longer than its table */
    EMK_VIRTQ_ERR_ORDER,         /**< readable buffer after a writable one */
    EMK_VIRTQ_ERR_INDIRECT_FEATURE, /**< INDIRECT not negotiated */
    EMK_VIRTQ_ERR_INDIRECT_NESTED,  /**< INDIRECT inside an indirect table */
    EMK_VIRTQ_ERR_INDIRECT_NEXT,    /**< INDIRECT together with NEXT */
    EMK_VIRTQ_ERR_INDIRECT_LEN,     /**< table length 0, not a multiple of
                                         16 or above EMK_VIRTQ_MAX_SIZE */
    EMK_VIRTQ_ERR_TOO_LONG,      /**< chain bytes above vq->max_total */
    EMK_VIRTQ_ERR_TOO_MANY_SEGS, /**< more segments than elem storage */
    EMK_VIRTQ_ERR_WRAP,          /**< buffer address range wraps */
    EMK_VIRTQ_ERR_DMA            /**< the bus refused ring memory */
} emk_virtq_fault;

/** One popped descriptor chain.  Before the first pop, initialise out and
 *  in with emk_sglist_init over caller storage; pop resets them. */
typedef struct emk_virtq_elem {
    uint16_t head;      /**< head descriptor index (returned in used ring) */
    uint32_t ndesc;     /**< descriptors walked, indirect ones included */
    emk_sglist out;     /**< device-readable buffers, in chain order */
    emk_sglist in;      /**< device-writable buffers, in chain order */
} emk_virtq_elem;

/** Device-side state of one split virtqueue.  Caller-owned. */
typedef struct emk_virtq {
    emk_dev *dev;
    uint64_t desc_addr;
    uint64_t avail_addr;
    uint64_t used_addr;
    uint32_t size;          /**< N; 0 while not enabled */
    unsigned features;      /**< OR of emk_virtq_features */
    uint64_t max_total;     /**< limit of a chain's bytes (default 2^32) */
    uint16_t last_avail;    /**< next available ring entry to consume */
    uint16_t shadow_avail;  /**< avail idx as last read from the guest */
    uint16_t used_idx;      /**< device's used idx, incl. unflushed fills */
    uint16_t used_flushed;  /**< used idx last published to the guest */
    uint16_t signalled_used; /**< used idx at the last notification */
    int signalled_valid;    /**< signalled_used is meaningful */
    int notify_enabled;     /**< last emk_virtq_set_notification value */
    uint32_t inflight;      /**< popped, not yet filled */
    emk_virtq_fault fault;  /**< EMK_VIRTQ_OK unless broken */
    const char *fault_msg;  /**< static text naming the fault */
    uint64_t fault_where;   /**< descriptor index or address of the fault */
    uint64_t stat_popped;
    uint64_t stat_pushed;
} emk_virtq;

/** Binds vq to dev (whose DMA it uses) and leaves it disabled. */
EMK_API void emk_virtq_init(emk_virtq *vq, emk_dev *dev);

/** Enables the queue: size N (a power of two, 1..EMK_VIRTQ_MAX_SIZE), the
 *  guest addresses of its three parts and the negotiated features (OR of
 *  emk_virtq_features).  Indices start at 0.  Returns 0 or -EINVAL (bad
 *  size, misaligned or wrapping address, unknown feature bits). */
EMK_API int emk_virtq_enable(emk_virtq *vq, uint32_t size, uint64_t desc_addr,
                     uint64_t avail_addr, uint64_t used_addr,
                     unsigned features);

/** Disables the queue and clears indices and any broken state (device
 *  reset, or queue reset). */
EMK_API void emk_virtq_reset(emk_virtq *vq);

/** 1 if the queue is enabled and not broken. */
EMK_API int emk_virtq_ready(const emk_virtq *vq);

/** 1 if the queue is broken (see vq->fault). */
EMK_API int emk_virtq_broken(const emk_virtq *vq);

/** Number of chains the driver made available that were not popped yet,
 *  -ENXIO if disabled or -EIO if broken. */
EMK_API int emk_virtq_pending(emk_virtq *vq);

/** Pops the next chain into elem.  Returns 1 with elem filled, 0 if the
 *  ring is empty, -ENXIO if disabled, -EIO if the queue is (or now
 *  becomes) broken. */
EMK_API int emk_virtq_pop(emk_virtq *vq, emk_virtq_elem *elem);

/** Writes elem's used entry (id = elem->head, len = bytes the device wrote
 *  into elem->in) without publishing it; see emk_virtq_flush.  Returns 0,
 *  -ENXIO, -EIO (broken) or -EINVAL (device bugs: len above
 *  elem->in.total, or more fills than pops; the queue is unchanged). */
EMK_API int emk_virtq_fill(emk_virtq *vq, const emk_virtq_elem *elem, uint32_t len);

/** Publishes every filled entry by storing used idx (after a release
 *  barrier).  Returns the number published, -ENXIO or -EIO. */
EMK_API int emk_virtq_flush(emk_virtq *vq);

/** emk_virtq_fill followed by emk_virtq_flush.  0 or as those. */
EMK_API int emk_virtq_push(emk_virtq *vq, const emk_virtq_elem *elem, uint32_t len);

/** After pushing: 1 if the driver wants an interrupt now, else 0 (also 0
 *  when disabled or broken).  With EMK_VIRTQ_F_EVENT_IDX this is
 *  emk_vring_need_event(used_event, used idx, used idx at the previous
 *  notification) (always 1 the first time after enable); without it, 1
 *  unless the driver set VRING_AVAIL_F_NO_INTERRUPT. */
EMK_API int emk_virtq_should_notify(emk_virtq *vq);

/** Asks the driver to (enable=1) or not to (enable=0) kick the device on
 *  new buffers: with EVENT_IDX by writing avail_event (the current avail
 *  idx on enable), else by the VRING_USED_F_NO_NOTIFY flag.  Enabling ends
 *  with a full barrier; re-check emk_virtq_pending afterwards.  0, -ENXIO
 *  or -EIO. */
EMK_API int emk_virtq_set_notification(emk_virtq *vq, int enable);

/** The spec's vring_need_event: 1 if moving an index from old_idx to
 *  new_idx passed event_idx (i.e. event_idx in [old_idx, new_idx) modulo
 *  2^16). */
EMK_API int emk_vring_need_event(uint16_t event_idx, uint16_t new_idx,
                         uint16_t old_idx);

/** Static text for a fault code. */
EMK_API const char *emk_virtq_fault_str(emk_virtq_fault f);

#ifdef __cplusplus
}
#endif

#endif
