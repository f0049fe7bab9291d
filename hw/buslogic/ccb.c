/*
 * ccb.c - command control blocks: fetch and check a CCB (32-bit layout of
 * Linux's struct blogic_ccb, or the 24-bit one), gather its data buffer
 * (direct or through a scatter-gather list), hand the CDB to the SCSI
 * core, and on completion write host and target status, the residual and
 * the autosense data back before the incoming mailbox.
 */
#include "bl_int.h"
#include "trace_int.h"

static emk_trace_event ev_bl_ccb = EMK_TRACE_EVENT_INIT("buslogic_ccb");
static emk_trace_event ev_bl_drop = EMK_TRACE_EVENT_INIT("buslogic_drop");

enum { DIR_NONE = 3, SG_CHUNK = 64 };

int emk_bl_slot_free(const bl_state *st)
{
    unsigned i;

    for (i = 0; i < EMK_BUSLOGIC_SLOTS; i++)
        if (!st->slot[i].in_use)
            return 1;
    return 0;
}

static bl_slot *slot_get(bl_state *st)
{
    unsigned i;

    for (i = 0; i < EMK_BUSLOGIC_SLOTS; i++) {
        if (!st->slot[i].in_use) {
            bl_slot *sl = &st->slot[i];

            sl->in_use = 1;
            sl->dropped = sl->aborted = 0;
            sl->gen = st->gen;
            return sl;
        }
    }
    return NULL;
}

/* ends a CCB that never reached the SCSI core: status into the CCB (if it
 * can be written) and an incoming mailbox */
static void fail(bl_state *st, uint32_t ccb, uint8_t hs, uint8_t ts,
                 uint8_t comp)
{
    uint8_t b[2];

    b[0] = hs;
    b[1] = ts;
    (void)emk_dma_write(&st->s->dev, (uint64_t)ccb + 14, b, 2);
    if (hs != EMK_BUSLOGIC_HS_OK)
        st->stats.ccb_errors++;
    emk_bl_post(st, ccb, hs, ts, comp);
}

/* Reads the scatter-gather list of n entries at addr into sl->sgl.
 * 0 or -EINVAL. */
static int read_sg(bl_state *st, bl_slot *sl, uint32_t addr, uint32_t n)
{
    unsigned esz = st->mbox_wide ? 8u : 6u, i, k;
    uint8_t buf[SG_CHUNK * 8];
    uint32_t done = 0;

    while (done < n) {
        k = n - done < SG_CHUNK ? n - done : SG_CHUNK;
        if (emk_dma_read(&st->s->dev, (uint64_t)addr + (uint64_t)done * esz,
                         buf, (uint64_t)k * esz) < 0)
            return -EINVAL;
        for (i = 0; i < k; i++) {
            const uint8_t *e = buf + i * esz;
            uint32_t len, a;

            if (st->mbox_wide) {
                len = emk_le32(e);
                a = emk_le32(e + 4);
            } else {
                len = (uint32_t)e[0] << 16 | (uint32_t)e[1] << 8 | e[2];
                a = (uint32_t)e[3] << 16 | (uint32_t)e[4] << 8 | e[5];
            }
            if (len && emk_sglist_add(&sl->sgl, a, len) < 0)
                return -EINVAL;
        }
        done += k;
    }
    return 0;
}

static void slot_done(emk_scsi_req *req);

/* the parsed fields of a CCB */
typedef struct bl_ccb_fields {
    uint8_t opcode, dir, cdblen, senselen, target, lun;
    uint32_t datalen, data, sense;
    uint8_t cdb[BL_CDB_MAX];
} bl_ccb_fields;

/* fetches and decodes the CCB at addr; 0 or -EFAULT */
static int fetch(bl_state *st, uint32_t addr, bl_ccb_fields *f)
{
    uint8_t b[BL_CCB32];

    memset(f, 0, sizeof(*f));
    if (st->mbox_wide) {
        if (emk_dma_read(&st->s->dev, addr, b, BL_CCB32) < 0)
            return -EFAULT;
        f->opcode = b[0];
        f->dir = (b[1] >> 3) & 3;
        f->cdblen = b[2];
        f->senselen = b[3];
        f->datalen = emk_le32(b + 4);
        f->data = emk_le32(b + 8);
        f->target = b[16];
        f->lun = b[17] & (st->ext_lun ? 0x3f : 0x07);
        memcpy(f->cdb, b + 18, BL_CDB_MAX);
        f->sense = emk_le32(b + 36);
        return 0;
    }
    if (emk_dma_read(&st->s->dev, addr, b, BL_CCB24 + BL_CDB_MAX) < 0)
        return -EFAULT;
    f->opcode = b[0];
    f->target = b[1] >> 5;
    f->dir = (b[1] >> 3) & 3;
    f->lun = b[1] & 7;
    f->cdblen = b[2];
    f->senselen = b[3];
    f->datalen = (uint32_t)b[4] << 16 | (uint32_t)b[5] << 8 | b[6];
    f->data = (uint32_t)b[7] << 16 | (uint32_t)b[8] << 8 | b[9];
    memcpy(f->cdb, b + BL_CCB24, BL_CDB_MAX);
    f->sense = addr + BL_CCB24 + (f->cdblen <= BL_CDB_MAX ? f->cdblen : 0);
    return 0;
}

static int target_present(const bl_state *st, unsigned t)
{
    return t < EMK_BUSLOGIC_TARGETS && emk_scsi_target_luns(&st->s->target[t]);
}

void emk_bl_ccb_start(bl_state *st, uint32_t addr)
{
    bl_ccb_fields f;
    bl_slot *sl;
    unsigned maxt = st->mbox_wide ? EMK_BUSLOGIC_TARGETS : 8;

    st->stats.ccbs++;
    if (fetch(st, addr, &f) < 0) {
        EMK_TRACE(ev_bl_ccb, "ccb=0x%08x unreadable", addr);
        st->stats.ccb_errors++;
        emk_bl_post(st, addr, EMK_BUSLOGIC_HS_INVALID_PARAM, 0,
                    EMK_BUSLOGIC_COMP_ERROR);
        return;
    }
    EMK_TRACE(ev_bl_ccb, "ccb=0x%08x op=0x%02x target=%u lun=%u cdb0=0x%02x "
              "len=%u data=0x%08x", addr, f.opcode, f.target, f.lun, f.cdb[0],
              f.datalen, f.data);
    if (f.opcode == EMK_BUSLOGIC_CCB_BUS_DEVICE_RESET) {
        if (f.target >= maxt) {
            fail(st, addr, EMK_BUSLOGIC_HS_INVALID_PARAM, 0,
                 EMK_BUSLOGIC_COMP_ERROR);
            return;
        }
        emk_bl_drop_all(st, f.target);
        emk_scsi_target_reset(&st->s->target[f.target], EMK_SCSI_RESET_DEVICE);
        fail(st, addr, EMK_BUSLOGIC_HS_OK, 0, EMK_BUSLOGIC_COMP_GOOD);
        return;
    }
    if (f.opcode != EMK_BUSLOGIC_CCB_INITIATOR &&
        f.opcode != EMK_BUSLOGIC_CCB_INITIATOR_SG &&
        f.opcode != EMK_BUSLOGIC_CCB_INITIATOR_RESID &&
        f.opcode != EMK_BUSLOGIC_CCB_INITIATOR_SG_RESID) {
        fail(st, addr, EMK_BUSLOGIC_HS_INVALID_OPCODE, 0, EMK_BUSLOGIC_COMP_ERROR);
        return;
    }
    if (f.cdblen == 0 || f.cdblen > BL_CDB_MAX || f.target >= maxt) {
        fail(st, addr, EMK_BUSLOGIC_HS_INVALID_PARAM, 0, EMK_BUSLOGIC_COMP_ERROR);
        return;
    }
    if (!target_present(st, f.target)) {
        fail(st, addr, EMK_BUSLOGIC_HS_SELECT_TIMEOUT, 0, EMK_BUSLOGIC_COMP_ERROR);
        return;
    }
    sl = slot_get(st);        /* the mailbox scan made sure there is one */
    if (!sl) {
        fail(st, addr, EMK_BUSLOGIC_HS_INVALID_PARAM, 0, EMK_BUSLOGIC_COMP_ERROR);
        return;
    }
    emk_sglist_init(&sl->sgl, sl->sg, BL_SLOT_SG);
    if (f.dir != DIR_NONE && f.datalen) {
        int sg = f.opcode == EMK_BUSLOGIC_CCB_INITIATOR_SG ||
                 f.opcode == EMK_BUSLOGIC_CCB_INITIATOR_SG_RESID;
        unsigned esz = st->mbox_wide ? 8u : 6u;
        int bad;

        if (sg)
            bad = f.datalen % esz || f.datalen / esz > EMK_BUSLOGIC_SG_MAX ||
                  read_sg(st, sl, f.data, f.datalen / esz) < 0;
        else
            bad = emk_sglist_add(&sl->sgl, f.data, f.datalen) < 0;
        if (bad) {
            sl->in_use = 0;
            fail(st, addr, EMK_BUSLOGIC_HS_INVALID_PARAM, 0,
                 EMK_BUSLOGIC_COMP_ERROR);
            return;
        }
    }
    sl->ccb = addr;
    sl->opcode = f.opcode;
    sl->target = f.target;
    sl->dir = f.dir;
    sl->buflen = (uint32_t)sl->sgl.total;
    sl->sense_len = f.senselen == 1 ? 0 : (f.senselen ? f.senselen : 14);
    if (sl->sense_len > EMK_BUSLOGIC_SENSE_MAX)
        sl->sense_len = EMK_BUSLOGIC_SENSE_MAX;
    sl->sense_addr = f.sense;
    memset(sl->req.cdb, 0, sizeof(sl->req.cdb));
    memcpy(sl->req.cdb, f.cdb, f.cdblen);
    sl->req.cdb_len = f.cdblen;
    sl->req.lun = f.lun;
    sl->req.dev = &st->s->dev;
    sl->req.data = sl->sgl.nsg ? &sl->sgl : NULL;
    sl->req.loop = st->s->dev.loop;
    sl->req.done = slot_done;
    sl->req.opaque = sl;
    st->busy++;
    emk_scsi_submit(&st->s->target[f.target], &sl->req);
}

/* writes status, residual and sense of a finished slot into its CCB;
 * returns the host status written (0x1B if the sense could not be) */
static uint8_t write_back(bl_state *st, bl_slot *sl, uint8_t hs, uint8_t ts)
{
    emk_dev *dev = &st->s->dev;
    const emk_scsi_req *r = &sl->req;
    uint8_t b[4];

    if (sl->opcode == EMK_BUSLOGIC_CCB_INITIATOR_RESID ||
        sl->opcode == EMK_BUSLOGIC_CCB_INITIATOR_SG_RESID) {
        uint32_t resid = r->xfer < sl->buflen ? sl->buflen - (uint32_t)r->xfer : 0;

        if (st->mbox_wide) {
            emk_st_le32(b, resid);
            (void)emk_dma_write(dev, (uint64_t)sl->ccb + 4, b, 4);
        } else {
            b[0] = (uint8_t)(resid >> 16);
            b[1] = (uint8_t)(resid >> 8);
            b[2] = (uint8_t)resid;
            (void)emk_dma_write(dev, (uint64_t)sl->ccb + 4, b, 3);
        }
    }
    if (ts == EMK_SCSI_CHECK_CONDITION && sl->sense_len && r->sense_len) {
        /* the whole SenseDataLength the CCB asked for (Linux: 96 bytes,
         * DMA-mapped at the sense pointer): the fixed-format sense, then
         * zeros, so no stale byte of an earlier command stays behind */
        uint8_t sb[EMK_BUSLOGIC_SENSE_MAX];
        unsigned n = r->sense_len < sl->sense_len ? r->sense_len : sl->sense_len;

        memset(sb, 0, sizeof(sb));
        memcpy(sb, r->sense, n);
        if (emk_dma_write(dev, sl->sense_addr, sb, sl->sense_len) < 0)
            hs = hs ? hs : 0x1b;    /* auto request sense failed */
    }
    b[0] = hs;
    b[1] = ts;
    (void)emk_dma_write(dev, (uint64_t)sl->ccb + 14, b, 2);
    return hs;
}

static void slot_done(emk_scsi_req *req)
{
    bl_slot *sl = (bl_slot *)req->opaque;
    emk_buslogic *s = (emk_buslogic *)(void *)req->dev;
    bl_state *st = s->st;
    uint8_t hs = EMK_BUSLOGIC_HS_OK, ts = req->status, comp;
    uint32_t ccb = sl->ccb;

    st->busy--;
    sl->in_use = 0;
    if (sl->dropped || sl->gen != st->gen) {
        EMK_TRACE(ev_bl_drop, "ccb=0x%08x (reset or bus device reset)", ccb);
        st->stats.dropped++;
        emk_bl_flush(st);           /* a waiting mailbox may take the slot */
        return;
    }
    if (req->dma_error) {
        hs = EMK_BUSLOGIC_HS_INVALID_PARAM;
        ts = 0;
    } else if (req->overrun) {
        hs = EMK_BUSLOGIC_HS_DATA_OVERRUN;
        ts = 0;
    }
    if (sl->aborted)
        comp = EMK_BUSLOGIC_COMP_ABORTED;
    else if (hs == EMK_BUSLOGIC_HS_OK && ts == EMK_SCSI_GOOD)
        comp = EMK_BUSLOGIC_COMP_GOOD;
    else
        comp = EMK_BUSLOGIC_COMP_ERROR;
    hs = write_back(st, sl, hs, ts);
    if (hs != EMK_BUSLOGIC_HS_OK)
        st->stats.ccb_errors++;
    emk_bl_post(st, ccb, hs, ts, comp);
}

void emk_bl_ccb_abort(bl_state *st, uint32_t ccb)
{
    unsigned i;

    for (i = 0; i < EMK_BUSLOGIC_SLOTS; i++) {
        bl_slot *sl = &st->slot[i];

        if (sl->in_use && !sl->dropped && sl->gen == st->gen && sl->ccb == ccb) {
            sl->aborted = 1;    /* reported as aborted when it finishes */
            return;
        }
    }
    emk_bl_post(st, ccb, EMK_BUSLOGIC_HS_OK, 0, EMK_BUSLOGIC_COMP_NOT_FOUND);
}

void emk_bl_drop_all(bl_state *st, int target)
{
    unsigned i;

    for (i = 0; i < EMK_BUSLOGIC_SLOTS; i++) {
        bl_slot *sl = &st->slot[i];

        if (sl->in_use && (target < 0 || sl->target == (unsigned)target))
            sl->dropped = 1;
    }
}
