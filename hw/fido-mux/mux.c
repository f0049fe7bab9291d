/*
 * mux.c - one FIDO key shared by several CTAPHID clients
 * (emkit/fido_mux.h): per-client channels answered by the mux, CIDs
 * rewritten both ways, one transaction at a time on the key's single
 * channel, held open across KEEPALIVEs until the final response.
 */
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "emkit/crypto.h"
#include "emkit/fido_mux.h"
#include "trace_int.h"

static emk_trace_event ev_mux_start = EMK_TRACE_EVENT_INIT("fido_mux_start");
static emk_trace_event ev_mux_done = EMK_TRACE_EVENT_INIT("fido_mux_done");

enum {
    REP = EMK_FIDO_MUX_REPORT,
    INIT_DATA = REP - 7,
    CONT_DATA = REP - 5,
    MSG_MAX = INIT_DATA + 128 * CONT_DATA,
    CMD_INIT = 0x06,
    CMD_LOCK = 0x04,
    CMD_CANCEL = 0x11,
    CMD_KEEPALIVE = 0x3b,
    CMD_ERROR = 0x3f,
    ERR_INVALID_CMD = 0x01,
    ERR_INVALID_LEN = 0x03,
    ERR_INVALID_SEQ = 0x04,
    ERR_MSG_TIMEOUT = 0x05,
    ERR_CHANNEL_BUSY = 0x06,
    ERR_INVALID_CHANNEL = 0x0b,
    ERR_OTHER = 0x7f,
    NQ = EMK_FIDO_MUX_CLIENTS * EMK_FIDO_MUX_CHANNELS
};
#define BCAST 0xffffffffu
#define TXN_TIMEOUT_NS ((int64_t)35 * 1000000000)

typedef struct mux_chan {
    uint32_t cid;                   /* 0: free */
    uint8_t cmd, seq, assembling, queued;
    uint16_t len, got;
    uint8_t buf[MSG_MAX];
} mux_chan;

typedef struct mux_client {
    int used;
    mux_chan ch[EMK_FIDO_MUX_CHANNELS];
} mux_client;

struct emk_fido_mux {
    emk_loop *loop;
    emk_fido_mux_ops ops;
    void *opaque;
    uint64_t rng;
    int ready;
    uint32_t key_cid;
    uint8_t nonce[8];
    uint8_t info[5];                /* protocol, device version, capabilities */
    mux_client cl[EMK_FIDO_MUX_CLIENTS];
    uint16_t q[NQ];
    unsigned qh, qt;
    int act_client, act_chan, act_dead;
    uint16_t rlen, rgot;
    uint8_t rseq;
    int rstarted;
    emk_timer timer;
    uint64_t stat_done, stat_dropped;
};

static uint32_t next_rand(emk_fido_mux *m)
{
    m->rng ^= m->rng << 13;
    m->rng ^= m->rng >> 7;
    m->rng ^= m->rng << 17;
    return (uint32_t)(m->rng >> 16);
}

/* One message (cmd, payload) cut into reports on cid. */
static void send_frames(emk_fido_mux *m, int client, uint32_t cid, uint8_t cmd,
                        const uint8_t *data, size_t len)
{
    uint8_t r[REP];
    size_t off, n;
    uint8_t seq = 0;

    memset(r, 0, sizeof(r));
    emk_st_be32(r, cid);
    r[4] = (uint8_t)(0x80 | cmd);
    r[5] = (uint8_t)(len >> 8);
    r[6] = (uint8_t)len;
    n = len < INIT_DATA ? len : INIT_DATA;
    if (n)
        memcpy(r + 7, data, n);
    if (client < 0)
        m->ops.to_key(m->opaque, r);
    else
        m->ops.to_client(m->opaque, client, r);
    for (off = n; off < len; off += n) {
        memset(r + 4, 0, sizeof(r) - 4);
        r[4] = seq++;
        n = len - off < CONT_DATA ? len - off : CONT_DATA;
        memcpy(r + 5, data + off, n);
        if (client < 0)
            m->ops.to_key(m->opaque, r);
        else
            m->ops.to_client(m->opaque, client, r);
    }
}

static void client_error(emk_fido_mux *m, int client, uint32_t cid, uint8_t code)
{
    send_frames(m, client, cid, CMD_ERROR, &code, 1);
}

static void pump(emk_fido_mux *m)
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
        emk_timer_mod(&m->timer, emk_loop_now(m->loop) + TXN_TIMEOUT_NS);
        send_frames(m, -1, m->key_cid, ch->cmd, ch->buf, ch->len);
    }
}

static void finish(emk_fido_mux *m)
{
    EMK_TRACE(ev_mux_done, "client=%d dead=%d", m->act_client, m->act_dead);
    emk_timer_del(&m->timer);
    m->act_client = m->act_chan = -1;
    m->stat_done++;
    pump(m);
}

/* The key did not finish a transaction: its client hears MSG_TIMEOUT. */
static void txn_timeout(void *opaque)
{
    emk_fido_mux *m = opaque;

    if (m->act_client < 0)
        return;
    if (!m->act_dead)
        client_error(m, m->act_client, m->cl[m->act_client].ch[m->act_chan].cid,
                     ERR_MSG_TIMEOUT);
    finish(m);
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

static void enqueue(emk_fido_mux *m, int client, int k)
{
    mux_chan *ch = &m->cl[client].ch[k];

    if (m->qt - m->qh >= NQ)
        compact(m);
    ch->assembling = 0;
    ch->queued = 1;
    m->q[m->qt++ % NQ] = (uint16_t)(client << 8 | k);
    pump(m);
}

static int cid_taken(const emk_fido_mux *m, uint32_t cid)
{
    int c, k;

    for (c = 0; c < EMK_FIDO_MUX_CLIENTS; c++)
        for (k = 0; m->cl[c].used && k < EMK_FIDO_MUX_CHANNELS; k++)
            if (m->cl[c].ch[k].cid == cid)
                return 1;
    return cid == 0 || cid == BCAST || cid == m->key_cid;
}

static void answer_init(emk_fido_mux *m, int client, uint32_t on, uint32_t cid,
                        const uint8_t nonce[8])
{
    uint8_t p[17];

    memcpy(p, nonce, 8);
    emk_st_be32(p + 8, cid);
    memcpy(p + 12, m->info, 5);
    send_frames(m, client, on, CMD_INIT, p, sizeof(p));
}

static void client_init(emk_fido_mux *m, int client, const uint8_t *r)
{
    mux_client *cl = &m->cl[client];
    uint32_t cid;
    int k;

    if (!m->ready) {
        client_error(m, client, BCAST, ERR_CHANNEL_BUSY);
        return;
    }
    for (k = 0; k < EMK_FIDO_MUX_CHANNELS && cl->ch[k].cid; k++)
        ;
    if (k == EMK_FIDO_MUX_CHANNELS) {
        /* reuse the oldest idle channel, as keys recycle theirs */
        for (k = 0; k < EMK_FIDO_MUX_CHANNELS; k++)
            if (!cl->ch[k].queued && !(m->act_client == client && m->act_chan == k))
                break;
        if (k == EMK_FIDO_MUX_CHANNELS) {
            client_error(m, client, BCAST, ERR_CHANNEL_BUSY);
            return;
        }
    }
    do
        cid = next_rand(m);
    while (cid_taken(m, cid));
    memset(&cl->ch[k], 0, sizeof(cl->ch[k]) - sizeof(cl->ch[k].buf));
    cl->ch[k].cid = cid;
    answer_init(m, client, BCAST, cid, r + 7);
}

int emk_fido_mux_from_client(emk_fido_mux *m, int client, const uint8_t r[REP])
{
    uint32_t cid = emk_be32(r);
    mux_client *cl;
    mux_chan *ch = NULL;
    int k;
    size_t n;

    if (client < 0 || client >= EMK_FIDO_MUX_CLIENTS || !m->cl[client].used)
        return -EINVAL;
    cl = &m->cl[client];
    if (cid == BCAST) {
        if (r[4] == (0x80 | CMD_INIT) && r[5] == 0 && r[6] == 8)
            client_init(m, client, r);
        else
            client_error(m, client, BCAST, ERR_INVALID_CHANNEL);
        return 0;
    }
    for (k = 0; k < EMK_FIDO_MUX_CHANNELS; k++)
        if (cl->ch[k].cid == cid && cid) {
            ch = &cl->ch[k];
            break;
        }
    if (!ch) {
        client_error(m, client, cid, ERR_INVALID_CHANNEL);   /* another's, or none */
        return 0;
    }
    if (r[4] & 0x80) {
        uint8_t cmd = r[4] & 0x7f;
        uint16_t len = (uint16_t)(r[5] << 8 | r[6]);
        int active = m->act_client == client && m->act_chan == k && !m->act_dead;

        if (cmd == CMD_CANCEL) {
            if (active)
                send_frames(m, -1, m->key_cid, CMD_CANCEL, NULL, 0);
            else if (ch->queued)
                ch->queued = 0;             /* dropped from the queue, no answer */
            return 0;
        }
        if (cmd == CMD_INIT && len == 8) {  /* resynchronise: aborts the channel's message */
            ch->assembling = 0;
            ch->queued = 0;
            if (active) {
                m->act_dead = 1;            /* its answer is dropped */
                send_frames(m, -1, m->key_cid, CMD_CANCEL, NULL, 0);
            }
            answer_init(m, client, cid, cid, r + 7);
            return 0;
        }
        if (active || ch->queued) {
            client_error(m, client, cid, ERR_CHANNEL_BUSY);
            return 0;
        }
        if (len > MSG_MAX) {
            client_error(m, client, cid, ERR_INVALID_LEN);
            return 0;
        }
        if (cmd == CMD_LOCK) {              /* nobody locks a shared key */
            client_error(m, client, cid, ERR_INVALID_CMD);
            return 0;
        }
        ch->cmd = cmd;
        ch->len = len;
        ch->seq = 0;
        n = len < INIT_DATA ? len : INIT_DATA;
        memcpy(ch->buf, r + 7, n);
        ch->got = (uint16_t)n;
        ch->assembling = 1;
    } else {
        if (!ch->assembling) {
            m->stat_dropped++;              /* a stray continuation */
            return 0;
        }
        if (r[4] != ch->seq) {
            ch->assembling = 0;
            client_error(m, client, cid, ERR_INVALID_SEQ);
            return 0;
        }
        ch->seq++;
        n = ch->len - ch->got < CONT_DATA ? ch->len - ch->got : CONT_DATA;
        memcpy(ch->buf + ch->got, r + 5, n);
        ch->got = (uint16_t)(ch->got + n);
    }
    if (ch->got == ch->len)
        enqueue(m, client, k);
    return 0;
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
    pump(m);
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
            emk_timer_mod(&m->timer, emk_loop_now(m->loop) + TXN_TIMEOUT_NS);
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
                client_error(m, m->act_client, m->cl[m->act_client].ch[m->act_chan].cid,
                             ERR_OTHER);
            finish(m);
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
        finish(m);
}

int emk_fido_mux_client_add(emk_fido_mux *m)
{
    int c;

    for (c = 0; c < EMK_FIDO_MUX_CLIENTS; c++)
        if (!m->cl[c].used && c != m->act_client) {     /* not while its last answer runs */
            memset(&m->cl[c], 0, sizeof(m->cl[c]));
            m->cl[c].used = 1;
            return c;
        }
    return -ENOSPC;
}

void emk_fido_mux_client_del(emk_fido_mux *m, int client)
{
    if (client < 0 || client >= EMK_FIDO_MUX_CLIENTS || !m->cl[client].used)
        return;
    if (m->act_client == client && !m->act_dead) {
        m->act_dead = 1;                    /* its answer is dropped */
        send_frames(m, -1, m->key_cid, CMD_CANCEL, NULL, 0);
    }
    m->cl[client].used = 0;
}

int emk_fido_mux_new(emk_fido_mux **out, emk_loop *loop, const emk_fido_mux_ops *ops,
                     void *opaque, uint64_t seed)
{
    emk_fido_mux *m;
    uint8_t buf[8];
    unsigned i;

    *out = NULL;
    if (!ops || !ops->to_key || !ops->to_client)
        return -EINVAL;
    if (!(m = calloc(1, sizeof(*m))))
        return -ENOMEM;
    m->loop = loop;
    m->ops = *ops;
    m->opaque = opaque;
    if (!seed) {
        if (emk_os_entropy(buf, sizeof(buf)) < 0) {
            free(m);
            return -EIO;
        }
        for (i = 0; i < 8; i++)
            seed = seed << 8 | buf[i];
    }
    m->rng = seed | 1;
    m->act_client = m->act_chan = -1;
    emk_timer_init(&m->timer, loop, txn_timeout, m);
    for (i = 0; i < 8; i++)
        m->nonce[i] = (uint8_t)next_rand(m);
    *out = m;
    send_frames(m, -1, BCAST, CMD_INIT, m->nonce, 8);
    return 0;
}

void emk_fido_mux_free(emk_fido_mux *m)
{
    if (!m)
        return;
    emk_timer_del(&m->timer);
    free(m);
}

int emk_fido_mux_ready(const emk_fido_mux *m)
{
    return m->ready;
}

void emk_fido_mux_stats(const emk_fido_mux *m, uint64_t *done, uint64_t *dropped)
{
    *done = m->stat_done;
    *dropped = m->stat_dropped;
}
