/*
 * hid.c - CTAPHID (CTAP 2.1 section 11.2): 64-byte reports, channels,
 * fragmentation and reassembly, the commands PING, MSG, CBOR, WINK,
 * CANCEL, LOCK and INIT, KEEPALIVE while a CBOR request waits for the
 * user, per-message timeouts and ERROR replies.
 *
 * One transaction at a time: a message is assembled into hid.msg, run,
 * and answered.  A CBOR request whose handler waits for the user stays in
 * hid.msg and is run again, unchanged, when up.c ends the wait
 * (emk_fido_hid_resume).  Meanwhile only INIT and CANCEL are served;
 * every other request gets CHANNEL_BUSY.
 */
#include <stddef.h>

#include "fido_int.h"
#include "trace_int.h"

static emk_trace_event ev_in = EMK_TRACE_EVENT_INIT("fido_hid_request");
static emk_trace_event ev_err = EMK_TRACE_EVENT_INIT("fido_hid_error");
static emk_trace_event ev_wait = EMK_TRACE_EVENT_INIT("fido_hid_wait");

#define CID_BROADCAST 0xffffffffu
#define MS(x) ((int64_t)(x) * 1000000)

enum { HID_VERSION = 2, DEV_MAJOR = 1, DEV_MINOR = 0, DEV_BUILD = 0 };

/* FIDO usage page, one 64-byte input and one 64-byte output report, no
 * report ID (CTAP 2.1 section 11.2.8.1). */
static const uint8_t report_desc[] = {
    0x06, 0xd0, 0xf1,       /* Usage Page (FIDO Alliance 0xF1D0) */
    0x09, 0x01,             /* Usage (CTAPHID) */
    0xa1, 0x01,             /* Collection (Application) */
    0x09, 0x20,             /*   Usage (Input Report Data) */
    0x15, 0x00,             /*   Logical Minimum (0) */
    0x26, 0xff, 0x00,       /*   Logical Maximum (255) */
    0x75, 0x08,             /*   Report Size (8) */
    0x95, 0x40,             /*   Report Count (64) */
    0x81, 0x02,             /*   Input (Data, Var, Abs) */
    0x09, 0x21,             /*   Usage (Output Report Data) */
    0x15, 0x00,             /*   Logical Minimum (0) */
    0x26, 0xff, 0x00,       /*   Logical Maximum (255) */
    0x75, 0x08,             /*   Report Size (8) */
    0x95, 0x40,             /*   Report Count (64) */
    0x91, 0x02,             /*   Output (Data, Var, Abs) */
    0xc0                    /* End Collection */
};

const uint8_t *emk_fido_hid_descriptor(size_t *len)
{
    *len = sizeof(report_desc);
    return report_desc;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Sends one message as an init packet and continuation packets. */
static void send_msg(emk_fido *k, uint32_t cid, uint8_t cmd, const uint8_t *data, size_t len)
{
    uint8_t *r = k->hid.tx;
    size_t off = 0, n;
    uint8_t seq = 0;

    memset(r, 0, EMK_FIDO_REPORT);
    put_be32(r, cid);
    r[4] = (uint8_t)(0x80 | cmd);
    r[5] = (uint8_t)(len >> 8);
    r[6] = (uint8_t)len;
    n = len < EMK_FIDO_HID_INIT_DATA ? len : EMK_FIDO_HID_INIT_DATA;
    if (n)
        memcpy(r + 7, data, n);
    k->ops.send_report(k->opaque, r);
    off = n;
    while (off < len) {
        memset(r, 0, EMK_FIDO_REPORT);
        put_be32(r, cid);
        r[4] = seq++;
        n = len - off < EMK_FIDO_HID_CONT_DATA ? len - off : EMK_FIDO_HID_CONT_DATA;
        memcpy(r + 5, data + off, n);
        k->ops.send_report(k->opaque, r);
        off += n;
    }
}

static void send_error(emk_fido *k, uint32_t cid, uint8_t code)
{
    EMK_TRACE(ev_err, "cid=0x%08lx code=0x%02x", (unsigned long)cid, code);
    send_msg(k, cid, CTAPHID_ERROR, &code, 1);
}

/* ---------------------------------------------------------- channels */

static int cid_known(const emk_fido *k, uint32_t cid)
{
    for (unsigned i = 0; i < EMK_FIDO_HID_CHANNELS; i++)
        if (k->hid.cids[i] == cid)
            return 1;
    return 0;
}

static uint32_t cid_alloc(emk_fido *k)
{
    uint8_t b[4];
    uint32_t cid;

    do {
        emk_fido_random(k, b, sizeof(b));
        cid = get_be32(b);
        /* a failed generator yields zeros: fall back to a counter so the
         * loop ends (the key refuses state changes anyway, k->err) */
        if (!cid)
            cid = 1 + k->hid.cid_next;
    } while (cid == CID_BROADCAST || cid_known(k, cid));
    k->hid.cids[k->hid.cid_next] = cid;
    k->hid.cid_next = (k->hid.cid_next + 1) % EMK_FIDO_HID_CHANNELS;
    return cid;
}

/* ------------------------------------------------------ transactions */

static void rx_drop(emk_fido *k)
{
    k->hid.rx_active = 0;
    emk_timer_del(&k->hid.rx_timer);
}

/* Ends a wait for the user; the caller answers (or not). */
static void wait_end(emk_fido *k)
{
    k->hid.busy = 0;
    emk_timer_del(&k->hid.ka_timer);
    emk_timer_del(&k->hid.deadline);
}

static void wait_abort(emk_fido *k)
{
    wait_end(k);
    emk_fido_up_abort(k);
    emk_fido_ctap2_abort(k);
}

static void cbor_reply(emk_fido *k, uint32_t cid, uint8_t status)
{
    send_msg(k, cid, CTAPHID_CBOR, &status, 1);
}

/* Runs the CBOR request in hid.msg; a wait keeps it there. */
static void run_cbor(emk_fido *k, uint32_t cid)
{
    size_t n = 0;
    int st = emk_fido_ctap2(k, k->hid.msg, k->hid.rx_len, k->resp, sizeof(k->resp), &n);

    if (st == EMK_FIDO_PENDING) {
        if (!k->hid.busy) {
            EMK_TRACE(ev_wait, "cid=0x%08lx cmd=0x%02x", (unsigned long)cid, k->hid.msg[0]);
            k->hid.busy = 1;
            k->hid.busy_cid = cid;
            emk_timer_mod(&k->hid.ka_timer,
                          emk_loop_now(k->loop) + MS(EMK_FIDO_HID_KEEPALIVE_MS));
            emk_timer_mod(&k->hid.deadline, emk_loop_now(k->loop) + MS(k->cfg.up_timeout_ms));
        }
        return;
    }
    wait_end(k);
    if (n < 1 || n > sizeof(k->resp)) {
        k->resp[0] = CTAP1_ERR_OTHER;
        n = 1;
    }
    send_msg(k, cid, CTAPHID_CBOR, k->resp, n);
}

void emk_fido_hid_resume(emk_fido *k)
{
    if (k->hid.busy)
        run_cbor(k, k->hid.busy_cid);
}

static void keepalive_cb(void *opaque)
{
    emk_fido *k = opaque;
    uint8_t status = CTAPHID_KEEPALIVE_UPNEEDED;

    if (!k->hid.busy)
        return;
    emk_timer_mod(&k->hid.ka_timer, emk_loop_now(k->loop) + MS(EMK_FIDO_HID_KEEPALIVE_MS));
    send_msg(k, k->hid.busy_cid, CTAPHID_KEEPALIVE, &status, 1);
}

static void deadline_cb(void *opaque)
{
    emk_fido *k = opaque;
    uint32_t cid = k->hid.busy_cid;

    if (!k->hid.busy)
        return;
    wait_abort(k);
    cbor_reply(k, cid, CTAP2_ERR_USER_ACTION_TIMEOUT);
}

static void rx_timeout_cb(void *opaque)
{
    emk_fido *k = opaque;

    if (!k->hid.rx_active)
        return;
    k->hid.rx_active = 0;
    send_error(k, k->hid.rx_cid, CTAP1_ERR_TIMEOUT);
}

static void lock_cb(void *opaque)
{
    emk_fido *k = opaque;

    k->hid.lock_cid = 0;
}

/* ---------------------------------------------------------- commands */

static void cmd_init(emk_fido *k, uint32_t cid, const uint8_t *r)
{
    uint8_t resp[17];
    uint32_t bcnt = (uint32_t)r[5] << 8 | r[6];
    uint32_t ncid;

    if (bcnt != 8) {
        send_error(k, cid, CTAP1_ERR_INVALID_LENGTH);
        return;
    }
    if (cid == CID_BROADCAST) {
        ncid = cid_alloc(k);
    } else if (cid_known(k, cid)) {
        /* resync: the channel's transaction is abandoned, silently */
        ncid = cid;
        if (k->hid.rx_active && k->hid.rx_cid == cid)
            rx_drop(k);
        if (k->hid.busy && k->hid.busy_cid == cid)
            wait_abort(k);
    } else {
        send_error(k, cid, CTAP1_ERR_INVALID_CHANNEL);
        return;
    }
    memcpy(resp, r + 7, 8);
    put_be32(resp + 8, ncid);
    resp[12] = HID_VERSION;
    resp[13] = DEV_MAJOR;
    resp[14] = DEV_MINOR;
    resp[15] = DEV_BUILD;
    resp[16] = EMK_FIDO_CAP_WINK | EMK_FIDO_CAP_CBOR;
    send_msg(k, cid, CTAPHID_INIT, resp, sizeof(resp));
}

static void cmd_lock(emk_fido *k, uint32_t cid, const uint8_t *data, size_t len)
{
    if (len != 1) {
        send_error(k, cid, CTAP1_ERR_INVALID_LENGTH);
        return;
    }
    if (data[0] > EMK_FIDO_HID_LOCK_MAX_S) {
        send_error(k, cid, CTAP1_ERR_INVALID_PARAMETER);
        return;
    }
    if (data[0] == 0) {
        k->hid.lock_cid = 0;
        emk_timer_del(&k->hid.lock_timer);
    } else {
        k->hid.lock_cid = cid;
        emk_timer_mod(&k->hid.lock_timer, emk_loop_now(k->loop) + MS(1000 * (int64_t)data[0]));
    }
    send_msg(k, cid, CTAPHID_LOCK, NULL, 0);
}

/* A complete message in hid.msg. */
static void dispatch(emk_fido *k)
{
    uint32_t cid = k->hid.rx_cid;
    size_t len = k->hid.rx_len, n = 0;

    rx_drop(k);
    EMK_TRACE(ev_in, "cid=0x%08lx cmd=0x%02x len=%lu", (unsigned long)cid, k->hid.rx_cmd,
              (unsigned long)len);
    switch (k->hid.rx_cmd) {
    case CTAPHID_PING:
        send_msg(k, cid, CTAPHID_PING, k->hid.msg, len);
        break;
    case CTAPHID_MSG:
        k->hid.in_u2f = 1;
        if (emk_fido_u2f(k, k->hid.msg, len, k->resp, sizeof(k->resp), &n) < 0 ||
            n > sizeof(k->resp))
            n = 0;
        k->hid.in_u2f = 0;
        if (n)
            send_msg(k, cid, CTAPHID_MSG, k->resp, n);
        else
            send_error(k, cid, CTAP1_ERR_OTHER);
        break;
    case CTAPHID_CBOR:
        if (!len)
            send_error(k, cid, CTAP1_ERR_INVALID_LENGTH);
        else
            run_cbor(k, cid);
        break;
    case CTAPHID_WINK:
        if (len) {
            send_error(k, cid, CTAP1_ERR_INVALID_LENGTH);
            break;
        }
        if (k->ops.wink)
            k->ops.wink(k->opaque);
        send_msg(k, cid, CTAPHID_WINK, NULL, 0);
        break;
    case CTAPHID_LOCK:
        cmd_lock(k, cid, k->hid.msg, len);
        break;
    default:
        send_error(k, cid, CTAP1_ERR_INVALID_COMMAND);
        break;
    }
}

/* An initialization packet (r[4] has bit 7). */
static void init_packet(emk_fido *k, uint32_t cid, const uint8_t *r)
{
    uint8_t cmd = r[4] & 0x7f;
    size_t bcnt = (size_t)r[5] << 8 | r[6];
    size_t n;

    if (cid == 0) {
        send_error(k, cid, CTAP1_ERR_INVALID_CHANNEL);
        return;
    }
    if (cmd == CTAPHID_INIT) {
        cmd_init(k, cid, r);
        return;
    }
    if (cid == CID_BROADCAST || !cid_known(k, cid)) {
        send_error(k, cid, CTAP1_ERR_INVALID_CHANNEL);
        return;
    }
    if (cmd == CTAPHID_CANCEL) {
        /* no reply; ignored unless it names the waiting request */
        if (k->hid.busy && k->hid.busy_cid == cid) {
            wait_abort(k);
            cbor_reply(k, cid, CTAP2_ERR_KEEPALIVE_CANCEL);
        }
        return;
    }
    if (k->hid.busy || (k->hid.lock_cid && k->hid.lock_cid != cid) ||
        (k->hid.rx_active && k->hid.rx_cid != cid)) {
        /* releasing a lock needs the lock */
        if (!k->hid.busy && cmd == CTAPHID_LOCK && bcnt == 1 && r[7] == 0 &&
            k->hid.lock_cid && k->hid.lock_cid != cid)
            send_error(k, cid, CTAP1_ERR_LOCK_REQUIRED);
        else
            send_error(k, cid, CTAP1_ERR_CHANNEL_BUSY);
        return;
    }
    /* a new init packet on the assembling channel restarts it */
    if (bcnt > EMK_FIDO_MSG_MAX) {
        rx_drop(k);
        send_error(k, cid, CTAP1_ERR_INVALID_LENGTH);
        return;
    }
    k->hid.rx_active = 1;
    k->hid.rx_cid = cid;
    k->hid.rx_cmd = cmd;
    k->hid.rx_seq = 0;
    k->hid.rx_len = bcnt;
    n = bcnt < EMK_FIDO_HID_INIT_DATA ? bcnt : EMK_FIDO_HID_INIT_DATA;
    memcpy(k->hid.msg, r + 7, n);
    k->hid.rx_got = n;
    if (n == bcnt)
        dispatch(k);
    else
        emk_timer_mod(&k->hid.rx_timer,
                      emk_loop_now(k->loop) + MS(EMK_FIDO_HID_MSG_TIMEOUT_MS));
}

static void cont_packet(emk_fido *k, uint32_t cid, const uint8_t *r)
{
    size_t n;

    /* continuations of no message being assembled are ignored */
    if (!k->hid.rx_active || k->hid.rx_cid != cid)
        return;
    if (r[4] != k->hid.rx_seq) {
        rx_drop(k);
        send_error(k, cid, CTAP1_ERR_INVALID_SEQ);
        return;
    }
    k->hid.rx_seq++;
    n = k->hid.rx_len - k->hid.rx_got;
    if (n > EMK_FIDO_HID_CONT_DATA)
        n = EMK_FIDO_HID_CONT_DATA;
    memcpy(k->hid.msg + k->hid.rx_got, r + 5, n);
    k->hid.rx_got += n;
    if (k->hid.rx_got == k->hid.rx_len)
        dispatch(k);
}

int emk_fido_hid_input(emk_fido *k, const uint8_t *report, size_t len)
{
    uint32_t cid;

    if (len == EMK_FIDO_REPORT + 1 && report[0] == 0) {
        report++;
        len--;
    }
    if (len != EMK_FIDO_REPORT)
        return -EINVAL;
    cid = get_be32(report);
    if (report[4] & 0x80)
        init_packet(k, cid, report);
    else
        cont_packet(k, cid, report);
    return 0;
}

void emk_fido_hid_init(emk_fido *k)
{
    memset(&k->hid, 0, offsetof(emk_fido_hid, up_granted));
    emk_timer_init(&k->hid.rx_timer, k->loop, rx_timeout_cb, k);
    emk_timer_init(&k->hid.ka_timer, k->loop, keepalive_cb, k);
    emk_timer_init(&k->hid.deadline, k->loop, deadline_cb, k);
    emk_timer_init(&k->hid.lock_timer, k->loop, lock_cb, k);
}

void emk_fido_hid_cleanup(emk_fido *k)
{
    emk_timer_del(&k->hid.rx_timer);
    emk_timer_del(&k->hid.ka_timer);
    emk_timer_del(&k->hid.deadline);
    emk_timer_del(&k->hid.lock_timer);
}
