/*
 * ctaphid_drv.h - the client side of CTAPHID (what a host's FIDO stack
 * does over hidraw): channel allocation with INIT, messages cut into 64-byte
 * reports and reassembled, KEEPALIVEs counted and skipped.  Transport-free:
 * the caller moves reports (an in-process key, a socket, a USB HID
 * function).  Test code: it plays the guest.
 */
#ifndef EMK_GUEST_CTAPHID_DRV_H
#define EMK_GUEST_CTAPHID_DRV_H

#include "emkit/base.h"

enum {
    EMK_CTAPHID_DRV_REPORT = 64,
    EMK_CTAPHID_DRV_MSG_MAX = 7609,
    EMK_CTAPHID_DRV_BROADCAST = -1      /* channel 0xffffffff */
};

/** Reports to the key: 0 or a negative errno. */
typedef int (*emk_ctaphid_xmit_fn)(void *opaque, const uint8_t report[64]);
/** The key's next report, waiting up to timeout_ns: 1, 0 on timeout, or a
 *  negative errno. */
typedef int (*emk_ctaphid_recv_fn)(void *opaque, uint8_t report[64], int64_t timeout_ns);

typedef struct emk_ctaphid_drv {
    emk_ctaphid_xmit_fn xmit;
    emk_ctaphid_recv_fn recv;
    void *opaque;
    uint32_t cid;                 /**< our channel after emk_ctaphid_drv_init */
    uint8_t version;              /**< CTAPHID protocol version */
    uint8_t dev_version[3];       /**< major, minor, build */
    uint8_t caps;                 /**< capability flags */
    unsigned keepalives;          /**< KEEPALIVEs during the last transaction */
    uint8_t keepalive_status;     /**< the last one's status byte */
    uint8_t error;                /**< CTAPHID_ERROR code of the last failure */
} emk_ctaphid_drv;

/** Allocates a channel: INIT on the broadcast channel with `nonce`, checks
 *  the echo.  Returns 0, -EPROTO (bad reply) or the transport's error. */
EMK_API int emk_ctaphid_drv_init(emk_ctaphid_drv *d, emk_ctaphid_xmit_fn xmit,
                                 emk_ctaphid_recv_fn recv, void *opaque,
                                 const uint8_t nonce[8]);
/**
 * One transaction on the channel: sends command `cmd` (without the 0x80
 * bit) with len bytes, waits up to timeout_ns for each report of the
 * answer (KEEPALIVEs restart the wait), reassembles it into resp.
 * Returns the answer's command; CTAPHID_ERROR (0x3F) leaves its code in
 * d->error.  Negative: -EMSGSIZE (len too big), -ENOSPC (answer larger
 * than cap), -ETIMEDOUT, -EPROTO (bad sequence), or the transport's error.
 */
EMK_API int emk_ctaphid_drv_xfer(emk_ctaphid_drv *d, uint8_t cmd, const void *req,
                                 size_t len, uint8_t *resp, size_t cap,
                                 size_t *resp_len, int64_t timeout_ns);
/**
 * A CTAP2 request: command byte `ctap_cmd`, then cbor[0..len).  Stores the
 * answer's CBOR (after the status byte) in resp.  Returns the CTAP status
 * (0..255) or a negative errno as emk_ctaphid_drv_xfer.
 */
EMK_API int emk_ctaphid_drv_cbor(emk_ctaphid_drv *d, uint8_t ctap_cmd, const void *cbor,
                                 size_t len, uint8_t *resp, size_t cap, size_t *resp_len,
                                 int64_t timeout_ns);

#endif
