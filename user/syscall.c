/*
 * syscall.c - the ecall hook: looks the guest syscall up in the table,
 * runs its handler (or the generic passthrough, which translates the
 * pointer arguments its format names and converts structs through their
 * descriptors), turns faults on guest memory into -EFAULT, restarts
 * interrupted calls for SA_RESTART handlers, and traces the call.
 */
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "compat.h"
#include "structs.h"
#include "sys.h"

int emk_user_get_struct(emk_uthread *t, const emk_ustruct *s, uint64_t ga, void *h)
{
    size_t gs = emk_ustruct_gsize(s, &emk_uabi_rv64);
    const uint8_t *g = GP(t, ga, gs);

    if (!g || !ga)
        return -EFAULT;
    return emk_ustruct_to_host(s, &emk_uabi_rv64, g, h, NULL, NULL);
}

int emk_user_put_struct(emk_uthread *t, const emk_ustruct *s, uint64_t ga, const void *h)
{
    size_t gs = emk_ustruct_gsize(s, &emk_uabi_rv64);
    uint8_t *g = GP(t, ga, gs);

    if (!g || !ga)
        return -EFAULT;
    emk_ustruct_to_guest(s, &emk_uabi_rv64, h, g);
    return 0;
}

/* The next argument kind of a format: its text in [*k, *k + *kl). */
static int next_kind(const char **f, const char **k, size_t *kl)
{
    const char *e;

    if (!*f || !**f)
        return 0;
    e = strchr(*f, ',');
    *k = *f;
    *kl = e ? (size_t)(e - *f) : strlen(*f);
    *f = e ? e + 1 : *f + *kl;
    return 1;
}

int emk_user_sysroot_path(emk_uproc *p, const char *path, char *out)
{
    struct stat st;
    size_t l;

    if (!p->sysroot || path[0] != '/')
        return 0;
    l = strlen(p->sysroot);
    if (l + strlen(path) >= 4096)
        return 0;
    memcpy(out, p->sysroot, l);
    strcpy(out + l, path);
    return lstat(out, &st) == 0;
}

long emk_user_sys_pass(emk_uthread *t, const emk_usys *s, uint64_t *a)
{
    long h[6];
    uint8_t tmp[6][512];
    char paths[2][4096];
    int np = 0;
    const emk_ustruct *st[6] = { NULL };
    const char *f = s->fmt, *k;
    size_t kl;
    int i;
    long r;

    for (i = 0; i < 6; i++)
        h[i] = (long)a[i];
    for (i = 0; i < 6 && next_kind(&f, &k, &kl); i++) {
        switch (k[0]) {
        case 's': case 'S':
            if (!a[i]) {
                h[i] = 0;
                break;
            }
            if (!emk_user_str(t->p, a[i], 4096 + 1))
                return -EFAULT;
            h[i] = (long)(uintptr_t)GP(t, a[i], 1);
            if (k[0] == 's' && np < 2 &&
                emk_user_sysroot_path(t->p, (const char *)(uintptr_t)h[i], paths[np]))
                h[i] = (long)(uintptr_t)paths[np++];
            break;
        case 'I': case 'R': {
            const emk_ustruct *d = emk_user_struct_named(k + 1, kl - 1);
            if (!d || d->hsize > sizeof(tmp[0]))
                return -ENOSYS;
            if (!a[i]) {
                h[i] = 0;
                break;
            }
            st[i] = d;
            memset(tmp[i], 0, sizeof(tmp[i]));
            if (k[0] == 'I' || (kl > 1 && k[kl - 1] == '!')) {
                int e = emk_user_get_struct(t, d, a[i], tmp[i]);
                if (e < 0)
                    return e;
            } else if (!GP(t, a[i], emk_ustruct_gsize(d, &emk_uabi_rv64))) {
                return -EFAULT;
            }
            h[i] = (long)(uintptr_t)tmp[i];
            break;
        }
        case 'L': case 'Q': case 'T': case 'M': case 'P': case 'W':
        case 'Z': case 'z': case 'N': case 'n': case 'C': case 'G': case 'H':
        case 'b': case 'B': {
            uint64_t len;
            void *p;
            switch (k[0]) {
            case 'L': case 'M': case 'P': len = 8; break;
            case 'Q': case 'W': len = 4; break;
            case 'T': len = 32; break;
            case 'C': case 'b': case 'B': len = a[k[1] - '0']; break;
            case 'G': len = a[2]; break;
            case 'H': len = a[1]; break;
            case 'Z': case 'N': len = i < 5 ? a[i + 1] : 0; break;
            default: {   /* z, n: the length is behind the next argument */
                uint8_t *lp = i < 5 && a[i + 1] ? GP(t, a[i + 1], 4) : NULL;
                len = lp ? emk_le32(lp) : 0;
                break;
            }
            }
            if (!a[i]) {
                h[i] = 0;
                break;
            }
            p = GP(t, a[i], len);
            if (!p)
                return -EFAULT;
            h[i] = (long)(uintptr_t)p;
            break;
        }
        case 'p':   /* a pointer the passthrough cannot size: not allowed */
            if (a[i])
                return -ENOSYS;
            break;
        default:
            break;
        }
    }
    r = syscall(s->host_nr, h[0], h[1], h[2], h[3], h[4], h[5]);
    if (r < 0)
        return -errno;
    f = s->fmt;
    for (i = 0; i < 6 && next_kind(&f, &k, &kl); i++)
        if (k[0] == 'R' && st[i])
            emk_user_put_struct(t, st[i], a[i], tmp[i]);
    return r;
}

long emk_user_syscall(emk_uthread *t, long nr, uint64_t a[6])
{
    const emk_usys *volatile s = nr >= 0 && nr < EMK_USER_NSYS ? &emk_user_systab[nr] : NULL;
    volatile long ret;

    if (s && !s->name)
        s = NULL;
    if (t->p->strace && s && (s->flags & SF_ENTRY))
        emk_user_strace_line(t, nr, s, a, 0, 1);
    t->in_sys = 1;
    if (setjmp(t->sys_jb)) {
        ret = -EFAULT;
    } else if (!s) {
        ret = -ENOSYS;
    } else if (s->fn) {
        ret = s->fn(t, a);
    } else {
        ret = emk_user_sys_pass(t, s, a);
    }
    if (t->p->strace && !(s && (s->flags & SF_ENTRY))) {
        if (setjmp(t->sys_jb) == 0)
            emk_user_strace_line(t, nr, s, a, ret, 0);
    }
    t->in_sys = 0;
    return ret;
}

int emk_user_ecall(emk_rv64_cpu *cpu)
{
    emk_uthread *t = cpu->opaque;
    uint64_t a[6];
    long nr = (long)cpu->x[17], ret;
    const emk_usys *s;
    int i;

    for (i = 0; i < 6; i++)
        a[i] = cpu->x[10 + i];
    t->sys_a0 = a[0];
    ret = emk_user_syscall(t, nr, a);
    s = nr >= 0 && nr < EMK_USER_NSYS ? &emk_user_systab[nr] : NULL;
    if (ret == -EINTR && s && !(s->flags & SF_NORESTART) && emk_user_sig_restart(t)) {
        cpu->pc -= 4;          /* run the ecall again after the handler */
        cpu->x[10] = t->sys_a0;
    } else if (ret != EMK_USER_NORET && !(s && (s->flags & SF_KEEPA0))) {
        cpu->x[10] = (uint64_t)ret;
    }
    return (emk_load_relaxed_u64(&t->pending) & ~t->sigmask) != 0;
}
