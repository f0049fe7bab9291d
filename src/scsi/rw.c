/*
 * rw.c - READ and WRITE (6, 10, 12, 16) with the guest buffer mapped
 * straight into the block request, FUA, VERIFY (BYTCHK 0, 1 and 3, the
 * compare done against a bounce copy of the medium) and SYNCHRONIZE
 * CACHE.
 */
#include <stdlib.h>

#include "scsi_int.h"

enum { STEP_IO = 0, STEP_FLUSH = 1 };

static void submit_or_fail(emk_scsi_req *req)
{
    int ret = emk_blk_submit(req->lu->blk, &req->breq);

    if (ret < 0) {
        if (req->niov) {
            emk_dma_sg_unmap(req->dev, req->iov, req->niov, req->map_write);
            req->niov = 0;
        }
        free(req->bounce);
        req->bounce = NULL;
        emk_scsi_finish_errno(req, ret);
    }
}

static void prep(emk_scsi_req *req, emk_blk_op op,
                 void (*cb)(emk_blk_req *, int))
{
    memset(&req->breq, 0, sizeof(req->breq));
    req->breq.op = op;
    req->breq.cb = cb;
    req->breq.opaque = req;
    req->breq.loop = req->loop;
}

static void flush_done(emk_blk_req *br, int ret)
{
    emk_scsi_req *req = (emk_scsi_req *)br->opaque;

    emk_scsi_finish_errno(req, ret);
}

static void start_flush(emk_scsi_req *req)
{
    prep(req, EMK_BLK_FLUSH, flush_done);
    submit_or_fail(req);
}

static void rw_done(emk_blk_req *br, int ret)
{
    emk_scsi_req *req = (emk_scsi_req *)br->opaque;

    emk_dma_sg_unmap(req->dev, req->iov, req->niov, req->map_write);
    req->niov = 0;
    if (ret < 0) {
        emk_scsi_finish_errno(req, ret);
        return;
    }
    req->xfer = req->nblk << req->lu->block_shift;
    if (req->step == STEP_FLUSH) {
        start_flush(req);
        return;
    }
    emk_scsi_good(req);
}

/* Maps the first len bytes of the guest buffer into req->iov.  0, or
 * completes req (dma_error) and returns the error. */
static int map_prefix(emk_scsi_req *req, uint64_t len, int dev_writes)
{
    emk_sg_entry seg[EMK_SCSI_MAX_IOV];
    emk_sglist sub;
    const emk_sglist *d = req->data;
    unsigned i;
    int ret = 0;

    emk_sglist_init(&sub, seg, EMK_SCSI_MAX_IOV);
    for (i = 0; i < d->nsg && len; i++) {
        uint64_t n = d->sg[i].len < len ? d->sg[i].len : len;

        ret = emk_sglist_add(&sub, d->sg[i].addr, n);
        if (ret < 0)
            break;
        len -= n;
    }
    if (ret == 0)
        ret = emk_dma_sg_map(req->dev, &sub, req->iov, EMK_SCSI_MAX_IOV,
                             dev_writes);
    if (ret < 0) {
        req->dma_error = ret;
        emk_scsi_good(req);
        return ret;
    }
    req->niov = ret;
    req->map_write = dev_writes;
    return 0;
}

void emk_scsi_rw(emk_scsi_req *req)
{
    emk_scsi_lun *lu = req->lu;
    const uint8_t *cdb = req->cdb;
    uint64_t lba, count, bytes;
    int is_write = (cdb[0] & 0x0f) == 0x0a;
    int fua = cdb[0] != EMK_SCSI_READ_6 && cdb[0] != EMK_SCSI_WRITE_6 &&
              (cdb[1] & 0x08);

    req->is_write = is_write;
    (void)emk_scsi_decode_lba(cdb, req->cdb_len, &lba, &count);
    if (count > EMK_SCSI_MAX_XFER_BLOCKS) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_FIELD_CDB);
        return;
    }
    if (emk_scsi_check_range(req, lba, count) < 0)
        return;
    if (count == 0) {
        emk_scsi_good(req);
        return;
    }
    bytes = count << lu->block_shift;
    if (emk_scsi_buflen(req) < bytes) {
        req->overrun = 1;
        emk_scsi_good(req);
        return;
    }
    if (map_prefix(req, bytes, !is_write) < 0)
        return;
    req->lba = lba;
    req->nblk = count;
    req->step = (is_write && fua && lu->wce) ? STEP_FLUSH : STEP_IO;
    prep(req, is_write ? EMK_BLK_WRITE : EMK_BLK_READ, rw_done);
    req->breq.offset = lba << lu->block_shift;
    req->breq.iov = req->iov;
    req->breq.iovcnt = req->niov;
    submit_or_fail(req);
}

/* the medium is in req->bounce: compare it with the data-out buffer */
static void verify_read_done(emk_blk_req *br, int ret)
{
    emk_scsi_req *req = (emk_scsi_req *)br->opaque;
    uint32_t bs = req->lu->block_size, per = req->bounce_len;
    uint64_t total = req->nblk * bs, off, boff = 0;
    uint8_t chunk[4096];
    int mis = 0;

    if (ret < 0) {
        free(req->bounce);
        req->bounce = NULL;
        emk_scsi_finish_errno(req, ret);
        return;
    }
    /* BYTCHK 3: the guest sent one block, compared with every block */
    for (off = 0; off < total && !mis; off += bs) {
        uint64_t g = per == bs ? 0 : off;

        ret = emk_dma_sg_rw(req->dev, req->data, g, chunk, bs, 0);
        if (ret < 0) {
            req->dma_error = ret;
            break;
        }
        if (memcmp(chunk, req->bounce + boff, bs) != 0)
            mis = 1;
        boff += bs;
    }
    free(req->bounce);
    req->bounce = NULL;
    if (mis) {
        emk_scsi_check(req, EMK_SCSI_KEY_MISCOMPARE, EMK_SCSI_ASC_MISCOMPARE);
        return;
    }
    if (!req->dma_error)
        req->xfer = per == bs ? bs : total;
    emk_scsi_good(req);
}

void emk_scsi_verify(emk_scsi_req *req)
{
    emk_scsi_lun *lu = req->lu;
    uint64_t lba, count, want;
    unsigned bytchk = (req->cdb[1] >> 1) & 3;

    (void)emk_scsi_decode_lba(req->cdb, req->cdb_len, &lba, &count);
    if (bytchk == 2) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_FIELD_CDB);
        return;
    }
    if (emk_scsi_check_range(req, lba, count) < 0)
        return;
    if (bytchk == 0 || count == 0) {   /* medium check only: it is fine */
        emk_scsi_good(req);
        return;
    }
    if ((count << lu->block_shift) > EMK_SCSI_MAX_BOUNCE) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_FIELD_CDB);
        return;
    }
    want = bytchk == 3 ? lu->block_size : count << lu->block_shift;
    if (emk_scsi_buflen(req) < want) {
        req->overrun = 1;
        emk_scsi_good(req);
        return;
    }
    req->bounce = (uint8_t *)malloc((size_t)(count << lu->block_shift));
    if (!req->bounce) {
        emk_scsi_check(req, EMK_SCSI_KEY_HARDWARE_ERROR,
                       EMK_SCSI_ASC_INTERNAL_TARGET_FAILURE);
        return;
    }
    req->bounce_len = (uint32_t)want;
    req->nblk = count;
    prep(req, EMK_BLK_READ, verify_read_done);
    req->iov[0].iov_base = req->bounce;
    req->iov[0].iov_len = (size_t)(count << lu->block_shift);
    req->breq.offset = lba << lu->block_shift;
    req->breq.iov = req->iov;
    req->breq.iovcnt = 1;
    submit_or_fail(req);
}

void emk_scsi_sync_cache(emk_scsi_req *req)
{
    uint64_t lba, count;

    (void)emk_scsi_decode_lba(req->cdb, req->cdb_len, &lba, &count);
    if (emk_scsi_check_range(req, lba, count) < 0)
        return;
    req->is_write = 1;
    start_flush(req);
}
