/*
 * get_assert.c - authenticatorGetAssertion and GetNextAssertion (CTAP 2.1
 * sections 6.2 and 6.3).
 *
 * The credentials come from allowList (the first EMK_FIDO_MAX_ALLOW
 * descriptors) or, without one, from the resident credentials of the RP,
 * newest first; the rest of those wait in k->next for GetNextAssertion
 * for 30 s after each response.  Nothing changes before the test of user
 * presence (EMK_FIDO_PENDING re-runs the request).
 */
#include "fido_int.h"
#include "trace_int.h"

static emk_trace_event ev_ga = EMK_TRACE_EVENT_INIT("fido_get_assertion");

enum ga_key {
    GA_RP_ID = 1, GA_CDH = 2, GA_ALLOW = 3, GA_EXT = 4, GA_OPTIONS = 5,
    GA_PIN_PARAM = 6, GA_PIN_PROTO = 7
};

#define NEXT_TIMEOUT_NS ((int64_t)EMK_FIDO_NEXT_TIMEOUT_MS * 1000000)

typedef struct ga_req {
    emk_cbor_item rp_id, cdh, allow, pin;
    int has_allow, has_pin, uv, up;
    int64_t proto;
    int opt[3];
    emk_fido_ext x;
    uint8_t rp_id_hash[32];
    /* the credentials found */
    int count;                       /**< resident ones, or 1 from allowList */
    int rk;                          /**< allowList's: its resident slot or -1 */
    uint8_t id[EMK_FIDO_CRED_ID_LEN];
    uint8_t slot[EMK_FIDO_MAX_RK];
} ga_req;

/* ------------------------------------------------------------ state */

void emk_fido_assert_forget(emk_fido *k)
{
    emk_fido_assert_state *s = &k->next;

    if (s->timer_ready)
        emk_timer_del(&s->timer);
    if (s->active) {
        emk_ct_wipe(&s->ext, sizeof(s->ext));
        emk_ct_wipe(s->cdh, sizeof(s->cdh));
        s->active = 0;
    }
}

void emk_fido_ctap2_abort(emk_fido *k)
{
    emk_fido_assert_forget(k);
}

static void next_expired(void *opaque)
{
    emk_fido_assert_forget(opaque);
}

static void next_arm(emk_fido *k)
{
    emk_fido_assert_state *s = &k->next;

    if (!s->timer_ready) {
        emk_timer_init(&s->timer, k->loop, next_expired, k);
        s->timer_ready = 1;
    }
    emk_timer_mod(&s->timer, emk_loop_now(k->loop) + NEXT_TIMEOUT_NS);
}

/* ------------------------------------------------------------ parse */

static int parse(const emk_cbor_item *p, ga_req *r)
{
    emk_cbor_iter it;
    emk_cbor_item d, id;
    int g, ours, st;

    memset(r, 0, sizeof(*r));
    r->rk = -1;
    g = emk_fido_req_get(p, GA_RP_ID, EMK_CBOR_TEXT, &r->rp_id);
    st = emk_fido_req_get(p, GA_CDH, EMK_CBOR_BYTES, &r->cdh);
    if (g < 0 || st < 0)
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    if (!g || !st)
        return CTAP2_ERR_MISSING_PARAMETER;
    if (r->cdh.val != 32)
        return CTAP1_ERR_INVALID_LENGTH;
    emk_sha256(r->rp_id.ptr, (size_t)r->rp_id.val, r->rp_id_hash);
    g = emk_fido_req_get(p, GA_ALLOW, EMK_CBOR_ARRAY, &r->allow);
    if (g < 0)
        return -g;
    r->has_allow = g && r->allow.val > 0;
    emk_cbor_iter_init(&it, &r->allow);
    while (g && emk_cbor_next(&it, &d) == 1)
        if ((st = emk_fido_req_descriptor(&d, &id, &ours)) != CTAP2_OK)
            return st;
    if ((st = emk_fido_ext_parse(p, GA_EXT, 1, &r->x)) != CTAP2_OK)
        return st;
    return emk_fido_req_options(p, GA_OPTIONS, r->opt);
}

/* steps 3-6: options, alwaysUv, the pinUvAuthToken */
static int check_uv(emk_fido *k, ga_req *r)
{
    int st;

    if (r->opt[EMK_FIDO_OPT_RK] != -1)
        return CTAP2_ERR_UNSUPPORTED_OPTION;
    if (r->opt[EMK_FIDO_OPT_UV] == 1 && !r->has_pin)
        return CTAP2_ERR_INVALID_OPTION;        /* no built-in user verification */
    r->up = r->opt[EMK_FIDO_OPT_UP] != 0;
    if (!r->has_pin && k->st.always_uv && r->up)
        return CTAP2_ERR_PUAT_REQUIRED;
    if (r->has_pin && (st = emk_fido_req_auth(k, r->proto, &r->pin, &r->cdh, EMK_FIDO_PERM_GA,
                                              r->rp_id_hash, &r->uv)) != CTAP2_OK)
        return st;
    if (r->x.hmac_secret && !r->up)
        return CTAP2_ERR_UNSUPPORTED_OPTION;    /* hmac-secret needs a touch */
    return CTAP2_OK;
}

/* ----------------------------------------------------------- locate */

/* credProtect: 1 always; 2 needs UV or the ID from allowList; 3 needs UV */
static int usable(uint8_t level, int uv, int listed)
{
    level &= EMK_FIDO_CRED_LEVEL_MASK;
    return uv || level <= 1 || (level == 2 && listed);
}

static void find_listed(emk_fido *k, ga_req *r)
{
    emk_cbor_iter it;
    emk_cbor_item d, id;
    emk_p256_priv priv;
    uint8_t flags;
    int ours, n = 0;

    emk_cbor_iter_init(&it, &r->allow);
    while (!r->count && n < EMK_FIDO_MAX_ALLOW && emk_cbor_next(&it, &d) == 1) {
        n++;
        emk_fido_req_descriptor(&d, &id, &ours);
        if (!ours || emk_fido_cred_open(k, r->rp_id_hash, id.ptr, (size_t)id.val, &priv,
                                        &flags) != 0 || !usable(flags, r->uv, 1))
            continue;
        memcpy(r->id, id.ptr, EMK_FIDO_CRED_ID_LEN);
        r->rk = emk_fido_rk_find_id(k, r->rp_id_hash, r->id, sizeof(r->id));
        r->count = 1;
    }
    emk_ct_wipe(&priv, sizeof(priv));
}

/* the RP's discoverable credentials this request may see, newest first */
static void find_resident(emk_fido *k, ga_req *r)
{
    for (int i = 0; i < EMK_FIDO_MAX_RK; i++) {
        const emk_fido_rk *rk = &k->st.rk[i];
        int j;

        if (!rk->in_use || memcmp(rk->rp_id_hash, r->rp_id_hash, 32) ||
            !usable(rk->cred_protect, r->uv, 0))
            continue;
        for (j = r->count; j > 0 && k->st.rk[r->slot[j - 1]].seq < rk->seq; j--)
            r->slot[j] = r->slot[j - 1];
        r->slot[j] = (uint8_t)i;
        r->count++;
    }
}

/* ---------------------------------------------------------- respond */

static void user_entity(emk_cbor_enc *e, const emk_fido_rk *rk, int uv)
{
    int name = uv && rk->user_name_len, dn = uv && rk->display_name_len;

    /* names only after user verification (section 6.2.2 step 12) */
    emk_cbor_map(e, (size_t)(1 + name + dn));
    emk_cbor_text_z(e, "id");
    emk_cbor_bytes(e, rk->user_id, rk->user_id_len);
    if (name) {
        emk_cbor_text_z(e, "name");
        emk_cbor_text(e, rk->user_name, rk->user_name_len);
    }
    if (dn) {
        emk_cbor_text_z(e, "displayName");
        emk_cbor_text(e, rk->display_name, rk->display_name_len);
    }
}

static int build_ad(emk_fido *k, const uint8_t rp_id_hash[32], uint8_t flags,
                    const emk_fido_ga_ext *g, const uint8_t *id, const emk_fido_rk *rk,
                    uint8_t *ad, size_t *ad_len)
{
    emk_cbor_enc e, xe;
    uint8_t head[EMK_FIDO_AD_HEAD], xbuf[160];
    uint32_t ctr;
    int st;

    if (g->cred_blob || g->hmac)
        flags |= EMK_FIDO_AD_ED;
    emk_cbor_enc_init(&xe, xbuf, sizeof(xbuf));
    st = emk_fido_ext_ga_out(k, g, id, (flags & EMK_FIDO_AD_UV) != 0, rk, &xe);
    if (st != CTAP2_OK)
        return st;
    if (xe.err || emk_fido_counter_next(k, &ctr) < 0)
        return CTAP1_ERR_OTHER;
    emk_fido_ad_head(head, rp_id_hash, flags, ctr);
    emk_cbor_enc_init(&e, ad, EMK_FIDO_AD_MAX);
    emk_cbor_raw(&e, head, sizeof(head));
    emk_cbor_raw(&e, xbuf, xe.len);
    return emk_cbor_enc_finish(&e, ad_len) < 0 ? CTAP1_ERR_OTHER : CTAP2_OK;
}

/* one assertion: count > 1 adds numberOfCredentials (the first response) */
static int respond(emk_fido *k, const uint8_t rp_id_hash[32], const uint8_t cdh[32],
                   uint8_t flags, const emk_fido_ga_ext *g, const uint8_t *id,
                   const emk_fido_rk *rk, int count, emk_cbor_enc *e)
{
    uint8_t ad[EMK_FIDO_AD_MAX], sig[EMK_P256_SIG_DER_MAX];
    emk_p256_priv priv;
    size_t ad_len = 0;
    int lbk = g->large_blob_key && rk && rk->has_large_blob_key;
    int st, n;

    if (emk_fido_cred_open(k, rp_id_hash, id, EMK_FIDO_CRED_ID_LEN, &priv, NULL) != 0)
        return CTAP1_ERR_OTHER;
    st = build_ad(k, rp_id_hash, flags, g, id, rk, ad, &ad_len);
    n = st == CTAP2_OK ? emk_fido_ad_sign(k, &priv, ad, ad_len, cdh, sig) : -1;
    emk_ct_wipe(&priv, sizeof(priv));
    if (st != CTAP2_OK)
        return st;
    if (n < 0)
        return CTAP1_ERR_OTHER;
    emk_cbor_map(e, (size_t)(3 + (rk != NULL) + (count > 1) + lbk));
    emk_cbor_uint(e, 1);
    emk_cbor_map(e, 2);
    emk_cbor_text_z(e, "id");
    emk_cbor_bytes(e, id, EMK_FIDO_CRED_ID_LEN);
    emk_cbor_text_z(e, "type");
    emk_cbor_text_z(e, "public-key");
    emk_cbor_uint(e, 2);
    emk_cbor_bytes(e, ad, ad_len);
    emk_cbor_uint(e, 3);
    emk_cbor_bytes(e, sig, (size_t)n);
    if (rk) {
        emk_cbor_uint(e, 4);
        user_entity(e, rk, (flags & EMK_FIDO_AD_UV) != 0);
    }
    if (count > 1) {
        emk_cbor_uint(e, 5);
        emk_cbor_uint(e, (uint64_t)count);
    }
    if (lbk) {
        emk_cbor_uint(e, 7);
        emk_cbor_bytes(e, rk->large_blob_key, 32);
    }
    return CTAP2_OK;
}

/* what is left for GetNextAssertion */
static void keep_rest(emk_fido *k, const ga_req *r, uint8_t flags, const emk_fido_ga_ext *g)
{
    emk_fido_assert_state *s = &k->next;

    s->active = 1;
    s->flags = flags;
    s->count = (uint8_t)r->count;
    s->pos = 1;
    memcpy(s->rp_id_hash, r->rp_id_hash, 32);
    memcpy(s->cdh, r->cdh.ptr, 32);
    for (int i = 0; i < r->count; i++) {
        s->slot[i] = r->slot[i];
        s->seq[i] = k->st.rk[r->slot[i]].seq;
    }
    s->ext = *g;
    next_arm(k);
}

static int get_assertion(emk_fido *k, const emk_cbor_item *p, ga_req *r, emk_fido_ga_ext *g,
                         emk_cbor_enc *e)
{
    const emk_fido_rk *rk;
    uint8_t flags;
    int st, up;

    if ((st = parse(p, r)) != CTAP2_OK)
        return st;
    if ((st = emk_fido_req_pin(k, p, GA_PIN_PARAM, GA_PIN_PROTO, &r->has_pin, &r->pin,
                               &r->proto)) != CTAP2_OK)
        return st;
    if ((st = check_uv(k, r)) != CTAP2_OK)
        return st;
    if (r->has_allow)
        find_listed(k, r);
    else
        find_resident(k, r);
    if (!r->count)
        return CTAP2_ERR_NO_CREDENTIALS;
    g->cred_blob = r->x.cred_blob;
    g->large_blob_key = r->x.large_blob_key;
    if (r->x.hmac_secret) {
        if ((st = emk_fido_ext_hs_open(k, &r->x, &g->hs)) != CTAP2_OK)
            return st;
        g->hmac = 1;
    }
    flags = r->uv ? EMK_FIDO_AD_UV : 0;
    if (r->up) {
        up = r->has_pin && emk_fido_pin_token_up(k) ? 1 : emk_fido_up_test(k);
        if (up == EMK_FIDO_PENDING)
            return up;
        if (up != 1)
            return CTAP2_ERR_OPERATION_DENIED;
        flags |= EMK_FIDO_AD_UP;
        if (r->has_pin)
            emk_fido_pin_token_clear_up(k);
    }
    if (k->err)
        return CTAP1_ERR_OTHER;
    if (!r->has_allow)
        memcpy(r->id, k->st.rk[r->slot[0]].cred_id, EMK_FIDO_CRED_ID_LEN);
    rk = r->has_allow ? (r->rk >= 0 ? &k->st.rk[r->rk] : NULL) : &k->st.rk[r->slot[0]];
    st = respond(k, r->rp_id_hash, r->cdh.ptr, flags, g, r->id, rk,
                 r->has_allow ? 1 : r->count, e);
    if (st == CTAP2_OK && r->count > 1)
        keep_rest(k, r, flags, g);
    return st;
}

int emk_fido_get_assertion(emk_fido *k, const emk_cbor_item *params, emk_cbor_enc *e)
{
    ga_req r;
    emk_fido_ga_ext g;
    int st;

    memset(&g, 0, sizeof(g));
    emk_fido_assert_forget(k);
    st = get_assertion(k, params, &r, &g, e);
    emk_ct_wipe(&g, sizeof(g));
    EMK_TRACE(ev_ga, "status=0x%02x count=%d uv=%d", st, r.count, r.uv);
    return st;
}

int emk_fido_get_next_assertion(emk_fido *k, emk_cbor_enc *e)
{
    emk_fido_assert_state *s = &k->next;
    const emk_fido_rk *rk;
    int st;

    if (!s->active || s->pos >= s->count)
        return CTAP2_ERR_NOT_ALLOWED;
    rk = &k->st.rk[s->slot[s->pos]];
    if (!rk->in_use || rk->seq != s->seq[s->pos]) {
        emk_fido_assert_forget(k);      /* changed under us */
        return CTAP2_ERR_NOT_ALLOWED;
    }
    if (k->err)
        return CTAP1_ERR_OTHER;
    st = respond(k, s->rp_id_hash, s->cdh, s->flags, &s->ext, rk->cred_id, rk, 1, e);
    s->pos++;
    if (s->pos >= s->count)
        emk_fido_assert_forget(k);
    else
        next_arm(k);
    return st;
}
