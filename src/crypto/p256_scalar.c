/*
 * p256_scalar.c - arithmetic modulo the group order n of P-256.  Scalars
 * are plain (not Montgomery) limbs; a product takes two Montgomery
 * multiplications (a*b/R, then *R^2/R).  Constant time throughout.
 */
#include "p256_int.h"

#include <string.h>

const uint64_t emk_p256_n[4] = {0xf3b9cac2fc632551ull, 0xbce6faada7179e84ull,
                                0xffffffffffffffffull, 0xffffffff00000000ull};
static const uint64_t n0inv = 0xccd1c8aaee00bc4full; /* -n^-1 mod 2^64 */
static const uint64_t sc_r2[4] = {0x83244c95be79eea2ull, 0x4699799c49bd6fa6ull,
                                  0x2845b2392b6bec59ull, 0x66e12d94f3d95620ull};

void emk_p256_sc_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t t[4];
    emk_mont_mul(t, a, b, emk_p256_n, n0inv);
    emk_mont_mul(r, t, sc_r2, emk_p256_n, n0inv);
}

void emk_p256_sc_add(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    emk_add_mod(r, a, b, emk_p256_n);
}

void emk_p256_sc_inv(uint64_t r[4], const uint64_t a[4])
{
    static const uint64_t nm2[4] = {0xf3b9cac2fc63254full, 0xbce6faada7179e84ull,
                                    0xffffffffffffffffull, 0xffffffff00000000ull};
    static const uint64_t one[4] = {1, 0, 0, 0};
    uint64_t pw[16][4], acc[4];
    unsigned i, j;
    /* a^0 .. a^15 in Montgomery form, then a fixed 4-bit window over the
     * public exponent n - 2: 256 squarings and 64 multiplications */
    emk_mont_mul(pw[0], one, sc_r2, emk_p256_n, n0inv);
    emk_mont_mul(pw[1], a, sc_r2, emk_p256_n, n0inv);
    for (i = 2; i < 16; i++)
        emk_mont_mul(pw[i], pw[i - 1], pw[1], emk_p256_n, n0inv);
    memcpy(acc, pw[0], sizeof(acc));
    for (i = 64; i--;) {
        for (j = 0; j < 4; j++)
            emk_mont_mul(acc, acc, acc, emk_p256_n, n0inv);
        emk_mont_mul(acc, acc, pw[(nm2[i / 16] >> (4 * (i % 16))) & 15],
                     emk_p256_n, n0inv); /* public index */
    }
    emk_mont_mul(r, acc, one, emk_p256_n, n0inv);
    emk_ct_wipe(pw, sizeof(pw));
}

void emk_p256_sc_reduce(uint64_t r[4], const uint8_t in[32])
{
    uint64_t t[4];
    emk_limbs_from_be(t, in);
    emk_reduce_once(r, t, 0, emk_p256_n); /* in < 2^256 < 2n */
}

uint64_t emk_p256_sc_from_bytes(uint64_t r[4], const uint8_t in[32])
{
    emk_limbs_from_be(r, in);
    return emk_lt4(r, emk_p256_n) & ~emk_iszero4(r);
}
