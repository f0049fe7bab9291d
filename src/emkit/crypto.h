/*
 * emkit/crypto.h - symmetric primitives written for the FIDO key (and any
 * other component): SHA-256 (FIPS 180-4), HMAC-SHA-256 (RFC 2104),
 * HKDF-SHA-256 (RFC 5869), AES-256 (FIPS 197) in CBC without padding and
 * GCM (SP 800-38D), an HMAC-DRBG (SP 800-90A) seeded from the OS, and
 * constant-time helpers.  The elliptic-curve half is emkit/p256.h.
 *
 * Style: every context is caller-owned (no malloc); nothing keeps global
 * state.  AES and GHASH use no table indexed by a secret and no branch on
 * a secret: AES computes the S-box as a GF(2^8) inversion on bit planes,
 * GHASH multiplies bit by bit with masks.  Errors are negative errno
 * values; a context that accumulates state (GCM, DRBG) keeps the first
 * error (sticky) and returns it from every later call.
 */
#ifndef EMKIT_CRYPTO_H
#define EMKIT_CRYPTO_H

#include "emkit/base.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_crypto_sizes {
    EMK_SHA256_LEN = 32,      /**< digest bytes */
    EMK_SHA256_BLOCK = 64,    /**< block bytes */
    EMK_HKDF_SHA256_MAX = 255 * 32, /**< longest HKDF output */
    EMK_AES256_KEY = 32,
    EMK_AES_BLOCK = 16,
    EMK_GCM_TAG = 16,         /**< full tag */
    EMK_GCM_IV = 12,          /**< the recommended IV length */
    EMK_DRBG_MAX_REQUEST = 65536, /**< bytes per emk_drbg_generate call */
    EMK_DRBG_RESEED_INTERVAL = 1 << 20 /**< requests between OS reseeds */
};

/* ------------------------------------------------------------ SHA-256 */

/** SHA-256 state; private but copyable (copy to fork a running hash). */
typedef struct emk_sha256_ctx {
    uint32_t h[8];
    uint64_t len;             /**< bytes absorbed */
    uint8_t buf[64];
    size_t n;                 /**< bytes waiting in buf */
} emk_sha256_ctx;

/** Starts a hash. */
EMK_API void emk_sha256_init(emk_sha256_ctx *s);
/** Absorbs len bytes of data. */
EMK_API void emk_sha256_update(emk_sha256_ctx *s, const void *data, size_t len);
/** Writes the digest to out; s must be initialised again before reuse. */
EMK_API void emk_sha256_final(emk_sha256_ctx *s, uint8_t out[32]);
/** One-shot SHA-256 of len bytes. */
EMK_API void emk_sha256(const void *data, size_t len, uint8_t out[32]);

/* ------------------------------------------------------- HMAC-SHA-256 */

/** HMAC-SHA-256 state: the inner hash running, the outer one keyed. */
typedef struct emk_hmac_sha256_ctx {
    emk_sha256_ctx inner, outer;
} emk_hmac_sha256_ctx;

/** Keys a MAC (any key length; keys over 64 bytes are hashed first). */
EMK_API void emk_hmac_sha256_init(emk_hmac_sha256_ctx *m, const void *key,
                                  size_t klen);
/** Absorbs len bytes of the message. */
EMK_API void emk_hmac_sha256_update(emk_hmac_sha256_ctx *m, const void *data,
                                    size_t len);
/** Writes the 32-byte tag and wipes the context. */
EMK_API void emk_hmac_sha256_final(emk_hmac_sha256_ctx *m, uint8_t out[32]);
/** One-shot HMAC-SHA-256. */
EMK_API void emk_hmac_sha256(const void *key, size_t klen, const void *data,
                             size_t len, uint8_t out[32]);
/** Computes the MAC of data and compares its first tag_len bytes (1..32)
 *  with tag in constant time.  Returns 0 on match, -EBADMSG on mismatch,
 *  -EINVAL for a bad tag_len. */
EMK_API int emk_hmac_sha256_check(const void *key, size_t klen,
                                  const void *data, size_t len,
                                  const uint8_t *tag, size_t tag_len);

/* ------------------------------------------------------- HKDF-SHA-256 */

/** HKDF-Extract: prk = HMAC(salt, ikm); salt NULL/0 means 32 zero bytes. */
EMK_API void emk_hkdf_sha256_extract(const void *salt, size_t salt_len,
                                     const void *ikm, size_t ikm_len,
                                     uint8_t prk[32]);
/** HKDF-Expand: out_len bytes (at most EMK_HKDF_SHA256_MAX) from a PRK of
 *  prk_len bytes (at least 32).  Returns 0 or -EINVAL. */
EMK_API int emk_hkdf_sha256_expand(const uint8_t *prk, size_t prk_len,
                                   const void *info, size_t info_len,
                                   uint8_t *out, size_t out_len);
/** Extract then expand.  Returns 0 or -EINVAL (out_len too large). */
EMK_API int emk_hkdf_sha256(const void *salt, size_t salt_len, const void *ikm,
                            size_t ikm_len, const void *info, size_t info_len,
                            uint8_t *out, size_t out_len);

/* ------------------------------------------------------------ AES-256 */

/** An expanded AES-256 key (encryption round keys; decryption derives its
 *  own on the fly from the same schedule). */
typedef struct emk_aes256_ctx {
    uint8_t rk[15][16];
} emk_aes256_ctx;

/** Expands a 32-byte key (constant time). */
EMK_API void emk_aes256_init(emk_aes256_ctx *a, const uint8_t key[32]);
/** Wipes the round keys. */
EMK_API void emk_aes256_cleanup(emk_aes256_ctx *a);
/** Encrypts one 16-byte block (in and out may alias). */
EMK_API void emk_aes256_encrypt(const emk_aes256_ctx *a, const uint8_t in[16],
                                uint8_t out[16]);
/** Decrypts one 16-byte block (in and out may alias). */
EMK_API void emk_aes256_decrypt(const emk_aes256_ctx *a, const uint8_t in[16],
                                uint8_t out[16]);
/** CBC encryption without padding of len bytes (a multiple of 16; in and
 *  out may alias).  iv is updated to the last ciphertext block, so calls
 *  chain.  Returns 0 or -EINVAL. */
EMK_API int emk_aes256_cbc_encrypt(const emk_aes256_ctx *a, uint8_t iv[16],
                                   const void *in, void *out, size_t len);
/** CBC decryption without padding (len a multiple of 16; in and out may
 *  alias); iv is updated as for encryption.  Returns 0 or -EINVAL. */
EMK_API int emk_aes256_cbc_decrypt(const emk_aes256_ctx *a, uint8_t iv[16],
                                   const void *in, void *out, size_t len);

/* ------------------------------------------------------------ AES-GCM */

enum emk_gcm_state {
    EMK_GCM_AAD = 0,          /**< absorbing additional data */
    EMK_GCM_DATA = 1,         /**< encrypting or decrypting */
    EMK_GCM_DONE = 2          /**< tag produced; emk_gcm_start again */
};

/** A GCM operation under one key.  Private; caller-owned. */
typedef struct emk_gcm_ctx {
    emk_aes256_ctx aes;
    uint64_t h[2];            /**< hash key, big-endian halves */
    uint64_t y[2];            /**< GHASH accumulator */
    uint8_t j0[16], ctr[16];  /**< pre-counter block, running counter */
    uint8_t ks[16];           /**< keystream of the current block */
    uint8_t part[16];         /**< partial GHASH block */
    size_t ks_used, part_n;
    uint64_t aad_len, data_len;
    int state;                /**< enum emk_gcm_state */
    int err;                  /**< sticky error */
} emk_gcm_ctx;

/** Sets the AES-256 key and derives the hash key. */
EMK_API void emk_gcm_init(emk_gcm_ctx *g, const uint8_t key[32]);
/** Starts a message with an IV of iv_len bytes (12 recommended; any
 *  length from 1 is accepted as SP 800-38D allows).  Clears an earlier
 *  sticky error.  Returns 0 or -EINVAL (empty IV; then sticky). */
EMK_API int emk_gcm_start(emk_gcm_ctx *g, const uint8_t *iv, size_t iv_len);
/** Absorbs additional data; only before the first emk_gcm_crypt.
 *  Returns 0 or the sticky error (-EPROTO when called out of order). */
EMK_API int emk_gcm_aad(emk_gcm_ctx *g, const void *aad, size_t len);
/** Encrypts (encrypt != 0) or decrypts len bytes; in and out may alias.
 *  Returns 0 or the sticky error (-EMSGSIZE past 2^36 - 32 bytes). */
EMK_API int emk_gcm_crypt(emk_gcm_ctx *g, int encrypt, const void *in,
                          void *out, size_t len);
/** Writes the first tag_len (1..16) bytes of the tag.  Returns 0 or the
 *  sticky error. */
EMK_API int emk_gcm_tag(emk_gcm_ctx *g, uint8_t *tag, size_t tag_len);
/** Compares the tag with tag_len bytes of tag in constant time.  Returns
 *  0 on match, -EBADMSG on mismatch, or the sticky error. */
EMK_API int emk_gcm_check(emk_gcm_ctx *g, const uint8_t *tag, size_t tag_len);
/** Wipes the key and state. */
EMK_API void emk_gcm_cleanup(emk_gcm_ctx *g);
/** One-shot encryption: ct (len bytes) and a tag of tag_len bytes. */
EMK_API int emk_gcm_seal(const uint8_t key[32], const uint8_t *iv, size_t iv_len,
                         const void *aad, size_t aad_len, const void *pt,
                         size_t len, void *ct, uint8_t *tag, size_t tag_len);
/** One-shot decryption.  Checks the tag before writing anything: on
 *  -EBADMSG pt is left untouched (pt may alias ct only when in place). */
EMK_API int emk_gcm_open(const uint8_t key[32], const uint8_t *iv, size_t iv_len,
                         const void *aad, size_t aad_len, const void *ct,
                         size_t len, const uint8_t *tag, size_t tag_len,
                         void *pt);

/* --------------------------------------------------------------- DRBG */

/** HMAC-DRBG with SHA-256 (SP 800-90A 10.1.2).  Private; caller-owned. */
typedef struct emk_drbg_ctx {
    uint8_t k[32], v[32];
    uint32_t requests;        /**< since the last reseed */
    int auto_reseed;          /**< reseed from the OS every interval */
    int err;                  /**< sticky error */
} emk_drbg_ctx;

/** Fills buf with len bytes from the operating system: getrandom(2) when
 *  the system has it, else /dev/urandom.  Returns 0 or a negative errno. */
EMK_API int emk_os_entropy(void *buf, size_t len);
/** Instantiates from 48 bytes of OS entropy and an optional
 *  personalisation string; reseeds from the OS every
 *  EMK_DRBG_RESEED_INTERVAL requests.  Returns 0 or the (sticky) error. */
EMK_API int emk_drbg_init(emk_drbg_ctx *d, const void *pers, size_t pers_len);
/** Instantiates deterministically from seed (entropy || nonce ||
 *  personalisation, as SP 800-90A concatenates them); never reseeds by
 *  itself.  For tests and derived generators. */
EMK_API void emk_drbg_init_seed(emk_drbg_ctx *d, const void *seed, size_t len);
/** Reseeds with entropy (NULL: 32 bytes from the OS) and additional
 *  input.  Returns 0 or the sticky error. */
EMK_API int emk_drbg_reseed(emk_drbg_ctx *d, const void *entropy,
                            size_t entropy_len, const void *add,
                            size_t add_len);
/** Generates len bytes (at most EMK_DRBG_MAX_REQUEST) with optional
 *  additional input.  Returns 0, -EINVAL, or the sticky error (then out
 *  is zeroed). */
EMK_API int emk_drbg_generate(emk_drbg_ctx *d, void *out, size_t len,
                              const void *add, size_t add_len);
/** Wipes the state. */
EMK_API void emk_drbg_cleanup(emk_drbg_ctx *d);

/* ------------------------------------------------------ constant time */

/** 1 when the len bytes at a and b are equal, else 0; the time depends on
 *  len only. */
EMK_API int emk_ct_memeq(const void *a, const void *b, size_t len);
/** Zeroes len bytes in a way the compiler does not remove. */
EMK_API void emk_ct_wipe(void *p, size_t len);

#ifdef __cplusplus
}
#endif

#endif
