/*
 * inquiry.c - INQUIRY: standard data and the VPD pages 0x00 (supported),
 * 0x80 (unit serial number), 0x83 (device identification), 0xB0 (block
 * limits), 0xB1 (block device characteristics) and 0xB2 (logical block
 * provisioning).
 */
#include "scsi_int.h"

static const uint8_t vpd_pages[] = { 0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2 };

static void standard(emk_scsi_req *req, uint8_t *b)
{
    const emk_scsi_lun *lu = req->lu;

    b[0] = 0x00;                  /* direct access block device */
    b[1] = lu->opt.removable ? 0x80 : 0;
    b[2] = 0x05;                  /* SPC-3 */
    b[3] = 0x02;                  /* response data format 2 */
    b[4] = 36 - 5;
    b[7] = 0x02 | 0x20;           /* CmdQue, WBus16 */
    memcpy(b + 8, lu->vendor, 8);
    memcpy(b + 16, lu->product, 16);
    memcpy(b + 32, lu->revision, 4);
}

/* builds VPD page `page` into b (at least 256 bytes); returns its length
 * or 0 for an unsupported page */
static unsigned vpd(const emk_scsi_lun *lu, uint8_t page, uint8_t *b)
{
    unsigned n;

    b[0] = 0x00;
    b[1] = page;
    switch (page) {
    case 0x00:
        memcpy(b + 4, vpd_pages, sizeof(vpd_pages));
        n = sizeof(vpd_pages);
        break;
    case 0x80:
        n = (unsigned)strlen(lu->serial);
        memcpy(b + 4, lu->serial, n);
        break;
    case 0x83:
        /* T10 vendor ID designator: vendor + product + serial, ASCII */
        b[4] = 0x02;              /* code set ASCII */
        b[5] = 0x01;              /* association LUN, type T10 vendor ID */
        memcpy(b + 8, lu->vendor, 8);
        memcpy(b + 16, lu->product, 16);
        n = (unsigned)strlen(lu->serial);
        memcpy(b + 32, lu->serial, n);
        b[7] = (uint8_t)(24 + n);
        /* NAA 6 (locally assigned) designator from target and LUN */
        b[32 + n] = 0x01;         /* binary */
        b[33 + n] = 0x03;         /* association LUN, type NAA */
        b[35 + n] = 16;
        b[36 + n] = 0x60;         /* NAA 6, IEEE company id 0 */
        b[44 + n] = (uint8_t)(lu->id >> 8);
        b[45 + n] = (uint8_t)lu->id;
        b[50 + n] = (uint8_t)(lu->lun >> 8);
        b[51 + n] = (uint8_t)lu->lun;
        n = 28 + n + 20;
        break;
    case 0xb0:
        n = 0x3c;
        b[5] = 0xff;              /* maximum COMPARE AND WRITE: n/a */
        scsi_st_be16(b + 6, 1);   /* optimal transfer granularity */
        emk_st_be32(b + 8, EMK_SCSI_MAX_XFER_BLOCKS);
        emk_st_be32(b + 12, 128); /* optimal transfer length */
        emk_st_be32(b + 20, 0x400000); /* maximum unmap LBA count */
        emk_st_be32(b + 24, 64);  /* maximum unmap descriptors */
        emk_st_be32(b + 28, 1);   /* optimal unmap granularity */
        emk_st_be64(b + 36, 0x400000); /* maximum write same length */
        break;
    case 0xb1:
        n = 0x3c;
        scsi_st_be16(b + 4, 1);   /* non-rotating medium */
        b[7] = 0x05;              /* form factor: less than 1.8 inch */
        break;
    case 0xb2:
        n = 4;
        b[5] = 0x80 | 0x40 | 0x20; /* LBPU, LBPWS, LBPWS10 */
        b[6] = 0x02;               /* thin provisioned */
        break;
    default:
        return 0;
    }
    scsi_st_be16(b + 2, (uint16_t)n);
    return n + 4;
}

void emk_scsi_inquiry(emk_scsi_req *req)
{
    uint8_t b[256];
    unsigned alloc = emk_be16(req->cdb + 3), n;

    memset(b, 0, sizeof(b));
    if (req->cdb[1] & 0x01) {                 /* EVPD */
        n = vpd(req->lu, req->cdb[2], b);
        if (!n) {
            emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                           EMK_SCSI_ASC_INVALID_FIELD_CDB);
            return;
        }
    } else if (req->cdb[2] || (req->cdb[1] & 0x02)) {
        /* a page code without EVPD, or CMDDT (obsolete) */
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_FIELD_CDB);
        return;
    } else {
        standard(req, b);
        n = 36;
    }
    emk_scsi_reply(req, b, alloc < n ? alloc : n);
}
