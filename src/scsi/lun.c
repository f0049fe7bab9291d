/*
 * lun.c - SCSI targets, disk LUNs and command dispatch: LUN addressing,
 * unit attentions, then the command families in the other files.
 */
#include <stdio.h>

#include "scsi_int.h"
#include "trace_int.h"

static emk_trace_event ev_scsi_cmd = EMK_TRACE_EVENT_INIT("scsi_cmd");
static emk_trace_event ev_scsi_done = EMK_TRACE_EVENT_INIT("scsi_done");

void emk_scsi_target_init(emk_scsi_target *t, unsigned id)
{
    memset(t, 0, sizeof(*t));
    t->id = id;
}

int emk_scsi_target_attach(emk_scsi_target *t, unsigned lun, emk_scsi_lun *lu)
{
    if (!t || !lu || lun >= EMK_SCSI_MAX_LUNS)
        return -EINVAL;
    if (t->lun[lun])
        return -EBUSY;
    lu->id = t->id;
    lu->lun = lun;
    if (!lu->opt.serial)
        snprintf(lu->serial, sizeof(lu->serial), "EMK%04u%04u", t->id, lun);
    t->lun[lun] = lu;
    return 0;
}

void emk_scsi_target_detach(emk_scsi_target *t, unsigned lun)
{
    if (t && lun < EMK_SCSI_MAX_LUNS)
        t->lun[lun] = NULL;
}

unsigned emk_scsi_target_luns(const emk_scsi_target *t)
{
    unsigned i, n = 0;

    for (i = 0; i < EMK_SCSI_MAX_LUNS; i++)
        n += t->lun[i] != NULL;
    return n;
}

void emk_scsi_target_reset(emk_scsi_target *t, int kind)
{
    unsigned i;

    for (i = 0; i < EMK_SCSI_MAX_LUNS; i++) {
        emk_scsi_lun *lu = t->lun[i];

        if (!lu)
            continue;
        lu->ua |= kind == EMK_SCSI_RESET_DEVICE ? EMK_SCSI_UA_DEVICE_RESET
                                                : EMK_SCSI_UA_POWER_ON;
        lu->stopped = 0;
    }
}

/* copies s into a field of n characters (plus NUL), space padded */
static void pad_copy(char *dst, const char *s, size_t n)
{
    size_t l = strlen(s);

    if (l > n)
        l = n;
    memset(dst, ' ', n);
    memcpy(dst, s, l);
    dst[n] = 0;
}

int emk_scsi_disk_init(emk_scsi_lun *lu, emk_blk *blk,
                       const emk_scsi_disk_options *opt)
{
    uint32_t bs;

    if (!lu || !blk)
        return -EINVAL;
    memset(lu, 0, sizeof(*lu));
    if (opt)
        lu->opt = *opt;
    bs = lu->opt.block_size ? lu->opt.block_size : 512;
    if (bs != 512 && bs != 4096)
        return -EINVAL;
    if (emk_blk_size(blk) < bs)
        return -EINVAL;
    lu->blk = blk;
    lu->block_size = bs;
    lu->block_shift = bs == 512 ? 9 : 12;
    lu->nblocks = emk_blk_size(blk) >> lu->block_shift;
    lu->wce = lu->opt.write_cache;
    lu->ua = EMK_SCSI_UA_POWER_ON;
    pad_copy(lu->vendor, lu->opt.vendor ? lu->opt.vendor : "EMKIT", 8);
    pad_copy(lu->product, lu->opt.product ? lu->opt.product : "EMKIT DISK", 16);
    pad_copy(lu->revision, lu->opt.revision ? lu->opt.revision : "1.0", 4);
    if (lu->opt.serial) {
        size_t l = strlen(lu->opt.serial);

        if (l >= sizeof(lu->serial))
            l = sizeof(lu->serial) - 1;
        memcpy(lu->serial, lu->opt.serial, l);
        lu->serial[l] = 0;
    }
    return 0;
}

void emk_scsi_lun_resized(emk_scsi_lun *lu)
{
    uint64_t n = emk_blk_size(lu->blk) >> lu->block_shift;

    if (n != lu->nblocks) {
        lu->nblocks = n;
        lu->ua |= EMK_SCSI_UA_CAPACITY;
    }
}

void emk_scsi_build_sense(uint8_t *sense, unsigned key, unsigned asc)
{
    memset(sense, 0, EMK_SCSI_SENSE_LEN);
    sense[0] = 0x70;                /* current error, fixed format */
    sense[2] = (uint8_t)(key & 0xf);
    sense[7] = EMK_SCSI_SENSE_LEN - 8;
    sense[12] = (uint8_t)(asc >> 8);
    sense[13] = (uint8_t)asc;
}

static void scsi_complete(emk_scsi_req *req)
{
    if (req->lu)
        req->lu->inflight--;
    EMK_TRACE(ev_scsi_done, "op=0x%02x lun=%u status=%u key=%u asc=0x%04x "
              "xfer=%llu dma=%d", req->cdb[0], req->lun, req->status,
              req->sense_len ? req->sense[2] : 0u,
              req->sense_len ? (unsigned)(req->sense[12] << 8 | req->sense[13]) : 0u,
              (unsigned long long)req->xfer, req->dma_error);
    req->done(req);
}

void emk_scsi_good(emk_scsi_req *req)
{
    req->status = EMK_SCSI_GOOD;
    req->sense_len = 0;
    scsi_complete(req);
}

void emk_scsi_check(emk_scsi_req *req, unsigned key, unsigned asc)
{
    req->status = EMK_SCSI_CHECK_CONDITION;
    emk_scsi_build_sense(req->sense, key, asc);
    req->sense_len = EMK_SCSI_SENSE_LEN;
    scsi_complete(req);
}

void emk_scsi_finish_errno(emk_scsi_req *req, int err)
{
    if (err == 0) {
        emk_scsi_good(req);
    } else if (err == -EROFS) {
        emk_scsi_check(req, EMK_SCSI_KEY_DATA_PROTECT, EMK_SCSI_ASC_WRITE_PROTECTED);
    } else if (err == -ERANGE) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_LBA_OUT_OF_RANGE);
    } else if (err == -ENOTSUP || err == -EOPNOTSUPP || err == -ENOSYS) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_OPCODE);
    } else {
        emk_scsi_check(req, EMK_SCSI_KEY_MEDIUM_ERROR,
                       req->is_write ? EMK_SCSI_ASC_WRITE_ERROR
                                     : EMK_SCSI_ASC_READ_ERROR);
    }
}

uint64_t emk_scsi_buflen(const emk_scsi_req *req)
{
    return req->data ? req->data->total : 0;
}

void emk_scsi_reply(emk_scsi_req *req, const void *buf, uint64_t len)
{
    uint64_t n = emk_scsi_buflen(req);
    int ret;

    if (n > len)
        n = len;
    if (n) {
        ret = emk_dma_sg_rw(req->dev, req->data, 0, (void *)buf, n, 1);
        if (ret < 0) {
            req->dma_error = ret;
            emk_scsi_good(req); /* the HBA reports dma_error */
            return;
        }
    }
    req->xfer = n;
    emk_scsi_good(req);
}

int emk_scsi_data_out(emk_scsi_req *req, void *buf, uint64_t len)
{
    int ret;

    if (emk_scsi_buflen(req) < len) {
        req->overrun = 1;
        return -EOVERFLOW;
    }
    if (!len)
        return 0;
    ret = emk_dma_sg_rw(req->dev, req->data, 0, buf, len, 0);
    if (ret < 0) {
        req->dma_error = ret;
        return ret;
    }
    req->xfer = len;
    return 0;
}

/* The opcodes that neither report nor clear a unit attention. */
static int ua_exempt(uint8_t op)
{
    return op == EMK_SCSI_INQUIRY || op == EMK_SCSI_REPORT_LUNS ||
           op == EMK_SCSI_REQUEST_SENSE;
}

unsigned emk_scsi_take_ua(emk_scsi_lun *lu)
{
    if (lu->ua & EMK_SCSI_UA_POWER_ON) {
        lu->ua &= ~(unsigned)(EMK_SCSI_UA_POWER_ON | EMK_SCSI_UA_DEVICE_RESET);
        return EMK_SCSI_ASC_POWER_ON_RESET;
    }
    if (lu->ua & EMK_SCSI_UA_DEVICE_RESET) {
        lu->ua &= ~(unsigned)EMK_SCSI_UA_DEVICE_RESET;
        return EMK_SCSI_ASC_BUS_DEVICE_RESET;
    }
    if (lu->ua & EMK_SCSI_UA_CAPACITY) {
        lu->ua &= ~(unsigned)EMK_SCSI_UA_CAPACITY;
        return EMK_SCSI_ASC_CAPACITY_CHANGED;
    }
    if (lu->ua & EMK_SCSI_UA_MODE) {
        lu->ua &= ~(unsigned)EMK_SCSI_UA_MODE;
        return EMK_SCSI_ASC_MODE_PARAMS_CHANGED;
    }
    return 0;
}

/* Reports and clears the oldest pending unit attention (1), or 0. */
static int report_ua(emk_scsi_req *req)
{
    unsigned asc = emk_scsi_take_ua(req->lu);

    if (!asc)
        return 0;
    emk_scsi_check(req, EMK_SCSI_KEY_UNIT_ATTENTION, asc);
    return 1;
}

/* INQUIRY, REPORT LUNS and REQUEST SENSE to a LUN that does not exist */
static void absent_lun(emk_scsi_req *req, const emk_scsi_target *t)
{
    uint8_t buf[36];

    switch (req->cdb[0]) {
    case EMK_SCSI_INQUIRY:
        if (req->cdb[1] & 1) {   /* no VPD for an absent LUN */
            emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                           EMK_SCSI_ASC_LUN_NOT_SUPPORTED);
            return;
        }
        memset(buf, 0, sizeof(buf));
        buf[0] = 0x7f;           /* qualifier 3, type 0x1f: not supported */
        buf[2] = 0x05;
        buf[3] = 0x02;
        buf[4] = sizeof(buf) - 5;
        emk_scsi_reply(req, buf, (uint64_t)emk_be16(req->cdb + 3) < sizeof(buf)
                                     ? emk_be16(req->cdb + 3) : sizeof(buf));
        return;
    case EMK_SCSI_REPORT_LUNS:
        emk_scsi_report_luns(req, t);
        return;
    case EMK_SCSI_REQUEST_SENSE: {
        uint8_t s[EMK_SCSI_SENSE_LEN];

        emk_scsi_build_sense(s, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                             EMK_SCSI_ASC_LUN_NOT_SUPPORTED);
        emk_scsi_reply(req, s, req->cdb[4] < sizeof(s) ? req->cdb[4] : sizeof(s));
        return;
    }
    default:
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_LUN_NOT_SUPPORTED);
    }
}

void emk_scsi_submit(emk_scsi_target *t, emk_scsi_req *req)
{
    uint8_t op = req->cdb[0];

    req->status = EMK_SCSI_GOOD;
    req->sense_len = 0;
    req->xfer = 0;
    req->overrun = 0;
    req->dma_error = 0;
    req->niov = 0;
    req->bounce = NULL;
    req->is_write = 0;
    req->lu = NULL;
    EMK_TRACE(ev_scsi_cmd, "target=%u lun=%u op=0x%02x len=%u buf=%llu",
              t->id, req->lun, op, req->cdb_len,
              (unsigned long long)emk_scsi_buflen(req));
    if (req->cdb_len == 0 || req->cdb_len > EMK_SCSI_CDB_MAX ||
        (emk_scsi_cdb_len(op) && req->cdb_len < emk_scsi_cdb_len(op))) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_OPCODE);
        return;
    }
    if (req->lun >= EMK_SCSI_MAX_LUNS || !t->lun[req->lun]) {
        absent_lun(req, t);
        return;
    }
    req->lu = t->lun[req->lun];
    req->lu->inflight++;
    if (!ua_exempt(op) && report_ua(req))
        return;
    switch (op) {
    case EMK_SCSI_TEST_UNIT_READY:
    case EMK_SCSI_SEND_DIAGNOSTIC:
    case EMK_SCSI_PREVENT_ALLOW:
        emk_scsi_good(req);
        return;
    case EMK_SCSI_START_STOP_UNIT:
        if ((req->cdb[4] & 0xf0) == 0)      /* POWER CONDITION 0: START bit */
            req->lu->stopped = !(req->cdb[4] & 1);
        emk_scsi_good(req);
        return;
    case EMK_SCSI_REQUEST_SENSE:
        emk_scsi_request_sense(req);
        return;
    case EMK_SCSI_INQUIRY:
        emk_scsi_inquiry(req);
        return;
    case EMK_SCSI_REPORT_LUNS:
        emk_scsi_report_luns(req, t);
        return;
    case EMK_SCSI_MODE_SENSE_6:
    case EMK_SCSI_MODE_SENSE_10:
        emk_scsi_mode_sense(req);
        return;
    case EMK_SCSI_MODE_SELECT_6:
    case EMK_SCSI_MODE_SELECT_10:
        emk_scsi_mode_select(req);
        return;
    case EMK_SCSI_READ_CAPACITY_10:
        emk_scsi_read_capacity(req);
        return;
    case EMK_SCSI_SERVICE_ACTION_IN_16:
        if ((req->cdb[1] & 0x1f) == EMK_SCSI_SAI_READ_CAPACITY_16) {
            emk_scsi_read_capacity(req);
            return;
        }
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_FIELD_CDB);
        return;
    case EMK_SCSI_READ_6: case EMK_SCSI_READ_10:
    case EMK_SCSI_READ_12: case EMK_SCSI_READ_16:
    case EMK_SCSI_WRITE_6: case EMK_SCSI_WRITE_10:
    case EMK_SCSI_WRITE_12: case EMK_SCSI_WRITE_16:
        emk_scsi_rw(req);
        return;
    case EMK_SCSI_VERIFY_10: case EMK_SCSI_VERIFY_12: case EMK_SCSI_VERIFY_16:
        emk_scsi_verify(req);
        return;
    case EMK_SCSI_SYNCHRONIZE_CACHE_10:
    case EMK_SCSI_SYNCHRONIZE_CACHE_16:
        emk_scsi_sync_cache(req);
        return;
    case EMK_SCSI_UNMAP:
        emk_scsi_unmap(req);
        return;
    case EMK_SCSI_WRITE_SAME_10:
    case EMK_SCSI_WRITE_SAME_16:
        emk_scsi_write_same(req);
        return;
    default:
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_OPCODE);
    }
}
