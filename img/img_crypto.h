/* img_crypto.h - private crypto primitives for LUKS (crypto.c). */
#ifndef EMK_IMG_CRYPTO_H
#define EMK_IMG_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

typedef struct emk_sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t n;
} emk_sha256;

typedef struct emk_aes {
    uint8_t rk[240];
    int rounds;
} emk_aes;

void emk_sha256_init(emk_sha256 *s);
void emk_sha256_update(emk_sha256 *s, const void *data, size_t len);
void emk_sha256_final(emk_sha256 *s, uint8_t out[32]);
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
