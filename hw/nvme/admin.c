/*
 * admin.c - the admin command set dispatcher and the queue management,
 * Abort, Asynchronous Event Request, Keep Alive and Doorbell Buffer
 * Config commands (NVMe 1.4 5.x).  Identify, features and log pages have
 * their own files.
 */
#include "nvme_int.h"

uint16_t emk_nvme_xfer_to_host(nvme_req *r, const void *buf, uint64_t len)
{
    uint16_t st = emk_nvme_map_data(r, len, 0);

    if (st)
        return st;
    if (emk_dma_sg_rw(&r->sq->n->dev, &r->sgl, 0, (void *)buf, len, 1))
        return NVME_SC_DATA_XFER_ERROR | NVME_SC_DNR;
    return 0;
}

static int qsize_ok(nvme_ctrl *n, uint32_t cdw10)
{
    unsigned entries = (cdw10 >> 16) + 1;

    return entries >= 2 && entries <= n->mqes;
}

static uint16_t create_cq(nvme_req *r)
{
    nvme_ctrl *n = r->sq->n;
    const nvme_cmd *c = &r->cmd;
    unsigned qid = c->cdw10 & 0xffff, iv = c->cdw11 >> 16;

    if (qid == 0 || qid > n->max_queues || n->cq[qid])
        return NVME_SC_QID_INVALID | NVME_SC_DNR;
    if (!qsize_ok(n, c->cdw10))
        return NVME_SC_QUEUE_SIZE | NVME_SC_DNR;
    if (!(c->cdw11 & 1) || ((n->cc >> 20) & 0xf) != NVME_CQES)
        return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
    if (c->prp1 & (EMK_NVME_PAGE_SIZE - 1))
        return NVME_SC_PRP_INVALID_OFFSET | NVME_SC_DNR;
    if (iv >= n->vectors)
        return NVME_SC_INVALID_VECTOR | NVME_SC_DNR;
    if (emk_nvme_cq_create(n, (uint16_t)qid, c->prp1, (uint16_t)((c->cdw10 >> 16) + 1),
                       (uint16_t)iv, (c->cdw11 >> 1) & 1))
        return NVME_SC_INTERNAL;
    return 0;
}

static uint16_t create_sq(nvme_req *r)
{
    nvme_ctrl *n = r->sq->n;
    const nvme_cmd *c = &r->cmd;
    unsigned qid = c->cdw10 & 0xffff, cqid = c->cdw11 >> 16;

    if (qid == 0 || qid > n->max_queues || n->sq[qid])
        return NVME_SC_QID_INVALID | NVME_SC_DNR;
    if (cqid == 0 || cqid > n->max_queues || !n->cq[cqid])
        return NVME_SC_CQ_INVALID | NVME_SC_DNR;
    if (!qsize_ok(n, c->cdw10))
        return NVME_SC_QUEUE_SIZE | NVME_SC_DNR;
    if (!(c->cdw11 & 1) || ((n->cc >> 16) & 0xf) != NVME_SQES)
        return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
    if (c->prp1 & (EMK_NVME_PAGE_SIZE - 1))
        return NVME_SC_PRP_INVALID_OFFSET | NVME_SC_DNR;
    if (emk_nvme_sq_create(n, (uint16_t)qid, c->prp1, (uint16_t)((c->cdw10 >> 16) + 1),
                       n->cq[cqid]))
        return NVME_SC_INTERNAL;
    return 0;
}

static uint16_t delete_sq(nvme_req *r)
{
    nvme_ctrl *n = r->sq->n;
    unsigned qid = r->cmd.cdw10 & 0xffff;
    nvme_sq *sq;

    /* a queue already being deleted is no longer a valid queue */
    if (qid == 0 || qid > n->max_queues || !n->sq[qid] ||
        n->sq[qid]->delete_req)
        return NVME_SC_QID_INVALID | NVME_SC_DNR;
    sq = n->sq[qid];
    emk_nvme_sq_kill(sq);
    if (emk_nvme_sq_idle(sq)) {
        emk_nvme_sq_destroy(sq);
        return 0;
    }
    sq->delete_req = r;               /* emk_nvme_deletions_check ends it */
    return NVME_PARKED;
}

void emk_nvme_deletions_check(nvme_ctrl *n)
{
    unsigned i;

    for (i = 1; i <= n->max_queues; i++) {
        nvme_sq *sq = n->sq[i];
        nvme_req *r;

        if (!sq || !sq->delete_req || !emk_nvme_sq_idle(sq))
            continue;
        r = sq->delete_req;
        sq->delete_req = NULL;
        emk_nvme_sq_destroy(sq);
        r->status = 0;
        emk_nvme_complete(r);
    }
}

static uint16_t delete_cq(nvme_req *r)
{
    nvme_ctrl *n = r->sq->n;
    unsigned qid = r->cmd.cdw10 & 0xffff;

    nvme_cq *cq;
    unsigned nsq;

    if (qid == 0 || qid > n->max_queues || !(cq = n->cq[qid]))
        return NVME_SC_QID_INVALID | NVME_SC_DNR;
    pthread_mutex_lock(&cq->lock);
    nsq = cq->nsq;
    pthread_mutex_unlock(&cq->lock);
    if (nsq)
        return NVME_SC_INVALID_QUEUE_DELETION | NVME_SC_DNR;
    emk_nvme_cq_destroy(cq);
    return 0;
}

static uint16_t dbbuf_config(nvme_req *r)
{
    nvme_ctrl *n = r->sq->n;
    uint64_t dbs = r->cmd.prp1, eis = r->cmd.prp2;

    if (!n->opts.shadow_doorbells)
        return NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
    if (!dbs || !eis || (dbs & (EMK_NVME_PAGE_SIZE - 1)) ||
        (eis & (EMK_NVME_PAGE_SIZE - 1)) || dbs == eis)
        return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
    if (emk_nvme_shadow_config(n, dbs, eis))
        return NVME_SC_INVALID_FIELD | NVME_SC_DNR;   /* not plain RAM */
    return 0;
}

void emk_nvme_admin_release_parked(nvme_ctrl *n)
{
    unsigned i;

    pthread_mutex_lock(&n->ev_lock);
    for (i = 0; i < n->naer; i++)
        emk_nvme_req_release(n->aer_reqs[i]);
    n->naer = 0;
    pthread_mutex_unlock(&n->ev_lock);
    for (i = 1; i <= n->max_queues; i++) {
        if (n->sq[i] && n->sq[i]->delete_req) {
            emk_nvme_req_release(n->sq[i]->delete_req);
            n->sq[i]->delete_req = NULL;
        }
    }
}

void emk_nvme_admin_exec(nvme_req *r)
{
    const nvme_cmd *c = &r->cmd;
    uint16_t st;

    if ((c->flags & 3) || (c->flags >> 6)) {
        st = NVME_SC_INVALID_FIELD | NVME_SC_DNR;   /* no fused ops, PRPs only */
    } else {
        switch (c->opcode) {
        case NVME_ADM_DELETE_SQ: st = delete_sq(r); break;
        case NVME_ADM_CREATE_SQ: st = create_sq(r); break;
        case NVME_ADM_GET_LOG: st = emk_nvme_get_log(r); break;
        case NVME_ADM_DELETE_CQ: st = delete_cq(r); break;
        case NVME_ADM_CREATE_CQ: st = create_cq(r); break;
        case NVME_ADM_IDENTIFY: st = emk_nvme_identify(r); break;
        case NVME_ADM_ABORT: st = emk_nvme_abort(r); break;
        case NVME_ADM_SET_FEATURES: st = emk_nvme_set_features(r); break;
        case NVME_ADM_GET_FEATURES: st = emk_nvme_get_features(r); break;
        case NVME_ADM_AER: st = emk_nvme_aer(r); break;
        case NVME_ADM_KEEP_ALIVE: st = 0; break;
        case NVME_ADM_DBBUF: st = dbbuf_config(r); break;
        default: st = NVME_SC_INVALID_OPCODE | NVME_SC_DNR; break;
        }
    }
    if (st == NVME_PARKED)
        return;
    r->status = st;
    emk_nvme_complete(r);
}
