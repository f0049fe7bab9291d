/*
 * crypto.c - the primitives LUKS needs, written from the specifications:
 * SHA-256 (FIPS 180-4), HMAC (RFC 2104), PBKDF2 (RFC 8018), AES-128/256
 * (FIPS 197, S-box computed from GF(2^8) inverses) and XTS (IEEE 1619).
 * Plain and small rather than fast; used only for encrypted images.
 */
#include "img_crypto.h"

#include <string.h>

/* ---------------------------------------------------------------- SHA-256 */
static const uint32_t K256[64] = {
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

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
    int i;
    for (i = 0; i < 16; i++)
        w[i] = ((uint32_t)p[4 * i] << 24) | ((uint32_t)p[4 * i + 1] << 16) |
               ((uint32_t)p[4 * i + 2] << 8) | p[4 * i + 3];
    for (i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = h[0]; b = h[1]; c = h[2]; d = h[3];
    e = h[4]; f = h[5]; g = h[6]; k = h[7];
    for (i = 0; i < 64; i++) {
        t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) +
             K256[i] + w[i];
        t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

void emk_sha256_init(emk_sha256 *s)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
        0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, iv, sizeof(iv));
    s->len = 0;
    s->n = 0;
}

void emk_sha256_update(emk_sha256 *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    s->len += len;
    while (len) {
        size_t k = 64 - s->n < len ? 64 - s->n : len;
        memcpy(s->buf + s->n, p, k);
        s->n += k;
        p += k;
        len -= k;
        if (s->n == 64) {
            sha256_block(s->h, s->buf);
            s->n = 0;
        }
    }
}

void emk_sha256_final(emk_sha256 *s, uint8_t out[32])
{
    uint64_t bits = s->len * 8;
    int i;
    s->buf[s->n++] = 0x80;
    if (s->n > 56) {
        memset(s->buf + s->n, 0, 64 - s->n);
        sha256_block(s->h, s->buf);
        s->n = 0;
    }
    memset(s->buf + s->n, 0, 56 - s->n);
    for (i = 0; i < 8; i++)
        s->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_block(s->h, s->buf);
    for (i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(s->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s->h[i];
    }
}

/* ---------------------------------------------------------------- PBKDF2 */
typedef struct hmac {
    emk_sha256 inner, outer;
} hmac;

static void hmac_init(hmac *m, const uint8_t *key, size_t klen)
{
    uint8_t k[64], ip[64], op[64];
    int i;
    memset(k, 0, sizeof(k));
    if (klen > 64) {
        emk_sha256 s;
        emk_sha256_init(&s);
        emk_sha256_update(&s, key, klen);
        emk_sha256_final(&s, k);
    } else {
        memcpy(k, key, klen);
    }
    for (i = 0; i < 64; i++) {
        ip[i] = k[i] ^ 0x36;
        op[i] = k[i] ^ 0x5c;
    }
    emk_sha256_init(&m->inner);
    emk_sha256_update(&m->inner, ip, 64);
    emk_sha256_init(&m->outer);
    emk_sha256_update(&m->outer, op, 64);
}

static void hmac_run(const hmac *m, const uint8_t *msg, size_t len,
                     uint8_t out[32])
{
    emk_sha256 s = m->inner;
    uint8_t t[32];
    emk_sha256_update(&s, msg, len);
    emk_sha256_final(&s, t);
    s = m->outer;
    emk_sha256_update(&s, t, 32);
    emk_sha256_final(&s, out);
}

void emk_pbkdf2_sha256(const uint8_t *pw, size_t pwlen, const uint8_t *salt,
                       size_t slen, uint32_t iters, uint8_t *out, size_t olen)
{
    hmac m;
    uint32_t blk = 1, it;
    hmac_init(&m, pw, pwlen);
    while (olen) {
        uint8_t msg[256 + 4], u[32], t[32];
        size_t k = olen < 32 ? olen : 32, j;
        if (slen > 256)
            slen = 256;
        memcpy(msg, salt, slen);
        msg[slen] = (uint8_t)(blk >> 24);
        msg[slen + 1] = (uint8_t)(blk >> 16);
        msg[slen + 2] = (uint8_t)(blk >> 8);
        msg[slen + 3] = (uint8_t)blk;
        hmac_run(&m, msg, slen + 4, u);
        memcpy(t, u, 32);
        for (it = 1; it < iters; it++) {
            hmac_run(&m, u, 32, u);
            for (j = 0; j < 32; j++)
                t[j] ^= u[j];
        }
        memcpy(out, t, k);
        out += k;
        olen -= k;
        blk++;
    }
}

/* ---------------------------------------------------------------- AES */
static uint8_t sbox[256], inv_sbox[256];
static int aes_ready;

static uint8_t xtime(uint8_t x)
{
    return (uint8_t)((x << 1) ^ ((x & 0x80) ? 0x1b : 0));
}

static uint8_t gmul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    while (b) {
        if (b & 1)
            r ^= a;
        a = xtime(a);
        b >>= 1;
    }
    return r;
}

static void aes_tables(void)
{
    int i;
    if (aes_ready)
        return;
    for (i = 0; i < 256; i++) {
        uint8_t inv = 0, x, s;
        int j;
        if (i) {
            for (j = 1; j < 256; j++)
                if (gmul((uint8_t)i, (uint8_t)j) == 1) {
                    inv = (uint8_t)j;
                    break;
                }
        }
        x = inv;
        s = (uint8_t)(x ^ ((x << 1) | (x >> 7)) ^ ((x << 2) | (x >> 6)) ^
                      ((x << 3) | (x >> 5)) ^ ((x << 4) | (x >> 4)) ^ 0x63);
        sbox[i] = s;
        inv_sbox[s] = (uint8_t)i;
    }
    aes_ready = 1;
}

int emk_aes_setkey(emk_aes *a, const uint8_t *key, size_t klen)
{
    int nk = (int)(klen / 4), i, total;
    uint8_t rcon = 1;
    if (klen != 16 && klen != 32)
        return -1;
    aes_tables();
    a->rounds = nk + 6;
    total = 4 * (a->rounds + 1);
    memcpy(a->rk, key, klen);
    for (i = nk; i < total; i++) {
        uint8_t t[4];
        memcpy(t, a->rk + 4 * (i - 1), 4);
        if (i % nk == 0) {
            uint8_t u = t[0];
            t[0] = (uint8_t)(sbox[t[1]] ^ rcon);
            t[1] = sbox[t[2]];
            t[2] = sbox[t[3]];
            t[3] = sbox[u];
            rcon = xtime(rcon);
        } else if (nk > 6 && i % nk == 4) {
            int k;
            for (k = 0; k < 4; k++)
                t[k] = sbox[t[k]];
        }
        {
            int k;
            for (k = 0; k < 4; k++)
                a->rk[4 * i + k] = (uint8_t)(a->rk[4 * (i - nk) + k] ^ t[k]);
        }
    }
    return 0;
}

static void add_key(uint8_t s[16], const uint8_t *k)
{
    int i;
    for (i = 0; i < 16; i++)
        s[i] ^= k[i];
}

void emk_aes_encrypt(const emk_aes *a, const uint8_t in[16], uint8_t out[16])
{
    uint8_t s[16], t[16];
    int r, i, c;
    memcpy(s, in, 16);
    add_key(s, a->rk);
    for (r = 1; r <= a->rounds; r++) {
        for (i = 0; i < 16; i++)
            s[i] = sbox[s[i]];
        for (c = 0; c < 4; c++)           /* ShiftRows: row i left by i */
            for (i = 0; i < 4; i++)
                t[4 * c + i] = s[4 * ((c + i) & 3) + i];
        if (r != a->rounds) {
            for (c = 0; c < 4; c++) {
                uint8_t *p = t + 4 * c, a0 = p[0], a1 = p[1], a2 = p[2],
                        a3 = p[3];
                p[0] = (uint8_t)(xtime(a0) ^ xtime(a1) ^ a1 ^ a2 ^ a3);
                p[1] = (uint8_t)(a0 ^ xtime(a1) ^ xtime(a2) ^ a2 ^ a3);
                p[2] = (uint8_t)(a0 ^ a1 ^ xtime(a2) ^ xtime(a3) ^ a3);
                p[3] = (uint8_t)(xtime(a0) ^ a0 ^ a1 ^ a2 ^ xtime(a3));
            }
        }
        memcpy(s, t, 16);
        add_key(s, a->rk + 16 * r);
    }
    memcpy(out, s, 16);
}

void emk_aes_decrypt(const emk_aes *a, const uint8_t in[16], uint8_t out[16])
{
    uint8_t s[16], t[16];
    int r, i, c;
    memcpy(s, in, 16);
    add_key(s, a->rk + 16 * a->rounds);
    for (r = a->rounds - 1; r >= 0; r--) {
        for (c = 0; c < 4; c++)           /* InvShiftRows */
            for (i = 0; i < 4; i++)
                t[4 * ((c + i) & 3) + i] = s[4 * c + i];
        for (i = 0; i < 16; i++)
            t[i] = inv_sbox[t[i]];
        add_key(t, a->rk + 16 * r);
        if (r) {
            for (c = 0; c < 4; c++) {
                uint8_t *p = t + 4 * c, a0 = p[0], a1 = p[1], a2 = p[2],
                        a3 = p[3];
                p[0] = (uint8_t)(gmul(a0, 14) ^ gmul(a1, 11) ^ gmul(a2, 13) ^
                                 gmul(a3, 9));
                p[1] = (uint8_t)(gmul(a0, 9) ^ gmul(a1, 14) ^ gmul(a2, 11) ^
                                 gmul(a3, 13));
                p[2] = (uint8_t)(gmul(a0, 13) ^ gmul(a1, 9) ^ gmul(a2, 14) ^
                                 gmul(a3, 11));
                p[3] = (uint8_t)(gmul(a0, 11) ^ gmul(a1, 13) ^ gmul(a2, 9) ^
                                 gmul(a3, 14));
            }
        }
        memcpy(s, t, 16);
    }
    memcpy(out, s, 16);
}

/* ---------------------------------------------------------------- XTS */
static void xts_mul_alpha(uint8_t t[16])
{
    int i, carry = 0;
    for (i = 0; i < 16; i++) {
        int c = t[i] >> 7;
        t[i] = (uint8_t)((t[i] << 1) | carry);
        carry = c;
    }
    if (carry)
        t[0] ^= 0x87;
}

void emk_xts_sector(const emk_aes *k1, const emk_aes *k2, uint64_t sector,
                    const uint8_t *in, uint8_t *out, size_t len, int decrypt)
{
    uint8_t t[16], b[16];
    size_t off;
    int i;
    memset(t, 0, sizeof(t));
    for (i = 0; i < 8; i++)
        t[i] = (uint8_t)(sector >> (8 * i));      /* plain64 IV */
    emk_aes_encrypt(k2, t, t);
    for (off = 0; off + 16 <= len; off += 16) {
        for (i = 0; i < 16; i++)
            b[i] = (uint8_t)((in ? in[off + i] : 0) ^ t[i]);
        if (decrypt)
            emk_aes_decrypt(k1, b, b);
        else
            emk_aes_encrypt(k1, b, b);
        for (i = 0; i < 16; i++)
            out[off + i] = (uint8_t)(b[i] ^ t[i]);
        xts_mul_alpha(t);
    }
}
