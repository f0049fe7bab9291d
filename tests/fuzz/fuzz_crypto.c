/* fuzz_crypto.c - libFuzzer: the crypto library's parsers and verifiers
 * on hostile input.  The first byte picks the target:
 *   0  DER signature parsing: strict DER re-encodes to the same bytes;
 *   1  SEC1 point decoding: a decoded point re-encodes and decodes again;
 *   2  ECDSA verify of a fuzzed DER signature over a fuzzed digest, and a
 *      sign/verify round trip over that digest;
 *   3  AES-256-GCM open with fuzzed key, IV, AAD, ciphertext and tag, and
 *      a seal/open round trip that must fail once the tag is flipped.
 * Properties that fail abort, so libFuzzer reports them as crashes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/p256.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void need(int ok)
{
    if (!ok)
        abort();
}

static void fuzz_der(const uint8_t *p, size_t n)
{
    uint8_t sig[64], der[EMK_P256_SIG_DER_MAX];
    int m;
    if (emk_p256_sig_from_der(p, n, sig))
        return;
    m = emk_p256_sig_to_der(sig, der, sizeof(der));
    need(m > 0 && (size_t)m == n && memcmp(der, p, n) == 0);
}

static void fuzz_point(const uint8_t *p, size_t n)
{
    emk_p256_pub a, b;
    uint8_t enc[65];
    if (emk_p256_pub_decode(&a, p, n))
        return;
    emk_p256_pub_encode(&a, enc);
    need(emk_p256_pub_decode(&b, enc, 65) == 0);
    need(memcmp(&a, &b, sizeof(a)) == 0);
    need(emk_p256_pub_set_xy(&b, a.x, a.y) == 0);
}

static void fuzz_verify(const uint8_t *p, size_t n)
{
    static const uint8_t d[32] = {0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    static emk_p256_priv key;
    static emk_p256_pub pub;
    static int have_key;
    uint8_t h[32] = {0}, der[EMK_P256_SIG_DER_MAX];
    int m;
    if (!have_key) {
        need(emk_p256_priv_set(&key, d) == 0);
        need(emk_p256_pub_from_priv(&pub, &key) == 0);
        have_key = 1;
    }
    memcpy(h, p, n < 32 ? n : 32);
    if (n > 32)
        (void)emk_p256_verify(&pub, h, p + 32, n - 32);
    m = emk_p256_sign(&key, h, n > 40 ? p + 32 : NULL, n > 40 ? 8 : 0, der,
                      sizeof(der));
    need(m > 0 && emk_p256_verify(&pub, h, der, (size_t)m) == 0);
}

static void fuzz_gcm(const uint8_t *p, size_t n)
{
    static uint8_t out[4096], ct[4096];
    uint8_t key[32] = {0}, tag[16];
    size_t ivl, aadl, tl, len;
    if (n < 3)
        return;
    ivl = 1 + p[0] % 24;
    aadl = p[1] % 32;
    tl = 1 + p[2] % 16;
    p += 3;
    n -= 3;
    memcpy(key, p, n < 32 ? n : 32);
    if (n < 32 + ivl + aadl + tl)
        return;
    p += 32;
    n -= 32;
    len = n - ivl - aadl - tl;
    if (len > sizeof(out))
        len = sizeof(out);
    /* open whatever the input says */
    (void)emk_gcm_open(key, p, ivl, p + ivl, aadl, p + ivl + aadl, len,
                       p + ivl + aadl + len, tl, out);
    /* seal the same bytes as plaintext, open, flip the tag */
    need(emk_gcm_seal(key, p, ivl, p + ivl, aadl, p + ivl + aadl, len, ct, tag,
                      tl) == 0);
    need(emk_gcm_open(key, p, ivl, p + ivl, aadl, ct, len, tag, tl, out) == 0);
    need(memcmp(out, p + ivl + aadl, len) == 0);
    tag[0] ^= 0x80;
    need(emk_gcm_open(key, p, ivl, p + ivl, aadl, ct, len, tag, tl, out) ==
         -EBADMSG);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] & 3) {
    case 0:
        fuzz_der(data + 1, size - 1);
        break;
    case 1:
        fuzz_point(data + 1, size - 1);
        break;
    case 2:
        fuzz_verify(data + 1, size - 1);
        break;
    default:
        fuzz_gcm(data + 1, size - 1);
        break;
    }
    return 0;
}
