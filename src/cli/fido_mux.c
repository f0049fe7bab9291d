/* fido_mux.c - `emkit fido mux`: one FIDO key (a hidraw node, or another
 * SOCK_SEQPACKET key such as `emkit fido serve --hid-socket`) shared by
 * every client of a SOCK_SEQPACKET socket (docs/fido-socket.md framing:
 * one 64-byte report per message): emkit-fido,mode=passthru,mux=PATH in
 * any number of guests, and host programs.  The core is hw/fido-mux
 * (emkit/fido_mux.h).  SIGINT and SIGTERM stop it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "commands.h"
#include "emkit/fido_mux.h"
#include "opts.h"

enum { MUX_CONNS = EMK_FIDO_MUX_CLIENTS };

typedef struct mux_conn {
    int fd;                         /* -1: free */
    int client;
    emk_fd_handler h;
    struct muxd *d;
} mux_conn;

typedef struct muxd {
    emk_loop *loop;
    emk_fido_mux *mux;
    int key_fd, hidraw, lfd, accepting;
    emk_fd_handler key_h, lh;
    mux_conn conns[MUX_CONNS];
    char path[108];
} muxd;

static emk_notifier stop_n;

static void on_signal(int sig)
{
    (void)sig;
    emk_notifier_set(&stop_n);
}

static void stop_cb(void *opaque)
{
    emk_loop_stop(((muxd *)opaque)->loop);
}

static void to_key(void *opaque, const uint8_t r[EMK_FIDO_MUX_REPORT])
{
    muxd *d = opaque;
    uint8_t buf[EMK_FIDO_MUX_REPORT + 1];

    buf[0] = 0;                     /* hidraw: report ID 0 */
    memcpy(buf + 1, r, EMK_FIDO_MUX_REPORT);
    if (write(d->key_fd, d->hidraw ? buf : buf + 1,
              EMK_FIDO_MUX_REPORT + (d->hidraw ? 1 : 0)) < 0)
        fprintf(stderr, "emkit: fido mux: key: %s\n", strerror(errno));
}

static void to_client(void *opaque, int client, const uint8_t r[EMK_FIDO_MUX_REPORT])
{
    muxd *d = opaque;
    int i;

    for (i = 0; i < MUX_CONNS; i++)
        if (d->conns[i].fd >= 0 && d->conns[i].client == client)
            (void)send(d->conns[i].fd, r, EMK_FIDO_MUX_REPORT, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void conn_close(mux_conn *c)
{
    emk_loop_del_fd(&c->h);
    emk_fido_mux_client_del(c->d->mux, c->client);
    close(c->fd);
    c->fd = -1;
}

static void conn_cb(void *opaque, unsigned revents)
{
    mux_conn *c = opaque;
    uint8_t buf[2 * EMK_FIDO_MUX_REPORT];
    ssize_t n;

    (void)revents;
    n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        conn_close(c);
        return;
    }
    if (n == EMK_FIDO_MUX_REPORT)
        (void)emk_fido_mux_from_client(c->d->mux, c->client, buf);
}

static void accept_cb(void *opaque, unsigned revents)
{
    muxd *d = opaque;
    int fd = accept(d->lfd, NULL, NULL), i, client;

    (void)revents;
    if (fd < 0)
        return;
    for (i = 0; i < MUX_CONNS && d->conns[i].fd >= 0; i++)
        ;
    if (i == MUX_CONNS || (client = emk_fido_mux_client_add(d->mux)) < 0) {
        close(fd);
        return;
    }
    d->conns[i].fd = fd;
    d->conns[i].client = client;
    d->conns[i].d = d;
    d->conns[i].h.fd = fd;
    d->conns[i].h.events = EMK_FD_READ;
    d->conns[i].h.cb = conn_cb;
    d->conns[i].h.opaque = &d->conns[i];
    if (emk_loop_add_fd(d->loop, &d->conns[i].h) < 0) {
        emk_fido_mux_client_del(d->mux, client);
        close(fd);
        d->conns[i].fd = -1;
    }
}

static void key_cb(void *opaque, unsigned revents)
{
    muxd *d = opaque;
    uint8_t buf[EMK_FIDO_MUX_REPORT + 1];
    ssize_t n = read(d->key_fd, buf, sizeof(buf));

    (void)revents;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        fputs("emkit: fido mux: the key went away\n", stderr);
        emk_loop_stop(d->loop);
        return;
    }
    if (n == EMK_FIDO_MUX_REPORT)
        emk_fido_mux_from_key(d->mux, buf);
    /* clients are accepted once the key answered the mux's INIT (before,
     * their INITs would only hear CHANNEL_BUSY); they wait in the backlog */
    if (!d->accepting && emk_fido_mux_ready(d->mux)) {
        if (emk_loop_add_fd(d->loop, &d->lh) < 0) {
            fputs("emkit: fido mux: cannot watch the socket\n", stderr);
            emk_loop_stop(d->loop);
            return;
        }
        d->accepting = 1;
        fprintf(stderr, "emkit: fido mux: listening on %s\n", d->path);
    }
}

static int unix_socket(const char *path, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa->sun_path))
        return -ENAMETOOLONG;
    strcpy(sa->sun_path, path);
    return socket(AF_UNIX, SOCK_SEQPACKET, 0);
}

static int open_key(muxd *d, const char *hidraw, const char *key_sock)
{
    struct sockaddr_un sa;

    if (hidraw) {
        d->hidraw = 1;
        d->key_fd = open(hidraw, O_RDWR);
        return d->key_fd < 0 ? -errno : 0;
    }
    if ((d->key_fd = unix_socket(key_sock, &sa)) < 0)
        return d->key_fd == -ENAMETOOLONG ? -ENAMETOOLONG : -errno;
    if (connect(d->key_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return -errno;
    return 0;
}

static int listen_on(muxd *d, const char *path)
{
    struct sockaddr_un sa;

    if ((d->lfd = unix_socket(path, &sa)) < 0)
        return d->lfd == -ENAMETOOLONG ? -ENAMETOOLONG : -errno;
    unlink(path);
    if (bind(d->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(d->lfd, 16) < 0)
        return -errno;
    strcpy(d->path, path);
    return 0;
}

void emk_help_fido_mux(FILE *out)
{
    fputs("usage: emkit fido mux --listen PATH (--key DEV | --key-socket PATH)\n"
          "  Shares one FIDO key between every client of a Unix SOCK_SEQPACKET\n"
          "  socket (one 64-byte CTAPHID report per message, docs/fido-socket.md):\n"
          "  emkit-fido,mode=passthru,mux=PATH in QEMU guests and host programs.\n"
          "  Each client gets channels of its own (CIDs rewritten both ways); one\n"
          "  transaction at a time reaches the key and stays open across\n"
          "  KEEPALIVEs, the others wait in order; CANCEL reaches only its own\n"
          "  transaction; a client that goes away has its wait cancelled.\n"
          "  SIGINT or SIGTERM stops it (docs/fido.md, \"Pass-through mux\").\n"
          "  --listen PATH      where clients connect (also --socket PATH)\n"
          "  --key DEV          the key: a hidraw node, /dev/hidrawN (also --hidraw)\n"
          "  --key-socket PATH  the key: a SOCK_SEQPACKET key such as\n"
          "                     emkit fido serve --hid-socket PATH\n", out);
}

int emk_cmd_fido_mux(int argc, char **argv)
{
    static const emk_fido_mux_ops ops = {to_key, to_client};
    const char *sock = NULL, *hidraw = NULL, *key_sock = NULL;
    struct sigaction sa;
    muxd d;
    int i, m, r, ret = EMK_EXIT_FAIL;

    for (i = 1; i < argc; i++) {
        if ((m = emk_cli_value(argc, argv, &i, "--listen", &sock)) != 0 ||
            (m = emk_cli_value(argc, argv, &i, "--socket", &sock)) != 0 ||
            (m = emk_cli_value(argc, argv, &i, "--key", &hidraw)) != 0 ||
            (m = emk_cli_value(argc, argv, &i, "--hidraw", &hidraw)) != 0 ||
            (m = emk_cli_value(argc, argv, &i, "--key-socket", &key_sock)) != 0) {
            if (m < 0)
                return EMK_EXIT_USAGE;
        } else {
            return emk_cli_bad_arg("fido mux", argv[i]);
        }
    }
    if (!sock || !!hidraw == !!key_sock) {
        fputs("emkit: fido mux: needs --listen PATH and one of --key or --key-socket\n",
              stderr);
        return EMK_EXIT_USAGE;
    }
    memset(&d, 0, sizeof(d));
    d.key_fd = d.lfd = -1;
    for (i = 0; i < MUX_CONNS; i++)
        d.conns[i].fd = -1;
    if (!(d.loop = emk_loop_new(NULL, &r))) {
        fprintf(stderr, "emkit: fido mux: %s\n", emk_strerror(r));
        return EMK_EXIT_FAIL;
    }
    if (emk_notifier_init(&stop_n) < 0 || emk_loop_add_notifier(d.loop, &stop_n, stop_cb, &d) < 0) {
        fputs("emkit: fido mux: cannot create notifiers\n", stderr);
        emk_loop_free(d.loop);
        return EMK_EXIT_FAIL;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    if ((r = open_key(&d, hidraw, key_sock)) < 0) {
        fprintf(stderr, "emkit: fido mux: %s: %s\n", hidraw ? hidraw : key_sock, emk_strerror(r));
    } else if ((r = listen_on(&d, sock)) < 0) {
        fprintf(stderr, "emkit: fido mux: %s: %s\n", sock, emk_strerror(r));
    } else if ((r = emk_fido_mux_new(&d.mux, d.loop, &ops, &d, 0)) < 0) {
        fprintf(stderr, "emkit: fido mux: %s\n", emk_strerror(r));
    } else {
        d.key_h.fd = d.key_fd;
        d.key_h.events = EMK_FD_READ;
        d.key_h.cb = key_cb;
        d.key_h.opaque = &d;
        d.lh.fd = d.lfd;
        d.lh.events = EMK_FD_READ;
        d.lh.cb = accept_cb;
        d.lh.opaque = &d;
        if (emk_loop_add_fd(d.loop, &d.key_h) == 0) {
            r = emk_loop_run(d.loop);
            ret = r < 0 ? EMK_EXIT_FAIL : EMK_EXIT_OK;
        }
    }
    for (i = 0; i < MUX_CONNS; i++)
        if (d.conns[i].fd >= 0)
            conn_close(&d.conns[i]);
    if (d.lfd >= 0) {
        if (d.accepting)
            emk_loop_del_fd(&d.lh);
        close(d.lfd);
        if (d.path[0])
            unlink(d.path);
    }
    if (d.key_fd >= 0) {
        emk_loop_del_fd(&d.key_h);
        close(d.key_fd);
    }
    emk_fido_mux_free(d.mux);
    emk_loop_del_notifier(&stop_n);
    emk_notifier_cleanup(&stop_n);
    emk_loop_free(d.loop);
    return ret;
}
