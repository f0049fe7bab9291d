/*
 * qcow2.c - qcow2 v2/v3 parser: classifies every cluster of the file as
 * metadata (header, extensions, L1/L2, refcount table and blocks, snapshot
 * table and snapshot L1/L2, bitmap directory, tables and bitmap clusters,
 * LUKS header), active data, snapshot data, VM state, zero-flag stale data
 * or compressed data, and recomputes the reference counts for `check`.
 */
#include "emkit/img.h"
#include "img_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum {
    QC_INCOMPAT_DIRTY = 1, QC_INCOMPAT_CORRUPT = 2, QC_INCOMPAT_DATA_FILE = 4,
    QC_INCOMPAT_COMPRESSION = 8, QC_INCOMPAT_EXTL2 = 16,
    QC_MAX_L1 = 32 * 1024 * 1024 / 8,
    QC_MAX_SNAPS = 65536,
    /* QEMU's bound on the whole snapshot table (QCOW_MAX_SNAPSHOTS_SIZE) */
    QC_MAX_SNAP_TABLE = 1024 * 65536,
    /* L1 + L2 entries the parser walks in all, active layer and snapshots
     * together (2 GiB of tables); snapshots with the same L1 table are
     * walked once */
    QC_WALK_BUDGET = 1 << 28
};

static const uint32_t QC_EXT_BITMAPS = 0x23852875, QC_EXT_CRYPTO = 0x0537be77,
                      QC_EXT_DATA_FILE = 0x44415441,
                      QC_EXT_BACKING_FMT = 0xe2792aca;
static const uint64_t QC_OFF_MASK = 0x00fffffffffffe00ULL;
static const uint64_t QC_COMPRESSED = 1ULL << 62;

typedef struct qc {
    emk_img_ctx *c;
    uint32_t cbits, cs, esz, l2n;
    uint64_t *exp;          /* expected refcount per cluster */
    uint8_t *l2buf;
    int ext_data;
    uint32_t weight;        /* references per walked entry (snapshots that
                               share the L1 table being walked) */
} qc;

/* A snapshot's L1 table, as the snapshot table names it. */
typedef struct qc_snap_l1 {
    uint64_t off, disk;
    uint32_t n, index;
} qc_snap_l1;

static int qc_ref(qc *q, uint64_t off, uint64_t len)
{
    uint64_t u, first, last;
    if (len == 0 || off >= q->c->file_size)
        return 0;
    if (len > q->c->file_size - off)
        len = q->c->file_size - off;
    first = off >> q->cbits;
    last = (off + len - 1) >> q->cbits;
    for (u = first; u <= last; u++)
        q->exp[u] += q->weight;
    return 0;
}

/* Takes n entries from the walk budget, or fails naming what. */
static int qc_budget(qc *q, uint64_t n, const char *what)
{
    if (n > QC_WALK_BUDGET - q->c->n_walked)
        return emk_img_fail(q->c, -EFBIG, "%s: more than %u L1/L2 table "
                            "entries to walk in all (limit)", what,
                            (unsigned)QC_WALK_BUDGET);
    q->c->n_walked += n;
    return 0;
}

/* Marks and references a metadata structure that must be cluster aligned.
 * exact: the structure may not fill its last cluster; the rest of that
 * cluster is stale and gets zeroed. */
static int qc_meta_x(qc *q, uint64_t off, uint64_t len, const char *what,
                     int exact)
{
    int r;
    if (off & (q->cs - 1))
        return emk_img_fail(q->c, -EINVAL, "%s at offset %llu is not aligned "
                            "to the cluster size %u", what,
                            (unsigned long long)off, q->cs);
    if (off == 0)
        return emk_img_fail(q->c, -EINVAL, "%s points at the header (offset 0)",
                            what);
    r = exact ? emk_img_mark_exact(q->c, off, len, what)
              : emk_img_mark(q->c, off, len, EMK_IMG_CAT_META, what);
    if (r < 0)
        return r;
    return qc_ref(q, off, (len + q->cs - 1) & ~(uint64_t)(q->cs - 1));
}

static int qc_meta(qc *q, uint64_t off, uint64_t len, const char *what)
{
    return qc_meta_x(q, off, len, what, 0);
}

/* A data pointer outside the file: counted and reported, not fatal (the
 * image is broken, which is why it is being anonymized). */
static void qc_bad_pointer(qc *q, const char *what, uint64_t l2off, uint32_t j,
                           uint64_t off)
{
    emk_img_warn(q->c, "L2 table at %llu entry %u: %s at offset %llu",
                 (unsigned long long)l2off, j, what, (unsigned long long)off);
    q->c->n_refcount_errors++;
}

static int qc_walk_l2(qc *q, uint64_t l2off, uint32_t l1i, uint64_t vm_index,
                      int cat, char *what)
{
    uint32_t j;
    int r = emk_img_pread(q->c, q->l2buf, q->cs, l2off, what);
    if (r < 0)
        return r;
    for (j = 0; j < q->l2n; j++) {
        uint64_t e = emk_be64(q->l2buf + (size_t)j * q->esz);
        int dcat = (uint64_t)l1i >= vm_index ? EMK_IMG_CAT_VMSTATE : cat;
        if (e & QC_COMPRESSED) {
            uint32_t shift = 62 - (q->cbits - 8);
            uint64_t mask = (1ULL << (q->cbits - 8)) - 1;
            uint64_t coff = e & ((1ULL << shift) - 1);
            uint64_t nsec = ((e >> shift) & mask) + 1;
            uint64_t csize = nsec * 512 - (coff & 511);
            q->c->n_compressed++;
            if (coff >= q->c->file_size) {
                qc_bad_pointer(q, "compressed cluster beyond the end of the "
                               "file", l2off, j, coff);
                continue;
            }
            r = emk_img_add_slot(q->c, coff, csize, q->cs,
                                 q->c->compression ? EMK_IMG_STREAM_ZSTD
                                                   : EMK_IMG_STREAM_DEFLATE);
            if (r < 0)
                return r;
            qc_ref(q, coff & ~511ULL, csize + (coff & 511));
            continue;
        }
        {
            uint64_t hoff = e & QC_OFF_MASK;
            int zero = q->c->version >= 3 && q->esz == 8 && (e & 1);
            if (q->esz == 16) {
                uint64_t bm = emk_be64(q->l2buf + (size_t)j * 16 + 8);
                if ((bm & 0xffffffffULL) == 0 && (bm >> 32) != 0)
                    zero = 1;
            }
            if (zero)
                q->c->n_zero_entries++;
            if (!hoff)
                continue;
            if (q->ext_data) {
                continue;   /* the data lives in the external data file */
            }
            if (hoff & (q->cs - 1))
                qc_bad_pointer(q, "unaligned data cluster", l2off, j, hoff);
            if (hoff >= q->c->file_size) {
                if (zero)
                    continue;   /* preallocated beyond EOF: nothing stored */
                qc_bad_pointer(q, "data cluster beyond the end of the file",
                               l2off, j, hoff);
                continue;
            }
            r = emk_img_mark(q->c, hoff, q->cs,
                             zero ? EMK_IMG_CAT_ZERO_STALE : dcat,
                             "data cluster");
            if (q->c->guest_of && !zero && !(hoff & (q->cs - 1)))
                q->c->guest_of[hoff >> q->cbits] =
                    (((uint64_t)l1i * q->l2n + j) << q->cbits) + 1;
            if (r < 0)
                return r;
            qc_ref(q, hoff, q->cs);
        }
    }
    return 0;
}

/* Walks one L1 table (active or a snapshot's); returns 0 or -errno. */
static int qc_walk_l1(qc *q, uint64_t l1off, uint32_t l1n, uint64_t disk_size,
                      int cat, const char *owner)
{
    uint64_t per_l2 = (uint64_t)q->l2n << q->cbits;
    uint64_t vm_index = (disk_size + per_l2 - 1) / per_l2;
    uint8_t *l1;
    uint32_t i;
    int r;
    char what[96];
    if (l1n == 0)
        return 0;
    if (l1n > QC_MAX_L1)
        return emk_img_fail(q->c, -EFBIG, "%s L1 table has %u entries (limit "
                            "%u)", owner, l1n, (unsigned)QC_MAX_L1);
    snprintf(what, sizeof(what), "%s L1 table", owner);
    r = qc_meta_x(q, l1off, (uint64_t)l1n * 8, what, 1);
    if (r == 0)
        r = qc_budget(q, l1n, what);
    if (r < 0)
        return r;
    l1 = malloc((size_t)l1n * 8);
    if (!l1)
        return emk_img_fail(q->c, -ENOMEM, "out of memory (L1)");
    r = emk_img_pread(q->c, l1, (size_t)l1n * 8, l1off, what);
    for (i = 0; r == 0 && i < l1n; i++) {
        uint64_t l2off = emk_be64(l1 + (size_t)i * 8) & QC_OFF_MASK;
        if (!l2off)
            continue;
        snprintf(what, sizeof(what), "%s L1 entry %u: L2 table", owner, i);
        r = qc_meta(q, l2off, q->cs, what);
        if (r == 0)
            r = qc_budget(q, q->l2n, what);
        if (r == 0)
            r = qc_walk_l2(q, l2off, i, vm_index, cat, what);
    }
    free(l1);
    return r;
}

/* Reads snapshot entry i at *pos (facts for info, its name for
 * --scrub-names, its L1 table into l1) and moves *pos to the next one. */
static int qc_read_snap(qc *q, uint64_t *pos, uint32_t i, qc_snap_l1 *l1)
{
    uint8_t h[40], extra[24];
    uint64_t vmsz, p = *pos;
    uint32_t extra_size, vm32;
    uint16_t id_size, name_size;
    int r = emk_img_pread(q->c, h, sizeof(h), p, "snapshot table entry");
    if (r < 0)
        return r;
    l1->off = emk_be64(h);
    l1->n = emk_be32(h + 8);
    l1->disk = q->c->virtual_size;
    l1->index = i;
    id_size = emk_be16(h + 12);
    name_size = emk_be16(h + 14);
    vm32 = emk_be32(h + 32);
    extra_size = emk_be32(h + 36);
    if (extra_size > 1024)
        return emk_img_fail(q->c, -EINVAL, "snapshot %u at offset %llu: "
                            "extra data size %u is too large", i,
                            (unsigned long long)p, extra_size);
    memset(extra, 0, sizeof(extra));
    r = emk_img_pread(q->c, extra, extra_size < 24 ? extra_size : 24, p + 40,
                      "snapshot extra data");
    if (r < 0)
        return r;
    vmsz = extra_size >= 8 ? emk_be64(extra) : vm32;
    if (extra_size >= 16)
        l1->disk = emk_be64(extra + 8);
    if (i < EMK_IMG_MAX_SNAPS) {
        emk_img_snap *s = &q->c->snaps[i];
        size_t k = id_size < sizeof(s->id) - 1 ? id_size : sizeof(s->id) - 1;
        r = emk_img_pread(q->c, s->id, k, p + 40 + extra_size, "snapshot id");
        if (r < 0)
            return r;
        k = name_size < sizeof(s->name) - 1 ? name_size : sizeof(s->name) - 1;
        r = emk_img_pread(q->c, s->name, k, p + 40 + extra_size + id_size,
                          "snapshot name");
        if (r < 0)
            return r;
        s->vm_state_size = vmsz;
        s->disk_size = l1->disk;
        s->date_sec = emk_be32(h + 16);
        s->date_nsec = emk_be32(h + 20);
        s->vm_clock_nsec = emk_be64(h + 24);
        s->icount = extra_size >= 24 ? emk_be64(extra + 16) : ~0ULL;
        s->l1_size = l1->n;
        s->l1_offset = l1->off;
    }
    *pos = p + ((40 + (uint64_t)extra_size + id_size + name_size + 7) & ~7ULL);
    return emk_img_add_name(q->c, p + 40 + extra_size + id_size, name_size);
}

static int cmp_snap_l1(const void *x, const void *y)
{
    const qc_snap_l1 *a = x, *b = y;
    if (a->off != b->off)
        return a->off < b->off ? -1 : 1;
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    if (a->disk != b->disk)
        return a->disk < b->disk ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static int same_l1(const qc_snap_l1 *a, const qc_snap_l1 *b)
{
    return a->off == b->off && a->n == b->n && a->disk == b->disk;
}

/* Walks each distinct snapshot L1 table once, counting its references once
 * per snapshot that names it (as QEMU's check does).  The L1 entries of
 * all distinct tables must fit the walk budget before any is walked. */
static int qc_walk_snaps(qc *q, qc_snap_l1 *l1, uint32_t n)
{
    uint64_t total = 0;
    uint32_t i, j;
    int r = 0;
    qsort(l1, n, sizeof(*l1), cmp_snap_l1);
    for (i = 0; i < n; i++)
        if (i == 0 || !same_l1(&l1[i - 1], &l1[i]))
            total += l1[i].n;
    if (total > QC_WALK_BUDGET - q->c->n_walked)
        return emk_img_fail(q->c, -EFBIG, "snapshot table: the snapshots' L1 "
                            "tables hold %llu entries in all (limit %u)",
                            (unsigned long long)total,
                            (unsigned)QC_WALK_BUDGET);
    for (i = 0; r == 0 && i < n; i = j) {
        char owner[48];
        for (j = i + 1; j < n && same_l1(&l1[i], &l1[j]); j++)
            ;
        snprintf(owner, sizeof(owner), "snapshot %u", l1[i].index);
        q->weight = j - i;
        r = qc_walk_l1(q, l1[i].off, l1[i].n, l1[i].disk,
                       EMK_IMG_CAT_SNAPSHOT, owner);
        q->weight = 1;
    }
    return r;
}

static int qc_snapshots(qc *q, uint64_t off, uint32_t n)
{
    qc_snap_l1 *l1;
    uint64_t pos = off;
    uint32_t i;
    int r = 0;
    if (n == 0)
        return 0;
    if (n > QC_MAX_SNAPS)
        return emk_img_fail(q->c, -EFBIG, "header: %u snapshots (limit %u)", n,
                            (unsigned)QC_MAX_SNAPS);
    if (off & (q->cs - 1))
        return emk_img_fail(q->c, -EINVAL, "snapshot table at offset %llu is "
                            "not cluster aligned", (unsigned long long)off);
    l1 = malloc((size_t)n * sizeof(*l1));
    if (!l1)
        return emk_img_fail(q->c, -ENOMEM, "out of memory (snapshots)");
    for (i = 0; r == 0 && i < n; i++) {
        r = qc_read_snap(q, &pos, i, &l1[i]);
        if (r == 0 && pos - off > QC_MAX_SNAP_TABLE)
            r = emk_img_fail(q->c, -EFBIG, "snapshot table at offset %llu is "
                             "larger than %u bytes", (unsigned long long)off,
                             (unsigned)QC_MAX_SNAP_TABLE);
    }
    if (r == 0)
        r = qc_walk_snaps(q, l1, n);
    free(l1);
    if (r < 0)
        return r;
    q->c->nb_snapshots = n;
    return qc_meta_x(q, off, pos - off, "snapshot table", 1);
}

static int qc_bitmaps(qc *q, uint64_t dir_off, uint64_t dir_size, uint32_t n)
{
    uint8_t *dir;
    uint64_t pos = 0;
    uint32_t i;
    int r;
    if (dir_size == 0)
        return 0;
    if (dir_size > 64 * 1024 * 1024)
        return emk_img_fail(q->c, -EFBIG, "bitmap directory of %llu bytes is "
                            "too large", (unsigned long long)dir_size);
    r = qc_meta_x(q, dir_off, dir_size, "bitmap directory", 1);
    if (r < 0)
        return r;
    dir = malloc((size_t)dir_size);
    if (!dir)
        return emk_img_fail(q->c, -ENOMEM, "out of memory (bitmaps)");
    r = emk_img_pread(q->c, dir, (size_t)dir_size, dir_off, "bitmap directory");
    for (i = 0; r == 0 && i < n; i++) {
        uint64_t toff, k;
        uint32_t tsize, extra;
        uint16_t nsize;
        uint8_t *tab;
        if (pos + 24 > dir_size) {
            r = emk_img_fail(q->c, -EINVAL, "bitmap directory entry %u at "
                             "offset %llu is truncated", i,
                             (unsigned long long)(dir_off + pos));
            break;
        }
        toff = emk_be64(dir + pos);
        tsize = emk_be32(dir + pos + 8);
        nsize = emk_be16(dir + pos + 18);
        extra = emk_be32(dir + pos + 20);
        if (tsize > QC_MAX_L1) {
            r = emk_img_fail(q->c, -EFBIG, "bitmap %u: table of %u entries",
                             i, tsize);
            break;
        }
        r = qc_meta_x(q, toff, (uint64_t)tsize * 8, "bitmap table", 1);
        if (r < 0)
            break;
        tab = malloc((size_t)tsize * 8 + 1);
        if (!tab) {
            r = emk_img_fail(q->c, -ENOMEM, "out of memory (bitmap table)");
            break;
        }
        r = emk_img_pread(q->c, tab, (size_t)tsize * 8, toff, "bitmap table");
        for (k = 0; r == 0 && k < tsize; k++) {
            uint64_t bo = emk_be64(tab + k * 8) & QC_OFF_MASK;
            if (bo)
                r = qc_meta(q, bo, q->cs, "bitmap data cluster");
        }
        free(tab);
        if (r == 0 && 24 + (uint64_t)extra + nsize <= dir_size - pos)
            r = emk_img_add_name(q->c, dir_off + pos + 24 + extra, nsize);
        pos += (24 + (uint64_t)extra + nsize + 7) & ~7ULL;
    }
    free(dir);
    q->c->nb_bitmaps = n;
    return r;
}

static int qc_extensions(qc *q, const uint8_t *c0, uint32_t start,
                         uint64_t *bm_off, uint64_t *bm_size, uint32_t *bm_n,
                         uint32_t *end)
{
    uint32_t pos = start;
    *end = q->cs;
    while (pos + 8 <= q->cs) {
        uint32_t type = emk_be32(c0 + pos), len = emk_be32(c0 + pos + 4);
        const uint8_t *d = c0 + pos + 8;
        if (type == 0) {
            *end = pos + 8;     /* the end marker is part of the header */
            break;
        }
        if (len > q->cs - pos - 8)
            return emk_img_fail(q->c, -EINVAL, "header extension 0x%08x at "
                                "offset %u runs past the header cluster",
                                type, pos);
        if (type == QC_EXT_BITMAPS && len >= 24) {
            *bm_n = emk_be32(d);
            *bm_size = emk_be64(d + 8);
            *bm_off = emk_be64(d + 16);
            q->c->bitmap_dir_size = *bm_size;
            q->c->bitmap_dir_off = *bm_off;
        } else if (type == QC_EXT_BACKING_FMT) {
            size_t k = len < sizeof(q->c->backing_fmt) - 1
                           ? len : sizeof(q->c->backing_fmt) - 1;
            memcpy(q->c->backing_fmt, d, k);
            q->c->backing_fmt[k] = '\0';
        } else if (type == QC_EXT_CRYPTO && len >= 16) {
            int r = qc_meta_x(q, emk_be64(d), emk_be64(d + 8), "LUKS header",
                              1);
            q->c->luks_off = emk_be64(d);
            q->c->luks_len = emk_be64(d + 8);
            if (r < 0)
                return r;
        } else if (type == QC_EXT_DATA_FILE) {
            size_t k = len < sizeof(q->c->data_file) - 1
                           ? len : sizeof(q->c->data_file) - 1;
            memcpy(q->c->data_file, d, k);
            q->c->data_file[k] = '\0';
        }
        pos += 8 + ((len + 7) & ~7u);
    }
    return 0;
}

static int qc_refcounts(qc *q, uint64_t rt_off, uint32_t rt_clusters)
{
    uint64_t rt_bytes = (uint64_t)rt_clusters << q->cbits, i, per_block, u;
    uint32_t bits = q->c->refcount_bits;
    uint8_t *rt, *blk;
    int r;
    if (rt_clusters == 0 || rt_bytes > q->c->file_size)
        return emk_img_fail(q->c, -EINVAL, "refcount table of %u clusters at "
                            "offset %llu does not fit in the file",
                            rt_clusters, (unsigned long long)rt_off);
    r = qc_meta(q, rt_off, rt_bytes, "refcount table");
    if (r < 0)
        return r;
    rt = malloc((size_t)rt_bytes);
    blk = malloc(q->cs);
    if (!rt || !blk) {
        free(rt);
        free(blk);
        return emk_img_fail(q->c, -ENOMEM, "out of memory (refcounts)");
    }
    r = emk_img_pread(q->c, rt, (size_t)rt_bytes, rt_off, "refcount table");
    per_block = ((uint64_t)q->cs * 8) / bits;
    for (i = 0; r == 0 && i < rt_bytes / 8; i++) {
        uint64_t bo = emk_be64(rt + i * 8) & ~511ULL;
        char what[64];
        if (!bo)
            continue;
        snprintf(what, sizeof(what), "refcount block %llu",
                 (unsigned long long)i);
        r = qc_meta(q, bo, q->cs, what);
    }
    /* compare stored and recomputed counts */
    for (i = 0; r == 0 && i < rt_bytes / 8; i++) {
        uint64_t bo = emk_be64(rt + i * 8) & ~511ULL, k;
        if (!bo)
            continue;
        r = emk_img_pread(q->c, blk, q->cs, bo, "refcount block");
        for (k = 0; r == 0 && k < per_block; k++) {
            uint64_t stored;
            u = i * per_block + k;
            if (u >= q->c->nunits)
                break;
            if (bits == 64) {
                stored = emk_be64(blk + k * 8);
            } else if (bits >= 8) {
                uint32_t nb = bits / 8, b;
                stored = 0;
                for (b = 0; b < nb; b++)
                    stored = (stored << 8) | blk[k * nb + b];
            } else {
                uint64_t bit = k * bits;
                stored = (blk[bit / 8] >> (bit % 8)) & ((1u << bits) - 1);
            }
            if (stored > 0xffffffULL)
                stored = 0xffffffULL;
            q->exp[u] |= stored << 40;   /* remember stored beside expected */
        }
    }
    for (u = 0; r == 0 && u < q->c->nunits; u++) {
        uint64_t stored = q->exp[u] >> 40, want = q->exp[u] & 0xffffffffffULL;
        if (stored || want)     /* as qemu-img check's image-end-offset */
            q->c->image_end_offset = (u + 1) << q->cbits;
        q->c->n_refcounted += stored != 0;
        if (stored > want) {
            q->c->n_leaked++;   /* a count too high is a leak, as for QEMU */
        } else if (stored < want) {
            q->c->n_refcount_errors++;
        }
    }
    free(rt);
    free(blk);
    return r;
}

int emk_img_qcow2_parse(emk_img_ctx *ctx)
{
    uint8_t h[112], *c0 = NULL;
    qc q;
    uint32_t hlen = 72, l1n, rt_clusters, nsnap, bm_n = 0, order = 4;
    uint64_t l1off, rt_off, snap_off, bfo, bm_off = 0, bm_size = 0;
    uint32_t bfs, ext_end = 0;
    int r;
    memset(&q, 0, sizeof(q));
    q.c = ctx;
    q.weight = 1;
    memset(h, 0, sizeof(h));
    r = emk_img_pread(ctx, h, ctx->file_size < sizeof(h) ? (size_t)ctx->file_size
                                                         : sizeof(h),
                      0, "qcow2 header");
    if (r < 0)
        return r;
    if (ctx->file_size < 72)
        return emk_img_fail(ctx, -EINVAL, "qcow2 header is truncated (%llu "
                            "bytes)", (unsigned long long)ctx->file_size);
    ctx->version = emk_be32(h + 4);
    if (ctx->version != 2 && ctx->version != 3)
        return emk_img_fail(ctx, -ENOTSUP, "qcow2 version %u is not supported",
                            ctx->version);
    bfo = emk_be64(h + 8);
    bfs = emk_be32(h + 16);
    q.cbits = emk_be32(h + 20);
    if (q.cbits < 9 || q.cbits > 21)
        return emk_img_fail(ctx, -EINVAL, "qcow2 header: cluster_bits %u at "
                            "offset 20 is out of range 9..21", q.cbits);
    q.cs = 1u << q.cbits;
    ctx->cluster_size = q.cs;
    ctx->virtual_size = emk_be64(h + 24);
    ctx->encrypted = emk_be32(h + 32);
    l1n = emk_be32(h + 36);
    l1off = emk_be64(h + 40);
    rt_off = emk_be64(h + 48);
    rt_clusters = emk_be32(h + 56);
    nsnap = emk_be32(h + 60);
    snap_off = emk_be64(h + 64);
    if (ctx->version == 3) {
        ctx->incompat = emk_be64(h + 72);
        ctx->compat = emk_be64(h + 80);
        ctx->autoclear = emk_be64(h + 88);
        order = emk_be32(h + 96);
        hlen = emk_be32(h + 100);
        if (hlen < 104 || hlen > q.cs)
            return emk_img_fail(ctx, -EINVAL, "qcow2 header: header_length %u "
                                "at offset 100 is invalid", hlen);
        if (hlen > 104)
            ctx->compression = h[104];
        if (order > 6)
            return emk_img_fail(ctx, -EINVAL, "qcow2 header: refcount_order "
                                "%u at offset 96 is out of range", order);
    }
    if (ctx->compression > 1)
        return emk_img_fail(ctx, -ENOTSUP, "qcow2 header: compression type %u "
                            "is unknown", ctx->compression);
    ctx->refcount_bits = 1u << order;
    ctx->extended_l2 = (ctx->incompat & QC_INCOMPAT_EXTL2) != 0;
    q.ext_data = (ctx->incompat & QC_INCOMPAT_DATA_FILE) != 0;
    q.esz = ctx->extended_l2 ? 16 : 8;
    if (ctx->extended_l2 && q.cbits < 14)
        return emk_img_fail(ctx, -EINVAL, "qcow2 header: extended L2 needs "
                            "clusters of at least 16 KiB");
    q.l2n = q.cs / q.esz;
    if (ctx->virtual_size > (1ULL << 56))
        return emk_img_fail(ctx, -EFBIG, "qcow2 header: virtual size %llu is "
                            "too large", (unsigned long long)ctx->virtual_size);
    r = emk_img_set_unit(ctx, q.cs);
    if (r < 0)
        return r;
    q.exp = calloc(ctx->nunits ? ctx->nunits : 1, sizeof(uint64_t));
    if (ctx->encrypted == 1)
        ctx->guest_of = calloc(ctx->nunits ? ctx->nunits : 1, sizeof(uint64_t));
    q.l2buf = malloc(q.cs);
    c0 = calloc(1, q.cs);
    if (!q.exp || !q.l2buf || !c0 || (ctx->encrypted == 1 && !ctx->guest_of)) {
        r = emk_img_fail(ctx, -ENOMEM, "out of memory");
        goto out;
    }
    r = emk_img_pread(ctx, c0, ctx->file_size < q.cs ? (size_t)ctx->file_size
                                                     : q.cs, 0,
                      "qcow2 header cluster");
    if (r < 0)
        goto out;
    qc_ref(&q, 0, q.cs);
    if (bfo) {
        if (bfo >= q.cs || bfs > q.cs - bfo || bfs > 1023) {
            r = emk_img_fail(ctx, -EINVAL, "backing file name at offset %llu "
                             "(%u bytes) is not inside the header cluster",
                             (unsigned long long)bfo, bfs);
            goto out;
        }
        memcpy(ctx->backing, c0 + bfo,
               bfs < sizeof(ctx->backing) - 1 ? bfs : sizeof(ctx->backing) - 1);
        r = emk_img_add_name(ctx, bfo, bfs);
        if (r < 0)
            goto out;
    }
    r = qc_extensions(&q, c0, hlen, &bm_off, &bm_size, &bm_n, &ext_end);
    if (r == 0)
        r = emk_img_mark_exact(ctx, 0, ext_end, "header");
    if (r == 0 && bfo)
        r = emk_img_mark_exact(ctx, bfo, bfs, "backing file name");
    if (r == 0 && ctx->file_size < q.cs)
        r = emk_img_mark(ctx, 0, ctx->file_size, EMK_IMG_CAT_META, "header");
    if (r == 0)
        r = qc_walk_l1(&q, l1off, l1n, ctx->virtual_size, EMK_IMG_CAT_ACTIVE,
                       "active");
    if (r == 0)
        r = qc_snapshots(&q, snap_off, nsnap);
    if (r == 0)
        r = qc_bitmaps(&q, bm_off, bm_size, bm_n);
    if (r == 0)
        r = qc_refcounts(&q, rt_off, rt_clusters);
    if (r == 0 && q.ext_data) {
        /* every byte of the data file is guest data: a flat extent */
        if (!ctx->data_file[0]) {
            r = emk_img_fail(ctx, -EINVAL, "external data file bit set but no "
                             "data file name extension");
        } else {
            emk_img_extent *e = &ctx->extents[0];
            memset(e, 0, sizeof(*e));
            memcpy(e->name, ctx->data_file, sizeof(e->name) - 1);
            e->kind = EMK_IMG_EXTENT_FLAT;
            ctx->nextents = 1;
        }
    }
out:
    free(q.exp);
    free(q.l2buf);
    free(c0);
    return r;
}
