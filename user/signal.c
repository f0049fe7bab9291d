/*
 * signal.c - guest signals: actions (rt_sigaction), masks mirrored into
 * the host thread's mask so that the host kernel keeps blocked signals
 * pending (and signalfd, sigtimedwait work), riscv64 rt_sigframe setup at
 * an instruction boundary and rt_sigreturn, and the host handlers: a
 * fault inside guest memory becomes a guest SIGSEGV (or -EFAULT in a
 * syscall), any other signal is queued for the thread and kicks its cpu.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "compat.h"
#include "user.h"

enum {
    G_SA_SIGINFO = 4, G_SA_ONSTACK = 0x08000000, G_SA_RESTART = 0x10000000,
    G_SA_NODEFER = 0x40000000, G_SA_RESETHAND = (int)0x80000000u,
    G_SS_ONSTACK = 1, G_SS_DISABLE = 2,
    /* struct rt_sigframe: siginfo (128), then ucontext */
    FR_INFO = 0, FR_UC = 128, UC_STACK = 16, UC_SIGMASK = 40, UC_MCTX = 176,
    MC_FP = 256, FR_SIZE = 128 + 176 + 256 + 528
};

static uint64_t bit(int sig) { return (uint64_t)1 << (sig - 1); }

/* Signals the emulator itself must see (faults inside guest memory). */
static int is_sync(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP;
}

void emk_user_host_sigset(uint64_t mask, int all, sigset_t *s)
{
    int i;

    sigemptyset(s);
    for (i = 1; i <= EMK_USER_NSIG; i++)
        if ((mask & bit(i)) && (all || (!is_sync(i) && i != SIGKILL && i != SIGSTOP)))
            sigaddset(s, i);
}

static void host_mask_sync(emk_uthread *t)
{
    sigset_t s;

    emk_user_host_sigset(t->sigmask, 0, &s);
    pthread_sigmask(SIG_SETMASK, &s, NULL);
}

static void host_fault(int sig, siginfo_t *si, void *uc)
{
    emk_uthread *t = emk_user_self();
    uint8_t *a = si->si_addr;

    (void)uc;
    if (t && si->si_code > 0 && a >= t->p->base && a < t->p->base + t->p->size) {
        if (t->in_sys)
            longjmp(t->sys_jb, 1);
        if (t->in_guest) {
            t->fault_addr = (uint64_t)(a - t->p->base);
            t->fault_code = si->si_code;
            longjmp(t->guest_jb, 1);
        }
    }
    if (t && si->si_code <= 0) {   /* sent by someone: an ordinary signal */
        t->sig_code[sig] = si->si_code;
        t->sig_pid[sig] = si->si_pid;
        emk_atomic_or_u64(&t->pending, bit(sig));
        emk_rv64_kick(&t->cpu, EMK_RV64_REQ_STOP);
        return;
    }
    signal(sig, SIG_DFL);   /* the emulator's own fault: die of it */
}

static void host_async(int sig, siginfo_t *si, void *uc)
{
    emk_uthread *t = emk_user_self();

    (void)uc;
    if (!t)
        return;
    t->sig_code[sig] = si->si_code;
    t->sig_pid[sig] = si->si_pid;
    emk_atomic_or_u64(&t->pending, bit(sig));
    emk_rv64_kick(&t->cpu, EMK_RV64_REQ_STOP);
}

static void set_host(int sig, void (*fn)(int, siginfo_t *, void *), int nodefer)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | (nodefer ? SA_NODEFER : 0);
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

int emk_user_signal_init(emk_uproc *p)
{
    (void)p;
    set_host(SIGSEGV, host_fault, 1);
    set_host(SIGBUS, host_fault, 1);
    return 0;
}

long emk_user_rt_sigaction(emk_uthread *t, int sig, uint64_t act, uint64_t oact, uint64_t sz)
{
    emk_uproc *p = t->p;
    emk_usigaction na;
    uint8_t *h;

    if (sig < 1 || sig > EMK_USER_NSIG || sz != 8)
        return -EINVAL;
    if (oact) {
        h = emk_user_g2h(p, oact, 24);
        if (!h)
            return -EFAULT;
        emk_st_le64(h, p->act[sig].handler);
        emk_st_le64(h + 8, p->act[sig].flags);
        emk_st_le64(h + 16, p->act[sig].mask);
    }
    if (!act)
        return 0;
    if (sig == SIGKILL || sig == SIGSTOP)
        return -EINVAL;
    h = emk_user_g2h(p, act, 24);
    if (!h)
        return -EFAULT;
    na.handler = emk_le64(h);
    na.flags = emk_le64(h + 8);
    na.mask = emk_le64(h + 16);
    p->act[sig] = na;
    if (is_sync(sig)) {
        set_host(sig, sig == SIGSEGV || sig == SIGBUS ? host_fault : host_async,
                 sig == SIGSEGV || sig == SIGBUS);
    } else if (na.handler == 0) {
        signal(sig, SIG_DFL);
    } else if (na.handler == 1) {
        signal(sig, SIG_IGN);
    } else {
        set_host(sig, host_async, 0);
    }
    return 0;
}

long emk_user_rt_sigprocmask(emk_uthread *t, int how, uint64_t set, uint64_t oset, uint64_t sz)
{
    uint8_t *h;
    uint64_t old = t->sigmask, s;

    if (sz != 8)
        return -EINVAL;
    if (set) {
        h = emk_user_g2h(t->p, set, 8);
        if (!h)
            return -EFAULT;
        s = emk_le64(h) & ~(bit(SIGKILL) | bit(SIGSTOP));
        switch (how) {
        case 0: t->sigmask |= s; break;          /* SIG_BLOCK */
        case 1: t->sigmask &= ~s; break;         /* SIG_UNBLOCK */
        case 2: t->sigmask = s; break;           /* SIG_SETMASK */
        default: return -EINVAL;
        }
        host_mask_sync(t);
    }
    if (oset) {
        h = emk_user_g2h(t->p, oset, 8);
        if (!h)
            return -EFAULT;
        emk_st_le64(h, old);
    }
    if (t->pending & ~t->sigmask)
        emk_rv64_kick(&t->cpu, EMK_RV64_REQ_STOP);
    return 0;
}

long emk_user_rt_sigpending(emk_uthread *t, uint64_t set, uint64_t sz)
{
    sigset_t hs;
    uint64_t v = t->pending & t->sigmask;
    uint8_t *h;
    int i;

    if (sz != 8)
        return -EINVAL;
    h = emk_user_g2h(t->p, set, 8);
    if (!h)
        return -EFAULT;
    sigpending(&hs);
    for (i = 1; i <= EMK_USER_NSIG; i++)
        if (sigismember(&hs, i) == 1)
            v |= bit(i);
    emk_st_le64(h, v);
    return 0;
}

long emk_user_rt_sigsuspend(emk_uthread *t, uint64_t set, uint64_t sz)
{
    uint8_t *h;
    uint64_t old = t->sigmask;
    sigset_t s;

    if (sz != 8)
        return -EINVAL;
    h = emk_user_g2h(t->p, set, 8);
    if (!h)
        return -EFAULT;
    t->sigmask = emk_le64(h) & ~(bit(SIGKILL) | bit(SIGSTOP));
    emk_user_host_sigset(t->sigmask, 0, &s);
    while (!(t->pending & ~t->sigmask))
        sigsuspend(&s);
    /* the handler runs with the suspend mask; sigreturn restores old */
    t->sus_old = old;
    t->sus_valid = 1;
    return -EINTR;
}

long emk_user_sigaltstack(emk_uthread *t, uint64_t ss, uint64_t oss)
{
    uint8_t *h;

    if (oss) {
        h = emk_user_g2h(t->p, oss, 24);
        if (!h)
            return -EFAULT;
        emk_st_le64(h, t->ss_sp);
        emk_st_le32(h + 8, (uint32_t)(t->ss_size ? t->ss_flags : G_SS_DISABLE));
        emk_st_le32(h + 12, 0);
        emk_st_le64(h + 16, t->ss_size);
    }
    if (ss) {
        uint32_t fl;
        h = emk_user_g2h(t->p, ss, 24);
        if (!h)
            return -EFAULT;
        fl = emk_le32(h + 8);
        if (fl & ~(uint32_t)(G_SS_DISABLE | 0x80000000u))
            return -EINVAL;
        if (fl & G_SS_DISABLE) {
            t->ss_sp = t->ss_size = 0;
        } else {
            if (emk_le64(h + 16) < 2048)
                return -ENOMEM;
            t->ss_sp = emk_le64(h);
            t->ss_size = emk_le64(h + 16);
        }
        t->ss_flags = 0;
    }
    return 0;
}

void emk_user_fatal_signal(int sig, int core)
{
    struct sigaction sa;
    struct rlimit rl = { 0, 0 };
    sigset_t s;

    fflush(stdout);
    if (core)
        setrlimit(RLIMIT_CORE, &rl);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    sigemptyset(&s);
    sigaddset(&s, sig);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    kill(getpid(), sig);
    _exit(128 + sig);
}

static int core_sig(int sig)
{
    return sig == SIGQUIT || sig == SIGILL || sig == SIGTRAP || sig == SIGABRT ||
           sig == SIGBUS || sig == SIGFPE || sig == SIGSEGV || sig == SIGXCPU ||
           sig == SIGXFSZ || sig == SIGSYS;
}

static void die_of(emk_uthread *t, int sig)
{
    if (t->p->strace_out) {
        fprintf(t->p->strace_out, "+++ killed by %s %s+++\n", emk_user_signame(sig),
                core_sig(sig) ? "(core dumped) " : "");
        fflush(t->p->strace_out);
    }
    emk_user_fatal_signal(sig, core_sig(sig));
}

/* Writes the rt_sigframe and enters the handler; 0, or -1 when the stack is bad. */
static int setup_frame(emk_uthread *t, int sig, const emk_usigaction *a, int code, uint64_t addr)
{
    emk_uproc *p = t->p;
    emk_rv64_cpu *c = &t->cpu;
    uint64_t sp = c->x[2], fr;
    uint8_t *h;
    int i;

    if ((a->flags & G_SA_ONSTACK) && t->ss_size &&
        !(sp > t->ss_sp && sp <= t->ss_sp + t->ss_size))
        sp = t->ss_sp + t->ss_size;
    fr = (sp - FR_SIZE) & ~(uint64_t)15;
    h = emk_user_g2h(p, fr, FR_SIZE);
    if (!h)
        return -1;
    t->in_sys = 1;
    if (setjmp(t->sys_jb)) {
        t->in_sys = 0;
        return -1;
    }
    memset(h, 0, FR_SIZE);
    emk_st_le32(h + FR_INFO, (uint32_t)sig);
    emk_st_le32(h + FR_INFO + 8, (uint32_t)code);
    if (code > 0 && is_sync(sig)) {
        emk_st_le64(h + FR_INFO + 16, addr);
    } else {
        emk_st_le32(h + FR_INFO + 16, (uint32_t)(addr ? addr : (uint64_t)getpid()));
        emk_st_le32(h + FR_INFO + 20, (uint32_t)getuid());
    }
    emk_st_le64(h + FR_UC + UC_STACK, t->ss_sp);
    emk_st_le32(h + FR_UC + UC_STACK + 8, t->ss_size ? 0 : G_SS_DISABLE);
    emk_st_le64(h + FR_UC + UC_STACK + 16, t->ss_size);
    emk_st_le64(h + FR_UC + UC_SIGMASK, t->sus_valid ? t->sus_old : t->sigmask);
    t->sus_valid = 0;
    emk_st_le64(h + FR_UC + UC_MCTX, c->pc);
    for (i = 1; i < 32; i++)
        emk_st_le64(h + FR_UC + UC_MCTX + 8 * i, c->x[i]);
    for (i = 0; i < 32; i++)
        emk_st_le64(h + FR_UC + UC_MCTX + MC_FP + 8 * i, c->f[i]);
    emk_st_le32(h + FR_UC + UC_MCTX + MC_FP + 256, emk_rv64_get_fflags(c) | (c->frm << 5));
    t->in_sys = 0;
    c->x[1] = p->sigtramp;
    c->x[2] = fr;
    c->x[10] = (uint64_t)sig;
    c->x[11] = fr + FR_INFO;
    c->x[12] = fr + FR_UC;
    c->pc = a->handler;
    t->sigmask |= a->mask | ((a->flags & G_SA_NODEFER) ? 0 : bit(sig));
    t->sigmask &= ~(bit(SIGKILL) | bit(SIGSTOP));
    host_mask_sync(t);
    if (a->flags & G_SA_RESETHAND)
        p->act[sig].handler = 0;
    return 0;
}

static void deliver_one(emk_uthread *t, int sig, int code, uint64_t addr)
{
    emk_usigaction a = t->p->act[sig];

    if (t->p->strace_out)
        emk_user_strace_signal(t, sig, code, addr);
    if (a.handler == 1)
        return;
    if (a.handler == 0) {
        if (sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH)
            return;
        die_of(t, sig);
    }
    if (setup_frame(t, sig, &a, code, addr) < 0)
        die_of(t, SIGSEGV);
}

void emk_user_force_signal(emk_uthread *t, int sig, int code, uint64_t addr)
{
    /* a synchronous signal that is blocked or ignored kills, as in Linux */
    if ((t->sigmask & bit(sig)) || t->p->act[sig].handler == 1) {
        t->p->act[sig].handler = 0;
        t->sigmask &= ~bit(sig);
    }
    deliver_one(t, sig, code, addr);
}

void emk_user_deliver(emk_uthread *t)
{
    for (;;) {
        uint64_t ready = emk_load_relaxed_u64(&t->pending) & ~t->sigmask;
        int sig;

        if (!ready)
            return;
        for (sig = 1; !(ready & bit(sig)); sig++)
            ;
        emk_atomic_and_u64(&t->pending, ~bit(sig));
        /* a queued signal: its si_code (SI_USER, SI_TKILL, ...) and sender */
        deliver_one(t, sig, t->sig_code[sig], (uint64_t)(uint32_t)t->sig_pid[sig]);
    }
}

int emk_user_sig_restart(emk_uthread *t)
{
    uint64_t ready = emk_load_relaxed_u64(&t->pending) & ~t->sigmask;
    int sig;

    if (!ready)
        return 0;
    for (sig = 1; !(ready & bit(sig)); sig++)
        ;
    return (t->p->act[sig].flags & G_SA_RESTART) != 0 || t->p->act[sig].handler == 1;
}

long emk_user_rt_sigreturn(emk_uthread *t)
{
    emk_rv64_cpu *c = &t->cpu;
    uint64_t fr = c->x[2];
    uint8_t *h = emk_user_g2h(t->p, fr, FR_SIZE);
    uint32_t fcsr;
    int i;

    if (!h) {
        emk_user_force_signal(t, SIGSEGV, 1, fr);
        return 0;
    }
    c->pc = emk_le64(h + FR_UC + UC_MCTX);
    for (i = 1; i < 32; i++)
        c->x[i] = emk_le64(h + FR_UC + UC_MCTX + 8 * i);
    for (i = 0; i < 32; i++)
        c->f[i] = emk_le64(h + FR_UC + UC_MCTX + MC_FP + 8 * i);
    fcsr = emk_le32(h + FR_UC + UC_MCTX + MC_FP + 256);
    emk_rv64_set_fflags(c, fcsr & 31);
    c->frm = (fcsr >> 5) & 7;
    t->sigmask = emk_le64(h + FR_UC + UC_SIGMASK) & ~(bit(SIGKILL) | bit(SIGSTOP));
    host_mask_sync(t);
    return 0;
}
