/* pin_int.h - PIN/UV auth protocol state (pin_proto.c, client_pin.c) and
 * the credential management enumeration and large blob write state
 * (cred_mgmt.c, large_blobs.c). */
#ifndef EMKIT_HW_FIDO_PIN_INT_H
#define EMKIT_HW_FIDO_PIN_INT_H

#include "emkit/cbor.h"
#include "emkit/fido.h"
#include "emkit/p256.h"

enum emk_fido_pin_consts {
    EMK_FIDO_PIN_PROTOS = 2,              /**< protocols 1 and 2 */
    EMK_FIDO_PIN_TOKEN_LEN = 32,
    EMK_FIDO_PIN_MAX_BYTES = 63,          /**< longest PIN (UTF-8 bytes) */
    EMK_FIDO_PIN_PADDED = 64,             /**< paddedNewPin */
    EMK_FIDO_PIN_AUTH_FAILS = 3,          /**< mismatches until a power cycle */
    EMK_FIDO_LB_FRAGMENT = EMK_FIDO_MSG_MAX - 64 /**< maxFragmentLength */
};

/* pinUvAuthToken lifetime (CTAP 2.1 section 6.5.2.1), loop-clock ns */
#define EMK_FIDO_TOKEN_INITIAL_NS ((int64_t)19 * 1000 * 1000 * 1000)
#define EMK_FIDO_TOKEN_UP_NS ((int64_t)19 * 1000 * 1000 * 1000)
#define EMK_FIDO_TOKEN_MAX_NS ((int64_t)600 * 1000 * 1000 * 1000)

typedef struct emk_fido_pin {
    /* key agreement key of each protocol (index proto - 1) */
    emk_p256_priv ka_priv[EMK_FIDO_PIN_PROTOS];
    emk_p256_pub ka_pub[EMK_FIDO_PIN_PROTOS];
    /* the pinUvAuthToken of each protocol, random at power-up */
    uint8_t token[EMK_FIDO_PIN_PROTOS][EMK_FIDO_PIN_TOKEN_LEN];
    /* the token state both share (section 6.5.2.1) */
    int in_use;
    int used;                        /**< authorised an operation since issued */
    int user_present, user_verified;
    unsigned perms;                  /**< enum emk_fido_perm */
    int has_rp;
    uint8_t rp_id_hash[32];          /**< permissions RP ID (its hash) */
    int64_t issued_ns;               /**< loop clock at beginUsingPinUvAuthToken */
    /* consecutive PIN mismatches since power-up (not persisted) */
    unsigned fails;
} emk_fido_pin;

/* authenticatorCredentialManagement enumeration state */
enum emk_fido_cm_mode {
    EMK_FIDO_CM_NONE = 0,
    EMK_FIDO_CM_RPS = 1,             /**< after enumerateRPsBegin */
    EMK_FIDO_CM_CREDS = 2            /**< after enumerateCredentialsBegin */
};

typedef struct emk_fido_cm_state {
    int mode;                        /**< enum emk_fido_cm_mode */
    int last;                        /**< st.rk index handed out last */
    uint8_t rp_id_hash[32];          /**< the RP being enumerated (CREDS) */
    /* authenticatorLargeBlobs: the write in progress (not cleared by
     * other commands; a new write at offset 0 replaces it) */
    int lb_active;
    uint32_t lb_expected;            /**< length announced at offset 0 */
    uint32_t lb_written;             /**< bytes received so far */
    uint8_t lb_buf[EMK_FIDO_LARGE_BLOB_MAX];
} emk_fido_cm_state;

struct emk_fido;

/** The permissions RP ID hash of the current token, NULL if none. */
const uint8_t *emk_fido_pin_token_rp(const struct emk_fido *k);
/** 1 if a PIN is set (the key's clientPin option). */
int emk_fido_pin_is_set(const struct emk_fido *k);
/** Issues a fresh token (all protocols) with perms and an optional
 *  permissions RP ID hash: beginUsingPinUvAuthToken(userIsPresent = 0). */
void emk_fido_pin_token_begin(struct emk_fido *k, unsigned perms, const uint8_t *rp_id_hash);
/** resetPinUvAuthToken for every protocol: new tokens, none in use. */
void emk_fido_pin_token_reset(struct emk_fido *k);
/** A field of a request map: 1 present with that major type, 0 absent,
 *  -1 present with another type (or, for _uint, above INT64_MAX). */
int emk_fido_field(const emk_cbor_item *map, int64_t key, uint8_t type, emk_cbor_item *v);
int emk_fido_field_uint(const emk_cbor_item *map, int64_t key, int64_t *out);
/** The pinUvAuthParam check of credMgmt, config and largeBlobs: reads the
 *  protocol (key proto_key) and the param (key param_key) from params,
 *  answers PUAT_REQUIRED without a param, MISSING_PARAMETER without a
 *  protocol, else emk_fido_pin_auth's status. */
int emk_fido_pin_param(struct emk_fido *k, const emk_cbor_item *params, int64_t proto_key,
                       int64_t param_key, const uint8_t *msg, size_t msg_len, unsigned perm);
/** Regenerates protocol proto's key agreement key (after a mismatch). */
void emk_fido_pin_regenerate(struct emk_fido *k, int64_t proto);
/** Writes protocol proto's key agreement public key as a COSE_Key. */
void emk_fido_pin_cose_key(const struct emk_fido *k, int64_t proto, emk_cbor_enc *e);
/** 1 if proto is a protocol we speak (1 or 2). */
int emk_fido_pin_proto_ok(int64_t proto);

#endif
