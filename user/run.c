/*
 * run.c - the guest thread loop: runs the cpu, turns its exits and host
 * faults inside guest memory into guest signals, and delivers pending
 * signals at instruction boundaries.  Also exit and exit_group.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "compat.h"
#include "user.h"

static EMK_THREAD_LOCAL emk_uthread *cur;

emk_uthread *emk_user_self(void)
{
    return cur;
}

enum { SEGV_MAPERR_ = 1, SEGV_ACCERR_ = 2, ILL_ILLOPC_ = 1, BUS_ADRALN_ = 1,
       TRAP_BRKPT_ = 1 };

int emk_user_run_thread(emk_uthread *t)
{
    cur = t;
    for (;;) {
        int r;
        if (setjmp(t->guest_jb)) {
            /* a host fault inside guest memory while the cpu ran */
            t->in_guest = 0;
            emk_user_force_signal(t, SIGSEGV, emk_user_mapped(t->p, t->fault_addr) ?
                                  SEGV_ACCERR_ : SEGV_MAPERR_, t->fault_addr);
        }
        emk_user_deliver(t);
        t->in_guest = 1;
        r = emk_rv64_run(&t->cpu);
        t->in_guest = 0;
        switch (r) {
        case EMK_RV64_EXIT_FAULT:
            emk_user_force_signal(t, SIGSEGV, SEGV_MAPERR_, t->cpu.fault_addr);
            break;
        case EMK_RV64_EXIT_ILLEGAL:
            emk_user_force_signal(t, SIGILL, ILL_ILLOPC_, t->cpu.pc);
            break;
        case EMK_RV64_EXIT_MISALIGNED:
            emk_user_force_signal(t, SIGBUS, BUS_ADRALN_, t->cpu.fault_addr);
            break;
        case EMK_RV64_EXIT_EBREAK:
            emk_user_force_signal(t, SIGTRAP, TRAP_BRKPT_, t->cpu.pc);
            break;
        default:   /* ecall asked to stop, or a request: signals below */
            break;
        }
    }
    return 0;
}

void emk_user_exit_group(emk_uproc *p, int code)
{
    if (p->strace_out)
        fflush(p->strace_out);
    fflush(stdout);
    _exit(code & 0xff);
}

void emk_user_thread_exit(emk_uthread *t, int code)
{
    emk_uproc *p = t->p;
    emk_uthread **pp;
    int last;

    if (t->clear_tid) {
        uint32_t *h = emk_user_g2h(p, t->clear_tid, 4);
        if (h) {
            emk_store_release_u32(h, 0);
            syscall(SYS_futex, h, 1 /* FUTEX_WAKE */, 1, NULL, NULL, 0);
        }
    }
    pthread_mutex_lock(&p->lock);
    for (pp = &p->threads; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    last = --p->nthreads == 0;
    pthread_mutex_unlock(&p->lock);
    if (last)
        emk_user_exit_group(p, code);
    emk_rv64_cleanup(&t->cpu);
    free(t);
    cur = NULL;
    pthread_exit(NULL);
}
