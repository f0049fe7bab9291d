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
#include "img_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Linux values; elsewhere lseek() fails and the whole file is one extent. */
#ifndef SEEK_DATA
#define SEEK_DATA 3
#define SEEK_HOLE 4
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
 * unwritten extent: emk_img_fiemap).  None where FIEMAP is missing. */
static int unwritten_map(emk_img_ctx *c, emk_img_span **v, size_t *n,
                         size_t *cap)
{
    uint64_t *e = NULL;
    size_t k = 0, i;
    int r = 0;
    if (emk_img_fiemap(c->fd, c->file_size, EMK_IMG_FM_UNWRITTEN, &e, &k) < 0)
        return 0;       /* no FIEMAP here: nothing is known unwritten */
    for (i = 0; r == 0 && i < k; i++)
        r = push(c, v, n, cap, e[2 * i], e[2 * i + 1], 1);
    free(e);
    return r;
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
