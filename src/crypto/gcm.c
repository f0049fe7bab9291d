/*
 * gcm.c - AES-256-GCM (SP 800-38D).  GHASH multiplies bit by bit with
 * masks (algorithm 1 of the spec, no tables), so its time does not depend
 * on the hash key or the data.
 */
#include "crypto_int.h"

#include <string.h>

#include "compat.h"

/* y = (y ^ blk) * h in GF(2^128), the bit order of SP 800-38D 6.3. */
static void ghash_block(emk_gcm_ctx *g, const uint8_t blk[16])
{
    uint64_t x0 = g->y[0] ^ emk_be64(blk), x1 = g->y[1] ^ emk_be64(blk + 8);
    uint64_t v0 = g->h[0], v1 = g->h[1], z0 = 0, z1 = 0;
    unsigned i;

    for (i = 0; i < 128; i++) {
        uint64_t xb = i < 64 ? x0 >> (63 - i) : x1 >> (127 - i);
        uint64_t m = 0 - (xb & 1), r = 0 - (v1 & 1);
        z0 ^= v0 & m;
        z1 ^= v1 & m;
        v1 = (v1 >> 1) | (v0 << 63);
        v0 = (v0 >> 1) ^ (0xe100000000000000ull & r);
    }
    g->y[0] = z0;
    g->y[1] = z1;
}

static void ghash_bytes(emk_gcm_ctx *g, const uint8_t *p, size_t len)
{
    if (g->part_n) {
        size_t k = 16 - g->part_n < len ? 16 - g->part_n : len;
        memcpy(g->part + g->part_n, p, k);
        g->part_n += k;
        p += k;
        len -= k;
        if (g->part_n < 16)
            return;
        ghash_block(g, g->part);
        g->part_n = 0;
    }
    for (; len >= 16; p += 16, len -= 16)
        ghash_block(g, p);
    if (len) {
        memcpy(g->part, p, len);
        g->part_n = len;
    }
}

/* Zero-pads the partial block into the hash. */
static void ghash_flush(emk_gcm_ctx *g)
{
    if (g->part_n) {
        memset(g->part + g->part_n, 0, 16 - g->part_n);
        ghash_block(g, g->part);
        g->part_n = 0;
    }
}

static void inc32(uint8_t c[16])
{
    uint32_t v = (uint32_t)c[12] << 24 | (uint32_t)c[13] << 16 |
                 (uint32_t)c[14] << 8 | c[15];
    v++;
    c[12] = (uint8_t)(v >> 24);
    c[13] = (uint8_t)(v >> 16);
    c[14] = (uint8_t)(v >> 8);
    c[15] = (uint8_t)v;
}

static void ctr_bytes(emk_gcm_ctx *g, const uint8_t *in, uint8_t *out, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        if (g->ks_used == 16) {
            inc32(g->ctr);
            emk_aes256_encrypt(&g->aes, g->ctr, g->ks);
            g->ks_used = 0;
        }
        out[i] = in[i] ^ g->ks[g->ks_used++];
    }
}

void emk_gcm_init(emk_gcm_ctx *g, const uint8_t key[32])
{
    uint8_t h[16];
    memset(g, 0, sizeof(*g));
    emk_aes256_init(&g->aes, key);
    memset(h, 0, sizeof(h));
    emk_aes256_encrypt(&g->aes, h, h);
    g->h[0] = emk_be64(h);
    g->h[1] = emk_be64(h + 8);
    emk_ct_wipe(h, sizeof(h));
    g->state = EMK_GCM_DONE;
    g->err = -EPROTO; /* until emk_gcm_start */
}

int emk_gcm_start(emk_gcm_ctx *g, const uint8_t *iv, size_t iv_len)
{
    g->y[0] = g->y[1] = 0;
    g->part_n = 0;
    g->aad_len = g->data_len = 0;
    g->ks_used = 16;
    g->state = EMK_GCM_AAD;
    g->err = 0;
    if (!iv_len) {
        g->err = -EINVAL;
        return g->err;
    }
    if (iv_len == EMK_GCM_IV) {
        memcpy(g->j0, iv, EMK_GCM_IV);
        memset(g->j0 + 12, 0, 3);
        g->j0[15] = 1;
    } else {
        uint8_t lb[16];
        ghash_bytes(g, iv, iv_len);
        ghash_flush(g);
        memset(lb, 0, 8);
        emk_st_be64(lb + 8, (uint64_t)iv_len * 8);
        ghash_block(g, lb);
        emk_st_be64(g->j0, g->y[0]);
        emk_st_be64(g->j0 + 8, g->y[1]);
        g->y[0] = g->y[1] = 0;
    }
    memcpy(g->ctr, g->j0, 16);
    return 0;
}

int emk_gcm_aad(emk_gcm_ctx *g, const void *aad, size_t len)
{
    if (g->err)
        return g->err;
    if (g->state != EMK_GCM_AAD)
        return g->err = -EPROTO;
    if (len) {
        ghash_bytes(g, aad, len);
        g->aad_len += len;
    }
    return 0;
}

/* Enters the data phase: the AAD's partial block is padded out. */
static int begin_data(emk_gcm_ctx *g, size_t len)
{
    /* at most 2^32 - 2 blocks of data (SP 800-38D 5.2.1.1) */
    const uint64_t limit = ((uint64_t)1 << 36) - 32;
    if (g->err)
        return g->err;
    if (g->state == EMK_GCM_AAD) {
        ghash_flush(g);
        g->state = EMK_GCM_DATA;
    }
    if (g->state != EMK_GCM_DATA)
        return g->err = -EPROTO;
    if ((uint64_t)len > limit - g->data_len)
        return g->err = -EMSGSIZE;
    g->data_len += len;
    return 0;
}

int emk_gcm_crypt(emk_gcm_ctx *g, int encrypt, const void *in, void *out,
                  size_t len)
{
    int r = begin_data(g, len);
    if (r || !len)
        return r;
    if (encrypt) {
        ctr_bytes(g, in, out, len);
        ghash_bytes(g, out, len);
    } else {
        ghash_bytes(g, in, len);
        ctr_bytes(g, in, out, len);
    }
    return 0;
}

/* The full tag into t; ends the message. */
static int full_tag(emk_gcm_ctx *g, uint8_t t[16])
{
    uint8_t lb[16];
    unsigned i;
    int r = begin_data(g, 0);
    if (r)
        return r;
    ghash_flush(g);
    emk_st_be64(lb, g->aad_len * 8);
    emk_st_be64(lb + 8, g->data_len * 8);
    ghash_block(g, lb);
    emk_aes256_encrypt(&g->aes, g->j0, t);
    emk_st_be64(lb, g->y[0]);
    emk_st_be64(lb + 8, g->y[1]);
    for (i = 0; i < 16; i++)
        t[i] ^= lb[i];
    g->state = EMK_GCM_DONE;
    return 0;
}

int emk_gcm_tag(emk_gcm_ctx *g, uint8_t *tag, size_t tag_len)
{
    uint8_t t[16];
    int r;
    if (tag_len == 0 || tag_len > EMK_GCM_TAG)
        return -EINVAL;
    r = full_tag(g, t);
    if (!r)
        memcpy(tag, t, tag_len);
    emk_ct_wipe(t, sizeof(t));
    return r;
}

int emk_gcm_check(emk_gcm_ctx *g, const uint8_t *tag, size_t tag_len)
{
    uint8_t t[16];
    int r;
    if (tag_len == 0 || tag_len > EMK_GCM_TAG)
        return -EINVAL;
    r = full_tag(g, t);
    if (!r) {
        int eq = emk_ct_memeq(t, tag, tag_len);
        emk_declassify(&eq, sizeof(eq)); /* the verdict is public */
        if (!eq)
            r = -EBADMSG;
    }
    emk_ct_wipe(t, sizeof(t));
    return r;
}

void emk_gcm_cleanup(emk_gcm_ctx *g)
{
    emk_ct_wipe(g, sizeof(*g));
}

/* The one-shot calls: key, IV and AAD in. */
static int gcm_begin(emk_gcm_ctx *g, const uint8_t key[32], const uint8_t *iv,
                     size_t iv_len, const void *aad, size_t aad_len)
{
    int r;
    emk_gcm_init(g, key);
    r = emk_gcm_start(g, iv, iv_len);
    return r ? r : emk_gcm_aad(g, aad, aad_len);
}

int emk_gcm_seal(const uint8_t key[32], const uint8_t *iv, size_t iv_len,
                 const void *aad, size_t aad_len, const void *pt, size_t len,
                 void *ct, uint8_t *tag, size_t tag_len)
{
    emk_gcm_ctx g;
    int r = gcm_begin(&g, key, iv, iv_len, aad, aad_len);
    if (!r)
        r = emk_gcm_crypt(&g, 1, pt, ct, len);
    if (!r)
        r = emk_gcm_tag(&g, tag, tag_len);
    emk_gcm_cleanup(&g);
    return r;
}

int emk_gcm_open(const uint8_t key[32], const uint8_t *iv, size_t iv_len,
                 const void *aad, size_t aad_len, const void *ct, size_t len,
                 const uint8_t *tag, size_t tag_len, void *pt)
{
    emk_gcm_ctx g;
    int r = gcm_begin(&g, key, iv, iv_len, aad, aad_len);
    if (!r)
        r = begin_data(&g, len);
    if (!r) {
        /* authenticate first, decrypt only a message that checks */
        if (len)
            ghash_bytes(&g, ct, len);
        r = emk_gcm_check(&g, tag, tag_len);
    }
    if (!r && len) {
        memcpy(g.ctr, g.j0, 16);
        g.ks_used = 16;
        ctr_bytes(&g, ct, pt, len);
    }
    emk_gcm_cleanup(&g);
    return r;
}
