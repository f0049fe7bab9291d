/* Private to plugin/: ordered LRU sets without signature lanes.  Way 0 is
 * the most recently used line; a lookup scans from way 0 and stops at the
 * first match, so a hit on the newest line is one compare. */
#ifndef EMK_PLUGIN_CACHE_SCAN_H
#define EMK_PLUGIN_CACHE_SCAN_H

#include "emkit/cache.h"
#include "compat.h"

/* Way of the valid line with tag word @want (line << 2 | 3) among the @a
 * ways at @t, or @a if it is not there. */
static inline uint32_t emk_scan_find(const uint64_t *t, uint32_t a, uint64_t want)
{
    uint32_t w = 0;
    while (w < a && (t[w] | 2u) != want)
        w++;
    return w;
}

/* Put @v in way 0, moving ways 0..@w-1 down by one (way @w is dropped). */
static inline void emk_scan_front(uint64_t *t, uint32_t w, uint64_t v)
{
    for (; w; w--)
        t[w] = t[w - 1];
    t[0] = v;
}

/* One pass of an LRU reference on a set with no holes (invalid ways, if
 * any, are a suffix): each way moves down one while the line @want is
 * looked for.  A hit at way w leaves ways 0..w-1 moved down and the line
 * (with its dirty bit) in way 0, and returns w.  A miss leaves every way
 * moved down and @fill in way 0, puts the dropped last way in *@old, and
 * returns @a.  This is emk_scan_find followed by emk_scan_front in one
 * loop, two ways per step (no register copies between ways). */
EMK_ALWAYS_INLINE uint32_t emk_scan_ref(uint64_t *t, uint32_t a, uint64_t want, uint64_t fill,
                                    uint64_t *old)
{
    uint64_t prev = fill, x;
    uint32_t w;
    for (w = 0; w + 1 < a; w += 2) {
        x = t[w];
        t[w] = prev;
        if ((x | 2u) == want) {
            t[0] = x;
            return w;
        }
        prev = t[w + 1];
        t[w + 1] = x;
        if ((prev | 2u) == want) {
            t[0] = prev;
            return w + 1;
        }
    }
    if (w < a) {
        x = t[w];
        t[w] = prev;
        if ((x | 2u) == want) {
            t[0] = x;
            return w;
        }
        prev = x;
    }
    *old = prev;
    return a;
}

/* The way a fill after a miss takes in an ordered set: the invalid way
 * nearest the old end, else the last (oldest) way.  Without invalidations
 * the invalid ways of a set are a suffix, so only the last one is looked
 * at; the scan is needed only once emk_cache_invalidate made holes. */
static inline uint32_t emk_scan_victim(struct emk_cache_level *c, const uint64_t *t, uint32_t a)
{
    uint32_t i = a - 1;
    if (!(t[i] & 1u)) {
        c->ninvalid--;
        return i;
    }
    if (c->holes && c->ninvalid)
        while (i-- > 0)
            if (!(t[i] & 1u)) {
                c->ninvalid--;
                return i;
            }
    return a - 1;
}

#endif
