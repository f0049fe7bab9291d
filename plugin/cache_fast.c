/* The fast hierarchy path (emk_cache_sys.fast); the code is in
 * cache_fast.h so that the TCG plugin's callback can inline it. */
#include "emkit/cache.h"
#include "cache_fast.h"

uint64_t emk_fast_ref_holes(struct emk_cache_level *c, uint64_t ln, uint64_t st, uint32_t a)
{
    uint64_t *t = c->tag + (size_t)(ln & c->set_mask) * a, v;
    uint32_t w = emk_scan_find(t, a, ln << 2 | EMK_CACHE_VALID_DIRTY);
    c->last_line = ln;
    c->last_way = 0;
    if (w < a) {
        if (w) {
            emk_scan_front(t, w, t[w]);
            c->gen++;
        }
        return EMK_FAST_HIT;
    }
    w = emk_scan_victim(c, t, a); /* counts a filled invalid way */
    v = t[w];
    emk_scan_front(t, w, ln << 2 | st);
    c->gen++;
    if (!(v & 1u))
        return 0;
    c->st.evictions++;
    return v;
}

int emk_cache_fast_line(struct emk_cache_sys *s, unsigned cpu, struct emk_cache_level *c,
                        int wr, uint64_t ln)
{
    return emk_fast_line(s, cpu, c, wr, ln, c->g.assoc, s->cpu[cpu].l2.g.assoc);
}
