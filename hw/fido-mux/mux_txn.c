/*
 * mux_txn.c - the FIDO mux's queue of whole client messages and its one
 * transaction on the key (mux_int.h): held open across KEEPALIVEs until
 * the final response, ended (CANCEL to the key, MSG_TIMEOUT to the
 * client) after 35 s of silence or 120 s of KEEPALIVEs;
 * the key's reports checked (channel, sequence, length) before a client
 * sees them.
 */
#include "mux_int.h"
#include "trace_int.h"

static emk_trace_event ev_mux_start = EMK_TRACE_EVENT_INIT("fido_mux_start");
static emk_trace_event ev_mux_done = EMK_TRACE_EVENT_INIT("fido_mux_done");

void emk_mux_pump(emk_fido_mux *m)
{
    while (m->ready && m->act_client < 0 && m->qh != m->qt) {
        uint16_t e = m->q[m->qh++ % NQ];
        int c = e >> 8, k = e & 0xff;
        mux_chan *ch = &m->cl[c].ch[k];

        if (!m->cl[c].used || !ch->queued)
            continue;                   /* cancelled or gone meanwhile */
        ch->queued = 0;
        m->act_client = c;
        m->act_chan = k;
        m->act_dead = 0;
        m->rstarted = 0;
        m->rlen = m->rgot = 0;
        EMK_TRACE(ev_mux_start, "client=%d cid=0x%08x cmd=0x%02x len=%u", c, ch->cid, ch->cmd,
                  ch->len);
        m->act_start = emk_loop_now(m->loop);
        emk_timer_mod(&m->timer, m->act_start + TXN_TIMEOUT_NS);
        emk_mux_send_frames(m, -1, m->key_cid, ch->cmd, ch->buf, ch->len);
    }
}

void emk_mux_finish(emk_fido_mux *m)
{
    EMK_TRACE(ev_mux_done, "client=%d dead=%d", m->act_client, m->act_dead);
    emk_timer_del(&m->timer);
    m->act_client = m->act_chan = -1;
    m->stat_done++;
    emk_mux_pump(m);
}

/* The key did not finish a transaction (35 s of silence, or 120 s of
 * KEEPALIVEs): the key is told CANCEL, its client hears MSG_TIMEOUT. */
void emk_mux_txn_timeout(void *opaque)
{
    emk_fido_mux *m = opaque;

    if (m->act_client < 0)
        return;
    emk_mux_send_frames(m, -1, m->key_cid, CMD_CANCEL, NULL, 0);
    if (!m->act_dead)
        emk_mux_client_error(m, m->act_client, m->cl[m->act_client].ch[m->act_chan].cid,
                             ERR_MSG_TIMEOUT);
    emk_mux_finish(m);
}

/* Drops stale queue entries (cancelled, gone, repeated) when the ring is
 * full: every channel is then there at most once, so it fits. */
static void compact(emk_fido_mux *m)
{
    uint8_t seen[NQ];
    uint16_t keep[NQ];
    unsigned n = 0, i;

    memset(seen, 0, sizeof(seen));
    for (i = m->qt; i != m->qh; i--) {          /* newest first: keep the last */
        uint16_t e = m->q[(i - 1) % NQ];
        int c = e >> 8, k = e & 0xff, slot = c * EMK_FIDO_MUX_CHANNELS + k;

        if (m->cl[c].used && m->cl[c].ch[k].queued && !seen[slot]) {
            seen[slot] = 1;
            keep[n++] = e;
        }
    }
    m->qh = m->qt = 0;
    while (n)
        m->q[m->qt++] = keep[--n];
}

void emk_mux_enqueue(emk_fido_mux *m, int client, int k)
{
    mux_chan *ch = &m->cl[client].ch[k];

    if (m->qt - m->qh >= NQ)
        compact(m);
    ch->assembling = 0;
    ch->queued = 1;
    m->q[m->qt++ % NQ] = (uint16_t)(client << 8 | k);
    emk_mux_pump(m);
}

static void key_init_answer(emk_fido_mux *m, const uint8_t *r)
{
    if (r[4] != (0x80 | CMD_INIT) || r[6] < 17 || memcmp(r + 7, m->nonce, 8)) {
        m->stat_dropped++;
        return;
    }
    m->key_cid = emk_be32(r + 15);
    memcpy(m->info, r + 19, 5);
    m->ready = 1;
    emk_mux_pump(m);
}

void emk_fido_mux_from_key(emk_fido_mux *m, const uint8_t r[REP])
{
    uint32_t cid = emk_be32(r);
    uint8_t out[REP];
    size_t n;

    if (!m->ready) {
        if (cid == BCAST)
            key_init_answer(m, r);
        else
            m->stat_dropped++;
        return;
    }
    if (cid != m->key_cid || m->act_client < 0) {
        m->stat_dropped++;
        return;
    }
    memcpy(out, r, REP);
    emk_st_be32(out, m->cl[m->act_client].ch[m->act_chan].cid);
    if (r[4] & 0x80) {
        if ((r[4] & 0x7f) == CMD_KEEPALIVE) {
            int64_t t = emk_loop_now(m->loop) + TXN_TIMEOUT_NS;

            emk_timer_mod(&m->timer, t < m->act_start + TXN_MAX_NS ? t : m->act_start + TXN_MAX_NS);
            if (!m->act_dead)
                m->ops.to_client(m->opaque, m->act_client, out);
            return;
        }
        if (m->rstarted) {              /* a second start: the key lost its place */
            m->stat_dropped++;
            return;
        }
        m->rlen = (uint16_t)(r[5] << 8 | r[6]);
        if (m->rlen > MSG_MAX) {        /* more than CTAPHID can carry: the client */
            m->stat_dropped++;          /* hears ERR_OTHER, the rest of it is dropped */
            if (!m->act_dead)
                emk_mux_client_error(m, m->act_client, m->cl[m->act_client].ch[m->act_chan].cid,
                             ERR_OTHER);
            emk_mux_finish(m);
            return;
        }
        m->rstarted = 1;
        m->rseq = 0;
        n = m->rlen < INIT_DATA ? m->rlen : INIT_DATA;
        m->rgot = (uint16_t)n;
    } else {
        if (!m->rstarted || r[4] != m->rseq) {
            m->stat_dropped++;          /* out of place or out of order */
            return;
        }
        m->rseq++;
        n = m->rlen - m->rgot < CONT_DATA ? m->rlen - m->rgot : CONT_DATA;
        m->rgot = (uint16_t)(m->rgot + n);
    }
    if (!m->act_dead)
        m->ops.to_client(m->opaque, m->act_client, out);
    if (m->rgot >= m->rlen)
        emk_mux_finish(m);
}
