/*
 * ring.c - lock-free SPSC ring (see emkit/ring.h for layout and ordering).
 */
#include <string.h>

#include "emkit/ring.h"
#include "compat.h"

int emk_ring_init(emk_ring *r, void *storage, uint32_t capacity,
                  size_t elem_size)
{
    if (!r || !storage || elem_size == 0 || capacity == 0 ||
        capacity > (uint32_t)EMK_RING_MAX_CAPACITY ||
        (capacity & (capacity - 1)) != 0 ||
        elem_size > SIZE_MAX / capacity) {
        return -EINVAL;
    }
    memset(r, 0, sizeof(*r));
    r->storage = storage;
    r->elem_size = elem_size;
    r->mask = capacity - 1;
    return 0;
}

uint32_t emk_ring_capacity(const emk_ring *r)
{
    return r->mask + 1;
}

uint32_t emk_ring_count(const emk_ring *r)
{
    uint32_t tail = emk_load_acquire_u32(&r->tail);
    uint32_t head = emk_load_acquire_u32(&r->head);
    uint32_t n = head - tail;

    /* the two loads are not one snapshot: clamp a torn view */
    return n > r->mask + 1 ? r->mask + 1 : n;
}

uint32_t emk_ring_free(const emk_ring *r)
{
    return r->mask + 1 - emk_ring_count(r);
}

static unsigned char *slot(const emk_ring *r, uint32_t counter)
{
    return r->storage + (size_t)(counter & r->mask) * r->elem_size;
}

/* Producer: free slots, refreshing the cached tail only when needed. */
static uint32_t space_for(emk_ring *r, uint32_t head, uint32_t want)
{
    uint32_t cap = r->mask + 1;
    uint32_t space = cap - (head - r->tail_cache);

    if (space < want) {
        r->tail_cache = emk_load_acquire_u32(&r->tail);
        space = cap - (head - r->tail_cache);
    }
    return space;
}

/* Consumer: queued elements, refreshing the cached head only when needed. */
static uint32_t avail_for(emk_ring *r, uint32_t tail, uint32_t want)
{
    uint32_t avail = r->head_cache - tail;

    if (avail < want) {
        r->head_cache = emk_load_acquire_u32(&r->head);
        avail = r->head_cache - tail;
    }
    return avail;
}

/* Copies n elements from buf into the slots starting at counter c, in at
 * most two pieces (the second after the storage wraps). */
static void copy_in(emk_ring *r, uint32_t c, const unsigned char *buf,
                    uint32_t n)
{
    uint32_t first = (r->mask + 1) - (c & r->mask);
    size_t len1;

    if (first > n) {
        first = n;
    }
    len1 = (size_t)first * r->elem_size;
    memcpy(slot(r, c), buf, len1);
    if (n > first) {
        memcpy(r->storage, buf + len1, (size_t)(n - first) * r->elem_size);
    }
}

/* Copies n elements out of the slots starting at counter c into buf. */
static void copy_out(const emk_ring *r, uint32_t c, unsigned char *buf,
                     uint32_t n)
{
    uint32_t first = (r->mask + 1) - (c & r->mask);
    size_t len1;

    if (first > n) {
        first = n;
    }
    len1 = (size_t)first * r->elem_size;
    memcpy(buf, slot(r, c), len1);
    if (n > first) {
        memcpy(buf + len1, r->storage, (size_t)(n - first) * r->elem_size);
    }
}

int emk_ring_push(emk_ring *r, const void *elem)
{
    uint32_t head = emk_load_relaxed_u32(&r->head);

    if (emk_unlikely(space_for(r, head, 1) == 0)) {
        return -EAGAIN;
    }
    memcpy(slot(r, head), elem, r->elem_size);
    emk_store_release_u32(&r->head, head + 1);
    return 0;
}

uint32_t emk_ring_push_batch(emk_ring *r, const void *elems, uint32_t n)
{
    uint32_t head = emk_load_relaxed_u32(&r->head);
    uint32_t space = space_for(r, head, n);

    if (n > space) {
        n = space;
    }
    if (n == 0) {
        return 0;
    }
    copy_in(r, head, elems, n);
    emk_store_release_u32(&r->head, head + n);
    return n;
}

int emk_ring_pop(emk_ring *r, void *elem)
{
    uint32_t tail = emk_load_relaxed_u32(&r->tail);

    if (emk_unlikely(avail_for(r, tail, 1) == 0)) {
        return -EAGAIN;
    }
    if (elem) {
        memcpy(elem, slot(r, tail), r->elem_size);
    }
    emk_store_release_u32(&r->tail, tail + 1);
    return 0;
}

uint32_t emk_ring_pop_batch(emk_ring *r, void *elems, uint32_t n)
{
    uint32_t tail = emk_load_relaxed_u32(&r->tail);
    uint32_t avail = avail_for(r, tail, n);

    if (n > avail) {
        n = avail;
    }
    if (n == 0) {
        return 0;
    }
    copy_out(r, tail, elems, n);
    emk_store_release_u32(&r->tail, tail + n);
    return n;
}

const void *emk_ring_peek(emk_ring *r)
{
    uint32_t tail = emk_load_relaxed_u32(&r->tail);

    if (avail_for(r, tail, 1) == 0) {
        return NULL;
    }
    return slot(r, tail);
}
