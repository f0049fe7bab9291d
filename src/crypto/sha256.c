/*
 * sha256.c - SHA-256 (FIPS 180-4 section 6.2).
 */
#include "emkit/crypto.h"

#include <string.h>

/* The first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes (FIPS 180-4 4.2.2). */
static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

/* One round with the working variables named by the caller's rotation. */
#define ROUND(a, b, c, d, e, f, g, h, t)                                     \
    do {                                                                     \
        uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +         \
                      ((e & f) ^ (~e & g)) + sha256_k[t] + w[t];             \
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) +             \
                      ((a & b) ^ (a & c) ^ (b & c));                         \
        d += t1;                                                             \
        h = t1 + t2;                                                         \
    } while (0)

static void compress(uint32_t st[8], const uint8_t blk[64])
{
    uint32_t w[64], a, b, c, d, e, f, g, h;
    unsigned t;

    for (t = 0; t < 16; t++)
        w[t] = (uint32_t)blk[4 * t] << 24 | (uint32_t)blk[4 * t + 1] << 16 |
               (uint32_t)blk[4 * t + 2] << 8 | (uint32_t)blk[4 * t + 3];
    for (t = 16; t < 64; t++) {
        uint32_t x = w[t - 15], y = w[t - 2];
        uint32_t s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3);
        uint32_t s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >> 10);
        w[t] = s1 + w[t - 7] + s0 + w[t - 16];
    }
    a = st[0], b = st[1], c = st[2], d = st[3];
    e = st[4], f = st[5], g = st[6], h = st[7];
    /* eight rounds per pass, the names rotating instead of the values */
    for (t = 0; t < 64; t += 8) {
        ROUND(a, b, c, d, e, f, g, h, t);
        ROUND(h, a, b, c, d, e, f, g, t + 1);
        ROUND(g, h, a, b, c, d, e, f, t + 2);
        ROUND(f, g, h, a, b, c, d, e, t + 3);
        ROUND(e, f, g, h, a, b, c, d, t + 4);
        ROUND(d, e, f, g, h, a, b, c, t + 5);
        ROUND(c, d, e, f, g, h, a, b, t + 6);
        ROUND(b, c, d, e, f, g, h, a, t + 7);
    }
    st[0] += a, st[1] += b, st[2] += c, st[3] += d;
    st[4] += e, st[5] += f, st[6] += g, st[7] += h;
}

void emk_sha256_init(emk_sha256_ctx *s)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                   0xa54ff53a, 0x510e527f, 0x9b05688c,
                                   0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, iv, sizeof(iv));
    s->len = 0;
    s->n = 0;
}

void emk_sha256_update(emk_sha256_ctx *s, const void *data, size_t len)
{
    const uint8_t *p = data;

    if (!len)
        return;
    s->len += len;
    if (s->n) {
        size_t k = EMK_SHA256_BLOCK - s->n;
        if (k > len)
            k = len;
        memcpy(s->buf + s->n, p, k);
        s->n += k;
        p += k;
        len -= k;
        if (s->n < EMK_SHA256_BLOCK)
            return;
        compress(s->h, s->buf);
        s->n = 0;
    }
    for (; len >= EMK_SHA256_BLOCK; p += EMK_SHA256_BLOCK, len -= EMK_SHA256_BLOCK)
        compress(s->h, p);
    if (len)
        memcpy(s->buf, p, len);
    s->n = len;
}

void emk_sha256_final(emk_sha256_ctx *s, uint8_t out[32])
{
    uint64_t bits = s->len << 3;
    unsigned i;

    s->buf[s->n++] = 0x80;
    if (s->n > 56) {
        memset(s->buf + s->n, 0, EMK_SHA256_BLOCK - s->n);
        compress(s->h, s->buf);
        s->n = 0;
    }
    memset(s->buf + s->n, 0, 56 - s->n);
    for (i = 0; i < 8; i++)
        s->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    compress(s->h, s->buf);
    for (i = 0; i < 32; i++)
        out[i] = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));
    emk_ct_wipe(s, sizeof(*s));
}

void emk_sha256(const void *data, size_t len, uint8_t out[32])
{
    emk_sha256_ctx s;
    emk_sha256_init(&s);
    emk_sha256_update(&s, data, len);
    emk_sha256_final(&s, out);
}
