/*
 * p256_field.c - arithmetic in GF(p), p = 2^256 - 2^224 + 2^192 + 2^96 - 1,
 * in Montgomery form with R = 2^256.  -p^-1 mod 2^64 is 1, so each CIOS
 * reduction step needs no extra multiply.  Exponents (inversion, square
 * root) are public constants: only their bits steer the loops.
 */
#include "p256_int.h"

const uint64_t emk_p256_p[4] = {0xffffffffffffffffull, 0x00000000ffffffffull,
                                0x0000000000000000ull, 0xffffffff00000001ull};
/* R mod p */
const uint64_t emk_p256_fe_one[4] = {0x0000000000000001ull, 0xffffffff00000000ull,
                                     0xffffffffffffffffull, 0x00000000fffffffeull};
/* b * R mod p */
const uint64_t emk_p256_fe_b[4] = {0xd89cdf6229c4bddfull, 0xacf005cd78843090ull,
                                   0xe5a220abf7212ed6ull, 0xdc30061d04874834ull};
/* R^2 mod p */
static const uint64_t fe_r2[4] = {0x0000000000000003ull, 0xfffffffbffffffffull,
                                  0xfffffffffffffffeull, 0x00000004fffffffdull};

/* Montgomery product for p: as emk_mont_mul, with p's limbs folded in.
 * q = t0 (since -p^-1 = 1), and t0 + q * (2^64 - 1) is q * 2^64, so the
 * low word vanishes with carry q; limb 2 of p is 0; two multiplies remain
 * per round instead of four. */
void emk_p256_fe_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    const uint64_t p1 = 0x00000000ffffffffull, p3 = 0xffffffff00000001ull;
    uint64_t t[6] = {0, 0, 0, 0, 0, 0}, c, q;
    unsigned i;
    for (i = 0; i < 4; i++) {
        emk_mont_row(t, a, b[i]);
        q = t[0];
        t[0] = emk_mac(t[1], q, p1, q, &c);
        t[1] = t[2] + c;
        c = t[1] < c;
        t[2] = emk_mac(t[3], q, p3, c, &c);
        t[3] = t[4] + c;
        t[4] = t[5] + (t[3] < c);
    }
    emk_reduce_once(r, t, t[4], emk_p256_p);
}

void emk_p256_fe_sqr(uint64_t r[4], const uint64_t a[4])
{
    emk_p256_fe_mul(r, a, a);
}

/* r = a^e for a public exponent e (big-endian limbs as in the arrays). */
static void fe_pow(uint64_t r[4], const uint64_t a[4], const uint64_t e[4])
{
    uint64_t acc[4] = {emk_p256_fe_one[0], emk_p256_fe_one[1],
                       emk_p256_fe_one[2], emk_p256_fe_one[3]};
    int i;
    for (i = 255; i >= 0; i--) {
        emk_p256_fe_sqr(acc, acc);
        if ((e[i / 64] >> (i % 64)) & 1) /* public exponent bit */
            emk_p256_fe_mul(acc, acc, a);
    }
    r[0] = acc[0];
    r[1] = acc[1];
    r[2] = acc[2];
    r[3] = acc[3];
}

/* r = a^(2^n) */
static void fe_sqr_n(uint64_t r[4], const uint64_t a[4], unsigned n)
{
    emk_p256_fe_sqr(r, a);
    while (--n)
        emk_p256_fe_sqr(r, r);
}

void emk_p256_fe_inv(uint64_t r[4], const uint64_t a[4])
{
    /* p - 2 is, from the top: 32 ones, 31 zeros, a one, 96 zeros, 94
     * ones, a zero, a one.  With xk = a^(2^k - 1) that is 277 squarings
     * and 13 multiplications (against 256 and 96 bit by bit). */
    uint64_t x2[4], x4[4], x6[4], x8[4], x14[4], x16[4], x30[4], x32[4], t[4];
    fe_sqr_n(t, a, 1);
    emk_p256_fe_mul(x2, t, a);
    fe_sqr_n(t, x2, 2);
    emk_p256_fe_mul(x4, t, x2);
    fe_sqr_n(t, x4, 2);
    emk_p256_fe_mul(x6, t, x2);
    fe_sqr_n(t, x4, 4);
    emk_p256_fe_mul(x8, t, x4);
    fe_sqr_n(t, x8, 6);
    emk_p256_fe_mul(x14, t, x6);
    fe_sqr_n(t, x8, 8);
    emk_p256_fe_mul(x16, t, x8);
    fe_sqr_n(t, x16, 14);
    emk_p256_fe_mul(x30, t, x14);
    fe_sqr_n(t, x16, 16);
    emk_p256_fe_mul(x32, t, x16);
    fe_sqr_n(t, x32, 32);
    emk_p256_fe_mul(t, t, a);    /* 32 ones, 31 zeros, 1 */
    fe_sqr_n(t, t, 128);
    emk_p256_fe_mul(t, t, x32);  /* 96 zeros, 32 ones */
    fe_sqr_n(t, t, 32);
    emk_p256_fe_mul(t, t, x32);  /* 64 ones */
    fe_sqr_n(t, t, 30);
    emk_p256_fe_mul(t, t, x30);  /* 94 ones */
    fe_sqr_n(t, t, 2);
    emk_p256_fe_mul(r, t, a);    /* 0, 1 */
}

uint64_t emk_p256_fe_sqrt(uint64_t r[4], const uint64_t a[4])
{
    /* p = 3 mod 4, so a^((p+1)/4) is a root of every square */
    static const uint64_t e[4] = {0x0000000000000000ull, 0x0000000040000000ull,
                                  0x4000000000000000ull, 0x3fffffffc0000000ull};
    uint64_t s[4], d[4];
    fe_pow(r, a, e);
    emk_p256_fe_sqr(s, r);
    emk_p256_fe_sub(d, s, a);
    return emk_iszero4(d);
}

uint64_t emk_p256_fe_from_bytes(uint64_t r[4], const uint8_t in[32])
{
    uint64_t t[4], ok;
    emk_limbs_from_be(t, in);
    ok = emk_lt4(t, emk_p256_p);
    emk_reduce_once(t, t, 0, emk_p256_p); /* keep the multiply's input < p */
    emk_p256_fe_mul(r, t, fe_r2);
    return ok;
}

void emk_p256_fe_to_bytes(uint8_t out[32], const uint64_t a[4])
{
    static const uint64_t one[4] = {1, 0, 0, 0};
    uint64_t t[4];
    emk_p256_fe_mul(t, a, one);
    emk_limbs_to_be(out, t);
}
