/*
 * emkit/ring.h - a lock-free single-producer/single-consumer ring of
 * fixed-size elements over caller-owned storage.
 *
 * One thread (the producer) calls the push functions, one other thread (the
 * consumer) calls the pop/peek functions; emk_ring_count/emk_ring_free may
 * be called by either.  No locks, no allocation, no system calls: waiting
 * for space or data (spinning, an emk_notifier, a condition variable) is
 * the caller's choice.
 *
 * Layout.  head (next slot the producer fills) and tail (next slot the
 * consumer empties) are free-running 32-bit counters; the slot of counter c
 * is c & (capacity - 1), the fill level head - tail (mod 2^32).  The
 * read-only configuration, the producer's fields and the consumer's fields
 * are kept at least EMK_RING_CACHELINE bytes apart by padding arrays, so
 * the two threads never write to the same cache line (no false sharing);
 * each side also keeps a private copy of the other side's index and only
 * reloads it when that copy says full (producer) or empty (consumer).
 *
 * Memory ordering.  The producer copies the element into its slot, then
 * publishes it with a store-release of head.  The consumer reads head with
 * a load-acquire, so the element's bytes are visible before it copies them
 * out; it then frees the slot with a store-release of tail, so its copy is
 * complete before the producer (load-acquire of tail) may overwrite the
 * slot.  Each side reads its own index without ordering.
 */
#ifndef EMKIT_RING_H
#define EMKIT_RING_H

#include "emkit/base.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_ring_limits {
    EMK_RING_CACHELINE = 64,            /**< separation of the hot fields */
    EMK_RING_MAX_CAPACITY = 0x40000000  /**< 2^30 elements */
};

/** An SPSC ring.  Caller-owned; initialise with emk_ring_init.  Fields are
 *  public only so the structure can live on the stack or inside a device;
 *  use the functions. */
typedef struct emk_ring {
    /* read-only after emk_ring_init */
    unsigned char *storage;
    size_t elem_size;
    uint32_t mask;          /**< capacity - 1 */
    unsigned char pad0[EMK_RING_CACHELINE];
    /* written by the producer only */
    uint32_t head;          /**< counter of the next slot to fill */
    uint32_t tail_cache;    /**< producer's last view of tail */
    unsigned char pad1[EMK_RING_CACHELINE];
    /* written by the consumer only */
    uint32_t tail;          /**< counter of the next slot to empty */
    uint32_t head_cache;    /**< consumer's last view of head */
    unsigned char pad2[EMK_RING_CACHELINE];
} emk_ring;

/** Prepares r over storage, which holds capacity elements of elem_size
 *  bytes and must outlive the ring.  capacity must be a power of two in
 *  [1, EMK_RING_MAX_CAPACITY].  Returns 0 or -EINVAL. */
EMK_API int emk_ring_init(emk_ring *r, void *storage, uint32_t capacity,
                  size_t elem_size);

/** Number of slots. */
EMK_API uint32_t emk_ring_capacity(const emk_ring *r);

/** Elements currently queued (exact when called by either side while the
 *  other is idle; otherwise a snapshot). */
EMK_API uint32_t emk_ring_count(const emk_ring *r);

/** Free slots (a snapshot, like emk_ring_count). */
EMK_API uint32_t emk_ring_free(const emk_ring *r);

/** Producer: copies one element in.  0, or -EAGAIN when the ring is full. */
EMK_API int emk_ring_push(emk_ring *r, const void *elem);

/** Producer: copies up to n consecutive elements from elems in, in order.
 *  Returns how many were pushed (0 when full). */
EMK_API uint32_t emk_ring_push_batch(emk_ring *r, const void *elems, uint32_t n);

/** Consumer: removes the oldest element, copying it to elem (elem may be
 *  NULL to drop it).  0, or -EAGAIN when the ring is empty. */
EMK_API int emk_ring_pop(emk_ring *r, void *elem);

/** Consumer: removes up to n elements into elems (in order).  Returns how
 *  many were popped (0 when empty). */
EMK_API uint32_t emk_ring_pop_batch(emk_ring *r, void *elems, uint32_t n);

/** Consumer: the oldest element in place, without removing it, or NULL
 *  when empty.  The pointer stays valid until the consumer pops it. */
EMK_API const void *emk_ring_peek(emk_ring *r);

#ifdef __cplusplus
}
#endif

#endif
