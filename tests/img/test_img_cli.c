/*
 * test_img_cli.c - library pieces behind emkit-img's command line: the JSON
 * string escaper, qemu's size format, QEMU's image locks, check's exit
 * codes and compare-metadata, on the hand-built qcow2 of img_test_util.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "emkit/img.h"
#include "img_priv.h"
#include "img_test_util.h"

#include <errno.h>
#include <unistd.h>

/* emk_img_json_str() of s[0, n) into a static buffer. */
static const char *esc(const char *s, size_t n)
{
    static char buf[512];
    FILE *f = tmpfile();
    size_t k;
    assert_non_null(f);
    emk_img_json_str(f, s, n);
    rewind(f);
    k = fread(buf, 1, sizeof(buf) - 1, f);
    buf[k] = '\0';
    fclose(f);
    return buf;
}

#define ESC(lit) esc(lit, sizeof(lit) - 1)

static void test_json_escape(void **state)
{
    (void)state;
    /* valid UTF-8 passes through: 2, 3 and 4 byte sequences */
    assert_string_equal(ESC("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
    assert_string_equal(ESC("\xe2\x82\xac \xf0\x9f\x98\x80"),
                        "\"\xe2\x82\xac \xf0\x9f\x98\x80\"");
    /* quotes, backslashes, control characters, DEL */
    assert_string_equal(ESC("a\"b\\c"), "\"a\\\"b\\\\c\"");
    assert_string_equal(ESC("t\tn\nr\rb\bf\f"), "\"t\\tn\\nr\\rb\\bf\\f\"");
    assert_string_equal(ESC("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
    assert_string_equal(esc("a\0b", 3), "\"a\\u0000b\"");
    /* invalid: a lone continuation byte, Latin-1, overlong forms, a
     * surrogate, beyond U+10FFFF, cut short: one U+FFFD per bad byte,
     * the byte after it looked at afresh */
    assert_string_equal(ESC("\x80x"), "\"\\ufffdx\"");
    assert_string_equal(ESC("caf\xe9"), "\"caf\\ufffd\"");
    assert_string_equal(ESC("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
    assert_string_equal(ESC("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");
    assert_string_equal(ESC("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
    assert_string_equal(ESC("\xf4\x90\x80\x80"),
                        "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
    assert_string_equal(ESC("\xe2\x82"), "\"\\ufffd\\ufffd\"");
    assert_string_equal(ESC("\xe2\x82z"), "\"\\ufffd\\ufffdz\"");
    assert_string_equal(ESC("\xc3\xa9\xff\xc3\xa9"),
                        "\"\xc3\xa9\\ufffd\xc3\xa9\"");
}

static void test_size_str(void **state)
{
    static const struct { uint64_t v; const char *s; } k[] = {
        {0, "0 B"}, {999, "999 B"}, {1000, "0.977 KiB"}, {1024, "1 KiB"},
        {416037, "406 KiB"}, {1331200, "1.27 MiB"}, {67108864, "64 MiB"},
        /* as qemu (frexp of v * 1.024): 1023999 stays in KiB, rounded */
        {1023999, "1e+03 KiB"}, {1024000, "0.977 MiB"},
        {6442450944ULL, "6 GiB"}};
    char buf[32];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
        emk_img_size_str(buf, sizeof(buf), k[i].v);
        assert_string_equal(buf, k[i].s);
    }
}

typedef struct fixture {
    char src[64], dst[72];
    emk_img_ctx *a, *b;
} fixture;

static void setup_image(fixture *f)
{
    uint8_t *img = build_image();
    int fd;
    snprintf(f->src, sizeof(f->src), "/tmp/emk-img-cliXXXXXX");
    fd = mkstemp(f->src);
    assert_true(fd >= 0);
    close(fd);
    write_file(f->src, img, (size_t)NCL * CS);
    free(img);
    snprintf(f->dst, sizeof(f->dst), "%s.out", f->src);
    f->a = calloc(1, sizeof(*f->a));
    f->b = calloc(1, sizeof(*f->b));
    assert_non_null(f->a);
    assert_non_null(f->b);
}

static void teardown_image(fixture *f)
{
    emk_img_close(f->a);
    emk_img_close(f->b);
    free(f->a);
    free(f->b);
    unlink(f->src);
    unlink(f->dst);
}

static void test_locks(void **state)
{
    fixture f;
    char want[256];
    (void)state;
    setup_image(&f);
    /* readers share */
    assert_int_equal(emk_img_open(f.a, f.src, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(emk_img_open(f.b, f.src, EMK_IMG_FMT_QCOW2), 0);
    emk_img_close(f.b);
    /* a writer beside a reader: the reader does not share "write" */
    assert_int_equal(emk_img_open_rw(f.b, f.src, EMK_IMG_FMT_QCOW2), -EAGAIN);
    snprintf(want, sizeof(want), "Failed to get \"write\" lock\nIs another "
             "process using the image [%s]?", f.src);
    assert_string_equal(f.b->err, want);
    emk_img_close(f.b);
    emk_img_close(f.a);
    /* a reader beside a writer; force-share reads anyway */
    assert_int_equal(emk_img_open_rw(f.a, f.src, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(emk_img_open(f.b, f.src, EMK_IMG_FMT_QCOW2), -EAGAIN);
    snprintf(want, sizeof(want), "Failed to get shared \"write\" lock\nIs "
             "another process using the image [%s]?", f.src);
    assert_string_equal(f.b->err, want);
    emk_img_close(f.b);
    assert_int_equal(emk_img_open2(f.b, f.src, EMK_IMG_FMT_QCOW2,
                                   EMK_IMG_OPEN_FORCE_SHARE), 0);
    emk_img_close(f.b);
    emk_img_close(f.a);
    /* once the writer is gone, the locks are gone */
    assert_int_equal(emk_img_open_rw(f.a, f.src, EMK_IMG_FMT_QCOW2), 0);
    emk_img_close(f.a);
    /* force-share is for reading only */
    assert_int_equal(emk_img_open2(f.a, f.src, EMK_IMG_FMT_QCOW2,
                                   EMK_IMG_OPEN_RW | EMK_IMG_OPEN_FORCE_SHARE),
                     -EINVAL);
    assert_non_null(strstr(f.a->err, "read-only"));
    teardown_image(&f);
}

static void test_check_codes(void **state)
{
    fixture f;
    FILE *null = fopen("/dev/null", "w");
    uint8_t *img;
    (void)state;
    setup_image(&f);
    /* cluster 6 has refcount 1 and no reference: a leak only */
    assert_int_equal(emk_img_open(f.a, f.src, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(emk_img_print_check(f.a, null, 1), EMK_IMG_CHECK_LEAKS);
    assert_int_equal(f.a->image_end_offset, (uint64_t)NCL * CS);
    emk_img_close(f.a);
    /* refcount 2 on a cluster referenced once: a leak for QEMU too */
    img = build_image();
    img[2 * CS + 2 * 5 + 1] = 2;
    img[2 * CS + 2 * 6 + 1] = 0;
    write_file(f.src, img, (size_t)NCL * CS);
    assert_int_equal(emk_img_open(f.a, f.src, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(emk_img_print_check(f.a, null, 0), EMK_IMG_CHECK_LEAKS);
    emk_img_close(f.a);
    /* refcount 0 on a referenced cluster: corruption */
    img[2 * CS + 2 * 5 + 1] = 0;
    write_file(f.src, img, (size_t)NCL * CS);
    assert_int_equal(emk_img_open(f.a, f.src, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(emk_img_print_check(f.a, null, 1), EMK_IMG_CHECK_CORRUPT);
    emk_img_close(f.a);
    /* clean */
    img[2 * CS + 2 * 5 + 1] = 1;
    write_file(f.src, img, (size_t)NCL * CS);
    assert_int_equal(emk_img_open(f.a, f.src, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(emk_img_print_check(f.a, null, 1), EMK_IMG_CHECK_CLEAN);
    free(img);
    fclose(null);
    teardown_image(&f);
}

static void test_compare_metadata(void **state)
{
    fixture f;
    FILE *null = fopen("/dev/null", "w");
    emk_img_opts o;
    uint8_t *out;
    size_t n;
    (void)state;
    setup_image(&f);
    memset(&o, 0, sizeof(o));
    assert_int_equal(emk_img_open(f.a, f.src, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(emk_img_anonymize(f.a, f.src, f.dst, &o), 0);
    emk_img_close(f.a);
    /* a fresh, unmodified parse of the original */
    assert_int_equal(emk_img_open(f.a, f.src, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(emk_img_compare_metadata(f.a, f.dst, 0, null, 1), 0);
    /* the original itself leaves data bytes */
    assert_int_equal(emk_img_compare_metadata(f.a, f.src, 0, null, 0), 1);
    emk_img_close(f.a);
    out = read_file(f.dst, &n);
    out[5 * CS + 7] = 1;                    /* a data byte left */
    write_file(f.dst, out, n);
    assert_int_equal(emk_img_open(f.a, f.src, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(emk_img_compare_metadata(f.a, f.dst, 0, null, 1), 1);
    emk_img_close(f.a);
    out[5 * CS + 7] = 0;
    out[3 * CS + 3] ^= 1;                   /* the L1 table changed */
    write_file(f.dst, out, n);
    assert_int_equal(emk_img_open(f.a, f.src, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(emk_img_compare_metadata(f.a, f.dst, 0, null, 0), 1);
    emk_img_close(f.a);
    out[3 * CS + 3] ^= 1;
    out[7 * CS + 30] = 0x5a;                /* after the zero stream */
    write_file(f.dst, out, n);
    assert_int_equal(emk_img_open(f.a, f.src, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(emk_img_compare_metadata(f.a, f.dst, 0, null, 0), 1);
    emk_img_close(f.a);
    /* a shorter file */
    write_file(f.dst, out, n - 512);
    assert_int_equal(emk_img_open(f.a, f.src, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(emk_img_compare_metadata(f.a, f.dst, 0, null, 0), 1);
    free(out);
    fclose(null);
    teardown_image(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_escape),
        cmocka_unit_test(test_size_str),
        cmocka_unit_test(test_locks),
        cmocka_unit_test(test_check_codes),
        cmocka_unit_test(test_compare_metadata),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
