/*
 * prp.c - Physical Region Page lists to an emk_sglist (NVMe 1.4 4.3):
 * PRP1 may start anywhere dword aligned within a page; if the rest fits
 * one page PRP2 is a page-aligned data pointer, else a qword-aligned PRP
 * list pointer whose page may start mid-page; every data entry in a list
 * is page aligned; the last entry of a full list page chains to the next
 * list page.  Also the PSDT switch between PRPs and SGLs.
 */
#include "nvme_int.h"

static uint16_t add_seg(emk_sglist *l, uint64_t addr, uint64_t len)
{
    int err = emk_sglist_add(l, addr, len);

    if (err == -ENOSPC)
        return NVME_SC_INTERNAL | NVME_SC_DNR;
    if (err)
        return NVME_SC_DATA_XFER_ERROR | NVME_SC_DNR;
    return 0;
}

uint16_t emk_nvme_map_prp(nvme_ctrl *n, emk_sglist *l, uint64_t prp1,
                      uint64_t prp2, uint64_t len)
{
    const uint64_t ps = EMK_NVME_PAGE_SIZE;
    uint64_t first, list;
    uint16_t st;
    uint8_t ents[EMK_NVME_PAGE_SIZE];

    if (len == 0)
        return 0;
    if (prp1 & 3)
        return NVME_SC_PRP_INVALID_OFFSET | NVME_SC_DNR;
    first = ps - (prp1 & (ps - 1));
    if (first > len)
        first = len;
    if ((st = add_seg(l, prp1, first)) != 0)
        return st;
    len -= first;
    if (len == 0)
        return 0;
    if (len <= ps) {
        if (prp2 & (ps - 1))
            return NVME_SC_PRP_INVALID_OFFSET | NVME_SC_DNR;
        return add_seg(l, prp2, len);
    }
    if (prp2 & 7)
        return NVME_SC_PRP_INVALID_OFFSET | NVME_SC_DNR;
    list = prp2;
    while (len) {
        uint64_t room = (ps - (list & (ps - 1))) / 8;
        uint64_t need = (len + ps - 1) / ps, nread, i;
        int chain = need > room;

        nread = chain ? room : need;
        if (emk_dma_read(&n->dev, list, ents, nread * 8))
            return NVME_SC_DATA_XFER_ERROR | NVME_SC_DNR;
        for (i = 0; i < nread; i++) {
            uint64_t e = emk_le64(ents + 8 * i), chunk;

            if (e & (ps - 1))
                return NVME_SC_PRP_INVALID_OFFSET | NVME_SC_DNR;
            if (chain && i == nread - 1) {
                list = e;              /* next PRP list page */
                break;
            }
            chunk = len < ps ? len : ps;
            if ((st = add_seg(l, e, chunk)) != 0)
                return st;
            len -= chunk;
        }
    }
    return 0;
}

uint16_t emk_nvme_map_data(nvme_req *r, uint64_t len, int allow_sgl)
{
    unsigned psdt = (r->cmd.flags >> 6) & 3;

    emk_sglist_reset(&r->sgl);
    if (len == 0)
        return 0;
    if (len > EMK_NVME_MAX_XFER && r->sq->qid)
        return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
    if (psdt == 0)
        return emk_nvme_map_prp(r->sq->n, &r->sgl, r->cmd.prp1, r->cmd.prp2, len);
    if (psdt == 3 || !allow_sgl)
        return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
    return emk_nvme_map_sgl(r->sq->n, &r->sgl, r->cmd.raw + 24, len);
}
