/*
 * make_cred.c - authenticatorMakeCredential (CTAP 2.1 section 6.1).
 *
 * Everything is parsed and checked before the test of user presence, and
 * nothing changes before it: a test that must wait returns
 * EMK_FIDO_PENDING and the transport runs the same request again.
 */
#include "fido_int.h"
#include "trace_int.h"

static emk_trace_event ev_mc = EMK_TRACE_EVENT_INIT("fido_make_credential");

enum mc_key {
    MC_CDH = 1, MC_RP = 2, MC_USER = 3, MC_ALGS = 4, MC_EXCLUDE = 5, MC_EXT = 6,
    MC_OPTIONS = 7, MC_PIN_PARAM = 8, MC_PIN_PROTO = 9, MC_EP = 10
};

typedef struct mc_req {
    emk_cbor_item cdh, rp_id, user_id, user_name, display_name, algs, exclude, pin;
    int has_exclude, has_name, has_dn, has_pin, uv;
    int64_t proto;
    int opt[3];
    emk_fido_ext x;
    uint8_t rp_id_hash[32];
} mc_req;

/* an optional text member of a map */
static int member_text(const emk_cbor_item *m, const char *key, emk_cbor_item *v, int *has)
{
    *has = emk_cbor_map_text(m, key, v);
    return *has && v->type != EMK_CBOR_TEXT ? CTAP2_ERR_CBOR_UNEXPECTED_TYPE : CTAP2_OK;
}

static int parse_rp_user(const emk_cbor_item *p, mc_req *r)
{
    emk_cbor_item rp, user, v;
    int g1 = emk_fido_req_get(p, MC_RP, EMK_CBOR_MAP, &rp);
    int g2 = emk_fido_req_get(p, MC_USER, EMK_CBOR_MAP, &user);
    int has, st;

    if (g1 < 0 || g2 < 0)
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    if (!g1 || !g2 || !emk_cbor_map_text(&rp, "id", &r->rp_id) ||
        !emk_cbor_map_text(&user, "id", &r->user_id))
        return CTAP2_ERR_MISSING_PARAMETER;
    if (r->rp_id.type != EMK_CBOR_TEXT || r->user_id.type != EMK_CBOR_BYTES)
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    if (r->user_id.val < 1 || r->user_id.val > EMK_FIDO_USER_ID_MAX)
        return CTAP1_ERR_INVALID_LENGTH;
    if ((st = member_text(&rp, "name", &v, &has)) != CTAP2_OK ||
        (st = member_text(&user, "name", &r->user_name, &r->has_name)) != CTAP2_OK ||
        (st = member_text(&user, "displayName", &r->display_name, &r->has_dn)) != CTAP2_OK ||
        (st = member_text(&user, "icon", &v, &has)) != CTAP2_OK)
        return st;
    emk_sha256(r->rp_id.ptr, (size_t)r->rp_id.val, r->rp_id_hash);
    return CTAP2_OK;
}

/* the descriptors of excludeList must be well formed, all of them */
static int parse_list(const emk_cbor_item *list)
{
    emk_cbor_iter it;
    emk_cbor_item d, id;
    int ours, st;

    emk_cbor_iter_init(&it, list);
    while (emk_cbor_next(&it, &d) == 1)
        if ((st = emk_fido_req_descriptor(&d, &id, &ours)) != CTAP2_OK)
            return st;
    return CTAP2_OK;
}

static int parse(const emk_cbor_item *p, mc_req *r)
{
    int g, st;

    memset(r, 0, sizeof(*r));
    g = emk_fido_req_get(p, MC_CDH, EMK_CBOR_BYTES, &r->cdh);
    if (g < 0)
        return -g;
    if (!g)
        return CTAP2_ERR_MISSING_PARAMETER;
    if ((st = parse_rp_user(p, r)) != CTAP2_OK)
        return st;
    g = emk_fido_req_get(p, MC_ALGS, EMK_CBOR_ARRAY, &r->algs);
    if (g < 0)
        return -g;
    if (!g)
        return CTAP2_ERR_MISSING_PARAMETER;
    if (r->cdh.val != 32)
        return CTAP1_ERR_INVALID_LENGTH;
    g = emk_fido_req_get(p, MC_EXCLUDE, EMK_CBOR_ARRAY, &r->exclude);
    if (g < 0)
        return -g;
    r->has_exclude = g;
    if (g && (st = parse_list(&r->exclude)) != CTAP2_OK)
        return st;
    if ((st = emk_fido_ext_parse(p, MC_EXT, 0, &r->x)) != CTAP2_OK)
        return st;
    return emk_fido_req_options(p, MC_OPTIONS, r->opt);
}

/* step 3: ES256 must be among pubKeyCredParams */
static int check_algs(const emk_cbor_item *algs)
{
    emk_cbor_iter it;
    emk_cbor_item c, alg, type;
    int64_t a;
    int found = 0;

    emk_cbor_iter_init(&it, algs);
    while (emk_cbor_next(&it, &c) == 1) {
        if (c.type != EMK_CBOR_MAP)
            return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
        if (!emk_cbor_map_text(&c, "alg", &alg) || !emk_cbor_map_text(&c, "type", &type))
            return CTAP2_ERR_MISSING_PARAMETER;
        if (type.type != EMK_CBOR_TEXT || emk_cbor_get_int(&alg, &a) < 0)
            return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
        if (a == -7 && emk_cbor_text_eq(&type, "public-key"))
            found = 1;
    }
    return found ? CTAP2_OK : CTAP2_ERR_UNSUPPORTED_ALGORITHM;
}

/* steps 4-10: options, alwaysUv, makeCredUvNotRqd, the pinUvAuthToken */
static int check_uv(emk_fido *k, const emk_cbor_item *p, mc_req *r)
{
    emk_cbor_item v;
    int st;

    if (r->opt[EMK_FIDO_OPT_UV] == 1 && !r->has_pin)
        return CTAP2_ERR_INVALID_OPTION;        /* no built-in user verification */
    if (r->opt[EMK_FIDO_OPT_UP] == 0)
        return CTAP2_ERR_INVALID_OPTION;
    if (!r->has_pin && k->st.always_uv)
        return CTAP2_ERR_PUAT_REQUIRED;
    /* makeCredUvNotRqd: only discoverable credentials need the PIN */
    if (!r->has_pin && k->st.pin_set && r->opt[EMK_FIDO_OPT_RK] == 1)
        return CTAP2_ERR_PUAT_REQUIRED;
    if (emk_cbor_map_int(p, MC_EP, &v))
        return CTAP1_ERR_INVALID_PARAMETER;     /* no enterprise attestation */
    if (r->has_pin && (st = emk_fido_req_auth(k, r->proto, &r->pin, &r->cdh, EMK_FIDO_PERM_MC,
                                              r->rp_id_hash, &r->uv)) != CTAP2_OK)
        return st;
    if (r->x.large_blob_key && r->opt[EMK_FIDO_OPT_RK] != 1)
        return CTAP2_ERR_INVALID_OPTION;
    return CTAP2_OK;
}

/* user presence, or the token's when it still has it */
static int presence(emk_fido *k, const mc_req *r)
{
    int up;

    if (r->has_pin && emk_fido_pin_token_up(k))
        return 1;
    up = emk_fido_up_test(k);
    return up == EMK_FIDO_PENDING ? up : up == 1;
}

/* step 11: a listed credential of ours for this RP (that this request
 * may see) ends the command after a touch */
static int check_exclude(emk_fido *k, const mc_req *r)
{
    emk_cbor_iter it;
    emk_cbor_item d, id;
    emk_p256_priv priv;
    uint8_t flags;
    int ours, n = 0, hit = 0, up;

    if (!r->has_exclude)
        return CTAP2_OK;
    emk_cbor_iter_init(&it, &r->exclude);
    while (!hit && n < EMK_FIDO_MAX_ALLOW && emk_cbor_next(&it, &d) == 1) {
        n++;
        emk_fido_req_descriptor(&d, &id, &ours);
        if (ours && emk_fido_cred_open(k, r->rp_id_hash, id.ptr, (size_t)id.val, &priv,
                                       &flags) == 0)
            hit = (flags & EMK_FIDO_CRED_LEVEL_MASK) < 3 || r->uv;
    }
    emk_ct_wipe(&priv, sizeof(priv));
    if (!hit)
        return CTAP2_OK;
    up = presence(k, r);
    return up == EMK_FIDO_PENDING ? up : CTAP2_ERR_CREDENTIAL_EXCLUDED;
}

/* the slot a discoverable credential goes to: the same user's, or a free
 * one among the first max_rk; -1 when full */
static int rk_slot(const emk_fido *k, const mc_req *r)
{
    int i = emk_fido_rk_find_user(k, r->rp_id_hash, r->user_id.ptr, (size_t)r->user_id.val);

    if (i >= 0)
        return i;
    for (i = 0; i < (int)k->max_rk; i++)
        if (!k->st.rk[i].in_use)
            return i;
    return -1;
}

static void copy_text(char *dst, uint8_t *dst_len, const emk_cbor_item *v, size_t max)
{
    size_t n = emk_fido_utf8_prefix(v->ptr, (size_t)v->val, max);

    memcpy(dst, v->ptr, n);
    *dst_len = (uint8_t)n;
}

static void fill_rk(emk_fido *k, emk_fido_rk *rk, const mc_req *r, const uint8_t *id,
                    uint8_t level, int blob)
{
    memset(rk, 0, sizeof(*rk));
    rk->in_use = 1;
    rk->cred_protect = level;
    rk->seq = ++k->st.rk_seq;
    memcpy(rk->rp_id_hash, r->rp_id_hash, 32);
    memcpy(rk->cred_id, id, EMK_FIDO_CRED_ID_LEN);
    rk->user_id_len = (uint8_t)r->user_id.val;
    memcpy(rk->user_id, r->user_id.ptr, rk->user_id_len);
    copy_text(rk->rp_id, &rk->rp_id_len, &r->rp_id, EMK_FIDO_RP_ID_MAX);
    if (r->has_name)
        copy_text(rk->user_name, &rk->user_name_len, &r->user_name, EMK_FIDO_NAME_MAX);
    if (r->has_dn)
        copy_text(rk->display_name, &rk->display_name_len, &r->display_name, EMK_FIDO_NAME_MAX);
    if (blob) {
        rk->cred_blob_len = (uint8_t)r->x.blob.val;
        memcpy(rk->cred_blob, r->x.blob.ptr, rk->cred_blob_len);
    }
    if (r->x.large_blob_key) {
        rk->has_large_blob_key = 1;
        emk_fido_random(k, rk->large_blob_key, 32);
    }
}

/* authData: head, attested credential data, extension outputs */
static int build_ad(emk_fido *k, const mc_req *r, const uint8_t *id, const emk_p256_priv *priv,
                    uint8_t level, int blob, uint8_t *ad, size_t *ad_len)
{
    emk_cbor_enc e, xe;
    emk_p256_pub pub;
    uint8_t xbuf[128], head[EMK_FIDO_AD_HEAD];
    uint32_t ctr;
    int nx;
    uint8_t flags = EMK_FIDO_AD_UP | EMK_FIDO_AD_AT | (r->uv ? EMK_FIDO_AD_UV : 0);

    emk_cbor_enc_init(&xe, xbuf, sizeof(xbuf));
    nx = emk_fido_ext_mc_out(k, &r->x, r->rp_id.ptr, (size_t)r->rp_id.val, blob, level, &xe);
    if (nx)
        flags |= EMK_FIDO_AD_ED;
    if (emk_p256_pub_from_priv(&pub, priv) < 0 || emk_fido_counter_next(k, &ctr) < 0)
        return CTAP1_ERR_OTHER;
    emk_fido_ad_head(head, r->rp_id_hash, flags, ctr);
    emk_cbor_enc_init(&e, ad, EMK_FIDO_AD_MAX);
    emk_cbor_raw(&e, head, sizeof(head));
    emk_fido_ad_attested(&e, id, &pub);
    emk_cbor_raw(&e, xbuf, xe.len);
    if (xe.err || emk_cbor_enc_finish(&e, ad_len) < 0)
        return CTAP1_ERR_OTHER;
    return CTAP2_OK;
}

/* steps 13-19 after the touch: the credential, authData, attestation */
static int create(emk_fido *k, const mc_req *r, int slot, emk_cbor_enc *e)
{
    uint8_t id[EMK_FIDO_CRED_ID_LEN], ad[EMK_FIDO_AD_MAX];
    emk_p256_priv priv;
    emk_fido_rk old;
    uint32_t old_seq = k->st.rk_seq;
    size_t ad_len = 0;
    uint8_t level = r->x.cred_protect ? r->x.cred_protect : 1;
    int blob = slot >= 0 && r->x.cred_blob && r->x.blob.val <= EMK_FIDO_CRED_BLOB_MAX;
    int st;

    if (emk_fido_cred_new(k, r->rp_id_hash, level, id, &priv) < 0)
        return CTAP1_ERR_OTHER;
    st = build_ad(k, r, id, &priv, level, blob, ad, &ad_len);
    if (st == CTAP2_OK && slot >= 0) {
        old = k->st.rk[slot];
        fill_rk(k, &k->st.rk[slot], r, id, level, blob);
        if (k->err || emk_fido_store_save(k) < 0) {
            k->st.rk[slot] = old;           /* nothing half changed */
            k->st.rk_seq = old_seq;
            st = CTAP1_ERR_OTHER;
        }
        emk_ct_wipe(&old, sizeof(old));
    }
    if (st == CTAP2_OK) {
        emk_cbor_map(e, r->x.large_blob_key ? 4 : 3);
        emk_cbor_uint(e, 1);
        emk_cbor_text_z(e, "packed");
        emk_cbor_uint(e, 2);
        emk_cbor_bytes(e, ad, ad_len);
        emk_cbor_uint(e, 3);
        st = emk_fido_att_packed(k, &priv, ad, ad_len, r->cdh.ptr, e);
        if (r->x.large_blob_key) {
            emk_cbor_uint(e, 5);
            emk_cbor_bytes(e, k->st.rk[slot].large_blob_key, 32);
        }
    }
    emk_ct_wipe(&priv, sizeof(priv));
    return st;
}

static int make_credential(emk_fido *k, const emk_cbor_item *p, mc_req *r, emk_cbor_enc *e)
{
    int st, slot = -1, up;

    if ((st = parse(p, r)) != CTAP2_OK)
        return st;
    if ((st = emk_fido_req_pin(k, p, MC_PIN_PARAM, MC_PIN_PROTO, &r->has_pin, &r->pin,
                               &r->proto)) != CTAP2_OK)
        return st;
    if ((st = check_algs(&r->algs)) != CTAP2_OK || (st = check_uv(k, p, r)) != CTAP2_OK ||
        (st = check_exclude(k, r)) != CTAP2_OK)
        return st;
    if (r->opt[EMK_FIDO_OPT_RK] == 1 && (slot = rk_slot(k, r)) < 0)
        return CTAP2_ERR_KEY_STORE_FULL;
    if (k->err)
        return CTAP1_ERR_OTHER;
    up = presence(k, r);
    if (up == EMK_FIDO_PENDING)
        return up;
    if (!up)
        return CTAP2_ERR_OPERATION_DENIED;
    if (r->has_pin)
        emk_fido_pin_token_clear_up(k);
    return create(k, r, slot, e);
}

int emk_fido_make_credential(emk_fido *k, const emk_cbor_item *params, emk_cbor_enc *e)
{
    mc_req r;
    int st = make_credential(k, params, &r, e);

    EMK_TRACE(ev_mc, "status=0x%02x rk=%d uv=%d", st, r.opt[EMK_FIDO_OPT_RK], r.uv);
    return st;
}
