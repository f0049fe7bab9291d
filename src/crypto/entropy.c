/*
 * entropy.c - bytes from the operating system: the getrandom system call
 * where the headers name it (Linux 3.17+, called through syscall(2) so no
 * libc wrapper is needed), else, or when the kernel lacks it, /dev/urandom.
 */
#include "emkit/crypto.h"

#include <fcntl.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

#if defined(SYS_getrandom)
/* Returns 0, -ENOSYS (fall back) or another negative errno. */
static int sys_getrandom(uint8_t *p, size_t len)
{
    while (len) {
        size_t k = len > 256 ? 256 : len;
        long n = syscall(SYS_getrandom, p, k, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}
#endif

static int urandom(uint8_t *p, size_t len)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            if (e == EINTR)
                continue;
            close(fd);
            return -e;
        }
        p += n;
        len -= (size_t)n;
    }
    close(fd);
    return 0;
}

int emk_os_entropy(void *buf, size_t len)
{
#if defined(SYS_getrandom)
    int r = sys_getrandom(buf, len);
    if (r != -ENOSYS)
        return r;
#endif
    return urandom(buf, len);
}
