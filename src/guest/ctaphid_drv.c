/*
 * ctaphid_drv.c - client-side CTAPHID (emkit/guest/ctaphid_drv.h): the
 * framing of CTAP 2.1 section 11.2.4, as a host's FIDO stack does it.
 */
#include <string.h>

#include "emkit/guest/ctaphid_drv.h"

enum {
    INIT_DATA = 64 - 7,          /* payload bytes in an initialization packet */
    CONT_DATA = 64 - 5,          /* in a continuation packet */
    CMD_INIT = 0x06,
    CMD_CBOR = 0x10,
    CMD_KEEPALIVE = 0x3B,
    CMD_ERROR = 0x3F,
    TYPE_INIT = 0x80
};

static void put_cid(uint8_t *p, uint32_t cid)
{
    p[0] = (uint8_t)(cid >> 24);
    p[1] = (uint8_t)(cid >> 16);
    p[2] = (uint8_t)(cid >> 8);
    p[3] = (uint8_t)cid;
}

static uint32_t get_cid(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int send_msg(emk_ctaphid_drv *d, uint32_t cid, uint8_t cmd, const uint8_t *req,
                    size_t len)
{
    uint8_t rep[EMK_CTAPHID_DRV_REPORT];
    size_t off, n;
    int r;
    uint8_t seq = 0;

    memset(rep, 0, sizeof(rep));
    put_cid(rep, cid);
    rep[4] = (uint8_t)(TYPE_INIT | cmd);
    rep[5] = (uint8_t)(len >> 8);
    rep[6] = (uint8_t)len;
    n = len < INIT_DATA ? len : INIT_DATA;
    if (n)
        memcpy(rep + 7, req, n);
    if ((r = d->xmit(d->opaque, rep)) < 0)
        return r;
    for (off = n; off < len; off += n, seq++) {
        memset(rep + 4, 0, sizeof(rep) - 4);
        rep[4] = seq;
        n = len - off < CONT_DATA ? len - off : CONT_DATA;
        memcpy(rep + 5, req + off, n);
        if ((r = d->xmit(d->opaque, rep)) < 0)
            return r;
    }
    return 0;
}

/* Receives one message for cid: its command, with KEEPALIVEs skipped and
 * reports of other channels ignored. */
static int recv_msg(emk_ctaphid_drv *d, uint32_t cid, uint8_t *resp, size_t cap,
                    size_t *resp_len, int64_t timeout_ns)
{
    uint8_t rep[EMK_CTAPHID_DRV_REPORT];
    size_t len = 0, got = 0, n;
    int r, cmd = -1;
    uint8_t seq = 0;

    for (;;) {
        r = d->recv(d->opaque, rep, timeout_ns);
        if (r < 0)
            return r;
        if (r == 0)
            return -ETIMEDOUT;
        if (get_cid(rep) != cid)
            continue;
        if (cmd < 0) {
            if (!(rep[4] & TYPE_INIT))
                continue;              /* a stray continuation */
            if ((rep[4] & 0x7f) == CMD_KEEPALIVE) {
                d->keepalives++;
                d->keepalive_status = rep[7];
                continue;
            }
            cmd = rep[4] & 0x7f;
            len = (size_t)rep[5] << 8 | rep[6];
            if (len > EMK_CTAPHID_DRV_MSG_MAX)
                return -EPROTO;
            if (len > cap)
                return -ENOSPC;
            n = len < INIT_DATA ? len : INIT_DATA;
            memcpy(resp, rep + 7, n);
            got = n;
        } else {
            if (rep[4] & TYPE_INIT || rep[4] != seq)
                return -EPROTO;
            seq++;
            n = len - got < CONT_DATA ? len - got : CONT_DATA;
            memcpy(resp + got, rep + 5, n);
            got += n;
        }
        if (got == len)
            break;
    }
    *resp_len = len;
    if (cmd == CMD_ERROR)
        d->error = len ? resp[0] : 0;
    return cmd;
}

int emk_ctaphid_drv_init(emk_ctaphid_drv *d, emk_ctaphid_xmit_fn xmit,
                         emk_ctaphid_recv_fn recv, void *opaque, const uint8_t nonce[8])
{
    uint8_t resp[64];
    size_t n = 0;
    int r;

    memset(d, 0, sizeof(*d));
    d->xmit = xmit;
    d->recv = recv;
    d->opaque = opaque;
    if ((r = send_msg(d, 0xffffffffu, CMD_INIT, nonce, 8)) < 0)
        return r;
    /* the answer comes on the broadcast channel; skip other nonces */
    for (;;) {
        r = recv_msg(d, 0xffffffffu, resp, sizeof(resp), &n, (int64_t)1000000000);
        if (r < 0)
            return r;
        if (r == CMD_INIT && n >= 17 && !memcmp(resp, nonce, 8))
            break;
        if (r != CMD_INIT)
            return -EPROTO;
    }
    d->cid = get_cid(resp + 8);
    if (d->cid == 0 || d->cid == 0xffffffffu)
        return -EPROTO;
    d->version = resp[12];
    memcpy(d->dev_version, resp + 13, 3);
    d->caps = resp[16];
    return 0;
}

int emk_ctaphid_drv_xfer(emk_ctaphid_drv *d, uint8_t cmd, const void *req, size_t len,
                         uint8_t *resp, size_t cap, size_t *resp_len, int64_t timeout_ns)
{
    int r;

    *resp_len = 0;
    d->keepalives = 0;
    d->error = 0;
    if (len > EMK_CTAPHID_DRV_MSG_MAX)
        return -EMSGSIZE;
    if ((r = send_msg(d, d->cid, cmd & 0x7f, req, len)) < 0)
        return r;
    return recv_msg(d, d->cid, resp, cap, resp_len, timeout_ns);
}

int emk_ctaphid_drv_cbor(emk_ctaphid_drv *d, uint8_t ctap_cmd, const void *cbor, size_t len,
                         uint8_t *resp, size_t cap, size_t *resp_len, int64_t timeout_ns)
{
    uint8_t msg[EMK_CTAPHID_DRV_MSG_MAX];
    uint8_t ans[EMK_CTAPHID_DRV_MSG_MAX];
    size_t n = 0;
    int r;

    *resp_len = 0;
    if (len + 1 > sizeof(msg))
        return -EMSGSIZE;
    msg[0] = ctap_cmd;
    if (len)
        memcpy(msg + 1, cbor, len);
    r = emk_ctaphid_drv_xfer(d, CMD_CBOR, msg, len + 1, ans, sizeof(ans), &n, timeout_ns);
    if (r < 0)
        return r;
    if (r != CMD_CBOR || n < 1)
        return -EPROTO;
    if (n - 1 > cap)
        return -ENOSPC;
    memcpy(resp, ans + 1, n - 1);
    *resp_len = n - 1;
    return ans[0];
}
