/* compat=cachec: the report of QEMU 7.2's contrib/plugins/cache.c, byte
 * for byte (the formats are documented in docs/plugin-cache.md).  No QEMU
 * or glib header: the instruction order comes from the caller. */
#include "cg_plugin.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A growing string; on allocation failure it keeps what it had. */
struct sbuf {
    char *s;
    size_t len, cap;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *p;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        p = realloc(b->s, cap);
        if (!p)
            return;
        b->s = p;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void sb_flush(struct sbuf *b, void (*out)(const char *s))
{
    if (b->s)
        out(b->s);
    free(b->s);
    memset(b, 0, sizeof(*b));
}

uint64_t cgp_cachec_key(const struct cgp_insn *in, int which)
{
    switch (which) {
    case CGP_CACHEC_DMISS:
        return in->ev[CGP_D1MR] + in->ev[CGP_D1MW];
    case CGP_CACHEC_IMISS:
        return in->ev[CGP_I1MR];
    default:
        return in->ev[CGP_ILMR] + in->ev[CGP_DLMR] + in->ev[CGP_DLMW];
    }
}

/* Stable merge sort, larger keys first.  cache.c sorts with g_list_sort,
 * a stable merge sort, and a comparator that returns -1 for equal keys
 * (the left one stays first); the result is the unique stable order. */
static void msort(struct cgp_insn **a, struct cgp_insn **tmp, size_t n, int which)
{
    size_t h = n / 2, i = 0, j = h, k = 0;
    if (n < 2)
        return;
    msort(a, tmp, h, which);
    msort(a + h, tmp, n - h, which);
    while (i < h && j < n)
        tmp[k++] = cgp_cachec_key(a[i], which) >= cgp_cachec_key(a[j], which) ? a[i++] : a[j++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof(*a));
}

int cgp_cachec_sort(struct cgp_insn **a, size_t n, int which)
{
    struct cgp_insn **tmp = malloc((n ? n : 1) * sizeof(*tmp));
    if (!tmp)
        return -1;
    msort(a, tmp, n, which);
    free(tmp);
    return 0;
}

/* cache.c's append_stats_line. */
static void stats_line(struct sbuf *b, int use_l2, uint64_t da, uint64_t dm, uint64_t ia,
                       uint64_t im, uint64_t la, uint64_t lm)
{
    double dr = (double)dm / (double)da * 100.0, ir = (double)im / (double)ia * 100.0;
    sb_printf(b, "%-14" PRIu64 " %-12" PRIu64 " %9.4f%%  %-14" PRIu64 " %-12" PRIu64 " %9.4f%%",
              da, dm, da ? dr : 0.0, ia, im, ia ? ir : 0.0);
    if (use_l2) {
        double lr = (double)lm / (double)la * 100.0;
        sb_printf(b, "  %-12" PRIu64 " %-11" PRIu64 " %10.4f%%", la, lm, la ? lr : 0.0);
    }
    sb_printf(b, "\n");
}

static void top_list(struct sbuf *b, const struct cgp_cachec *r, int which, const char *title)
{
    size_t i;
    sb_printf(b, "%s", title);
    for (i = 0; i < r->n && (long long)i < r->limit; i++) {
        const struct cgp_insn *in = r->insns[i];
        sb_printf(b, "0x%" PRIx64, in->addr);
        if (in->sym)
            sb_printf(b, " (%s)", in->sym);
        sb_printf(b, ", %" PRId64 ", %s\n", (int64_t)cgp_cachec_key(in, which),
                  in->disas ? in->disas : "(null)");
    }
}

int cgp_print_cachec(const struct cgp_cachec *r, void (*out)(const char *s))
{
    struct sbuf b = { NULL, 0, 0 };
    struct cgp_cachec_core sum;
    unsigned c;
    int rc = 0;

    /* log_stats */
    memset(&sum, 0, sizeof(sum));
    sb_printf(&b, "core #, data accesses, data misses, dmiss rate, insn accesses, "
                  "insn misses, imiss rate");
    if (r->use_l2)
        sb_printf(&b, ", l2 accesses, l2 misses, l2 miss rate");
    sb_printf(&b, "\n");
    for (c = 0; c < r->ncores; c++) {
        const struct cgp_cachec_core *k = &r->core[c];
        sb_printf(&b, "%-8u", c);
        stats_line(&b, r->use_l2, k->d_access, k->d_miss, k->i_access, k->i_miss,
                   k->l2_access, k->l2_miss);
        sum.d_access += k->d_access;
        sum.d_miss += k->d_miss;
        sum.i_access += k->i_access;
        sum.i_miss += k->i_miss;
        sum.l2_access += k->l2_access;
        sum.l2_miss += k->l2_miss;
    }
    if (r->ncores > 1) {
        sb_printf(&b, "%-8s", "sum");
        stats_line(&b, r->use_l2, sum.d_access, sum.d_miss, sum.i_access, sum.i_miss,
                   sum.l2_access, sum.l2_miss);
    }
    sb_printf(&b, "\n");
    sb_flush(&b, out);

    /* log_top_insns: each list sorts the order the previous one left */
    if (cgp_cachec_sort(r->insns, r->n, CGP_CACHEC_DMISS) < 0)
        rc = -1;
    top_list(&b, r, CGP_CACHEC_DMISS, "address, data misses, instruction\n");
    if (cgp_cachec_sort(r->insns, r->n, CGP_CACHEC_IMISS) < 0)
        rc = -1;
    top_list(&b, r, CGP_CACHEC_IMISS, "\naddress, fetch misses, instruction\n");
    if (r->use_l2) {
        if (cgp_cachec_sort(r->insns, r->n, CGP_CACHEC_L2MISS) < 0)
            rc = -1;
        top_list(&b, r, CGP_CACHEC_L2MISS, "\naddress, L2 misses, instruction\n");
    }
    sb_flush(&b, out);
    return rc;
}
