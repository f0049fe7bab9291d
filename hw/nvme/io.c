/*
 * io.c - the NVM command set (NVMe 1.4 6.x): Read, Write, Flush, Write
 * Zeroes, Dataset Management (deallocate) and Compare, submitted
 * asynchronously to the namespace's block backend.  Read and write data
 * go zero-copy: the PRP/SGL list is mapped straight into the request's
 * iovec.  Compare and DSM use the SQ's scratch buffer (one at a time per
 * queue; the queue waits while it is busy).
 */
#include "nvme_int.h"

static void io_done(emk_blk_req *b, int ret);

static void stat_add(uint64_t *p, uint64_t v)
{
    nvme_stat(p, v);
}

static uint16_t submit(nvme_req *r, emk_blk_op op, uint64_t off,
                       struct iovec *iov, int iovcnt, uint64_t len)
{
    emk_blk_req *b = &r->breq;
    int err;

    b->op = op;
    b->offset = off;
    b->iov = iov;
    b->iovcnt = iovcnt;
    b->len = len;
    b->cb = io_done;
    b->opaque = r;
    b->loop = r->sq->loop;
    err = emk_blk_submit(r->ns->blk, b);
    if (err == -EROFS)
        return NVME_SC_NS_WRITE_PROTECTED | NVME_SC_DNR;
    if (err)
        return NVME_SC_INTERNAL;
    return 0;
}

static uint16_t check_range(nvme_req *r, uint64_t slba, uint64_t nlb)
{
    r->slba = slba;
    if (slba > r->ns->nlbas || nlb > r->ns->nlbas - slba)
        return NVME_SC_LBA_RANGE | NVME_SC_DNR;
    return 0;
}

static void release_scratch(nvme_req *r)
{
    if (r->uses_scratch) {
        r->uses_scratch = 0;
        r->sq->scratch_busy = 0;
        emk_bh_schedule(&r->sq->bh);  /* the queue may be waiting for it */
    }
}

/* SLBA/NLB of a data command: range check, then its PRPs or SGL. */
static uint16_t data_cmd_prepare(nvme_req *r, uint64_t *slba, uint64_t *len)
{
    const nvme_cmd *c = &r->cmd;
    uint64_t nlb = (c->cdw12 & 0xffff) + 1;
    uint16_t st;

    *slba = ((uint64_t)c->cdw11 << 32) | c->cdw10;
    if ((st = check_range(r, *slba, nlb)) != 0)
        return st;
    *len = nlb << r->ns->lba_shift;
    return emk_nvme_map_data(r, *len, 1);
}

static uint16_t do_rw(nvme_req *r)
{
    nvme_ctrl *n = r->sq->n;
    uint64_t slba, len;
    int is_read = r->cmd.opcode == NVME_CMD_READ, cnt;
    uint16_t st;

    if ((st = data_cmd_prepare(r, &slba, &len)) != 0)
        return st;
    cnt = emk_dma_sg_map(&n->dev, &r->sgl, r->iov, NVME_MAX_SGE, is_read);
    if (cnt < 0)
        return cnt == -ENOSPC ? NVME_SC_INTERNAL
                              : (NVME_SC_DATA_XFER_ERROR | NVME_SC_DNR);
    r->mapped = 1;
    r->niov = cnt;
    r->nbytes = len;
    st = submit(r, is_read ? EMK_BLK_READ : EMK_BLK_WRITE,
                slba << r->ns->lba_shift, r->iov, cnt, len);
    if (st) {
        emk_dma_sg_unmap(&n->dev, r->iov, cnt, is_read);
        r->mapped = 0;
        return st;
    }
    if (is_read) {
        stat_add(&n->host_reads, 1);
        stat_add(&n->units_read, len >> 9);
    } else {
        stat_add(&n->host_writes, 1);
        stat_add(&n->units_written, len >> 9);
    }
    return 0;
}

static uint16_t do_write_zeroes(nvme_req *r)
{
    const nvme_cmd *c = &r->cmd;
    uint64_t slba = ((uint64_t)c->cdw11 << 32) | c->cdw10;
    uint64_t nlb = (c->cdw12 & 0xffff) + 1;
    uint16_t st;

    if ((st = check_range(r, slba, nlb)) != 0)
        return st;
    return submit(r, EMK_BLK_WRITE_ZEROES, slba << r->ns->lba_shift, NULL, 0,
                  nlb << r->ns->lba_shift);
}

/* Flush: one namespace, or every namespace for NSID FFFFFFFFh. */
static uint16_t flush_step(nvme_req *r, int *done)
{
    nvme_ctrl *n = r->sq->n;

    *done = 0;
    if (r->cmd.nsid != 0xffffffff) {
        if (r->step++) {
            *done = 1;
            return 0;
        }
        return submit(r, EMK_BLK_FLUSH, 0, NULL, 0, 0);
    }
    while (r->step < n->nns && !n->ns[r->step].blk)
        r->step++;
    if (r->step >= n->nns) {
        *done = 1;
        return 0;
    }
    r->ns = &n->ns[r->step++];
    return submit(r, EMK_BLK_FLUSH, 0, NULL, 0, 0);
}

/* DSM: next deallocate range from the scratch copy, or 0 when done
 * (done is set). */
static uint16_t dsm_step(nvme_req *r, int *done)
{
    unsigned nr = (r->cmd.cdw10 & 0xff) + 1;

    *done = 0;
    while (r->step < nr) {
        const uint8_t *rg = r->sq->scratch + 16 * r->step;
        uint64_t nlb = emk_le32(rg + 4), slba = emk_le64(rg + 8);
        uint16_t st;

        r->step++;
        if (nlb == 0)
            continue;
        if ((st = check_range(r, slba, nlb)) != 0)
            return st;
        /* zeroes rather than a discard: DLFEAT promises deallocated
         * blocks read back as zeroes, whatever the backend does */
        return submit(r, EMK_BLK_WRITE_ZEROES, slba << r->ns->lba_shift,
                      NULL, 0, nlb << r->ns->lba_shift);
    }
    *done = 1;
    return 0;
}

static uint16_t do_dsm(nvme_req *r, int *async)
{
    nvme_ctrl *n = r->sq->n;
    unsigned nr = (r->cmd.cdw10 & 0xff) + 1, i;
    uint64_t len = 16ull * nr;
    uint16_t st;
    int done;

    *async = 0;
    if (!(r->cmd.cdw11 & 0x4))
        return 0;                      /* only deallocate has an effect */
    if ((st = emk_nvme_map_data(r, len, 1)) != 0)
        return st;
    r->sq->scratch_busy = 1;
    r->uses_scratch = 1;
    if (emk_dma_sg_rw(&n->dev, &r->sgl, 0, r->sq->scratch, len, 0))
        return NVME_SC_DATA_XFER_ERROR | NVME_SC_DNR;
    for (i = 0; i < nr; i++) {        /* validate every range first */
        const uint8_t *rg = r->sq->scratch + 16 * i;
        if ((st = check_range(r, emk_le64(rg + 8), emk_le32(rg + 4))) != 0)
            return st;
    }
    st = dsm_step(r, &done);
    *async = !st && !done;
    return st;
}

static uint16_t do_compare(nvme_req *r)
{
    uint64_t slba, len;
    uint16_t st;

    if ((st = data_cmd_prepare(r, &slba, &len)) != 0)
        return st;
    r->sq->scratch_busy = 1;
    r->uses_scratch = 1;
    r->nbytes = len;
    r->iov[0].iov_base = r->sq->scratch;
    r->iov[0].iov_len = (size_t)len;
    return submit(r, EMK_BLK_READ, slba << r->ns->lba_shift, r->iov, 1, len);
}

static void finish(nvme_req *r, uint16_t st)
{
    release_scratch(r);
    r->status = st;
    emk_nvme_complete(r);
}

static void io_done(emk_blk_req *b, int ret)
{
    nvme_req *r = b->opaque;
    nvme_ctrl *n = r->sq->n;
    uint16_t st = 0;
    int done;

    if (r->mapped) {
        emk_dma_sg_unmap(&n->dev, r->iov, r->niov,
                         r->cmd.opcode == NVME_CMD_READ);
        r->mapped = 0;
    }
    if (ret < 0) {
        st = r->cmd.opcode == NVME_CMD_READ || r->cmd.opcode == NVME_CMD_COMPARE
                 ? NVME_SC_READ_ERROR : NVME_SC_WRITE_FAULT;
        finish(r, st);
        return;
    }
    switch (r->cmd.opcode) {
    case NVME_CMD_FLUSH:
        st = flush_step(r, &done);
        if (!st && !done)
            return;                    /* next namespace submitted */
        break;
    case NVME_CMD_DSM:
        st = dsm_step(r, &done);
        if (!st && !done)
            return;
        break;
    case NVME_CMD_COMPARE: {
        uint8_t *host = r->sq->scratch + EMK_NVME_MAX_XFER;
        if (emk_dma_sg_rw(&n->dev, &r->sgl, 0, host, r->nbytes, 0))
            st = NVME_SC_DATA_XFER_ERROR | NVME_SC_DNR;
        else if (memcmp(host, r->sq->scratch, (size_t)r->nbytes) != 0)
            st = NVME_SC_COMPARE_FAILED | NVME_SC_DNR;
        break;
    }
    default:
        break;
    }
    finish(r, st);
}

void emk_nvme_io_exec(nvme_req *r)
{
    nvme_ctrl *n = r->sq->n;
    const nvme_cmd *c = &r->cmd;
    uint16_t st;
    int async = 1;

    r->slba = 0;
    if (c->flags & 3) {
        st = NVME_SC_INVALID_FIELD | NVME_SC_DNR;
        goto out;
    }
    if (c->opcode == NVME_CMD_FLUSH && c->nsid == 0xffffffff) {
        int done;
        st = flush_step(r, &done);
        async = !done;
        goto out;
    }
    r->ns = emk_nvme_ns_get(n, c->nsid);
    if (!r->ns) {
        st = NVME_SC_INVALID_NS | NVME_SC_DNR;
        goto out;
    }
    switch (c->opcode) {
    case NVME_CMD_FLUSH: {
        int done;
        st = flush_step(r, &done);
        break;
    }
    case NVME_CMD_READ:
    case NVME_CMD_WRITE: st = do_rw(r); break;
    case NVME_CMD_WRITE_ZEROES: st = do_write_zeroes(r); break;
    case NVME_CMD_DSM: st = do_dsm(r, &async); break;
    case NVME_CMD_COMPARE: st = do_compare(r); break;
    default: st = NVME_SC_INVALID_OPCODE | NVME_SC_DNR; break;
    }
out:
    if (st || !async)
        finish(r, st);
}
