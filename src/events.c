/* events.c - the machine event protocol server of emkit/events.h: sockets,
 * greeting, capability negotiation, line framing, JSON errors, and
 * bounded per-client output queues.  Single-threaded: everything runs in
 * emk_events_poll's caller. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "emkit/events.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0      /* where it is missing, the caller ignores SIGPIPE */
#endif

static void nonblock(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int emk_events_listen(emk_events *ev, const char *spec, const char *machine,
                      emk_events_cmd command, void *opaque)
{
    int fd = -1, one = 1;
    unsigned i;

    memset(ev, 0, sizeof(*ev));
    ev->listen_fd = -1;
    for (i = 0; i < EMK_EVENTS_MAX_CLIENTS; i++)
        ev->client[i].fd = -1;
    snprintf(ev->machine, sizeof(ev->machine), "%s", machine ? machine : "emkit");
    ev->command = command;
    ev->opaque = opaque;
    if (!strncmp(spec, "unix:", 5)) {
        struct sockaddr_un a;

        if (strlen(spec + 5) >= sizeof(a.sun_path) || !spec[5])
            return -ENAMETOOLONG;
        memset(&a, 0, sizeof(a));
        a.sun_family = AF_UNIX;
        strcpy(a.sun_path, spec + 5);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0)
            return -errno;
        unlink(a.sun_path);
        if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
            goto fail;
        snprintf(ev->path, sizeof(ev->path), "%s", a.sun_path);
    } else if (!strncmp(spec, "tcp:", 4)) {
        struct sockaddr_in a;
        const char *port = strrchr(spec + 4, ':');
        char host[64] = "127.0.0.1";
        char *end;
        long p;

        if (port) {
            size_t hl = (size_t)(port - (spec + 4));

            if (hl == 0 || hl >= sizeof(host))
                return -EINVAL;
            memcpy(host, spec + 4, hl);
            host[hl] = 0;
            port++;
        } else {
            port = spec + 4;
        }
        p = strtol(port, &end, 10);
        if (*port == 0 || *end || p < 1 || p > 65535)
            return -EINVAL;
        memset(&a, 0, sizeof(a));
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)p);
        if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
            return -EINVAL;
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            return -errno;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
            goto fail;
    } else {
        return -EINVAL;
    }
    if (listen(fd, EMK_EVENTS_MAX_CLIENTS) < 0)
        goto fail;
    nonblock(fd);
    ev->listen_fd = fd;
    return 0;
fail:
    {
        int e = -errno;

        close(fd);
        return e;
    }
}

/* Queues text (and a newline) for client c; drops it if the queue is full. */
static int queue(emk_events_client *c, const char *text, size_t n)
{
    if (c->fd < 0 || !c->out)
        return -EPIPE;
    if (c->nout + n + 1 > EMK_EVENTS_OUT_MAX) {
        c->dropped++;
        return -ENOBUFS;
    }
    memcpy(c->out + c->nout, text, n);
    c->out[c->nout + n] = '\n';
    c->nout += n + 1;
    return 0;
}

static void drop(emk_events_client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->out);
    c->out = NULL;
    c->fd = -1;
    c->nin = c->nout = 0;
    c->negotiated = c->discarding = 0;
}

static void flush(emk_events_client *c)
{
    while (c->nout) {
        ssize_t n = send(c->fd, c->out, c->nout, MSG_NOSIGNAL);

        if (n <= 0) {
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                return;
            drop(c);
            return;
        }
        memmove(c->out, c->out + n, c->nout - (size_t)n);
        c->nout -= (size_t)n;
    }
}

static void reply_error(emk_events_client *c, const char *cls, const char *desc,
                        const char *id, size_t idlen)
{
    char q[600], line[1024];
    int n;

    if (emk_json_quote(q, sizeof(q), desc, strlen(desc)) < 0)
        strcpy(q, "\"(error text too long)\"");
    n = snprintf(line, sizeof(line), "{\"error\": {\"class\": \"%s\", \"desc\": %s}%s%.*s%s}",
                 cls, q, id ? ", \"id\": " : "", id ? (int)idlen : 0, id ? id : "", "");
    if (n > 0 && (size_t)n < sizeof(line))
        queue(c, line, (size_t)n);
}

static void handle_line(emk_events *ev, emk_events_client *c, const char *s, size_t len)
{
    char name[64], ret[4096], *line;
    const char *id = NULL;
    size_t idlen = 0, cap;
    int cnt, cmd, args, idn, r;

    /* an empty line is ignored */
    while (len && (s[len - 1] == '\r' || s[len - 1] == ' '))
        len--;
    if (!len)
        return;
    cnt = emk_json_parse(s, len, ev->nodes, EMK_EVENTS_NODES, 32);
    if (cnt < 0 || ev->nodes[0].type != EMK_JSON_OBJECT) {
        reply_error(c, "GenericError", cnt == -ENOSPC ? "JSON too large" :
                    cnt < 0 ? "malformed JSON" : "expected a JSON object", NULL, 0);
        return;
    }
    idn = emk_json_member(s, ev->nodes, 0, "id");
    if (idn >= 0) {
        id = s + ev->nodes[idn].off - (ev->nodes[idn].type == EMK_JSON_STRING ? 1 : 0);
        idlen = ev->nodes[idn].len + (ev->nodes[idn].type == EMK_JSON_STRING ? 2 : 0);
    }
    cmd = emk_json_member(s, ev->nodes, 0, "execute");
    if (cmd < 0 || emk_json_string(s, &ev->nodes[cmd], name, sizeof(name)) < 0) {
        reply_error(c, "GenericError", "expected \"execute\" with a command name", id, idlen);
        return;
    }
    args = emk_json_member(s, ev->nodes, 0, "arguments");
    if (args >= 0 && ev->nodes[args].type != EMK_JSON_OBJECT) {
        reply_error(c, "GenericError", "\"arguments\" must be an object", id, idlen);
        return;
    }
    if (!strcmp(name, "capabilities") || !strcmp(name, "qmp_capabilities")) {
        c->negotiated = 1;
        strcpy(ret, "{}");
        r = 0;
    } else if (!c->negotiated) {
        reply_error(c, "CommandNotFound",
                    "expecting capabilities negotiation with 'capabilities'", id, idlen);
        return;
    } else {
        ret[0] = 0;
        r = ev->command ? ev->command(ev->opaque, ev, name, s, ev->nodes, args, ret,
                                      sizeof(ret)) : -ENOENT;
        ret[sizeof(ret) - 1] = 0;
    }
    if (r < 0) {
        if (r == -ENOENT && !ret[0])
            snprintf(ret, sizeof(ret), "the command %s has not been found", name);
        reply_error(c, r == -ENOENT ? "CommandNotFound" : "GenericError", ret, id, idlen);
        return;
    }
    cap = strlen(ret) + idlen + 64;
    line = malloc(cap);
    if (!line)
        return;
    snprintf(line, cap, "{\"return\": %s%s%.*s}", ret[0] ? ret : "{}", id ? ", \"id\": " : "",
             (int)idlen, id ? id : "");
    queue(c, line, strlen(line));
    free(line);
}

static void read_client(emk_events *ev, emk_events_client *c)
{
    for (;;) {
        ssize_t n = recv(c->fd, c->in + c->nin, sizeof(c->in) - c->nin, 0);
        size_t start = 0, i;

        if (n == 0) {
            drop(c);
            return;
        }
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                drop(c);
            return;
        }
        c->nin += (size_t)n;
        for (i = 0; i < c->nin; i++) {
            if (c->in[i] != '\n')
                continue;
            if (!c->discarding)
                handle_line(ev, c, c->in + start, i - start);
            c->discarding = 0;
            start = i + 1;
            if (c->fd < 0)
                return;
        }
        memmove(c->in, c->in + start, c->nin - start);
        c->nin -= start;
        if (c->nin == sizeof(c->in)) {
            /* a line longer than the buffer: refuse it, skip to its end */
            if (!c->discarding)
                reply_error(c, "GenericError", "line too long", NULL, 0);
            c->discarding = 1;
            c->nin = 0;
        }
    }
}

static void accept_clients(emk_events *ev)
{
    for (;;) {
        int fd = accept(ev->listen_fd, NULL, NULL);
        unsigned i;
        char greet[256];
        int n;

        if (fd < 0)
            return;
        for (i = 0; i < EMK_EVENTS_MAX_CLIENTS && ev->client[i].fd >= 0; i++)
            ;
        if (i == EMK_EVENTS_MAX_CLIENTS) {
            static const char busy[] =
                "{\"error\": {\"class\": \"GenericError\", \"desc\": \"too many clients\"}}\n";

            (void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            close(fd);
            continue;
        }
        nonblock(fd);
        ev->client[i].fd = fd;
        ev->client[i].out = malloc(EMK_EVENTS_OUT_MAX);
        if (!ev->client[i].out) {
            drop(&ev->client[i]);
            continue;
        }
        n = snprintf(greet, sizeof(greet),
                     "{\"emkit\": {\"version\": \"%s\", \"machine\": \"%s\", "
                     "\"capabilities\": [\"events\"]}}", emk_version(), ev->machine);
        queue(&ev->client[i], greet, (size_t)n);
    }
}

int emk_events_poll(emk_events *ev, int timeout_ms)
{
    struct pollfd p[EMK_EVENTS_MAX_CLIENTS + 1];
    int map[EMK_EVENTS_MAX_CLIENTS + 1];
    unsigned i, n = 0;

    if (ev->listen_fd < 0)
        return 0;
    p[n].fd = ev->listen_fd;
    p[n].events = POLLIN;
    map[n++] = -1;
    for (i = 0; i < EMK_EVENTS_MAX_CLIENTS; i++) {
        emk_events_client *c = &ev->client[i];

        if (c->fd < 0)
            continue;
        if (c->nout)
            flush(c);
        if (c->fd < 0)
            continue;
        p[n].fd = c->fd;
        p[n].events = (short)(POLLIN | (c->nout ? POLLOUT : 0));
        map[n++] = (int)i;
    }
    if (poll(p, n, timeout_ms) <= 0)
        return 0;
    for (i = 0; i < n; i++) {
        emk_events_client *c;

        if (!p[i].revents)
            continue;
        if (map[i] < 0) {
            accept_clients(ev);
            continue;
        }
        c = &ev->client[map[i]];
        if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
            read_client(ev, c);
        if (c->fd >= 0 && c->nout)
            flush(c);
    }
    return 0;
}

void emk_events_emit(emk_events *ev, const char *name, const char *data, double time_s)
{
    struct timespec ts;
    char *line;
    size_t cap = strlen(data) + strlen(name) + 160;
    unsigned i;
    int n;

    if (!emk_events_clients(ev))
        return;
    line = malloc(cap);
    if (!line)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    n = snprintf(line, cap, "{\"event\": \"%s\", \"data\": %s, \"timestamp\": "
                 "{\"seconds\": %lld, \"microseconds\": %ld}, \"time\": %.9f}", name, data,
                 (long long)ts.tv_sec, (long)(ts.tv_nsec / 1000), time_s);
    for (i = 0; n > 0 && i < EMK_EVENTS_MAX_CLIENTS; i++)
        if (ev->client[i].fd >= 0 && ev->client[i].negotiated &&
            queue(&ev->client[i], line, (size_t)n) == 0)
            ev->events_sent++;
    free(line);
}

unsigned emk_events_clients(const emk_events *ev)
{
    unsigned i, n = 0;

    for (i = 0; i < EMK_EVENTS_MAX_CLIENTS; i++)
        if (ev->client[i].fd >= 0 && ev->client[i].negotiated)
            n++;
    return n;
}

void emk_events_close(emk_events *ev)
{
    unsigned i;

    for (i = 0; i < EMK_EVENTS_MAX_CLIENTS; i++) {
        if (ev->client[i].fd >= 0)
            flush(&ev->client[i]);
        drop(&ev->client[i]);
    }
    if (ev->listen_fd >= 0)
        close(ev->listen_fd);
    ev->listen_fd = -1;
    if (ev->path[0])
        unlink(ev->path);
}
