/*
 * strace.c - -strace output in strace(1)'s format: "name(args) = ret"
 * with the result column at 40, named flags and enums, quoted strings
 * truncated at 32 bytes, structs with named fields (from the descriptor
 * tables), errno names with their messages, "[pid N]" prefixes once the
 * process has several threads, and the signal and exit lines.
 */
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "names.h"
#include "structs.h"
#include "sys.h"

enum { STR_MAX = 32 };

const emk_ustruct *emk_user_struct_named(const char *name, size_t len)
{
    const emk_ustruct *const *s;

    for (s = emk_user_structs(); *s; s++)
        if (strlen((*s)->name) == len && !memcmp((*s)->name, name, len))
            return *s;
    return NULL;
}

static void ptr(emk_ubuf *b, uint64_t v)
{
    if (v)
        emk_ub_printf(b, "%#llx", (unsigned long long)v);
    else
        emk_ub_puts(b, "NULL");
}

void emk_user_print_fd(emk_ubuf *b, uint64_t fd)
{
    if ((int)fd == -100)
        emk_ub_puts(b, "AT_FDCWD");
    else
        emk_ub_printf(b, "%d", (int)fd);
}

void emk_user_print_path(emk_ubuf *b, emk_uthread *t, uint64_t ga)
{
    const char *s = ga ? emk_user_str(t->p, ga, 4096) : NULL;

    if (!s)
        ptr(b, ga);
    else
        emk_ub_quoted(b, (const uint8_t *)s, strlen(s), 4096, 0);
}

static void cstring(emk_ubuf *b, emk_uthread *t, uint64_t ga)
{
    const char *s = ga ? emk_user_str(t->p, ga, 4096) : NULL;

    if (!s)
        ptr(b, ga);
    else
        emk_ub_quoted(b, (const uint8_t *)s, strlen(s), STR_MAX, 0);
}

void emk_user_print_buf(emk_ubuf *b, emk_uthread *t, uint64_t ga, long len)
{
    const uint8_t *h = len >= 0 ? GP(t, ga, (uint64_t)len) : NULL;

    if (!h || !ga)
        ptr(b, ga);
    else
        emk_ub_quoted(b, h, (size_t)len, STR_MAX, 0);
}

static void hexbuf(emk_ubuf *b, emk_uthread *t, uint64_t ga, long len)
{
    const uint8_t *h = len >= 0 ? GP(t, ga, (uint64_t)len) : NULL;
    long i;

    if (!h || !ga) {
        ptr(b, ga);
        return;
    }
    emk_ub_puts(b, "\"");
    for (i = 0; i < len && i < STR_MAX; i++)
        emk_ub_printf(b, "\\x%02x", h[i]);
    emk_ub_puts(b, len > STR_MAX ? "\"..." : "\"");
}

void emk_user_print_struct(emk_ubuf *b, emk_uthread *t, const emk_ustruct *s, uint64_t ga)
{
    const uint8_t *g = ga ? GP(t, ga, emk_ustruct_gsize(s, &emk_uabi_rv64)) : NULL;

    if (!g)
        ptr(b, ga);
    else
        emk_ustruct_print(b, s, &emk_uabi_rv64, g, 0);
}

void emk_user_print_sigset(emk_ubuf *b, uint64_t set)
{
    int i, n = 0, first = 1, inv;

    for (i = 0; i < 64; i++)
        n += (int)((set >> i) & 1);
    inv = n > 32;
    if (inv) {
        emk_ub_puts(b, "~");
        set = ~set;
    }
    emk_ub_puts(b, "[");
    for (i = 1; i <= 64; i++) {
        if (!((set >> (i - 1)) & 1))
            continue;
        if (inv && (i == 32 || i == 33))   /* the C library's own */
            continue;
        emk_ub_printf(b, "%s%s", first ? "" : " ", emk_user_signame(i) + 3);
        first = 0;
    }
    emk_ub_puts(b, "]");
}

static void sigset_at(emk_ubuf *b, emk_uthread *t, uint64_t ga)
{
    const uint8_t *h = ga ? GP(t, ga, 8) : NULL;

    if (!h)
        ptr(b, ga);
    else
        emk_user_print_sigset(b, emk_le64(h));
}

static void open_flags(emk_ubuf *b, uint64_t v)
{
    static const char *const acc[4] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
    const emk_unames *n = emk_user_names("open", 4);

    emk_ub_puts(b, acc[v & 3]);
    v &= ~(uint64_t)3;
    if (v) {
        emk_ub_puts(b, "|");
        emk_ub_flags(b, n, v);
    }
}

static void sockaddr(emk_ubuf *b, emk_uthread *t, uint64_t ga, uint64_t len)
{
    const uint8_t *h = ga && len >= 2 ? GP(t, ga, len) : NULL;
    unsigned fam;

    if (!h) {
        ptr(b, ga);
        return;
    }
    fam = emk_le16(h);
    emk_ub_puts(b, "{sa_family=");
    emk_ub_enum(b, emk_user_names("af", 2), fam, NULL);
    if (fam == 2 && len >= 8) {
        emk_ub_printf(b, ", sin_port=htons(%u), sin_addr=inet_addr(\"%u.%u.%u.%u\")}",
                      (unsigned)((h[2] << 8) | h[3]), h[4], h[5], h[6], h[7]);
    } else if (fam == 1) {
        size_t l = 0;
        while (2 + l < len && h[2 + l])
            l++;
        emk_ub_puts(b, ", sun_path=");
        if (l == 0 && len > 2) {   /* abstract */
            emk_ub_puts(b, "@");
            emk_ub_quoted(b, h + 3, len - 3, 108, 0);
        } else {
            emk_ub_quoted(b, h + 2, l, 108, 0);
        }
        emk_ub_puts(b, "}");
    } else {
        emk_ub_puts(b, ", ...}");
    }
}

static void u32_at(emk_ubuf *b, emk_uthread *t, uint64_t ga)
{
    const uint8_t *h = ga ? GP(t, ga, 4) : NULL;

    if (!h)
        ptr(b, ga);
    else
        emk_ub_printf(b, "[%u]", emk_le32(h));
}

static void wstatus(emk_ubuf *b, emk_uthread *t, uint64_t ga)
{
    const uint8_t *h = ga ? GP(t, ga, 4) : NULL;
    unsigned s;

    if (!h) {
        ptr(b, ga);
        return;
    }
    s = emk_le32(h);
    if ((s & 0x7f) == 0)
        emk_ub_printf(b, "[{WIFEXITED(s) && WEXITSTATUS(s) == %u}]", (s >> 8) & 0xff);
    else if ((s & 0xff) == 0x7f)
        emk_ub_printf(b, "[{WIFSTOPPED(s) && WSTOPSIG(s) == %s}]", emk_user_signame((int)(s >> 8) & 0xff));
    else
        emk_ub_printf(b, "[{WIFSIGNALED(s) && WTERMSIG(s) == %s%s}]",
                      emk_user_signame((int)(s & 0x7f)), (s & 0x80) ? " && WCOREDUMP(s)" : "");
}

static void socktype(emk_ubuf *b, uint64_t v)
{
    emk_ub_enum(b, emk_user_names("socktype", 8), v & 0xf, NULL);
    if (v & ~(uint64_t)0xf) {
        emk_ub_puts(b, "|");
        emk_ub_flags(b, emk_user_names("sockflags", 9), v & ~(uint64_t)0xf);
    }
}

static void timespec2(emk_ubuf *b, emk_uthread *t, uint64_t ga)
{
    if (!ga) {
        emk_ub_puts(b, "NULL");
        return;
    }
    emk_ub_puts(b, "[");
    emk_user_print_struct(b, t, &emk_us_timespec, ga);
    emk_ub_puts(b, ", ");
    emk_user_print_struct(b, t, &emk_us_timespec, ga + 16);
    emk_ub_puts(b, "]");
}

static void dirents(emk_ubuf *b, emk_uthread *t, uint64_t ga, long ret)
{
    const uint8_t *h = ret >= 0 ? GP(t, ga, (uint64_t)ret) : NULL;
    long off = 0, n = 0;

    if (!h) {
        ptr(b, ga);
        return;
    }
    while (off + 19 <= ret) {
        unsigned rl = emk_le16(h + off + 16);
        if (rl == 0)
            break;
        off += rl;
        n++;
    }
    emk_ub_printf(b, "%#llx /* %ld entries */", (unsigned long long)ga, n);
}

void emk_user_print_args(emk_ubuf *b, emk_uthread *t, const char *fmt, const uint64_t *a,
                         long ret)
{
    const char *f = fmt;
    int i = 0;
    int ok = ret >= 0;
    uint64_t last_open = 0;

    while (f && *f && i < 6) {
        const char *e = strchr(f, ','), *k = f;
        size_t kl = e ? (size_t)(e - f) : strlen(f);
        uint64_t v = a[i];
        f = e ? e + 1 : f + kl;
        if (k[0] == 'm' && !(last_open & (0100 | 020000000))) {
            i++;
            continue;
        }
        if (i)
            emk_ub_puts(b, ", ");
        switch (k[0]) {
        case 'd': emk_ub_printf(b, "%d", (int)v); break;
        case 'l': emk_ub_printf(b, "%lld", (long long)v); break;
        case 'u': emk_ub_printf(b, "%llu", (unsigned long long)v); break;
        case 'x': ptr(b, v); break;
        case 'p': ptr(b, v); break;
        case 'o': case 'm': emk_ub_printf(b, "%#03llo", (unsigned long long)v); break;
        case 'A': emk_user_print_fd(b, v); break;
        case 'k': {
            const char *n = emk_user_signame((int)v);
            if (n) emk_ub_puts(b, n);
            else emk_ub_printf(b, "%d", (int)v);
            break;
        }
        case 's': emk_user_print_path(b, t, v); break;
        case 'S': cstring(b, t, v); break;
        case 'b': emk_user_print_buf(b, t, v, (long)a[k[1] - '0']); break;
        case 'B':
            if (ok) emk_user_print_buf(b, t, v, ret);
            else ptr(b, v);
            break;
        case 'H':
            if (ok) hexbuf(b, t, v, ret);
            else ptr(b, v);
            break;
        case 'C':
            if (ok) cstring(b, t, v);
            else ptr(b, v);
            break;
        case 'F':
            if (kl == 5 && !memcmp(k + 1, "open", 4)) {
                open_flags(b, v);
                last_open = v;
            } else {
                emk_ub_flags(b, emk_user_names(k + 1, kl - 1), v);
            }
            break;
        case 'E': emk_ub_enum(b, emk_user_names(k + 1, kl - 1), v, "%#llx"); break;
        case 'I': case 'R': {
            const emk_ustruct *s = emk_user_struct_named(k + 1, kl - 1 - (k[kl - 1] == '!'));
            if (!s || (k[0] == 'R' && !ok && v))
                ptr(b, v);
            else
                emk_user_print_struct(b, t, s, v);
            break;
        }
        case 'L': case 'Q':
            if (!v) emk_ub_puts(b, "NULL");
            else if (k[0] == 'Q') u32_at(b, t, v);
            else {
                const uint8_t *h = GP(t, v, 8);
                if (h) emk_ub_printf(b, "[%lld]", (long long)emk_le64(h));
                else ptr(b, v);
            }
            break;
        case 'T': timespec2(b, t, v); break;
        case 'M': sigset_at(b, t, v); break;
        case 'P': {
            const uint8_t *h = ok && v ? GP(t, v, 8) : NULL;
            if (h) emk_ub_printf(b, "[%d, %d]", (int)emk_le32(h), (int)emk_le32(h + 4));
            else ptr(b, v);
            break;
        }
        case 'W':
            if (ok && ret > 0) wstatus(b, t, v);
            else ptr(b, v);
            break;
        case 'Y': socktype(b, v); break;
        case 'Z': sockaddr(b, t, v, a[i + 1]); break;
        case 'z': {
            const uint8_t *lp = a[i + 1] ? GP(t, a[i + 1], 4) : NULL;
            if (ok && lp) sockaddr(b, t, v, emk_le32(lp));
            else ptr(b, v);
            break;
        }
        case 'N': {
            const uint8_t *h = v && a[i + 1] >= 4 ? GP(t, v, 4) : NULL;
            if (h) emk_ub_printf(b, "[%d]", (int)emk_le32(h));
            else ptr(b, v);
            break;
        }
        case 'n': {
            const uint8_t *h = ok && v ? GP(t, v, 4) : NULL;
            if (h) emk_ub_printf(b, "[%d]", (int)emk_le32(h));
            else ptr(b, v);
            break;
        }
        case 'i':   /* socket protocol: named for the IP families */
            if (a[0] == 2 || a[0] == 10)
                emk_ub_enum(b, emk_user_names("ipproto", 7), v, NULL);
            else
                emk_ub_printf(b, "%d", (int)v);
            break;
        case 'G':
            if (ok) dirents(b, t, v, ret);
            else ptr(b, v);
            break;
        default: ptr(b, v); break;
        }
        i++;
    }
}

static void result(emk_ubuf *b, const emk_usys *s, emk_uthread *t, const uint64_t *a, long ret)
{
    if (ret < 0 && ret > -4096) {
        int e = (int)-ret;
        const char *n = emk_user_errname(e);
        if (n)
            emk_ub_printf(b, "-1 %s (%s)", n, emk_user_errmsg(e));
        else
            emk_ub_printf(b, "-1 ERRNO_%d (%s)", e, emk_user_errmsg(e));
        return;
    }
    if (s && (s->flags & SF_HEXRET))
        emk_ub_printf(b, "%#llx", (unsigned long long)ret);
    else
        emk_ub_printf(b, "%ld", ret);
    if (s && s->retp)
        s->retp(b, t, a, ret);
}

static void prefix(emk_ubuf *b, emk_uthread *t)
{
    if (t->p->nthreads > 1)
        emk_ub_printf(b, "[pid %5d] ", t->tid);
}

static void emit(emk_uthread *t, emk_ubuf *b)
{
    size_t off = 0;

    while (off < b->n) {
        ssize_t w = write(fileno(t->p->strace_out), b->s + off, b->n - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
}

void emk_user_strace_line(emk_uthread *t, long nr, const emk_usys *s, const uint64_t *a,
                          long ret, int entry_only)
{
    emk_ubuf b;
    size_t start;

    if (t->no_trace_once) {   /* a forked child's clone: strace shows only the parent's */
        t->no_trace_once = 0;
        return;
    }
    b.n = 0;
    b.s[0] = 0;
    prefix(&b, t);
    start = b.n;
    if (s) {
        emk_ub_printf(&b, "%s(", s->name);
        if (s->print)
            s->print(&b, t, a, ret);
        else
            emk_user_print_args(&b, t, s->fmt, a, entry_only ? 0 : ret);
    } else {
        emk_ub_printf(&b, "syscall_%#lx(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx", nr,
                      (unsigned long long)a[0], (unsigned long long)a[1],
                      (unsigned long long)a[2], (unsigned long long)a[3],
                      (unsigned long long)a[4], (unsigned long long)a[5]);
    }
    emk_ub_puts(&b, ")");
    (void)start;
    if (b.n < 40) {   /* strace's column counts the [pid N] prefix too */
        while (b.n < 40)
            emk_ub_puts(&b, " ");
    } else {
        emk_ub_puts(&b, " ");
    }
    emk_ub_puts(&b, "= ");
    if (entry_only)
        emk_ub_puts(&b, "?");
    else
        result(&b, s, t, a, ret == EMK_USER_NORET ? (long)t->cpu.x[10] : ret);
    emk_ub_puts(&b, "\n");
    emit(t, &b);
}

void emk_user_strace_signal(emk_uthread *t, int sig, int code, uint64_t addr)
{
    static const char *const segv[3] = { NULL, "SEGV_MAPERR", "SEGV_ACCERR" };
    emk_ubuf b;

    b.n = 0;
    b.s[0] = 0;
    prefix(&b, t);
    emk_ub_printf(&b, "--- %s {si_signo=%s, si_code=", emk_user_signame(sig), emk_user_signame(sig));
    if (code > 0 && sig == 11 && code < 3) {
        emk_ub_printf(&b, "%s, si_addr=", segv[code]);
        ptr(&b, addr);
    } else if (code > 0) {
        emk_ub_printf(&b, "%d, si_addr=", code);
        ptr(&b, addr);
    } else {
        const char *c = code == 0 ? "SI_USER" : code == -6 ? "SI_TKILL" : code == -1 ? "SI_QUEUE" :
                        code == 0x80 ? "SI_KERNEL" : NULL;
        if (c)
            emk_ub_puts(&b, c);
        else
            emk_ub_printf(&b, "%d", code);
        emk_ub_printf(&b, ", si_pid=%d, si_uid=%u", addr ? (int)addr : (int)getpid(),
                      (unsigned)getuid());
    }
    emk_ub_puts(&b, "} ---\n");
    emit(t, &b);
}

/* ---- field printers the descriptor tables name ---- */

static const emk_unames n_iflag[] = {
    { 1, "IGNBRK" }, { 2, "BRKINT" }, { 4, "IGNPAR" }, { 010, "PARMRK" }, { 020, "INPCK" },
    { 040, "ISTRIP" }, { 0100, "INLCR" }, { 0200, "IGNCR" }, { 0400, "ICRNL" },
    { 01000, "IUCLC" }, { 02000, "IXON" }, { 04000, "IXANY" }, { 010000, "IXOFF" },
    { 020000, "IMAXBEL" }, { 040000, "IUTF8" }, { 0, NULL } };
static const emk_unames n_oflag[] = {
    { 1, "OPOST" }, { 2, "OLCUC" }, { 4, "ONLCR" }, { 010, "OCRNL" }, { 020, "ONOCR" },
    { 040, "ONLRET" }, { 0100, "OFILL" }, { 0200, "OFDEL" }, { 0, NULL } };
static const emk_unames n_cflag[] = {
    { 0100, "CSTOPB" }, { 0200, "CREAD" }, { 0400, "PARENB" }, { 01000, "PARODD" },
    { 02000, "HUPCL" }, { 04000, "CLOCAL" }, { 010000000000, "CMSPAR" },
    { 020000000000, "CRTSCTS" }, { 0, NULL } };
static const emk_unames n_lflag[] = {
    { 1, "ISIG" }, { 2, "ICANON" }, { 4, "XCASE" }, { 010, "ECHO" }, { 020, "ECHOE" },
    { 040, "ECHOK" }, { 0100, "ECHONL" }, { 0200, "NOFLSH" }, { 0100000, "IEXTEN" },
    { 01000, "ECHOCTL" }, { 02000, "ECHOPRT" }, { 04000, "ECHOKE" }, { 010000, "FLUSHO" },
    { 040000, "PENDIN" }, { 0400, "TOSTOP" }, { 0200000, "EXTPROC" }, { 0, NULL } };
static const char *const bauds[32] = {
    "B0", "B50", "B75", "B110", "B134", "B150", "B200", "B300", "B600", "B1200", "B1800",
    "B2400", "B4800", "B9600", "B19200", "B38400", "BOTHER", "B57600", "B115200",
    "B230400", "B460800", "B500000", "B576000", "B921600", "B1000000", "B1152000",
    "B1500000", "B2000000", "B2500000", "B3000000", "B3500000", "B4000000" };

void emk_user_print_iflag(emk_ubuf *b, uint64_t v) { emk_ub_flags(b, n_iflag, v); }

void emk_user_print_oflag(emk_ubuf *b, uint64_t v)
{
    emk_ub_printf(b, "NL%u|CR%u|TAB%u|BS%u|VT%u|FF%u", (unsigned)(v >> 8) & 1,
                  (unsigned)(v >> 9) & 3, (unsigned)(v >> 11) & 3, (unsigned)(v >> 13) & 1,
                  (unsigned)(v >> 14) & 1, (unsigned)(v >> 15) & 1);
    v &= 0377;
    if (v) {
        emk_ub_puts(b, "|");
        emk_ub_flags(b, n_oflag, v);
    }
}

void emk_user_print_cflag(emk_ubuf *b, uint64_t v)
{
    unsigned baud = (unsigned)(v & 017) | ((v & 010000) ? 16 : 0);
    unsigned ibaud = (unsigned)((v >> 16) & 017) | ((v >> 16) & 010000 ? 16 : 0);

    emk_ub_puts(b, bauds[baud & 31]);
    if (ibaud)
        emk_ub_printf(b, "|%s<<IBSHIFT", bauds[ibaud & 31]);
    emk_ub_printf(b, "|CS%u", 5 + (unsigned)((v >> 4) & 3));
    v &= ~(uint64_t)(010017 | 060 | (010017u << 16));
    if (v) {
        emk_ub_puts(b, "|");
        emk_ub_flags(b, n_cflag, v);
    }
}

void emk_user_print_lflag(emk_ubuf *b, uint64_t v) { emk_ub_flags(b, n_lflag, v); }

void emk_user_print_rlim(emk_ubuf *b, uint64_t v)
{
    if (v == ~(uint64_t)0)
        emk_ub_puts(b, "RLIM64_INFINITY");
    else if (v && v % 1024 == 0)
        emk_ub_printf(b, "%llu*1024", (unsigned long long)(v / 1024));
    else
        emk_ub_printf(b, "%llu", (unsigned long long)v);
}

void emk_user_print_statx_mask(emk_ubuf *b, uint64_t v)
{
    const emk_unames *n = emk_user_names("statxmask", 9);

    if ((v & 0xfff) == 0xfff) {
        emk_ub_puts(b, "STATX_ALL");
        v &= ~(uint64_t)0xfff;
        if (!v)
            return;
        emk_ub_puts(b, "|");
    } else if ((v & 0x7ff) == 0x7ff) {
        emk_ub_puts(b, "STATX_BASIC_STATS");
        v &= ~(uint64_t)0x7ff;
        if (!v)
            return;
        emk_ub_puts(b, "|");
    }
    emk_ub_flags(b, n + 2, v);
}

void emk_user_print_epoll_data(emk_ubuf *b, uint64_t v)
{
    emk_ub_printf(b, "{u32=%u, u64=%llu}", (unsigned)v, (unsigned long long)v);
}
