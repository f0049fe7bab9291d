/*
 * client_pin.c - authenticatorClientPIN (CTAP 2.1 section 6.5.5): PIN
 * retries, key agreement, setPIN, changePIN, getPinToken and
 * getPinUvAuthTokenUsingPinWithPermissions.  The key has no built-in user
 * verification, so the UV subcommands are invalid here.
 *
 * A PIN check decrements pinRetries and saves it before it compares
 * anything; a mismatch regenerates the protocol's key agreement key, and
 * after three consecutive mismatches every PIN check answers
 * PIN_AUTH_BLOCKED until the next power-up.  The PIN is handled in
 * constant time up to its length: the padding is measured with masks and
 * the hashes are compared with emk_ct_memeq.
 */
#include "fido_int.h"
#include "trace_int.h"

static emk_trace_event ev_pin = EMK_TRACE_EVENT_INIT("fido_client_pin");

enum cp_keys {
    CP_PROTO = 1,
    CP_SUB = 2,
    CP_KEY_AGREEMENT = 3,
    CP_PARAM = 4,
    CP_NEW_PIN = 5,
    CP_PIN_HASH = 6,
    CP_PERMS = 9,
    CP_RP_ID = 10
};

enum cp_resp {
    CP_R_KEY_AGREEMENT = 1,
    CP_R_TOKEN = 2,
    CP_R_RETRIES = 3,
    CP_R_POWER_CYCLE = 4
};

enum cp_sub {
    CP_GET_RETRIES = 1,
    CP_GET_KEY_AGREEMENT = 2,
    CP_SET_PIN = 3,
    CP_CHANGE_PIN = 4,
    CP_GET_TOKEN = 5,
    CP_GET_TOKEN_UV = 6,
    CP_GET_UV_RETRIES = 7,
    CP_GET_TOKEN_PIN = 9
};

enum {
    NEW_PIN_ENC_MAX = EMK_FIDO_PIN_PADDED + 16, /* protocol 2's IV in front */
    SUPPORTED_PERMS = EMK_FIDO_PERM_MC | EMK_FIDO_PERM_GA | EMK_FIDO_PERM_CM |
                      EMK_FIDO_PERM_LBW | EMK_FIDO_PERM_ACFG
};

typedef struct cp_req {
    int64_t proto, sub, perms;
    int has_proto, has_perms, has_ka, has_param, has_new, has_hash, has_rp;
    emk_cbor_item ka, param, new_pin, pin_hash, rp;
} cp_req;

int emk_fido_field(const emk_cbor_item *map, int64_t key, uint8_t type, emk_cbor_item *v)
{
    if (emk_cbor_map_int(map, key, v) != 1)
        return 0;
    return v->type == type ? 1 : -1;
}

int emk_fido_field_uint(const emk_cbor_item *map, int64_t key, int64_t *out)
{
    emk_cbor_item v;
    int r = emk_fido_field(map, key, EMK_CBOR_UINT, &v);

    if (r == 1 && emk_cbor_get_int(&v, out) < 0)
        return -1;            /* above INT64_MAX: no field of ours */
    return r;
}

static int parse(const emk_cbor_item *p, cp_req *q)
{
    int r[8];

    memset(q, 0, sizeof(*q));
    r[0] = emk_fido_field_uint(p, CP_PROTO, &q->proto);
    r[1] = emk_fido_field_uint(p, CP_SUB, &q->sub);
    r[2] = emk_fido_field(p, CP_KEY_AGREEMENT, EMK_CBOR_MAP, &q->ka);
    r[3] = emk_fido_field(p, CP_PARAM, EMK_CBOR_BYTES, &q->param);
    r[4] = emk_fido_field(p, CP_NEW_PIN, EMK_CBOR_BYTES, &q->new_pin);
    r[5] = emk_fido_field(p, CP_PIN_HASH, EMK_CBOR_BYTES, &q->pin_hash);
    r[6] = emk_fido_field_uint(p, CP_PERMS, &q->perms);
    r[7] = emk_fido_field(p, CP_RP_ID, EMK_CBOR_TEXT, &q->rp);
    for (int i = 0; i < 8; i++)
        if (r[i] < 0)
            return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    if (!r[1])
        return CTAP2_ERR_MISSING_PARAMETER;
    q->has_proto = r[0];
    q->has_ka = r[2];
    q->has_param = r[3];
    q->has_new = r[4];
    q->has_hash = r[5];
    q->has_perms = r[6];
    q->has_rp = r[7];
    return CTAP2_OK;
}

/* The persistent PIN fields, kept to put back when a save fails. */
typedef struct pin_fields {
    uint8_t hash[16];
    uint8_t set, retries, code_points, force;
} pin_fields;

static void pin_fields_get(const emk_fido *k, pin_fields *f)
{
    memcpy(f->hash, k->st.pin_hash, 16);
    f->set = k->st.pin_set;
    f->retries = k->st.pin_retries;
    f->code_points = k->st.pin_code_points;
    f->force = k->st.force_pin_change;
}

/* Stores a new PIN hash and saves; on failure puts back the old fields
 * and answers CTAP1_ERR_OTHER. */
static int commit_pin(emk_fido *k, uint8_t hash[16], uint8_t code_points)
{
    pin_fields old;
    int st = CTAP2_OK;

    pin_fields_get(k, &old);
    memcpy(k->st.pin_hash, hash, 16);
    k->st.pin_set = 1;
    k->st.pin_code_points = code_points;
    k->st.pin_retries = EMK_FIDO_PIN_RETRIES;
    k->st.force_pin_change = 0;
    if (emk_fido_store_save(k) < 0) {
        memcpy(k->st.pin_hash, old.hash, 16);
        k->st.pin_set = old.set;
        k->st.pin_retries = old.retries;
        k->st.pin_code_points = old.code_points;
        k->st.force_pin_change = old.force;
        st = CTAP1_ERR_OTHER;
    }
    emk_ct_wipe(&old, sizeof(old));
    emk_ct_wipe(hash, 16);
    return st;
}

/* What every PIN check needs first: a PIN, retries, no power-cycle block. */
static int pin_usable(const emk_fido *k)
{
    if (!k->st.pin_set)
        return CTAP2_ERR_PIN_NOT_SET;
    if (!k->st.pin_retries)
        return CTAP2_ERR_PIN_BLOCKED;
    if (k->pin.fails >= EMK_FIDO_PIN_AUTH_FAILS)
        return CTAP2_ERR_PIN_AUTH_BLOCKED;
    return CTAP2_OK;
}

/* Checks pinHashEnc against the PIN (section 6.5.5.5's common steps):
 * pinRetries goes down and is saved first, then back to the maximum on a
 * match. */
static int check_pin_hash(emk_fido *k, int64_t proto, const uint8_t *shared,
                          const emk_cbor_item *enc)
{
    uint8_t hash[32];
    uint8_t left;
    size_t n;
    int ok;

    if (enc->val != (proto == 1 ? 16u : 32u))
        return CTAP1_ERR_INVALID_PARAMETER;
    if (k->err)
        return CTAP1_ERR_OTHER;
    k->st.pin_retries--;
    if (emk_fido_store_save(k) < 0) {
        k->st.pin_retries++;
        return CTAP1_ERR_OTHER;
    }
    if (emk_fido_pin_decrypt(proto, shared, enc->ptr, (size_t)enc->val, hash, &n) < 0)
        return CTAP1_ERR_OTHER;           /* the length was checked above */
    ok = emk_ct_memeq(hash, k->st.pin_hash, 16);
    emk_ct_wipe(hash, sizeof(hash));
    if (!ok) {
        emk_fido_pin_regenerate(k, proto);
        k->pin.fails++;
        EMK_TRACE(ev_pin, "mismatch retries=%u fails=%u", k->st.pin_retries, k->pin.fails);
        if (!k->st.pin_retries)
            return CTAP2_ERR_PIN_BLOCKED;
        if (k->pin.fails >= EMK_FIDO_PIN_AUTH_FAILS)
            return CTAP2_ERR_PIN_AUTH_BLOCKED;
        return CTAP2_ERR_PIN_INVALID;
    }
    k->pin.fails = 0;
    left = k->st.pin_retries;
    k->st.pin_retries = EMK_FIDO_PIN_RETRIES;
    if (emk_fido_store_save(k) < 0) {
        k->st.pin_retries = left;            /* what the file still says */
        return CTAP1_ERR_OTHER;
    }
    return CTAP2_OK;
}

/* Decrypts newPinEnc and applies the PIN policy: at least min_pin_len
 * code points, at most 63 bytes.  The length is found without branching
 * on the PIN's bytes.  Stores LEFT(SHA-256(newPin), 16) and its length. */
static int new_pin(const emk_fido *k, int64_t proto, const uint8_t *shared,
                   const emk_cbor_item *enc, uint8_t hash[16], uint8_t *code_points)
{
    uint8_t pad[NEW_PIN_ENC_MAX], h[32];
    size_t n, len = 0, cps = 0;
    int st = CTAP2_OK;

    if (enc->val > NEW_PIN_ENC_MAX ||
        emk_fido_pin_decrypt(proto, shared, enc->ptr, (size_t)enc->val, pad, &n) < 0 ||
        n != EMK_FIDO_PIN_PADDED)
        return CTAP1_ERR_INVALID_PARAMETER;
    for (size_t i = 0; i < EMK_FIDO_PIN_PADDED; i++) {
        size_t nz = ((size_t)pad[i] + 0xff) >> 8;               /* 1 if pad[i] != 0 */
        len ^= (len ^ (i + 1)) & (0 - nz);
    }
    for (size_t i = 0; i < EMK_FIDO_PIN_PADDED; i++) {
        size_t in = (i - len) >> (sizeof(size_t) * 8 - 1);      /* 1 if i < len */
        size_t lead = (((size_t)(pad[i] & 0xc0) ^ 0x80) + 0xff) >> 8; /* not 10xxxxxx */
        cps += in & lead;
    }
    if (len > EMK_FIDO_PIN_MAX_BYTES || cps < k->st.min_pin_len || cps > 255)
        st = CTAP2_ERR_PIN_POLICY_VIOLATION;
    if (st == CTAP2_OK) {
        emk_sha256(pad, len, h);
        memcpy(hash, h, 16);
        *code_points = (uint8_t)cps;
    }
    emk_ct_wipe(pad, sizeof(pad));
    emk_ct_wipe(h, sizeof(h));
    return st;
}

static int shared_secret(emk_fido *k, const cp_req *q, uint8_t shared[64])
{
    size_t n;

    return emk_fido_pin_shared(k, q->proto, &q->ka, shared, &n);
}

static int set_pin(emk_fido *k, const cp_req *q)
{
    uint8_t shared[64], hash[16], cps = 0;
    int st;

    if (!q->has_proto || !q->has_ka || !q->has_new || !q->has_param)
        return CTAP2_ERR_MISSING_PARAMETER;
    if (!emk_fido_pin_proto_ok(q->proto))
        return CTAP1_ERR_INVALID_PARAMETER;
    if (k->st.pin_set)
        return CTAP2_ERR_NOT_ALLOWED;
    st = shared_secret(k, q, shared);
    if (st == CTAP2_OK &&
        emk_fido_pin_verify(q->proto, shared, q->new_pin.ptr, (size_t)q->new_pin.val,
                            q->param.ptr, (size_t)q->param.val) < 0)
        st = CTAP2_ERR_PIN_AUTH_INVALID;
    if (st == CTAP2_OK)
        st = new_pin(k, q->proto, shared, &q->new_pin, hash, &cps);
    emk_ct_wipe(shared, sizeof(shared));
    if (st != CTAP2_OK)
        return st;
    if (k->err)
        return CTAP1_ERR_OTHER;
    return commit_pin(k, hash, cps);
}

static int change_pin(emk_fido *k, const cp_req *q)
{
    uint8_t shared[64], msg[NEW_PIN_ENC_MAX + 32], hash[16], cps = 0;
    size_t nl = (size_t)q->new_pin.val, hl = (size_t)q->pin_hash.val;
    int st;

    if (!q->has_proto || !q->has_ka || !q->has_new || !q->has_hash || !q->has_param)
        return CTAP2_ERR_MISSING_PARAMETER;
    if (!emk_fido_pin_proto_ok(q->proto) || nl > NEW_PIN_ENC_MAX || hl > 32)
        return CTAP1_ERR_INVALID_PARAMETER;
    st = pin_usable(k);
    if (st == CTAP2_OK)
        st = shared_secret(k, q, shared);
    if (st != CTAP2_OK)
        return st;
    /* pinUvAuthParam = authenticate(shared, newPinEnc || pinHashEnc) */
    memcpy(msg, q->new_pin.ptr, nl);
    memcpy(msg + nl, q->pin_hash.ptr, hl);
    if (emk_fido_pin_verify(q->proto, shared, msg, nl + hl, q->param.ptr,
                            (size_t)q->param.val) < 0)
        st = CTAP2_ERR_PIN_AUTH_INVALID;
    if (st == CTAP2_OK)
        st = check_pin_hash(k, q->proto, shared, &q->pin_hash);
    if (st == CTAP2_OK)
        st = new_pin(k, q->proto, shared, &q->new_pin, hash, &cps);
    emk_ct_wipe(shared, sizeof(shared));
    if (st == CTAP2_OK && k->st.force_pin_change && emk_ct_memeq(hash, k->st.pin_hash, 16))
        st = CTAP2_ERR_PIN_POLICY_VIOLATION;          /* the same PIN again */
    if (st != CTAP2_OK)
        return st;
    st = commit_pin(k, hash, cps);
    if (st == CTAP2_OK)
        emk_fido_pin_token_reset(k);
    return st;
}

static int get_token(emk_fido *k, const cp_req *q, emk_cbor_enc *e, int with_perms)
{
    uint8_t shared[64], rp_hash[32], out[EMK_FIDO_PIN_TOKEN_LEN + 16];
    unsigned perms = EMK_FIDO_PERM_MC | EMK_FIDO_PERM_GA;
    size_t n;
    int st;

    if (!q->has_proto || !q->has_ka || !q->has_hash || (with_perms && !q->has_perms))
        return CTAP2_ERR_MISSING_PARAMETER;
    if (!with_perms && (q->has_perms || q->has_rp))
        return CTAP1_ERR_INVALID_PARAMETER;
    if (!emk_fido_pin_proto_ok(q->proto))
        return CTAP1_ERR_INVALID_PARAMETER;
    if (with_perms) {
        if (!q->perms)
            return CTAP1_ERR_INVALID_PARAMETER;
        if ((uint64_t)q->perms & ~(uint64_t)SUPPORTED_PERMS)
            return CTAP2_ERR_UNAUTHORIZED_PERMISSION;  /* be, or unknown bits */
        perms = (unsigned)q->perms;
    }
    st = pin_usable(k);
    if (st == CTAP2_OK)
        st = shared_secret(k, q, shared);
    if (st != CTAP2_OK)
        return st;
    st = check_pin_hash(k, q->proto, shared, &q->pin_hash);
    if (st == CTAP2_OK && k->st.force_pin_change)
        st = CTAP2_ERR_PIN_POLICY_VIOLATION;
    if (st == CTAP2_OK) {
        if (with_perms && q->has_rp)
            emk_sha256(q->rp.ptr, (size_t)q->rp.val, rp_hash);
        emk_fido_pin_token_begin(k, perms, with_perms && q->has_rp ? rp_hash : NULL);
        if (emk_fido_pin_encrypt(k, q->proto, shared, k->pin.token[q->proto - 1],
                                 EMK_FIDO_PIN_TOKEN_LEN, out, &n) < 0) {
            st = CTAP1_ERR_OTHER;
        } else {
            emk_cbor_map(e, 1);
            emk_cbor_uint(e, CP_R_TOKEN);
            emk_cbor_bytes(e, out, n);
        }
    }
    emk_ct_wipe(shared, sizeof(shared));
    emk_ct_wipe(out, sizeof(out));
    return st;
}

int emk_fido_client_pin(emk_fido *k, const emk_cbor_item *params, emk_cbor_enc *e)
{
    cp_req q;
    int st = parse(params, &q);

    if (st != CTAP2_OK)
        return st;
    EMK_TRACE(ev_pin, "sub=%lld proto=%lld", (long long)q.sub, (long long)q.proto);
    switch (q.sub) {
    case CP_GET_RETRIES:
        emk_cbor_map(e, 2);
        emk_cbor_uint(e, CP_R_RETRIES);
        emk_cbor_uint(e, k->st.pin_retries);
        emk_cbor_uint(e, CP_R_POWER_CYCLE);
        emk_cbor_bool(e, k->pin.fails >= EMK_FIDO_PIN_AUTH_FAILS);
        return CTAP2_OK;
    case CP_GET_KEY_AGREEMENT:
        if (!q.has_proto)
            return CTAP2_ERR_MISSING_PARAMETER;
        if (!emk_fido_pin_proto_ok(q.proto))
            return CTAP1_ERR_INVALID_PARAMETER;
        emk_cbor_map(e, 1);
        emk_cbor_uint(e, CP_R_KEY_AGREEMENT);
        emk_fido_pin_cose_key(k, q.proto, e);
        return CTAP2_OK;
    case CP_SET_PIN:
        return set_pin(k, &q);
    case CP_CHANGE_PIN:
        return change_pin(k, &q);
    case CP_GET_TOKEN:
        return get_token(k, &q, e, 0);
    case CP_GET_TOKEN_PIN:
        return get_token(k, &q, e, 1);
    case CP_GET_TOKEN_UV:     /* no built-in user verification */
    case CP_GET_UV_RETRIES:
    default:
        return CTAP2_ERR_INVALID_SUBCOMMAND;
    }
}
