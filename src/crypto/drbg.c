/*
 * drbg.c - HMAC-DRBG with SHA-256 (SP 800-90A rev. 1, 10.1.2).
 *
 * Why HMAC-DRBG: it is built from HMAC-SHA-256, which the key needs and
 * tests anyway; it is NIST-specified with published answers; and RFC 6979's
 * nonce generator is the same construction (crypto_int.h), so ECDSA reuses
 * it instead of carrying a second generator.
 */
#include "crypto_int.h"

#include <string.h>

/* K = HMAC(K, V || tag || parts); V = HMAC(K, V). */
static void update_once(emk_drbg_ctx *d, uint8_t tag, const emk_drbg_part *p,
                        unsigned n)
{
    emk_hmac_sha256_ctx m;
    unsigned i;
    emk_hmac_sha256_init(&m, d->k, 32);
    emk_hmac_sha256_update(&m, d->v, 32);
    emk_hmac_sha256_update(&m, &tag, 1);
    for (i = 0; i < n; i++)
        if (p[i].len)
            emk_hmac_sha256_update(&m, p[i].data, p[i].len);
    emk_hmac_sha256_final(&m, d->k);
    emk_hmac_sha256(d->k, 32, d->v, 32, d->v);
}

/* HMAC_DRBG_Update (10.1.2.2) with the provided data in parts. */
static void update(emk_drbg_ctx *d, const emk_drbg_part *p, unsigned n)
{
    size_t total = 0;
    unsigned i;
    for (i = 0; i < n; i++)
        total += p[i].len;
    update_once(d, 0x00, p, n);
    if (total)
        update_once(d, 0x01, p, n);
}

void emk_drbg_init_parts(emk_drbg_ctx *d, const emk_drbg_part *p, unsigned n)
{
    memset(d->k, 0x00, 32);
    memset(d->v, 0x01, 32);
    d->requests = 0;
    d->auto_reseed = 0;
    d->err = 0;
    update(d, p, n);
}

void emk_drbg_init_seed(emk_drbg_ctx *d, const void *seed, size_t len)
{
    emk_drbg_part p;
    p.data = seed;
    p.len = len;
    emk_drbg_init_parts(d, &p, 1);
}

int emk_drbg_init(emk_drbg_ctx *d, const void *pers, size_t pers_len)
{
    uint8_t seed[48]; /* entropy and nonce: 384 bits from the OS */
    emk_drbg_part p[2];
    int r = emk_os_entropy(seed, sizeof(seed));
    p[0].data = seed;
    p[0].len = sizeof(seed);
    p[1].data = pers;
    p[1].len = pers_len;
    emk_drbg_init_parts(d, p, 2);
    emk_ct_wipe(seed, sizeof(seed));
    d->auto_reseed = 1;
    d->err = r;
    return r;
}

int emk_drbg_reseed(emk_drbg_ctx *d, const void *entropy, size_t entropy_len,
                    const void *add, size_t add_len)
{
    uint8_t os[32];
    emk_drbg_part p[2];
    if (d->err)
        return d->err;
    if (!entropy) {
        int r = emk_os_entropy(os, sizeof(os));
        if (r)
            return d->err = r;
        entropy = os;
        entropy_len = sizeof(os);
    }
    p[0].data = entropy;
    p[0].len = entropy_len;
    p[1].data = add;
    p[1].len = add_len;
    update(d, p, 2);
    d->requests = 0;
    emk_ct_wipe(os, sizeof(os));
    return 0;
}

int emk_drbg_generate(emk_drbg_ctx *d, void *out, size_t len, const void *add,
                      size_t add_len)
{
    uint8_t *q = out;
    emk_drbg_part p;
    int r;

    if (len > EMK_DRBG_MAX_REQUEST)
        return -EINVAL;
    if (!d->err && d->auto_reseed && d->requests >= EMK_DRBG_RESEED_INTERVAL) {
        r = emk_drbg_reseed(d, NULL, 0, add, add_len);
        add_len = 0; /* consumed by the reseed (9.3.1 step 7.4) */
        (void)r;
    }
    if (d->err) {
        memset(out, 0, len);
        return d->err;
    }
    p.data = add;
    p.len = add_len;
    if (add_len)
        update(d, &p, 1);
    while (len) {
        size_t k = len < 32 ? len : 32;
        emk_hmac_sha256(d->k, 32, d->v, 32, d->v);
        memcpy(q, d->v, k);
        q += k;
        len -= k;
    }
    update(d, &p, 1);
    d->requests++;
    return 0;
}

void emk_drbg_cleanup(emk_drbg_ctx *d)
{
    emk_ct_wipe(d, sizeof(*d));
}
