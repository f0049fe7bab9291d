/*
 * doorbell.c - doorbells: trapped MMIO writes, notifier (ioeventfd)
 * doorbells, and the Shadow Doorbell Buffer with EventIdx.
 *
 * Memory ordering of the shadow buffer (both sides follow the same
 * Dekker-style pattern, so at least one side sees the other's store):
 *   guest:  store shadow tail; full barrier; load EventIdx; ring MMIO if
 *           need_event(EventIdx, new, old)
 *   device: consume up to tail; store EventIdx = tail; full barrier;
 *           reload shadow tail and continue if it moved (submit.c).
 */
#include "nvme_int.h"

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
