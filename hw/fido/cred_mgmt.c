/*
 * cred_mgmt.c - authenticatorCredentialManagement (CTAP 2.1 section 6.8;
 * command 0x0A and the preview 0x41): getCredsMetadata, enumerateRPs,
 * enumerateCredentials, deleteCredential, updateUserInformation.
 *
 * Every subcommand but the two GetNext continuations carries a
 * pinUvAuthParam over subCommand || subCommandParams with the cm
 * permission.  The enumeration state (k->cm) is an index into k->st.rk:
 * RPs are handed out in the order of their first credential's slot,
 * credentials of one RP in slot order.  Any other command forgets it
 * (emk_fido_cm_abort from ctap2.c's dispatch, or a new subcommand here).
 */
#include "fido_int.h"
#include "trace_int.h"

static emk_trace_event ev_cm = EMK_TRACE_EVENT_INIT("fido_cred_mgmt");

enum cm_keys {
    CM_SUB = 1,
    CM_SUB_PARAMS = 2,
    CM_PROTO = 3,
    CM_PARAM = 4
};

enum cm_sub_keys {
    CM_P_RP_ID_HASH = 1,
    CM_P_CRED_ID = 2,
    CM_P_USER = 3
};

enum cm_resp {
    CM_R_EXISTING = 1,
    CM_R_REMAINING = 2,
    CM_R_RP = 3,
    CM_R_RP_ID_HASH = 4,
    CM_R_TOTAL_RPS = 5,
    CM_R_USER = 6,
    CM_R_CRED_ID = 7,
    CM_R_PUBLIC_KEY = 8,
    CM_R_TOTAL_CREDS = 9,
    CM_R_CRED_PROTECT = 10,
    CM_R_LARGE_BLOB_KEY = 11
};

enum cm_sub {
    CM_METADATA = 1,
    CM_RPS_BEGIN = 2,
    CM_RPS_NEXT = 3,
    CM_CREDS_BEGIN = 4,
    CM_CREDS_NEXT = 5,
    CM_DELETE = 6,
    CM_UPDATE_USER = 7
};

void emk_fido_cm_abort(emk_fido *k)
{
    k->cm.mode = EMK_FIDO_CM_NONE;
    k->cm.last = -1;
}

/* 1 if slot i holds the first credential of its RP */
static int rp_first(const emk_fido *k, int i)
{
    const emk_fido_rk *r = &k->st.rk[i];

    if (!r->in_use)
        return 0;
    for (int j = 0; j < i; j++)
        if (k->st.rk[j].in_use && !memcmp(k->st.rk[j].rp_id_hash, r->rp_id_hash, 32))
            return 0;
    return 1;
}

static int rk_of_rp(const emk_fido *k, int i, const uint8_t *rp_id_hash)
{
    return k->st.rk[i].in_use && !memcmp(k->st.rk[i].rp_id_hash, rp_id_hash, 32);
}

/* The next slot after `after` that rp_first (rp NULL) or rk_of_rp accepts. */
static int next_slot(const emk_fido *k, int after, const uint8_t *rp)
{
    for (int i = after + 1; i < EMK_FIDO_MAX_RK; i++)
        if (rp ? rk_of_rp(k, i, rp) : rp_first(k, i))
            return i;
    return -1;
}

static unsigned count(const emk_fido *k, const uint8_t *rp)
{
    unsigned n = 0;

    for (int i = next_slot(k, -1, rp); i >= 0; i = next_slot(k, i, rp))
        n++;
    return n;
}

static unsigned rk_used(const emk_fido *k)
{
    unsigned n = 0;

    for (int i = 0; i < EMK_FIDO_MAX_RK; i++)
        n += k->st.rk[i].in_use != 0;
    return n;
}

static void put_rp(emk_fido *k, int i, emk_cbor_enc *e, int with_total)
{
    const emk_fido_rk *r = &k->st.rk[i];

    emk_cbor_map(e, with_total ? 3 : 2);
    emk_cbor_uint(e, CM_R_RP);
    emk_cbor_map(e, 1);
    emk_cbor_text_z(e, "id");
    emk_cbor_text(e, r->rp_id, r->rp_id_len);
    emk_cbor_uint(e, CM_R_RP_ID_HASH);
    emk_cbor_bytes(e, r->rp_id_hash, 32);
    if (with_total) {
        emk_cbor_uint(e, CM_R_TOTAL_RPS);
        emk_cbor_uint(e, count(k, NULL));
    }
    k->cm.last = i;
}

/* The credential's COSE public key (ES256), from its wrapped private key. */
static int put_pub(emk_fido *k, const emk_fido_rk *r, emk_cbor_enc *e)
{
    emk_p256_priv priv;
    emk_p256_pub pub;
    uint8_t cp;
    int bad;

    bad = emk_fido_cred_open(k, r->rp_id_hash, r->cred_id, EMK_FIDO_CRED_ID_LEN, &priv, &cp) < 0 ||
          emk_p256_pub_from_priv(&pub, &priv) < 0;
    emk_ct_wipe(&priv, sizeof(priv));
    if (bad)
        return CTAP1_ERR_OTHER;
    emk_cbor_map(e, 5);
    emk_cbor_int(e, 1);          /* kty: EC2 */
    emk_cbor_int(e, 2);
    emk_cbor_int(e, 3);          /* alg: ES256 */
    emk_cbor_int(e, -7);
    emk_cbor_int(e, -1);         /* crv: P-256 */
    emk_cbor_int(e, 1);
    emk_cbor_int(e, -2);
    emk_cbor_bytes(e, pub.x, 32);
    emk_cbor_int(e, -3);
    emk_cbor_bytes(e, pub.y, 32);
    return CTAP2_OK;
}

static int put_cred(emk_fido *k, int i, emk_cbor_enc *e, int with_total)
{
    const emk_fido_rk *r = &k->st.rk[i];
    size_t n = 4 + (with_total != 0) + (r->has_large_blob_key != 0);
    int st;

    emk_cbor_map(e, n);
    emk_cbor_uint(e, CM_R_USER);
    emk_cbor_map(e, 1 + (r->user_name_len != 0) + (r->display_name_len != 0));
    emk_cbor_text_z(e, "id");
    emk_cbor_bytes(e, r->user_id, r->user_id_len);
    if (r->user_name_len) {
        emk_cbor_text_z(e, "name");
        emk_cbor_text(e, r->user_name, r->user_name_len);
    }
    if (r->display_name_len) {
        emk_cbor_text_z(e, "displayName");
        emk_cbor_text(e, r->display_name, r->display_name_len);
    }
    emk_cbor_uint(e, CM_R_CRED_ID);
    emk_cbor_map(e, 2);
    emk_cbor_text_z(e, "id");
    emk_cbor_bytes(e, r->cred_id, EMK_FIDO_CRED_ID_LEN);
    emk_cbor_text_z(e, "type");
    emk_cbor_text_z(e, "public-key");
    emk_cbor_uint(e, CM_R_PUBLIC_KEY);
    st = put_pub(k, r, e);
    if (st != CTAP2_OK)
        return st;
    if (with_total) {
        emk_cbor_uint(e, CM_R_TOTAL_CREDS);
        emk_cbor_uint(e, count(k, r->rp_id_hash));
    }
    emk_cbor_uint(e, CM_R_CRED_PROTECT);
    emk_cbor_uint(e, r->cred_protect ? r->cred_protect : 1);
    if (r->has_large_blob_key) {
        emk_cbor_uint(e, CM_R_LARGE_BLOB_KEY);
        emk_cbor_bytes(e, r->large_blob_key, 32);
    }
    k->cm.last = i;
    return CTAP2_OK;
}

/* The slot holding credential ID `desc` (a PublicKeyCredentialDescriptor). */
static int find_cred(const emk_fido *k, const emk_cbor_item *desc, int *slot)
{
    emk_cbor_item id;

    if (desc->type != EMK_CBOR_MAP)
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    if (emk_cbor_map_text(desc, "id", &id) != 1)
        return CTAP2_ERR_MISSING_PARAMETER;
    if (id.type != EMK_CBOR_BYTES)
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    for (int i = 0; i < EMK_FIDO_MAX_RK; i++)
        if (k->st.rk[i].in_use && id.val == EMK_FIDO_CRED_ID_LEN &&
            !memcmp(k->st.rk[i].cred_id, id.ptr, EMK_FIDO_CRED_ID_LEN)) {
            *slot = i;
            return CTAP2_OK;
        }
    return CTAP2_ERR_NO_CREDENTIALS;
}

/* Copies a text field of at most cap bytes, cut at a code point boundary. */
static uint8_t copy_text(char *dst, size_t cap, const emk_cbor_item *t)
{
    size_t n = (size_t)t->val;

    if (n > cap) {
        n = cap;
        while (n && (t->ptr[n] & 0xc0) == 0x80)
            n--;
    }
    memset(dst, 0, cap);
    memcpy(dst, t->ptr, n);
    return (uint8_t)n;
}

static int update_user(emk_fido *k, emk_fido_rk *r, const emk_cbor_item *user)
{
    emk_cbor_item id, name, dname;
    int hn, hd;

    if (user->type != EMK_CBOR_MAP)
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    if (emk_cbor_map_text(user, "id", &id) != 1)
        return CTAP2_ERR_MISSING_PARAMETER;
    hn = emk_cbor_map_text(user, "name", &name);
    hd = emk_cbor_map_text(user, "displayName", &dname);
    if (id.type != EMK_CBOR_BYTES || (hn && name.type != EMK_CBOR_TEXT) ||
        (hd && dname.type != EMK_CBOR_TEXT))
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    if (id.val != r->user_id_len || memcmp(id.ptr, r->user_id, r->user_id_len))
        return CTAP1_ERR_INVALID_PARAMETER;
    if (k->err)
        return CTAP1_ERR_OTHER;
    /* absent fields are removed (section 6.8.6) */
    r->user_name_len = hn ? copy_text(r->user_name, EMK_FIDO_NAME_MAX, &name) : 0;
    if (!hn)
        memset(r->user_name, 0, sizeof(r->user_name));
    r->display_name_len = hd ? copy_text(r->display_name, EMK_FIDO_NAME_MAX, &dname) : 0;
    if (!hd)
        memset(r->display_name, 0, sizeof(r->display_name));
    return CTAP2_OK;
}

/* deleteCredential and updateUserInformation: the credential, the token's
 * RP, then the change and one save. */
static int change_cred(emk_fido *k, int64_t sub, const emk_cbor_item *sp, int have_sp)
{
    emk_cbor_item desc, user;
    emk_fido_rk saved;
    const uint8_t *bound;
    int slot = -1, st;

    if (!have_sp || emk_cbor_map_int(sp, CM_P_CRED_ID, &desc) != 1 ||
        (sub == CM_UPDATE_USER && emk_cbor_map_int(sp, CM_P_USER, &user) != 1))
        return CTAP2_ERR_MISSING_PARAMETER;
    st = find_cred(k, &desc, &slot);
    if (st != CTAP2_OK)
        return st;
    bound = emk_fido_pin_token_rp(k);
    if (bound && memcmp(bound, k->st.rk[slot].rp_id_hash, 32))
        return CTAP2_ERR_PIN_AUTH_INVALID;
    if (k->err)
        return CTAP1_ERR_OTHER;
    saved = k->st.rk[slot];
    if (sub == CM_DELETE) {
        memset(&k->st.rk[slot], 0, sizeof(k->st.rk[slot]));
    } else {
        st = update_user(k, &k->st.rk[slot], &user);
        if (st != CTAP2_OK)
            return st;
    }
    if (emk_fido_store_save(k) < 0) {
        k->st.rk[slot] = saved;
        st = CTAP1_ERR_OTHER;
    }
    emk_ct_wipe(&saved, sizeof(saved));
    EMK_TRACE(ev_cm, "sub=%lld slot=%d status=0x%02x", (long long)sub, slot, st);
    return st;
}

static int creds_begin(emk_fido *k, const emk_cbor_item *sp, int have_sp, emk_cbor_enc *e)
{
    emk_cbor_item h;
    const uint8_t *bound = emk_fido_pin_token_rp(k);
    int i;

    if (!have_sp || emk_cbor_map_int(sp, CM_P_RP_ID_HASH, &h) != 1)
        return CTAP2_ERR_MISSING_PARAMETER;
    if (h.type != EMK_CBOR_BYTES)
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    if (h.val != 32)
        return CTAP1_ERR_INVALID_PARAMETER;
    if (bound && memcmp(bound, h.ptr, 32))
        return CTAP2_ERR_PIN_AUTH_INVALID;
    i = next_slot(k, -1, h.ptr);
    if (i < 0)
        return CTAP2_ERR_NO_CREDENTIALS;
    memcpy(k->cm.rp_id_hash, h.ptr, 32);
    if (put_cred(k, i, e, 1) != CTAP2_OK)
        return CTAP1_ERR_OTHER;
    k->cm.mode = count(k, h.ptr) > 1 ? EMK_FIDO_CM_CREDS : EMK_FIDO_CM_NONE;
    return CTAP2_OK;
}

static int next(emk_fido *k, int mode, emk_cbor_enc *e)
{
    const uint8_t *rp = mode == EMK_FIDO_CM_CREDS ? k->cm.rp_id_hash : NULL;
    int i, st;

    if (k->cm.mode != mode)
        return CTAP2_ERR_NOT_ALLOWED;
    i = next_slot(k, k->cm.last, rp);
    if (i < 0) {
        emk_fido_cm_abort(k);
        return CTAP2_ERR_NOT_ALLOWED;
    }
    if (rp) {
        st = put_cred(k, i, e, 0);
    } else {
        put_rp(k, i, e, 0);
        st = CTAP2_OK;
    }
    if (next_slot(k, i, rp) < 0)
        k->cm.mode = EMK_FIDO_CM_NONE;    /* that was the last one */
    return st;
}

int emk_fido_cred_mgmt(emk_fido *k, const emk_cbor_item *params, emk_cbor_enc *e)
{
    uint8_t msg[1 + EMK_FIDO_MAX_MSG];
    emk_cbor_item sp;
    size_t n = 1;
    int64_t sub;
    int have_sp, st, r;

    r = emk_fido_field_uint(params, CM_SUB, &sub);
    have_sp = emk_fido_field(params, CM_SUB_PARAMS, EMK_CBOR_MAP, &sp);
    if (r < 0 || have_sp < 0)
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    if (!r)
        return CTAP2_ERR_MISSING_PARAMETER;
    EMK_TRACE(ev_cm, "sub=%lld", (long long)sub);
    if (sub == CM_RPS_NEXT)
        return next(k, EMK_FIDO_CM_RPS, e);
    if (sub == CM_CREDS_NEXT)
        return next(k, EMK_FIDO_CM_CREDS, e);
    emk_fido_cm_abort(k);
    if (sub < CM_METADATA || sub > CM_UPDATE_USER)
        return CTAP2_ERR_INVALID_SUBCOMMAND;
    /* pinUvAuthParam over subCommand || subCommandParams */
    msg[0] = (uint8_t)sub;
    if (have_sp) {
        n += (size_t)(sp.end - sp.start);
        memcpy(msg + 1, sp.start, n - 1);
    }
    st = emk_fido_pin_param(k, params, CM_PROTO, CM_PARAM, msg, n, EMK_FIDO_PERM_CM);
    if (st != CTAP2_OK)
        return st;
    switch (sub) {
    case CM_METADATA:
    case CM_RPS_BEGIN:
        if (emk_fido_pin_token_rp(k))
            return CTAP2_ERR_PIN_AUTH_INVALID;   /* an RP-bound token sees one RP */
        if (sub == CM_METADATA) {
            unsigned used = rk_used(k);

            emk_cbor_map(e, 2);
            emk_cbor_uint(e, CM_R_EXISTING);
            emk_cbor_uint(e, used);
            emk_cbor_uint(e, CM_R_REMAINING);
            emk_cbor_uint(e, used < k->max_rk ? k->max_rk - used : 0);
            return CTAP2_OK;
        }
        r = next_slot(k, -1, NULL);
        if (r < 0)
            return CTAP2_ERR_NO_CREDENTIALS;
        put_rp(k, r, e, 1);
        k->cm.mode = next_slot(k, r, NULL) >= 0 ? EMK_FIDO_CM_RPS : EMK_FIDO_CM_NONE;
        return CTAP2_OK;
    case CM_CREDS_BEGIN:
        return creds_begin(k, &sp, have_sp, e);
    default:
        return change_cred(k, sub, &sp, have_sp);
    }
}
