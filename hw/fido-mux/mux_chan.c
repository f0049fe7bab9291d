/*
 * mux_chan.c - the FIDO mux's client side (mux_int.h): each client's
 * channels (the mux answers INIT with CIDs of its own), the CID check
 * that keeps clients apart, CANCEL and INIT on a channel, and the
 * reassembly of a client's message before it is queued.
 */
#include "mux_int.h"

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
    emk_mux_send_frames(m, client, on, CMD_INIT, p, sizeof(p));
}

static void client_init(emk_fido_mux *m, int client, const uint8_t *r)
{
    mux_client *cl = &m->cl[client];
    uint32_t cid;
    int k;

    if (!m->ready) {
        emk_mux_client_error(m, client, BCAST, ERR_CHANNEL_BUSY);
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
            emk_mux_client_error(m, client, BCAST, ERR_CHANNEL_BUSY);
            return;
        }
    }
    do
        cid = emk_mux_next_rand(m);
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
            emk_mux_client_error(m, client, BCAST, ERR_INVALID_CHANNEL);
        return 0;
    }
    for (k = 0; k < EMK_FIDO_MUX_CHANNELS; k++)
        if (cl->ch[k].cid == cid && cid) {
            ch = &cl->ch[k];
            break;
        }
    if (!ch) {
        emk_mux_client_error(m, client, cid, ERR_INVALID_CHANNEL);   /* another's, or none */
        return 0;
    }
    if (r[4] & 0x80) {
        uint8_t cmd = r[4] & 0x7f;
        uint16_t len = (uint16_t)(r[5] << 8 | r[6]);
        int active = m->act_client == client && m->act_chan == k && !m->act_dead;

        if (cmd == CMD_CANCEL) {
            if (active)
                emk_mux_send_frames(m, -1, m->key_cid, CMD_CANCEL, NULL, 0);
            else if (ch->queued)
                ch->queued = 0;             /* dropped from the queue, no answer */
            return 0;
        }
        if (cmd == CMD_INIT && len == 8) {  /* resynchronise: aborts the channel's message */
            ch->assembling = 0;
            ch->queued = 0;
            if (active) {
                m->act_dead = 1;            /* its answer is dropped */
                emk_mux_send_frames(m, -1, m->key_cid, CMD_CANCEL, NULL, 0);
            }
            answer_init(m, client, cid, cid, r + 7);
            return 0;
        }
        if (active || ch->queued) {
            emk_mux_client_error(m, client, cid, ERR_CHANNEL_BUSY);
            return 0;
        }
        if (len > MSG_MAX) {
            emk_mux_client_error(m, client, cid, ERR_INVALID_LEN);
            return 0;
        }
        if (cmd == CMD_LOCK) {              /* nobody locks a shared key */
            emk_mux_client_error(m, client, cid, ERR_INVALID_CMD);
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
            emk_mux_client_error(m, client, cid, ERR_INVALID_SEQ);
            return 0;
        }
        ch->seq++;
        n = ch->len - ch->got < CONT_DATA ? ch->len - ch->got : CONT_DATA;
        memcpy(ch->buf + ch->got, r + 5, n);
        ch->got = (uint16_t)(ch->got + n);
    }
    if (ch->got == ch->len)
        emk_mux_enqueue(m, client, k);
    return 0;
}
