/* Reports of the TCG plugin: cachegrind.out file, top-N instructions and
 * per-function totals. */
#include "cg_plugin.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *nz(const char *s)
{
    return s ? s : "???";
}

/* Order: file, function, line, address. */
static int cmp_loc(const void *a, const void *b)
{
    const struct cgp_insn *x = *(const struct cgp_insn *const *)a;
    const struct cgp_insn *y = *(const struct cgp_insn *const *)b;
    int c = strcmp(nz(x->file), nz(y->file));
    if (c)
        return c;
    c = strcmp(nz(x->sym), nz(y->sym));
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void put_counts(FILE *f, const uint64_t *ev)
{
    int i;
    for (i = 0; i < CGP_NEVENTS; i++)
        fprintf(f, " %llu", (unsigned long long)ev[i]);
    fputc('\n', f);
}

int cgp_write_cachegrind_out(const struct cgp_report *r, const char *path)
{
    FILE *f = fopen(path, "w");
    uint64_t tot[CGP_NEVENTS], acc[CGP_NEVENTS];
    const char *fl = NULL, *fn = NULL;
    uint32_t line = 0;
    size_t i;
    int k, have = 0;
    if (!f)
        return -errno;
    qsort(r->all, r->n, sizeof(*r->all), cmp_loc);
    memset(tot, 0, sizeof(tot));
    memset(acc, 0, sizeof(acc));
    fprintf(f, "desc: I1 cache:         %s\n", r->desc[0]);
    fprintf(f, "desc: D1 cache:         %s\n", r->desc[1]);
    fprintf(f, "desc: LL cache:         %s\n", r->desc[2]);
    fprintf(f, "cmd: %s\n", nz(r->cmd));
    fprintf(f, "events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw\n");
    for (i = 0; i < r->n; i++) {
        const struct cgp_insn *in = r->all[i];
        int newfl = !fl || strcmp(fl, nz(in->file)) != 0;
        int newfn = newfl || strcmp(fn, nz(in->sym)) != 0;
        if (have && (newfn || in->line != line)) {
            fprintf(f, "%lu", (unsigned long)line);
            put_counts(f, acc);
            memset(acc, 0, sizeof(acc));
            have = 0;
        }
        if (newfl) {
            fl = nz(in->file);
            fprintf(f, "fl=%s\n", fl);
        }
        if (newfn) {
            fn = nz(in->sym);
            fprintf(f, "fn=%s\n", fn);
        }
        line = in->line;
        for (k = 0; k < CGP_NEVENTS; k++) {
            acc[k] += in->ev[k];
            tot[k] += in->ev[k];
        }
        have = 1;
    }
    if (have) {
        fprintf(f, "%lu", (unsigned long)line);
        put_counts(f, acc);
    }
    fprintf(f, "summary:");
    put_counts(f, tot);
    if (fclose(f) != 0)
        return -errno;
    return 0;
}

static uint64_t misses(const struct cgp_insn *in)
{
    return in->ev[CGP_I1MR] + in->ev[CGP_D1MR] + in->ev[CGP_D1MW];
}

static int cmp_miss(const void *a, const void *b)
{
    uint64_t x = misses(*(const struct cgp_insn *const *)a);
    uint64_t y = misses(*(const struct cgp_insn *const *)b);
    return x < y ? 1 : x > y ? -1 : 0;
}

static int cmp_sym(const void *a, const void *b)
{
    const struct cgp_insn *x = *(const struct cgp_insn *const *)a;
    const struct cgp_insn *y = *(const struct cgp_insn *const *)b;
    return strcmp(nz(x->sym), nz(y->sym));
}

struct fsum {
    const char *sym;
    uint64_t ev[CGP_NEVENTS];
};

static int cmp_fsum(const void *a, const void *b)
{
    const struct fsum *x = a, *y = b;
    uint64_t mx = x->ev[CGP_I1MR] + x->ev[CGP_D1MR] + x->ev[CGP_D1MW];
    uint64_t my = y->ev[CGP_I1MR] + y->ev[CGP_D1MR] + y->ev[CGP_D1MW];
    return mx < my ? 1 : mx > my ? -1 : 0;
}

void cgp_print_report(const struct cgp_report *r, void (*out)(const char *s))
{
    char b[512];
    uint64_t tot[CGP_NEVENTS];
    struct fsum *fs;
    size_t i, nf = 0;
    int k;
    memset(tot, 0, sizeof(tot));
    for (i = 0; i < r->n; i++)
        for (k = 0; k < CGP_NEVENTS; k++)
            tot[k] += r->all[i]->ev[k];
    snprintf(b, sizeof(b),
             "emkit-cache: I refs %llu I1 misses %llu LLi misses %llu\n"
             "emkit-cache: D refs %llu (%llu rd + %llu wr) D1 misses %llu (%llu rd + %llu wr) "
             "LLd misses %llu (%llu rd + %llu wr)\n",
             (unsigned long long)tot[CGP_IR], (unsigned long long)tot[CGP_I1MR],
             (unsigned long long)tot[CGP_ILMR],
             (unsigned long long)(tot[CGP_DR] + tot[CGP_DW]), (unsigned long long)tot[CGP_DR],
             (unsigned long long)tot[CGP_DW],
             (unsigned long long)(tot[CGP_D1MR] + tot[CGP_D1MW]),
             (unsigned long long)tot[CGP_D1MR], (unsigned long long)tot[CGP_D1MW],
             (unsigned long long)(tot[CGP_DLMR] + tot[CGP_DLMW]),
             (unsigned long long)tot[CGP_DLMR], (unsigned long long)tot[CGP_DLMW]);
    out(b);
    if (!r->top || !r->n)
        return;
    qsort(r->all, r->n, sizeof(*r->all), cmp_miss);
    out("emkit-cache: top instructions by L1 misses\n"
        "  address            I1miss     D1miss     LLmiss  symbol  file:line  disassembly\n");
    for (i = 0; i < r->n && i < r->top && misses(r->all[i]); i++) {
        const struct cgp_insn *in = r->all[i];
        snprintf(b, sizeof(b), "  0x%016llx %10llu %10llu %10llu  %s  %s:%lu  %s\n",
                 (unsigned long long)in->addr, (unsigned long long)in->ev[CGP_I1MR],
                 (unsigned long long)(in->ev[CGP_D1MR] + in->ev[CGP_D1MW]),
                 (unsigned long long)(in->ev[CGP_ILMR] + in->ev[CGP_DLMR] + in->ev[CGP_DLMW]),
                 nz(in->sym), nz(in->file), (unsigned long)in->line, nz(in->disas));
        out(b);
    }
    qsort(r->all, r->n, sizeof(*r->all), cmp_sym);
    fs = calloc(r->n, sizeof(*fs));
    if (!fs)
        return;
    for (i = 0; i < r->n; i++) {
        if (!nf || strcmp(fs[nf - 1].sym, nz(r->all[i]->sym)) != 0)
            fs[nf++].sym = nz(r->all[i]->sym);
        for (k = 0; k < CGP_NEVENTS; k++)
            fs[nf - 1].ev[k] += r->all[i]->ev[k];
    }
    qsort(fs, nf, sizeof(*fs), cmp_fsum);
    out("emkit-cache: functions by L1 misses\n"
        "         Ir     I1miss         Dr     D1mr         Dw     D1mw  function\n");
    for (i = 0; i < nf && i < r->top; i++) {
        snprintf(b, sizeof(b), "  %10llu %10llu %10llu %8llu %10llu %8llu  %s\n",
                 (unsigned long long)fs[i].ev[CGP_IR], (unsigned long long)fs[i].ev[CGP_I1MR],
                 (unsigned long long)fs[i].ev[CGP_DR], (unsigned long long)fs[i].ev[CGP_D1MR],
                 (unsigned long long)fs[i].ev[CGP_DW], (unsigned long long)fs[i].ev[CGP_D1MW],
                 fs[i].sym);
        out(b);
    }
    free(fs);
}

int cgp_out_path(const char *pat, long pid, char *buf, size_t len, char *err, size_t errlen)
{
    size_t k = 0;
    const char *p;
    char num[24];
    for (p = pat; *p; p++) {
        const char *add = NULL;
        size_t n;
        if (*p != '%') {
            if (k + 1 >= len)
                return -ENAMETOOLONG;
            buf[k++] = *p;
            continue;
        }
        if (p[1] == '%') {
            add = "%";
            p++;
        } else if (p[1] == 'p') {
            snprintf(num, sizeof(num), "%ld", pid);
            add = num;
            p++;
        } else if (p[1] == 'q' && p[2] == '{' && strchr(p + 3, '}') && strchr(p + 3, '}') > p + 3) {
            const char *end = strchr(p + 3, '}');
            char var[128];
            if ((size_t)(end - (p + 3)) >= sizeof(var)) {
                snprintf(err, errlen, "out=%s: %%q{...}: name too long", pat);
                return -EINVAL;
            }
            memcpy(var, p + 3, (size_t)(end - (p + 3)));
            var[end - (p + 3)] = 0;
            add = getenv(var);
            if (!add) {
                snprintf(err, errlen, "out=%s: environment variable %s is not set", pat, var);
                return -EINVAL;
            }
            p = end;
        } else {
            snprintf(err, errlen, "out=%s: want %%p, %%q{VAR} or %%%% after %%", pat);
            return -EINVAL;
        }
        n = strlen(add);
        if (k + n >= len)
            return -ENAMETOOLONG;
        memcpy(buf + k, add, n);
        k += n;
    }
    if (k >= len)
        return -ENAMETOOLONG;
    buf[k] = 0;
    return 0;
}
