/* test_crypto_kat.c - known answers from the specifications (FIPS 180-4
 * examples, RFC 4231, RFC 5869, FIPS 197 C.3, SP 800-38A F.2.5/F.2.6, the
 * GCM specification's AES-256 cases 13-18, RFC 6979 A.2.5) and the API's
 * own contracts: streaming equals one-shot, sticky GCM errors, strict DER,
 * point validation, keygen/sign/verify and ECDH round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/p256.h"
#include "crypto_test.h"

static void hex_eq(const uint8_t *got, const char *want_hex)
{
    uint8_t want[512];
    long n = ct_unhex(want_hex, want, sizeof(want));
    assert_true(n >= 0);
    assert_memory_equal(got, want, (size_t)n);
}

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    long n = ct_unhex(s, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

static void test_sha256(void **st)
{
    uint8_t d[32];
    char buf[1000];
    emk_sha256_ctx s;
    int i;
    (void)st;
    emk_sha256("abc", 3, d);
    hex_eq(d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    emk_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
    hex_eq(d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    emk_sha256("", 0, d);
    hex_eq(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    memset(buf, 'a', sizeof(buf));
    emk_sha256_init(&s);
    for (i = 0; i < 1000; i++) /* one million 'a' */
        emk_sha256_update(&s, buf, sizeof(buf));
    emk_sha256_final(&s, d);
    hex_eq(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_sha256_split(void **st)
{
    uint8_t msg[300], a[32], b[32];
    size_t cut;
    (void)st;
    for (cut = 0; cut < sizeof(msg); cut++)
        msg[cut] = (uint8_t)(cut * 7);
    emk_sha256(msg, sizeof(msg), a);
    for (cut = 0; cut <= sizeof(msg); cut += 13) {
        emk_sha256_ctx s;
        emk_sha256_init(&s);
        emk_sha256_update(&s, msg, cut);
        emk_sha256_update(&s, msg + cut, sizeof(msg) - cut);
        emk_sha256_final(&s, b);
        assert_memory_equal(a, b, 32);
    }
}

static void test_hmac_rfc4231(void **st)
{
    static const struct {
        const char *key, *data, *mac;
    } v[] = {
        {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
         "dddddddddddddddddddddddddddddddd",
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {"0102030405060708090a0b0c0d0e0f10111213141516171819",
         "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
         "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        {"0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
         "546573742057697468205472756e636174696f6e",
         "a3b6167473100ee06e0c796c2955552b"},
    };
    static const char *long_data[2] = {
        "Test Using Larger Than Block-Size Key - Hash Key First",
        "This is a test using a larger than block-size key and a larger than "
        "block-size data. The key needs to be hashed before being used by the "
        "HMAC algorithm."};
    static const char *long_mac[2] = {
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"};
    uint8_t key[131], data[64], mac[32], want[32];
    size_t i, kl, dl, ml;
    (void)st;
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        kl = unhex(v[i].key, key, sizeof(key));
        dl = unhex(v[i].data, data, sizeof(data));
        ml = unhex(v[i].mac, want, sizeof(want));
        emk_hmac_sha256(key, kl, data, dl, mac);
        assert_memory_equal(mac, want, ml);
        assert_int_equal(emk_hmac_sha256_check(key, kl, data, dl, want, ml), 0);
        want[0] ^= 1;
        assert_int_equal(emk_hmac_sha256_check(key, kl, data, dl, want, ml),
                         -EBADMSG);
    }
    memset(key, 0xaa, sizeof(key));
    for (i = 0; i < 2; i++) {
        emk_hmac_sha256(key, 131, long_data[i], strlen(long_data[i]), mac);
        hex_eq(mac, long_mac[i]);
    }
    assert_int_equal(emk_hmac_sha256_check(key, 1, "", 0, mac, 0), -EINVAL);
    assert_int_equal(emk_hmac_sha256_check(key, 1, "", 0, mac, 33), -EINVAL);
}

static void test_hkdf_rfc5869(void **st)
{
    uint8_t ikm[80], salt[80], info[80], okm[82], prk[32];
    size_t i;
    (void)st;
    memset(ikm, 0x0b, 22);
    for (i = 0; i < 13; i++)
        salt[i] = (uint8_t)i;
    for (i = 0; i < 10; i++)
        info[i] = (uint8_t)(0xf0 + i);
    emk_hkdf_sha256_extract(salt, 13, ikm, 22, prk);
    hex_eq(prk, "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    assert_int_equal(emk_hkdf_sha256(salt, 13, ikm, 22, info, 10, okm, 42), 0);
    hex_eq(okm, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                "34007208d5b887185865");
    for (i = 0; i < 80; i++) {
        ikm[i] = (uint8_t)i;
        salt[i] = (uint8_t)(0x60 + i);
        info[i] = (uint8_t)(0xb0 + i);
    }
    assert_int_equal(emk_hkdf_sha256(salt, 80, ikm, 80, info, 80, okm, 82), 0);
    hex_eq(okm, "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                "cc30c58179ec3e87c14c01d5c1f3434f1d87");
    memset(ikm, 0x0b, 22);
    assert_int_equal(emk_hkdf_sha256(NULL, 0, ikm, 22, NULL, 0, okm, 42), 0);
    hex_eq(okm, "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
                "9d201395faa4b61a96c8");
    assert_int_equal(emk_hkdf_sha256(NULL, 0, ikm, 22, NULL, 0, okm,
                                     EMK_HKDF_SHA256_MAX + 1), -EINVAL);
    assert_int_equal(emk_hkdf_sha256_expand(prk, 31, NULL, 0, okm, 1), -EINVAL);
}

static const char cbc_key[] =
    "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
static const char cbc_pt[] =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
static const char cbc_ct[] =
    "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
    "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b";

static void test_aes(void **st)
{
    uint8_t key[32], pt[64], buf[64], iv[16];
    emk_aes256_ctx a;
    size_t i;
    (void)st;
    /* FIPS 197 C.3 */
    for (i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
    unhex("00112233445566778899aabbccddeeff", pt, 16);
    emk_aes256_init(&a, key);
    emk_aes256_encrypt(&a, pt, buf);
    hex_eq(buf, "8ea2b7ca516745bfeafc49904b496089");
    emk_aes256_decrypt(&a, buf, buf);
    assert_memory_equal(buf, pt, 16);
    /* SP 800-38A F.2.5 and F.2.6, in one call and block by block */
    unhex(cbc_key, key, 32);
    unhex(cbc_pt, pt, 64);
    emk_aes256_init(&a, key);
    for (i = 0; i < 16; i++)
        iv[i] = (uint8_t)i;
    assert_int_equal(emk_aes256_cbc_encrypt(&a, iv, pt, buf, 64), 0);
    hex_eq(buf, cbc_ct);
    for (i = 0; i < 16; i++)
        iv[i] = (uint8_t)i;
    for (i = 0; i < 4; i++)
        assert_int_equal(emk_aes256_cbc_decrypt(&a, iv, buf + 16 * i,
                                                buf + 16 * i, 16), 0);
    assert_memory_equal(buf, pt, 64);
    assert_int_equal(emk_aes256_cbc_encrypt(&a, iv, pt, buf, 15), -EINVAL);
    assert_int_equal(emk_aes256_cbc_decrypt(&a, iv, pt, buf, 17), -EINVAL);
    emk_aes256_cleanup(&a);
}

static void test_gcm_spec(void **st)
{
    static const char k15[] =
        "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
    static const char p15[] =
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
    static const char c15[] =
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad";
    static const char aad16[] = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
    static const char iv18[] =
        "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728"
        "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b";
    uint8_t key[32] = {0}, iv[60] = {0}, pt[64] = {0}, ct[64], tag[16], aad[20];
    size_t ivl, aadl;
    (void)st;
    /* test cases 13 and 14: zero key and IV */
    assert_int_equal(emk_gcm_seal(key, iv, 12, NULL, 0, NULL, 0, NULL, tag, 16), 0);
    hex_eq(tag, "530f8afbc74536b9a963b4f1c4cb738b");
    assert_int_equal(emk_gcm_seal(key, iv, 12, NULL, 0, pt, 16, ct, tag, 16), 0);
    hex_eq(ct, "cea7403d4d606b6e074ec5d3baf39d18");
    hex_eq(tag, "d0d1c8a799996bf0265b98b5d48ab919");
    /* 15: no AAD; 16: AAD and 60 bytes */
    unhex(k15, key, 32);
    unhex(p15, pt, 64);
    ivl = unhex("cafebabefacedbaddecaf888", iv, sizeof(iv));
    assert_int_equal(emk_gcm_seal(key, iv, ivl, NULL, 0, pt, 64, ct, tag, 16), 0);
    hex_eq(ct, c15);
    hex_eq(tag, "b094dac5d93471bdec1a502270e3cc6c");
    aadl = unhex(aad16, aad, sizeof(aad));
    assert_int_equal(emk_gcm_seal(key, iv, ivl, aad, aadl, pt, 60, ct, tag, 16), 0);
    hex_eq(ct, c15); /* the first 60 bytes are the same */
    hex_eq(tag, "76fc6ece0f4e1768cddf8853bb2d551b");
    assert_int_equal(emk_gcm_open(key, iv, ivl, aad, aadl, ct, 60, tag, 16, ct), 0);
    assert_memory_equal(ct, pt, 60);
    /* 17: 8-byte IV; 18: 60-byte IV (J0 from GHASH) */
    ivl = unhex("cafebabefacedbad", iv, sizeof(iv));
    assert_int_equal(emk_gcm_seal(key, iv, ivl, aad, aadl, pt, 60, ct, tag, 16), 0);
    hex_eq(tag, "3a337dbf46a792c45e454913fe2ea8f2");
    ivl = unhex(iv18, iv, sizeof(iv));
    assert_int_equal(emk_gcm_seal(key, iv, ivl, aad, aadl, pt, 60, ct, tag, 16), 0);
    hex_eq(tag, "a44a8266ee1c8eb0c8b5d4cf5ae9f19a");
    assert_int_equal(emk_gcm_open(key, iv, ivl, aad, aadl, ct, 60, tag, 16, ct), 0);
    assert_memory_equal(ct, pt, 60);
}

static void test_gcm_stream(void **st)
{
    uint8_t key[32], iv[12], msg[100], ct1[100], ct2[100], t1[16], t2[16], aad[33];
    emk_gcm_ctx g;
    size_t i, cut;
    (void)st;
    for (i = 0; i < 100; i++)
        msg[i] = (uint8_t)(i * 3);
    memset(key, 7, 32);
    memset(iv, 9, 12);
    memset(aad, 5, sizeof(aad));
    assert_int_equal(emk_gcm_seal(key, iv, 12, aad, 33, msg, 100, ct1, t1, 16), 0);
    emk_gcm_init(&g, key);
    assert_int_equal(emk_gcm_aad(&g, aad, 1), -EPROTO); /* not started */
    for (cut = 0; cut <= 100; cut += 17) {
        assert_int_equal(emk_gcm_start(&g, iv, 12), 0);
        assert_int_equal(emk_gcm_aad(&g, aad, 10), 0);
        assert_int_equal(emk_gcm_aad(&g, aad + 10, 23), 0);
        assert_int_equal(emk_gcm_crypt(&g, 1, msg, ct2, cut), 0);
        assert_int_equal(emk_gcm_crypt(&g, 1, msg + cut, ct2 + cut, 100 - cut), 0);
        assert_int_equal(emk_gcm_tag(&g, t2, 16), 0);
        assert_memory_equal(ct1, ct2, 100);
        assert_memory_equal(t1, t2, 16);
    }
    /* AAD after data is refused, and the error sticks */
    assert_int_equal(emk_gcm_start(&g, iv, 12), 0);
    assert_int_equal(emk_gcm_crypt(&g, 0, ct1, ct2, 10), 0);
    assert_int_equal(emk_gcm_aad(&g, aad, 1), -EPROTO);
    assert_int_equal(emk_gcm_crypt(&g, 0, ct1, ct2, 10), -EPROTO);
    assert_int_equal(emk_gcm_tag(&g, t2, 16), -EPROTO);
    assert_int_equal(emk_gcm_start(&g, iv, 0), -EINVAL);
    assert_int_equal(emk_gcm_aad(&g, aad, 1), -EINVAL);
    emk_gcm_cleanup(&g);
    /* a bad tag leaves the output untouched */
    memset(ct2, 0xee, sizeof(ct2));
    t1[3] ^= 1;
    assert_int_equal(emk_gcm_open(key, iv, 12, aad, 33, ct1, 100, t1, 16, ct2),
                     -EBADMSG);
    for (i = 0; i < 100; i++)
        assert_int_equal(ct2[i], 0xee);
}

static void test_drbg(void **st)
{
    emk_drbg_ctx a, b;
    uint8_t x[64], y[64], z[64];
    (void)st;
    emk_drbg_init_seed(&a, "seed", 4);
    emk_drbg_init_seed(&b, "seed", 4);
    assert_int_equal(emk_drbg_generate(&a, x, 64, NULL, 0), 0);
    assert_int_equal(emk_drbg_generate(&b, y, 64, NULL, 0), 0);
    assert_memory_equal(x, y, 64);
    assert_int_equal(emk_drbg_generate(&a, x, 64, "add", 3), 0);
    assert_int_equal(emk_drbg_generate(&b, y, 64, NULL, 0), 0);
    assert_memory_not_equal(x, y, 64);
    assert_int_equal(emk_drbg_generate(&a, x, EMK_DRBG_MAX_REQUEST + 1, NULL, 0),
                     -EINVAL);
    assert_int_equal(emk_drbg_init(&a, "p", 1), 0);
    assert_int_equal(emk_drbg_init(&b, "p", 1), 0);
    assert_int_equal(emk_drbg_generate(&a, x, 64, NULL, 0), 0);
    assert_int_equal(emk_drbg_generate(&b, y, 64, NULL, 0), 0);
    assert_memory_not_equal(x, y, 64);
    assert_int_equal(emk_drbg_reseed(&a, NULL, 0, NULL, 0), 0);
    assert_int_equal(emk_os_entropy(z, sizeof(z)), 0);
    emk_drbg_cleanup(&a);
    emk_drbg_cleanup(&b);
}

static void test_ct_memeq(void **st)
{
    uint8_t a[40], b[40];
    size_t i;
    (void)st;
    memset(a, 1, sizeof(a));
    memcpy(b, a, sizeof(b));
    assert_int_equal(emk_ct_memeq(a, b, 40), 1);
    assert_int_equal(emk_ct_memeq(a, b, 0), 1);
    for (i = 0; i < 40; i++) {
        b[i] ^= 0x80;
        assert_int_equal(emk_ct_memeq(a, b, 40), 0);
        b[i] ^= 0x80;
    }
}

static void rfc6979_key(emk_p256_priv *key, emk_p256_pub *pub)
{
    uint8_t d[32];
    unhex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", d, 32);
    assert_int_equal(emk_p256_priv_set(key, d), 0);
    assert_int_equal(emk_p256_pub_from_priv(pub, key), 0);
}

static void test_rfc6979(void **st)
{
    static const char *msg[2] = {"sample", "test"};
    static const char *rs[2] = {
        "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
        "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
        "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367"
        "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"};
    emk_p256_priv key;
    emk_p256_pub pub;
    uint8_t h[32], sig[64], der[72], sig2[64];
    int i, n;
    (void)st;
    rfc6979_key(&key, &pub);
    hex_eq(pub.x, "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6");
    hex_eq(pub.y, "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299");
    for (i = 0; i < 2; i++) {
        emk_sha256(msg[i], strlen(msg[i]), h);
        assert_int_equal(emk_p256_sign_raw(&key, h, NULL, 0, sig), 0);
        hex_eq(sig, rs[i]);
        assert_int_equal(emk_p256_verify_raw(&pub, h, sig), 0);
        n = emk_p256_sign(&key, h, NULL, 0, der, sizeof(der));
        assert_true(n > 8);
        assert_int_equal(emk_p256_verify(&pub, h, der, (size_t)n), 0);
        assert_int_equal(emk_p256_sig_from_der(der, (size_t)n, sig2), 0);
        assert_memory_equal(sig, sig2, 64);
        assert_int_equal(emk_p256_sign(&key, h, NULL, 0, der, 8), -ENOSPC);
        /* hedged: a different, still valid signature */
        assert_int_equal(emk_p256_sign_raw(&key, h, "fresh", 5, sig2), 0);
        assert_memory_not_equal(sig, sig2, 64);
        assert_int_equal(emk_p256_verify_raw(&pub, h, sig2), 0);
        h[0] ^= 1;
        assert_int_equal(emk_p256_verify_raw(&pub, h, sig), -EBADMSG);
    }
}

static void test_keys(void **st)
{
    static const uint8_t zero[32];
    uint8_t d[32], enc[65], cmp[33], s1[32], s2[32], h[32] = {1}, sig[64];
    emk_p256_priv a, b;
    emk_p256_pub pa, pb, t;
    emk_drbg_ctx rng;
    int i;
    (void)st;
    assert_int_equal(emk_p256_priv_set(&a, zero), -EINVAL);
    unhex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", d, 32);
    assert_int_equal(emk_p256_priv_set(&a, d), -EINVAL); /* n */
    d[31]--;
    assert_int_equal(emk_p256_priv_set(&a, d), 0);       /* n - 1 */
    emk_drbg_init_seed(&rng, "keys", 4);
    for (i = 0; i < 8; i++) {
        assert_int_equal(emk_p256_keygen(&a, &pa, &rng), 0);
        assert_int_equal(emk_p256_keygen(&b, &pb, &rng), 0);
        assert_int_equal(emk_p256_ecdh(&a, &pb, s1), 0);
        assert_int_equal(emk_p256_ecdh(&b, &pa, s2), 0);
        assert_memory_equal(s1, s2, 32);
        emk_p256_pub_encode(&pa, enc);
        assert_int_equal(emk_p256_pub_decode(&t, enc, 65), 0);
        assert_memory_equal(&t, &pa, sizeof(t));
        cmp[0] = (uint8_t)(2 | (pa.y[31] & 1));
        memcpy(cmp + 1, pa.x, 32);
        assert_int_equal(emk_p256_pub_decode(&t, cmp, 33), 0);
        assert_memory_equal(&t, &pa, sizeof(t));
        cmp[0] ^= 1; /* the other root */
        assert_int_equal(emk_p256_pub_decode(&t, cmp, 33), 0);
        assert_memory_not_equal(t.y, pa.y, 32);
        assert_int_equal(emk_p256_sign_raw(&a, h, NULL, 0, sig), 0);
        assert_int_equal(emk_p256_verify_raw(&pa, h, sig), 0);
        assert_int_equal(emk_p256_verify_raw(&pb, h, sig), -EBADMSG);
        enc[64] ^= 1; /* off the curve */
        assert_int_equal(emk_p256_pub_decode(&t, enc, 65), -EINVAL);
        assert_int_equal(emk_p256_pub_decode(&t, enc, 64), -EINVAL);
        enc[0] = 0x05;
        assert_int_equal(emk_p256_pub_decode(&t, enc, 65), -EINVAL);
    }
    /* x = p is refused even though it reduces to a valid x */
    memset(enc, 0, sizeof(enc));
    enc[0] = 0x04;
    unhex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
          enc + 1, 32);
    assert_int_equal(emk_p256_pub_decode(&t, enc, 65), -EINVAL);
    assert_int_equal(emk_p256_pub_set_xy(&t, enc + 1, enc + 33), -EINVAL);
    /* r = 0, s = 0 and r = n are refused */
    memset(sig, 0, sizeof(sig));
    assert_int_equal(emk_p256_verify_raw(&pa, h, sig), -EBADMSG);
}

static void test_der(void **st)
{
    static const char *bad[] = {
        "3006020101020101" "00",           /* trailing byte */
        "3007020101020101",                /* length mismatch */
        "308106020101020101",              /* long-form length */
        "3006020181020101",                /* negative r */
        "300702020001020101",              /* non-minimal r */
        "3006020101030101",                /* wrong tag */
        "30060200020101",                  /* empty integer */
        "3028022101000000000000000000000000000000000000000000000000000000000000000201"
        "01",                              /* 33 value bytes */
    };
    uint8_t der[80], sig[64], out[72];
    size_t i, n;
    int m;
    (void)st;
    n = unhex("3006020101020102", der, sizeof(der));
    assert_int_equal(emk_p256_sig_from_der(der, n, sig), 0);
    assert_int_equal(sig[31], 1);
    assert_int_equal(sig[63], 2);
    m = emk_p256_sig_to_der(sig, out, sizeof(out));
    assert_int_equal(m, 8);
    assert_memory_equal(out, der, 8);
    memset(sig, 0xff, 64);
    m = emk_p256_sig_to_der(sig, out, sizeof(out));
    assert_int_equal(m, 72);
    assert_int_equal(emk_p256_sig_from_der(out, 72, sig), 0);
    n = unhex("30080203008000020101", der, sizeof(der));
    assert_int_equal(emk_p256_sig_from_der(der, n, sig), 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        n = unhex(bad[i], der, sizeof(der));
        assert_int_equal(emk_p256_sig_from_der(der, n, sig), -EBADMSG);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_sha256_split),
        cmocka_unit_test(test_hmac_rfc4231),
        cmocka_unit_test(test_hkdf_rfc5869),
        cmocka_unit_test(test_aes),
        cmocka_unit_test(test_gcm_spec),
        cmocka_unit_test(test_gcm_stream),
        cmocka_unit_test(test_drbg),
        cmocka_unit_test(test_ct_memeq),
        cmocka_unit_test(test_rfc6979),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_der),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
