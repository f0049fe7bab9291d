/* Equivalence of the model's access paths: the same random stream of
 * reads, writes and instruction fetches (some crossing lines, with a few
 * invalidations to make holes in sets) goes through a hierarchy using the
 * fast path (emk_cache_fast_line), one forced to the simple path
 * (emk_cache_simple_line) and one forced to the general path
 * (emk_cache_access_line and its recursion).  Every result, every counter
 * of every level, the memory traffic and every tag word (line, valid and
 * dirty bits, in LRU order) must be the same. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "emkit/cache.h"

enum { NSYS = 3, FAST = 0, SIMPLE = 1, GENERAL = 2 };

static struct emk_cache_sys sys[NSYS];

/* splitmix64 */
static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void same_level(const struct emk_cache_level *a, const struct emk_cache_level *b)
{
    size_t n = (size_t)a->sets * a->g.assoc;
    assert_memory_equal(&a->st, &b->st, sizeof(a->st));
    assert_int_equal(a->ninvalid, b->ninvalid);
    assert_memory_equal(a->tag, b->tag, n * sizeof(*a->tag));
}

static void same_sys(unsigned ncpu)
{
    unsigned i, k;
    for (k = 1; k < NSYS; k++) {
        for (i = 0; i < ncpu; i++) {
            same_level(&sys[0].cpu[i].l1i, &sys[k].cpu[i].l1i);
            same_level(&sys[0].cpu[i].l1d, &sys[k].cpu[i].l1d);
            if (sys[0].cpu[i].has_l2)
                same_level(&sys[0].cpu[i].l2, &sys[k].cpu[i].l2);
            assert_int_equal(sys[0].cpu[i].mem_reads, sys[k].cpu[i].mem_reads);
            assert_int_equal(sys[0].cpu[i].mem_writes, sys[k].cpu[i].mem_writes);
        }
        if (sys[0].cfg.has_llc)
            same_level(&sys[0].llc, &sys[k].llc);
        assert_int_equal(sys[0].mem_reads, sys[k].mem_reads);
        assert_int_equal(sys[0].mem_writes, sys[k].mem_writes);
    }
}

/* Run @n random accesses over @span bytes on @cfg; @want_fast says
 * whether the configuration must take the fast path. */
static void run(const struct emk_cache_config *cfg, uint64_t span, unsigned n, uint64_t seed,
                int want_fast)
{
    char err[160];
    uint64_t r = seed;
    unsigned i, k;
    for (k = 0; k < NSYS; k++)
        assert_int_equal(emk_cache_sys_init(&sys[k], cfg, err, sizeof(err)), 0);
    assert_int_equal(sys[FAST].fast, want_fast);
    sys[SIMPLE].fast = 0;
    sys[GENERAL].fast = 0;
    sys[GENERAL].simple = 0;
    for (i = 0; i < n; i++) {
        uint64_t x = rnd(&r);
        unsigned cpu = (unsigned)(x >> 60) % cfg->ncpu;
        int kind = (int)((x >> 56) % 3);
        uint32_t size = (x >> 52 & 15) == 0 ? 1u + (uint32_t)(x >> 40 & 31) : 1u << (x >> 50 & 3);
        /* mostly a hot region (hits), sometimes the whole span */
        uint64_t addr = (x >> 48 & 3) ? rnd(&r) % (span / 8) : rnd(&r) % span;
        int res[NSYS];
        if ((x & 1023) == 7) {
            /* a hole: drop one line from L1D and L2 of every copy */
            for (k = 0; k < NSYS; k++) {
                struct emk_cache_level *c = &sys[k].cpu[cpu].l1d;
                int d;
                emk_cache_invalidate(c, addr >> c->line_shift, EMK_CACHE_INVALID, &d);
                if (sys[k].cpu[cpu].has_l2) {
                    c = &sys[k].cpu[cpu].l2;
                    emk_cache_invalidate(c, addr >> c->line_shift, EMK_CACHE_INVALID, &d);
                }
            }
            continue;
        }
        for (k = 0; k < NSYS; k++)
            res[k] = emk_cache_access(&sys[k], cpu, kind, addr, size);
        assert_int_equal(res[FAST], res[GENERAL]);
        assert_int_equal(res[SIMPLE], res[GENERAL]);
        if ((i & 4095) == 0)
            same_sys(cfg->ncpu);
    }
    same_sys(cfg->ncpu);
    for (k = 0; k < NSYS; k++)
        emk_cache_sys_fini(&sys[k]);
}

static void geom(struct emk_cache_geom *g, uint64_t size, uint32_t assoc, uint32_t line)
{
    g->size = size;
    g->assoc = assoc;
    g->line = line;
}

/* The default geometry (the plugin's common case) and small caches of
 * every scanned associativity, with equal and unequal line sizes. */
static void test_fast_equiv(void **st)
{
    static const struct {
        uint64_t l1; uint32_t a1, line1; uint64_t l2; uint32_t a2, line2;
    } g[] = {
        { 32768, 8, 64, 262144, 8, 64 },
        { 1024, 1, 64, 4096, 2, 64 },
        { 1024, 2, 32, 8192, 4, 64 },
        { 2048, 4, 64, 4096, 16, 32 },
        { 4096, 16, 128, 16384, 8, 64 },
        { 512, 8, 64, 512, 8, 64 },
        /* associativities that are not powers of two (sizes neither) */
        { 3072, 3, 64, 12288, 12, 64 },
        { 1536, 6, 32, 5120, 5, 64 },
    };
    struct emk_cache_config cfg;
    size_t i;
    (void)st;
    for (i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
        emk_cache_config_default(&cfg);
        geom(&cfg.l1i, g[i].l1, g[i].a1, g[i].line1);
        geom(&cfg.l1d, g[i].l1, g[i].a1, g[i].line1);
        geom(&cfg.l2, g[i].l2, g[i].a2, g[i].line2);
        run(&cfg, g[i].l2 * 8, 200000, 0x1234567ull + i, 1);
        cfg.ncpu = 2; /* coherence off: private hierarchies, still fast */
        cfg.coherence = 0;
        run(&cfg, g[i].l2 * 8, 50000, 0x7654321ull + i, 1);
    }
}

/* Configurations outside the fast path (an LLC, no L2, signature lanes)
 * must still agree between the simple and the general path. */
static void test_simple_equiv(void **st)
{
    struct emk_cache_config cfg;
    (void)st;
    emk_cache_config_default(&cfg);
    geom(&cfg.l2, 8192, 4, 64);
    cfg.has_llc = 1;
    geom(&cfg.llc, 32768, 8, 64);
    run(&cfg, 1u << 18, 100000, 99, 0);
    emk_cache_config_default(&cfg);
    cfg.has_l2 = 0;
    run(&cfg, 1u << 17, 100000, 98, 0);
    emk_cache_config_default(&cfg);
    geom(&cfg.l1d, 4096, 32, 64);
    geom(&cfg.l2, 65536, 64, 64);
    run(&cfg, 1u << 19, 100000, 97, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_equiv),
        cmocka_unit_test(test_simple_equiv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
