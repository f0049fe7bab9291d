/*
 * p256_key.c - P-256 keys: private scalars, public points, and their
 * SEC1 encodings (SEC 1 v2 2.3.3-2.3.4).  Decoding validates fully: each
 * coordinate below p, the point on y^2 = x^3 - 3x + b; the point at
 * infinity has no encoding we accept.  P-256 has cofactor 1, so a point on
 * the curve is in the prime-order group.
 */
#include "crypto_int.h"
#include "p256_int.h"

#include <string.h>

int emk_p256_priv_set(emk_p256_priv *key, const uint8_t d[32])
{
    uint64_t k[4], ok = emk_p256_sc_from_bytes(k, d);
    emk_ct_wipe(k, sizeof(k));
    emk_declassify(&ok, sizeof(ok)); /* only "valid or not" leaves */
    if (!ok)
        return -EINVAL;
    memcpy(key->d, d, 32);
    return 0;
}

int emk_p256_keygen(emk_p256_priv *key, emk_p256_pub *pub, emk_drbg_ctx *rng)
{
    uint8_t d[32];
    int r;
    do {
        r = emk_drbg_generate(rng, d, sizeof(d), NULL, 0);
        if (r)
            return r;
    } while (emk_p256_priv_set(key, d));
    emk_ct_wipe(d, sizeof(d));
    return pub ? emk_p256_pub_from_priv(pub, key) : 0;
}

int emk_p256_pub_from_priv(emk_p256_pub *pub, const emk_p256_priv *key)
{
    uint64_t k[4], x[4], y[4], ok = emk_p256_sc_from_bytes(k, key->d);
    emk_p256_pt p;
    emk_declassify(&ok, sizeof(ok));
    if (!ok)
        return -EINVAL;
    emk_p256_pt_mul_base(&p, k);
    (void)emk_p256_pt_affine(x, y, &p); /* d != 0: never infinity */
    emk_p256_fe_to_bytes(pub->x, x);
    emk_p256_fe_to_bytes(pub->y, y);
    emk_ct_wipe(k, sizeof(k));
    return 0;
}

/* x^3 - 3x + b (Montgomery form). */
static void curve_rhs(uint64_t r[4], const uint64_t x[4])
{
    uint64_t t[4];
    emk_p256_fe_sqr(t, x);
    emk_p256_fe_mul(t, t, x);
    emk_p256_fe_sub(t, t, x);
    emk_p256_fe_sub(t, t, x);
    emk_p256_fe_sub(t, t, x);
    emk_p256_fe_add(r, t, emk_p256_fe_b);
}

int emk_p256_pub_set_xy(emk_p256_pub *pub, const uint8_t x[32], const uint8_t y[32])
{
    uint64_t fx[4], fy[4], l[4], r[4], d[4];
    if (!emk_p256_fe_from_bytes(fx, x) || !emk_p256_fe_from_bytes(fy, y))
        return -EINVAL;
    emk_p256_fe_sqr(l, fy);
    curve_rhs(r, fx);
    emk_p256_fe_sub(d, l, r);
    if (!emk_iszero4(d))
        return -EINVAL;
    memcpy(pub->x, x, 32);
    memcpy(pub->y, y, 32);
    return 0;
}

int emk_p256_pub_decode(emk_p256_pub *pub, const uint8_t *buf, size_t len)
{
    uint64_t fx[4], fy[4], rhs[4], zero[4] = {0, 0, 0, 0};
    uint8_t y[32];

    if (len == EMK_P256_PUB && buf[0] == 0x04)
        return emk_p256_pub_set_xy(pub, buf + 1, buf + 33);
    if (len != EMK_P256_PUB_COMPRESSED || (buf[0] != 0x02 && buf[0] != 0x03))
        return -EINVAL;
    if (!emk_p256_fe_from_bytes(fx, buf + 1))
        return -EINVAL;
    curve_rhs(rhs, fx);
    if (!emk_p256_fe_sqrt(fy, rhs))
        return -EINVAL;
    emk_p256_fe_to_bytes(y, fy);
    if ((y[31] & 1) != (buf[0] & 1)) {
        emk_p256_fe_sub(fy, zero, fy);
        emk_p256_fe_to_bytes(y, fy);
    }
    memcpy(pub->x, buf + 1, 32);
    memcpy(pub->y, y, 32);
    return 0;
}

void emk_p256_pub_encode(const emk_p256_pub *pub, uint8_t out[65])
{
    out[0] = 0x04;
    memcpy(out + 1, pub->x, 32);
    memcpy(out + 33, pub->y, 32);
}
