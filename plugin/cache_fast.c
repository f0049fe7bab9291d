/* The fast hierarchy path (emk_cache_sys.fast): private L1 and L2, both
 * LRU, write-back, write-allocate, scanned sets, non-inclusive, no LLC, no
 * coherence traffic.  This is the default configuration of the plugin and
 * of cache-sim.  It does what emk_cache_simple_line does through
 * emk_cache_lru_ref and write_back, with the levels written out: one set
 * index per level, lookup by a scan from way 0 (a hit on the newest line
 * is one compare), a move of the ways before the found one, and the dirty
 * victim of L1 written back into L2 after L2 was searched and filled, as
 * the general recursion does.  tests/plugin/test_cache.c runs random
 * streams through this path and the general one and compares every
 * counter and every tag. */
#include "cache.h"
#include "cache_scan.h"

int emk_cache_fast_line(struct emk_cache_sys *s, unsigned cpu, struct emk_cache_level *c,
                        int wr, uint64_t ln)
{
    struct emk_cache_cpu *cp = &s->cpu[cpu];
    struct emk_cache_level *o = &cp->l2;
    uint32_t a = c->g.assoc, oa = o->g.assoc, w;
    uint64_t *t = c->tag + (size_t)(ln & c->set_mask) * a, *u;
    uint64_t want = ln << 2 | EMK_CACHE_VALID_DIRTY, v, on;
    int r;

    c->st.access[wr]++;
    w = emk_scan_find(t, a, want);
    if (w < a) {
        v = t[w] | (uint64_t)wr << 1;
        if (w) {
            emk_scan_front(t, w, v);
            c->gen++;
        } else {
            t[0] = v;
        }
        c->last_line = ln;
        c->last_way = 0;
        return EMK_CACHE_HIT_L1;
    }
    /* L1 miss: fill way 0 now (a level's fill does not depend on the
     * levels outside it); the victim is handled after L2. */
    c->st.miss[wr]++;
    w = emk_scan_victim(c, t, a);
    v = t[w];
    if (v & 1u)
        c->st.evictions++;
    emk_scan_front(t, w, ln << 2 | EMK_CACHE_VALID | (uint64_t)wr << 1);
    c->gen++;
    c->last_line = ln;
    c->last_way = 0;

    on = (ln << c->line_shift) >> o->line_shift;
    u = o->tag + (size_t)(on & o->set_mask) * oa;
    o->st.access[0]++;
    want = on << 2 | EMK_CACHE_VALID_DIRTY;
    w = emk_scan_find(u, oa, want);
    if (w < oa) {
        if (w) {
            emk_scan_front(u, w, u[w]);
            o->gen++;
        }
        r = EMK_CACHE_HIT_L2;
    } else {
        uint64_t ov;
        o->st.miss[0]++;
        cp->mem_reads++;
        s->mem_reads++;
        w = emk_scan_victim(o, u, oa);
        ov = u[w];
        emk_scan_front(u, w, on << 2 | EMK_CACHE_VALID);
        o->gen++;
        if (ov & 1u) {
            o->st.evictions++;
            if (ov & 2u) {
                o->st.writebacks++;
                cp->mem_writes++;
                s->mem_writes++;
            }
        }
        r = EMK_CACHE_HIT_MEM;
    }
    o->last_line = on;
    o->last_way = 0;

    if ((v & EMK_CACHE_VALID_DIRTY) == EMK_CACHE_VALID_DIRTY) {
        /* L1's dirty victim: set the dirty bit of its L2 copy without
         * making it recent, or write it to memory */
        uint64_t vn = ((v >> 2) << c->line_shift) >> o->line_shift;
        c->st.writebacks++;
        u = o->tag + (size_t)(vn & o->set_mask) * oa;
        w = emk_scan_find(u, oa, vn << 2 | EMK_CACHE_VALID_DIRTY);
        if (w < oa) {
            u[w] |= 2u;
        } else {
            cp->mem_writes++;
            s->mem_writes++;
        }
    }
    return r;
}
