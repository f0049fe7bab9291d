/* ctgrind.c - the timing-independence check (Adam Langley's ctgrind
 * technique): the secrets are marked undefined for valgrind's memcheck,
 * which then reports every conditional jump and every memory address that
 * depends on them.  Run under
 *   valgrind --error-exitcode=1 --track-origins=yes ./test-crypto-ctgrind
 * it must print no error.  It is built from the crypto sources with
 * EMK_CTGRIND, so that the values public by design (signatures, the
 * one-bit outcome of a range check, the result of a comparison) are
 * declassified where the library produces them.
 *
 * Paths covered: P-256 key check, public key derivation, ECDSA signing
 * (deterministic and hedged), ECDH; the PIN paths' primitives: SHA-256
 * of the PIN, HMAC-SHA-256 and the constant-time tag compare, HKDF, AES-256
 * CBC both ways (PIN/UV protocols 1 and 2), AES-256-GCM seal and open
 * (credential wrapping) and the DRBG. */
#include <stdio.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include "emkit/p256.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static int failures;

static void check(int ok, const char *what)
{
    PUBLIC(&ok, sizeof(ok));
    printf("%-34s %s\n", what, ok ? "ok" : "FAILED");
    if (!ok)
        failures++;
}

int main(void)
{
    uint8_t d[32], d2[32], h[32], der[72], shared[32], shared2[32];
    uint8_t pin[64], key[32], tag[32], blob[64], iv[16], out[64], gtag[16];
    emk_p256_priv a, b;
    emk_p256_pub pa, pb;
    emk_drbg_ctx rng;
    int n, r, i;

    for (i = 0; i < 32; i++) {
        d[i] = (uint8_t)(0x11 * i + 3);
        d2[i] = (uint8_t)(0x7f ^ (5 * i));
    }
    emk_sha256("message", 7, h);

    /* keys: the range check and d*G */
    SECRET(d, sizeof(d));
    SECRET(d2, sizeof(d2));
    check(emk_p256_priv_set(&a, d) == 0, "p256 private key check");
    check(emk_p256_priv_set(&b, d2) == 0, "p256 private key check (2)");
    r = emk_p256_pub_from_priv(&pa, &a);
    r |= emk_p256_pub_from_priv(&pb, &b);
    PUBLIC(&pa, sizeof(pa)); /* public keys are public */
    PUBLIC(&pb, sizeof(pb));
    check(r == 0, "p256 public key d*G");

    /* ECDSA: deterministic, then hedged with secret extra entropy */
    n = emk_p256_sign(&a, h, NULL, 0, der, sizeof(der));
    check(n > 0 && emk_p256_verify(&pa, h, der, (size_t)n) == 0, "ecdsa sign (RFC 6979)");
    SECRET(key, sizeof(key));
    n = emk_p256_sign(&a, h, key, sizeof(key), der, sizeof(der));
    check(n > 0 && emk_p256_verify(&pa, h, der, (size_t)n) == 0, "ecdsa sign (hedged)");

    /* ECDH both ways */
    r = emk_p256_ecdh(&a, &pb, shared);
    r |= emk_p256_ecdh(&b, &pa, shared2);
    /* the PIN protocol derives keys from the shared secret: SHA-256 (v1)
     * and HKDF (v2), then HMAC and AES under them */
    emk_sha256(shared, 32, key);
    r |= emk_hkdf_sha256(NULL, 0, shared2, 32, "CTAP2 HMAC key", 14, tag, 32);
    PUBLIC(shared, 32);
    PUBLIC(shared2, 32);
    check(r == 0 && memcmp(shared, shared2, 32) == 0, "ecdh + kdf");

    /* PIN: pinHash = SHA-256(PIN), encrypted under the shared key (CBC,
     * no padding), authenticated with HMAC; the authenticator decrypts,
     * verifies the MAC in constant time and compares the PIN hash. */
    memset(pin, 0, sizeof(pin));
    memcpy(pin, "123456", 6);
    SECRET(pin, sizeof(pin));
    emk_sha256(pin, sizeof(pin), out);
    {
        emk_aes256_ctx aes;
        uint8_t mac[32], want[32], stored[16];
        int eq, chk;
        memset(iv, 0, sizeof(iv));
        emk_aes256_init(&aes, key);
        r = emk_aes256_cbc_encrypt(&aes, iv, pin, blob, 64);
        emk_hmac_sha256(tag, 32, blob, 64, mac);
        memcpy(want, mac, 32);
        chk = emk_hmac_sha256_check(tag, 32, blob, 64, want, 16);
        PUBLIC(&chk, sizeof(chk));
        memset(iv, 0, sizeof(iv));
        r |= emk_aes256_cbc_decrypt(&aes, iv, blob, out, 64);
        emk_sha256(out, 64, mac);
        emk_sha256(pin, 64, want);
        memcpy(stored, want, 16);            /* the stored LEFT(pinHash, 16) */
        eq = emk_ct_memeq(mac, stored, 16);  /* the outcome is public */
        PUBLIC(&eq, sizeof(eq));
        check(r == 0 && chk == 0 && eq == 1, "pin: aes-cbc + hmac + compare");
        emk_aes256_cleanup(&aes);
    }

    /* credential wrapping: AES-256-GCM under a secret device key */
    SECRET(key, sizeof(key));
    memset(iv, 7, 12);
    r = emk_gcm_seal(key, iv, 12, "rp", 2, d, 32, blob, gtag, 16);
    PUBLIC(gtag, 16);
    PUBLIC(blob, 32);
    r |= emk_gcm_open(key, iv, 12, "rp", 2, blob, 32, gtag, 16, out);
    PUBLIC(out, 32);
    PUBLIC(d, 32);
    check(r == 0 && memcmp(out, d, 32) == 0, "aes-256-gcm seal + open");

    /* the DRBG from a secret seed, and keygen from it */
    SECRET(key, sizeof(key));
    emk_drbg_init_seed(&rng, key, sizeof(key));
    r = emk_p256_keygen(&a, &pa, &rng);
    PUBLIC(&pa, sizeof(pa));
    n = emk_p256_sign(&a, h, NULL, 0, der, sizeof(der));
    check(r == 0 && n > 0 && emk_p256_verify(&pa, h, der, (size_t)n) == 0,
          "drbg + keygen + sign");

    printf("ctgrind: %d failure(s); valgrind reports any secret-dependent "
           "branch or index above\n", failures);
    return failures != 0;
}
