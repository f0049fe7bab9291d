/*
 * cred.c - credential IDs: the credential's private key, sealed with
 * AES-256-GCM under the device's wrap key and bound to the RP ID hash, so
 * the key needs no storage for non-resident credentials.
 *
 * Layout (EMK_FIDO_CRED_ID_LEN = 64 bytes):
 *
 *   [0]       format version (CRED_VERSION)
 *   [1..13)   random 96-bit GCM nonce
 *   [13..48)  ciphertext of: private scalar d (32), flags (1), zero (2)
 *   [48..64)  GCM tag
 *
 * The additional data is the version byte followed by the RP ID hash: an
 * ID presented for another RP fails the tag check like a forged one.
 * flags = credProtect level (1..3) | EMK_FIDO_CRED_U2F when U2F made it.
 */
#include "fido_int.h"

#define CRED_VERSION 0x01

enum {
    OFF_NONCE = 1,
    OFF_CT = OFF_NONCE + EMK_GCM_IV,
    PT_LEN = 32 + 1 + 2,
    OFF_TAG = OFF_CT + PT_LEN
};

typedef char cred_layout_fits[OFF_TAG + EMK_GCM_TAG == EMK_FIDO_CRED_ID_LEN ? 1 : -1];

static void cred_aad(uint8_t aad[33], const uint8_t rp_id_hash[32])
{
    aad[0] = CRED_VERSION;
    memcpy(aad + 1, rp_id_hash, 32);
}

static int flags_valid(uint8_t flags)
{
    uint8_t level = flags & EMK_FIDO_CRED_LEVEL_MASK;

    return (flags & ~(EMK_FIDO_CRED_LEVEL_MASK | EMK_FIDO_CRED_U2F)) == 0 &&
           level >= 1 && level <= 3;
}

int emk_fido_cred_new(emk_fido *k, const uint8_t rp_id_hash[32], uint8_t cred_protect,
                      uint8_t id[EMK_FIDO_CRED_ID_LEN], emk_p256_priv *priv)
{
    uint8_t pt[PT_LEN], aad[33];
    int r;

    if ((cred_protect & EMK_FIDO_CRED_LEVEL_MASK) == 0)
        cred_protect |= 1;              /* no level asked: userVerificationOptional */
    if (!flags_valid(cred_protect))
        return -EINVAL;
    if (k->err)
        return k->err;
    r = emk_p256_keygen(priv, NULL, &k->rng);
    if (r < 0)
        return r;
    memcpy(pt, priv->d, 32);
    pt[32] = cred_protect;
    pt[33] = 0;
    pt[34] = 0;
    id[0] = CRED_VERSION;
    emk_fido_random(k, id + OFF_NONCE, EMK_GCM_IV);
    cred_aad(aad, rp_id_hash);
    r = emk_gcm_seal(k->keys.wrap, id + OFF_NONCE, EMK_GCM_IV, aad, sizeof(aad), pt, PT_LEN,
                     id + OFF_CT, id + OFF_TAG, EMK_GCM_TAG);
    emk_ct_wipe(pt, sizeof(pt));
    if (!r && k->err)
        r = k->err;                     /* the nonce came from a failed generator */
    if (r < 0)
        emk_ct_wipe(priv, sizeof(*priv));
    return r;
}

int emk_fido_cred_open(emk_fido *k, const uint8_t rp_id_hash[32], const uint8_t *id,
                       size_t id_len, emk_p256_priv *priv, uint8_t *cred_protect)
{
    uint8_t pt[PT_LEN], aad[33];
    int r;

    /* the length and version are public: every ID of ours has them */
    if (id_len != EMK_FIDO_CRED_ID_LEN || id[0] != CRED_VERSION)
        return -EINVAL;
    cred_aad(aad, rp_id_hash);
    /* the tag is compared in constant time before anything is decrypted */
    r = emk_gcm_open(k->keys.wrap, id + OFF_NONCE, EMK_GCM_IV, aad, sizeof(aad), id + OFF_CT,
                     PT_LEN, id + OFF_TAG, EMK_GCM_TAG, pt);
    if (r < 0)
        return -EINVAL;
    /* authentic from here on: only we could have sealed it */
    r = -EINVAL;
    if (flags_valid(pt[32]) && (pt[33] | pt[34]) == 0 && emk_p256_priv_set(priv, pt) == 0) {
        if (cred_protect)
            *cred_protect = pt[32];
        r = 0;
    }
    emk_ct_wipe(pt, sizeof(pt));
    return r;
}
