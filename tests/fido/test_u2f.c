/* test_u2f.c - CTAP1/U2F (hw/fido/u2f.c) and the attestation certificate
 * (x509.c): every APDU error path, REGISTER/AUTHENTICATE round trips
 * verified with emk_p256_verify against the returned keys, the counter's
 * order, and the certificate's own signature.  The round trips need
 * cred.c; with the scaffold in its place (cred_new -ENOSYS) they skip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "u2f_fixture.h"

enum { RSP_MAX = EMK_FIDO_MSG_MAX };

static uint8_t rsp[RSP_MAX];
static size_t rlen;

static unsigned sw_of(void)
{
    assert_true(rlen >= 2);
    return (unsigned)rsp[rlen - 2] << 8 | rsp[rlen - 1];
}

static unsigned run(fx_key *f, const uint8_t *a, size_t n)
{
    assert_int_equal(emk_fido_u2f_call(f->k, a, n, rsp, sizeof(rsp), &rlen), 0);
    return sw_of();
}

/* libfido2's form: 00 INS P1 00 | 00 Lc1 Lc2 | data | 00 00 */
static size_t apdu_ext(uint8_t *b, uint8_t ins, uint8_t p1, const uint8_t *d, size_t lc)
{
    b[0] = 0;
    b[1] = ins;
    b[2] = p1;
    b[3] = 0;
    b[4] = 0;
    b[5] = (uint8_t)(lc >> 8);
    b[6] = (uint8_t)lc;
    if (lc)
        memcpy(b + 7, d, lc);
    b[7 + lc] = 0;
    b[8 + lc] = 0;
    return 9 + lc;
}

/* short form: 00 INS P1 00 | Lc | data [| Le] */
static size_t apdu_short(uint8_t *b, uint8_t ins, uint8_t p1, const uint8_t *d, size_t lc,
                         int le)
{
    b[0] = 0;
    b[1] = ins;
    b[2] = p1;
    b[3] = 0;
    b[4] = (uint8_t)lc;
    memcpy(b + 5, d, lc);
    if (le)
        b[5 + lc] = 0;
    return 5 + lc + (le ? 1 : 0);
}

static int setup(void **state)
{
    static fx_key f;

    if (fx_open(&f, NULL, 0x11) < 0)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fx_close(*state);
    return 0;
}

static void test_version(void **state)
{
    fx_key *f = *state;
    uint8_t a[16];
    static const uint8_t forms[][9] = {
        { 0, 3, 0, 0, 0, 0, 0, 0, 0 },   /* libfido2: ext Lc 0 + Le */
        { 0, 3, 0, 0 },                  /* case 1 */
        { 0, 3, 0, 0, 0 },               /* case 2 short, Le 256 */
        { 0, 3, 0, 0, 0, 0, 0 },         /* case 2 extended */
    };
    static const size_t lens[] = { 9, 4, 5, 7 };

    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(run(f, forms[i], lens[i]), 0x9000);
        assert_int_equal(rlen, 8);
        assert_memory_equal(rsp, "U2F_V2", 6);
    }
    /* VERSION takes no data */
    assert_int_equal(run(f, a, apdu_ext(a, 3, 0, (const uint8_t *)"x", 1)), 0x6700);
    assert_int_equal(run(f, a, apdu_short(a, 3, 0, (const uint8_t *)"xy", 2, 0)), 0x6700);
    assert_int_equal(rlen, 2);
}

static void test_header_errors(void **state)
{
    fx_key *f = *state;
    static const uint8_t cla[] = { 0x80, 3, 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t ins[] = { 0, 0x04, 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t ins2[] = { 0, 0xc0, 0, 0 };
    static const uint8_t three[] = { 0, 3, 0 };

    assert_int_equal(run(f, cla, sizeof(cla)), 0x6E00);
    assert_int_equal(run(f, ins, sizeof(ins)), 0x6D00);
    assert_int_equal(run(f, ins2, sizeof(ins2)), 0x6D00);
    assert_int_equal(run(f, three, 3), 0x6700);
    assert_int_equal(run(f, three, 0), 0x6700);
    assert_int_equal(rlen, 2);
}

static void test_length_errors(void **state)
{
    fx_key *f = *state;
    uint8_t a[300], d[260];
    size_t n;
    static const uint8_t bad[][10] = {
        { 0, 3, 0, 0, 0, 0 },                /* 00 then one byte */
        { 0, 3, 0, 0, 0, 0, 0, 0 },          /* ext Lc 0, one Le byte */
        { 0, 3, 0, 0, 0, 0, 2, 1 },          /* ext Lc 2, one data byte */
        { 0, 3, 0, 0, 0, 0, 1, 1, 0 },       /* ext Lc 1, one Le byte */
        { 0, 3, 0, 0, 2, 1 },                /* short Lc 2, one byte */
        { 0, 3, 0, 0, 1, 1, 0, 0 },          /* short Lc 1, two Le bytes */
    };
    static const size_t lens[] = { 6, 8, 8, 9, 6, 8 };

    memset(d, 0x5a, sizeof(d));
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(run(f, bad[i], lens[i]), 0x6700);
    /* REGISTER wants exactly 64 bytes */
    assert_int_equal(run(f, a, apdu_ext(a, 1, 0, d, 63)), 0x6700);
    assert_int_equal(run(f, a, apdu_ext(a, 1, 0, d, 65)), 0x6700);
    assert_int_equal(run(f, a, apdu_ext(a, 1, 0, d, 0)), 0x6700);
    /* AUTHENTICATE: at least 65, and exactly 65 + L */
    assert_int_equal(run(f, a, apdu_ext(a, 2, 3, d, 64)), 0x6700);
    d[64] = 10;
    assert_int_equal(run(f, a, apdu_ext(a, 2, 3, d, 74)), 0x6700);
    assert_int_equal(run(f, a, apdu_ext(a, 2, 7, d, 76)), 0x6700);
    assert_int_equal(run(f, a, apdu_short(a, 2, 3, d, 76, 1)), 0x6700);
    /* an extended Lc that runs past the APDU */
    n = apdu_ext(a, 2, 3, d, 75);
    a[6] = 80;
    assert_int_equal(run(f, a, n), 0x6700);
    assert_int_equal(rlen, 2);
}

static void test_bad_handle(void **state)
{
    fx_key *f = *state;
    uint8_t a[300], d[65 + 64];

    memset(d, 0x33, sizeof(d));
    d[64] = 64;
    assert_int_equal(run(f, a, apdu_ext(a, 2, 7, d, sizeof(d))), 0x6A80);
    assert_int_equal(run(f, a, apdu_ext(a, 2, 3, d, sizeof(d))), 0x6A80);
    assert_int_equal(run(f, a, apdu_ext(a, 2, 8, d, sizeof(d))), 0x6A80);
    /* an empty handle, and an unknown control byte */
    d[64] = 0;
    assert_int_equal(run(f, a, apdu_ext(a, 2, 3, d, 65)), 0x6A80);
    d[64] = 64;
    assert_int_equal(run(f, a, apdu_ext(a, 2, 0x01, d, sizeof(d))), 0x6A80);
    assert_int_equal(rlen, 2);
}

static void test_register_declined(void **state)
{
    fx_key *f = *state;
    uint8_t a[80], d[64];

    memset(d, 1, sizeof(d));
    emk_fido_set_presence(f->k, EMK_FIDO_UP_DENY, 0);
    assert_int_equal(run(f, a, apdu_ext(a, 1, 0, d, 64)), 0x6985);
    assert_int_equal(rlen, 2);
    emk_fido_set_presence(f->k, EMK_FIDO_UP_ALWAYS, 0);
}

/* The DER length of the value at p (p[0] its tag); header bytes in *hdr. */
static size_t der_len(const uint8_t *p, size_t *hdr)
{
    if (p[1] < 0x80) {
        *hdr = 2;
        return p[1];
    }
    if (p[1] == 0x81) {
        *hdr = 3;
        return p[2];
    }
    assert_int_equal(p[1], 0x82);
    *hdr = 4;
    return (size_t)p[2] << 8 | p[3];
}

static const uint8_t *find(const uint8_t *h, size_t hn, const uint8_t *n, size_t nn)
{
    for (size_t i = 0; i + nn <= hn; i++)
        if (!memcmp(h + i, n, nn))
            return h + i;
    return NULL;
}

/* The certificate's signature checks with its own key, and the key and
 * the AAGUID are in it. */
static void check_cert(const uint8_t *c, size_t n, const emk_p256_pub *pub)
{
    size_t hdr, tbs_hdr, tbs, alg_hdr, alg, bs_hdr, bs;
    const uint8_t *p;
    uint8_t h[32], pt[65];

    assert_int_equal(c[0], 0x30);
    assert_int_equal(der_len(c, &hdr) + hdr, n);
    p = c + hdr;
    tbs = der_len(p, &tbs_hdr) + tbs_hdr;
    emk_sha256(p, tbs, h);
    p += tbs;
    alg = der_len(p, &alg_hdr) + alg_hdr;
    p += alg;
    assert_int_equal(p[0], 0x03);
    bs = der_len(p, &bs_hdr);
    assert_int_equal(hdr + tbs + alg + bs_hdr + bs, n);
    assert_int_equal(p[bs_hdr], 0);
    assert_int_equal(emk_p256_verify(pub, h, p + bs_hdr + 1, bs - 1), 0);
    h[0] ^= 1;
    assert_int_not_equal(emk_p256_verify(pub, h, p + bs_hdr + 1, bs - 1), 0);
    emk_p256_pub_encode(pub, pt);
    assert_non_null(find(c, n, pt, sizeof(pt)));
    assert_non_null(find(c, n, emk_fido_aaguid(), EMK_FIDO_AAGUID_LEN));
    assert_non_null(find(c, n, (const uint8_t *)"Authenticator Attestation", 25));
}

static void test_attestation_cert(void **state)
{
    fx_key *f = *state, g;
    uint8_t first[600];
    size_t first_len = f->k->keys.att_cert_len;

    assert_true(first_len > 300 && first_len <= sizeof(first));
    check_cert(f->k->keys.att_cert, first_len, &f->k->keys.att_pub);
    memcpy(first, f->k->keys.att_cert, first_len);
    /* the same master secret gives the same certificate */
    assert_int_equal(emk_fido_attest_init(f->k), 0);
    assert_int_equal(f->k->keys.att_cert_len, first_len);
    assert_memory_equal(f->k->keys.att_cert, first, first_len);
    /* another key has another one */
    assert_int_equal(fx_open(&g, NULL, 0x22), 0);
    check_cert(g.k->keys.att_cert, g.k->keys.att_cert_len, &g.k->keys.att_pub);
    assert_false(g.k->keys.att_cert_len == first_len &&
                 !memcmp(g.k->keys.att_cert, first, first_len));
    /* and a reset key a new one */
    assert_int_equal(emk_fido_factory_reset(g.k), 0);
    check_cert(g.k->keys.att_cert, g.k->keys.att_cert_len, &g.k->keys.att_pub);
    assert_false(g.k->keys.att_cert_len == first_len &&
                 !memcmp(g.k->keys.att_cert, first, first_len));
    fx_close(&g);
}

/* ---- round trips: need the real cred.c */

static void need_cred(fx_key *f)
{
    uint8_t id[EMK_FIDO_CRED_ID_LEN], h[32] = { 0 };
    emk_p256_priv priv;

    if (emk_fido_cred_new(f->k, h, 1, id, &priv) == -ENOSYS) {
        print_message("cred.c is still the scaffold: skipped\n");
        skip();
    }
}

typedef struct reg {
    emk_p256_pub pub;
    uint8_t kh[255];
    size_t kh_len;
} reg;

static void do_register(fx_key *f, const uint8_t app[32], reg *out)
{
    uint8_t a[80], d[64], h[32], pt[65], m[1 + 32 + 32 + 255 + 65];
    size_t hdr, cert_len, off, mlen;

    memset(d, 0xc5, 32);                 /* challenge */
    memcpy(d + 32, app, 32);
    assert_int_equal(run(f, a, apdu_ext(a, 1, 0, d, 64)), 0x9000);
    assert_int_equal(rsp[0], 0x05);
    assert_int_equal(emk_p256_pub_decode(&out->pub, rsp + 1, 65), 0);
    out->kh_len = rsp[66];
    assert_true(out->kh_len > 0);
    memcpy(out->kh, rsp + 67, out->kh_len);
    off = 67 + out->kh_len;
    cert_len = der_len(rsp + off, &hdr) + hdr;
    assert_int_equal(cert_len, f->k->keys.att_cert_len);
    assert_memory_equal(rsp + off, f->k->keys.att_cert, cert_len);
    off += cert_len;
    /* signed: 00 || app || challenge || key handle || public key */
    emk_p256_pub_encode(&out->pub, pt);
    m[0] = 0;
    memcpy(m + 1, app, 32);
    memcpy(m + 33, d, 32);
    memcpy(m + 65, out->kh, out->kh_len);
    memcpy(m + 65 + out->kh_len, pt, 65);
    mlen = 65 + out->kh_len + 65;
    emk_sha256(m, mlen, h);
    assert_int_equal(emk_p256_verify(&f->k->keys.att_pub, h, rsp + off, rlen - 2 - off), 0);
    h[5] ^= 0x40;
    assert_int_not_equal(emk_p256_verify(&f->k->keys.att_pub, h, rsp + off,
                                         rlen - 2 - off), 0);
}

/* AUTHENTICATE with control p1; returns the counter (checks the
 * signature with r's key and the flags byte). */
static uint32_t do_auth(fx_key *f, const uint8_t app[32], const reg *r, uint8_t p1,
                        uint8_t want_flags)
{
    uint8_t a[400], d[65 + 255], h[32], m[32 + 5 + 32];
    uint32_t ctr;

    memset(d, 0x7e, 32);
    memcpy(d + 32, app, 32);
    d[64] = (uint8_t)r->kh_len;
    memcpy(d + 65, r->kh, r->kh_len);
    assert_int_equal(run(f, a, apdu_ext(a, 2, p1, d, 65 + r->kh_len)), 0x9000);
    assert_int_equal(rsp[0], want_flags);
    ctr = (uint32_t)rsp[1] << 24 | (uint32_t)rsp[2] << 16 | (uint32_t)rsp[3] << 8 | rsp[4];
    memcpy(m, app, 32);
    memcpy(m + 32, rsp, 5);
    memcpy(m + 37, d, 32);
    emk_sha256(m, sizeof(m), h);
    assert_int_equal(emk_p256_verify(&r->pub, h, rsp + 5, rlen - 7), 0);
    m[36] ^= 1;                          /* another counter: no longer valid */
    emk_sha256(m, sizeof(m), h);
    assert_int_not_equal(emk_p256_verify(&r->pub, h, rsp + 5, rlen - 7), 0);
    return ctr;
}

static void test_round_trip(void **state)
{
    fx_key *f = *state;
    uint8_t app[32], other[32], a[400], d[65 + 255];
    uint32_t c, prev;
    reg r;

    need_cred(f);
    memset(app, 0xa1, sizeof(app));
    memset(other, 0xa2, sizeof(other));
    do_register(f, app, &r);
    prev = do_auth(f, app, &r, 0x03, 0x01);
    for (int i = 0; i < 100; i++) {     /* crosses a reservation step */
        c = do_auth(f, app, &r, i & 1 ? 0x08 : 0x03, i & 1 ? 0x00 : 0x01);
        assert_true(c > prev);
        prev = c;
    }
    assert_int_equal(emk_fido_counter(f->k), prev + 1);
    /* check-only: ours -> 6985, under another app or tampered -> 6A80 */
    memset(d, 0, 32);
    memcpy(d + 32, app, 32);
    d[64] = (uint8_t)r.kh_len;
    memcpy(d + 65, r.kh, r.kh_len);
    assert_int_equal(run(f, a, apdu_ext(a, 2, 7, d, 65 + r.kh_len)), 0x6985);
    memcpy(d + 32, other, 32);
    assert_int_equal(run(f, a, apdu_ext(a, 2, 7, d, 65 + r.kh_len)), 0x6A80);
    assert_int_equal(run(f, a, apdu_ext(a, 2, 3, d, 65 + r.kh_len)), 0x6A80);
    memcpy(d + 32, app, 32);
    d[65 + r.kh_len - 1] ^= 1;
    assert_int_equal(run(f, a, apdu_ext(a, 2, 7, d, 65 + r.kh_len)), 0x6A80);
    assert_int_equal(run(f, a, apdu_ext(a, 2, 3, d, 65 + r.kh_len)), 0x6A80);
    d[65 + r.kh_len - 1] ^= 1;
    /* a declined touch: enforce fails and uses no counter, dont-enforce signs */
    emk_fido_set_presence(f->k, EMK_FIDO_UP_DENY, 0);
    assert_int_equal(run(f, a, apdu_ext(a, 2, 3, d, 65 + r.kh_len)), 0x6985);
    assert_int_equal(emk_fido_counter(f->k), prev + 1);
    c = do_auth(f, app, &r, 0x08, 0x00);
    assert_int_equal(c, prev + 1);
    emk_fido_set_presence(f->k, EMK_FIDO_UP_ALWAYS, 0);
    /* the short encoding works too */
    assert_int_equal(run(f, a, apdu_short(a, 2, 3, d, 65 + r.kh_len, 1)), 0x9000);
}

/* A persistence failure: AUTHENTICATE answers 6F00 and hands out nothing. */
static void test_sticky_error(void **state)
{
    fx_key *f = *state;
    uint8_t app[32], a[400], d[65 + 255];
    uint32_t c;
    reg r;

    need_cred(f);
    memset(app, 0xb1, sizeof(app));
    do_register(f, app, &r);
    memset(d, 0, 32);
    memcpy(d + 32, app, 32);
    d[64] = (uint8_t)r.kh_len;
    memcpy(d + 65, r.kh, r.kh_len);
    c = emk_fido_counter(f->k);
    f->k->err = -EIO;
    assert_int_equal(run(f, a, apdu_ext(a, 2, 3, d, 65 + r.kh_len)), 0x6F00);
    assert_int_equal(rlen, 2);
    assert_int_equal(emk_fido_counter(f->k), c);
    f->k->err = 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_length_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_handle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_declined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attestation_cert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sticky_error, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
