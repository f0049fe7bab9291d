/*
 * alloc.c - the platform part of copy mode's output: allocating zeroed
 * extents without writing them (fallocate) and copying metadata in the
 * kernel (copy_file_range).  Both are Linux calls; elsewhere, or where the
 * file system refuses, the callers write the bytes themselves.
 */
#define _GNU_SOURCE 1 /* fallocate() and FALLOC_FL_* in glibc and musl */
#include "img_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 0x01
#endif

int emk_img_alloc_zeros(int fd, uint64_t off, uint64_t len)
{
#ifdef __linux__
    /* the libc's fallocate() is the system call itself (glibc and musl);
     * posix_fallocate() is not used: glibc emulates it by writing a byte
     * per block where the file system has no fallocate */
    int r;
    do {
        r = fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : 0;
#else
    (void)fd;
    (void)off;
    (void)len;
    return -EOPNOTSUPP;
#endif
}

int emk_img_copy_range(int in, int out, uint64_t off, uint64_t len)
{
#if defined(__linux__) && defined(SYS_copy_file_range)
    /* the raw system call: older C libraries have no wrapper */
    while (len) {
        long long ioff = (long long)off, ooff = (long long)off;
        long n = syscall(SYS_copy_file_range, in, &ioff, out, &ooff,
                         (size_t)len, 0u);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO;    /* end of SRC: the read path says where */
        off += (uint64_t)n;
        len -= (uint64_t)n;
    }
    return 0;
#else
    (void)in;
    (void)out;
    (void)off;
    (void)len;
    return -EOPNOTSUPP;
#endif
}

#if defined(__linux__) && defined(SYS_ioctl)
/* FS_IOC_FIEMAP (linux/fiemap.h, a stable ABI; spelled out because
 * musl-gcc has no kernel headers) */
enum { FM_EXTENTS = 128, FM_FLAG_SYNC = 1, FM_LAST = 1, FM_UNWRITTEN = 0x800 };
#define FM_IOCTL 0xC020660BUL
typedef struct fm_extent {
    uint64_t logical, physical, length, reserved64[2];
    uint32_t flags, reserved[3];
} fm_extent;
typedef struct fm_req {
    uint64_t start, length;
    uint32_t flags, mapped, count, reserved;
    fm_extent ext[FM_EXTENTS];
} fm_req;

/* Appends [a, b) to the pair list e (k pairs, cap), merging a touching
 * one.  Returns 0 or -ENOMEM. */
static int add_pair(uint64_t **e, size_t *k, size_t *cap, uint64_t a,
                    uint64_t b)
{
    if (*k && (*e)[2 * *k - 1] == a) {
        (*e)[2 * *k - 1] = b;
        return 0;
    }
    if (*k == *cap) {
        uint64_t *ne = realloc(*e, *cap * 4 * sizeof(**e));
        if (!ne)
            return -ENOMEM;
        *e = ne;
        *cap *= 2;
    }
    (*e)[2 * *k] = a;
    (*e)[2 * (*k)++ + 1] = b;
    return 0;
}

int emk_img_fiemap(int fd, uint64_t size, int which, uint64_t **out,
                   size_t *n)
{
    fm_req *fm = malloc(sizeof(*fm));
    size_t k = 0, cap = 32;
    uint64_t *e = malloc(cap * 2 * sizeof(*e)), pos = 0;
    int r = 0, last = 0;
    if (!fm || !e) {
        free(fm);
        free(e);
        return -ENOMEM;
    }
    while (r == 0 && !last && pos < size) {
        uint32_t i;
        memset(fm, 0, sizeof(*fm));
        fm->start = pos;
        fm->length = size - pos;
        fm->flags = FM_FLAG_SYNC;
        fm->count = FM_EXTENTS;
        if (syscall(SYS_ioctl, fd, FM_IOCTL, fm) < 0) {
            r = -errno;
            break;
        }
        if (fm->mapped == 0)
            break;
        for (i = 0; r == 0 && i < fm->mapped && i < FM_EXTENTS; i++) {
            const fm_extent *x = &fm->ext[i];
            uint64_t b = x->logical + x->length < size
                             ? x->logical + x->length : size;
            int unwritten = (x->flags & FM_UNWRITTEN) != 0;
            if (x->logical < b &&
                !(which == EMK_IMG_FM_WRITTEN && unwritten) &&
                !(which == EMK_IMG_FM_UNWRITTEN && !unwritten))
                r = add_pair(&e, &k, &cap, x->logical, b);
            pos = x->logical + x->length;
            last |= (x->flags & FM_LAST) != 0;
        }
    }
    free(fm);
    if (r < 0) {
        free(e);
        return r;
    }
    *out = e;
    *n = k;
    return 0;
}
#else
int emk_img_fiemap(int fd, uint64_t size, int which, uint64_t **out,
                   size_t *n)
{
    (void)fd;
    (void)size;
    (void)which;
    (void)out;
    (void)n;
    return -EOPNOTSUPP;
}
#endif

/* qemu-img map and qemu's block status look at the file system's
 * data/hole map (SEEK_DATA) of a data area only for raw data (VMDK flat
 * extents, the qcow2 data file) and for qcow2 images that QEMU takes for
 * preallocated: it counts clusters with a reference count not 0 and
 * decides so at 10/9 of the clusters st_blocks covers (at least that plus
 * 2).  There an unwritten extent would read as a hole where SRC had data,
 * so those files get written zeros.  The copy's st_blocks is at least its
 * allocated extents (data_bytes), so the threshold computed from them is
 * at most QEMU's. */
int emk_img_alloc_keeps_map(const emk_img_ctx *c, int flat,
                            uint64_t data_bytes)
{
    uint64_t real, threshold;
    if (flat)
        return 0;
    if (c->format != EMK_IMG_FMT_QCOW2)
        return 1;
    if (c->cluster_size == 0)
        return 0;
    real = data_bytes / c->cluster_size;
    threshold = real * 10 / 9 > real + 2 ? real * 10 / 9 : real + 2;
    return c->n_refcounted < threshold;
}
