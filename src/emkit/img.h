/*
 * emkit/img.h - disk-image inspection and anonymization (qcow2, VMDK, VHDX).
 *
 * The library works below any format driver, on the raw bytes of the image
 * file.  A format parser classifies every unit of the file (a qcow2 cluster,
 * a VMDK sector, ...) as metadata, user data of some kind, or compressed
 * data, and lists the compressed slots.  The anonymizer then keeps every
 * metadata byte, replaces every compressed slot by a valid compressed stream
 * of zeros that fits in it, and zeroes everything else.
 *
 * Errors are negative errno values; emk_img_ctx.err holds a human-readable
 * message naming the structure and offset of the first problem.
 */
#ifndef EMKIT_IMG_H
#define EMKIT_IMG_H

#include "emkit/base.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Image formats understood by the library. */
enum emk_img_format {
    EMK_IMG_FMT_UNKNOWN = 0,
    EMK_IMG_FMT_QCOW2 = 1,
    EMK_IMG_FMT_VMDK = 2,
    EMK_IMG_FMT_VHDX = 3
};

/** What a unit of the image file holds.  Higher values win when two
 *  structures claim the same unit, so metadata is never wiped. */
enum emk_img_cat {
    EMK_IMG_CAT_FREE = 0,        /**< referenced by nothing: leaked, freed, stale */
    EMK_IMG_CAT_ZERO_STALE = 1,  /**< host cluster behind a zero-flagged entry */
    EMK_IMG_CAT_VMSTATE = 2,     /**< VM state of an internal snapshot */
    EMK_IMG_CAT_SNAPSHOT = 3,    /**< data reachable only from a snapshot */
    EMK_IMG_CAT_ACTIVE = 4,      /**< data of the active layer */
    EMK_IMG_CAT_COMPRESSED = 5,  /**< holds compressed slots */
    EMK_IMG_CAT_META_PART = 6,   /**< holds metadata structures that do not
                                      fill it: they are kept, the rest of
                                      the unit (stale bytes) is zeroed */
    EMK_IMG_CAT_META = 7,        /**< metadata: kept byte for byte */
    EMK_IMG_CAT_COUNT = 8
};

/** Kind of compressed stream a slot must hold. */
enum emk_img_stream {
    EMK_IMG_STREAM_DEFLATE = 0,  /**< raw deflate (qcow2 zlib) */
    EMK_IMG_STREAM_ZSTD = 1,     /**< zstd frame (qcow2 zstd) */
    EMK_IMG_STREAM_ZLIB = 2      /**< zlib-wrapped deflate (VMDK grains) */
};

/** A compressed slot: [off, off + len) may be rewritten; the stream must
 *  inflate to usize zero bytes.  hdr bytes before off are kept (VMDK grain
 *  markers). */
typedef struct emk_img_slot {
    uint64_t off;
    uint64_t len;
    uint32_t usize;
    uint8_t kind;       /**< enum emk_img_stream (names: 1 = UTF-16LE) */
    uint8_t keep;       /**< bytes before off to keep (VMDK grain marker) */
    uint8_t pad[2];
} emk_img_slot;

/** A metadata patch: bytes the anonymizer must write (VHDX log entries
 *  whose padding was scrubbed and CRC recomputed). */
typedef struct emk_img_patch {
    uint64_t off;
    uint32_t len;
    uint32_t pad;
    uint8_t *data;
} emk_img_patch;

/** Per-category counters of an anonymize run. */
typedef struct emk_img_count {
    uint64_t units;   /**< units (clusters, sectors, blocks) of the category */
    uint64_t bytes;   /**< allocated bytes rewritten (or kept, for metadata) */
} emk_img_count;

/** A VMDK extent named by a descriptor. */
typedef struct emk_img_extent {
    char name[256];     /**< file name as written in the descriptor */
    uint32_t kind;      /**< enum emk_img_extent_kind */
    uint32_t pad;
    uint64_t sectors;
} emk_img_extent;

/** Kinds of VMDK extents. */
enum emk_img_extent_kind {
    EMK_IMG_EXTENT_FLAT = 0,
    EMK_IMG_EXTENT_SPARSE = 1,
    EMK_IMG_EXTENT_ZERO = 2
};

/** One internal snapshot, as listed by info. */
typedef struct emk_img_snap {
    char id[32];
    char name[128];
    uint64_t vm_state_size;
    uint64_t disk_size;
    uint64_t date_sec;
    uint32_t l1_size;
    uint32_t date_nsec;
    uint64_t l1_offset;
    uint64_t vm_clock_nsec;     /**< guest clock at the snapshot */
    uint64_t icount;            /**< instruction count, ~0 when unknown */
} emk_img_snap;

/** Options of an anonymize run. */
typedef struct emk_img_opts {
    int in_place;       /**< rewrite SRC instead of creating DST */
    int dry_run;        /**< classify and count, write nothing */
    int progress;       /**< print progress to stderr */
    int scrub_names;    /**< replace names that may carry personal data */
    const char *secret; /**< LUKS passphrase (qemu-img --object secret) */
    size_t secret_len;
    int allow_external_paths; /**< accept extent and data-file names that
                             are absolute, contain "..", or pass through
                             symbolic links (--allow-external-paths) */
    int kill_after;     /**< testing only: SIGKILL itself after this many
                             writes (simulates a crash); 0 = never.  Only
                             the test build of the tool sets it
                             (tests/img/emkit-img-test) */
    int write_all;      /**< testing only: copy mode writes every byte,
                             with no fallocate or copy_file_range (the
                             output is the same) */
} emk_img_opts;

enum emk_img_limits {
    EMK_IMG_ERR_LEN = 256,
    EMK_IMG_MAX_SNAPS = 64,
    EMK_IMG_MAX_WARN = 8,
    EMK_IMG_WARN_LEN = 160,
    EMK_IMG_MAX_EXTENTS = 512
};

/** Everything the library learns about one image.  Caller-owned; zero it,
 *  call emk_img_open(), then emk_img_close() to release the tables. */
typedef struct emk_img_ctx {
    int fd;
    int writable;               /**< fd is read-write (emk_img_open_rw) */
    /* identity of the file as parsed: anonymize refuses a file that is no
     * longer this one or whose size or modification time changed */
    uint64_t st_dev, st_ino;
    int64_t mtime_sec;
    long mtime_nsec;
    int format;                 /**< enum emk_img_format */
    uint64_t file_size;
    uint64_t virtual_size;
    uint32_t unit;              /**< classification granularity in bytes */
    uint32_t version;
    uint64_t nunits;
    uint8_t *cat;               /**< nunits entries of enum emk_img_cat */
    emk_img_slot *slots;
    size_t nslots, cap_slots;
    emk_img_slot *pmeta;        /**< exact ranges inside META_PART units */
    size_t npmeta, cap_pmeta;
    emk_img_patch *patches;
    size_t npatches, cap_patches;
    /* format facts for info */
    uint32_t cluster_size;
    uint32_t refcount_bits;
    uint32_t compression;       /**< 0 zlib, 1 zstd */
    uint32_t encrypted;         /**< 0 none, 1 AES, 2 LUKS */
    uint64_t incompat, compat, autoclear;
    uint32_t extended_l2;
    uint32_t nb_snapshots;
    uint32_t nb_bitmaps;
    uint32_t subformat;         /**< format-specific variant */
    char backing[256];
    char data_file[256];
    char backing_fmt[32];       /**< qcow2 backing format extension */
    uint64_t bitmap_dir_off;    /**< qcow2 bitmap directory (info) */
    uint64_t bitmap_dir_size;
    uint64_t image_end_offset;  /**< qcow2: end of the last cluster with a
                                     stored or recomputed reference (check) */
    uint64_t actual_size;       /**< st_blocks * 512 of the file at open */
    char *filename;             /**< the path as opened (for reports) */
    emk_img_snap snaps[EMK_IMG_MAX_SNAPS];
    uint32_t nextents;          /**< VMDK: extents in separate files */
    uint32_t nfiles;            /**< files processed by anonymize */
    emk_img_extent extents[EMK_IMG_MAX_EXTENTS];
    /* counters filled by the parser (references) */
    uint64_t n_compressed;
    uint64_t n_zero_entries;
    uint64_t n_overlaps;        /**< data entries pointing at metadata */
    uint64_t n_leaked;          /**< refcounted but unreferenced units */
    uint64_t n_refcount_errors; /**< reference count mismatches */
    uint64_t n_refcounted;      /**< qcow2: units whose stored reference
                                     count is not 0 */
    uint64_t n_unfit;           /**< compressed slots too small for zeros */
    uint64_t n_walked;          /**< qcow2: L1/L2 entries the parser walked
                                     (bounded; snapshots sharing an L1
                                     table walk it once) */
    /* names that may carry personal data (for --scrub-names) */
    emk_img_slot *names;        /**< off/len of each name */
    size_t nnames, cap_names;
    uint64_t n_scrubbed;        /**< names replaced */
    /* anonymize results */
    emk_img_count wiped[EMK_IMG_CAT_COUNT];
    emk_img_count patched;
    uint64_t slot_counts[3];
    /* how the output got its bytes (all files of a run) */
    uint64_t bytes_written;     /**< written with pwrite */
    uint64_t bytes_copied;      /**< copied in the kernel (copy_file_range) */
    uint64_t bytes_allocated;   /**< zeros allocated unwritten (fallocate) */
    uint64_t bytes_unwritten;   /**< SRC's unwritten extents, unwritten in
                                     DST too (not data: nothing to wipe) */
    int nwarn;
    char warn[EMK_IMG_MAX_WARN][EMK_IMG_WARN_LEN];
    /* LUKS: header position, and the data keys once unlocked */
    uint64_t luks_off, luks_len;
    int have_key;               /**< 1 LUKS key, 2 legacy AES key */
    int pad_key;
    uint64_t *guest_of;         /**< legacy AES: guest offset + 1 of each
                                     data unit (0: none), for the IV */
    uint64_t luks_aes[2 * 31];  /**< two expanded AES keys (private) */
    char err[EMK_IMG_ERR_LEN];
} emk_img_ctx;

/** Flags of emk_img_open2(). */
enum emk_img_open_flags {
    EMK_IMG_OPEN_RW = 1,          /**< read-write (in-place anonymize) */
    EMK_IMG_OPEN_FORCE_SHARE = 2  /**< read without keeping writers out
                                       (qemu-img -U); refused with RW */
};

/** Opens path, takes QEMU's image locks on it, detects the format (or uses
 *  fmt if not UNKNOWN) and classifies every unit.  The locks are the OFD
 *  byte-range locks QEMU 7.2's file-posix driver takes (img/lock.c): a
 *  reader takes "consistent read" and keeps writers out, a writer (RW)
 *  also takes "write" and "resize"; FORCE_SHARE takes only "consistent
 *  read".  An image another process holds in a conflicting way is refused
 *  with -EAGAIN and ctx->err = "Failed to get shared "write" lock\nIs
 *  another process using the image [path]?" (QEMU's words).  The locks
 *  live as long as ctx->fd (emk_img_close).  Returns 0 or a negative errno
 *  with ctx->err set. */
EMK_API int emk_img_open2(emk_img_ctx *ctx, const char *path, int fmt,
                          int flags);

/** emk_img_open2() with flags 0: read-only, locked as a reader. */
EMK_API int emk_img_open(emk_img_ctx *ctx, const char *path, int fmt);

/** emk_img_open2() with EMK_IMG_OPEN_RW, for an in-place anonymize:
 *  parsing and writing then use this one descriptor, so the writes reach
 *  the file that was parsed. */
EMK_API int emk_img_open_rw(emk_img_ctx *ctx, const char *path, int fmt);

/** Releases what emk_img_open() allocated and closes the file. */
EMK_API void emk_img_close(emk_img_ctx *ctx);

/** Anonymizes the opened image into dst (copy mode; dst must not exist) or,
 *  with opts->in_place, into the file itself (dst ignored).  In place, the
 *  writes go through ctx->fd when it was opened by emk_img_open_rw();
 *  otherwise src is opened read-write once and must be the inode that was
 *  parsed (-ESTALE if not).  The file must still have the size and
 *  modification time seen at open, before and after the work (-EBUSY:
 *  "image changed while it was being processed"); a refused run writes
 *  nothing.  Returns 0 or a negative errno with ctx->err set. */
EMK_API int emk_img_anonymize(emk_img_ctx *ctx, const char *src, const char *dst,
                      const emk_img_opts *opts);

/** Opens the LUKS header of an encrypted qcow2 with a passphrase; on
 *  success the anonymizer writes encrypted zeros.  Returns 0, -EACCES for a
 *  wrong passphrase, or another negative errno with ctx->err set. */
EMK_API int emk_img_luks_unlock(emk_img_ctx *ctx, const char *secret, size_t len);

/** Returns the name of a format ("qcow2", ...). */
EMK_API const char *emk_img_format_name(int fmt);

/** Returns the report name of a category ("active_data", ...). */
EMK_API const char *emk_img_cat_name(int cat);

/** Encodes usize zero bytes as a raw deflate stream into out (cap bytes).
 *  Returns the stream length, or -ENOSPC if it does not fit. */
EMK_API int emk_img_deflate_zeros(uint8_t *out, size_t cap, uint32_t usize);

/** Encodes usize zero bytes as a zlib stream (RFC 1950) into out.  Returns
 *  the length or -ENOSPC. */
EMK_API int emk_img_zlib_zeros(uint8_t *out, size_t cap, uint32_t usize);

/** Encodes usize zero bytes as a zstd frame of RLE blocks.  Returns the
 *  length or -ENOSPC. */
EMK_API int emk_img_zstd_zeros(uint8_t *out, size_t cap, uint32_t usize);

/** CRC-32C (Castagnoli) of buf, continuing from crc (start with 0). */
EMK_API uint32_t emk_img_crc32c(uint32_t crc, const void *buf, size_t len);

/** Prints what the parser found (info) as human text or JSON. */
EMK_API void emk_img_print_info(const emk_img_ctx *ctx, FILE *out, int json);

/** Results of a check, as qemu-img check's exit codes. */
enum emk_img_check_result {
    EMK_IMG_CHECK_CLEAN = 0,      /**< no errors */
    EMK_IMG_CHECK_INCOMPLETE = 1, /**< the check could not be completed */
    EMK_IMG_CHECK_CORRUPT = 2,    /**< corruptions (and maybe leaks) */
    EMK_IMG_CHECK_LEAKS = 3       /**< leaked clusters only */
};

/** Prints the consistency findings (check) with qemu-img check's field
 *  names; returns an enum emk_img_check_result. */
EMK_API int emk_img_print_check(const emk_img_ctx *ctx, FILE *out, int json);

/** Prints the classification of the file as runs of units (map). */
EMK_API void emk_img_print_map(const emk_img_ctx *ctx, FILE *out, int json);

/** Compares an original image (opened, unmodified) with the file an
 *  anonymize run made from it (anon_path, a copy or the image itself after
 *  --in-place), using the parser's classification of orig: every metadata
 *  byte (units and exact ranges) must be equal, but for the VHDX log
 *  patches (their expected bytes) and, with scrubbed_names, the names
 *  (which must differ); every other allocated byte must be zero, a
 *  compressed slot must hold the stream of zeros the anonymizer writes
 *  (VMDK grain markers kept); sizes and allocation maps must be equal.
 *  Extent files and the data file are compared too.  Prints the report
 *  (human or JSON) to out.  Returns 0 when anon passes, 1 when it does
 *  not (each problem named with its offset), or a negative errno when
 *  anon cannot be read (ctx->err set). */
EMK_API int emk_img_compare_metadata(emk_img_ctx *orig, const char *anon_path,
                                     int scrubbed_names, FILE *out, int json);

/** Prints the anonymize report as human text or JSON. */
EMK_API void emk_img_print_report(const emk_img_ctx *ctx, const emk_img_opts *opts,
                          FILE *out, int json);

#ifdef __cplusplus
}
#endif

#endif
