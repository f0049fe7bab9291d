/*
 * hmac.c - HMAC-SHA-256 (RFC 2104, FIPS 198-1).
 */
#include "crypto_int.h"

#include <string.h>

void emk_hmac_sha256_init(emk_hmac_sha256_ctx *m, const void *key, size_t klen)
{
    uint8_t k[EMK_SHA256_BLOCK], pad[EMK_SHA256_BLOCK];
    unsigned i;

    memset(k, 0, sizeof(k));
    if (klen > EMK_SHA256_BLOCK)
        emk_sha256(key, klen, k);
    else if (klen)
        memcpy(k, key, klen);
    for (i = 0; i < EMK_SHA256_BLOCK; i++)
        pad[i] = k[i] ^ 0x36;
    emk_sha256_init(&m->inner);
    emk_sha256_update(&m->inner, pad, sizeof(pad));
    for (i = 0; i < EMK_SHA256_BLOCK; i++)
        pad[i] = k[i] ^ 0x5c;
    emk_sha256_init(&m->outer);
    emk_sha256_update(&m->outer, pad, sizeof(pad));
    emk_ct_wipe(k, sizeof(k));
    emk_ct_wipe(pad, sizeof(pad));
}

void emk_hmac_sha256_update(emk_hmac_sha256_ctx *m, const void *data, size_t len)
{
    emk_sha256_update(&m->inner, data, len);
}

void emk_hmac_sha256_final(emk_hmac_sha256_ctx *m, uint8_t out[32])
{
    uint8_t t[EMK_SHA256_LEN];

    emk_sha256_final(&m->inner, t);
    emk_sha256_update(&m->outer, t, sizeof(t));
    emk_sha256_final(&m->outer, out);
    emk_ct_wipe(t, sizeof(t));
}

void emk_hmac_sha256(const void *key, size_t klen, const void *data, size_t len,
                     uint8_t out[32])
{
    emk_hmac_sha256_ctx m;
    emk_hmac_sha256_init(&m, key, klen);
    emk_hmac_sha256_update(&m, data, len);
    emk_hmac_sha256_final(&m, out);
}

int emk_hmac_sha256_check(const void *key, size_t klen, const void *data,
                          size_t len, const uint8_t *tag, size_t tag_len)
{
    uint8_t t[EMK_SHA256_LEN];
    int eq;

    if (tag_len == 0 || tag_len > EMK_SHA256_LEN)
        return -EINVAL;
    emk_hmac_sha256(key, klen, data, len, t);
    eq = emk_ct_memeq(t, tag, tag_len);
    emk_declassify(&eq, sizeof(eq)); /* the verdict is public */
    emk_ct_wipe(t, sizeof(t));
    return eq ? 0 : -EBADMSG;
}
