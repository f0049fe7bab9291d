/*
 * hkdf.c - HKDF with HMAC-SHA-256 (RFC 5869).
 */
#include "emkit/crypto.h"

#include <string.h>

void emk_hkdf_sha256_extract(const void *salt, size_t salt_len, const void *ikm,
                             size_t ikm_len, uint8_t prk[32])
{
    static const uint8_t zeros[EMK_SHA256_LEN];

    if (!salt || !salt_len) {
        salt = zeros;
        salt_len = sizeof(zeros);
    }
    emk_hmac_sha256(salt, salt_len, ikm, ikm_len, prk);
}

int emk_hkdf_sha256_expand(const uint8_t *prk, size_t prk_len, const void *info,
                           size_t info_len, uint8_t *out, size_t out_len)
{
    uint8_t t[EMK_SHA256_LEN];
    size_t tlen = 0;
    uint8_t i;

    if (out_len > EMK_HKDF_SHA256_MAX || prk_len < EMK_SHA256_LEN)
        return -EINVAL;
    for (i = 1; out_len; i++) {
        emk_hmac_sha256_ctx m;
        size_t k = out_len < EMK_SHA256_LEN ? out_len : EMK_SHA256_LEN;

        emk_hmac_sha256_init(&m, prk, prk_len);
        emk_hmac_sha256_update(&m, t, tlen);
        if (info_len)
            emk_hmac_sha256_update(&m, info, info_len);
        emk_hmac_sha256_update(&m, &i, 1);
        emk_hmac_sha256_final(&m, t);
        tlen = sizeof(t);
        memcpy(out, t, k);
        out += k;
        out_len -= k;
    }
    emk_ct_wipe(t, sizeof(t));
    return 0;
}

int emk_hkdf_sha256(const void *salt, size_t salt_len, const void *ikm,
                    size_t ikm_len, const void *info, size_t info_len,
                    uint8_t *out, size_t out_len)
{
    uint8_t prk[EMK_SHA256_LEN];
    int r;

    if (out_len > EMK_HKDF_SHA256_MAX)
        return -EINVAL;
    emk_hkdf_sha256_extract(salt, salt_len, ikm, ikm_len, prk);
    r = emk_hkdf_sha256_expand(prk, sizeof(prk), info, info_len, out, out_len);
    emk_ct_wipe(prk, sizeof(prk));
    return r;
}
