/*
 * cdb.c - CDB decoding: lengths by group code, LBA and transfer length of
 * the block commands, and the data a CDB moves (for HBAs).
 */
#include "scsi_int.h"

unsigned emk_scsi_cdb_len(uint8_t opcode)
{
    switch (opcode >> 5) {
    case 0: return 6;
    case 1: case 2: return 10;
    case 4: return 16;
    case 5: return 12;
    default: return 0;
    }
}

int emk_scsi_decode_lba(const uint8_t *cdb, unsigned cdb_len, uint64_t *lba,
                        uint64_t *count)
{
    switch (emk_scsi_cdb_len(cdb[0])) {
    case 6:
        if (cdb_len < 6)
            return -EINVAL;
        *lba = scsi_be24(cdb + 1) & 0x1fffff;
        *count = cdb[4] ? cdb[4] : 256;  /* READ/WRITE(6): 0 means 256 */
        return 0;
    case 10:
        if (cdb_len < 10)
            return -EINVAL;
        *lba = emk_be32(cdb + 2);
        *count = emk_be16(cdb + 7);
        return 0;
    case 12:
        if (cdb_len < 12)
            return -EINVAL;
        *lba = emk_be32(cdb + 2);
        *count = emk_be32(cdb + 6);
        return 0;
    case 16:
        if (cdb_len < 16)
            return -EINVAL;
        *lba = emk_be64(cdb + 2);
        *count = emk_be32(cdb + 10);
        return 0;
    default:
        return -EINVAL;
    }
}

int emk_scsi_check_range(emk_scsi_req *req, uint64_t lba, uint64_t count)
{
    uint64_t cap = req->lu->nblocks;

    if (lba > cap || count > cap - lba) {
        emk_scsi_check(req, EMK_SCSI_KEY_ILLEGAL_REQUEST,
                       EMK_SCSI_ASC_LBA_OUT_OF_RANGE);
        return -ERANGE;
    }
    return 0;
}

int emk_scsi_cdb_xfer(const uint8_t *cdb, unsigned cdb_len, uint32_t block_size,
                      uint64_t *len, int *to_device)
{
    uint64_t lba, count;
    unsigned need = emk_scsi_cdb_len(cdb_len ? cdb[0] : 0xff);

    if (!cdb_len || !need || cdb_len < need)
        return -EINVAL;
    *to_device = 0;
    *len = 0;
    switch (cdb[0]) {
    case EMK_SCSI_TEST_UNIT_READY: case EMK_SCSI_START_STOP_UNIT:
    case EMK_SCSI_SEND_DIAGNOSTIC: case EMK_SCSI_PREVENT_ALLOW:
    case EMK_SCSI_SYNCHRONIZE_CACHE_10: case EMK_SCSI_SYNCHRONIZE_CACHE_16:
        return 0;
    case EMK_SCSI_REQUEST_SENSE: case EMK_SCSI_MODE_SENSE_6:
        *len = cdb[4];
        return 0;
    case EMK_SCSI_INQUIRY:
        *len = emk_be16(cdb + 3);
        return 0;
    case EMK_SCSI_MODE_SELECT_6:
        *len = cdb[4];
        *to_device = 1;
        return 0;
    case EMK_SCSI_MODE_SENSE_10:
        *len = emk_be16(cdb + 7);
        return 0;
    case EMK_SCSI_MODE_SELECT_10: case EMK_SCSI_UNMAP:
        *len = emk_be16(cdb + 7);
        *to_device = 1;
        return 0;
    case EMK_SCSI_READ_CAPACITY_10:
        *len = 8;
        return 0;
    case EMK_SCSI_SERVICE_ACTION_IN_16:
        *len = emk_be32(cdb + 10);
        return 0;
    case EMK_SCSI_REPORT_LUNS:
        *len = emk_be32(cdb + 6);
        return 0;
    case EMK_SCSI_READ_6: case EMK_SCSI_READ_10:
    case EMK_SCSI_READ_12: case EMK_SCSI_READ_16:
    case EMK_SCSI_WRITE_6: case EMK_SCSI_WRITE_10:
    case EMK_SCSI_WRITE_12: case EMK_SCSI_WRITE_16:
        (void)emk_scsi_decode_lba(cdb, cdb_len, &lba, &count);
        *len = count * block_size;
        *to_device = (cdb[0] & 0x0f) == 0x0a;
        return 0;
    case EMK_SCSI_VERIFY_10: case EMK_SCSI_VERIFY_12: case EMK_SCSI_VERIFY_16:
        (void)emk_scsi_decode_lba(cdb, cdb_len, &lba, &count);
        if ((cdb[1] & 0x06) == 0x02)          /* BYTCHK 01b: compare */
            *len = count * block_size;
        else if ((cdb[1] & 0x06) == 0x06)     /* BYTCHK 11b: one block */
            *len = block_size;
        *to_device = 1;
        return 0;
    case EMK_SCSI_WRITE_SAME_10: case EMK_SCSI_WRITE_SAME_16:
        *len = (cdb[1] & 0x01) ? 0 : block_size;   /* NDOB */
        *to_device = 1;
        return 0;
    default:
        return -EINVAL;
    }
}
