/* ELF .debug_line reader (DWARF 2-5).  Every read is bounds-checked
 * through struct rd; a corrupt table stops parsing with a message. */
#include "dwarf_line.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounded little-endian reader. */
struct rd {
    const unsigned char *p, *end;
    int bad;
};

static uint64_t rd_n(struct rd *r, unsigned n)
{
    uint64_t v = 0;
    unsigned i;
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return 0;
    }
    for (i = 0; i < n; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += n;
    return v;
}

static uint64_t rd_uleb(struct rd *r)
{
    uint64_t v = 0;
    unsigned shift = 0;
    for (;;) {
        unsigned b = (unsigned)rd_n(r, 1);
        if (r->bad)
            return 0;
        if (shift < 64)
            v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            return v;
    }
}

static int64_t rd_sleb(struct rd *r)
{
    uint64_t v = 0;
    unsigned shift = 0, b;
    do {
        b = (unsigned)rd_n(r, 1);
        if (r->bad)
            return 0;
        if (shift < 64)
            v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40))
        v |= ~(uint64_t)0 << shift;
    return (int64_t)v;
}

static const char *rd_str(struct rd *r)
{
    const unsigned char *s = r->p;
    const void *z;
    if (r->bad)
        return NULL;
    z = memchr(s, 0, (size_t)(r->end - s));
    if (!z) {
        r->bad = 1;
        return NULL;
    }
    r->p = (const unsigned char *)z + 1;
    return (const char *)s;
}

static void skip(struct rd *r, uint64_t n)
{
    if (r->bad || (uint64_t)(r->end - r->p) < n)
        r->bad = 1;
    else
        r->p += n;
}

struct sect {
    const unsigned char *p;
    size_t len;
};

static int errf(char *err, size_t errlen, int code, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
    return code;
}

/* Locate the sections we need in a 64-bit little-endian ELF. */
static int find_sections(const unsigned char *b, size_t len, struct sect *line,
                         struct sect *line_str, struct sect *str, char *err, size_t errlen)
{
    struct rd r;
    uint64_t shoff, i;
    unsigned shentsize, shnum, shstrndx;
    const unsigned char *sh, *names;
    uint64_t names_len;
    if (len < 64 || memcmp(b, "\177ELF", 4) != 0)
        return errf(err, errlen, -ENOEXEC, "not an ELF file");
    if (b[4] != 2 || b[5] != 1)
        return errf(err, errlen, -ENOEXEC, "only 64-bit little-endian ELF is read");
    r.p = b + 0x28;
    r.end = b + len;
    r.bad = 0;
    shoff = rd_n(&r, 8);
    r.p = b + 0x3a;
    shentsize = (unsigned)rd_n(&r, 2);
    shnum = (unsigned)rd_n(&r, 2);
    shstrndx = (unsigned)rd_n(&r, 2);
    if (shentsize != 64 || shnum == 0 || shstrndx >= shnum || shoff > len ||
        (uint64_t)shnum * 64 > len - shoff)
        return errf(err, errlen, -ENOEXEC, "corrupt ELF section header table");
    sh = b + shoff;
    {
        const unsigned char *s = sh + (size_t)shstrndx * 64;
        uint64_t off = 0, sz = 0;
        struct rd q;
        q.p = s + 24; q.end = s + 64; q.bad = 0;
        off = rd_n(&q, 8);
        sz = rd_n(&q, 8);
        if (off > len || sz > len - off)
            return errf(err, errlen, -ENOEXEC, "corrupt ELF section name table");
        names = b + off;
        names_len = sz;
    }
    memset(line, 0, sizeof(*line));
    memset(line_str, 0, sizeof(*line_str));
    memset(str, 0, sizeof(*str));
    for (i = 0; i < shnum; i++) {
        const unsigned char *s = sh + i * 64;
        struct rd q;
        uint64_t name, type, flags, off, sz;
        const char *nm;
        q.p = s; q.end = s + 64; q.bad = 0;
        name = rd_n(&q, 4);
        type = rd_n(&q, 4);
        flags = rd_n(&q, 8);
        rd_n(&q, 8);
        off = rd_n(&q, 8);
        sz = rd_n(&q, 8);
        if (name >= names_len || !memchr(names + name, 0, names_len - name))
            continue;
        nm = (const char *)names + name;
        if (type == 8 /* SHT_NOBITS */ || off > len || sz > len - off)
            continue;
        if (flags & 0x800) /* SHF_COMPRESSED: not read */
            continue;
        if (!strcmp(nm, ".debug_line")) {
            line->p = b + off;
            line->len = (size_t)sz;
        } else if (!strcmp(nm, ".debug_line_str")) {
            line_str->p = b + off;
            line_str->len = (size_t)sz;
        } else if (!strcmp(nm, ".debug_str")) {
            str->p = b + off;
            str->len = (size_t)sz;
        }
    }
    if (!line->p)
        return errf(err, errlen, -ENOENT, "no (uncompressed) .debug_line section");
    return 0;
}

static const char *sect_str(const struct sect *s, uint64_t off)
{
    if (!s->p || off >= s->len || !memchr(s->p + off, 0, s->len - (size_t)off))
        return NULL;
    return (const char *)s->p + off;
}

static int add_row(struct emk_dwarf_lines *l, uint64_t addr, const char *file, uint32_t line)
{
    if (l->nrows == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 1024;
        struct emk_dwarf_row *n = realloc(l->rows, nc * sizeof(*n));
        if (!n)
            return -ENOMEM;
        l->rows = n;
        l->cap = nc;
    }
    l->rows[l->nrows].addr = addr;
    l->rows[l->nrows].file = file;
    l->rows[l->nrows].line = line;
    l->nrows++;
    return 0;
}

static const char *compose(struct emk_dwarf_lines *l, const char *dir, const char *name)
{
    size_t n;
    char *s;
    if (!name)
        return NULL;
    if (!dir || !*dir || name[0] == '/')
        return name;
    if (l->nnames == l->capnames) {
        size_t nc = l->capnames ? l->capnames * 2 : 64;
        char **a = realloc(l->names, nc * sizeof(*a));
        if (!a)
            return name;
        l->names = a;
        l->capnames = nc;
    }
    n = strlen(dir) + strlen(name) + 2;
    s = malloc(n);
    if (!s)
        return name;
    snprintf(s, n, "%s/%s", dir, name);
    l->names[l->nnames++] = s;
    return s;
}

enum { MAX_FILES = 4096, MAX_DIRS = 1024 };

/* Read one attribute value of a v5 entry; strings returned, others in *v. */
static const char *rd_form(struct rd *r, uint64_t form, int off64, const struct sect *line_str,
                           const struct sect *str, uint64_t *v)
{
    *v = 0;
    switch (form) {
    case 0x08: return rd_str(r);                                     /* string */
    case 0x1f: return sect_str(line_str, rd_n(r, off64 ? 8 : 4));    /* line_strp */
    case 0x0e: return sect_str(str, rd_n(r, off64 ? 8 : 4));         /* strp */
    case 0x0f: *v = rd_uleb(r); return NULL;                         /* udata */
    case 0x0b: *v = rd_n(r, 1); return NULL;
    case 0x05: *v = rd_n(r, 2); return NULL;
    case 0x06: *v = rd_n(r, 4); return NULL;
    case 0x07: *v = rd_n(r, 8); return NULL;
    case 0x1e: skip(r, 16); return NULL;                             /* data16 */
    case 0x09: skip(r, rd_uleb(r)); return NULL;                     /* block */
    default: r->bad = 1; return NULL;
    }
}

/* v5 directory or file table. */
static int v5_table(struct emk_dwarf_lines *l, struct rd *r, int off64, const struct sect *ls,
                    const struct sect *s, const char **dirs, size_t ndirs, const char **out,
                    size_t max, size_t *count)
{
    uint64_t fmt[16][2], n, i;
    unsigned nf = (unsigned)rd_n(r, 1), j;
    if (nf > 16)
        return -1;
    for (j = 0; j < nf; j++) {
        fmt[j][0] = rd_uleb(r);
        fmt[j][1] = rd_uleb(r);
    }
    n = rd_uleb(r);
    if (r->bad || n > max)
        return -1;
    for (i = 0; i < n; i++) {
        const char *path = NULL;
        uint64_t dir = 0, v;
        for (j = 0; j < nf; j++) {
            const char *sv = rd_form(r, fmt[j][1], off64, ls, s, &v);
            if (fmt[j][0] == 1)
                path = sv;
            else if (fmt[j][0] == 2)
                dir = v;
        }
        if (r->bad)
            return -1;
        out[i] = dirs ? compose(l, dir < ndirs ? dirs[dir] : NULL, path) : path;
    }
    *count = (size_t)n;
    return 0;
}

/* One line-number program (one unit).  Returns 0 or -EINVAL. */
static int unit(struct emk_dwarf_lines *l, struct rd *r, const struct sect *ls,
                const struct sect *s)
{
    static const char *dirs[MAX_DIRS], *files[MAX_FILES];
    size_t ndirs = 0, nfiles = 0;
    uint64_t ulen = rd_n(r, 4), hlen;
    int off64 = 0, ver, is_v5;
    unsigned minlen, line_range, opbase, j, addrsize = 8;
    int line_base;
    unsigned char oplen[256];
    struct rd u, prog;
    uint64_t addr = 0, file = 1, line = 1;

    if (ulen == 0xffffffffu) {
        ulen = rd_n(r, 8);
        off64 = 1;
    }
    if (r->bad || ulen > (uint64_t)(r->end - r->p))
        return -EINVAL;
    u.p = r->p;
    u.end = r->p + ulen;
    u.bad = 0;
    r->p = u.end;
    ver = (int)rd_n(&u, 2);
    if (ver < 2 || ver > 5)
        return -EINVAL;
    is_v5 = ver == 5;
    if (is_v5) {
        addrsize = (unsigned)rd_n(&u, 1);
        rd_n(&u, 1);
        if (addrsize != 4 && addrsize != 8)
            return -EINVAL;
    }
    hlen = rd_n(&u, off64 ? 8 : 4);
    if (u.bad || hlen > (uint64_t)(u.end - u.p))
        return -EINVAL;
    prog.p = u.p + hlen;
    prog.end = u.end;
    prog.bad = 0;
    minlen = (unsigned)rd_n(&u, 1);
    if (ver >= 4)
        rd_n(&u, 1);
    rd_n(&u, 1); /* default_is_stmt: rows are kept regardless */
    line_base = (int)(signed char)rd_n(&u, 1);
    line_range = (unsigned)rd_n(&u, 1);
    opbase = (unsigned)rd_n(&u, 1);
    if (u.bad || line_range == 0 || opbase == 0)
        return -EINVAL;
    memset(oplen, 0, sizeof(oplen));
    for (j = 1; j < opbase; j++)
        oplen[j] = (unsigned char)rd_n(&u, 1);
    if (is_v5) {
        if (v5_table(l, &u, off64, ls, s, NULL, 0, dirs, MAX_DIRS, &ndirs) < 0 ||
            v5_table(l, &u, off64, ls, s, dirs, ndirs, files, MAX_FILES, &nfiles) < 0)
            return -EINVAL;
        file = 1;
    } else {
        dirs[ndirs++] = NULL; /* index 0: compilation directory (unknown here) */
        for (;;) {
            const char *d = rd_str(&u);
            if (!d || !*d || ndirs == MAX_DIRS)
                break;
            dirs[ndirs++] = d;
        }
        files[nfiles++] = NULL; /* v2-4 file indices start at 1 */
        for (;;) {
            const char *f = rd_str(&u);
            uint64_t di;
            if (!f || !*f || nfiles == MAX_FILES)
                break;
            di = rd_uleb(&u);
            rd_uleb(&u);
            rd_uleb(&u);
            files[nfiles++] = compose(l, di < ndirs ? dirs[di] : NULL, f);
        }
        if (u.bad)
            return -EINVAL;
    }
#define FILE_NAME (file < nfiles ? files[file] : NULL)
    while (prog.p < prog.end && !prog.bad) {
        unsigned op = (unsigned)rd_n(&prog, 1);
        if (op >= opbase) {
            unsigned adj = op - opbase;
            addr += (uint64_t)(adj / line_range) * minlen;
            line += (uint64_t)(int64_t)(line_base + (int)(adj % line_range));
            if (add_row(l, addr, FILE_NAME, (uint32_t)line) < 0)
                return -ENOMEM;
            continue;
        }
        switch (op) {
        case 0: {
            uint64_t n = rd_uleb(&prog);
            const unsigned char *next;
            unsigned sub;
            if (prog.bad || n == 0 || n > (uint64_t)(prog.end - prog.p))
                return -EINVAL;
            next = prog.p + n;
            sub = (unsigned)rd_n(&prog, 1);
            if (sub == 1) {
                if (add_row(l, addr, NULL, 0) < 0)
                    return -ENOMEM;
                addr = 0;
                file = 1;
                line = 1;
            } else if (sub == 2) {
                if (n - 1 != 4 && n - 1 != 8)
                    return -EINVAL;
                addr = rd_n(&prog, (unsigned)(n - 1));
            }
            prog.p = next;
            break;
        }
        case 1:
            if (add_row(l, addr, FILE_NAME, (uint32_t)line) < 0)
                return -ENOMEM;
            break;
        case 2: addr += rd_uleb(&prog) * minlen; break;
        case 3: line += (uint64_t)rd_sleb(&prog); break;
        case 4: file = rd_uleb(&prog); break;
        case 8: addr += (uint64_t)((255 - opbase) / line_range) * minlen; break;
        case 9: addr += rd_n(&prog, 2); break;
        default:
            for (j = 0; j < oplen[op]; j++)
                rd_uleb(&prog);
        }
    }
#undef FILE_NAME
    return prog.bad ? -EINVAL : 0;
}

static int cmp_row(const void *a, const void *b)
{
    const struct emk_dwarf_row *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    /* at one address, an end-of-sequence sorts first so code rows win */
    return (x->file != NULL) - (y->file != NULL);
}

int emk_dwarf_lines_parse(struct emk_dwarf_lines *l, const void *elf, size_t len,
                          char *err, size_t errlen)
{
    struct sect line, ls, s;
    struct rd r;
    int e;
    memset(l, 0, sizeof(*l));
    if (len > EMK_DWARF_MAX_FILE)
        return errf(err, errlen, -EFBIG, "ELF file too large");
    l->buf = malloc(len ? len : 1);
    if (!l->buf)
        return errf(err, errlen, -ENOMEM, "out of memory");
    memcpy(l->buf, elf, len);
    l->len = len;
    e = find_sections(l->buf, len, &line, &ls, &s, err, errlen);
    if (e < 0)
        return e;
    r.p = line.p;
    r.end = line.p + line.len;
    r.bad = 0;
    while (r.p < r.end) {
        size_t at = (size_t)(r.p - line.p);
        e = unit(l, &r, &ls, &s);
        if (e == -ENOMEM)
            return errf(err, errlen, e, "out of memory");
        if (e < 0) {
            if (err && errlen)
                snprintf(err, errlen, ".debug_line: corrupt unit at offset %lu",
                         (unsigned long)at);
            break;
        }
    }
    if (l->nrows)
        qsort(l->rows, l->nrows, sizeof(*l->rows), cmp_row);
    return e < 0 ? e : (int)(l->nrows > 0x7fffffff ? 0x7fffffff : l->nrows);
}

int emk_dwarf_lines_load(struct emk_dwarf_lines *l, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    unsigned char *b;
    long n;
    int r;
    memset(l, 0, sizeof(*l));
    if (!f) {
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot open", path);
        return -errno;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > EMK_DWARF_MAX_FILE ||
        fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return errf(err, errlen, -EFBIG, "cannot size the ELF file (or it is too large)");
    }
    b = malloc((size_t)n + 1);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        fclose(f);
        return errf(err, errlen, -EIO, "cannot read the ELF file");
    }
    fclose(f);
    r = emk_dwarf_lines_parse(l, b, (size_t)n, err, errlen);
    free(b);
    return r;
}

int emk_dwarf_lines_find(const struct emk_dwarf_lines *l, uint64_t addr, const char **file,
                         uint32_t *line)
{
    size_t lo = 0, hi = l->nrows;
    if (!l->nrows || addr < l->rows[0].addr)
        return 0;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->rows[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    /* several rows at one address: take the last (code) row */
    if (!l->rows[lo].file)
        return 0;
    *file = l->rows[lo].file;
    *line = l->rows[lo].line;
    return 1;
}

void emk_dwarf_lines_fini(struct emk_dwarf_lines *l)
{
    size_t i;
    for (i = 0; i < l->nnames; i++)
        free(l->names[i]);
    free(l->names);
    free(l->rows);
    free(l->buf);
    memset(l, 0, sizeof(*l));
}
