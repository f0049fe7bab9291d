/* fido_sock_io.c - libfido2's I/O over the key's socket (fido_sock_io.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fido_sock_io.h"

enum { REPORT = 64 };

static void *io_open(const char *path)
{
    struct sockaddr_un addr;
    int *h, fd;

    if (strlen(path) >= sizeof(addr.sun_path))
        return NULL;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (fd < 0)
        return NULL;
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || !(h = malloc(sizeof(*h)))) {
        close(fd);
        return NULL;
    }
    *h = fd;
    return h;
}

static void io_close(void *handle)
{
    close(*(int *)handle);
    free(handle);
}

/* One report of len (64) bytes, waiting up to ms (-1: forever). */
static int io_read(void *handle, unsigned char *buf, size_t len, int ms)
{
    struct pollfd p = { *(int *)handle, POLLIN, 0 };
    unsigned char r[2 * REPORT];
    ssize_t n;

    if (len != REPORT)
        return -1;
    for (;;) {
        int pr = poll(&p, 1, ms);

        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return -1;
        n = recv(p.fd, r, sizeof(r), 0);
        if (n == REPORT)
            break;
        if (n <= 0)
            return -1;
    }
    memcpy(buf, r, REPORT);
    return REPORT;
}

/* libfido2 writes a report ID byte (0), then the 64-byte report. */
static int io_write(void *handle, const unsigned char *buf, size_t len)
{
    size_t orig = len;

    if (len == REPORT + 1 && buf[0] == 0) {
        buf++;
        len--;
    }
    if (len != REPORT || send(*(int *)handle, buf, REPORT, 0) != REPORT)
        return -1;
    return (int)orig;
}

const fido_dev_io_t fsock_io = { io_open, io_close, io_read, io_write };
