/* recent: syscalls newer than qemu-riscv64 7.2 knows (it answers ENOSYS):
 * openat2 and epoll_pwait2.  Compared with the host build's output and
 * its strace(1) lines (tests/user/strace.sh). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define CHECK(x) do { long r_ = (long)(x); printf("%-50s -> %ld%s%s\n", #x, r_, \
    r_ < 0 ? " " : "", r_ < 0 ? strerror(errno) : ""); } while (0)

/* strace comparison markers */
static void mark(void) { prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }

int main(void)
{
    struct { uint64_t flags, mode, resolve; } how = { O_RDONLY | O_CLOEXEC, 0, 0x4 };
    struct epoll_event ev, evs[4];
    struct timespec t2 = { 0, 2000000 };
    uint64_t v = 1;
    long fd;
    int ep, efd;

    mark();
    fd = syscall(437, AT_FDCWD, "/", &how, sizeof(how));
    CHECK(fd >= 0);
    CHECK(close((int)fd));
    CHECK(syscall(437, AT_FDCWD, "/", &how, (size_t)8));
    how.flags = O_RDONLY | O_NOFOLLOW;
    CHECK(syscall(437, AT_FDCWD, "/nonexistent-emkit", &how, sizeof(how)));
    ep = epoll_create1(EPOLL_CLOEXEC);
    efd = eventfd(0, EFD_NONBLOCK);
    ev.events = EPOLLIN;
    ev.data.u64 = 7;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
    CHECK(syscall(441, ep, evs, 4, &t2, NULL, 8));
    CHECK(write(efd, &v, 8));
    CHECK(syscall(441, ep, evs, 4, &t2, NULL, 8));
    printf("data %llu\n", (unsigned long long)evs[0].data.u64);
    CHECK(syscall(SYS_close_range, 50, 60, 0));
    CHECK(syscall(SYS_faccessat2, AT_FDCWD, "/", R_OK, AT_EACCESS));
    mark();
    return 0;
}
