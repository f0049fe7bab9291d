/* files: the file, directory and *at families, stat/statx, pipes,
 * eventfd, timerfd, signalfd, epoll, poll, select, sockets, clocks,
 * getrandom, prctl, prlimit, uname, sysinfo and recent additions.
 * Prints results that do not depend on the host (no times or inodes). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

#define CHECK(x) do { long r_ = (long)(x); printf("%-40s -> %ld%s%s\n", #x, r_, \
    r_ < 0 ? " " : "", r_ < 0 ? strerror(errno) : ""); } while (0)

/* strace comparison markers: PR_GET_DUMPABLE starts and ends the part compared */
static void mark(void) { prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp/emkit-user-files";
    char buf[256], path[512];
    struct stat st;
    struct statx sx;
    int fd, p[2], efd, tfd, sfd, ep, sv[2], n;
    uint64_t v;
    struct epoll_event ev, evs[4];
    struct pollfd pf[2];
    struct itimerspec its;
    struct timespec ts;
    struct rlimit rl;
    struct utsname un;
    struct sysinfo si;
    struct iovec iov[2];
    fd_set rs;
    struct timeval tv;
    sigset_t ss;
    DIR *d;
    struct dirent *de;
    int count = 0;

    mark();

    snprintf(path, sizeof(path), "rm -rf %s", dir);
    CHECK(mkdir(dir, 0755));
    CHECK(chdir(dir));
    fd = open("a.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "hello world\n", 12));
    iov[0].iov_base = "abc"; iov[0].iov_len = 3;
    iov[1].iov_base = "defg\n"; iov[1].iov_len = 5;
    CHECK(writev(fd, iov, 2));
    CHECK(pwrite(fd, "H", 1, 0));
    CHECK(fsync(fd));
    CHECK(ftruncate(fd, 20));
    CHECK(close(fd));
    CHECK(stat("a.txt", &st));
    printf("size %lld mode %o nlink %ld\n", (long long)st.st_size, st.st_mode, (long)st.st_nlink);
    CHECK(statx(AT_FDCWD, "a.txt", 0, STATX_BASIC_STATS, &sx));
    printf("statx size %llu mode %o\n", (unsigned long long)sx.stx_size, sx.stx_mode);
    CHECK(stat("nonexistent", &st));
    fd = open("a.txt", O_RDONLY | O_CLOEXEC);
    n = (int)read(fd, buf, sizeof(buf));
    printf("read %d: %.*s", n, n > 12 ? 12 : n, buf);
    CHECK(lseek(fd, 2, SEEK_SET));
    CHECK(pread(fd, buf, 4, 6));
    printf("pread: %.4s\n", buf);
    CHECK(fcntl(fd, F_GETFD));
    CHECK(fcntl(fd, F_GETFL) & O_ACCMODE);
    CHECK(dup2(fd, 10));
    CHECK(close(10));
    CHECK(close(fd));
    CHECK(symlink("a.txt", "link"));
    n = (int)readlink("link", buf, sizeof(buf));
    printf("readlink %d %.*s\n", n, n, buf);
    CHECK(link("a.txt", "hard"));
    CHECK(rename("hard", "hard2"));
    CHECK(mkdir("sub", 0700));
    CHECK(access("a.txt", R_OK));
    CHECK(faccessat(AT_FDCWD, "a.txt", X_OK, 0));
    CHECK(syscall(SYS_faccessat2, AT_FDCWD, "a.txt", R_OK, AT_EACCESS));
    CHECK(chmod("a.txt", 0600));
    CHECK(truncate("a.txt", 5));
    d = opendir(".");
    while ((de = readdir(d)) != NULL)
        count++;
    closedir(d);
    printf("entries: %d\n", count);
    CHECK(getcwd(buf, sizeof(buf)) != NULL);
    CHECK(unlink("hard2"));
    CHECK(rmdir("sub"));
    CHECK(unlink("link"));
    CHECK(unlink("a.txt"));
    CHECK(unlink("a.txt"));
    CHECK(memfd_create("m", MFD_CLOEXEC) >= 0);
    CHECK(syscall(SYS_close_range, 100, 200, 0));


    CHECK(pipe2(p, O_CLOEXEC));
    CHECK(write(p[1], "xyz", 3));
    CHECK(ioctl(p[0], FIONREAD, &n));
    printf("fionread %d\n", n);
    pf[0].fd = p[0]; pf[0].events = POLLIN;
    pf[1].fd = p[1]; pf[1].events = POLLOUT;
    CHECK(poll(pf, 2, 100));
    printf("revents %x %x\n", pf[0].revents, pf[1].revents);
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    tv.tv_sec = 0; tv.tv_usec = 1000;
    CHECK(select(p[0] + 1, &rs, NULL, NULL, &tv));
    CHECK(read(p[0], buf, 3));
    CHECK(close(p[0]));
    CHECK(close(p[1]));

    efd = eventfd(3, EFD_NONBLOCK);
    CHECK(efd >= 0);
    CHECK(read(efd, &v, 8));
    printf("eventfd %llu\n", (unsigned long long)v);
    CHECK(read(efd, &v, 8));
    ep = epoll_create1(EPOLL_CLOEXEC);
    ev.events = EPOLLIN; ev.data.u64 = 0x1234;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
    v = 5;
    CHECK(write(efd, &v, 8));
    n = epoll_wait(ep, evs, 4, 100);
    printf("epoll %d data %llx ev %x\n", n, (unsigned long long)evs[0].data.u64, evs[0].events);

    CHECK(close(ep));
    CHECK(close(efd));

    tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    memset(&its, 0, sizeof(its));
    its.it_value.tv_nsec = 1000000;
    CHECK(timerfd_settime(tfd, 0, &its, NULL));
    CHECK(read(tfd, &v, 8));
    printf("timer expirations %llu\n", (unsigned long long)v);
    CHECK(close(tfd));

    sigemptyset(&ss);
    sigaddset(&ss, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &ss, NULL));
    sfd = signalfd(-1, &ss, SFD_CLOEXEC);
    CHECK(sfd >= 0);
    CHECK(kill(getpid(), SIGUSR1));
    {
        struct signalfd_siginfo fi;
        CHECK(read(sfd, &fi, sizeof(fi)));
        printf("signalfd signo %u\n", fi.ssi_signo);
    }
    CHECK(close(sfd));

    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK(send(sv[0], "ping", 4, 0));
    CHECK(recv(sv[1], buf, 4, 0));
    {
        struct msghdr mh;
        struct iovec mi = { buf, 8 };
        memset(&mh, 0, sizeof(mh));
        mh.msg_iov = &mi; mh.msg_iovlen = 1;
        CHECK(write(sv[1], "pong", 4));
        CHECK(recvmsg(sv[0], &mh, 0));
        printf("msg %.4s\n", buf);
    }
    CHECK(shutdown(sv[0], SHUT_RDWR));
    CHECK(close(sv[0]));
    CHECK(close(sv[1]));
    {
        int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        struct sockaddr_in sa;
        socklen_t sl = sizeof(sa);
        memset(&sa, 0, sizeof(sa));
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(0x7f000001);
        CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
        CHECK(bind(s, (struct sockaddr *)&sa, sizeof(sa)));
        CHECK(listen(s, 1));
        CHECK(getsockname(s, (struct sockaddr *)&sa, &sl));
        CHECK(close(s));
    }

    CHECK(clock_gettime(CLOCK_MONOTONIC, &ts));
    CHECK(clock_getres(CLOCK_REALTIME, &ts));
    ts.tv_sec = 0; ts.tv_nsec = 1000;
    CHECK(nanosleep(&ts, NULL));
    CHECK(getrandom(buf, 16, 0));
    CHECK(prctl(PR_SET_NAME, "emkit-test"));
    CHECK(prctl(PR_GET_NAME, buf));
    printf("name %s\n", buf);
    CHECK(getrlimit(RLIMIT_NOFILE, &rl));
    CHECK(prlimit(0, RLIMIT_CORE, NULL, &rl));
    CHECK(uname(&un));
    printf("machine %s\n", un.machine);
    CHECK(sysinfo(&si));
    CHECK(getpid() > 0);
    CHECK(getppid() > 0);
    CHECK(syscall(SYS_gettid) == getpid());
    CHECK(umask(022));
    CHECK(syscall(999));
    {
        void *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(m != MAP_FAILED);
        memset(m, 1, 8192);
        CHECK(mprotect(m, 4096, PROT_READ));
        CHECK(munmap(m, 8192));
    }
    {
        pid_t c = fork();
        int status;
        if (c == 0)
            _exit(42);
        CHECK(waitpid(c, &status, 0) == c);
        printf("child status %d\n", WEXITSTATUS(status));
    }
    CHECK(chdir("/"));
    CHECK(rmdir(dir));
    mark();
    return 0;
}
