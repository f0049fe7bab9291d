/*
 * emkit/p256.h - the NIST P-256 curve (FIPS 186-4, SEC 2 secp256r1):
 * ECDSA with SHA-256 digests, DER signatures and RFC 6979 nonces
 * (optionally hedged with extra entropy), ECDH, and key encoding.
 *
 * Everything that touches a private scalar is constant-time: field and
 * scalar arithmetic on 64-bit limbs with masked selects, a fixed 4-bit
 * window with a lookup that reads every table entry, and the complete
 * projective formulas of Renes, Costello and Batina (2016), so that no
 * branch or memory index depends on a secret.  Public keys are validated
 * when they are decoded (coordinates below p, on the curve; the point at
 * infinity has no encoding), so a decoded emk_p256_pub is always valid.
 */
#ifndef EMKIT_P256_H
#define EMKIT_P256_H

#include "emkit/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_p256_sizes {
    EMK_P256_SCALAR = 32,     /**< private key, coordinate, r or s */
    EMK_P256_PUB = 65,        /**< SEC1 uncompressed point 04 || X || Y */
    EMK_P256_PUB_COMPRESSED = 33, /**< 02/03 || X */
    EMK_P256_SIG_RAW = 64,    /**< r || s */
    EMK_P256_SIG_DER_MAX = 72 /**< longest DER signature */
};

/** A private key: the scalar d, 1 <= d < n, big-endian. */
typedef struct emk_p256_priv {
    uint8_t d[32];
} emk_p256_priv;

/** A validated public key: affine X and Y, big-endian. */
typedef struct emk_p256_pub {
    uint8_t x[32], y[32];
} emk_p256_pub;

/** Sets a private key from 32 big-endian bytes.  Returns 0, or -EINVAL
 *  when d is 0 or not below the group order (checked in constant time). */
EMK_API int emk_p256_priv_set(emk_p256_priv *key, const uint8_t d[32]);
/** Generates a key pair from rng (rejection sampling).  pub may be NULL.
 *  Returns 0 or the generator's error. */
EMK_API int emk_p256_keygen(emk_p256_priv *key, emk_p256_pub *pub,
                            emk_drbg_ctx *rng);
/** Computes the public key d*G of key.  Returns 0 or -EINVAL. */
EMK_API int emk_p256_pub_from_priv(emk_p256_pub *pub, const emk_p256_priv *key);
/** Decodes a SEC1 point: 65 bytes uncompressed or 33 bytes compressed.
 *  Rejects coordinates >= p, points off the curve and every other
 *  length or prefix with -EINVAL. */
EMK_API int emk_p256_pub_decode(emk_p256_pub *pub, const uint8_t *buf,
                                size_t len);
/** Sets a public key from affine coordinates (as a COSE key carries
 *  them), with the same validation.  Returns 0 or -EINVAL. */
EMK_API int emk_p256_pub_set_xy(emk_p256_pub *pub, const uint8_t x[32],
                                const uint8_t y[32]);
/** Encodes pub as 04 || X || Y. */
EMK_API void emk_p256_pub_encode(const emk_p256_pub *pub, uint8_t out[65]);

/** Signs a 32-byte digest: r || s into sig.  The nonce is RFC 6979's
 *  (HMAC-DRBG over key and digest); extra (may be NULL) is mixed into
 *  that DRBG as RFC 6979 section 3.6 allows, which hedges the nonce with
 *  fresh entropy when the caller passes some.  Returns 0 or -EINVAL. */
EMK_API int emk_p256_sign_raw(const emk_p256_priv *key, const uint8_t hash[32],
                              const void *extra, size_t extra_len,
                              uint8_t sig[64]);
/** As emk_p256_sign_raw, with the signature DER-encoded (SEQUENCE of two
 *  INTEGERs) into der (cap bytes).  Returns its length or -EINVAL /
 *  -ENOSPC. */
EMK_API int emk_p256_sign(const emk_p256_priv *key, const uint8_t hash[32],
                          const void *extra, size_t extra_len, uint8_t *der,
                          size_t cap);
/** Verifies r || s over a 32-byte digest.  Returns 0 when valid, else
 *  -EBADMSG.  Not constant-time (nothing in it is secret). */
EMK_API int emk_p256_verify_raw(const emk_p256_pub *pub, const uint8_t hash[32],
                                const uint8_t sig[64]);
/** Verifies a DER signature; any encoding other than strict DER is
 *  rejected.  Returns 0 when valid, else -EBADMSG. */
EMK_API int emk_p256_verify(const emk_p256_pub *pub, const uint8_t hash[32],
                            const uint8_t *der, size_t len);
/** ECDH: the X coordinate of d*peer into shared.  peer was validated by
 *  its decoding.  Returns 0 or -EINVAL. */
EMK_API int emk_p256_ecdh(const emk_p256_priv *key, const emk_p256_pub *peer,
                          uint8_t shared[32]);

/** Encodes r || s as a DER signature into der (cap bytes).  Returns the
 *  length or -ENOSPC. */
EMK_API int emk_p256_sig_to_der(const uint8_t sig[64], uint8_t *der,
                                size_t cap);
/** Parses a strict-DER signature into r || s (each below 2^256; range
 *  checks against n are the verifier's).  Returns 0 or -EBADMSG. */
EMK_API int emk_p256_sig_from_der(const uint8_t *der, size_t len,
                                  uint8_t sig[64]);

#ifdef __cplusplus
}
#endif

#endif
