/*
 * mbox.c - outgoing and incoming mailboxes, 32-bit (8 bytes each: CCB
 * address, 3 reserved bytes, action / host status, target status,
 * reserved, completion code) and 24-bit (4 bytes: action or completion
 * code, then the CCB address big-endian).  The outgoing mailboxes come
 * first, the incoming ones follow.  In strict round robin mode only the
 * next outgoing mailbox is looked at; otherwise every one is scanned.
 * Completions wait in a FIFO while the next incoming mailbox is still in
 * use by the guest, and are retried on interrupt reset, on the next
 * execute mailbox command and by a 1 ms timer.
 */
#include "bl_int.h"
#include "trace_int.h"

static emk_trace_event ev_bl_mbox = EMK_TRACE_EVENT_INIT("buslogic_mbox");
static emk_trace_event ev_bl_done = EMK_TRACE_EVENT_INIT("buslogic_done");

static unsigned out_size(const bl_state *st)
{
    return st->mbox_wide ? 8u : 4u;
}

static uint64_t out_addr(const bl_state *st, uint32_t i)
{
    return (uint64_t)st->mbox_base + (uint64_t)i * out_size(st);
}

static uint64_t in_addr(const bl_state *st, uint32_t i)
{
    return (uint64_t)st->mbox_base + (uint64_t)st->mbox_count * out_size(st) +
           (uint64_t)i * out_size(st);
}

void emk_bl_mbox_reset(bl_state *st)
{
    st->mbox_count = 0;
    st->mbox_base = 0;
    st->out_idx = st->in_idx = 0;
    st->mbox_waiting = 0;
    st->fifo_head = st->fifo_len = 0;
    emk_bh_cancel(&st->kick);
    emk_timer_del(&st->retry);
}

/* writes one incoming mailbox; 1 written, 0 the mailbox is still in use,
 * -1 the mailbox cannot be reached (the entry is dropped) */
static int write_inbox(bl_state *st, const bl_inbox *e)
{
    emk_dev *dev = &st->s->dev;
    uint64_t a = in_addr(st, st->in_idx);
    uint64_t comp;
    uint8_t b[8];

    if (emk_dma_ld(dev, a + (st->mbox_wide ? 7 : 0), 1, &comp) < 0)
        return -1;
    if (comp != EMK_BUSLOGIC_COMP_FREE)
        return 0;
    if (st->mbox_wide) {
        emk_st_le32(b, e->ccb);
        b[4] = e->hs;
        b[5] = e->ts;
        b[6] = 0;
        if (emk_dma_write(dev, a, b, 7) < 0)
            return -1;
        emk_smp_wmb();
        if (emk_dma_st(dev, a + 7, 1, e->comp) < 0)
            return -1;
    } else {
        b[0] = (uint8_t)(e->ccb >> 16);
        b[1] = (uint8_t)(e->ccb >> 8);
        b[2] = (uint8_t)e->ccb;
        if (emk_dma_write(dev, a + 1, b, 3) < 0)
            return -1;
        emk_smp_wmb();
        if (emk_dma_st(dev, a, 1, e->comp) < 0)
            return -1;
    }
    EMK_TRACE(ev_bl_done, "ccb=0x%08x hs=0x%02x ts=0x%02x comp=%u in=%u",
              e->ccb, e->hs, e->ts, e->comp, st->in_idx);
    if (++st->in_idx >= st->mbox_count)
        st->in_idx = 0;
    st->stats.completions++;
    return 1;
}

void emk_bl_flush(bl_state *st)
{
    int posted = 0, ret;

    while (st->fifo_len && st->mbox_count) {
        ret = write_inbox(st, &st->fifo[st->fifo_head]);
        if (ret == 0) {
            st->stats.inbox_full++;
            if (!emk_timer_pending(&st->retry))
                emk_timer_mod(&st->retry, emk_loop_now(st->s->dev.loop) +
                                              BL_RETRY_NS);
            break;
        }
        posted |= ret > 0;
        st->fifo_head = (st->fifo_head + 1) % BL_FIFO;
        st->fifo_len--;
    }
    if (!st->mbox_count)
        st->fifo_len = 0;
    if (posted)
        emk_bl_raise(st, EMK_BUSLOGIC_INT_MBOX_IN_LOADED);
    if (st->mbox_waiting && st->fifo_len < BL_FIFO &&
        emk_bl_slot_free(st)) {
        st->mbox_waiting = 0;
        emk_bh_schedule(&st->kick);
    }
}

void emk_bl_retry(void *opaque)
{
    emk_bl_flush((bl_state *)opaque);
}

void emk_bl_post(bl_state *st, uint32_t ccb, uint8_t hs, uint8_t ts,
                 uint8_t comp)
{
    bl_inbox *e;

    if (st->fifo_len >= BL_FIFO)   /* cannot happen: starts check room */
        return;
    e = &st->fifo[(st->fifo_head + st->fifo_len) % BL_FIFO];
    e->ccb = ccb;
    e->hs = hs;
    e->ts = ts;
    e->comp = comp;
    st->fifo_len++;
    emk_bl_flush(st);
}

/* Reads outgoing mailbox i: 1 and its action and CCB, or 0 on a DMA
 * failure. */
static int read_outbox(bl_state *st, uint32_t i, uint8_t *action,
                       uint32_t *ccb)
{
    uint8_t b[8];

    if (emk_dma_read(&st->s->dev, out_addr(st, i), b, out_size(st)) < 0)
        return 0;
    if (st->mbox_wide) {
        *action = b[7];
        *ccb = emk_le32(b);
    } else {
        *action = b[0];
        *ccb = (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    }
    return 1;
}

/* takes outgoing mailbox i: frees it and acts on it */
static void take(bl_state *st, uint32_t i, uint8_t action, uint32_t ccb)
{
    (void)emk_dma_st(&st->s->dev, out_addr(st, i) + (st->mbox_wide ? 7 : 0),
                     1, EMK_BUSLOGIC_ACTION_FREE);
    EMK_TRACE(ev_bl_mbox, "out=%u action=%u ccb=0x%08x", i, action, ccb);
    if (action == EMK_BUSLOGIC_ACTION_START)
        emk_bl_ccb_start(st, ccb);
    else if (action == EMK_BUSLOGIC_ACTION_ABORT)
        emk_bl_ccb_abort(st, ccb);
    else
        emk_bl_post(st, ccb, EMK_BUSLOGIC_HS_INVALID_ACTION, 0,
                    EMK_BUSLOGIC_COMP_ERROR);
}

void emk_bl_mbox_kick(void *opaque)
{
    bl_state *st = (bl_state *)opaque;
    unsigned budget;

    emk_bl_flush(st);
    if (!st->mbox_count)
        return;
    /* each pass takes at most one round of mailboxes: a guest that keeps
     * refilling them cannot hold the loop */
    for (budget = st->mbox_count; budget; budget--) {
        uint32_t i = 0, scanned;
        uint8_t action = 0;
        uint32_t ccb = 0;
        int found = 0;

        if (!emk_bl_slot_free(st) || st->fifo_len >= BL_FIFO - 1) {
            st->mbox_waiting = 1;
            return;
        }
        for (scanned = 0; scanned < (st->strict_rr ? 1u : st->mbox_count);
             scanned++) {
            i = (st->out_idx + scanned) % st->mbox_count;
            if (!read_outbox(st, i, &action, &ccb))
                return;         /* unreachable mailboxes: nothing to do */
            if (action != EMK_BUSLOGIC_ACTION_FREE) {
                found = 1;
                break;
            }
        }
        if (!found)
            return;
        st->out_idx = (i + 1) % st->mbox_count;
        take(st, i, action, ccb);
        if (!st->mbox_count)
            return;             /* a reset happened meanwhile */
    }
    emk_bh_schedule(&st->kick); /* more may be waiting */
}
