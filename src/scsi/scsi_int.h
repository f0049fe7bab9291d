/*
 * scsi_int.h - private helpers of the SCSI core (src/scsi/), shared by its
 * files: one command family each (inquiry.c, mode.c, rw.c, ...).
 */
#ifndef EMKIT_SCSI_INT_H
#define EMKIT_SCSI_INT_H

#include <string.h>

#include "emkit/scsi.h"

#include "compat.h"

/* big-endian field helpers for CDBs and parameter data */
static inline uint32_t scsi_be24(const uint8_t *p)
{
    return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}

static inline void scsi_st_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Completes req with GOOD status (xfer as set). */
void emk_scsi_good(emk_scsi_req *req);

/* Completes req with CHECK CONDITION and sense key/asc. */
void emk_scsi_check(emk_scsi_req *req, unsigned key, unsigned asc);

/* Completes req: GOOD, or, for a negative errno from the block layer or
 * the bus, the matching sense (read/write error, write protected) or a
 * dma_error. */
void emk_scsi_finish_errno(emk_scsi_req *req, int err);

/* Copies up to len bytes of buf into the data-in buffer (truncated to
 * the buffer) and completes req: GOOD, or dma_error. */
void emk_scsi_reply(emk_scsi_req *req, const void *buf, uint64_t len);

/* Reads len bytes of the data-out buffer into buf.  0, -EOVERFLOW when
 * the buffer is shorter (req->overrun set), or the bus's errno (req
 * ->dma_error set).  Does not complete req. */
int emk_scsi_data_out(emk_scsi_req *req, void *buf, uint64_t len);

/* Bytes of the guest buffer (0 without one). */
uint64_t emk_scsi_buflen(const emk_scsi_req *req);

/* Takes the oldest pending unit attention of lu: its ASC/ASCQ, or 0. */
unsigned emk_scsi_take_ua(emk_scsi_lun *lu);

/* Command families (each completes req). */
void emk_scsi_inquiry(emk_scsi_req *req);
void emk_scsi_request_sense(emk_scsi_req *req);
void emk_scsi_mode_sense(emk_scsi_req *req);
void emk_scsi_mode_select(emk_scsi_req *req);
void emk_scsi_read_capacity(emk_scsi_req *req);
void emk_scsi_report_luns(emk_scsi_req *req, const emk_scsi_target *t);
void emk_scsi_rw(emk_scsi_req *req);
void emk_scsi_verify(emk_scsi_req *req);
void emk_scsi_sync_cache(emk_scsi_req *req);
void emk_scsi_unmap(emk_scsi_req *req);
void emk_scsi_write_same(emk_scsi_req *req);

/* Decodes the LBA and block count of a READ/WRITE/VERIFY/WRITE SAME/SYNC
 * CDB (6, 10, 12 or 16 bytes).  0 or -EINVAL (not such a CDB). */
int emk_scsi_decode_lba(const uint8_t *cdb, unsigned cdb_len, uint64_t *lba,
                        uint64_t *count);

/* 0 if [lba, lba + count) lies inside the LUN, else completes req with
 * LBA OUT OF RANGE and returns -ERANGE. */
int emk_scsi_check_range(emk_scsi_req *req, uint64_t lba, uint64_t count);

#endif
