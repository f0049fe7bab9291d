/* img_crypto.h - private crypto primitives for LUKS (crypto.c); SHA-256
 * and HMAC come from src/crypto (emkit/crypto.h). */
#ifndef EMK_IMG_CRYPTO_H
#define EMK_IMG_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "emkit/crypto.h" /* SHA-256, HMAC-SHA-256 */

typedef struct emk_aes {
    uint8_t rk[240];
    int rounds;
} emk_aes;

/** PBKDF2-HMAC-SHA256 (RFC 8018) of olen bytes. */
void emk_pbkdf2_sha256(const uint8_t *pw, size_t pwlen, const uint8_t *salt,
                       size_t slen, uint32_t iters, uint8_t *out, size_t olen);
/** Expands a 16- or 32-byte AES key; returns 0 or -1. */
int emk_aes_setkey(emk_aes *a, const uint8_t *key, size_t klen);
void emk_aes_encrypt(const emk_aes *a, const uint8_t in[16], uint8_t out[16]);
void emk_aes_decrypt(const emk_aes *a, const uint8_t in[16], uint8_t out[16]);
/** XTS of one sector with a plain64 tweak; in NULL means zeros. */
void emk_xts_sector(const emk_aes *k1, const emk_aes *k2, uint64_t sector,
                    const uint8_t *in, uint8_t *out, size_t len, int decrypt);

#endif
