/*
 * test_mgmt.c - authenticatorCredentialManagement, authenticatorConfig and
 * authenticatorLargeBlobs through emk_fido_ctap2_call, with tokens from a
 * real clientPIN exchange (pin_client.c, protocol 2 and 1).  Resident
 * credentials are put into k->st.rk directly, with real credential IDs
 * (emk_fido_cred_new).
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
    emk_p256_pub pub[4];
} fx;

static void add_rk(fx *f, int slot, const char *rp, const char *user, const char *name)
{
    emk_fido_rk *r = &f->k->st.rk[slot];
    emk_p256_priv priv;

    memset(r, 0, sizeof(*r));
    r->in_use = 1;
    r->cred_protect = 2;
    r->rp_id_len = (uint8_t)strlen(rp);
    memcpy(r->rp_id, rp, r->rp_id_len);
    emk_sha256(rp, r->rp_id_len, r->rp_id_hash);
    r->user_id_len = (uint8_t)strlen(user);
    memcpy(r->user_id, user, r->user_id_len);
    r->user_name_len = (uint8_t)strlen(name);
    memcpy(r->user_name, name, r->user_name_len);
    r->seq = (uint32_t)slot + 1;
    assert_int_equal(emk_fido_cred_new(f->k, r->rp_id_hash, 2, r->cred_id, &priv), 0);
    assert_int_equal(emk_p256_pub_from_priv(&f->pub[slot % 4], &priv), 0);
}

PC_FIXTURES(fx, 9)

/* credMgmt (cmd) or config: {1: sub, [2: params], 3: proto, 4: auth} with
 * auth over prefix || sub || params; auth_ok 0 sends none, -1 a bad one. */
static int mgmt(fx *f, uint8_t cmd, int sub, const uint8_t *sp, size_t sp_len, int auth_ok)
{
    uint8_t msg[600], auth[32], body[700];
    emk_cbor_enc e;
    size_t m = 0, al, n;

    if (cmd == CTAP2_CONFIG) {
        memset(msg, 0xff, 32);
        msg[32] = CTAP2_CONFIG;
        m = 33;
    }
    msg[m++] = (uint8_t)sub;
    memcpy(msg + m, sp, sp_len);
    m += sp_len;
    al = pc_auth(&f->c, f->c.token, msg, m, auth);
    if (auth_ok < 0)
        auth[3] ^= 1;
    emk_cbor_enc_init(&e, body, sizeof(body));
    emk_cbor_map(&e, 1 + (sp_len != 0) + 2 * (auth_ok != 0));
    emk_cbor_uint(&e, 1);
    emk_cbor_uint(&e, (uint64_t)sub);
    if (sp_len) {
        emk_cbor_uint(&e, 2);
        emk_cbor_raw(&e, sp, sp_len);
    }
    if (auth_ok) {
        emk_cbor_uint(&e, 3);
        emk_cbor_uint(&e, (uint64_t)f->c.proto);
        emk_cbor_uint(&e, 4);
        emk_cbor_bytes(&e, auth, al);
    }
    emk_cbor_enc_finish(&e, &n);
    return pc_call(&f->c, cmd, body, n);
}

static size_t rp_params(const char *rp, uint8_t *out)
{
    emk_cbor_enc e;
    uint8_t h[32];
    size_t n;

    emk_sha256(rp, strlen(rp), h);
    emk_cbor_enc_init(&e, out, 64);
    emk_cbor_map(&e, 1);
    emk_cbor_uint(&e, 1);
    emk_cbor_bytes(&e, h, 32);
    emk_cbor_enc_finish(&e, &n);
    return n;
}

/* {2: {"id": cred_id, "type": "public-key"}[, 3: {"id": user, "name": name}]} */
static size_t cred_params(const fx *f, int slot, const char *user, const char *name, uint8_t *out)
{
    emk_cbor_enc e;
    size_t n;

    emk_cbor_enc_init(&e, out, 300);
    emk_cbor_map(&e, user ? 2 : 1);
    emk_cbor_uint(&e, 2);
    emk_cbor_map(&e, 2);
    emk_cbor_text_z(&e, "id");
    emk_cbor_bytes(&e, f->k->st.rk[slot].cred_id, EMK_FIDO_CRED_ID_LEN);
    emk_cbor_text_z(&e, "type");
    emk_cbor_text_z(&e, "public-key");
    if (user) {
        emk_cbor_uint(&e, 3);
        emk_cbor_map(&e, name ? 2 : 1);
        emk_cbor_text_z(&e, "id");
        emk_cbor_bytes(&e, user, strlen(user));
        if (name) {
            emk_cbor_text_z(&e, "name");
            emk_cbor_text_z(&e, name);
        }
    }
    emk_cbor_enc_finish(&e, &n);
    return n;
}

static void pin_and_token(fx *f, long perms, const char *rp)
{
    if (!f->k->st.pin_set)
        assert_int_equal(pc_set_pin(&f->c, NULL, "1234"), CTAP2_OK);
    assert_int_equal(pc_get_token(&f->c, "1234", perms, rp), CTAP2_OK);
}

static void test_cm_metadata_and_rps(void **state)
{
    fx *f = *state;
    emk_cbor_item rp, id;

    add_rk(f, 0, "a.example", "alice", "Alice");
    add_rk(f, 3, "b.example", "bob", "Bob");
    add_rk(f, 5, "a.example", "carol", "Carol");
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 1, NULL, 0, 0), CTAP2_ERR_PUAT_REQUIRED);
    pin_and_token(f, -1, NULL);                         /* mc|ga: no cm */
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 1, NULL, 0, 1), CTAP2_ERR_PIN_AUTH_INVALID);
    pin_and_token(f, EMK_FIDO_PERM_CM, NULL);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 1, NULL, 0, -1), CTAP2_ERR_PIN_AUTH_INVALID);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 1, NULL, 0, 1), CTAP2_OK);
    assert_int_equal(pc_int(&f->c, 1), 3);
    assert_int_equal(pc_int(&f->c, 2), EMK_FIDO_MAX_RK - 3);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT_PRE, 1, NULL, 0, 1), CTAP2_OK);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 9, NULL, 0, 1), CTAP2_ERR_INVALID_SUBCOMMAND);

    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 2, NULL, 0, 1), CTAP2_OK);
    assert_int_equal(pc_int(&f->c, 5), 2);
    assert_int_equal(emk_cbor_map_int(&f->c.map, 3, &rp), 1);
    assert_int_equal(emk_cbor_map_text(&rp, "id", &id), 1);
    assert_true(emk_cbor_text_eq(&id, "a.example"));
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 3, NULL, 0, 0), CTAP2_OK);
    assert_int_equal(pc_int(&f->c, 5), -1);              /* totalRPs only first */
    assert_int_equal(emk_cbor_map_int(&f->c.map, 3, &rp), 1);
    assert_int_equal(emk_cbor_map_text(&rp, "id", &id), 1);
    assert_true(emk_cbor_text_eq(&id, "b.example"));
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 3, NULL, 0, 0), CTAP2_ERR_NOT_ALLOWED);

    /* another command in between forgets the enumeration */
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 2, NULL, 0, 1), CTAP2_OK);
    assert_true(pc_retries(&f->c) > 0);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 3, NULL, 0, 0), CTAP2_ERR_NOT_ALLOWED);

    /* an RP-bound token may not see the others */
    pin_and_token(f, EMK_FIDO_PERM_CM, "a.example");
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 1, NULL, 0, 1), CTAP2_ERR_PIN_AUTH_INVALID);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 2, NULL, 0, 1), CTAP2_ERR_PIN_AUTH_INVALID);
}

static void test_cm_enumerate_creds(void **state)
{
    fx *f = *state;
    uint8_t sp[64];
    size_t n = rp_params("a.example", sp), len;
    emk_cbor_item pk, x, user, name;
    const uint8_t *h;

    add_rk(f, 0, "a.example", "alice", "Alice");
    add_rk(f, 3, "b.example", "bob", "Bob");
    add_rk(f, 5, "a.example", "carol", "Carol");
    f->k->st.rk[5].has_large_blob_key = 1;
    memset(f->k->st.rk[5].large_blob_key, 0x42, 32);
    pin_and_token(f, EMK_FIDO_PERM_CM, NULL);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 4, NULL, 0, 1), CTAP2_ERR_MISSING_PARAMETER);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 4, sp, n, 1), CTAP2_OK);
    assert_int_equal(pc_int(&f->c, 9), 2);
    assert_int_equal(pc_int(&f->c, 10), 2);
    assert_int_equal(emk_cbor_map_int(&f->c.map, 8, &pk), 1);
    assert_int_equal(emk_cbor_map_int(&pk, -2, &x), 1);
    assert_memory_equal(x.ptr, f->pub[0].x, 32);
    assert_int_equal(emk_cbor_map_int(&f->c.map, 6, &user), 1);
    assert_int_equal(emk_cbor_map_text(&user, "name", &name), 1);
    assert_true(emk_cbor_text_eq(&name, "Alice"));
    assert_null(pc_bytes(&f->c, 11, &len));
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 5, NULL, 0, 0), CTAP2_OK);
    assert_int_equal(pc_int(&f->c, 9), -1);
    h = pc_bytes(&f->c, 11, &len);
    assert_non_null(h);
    assert_int_equal(h[0], 0x42);
    assert_int_equal(emk_cbor_map_int(&f->c.map, 8, &pk), 1);
    assert_int_equal(emk_cbor_map_int(&pk, -2, &x), 1);
    assert_memory_equal(x.ptr, f->pub[1].x, 32);         /* slot 5 */
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 5, NULL, 0, 0), CTAP2_ERR_NOT_ALLOWED);
    n = rp_params("c.example", sp);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 4, sp, n, 1), CTAP2_ERR_NO_CREDENTIALS);
    /* a token bound to b.example */
    pin_and_token(f, EMK_FIDO_PERM_CM, "b.example");
    n = rp_params("a.example", sp);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 4, sp, n, 1), CTAP2_ERR_PIN_AUTH_INVALID);
    n = rp_params("b.example", sp);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 4, sp, n, 1), CTAP2_OK);
}

static void test_cm_delete_update(void **state)
{
    fx *f = *state;
    uint8_t sp[300];
    size_t n;

    add_rk(f, 0, "a.example", "alice", "Alice");
    add_rk(f, 1, "b.example", "bob", "Bob");
    pin_and_token(f, EMK_FIDO_PERM_CM, "a.example");
    n = cred_params(f, 1, NULL, NULL, sp);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 6, sp, n, 1), CTAP2_ERR_PIN_AUTH_INVALID);
    assert_true(f->k->st.rk[1].in_use);
    pin_and_token(f, EMK_FIDO_PERM_CM, NULL);
    n = cred_params(f, 1, "mallory", "M", sp);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 7, sp, n, 1), CTAP1_ERR_INVALID_PARAMETER);
    n = cred_params(f, 1, NULL, NULL, sp);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 7, sp, n, 1), CTAP2_ERR_MISSING_PARAMETER);
    n = cred_params(f, 1, "bob", "Robert", sp);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 7, sp, n, -1), CTAP2_ERR_PIN_AUTH_INVALID);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 7, sp, n, 1), CTAP2_OK);
    assert_int_equal(f->k->st.rk[1].user_name_len, 6);
    assert_memory_equal(f->k->st.rk[1].user_name, "Robert", 6);
    n = cred_params(f, 1, "bob", NULL, sp);               /* name removed */
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 7, sp, n, 1), CTAP2_OK);
    assert_int_equal(f->k->st.rk[1].user_name_len, 0);
    n = cred_params(f, 1, NULL, NULL, sp);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 6, sp, n, 1), CTAP2_OK);
    assert_false(f->k->st.rk[1].in_use);
    assert_true(f->k->st.rk[0].in_use);
    assert_int_equal(mgmt(f, CTAP2_CRED_MGMT, 6, sp, n, 1), CTAP2_ERR_NO_CREDENTIALS);
}

static void test_config(void **state)
{
    fx *f = *state;
    static const uint8_t min6[] = { 0xa1, 0x01, 0x06 };            /* {1: 6} */
    static const uint8_t min5[] = { 0xa1, 0x01, 0x05 };
    static const uint8_t rps[] = { 0xa2, 0x01, 0x06, 0x02, 0x81, 0x61, 0x78 }; /* {1:6, 2:["x"]} */
    static const uint8_t force[] = { 0xa1, 0x03, 0xf5 };           /* {3: true} */

    /* without a PIN no auth is needed; forceChangePin needs a PIN */
    assert_int_equal(mgmt(f, CTAP2_CONFIG, 2, NULL, 0, 0), CTAP2_OK);
    assert_true(f->k->st.always_uv);
    assert_int_equal(mgmt(f, CTAP2_CONFIG, 3, force, sizeof(force), 0), CTAP2_ERR_PIN_NOT_SET);
    assert_int_equal(mgmt(f, CTAP2_CONFIG, 1, NULL, 0, 0), CTAP2_ERR_INVALID_SUBCOMMAND);
    pin_and_token(f, EMK_FIDO_PERM_CM, NULL);
    assert_int_equal(mgmt(f, CTAP2_CONFIG, 2, NULL, 0, 0), CTAP2_ERR_PUAT_REQUIRED);
    assert_int_equal(mgmt(f, CTAP2_CONFIG, 2, NULL, 0, 1), CTAP2_ERR_PIN_AUTH_INVALID);
    pin_and_token(f, EMK_FIDO_PERM_ACFG, NULL);
    assert_int_equal(mgmt(f, CTAP2_CONFIG, 2, NULL, 0, -1), CTAP2_ERR_PIN_AUTH_INVALID);
    assert_int_equal(mgmt(f, CTAP2_CONFIG, 2, NULL, 0, 1), CTAP2_OK);
    assert_false(f->k->st.always_uv);
    assert_int_equal(mgmt(f, CTAP2_CONFIG, 3, rps, sizeof(rps), 1), CTAP2_OK);
    assert_int_equal(f->k->st.min_pin_len, 6);
    assert_int_equal(f->k->st.min_pin_rp_count, 1);
    assert_string_equal(f->k->st.min_pin_rps[0], "x");
    assert_true(f->k->st.force_pin_change);                      /* "1234" is short */
    assert_int_equal(mgmt(f, CTAP2_CONFIG, 3, min5, sizeof(min5), 1), CTAP2_ERR_PIN_POLICY_VIOLATION);
    assert_int_equal(mgmt(f, CTAP2_CONFIG, 3, min6, sizeof(min6), 1), CTAP2_OK);
    assert_int_equal(pc_get_token(&f->c, "1234", -1, NULL), CTAP2_ERR_PIN_POLICY_VIOLATION);
    assert_int_equal(pc_set_pin(&f->c, "1234", "12345"), CTAP2_ERR_PIN_POLICY_VIOLATION);
    assert_int_equal(pc_set_pin(&f->c, "1234", "123456"), CTAP2_OK);
    assert_int_equal(pc_get_token(&f->c, "123456", EMK_FIDO_PERM_ACFG, NULL), CTAP2_OK);
    assert_int_equal(mgmt(f, CTAP2_CONFIG, 3, force, sizeof(force), 1), CTAP2_OK);
    assert_true(f->k->st.force_pin_change);
}

/* largeBlobs set: {2: data, 3: offset, [4: length], [5: auth, 6: proto]} */
static int lb_set(fx *f, const uint8_t *data, size_t len, uint32_t off, long total, int auth_ok)
{
    uint8_t msg[70], auth[32], body[EMK_FIDO_MSG_MAX];
    emk_cbor_enc e;
    size_t al = 0, n;

    memset(msg, 0xff, 32);
    msg[32] = 0x0c;
    msg[33] = 0;
    msg[34] = (uint8_t)off;
    msg[35] = (uint8_t)(off >> 8);
    msg[36] = (uint8_t)(off >> 16);
    msg[37] = (uint8_t)(off >> 24);
    emk_sha256(data, len, msg + 38);
    if (auth_ok)
        al = pc_auth(&f->c, f->c.token, msg, sizeof(msg), auth);
    if (auth_ok < 0)
        auth[0] ^= 1;
    emk_cbor_enc_init(&e, body, sizeof(body));
    emk_cbor_map(&e, 2 + (total >= 0) + 2 * (auth_ok != 0));
    emk_cbor_uint(&e, 2);
    emk_cbor_bytes(&e, data, len);
    emk_cbor_uint(&e, 3);
    emk_cbor_uint(&e, off);
    if (total >= 0) {
        emk_cbor_uint(&e, 4);
        emk_cbor_uint(&e, (uint64_t)total);
    }
    if (auth_ok) {
        emk_cbor_uint(&e, 5);
        emk_cbor_bytes(&e, auth, al);
        emk_cbor_uint(&e, 6);
        emk_cbor_uint(&e, (uint64_t)f->c.proto);
    }
    emk_cbor_enc_finish(&e, &n);
    return pc_call(&f->c, CTAP2_LARGE_BLOBS, body, n);
}

static int lb_get(fx *f, uint32_t count, uint32_t off)
{
    uint8_t body[16];
    emk_cbor_enc e;
    size_t n;

    emk_cbor_enc_init(&e, body, sizeof(body));
    emk_cbor_map(&e, 2);
    emk_cbor_uint(&e, 1);
    emk_cbor_uint(&e, count);
    emk_cbor_uint(&e, 3);
    emk_cbor_uint(&e, off);
    emk_cbor_enc_finish(&e, &n);
    return pc_call(&f->c, CTAP2_LARGE_BLOBS, body, n);
}

static void test_large_blobs(void **state)
{
    fx *f = *state;
    static const uint8_t neither[] = { 0xa1, 0x03, 0x00 };
    uint8_t blob[300], h[32];
    const uint8_t *p;
    size_t len;

    /* the initial array: [] and its hash */
    assert_int_equal(lb_get(f, 1024, 0), CTAP2_OK);
    p = pc_bytes(&f->c, 1, &len);
    assert_int_equal(len, 17);
    assert_int_equal(p[0], 0x80);
    assert_int_equal(lb_get(f, 1024, 18), CTAP1_ERR_INVALID_PARAMETER);
    assert_int_equal(lb_get(f, EMK_FIDO_MSG_MAX, 0), CTAP1_ERR_INVALID_LENGTH);
    assert_int_equal(pc_call(&f->c, CTAP2_LARGE_BLOBS, neither, sizeof(neither)),
                     CTAP1_ERR_INVALID_PARAMETER);

    /* a 300-byte array: 284 bytes of CBOR-ish content and its hash */
    for (size_t i = 0; i < 284; i++)
        blob[i] = (uint8_t)(i * 7);
    emk_sha256(blob, 284, h);
    memcpy(blob + 284, h, 16);
    pin_and_token(f, EMK_FIDO_PERM_LBW, NULL);
    assert_int_equal(lb_set(f, blob, 100, 0, 300, 0), CTAP2_ERR_PUAT_REQUIRED);
    assert_int_equal(lb_set(f, blob, 100, 0, 300, -1), CTAP2_ERR_PIN_AUTH_INVALID);
    assert_int_equal(lb_set(f, blob, 100, 0, -1, 1), CTAP1_ERR_INVALID_PARAMETER);
    assert_int_equal(lb_set(f, blob, 100, 0, EMK_FIDO_LARGE_BLOB_MAX + 1, 1),
                     CTAP2_ERR_LARGE_BLOB_STORAGE_FULL);
    assert_int_equal(lb_set(f, blob, 100, 0, 300, 1), CTAP2_OK);
    assert_int_equal(lb_set(f, blob + 100, 100, 150, -1, 1), CTAP1_ERR_INVALID_SEQ);
    assert_int_equal(lb_set(f, blob + 100, 100, 100, 300, 1), CTAP1_ERR_INVALID_PARAMETER);
    assert_int_equal(lb_set(f, blob + 100, 100, 100, -1, 1), CTAP2_OK);
    assert_int_equal(lb_set(f, blob + 200, 101, 200, -1, 1), CTAP1_ERR_INVALID_PARAMETER);
    assert_int_equal(f->k->st.large_blob_len, 17);                /* nothing committed yet */
    assert_int_equal(lb_set(f, blob + 200, 100, 200, -1, 1), CTAP2_OK);
    assert_int_equal(f->k->st.large_blob_len, 300);
    assert_int_equal(lb_get(f, 200, 250), CTAP2_OK);
    p = pc_bytes(&f->c, 1, &len);
    assert_int_equal(len, 50);
    assert_memory_equal(p, blob + 250, 50);

    /* a bad trailing hash: INTEGRITY_FAILURE, the old array stays */
    blob[0] ^= 1;
    assert_int_equal(lb_set(f, blob, 300, 0, 300, 1), CTAP2_ERR_INTEGRITY_FAILURE);
    assert_int_equal(lb_get(f, 1, 0), CTAP2_OK);
    p = pc_bytes(&f->c, 1, &len);
    assert_int_equal(p[0], 0);
    /* a token without lbw */
    pin_and_token(f, EMK_FIDO_PERM_CM, NULL);
    blob[0] ^= 1;
    assert_int_equal(lb_set(f, blob, 300, 0, 300, 1), CTAP2_ERR_PIN_AUTH_INVALID);
}

#define BOTH(t) cmocka_unit_test_setup_teardown(t, setup2, teardown), \
                cmocka_unit_test_setup_teardown(t, setup1, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_cm_metadata_and_rps),
        BOTH(test_cm_enumerate_creds),
        BOTH(test_cm_delete_update),
        BOTH(test_config),
        BOTH(test_large_blobs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
