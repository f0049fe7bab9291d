/* ctgrind_pin.c - the timing-independence check of the key's PIN paths
 * (the ctgrind technique of tests/crypto/ctgrind.c): the key's secrets are
 * marked undefined for valgrind memcheck, which then reports every
 * conditional jump and memory index that depends on them.  Run under
 *   valgrind --error-exitcode=1 --track-origins=yes ./test-fido-ctgrind
 * it must print no error.  It is built from the key's, CBOR and crypto
 * sources with EMK_CTGRIND, so that the values public by design (a
 * verdict, a signature, an authentic credential's metadata) are
 * declassified where they are produced.
 *
 * Secrets: the stored PIN hash, both protocols' key agreement keys and
 * pinUvAuthTokens, the credential wrap key, the master secret and the
 * generator's state.  Paths covered, each with protocols 1 and 2:
 * getPinUvAuthTokenUsingPinWithPermissions and getPinToken with the right
 * PIN and a wrong one (ECDH, pinHashEnc decrypted and compared with
 * st.pin_hash, the token encrypted), credentialManagement metadata with a
 * pinUvAuthParam (the token's HMAC check), changePIN (right and wrong
 * current PIN, the same PIN under forcePINChange); emk_fido_pin_decrypt and
 * emk_fido_pin_verify under a secret shared secret; a credential ID made
 * and opened (emk_fido_cred_new, emk_fido_cred_open), tampered and
 * presented for another RP. */
#include <stdio.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include "fido_int.h"
#include "pin_client.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static int failures;

static void check(int ok, const char *what)
{
    PUBLIC(&ok, sizeof(ok));
    printf("%-48s %s\n", what, ok ? "ok" : "FAILED");
    if (!ok)
        failures++;
}

/* everything the key keeps secret */
static void mark_secrets(emk_fido *k)
{
    SECRET(k->st.pin_hash, sizeof(k->st.pin_hash));
    SECRET(k->st.master, sizeof(k->st.master));
    SECRET(k->keys.wrap, sizeof(k->keys.wrap));
    SECRET(k->keys.hmac_secret, sizeof(k->keys.hmac_secret));
    SECRET(k->pin.ka_priv, sizeof(k->pin.ka_priv));
    SECRET(k->pin.token, sizeof(k->pin.token));
    SECRET(k->rng.k, sizeof(k->rng.k));
    SECRET(k->rng.v, sizeof(k->rng.v));
}

/* the client's side is not under test: its view of the response is */
static void reply_public(pc_client *c)
{
    PUBLIC(c->resp, sizeof(c->resp));
    PUBLIC(&c->map, sizeof(c->map));
    PUBLIC(c->token, sizeof(c->token));
}

static void pin_paths(int proto)
{
    static const uint8_t cm_meta[] = { 0x01 };
    uint8_t body[64], auth[32];
    emk_cbor_enc e;
    pc_key key;
    pc_client c;
    char what[64];
    size_t al, n;
    int st;

    if (pc_key_new(&key, (uint8_t)(0x40 + proto)) < 0) {
        check(0, "key");
        return;
    }
    pc_init(&c, key.k, proto);
    st = pc_set_pin(&c, NULL, "1234");
    check(st == 0, proto == 1 ? "setPIN (protocol 1)" : "setPIN (protocol 2)");
    mark_secrets(key.k);

    /* getPinUvAuthTokenUsingPinWithPermissions: the right PIN */
    st = pc_get_token(&c, "1234", 0x04, NULL);
    reply_public(&c);
    snprintf(what, sizeof(what), "p%d: token with the right PIN", proto);
    check(st == 0, what);
    /* a wrong PIN: the comparison fails, a new key agreement key */
    st = pc_get_token(&c, "4321", 0x04, NULL);
    reply_public(&c);
    snprintf(what, sizeof(what), "p%d: a wrong PIN refused", proto);
    check(st == CTAP2_ERR_PIN_INVALID, what);
    /* the legacy getPinToken, then credMgmt metadata with a cm token */
    st = pc_get_token(&c, "1234", -1, NULL);
    reply_public(&c);
    snprintf(what, sizeof(what), "p%d: getPinToken", proto);
    check(st == 0, what);
    st = pc_get_token(&c, "1234", 0x04, NULL);
    reply_public(&c);
    al = pc_auth(&c, c.token, cm_meta, 1, auth);
    emk_cbor_enc_init(&e, body, sizeof(body));
    emk_cbor_map(&e, 3);
    emk_cbor_uint(&e, 1);
    emk_cbor_uint(&e, 1);
    emk_cbor_uint(&e, 3);
    emk_cbor_uint(&e, (uint64_t)proto);
    emk_cbor_uint(&e, 4);
    emk_cbor_bytes(&e, auth, al);
    emk_cbor_enc_finish(&e, &n);
    PUBLIC(body, n);               /* the platform's MAC: sent in the clear */
    st = st ? st : pc_call(&c, CTAP2_CRED_MGMT, body, n);
    reply_public(&c);
    snprintf(what, sizeof(what), "p%d: credMgmt metadata (token HMAC)", proto);
    check(st == 0, what);
    /* a forged pinUvAuthParam */
    body[n - 1] ^= 1;
    st = pc_call(&c, CTAP2_CRED_MGMT, body, n);
    reply_public(&c);
    snprintf(what, sizeof(what), "p%d: forged pinUvAuthParam refused", proto);
    check(st == CTAP2_ERR_PIN_AUTH_INVALID, what);
    /* changePIN: the current PIN checked, the new one measured and hashed */
    st = pc_set_pin(&c, "1234", "56789");
    reply_public(&c);
    snprintf(what, sizeof(what), "p%d: changePIN", proto);
    check(st == 0, what);
    SECRET(key.k->st.pin_hash, sizeof(key.k->st.pin_hash));
    st = pc_set_pin(&c, "1234", "0000");
    reply_public(&c);
    snprintf(what, sizeof(what), "p%d: changePIN with a wrong PIN refused", proto);
    check(st == CTAP2_ERR_PIN_INVALID, what);
    /* forcePINChange: the same PIN again is refused */
    key.k->st.force_pin_change = 1;
    st = pc_set_pin(&c, "56789", "56789");
    reply_public(&c);
    snprintf(what, sizeof(what), "p%d: forced change to the same PIN refused", proto);
    check(st == CTAP2_ERR_PIN_POLICY_VIOLATION, what);
    pc_key_free(&key);
}

/* protocol 2's decrypt and verify under a secret shared secret */
static void proto2_primitives(void)
{
    uint8_t shared[64], msg[48], ct[16 + 32], pt[32], mac[32], mac2[32];
    size_t n = 0;
    int r, r2;

    for (int i = 0; i < 64; i++)
        shared[i] = (uint8_t)(0x5a ^ (7 * i));
    memset(msg, 0x33, sizeof(msg));
    /* a platform's ciphertext: the IV in front, then AES-256-CBC */
    {
        emk_aes256_ctx a;
        uint8_t iv[16];

        memset(iv, 0xa5, 16);
        memcpy(ct, iv, 16);
        emk_aes256_init(&a, shared + 32);
        emk_aes256_cbc_encrypt(&a, iv, msg, ct + 16, 32);
        emk_aes256_cleanup(&a);
    }
    emk_hmac_sha256(shared, 32, ct, sizeof(ct), mac);
    memcpy(mac2, mac, 32);
    mac2[31] ^= 0x80;
    SECRET(shared, sizeof(shared));
    r = emk_fido_pin_verify(2, shared, ct, sizeof(ct), mac, 32);
    r2 = emk_fido_pin_verify(2, shared, ct, sizeof(ct), mac2, 32);
    check(r == 0 && r2 < 0, "p2: emk_fido_pin_verify (good, bad)");
    r = emk_fido_pin_decrypt(2, shared, ct, sizeof(ct), pt, &n);
    PUBLIC(pt, sizeof(pt));
    check(r == 0 && n == 32 && memcmp(pt, msg, 32) == 0, "p2: emk_fido_pin_decrypt");
    r = emk_fido_pin_verify(1, shared, ct, sizeof(ct), mac, 16);
    check(r == 0, "p1: emk_fido_pin_verify");
}

/* a credential ID sealed and opened under the secret wrap key */
static void cred_paths(void)
{
    uint8_t rp[32], rp2[32], id[EMK_FIDO_CRED_ID_LEN];
    emk_p256_priv priv, back;
    emk_p256_pub pub, pub2;
    uint8_t level = 0;
    pc_key key;
    int r;

    if (pc_key_new(&key, 0x77) < 0) {
        check(0, "key");
        return;
    }
    emk_sha256("example.com", 11, rp);
    emk_sha256("example.org", 11, rp2);
    mark_secrets(key.k);
    r = emk_fido_cred_new(key.k, rp, 2, id, &priv);
    PUBLIC(id, sizeof(id));           /* the ID is handed to the platform */
    check(r == 0, "emk_fido_cred_new");
    r = emk_fido_cred_open(key.k, rp, id, sizeof(id), &back, &level);
    check(r == 0 && level == 2, "emk_fido_cred_open");
    r = emk_p256_pub_from_priv(&pub, &priv) | emk_p256_pub_from_priv(&pub2, &back);
    PUBLIC(&pub, sizeof(pub));
    PUBLIC(&pub2, sizeof(pub2));
    check(r == 0 && memcmp(&pub, &pub2, sizeof(pub)) == 0, "the same key back");
    r = emk_fido_cred_open(key.k, rp2, id, sizeof(id), &back, NULL);
    check(r == -EINVAL, "emk_fido_cred_open: another RP");
    id[20] ^= 0x10;
    r = emk_fido_cred_open(key.k, rp, id, sizeof(id), &back, NULL);
    check(r == -EINVAL, "emk_fido_cred_open: tampered");
    pc_key_free(&key);
}

int main(void)
{
    pin_paths(1);
    pin_paths(2);
    proto2_primitives();
    cred_paths();
    printf("ctgrind-pin: %d failure(s); valgrind reports any secret-dependent "
           "branch or index above\n", failures);
    return failures != 0;
}
