/*
 * blk.c - emkit's block-backend interface (emkit/block.h, a host backend
 * made with emk_blk_new) on a QEMU 7.2 BlockBackend, so `drive=` takes any
 * QEMU block node (null-co, raw file, qcow2, ...).
 *
 * Threads.  QEMU 7.2's block layer must be entered in the BlockBackend's
 * AioContext: QEMU's main context (its thread, or any thread holding the
 * BQL) or a QEMU IOThread's if the device names one (the drive is moved
 * there at open and back at close, as virtio-blk's dataplane does).
 *
 *  - A submit made in that context (the device's loop runs in QEMU's main
 *    loop or in the same IOThread: the usual case) enters a coroutine at
 *    once.  With a backend that does not yield (null-co, or data in the
 *    host page cache) the request completes before submit returns, so a
 *    request costs no trip through QEMU's event loop at all.
 *  - A submit from elsewhere (an emkit iothread, which never holds the BQL
 *    and must never wait for it) queues the request on a list under a
 *    private mutex, counts it in the BlockBackend's in-flight counter (an
 *    atomic; drains then wait for queued requests too) and schedules a
 *    bottom half of that AioContext, which enters the coroutines.
 *
 * Each request runs in its own coroutine: blk_co_preadv/pwritev over a
 * QEMUIOVector on the request's own iovec (zero copy), blk_co_flush,
 * blk_co_pwrite_zeroes or blk_co_pdiscard (in pieces), then
 * emk_blk_complete, which hands the request back to the device's loop.
 * Lock order: BQL, then the queue mutex, then emkit's block lock
 * (emk_blk_complete); an emkit thread takes only the queue mutex.
 *
 * Per-request contexts come from a free list that grows on demand, so a
 * steady stream of I/O does not allocate.
 *
 * emkit-requires: emk_blk_new emk_blk_complete
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "block/aio.h"
#include "block/aio-wait.h"
#include "qemu/coroutine.h"
#include "hw/block/block.h"
#include "sysemu/block-backend.h"
#include "sysemu/iothread.h"

#include "emk-qemu-blk.h"

typedef struct EmkQemuBlkReq {
    QEMUIOVector qiov;
    emk_blk_req *req;
    EmkQemuBlk *b;
    struct EmkQemuBlkReq *next;
} EmkQemuBlkReq;

struct EmkQemuBlk {
    BlockBackend *blk;
    AioContext *ctx;
    QEMUBH *bh;
    QemuMutex lock;
    EmkQemuBlkReq *queue_head;  /* submitted, not yet issued to QEMU */
    EmkQemuBlkReq *queue_tail;
    EmkQemuBlkReq *free;        /* contexts not in use */
    EmkQemuBlkReq *all;         /* every context (chained through next) */
    EmkQemuBlkReq **blocks;     /* allocations, for freeing */
    unsigned nblocks;
    bool closing;               /* new requests fail with -EIO */
    uint64_t stat_issued;
    uint64_t stat_batches;
};

enum { EMK_QEMU_BLK_GROW = 64 };

/* Discard and write-zeroes ranges are issued in pieces of at most this
 * many bytes (QEMU refuses requests above BDRV_REQUEST_MAX_BYTES, just
 * under 2 GiB; an NVMe Dataset Management range can be far larger). */
#define EMK_QEMU_BLK_CHUNK ((int64_t)1 << 30)

/* Called with b->lock held: a free context, growing the free list by a
 * block of EMK_QEMU_BLK_GROW when it is empty.  NULL if out of memory. */
static EmkQemuBlkReq *ctx_get(EmkQemuBlk *b)
{
    EmkQemuBlkReq *r, *blk, **blocks;
    unsigned i;

    if (!b->free) {
        blk = g_try_new0(EmkQemuBlkReq, EMK_QEMU_BLK_GROW);
        blocks = blk ? g_try_renew(EmkQemuBlkReq *, b->blocks,
                                   b->nblocks + 1) : NULL;
        if (!blocks) {
            g_free(blk);
            return NULL;
        }
        b->blocks = blocks;
        b->blocks[b->nblocks++] = blk;
        for (i = 0; i < EMK_QEMU_BLK_GROW; i++) {
            blk[i].b = b;
            blk[i].next = b->free;
            b->free = &blk[i];
        }
    }
    r = b->free;
    b->free = r->next;
    r->next = NULL;
    return r;
}

static void ctx_put(EmkQemuBlk *b, EmkQemuBlkReq *r)
{
    qemu_mutex_lock(&b->lock);
    r->req = NULL;
    r->next = b->free;
    b->free = r;
    qemu_mutex_unlock(&b->lock);
}

/* One request, start to end, in the BlockBackend's AioContext. */
static void coroutine_fn emk_qemu_blk_co(void *opaque)
{
    EmkQemuBlkReq *r = opaque;
    EmkQemuBlk *b = r->b;
    emk_blk_req *req = r->req;
    int64_t off = (int64_t)req->offset, len = (int64_t)req->len, n;
    int ret;

    switch (req->op) {
    case EMK_BLK_READ:
        qemu_iovec_init_external(&r->qiov, req->iov, req->iovcnt);
        ret = blk_co_preadv(b->blk, off, r->qiov.size, &r->qiov, 0);
        break;
    case EMK_BLK_WRITE:
        qemu_iovec_init_external(&r->qiov, req->iov, req->iovcnt);
        ret = blk_co_pwritev(b->blk, off, r->qiov.size, &r->qiov, 0);
        break;
    case EMK_BLK_FLUSH:
        ret = blk_co_flush(b->blk);
        break;
    case EMK_BLK_WRITE_ZEROES:
    case EMK_BLK_DISCARD:
        ret = 0;
        while (ret >= 0 && len > 0) {
            n = MIN(len, EMK_QEMU_BLK_CHUNK);
            ret = req->op == EMK_BLK_DISCARD ?
                  blk_co_pdiscard(b->blk, off, n) :
                  blk_co_pwrite_zeroes(b->blk, off, n, 0);
            off += n;
            len -= n;
        }
        break;
    default:
        ret = -EINVAL;
        break;
    }
    ctx_put(b, r);
    emk_blk_complete(req, ret);
    blk_dec_in_flight(b->blk);      /* taken by submit */
}

/* Starts one request (in b->ctx, with its AioContext lock). */
static void issue(EmkQemuBlk *b, EmkQemuBlkReq *r)
{
    qemu_coroutine_enter(qemu_coroutine_create(emk_qemu_blk_co, r));
}

/* The BlockBackend AioContext's half: issues everything queued.  Also
 * called directly by emk_qemu_blk_quiesce (main thread, BQL). */
static void emk_qemu_blk_bh(void *opaque)
{
    EmkQemuBlk *b = opaque;
    EmkQemuBlkReq *r, *next;
    unsigned n = 0;

    qemu_mutex_lock(&b->lock);
    r = b->queue_head;
    b->queue_head = b->queue_tail = NULL;
    qemu_mutex_unlock(&b->lock);
    if (!r) {
        return;
    }
    aio_context_acquire(b->ctx);
    blk_io_plug(b->blk);
    for (; r; r = next) {
        next = r->next;
        r->next = NULL;
        issue(b, r);
        n++;
    }
    blk_io_unplug(b->blk);
    aio_context_release(b->ctx);
    qatomic_add(&b->stat_issued, n);
    qatomic_inc(&b->stat_batches);
}

/* emk_blk_ops.submit, on any emkit thread: queue and kick. */
static int emk_qemu_blk_submit(void *opaque, emk_blk_req *req)
{
    EmkQemuBlk *b = opaque;
    EmkQemuBlkReq *r;
    bool kick;

    if ((req->op == EMK_BLK_READ || req->op == EMK_BLK_WRITE) &&
        (req->iovcnt < 0 || (req->iovcnt > 0 && !req->iov))) {
        return -EINVAL;
    }
    if (req->offset > (uint64_t)INT64_MAX || req->len > (uint64_t)INT64_MAX) {
        return -ERANGE;
    }
    qemu_mutex_lock(&b->lock);
    if (b->closing) {
        qemu_mutex_unlock(&b->lock);
        return -EIO;
    }
    r = ctx_get(b);
    if (!r) {
        qemu_mutex_unlock(&b->lock);
        return -ENOMEM;
    }
    r->req = req;
    if (qemu_get_current_aio_context() == b->ctx) {
        /* already where the block layer lives: start it now */
        blk_inc_in_flight(b->blk);
        qemu_mutex_unlock(&b->lock);
        aio_context_acquire(b->ctx);
        issue(b, r);
        aio_context_release(b->ctx);
        qatomic_inc(&b->stat_issued);     /* a batch only when queued */
        return 0;
    }
    kick = !b->queue_head;
    if (b->queue_tail) {
        b->queue_tail->next = r;
    } else {
        b->queue_head = r;
    }
    b->queue_tail = r;
    /* counted before the lock is dropped, so a drain that has seen the
     * queue empty cannot miss it; the bottom half is scheduled under the
     * lock too (it does not block), so once emk_qemu_blk_quiesce has
     * taken the queue no emkit thread touches b->bh any more */
    blk_inc_in_flight(b->blk);
    if (kick) {
        qemu_bh_schedule(b->bh);
    }
    qemu_mutex_unlock(&b->lock);
    return 0;
}

/* Moves the drive to ctx (main thread, BQL).  Returns 0 or -errno. */
static int move_drive(BlockBackend *blk, AioContext *ctx, Error **errp)
{
    AioContext *old = blk_get_aio_context(blk);
    int ret;

    if (old == ctx) {
        return 0;
    }
    aio_context_acquire(old);
    ret = blk_set_aio_context(blk, ctx, errp);
    aio_context_release(old);
    return ret;
}

/* Runs in the IOThread, so the bottom half cannot be running meanwhile. */
static void delete_bh(void *opaque)
{
    EmkQemuBlk *b = opaque;

    qemu_bh_delete(b->bh);
}

/* emk_blk_ops.close: runs in emk_blk_close (main thread, BQL) once nothing
 * is in flight. */
static void emk_qemu_blk_free(void *opaque)
{
    EmkQemuBlk *b = opaque;
    unsigned i;

    if (b->ctx == qemu_get_aio_context()) {
        qemu_bh_delete(b->bh);
    } else {
        aio_context_acquire(b->ctx);
        aio_wait_bh_oneshot(b->ctx, delete_bh, b);
        aio_context_release(b->ctx);
    }
    /* back to the main loop; if another user keeps the drive in the
     * IOThread, that is fine */
    move_drive(b->blk, qemu_get_aio_context(), NULL);
    for (i = 0; i < b->nblocks; i++) {
        g_free(b->blocks[i]);
    }
    g_free(b->blocks);
    qemu_mutex_destroy(&b->lock);
    g_free(b);
}

static const emk_blk_ops emk_qemu_blk_ops = {
    .kind = "qemu",
    .submit = emk_qemu_blk_submit,
    .close = emk_qemu_blk_free,
};

emk_blk *emk_qemu_blk_open(BlockConf *conf, IOThread *iothread,
                           const char *what, EmkQemuBlk **out, Error **errp)
{
    EmkQemuBlk *b;
    emk_blk *eb;
    int64_t len;
    bool readonly;
    int err = 0;

    *out = NULL;
    if (!conf->blk || !blk_is_inserted(conf->blk)) {
        error_setg(errp, "%s: the drive has no medium", what);
        return NULL;
    }
    readonly = !blk_supports_write_perm(conf->blk);
    if (!blkconf_apply_backend_options(conf, readonly, false, errp)) {
        return NULL;
    }
    len = blk_getlength(conf->blk);
    if (len < 0) {
        error_setg_errno(errp, (int)-len, "%s: cannot get the drive's size",
                         what);
        return NULL;
    }
    if (len == 0) {
        error_setg(errp, "%s: the drive is empty (0 bytes)", what);
        return NULL;
    }
    if (iothread &&
        move_drive(conf->blk, iothread_get_aio_context(iothread), errp) < 0) {
        error_prepend(errp, "%s: cannot move the drive to the IOThread: ",
                      what);
        return NULL;
    }
    b = g_new0(EmkQemuBlk, 1);
    b->blk = conf->blk;
    b->ctx = blk_get_aio_context(conf->blk);
    qemu_mutex_init(&b->lock);
    b->bh = aio_bh_new(b->ctx, emk_qemu_blk_bh, b);
    eb = emk_blk_new(&emk_qemu_blk_ops, b, (uint64_t)len,
                     readonly ? EMK_BLK_RDONLY : 0, &err);
    if (!eb) {
        error_setg(errp, "%s: %s", what, emk_strerror(err));
        emk_qemu_blk_free(b);
        return NULL;
    }
    *out = b;
    return eb;
}

void emk_qemu_blk_quiesce(EmkQemuBlk *b)
{
    if (!b) {
        return;
    }
    qemu_mutex_lock(&b->lock);
    b->closing = true;
    qemu_mutex_unlock(&b->lock);
    emk_qemu_blk_bh(b);          /* issue what is still queued */
    aio_context_acquire(b->ctx);
    blk_drain(b->blk);           /* and wait for QEMU to complete it */
    aio_context_release(b->ctx);
}

void emk_qemu_blk_stats(EmkQemuBlk *b, uint64_t *issued, uint64_t *batches)
{
    *issued = b ? qatomic_read(&b->stat_issued) : 0;
    *batches = b ? qatomic_read(&b->stat_batches) : 0;
}
