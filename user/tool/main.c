/*
 * emkit-user - runs a riscv64 Linux program on this host.
 *
 *   emkit-user [-strace] [-L DIR] [-0 ARGV0] [-E VAR=VALUE] [-U VAR]
 *              PROGRAM [ARGS...]
 *
 * Option names follow qemu-riscv64's.  The exit status is the guest's; a
 * guest killed by a signal kills emkit-user with the same signal.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "emkit/base.h"
#include "../user.h"

extern char **environ;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: emkit-user [options] PROGRAM [ARGS...]\n"
        "Runs a riscv64 Linux program (RV64GC, static or with its interpreter under -L).\n"
        "\n"
        "  -strace          trace system calls in strace(1)'s format (also EMKIT_STRACE=1)\n"
        "  -L DIR           sysroot: the ELF interpreter and absolute paths are looked up here\n"
        "  -0 ARGV0         argv[0] for the program\n"
        "  -E VAR=VALUE     set a variable in the program's environment\n"
        "  -U VAR           remove a variable from the program's environment\n"
        "  -g PORT          (not supported yet: the GDB server is a later issue)\n"
        "  -h, -help        this text\n"
        "  -version         the version\n");
}

static char **env_edit(char **env, const char *set, const char *unset)
{
    size_t n = 0, i, j = 0, l;
    char **out;

    while (env[n]) n++;
    out = calloc(n + 2, sizeof(char *));
    if (!out)
        return env;
    l = set ? (size_t)(strchr(set, '=') - set) + 1 : 0;
    for (i = 0; i < n; i++) {
        if (unset && !strncmp(env[i], unset, strlen(unset)) && env[i][strlen(unset)] == '=')
            continue;
        if (set && !strncmp(env[i], set, l))
            continue;
        out[j++] = env[i];
    }
    if (set)
        out[j++] = (char *)set;
    out[j] = NULL;
    return out;
}

static char *self_path(void)
{
    static char buf[4096];
    ssize_t r = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

    if (r <= 0)
        return NULL;
    buf[r] = 0;
    return buf;
}

int main(int argc, char **argv)
{
    static emk_uproc proc;
    emk_uproc *p = &proc;
    emk_uthread *t;
    const char *argv0 = NULL, *e, *path;
    char **env = environ;
    int i, r;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *o = argv[i] + (argv[i][1] == '-' ? 2 : 1);
        if (!strcmp(o, "strace")) {
            p->strace = 1;
        } else if (!strcmp(o, "L") && i + 1 < argc) {
            p->sysroot = argv[++i];
        } else if (!strcmp(o, "0") && i + 1 < argc) {
            argv0 = argv[++i];
        } else if (!strcmp(o, "E") && i + 1 < argc) {
            if (!strchr(argv[i + 1], '=')) {
                fprintf(stderr, "emkit-user: -E wants VAR=VALUE\n");
                return 1;
            }
            env = env_edit(env, argv[++i], NULL);
        } else if (!strcmp(o, "U") && i + 1 < argc) {
            env = env_edit(env, NULL, argv[++i]);
        } else if (!strcmp(o, "g") && i + 1 < argc) {
            fprintf(stderr, "emkit-user: -g: the GDB server is not supported yet\n");
            return 1;
        } else if (!strcmp(o, "h") || !strcmp(o, "help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(o, "version")) {
            printf("emkit-user %s\n", emk_version());
            return 0;
        } else if (!strcmp(o, "")) {
            i++;
            break;
        } else {
            fprintf(stderr, "emkit-user: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 1;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 1;
    }
    e = getenv("EMKIT_STRACE");
    if (e && *e && strcmp(e, "0"))
        p->strace = 1;
    if (p->strace)
        p->strace_out = stderr;
    p->self = self_path();
    r = emk_user_mem_init(p);
    if (r < 0) {
        fprintf(stderr, "emkit-user: cannot reserve the guest address space: %s\n", strerror(-r));
        return 1;
    }
    t = calloc(1, sizeof(*t));
    if (!t || emk_rv64_init(&t->cpu, p->base, p->size) < 0) {
        fprintf(stderr, "emkit-user: out of memory\n");
        return 1;
    }
    t->p = p;
    t->tid = (int)syscall(SYS_gettid);
    t->cpu.ecall = emk_user_ecall;
    t->cpu.opaque = t;
    p->threads = t;
    p->nthreads = 1;
    path = argv[i];
    if (!realpath(path, p->exe))
        snprintf(p->exe, sizeof(p->exe), "%s", path);
    if (argv0)
        argv[i] = (char *)argv0;
    r = emk_user_load(p, path, argv + i, env, path);
    if (r < 0) {
        fprintf(stderr, "emkit-user: %s: %s\n", path,
                r == -ENOEXEC ? "not a riscv64 ELF executable" : strerror(-r));
        return 1;
    }
    emk_user_signal_init(p);
    emk_user_run_thread(t);
    return 0;
}
