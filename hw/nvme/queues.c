/*
 * queues.c - submission and completion queues: creation and teardown,
 * command fetch, completion posting with CQ-full backlog, MMIO and
 * notifier doorbells, and the Shadow Doorbell Buffer with EventIdx.
 *
 * Memory ordering of the shadow buffer (both sides follow the same
 * Dekker-style pattern, so at least one side sees the other's store):
 *   guest:  store shadow tail; full barrier; load EventIdx; ring MMIO if
 *           need_event(EventIdx, new, old)
 *   device: consume up to tail; store EventIdx = tail; full barrier;
 *           reload shadow tail and continue if it moved.
 */
#include <stdlib.h>

#include "nvme_int.h"

emk_loop *nvme_queue_loop(nvme_ctrl *n, unsigned qid)
{
    unsigned idx;

    if (qid == 0 || n->opts.niothreads == 0)
        return n->dev.loop;
    idx = n->opts.queue_map ? n->opts.queue_map[qid - 1] : qid - 1;
    return n->opts.iothreads[idx % n->opts.niothreads];
}

/* The shadow doorbell and EventIdx pages are mapped once (Doorbell
 * Buffer Config) so the hot path is a plain 32-bit load or store; the
 * mapping is only used while DMA is enabled, else the bus refuses. */
void nvme_shadow_map(nvme_ctrl *n)
{
    uint64_t l1 = EMK_NVME_PAGE_SIZE, l2 = EMK_NVME_PAGE_SIZE;
    void *a, *b;

    nvme_shadow_unmap(n);
    a = emk_dma_map(&n->dev, n->dbbuf_dbs, &l1, 1);
    if (a && l1 != EMK_NVME_PAGE_SIZE) {
        emk_dma_unmap(&n->dev, a, l1, 1, 0);
        a = NULL;
    }
    b = a ? emk_dma_map(&n->dev, n->dbbuf_eis, &l2, 1) : NULL;
    if (b && l2 != EMK_NVME_PAGE_SIZE) {
        emk_dma_unmap(&n->dev, b, l2, 1, 0);
        b = NULL;
    }
    if (a && !b) {
        emk_dma_unmap(&n->dev, a, l1, 1, 0);
        a = NULL;
    }
    n->dbs_host = a;
    n->eis_host = b;
}

void nvme_shadow_unmap(nvme_ctrl *n)
{
    if (n->dbs_host)
        emk_dma_unmap(&n->dev, n->dbs_host, EMK_NVME_PAGE_SIZE, 1,
                      EMK_NVME_PAGE_SIZE);
    if (n->eis_host)
        emk_dma_unmap(&n->dev, n->eis_host, EMK_NVME_PAGE_SIZE, 1,
                      EMK_NVME_PAGE_SIZE);
    n->dbs_host = n->eis_host = NULL;
}

static uint32_t *shadow_ptr(nvme_ctrl *n, uint64_t addr)
{
    if (!n->dev.dma_enabled || (addr & 3))
        return NULL;
    if (n->dbs_host && addr - n->dbbuf_dbs < EMK_NVME_PAGE_SIZE)
        return n->dbs_host + (addr - n->dbbuf_dbs) / 4;
    if (n->eis_host && addr - n->dbbuf_eis < EMK_NVME_PAGE_SIZE)
        return n->eis_host + (addr - n->dbbuf_eis) / 4;
    return NULL;
}

uint32_t nvme_shadow_ld(nvme_ctrl *n, uint64_t addr)
{
    uint32_t *p = shadow_ptr(n, addr);
    uint64_t v = 0;

    if (p) {
        uint32_t raw = emk_load_acquire_u32(p);
        return emk_le32(&raw);
    }
    if (emk_dma_ld(&n->dev, addr, 4, &v) != 0)
        return UINT32_MAX;
    return (uint32_t)v;
}

void nvme_shadow_st(nvme_ctrl *n, uint64_t addr, uint32_t v)
{
    uint32_t *p = shadow_ptr(n, addr);

    if (p) {
        uint32_t raw;
        emk_st_le32(&raw, v);
        emk_store_release_u32(p, raw);
    } else
        (void)emk_dma_st(&n->dev, addr, 4, v);
}

static void ctrl_fatal(nvme_ctrl *n)
{
    nvme_store(&n->csts, n->csts | NVME_CSTS_CFS);
}

/* ---- creation / teardown ---------------------------------------------- */

static void sq_bh(void *opaque)
{
    nvme_sq_process(opaque);
}

int nvme_cq_create(nvme_ctrl *n, uint16_t qid, uint64_t base, uint16_t size,
                   uint16_t vector, int ien)
{
    nvme_cq *cq = calloc(1, sizeof(*cq));

    if (!cq)
        return -ENOMEM;
    cq->n = n;
    cq->qid = qid;
    cq->size = size;
    cq->vector = vector;
    cq->ien = ien;
    cq->base = base;
    cq->phase = 1;
    cq->loop = nvme_queue_loop(n, qid);
    pthread_mutex_init(&cq->lock, NULL);
    emk_timer_init(&cq->timer, cq->loop, nvme_cq_irq_timer, cq);
    emk_bh_init(&cq->irq_bh, cq->loop, nvme_cq_irq_bh, cq);
    pthread_mutex_lock(&n->irq_lock);
    n->cq[qid] = cq;
    pthread_mutex_unlock(&n->irq_lock);
    if (n->dbbuf_on)
        nvme_queue_attach_shadow(n, qid);
    return 0;
}

int nvme_sq_create(nvme_ctrl *n, uint16_t qid, uint64_t base, uint16_t size,
                   nvme_cq *cq)
{
    nvme_sq *sq = calloc(1, sizeof(*sq));
    unsigned i;

    if (!sq)
        return -ENOMEM;
    sq->reqs = calloc(size, sizeof(*sq->reqs));
    if (qid)
        sq->scratch = malloc(2 * (size_t)EMK_NVME_MAX_XFER);
    if (!sq->reqs || (qid && !sq->scratch)) {
        free(sq->reqs);
        free(sq->scratch);
        free(sq);
        return -ENOMEM;
    }
    sq->n = n;
    sq->qid = qid;
    sq->size = size;
    sq->base = base;
    sq->cq = cq;
    sq->loop = nvme_queue_loop(n, qid);
    for (i = 0; i < size; i++) {
        sq->reqs[i].sq = sq;
        sq->reqs[i].next = i + 1 < size ? &sq->reqs[i + 1] : NULL;
        emk_sglist_init(&sq->reqs[i].sgl, sq->reqs[i].sge, NVME_MAX_SGE);
    }
    sq->free = &sq->reqs[0];
    emk_bh_init(&sq->bh, sq->loop, sq_bh, sq);
    pthread_mutex_lock(&cq->lock);
    cq->nsq++;
    pthread_mutex_unlock(&cq->lock);
    n->sq[qid] = sq;
    if (n->dbbuf_on)
        nvme_queue_attach_shadow(n, qid);
    return 0;
}

static void cq_quiesce(void *opaque)
{
    nvme_cq *cq = opaque;

    emk_timer_del(&cq->timer);
    emk_bh_cancel(&cq->irq_bh);
}

void nvme_cq_destroy(nvme_cq *cq)
{
    nvme_ctrl *n = cq->n;

    emk_loop_call(cq->loop, cq_quiesce, cq);
    pthread_mutex_lock(&n->irq_lock);
    n->cq[cq->qid] = NULL;
    pthread_mutex_unlock(&n->irq_lock);
    pthread_mutex_destroy(&cq->lock);
    free(cq);
}

static void sq_quiesce(void *opaque)
{
    nvme_sq *sq = opaque;

    nvme_store_int(&sq->dead, 1);
    sq->polling = 0;
    emk_bh_cancel(&sq->bh);
}

void nvme_sq_kill(nvme_sq *sq)
{
    emk_loop_call(sq->loop, sq_quiesce, sq);
}

void nvme_sq_destroy(nvme_sq *sq)
{
    nvme_ctrl *n = sq->n;

    emk_loop_call(sq->loop, sq_quiesce, sq);
    pthread_mutex_lock(&sq->cq->lock);
    sq->cq->nsq--;
    pthread_mutex_unlock(&sq->cq->lock);
    n->sq[sq->qid] = NULL;
    free(sq->reqs);
    free(sq->scratch);
    free(sq);
}

/* ---- shadow doorbells and notifiers ----------------------------------- */

void nvme_queue_attach_shadow(nvme_ctrl *n, unsigned qid)
{
    nvme_sq *sq = n->sq[qid];
    nvme_cq *cq = n->cq[qid];
    uint64_t sqdb = n->dbbuf_dbs + 8ull * qid, sqei = n->dbbuf_eis + 8ull * qid;

    if (sq && !sq->db_addr) {
        nvme_shadow_st(n, sqdb, nvme_load(&sq->tail));
        nvme_shadow_st(n, sqei, nvme_load(&sq->tail));
        sq->ei_addr = sqei;
        nvme_fence();
        sq->db_addr = sqdb;
    }
    if (cq && !cq->db_addr) {
        pthread_mutex_lock(&cq->lock);
        nvme_shadow_st(n, sqdb + 4, cq->head);
        nvme_shadow_st(n, sqei + 4, cq->head);
        cq->ei_addr = sqei + 4;
        cq->db_addr = sqdb + 4;
        pthread_mutex_unlock(&cq->lock);
    }
    if (qid && n->opts.notifier_doorbells)
        nvme_queue_notifiers_on(n, qid);
}

static void dbn_cb(void *opaque)
{
    nvme_dbn *d = opaque;
    nvme_ctrl *n = d->n;

    nvme_stat(&n->stats.notifier_kicks, 1);
    if (!d->is_cq) {
        nvme_sq *sq = n->sq[d->qid];
        if (sq && !nvme_load_int(&sq->dead))
            nvme_sq_process(sq);
    } else {
        nvme_cq *cq = n->cq[d->qid];
        if (cq && cq->db_addr)
            nvme_cq_head_update(cq, nvme_shadow_ld(n, cq->db_addr));
    }
}

typedef struct dbn_attach {
    nvme_dbn *d;
    emk_loop *loop;
    int attach;
    int ret;
} dbn_attach;

static void dbn_attach_fn(void *opaque)
{
    dbn_attach *a = opaque;

    if (a->attach)
        a->ret = emk_loop_add_notifier(a->loop, &a->d->nt, dbn_cb, a->d);
    else
        emk_loop_del_notifier(&a->d->nt);
}

int nvme_queue_notifiers_on(nvme_ctrl *n, unsigned qid)
{
    int k, err;

    for (k = 0; k < 2; k++) {
        nvme_dbn *d = &n->dbn[2 * qid + (unsigned)k];
        dbn_attach a;

        if (d->on)
            continue;
        d->n = n;
        d->qid = qid;
        d->is_cq = k;
        err = emk_notifier_init(&d->nt);
        if (err)
            return err;
        a.d = d;
        a.loop = nvme_queue_loop(n, qid);
        a.attach = 1;
        a.ret = 0;
        emk_loop_call(a.loop, dbn_attach_fn, &a);
        if (a.ret) {
            emk_notifier_cleanup(&d->nt);
            return a.ret;
        }
        err = emk_dev_add_ioeventfd(&n->dev, &n->bar0,
                                    EMK_NVME_DB_BASE + 8ull * qid + 4u * (unsigned)k,
                                    4, &d->nt);
        if (err) {
            a.attach = 0;
            emk_loop_call(a.loop, dbn_attach_fn, &a);
            emk_notifier_cleanup(&d->nt);
            return err;   /* that doorbell stays trapped: still correct */
        }
        d->on = 1;
    }
    return 0;
}

void nvme_notifiers_off(nvme_ctrl *n)
{
    unsigned i;

    emk_dev_del_ioeventfds(&n->dev);
    for (i = 0; i < 2 * (EMK_NVME_MAX_QUEUES + 1); i++) {
        nvme_dbn *d = &n->dbn[i];
        dbn_attach a;

        if (!d->on)
            continue;
        a.d = d;
        a.loop = nvme_queue_loop(n, d->qid);
        a.attach = 0;
        emk_loop_call(a.loop, dbn_attach_fn, &a);
        emk_notifier_cleanup(&d->nt);
        d->on = 0;
    }
}

/* ---- doorbells ----------------------------------------------------------- */

void nvme_sq_kick(nvme_sq *sq)
{
    if (sq->loop == sq->n->dev.loop && sq->n->opts.niothreads == 0)
        nvme_sq_process(sq);           /* trap-and-emulate: inline */
    else
        emk_bh_schedule(&sq->bh);
}

void nvme_doorbell_write(nvme_ctrl *n, uint64_t off, uint32_t val)
{
    unsigned idx = (unsigned)(off / 4), qid = idx / 2;

    if ((off & 3) || !nvme_ready(n))
        return;
    nvme_stat(&n->stats.mmio_doorbells, 1);
    if (qid > n->max_queues) {
        nvme_event_post(n, NVME_AER_TYPE_ERROR, NVME_AER_INFO_INVALID_DB_REG,
                        NVME_LOG_ERROR);
        return;
    }
    if (!(idx & 1)) {
        nvme_sq *sq = n->sq[qid];
        if (!sq) {
            nvme_event_post(n, NVME_AER_TYPE_ERROR,
                            NVME_AER_INFO_INVALID_DB_REG, NVME_LOG_ERROR);
            return;
        }
        if (val >= sq->size) {
            nvme_event_post(n, NVME_AER_TYPE_ERROR,
                            NVME_AER_INFO_INVALID_DB_VALUE, NVME_LOG_ERROR);
            return;
        }
        nvme_store(&sq->tail, val);
        if (sq->db_addr)
            nvme_shadow_st(n, sq->db_addr, val);   /* keep both in step */
        nvme_sq_kick(sq);
    } else {
        nvme_cq *cq = n->cq[qid];
        if (!cq) {
            nvme_event_post(n, NVME_AER_TYPE_ERROR,
                            NVME_AER_INFO_INVALID_DB_REG, NVME_LOG_ERROR);
            return;
        }
        if (val >= cq->size) {
            nvme_event_post(n, NVME_AER_TYPE_ERROR,
                            NVME_AER_INFO_INVALID_DB_VALUE, NVME_LOG_ERROR);
            return;
        }
        if (cq->db_addr)
            nvme_shadow_st(n, cq->db_addr, val);
        nvme_cq_head_update(cq, val);
    }
}

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

    nvme_st32(e, r->dw0);
    nvme_st32(e + 4, 0);
    nvme_st16(e + 8, (uint16_t)nvme_load(&r->sq->head));
    nvme_st16(e + 10, r->sq->qid);
    nvme_st16(e + 12, r->cmd.cid);
    nvme_st16(e + 14, sf);
    if (emk_dma_write(&n->dev, addr, e, 14) != 0)
        return -EFAULT;
    nvme_fence();                     /* entry before its phase tag */
    if (emk_dma_write(&n->dev, addr + 14, e + 14, 2) != 0)
        return -EFAULT;
    cq->tail = (cq->tail + 1) % cq->size;
    if (cq->tail == 0)
        cq->phase ^= 1;
    cq->irq_pending++;
    return 0;
}

/* Returns a request slot; cq->lock held.  1 if the SQ was stalled. */
static int req_free_locked(nvme_req *r)
{
    nvme_sq *sq = r->sq;
    int stalled;

    r->next = sq->free;
    sq->free = r;
    nvme_dec(&sq->inflight);
    stalled = sq->stalled;
    sq->stalled = 0;
    return stalled;
}

void nvme_req_release(nvme_req *r)
{
    nvme_sq *sq = r->sq;
    int stalled;

    pthread_mutex_lock(&sq->cq->lock);
    stalled = req_free_locked(r);
    pthread_mutex_unlock(&sq->cq->lock);
    if (stalled && !nvme_load_int(&sq->dead))
        emk_bh_schedule(&sq->bh);
}

static void after_free(nvme_sq *sq, int stalled)
{
    nvme_ctrl *n = sq->n;

    if (nvme_load_int(&sq->dead)) {
        if (sq->delete_req || n->resetting)
            if (nvme_load(&sq->inflight) == 0)
                emk_bh_schedule(&n->state_bh);
        return;
    }
    if (stalled)
        emk_bh_schedule(&sq->bh);
}

void nvme_complete(nvme_req *r)
{
    nvme_sq *sq = r->sq;
    nvme_cq *cq = sq->cq;
    nvme_ctrl *n = sq->n;
    int stalled, action = NVME_IRQ_NONE;
    emk_loop *my_loop = sq->loop;

    if (r->status) {
        nvme_stat(&n->stats.errors, 1);
        nvme_error_log_add(n, r, r->status);
    }
    if (sq->qid)
        nvme_stat(&n->stats.io_completed, 1);
    pthread_mutex_lock(&cq->lock);
    if (nvme_load_int(&sq->dead) && n->resetting) {
        stalled = req_free_locked(r);            /* reset: drop it */
    } else {
        if (cq_full(cq) && cq->db_addr)
            cq_set_head(cq, nvme_shadow_ld(n, cq->db_addr));
        if (cq_full(cq) || cq->backlog) {
            r->next = NULL;                      /* wait for room */
            if (cq->backlog_tail)
                cq->backlog_tail->next = r;
            else
                cq->backlog = r;
            cq->backlog_tail = r;
            if (cq->ei_addr) {
                nvme_shadow_st(n, cq->ei_addr, cq->head);
                nvme_fence();
                cq_set_head(cq, nvme_shadow_ld(n, cq->db_addr));
            }
            pthread_mutex_unlock(&cq->lock);
            return;
        }
        if (cq_post_locked(cq, r) != 0)
            ctrl_fatal(n);
        else
            action = nvme_cq_irq_decide_locked(cq);
        stalled = req_free_locked(r);
    }
    pthread_mutex_unlock(&cq->lock);
    nvme_cq_irq_act(cq, action, my_loop == cq->loop);
    after_free(sq, stalled);
}

void nvme_cq_drop_backlog(nvme_cq *cq)
{
    nvme_req *r;

    pthread_mutex_lock(&cq->lock);
    r = cq->backlog;
    cq->backlog = cq->backlog_tail = NULL;
    pthread_mutex_unlock(&cq->lock);
    while (r) {
        nvme_req *next = r->next;
        nvme_req_release(r);           /* reset: completions are dropped */
        r = next;
    }
}

void nvme_cq_head_update(nvme_cq *cq, uint32_t head)
{
    nvme_ctrl *n = cq->n;
    nvme_sq *kick[EMK_NVME_MAX_QUEUES + 1];
    unsigned nkick = 0, i;
    int action = NVME_IRQ_NONE, ok;

    pthread_mutex_lock(&cq->lock);
    ok = cq_set_head(cq, head);
    while (ok && cq->backlog && !cq_full(cq)) {
        nvme_req *r = cq->backlog;
        cq->backlog = r->next;
        if (!cq->backlog)
            cq->backlog_tail = NULL;
        if (cq_post_locked(cq, r) != 0)
            ctrl_fatal(n);
        if (req_free_locked(r) || nvme_load_int(&r->sq->dead)) {
            for (i = 0; i < nkick && kick[i] != r->sq; i++)
                ;
            if (i == nkick && nkick < EMK_NVME_MAX_QUEUES + 1)
                kick[nkick++] = r->sq;
        }
    }
    if (ok)
        action = nvme_cq_irq_decide_locked(cq);
    pthread_mutex_unlock(&cq->lock);
    if (!ok) {
        nvme_event_post(n, NVME_AER_TYPE_ERROR, NVME_AER_INFO_INVALID_DB_VALUE,
                        NVME_LOG_ERROR);
        return;
    }
    if (action != NVME_IRQ_NONE)
        nvme_cq_irq_act(cq, action, 0);
    else
        nvme_irq_intx_update(n);
    for (i = 0; i < nkick; i++)
        after_free(kick[i], 1);
}

/* ---- submission ---------------------------------------------------------- */

static uint32_t sq_current_tail(nvme_sq *sq)
{
    if (sq->db_addr) {
        uint32_t t = nvme_shadow_ld(sq->n, sq->db_addr);
        nvme_stat(&sq->n->stats.shadow_reads, 1);
        if (t < sq->size)
            return t;
    }
    return nvme_load(&sq->tail);
}

static void decode_cmd(nvme_cmd *c)
{
    const uint8_t *b = c->raw;

    c->opcode = b[0];
    c->flags = b[1];
    c->cid = nvme_ld16(b + 2);
    c->nsid = nvme_ld32(b + 4);
    c->mptr = nvme_ld64(b + 16);
    c->prp1 = nvme_ld64(b + 24);
    c->prp2 = nvme_ld64(b + 32);
    c->cdw10 = nvme_ld32(b + 40);
    c->cdw11 = nvme_ld32(b + 44);
    c->cdw12 = nvme_ld32(b + 48);
    c->cdw13 = nvme_ld32(b + 52);
    c->cdw14 = nvme_ld32(b + 56);
    c->cdw15 = nvme_ld32(b + 60);
}

/* Fetches and dispatches one command.  1 done, 0 must wait (no slot or
 * scratch busy), -1 fatal. */
static int sq_fetch_one(nvme_sq *sq)
{
    nvme_ctrl *n = sq->n;
    nvme_req *r;
    uint8_t op;

    pthread_mutex_lock(&sq->cq->lock);
    r = sq->free;
    if (r) {
        sq->free = r->next;
        nvme_inc(&sq->inflight);
    } else {
        sq->stalled = 1;
    }
    pthread_mutex_unlock(&sq->cq->lock);
    if (!r)
        return 0;
    if (emk_dma_read(&n->dev, sq->base + 64ull * sq->head, r->cmd.raw, 64)) {
        nvme_req_release(r);
        ctrl_fatal(n);
        return -1;
    }
    op = r->cmd.raw[0];
    if (sq->qid && (op == NVME_CMD_COMPARE || op == NVME_CMD_DSM) &&
        sq->scratch_busy) {
        nvme_req_release(r);           /* retried when the scratch frees */
        sq->stalled = 1;
        return 0;
    }
    decode_cmd(&r->cmd);
    nvme_store(&sq->head, (sq->head + 1) % sq->size);
    r->status = 0;
    r->dw0 = 0;
    r->ns = NULL;
    r->mapped = 0;
    r->niov = 0;
    r->step = 0;
    r->uses_scratch = 0;
    r->next = NULL;
    emk_sglist_reset(&r->sgl);
    nvme_stat(&n->stats.commands, 1);
    if (sq->qid == 0)
        nvme_admin_exec(r);
    else
        nvme_io_exec(r);
    return 1;
}

void nvme_sq_process(nvme_sq *sq)
{
    nvme_ctrl *n = sq->n;
    unsigned budget = sq->size;       /* bounded work per call */

    for (;;) {
        uint32_t tail;
        int found = 0, rc = 1;

        if (nvme_load_int(&sq->dead) || !nvme_ready(n) ||
            (n->csts & NVME_CSTS_CFS))
            return;
        tail = sq_current_tail(sq);
        while (sq->head != tail && budget) {
            rc = sq_fetch_one(sq);
            if (rc <= 0)
                break;
            found++;
            budget--;
            if (nvme_load_int(&sq->dead))
                return;
        }
        if (rc <= 0)
            return;                   /* resumes when a slot frees */
        if (budget == 0) {
            emk_bh_schedule(&sq->bh); /* yield, continue later */
            return;
        }
        if (sq->ei_addr) {
            if (nvme_poll_continue(sq, found)) {
                /* polling: EventIdx one behind, the guest need not ring */
                nvme_shadow_st(n, sq->ei_addr,
                               (sq->head + sq->size - 1) % sq->size);
                emk_bh_schedule(&sq->bh);
                return;
            }
            nvme_shadow_st(n, sq->ei_addr, sq->head);
            nvme_fence();
            if (sq_current_tail(sq) != sq->head)
                continue;
            return;
        }
        nvme_fence();
        if (nvme_load(&sq->tail) != sq->head)
            continue;
        return;
    }
}
