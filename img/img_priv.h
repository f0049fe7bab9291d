/* img_priv.h - private helpers shared by the image parsers. */
#ifndef EMK_IMG_PRIV_H
#define EMK_IMG_PRIV_H

#include "emkit/img.h"

/** Sets the classification unit and allocates the unit map. */
int emk_img_set_unit(emk_img_ctx *ctx, uint32_t unit);

/** Format parsers: classify every unit of ctx's file. */
int emk_img_qcow2_parse(emk_img_ctx *ctx);
int emk_img_vmdk_parse(emk_img_ctx *ctx, const char *path);
int emk_img_vhdx_parse(emk_img_ctx *ctx);
/** A flat extent: every byte is guest data. */
int emk_img_flat_parse(emk_img_ctx *ctx);
/** Opens a VMDK extent file of the given enum emk_img_extent_kind
 *  (read-write when writable, for an in-place run). */
int emk_img_open_extent(emk_img_ctx *ctx, const char *path, int kind,
                        int writable);
/** Checks that fd is still the file ctx parsed (same st_dev/st_ino:
 *  -ESTALE) with the same size and, if check_mtime, modification time
 *  (-EBUSY).  Returns 0 or the error with ctx->err set. */
int emk_img_unchanged(emk_img_ctx *ctx, int fd, int check_mtime);

static inline uint64_t emk_be64(const uint8_t *p)
{
    return ((uint64_t)p[0] << 56) | ((uint64_t)p[1] << 48) |
           ((uint64_t)p[2] << 40) | ((uint64_t)p[3] << 32) |
           ((uint64_t)p[4] << 24) | ((uint64_t)p[5] << 16) |
           ((uint64_t)p[6] << 8) | p[7];
}
static inline uint32_t emk_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}
static inline uint16_t emk_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint64_t emk_le64(const uint8_t *p)
{
    return ((uint64_t)p[7] << 56) | ((uint64_t)p[6] << 48) |
           ((uint64_t)p[5] << 40) | ((uint64_t)p[4] << 32) |
           ((uint64_t)p[3] << 24) | ((uint64_t)p[2] << 16) |
           ((uint64_t)p[1] << 8) | p[0];
}
static inline uint32_t emk_le32(const uint8_t *p)
{
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[1] << 8) | p[0];
}
static inline uint16_t emk_le16(const uint8_t *p)
{
    return (uint16_t)((p[1] << 8) | p[0]);
}

#endif
