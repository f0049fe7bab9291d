/*
 * verify.c - compare-metadata: proves that an anonymized file keeps every
 * metadata byte of the original and leaves no data byte.  It rebuilds, from
 * the parser's classification of the original (the walk the anonymizer
 * uses), the bytes each allocated extent must hold, and compares them with
 * the anonymized file: metadata from the original (VHDX log patches as
 * patched), stale tails of partial metadata units as zeros, compressed
 * slots as the stream of zeros with the grain markers kept, every other
 * byte zero.  Sizes and allocation maps must be equal.
 */
#include "img_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SEEK_DATA
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif

enum { CHUNK = 1024 * 1024, MAX_PROBLEMS = 16, STREAM_CAP = 16384 };

typedef struct problem {
    char file[64];
    uint64_t off, len;
    int cat;
    const char *what;
} problem;

typedef struct verify {
    emk_img_ctx *c;         /* the file being compared (orig or an extent) */
    const char *file;       /* its name in the report */
    int anon;               /* the anonymized file */
    int scrubbed;
    uint8_t *want, *got;
    uint64_t meta_bytes, zero_bytes, patch_bytes, slots, names, files;
    uint64_t nproblems, bad_bytes;
    problem p[MAX_PROBLEMS];
} verify;

static void add_problem(verify *v, uint64_t off, uint64_t len, int cat,
                        const char *what)
{
    problem *last = v->nproblems && v->nproblems <= MAX_PROBLEMS
                        ? &v->p[v->nproblems - 1] : NULL;
    v->bad_bytes += len;
    if (last && last->what == what && last->off + last->len == off &&
        strcmp(last->file, v->file) == 0) {
        last->len += len;
        return;
    }
    if (v->nproblems < MAX_PROBLEMS) {
        problem *p = &v->p[v->nproblems];
        snprintf(p->file, sizeof(p->file), "%s", v->file);
        p->off = off;
        p->len = len;
        p->cat = cat;
        p->what = what;
    }
    v->nproblems++;
}

/* Allocated extents of fd up to size, or the whole file when the file
 * system cannot tell. */
static int extents_of(int fd, uint64_t size, uint64_t **out, size_t *n)
{
    size_t cap = 32, k = 0;
    uint64_t *e = malloc(cap * 2 * sizeof(*e));
    off_t pos = 0;
    if (!e)
        return -ENOMEM;
    while ((uint64_t)pos < size) {
        off_t d = lseek(fd, pos, SEEK_DATA), h;
        if (d < 0) {
            if (errno != ENXIO) {
                k = 0;
                e[k * 2] = 0;
                e[k++ * 2 + 1] = size;
            }
            break;
        }
        h = lseek(fd, d, SEEK_HOLE);
        if (h < 0 || (uint64_t)h > size)
            h = (off_t)size;
        if (k == cap) {
            uint64_t *ne = realloc(e, cap * 4 * sizeof(*e));
            if (!ne) {
                free(e);
                return -ENOMEM;
            }
            e = ne;
            cap *= 2;
        }
        e[k * 2] = (uint64_t)d;
        e[k++ * 2 + 1] = (uint64_t)h;
        pos = h;
    }
    *out = e;
    *n = k;
    return 0;
}

static int is_meta(const emk_img_ctx *c, uint64_t off)
{
    size_t i;
    if (c->cat[off / c->unit] != EMK_IMG_CAT_META_PART)
        return c->cat[off / c->unit] == EMK_IMG_CAT_META;
    for (i = 0; i < c->npmeta; i++)
        if (off >= c->pmeta[i].off && off - c->pmeta[i].off < c->pmeta[i].len)
            return 1;
    return 0;
}

/* Clamps [off, off + len) to [a, b); 0 when they do not meet. */
static int clamp(uint64_t a, uint64_t b, uint64_t off, uint64_t len,
                 uint64_t *from, uint64_t *to)
{
    *from = off > a ? off : a;
    *to = off + len < b ? off + len : b;
    return *from < *to;
}

/* Copies the original bytes of [off, off + len) into want (both buffers
 * hold [a, b)). */
static void keep_orig(uint8_t *want, const uint8_t *orig, uint64_t a,
                      uint64_t b, uint64_t off, uint64_t len)
{
    uint64_t from, to;
    if (clamp(a, b, off, len, &from, &to))
        memcpy(want + (from - a), orig + (from - a), (size_t)(to - from));
}

static int zero_stream(const emk_img_slot *s, uint8_t *out)
{
    if (s->kind == EMK_IMG_STREAM_ZSTD)
        return emk_img_zstd_zeros(out, STREAM_CAP, s->usize);
    if (s->kind == EMK_IMG_STREAM_ZLIB)
        return emk_img_zlib_zeros(out, STREAM_CAP, s->usize);
    return emk_img_deflate_zeros(out, STREAM_CAP, s->usize);
}

/* Builds in v->want what [a, b) (one unit, or a run of units of one
 * category) must hold after anonymization; orig holds SRC's bytes. */
static void expected(verify *v, uint64_t a, uint64_t b, const uint8_t *orig,
                     uint8_t *stream)
{
    emk_img_ctx *c = v->c;
    int cat = c->cat[a / c->unit];
    uint64_t from, to;
    size_t i;
    if (cat == EMK_IMG_CAT_META)
        memcpy(v->want, orig, (size_t)(b - a));
    else
        memset(v->want, 0, (size_t)(b - a));
    for (i = 0; cat == EMK_IMG_CAT_META_PART && i < c->npmeta; i++)
        keep_orig(v->want, orig, a, b, c->pmeta[i].off, c->pmeta[i].len);
    for (i = 0; cat == EMK_IMG_CAT_COMPRESSED && i < c->nslots; i++) {
        const emk_img_slot *s = &c->slots[i];
        int n;
        if (s->off + s->len <= a || s->off - s->keep >= b)
            continue;
        keep_orig(v->want, orig, a, b, s->off - s->keep, s->keep);
        n = zero_stream(s, stream);
        if (n >= 0 && (uint64_t)n <= s->len &&
            clamp(a, b, s->off, (uint64_t)n, &from, &to))
            memcpy(v->want + (from - a), stream + (from - s->off),
                   (size_t)(to - from));
        if (s->off >= a)
            v->slots++;
    }
    /* the patches (VHDX log entries) are written last, over anything */
    for (i = 0; i < c->npatches; i++)
        if (clamp(a, b, c->patches[i].off, c->patches[i].len, &from, &to))
            memcpy(v->want + (from - a),
                   c->patches[i].data + (from - c->patches[i].off),
                   (size_t)(to - from));
}

/* 1 when off is inside a name (--scrubbed-names: a name must differ from
 * the original as a whole and is not compared byte by byte). */
static int in_name(const emk_img_ctx *c, uint64_t off)
{
    size_t i;
    for (i = 0; i < c->nnames; i++)
        if (off >= c->names[i].off && off - c->names[i].off < c->names[i].len)
            return 1;
    return 0;
}

/* Compares [a, b): counts kept and zeroed bytes, records problems. */
static int compare_range(verify *v, uint64_t a, uint64_t b, uint8_t *orig,
                         uint8_t *stream)
{
    emk_img_ctx *c = v->c;
    uint64_t k, n = b - a;
    int r = emk_img_pread(c, orig, (size_t)n, a, "original");
    if (r < 0)
        return r;
    if (pread(v->anon, v->got, (size_t)n, (off_t)a) != (ssize_t)n)
        return emk_img_fail(c, -EIO, "%s: reading the anonymized file at "
                            "offset %llu failed", v->file,
                            (unsigned long long)a);
    expected(v, a, b, orig, stream);
    if (c->cat[a / c->unit] != EMK_IMG_CAT_META_PART &&
        memcmp(v->got, v->want, (size_t)n) == 0) {
        /* [a, b) is one category: the fast path of a clean range */
        if (c->cat[a / c->unit] == EMK_IMG_CAT_META)
            v->meta_bytes += n;
        else
            v->zero_bytes += n;
        return 0;
    }
    for (k = 0; k < n; k++) {
        uint64_t off = a + k;
        int meta = is_meta(c, off), cat = c->cat[off / c->unit];
        if (meta)
            v->meta_bytes++;
        else
            v->zero_bytes++;
        if (v->got[k] == v->want[k] || (v->scrubbed && in_name(c, off)))
            continue;
        add_problem(v, off, 1, cat,
                    meta ? "metadata byte changed"
                    : cat == EMK_IMG_CAT_COMPRESSED
                        ? "compressed slot is not the stream of zeros"
                    : v->want[k] == 0 ? "data byte left"
                                      : "byte differs from the expected one");
    }
    return 0;
}

/* Every name must have been replaced (--scrubbed-names). */
static int check_names(verify *v)
{
    size_t i;
    int r = 0;
    for (i = 0; r == 0 && i < v->c->nnames; i++) {
        const emk_img_slot *nm = &v->c->names[i];
        size_t n = (size_t)nm->len;
        uint8_t *a = malloc(n + 1), *b = malloc(n + 1);
        if (!a || !b)
            r = emk_img_fail(v->c, -ENOMEM, "out of memory");
        else if ((r = emk_img_pread(v->c, a, n, nm->off, "name")) == 0 &&
                 pread(v->anon, b, n, (off_t)nm->off) == (ssize_t)n &&
                 memcmp(a, b, n) == 0)
            add_problem(v, nm->off, n, EMK_IMG_CAT_META,
                        "name was not replaced");
        v->names++;
        free(a);
        free(b);
    }
    return r;
}

/* The first byte of the pair list in (nin) outside the pair list out
 * (nout), both sorted and merged, or UINT64_MAX when out covers in. */
static uint64_t uncovered(const uint64_t *out, size_t nout,
                          const uint64_t *in, size_t nin)
{
    size_t i, j = 0;
    for (i = 0; i < nin; i++) {
        while (j < nout && out[2 * j + 1] <= in[2 * i])
            j++;
        if (j == nout || out[2 * j] > in[2 * i])
            return in[2 * i];
        if (out[2 * j + 1] < in[2 * i + 1])
            return out[2 * j + 1];
    }
    return UINT64_MAX;
}

/* The allocated extents of fd (FIEMAP, *fm = 1), or where the file system
 * has no FIEMAP the data extents SEEK_DATA reports (*fm = 0). */
static int allocated_of(int fd, uint64_t size, uint64_t **out, size_t *n,
                        int *fm)
{
    int r = emk_img_fiemap(fd, size, EMK_IMG_FM_ALL, out, n);
    *fm = r == 0;
    return r == 0 || r == -ENOMEM ? r : extents_of(fd, size, out, n);
}

/* 0 when anon is allocated where the anonymizer found data in orig (it
 * follows SEEK_DATA): within orig's allocated extents and over all of
 * orig's written ones.  An unwritten extent (fallocate: copy mode's
 * zeros) is a hole for SEEK_DATA until its pages are cached, so without
 * FIEMAP (tmpfs) only the first holds.  ea/eb: allocated_of() of orig and
 * anon. */
static int same_map(verify *v, const uint64_t *ea, size_t na,
                    const uint64_t *eb, size_t nb, int fm)
{
    uint64_t *w = NULL, off = uncovered(ea, na, eb, nb);
    size_t nw = 0;
    if (off == UINT64_MAX && fm &&
        emk_img_fiemap(v->c->fd, v->c->file_size, EMK_IMG_FM_WRITTEN, &w, &nw) == 0) {
        off = uncovered(eb, nb, w, nw);
        free(w);
    }
    if (off != UINT64_MAX) {
        add_problem(v, off, 0, EMK_IMG_CAT_META, "allocation map differs");
        return -1;
    }
    return 0;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* The union of the extent lists a (na) and b (nb), into a (room for
 * na + nb extents): sorted, overlapping and touching extents merged. */
static size_t merge_extents(uint64_t *a, size_t na, const uint64_t *b,
                            size_t nb)
{
    size_t i, k = 0;
    memcpy(a + 2 * na, b, nb * 2 * sizeof(*b));
    qsort(a, na + nb, 2 * sizeof(*a), cmp_u64);
    for (i = 0; i < na + nb; i++) {
        if (k && a[2 * i] <= a[2 * k - 1]) {
            if (a[2 * i + 1] > a[2 * k - 1])
                a[2 * k - 1] = a[2 * i + 1];
            continue;
        }
        a[2 * k] = a[2 * i];
        a[2 * k + 1] = a[2 * i + 1];
        k++;
    }
    return k;
}

/* Compares one parsed file (v->c) with its anonymized counterpart v->anon
 * over the extents allocated in either (a hole reads as zeros). */
static int compare_file(verify *v)
{
    emk_img_ctx *c = v->c;
    uint64_t *ea = NULL, *eb = NULL;
    size_t na = 0, nb = 0, i;
    int fa = 0, fb = 0;
    size_t cap = CHUNK > c->unit ? CHUNK : c->unit;
    uint8_t *orig = malloc(cap), *stream = malloc(STREAM_CAP);
    off_t size = lseek(v->anon, 0, SEEK_END);
    int r = 0;
    v->files++;
    v->want = malloc(cap);
    v->got = malloc(cap);
    if (!orig || !stream || !v->want || !v->got) {
        r = emk_img_fail(c, -ENOMEM, "out of memory");
    } else if (size < 0 || (uint64_t)size != c->file_size) {
        add_problem(v, size < 0 ? 0 : (uint64_t)size, 0, EMK_IMG_CAT_META,
                    "file size differs");
    } else if (allocated_of(c->fd, c->file_size, &ea, &na, &fa) < 0 ||
               allocated_of(v->anon, c->file_size, &eb, &nb, &fb) < 0) {
        r = emk_img_fail(c, -ENOMEM, "out of memory");
    } else {
        uint64_t *u;
        emk_img_fit_slots(c);
        same_map(v, ea, na, eb, nb, fa && fb);
        u = realloc(ea, (na + nb + 1) * 2 * sizeof(*ea));
        if (!u) {
            r = emk_img_fail(c, -ENOMEM, "out of memory");
            na = 0;
        } else {
            ea = u;     /* bytes allocated in either file are compared */
            na = merge_extents(ea, na, eb, nb);
        }
        for (i = 0; r == 0 && i < na; i++) {
            uint64_t a = ea[2 * i], b = ea[2 * i + 1];
            while (r == 0 && a < b) {
                uint64_t u = a / c->unit, w = u + 1, end;
                int cat = c->cat[u];
                if (cat != EMK_IMG_CAT_COMPRESSED && cat != EMK_IMG_CAT_META_PART)
                    while (w < c->nunits && c->cat[w] == cat &&
                           (w - u + 1) * c->unit <= CHUNK)
                        w++;
                end = w * c->unit < b ? w * c->unit : b;
                r = compare_range(v, a, end, orig, stream);
                a = end;
            }
        }
        for (i = 0; i < c->npatches; i++)
            v->patch_bytes += c->patches[i].len;
        if (r == 0 && v->scrubbed)
            r = check_names(v);
    }
    free(ea);
    free(eb);
    free(orig);
    free(stream);
    free(v->want);
    free(v->got);
    v->want = v->got = NULL;
    return r;
}

/* Opens the anonymized file name below dir (the image's own path when dir
 * is AT_FDCWD) read-only, locked as a reader.  Returns fd or -errno. */
static int open_anon(emk_img_ctx *c, int dir, const char *name)
{
    int fd = dir == AT_FDCWD ? open(name, O_RDONLY | O_CLOEXEC)
                             : emk_img_openat(c, dir, name, O_RDONLY, 0);
    int r;
    if (fd < 0 && dir == AT_FDCWD)
        return emk_img_fail(c, -errno, "Could not open '%s': %s", name,
                            strerror(errno));
    if (fd < 0)
        return fd;
    r = emk_img_lock(c, fd, name, 0);
    if (r < 0) {
        close(fd);
        return r;
    }
    return fd;
}

/* The extent files (VMDK) or the data file (qcow2): each parsed from the
 * original's directory and compared with the same name in ANON's. */
static int compare_extents(verify *v, emk_img_ctx *orig, const char *anon)
{
    emk_img_ctx *e = calloc(1, sizeof(*e));
    int sdir = -1, adir = -1, r = 0, fd;
    uint32_t i;
    if (!e)
        return emk_img_fail(orig, -ENOMEM, "out of memory");
    e->fd = -1;
    sdir = emk_img_dir_open(orig, orig->filename);
    if (sdir < 0)
        r = sdir;
    if (r == 0 && (adir = emk_img_dir_open(orig, anon)) < 0)
        r = adir;
    for (i = 0; r == 0 && i < orig->nextents; i++) {
        const emk_img_extent *x = &orig->extents[i];
        r = emk_img_open_extent(e, sdir, x->name, (int)x->kind, 0, 0);
        if (r < 0) {
            r = emk_img_fail(orig, r, "extent %s: %s", x->name, e->err);
            break;
        }
        fd = open_anon(e, adir, x->name);
        if (fd < 0) {
            r = emk_img_fail(orig, fd, "anonymized extent %s: %s", x->name,
                             e->err);
        } else {
            v->c = e;
            v->file = x->name;
            v->anon = fd;
            r = compare_file(v);
            if (r < 0)
                emk_img_fail(orig, r, "extent %s: %s", x->name, e->err);
            close(fd);
        }
        emk_img_close(e);
    }
    if (sdir >= 0)
        close(sdir);
    if (adir >= 0)
        close(adir);
    free(e);
    return r;
}

static void report(const verify *v, const emk_img_ctx *c, const char *anon,
                   FILE *out, int json)
{
    uint64_t i, n = v->nproblems < MAX_PROBLEMS ? v->nproblems : MAX_PROBLEMS;
    const char *res = v->nproblems ? "fail" : "pass";
    if (json) {
        fprintf(out, "{\n    \"original\": ");
        emk_img_json_cstr(out, c->filename ? c->filename : "");
        fprintf(out, ",\n    \"anonymized\": ");
        emk_img_json_cstr(out, anon);
        fprintf(out, ",\n    \"format\": \"%s\",\n    \"result\": \"%s\",\n"
                "    \"files\": %llu,\n    \"metadata-bytes\": %llu,\n"
                "    \"patched-bytes\": %llu,\n    \"zeroed-bytes\": %llu,\n"
                "    \"compressed-slots\": %llu,\n    \"names-replaced\": %llu,\n"
                "    \"problem-count\": %llu,\n    \"bad-bytes\": %llu,\n"
                "    \"problems\": [", emk_img_format_name(c->format), res,
                (unsigned long long)v->files,
                (unsigned long long)v->meta_bytes,
                (unsigned long long)v->patch_bytes,
                (unsigned long long)v->zero_bytes,
                (unsigned long long)v->slots,
                (unsigned long long)(v->scrubbed ? v->names : 0),
                (unsigned long long)v->nproblems,
                (unsigned long long)v->bad_bytes);
        for (i = 0; i < n; i++) {
            fprintf(out, "%s\n        {\"file\": ", i ? "," : "");
            emk_img_json_cstr(out, v->p[i].file);
            fprintf(out, ", \"offset\": %llu, \"length\": %llu, "
                    "\"category\": \"%s\", \"problem\": \"%s\"}",
                    (unsigned long long)v->p[i].off,
                    (unsigned long long)v->p[i].len,
                    emk_img_cat_name(v->p[i].cat), v->p[i].what);
        }
        fprintf(out, "%s]\n}\n", n ? "\n    " : "");
        return;
    }
    fprintf(out, "compare-metadata of a %s image, %llu file%s:\n"
            "  metadata bytes kept:  %llu (%llu of them patched log bytes)\n"
            "  data bytes zeroed:    %llu\n"
            "  compressed slots:     %llu\n",
            emk_img_format_name(c->format), (unsigned long long)v->files,
            v->files == 1 ? "" : "s", (unsigned long long)v->meta_bytes,
            (unsigned long long)v->patch_bytes,
            (unsigned long long)v->zero_bytes, (unsigned long long)v->slots);
    if (v->scrubbed)
        fprintf(out, "  names replaced:       %llu\n",
                (unsigned long long)v->names);
    for (i = 0; i < n; i++)
        fprintf(out, "  FAIL: %s at offset %llu (+%llu, %s): %s\n",
                v->p[i].file, (unsigned long long)v->p[i].off,
                (unsigned long long)v->p[i].len, emk_img_cat_name(v->p[i].cat),
                v->p[i].what);
    if (v->nproblems > n)
        fprintf(out, "  ... %llu more problems\n",
                (unsigned long long)(v->nproblems - n));
    if (v->nproblems)
        fprintf(out, "RESULT: FAIL (%llu problems, %llu bytes)\n",
                (unsigned long long)v->nproblems,
                (unsigned long long)v->bad_bytes);
    else
        fprintf(out, "RESULT: PASS\n");
}

int emk_img_compare_metadata(emk_img_ctx *orig, const char *anon_path,
                             int scrubbed_names, FILE *out, int json)
{
    verify *v = calloc(1, sizeof(*v));
    int r, fd;
    if (!v)
        return emk_img_fail(orig, -ENOMEM, "out of memory");
    v->scrubbed = scrubbed_names;
    fd = open_anon(orig, AT_FDCWD, anon_path);
    if (fd < 0) {
        free(v);
        return fd;
    }
    v->c = orig;
    v->file = "image";
    v->anon = fd;
    r = compare_file(v);
    close(fd);
    if (r == 0 && orig->nextents)
        r = compare_extents(v, orig, anon_path);
    if (r == 0)
        report(v, orig, anon_path, out, json);
    r = r < 0 ? r : v->nproblems ? 1 : 0;
    free(v);
    return r;
}
