/* fuzz_img_common.h - shared body of the img fuzz targets: turn the input
 * into an image file, open (parse) it as the given format, run the info/
 * check/map printers and an anonymize dry run (with --scrub-names).
 *
 * Real images are megabytes of mostly zeros (a VHDX has a MiB-aligned
 * header area, log, BAT and metadata region), far too big to mutate, so an
 * input may be a sparse image:
 *
 *   "EMKS" flags:u8 size:u24le (file size in 64 KiB units)
 *   then records { offset:u32le length:u16le bytes[length] } ...
 *
 * Records are written into a sparse file of that size (at most 64 MiB; it
 * grows to hold the last record).  Any other input is the file itself.
 * flags bit 0/1/2 make the harness recompute the CRC-32C of the VHDX
 * headers / region tables / log entries after the records are written, so
 * that mutations get past the checksums and reach the region table,
 * metadata, BAT and log parsers (with a bit clear the checksum path that
 * rejects the structure is fuzzed).  tests/fuzz/img_seeds.sh makes such
 * seeds from real qemu-img images. */
#ifndef EMK_FUZZ_IMG_COMMON_H
#define EMK_FUZZ_IMG_COMMON_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emkit/img.h"

enum {
    EMK_FUZZ_MAX_FILE = 64 * 1024 * 1024,
    EMK_FUZZ_FIX_HEADERS = 1, EMK_FUZZ_FIX_REGIONS = 2, EMK_FUZZ_FIX_LOG = 4
};

static char emk_fuzz_img_path[64];
static uint8_t emk_fuzz_buf[1024 * 1024];

static void emk_fuzz_img_cleanup(void)
{
    if (emk_fuzz_img_path[0])
        unlink(emk_fuzz_img_path);
}

static uint32_t emk_fuzz_le(const uint8_t *p, int n)
{
    uint32_t v = 0;
    while (n--)
        v = v << 8 | p[n];
    return v;
}

/* Recomputes the CRC-32C (field at +4) of a len-byte structure at off whose
 * signature is sig. */
static void emk_fuzz_reseal(int fd, uint64_t off, uint32_t len,
                            const char *sig)
{
    uint32_t crc;
    if (len > sizeof(emk_fuzz_buf) ||
        pread(fd, emk_fuzz_buf, len, (off_t)off) != (ssize_t)len ||
        memcmp(emk_fuzz_buf, sig, 4) != 0)
        return;
    memset(emk_fuzz_buf + 4, 0, 4);
    crc = emk_img_crc32c(0, emk_fuzz_buf, len);
    emk_fuzz_buf[4] = (uint8_t)crc;
    emk_fuzz_buf[5] = (uint8_t)(crc >> 8);
    emk_fuzz_buf[6] = (uint8_t)(crc >> 16);
    emk_fuzz_buf[7] = (uint8_t)(crc >> 24);
    if (pwrite(fd, emk_fuzz_buf + 4, 4, (off_t)off + 4) != 4)
        abort();
}

/* Fixes the VHDX checksums the flags ask for. */
static void emk_fuzz_vhdx_crcs(int fd, unsigned flags)
{
    uint8_t h[80];
    int k;
    if (flags & EMK_FUZZ_FIX_HEADERS) {
        emk_fuzz_reseal(fd, 64 * 1024, 4096, "head");
        emk_fuzz_reseal(fd, 128 * 1024, 4096, "head");
    }
    if (flags & EMK_FUZZ_FIX_REGIONS) {
        emk_fuzz_reseal(fd, 192 * 1024, 65536, "regi");
        emk_fuzz_reseal(fd, 256 * 1024, 65536, "regi");
    }
    for (k = 0; (flags & EMK_FUZZ_FIX_LOG) && k < 2; k++) {
        uint64_t log_off, pos;
        uint32_t log_len;
        if (pread(fd, h, sizeof(h), (k + 1) * 64 * 1024) != (ssize_t)sizeof(h)
            || memcmp(h, "head", 4) != 0)
            continue;
        log_len = emk_fuzz_le(h + 68, 4);
        log_off = emk_fuzz_le(h + 72, 4) | (uint64_t)emk_fuzz_le(h + 76, 4) << 32;
        if (log_len > 4 * 1024 * 1024 || log_off > EMK_FUZZ_MAX_FILE)
            continue;
        for (pos = 0; pos + 64 <= log_len; pos += 4096) {
            uint8_t e[12];
            uint32_t len;
            if (pread(fd, e, sizeof(e), (off_t)(log_off + pos)) != (ssize_t)sizeof(e))
                break;
            len = emk_fuzz_le(e + 8, 4);
            if (memcmp(e, "loge", 4) != 0 || len < 4096 || len % 4096 ||
                len > log_len - pos)
                continue;
            emk_fuzz_reseal(fd, log_off + pos, len, "loge");
            pos += len - 4096;
        }
    }
}

/* Writes the input as the image file (see the top of this file). */
static void emk_fuzz_img_write(int fd, const uint8_t *data, size_t size,
                               int fmt)
{
    uint64_t fsize, end;
    size_t pos = 8;
    if (size < 8 || memcmp(data, "EMKS", 4) != 0) {
        if (size && write(fd, data, size) != (ssize_t)size)
            abort();
        return;
    }
    fsize = (uint64_t)emk_fuzz_le(data + 5, 3) * 65536;
    while (pos + 6 <= size) {
        uint32_t off = emk_fuzz_le(data + pos, 4);
        size_t len = emk_fuzz_le(data + pos + 4, 2);
        pos += 6;
        if (len > size - pos)
            len = size - pos;
        end = (uint64_t)off + len;
        if (end <= EMK_FUZZ_MAX_FILE) {
            if (len && pwrite(fd, data + pos, len, (off_t)off) != (ssize_t)len)
                abort();
            if (end > fsize)
                fsize = end;
        }
        pos += len;
    }
    if (fsize > EMK_FUZZ_MAX_FILE)
        fsize = EMK_FUZZ_MAX_FILE;
    if (ftruncate(fd, (off_t)fsize) < 0)
        abort();
    if (fmt == EMK_IMG_FMT_VHDX)
        emk_fuzz_vhdx_crcs(fd, data[4]);
}

static int emk_fuzz_img(const uint8_t *data, size_t size, int fmt)
{
    char *path = emk_fuzz_img_path;
    static emk_img_ctx ctx;
    emk_img_opts o;
    FILE *null;
    int fd;
    if (!path[0]) {
        snprintf(path, sizeof(emk_fuzz_img_path), "/tmp/emk-fuzz-imgXXXXXX");
        fd = mkstemp(path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(emk_fuzz_img_cleanup);
    }
    /* a new file each run: truncating one that holds data makes ext4 flush
     * it on close (auto_da_alloc), which cost 3/4 of the run time */
    unlink(path);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        abort();
    emk_fuzz_img_write(fd, data, size, fmt);
    close(fd);
    null = fopen("/dev/null", "w");
    if (emk_img_open(&ctx, path, fmt) == 0) {
        memset(&o, 0, sizeof(o));
        o.dry_run = 1;
        o.scrub_names = 1;
        emk_img_print_info(&ctx, null, 1);
        emk_img_print_check(&ctx, null, 0);
        emk_img_print_map(&ctx, null, 1);
        emk_img_print_info(&ctx, null, 0);
        /* the verifier on the image against itself (data bytes "left") */
        emk_img_compare_metadata(&ctx, path, 0, null, 1);
        emk_img_anonymize(&ctx, path, NULL, &o);
        emk_img_print_report(&ctx, &o, null, 1);
    }
    emk_img_close(&ctx);
    fclose(null);
    return 0;
}

#endif
