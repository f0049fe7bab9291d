/* sblk.c - the emkit simple block device (see sblk.h for the protocol).
 *
 * This is the template device; docs/architecture.md ("How to write a
 * device") walks through the rules it follows:
 *
 * Threads.  Register callbacks run in the guest's (vCPU) thread; request
 * processing and completion run in the device's loop, which may be an
 * iothread.  Every register is therefore read and written atomically.
 *
 * Latching.  The doorbell copies the request registers into s->latch (the
 * ring that moves STATUS from idle to BUSY owns it); the device loop copies
 * that into s->cur and from then on never looks at a guest-writable
 * register again.  A guest rewriting OP after the doorbell changes nothing.
 *
 * STATUS.  BUSY and DONE change only by atomic read-modify-writes (the
 * ring's compare-and-swap, the guest's write-1-to-clear fetch-and, the
 * completion's store).  The IRQ line follows DONE: whoever changes DONE
 * recomputes the level under irq_lock, so the line never disagrees with
 * STATUS once both sides are finished.
 *
 * Reset.  emk_sblk_reset runs in the device loop, bumps a generation and
 * clears the registers; the completion of an older generation is dropped.
 */
#include <string.h>

#include "compat.h"
#include "emkit/sblk.h"
#include "trace_int.h"

static emk_trace_event ev_sblk_cmd = EMK_TRACE_EVENT_INIT("sblk_cmd");
static emk_trace_event ev_sblk_done = EMK_TRACE_EVENT_INIT("sblk_done");
static emk_trace_event ev_sblk_drop = EMK_TRACE_EVENT_INIT("sblk_drop");
static emk_trace_event ev_sblk_reset = EMK_TRACE_EVENT_INIT("sblk_reset");

static void sblk_process(emk_sblk *s);

/* Drives the IRQ line to match STATUS.DONE.  Called by every thread right
 * after it changed DONE; the lock orders the level computations, so the
 * last one to run sees the final STATUS. */
static void sblk_irq_sync(emk_sblk *s)
{
    int level;

    emk_spin_lock(&s->irq_lock);
    level = (emk_load_acquire_u32(&s->status) & EMK_SBLK_STATUS_DONE) != 0;
    if (level != s->irq_level) {
        s->irq_level = level;
        emk_irq_raise(s->irq, level);
    }
    emk_spin_unlock(&s->irq_lock);
}

/* Device loop.  Publishes the result of s->cur.  Everything needed from
 * s->cur is read before DONE is stored: from then on the guest may ring
 * the next request. */
static void sblk_complete(emk_sblk *s, int ret)
{
    uint64_t msi_addr = s->cur.msi_addr;
    uint32_t msi_data = s->cur.msi_data;

    if (s->cur.gen != emk_load_acquire_u32(&s->gen)) {
        EMK_TRACE(ev_sblk_drop, "op=%u ret=%d (reset while in flight)",
                  (unsigned)s->cur.op, ret);
        return;
    }
    EMK_TRACE(ev_sblk_done, "op=%u ret=%d", (unsigned)s->cur.op, ret);
    emk_store_relaxed_u32(&s->result, (uint32_t)(ret < 0 ? -ret : 0));
    emk_fetch_add_u64(&s->completed, 1);
    emk_store_release_u32(&s->status, EMK_SBLK_STATUS_DONE);
    sblk_irq_sync(s);
    if (msi_addr)
        emk_msi_send(&s->dev, msi_addr, msi_data);
}

/* Device loop: starts s->latch unless a dropped request still owns the
 * request structures. */
static void sblk_start(emk_sblk *s)
{
    if (emk_load_relaxed_int(&s->inflight)) {
        s->kick_deferred = 1;
        return;
    }
    s->cur = s->latch;
    emk_store_release_int(&s->inflight, 1);
    sblk_process(s);
}

static void sblk_finish(emk_sblk *s, int ret)
{
    emk_store_release_int(&s->inflight, 0);
    sblk_complete(s, ret);
    if (s->kick_deferred) {
        s->kick_deferred = 0;
        sblk_start(s);
    }
}

static void sblk_req_done(emk_blk_req *req, int ret)
{
    emk_sblk *s = (emk_sblk *)req->opaque;

    emk_dma_sg_unmap(&s->dev, s->iov, s->niov, s->cur.op == EMK_SBLK_OP_READ);
    s->niov = 0;
    sblk_finish(s, ret);
}

/* Device loop: validate s->cur, map the guest buffer and hand it to the
 * backend without copying. */
static void sblk_process(emk_sblk *s)
{
    const emk_sblk_cmd *c = &s->cur;
    emk_sg_entry seg[1];
    emk_sglist sgl;
    uint64_t cap = emk_blk_size(s->blk) / EMK_SBLK_SECTOR;
    int ret, is_read = c->op == EMK_SBLK_OP_READ;

    EMK_TRACE(ev_sblk_cmd, "op=%u lba=%llu count=%u addr=0x%llx",
              (unsigned)c->op, (unsigned long long)c->lba,
              (unsigned)c->count, (unsigned long long)c->addr);
    memset(&s->req, 0, sizeof(s->req));
    s->req.cb = sblk_req_done;
    s->req.opaque = s;
    s->req.loop = s->dev.loop;
    if (c->op == EMK_SBLK_OP_FLUSH) {
        s->req.op = EMK_BLK_FLUSH;
    } else if (c->op == EMK_SBLK_OP_READ || c->op == EMK_SBLK_OP_WRITE) {
        if (c->count == 0 || c->count > EMK_SBLK_MAX_SECTORS ||
            c->lba > cap || cap - c->lba < c->count) {
            sblk_finish(s, -ERANGE);
            return;
        }
        emk_sglist_init(&sgl, seg, 1);
        ret = emk_sglist_add(&sgl, c->addr, (uint64_t)c->count * EMK_SBLK_SECTOR);
        if (ret == 0)
            ret = emk_dma_sg_map(&s->dev, &sgl, s->iov,
                                 (int)EMK_ARRAY_SIZE(s->iov), is_read);
        if (ret < 0) {
            sblk_finish(s, ret);
            return;
        }
        s->niov = ret;
        s->req.op = is_read ? EMK_BLK_READ : EMK_BLK_WRITE;
        s->req.offset = c->lba * EMK_SBLK_SECTOR;
        s->req.iov = s->iov;
        s->req.iovcnt = s->niov;
    } else {
        sblk_finish(s, -EINVAL);
        return;
    }
    ret = emk_blk_submit(s->blk, &s->req);
    if (ret < 0) {
        emk_dma_sg_unmap(&s->dev, s->iov, s->niov, is_read);
        s->niov = 0;
        sblk_finish(s, ret);
    }
}

/* The doorbell, in whichever thread saw it.  Moves STATUS from idle to
 * BUSY (clearing an unacknowledged DONE); only the thread that wins that
 * transition writes s->latch.  Returns 1 if a request was latched. */
static int sblk_ring(emk_sblk *s)
{
    uint32_t old = emk_load_acquire_u32(&s->status);

    do {
        if (old & EMK_SBLK_STATUS_BUSY)
            return 0; /* one request at a time: a second ring is ignored */
    } while (!emk_cas_u32(&s->status, &old, EMK_SBLK_STATUS_BUSY));
    if (old & EMK_SBLK_STATUS_DONE)
        sblk_irq_sync(s);
    s->latch.op = emk_load_relaxed_u32(&s->op);
    s->latch.count = emk_load_relaxed_u32(&s->count);
    s->latch.lba = emk_load_relaxed_u64(&s->lba);
    s->latch.addr = emk_load_relaxed_u64(&s->addr);
    s->latch.msi_addr = emk_load_relaxed_u64(&s->msi_addr);
    s->latch.msi_data = emk_load_relaxed_u32(&s->msi_data);
    s->latch.gen = emk_load_acquire_u32(&s->gen);
    return 1;
}

/* Device loop: the bottom half scheduled by a doorbell register write. */
static void sblk_kick(void *opaque)
{
    sblk_start((emk_sblk *)opaque);
}

/* Device loop: the ioeventfd doorbell. */
static void sblk_doorbell(void *opaque)
{
    emk_sblk *s = (emk_sblk *)opaque;

    if (sblk_ring(s))
        sblk_start(s);
}

static int sblk_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_sblk *s = (emk_sblk *)opaque;

    (void)size;
    switch (off) {
    case EMK_SBLK_REG_ID: *v = EMK_SBLK_ID; break;
    case EMK_SBLK_REG_STATUS: *v = emk_load_acquire_u32(&s->status); break;
    case EMK_SBLK_REG_CAPACITY: *v = emk_blk_size(s->blk) / EMK_SBLK_SECTOR; break;
    case EMK_SBLK_REG_OP: *v = emk_load_relaxed_u32(&s->op); break;
    case EMK_SBLK_REG_COUNT: *v = emk_load_relaxed_u32(&s->count); break;
    case EMK_SBLK_REG_LBA: *v = emk_load_relaxed_u64(&s->lba); break;
    case EMK_SBLK_REG_ADDR: *v = emk_load_relaxed_u64(&s->addr); break;
    case EMK_SBLK_REG_MSI_ADDR: *v = emk_load_relaxed_u64(&s->msi_addr); break;
    case EMK_SBLK_REG_MSI_DATA: *v = emk_load_relaxed_u32(&s->msi_data); break;
    case EMK_SBLK_REG_RESULT: *v = emk_load_relaxed_u32(&s->result); break;
    case EMK_SBLK_REG_COMPLETED: *v = emk_load_relaxed_u64(&s->completed); break;
    default: *v = 0; break; /* reserved: reads as zero */
    }
    return 0;
}

static int sblk_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    emk_sblk *s = (emk_sblk *)opaque;

    (void)size;
    switch (off) {
    case EMK_SBLK_REG_STATUS:
        /* write-1-to-clear, atomically: a plain load and store here could
         * write back a stale BUSY over the completion's DONE */
        if ((v & EMK_SBLK_STATUS_DONE) &&
            (emk_fetch_and_u32(&s->status, ~(uint32_t)EMK_SBLK_STATUS_DONE) &
             EMK_SBLK_STATUS_DONE))
            sblk_irq_sync(s);
        break;
    case EMK_SBLK_REG_OP: emk_store_relaxed_u32(&s->op, (uint32_t)v); break;
    case EMK_SBLK_REG_COUNT: emk_store_relaxed_u32(&s->count, (uint32_t)v); break;
    case EMK_SBLK_REG_LBA: emk_store_relaxed_u64(&s->lba, v); break;
    case EMK_SBLK_REG_ADDR: emk_store_relaxed_u64(&s->addr, v); break;
    case EMK_SBLK_REG_MSI_ADDR: emk_store_relaxed_u64(&s->msi_addr, v); break;
    case EMK_SBLK_REG_MSI_DATA: emk_store_relaxed_u32(&s->msi_data, (uint32_t)v); break;
    case EMK_SBLK_REG_DOORBELL:
        if ((v & 1) && sblk_ring(s))
            emk_bh_schedule(&s->kick); /* never do device work here */
        break;
    default: break; /* read-only or reserved: ignored */
    }
    return 0;
}

static const emk_region_ops sblk_ops = {
    .read = sblk_read,
    .write = sblk_write,
    .valid_sizes = EMK_SIZE_4 | EMK_SIZE_8,
    .flags = 0,
};

int emk_sblk_init(emk_sblk *s, emk_bus *bus, emk_loop *loop, emk_blk *blk,
                  const emk_sblk_options *opt)
{
    int ret;

    if (!s || !bus || !blk)
        return -EINVAL;
    memset(s, 0, sizeof(*s));
    s->doorbell.rfd = s->doorbell.wfd = -1;
    emk_dev_init(&s->dev, "emkit-sblk", bus, loop);
    s->blk = blk;
    if (opt)
        s->opt = *opt;
    emk_irq_init_line(&s->line, "sblk-irq", &s->dev, s->opt.irq_line);
    s->irq = s->opt.irq ? s->opt.irq : &s->line;
    s->mmio.name = "sblk-mmio";
    s->mmio.ops = &sblk_ops;
    s->mmio.opaque = s;
    s->mmio.size = EMK_SBLK_MMIO_SIZE;
    s->mmio.space = EMK_SPACE_MEM;
    ret = emk_dev_add_region(&s->dev, &s->mmio);
    if (ret < 0)
        return ret;
    emk_bh_init(&s->kick, s->dev.loop, sblk_kick, s);
    if (s->opt.ioeventfd) {
        ret = emk_notifier_init(&s->doorbell);
        if (ret < 0) {
            s->doorbell.rfd = s->doorbell.wfd = -1;
            return ret;
        }
        ret = emk_loop_add_notifier(s->dev.loop, &s->doorbell,
                                    sblk_doorbell, s);
        if (ret < 0) {
            emk_notifier_cleanup(&s->doorbell);
            s->doorbell.rfd = s->doorbell.wfd = -1;
            return ret;
        }
        ret = emk_dev_add_ioeventfd(&s->dev, &s->mmio,
                                    EMK_SBLK_REG_DOORBELL, 4, &s->doorbell);
        if (ret < 0) {
            emk_sblk_cleanup(s);
            return ret;
        }
    }
    return 0;
}

static void sblk_reset_in_loop(void *opaque)
{
    emk_sblk *s = (emk_sblk *)opaque;

    EMK_TRACE(ev_sblk_reset, "inflight=%d",
              emk_load_relaxed_int(&s->inflight));
    emk_fetch_add_u32(&s->gen, 1);
    emk_bh_cancel(&s->kick);
    s->kick_deferred = 0;
    emk_store_relaxed_u32(&s->op, 0);
    emk_store_relaxed_u32(&s->count, 0);
    emk_store_relaxed_u64(&s->lba, 0);
    emk_store_relaxed_u64(&s->addr, 0);
    emk_store_relaxed_u64(&s->msi_addr, 0);
    emk_store_relaxed_u32(&s->msi_data, 0);
    emk_store_relaxed_u32(&s->result, 0);
    emk_store_relaxed_u64(&s->completed, 0);
    emk_store_release_u32(&s->status, 0);
    sblk_irq_sync(s);
}

void emk_sblk_reset(emk_sblk *s)
{
    emk_loop_call(s->dev.loop, sblk_reset_in_loop, s);
}

int emk_sblk_busy(const emk_sblk *s)
{
    return emk_load_acquire_int(&s->inflight);
}

static void sblk_cleanup_in_loop(void *opaque)
{
    emk_sblk *s = (emk_sblk *)opaque;

    if (s->doorbell.rfd >= 0) {
        emk_loop_del_notifier(&s->doorbell);
        emk_notifier_cleanup(&s->doorbell);
        s->doorbell.rfd = s->doorbell.wfd = -1;
    }
    emk_bh_cancel(&s->kick);
}

void emk_sblk_cleanup(emk_sblk *s)
{
    emk_dev_del_ioeventfds(&s->dev);
    emk_loop_call(s->dev.loop, sblk_cleanup_in_loop, s);
}
