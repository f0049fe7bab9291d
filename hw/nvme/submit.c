/*
 * submit.c - command fetch: the SQ tail (MMIO or shadow), SQE decode and
 * dispatch to the admin or I/O command set, EventIdx update with the
 * barrier-and-recheck, and the polling hand-off.
 */
#include "nvme_int.h"
#include "trace_int.h"

static emk_trace_event ev_cmd = EMK_TRACE_EVENT_INIT("nvme_cmd");

/* ---- submission ---------------------------------------------------------- */

/* The MMIO tail from the slot's mailbox (checked against this queue: the
 * slot outlives it). */
static uint32_t sq_mmio_tail(nvme_sq *sq)
{
    uint32_t t = nvme_load(&sq->n->slot[sq->qid].sq_tail);

    return t < sq->size ? t : sq->head;
}

uint32_t emk_nvme_sq_tail(nvme_sq *sq)
{
    if (sq->db.addr) {
        uint32_t t = emk_nvme_shw_ld(sq->n, &sq->db);
        nvme_stat(&sq->n->stats.shadow_reads, 1);
        if (t < sq->size)
            return t;
    }
    return sq_mmio_tail(sq);
}

static void decode_cmd(nvme_cmd *c)
{
    const uint8_t *b = c->raw;

    c->opcode = b[0];
    c->flags = b[1];
    c->cid = emk_le16(b + 2);
    c->nsid = emk_le32(b + 4);
    c->mptr = emk_le64(b + 16);
    c->prp1 = emk_le64(b + 24);
    c->prp2 = emk_le64(b + 32);
    c->cdw10 = emk_le32(b + 40);
    c->cdw11 = emk_le32(b + 44);
    c->cdw12 = emk_le32(b + 48);
    c->cdw13 = emk_le32(b + 52);
    c->cdw14 = emk_le32(b + 56);
    c->cdw15 = emk_le32(b + 60);
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
        nvme_inc(sq->inflight);
    } else {
        sq->stalled = 1;
    }
    pthread_mutex_unlock(&sq->cq->lock);
    if (!r)
        return 0;
    if (emk_dma_read(&n->dev, sq->base + 64ull * sq->head, r->cmd.raw, 64)) {
        emk_nvme_req_release(r);
        nvme_ctrl_fatal(n);
        return -1;
    }
    op = r->cmd.raw[0];
    if (sq->qid && (op == NVME_CMD_COMPARE || op == NVME_CMD_DSM) &&
        sq->scratch_busy) {
        emk_nvme_req_release(r);           /* retried when the scratch frees */
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
    EMK_TRACE(ev_cmd, "sq=%u cid=%u op=0x%02x nsid=%u cdw10=0x%x",
              (unsigned)sq->qid, (unsigned)r->cmd.cid, (unsigned)r->cmd.opcode,
              (unsigned)r->cmd.nsid, (unsigned)r->cmd.cdw10);
    if (sq->nabort && emk_nvme_abort_take(sq, r->cmd.cid)) {
        r->status = NVME_SC_ABORT_REQ;  /* Abort asked for it: never runs */
        emk_nvme_complete(r);
    } else if (sq->qid == 0)
        emk_nvme_admin_exec(r);
    else
        emk_nvme_io_exec(r);
    return 1;
}

void emk_nvme_sq_process(nvme_sq *sq)
{
    nvme_ctrl *n = sq->n;
    unsigned budget = sq->size;       /* bounded work per call */

    for (;;) {
        uint32_t tail;
        int found = 0, rc = 1;

        if (nvme_load_int(&sq->dead) || !nvme_ready(n) ||
            (n->csts & NVME_CSTS_CFS))
            return;
        tail = emk_nvme_sq_tail(sq);
        while (sq->head != tail && budget) {
            rc = sq_fetch_one(sq);
            if (rc <= 0)
                break;
            found++;
            budget--;
            if (nvme_load_int(&sq->dead))
                return;
        }
        if (found && sq->qid)
            nvme_store_int(&sq->cq->burst, found > 1);
        if (rc <= 0)
            return;                   /* resumes when a slot frees */
        if (budget == 0) {
            emk_bh_schedule(&sq->bh); /* yield, continue later */
            return;
        }
        if (sq->ei.addr) {
            if (emk_nvme_poll_continue(sq, found)) {
                /* polling: EventIdx one behind, the guest need not ring */
                emk_nvme_shw_st(n, &sq->ei, (sq->head + sq->size - 1) % sq->size);
                emk_bh_schedule(&sq->bh);
                return;
            }
            emk_nvme_shw_st(n, &sq->ei, sq->head);
            nvme_fence();
            if (emk_nvme_sq_tail(sq) != sq->head)
                continue;
            return;
        }
        nvme_fence();
        if (sq_mmio_tail(sq) != sq->head)
            continue;
        return;
    }
}

/* The SQ's own bottom half (owner): more work after a yield, a free slot
 * or scratch buffer, polling. */
void emk_nvme_sq_bh(void *opaque)
{
    emk_nvme_sq_process(opaque);
}
