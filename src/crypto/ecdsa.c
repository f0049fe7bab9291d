/*
 * ecdsa.c - ECDSA over P-256 with 32-byte (SHA-256) digests (FIPS 186-4
 * 6.4, SEC 1 v2 4.1).  The nonce is RFC 6979's: an HMAC-DRBG seeded with
 * int2octets(d) || bits2octets(h) [|| extra], which is exactly
 * SP 800-90A's HMAC-DRBG instantiate and generate (drbg.c), so the same
 * code serves both; extra input hedges it (RFC 6979 3.6).
 *
 * Signing is constant-time in d and k; the values it publishes anyway
 * (r, s and whether a candidate nonce was in range) are declassified for
 * the timing check before anything branches on them.
 */
#include "crypto_int.h"
#include "p256_int.h"

#include <string.h>

int emk_p256_sign_raw(const emk_p256_priv *key, const uint8_t hash[32],
                      const void *extra, size_t extra_len, uint8_t sig[64])
{
    uint64_t d[4], e[4], k[4], r[4], s[4], x[4], y[4], ok;
    uint8_t h1[32], t[32];
    emk_drbg_part part[3];
    emk_drbg_ctx drbg;
    emk_p256_pt p;

    ok = emk_p256_sc_from_bytes(d, key->d);
    emk_declassify(&ok, sizeof(ok));
    if (!ok)
        return -EINVAL;
    emk_p256_sc_reduce(e, hash);
    emk_limbs_to_be(h1, e); /* bits2octets(h) */
    part[0].data = key->d;
    part[0].len = 32;
    part[1].data = h1;
    part[1].len = 32;
    part[2].data = extra;
    part[2].len = extra ? extra_len : 0;
    emk_drbg_init_parts(&drbg, part, 3);
    for (;;) {
        (void)emk_drbg_generate(&drbg, t, sizeof(t), NULL, 0);
        ok = emk_p256_sc_from_bytes(k, t);
        emk_declassify(&ok, sizeof(ok));
        if (!ok)
            continue; /* k = 0 or k >= n: next candidate (3.2 step h.3) */
        emk_p256_pt_mul_base(&p, k);
        (void)emk_p256_pt_affine(x, y, &p); /* k != 0: never infinity */
        emk_p256_fe_to_bytes(t, x);
        emk_p256_sc_reduce(r, t);
        emk_declassify(r, sizeof(r));
        if (emk_iszero4(r))
            continue;
        /* s = k^-1 (e + r d) */
        emk_p256_sc_mul(s, r, d);
        emk_p256_sc_add(s, s, e);
        emk_p256_sc_inv(k, k);
        emk_p256_sc_mul(s, s, k);
        emk_declassify(s, sizeof(s));
        if (emk_iszero4(s))
            continue;
        break;
    }
    emk_limbs_to_be(sig, r);
    emk_limbs_to_be(sig + 32, s);
    emk_drbg_cleanup(&drbg);
    emk_ct_wipe(d, sizeof(d));
    emk_ct_wipe(k, sizeof(k));
    emk_ct_wipe(t, sizeof(t));
    emk_ct_wipe(&p, sizeof(p));
    return 0;
}

int emk_p256_sign(const emk_p256_priv *key, const uint8_t hash[32],
                  const void *extra, size_t extra_len, uint8_t *der, size_t cap)
{
    uint8_t sig[64];
    int r = emk_p256_sign_raw(key, hash, extra, extra_len, sig);
    return r ? r : emk_p256_sig_to_der(sig, der, cap);
}

int emk_p256_verify_raw(const emk_p256_pub *pub, const uint8_t hash[32],
                        const uint8_t sig[64])
{
    uint64_t r[4], s[4], e[4], w[4], u1[4], u2[4], x[4], y[4];
    emk_p256_pt q, a, b;
    uint8_t xb[32], rb[32];

    if (!emk_p256_sc_from_bytes(r, sig) || !emk_p256_sc_from_bytes(s, sig + 32))
        return -EBADMSG;
    emk_p256_sc_reduce(e, hash);
    emk_p256_sc_inv(w, s);
    emk_p256_sc_mul(u1, e, w);
    emk_p256_sc_mul(u2, r, w);
    emk_p256_pt_from_pub(&q, pub);
    emk_p256_pt_mul_base(&a, u1);
    emk_p256_pt_mul(&b, &q, u2);
    emk_p256_pt_add(&a, &a, &b);
    if (!emk_p256_pt_affine(x, y, &a))
        return -EBADMSG;
    emk_p256_fe_to_bytes(xb, x);
    emk_p256_sc_reduce(x, xb);
    emk_limbs_to_be(xb, x);
    emk_limbs_to_be(rb, r);
    return memcmp(xb, rb, 32) ? -EBADMSG : 0;
}

int emk_p256_verify(const emk_p256_pub *pub, const uint8_t hash[32],
                    const uint8_t *der, size_t len)
{
    uint8_t sig[64];
    if (emk_p256_sig_from_der(der, len, sig))
        return -EBADMSG;
    return emk_p256_verify_raw(pub, hash, sig);
}
