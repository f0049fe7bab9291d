/*
 * u2f.c - CTAP1/U2F (FIDO U2F Raw Message Formats v1.2; CTAP 2.1 section
 * 11): REGISTER, AUTHENTICATE and VERSION in ISO 7816-4 APDUs.
 *
 * APDUs: CLA INS P1 P2, then one of
 *   nothing                              (case 1)
 *   Le                                   (case 2, short)
 *   Lc data [Le]                         (cases 3 and 4, short; Lc 1..255)
 *   00 Le1 Le2                           (case 2, extended)
 *   00 Lc1 Lc2 data [Le1 Le2]            (cases 3 and 4, extended)
 * libfido2 always sends the extended form with a two-byte Le, even for
 * VERSION with no data (00 00 00 00 00); that is accepted too.  Le is
 * not used to cut responses (clients ask for the maximum).
 *
 * Key handles are cred.c's credential IDs, so a U2F registration can be
 * used with CTAP2 and the other way round.  A test of user presence that
 * would wait answers SW_CONDITIONS_NOT_SATISFIED: U2F clients poll, and
 * the wait (up.c) goes on, so a later poll finds the touch.
 */
#include "fido_int.h"
#include "trace_int.h"

static emk_trace_event ev_u2f = EMK_TRACE_EVENT_INIT("fido_u2f");

enum u2f_sw {
    SW_NO_ERROR = 0x9000,
    SW_CONDITIONS_NOT_SATISFIED = 0x6985,
    SW_WRONG_DATA = 0x6A80,
    SW_WRONG_LENGTH = 0x6700,
    SW_INS_NOT_SUPPORTED = 0x6D00,
    SW_CLA_NOT_SUPPORTED = 0x6E00,
    SW_UNKNOWN = 0x6F00
};

enum u2f_ins {
    U2F_REGISTER = 0x01,
    U2F_AUTHENTICATE = 0x02,
    U2F_VERSION = 0x03
};

enum u2f_auth_p1 {
    U2F_AUTH_CHECK_ONLY = 0x07,
    U2F_AUTH_ENFORCE = 0x03,
    U2F_AUTH_DONT_ENFORCE = 0x08
};

enum { U2F_REGISTER_ID = 0x05, U2F_CRED_PROTECT_UV_REQUIRED = 3 };

/* The parsed request; rsp/cap/len the response being built. */
typedef struct u2f_req {
    uint8_t ins, p1;
    const uint8_t *data;
    size_t lc;
    uint8_t *rsp;
    size_t cap, len;
} u2f_req;

/* Splits the body after the 4-byte header.  0, or -1 for a bad length. */
static int parse_apdu(const uint8_t *a, size_t n, u2f_req *q)
{
    const uint8_t *b = a + 4;
    size_t m = n - 4, lc;

    q->data = b;
    q->lc = 0;
    if (m <= 1)                         /* case 1, or case 2 short */
        return 0;
    if (b[0]) {                         /* short Lc */
        lc = b[0];
        if (m != 1 + lc && m != 2 + lc)
            return -1;
        q->data = b + 1;
        q->lc = lc;
        return 0;
    }
    if (m == 3)                         /* case 2 extended: 00 Le1 Le2 */
        return 0;
    if (m < 3)
        return -1;
    lc = (size_t)b[1] << 8 | b[2];
    if (m != 3 + lc && m != 5 + lc)     /* lc 0 with Le: libfido2's VERSION */
        return -1;
    if (!lc && m != 5)
        return -1;
    q->data = b + 3;
    q->lc = lc;
    return 0;
}

static int put(u2f_req *q, const void *p, size_t n)
{
    if (n > q->cap - q->len)
        return -1;
    memcpy(q->rsp + q->len, p, n);
    q->len += n;
    return 0;
}

/* Ends the response with sw; an error status drops the body. */
static void finish(u2f_req *q, unsigned sw)
{
    uint8_t s[2];

    if (sw != SW_NO_ERROR)
        q->len = 0;
    s[0] = (uint8_t)(sw >> 8);
    s[1] = (uint8_t)sw;
    if (put(q, s, 2) < 0) {             /* body did not fit */
        q->len = 0;
        s[0] = SW_UNKNOWN >> 8;
        s[1] = SW_UNKNOWN & 0xff;
        put(q, s, 2);
    }
}

/* 1 present, 0 not (declined, or a wait is running: the client polls) */
static int presence(emk_fido *k)
{
    return emk_fido_up_test(k) == 1;
}

/* Signs SHA-256 of the message parts with key into the response. */
static unsigned sign_into(u2f_req *q, const emk_p256_priv *key, const uint8_t *m1,
                          size_t n1, const uint8_t *m2, size_t n2, const uint8_t *m3,
                          size_t n3)
{
    emk_sha256_ctx s;
    uint8_t h[32], sig[EMK_P256_SIG_DER_MAX];
    int n;

    emk_sha256_init(&s);
    emk_sha256_update(&s, m1, n1);
    emk_sha256_update(&s, m2, n2);
    emk_sha256_update(&s, m3, n3);
    emk_sha256_final(&s, h);
    n = emk_p256_sign(key, h, NULL, 0, sig, sizeof(sig));
    if (n < 0 || put(q, sig, (size_t)n) < 0)
        return SW_UNKNOWN;
    return SW_NO_ERROR;
}

/* REGISTER: data = challenge(32) || application(32) */
static unsigned u2f_register(emk_fido *k, u2f_req *q)
{
    const uint8_t *chal = q->data, *app = q->data + 32;
    uint8_t kh[EMK_FIDO_CRED_ID_LEN], pub[EMK_P256_PUB], head[1 + 32];
    uint8_t b;
    emk_p256_priv priv;
    emk_p256_pub p;
    unsigned sw = SW_UNKNOWN;

    if (q->lc != 64)
        return SW_WRONG_LENGTH;
    if (!presence(k))
        return SW_CONDITIONS_NOT_SATISFIED;
    if (emk_fido_cred_new(k, app, EMK_FIDO_CRED_U2F | 1, kh, &priv) < 0)
        goto out;
    if (emk_p256_pub_from_priv(&p, &priv) < 0)
        goto out;
    emk_p256_pub_encode(&p, pub);
    b = U2F_REGISTER_ID;
    if (put(q, &b, 1) < 0 || put(q, pub, sizeof(pub)) < 0)
        goto out;
    b = EMK_FIDO_CRED_ID_LEN;
    if (put(q, &b, 1) < 0 || put(q, kh, sizeof(kh)) < 0 ||
        put(q, k->keys.att_cert, k->keys.att_cert_len) < 0)
        goto out;
    /* signed: 0x00 || application || challenge || key handle || public key */
    head[0] = 0;
    memcpy(head + 1, app, 32);
    {
        uint8_t tail[EMK_FIDO_CRED_ID_LEN + EMK_P256_PUB];

        memcpy(tail, kh, sizeof(kh));
        memcpy(tail + sizeof(kh), pub, sizeof(pub));
        sw = sign_into(q, &k->keys.att_priv, head, sizeof(head), chal, 32, tail,
                       sizeof(tail));
    }
out:
    emk_ct_wipe(&priv, sizeof(priv));
    return sw;
}

/* AUTHENTICATE: data = challenge(32) || application(32) || L || handle(L) */
static unsigned u2f_authenticate(emk_fido *k, u2f_req *q)
{
    const uint8_t *chal = q->data, *app = q->data + 32, *kh = q->data + 65;
    uint8_t head[1 + 4], cp = 0;
    emk_p256_priv priv;
    uint32_t ctr;
    unsigned sw;
    int ok;

    if (q->lc < 65 || q->lc != 65u + q->data[64])
        return SW_WRONG_LENGTH;
    if (q->p1 != U2F_AUTH_CHECK_ONLY && q->p1 != U2F_AUTH_ENFORCE &&
        q->p1 != U2F_AUTH_DONT_ENFORCE)
        return SW_WRONG_DATA;
    ok = emk_fido_cred_open(k, app, kh, q->data[64], &priv, &cp) == 0;
    /* U2F cannot verify the user: such credentials are not ours here */
    if (ok && (cp & EMK_FIDO_CRED_LEVEL_MASK) >= U2F_CRED_PROTECT_UV_REQUIRED)
        ok = 0;
    if (!ok) {
        sw = SW_WRONG_DATA;
        goto out;
    }
    if (q->p1 == U2F_AUTH_CHECK_ONLY) {
        sw = SW_CONDITIONS_NOT_SATISFIED;
        goto out;
    }
    head[0] = 0;
    if (q->p1 == U2F_AUTH_ENFORCE) {
        if (!presence(k)) {
            sw = SW_CONDITIONS_NOT_SATISFIED;
            goto out;
        }
        head[0] = EMK_FIDO_AD_UP;
    }
    if (emk_fido_counter_next(k, &ctr) < 0) {
        sw = SW_UNKNOWN;
        goto out;
    }
    head[1] = (uint8_t)(ctr >> 24);
    head[2] = (uint8_t)(ctr >> 16);
    head[3] = (uint8_t)(ctr >> 8);
    head[4] = (uint8_t)ctr;
    sw = SW_UNKNOWN;
    /* signed: application || flags || counter || challenge */
    if (put(q, head, sizeof(head)) == 0)
        sw = sign_into(q, &priv, app, 32, head, sizeof(head), chal, 32);
out:
    emk_ct_wipe(&priv, sizeof(priv));
    return sw;
}

static unsigned u2f_version(u2f_req *q)
{
    if (q->lc)
        return SW_WRONG_LENGTH;
    return put(q, "U2F_V2", 6) < 0 ? SW_UNKNOWN : SW_NO_ERROR;
}

int emk_fido_u2f(emk_fido *k, const uint8_t *apdu, size_t len, uint8_t *resp,
                 size_t cap, size_t *resp_len)
{
    u2f_req q;
    unsigned sw;

    memset(&q, 0, sizeof(q));
    q.rsp = resp;
    q.cap = cap;
    if (len < 4)
        sw = SW_WRONG_LENGTH;
    else if (apdu[0] != 0)
        sw = SW_CLA_NOT_SUPPORTED;
    else if (apdu[1] != U2F_REGISTER && apdu[1] != U2F_AUTHENTICATE &&
             apdu[1] != U2F_VERSION)
        sw = SW_INS_NOT_SUPPORTED;
    else if (parse_apdu(apdu, len, &q) < 0)
        sw = SW_WRONG_LENGTH;
    else {
        q.ins = apdu[1];
        q.p1 = apdu[2];
        if (q.ins == U2F_REGISTER)
            sw = u2f_register(k, &q);
        else if (q.ins == U2F_AUTHENTICATE)
            sw = u2f_authenticate(k, &q);
        else
            sw = u2f_version(&q);
    }
    finish(&q, sw);
    EMK_TRACE(ev_u2f, "ins=0x%02x len=%u sw=0x%04x", len > 1 ? apdu[1] : 0,
              (unsigned)len, sw);
    *resp_len = q.len;
    return 0;
}
