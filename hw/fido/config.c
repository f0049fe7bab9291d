/*
 * config.c - authenticatorConfig (CTAP 2.1 section 6.11): toggleAlwaysUv
 * and setMinPINLength.  Enterprise attestation and vendor subcommands are
 * not supported.  With a PIN set, the request carries a pinUvAuthParam
 * over 32 x 0xff || 0x0d || subCommand || subCommandParams with the acfg
 * permission; without a PIN, none is needed.
 */
#include "fido_int.h"

enum cfg_keys {
    CFG_SUB = 1,
    CFG_SUB_PARAMS = 2,
    CFG_PROTO = 3,
    CFG_PARAM = 4
};

enum cfg_sub {
    CFG_ENTERPRISE = 1,
    CFG_TOGGLE_ALWAYS_UV = 2,
    CFG_SET_MIN_PIN = 3
};

enum cfg_min_pin_keys {
    CFG_P_MIN_LEN = 1,
    CFG_P_RP_IDS = 2,
    CFG_P_FORCE = 3
};

/* setMinPINLength's checks and changes on k->st (the caller saves). */
static int set_min_pin(emk_fido *k, const emk_cbor_item *sp, int have_sp)
{
    emk_cbor_item v, ids, id;
    emk_cbor_iter it;
    int64_t len = k->st.min_pin_len;
    int force = 0, r, have_ids = 0;

    if (have_sp) {
        r = emk_fido_field_uint(sp, CFG_P_MIN_LEN, &len);
        have_ids = emk_fido_field(sp, CFG_P_RP_IDS, EMK_CBOR_ARRAY, &ids);
        if (r < 0 || have_ids < 0)
            return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
        if (emk_cbor_map_int(sp, CFG_P_FORCE, &v) == 1 &&
            (force = emk_cbor_get_bool(&v)) < 0)
            return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    }
    if (len < k->st.min_pin_len || len > EMK_FIDO_PIN_MAX_BYTES)
        return CTAP2_ERR_PIN_POLICY_VIOLATION;     /* it may only grow */
    if (have_ids) {
        if (ids.val > EMK_FIDO_MIN_PIN_RPS)
            return CTAP2_ERR_KEY_STORE_FULL;
        emk_cbor_iter_init(&it, &ids);
        while (emk_cbor_next(&it, &id) == 1) {
            if (id.type != EMK_CBOR_TEXT)
                return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
            if (id.val >= EMK_FIDO_RP_ID_MAX)
                return CTAP2_ERR_KEY_STORE_FULL;
        }
    }
    if (force && !k->st.pin_set)
        return CTAP2_ERR_PIN_NOT_SET;
    k->st.min_pin_len = (uint8_t)len;
    if (have_ids) {
        memset(k->st.min_pin_rps, 0, sizeof(k->st.min_pin_rps));
        k->st.min_pin_rp_count = 0;
        emk_cbor_iter_init(&it, &ids);
        while (emk_cbor_next(&it, &id) == 1)
            memcpy(k->st.min_pin_rps[k->st.min_pin_rp_count++], id.ptr, (size_t)id.val);
    }
    if (force || (k->st.pin_set && k->st.pin_code_points < len))
        k->st.force_pin_change = 1;
    return CTAP2_OK;
}

int emk_fido_config_cmd(emk_fido *k, const emk_cbor_item *params, emk_cbor_enc *e)
{
    uint8_t msg[34 + EMK_FIDO_MAX_MSG];
    struct {
        uint8_t always_uv, min_pin_len, force_pin_change, rp_count;
        char rps[EMK_FIDO_MIN_PIN_RPS][EMK_FIDO_RP_ID_MAX];
    } saved;
    emk_cbor_item sp, pa;
    size_t n = 34;
    int64_t sub;
    int have_sp, st, r;

    (void)e;
    r = emk_fido_field_uint(params, CFG_SUB, &sub);
    have_sp = emk_fido_field(params, CFG_SUB_PARAMS, EMK_CBOR_MAP, &sp);
    if (r < 0 || have_sp < 0)
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    if (!r)
        return CTAP2_ERR_MISSING_PARAMETER;
    if (sub != CFG_TOGGLE_ALWAYS_UV && sub != CFG_SET_MIN_PIN)
        return CTAP2_ERR_INVALID_SUBCOMMAND;  /* no enterprise attestation */
    if (k->st.pin_set || emk_cbor_map_int(params, CFG_PARAM, &pa) == 1) {
        memset(msg, 0xff, 32);
        msg[32] = CTAP2_CONFIG;
        msg[33] = (uint8_t)sub;
        if (have_sp) {
            memcpy(msg + n, sp.start, (size_t)(sp.end - sp.start));
            n += (size_t)(sp.end - sp.start);
        }
        st = emk_fido_pin_param(k, params, CFG_PROTO, CFG_PARAM, msg, n, EMK_FIDO_PERM_ACFG);
        if (st != CTAP2_OK)
            return st;
    }
    if (k->err)
        return CTAP1_ERR_OTHER;
    saved.always_uv = k->st.always_uv;
    saved.min_pin_len = k->st.min_pin_len;
    saved.force_pin_change = k->st.force_pin_change;
    saved.rp_count = k->st.min_pin_rp_count;
    memcpy(saved.rps, k->st.min_pin_rps, sizeof(saved.rps));
    if (sub == CFG_TOGGLE_ALWAYS_UV)
        k->st.always_uv = !k->st.always_uv;
    else if ((st = set_min_pin(k, &sp, have_sp)) != CTAP2_OK)
        return st;
    if (emk_fido_store_save(k) < 0) {
        k->st.always_uv = saved.always_uv;
        k->st.min_pin_len = saved.min_pin_len;
        k->st.force_pin_change = saved.force_pin_change;
        k->st.min_pin_rp_count = saved.rp_count;
        memcpy(k->st.min_pin_rps, saved.rps, sizeof(saved.rps));
        return CTAP1_ERR_OTHER;
    }
    return CTAP2_OK;
}
