/*
 * sys_io.c - I/O syscalls whose arguments need more than the generic
 * passthrough: fcntl, the iovec calls, poll/ppoll, pselect6, epoll,
 * sendmsg/recvmsg, getgroups.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "compat.h"
#include "names.h"
#include "structs.h"
#include "sys.h"
#include "sysh.h"

#ifndef SYS_openat2
#define SYS_openat2 437   /* x86-64 and asm-generic agree from 424 on */
#endif

enum { IOV_MAX_ = 1024 };

long emk_user_sys_fcntl(emk_uthread *t, uint64_t *a)
{
    int cmd = (int)a[1];
    struct flock fl;
    long r;

    switch (cmd) {
    case 5: case 6: case 7: case 36: case 37: case 38:   /* the lock calls */
        if (emk_user_get_struct(t, &emk_us_flock, a[2], &fl) < 0)
            return -EFAULT;
        r = emk_hret(fcntl((int)a[0], cmd, &fl));
        if (r == 0 && (cmd == 5 || cmd == 36))
            emk_user_put_struct(t, &emk_us_flock, a[2], &fl);
        return r;
    case 15: case 16:   /* F_SETOWN_EX / F_GETOWN_EX: {int type; pid_t pid} */
    {
        int *h = GP(t, a[2], 8);
        if (!h)
            return -EFAULT;
        return emk_hret(fcntl((int)a[0], cmd, h));
    }
    case 0: case 1: case 2: case 3: case 4: case 8: case 9: case 10: case 11:
    case 1024: case 1025: case 1026: case 1030: case 1031: case 1032: case 1033: case 1034:
        return emk_hret(fcntl((int)a[0], cmd, (long)a[2]));
    default:
        return -EINVAL;
    }
}

void emk_user_print_fcntl(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    int cmd = (int)a[1];

    (void)ret;
    emk_ub_printf(b, "%d, ", (int)a[0]);
    emk_ub_enum(b, emk_user_names("fcntl", 5), (uint64_t)cmd, "%#llx");
    switch (cmd) {
    case 1: case 3: case 9: case 11: case 1025: case 1032: case 1034:
        break;
    case 2:
        emk_ub_puts(b, ", ");
        emk_ub_flags(b, emk_user_names("fdflags", 7), a[2]);
        break;
    case 4: {
        const emk_unames *n = emk_user_names("open", 4);
        emk_ub_puts(b, ", ");
        if (a[2] & ~(uint64_t)3) {
            if (a[2] & 3) emk_ub_printf(b, "%s|", (a[2] & 3) == 1 ? "O_WRONLY" : "O_RDWR");
            emk_ub_flags(b, n, a[2] & ~(uint64_t)3);
        } else {
            emk_ub_puts(b, (a[2] & 3) == 0 ? "0" : (a[2] & 3) == 1 ? "O_WRONLY" : "O_RDWR");
        }
        break;
    }
    case 5: case 6: case 7: case 36: case 37: case 38:
        emk_ub_puts(b, ", ");
        emk_user_print_struct(b, t, &emk_us_flock, a[2]);
        break;
    default:
        emk_ub_printf(b, ", %lld", (long long)a[2]);
        break;
    }
}

void emk_user_ret_fcntl(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    char *p;

    (void)t;
    if ((int)a[1] == 3 || ((int)a[1] == 1 && ret)) {
        p = strrchr(b->s, '=');
        if (!p)
            return;
        b->n = (size_t)(p - b->s) + 2;
        b->s[b->n] = 0;
        emk_ub_printf(b, "%#lx (flags ", ret);
        if ((int)a[1] == 1) {
            emk_ub_flags(b, emk_user_names("fdflags", 7), (uint64_t)ret);
        } else {
            static const char *const acc[4] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
            emk_ub_puts(b, acc[ret & 3]);
            if (ret & ~3L) {
                emk_ub_puts(b, "|");
                emk_ub_flags(b, emk_user_names("open", 4), (uint64_t)ret & ~(uint64_t)3);
            }
        }
        emk_ub_puts(b, ")");
    }
}

/* Guest iovec array -> host iovecs (each buffer bounds-checked). */
static int get_iov(emk_uthread *t, uint64_t ga, uint64_t cnt, struct iovec *v)
{
    uint64_t i;

    if (cnt > IOV_MAX_)
        return -EINVAL;
    if (cnt && !GP(t, ga, cnt * 16))
        return -EFAULT;
    for (i = 0; i < cnt; i++) {
        const uint8_t *e = GP(t, ga + 16 * i, 16);
        uint64_t base = emk_le64(e), len = emk_le64(e + 8);
        void *h = GP(t, base, len);
        if (!h && len)
            return -EFAULT;
        v[i].iov_base = len ? h : NULL;
        v[i].iov_len = len;
    }
    return 0;
}

static long iov_call(emk_uthread *t, uint64_t *a, int nr)
{
    struct iovec *v = calloc(a[2] ? a[2] : 1, sizeof(*v));
    long r;
    int e;

    if (!v)
        return -ENOMEM;
    e = get_iov(t, a[1], a[2], v);
    if (e < 0) {
        free(v);
        return e;
    }
    r = emk_hret(syscall(nr, (int)a[0], v, (int)a[2], (long)a[3], (long)a[4], (long)a[5]));
    free(v);
    return r;
}

long emk_user_sys_readv(emk_uthread *t, uint64_t *a) { return iov_call(t, a, SYS_readv); }
long emk_user_sys_writev(emk_uthread *t, uint64_t *a) { return iov_call(t, a, SYS_writev); }
long emk_user_sys_preadv(emk_uthread *t, uint64_t *a) { return iov_call(t, a, SYS_preadv); }
long emk_user_sys_pwritev(emk_uthread *t, uint64_t *a) { return iov_call(t, a, SYS_pwritev); }

/* [{iov_base="...", iov_len=N}, ...]; out: the data as far as ret reaches */
static void print_iov(emk_ubuf *b, emk_uthread *t, uint64_t ga, uint64_t cnt, long data)
{
    uint64_t i;

    if (!GP(t, ga, cnt * 16) || !ga) {
        if (ga) emk_ub_printf(b, "%#llx", (unsigned long long)ga);
        else emk_ub_puts(b, "NULL");
        return;
    }
    emk_ub_puts(b, "[");
    for (i = 0; i < cnt && i < 32; i++) {
        const uint8_t *e = GP(t, ga + 16 * i, 16);
        uint64_t base = emk_le64(e), len = emk_le64(e + 8);
        long show = data < 0 ? -1 : (long)(len < (uint64_t)data ? len : (uint64_t)data);
        if (i) emk_ub_puts(b, ", ");
        emk_ub_puts(b, "{iov_base=");
        if (show < 0) emk_ub_printf(b, "%#llx", (unsigned long long)base);
        else emk_user_print_buf(b, t, base, show);
        emk_ub_printf(b, ", iov_len=%llu}", (unsigned long long)len);
        if (data >= 0)
            data -= show;
    }
    if (cnt > 32)
        emk_ub_puts(b, ", ...");
    emk_ub_puts(b, "]");
}

void emk_user_print_writev(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    uint64_t i, total = 0;

    (void)ret;
    for (i = 0; i < a[2] && i < IOV_MAX_; i++) {
        const uint8_t *e = GP(t, a[1] + 16 * i, 16);
        if (!e) break;
        total += emk_le64(e + 8);
    }
    emk_ub_printf(b, "%d, ", (int)a[0]);
    print_iov(b, t, a[1], a[2], (long)total);
    emk_ub_printf(b, ", %llu", (unsigned long long)a[2]);
}

void emk_user_print_readv(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    emk_ub_printf(b, "%d, ", (int)a[0]);
    print_iov(b, t, a[1], a[2], ret);
    emk_ub_printf(b, ", %llu", (unsigned long long)a[2]);
}

long emk_user_sys_ppoll(emk_uthread *t, uint64_t *a)
{
    struct pollfd *fds = GP(t, a[0], a[1] * 8);
    struct timespec ts;
    uint8_t *m;
    sigset_t s, *sp = NULL;

    if (a[1] > 65536 || (a[1] && !fds))
        return -EFAULT;
    if (a[2] && emk_user_get_struct(t, &emk_us_timespec, a[2], &ts) < 0)
        return -EFAULT;
    if (a[3]) {
        uint64_t v;
        m = GP(t, a[3], 8);
        if (!m || a[4] != 8)
            return -EINVAL;
        v = emk_le64(m);
        emk_user_host_sigset(v, 1, &s);
        sp = &s;
    }
    /* struct pollfd has one layout on every Linux ABI */
    return emk_hret(syscall(SYS_ppoll, a[1] ? fds : NULL, (unsigned long)a[1], a[2] ? &ts : NULL,
                            sp, 8L));
}

void emk_user_print_ppoll(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    uint64_t i;
    int first = 1;

    emk_ub_puts(b, "[");
    for (i = 0; i < a[1] && i < 32; i++) {
        const uint8_t *e = GP(t, a[0] + 8 * i, 8);
        if (!e) break;
        if (i) emk_ub_puts(b, ", ");
        emk_ub_printf(b, "{fd=%d, events=", (int)emk_le32(e));
        emk_ub_flags(b, emk_user_names("poll", 4), emk_le16(e + 4));
        emk_ub_puts(b, "}");
    }
    emk_ub_printf(b, "], %llu, ", (unsigned long long)a[1]);
    if (a[2]) emk_user_print_struct(b, t, &emk_us_timespec, a[2]);
    else emk_ub_puts(b, "NULL");
    emk_ub_puts(b, ", ");
    if (a[3]) {
        const uint8_t *m = GP(t, a[3], 8);
        if (m) emk_user_print_sigset(b, emk_le64(m));
    } else {
        emk_ub_puts(b, "NULL");
    }
    emk_ub_printf(b, ", %llu", (unsigned long long)a[4]);
    (void)first;
    (void)ret;
}

void emk_user_ret_ppoll(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    uint64_t i;
    int first = 1;

    if (ret <= 0) {
        if (ret == 0) emk_ub_puts(b, " (Timeout)");
        return;
    }
    emk_ub_puts(b, " ([");
    for (i = 0; i < a[1] && i < 1024; i++) {
        const uint8_t *e = GP(t, a[0] + 8 * i, 8);
        if (!e) break;
        if (!emk_le16(e + 6)) continue;
        emk_ub_printf(b, "%s{fd=%d, revents=", first ? "" : ", ", (int)emk_le32(e));
        emk_ub_flags(b, emk_user_names("poll", 4), emk_le16(e + 6));
        emk_ub_puts(b, "}");
        first = 0;
    }
    emk_ub_puts(b, "])");
}

long emk_user_sys_pselect6(emk_uthread *t, uint64_t *a)
{
    uint64_t n = a[0], bytes = ((n + 63) / 64) * 8;
    fd_set *s[3];
    struct timespec ts;
    sigset_t ss, *ssp = NULL;
    int i;

    if (n > FD_SETSIZE)
        return -EINVAL;
    for (i = 0; i < 3; i++) {
        s[i] = NULL;
        if (a[1 + i]) {
            s[i] = GP(t, a[1 + i], bytes > 0 ? bytes : 8);
            if (!s[i])
                return -EFAULT;
        }
    }
    for (i = 0; i < 3; i++)
        t->scratch[i] = s[i] ? emk_le64((const uint8_t *)s[i]) : 0;
    if (a[4] && emk_user_get_struct(t, &emk_us_timespec, a[4], &ts) < 0)
        return -EFAULT;
    t->scratch[3] = a[4] ? (uint64_t)ts.tv_sec : 0;
    t->scratch[4] = a[4] ? (uint64_t)ts.tv_nsec : 0;
    if (a[5]) {
        const uint8_t *d = GP(t, a[5], 16);
        if (!d)
            return -EFAULT;
        if (emk_le64(d)) {
            const uint8_t *m = GP(t, emk_le64(d), 8);
            uint64_t v;
            if (!m)
                return -EFAULT;
            v = emk_le64(m);
            emk_user_host_sigset(v, 1, &ss);
            ssp = &ss;
        }
    }
    /* the kernel reads only ceil(n/64) words of each set: no overrun */
    {
        uintptr_t sd[2];
        long r;
        sd[0] = (uintptr_t)ssp;
        sd[1] = 8;
        r = emk_hret(syscall(SYS_pselect6, (int)n, s[0], s[1], s[2], a[4] ? &ts : NULL,
                             ssp ? sd : NULL));
        if (a[4])
            emk_user_put_struct(t, &emk_us_timespec, a[4], &ts);
        return r;
    }
}

long emk_user_sys_epoll_ctl(emk_uthread *t, uint64_t *a)
{
    struct epoll_event ev;

    if (a[3] && emk_user_get_struct(t, &emk_us_epoll_event, a[3], &ev) < 0)
        return -EFAULT;
    return emk_hret(epoll_ctl((int)a[0], (int)a[1], (int)a[2], a[3] ? &ev : NULL));
}

void emk_user_print_epoll_ctl(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    (void)ret;
    emk_ub_printf(b, "%d, ", (int)a[0]);
    emk_ub_enum(b, emk_user_names("epollctl", 8), a[1], "%#llx");
    emk_ub_printf(b, ", %d, ", (int)a[2]);
    if (a[3]) emk_user_print_struct(b, t, &emk_us_epoll_event, a[3]);
    else emk_ub_puts(b, "NULL");
}

long emk_user_sys_epoll_pwait(emk_uthread *t, uint64_t *a)
{
    int max = (int)a[2], i, n;
    struct epoll_event *ev;
    size_t gs = emk_ustruct_gsize(&emk_us_epoll_event, &emk_uabi_rv64);
    sigset_t ss;

    if (max <= 0 || max > 65536)
        return -EINVAL;
    if (!GP(t, a[1], (uint64_t)max * gs))
        return -EFAULT;
    ev = calloc((size_t)max, sizeof(*ev));
    if (!ev)
        return -ENOMEM;
    if (a[4]) {
        const uint8_t *m = GP(t, a[4], 8);
        uint64_t v;
        if (!m) {
            free(ev);
            return -EFAULT;
        }
        v = emk_le64(m);
        emk_user_host_sigset(v, 1, &ss);
    }
    n = epoll_pwait((int)a[0], ev, max, (int)a[3], a[4] ? &ss : NULL);
    if (n < 0) {
        n = -errno;
        free(ev);
        return n;
    }
    for (i = 0; i < n; i++)
        emk_user_put_struct(t, &emk_us_epoll_event, a[1] + (uint64_t)i * gs, &ev[i]);
    free(ev);
    return n;
}

/* epoll_pwait (timeout in ms) and epoll_pwait2 (a timespec) */
static void print_epoll_wait(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret, int ts)
{
    long i;
    size_t gs = emk_ustruct_gsize(&emk_us_epoll_event, &emk_uabi_rv64);

    emk_ub_printf(b, "%d, ", (int)a[0]);
    if (ret >= 0) {
        emk_ub_puts(b, "[");
        for (i = 0; i < ret; i++) {
            if (i) emk_ub_puts(b, ", ");
            emk_user_print_struct(b, t, &emk_us_epoll_event, a[1] + (uint64_t)i * gs);
        }
        emk_ub_puts(b, "]");
    } else {
        emk_ub_printf(b, "%#llx", (unsigned long long)a[1]);
    }
    emk_ub_printf(b, ", %d, ", (int)a[2]);
    if (!ts) emk_ub_printf(b, "%d", (int)a[3]);
    else if (a[3]) emk_user_print_struct(b, t, &emk_us_timespec, a[3]);
    else emk_ub_puts(b, "NULL");
    emk_ub_puts(b, ", ");
    if (a[4]) {
        const uint8_t *m = GP(t, a[4], 8);
        if (m) emk_user_print_sigset(b, emk_le64(m));
    } else {
        emk_ub_puts(b, "NULL");
    }
    emk_ub_printf(b, ", %llu", (unsigned long long)a[5]);
}

void emk_user_print_epoll_pwait(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    print_epoll_wait(b, t, a, ret, 0);
}

/* msghdr: name, namelen, iov, iovlen, control, controllen, flags */
static long msg_call(emk_uthread *t, uint64_t *a, int send)
{
    const uint8_t *m = GP(t, a[1], 56);
    struct msghdr hm;
    struct iovec *v;
    uint64_t ilen;
    long r;
    int e;

    if (!m)
        return -EFAULT;
    memset(&hm, 0, sizeof(hm));
    hm.msg_namelen = emk_le32(m + 8);
    if (emk_le64(m)) {
        hm.msg_name = GP(t, emk_le64(m), hm.msg_namelen);
        if (!hm.msg_name)
            return -EFAULT;
    }
    ilen = emk_le64(m + 24);
    if (ilen > IOV_MAX_)
        return -EMSGSIZE;
    v = calloc(ilen ? ilen : 1, sizeof(*v));
    if (!v)
        return -ENOMEM;
    e = get_iov(t, emk_le64(m + 16), ilen, v);
    if (e < 0) {
        free(v);
        return e;
    }
    hm.msg_iov = v;
    hm.msg_iovlen = ilen;
    hm.msg_controllen = emk_le64(m + 40);
    if (emk_le64(m + 32) && hm.msg_controllen) {
        /* struct cmsghdr: size_t len, int level, int type on both */
        hm.msg_control = GP(t, emk_le64(m + 32), hm.msg_controllen);
        if (!hm.msg_control) {
            free(v);
            return -EFAULT;
        }
    }
    r = send ? sendmsg((int)a[0], &hm, (int)a[2]) : recvmsg((int)a[0], &hm, (int)a[2]);
    r = emk_hret(r);
    free(v);
    if (r >= 0 && !send) {
        uint8_t *w = GP(t, a[1], 56);
        emk_st_le32(w + 8, hm.msg_namelen);
        emk_st_le64(w + 40, hm.msg_controllen);
        emk_st_le32(w + 48, (uint32_t)hm.msg_flags);
    }
    return r;
}

long emk_user_sys_sendmsg(emk_uthread *t, uint64_t *a) { return msg_call(t, a, 1); }
long emk_user_sys_recvmsg(emk_uthread *t, uint64_t *a) { return msg_call(t, a, 0); }

long emk_user_sys_getgroups(emk_uthread *t, uint64_t *a)
{
    int n = (int)a[0];
    void *h = NULL;

    if (n < 0 || n > 65536)
        return -EINVAL;
    if (n) {
        h = GP(t, a[1], (uint64_t)n * 4);
        if (!h)
            return -EFAULT;
    }
    return emk_hret(syscall(SYS_getgroups, n, h));
}

static void fdset_bits(emk_ubuf *b, uint64_t bits, uint64_t n)
{
    uint64_t i;
    int first = 1;

    emk_ub_puts(b, "[");
    for (i = 0; i < n && i < 64; i++)
        if ((bits >> i) & 1) {
            emk_ub_printf(b, "%s%llu", first ? "" : " ", (unsigned long long)i);
            first = 0;
        }
    emk_ub_puts(b, "]");
}

void emk_user_print_pselect6(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    int i;

    (void)ret;
    emk_ub_printf(b, "%d", (int)a[0]);
    for (i = 0; i < 3; i++) {
        emk_ub_puts(b, ", ");
        if (a[1 + i]) fdset_bits(b, t->scratch[i], a[0]);
        else emk_ub_puts(b, "NULL");
    }
    emk_ub_puts(b, ", ");
    if (a[4]) emk_ub_printf(b, "{tv_sec=%lld, tv_nsec=%lld}", (long long)t->scratch[3],
                            (long long)t->scratch[4]);
    else emk_ub_puts(b, "NULL");
    emk_ub_puts(b, a[5] ? ", {...}" : ", NULL");
}

void emk_user_ret_pselect6(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    static const char *const what[3] = { "in", "out", "except" };
    int i, first = 1;

    if (ret == 0) {
        emk_ub_puts(b, " (Timeout)");
        return;
    }
    if (ret < 0)
        return;
    emk_ub_puts(b, " (");
    for (i = 0; i < 3; i++) {
        const uint8_t *h = a[1 + i] ? GP(t, a[1 + i], 8) : NULL;
        if (!h || !emk_le64(h))
            continue;
        emk_ub_printf(b, "%s%s ", first ? "" : ", ", what[i]);
        fdset_bits(b, emk_le64(h), a[0]);
        first = 0;
    }
    if (a[4]) {
        emk_ub_printf(b, ", left ");
        emk_user_print_struct(b, t, &emk_us_timespec, a[4]);
    }
    emk_ub_puts(b, ")");
}

void emk_user_print_recvmsg(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    const uint8_t *m = GP(t, a[1], 56);

    emk_ub_printf(b, "%d, ", (int)a[0]);
    if (!m || ret < 0) {
        emk_ub_printf(b, "%#llx", (unsigned long long)a[1]);
    } else {
        uint64_t name = emk_le64(m);
        emk_ub_puts(b, "{msg_name=");
        if (name) emk_ub_printf(b, "%#llx", (unsigned long long)name);
        else emk_ub_puts(b, "NULL");
        emk_ub_printf(b, ", msg_namelen=%u, msg_iov=", emk_le32(m + 8));
        print_iov(b, t, emk_le64(m + 16), emk_le64(m + 24), ret);
        emk_ub_printf(b, ", msg_iovlen=%llu, msg_controllen=%llu, msg_flags=",
                      (unsigned long long)emk_le64(m + 24), (unsigned long long)emk_le64(m + 40));
        emk_ub_flags(b, emk_user_names("msg", 3), emk_le32(m + 48));
        emk_ub_puts(b, "}");
    }
    emk_ub_puts(b, ", ");
    emk_ub_flags(b, emk_user_names("msg", 3), a[2]);
}

long emk_user_sys_openat2(emk_uthread *t, uint64_t *a)
{
    const char *path = emk_user_str(t->p, a[1], 4096);
    void *how = GP(t, a[2], a[3]);
    char sp[4096];

    if (!path || !how || !a[2])
        return -EFAULT;
    if (a[3] < 24 || a[3] > 4096)
        return a[3] < 24 ? -EINVAL : -E2BIG;
    if (emk_user_sysroot_path(t->p, path, sp))
        path = sp;
    /* struct open_how is three u64s on every ABI: no conversion */
    return emk_hret(syscall(SYS_openat2, (int)a[0], path, how, (size_t)a[3]));
}

void emk_user_print_openat2(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    const uint8_t *h = a[2] ? GP(t, a[2], 24) : NULL;
    uint64_t fl, mode, res;
    static const char *const acc[4] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };

    (void)ret;
    emk_user_print_fd(b, a[0]);
    emk_ub_puts(b, ", ");
    emk_user_print_path(b, t, a[1]);
    emk_ub_puts(b, ", ");
    if (!h || a[3] < 24) {
        emk_ub_printf(b, "%#llx", (unsigned long long)a[2]);
    } else {
        fl = emk_le64(h);
        mode = emk_le64(h + 8);
        res = emk_le64(h + 16);
        emk_ub_printf(b, "{flags=%s", acc[fl & 3]);
        if (fl & ~(uint64_t)3) {
            emk_ub_puts(b, "|");
            emk_ub_flags(b, emk_user_names("open", 4), fl & ~(uint64_t)3);
        }
        if ((fl & (0100 | 020000000)) || mode)
            emk_ub_printf(b, ", mode=%#03llo", (unsigned long long)mode);
        emk_ub_puts(b, ", resolve=");
        emk_ub_flags(b, emk_user_names("resolve", 7), res);
        emk_ub_puts(b, "}");
    }
    emk_ub_printf(b, ", %llu", (unsigned long long)a[3]);
}

long emk_user_sys_epoll_pwait2(emk_uthread *t, uint64_t *a)
{
    struct timespec ts;
    uint64_t b[6];
    long ms;

    if (a[3] && emk_user_get_struct(t, &emk_us_timespec, a[3], &ts) < 0)
        return -EFAULT;
    /* the same wait with the timeout in milliseconds, rounded up */
    ms = !a[3] ? -1 : (long)(ts.tv_sec * 1000 + (ts.tv_nsec + 999999) / 1000000);
    memcpy(b, a, sizeof(b));
    b[3] = (uint64_t)ms;
    return emk_user_sys_epoll_pwait(t, b);
}

void emk_user_print_epoll_pwait2(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    print_epoll_wait(b, t, a, ret, 1);
}
