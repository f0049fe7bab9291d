/* The hierarchy: private L1I/L1D/L2 per CPU, optional shared LLC,
 * inclusion policies, write policies and invalidation-based coherence. */
#include "emkit/cache.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Level indices along one CPU's path outward from L1. */
enum { LV_L2 = 2, LV_LLC = 3, LV_MEM = 4 };

void emk_cache_config_default(struct emk_cache_config *cfg)
{
    struct emk_cache_geom l1 = { 32768, 8, 64, EMK_CACHE_LRU, EMK_CACHE_WRITE_BACK, 1 };
    memset(cfg, 0, sizeof(*cfg));
    cfg->l1i = l1;
    cfg->l1d = l1;
    cfg->l2 = l1;
    cfg->l2.size = 262144;
    cfg->llc = l1;
    cfg->llc.size = 8u << 20;
    cfg->llc.assoc = 16;
    cfg->has_l2 = 1;
    cfg->ncpu = 1;
    cfg->coherence = 1;
    cfg->seed = 1;
}

int emk_cache_config_check(const struct emk_cache_config *cfg, char *err, size_t errlen)
{
    int r;
    if (cfg->ncpu < 1 || cfg->ncpu > EMK_CACHE_MAX_CPUS) {
        if (err && errlen)
            snprintf(err, errlen, "cores: %u is not in 1..%d", cfg->ncpu, EMK_CACHE_MAX_CPUS);
        return -EINVAL;
    }
    if ((r = emk_cache_geom_check(&cfg->l1i, "L1I", err, errlen)) < 0 ||
        (r = emk_cache_geom_check(&cfg->l1d, "L1D", err, errlen)) < 0)
        return r;
    if (cfg->has_l2 && (r = emk_cache_geom_check(&cfg->l2, "L2", err, errlen)) < 0)
        return r;
    if (cfg->has_llc && (r = emk_cache_geom_check(&cfg->llc, "LLC", err, errlen)) < 0)
        return r;
    if (cfg->inclusion < EMK_CACHE_NON_INCLUSIVE || cfg->inclusion > EMK_CACHE_EXCLUSIVE) {
        if (err && errlen)
            snprintf(err, errlen, "inclusion: unknown policy %d", cfg->inclusion);
        return -EINVAL;
    }
    if (cfg->inclusion != EMK_CACHE_NON_INCLUSIVE || cfg->coherence) {
        /* Inclusion and coherence act on whole lines: one line size. */
        uint32_t l = cfg->l1d.line;
        if (cfg->l1i.line != l || (cfg->has_l2 && cfg->l2.line != l) ||
            (cfg->has_llc && cfg->llc.line != l)) {
            if (cfg->inclusion != EMK_CACHE_NON_INCLUSIVE || cfg->ncpu > 1) {
                if (err && errlen)
                    snprintf(err, errlen, "inclusive/exclusive hierarchies and coherence "
                             "need one line size at all levels");
                return -EINVAL;
            }
        }
    }
    return 0;
}

void emk_cache_sys_fini(struct emk_cache_sys *s)
{
    unsigned i;
    for (i = 0; i < EMK_CACHE_MAX_CPUS; i++) {
        emk_cache_level_fini(&s->cpu[i].l1i);
        emk_cache_level_fini(&s->cpu[i].l1d);
        emk_cache_level_fini(&s->cpu[i].l2);
    }
    emk_cache_level_fini(&s->llc);
}

static int simple_geom(const struct emk_cache_geom *g)
{
    return g->policy == EMK_CACHE_LRU && g->wpolicy == EMK_CACHE_WRITE_BACK && g->write_allocate;
}

int emk_cache_sys_init(struct emk_cache_sys *s, const struct emk_cache_config *cfg,
                       char *err, size_t errlen)
{
    unsigned i;
    int r = emk_cache_config_check(cfg, err, errlen);
    memset(s, 0, sizeof(*s));
    if (r < 0)
        return r;
    s->cfg = *cfg;
    for (i = 0; i < cfg->ncpu && r == 0; i++) {
        struct emk_cache_cpu *c = &s->cpu[i];
        uint64_t seed = cfg->seed * 0x100000001B3ull + i * 3 + 1;
        r = emk_cache_level_init(&c->l1i, &cfg->l1i, seed);
        if (r == 0)
            r = emk_cache_level_init(&c->l1d, &cfg->l1d, seed + 1);
        if (r == 0 && cfg->has_l2)
            r = emk_cache_level_init(&c->l2, &cfg->l2, seed + 2);
        c->has_l2 = cfg->has_l2;
    }
    if (r == 0 && cfg->has_llc)
        r = emk_cache_level_init(&s->llc, &cfg->llc, cfg->seed * 7 + 5);
    s->simple = simple_geom(&cfg->l1i) && simple_geom(&cfg->l1d) &&
                (!cfg->has_l2 || simple_geom(&cfg->l2)) && (!cfg->has_llc || simple_geom(&cfg->llc)) &&
                cfg->inclusion == EMK_CACHE_NON_INCLUSIVE && (!cfg->coherence || cfg->ncpu == 1);
    s->fast = r == 0 && s->simple && cfg->has_l2 && !cfg->has_llc && !s->cpu[0].l1i.sig &&
              !s->cpu[0].l1d.sig && !s->cpu[0].l2.sig;
    if (r < 0) {
        emk_cache_sys_fini(s);
        if (err && errlen)
            snprintf(err, errlen, "out of memory for the cache arrays");
    }
    return r;
}

static struct emk_cache_level *level_at(struct emk_cache_sys *s, unsigned cpu, int k)
{
    if (k == LV_L2 && s->cpu[cpu].has_l2)
        return &s->cpu[cpu].l2;
    if (k <= LV_LLC && s->cfg.has_llc)
        return &s->llc;
    return NULL;
}

static int next_level(struct emk_cache_sys *s, unsigned cpu, int k)
{
    if (k < LV_L2 && s->cpu[cpu].has_l2)
        return LV_L2;
    if (k < LV_LLC && s->cfg.has_llc)
        return LV_LLC;
    return LV_MEM;
}

struct emk_cache_level *emk_cache_last_level(struct emk_cache_sys *s, unsigned cpu)
{
    if (s->cfg.has_llc)
        return &s->llc;
    if (s->cpu[cpu].has_l2)
        return &s->cpu[cpu].l2;
    return &s->cpu[cpu].l1d;
}

/* Coherence-miss detection only when coherence is on: no COH_INVALID tag
 * exists otherwise, and the extra scan of a missing set is saved. */
static int *coh_ptr(const struct emk_cache_sys *s, int *coh)
{
    return s->cfg.coherence && s->cfg.ncpu > 1 ? coh : NULL;
}

static void mem_write(struct emk_cache_sys *s, unsigned cpu)
{
    s->cpu[cpu].mem_writes++;
    s->mem_writes++;
}

/* A dirty line written back from inside into level @k (no allocation, no
 * replacement update: the victim's write does not make it recent). */
static void write_back(struct emk_cache_sys *s, unsigned cpu, int k, uint64_t addr)
{
    for (; k < LV_MEM; k = next_level(s, cpu, k)) {
        struct emk_cache_level *c = level_at(s, cpu, k);
        int w = emk_cache_probe(c, addr >> c->line_shift);
        if (w >= 0) {
            if (c->g.wpolicy == EMK_CACHE_WRITE_BACK) {
                emk_cache_set_dirty(c, addr >> c->line_shift, w);
                return;
            }
            c->st.write_through++;
        }
    }
    mem_write(s, cpu);
}

/* Remove @addr's line from the levels inside @k (inclusion).  Dirty inner
 * copies are written to memory. */
static void back_invalidate(struct emk_cache_sys *s, unsigned cpu, int k, uint64_t addr)
{
    unsigned first = cpu, last = cpu, i;
    if (k == LV_LLC) {
        first = 0;
        last = s->cfg.ncpu - 1;
    }
    for (i = first; i <= last; i++) {
        struct emk_cache_cpu *c = &s->cpu[i];
        struct emk_cache_level *in[3];
        int n = 0, j, d;
        in[n++] = &c->l1i;
        in[n++] = &c->l1d;
        if (k == LV_LLC && c->has_l2)
            in[n++] = &c->l2;
        for (j = 0; j < n; j++) {
            d = 0;
            if (emk_cache_invalidate(in[j], addr >> in[j]->line_shift, EMK_CACHE_INVALID, &d)) {
                in[j]->st.back_invals++;
                if (d)
                    mem_write(s, i);
            }
        }
    }
}

static void insert_victim(struct emk_cache_sys *s, unsigned cpu, int k, uint64_t addr, int dirty);

/* Handle the victim of a fill into level @k. */
static void evicted(struct emk_cache_sys *s, unsigned cpu, int k, struct emk_cache_level *c,
                    uint64_t vline, int vdirty)
{
    uint64_t vaddr = vline << c->line_shift;
    int nk = next_level(s, cpu, k < LV_L2 ? 1 : k);
    if (k >= LV_L2 && s->cfg.inclusion == EMK_CACHE_INCLUSIVE)
        back_invalidate(s, cpu, k, vaddr);
    if (s->cfg.inclusion == EMK_CACHE_EXCLUSIVE) {
        insert_victim(s, cpu, nk, vaddr, vdirty);
        return;
    }
    if (vdirty) {
        c->st.writebacks++;
        if (nk == LV_MEM)
            mem_write(s, cpu);
        else
            write_back(s, cpu, nk, vaddr);
    }
}

/* Exclusive hierarchy: a victim moves one level out. */
static void insert_victim(struct emk_cache_sys *s, unsigned cpu, int k, uint64_t addr, int dirty)
{
    struct emk_cache_level *c;
    uint64_t vl = 0;
    int vd = 0, r, w;
    if (k == LV_MEM) {
        if (dirty)
            mem_write(s, cpu);
        return;
    }
    c = level_at(s, cpu, k);
    w = emk_cache_probe(c, addr >> c->line_shift);
    if (w >= 0) {
        if (dirty)
            emk_cache_set_dirty(c, addr >> c->line_shift, w);
        return;
    }
    r = emk_cache_fill(c, addr >> c->line_shift, &vl, &vd);
    if (dirty)
        emk_cache_set_dirty(c, addr >> c->line_shift, r & 0xff);
    if (r & 0x100)
        evicted(s, cpu, k, c, vl, vd);
}

/* Bring @addr's line in from level @k outward (a read for a fill).
 * Returns where it was found; *@dirty_out carries an exclusive line's
 * dirty bit inward. */
static int fetch(struct emk_cache_sys *s, unsigned cpu, int k, uint64_t addr, int *dirty_out)
{
    struct emk_cache_level *c;
    uint64_t ln, vl = 0;
    int coh = 0, w, r, vd = 0;
    if (k == LV_MEM) {
        s->cpu[cpu].mem_reads++;
        s->mem_reads++;
        return EMK_CACHE_HIT_MEM;
    }
    c = level_at(s, cpu, k);
    ln = addr >> c->line_shift;
    c->st.access[0]++;
    w = emk_cache_lookup(c, ln, coh_ptr(s, &coh));
    if (w >= 0) {
        if (s->cfg.inclusion == EMK_CACHE_EXCLUSIVE)
            emk_cache_invalidate(c, ln, EMK_CACHE_INVALID, dirty_out);
        return k;
    }
    c->st.miss[0]++;
    if (coh)
        c->st.coh_miss[0]++;
    r = fetch(s, cpu, next_level(s, cpu, k), addr, dirty_out);
    if (s->cfg.inclusion == EMK_CACHE_EXCLUSIVE)
        return r;
    w = emk_cache_fill(c, ln, &vl, &vd);
    if ((w & 0x100) && (vd || s->cfg.inclusion != EMK_CACHE_NON_INCLUSIVE))
        evicted(s, cpu, k, c, vl, vd);
    return r;
}

/* A write passed outward by write-through or no-write-allocate at level
 * inside @k.  Counts as a write access at @k. */
static int outer_write(struct emk_cache_sys *s, unsigned cpu, int k, uint64_t addr)
{
    struct emk_cache_level *c;
    uint64_t ln, vl = 0;
    int coh = 0, w, r, vd = 0, d = 0;
    if (k == LV_MEM) {
        mem_write(s, cpu);
        return EMK_CACHE_HIT_MEM;
    }
    c = level_at(s, cpu, k);
    ln = addr >> c->line_shift;
    c->st.access[1]++;
    w = emk_cache_lookup(c, ln, coh_ptr(s, &coh));
    if (w < 0) {
        c->st.miss[1]++;
        if (coh)
            c->st.coh_miss[1]++;
        if (!c->g.write_allocate || s->cfg.inclusion == EMK_CACHE_EXCLUSIVE) {
            outer_write(s, cpu, next_level(s, cpu, k), addr);
            return next_level(s, cpu, k);
        }
        r = fetch(s, cpu, next_level(s, cpu, k), addr, &d);
        w = emk_cache_fill(c, ln, &vl, &vd);
        if (w & 0x100)
            evicted(s, cpu, k, c, vl, vd);
        w &= 0xff;
    } else {
        r = k;
    }
    if (c->g.wpolicy == EMK_CACHE_WRITE_BACK) {
        emk_cache_set_dirty(c, ln, w);
    } else {
        c->st.write_through++;
        outer_write(s, cpu, next_level(s, cpu, k), addr);
    }
    return r;
}

/* Another CPU wrote @addr: drop every other CPU's private copy. */
static void coherence_write(struct emk_cache_sys *s, unsigned cpu, uint64_t addr)
{
    unsigned i;
    for (i = 0; i < s->cfg.ncpu; i++) {
        struct emk_cache_cpu *c = &s->cpu[i];
        struct emk_cache_level *lv[3];
        int n = 0, j, d;
        if (i == cpu)
            continue;
        lv[n++] = &c->l1d;
        lv[n++] = &c->l1i;
        if (c->has_l2)
            lv[n++] = &c->l2;
        for (j = 0; j < n; j++) {
            d = 0;
            if (emk_cache_invalidate(lv[j], addr >> lv[j]->line_shift, EMK_CACHE_COH_INVALID, &d)) {
                lv[j]->st.coh_invals++;
                if (d) {
                    lv[j]->st.writebacks++;
                    if (s->cfg.has_llc)
                        write_back(s, i, LV_LLC, addr);
                    else
                        mem_write(s, i);
                }
            }
        }
    }
}

/* The full path of one line (miss handling, write policies, coherence).
 * External linkage keeps it out of line, so that the hit path in
 * emk_cache_access stays small. */
int emk_cache_access_line(struct emk_cache_sys *s, unsigned cpu, int kind, uint64_t addr,
                          int known_miss);

int emk_cache_access_line(struct emk_cache_sys *s, unsigned cpu, int kind, uint64_t addr,
                          int known_miss)
{
    struct emk_cache_cpu *cp = &s->cpu[cpu];
    struct emk_cache_level *c = kind == EMK_CACHE_IFETCH ? &cp->l1i : &cp->l1d;
    int wr = kind == EMK_CACHE_WRITE, coh = 0, w = -1, r = EMK_CACHE_HIT_L1, vd = 0, d = 0;
    uint64_t ln = addr >> c->line_shift, vl = 0;
    int nk = next_level(s, cpu, 1);
    int coherent = s->cfg.coherence && s->cfg.ncpu > 1;

    c->st.access[wr]++;
    if (wr && coherent)
        coherence_write(s, cpu, addr);
    if (!known_miss || coherent)
        w = emk_cache_lookup(c, ln, coh_ptr(s, &coh));
    if (w < 0) {
        c->st.miss[wr]++;
        if (coh)
            c->st.coh_miss[wr]++;
        if (wr && !c->g.write_allocate)
            return outer_write(s, cpu, nk, addr);
        r = fetch(s, cpu, nk, addr, &d);
        w = emk_cache_fill(c, ln, &vl, &vd);
        if ((w & 0x100) && (vd || s->cfg.inclusion != EMK_CACHE_NON_INCLUSIVE))
            evicted(s, cpu, 1, c, vl, vd);
        w &= 0xff;
        if (d)
            emk_cache_set_dirty(c, ln, w);
    }
    if (wr) {
        if (c->g.wpolicy == EMK_CACHE_WRITE_BACK) {
            emk_cache_set_dirty(c, ln, w);
        } else {
            c->st.write_through++;
            outer_write(s, cpu, nk, addr);
        }
    }
    return r;
}

/* The simple hierarchy (s->simple): one line at L1, then outward while
 * it misses, one emk_cache_lru_ref per level.  Same result as
 * emk_cache_access_line + fetch(): a level's fill does not depend on the
 * levels outside it, and the dirty victims are written back afterwards,
 * outermost first, as the recursion in fetch() does. */
int emk_cache_simple_line(struct emk_cache_sys *s, unsigned cpu, struct emk_cache_level *c,
                          int wr, uint64_t ln)
{
    struct emk_cache_cpu *cp = &s->cpu[cpu];
    struct emk_cache_level *lv[3];
    uint64_t addr = ln << c->line_shift, vl[3];
    int vd[3], n = 0, i, r;
    lv[0] = c;
    c->st.access[wr]++;
    if (emk_cache_lru_ref(c, ln, &vl[0], &vd[0])) {
        if (wr)
            emk_cache_set_dirty(c, ln, 0);
        return EMK_CACHE_HIT_L1;
    }
    c->st.miss[wr]++;
    if (wr)
        emk_cache_set_dirty(c, ln, 0);
    r = EMK_CACHE_HIT_MEM;
    if (cp->has_l2)
        lv[++n] = &cp->l2;
    if (s->cfg.has_llc)
        lv[++n] = &s->llc;
    for (i = 1; i <= n; i++) {
        struct emk_cache_level *o = lv[i];
        o->st.access[0]++;
        if (emk_cache_lru_ref(o, addr >> o->line_shift, &vl[i], &vd[i])) {
            r = o == &s->llc ? EMK_CACHE_HIT_LLC : EMK_CACHE_HIT_L2;
            break;
        }
        o->st.miss[0]++;
    }
    if (i > n) {
        cp->mem_reads++;
        s->mem_reads++;
        i = n;
    } else {
        i--; /* level i hit: its lru_ref had no victim */
    }
    for (; i >= 0; i--) {
        if (!vd[i])
            continue;
        lv[i]->st.writebacks++;
        if (i == n) {
            mem_write(s, cpu);
        } else {
            int k = lv[i + 1] == &s->llc ? LV_LLC : LV_L2;
            write_back(s, cpu, k, vl[i] << lv[i]->line_shift);
        }
    }
    return r;
}

/* Hit path of one line: a read, or a write-back write without coherence,
 * that hits L1.  Everything else takes emk_cache_access_line. */
static int line_access(struct emk_cache_sys *s, unsigned cpu, struct emk_cache_level *c,
                       int kind, uint64_t ln)
{
    int wr = kind == EMK_CACHE_WRITE, w;
    if (s->fast)
        return emk_cache_fast_line(s, cpu, c, wr, ln);
    if (s->simple)
        return emk_cache_simple_line(s, cpu, c, wr, ln);
    if (wr && (c->g.wpolicy != EMK_CACHE_WRITE_BACK || (s->cfg.coherence && s->cfg.ncpu > 1)))
        return emk_cache_access_line(s, cpu, kind, ln << c->line_shift, 0);
    w = emk_cache_neutral_hit(c, ln);
    if (w < 0)
        w = emk_cache_lookup(c, ln, NULL);
    if (w < 0)
        return emk_cache_access_line(s, cpu, kind, ln << c->line_shift, 1);
    c->st.access[wr]++;
    if (wr)
        emk_cache_set_dirty(c, ln, w);
    return EMK_CACHE_HIT_L1;
}

int emk_cache_access(struct emk_cache_sys *s, unsigned cpu, int kind,
                     uint64_t addr, uint32_t size)
{
    struct emk_cache_level *c;
    uint64_t a, last;
    int worst = 0, r;
    if (cpu >= s->cfg.ncpu || size == 0 || kind < EMK_CACHE_IFETCH || kind > EMK_CACHE_WRITE)
        return -EINVAL;
    c = kind == EMK_CACHE_IFETCH ? &s->cpu[cpu].l1i : &s->cpu[cpu].l1d;
    a = addr >> c->line_shift;
    last = (addr + size - 1) >> c->line_shift;
    if (a == last && s->fast)
        return emk_cache_fast_line(s, cpu, c, kind == EMK_CACHE_WRITE, a);
    if (a == last && s->simple)
        return emk_cache_simple_line(s, cpu, c, kind == EMK_CACHE_WRITE, a);
    if (addr + size - 1 < addr)
        last = UINT64_MAX >> c->line_shift;
    for (;; a++) {
        r = line_access(s, cpu, c, kind, a);
        if (r > worst)
            worst = r;
        if (a == last)
            break;
    }
    return worst;
}

/* Cachegrind's model: a reference misses if any of its lines misses;
 * state changes are LRU/fill only. */
static int cg_level_ref(struct emk_cache_level *c, uint64_t addr, uint32_t size, int wr)
{
    uint64_t a = addr >> c->line_shift, last = (addr + size - 1) >> c->line_shift;
    int miss = 0;
    if (addr + size - 1 < addr)
        last = UINT64_MAX >> c->line_shift;
    c->st.access[wr]++;
    for (;; a++) {
        if (c->g.policy == EMK_CACHE_LRU) {
            uint64_t vl;
            int vd;
            if (!emk_cache_lru_ref(c, a, &vl, &vd))
                miss = 1;
        } else if (emk_cache_neutral_hit(c, a) < 0 && emk_cache_lookup(c, a, NULL) < 0) {
            emk_cache_fill(c, a, NULL, NULL);
            miss = 1;
        }
        if (a == last)
            break;
    }
    if (miss)
        c->st.miss[wr]++;
    return miss;
}

int emk_cache_cg_ref(struct emk_cache_sys *s, unsigned cpu, int kind,
                     uint64_t addr, uint32_t size, struct emk_cache_cgres *res)
{
    struct emk_cache_level *c, *ll;
    int wr = kind == EMK_CACHE_WRITE;
    if (cpu >= s->cfg.ncpu || size == 0 || kind < EMK_CACHE_IFETCH || kind > EMK_CACHE_WRITE)
        return -EINVAL;
    c = kind == EMK_CACHE_IFETCH ? &s->cpu[cpu].l1i : &s->cpu[cpu].l1d;
    res->l1_miss = cg_level_ref(c, addr, size, wr);
    res->ll_miss = 0;
    if (res->l1_miss) {
        ll = emk_cache_last_level(s, cpu);
        if (ll != c)
            res->ll_miss = cg_level_ref(ll, addr, size, wr);
    }
    return 0;
}
