/* Streaming parser for din and binary address traces. */
#include "cache_trace.h"
#include "emkit/cache.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const unsigned char emk_trace_magic[EMK_TRACE_BIN_MAGIC_LEN] = {
    'E', 'M', 'K', 'T', 'R', 'C', '1', 0
};

void emk_trace_init(struct emk_trace_parser *p, int format, uint32_t default_size)
{
    memset(p, 0, sizeof(*p));
    p->format = format;
    p->default_size = default_size ? default_size : 4;
    p->line = 1;
}

int emk_trace_detect(const void *buf, size_t len)
{
    if (len >= EMK_TRACE_BIN_MAGIC_LEN && memcmp(buf, emk_trace_magic, EMK_TRACE_BIN_MAGIC_LEN) == 0)
        return EMK_TRACE_BINARY;
    return EMK_TRACE_DIN;
}

static int fail(struct emk_trace_parser *p, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (p->format == EMK_TRACE_DIN)
        n = snprintf(p->msg, sizeof(p->msg), "line %llu: ", (unsigned long long)p->line);
    else
        n = snprintf(p->msg, sizeof(p->msg), "offset %llu: ", (unsigned long long)p->offset);
    if (n < 0 || (size_t)n >= sizeof(p->msg))
        n = 0;
    va_start(ap, fmt);
    vsnprintf(p->msg + n, sizeof(p->msg) - (size_t)n, fmt, ap);
    va_end(ap);
    p->error = -EINVAL;
    return p->error;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parse one unsigned field; base 16 or 10.  Returns chars used or -1. */
static int parse_num(const char *s, size_t len, int base, uint64_t *out)
{
    size_t i = 0;
    uint64_t v = 0;
    if (base == 16 && len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        i = 2;
    if (i >= len)
        return -1;
    for (; i < len; i++) {
        int d = hexval((unsigned char)s[i]);
        if (d < 0 || d >= base)
            return -1;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return -2;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = v;
    return (int)i;
}

static int din_line(struct emk_trace_parser *p, const char *s, size_t len,
                    emk_trace_cb cb, void *ctx)
{
    const char *f[4];
    size_t fl[4], i = 0;
    int nf = 0, r;
    uint64_t label, addr, size = p->default_size, cpu = 0;
    struct emk_trace_rec rec;

    while (i < len) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
            i++;
        if (i >= len || s[i] == '#')
            break;
        if (nf == 4)
            return fail(p, "too many fields (want: label address [size [cpu]])");
        f[nf] = s + i;
        while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '#')
            i++;
        fl[nf] = (size_t)(s + i - f[nf]);
        nf++;
    }
    if (nf == 0)
        return 0;
    if (nf < 2 || nf > 4)
        return fail(p, "want 'label address [size [cpu]]', got %d field%s", nf, nf == 1 ? "" : "s");
    if (parse_num(f[0], fl[0], 10, &label) < 0 || label > EMK_DIN_FLUSH)
        return fail(p, "bad label '%.*s' (0 read, 1 write, 2 ifetch, 3/4 escape)",
                    (int)(fl[0] > 16 ? 16 : fl[0]), f[0]);
    if ((r = parse_num(f[1], fl[1], 16, &addr)) < 0)
        return fail(p, "bad hex address '%.*s'%s", (int)(fl[1] > 24 ? 24 : fl[1]), f[1],
                    r == -2 ? " (more than 64 bits)" : "");
    if (nf >= 3 && (parse_num(f[2], fl[2], 10, &size) < 0 || size == 0 ||
                    size > EMK_TRACE_MAX_SIZE))
        return fail(p, "bad size '%.*s' (1..%d)", (int)(fl[2] > 16 ? 16 : fl[2]), f[2],
                    EMK_TRACE_MAX_SIZE);
    if (nf == 4 && (parse_num(f[3], fl[3], 10, &cpu) < 0 || cpu >= EMK_CACHE_MAX_CPUS))
        return fail(p, "bad cpu '%.*s' (0..%d)", (int)(fl[3] > 16 ? 16 : fl[3]), f[3],
                    EMK_CACHE_MAX_CPUS - 1);
    if (label >= EMK_DIN_ESCAPE)
        return 0;
    rec.addr = addr;
    rec.size = (uint32_t)size;
    rec.kind = label == EMK_DIN_READ ? EMK_CACHE_READ
             : label == EMK_DIN_WRITE ? EMK_CACHE_WRITE : EMK_CACHE_IFETCH;
    rec.cpu = (uint8_t)cpu;
    p->records++;
    r = cb(ctx, &rec);
    if (r < 0) {
        p->error = r;
        snprintf(p->msg, sizeof(p->msg), "line %llu: record rejected (%d)",
                 (unsigned long long)p->line, r);
    }
    return r < 0 ? r : 0;
}

static uint64_t le64(const unsigned char *b)
{
    uint64_t v = 0;
    int i;
    for (i = 7; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}

static int bin_rec(struct emk_trace_parser *p, const unsigned char *b, emk_trace_cb cb, void *ctx)
{
    struct emk_trace_rec rec;
    uint32_t size = (uint32_t)b[8] | (uint32_t)b[9] << 8 | (uint32_t)b[10] << 16 |
                    (uint32_t)b[11] << 24;
    int r;
    if (b[12] > EMK_CACHE_WRITE)
        return fail(p, "bad kind %u (0 ifetch, 1 read, 2 write)", b[12]);
    if (size == 0 || size > EMK_TRACE_MAX_SIZE)
        return fail(p, "bad size %lu (1..%d)", (unsigned long)size, EMK_TRACE_MAX_SIZE);
    if (b[13] >= EMK_CACHE_MAX_CPUS)
        return fail(p, "bad cpu %u (0..%d)", b[13], EMK_CACHE_MAX_CPUS - 1);
    if (b[14] || b[15])
        return fail(p, "reserved bytes are not zero");
    rec.addr = le64(b);
    rec.size = size;
    rec.kind = b[12];
    rec.cpu = b[13];
    p->records++;
    r = cb(ctx, &rec);
    if (r < 0) {
        p->error = r;
        snprintf(p->msg, sizeof(p->msg), "offset %llu: record rejected (%d)",
                 (unsigned long long)p->offset, r);
    }
    return r < 0 ? r : 0;
}

static int feed_bin(struct emk_trace_parser *p, const unsigned char *b, size_t len,
                    emk_trace_cb cb, void *ctx)
{
    while (len > 0) {
        size_t need = p->header_done ? EMK_TRACE_BIN_REC : EMK_TRACE_BIN_MAGIC_LEN;
        size_t take = need - p->carry_len;
        const unsigned char *rec;
        int r;
        if (p->carry_len == 0 && len >= need) {
            rec = b;
            take = need;
        } else {
            if (take > len)
                take = len;
            memcpy(p->carry + p->carry_len, b, take);
            p->carry_len += take;
            b += take;
            len -= take;
            if (p->carry_len < need)
                return 0;
            rec = p->carry;
            take = 0;
        }
        if (!p->header_done) {
            if (memcmp(rec, emk_trace_magic, EMK_TRACE_BIN_MAGIC_LEN) != 0)
                return fail(p, "bad magic (want \"EMKTRC1\\0\")");
            p->header_done = 1;
        } else if ((r = bin_rec(p, rec, cb, ctx)) < 0) {
            return r;
        }
        p->offset += need;
        p->carry_len = 0;
        b += take;
        len -= take;
    }
    return 0;
}

static int feed_din(struct emk_trace_parser *p, const char *s, size_t len,
                    emk_trace_cb cb, void *ctx)
{
    while (len > 0) {
        const char *nl = memchr(s, '\n', len);
        size_t n = nl ? (size_t)(nl - s) : len;
        int r;
        if (!nl) {
            if (p->carry_len + n > EMK_TRACE_MAX_LINE)
                return fail(p, "line longer than %d bytes", EMK_TRACE_MAX_LINE);
            memcpy(p->carry + p->carry_len, s, n);
            p->carry_len += n;
            return 0;
        }
        if (p->carry_len) {
            if (p->carry_len + n > EMK_TRACE_MAX_LINE)
                return fail(p, "line longer than %d bytes", EMK_TRACE_MAX_LINE);
            memcpy(p->carry + p->carry_len, s, n);
            r = din_line(p, (const char *)p->carry, p->carry_len + n, cb, ctx);
            p->carry_len = 0;
        } else {
            if (n > EMK_TRACE_MAX_LINE)
                return fail(p, "line longer than %d bytes", EMK_TRACE_MAX_LINE);
            r = din_line(p, s, n, cb, ctx);
        }
        if (r < 0)
            return r;
        p->line++;
        p->offset += n + 1;
        s += n + 1;
        len -= n + 1;
    }
    return 0;
}

int emk_trace_feed(struct emk_trace_parser *p, const void *buf, size_t len,
                   emk_trace_cb cb, void *ctx)
{
    if (p->error)
        return p->error;
    if (p->format == EMK_TRACE_BINARY)
        return feed_bin(p, buf, len, cb, ctx);
    return feed_din(p, buf, len, cb, ctx);
}

int emk_trace_finish(struct emk_trace_parser *p, emk_trace_cb cb, void *ctx)
{
    int r;
    if (p->error)
        return p->error;
    if (p->format == EMK_TRACE_BINARY) {
        if (!p->header_done)
            return fail(p, "truncated header (%lu of %d magic bytes)",
                        (unsigned long)p->carry_len, EMK_TRACE_BIN_MAGIC_LEN);
        if (p->carry_len)
            return fail(p, "truncated record (%lu of %d bytes)", (unsigned long)p->carry_len,
                        EMK_TRACE_BIN_REC);
        return 0;
    }
    if (p->carry_len) {
        r = din_line(p, (const char *)p->carry, p->carry_len, cb, ctx);
        p->carry_len = 0;
        if (r < 0)
            return r;
    }
    return 0;
}

void emk_trace_encode(const struct emk_trace_rec *r, unsigned char out[16])
{
    int i;
    for (i = 0; i < 8; i++)
        out[i] = (unsigned char)(r->addr >> (8 * i));
    for (i = 0; i < 4; i++)
        out[8 + i] = (unsigned char)(r->size >> (8 * i));
    out[12] = r->kind;
    out[13] = r->cpu;
    out[14] = 0;
    out[15] = 0;
}
