/*
 * coalesce.c - interrupt delivery: message vectors and the pin as the
 * transport's interrupt objects (emk_irq), INTx level with INTMS masking,
 * and interrupt coalescing
 * (Set Features 0x08 aggregation threshold/time, 0x09 per-vector
 * Coalescing Disable).  Coalescing applies to I/O completion queues only;
 * an aggregation time of 0 disables it.
 *
 * Without coalescing, a completion does not raise its vector at once: it
 * schedules the CQ's fire bottom half, which runs after the loop's current
 * batch of callbacks (the backend completions that arrived together), so
 * a batch of CQEs costs one interrupt, not one each.  Nothing waits for a
 * timer: the bottom half runs in the same loop iteration or the next.
 *
 * Adaptive holding (irq_adapt_ns > 0, I/O queues): when the host is busy
 * - its last doorbell brought more than one command, or it has not yet
 * consumed the entries the last interrupt announced (its shadow CQ head is
 * not the tail at that interrupt) - the next interrupt waits on a timer
 * for up to irq_adapt_ns, gathering the completions that arrive
 * meanwhile.  An interrupt is never dropped, only held; a host that
 * submits one command at a time and keeps up (QD1) sees no delay.
 */
#include "nvme_int.h"

/* Message vectors while the transport's first one is deliverable (MSI-X
 * or MSI enabled), else the pin. */
static int msix_on(nvme_ctrl *n)
{
    return n->irq_nvec && emk_irq_ready(&n->irq_vec[0]);
}

static void raise_vector(nvme_ctrl *n, unsigned vector)
{
    nvme_stat(&n->stats.interrupts, 1);
    if (vector < n->irq_nvec)
        emk_irq_raise(&n->irq_vec[vector], 1);
}

void emk_nvme_irq_intx_update(nvme_ctrl *n)
{
    unsigned i;
    int level = 0;

    if (msix_on(n))
        return;
    pthread_mutex_lock(&n->irq_lock);
    if (!(n->intms & 1)) {
        for (i = 0; i <= n->max_queues && !level; i++) {
            nvme_cq *cq = n->cq[i];    /* freed only after irq_lock */
            uint32_t head;
            if (!cq)
                continue;
            pthread_mutex_lock(&cq->lock);
            head = cq->head;
            if (cq->db.addr) {         /* the guest may skip CQ doorbells */
                uint32_t sh = emk_nvme_shw_ld(n, &cq->db);
                if (sh < cq->size)
                    head = sh;
            }
            level = cq->ien && head != cq->tail;
            pthread_mutex_unlock(&cq->lock);
        }
    }
    if (level != n->intx_level) {
        n->intx_level = level;
        if (level)
            nvme_stat(&n->stats.interrupts, 1);
        emk_irq_raise(n->irq_intx, level);
    }
    pthread_mutex_unlock(&n->irq_lock);
}

/* 1 if adaptive holding applies and the host is busy: it submitted more
 * than one command at a time, or it has not consumed the entries of the
 * last interrupt yet; cq->lock held */
static int host_busy(nvme_cq *cq)
{
    uint32_t head;

    if (cq->n->opts.irq_adapt_ns <= 0 || cq->qid == 0)
        return 0;
    if (nvme_load_int(&cq->burst))
        return 1;
    if (!cq->db.addr)
        return 0;
    head = emk_nvme_shw_ld(cq->n, &cq->db);
    return head < cq->size && head != cq->signalled;
}

static int coalesced(const nvme_cq *cq)
{
    const nvme_ctrl *n = cq->n;

    return n->opts.coalescing && cq->qid != 0 && n->coal_time != 0 &&
           cq->vector < EMK_NVME_MAX_VECTORS && !n->vec_cd[cq->vector];
}

int emk_nvme_cq_irq_decide_locked(nvme_cq *cq)
{
    nvme_ctrl *n = cq->n;

    if (!cq->ien || cq->irq_pending == 0)
        return NVME_IRQ_NONE;
    if (!msix_on(n))
        return NVME_IRQ_INTX;
    if (!coalesced(cq)) {
        if (cq->fire_want || cq->timer_want)
            return NVME_IRQ_NONE;           /* already due, or held */
        if (host_busy(cq)) {
            nvme_stat(&n->stats.coalesced, 1);
            cq->timer_want = 1;
            cq->arm_ns = n->opts.irq_adapt_ns;
            return NVME_IRQ_ARM;
        }
        cq->fire_want = 1;
        return NVME_IRQ_BATCH;
    }
    if (cq->irq_pending >= (unsigned)n->coal_thr + 1) {
        cq->irq_pending = 0;
        cq->signalled = cq->tail;
        return NVME_IRQ_FIRE;
    }
    nvme_stat(&n->stats.coalesced, 1);
    if (cq->timer_want)
        return NVME_IRQ_NONE;
    cq->timer_want = 1;
    cq->arm_ns = (int64_t)n->coal_time * 100000;
    return NVME_IRQ_ARM;
}

void emk_nvme_cq_irq_act(nvme_cq *cq, int action, int same_thread)
{
    switch (action) {
    case NVME_IRQ_FIRE:
        raise_vector(cq->n, cq->vector);
        break;
    case NVME_IRQ_INTX:
        emk_nvme_irq_intx_update(cq->n);
        break;
    case NVME_IRQ_BATCH:
        emk_bh_schedule(&cq->fire_bh);
        break;
    case NVME_IRQ_ARM:
        if (same_thread)
            emk_nvme_cq_irq_bh(cq);
        else
            emk_bh_schedule(&cq->irq_bh);
        break;
    default:
        break;
    }
}

void emk_nvme_cq_irq_bh(void *opaque)
{
    nvme_cq *cq = opaque;
    int64_t hold;

    pthread_mutex_lock(&cq->lock);
    hold = cq->arm_ns;
    pthread_mutex_unlock(&cq->lock);
    if (!emk_timer_pending(&cq->timer))
        emk_timer_mod(&cq->timer, emk_loop_now(cq->loop) + hold);
}

void emk_nvme_cq_fire_bh(void *opaque)
{
    nvme_cq *cq = opaque;
    int want;

    pthread_mutex_lock(&cq->lock);
    want = cq->fire_want;
    cq->fire_want = 0;
    if (want) {
        cq->irq_pending = 0;
        cq->signalled = cq->tail;
    }
    pthread_mutex_unlock(&cq->lock);
    if (want && cq->ien)
        raise_vector(cq->n, cq->vector);
}

void emk_nvme_cq_irq_timer(void *opaque)
{
    nvme_cq *cq = opaque;
    unsigned pending;

    pthread_mutex_lock(&cq->lock);
    pending = cq->irq_pending;
    cq->irq_pending = 0;
    cq->timer_want = 0;
    if (pending)
        cq->signalled = cq->tail;
    pthread_mutex_unlock(&cq->lock);
    if (pending && cq->ien)
        raise_vector(cq->n, cq->vector);
}

void emk_nvme_cq_irq_fire(nvme_cq *cq)
{
    pthread_mutex_lock(&cq->lock);
    cq->irq_pending = 0;
    cq->fire_want = 0;
    cq->signalled = cq->tail;
    pthread_mutex_unlock(&cq->lock);
    if (cq->ien)
        raise_vector(cq->n, cq->vector);
}
