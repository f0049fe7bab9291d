/*
 * sys_proc.c - syscalls on the process itself: memory (brk, mmap, munmap,
 * mprotect, mremap, madvise), exit, clone, execve, wait4, futex, the
 * signal calls, thread ids, robust lists, prlimit64, prctl and the
 * riscv-specific ones.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "compat.h"
#include "names.h"
#include "structs.h"
#include "sys.h"
#include "sysh.h"

long emk_user_sys_brk(emk_uthread *t, uint64_t *a) { return emk_user_brk(t->p, a[0]); }

long emk_user_sys_mmap(emk_uthread *t, uint64_t *a)
{
    return emk_user_mmap(t->p, a[0], a[1], (int)a[2], (int)a[3], (int)a[4], a[5]);
}

long emk_user_sys_munmap(emk_uthread *t, uint64_t *a) { return emk_user_munmap(t->p, a[0], a[1]); }

long emk_user_sys_mprotect(emk_uthread *t, uint64_t *a)
{
    return emk_user_mprotect(t->p, a[0], a[1], (int)a[2]);
}

long emk_user_sys_mremap(emk_uthread *t, uint64_t *a)
{
    return emk_user_mremap(t->p, a[0], a[1], a[2], (int)a[3], a[4]);
}

long emk_user_sys_madvise(emk_uthread *t, uint64_t *a)
{
    void *h = GP(t, a[0], a[1]);
    int adv = (int)a[2];

    if (!h || (a[0] & 4095))
        return -EINVAL;
    /* only advice that cannot hurt the reservation reaches the host */
    if (adv == 4 /* DONTNEED */ || adv == 8 /* FREE */ || adv <= 3 || adv == 14 || adv == 15)
        return emk_hret(madvise(h, a[1], adv));
    return 0;
}

long emk_user_sys_msync(emk_uthread *t, uint64_t *a)
{
    void *h = GP(t, a[0], a[1]);

    if (!h)
        return -ENOMEM;
    return emk_hret(msync(h, a[1], (int)a[2]));
}

void emk_user_print_mmap(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    (void)t;
    (void)ret;
    if (a[0]) emk_ub_printf(b, "%#llx", (unsigned long long)a[0]);
    else emk_ub_puts(b, "NULL");
    emk_ub_printf(b, ", %llu, ", (unsigned long long)a[1]);
    emk_ub_flags(b, emk_user_names("prot", 4), a[2]);
    emk_ub_puts(b, ", ");
    emk_ub_enum(b, emk_user_names("maptype", 7), a[3] & 3, "%#llx");
    if (a[3] & ~(uint64_t)3) {
        emk_ub_puts(b, "|");
        emk_ub_flags(b, emk_user_names("map", 3), a[3] & ~(uint64_t)3);
    }
    emk_ub_printf(b, ", %d, %#llx", (int)a[4], (unsigned long long)a[5]);
}

long emk_user_sys_exit(emk_uthread *t, uint64_t *a)
{
    emk_user_thread_exit(t, (int)a[0]);
    return 0;
}

long emk_user_sys_exit_group(emk_uthread *t, uint64_t *a)
{
    if (t->p->strace_out) {
        fprintf(t->p->strace_out, "+++ exited with %d +++\n", (int)a[0] & 0xff);
        fflush(t->p->strace_out);
    }
    emk_user_exit_group(t->p, (int)a[0]);
    return 0;
}

long emk_user_sys_clone(emk_uthread *t, uint64_t *a)
{
    return emk_user_clone(t, a[0], a[1], a[2], a[3], a[4]);
}

void emk_user_print_clone(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    (void)t;
    (void)ret;
    emk_ub_puts(b, "child_stack=");
    if (a[1]) emk_ub_printf(b, "%#llx", (unsigned long long)a[1]);
    else emk_ub_puts(b, "NULL");
    emk_ub_puts(b, ", flags=");
    emk_ub_flags(b, emk_user_names("clone", 5), a[0] & ~(uint64_t)0xff);
    if (a[0] & 0xff)
        emk_ub_printf(b, "|%s", emk_user_signame((int)(a[0] & 0xff)));
    if (a[0] & 0x100000) emk_ub_printf(b, ", parent_tid=%#llx", (unsigned long long)a[2]);
    if (a[0] & 0x80000) emk_ub_printf(b, ", tls=%#llx", (unsigned long long)a[3]);
    if (a[0] & 0x1200000) emk_ub_printf(b, ", child_tidptr=%#llx", (unsigned long long)a[4]);
}

long emk_user_sys_execve(emk_uthread *t, uint64_t *a)
{
    return emk_user_execve(t, a[0], a[1], a[2]);
}

void emk_user_print_execve(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    uint64_t i, n = 0;

    (void)ret;
    emk_user_print_path(b, t, a[0]);
    emk_ub_puts(b, ", [");
    for (i = 0; a[1] && i < 4096; i++) {
        const uint8_t *h = GP(t, a[1] + 8 * i, 8);
        if (!h || !emk_le64(h))
            break;
        if (i) emk_ub_puts(b, ", ");
        if (i >= 32) {
            emk_ub_puts(b, "...");
            break;
        }
        emk_user_print_path(b, t, emk_le64(h));
    }
    emk_ub_printf(b, "], %#llx", (unsigned long long)a[2]);
    for (i = 0; a[2] && i < 100000; i++) {
        const uint8_t *h = GP(t, a[2] + 8 * i, 8);
        if (!h || !emk_le64(h))
            break;
        n++;
    }
    emk_ub_printf(b, " /* %llu var%s */", (unsigned long long)n, n == 1 ? "" : "s");
}

long emk_user_sys_wait4(emk_uthread *t, uint64_t *a)
{
    int st = 0;
    struct rusage ru;
    long r;

    if (a[1] && !GP(t, a[1], 4))
        return -EFAULT;
    r = wait4((pid_t)a[0], &st, (int)a[2], a[3] ? &ru : NULL);
    if (r < 0)
        return -errno;
    if (a[1] && r > 0)
        emk_st_le32(GP(t, a[1], 4), (uint32_t)st);
    if (a[3] && emk_user_put_struct(t, &emk_us_rusage, a[3], &ru) < 0)
        return -EFAULT;
    return r;
}

long emk_user_sys_futex(emk_uthread *t, uint64_t *a)
{
    int op = (int)a[1], cmd = op & 127;
    uint32_t *u1 = GP(t, a[0], 4), *u2 = NULL;
    struct timespec ts, *tp = NULL;
    long v3 = (long)a[3];

    if (!u1 || (a[0] & 3))
        return -EINVAL;
    if ((cmd == 0 || cmd == 9 || cmd == 11 || cmd == 6 || cmd == 13) && a[3]) {
        if (emk_user_get_struct(t, &emk_us_timespec, a[3], &ts) < 0)
            return -EFAULT;
        tp = &ts;
        v3 = (long)(uintptr_t)tp;
    }
    if (cmd == 3 || cmd == 4 || cmd == 5 || cmd == 11 || cmd == 12) {
        u2 = GP(t, a[4], 4);
        if (!u2)
            return -EFAULT;
    }
    return emk_hret(syscall(SYS_futex, u1, op, (int)a[2], v3, u2, (int)a[5]));
}

void emk_user_print_futex(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    int op = (int)a[1], cmd = op & 127;

    (void)ret;
    emk_ub_printf(b, "%#llx, ", (unsigned long long)a[0]);
    emk_ub_enum(b, emk_user_names("futex", 5), (uint64_t)cmd, "%#llx");
    if (op & 128) emk_ub_puts(b, "_PRIVATE");
    if (op & 256) emk_ub_puts(b, "|FUTEX_CLOCK_REALTIME");
    emk_ub_printf(b, ", %d", (int)a[2]);
    if (cmd == 0 || cmd == 9) {
        emk_ub_puts(b, ", ");
        if (a[3]) emk_user_print_struct(b, t, &emk_us_timespec, a[3]);
        else emk_ub_puts(b, "NULL");
        if (cmd == 9)
            emk_ub_printf(b, ", FUTEX_BITSET_MATCH_ANY");
    } else if (cmd == 10) {
        emk_ub_puts(b, ", NULL, NULL, FUTEX_BITSET_MATCH_ANY");
    }
}

long emk_user_sys_set_tid_address(emk_uthread *t, uint64_t *a)
{
    t->clear_tid = a[0];
    return t->tid;
}

long emk_user_sys_set_robust_list(emk_uthread *t, uint64_t *a)
{
    (void)t;
    return a[1] == 24 ? 0 : -EINVAL;   /* kept by the guest's C library */
}

long emk_user_sys_gettid(emk_uthread *t, uint64_t *a)
{
    (void)a;
    return t->tid;
}

long emk_user_sys_rt_sigaction(emk_uthread *t, uint64_t *a)
{
    return emk_user_rt_sigaction(t, (int)a[0], a[1], a[2], a[3]);
}

static void sigact(emk_ubuf *b, emk_uthread *t, uint64_t ga)
{
    const uint8_t *h = ga ? GP(t, ga, 24) : NULL;
    uint64_t hd;

    if (!h) {
        if (ga) emk_ub_printf(b, "%#llx", (unsigned long long)ga);
        else emk_ub_puts(b, "NULL");
        return;
    }
    hd = emk_le64(h);
    emk_ub_puts(b, "{sa_handler=");
    if (hd == 0) emk_ub_puts(b, "SIG_DFL");
    else if (hd == 1) emk_ub_puts(b, "SIG_IGN");
    else emk_ub_printf(b, "%#llx", (unsigned long long)hd);
    emk_ub_puts(b, ", sa_mask=");
    emk_user_print_sigset(b, emk_le64(h + 16));
    emk_ub_puts(b, ", sa_flags=");
    emk_ub_flags(b, emk_user_names("sa", 2), emk_le64(h + 8));
    emk_ub_puts(b, "}");
}

void emk_user_print_rt_sigaction(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    const char *n = emk_user_signame((int)a[0]);

    if (n) emk_ub_puts(b, n);
    else emk_ub_printf(b, "%d", (int)a[0]);
    emk_ub_puts(b, ", ");
    sigact(b, t, a[1]);
    emk_ub_puts(b, ", ");
    if (ret < 0 && a[2]) emk_ub_printf(b, "%#llx", (unsigned long long)a[2]);
    else sigact(b, t, a[2]);
    emk_ub_printf(b, ", %llu", (unsigned long long)a[3]);
}

long emk_user_sys_rt_sigprocmask(emk_uthread *t, uint64_t *a)
{
    return emk_user_rt_sigprocmask(t, (int)a[0], a[1], a[2], a[3]);
}

long emk_user_sys_rt_sigreturn(emk_uthread *t, uint64_t *a)
{
    (void)a;
    emk_user_rt_sigreturn(t);
    return EMK_USER_NORET;
}

void emk_user_print_rt_sigreturn(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    (void)a;
    (void)ret;
    emk_ub_puts(b, "{mask=");
    emk_user_print_sigset(b, t->sigmask);   /* restored from the frame */
    emk_ub_puts(b, "}");
}

long emk_user_sys_sigaltstack(emk_uthread *t, uint64_t *a) { return emk_user_sigaltstack(t, a[0], a[1]); }
long emk_user_sys_rt_sigsuspend(emk_uthread *t, uint64_t *a) { return emk_user_rt_sigsuspend(t, a[0], a[1]); }
long emk_user_sys_rt_sigpending(emk_uthread *t, uint64_t *a) { return emk_user_rt_sigpending(t, a[0], a[1]); }

long emk_user_sys_rt_sigtimedwait(emk_uthread *t, uint64_t *a)
{
    uint8_t *set = GP(t, a[0], 8), *info = a[1] ? GP(t, a[1], 128) : NULL;
    struct timespec ts;
    sigset_t s;
    siginfo_t si;
    uint64_t m;
    int r;

    if (!set || (a[1] && !info) || a[3] != 8)
        return a[3] != 8 ? -EINVAL : -EFAULT;
    m = emk_le64(set);
    emk_user_host_sigset(m, 1, &s);
    if (a[2] && emk_user_get_struct(t, &emk_us_timespec, a[2], &ts) < 0)
        return -EFAULT;
    r = sigtimedwait(&s, &si, a[2] ? &ts : NULL);
    if (r < 0)
        return -errno;
    if (info) {
        memset(info, 0, 128);
        emk_st_le32(info, (uint32_t)si.si_signo);
        emk_st_le32(info + 8, (uint32_t)si.si_code);
        emk_st_le32(info + 16, (uint32_t)si.si_pid);
        emk_st_le32(info + 20, (uint32_t)si.si_uid);
    }
    return r;
}

/* A signal to ourselves that will kill us: strace shows "= ?" and the
 * death, and so must we before the host call never returns. */
static void fatal_to_self(emk_uthread *t, long nr, const uint64_t *a, int self, int sig)
{
    emk_uproc *p = t->p;
    uint64_t h;

    if (!p->strace || !self || sig <= 0 || sig > EMK_USER_NSIG)
        return;
    h = p->act[sig].handler;
    if (sig != SIGKILL && (h != 0 || (t->sigmask >> (sig - 1)) & 1 || sig == SIGCHLD ||
                           sig == SIGCONT || sig == SIGURG || sig == SIGWINCH))
        return;
    emk_user_strace_line(t, nr, &emk_user_systab[nr], a, 0, 1);
    fprintf(p->strace_out, "+++ killed by %s +++\n", emk_user_signame(sig));
    fflush(p->strace_out);
    t->no_trace_once = 1;
}

long emk_user_sys_kill(emk_uthread *t, uint64_t *a)
{
    fatal_to_self(t, 129, a, (pid_t)a[0] == getpid() || a[0] == 0, (int)a[1]);
    return emk_hret(kill((pid_t)a[0], (int)a[1]));
}

long emk_user_sys_tgkill(emk_uthread *t, uint64_t *a)
{
    fatal_to_self(t, 131, a, (pid_t)a[0] == getpid() && (int)a[1] == t->tid, (int)a[2]);
    return emk_hret(syscall(SYS_tgkill, (pid_t)a[0], (pid_t)a[1], (int)a[2]));
}

long emk_user_sys_tkill(emk_uthread *t, uint64_t *a)
{
    fatal_to_self(t, 130, a, (int)a[0] == t->tid, (int)a[1]);
    return emk_hret(syscall(SYS_tkill, (pid_t)a[0], (int)a[1]));
}

long emk_user_sys_prlimit64(emk_uthread *t, uint64_t *a)
{
    struct rlimit nl, ol;
    long r;

    if (a[2] && emk_user_get_struct(t, &emk_us_rlimit, a[2], &nl) < 0)
        return -EFAULT;
    if (a[3] && !GP(t, a[3], 16))
        return -EFAULT;
    r = emk_hret(syscall(SYS_prlimit64, (pid_t)a[0], (int)a[1], a[2] ? &nl : NULL,
                         a[3] ? &ol : NULL));
    if (r == 0 && a[3])
        emk_user_put_struct(t, &emk_us_rlimit, a[3], &ol);
    return r;
}

long emk_user_sys_prctl(emk_uthread *t, uint64_t *a)
{
    int op = (int)a[0];

    switch (op) {
    case 15: {   /* PR_SET_NAME */
        const char *s = emk_user_str(t->p, a[1], 4096);
        char n[16];
        if (!s)
            return -EFAULT;
        strncpy(n, s, 15);
        n[15] = 0;
        return emk_hret(syscall(SYS_prctl, 15, n, 0L, 0L, 0L));
    }
    case 16: {   /* PR_GET_NAME */
        char *h = GP(t, a[1], 16);
        if (!h)
            return -EFAULT;
        return emk_hret(syscall(SYS_prctl, 16, h, 0L, 0L, 0L));
    }
    case 1: case 2: case 3: case 4: case 7: case 8: case 23: case 36: case 38: case 39:
    case 29: case 30: case 41: case 42:
        if (op == 2 || op == 37) {
            int v = 0;
            uint8_t *h = GP(t, a[1], 4);
            long r;
            if (!h)
                return -EFAULT;
            r = emk_hret(syscall(SYS_prctl, op, &v, 0L, 0L, 0L));
            if (r == 0)
                emk_st_le32(h, (uint32_t)v);
            return r;
        }
        return emk_hret(syscall(SYS_prctl, op, (long)a[1], (long)a[2], (long)a[3], (long)a[4]));
    default:
        return -EINVAL;
    }
}

void emk_user_print_prctl(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    (void)ret;
    emk_ub_enum(b, emk_user_names("prctl", 5), a[0], "%#llx");
    if (a[0] == 15 || (a[0] == 16 && ret == 0)) {
        emk_ub_puts(b, ", ");
        emk_user_print_buf(b, t, a[1], (long)strnlen((const char *)GP(t, a[1], 1) ?
                           (const char *)GP(t, a[1], 1) : "", 16));
    } else if (a[0] == 4 || a[0] == 8 || a[0] == 38 || a[0] == 1) {
        emk_ub_printf(b, ", %llu", (unsigned long long)a[1]);
    }
}

long emk_user_sys_flush_icache(emk_uthread *t, uint64_t *a)
{
    (void)a;
    emk_user_flush_code(t->p);
    return 0;
}

long emk_user_sys_enosys(emk_uthread *t, uint64_t *a)
{
    (void)t;
    (void)a;
    return -ENOSYS;
}

long emk_user_sys_getcpu(emk_uthread *t, uint64_t *a)
{
    unsigned c = 0, n = 0;
    long r = emk_hret(syscall(SYS_getcpu, &c, &n, NULL));

    if (r < 0)
        return r;
    if (a[0]) {
        uint8_t *h = GP(t, a[0], 4);
        if (!h) return -EFAULT;
        emk_st_le32(h, c);
    }
    if (a[1]) {
        uint8_t *h = GP(t, a[1], 4);
        if (!h) return -EFAULT;
        emk_st_le32(h, n);
    }
    return 0;
}

void emk_user_ret_octal(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    (void)t;
    (void)a;
    /* umask's result: strace prints it in octal, replacing the number */
    char *p = strrchr(b->s, '=');
    if (p && p[1] == ' ') {
        b->n = (size_t)(p - b->s) + 2;
        b->s[b->n] = 0;
        emk_ub_printf(b, "%#03lo", ret);
    }
}

long emk_user_sys_uname(emk_uthread *t, uint64_t *a)
{
    struct utsname u;

    if (uname(&u) < 0)
        return -errno;
    /* the guest's machine, as on a riscv64 kernel */
    memset(u.machine, 0, sizeof(u.machine));
    strcpy(u.machine, "riscv64");
    return emk_user_put_struct(t, &emk_us_utsname, a[0], &u);
}

long emk_user_sys_readlinkat(emk_uthread *t, uint64_t *a)
{
    const char *path = emk_user_str(t->p, a[1], 4096);
    char *h = GP(t, a[2], a[3]);

    char sp[4096];

    if (!path || (!h && a[3]))
        return -EFAULT;
    if (emk_user_sysroot_path(t->p, path, sp))
        path = sp;
    if (!strcmp(path, "/proc/self/exe")) {
        size_t l = strlen(t->p->exe);
        if (l > a[3])
            l = a[3];
        memcpy(h, t->p->exe, l);
        return (long)l;
    }
    return emk_hret(readlinkat((int)a[0], path, h, a[3]));
}
