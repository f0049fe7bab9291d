/* hid_int.h - CTAPHID state (hid.c owns it) and the simulated user's
 * private fields (up.c owns those). */
#ifndef EMKIT_HW_FIDO_HID_INT_H
#define EMKIT_HW_FIDO_HID_INT_H

#include "emkit/fido.h"
#include "emkit/loop.h"

enum emk_fido_hid_limits {
    EMK_FIDO_HID_CHANNELS = 32,      /**< allocated CIDs remembered */
    EMK_FIDO_HID_INIT_DATA = EMK_FIDO_REPORT - 7,
    EMK_FIDO_HID_CONT_DATA = EMK_FIDO_REPORT - 5,
    EMK_FIDO_HID_MSG_TIMEOUT_MS = 500,  /**< an incomplete message's life */
    EMK_FIDO_HID_KEEPALIVE_MS = 100,
    EMK_FIDO_HID_LOCK_MAX_S = 10
};

/* CTAPHID_INIT capability flags */
enum emk_fido_hid_caps {
    EMK_FIDO_CAP_WINK = 0x01,
    EMK_FIDO_CAP_CBOR = 0x04,
    EMK_FIDO_CAP_NMSG = 0x08
};

typedef struct emk_fido_hid {
    /* allocated channels: a ring, the oldest is forgotten first */
    uint32_t cids[EMK_FIDO_HID_CHANNELS];
    unsigned cid_next;

    /* the one message being assembled or run (one transaction at a time) */
    int rx_active;                   /**< assembling */
    uint32_t rx_cid;
    uint8_t rx_cmd;
    uint8_t rx_seq;                  /**< next continuation's sequence */
    size_t rx_len;                   /**< the init packet's BCNT */
    size_t rx_got;
    emk_timer rx_timer;              /**< message timeout */
    uint8_t msg[EMK_FIDO_MSG_MAX];

    /* a CBOR request waiting for the user (EMK_FIDO_PENDING) */
    int busy;
    uint32_t busy_cid;
    emk_timer ka_timer;              /**< KEEPALIVE every 100 ms */
    emk_timer deadline;              /**< up_timeout_ms */

    /* CTAPHID_LOCK */
    uint32_t lock_cid;               /**< 0: unlocked */
    emk_timer lock_timer;

    int in_u2f;                      /**< a MSG is running: tests never wait */
    uint8_t tx[EMK_FIDO_REPORT];

    /* the simulated user (up.c; its waiting flag is emk_fido.up_state) */
    int up_granted;                  /**< a touch not yet consumed */
    int64_t up_grant_ns;             /**< when it happened (valid 10 s) */
} emk_fido_hid;

#endif
