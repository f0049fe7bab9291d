/*
 * queues.c - submission and completion queues: which loop runs a queue,
 * creation and teardown (the admin queue pair at enable, I/O queues from
 * Create I/O SQ/CQ).
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
    emk_bh_init(&cq->fire_bh, cq->loop, nvme_cq_fire_bh, cq);
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
    emk_bh_cancel(&cq->fire_bh);
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
