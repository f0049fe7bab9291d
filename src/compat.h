/*
 * compat.h - the one private header allowed to use compiler extensions.
 *
 * Atomics map onto the __atomic builtins that gcc, clang and zig cc share.
 * Nothing public includes this file.
 */
#ifndef EMKIT_COMPAT_H
#define EMKIT_COMPAT_H

#include <sched.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define emk_likely(x) __builtin_expect(!!(x), 1)
#define emk_unlikely(x) __builtin_expect(!!(x), 0)
#else
#define emk_likely(x) (x)
#define emk_unlikely(x) (x)
#endif

/* A helper the compiler must inline (so that constant arguments unroll
 * its loops); plain static inline where that cannot be asked for. */
#if defined(__GNUC__) || defined(__clang__)
#define EMK_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define EMK_ALWAYS_INLINE static inline
#endif

static inline uint32_t emk_load_acquire_u32(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
static inline void emk_store_release_u32(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
static inline uint16_t emk_load_acquire_u16(const uint16_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
static inline void emk_store_release_u16(uint16_t *p, uint16_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
static inline uint32_t emk_load_relaxed_u32(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}
static inline void emk_store_relaxed_u32(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}
static inline int emk_load_acquire_int(const int *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
static inline void emk_store_release_int(int *p, int v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
static inline int emk_xchg_int(int *p, int v)
{
    return __atomic_exchange_n(p, v, __ATOMIC_ACQ_REL);
}
static inline uint32_t emk_xchg_u32(uint32_t *p, uint32_t v)
{
    return __atomic_exchange_n(p, v, __ATOMIC_ACQ_REL);
}
static inline uint64_t emk_fetch_add_u64(uint64_t *p, uint64_t v)
{
    return __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}
static inline uint32_t emk_fetch_add_u32(uint32_t *p, uint32_t v)
{
    return __atomic_fetch_add(p, v, __ATOMIC_ACQ_REL);
}
/** Atomically clears the bits not in mask; returns the old value. */
static inline uint32_t emk_fetch_and_u32(uint32_t *p, uint32_t mask)
{
    return __atomic_fetch_and(p, mask, __ATOMIC_ACQ_REL);
}
/** Atomically sets the bits of v; returns the old value. */
static inline uint32_t emk_fetch_or_u32(uint32_t *p, uint32_t v)
{
    return __atomic_fetch_or(p, v, __ATOMIC_ACQ_REL);
}
/** Compare and swap: if *p == *expected stores v and returns 1; else
 *  loads *p into *expected and returns 0. */
static inline int emk_cas_u32(uint32_t *p, uint32_t *expected, uint32_t v)
{
    return __atomic_compare_exchange_n(p, expected, v, 0, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}
static inline int emk_load_relaxed_int(const int *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}
static inline void emk_store_relaxed_int(int *p, int v)
{
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}
static inline int emk_cas_int(int *p, int *expected, int v)
{
    return __atomic_compare_exchange_n(p, expected, v, 0, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}
static inline void *emk_load_acquire_ptr(void *const *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
static inline void emk_store_release_ptr(void **p, void *v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
static inline uint64_t emk_load_relaxed_u64(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}
static inline void emk_store_relaxed_u64(uint64_t *p, uint64_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}
/* Sequentially consistent read-modify-writes on 32- and 64-bit words
 * (the RV64 core's AMOs and LR/SC on shared guest memory). */
static inline uint32_t emk_atomic_xchg_u32(uint32_t *p, uint32_t v)
{
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}
static inline uint64_t emk_atomic_xchg_u64(uint64_t *p, uint64_t v)
{
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}
static inline uint32_t emk_atomic_add_u32(uint32_t *p, uint32_t v)
{
    return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}
static inline uint64_t emk_atomic_add_u64(uint64_t *p, uint64_t v)
{
    return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}
static inline uint32_t emk_atomic_and_u32(uint32_t *p, uint32_t v)
{
    return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST);
}
static inline uint64_t emk_atomic_and_u64(uint64_t *p, uint64_t v)
{
    return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST);
}
static inline uint32_t emk_atomic_or_u32(uint32_t *p, uint32_t v)
{
    return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST);
}
static inline uint64_t emk_atomic_or_u64(uint64_t *p, uint64_t v)
{
    return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST);
}
static inline uint32_t emk_atomic_xor_u32(uint32_t *p, uint32_t v)
{
    return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST);
}
static inline uint64_t emk_atomic_xor_u64(uint64_t *p, uint64_t v)
{
    return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST);
}
static inline uint32_t emk_atomic_load_u32(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}
static inline uint64_t emk_atomic_load_u64(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}
/* Strong compare-and-swap; on failure *expected gets the current value. */
static inline int emk_atomic_cas_u32(uint32_t *p, uint32_t *expected, uint32_t v)
{
    return __atomic_compare_exchange_n(p, expected, v, 0, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}
static inline int emk_atomic_cas_u64(uint64_t *p, uint64_t *expected, uint64_t v)
{
    return __atomic_compare_exchange_n(p, expected, v, 0, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}
/* Thread-local storage (C99 has none): emkit-user's per-thread state. */
#if defined(__GNUC__) || defined(__clang__)
#define EMK_THREAD_LOCAL __thread
#else
#define EMK_THREAD_LOCAL _Thread_local
#endif
/** A tiny spin lock on an int (0 free, 1 held) for short critical
 *  sections that must not need a pthread type in a public struct. */
static inline void emk_spin_lock(int *l)
{
    int expected = 0;

    while (!__atomic_compare_exchange_n(l, &expected, 1, 1, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED)) {
        expected = 0;
        while (__atomic_load_n(l, __ATOMIC_RELAXED))
            sched_yield();
    }
}
static inline void emk_spin_unlock(int *l)
{
    __atomic_store_n(l, 0, __ATOMIC_RELEASE);
}
/** Full barrier: orders earlier stores before later loads (shadow
 *  doorbells, event-idx checks). */
static inline void emk_smp_mb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
static inline void emk_smp_rmb(void)
{
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
}
static inline void emk_smp_wmb(void)
{
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

/* Little-endian loads and stores of unaligned bytes. */
static inline uint16_t emk_le16(const void *p)
{
    const uint8_t *b = (const uint8_t *)p;
    return (uint16_t)(b[0] | (b[1] << 8));
}
static inline uint32_t emk_le32(const void *p)
{
    const uint8_t *b = (const uint8_t *)p;
    return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
           ((uint32_t)b[3] << 24);
}
static inline uint64_t emk_le64(const void *p)
{
    const uint8_t *b = (const uint8_t *)p;
    return (uint64_t)emk_le32(b) | ((uint64_t)emk_le32(b + 4) << 32);
}
static inline void emk_st_le16(void *p, uint16_t v)
{
    uint8_t *b = (uint8_t *)p;
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
}
static inline void emk_st_le32(void *p, uint32_t v)
{
    uint8_t *b = (uint8_t *)p;
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}
static inline void emk_st_le64(void *p, uint64_t v)
{
    emk_st_le32(p, (uint32_t)v);
    emk_st_le32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

/* Big-endian loads (VHDX's and qcow2's on-disk fields). */
static inline uint16_t emk_be16(const void *p)
{
    const uint8_t *b = (const uint8_t *)p;
    return (uint16_t)((b[0] << 8) | b[1]);
}
static inline uint32_t emk_be32(const void *p)
{
    const uint8_t *b = (const uint8_t *)p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
           ((uint32_t)b[2] << 8) | b[3];
}
static inline uint64_t emk_be64(const void *p)
{
    const uint8_t *b = (const uint8_t *)p;
    return ((uint64_t)emk_be32(b) << 32) | emk_be32(b + 4);
}

static inline void emk_st_be32(void *p, uint32_t v)
{
    uint8_t *b = (uint8_t *)p;
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}
static inline void emk_st_be64(void *p, uint64_t v)
{
    emk_st_be32(p, (uint32_t)(v >> 32));
    emk_st_be32((uint8_t *)p + 4, (uint32_t)v);
}

/* The full 128-bit product of two 64-bit words: returns the low half and
 * stores the high one.  unsigned __int128 where the compiler has it
 * (__extension__ keeps -Wpedantic quiet); else four 32x32 products, so
 * the code stays C99; likewise the add and subtract with carry.  All take time independent of the values on the
 * targets we build for (MUL is constant-time on x86-64 and AArch64).
 * EMK_NO_INT128 forces the portable path (tests/crypto builds both). */
#if defined(__SIZEOF_INT128__) && !defined(EMK_NO_INT128)
__extension__ typedef unsigned __int128 emk_u128;
static inline uint64_t emk_mul64(uint64_t a, uint64_t b, uint64_t *hi)
{
    emk_u128 p = (emk_u128)a * b;
    *hi = (uint64_t)(p >> 64);
    return (uint64_t)p;
}
/* a + b + *c with the carry (0 or 1) in and out: one add-with-carry. */
static inline uint64_t emk_addc64(uint64_t a, uint64_t b, uint64_t *c)
{
    emk_u128 s = (emk_u128)a + b + *c;
    *c = (uint64_t)(s >> 64);
    return (uint64_t)s;
}
/* a - b - *w with the borrow (0 or 1) in and out. */
static inline uint64_t emk_subb64(uint64_t a, uint64_t b, uint64_t *w)
{
    emk_u128 d = (emk_u128)a - b - *w;
    *w = (uint64_t)(d >> 64) & 1;
    return (uint64_t)d;
}
#else
static inline uint64_t emk_mul64(uint64_t a, uint64_t b, uint64_t *hi)
{
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return (mid << 32) | (uint32_t)ll;
}
static inline uint64_t emk_addc64(uint64_t a, uint64_t b, uint64_t *c)
{
    uint64_t s = a + *c, c1 = s < a;
    s += b;
    *c = c1 | (s < b);
    return s;
}
static inline uint64_t emk_subb64(uint64_t a, uint64_t b, uint64_t *w)
{
    uint64_t d = a - b, w1 = a < b;
    uint64_t e = d - *w, w2 = d < *w;
    *w = w1 | w2;
    return e;
}
#endif

#define EMK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define EMK_CONTAINER_OF(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#endif
