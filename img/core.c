/*
 * core.c - image context: open and detect, unit classification, slots,
 * patches, errors and warnings.
 */
#include "emkit/img.h"
#include "img_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int emk_img_fail(emk_img_ctx *ctx, int err, const char *fmt, ...)
{
    va_list ap;
    if (ctx->err[0] == '\0') {
        va_start(ap, fmt);
        vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
        va_end(ap);
    }
    return err;
}

void emk_img_warn(emk_img_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    if (ctx->nwarn >= EMK_IMG_MAX_WARN)
        return;
    va_start(ap, fmt);
    vsnprintf(ctx->warn[ctx->nwarn++], EMK_IMG_WARN_LEN, fmt, ap);
    va_end(ap);
}

int emk_img_pread(emk_img_ctx *ctx, void *buf, size_t len, uint64_t off,
                  const char *what)
{
    size_t done = 0;
    if (len && off >= ctx->file_size)
        return emk_img_fail(ctx, -ERANGE,
                            "%s at offset %llu (+%zu) is beyond the end of the "
                            "file (%llu bytes)", what, (unsigned long long)off,
                            len, (unsigned long long)ctx->file_size);
    if (len > ctx->file_size - off) {
        /* a structure the file ends inside: the rest reads as zeros, as
         * QEMU reads it (an extended-L2 image's last cluster, a table in
         * the unallocated tail of the last cluster) */
        memset((char *)buf + (ctx->file_size - off), 0,
               len - (size_t)(ctx->file_size - off));
        len = (size_t)(ctx->file_size - off);
    }
    while (done < len) {
        ssize_t n = pread(ctx->fd, (char *)buf + done, len - done,
                          (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return emk_img_fail(ctx, n < 0 ? -errno : -EIO,
                                "reading %s at offset %llu failed", what,
                                (unsigned long long)off);
        done += (size_t)n;
    }
    return 0;
}

/* Makes room for one more element in a growing array. */
static int grow(emk_img_ctx *ctx, void **arr, size_t n, size_t *cap,
                size_t elem, size_t first, const char *what)
{
    void *p;
    size_t want;
    if (n < *cap)
        return 0;
    want = *cap ? *cap * 2 : first;
    p = realloc(*arr, want * elem);
    if (!p)
        return emk_img_fail(ctx, -ENOMEM, "out of memory (%s)", what);
    *arr = p;
    *cap = want;
    return 0;
}

int emk_img_mark(emk_img_ctx *ctx, uint64_t off, uint64_t len, int cat,
                 const char *what)
{
    uint64_t u, first, last;
    if (len == 0)
        return 0;
    if (off >= ctx->file_size || len > ctx->file_size - off) {
        /* a table, or a data cluster, may end past the end of the file:
         * QEMU writes only the subclusters it needs of an extended-L2
         * cluster, so the file can end inside the last one.  That part
         * does not exist (it reads as zeros) and nothing is written there;
         * only a structure that starts outside the file is an error. */
        if (off < ctx->file_size) {
            len = ctx->file_size - off;
        } else {
            return emk_img_fail(ctx, -ERANGE,
                                "%s at offset %llu (+%llu) points outside the "
                                "file (%llu bytes)", what,
                                (unsigned long long)off,
                                (unsigned long long)len,
                                (unsigned long long)ctx->file_size);
        }
    }
    first = off / ctx->unit;
    last = (off + len - 1) / ctx->unit;
    for (u = first; u <= last; u++) {
        if (ctx->cat[u] >= EMK_IMG_CAT_META_PART && cat < EMK_IMG_CAT_META_PART)
            ctx->n_overlaps++;      /* data onto metadata: metadata wins */
        if (cat > ctx->cat[u])
            ctx->cat[u] = (uint8_t)cat;
    }
    return 0;
}

int emk_img_mark_exact(emk_img_ctx *ctx, uint64_t off, uint64_t len,
                       const char *what)
{
    uint64_t a, b, fa, fb;
    int r;
    if (len == 0)
        return 0;
    if (off >= ctx->file_size)
        return emk_img_mark(ctx, off, len, EMK_IMG_CAT_META, what);
    if (len > ctx->file_size - off)
        len = ctx->file_size - off;
    a = off;
    b = off + len;
    fa = (a + ctx->unit - 1) / ctx->unit * ctx->unit;
    fb = b / ctx->unit * ctx->unit;
    if (b == ctx->file_size)
        fb = b;     /* the last, short unit is filled when reached */
    if (fa < fb) {
        r = emk_img_mark(ctx, fa, fb - fa, EMK_IMG_CAT_META, what);
        if (r < 0)
            return r;
    }
    if (fa >= fb || a < fa || b > fb) {
        r = grow(ctx, (void **)&ctx->pmeta, ctx->npmeta, &ctx->cap_pmeta,
                 sizeof(*ctx->pmeta), 32, "metadata");
        if (r < 0)
            return r;
        memset(&ctx->pmeta[ctx->npmeta], 0, sizeof(ctx->pmeta[0]));
        ctx->pmeta[ctx->npmeta].off = a;
        ctx->pmeta[ctx->npmeta].len = len;
        ctx->npmeta++;
        if (a < fa || fa >= fb) {
            r = emk_img_mark(ctx, a, 1, EMK_IMG_CAT_META_PART, what);
            if (r < 0)
                return r;
        }
        if (b > fb && fb >= fa)
            return emk_img_mark(ctx, fb, b - fb, EMK_IMG_CAT_META_PART, what);
        if (fa >= fb)
            return emk_img_mark(ctx, a, len, EMK_IMG_CAT_META_PART, what);
    }
    return 0;
}

int emk_img_add_slot(emk_img_ctx *ctx, uint64_t off, uint64_t len,
                     uint32_t usize, int kind)
{
    return emk_img_add_slot_keep(ctx, off, len, usize, kind, 0);
}

int emk_img_add_slot_keep(emk_img_ctx *ctx, uint64_t off, uint64_t len,
                          uint32_t usize, int kind, unsigned keep)
{
    if (keep > 255 || keep > off)
        return emk_img_fail(ctx, -EINVAL, "compressed data at offset %llu: "
                            "bad header size", (unsigned long long)off);
    if (off >= ctx->file_size)
        return emk_img_fail(ctx, -ERANGE, "compressed data at offset %llu is "
                            "beyond the end of the file",
                            (unsigned long long)off);
    if (len > ctx->file_size - off)
        len = ctx->file_size - off;
    if (grow(ctx, (void **)&ctx->slots, ctx->nslots, &ctx->cap_slots,
             sizeof(*ctx->slots), 256, "slots") < 0)
        return -ENOMEM;
    ctx->slots[ctx->nslots].off = off;
    ctx->slots[ctx->nslots].len = len;
    ctx->slots[ctx->nslots].usize = usize;
    ctx->slots[ctx->nslots].kind = (uint8_t)kind;
    ctx->slots[ctx->nslots].keep = (uint8_t)keep;
    ctx->nslots++;
    return emk_img_mark(ctx, off - keep, len + keep, EMK_IMG_CAT_COMPRESSED,
                        "compressed data");
}

static int add_name(emk_img_ctx *ctx, uint64_t off, uint32_t len, int utf16)
{
    if (len == 0)
        return 0;
    if (off > ctx->file_size || len > ctx->file_size - off)
        return emk_img_fail(ctx, -ERANGE, "name at offset %llu (+%u) is "
                            "outside the file", (unsigned long long)off, len);
    if (grow(ctx, (void **)&ctx->names, ctx->nnames, &ctx->cap_names,
             sizeof(*ctx->names), 16, "names") < 0)
        return -ENOMEM;
    memset(&ctx->names[ctx->nnames], 0, sizeof(ctx->names[0]));
    ctx->names[ctx->nnames].off = off;
    ctx->names[ctx->nnames].len = len;
    ctx->names[ctx->nnames].kind = (uint8_t)utf16;
    ctx->nnames++;
    return 0;
}

int emk_img_add_name(emk_img_ctx *ctx, uint64_t off, uint32_t len)
{
    return add_name(ctx, off, len, 0);
}

int emk_img_add_name16(emk_img_ctx *ctx, uint64_t off, uint32_t len)
{
    return add_name(ctx, off, len, 1);
}

int emk_img_add_patch(emk_img_ctx *ctx, uint64_t off, uint32_t len,
                      uint8_t *data)
{
    if (grow(ctx, (void **)&ctx->patches, ctx->npatches, &ctx->cap_patches,
             sizeof(*ctx->patches), 16, "patches") < 0) {
        free(data);
        return -ENOMEM;
    }
    ctx->patches[ctx->npatches].off = off;
    ctx->patches[ctx->npatches].len = len;
    ctx->patches[ctx->npatches].data = data;
    ctx->npatches++;
    return 0;
}

int emk_img_set_unit(emk_img_ctx *ctx, uint32_t unit)
{
    ctx->unit = unit;
    ctx->nunits = (ctx->file_size + unit - 1) / unit;
    free(ctx->cat);
    ctx->cat = calloc(ctx->nunits ? ctx->nunits : 1, 1);
    if (!ctx->cat)
        return emk_img_fail(ctx, -ENOMEM, "out of memory (%llu units)",
                            (unsigned long long)ctx->nunits);
    return 0;
}

const char *emk_img_format_name(int fmt)
{
    switch (fmt) {
    case EMK_IMG_FMT_QCOW2: return "qcow2";
    case EMK_IMG_FMT_VMDK: return "vmdk";
    case EMK_IMG_FMT_VHDX: return "vhdx";
    default: return "unknown";
    }
}

const char *emk_img_cat_name(int cat)
{
    static const char *const names[EMK_IMG_CAT_COUNT] = {
        "unreferenced", "zero_cluster_stale", "vm_state", "snapshot_data",
        "active_data", "compressed", "metadata_partial", "metadata"};
    return cat >= 0 && cat < EMK_IMG_CAT_COUNT ? names[cat] : "?";
}

static int detect(const uint8_t *b, size_t n)
{
    if (n >= 4 && b[0] == 'Q' && b[1] == 'F' && b[2] == 'I' && b[3] == 0xfb)
        return EMK_IMG_FMT_QCOW2;
    if (n >= 8 && memcmp(b, "vhdxfile", 8) == 0)
        return EMK_IMG_FMT_VHDX;
    if (n >= 4 && memcmp(b, "KDMV", 4) == 0)
        return EMK_IMG_FMT_VMDK;
    if (n >= 21 && memcmp(b, "# Disk DescriptorFile", 21) == 0)
        return EMK_IMG_FMT_VMDK;
    return EMK_IMG_FMT_UNKNOWN;
}

/* Records the identity of the opened file (ctx->fd) and its size. */
static int take_fd(emk_img_ctx *ctx, int fd, const char *path)
{
    struct stat st;
    ctx->fd = fd;
    if (fstat(ctx->fd, &st) < 0)
        return emk_img_fail(ctx, -errno, "%s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return emk_img_fail(ctx, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL,
                            "%s", S_ISDIR(st.st_mode) ? strerror(EISDIR)
                                                      : "Not a regular file");
    (void)path;
    ctx->file_size = (uint64_t)st.st_size;
    ctx->actual_size = (uint64_t)st.st_blocks * 512;
    ctx->st_dev = (uint64_t)st.st_dev;
    ctx->st_ino = (uint64_t)st.st_ino;
    ctx->mtime_sec = (int64_t)st.st_mtim.tv_sec;
    ctx->mtime_nsec = st.st_mtim.tv_nsec;
    return 0;
}

static void reset(emk_img_ctx *ctx, int writable)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->fd = -1;
    ctx->writable = writable;
}

/* Opens path (errors in strerror's words: the caller names the file),
 * takes the image locks and records the file's identity. */
static int open_file(emk_img_ctx *ctx, const char *path, int flags)
{
    int fd, r, writable = (flags & EMK_IMG_OPEN_RW) != 0;
    reset(ctx, writable);
    ctx->filename = malloc(strlen(path) + 1);
    if (!ctx->filename)
        return emk_img_fail(ctx, -ENOMEM, "out of memory");
    memcpy(ctx->filename, path, strlen(path) + 1);
    if ((flags & EMK_IMG_OPEN_RW) && (flags & EMK_IMG_OPEN_FORCE_SHARE))
        return emk_img_lock(ctx, -1, path, flags);  /* refused */
    fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0)
        return emk_img_fail(ctx, -errno, "%s", strerror(errno));
    r = take_fd(ctx, fd, path);
    return r < 0 ? r : emk_img_lock(ctx, fd, path, flags);
}

int emk_img_unchanged(emk_img_ctx *ctx, int fd, int check_mtime)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return emk_img_fail(ctx, -errno, "cannot stat the image");
    if ((uint64_t)st.st_dev != ctx->st_dev ||
        (uint64_t)st.st_ino != ctx->st_ino)
        return emk_img_fail(ctx, -ESTALE, "the file is no longer the image "
                            "that was parsed (it was replaced)");
    if ((uint64_t)st.st_size != ctx->file_size ||
        (check_mtime && ((int64_t)st.st_mtim.tv_sec != ctx->mtime_sec ||
                         st.st_mtim.tv_nsec != ctx->mtime_nsec)))
        return emk_img_fail(ctx, -EBUSY, "image changed while it was being "
                            "processed (%llu bytes when parsed, %llu now%s)",
                            (unsigned long long)ctx->file_size,
                            (unsigned long long)st.st_size,
                            (uint64_t)st.st_size == ctx->file_size
                                ? ", modified" : "");
    return 0;
}

int emk_img_open_extent(emk_img_ctx *ctx, int dirfd, const char *name,
                        int kind, int writable, int allow_external)
{
    int fd, r;
    reset(ctx, writable);
    fd = emk_img_openat(ctx, dirfd, name, writable ? O_RDWR : O_RDONLY,
                        allow_external);
    if (fd < 0)
        return fd;
    r = take_fd(ctx, fd, name);
    if (r < 0)
        return r;
    ctx->format = EMK_IMG_FMT_VMDK;
    if (kind == EMK_IMG_EXTENT_FLAT)
        return emk_img_flat_parse(ctx);
    return emk_img_vmdk_parse(ctx, name);
}

static int open_image(emk_img_ctx *ctx, const char *path, int fmt,
                      int flags)
{
    uint8_t head[64];
    size_t n;
    int got, r;
    r = open_file(ctx, path, flags);
    if (r < 0)
        return r;
    n = ctx->file_size < sizeof(head) ? (size_t)ctx->file_size : sizeof(head);
    memset(head, 0, sizeof(head));
    r = emk_img_pread(ctx, head, n, 0, "image header");
    if (r < 0)
        return r;
    got = detect(head, n);
    if (fmt == EMK_IMG_FMT_UNKNOWN)
        fmt = got;
    if (fmt == EMK_IMG_FMT_UNKNOWN)
        return emk_img_fail(ctx, -EINVAL, "Image is not in qcow2, vmdk or "
                            "vhdx format");
    if (got != fmt)
        return emk_img_fail(ctx, -EINVAL, "Image is not in %s format",
                            emk_img_format_name(fmt));
    ctx->format = fmt;
    switch (fmt) {
    case EMK_IMG_FMT_QCOW2:
        return emk_img_qcow2_parse(ctx);
    case EMK_IMG_FMT_VMDK:
        return emk_img_vmdk_parse(ctx, path);
    case EMK_IMG_FMT_VHDX:
        return emk_img_vhdx_parse(ctx);
    default:
        return -EINVAL;
    }
}

int emk_img_open2(emk_img_ctx *ctx, const char *path, int fmt, int flags)
{
    return open_image(ctx, path, fmt, flags);
}

int emk_img_open(emk_img_ctx *ctx, const char *path, int fmt)
{
    return open_image(ctx, path, fmt, 0);
}

int emk_img_open_rw(emk_img_ctx *ctx, const char *path, int fmt)
{
    return open_image(ctx, path, fmt, EMK_IMG_OPEN_RW);
}

void emk_img_close(emk_img_ctx *ctx)
{
    size_t i;
    if (ctx->fd >= 0)
        close(ctx->fd);
    ctx->fd = -1;
    free(ctx->cat);
    free(ctx->slots);
    for (i = 0; i < ctx->npatches; i++)
        free(ctx->patches[i].data);
    free(ctx->patches);
    free(ctx->names);
    free(ctx->pmeta);
    free(ctx->guest_of);
    free(ctx->filename);
    ctx->filename = NULL;
    ctx->guest_of = NULL;
    ctx->pmeta = NULL;
    ctx->npmeta = 0;
    ctx->names = NULL;
    ctx->nnames = 0;
    ctx->cat = NULL;
    ctx->slots = NULL;
    ctx->patches = NULL;
    ctx->nslots = ctx->npatches = 0;
}
