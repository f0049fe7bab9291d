/* fido_serve.h - `emkit fido serve`: one key on the host clock's loop and
 * the transports that carry its 64-byte reports (fido_sock.c, a Unix
 * SOCK_SEQPACKET listener; fido_uhid.c, Linux /dev/uhid).  Every transport
 * hands the reports it receives to emk_fido_hid_input; the key's replies
 * go to every transport (as every opener of a hidraw node sees them). */
#ifndef EMKIT_CLI_FIDO_SERVE_H
#define EMKIT_CLI_FIDO_SERVE_H

#include "emkit/fido.h"
#include "emkit/loop.h"

enum { EMK_FSOCK_CONNS = 16 };        /* socket connections open at once */

typedef struct emk_fsock_conn {
    int fd;                           /* -1: free */
    emk_fd_handler h;
    struct emk_fsock *srv;
    unsigned long dropped;            /* replies lost: the client did not read */
} emk_fsock_conn;

typedef struct emk_fsock {
    emk_loop *loop;
    emk_fido *key;
    int lfd;                          /* the listener, -1 if none */
    emk_fd_handler lh;
    char path[108];
    emk_fsock_conn conns[EMK_FSOCK_CONNS];
} emk_fsock;

/** Binds and listens on path (a stale socket there is replaced, a live
 *  one is an error) and watches it in loop.  0 or a negative errno. */
int emk_fsock_open(emk_fsock *s, emk_loop *loop, const char *path);
/** Sets the key whose reports the connections carry. */
void emk_fsock_set_key(emk_fsock *s, emk_fido *key);
/** Sends one report to every open connection. */
void emk_fsock_send(emk_fsock *s, const uint8_t report[EMK_FIDO_REPORT]);
/** Closes every connection and the listener and removes the socket file. */
void emk_fsock_close(emk_fsock *s);

/* The uhid event layout (Documentation/hid/uhid.rst; struct uhid_event in
 * <linux/uhid.h>, packed, host byte order), as offsets, so that builds
 * without the kernel headers (musl) still speak it. */
enum emk_uhid_abi {
    EMK_UHID_EVENT_SIZE = 4380,       /* sizeof(struct uhid_event): the union is 8-aligned */
    EMK_UHID_DESTROY = 1,
    EMK_UHID_START = 2,
    EMK_UHID_STOP = 3,
    EMK_UHID_OPEN = 4,
    EMK_UHID_CLOSE = 5,
    EMK_UHID_OUTPUT = 6,
    EMK_UHID_GET_REPORT = 9,
    EMK_UHID_GET_REPORT_REPLY = 10,
    EMK_UHID_CREATE2 = 11,
    EMK_UHID_INPUT2 = 12,
    EMK_UHID_SET_REPORT = 13,
    EMK_UHID_SET_REPORT_REPLY = 14,
    /* offsets from the start of the event (the type is at 0, a u32) */
    EMK_UHID_C2_NAME = 4,             /* u8[128] */
    EMK_UHID_C2_PHYS = 132,           /* u8[64] */
    EMK_UHID_C2_UNIQ = 196,           /* u8[64] */
    EMK_UHID_C2_RD_SIZE = 260,        /* u16 */
    EMK_UHID_C2_BUS = 262,            /* u16 */
    EMK_UHID_C2_VENDOR = 264,         /* u32 */
    EMK_UHID_C2_PRODUCT = 268,
    EMK_UHID_C2_VERSION = 272,
    EMK_UHID_C2_COUNTRY = 276,
    EMK_UHID_C2_RD_DATA = 280,        /* u8[4096] */
    EMK_UHID_IN2_SIZE = 4,            /* u16 */
    EMK_UHID_IN2_DATA = 6,
    EMK_UHID_OUT_DATA = 4,            /* u8[4096] */
    EMK_UHID_OUT_SIZE = 4100,         /* u16 */
    EMK_UHID_OUT_RTYPE = 4102,        /* u8 */
    EMK_UHID_GR_ID = 4,               /* u32: GET_REPORT and SET_REPORT */
    EMK_UHID_GRR_ID = 4,              /* u32: the replies */
    EMK_UHID_GRR_ERR = 8,             /* u16 */
    EMK_UHID_GRR_SIZE = 10,           /* u16 (GET_REPORT_REPLY only) */
    EMK_UHID_DATA_MAX = 4096,
    EMK_UHID_BUS_USB = 3,
    EMK_UHID_OUTPUT_REPORT = 1        /* enum uhid_report_type */
};

enum {
    EMK_FIDO_UHID_VENDOR = 0x1209,    /* pid.codes */
    EMK_FIDO_UHID_PRODUCT = 0x0001    /* pid.codes' test PID */
};

/** Encodes UHID_CREATE2 for our key into ev (EMK_UHID_EVENT_SIZE bytes). */
void emk_uhid_create2(uint8_t *ev, const uint8_t *rd, size_t rd_len);
/** Encodes UHID_INPUT2 carrying one report; returns the bytes to write. */
size_t emk_uhid_input2(uint8_t *ev, const uint8_t *data, size_t len);

typedef struct emk_fuhid {
    emk_loop *loop;
    emk_fido *key;
    int fd;                           /* /dev/uhid, -1 if none */
    emk_fd_handler h;
    int started, opened;
    uint8_t ev[EMK_UHID_EVENT_SIZE];  /* read buffer */
    uint8_t out[EMK_UHID_EVENT_SIZE]; /* write buffer */
} emk_fuhid;

/** Opens /dev/uhid (or path), creates the device and watches it.
 *  0 or a negative errno (-ENOTSUP off Linux). */
int emk_fuhid_open(emk_fuhid *u, emk_loop *loop, const char *path);
void emk_fuhid_set_key(emk_fuhid *u, emk_fido *key);
/** Sends one input report (dropped unless the device is open). */
void emk_fuhid_send(emk_fuhid *u, const uint8_t report[EMK_FIDO_REPORT]);
/** Destroys the device and closes the fd. */
void emk_fuhid_close(emk_fuhid *u);

#endif
