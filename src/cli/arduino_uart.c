/* arduino_uart.c - USART0's other end for `emkit arduino --uart`:
 *   stdio      stdin to the firmware, its output to stdout;
 *   pty        a pseudo-terminal (its name on stderr) in raw mode, for
 *              avrdude or a terminal program; a program opening it pulses
 *              RESET, as the Uno's DTR capacitor does;
 *   unix:PATH  a listening Unix socket, one client at a time (a new
 *              client also pulses RESET).
 * Host bytes go into the MCU only as fast as its receive queue drains. */
/* posix_openpt, grantpt, unlockpt, ptsname: POSIX XSI */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "arduino_cli.h"

enum { U_NONE, U_STDIO, U_PTY, U_UNIX };

static void nonblock(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void raw(int fd)
{
    struct termios t;

    if (tcgetattr(fd, &t) < 0)
        return;
    t.c_iflag &= (tcflag_t)~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag &= (tcflag_t)~OPOST;
    t.c_lflag &= (tcflag_t)~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= (tcflag_t)~(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(fd, TCSANOW, &t);
}

static int open_pty(emk_ard_uart *u)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY), s;
    const char *name;

    if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || !(name = ptsname(m))) {
        fprintf(stderr, "emkit: arduino: --uart pty: %s\n", strerror(errno));
        if (m >= 0)
            close(m);
        return -1;
    }
    snprintf(u->path, sizeof(u->path), "%s", name);
    /* raw on the slave side, so nothing is echoed back before a program
     * sets its own modes */
    s = open(u->path, O_RDWR | O_NOCTTY);
    if (s >= 0) {
        raw(s);
        close(s);
    }
    nonblock(m);
    u->in_fd = u->out_fd = m;
    fprintf(stderr, "emkit: arduino: uart on %s\n", u->path);
    return 0;
}

static int open_unix(emk_ard_uart *u, const char *path)
{
    struct sockaddr_un a;
    int fd;

    if (strlen(path) >= sizeof(a.sun_path)) {
        fprintf(stderr, "emkit: arduino: --uart unix:%s: path too long\n", path);
        return -1;
    }
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    unlink(path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0) {
        fprintf(stderr, "emkit: arduino: --uart unix:%s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    nonblock(fd);
    snprintf(u->path, sizeof(u->path), "%s", path);
    u->listen_fd = fd;
    return 0;
}

int emk_ard_uart_open(emk_ard_uart *u, const char *spec)
{
    memset(u, 0, sizeof(*u));
    u->in_fd = u->out_fd = u->listen_fd = -1;
    if (!spec || !strcmp(spec, "none"))
        return 0;
    if (!strcmp(spec, "stdio")) {
        u->kind = U_STDIO;
        u->in_fd = 0;
        u->out_fd = 1;
        nonblock(0);
        return 0;
    }
    if (!strcmp(spec, "pty")) {
        u->kind = U_PTY;
        return open_pty(u);
    }
    if (!strncmp(spec, "unix:", 5)) {
        u->kind = U_UNIX;
        return open_unix(u, spec + 5);
    }
    fprintf(stderr, "emkit: arduino: --uart: '%s' is not stdio, pty or unix:PATH\n", spec);
    return -1;
}

void emk_ard_uart_put(emk_ard_uart *u, unsigned char c)
{
    if (u->out_fd < 0 || (u->kind == U_PTY && !u->pty_open))
        return;          /* nobody listening: the bytes fall off the wire */
    if (u->nout == sizeof(u->out))
        return;          /* the reader is too slow: drop, as a full line would */
    u->out[u->nout++] = c;
}

static void flush_out(emk_ard_uart *u)
{
    size_t done = 0;

    while (done < u->nout && u->out_fd >= 0) {
        ssize_t n = write(u->out_fd, u->out + done, u->nout - done);

        if (n <= 0)
            break;
        done += (size_t)n;
    }
    memmove(u->out, u->out + done, u->nout - done);
    u->nout -= done;
}

void emk_ard_uart_poll(emk_ard_uart *u, emk_m328p *m)
{
    unsigned char buf[256];

    if (u->kind == U_PTY) {
        struct pollfd p = { u->in_fd, POLLIN, 0 };
        int open_now;

        poll(&p, 1, 0);
        open_now = !(p.revents & POLLHUP);
        if (open_now && !u->pty_open)
            u->reset_request = 1;      /* DTR asserted by the opener */
        u->pty_open = open_now;
        if (!open_now) {
            u->nout = 0;
            return;
        }
    }
    if (u->kind == U_UNIX && u->in_fd < 0) {
        int c = accept(u->listen_fd, NULL, NULL);

        if (c >= 0) {
            nonblock(c);
            u->in_fd = u->out_fd = c;
            u->reset_request = 1;
        }
    }
    flush_out(u);
    while (u->in_fd >= 0) {
        size_t room = emk_m328p_uart_rx_room(m);
        ssize_t n;

        if (room == 0)
            break;
        n = read(u->in_fd, buf, room < sizeof(buf) ? room : sizeof(buf));
        if (n > 0) {
            emk_m328p_uart_rx(m, buf, (size_t)n);
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            if (u->kind == U_UNIX) {
                close(u->in_fd);
                u->in_fd = u->out_fd = -1;
            } else if (u->kind == U_STDIO) {
                u->in_fd = -1;     /* stdin ended; output goes on */
            }
        }
        break;
    }
}

int emk_ard_uart_fd(const emk_ard_uart *u)
{
    if (u->kind == U_PTY && !u->pty_open)
        return -1;      /* a closed pty polls as POLLHUP: nothing to wait on */
    if (u->kind == U_UNIX && u->in_fd < 0)
        return u->listen_fd;
    return u->in_fd;
}

void emk_ard_uart_close(emk_ard_uart *u)
{
    if (u->out_fd >= 0)
        flush_out(u);
    if (u->kind == U_PTY || u->kind == U_UNIX) {
        if (u->in_fd >= 0)
            close(u->in_fd);
        if (u->listen_fd >= 0)
            close(u->listen_fd);
        if (u->kind == U_UNIX)
            unlink(u->path);
    }
    u->in_fd = u->out_fd = u->listen_fd = -1;
}
