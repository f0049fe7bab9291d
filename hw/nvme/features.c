/*
 * features.c - Get Features and Set Features (NVMe 1.4 5.14, 5.21):
 * Arbitration, Power Management, Temperature Threshold, Volatile Write
 * Cache, Number of Queues, Interrupt Coalescing, Interrupt Vector
 * Configuration, Asynchronous Event Configuration, Keep Alive Timer.
 * Nothing is saveable; SEL supports current, default, saved and
 * supported-capabilities.
 */
#include "nvme_int.h"

enum { SEL_CURRENT = 0, SEL_DEFAULT = 1, SEL_SAVED = 2, SEL_CAPS = 3 };

static int known_fid(unsigned fid)
{
    switch (fid) {
    case NVME_FEAT_ARBITRATION: case NVME_FEAT_POWER_MGMT:
    case NVME_FEAT_TEMP_THRESH: case NVME_FEAT_VWC:
    case NVME_FEAT_NUM_QUEUES: case NVME_FEAT_IRQ_COALESCE:
    case NVME_FEAT_IRQ_CONFIG: case NVME_FEAT_ASYNC_EVENT:
    case NVME_FEAT_KATO:
        return 1;
    default:
        return 0;
    }
}

static void temp_check(nvme_ctrl *n)
{
    if (n->temperature > n->temp_over || n->temperature < n->temp_under) {
        if (n->async_config & 0x2)     /* temperature warning enabled */
            emk_nvme_event_post(n, NVME_AER_TYPE_SMART, NVME_AER_INFO_SMART_TEMP,
                            NVME_LOG_SMART);
    }
}

uint16_t emk_nvme_set_features(nvme_req *r)
{
    nvme_ctrl *n = r->sq->n;
    unsigned fid = r->cmd.cdw10 & 0xff;
    uint32_t v = r->cmd.cdw11;

    if (!known_fid(fid))
        return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
    if (r->cmd.cdw10 & (1u << 31))
        return NVME_SC_FEATURE_NOT_SAVEABLE | NVME_SC_DNR;
    switch (fid) {
    case NVME_FEAT_ARBITRATION:
        n->arbitration = v;
        break;
    case NVME_FEAT_POWER_MGMT:
        if ((v & 0x1f) != 0)           /* one power state (NPSS 0) */
            return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
        n->power_state = v & 0xff;
        break;
    case NVME_FEAT_TEMP_THRESH: {
        unsigned tmpsel = (v >> 16) & 0xf, thsel = (v >> 20) & 3;
        if (tmpsel != 0 || thsel > 1)  /* composite temperature only */
            return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
        if (thsel == 0)
            n->temp_over = (uint16_t)v;
        else
            n->temp_under = (uint16_t)v;
        temp_check(n);
        break;
    }
    case NVME_FEAT_VWC:
        n->vwc = v & 1;
        break;
    case NVME_FEAT_NUM_QUEUES: {
        unsigned i, nsq = v & 0xffff, ncq = v >> 16;
        if (nsq == 0xffff || ncq == 0xffff)
            return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
        for (i = 1; i <= n->max_queues; i++)
            if (n->sq[i] || n->cq[i])
                return NVME_SC_CMD_SEQ_ERROR | NVME_SC_DNR;
        n->nq_set = 1;
        r->dw0 = n->nq_dw0;            /* allocated: always the maximum */
        break;
    }
    case NVME_FEAT_IRQ_COALESCE:
        n->coal_thr = (uint8_t)v;
        n->coal_time = (uint8_t)(v >> 8);
        break;
    case NVME_FEAT_IRQ_CONFIG: {
        unsigned iv = v & 0xffff;
        if (iv >= n->vectors)
            return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
        n->vec_cd[iv] = (v >> 16) & 1;
        break;
    }
    case NVME_FEAT_ASYNC_EVENT:
        n->async_config = v;
        break;
    case NVME_FEAT_KATO:
        n->kato = v;
        break;
    }
    return 0;
}

uint16_t emk_nvme_get_features(nvme_req *r)
{
    nvme_ctrl *n = r->sq->n;
    unsigned fid = r->cmd.cdw10 & 0xff, sel = (r->cmd.cdw10 >> 8) & 7;
    int dflt = sel == SEL_DEFAULT || sel == SEL_SAVED;

    if (!known_fid(fid) || sel > SEL_CAPS)
        return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
    if (sel == SEL_CAPS) {
        r->dw0 = 0x4;                  /* changeable, not saveable */
        return 0;
    }
    switch (fid) {
    case NVME_FEAT_ARBITRATION: r->dw0 = dflt ? 0 : n->arbitration; break;
    case NVME_FEAT_POWER_MGMT: r->dw0 = dflt ? 0 : n->power_state; break;
    case NVME_FEAT_TEMP_THRESH: {
        unsigned tmpsel = (r->cmd.cdw11 >> 16) & 0xf;
        unsigned thsel = (r->cmd.cdw11 >> 20) & 3;
        if (tmpsel != 0 || thsel > 1)
            return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
        if (thsel == 0)
            r->dw0 = dflt ? 343 : n->temp_over;
        else
            r->dw0 = dflt ? 0 : n->temp_under;
        break;
    }
    case NVME_FEAT_VWC: r->dw0 = dflt ? 1 : (uint32_t)n->vwc; break;
    case NVME_FEAT_NUM_QUEUES: r->dw0 = n->nq_dw0; break;
    case NVME_FEAT_IRQ_COALESCE:
        r->dw0 = dflt ? 0 : ((uint32_t)n->coal_time << 8) | n->coal_thr;
        break;
    case NVME_FEAT_IRQ_CONFIG: {
        unsigned iv = r->cmd.cdw11 & 0xffff;
        if (iv >= n->vectors)
            return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
        r->dw0 = iv | (dflt ? 0 : ((uint32_t)n->vec_cd[iv] << 16));
        if (iv == 0)
            r->dw0 |= 1u << 16;        /* admin vector: never coalesced */
        break;
    }
    case NVME_FEAT_ASYNC_EVENT: r->dw0 = dflt ? 0 : n->async_config; break;
    case NVME_FEAT_KATO: r->dw0 = dflt ? 0 : n->kato; break;
    }
    return 0;
}
