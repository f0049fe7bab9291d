/* libFuzzer target: the HTTP/WebSocket server of `emkit ui`
 * (emkit/http.h) on hostile bytes: the input is written, in chunks whose
 * sizes come from its first byte, into one end of a socketpair the server
 * serves as a connection (emk_httpd_adopt); whatever it answers is read
 * and dropped.  WebSocket messages are echoed back, as a page's would be
 * answered.  Also the frame parser on the raw input. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "emkit/http.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

static emk_httpd h;

static int get(void *o, const char *path, const char **type, const char **body, size_t *len)
{
    (void)o;
    if (strcmp(path, "/"))
        return 404;
    *type = "text/html";
    *body = "<p>x</p>";
    *len = 8;
    return 200;
}

static void msg(void *o, emk_httpd *hd, int id, const char *m, size_t n)
{
    (void)o;
    emk_httpd_ws_send(hd, id, m, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int sv[2], id;
    size_t off = 1, chunk;
    uint8_t copy[4096];
    unsigned op;
    uint8_t *pl;
    size_t plen;
    char sink[65536];

    if (size < 1 || size > 200000)
        return 0;
    memcpy(copy, data, size < sizeof(copy) ? size : sizeof(copy));
    emk_ws_parse_frame(copy, size < sizeof(copy) ? size : sizeof(copy), 4096, &op, &pl, &plen);
    /* a server with no listening socket, one adopted connection */
    if (emk_httpd_listen(&h, "127.0.0.1", 0, "/ws", get, msg, NULL) < 0)
        return 0;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        emk_httpd_close(&h);
        return 0;
    }
    id = emk_httpd_adopt(&h, sv[0]);
    if (id < 0)
        abort();
    chunk = (size_t)(data[0] % 64) + 1;
    while (off < size) {
        size_t n = size - off < chunk ? size - off : chunk;
        ssize_t w = send(sv[1], data + off, n, MSG_DONTWAIT | MSG_NOSIGNAL);

        if (w > 0)
            off += (size_t)w;
        emk_httpd_poll(&h, 0, -1, NULL);
        while (recv(sv[1], sink, sizeof(sink), MSG_DONTWAIT) > 0)
            ;
        if (w <= 0 && h.conn[id].fd < 0)
            break;           /* the server closed the connection */
    }
    emk_httpd_poll(&h, 0, -1, NULL);
    close(sv[1]);
    emk_httpd_poll(&h, 0, -1, NULL);
    emk_httpd_close(&h);
    return 0;
}
