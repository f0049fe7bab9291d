/*
 * info.c - `info` output as qemu-img 7.2 prints it: the human text
 * (image, file format, virtual size, disk size, cluster_size, backing
 * file, the snapshot table, format specific information) and the JSON
 * fields (filename, format, virtual-size, actual-size, dirty-flag,
 * encrypted, cluster-size, backing-filename, snapshots, format-specific).
 */
#include "img_priv.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { DESC_MAX = 1024 * 1024, BITMAP_IN_USE = 1, BITMAP_AUTO = 2 };

/* Reads exactly n bytes at off; 0 or -1. */
static int rd(int fd, void *buf, size_t n, uint64_t off)
{
    size_t done = 0;
    while (done < n) {
        ssize_t k = pread(fd, (char *)buf + done, n - done, (off_t)(off + done));
        if (k <= 0)
            return -1;
        done += (size_t)k;
    }
    return 0;
}

/* The directory of the image ("." for a bare name), for extent names. */
static int image_dir(const emk_img_ctx *c)
{
    const char *f = c->filename ? c->filename : "";
    const char *slash = strrchr(f, '/');
    char *d;
    int fd;
    if (!slash)
        return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    d = malloc((size_t)(slash - f) + 2);
    if (!d)
        return -1;
    memcpy(d, f, (size_t)(slash - f) + 1);
    d[slash - f + (slash == f)] = '\0';
    fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(d);
    return fd;
}

/* qemu's disk size: the image file's blocks plus, for VMDK, those of its
 * extent files (QEMU 7.2 does not count a qcow2 data file). */
static uint64_t actual_size(const emk_img_ctx *c)
{
    uint64_t total = c->actual_size;
    uint32_t i;
    int dir;
    if (!c->nextents || c->format != EMK_IMG_FMT_VMDK)
        return total;
    dir = image_dir(c);
    for (i = 0; dir >= 0 && i < c->nextents; i++) {
        struct stat st;
        if (fstatat(dir, c->extents[i].name, &st, 0) == 0)
            total += (uint64_t)st.st_blocks * 512;
    }
    if (dir >= 0)
        close(dir);
    return total;
}

/* A name with the directory of the image in front, as qemu resolves a
 * relative backing file name (path_combine). */
static void full_path(const emk_img_ctx *c, const char *name, char *out,
                      size_t cap)
{
    const char *f = c->filename ? c->filename : "";
    const char *slash = strrchr(f, '/');
    if (name[0] == '/' || !slash)
        snprintf(out, cap, "%s", name);
    else
        snprintf(out, cap, "%.*s%s", (int)(slash - f + 1), f, name);
}

/* ------------------------------------------------------------- VMDK */
typedef struct vmdk_desc {
    char *text;
    unsigned long cid, parent_cid;
    char create[32];
    char parent[256];
} vmdk_desc;

static void desc_str(const char *t, const char *key, char *out, size_t cap)
{
    const char *p = strstr(t, key), *q;
    out[0] = '\0';
    if (!p)
        return;
    p += strlen(key);
    q = strchr(p, '"');
    if (q && (size_t)(q - p) < cap)
        snprintf(out, cap, "%.*s", (int)(q - p), p);
}

static unsigned long desc_hex(const char *t, const char *key)
{
    const char *p = strstr(t, key);
    while (p && p != t && p[-1] != '\n')
        p = strstr(p + 1, key);
    return p ? strtoul(p + strlen(key), NULL, 16) : 0xffffffffUL;
}

/* Reads the descriptor (embedded in a sparse file or the file itself). */
static int read_desc(int fd, uint64_t file_size, vmdk_desc *d)
{
    uint8_t h[512];
    uint64_t off = 0, len = file_size;
    memset(d, 0, sizeof(*d));
    if (file_size >= 512 && rd(fd, h, 512, 0) == 0 && memcmp(h, "KDMV", 4) == 0) {
        off = emk_le64(h + 28) * 512;
        len = emk_le64(h + 36) * 512;
    }
    if (len > DESC_MAX || off > file_size || len > file_size - off)
        return -1;
    d->text = calloc(1, (size_t)len + 1);
    if (!d->text || rd(fd, d->text, (size_t)len, off) < 0)
        return -1;
    d->text[strlen(d->text)] = '\0';
    d->cid = desc_hex(d->text, "CID=");
    d->parent_cid = desc_hex(d->text, "parentCID=");
    desc_str(d->text, "createType=\"", d->create, sizeof(d->create));
    desc_str(d->text, "parentFileNameHint=\"", d->parent, sizeof(d->parent));
    return 0;
}

/* One extent as qemu lists it: a sparse extent file has a grain size
 * ("cluster size") and maybe compressed grains. */
typedef struct vmdk_ext {
    const char *name, *type;
    uint64_t vsize;
    uint32_t cluster;
    int compressed;
} vmdk_ext;

static void sparse_facts(int fd, vmdk_ext *e)
{
    uint8_t h[512];
    if (fd >= 0 && rd(fd, h, 512, 0) == 0 && memcmp(h, "KDMV", 4) == 0) {
        e->cluster = (uint32_t)(emk_le64(h + 20) * 512);
        e->compressed = (emk_le32(h + 8) & (1u << 16)) != 0;
    }
}

static void print_vmdk_ext(FILE *out, const vmdk_ext *e, int json, int first)
{
    if (json) {
        fprintf(out, "%s\n                {", first ? "" : ",");
        if (e->compressed)
            fprintf(out, "\n                    \"compressed\": true,");
        fprintf(out, "\n                    \"virtual-size\": %llu,\n"
                "                    \"filename\": ",
                (unsigned long long)e->vsize);
        emk_img_json_cstr(out, e->name);
        if (e->cluster)
            fprintf(out, ",\n                    \"cluster-size\": %u",
                    e->cluster);
        fprintf(out, ",\n                    \"format\": ");
        emk_img_json_cstr(out, e->type);
        fprintf(out, "\n                }");
        return;
    }
    fprintf(out, "        [%d]:\n", first);
    if (e->compressed)
        fprintf(out, "            compressed: true\n");
    fprintf(out, "            virtual size: %llu\n            filename: %s\n",
            (unsigned long long)e->vsize, e->name);
    if (e->cluster)
        fprintf(out, "            cluster size: %u\n", e->cluster);
    fprintf(out, "            format: %s\n", e->type);
}

static void print_vmdk(const emk_img_ctx *c, const vmdk_desc *d, FILE *out,
                       int json)
{
    static const char *const type[] = {"FLAT", "SPARSE", "ZERO"};
    uint32_t i, n = c->nextents ? c->nextents : 1;
    int dir = c->nextents ? image_dir(c) : -1;
    if (json)
        fprintf(out, ",\n    \"format-specific\": {\n        \"type\": \"vmdk\",\n"
                "        \"data\": {\n            \"cid\": %lu,\n"
                "            \"parent-cid\": %lu,\n            \"create-type\": ",
                d->cid, d->parent_cid);
    else
        fprintf(out, "Format specific information:\n    cid: %lu\n"
                "    parent cid: %lu\n    create type: %s\n    extents:\n",
                d->cid, d->parent_cid, d->create);
    if (json) {
        emk_img_json_cstr(out, d->create);
        fprintf(out, ",\n            \"extents\": [");
    }
    for (i = 0; i < n; i++) {
        vmdk_ext e;
        memset(&e, 0, sizeof(e));
        if (!c->nextents) {
            /* the sparse file itself, opened without a descriptor extent */
            e.name = c->filename ? c->filename : "";
            e.type = "";
            e.vsize = c->virtual_size;
            sparse_facts(c->fd, &e);
        } else {
            const emk_img_extent *x = &c->extents[i];
            e.name = x->name;
            e.type = x->kind < 3 ? type[x->kind] : "";
            e.vsize = x->sectors * 512;
            if (x->kind == EMK_IMG_EXTENT_SPARSE && dir >= 0) {
                int fd = openat(dir, x->name, O_RDONLY | O_CLOEXEC);
                sparse_facts(fd, &e);
                if (fd >= 0)
                    close(fd);
            }
        }
        print_vmdk_ext(out, &e, json, json ? i == 0 : (int)i);
    }
    if (dir >= 0)
        close(dir);
    if (json)
        fprintf(out, "\n            ]\n        }\n    }");
}

/* ------------------------------------------------------------- qcow2 */
static void print_bitmaps(const emk_img_ctx *c, FILE *out, int json)
{
    uint64_t pos = 0, size = c->bitmap_dir_size;
    uint8_t *dir;
    uint32_t i;
    if (!c->nb_bitmaps || !size || size > 64 * 1024 * 1024)
        return;
    dir = malloc((size_t)size);
    if (!dir || rd(c->fd, dir, (size_t)size, c->bitmap_dir_off) < 0) {
        free(dir);
        return;
    }
    fprintf(out, json ? ",\n            \"bitmaps\": [" : "    bitmaps:\n");
    for (i = 0; i < c->nb_bitmaps && pos + 24 <= size; i++) {
        uint32_t flags = emk_be32(dir + pos + 12), extra = emk_be32(dir + pos + 20);
        uint32_t gran = dir[pos + 17] < 64 ? dir[pos + 17] : 0;
        uint16_t nlen = emk_be16(dir + pos + 18);
        const char *name = (const char *)dir + pos + 24 + extra;
        int nf = 0;
        if (24 + (uint64_t)extra + nlen > size - pos)
            break;
        if (json) {
            fprintf(out, "%s\n                {\n                    \"flags\": [",
                    i ? "," : "");
            if (flags & BITMAP_IN_USE)
                fprintf(out, "%s\n                        \"in-use\"", nf++ ? "," : "");
            if (flags & BITMAP_AUTO)
                fprintf(out, "%s\n                        \"auto\"", nf++ ? "," : "");
            fprintf(out, "%s],\n                    \"name\": ",
                    nf ? "\n                    " : "");
            emk_img_json_str(out, name, nlen);
            fprintf(out, ",\n                    \"granularity\": %llu\n"
                    "                }", 1ULL << gran);
        } else {
            fprintf(out, "        [%u]:\n            flags:\n", i);
            if (flags & BITMAP_IN_USE)
                fprintf(out, "                [%d]: in-use\n", nf++);
            if (flags & BITMAP_AUTO)
                fprintf(out, "                [%d]: auto\n", nf++);
            fprintf(out, "            name: %.*s\n            granularity: %llu\n",
                    (int)nlen, name, 1ULL << gran);
        }
        pos += (24 + (uint64_t)extra + nlen + 7) & ~7ULL;
    }
    if (json)
        fprintf(out, "%s]", i ? "\n            " : "");
    free(dir);
}

static void kv_bool(FILE *out, int json, const char *jkey, const char *hkey,
                    int v)
{
    if (json)
        fprintf(out, ",\n            \"%s\": %s", jkey, v ? "true" : "false");
    else
        fprintf(out, "    %s: %s\n", hkey, v ? "true" : "false");
}

static void print_qcow2(const emk_img_ctx *c, FILE *out, int json)
{
    int v3 = c->version >= 3;
    const char *ct = c->compression ? "zstd" : "zlib";
    if (json)
        fprintf(out, ",\n    \"format-specific\": {\n        \"type\": \"qcow2\",\n"
                "        \"data\": {\n            \"compat\": \"%s\",\n"
                "            \"compression-type\": \"%s\"", v3 ? "1.1" : "0.10", ct);
    else
        fprintf(out, "Format specific information:\n    compat: %s\n"
                "    compression type: %s\n", v3 ? "1.1" : "0.10", ct);
    if (v3)
        kv_bool(out, json, "lazy-refcounts", "lazy refcounts", c->compat & 1);
    print_bitmaps(c, out, json);
    if (json)
        fprintf(out, ",\n            \"refcount-bits\": %u", c->refcount_bits);
    else
        fprintf(out, "    refcount bits: %u\n", c->refcount_bits);
    if (c->encrypted == 2) {
        fprintf(out, json ? ",\n            \"encrypt\": {" : "    encrypt:\n");
        emk_img_print_luks_info(c, out, json);
        if (json)
            fprintf(out, "\n            }");
    } else if (c->encrypted) {
        if (json)
            fprintf(out, ",\n            \"encrypt\": {\n"
                    "                \"format\": \"aes\"\n            }");
        else
            fprintf(out, "    encrypt:\n        format: aes\n");
    }
    if (c->data_file[0]) {
        if (json) {
            fprintf(out, ",\n            \"data-file\": ");
            emk_img_json_cstr(out, c->data_file);
        } else {
            fprintf(out, "    data file: %s\n", c->data_file);
        }
        kv_bool(out, json, "data-file-raw", "data file raw", (c->autoclear & 2) != 0);
    }
    if (v3) {
        kv_bool(out, json, "corrupt", "corrupt", (c->incompat & 2) != 0);
        kv_bool(out, json, "extended-l2", "extended l2", c->extended_l2 != 0);
    }
    if (json)
        fprintf(out, "\n        }\n    }");
}

/* ---------------------------------------------------------- snapshots */
static void snap_date(const emk_img_snap *s, char *buf, size_t cap)
{
    time_t t = (time_t)s->date_sec;
    struct tm tm;
    if (!localtime_r(&t, &tm) || !strftime(buf, cap, "%Y-%m-%d %H:%M:%S", &tm))
        snprintf(buf, cap, "?");
}

static void print_snaps(const emk_img_ctx *c, uint32_t n, FILE *out, int json)
{
    uint32_t i;
    if (!json) {
        fprintf(out, "Snapshot list:\n%-10s%-17s%8s%20s%13s%11s\n", "ID", "TAG",
                "VM SIZE", "DATE", "VM CLOCK", "ICOUNT");
        for (i = 0; i < n; i++) {
            const emk_img_snap *s = &c->snaps[i];
            uint64_t secs = s->vm_clock_nsec / 1000000000ULL;
            char size[32], date[64], clock[64], icount[32] = "";
            emk_img_size_str(size, sizeof(size), s->vm_state_size);
            snap_date(s, date, sizeof(date));
            snprintf(clock, sizeof(clock), "%02d:%02d:%02d.%03d",
                     (int)(secs / 3600), (int)((secs / 60) % 60),
                     (int)(secs % 60),
                     (int)((s->vm_clock_nsec / 1000000) % 1000));
            if (s->icount != ~0ULL)
                snprintf(icount, sizeof(icount), "%lld", (long long)s->icount);
            fprintf(out, "%-9s %-16s %8s%20s%13s%11s\n", s->id, s->name, size,
                    date, clock, icount);
        }
        return;
    }
    fprintf(out, ",\n    \"snapshots\": [");
    for (i = 0; i < n; i++) {
        const emk_img_snap *s = &c->snaps[i];
        fprintf(out, "%s\n        {\n", i ? "," : "");
        if (s->icount != ~0ULL)
            fprintf(out, "            \"icount\": %llu,\n",
                    (unsigned long long)s->icount);
        fprintf(out, "            \"vm-clock-nsec\": %llu,\n            \"name\": ",
                (unsigned long long)(s->vm_clock_nsec % 1000000000ULL));
        emk_img_json_cstr(out, s->name);
        fprintf(out, ",\n            \"date-sec\": %llu,\n"
                "            \"date-nsec\": %u,\n"
                "            \"vm-clock-sec\": %llu,\n            \"id\": ",
                (unsigned long long)s->date_sec, s->date_nsec,
                (unsigned long long)(s->vm_clock_nsec / 1000000000ULL));
        emk_img_json_cstr(out, s->id);
        fprintf(out, ",\n            \"vm-state-size\": %llu,\n"
                "            \"disk-size\": %llu,\n"
                "            \"l1-offset\": %llu,\n            \"l1-size\": %u\n"
                "        }", (unsigned long long)s->vm_state_size,
                (unsigned long long)s->disk_size,
                (unsigned long long)s->l1_offset, s->l1_size);
    }
    fprintf(out, "\n    ]");
}

/* ------------------------------------------------------------- info */
static const char *subformat_name(const emk_img_ctx *c)
{
    static const char *const vmdk[] = {"monolithicSparse", "monolithicFlat",
        "twoGbMaxExtentSparse", "twoGbMaxExtentFlat", "streamOptimized",
        "vmfs"};
    static const char *const vhdx[] = {"dynamic", "fixed", "differencing"};
    if (c->format == EMK_IMG_FMT_VMDK && c->subformat < 6)
        return vmdk[c->subformat];
    if (c->format == EMK_IMG_FMT_VHDX && c->subformat < 3)
        return vhdx[c->subformat];
    return "";
}

static void print_backing(const emk_img_ctx *c, const char *backing,
                          const char *fmt, FILE *out, int json)
{
    char full[1024];
    full_path(c, backing, full, sizeof(full));
    if (json) {
        fprintf(out, ",\n    \"backing-filename\": ");
        emk_img_json_cstr(out, backing);
        fprintf(out, ",\n    \"full-backing-filename\": ");
        emk_img_json_cstr(out, full);
        if (fmt[0]) {
            fprintf(out, ",\n    \"backing-filename-format\": ");
            emk_img_json_cstr(out, fmt);
        }
        return;
    }
    fprintf(out, "backing file: %s", backing);
    if (strcmp(full, backing) != 0)
        fprintf(out, " (actual path: %s)", full);
    fprintf(out, "\n");
    if (fmt[0])
        fprintf(out, "backing file format: %s\n", fmt);
}

static void print_extras(const emk_img_ctx *c, FILE *out)
{
    int i;
    if (subformat_name(c)[0])
        fprintf(out, ",\n    \"subformat\": \"%s\"", subformat_name(c));
    fprintf(out, ",\n    \"file-size\": %llu,\n    \"unit\": %u,\n"
            "    \"compressed-clusters\": %llu,\n    \"warnings\": [",
            (unsigned long long)c->file_size, c->unit,
            (unsigned long long)c->n_compressed);
    for (i = 0; i < c->nwarn; i++) {
        fprintf(out, "%s", i ? ", " : "");
        emk_img_json_cstr(out, c->warn[i]);
    }
    fprintf(out, "]");
}

/* The cluster size qemu reports: a VMDK descriptor's is its first
 * extent's grain, when that extent is sparse. */
static uint32_t cluster_size(const emk_img_ctx *c)
{
    vmdk_ext e;
    int dir, fd;
    if (c->cluster_size || c->format != EMK_IMG_FMT_VMDK || !c->nextents ||
        c->extents[0].kind != EMK_IMG_EXTENT_SPARSE)
        return c->cluster_size;
    memset(&e, 0, sizeof(e));
    dir = image_dir(c);
    fd = dir >= 0 ? openat(dir, c->extents[0].name, O_RDONLY | O_CLOEXEC) : -1;
    sparse_facts(fd, &e);
    if (fd >= 0)
        close(fd);
    if (dir >= 0)
        close(dir);
    return e.cluster;
}

void emk_img_print_info(const emk_img_ctx *c, FILE *out, int json)
{
    uint32_t n = c->nb_snapshots < EMK_IMG_MAX_SNAPS ? c->nb_snapshots
                                                     : EMK_IMG_MAX_SNAPS;
    const char *name = c->filename ? c->filename : "";
    const char *backing = c->backing, *bfmt = c->backing_fmt;
    uint64_t disk = actual_size(c);
    uint32_t cs = cluster_size(c);
    vmdk_desc d;
    int dirty = c->format == EMK_IMG_FMT_QCOW2 && (c->incompat & 1), i;
    memset(&d, 0, sizeof(d));
    if (c->format == EMK_IMG_FMT_VMDK && read_desc(c->fd, c->file_size, &d) == 0 &&
        d.parent[0]) {
        backing = d.parent;
        bfmt = "vmdk";
    }
    if (json) {
        fprintf(out, "{\n    \"filename\": ");
        emk_img_json_cstr(out, name);
        fprintf(out, ",\n    \"format\": \"%s\",\n    \"virtual-size\": %llu,\n"
                "    \"actual-size\": %llu,\n    \"dirty-flag\": %s",
                emk_img_format_name(c->format),
                (unsigned long long)c->virtual_size, (unsigned long long)disk,
                dirty ? "true" : "false");
        if (c->encrypted)
            fprintf(out, ",\n    \"encrypted\": true");
        if (cs)
            fprintf(out, ",\n    \"cluster-size\": %u", cs);
    } else {
        char vs[32], ds[32];
        emk_img_size_str(vs, sizeof(vs), c->virtual_size);
        emk_img_size_str(ds, sizeof(ds), disk);
        fprintf(out, "image: %s\nfile format: %s\nvirtual size: %s (%llu bytes)\n"
                "disk size: %s\n", name, emk_img_format_name(c->format), vs,
                (unsigned long long)c->virtual_size, ds);
        if (c->encrypted)
            fprintf(out, "encrypted: yes\n");
        if (cs)
            fprintf(out, "cluster_size: %u\n", cs);
        if (dirty)
            fprintf(out, "cleanly shut down: no\n");
    }
    if (backing[0])
        print_backing(c, backing, bfmt, out, json);
    if (n)
        print_snaps(c, n, out, json);
    if (c->format == EMK_IMG_FMT_QCOW2)
        print_qcow2(c, out, json);
    else if (c->format == EMK_IMG_FMT_VMDK && d.text)
        print_vmdk(c, &d, out, json);
    free(d.text);
    if (json) {
        print_extras(c, out);
        fprintf(out, "\n}\n");
        return;
    }
    for (i = 0; i < c->nwarn; i++)
        fprintf(out, "warning: %s\n", c->warn[i]);
}
