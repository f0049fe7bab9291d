/*
 * test_img_harden.c - regression tests of the img hardening findings: an
 * image that changes between open and anonymize, extent and data-file
 * names that leave the image's directory, and snapshot tables that would
 * make the parser walk the same huge L1 table again and again.
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
#include <sys/stat.h>
#include <unistd.h>

#include "emkit/img.h"
#include "img_test_util.h"

static char dir[64];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/emk-img-hardXXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* dir/name into out (static buffers are enough for these tests). */
static const char *at(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
    return out;
}

static void append(const char *path, size_t len)
{
    FILE *f = fopen(path, "ab");
    size_t i;
    assert_non_null(f);
    for (i = 0; i < len; i++)
        fputc(i % 4096 < 9 ? "EMKSECRET"[i % 4096] : 'A', f);
    fclose(f);
}

/* One test's image: the hand-built qcow2 written to dir/name, a context and
 * zeroed options. */
typedef struct fixture {
    char src[96];
    uint8_t *img;
    emk_img_ctx *c;
    emk_img_opts o;
} fixture;

static void fx_init(fixture *f, const char *name)
{
    at(f->src, sizeof(f->src), name);
    f->img = build_image();
    f->c = calloc(1, sizeof(*f->c));
    assert_non_null(f->c);
    memset(&f->o, 0, sizeof(f->o));
    write_file(f->src, f->img, (size_t)NCL * CS);
}

static void fx_free(fixture *f)
{
    emk_img_close(f->c);
    free(f->c);
    free(f->img);
}

static int same_bytes(const char *path, const uint8_t *want, size_t len)
{
    size_t n;
    uint8_t *b = read_file(path, &n);
    int same = n == len && memcmp(b, want, len) == 0;
    free(b);
    return same;
}

/* ---- finding 3: the image changes between open and anonymize ---- */

/* Opens src (read-only or read-write), grows it by 1 MiB as a running VM
 * would, and expects anonymize to refuse with -EBUSY, writing nothing. */
static void grow_then_anonymize(int rw, int in_place)
{
    char dst[96];
    uint8_t *grown;
    fixture f;
    size_t n;
    fx_init(&f, "grow.qcow2");
    at(dst, sizeof(dst), "grow-out.qcow2");
    assert_int_equal(rw ? emk_img_open_rw(f.c, f.src, EMK_IMG_FMT_QCOW2)
                        : emk_img_open(f.c, f.src, EMK_IMG_FMT_QCOW2), 0);
    append(f.src, 1 << 20);
    grown = read_file(f.src, &n);
    f.o.in_place = in_place;
    assert_int_equal(emk_img_anonymize(f.c, f.src, in_place ? NULL : dst,
                                       &f.o), -EBUSY);
    if (!strstr(f.c->err, "image changed while it was being processed"))
        fail_msg("unexpected error '%s'", f.c->err);
    emk_img_close(f.c);
    assert_true(same_bytes(f.src, grown, n));        /* SRC untouched */
    assert_int_equal(access(dst, F_OK), -1);         /* no DST */
    free(grown);
    fx_free(&f);
}

static void test_anon_grown_copy(void **state)
{
    (void)state;
    grow_then_anonymize(0, 0);
}

static void test_anon_grown_in_place(void **state)
{
    (void)state;
    grow_then_anonymize(0, 1);
    grow_then_anonymize(1, 1);
}

/* Same size, other bytes: the modification time gives it away. */
static void test_anon_modified(void **state)
{
    char dst[96];
    fixture f;
    struct timespec old[2];
    int fd;
    (void)state;
    fx_init(&f, "mod.qcow2");
    at(dst, sizeof(dst), "mod-out.qcow2");
    old[0].tv_sec = old[1].tv_sec = 1000000;
    old[0].tv_nsec = old[1].tv_nsec = 0;
    assert_int_equal(utimensat(AT_FDCWD, f.src, old, 0), 0);
    assert_int_equal(emk_img_open(f.c, f.src, EMK_IMG_FMT_QCOW2), 0);
    fd = open(f.src, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "NEWSECRET", 9, 6 * CS), 9);
    close(fd);
    assert_int_equal(emk_img_anonymize(f.c, f.src, dst, &f.o), -EBUSY);
    assert_non_null(strstr(f.c->err, "changed while it was being processed"));
    assert_int_equal(access(dst, F_OK), -1);
    fx_free(&f);
}

/* The path now names another file: a read-only context refuses (-ESTALE)
 * and the other file stays as it is; a read-write context writes the file
 * it parsed, never the one that now has the name. */
static void test_anon_replaced(void **state)
{
    char other[96];
    uint8_t *anon;
    fixture f;
    size_t n = (size_t)NCL * CS;
    int keep;
    (void)state;
    fx_init(&f, "swap.qcow2");
    at(other, sizeof(other), "swap-other.qcow2");
    f.o.in_place = 1;
    write_file(other, f.img, n);
    assert_int_equal(emk_img_open(f.c, f.src, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(rename(other, f.src), 0);
    assert_int_equal(emk_img_anonymize(f.c, f.src, NULL, &f.o), -ESTALE);
    assert_non_null(strstr(f.c->err, "no longer the image that was parsed"));
    emk_img_close(f.c);
    assert_true(same_bytes(f.src, f.img, n));
    /* read-write: the parsed inode (still open as keep) is anonymized */
    assert_int_equal(emk_img_open_rw(f.c, f.src, EMK_IMG_FMT_QCOW2), 0);
    keep = dup(f.c->fd);
    write_file(other, f.img, n);
    assert_int_equal(rename(other, f.src), 0);
    assert_int_equal(emk_img_anonymize(f.c, f.src, NULL, &f.o), 0);
    emk_img_close(f.c);
    assert_true(same_bytes(f.src, f.img, n));
    anon = malloc(n);
    assert_non_null(anon);
    assert_int_equal(pread(keep, anon, n, 0), (ssize_t)n);
    assert_false(contains(anon, n, "EMKSECRET"));
    close(keep);
    free(anon);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anon_grown_copy),
        cmocka_unit_test(test_anon_grown_in_place),
        cmocka_unit_test(test_anon_modified),
        cmocka_unit_test(test_anon_replaced),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
