/*
 * abort.c - the Abort command (NVMe 1.4 5.1).  A command the controller
 * has not fetched yet (between its SQ's head and tail) is marked; when
 * the queue's owner fetches it, it completes with Command Abort Requested
 * and never runs, and the Abort reports bit 0 of DW0 cleared.  A command
 * already started (or not there) stays, and the Abort reports bit 0 set.
 */
#include "nvme_int.h"
#include "trace_int.h"

static emk_trace_event ev_abort = EMK_TRACE_EVENT_INIT("nvme_abort");

typedef struct abort_ctx {
    nvme_sq *sq;
    uint16_t cid;
    uint16_t status;
    uint32_t dw0;
} abort_ctx;

/* In the SQ's owner: head is stable here, so an entry between head and
 * the tail has not been fetched and is fetched here later. */
static void abort_scan(void *opaque)
{
    abort_ctx *a = opaque;
    nvme_sq *sq = a->sq;
    uint32_t tail = emk_nvme_sq_tail(sq), i;
    uint8_t b[2];

    a->dw0 = 1;
    for (i = sq->head; i != tail; i = (i + 1) % sq->size) {
        if (emk_dma_read(&sq->n->dev, sq->base + 64ull * i + 2, b, 2))
            return;                             /* cannot look: not aborted */
        if (emk_le16(b) != a->cid)
            continue;
        if (sq->nabort == NVME_ABORTS) {
            a->status = NVME_SC_ABORT_LIMIT;
            return;
        }
        sq->abort_cid[sq->nabort++] = a->cid;
        a->dw0 = 0;
        return;
    }
}

uint16_t emk_nvme_abort(nvme_req *r)
{
    nvme_ctrl *n = r->sq->n;
    unsigned sqid = r->cmd.cdw10 & 0xffff;
    abort_ctx a;

    memset(&a, 0, sizeof(a));
    a.cid = (uint16_t)(r->cmd.cdw10 >> 16);
    a.dw0 = 1;
    if (sqid <= n->max_queues && n->sq[sqid] && !n->sq[sqid]->delete_req &&
        !nvme_load_int(&n->sq[sqid]->dead)) {
        a.sq = n->sq[sqid];
        if (sqid == 0)
            abort_scan(&a);                     /* the admin SQ is ours */
        else
            emk_loop_call(a.sq->loop, abort_scan, &a);
    }
    EMK_TRACE(ev_abort, "sq=%u cid=%u aborted=%u", sqid, (unsigned)a.cid,
              (unsigned)!a.dw0);
    r->dw0 = a.dw0;
    return a.status ? (uint16_t)(a.status | NVME_SC_DNR) : 0;
}

int emk_nvme_abort_take(nvme_sq *sq, uint16_t cid)
{
    unsigned i;

    for (i = 0; i < sq->nabort; i++) {
        if (sq->abort_cid[i] == cid) {
            sq->abort_cid[i] = sq->abort_cid[--sq->nabort];
            return 1;
        }
    }
    return 0;
}
