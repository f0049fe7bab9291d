/* sblk.c - the emkit simple block device (see sblk.h for the protocol).
 *
 * Threads: register callbacks run in the guest's (vCPU) thread; request
 * processing and completion run in the device's loop, which may be an
 * iothread.  The guest must not change request registers while a request
 * is outstanding; STATUS is shared and accessed atomically. */
#include <string.h>

#include "compat.h"
#include "sblk/sblk.h"

static void sblk_complete(emk_sblk *s, int ret)
{
    s->result = (uint32_t)(ret < 0 ? -ret : 0);
    s->completed++;
    emk_store_release_u32(&s->status, EMK_SBLK_STATUS_DONE);
    if (s->msi_addr)
        emk_msi_send(&s->dev, s->msi_addr, s->msi_data);
    emk_irq_set(&s->dev, s->opt.irq_line, 1);
}

static void sblk_req_done(emk_blk_req *req, int ret)
{
    emk_sblk *s = (emk_sblk *)req->opaque;

    emk_dma_sg_unmap(&s->dev, s->iov, s->niov, s->op == EMK_SBLK_OP_READ);
    s->niov = 0;
    sblk_complete(s, ret);
}

/* Runs in the device loop: validate the request, map the guest buffer and
 * hand it to the backend without copying. */
static void sblk_process(emk_sblk *s)
{
    emk_sg_entry seg[1];
    emk_sglist sgl;
    uint64_t cap = emk_blk_size(s->blk) / EMK_SBLK_SECTOR;
    int ret, is_read = s->op == EMK_SBLK_OP_READ;

    memset(&s->req, 0, sizeof(s->req));
    s->req.cb = sblk_req_done;
    s->req.opaque = s;
    s->req.loop = s->dev.loop;
    if (s->op == EMK_SBLK_OP_FLUSH) {
        s->req.op = EMK_BLK_FLUSH;
    } else if (s->op == EMK_SBLK_OP_READ || s->op == EMK_SBLK_OP_WRITE) {
        if (s->count == 0 || s->count > EMK_SBLK_MAX_SECTORS ||
            s->lba > cap || cap - s->lba < s->count) {
            sblk_complete(s, -ERANGE);
            return;
        }
        emk_sglist_init(&sgl, seg, 1);
        ret = emk_sglist_add(&sgl, s->addr, (uint64_t)s->count * EMK_SBLK_SECTOR);
        if (ret == 0)
            ret = emk_dma_sg_map(&s->dev, &sgl, s->iov,
                                 (int)EMK_ARRAY_SIZE(s->iov), is_read);
        if (ret < 0) {
            sblk_complete(s, ret);
            return;
        }
        s->niov = ret;
        s->req.op = is_read ? EMK_BLK_READ : EMK_BLK_WRITE;
        s->req.offset = s->lba * EMK_SBLK_SECTOR;
        s->req.iov = s->iov;
        s->req.iovcnt = s->niov;
    } else {
        sblk_complete(s, -EINVAL);
        return;
    }
    ret = emk_blk_submit(s->blk, &s->req);
    if (ret < 0) {
        emk_dma_sg_unmap(&s->dev, s->iov, s->niov, is_read);
        s->niov = 0;
        sblk_complete(s, ret);
    }
}

static void sblk_kick(void *opaque)
{
    emk_sblk *s = (emk_sblk *)opaque;

    if (emk_load_acquire_u32(&s->status) & EMK_SBLK_STATUS_BUSY)
        return; /* one request at a time: a second ring is ignored */
    emk_store_release_u32(&s->status, EMK_SBLK_STATUS_BUSY);
    sblk_process(s);
}

static int sblk_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_sblk *s = (emk_sblk *)opaque;

    (void)size;
    switch (off) {
    case EMK_SBLK_REG_ID: *v = EMK_SBLK_ID; break;
    case EMK_SBLK_REG_STATUS: *v = emk_load_acquire_u32(&s->status); break;
    case EMK_SBLK_REG_CAPACITY: *v = emk_blk_size(s->blk) / EMK_SBLK_SECTOR; break;
    case EMK_SBLK_REG_OP: *v = s->op; break;
    case EMK_SBLK_REG_COUNT: *v = s->count; break;
    case EMK_SBLK_REG_LBA: *v = s->lba; break;
    case EMK_SBLK_REG_ADDR: *v = s->addr; break;
    case EMK_SBLK_REG_MSI_ADDR: *v = s->msi_addr; break;
    case EMK_SBLK_REG_MSI_DATA: *v = s->msi_data; break;
    case EMK_SBLK_REG_RESULT: *v = s->result; break;
    case EMK_SBLK_REG_COMPLETED: *v = s->completed; break;
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
        if (v & EMK_SBLK_STATUS_DONE) {
            uint32_t st = emk_load_acquire_u32(&s->status);
            emk_store_release_u32(&s->status, st & ~(uint32_t)EMK_SBLK_STATUS_DONE);
            emk_irq_set(&s->dev, s->opt.irq_line, 0);
        }
        break;
    case EMK_SBLK_REG_OP: s->op = (uint32_t)v; break;
    case EMK_SBLK_REG_COUNT: s->count = (uint32_t)v; break;
    case EMK_SBLK_REG_LBA: s->lba = v; break;
    case EMK_SBLK_REG_ADDR: s->addr = v; break;
    case EMK_SBLK_REG_MSI_ADDR: s->msi_addr = v; break;
    case EMK_SBLK_REG_MSI_DATA: s->msi_data = (uint32_t)v; break;
    case EMK_SBLK_REG_DOORBELL:
        if (v & 1)
            emk_bh_schedule(&s->kick); /* never do device work here */
        break;
    default: break; /* read-only or reserved: ignored */
    }
    return 0;
}

static const emk_region_ops sblk_ops = {
    sblk_read, sblk_write, EMK_SIZE_4 | EMK_SIZE_8, 0,
};

static void sblk_doorbell(void *opaque)
{
    sblk_kick(opaque);
}

int emk_sblk_init(emk_sblk *s, emk_bus *bus, emk_loop *loop, emk_blk *blk,
                  const emk_sblk_options *opt)
{
    int ret;

    if (!s || !bus || !blk)
        return -EINVAL;
    memset(s, 0, sizeof(*s));
    emk_dev_init(&s->dev, "emkit-sblk", bus, loop);
    s->blk = blk;
    if (opt)
        s->opt = *opt;
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
        if (ret < 0)
            return ret;
        ret = emk_loop_add_notifier(s->dev.loop, &s->doorbell,
                                         sblk_doorbell, s);
        if (ret == 0)
            ret = emk_dev_add_ioeventfd(&s->dev, &s->mmio,
                                        EMK_SBLK_REG_DOORBELL, 4, &s->doorbell);
        if (ret < 0) {
            emk_sblk_cleanup(s);
            return ret;
        }
    }
    return 0;
}

void emk_sblk_cleanup(emk_sblk *s)
{
    emk_dev_del_ioeventfds(&s->dev);
    if (s->opt.ioeventfd && s->doorbell.rfd >= 0) {
        emk_loop_del_notifier(&s->doorbell);
        emk_notifier_cleanup(&s->doorbell);
    }
    emk_bh_cancel(&s->kick);
}
