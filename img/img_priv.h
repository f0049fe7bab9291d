/* img_priv.h - private helpers shared by the image parsers. */
#ifndef EMK_IMG_PRIV_H
#define EMK_IMG_PRIV_H

#include "emkit/img.h"
#include "compat.h"

/* Parser and anonymizer internals (not part of the public emkit/img.h). */

/** Fills buf (len a multiple of 512) with the encryption of zeros for the
 *  file offset off: LUKS AES-XTS-plain64 with sector = off / 512, or legacy
 *  qcow2 AES-128-CBC-plain64 with the sector of the guest offset. */
void emk_img_luks_zeros(const emk_img_ctx *ctx, uint64_t off, uint8_t *buf,
                        size_t len);

/** Marks units covering [off, off + len) with category cat unless a unit
 *  already holds a higher category.  Returns 0, or -ERANGE when the range
 *  leaves the file (ctx->err names what). */
int emk_img_mark(emk_img_ctx *ctx, uint64_t off, uint64_t len, int cat,
                 const char *what);

/** Marks a metadata structure of exactly [off, off + len): units it fills
 *  become META, units it covers partly become META_PART and remember the
 *  range, so the stale rest of those units is zeroed.  Returns 0 or
 *  -ERANGE / -ENOMEM. */
int emk_img_mark_exact(emk_img_ctx *ctx, uint64_t off, uint64_t len,
                       const char *what);

/** Adds a compressed slot.  Returns 0 or -ENOMEM / -ERANGE. */
int emk_img_add_slot(emk_img_ctx *ctx, uint64_t off, uint64_t len,
                     uint32_t usize, int kind);

/** Like emk_img_add_slot(), keeping the keep bytes before off (a VMDK
 *  grain marker) as they are. */
int emk_img_add_slot_keep(emk_img_ctx *ctx, uint64_t off, uint64_t len,
                          uint32_t usize, int kind, unsigned keep);

/** Records a name at [off, off + len) that --scrub-names replaces.
 *  Returns 0 or -ENOMEM. */
int emk_img_add_name(emk_img_ctx *ctx, uint64_t off, uint32_t len);

/** Like emk_img_add_name() for a UTF-16LE name (VHDX parent locator
 *  values): the replacement is UTF-16LE too.  Returns 0 or -ENOMEM. */
int emk_img_add_name16(emk_img_ctx *ctx, uint64_t off, uint32_t len);

/** Adds a metadata patch (takes ownership of data, which must come from
 *  malloc).  Returns 0 or -ENOMEM. */
int emk_img_add_patch(emk_img_ctx *ctx, uint64_t off, uint32_t len,
                      uint8_t *data);

/** Formats ctx->err and returns err. */
int emk_img_fail(emk_img_ctx *ctx, int err, const char *fmt, ...);

/** Adds a warning to the report. */
void emk_img_warn(emk_img_ctx *ctx, const char *fmt, ...);

/** Reads len bytes at off.  What lies past the end of the file (the size
 *  seen at open) reads as zeros, as QEMU reads it; a read that starts
 *  there is -ERANGE and a file that shrank -EIO, with ctx->err naming
 *  what. */
int emk_img_pread(emk_img_ctx *ctx, void *buf, size_t len, uint64_t off,
                  const char *what);

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

/** Writes s[0, len) as a JSON string with its quotes: the one escaper of
 *  every JSON the library prints.  Valid UTF-8 passes through unchanged;
 *  '"' and '\' are escaped, control characters become \b \f \n \r
 *  \t or \u00XX, DEL \u007f; a byte that does not start a valid
 *  UTF-8 sequence (a stray continuation byte, an overlong form, a
 *  surrogate, a code point above U+10FFFF, a sequence cut short) is
 *  replaced by \ufffd, one per byte, and the next byte is looked at
 *  afresh. */
void emk_img_json_str(FILE *out, const char *s, size_t len);

/** emk_img_json_str() of a NUL-terminated string. */
void emk_img_json_cstr(FILE *out, const char *s);

/** Formats a byte count as qemu-img does ("64 MiB", "1.27 MiB", "0 B"):
 *  three significant digits and a binary unit, switching unit at 1000. */
void emk_img_size_str(char *buf, size_t cap, uint64_t bytes);

/** Sorts and de-duplicates ctx's compressed slots and shrinks each to end
 *  before the next slot and before any metadata unit: the room the
 *  anonymizer's stream of zeros gets (anon.c). */
void emk_img_fit_slots(emk_img_ctx *ctx);

/** Prints the members of the "encrypt" object of a qcow2 LUKS image's
 *  format specific information (info_luks.c), human or JSON. */
void emk_img_print_luks_info(const emk_img_ctx *ctx, FILE *out, int json);

/** Takes QEMU's OFD image locks on fd for path (emk_img_open_flags).
 *  Returns 0, or -EAGAIN with ctx->err in QEMU's words when another
 *  process holds a conflicting lock (-EINVAL for RW with FORCE_SHARE). */
int emk_img_lock(emk_img_ctx *ctx, int fd, const char *path, int flags);

/** Allocates [off, off + len) of fd, a hole inside the file's size, so
 *  that it reads as zeros and counts in st_blocks, without writing it
 *  (fallocate(2): unwritten extents).  Returns 0, or a negative errno when
 *  the host or the file system cannot; the caller then writes zeros. */
int emk_img_alloc_zeros(int fd, uint64_t off, uint64_t len);

/** Copies [off, off + len) of in to the same offsets of out in the kernel
 *  (copy_file_range(2), which may share the blocks).  Returns 0, or a
 *  negative errno when it cannot (part may be copied); the caller then
 *  reads and writes the range. */
int emk_img_copy_range(int in, int out, uint64_t off, uint64_t len);

/** Whether the copy of ctx's file (flat: a VMDK flat extent or qcow2 data
 *  file), which gets data_bytes of allocated extents, may have unwritten
 *  extents for its zeroed data and still look the same to qemu-img map.
 *  Returns 1 or 0. */
int emk_img_alloc_keeps_map(const emk_img_ctx *ctx, int flat,
                            uint64_t data_bytes);

/** Which extents emk_img_fiemap lists. */
enum emk_img_fm_which {
    EMK_IMG_FM_ALL = 0,         /**< written and unwritten */
    EMK_IMG_FM_WRITTEN = 1,     /**< written (holding data) only */
    EMK_IMG_FM_UNWRITTEN = 2    /**< unwritten (fallocated) only */
};

/** The extents of fd below size that the file system allocated (FIEMAP
 *  after a sync; `which` of emk_img_fm_which), as *n sorted [start, end)
 *  pairs in a malloc'd *out, touching ones merged.  Returns 0, or a
 *  negative errno (-EOPNOTSUPP: no FIEMAP here, as on tmpfs or another
 *  host). */
int emk_img_fiemap(int fd, uint64_t size, int which, uint64_t **out,
                   size_t *n);
/** A range [a, b) of a file; unwritten: an extent the file system
 *  allocated without data (fallocate), which reads as zeros. */
typedef struct emk_img_span {
    uint64_t a, b;
    int unwritten;
} emk_img_span;

/** The allocated parts of ctx's file inside the size seen at open, sorted:
 *  the SEEK_DATA/SEEK_HOLE data extents, their unwritten parts (Linux
 *  FIEMAP, after a sync) split off, and every unwritten extent, also those
 *  SEEK_DATA calls holes (it calls an unwritten extent data only while its
 *  pages are cached).  One extent for the whole file where the file system
 *  cannot tell.  *out is malloc'ed.  Returns 0 or -ENOMEM. */
int emk_img_file_map(emk_img_ctx *ctx, emk_img_span **out, size_t *n);

#endif
