/*
 * mux_int.h - the FIDO mux core's rooms (emkit/fido_mux.h):
 *   mux.c       the client table, creation, the frames it sends
 *   mux_chan.c  the clients' channels: INIT, CID checks, reassembly
 *   mux_txn.c   the queue of whole messages and the one transaction on
 *               the key: KEEPALIVE, the final response, the timeout
 * Everything runs in the mux's loop thread.
 */
#ifndef EMKIT_HW_FIDO_MUX_INT_H
#define EMKIT_HW_FIDO_MUX_INT_H

#include <string.h>

#include "compat.h"
#include "emkit/fido_mux.h"

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
/* silence from the key that ends a transaction, and the longest one
 * however many KEEPALIVEs it sends (a key's own user-action timeout is
 * 30 s) */
#define TXN_TIMEOUT_NS ((int64_t)35 * 1000000000)
#define TXN_MAX_NS ((int64_t)120 * 1000000000)

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
    int64_t act_start;
    uint16_t rlen, rgot;
    uint8_t rseq;
    int rstarted;
    emk_timer timer;
    uint64_t stat_done, stat_dropped;
};

/* mux.c */
uint32_t emk_mux_next_rand(emk_fido_mux *m);
/* One message (cmd, payload) cut into reports on cid; client -1: the key. */
void emk_mux_send_frames(emk_fido_mux *m, int client, uint32_t cid, uint8_t cmd,
                         const uint8_t *data, size_t len);
void emk_mux_client_error(emk_fido_mux *m, int client, uint32_t cid, uint8_t code);

/* mux_txn.c */
/* Starts queued messages while the key is free. */
void emk_mux_pump(emk_fido_mux *m);
/* The running transaction ended; the next one starts. */
void emk_mux_finish(emk_fido_mux *m);
/* Client's channel k has a whole message: queue it. */
void emk_mux_enqueue(emk_fido_mux *m, int client, int k);
void emk_mux_txn_timeout(void *opaque);

#endif
