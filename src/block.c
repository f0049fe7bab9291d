/* block.c - backend selection, request validation, fault injection and
 * asynchronous completion (worker pool or bottom half). */
#include <stdlib.h>
#include <string.h>

#include "block_int.h"

static const emk_blk_driver *const drivers[] = {
    &emk_blk_file_driver, &emk_blk_ram_driver, &emk_blk_null_driver,
};

uint64_t emk_iov_size(const struct iovec *iov, int iovcnt)
{
    uint64_t n = 0;
    int i;

    for (i = 0; i < iovcnt; i++)
        n += iov[i].iov_len;
    return n;
}

emk_blk *emk_blk_open(const char *spec, unsigned flags, int *err)
{
    const char *colon = spec ? strchr(spec, ':') : NULL;
    emk_blk *blk;
    size_t i;
    int ret = -EINVAL;

    if (!colon)
        goto fail;
    for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
        size_t n = strlen(drivers[i]->kind);
        if ((size_t)(colon - spec) != n || strncmp(spec, drivers[i]->kind, n))
            continue;
        blk = (emk_blk *)calloc(1, sizeof(*blk));
        if (!blk) {
            ret = -ENOMEM;
            goto fail;
        }
        blk->drv = drivers[i];
        blk->flags = flags;
        blk->fd = -1;
        pthread_mutex_init(&blk->lock, NULL);
        pthread_cond_init(&blk->idle, NULL);
        ret = blk->drv->open(blk, colon + 1, flags);
        if (ret == 0)
            return blk;
        pthread_mutex_destroy(&blk->lock);
        pthread_cond_destroy(&blk->idle);
        free(blk);
        goto fail;
    }
fail:
    if (err)
        *err = ret;
    return NULL;
}

/* Host backends reach the core only through emk_blk_ops; this driver
 * entry refuses the synchronous path. */
static int host_open(emk_blk *blk, const char *arg, unsigned flags)
{
    (void)blk; (void)arg; (void)flags;
    return -EINVAL;
}

static void host_close(emk_blk *blk)
{
    if (blk->host->close)
        blk->host->close(blk->host_opaque);
}

static int host_execute(emk_blk *blk, emk_blk_req *req, uint64_t limit)
{
    (void)blk; (void)req; (void)limit;
    return -ENOTSUP;
}

static const emk_blk_driver host_driver = {
    "host", host_open, host_close, host_execute, 0,
};

emk_blk *emk_blk_new(const emk_blk_ops *ops, void *opaque, uint64_t size,
                     unsigned flags, int *err)
{
    emk_blk *blk;

    if (!ops || !ops->submit || !ops->kind) {
        if (err)
            *err = -EINVAL;
        return NULL;
    }
    blk = (emk_blk *)calloc(1, sizeof(*blk));
    if (!blk) {
        if (err)
            *err = -ENOMEM;
        return NULL;
    }
    blk->drv = &host_driver;
    blk->host = ops;
    blk->host_opaque = opaque;
    blk->size = size;
    blk->flags = flags & EMK_BLK_RDONLY;
    blk->fd = -1;
    pthread_mutex_init(&blk->lock, NULL);
    pthread_cond_init(&blk->idle, NULL);
    return blk;
}

void emk_blk_close(emk_blk *blk)
{
    if (!blk)
        return;
    pthread_mutex_lock(&blk->lock);
    while (blk->inflight)
        pthread_cond_wait(&blk->idle, &blk->lock);
    pthread_mutex_unlock(&blk->lock);
    blk->drv->close(blk);
    pthread_mutex_destroy(&blk->lock);
    pthread_cond_destroy(&blk->idle);
    free(blk);
}

uint64_t emk_blk_size(const emk_blk *blk)
{
    return blk->size;
}

int emk_blk_readonly(const emk_blk *blk)
{
    return (blk->flags & EMK_BLK_RDONLY) != 0;
}

const char *emk_blk_kind(const emk_blk *blk)
{
    return blk->host ? blk->host->kind : blk->drv->kind;
}

void *emk_blk_ram(emk_blk *blk)
{
    return blk->mem;
}

unsigned emk_blk_inflight(const emk_blk *blk)
{
    unsigned n;
    emk_blk *b = (emk_blk *)(uintptr_t)blk;

    pthread_mutex_lock(&b->lock);
    n = b->inflight;
    pthread_mutex_unlock(&b->lock);
    return n;
}

void emk_blk_set_fault(emk_blk *blk, const emk_blk_fault *fault)
{
    pthread_mutex_lock(&blk->lock);
    if (fault) {
        blk->fault = *fault;
        blk->fault_on = 1;
    } else {
        blk->fault_on = 0;
    }
    pthread_mutex_unlock(&blk->lock);
}

static uint64_t req_len(const emk_blk_req *req)
{
    if (req->op == EMK_BLK_READ || req->op == EMK_BLK_WRITE)
        return emk_iov_size(req->iov, req->iovcnt);
    return req->op == EMK_BLK_FLUSH ? 0 : req->len;
}

/* Decides, under the lock, whether the installed fault hits this request.
 * Returns 0 (no fault), -errno (fail), or 1 with *limit set (short). */
static int fault_check(emk_blk *blk, const emk_blk_req *req, uint64_t *limit)
{
    const emk_blk_fault *f = &blk->fault;
    uint64_t len = req_len(req);
    int ret = 0;

    pthread_mutex_lock(&blk->lock);
    if (blk->fault_on && (f->op_mask & (1u << req->op)) &&
        req->offset < f->offset + f->len && f->offset < req->offset + (len ? len : 1)) {
        if (f->short_bytes) {
            *limit = f->short_bytes;
            ret = 1;
        } else {
            ret = f->err > 0 ? -f->err : (f->err ? f->err : -EIO);
        }
        if (f->count && --blk->fault.count == 0)
            blk->fault_on = 0;
    }
    pthread_mutex_unlock(&blk->lock);
    return ret;
}

static int execute(emk_blk *blk, emk_blk_req *req)
{
    uint64_t limit = UINT64_MAX;
    int f = fault_check(blk, req, &limit);
    int ret;

    if (f < 0)
        return f;
    ret = blk->drv->execute(blk, req, limit);
    if (ret == 0 && f == 1 && limit < req_len(req))
        ret = -EIO;
    return ret;
}

static void complete_bh(void *opaque)
{
    emk_blk_req *req = (emk_blk_req *)opaque;
    req->cb(req, req->ret);
}

static void finish(emk_blk_req *req, int ret)
{
    emk_blk *blk = req->blk;

    req->ret = ret;
    pthread_mutex_lock(&blk->lock);
    if (--blk->inflight == 0)
        pthread_cond_broadcast(&blk->idle);
    pthread_mutex_unlock(&blk->lock);
    emk_bh_schedule(&req->bh);
}

void emk_blk_complete(emk_blk_req *req, int ret)
{
    finish(req, ret > 0 ? 0 : ret);
}

static void pool_job(void *arg)
{
    emk_blk_req *req = (emk_blk_req *)arg;
    finish(req, execute(req->blk, req));
}

static int validate(const emk_blk *blk, const emk_blk_req *req)
{
    uint64_t len;

    if (req->op > EMK_BLK_WRITE_ZEROES)
        return -EINVAL;
    if ((req->op == EMK_BLK_READ || req->op == EMK_BLK_WRITE) &&
        (req->iovcnt < 0 || (req->iovcnt > 0 && !req->iov)))
        return -EINVAL;
    if (req->op != EMK_BLK_READ && req->op != EMK_BLK_FLUSH &&
        (blk->flags & EMK_BLK_RDONLY))
        return -EROFS;
    len = req_len(req);
    if (req->offset > blk->size || blk->size - req->offset < len)
        return -ERANGE;
    return 0;
}

int emk_blk_submit(emk_blk *blk, emk_blk_req *req)
{
    int ret = (!req->cb || !req->loop) ? -EINVAL : validate(blk, req);

    if (ret < 0)
        return ret;
    req->blk = blk;
    req->ret = 0;
    emk_bh_init(&req->bh, req->loop, complete_bh, req);
    pthread_mutex_lock(&blk->lock);
    blk->inflight++;
    pthread_mutex_unlock(&blk->lock);
    if (blk->host) {
        uint64_t limit = UINT64_MAX;
        ret = fault_check(blk, req, &limit);
        if (ret == 0)
            ret = blk->host->submit(blk->host_opaque, req);
        else if (ret > 0)
            ret = -EIO; /* a short transfer cannot be staged on a host backend */
        if (ret < 0)
            finish(req, ret);
        return 0;
    }
    if (blk->drv->needs_pool || (blk->flags & EMK_BLK_SYNC_POOL)) {
        ret = emk_pool_submit(pool_job, req, req->pool_link);
        if (ret < 0)
            finish(req, ret);
        return 0;
    }
    finish(req, execute(blk, req));
    return 0;
}

static int sync_rw(emk_blk *blk, emk_blk_op op, uint64_t offset, void *buf,
                   uint64_t len)
{
    struct iovec iov;
    emk_blk_req req;
    int ret;

    memset(&req, 0, sizeof(req));
    iov.iov_base = buf;
    iov.iov_len = (size_t)len;
    req.op = op;
    req.offset = offset;
    req.iov = &iov;
    req.iovcnt = 1;
    ret = validate(blk, &req);
    if (ret < 0)
        return ret;
    req.blk = blk;
    return execute(blk, &req);
}

int emk_blk_pread(emk_blk *blk, uint64_t offset, void *buf, uint64_t len)
{
    return sync_rw(blk, EMK_BLK_READ, offset, buf, len);
}

int emk_blk_pwrite(emk_blk *blk, uint64_t offset, const void *buf,
                   uint64_t len)
{
    return sync_rw(blk, EMK_BLK_WRITE, offset, (void *)(uintptr_t)buf, len);
}
