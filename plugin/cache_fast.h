/* Private to plugin/: the fast hierarchy path (emk_cache_sys.fast) as an
 * inline function, for emk_cache_fast_line and for the TCG plugin's data
 * callback.  Private L1 and L2, both LRU, write-back, write-allocate,
 * scanned sets, non-inclusive, no LLC, no coherence traffic: the default
 * configuration of the plugin and of cache-sim.
 *
 * It does what emk_cache_simple_line does through emk_cache_lru_ref and
 * write_back, with the two levels written out: one set index per level, a
 * lookup that moves the ways down while it scans (a hit on the newest
 * line is one compare), and the dirty victim of L1 written back into L2
 * after L2 was searched and filled, as the general recursion does.
 * tests/plugin/test_equiv.c runs random streams through this path, the
 * simple one and the general one, and compares every counter and tag. */
#ifndef EMK_PLUGIN_CACHE_FAST_H
#define EMK_PLUGIN_CACHE_FAST_H

#include "emkit/cache.h"
#include "cache_scan.h"

enum { EMK_FAST_HIT = 2 }; /* never a replaced word: those are valid or 0 */

/* emk_fast_ref on a level with holes (after emk_cache_invalidate); out of
 * line, in cache_fast.c. */
uint64_t emk_fast_ref_holes(struct emk_cache_level *c, uint64_t ln, uint64_t st, uint32_t a);

/* LRU reference of line @ln in the scanned level @c of @a ways.  Returns
 * EMK_FAST_HIT on a hit (the line is now in way 0).  On a miss @ln was
 * filled into way 0 with state @st, and the return value is the word of
 * the way it replaced, or 0 if that was not valid.  Counts nothing but
 * evictions. */
EMK_ALWAYS_INLINE uint64_t emk_fast_ref(struct emk_cache_level *c, uint64_t ln, uint64_t st,
                                    uint32_t a)
{
    uint32_t w;
    uint64_t v = 0;
    if (c->holes)
        return emk_fast_ref_holes(c, ln, st, a);
    c->last_line = ln;
    c->last_way = 0;
    w = emk_scan_ref(c->tag + (size_t)(ln & c->set_mask) * a, a,
                     ln << 2 | EMK_CACHE_VALID_DIRTY, ln << 2 | st, &v);
    if (w < a) {
        c->gen += w != 0;
        return EMK_FAST_HIT;
    }
    c->gen++;
    if (v & 1u) {
        c->st.evictions++;
        return v;
    }
    c->ninvalid--;
    return 0;
}

/* The half of emk_fast_line after L1 (@c) missed: @ln was filled there
 * by emk_fast_ref, which returned @v (the word it replaced, 0 if none).
 * Counts the L1 miss, references L2 (@a2 ways) and writes the victims
 * back.  Returns EMK_CACHE_HIT_L2 or EMK_CACHE_HIT_MEM. */
EMK_ALWAYS_INLINE int emk_fast_outer(struct emk_cache_sys *s, unsigned cpu,
                                   struct emk_cache_level *c, int wr, uint64_t ln, uint64_t v,
                                   uint32_t a2)
{
    struct emk_cache_cpu *cp = &s->cpu[cpu];
    struct emk_cache_level *o = &cp->l2;
    uint64_t ov, on = (ln << c->line_shift) >> o->line_shift;
    int r;

    c->st.miss[wr]++;
    o->st.access[0]++;
    ov = emk_fast_ref(o, on, EMK_CACHE_VALID, a2);
    if (ov == EMK_FAST_HIT) {
        r = EMK_CACHE_HIT_L2;
    } else {
        o->st.miss[0]++;
        cp->mem_reads++;
        s->mem_reads++;
        if ((ov & EMK_CACHE_VALID_DIRTY) == EMK_CACHE_VALID_DIRTY) {
            o->st.writebacks++;
            cp->mem_writes++;
            s->mem_writes++;
        }
        r = EMK_CACHE_HIT_MEM;
    }
    if ((v & EMK_CACHE_VALID_DIRTY) == EMK_CACHE_VALID_DIRTY) {
        /* L1's dirty victim: set the dirty bit of its L2 copy without
         * making it recent, or write it to memory */
        uint64_t vn = ((v >> 2) << c->line_shift) >> o->line_shift;
        uint64_t *u = o->tag + (size_t)(vn & o->set_mask) * a2;
        uint32_t w = emk_scan_find(u, a2, vn << 2 | EMK_CACHE_VALID_DIRTY);
        c->st.writebacks++;
        if (w < a2) {
            u[w] |= 2u;
        } else {
            cp->mem_writes++;
            s->mem_writes++;
        }
    }
    return r;
}

/* See emk_cache_fast_line in cache.h.  @a1 and @a2 are the ways of @c and
 * of L2; a caller may pass constants so that the scans are unrolled.  L1
 * is referenced first and filled on a miss (a level's fill does not
 * depend on the levels outside it); its victim is handled after L2. */
EMK_ALWAYS_INLINE int emk_fast_line(struct emk_cache_sys *s, unsigned cpu, struct emk_cache_level *c,
                                  int wr, uint64_t ln, uint32_t a1, uint32_t a2)
{
    uint64_t v;
    c->st.access[wr]++;
    v = emk_fast_ref(c, ln, EMK_CACHE_VALID | (uint64_t)wr << 1, a1);
    if (v == EMK_FAST_HIT) {
        c->tag[(size_t)(ln & c->set_mask) * a1] |= (uint64_t)wr << 1;
        return EMK_CACHE_HIT_L1;
    }
    return emk_fast_outer(s, cpu, c, wr, ln, v, a2);
}

#endif
