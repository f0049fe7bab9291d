/*
 * user.h - emkit-user's private interface: the guest process (address
 * space, signal actions, threads) and its threads, the syscall table and
 * the pieces that share them.  Linux hosts only.
 *
 * Guest memory is one host reservation of EMK_USER_SPACE bytes (PROT_NONE
 * until the guest maps something); guest address A is host byte base[A].
 * Every guest pointer a syscall uses goes through emk_user_g2h, which
 * bounds it by the reservation; inside it, unmapped pages fault, and a
 * fault while a syscall touches guest memory turns into -EFAULT.
 */
#ifndef EMKIT_USER_H
#define EMKIT_USER_H

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "emkit/rv64.h"

enum {
    EMK_USER_SPACE_BITS = 38,      /* riscv64 Sv39 user space */
    EMK_USER_PAGE = 4096,
    EMK_USER_NSIG = 64,
    EMK_USER_MAX_MAPS = 65536
};

typedef struct emk_umap {
    uint64_t start, end;     /* [start, end), page aligned */
    int prot;
} emk_umap;

/* A guest signal action (the riscv64 kernel struct sigaction). */
typedef struct emk_usigaction {
    uint64_t handler, flags, mask;
} emk_usigaction;

typedef struct emk_uproc emk_uproc;

typedef struct emk_uthread {
    emk_rv64_cpu cpu;
    emk_uproc *p;
    int tid;
    uint64_t clear_tid;        /* CLONE_CHILD_CLEARTID / set_tid_address */
    uint64_t sigmask;          /* guest blocked set, bit n-1 = signal n */
    uint64_t pending;          /* guest signals waiting (atomic or) */
    uint64_t ss_sp, ss_size;   /* sigaltstack */
    int ss_flags;
    uint64_t fault_addr;       /* last host fault inside guest memory */
    int fault_code;
    int in_guest;              /* the cpu is running guest code */
    int in_sys;                /* a syscall touches guest memory: fault -> -EFAULT */
    jmp_buf guest_jb, sys_jb;
    uint64_t sys_a0;           /* a0 at syscall entry (restart) */
    uint64_t sus_old;          /* rt_sigsuspend: the mask sigreturn restores */
    int sus_valid;
    int sig_code[EMK_USER_NSIG + 1];  /* si_code / si_pid of a queued signal */
    int sig_pid[EMK_USER_NSIG + 1];
    int no_trace_once;         /* skip tracing the current syscall */
    uint64_t scratch[8];       /* a handler's inputs kept for its strace printer */
    struct emk_uthread *next;
} emk_uthread;

struct emk_uproc {
    uint8_t *base;
    uint64_t size;
    pthread_mutex_t lock;      /* guards maps, nmaps, brk, threads */
    emk_umap *maps;
    int nmaps;
    uint64_t brk_start, brk_cur, mmap_top;
    uint64_t sigtramp;         /* guest address of the rt_sigreturn trampoline */
    emk_usigaction act[EMK_USER_NSIG + 1];
    int strace;
    FILE *strace_out;
    const char *sysroot;       /* -L */
    const char *self;          /* our own executable, for execve */
    char exe[4096];            /* the guest's executable: what /proc/self/exe names */
    int nthreads;
    emk_uthread *threads;
    uint64_t entry, phdr, phnum, load_bias, interp_base, stack_top;
    int exit_code;
};

/* The current thread (NULL outside guest threads). */
emk_uthread *emk_user_self(void);

/* mem.c */
int emk_user_mem_init(emk_uproc *p);
void *emk_user_g2h(emk_uproc *p, uint64_t ga, uint64_t len);
long emk_user_mmap(emk_uproc *p, uint64_t addr, uint64_t len, int prot, int flags,
                   int fd, uint64_t off);
long emk_user_munmap(emk_uproc *p, uint64_t addr, uint64_t len);
long emk_user_mprotect(emk_uproc *p, uint64_t addr, uint64_t len, int prot);
long emk_user_brk(emk_uproc *p, uint64_t addr);
long emk_user_mremap(emk_uproc *p, uint64_t old, uint64_t olen, uint64_t nlen,
                     int flags, uint64_t naddr);
/* Reads a NUL-terminated guest string (at most max bytes); NULL on a bad one. */
const char *emk_user_str(emk_uproc *p, uint64_t ga, size_t max);
/* Whether the page holding addr is mapped in the guest. */
int emk_user_mapped(emk_uproc *p, uint64_t addr);
/* Asks every thread's cpu to drop its decoded instructions. */
void emk_user_flush_code(emk_uproc *p);

/* elf.c */
int emk_user_load(emk_uproc *p, const char *path, char **argv, char **envp,
                  const char *execfn);

/* run.c */
int emk_user_run_thread(emk_uthread *t);   /* never returns for guests */
void emk_user_exit_group(emk_uproc *p, int code);
void emk_user_thread_exit(emk_uthread *t, int code);

/* signal.c */
int emk_user_signal_init(emk_uproc *p);
void emk_user_deliver(emk_uthread *t);
void emk_user_force_signal(emk_uthread *t, int sig, int code, uint64_t addr);
long emk_user_rt_sigaction(emk_uthread *t, int sig, uint64_t act, uint64_t oact, uint64_t sz);
long emk_user_rt_sigprocmask(emk_uthread *t, int how, uint64_t set, uint64_t oset, uint64_t sz);
long emk_user_rt_sigreturn(emk_uthread *t);
long emk_user_sigaltstack(emk_uthread *t, uint64_t ss, uint64_t oss);
long emk_user_rt_sigsuspend(emk_uthread *t, uint64_t set, uint64_t sz);
long emk_user_rt_sigpending(emk_uthread *t, uint64_t set, uint64_t sz);
void emk_user_fatal_signal(int sig, int core);
int emk_user_sig_restart(emk_uthread *t);
/* Guest mask (bit n-1 = signal n) as a host sigset; all = 0 leaves out
 * the signals the emulator keeps for itself. */
void emk_user_host_sigset(uint64_t mask, int all, sigset_t *s);

/* strace.c */
const char *emk_user_signame(int sig);
void emk_user_strace_signal(emk_uthread *t, int sig, int code, uint64_t addr);

/* thread.c */
long emk_user_clone(emk_uthread *t, uint64_t flags, uint64_t stack, uint64_t ptid,
                    uint64_t tls, uint64_t ctid);
long emk_user_execve(emk_uthread *t, uint64_t path, uint64_t argv, uint64_t envp);

/* syscall.c */
/* With -L DIR, an absolute path that exists under DIR: DIR/path into out
 * (4096 bytes); returns 1, or 0 to use path as it is. */
int emk_user_sysroot_path(emk_uproc *p, const char *path, char *out);
int emk_user_ecall(emk_rv64_cpu *cpu);
long emk_user_syscall(emk_uthread *t, long nr, uint64_t a[6]);

#endif
