/*
 * queues.c - submission and completion queues: which loop owns a queue,
 * the per-qid slots, creation and teardown (the admin queue pair at
 * enable, I/O queues from Create/Delete I/O SQ/CQ).
 *
 * The controller thread decides; the owner acts.  Every function here is
 * called in the controller thread and runs the part that touches a queue
 * (publishing it, its bottom halves and timers, unlinking, freeing) in the
 * queue's owner through emk_loop_call, which waits.  So n->sq[qid] and
 * n->cq[qid] change only in the owner, which is also the only thread that
 * processes the queue: a doorbell handler there can never see a queue
 * that is being freed.
 */
#include <stdlib.h>

#include "nvme_int.h"
#include "trace_int.h"

emk_loop *emk_nvme_queue_loop(nvme_ctrl *n, unsigned qid)
{
    unsigned idx;

    if (qid == 0 || n->opts.niothreads == 0)
        return n->dev.loop;
    idx = n->opts.queue_map ? n->opts.queue_map[qid - 1] : qid - 1;
    return n->opts.iothreads[idx % n->opts.niothreads];
}

static emk_trace_event ev_queue = EMK_TRACE_EVENT_INIT("nvme_queue");

/* ---- slots ------------------------------------------------------------ */

void emk_nvme_slots_init(nvme_ctrl *n)
{
    unsigned qid;

    for (qid = 0; qid <= n->max_queues; qid++) {
        nvme_qslot *s = &n->slot[qid];

        s->n = n;
        s->qid = (uint16_t)qid;
        s->loop = emk_nvme_queue_loop(n, qid);
        emk_bh_init(&s->bh, s->loop, emk_nvme_slot_bh, s);
    }
}

static void slot_quiesce(void *opaque)
{
    emk_bh_cancel(&((nvme_qslot *)opaque)->bh);
}

/* After every queue is gone: no slot bottom half runs or stays queued. */
void emk_nvme_slots_cleanup(nvme_ctrl *n)
{
    unsigned qid;

    for (qid = 0; qid <= n->max_queues; qid++)
        emk_loop_call(n->slot[qid].loop, slot_quiesce, &n->slot[qid]);
}

/* ---- creation ---------------------------------------------------------- */

static void cq_install(void *opaque)
{
    nvme_cq *cq = opaque;
    nvme_ctrl *n = cq->n;
    nvme_qslot *s = &n->slot[cq->qid];

    emk_timer_init(&cq->timer, cq->loop, emk_nvme_cq_irq_timer, cq);
    emk_bh_init(&cq->irq_bh, cq->loop, emk_nvme_cq_irq_bh, cq);
    emk_bh_init(&cq->fire_bh, cq->loop, emk_nvme_cq_fire_bh, cq);
    nvme_store(&s->cq_head, 0);
    pthread_mutex_lock(&n->irq_lock);
    n->cq[cq->qid] = cq;
    pthread_mutex_unlock(&n->irq_lock);
    nvme_store(&s->cq_size, cq->size);
    emk_nvme_dbn_update(n, cq->qid, 1);
    EMK_TRACE(ev_queue, "create cq %u: %u entries, vector %u", (unsigned)cq->qid,
              (unsigned)cq->size, (unsigned)cq->vector);
}

int emk_nvme_cq_create(nvme_ctrl *n, uint16_t qid, uint64_t base, uint16_t size,
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
    cq->loop = n->slot[qid].loop;
    pthread_mutex_init(&cq->lock, NULL);
    emk_loop_call(cq->loop, cq_install, cq);
    if (n->dbbuf_on)
        emk_nvme_queues_set_shadow(n);
    return 0;
}

static void sq_install(void *opaque)
{
    nvme_sq *sq = opaque;
    nvme_ctrl *n = sq->n;
    nvme_qslot *s = &n->slot[sq->qid];

    emk_bh_init(&sq->bh, sq->loop, emk_nvme_sq_bh, sq);
    pthread_mutex_lock(&sq->cq->lock);
    sq->cq->nsq++;
    pthread_mutex_unlock(&sq->cq->lock);
    nvme_store(&s->sq_tail, 0);
    n->sq[sq->qid] = sq;
    nvme_store(&s->sq_size, sq->size);
    emk_nvme_dbn_update(n, sq->qid, 0);
    EMK_TRACE(ev_queue, "create sq %u: %u entries on cq %u", (unsigned)sq->qid,
              (unsigned)sq->size, (unsigned)sq->cq->qid);
}

int emk_nvme_sq_create(nvme_ctrl *n, uint16_t qid, uint64_t base, uint16_t size,
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
    sq->loop = n->slot[qid].loop;
    sq->inflight = &n->slot[qid].inflight;   /* 0: a queue goes when idle */
    for (i = 0; i < size; i++) {
        sq->reqs[i].sq = sq;
        sq->reqs[i].next = i + 1 < size ? &sq->reqs[i + 1] : NULL;
        emk_sglist_init(&sq->reqs[i].sgl, sq->reqs[i].sge, NVME_MAX_SGE);
    }
    sq->free = &sq->reqs[0];
    emk_loop_call(sq->loop, sq_install, sq);
    if (n->dbbuf_on)
        emk_nvme_queues_set_shadow(n);
    return 0;
}

/* ---- teardown ---------------------------------------------------------- */

static void cq_remove(void *opaque)
{
    nvme_cq *cq = opaque;
    nvme_ctrl *n = cq->n;

    EMK_TRACE(ev_queue, "delete cq %u", (unsigned)cq->qid);
    nvme_store(&n->slot[cq->qid].cq_size, 0);
    emk_store_relaxed_u64(&n->slot[cq->qid].cq_db, 0);
    emk_timer_del(&cq->timer);
    emk_bh_cancel(&cq->irq_bh);
    emk_bh_cancel(&cq->fire_bh);
    pthread_mutex_lock(&n->irq_lock);
    n->cq[cq->qid] = NULL;
    pthread_mutex_unlock(&n->irq_lock);
    emk_nvme_dbn_update(n, cq->qid, 1);      /* before the free */
    pthread_mutex_destroy(&cq->lock);
    free(cq);
}

/* Only once no SQ is bound to it (Delete CQ checks, reset deletes SQs
 * first), so no other thread can still post to it. */
void emk_nvme_cq_destroy(nvme_cq *cq)
{
    emk_loop_call(cq->loop, cq_remove, cq);
}

static void sq_quiesce(void *opaque)
{
    nvme_sq *sq = opaque;

    pthread_mutex_lock(&sq->cq->lock);
    nvme_store_int(&sq->dead, 1);
    pthread_mutex_unlock(&sq->cq->lock);
    sq->polling = 0;
    emk_bh_cancel(&sq->bh);
}

/* Stops fetching; commands in flight still complete. */
void emk_nvme_sq_kill(nvme_sq *sq)
{
    emk_loop_call(sq->loop, sq_quiesce, sq);
}

/* 1 if no command of sq is in flight.  Read under the lock that frees
 * them, so a free that sees the queue alive cannot be missed by a caller
 * that killed the queue before asking. */
int emk_nvme_sq_idle(nvme_sq *sq)
{
    uint32_t v;

    pthread_mutex_lock(&sq->cq->lock);
    v = *sq->inflight;
    pthread_mutex_unlock(&sq->cq->lock);
    return v == 0;
}

static void sq_remove(void *opaque)
{
    nvme_sq *sq = opaque;
    nvme_ctrl *n = sq->n;

    EMK_TRACE(ev_queue, "delete sq %u", (unsigned)sq->qid);
    nvme_store(&n->slot[sq->qid].sq_size, 0);
    emk_store_relaxed_u64(&n->slot[sq->qid].sq_db, 0);
    n->sq[sq->qid] = NULL;
    emk_nvme_dbn_update(n, sq->qid, 0);      /* before the free */
    pthread_mutex_lock(&sq->cq->lock);
    nvme_store_int(&sq->dead, 1);
    sq->cq->nsq--;
    pthread_mutex_unlock(&sq->cq->lock);
    sq->polling = 0;
    emk_bh_cancel(&sq->bh);
    free(sq->reqs);
    free(sq->scratch);
    free(sq);
}

/* Only once emk_nvme_sq_idle: nothing of it is left on another thread. */
void emk_nvme_sq_destroy(nvme_sq *sq)
{
    emk_loop_call(sq->loop, sq_remove, sq);
}

/* ---- shadow doorbells -------------------------------------------------- */

/* The admin queue pair has no shadow words: hosts (Linux) only keep them
 * for I/O queues. */
static void queue_shadow(void *opaque)
{
    nvme_qslot *s = opaque;
    nvme_ctrl *n = s->n;
    nvme_sq *sq = n->sq[s->qid];
    nvme_cq *cq = n->cq[s->qid];
    uint64_t db = n->dbbuf_dbs + 8ull * s->qid, ei = n->dbbuf_eis + 8ull * s->qid;

    if (s->qid == 0)
        return;
    if (sq) {
        uint32_t tail = nvme_load(&s->sq_tail);

        emk_nvme_shw_set(n, &sq->db, db);
        emk_nvme_shw_set(n, &sq->ei, ei);
        emk_nvme_shw_st(n, &sq->db, tail < sq->size ? tail : sq->head);
        emk_nvme_shw_st(n, &sq->ei, sq->head);
        emk_store_relaxed_u64(&s->sq_db, sq->db.addr);
    }
    if (cq) {
        pthread_mutex_lock(&cq->lock);
        emk_nvme_shw_set(n, &cq->db, db + 4);
        emk_nvme_shw_set(n, &cq->ei, ei + 4);
        emk_nvme_shw_st(n, &cq->db, cq->head);
        emk_nvme_shw_st(n, &cq->ei, cq->head);
        pthread_mutex_unlock(&cq->lock);
        emk_store_relaxed_u64(&s->cq_db, cq->db.addr);
    }
}

/* Points every live queue at the current shadow buffer (or at none, when
 * dbbuf_on is 0) in its owner.  When this returns no queue uses the
 * previous mapping any more, so the caller may unmap it. */
void emk_nvme_queues_set_shadow(nvme_ctrl *n)
{
    unsigned qid;

    for (qid = 1; qid <= n->max_queues; qid++) {
        if (!n->sq[qid] && !n->cq[qid])
            continue;
        emk_loop_call(n->slot[qid].loop, queue_shadow, &n->slot[qid]);
        if (qid && n->dbbuf_on && n->opts.notifier_doorbells)
            emk_nvme_queue_notifiers_on(n, qid);
    }
}
