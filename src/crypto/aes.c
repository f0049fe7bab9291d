/*
 * aes.c - AES-256 (FIPS 197) and CBC without padding (SP 800-38A 6.2),
 * constant-time without tables: SubBytes computes x^254 in GF(2^8) on
 * eight bit planes (plane b holds bit b of all 16 state bytes), then the
 * affine map; no memory index and no branch depends on key or data.
 */
#include "emkit/crypto.h"

#include <string.h>

typedef struct planes {
    uint32_t b[8];
} planes;

static planes to_planes(const uint8_t s[16])
{
    planes p;
    unsigned i, j;
    for (i = 0; i < 8; i++) {
        uint32_t v = 0;
        for (j = 0; j < 16; j++)
            v |= (uint32_t)((s[j] >> i) & 1) << j;
        p.b[i] = v;
    }
    return p;
}

static void from_planes(const planes *p, uint8_t s[16])
{
    unsigned i, j;
    for (j = 0; j < 16; j++) {
        uint32_t v = 0;
        for (i = 0; i < 8; i++)
            v |= ((p->b[i] >> j) & 1) << i;
        s[j] = (uint8_t)v;
    }
}

/* Product in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1, on planes. */
static planes gf_mul(const planes *a, const planes *b)
{
    uint32_t t[15];
    planes r;
    int i, j;
    memset(t, 0, sizeof(t));
    for (i = 0; i < 8; i++)
        for (j = 0; j < 8; j++)
            t[i + j] ^= a->b[i] & b->b[j];
    for (i = 14; i >= 8; i--) {
        t[i - 8] ^= t[i];
        t[i - 7] ^= t[i];
        t[i - 5] ^= t[i];
        t[i - 4] ^= t[i];
    }
    memcpy(r.b, t, sizeof(r.b));
    return r;
}

static planes gf_sqr_n(planes a, int n)
{
    while (n--)
        a = gf_mul(&a, &a);
    return a;
}

/* x^254 = x^-1 (and 0 for 0): x^3, x^15, x^240 * x^12, times x^2. */
static planes gf_inv(const planes *x)
{
    planes x2 = gf_sqr_n(*x, 1);
    planes x3 = gf_mul(&x2, x);
    planes x12 = gf_sqr_n(x3, 2);
    planes x15 = gf_mul(&x12, &x3);
    planes x240 = gf_sqr_n(x15, 4);
    planes x252 = gf_mul(&x240, &x12);
    return gf_mul(&x252, &x2);
}

static void sub_bytes(uint8_t s[16])
{
    planes p = to_planes(s), q;
    unsigned i;
    p = gf_inv(&p);
    for (i = 0; i < 8; i++)
        q.b[i] = p.b[i] ^ p.b[(i + 4) & 7] ^ p.b[(i + 5) & 7] ^
                 p.b[(i + 6) & 7] ^ p.b[(i + 7) & 7] ^
                 (((0x63u >> i) & 1) ? 0xffffu : 0);
    from_planes(&q, s);
}

static void inv_sub_bytes(uint8_t s[16])
{
    planes p = to_planes(s), q;
    unsigned i;
    for (i = 0; i < 8; i++)
        q.b[i] = p.b[(i + 2) & 7] ^ p.b[(i + 5) & 7] ^ p.b[(i + 7) & 7] ^
                 (((0x05u >> i) & 1) ? 0xffffu : 0);
    q = gf_inv(&q);
    from_planes(&q, s);
}

static uint8_t xtime(uint8_t x)
{
    return (uint8_t)((x << 1) ^ (0x1b & (0u - (unsigned)(x >> 7))));
}

/* State byte index r + 4c (FIPS 197 3.4); row r rotates left by r. */
static void shift_rows(uint8_t s[16], int inverse)
{
    uint8_t t[16];
    unsigned r, c;
    for (r = 0; r < 4; r++)
        for (c = 0; c < 4; c++) {
            unsigned from = inverse ? (c + 4 - r) & 3 : (c + r) & 3;
            t[r + 4 * c] = s[r + 4 * from];
        }
    memcpy(s, t, 16);
}

static void mix_columns(uint8_t s[16])
{
    unsigned c;
    for (c = 0; c < 4; c++) {
        uint8_t *a = s + 4 * c;
        uint8_t all = a[0] ^ a[1] ^ a[2] ^ a[3], a0 = a[0];
        a[0] ^= all ^ xtime(a[0] ^ a[1]);
        a[1] ^= all ^ xtime(a[1] ^ a[2]);
        a[2] ^= all ^ xtime(a[2] ^ a[3]);
        a[3] ^= all ^ xtime(a[3] ^ a0);
    }
}

static void inv_mix_columns(uint8_t s[16])
{
    unsigned c;
    /* {0e,0b,0d,09} = {02,03,01,01} * {05,00,04,00}: premultiply, then mix */
    for (c = 0; c < 4; c++) {
        uint8_t *a = s + 4 * c;
        uint8_t u = xtime(xtime(a[0] ^ a[2])), v = xtime(xtime(a[1] ^ a[3]));
        a[0] ^= u;
        a[1] ^= v;
        a[2] ^= u;
        a[3] ^= v;
    }
    mix_columns(s);
}

static void add_key(uint8_t s[16], const uint8_t k[16])
{
    unsigned i;
    for (i = 0; i < 16; i++)
        s[i] ^= k[i];
}

void emk_aes256_init(emk_aes256_ctx *a, const uint8_t key[32])
{
    uint8_t *w = &a->rk[0][0], rcon = 1;
    unsigned i;

    memcpy(w, key, 32);
    for (i = 8; i < 60; i++) {
        uint8_t t[16];
        memset(t, 0, sizeof(t));
        memcpy(t, w + 4 * (i - 1), 4);
        if (i % 8 == 0) {
            uint8_t x = t[0];
            t[0] = t[1];
            t[1] = t[2];
            t[2] = t[3];
            t[3] = x;
            sub_bytes(t);
            t[0] ^= rcon;
            rcon = xtime(rcon);
        } else if (i % 8 == 4) {
            sub_bytes(t);
        }
        w[4 * i] = w[4 * (i - 8)] ^ t[0];
        w[4 * i + 1] = w[4 * (i - 8) + 1] ^ t[1];
        w[4 * i + 2] = w[4 * (i - 8) + 2] ^ t[2];
        w[4 * i + 3] = w[4 * (i - 8) + 3] ^ t[3];
        emk_ct_wipe(t, sizeof(t));
    }
}

void emk_aes256_cleanup(emk_aes256_ctx *a)
{
    emk_ct_wipe(a, sizeof(*a));
}

void emk_aes256_encrypt(const emk_aes256_ctx *a, const uint8_t in[16],
                        uint8_t out[16])
{
    uint8_t s[16];
    unsigned r;
    memcpy(s, in, 16);
    add_key(s, a->rk[0]);
    for (r = 1; r <= 14; r++) {
        sub_bytes(s);
        shift_rows(s, 0);
        if (r != 14)
            mix_columns(s);
        add_key(s, a->rk[r]);
    }
    memcpy(out, s, 16);
    emk_ct_wipe(s, sizeof(s));
}

void emk_aes256_decrypt(const emk_aes256_ctx *a, const uint8_t in[16],
                        uint8_t out[16])
{
    uint8_t s[16];
    unsigned r;
    memcpy(s, in, 16);
    add_key(s, a->rk[14]);
    for (r = 13;; r--) {
        shift_rows(s, 1);
        inv_sub_bytes(s);
        add_key(s, a->rk[r]);
        if (r == 0)
            break;
        inv_mix_columns(s);
    }
    memcpy(out, s, 16);
    emk_ct_wipe(s, sizeof(s));
}

int emk_aes256_cbc_encrypt(const emk_aes256_ctx *a, uint8_t iv[16],
                           const void *in, void *out, size_t len)
{
    const uint8_t *p = in;
    uint8_t *q = out;

    if (len % EMK_AES_BLOCK)
        return -EINVAL;
    for (; len; len -= 16, p += 16, q += 16) {
        uint8_t b[16];
        unsigned i;
        for (i = 0; i < 16; i++)
            b[i] = p[i] ^ iv[i];
        emk_aes256_encrypt(a, b, iv);
        memcpy(q, iv, 16);
    }
    return 0;
}

int emk_aes256_cbc_decrypt(const emk_aes256_ctx *a, uint8_t iv[16],
                           const void *in, void *out, size_t len)
{
    const uint8_t *p = in;
    uint8_t *q = out;

    if (len % EMK_AES_BLOCK)
        return -EINVAL;
    for (; len; len -= 16, p += 16, q += 16) {
        uint8_t c[16], b[16];
        unsigned i;
        memcpy(c, p, 16);
        emk_aes256_decrypt(a, c, b);
        for (i = 0; i < 16; i++)
            q[i] = b[i] ^ iv[i];
        memcpy(iv, c, 16);
    }
    return 0;
}
