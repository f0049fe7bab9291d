/*
 * doorbell.c - doorbells: trapped MMIO writes and notifier (ioeventfd)
 * doorbells, brought to the queue's owner.
 *
 * An MMIO doorbell may come from any thread (a vCPU).  It never touches a
 * queue: it checks the value against the size the owner published in the
 * qid's slot, stores it in the slot's mailbox and either runs the owner's
 * handler itself, when this thread may act as the owner
 * (emk_loop_in_thread: trap-and-emulate on the device's own thread, or
 * QEMU's vCPU under the BQL for a loop QEMU's main loop drives), or
 * schedules the slot's bottom half in the owner.  Mailboxes hold the
 * newest value; the owner re-validates it against the live queue.
 */
#include "nvme_int.h"
#include "trace_int.h"

static void slot_resync(nvme_cq *cq)
{
    int due;

    pthread_mutex_lock(&cq->lock);
    due = cq->ien && cq->head != cq->tail;
    pthread_mutex_unlock(&cq->lock);
    if (due)
        emk_nvme_cq_irq_fire(cq);
}

/* In the owner: the queue pair's doorbells and interrupt resync. */
static void slot_run(nvme_qslot *s, unsigned work)
{
    nvme_ctrl *n = s->n;
    nvme_sq *sq = n->sq[s->qid];
    nvme_cq *cq = n->cq[s->qid];

    if ((work & NVME_SLOT_CQ) && cq) {
        uint32_t head;

        /* the shadow word is at least as new as the mailbox */
        pthread_mutex_lock(&cq->lock);
        head = cq->db.addr ? emk_nvme_shw_ld(n, &cq->db) : nvme_load(&s->cq_head);
        pthread_mutex_unlock(&cq->lock);
        if (head < cq->size)
            emk_nvme_cq_head_update(cq, head);
    }
    if ((work & NVME_SLOT_SQ) && sq && !nvme_load_int(&sq->dead))
        emk_nvme_sq_process(sq);
    if ((work & NVME_SLOT_RESYNC) && cq)
        slot_resync(cq);
}

void emk_nvme_slot_bh(void *opaque)
{
    nvme_qslot *s = opaque;

    slot_run(s, emk_xchg_u32(&s->work, 0));
}

/* Hands work to the slot's owner: at once if this thread may act as the
 * owner, else through the slot's bottom half.  Any thread. */
void emk_nvme_slot_kick(nvme_qslot *s, unsigned work)
{
    if (emk_loop_in_thread(s->loop)) {
        slot_run(s, work | emk_xchg_u32(&s->work, 0));
        return;
    }
    emk_fetch_or_u32(&s->work, work);
    emk_bh_schedule(&s->bh);
}

static emk_trace_event ev_db = EMK_TRACE_EVENT_INIT("nvme_doorbell");

static void bad_doorbell(nvme_ctrl *n, uint8_t info)
{
    emk_nvme_event_post(n, NVME_AER_TYPE_ERROR, info, NVME_LOG_ERROR);
}

/* Any thread.  Touches only the slot. */
void emk_nvme_doorbell_write(nvme_ctrl *n, uint64_t off, uint32_t val)
{
    unsigned idx = (unsigned)(off / 4), qid = idx / 2, is_cq = idx & 1;
    nvme_qslot *s;
    uint32_t size;
    uint64_t shadow;

    if ((off & 3) || !nvme_ready(n))
        return;
    nvme_stat(&n->stats.mmio_doorbells, 1);
    EMK_TRACE(ev_db, "%s%u=%u", is_cq ? "cq" : "sq", qid, (unsigned)val);
    if (qid > n->max_queues) {
        bad_doorbell(n, NVME_AER_INFO_INVALID_DB_REG);
        return;
    }
    s = &n->slot[qid];
    size = nvme_load(is_cq ? &s->cq_size : &s->sq_size);
    if (!size) {
        bad_doorbell(n, NVME_AER_INFO_INVALID_DB_REG);
        return;
    }
    if (val >= size) {
        bad_doorbell(n, NVME_AER_INFO_INVALID_DB_VALUE);
        return;
    }
    nvme_store(is_cq ? &s->cq_head : &s->sq_tail, val);
    shadow = emk_load_relaxed_u64(is_cq ? &s->cq_db : &s->sq_db);
    if (shadow)                 /* keep the shadow word in step (a host */
        (void)emk_dma_st(&n->dev, shadow, 4, val);  /* rang without it) */
    emk_nvme_slot_kick(s, is_cq ? NVME_SLOT_CQ : NVME_SLOT_SQ);
}

/* ---- notifier doorbells ------------------------------------------------ */

/* Runs in the queue's owner (its notifier handler lives in that loop), so
 * n->sq[qid] / n->cq[qid] cannot change under it.  The value comes from
 * the shadow buffer. */
static void dbn_cb(void *opaque)
{
    nvme_dbn *d = opaque;
    nvme_ctrl *n = d->n;

    nvme_stat(&n->stats.notifier_kicks, 1);
    if (!d->is_cq) {
        nvme_sq *sq = n->sq[d->qid];
        if (sq && !nvme_load_int(&sq->dead))
            emk_nvme_sq_process(sq);
    } else {
        nvme_cq *cq = n->cq[d->qid];
        uint32_t head = UINT32_MAX;

        if (cq) {
            pthread_mutex_lock(&cq->lock);
            if (cq->db.addr)
                head = emk_nvme_shw_ld(n, &cq->db);
            pthread_mutex_unlock(&cq->lock);
        }
        if (head != UINT32_MAX)
            emk_nvme_cq_head_update(cq, head);
    }
}

/* In the owner: the handler of qid's SQ (is_cq 0) or CQ notifier runs in
 * the owner's loop only while that queue exists and the notifier is open;
 * a queue is created and removed in the owner, which attaches and detaches
 * its handler there, before the queue is freed. */
void emk_nvme_dbn_update(nvme_ctrl *n, unsigned qid, int is_cq)
{
    nvme_dbn *d = &n->dbn[2 * qid + (unsigned)is_cq];
    int want = d->on && (is_cq ? n->cq[qid] != NULL : n->sq[qid] != NULL);

    if (want && !d->attached)
        d->attached = emk_loop_add_notifier(n->slot[qid].loop, &d->nt,
                                            dbn_cb, d) == 0;
    else if (!want && d->attached) {
        emk_loop_del_notifier(&d->nt);
        d->attached = 0;
    }
}

typedef struct dbn_call {
    nvme_ctrl *n;
    unsigned qid;
} dbn_call;

static void dbn_update_fn(void *opaque)
{
    dbn_call *c = opaque;

    emk_nvme_dbn_update(c->n, c->qid, 0);
    emk_nvme_dbn_update(c->n, c->qid, 1);
}

static void dbn_update(nvme_ctrl *n, unsigned qid)
{
    dbn_call c;

    c.n = n;
    c.qid = qid;
    emk_loop_call(n->slot[qid].loop, dbn_update_fn, &c);
}

/* Controller thread.  A qid's notifiers stay open as long as the shadow
 * buffer; their handlers follow the queues (emk_nvme_dbn_update). */
int emk_nvme_queue_notifiers_on(nvme_ctrl *n, unsigned qid)
{
    int k, err;

    for (k = 0; k < 2; k++) {
        nvme_dbn *d = &n->dbn[2 * qid + (unsigned)k];

        if (d->on)
            continue;
        d->n = n;
        d->qid = qid;
        d->is_cq = k;
        err = emk_notifier_init(&d->nt);
        if (err)
            return err;
        err = emk_dev_add_ioeventfd(&n->dev, &n->bar0,
                                    EMK_NVME_DB_BASE + 8ull * qid + 4u * (unsigned)k,
                                    4, &d->nt);
        if (err) {
            emk_notifier_cleanup(&d->nt);
            return err;   /* that doorbell stays trapped: still correct */
        }
        d->on = 1;
    }
    dbn_update(n, qid);
    return 0;
}

/* Controller thread: the host stops routing writes first, then each
 * handler is detached in its owner. */
void emk_nvme_notifiers_off(nvme_ctrl *n)
{
    int was_on[2 * (EMK_NVME_MAX_QUEUES + 1)];
    unsigned i;

    emk_dev_del_ioeventfds(&n->dev);
    for (i = 0; i < 2 * (EMK_NVME_MAX_QUEUES + 1); i++) {
        was_on[i] = n->dbn[i].on;
        n->dbn[i].on = 0;
    }
    for (i = 0; i <= n->max_queues; i++)
        if (was_on[2 * i] || was_on[2 * i + 1])
            dbn_update(n, i);     /* its handlers detached in its owner */
    for (i = 0; i < 2 * (EMK_NVME_MAX_QUEUES + 1); i++)
        if (was_on[i])
            emk_notifier_cleanup(&n->dbn[i].nt);
}
