/* ioctls: each supported ioctl group against the host kernel, printing
 * results and effects (TCSETS really changes the pty's termios, ...).
 * Compared with the same source built for and run on the host, and its
 * -strace lines with strace(1)'s. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/fs.h>
#include <linux/fiemap.h>
#include <linux/loop.h>
#include <linux/random.h>
#include <linux/dm-ioctl.h>
#include <linux/if_tun.h>

#define SHOW(what, r) printf("%-28s %s\n", what, (r) < 0 ? strerrorname_np(errno) : "ok")

static void tty_group(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY), s, n, lock = 0, pg;
    struct termios t;
    struct winsize ws = { 24, 80, 0, 0 }, w2;
    unsigned ptn;
    pid_t c;
    int st;

    SHOW("TIOCSPTLCK", ioctl(m, TIOCSPTLCK, &lock));
    SHOW("TIOCGPTN", ioctl(m, TIOCGPTN, &ptn));
    s = open(ptsname(m), O_RDWR | O_NOCTTY);
    SHOW("TCGETS", ioctl(s, TCGETS, &t));
    printf("lflag echo %d icanon %d\n", !!(t.c_lflag & ECHO), !!(t.c_lflag & ICANON));
    t.c_lflag &= ~(tcflag_t)ECHO;
    SHOW("TCSETS", ioctl(s, TCSETS, &t));
    memset(&t, 0, sizeof(t));
    ioctl(s, TCGETS, &t);
    printf("after TCSETS echo %d\n", !!(t.c_lflag & ECHO));
    t.c_lflag |= ECHO;
    SHOW("TCSETSW", ioctl(s, TCSETSW, &t));
    SHOW("TCSETSF", ioctl(s, TCSETSF, &t));
    ioctl(s, TCGETS, &t);
    printf("after TCSETSF echo %d\n", !!(t.c_lflag & ECHO));
    SHOW("TIOCSWINSZ", ioctl(s, TIOCSWINSZ, &ws));
    SHOW("TIOCGWINSZ", ioctl(m, TIOCGWINSZ, &w2));
    printf("winsize %u x %u\n", w2.ws_row, w2.ws_col);
    write(s, "abcde", 5);
    usleep(10000);
    SHOW("FIONREAD", ioctl(m, FIONREAD, &n));
    printf("fionread %d\n", n);
    SHOW("TIOCGPGRP (no ctty)", ioctl(s, TIOCGPGRP, &pg));
    fflush(stdout);
    c = fork();
    if (c == 0) {
        setsid();
        SHOW("TIOCSCTTY", ioctl(s, TIOCSCTTY, 0));
        SHOW("TIOCGPGRP", ioctl(s, TIOCGPGRP, &pg));
        printf("pgrp is ours %d\n", pg == getpgrp());
        SHOW("TIOCSPGRP", ioctl(s, TIOCSPGRP, &pg));
        fflush(stdout);
        _exit(0);
    }
    waitpid(c, &st, 0);
    close(s);
    close(m);
}

static void fs_group(const char *dir)
{
    char path[4096], p2[4096];
    int fd, fd2, flags = 0, dfd;
    struct fsxattr fx;
    struct { struct fiemap fm; struct fiemap_extent fe[4]; } fmap;

    snprintf(path, sizeof(path), "%s/ioctl-a", dir);
    snprintf(p2, sizeof(p2), "%s/ioctl-b", dir);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "data data data\n", 15);
    fsync(fd);
    SHOW("FS_IOC_GETFLAGS", ioctl(fd, FS_IOC_GETFLAGS, &flags));
    SHOW("FS_IOC_SETFLAGS", ioctl(fd, FS_IOC_SETFLAGS, &flags));
    SHOW("FS_IOC_FSGETXATTR", ioctl(fd, FS_IOC_FSGETXATTR, &fx));
    fd2 = open(p2, O_RDWR | O_CREAT | O_TRUNC, 0644);
    SHOW("FICLONE", ioctl(fd2, FICLONE, fd));
    memset(&fmap, 0, sizeof(fmap));
    fmap.fm.fm_length = ~0ull;
    fmap.fm.fm_extent_count = 4;
    fmap.fm.fm_flags = FIEMAP_FLAG_SYNC;
    SHOW("FS_IOC_FIEMAP", ioctl(fd, FS_IOC_FIEMAP, &fmap));
    dfd = open(dir, O_RDONLY | O_DIRECTORY);
    SHOW("FITHAW (not frozen)", ioctl(dfd, FITHAW, 0));
    close(dfd);
    close(fd2);
    close(fd);
    unlink(path);
    unlink(p2);
}

static void blk_group(const char *dir)
{
    int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC), n, lfd, ffd;
    char path[4096], dev[64];
    struct loop_info64 li;
    uint64_t size = 0, range[2] = { 0, 4096 };
    int ssz = 0;

    SHOW("open loop-control", ctl);
    if (ctl < 0)
        return;
    n = ioctl(ctl, LOOP_CTL_GET_FREE);
    SHOW("LOOP_CTL_GET_FREE", n);
    if (n < 0)
        return;
    snprintf(dev, sizeof(dev), "/dev/loop%d", n);
    lfd = open(dev, O_RDWR | O_CLOEXEC);
    SHOW("open loop", lfd);
    snprintf(path, sizeof(path), "%s/loop-backing", dir);
    ffd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    ftruncate(ffd, 1 << 20);
    if (lfd >= 0) {
        SHOW("LOOP_SET_FD", ioctl(lfd, LOOP_SET_FD, ffd));
        memset(&li, 0, sizeof(li));
        li.lo_flags = LO_FLAGS_AUTOCLEAR;
        SHOW("LOOP_SET_STATUS64", ioctl(lfd, LOOP_SET_STATUS64, &li));
        SHOW("LOOP_GET_STATUS64", ioctl(lfd, LOOP_GET_STATUS64, &li));
        printf("autoclear %d\n", !!(li.lo_flags & LO_FLAGS_AUTOCLEAR));
        SHOW("BLKGETSIZE64", ioctl(lfd, BLKGETSIZE64, &size));
        printf("size %llu\n", (unsigned long long)size);
        SHOW("BLKSSZGET", ioctl(lfd, BLKSSZGET, &ssz));
        printf("sector %d\n", ssz);
        SHOW("BLKDISCARD", ioctl(lfd, BLKDISCARD, range));
        SHOW("LOOP_CLR_FD", ioctl(lfd, LOOP_CLR_FD));
        close(lfd);
    }
    close(ffd);
    unlink(path);
    close(ctl);
}

static void net_group(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), t, i;
    struct ifreq rq[16], r;
    struct ifconf ic;

    ic.ifc_len = sizeof(rq);
    ic.ifc_req = rq;
    SHOW("SIOCGIFCONF", ioctl(s, SIOCGIFCONF, &ic));
    for (i = 0; i < ic.ifc_len / (int)sizeof(struct ifreq); i++)
        if (!strcmp(rq[i].ifr_name, "lo"))
            printf("has lo\n");
    memset(&r, 0, sizeof(r));
    strcpy(r.ifr_name, "lo");
    SHOW("SIOCGIFFLAGS", ioctl(s, SIOCGIFFLAGS, &r));
    printf("lo up %d loopback %d\n", !!(r.ifr_flags & IFF_UP), !!(r.ifr_flags & IFF_LOOPBACK));
    SHOW("SIOCGIFINDEX", ioctl(s, SIOCGIFINDEX, &r));
    printf("lo index %d\n", r.ifr_ifindex);
    close(s);
    t = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    SHOW("open tun", t);
    if (t >= 0) {
        memset(&r, 0, sizeof(r));
        r.ifr_flags = IFF_TUN | IFF_NO_PI;
        strcpy(r.ifr_name, "emkt0");
        SHOW("TUNSETIFF", ioctl(t, TUNSETIFF, &r));
        close(t);
    }
}

static void misc_group(void)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC), n = -1, c;
    struct dm_ioctl dm;
    char buf[16384];
    struct dm_ioctl *d = (struct dm_ioctl *)buf;

    SHOW("RNDGETENTCNT", ioctl(fd, RNDGETENTCNT, &n));
    printf("entropy positive %d\n", n > 0);
    SHOW("unknown with pointer", ioctl(fd, _IOR('z', 99, int), &n));
    SHOW("unknown plain", ioctl(fd, _IO('z', 98), 0));
    close(fd);
    c = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
    SHOW("open dm control", c);
    if (c < 0)
        return;
    memset(&dm, 0, sizeof(dm));
    dm.version[0] = 4;
    dm.data_size = sizeof(dm);
    SHOW("DM_VERSION", ioctl(c, DM_VERSION, &dm));
    printf("dm major %u\n", dm.version[0]);
    memset(buf, 0, sizeof(buf));
    d->version[0] = 4;
    d->data_size = sizeof(buf);
    d->data_start = sizeof(*d);
    SHOW("DM_LIST_DEVICES", ioctl(c, DM_LIST_DEVICES, d));
    memset(buf, 0, sizeof(buf));
    d->version[0] = 4;
    d->data_size = sizeof(buf);
    strcpy(d->name, "emkit-no-such-device");
    SHOW("DM_DEV_STATUS", ioctl(c, DM_DEV_STATUS, d));
    close(c);
}

/* strace comparison markers: PR_GET_DUMPABLE starts and ends the part compared */
static void mark(void) { prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }

/* FIFREEZE/FITHAW on a file system mounted at mnt (a loop-mounted ext4
 * that strace.sh sets up when the sandbox allows it), and the flags of a
 * file on it */
static void freeze_group(const char *mnt)
{
    char path[4096];
    int d = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd, flags = -1;

    SHOW("open mount", d);
    if (d < 0)
        return;
    snprintf(path, sizeof(path), "%s/f", mnt);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    SHOW("FS_IOC_GETFLAGS (ext4)", ioctl(fd, FS_IOC_GETFLAGS, &flags));
    printf("extent flag %d\n", !!(flags & FS_EXTENT_FL));
    flags |= FS_NOATIME_FL;
    SHOW("FS_IOC_SETFLAGS noatime", ioctl(fd, FS_IOC_SETFLAGS, &flags));
    flags = 0;
    ioctl(fd, FS_IOC_GETFLAGS, &flags);
    printf("noatime now %d\n", !!(flags & FS_NOATIME_FL));
    close(fd);
    unlink(path);
    SHOW("FIFREEZE", ioctl(d, FIFREEZE, 0));
    SHOW("FIFREEZE again", ioctl(d, FIFREEZE, 0));
    SHOW("FITHAW", ioctl(d, FITHAW, 0));
    SHOW("FITHAW again", ioctl(d, FITHAW, 0));
    close(d);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";

    mark();

    tty_group();
    fs_group(dir);
    blk_group(dir);
    net_group();
    misc_group();
    if (argc > 2)
        freeze_group(argv[2]);
    mark();
    return 0;
}
