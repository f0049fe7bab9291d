/*
 * anon.c - the anonymizer: keeps metadata units, rewrites compressed slots
 * with streams of zeros and zeroes every other allocated byte, in a new file
 * (copy mode) or in the image itself (in-place mode).  Every write is
 * idempotent, so re-running after a crash completes an in-place run.
 */
#include "emkit/img.h"
#include "img_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { IO_CHUNK = 1024 * 1024, STREAM_MAX = 16384 };

typedef struct anon {
    emk_img_ctx *c;
    const emk_img_opts *o;
    int out;            /* -1 in dry-run */
    uint8_t *buf;       /* IO_CHUNK bytes */
    uint8_t *zero;      /* IO_CHUNK zero bytes */
    uint8_t stream[3][STREAM_MAX];
    int slen[3];
    uint32_t susize[3];
    size_t si;          /* first slot that may reach the current unit */
    uint64_t done, total;
    int last_pct;
    int writes;
    int alloc;          /* zeros may be fallocated (a new file, see fill) */
    int copy;           /* metadata may be copied with copy_file_range */
} anon;

/* Counts one output operation (the crash test's unit). */
static void step(anon *an)
{
    if (an->o->kill_after && ++an->writes > an->o->kill_after)
        raise(SIGKILL);
}

static int write_all(anon *an, const void *p, size_t len, uint64_t off)
{
    size_t done = 0;
    if (an->out < 0)
        return 0;
    step(an);
    an->c->bytes_written += len;
    while (done < len) {
        ssize_t n = pwrite(an->out, (const char *)p + done, len - done,
                           (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return emk_img_fail(an->c, n < 0 ? -errno : -EIO,
                                "writing %zu bytes at offset %llu failed",
                                len - done, (unsigned long long)(off + done));
        done += (size_t)n;
    }
    return 0;
}

static void progress(anon *an, uint64_t add)
{
    int pct;
    an->done += add;
    if (!an->o->progress || an->total == 0)
        return;
    pct = (int)(an->done * 100 / an->total);
    if (pct != an->last_pct) {
        an->last_pct = pct;
        fprintf(stderr, "\r    (%3d.00/100%%)", pct);
        fflush(stderr);
    }
}

static int cmp_slot(const void *x, const void *y)
{
    const emk_img_slot *a = x, *b = y;
    return a->off < b->off ? -1 : a->off > b->off;
}

/* Sorts and de-duplicates the slots, and shrinks each one so that it ends
 * before the next slot and before any metadata unit. */
void emk_img_fit_slots(emk_img_ctx *c)
{
    size_t i, k = 0;
    if (c->nslots == 0)
        return;
    qsort(c->slots, c->nslots, sizeof(*c->slots), cmp_slot);
    for (i = 0; i < c->nslots; i++) {
        if (k && c->slots[k - 1].off == c->slots[i].off)
            continue;
        c->slots[k++] = c->slots[i];
    }
    c->nslots = k;
    for (i = 0; i < c->nslots; i++) {
        emk_img_slot *s = &c->slots[i];
        uint64_t end = s->off + s->len, u;
        if (i + 1 < c->nslots &&
            c->slots[i + 1].off - c->slots[i + 1].keep < end)
            end = c->slots[i + 1].off - c->slots[i + 1].keep;
        if (end < s->off)
            end = s->off;
        for (u = s->off / c->unit; u * c->unit < end && u < c->nunits; u++) {
            if (c->cat[u] >= EMK_IMG_CAT_META_PART) {
                uint64_t ms = u * c->unit;
                end = ms > s->off ? ms : s->off;
                break;
            }
        }
        s->len = end - s->off;
    }
}

static const uint8_t *stream_for(anon *an, const emk_img_slot *s, int *len)
{
    int k = s->kind;
    if (an->slen[k] == 0 || an->susize[k] != s->usize) {
        int n;
        if (k == EMK_IMG_STREAM_ZSTD)
            n = emk_img_zstd_zeros(an->stream[k], STREAM_MAX, s->usize);
        else if (k == EMK_IMG_STREAM_ZLIB)
            n = emk_img_zlib_zeros(an->stream[k], STREAM_MAX, s->usize);
        else
            n = emk_img_deflate_zeros(an->stream[k], STREAM_MAX, s->usize);
        an->slen[k] = n;
        an->susize[k] = s->usize;
    }
    *len = an->slen[k];
    return an->stream[k];
}

/* Rewrites [a, b) inside one compressed unit: zeros with the streams of the
 * slots that start there overlaid. */
static int do_compressed(anon *an, uint64_t a, uint64_t b)
{
    emk_img_ctx *c = an->c;
    size_t i;
    memset(an->buf, 0, (size_t)(b - a));
    while (an->si < c->nslots &&
           c->slots[an->si].off + c->slots[an->si].len <= a)
        an->si++;
    for (i = an->si; i < c->nslots && c->slots[i].off - c->slots[i].keep < b;
         i++) {
        const emk_img_slot *s = &c->slots[i];
        int n;
        const uint8_t *st = stream_for(an, s, &n);
        uint64_t from, to;
        if (s->keep) {
            /* the grain marker before the stream stays as it is */
            uint64_t ka = s->off - s->keep > a ? s->off - s->keep : a;
            uint64_t kb = s->off < b ? s->off : b;
            if (ka < kb) {
                int r = emk_img_pread(c, an->buf + (ka - a), (size_t)(kb - ka),
                                      ka, "grain marker");
                if (r < 0)
                    return r;
            }
        }
        if (n < 0 || (uint64_t)n > s->len)
            continue;   /* counted as unfit before the run */
        from = s->off > a ? s->off : a;
        to = s->off + (uint64_t)n < b ? s->off + (uint64_t)n : b;
        if (from < to)
            memcpy(an->buf + (from - a), st + (from - s->off),
                   (size_t)(to - from));
    }
    return write_all(an, an->buf, (size_t)(b - a), a);
}

/* Rewrites [a, b) inside one META_PART unit: the exact metadata ranges
 * from SRC, zeros elsewhere. */
static int do_partial(anon *an, uint64_t a, uint64_t b)
{
    emk_img_ctx *c = an->c;
    size_t i;
    memset(an->buf, 0, (size_t)(b - a));
    for (i = 0; i < c->npmeta; i++) {
        const emk_img_slot *m = &c->pmeta[i];
        uint64_t from = m->off > a ? m->off : a;
        uint64_t to = m->off + m->len < b ? m->off + m->len : b;
        int r;
        if (m->off >= b)
            break;
        if (from >= to)
            continue;
        r = emk_img_pread(c, an->buf + (from - a), (size_t)(to - from), from,
                          "metadata");
        if (r < 0)
            return r;
    }
    return write_all(an, an->buf, (size_t)(b - a), a);
}

enum fill { FILL_ZERO, FILL_ENC_ZERO, FILL_COPY };

/* Writes [a, b) in chunks: zeros, encrypted zeros (data an encrypted guest
 * reads, sector by sector) or the bytes of SRC (metadata, copy mode).
 * In copy mode zeros are allocated without writing where the file system
 * can (the new file is a hole there, and the extents count in st_blocks as
 * written ones would) and where qemu-img map does not look at the file's
 * own holes (emk_img_alloc_keeps_map); metadata is copied in the kernel
 * where it can be.  The first refusal turns either off for the file. */
static int fill(anon *an, uint64_t a, uint64_t b, enum fill how)
{
    if (an->out < 0 || (how == FILL_COPY && an->o->in_place))
        return 0;
    if (how == FILL_ZERO && an->alloc) {
        step(an);
        if (emk_img_alloc_zeros(an->out, a, b - a) == 0) {
            an->c->bytes_allocated += b - a;
            return 0;
        }
        an->alloc = 0;
    }
    if (how == FILL_COPY && an->copy) {
        step(an);
        if (emk_img_copy_range(an->c->fd, an->out, a, b - a) == 0) {
            an->c->bytes_copied += b - a;
            return 0;
        }
        an->copy = 0;
    }
    while (a < b) {
        size_t n = b - a > IO_CHUNK ? IO_CHUNK : (size_t)(b - a);
        const uint8_t *p = an->buf;
        int r = 0;
        if (how == FILL_ZERO) {
            p = an->zero;
        } else if (how == FILL_COPY) {
            r = emk_img_pread(an->c, an->buf, n, a, "metadata");
        } else {
            memset(an->buf, 0, n);
            if (a % 512 == 0)
                emk_img_luks_zeros(an->c, a, an->buf, n & ~(size_t)511);
        }
        if (r == 0)
            r = write_all(an, p, n, a);
        if (r < 0)
            return r;
        a += n;
    }
    return 0;
}

/* Handles the allocated extent [a, b). */
static int do_extent(anon *an, uint64_t a, uint64_t b)
{
    emk_img_ctx *c = an->c;
    if (b > c->file_size)
        return emk_img_fail(c, -EBUSY, "image changed while it was being "
                            "processed (data at offset %llu beyond the %llu "
                            "bytes parsed)", (unsigned long long)b,
                            (unsigned long long)c->file_size);
    while (a < b) {
        uint64_t u = a / c->unit, v = u + 1, end;
        int cat = c->cat[u], r;
        if (cat == EMK_IMG_CAT_COMPRESSED) {
            end = v * c->unit < b ? v * c->unit : b;
            r = do_compressed(an, a, end);
        } else if (cat == EMK_IMG_CAT_META_PART) {
            end = v * c->unit < b ? v * c->unit : b;
            r = do_partial(an, a, end);
        } else {
            while (v < c->nunits && c->cat[v] == cat &&
                   v * c->unit < b && v - u < IO_CHUNK / c->unit + 1)
                v++;
            end = v * c->unit < b ? v * c->unit : b;
            if (cat == EMK_IMG_CAT_META)
                r = fill(an, a, end, FILL_COPY);
            else if (c->have_key && (cat == EMK_IMG_CAT_ACTIVE ||
                                     cat == EMK_IMG_CAT_SNAPSHOT ||
                                     cat == EMK_IMG_CAT_VMSTATE))
                r = fill(an, a, end, FILL_ENC_ZERO);
            else
                r = fill(an, a, end, FILL_ZERO);
        }
        if (r < 0)
            return r;
        c->wiped[cat].bytes += end - a;
        progress(an, end - a);
        a = end;
    }
    return 0;
}

/* Handles the unwritten extent [a, b) of SRC: it reads as zeros and holds
 * nothing; in copy mode the same range of DST becomes an unwritten extent
 * too (written zeros where the file system cannot), so both files have the
 * same map whatever sits in the page cache. */
static int do_unwritten(anon *an, uint64_t a, uint64_t b)
{
    emk_img_ctx *c = an->c;
    uint64_t u;
    int r = 0;
    for (u = a / c->unit; u * c->unit < b; u++) {
        uint64_t ua = u * c->unit > a ? u * c->unit : a;
        uint64_t ub = (u + 1) * c->unit < b ? (u + 1) * c->unit : b;
        c->wiped[c->cat[u]].bytes += ub - ua;
    }
    if (an->out >= 0 && !an->o->in_place) {
        step(an);
        if (emk_img_alloc_zeros(an->out, a, b - a) == 0)
            an->c->bytes_unwritten += b - a;
        else
            r = fill(an, a, b, FILL_ZERO);
    }
    progress(an, b - a);
    return r;
}

static int anonymize_file(emk_img_ctx *c, int out, const emk_img_opts *o,
                          int flat);

/* Where one file's results go: nowhere (dry run, *out = -1), the file itself
 * (in place: its own read-write descriptor, or src opened once and checked
 * to be the parsed inode) or a new file dst below dir (emk_img_openat
 * rules unless allow).  The file must be unchanged since it was parsed;
 * nothing is created or written otherwise. */
static int open_output(emk_img_ctx *c, const emk_img_opts *o, const char *src,
                       int dir, const char *dst, int allow, int *out)
{
    int r = emk_img_unchanged(c, c->fd, 1), fd;
    *out = -1;
    if (r < 0 || o->dry_run)
        return r;
    if (o->in_place && c->writable) {
        *out = c->fd;
        return 0;
    }
    if (o->in_place) {
        fd = open(src, O_RDWR | O_CLOEXEC);
        if (fd < 0)
            return emk_img_fail(c, -errno, "cannot open %s for writing", src);
        r = emk_img_unchanged(c, fd, 1);
    } else {
        fd = emk_img_openat(c, dir, dst, O_WRONLY | O_CREAT | O_EXCL, allow);
        if (fd < 0)
            return fd;
        if (ftruncate(fd, (off_t)c->file_size) < 0)
            r = emk_img_fail(c, -errno, "cannot size %s", dst);
    }
    if (r < 0) {
        close(fd);
        return r;
    }
    *out = fd;
    return 0;
}

/* Opens the output, anonymizes one parsed file into it and closes it. */
static int anonymize_to(emk_img_ctx *c, const emk_img_opts *o,
                        const char *src, int dir, const char *dst, int allow,
                        int flat)
{
    int out, r = open_output(c, o, src, dir, dst, allow, &out);
    if (r < 0)
        return r;
    r = anonymize_file(c, out, o, flat);
    if (out >= 0 && out != c->fd)
        close(out);
    return r;
}

/* The directories extent names are relative to: the image's, and in copy
 * mode DST's (-1 otherwise). */
typedef struct dirs {
    int src, dst;
} dirs;

static int open_dirs(emk_img_ctx *c, const char *src, const char *dst,
                     const emk_img_opts *o, dirs *d)
{
    d->src = d->dst = -1;
    if (!c->nextents)
        return 0;
    d->src = emk_img_dir_open(c, src);
    if (d->src < 0)
        return d->src;
    if (o->in_place || o->dry_run || !dst)
        return 0;
    d->dst = emk_img_dir_open(c, dst);
    return d->dst < 0 ? d->dst : 0;
}

static void close_dirs(dirs *d)
{
    if (d->src >= 0)
        close(d->src);
    if (d->dst >= 0)
        close(d->dst);
}

static void add_counts(emk_img_ctx *c, const emk_img_ctx *e, const char *name)
{
    int k;
    for (k = 0; k < EMK_IMG_CAT_COUNT; k++) {
        c->wiped[k].units += e->wiped[k].units;
        c->wiped[k].bytes += e->wiped[k].bytes;
    }
    for (k = 0; k < 3; k++)
        c->slot_counts[k] += e->slot_counts[k];
    c->bytes_written += e->bytes_written;
    c->bytes_copied += e->bytes_copied;
    c->bytes_allocated += e->bytes_allocated;
    c->bytes_unwritten += e->bytes_unwritten;
    c->n_unfit += e->n_unfit;
    c->n_compressed += e->n_compressed;
    c->nfiles++;
    for (k = 0; k < e->nwarn; k++)
        emk_img_warn(c, "%s: %s", name, e->warn[k]);
}

/* Anonymizes every extent file a VMDK descriptor names (or the qcow2 data
 * file), adding the counts to the image's context. */
static int anonymize_extents(emk_img_ctx *c, const dirs *d,
                             const emk_img_opts *o)
{
    emk_img_ctx *e = calloc(1, sizeof(*e));
    int allow = o->allow_external_paths, r = 0;
    uint32_t i;
    if (!e)
        return emk_img_fail(c, -ENOMEM, "out of memory");
    for (i = 0; r == 0 && i < c->nextents; i++) {
        const char *name = c->extents[i].name;
        r = emk_img_open_extent(e, d->src, name, (int)c->extents[i].kind,
                                o->in_place && !o->dry_run, allow);
        if (r == 0)
            r = anonymize_to(e, o, NULL, d->dst, name, allow,
                             c->extents[i].kind == EMK_IMG_EXTENT_FLAT);
        if (r < 0)
            emk_img_fail(c, r, "extent %s: %s", name, e->err);
        else
            add_counts(c, e, name);
        emk_img_close(e);
    }
    free(e);
    return r;
}

/* Turns every recorded name into a patch of the same length:
 * "xxxx<k>" for the k-th name, so names stay distinct; UTF-16LE names get
 * the same text in UTF-16LE (an odd last byte stays 'x'). */
static int scrub_names(emk_img_ctx *c)
{
    size_t i;
    for (i = 0; i < c->nnames; i++) {
        uint32_t len = (uint32_t)c->names[i].len, k;
        uint32_t w = c->names[i].kind ? 2 : 1, chars = len / w;
        uint8_t *p = malloc(len);
        char num[24];
        int n = snprintf(num, sizeof(num), "%zu", i);
        int r;
        if (!p)
            return emk_img_fail(c, -ENOMEM, "out of memory (names)");
        memset(p, 'x', len);
        for (k = 0; w == 2 && k < chars; k++)
            p[2 * k + 1] = 0;
        for (k = 0; (uint32_t)n <= chars && k < (uint32_t)n; k++)
            p[(chars - (uint32_t)n + k) * w] = (uint8_t)num[k];
        r = emk_img_add_patch(c, c->names[i].off, len, p);
        if (r < 0)
            return r;
        c->n_scrubbed++;
    }
    c->nnames = 0;
    return 0;
}

/* Before anything is written: extent x parses (e is scratch) and, in copy
 * mode, its copy below DST's directory does not exist yet. */
static int precheck_extent(emk_img_ctx *c, emk_img_ctx *e, const dirs *d,
                           const emk_img_extent *x, int allow)
{
    int r = emk_img_open_extent(e, d->src, x->name, (int)x->kind, 0, allow);
    emk_img_close(e);
    if (r < 0)
        return emk_img_fail(c, r, "extent %s: %s", x->name, e->err);
    if (d->dst < 0)
        return 0;
    if (x->name[0] == '/')
        return emk_img_fail(c, -EINVAL, "%s has an absolute path: a copy "
                            "would share it (use --in-place on a copy)",
                            x->name);
    r = emk_img_openat(e, d->dst, x->name, O_RDONLY, allow);
    if (r >= 0) {
        close(r);
        return emk_img_fail(c, -EEXIST, "extent %s already exists (DST and "
                            "its extents must not exist)", x->name);
    }
    return r == -ENOENT ? 0 : emk_img_fail(c, r, "extent %s: %s", x->name,
                                           e->err);
}

static int precheck_extents(emk_img_ctx *c, const dirs *d,
                            const emk_img_opts *o)
{
    emk_img_ctx *e;
    uint32_t i;
    int r = 0;
    if (!c->nextents)
        return 0;
    e = calloc(1, sizeof(*e));
    if (!e)
        return emk_img_fail(c, -ENOMEM, "out of memory");
    e->fd = -1;
    for (i = 0; r == 0 && i < c->nextents; i++)
        r = precheck_extent(c, e, d, &c->extents[i], o->allow_external_paths);
    free(e);
    return r;
}

int emk_img_anonymize(emk_img_ctx *c, const char *src, const char *dst,
                      const emk_img_opts *o)
{
    dirs d;
    int r = open_dirs(c, src, dst, o, &d);
    if (r == 0)
        r = precheck_extents(c, &d, o);
    if (r == 0 && o->secret) {
        if (!c->encrypted)
            emk_img_warn(c, "a secret was given but the image is not encrypted");
        else
            r = emk_img_luks_unlock(c, o->secret, o->secret_len);
    }
    if (r == 0 && o->scrub_names)
        r = scrub_names(c);
    if (r == 0) {
        /* DST itself is the caller's path, taken as given */
        r = anonymize_to(c, o, src, AT_FDCWD, dst, 1, 0);
        c->nfiles = 1;
    }
    if (r == 0 && c->nextents)
        r = anonymize_extents(c, &d, o);
    close_dirs(&d);
    return r;
}

static int anonymize_file(emk_img_ctx *c, int out, const emk_img_opts *o,
                          int flat)
{
    anon *an;
    emk_img_span *ext = NULL;
    size_t next = 0, i;
    uint64_t u;
    int r;
    an = calloc(1, sizeof(*an));
    if (!an)
        return emk_img_fail(c, -ENOMEM, "out of memory");
    an->c = c;
    an->o = o;
    an->out = out;
    an->last_pct = -1;
    /* copy mode: out is new, a hole from 0 to the file size */
    an->copy = out >= 0 && !o->in_place && !o->write_all;
    an->buf = malloc(IO_CHUNK > c->unit ? IO_CHUNK : c->unit);
    an->zero = calloc(1, IO_CHUNK);
    if (!an->buf || !an->zero) {
        r = emk_img_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    emk_img_fit_slots(c);
    if (c->npmeta)
        qsort(c->pmeta, c->npmeta, sizeof(*c->pmeta), cmp_slot);
    for (i = 0; i < c->nslots; i++) {
        int n;
        stream_for(an, &c->slots[i], &n);
        c->slot_counts[c->slots[i].kind]++;
        if (n < 0 || (uint64_t)n > c->slots[i].len) {
            c->n_unfit++;
            if (c->n_unfit == 1)
                emk_img_warn(c, "compressed cluster at offset %llu: its slot "
                             "of %llu bytes cannot hold a stream of zeros "
                             "(%d bytes); it is zeroed instead",
                             (unsigned long long)c->slots[i].off,
                             (unsigned long long)c->slots[i].len, n);
        }
    }
    for (u = 0; u < c->nunits; u++)
        c->wiped[c->cat[u]].units++;
    r = emk_img_file_map(c, &ext, &next);
    if (r < 0)
        goto out;
    for (i = 0; i < next; i++)
        an->total += ext[i].b - ext[i].a;
    an->alloc = an->copy && emk_img_alloc_keeps_map(c, flat, an->total);
    for (i = 0; i < next; i++) {
        r = ext[i].unwritten ? do_unwritten(an, ext[i].a, ext[i].b)
                             : do_extent(an, ext[i].a, ext[i].b);
        if (r < 0)
            goto out;
    }
    for (i = 0; i < c->npatches; i++) {
        r = write_all(an, c->patches[i].data, c->patches[i].len,
                      c->patches[i].off);
        if (r < 0)
            goto out;
        c->patched.units++;
        c->patched.bytes += c->patches[i].len;
    }
    if (an->out >= 0 && fsync(an->out) < 0) {
        r = emk_img_fail(c, -errno, "fsync failed");
        goto out;
    }
    /* in place, the run itself changed the modification time */
    r = emk_img_unchanged(c, c->fd, !o->in_place || o->dry_run);
    if (r < 0)
        goto out;
    if (o->progress)
        fprintf(stderr, "\r    (100.00/100%%)\n");
    r = 0;
out:
    free(ext);
    free(an->buf);
    free(an->zero);
    free(an);
    return r;
}
