/* One set-associative cache level: lookup, fill, replacement policies. */
#include "emkit/cache.h"
#include "cache_scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_pow2(uint64_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

static uint32_t log2u(uint64_t v)
{
    uint32_t n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

int emk_cache_geom_check(const struct emk_cache_geom *g, const char *name,
                         char *err, size_t errlen)
{
    const char *why = NULL;
    /* The number of sets must be a power of two; the size need not be
     * (48 KiB 12-way has 64 sets).  Checked in full below. */
    if (!is_pow2(g->size) &&
        (!g->line || !g->assoc || g->size % ((uint64_t)g->line * g->assoc) != 0))
        why = "size is not a power of two (nor line x assoc x 2^n)";
    else if (!is_pow2(g->line) || g->line < 4)
        why = "line size is not a power of two >= 4";
    else if (g->line > g->size)
        why = "line size is larger than the cache";
    else if (g->assoc == 0 || g->assoc > EMK_CACHE_MAX_ASSOC)
        why = "associativity must be 1..64";
    else if (g->assoc > g->size / g->line)
        why = "associativity is larger than the number of lines";
    else if ((g->size / g->line) % g->assoc != 0 || !is_pow2(g->size / g->line / g->assoc))
        why = "number of sets (size/line/assoc) is not a power of two";
    else if (g->policy < EMK_CACHE_LRU || g->policy > EMK_CACHE_PLRU)
        why = "unknown replacement policy";
    else if (g->policy == EMK_CACHE_PLRU && !is_pow2(g->assoc))
        why = "tree-PLRU needs a power-of-two associativity";
    else if (g->wpolicy != EMK_CACHE_WRITE_BACK && g->wpolicy != EMK_CACHE_WRITE_THROUGH)
        why = "unknown write policy";
    if (!why)
        return 0;
    if (err && errlen)
        snprintf(err, errlen, "%s: %s (size %llu, assoc %u, line %u)", name ? name : "cache",
                 why, (unsigned long long)g->size, (unsigned)g->assoc, (unsigned)g->line);
    return -EINVAL;
}

/* LRU and FIFO keep every set in order (way 0 newest); see cache.h. */
static int ordered(const struct emk_cache_level *c)
{
    return c->g.policy == EMK_CACHE_LRU || c->g.policy == EMK_CACHE_FIFO;
}

int emk_cache_level_init(struct emk_cache_level *c, const struct emk_cache_geom *g,
                         uint64_t seed)
{
    size_t n;
    memset(c, 0, sizeof(*c));
    if (emk_cache_geom_check(g, NULL, NULL, 0) < 0)
        return -EINVAL;
    c->g = *g;
    c->sets = (uint32_t)(g->size / g->line / g->assoc);
    c->line_shift = log2u(g->line);
    c->set_mask = c->sets - 1;
    n = (size_t)c->sets * g->assoc;
    c->tag = calloc(n, sizeof(*c->tag));
    c->plru = calloc(c->sets, sizeof(*c->plru));
    c->set_bits = log2u(c->sets);
    if (g->assoc > EMK_CACHE_SIG_MIN_ASSOC) {
        c->sig_words = (g->assoc + 7) / 8;
        c->sig = calloc((size_t)c->sets * c->sig_words, sizeof(*c->sig));
    }
    if (!c->tag || !c->plru || (c->sig_words && !c->sig)) {
        emk_cache_level_fini(c);
        return -ENOMEM;
    }
    /* Way 0 holds the most recent line under LRU; FIFO and random never
     * change state on a hit.  Tree-PLRU does, wherever the line is. */
    c->hit0 = g->policy != EMK_CACHE_PLRU;
    c->ninvalid = n;
    c->rng = seed ? seed : 0x9E3779B97F4A7C15ull;
    c->last_line = UINT64_MAX;
    return 0;
}

void emk_cache_level_fini(struct emk_cache_level *c)
{
    free(c->tag);
    free(c->plru);
    free(c->sig);
    c->tag = c->plru = c->sig = NULL;
}

void emk_cache_level_reset(struct emk_cache_level *c)
{
    size_t n = (size_t)c->sets * c->g.assoc;
    memset(c->tag, 0, n * sizeof(*c->tag));
    memset(c->plru, 0, c->sets * sizeof(*c->plru));
    if (c->sig)
        memset(c->sig, 0, (size_t)c->sets * c->sig_words * sizeof(*c->sig));
    memset(&c->st, 0, sizeof(c->st));
    c->gen = 0;
    c->holes = 0;
    c->ninvalid = n;
    c->last_line = UINT64_MAX;
}

void emk_cache_level_set_gen(struct emk_cache_level *c, uint64_t gen)
{
    c->gen = gen;
}

/* Tree-PLRU: assoc-1 node bits; a bit of 0 means "victim on the left". */
static void plru_touch(struct emk_cache_level *c, uint32_t set, uint32_t way)
{
    uint32_t levels = log2u(c->g.assoc), node = 0, l;
    uint64_t bits = c->plru[set];
    for (l = 0; l < levels; l++) {
        uint32_t right = (way >> (levels - 1 - l)) & 1u;
        if (right)
            bits &= ~((uint64_t)1 << node); /* victim side: left */
        else
            bits |= (uint64_t)1 << node;    /* victim side: right */
        node = 2 * node + 1 + right;
    }
    c->plru[set] = bits;
}

static uint32_t plru_victim(const struct emk_cache_level *c, uint32_t set)
{
    uint32_t levels = log2u(c->g.assoc), node = 0, way = 0, l;
    uint64_t bits = c->plru[set];
    for (l = 0; l < levels; l++) {
        uint32_t right = (uint32_t)((bits >> node) & 1u);
        way = (way << 1) | right;
        node = 2 * node + 1 + right;
    }
    return way;
}

static uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

/* Signatures: lane i (bits 8i..8i+7 of word i/8 of the set) holds 0x80
 * | 7 bits of a hash of the line in way i, or 0 for a way that is not
 * valid.  A set is searched eight ways per word: a lane equal to the
 * wanted signature is found with a zero-byte test, and only its tag is
 * compared.  A miss therefore costs one word test, not a scan. */
enum { SIG_HIGH = 0x80 };
static const uint64_t LANES_01 = 0x0101010101010101ull;
static const uint64_t LANES_80 = 0x8080808080808080ull;

static uint8_t sig_of(const struct emk_cache_level *c, uint64_t lineno)
{
    /* the set index bits are equal within a set: hash the rest */
    return (uint8_t)(SIG_HIGH | (((lineno >> c->set_bits) * 0x9E3779B97F4A7C15ull) >> 57));
}

/* The set's lanes, or NULL if the level keeps none. */
static uint64_t *sig_set(const struct emk_cache_level *c, uint32_t set)
{
    return c->sig ? c->sig + (size_t)set * c->sig_words : NULL;
}

static void sig_put(uint64_t *sg, uint32_t w, uint8_t h)
{
    unsigned sh = 8u * (w & 7u);
    if (!sg)
        return;
    sg[w >> 3] = (sg[w >> 3] & ~((uint64_t)0xff << sh)) | ((uint64_t)h << sh);
}

/* Way of the valid line @want (tag word with state bits 3) in set @t/@sg,
 * or -1. */
static int find_way(const struct emk_cache_level *c, const uint64_t *t, const uint64_t *sg,
                    uint64_t want, uint8_t h)
{
    uint64_t pat = h * LANES_01;
    uint32_t k, nw = c->sig_words;
    if (!sg) {
        k = emk_scan_find(t, c->g.assoc, want);
        return k < c->g.assoc ? (int)k : -1;
    }
    for (k = 0; k < nw; k++) {
        uint64_t x = sg[k] ^ pat;
        uint64_t m = (x - LANES_01) & ~x & LANES_80;
        /* Every lane equal to h is flagged; a borrow may flag a few more
         * above it, which the tag compare rejects. */
        while (m) {
            uint64_t low = m & (~m + 1);
            uint32_t w = 8 * k + (uint32_t)(((low >> 7) * 0x0001020304050607ull) >> 56);
            if (w < c->g.assoc && (t[w] | 2u) == want)
                return (int)w;
            m &= m - 1;
        }
    }
    return -1;
}

int emk_cache_probe(const struct emk_cache_level *c, uint64_t lineno)
{
    uint32_t set = (uint32_t)(lineno & c->set_mask);
    return find_way(c, c->tag + (size_t)set * c->g.assoc, sig_set(c, set),
                    lineno << 2 | EMK_CACHE_VALID_DIRTY, sig_of(c, lineno));
}

/* Move way @w of the set to way 0 with tag @v and signature @h, shifting
 * ways 0..w-1 down by one (tags and signature lanes). */
static void to_front(uint64_t *t, uint64_t *sg, uint32_t w, uint64_t v, uint8_t h)
{
    uint32_t k, last = w >> 3;
    uint64_t carry = h;
    if (!sg) {
        emk_scan_front(t, w, v);
        return;
    }
    if (w)
        memmove(t + 1, t, (size_t)w * sizeof(*t));
    t[0] = v;
    for (k = 0; k < last; k++) {
        uint64_t x = sg[k];
        sg[k] = x << 8 | carry;
        carry = x >> 56;
    }
    {
        uint32_t j = w & 7u;
        uint64_t low = j == 7 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * (j + 1))) - 1;
        uint64_t x = sg[last];
        sg[last] = (x & ~low) | ((x << 8 | carry) & low);
    }
}

int emk_cache_lookup(struct emk_cache_level *c, uint64_t lineno, int *coh)
{
    uint32_t set, a = c->g.assoc;
    uint64_t *t, *sg;
    uint64_t want = lineno << 2 | EMK_CACHE_VALID_DIRTY;
    uint8_t h;
    int w;
    /* Touching the line touched last again changes no replacement state
     * under any policy: it already is the most recent of its set. */
    if (lineno == c->last_line)
        return (int)c->last_way;
    set = (uint32_t)(lineno & c->set_mask);
    t = c->tag + (size_t)set * a;
    sg = sig_set(c, set);
    h = sig_of(c, lineno);
    w = find_way(c, t, sg, want, h);
    if (w >= 0) {
        if (c->g.policy == EMK_CACHE_LRU) {
            if (w) {
                to_front(t, sg, (uint32_t)w, t[w], h);
                w = 0;
            }
            c->gen++;
        } else if (c->g.policy == EMK_CACHE_PLRU) {
            plru_touch(c, set, (uint32_t)w);
        }
        c->last_line = lineno;
        c->last_way = (uint32_t)w;
        return w;
    }
    if (coh) {
        uint32_t i;
        want = lineno << 2 | EMK_CACHE_COH_INVALID;
        for (i = 0; i < a; i++)
            if (t[i] == want)
                *coh = 1;
    }
    return -1;
}

/* emk_cache_lru_ref is the whole access path of the simple hierarchy and
 * of cachegrind counting, so find_way and to_front are written out in it:
 * no calls but the tag move. */
int emk_cache_lru_ref(struct emk_cache_level *c, uint64_t lineno, uint64_t *victim,
                      int *vdirty)
{
    uint32_t set, a = c->g.assoc, vw = 0, k, last, nw = c->sig_words;
    uint64_t *t, *sg, v = 0, pat, carry, low;
    uint64_t want = lineno << 2 | EMK_CACHE_VALID_DIRTY;
    uint8_t h;
    int hit = 0;
    *vdirty = 0;
    if (lineno == c->last_line)
        return 1;
    set = (uint32_t)(lineno & c->set_mask);
    t = c->tag + (size_t)set * a;
    if (!c->sig) {
        /* scanned set: find, else take the victim; one move either way */
        vw = emk_scan_find(t, a, want);
        if (vw == 0) {
            c->last_line = lineno;
            c->last_way = 0;
            return 1;
        }
        if (vw < a) {
            v = t[vw];
            hit = 1;
        } else {
            vw = emk_scan_victim(c, t, a);
            v = t[vw];
            if (v & 1u) {
                *victim = v >> 2;
                *vdirty = (int)((v >> 1) & 1u);
                c->st.evictions++;
            }
            v = lineno << 2 | EMK_CACHE_VALID;
        }
        emk_scan_front(t, vw, v);
        c->gen++;
        c->last_line = lineno;
        c->last_way = 0;
        return hit;
    }
    sg = c->sig + (size_t)set * nw;
    h = sig_of(c, lineno);
    pat = h * LANES_01;
    for (k = 0; k < nw && !hit; k++) {
        uint64_t x = sg[k] ^ pat;
        uint64_t m = (x - LANES_01) & ~x & LANES_80;
        while (m) {
            uint64_t bit = m & (~m + 1);
            vw = 8 * k + (uint32_t)(((bit >> 7) * 0x0001020304050607ull) >> 56);
            if (vw < a && (t[vw] | 2u) == want) {
                hit = 1;
                break;
            }
            m &= m - 1;
        }
    }
    if (hit) {
        if (vw == 0) {
            c->last_line = lineno;
            c->last_way = 0;
            return 1; /* a hit on way 0 changes nothing */
        }
        v = t[vw];
    } else {
        vw = a - 1;
        if (c->ninvalid) {
            uint32_t i;
            for (i = a; i-- > 0;)
                if (!(t[i] & 1u))
                    break;
            if (i < a) {
                vw = i;
                c->ninvalid--;
            }
        }
        v = t[vw];
        if (v & 1u) {
            *victim = v >> 2;
            *vdirty = (int)((v >> 1) & 1u);
            c->st.evictions++;
        }
        v = lineno << 2 | EMK_CACHE_VALID;
    }
    /* to_front(t, sg, vw, v, h); memmove measured cheaper than a loop */
    if (vw)
        memmove(t + 1, t, (size_t)vw * sizeof(*t));
    t[0] = v;
    last = vw >> 3;
    carry = h;
    for (k = 0; k < last; k++) {
        uint64_t x = sg[k];
        sg[k] = x << 8 | carry;
        carry = x >> 56;
    }
    low = (vw & 7u) == 7 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * ((vw & 7u) + 1))) - 1;
    sg[last] = (sg[last] & ~low) | ((sg[last] << 8 | carry) & low);
    c->gen++;
    c->last_line = lineno;
    c->last_way = 0;
    return hit;
}

int emk_cache_fill(struct emk_cache_level *c, uint64_t lineno, uint64_t *victim,
                   int *vdirty)
{
    uint32_t set = (uint32_t)(lineno & c->set_mask), w, a = c->g.assoc, vw = a;
    uint64_t *t = c->tag + (size_t)set * a, *sg = sig_set(c, set);
    int ret = 0;
    c->gen++;
    if (!c->ninvalid) {
        /* every way valid: nothing to search */
    } else if (ordered(c)) {
        /* The invalid way nearest the old end, else the oldest line. */
        for (w = a; w-- > 0;)
            if (!(t[w] & 1u)) {
                vw = w;
                break;
            }
    } else {
        for (w = 0; w < a; w++)
            if (!(t[w] & 1u)) {
                vw = w;
                break;
            }
    }
    if (vw < a)
        c->ninvalid--;
    if (vw == a) {
        switch (c->g.policy) {
        case EMK_CACHE_RANDOM:
            vw = (uint32_t)(xorshift64(&c->rng) % a);
            break;
        case EMK_CACHE_PLRU:
            vw = plru_victim(c, set);
            break;
        default: /* LRU and FIFO: the last way is the oldest */
            vw = a - 1;
        }
        if (victim)
            *victim = t[vw] >> 2;
        if (vdirty)
            *vdirty = (int)((t[vw] >> 1) & 1u);
        c->st.evictions++;
        ret = 0x100;
    }
    if (ordered(c)) {
        to_front(t, sg, vw, lineno << 2 | EMK_CACHE_VALID, sig_of(c, lineno));
        vw = 0;
    } else {
        t[vw] = lineno << 2 | EMK_CACHE_VALID;
        sig_put(sg, vw, sig_of(c, lineno));
        if (c->g.policy == EMK_CACHE_PLRU)
            plru_touch(c, set, vw);
    }
    c->last_line = lineno;
    c->last_way = vw;
    return ret | (int)vw;
}

int emk_cache_invalidate(struct emk_cache_level *c, uint64_t lineno, int state,
                         int *dirty)
{
    int w = emk_cache_probe(c, lineno);
    size_t i;
    if (w < 0)
        return 0;
    if (lineno == c->last_line)
        c->last_line = UINT64_MAX;
    i = (size_t)(lineno & c->set_mask) * c->g.assoc + (size_t)w;
    if (dirty)
        *dirty = (int)((c->tag[i] >> 1) & 1u);
    c->ninvalid++;
    c->holes = 1;
    c->tag[i] = lineno << 2 | (uint64_t)(state & 2);
    sig_put(sig_set(c, (uint32_t)(lineno & c->set_mask)), (uint32_t)w, 0);
    return 1;
}
