/*
 * ring_atomic.h - private stand-in for the atomics of src/compat.h, used by
 * ring.c and virtq.c until compat.h lands (then these names move there and
 * this file goes away).  GNU __atomic builtins (gcc, clang, zig cc); the
 * names follow compat.h's planned ones.  Not installed, not public.
 */
#ifndef EMK_RING_ATOMIC_H
#define EMK_RING_ATOMIC_H

#include <stdint.h>

#if !defined(__GNUC__) && !defined(__clang__)
#error "emkit needs the GNU __atomic builtins (gcc, clang or zig cc)"
#endif

/** Load of a variable only this thread writes (no ordering needed). */
static inline uint32_t emk_atomic_load_relaxed_u32(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/** Load that orders every later load and store after it (pairs with
 *  emk_atomic_store_release_u32 in the other thread). */
static inline uint32_t emk_atomic_load_acquire_u32(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/** Store that makes every earlier load and store visible before it. */
static inline void emk_atomic_store_release_u32(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/** Full barrier (orders earlier stores before later loads too). */
static inline void emk_smp_mb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/** Orders earlier loads before later loads and stores. */
static inline void emk_smp_rmb(void)
{
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
}

/** Orders earlier loads and stores before later stores. */
static inline void emk_smp_wmb(void)
{
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

#define emk_likely(x) __builtin_expect(!!(x), 1)
#define emk_unlikely(x) __builtin_expect(!!(x), 0)

#endif
