/*
 * test_img_accept.c - images qemu-img accepts that anonymize once refused
 * or got wrong (found by tests/img/gen.py): a data cluster or grain that
 * the file ends inside (QEMU writes only the subclusters it needs of an
 * extended-L2 cluster), and unwritten (fallocated) extents, which SEEK_DATA
 * calls data only while their pages are cached.
 */
#define _GNU_SOURCE 1 /* fallocate() */
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
#ifdef __linux__
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#endif

#include "emkit/img.h"
#include "img_test_util.h"

static void make_temp(char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
}

/* Anonymizes src to dst (copy mode) and, on a copy of src, in place: both
 * must succeed with the same bytes, of src's length, without the marker.
 * Returns DST's bytes (malloc'ed). */
static uint8_t *anonymize_both(const char *src, const char *dst, size_t len,
                               size_t *n)
{
    emk_img_ctx *c = calloc(1, sizeof(*c));
    emk_img_opts o;
    char ip[80];
    uint8_t *in, *out, *inplace;
    size_t m;
    assert_non_null(c);
    memset(&o, 0, sizeof(o));
    if (emk_img_open(c, src, EMK_IMG_FMT_UNKNOWN) < 0 ||
        emk_img_anonymize(c, src, dst, &o) < 0)
        fail_msg("anonymize: %s", c->err);
    emk_img_close(c);
    out = read_file(dst, n);
    assert_int_equal(*n, len);
    assert_false(contains(out, *n, "EMKSECRET"));
    snprintf(ip, sizeof(ip), "%s.ip", src);
    in = read_file(src, &m);
    write_file(ip, in, m);
    o.in_place = 1;
    if (emk_img_open(c, ip, EMK_IMG_FMT_UNKNOWN) < 0 ||
        emk_img_anonymize(c, ip, NULL, &o) < 0)
        fail_msg("anonymize --in-place: %s", c->err);
    emk_img_close(c);
    inplace = read_file(ip, &m);
    assert_int_equal(m, *n);
    assert_memory_equal(inplace, out, m);
    unlink(ip);
    free(in);
    free(inplace);
    free(c);
    return out;
}

/* The file ends inside guest cluster 0's data cluster (cluster 5): the part
 * past the end does not exist.  Before the fix: "data cluster at offset
 * 327680 (+65536) points outside the file". */
static void test_qcow2_cluster_past_eof(void **state)
{
    char src[] = "/tmp/emk-img-eofXXXXXX", dst[64];
    uint8_t *img = build_image(), *out;
    size_t len = 5 * CS + 4096 + 100, n;
    (void)state;
    be64(img + 4 * CS + 8, 0);      /* no compressed cluster */
    img[2 * CS + 2 * 6 + 1] = 0;    /* clusters 6 and 7 are gone */
    img[2 * CS + 2 * 7 + 1] = 0;
    make_temp(src);
    write_file(src, img, len);
    snprintf(dst, sizeof(dst), "%s.out", src);
    out = anonymize_both(src, dst, len, &n);
    assert_memory_equal(out, img, 5 * CS);      /* metadata kept */
    unlink(src);
    unlink(dst);
    free(out);
    free(img);
}

/* A monolithicSparse VMDK whose file ends 3 sectors into its one 64 KiB
 * grain (qemu-img check passes it). */
/* The file ends 512 bytes into the L2 table (cluster 7, now the last one):
 * the rest of the table reads as zeros.  Before the fix: "L1 entry 0: L2
 * table at offset 458752 (+65536) is beyond the end of the file". */
static void test_qcow2_table_past_eof(void **state)
{
    char src[] = "/tmp/emk-img-tblXXXXXX", dst[64];
    uint8_t *img = build_image(), *out;
    size_t len = 7 * CS + 512, n;
    (void)state;
    be64(img + 3 * CS, (1ULL << 63) | 7 * CS);     /* L1[0] -> cluster 7 */
    memcpy(img + 7 * CS, img + 4 * CS, 8);         /* L2[0] -> cluster 5 */
    make_temp(src);
    write_file(src, img, len);
    snprintf(dst, sizeof(dst), "%s.out", src);
    out = anonymize_both(src, dst, len, &n);
    assert_memory_equal(out, img, 4 * CS);          /* (4 is leaked now) */
    assert_memory_equal(out + 7 * CS, img + 7 * CS, 512);
    unlink(src);
    unlink(dst);
    free(out);
    free(img);
}

static void test_vmdk_grain_past_eof(void **state)
{
    char src[] = "/tmp/emk-img-vgeXXXXXX", dst[64];
    uint8_t img[11 * 512], *out;
    size_t n;
    (void)state;
    memset(img, 0, sizeof(img));
    memcpy(img, "KDMV", 4);
    le32(img + 4, 1);
    le32(img + 8, 3);
    le32(img + 12, 256);            /* capacity: 2 grains */
    le32(img + 20, 128);            /* grain: 64 KiB */
    le32(img + 44, 512);            /* GTEs per GT */
    le32(img + 56, 1);              /* GD at sector 1 */
    le32(img + 64, 8);              /* overhead */
    le32(img + 512, 2);             /* GT at sector 2 */
    le32(img + 1024, 8);            /* grain 0 at sector 8 */
    memcpy(img + 8 * 512 + 7, "EMKSECRET", 9);
    memcpy(img + 10 * 512 + 100, "EMKSECRET", 9);
    make_temp(src);
    write_file(src, img, sizeof(img));
    snprintf(dst, sizeof(dst), "%s.out", src);
    out = anonymize_both(src, dst, sizeof(img), &n);
    assert_memory_equal(out, img, 8 * 512);
    unlink(src);
    unlink(dst);
    free(out);
}

#ifdef __linux__
/* 1 if [off, off + len) of path is one unwritten extent (FIEMAP). */
static int unwritten(const char *path, uint64_t off, uint64_t len)
{
    struct fiemap *m = calloc(1, sizeof(*m) + 8 * sizeof(struct fiemap_extent));
    int fd = open(path, O_RDONLY), r, res = 0;
    unsigned i;
    assert_true(fd >= 0);
    assert_non_null(m);
    m->fm_start = off;
    m->fm_length = len;
    m->fm_flags = FIEMAP_FLAG_SYNC;
    m->fm_extent_count = 8;
    r = ioctl(fd, FS_IOC_FIEMAP, m);
    close(fd);
    for (i = 0; r == 0 && i < m->fm_mapped_extents; i++) {
        const struct fiemap_extent *e = &m->fm_extents[i];
        if (e->fe_logical <= off && e->fe_logical + e->fe_length >= off + len) {
            res = (e->fe_flags & FIEMAP_EXTENT_UNWRITTEN) != 0;
            break;
        }
    }
    free(m);
    return res;
}

static long long blocks(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (long long)st.st_blocks;
}

/* Makes cluster 5 (guest cluster 0's data) of the hand-built image an
 * unwritten extent; with cached, its pages are then read into the cache.
 * Returns 0, or -1 when the file system has no unwritten extents. */
static int make_unwritten(const char *path, int cached)
{
    uint8_t buf[CS];
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 5 * CS,
                  CS) < 0 ||
        fallocate(fd, 0, 5 * CS, CS) < 0) {
        close(fd);
        return -1;
    }
    assert_int_equal(fsync(fd), 0);
    if (cached)
        assert_int_equal(pread(fd, buf, CS, 5 * CS), CS);
    else
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
    return unwritten(path, 5 * CS, CS) ? 0 : -1;
}

/* SRC's unwritten cluster stays unwritten in DST (and in place), whether or
 * not its pages are cached.  Before the fix: cached, DST got written zeros
 * there (and in place the extent was written); not cached, a hole
 * (st_blocks differed).  Either way the allocation map and qemu-img map of
 * DST depended on what had been read before. */
static void test_unwritten_extent(void **state)
{
    int cached;
    (void)state;
    for (cached = 0; cached < 2; cached++) {
        /* in the current directory (the build tree), not a tmpfs /tmp */
        char src[] = "emk-img-unwXXXXXX", dst[64], ip[64];
        uint8_t *img = build_image(), *out;
        size_t n;
        make_temp(src);
        write_file(src, img, (size_t)NCL * CS);
        if (make_unwritten(src, cached) < 0) {
            unlink(src);
            free(img);
            skip();
        }
        snprintf(dst, sizeof(dst), "%s.out", src);
        snprintf(ip, sizeof(ip), "%s.ip", src);
        out = anonymize_both(src, dst, (size_t)NCL * CS, &n);
        assert_memory_equal(out, img, 5 * CS);
        assert_true(unwritten(dst, 5 * CS, CS));
        assert_int_equal(blocks(dst), blocks(src));
        /* in place leaves it alone (anonymize_both removed its copy: redo
         * one that keeps the extent) */
        {
            emk_img_ctx *c = calloc(1, sizeof(*c));
            emk_img_opts o;
            int fd;
            assert_non_null(c);
            write_file(ip, img, (size_t)NCL * CS);
            assert_int_equal(make_unwritten(ip, cached), 0);
            memset(&o, 0, sizeof(o));
            o.in_place = 1;
            assert_int_equal(emk_img_open(c, ip, EMK_IMG_FMT_QCOW2), 0);
            assert_int_equal(emk_img_anonymize(c, ip, NULL, &o), 0);
            emk_img_close(c);
            free(c);
            fd = open(ip, O_RDONLY);
            assert_true(fd >= 0);
            posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
            close(fd);
            assert_true(unwritten(ip, 5 * CS, CS));
            unlink(ip);
        }
        unlink(src);
        unlink(dst);
        free(out);
        free(img);
    }
}
#else
static void test_unwritten_extent(void **state)
{
    (void)state;
    skip();
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qcow2_cluster_past_eof),
        cmocka_unit_test(test_qcow2_table_past_eof),
        cmocka_unit_test(test_vmdk_grain_past_eof),
        cmocka_unit_test(test_unwritten_extent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
