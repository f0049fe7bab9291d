/*
 * cred_req.c - what authenticatorMakeCredential and GetAssertion parse
 * alike: typed parameters, the options map, the pinUvAuthParam pre-checks
 * (CTAP 2.1 sections 6.1.2 and 6.2.2, steps 1 and 2), credential
 * descriptors, and resident credentials by ID.
 */
#include "fido_int.h"

int emk_fido_req_get(const emk_cbor_item *map, int64_t key, int type, emk_cbor_item *out)
{
    if (!emk_cbor_map_int(map, key, out))
        return 0;
    return out->type == type ? 1 : -CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
}

int emk_fido_req_options(const emk_cbor_item *params, int64_t key, int opt[3])
{
    static const char *const names[3] = { "rk", "up", "uv" };
    emk_cbor_item m, v;
    int r = emk_fido_req_get(params, key, EMK_CBOR_MAP, &m);

    opt[0] = opt[1] = opt[2] = -1;
    if (r < 0)
        return -r;
    if (!r)
        return CTAP2_OK;
    for (int i = 0; i < 3; i++) {
        if (!emk_cbor_map_text(&m, names[i], &v))
            continue;
        opt[i] = emk_cbor_get_bool(&v);
        if (opt[i] < 0)
            return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    }
    /* other options are ignored */
    return CTAP2_OK;
}

int emk_fido_req_pin(emk_fido *k, const emk_cbor_item *params, int64_t kparam,
                     int64_t kproto, int *has, emk_cbor_item *param, int64_t *proto)
{
    emk_cbor_item v;
    int r;

    *has = 0;
    *proto = 0;
    r = emk_fido_req_get(params, kparam, EMK_CBOR_BYTES, param);
    if (r < 0)
        return -r;
    if (!r)
        return CTAP2_OK;
    if (param->val == 0) {
        /* a "selection" touch: the platform asks which key the user means */
        r = emk_fido_up_test(k);
        if (r == EMK_FIDO_PENDING)
            return r;
        if (r != 1)
            return CTAP2_ERR_OPERATION_DENIED;
        return k->st.pin_set ? CTAP2_ERR_PIN_INVALID : CTAP2_ERR_PIN_NOT_SET;
    }
    r = emk_fido_req_get(params, kproto, EMK_CBOR_UINT, &v);
    if (r < 0)
        return -r;
    if (!r)
        return CTAP2_ERR_MISSING_PARAMETER;
    if (v.val != 1 && v.val != 2)
        return CTAP1_ERR_INVALID_PARAMETER;
    *has = 1;
    *proto = (int64_t)v.val;
    return CTAP2_OK;
}

int emk_fido_req_auth(emk_fido *k, int64_t proto, const emk_cbor_item *param,
                      const emk_cbor_item *cdh, unsigned perm, const uint8_t rp_id_hash[32],
                      int *uv)
{
    int st = emk_fido_pin_auth(k, proto, param->ptr, (size_t)param->val, cdh->ptr,
                               (size_t)cdh->val, perm, rp_id_hash);

    *uv = st == CTAP2_OK;
    return st;
}

int emk_fido_req_descriptor(const emk_cbor_item *d, emk_cbor_item *id, int *ours)
{
    emk_cbor_item t;

    *ours = 0;
    if (d->type != EMK_CBOR_MAP)
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    if (!emk_cbor_map_text(d, "id", id) || !emk_cbor_map_text(d, "type", &t))
        return CTAP2_ERR_MISSING_PARAMETER;
    if (id->type != EMK_CBOR_BYTES || t.type != EMK_CBOR_TEXT)
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    *ours = emk_cbor_text_eq(&t, "public-key");
    return CTAP2_OK;
}

size_t emk_fido_utf8_prefix(const uint8_t *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    /* back off continuation bytes (10xxxxxx) so a character is not split */
    while (max > 0 && (s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

int emk_fido_rk_find_id(const emk_fido *k, const uint8_t rp_id_hash[32],
                        const uint8_t *id, size_t id_len)
{
    if (id_len != EMK_FIDO_CRED_ID_LEN)
        return -1;
    for (int i = 0; i < EMK_FIDO_MAX_RK; i++) {
        const emk_fido_rk *r = &k->st.rk[i];

        if (r->in_use && !memcmp(r->cred_id, id, id_len) &&
            !memcmp(r->rp_id_hash, rp_id_hash, 32))
            return i;
    }
    return -1;
}
