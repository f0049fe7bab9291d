/* libemkit-cache.so: QEMU 7.2 TCG plugin (API version 1) driving the
 * portable cache model in plugin/.  The only file that includes
 * qemu-plugin.h.
 *
 * Instruction fetch: one callback per "line run" of a translated block,
 * i.e. only on instructions that touch a line the previous instruction of
 * the block did not touch.  The skipped fetches are hits on the most
 * recently used line of their set, which change no replacement state under
 * any policy, so they are counted (Ir = block executions) but not
 * simulated.  Data: one callback per memory operation.
 *
 * compat=cachec (cachec_* below) runs QEMU 7.2 contrib/plugins/cache.c's
 * model instead: a callback per executed instruction, one L1 access per
 * instruction or memory callback, and cache.c's report (cachec_report.c). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qemu-plugin.h>

#include "emkit/cache.h"
#include "cache_args.h"
#include "cache_fast.h"
#include "cg_plugin.h"
#include "dwarf_line.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* compat=cachec lists instructions in the order of cache.c's GHashTable,
 * so ties in its top lists come out as cache.c prints them.  That order
 * is glib's (and its version's): the table is built by the glib that
 * QEMU itself links, found at load time through weak references, so
 * nothing here needs glib's headers or links it.  Without it (a QEMU
 * that does not export glib) the order is first translation. */
struct emk_glist {
    void *data;
    struct emk_glist *next, *prev;
};
extern void *g_hash_table_new(void *hash_func, void *key_equal_func) __attribute__((weak));
extern int g_hash_table_insert(void *table, void *key, void *value) __attribute__((weak));
extern struct emk_glist *g_hash_table_get_values(void *table) __attribute__((weak));
extern void g_list_free(struct emk_glist *list) __attribute__((weak));

enum { MAX_PIECES = 4, NVSTATE = 1024, HASH_BITS = 16, CG_MAX_DATA = 16 };

/* Data pieces of the current instruction (cachegrind counting). */
struct piece {
    uint64_t lo, hi; /* [lo, hi) */
};

struct vstate {
    struct cgp_insn *cur;
    int nr, nw;
    struct piece rd[MAX_PIECES], wr[MAX_PIECES];
    char pad[64];
};

/* Callback data of a line-run start. */
struct ifetch_ud {
    uint64_t want;     /* line << 2 | EMK_CACHE_VALID_DIRTY, or 0 if two lines */
    size_t idx;        /* way 0 of the line's L1I set (one-line fetches) */
    uint64_t addr;
    uint64_t line;     /* addr's line if the fetch stays in one line, else ~0 */
    uint32_t size;
    uint32_t first;
    struct cgp_insn *insn;
    struct cgp_tb *tb;
};

static struct {
    struct emk_cache_sys sys;
    /* Fast paths (native counting, one core, user mode): way-0 hits of
     * L1I (fast_i) and of L1D (fast_d, write-back) are counted inline. */
    int fast_i, fast_d;
    /* the data callback: vcpu_mem, vcpu_mem_fast, or with the meminfo
     * decoded in place vcpu_mem_direct / vcpu_mem_l1* */
    qemu_plugin_vcpu_mem_cb_t mem_cb;
    int count;
    int system;
    unsigned ncpu;
    unsigned top;
    char *out;
    struct vstate vs[NVSTATE];
    pthread_mutex_t lock;           /* translation-time only */
    struct cgp_insn *hash[1u << HASH_BITS];
    size_t ninsn;
    struct cgp_tb *tbs;
    struct emk_dwarf_lines lines;
    int have_lines, lines_tried;
    const char *cmd;
    pthread_mutex_t shard[64];      /* shared-level shards when cores > 1 */
    /* compat=cachec: cache.c's model and report */
    int cachec;
    int multi;                      /* a second vCPU exists: lock, atomic counts */
    long long limit;
    void *ght;                      /* glib's table (order of the records) */
    struct cgp_insn **order;        /* without glib: records, first translation first */
    size_t norder, order_cap;
    pthread_mutex_t core_lock[EMK_CACHE_MAX_CPUS];
} P;

static void shard_lock(uint64_t addr, int on)
{
    unsigned s;
    if (P.ncpu < 2)
        return;
    s = (unsigned)((addr >> 6) & 63);
    if (on)
        pthread_mutex_lock(&P.shard[s]);
    else
        pthread_mutex_unlock(&P.shard[s]);
}

static void cg_data(unsigned cpu, struct cgp_insn *in, int kind, uint64_t lo, uint64_t hi)
{
    struct emk_cache_cgres r;
    uint64_t size = hi - lo;
    if (size > CG_MAX_DATA)
        size = CG_MAX_DATA; /* cachegrind clamps data refs to 16 bytes */
    shard_lock(lo, 1);
    emk_cache_cg_ref(&P.sys, cpu, kind, lo, (uint32_t)size, &r);
    shard_lock(lo, 0);
    if (kind == EMK_CACHE_WRITE) {
        in->ev[CGP_DW]++;
        in->ev[CGP_D1MW] += (uint64_t)r.l1_miss;
        in->ev[CGP_DLMW] += (uint64_t)r.ll_miss;
    } else {
        in->ev[CGP_DR]++;
        in->ev[CGP_D1MR] += (uint64_t)r.l1_miss;
        in->ev[CGP_DLMR] += (uint64_t)r.ll_miss;
    }
}

/* End of an instruction's data accesses: a read and a write of the same
 * bytes are one "modify", counted as one read; pieces were merged. */
static void flush(struct vstate *v, unsigned cpu)
{
    int i, j;
    if (!v->cur)
        return;
    for (i = 0; i < v->nr; i++) {
        for (j = 0; j < v->nw; j++)
            if (v->wr[j].lo < v->rd[i].hi && v->rd[i].lo < v->wr[j].hi) {
                v->wr[j] = v->wr[--v->nw];
                break;
            }
        cg_data(cpu, v->cur, EMK_CACHE_READ, v->rd[i].lo, v->rd[i].hi);
    }
    for (j = 0; j < v->nw; j++)
        cg_data(cpu, v->cur, EMK_CACHE_WRITE, v->wr[j].lo, v->wr[j].hi);
    v->nr = v->nw = 0;
    v->cur = NULL;
}

static void add_piece(struct piece *p, int *n, uint64_t lo, uint64_t hi)
{
    int i;
    for (i = 0; i < *n; i++)
        if (lo <= p[i].hi && p[i].lo <= hi) { /* touching or overlapping */
            if (lo < p[i].lo)
                p[i].lo = lo;
            if (hi > p[i].hi)
                p[i].hi = hi;
            return;
        }
    if (*n == MAX_PIECES)
        i = MAX_PIECES - 1; /* more than 4 separate pieces: merge into last */
    else
        i = (*n)++;
    p[i].lo = lo;
    p[i].hi = hi;
}

/* Out of line: everything but the fast path's way-0 hits.  External
 * linkage (hidden) keeps it from being inlined into the callbacks, whose
 * hit path then needs no saved registers. */
void emkc_ifetch_slow(unsigned int vcpu, struct ifetch_ud *u);

void emkc_ifetch_slow(unsigned int vcpu, struct ifetch_ud *u)
{
    unsigned cpu = P.ncpu == 1 ? 0 : vcpu % P.ncpu;
    struct vstate *v = &P.vs[vcpu & (NVSTATE - 1)];
    struct emk_cache_level *c = &P.sys.cpu[cpu].l1i;
    if (u->first)
        u->tb->exec++;
    if (P.count == EMK_COUNT_CACHEGRIND && v->cur)
        flush(v, cpu);
    if (u->line != UINT64_MAX && emk_cache_neutral_hit(c, u->line) >= 0) {
        /* The line fetched last: an MRU hit in either counting mode. */
        c->st.access[0]++;
        return;
    }
    if (P.count == EMK_COUNT_CACHEGRIND) {
        struct emk_cache_cgres r;
        shard_lock(u->addr, 1);
        emk_cache_cg_ref(&P.sys, cpu, EMK_CACHE_IFETCH, u->addr, u->size, &r);
        shard_lock(u->addr, 0);
        u->insn->ev[CGP_I1MR] += (uint64_t)r.l1_miss;
        u->insn->ev[CGP_ILMR] += (uint64_t)r.ll_miss;
    } else {
        int w;
        shard_lock(u->addr, 1);
        w = emk_cache_access(&P.sys, cpu, EMK_CACHE_IFETCH, u->addr, u->size);
        shard_lock(u->addr, 0);
        u->insn->ev[CGP_I1MR] += w > EMK_CACHE_HIT_L1;
        u->insn->ev[CGP_ILMR] += w == EMK_CACHE_HIT_MEM;
    }
}

static void vcpu_ifetch(unsigned int vcpu, void *udata)
{
    struct ifetch_ud *u = udata;
    if (P.fast_i) {
        struct emk_cache_level *c = &P.sys.cpu[0].l1i;
        if ((c->tag[u->idx] | 2u) == u->want) {
            /* way 0: the most recent line of its set, a state-neutral hit */
            u->tb->exec += u->first;
            c->st.access[0]++;
            return;
        }
    }
    emkc_ifetch_slow(vcpu, u);
}

/* Native counting, one core: a data access within one line that is a
 * state-neutral L1D hit (emk_cache_neutral_hit) is counted here without
 * entering the model.  A store sets the dirty bit (write-back only:
 * write-through must go outward). */
static int l1d_fast(struct cgp_insn *in, uint64_t addr, uint64_t size, int store)
{
    struct emk_cache_level *c = &P.sys.cpu[0].l1d;
    uint64_t ln = addr >> c->line_shift;
    int w;
    if (((addr + size - 1) >> c->line_shift) != ln)
        return 0;
    w = emk_cache_neutral_hit(c, ln);
    if (w < 0)
        return 0;
    if (store) {
        if (c->g.wpolicy != EMK_CACHE_WRITE_BACK)
            return 0;
        emk_cache_set_dirty(c, ln, w);
    }
    c->st.access[store]++;
    in->ev[store ? CGP_DW : CGP_DR]++;
    return 1;
}

static inline void mem_access(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
                              struct cgp_insn *in, int store)
{
    unsigned cpu = P.ncpu == 1 ? 0 : vcpu % P.ncpu;
    uint64_t addr = vaddr, size = 1ull << qemu_plugin_mem_size_shift(info);
    if (P.system) {
        struct qemu_plugin_hwaddr *h = qemu_plugin_get_hwaddr(info, vaddr);
        if (h && qemu_plugin_hwaddr_is_io(h))
            return;
        if (h)
            addr = qemu_plugin_hwaddr_phys_addr(h);
    }
    if (P.count == EMK_COUNT_CACHEGRIND) {
        struct vstate *v = &P.vs[vcpu & (NVSTATE - 1)];
        if (v->cur != in)
            flush(v, cpu);
        v->cur = in;
        if (store)
            add_piece(v->wr, &v->nw, addr, addr + size);
        else
            add_piece(v->rd, &v->nr, addr, addr + size);
    } else if (P.ncpu > 1 || !l1d_fast(in, addr, size, store)) {
        int w;
        shard_lock(addr, 1);
        w = emk_cache_access(&P.sys, cpu, store ? EMK_CACHE_WRITE : EMK_CACHE_READ, addr,
                             (uint32_t)size);
        shard_lock(addr, 0);
        in->ev[store ? CGP_DW : CGP_DR]++;
        in->ev[store ? CGP_D1MW : CGP_D1MR] += w > EMK_CACHE_HIT_L1;
        in->ev[store ? CGP_DLMW : CGP_DLMR] += w == EMK_CACHE_HIT_MEM;
    }
}

/* Memo slot of @info in its instruction's record: the top two bits of a
 * multiplicative hash.  One instruction can see several values (QEMU 7.2
 * passes e.g. 0x10030 and 0x10830 for loads of one instruction, and a
 * read-modify-write has a load and a store); these four get four slots.
 * Any value still works: the entry holds the whole value, checked on
 * every use, and a collision only costs the accessor calls. */
static unsigned mi_slot(qemu_plugin_meminfo_t info)
{
    return (unsigned)((uint32_t)(info * 0x9E3779B1u) >> 30);
}

/* Memo entry: info << 32 | 1 << 16 | is_store << 8 | size in bytes. */
static uint64_t mi_entry(qemu_plugin_meminfo_t info)
{
    return (uint64_t)info << 32 | 1u << 16 |
           (uint64_t)(qemu_plugin_mem_is_store(info) ? 1 : 0) << 8 |
           ((1u << (qemu_plugin_mem_size_shift(info) & 7)) & 0xff);
}

/* L1D geometry for the data fast path (set when P.fast_d). */
static struct {
    uint64_t *tag;
    uint64_t set_mask;
    uint64_t off_mask;  /* line - 1 */
    uint64_t line;
    uint64_t *access;   /* L1D st.access[2] */
    struct emk_cache_level *l1d;
    uint64_t model_refs[2]; /* data refs the direct callbacks passed to the model */
    int ways8;          /* L1D and L2 both 8-way: vcpu_mem_l1_64x8 (if 64-byte lines) */
    uint64_t set_bytes; /* set_mask << 6, for vcpu_mem_l1_64x8 */
    unsigned line_shift;
    unsigned way_shift; /* log2(assoc) */
} F;

void emkc_mem_slow(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata);

/* Everything but the fast path's way-0 hits.  External linkage keeps it
 * out of line, so that vcpu_mem_fast can jump to it with its own
 * arguments and needs no saved registers. */
void emkc_mem_slow(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    struct cgp_insn *in = udata;
    uint64_t e = in->mi[mi_slot(info)];
    int store, w;
    if ((e >> 16) != ((uint64_t)info << 16 | 1u)) {
        e = mi_entry(info);
        in->mi[mi_slot(info)] = e;
    }
    store = (int)(e >> 8) & 1;
    if (!P.fast_d) {
        mem_access(vcpu, info, vaddr, in, store);
        return;
    }
    /* one core, user mode, native counting: straight to the model */
    if (P.sys.fast && (vaddr & F.off_mask) + (e & 0xff) <= F.line)
        w = emk_cache_fast_line(&P.sys, 0, &P.sys.cpu[0].l1d, store, vaddr >> F.line_shift);
    else if (P.sys.simple && (vaddr & F.off_mask) + (e & 0xff) <= F.line)
        w = emk_cache_simple_line(&P.sys, 0, &P.sys.cpu[0].l1d, store, vaddr >> F.line_shift);
    else
        w = emk_cache_access(&P.sys, 0, store ? EMK_CACHE_WRITE : EMK_CACHE_READ, vaddr,
                             (uint32_t)(e & 0xff));
    in->ev[store ? CGP_DW : CGP_DR]++;
    in->ev[store ? CGP_D1MW : CGP_D1MR] += w > EMK_CACHE_HIT_L1;
    in->ev[store ? CGP_DLMW : CGP_DLMR] += w == EMK_CACHE_HIT_MEM;
}

/* One callback for both kinds: QEMU 7.2 does not keep separate R and W
 * registrations apart reliably (measured: loads reached a W-only callback).
 * The general case. */
static void vcpu_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    emkc_mem_slow(vcpu, info, vaddr, udata);
}

/* The fast path (P.fast_d: one core, user mode, native counting, L1D
 * write-back, not tree-PLRU, power-of-two associativity), registered
 * instead of vcpu_mem: a one-line access that hits way 0 of its L1D set,
 * a state-neutral hit, is counted here; a store sets the dirty bit. */
static void vcpu_mem_fast(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
                          void *udata)
{
    struct cgp_insn *in = udata;
    uint64_t e = in->mi[mi_slot(info)];
    if ((e >> 16) == ((uint64_t)info << 16 | 1u)) {
        uint64_t ln = vaddr >> F.line_shift;
        uint64_t *t = F.tag + ((ln & F.set_mask) << F.way_shift);
        if ((*t | 2u) == (ln << 2 | EMK_CACHE_VALID_DIRTY) &&
            (vaddr & F.off_mask) + (e & 0xff) <= F.line) {
            unsigned store = (unsigned)(e >> 8) & 1u;
            *t |= (uint64_t)store << 1;
            F.access[store]++;
            in->ev[CGP_DR + 3 * store]++;
            return;
        }
    }
    emkc_mem_slow(vcpu, info, vaddr, udata);
}

/* QEMU 7.2's meminfo layout, used by vcpu_mem_direct only after
 * qemu_plugin_install checked it against the accessors for every value a
 * meminfo can take (MemOpIdx is 16 bits, the access kind is above it):
 * size shift = bits 4..6, store = bit 17. */
enum { MI_SIZE_SHIFT = 4, MI_SIZE_MASK = 7, MI_STORE_BIT = 17, MI_VALUES = 1 << 18,
       MI_OVER8 = 4 << MI_SIZE_SHIFT /* size shift >= 4: more than 8 bytes */ };

static int mi_layout_ok(void)
{
    uint32_t v;
    for (v = 0; v < MI_VALUES; v++)
        if (qemu_plugin_mem_size_shift(v) != ((v >> MI_SIZE_SHIFT) & MI_SIZE_MASK) ||
            qemu_plugin_mem_is_store(v) != (((v >> MI_STORE_BIT) & 1u) != 0))
            return 0;
    return 1;
}

void emkc_mem_miss(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata);

/* vcpu_mem_direct's way out (not the fast hierarchy): the general path. */
void emkc_mem_miss(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    F.model_refs[(info >> MI_STORE_BIT) & 1u]++;
    emkc_mem_slow(vcpu, info, vaddr, udata);
}

void emkc_mem_outer(struct cgp_insn *in, uint64_t ln, unsigned store, uint64_t v);
void emkc_mem_outer8(struct cgp_insn *in, uint64_t ln, unsigned store, uint64_t v);
void emkc_mem_l1(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata);
void emkc_mem_l1_8(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata);

/* The fast hierarchy after an L1D miss of a one-line access: L2 and the
 * victims (emk_fast_outer), then the instruction's counts.  Out of line,
 * so that mem_l1's hit path needs few registers. */
EMK_ALWAYS_INLINE void mem_outer(struct cgp_insn *in, uint64_t ln, unsigned store, uint64_t v,
                             uint32_t a2)
{
    int w = emk_fast_outer(&P.sys, 0, F.l1d, (int)store, ln, v, a2);
    in->ev[CGP_DR + 3 * store]++;
    in->ev[CGP_D1MR + 3 * store]++;
    in->ev[CGP_DLMR + 3 * store] += w == EMK_CACHE_HIT_MEM;
}

void emkc_mem_outer(struct cgp_insn *in, uint64_t ln, unsigned store, uint64_t v)
{
    mem_outer(in, ln, store, v, P.sys.cpu[0].l2.g.assoc);
}

void emkc_mem_outer8(struct cgp_insn *in, uint64_t ln, unsigned store, uint64_t v)
{
    mem_outer(in, ln, store, v, 8);
}

/* The fast hierarchy after a way-0 miss: the L1D reference of a one-line
 * access (emk_fast_ref: a hit at any way moves the line to way 0), and on
 * an L1D miss, with the line filled, mem_outer.  @a is L1D's
 * associativity, @a2 L2's.  An access that crosses a line goes to the
 * general path.  L1D accesses are not counted here but at exit
 * (inline_hits_to_l1d), like the callbacks' way-0 hits. */
EMK_ALWAYS_INLINE void mem_l1(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
                            void *udata, uint32_t a, uint32_t a2)
{
    struct cgp_insn *in = udata;
    unsigned store = (info >> MI_STORE_BIT) & 1u;
    uint64_t ln = vaddr >> F.line_shift, v;
    if ((vaddr & F.off_mask) + ((uint64_t)1 << ((info >> MI_SIZE_SHIFT) & MI_SIZE_MASK)) > F.line) {
        F.model_refs[store]++;
        emkc_mem_slow(vcpu, info, vaddr, udata);
        return;
    }
    v = emk_fast_ref(F.l1d, ln, EMK_CACHE_VALID | (uint64_t)store << 1, a);
    if (v == EMK_FAST_HIT) {
        F.tag[(ln & F.set_mask) * a] |= (uint64_t)store << 1;
        in->ev[CGP_DR + 3 * store]++;
        return;
    }
    if (a2 == 8)
        emkc_mem_outer8(in, ln, store, v);
    else
        emkc_mem_outer(in, ln, store, v);
}

void emkc_mem_l1(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    mem_l1(vcpu, info, vaddr, udata, F.l1d->g.assoc, P.sys.cpu[0].l2.g.assoc);
}

/* L1D and L2 both 8-way: constant scan bounds. */
void emkc_mem_l1_8(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    mem_l1(vcpu, info, vaddr, udata, 8, 8);
}

/* The data callbacks with the meminfo decoded in place (layout checked at
 * install).  A one-line access that hits way 0 of its L1D set, a
 * state-neutral hit, is counted here; a store sets the dirty bit.  All
 * else goes to @next: emkc_mem_l1 for the fast hierarchy, else
 * emkc_mem_miss.  @lsh and @wsh are
 * log2 of the line size and the associativity; one instance passes
 * constants for the default geometry.
 *
 * The one-line test is conservative: at most 8 bytes (size shift <= 3)
 * starting at most 8 bytes before the end of the line.  Other accesses
 * (few: QEMU 7.2 splits 16-byte vector accesses into 8-byte pieces) take
 * @next, which tests exactly.  These hits are not added to the L1D
 * access counters here: plugin_exit derives them from the instructions'
 * Dr/Dw counts (inline_hits_to_l1d). */
static inline void mem_direct(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
                              void *udata, unsigned lsh, unsigned wsh,
                              void (*next)(unsigned int, qemu_plugin_meminfo_t, uint64_t, void *))
{
    struct cgp_insn *in = udata;
    uint64_t ln = vaddr >> lsh;
    uint64_t *t = F.tag + ((ln & F.set_mask) << wsh), t0 = *t;
    if ((t0 | 2u) == (ln << 2 | EMK_CACHE_VALID_DIRTY) && !(info & MI_OVER8) &&
        (vaddr & (((uint64_t)1 << lsh) - 1)) <= ((uint64_t)1 << lsh) - 8) {
        uint64_t store = (info >> MI_STORE_BIT) & 1u;
        *t = t0 | store << 1;
        in->ev[CGP_DR + 3 * store]++;
        return;
    }
    next(vcpu, info, vaddr, udata);
}

static void vcpu_mem_direct(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
                            void *udata)
{
    mem_direct(vcpu, info, vaddr, udata, F.line_shift, F.way_shift, emkc_mem_miss);
}

static void vcpu_mem_l1(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
                        void *udata)
{
    mem_direct(vcpu, info, vaddr, udata, F.line_shift, F.way_shift, emkc_mem_l1);
}

/* The default geometry (64-byte lines, 8-way L1D with more than one set,
 * 8-way L2), where a set's eight tag words are 64 bytes: the set of
 * @vaddr is at byte offset vaddr & (set_mask << 6).  The tag compared is
 * that of the line of the access's 8th byte: if it is in way 0 of the set
 * of the first byte, both bytes are in one line (a line lives only in its
 * own set, and the next line maps to another set).  So one compare checks
 * the hit and that an access of at most 8 bytes stays in the line. */
static void vcpu_mem_l1_64x8(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
                             void *udata)
{
    struct cgp_insn *in = udata;
    uint64_t *t = (uint64_t *)((char *)F.tag + (vaddr & F.set_bytes)), t0 = *t;
    if ((t0 | 2u) == (((vaddr + 7) >> 4) | EMK_CACHE_VALID_DIRTY) && !(info & MI_OVER8)) {
        uint64_t store = (info >> MI_STORE_BIT) & 1u;
        *t = t0 | store << 1;
        in->ev[CGP_DR + 3 * store]++;
        return;
    }
    emkc_mem_l1_8(vcpu, info, vaddr, udata);
}

static struct cgp_insn *insn_get(struct qemu_plugin_insn *qi, uint64_t addr)
{
    unsigned h = (unsigned)((addr * 0x9E3779B97F4A7C15ull) >> (64 - HASH_BITS));
    struct cgp_insn *in;
    const char *sym;
    for (in = P.hash[h]; in; in = in->hnext)
        if (in->addr == addr)
            return in;
    in = calloc(1, sizeof(*in));
    if (!in)
        return NULL;
    in->addr = addr;
    in->size = (uint32_t)qemu_plugin_insn_size(qi);
    sym = qemu_plugin_insn_symbol(qi);
    in->sym = sym ? strdup(sym) : NULL;
    if (P.top)
        in->disas = qemu_plugin_insn_disas(qi);
    if (P.have_lines)
        emk_dwarf_lines_find(&P.lines, addr, &in->file, &in->line);
    in->hnext = P.hash[h];
    P.hash[h] = in;
    P.ninsn++;
    if (P.cachec && P.ght) {
        /* cache.c: g_hash_table_insert(miss_ht, GUINT_TO_POINTER(addr), data) */
        g_hash_table_insert(P.ght, (void *)(uintptr_t)addr, in);
    } else if (P.cachec) {
        if (P.norder == P.order_cap) {
            size_t cap = P.order_cap ? P.order_cap * 2 : 4096;
            struct cgp_insn **o = realloc(P.order, cap * sizeof(*o));
            if (o) {
                P.order = o;
                P.order_cap = cap;
            }
        }
        if (P.norder < P.order_cap)
            P.order[P.norder++] = in;
    }
    return in;
}

/* The guest binary is known only once it is loaded: first block. */
static void load_lines_once(void)
{
    const char *bin;
    char err[200];
    if (P.lines_tried)
        return;
    P.lines_tried = 1;
    bin = P.system ? NULL : qemu_plugin_path_to_binary();
    P.cmd = bin;
    if (bin) {
        emk_dwarf_lines_load(&P.lines, bin, err, sizeof(err));
        P.have_lines = P.lines.nrows > 0; /* rows read before an error are kept */
    }
}

static void vcpu_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb), i;
    struct cgp_tb *t;
    uint64_t prev_lo = 1, prev_hi = 0, lshift = P.sys.cpu[0].l1i.line_shift;
    (void)id;
    pthread_mutex_lock(&P.lock);
    load_lines_once();
    t = calloc(1, sizeof(*t) + n * sizeof(t->insn[0]));
    if (!t) {
        pthread_mutex_unlock(&P.lock);
        return;
    }
    t->n = (uint32_t)n;
    t->next = P.tbs;
    P.tbs = t;
    for (i = 0; i < n; i++) {
        struct qemu_plugin_insn *qi = qemu_plugin_tb_get_insn(tb, i);
        uint64_t va = qemu_plugin_insn_vaddr(qi);
        size_t sz = qemu_plugin_insn_size(qi);
        uint64_t addr = va, lo, hi;
        struct cgp_insn *in = insn_get(qi, va);
        if (!in)
            break;
        t->insn[i] = in;
        if (sz == 0)
            sz = 1;
        lo = addr >> lshift;
        hi = (addr + sz - 1) >> lshift;
        if (i == 0 || lo < prev_lo || hi > prev_hi) {
            struct ifetch_ud *u = calloc(1, sizeof(*u));
            if (!u)
                break;
            u->addr = addr;
            u->size = (uint32_t)sz;
            if (P.count == EMK_COUNT_NATIVE && i > 0 && lo <= prev_hi && lo >= prev_lo) {
                /* Native mode: the lines the previous instruction touched
                 * are MRU hits; simulate only the new ones.  (Cachegrind
                 * counting needs the whole reference for its LL access.) */
                u->addr = (prev_hi + 1) << lshift;
                u->size = (uint32_t)(addr + sz - u->addr);
            }
            u->line = (u->addr >> lshift) == ((u->addr + u->size - 1) >> lshift)
                      ? u->addr >> lshift : UINT64_MAX;
            if (u->line != UINT64_MAX) {
                u->want = u->line << 2 | EMK_CACHE_VALID_DIRTY;
                u->idx = (size_t)(u->line & P.sys.cpu[0].l1i.set_mask) * P.sys.cpu[0].l1i.g.assoc;
            }
            u->first = i == 0;
            u->insn = in;
            u->tb = t;
            qemu_plugin_register_vcpu_insn_exec_cb(qi, vcpu_ifetch, QEMU_PLUGIN_CB_NO_REGS, u);
        }
        prev_lo = lo;
        prev_hi = hi;
        qemu_plugin_register_vcpu_mem_cb(qi, P.mem_cb, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW,
                                         in);
    }
    pthread_mutex_unlock(&P.lock);
}

/*
 * compat=cachec: QEMU 7.2 contrib/plugins/cache.c's model on our levels.
 * Per core a private L1I, L1D and (l2=on) L2, no write-backs, no
 * inclusion, no coherence.  Every executed instruction is one L1I access
 * of its first byte (guest virtual address; in system mode the host
 * address QEMU translated it from, as cache.c uses); every memory callback
 * is one L1D access of its first byte (guest physical in system mode, I/O
 * skipped).  An L1 miss is one access to the core's L2.  A level fills the
 * line on a miss: an invalid way first, else the policy's victim.  Same
 * counts as cache.c under LRU and FIFO; see docs/plugin-cache.md.
 */
static inline void cadd(uint64_t *p, int multi)
{
    if (multi)
        __atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
    else
        (*p)++;
}

/* cache.c's access_cache: 1 on a hit, 0 on a miss (the line is filled). */
static int cachec_ref(struct emk_cache_level *c, uint64_t addr, int wr)
{
    uint64_t ln = addr >> c->line_shift, victim;
    int hit, vdirty;
    c->st.access[wr]++;
    if (c->g.policy == EMK_CACHE_LRU) {
        hit = emk_cache_lru_ref(c, ln, &victim, &vdirty);
    } else {
        hit = emk_cache_lookup(c, ln, NULL) >= 0;
        if (!hit)
            emk_cache_fill(c, ln, NULL, NULL);
    }
    if (!hit)
        c->st.miss[wr]++;
    return hit;
}

/* One reference by core @cpu: L1 @l1 (instruction or data), L2 on a miss.
 * @ev: the instruction's access, L1 miss and L2 miss counters. */
static void cachec_access(unsigned cpu, int l1d, uint64_t addr, int wr, uint64_t *ev)
{
    struct emk_cache_cpu *k = &P.sys.cpu[cpu];
    int multi = __atomic_load_n(&P.multi, __ATOMIC_RELAXED);
    if (multi)
        pthread_mutex_lock(&P.core_lock[cpu]);
    cadd(&ev[0], multi);
    if (!cachec_ref(l1d ? &k->l1d : &k->l1i, addr, wr)) {
        cadd(&ev[1], multi);
        if (k->has_l2 && !cachec_ref(&k->l2, addr, wr))
            cadd(&ev[2], multi);
    }
    if (multi)
        pthread_mutex_unlock(&P.core_lock[cpu]);
}

static void cachec_ifetch(unsigned int vcpu, void *udata)
{
    struct cgp_insn *in = udata;
    cachec_access(P.ncpu == 1 ? 0 : vcpu % P.ncpu, 0, in->addr, 0, &in->ev[CGP_IR]);
}

static void cachec_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
                       void *udata)
{
    struct cgp_insn *in = udata;
    uint64_t addr = vaddr;
    int wr = qemu_plugin_mem_is_store(info) ? 1 : 0;
    if (P.system) {
        struct qemu_plugin_hwaddr *h = qemu_plugin_get_hwaddr(info, vaddr);
        if (h && qemu_plugin_hwaddr_is_io(h))
            return;
        if (h)
            addr = qemu_plugin_hwaddr_phys_addr(h);
    }
    /* ev[CGP_DR..DLMR] for reads, ev[CGP_DW..DLMW] for writes */
    cachec_access(P.ncpu == 1 ? 0 : vcpu % P.ncpu, 1, addr, wr, &in->ev[CGP_DR + 3 * wr]);
}

static void cachec_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb), i;
    (void)id;
    pthread_mutex_lock(&P.lock);
    load_lines_once();
    for (i = 0; i < n; i++) {
        struct qemu_plugin_insn *qi = qemu_plugin_tb_get_insn(tb, i);
        uint64_t addr = P.system ? (uint64_t)(uintptr_t)qemu_plugin_insn_haddr(qi)
                                 : qemu_plugin_insn_vaddr(qi);
        struct cgp_insn *in = insn_get(qi, addr);
        if (!in)
            break;
        qemu_plugin_register_vcpu_mem_cb(qi, cachec_mem, QEMU_PLUGIN_CB_NO_REGS,
                                         QEMU_PLUGIN_MEM_RW, in);
        qemu_plugin_register_vcpu_insn_exec_cb(qi, cachec_ifetch, QEMU_PLUGIN_CB_NO_REGS, in);
    }
    pthread_mutex_unlock(&P.lock);
}

static void cachec_vcpu_init(qemu_plugin_id_t id, unsigned int vcpu)
{
    (void)id;
    if (vcpu > 0)
        __atomic_store_n(&P.multi, 1, __ATOMIC_RELAXED);
}

/* The records in cache.c's order: g_hash_table_get_values of the table
 * built in insn_get, else first translation.  Returns a malloc'd array. */
static struct cgp_insn **cachec_records(size_t *n)
{
    struct cgp_insn **a;
    size_t k = 0;
    if (!P.ght) {
        a = malloc((P.norder ? P.norder : 1) * sizeof(*a));
        if (a && P.norder)
            memcpy(a, P.order, P.norder * sizeof(*a));
        *n = a ? P.norder : 0;
        return a;
    }
    a = malloc((P.ninsn ? P.ninsn : 1) * sizeof(*a));
    if (a) {
        struct emk_glist *l = g_hash_table_get_values(P.ght), *e;
        for (e = l; e && k < P.ninsn; e = e->next)
            a[k++] = e->data;
        g_list_free(l);
    }
    *n = k;
    return a;
}

static void cachec_exit(void)
{
    struct cgp_cachec_core core[EMK_CACHE_MAX_CPUS];
    struct cgp_cachec r;
    unsigned i;
    memset(core, 0, sizeof(core));
    for (i = 0; i < P.ncpu; i++) {
        const struct emk_cache_cpu *k = &P.sys.cpu[i];
        core[i].d_access = k->l1d.st.access[0] + k->l1d.st.access[1];
        core[i].d_miss = k->l1d.st.miss[0] + k->l1d.st.miss[1];
        core[i].i_access = k->l1i.st.access[0];
        core[i].i_miss = k->l1i.st.miss[0];
        if (k->has_l2) {
            core[i].l2_access = k->l2.st.access[0] + k->l2.st.access[1];
            core[i].l2_miss = k->l2.st.miss[0] + k->l2.st.miss[1];
        }
    }
    memset(&r, 0, sizeof(r));
    r.core = core;
    r.ncores = P.ncpu;
    r.use_l2 = P.sys.cfg.has_l2;
    r.limit = P.limit;
    r.insns = cachec_records(&r.n);
    if (!r.insns)
        return;
    cgp_print_cachec(&r, qemu_plugin_outs);
    free(r.insns);
}

/* Per-level counters of the model (native mode: the whole hierarchy). */
static void print_level(const char *name, unsigned cpu, const struct emk_cache_level *c)
{
    char b[400];
    const struct emk_cache_stats *st = &c->st;
    snprintf(b, sizeof(b), "emkit-cache: %s cpu%u: reads %llu misses %llu, writes %llu misses %llu, "
             "coherence misses %llu, writebacks %llu, write-through %llu, evictions %llu, "
             "back-invalidations %llu, coherence invalidations %llu\n", name, cpu,
             (unsigned long long)st->access[0], (unsigned long long)st->miss[0],
             (unsigned long long)st->access[1], (unsigned long long)st->miss[1],
             (unsigned long long)(st->coh_miss[0] + st->coh_miss[1]),
             (unsigned long long)st->writebacks, (unsigned long long)st->write_through,
             (unsigned long long)st->evictions, (unsigned long long)st->back_invals,
             (unsigned long long)st->coh_invals);
    qemu_plugin_outs(b);
}

/* The direct callbacks (vcpu_mem_direct, vcpu_mem_l1*, emkc_mem_l1*)
 * count their one-line L1D accesses only in the instruction's Dr/Dw.
 * Every other data reference went to emkc_mem_slow (F.model_refs), and
 * the model counted its L1D accesses itself; add the difference. */
static void inline_hits_to_l1d(void)
{
    uint64_t refs[2] = { 0, 0 };
    size_t i;
    if (P.mem_cb != vcpu_mem_direct && P.mem_cb != vcpu_mem_l1 && P.mem_cb != vcpu_mem_l1_64x8)
        return;
    for (i = 0; i < (1u << HASH_BITS); i++) {
        struct cgp_insn *in;
        for (in = P.hash[i]; in; in = in->hnext) {
            refs[0] += in->ev[CGP_DR];
            refs[1] += in->ev[CGP_DW];
        }
    }
    F.l1d->st.access[0] += refs[0] - F.model_refs[0];
    F.l1d->st.access[1] += refs[1] - F.model_refs[1];
}

static void plugin_exit(qemu_plugin_id_t id, void *p)
{
    struct cgp_report r;
    struct cgp_tb *t;
    char d[3][96];
    size_t i, k = 0;
    uint32_t j;
    (void)id;
    (void)p;
    for (i = 0; i < NVSTATE; i++)
        flush(&P.vs[i], (unsigned)(i % P.ncpu));
    for (t = P.tbs; t; t = t->next)
        for (j = 0; j < t->n; j++)
            if (t->insn[j])
                t->insn[j]->ev[CGP_IR] += t->exec;
    inline_hits_to_l1d();
    memset(&r, 0, sizeof(r));
    r.all = calloc(P.ninsn ? P.ninsn : 1, sizeof(*r.all));
    if (!r.all)
        return;
    for (i = 0; i < (1u << HASH_BITS); i++) {
        struct cgp_insn *in;
        for (in = P.hash[i]; in; in = in->hnext)
            r.all[k++] = in;
    }
    r.n = k;
    emk_cache_geom_desc(&P.sys.cfg.l1i, d[0], sizeof(d[0]));
    emk_cache_geom_desc(&P.sys.cfg.l1d, d[1], sizeof(d[1]));
    emk_cache_geom_desc(P.sys.cfg.has_llc ? &P.sys.cfg.llc : &P.sys.cfg.l2, d[2], sizeof(d[2]));
    r.desc[0] = d[0];
    r.desc[1] = d[1];
    r.desc[2] = d[2];
    r.cmd = P.cmd;
    r.top = P.top;
    if (P.out) {
        /* %p now: a guest fork() exits in its own QEMU process, with its pid */
        char path[4096], m[4400], e[300] = "";
        if (cgp_out_path(P.out, (long)getpid(), path, sizeof(path), e, sizeof(e)) < 0)
            snprintf(m, sizeof(m), "emkit-cache: cannot write %s: %s\n", P.out,
                     e[0] ? e : "name too long");
        else if (cgp_write_cachegrind_out(&r, path) < 0)
            snprintf(m, sizeof(m), "emkit-cache: cannot write %s\n", path);
        else
            m[0] = 0;
        if (m[0])
            qemu_plugin_outs(m);
    }
    if (P.cachec) {
        cachec_exit();
        free(r.all);
        return;
    }
    cgp_print_report(&r, qemu_plugin_outs);
    for (i = 0; i < P.ncpu; i++) {
        print_level("L1I", (unsigned)i, &P.sys.cpu[i].l1i);
        print_level("L1D", (unsigned)i, &P.sys.cpu[i].l1d);
        if (P.sys.cpu[i].has_l2)
            print_level("L2", (unsigned)i, &P.sys.cpu[i].l2);
    }
    if (P.sys.cfg.has_llc)
        print_level("LLC", 0, &P.sys.llc);
    free(r.all);
}

static int bad_arg(const char *msg)
{
    fprintf(stderr, "emkit-cache: %s\n", msg);
    return -1;
}

/* compat=cachec: cache.c's keys, and those of ours that fit its model. */
static int cachec_key_ok(const char *a)
{
    static const char *const keys[] = {
        "icachesize", "iassoc", "iblksize", "dcachesize", "dassoc", "dblksize",
        "l2cachesize", "l2assoc", "l2blksize", "l2", "evict", "limit", "top", "cores",
        "out", "seed", "compat"
    };
    size_t i, kl = strcspn(a, "=");
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strlen(keys[i]) == kl && !strncmp(a, keys[i], kl))
            return 1;
    return 0;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    struct emk_cache_config cfg;
    char err[240];
    int i, r, cores_set = 0;
    emk_cache_config_default(&cfg);
    cfg.has_l2 = 1;
    P.top = 10;
    P.system = info->system_emulation;
    /* compat= first: it sets the defaults the other options change */
    for (i = 0; i < argc; i++) {
        if (strncmp(argv[i], "compat=", 7) != 0)
            continue;
        if (!strcmp(argv[i] + 7, "cachec"))
            P.cachec = 1;
        else if (!strcmp(argv[i] + 7, "none"))
            P.cachec = 0;
        else
            return bad_arg("compat: want cachec or none");
    }
    if (P.cachec) {
        /* contrib/plugins/cache.c 7.2: 16 KiB 8-way 64 B L1s, a 2 MiB
         * 16-way 64 B L2 only if asked, LRU, top 32 */
        struct emk_cache_geom l1 = { 16384, 8, 64, EMK_CACHE_LRU, EMK_CACHE_WRITE_BACK, 1 };
        cfg.l1i = l1;
        cfg.l1d = l1;
        cfg.l2 = l1;
        cfg.l2.size = 2u << 20;
        cfg.l2.assoc = 16;
        cfg.has_l2 = 0;
        cfg.coherence = 0;
        P.limit = 32;
    }
    for (i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strncmp(a, "compat=", 7))
            continue;
        if (P.cachec && !cachec_key_ok(a)) {
            snprintf(err, sizeof(err), "compat=cachec: option '%s' is not in cache.c's model", a);
            return bad_arg(err);
        }
        if (!strncmp(a, "count=", 6)) {
            if (!strcmp(a + 6, "cachegrind"))
                P.count = EMK_COUNT_CACHEGRIND;
            else if (!strcmp(a + 6, "native"))
                P.count = EMK_COUNT_NATIVE;
            else
                return bad_arg("count: want native or cachegrind");
            continue;
        }
        if (!strncmp(a, "out=", 4) && a[4]) {
            char path[4096];
            if (cgp_out_path(a + 4, 1, path, sizeof(path), err, sizeof(err)) < 0)
                return bad_arg(err[0] ? err : "out: name too long");
            P.out = strdup(a + 4);
            continue;
        }
        if (!strncmp(a, "limit=", 6) || !strncmp(a, "top=", 4)) {
            const char *v = strchr(a, '=') + 1;
            uint64_t n;
            if (P.cachec && v[0] == '-' && emk_cache_parse_size(v + 1, &n) == 0) {
                P.limit = 0; /* cache.c: a negative limit lists nothing */
                continue;
            }
            if (emk_cache_parse_size(v, &n) < 0 || n > (P.cachec ? 0x7fffffffu : 100000u))
                return bad_arg(P.cachec ? "limit: want a number" : "limit: want a number 0..100000");
            P.top = (unsigned)n;
            P.limit = (long long)n;
            continue;
        }
        if (P.cachec && !strncmp(a, "l2=", 3)) {
            bool on;
            /* cache.c parses it with qemu_plugin_bool_parse */
            if (!qemu_plugin_bool_parse("l2", a + 3, &on)) {
                snprintf(err, sizeof(err), "boolean argument parsing failed: %s", a);
                return bad_arg(err);
            }
            cfg.has_l2 = on;
            continue;
        }
        if (!strncmp(a, "cores=", 6))
            cores_set = 1;
        r = emk_cache_args_apply(&cfg, a, err, sizeof(err));
        if (r < 0)
            return bad_arg(err);
        if (r > 0) {
            snprintf(err, sizeof(err), "unknown option '%s'", a);
            return bad_arg(err);
        }
    }
    if (P.system && !cores_set) {
        /* cache.c: qemu_plugin_n_vcpus() */
        int n = P.cachec ? qemu_plugin_n_vcpus() : (int)info->system.smp_vcpus;
        cfg.ncpu = (unsigned)(n > EMK_CACHE_MAX_CPUS ? EMK_CACHE_MAX_CPUS : n < 1 ? 1 : n);
    }
    if (P.count == EMK_COUNT_CACHEGRIND) {
        emk_cache_config_cachegrind(&cfg);
        cfg.coherence = 0;
    }
    if (emk_cache_sys_init(&P.sys, &cfg, err, sizeof(err)) < 0)
        return bad_arg(err);
    P.ncpu = cfg.ncpu;
    pthread_mutex_init(&P.lock, NULL);
    for (i = 0; i < 64; i++)
        pthread_mutex_init(&P.shard[i], NULL);
    if (P.cachec) {
        for (i = 0; i < EMK_CACHE_MAX_CPUS; i++)
            pthread_mutex_init(&P.core_lock[i], NULL);
        if (P.limit > 0)
            P.top = 1; /* insn_get: keep the disassembly */
        if (g_hash_table_new && g_hash_table_insert && g_hash_table_get_values && g_list_free)
            P.ght = g_hash_table_new(NULL, NULL); /* cache.c: g_direct_hash */
        qemu_plugin_register_vcpu_init_cb(id, cachec_vcpu_init);
        qemu_plugin_register_vcpu_tb_trans_cb(id, cachec_tb_trans);
        qemu_plugin_register_atexit_cb(id, plugin_exit, NULL);
        return 0;
    }
    P.fast_i = P.count == EMK_COUNT_NATIVE && !P.system && P.ncpu == 1 && P.sys.cpu[0].l1i.hit0;
    P.fast_d = P.fast_i && P.sys.cpu[0].l1d.hit0 && cfg.l1d.wpolicy == EMK_CACHE_WRITE_BACK &&
               (cfg.l1d.assoc & (cfg.l1d.assoc - 1)) == 0;
    P.mem_cb = P.fast_d ? vcpu_mem_fast : vcpu_mem;
    if (P.fast_d) {
        struct emk_cache_level *c = &P.sys.cpu[0].l1d;
        F.tag = c->tag;
        F.set_mask = c->set_mask;
        F.line = c->g.line;
        F.off_mask = c->g.line - 1;
        F.access = c->st.access;
        F.l1d = c;
        F.set_bytes = c->set_mask << 6;
        F.ways8 = c->g.assoc == 8 && P.sys.cpu[0].has_l2 && P.sys.cpu[0].l2.g.assoc == 8;
        F.line_shift = c->line_shift;
        while ((1u << F.way_shift) < c->g.assoc)
            F.way_shift++;
        if (mi_layout_ok()) {
            P.mem_cb = vcpu_mem_direct;
            if (P.sys.fast)
                P.mem_cb = c->g.line == 64 && F.ways8 && c->sets > 1 ? vcpu_mem_l1_64x8
                                                                    : vcpu_mem_l1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, vcpu_tb_trans);
    qemu_plugin_register_atexit_cb(id, plugin_exit, NULL);
    return 0;
}
