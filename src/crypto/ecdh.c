/*
 * ecdh.c - P-256 Diffie-Hellman (SEC 1 v2 3.3.1): the X coordinate of
 * d * Q.  Q is valid by construction (emk_p256_pub is only ever filled by
 * a validating decoder), so no invalid-curve or small-subgroup point can
 * reach the constant-time multiplication.
 */
#include "crypto_int.h"
#include "p256_int.h"

int emk_p256_ecdh(const emk_p256_priv *key, const emk_p256_pub *peer,
                  uint8_t shared[32])
{
    uint64_t k[4], x[4], y[4], ok = emk_p256_sc_from_bytes(k, key->d), fin;
    emk_p256_pt q, r;

    emk_declassify(&ok, sizeof(ok));
    if (!ok)
        return -EINVAL;
    emk_p256_pt_from_pub(&q, peer);
    emk_p256_pt_mul(&r, &q, k);
    fin = emk_p256_pt_affine(x, y, &r);
    /* never infinity for 0 < d < n and Q in the group; the bit is public */
    emk_declassify(&fin, sizeof(fin));
    emk_ct_wipe(k, sizeof(k));
    emk_ct_wipe(&r, sizeof(r));
    if (!fin)
        return -EINVAL;
    emk_p256_fe_to_bytes(shared, x);
    emk_ct_wipe(x, sizeof(x));
    emk_ct_wipe(y, sizeof(y));
    return 0;
}
