/*
 * unmap.c - UNMAP (block descriptors issued one by one as discards) and
 * WRITE SAME (10 and 16): a zero block becomes one write-zeroes request,
 * any other block is written from a bounce buffer of repeats, chunk by
 * chunk.
 */
#include <stdlib.h>

#include "scsi_int.h"

enum { MAX_UNMAP_DESC = 64, MAX_WRITE_SAME = 0x400000 };

static void fail_errno(emk_scsi_req *req, int ret)
{
    free(req->bounce);
    req->bounce = NULL;
    emk_scsi_finish_errno(req, ret);
}

static void submit(emk_scsi_req *req, emk_blk_op op, uint64_t off,
                   uint64_t len, void (*cb)(emk_blk_req *, int))
{
    int ret;

    memset(&req->breq, 0, sizeof(req->breq));
    req->breq.op = op;
    req->breq.offset = off;
    req->breq.cb = cb;
    req->breq.opaque = req;
    req->breq.loop = req->loop;
    if (op == EMK_BLK_WRITE) {
        req->iov[0].iov_base = req->bounce;
        req->iov[0].iov_len = (size_t)len;
        req->breq.iov = req->iov;
        req->breq.iovcnt = 1;
    } else {
        req->breq.len = len;
    }
    ret = emk_blk_submit(req->lu->blk, &req->breq);
    if (ret < 0)
        fail_errno(req, ret);
}

/* issues UNMAP descriptor req->step, or completes */
static void unmap_next(emk_scsi_req *req);

static void unmap_done(emk_blk_req *br, int ret)
{
    emk_scsi_req *req = (emk_scsi_req *)br->opaque;

    if (ret < 0 && ret != -ENOTSUP && ret != -EOPNOTSUPP) {
        fail_errno(req, ret);
        return;
    }
    req->step++;
    unmap_next(req);
}

static void unmap_next(emk_scsi_req *req)
{
    unsigned shift = req->lu->block_shift;

    while (req->step < req->nsteps) {
        const uint8_t *d = req->bounce + 8 + 16 * req->step;
        uint64_t lba = emk_be64(d), n = emk_be32(d + 8);

        if (n) {
            submit(req, EMK_BLK_DISCARD, lba << shift, n << shift, unmap_done);
            return;
        }
        req->step++;
    }
    free(req->bounce);
    req->bounce = NULL;
    emk_scsi_good(req);
}

void emk_scsi_unmap(emk_scsi_req *req)
{
    unsigned len = emk_be16(req->cdb + 7), bdlen, i;
    uint8_t *p;

    req->is_write = 1;
    if (len == 0) {
        emk_scsi_good(req);
        return;
    }
    if (len < 8) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_PARAM_LIST_LENGTH);
        return;
    }
    if (len > 8 + 16 * MAX_UNMAP_DESC)
        len = 8 + 16 * MAX_UNMAP_DESC + 16; /* more descriptors: refused below */
    p = (uint8_t *)malloc(len);
    if (!p) {
        emk_scsi_check(req, EMK_SCSI_KEY_HARDWARE_ERROR,
                       EMK_SCSI_ASC_INTERNAL_TARGET_FAILURE);
        return;
    }
    if (emk_scsi_data_out(req, p, len) < 0) {
        free(p);
        emk_scsi_good(req);     /* overrun / dma_error */
        return;
    }
    bdlen = emk_be16(p + 2);
    if (bdlen % 16 || bdlen > len - 8 || bdlen / 16 > MAX_UNMAP_DESC) {
        free(p);
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_FIELD_PARAM);
        return;
    }
    for (i = 0; i < bdlen / 16; i++) {
        const uint8_t *d = p + 8 + 16 * i;
        uint64_t lba = emk_be64(d), n = emk_be32(d + 8);

        if (lba > req->lu->nblocks || n > req->lu->nblocks - lba) {
            free(p);
            emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                           EMK_SCSI_ASC_LBA_OUT_OF_RANGE);
            return;
        }
    }
    req->bounce = p;
    req->step = 0;
    req->nsteps = bdlen / 16;
    unmap_next(req);
}

/* WRITE SAME of a non-zero block: chunk req->done_blk.. of req->nblk */
static void ws_next(emk_scsi_req *req);

static void ws_done(emk_blk_req *br, int ret)
{
    emk_scsi_req *req = (emk_scsi_req *)br->opaque;

    if (ret < 0) {
        fail_errno(req, ret);
        return;
    }
    ws_next(req);
}

static void ws_next(emk_scsi_req *req)
{
    unsigned shift = req->lu->block_shift;
    uint64_t left = req->nblk - req->done_blk, n = req->bounce_len >> shift;

    if (!left) {
        free(req->bounce);
        req->bounce = NULL;
        emk_scsi_good(req);
        return;
    }
    if (n > left)
        n = left;
    req->done_blk += n;
    submit(req, EMK_BLK_WRITE, (req->lba + req->done_blk - n) << shift,
           n << shift, ws_done);
}

static void zeroes_done(emk_blk_req *br, int ret)
{
    fail_errno((emk_scsi_req *)br->opaque, ret);
}

void emk_scsi_write_same(emk_scsi_req *req)
{
    emk_scsi_lun *lu = req->lu;
    uint64_t lba, count, chunk, i;
    int ndob = req->cdb[1] & 0x01, zero = 1;
    uint32_t bs = lu->block_size;
    uint8_t *p;

    req->is_write = 1;
    (void)emk_scsi_decode_lba(req->cdb, req->cdb_len, &lba, &count);
    if (req->cdb[0] == EMK_SCSI_WRITE_SAME_10 && ndob) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_FIELD_CDB);
        return;
    }
    if (count == 0 && lba <= lu->nblocks)
        count = lu->nblocks - lba;      /* 0: to the end of the medium */
    if (count > MAX_WRITE_SAME) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_FIELD_CDB);
        return;
    }
    if (emk_scsi_check_range(req, lba, count) < 0)
        return;
    chunk = count << lu->block_shift;
    if (chunk > EMK_SCSI_MAX_BOUNCE)
        chunk = EMK_SCSI_MAX_BOUNCE;
    if (chunk < bs)
        chunk = bs;
    p = (uint8_t *)calloc(1, (size_t)chunk);
    if (!p) {
        emk_scsi_check(req, EMK_SCSI_KEY_HARDWARE_ERROR,
                       EMK_SCSI_ASC_INTERNAL_TARGET_FAILURE);
        return;
    }
    if (!ndob && emk_scsi_data_out(req, p, bs) < 0) {
        free(p);
        emk_scsi_good(req);             /* overrun / dma_error */
        return;
    }
    for (i = 0; i < bs && zero; i++)
        zero = p[i] == 0;
    req->bounce = p;
    req->bounce_len = (uint32_t)chunk;
    req->lba = lba;
    req->nblk = count;
    req->done_blk = 0;
    if (count == 0) {
        fail_errno(req, 0);
        return;
    }
    if (zero) {
        submit(req, EMK_BLK_WRITE_ZEROES, lba << lu->block_shift,
               count << lu->block_shift, zeroes_done);
        return;
    }
    for (i = bs; i < chunk; i += bs)
        memcpy(p + i, p, bs);
    ws_next(req);
}
