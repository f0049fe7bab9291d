/*
 * test_libfido2_u2f.c - libfido2's U2F path (fido_dev_force_u2f) against
 * the in-process key: fido_dev_make_cred is a U2F REGISTER, verified by
 * fido_cred_verify (the fido-u2f statement, signed by the x5c key, which
 * must be our attestation certificate); fido_dev_get_assert is a
 * check-only probe then an AUTHENTICATE, verified by fido_assert_verify
 * with the registered key, with a counter that goes up; an unknown key
 * handle is FIDO_ERR_NO_CREDENTIALS; a CTAP2-made credential works
 * through U2F too is left to the CTAP room.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <fido/es256.h>

#include "fido_io.h"
#include "fido_int.h"

static const unsigned char cdh[32] = { 0xcd, 0x01, 0x02, 0x03 };

static fido_cred_t *make_u2f_cred(fio_key *f, fido_dev_t *dev)
{
    fido_cred_t *c = fido_cred_new();

    assert_non_null(c);
    assert_int_equal(fido_cred_set_type(c, COSE_ES256), FIDO_OK);
    assert_int_equal(fido_cred_set_clientdata_hash(c, cdh, sizeof(cdh)), FIDO_OK);
    assert_int_equal(fido_cred_set_rp(c, "example.org", "Example"), FIDO_OK);
    assert_int_equal(fido_dev_make_cred(dev, c, NULL), FIDO_OK);
    assert_string_equal(fido_cred_fmt(c), "fido-u2f");
    assert_int_equal(fido_cred_verify(c), FIDO_OK);
    /* the x5c is the key's attestation certificate */
    assert_int_equal(fido_cred_x5c_len(c), f->key->keys.att_cert_len);
    assert_memory_equal(fido_cred_x5c_ptr(c), f->key->keys.att_cert,
                        f->key->keys.att_cert_len);
    assert_int_equal(fido_cred_id_len(c), EMK_FIDO_CRED_ID_LEN);
    return c;
}

static uint32_t get_assert(fido_dev_t *dev, const fido_cred_t *c, const char *rp,
                           int *status)
{
    fido_assert_t *a = fido_assert_new();
    es256_pk_t *pk = es256_pk_new();
    uint32_t n = 0;

    assert_non_null(a);
    assert_non_null(pk);
    assert_int_equal(fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)), FIDO_OK);
    assert_int_equal(fido_assert_set_rp(a, rp), FIDO_OK);
    assert_int_equal(fido_assert_allow_cred(a, fido_cred_id_ptr(c), fido_cred_id_len(c)),
                     FIDO_OK);
    *status = fido_dev_get_assert(dev, a, NULL);
    if (*status == FIDO_OK) {
        assert_int_equal(es256_pk_from_ptr(pk, fido_cred_pubkey_ptr(c),
                                           fido_cred_pubkey_len(c)), FIDO_OK);
        assert_int_equal(fido_assert_count(a), 1);
        assert_int_equal(fido_assert_verify(a, 0, COSE_ES256, pk), FIDO_OK);
        assert_true(fido_assert_flags(a, 0) & 0x01);    /* user present */
        n = fido_assert_sigcount(a, 0);
    }
    es256_pk_free(&pk);
    fido_assert_free(&a);
    return n;
}

static void u2f_register_and_assert(void **state)
{
    fio_key f;
    fido_dev_t *dev;
    fido_cred_t *c, *other;
    uint32_t n, prev = 0;
    int st;

    (void)state;
    assert_int_equal(fio_key_init(&f, NULL), 0);
    dev = fio_dev(&f);
    assert_non_null(dev);
    fido_dev_force_u2f(dev);
    assert_false(fido_dev_is_fido2(dev));
    c = make_u2f_cred(&f, dev);
    for (int i = 0; i < 5; i++) {
        n = get_assert(dev, c, "example.org", &st);
        assert_int_equal(st, FIDO_OK);
        if (i)
            assert_true(n > prev);
        prev = n;
    }
    /* under another RP the handle is not ours */
    get_assert(dev, c, "example.com", &st);
    assert_int_equal(st, FIDO_ERR_NO_CREDENTIALS);
    /* a second credential has another key and handle */
    other = make_u2f_cred(&f, dev);
    assert_memory_not_equal(fido_cred_id_ptr(other), fido_cred_id_ptr(c),
                            EMK_FIDO_CRED_ID_LEN);
    n = get_assert(dev, other, "example.org", &st);
    assert_int_equal(st, FIDO_OK);
    assert_true(n > prev);
    fido_cred_free(&other);
    fido_cred_free(&c);
    fido_dev_close(dev);
    fido_dev_free(&dev);
    fio_key_cleanup(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(u2f_register_and_assert),
    };

    fido_init(0);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
