/* test_ctap.c - the CTAP2 credential commands (hw/fido/make_cred.c,
 * get_assert.c, authdata.c, ext.c, cred.c, info.c) through
 * emk_fido_ctap2_call on a key with a fixed seed, and credential IDs
 * (cred.c) directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fido_int.h"

#define S_ 1000000000LL

static const uint8_t seed[32] = "emkit fido ctap test seed 0123";

static void no_report(void *opaque, const uint8_t r[EMK_FIDO_REPORT])
{
    (void)opaque;
    (void)r;
}

typedef struct fixture {
    emk_vclock vc;
    emk_loop *loop;
    emk_fido *k;
} fixture;

static fixture *fixture_new(int up_policy, uint32_t max_rk)
{
    fixture *f = calloc(1, sizeof(*f));
    emk_fido_config cfg;
    emk_fido_ops ops;
    int err = 0;

    assert_non_null(f);
    emk_vclock_init(&f->vc, 1000);
    f->loop = emk_loop_new(&f->vc.clock, &err);
    assert_non_null(f->loop);
    memset(&cfg, 0, sizeof(cfg));
    memset(&ops, 0, sizeof(ops));
    cfg.seed = seed;
    cfg.seed_len = sizeof(seed);
    cfg.up_policy = up_policy;
    cfg.max_resident = max_rk;
    ops.send_report = no_report;
    assert_int_equal(emk_fido_new(&f->k, f->loop, &cfg, &ops, NULL), 0);
    return f;
}

static void fixture_free(fixture *f)
{
    emk_fido_free(f->k);
    emk_loop_free(f->loop);
    free(f);
}

static int setup(void **state)
{
    *state = fixture_new(EMK_FIDO_UP_ALWAYS, 0);
    return 0;
}

static int teardown(void **state)
{
    fixture_free(*state);
    return 0;
}

/* ------------------------------------------------------------ cred.c */

static void test_cred_roundtrip(void **state)
{
    fixture *f = *state;
    uint8_t h[32], h2[32], id[EMK_FIDO_CRED_ID_LEN], id2[EMK_FIDO_CRED_ID_LEN];
    emk_p256_priv priv, got;
    emk_p256_pub pub, pub2;
    uint8_t flags = 0xff, dig[32], sig[EMK_P256_SIG_DER_MAX];
    int n;

    emk_sha256("example.com", 11, h);
    emk_sha256("example.org", 11, h2);
    assert_int_equal(emk_fido_cred_new(f->k, h, 2, id, &priv), 0);
    assert_int_equal(emk_fido_cred_open(f->k, h, id, sizeof(id), &got, &flags), 0);
    assert_int_equal(flags, 2);
    assert_memory_equal(got.d, priv.d, 32);
    /* the key works: sign with the opened key, verify with the new one's */
    assert_int_equal(emk_p256_pub_from_priv(&pub, &priv), 0);
    emk_sha256("msg", 3, dig);
    n = emk_p256_sign(&got, dig, NULL, 0, sig, sizeof(sig));
    assert_true(n > 0);
    assert_int_equal(emk_p256_verify(&pub, dig, sig, (size_t)n), 0);
    /* another RP, a wrong length: refused */
    assert_int_equal(emk_fido_cred_open(f->k, h2, id, sizeof(id), &got, &flags), -EINVAL);
    assert_int_equal(emk_fido_cred_open(f->k, h, id, sizeof(id) - 1, &got, &flags), -EINVAL);
    /* a second credential differs in ID and key */
    assert_int_equal(emk_fido_cred_new(f->k, h, 0, id2, &got), 0);
    assert_memory_not_equal(id, id2, sizeof(id));
    assert_int_equal(emk_p256_pub_from_priv(&pub2, &got), 0);
    assert_memory_not_equal(pub.x, pub2.x, 32);
    /* level 0 is stored as 1; the U2F flag survives */
    assert_int_equal(emk_fido_cred_open(f->k, h, id2, sizeof(id2), &got, &flags), 0);
    assert_int_equal(flags, 1);
    assert_int_equal(emk_fido_cred_new(f->k, h, EMK_FIDO_CRED_U2F, id2, &got), 0);
    assert_int_equal(emk_fido_cred_open(f->k, h, id2, sizeof(id2), &got, NULL), 0);
    assert_int_equal(emk_fido_cred_open(f->k, h, id2, sizeof(id2), &got, &flags), 0);
    assert_int_equal(flags, EMK_FIDO_CRED_U2F | 1);
    /* bad flags are refused at creation */
    assert_int_equal(emk_fido_cred_new(f->k, h, 0x04, id2, &got), -EINVAL);
}

static void test_cred_tamper(void **state)
{
    fixture *f = *state;
    uint8_t h[32], id[EMK_FIDO_CRED_ID_LEN], bad[EMK_FIDO_CRED_ID_LEN];
    emk_p256_priv priv, got;
    uint8_t flags;

    emk_sha256("example.com", 11, h);
    assert_int_equal(emk_fido_cred_new(f->k, h, 3, id, &priv), 0);
    /* every single bit flipped anywhere in the ID is caught */
    for (size_t i = 0; i < sizeof(id); i++) {
        for (int b = 0; b < 8; b++) {
            memcpy(bad, id, sizeof(id));
            bad[i] ^= (uint8_t)(1u << b);
            assert_int_equal(emk_fido_cred_open(f->k, h, bad, sizeof(bad), &got, &flags),
                             -EINVAL);
        }
    }
    /* another key (another master secret) cannot open it */
    f->k->keys.wrap[0] ^= 1;
    assert_int_equal(emk_fido_cred_open(f->k, h, id, sizeof(id), &got, &flags), -EINVAL);
    f->k->keys.wrap[0] ^= 1;
    assert_int_equal(emk_fido_cred_open(f->k, h, id, sizeof(id), &got, &flags), 0);
    assert_int_equal(flags, 3);
}

/* ------------------------------------------------------ requests */

static const uint8_t cdh[32] = "client data hash of the test...";

typedef struct mc_args {
    const char *rp;
    const char *uid;                 /* user.id bytes (text for brevity) */
    const char *uname, *dname;
    int64_t alg;                     /* 0: -7 */
    const char *type;                /* NULL: "public-key" */
    int rk, up, uv;                  /* -1 absent */
    const uint8_t (*excl)[EMK_FIDO_CRED_ID_LEN];
    int n_excl;
    int cred_protect, hmac, min_pin, lbk;   /* 0 absent */
    const uint8_t *blob;
    size_t blob_len;                 /* blob != NULL: credBlob given */
    int pin_len;                     /* -1 absent, else that many bytes of 0x11 */
    int proto;                       /* 0 absent */
    int ep;
    unsigned omit;                   /* bit n: leave out parameter n */
} mc_args;

static mc_args mc_default(void)
{
    mc_args a;

    memset(&a, 0, sizeof(a));
    a.rp = "example.com";
    a.uid = "user-1";
    a.rk = a.up = a.uv = -1;
    a.pin_len = -1;
    return a;
}

static void put_opts(emk_cbor_enc *e, int rk, int up, int uv)
{
    emk_cbor_map(e, (size_t)((rk >= 0) + (up >= 0) + (uv >= 0)));
    if (rk >= 0) {
        emk_cbor_text_z(e, "rk");
        emk_cbor_bool(e, rk);
    }
    if (up >= 0) {
        emk_cbor_text_z(e, "up");
        emk_cbor_bool(e, up);
    }
    if (uv >= 0) {
        emk_cbor_text_z(e, "uv");
        emk_cbor_bool(e, uv);
    }
}

static void put_descs(emk_cbor_enc *e, const uint8_t (*ids)[EMK_FIDO_CRED_ID_LEN], int n)
{
    emk_cbor_array(e, (size_t)n);
    for (int i = 0; i < n; i++) {
        emk_cbor_map(e, 2);
        emk_cbor_text_z(e, "id");
        emk_cbor_bytes(e, ids[i], EMK_FIDO_CRED_ID_LEN);
        emk_cbor_text_z(e, "type");
        emk_cbor_text_z(e, "public-key");
    }
}

static void put_pin(emk_cbor_enc *e, int kparam, int pin_len, int proto)
{
    uint8_t p[32];

    memset(p, 0x11, sizeof(p));
    if (pin_len >= 0) {
        emk_cbor_uint(e, (uint64_t)kparam);
        emk_cbor_bytes(e, p, (size_t)pin_len);
    }
    if (proto) {
        emk_cbor_uint(e, (uint64_t)kparam + 1);
        emk_cbor_uint(e, (uint64_t)proto);
    }
}

static size_t mc_encode(const mc_args *a, uint8_t *buf, size_t cap)
{
    emk_cbor_enc e;
    size_t n = 0;
    int nx = (a->blob != NULL) + !!a->cred_protect + !!a->hmac + !!a->lbk + !!a->min_pin;
    int has[11] = { 0, 1, 1, 1, 1, a->n_excl > 0, nx > 0,
                    a->rk >= 0 || a->up >= 0 || a->uv >= 0, a->pin_len >= 0, a->proto != 0,
                    a->ep };
    size_t count = 0;

    for (int i = 1; i <= 10; i++) {
        if (a->omit & (1u << i))
            has[i] = 0;
        count += (size_t)has[i];
    }
    buf[0] = CTAP2_MAKE_CREDENTIAL;
    emk_cbor_enc_init(&e, buf + 1, cap - 1);
    emk_cbor_map(&e, count);
    if (has[1]) {
        emk_cbor_uint(&e, 1);
        emk_cbor_bytes(&e, cdh, 32);
    }
    if (has[2]) {
        emk_cbor_uint(&e, 2);
        emk_cbor_map(&e, 2);
        emk_cbor_text_z(&e, "id");
        emk_cbor_text_z(&e, a->rp);
        emk_cbor_text_z(&e, "name");
        emk_cbor_text_z(&e, "Example");
    }
    if (has[3]) {
        emk_cbor_uint(&e, 3);
        emk_cbor_map(&e, (size_t)(1 + !!a->uname + !!a->dname));
        emk_cbor_text_z(&e, "id");
        emk_cbor_bytes(&e, a->uid, strlen(a->uid));
        if (a->uname) {
            emk_cbor_text_z(&e, "name");
            emk_cbor_text_z(&e, a->uname);
        }
        if (a->dname) {
            emk_cbor_text_z(&e, "displayName");
            emk_cbor_text_z(&e, a->dname);
        }
    }
    if (has[4]) {
        emk_cbor_uint(&e, 4);
        emk_cbor_array(&e, 1);
        emk_cbor_map(&e, 2);
        emk_cbor_text_z(&e, "alg");
        emk_cbor_int(&e, a->alg ? a->alg : -7);
        emk_cbor_text_z(&e, "type");
        emk_cbor_text_z(&e, a->type ? a->type : "public-key");
    }
    if (has[5]) {
        emk_cbor_uint(&e, 5);
        put_descs(&e, a->excl, a->n_excl);
    }
    if (has[6]) {
        emk_cbor_uint(&e, 6);
        emk_cbor_map(&e, (size_t)nx);
        if (a->blob) {
            emk_cbor_text_z(&e, "credBlob");
            emk_cbor_bytes(&e, a->blob, a->blob_len);
        }
        if (a->cred_protect) {
            emk_cbor_text_z(&e, "credProtect");
            emk_cbor_uint(&e, (uint64_t)a->cred_protect);
        }
        if (a->hmac) {
            emk_cbor_text_z(&e, "hmac-secret");
            emk_cbor_bool(&e, 1);
        }
        if (a->lbk) {
            emk_cbor_text_z(&e, "largeBlobKey");
            emk_cbor_bool(&e, a->lbk > 0);
        }
        if (a->min_pin) {
            emk_cbor_text_z(&e, "minPinLength");
            emk_cbor_bool(&e, 1);
        }
    }
    if (has[7]) {
        emk_cbor_uint(&e, 7);
        put_opts(&e, a->rk, a->up, a->uv);
    }
    put_pin(&e, 8, has[8] ? a->pin_len : -1, has[9] ? a->proto : 0);
    if (has[10]) {
        emk_cbor_uint(&e, 10);
        emk_cbor_uint(&e, 1);
    }
    assert_int_equal(emk_cbor_enc_finish(&e, &n), 0);
    return n + 1;
}

typedef struct ga_args {
    const char *rp;
    const uint8_t (*allow)[EMK_FIDO_CRED_ID_LEN];
    int n_allow;
    int rk, up, uv;
    int blob, lbk;                   /* extensions asked */
    int hs;                          /* 1: hmac-secret with an empty map */
    int pin_len, proto;
} ga_args;

static ga_args ga_default(void)
{
    ga_args a;

    memset(&a, 0, sizeof(a));
    a.rp = "example.com";
    a.rk = a.up = a.uv = -1;
    a.pin_len = -1;
    return a;
}

static size_t ga_encode(const ga_args *a, uint8_t *buf, size_t cap)
{
    emk_cbor_enc e;
    size_t n = 0;
    int nx = !!a->blob + !!a->hs + !!a->lbk;
    int opts = a->rk >= 0 || a->up >= 0 || a->uv >= 0;

    buf[0] = CTAP2_GET_ASSERTION;
    emk_cbor_enc_init(&e, buf + 1, cap - 1);
    emk_cbor_map(&e, (size_t)(2 + (a->n_allow > 0) + (nx > 0) + opts + (a->pin_len >= 0) +
                              (a->proto != 0)));
    emk_cbor_uint(&e, 1);
    emk_cbor_text_z(&e, a->rp);
    emk_cbor_uint(&e, 2);
    emk_cbor_bytes(&e, cdh, 32);
    if (a->n_allow > 0) {
        emk_cbor_uint(&e, 3);
        put_descs(&e, a->allow, a->n_allow);
    }
    if (nx) {
        emk_cbor_uint(&e, 4);
        emk_cbor_map(&e, (size_t)nx);
        if (a->blob) {
            emk_cbor_text_z(&e, "credBlob");
            emk_cbor_bool(&e, 1);
        }
        if (a->hs) {
            emk_cbor_text_z(&e, "hmac-secret");
            emk_cbor_map(&e, 0);
        }
        if (a->lbk) {
            emk_cbor_text_z(&e, "largeBlobKey");
            emk_cbor_bool(&e, 1);
        }
    }
    if (opts) {
        emk_cbor_uint(&e, 5);
        put_opts(&e, a->rk, a->up, a->uv);
    }
    put_pin(&e, 6, a->pin_len, a->proto);
    assert_int_equal(emk_cbor_enc_finish(&e, &n), 0);
    return n + 1;
}

/* ----------------------------------------------------- responses */

typedef struct resp {
    uint8_t buf[EMK_FIDO_MSG_MAX];
    size_t len;
    emk_cbor_item root;
} resp;

static int call(fixture *f, const uint8_t *req, size_t len, resp *r)
{
    assert_int_equal(emk_fido_ctap2_call(f->k, req, len, r->buf, sizeof(r->buf), &r->len), 0);
    assert_true(r->len >= 1);
    if (r->buf[0] == CTAP2_OK && r->len > 1)
        assert_int_equal(emk_cbor_decode(r->buf + 1, r->len - 1, EMK_CBOR_MAX_DEPTH, &r->root), 0);
    else
        assert_int_equal(r->len, 1);
    return r->buf[0];
}

static int mc_call(fixture *f, const mc_args *a, resp *r)
{
    uint8_t req[2048];

    return call(f, req, mc_encode(a, req, sizeof(req)), r);
}

static int ga_call(fixture *f, const ga_args *a, resp *r)
{
    uint8_t req[2048];

    return call(f, req, ga_encode(a, req, sizeof(req)), r);
}

static int cmd_call(fixture *f, uint8_t cmd, resp *r)
{
    return call(f, &cmd, 1, r);
}

static void get(const emk_cbor_item *m, int64_t key, int type, emk_cbor_item *v)
{
    assert_true(emk_cbor_map_int(m, key, v));
    assert_int_equal(v->type, type);
}

static void get_text(const emk_cbor_item *m, const char *key, int type, emk_cbor_item *v)
{
    assert_true(emk_cbor_map_text(m, key, v));
    assert_int_equal(v->type, type);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void verify_sig(const emk_p256_pub *pub, const uint8_t *ad, size_t ad_len,
                       const emk_cbor_item *sig)
{
    emk_sha256_ctx s;
    uint8_t h[32];

    emk_sha256_init(&s);
    emk_sha256_update(&s, ad, ad_len);
    emk_sha256_update(&s, cdh, 32);
    emk_sha256_final(&s, h);
    assert_int_equal(emk_p256_verify(pub, h, sig->ptr, (size_t)sig->val), 0);
}

/* a makeCredential response, checked: its credential and extensions */
typedef struct mc_out {
    uint8_t flags;
    uint32_t counter;
    uint8_t id[EMK_FIDO_CRED_ID_LEN];
    emk_p256_pub pub;
    emk_cbor_item ext;               /* the extension outputs (if ED) */
    int x5c;
} mc_out;

static void check_mc(fixture *f, const resp *r, const char *rp, mc_out *o)
{
    emk_cbor_item fmt, ad, att, alg, sig, x5c, cose, v, v2;
    uint8_t h[32];
    const uint8_t *p;
    size_t rest;

    memset(o, 0, sizeof(*o));
    get(&r->root, 1, EMK_CBOR_TEXT, &fmt);
    assert_true(emk_cbor_text_eq(&fmt, "packed"));
    get(&r->root, 2, EMK_CBOR_BYTES, &ad);
    get(&r->root, 3, EMK_CBOR_MAP, &att);
    p = ad.ptr;
    assert_true(ad.val >= EMK_FIDO_AD_HEAD + 16 + 2 + EMK_FIDO_CRED_ID_LEN + 77);
    emk_sha256(rp, strlen(rp), h);
    assert_memory_equal(p, h, 32);
    o->flags = p[32];
    o->counter = be32(p + 33);
    assert_true(o->flags & EMK_FIDO_AD_AT);
    assert_true(o->flags & EMK_FIDO_AD_UP);
    assert_memory_equal(p + 37, emk_fido_aaguid(), 16);
    assert_int_equal(p[53], 0);
    assert_int_equal(p[54], EMK_FIDO_CRED_ID_LEN);
    memcpy(o->id, p + 55, EMK_FIDO_CRED_ID_LEN);
    /* the COSE_Key: kty 2, alg -7, crv 1, x, y */
    assert_int_equal(emk_cbor_decode(p + 119, 77, 2, &cose), 0);
    get(&cose, 1, EMK_CBOR_UINT, &v);
    assert_int_equal(v.val, 2);
    get(&cose, 3, EMK_CBOR_NINT, &v);
    assert_int_equal(v.val, 6);
    get(&cose, -1, EMK_CBOR_UINT, &v);
    assert_int_equal(v.val, 1);
    get(&cose, -2, EMK_CBOR_BYTES, &v);
    get(&cose, -3, EMK_CBOR_BYTES, &v2);
    assert_int_equal(v.val, 32);
    assert_int_equal(v2.val, 32);
    assert_int_equal(emk_p256_pub_set_xy(&o->pub, v.ptr, v2.ptr), 0);
    rest = (size_t)ad.val - 196;
    if (o->flags & EMK_FIDO_AD_ED)
        assert_int_equal(emk_cbor_decode(p + 196, rest, 3, &o->ext), 0);
    else
        assert_int_equal(rest, 0);
    /* packed: x5c with the attestation key, or self attestation */
    get_text(&att, "alg", EMK_CBOR_NINT, &alg);
    assert_int_equal(alg.val, 6);
    get_text(&att, "sig", EMK_CBOR_BYTES, &sig);
    o->x5c = emk_cbor_map_text(&att, "x5c", &x5c);
    assert_int_equal(att.val, o->x5c ? 3 : 2);
    if (o->x5c) {
        assert_int_equal(x5c.type, EMK_CBOR_ARRAY);
        assert_int_equal(x5c.val, 1);
        verify_sig(&f->k->keys.att_pub, ad.ptr, (size_t)ad.val, &sig);
    } else {
        verify_sig(&o->pub, ad.ptr, (size_t)ad.val, &sig);
    }
}

static void make(fixture *f, const mc_args *a, mc_out *o)
{
    resp r;

    assert_int_equal(mc_call(f, a, &r), CTAP2_OK);
    check_mc(f, &r, a->rp, o);
}

/* a getAssertion response, checked against the credential's key */
typedef struct ga_out {
    uint8_t flags;
    uint32_t counter;
    uint8_t id[EMK_FIDO_CRED_ID_LEN];
    int has_user, n_creds;
    emk_cbor_item user, ext;
} ga_out;

static void check_ga(const resp *r, const char *rp, const emk_p256_pub *pub, ga_out *o)
{
    emk_cbor_item cred, id, ad, sig, v;
    uint8_t h[32];

    memset(o, 0, sizeof(*o));
    get(&r->root, 1, EMK_CBOR_MAP, &cred);
    get_text(&cred, "id", EMK_CBOR_BYTES, &id);
    get_text(&cred, "type", EMK_CBOR_TEXT, &v);
    assert_true(emk_cbor_text_eq(&v, "public-key"));
    assert_int_equal(id.val, EMK_FIDO_CRED_ID_LEN);
    memcpy(o->id, id.ptr, EMK_FIDO_CRED_ID_LEN);
    get(&r->root, 2, EMK_CBOR_BYTES, &ad);
    get(&r->root, 3, EMK_CBOR_BYTES, &sig);
    assert_true(ad.val >= EMK_FIDO_AD_HEAD);
    emk_sha256(rp, strlen(rp), h);
    assert_memory_equal(ad.ptr, h, 32);
    o->flags = ad.ptr[32];
    o->counter = be32(ad.ptr + 33);
    assert_false(o->flags & EMK_FIDO_AD_AT);
    if (o->flags & EMK_FIDO_AD_ED)
        assert_int_equal(emk_cbor_decode(ad.ptr + 37, (size_t)ad.val - 37, 3, &o->ext), 0);
    else
        assert_int_equal(ad.val, EMK_FIDO_AD_HEAD);
    if (pub)
        verify_sig(pub, ad.ptr, (size_t)ad.val, &sig);
    o->has_user = emk_cbor_map_int(&r->root, 4, &o->user);
    o->n_creds = 1;
    if (emk_cbor_map_int(&r->root, 5, &v)) {
        assert_int_equal(v.type, EMK_CBOR_UINT);
        o->n_creds = (int)v.val;
    }
}

static int rk_count(const fixture *f)
{
    int n = 0;

    for (int i = 0; i < EMK_FIDO_MAX_RK; i++)
        n += f->k->st.rk[i].in_use;
    return n;
}

/* ------------------------------------------------------- getInfo */

static void test_get_info(void **state)
{
    fixture *f = *state;
    emk_cbor_item v, o, x;
    resp r;
    mc_args a = mc_default();
    mc_out mo;
    static const char *const want_opts[] = {
        "rk", "up", "plat", "alwaysUv", "credMgmt", "clientPin", "largeBlobs",
        "pinUvAuthToken", "setMinPINLength", "makeCredUvNotRqd"
    };

    assert_int_equal(cmd_call(f, CTAP2_GET_INFO, &r), CTAP2_OK);
    /* the decoder already checked canonical key order */
    get(&r.root, 1, EMK_CBOR_ARRAY, &v);
    assert_int_equal(v.val, 3);
    get(&r.root, 2, EMK_CBOR_ARRAY, &v);
    assert_int_equal(v.val, 5);
    get(&r.root, 3, EMK_CBOR_BYTES, &v);
    assert_memory_equal(v.ptr, emk_fido_aaguid(), 16);
    get(&r.root, 4, EMK_CBOR_MAP, &o);
    assert_int_equal(o.val, 10);
    for (size_t i = 0; i < 10; i++)
        assert_true(emk_cbor_map_text(&o, want_opts[i], &x));
    emk_cbor_map_text(&o, "clientPin", &x);
    assert_int_equal(emk_cbor_get_bool(&x), 0);
    emk_cbor_map_text(&o, "plat", &x);
    assert_int_equal(emk_cbor_get_bool(&x), 0);
    assert_false(emk_cbor_map_text(&o, "uv", &x));
    get(&r.root, 5, EMK_CBOR_UINT, &v);
    assert_int_equal(v.val, 7609);
    get(&r.root, 6, EMK_CBOR_ARRAY, &v);
    assert_int_equal(v.val, 2);
    assert_int_equal(v.ptr[0], 0x02);
    assert_int_equal(v.ptr[1], 0x01);
    get(&r.root, 8, EMK_CBOR_UINT, &v);
    assert_int_equal(v.val, 64);
    get(&r.root, 0x0B, EMK_CBOR_UINT, &v);
    assert_int_equal(v.val, 4096);
    get(&r.root, 0x0D, EMK_CBOR_UINT, &v);
    assert_int_equal(v.val, 4);
    get(&r.root, 0x0F, EMK_CBOR_UINT, &v);
    assert_int_equal(v.val, 32);
    get(&r.root, 0x14, EMK_CBOR_UINT, &v);
    assert_int_equal(v.val, EMK_FIDO_MAX_RK);
    /* one discoverable credential less, and the PIN shows */
    a.rk = 1;
    make(f, &a, &mo);
    f->k->st.pin_set = 1;
    assert_int_equal(cmd_call(f, CTAP2_GET_INFO, &r), CTAP2_OK);
    get(&r.root, 0x14, EMK_CBOR_UINT, &v);
    assert_int_equal(v.val, EMK_FIDO_MAX_RK - 1);
    get(&r.root, 4, EMK_CBOR_MAP, &o);
    emk_cbor_map_text(&o, "clientPin", &x);
    assert_int_equal(emk_cbor_get_bool(&x), 1);
}

/* ------------------------------------------------ makeCredential */

static void test_mc_basic(void **state)
{
    fixture *f = *state;
    mc_args a = mc_default();
    mc_out o, o2;
    emk_p256_priv priv;
    emk_p256_pub pub;
    uint8_t h[32], fl;
    uint32_t c0 = emk_fido_counter(f->k);

    make(f, &a, &o);
    assert_int_equal(o.flags, EMK_FIDO_AD_UP | EMK_FIDO_AD_AT);
    assert_int_equal(o.counter, c0);
    assert_true(o.x5c == (f->k->keys.att_cert_len > 0));
    /* the ID opens for this RP and holds the key of the COSE_Key */
    emk_sha256("example.com", 11, h);
    assert_int_equal(emk_fido_cred_open(f->k, h, o.id, 64, &priv, &fl), 0);
    assert_int_equal(fl, 1);
    assert_int_equal(emk_p256_pub_from_priv(&pub, &priv), 0);
    assert_memory_equal(pub.x, o.pub.x, 32);
    assert_memory_equal(pub.y, o.pub.y, 32);
    assert_int_equal(rk_count(f), 0);
    /* the counter goes up; self attestation without a certificate */
    f->k->keys.att_cert_len = 0;
    make(f, &a, &o2);
    assert_false(o2.x5c);
    assert_true(o2.counter > o.counter);
    assert_memory_not_equal(o.id, o2.id, 64);
}

static void test_mc_errors(void **state)
{
    fixture *f = *state;
    mc_args a;
    resp r;
    uint8_t bad[] = { CTAP2_MAKE_CREDENTIAL, 0xa1, 0x01, 0x01 };  /* {1: 1} */

    for (int i = 1; i <= 4; i++) {
        a = mc_default();
        a.omit = 1u << i;
        assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_MISSING_PARAMETER);
    }
    assert_int_equal(call(f, bad, sizeof(bad), &r), CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
    assert_int_equal(cmd_call(f, CTAP2_MAKE_CREDENTIAL, &r), CTAP2_ERR_MISSING_PARAMETER);
    a = mc_default();
    a.alg = -257;
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_UNSUPPORTED_ALGORITHM);
    a = mc_default();
    a.type = "private-key";
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_UNSUPPORTED_ALGORITHM);
    a = mc_default();
    a.uv = 1;
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_INVALID_OPTION);
    a = mc_default();
    a.up = 0;
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_INVALID_OPTION);
    a = mc_default();
    a.ep = 1;
    assert_int_equal(mc_call(f, &a, &r), CTAP1_ERR_INVALID_PARAMETER);
    a = mc_default();
    a.lbk = 1;                      /* largeBlobKey needs rk */
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_INVALID_OPTION);
    a.rk = 1;
    a.lbk = -1;                     /* false is not allowed */
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_INVALID_OPTION);
    a = mc_default();
    a.cred_protect = 4;
    assert_int_equal(mc_call(f, &a, &r), CTAP1_ERR_INVALID_PARAMETER);
    a = mc_default();
    a.uid = "";
    assert_int_equal(mc_call(f, &a, &r), CTAP1_ERR_INVALID_LENGTH);
    /* pinUvAuthParam: empty is a touch, then PIN_NOT_SET / PIN_INVALID */
    a = mc_default();
    a.pin_len = 0;
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_PIN_NOT_SET);
    f->k->st.pin_set = 1;
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_PIN_INVALID);
    f->k->st.pin_set = 0;
    a.pin_len = 16;
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_MISSING_PARAMETER);
    a.proto = 3;
    assert_int_equal(mc_call(f, &a, &r), CTAP1_ERR_INVALID_PARAMETER);
    a.proto = 2;                    /* no token was ever issued */
    assert_int_not_equal(mc_call(f, &a, &r), CTAP2_OK);
    /* the user declines */
    emk_fido_set_presence(f->k, EMK_FIDO_UP_DENY, 0);
    a = mc_default();
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_OPERATION_DENIED);
    a.pin_len = 0;
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_OPERATION_DENIED);
    assert_int_equal(rk_count(f), 0);
}

static void test_mc_uv_policy(void **state)
{
    fixture *f = *state;
    mc_args a = mc_default();
    ga_args g = ga_default();
    mc_out o;
    resp r;

    /* a PIN is set: makeCredUvNotRqd lets non-discoverable ones through */
    f->k->st.pin_set = 1;
    make(f, &a, &o);
    a.rk = 1;
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_PUAT_REQUIRED);
    /* alwaysUv: nothing without the token, assertions with a touch too */
    f->k->st.always_uv = 1;
    a.rk = -1;
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_PUAT_REQUIRED);
    g.allow = (const uint8_t (*)[EMK_FIDO_CRED_ID_LEN])o.id;
    g.n_allow = 1;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_ERR_PUAT_REQUIRED);
    g.up = 0;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_OK);
}

static void test_mc_exclude(void **state)
{
    fixture *f = *state;
    mc_args a = mc_default(), b;
    mc_out o1, o3, other;
    uint8_t list[3][EMK_FIDO_CRED_ID_LEN];
    resp r;
    uint32_t c;

    make(f, &a, &o1);
    a.cred_protect = 3;
    make(f, &a, &o3);
    b = mc_default();
    b.rp = "example.org";
    make(f, &b, &other);
    /* another RP's credential or garbage: not excluded */
    memcpy(list[0], other.id, 64);
    memset(list[1], 0x5a, 64);
    a = mc_default();
    a.excl = (const uint8_t (*)[64])list;
    a.n_excl = 2;
    assert_int_equal(mc_call(f, &a, &r), CTAP2_OK);
    /* credProtect 3 without UV is invisible to excludeList */
    memcpy(list[2], o3.id, 64);
    a.excl = (const uint8_t (*)[64])list + 2;
    a.n_excl = 1;
    assert_int_equal(mc_call(f, &a, &r), CTAP2_OK);
    /* a match: touch, then CREDENTIAL_EXCLUDED, and no counter used */
    memcpy(list[2], o1.id, 64);
    a.excl = (const uint8_t (*)[64])list;
    a.n_excl = 3;
    c = emk_fido_counter(f->k);
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_CREDENTIAL_EXCLUDED);
    emk_fido_set_presence(f->k, EMK_FIDO_UP_DENY, 0);
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_CREDENTIAL_EXCLUDED);
    assert_int_equal(emk_fido_counter(f->k), c);
}

static void test_mc_resident(void **state)
{
    fixture *f = *state;
    mc_args a = mc_default();
    mc_out o1, o2, o3;
    const emk_fido_rk *rk;
    int i;

    a.rk = 1;
    a.uname = "alice";
    a.dname = "Alice A.";
    make(f, &a, &o1);
    assert_int_equal(rk_count(f), 1);
    i = emk_fido_rk_find_id(f->k, f->k->st.rk[0].rp_id_hash, o1.id, 64);
    assert_true(i >= 0);
    rk = &f->k->st.rk[i];
    assert_int_equal(rk->user_id_len, 6);
    assert_memory_equal(rk->user_id, "user-1", 6);
    assert_int_equal(rk->rp_id_len, 11);
    assert_memory_equal(rk->rp_id, "example.com", 11);
    assert_int_equal(rk->user_name_len, 5);
    assert_int_equal(rk->display_name_len, 8);
    assert_int_equal(rk->cred_protect, 1);
    /* the same RP and user replaces it */
    make(f, &a, &o2);
    assert_int_equal(rk_count(f), 1);
    assert_int_equal(emk_fido_rk_find_id(f->k, rk->rp_id_hash, o1.id, 64), -1);
    assert_true(emk_fido_rk_find_id(f->k, rk->rp_id_hash, o2.id, 64) >= 0);
    a.uid = "user-2";
    make(f, &a, &o3);
    assert_int_equal(rk_count(f), 2);
}

static int setup_rk2(void **state)
{
    *state = fixture_new(EMK_FIDO_UP_ALWAYS, 2);
    return 0;
}

static void test_mc_store_full(void **state)
{
    fixture *f = *state;
    mc_args a = mc_default();
    mc_out o;
    resp r;
    uint32_t c;

    a.rk = 1;
    make(f, &a, &o);
    a.uid = "user-2";
    make(f, &a, &o);
    a.uid = "user-3";
    c = emk_fido_counter(f->k);
    assert_int_equal(mc_call(f, &a, &r), CTAP2_ERR_KEY_STORE_FULL);
    assert_int_equal(emk_fido_counter(f->k), c);
    /* replacing one still works, and non-resident ones too */
    a.uid = "user-2";
    make(f, &a, &o);
    a.rk = -1;
    a.uid = "user-3";
    make(f, &a, &o);
    assert_int_equal(rk_count(f), 2);
}

/* A wait leaves everything as it was; the re-run after the touch works. */
static void test_mc_pending(void **state)
{
    fixture *f = *state;
    mc_args a = mc_default();
    uint8_t req[1024];
    size_t len, n = 0;
    uint32_t c = emk_fido_counter(f->k);
    int st;

    a.rk = 1;
    len = mc_encode(&a, req, sizeof(req));
    emk_fido_set_presence(f->k, EMK_FIDO_UP_MANUAL, 0);
    st = emk_fido_ctap2(f->k, req, len, f->k->resp, sizeof(f->k->resp), &n);
    assert_int_equal(st, EMK_FIDO_PENDING);
    assert_int_equal(emk_fido_counter(f->k), c);
    assert_int_equal(rk_count(f), 0);
    emk_fido_touch(f->k);
    st = emk_fido_ctap2(f->k, req, len, f->k->resp, sizeof(f->k->resp), &n);
    assert_int_equal(st, CTAP2_OK);
    assert_int_equal(rk_count(f), 1);
    assert_int_equal(emk_fido_counter(f->k), c + 1);
}

/* getAssertion waits the same way: no counter, no GetNextAssertion state */
static void test_ga_pending(void **state)
{
    fixture *f = *state;
    mc_args a = mc_default();
    ga_args g = ga_default();
    mc_out o;
    uint8_t req[1024];
    size_t len, n = 0;
    uint32_t c;

    a.rk = 1;
    make(f, &a, &o);
    a.uid = "user-2";
    make(f, &a, &o);
    len = ga_encode(&g, req, sizeof(req));
    c = emk_fido_counter(f->k);
    emk_fido_set_presence(f->k, EMK_FIDO_UP_MANUAL, 0);
    assert_int_equal(emk_fido_ctap2(f->k, req, len, f->k->resp, sizeof(f->k->resp), &n),
                     EMK_FIDO_PENDING);
    assert_int_equal(emk_fido_counter(f->k), c);
    assert_false(f->k->next.active);
    emk_fido_touch(f->k);
    assert_int_equal(emk_fido_ctap2(f->k, req, len, f->k->resp, sizeof(f->k->resp), &n),
                     CTAP2_OK);
    assert_int_equal(emk_fido_counter(f->k), c + 1);
    assert_true(f->k->next.active);
}

/* -------------------------------------------------- getAssertion */

static void test_ga_allow(void **state)
{
    fixture *f = *state;
    mc_args a = mc_default();
    ga_args g = ga_default();
    mc_out o;
    ga_out go, go2;
    uint8_t list[2][EMK_FIDO_CRED_ID_LEN];
    resp r;

    make(f, &a, &o);
    memset(list[0], 0x33, 64);
    memcpy(list[1], o.id, 64);
    g.allow = (const uint8_t (*)[64])list;
    g.n_allow = 2;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_OK);
    check_ga(&r, "example.com", &o.pub, &go);
    assert_int_equal(go.flags, EMK_FIDO_AD_UP);
    assert_memory_equal(go.id, o.id, 64);
    assert_true(go.counter > o.counter);
    assert_false(go.has_user);      /* not discoverable */
    assert_int_equal(go.n_creds, 1);
    assert_false(emk_cbor_map_int(&r.root, 5, &go.user));
    /* again: the counter moves on; up false: a silent assertion */
    g.up = 0;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_OK);
    check_ga(&r, "example.com", &o.pub, &go2);
    assert_int_equal(go2.flags, 0);
    assert_true(go2.counter > go.counter);
    /* wrong RP, unknown IDs: none */
    g = ga_default();
    g.rp = "example.org";
    g.allow = (const uint8_t (*)[64])list;
    g.n_allow = 2;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_ERR_NO_CREDENTIALS);
    g.rp = "example.com";
    g.n_allow = 1;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_ERR_NO_CREDENTIALS);
    /* no discoverable credential either */
    g.n_allow = 0;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_ERR_NO_CREDENTIALS);
    /* options */
    g.n_allow = 2;
    g.rk = 1;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_ERR_UNSUPPORTED_OPTION);
    g.rk = -1;
    g.uv = 1;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_ERR_INVALID_OPTION);
    g.uv = -1;
    g.pin_len = 0;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_ERR_PIN_NOT_SET);
    g.pin_len = 16;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_ERR_MISSING_PARAMETER);
    g.pin_len = -1;
    emk_fido_set_presence(f->k, EMK_FIDO_UP_DENY, 0);
    assert_int_equal(ga_call(f, &g, &r), CTAP2_ERR_OPERATION_DENIED);
    g.up = 0;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_OK);
}

static void test_ga_missing(void **state)
{
    fixture *f = *state;
    resp r;
    uint8_t no_cdh[] = { CTAP2_GET_ASSERTION, 0xa1, 0x01, 0x61, 'a' };
    uint8_t no_rp[36] = { CTAP2_GET_ASSERTION, 0xa1, 0x02, 0x58, 0x20 };
    uint8_t bad_rp[] = { CTAP2_GET_ASSERTION, 0xa1, 0x01, 0x01 };

    assert_int_equal(call(f, no_cdh, sizeof(no_cdh), &r), CTAP2_ERR_MISSING_PARAMETER);
    assert_int_equal(call(f, no_rp, 5 + 32, &r), CTAP2_ERR_MISSING_PARAMETER);
    assert_int_equal(call(f, bad_rp, sizeof(bad_rp), &r), CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
    assert_int_equal(cmd_call(f, CTAP2_GET_ASSERTION, &r), CTAP2_ERR_MISSING_PARAMETER);
}

/* three discoverable credentials: newest first, then GetNextAssertion */
static void test_ga_resident(void **state)
{
    fixture *f = *state;
    mc_args a = mc_default();
    ga_args g = ga_default();
    mc_out o[3];
    ga_out go;
    emk_cbor_item v;
    resp r;
    static const char *const users[3] = { "u-0", "u-1", "u-2" };
    uint32_t last;

    a.rk = 1;
    a.uname = "name";
    a.dname = "display";
    for (int i = 0; i < 3; i++) {
        a.uid = users[i];
        make(f, &a, &o[i]);
    }
    a = mc_default();
    a.rp = "example.org";
    a.rk = 1;
    make(f, &a, &o[0]);             /* another RP's: never listed here */
    a = mc_default();
    a.rk = 1;
    a.uid = "u-0";
    make(f, &a, &o[0]);             /* u-0 again: now the newest */
    assert_int_equal(ga_call(f, &g, &r), CTAP2_OK);
    check_ga(&r, "example.com", &o[0].pub, &go);
    assert_int_equal(go.n_creds, 3);
    assert_true(go.has_user);
    /* no UV: the user's ID only */
    assert_int_equal(go.user.type, EMK_CBOR_MAP);
    assert_int_equal(go.user.val, 1);
    get_text(&go.user, "id", EMK_CBOR_BYTES, &v);
    assert_memory_equal(v.ptr, "u-0", 3);
    last = go.counter;
    for (int i = 2; i >= 1; i--) {
        assert_int_equal(cmd_call(f, CTAP2_GET_NEXT_ASSERTION, &r), CTAP2_OK);
        check_ga(&r, "example.com", &o[i].pub, &go);
        assert_memory_equal(go.id, o[i].id, 64);
        assert_int_equal(go.n_creds, 1);      /* only in the first response */
        get_text(&go.user, "id", EMK_CBOR_BYTES, &v);
        assert_memory_equal(v.ptr, users[i], 3);
        assert_true(go.counter > last);
        last = go.counter;
    }
    assert_int_equal(cmd_call(f, CTAP2_GET_NEXT_ASSERTION, &r), CTAP2_ERR_NOT_ALLOWED);
    /* any other command in between ends it */
    assert_int_equal(ga_call(f, &g, &r), CTAP2_OK);
    assert_int_equal(cmd_call(f, CTAP2_GET_INFO, &r), CTAP2_OK);
    assert_int_equal(cmd_call(f, CTAP2_GET_NEXT_ASSERTION, &r), CTAP2_ERR_NOT_ALLOWED);
    /* and so does the 30 s timer, and a CANCEL (ctap2_abort) */
    assert_int_equal(ga_call(f, &g, &r), CTAP2_OK);
    assert_int_equal(cmd_call(f, CTAP2_GET_NEXT_ASSERTION, &r), CTAP2_OK);
    f->vc.now += 29 * S_;
    emk_loop_run_once(f->loop, 0);
    assert_int_equal(cmd_call(f, CTAP2_GET_NEXT_ASSERTION, &r), CTAP2_OK);
    assert_int_equal(ga_call(f, &g, &r), CTAP2_OK);
    f->vc.now += 31 * S_;
    emk_loop_run_once(f->loop, 0);
    assert_false(f->k->next.active);
    assert_int_equal(cmd_call(f, CTAP2_GET_NEXT_ASSERTION, &r), CTAP2_ERR_NOT_ALLOWED);
    assert_int_equal(ga_call(f, &g, &r), CTAP2_OK);
    emk_fido_ctap2_abort(f->k);
    assert_int_equal(cmd_call(f, CTAP2_GET_NEXT_ASSERTION, &r), CTAP2_ERR_NOT_ALLOWED);
}

/* with UV (white-box: the token check is the pin room's) names show */
static void test_ga_user_names(void **state)
{
    fixture *f = *state;
    mc_args a = mc_default();
    mc_out o;
    emk_cbor_enc e;
    emk_cbor_item v, user;
    emk_fido_ga_ext g;
    uint8_t buf[1024];
    size_t n;
    int i;

    a.rk = 1;
    a.uname = "alice";
    a.dname = "Alice A.";
    make(f, &a, &o);
    i = emk_fido_rk_find_id(f->k, f->k->st.rk[0].rp_id_hash, o.id, 64);
    assert_true(i >= 0);
    /* GetNextAssertion's path with a UV flag remembered */
    memset(&g, 0, sizeof(g));
    f->k->next.active = 1;
    f->k->next.count = 2;
    f->k->next.pos = 1;
    f->k->next.flags = EMK_FIDO_AD_UP | EMK_FIDO_AD_UV;
    f->k->next.slot[1] = (uint8_t)i;
    f->k->next.seq[1] = f->k->st.rk[i].seq;
    memcpy(f->k->next.rp_id_hash, f->k->st.rk[i].rp_id_hash, 32);
    memcpy(f->k->next.cdh, cdh, 32);
    emk_cbor_enc_init(&e, buf, sizeof(buf));
    assert_int_equal(emk_fido_get_next_assertion(f->k, &e), CTAP2_OK);
    assert_int_equal(emk_cbor_enc_finish(&e, &n), 0);
    assert_int_equal(emk_cbor_decode(buf, n, 4, &v), 0);
    get(&v, 4, EMK_CBOR_MAP, &user);
    assert_int_equal(user.val, 3);
    get_text(&user, "name", EMK_CBOR_TEXT, &v);
    assert_int_equal(v.val, 5);
    get_text(&user, "displayName", EMK_CBOR_TEXT, &v);
    assert_int_equal(v.val, 8);
    assert_false(f->k->next.active);
}

static void test_cred_protect(void **state)
{
    fixture *f = *state;
    mc_args a = mc_default();
    ga_args g = ga_default();
    mc_out o2, o3;
    ga_out go;
    emk_cbor_item v;
    uint8_t list[1][EMK_FIDO_CRED_ID_LEN];
    resp r;

    a.rk = 1;
    a.cred_protect = 2;
    make(f, &a, &o2);
    assert_true(o2.flags & EMK_FIDO_AD_ED);
    get_text(&o2.ext, "credProtect", EMK_CBOR_UINT, &v);
    assert_int_equal(v.val, 2);
    a.uid = "user-3";
    a.cred_protect = 3;
    make(f, &a, &o3);
    /* neither is discoverable without UV */
    assert_int_equal(ga_call(f, &g, &r), CTAP2_ERR_NO_CREDENTIALS);
    /* level 2 with its ID works, level 3 does not */
    memcpy(list[0], o2.id, 64);
    g.allow = (const uint8_t (*)[64])list;
    g.n_allow = 1;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_OK);
    check_ga(&r, "example.com", &o2.pub, &go);
    assert_true(go.has_user);      /* resident: the user comes along */
    memcpy(list[0], o3.id, 64);
    assert_int_equal(ga_call(f, &g, &r), CTAP2_ERR_NO_CREDENTIALS);
    /* a level-1 one is found and counted alone */
    a = mc_default();
    a.rk = 1;
    a.uid = "user-1";
    make(f, &a, &o2);
    assert_false(o2.flags & EMK_FIDO_AD_ED);
    g = ga_default();
    assert_int_equal(ga_call(f, &g, &r), CTAP2_OK);
    check_ga(&r, "example.com", &o2.pub, &go);
    assert_int_equal(go.n_creds, 1);
}

static void test_ext_blob_lbk(void **state)
{
    fixture *f = *state;
    mc_args a = mc_default();
    ga_args g = ga_default();
    mc_out o;
    ga_out go;
    emk_cbor_item v, key5, key7;
    uint8_t blob[33];
    uint8_t list[1][EMK_FIDO_CRED_ID_LEN];
    resp r;

    for (size_t i = 0; i < sizeof(blob); i++)
        blob[i] = (uint8_t)(0xb0 + i);
    /* non-resident: not stored */
    a.blob = blob;
    a.blob_len = 8;
    make(f, &a, &o);
    get_text(&o.ext, "credBlob", EMK_CBOR_SIMPLE, &v);
    assert_int_equal(emk_cbor_get_bool(&v), 0);
    /* too long: not stored */
    a.rk = 1;
    a.blob_len = 33;
    make(f, &a, &o);
    get_text(&o.ext, "credBlob", EMK_CBOR_SIMPLE, &v);
    assert_int_equal(emk_cbor_get_bool(&v), 0);
    /* resident with 32 bytes and a large blob key */
    a.blob_len = 32;
    a.lbk = 1;
    a.hmac = 1;
    assert_int_equal(mc_call(f, &a, &r), CTAP2_OK);
    check_mc(f, &r, "example.com", &o);
    get_text(&o.ext, "credBlob", EMK_CBOR_SIMPLE, &v);
    assert_int_equal(emk_cbor_get_bool(&v), 1);
    get_text(&o.ext, "hmac-secret", EMK_CBOR_SIMPLE, &v);
    assert_int_equal(emk_cbor_get_bool(&v), 1);
    assert_false(emk_cbor_map_text(&o.ext, "largeBlobKey", &v));
    get(&r.root, 5, EMK_CBOR_BYTES, &key5);
    assert_int_equal(key5.val, 32);
    uint8_t lbk[32];
    memcpy(lbk, key5.ptr, 32);
    /* getAssertion returns both when asked */
    g.blob = 1;
    g.lbk = 1;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_OK);
    check_ga(&r, "example.com", &o.pub, &go);
    assert_true(go.flags & EMK_FIDO_AD_ED);
    get_text(&go.ext, "credBlob", EMK_CBOR_BYTES, &v);
    assert_int_equal(v.val, 32);
    assert_memory_equal(v.ptr, blob, 32);
    get(&r.root, 7, EMK_CBOR_BYTES, &key7);
    assert_memory_equal(key7.ptr, lbk, 32);
    /* not asked: neither */
    g = ga_default();
    assert_int_equal(ga_call(f, &g, &r), CTAP2_OK);
    check_ga(&r, "example.com", &o.pub, &go);
    assert_false(go.flags & EMK_FIDO_AD_ED);
    assert_false(emk_cbor_map_int(&r.root, 7, &v));
    /* a non-resident credential asked for credBlob: empty */
    a = mc_default();
    make(f, &a, &o);
    memcpy(list[0], o.id, 64);
    g.allow = (const uint8_t (*)[64])list;
    g.n_allow = 1;
    g.blob = 1;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_OK);
    check_ga(&r, "example.com", &o.pub, &go);
    get_text(&go.ext, "credBlob", EMK_CBOR_BYTES, &v);
    assert_int_equal(v.val, 0);
}

static void test_ext_min_pin(void **state)
{
    fixture *f = *state;
    mc_args a = mc_default();
    mc_out o;
    emk_cbor_item v;

    a.min_pin = 1;
    make(f, &a, &o);                /* RP not in the list: no output */
    assert_false(o.flags & EMK_FIDO_AD_ED);
    strcpy(f->k->st.min_pin_rps[0], "example.com");
    f->k->st.min_pin_rp_count = 1;
    f->k->st.min_pin_len = 6;
    make(f, &a, &o);
    get_text(&o.ext, "minPinLength", EMK_CBOR_UINT, &v);
    assert_int_equal(v.val, 6);
    a.rp = "example.co";            /* a prefix is another RP */
    make(f, &a, &o);
    assert_false(o.flags & EMK_FIDO_AD_ED);
}

/* hmac-secret's input is checked before the touch */
static void test_ext_hmac_input(void **state)
{
    fixture *f = *state;
    ga_args g = ga_default();
    resp r;
    uint32_t c;

    {
        mc_args a = mc_default();
        mc_out o;

        a.rk = 1;
        a.hmac = 1;
        make(f, &a, &o);
    }
    c = emk_fido_counter(f->k);
    g.hs = 1;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_ERR_MISSING_PARAMETER);
    g.up = 0;
    assert_int_equal(ga_call(f, &g, &r), CTAP2_ERR_UNSUPPORTED_OPTION);
    assert_int_equal(emk_fido_counter(f->k), c);
}

static void test_get_next_without(void **state)
{
    fixture *f = *state;
    resp r;

    assert_int_equal(cmd_call(f, CTAP2_GET_NEXT_ASSERTION, &r), CTAP2_ERR_NOT_ALLOWED);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_cred_roundtrip),
        T(test_cred_tamper),
        T(test_get_info),
        T(test_mc_basic),
        T(test_mc_errors),
        T(test_mc_uv_policy),
        T(test_mc_exclude),
        T(test_mc_resident),
        cmocka_unit_test_setup_teardown(test_mc_store_full, setup_rk2, teardown),
        T(test_mc_pending),
        T(test_ga_pending),
        T(test_ga_allow),
        T(test_ga_missing),
        T(test_ga_resident),
        T(test_ga_user_names),
        T(test_cred_protect),
        T(test_ext_blob_lbk),
        T(test_ext_min_pin),
        T(test_ext_hmac_input),
        T(test_get_next_without),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
