/*
 * fido_int.h - the FIDO key's private state and the interfaces between its
 * rooms.  One file per job:
 *
 *   fido.c        lifecycle, the public getters, emk_fido_ctap2_call/u2f_call
 *   hid.c         CTAPHID: channels, fragmentation, KEEPALIVE, CANCEL, LOCK,
 *                 timeouts (state in hid_int.h)
 *   up.c          the simulated user: presence policy, touch, waits
 *   ctap2.c       CTAP2 dispatch, authenticatorGetInfo, Reset, Selection
 *   make_cred.c   authenticatorMakeCredential
 *   get_assert.c  authenticatorGetAssertion, GetNextAssertion
 *   authdata.c    authenticator data, COSE keys, attestation statements
 *   ext.c         extensions: hmac-secret, credProtect, credBlob,
 *                 minPinLength, largeBlobKey
 *   cred.c        credential IDs: private keys wrapped with AES-256-GCM
 *                 under the device key, bound to the RP ID hash
 *   pin_proto.c   PIN/UV auth protocols 1 and 2 (key agreement, encrypt,
 *                 decrypt, authenticate); tokens (state in pin_int.h)
 *   client_pin.c  authenticatorClientPIN
 *   cred_mgmt.c   authenticatorCredentialManagement
 *   config.c      authenticatorConfig
 *   large_blobs.c authenticatorLargeBlobs
 *   u2f.c         CTAP1/U2F: REGISTER, AUTHENTICATE, VERSION
 *   x509.c        the attestation key and its self-signed certificate
 *   store.c       the state file: atomic save, load, counter reservation
 *
 * All of it runs in the key's loop thread.  Command handlers return a CTAP
 * status byte (enum emk_ctap_status) and never leave persistent state half
 * changed: they validate everything first, then change k->st and call
 * emk_fido_store_save once.
 */
#ifndef EMKIT_HW_FIDO_INT_H
#define EMKIT_HW_FIDO_INT_H

#include <string.h>

#include "emkit/cbor.h"
#include "emkit/crypto.h"
#include "emkit/fido.h"
#include "emkit/p256.h"

/* CTAPHID commands (CTAP 2.1 section 11.2.9) */
enum emk_ctaphid_cmd {
    CTAPHID_PING = 0x01,
    CTAPHID_MSG = 0x03,
    CTAPHID_LOCK = 0x04,
    CTAPHID_INIT = 0x06,
    CTAPHID_WINK = 0x08,
    CTAPHID_CBOR = 0x10,
    CTAPHID_CANCEL = 0x11,
    CTAPHID_KEEPALIVE = 0x3B,
    CTAPHID_ERROR = 0x3F
};

enum emk_ctaphid_keepalive {
    CTAPHID_KEEPALIVE_PROCESSING = 1,
    CTAPHID_KEEPALIVE_UPNEEDED = 2
};

/* CTAP2 commands */
enum emk_ctap2_cmd {
    CTAP2_MAKE_CREDENTIAL = 0x01,
    CTAP2_GET_ASSERTION = 0x02,
    CTAP2_GET_INFO = 0x04,
    CTAP2_CLIENT_PIN = 0x06,
    CTAP2_RESET = 0x07,
    CTAP2_GET_NEXT_ASSERTION = 0x08,
    CTAP2_BIO_ENROLLMENT = 0x09,
    CTAP2_CRED_MGMT = 0x0A,
    CTAP2_SELECTION = 0x0B,
    CTAP2_LARGE_BLOBS = 0x0C,
    CTAP2_CONFIG = 0x0D,
    CTAP2_CRED_MGMT_PRE = 0x41
};

/* CTAP status codes (CTAP 2.1 section 8.2), also CTAPHID_ERROR's codes */
enum emk_ctap_status {
    CTAP2_OK = 0x00,
    CTAP1_ERR_INVALID_COMMAND = 0x01,
    CTAP1_ERR_INVALID_PARAMETER = 0x02,
    CTAP1_ERR_INVALID_LENGTH = 0x03,
    CTAP1_ERR_INVALID_SEQ = 0x04,
    CTAP1_ERR_TIMEOUT = 0x05,
    CTAP1_ERR_CHANNEL_BUSY = 0x06,
    CTAP1_ERR_LOCK_REQUIRED = 0x0A,
    CTAP1_ERR_INVALID_CHANNEL = 0x0B,
    CTAP2_ERR_CBOR_UNEXPECTED_TYPE = 0x11,
    CTAP2_ERR_INVALID_CBOR = 0x12,
    CTAP2_ERR_MISSING_PARAMETER = 0x14,
    CTAP2_ERR_LIMIT_EXCEEDED = 0x15,
    CTAP2_ERR_FP_DATABASE_FULL = 0x17,
    CTAP2_ERR_LARGE_BLOB_STORAGE_FULL = 0x18,
    CTAP2_ERR_CREDENTIAL_EXCLUDED = 0x19,
    CTAP2_ERR_PROCESSING = 0x21,
    CTAP2_ERR_INVALID_CREDENTIAL = 0x22,
    CTAP2_ERR_USER_ACTION_PENDING = 0x23,
    CTAP2_ERR_OPERATION_PENDING = 0x24,
    CTAP2_ERR_NO_OPERATIONS = 0x25,
    CTAP2_ERR_UNSUPPORTED_ALGORITHM = 0x26,
    CTAP2_ERR_OPERATION_DENIED = 0x27,
    CTAP2_ERR_KEY_STORE_FULL = 0x28,
    CTAP2_ERR_UNSUPPORTED_OPTION = 0x2B,
    CTAP2_ERR_INVALID_OPTION = 0x2C,
    CTAP2_ERR_KEEPALIVE_CANCEL = 0x2D,
    CTAP2_ERR_NO_CREDENTIALS = 0x2E,
    CTAP2_ERR_USER_ACTION_TIMEOUT = 0x2F,
    CTAP2_ERR_NOT_ALLOWED = 0x30,
    CTAP2_ERR_PIN_INVALID = 0x31,
    CTAP2_ERR_PIN_BLOCKED = 0x32,
    CTAP2_ERR_PIN_AUTH_INVALID = 0x33,
    CTAP2_ERR_PIN_AUTH_BLOCKED = 0x34,
    CTAP2_ERR_PIN_NOT_SET = 0x35,
    CTAP2_ERR_PUAT_REQUIRED = 0x36,
    CTAP2_ERR_PIN_POLICY_VIOLATION = 0x37,
    CTAP2_ERR_REQUEST_TOO_LARGE = 0x39,
    CTAP2_ERR_ACTION_TIMEOUT = 0x3A,
    CTAP2_ERR_UP_REQUIRED = 0x3B,
    CTAP2_ERR_UV_BLOCKED = 0x3C,
    CTAP2_ERR_INTEGRITY_FAILURE = 0x3D,
    CTAP2_ERR_INVALID_SUBCOMMAND = 0x3E,
    CTAP2_ERR_UV_INVALID = 0x3F,
    CTAP2_ERR_UNAUTHORIZED_PERMISSION = 0x40,
    CTAP1_ERR_OTHER = 0x7F,
    /* not a wire status: the handler waits for the user (up.c); the
     * transport re-runs the same request when the wait ends */
    EMK_FIDO_PENDING = 0x100
};

/* pinUvAuthToken permissions (CTAP 2.1 section 6.5.5.7) */
enum emk_fido_perm {
    EMK_FIDO_PERM_MC = 0x01,
    EMK_FIDO_PERM_GA = 0x02,
    EMK_FIDO_PERM_CM = 0x04,
    EMK_FIDO_PERM_BE = 0x08,
    EMK_FIDO_PERM_LBW = 0x10,
    EMK_FIDO_PERM_ACFG = 0x20
};

/* authenticator data flags */
enum emk_fido_ad_flags {
    EMK_FIDO_AD_UP = 0x01,
    EMK_FIDO_AD_UV = 0x04,
    EMK_FIDO_AD_AT = 0x40,
    EMK_FIDO_AD_ED = 0x80
};

enum emk_fido_limits {
    EMK_FIDO_MAX_RK = 50,            /**< resident credential slots */
    EMK_FIDO_CRED_ID_LEN = 64,       /**< our credential IDs' length */
    EMK_FIDO_USER_ID_MAX = 64,
    EMK_FIDO_NAME_MAX = 64,          /**< user name / displayName bytes kept */
    EMK_FIDO_RP_ID_MAX = 128,        /**< rp.id bytes kept */
    EMK_FIDO_CRED_BLOB_MAX = 32,
    EMK_FIDO_LARGE_BLOB_MAX = 4096,  /**< maxSerializedLargeBlobArray */
    EMK_FIDO_MIN_PIN_RPS = 4,        /**< RPs allowed to see minPinLength */
    EMK_FIDO_PIN_RETRIES = 8,
    EMK_FIDO_PIN_MIN_DEFAULT = 4,
    EMK_FIDO_MAX_MSG = EMK_FIDO_MSG_MAX,
    EMK_FIDO_MAX_ALLOW = 16          /**< allowList/excludeList entries looked at */
};

/** One resident (discoverable) credential. */
typedef struct emk_fido_rk {
    uint8_t in_use;
    uint8_t cred_protect;            /**< 1..3 */
    uint8_t user_id_len;             /**< 1..64 */
    uint8_t cred_blob_len;
    uint8_t has_large_blob_key;
    uint8_t rp_id_len;
    uint8_t user_name_len;
    uint8_t display_name_len;
    uint32_t seq;                    /**< creation order: higher is newer */
    uint8_t rp_id_hash[32];
    uint8_t cred_id[EMK_FIDO_CRED_ID_LEN];
    uint8_t user_id[EMK_FIDO_USER_ID_MAX];
    char rp_id[EMK_FIDO_RP_ID_MAX];
    char user_name[EMK_FIDO_NAME_MAX];
    char display_name[EMK_FIDO_NAME_MAX];
    uint8_t cred_blob[EMK_FIDO_CRED_BLOB_MAX];
    uint8_t large_blob_key[32];
} emk_fido_rk;

/** Everything the state file keeps (store.c defines the file format). */
typedef struct emk_fido_persist {
    uint8_t master[32];              /**< all device keys derive from it */
    uint8_t pin_hash[16];            /**< LEFT(SHA-256(PIN), 16) */
    uint8_t pin_set;
    uint8_t pin_retries;
    uint8_t pin_code_points;         /**< length of the current PIN */
    uint8_t min_pin_len;
    uint8_t force_pin_change;
    uint8_t always_uv;
    uint8_t min_pin_rp_count;
    uint32_t counter_limit;          /**< counters below it may be used */
    uint32_t rk_seq;                 /**< last emk_fido_rk.seq handed out */
    char min_pin_rps[EMK_FIDO_MIN_PIN_RPS][EMK_FIDO_RP_ID_MAX];
    emk_fido_rk rk[EMK_FIDO_MAX_RK];
    uint16_t large_blob_len;
    uint8_t large_blob[EMK_FIDO_LARGE_BLOB_MAX];
} emk_fido_persist;

#include "hid_int.h"
#include "pin_int.h"
#include "assert_int.h"

/** Keys derived from persist.master at load/creation (fido.c). */
typedef struct emk_fido_keys {
    uint8_t wrap[32];                /**< AES-256-GCM key for credential IDs */
    uint8_t hmac_secret[32];         /**< CredRandom = HMAC(this, credId || uv) */
    emk_p256_priv att_priv;          /**< attestation key (x509.c) */
    emk_p256_pub att_pub;
    uint8_t att_cert[600];           /**< DER, self-signed (x509.c) */
    size_t att_cert_len;
} emk_fido_keys;

struct emk_fido {
    emk_loop *loop;
    emk_fido_ops ops;
    void *opaque;
    emk_fido_config cfg;
    char *state_path;                /**< owned copy of cfg.state_path */
    int err;                         /**< sticky persistence error */
    emk_drbg_ctx rng;

    emk_fido_persist st;             /**< persistent: change, then save */
    emk_fido_keys keys;
    uint32_t counter;                /**< next signature counter value */
    uint32_t max_rk;
    int64_t boot_ns;                 /**< creation time (Reset's 10 s window) */

    /* the simulated user (up.c) */
    int up_policy;
    uint32_t up_delay_ms;
    int up_state;                    /**< up.c's */
    int up_sync;                     /**< inside emk_fido_ctap2_call: never wait */
    emk_timer up_timer;

    emk_fido_hid hid;                /**< hid.c (hid_int.h) */
    emk_fido_pin pin;                /**< pin_proto.c, client_pin.c (pin_int.h) */
    emk_fido_assert_state next;      /**< get_assert.c (assert_int.h) */
    emk_fido_cm_state cm;            /**< cred_mgmt.c (pin_int.h) */

    uint8_t resp[EMK_FIDO_MAX_MSG];  /**< response of the running command */
};

/* ---------------------------------------------------------------- up.c */
/** Tests user presence: 1 present (consumed), 0 declined, EMK_FIDO_PENDING
 *  (the transport waits and re-runs the request). */
int emk_fido_up_test(emk_fido *k);
/** Abandons a wait (CANCEL, timeout, channel change). */
void emk_fido_up_abort(emk_fido *k);
void emk_fido_up_init(emk_fido *k);
void emk_fido_up_cleanup(emk_fido *k);

/* --------------------------------------------------------------- hid.c */
void emk_fido_hid_init(emk_fido *k);
void emk_fido_hid_cleanup(emk_fido *k);
/** up.c calls it when a pending wait ends (touch or delay elapsed). */
void emk_fido_hid_resume(emk_fido *k);

/* ------------------------------------------------------------- ctap2.c */
/** Runs one CTAP2 request (command byte + CBOR) into resp[0..cap):
 *  status byte then CBOR.  Returns the status (also resp[0]) or
 *  EMK_FIDO_PENDING; *resp_len is at least 1 unless pending. */
int emk_fido_ctap2(emk_fido *k, const uint8_t *req, size_t len, uint8_t *resp,
                   size_t cap, size_t *resp_len);
/** Called on CANCEL / channel reset: forgets GetNextAssertion and
 *  enumeration state that belonged to the cancelled command. */
void emk_fido_ctap2_abort(emk_fido *k);

/* command handlers: params is the validated CBOR map (or NULL when the
 * request had none); the response CBOR goes to *e */
int emk_fido_make_credential(emk_fido *k, const emk_cbor_item *params, emk_cbor_enc *e);
int emk_fido_get_assertion(emk_fido *k, const emk_cbor_item *params, emk_cbor_enc *e);
int emk_fido_get_next_assertion(emk_fido *k, emk_cbor_enc *e);
int emk_fido_get_info(emk_fido *k, emk_cbor_enc *e);
int emk_fido_client_pin(emk_fido *k, const emk_cbor_item *params, emk_cbor_enc *e);
int emk_fido_cred_mgmt(emk_fido *k, const emk_cbor_item *params, emk_cbor_enc *e);
int emk_fido_config_cmd(emk_fido *k, const emk_cbor_item *params, emk_cbor_enc *e);
int emk_fido_large_blobs(emk_fido *k, const emk_cbor_item *params, emk_cbor_enc *e);

/* ------------------------------------------------------ cred_req.c */
/* what makeCredential and getAssertion parse alike */
enum emk_fido_opt { EMK_FIDO_OPT_RK = 0, EMK_FIDO_OPT_UP = 1, EMK_FIDO_OPT_UV = 2 };
/** Reads the options map under `key`: opt[i] is -1 (absent), 0 or 1.
 *  CTAP2_OK or CTAP2_ERR_CBOR_UNEXPECTED_TYPE. */
int emk_fido_req_options(const emk_cbor_item *params, int64_t key, int opt[3]);
/** Steps 1-2 of both commands: pinUvAuthParam under kparam, its protocol
 *  under kproto.  A zero-length param is a touch that ends the command
 *  (PIN_NOT_SET / PIN_INVALID, OPERATION_DENIED, or EMK_FIDO_PENDING);
 *  otherwise CTAP2_OK with *has (0/1), *param and *proto filled. */
int emk_fido_req_pin(emk_fido *k, const emk_cbor_item *params, int64_t kparam,
                     int64_t kproto, int *has, emk_cbor_item *param, int64_t *proto);
/** Checks pinUvAuthParam over clientDataHash with the token (permission
 *  perm, bound to the RP): CTAP2_OK and *uv = 1, or the pin room's status. */
int emk_fido_req_auth(emk_fido *k, int64_t proto, const emk_cbor_item *param,
                      const emk_cbor_item *cdh, unsigned perm, const uint8_t rp_id_hash[32],
                      int *uv);
/** An optional parameter of CBOR type `type`: 1 present, 0 absent, or
 *  -CTAP2_ERR_CBOR_UNEXPECTED_TYPE. */
int emk_fido_req_get(const emk_cbor_item *map, int64_t key, int type, emk_cbor_item *out);
/** One PublicKeyCredentialDescriptor: CTAP2_OK and *ours (type is
 *  "public-key"), or a CTAP status for a malformed one. */
int emk_fido_req_descriptor(const emk_cbor_item *d, emk_cbor_item *id, int *ours);
/** The longest prefix of s[0..len) of at most max bytes that ends on a
 *  UTF-8 character boundary. */
size_t emk_fido_utf8_prefix(const uint8_t *s, size_t len, size_t max);
/** The resident credential of RP rp_id_hash with this credential ID, -1. */
int emk_fido_rk_find_id(const emk_fido *k, const uint8_t rp_id_hash[32],
                        const uint8_t *id, size_t id_len);

/* ---------------------------------------------------------- authdata.c */
enum emk_fido_ad_sizes {
    EMK_FIDO_AD_HEAD = 37,           /**< rpIdHash, flags, signCount */
    EMK_FIDO_AD_MAX = 512            /**< room for the longest authData */
};
/** Writes the 37-byte head of authenticator data. */
void emk_fido_ad_head(uint8_t ad[EMK_FIDO_AD_HEAD], const uint8_t rp_id_hash[32],
                      uint8_t flags, uint32_t counter);
/** Appends attested credential data (AAGUID, ID length, ID, COSE_Key)
 *  to the encoder that writes authData. */
void emk_fido_ad_attested(emk_cbor_enc *ad, const uint8_t id[EMK_FIDO_CRED_ID_LEN],
                          const emk_p256_pub *pub);
/** The COSE_Key of an ES256 public key (kty 2, alg -7, crv 1, x, y). */
void emk_fido_cose_key(emk_cbor_enc *e, const emk_p256_pub *pub);
/** ECDSA over SHA-256(authData || clientDataHash), DER into sig: its
 *  length or a negative errno. */
int emk_fido_ad_sign(emk_fido *k, const emk_p256_priv *key, const uint8_t *ad, size_t ad_len,
                     const uint8_t cdh[32], uint8_t sig[EMK_P256_SIG_DER_MAX]);
/** The "packed" attestation statement: x5c with the attestation key, or
 *  self attestation with the credential key when there is no certificate.
 *  CTAP2_OK or CTAP1_ERR_OTHER. */
int emk_fido_att_packed(emk_fido *k, const emk_p256_priv *cred_key, const uint8_t *ad,
                        size_t ad_len, const uint8_t cdh[32], emk_cbor_enc *e);

/* --------------------------------------------------------------- ext.c */
/** Extension inputs of one request (pointers into the request). */
typedef struct emk_fido_ext {
    uint8_t hmac_secret;             /**< MC: asked (true); GA: input given */
    uint8_t cred_protect;            /**< MC: 0 (none) or 1..3 */
    uint8_t cred_blob;               /**< MC: given; GA: asked (true) */
    uint8_t min_pin_length;          /**< MC: asked */
    uint8_t large_blob_key;          /**< asked (true) */
    emk_cbor_item blob;              /**< MC: the credBlob */
    emk_cbor_item hs;                /**< GA: the hmac-secret input map */
} emk_fido_ext;
/** Parses the extensions map under `key` (ga: getAssertion's inputs).
 *  CTAP2_OK or a CTAP status. */
int emk_fido_ext_parse(const emk_cbor_item *params, int64_t key, int ga, emk_fido_ext *x);
/** Checks getAssertion's hmac-secret input and decrypts its salts into
 *  hs (secret: wipe it).  CTAP2_OK or a CTAP status. */
int emk_fido_ext_hs_open(emk_fido *k, const emk_fido_ext *x, emk_fido_hs *hs);
/** makeCredential's extension outputs as a CBOR map; returns how many
 *  (0: write nothing, no ED flag). */
int emk_fido_ext_mc_out(const emk_fido *k, const emk_fido_ext *x, const uint8_t *rp_id,
                        size_t rp_id_len, int blob_stored, uint8_t level, emk_cbor_enc *e);
/** getAssertion's extension outputs for one credential (rk NULL for a
 *  non-resident one).  CTAP2_OK or a CTAP status. */
int emk_fido_ext_ga_out(emk_fido *k, const emk_fido_ga_ext *g, const uint8_t *cred_id,
                        int uv, const emk_fido_rk *rk, emk_cbor_enc *e);

/* --------------------------------------------------------- get_assert.c */
/** Forgets the GetNextAssertion state (every command but that one). */
void emk_fido_assert_forget(emk_fido *k);

/* -------------------------------------------------------------- cred.c */
/** A credential ID's flags byte: the credProtect level (1..3) in the low
 *  bits, and EMK_FIDO_CRED_U2F when CTAP1/U2F REGISTER made it. */
enum emk_fido_cred_flags {
    EMK_FIDO_CRED_LEVEL_MASK = 0x03,
    EMK_FIDO_CRED_U2F = 0x80
};
/** Makes a fresh credential: private key and its ID bound to rp_id_hash.
 *  cred_protect is the flags byte (level 0 is taken as 1).  0, -EINVAL
 *  (bad flags), or the generator's error. */
int emk_fido_cred_new(emk_fido *k, const uint8_t rp_id_hash[32], uint8_t cred_protect,
                      uint8_t id[EMK_FIDO_CRED_ID_LEN], emk_p256_priv *priv);
/** Unwraps a credential ID for rp_id_hash: 0, the key and the flags byte
 *  (cred_protect may be NULL), or -EINVAL (not ours, not for this RP,
 *  tampered). */
int emk_fido_cred_open(emk_fido *k, const uint8_t rp_id_hash[32], const uint8_t *id,
                       size_t id_len, emk_p256_priv *priv, uint8_t *cred_protect);

/* --------------------------------------------------------------- u2f.c */
/** One APDU; the response ends with the status word.  Returns 0. */
int emk_fido_u2f(emk_fido *k, const uint8_t *apdu, size_t len, uint8_t *resp,
                 size_t cap, size_t *resp_len);

/* -------------------------------------------------------------- x509.c */
/** Derives the attestation key from the master secret and builds its
 *  self-signed certificate into k->keys. */
int emk_fido_attest_init(emk_fido *k);

/* ------------------------------------------------------------- store.c */
/** Loads the state file into k->st: 0, -ENOENT (none), -EINVAL (bad). */
int emk_fido_store_load(emk_fido *k);
/** Writes k->st atomically (write, fsync, rename, fsync the directory);
 *  no file configured is a success.  Errors are sticky (k->err). */
int emk_fido_store_save(emk_fido *k);
/** The next signature counter value; reserves ahead on disk first so a
 *  value is never repeated after a crash.  0, or the sticky error. */
int emk_fido_counter_next(emk_fido *k, uint32_t *value);
/** Decodes a whole state file's bytes into *st (the loader's parser, also
 *  the fuzz entry point): 0, or -EINVAL with *st wiped. */
int emk_fido_store_decode(emk_fido_persist *st, const uint8_t *buf, size_t len);
/** Encodes *st as a whole state file into buf (cap bytes): 0 and *len,
 *  or -ENOSPC / -EINVAL (a length field of *st past its array). */
int emk_fido_store_encode(emk_fido_persist *st, uint8_t *buf, size_t cap, size_t *len);

/* ------------------------------------------------------- pin_proto.c */
void emk_fido_pin_init(emk_fido *k);      /* power-up: new key agreement keys, tokens */
void emk_fido_pin_cleanup(emk_fido *k);
/** Checks pinUvAuthParam `param` over msg with protocol `proto`'s token:
 *  the token must be valid, hold `perm`, and be bound to rp_id_hash (a
 *  token with no RP gets bound to it; NULL skips the RP check).
 *  Returns a CTAP status. */
int emk_fido_pin_auth(emk_fido *k, int64_t proto, const uint8_t *param, size_t param_len,
                      const uint8_t *msg, size_t msg_len, unsigned perm,
                      const uint8_t *rp_id_hash);
/** 1 if the current token was issued with user presence not yet used. */
int emk_fido_pin_token_up(const emk_fido *k);
/** Clears the token's user-present flag after an operation used it. */
void emk_fido_pin_token_clear_up(emk_fido *k);
/** Computes the shared secret with the platform's COSE key (hmac-secret
 *  and clientPIN): 0 and *len (32 for protocol 1, 64 for 2), or a CTAP
 *  status. */
int emk_fido_pin_shared(emk_fido *k, int64_t proto, const emk_cbor_item *cose_key,
                        uint8_t shared[64], size_t *len);
/** Protocol `proto`'s encrypt/decrypt (AES-256-CBC, protocol 2 with a
 *  random IV in front) and authenticate (HMAC-SHA-256, 16 bytes for 1). */
int emk_fido_pin_encrypt(emk_fido *k, int64_t proto, const uint8_t *shared, const uint8_t *in,
                         size_t len, uint8_t *out, size_t *out_len);
int emk_fido_pin_decrypt(int64_t proto, const uint8_t *shared, const uint8_t *in, size_t len,
                         uint8_t *out, size_t *out_len);
int emk_fido_pin_verify(int64_t proto, const uint8_t *shared, const uint8_t *msg,
                        size_t msg_len, const uint8_t *sig, size_t sig_len);
/** Forgets PIN state (authenticatorReset). */
void emk_fido_pin_reset(emk_fido *k);

/* ------------------------------------------------------- cred_mgmt.c */
/** Forgets the credential management enumeration and a pending large
 *  blob write; ctap2.c calls it before every command other than the
 *  enumeration continuations (and Reset through emk_fido_pin_reset). */
void emk_fido_cm_abort(emk_fido *k);

/* ------------------------------------------------------------- helpers */
/** Random bytes from the key's generator. */
void emk_fido_random(emk_fido *k, void *buf, size_t len);
/** Back to factory state (new master secret, no PIN, no credentials,
 *  empty large blob); the caller saves.  0 or an errno. */
int emk_fido_factory_reset(emk_fido *k);
/** Finds the resident credential for (rp_id_hash, user id), -1 if none. */
int emk_fido_rk_find_user(const emk_fido *k, const uint8_t rp_id_hash[32],
                          const uint8_t *user_id, size_t user_id_len);

#endif
