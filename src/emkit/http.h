/*
 * emkit/http.h - a small HTTP/1.1 server with WebSocket (RFC 6455) for
 * local user interfaces (`emkit ui`).  GET requests are answered from a
 * callback; one path upgrades to a WebSocket carrying text messages.
 *
 * Hostile clients are bounded, never waited for: sockets are
 * non-blocking; a request head larger than EMK_HTTP_HEAD_MAX, a head not
 * complete within EMK_HTTP_HEAD_MS (slowloris), a bad handshake, an
 * unmasked, fragmented, binary or over-long frame (EMK_HTTP_FRAME_MAX)
 * end that connection only; output beyond EMK_HTTP_OUT_MAX is dropped.
 * Everything runs in the thread calling emk_httpd_poll.
 */
#ifndef EMKIT_HTTP_H
#define EMKIT_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "emkit/base.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_http_limits {
    EMK_HTTP_MAX_CONNS = 16,
    EMK_HTTP_HEAD_MAX = 8192,
    EMK_HTTP_HEAD_MS = 5000,
    EMK_HTTP_FRAME_MAX = 65536,
    EMK_HTTP_OUT_MAX = 1048576
};

/** Connection states. */
enum emk_http_state { EMK_HTTP_FREE = 0, EMK_HTTP_HEAD = 1, EMK_HTTP_WS = 2,
                      EMK_HTTP_CLOSING = 3 };

/** One connection (caller-owned inside emk_httpd). */
typedef struct emk_http_conn {
    int fd, state;
    uint64_t since_ms;           /**< when it connected (monotonic) */
    char *in;                    /**< EMK_HTTP_FRAME_MAX + 16 bytes */
    size_t nin;
    char *out;                   /**< EMK_HTTP_OUT_MAX bytes */
    size_t nout;
    uint64_t dropped;
} emk_http_conn;

struct emk_httpd;

/** Serves GET path: set *type and *body (static storage) and return 200,
 *  or return 404. */
typedef int (*emk_http_get)(void *opaque, const char *path, const char **type,
                            const char **body, size_t *len);
/** A WebSocket text message from connection id. */
typedef void (*emk_http_ws_msg)(void *opaque, struct emk_httpd *h, int id, const char *msg,
                                size_t len);

/** A WebSocket connection id finished its handshake. */
typedef void (*emk_http_ws_open)(void *opaque, struct emk_httpd *h, int id);

/** The server. */
typedef struct emk_httpd {
    int listen_fd;
    emk_http_conn conn[EMK_HTTP_MAX_CONNS];
    const char *ws_path;
    emk_http_get get;
    emk_http_ws_msg on_msg;
    emk_http_ws_open on_open;    /**< optional; set after emk_httpd_listen */
    void *opaque;
    uint64_t refused;            /**< connections ended for misbehaving */
} emk_httpd;

/** Listens on TCP host:port (host a numeric IPv4 address; NULL means
 *  127.0.0.1; port 0 picks one, see emk_httpd_port).  0 or -errno. */
EMK_API int emk_httpd_listen(emk_httpd *h, const char *host, unsigned port,
                             const char *ws_path, emk_http_get get, emk_http_ws_msg on_msg,
                             void *opaque);

/** Serves an already connected socket fd (made non-blocking) as a new
 *  connection, as if accepted.  Returns its id, or -ENOSPC/-ENOMEM (fd is
 *  then closed).  Tests and fuzzers drive the server through a socketpair
 *  with it. */
EMK_API int emk_httpd_adopt(emk_httpd *h, int fd);

/** The port listened on. */
EMK_API unsigned emk_httpd_port(const emk_httpd *h);

/** Serves connections, waiting at most timeout_ms; extra_fd (or -1) is
 *  polled too and *extra_ready set when it is readable.  Returns 0. */
EMK_API int emk_httpd_poll(emk_httpd *h, int timeout_ms, int extra_fd, int *extra_ready);

/** Sends a text message to WebSocket connection id (-1: to all). */
EMK_API void emk_httpd_ws_send(emk_httpd *h, int id, const char *msg, size_t len);

/** Number of open WebSocket connections. */
EMK_API unsigned emk_httpd_ws_count(const emk_httpd *h);

/** Parses one client-to-server WebSocket frame at buf[0, len).  Returns
 *  the frame's total length with *op, *payload (unmasked in place) and
 *  *plen set; 0 if more bytes are needed; -EPROTO for a frame this server
 *  refuses (unmasked, fragmented, reserved bits, payload over max). */
EMK_API long emk_ws_parse_frame(uint8_t *buf, size_t len, size_t max, unsigned *op,
                                uint8_t **payload, size_t *plen);

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key +
 *  GUID)) into out (at least 29 bytes). */
EMK_API void emk_ws_accept_key(const char *key, size_t len, char out[29]);

/** Closes every connection and the listening socket. */
EMK_API void emk_httpd_close(emk_httpd *h);

#ifdef __cplusplus
}
#endif

#endif
