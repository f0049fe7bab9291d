/*
 * poll.c - adaptive submission queue polling.  After a queue runs dry the
 * device keeps re-reading the shadow tail from its loop (a self-
 * rescheduling bottom half) for a window of host time, with EventIdx one
 * behind the tail so the guest does not ring.  The window doubles when a
 * poll finds work and halves when it expires empty, between 1/16 and all
 * of opts.sq_poll_ns.
 */
#include "nvme_int.h"

int emk_nvme_poll_continue(nvme_sq *sq, int found)
{
    nvme_ctrl *n = sq->n;
    int64_t max = n->opts.sq_poll_ns, min = max / 16, now;

    if (max <= 0 || sq->qid == 0)
        return 0;
    if (min < 1)
        min = 1;
    if (sq->poll_window < min || sq->poll_window > max)
        sq->poll_window = max / 2 > min ? max / 2 : min;
    now = emk_host_now_ns();
    if (found) {
        if (sq->polling) {
            n->stats.poll_hits += (uint64_t)found;
            sq->poll_window = sq->poll_window * 2 > max ? max
                                                        : sq->poll_window * 2;
        }
        sq->polling = 1;
        sq->poll_start = now;
        return 1;
    }
    if (!sq->polling) {
        sq->polling = 1;
        sq->poll_start = now;
        return 1;
    }
    if (now - sq->poll_start < sq->poll_window)
        return 1;
    n->stats.poll_misses++;
    sq->poll_window = sq->poll_window / 2 < min ? min : sq->poll_window / 2;
    sq->polling = 0;
    return 0;
}

void emk_nvme_poll_stop(nvme_sq *sq)
{
    sq->polling = 0;
}
