/*
 * test_serve_socket.c - `emkit fido serve --hid-socket` as a client sees
 * it (docs/fido-socket.md): two raw clients at once run INIT, PING and an
 * authenticatorSelection that waits for the simulated user (KEEPALIVEs,
 * CHANNEL_BUSY for the other client), a message of the wrong length is
 * ignored, SIGUSR1 is a touch, SIGTERM stops the server and removes the
 * socket.  With libfido2, fido_dev_open and fido_dev_cancel go through
 * the socket too (fido_sock_io.c).
 *
 * Usage: test-fido-serve-socket PATH-TO-EMKIT
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#ifdef HAVE_LIBFIDO2
#include "fido_sock_io.h"
#endif

#define BCAST 0xffffffffu

static const char *emkit;
static pid_t running[4];                /* servers a failed test left behind */

static int kill_leftovers(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++)
        if (running[i] > 0) {
            kill(running[i], SIGKILL);
            waitpid(running[i], NULL, 0);
            running[i] = 0;
        }
    return 0;
}

static void track(pid_t pid, pid_t old)
{
    for (int i = 0; i < 4; i++)
        if (running[i] == old) {
            running[i] = pid;
            return;
        }
}

typedef struct server {
    pid_t pid;
    char dir[64];
    char path[96];
} server;

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

    nanosleep(&ts, NULL);
}

static int try_connect(const char *path)
{
    struct sockaddr_un a;
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

    assert_true(fd >= 0);
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, path);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void server_start(server *s, const char *presence)
{
    int fd = -1;

    strcpy(s->dir, "/tmp/emkit-fido-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->path, sizeof(s->path), "%s/key.sock", s->dir);
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        execl(emkit, emkit, "fido", "serve", "--hid-socket", s->path, "--presence", presence,
              "--up-timeout", "3000", (char *)NULL);
        _exit(127);
    }
    track(s->pid, 0);
    for (int i = 0; i < 500 && fd < 0; i++) {
        fd = try_connect(s->path);
        if (fd < 0)
            sleep_ms(10);
    }
    assert_true(fd >= 0);
    close(fd);
}

static void server_stop(server *s)
{
    struct stat st;
    int status;

    assert_int_equal(kill(s->pid, SIGTERM), 0);
    assert_int_equal(waitpid(s->pid, &status, 0), s->pid);
    track(0, s->pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(lstat(s->path, &st), -1);          /* socket removed */
    rmdir(s->dir);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void tx(int fd, uint32_t cid, uint8_t cmd, const uint8_t *data, size_t len)
{
    uint8_t r[64];
    size_t off = 0;
    uint8_t seq = 0;

    do {
        size_t hdr = off ? 5 : 7, n = len - off < 64 - hdr ? len - off : 64 - hdr;

        memset(r, 0, sizeof(r));
        put32(r, cid);
        if (!off) {
            r[4] = (uint8_t)(0x80 | cmd);
            r[5] = (uint8_t)(len >> 8);
            r[6] = (uint8_t)len;
        } else {
            r[4] = seq++;
        }
        if (n)
            memcpy(r + hdr, data + off, n);
        assert_int_equal(send(fd, r, 64, 0), 64);
        off += n;
    } while (off < len);
}

/* The next report within ms, or 0 if none came. */
static int rx_report(int fd, uint8_t r[64], int ms)
{
    struct pollfd p = { fd, POLLIN, 0 };

    if (poll(&p, 1, ms) <= 0)
        return 0;
    assert_int_equal(recv(fd, r, 64, 0), 64);
    return 1;
}

typedef struct reply {
    uint8_t cmd;
    size_t len;
    uint8_t data[1024];
    unsigned others;                 /* reports of other channels seen */
} reply;

/* The next message on cid (reports of other channels are counted and
 * skipped, as a client sharing the device does). */
static int rx_msg(int fd, uint32_t cid, reply *m, int ms)
{
    uint8_t r[64];
    size_t off;

    for (;;) {
        if (!rx_report(fd, r, ms))
            return 0;
        if (get32(r) == cid && (r[4] & 0x80))
            break;
        m->others++;
    }
    m->cmd = r[4] & 0x7f;
    m->len = (size_t)r[5] << 8 | r[6];
    assert_true(m->len <= sizeof(m->data));
    off = m->len < 57 ? m->len : 57;
    memcpy(m->data, r + 7, off);
    while (off < m->len) {
        size_t n = m->len - off < 59 ? m->len - off : 59;

        assert_true(rx_report(fd, r, 1000));
        if (get32(r) != cid) {
            m->others++;
            continue;
        }
        memcpy(m->data + off, r + 5, n);
        off += n;
    }
    return 1;
}

static uint32_t open_channel(int fd, const uint8_t nonce[8])
{
    reply m = { 0 };

    tx(fd, BCAST, 0x06, nonce, 8);
    for (;;) {
        assert_true(rx_msg(fd, BCAST, &m, 2000));
        if (m.cmd == 0x06 && m.len == 17 && !memcmp(m.data, nonce, 8))
            break;
    }
    assert_int_equal(m.data[12], 2);
    return get32(m.data + 8);
}

/* A PING round trip; returns how many reports of other channels came
 * before the reply. */
static unsigned ping(int fd, uint32_t cid, size_t len)
{
    uint8_t d[300] = { 0 };
    reply m = { 0 };

    for (size_t i = 0; i < len; i++)
        d[i] = (uint8_t)(i ^ cid);
    tx(fd, cid, 0x01, d, len);
    assert_true(rx_msg(fd, cid, &m, 2000));
    assert_int_equal(m.cmd, 0x01);
    assert_int_equal(m.len, len);
    if (len)
        assert_memory_equal(m.data, d, len);
    return m.others;
}

static void two_clients(void **state)
{
    static const uint8_t na[8] = "client-a", nb[8] = "client-b";
    static const uint8_t sel = 0x0b;
    server s;
    reply m = { 0 };
    int a, b, keepalives = 0;
    uint32_t ca, cb;

    (void)state;
    server_start(&s, "after:400");
    a = try_connect(s.path);
    b = try_connect(s.path);
    assert_true(a >= 0 && b >= 0);
    ca = open_channel(a, na);
    cb = open_channel(b, nb);
    assert_true(ca != cb && ca != BCAST && cb != BCAST);
    ping(a, ca, 0);
    ping(a, ca, 200);
    /* the device is shared: b saw a's replies (1 + 4 reports) first */
    assert_int_equal(ping(b, cb, 58), 5);
    assert_int_equal(ping(a, ca, 3), 2);      /* and a saw b's (58 bytes: 2) */
    /* a message of another length is ignored; the connection lives */
    assert_int_equal(send(b, "short", 5, 0), 5);
    ping(b, cb, 1);
    /* a's Selection waits 400 ms for the simulated user */
    tx(a, ca, 0x10, &sel, 1);
    sleep_ms(150);
    tx(b, cb, 0x01, &sel, 1);
    assert_true(rx_msg(b, cb, &m, 1000));
    assert_int_equal(m.cmd, 0x3f);                /* ERROR */
    assert_int_equal(m.data[0], 0x06);            /* CHANNEL_BUSY */
    for (;;) {
        assert_true(rx_msg(a, ca, &m, 1000));
        if (m.cmd != 0x3b)
            break;
        assert_int_equal(m.data[0], 2);          /* UPNEEDED */
        keepalives++;
    }
    assert_true(keepalives >= 2 && keepalives <= 5);
    assert_int_equal(m.cmd, 0x10);
    assert_int_equal(m.len, 1);
    assert_int_equal(m.data[0], 0x00);            /* touched: CTAP2_OK */
    ping(b, cb, 10);
    close(a);
    ping(b, cb, 10);                              /* a's close hurts no one */
    close(b);
    server_stop(&s);
}

static void manual_touch_by_signal(void **state)
{
    static const uint8_t n[8] = "manual!!";
    static const uint8_t sel = 0x0b;
    server s;
    reply m = { 0 };
    int fd;
    uint32_t cid;

    (void)state;
    server_start(&s, "manual");
    fd = try_connect(s.path);
    cid = open_channel(fd, n);
    tx(fd, cid, 0x10, &sel, 1);
    assert_true(rx_msg(fd, cid, &m, 1000));
    assert_int_equal(m.cmd, 0x3b);
    assert_int_equal(kill(s.pid, SIGUSR1), 0);
    do
        assert_true(rx_msg(fd, cid, &m, 1000));
    while (m.cmd == 0x3b);
    assert_int_equal(m.cmd, 0x10);
    assert_int_equal(m.data[0], 0x00);
    /* and CANCEL ends a wait with KEEPALIVE_CANCEL */
    tx(fd, cid, 0x10, &sel, 1);
    assert_true(rx_msg(fd, cid, &m, 1000));
    assert_int_equal(m.cmd, 0x3b);
    tx(fd, cid, 0x11, NULL, 0);
    do
        assert_true(rx_msg(fd, cid, &m, 1000));
    while (m.cmd == 0x3b);
    assert_int_equal(m.cmd, 0x10);
    assert_int_equal(m.data[0], 0x2d);
    close(fd);
    server_stop(&s);
}

static void refuses_a_live_socket(void **state)
{
    server s;
    int status;
    pid_t pid;

    (void)state;
    server_start(&s, "deny");
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", 1);
        dup2(null, 2);
        execl(emkit, emkit, "fido", "serve", "--hid-socket", s.path, (char *)NULL);
        _exit(127);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    server_stop(&s);
}

#ifdef HAVE_LIBFIDO2
static void libfido2_open_and_cancel(void **state)
{
    server s;
    fido_dev_t *dev;

    (void)state;
    server_start(&s, "always");
    dev = fido_dev_new();
    assert_non_null(dev);
    assert_int_equal(fido_dev_set_io_functions(dev, &fsock_io), FIDO_OK);
    assert_int_equal(fido_dev_open(dev, s.path), FIDO_OK);
    assert_int_equal(fido_dev_protocol(dev), 2);
    /* WINK, not NMSG (CBOR is cleared if getInfo fails and libfido2
     * falls back to U2F) */
    assert_int_equal(fido_dev_flags(dev) & 0x09, 0x01);
    /* libfido2 cancels only on FIDO2 devices: without getInfo (before
     * the CTAP2 commands land) it fell back to U2F; force it */
    if (!fido_dev_is_fido2(dev))
        fido_dev_force_fido2(dev);
    assert_int_equal(fido_dev_cancel(dev), FIDO_OK);    /* CTAPHID_CANCEL */
    assert_int_equal(fido_dev_close(dev), FIDO_OK);
    /* and again: a second open gets a channel of its own */
    assert_int_equal(fido_dev_open(dev, s.path), FIDO_OK);
    assert_int_equal(fido_dev_close(dev), FIDO_OK);
    fido_dev_free(&dev);
    server_stop(&s);
}
#endif

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(two_clients, kill_leftovers),
        cmocka_unit_test_teardown(manual_touch_by_signal, kill_leftovers),
        cmocka_unit_test_teardown(refuses_a_live_socket, kill_leftovers),
#ifdef HAVE_LIBFIDO2
        cmocka_unit_test_teardown(libfido2_open_and_cancel, kill_leftovers),
#endif
    };

    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH-TO-EMKIT\n", argv[0]);
        return 2;
    }
    emkit = argv[1];
#ifdef HAVE_LIBFIDO2
    fido_init(0);
#endif
    return cmocka_run_group_tests(tests, NULL, NULL);
}
