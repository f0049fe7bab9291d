/*
 * crypto.c - the primitives LUKS needs, written from the specifications:
 * PBKDF2 (RFC 8018) over src/crypto's HMAC-SHA-256, AES-128/256
 * (FIPS 197, S-box computed from GF(2^8) inverses) and XTS (IEEE 1619).
 * Plain and small rather than fast; used only for encrypted images.
 */
#include "img_crypto.h"

#include <string.h>

/* ---------------------------------------------------------------- PBKDF2 */
static void hmac_run(const emk_hmac_sha256_ctx *m, const uint8_t *msg,
                     size_t len, uint8_t out[32])
{
    emk_hmac_sha256_ctx s = *m; /* the keyed state, reused per block */
    emk_hmac_sha256_update(&s, msg, len);
    emk_hmac_sha256_final(&s, out);
}

void emk_pbkdf2_sha256(const uint8_t *pw, size_t pwlen, const uint8_t *salt,
                       size_t slen, uint32_t iters, uint8_t *out, size_t olen)
{
    emk_hmac_sha256_ctx m;
    uint32_t blk = 1, it;
    emk_hmac_sha256_init(&m, pw, pwlen);
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
