/* test_wycheproof.c - runs every Wycheproof vector kept in vectors/
 * (converted from the JSON by vectors/convert.py) through the library:
 * ECDSA P-256/SHA-256 verification of DER signatures, ECDH over X.509
 * public keys, AES-256-GCM, AES-256-CBC (PKCS#5 padding applied by the
 * test), HMAC-SHA-256 and HKDF-SHA-256.  A valid vector must pass, an
 * invalid one must be refused, an acceptable one may go either way (and
 * must give the right answer when accepted).  Prints the counts.
 *
 *   test-crypto-wycheproof VECTOR_DIR */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/p256.h"
#include "crypto_test.h"

enum { FIELDS = 8, BUF = 8192 };

static const char *vec_dir;

typedef struct counts {
    unsigned valid, invalid, acc_yes, acc_no, fail;
} counts;

typedef struct line {
    unsigned tc;
    char res;
    uint8_t f[FIELDS][BUF];
    long n[FIELDS];
    const char *tok[FIELDS]; /* the fields as text (HKDF's size is decimal) */
} line;

static line L;

/* The outcome of one vector: ok means the library accepted it and gave
 * the expected answer; refused means it rejected it; anything else (a
 * wrong answer) is always a failure. */
enum outcome { OK, REFUSED, WRONG };

static void tally(counts *c, const char *file, enum outcome o)
{
    if (o == WRONG || (L.res == 'v' && o != OK) || (L.res == 'i' && o == OK)) {
        c->fail++;
        print_error("%s: tcId %u (%c) got %s\n", file, L.tc, L.res,
                    o == OK ? "accepted" : o == REFUSED ? "refused" : "a wrong answer");
        return;
    }
    if (L.res == 'v')
        c->valid++;
    else if (L.res == 'i')
        c->invalid++;
    else if (o == OK)
        c->acc_yes++;
    else
        c->acc_no++;
}

typedef enum outcome (*run_fn)(void);

static void run_file(const char *name, int nfields, run_fn fn,
                     void (*group)(const char *hex))
{
    static char buf[65536];
    char path[1024];
    counts c = {0, 0, 0, 0, 0};
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", vec_dir, name);
    f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(buf, sizeof(buf), f)) {
        char *tok[FIELDS + 3], *save = NULL, *p;
        int nt = 0, i;
        buf[strcspn(buf, "\n")] = 0;
        if (buf[0] == '#' || !buf[0])
            continue;
        for (p = strtok_r(buf, " ", &save); p && nt < FIELDS + 3;
             p = strtok_r(NULL, " ", &save))
            tok[nt++] = p;
        if (tok[0][0] == 'k') {
            assert_int_equal(nt, 2);
            group(tok[1]);
            continue;
        }
        assert_int_equal(nt, nfields + 3);
        L.tc = (unsigned)strtoul(tok[1], NULL, 10);
        L.res = tok[2][0];
        for (i = 0; i < nfields; i++) {
            L.tok[i] = tok[3 + i];
            L.n[i] = ct_unhex(tok[3 + i], L.f[i], BUF);
        }
        tally(&c, name, fn());
    }
    fclose(f);
    printf("wycheproof %-28s %4u tests: %u valid passed, %u invalid refused, "
           "%u acceptable (%u accepted, %u refused), %u failed\n", name,
           c.valid + c.invalid + c.acc_yes + c.acc_no + c.fail, c.valid,
           c.invalid, c.acc_yes + c.acc_no, c.acc_yes, c.acc_no, c.fail);
    assert_int_equal(c.fail, 0);
}

/* ---- ECDSA: fields msg sig; group line: the public key ---- */
static emk_p256_pub ecdsa_pub;
static int ecdsa_pub_ok;

static void ecdsa_group(const char *hex)
{
    uint8_t k[65];
    long n = ct_unhex(hex, k, sizeof(k));
    ecdsa_pub_ok = n == 65 && emk_p256_pub_decode(&ecdsa_pub, k, 65) == 0;
    assert_true(ecdsa_pub_ok);
}

static enum outcome ecdsa_one(void)
{
    uint8_t h[32];
    emk_sha256(L.f[0], (size_t)L.n[0], h);
    return emk_p256_verify(&ecdsa_pub, h, L.f[1], (size_t)L.n[1]) == 0 ? OK
                                                                        : REFUSED;
}

static void test_ecdsa(void **st)
{
    (void)st;
    run_file("ecdsa_secp256r1_sha256.txt", 2, ecdsa_one, ecdsa_group);
}

/* ---- ECDH: fields public (X.509 SubjectPublicKeyInfo) private shared ---- */

/* The SPKI prefixes of id-ecPublicKey with namedCurve prime256v1, for an
 * uncompressed and a compressed point; every other encoding is refused. */
static const char spki_u[] = "3059301306072a8648ce3d020106082a8648ce3d030107034200";
static const char spki_c[] = "3039301306072a8648ce3d020106082a8648ce3d030107032200";

static int spki_point(const uint8_t *der, size_t len, const uint8_t **pt,
                      size_t *ptlen)
{
    uint8_t pre[26];
    size_t i;
    for (i = 0; i < 2; i++) {
        (void)ct_unhex(i ? spki_c : spki_u, pre, sizeof(pre));
        if (len == 26 + (i ? 33u : 65u) && memcmp(der, pre, 26) == 0) {
            *pt = der + 26;
            *ptlen = len - 26;
            return 0;
        }
    }
    return -1;
}

static void dummy_group(const char *hex)
{
    (void)hex;
    fail_msg("unexpected group line");
}

static enum outcome ecdh_one(void)
{
    const uint8_t *pt, *d = L.f[1];
    size_t ptlen, dl = (size_t)L.n[1];
    uint8_t dd[32], z[32];
    emk_p256_priv key;
    emk_p256_pub pub;

    if (spki_point(L.f[0], (size_t)L.n[0], &pt, &ptlen) ||
        emk_p256_pub_decode(&pub, pt, ptlen))
        return REFUSED;
    while (dl > 32 && d[0] == 0) {
        d++;
        dl--;
    }
    if (dl > 32)
        return REFUSED;
    memset(dd, 0, 32 - dl);
    memcpy(dd + 32 - dl, d, dl);
    if (emk_p256_priv_set(&key, dd) || emk_p256_ecdh(&key, &pub, z))
        return REFUSED;
    if (L.n[2] != 32 || memcmp(z, L.f[2], 32))
        return WRONG;
    return OK;
}

static void test_ecdh(void **st)
{
    (void)st;
    run_file("ecdh_secp256r1.txt", 3, ecdh_one, dummy_group);
}

/* ---- AES-GCM: fields key iv aad msg ct tag ---- */
static enum outcome gcm_one(void)
{
    static uint8_t out[BUF], tag[16];
    size_t len = (size_t)L.n[3], tl = (size_t)L.n[5];
    int r;
    if (L.n[0] != 32 || L.n[4] != L.n[3])
        return REFUSED;
    /* decryption: the tag decides */
    r = emk_gcm_open(L.f[0], L.f[1], (size_t)L.n[1], L.f[2], (size_t)L.n[2],
                     L.f[4], len, L.f[5], tl, out);
    if (r)
        return REFUSED;
    if (memcmp(out, L.f[3], len))
        return WRONG;
    /* encryption gives the same ciphertext and tag */
    r = emk_gcm_seal(L.f[0], L.f[1], (size_t)L.n[1], L.f[2], (size_t)L.n[2],
                     L.f[3], len, out, tag, tl);
    if (r || memcmp(out, L.f[4], len) || memcmp(tag, L.f[5], tl))
        return WRONG;
    return OK;
}

static void test_gcm(void **st)
{
    (void)st;
    run_file("aes_gcm.txt", 6, gcm_one, dummy_group);
}

/* ---- AES-CBC with PKCS#5 padding done here: fields key iv msg ct ---- */
static enum outcome cbc_one(void)
{
    static uint8_t buf[BUF + 16];
    emk_aes256_ctx a;
    uint8_t iv[16];
    size_t ml = (size_t)L.n[2], cl = (size_t)L.n[3], pad, i;

    if (L.n[0] != 32 || L.n[1] != 16)
        return REFUSED;
    emk_aes256_init(&a, L.f[0]);
    /* decrypt and check the padding */
    memcpy(iv, L.f[1], 16);
    if (cl == 0 || emk_aes256_cbc_decrypt(&a, iv, L.f[3], buf, cl))
        return REFUSED;
    pad = buf[cl - 1];
    if (pad == 0 || pad > 16)
        return REFUSED;
    for (i = cl - pad; i < cl; i++)
        if (buf[i] != pad)
            return REFUSED;
    if (cl - pad != ml || memcmp(buf, L.f[2], ml))
        return WRONG;
    /* pad and encrypt */
    pad = 16 - ml % 16;
    memcpy(buf, L.f[2], ml);
    memset(buf + ml, (int)pad, pad);
    memcpy(iv, L.f[1], 16);
    if (emk_aes256_cbc_encrypt(&a, iv, buf, buf, ml + pad) || ml + pad != cl ||
        memcmp(buf, L.f[3], cl))
        return WRONG;
    return OK;
}

static void test_cbc(void **st)
{
    (void)st;
    run_file("aes_cbc_pkcs5.txt", 4, cbc_one, dummy_group);
}

/* ---- HMAC-SHA-256: fields key msg tag (possibly truncated) ---- */
static enum outcome hmac_one(void)
{
    uint8_t mac[32];
    size_t tl = (size_t)L.n[2];
    if (emk_hmac_sha256_check(L.f[0], (size_t)L.n[0], L.f[1], (size_t)L.n[1],
                              L.f[2], tl))
        return REFUSED;
    emk_hmac_sha256(L.f[0], (size_t)L.n[0], L.f[1], (size_t)L.n[1], mac);
    return memcmp(mac, L.f[2], tl) ? WRONG : OK;
}

static void test_hmac(void **st)
{
    (void)st;
    run_file("hmac_sha256.txt", 3, hmac_one, dummy_group);
}

/* ---- HKDF-SHA-256: fields ikm salt info size okm ---- */
static enum outcome hkdf_one(void)
{
    static uint8_t okm[BUF * 2];
    long size = strtol(L.tok[3], NULL, 10);
    if (size < 0 || size > (long)sizeof(okm))
        return REFUSED;
    if (emk_hkdf_sha256(L.f[1], (size_t)L.n[1], L.f[0], (size_t)L.n[0], L.f[2],
                        (size_t)L.n[2], okm, (size_t)size))
        return REFUSED;
    return L.n[4] == size && memcmp(okm, L.f[4], (size_t)size) == 0 ? OK : WRONG;
}

static void test_hkdf(void **st)
{
    (void)st;
    run_file("hkdf_sha256.txt", 5, hkdf_one, dummy_group);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecdsa), cmocka_unit_test(test_ecdh),
        cmocka_unit_test(test_gcm),   cmocka_unit_test(test_cbc),
        cmocka_unit_test(test_hmac),  cmocka_unit_test(test_hkdf),
    };
    vec_dir = argc > 1 ? argv[1] : "tests/crypto/vectors";
    return cmocka_run_group_tests(tests, NULL, NULL);
}
