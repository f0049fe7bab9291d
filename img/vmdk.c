/*
 * vmdk.c - VMDK parser: text descriptors (monolithicFlat, twoGbMaxExtent*),
 * hosted sparse extents (monolithicSparse, twoGbMaxExtentSparse) and
 * streamOptimized extents with grain and metadata markers.  Metadata: the
 * sparse header, the embedded descriptor, everything before the overhead
 * end, grain directories, grain tables, markers and the footer.  Grains are
 * data; compressed grains get a zlib stream of zeros behind their marker.
 */
#include "emkit/img.h"
#include "img_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum {
    VMDK_FLAG_ZERO_GRAIN = 1 << 2,
    VMDK_FLAG_COMPRESSED = 1 << 16,
    VMDK_FLAG_MARKERS = 1 << 17,
    VMDK_MARKER_EOS = 0, VMDK_MARKER_GT = 1, VMDK_MARKER_GD = 2,
    VMDK_MARKER_FOOTER = 3,
    VMDK_MAX_GTE = 65536,
    VMDK_DESC_MAX = 1024 * 1024
};

enum vmdk_sub {
    SUB_MONO_SPARSE = 0, SUB_MONO_FLAT = 1, SUB_2GB_SPARSE = 2,
    SUB_2GB_FLAT = 3, SUB_STREAM = 4, SUB_VMFS = 5
};

static const uint64_t GD_AT_END = 0xffffffffffffffffULL;

/* Records the values of descriptor fields that may carry personal data
 * (paths and free text) for --scrub-names; base is the descriptor's file
 * offset. */
static int find_names(emk_img_ctx *c, const char *desc, uint64_t base)
{
    static const char *const keys[] = {"parentFileNameHint=\"",
        "ddb.comment = \"", "ddb.displayName = \"", "ddb.longContentID = \""};
    unsigned i;
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *p = strstr(desc, keys[i]), *q;
        int r;
        if (!p)
            continue;
        p += strlen(keys[i]);
        q = strchr(p, '"');
        if (!q)
            continue;
        r = emk_img_add_name(c, base + (uint64_t)(p - desc), (uint32_t)(q - p));
        if (r < 0)
            return r;
    }
    return 0;
}

static void parse_create_type(emk_img_ctx *c, const char *desc)
{
    static const char *const names[] = {"monolithicSparse", "monolithicFlat",
        "twoGbMaxExtentSparse", "twoGbMaxExtentFlat", "streamOptimized",
        "vmfs"};
    const char *p = strstr(desc, "createType=\"");
    unsigned i;
    if (!p)
        return;
    p += 12;
    for (i = 0; i < 6; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(p, names[i], n) == 0 && p[n] == '"') {
            c->subformat = i;
            return;
        }
    }
}

/* Reads the extent lines of a descriptor ("RW 8192 SPARSE "name" 0"). */
static int parse_extents(emk_img_ctx *c, const char *desc)
{
    const char *line = desc;
    while (line && *line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[512], access[16], type[16], name[300];
        unsigned long long sectors;
        if (len < sizeof(buf)) {
            memcpy(buf, line, len);
            buf[len] = '\0';
            if (sscanf(buf, "%15s %llu %15s", access, &sectors, type) == 3 &&
                (strcmp(access, "RW") == 0 || strcmp(access, "RDONLY") == 0 ||
                 strcmp(access, "NOACCESS") == 0)) {
                const char *q1 = strchr(buf, '"'), *q2;
                emk_img_extent *e;
                q2 = q1 ? strchr(q1 + 1, '"') : NULL;
                if (!q1 || !q2 || (size_t)(q2 - q1 - 1) >= sizeof(e->name))
                    return emk_img_fail(c, -EINVAL, "descriptor: bad extent "
                                        "line '%.80s'", buf);
                if (c->nextents >= EMK_IMG_MAX_EXTENTS)
                    return emk_img_fail(c, -EFBIG, "descriptor: more than %d "
                                        "extents", EMK_IMG_MAX_EXTENTS);
                memcpy(name, q1 + 1, (size_t)(q2 - q1 - 1));
                name[q2 - q1 - 1] = '\0';
                e = &c->extents[c->nextents];
                strcpy(e->name, name);
                e->sectors = sectors;
                if (strcmp(type, "FLAT") == 0 || strcmp(type, "VMFS") == 0)
                    e->kind = EMK_IMG_EXTENT_FLAT;
                else if (strcmp(type, "SPARSE") == 0 ||
                         strcmp(type, "VMFSSPARSE") == 0)
                    e->kind = EMK_IMG_EXTENT_SPARSE;
                else if (strcmp(type, "ZERO") == 0)
                    e->kind = EMK_IMG_EXTENT_ZERO;
                else
                    return emk_img_fail(c, -ENOTSUP, "descriptor: extent type "
                                        "%s is not supported", type);
                if (e->kind != EMK_IMG_EXTENT_ZERO)
                    c->nextents++;
                c->virtual_size += sectors * 512;
            }
        }
        line = end ? end + 1 : NULL;
    }
    return 0;
}

static int walk_gd(emk_img_ctx *c, uint64_t gd, uint64_t ngt, uint32_t ngte,
                   uint64_t grain, uint64_t capacity, uint32_t flags,
                   const char *what)
{
    uint8_t *dir, *gt;
    uint64_t i;
    int r;
    char w[64];
    if (gd == 0 || gd == GD_AT_END)
        return 0;
    if (gd > c->file_size / 512)
        return emk_img_fail(c, -ERANGE, "%s at sector %llu is beyond the end "
                            "of the file", what, (unsigned long long)gd);
    /* the directory is read whole: it must lie in the file (the header's
     * capacity alone could ask for gigabytes) */
    if (ngt > (c->file_size - gd * 512) / 4)
        return emk_img_fail(c, -ERANGE, "%s at sector %llu: %llu entries "
                            "reach beyond the end of the file", what,
                            (unsigned long long)gd, (unsigned long long)ngt);
    r = emk_img_mark(c, gd * 512, ngt * 4, EMK_IMG_CAT_META, what);
    if (r < 0)
        return r;
    dir = malloc((size_t)ngt * 4);
    gt = malloc((size_t)ngte * 4);
    if (!dir || !gt) {
        free(dir);
        free(gt);
        return emk_img_fail(c, -ENOMEM, "out of memory (grain tables)");
    }
    r = emk_img_pread(c, dir, (size_t)ngt * 4, gd * 512, what);
    for (i = 0; r == 0 && i < ngt; i++) {
        uint64_t t = emk_le32(dir + i * 4), j;
        if (!t)
            continue;
        snprintf(w, sizeof(w), "grain table %llu", (unsigned long long)i);
        r = emk_img_mark(c, t * 512, (uint64_t)ngte * 4, EMK_IMG_CAT_META, w);
        if (r == 0)
            r = emk_img_pread(c, gt, (size_t)ngte * 4, t * 512, w);
        for (j = 0; r == 0 && j < ngte; j++) {
            uint64_t e = emk_le32(gt + j * 4);
            uint64_t lba = (i * ngte + j) * grain;
            if (e == 0 || (e == 1 && (flags & VMDK_FLAG_ZERO_GRAIN)))
                continue;
            if (lba >= capacity)
                break;
            if (e >= c->file_size / 512) {
                emk_img_warn(c, "grain table %llu entry %llu points beyond "
                             "the end of the file (sector %llu)",
                             (unsigned long long)i, (unsigned long long)j,
                             (unsigned long long)e);
                c->n_refcount_errors++;
                continue;
            }
            if (flags & VMDK_FLAG_COMPRESSED) {
                uint8_t m[12];
                uint64_t usize = grain;
                uint32_t size;
                r = emk_img_pread(c, m, 12, e * 512, "grain marker");
                if (r < 0)
                    break;
                size = emk_le32(m + 8);
                if (capacity - lba < usize)
                    usize = capacity - lba;
                if (size == 0 || size > grain * 512 * 2 + 1024) {
                    emk_img_warn(c, "grain at sector %llu: bad marker size %u",
                                 (unsigned long long)e, size);
                    c->n_refcount_errors++;
                    continue;
                }
                c->n_compressed++;
                r = emk_img_add_slot_keep(c, e * 512 + 12, size,
                                          (uint32_t)(usize * 512),
                                          EMK_IMG_STREAM_ZLIB, 12);
            } else {
                r = emk_img_mark(c, e * 512, grain * 512, EMK_IMG_CAT_ACTIVE,
                                 "grain");
            }
        }
    }
    free(dir);
    free(gt);
    return r;
}

/* Marks the metadata markers of a streamOptimized extent (and what they
 * carry) by walking the stream from the overhead end. */
static int walk_markers(emk_img_ctx *c, uint64_t start)
{
    uint64_t pos = start;
    while (pos + 16 <= c->file_size) {
        uint8_t m[16];
        uint64_t val;
        uint32_t size, type;
        int r = emk_img_pread(c, m, 16, pos, "stream marker");
        if (r < 0)
            return r;
        val = emk_le64(m);
        size = emk_le32(m + 8);
        type = emk_le32(m + 12);
        if (size) {
            pos += (12 + (uint64_t)size + 511) & ~511ULL;
            continue;
        }
        if (val == 0 && type == 0 && m[0] == 0) {
            /* EOS, or zero padding QEMU leaves */
            if (pos + 512 <= c->file_size)
                emk_img_mark(c, pos, 512, EMK_IMG_CAT_META, "end-of-stream");
            return 0;
        }
        if (type > VMDK_MARKER_FOOTER || val > c->file_size / 512)
            return 0;   /* not a marker: stop, the GD walk covers grains */
        r = emk_img_mark(c, pos, 512 + val * 512, EMK_IMG_CAT_META,
                         "metadata marker");
        if (r < 0)
            return r;
        pos += 512 + val * 512;
    }
    return 0;
}

static int parse_sparse(emk_img_ctx *c)
{
    uint8_t h[512];
    uint32_t flags, ngte;
    uint64_t capacity, grain, doff, dsize, rgd, gd, over, ngt;
    int r;
    r = emk_img_set_unit(c, 512);
    if (r == 0)
        r = emk_img_pread(c, h, 512, 0, "VMDK sparse header");
    if (r < 0)
        return r;
    c->version = emk_le32(h + 4);
    flags = emk_le32(h + 8);
    capacity = emk_le64(h + 12);
    grain = emk_le64(h + 20);
    doff = emk_le64(h + 28);
    dsize = emk_le64(h + 36);
    ngte = emk_le32(h + 44);
    rgd = emk_le64(h + 48);
    gd = emk_le64(h + 56);
    over = emk_le64(h + 64);
    if (grain == 0 || grain > 2048 || (grain & (grain - 1)))
        return emk_img_fail(c, -EINVAL, "VMDK header: grain size %llu sectors "
                            "at offset 20 is invalid", (unsigned long long)grain);
    if (ngte == 0 || ngte > VMDK_MAX_GTE)
        return emk_img_fail(c, -EINVAL, "VMDK header: %u grain table entries "
                            "at offset 44 is invalid", ngte);
    if (capacity > (1ULL << 40))
        return emk_img_fail(c, -EFBIG, "VMDK header: capacity %llu sectors is "
                            "too large", (unsigned long long)capacity);
    if (gd == GD_AT_END && c->file_size >= 1536) {
        uint8_t f[512];
        r = emk_img_pread(c, f, 512, c->file_size - 1024, "VMDK footer");
        if (r < 0)
            return r;
        if (memcmp(f, "KDMV", 4) == 0)
            gd = emk_le64(f + 56);
    }
    c->virtual_size = capacity * 512;
    c->cluster_size = (uint32_t)(grain * 512);
    ngt = (capacity + grain * ngte - 1) / (grain * ngte);
    emk_img_mark(c, 0, 512, EMK_IMG_CAT_META, "sparse header");
    if (over && over * 512 <= c->file_size)
        emk_img_mark(c, 0, over * 512, EMK_IMG_CAT_META, "overhead area");
    if (dsize) {
        char *desc;
        if (dsize > VMDK_DESC_MAX / 512 || doff > c->file_size / 512)
            return emk_img_fail(c, -EINVAL, "VMDK header: descriptor at sector "
                                "%llu (%llu sectors) is invalid",
                                (unsigned long long)doff,
                                (unsigned long long)dsize);
        r = emk_img_mark(c, doff * 512, dsize * 512, EMK_IMG_CAT_META,
                         "embedded descriptor");
        desc = calloc(1, (size_t)dsize * 512 + 1);
        if (!desc)
            return emk_img_fail(c, -ENOMEM, "out of memory");
        if (r == 0)
            r = emk_img_pread(c, desc, (size_t)dsize * 512, doff * 512,
                              "embedded descriptor");
        if (r == 0) {
            parse_create_type(c, desc);
            r = find_names(c, desc, doff * 512);
        }
        free(desc);
        if (r < 0)
            return r;
    }
    r = walk_gd(c, gd, ngt, ngte, grain, capacity, flags, "grain directory");
    if (r == 0)
        r = walk_gd(c, rgd, ngt, ngte, grain, capacity, flags,
                    "redundant grain directory");
    if (r == 0 && (flags & VMDK_FLAG_MARKERS))
        r = walk_markers(c, over * 512);
    return r;
}

int emk_img_vmdk_parse(emk_img_ctx *ctx, const char *path)
{
    char *desc;
    int r;
    uint8_t m[4];
    (void)path;
    r = emk_img_pread(ctx, m, 4, 0, "VMDK magic");
    if (r < 0)
        return r;
    if (memcmp(m, "KDMV", 4) == 0)
        return parse_sparse(ctx);
    /* a text descriptor: the whole file is metadata */
    if (ctx->file_size > VMDK_DESC_MAX)
        return emk_img_fail(ctx, -EFBIG, "VMDK descriptor of %llu bytes is "
                            "too large", (unsigned long long)ctx->file_size);
    r = emk_img_set_unit(ctx, 512);
    if (r < 0)
        return r;
    emk_img_mark(ctx, 0, ctx->file_size, EMK_IMG_CAT_META, "descriptor");
    desc = calloc(1, (size_t)ctx->file_size + 1);
    if (!desc)
        return emk_img_fail(ctx, -ENOMEM, "out of memory");
    r = emk_img_pread(ctx, desc, (size_t)ctx->file_size, 0, "descriptor");
    if (r == 0) {
        parse_create_type(ctx, desc);
        r = parse_extents(ctx, desc);
        if (r == 0)
            r = find_names(ctx, desc, 0);
    }
    free(desc);
    return r;
}

int emk_img_flat_parse(emk_img_ctx *ctx)
{
    int r = emk_img_set_unit(ctx, 65536);
    if (r == 0)
        r = emk_img_mark(ctx, 0, ctx->file_size, EMK_IMG_CAT_ACTIVE,
                         "flat extent");
    return r;
}
