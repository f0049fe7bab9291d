/*
 * test_pin.c - authenticatorClientPIN and the pinUvAuthToken, through
 * emk_fido_ctap2_call with the client side of both PIN/UV auth protocols
 * played by pin_client.c: set and change PIN, wrong PINs with both
 * blockings, tokens with and without permissions, RP binding, expiry on
 * the virtual clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fido_int.h"
#include "pin_client.h"

typedef struct fx {
    pc_key key;
    emk_fido *k;
    pc_client c;
} fx;

PC_FIXTURES(fx, 7)

/* A raw clientPIN request from (key, uint) pairs. */
static int raw(fx *f, int n, const int64_t *kv)
{
    uint8_t body[128];
    emk_cbor_enc e;
    size_t len;

    emk_cbor_enc_init(&e, body, sizeof(body));
    emk_cbor_map(&e, (size_t)n);
    for (int i = 0; i < n; i++) {
        emk_cbor_uint(&e, (uint64_t)kv[2 * i]);
        emk_cbor_uint(&e, (uint64_t)kv[2 * i + 1]);
    }
    emk_cbor_enc_finish(&e, &len);
    return pc_call(&f->c, CTAP2_CLIENT_PIN, body, len);
}

static void test_retries_and_key_agreement(void **state)
{
    fx *f = *state;
    const int64_t ka3[] = { 1, 3, 2, 2 }, ka_missing[] = { 2, 2 }, uv[] = { 2, 7 },
                  uvtok[] = { 1, 1, 2, 6 }, bad[] = { 2, 8 };

    assert_int_equal(pc_retries(&f->c), EMK_FIDO_PIN_RETRIES);
    assert_int_equal(pc_int(&f->c, 4), 0);               /* powerCycleState */
    assert_int_equal(pc_key_agreement(&f->c), 0);
    assert_int_equal(raw(f, 2, ka3), CTAP1_ERR_INVALID_PARAMETER);
    assert_int_equal(raw(f, 1, ka_missing), CTAP2_ERR_MISSING_PARAMETER);
    assert_int_equal(raw(f, 1, uv), CTAP2_ERR_INVALID_SUBCOMMAND);
    assert_int_equal(raw(f, 2, uvtok), CTAP2_ERR_INVALID_SUBCOMMAND);
    assert_int_equal(raw(f, 1, bad), CTAP2_ERR_INVALID_SUBCOMMAND);
    assert_int_equal(pc_call(&f->c, CTAP2_CLIENT_PIN, NULL, 0), CTAP2_ERR_MISSING_PARAMETER);
}

static void test_set_pin(void **state)
{
    fx *f = *state;
    char long_pin[65];

    assert_int_equal(pc_get_token(&f->c, "1234", -1, NULL), CTAP2_ERR_PIN_NOT_SET);
    assert_int_equal(pc_set_pin(&f->c, NULL, "123"), CTAP2_ERR_PIN_POLICY_VIOLATION);
    memset(long_pin, 'a', 64);
    long_pin[64] = 0;
    assert_int_equal(pc_set_pin(&f->c, NULL, long_pin), CTAP2_ERR_PIN_POLICY_VIOLATION);
    /* 4 code points in 8 bytes: fine; 3 code points in 6 bytes: too short */
    assert_int_equal(pc_set_pin(&f->c, NULL, "\xc3\xa9\xc3\xa9\xc3"), CTAP2_ERR_PIN_POLICY_VIOLATION);
    assert_false(f->k->st.pin_set);
    long_pin[63] = 0;                                    /* 63 bytes: the longest */
    assert_int_equal(pc_set_pin(&f->c, NULL, long_pin), CTAP2_OK);
    assert_true(f->k->st.pin_set);
    assert_int_equal(f->k->st.pin_code_points, 63);
    assert_int_equal(pc_set_pin(&f->c, NULL, "5678"), CTAP2_ERR_NOT_ALLOWED);
    assert_int_equal(pc_get_token(&f->c, long_pin, -1, NULL), CTAP2_OK);
}

static void test_set_pin_utf8(void **state)
{
    fx *f = *state;

    assert_int_equal(pc_set_pin(&f->c, NULL, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"), CTAP2_OK);
    assert_int_equal(f->k->st.pin_code_points, 4);
    assert_int_equal(pc_get_token(&f->c, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", -1, NULL), CTAP2_OK);
}

/* setPIN with a forged pinUvAuthParam and a short newPinEnc */
static void test_set_pin_bad_auth(void **state)
{
    fx *f = *state;
    uint8_t pad[64] = "1234", enc[80], auth[32], body[512];
    emk_cbor_enc e;
    size_t el, al, n;

    for (int pass = 0; pass < 2; pass++) {
        assert_int_equal(pc_key_agreement(&f->c), 0);
        el = pc_encrypt(&f->c, f->c.shared, pad, pass ? 48 : 64, enc);
        al = pc_auth(&f->c, f->c.shared, enc, el, auth);
        if (!pass)
            auth[0] ^= 1;
        emk_cbor_enc_init(&e, body, sizeof(body));
        emk_cbor_map(&e, 5);
        emk_cbor_uint(&e, 1);
        emk_cbor_uint(&e, (uint64_t)f->c.proto);
        emk_cbor_uint(&e, 2);
        emk_cbor_uint(&e, 3);
        emk_cbor_uint(&e, 3);
        pc_cose(&f->c, &e);
        emk_cbor_uint(&e, 4);
        emk_cbor_bytes(&e, auth, al);
        emk_cbor_uint(&e, 5);
        emk_cbor_bytes(&e, enc, el);
        emk_cbor_enc_finish(&e, &n);
        assert_int_equal(pc_call(&f->c, CTAP2_CLIENT_PIN, body, n),
                         pass ? CTAP1_ERR_INVALID_PARAMETER : CTAP2_ERR_PIN_AUTH_INVALID);
    }
    assert_false(f->k->st.pin_set);
}

static void test_change_pin(void **state)
{
    fx *f = *state;
    uint8_t old_token[32];

    assert_int_equal(pc_set_pin(&f->c, "1234", "5678"), CTAP2_ERR_PIN_NOT_SET);
    assert_int_equal(pc_set_pin(&f->c, NULL, "1234"), CTAP2_OK);
    assert_int_equal(pc_get_token(&f->c, "1234", -1, NULL), CTAP2_OK);
    memcpy(old_token, f->k->pin.token[f->c.proto - 1], 32);
    assert_memory_equal(old_token, f->c.token, 32);
    assert_int_equal(pc_set_pin(&f->c, "0000", "5678"), CTAP2_ERR_PIN_INVALID);
    assert_int_equal(pc_retries(&f->c), EMK_FIDO_PIN_RETRIES - 1);
    assert_int_equal(pc_set_pin(&f->c, "1234", "56"), CTAP2_ERR_PIN_POLICY_VIOLATION);
    assert_int_equal(pc_retries(&f->c), EMK_FIDO_PIN_RETRIES);   /* the old PIN matched */
    assert_int_equal(pc_set_pin(&f->c, "1234", "5678"), CTAP2_OK);
    assert_false(f->k->pin.in_use);                              /* tokens reset */
    assert_memory_not_equal(old_token, f->k->pin.token[f->c.proto - 1], 32);
    assert_int_equal(pc_get_token(&f->c, "1234", -1, NULL), CTAP2_ERR_PIN_INVALID);
    assert_int_equal(pc_get_token(&f->c, "5678", -1, NULL), CTAP2_OK);
}

static void test_wrong_pin_blocking(void **state)
{
    fx *f = *state;
    int tries = 0;

    assert_int_equal(pc_set_pin(&f->c, NULL, "1234"), CTAP2_OK);
    for (int cycle = 0; cycle < 3; cycle++) {
        for (int i = 0; i < 3 && tries < EMK_FIDO_PIN_RETRIES; i++) {
            int st = pc_get_token(&f->c, "9999", -1, NULL);

            tries++;
            if (tries == EMK_FIDO_PIN_RETRIES)
                assert_int_equal(st, CTAP2_ERR_PIN_BLOCKED);
            else
                assert_int_equal(st, i == 2 ? CTAP2_ERR_PIN_AUTH_BLOCKED : CTAP2_ERR_PIN_INVALID);
            assert_int_equal(pc_retries(&f->c), EMK_FIDO_PIN_RETRIES - tries);
        }
        if (tries == EMK_FIDO_PIN_RETRIES)
            break;
        /* blocked until a power cycle, even with the right PIN; no retry used */
        assert_int_equal(pc_int(&f->c, 4), 1);
        assert_int_equal(pc_get_token(&f->c, "1234", -1, NULL), CTAP2_ERR_PIN_AUTH_BLOCKED);
        assert_int_equal(pc_retries(&f->c), EMK_FIDO_PIN_RETRIES - tries);
        emk_fido_pin_init(f->k);                 /* power-up */
    }
    assert_int_equal(tries, EMK_FIDO_PIN_RETRIES);
    assert_int_equal(pc_get_token(&f->c, "1234", -1, NULL), CTAP2_ERR_PIN_BLOCKED);
    assert_int_equal(pc_set_pin(&f->c, "1234", "5678"), CTAP2_ERR_PIN_BLOCKED);
    emk_fido_pin_init(f->k);
    assert_int_equal(pc_get_token(&f->c, "1234", -1, NULL), CTAP2_ERR_PIN_BLOCKED);
}

/* A good PIN resets the count; a mismatch regenerates the key agreement key,
 * so the client's old shared secret no longer works. */
static void test_mismatch_regenerates(void **state)
{
    fx *f = *state;
    emk_p256_pub before = f->k->pin.ka_pub[f->c.proto - 1];

    assert_int_equal(pc_set_pin(&f->c, NULL, "1234"), CTAP2_OK);
    assert_int_equal(pc_get_token(&f->c, "1111", -1, NULL), CTAP2_ERR_PIN_INVALID);
    assert_memory_not_equal(&before, &f->k->pin.ka_pub[f->c.proto - 1], sizeof(before));
    assert_int_equal(pc_get_token(&f->c, "1234", -1, NULL), CTAP2_OK);
    assert_int_equal(pc_retries(&f->c), EMK_FIDO_PIN_RETRIES);
    assert_int_equal(f->k->pin.fails, 0);
}

static void test_permissions(void **state)
{
    fx *f = *state;

    assert_int_equal(pc_set_pin(&f->c, NULL, "1234"), CTAP2_OK);
    assert_int_equal(pc_get_token(&f->c, "1234", 0, NULL), CTAP1_ERR_INVALID_PARAMETER);
    assert_int_equal(pc_get_token(&f->c, "1234", EMK_FIDO_PERM_BE, NULL),
                     CTAP2_ERR_UNAUTHORIZED_PERMISSION);
    assert_int_equal(pc_get_token(&f->c, "1234", 0x40 | EMK_FIDO_PERM_MC, NULL),
                     CTAP2_ERR_UNAUTHORIZED_PERMISSION);
    assert_int_equal(pc_retries(&f->c), EMK_FIDO_PIN_RETRIES);    /* none used */
    assert_int_equal(pc_get_token(&f->c, "1234", EMK_FIDO_PERM_CM | EMK_FIDO_PERM_LBW, NULL),
                     CTAP2_OK);
    assert_int_equal(f->k->pin.perms, EMK_FIDO_PERM_CM | EMK_FIDO_PERM_LBW);
    assert_false(f->k->pin.has_rp);
    assert_int_equal(pc_get_token(&f->c, "1234", -1, NULL), CTAP2_OK);
    assert_int_equal(f->k->pin.perms, EMK_FIDO_PERM_MC | EMK_FIDO_PERM_GA);
    assert_int_equal(pc_get_token(&f->c, "1234", EMK_FIDO_PERM_GA, "example.com"), CTAP2_OK);
    assert_true(f->k->pin.has_rp);
    assert_int_equal(emk_fido_pin_token_up(f->k), 0);             /* userIsPresent false */
}

/* emk_fido_pin_auth: the token, its permissions and its RP */
static void test_pin_auth(void **state)
{
    fx *f = *state;
    uint8_t a[32], b[32], msg[32], sig[32];
    size_t sl;
    int64_t p = f->c.proto;

    emk_sha256("a.example", 9, a);
    emk_sha256("b.example", 9, b);
    memset(msg, 0x5a, sizeof(msg));
    assert_int_equal(pc_set_pin(&f->c, NULL, "1234"), CTAP2_OK);
    assert_int_equal(emk_fido_pin_auth(f->k, p, sig, 32, msg, 32, EMK_FIDO_PERM_MC, a),
                     CTAP2_ERR_PIN_AUTH_INVALID);                  /* no token yet */
    assert_int_equal(pc_get_token(&f->c, "1234", EMK_FIDO_PERM_MC, "a.example"), CTAP2_OK);
    sl = pc_auth(&f->c, f->c.token, msg, sizeof(msg), sig);
    assert_int_equal(emk_fido_pin_auth(f->k, 3, sig, sl, msg, 32, EMK_FIDO_PERM_MC, a),
                     CTAP1_ERR_INVALID_PARAMETER);
    assert_int_equal(emk_fido_pin_auth(f->k, p, sig, sl, msg, 32, EMK_FIDO_PERM_MC, b),
                     CTAP2_ERR_PIN_AUTH_INVALID);
    assert_int_equal(emk_fido_pin_auth(f->k, p, sig, sl, msg, 32, EMK_FIDO_PERM_GA, a),
                     CTAP2_ERR_PIN_AUTH_INVALID);
    assert_int_equal(emk_fido_pin_auth(f->k, p, sig, sl - 1, msg, 32, EMK_FIDO_PERM_MC, a),
                     CTAP2_ERR_PIN_AUTH_INVALID);
    assert_int_equal(emk_fido_pin_auth(f->k, 3 - p, sig, sl, msg, 32, EMK_FIDO_PERM_MC, a),
                     CTAP2_ERR_PIN_AUTH_INVALID);                  /* the other protocol */
    assert_int_equal(emk_fido_pin_auth(f->k, p, sig, sl, msg, 32, EMK_FIDO_PERM_MC, a), CTAP2_OK);
    sig[sl - 1] ^= 0x80;
    assert_int_equal(emk_fido_pin_auth(f->k, p, sig, sl, msg, 32, EMK_FIDO_PERM_MC, a),
                     CTAP2_ERR_PIN_AUTH_INVALID);
    sig[sl - 1] ^= 0x80;

    /* a token without an RP is bound by its first use */
    assert_int_equal(pc_get_token(&f->c, "1234", -1, NULL), CTAP2_OK);
    sl = pc_auth(&f->c, f->c.token, msg, sizeof(msg), sig);
    assert_null(emk_fido_pin_token_rp(f->k));
    assert_int_equal(emk_fido_pin_auth(f->k, p, sig, sl, msg, 32, EMK_FIDO_PERM_GA, b), CTAP2_OK);
    assert_memory_equal(emk_fido_pin_token_rp(f->k), b, 32);
    assert_int_equal(emk_fido_pin_auth(f->k, p, sig, sl, msg, 32, EMK_FIDO_PERM_GA, a),
                     CTAP2_ERR_PIN_AUTH_INVALID);
    assert_int_equal(emk_fido_pin_auth(f->k, p, sig, sl, msg, 32, EMK_FIDO_PERM_GA, NULL),
                     CTAP2_OK);
}

static void advance(fx *f, int64_t ms)
{
    f->key.vc.now += ms * 1000000;
}

static void test_expiry(void **state)
{
    fx *f = *state;
    uint8_t msg[8] = "expiry", sig[32];
    size_t sl;
    int64_t p = f->c.proto;

    assert_int_equal(pc_set_pin(&f->c, NULL, "1234"), CTAP2_OK);
    /* unused for the initial usage window: gone */
    assert_int_equal(pc_get_token(&f->c, "1234", -1, NULL), CTAP2_OK);
    sl = pc_auth(&f->c, f->c.token, msg, sizeof(msg), sig);
    advance(f, 18999);
    f->k->pin.user_present = 1;
    assert_int_equal(emk_fido_pin_token_up(f->k), 1);
    advance(f, 2);
    assert_int_equal(emk_fido_pin_token_up(f->k), 0);
    assert_int_equal(emk_fido_pin_auth(f->k, p, sig, sl, msg, 8, EMK_FIDO_PERM_MC, NULL),
                     CTAP2_ERR_PIN_AUTH_INVALID);
    /* used within it: lives until the maximum usage period */
    assert_int_equal(pc_get_token(&f->c, "1234", -1, NULL), CTAP2_OK);
    sl = pc_auth(&f->c, f->c.token, msg, sizeof(msg), sig);
    advance(f, 10000);
    assert_int_equal(emk_fido_pin_auth(f->k, p, sig, sl, msg, 8, EMK_FIDO_PERM_MC, NULL), CTAP2_OK);
    advance(f, 60000);
    assert_int_equal(emk_fido_pin_auth(f->k, p, sig, sl, msg, 8, EMK_FIDO_PERM_MC, NULL), CTAP2_OK);
    advance(f, 600000 - 70000 - 1);
    assert_int_equal(emk_fido_pin_auth(f->k, p, sig, sl, msg, 8, EMK_FIDO_PERM_MC, NULL), CTAP2_OK);
    advance(f, 1);
    assert_int_equal(emk_fido_pin_auth(f->k, p, sig, sl, msg, 8, EMK_FIDO_PERM_MC, NULL),
                     CTAP2_ERR_PIN_AUTH_INVALID);
    assert_false(f->k->pin.in_use);
    /* the up flag and its clearing */
    assert_int_equal(pc_get_token(&f->c, "1234", -1, NULL), CTAP2_OK);
    f->k->pin.user_present = 1;
    assert_int_equal(emk_fido_pin_token_up(f->k), 1);
    emk_fido_pin_token_clear_up(f->k);
    assert_int_equal(emk_fido_pin_token_up(f->k), 0);
}

/* forcePINChange (set by config): tokens refused until the PIN changes,
 * and not to the same PIN */
static void test_force_change(void **state)
{
    fx *f = *state;

    assert_int_equal(pc_set_pin(&f->c, NULL, "1234"), CTAP2_OK);
    f->k->st.force_pin_change = 1;
    assert_int_equal(pc_get_token(&f->c, "1234", -1, NULL), CTAP2_ERR_PIN_POLICY_VIOLATION);
    assert_int_equal(pc_retries(&f->c), EMK_FIDO_PIN_RETRIES);
    assert_int_equal(pc_set_pin(&f->c, "1234", "1234"), CTAP2_ERR_PIN_POLICY_VIOLATION);
    assert_int_equal(pc_set_pin(&f->c, "1234", "4321"), CTAP2_OK);
    assert_false(f->k->st.force_pin_change);
    assert_int_equal(pc_get_token(&f->c, "4321", -1, NULL), CTAP2_OK);
}

/* wrong types and missing parameters */
static void test_malformed(void **state)
{
    fx *f = *state;
    static const uint8_t sub_text[] = { 0xa1, 0x02, 0x61, 0x31 };        /* {2: "1"} */
    static const uint8_t ka_bytes[] = { 0xa3, 0x01, 0x01, 0x02, 0x05, 0x03, 0x41, 0x00 };
    static const uint8_t no_hash[] = { 0xa2, 0x01, 0x01, 0x02, 0x05 };
    static const uint8_t bad_cose[] = { 0xa4, 0x01, 0x01, 0x02, 0x05, 0x03, 0xa1, 0x01, 0x02,
                                        0x06, 0x50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

    assert_int_equal(pc_set_pin(&f->c, NULL, "1234"), CTAP2_OK);
    assert_int_equal(pc_call(&f->c, CTAP2_CLIENT_PIN, sub_text, sizeof(sub_text)),
                     CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
    assert_int_equal(pc_call(&f->c, CTAP2_CLIENT_PIN, ka_bytes, sizeof(ka_bytes)),
                     CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
    assert_int_equal(pc_call(&f->c, CTAP2_CLIENT_PIN, no_hash, sizeof(no_hash)),
                     CTAP2_ERR_MISSING_PARAMETER);
    assert_int_equal(pc_call(&f->c, CTAP2_CLIENT_PIN, bad_cose, sizeof(bad_cose)),
                     CTAP1_ERR_INVALID_PARAMETER);
    assert_int_equal(pc_retries(&f->c), EMK_FIDO_PIN_RETRIES);
}

#define BOTH(t) cmocka_unit_test_setup_teardown(t, setup1, teardown), \
                cmocka_unit_test_setup_teardown(t, setup2, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_retries_and_key_agreement),
        BOTH(test_set_pin),
        BOTH(test_set_pin_utf8),
        BOTH(test_set_pin_bad_auth),
        BOTH(test_change_pin),
        BOTH(test_wrong_pin_blocking),
        BOTH(test_mismatch_regenerates),
        BOTH(test_permissions),
        BOTH(test_pin_auth),
        BOTH(test_expiry),
        BOTH(test_force_change),
        BOTH(test_malformed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
