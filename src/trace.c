/* trace.c - trace event registry, pattern matching and line output.
 *
 * Locks: reg_lock guards the registry and the pattern text (slow paths
 * only: the first firing of an event, enabling, clearing); out_lock, a
 * read-write lock, guards the output (emitting threads share it, changing
 * the file or sink excludes them).  The disabled fast path takes neither:
 * it is the relaxed load of ev->state in trace_int.h.  Order: reg_lock
 * before out_lock (only env_init holds both). */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

#include "compat.h"
#include "emkit/loop.h"
#include "emkit/trace.h"

static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static emk_trace_event *events;          /* under reg_lock */
static char patterns[EMK_TRACE_PATTERNS_MAX]; /* under reg_lock */
static size_t patterns_len;

static pthread_rwlock_t out_lock = PTHREAD_RWLOCK_INITIALIZER;
static int out_fd = 2;                   /* under out_lock */
static int out_owned;
static emk_trace_sink_fn out_sink;
static void *out_opaque;

/* Glob match of name against pattern[0..plen): '*' and '?'. */
static int glob_n(const char *p, size_t plen, const char *name)
{
    const char *n = name, *star_n = NULL;
    size_t i = 0, star_i = 0;
    int star = 0;

    while (*n) {
        if (i < plen && p[i] == '*') {
            star = 1;
            star_i = ++i;
            star_n = n;
        } else if (i < plen && (p[i] == '?' || p[i] == *n)) {
            i++;
            n++;
        } else if (star) {
            i = star_i;
            n = ++star_n;
        } else {
            return 0;
        }
    }
    while (i < plen && p[i] == '*')
        i++;
    return i == plen;
}

int emk_trace_glob(const char *pattern, const char *name)
{
    return glob_n(pattern, strlen(pattern), name);
}

/* The state name gets from the patterns in effect (reg_lock held). */
static int evaluate(const char *name)
{
    const char *p = patterns, *end = patterns + patterns_len;
    int on = 0;

    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *q = comma ? comma : end;
        const char *a = p;
        int exclude = 0;

        while (a < q && *a == ' ')
            a++;
        while (q > a && q[-1] == ' ')
            q--;
        if (a < q && *a == '-') {
            exclude = 1;
            a++;
        }
        if (a < q && glob_n(a, (size_t)(q - a), name))
            on = !exclude;
        p = comma ? comma + 1 : end;
    }
    return on ? EMK_TRACE_ON : EMK_TRACE_OFF;
}

static void reevaluate_all(void)
{
    emk_trace_event *ev;

    for (ev = events; ev; ev = ev->next)
        emk_store_release_int(&ev->state, evaluate(ev->name));
}

static int append_patterns(const char *text)
{
    size_t n = strlen(text), need = n + (patterns_len && n ? 1 : 0);

    if (need >= sizeof(patterns) - patterns_len)
        return -ENOSPC;
    if (!n)
        return 0;
    if (patterns_len)
        patterns[patterns_len++] = ',';
    memcpy(patterns + patterns_len, text, n);
    patterns_len += n;
    patterns[patterns_len] = '\0';
    return 0;
}

static void set_fd(int fd, int owned)
{
    int old = -1;

    pthread_rwlock_wrlock(&out_lock);
    if (out_owned)
        old = out_fd;
    out_fd = fd;
    out_owned = owned;
    pthread_rwlock_unlock(&out_lock);
    if (old >= 0)
        close(old);
}

static int open_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);

    return fd < 0 ? -errno : fd;
}

static void env_init(void)
{
    const char *pat = getenv("EMKIT_TRACE");
    const char *file = getenv("EMKIT_TRACE_FILE");

    if (file && *file) {
        int fd = open_file(file);
        if (fd >= 0)
            set_fd(fd, 1);
        else
            fprintf(stderr, "emkit: EMKIT_TRACE_FILE %s: %s\n", file,
                    emk_strerror(fd));
    }
    if (pat && *pat) {
        pthread_mutex_lock(&reg_lock);
        if (append_patterns(pat) < 0)
            fprintf(stderr, "emkit: EMKIT_TRACE is too long, ignored\n");
        reevaluate_all();
        pthread_mutex_unlock(&reg_lock);
    }
}

int emk_trace_enabled(emk_trace_event *ev)
{
    int st = emk_load_acquire_int(&ev->state);

    if (st != EMK_TRACE_UNKNOWN)
        return st == EMK_TRACE_ON;
    pthread_once(&env_once, env_init);
    pthread_mutex_lock(&reg_lock);
    if (!ev->registered) {
        ev->registered = 1;
        ev->next = events;
        events = ev;
    }
    st = evaluate(ev->name);
    emk_store_release_int(&ev->state, st);
    pthread_mutex_unlock(&reg_lock);
    return st == EMK_TRACE_ON;
}

int emk_trace_enable(const char *patterns_text)
{
    int ret;

    pthread_once(&env_once, env_init);
    pthread_mutex_lock(&reg_lock);
    ret = append_patterns(patterns_text ? patterns_text : "");
    if (ret == 0)
        reevaluate_all();
    pthread_mutex_unlock(&reg_lock);
    return ret;
}

void emk_trace_clear(void)
{
    pthread_once(&env_once, env_init);
    pthread_mutex_lock(&reg_lock);
    patterns_len = 0;
    patterns[0] = '\0';
    reevaluate_all();
    pthread_mutex_unlock(&reg_lock);
}

int emk_trace_set_file(const char *path)
{
    int fd;

    pthread_once(&env_once, env_init);
    if (!path) {
        set_fd(2, 0);
        return 0;
    }
    fd = open_file(path);
    if (fd < 0)
        return fd;
    set_fd(fd, 1);
    return 0;
}

void emk_trace_set_sink(emk_trace_sink_fn fn, void *opaque)
{
    pthread_once(&env_once, env_init);
    pthread_rwlock_wrlock(&out_lock);
    out_sink = fn;
    out_opaque = opaque;
    pthread_rwlock_unlock(&out_lock);
}

#if !(defined(__linux__) && defined(SYS_gettid))
static pthread_key_t tid_key;
static void make_key(void)
{
    pthread_key_create(&tid_key, NULL);
}
#endif

static unsigned long thread_id(void)
{
#if defined(__linux__) && defined(SYS_gettid)
    return (unsigned long)syscall(SYS_gettid);
#else
    /* a small number per thread, handed out on first use */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    static uint32_t next_id;
    void *v;

    pthread_once(&once, make_key);
    v = pthread_getspecific(tid_key);
    if (!v) {
        v = (void *)(uintptr_t)(emk_fetch_add_u32(&next_id, 1) + 1);
        pthread_setspecific(tid_key, v);
    }
    return (unsigned long)(uintptr_t)v;
#endif
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

void emk_trace_vemit(emk_trace_event *ev, const char *fmt, va_list ap)
{
    char line[EMK_TRACE_LINE_MAX];
    int64_t now = emk_host_now_ns();
    size_t len, room = sizeof(line) - 1; /* keep one byte for '\n' */
    int n;

    n = snprintf(line, room, "%lld.%09lld %lu %s ",
                 (long long)(now / 1000000000), (long long)(now % 1000000000),
                 thread_id(), ev->name);
    len = n < 0 ? 0 : ((size_t)n < room ? (size_t)n : room - 1);
    n = vsnprintf(line + len, room - len, fmt, ap);
    if (n < 0) {
        n = 0;
    } else if ((size_t)n >= room - len) {
        len = room - 1;       /* cut: end in "..." */
        memcpy(line + len - 3, "...", 3);
        n = 0;
    }
    len += (size_t)n;
    line[len++] = '\n';
    line[len] = '\0';
    pthread_rwlock_rdlock(&out_lock);
    if (out_sink)
        out_sink(out_opaque, line, len);
    else
        write_all(out_fd, line, len);
    pthread_rwlock_unlock(&out_lock);
}

void emk_trace_emit(emk_trace_event *ev, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emk_trace_vemit(ev, fmt, ap);
    va_end(ap);
}
