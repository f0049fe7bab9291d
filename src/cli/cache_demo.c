/* cache_demo.c - the cache model in the main job: the data addresses of a
 * naive and a blocked 128x128 matrix multiply through the default
 * hierarchy (32K/8/64 L1D, 256K/8/64 L2), with the miss rates each sees. */
#include <errno.h>

#include "emkit/cache.h"
#include "demos.h"

enum { N = 128, BLK = 16 };

static const uint64_t A = 0x100000, B = 0x200000, C = 0x300000;

static uint64_t at(uint64_t base, unsigned i, unsigned j)
{
    return base + ((uint64_t)i * N + j) * 8;
}

static void madd(struct emk_cache_sys *s, unsigned i, unsigned j, unsigned k)
{
    emk_cache_access(s, 0, EMK_CACHE_READ, at(A, i, k), 8);
    emk_cache_access(s, 0, EMK_CACHE_READ, at(B, k, j), 8);
    emk_cache_access(s, 0, EMK_CACHE_READ, at(C, i, j), 8);
    emk_cache_access(s, 0, EMK_CACHE_WRITE, at(C, i, j), 8);
}

static int run(FILE *out, const char *name, int blocked, uint64_t *misses)
{
    struct emk_cache_config cfg;
    struct emk_cache_sys s;
    char err[128];
    unsigned i, j, k, ii, jj, kk;
    const struct emk_cache_stats *d;
    uint64_t acc, miss;
    int ret;

    emk_cache_config_default(&cfg);
    ret = emk_cache_sys_init(&s, &cfg, err, sizeof(err));
    if (ret < 0) {
        fprintf(out, "  cache: %s\n", err);
        return ret;
    }
    if (!blocked) {
        for (i = 0; i < N; i++)
            for (j = 0; j < N; j++)
                for (k = 0; k < N; k++)
                    madd(&s, i, j, k);
    } else {
        for (ii = 0; ii < N; ii += BLK)
            for (kk = 0; kk < N; kk += BLK)
                for (jj = 0; jj < N; jj += BLK)
                    for (i = ii; i < ii + BLK; i++)
                        for (k = kk; k < kk + BLK; k++)
                            for (j = jj; j < jj + BLK; j++)
                                madd(&s, i, j, k);
    }
    d = &s.cpu[0].l1d.st;
    acc = d->access[0] + d->access[1];
    miss = d->miss[0] + d->miss[1];
    fprintf(out, "  matmul %-8s %9llu data refs, L1D misses %7llu (%5.2f%%), L2 misses %6llu\n",
            name, (unsigned long long)acc, (unsigned long long)miss,
            acc ? 100.0 * (double)miss / (double)acc : 0.0,
            (unsigned long long)(s.cpu[0].l2.st.miss[0] + s.cpu[0].l2.st.miss[1]));
    *misses = miss;
    emk_cache_sys_fini(&s);
    return ret;
}

int emk_cache_demo(FILE *out, const emk_demo_opts *o)
{
    uint64_t naive = 0, blocked = 0;
    int ret;

    (void)o;
    ret = run(out, "naive", 0, &naive);
    if (ret == 0)
        ret = run(out, "blocked", 1, &blocked);
    /* blocking must pay off, or the model is broken */
    if (ret == 0 && !(blocked > 0 && blocked * 10 < naive))
        ret = -EIO;
    return ret;
}
