/*
 * sgl.c - Scatter Gather Lists to an emk_sglist (NVMe 1.4 4.4): Data
 * Block, Segment and Last Segment descriptors (address subtype only).  A
 * Segment or Last Segment descriptor may only be the last descriptor of a
 * segment; a Last Segment's list holds no further segment descriptors;
 * segment lengths are non-zero multiples of 16.  Data beyond the command's
 * transfer length is ignored; too little is Data SGL Length Invalid.
 */
#include "nvme_int.h"

enum {
    SGL_DATA_BLOCK = 0, SGL_BIT_BUCKET = 1, SGL_SEGMENT = 2,
    SGL_LAST_SEGMENT = 3, SGL_CHUNK = 16
};

static uint16_t data_block(emk_sglist *l, const uint8_t *d, uint64_t *remaining)
{
    uint64_t addr = emk_le64(d), len = emk_le32(d + 8);
    int err;

    if (len > *remaining)
        len = *remaining;
    if (len == 0)
        return 0;
    err = emk_sglist_add(l, addr, len);
    if (err == -ENOSPC)
        return NVME_SC_SGL_INVALID_COUNT | NVME_SC_DNR;
    if (err)
        return NVME_SC_DATA_XFER_ERROR | NVME_SC_DNR;
    *remaining -= len;
    return 0;
}

uint16_t emk_nvme_map_sgl(nvme_ctrl *n, emk_sglist *l, const uint8_t *sgl1,
                      uint64_t len)
{
    uint64_t remaining = len, seg_addr, seg_len;
    unsigned budget = NVME_MAX_SGL_DESC, type = sgl1[15] >> 4;
    uint16_t st;
    int last;
    uint8_t buf[SGL_CHUNK * 16];

    if (sgl1[15] & 0xf)
        return NVME_SC_SGL_INVALID_TYPE | NVME_SC_DNR;
    if (type == SGL_DATA_BLOCK) {
        if ((st = data_block(l, sgl1, &remaining)) != 0)
            return st;
        return remaining ? (NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR) : 0;
    }
    if (type != SGL_SEGMENT && type != SGL_LAST_SEGMENT)
        return NVME_SC_SGL_INVALID_TYPE | NVME_SC_DNR;
    last = type == SGL_LAST_SEGMENT;
    seg_addr = emk_le64(sgl1);
    seg_len = emk_le32(sgl1 + 8);
    for (;;) {
        uint64_t ndesc, i, next_addr = 0, next_len = 0;
        int have_next = 0, next_last = 0;

        if (seg_len == 0 || seg_len % 16)
            return NVME_SC_SGL_INVALID_SEG | NVME_SC_DNR;
        ndesc = seg_len / 16;
        for (i = 0; i < ndesc; i++) {
            const uint8_t *d;
            unsigned t;

            if (budget-- == 0)
                return NVME_SC_SGL_INVALID_COUNT | NVME_SC_DNR;
            if (i % SGL_CHUNK == 0) {
                uint64_t cnt = ndesc - i < SGL_CHUNK ? ndesc - i : SGL_CHUNK;
                if (emk_dma_read(&n->dev, seg_addr + 16 * i, buf, cnt * 16))
                    return NVME_SC_DATA_XFER_ERROR | NVME_SC_DNR;
            }
            d = buf + 16 * (i % SGL_CHUNK);
            t = d[15] >> 4;
            if (d[15] & 0xf)
                return NVME_SC_SGL_INVALID_TYPE | NVME_SC_DNR;
            if (t == SGL_DATA_BLOCK) {
                if ((st = data_block(l, d, &remaining)) != 0)
                    return st;
            } else if (t == SGL_SEGMENT || t == SGL_LAST_SEGMENT) {
                if (last || i != ndesc - 1)
                    return NVME_SC_SGL_INVALID_SEG | NVME_SC_DNR;
                have_next = 1;
                next_last = t == SGL_LAST_SEGMENT;
                next_addr = emk_le64(d);
                next_len = emk_le32(d + 8);
            } else {
                return NVME_SC_SGL_INVALID_TYPE | NVME_SC_DNR;
            }
        }
        if (last)
            break;
        if (!have_next)
            return NVME_SC_SGL_INVALID_SEG | NVME_SC_DNR;
        seg_addr = next_addr;
        seg_len = next_len;
        last = next_last;
    }
    return remaining ? (NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR) : 0;
}
