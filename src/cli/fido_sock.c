/* fido_sock.c - the key's SOCK_SEQPACKET transport (docs/fido-socket.md):
 * each accepted connection is one "device open"; each message, either
 * way, is exactly one 64-byte CTAPHID report.  Every connection sees every
 * reply, as every opener of a hidraw node does; clients tell theirs by
 * the channel ID. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fido_serve.h"

static void conn_close(emk_fsock_conn *c)
{
    if (c->fd < 0)
        return;
    emk_loop_del_fd(&c->h);
    close(c->fd);
    c->fd = -1;
}

static void conn_cb(void *opaque, unsigned revents)
{
    emk_fsock_conn *c = opaque;
    uint8_t buf[2 * EMK_FIDO_REPORT];
    ssize_t n;

    (void)revents;
    n = recv(c->fd, buf, sizeof(buf), 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {                       /* closed by the client, or broken */
        conn_close(c);
        return;
    }
    if (n != EMK_FIDO_REPORT) {
        fprintf(stderr, "emkit: fido serve: ignored a %ld-byte message (reports are %d bytes)\n",
                (long)n, EMK_FIDO_REPORT);
        return;
    }
    if (c->srv->key)
        emk_fido_hid_input(c->srv->key, buf, EMK_FIDO_REPORT);
}

static int nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -errno : 0;
}

static void accept_cb(void *opaque, unsigned revents)
{
    emk_fsock *s = opaque;
    emk_fsock_conn *c = NULL;
    int fd;

    (void)revents;
    fd = accept(s->lfd, NULL, NULL);
    if (fd < 0)
        return;
    for (int i = 0; i < EMK_FSOCK_CONNS; i++)
        if (s->conns[i].fd < 0) {
            c = &s->conns[i];
            break;
        }
    if (!c || nonblock(fd) < 0) {
        fprintf(stderr, "emkit: fido serve: refused a connection (%d open at most)\n",
                EMK_FSOCK_CONNS);
        close(fd);
        return;
    }
    c->fd = fd;
    c->srv = s;
    c->dropped = 0;
    c->h.fd = fd;
    c->h.events = EMK_FD_READ;
    c->h.cb = conn_cb;
    c->h.opaque = c;
    if (emk_loop_add_fd(s->loop, &c->h) < 0) {
        close(fd);
        c->fd = -1;
    }
}

void emk_fsock_send(emk_fsock *s, const uint8_t report[EMK_FIDO_REPORT])
{
    for (int i = 0; i < EMK_FSOCK_CONNS; i++) {
        emk_fsock_conn *c = &s->conns[i];
        ssize_t n;

        if (c->fd < 0)
            continue;
        n = send(c->fd, report, EMK_FIDO_REPORT, 0);
        if (n == EMK_FIDO_REPORT)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            /* a client that does not read loses replies, as a hidraw
             * reader whose queue is full does */
            if (!c->dropped++)
                fprintf(stderr, "emkit: fido serve: a client does not read; dropping its replies\n");
            continue;
        }
        conn_close(c);
    }
}

/* 1 if something accepts connections at addr. */
static int live(const struct sockaddr_un *addr)
{
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0), r;

    if (fd < 0)
        return 0;
    r = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
    close(fd);
    return r;
}

int emk_fsock_open(emk_fsock *s, emk_loop *loop, const char *path)
{
    struct sockaddr_un addr;
    struct stat st;
    int r;

    memset(s, 0, sizeof(*s));
    s->lfd = -1;
    s->loop = loop;
    for (int i = 0; i < EMK_FSOCK_CONNS; i++)
        s->conns[i].fd = -1;
    if (strlen(path) >= sizeof(addr.sun_path) || strlen(path) >= sizeof(s->path))
        return -ENAMETOOLONG;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return -EEXIST;
        if (live(&addr))
            return -EADDRINUSE;
        unlink(path);                   /* a stale socket */
    }
    s->lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (s->lfd < 0)
        return -errno;
    if (bind(s->lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(s->lfd, 8) < 0 || (r = nonblock(s->lfd)) < 0) {
        r = -errno;
        close(s->lfd);
        s->lfd = -1;
        return r;
    }
    strcpy(s->path, path);
    s->lh.fd = s->lfd;
    s->lh.events = EMK_FD_READ;
    s->lh.cb = accept_cb;
    s->lh.opaque = s;
    r = emk_loop_add_fd(loop, &s->lh);
    if (r < 0) {
        close(s->lfd);
        s->lfd = -1;
        unlink(path);
        s->path[0] = 0;
    }
    return r;
}

void emk_fsock_set_key(emk_fsock *s, emk_fido *key)
{
    s->key = key;
}

void emk_fsock_close(emk_fsock *s)
{
    for (int i = 0; i < EMK_FSOCK_CONNS; i++)
        conn_close(&s->conns[i]);
    if (s->lfd >= 0) {
        emk_loop_del_fd(&s->lh);
        close(s->lfd);
        s->lfd = -1;
    }
    if (s->path[0])
        unlink(s->path);
    s->path[0] = 0;
}
