/* The fast hierarchy path (emk_cache_sys.fast); the code is in
 * cache_fast.h so that the TCG plugin's callback can inline it. */
#include "cache.h"
#include "cache_fast.h"

int emk_cache_fast_line(struct emk_cache_sys *s, unsigned cpu, struct emk_cache_level *c,
                        int wr, uint64_t ln)
{
    return emk_fast_line(s, cpu, c, wr, ln, c->g.assoc, s->cpu[cpu].l2.g.assoc);
}
