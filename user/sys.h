/*
 * sys.h - the syscall table's shape and the helpers the handlers share.
 */
#ifndef EMKIT_USER_SYS_H
#define EMKIT_USER_SYS_H

#include <errno.h>

#include "sdesc.h"
#include "user.h"

typedef long (*emk_usys_fn)(emk_uthread *t, uint64_t *a);
/* Prints the arguments (in: before the call; out: the call's results). */
typedef void (*emk_usys_print)(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);

enum emk_usys_flags {
    SF_ENTRY = 1,     /* print the line before the call (exit, execve) */
    SF_KEEPA0 = 2,    /* the handler set the registers (rt_sigreturn) */
    SF_HEXRET = 4,    /* result printed in hex (addresses) */
    SF_NORESTART = 8  /* -EINTR is never restarted */
};

typedef struct emk_usys {
    const char *name;
    emk_usys_fn fn;      /* NULL: passed to the host as host_nr, args from fmt */
    const char *fmt;     /* argument kinds, comma separated (strace.c) */
    long host_nr;
    int flags;
    emk_usys_print print;   /* NULL: from fmt */
    emk_usys_print retp;    /* extra text after the result, or NULL */
} emk_usys;

enum { EMK_USER_NSYS = 460 };
extern const emk_usys emk_user_systab[EMK_USER_NSYS];

/* A pseudo-return: the handler changed a0 itself. */
enum { EMK_USER_NORET = -4096 - 1 };

#define GP(t, ga, len) emk_user_g2h((t)->p, (ga), (len))
static inline long emk_hret(long r) { return r < 0 ? -errno : r; }

/* The generic passthrough (syscall.c). */
long emk_user_sys_pass(emk_uthread *t, const emk_usys *s, uint64_t *a);

/* strace.c */
void emk_user_strace_line(emk_uthread *t, long nr, const emk_usys *s, const uint64_t *a,
                          long ret, int entry_only);
void emk_user_print_args(emk_ubuf *b, emk_uthread *t, const char *fmt, const uint64_t *a,
                         long ret);
void emk_user_print_path(emk_ubuf *b, emk_uthread *t, uint64_t ga);
void emk_user_print_struct(emk_ubuf *b, emk_uthread *t, const emk_ustruct *s, uint64_t ga);
void emk_user_print_sigset(emk_ubuf *b, uint64_t set);
void emk_user_print_buf(emk_ubuf *b, emk_uthread *t, uint64_t ga, long len);
const emk_ustruct *emk_user_struct_named(const char *name, size_t len);
void emk_user_print_fd(emk_ubuf *b, uint64_t fd);

/* handlers, by file */
long emk_user_sys_ioctl(emk_uthread *t, uint64_t *a);
void emk_user_print_ioctl(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);

/* Converts guest struct at ga into host h (EFAULT on a bad pointer). */
int emk_user_get_struct(emk_uthread *t, const emk_ustruct *s, uint64_t ga, void *h);
/* Writes host h to the guest struct at ga. */
int emk_user_put_struct(emk_uthread *t, const emk_ustruct *s, uint64_t ga, const void *h);

#endif
