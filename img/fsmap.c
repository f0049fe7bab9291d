/*
 * fsmap.c - the file system's map of an image file: its data extents
 * (SEEK_DATA/SEEK_HOLE) and, on Linux, which of them are unwritten
 * (fallocated, FIEMAP).  QEMU leaves unwritten extents in every image:
 * preallocation=falloc and, for the zero parts of a new cluster's
 * copy-on-write areas, write-zeroes through fallocate.  An unwritten extent
 * reads as zeros, but SEEK_DATA calls it data only while some of its pages
 * sit in the page cache; so the data/hole map alone depends on what was
 * read before, and an output made from it would too.
 */
#define _GNU_SOURCE 1 /* fallocate() in glibc */
#include "img_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/ioctl.h>
#endif

/* Linux values; elsewhere lseek() fails and the whole file is one extent. */
#ifndef SEEK_DATA
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif

enum { FIEMAP_BATCH = 128 };

#if defined(__linux__) && defined(_IOWR)
/* The FIEMAP ioctl's ABI (linux/fiemap.h, which not every C library's
 * headers carry: musl's do not). */
typedef struct fm_head {
    uint64_t start, length;
    uint32_t flags, mapped, count, reserved;
} fm_head;
typedef struct fm_extent {
    uint64_t logical, physical, length, reserved64[2];
    uint32_t flags, reserved[3];
} fm_extent;
typedef struct fm_req {
    fm_head h;
    fm_extent e[FIEMAP_BATCH];
} fm_req;
enum {
    FM_FLAG_SYNC = 1,               /* FIEMAP_FLAG_SYNC */
    FM_EXTENT_LAST = 1,             /* FIEMAP_EXTENT_LAST */
    FM_EXTENT_UNWRITTEN = 0x800     /* FIEMAP_EXTENT_UNWRITTEN */
};
#define EMK_FS_IOC_FIEMAP _IOWR('f', 11, fm_head)
#endif

static int push(emk_img_ctx *c, emk_img_span **v, size_t *n, size_t *cap,
                uint64_t a, uint64_t b, int unwritten)
{
    if (a >= b)
        return 0;
    if (*n && (*v)[*n - 1].b == a && (*v)[*n - 1].unwritten == unwritten) {
        (*v)[*n - 1].b = b;
        return 0;
    }
    if (*n == *cap) {
        size_t want = *cap ? *cap * 2 : 64;
        emk_img_span *p = realloc(*v, want * sizeof(*p));
        if (!p)
            return emk_img_fail(c, -ENOMEM, "out of memory (extents)");
        *v = p;
        *cap = want;
    }
    (*v)[*n].a = a;
    (*v)[*n].b = b;
    (*v)[*n].unwritten = unwritten;
    (*n)++;
    return 0;
}

/* The data extents as SEEK_DATA/SEEK_HOLE see them, clamped to the size
 * seen at open (one extent when the file system cannot tell). */
static int seek_map(emk_img_ctx *c, emk_img_span **v, size_t *n, size_t *cap)
{
    off_t pos = 0;
    while ((uint64_t)pos < c->file_size) {
        off_t d = lseek(c->fd, pos, SEEK_DATA), h;
        if (d < 0) {
            if (errno == ENXIO)
                break;
            *n = 0;
            return push(c, v, n, cap, 0, c->file_size, 0);
        }
        if ((uint64_t)d >= c->file_size)
            break;      /* the file grew: only what was parsed counts */
        h = lseek(c->fd, d, SEEK_HOLE);
        if (h < 0 || (uint64_t)h > c->file_size)
            h = (off_t)c->file_size;
        if (push(c, v, n, cap, (uint64_t)d, (uint64_t)h, 0) < 0)
            return -ENOMEM;
        pos = h;
    }
    return 0;
}

/* The unwritten extents inside the file size (FIEMAP after a sync, so
 * data still in the page cache has been written and is no longer in an
 * unwritten extent).  None where FIEMAP is missing. */
static int unwritten_map(emk_img_ctx *c, emk_img_span **v, size_t *n,
                         size_t *cap)
{
#ifdef EMK_FS_IOC_FIEMAP
    fm_req *fm = malloc(sizeof(*fm));
    /* a variable: musl's ioctl() takes an int request, glibc's an
     * unsigned long, and the constant does not fit an int */
    unsigned long req = (unsigned long)EMK_FS_IOC_FIEMAP;
    uint64_t pos = 0;
    int r = 0, last = 0;
    if (!fm)
        return emk_img_fail(c, -ENOMEM, "out of memory (extents)");
    while (r == 0 && !last && pos < c->file_size) {
        uint64_t from = pos;
        uint32_t i;
        memset(&fm->h, 0, sizeof(fm->h));
        fm->h.start = pos;
        fm->h.length = c->file_size - pos;
        fm->h.flags = FM_FLAG_SYNC;
        fm->h.count = FIEMAP_BATCH;
        if (ioctl(c->fd, req, fm) < 0 || fm->h.mapped == 0 ||
            fm->h.mapped > FIEMAP_BATCH)
            break;      /* no FIEMAP here, or nothing more */
        for (i = 0; r == 0 && i < fm->h.mapped; i++) {
            const fm_extent *e = &fm->e[i];
            uint64_t a = e->logical, b = a + e->length;
            if (b > c->file_size)
                b = c->file_size;
            if (e->flags & FM_EXTENT_UNWRITTEN)
                r = push(c, v, n, cap, a > pos ? a : pos, b, 1);
            if (e->flags & FM_EXTENT_LAST)
                last = 1;
            if (b > pos)
                pos = b;
        }
        if (pos == from)
            break;
    }
    free(fm);
    return r;
#else
    (void)c;
    (void)v;
    (void)n;
    (void)cap;
    return 0;
#endif
}

int emk_img_file_map(emk_img_ctx *c, emk_img_span **out, size_t *nout)
{
    emk_img_span *d = NULL, *u = NULL, *v = NULL;
    size_t nd = 0, cd = 0, nu = 0, cu = 0, n = 0, cap = 0, i, k = 0;
    int r = seek_map(c, &d, &nd, &cd);
    if (r == 0)
        r = unwritten_map(c, &u, &nu, &cu);
    /* the data extents without their unwritten parts, and every unwritten
     * extent (data or hole to SEEK_DATA, as the page cache has it) */
    for (i = 0; r == 0 && i < nd; i++) {
        uint64_t a = d[i].a;
        while (r == 0 && a < d[i].b) {
            while (k < nu && u[k].b <= a)
                r = push(c, &v, &n, &cap, u[k].a, u[k].b, 1), k++;
            if (r < 0)
                break;
            if (k < nu && u[k].a <= a) {
                a = u[k].b < d[i].b ? u[k].b : d[i].b;
                continue;
            }
            {
                uint64_t b = k < nu && u[k].a < d[i].b ? u[k].a : d[i].b;
                r = push(c, &v, &n, &cap, a, b, 0);
                a = b;
            }
        }
    }
    for (; r == 0 && k < nu; k++)
        r = push(c, &v, &n, &cap, u[k].a, u[k].b, 1);
    free(d);
    free(u);
    if (r < 0) {
        free(v);
        return r;
    }
    *out = v;
    *nout = n;
    return 0;
}

int emk_img_alloc_unwritten(int fd, uint64_t off, uint64_t len)
{
#ifdef __linux__
    int r;
    do {
        r = fallocate(fd, 0, (off_t)off, (off_t)len);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : 0;
#else
    (void)fd;
    (void)off;
    (void)len;
    return -EOPNOTSUPP;
#endif
}
