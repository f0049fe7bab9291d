/* Known-answer tests of the cache model; each sequence is worked out by
 * hand in the comment above it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "emkit/cache.h"
#include "cache_args.h"

/* Line numbers A..E all map to set 0 of a one-set cache. */
enum { A = 0x1000, B = 0x2000, C = 0x3000, D = 0x4000, E = 0x5000 };

static struct emk_cache_sys sys;

/* One CPU, L1D of @size/@assoc with 64-byte lines, no L2, no LLC. */
static void one_level(uint64_t size, uint32_t assoc, int policy, int wpolicy, int walloc)
{
    struct emk_cache_config cfg;
    char err[128];
    emk_cache_config_default(&cfg);
    cfg.l1d.size = size;
    cfg.l1d.assoc = assoc;
    cfg.l1d.policy = policy;
    cfg.l1d.wpolicy = wpolicy;
    cfg.l1d.write_allocate = walloc;
    cfg.has_l2 = 0;
    assert_int_equal(emk_cache_sys_init(&sys, &cfg, err, sizeof(err)), 0);
}

static int rd(uint64_t a)
{
    return emk_cache_access(&sys, 0, EMK_CACHE_READ, a, 4);
}

static int wr(uint64_t a)
{
    return emk_cache_access(&sys, 0, EMK_CACHE_WRITE, a, 4);
}

/* LRU, 2 ways: A m, B m, A h, C m (evicts B), B m (evicts A), A m. */
static void test_lru(void **st)
{
    (void)st;
    one_level(128, 2, EMK_CACHE_LRU, EMK_CACHE_WRITE_BACK, 1);
    assert_int_equal(rd(A), EMK_CACHE_HIT_MEM);
    assert_int_equal(rd(B), EMK_CACHE_HIT_MEM);
    assert_int_equal(rd(A), EMK_CACHE_HIT_L1);
    assert_int_equal(rd(C), EMK_CACHE_HIT_MEM);
    assert_int_equal(rd(B), EMK_CACHE_HIT_MEM);
    assert_int_equal(rd(A), EMK_CACHE_HIT_MEM);
    assert_int_equal(sys.cpu[0].l1d.st.access[0], 6);
    assert_int_equal(sys.cpu[0].l1d.st.miss[0], 5);
    assert_int_equal(sys.cpu[0].l1d.st.evictions, 3);
    emk_cache_sys_fini(&sys);
}

/* FIFO, 2 ways: A m, B m, A h (no reorder), C m (evicts A, the oldest
 * fill), B h, A m (evicts B). */
static void test_fifo(void **st)
{
    (void)st;
    one_level(128, 2, EMK_CACHE_FIFO, EMK_CACHE_WRITE_BACK, 1);
    assert_int_equal(rd(A), EMK_CACHE_HIT_MEM);
    assert_int_equal(rd(B), EMK_CACHE_HIT_MEM);
    assert_int_equal(rd(A), EMK_CACHE_HIT_L1);
    assert_int_equal(rd(C), EMK_CACHE_HIT_MEM);
    assert_int_equal(rd(B), EMK_CACHE_HIT_L1);
    assert_int_equal(rd(A), EMK_CACHE_HIT_MEM);
    assert_int_equal(rd(C), EMK_CACHE_HIT_L1);
    assert_int_equal(rd(B), EMK_CACHE_HIT_MEM);
    assert_int_equal(sys.cpu[0].l1d.st.miss[0], 5);
    emk_cache_sys_fini(&sys);
}

/* Tree-PLRU, 4 ways (bits: root, left pair, right pair; 1 = victim on the
 * right).  Fill A,B,C,D into ways 0..3: root=0, left=0, right=0.  Hit A
 * (way 0): root=1, left=1.  Miss E: root says right, right pair says
 * left -> way 2, i.e. C (true LRU would evict B).  Then B hits, C misses. */
static void test_plru(void **st)
{
    (void)st;
    one_level(256, 4, EMK_CACHE_PLRU, EMK_CACHE_WRITE_BACK, 1);
    rd(A); rd(B); rd(C); rd(D);
    assert_int_equal(rd(A), EMK_CACHE_HIT_L1);
    assert_int_equal(rd(E), EMK_CACHE_HIT_MEM);
    assert_int_equal(rd(B), EMK_CACHE_HIT_L1);
    assert_int_equal(rd(D), EMK_CACHE_HIT_L1);
    assert_int_equal(rd(C), EMK_CACHE_HIT_MEM);
    emk_cache_sys_fini(&sys);
    /* Same sequence under LRU evicts B instead. */
    one_level(256, 4, EMK_CACHE_LRU, EMK_CACHE_WRITE_BACK, 1);
    rd(A); rd(B); rd(C); rd(D); rd(A); rd(E);
    assert_int_equal(rd(C), EMK_CACHE_HIT_L1);
    assert_int_equal(rd(B), EMK_CACHE_HIT_MEM);
    emk_cache_sys_fini(&sys);
}

/* Random, 2 ways, one set, alternating three lines: every access after
 * the first two misses a line that is either of the two ways' victims;
 * the generator must pick both ways, and a given seed must repeat. */
static void test_random(void **st)
{
    uint64_t lines[3] = { A, B, C };
    uint64_t m1, way0 = 0, i;
    (void)st;
    one_level(128, 2, EMK_CACHE_RANDOM, EMK_CACHE_WRITE_BACK, 1);
    for (i = 0; i < 3000; i++) {
        rd(lines[i % 3]);
        if ((sys.cpu[0].l1d.tag[0] >> 2) == (lines[i % 3] >> 6))
            way0++;
    }
    m1 = sys.cpu[0].l1d.st.miss[0];
    assert_true(m1 > 1000 && m1 < 3000);
    assert_true(way0 > 600 && way0 < 2400);
    emk_cache_sys_fini(&sys);
    one_level(128, 2, EMK_CACHE_RANDOM, EMK_CACHE_WRITE_BACK, 1);
    for (i = 0; i < 3000; i++)
        rd(lines[i % 3]);
    assert_int_equal(sys.cpu[0].l1d.st.miss[0], m1);
    emk_cache_sys_fini(&sys);
}

/* Write-back, 1 line: W A (miss, fill, dirty), W A (hit), R B (miss,
 * evicts dirty A: 1 writeback).  Memory: 2 reads, 1 write. */
static void test_write_back(void **st)
{
    (void)st;
    one_level(64, 1, EMK_CACHE_LRU, EMK_CACHE_WRITE_BACK, 1);
    assert_int_equal(wr(A), EMK_CACHE_HIT_MEM);
    assert_int_equal(wr(A), EMK_CACHE_HIT_L1);
    assert_int_equal(rd(B), EMK_CACHE_HIT_MEM);
    assert_int_equal(sys.cpu[0].l1d.st.writebacks, 1);
    assert_int_equal(sys.mem_reads, 2);
    assert_int_equal(sys.mem_writes, 1);
    assert_int_equal(sys.cpu[0].l1d.st.miss[1], 1);
    emk_cache_sys_fini(&sys);
}

/* Write-through + allocate: W A (miss, fill, 1 write to memory), W A (hit,
 * 2nd write), R B (clean victim: no writeback).  Memory: 2 reads, 2 writes. */
static void test_write_through(void **st)
{
    (void)st;
    one_level(64, 1, EMK_CACHE_LRU, EMK_CACHE_WRITE_THROUGH, 1);
    wr(A);
    assert_int_equal(wr(A), EMK_CACHE_HIT_L1);
    rd(B);
    assert_int_equal(sys.cpu[0].l1d.st.writebacks, 0);
    assert_int_equal(sys.cpu[0].l1d.st.write_through, 2);
    assert_int_equal(sys.mem_reads, 2);
    assert_int_equal(sys.mem_writes, 2);
    emk_cache_sys_fini(&sys);
}

/* Write-back, no write-allocate: W A (miss, not filled: 1 memory write),
 * R A (miss: still not cached), R A (hit). */
static void test_no_write_allocate(void **st)
{
    (void)st;
    one_level(64, 1, EMK_CACHE_LRU, EMK_CACHE_WRITE_BACK, 0);
    assert_int_equal(wr(A), EMK_CACHE_HIT_MEM);
    assert_int_equal(rd(A), EMK_CACHE_HIT_MEM);
    assert_int_equal(rd(A), EMK_CACHE_HIT_L1);
    assert_int_equal(sys.mem_writes, 1);
    assert_int_equal(sys.mem_reads, 1);
    emk_cache_sys_fini(&sys);
}

/* LRU after 2^31 and 2^32 accesses to one set.  LRU order is kept as the
 * ways' positions in the set, so no counter decides the victim; the level's
 * 64-bit generation (fills and promotions) is moved to just below each
 * boundary to show nothing depends on it wrapping: A, B, A (the generation
 * crosses 2^32), C must evict B.  A 32-bit stamp scheme like cache.c's
 * would evict A here.  The same at 2^31 (where a signed int goes
 * negative). */
static void test_lru_2_32(void **st)
{
    uint64_t bases[2] = { (1ull << 31) - 2, (1ull << 32) - 2 };
    int i;
    (void)st;
    for (i = 0; i < 2; i++) {
        one_level(128, 2, EMK_CACHE_LRU, EMK_CACHE_WRITE_BACK, 1);
        emk_cache_level_set_gen(&sys.cpu[0].l1d, bases[i]);
        rd(A);
        rd(B);
        assert_int_equal(rd(A), EMK_CACHE_HIT_L1);
        assert_true(sys.cpu[0].l1d.gen > bases[i] + 2);
        rd(C);
        assert_int_equal(rd(A), EMK_CACHE_HIT_L1);
        assert_int_equal(rd(B), EMK_CACHE_HIT_MEM);
        emk_cache_sys_fini(&sys);
    }
}

/* Really 2^32+ accesses is too slow for a unit test; this runs 2^20 on one
 * set after starting the counter at 2^32 - 2^19, crossing the boundary in
 * the middle, and checks a cyclic pattern A,B,A,B,... stays all hits. */
static void test_lru_cross_many(void **st)
{
    uint64_t i;
    (void)st;
    one_level(128, 2, EMK_CACHE_LRU, EMK_CACHE_WRITE_BACK, 1);
    emk_cache_level_set_gen(&sys.cpu[0].l1d, (1ull << 32) - (1ull << 19));
    for (i = 0; i < (1u << 20); i++)
        rd(i & 1 ? B : A);
    assert_int_equal(sys.cpu[0].l1d.st.miss[0], 2);
    rd(C); /* evicts A: B was touched last */
    assert_int_equal(rd(B), EMK_CACHE_HIT_L1);
    emk_cache_sys_fini(&sys);
}

/* Two-level setup: L1I, L1D and L2 each one set of 2 ways (128 B). */
static void two_level(int inclusion)
{
    struct emk_cache_config cfg;
    char err[128];
    emk_cache_config_default(&cfg);
    cfg.l1i.size = cfg.l1d.size = cfg.l2.size = 128;
    cfg.l1i.assoc = cfg.l1d.assoc = cfg.l2.assoc = 2;
    cfg.inclusion = inclusion;
    assert_int_equal(emk_cache_sys_init(&sys, &cfg, err, sizeof(err)), 0);
}

/* Inclusive: R A, R B (L1D and L2 hold A,B).  Ifetch C: misses L1I and
 * L2; L2 evicts its LRU line A and must back-invalidate A from L1D.  Then
 * R A misses L1D (and L2).  Non-inclusive: R A still hits L1D. */
static void test_inclusive_back_invalidation(void **st)
{
    (void)st;
    two_level(EMK_CACHE_INCLUSIVE);
    rd(A);
    rd(B);
    assert_int_equal(emk_cache_access(&sys, 0, EMK_CACHE_IFETCH, C, 4), EMK_CACHE_HIT_MEM);
    assert_int_equal(sys.cpu[0].l1d.st.back_invals, 1);
    assert_int_equal(rd(B), EMK_CACHE_HIT_L1);
    assert_int_equal(rd(A), EMK_CACHE_HIT_MEM);
    emk_cache_sys_fini(&sys);

    two_level(EMK_CACHE_NON_INCLUSIVE);
    rd(A);
    rd(B);
    emk_cache_access(&sys, 0, EMK_CACHE_IFETCH, C, 4);
    assert_int_equal(sys.cpu[0].l1d.st.back_invals, 0);
    assert_int_equal(rd(A), EMK_CACHE_HIT_L1);
    emk_cache_sys_fini(&sys);
}

/* Exclusive, L1D and L2 direct-mapped with one line each: R A (L1 A),
 * R B (A moves to L2), R A (L2 hit: A to L1, B to L2), R B (L2 hit). */
static void test_exclusive(void **st)
{
    struct emk_cache_config cfg;
    char err[128];
    (void)st;
    emk_cache_config_default(&cfg);
    cfg.l1i.size = cfg.l1d.size = cfg.l2.size = 64;
    cfg.l1i.assoc = cfg.l1d.assoc = cfg.l2.assoc = 1;
    cfg.inclusion = EMK_CACHE_EXCLUSIVE;
    assert_int_equal(emk_cache_sys_init(&sys, &cfg, err, sizeof(err)), 0);
    assert_int_equal(rd(A), EMK_CACHE_HIT_MEM);
    assert_int_equal(rd(B), EMK_CACHE_HIT_MEM);
    assert_int_equal(rd(A), EMK_CACHE_HIT_L2);
    assert_int_equal(rd(B), EMK_CACHE_HIT_L2);
    assert_int_equal(sys.cpu[0].l2.st.miss[0], 2);
    assert_int_equal(sys.mem_reads, 2);
    emk_cache_sys_fini(&sys);
}

/* Coherence ping-pong: 2 CPUs, private L1D, shared LLC.  CPUs alternate
 * writes to one line (false sharing: different words).  Each CPU's first
 * write is a cold miss; every later one finds its copy invalidated by the
 * other CPU: 5 writes each, 5 misses each, 4 of them coherence misses.
 * The LLC sees 10 accesses, 1 miss.  Writes to different lines: none. */
static void test_coherence_ping_pong(void **st)
{
    struct emk_cache_config cfg;
    char err[128];
    int i;
    (void)st;
    emk_cache_config_default(&cfg);
    cfg.ncpu = 2;
    cfg.has_l2 = 0;
    cfg.has_llc = 1;
    assert_int_equal(emk_cache_sys_init(&sys, &cfg, err, sizeof(err)), 0);
    for (i = 0; i < 10; i++)
        emk_cache_access(&sys, (unsigned)(i & 1), EMK_CACHE_WRITE, A + (uint64_t)(i & 1) * 8, 4);
    for (i = 0; i < 2; i++) {
        assert_int_equal(sys.cpu[i].l1d.st.miss[1], 5);
        assert_int_equal(sys.cpu[i].l1d.st.coh_miss[1], 4);
    }
    assert_int_equal(sys.cpu[0].l1d.st.coh_invals + sys.cpu[1].l1d.st.coh_invals, 9);
    assert_int_equal(sys.llc.st.access[0], 10);
    assert_int_equal(sys.llc.st.miss[0], 1);
    emk_cache_sys_fini(&sys);

    assert_int_equal(emk_cache_sys_init(&sys, &cfg, err, sizeof(err)), 0);
    for (i = 0; i < 10; i++)
        emk_cache_access(&sys, (unsigned)(i & 1), EMK_CACHE_WRITE, A + (uint64_t)(i & 1) * 64, 4);
    assert_int_equal(sys.cpu[0].l1d.st.miss[1], 1);
    assert_int_equal(sys.cpu[1].l1d.st.coh_miss[1], 0);
    emk_cache_sys_fini(&sys);
}

/* Cachegrind model: a 4-byte read at line end - 2 touches two lines, one
 * ref; both lines miss -> 1 L1 miss; the LL gets the whole ref -> 1 LL
 * miss.  Again: hit.  Native mode counts two line accesses. */
static void test_cg_straddle(void **st)
{
    struct emk_cache_cgres r;
    (void)st;
    one_level(32768, 8, EMK_CACHE_LRU, EMK_CACHE_WRITE_BACK, 1);
    emk_cache_sys_fini(&sys);
    {
        struct emk_cache_config cfg;
        char err[128];
        emk_cache_config_default(&cfg);
        assert_int_equal(emk_cache_sys_init(&sys, &cfg, err, sizeof(err)), 0);
    }
    assert_int_equal(emk_cache_cg_ref(&sys, 0, EMK_CACHE_READ, A + 62, 4, &r), 0);
    assert_int_equal(r.l1_miss, 1);
    assert_int_equal(r.ll_miss, 1);
    assert_int_equal(sys.cpu[0].l1d.st.access[0], 1);
    assert_int_equal(sys.cpu[0].l2.st.access[0], 1);
    assert_int_equal(emk_cache_cg_ref(&sys, 0, EMK_CACHE_READ, A + 62, 4, &r), 0);
    assert_int_equal(r.l1_miss, 0);
    /* Only the second line is new: still an L1 miss, and the LL sees the
     * whole ref again (hit on the first line, miss on the second). */
    assert_int_equal(emk_cache_cg_ref(&sys, 0, EMK_CACHE_WRITE, A + 126, 4, &r), 0);
    assert_int_equal(r.l1_miss, 1);
    assert_int_equal(r.ll_miss, 1);
    assert_int_equal(sys.cpu[0].l1d.st.miss[1], 1);
    emk_cache_sys_fini(&sys);
    {
        struct emk_cache_config cfg;
        char err[128];
        emk_cache_config_default(&cfg);
        assert_int_equal(emk_cache_sys_init(&sys, &cfg, err, sizeof(err)), 0);
    }
    assert_int_equal(rd(A + 62), EMK_CACHE_HIT_MEM);
    assert_int_equal(sys.cpu[0].l1d.st.access[0], 2);
    emk_cache_sys_fini(&sys);
}

/* Bad geometries are refused with a message naming the level and field. */
static void test_bad_config(void **st)
{
    struct emk_cache_config cfg;
    char err[200];
    (void)st;
    emk_cache_config_default(&cfg);
    assert_int_equal(emk_cache_args_apply(&cfg, "dcachesize=3000", err, sizeof(err)), 0);
    assert_int_equal(emk_cache_sys_init(&sys, &cfg, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "L1D: size is not a power of two"));
    emk_cache_config_default(&cfg);
    emk_cache_args_apply(&cfg, "iassoc=16", err, sizeof(err));
    emk_cache_args_apply(&cfg, "icachesize=512", err, sizeof(err));
    assert_int_equal(emk_cache_config_check(&cfg, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "associativity is larger than the number of lines"));
    assert_int_equal(emk_cache_args_apply(&cfg, "evict=mru", err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "evict=mru"));
    assert_int_equal(emk_cache_args_apply(&cfg, "frobnicate=1", err, sizeof(err)), 1);
    assert_int_equal(emk_cache_args_apply(&cfg, "cores=0", err, sizeof(err)), -EINVAL);
    emk_cache_config_default(&cfg);
    emk_cache_args_apply(&cfg, "evict=plru", err, sizeof(err));
    emk_cache_args_apply(&cfg, "dassoc=6", err, sizeof(err));
    emk_cache_args_apply(&cfg, "dcachesize=24576", err, sizeof(err));
    assert_int_equal(emk_cache_config_check(&cfg, err, sizeof(err)), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lru),
        cmocka_unit_test(test_fifo),
        cmocka_unit_test(test_plru),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_write_back),
        cmocka_unit_test(test_write_through),
        cmocka_unit_test(test_no_write_allocate),
        cmocka_unit_test(test_lru_2_32),
        cmocka_unit_test(test_lru_cross_many),
        cmocka_unit_test(test_inclusive_back_invalidation),
        cmocka_unit_test(test_exclusive),
        cmocka_unit_test(test_coherence_ping_pong),
        cmocka_unit_test(test_cg_straddle),
        cmocka_unit_test(test_bad_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
