/* assert_int.h - authenticatorGetNextAssertion state (get_assert.c) and
 * the getAssertion extension state it carries (ext.c). */
#ifndef EMKIT_HW_FIDO_ASSERT_INT_H
#define EMKIT_HW_FIDO_ASSERT_INT_H

/** hmac-secret for one getAssertion: the shared secret with the
 *  platform and the decrypted salts.  Secret: wiped when done. */
typedef struct emk_fido_hs {
    int64_t proto;
    size_t shared_len;               /**< 32 (protocol 1) or 64 (2) */
    size_t salts_len;                /**< 32 or 64 */
    uint8_t shared[64];
    uint8_t salts[64];
} emk_fido_hs;

/** What getAssertion's extensions ask of every credential it returns. */
typedef struct emk_fido_ga_ext {
    uint8_t hmac;                    /**< hs holds the salts */
    uint8_t cred_blob;
    uint8_t large_blob_key;
    emk_fido_hs hs;
} emk_fido_ga_ext;

enum { EMK_FIDO_NEXT_TIMEOUT_MS = 30000 };

typedef struct emk_fido_assert_state {
    uint8_t active;                  /**< a getAssertion left credentials */
    uint8_t timer_ready;             /**< timer initialised */
    uint8_t flags;                   /**< UP/UV of the getAssertion */
    uint8_t count;                   /**< numberOfCredentials */
    uint8_t pos;                     /**< next index into slot[] */
    uint8_t rp_id_hash[32];
    uint8_t cdh[32];                 /**< clientDataHash */
    uint8_t slot[EMK_FIDO_MAX_RK];   /**< k->st.rk indices, newest first */
    uint32_t seq[EMK_FIDO_MAX_RK];   /**< their seq when chosen */
    emk_fido_ga_ext ext;
    emk_timer timer;                 /**< 30 s after the last response */
} emk_fido_assert_state;

#endif
