/*
 * capacity.c - READ CAPACITY (10 and 16) and REPORT LUNS.
 */
#include "scsi_int.h"

void emk_scsi_read_capacity(emk_scsi_req *req)
{
    const emk_scsi_lun *lu = req->lu;
    uint64_t last = lu->nblocks - 1;
    uint8_t b[32];

    memset(b, 0, sizeof(b));
    if (req->cdb[0] == EMK_SCSI_READ_CAPACITY_10) {
        /* PMI with a nonzero LBA is obsolete; LBA without PMI invalid */
        if (!(req->cdb[8] & 1) && emk_be32(req->cdb + 2)) {
            emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                           EMK_SCSI_ASC_INVALID_FIELD_CDB);
            return;
        }
        emk_st_be32(b, last > 0xfffffffeu ? 0xffffffffu : (uint32_t)last);
        emk_st_be32(b + 4, lu->block_size);
        emk_scsi_reply(req, b, 8);
        return;
    }
    emk_st_be64(b, last);
    emk_st_be32(b + 8, lu->block_size);
    b[14] = 0x80;                 /* LBPME: UNMAP and WRITE SAME unmap */
    {
        uint32_t alloc = emk_be32(req->cdb + 10);

        emk_scsi_reply(req, b, alloc < sizeof(b) ? alloc : sizeof(b));
    }
}

void emk_scsi_report_luns(emk_scsi_req *req, const emk_scsi_target *t)
{
    uint8_t b[8 + 8 * EMK_SCSI_MAX_LUNS];
    uint32_t alloc = emk_be32(req->cdb + 6), n = 8;
    unsigned i, sel = req->cdb[2];

    if (alloc < 16) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_FIELD_CDB);
        return;
    }
    if (sel > 2) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_INVALID_FIELD_CDB);
        return;
    }
    memset(b, 0, sizeof(b));
    if (sel != 1) {                    /* 1: well-known LUNs only: none */
        for (i = 0; i < EMK_SCSI_MAX_LUNS; i++) {
            if (!t->lun[i])
                continue;
            b[n + 1] = (uint8_t)i;     /* peripheral device addressing */
            n += 8;
        }
    }
    emk_st_be32(b, n - 8);
    emk_scsi_reply(req, b, alloc < n ? alloc : n);
}
