/* block_mem.c - the RAM disk and null backends. */
#include <stdlib.h>
#include <string.h>

#include "block_int.h"

static int size_arg(const char *arg, uint64_t *size)
{
    int ret = emk_parse_size(arg, size);
    if (ret == 0 && *size == 0)
        ret = -EINVAL;
    return ret;
}

static int ram_open(emk_blk *blk, const char *arg, unsigned flags)
{
    int ret = size_arg(arg, &blk->size);

    (void)flags;
    if (ret < 0)
        return ret;
    if (blk->size > (uint64_t)SIZE_MAX)
        return -ENOMEM;
    blk->mem = (uint8_t *)calloc(1, (size_t)blk->size);
    return blk->mem ? 0 : -ENOMEM;
}

static void ram_close(emk_blk *blk)
{
    free(blk->mem);
}

/* Copies between the iovec and mem[offset..], at most limit bytes. */
static void copy_iov(uint8_t *mem, const struct iovec *iov, int iovcnt,
                     uint64_t limit, int to_mem)
{
    int i;

    for (i = 0; i < iovcnt && limit; i++) {
        size_t n = iov[i].iov_len < limit ? iov[i].iov_len : (size_t)limit;
        if (to_mem)
            memcpy(mem, iov[i].iov_base, n);
        else
            memcpy(iov[i].iov_base, mem, n);
        mem += n;
        limit -= n;
    }
}

static int ram_execute(emk_blk *blk, emk_blk_req *req, uint64_t limit)
{
    uint8_t *p = blk->mem + req->offset;
    uint64_t len = req->len < limit ? req->len : limit;

    switch (req->op) {
    case EMK_BLK_READ:
        copy_iov(p, req->iov, req->iovcnt, limit, 0);
        return 0;
    case EMK_BLK_WRITE:
        copy_iov(p, req->iov, req->iovcnt, limit, 1);
        return 0;
    case EMK_BLK_DISCARD:
    case EMK_BLK_WRITE_ZEROES:
        memset(p, 0, (size_t)len);
        return 0;
    case EMK_BLK_FLUSH:
        return 0;
    }
    return -EINVAL;
}

const emk_blk_driver emk_blk_ram_driver = {
    "ram", ram_open, ram_close, ram_execute, 0,
};

static int null_open(emk_blk *blk, const char *arg, unsigned flags)
{
    (void)flags;
    return size_arg(arg, &blk->size);
}

static void null_close(emk_blk *blk)
{
    (void)blk;
}

static int null_execute(emk_blk *blk, emk_blk_req *req, uint64_t limit)
{
    int i;

    (void)blk;
    if (req->op != EMK_BLK_READ)
        return 0;
    for (i = 0; i < req->iovcnt && limit; i++) {
        size_t n = req->iov[i].iov_len < limit ? req->iov[i].iov_len : (size_t)limit;
        memset(req->iov[i].iov_base, 0, n);
        limit -= n;
    }
    return 0;
}

const emk_blk_driver emk_blk_null_driver = {
    "null", null_open, null_close, null_execute, 0,
};
