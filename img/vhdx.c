/*
 * vhdx.c - VHDX parser.  Metadata: the first MiB (file identifier, both
 * headers, both region tables), every region (BAT, metadata), the log and
 * sector-bitmap blocks.  Payload blocks are data.  Log entries keep every
 * byte except the padding after their descriptors, which QEMU 7.2 fills
 * with stale memory: it is zeroed and the entry's CRC-32C recomputed (as a
 * metadata patch) when the entry was valid before.  The values of the
 * parent locator of a differencing image (file names) are recorded for
 * --scrub-names.
 */
#include "emkit/img.h"
#include "img_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum {
    MIB = 1024 * 1024,
    VHDX_HEADER1 = 64 * 1024, VHDX_HEADER2 = 128 * 1024,
    VHDX_REGION1 = 192 * 1024,
    VHDX_MAX_REGIONS = 2047,
    VHDX_LOG_SECTOR = 4096,
    BAT_NOT_PRESENT = 0, BAT_UNDEFINED = 1, BAT_ZERO = 2, BAT_UNMAPPED = 3,
    BAT_FULLY_PRESENT = 6, BAT_PARTIALLY_PRESENT = 7
};

static const uint8_t GUID_BAT[16] = {0x66, 0x77, 0xc2, 0x2d, 0x23, 0xf6, 0x00,
    0x42, 0x9d, 0x64, 0x11, 0x5e, 0x9b, 0xfd, 0x4a, 0x08};
static const uint8_t GUID_META[16] = {0x06, 0xa2, 0x7c, 0x8b, 0x90, 0x47, 0x9a,
    0x4b, 0xb8, 0xfe, 0x57, 0x5f, 0x05, 0x0f, 0x88, 0x6e};
static const uint8_t GUID_FILE_PARAMS[16] = {0x37, 0x67, 0xa1, 0xca, 0x36,
    0xfa, 0x43, 0x4d, 0xb3, 0xb6, 0x33, 0xf0, 0xaa, 0x44, 0xe7, 0x6b};
static const uint8_t GUID_DISK_SIZE[16] = {0x24, 0x42, 0xa5, 0x2f, 0x1b, 0xcd,
    0x76, 0x48, 0xb2, 0x11, 0x5d, 0xbe, 0xd8, 0x3b, 0xf4, 0xb8};
static const uint8_t GUID_PARENT_LOCATOR[16] = {0x2d, 0x5f, 0xd3, 0xa8, 0x0b,
    0xb3, 0x4d, 0x45, 0xab, 0xf7, 0xd3, 0xd8, 0x48, 0x34, 0xab, 0x0c};
static const uint8_t GUID_LOGICAL_SECTOR[16] = {0x1d, 0xbf, 0x41, 0x81, 0x6f,
    0xa9, 0x09, 0x47, 0xba, 0x47, 0xf2, 0x33, 0xa8, 0xfa, 0xab, 0x5f};

typedef struct vx {
    emk_img_ctx *c;
    uint64_t log_off, bat_off, meta_off;
    uint32_t log_len, bat_len, meta_len;
    uint32_t block_size, lsec;
    uint64_t chunk_ratio;
} vx;

static int vx_header(vx *v)
{
    uint8_t h[2][4096];
    uint64_t seq[2];
    int k, best = -1, r;
    for (k = 0; k < 2; k++) {
        uint32_t crc;
        r = emk_img_pread(v->c, h[k], 4096, k ? VHDX_HEADER2 : VHDX_HEADER1,
                          "VHDX header");
        if (r < 0)
            return r;
        crc = emk_le32(h[k] + 4);
        memset(h[k] + 4, 0, 4);
        seq[k] = emk_le64(h[k] + 8);
        if (memcmp(h[k], "head", 4) != 0 ||
            emk_img_crc32c(0, h[k], 4096) != crc)
            continue;
        if (best < 0 || seq[k] > seq[best])
            best = k;
    }
    if (best < 0)
        return emk_img_fail(v->c, -EINVAL, "VHDX: neither header at offset "
                            "65536 nor 131072 is valid");
    v->c->version = emk_le16(h[best] + 66);
    v->log_len = emk_le32(h[best] + 68);
    v->log_off = emk_le64(h[best] + 72);
    return 0;
}

static int vx_regions(vx *v)
{
    uint8_t *rt = malloc(65536);
    uint32_t n, i, crc;
    int r;
    if (!rt)
        return emk_img_fail(v->c, -ENOMEM, "out of memory");
    r = emk_img_pread(v->c, rt, 65536, VHDX_REGION1, "VHDX region table");
    if (r < 0)
        goto out;
    crc = emk_le32(rt + 4);
    memset(rt + 4, 0, 4);
    if (memcmp(rt, "regi", 4) != 0 || emk_img_crc32c(0, rt, 65536) != crc) {
        r = emk_img_fail(v->c, -EINVAL, "VHDX region table at offset %u is "
                         "not valid", (unsigned)VHDX_REGION1);
        goto out;
    }
    n = emk_le32(rt + 8);
    if (n > VHDX_MAX_REGIONS) {
        r = emk_img_fail(v->c, -EINVAL, "VHDX region table: %u entries", n);
        goto out;
    }
    for (i = 0; i < n; i++) {
        const uint8_t *e = rt + 16 + 32 * i;
        uint64_t off = emk_le64(e + 16);
        uint32_t len = emk_le32(e + 24);
        if ((off % MIB) || (len % MIB) || off < MIB) {
            r = emk_img_fail(v->c, -EINVAL, "VHDX region %u at offset %llu "
                             "(%u bytes) is not MiB aligned", i,
                             (unsigned long long)off, len);
            goto out;
        }
        r = emk_img_mark(v->c, off, len, EMK_IMG_CAT_META, "VHDX region");
        if (r < 0)
            goto out;
        if (memcmp(e, GUID_BAT, 16) == 0) {
            v->bat_off = off;
            v->bat_len = len;
        } else if (memcmp(e, GUID_META, 16) == 0) {
            v->meta_off = off;
            v->meta_len = len;
        }
    }
    if (!v->bat_len || !v->meta_len)
        r = emk_img_fail(v->c, -EINVAL, "VHDX region table lacks the %s "
                         "region", v->bat_len ? "metadata" : "BAT");
out:
    free(rt);
    return r;
}

/* Copies a UTF-16LE string of len bytes into out as ASCII ('?' for other
 * characters). */
static void utf16_ascii(char *out, size_t cap, const uint8_t *s, uint32_t len)
{
    size_t k, n = len / 2 < cap - 1 ? len / 2 : cap - 1;
    for (k = 0; k < n; k++)
        out[k] = s[2 * k + 1] || s[2 * k] < 0x20 || s[2 * k] > 0x7e ? '?'
                                                                    : (char)s[2 * k];
    out[n] = '\0';
}

/* Parses the parent locator item at [off, off + len) of the metadata
 * region: every value except parent_linkage and parent_linkage2 (GUIDs
 * that identify the parent and must stay) is a file name that
 * --scrub-names replaces.  Returns 0 or -errno. */
static int vx_locator(vx *v, uint32_t off, uint32_t len)
{
    uint64_t at = v->meta_off + off;
    uint8_t *p;
    uint32_t n, i;
    int r;
    if (off < 65536 || len < 20 || len > MIB || off > v->meta_len - len)
        return emk_img_fail(v->c, -EINVAL, "VHDX parent locator at metadata "
                            "offset %u (%u bytes) is outside the metadata "
                            "region or too short", off, len);
    p = malloc(len);
    if (!p)
        return emk_img_fail(v->c, -ENOMEM, "out of memory (parent locator)");
    r = emk_img_pread(v->c, p, len, at, "VHDX parent locator");
    n = r == 0 ? emk_le16(p + 18) : 0;
    if (r == 0 && 20 + 12 * (uint64_t)n > len)
        r = emk_img_fail(v->c, -EINVAL, "VHDX parent locator at offset %llu: "
                         "%u entries do not fit in %u bytes",
                         (unsigned long long)at, n, len);
    for (i = 0; r == 0 && i < n; i++) {
        const uint8_t *e = p + 20 + 12 * i;
        uint32_t ko = emk_le32(e), vo = emk_le32(e + 4);
        uint32_t kl = emk_le16(e + 8), vl = emk_le16(e + 10);
        char key[32];
        if (!ko || !vo || !kl || !vl || ko > len || kl > len - ko ||
            vo > len || vl > len - vo) {
            r = emk_img_fail(v->c, -EINVAL, "VHDX parent locator entry %u at "
                             "offset %llu: key or value outside the item", i,
                             (unsigned long long)(at + 20 + 12 * i));
            break;
        }
        utf16_ascii(key, sizeof(key), p + ko, kl);
        if (strcmp(key, "parent_linkage") == 0 ||
            strcmp(key, "parent_linkage2") == 0)
            continue;
        if (strcmp(key, "relative_path") == 0 || !v->c->backing[0])
            utf16_ascii(v->c->backing, sizeof(v->c->backing), p + vo, vl);
        r = emk_img_add_name16(v->c, at + vo, vl);
    }
    free(p);
    return r;
}

static int vx_metadata(vx *v)
{
    uint8_t t[65536];
    uint32_t n, i;
    uint64_t disk = 0;
    int r = emk_img_pread(v->c, t, sizeof(t), v->meta_off, "VHDX metadata table");
    if (r < 0)
        return r;
    if (memcmp(t, "metadata", 8) != 0)
        return emk_img_fail(v->c, -EINVAL, "VHDX metadata table at offset %llu "
                            "has no signature", (unsigned long long)v->meta_off);
    n = emk_le16(t + 10);
    if (n > 2047)
        return emk_img_fail(v->c, -EINVAL, "VHDX metadata table: %u entries", n);
    for (i = 0; i < n; i++) {
        const uint8_t *e = t + 32 + 32 * i;
        uint32_t off = emk_le32(e + 16), len = emk_le32(e + 20);
        uint8_t item[8];
        if (memcmp(e, GUID_PARENT_LOCATOR, 16) == 0) {
            r = vx_locator(v, off, len);
            if (r < 0)
                return r;
            continue;
        }
        if (off < 65536 || len > 8 || off > v->meta_len - len) {
            if (len <= 8)
                return emk_img_fail(v->c, -EINVAL, "VHDX metadata item %u at "
                                    "offset %u is outside the region", i, off);
            continue;   /* larger items (page 83 data) are not needed */
        }
        memset(item, 0, sizeof(item));
        r = emk_img_pread(v->c, item, len, v->meta_off + off,
                          "VHDX metadata item");
        if (r < 0)
            return r;
        if (memcmp(e, GUID_FILE_PARAMS, 16) == 0) {
            v->block_size = emk_le32(item);
            if (emk_le32(item + 4) & 2)
                v->c->subformat = 2;    /* has a parent: differencing */
            else if (emk_le32(item + 4) & 1)
                v->c->subformat = 1;    /* leave blocks allocated: fixed */
        } else if (memcmp(e, GUID_DISK_SIZE, 16) == 0) {
            disk = emk_le64(item);
        } else if (memcmp(e, GUID_LOGICAL_SECTOR, 16) == 0) {
            v->lsec = emk_le32(item);
        }
    }
    if (v->block_size < MIB || v->block_size > 256u * MIB ||
        (v->block_size & (v->block_size - 1)))
        return emk_img_fail(v->c, -EINVAL, "VHDX file parameters: block size "
                            "%u is invalid", v->block_size);
    if (v->lsec != 512 && v->lsec != 4096)
        return emk_img_fail(v->c, -EINVAL, "VHDX logical sector size %u is "
                            "invalid", v->lsec);
    if (disk == 0 || disk > (64ULL << 40))
        return emk_img_fail(v->c, -EINVAL, "VHDX virtual disk size %llu is "
                            "invalid", (unsigned long long)disk);
    v->c->virtual_size = disk;
    v->c->cluster_size = v->block_size;
    v->chunk_ratio = ((uint64_t)1 << 23) * v->lsec / v->block_size;
    return 0;
}

static int vx_bat(vx *v)
{
    uint64_t nblocks = (v->c->virtual_size + v->block_size - 1) / v->block_size;
    uint64_t nentries, i, npresent = 0;
    uint8_t *bat;
    int r;
    nentries = nblocks + (nblocks ? (nblocks - 1) / v->chunk_ratio : 0);
    if (v->c->subformat == 2)
        nentries = (nblocks + v->chunk_ratio - 1) / v->chunk_ratio *
                   (v->chunk_ratio + 1);
    if (nentries * 8 > v->bat_len)
        return emk_img_fail(v->c, -EINVAL, "VHDX BAT of %u bytes is too small "
                            "for %llu entries", v->bat_len,
                            (unsigned long long)nentries);
    bat = malloc(v->bat_len);
    if (!bat)
        return emk_img_fail(v->c, -ENOMEM, "out of memory (BAT)");
    r = emk_img_pread(v->c, bat, v->bat_len, v->bat_off, "VHDX BAT");
    for (i = 0; r == 0 && i < nentries; i++) {
        uint64_t e = emk_le64(bat + i * 8), off = e & ~0xfffffULL;
        unsigned state = (unsigned)(e & 7);
        int sb = (i % (v->chunk_ratio + 1)) == v->chunk_ratio;
        if (!sb && state == BAT_FULLY_PRESENT)
            npresent++;
        if (!off)
            continue;
        if (off >= v->c->file_size) {
            emk_img_warn(v->c, "BAT entry %llu points beyond the end of the "
                         "file (offset %llu)", (unsigned long long)i,
                         (unsigned long long)off);
            v->c->n_refcount_errors++;
            continue;
        }
        if (sb) {
            r = emk_img_mark(v->c, off, MIB, EMK_IMG_CAT_META,
                             "sector bitmap block");
            continue;
        }
        if (state == BAT_FULLY_PRESENT || state == BAT_PARTIALLY_PRESENT)
            r = emk_img_mark(v->c, off, v->block_size, EMK_IMG_CAT_ACTIVE,
                             "payload block");
        else
            r = emk_img_mark(v->c, off, v->block_size, EMK_IMG_CAT_ZERO_STALE,
                             "payload block");
    }
    if (npresent == nblocks && v->c->subformat == 0)
        emk_img_warn(v->c, "every payload block is present");
    free(bat);
    return r;
}

/* Scrubs the padding after the descriptors of every log entry.  Returns 0
 * or -errno. */
static int vx_log(vx *v)
{
    uint64_t pos;
    uint8_t *ent = NULL;
    int r = 0;
    if (!v->log_len)
        return 0;
    if ((v->log_off % MIB) || (v->log_len % MIB))
        return emk_img_fail(v->c, -EINVAL, "VHDX log at offset %llu (%u "
                            "bytes) is not MiB aligned",
                            (unsigned long long)v->log_off, v->log_len);
    r = emk_img_mark(v->c, v->log_off, v->log_len, EMK_IMG_CAT_META, "VHDX log");
    if (r < 0)
        return r;
    for (pos = 0; pos + 64 <= v->log_len; pos += VHDX_LOG_SECTOR) {
        uint8_t h[64];
        uint32_t len, dc, crc, used, desc_area, k;
        int valid, dirty = 0;
        r = emk_img_pread(v->c, h, 64, v->log_off + pos, "VHDX log entry");
        if (r < 0)
            break;
        if (memcmp(h, "loge", 4) != 0)
            continue;
        crc = emk_le32(h + 4);
        len = emk_le32(h + 8);
        dc = emk_le32(h + 24);
        if (len < VHDX_LOG_SECTOR || len % VHDX_LOG_SECTOR ||
            len > v->log_len - pos || dc > len / 32)
            continue;
        used = 64 + 32 * dc;
        desc_area = (used + VHDX_LOG_SECTOR - 1) / VHDX_LOG_SECTOR *
                    VHDX_LOG_SECTOR;
        if (desc_area > len)
            continue;
        free(ent);
        ent = malloc(len);
        if (!ent) {
            r = emk_img_fail(v->c, -ENOMEM, "out of memory (log)");
            break;
        }
        r = emk_img_pread(v->c, ent, len, v->log_off + pos, "VHDX log entry");
        if (r < 0)
            break;
        memset(ent + 4, 0, 4);
        valid = emk_img_crc32c(0, ent, len) == crc;
        for (k = used; k < desc_area; k++)
            dirty |= ent[k];
        if (dirty) {
            uint8_t *pad = calloc(1, desc_area - used);
            uint8_t *sum = malloc(4);
            if (!pad || !sum) {
                free(pad);
                free(sum);
                r = emk_img_fail(v->c, -ENOMEM, "out of memory (log)");
                break;
            }
            memset(ent + used, 0, desc_area - used);
            r = emk_img_add_patch(v->c, v->log_off + pos + used,
                                  desc_area - used, pad);
            if (r < 0) {
                free(sum);
                break;
            }
            if (valid) {
                uint32_t n = emk_img_crc32c(0, ent, len);
                sum[0] = (uint8_t)n;
                sum[1] = (uint8_t)(n >> 8);
                sum[2] = (uint8_t)(n >> 16);
                sum[3] = (uint8_t)(n >> 24);
                r = emk_img_add_patch(v->c, v->log_off + pos + 4, 4, sum);
                if (r < 0)
                    break;
            } else {
                free(sum);
            }
        }
        pos += len - VHDX_LOG_SECTOR;
    }
    free(ent);
    return r;
}

int emk_img_vhdx_parse(emk_img_ctx *ctx)
{
    vx v;
    int r;
    memset(&v, 0, sizeof(v));
    v.c = ctx;
    if (ctx->file_size < 256 * 1024)
        return emk_img_fail(ctx, -EINVAL, "VHDX file of %llu bytes is too "
                            "small", (unsigned long long)ctx->file_size);
    r = emk_img_set_unit(ctx, MIB);
    if (r < 0)
        return r;
    emk_img_mark(ctx, 0, MIB, EMK_IMG_CAT_META, "VHDX header area");
    r = vx_header(&v);
    if (r == 0)
        r = vx_regions(&v);
    if (r == 0)
        r = vx_metadata(&v);
    if (r == 0)
        r = vx_bat(&v);
    if (r == 0)
        r = vx_log(&v);
    return r;
}
