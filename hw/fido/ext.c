/*
 * ext.c - the CTAP 2.1 extensions (section 12): hmac-secret, credProtect,
 * credBlob, minPinLength and largeBlobKey.  Inputs are parsed before a
 * command changes anything; outputs go into authenticator data.
 */
#include "fido_int.h"

/* a boolean extension input: 1/0, or -1 for another type */
static int ext_bool(const emk_cbor_item *v)
{
    return emk_cbor_get_bool(v) < 0 ? -1 : emk_cbor_get_bool(v);
}

static int parse_mc(const emk_cbor_item *m, emk_fido_ext *x)
{
    emk_cbor_item v;
    int b;

    if (emk_cbor_map_text(m, "credBlob", &v)) {
        if (v.type != EMK_CBOR_BYTES)
            return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
        x->cred_blob = 1;
        x->blob = v;
    }
    if (emk_cbor_map_text(m, "credProtect", &v)) {
        if (v.type != EMK_CBOR_UINT)
            return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
        if (v.val < 1 || v.val > 3)
            return CTAP1_ERR_INVALID_PARAMETER;
        x->cred_protect = (uint8_t)v.val;
    }
    if (emk_cbor_map_text(m, "hmac-secret", &v)) {
        if ((b = ext_bool(&v)) < 0)
            return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
        x->hmac_secret = (uint8_t)b;
    }
    if (emk_cbor_map_text(m, "minPinLength", &v)) {
        if ((b = ext_bool(&v)) < 0)
            return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
        x->min_pin_length = (uint8_t)b;
    }
    return CTAP2_OK;
}

static int parse_ga(const emk_cbor_item *m, emk_fido_ext *x)
{
    emk_cbor_item v;
    int b;

    if (emk_cbor_map_text(m, "credBlob", &v)) {
        if ((b = ext_bool(&v)) < 0)
            return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
        x->cred_blob = (uint8_t)b;
    }
    if (emk_cbor_map_text(m, "hmac-secret", &v)) {
        if (v.type != EMK_CBOR_MAP)
            return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
        x->hmac_secret = 1;
        x->hs = v;
    }
    return CTAP2_OK;
}

int emk_fido_ext_parse(const emk_cbor_item *params, int64_t key, int ga, emk_fido_ext *x)
{
    emk_cbor_item m, v;
    int r, b;

    memset(x, 0, sizeof(*x));
    r = emk_fido_req_get(params, key, EMK_CBOR_MAP, &m);
    if (r <= 0)
        return r < 0 ? -r : CTAP2_OK;
    r = ga ? parse_ga(&m, x) : parse_mc(&m, x);
    if (r != CTAP2_OK)
        return r;
    if (emk_cbor_map_text(&m, "largeBlobKey", &v)) {
        if ((b = ext_bool(&v)) < 0)
            return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
        if (!b)
            return CTAP2_ERR_INVALID_OPTION;   /* only true may be sent */
        x->large_blob_key = 1;
    }
    return CTAP2_OK;
}

/* the four members of getAssertion's hmac-secret input */
static int hs_members(const emk_fido_ext *x, emk_cbor_item *ka, emk_cbor_item *enc,
                      emk_cbor_item *auth, int64_t *proto)
{
    emk_cbor_item v;
    int r[3];

    r[0] = emk_fido_req_get(&x->hs, 1, EMK_CBOR_MAP, ka);
    r[1] = emk_fido_req_get(&x->hs, 2, EMK_CBOR_BYTES, enc);
    r[2] = emk_fido_req_get(&x->hs, 3, EMK_CBOR_BYTES, auth);
    for (int i = 0; i < 3; i++)
        if (r[i] < 0)
            return -r[i];
    if (!r[0] || !r[1] || !r[2])
        return CTAP2_ERR_MISSING_PARAMETER;
    *proto = 1;
    switch (emk_fido_req_get(&x->hs, 4, EMK_CBOR_UINT, &v)) {
    case 1:
        if (v.val != 1 && v.val != 2)
            return CTAP1_ERR_INVALID_PARAMETER;
        *proto = (int64_t)v.val;
        break;
    case 0:
        break;
    default:
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    }
    return CTAP2_OK;
}

int emk_fido_ext_hs_open(emk_fido *k, const emk_fido_ext *x, emk_fido_hs *hs)
{
    emk_cbor_item ka, enc, auth;
    size_t iv;
    int r;

    memset(hs, 0, sizeof(*hs));
    r = hs_members(x, &ka, &enc, &auth, &hs->proto);
    if (r != CTAP2_OK)
        return r;
    iv = hs->proto == 2 ? 16 : 0;   /* protocol 2 puts its IV in front */
    if (enc.val != iv + 32 && enc.val != iv + 64)
        return CTAP1_ERR_INVALID_LENGTH;
    r = emk_fido_pin_shared(k, hs->proto, &ka, hs->shared, &hs->shared_len);
    if (r != CTAP2_OK)
        goto fail;
    if (emk_fido_pin_verify(hs->proto, hs->shared, enc.ptr, (size_t)enc.val, auth.ptr,
                            (size_t)auth.val) != 0) {
        r = CTAP2_ERR_PIN_AUTH_INVALID;
        goto fail;
    }
    if (emk_fido_pin_decrypt(hs->proto, hs->shared, enc.ptr, (size_t)enc.val, hs->salts,
                             &hs->salts_len) != 0 ||
        (hs->salts_len != 32 && hs->salts_len != 64)) {
        r = CTAP1_ERR_INVALID_LENGTH;
        goto fail;
    }
    return CTAP2_OK;
fail:
    emk_ct_wipe(hs, sizeof(*hs));
    return r;
}

static int rp_allowed_min_pin(const emk_fido *k, const uint8_t *rp_id, size_t len)
{
    for (int i = 0; i < k->st.min_pin_rp_count && i < EMK_FIDO_MIN_PIN_RPS; i++) {
        const char *s = k->st.min_pin_rps[i];

        if (len <= EMK_FIDO_RP_ID_MAX && !memcmp(s, rp_id, len) &&
            (len == EMK_FIDO_RP_ID_MAX || s[len] == '\0'))
            return 1;
    }
    return 0;
}

int emk_fido_ext_mc_out(const emk_fido *k, const emk_fido_ext *x, const uint8_t *rp_id,
                        size_t rp_id_len, int blob_stored, uint8_t level, emk_cbor_enc *e)
{
    int min_pin = x->min_pin_length && rp_allowed_min_pin(k, rp_id, rp_id_len);
    int n = x->cred_blob + (x->cred_protect != 0) + x->hmac_secret + min_pin;

    if (!n)
        return 0;
    /* canonical order: by length, then bytes */
    emk_cbor_map(e, (size_t)n);
    if (x->cred_blob) {
        emk_cbor_text_z(e, "credBlob");
        emk_cbor_bool(e, blob_stored);
    }
    if (x->cred_protect) {
        emk_cbor_text_z(e, "credProtect");
        emk_cbor_uint(e, level);
    }
    if (x->hmac_secret) {
        emk_cbor_text_z(e, "hmac-secret");
        emk_cbor_bool(e, 1);
    }
    if (min_pin) {
        emk_cbor_text_z(e, "minPinLength");
        emk_cbor_uint(e, k->st.min_pin_len);
    }
    return n;
}

/* hmac-secret's output: CredRandom = HMAC(hmac_secret key, credId || uv),
 * then HMAC(CredRandom, salt) for each salt, encrypted to the platform */
static int hs_output(emk_fido *k, const emk_fido_hs *hs, const uint8_t *cred_id, int uv,
                     uint8_t *out, size_t *out_len)
{
    emk_hmac_sha256_ctx m;
    uint8_t cr[32], plain[64], uvb = uv ? 1 : 0;
    int r;

    emk_hmac_sha256_init(&m, k->keys.hmac_secret, 32);
    emk_hmac_sha256_update(&m, cred_id, EMK_FIDO_CRED_ID_LEN);
    emk_hmac_sha256_update(&m, &uvb, 1);
    emk_hmac_sha256_final(&m, cr);
    for (size_t i = 0; i < hs->salts_len; i += 32)
        emk_hmac_sha256(cr, 32, hs->salts + i, 32, plain + i);
    r = emk_fido_pin_encrypt(k, hs->proto, hs->shared, plain, hs->salts_len, out, out_len);
    emk_ct_wipe(cr, sizeof(cr));
    emk_ct_wipe(plain, sizeof(plain));
    emk_ct_wipe(&m, sizeof(m));
    return r == 0 ? CTAP2_OK : CTAP1_ERR_OTHER;
}

int emk_fido_ext_ga_out(emk_fido *k, const emk_fido_ga_ext *g, const uint8_t *cred_id,
                        int uv, const emk_fido_rk *rk, emk_cbor_enc *e)
{
    uint8_t enc[16 + 64];
    size_t enc_len = 0;
    int r;

    if (!g->cred_blob && !g->hmac)
        return CTAP2_OK;
    if (g->hmac) {
        r = hs_output(k, &g->hs, cred_id, uv, enc, &enc_len);
        if (r != CTAP2_OK)
            return r;
    }
    emk_cbor_map(e, (size_t)(g->cred_blob + g->hmac));
    if (g->cred_blob) {
        emk_cbor_text_z(e, "credBlob");
        emk_cbor_bytes(e, rk ? rk->cred_blob : enc, rk ? rk->cred_blob_len : 0);
    }
    if (g->hmac) {
        emk_cbor_text_z(e, "hmac-secret");
        emk_cbor_bytes(e, enc, enc_len);
    }
    return CTAP2_OK;
}
