/* notifier.c - event notifiers: eventfd on Linux, a non-blocking pipe
 * elsewhere.  emk_notifier_set is async-signal-safe. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/eventfd.h>
#endif

#include "emkit/loop.h"

static int set_nonblock_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
        return -errno;
    return 0;
}

int emk_notifier_init(emk_notifier *n)
{
    int fds[2];

    memset(n, 0, sizeof(*n));
    n->rfd = n->wfd = -1;
#ifdef __linux__
    n->rfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (n->rfd >= 0) {
        n->wfd = n->rfd;
        return 0;
    }
#endif
    if (pipe(fds) < 0)
        return -errno;
    if (set_nonblock_cloexec(fds[0]) < 0 || set_nonblock_cloexec(fds[1]) < 0) {
        int err = -errno;
        close(fds[0]);
        close(fds[1]);
        return err;
    }
    n->rfd = fds[0];
    n->wfd = fds[1];
    return 0;
}

void emk_notifier_cleanup(emk_notifier *n)
{
    if (n->wfd >= 0 && n->wfd != n->rfd)
        close(n->wfd);
    if (n->rfd >= 0)
        close(n->rfd);
    n->rfd = n->wfd = -1;
}

int emk_notifier_set(emk_notifier *n)
{
    uint64_t one = 1;
    ssize_t r;
    size_t len = n->wfd == n->rfd ? sizeof(one) : 1;

    do {
        r = write(n->wfd, &one, len);
    } while (r < 0 && errno == EINTR);
    if (r < 0 && errno != EAGAIN)
        return -errno;
    return 0;
}

int emk_notifier_test_and_clear(emk_notifier *n)
{
    uint8_t buf[64];
    ssize_t r;
    int was = 0;

    for (;;) {
        r = read(n->rfd, buf, sizeof(buf));
        if (r > 0) {
            was = 1;
            if (n->wfd == n->rfd)
                break;
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        break;
    }
    return was;
}

static void notifier_ready(void *opaque, unsigned revents)
{
    emk_notifier *n = (emk_notifier *)opaque;

    (void)revents;
    if (emk_notifier_test_and_clear(n) && n->cb)
        n->cb(n->opaque);
}

int emk_loop_add_notifier(emk_loop *loop, emk_notifier *n,
                          void (*cb)(void *opaque), void *opaque)
{
    n->cb = cb;
    n->opaque = opaque;
    n->h.fd = n->rfd;
    n->h.events = EMK_FD_READ;
    n->h.cb = notifier_ready;
    n->h.opaque = n;
    return emk_loop_add_fd(loop, &n->h);
}

void emk_loop_del_notifier(emk_notifier *n)
{
    emk_loop_del_fd(&n->h);
    n->cb = NULL;
}
