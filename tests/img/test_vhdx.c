/*
 * test_vhdx.c - cmocka tests of the VHDX parser on a hand-built image
 * (MS-VHDX layout, CRC-32C computed here by a bitwise implementation that
 * shares nothing with the library): classification, errors naming the
 * header, region table, metadata, BAT, log and parent locator, the log
 * entry fix (padding zeroed, CRC-32C recomputed only when it was valid) and
 * --scrub-names on a differencing image's parent locator.
 * qemu-img made images are tested in suite.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emkit/img.h"

enum {
    MIB = 1024 * 1024,
    FILE_SIZE = 7 * MIB,
    H1 = 64 * 1024, H2 = 128 * 1024, RT1 = 192 * 1024, RT2 = 256 * 1024,
    LOG = 1 * MIB, BAT = 2 * MIB, META = 3 * MIB,
    BLOCK0 = 4 * MIB, BLOCK1 = 5 * MIB, SBBLK = 6 * MIB,
    LOC = 65536 + 4096,         /* parent locator, offset in the metadata */
    PAD = 64 + 32,              /* log entry: header + one descriptor */
    PAD_END = 4096
};

static uint8_t *img;            /* FILE_SIZE bytes */
static char src[64], dst[80];

static uint32_t crc32c(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    }
    return ~c;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}
static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Stores the CRC-32C of [p, p + n) (checksum field at +4 taken as 0). */
static void seal(uint8_t *p, size_t n)
{
    put32(p + 4, 0);
    put32(p + 4, crc32c(p, n));
}

static const uint8_t G_BAT[16] = {0x66, 0x77, 0xc2, 0x2d, 0x23, 0xf6, 0x00,
    0x42, 0x9d, 0x64, 0x11, 0x5e, 0x9b, 0xfd, 0x4a, 0x08};
static const uint8_t G_META[16] = {0x06, 0xa2, 0x7c, 0x8b, 0x90, 0x47, 0x9a,
    0x4b, 0xb8, 0xfe, 0x57, 0x5f, 0x05, 0x0f, 0x88, 0x6e};
static const uint8_t G_PARAMS[16] = {0x37, 0x67, 0xa1, 0xca, 0x36, 0xfa,
    0x43, 0x4d, 0xb3, 0xb6, 0x33, 0xf0, 0xaa, 0x44, 0xe7, 0x6b};
static const uint8_t G_SIZE[16] = {0x24, 0x42, 0xa5, 0x2f, 0x1b, 0xcd, 0x76,
    0x48, 0xb2, 0x11, 0x5d, 0xbe, 0xd8, 0x3b, 0xf4, 0xb8};
static const uint8_t G_LSEC[16] = {0x1d, 0xbf, 0x41, 0x81, 0x6f, 0xa9, 0x09,
    0x47, 0xba, 0x47, 0xf2, 0x33, 0xa8, 0xfa, 0xab, 0x5f};
static const uint8_t G_LOC[16] = {0x2d, 0x5f, 0xd3, 0xa8, 0x0b, 0xb3, 0x4d,
    0x45, 0xab, 0xf7, 0xd3, 0xd8, 0x48, 0x34, 0xab, 0x0c};

static void meta_entry(int i, const uint8_t *guid, uint32_t off, uint32_t len)
{
    uint8_t *e = img + META + 32 + 32 * i;
    memcpy(e, guid, 16);
    put32(e + 16, off);
    put32(e + 20, len);
    put32(e + 24, 4);           /* IsRequired */
}

static void reseal_regions(void)
{
    seal(img + RT1, 65536);
    memcpy(img + RT2, img + RT1, 65536);
}

static void reseal_headers(void)
{
    seal(img + H1, 4096);
    seal(img + H2, 4096);
}

/* A dynamic VHDX of 8 MiB, 1 MiB blocks: block 0 present at 4 MiB, block 1
 * ZERO with a stale host block at 5 MiB; a 1 MiB log at 1 MiB holding one
 * entry (one data descriptor) whose padding holds stale bytes. */
static void build(void)
{
    uint8_t *h, *rt, *le;
    int k;
    memset(img, 0, FILE_SIZE);
    memcpy(img, "vhdxfile", 8);
    for (k = 0; k < 2; k++) {
        h = img + (k ? H2 : H1);
        memcpy(h, "head", 4);
        put64(h + 8, k ? 1 : 2);            /* sequence: header 1 is current */
        put16(h + 66, 1);                   /* version */
        put32(h + 68, MIB);                 /* log length */
        put64(h + 72, LOG);                 /* log offset */
    }
    reseal_headers();
    rt = img + RT1;
    memcpy(rt, "regi", 4);
    put32(rt + 8, 2);
    memcpy(rt + 16, G_BAT, 16);
    put64(rt + 32, BAT);
    put32(rt + 40, MIB);
    memcpy(rt + 48, G_META, 16);
    put64(rt + 64, META);
    put32(rt + 72, MIB);
    reseal_regions();
    memcpy(img + META, "metadata", 8);
    put16(img + META + 10, 3);
    meta_entry(0, G_PARAMS, 65536, 8);
    meta_entry(1, G_SIZE, 65544, 8);
    meta_entry(2, G_LSEC, 65552, 4);
    put32(img + META + 65536, MIB);         /* block size */
    put64(img + META + 65544, 8 * MIB);     /* disk size */
    put32(img + META + 65552, 512);
    put64(img + BAT, BLOCK0 | 6);           /* FULLY_PRESENT */
    put64(img + BAT + 8, BLOCK1 | 2);       /* ZERO, stale block behind */
    memset(img + BLOCK0, 'D', MIB);
    memset(img + BLOCK1, 'S', MIB);
    le = img + LOG;
    memcpy(le, "loge", 4);
    put32(le + 8, 8192);                    /* entry length */
    put32(le + 24, 1);                      /* descriptor count */
    memcpy(le + 64, "desc", 4);
    put64(le + 64 + 16, BAT);               /* rewrites the first BAT sector */
    memset(le + PAD, 'P', PAD_END - PAD);   /* stale bytes (QEMU 7.2) */
    memcpy(le + 4096, "data", 4);
    memset(le + 4096 + 8, 'B', 4084);
    seal(le, 8192);
}

static void save(void)
{
    FILE *f = fopen(src, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(img, 1, FILE_SIZE, f), FILE_SIZE);
    fclose(f);
    unlink(dst);
}

/* Opens the saved image; returns the result, ctx->err in err. */
static int try_open(emk_img_ctx *c)
{
    memset(c, 0, sizeof(*c));
    save();
    return emk_img_open(c, src, EMK_IMG_FMT_UNKNOWN);
}

static emk_img_ctx *ctx(void)
{
    static emk_img_ctx c;
    return &c;
}

/* Expects the open to fail with err and a message containing want. */
static void expect_fail(int err, const char *want)
{
    emk_img_ctx *c = ctx();
    int r = try_open(c);
    if (r != err || !strstr(c->err, want))
        fail_msg("open returned %d '%s', expected %d '%s'", r, c->err, err,
                 want);
    emk_img_close(c);
}

static int setup(void **state)
{
    int fd;
    (void)state;
    img = malloc(FILE_SIZE);
    snprintf(src, sizeof(src), "/tmp/emk-test-vhdxXXXXXX");
    fd = mkstemp(src);
    if (!img || fd < 0)
        return -1;
    close(fd);
    snprintf(dst, sizeof(dst), "%s.out", src);
    build();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(src);
    unlink(dst);
    free(img);
    return 0;
}

static void test_good(void **state)
{
    emk_img_ctx *c = ctx();
    (void)state;
    build();
    assert_int_equal(try_open(c), 0);
    assert_int_equal(c->format, EMK_IMG_FMT_VHDX);
    assert_int_equal(c->virtual_size, 8 * MIB);
    assert_int_equal(c->unit, MIB);
    assert_int_equal(c->cat[0], EMK_IMG_CAT_META);          /* headers */
    assert_int_equal(c->cat[1], EMK_IMG_CAT_META);          /* log */
    assert_int_equal(c->cat[2], EMK_IMG_CAT_META);          /* BAT */
    assert_int_equal(c->cat[3], EMK_IMG_CAT_META);          /* metadata */
    assert_int_equal(c->cat[4], EMK_IMG_CAT_ACTIVE);
    assert_int_equal(c->cat[5], EMK_IMG_CAT_ZERO_STALE);
    assert_int_equal(c->cat[6], EMK_IMG_CAT_FREE);
    assert_int_equal(c->n_refcount_errors, 0);
    emk_img_close(c);
    /* one broken header: the other one is used */
    img[H1 + 100] ^= 1;
    assert_int_equal(try_open(c), 0);
    emk_img_close(c);
}

static void test_header_errors(void **state)
{
    (void)state;
    build();
    img[H1 + 100] ^= 1;
    img[H2 + 100] ^= 1;     /* both CRCs wrong */
    expect_fail(-EINVAL, "neither header at offset 65536 nor 131072 is valid");
    build();
    memcpy(img + H1, "HEAD", 4);
    memcpy(img + H2, "HEAD", 4);
    reseal_headers();       /* right CRCs, wrong signatures */
    expect_fail(-EINVAL, "neither header");
    build();
    expect_fail(0, "");
    {
        FILE *f;
        emk_img_ctx *c = ctx();
        save();
        f = fopen(src, "r+b");
        assert_non_null(f);
        assert_int_equal(ftruncate(fileno(f), 200000), 0);
        fclose(f);
        memset(c, 0, sizeof(*c));
        assert_int_equal(emk_img_open(c, src, EMK_IMG_FMT_UNKNOWN), -EINVAL);
        assert_non_null(strstr(c->err, "VHDX file of 200000 bytes is too small"));
        emk_img_close(c);
    }
}

static void test_region_errors(void **state)
{
    (void)state;
    build();
    img[RT1 + 40] ^= 1;     /* BAT length changed, CRC not updated */
    expect_fail(-EINVAL, "VHDX region table at offset 196608 is not valid");
    build();
    put32(img + RT1 + 8, 5000);
    reseal_regions();
    expect_fail(-EINVAL, "VHDX region table: 5000 entries");
    build();
    put64(img + RT1 + 32, BAT + 4096);
    reseal_regions();
    expect_fail(-EINVAL, "VHDX region 0 at offset 2101248 (1048576 bytes) is "
                "not MiB aligned");
    build();
    put64(img + RT1 + 32, 64 * MIB);
    reseal_regions();
    expect_fail(-ERANGE, "VHDX region at offset 67108864 (+1048576) points "
                "outside the file");
    build();
    put32(img + RT1 + 8, 1);    /* only the BAT */
    reseal_regions();
    expect_fail(-EINVAL, "VHDX region table lacks the metadata region");
}

static void test_metadata_errors(void **state)
{
    (void)state;
    build();
    memcpy(img + META, "METADATA", 8);
    expect_fail(-EINVAL, "VHDX metadata table at offset 3145728 has no signature");
    build();
    put32(img + META + 65536, 3 * MIB);
    expect_fail(-EINVAL, "VHDX file parameters: block size 3145728 is invalid");
    build();
    put32(img + META + 65552, 1024);
    expect_fail(-EINVAL, "VHDX logical sector size 1024 is invalid");
    build();
    put32(img + META + 32 + 16, 2 * MIB);   /* file parameters item offset */
    expect_fail(-EINVAL, "VHDX metadata item 0 at offset 2097152 is outside "
                "the region");
}

static void test_bat_errors(void **state)
{
    emk_img_ctx *c = ctx();
    (void)state;
    build();
    /* 64 TiB at 1 MiB blocks needs far more than a 1 MiB BAT */
    put64(img + META + 65544, 64ULL << 40);
    expect_fail(-EINVAL, "VHDX BAT of 1048576 bytes is too small for");
    build();
    put64(img + BAT + 16, (uint64_t)40 * MIB | 6);    /* block 2 beyond EOF */
    assert_int_equal(try_open(c), 0);
    assert_int_equal(c->n_refcount_errors, 1);
    assert_int_equal(c->nwarn, 1);
    assert_non_null(strstr(c->warn[0], "BAT entry 2 points beyond the end of "
                           "the file (offset 41943040)"));
    emk_img_close(c);
    build();
    put64(img + H1 + 72, LOG + 4096);
    reseal_headers();
    expect_fail(-EINVAL, "VHDX log at offset 1052672 (1048576 bytes) is not "
                "MiB aligned");
}

/* Anonymizes src into dst (copy mode) and reads dst back into out. */
static void anonymize(uint8_t *out, int scrub)
{
    emk_img_ctx *c = ctx();
    emk_img_opts o;
    FILE *f;
    memset(&o, 0, sizeof(o));
    o.scrub_names = scrub;
    assert_int_equal(try_open(c), 0);
    assert_int_equal(emk_img_anonymize(c, src, dst, &o), 0);
    emk_img_close(c);
    f = fopen(dst, "rb");
    assert_non_null(f);
    assert_int_equal(fread(out, 1, FILE_SIZE, f), FILE_SIZE);
    fclose(f);
}

static int all(const uint8_t *p, size_t n, uint8_t v)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

static void test_log_crc_fix(void **state)
{
    uint8_t *out = malloc(FILE_SIZE), *want = malloc(8192);
    uint32_t stored;
    (void)state;
    assert_non_null(out);
    assert_non_null(want);
    build();
    anonymize(out, 0);
    /* data wiped, metadata kept */
    assert_true(all(out + BLOCK0, MIB, 0));
    assert_true(all(out + BLOCK1, MIB, 0));
    assert_memory_equal(out + META, img + META, MIB);
    assert_memory_equal(out + BAT, img + BAT, MIB);
    /* the entry: padding zeroed, everything else kept, CRC-32C valid again */
    memcpy(want, img + LOG, 8192);
    memset(want + PAD, 0, PAD_END - PAD);
    seal(want, 8192);
    assert_memory_equal(out + LOG, want, 8192);
    memcpy(want, out + LOG, 8192);
    put32(want + 4, 0);
    assert_int_equal(crc32c(want, 8192), get32(out + LOG + 4));
    /* an entry whose CRC was already wrong: padding zeroed, CRC kept (QEMU
     * must keep ignoring it) */
    build();
    img[LOG + 4096 + 100] ^= 1;
    stored = get32(img + LOG + 4);
    anonymize(out, 0);
    assert_true(all(out + LOG + PAD, PAD_END - PAD, 0));
    assert_int_equal(get32(out + LOG + 4), stored);
    assert_memory_equal(out + LOG + 4096, img + LOG + 4096, 4096);
    /* clean padding: nothing to patch, the entry is byte-identical */
    build();
    memset(img + LOG + PAD, 0, PAD_END - PAD);
    seal(img + LOG, 8192);
    anonymize(out, 0);
    assert_memory_equal(out + LOG, img + LOG, 8192);
    free(out);
    free(want);
}

/* Adds a VHDX parent locator: parent_linkage and relative_path. */
static void add_locator(void)
{
    static const char *const kv[4] = {"parent_linkage",
        "{83ed0ec3-24c8-49a6-a959-5e4bf1288bfb}", "relative_path",
        "..\\alice\\parent.vhdx"};
    uint8_t *p = img + META + LOC;
    uint32_t pos = 20 + 12 * 2;
    int i;
    size_t k;
    put32(img + META + 65540, 2);           /* HasParent */
    put16(img + META + 10, 4);
    meta_entry(3, G_LOC, LOC, 0);
    put16(p + 18, 2);
    for (i = 0; i < 4; i++) {
        size_t n = strlen(kv[i]);
        put32(p + 20 + 12 * (i / 2) + 4 * (i % 2), pos);
        put16(p + 20 + 12 * (i / 2) + 8 + 2 * (i % 2), (uint16_t)(2 * n));
        for (k = 0; k < n; k++)
            put16(p + pos + 2 * k, (uint16_t)kv[i][k]);
        pos += (uint32_t)(2 * n);
    }
    put32(img + META + 32 + 3 * 32 + 20, pos);   /* item length */
    put64(img + BAT + 8 * 4096, SBBLK | 6);      /* chunk 0's sector bitmap */
    memset(img + SBBLK, 0xff, 512);
}

static void test_parent_locator(void **state)
{
    emk_img_ctx *c = ctx();
    uint8_t *out = malloc(FILE_SIZE);
    uint32_t rel, rlen, k;
    char want[64];
    (void)state;
    assert_non_null(out);
    build();
    add_locator();
    assert_int_equal(try_open(c), 0);
    assert_int_equal(c->subformat, 2);          /* differencing */
    assert_string_equal(c->backing, "..\\alice\\parent.vhdx");
    assert_int_equal(c->nnames, 1);             /* parent_linkage stays */
    assert_int_equal(c->cat[6], EMK_IMG_CAT_META);  /* sector bitmap */
    emk_img_close(c);
    /* without --scrub-names the locator is metadata like the rest */
    anonymize(out, 0);
    assert_memory_equal(out + META, img + META, MIB);
    assert_memory_equal(out + SBBLK, img + SBBLK, MIB);
    /* with it: the path becomes UTF-16LE "xxx...0" of the same length */
    anonymize(out, 1);
    rel = get32(img + META + LOC + 20 + 12 + 4);
    rlen = (uint32_t)img[META + LOC + 20 + 12 + 10] |
           (uint32_t)img[META + LOC + 20 + 12 + 11] << 8;
    assert_int_equal(rlen, 2 * strlen("..\\alice\\parent.vhdx"));
    memset(want, 'x', sizeof(want));
    want[rlen / 2 - 1] = '0';
    for (k = 0; k < rlen / 2; k++) {
        assert_int_equal(out[META + LOC + rel + 2 * k], (uint8_t)want[k]);
        assert_int_equal(out[META + LOC + rel + 2 * k + 1], 0);
    }
    /* every other byte of the metadata region is kept (parent_linkage) */
    memcpy(out + META + LOC + rel, img + META + LOC + rel, rlen);
    assert_memory_equal(out + META, img + META, MIB);
    /* a value outside the item is an error naming the entry */
    build();
    add_locator();
    put32(img + META + LOC + 20 + 12 + 4, 5000);
    expect_fail(-EINVAL, "VHDX parent locator entry 1 at offset 3215392: key "
                "or value outside the item");
    build();
    add_locator();
    put16(img + META + LOC + 18, 1000);
    expect_fail(-EINVAL, "1000 entries do not fit in");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_region_errors),
        cmocka_unit_test(test_metadata_errors),
        cmocka_unit_test(test_bat_errors),
        cmocka_unit_test(test_log_crc_fix),
        cmocka_unit_test(test_parent_locator),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
