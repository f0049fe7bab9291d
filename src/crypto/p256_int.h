/*
 * p256_int.h - private arithmetic of the P-256 files: 256-bit integers as
 * four 64-bit limbs, least significant first.  Field elements (mod p) are
 * kept in Montgomery form (a * 2^256 mod p), always fully reduced;
 * scalars (mod n) in plain form.  Every function here runs in time
 * independent of its operands: selects are masks, never branches.
 */
#ifndef EMK_P256_INT_H
#define EMK_P256_INT_H

#include "emkit/p256.h"
#include "compat.h"

/* ---- limb helpers (shared by the field and the scalar code) ---- */

/* a + b + *c, carry out in *c (0 or 1); a - b - *w, borrow out in *w. */
static inline uint64_t emk_adc(uint64_t a, uint64_t b, uint64_t *c)
{
    return emk_addc64(a, b, c);
}
static inline uint64_t emk_sbb(uint64_t a, uint64_t b, uint64_t *w)
{
    return emk_subb64(a, b, w);
}

/* lo of a + b*c + d, hi in *hi (cannot overflow 128 bits). */
static inline uint64_t emk_mac(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                               uint64_t *hi)
{
    uint64_t h, l = emk_mul64(b, c, &h);
    l += a;
    h += l < a;
    l += d;
    h += l < d;
    *hi = h;
    return l;
}

/* r = mask ? a : r, mask all-ones or zero. */
static inline void emk_cmov4(uint64_t r[4], const uint64_t a[4], uint64_t mask)
{
    unsigned i;
    for (i = 0; i < 4; i++)
        r[i] ^= (r[i] ^ a[i]) & mask;
}

/* All-ones when a is zero, else zero. */
static inline uint64_t emk_iszero4(const uint64_t a[4])
{
    uint64_t t = a[0] | a[1] | a[2] | a[3];
    return ((t | (0 - t)) >> 63) - 1;
}

/* r = a - m when a (with carry-in limb hi) is >= m, else a. */
static inline void emk_reduce_once(uint64_t r[4], const uint64_t a[4],
                                   uint64_t hi, const uint64_t m[4])
{
    uint64_t d[4], w = 0, keep;
    unsigned i;
    for (i = 0; i < 4; i++)
        d[i] = emk_sbb(a[i], m[i], &w);
    /* a < m exactly when the subtraction borrowed past the carry limb */
    (void)emk_sbb(hi, 0, &w);
    keep = 0 - w;
    for (i = 0; i < 4; i++)
        r[i] = (a[i] & keep) | (d[i] & ~keep);
}

/* r = a + b mod m, for a, b < m. */
static inline void emk_add_mod(uint64_t r[4], const uint64_t a[4],
                               const uint64_t b[4], const uint64_t m[4])
{
    uint64_t s[4], c = 0;
    unsigned i;
    for (i = 0; i < 4; i++)
        s[i] = emk_adc(a[i], b[i], &c);
    emk_reduce_once(r, s, c, m);
}

/* One CIOS row: t[0..5] += a * bi, with t[4] the top limb and t[5] its
 * carry. */
static inline void emk_mont_row(uint64_t t[6], const uint64_t a[4], uint64_t bi)
{
    uint64_t c;
    t[0] = emk_mac(t[0], a[0], bi, 0, &c);
    t[1] = emk_mac(t[1], a[1], bi, c, &c);
    t[2] = emk_mac(t[2], a[2], bi, c, &c);
    t[3] = emk_mac(t[3], a[3], bi, c, &c);
    t[4] += c;
    t[5] = t[4] < c;
}

/* Montgomery product a * b / 2^256 mod m (CIOS), for a, b < m. */
static inline void emk_mont_mul(uint64_t r[4], const uint64_t a[4],
                                const uint64_t b[4], const uint64_t m[4],
                                uint64_t m0inv)
{
    uint64_t t[6] = {0, 0, 0, 0, 0, 0}, c, q;
    unsigned i;
    for (i = 0; i < 4; i++) {
        emk_mont_row(t, a, b[i]);
        q = t[0] * m0inv;
        (void)emk_mac(t[0], q, m[0], 0, &c);
        t[0] = emk_mac(t[1], q, m[1], c, &c);
        t[1] = emk_mac(t[2], q, m[2], c, &c);
        t[2] = emk_mac(t[3], q, m[3], c, &c);
        t[3] = t[4] + c;
        t[4] = t[5] + (t[3] < c);
    }
    emk_reduce_once(r, t, t[4], m);
}

/* Big-endian bytes <-> limbs. */
static inline void emk_limbs_from_be(uint64_t r[4], const uint8_t b[32])
{
    unsigned i;
    for (i = 0; i < 4; i++)
        r[i] = emk_be64(b + 8 * (3 - i));
}
static inline void emk_limbs_to_be(uint8_t b[32], const uint64_t a[4])
{
    unsigned i;
    for (i = 0; i < 4; i++)
        emk_st_be64(b + 8 * (3 - i), a[i]);
}

/* All-ones when a < m (as integers), else zero. */
static inline uint64_t emk_lt4(const uint64_t a[4], const uint64_t m[4])
{
    uint64_t w = 0;
    unsigned i;
    for (i = 0; i < 4; i++)
        (void)emk_sbb(a[i], m[i], &w);
    return 0 - w;
}

/* ---- the field GF(p), Montgomery form (p256_field.c) ---- */

extern const uint64_t emk_p256_p[4];
extern const uint64_t emk_p256_fe_one[4];  /* 1 in Montgomery form */
extern const uint64_t emk_p256_fe_b[4];    /* the curve's b */

void emk_p256_fe_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]);
void emk_p256_fe_sqr(uint64_t r[4], const uint64_t a[4]);

/* Addition and subtraction are inline: the point formulas are mostly
 * made of them, and a call costs as much as the work. */
static inline void emk_p256_fe_add(uint64_t r[4], const uint64_t a[4],
                                   const uint64_t b[4])
{
    emk_add_mod(r, a, b, emk_p256_p);
}

static inline void emk_p256_fe_sub(uint64_t r[4], const uint64_t a[4],
                                   const uint64_t b[4])
{
    uint64_t d[4], w = 0, c = 0, mask;
    unsigned i;
    for (i = 0; i < 4; i++)
        d[i] = emk_sbb(a[i], b[i], &w);
    mask = 0 - w; /* add p back when a < b */
    for (i = 0; i < 4; i++)
        r[i] = emk_adc(d[i], emk_p256_p[i] & mask, &c);
}
/** r = a^-1 (0 for 0), by Fermat: a^(p-2). */
void emk_p256_fe_inv(uint64_t r[4], const uint64_t a[4]);
/** Loads 32 big-endian bytes into Montgomery form; returns all-ones when
 *  the value was below p, else zero (then r is meaningless). */
uint64_t emk_p256_fe_from_bytes(uint64_t r[4], const uint8_t in[32]);
/** Stores a (Montgomery form) as 32 big-endian bytes. */
void emk_p256_fe_to_bytes(uint8_t out[32], const uint64_t a[4]);
/** r = a^((p+1)/4); all-ones when r^2 == a (a square), else zero. */
uint64_t emk_p256_fe_sqrt(uint64_t r[4], const uint64_t a[4]);

/* ---- scalars mod n, plain form (p256_scalar.c) ---- */

extern const uint64_t emk_p256_n[4];

/** r = a * b mod n. */
void emk_p256_sc_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]);
/** r = a + b mod n. */
void emk_p256_sc_add(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]);
/** r = a^-1 mod n, by Fermat: a^(n-2). */
void emk_p256_sc_inv(uint64_t r[4], const uint64_t a[4]);
/** r = the 32 big-endian bytes mod n (any 256-bit value; one subtraction). */
void emk_p256_sc_reduce(uint64_t r[4], const uint8_t in[32]);
/** Loads a scalar; all-ones when 1 <= value < n, else zero. */
uint64_t emk_p256_sc_from_bytes(uint64_t r[4], const uint8_t in[32]);

/* ---- points, projective (X:Y:Z) in Montgomery form (p256_point.c) ---- */

typedef struct emk_p256_pt {
    uint64_t x[4], y[4], z[4];
} emk_p256_pt;

/** The point at infinity (0:1:0). */
void emk_p256_pt_inf(emk_p256_pt *r);
/** r = p + q, complete (any inputs, including equal and infinity). */
void emk_p256_pt_add(emk_p256_pt *r, const emk_p256_pt *p, const emk_p256_pt *q);
/** r = 2p, complete. */
void emk_p256_pt_dbl(emk_p256_pt *r, const emk_p256_pt *p);
/** r = k * p for 0 <= k < 2^256; fixed window, constant time. */
void emk_p256_pt_mul(emk_p256_pt *r, const emk_p256_pt *p, const uint64_t k[4]);
/** r = k * G with the precomputed table; constant time. */
void emk_p256_pt_mul_base(emk_p256_pt *r, const uint64_t k[4]);
/** Affine coordinates (Montgomery form); all-ones unless p is infinity. */
uint64_t emk_p256_pt_affine(uint64_t x[4], uint64_t y[4], const emk_p256_pt *p);
/** Loads a validated public key as a point with Z = 1. */
void emk_p256_pt_from_pub(emk_p256_pt *r, const emk_p256_pub *pub);

#endif
