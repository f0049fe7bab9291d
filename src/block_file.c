/* block_file.c - the raw file backend: preadv/pwritev on the pool, with
 * optional O_DIRECT. */
#define _GNU_SOURCE 1 /* O_DIRECT, fallocate flags where the libc has them */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block_int.h"

enum { FILE_MAX_IOV = 64 };

static int file_open(emk_blk *blk, const char *arg, unsigned flags)
{
    char path[4096];
    const char *colon = strrchr(arg, ':');
    uint64_t want = 0;
    struct stat st;
    int oflags = (flags & EMK_BLK_RDONLY) ? O_RDONLY : O_RDWR;
    size_t n = strlen(arg);

    if (colon && emk_parse_size(colon + 1, &want) == 0)
        n = (size_t)(colon - arg);
    if (n == 0 || n >= sizeof(path))
        return -EINVAL;
    memcpy(path, arg, n);
    path[n] = '\0';
    if (flags & EMK_BLK_CREATE)
        oflags |= O_CREAT;
    if (flags & EMK_BLK_DIRECT) {
#ifdef O_DIRECT
        oflags |= O_DIRECT;
#else
        return -ENOSYS;
#endif
    }
    blk->fd = open(path, oflags | O_CLOEXEC, 0644);
    if (blk->fd < 0)
        return -errno;
    if (fstat(blk->fd, &st) < 0)
        goto err;
    if (want && (uint64_t)st.st_size < want && (flags & EMK_BLK_CREATE)) {
        if (ftruncate(blk->fd, (off_t)want) < 0)
            goto err;
        st.st_size = (off_t)want;
    }
    blk->size = want && want < (uint64_t)st.st_size ? want : (uint64_t)st.st_size;
    return 0;
err:
    n = (size_t)errno;
    close(blk->fd);
    blk->fd = -1;
    return -(int)n;
}

static void file_close(emk_blk *blk)
{
    if (blk->fd >= 0)
        close(blk->fd);
}

/* Transfers the whole iovec (capped at limit), looping over short
 * transfers; end of file inside the backend's size is an I/O error. */
static int file_rw(emk_blk *blk, emk_blk_req *req, uint64_t limit)
{
    struct iovec iov[FILE_MAX_IOV];
    uint64_t off = req->offset, total = emk_iov_size(req->iov, req->iovcnt);
    int idx = 0;
    size_t skip = 0;

    if (limit < total)
        total = limit;
    while (total) {
        int cnt = 0, i;
        uint64_t want = 0;
        ssize_t r;
        for (i = idx; i < req->iovcnt && cnt < FILE_MAX_IOV && want < total; i++) {
            size_t l = req->iov[i].iov_len - (i == idx ? skip : 0);
            if (want + l > total)
                l = (size_t)(total - want);
            iov[cnt].iov_base = (uint8_t *)req->iov[i].iov_base + (i == idx ? skip : 0);
            iov[cnt].iov_len = l;
            want += l;
            cnt++;
        }
        r = req->op == EMK_BLK_WRITE ? pwritev(blk->fd, iov, cnt, (off_t)off)
                                     : preadv(blk->fd, iov, cnt, (off_t)off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (r == 0)
            return -EIO;
        off += (uint64_t)r;
        total -= (uint64_t)r;
        while (r > 0) {
            size_t left = req->iov[idx].iov_len - skip;
            if ((size_t)r >= left) {
                r -= (ssize_t)left;
                idx++;
                skip = 0;
            } else {
                skip += (size_t)r;
                r = 0;
            }
        }
    }
    return 0;
}

static int file_zero(emk_blk *blk, uint64_t off, uint64_t len)
{
    static const uint8_t zeros[65536];
    while (len) {
        size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
        ssize_t r = pwrite(blk->fd, zeros, n, (off_t)off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        off += (uint64_t)r;
        len -= (uint64_t)r;
    }
    return 0;
}

static int file_execute(emk_blk *blk, emk_blk_req *req, uint64_t limit)
{
    switch (req->op) {
    case EMK_BLK_READ:
    case EMK_BLK_WRITE:
        return file_rw(blk, req, limit);
    case EMK_BLK_FLUSH:
        return fsync(blk->fd) < 0 ? -errno : 0;
    case EMK_BLK_DISCARD:
    case EMK_BLK_WRITE_ZEROES:
        /* Portable: write zeros (discard must read back as zeros for the
         * devices we emulate, which advertise deterministic zeroes). */
        return file_zero(blk, req->offset, req->len < limit ? req->len : limit);
    }
    return -EINVAL;
}

const emk_blk_driver emk_blk_file_driver = {
    "file", file_open, file_close, file_execute, 1,
};
