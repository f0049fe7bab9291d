/*
 * log.c - Get Log Page (error information, SMART / health, firmware
 * slot), the error log itself, and Asynchronous Event Requests with the
 * events they report (NVMe 1.4 5.2, 5.14).
 */
#include "nvme_int.h"

void emk_nvme_error_log_add(nvme_ctrl *n, const nvme_req *r, uint16_t status)
{
    uint8_t *e;
    uint16_t sf = (uint16_t)(((status & 0xff) << 1) | (((status >> 8) & 7) << 9) |
                             ((status & NVME_SC_DNR) ? 0x8000 : 0));

    pthread_mutex_lock(&n->irq_lock);
    /* newest first: shift the ring down by one entry */
    memmove(n->errlog[1], n->errlog[0],
            sizeof(n->errlog) - sizeof(n->errlog[0]));
    e = n->errlog[0];
    memset(e, 0, 64);
    n->error_count++;
    emk_st_le64(e + 0, n->error_count);
    emk_st_le16(e + 8, r->sq->qid);
    emk_st_le16(e + 10, r->cmd.cid);
    emk_st_le16(e + 12, sf);
    emk_st_le16(e + 14, 0xffff);          /* parameter location: not given */
    emk_st_le64(e + 16, r->slba);
    emk_st_le32(e + 24, r->cmd.nsid);
    pthread_mutex_unlock(&n->irq_lock);
}

void emk_nvme_event_post(nvme_ctrl *n, uint8_t type, uint8_t info, uint8_t log)
{
    unsigned i;

    pthread_mutex_lock(&n->ev_lock);
    for (i = 0; i < n->nevents; i++)
        if (n->events[i].type == type && n->events[i].info == info)
            break;                      /* already queued */
    if (i == n->nevents && n->nevents < NVME_MAX_EVENTS) {
        n->events[n->nevents].type = type;
        n->events[n->nevents].info = info;
        n->events[n->nevents].log = log;
        n->nevents++;
    }
    pthread_mutex_unlock(&n->ev_lock);
    /* AERs complete on the admin queue, in the controller thread */
    if (emk_loop_in_thread(n->dev.loop))
        emk_nvme_event_flush(n);
    else
        emk_bh_schedule(&n->event_bh);
}

void emk_nvme_event_bh(void *opaque)
{
    emk_nvme_event_flush(opaque);
}

void emk_nvme_event_flush(nvme_ctrl *n)
{
    for (;;) {
        nvme_req *r = NULL;
        unsigned i;

        pthread_mutex_lock(&n->ev_lock);
        if (n->naer) {
            for (i = 0; i < n->nevents; i++) {
                nvme_event *ev = &n->events[i];
                if (n->event_masked & (1u << ev->type))
                    continue;
                r = n->aer_reqs[--n->naer];
                r->dw0 = ev->type | ((uint32_t)ev->info << 8) |
                         ((uint32_t)ev->log << 16);
                n->event_masked |= 1u << ev->type;
                memmove(&n->events[i], &n->events[i + 1],
                        (n->nevents - i - 1) * sizeof(n->events[0]));
                n->nevents--;
                break;
            }
        }
        pthread_mutex_unlock(&n->ev_lock);
        if (!r)
            return;
        r->status = 0;
        emk_nvme_complete(r);
    }
}

uint16_t emk_nvme_aer(nvme_req *r)
{
    nvme_ctrl *n = r->sq->n;

    pthread_mutex_lock(&n->ev_lock);
    if (n->naer >= NVME_AERL + 1) {
        pthread_mutex_unlock(&n->ev_lock);
        return NVME_SC_AER_LIMIT;
    }
    n->aer_reqs[n->naer++] = r;
    pthread_mutex_unlock(&n->ev_lock);
    emk_nvme_event_flush(n);
    return NVME_PARKED;
}

static void put_u128(uint8_t *p, uint64_t v)
{
    emk_st_le64(p, v);
    emk_st_le64(p + 8, 0);
}

uint16_t emk_nvme_get_log(nvme_req *r)
{
    nvme_ctrl *n = r->sq->n;
    const nvme_cmd *c = &r->cmd;
    unsigned lid = c->cdw10 & 0xff, rae = (c->cdw10 >> 15) & 1;
    uint64_t numd = ((uint64_t)(c->cdw11 & 0xffff) << 16 | (c->cdw10 >> 16)) + 1;
    uint64_t len = numd * 4, off = ((uint64_t)c->cdw13 << 32) | c->cdw12;
    uint64_t size;
    uint8_t b[NVME_ERROR_LOG_ENTRIES * 64];

    if (off & 3)
        return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
    memset(b, 0, sizeof(b));
    switch (lid) {
    case NVME_LOG_ERROR:
        size = sizeof(n->errlog);
        pthread_mutex_lock(&n->irq_lock);
        memcpy(b, n->errlog, sizeof(n->errlog));
        pthread_mutex_unlock(&n->irq_lock);
        break;
    case NVME_LOG_SMART:
        if (c->nsid != 0 && c->nsid != 0xffffffff && !emk_nvme_ns_get(n, c->nsid))
            return NVME_SC_INVALID_NS | NVME_SC_DNR;
        size = 512;
        b[0] = (n->temperature > n->temp_over ||
                n->temperature < n->temp_under) ? 0x02 : 0;
        emk_st_le16(b + 1, n->temperature);
        b[3] = 100;                    /* available spare */
        b[4] = 10;                     /* spare threshold */
        put_u128(b + 32, (n->units_read + 999) / 1000);
        put_u128(b + 48, (n->units_written + 999) / 1000);
        put_u128(b + 64, n->host_reads);
        put_u128(b + 80, n->host_writes);
        put_u128(b + 112, 1);          /* power cycles */
        put_u128(b + 176, n->error_count);
        break;
    case NVME_LOG_FW_SLOT:
        size = 512;
        b[0] = 1;                      /* AFI: slot 1 active */
        memcpy(b + 8, "0.1     ", 8);
        break;
    default:
        return NVME_SC_INVALID_LOG_PAGE | NVME_SC_DNR;
    }
    if (off >= size)
        return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
    if (len > size - off)
        len = size - off;              /* the rest of the buffer is untouched */
    if (!rae && (lid == NVME_LOG_ERROR || lid == NVME_LOG_SMART)) {
        pthread_mutex_lock(&n->ev_lock);
        n->event_masked &= ~(1u << (lid == NVME_LOG_ERROR ? NVME_AER_TYPE_ERROR
                                                          : NVME_AER_TYPE_SMART));
        pthread_mutex_unlock(&n->ev_lock);
    }
    {
        uint16_t st = emk_nvme_xfer_to_host(r, b + off, len);
        if (!st && !rae)
            emk_nvme_event_flush(n);
        return st;
    }
}
