/*
 * test_mgmt_libfido2.c - libfido2, the real peer, drives the PIN and
 * management room (pin_proto.c, client_pin.c, cred_mgmt.c, config.c,
 * large_blobs.c) of an in-process key (fido_io.c) kept in a state file in
 * a temporary directory, so that a test can "power cycle" the key: free
 * it and create a new one on the same file.
 *
 * libfido2 always picks PIN/UV auth protocol 2 here; protocol 1 meets its
 * peer in tests/fido/python_fido2.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <fido/config.h>
#include <fido/credman.h>
#include <fido/es256.h>

#include "fido_io.h"
#include "fido_int.h"

static const unsigned char cdh[32] = "libfido2 mgmt client data hash.";

typedef struct peer {
    fio_key f;
    fido_dev_t *dev;
    emk_fido_config cfg;
    char dir[64];
    char path[96];
} peer;

/* a new key object on the state file, and libfido2 opened on it */
static void power_on(peer *p)
{
    assert_int_equal(fio_key_init(&p->f, &p->cfg), 0);
    p->dev = fio_dev(&p->f);
    assert_non_null(p->dev);
}

static void power_off(peer *p)
{
    assert_int_equal(fido_dev_close(p->dev), FIDO_OK);
    fido_dev_free(&p->dev);
    assert_int_equal(p->f.overflows, 0);
    fio_key_cleanup(&p->f);
}

static void power_cycle(peer *p)
{
    power_off(p);
    power_on(p);
}

static int setup(void **state)
{
    static const uint8_t seed[32] = "emkit mgmt libfido2 seed, fixed.";
    static peer p;

    memset(&p, 0, sizeof(p));
    snprintf(p.dir, sizeof(p.dir), "/tmp/emk-mgmt-XXXXXX");
    assert_non_null(mkdtemp(p.dir));
    snprintf(p.path, sizeof(p.path), "%s/state", p.dir);
    p.cfg.state_path = p.path;
    p.cfg.seed = seed;
    p.cfg.seed_len = sizeof(seed);
    power_on(&p);
    *state = &p;
    return 0;
}

static int teardown(void **state)
{
    peer *p = *state;

    power_off(p);
    assert_int_equal(unlink(p->path), 0);
    assert_int_equal(rmdir(p->dir), 0);      /* no state.tmp left behind */
    return 0;
}

static int retries(peer *p)
{
    int n = -1;

    assert_int_equal(fido_dev_get_retry_count(p->dev, &n), FIDO_OK);
    return n;
}

/* getInfo through libfido2 */
static fido_cbor_info_t *info(peer *p)
{
    fido_cbor_info_t *ci = fido_cbor_info_new();

    assert_non_null(ci);
    assert_int_equal(fido_dev_get_cbor_info(p->dev, ci), FIDO_OK);
    return ci;
}

/* an option of getInfo: 1 true, 0 false, -1 absent */
static int option(peer *p, const char *name)
{
    fido_cbor_info_t *ci = info(p);
    char **names = fido_cbor_info_options_name_ptr(ci);
    const bool *vals = fido_cbor_info_options_value_ptr(ci);
    int r = -1;

    for (size_t i = 0; i < fido_cbor_info_options_len(ci); i++)
        if (!strcmp(names[i], name))
            r = vals[i];
    fido_cbor_info_free(&ci);
    return r;
}

/* resident credential for user on rp, made with the PIN and verified */
static fido_cred_t *make_rk(peer *p, const char *rp, const char *user, int ext, const char *pin)
{
    fido_cred_t *c = fio_cred_req(cdh, rp, "Relying Party", user, user, "Display");

    assert_non_null(c);
    assert_int_equal(fido_cred_set_rk(c, FIDO_OPT_TRUE), FIDO_OK);
    if (ext)
        assert_int_equal(fido_cred_set_extensions(c, ext), FIDO_OK);
    assert_int_equal(fido_dev_make_cred(p->dev, c, pin), FIDO_OK);
    assert_int_equal(fido_cred_x5c_ptr(c) ? fido_cred_verify(c) : fido_cred_verify_self(c),
                     FIDO_OK);
    return c;
}

/* getAssertion of rp's resident credentials with pin: the status, and
 * the first assertion verified against c when it is given */
static int get_assert(peer *p, const char *rp, const char *pin, const fido_cred_t *c)
{
    fido_assert_t *a = fido_assert_new();
    es256_pk_t *pk = es256_pk_new();
    int r;

    assert_non_null(a);
    assert_non_null(pk);
    assert_int_equal(fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)), FIDO_OK);
    assert_int_equal(fido_assert_set_rp(a, rp), FIDO_OK);
    r = fido_dev_get_assert(p->dev, a, pin);
    if (r == FIDO_OK && c) {
        assert_int_equal(es256_pk_from_ptr(pk, fido_cred_pubkey_ptr(c),
                                           fido_cred_pubkey_len(c)), FIDO_OK);
        assert_int_equal(fido_assert_verify(a, 0, COSE_ES256, pk), FIDO_OK);
    }
    es256_pk_free(&pk);
    fido_assert_free(&a);
    return r;
}

/* setPIN, changePIN, the retries counter; the PIN survives a power cycle */
static void test_set_change(void **state)
{
    peer *p = *state;
    int uv = -1;

    assert_int_equal(option(p, "clientPin"), 0);
    assert_int_equal(retries(p), 8);                 /* answered without a PIN too */
    assert_int_equal(fido_dev_set_pin(p->dev, "1234", NULL), FIDO_OK);
    assert_int_equal(option(p, "clientPin"), 1);
    assert_int_equal(retries(p), 8);
    /* setPIN again is not allowed; too short a PIN is refused */
    assert_int_equal(fido_dev_set_pin(p->dev, "5678", NULL), FIDO_ERR_NOT_ALLOWED);
    assert_int_equal(fido_dev_set_pin(p->dev, "123", "1234"), FIDO_ERR_PIN_POLICY_VIOLATION);
    assert_int_equal(fido_dev_set_pin(p->dev, "56789", "1234"), FIDO_OK);
    assert_int_equal(retries(p), 8);
    /* the key has no built-in user verification: no UV retries */
    assert_int_equal(fido_dev_get_uv_retry_count(p->dev, &uv), 0x3e);
    power_cycle(p);
    assert_int_equal(option(p, "clientPin"), 1);
    assert_int_equal(get_assert(p, "example.com", "1234", NULL), FIDO_ERR_PIN_INVALID);
    assert_int_equal(retries(p), 7);
    assert_int_equal(fido_dev_set_pin(p->dev, "0000", "56789"), FIDO_OK);
    assert_int_equal(retries(p), 8);
}

/* wrong PINs: retries go down, three in a row block PIN checks until a
 * power cycle, and the counter is kept in the state file */
static void test_wrong_pin(void **state)
{
    peer *p = *state;
    fido_credman_metadata_t *m = fido_credman_metadata_new();

    assert_non_null(m);
    assert_int_equal(fido_dev_set_pin(p->dev, "1234", NULL), FIDO_OK);
    assert_int_equal(fido_credman_get_dev_metadata(p->dev, m, "1111"), FIDO_ERR_PIN_INVALID);
    assert_int_equal(retries(p), 7);
    assert_int_equal(fido_credman_get_dev_metadata(p->dev, m, "1234"), FIDO_OK);
    assert_int_equal(retries(p), 8);                 /* a match restores them */
    assert_int_equal(fido_dev_set_pin(p->dev, "9999", "1111"), FIDO_ERR_PIN_INVALID);
    assert_int_equal(get_assert(p, "example.com", "2222", NULL), FIDO_ERR_PIN_INVALID);
    assert_int_equal(fido_credman_get_dev_metadata(p->dev, m, "3333"),
                     FIDO_ERR_PIN_AUTH_BLOCKED);
    assert_int_equal(retries(p), 5);
    /* blocked: even the right PIN, without using up a retry */
    assert_int_equal(fido_credman_get_dev_metadata(p->dev, m, "1234"),
                     FIDO_ERR_PIN_AUTH_BLOCKED);
    assert_int_equal(fido_dev_set_pin(p->dev, "4321", "1234"), FIDO_ERR_PIN_AUTH_BLOCKED);
    assert_int_equal(retries(p), 5);
    power_cycle(p);
    assert_int_equal(retries(p), 5);                 /* persisted */
    assert_int_equal(fido_credman_get_dev_metadata(p->dev, m, "1234"), FIDO_OK);
    assert_int_equal(fido_credman_rk_existing(m), 0);
    assert_int_equal(fido_credman_rk_remaining(m), EMK_FIDO_MAX_RK);
    assert_int_equal(retries(p), 8);
    /* down to zero: blocked for good (power cycles between the triples) */
    for (int i = 0; i < 8; i++) {
        if (i && i % 3 == 0)
            power_cycle(p);
        assert_int_equal(fido_credman_get_dev_metadata(p->dev, m, "0000"),
                         i == 7 ? FIDO_ERR_PIN_BLOCKED
                                : i % 3 == 2 ? FIDO_ERR_PIN_AUTH_BLOCKED : FIDO_ERR_PIN_INVALID);
    }
    assert_int_equal(retries(p), 0);
    power_cycle(p);
    assert_int_equal(fido_credman_get_dev_metadata(p->dev, m, "1234"), FIDO_ERR_PIN_BLOCKED);
    assert_int_equal(fido_dev_set_pin(p->dev, "4321", "1234"), FIDO_ERR_PIN_BLOCKED);
    /* only a reset brings the key back */
    assert_int_equal(fido_dev_reset(p->dev), FIDO_OK);
    assert_int_equal(option(p, "clientPin"), 0);
    fido_credman_metadata_free(&m);
}

/* credential management: metadata, RPs, credentials, update, delete */
static void test_credman(void **state)
{
    peer *p = *state;
    static const char *const names[3] = { "alice", "bob", "carol" };
    fido_cred_t *c[4];
    fido_credman_metadata_t *m = fido_credman_metadata_new();
    fido_credman_rp_t *rp = fido_credman_rp_new();
    fido_credman_rk_t *rk = fido_credman_rk_new();
    fido_cred_t *upd = fido_cred_new();
    const fido_cred_t *e;
    unsigned char h[32];
    int seen = 0;

    assert_non_null(m);
    assert_non_null(rp);
    assert_non_null(rk);
    assert_non_null(upd);
    assert_int_equal(fido_dev_set_pin(p->dev, "1234", NULL), FIDO_OK);
    for (int i = 0; i < 3; i++)
        c[i] = make_rk(p, "example.com", names[i], 0, "1234");
    c[3] = make_rk(p, "example.org", "dave", 0, "1234");
    /* without the PIN the request has no pinUvAuthParam */
    assert_int_equal(fido_credman_get_dev_metadata(p->dev, m, NULL), FIDO_ERR_PIN_REQUIRED);
    assert_int_equal(fido_credman_get_dev_metadata(p->dev, m, "1234"), FIDO_OK);
    assert_int_equal(fido_credman_rk_existing(m), 4);
    assert_int_equal(fido_credman_rk_remaining(m), EMK_FIDO_MAX_RK - 4);

    assert_int_equal(fido_credman_get_dev_rp(p->dev, rp, "1234"), FIDO_OK);
    assert_int_equal(fido_credman_rp_count(rp), 2);
    for (size_t i = 0; i < 2; i++) {
        const char *id = fido_credman_rp_id(rp, i);

        assert_non_null(id);
        seen |= !strcmp(id, "example.com") ? 1 : !strcmp(id, "example.org") ? 2 : 4;
        emk_sha256(id, strlen(id), h);
        assert_int_equal(fido_credman_rp_id_hash_len(rp, i), 32);
        assert_memory_equal(fido_credman_rp_id_hash_ptr(rp, i), h, 32);
    }
    assert_int_equal(seen, 3);

    assert_int_equal(fido_credman_get_dev_rk(p->dev, "example.com", rk, "1234"), FIDO_OK);
    assert_int_equal(fido_credman_rk_count(rk), 3);
    seen = 0;
    for (size_t i = 0; i < 3; i++) {
        e = fido_credman_rk(rk, i);
        assert_non_null(e);
        for (int j = 0; j < 3; j++) {
            if (fido_cred_id_len(e) != fido_cred_id_len(c[j]) ||
                memcmp(fido_cred_id_ptr(e), fido_cred_id_ptr(c[j]), fido_cred_id_len(e)))
                continue;
            seen |= 1 << j;
            assert_string_equal(fido_cred_user_name(e), names[j]);
            assert_string_equal(fido_cred_display_name(e), "Display");
            assert_int_equal(fido_cred_pubkey_len(e), fido_cred_pubkey_len(c[j]));
            assert_memory_equal(fido_cred_pubkey_ptr(e), fido_cred_pubkey_ptr(c[j]),
                                fido_cred_pubkey_len(e));
            assert_int_equal(fido_cred_prot(e), FIDO_CRED_PROT_UV_OPTIONAL);
        }
    }
    assert_int_equal(seen, 7);
    assert_int_equal(fido_credman_get_dev_rk(p->dev, "example.net", rk, "1234"),
                     FIDO_ERR_NO_CREDENTIALS);

    /* updateUserInformation: bob gets a new name, his display name goes */
    assert_int_equal(fido_cred_set_id(upd, fido_cred_id_ptr(c[1]), fido_cred_id_len(c[1])),
                     FIDO_OK);
    assert_int_equal(fido_cred_set_user(upd, (const unsigned char *)"bob", 3, "robert", NULL,
                                        NULL), FIDO_OK);
    assert_int_equal(fido_credman_set_dev_rk(p->dev, upd, "1234"), FIDO_OK);
    /* another user ID is not this credential's */
    assert_int_equal(fido_cred_set_user(upd, (const unsigned char *)"eve", 3, "eve", NULL, NULL),
                     FIDO_OK);
    assert_int_equal(fido_credman_set_dev_rk(p->dev, upd, "1234"), FIDO_ERR_INVALID_PARAMETER);

    /* delete alice and dave; the survivors survive a power cycle */
    assert_int_equal(fido_credman_del_dev_rk(p->dev, fido_cred_id_ptr(c[0]),
                                             fido_cred_id_len(c[0]), "1234"), FIDO_OK);
    assert_int_equal(fido_credman_del_dev_rk(p->dev, fido_cred_id_ptr(c[0]),
                                             fido_cred_id_len(c[0]), "1234"),
                     FIDO_ERR_NO_CREDENTIALS);
    assert_int_equal(fido_credman_del_dev_rk(p->dev, fido_cred_id_ptr(c[3]),
                                             fido_cred_id_len(c[3]), "1234"), FIDO_OK);
    power_cycle(p);
    assert_int_equal(fido_credman_get_dev_rp(p->dev, rp, "1234"), FIDO_OK);
    assert_int_equal(fido_credman_rp_count(rp), 1);
    assert_string_equal(fido_credman_rp_id(rp, 0), "example.com");
    assert_int_equal(fido_credman_get_dev_rk(p->dev, "example.com", rk, "1234"), FIDO_OK);
    assert_int_equal(fido_credman_rk_count(rk), 2);
    seen = 0;
    for (size_t i = 0; i < 2; i++) {
        e = fido_credman_rk(rk, i);
        if (!memcmp(fido_cred_user_id_ptr(e), "bob", 3)) {
            assert_string_equal(fido_cred_user_name(e), "robert");
            assert_null(fido_cred_display_name(e));
            seen |= 1;
        } else {
            assert_string_equal(fido_cred_user_name(e), "carol");
            seen |= 2;
        }
    }
    assert_int_equal(seen, 3);
    /* getAssertion sees the same: carol (newest) and bob, verified */
    assert_int_equal(get_assert(p, "example.com", "1234", c[2]), FIDO_OK);
    assert_int_equal(get_assert(p, "example.org", "1234", NULL), FIDO_ERR_NO_CREDENTIALS);
    fido_credman_metadata_free(&m);
    fido_credman_rp_free(&rp);
    fido_credman_rk_free(&rk);
    fido_cred_free(&upd);
    for (int i = 0; i < 4; i++)
        fido_cred_free(&c[i]);
}

/* a non-resident credential request (no PIN needed: makeCredUvNotRqd) */
static int make_plain(peer *p, const char *pin)
{
    fido_cred_t *c = fio_cred_req(cdh, "example.com", NULL, "u", NULL, NULL);
    int r;

    assert_non_null(c);
    r = fido_dev_make_cred(p->dev, c, pin);
    if (r == FIDO_OK)
        assert_int_equal(fido_cred_x5c_ptr(c) ? fido_cred_verify(c) : fido_cred_verify_self(c),
                         FIDO_OK);
    fido_cred_free(&c);
    return r;
}

/* authenticatorConfig: toggleAlwaysUv */
static void test_always_uv(void **state)
{
    peer *p = *state;

    /* without a PIN no pinUvAuthParam is needed */
    assert_int_equal(option(p, "alwaysUv"), 0);
    assert_int_equal(fido_dev_toggle_always_uv(p->dev, NULL), FIDO_OK);
    assert_int_equal(option(p, "alwaysUv"), 1);
    assert_int_equal(fido_dev_toggle_always_uv(p->dev, NULL), FIDO_OK);
    assert_int_equal(option(p, "alwaysUv"), 0);
    assert_int_equal(fido_dev_set_pin(p->dev, "1234", NULL), FIDO_OK);
    assert_int_equal(make_plain(p, NULL), FIDO_OK);
    assert_int_equal(fido_dev_toggle_always_uv(p->dev, "4321"), FIDO_ERR_PIN_INVALID);
    assert_int_equal(option(p, "alwaysUv"), 0);
    assert_int_equal(fido_dev_toggle_always_uv(p->dev, "1234"), FIDO_OK);
    power_cycle(p);
    assert_int_equal(option(p, "alwaysUv"), 1);
    assert_int_equal(make_plain(p, NULL), FIDO_ERR_PIN_REQUIRED);
    assert_int_equal(make_plain(p, "1234"), FIDO_OK);
    assert_int_equal(fido_dev_toggle_always_uv(p->dev, "1234"), FIDO_OK);
    assert_int_equal(option(p, "alwaysUv"), 0);
    assert_int_equal(make_plain(p, NULL), FIDO_OK);
}

static uint64_t min_pin_len(peer *p, int *force)
{
    fido_cbor_info_t *ci = info(p);
    uint64_t n = fido_cbor_info_minpinlen(ci);

    *force = fido_cbor_info_new_pin_required(ci);
    fido_cbor_info_free(&ci);
    return n;
}

/* authenticatorConfig: setMinPINLength, and the forced PIN change */
static void test_min_pin_len(void **state)
{
    peer *p = *state;
    int force = -1;

    assert_int_equal(min_pin_len(p, &force), 4);
    assert_int_equal(force, 0);
    assert_int_equal(fido_dev_set_pin(p->dev, "1234", NULL), FIDO_OK);
    /* longer than the current PIN: a change is forced */
    assert_int_equal(fido_dev_set_pin_minlen(p->dev, 6, "1234"), FIDO_OK);
    assert_int_equal(min_pin_len(p, &force), 6);
    assert_int_equal(force, 1);
    /* it may only grow */
    assert_int_equal(fido_dev_set_pin_minlen(p->dev, 5, "1234"),
                     FIDO_ERR_PIN_POLICY_VIOLATION);
    /* no token until the PIN is changed */
    assert_int_equal(get_assert(p, "example.com", "1234", NULL), FIDO_ERR_PIN_POLICY_VIOLATION);
    power_cycle(p);
    assert_int_equal(min_pin_len(p, &force), 6);
    assert_int_equal(force, 1);
    assert_int_equal(fido_dev_set_pin(p->dev, "12345", "1234"), FIDO_ERR_PIN_POLICY_VIOLATION);
    assert_int_equal(fido_dev_set_pin(p->dev, "123456", "1234"), FIDO_OK);
    assert_int_equal(min_pin_len(p, &force), 6);
    assert_int_equal(force, 0);
    assert_int_equal(get_assert(p, "example.com", "123456", NULL), FIDO_ERR_NO_CREDENTIALS);
    /* forcePINChange alone: the same PIN is not a change */
    assert_int_equal(fido_dev_force_pin_change(p->dev, "123456"), FIDO_OK);
    assert_int_equal(min_pin_len(p, &force), 6);
    assert_int_equal(force, 1);
    assert_int_equal(fido_dev_set_pin(p->dev, "123456", "123456"),
                     FIDO_ERR_PIN_POLICY_VIOLATION);
    assert_int_equal(fido_dev_set_pin(p->dev, "654321", "123456"), FIDO_OK);
    assert_int_equal(min_pin_len(p, &force), 6);
    assert_int_equal(force, 0);
    /* the RP IDs that may read minPinLength */
    {
        const char *const rps[2] = { "example.com", "example.org" };

        assert_int_equal(fido_dev_set_pin_minlen_rpid(p->dev, rps, 2, "654321"), FIDO_OK);
    }
    assert_int_equal(min_pin_len(p, &force), 6);
    assert_int_equal(force, 0);
}

/* large blobs through a credential's largeBlobKey */
static void test_large_blobs(void **state)
{
    peer *p = *state;
    fido_cred_t *a, *b;
    unsigned char big[3000], *out = NULL, *arr = NULL;
    size_t out_len = 0, arr_len = 0;
    const char *msg = "a large blob for alice";

    uint32_t x = 2463534242u;

    for (size_t i = 0; i < sizeof(big); i++) {    /* xorshift32: incompressible */
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        big[i] = (unsigned char)(x >> 24);
    }
    a = make_rk(p, "example.com", "alice", FIDO_EXT_LARGEBLOB_KEY, NULL);
    b = make_rk(p, "example.com", "bob", FIDO_EXT_LARGEBLOB_KEY, NULL);
    assert_int_equal(fido_cred_largeblob_key_len(a), 32);
    /* the initial array: an empty CBOR array and its hash */
    assert_int_equal(fido_dev_largeblob_get_array(p->dev, &arr, &arr_len), FIDO_OK);
    assert_int_equal(arr_len, 1);
    assert_int_equal(arr[0], 0x80);
    free(arr);
    arr = NULL;
    assert_int_equal(fido_dev_largeblob_get(p->dev, fido_cred_largeblob_key_ptr(a), 32, &out,
                                            &out_len), FIDO_ERR_NOTFOUND);
    /* libfido2 1.12 writes only with a token: without a PIN (and no
     * built-in UV) it refuses before sending anything */
    assert_int_equal(fido_dev_largeblob_set(p->dev, fido_cred_largeblob_key_ptr(a), 32,
                                            (const unsigned char *)msg, strlen(msg), NULL),
                     FIDO_ERR_PIN_REQUIRED);
    assert_int_equal(fido_dev_set_pin(p->dev, "1234", NULL), FIDO_OK);
    assert_int_equal(fido_dev_largeblob_set(p->dev, fido_cred_largeblob_key_ptr(a), 32,
                                            (const unsigned char *)msg, strlen(msg), "1234"),
                     FIDO_OK);
    assert_int_equal(fido_dev_largeblob_get(p->dev, fido_cred_largeblob_key_ptr(a), 32, &out,
                                            &out_len), FIDO_OK);
    assert_int_equal(out_len, strlen(msg));
    assert_memory_equal(out, msg, out_len);
    free(out);
    out = NULL;
    assert_int_equal(fido_dev_largeblob_get(p->dev, fido_cred_largeblob_key_ptr(b), 32, &out,
                                            &out_len), FIDO_ERR_NOTFOUND);
    /* bob's entry is big: the key checks the lbw token over each fragment */
    assert_int_equal(fido_dev_largeblob_set(p->dev, fido_cred_largeblob_key_ptr(b), 32, big,
                                            sizeof(big), "9999"), FIDO_ERR_PIN_INVALID);
    assert_int_equal(fido_dev_largeblob_set(p->dev, fido_cred_largeblob_key_ptr(b), 32, big,
                                            sizeof(big), "1234"), FIDO_OK);
    power_cycle(p);
    assert_int_equal(fido_dev_largeblob_get(p->dev, fido_cred_largeblob_key_ptr(b), 32, &out,
                                            &out_len), FIDO_OK);
    assert_int_equal(out_len, sizeof(big));
    assert_memory_equal(out, big, sizeof(big));
    free(out);
    out = NULL;
    assert_int_equal(fido_dev_largeblob_get(p->dev, fido_cred_largeblob_key_ptr(a), 32, &out,
                                            &out_len), FIDO_OK);
    assert_memory_equal(out, msg, out_len);
    free(out);
    out = NULL;
    assert_int_equal(fido_dev_largeblob_get_array(p->dev, &arr, &arr_len), FIDO_OK);
    assert_true(arr_len > sizeof(big));
    assert_int_equal(arr[0], 0x82);                 /* an array of two entries */
    free(arr);
    arr = NULL;
    /* twice the big one does not fit in 4096 bytes */
    assert_int_equal(fido_dev_largeblob_set(p->dev, fido_cred_largeblob_key_ptr(a), 32, big,
                                            sizeof(big), "1234"),
                     FIDO_ERR_LARGEBLOB_STORAGE_FULL);
    /* remove alice's: bob's is left */
    assert_int_equal(fido_dev_largeblob_remove(p->dev, fido_cred_largeblob_key_ptr(a), 32,
                                               "1234"), FIDO_OK);
    assert_int_equal(fido_dev_largeblob_get(p->dev, fido_cred_largeblob_key_ptr(a), 32, &out,
                                            &out_len), FIDO_ERR_NOTFOUND);
    assert_int_equal(fido_dev_largeblob_remove(p->dev, fido_cred_largeblob_key_ptr(a), 32,
                                               "1234"), FIDO_ERR_NOTFOUND);
    assert_int_equal(fido_dev_largeblob_get(p->dev, fido_cred_largeblob_key_ptr(b), 32, &out,
                                            &out_len), FIDO_OK);
    assert_int_equal(out_len, sizeof(big));
    free(out);
    assert_int_equal(fido_dev_largeblob_get_array(p->dev, &arr, &arr_len), FIDO_OK);
    assert_int_equal(arr[0], 0x81);
    free(arr);
    fido_cred_free(&a);
    fido_cred_free(&b);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_set_change),
        T(test_wrong_pin),
        T(test_credman),
        T(test_always_uv),
        T(test_min_pin_len),
        T(test_large_blobs),
    };

    fido_init(getenv("FIDO_DEBUG") ? FIDO_DEBUG : 0);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
