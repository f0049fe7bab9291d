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
/** Opens the extent file name (a VMDK extent or the qcow2 external data
 *  file) of the given enum emk_img_extent_kind below the image's directory
 *  dirfd, with the rules of emk_img_openat(); read-write when writable
 *  (in place). */
int emk_img_open_extent(emk_img_ctx *ctx, int dirfd, const char *name,
                        int kind, int writable, int allow_external);
/** Opens the directory that holds path ("." for a bare name).  Returns a
 *  descriptor or a negative errno with ctx->err set. */
int emk_img_dir_open(emk_img_ctx *ctx, const char *path);
/** The one way to open a file an image names: name relative to dirfd,
 *  with open(2) flags (mode 0644 with O_CREAT).  Unless allow_external,
 *  absolute names and ".." components are refused (-EPERM) and the path is
 *  walked component by component with O_NOFOLLOW (directories also
 *  O_DIRECTORY), so a symbolic link anywhere on it is refused (-ELOOP).
 *  Returns a descriptor or a negative errno with ctx->err set. */
int emk_img_openat(emk_img_ctx *ctx, int dirfd, const char *name, int flags,
                   int allow_external);
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
