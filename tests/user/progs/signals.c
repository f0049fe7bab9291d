/* signals: handlers with SA_SIGINFO, sigreturn restoring registers,
 * masks, sigaltstack, raise/kill, SIGSEGV from a bad access with
 * siglongjmp out of the handler, alarm/SA_RESTART, SIGCHLD, and death
 * by an unhandled signal when argv[1] is "die". */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

static volatile sig_atomic_t got, alt;
static sigjmp_buf jb;
static volatile double fsave;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    char c;
    (void)uc;
    got = sig * 100 + (si->si_code == SI_USER || si->si_code == SI_TKILL);
    alt = (long)&c > 0 && 1;
    fsave = 1.5 * sig;   /* clobbers FP registers: sigreturn restores ours */
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    printf("SIGSEGV sig=%d code=%d addr=%p\n", sig, si->si_code, si->si_addr);
    siglongjmp(jb, 1);
}

/* strace comparison markers */
static void mark(void) { prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }

int main(int argc, char **argv)
{
    struct sigaction sa;
    sigset_t s, old;
    stack_t ss;
    volatile double keep = 2.25;
    static char altstack[65536];
    int status;
    pid_t c;

    if (argc > 1 && !strcmp(argv[1], "die")) {
        printf("dying\n");
        fflush(stdout);
        *(volatile int *)16 = 1;
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "abort")) {
        abort();
    }
    if (argc > 1 && !strcmp(argv[1], "term")) {
        kill(getpid(), SIGTERM);
        return 0;
    }
    mark();
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    ss.ss_sp = altstack;
    ss.ss_size = sizeof(altstack);
    ss.ss_flags = 0;
    printf("sigaltstack %d\n", sigaltstack(&ss, NULL));
    raise(SIGUSR1);
    printf("got %d keep %.2f fsave %.1f\n", (int)got, keep, fsave);

    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, &old);
    got = 0;
    kill(getpid(), SIGUSR1);
    printf("blocked: got %d\n", (int)got);
    sigpending(&s);
    printf("pending usr1 %d\n", sigismember(&s, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("unblocked: got %d\n", (int)got);

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(jb, 1) == 0) {
        *(volatile int *)0x1000 = 5;
        printf("not reached\n");
    }
    printf("after segv\n");

    signal(SIGCHLD, SIG_DFL);
    c = fork();
    if (c == 0) {
        raise(SIGKILL);
        _exit(0);
    }
    waitpid(c, &status, 0);
    printf("child signaled %d sig %d\n", WIFSIGNALED(status), WTERMSIG(status));
    c = fork();
    if (c == 0)
        _exit(3);
    waitpid(c, &status, 0);
    printf("child exit %d\n", WEXITSTATUS(status));
    signal(SIGALRM, SIG_IGN);
    alarm(0);
    mark();
    return 0;
}
