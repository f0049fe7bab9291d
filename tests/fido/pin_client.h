/*
 * pin_client.h - the platform's side of the PIN/UV auth protocols for the
 * key's tests: key agreement with emk_p256_*, the protocol 1 and 2 KDFs,
 * encryption and HMAC written here from the spec (not the key's code), and
 * a small request builder over emk_fido_ctap2_call.
 */
#ifndef EMKIT_TESTS_FIDO_PIN_CLIENT_H
#define EMKIT_TESTS_FIDO_PIN_CLIENT_H

#include "emkit/cbor.h"
#include "emkit/fido.h"
#include "emkit/p256.h"

typedef struct pc_client {
    emk_fido *k;
    int proto;
    emk_drbg_ctx rng;
    emk_p256_priv priv;
    emk_p256_pub pub;                 /* ours */
    uint8_t shared[64];
    uint8_t token[32];
    uint8_t resp[EMK_FIDO_MSG_MAX];
    size_t resp_len;
    emk_cbor_item map;                /* the decoded response, if any */
} pc_client;

/** A key on a virtual clock (starting at 1000 ns) with a fixed seed. */
typedef struct pc_key {
    emk_vclock vc;
    emk_loop *loop;
    emk_fido *k;
} pc_key;

/** Creates the loop and the key; 0 or -1. */
int pc_key_new(pc_key *p, uint8_t seed_byte);
/** Frees them. */
void pc_key_free(pc_key *p);

/** Defines the cmocka setups setup1/setup2 (protocol 1 or 2) and
 *  teardown for a fixture type T with members key (pc_key), k and c. */
#define PC_FIXTURES(T, seed_byte)                                   \
    static int setup_proto(void **state, int proto)                 \
    {                                                               \
        static T f;                                                 \
        memset(&f, 0, sizeof(f));                                   \
        if (pc_key_new(&f.key, (seed_byte)) < 0)                    \
            return -1;                                              \
        f.k = f.key.k;                                              \
        pc_init(&f.c, f.k, proto);                                  \
        *state = &f;                                                \
        return 0;                                                   \
    }                                                               \
    static int setup1(void **state) { return setup_proto(state, 1); } \
    static int setup2(void **state) { return setup_proto(state, 2); } \
    static int teardown(void **state)                               \
    {                                                               \
        pc_key_free(&((T *)*state)->key);                           \
        return 0;                                                   \
    }

/** Starts a client of k speaking protocol proto. */
void pc_init(pc_client *c, emk_fido *k, int proto);
/** Sends cmd || body (body: CBOR, may be empty); returns the status and
 *  decodes a response map into c->map. */
int pc_call(pc_client *c, uint8_t cmd, const uint8_t *body, size_t len);
/** getKeyAgreement and the shared secret (c->shared).  Returns the status. */
int pc_key_agreement(pc_client *c);
/** Protocol c->proto's encrypt (protocol 2: a fixed IV in front). */
size_t pc_encrypt(const pc_client *c, const uint8_t *key, const uint8_t *in, size_t len,
                  uint8_t *out);
/** Protocol c->proto's decrypt; returns the plaintext length. */
size_t pc_decrypt(const pc_client *c, const uint8_t *key, const uint8_t *in, size_t len,
                  uint8_t *out);
/** authenticate(key, msg): 16 or 32 bytes into out; returns the length. */
size_t pc_auth(const pc_client *c, const uint8_t *key, const void *msg, size_t len,
               uint8_t *out);
/** Writes our key agreement COSE key. */
void pc_cose(const pc_client *c, emk_cbor_enc *e);
/** setPIN (old == NULL) or changePIN; new key agreement first. */
int pc_set_pin(pc_client *c, const char *old_pin, const char *new_pin);
/** getPinToken (perms < 0) or getPinUvAuthTokenUsingPinWithPermissions;
 *  rp_id may be NULL.  On success c->token holds the token. */
int pc_get_token(pc_client *c, const char *pin, long perms, const char *rp_id);
/** getPINRetries: the count, or -status. */
int pc_retries(pc_client *c);
/** The integer value of key `key` in c->map, or -1. */
long long pc_int(const pc_client *c, int key);
/** The byte string of key `key` in c->map (NULL if absent). */
const uint8_t *pc_bytes(const pc_client *c, int key, size_t *len);
/** pinHashEnc under the current shared secret. */
size_t pc_pin_hash_enc(const pc_client *c, const char *pin, uint8_t *out);

#endif
