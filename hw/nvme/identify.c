/*
 * identify.c - Identify (NVMe 1.4 5.15): controller (CNS 01h), namespace
 * (00h), active namespace ID list (02h) and namespace identification
 * descriptors (03h).
 */
#include <stdio.h>

#include "nvme_int.h"

static void put_str(uint8_t *dst, size_t len, const char *s)
{
    size_t i, sl = strlen(s);

    for (i = 0; i < len; i++)
        dst[i] = (uint8_t)(i < sl ? s[i] : ' ');   /* space padded ASCII */
}

static void id_ctrl(nvme_ctrl *n, uint8_t *b)
{
    uint64_t cap = 0;
    unsigned i;

    emk_st_le16(b + 0, 0x1b36);          /* VID: Red Hat (QEMU's) */
    emk_st_le16(b + 2, 0x1af4);          /* SSVID */
    put_str(b + 4, 20, n->serial);
    put_str(b + 24, 40, n->opts.model ? n->opts.model : "emkit NVMe");
    put_str(b + 64, 8, "0.1");
    b[72] = 6;                         /* RAB */
    b[77] = EMK_NVME_MDTS;
    emk_st_le16(b + 78, 1);              /* CNTLID */
    emk_st_le32(b + 80, NVME_VERSION);
    b[111] = 1;                        /* CNTRLTYPE: I/O controller */
    emk_st_le16(b + 256, n->opts.shadow_doorbells ? 0x0100 : 0); /* OACS */
    b[258] = 3;                        /* ACL: 4 aborts */
    b[259] = NVME_AERL;                /* AERL */
    b[260] = 0x03;                     /* FRMW: slot 1 read-only, 1 slot */
    b[261] = 0x04;                     /* LPA: extended data for logs */
    b[262] = NVME_ERROR_LOG_ENTRIES - 1; /* ELPE */
    emk_st_le16(b + 266, 343);           /* WCTEMP */
    emk_st_le16(b + 268, 373);           /* CCTEMP */
    for (i = 0; i < n->nns; i++)
        cap += (uint64_t)n->ns[i].nlbas << n->ns[i].lba_shift;
    emk_st_le64(b + 280, cap);           /* TNVMCAP (low 64 bits) */
    emk_st_le16(b + 320, 1);             /* KAS: 100 ms granularity */
    b[512] = (NVME_SQES << 4) | NVME_SQES;  /* SQES max/min */
    b[513] = (NVME_CQES << 4) | NVME_CQES;
    emk_st_le32(b + 516, n->nns);        /* NN */
    emk_st_le16(b + 520, 0x000d);        /* ONCS: Compare, DSM, Write Zeroes */
    b[525] = 1;                        /* VWC present */
    emk_st_le32(b + 536, 0x1);           /* SGLS: supported, no alignment */
    memcpy(b + 768, n->subnqn, strlen(n->subnqn)); /* SUBNQN, NUL padded */
    emk_st_le16(b + 2048, 2500);         /* PSD0: MP 25 W */
    emk_st_le32(b + 2048 + 4, 16);       /* ENLAT */
    emk_st_le32(b + 2048 + 8, 4);        /* EXLAT */
}

static void id_ns(nvme_ns *ns, uint8_t *b)
{
    emk_st_le64(b + 0, ns->nlbas);       /* NSZE */
    emk_st_le64(b + 8, ns->nlbas);       /* NCAP */
    emk_st_le64(b + 16, ns->nlbas);      /* NUSE */
    b[24] = 0x00;                      /* NSFEAT */
    b[25] = 1;                         /* NLBAF: two formats (0-based) */
    b[26] = ns->lba_shift == 12 ? 1 : 0; /* FLBAS */
    b[33] = 0x09;                      /* DLFEAT: dealloc reads 0, WZ dealloc */
    b[99] = emk_blk_readonly(ns->blk) ? 1 : 0; /* NSATTR: write protected */
    memcpy(b + 104, ns->nguid, sizeof(ns->nguid));   /* NGUID */
    memcpy(b + 120, ns->eui64, sizeof(ns->eui64));   /* EUI64 */
    emk_st_le32(b + 128, 9u << 16);      /* LBAF0: 512 B, no metadata */
    emk_st_le32(b + 132, 12u << 16);     /* LBAF1: 4 KiB */
}

static void id_descs(nvme_ns *ns, uint8_t *b)
{
    b[0] = 2;                          /* NIDT: NGUID */
    b[1] = 16;
    memcpy(b + 4, ns->nguid, 16);
    b[20] = 3;                         /* NIDT: UUID */
    b[21] = 16;
    memcpy(b + 24, ns->uuid, 16);
    b[40] = 1;                         /* NIDT: EUI64 */
    b[41] = 8;
    memcpy(b + 44, ns->eui64, 8);
}

uint16_t emk_nvme_identify(nvme_req *r)
{
    nvme_ctrl *n = r->sq->n;
    unsigned cns = r->cmd.cdw10 & 0xff, nsid = r->cmd.nsid, i, k = 0;
    uint8_t b[EMK_NVME_PAGE_SIZE];
    nvme_ns *ns;

    memset(b, 0, sizeof(b));
    switch (cns) {
    case 0x00:
        if (nsid == 0 || (nsid > n->nns && nsid != 0xffffffff) ||
            nsid == 0xffffffff)
            return NVME_SC_INVALID_NS | NVME_SC_DNR;
        ns = emk_nvme_ns_get(n, nsid);
        if (ns)
            id_ns(ns, b);              /* inactive: zeroes */
        break;
    case 0x01:
        id_ctrl(n, b);
        break;
    case 0x02:
        if (nsid >= 0xfffffffe)
            return NVME_SC_INVALID_NS | NVME_SC_DNR;
        for (i = 0; i < n->nns; i++)
            if (n->ns[i].blk && n->ns[i].nsid > nsid)
                emk_st_le32(b + 4 * k++, n->ns[i].nsid);
        break;
    case 0x03:
        ns = emk_nvme_ns_get(n, nsid);
        if (!ns)
            return NVME_SC_INVALID_NS | NVME_SC_DNR;
        id_descs(ns, b);
        break;
    default:
        return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
    }
    return emk_nvme_xfer_to_host(r, b, sizeof(b));
}
