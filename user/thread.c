/*
 * thread.c - clone (guest threads on host threads sharing the guest
 * memory; without CLONE_VM a host fork) and execve (a fresh emkit-user
 * for the new program).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "compat.h"
#include "user.h"

enum { G_CLONE_VM = 0x100, G_CLONE_FS = 0x200, G_CLONE_FILES = 0x400,
       G_CLONE_SIGHAND = 0x800, G_CLONE_VFORK = 0x4000, G_CLONE_THREAD = 0x10000,
       G_CLONE_SETTLS = 0x80000, G_CLONE_PARENT_SETTID = 0x100000,
       G_CLONE_CHILD_CLEARTID = 0x200000, G_CLONE_CHILD_SETTID = 0x1000000 };

typedef struct start_info {
    emk_uthread *t;
    uint64_t flags, ctid;
    int tid;                 /* futex word: 0 until the child knows its tid */
} start_info;

static void put_tid(emk_uproc *p, uint64_t ga, int tid)
{
    uint8_t *h = emk_user_g2h(p, ga, 4);
    if (h)
        emk_st_le32(h, (uint32_t)tid);
}

static void *thread_main(void *arg)
{
    start_info *si = arg;
    emk_uthread *t = si->t;
    int tid = (int)syscall(SYS_gettid);

    t->tid = tid;
    if (si->flags & G_CLONE_CHILD_SETTID)
        put_tid(t->p, si->ctid, tid);
    if (si->flags & G_CLONE_CHILD_CLEARTID)
        t->clear_tid = si->ctid;
    emk_store_release_int(&si->tid, tid);
    syscall(SYS_futex, &si->tid, 1 /* FUTEX_WAKE */, 1, NULL, NULL, 0);
    emk_user_run_thread(t);
    return NULL;
}

static long new_thread(emk_uthread *t, uint64_t flags, uint64_t stack, uint64_t ptid,
                       uint64_t tls, uint64_t ctid)
{
    emk_uproc *p = t->p;
    emk_uthread *n = calloc(1, sizeof(*n));
    start_info si;
    pthread_attr_t at;
    pthread_t th;
    int r;

    if (!n)
        return -ENOMEM;
    if (emk_rv64_init(&n->cpu, p->base, p->size) < 0) {
        free(n);
        return -ENOMEM;
    }
    emk_rv64_copy_state(&n->cpu, &t->cpu);
    n->cpu.ecall = emk_user_ecall;
    n->cpu.opaque = n;
    n->cpu.x[10] = 0;
    if (stack)
        n->cpu.x[2] = stack;
    if (flags & G_CLONE_SETTLS)
        n->cpu.x[4] = tls;
    n->p = p;
    n->sigmask = t->sigmask;
    memset(&si, 0, sizeof(si));
    si.t = n;
    si.flags = flags;
    si.ctid = ctid;
    pthread_mutex_lock(&p->lock);
    n->next = p->threads;
    p->threads = n;
    p->nthreads++;
    pthread_mutex_unlock(&p->lock);
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&at, 1 << 20);
    r = pthread_create(&th, &at, thread_main, &si);
    pthread_attr_destroy(&at);
    if (r) {
        emk_uthread **pp;
        pthread_mutex_lock(&p->lock);
        for (pp = &p->threads; *pp; pp = &(*pp)->next)
            if (*pp == n) {
                *pp = n->next;
                break;
            }
        p->nthreads--;
        pthread_mutex_unlock(&p->lock);
        emk_rv64_cleanup(&n->cpu);
        free(n);
        return -EAGAIN;
    }
    while (emk_load_acquire_int(&si.tid) == 0)
        syscall(SYS_futex, &si.tid, 0 /* FUTEX_WAIT */, 0, NULL, NULL, 0);
    if (flags & G_CLONE_PARENT_SETTID)
        put_tid(p, ptid, si.tid);
    return si.tid;
}

long emk_user_clone(emk_uthread *t, uint64_t flags, uint64_t stack, uint64_t ptid,
                    uint64_t tls, uint64_t ctid)
{
    emk_uproc *p = t->p;
    long pid;

    if ((flags & G_CLONE_THREAD) && (flags & G_CLONE_VM))
        return new_thread(t, flags, stack, ptid, tls, ctid);
    if (flags & G_CLONE_THREAD)
        return -EINVAL;
    /* a process: the host forks (CLONE_VM|CLONE_VFORK is a plain fork too) */
    fflush(stdout);
    if (p->strace_out)
        fflush(p->strace_out);
    pthread_mutex_lock(&p->lock);
    if ((flags & 0xff) == SIGCHLD)
        pid = fork();
    else
        pid = syscall(SYS_clone, (long)(flags & 0xff), 0L, 0L, 0L, 0L);
    if (pid < 0) {
        pid = -errno;
        pthread_mutex_unlock(&p->lock);
        return pid;
    }
    if (pid == 0) {
        t->no_trace_once = 1;
        pthread_mutex_init(&p->lock, NULL);
        t->next = NULL;
        p->threads = t;
        p->nthreads = 1;
        t->tid = (int)syscall(SYS_gettid);
        if (stack)
            t->cpu.x[2] = stack;
        if (flags & G_CLONE_SETTLS)
            t->cpu.x[4] = tls;
        if (flags & G_CLONE_CHILD_SETTID)
            put_tid(p, ctid, t->tid);
        if (flags & G_CLONE_CHILD_CLEARTID)
            t->clear_tid = ctid;
        return 0;
    }
    pthread_mutex_unlock(&p->lock);
    if (flags & G_CLONE_PARENT_SETTID)
        put_tid(p, ptid, (int)pid);
    return pid;
}

/* Copies a guest NULL-terminated pointer array of strings (NULL on a bad one). */
static char **str_array(emk_uproc *p, uint64_t ga, int extra)
{
    uint64_t n = 0, i;
    char **v;

    if (ga) {
        for (;; n++) {
            uint8_t *h = emk_user_g2h(p, ga + 8 * n, 8);
            if (!h)
                return NULL;
            if (emk_le64(h) == 0)
                break;
            if (n > 100000)
                return NULL;
        }
    }
    v = calloc(n + 1 + (uint64_t)extra, sizeof(char *));
    if (!v)
        return NULL;
    for (i = 0; i < n; i++) {
        const char *s = emk_user_str(p, emk_le64(emk_user_g2h(p, ga + 8 * i, 8)), 1 << 20);
        if (!s) {
            free(v);
            return NULL;
        }
        v[i + (uint64_t)extra] = (char *)s;
    }
    return v;
}

long emk_user_execve(emk_uthread *t, uint64_t path, uint64_t argv, uint64_t envp)
{
    emk_uproc *p = t->p;
    const char *file = emk_user_str(p, path, 4096);
    char **av, **ev;
    int k = 0;

    if (!file)
        return -EFAULT;
    if (!strcmp(file, "/proc/self/exe"))
        file = p->exe;
    {
        static char sp[4096];
        if (emk_user_sysroot_path(p, file, sp))
            file = sp;
    }
    if (access(file, X_OK) < 0)
        return -errno;
    av = str_array(p, argv, 8);
    ev = str_array(p, envp, 0);
    if (!av || !ev) {
        free(av);
        free(ev);
        return -EFAULT;
    }
    av[k++] = (char *)p->self;
    if (p->strace)
        av[k++] = "-strace";
    if (p->sysroot) {
        av[k++] = "-L";
        av[k++] = (char *)p->sysroot;
    }
    av[k++] = "-0";
    av[k++] = av[8] ? av[8] : (char *)file;
    av[k++] = (char *)file;
    /* shift the guest argv (from av[8]; its argv[0] went to -0) behind */
    {
        int i = 8 + (av[8] ? 1 : 0), j = k;
        while (av[i])
            av[j++] = av[i++];
        av[j] = NULL;
    }
    fflush(stdout);
    if (p->strace_out)
        fflush(p->strace_out);
    execve(p->self, av, ev);
    {
        long e = -errno;
        free(av);
        free(ev);
        return e;
    }
}
