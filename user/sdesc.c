/*
 * sdesc.c - the struct descriptor engine: guest layouts per ABI, guest <->
 * host conversion, and the strace-style printer, all from one table.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "sdesc.h"

const emk_uabi emk_uabi_rv64 = { "lp64le", 8, 8, 8, 0 };
const emk_uabi emk_uabi_ilp32 = { "ilp32le", 4, 4, 8, 0 };
const emk_uabi emk_uabi_ilp32be = { "ilp32be", 4, 4, 8, 1 };
const emk_uabi emk_uabi_lp64be = { "lp64be", 8, 8, 8, 1 };

static size_t scalar_size(int type, const emk_uabi *abi)
{
    switch (type) {
    case UF_U8: case UF_S8: case UF_PAD: return 1;
    case UF_U16: case UF_S16: return 2;
    case UF_U32: case UF_S32: return 4;
    case UF_U64: case UF_S64: return 8;
    case UF_ULONG: case UF_LONG: return abi->long_size;
    case UF_PTR: return abi->ptr_size;
    default: return 0;
    }
}

static size_t scalar_align(int type, const emk_uabi *abi)
{
    if (type == UF_U64 || type == UF_S64)
        return abi->u64_align;
    return scalar_size(type, abi);
}

static int is_signed(int type)
{
    return type == UF_S8 || type == UF_S16 || type == UF_S32 || type == UF_S64 ||
           type == UF_LONG;
}

size_t emk_ustruct_layout(const emk_ustruct *s, const emk_uabi *abi, uint32_t *offs,
                          size_t *align)
{
    size_t off = 0, al = 1;
    int i;

    for (i = 0; i < s->nf; i++) {
        const emk_ufield *f = &s->f[i];
        size_t sz, a;
        if (f->type == UF_STRUCT) {
            sz = emk_ustruct_layout(f->sub, abi, NULL, &a);
        } else {
            sz = scalar_size(f->type, abi);
            a = scalar_align(f->type, abi);
        }
        if (s->galign == 1)
            a = 1;
        if (a > al)
            al = a;
        off = (off + a - 1) & ~(a - 1);
        if (offs)
            offs[i] = (uint32_t)off;
        off += sz * (f->count ? f->count : 1);
    }
    off = (off + al - 1) & ~(al - 1);
    if (align)
        *align = al;
    return off;
}

/* Layouts are computed once per (struct, ABI): a small direct-mapped
 * cache, each slot under its own spin lock (conversions run on every
 * guest thread). */
enum { LCACHE = 128 };
typedef struct lslot {
    int lock;
    const emk_ustruct *s;
    const emk_uabi *abi;
    size_t size;
    uint32_t offs[EMK_US_MAXF];
} lslot;
static lslot lcache[LCACHE];

static size_t layout(const emk_ustruct *s, const emk_uabi *abi, uint32_t *offs)
{
    lslot *l = &lcache[(((uintptr_t)s >> 3) ^ ((uintptr_t)abi >> 3)) % LCACHE];
    size_t size;

    if (s->nf > EMK_US_MAXF)
        return 0;
    emk_spin_lock(&l->lock);
    if (l->s != s || l->abi != abi) {
        l->size = emk_ustruct_layout(s, abi, l->offs, NULL);
        l->s = s;
        l->abi = abi;
    }
    memcpy(offs, l->offs, sizeof(uint32_t) * s->nf);
    size = l->size;
    emk_spin_unlock(&l->lock);
    return size;
}

size_t emk_ustruct_gsize(const emk_ustruct *s, const emk_uabi *abi)
{
    uint32_t offs[EMK_US_MAXF];

    return layout(s, abi, offs);
}

static uint64_t get_n(const uint8_t *p, size_t n, int be)
{
    uint64_t v = 0;
    size_t i;

    for (i = 0; i < n; i++)
        v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
    return v;
}

static void put_n(uint8_t *p, size_t n, int be, uint64_t v)
{
    size_t i;

    for (i = 0; i < n; i++)
        p[be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static uint64_t sext(uint64_t v, size_t n)
{
    if (n >= 8)
        return v;
    if (v & ((uint64_t)1 << (8 * n - 1)))
        v |= ~(uint64_t)0 << (8 * n);
    return v;
}

/* host: native byte order */
static uint64_t host_get(const uint8_t *p, size_t n, int sgn)
{
    uint8_t u8; uint16_t u16; uint32_t u32; uint64_t u64;

    switch (n) {
    case 1: memcpy(&u8, p, 1); return sgn ? (uint64_t)(int64_t)(int8_t)u8 : u8;
    case 2: memcpy(&u16, p, 2); return sgn ? (uint64_t)(int64_t)(int16_t)u16 : u16;
    case 4: memcpy(&u32, p, 4); return sgn ? (uint64_t)(int64_t)(int32_t)u32 : u32;
    case 8: memcpy(&u64, p, 8); return u64;
    default: return 0;
    }
}

static void host_put(uint8_t *p, size_t n, uint64_t v)
{
    uint8_t u8 = (uint8_t)v; uint16_t u16 = (uint16_t)v; uint32_t u32 = (uint32_t)v;

    switch (n) {
    case 1: memcpy(p, &u8, 1); break;
    case 2: memcpy(p, &u16, 2); break;
    case 4: memcpy(p, &u32, 4); break;
    case 8: memcpy(p, &v, 8); break;
    default: break;
    }
}

int emk_ustruct_to_host(const emk_ustruct *s, const emk_uabi *abi, const uint8_t *g,
                        void *hv, emk_uptr_fn ptr, void *ctx)
{
    uint32_t offs[EMK_US_MAXF];
    uint8_t *h = hv;
    int i;
    unsigned k;

    layout(s, abi, offs);
    memset(h, 0, s->hsize);
    for (i = 0; i < s->nf; i++) {
        const emk_ufield *f = &s->f[i];
        unsigned cnt = f->count ? f->count : 1;
        if (f->type == UF_PAD || f->hsize == 0)
            continue;
        for (k = 0; k < cnt; k++) {
            if (f->type == UF_STRUCT) {
                size_t gs = emk_ustruct_gsize(f->sub, abi);
                int r = emk_ustruct_to_host(f->sub, abi, g + offs[i] + k * gs,
                                            h + f->hoff + k * f->hsize, ptr, ctx);
                if (r < 0)
                    return r;
            } else {
                size_t gn = scalar_size(f->type, abi);
                uint64_t v = get_n(g + offs[i] + k * gn, gn, abi->big_endian);
                if (is_signed(f->type))
                    v = sext(v, gn);
                if (f->type == UF_PTR && ptr) {
                    int r = ptr(ctx, v, &v);
                    if (r < 0)
                        return r;
                }
                host_put(h + f->hoff + k * f->hsize, f->hsize, v);
            }
        }
    }
    return 0;
}

void emk_ustruct_to_guest(const emk_ustruct *s, const emk_uabi *abi, const void *hv,
                          uint8_t *g)
{
    uint32_t offs[EMK_US_MAXF];
    const uint8_t *h = hv;
    size_t total = layout(s, abi, offs);
    int i;
    unsigned k;

    memset(g, 0, total);
    for (i = 0; i < s->nf; i++) {
        const emk_ufield *f = &s->f[i];
        unsigned cnt = f->count ? f->count : 1;
        if (f->type == UF_PAD || f->hsize == 0)
            continue;
        for (k = 0; k < cnt; k++) {
            if (f->type == UF_STRUCT) {
                size_t gs = emk_ustruct_gsize(f->sub, abi);
                emk_ustruct_to_guest(f->sub, abi, h + f->hoff + k * f->hsize,
                                     g + offs[i] + k * gs);
            } else {
                size_t gn = scalar_size(f->type, abi);
                uint64_t v = host_get(h + f->hoff + k * f->hsize, f->hsize, is_signed(f->type));
                put_n(g + offs[i] + k * gn, gn, abi->big_endian, v);
            }
        }
    }
}

uint64_t emk_ustruct_get(const emk_ustruct *s, const emk_uabi *abi, const uint8_t *g, int i)
{
    uint32_t offs[EMK_US_MAXF];
    size_t n;
    uint64_t v;

    layout(s, abi, offs);
    if (s->f[i].type == UF_STRUCT || s->f[i].type == UF_PAD)
        return 0;
    n = scalar_size(s->f[i].type, abi);
    v = get_n(g + offs[i], n, abi->big_endian);
    return is_signed(s->f[i].type) ? sext(v, n) : v;
}

/* ---- text ---- */

void emk_ub_puts(emk_ubuf *b, const char *s)
{
    size_t l = strlen(s);

    if (l > sizeof(b->s) - 1 - b->n)
        l = sizeof(b->s) - 1 - b->n;
    memcpy(b->s + b->n, s, l);
    b->n += l;
    b->s[b->n] = 0;
}

void emk_ub_printf(emk_ubuf *b, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = vsnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
    va_end(ap);
    if (r > 0)
        b->n += (size_t)r < sizeof(b->s) - b->n ? (size_t)r : sizeof(b->s) - 1 - b->n;
}

void emk_ub_quoted(emk_ubuf *b, const uint8_t *d, size_t n, size_t max, int more)
{
    size_t i, show = n < max ? n : max;
    char t[8];

    emk_ub_puts(b, "\"");
    for (i = 0; i < show; i++) {
        uint8_t c = d[i];
        switch (c) {
        case '"': emk_ub_puts(b, "\\\""); continue;
        case '\\': emk_ub_puts(b, "\\\\"); continue;
        case '\t': emk_ub_puts(b, "\\t"); continue;
        case '\n': emk_ub_puts(b, "\\n"); continue;
        case '\v': emk_ub_puts(b, "\\v"); continue;
        case '\f': emk_ub_puts(b, "\\f"); continue;
        case '\r': emk_ub_puts(b, "\\r"); continue;
        default: break;
        }
        if (c >= 0x20 && c < 0x7f) {
            t[0] = (char)c;
            t[1] = 0;
        } else if (i + 1 < show && d[i + 1] >= '0' && d[i + 1] <= '7') {
            snprintf(t, sizeof(t), "\\%03o", c);
        } else {
            snprintf(t, sizeof(t), "\\%o", c);
        }
        emk_ub_puts(b, t);
    }
    emk_ub_puts(b, "\"");
    if (n > max || more)
        emk_ub_puts(b, "...");
}

void emk_ub_flags(emk_ubuf *b, const emk_unames *names, uint64_t v)
{
    int first = 1;
    const emk_unames *n;

    if (v == 0) {
        for (n = names; n && n->name; n++)
            if (n->v == 0) {
                emk_ub_puts(b, n->name);
                return;
            }
        emk_ub_puts(b, "0");
        return;
    }
    for (n = names; n && n->name; n++) {
        if (n->v && (v & n->v) == n->v) {
            emk_ub_printf(b, "%s%s", first ? "" : "|", n->name);
            first = 0;
            v &= ~n->v;
        }
    }
    if (v)
        emk_ub_printf(b, "%s%#llx", first ? "" : "|", (unsigned long long)v);
}

void emk_ub_enum(emk_ubuf *b, const emk_unames *names, uint64_t v, const char *dflt_fmt)
{
    const emk_unames *n;

    for (n = names; n && n->name; n++)
        if (n->v == v) {
            emk_ub_puts(b, n->name);
            return;
        }
    emk_ub_printf(b, dflt_fmt ? dflt_fmt : "%llu", (unsigned long long)v);
}

void emk_ub_mode(emk_ubuf *b, uint64_t mode, int with_type)
{
    static const emk_unames types[] = {
        { 0140000, "S_IFSOCK" }, { 0120000, "S_IFLNK" }, { 0100000, "S_IFREG" },
        { 0060000, "S_IFBLK" }, { 0040000, "S_IFDIR" }, { 0020000, "S_IFCHR" },
        { 0010000, "S_IFIFO" }, { 0, NULL } };
    const emk_unames *n;

    if (with_type) {
        for (n = types; n->name; n++)
            if ((mode & 0170000) == n->v) {
                emk_ub_printf(b, "%s|", n->name);
                break;
            }
    }
    if (mode & 04000) emk_ub_puts(b, "S_ISUID|");
    if (mode & 02000) emk_ub_puts(b, "S_ISGID|");
    if (mode & 01000) emk_ub_puts(b, "S_ISVTX|");
    emk_ub_printf(b, "%#03llo", (unsigned long long)(mode & 0777));
}

static void print_scalar(emk_ubuf *b, const emk_ufield *f, uint64_t v)
{
    switch (f->print) {
    case PR_HEX: emk_ub_printf(b, "%#llx", (unsigned long long)v); break;
    case PR_OCT: emk_ub_printf(b, "%#llo", (unsigned long long)v); break;
    case PR_CUSTOM: if (f->custom) f->custom(b, v); break;
    case PR_FLAGS: emk_ub_flags(b, f->names, v); break;
    case PR_ENUM: emk_ub_enum(b, f->names, v, NULL); break;
    case PR_MODE: emk_ub_mode(b, v, 1); break;
    case PR_DEV: {
        unsigned long long ma = ((v >> 8) & 0xfff) | ((v >> 32) & ~0xfffull);
        unsigned long long mi = (v & 0xff) | ((v >> 12) & ~0xffull);
        emk_ub_printf(b, "makedev(%#llx, %#llx)", ma, mi);
        break;
    }
    case PR_PTR:
        if (v) emk_ub_printf(b, "%#llx", (unsigned long long)v);
        else emk_ub_puts(b, "NULL");
        break;
    default:
        if (is_signed(f->type))
            emk_ub_printf(b, "%lld", (long long)v);
        else
            emk_ub_printf(b, "%llu", (unsigned long long)v);
        break;
    }
}

void emk_ustruct_print(emk_ubuf *b, const emk_ustruct *s, const emk_uabi *abi,
                       const uint8_t *g, int verbose)
{
    uint32_t offs[EMK_US_MAXF];
    int i, first = 1, isdev = 0, skipped = 0;
    unsigned k;

    layout(s, abi, offs);
    for (i = 0; i < s->nf; i++)
        if (s->f[i].print == PR_MODE) {
            uint64_t m = emk_ustruct_get(s, abi, g, i) & 0170000;
            isdev = m == 0020000 || m == 0060000;
        }
    emk_ub_puts(b, "{");
    for (i = 0; i < s->nf; i++) {
        const emk_ufield *f = &s->f[i];
        unsigned cnt = f->count ? f->count : 1;
        if (f->type == UF_PAD || f->print == PR_HIDE || !f->name)
            continue;
        if ((f->flags & UFF_NODEV) && isdev)
            continue;
        if ((f->flags & UFF_DEVONLY) && !isdev)
            continue;
        if (!verbose && (s->flags & US_ABBREV) && !(f->flags & UFF_ABBR)) {
            skipped = 1;
            continue;
        }
        emk_ub_printf(b, "%s%s=", first ? "" : ", ", f->name);
        first = 0;
        if (f->print == PR_CHARS) {
            size_t l = 0;
            while (l < cnt && g[offs[i] + l])
                l++;
            emk_ub_quoted(b, g + offs[i], l, 1 << 20, 0);
            continue;
        }
        if (f->type == UF_STRUCT) {
            size_t gs = emk_ustruct_gsize(f->sub, abi);
            if (cnt > 1) emk_ub_puts(b, "[");
            for (k = 0; k < cnt; k++) {
                if (k) emk_ub_puts(b, ", ");
                emk_ustruct_print(b, f->sub, abi, g + offs[i] + k * gs, verbose);
            }
            if (cnt > 1) emk_ub_puts(b, "]");
            continue;
        }
        if (cnt > 1) {
            size_t gn = scalar_size(f->type, abi);
            emk_ub_puts(b, "[");
            for (k = 0; k < cnt; k++) {
                uint64_t v = get_n(g + offs[i] + k * gn, gn, abi->big_endian);
                if (is_signed(f->type))
                    v = sext(v, gn);
                if (k) emk_ub_puts(b, ", ");
                print_scalar(b, f, v);
            }
            emk_ub_puts(b, "]");
            continue;
        }
        print_scalar(b, f, emk_ustruct_get(s, abi, g, i));
    }
    if (skipped)
        emk_ub_puts(b, first ? "..." : ", ...");
    emk_ub_puts(b, "}");
}
