/*
 * lock.c - QEMU's image locks, so that QEMU and emkit-img see each other.
 *
 * QEMU 7.2's file-posix driver (raw_apply_lock_bytes, raw_check_lock_bytes)
 * takes shared OFD byte-range locks (fcntl F_OFD_SETLK, F_RDLCK) on one
 * byte per permission bit it holds, at offset 100 + bit, and on one byte
 * per permission bit it does not share with others, at 200 + bit.  Bits:
 * 0 consistent read, 1 write, 2 write unchanged, 3 resize.  Then it tests
 * (F_OFD_GETLK with F_WRLCK, which sees every other open file
 * description's lock) the byte 200 + bit of every permission it wants
 * (someone refuses to share it) and 100 + bit of every permission it does
 * not share (someone holds it).
 *
 * qemu-img and qemu-io on a format image: a reader holds consistent read
 * and shares everything but write and resize; a writer also holds write
 * and resize; with force-share (-U) a reader shares everything.
 */
#define _GNU_SOURCE 1   /* F_OFD_SETLK, F_OFD_GETLK (glibc) */
#include "img_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

enum {
    PERM_READ = 1, PERM_WRITE = 2, PERM_WRITE_UNCHANGED = 4, PERM_RESIZE = 8,
    PERM_ALL = 15, PERM_BITS = 4,
    LOCK_PERM_BASE = 100, LOCK_SHARED_BASE = 200
};

static const char *const perm_name[PERM_BITS] = {
    "consistent read", "write", "write unchanged", "resize"};

#ifdef F_OFD_SETLK
/* One byte at off, for F_OFD_SETLK (type F_RDLCK) or F_OFD_GETLK. */
static struct flock one_byte(short type, int off)
{
    struct flock fl;
    memset(&fl, 0, sizeof(fl));
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = off;
    fl.l_len = 1;
    return fl;
}

static int lock_byte(int fd, int off)
{
    struct flock fl = one_byte(F_RDLCK, off);
    return fcntl(fd, F_OFD_SETLK, &fl) < 0 ? -errno : 0;
}

/* 0 when no other open file description holds a lock on byte off. */
static int test_byte(int fd, int off)
{
    struct flock fl = one_byte(F_WRLCK, off);
    if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
        return -errno;
    return fl.l_type == F_UNLCK ? 0 : -EAGAIN;
}

static int lock_fail(emk_img_ctx *ctx, int err, const char *what, int bit,
                     const char *path)
{
    if (err == -EAGAIN || err == -EACCES)
        return emk_img_fail(ctx, -EAGAIN, "Failed to get %s\"%s\" lock\n"
                            "Is another process using the image [%s]?", what,
                            perm_name[bit], path);
    return emk_img_fail(ctx, err, "Failed to get %s\"%s\" lock: %s", what,
                        perm_name[bit], strerror(-err));
}

int emk_img_lock(emk_img_ctx *ctx, int fd, const char *path, int flags)
{
    int perm = PERM_READ, shared = PERM_ALL & ~(PERM_WRITE | PERM_RESIZE), i, r;
    if ((flags & EMK_IMG_OPEN_RW) && (flags & EMK_IMG_OPEN_FORCE_SHARE))
        return emk_img_fail(ctx, -EINVAL, "force-share=on can only be used "
                            "with read-only images");
    if (flags & EMK_IMG_OPEN_RW)
        perm |= PERM_WRITE | PERM_RESIZE;
    if (flags & EMK_IMG_OPEN_FORCE_SHARE)
        shared = PERM_ALL;
    for (i = 0; i < PERM_BITS; i++) {
        int off = -1;
        if ((perm & (1 << i)) && (r = lock_byte(fd, LOCK_PERM_BASE + i)) < 0)
            off = LOCK_PERM_BASE + i;
        else if (!(shared & (1 << i)) &&
                 (r = lock_byte(fd, LOCK_SHARED_BASE + i)) < 0)
            off = LOCK_SHARED_BASE + i;
        if (off >= 0)
            return emk_img_fail(ctx, r, "Failed to lock byte %d: %s", off,
                                strerror(-r));
    }
    for (i = 0; i < PERM_BITS; i++) {
        if ((perm & (1 << i)) && (r = test_byte(fd, LOCK_SHARED_BASE + i)) < 0)
            return lock_fail(ctx, r, "", i, path);
    }
    for (i = 0; i < PERM_BITS; i++) {
        if (!(shared & (1 << i)) &&
            (r = test_byte(fd, LOCK_PERM_BASE + i)) < 0)
            return lock_fail(ctx, r, "shared ", i, path);
    }
    return 0;
}
#else
/* No OFD locks (not Linux): nothing to agree on with QEMU, which then
 * falls back to process-associated locks of its own. */
int emk_img_lock(emk_img_ctx *ctx, int fd, const char *path, int flags)
{
    (void)fd;
    (void)path;
    if ((flags & EMK_IMG_OPEN_RW) && (flags & EMK_IMG_OPEN_FORCE_SHARE))
        return emk_img_fail(ctx, -EINVAL, "force-share=on can only be used "
                            "with read-only images");
    return 0;
}
#endif
