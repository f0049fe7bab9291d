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
