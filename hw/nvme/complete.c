/*
 * complete.c - completion posting: CQEs written entry-then-phase, a
 * backlog when the CQ is full (drained by CQ head doorbells, shadow heads
 * read when full), request slot recycling and the interrupt decision.
 */
#include "nvme_int.h"
#include "trace_int.h"

static emk_trace_event ev_cqe = EMK_TRACE_EVENT_INIT("nvme_cqe");

/* ---- completion ---------------------------------------------------------- */

static int cq_full(const nvme_cq *cq)
{
    return (cq->tail + 1) % cq->size == cq->head;
}

/* Takes a guest CQ head (MMIO or shadow); 1 if valid.  cq->lock held. */
static int cq_set_head(nvme_cq *cq, uint32_t head)
{
    uint32_t used, adv;

    if (head >= cq->size)
        return 0;
    used = (cq->tail + cq->size - cq->head) % cq->size;
    adv = (head + cq->size - cq->head) % cq->size;
    if (adv > used)
        return 0;
    cq->head = head;
    return 1;
}

/* Writes one CQE; cq->lock held.  0 or -EFAULT. */
static int cq_post_locked(nvme_cq *cq, nvme_req *r)
{
    nvme_ctrl *n = cq->n;
    uint8_t e[16];
    uint64_t addr = cq->base + 16ull * cq->tail;
    uint16_t st = r->status;
    uint16_t sf = (uint16_t)(((st & 0xff) << 1) | (((st >> 8) & 7) << 9) |
                             ((st & NVME_SC_DNR) ? 0x8000 : 0) | cq->phase);

    emk_st_le32(e, r->dw0);
    emk_st_le32(e + 4, 0);
    emk_st_le16(e + 8, (uint16_t)nvme_load(&r->sq->head));
    emk_st_le16(e + 10, r->sq->qid);
    emk_st_le16(e + 12, r->cmd.cid);
    emk_st_le16(e + 14, sf);
    EMK_TRACE(ev_cqe, "cq=%u sq=%u cid=%u status=0x%x dw0=0x%x",
              (unsigned)cq->qid, (unsigned)r->sq->qid, (unsigned)r->cmd.cid,
              (unsigned)st, (unsigned)r->dw0);
    /* DW0-DW2, then DW3 (CID, status, phase) as one 32-bit store: a host
     * polling the phase tag with a 32-bit load sees the whole entry */
    if (emk_dma_write(&n->dev, addr, e, 12) != 0)
        return -EFAULT;
    nvme_fence();                     /* entry before its phase tag */
    if (emk_dma_write(&n->dev, addr + 12, e + 12, 4) != 0)
        return -EFAULT;
    cq->tail = (cq->tail + 1) % cq->size;
    if (cq->tail == 0)
        cq->phase ^= 1;
    cq->irq_pending++;
    return 0;
}

/* Returns a request slot; cq->lock held (this may be the CQ's owner
 * draining the backlog of an SQ on another thread: everything it does to
 * the SQ is done under the lock, while the request still keeps the SQ
 * alive).  A stalled SQ is kicked; the last command of a dead SQ tells
 * the controller, which is waiting to delete it or to finish a reset. */
static void req_free_locked(nvme_req *r)
{
    nvme_sq *sq = r->sq;

    r->next = sq->free;
    sq->free = r;
    if (nvme_dec(sq->inflight) == 1 && sq->dead)
        emk_bh_schedule(&sq->n->state_bh);
    if (sq->stalled && !sq->dead)
        emk_bh_schedule(&sq->bh);
    sq->stalled = 0;
}

void emk_nvme_req_release(nvme_req *r)
{
    nvme_sq *sq = r->sq;

    pthread_mutex_lock(&sq->cq->lock);
    req_free_locked(r);
    pthread_mutex_unlock(&sq->cq->lock);
}

void emk_nvme_complete(nvme_req *r)
{
    nvme_sq *sq = r->sq;
    nvme_cq *cq = sq->cq;
    nvme_ctrl *n = sq->n;
    int action = NVME_IRQ_NONE;

    if (r->status) {
        nvme_stat(&n->stats.errors, 1);
        emk_nvme_error_log_add(n, r, r->status);
    }
    if (sq->qid)
        nvme_stat(&n->stats.io_completed, 1);
    pthread_mutex_lock(&cq->lock);
    if (sq->dead && nvme_load_int(&n->resetting)) {
        req_free_locked(r);                      /* reset: drop it */
    } else {
        if (cq_full(cq) && cq->db.addr)
            cq_set_head(cq, emk_nvme_shw_ld(n, &cq->db));
        if (cq_full(cq) || cq->backlog) {
            r->next = NULL;                      /* wait for room */
            if (cq->backlog_tail)
                cq->backlog_tail->next = r;
            else
                cq->backlog = r;
            cq->backlog_tail = r;
            if (cq->ei.addr) {
                emk_nvme_shw_st(n, &cq->ei, cq->head);
                nvme_fence();
                cq_set_head(cq, emk_nvme_shw_ld(n, &cq->db));
            }
            pthread_mutex_unlock(&cq->lock);
            return;
        }
        if (cq_post_locked(cq, r) != 0)
            nvme_ctrl_fatal(n);
        else
            action = emk_nvme_cq_irq_decide_locked(cq);
        req_free_locked(r);
    }
    pthread_mutex_unlock(&cq->lock);
    emk_nvme_cq_irq_act(cq, action, sq->loop == cq->loop);
}

void emk_nvme_cq_drop_backlog(nvme_cq *cq)
{
    nvme_req *r;

    pthread_mutex_lock(&cq->lock);
    r = cq->backlog;
    cq->backlog = cq->backlog_tail = NULL;
    pthread_mutex_unlock(&cq->lock);
    while (r) {
        nvme_req *next = r->next;
        emk_nvme_req_release(r);           /* reset: completions are dropped */
        r = next;
    }
}

void emk_nvme_cq_head_update(nvme_cq *cq, uint32_t head)
{
    nvme_ctrl *n = cq->n;
    int action = NVME_IRQ_NONE, ok;

    pthread_mutex_lock(&cq->lock);
    ok = cq_set_head(cq, head);
    while (ok && cq->backlog && !cq_full(cq)) {
        nvme_req *r = cq->backlog;
        cq->backlog = r->next;
        if (!cq->backlog)
            cq->backlog_tail = NULL;
        if (cq_post_locked(cq, r) != 0)
            nvme_ctrl_fatal(n);
        req_free_locked(r);
    }
    if (ok)
        action = emk_nvme_cq_irq_decide_locked(cq);
    pthread_mutex_unlock(&cq->lock);
    if (!ok) {
        emk_nvme_event_post(n, NVME_AER_TYPE_ERROR, NVME_AER_INFO_INVALID_DB_VALUE,
                        NVME_LOG_ERROR);
        return;
    }
    if (action != NVME_IRQ_NONE)
        emk_nvme_cq_irq_act(cq, action, 1);
    else
        emk_nvme_irq_intx_update(n);
}
