/*
 * test_ctap_libfido2.c - libfido2, the real peer, makes credentials and
 * gets assertions from the in-process key (fido_io.c) and verifies them
 * with its own code: packed attestation (x5c and self), assertions over
 * allow lists and resident credentials, credProtect, hmac-secret (the
 * PIN protocol's shared secret), credBlob, largeBlobKey and the PIN.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fido/config.h>
#include <fido/credman.h>
#include <fido/es256.h>

#include "fido_io.h"
#include "fido_int.h"

static const unsigned char cdh[32] = "libfido2 client data hash......";

typedef struct peer {
    fio_key f;
    fido_dev_t *dev;
} peer;

static int setup(void **state)
{
    static peer p;

    memset(&p, 0, sizeof(p));
    assert_int_equal(fio_key_init(&p.f, NULL), 0);
    p.dev = fio_dev(&p.f);
    assert_non_null(p.dev);
    *state = &p;
    return 0;
}

static int teardown(void **state)
{
    peer *p = *state;

    assert_int_equal(fido_dev_close(p->dev), FIDO_OK);
    fido_dev_free(&p->dev);
    assert_int_equal(p->f.overflows, 0);
    fio_key_cleanup(&p->f);
    return 0;
}

/* a credential for rp/user with these options, made and verified */
static fido_cred_t *make(peer *p, const char *rp, const char *user, fido_opt_t rk, int ext,
                         int prot, const char *pin)
{
    fido_cred_t *c = fido_cred_new();
    int r;

    assert_non_null(c);
    assert_int_equal(fido_cred_set_type(c, COSE_ES256), FIDO_OK);
    assert_int_equal(fido_cred_set_clientdata_hash(c, cdh, sizeof(cdh)), FIDO_OK);
    assert_int_equal(fido_cred_set_rp(c, rp, "Relying Party"), FIDO_OK);
    assert_int_equal(fido_cred_set_user(c, (const unsigned char *)user, strlen(user), user,
                                        "Display Name", NULL), FIDO_OK);
    assert_int_equal(fido_cred_set_rk(c, rk), FIDO_OK);
    if (ext)
        assert_int_equal(fido_cred_set_extensions(c, ext), FIDO_OK);
    if (prot)
        assert_int_equal(fido_cred_set_prot(c, prot), FIDO_OK);
    if (ext & FIDO_EXT_CRED_BLOB)
        assert_int_equal(fido_cred_set_blob(c, (const unsigned char *)"blob of 12 B", 12),
                         FIDO_OK);
    assert_int_equal(fido_dev_make_cred(p->dev, c, pin), FIDO_OK);
    r = fido_cred_x5c_ptr(c) ? fido_cred_verify(c) : fido_cred_verify_self(c);
    assert_int_equal(r, FIDO_OK);
    assert_string_equal(fido_cred_fmt(c), "packed");
    assert_int_equal(fido_cred_id_len(c), EMK_FIDO_CRED_ID_LEN);
    return c;
}

static fido_assert_t *assert_new(const char *rp, int ext)
{
    fido_assert_t *a = fido_assert_new();

    assert_non_null(a);
    assert_int_equal(fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)), FIDO_OK);
    assert_int_equal(fido_assert_set_rp(a, rp), FIDO_OK);
    if (ext)
        assert_int_equal(fido_assert_set_extensions(a, ext), FIDO_OK);
    return a;
}

/* an assertion request that lists credential c */
static fido_assert_t *allowing(const char *rp, int ext, const fido_cred_t *c)
{
    fido_assert_t *a = assert_new(rp, ext);

    assert_int_equal(fido_assert_allow_cred(a, fido_cred_id_ptr(c), fido_cred_id_len(c)),
                     FIDO_OK);
    return a;
}

static void verify(const fido_assert_t *a, size_t i, const fido_cred_t *c)
{
    es256_pk_t *pk = es256_pk_new();

    assert_non_null(pk);
    assert_int_equal(es256_pk_from_ptr(pk, fido_cred_pubkey_ptr(c), fido_cred_pubkey_len(c)),
                     FIDO_OK);
    assert_int_equal(fido_assert_verify(a, i, COSE_ES256, pk), FIDO_OK);
    es256_pk_free(&pk);
}

static void test_make_and_assert(void **state)
{
    peer *p = *state;
    fido_cred_t *c = make(p, "example.com", "user-1", FIDO_OPT_OMIT, 0, 0, NULL), *c2;
    fido_assert_t *a = allowing("example.com", 0, c);
    uint32_t n1, n2;

    assert_non_null(fido_cred_x5c_ptr(c));   /* the attestation certificate */
    assert_int_equal(fido_dev_get_assert(p->dev, a, NULL), FIDO_OK);
    assert_int_equal(fido_assert_count(a), 1);
    verify(a, 0, c);
    n1 = fido_assert_sigcount(a, 0);
    assert_true(n1 > fido_cred_sigcount(c) || n1 > 0);
    assert_int_equal(fido_dev_get_assert(p->dev, a, NULL), FIDO_OK);
    verify(a, 0, c);
    n2 = fido_assert_sigcount(a, 0);
    assert_true(n2 > n1);
    fido_assert_free(&a);
    /* the wrong RP has no such credential */
    a = allowing("example.org", 0, c);
    assert_int_equal(fido_dev_get_assert(p->dev, a, NULL), FIDO_ERR_NO_CREDENTIALS);
    fido_assert_free(&a);
    /* without a certificate: self attestation, which libfido2 also checks */
    p->f.key->keys.att_cert_len = 0;
    c2 = make(p, "example.com", "user-1", FIDO_OPT_OMIT, 0, 0, NULL);
    assert_null(fido_cred_x5c_ptr(c2));
    fido_cred_free(&c2);
    fido_cred_free(&c);
}

static void test_resident(void **state)
{
    peer *p = *state;
    static const char *const users[3] = { "alice", "bob", "carol" };
    fido_cred_t *c[3];
    fido_assert_t *a;

    for (int i = 0; i < 3; i++)
        c[i] = make(p, "example.com", users[i], FIDO_OPT_TRUE, 0, 0, NULL);
    fido_cred_free(&c[0]);
    c[0] = make(p, "example.com", "alice", FIDO_OPT_TRUE, 0, 0, NULL);   /* replaces */
    a = assert_new("example.com", 0);
    assert_int_equal(fido_dev_get_assert(p->dev, a, NULL), FIDO_OK);
    assert_int_equal(fido_assert_count(a), 3);
    /* newest first: alice (made again), carol, bob */
    verify(a, 0, c[0]);
    verify(a, 1, c[2]);
    verify(a, 2, c[1]);
    assert_int_equal(fido_assert_user_id_len(a, 1), 5);
    assert_memory_equal(fido_assert_user_id_ptr(a, 1), "carol", 5);
    assert_null(fido_assert_user_name(a, 1));     /* no UV: the ID only */
    assert_true(fido_assert_sigcount(a, 2) > fido_assert_sigcount(a, 0));
    fido_assert_free(&a);
    for (int i = 0; i < 3; i++)
        fido_cred_free(&c[i]);
}

static void test_cred_protect(void **state)
{
    peer *p = *state;
    fido_cred_t *c2 = make(p, "example.com", "u2", FIDO_OPT_TRUE, 0,
                           FIDO_CRED_PROT_UV_OPTIONAL_WITH_ID, NULL);
    fido_cred_t *c3 = make(p, "example.com", "u3", FIDO_OPT_TRUE, 0,
                           FIDO_CRED_PROT_UV_REQUIRED, NULL);
    fido_assert_t *a;

    assert_int_equal(fido_cred_prot(c2), FIDO_CRED_PROT_UV_OPTIONAL_WITH_ID);
    assert_int_equal(fido_cred_prot(c3), FIDO_CRED_PROT_UV_REQUIRED);
    a = assert_new("example.com", 0);
    assert_int_equal(fido_dev_get_assert(p->dev, a, NULL), FIDO_ERR_NO_CREDENTIALS);
    assert_int_equal(fido_assert_allow_cred(a, fido_cred_id_ptr(c2), fido_cred_id_len(c2)),
                     FIDO_OK);
    assert_int_equal(fido_dev_get_assert(p->dev, a, NULL), FIDO_OK);
    verify(a, 0, c2);
    fido_assert_free(&a);
    a = allowing("example.com", 0, c3);
    assert_int_equal(fido_dev_get_assert(p->dev, a, NULL), FIDO_ERR_NO_CREDENTIALS);
    fido_assert_free(&a);
    fido_cred_free(&c2);
    fido_cred_free(&c3);
}

/* hmac-secret: the same salt gives the same secret, another salt another;
 * with UV (the PIN) the secret differs again */
static void hmac(peer *p, const fido_cred_t *c, const unsigned char *salt, size_t salt_len,
                 const char *pin, unsigned char *out)
{
    fido_assert_t *a = allowing("example.com", FIDO_EXT_HMAC_SECRET, c);

    assert_int_equal(fido_assert_set_hmac_salt(a, salt, salt_len), FIDO_OK);
    assert_int_equal(fido_dev_get_assert(p->dev, a, pin), FIDO_OK);
    verify(a, 0, c);
    assert_int_equal(fido_assert_hmac_secret_len(a, 0), salt_len);
    memcpy(out, fido_assert_hmac_secret_ptr(a, 0), salt_len);
    fido_assert_free(&a);
}

static void test_hmac_secret(void **state)
{
    peer *p = *state;
    fido_cred_t *c = make(p, "example.com", "u", FIDO_OPT_OMIT, FIDO_EXT_HMAC_SECRET, 0, NULL);
    unsigned char s1[64], s2[32], o1[64], o1b[64], o2[32], o3[32];

    memset(s1, 0xa5, 32);
    memset(s1 + 32, 0x3c, 32);
    memset(s2, 0x5a, sizeof(s2));
    hmac(p, c, s1, 64, NULL, o1);
    hmac(p, c, s1, 64, NULL, o1b);
    assert_memory_equal(o1, o1b, 64);
    assert_memory_not_equal(o1, o1 + 32, 32);     /* two salts, two outputs */
    hmac(p, c, s2, 32, NULL, o2);
    assert_memory_not_equal(o1, o2, 32);
    assert_int_equal(fido_dev_set_pin(p->dev, "4321", NULL), FIDO_OK);
    hmac(p, c, s2, 32, "4321", o3);
    assert_memory_not_equal(o2, o3, 32);
    fido_cred_free(&c);
}

static void test_blob_and_lbk(void **state)
{
    peer *p = *state;
    fido_cred_t *c = make(p, "example.com", "u", FIDO_OPT_TRUE,
                          FIDO_EXT_CRED_BLOB | FIDO_EXT_LARGEBLOB_KEY, 0, NULL);
    fido_assert_t *a = assert_new("example.com", FIDO_EXT_CRED_BLOB | FIDO_EXT_LARGEBLOB_KEY);

    assert_int_equal(fido_cred_largeblob_key_len(c), 32);
    assert_int_equal(fido_dev_get_assert(p->dev, a, NULL), FIDO_OK);
    verify(a, 0, c);
    assert_int_equal(fido_assert_blob_len(a, 0), 12);
    assert_memory_equal(fido_assert_blob_ptr(a, 0), "blob of 12 B", 12);
    assert_int_equal(fido_assert_largeblob_key_len(a, 0), 32);
    assert_memory_equal(fido_assert_largeblob_key_ptr(a, 0), fido_cred_largeblob_key_ptr(c),
                        32);
    fido_assert_free(&a);
    fido_cred_free(&c);
}

/* with a PIN: UV in the flags, names for resident credentials */
static void test_pin(void **state)
{
    peer *p = *state;
    fido_cred_t *c, *nr;
    fido_assert_t *a;

    assert_int_equal(fido_dev_set_pin(p->dev, "1234", NULL), FIDO_OK);
    c = make(p, "example.com", "alice", FIDO_OPT_TRUE, 0, FIDO_CRED_PROT_UV_REQUIRED, "1234");
    assert_true(fido_cred_flags(c) & EMK_FIDO_AD_UV);
    /* makeCredUvNotRqd: a non-resident one needs no PIN */
    nr = make(p, "example.com", "bob", FIDO_OPT_OMIT, 0, 0, NULL);
    assert_false(fido_cred_flags(nr) & EMK_FIDO_AD_UV);
    a = assert_new("example.com", 0);
    assert_int_equal(fido_dev_get_assert(p->dev, a, NULL), FIDO_ERR_NO_CREDENTIALS);
    assert_int_equal(fido_dev_get_assert(p->dev, a, "1234"), FIDO_OK);
    assert_int_equal(fido_assert_count(a), 1);
    verify(a, 0, c);
    assert_true(fido_assert_flags(a, 0) & EMK_FIDO_AD_UV);
    assert_string_equal(fido_assert_user_name(a, 0), "alice");
    assert_string_equal(fido_assert_user_display_name(a, 0), "Display Name");
    assert_int_equal(fido_dev_get_assert(p->dev, a, "9999"), FIDO_ERR_PIN_INVALID);
    fido_assert_free(&a);
    fido_cred_free(&c);
    fido_cred_free(&nr);
}

/* a non-resident credential request for user "v" of example.com */
static fido_cred_t *bare_cred(void)
{
    fido_cred_t *c = fido_cred_new();

    assert_non_null(c);
    assert_int_equal(fido_cred_set_type(c, COSE_ES256), FIDO_OK);
    assert_int_equal(fido_cred_set_clientdata_hash(c, cdh, sizeof(cdh)), FIDO_OK);
    assert_int_equal(fido_cred_set_rp(c, "example.com", NULL), FIDO_OK);
    assert_int_equal(fido_cred_set_user(c, (const unsigned char *)"v", 1, NULL, NULL, NULL),
                     FIDO_OK);
    return c;
}

static void test_exclude(void **state)
{
    peer *p = *state;
    fido_cred_t *c = make(p, "example.com", "u", FIDO_OPT_OMIT, 0, 0, NULL);
    fido_cred_t *d = bare_cred();

    assert_int_equal(fido_cred_exclude(d, fido_cred_id_ptr(c), fido_cred_id_len(c)), FIDO_OK);
    assert_int_equal(fido_dev_make_cred(p->dev, d, NULL), FIDO_ERR_CREDENTIAL_EXCLUDED);
    fido_cred_free(&d);
    fido_cred_free(&c);
}

/* libfido2's "which key?" touch: makeCredential with an empty
 * pinUvAuthParam, answered PIN_NOT_SET / PIN_INVALID after the touch */
static void test_touch(void **state)
{
    peer *p = *state;
    int touched = 0;

    for (int pin = 0; pin < 2; pin++) {
        if (pin)
            assert_int_equal(fido_dev_set_pin(p->dev, "1234", NULL), FIDO_OK);
        touched = 0;
        assert_int_equal(fido_dev_get_touch_begin(p->dev), FIDO_OK);
        assert_int_equal(fido_dev_get_touch_status(p->dev, &touched, 1000), FIDO_OK);
        assert_int_equal(touched, 1);
    }
}

/* hmac-secret through GetNextAssertion: each credential its own secret */
static void test_hmac_resident(void **state)
{
    peer *p = *state;
    fido_cred_t *c1 = make(p, "example.com", "u1", FIDO_OPT_TRUE, FIDO_EXT_HMAC_SECRET, 0, NULL);
    fido_cred_t *c2 = make(p, "example.com", "u2", FIDO_OPT_TRUE, FIDO_EXT_HMAC_SECRET, 0, NULL);
    fido_assert_t *a = assert_new("example.com", FIDO_EXT_HMAC_SECRET);
    unsigned char salt[32];

    memset(salt, 0x42, sizeof(salt));
    assert_int_equal(fido_assert_set_hmac_salt(a, salt, sizeof(salt)), FIDO_OK);
    assert_int_equal(fido_dev_get_assert(p->dev, a, NULL), FIDO_OK);
    assert_int_equal(fido_assert_count(a), 2);
    verify(a, 0, c2);
    verify(a, 1, c1);
    assert_int_equal(fido_assert_hmac_secret_len(a, 0), 32);
    assert_int_equal(fido_assert_hmac_secret_len(a, 1), 32);
    assert_memory_not_equal(fido_assert_hmac_secret_ptr(a, 0), fido_assert_hmac_secret_ptr(a, 1),
                            32);
    fido_assert_free(&a);
    fido_cred_free(&c1);
    fido_cred_free(&c2);
}

/* the other rooms' commands as libfido2 sends them (seeds for fuzz-ctap
 * too): credential metadata, the large blob array, reset */
static void test_other_commands(void **state)
{
    peer *p = *state;
    fido_credman_metadata_t *m = fido_credman_metadata_new();
    fido_cred_t *c;
    unsigned char *blob = NULL;
    size_t blob_len = 0;

    assert_int_equal(fido_dev_set_pin(p->dev, "1234", NULL), FIDO_OK);
    c = make(p, "example.com", "u", FIDO_OPT_TRUE, 0, 0, "1234");
    assert_int_equal(fido_credman_get_dev_metadata(p->dev, m, "1234"), FIDO_OK);
    assert_int_equal(fido_credman_rk_existing(m), 1);
    assert_int_equal(fido_dev_largeblob_get_array(p->dev, &blob, &blob_len), FIDO_OK);
    free(blob);
    /* alwaysUv (authenticatorConfig): now even this needs the PIN */
    assert_int_equal(fido_dev_toggle_always_uv(p->dev, "1234"), FIDO_OK);
    fido_cred_free(&c);
    c = bare_cred();
    assert_int_equal(fido_dev_make_cred(p->dev, c, NULL), FIDO_ERR_PIN_REQUIRED);
    assert_int_equal(fido_dev_make_cred(p->dev, c, "1234"), FIDO_OK);
    assert_int_equal(fido_dev_reset(p->dev), FIDO_OK);
    fido_credman_metadata_free(&m);
    fido_cred_free(&c);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_make_and_assert),
        T(test_resident),
        T(test_cred_protect),
        T(test_hmac_secret),
        T(test_blob_and_lbk),
        T(test_pin),
        T(test_exclude),
        T(test_touch),
        T(test_hmac_resident),
        T(test_other_commands),
    };

    fido_init(getenv("FIDO_DEBUG") ? FIDO_DEBUG : 0);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
