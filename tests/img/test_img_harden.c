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
#include <sys/resource.h>
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

/* ---- finding 4: extent and data-file names stay inside the directory ---- */

/* A qcow2 v3 with an external data file called name: header (with the data
 * file extension), refcount table, refcount block; no L1. */
static void write_dfile_qcow2(const char *path, const char *name)
{
    uint8_t *h = calloc(3, CS);
    size_t len = strlen(name);
    int i;
    assert_non_null(h);
    memcpy(h, "QFI\xfb", 4);
    be32(h + 4, 3);
    be32(h + 20, 16);
    be64(h + 24, 1 << 20);
    be64(h + 48, CS);                       /* refcount table */
    be32(h + 56, 1);
    be64(h + 72, 4);                        /* incompatible: data file */
    be32(h + 96, 4);
    be32(h + 100, 104);
    be32(h + 104, 0x44415441);              /* data file name extension */
    be32(h + 108, (uint32_t)len);
    memcpy(h + 112, name, len);
    be64(h + CS, 2 * CS);
    for (i = 0; i < 3; i++)
        h[2 * CS + 2 * i + 1] = 1;
    write_file(path, h, 3 * (size_t)CS);
    free(h);
}

static const char VICTIM[] = "VICTIM-DATA: must survive";

static void mkdirs(const char *sub)
{
    char p[160];
    assert_int_equal(mkdir(at(p, sizeof(p), sub), 0755), 0);
}

/* Anonymizes dir/a/b/evil.qcow2 (data file name) in place, then in copy
 * mode into dir/out; both must fail with err naming want (errno e), and
 * victim.txt and the image must stay untouched. */
static void expect_refused(const char *name, int e, const char *want)
{
    char img[160], dst[160], victim[160];
    uint8_t *before;
    emk_img_ctx *c = calloc(1, sizeof(*c));
    emk_img_opts o;
    size_t n;
    int mode;
    at(img, sizeof(img), "a/b/evil.qcow2");
    at(victim, sizeof(victim), "victim.txt");
    write_dfile_qcow2(img, name);
    write_file(victim, (const uint8_t *)VICTIM, sizeof(VICTIM));
    before = read_file(img, &n);
    for (mode = 0; mode < 2; mode++) {
        memset(&o, 0, sizeof(o));
        o.in_place = mode == 0;
        assert_int_equal((mode ? emk_img_open : emk_img_open_rw)(
                             c, img, EMK_IMG_FMT_QCOW2), 0);
        assert_int_equal(emk_img_anonymize(c, img, at(dst, sizeof(dst),
                                           "out/evil.qcow2"), &o), e);
        if (!strstr(c->err, want))
            fail_msg("'%s': error '%s' does not say '%s'", name, c->err, want);
        emk_img_close(c);
        assert_true(same_bytes(victim, (const uint8_t *)VICTIM, sizeof(VICTIM)));
        assert_true(same_bytes(img, before, n));
        assert_int_equal(access(dst, F_OK), -1);
    }
    free(before);
    free(c);
}

static void test_datafile_outside(void **state)
{
    char abs[160], p[160], q[160];
    (void)state;
    mkdirs("a");
    mkdirs("a/b");
    mkdirs("out");
    expect_refused("../../victim.txt", -EPERM, "leaves the image's directory");
    expect_refused("x/../../../victim.txt", -EPERM, "--allow-external-paths");
    expect_refused(at(abs, sizeof(abs), "victim.txt"), -EPERM,
                   "is an absolute path");
    /* a symbolic link as the name, or on the way */
    assert_int_equal(symlink("../../victim.txt", at(p, sizeof(p), "a/b/l.raw")),
                     0);
    expect_refused("l.raw", -ELOOP, "symbolic link");
    assert_int_equal(symlink(dir, at(p, sizeof(p), "a/b/sub")), 0);
    expect_refused("sub/victim.txt", -ELOOP, "symbolic link");
    /* allowed explicitly: the named file is the data file */
    {
        emk_img_ctx *c = calloc(1, sizeof(*c));
        emk_img_opts o;
        size_t n;
        uint8_t *v;
        memset(&o, 0, sizeof(o));
        o.in_place = 1;
        o.allow_external_paths = 1;
        write_dfile_qcow2(at(q, sizeof(q), "a/b/evil.qcow2"), "../../victim.txt");
        assert_int_equal(emk_img_open_rw(c, q, EMK_IMG_FMT_QCOW2), 0);
        assert_int_equal(emk_img_anonymize(c, q, NULL, &o), 0);
        emk_img_close(c);
        v = read_file(at(p, sizeof(p), "victim.txt"), &n);
        assert_false(contains(v, n, "VICTIM"));
        free(v);
        free(c);
    }
}

/* A data file in a subdirectory of the image's directory: anonymized in
 * place, and copied below DST's directory in copy mode. */
static void test_datafile_inside(void **state)
{
    char img[160], data[160], dst[160], out[160];
    emk_img_ctx *c = calloc(1, sizeof(*c));
    emk_img_opts o;
    uint8_t *b;
    size_t n;
    (void)state;
    mkdirs("in");
    mkdirs("in/data");
    mkdirs("cp");
    mkdirs("cp/data");
    write_dfile_qcow2(at(img, sizeof(img), "in/d.qcow2"), "data/d.raw");
    write_file(at(data, sizeof(data), "in/data/d.raw"),
               (const uint8_t *)"EMKSECRET", 9);
    memset(&o, 0, sizeof(o));
    assert_int_equal(emk_img_open(c, img, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(emk_img_anonymize(c, img, at(dst, sizeof(dst),
                                       "cp/d.qcow2"), &o), 0);
    emk_img_close(c);
    b = read_file(at(out, sizeof(out), "cp/data/d.raw"), &n);
    assert_int_equal(n, 9);
    assert_false(contains(b, n, "EMKSECRET"));
    free(b);
    o.in_place = 1;
    assert_int_equal(emk_img_open_rw(c, img, EMK_IMG_FMT_QCOW2), 0);
    assert_int_equal(emk_img_anonymize(c, img, NULL, &o), 0);
    emk_img_close(c);
    b = read_file(data, &n);
    assert_false(contains(b, n, "EMKSECRET"));
    free(b);
    free(c);
}

/* VMDK extents go through the same check (one helper for both). */
static void test_vmdk_extent_outside(void **state)
{
    static const char desc[] = "# Disk DescriptorFile\nversion=1\n"
        "createType=\"monolithicFlat\"\nRW 8 FLAT \"../v.raw\" 0\n";
    char img[160], v[160];
    emk_img_ctx *c = calloc(1, sizeof(*c));
    emk_img_opts o;
    (void)state;
    mkdirs("vm");
    write_file(at(img, sizeof(img), "vm/x.vmdk"), (const uint8_t *)desc,
               sizeof(desc) - 1);
    write_file(at(v, sizeof(v), "v.raw"), (const uint8_t *)VICTIM,
               sizeof(VICTIM));
    memset(&o, 0, sizeof(o));
    o.in_place = 1;
    assert_int_equal(emk_img_open_rw(c, img, EMK_IMG_FMT_VMDK), 0);
    assert_int_equal(emk_img_anonymize(c, img, NULL, &o), -EPERM);
    assert_non_null(strstr(c->err, "leaves the image's directory"));
    emk_img_close(c);
    assert_true(same_bytes(v, (const uint8_t *)VICTIM, sizeof(VICTIM)));
    free(c);
}

/* ---- finding 8: many snapshots sharing one huge L1 table ---- */

enum { SN_L2 = 64, SN_DATA = 65, SN_L1 = 128, SN_STRIDE = 512 };

static void put_refcount(int fd, uint64_t cluster, uint32_t count)
{
    uint8_t b[4];
    be32(b, count);
    assert_int_equal(pwrite(fd, b, 4, (off_t)(2 * CS + 4 * cluster)), 4);
}

/* A sparse qcow2 (32-bit refcounts): active L1 at cluster 3 -> L2 at 64 ->
 * data at 65; nsnap snapshots whose L1 tables of l1n entries (entry 0 ->
 * the same L2) all sit at cluster 128 (distinct = 0), or at 128 + i % 512.
 * The stored refcounts are what QEMU's check expects when they share. */
static void write_snap_qcow2(const char *path, uint32_t nsnap, uint32_t l1n,
                             int distinct)
{
    uint64_t l1_clusters = ((uint64_t)l1n * 8 + CS - 1) / CS, i;
    uint64_t size = (SN_L1 + l1_clusters + (distinct ? SN_STRIDE : 0)) * CS;
    uint8_t h[112], e[48], ptr[8];
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)size), 0);
    memset(h, 0, sizeof(h));
    memcpy(h, "QFI\xfb", 4);
    be32(h + 4, 3);
    be32(h + 20, 16);
    be64(h + 24, 1 << 20);
    be32(h + 36, 1);                        /* active L1: 1 entry */
    be64(h + 40, 3 * CS);
    be64(h + 48, CS);
    be32(h + 56, 1);
    be32(h + 60, nsnap);
    be64(h + 64, 4 * CS);
    be32(h + 96, 5);                        /* 32-bit refcounts */
    be32(h + 100, 104);
    assert_int_equal(pwrite(fd, h, sizeof(h), 0), (ssize_t)sizeof(h));
    be64(ptr, 2 * CS);
    assert_int_equal(pwrite(fd, ptr, 8, CS), 8);
    be64(ptr, (1ULL << 63) | (uint64_t)SN_L2 * CS);
    assert_int_equal(pwrite(fd, ptr, 8, 3 * CS), 8);
    for (i = 0; i < (distinct ? SN_STRIDE : 1); i++)
        assert_int_equal(pwrite(fd, ptr, 8, (off_t)((SN_L1 + i) * CS)), 8);
    be64(ptr, (1ULL << 63) | (uint64_t)SN_DATA * CS);
    assert_int_equal(pwrite(fd, ptr, 8, (off_t)SN_L2 * CS), 8);
    assert_int_equal(pwrite(fd, "EMKSECRET", 9, (off_t)SN_DATA * CS), 9);
    memset(e, 0, sizeof(e));
    be32(e + 8, l1n);
    be32(e + 12, 1 << 16);                  /* id_size 1, name_size 0 */
    e[40] = '1';
    for (i = 0; i < nsnap; i++) {
        be64(e, (SN_L1 + (distinct ? i % SN_STRIDE : 0)) * CS);
        assert_int_equal(pwrite(fd, e, 48, (off_t)(4 * CS + 48 * i)), 48);
    }
    for (i = 0; i < 4 + (48ULL * nsnap + CS - 1) / CS; i++)
        put_refcount(fd, i, 1);
    put_refcount(fd, SN_L2, 1 + nsnap);
    put_refcount(fd, SN_DATA, 1 + nsnap);
    for (i = 0; !distinct && i < l1_clusters; i++)
        put_refcount(fd, SN_L1 + i, nsnap);
    close(fd);
}

/* Opens, checks and anonymizes (dry run) an image whose nsnap snapshots
 * share one L1 table of l1n entries: the table is walked once. */
static void shared_l1(uint32_t nsnap, uint32_t l1n)
{
    char img[160];
    emk_img_ctx *c = calloc(1, sizeof(*c));
    emk_img_opts o;
    FILE *null = fopen("/dev/null", "w");
    assert_non_null(null);
    write_snap_qcow2(at(img, sizeof(img), "snaps.qcow2"), nsnap, l1n, 0);
    if (emk_img_open(c, img, EMK_IMG_FMT_QCOW2) < 0)
        fail_msg("open: %s", c->err);
    assert_int_equal(c->nb_snapshots, nsnap);
    /* active: 1 L1 + 1 L2 (8192 entries); snapshots: l1n + 8192, once */
    assert_true(c->n_walked <= 1 + 8192 + (uint64_t)l1n + 8192);
    assert_int_equal(c->cat[SN_DATA], EMK_IMG_CAT_ACTIVE);
    /* each snapshot still counts as a reference, as in QEMU's check */
    assert_int_equal(c->n_refcount_errors, 0);
    assert_int_equal(c->n_leaked, 0);
    assert_int_equal(emk_img_print_check(c, null, 1), 0);
    emk_img_print_info(c, null, 1);
    memset(&o, 0, sizeof(o));
    o.dry_run = 1;
    assert_int_equal(emk_img_anonymize(c, img, NULL, &o), 0);
    emk_img_close(c);
    fclose(null);
    free(c);
}

/* Found by the fuzz campaign: a sparse VMDK whose capacity asks for a
 * grain directory of gigabytes (malloc of 8 GiB).  It is refused with a
 * clear error: the directory must lie in the file. */
static void test_vmdk_huge_directory(void **state)
{
    uint8_t h[4096];
    char img[160];
    emk_img_ctx *c = calloc(1, sizeof(*c));
    uint64_t cap = 1ULL << 40, v;
    struct rlimit old, lim;
    int i, r;

    (void)state;
    memset(h, 0, sizeof(h));
    memcpy(h, "KDMV", 4);
    h[4] = 1;                                  /* version 1 */
    for (i = 0, v = cap; i < 8; i++, v >>= 8)
        h[12 + i] = (uint8_t)v;                /* capacity: 2^40 sectors */
    h[20] = 1;                                 /* grain: 1 sector */
    h[44] = 0x00; h[45] = 0x02;                /* 512 entries per table */
    h[56] = 1;                                 /* directory at sector 1 */
    write_file(at(img, sizeof(img), "huge.vmdk"), h, sizeof(h));
    /* at most 1 GiB more address space: the old code's 8 GiB directory
     * buffer then fails (-ENOMEM) instead of being overcommitted */
    assert_int_equal(getrlimit(RLIMIT_AS, &old), 0);
    lim = old;
    lim.rlim_cur = 1ULL << 32;
    if (old.rlim_cur != RLIM_INFINITY && old.rlim_cur < lim.rlim_cur)
        lim.rlim_cur = old.rlim_cur;
    assert_int_equal(setrlimit(RLIMIT_AS, &lim), 0);
    r = emk_img_open(c, img, EMK_IMG_FMT_VMDK);
    assert_int_equal(setrlimit(RLIMIT_AS, &old), 0);
    assert_int_equal(r, -ERANGE);
    assert_non_null(strstr(c->err, "beyond the end of the file"));
    emk_img_close(c);
    free(c);
}

static void test_snapshots_share_l1(void **state)
{
    (void)state;
    shared_l1(3, 1);
    /* 65536 snapshots x 4M L1 entries: 2^38 entries if walked each time */
    shared_l1(65536, 4u << 20);
}

/* Distinct huge L1 tables beyond the walk budget: refused before walking. */
static void test_snapshots_budget(void **state)
{
    char img[160];
    emk_img_ctx *c = calloc(1, sizeof(*c));
    (void)state;
    write_snap_qcow2(at(img, sizeof(img), "budget.qcow2"), 65536, 4u << 20, 1);
    assert_int_equal(emk_img_open(c, img, EMK_IMG_FMT_QCOW2), -EFBIG);
    if (!strstr(c->err, "snapshot") || !strstr(c->err, "limit"))
        fail_msg("unexpected error '%s'", c->err);
    assert_true(c->n_walked <= 1 + 8192);     /* only the active layer */
    emk_img_close(c);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anon_grown_copy),
        cmocka_unit_test(test_anon_grown_in_place),
        cmocka_unit_test(test_anon_modified),
        cmocka_unit_test(test_anon_replaced),
        cmocka_unit_test(test_datafile_outside),
        cmocka_unit_test(test_datafile_inside),
        cmocka_unit_test(test_vmdk_extent_outside),
        cmocka_unit_test(test_vmdk_huge_directory),
        cmocka_unit_test(test_snapshots_share_l1),
        cmocka_unit_test(test_snapshots_budget),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
