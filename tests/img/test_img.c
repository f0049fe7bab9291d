/*
 * test_img.c - cmocka tests of the img library: encoders, CRC-32C, unit
 * classification and a hand-built qcow2 image (good and hostile variants).
 * The real-peer tests (qemu-img, qemu-io, savevm) are in suite.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emkit/img.h"
#include "img_crypto.h"
#include "img_test_util.h"

static void test_crc32c(void **state)
{
    (void)state;
    /* the check value of CRC-32C (RFC 3720, B.4) */
    assert_int_equal(emk_img_crc32c(0, "123456789", 9), 0xe3069283u);
    /* continuing a CRC equals one pass */
    assert_int_equal(emk_img_crc32c(emk_img_crc32c(0, "1234", 4), "56789", 5),
                     0xe3069283u);
}

static void unhex(const char *h, uint8_t *out)
{
    size_t i;
    for (i = 0; h[2 * i]; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* Known-answer tests of the LUKS primitives. */
static void test_crypto(void **state)
{
    emk_sha256_ctx s;
    emk_aes a, b;
    uint8_t d[32], want[32], key[32], in[16], out[32];
    int i;
    (void)state;
    emk_sha256_init(&s);
    emk_sha256_update(&s, "abc", 3);
    emk_sha256_final(&s, d);
    unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want);
    assert_memory_equal(d, want, 32);
    emk_pbkdf2_sha256((const uint8_t *)"password", 8, (const uint8_t *)"salt",
                      4, 4096, d, 32);
    unhex("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a", want);
    assert_memory_equal(d, want, 32);
    for (i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
    for (i = 0; i < 16; i++)
        in[i] = (uint8_t)(i * 0x11);
    /* FIPS-197 appendix C */
    assert_int_equal(emk_aes_setkey(&a, key, 16), 0);
    emk_aes_encrypt(&a, in, out);
    unhex("69c4e0d86a7b0430d8cdb78070b4c55a", want);
    assert_memory_equal(out, want, 16);
    assert_int_equal(emk_aes_setkey(&a, key, 32), 0);
    emk_aes_encrypt(&a, in, out);
    unhex("8ea2b7ca516745bfeafc49904b496089", want);
    assert_memory_equal(out, want, 16);
    emk_aes_decrypt(&a, out, out);
    assert_memory_equal(out, in, 16);
    /* IEEE 1619 XTS-AES-128 vector 1: zero keys, tweak 0, 32 zero bytes */
    memset(key, 0, sizeof(key));
    emk_aes_setkey(&a, key, 16);
    emk_aes_setkey(&b, key, 16);
    emk_xts_sector(&a, &b, 0, NULL, out, 32, 0);
    unhex("917cf69ebd68b2ec9b9fe9a3eadda692cd43d2f59598ed858c02c2652fbf922e", want);
    assert_memory_equal(out, want, 32);
    emk_xts_sector(&a, &b, 0, out, out, 32, 1);
    memset(want, 0, 32);
    assert_memory_equal(out, want, 32);
}

static void test_zero_streams(void **state)
{
    uint8_t out[8192];
    uint32_t cs;
    int n;
    (void)state;
    /* the smallest 64 KiB zlib slot seen in real images is 79 bytes */
    n = emk_img_deflate_zeros(out, sizeof(out), 65536);
    assert_true(n > 0 && n <= 78);
    assert_int_equal(out[0] & 7, 5);       /* BFINAL, dynamic Huffman */
    for (cs = 512; cs <= 2u * 1024 * 1024; cs *= 2) {
        n = emk_img_deflate_zeros(out, sizeof(out), cs);
        assert_true(n > 0);
        /* about 2 bits per 258 bytes plus a header */
        assert_true((uint32_t)n <= cs / 1032 + 40);
        n = emk_img_zstd_zeros(out, sizeof(out), cs);
        assert_true(n > 0 && n <= 13 + 4 * (int)(cs / (128 * 1024)));
        assert_memory_equal(out, "\x28\xb5\x2f\xfd", 4);
    }
    /* 64 KiB of zstd zeros: magic, descriptor, 2-byte size, one RLE block */
    n = emk_img_zstd_zeros(out, sizeof(out), 65536);
    assert_int_equal(n, 11);
    assert_int_equal(out[4], 0x60);
    assert_int_equal(out[5] | (out[6] << 8), 65536 - 256);
    assert_int_equal(out[7] & 7, 3);        /* last, RLE */
    /* zlib wrapper: header check and Adler-32 of zeros */
    n = emk_img_zlib_zeros(out, sizeof(out), 65536);
    assert_true(n > 6);
    assert_int_equal(((out[0] << 8) | out[1]) % 31, 0);
    assert_memory_equal(out + n - 4, "\x00\x0f\x00\x01", 4);
    /* no room */
    assert_int_equal(emk_img_deflate_zeros(out, 10, 65536), -ENOSPC);
    assert_int_equal(emk_img_zstd_zeros(out, 5, 65536), -ENOSPC);
}

static void test_qcow2_anonymize(void **state)
{
    char src[] = "/tmp/emk-img-srcXXXXXX", dst[64];
    uint8_t *img = build_image(), *out;
    emk_img_ctx *c = calloc(1, sizeof(*c));
    emk_img_opts o;
    size_t n;
    int fd;
    (void)state;
    fd = mkstemp(src);
    assert_true(fd >= 0);
    close(fd);
    write_file(src, img, (size_t)NCL * CS);
    snprintf(dst, sizeof(dst), "%s.out", src);
    assert_int_equal(emk_img_open(c, src, EMK_IMG_FMT_UNKNOWN), 0);
    assert_int_equal(c->format, EMK_IMG_FMT_QCOW2);
    /* header and the 1-entry L1 do not fill their clusters */
    assert_int_equal(c->cat[0], EMK_IMG_CAT_META_PART);
    assert_int_equal(c->cat[1], EMK_IMG_CAT_META);
    assert_int_equal(c->cat[2], EMK_IMG_CAT_META);
    assert_int_equal(c->cat[3], EMK_IMG_CAT_META_PART);
    assert_int_equal(c->cat[4], EMK_IMG_CAT_META);
    assert_int_equal(c->cat[5], EMK_IMG_CAT_ACTIVE);
    assert_int_equal(c->cat[6], EMK_IMG_CAT_FREE);
    assert_int_equal(c->cat[7], EMK_IMG_CAT_COMPRESSED);
    assert_int_equal(c->n_leaked, 1);   /* cluster 6 */
    assert_int_equal(c->n_refcount_errors, 0);
    memset(&o, 0, sizeof(o));
    assert_int_equal(emk_img_anonymize(c, src, dst, &o), 0);
    assert_int_equal(c->wiped[EMK_IMG_CAT_ACTIVE].units, 1);
    assert_int_equal(c->wiped[EMK_IMG_CAT_FREE].units, 1);
    assert_int_equal(c->slot_counts[EMK_IMG_STREAM_DEFLATE], 1);
    assert_int_equal(c->n_unfit, 0);
    emk_img_close(c);
    out = read_file(dst, &n);
    assert_int_equal(n, (size_t)NCL * CS);
    assert_false(contains(out, n, "EMKSECRET"));
    assert_memory_equal(out, img, 5 * CS);          /* metadata kept */
    /* stale bytes behind the L1 table are zeroed, the entry kept */
    {
        size_t m;
        uint8_t *s2;
        char src2[] = "/tmp/emk-img-stlXXXXXX", dst2[64];
        int fd2 = mkstemp(src2);
        assert_true(fd2 >= 0);
        close(fd2);
        memcpy(img + 3 * CS + 4096, "EMKSECRET", 9);
        write_file(src2, img, (size_t)NCL * CS);
        snprintf(dst2, sizeof(dst2), "%s.out", src2);
        assert_int_equal(emk_img_open(c, src2, EMK_IMG_FMT_QCOW2), 0);
        assert_int_equal(emk_img_anonymize(c, src2, dst2, &o), 0);
        emk_img_close(c);
        s2 = read_file(dst2, &m);
        assert_false(contains(s2, m, "EMKSECRET"));
        assert_memory_equal(s2 + 3 * CS, img + 3 * CS, 8);
        memset(img + 3 * CS + 4096, 0, 9);
        free(s2);
        unlink(src2);
        unlink(dst2);
    }
    /* the compressed slot holds a deflate stream of 64 KiB of zeros */
    {
        uint8_t want[128];
        int k = emk_img_deflate_zeros(want, sizeof(want), CS);
        assert_true(k > 0);
        assert_memory_equal(out + 7 * CS, want, (size_t)k);
    }
    /* copy mode refuses an existing DST */
    assert_int_equal(emk_img_open(c, src, EMK_IMG_FMT_QCOW2), 0);
    assert_true(emk_img_anonymize(c, src, dst, &o) < 0);
    assert_non_null(strstr(c->err, "must not exist"));
    emk_img_close(c);
    /* in place gives the same bytes */
    assert_int_equal(emk_img_open(c, src, EMK_IMG_FMT_QCOW2), 0);
    o.in_place = 1;
    assert_int_equal(emk_img_anonymize(c, src, NULL, &o), 0);
    emk_img_close(c);
    free(out);
    out = read_file(src, &n);
    {
        size_t m;
        uint8_t *d = read_file(dst, &m);
        assert_int_equal(m, n);
        assert_memory_equal(d, out, n);
        free(d);
    }
    unlink(src);
    unlink(dst);
    free(out);
    free(img);
    free(c);
}

static void expect_error(uint8_t *img, size_t len, const char *what)
{
    char src[] = "/tmp/emk-img-badXXXXXX";
    emk_img_ctx *c = calloc(1, sizeof(*c));
    int fd = mkstemp(src);
    assert_true(fd >= 0);
    close(fd);
    write_file(src, img, len);
    assert_true(emk_img_open(c, src, EMK_IMG_FMT_UNKNOWN) < 0);
    if (!strstr(c->err, what))
        fail_msg("error '%s' does not name '%s'", c->err, what);
    emk_img_close(c);
    unlink(src);
    free(c);
}

static void test_qcow2_hostile(void **state)
{
    uint8_t *img = build_image();
    (void)state;
    expect_error(img, 40, "truncated");
    be32(img + 20, 40);
    expect_error(img, (size_t)NCL * CS, "cluster_bits");
    be32(img + 20, 16);
    be64(img + 40, 1ULL << 45);
    expect_error(img, (size_t)NCL * CS, "active L1 table");
    be64(img + 40, 3 * CS + 8);
    expect_error(img, (size_t)NCL * CS, "not aligned");
    be64(img + 40, 3 * CS);
    be64(img + 3 * CS, 99ULL * CS);         /* L2 beyond the end */
    expect_error(img, (size_t)NCL * CS, "L1 entry 0: L2 table");
    be64(img + 3 * CS, 4 * CS);
    be32(img + 36, 0x7fffffff);
    expect_error(img, (size_t)NCL * CS, "L1 table has");
    be32(img + 36, 1);
    be32(img + 60, 1);                      /* a snapshot table at cluster 0 */
    expect_error(img, (size_t)NCL * CS, "snapshot");
    free(img);
}

static void test_qcow2_corrupt_overlap(void **state)
{
    char src[] = "/tmp/emk-img-ovlXXXXXX";
    uint8_t *img = build_image();
    emk_img_ctx *c = calloc(1, sizeof(*c));
    int fd;
    (void)state;
    /* guest cluster 2 mapped onto the L1 table (corrupt image) */
    be64(img + 4 * CS + 16, 3 * CS);
    fd = mkstemp(src);
    assert_true(fd >= 0);
    close(fd);
    write_file(src, img, (size_t)NCL * CS);
    assert_int_equal(emk_img_open(c, src, EMK_IMG_FMT_QCOW2), 0);
    assert_true(c->cat[3] >= EMK_IMG_CAT_META_PART);   /* never wiped */
    assert_true(c->n_overlaps > 0);
    emk_img_close(c);
    unlink(src);
    free(img);
    free(c);
}

/* A streamOptimized-style sparse VMDK: header (sector 0), GD (sector 1),
 * GT (sectors 2-5), overhead ends at sector 8; grain 0 at sector 8 is a
 * compressed grain (marker + 100 bytes), grain 1 at sector 10 another;
 * sector 12 holds orphaned user data. */
static void test_vmdk_stream(void **state)
{
    char src[] = "/tmp/emk-img-vmdkXXXXXX", dst[64];
    uint8_t img[13 * 512], *out;
    emk_img_ctx *c = calloc(1, sizeof(*c));
    emk_img_opts o;
    size_t n;
    int fd, k;
    (void)state;
    memset(img, 0, sizeof(img));
    memcpy(img, "KDMV", 4);
    le32(img + 4, 3);
    le32(img + 8, 3 | (1u << 16) | (1u << 17));   /* compressed, markers */
    le64(img + 12, 256);                           /* capacity: 2 grains */
    le64(img + 20, 128);                           /* grain: 64 KiB */
    le32(img + 44, 512);                           /* GTEs per GT */
    le64(img + 56, 1);                             /* GD at sector 1 */
    le64(img + 64, 8);                             /* overhead */
    le32(img + 512, 2);                            /* GT at sector 2 */
    le32(img + 1024, 8);
    le32(img + 1028, 10);
    le64(img + 8 * 512, 0);                        /* marker: LBA 0 */
    le32(img + 8 * 512 + 8, 100);
    memcpy(img + 8 * 512 + 12, "EMKSECRET", 9);
    le64(img + 10 * 512, 128);
    le32(img + 10 * 512 + 8, 100);
    memcpy(img + 10 * 512 + 40, "EMKSECRET", 9);
    memcpy(img + 12 * 512, "EMKSECRET", 9);
    fd = mkstemp(src);
    assert_true(fd >= 0);
    close(fd);
    write_file(src, img, sizeof(img));
    snprintf(dst, sizeof(dst), "%s.out", src);
    assert_int_equal(emk_img_open(c, src, EMK_IMG_FMT_UNKNOWN), 0);
    assert_int_equal(c->format, EMK_IMG_FMT_VMDK);
    assert_int_equal(c->subformat, 0);
    for (k = 0; k < 8; k++)
        assert_int_equal(c->cat[k], EMK_IMG_CAT_META);
    assert_int_equal(c->cat[8], EMK_IMG_CAT_COMPRESSED);
    assert_int_equal(c->cat[10], EMK_IMG_CAT_COMPRESSED);
    assert_int_equal(c->cat[12], EMK_IMG_CAT_FREE);
    memset(&o, 0, sizeof(o));
    assert_int_equal(emk_img_anonymize(c, src, dst, &o), 0);
    assert_int_equal(c->slot_counts[EMK_IMG_STREAM_ZLIB], 2);
    assert_int_equal(c->n_unfit, 0);
    emk_img_close(c);
    out = read_file(dst, &n);
    assert_int_equal(n, sizeof(img));
    assert_false(contains(out, n, "EMKSECRET"));
    assert_memory_equal(out, img, 8 * 512);               /* metadata */
    assert_memory_equal(out + 8 * 512, img + 8 * 512, 12); /* markers kept */
    assert_memory_equal(out + 10 * 512, img + 10 * 512, 12);
    {
        uint8_t want[128];
        int z = emk_img_zlib_zeros(want, sizeof(want), 65536);
        assert_true(z > 0 && z <= 100);
        assert_memory_equal(out + 8 * 512 + 12, want, (size_t)z);
        assert_memory_equal(out + 10 * 512 + 12, want, (size_t)z);
    }
    free(out);
    unlink(src);
    unlink(dst);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32c),
        cmocka_unit_test(test_crypto),
        cmocka_unit_test(test_zero_streams),
        cmocka_unit_test(test_qcow2_anonymize),
        cmocka_unit_test(test_qcow2_hostile),
        cmocka_unit_test(test_qcow2_corrupt_overlap),
        cmocka_unit_test(test_vmdk_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
