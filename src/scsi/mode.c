/*
 * mode.c - MODE SENSE and MODE SELECT (6 and 10) with the format device
 * (0x03), caching (0x08) and control (0x0A) pages.  Only WCE in the
 * caching page is changeable; saved pages are not offered.
 */
#include "scsi_int.h"

enum {
    PAGE_FORMAT = 0x03, PAGE_CACHING = 0x08, PAGE_CONTROL = 0x0a,
    PAGE_ALL = 0x3f,
    PC_CURRENT = 0, PC_CHANGEABLE = 1, PC_DEFAULT = 2, PC_SAVED = 3,
    SECTORS_PER_TRACK = 63
};

/* Builds page `code` for page control pc into b; returns its length (0:
 * no such page). */
static unsigned page(const emk_scsi_lun *lu, unsigned code, unsigned pc,
                     uint8_t *b)
{
    unsigned n;

    switch (code) {
    case PAGE_FORMAT:
        n = 24;
        memset(b, 0, n);
        b[0] = PAGE_FORMAT;
        b[1] = (uint8_t)(n - 2);
        if (pc != PC_CHANGEABLE) {
            scsi_st_be16(b + 10, SECTORS_PER_TRACK);
            scsi_st_be16(b + 12, (uint16_t)lu->block_size);
            b[20] = 0x40;      /* HSEC: hard sectors */
        }
        return n;
    case PAGE_CACHING:
        n = 20;
        memset(b, 0, n);
        b[0] = PAGE_CACHING;
        b[1] = (uint8_t)(n - 2);
        if (pc == PC_CHANGEABLE)
            b[2] = 0x04;       /* WCE */
        else if (pc == PC_DEFAULT)
            b[2] = lu->opt.write_cache ? 0x04 : 0;
        else
            b[2] = lu->wce ? 0x04 : 0;
        return n;
    case PAGE_CONTROL:
        n = 12;
        memset(b, 0, n);
        b[0] = PAGE_CONTROL;
        b[1] = (uint8_t)(n - 2);
        if (pc != PC_CHANGEABLE) {
            b[3] = 0x10;       /* QUEUE ALGORITHM MODIFIER 1: unrestricted */
            scsi_st_be16(b + 8, 0xffff); /* busy timeout period: unlimited */
        }
        return n;
    default:
        return 0;
    }
}

void emk_scsi_mode_sense(emk_scsi_req *req)
{
    const emk_scsi_lun *lu = req->lu;
    const uint8_t *cdb = req->cdb;
    int ten = cdb[0] == EMK_SCSI_MODE_SENSE_10;
    unsigned dbd = (cdb[1] >> 3) & 1, llbaa = ten ? (cdb[1] >> 4) & 1 : 0;
    unsigned pc = cdb[2] >> 6, code = cdb[2] & 0x3f, sub = cdb[3];
    unsigned alloc = ten ? emk_be16(cdb + 7) : cdb[4];
    unsigned hdr = ten ? 8 : 4, n, bdlen = 0, i;
    static const uint8_t all[] = { PAGE_FORMAT, PAGE_CACHING, PAGE_CONTROL };
    uint8_t b[256];

    if (pc == PC_SAVED) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_SAVING_NOT_SUPPORTED);
        return;
    }
    if (sub != 0 && !(code == PAGE_ALL && sub == 0xff)) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_FIELD_CDB);
        return;
    }
    memset(b, 0, sizeof(b));
    n = hdr;
    if (!dbd) {
        uint64_t nb = lu->nblocks;

        if (llbaa) {
            bdlen = 16;
            b[4] = 1;                          /* LONGLBA */
            emk_st_be64(b + n, nb);
            emk_st_be32(b + n + 12, lu->block_size);
        } else {
            bdlen = 8;
            emk_st_be32(b + n, nb > 0xffffffffu ? 0xffffffffu : (uint32_t)nb);
            emk_st_be32(b + n + 4, lu->block_size);  /* byte 4: density 0 */
        }
        n += bdlen;
    }
    if (code == PAGE_ALL) {
        for (i = 0; i < sizeof(all); i++)
            n += page(lu, all[i], pc, b + n);
    } else {
        unsigned l = page(lu, code, pc, b + n);

        if (!l) {
            emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                           EMK_SCSI_ASC_INVALID_FIELD_CDB);
            return;
        }
        n += l;
    }
    if (ten) {
        scsi_st_be16(b, (uint16_t)(n - 2));
        b[3] = 0x10;                           /* DPOFUA */
        scsi_st_be16(b + 6, (uint16_t)bdlen);
    } else {
        b[0] = (uint8_t)(n - 1);
        b[2] = 0x10;
        b[3] = (uint8_t)bdlen;
    }
    if (emk_blk_readonly(lu->blk))
        b[ten ? 3 : 2] |= 0x80;                /* WP */
    emk_scsi_reply(req, b, alloc < n ? alloc : n);
}

static void bad_param(emk_scsi_req *req)
{
    emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                   EMK_SCSI_ASC_INVALID_FIELD_PARAM);
}

void emk_scsi_mode_select(emk_scsi_req *req)
{
    emk_scsi_lun *lu = req->lu;
    const uint8_t *cdb = req->cdb;
    int ten = cdb[0] == EMK_SCSI_MODE_SELECT_10;
    unsigned len = ten ? emk_be16(cdb + 7) : cdb[4];
    unsigned hdr = ten ? 8 : 4, bdlen, off, i;
    uint8_t p[256], cur[32], mask[32];
    int wce = lu->wce, ret;

    if (cdb[1] & 0x01) {                       /* SP: no saved pages */
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_FIELD_CDB);
        return;
    }
    if (len == 0) {
        emk_scsi_good(req);
        return;
    }
    if (len > sizeof(p) || len < hdr) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       len < hdr ? EMK_SCSI_ASC_PARAM_LIST_LENGTH
                                 : EMK_SCSI_ASC_INVALID_FIELD_CDB);
        return;
    }
    ret = emk_scsi_data_out(req, p, len);
    if (ret < 0) {
        emk_scsi_good(req);                    /* overrun / dma_error */
        return;
    }
    bdlen = ten ? emk_be16(p + 6) : p[3];
    if ((bdlen != 0 && bdlen != 8) || hdr + bdlen > len) {
        bad_param(req);
        return;
    }
    if (bdlen == 8) {
        uint32_t bl = scsi_be24(p + hdr + 5);

        if (bl != 0 && bl != lu->block_size) {
            bad_param(req);
            return;
        }
    }
    for (off = hdr + bdlen; off < len;) {
        unsigned code, plen;

        if (off + 2 > len || (p[off] & 0x40)) { /* SPF: no subpages */
            bad_param(req);
            return;
        }
        code = p[off] & 0x3f;
        plen = (unsigned)p[off + 1] + 2;
        if (off + plen > len || page(lu, code, PC_CURRENT, cur) != plen) {
            bad_param(req);
            return;
        }
        (void)page(lu, code, PC_CHANGEABLE, mask);
        for (i = 2; i < plen; i++) {
            if ((p[off + i] ^ cur[i]) & ~mask[i]) {
                bad_param(req);
                return;
            }
        }
        if (code == PAGE_CACHING)
            wce = (p[off + 2] & 0x04) != 0;
        off += plen;
    }
    lu->wce = wce;
    emk_scsi_good(req);
}
