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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cred_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cred_tamper, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
