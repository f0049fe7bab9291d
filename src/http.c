/* http.c - the HTTP/1.1 + WebSocket server of emkit/http.h.  SHA-1 (RFC
 * 3174) is here, private, for the WebSocket handshake only. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "emkit/http.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

/* ---- SHA-1 and base64, for Sec-WebSocket-Accept ---- */

static uint32_t rol(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32 - n));
}

static void sha1_block(uint32_t h[5], const uint8_t *p)
{
    uint32_t w[80], a, b, c, d, e, t;
    unsigned i;

    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (i = 16; i < 80; i++)
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4];
    for (i = 0; i < 80; i++) {
        uint32_t f, k;

        if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
        else { f = b ^ c ^ d; k = 0xCA62C1D6; }
        t = rol(a, 5) + f + e + k + w[i];
        e = d; d = c; c = rol(b, 30); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

static void sha1(const uint8_t *m, size_t len, uint8_t out[20])
{
    uint32_t h[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 };
    uint8_t blk[64];
    size_t i, done = 0;
    uint64_t bits = (uint64_t)len * 8;

    while (len - done >= 64) {
        sha1_block(h, m + done);
        done += 64;
    }
    memset(blk, 0, sizeof(blk));
    memcpy(blk, m + done, len - done);
    blk[len - done] = 0x80;
    if (len - done >= 56) {
        sha1_block(h, blk);
        memset(blk, 0, sizeof(blk));
    }
    for (i = 0; i < 8; i++)
        blk[63 - i] = (uint8_t)(bits >> (8 * i));
    sha1_block(h, blk);
    for (i = 0; i < 20; i++)
        out[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
}

void emk_ws_accept_key(const char *key, size_t len, char out[29])
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint8_t buf[128 + sizeof(guid)], d[21];
    unsigned i, o = 0;

    if (len > 128)
        len = 128;
    memcpy(buf, key, len);
    memcpy(buf + len, guid, sizeof(guid) - 1);
    sha1(buf, len + sizeof(guid) - 1, d);
    d[20] = 0;
    for (i = 0; i < 21; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)(i + 1 < 21 ? d[i + 1] : 0) << 8 |
                     (i + 2 < 21 ? d[i + 2] : 0);

        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = i + 1 < 20 ? b64[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < 20 ? b64[v & 63] : '=';
    }
    out[28] = 0;
}

/* ---- frames ---- */

long emk_ws_parse_frame(uint8_t *buf, size_t len, size_t max, unsigned *op,
                        uint8_t **payload, size_t *plen)
{
    size_t hl = 2, n, i;
    uint8_t *mask;

    if (len < 2)
        return 0;
    if ((buf[0] & 0x70) || !(buf[0] & 0x80) || !(buf[1] & 0x80))
        return -EPROTO;       /* reserved bits, a fragment, or unmasked */
    *op = buf[0] & 0x0F;
    n = buf[1] & 0x7F;
    if (n == 126) {
        if (len < 4)
            return 0;
        n = (size_t)buf[2] << 8 | buf[3];
        hl = 4;
    } else if (n == 127) {
        if (len < 10)
            return 0;
        if (buf[2] | buf[3] | buf[4] | buf[5])
            return -EPROTO;
        n = (size_t)buf[6] << 24 | (size_t)buf[7] << 16 | (size_t)buf[8] << 8 | buf[9];
        hl = 10;
    }
    if (n > max || ((*op & 8) && n > 125))
        return -EPROTO;
    if (len < hl + 4 + n)
        return 0;
    mask = buf + hl;
    for (i = 0; i < n; i++)
        buf[hl + 4 + i] ^= mask[i & 3];
    *payload = buf + hl + 4;
    *plen = n;
    return (long)(hl + 4 + n);
}

/* ---- connections ---- */

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void conn_close(emk_httpd *h, emk_http_conn *c, int refused)
{
    (void)h;
    if (c->fd >= 0)
        close(c->fd);
    free(c->in);
    free(c->out);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
    if (refused)
        h->refused++;
}

static void put(emk_http_conn *c, const void *p, size_t n)
{
    if (c->nout + n > EMK_HTTP_OUT_MAX) {
        c->dropped++;
        return;
    }
    memcpy(c->out + c->nout, p, n);
    c->nout += n;
}

static void flush(emk_httpd *h, emk_http_conn *c)
{
    while (c->nout) {
        ssize_t n = send(c->fd, c->out, c->nout, MSG_NOSIGNAL);

        if (n <= 0) {
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                return;
            conn_close(h, c, 0);
            return;
        }
        memmove(c->out, c->out + n, c->nout - (size_t)n);
        c->nout -= (size_t)n;
    }
    if (c->state == EMK_HTTP_CLOSING)
        conn_close(h, c, 0);
}

static void ws_frame(emk_http_conn *c, unsigned op, const char *p, size_t n)
{
    uint8_t hd[10];
    size_t hl = 2;

    hd[0] = (uint8_t)(0x80 | op);
    if (n < 126) {
        hd[1] = (uint8_t)n;
    } else if (n < 65536) {
        hd[1] = 126; hd[2] = (uint8_t)(n >> 8); hd[3] = (uint8_t)n;
        hl = 4;
    } else {
        unsigned i;

        hd[1] = 127;
        for (i = 0; i < 8; i++)
            hd[2 + i] = (uint8_t)((uint64_t)n >> (56 - 8 * i));
        hl = 10;
    }
    if (c->nout + hl + n > EMK_HTTP_OUT_MAX) {
        c->dropped++;
        return;
    }
    put(c, hd, hl);
    put(c, p, n);
}

static void respond(emk_http_conn *c, int code, const char *type, const char *body, size_t n)
{
    char hd[256];
    int l = snprintf(hd, sizeof(hd),
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Cache-Control: no-store\r\nConnection: close\r\n\r\n", code,
                     code == 200 ? "OK" : code == 404 ? "Not Found" : "Bad Request", type, n);

    put(c, hd, (size_t)l);
    put(c, body, n);
    c->state = EMK_HTTP_CLOSING;
}

/* The value of header name in head (NUL-terminated), or NULL. */
static const char *header(const char *head, const char *name, size_t *len)
{
    const char *p = strstr(head, "\r\n");
    size_t nl = strlen(name);

    while (p && p[2] != '\r') {
        const char *line = p + 2, *end = strstr(line, "\r\n");

        if (!end)
            return NULL;
        if ((size_t)(end - line) > nl && line[nl] == ':' && !strncasecmp(line, name, nl)) {
            const char *v = line + nl + 1;

            while (*v == ' ' || *v == '\t')
                v++;
            *len = (size_t)(end - v);
            while (*len && (v[*len - 1] == ' ' || v[*len - 1] == '\t'))
                (*len)--;
            return v;
        }
        p = end;
    }
    return NULL;
}

static int has_token(const char *v, size_t n, const char *tok)
{
    size_t tl = strlen(tok), i = 0;

    while (i < n) {
        size_t j;

        while (i < n && (v[i] == ' ' || v[i] == ','))
            i++;
        j = i;
        while (j < n && v[j] != ',')
            j++;
        {
            size_t e = j;

            while (e > i && v[e - 1] == ' ')
                e--;
            if (e - i == tl && !strncasecmp(v + i, tok, tl))
                return 1;
        }
        i = j;
    }
    return 0;
}

static void request(emk_httpd *h, emk_http_conn *c, int id, char *head)
{
    char path[256];
    const char *sp, *sp2, *v;
    size_t vl, kl;

    if (strncmp(head, "GET ", 4) || !(sp = head + 4) || !(sp2 = strchr(sp, ' ')) ||
        (size_t)(sp2 - sp) >= sizeof(path) || strncmp(sp2, " HTTP/1.", 8)) {
        respond(c, 400, "text/plain", "bad request\n", 12);
        h->refused++;
        return;
    }
    memcpy(path, sp, (size_t)(sp2 - sp));
    path[sp2 - sp] = 0;
    if (h->ws_path && !strcmp(path, h->ws_path)) {
        const char *key;
        char acc[29], resp[256];
        int l;

        if (!(v = header(head, "Upgrade", &vl)) || !has_token(v, vl, "websocket") ||
            !(v = header(head, "Connection", &vl)) || !has_token(v, vl, "upgrade") ||
            !(v = header(head, "Sec-WebSocket-Version", &vl)) || vl != 2 || strncmp(v, "13", 2) ||
            !(key = header(head, "Sec-WebSocket-Key", &kl)) || kl != 24) {
            respond(c, 400, "text/plain", "bad websocket handshake\n", 24);
            h->refused++;
            return;
        }
        emk_ws_accept_key(key, kl, acc);
        l = snprintf(resp, sizeof(resp), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket"
                     "\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", acc);
        put(c, resp, (size_t)l);
        c->state = EMK_HTTP_WS;
        if (h->on_open)
            h->on_open(h->opaque, h, id);
        return;
    }
    {
        const char *type = "text/plain", *body = NULL;
        size_t n = 0;

        if (h->get && h->get(h->opaque, path, &type, &body, &n) == 200 && body)
            respond(c, 200, type, body, n);
        else
            respond(c, 404, "text/plain", "not found\n", 10);
    }
}

static void readable(emk_httpd *h, emk_http_conn *c, int id)
{
    size_t cap = EMK_HTTP_FRAME_MAX + 16;

    for (;;) {
        ssize_t n;

        if (c->state == EMK_HTTP_HEAD)
            cap = EMK_HTTP_HEAD_MAX;
        if (c->nin >= cap) {
            conn_close(h, c, 1);      /* a head or frame over the limit */
            return;
        }
        n = recv(c->fd, c->in + c->nin, cap - c->nin, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            conn_close(h, c, 0);
            return;
        }
        if (n < 0)
            return;
        c->nin += (size_t)n;
        if (c->state == EMK_HTTP_HEAD) {
            char *end;

            c->in[c->nin < cap ? c->nin : cap - 1] = 0;
            if (memchr(c->in, 0, c->nin)) {
                conn_close(h, c, 1);
                return;
            }
            end = strstr(c->in, "\r\n\r\n");
            if (!end)
                continue;
            end[2] = 0;
            {
                size_t used = (size_t)(end + 4 - c->in);

                request(h, c, id, c->in);
                memmove(c->in, c->in + used, c->nin - used);
                c->nin -= used;
            }
            if (c->state != EMK_HTTP_WS)
                return;
        }
        while (c->state == EMK_HTTP_WS) {
            unsigned op;
            uint8_t *pl;
            size_t plen;
            long fl = emk_ws_parse_frame((uint8_t *)c->in, c->nin, EMK_HTTP_FRAME_MAX, &op,
                                         &pl, &plen);

            if (fl == 0)
                break;
            if (fl < 0 || (op != 1 && op != 8 && op != 9 && op != 10)) {
                ws_frame(c, 8, "\x03\xf0", 2);       /* 1008 policy violation */
                c->state = EMK_HTTP_CLOSING;
                h->refused++;
                break;
            }
            if (op == 1 && h->on_msg)
                h->on_msg(h->opaque, h, id, (const char *)pl, plen);
            else if (op == 9)
                ws_frame(c, 10, (const char *)pl, plen);
            else if (op == 8) {
                ws_frame(c, 8, (const char *)pl, plen < 2 ? plen : 2);
                c->state = EMK_HTTP_CLOSING;
            }
            if (c->fd < 0)
                return;
            memmove(c->in, c->in + fl, c->nin - (size_t)fl);
            c->nin -= (size_t)fl;
        }
        if (c->state == EMK_HTTP_CLOSING)
            return;
    }
}

int emk_httpd_listen(emk_httpd *h, const char *host, unsigned port, const char *ws_path,
                     emk_http_get get, emk_http_ws_msg on_msg, void *opaque)
{
    struct sockaddr_in a;
    int fd, one = 1;
    unsigned i;

    memset(h, 0, sizeof(*h));
    for (i = 0; i < EMK_HTTP_MAX_CONNS; i++)
        h->conn[i].fd = -1;
    h->listen_fd = -1;
    h->ws_path = ws_path;
    h->get = get;
    h->on_msg = on_msg;
    h->opaque = opaque;
    if (port > 65535)
        return -EINVAL;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host ? host : "127.0.0.1", &a.sin_addr) != 1)
        return -EINVAL;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -errno;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0) {
        int e = -errno;

        close(fd);
        return e;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    h->listen_fd = fd;
    return 0;
}

unsigned emk_httpd_port(const emk_httpd *h)
{
    struct sockaddr_in a;
    socklen_t l = sizeof(a);

    if (h->listen_fd < 0 || getsockname(h->listen_fd, (struct sockaddr *)&a, &l) < 0)
        return 0;
    return ntohs(a.sin_port);
}

int emk_httpd_adopt(emk_httpd *h, int fd)
{
    unsigned i;

    for (i = 0; i < EMK_HTTP_MAX_CONNS && h->conn[i].fd >= 0; i++)
        ;
    if (i == EMK_HTTP_MAX_CONNS) {
        close(fd);
        h->refused++;
        return -ENOSPC;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    h->conn[i].fd = fd;
    h->conn[i].state = EMK_HTTP_HEAD;
    h->conn[i].since_ms = now_ms();
    h->conn[i].in = malloc(EMK_HTTP_FRAME_MAX + 16);
    h->conn[i].out = malloc(EMK_HTTP_OUT_MAX);
    if (!h->conn[i].in || !h->conn[i].out) {
        conn_close(h, &h->conn[i], 0);
        return -ENOMEM;
    }
    return (int)i;
}

static void accept_all(emk_httpd *h)
{
    for (;;) {
        int fd = accept(h->listen_fd, NULL, NULL);

        if (fd < 0)
            return;
        emk_httpd_adopt(h, fd);
    }
}

int emk_httpd_poll(emk_httpd *h, int timeout_ms, int extra_fd, int *extra_ready)
{
    struct pollfd p[EMK_HTTP_MAX_CONNS + 2];
    int map[EMK_HTTP_MAX_CONNS + 2];
    unsigned i, n = 0;
    uint64_t t = now_ms();

    if (extra_ready)
        *extra_ready = 0;
    if (h->listen_fd >= 0) {
        p[n].fd = h->listen_fd; p[n].events = POLLIN; map[n++] = -1;
    }
    if (extra_fd >= 0) {
        p[n].fd = extra_fd; p[n].events = POLLIN; map[n++] = -2;
    }
    for (i = 0; i < EMK_HTTP_MAX_CONNS; i++) {
        emk_http_conn *c = &h->conn[i];

        if (c->fd < 0)
            continue;
        if (c->state == EMK_HTTP_HEAD && t - c->since_ms > EMK_HTTP_HEAD_MS) {
            conn_close(h, c, 1);          /* slowloris: no head in time */
            continue;
        }
        if (c->nout)
            flush(h, c);
        if (c->fd < 0)
            continue;
        p[n].fd = c->fd;
        p[n].events = (short)(POLLIN | (c->nout ? POLLOUT : 0));
        map[n++] = (int)i;
    }
    if (timeout_ms > 1000)
        timeout_ms = 1000;               /* head deadlines are checked each second */
    if (poll(p, n, timeout_ms) <= 0)
        return 0;
    for (i = 0; i < n; i++) {
        emk_http_conn *c;

        if (!p[i].revents)
            continue;
        if (map[i] == -1) {
            accept_all(h);
            continue;
        }
        if (map[i] == -2) {
            if (extra_ready)
                *extra_ready = 1;
            continue;
        }
        c = &h->conn[map[i]];
        if (c->fd < 0)
            continue;
        if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
            readable(h, c, map[i]);
        if (c->fd >= 0 && c->nout)
            flush(h, c);
    }
    return 0;
}

void emk_httpd_ws_send(emk_httpd *h, int id, const char *msg, size_t len)
{
    unsigned i;

    for (i = 0; i < EMK_HTTP_MAX_CONNS; i++)
        if ((id < 0 || (unsigned)id == i) && h->conn[i].fd >= 0 &&
            h->conn[i].state == EMK_HTTP_WS)
            ws_frame(&h->conn[i], 1, msg, len);
}

unsigned emk_httpd_ws_count(const emk_httpd *h)
{
    unsigned i, n = 0;

    for (i = 0; i < EMK_HTTP_MAX_CONNS; i++)
        if (h->conn[i].fd >= 0 && h->conn[i].state == EMK_HTTP_WS)
            n++;
    return n;
}

void emk_httpd_close(emk_httpd *h)
{
    unsigned i;

    for (i = 0; i < EMK_HTTP_MAX_CONNS; i++)
        if (h->conn[i].fd >= 0)
            conn_close(h, &h->conn[i], 0);
    if (h->listen_fd >= 0)
        close(h->listen_fd);
    h->listen_fd = -1;
}
