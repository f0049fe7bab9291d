/*
 * authdata.c - authenticator data (WebAuthn section 6.1), the COSE_Key of
 * a credential (RFC 9053: EC2, ES256, P-256), its signature, and the
 * "packed" attestation statement (WebAuthn section 8.2).
 */
#include "fido_int.h"

void emk_fido_ad_head(uint8_t ad[EMK_FIDO_AD_HEAD], const uint8_t rp_id_hash[32],
                      uint8_t flags, uint32_t counter)
{
    memcpy(ad, rp_id_hash, 32);
    ad[32] = flags;
    ad[33] = (uint8_t)(counter >> 24);
    ad[34] = (uint8_t)(counter >> 16);
    ad[35] = (uint8_t)(counter >> 8);
    ad[36] = (uint8_t)counter;
}

void emk_fido_cose_key(emk_cbor_enc *e, const emk_p256_pub *pub)
{
    emk_cbor_map(e, 5);
    emk_cbor_int(e, 1);         /* kty: EC2 */
    emk_cbor_int(e, 2);
    emk_cbor_int(e, 3);         /* alg: ES256 */
    emk_cbor_int(e, -7);
    emk_cbor_int(e, -1);        /* crv: P-256 */
    emk_cbor_int(e, 1);
    emk_cbor_int(e, -2);        /* x */
    emk_cbor_bytes(e, pub->x, 32);
    emk_cbor_int(e, -3);        /* y */
    emk_cbor_bytes(e, pub->y, 32);
}

void emk_fido_ad_attested(emk_cbor_enc *ad, const uint8_t id[EMK_FIDO_CRED_ID_LEN],
                          const emk_p256_pub *pub)
{
    const uint8_t len[2] = { 0, EMK_FIDO_CRED_ID_LEN };

    emk_cbor_raw(ad, emk_fido_aaguid(), EMK_FIDO_AAGUID_LEN);
    emk_cbor_raw(ad, len, 2);
    emk_cbor_raw(ad, id, EMK_FIDO_CRED_ID_LEN);
    emk_fido_cose_key(ad, pub);
}

int emk_fido_ad_sign(emk_fido *k, const emk_p256_priv *key, const uint8_t *ad, size_t ad_len,
                     const uint8_t cdh[32], uint8_t sig[EMK_P256_SIG_DER_MAX])
{
    emk_sha256_ctx s;
    uint8_t h[32], extra[32];
    int n;

    emk_sha256_init(&s);
    emk_sha256_update(&s, ad, ad_len);
    emk_sha256_update(&s, cdh, 32);
    emk_sha256_final(&s, h);
    /* RFC 6979 nonce hedged with fresh randomness */
    emk_fido_random(k, extra, sizeof(extra));
    n = emk_p256_sign(key, h, extra, sizeof(extra), sig, EMK_P256_SIG_DER_MAX);
    emk_ct_wipe(extra, sizeof(extra));
    return n;
}

int emk_fido_att_packed(emk_fido *k, const emk_p256_priv *cred_key, const uint8_t *ad,
                        size_t ad_len, const uint8_t cdh[32], emk_cbor_enc *e)
{
    uint8_t sig[EMK_P256_SIG_DER_MAX];
    int x5c = k->keys.att_cert_len > 0;
    int n = emk_fido_ad_sign(k, x5c ? &k->keys.att_priv : cred_key, ad, ad_len, cdh, sig);

    if (n < 0)
        return CTAP1_ERR_OTHER;
    emk_cbor_map(e, x5c ? 3 : 2);
    emk_cbor_text_z(e, "alg");
    emk_cbor_int(e, -7);
    emk_cbor_text_z(e, "sig");
    emk_cbor_bytes(e, sig, (size_t)n);
    if (x5c) {
        emk_cbor_text_z(e, "x5c");
        emk_cbor_array(e, 1);
        emk_cbor_bytes(e, k->keys.att_cert, k->keys.att_cert_len);
    }
    return CTAP2_OK;
}
