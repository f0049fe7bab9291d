/* Portable cache model: one set-associative level, and a hierarchy of
 * private L1I/L1D/L2 per CPU with an optional shared last-level cache.
 * C99, no QEMU header.  Contexts are caller-owned; memory for the tag
 * arrays is allocated once at init, never on the access path. */
#ifndef EMKIT_CACHE_H
#define EMKIT_CACHE_H

#include "emkit/base.h"
#include <stddef.h>
#include <stdint.h>

/** Replacement policies. */
enum emk_cache_policy {
    EMK_CACHE_LRU = 0,
    EMK_CACHE_FIFO = 1,
    EMK_CACHE_RANDOM = 2,
    EMK_CACHE_PLRU = 3 /* tree pseudo-LRU; associativity a power of two */
};

/** Write policies (hits). */
enum emk_cache_wpolicy {
    EMK_CACHE_WRITE_BACK = 0,
    EMK_CACHE_WRITE_THROUGH = 1
};

/** Relation of an outer level to the levels inside it. */
enum emk_cache_inclusion {
    EMK_CACHE_NON_INCLUSIVE = 0,
    EMK_CACHE_INCLUSIVE = 1,
    EMK_CACHE_EXCLUSIVE = 2
};

/** Kinds of access. */
enum emk_cache_kind {
    EMK_CACHE_IFETCH = 0,
    EMK_CACHE_READ = 1,
    EMK_CACHE_WRITE = 2
};

/** Where an access was satisfied (worst line of the access). */
enum emk_cache_where {
    EMK_CACHE_HIT_L1 = 1,
    EMK_CACHE_HIT_L2 = 2,
    EMK_CACHE_HIT_LLC = 3,
    EMK_CACHE_HIT_MEM = 4
};

enum {
    EMK_CACHE_MAX_CPUS = 64,
    EMK_CACHE_MAX_ASSOC = 64,
    /* levels with more ways than this keep signature lanes (a miss is a
     * word test); smaller sets are scanned, way 0 first */
    EMK_CACHE_SIG_MIN_ASSOC = 16
};

/** Way states: the low two bits of a tag word.  On a valid line bit 1 is
 * the dirty bit; on an invalid one it marks a coherence invalidation. */
enum emk_cache_state {
    EMK_CACHE_INVALID = 0,
    EMK_CACHE_VALID = 1,
    EMK_CACHE_COH_INVALID = 2, /* tag kept: invalidated by another CPU's write */
    EMK_CACHE_VALID_DIRTY = 3
};

/** Geometry and policies of one level. */
struct emk_cache_geom {
    uint64_t size;      /* bytes: line * assoc * sets, sets a power of two */
    uint32_t assoc;     /* ways, 1..64, at most size/line (any number) */
    uint32_t line;      /* bytes, power of two, >= 4 */
    int policy;         /* enum emk_cache_policy */
    int wpolicy;        /* enum emk_cache_wpolicy */
    int write_allocate; /* nonzero: a write miss fills the line */
};

/** Counters of one level.  [0] reads (incl. ifetch), [1] writes. */
struct emk_cache_stats {
    uint64_t access[2];
    uint64_t miss[2];
    uint64_t coh_miss[2];     /* misses on a line another CPU invalidated */
    uint64_t writebacks;      /* dirty victims written outward */
    uint64_t write_through;   /* writes passed outward on write-through */
    uint64_t evictions;       /* valid lines replaced */
    uint64_t back_invals;     /* lines removed to keep inclusion */
    uint64_t coh_invals;      /* lines invalidated by another CPU */
};

/** One set-associative level.  Fields are private; read stats only. */
struct emk_cache_level {
    struct emk_cache_geom g;
    uint32_t sets;
    uint32_t line_shift;
    uint64_t set_mask;
    /* sets*assoc words: line number << 2 | enum emk_cache_state.  LRU and
     * FIFO keep each set in order: way 0 is the most recently used (LRU)
     * or filled (FIFO) line, the last way the victim.  Random and tree-PLRU
     * keep lines where they were filled. */
    uint64_t *tag;
    uint64_t *plru;     /* per-set tree bits */
    /* per set, sig_words words: 8-bit signature lanes of the ways; only
     * above EMK_CACHE_SIG_MIN_ASSOC ways, else NULL and a set is scanned */
    uint64_t *sig;
    uint32_t sig_words; /* (assoc + 7) / 8, or 0 without lanes */
    uint32_t set_bits;  /* log2(sets) */
    uint64_t gen;       /* fills and LRU promotions done (no decision depends on it) */
    uint64_t rng;       /* xorshift64 state, private to this level */
    uint64_t last_line; /* most recently touched line: a hit on it is state-neutral */
    uint32_t last_way;
    uint32_t hit0;      /* nonzero: a hit on way 0 never changes replacement state */
    size_t ninvalid;    /* ways not valid (a fill searches for one only if > 0) */
    /* nonzero once a line was invalidated: ordered sets may then have an
     * invalid way before a valid one (else invalid ways are a suffix) */
    int holes;
    struct emk_cache_stats st;
};

/**
 * Check a geometry.  Returns 0, or -EINVAL and a message in @err (if not
 * NULL, @errlen bytes) naming the bad field.
 */
EMK_API int emk_cache_geom_check(const struct emk_cache_geom *g, const char *name,
                         char *err, size_t errlen);

/** Set up @c for geometry @g (checked); allocates its arrays. -EINVAL/-ENOMEM. */
EMK_API int emk_cache_level_init(struct emk_cache_level *c, const struct emk_cache_geom *g,
                         uint64_t seed);

/** Free the arrays of @c. */
EMK_API void emk_cache_level_fini(struct emk_cache_level *c);

/** Invalidate every line and clear the counters. */
EMK_API void emk_cache_level_reset(struct emk_cache_level *c);

/**
 * Look up line number @lineno (address >> line_shift).  Returns the way
 * index on a hit (and updates replacement state), -1 on a miss.  Does not
 * count; the hierarchy counts.  If @coh is not NULL it is set to 1 when the
 * miss found the tag invalidated by coherence.
 */
EMK_API int emk_cache_lookup(struct emk_cache_level *c, uint64_t lineno, int *coh);

/**
 * Fill line @lineno after a miss.  Returns the way the new line occupies
 * (0 under LRU and FIFO, the victim's way otherwise).  If a valid line was
 * replaced, *@victim is its line number, *@vdirty its dirty bit and the
 * return value has the valid victim flag: (way | 0x100).
 */
EMK_API int emk_cache_fill(struct emk_cache_level *c, uint64_t lineno, uint64_t *victim,
                   int *vdirty);

/**
 * Way of line @lineno if it is present and a hit on it changes no
 * replacement state (the line touched last, or way 0 under LRU, FIFO and
 * random), else -1.  Callers may then count a hit without
 * emk_cache_lookup.
 */
static inline int emk_cache_neutral_hit(const struct emk_cache_level *c, uint64_t lineno)
{
    if (lineno == c->last_line)
        return (int)c->last_way;
    if (c->hit0 && (c->tag[(size_t)(lineno & c->set_mask) * c->g.assoc] | 2u) ==
                   (lineno << 2 | EMK_CACHE_VALID_DIRTY))
        return 0;
    return -1;
}

/** Set the dirty bit of the valid line in way @way of @lineno's set. */
static inline void emk_cache_set_dirty(struct emk_cache_level *c, uint64_t lineno, int way)
{
    c->tag[(size_t)(lineno & c->set_mask) * c->g.assoc + (size_t)way] |= 2u;
}

/**
 * LRU levels only: look up @lineno and, on a miss, fill it, in one pass.
 * Returns 1 on a hit, 0 on a miss.  The line ends in way 0 either way.
 * *@vdirty is set to 0, or on a miss that replaced a valid line, to its
 * dirty bit with its line number in *@victim.  Does not count accesses.
 */
EMK_API int emk_cache_lru_ref(struct emk_cache_level *c, uint64_t lineno, uint64_t *victim,
                      int *vdirty);

/** Find @lineno without touching replacement state: way or -1. */
EMK_API int emk_cache_probe(const struct emk_cache_level *c, uint64_t lineno);

/** Drop @lineno if present; returns 1 and its dirty bit in *@dirty. */
EMK_API int emk_cache_invalidate(struct emk_cache_level *c, uint64_t lineno, int state,
                         int *dirty);

/** Test hook: set the 64-bit fill counter.  LRU and FIFO are kept as an
 * order, not as stamps, so no count of accesses can wrap them. */
EMK_API void emk_cache_level_set_gen(struct emk_cache_level *c, uint64_t gen);

/** One CPU's private levels. */
struct emk_cache_cpu {
    struct emk_cache_level l1i, l1d, l2;
    int has_l2;
    uint64_t mem_reads, mem_writes; /* traffic past the last level */
};

/** Whole-hierarchy configuration. */
struct emk_cache_config {
    struct emk_cache_geom l1i, l1d, l2, llc;
    int has_l2, has_llc;
    int inclusion;   /* enum emk_cache_inclusion, for L2 and LLC */
    int coherence;   /* nonzero: invalidate other CPUs' copies on write */
    unsigned ncpu;   /* 1..EMK_CACHE_MAX_CPUS */
    uint64_t seed;   /* for random replacement */
};

/** The hierarchy. */
struct emk_cache_sys {
    struct emk_cache_config cfg;
    struct emk_cache_cpu cpu[EMK_CACHE_MAX_CPUS];
    struct emk_cache_level llc;
    uint64_t mem_reads, mem_writes;
    /* nonzero: LRU, write-back, write-allocate at every level, not
     * inclusive or exclusive, no coherence traffic (one CPU or coherence
     * off).  emk_cache_access then takes a one-pass path per level. */
    int simple;
    /* nonzero: simple, with L2 and no LLC, and L1I, L1D and L2 scanned
     * (no signature lanes).  emk_cache_access then uses
     * emk_cache_fast_line.  Tests may clear simple and fast to force the
     * general path. */
    int fast;
};

/** Fill @cfg with defaults: 32K/8/64 L1s, 256K/8/64 L2, LRU, WB, WA, 1 CPU. */
EMK_API void emk_cache_config_default(struct emk_cache_config *cfg);

/** Check @cfg; -EINVAL with a message in @err. */
EMK_API int emk_cache_config_check(const struct emk_cache_config *cfg, char *err, size_t errlen);

/** Build the hierarchy from @cfg.  -EINVAL (message in @err) or -ENOMEM. */
EMK_API int emk_cache_sys_init(struct emk_cache_sys *s, const struct emk_cache_config *cfg,
                       char *err, size_t errlen);

/** Free the hierarchy. */
EMK_API void emk_cache_sys_fini(struct emk_cache_sys *s);

/**
 * Simulate one access of @size bytes (>= 1) at @addr by @cpu.  Every line
 * touched is simulated.  Returns the worst enum emk_cache_where, or
 * -EINVAL for a bad cpu/size.
 */
EMK_API int emk_cache_access(struct emk_cache_sys *s, unsigned cpu, int kind,
                     uint64_t addr, uint32_t size);

/**
 * emk_cache_access for a hierarchy with @s->simple set and an access that
 * stays in line @ln of L1 level @c (&s->cpu[cpu].l1i or .l1d); @wr is 1
 * for a write.  The caller checks all of this; returns enum
 * emk_cache_where.
 */
EMK_API int emk_cache_simple_line(struct emk_cache_sys *s, unsigned cpu, struct emk_cache_level *c,
                          int wr, uint64_t ln);

/**
 * emk_cache_simple_line for a hierarchy with @s->fast set: L1 and L2
 * written out in one function, same result and counters.  The caller
 * checks @s->fast and that the access stays in line @ln of @c.
 */
EMK_API int emk_cache_fast_line(struct emk_cache_sys *s, unsigned cpu, struct emk_cache_level *c,
                        int wr, uint64_t ln);

/** Cachegrind-style reference result: misses at L1 and at the last level. */
struct emk_cache_cgres {
    int l1_miss;
    int ll_miss;
};

/**
 * Cachegrind-compatible reference: the access (at most two lines) goes to
 * L1 of @kind; if any line misses, the whole access goes to the last level
 * (LLC if configured, else L2).  Only LRU/state is updated, no write-back
 * traffic, matching cachegrind's model.  Returns 0 or -EINVAL.
 */
EMK_API int emk_cache_cg_ref(struct emk_cache_sys *s, unsigned cpu, int kind,
                     uint64_t addr, uint32_t size, struct emk_cache_cgres *res);

/** The last level of @cpu's path (LLC if configured, else L2, else L1D). */
EMK_API struct emk_cache_level *emk_cache_last_level(struct emk_cache_sys *s, unsigned cpu);

#endif
