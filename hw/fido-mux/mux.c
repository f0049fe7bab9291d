/*
 * mux.c - one FIDO key shared by several CTAPHID clients
 * (emkit/fido_mux.h): creation, the client table and the frames the mux
 * sends.  The rooms are listed in mux_int.h.
 */
#include <stdlib.h>

#include "emkit/crypto.h"
#include "mux_int.h"

uint32_t emk_mux_next_rand(emk_fido_mux *m)
{
    m->rng ^= m->rng << 13;
    m->rng ^= m->rng >> 7;
    m->rng ^= m->rng << 17;
    return (uint32_t)(m->rng >> 16);
}

/* One message (cmd, payload) cut into reports on cid. */
void emk_mux_send_frames(emk_fido_mux *m, int client, uint32_t cid, uint8_t cmd,
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

void emk_mux_client_error(emk_fido_mux *m, int client, uint32_t cid, uint8_t code)
{
    emk_mux_send_frames(m, client, cid, CMD_ERROR, &code, 1);
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
        emk_mux_send_frames(m, -1, m->key_cid, CMD_CANCEL, NULL, 0);
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
    emk_timer_init(&m->timer, loop, emk_mux_txn_timeout, m);
    for (i = 0; i < 8; i++)
        m->nonce[i] = (uint8_t)emk_mux_next_rand(m);
    *out = m;
    emk_mux_send_frames(m, -1, BCAST, CMD_INIT, m->nonce, 8);
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
