/*
 * pin_proto.c - the PIN/UV auth protocols (CTAP 2.1 section 6.5.6 and
 * 6.5.7) and the pinUvAuthToken (section 6.5.2.1).
 *
 * Protocol 1: shared secret SHA-256(ECDH x); AES-256-CBC with a zero IV;
 * HMAC-SHA-256 truncated to 16 bytes.  Protocol 2: HKDF-SHA-256 (salt 32
 * zero bytes) into an HMAC key ("CTAP2 HMAC key") and an AES key ("CTAP2
 * AES key"); AES-256-CBC with a random IV in front; the full 32-byte HMAC.
 * Each protocol has its own key agreement key (new at power-up and after a
 * PIN mismatch) and its own pinUvAuthToken; the token's state (permissions,
 * permissions RP ID, flags, usage timer) is shared, as one token-issuing
 * operation resets both tokens.  The usage timer is a timestamp on the
 * loop clock, looked at whenever the token is.
 */
#include "fido_int.h"
#include "trace_int.h"

static emk_trace_event ev_token = EMK_TRACE_EVENT_INIT("fido_pin_token");

enum cose_labels {
    COSE_KTY = 1,
    COSE_ALG = 3,
    COSE_CRV = -1,
    COSE_X = -2,
    COSE_Y = -3,
    COSE_KTY_EC2 = 2,
    COSE_ALG_ECDH_ES_HKDF_256 = -25,
    COSE_CRV_P256 = 1
};

int emk_fido_pin_proto_ok(int64_t proto)
{
    return proto == 1 || proto == 2;
}

int emk_fido_pin_is_set(const emk_fido *k)
{
    return k->st.pin_set != 0;
}

void emk_fido_pin_regenerate(emk_fido *k, int64_t proto)
{
    int i = (int)proto - 1;

    if (!emk_fido_pin_proto_ok(proto))
        return;
    if (emk_p256_keygen(&k->pin.ka_priv[i], &k->pin.ka_pub[i], &k->rng) < 0 && !k->err)
        k->err = -EIO;
}

static void token_stop(emk_fido *k)
{
    emk_fido_pin *p = &k->pin;

    p->in_use = 0;
    p->used = 0;
    p->user_present = 0;
    p->user_verified = 0;
    p->perms = 0;
    p->has_rp = 0;
    memset(p->rp_id_hash, 0, sizeof(p->rp_id_hash));
}

/* pinUvAuthTokenUsageTimerObserver: the token expires when unused for the
 * initial usage time limit, or at the end of the maximum usage period; the
 * userPresent flag lapses after the user present time limit. */
static void token_observe(emk_fido *k)
{
    emk_fido_pin *p = &k->pin;
    int64_t age;

    if (!p->in_use)
        return;
    age = emk_loop_now(k->loop) - p->issued_ns;
    if (age >= EMK_FIDO_TOKEN_MAX_NS || (!p->used && age >= EMK_FIDO_TOKEN_INITIAL_NS)) {
        EMK_TRACE(ev_token, "expired age_ms=%lld", (long long)(age / 1000000));
        token_stop(k);
        return;
    }
    if (age >= EMK_FIDO_TOKEN_UP_NS)
        p->user_present = 0;
}

void emk_fido_pin_token_reset(emk_fido *k)
{
    emk_fido_random(k, k->pin.token, sizeof(k->pin.token));
    token_stop(k);
}

void emk_fido_pin_init(emk_fido *k)
{
    emk_ct_wipe(&k->pin, sizeof(k->pin));
    emk_fido_pin_regenerate(k, 1);
    emk_fido_pin_regenerate(k, 2);
    emk_fido_pin_token_reset(k);
}

void emk_fido_pin_cleanup(emk_fido *k)
{
    emk_ct_wipe(&k->pin, sizeof(k->pin));
}

void emk_fido_pin_reset(emk_fido *k)
{
    emk_fido_cm_abort(k);
    k->cm.lb_active = 0;                 /* a large blob write in progress */
    emk_fido_pin_init(k);
}

void emk_fido_pin_token_begin(emk_fido *k, unsigned perms, const uint8_t *rp_id_hash)
{
    emk_fido_pin *p = &k->pin;

    /* resetPinUvAuthToken() for every protocol, then
     * beginUsingPinUvAuthToken(userIsPresent = false) */
    emk_fido_pin_token_reset(k);
    p->in_use = 1;
    p->user_verified = 1;
    p->perms = perms;
    if (rp_id_hash) {
        p->has_rp = 1;
        memcpy(p->rp_id_hash, rp_id_hash, 32);
    }
    p->issued_ns = emk_loop_now(k->loop);
    EMK_TRACE(ev_token, "issued perms=0x%02x rp=%d", perms, p->has_rp);
}

const uint8_t *emk_fido_pin_token_rp(const emk_fido *k)
{
    return k->pin.in_use && k->pin.has_rp ? k->pin.rp_id_hash : NULL;
}

int emk_fido_pin_token_up(const emk_fido *k)
{
    const emk_fido_pin *p = &k->pin;

    if (!p->in_use || !p->user_present)
        return 0;
    return emk_loop_now(k->loop) - p->issued_ns < EMK_FIDO_TOKEN_UP_NS;
}

void emk_fido_pin_token_clear_up(emk_fido *k)
{
    k->pin.user_present = 0;
}

int emk_fido_pin_auth(emk_fido *k, int64_t proto, const uint8_t *param, size_t param_len,
                      const uint8_t *msg, size_t msg_len, unsigned perm,
                      const uint8_t *rp_id_hash)
{
    emk_fido_pin *p = &k->pin;

    if (!emk_fido_pin_proto_ok(proto))
        return CTAP1_ERR_INVALID_PARAMETER;
    token_observe(k);
    if (!p->in_use)
        return CTAP2_ERR_PIN_AUTH_INVALID;
    if (emk_fido_pin_verify(proto, p->token[proto - 1], msg, msg_len, param, param_len) < 0)
        return CTAP2_ERR_PIN_AUTH_INVALID;
    if (!p->user_verified || (p->perms & perm) != perm || !perm)
        return CTAP2_ERR_PIN_AUTH_INVALID;
    if (rp_id_hash) {
        if (p->has_rp && memcmp(p->rp_id_hash, rp_id_hash, 32) != 0)
            return CTAP2_ERR_PIN_AUTH_INVALID;
        if (!p->has_rp) {
            p->has_rp = 1;
            memcpy(p->rp_id_hash, rp_id_hash, 32);
        }
    }
    p->used = 1;
    return CTAP2_OK;
}

int emk_fido_pin_param(emk_fido *k, const emk_cbor_item *params, int64_t proto_key,
                       int64_t param_key, const uint8_t *msg, size_t msg_len, unsigned perm)
{
    emk_cbor_item v;
    int64_t proto;
    int rp = emk_fido_field_uint(params, proto_key, &proto);
    int rv = emk_fido_field(params, param_key, EMK_CBOR_BYTES, &v);

    if (rp < 0 || rv < 0)
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    if (!rv)
        return CTAP2_ERR_PUAT_REQUIRED;
    if (!rp)
        return CTAP2_ERR_MISSING_PARAMETER;
    return emk_fido_pin_auth(k, proto, v.ptr, (size_t)v.val, msg, msg_len, perm, NULL);
}

void emk_fido_pin_cose_key(const emk_fido *k, int64_t proto, emk_cbor_enc *e)
{
    const emk_p256_pub *pub = &k->pin.ka_pub[emk_fido_pin_proto_ok(proto) ? proto - 1 : 0];

    emk_cbor_map(e, 5);
    emk_cbor_int(e, COSE_KTY);
    emk_cbor_int(e, COSE_KTY_EC2);
    emk_cbor_int(e, COSE_ALG);
    emk_cbor_int(e, COSE_ALG_ECDH_ES_HKDF_256);
    emk_cbor_int(e, COSE_CRV);
    emk_cbor_int(e, COSE_CRV_P256);
    emk_cbor_int(e, COSE_X);
    emk_cbor_bytes(e, pub->x, 32);
    emk_cbor_int(e, COSE_Y);
    emk_cbor_bytes(e, pub->y, 32);
}

/* An integer field of a COSE key that must equal want. */
static int cose_int_is(const emk_cbor_item *key, int64_t label, int64_t want)
{
    emk_cbor_item v;
    int64_t x;

    return emk_cbor_map_int(key, label, &v) == 1 && emk_cbor_get_int(&v, &x) == 0 &&
           x == want;
}

static int cose_coord(const emk_cbor_item *key, int64_t label, const uint8_t **out)
{
    emk_cbor_item v;

    if (emk_cbor_map_int(key, label, &v) != 1 || v.type != EMK_CBOR_BYTES || v.val != 32)
        return -EINVAL;
    *out = v.ptr;
    return 0;
}

int emk_fido_pin_shared(emk_fido *k, int64_t proto, const emk_cbor_item *cose_key,
                        uint8_t shared[64], size_t *len)
{
    static const uint8_t zero_salt[32];
    const uint8_t *x, *y;
    emk_p256_pub peer;
    uint8_t z[32];
    int r;

    *len = 0;
    if (!emk_fido_pin_proto_ok(proto))
        return CTAP1_ERR_INVALID_PARAMETER;
    if (cose_key->type != EMK_CBOR_MAP)
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    if (!cose_int_is(cose_key, COSE_KTY, COSE_KTY_EC2) ||
        !cose_int_is(cose_key, COSE_CRV, COSE_CRV_P256) ||
        cose_coord(cose_key, COSE_X, &x) < 0 || cose_coord(cose_key, COSE_Y, &y) < 0 ||
        emk_p256_pub_set_xy(&peer, x, y) < 0)
        return CTAP1_ERR_INVALID_PARAMETER;
    if (emk_p256_ecdh(&k->pin.ka_priv[proto - 1], &peer, z) < 0)
        return CTAP1_ERR_INVALID_PARAMETER;
    if (proto == 1) {
        emk_sha256(z, sizeof(z), shared);
        *len = 32;
        r = 0;
    } else {
        r = emk_hkdf_sha256(zero_salt, sizeof(zero_salt), z, sizeof(z), "CTAP2 HMAC key",
                            14, shared, 32);
        if (!r)
            r = emk_hkdf_sha256(zero_salt, sizeof(zero_salt), z, sizeof(z),
                                "CTAP2 AES key", 13, shared + 32, 32);
        *len = 64;
    }
    emk_ct_wipe(z, sizeof(z));
    if (r < 0) {
        emk_ct_wipe(shared, 64);
        *len = 0;
        return CTAP1_ERR_OTHER;
    }
    return CTAP2_OK;
}

/* The AES key of a shared secret: all of it (1) or its second half (2). */
static const uint8_t *aes_key(int64_t proto, const uint8_t *shared)
{
    return proto == 2 ? shared + 32 : shared;
}

int emk_fido_pin_encrypt(emk_fido *k, int64_t proto, const uint8_t *shared, const uint8_t *in,
                         size_t len, uint8_t *out, size_t *out_len)
{
    emk_aes256_ctx a;
    uint8_t iv[16] = { 0 };
    size_t off = proto == 2 ? 16 : 0;
    int r;

    *out_len = 0;
    if (!emk_fido_pin_proto_ok(proto) || len % 16)
        return -EINVAL;
    if (proto == 2) {
        emk_fido_random(k, iv, sizeof(iv));
        memcpy(out, iv, 16);
    }
    emk_aes256_init(&a, aes_key(proto, shared));
    r = emk_aes256_cbc_encrypt(&a, iv, in, out + off, len);
    emk_aes256_cleanup(&a);
    if (r < 0)
        return r;
    *out_len = len + off;
    return 0;
}

int emk_fido_pin_decrypt(int64_t proto, const uint8_t *shared, const uint8_t *in, size_t len,
                         uint8_t *out, size_t *out_len)
{
    emk_aes256_ctx a;
    uint8_t iv[16] = { 0 };
    size_t off = proto == 2 ? 16 : 0;
    int r;

    *out_len = 0;
    if (!emk_fido_pin_proto_ok(proto) || len <= off || (len - off) % 16)
        return -EINVAL;
    if (proto == 2)
        memcpy(iv, in, 16);
    emk_aes256_init(&a, aes_key(proto, shared));
    r = emk_aes256_cbc_decrypt(&a, iv, in + off, out, len - off);
    emk_aes256_cleanup(&a);
    if (r < 0)
        return r;
    *out_len = len - off;
    return 0;
}

int emk_fido_pin_verify(int64_t proto, const uint8_t *shared, const uint8_t *msg,
                        size_t msg_len, const uint8_t *sig, size_t sig_len)
{
    /* the key: the token, or the HMAC half of protocol 2's shared secret */
    if (!emk_fido_pin_proto_ok(proto) || sig_len != (proto == 1 ? 16u : 32u))
        return -EINVAL;
    return emk_hmac_sha256_check(shared, 32, msg, msg_len, sig, sig_len);
}
