/* `emkit cache-sim`: trace-driven cache simulation. */
#include "emkit/cache_sim.h"
#include "emkit/cache.h"
#include "emkit/progress.h"
#include "cache_args.h"
#include "cache_trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct sim {
    struct emk_cache_sys sys;
    int count;
    uint64_t refs[3];
    uint64_t l1m[3], llm[3];
};

static int on_rec(void *ctx, const struct emk_trace_rec *r)
{
    struct sim *s = ctx;
    if (r->cpu >= s->sys.cfg.ncpu)
        return -ERANGE;
    s->refs[r->kind]++;
    if (s->count == EMK_COUNT_CACHEGRIND) {
        struct emk_cache_cgres res;
        int e = emk_cache_cg_ref(&s->sys, r->cpu, r->kind, r->addr, r->size, &res);
        if (e < 0)
            return e;
        s->l1m[r->kind] += (uint64_t)res.l1_miss;
        s->llm[r->kind] += (uint64_t)res.ll_miss;
        return 0;
    }
    return emk_cache_access(&s->sys, r->cpu, r->kind, r->addr, r->size) < 0 ? -EINVAL : 0;
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: emkit cache-sim [key=value...] FILE|-\n"
        "  reads a din trace ('label hexaddr [size [cpu]]', label 0 read, 1 write,\n"
        "  2 ifetch) or a binary trace (magic EMKTRC1) and prints per-level counts.\n"
        "  keys: icachesize iassoc iblksize dcachesize dassoc dblksize\n"
        "        l2cachesize l2assoc l2blksize l2=on|off llcsize llcassoc llcblksize\n"
        "        llc=on|off evict=lru|fifo|rand|plru write=back|through walloc=on|off\n"
        "        inclusion=non|inclusive|exclusive coherence=on|off cores=N seed=N\n"
        "        count=native|cachegrind format=din|bin size=N (default din size)\n");
}

static void pct(FILE *f, uint64_t m, uint64_t a)
{
    fprintf(f, " %6.2f%%", a ? 100.0 * (double)m / (double)a : 0.0);
}

static void print_level(FILE *f, const char *name, unsigned cpu, const struct emk_cache_level *c)
{
    const struct emk_cache_stats *st = &c->st;
    fprintf(f, "%-4s cpu%-2u reads %12llu misses %12llu", name, cpu,
            (unsigned long long)st->access[0], (unsigned long long)st->miss[0]);
    pct(f, st->miss[0], st->access[0]);
    fprintf(f, "  writes %12llu misses %12llu", (unsigned long long)st->access[1],
            (unsigned long long)st->miss[1]);
    pct(f, st->miss[1], st->access[1]);
    fprintf(f, "\n            coherence-misses %llu writebacks %llu write-through %llu "
            "evictions %llu back-invalidations %llu coherence-invalidations %llu\n",
            (unsigned long long)(st->coh_miss[0] + st->coh_miss[1]),
            (unsigned long long)st->writebacks, (unsigned long long)st->write_through,
            (unsigned long long)st->evictions, (unsigned long long)st->back_invals,
            (unsigned long long)st->coh_invals);
}

static void report(struct sim *s, FILE *f)
{
    unsigned i;
    if (s->count == EMK_COUNT_CACHEGRIND) {
        static const char *const k[3] = { "I", "Dr", "Dw" };
        for (i = 0; i < 3; i++)
            fprintf(f, "%-2s refs: %llu  L1 misses: %llu  LL misses: %llu\n", k[i],
                    (unsigned long long)s->refs[i], (unsigned long long)s->l1m[i],
                    (unsigned long long)s->llm[i]);
        return;
    }
    for (i = 0; i < s->sys.cfg.ncpu; i++) {
        print_level(f, "L1I", i, &s->sys.cpu[i].l1i);
        print_level(f, "L1D", i, &s->sys.cpu[i].l1d);
        if (s->sys.cpu[i].has_l2)
            print_level(f, "L2", i, &s->sys.cpu[i].l2);
    }
    if (s->sys.cfg.has_llc)
        print_level(f, "LLC", 0, &s->sys.llc);
    fprintf(f, "memory reads %llu writes %llu\n", (unsigned long long)s->sys.mem_reads,
            (unsigned long long)s->sys.mem_writes);
}

int emk_cmd_cache_sim(int argc, char **argv)
{
    static struct sim s; /* large: keep it off the stack */
    struct emk_cache_config cfg;
    struct emk_trace_parser p;
    const char *path = NULL;
    char err[200];
    int i, format = -1, r;
    uint64_t dsize = 4;
    unsigned char buf[65536];
    size_t n;
    FILE *in;
    emk_progress pg;
    uint64_t nread = 0;

    memset(&s, 0, sizeof(s));
    emk_cache_config_default(&cfg);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (!strchr(a, '=') && !path) {
            path = a;
            continue;
        }
        if (!strncmp(a, "count=", 6)) {
            if (!strcmp(a + 6, "cachegrind"))
                s.count = EMK_COUNT_CACHEGRIND;
            else if (!strcmp(a + 6, "native"))
                s.count = EMK_COUNT_NATIVE;
            else {
                fprintf(stderr, "cache-sim: %s: want native or cachegrind\n", a);
                return 2;
            }
            continue;
        }
        if (!strncmp(a, "format=", 7)) {
            if (!strcmp(a + 7, "din"))
                format = EMK_TRACE_DIN;
            else if (!strcmp(a + 7, "bin"))
                format = EMK_TRACE_BINARY;
            else {
                fprintf(stderr, "cache-sim: %s: want din or bin\n", a);
                return 2;
            }
            continue;
        }
        if (!strncmp(a, "size=", 5)) {
            if (emk_cache_parse_size(a + 5, &dsize) < 0 || dsize == 0 ||
                dsize > EMK_TRACE_MAX_SIZE) {
                fprintf(stderr, "cache-sim: %s: want 1..%d\n", a, EMK_TRACE_MAX_SIZE);
                return 2;
            }
            continue;
        }
        r = emk_cache_args_apply(&cfg, a, err, sizeof(err));
        if (r < 0) {
            fprintf(stderr, "cache-sim: %s\n", err);
            return 2;
        }
        if (r > 0) {
            fprintf(stderr, "cache-sim: unknown option '%s' (try --help)\n", a);
            return 2;
        }
    }
    if (!path) {
        usage(stderr);
        return 2;
    }
    if (s.count == EMK_COUNT_CACHEGRIND)
        emk_cache_config_cachegrind(&cfg);
    if (emk_cache_sys_init(&s.sys, &cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, "cache-sim: %s\n", err);
        return 2;
    }
    in = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!in) {
        fprintf(stderr, "cache-sim: %s: %s\n", path, strerror(errno));
        emk_cache_sys_fini(&s.sys);
        return 1;
    }
    {   /* progress line on a terminal: bytes of the trace read */
        struct stat st;
        emk_progress_start(&pg, "cache-sim", EMK_PROGRESS_BYTES, NULL,
                           fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode)
                               ? (uint64_t)st.st_size : 0);
    }
    emk_progress_update(&pg, 0, NULL);
    n = fread(buf, 1, sizeof(buf), in);
    emk_trace_init(&p, format >= 0 ? format : emk_trace_detect(buf, n), (uint32_t)dsize);
    r = 0;
    while (n > 0 && r == 0) {
        r = emk_trace_feed(&p, buf, n, on_rec, &s);
        nread += n;
        emk_progress_update(&pg, nread, NULL);
        if (r == 0)
            n = fread(buf, 1, sizeof(buf), in);
    }
    emk_progress_end(&pg);
    if (r == 0 && ferror(in)) {
        fprintf(stderr, "cache-sim: %s: read error\n", path);
        r = -EIO;
    } else if (r == 0) {
        r = emk_trace_finish(&p, on_rec, &s);
    }
    if (in != stdin)
        fclose(in);
    if (r < 0 && p.msg[0]) {
        if (r == -ERANGE)
            fprintf(stderr, "cache-sim: %s: %s: cpu not below cores=%u\n", path, p.msg,
                    cfg.ncpu);
        else
            fprintf(stderr, "cache-sim: %s: %s\n", path, p.msg);
    }
    if (r == 0)
        report(&s, stdout);
    emk_cache_sys_fini(&s.sys);
    return r < 0 ? 1 : 0;
}
