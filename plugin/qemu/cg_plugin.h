/* Private to the TCG plugin: per-instruction records and the reports.
 * No QEMU header here; emkit_cache.c is the only file that includes it. */
#ifndef EMK_PLUGIN_QEMU_CG_PLUGIN_H
#define EMK_PLUGIN_QEMU_CG_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Event columns, cachegrind's order. */
enum cgp_event {
    CGP_IR, CGP_I1MR, CGP_ILMR,
    CGP_DR, CGP_D1MR, CGP_DLMR,
    CGP_DW, CGP_D1MW, CGP_DLMW,
    CGP_NEVENTS
};

/* One guest instruction (unique per address). */
struct cgp_insn {
    uint64_t addr;
    uint32_t size;
    uint64_t ev[CGP_NEVENTS];
    const char *sym;   /* owned string or NULL */
    char *disas;       /* owned string or NULL */
    const char *file;  /* from the DWARF line table, or NULL */
    uint32_t line;
    struct cgp_insn *hnext;
    /* memo of the meminfo accessors for this instruction's accesses,
     * info << 32 | 1 << 16 | is_store << 8 | size_shift (0: empty) */
    uint64_t mi[4];
};

/* One translated block: Ir of its instructions = exec count. */
struct cgp_tb {
    uint64_t exec;
    uint32_t n;
    struct cgp_tb *next;
    struct cgp_insn *insn[1]; /* n entries */
};

struct cgp_report {
    struct cgp_insn **all;   /* every instruction record */
    size_t n;
    const char *desc[3];     /* I1, D1, LL descriptions */
    const char *cmd;
    unsigned top;
};

/* Write a cachegrind.out file that cg_annotate reads.  0 or -errno. */
int cgp_write_cachegrind_out(const struct cgp_report *r, const char *path);

/* Print the top-N instructions by misses and per-function totals. */
void cgp_print_report(const struct cgp_report *r, void (*out)(const char *s));

/*
 * The out= file name: @pat with %p replaced by @pid, %q{VAR} by the
 * value of the environment variable VAR and %% by %, as valgrind's
 * --cachegrind-out-file does.  0, -EINVAL for another % sequence or an
 * unset VAR (message in @err), -ENAMETOOLONG if it does not fit @len.
 */
int cgp_out_path(const char *pat, long pid, char *buf, size_t len, char *err, size_t errlen);

/* compat=cachec (cachec_report.c): counts of one core, as cache.c keeps
 * them (the L2 counts take instruction and data accesses). */
struct cgp_cachec_core {
    uint64_t d_access, d_miss, i_access, i_miss, l2_access, l2_miss;
};

/* The three top lists: L1D misses (D1mr + D1mw), L1I misses (I1mr), L2
 * misses (ILmr + DLmr + DLmw). */
enum { CGP_CACHEC_DMISS, CGP_CACHEC_IMISS, CGP_CACHEC_L2MISS };

struct cgp_cachec {
    const struct cgp_cachec_core *core;
    unsigned ncores;
    int use_l2;
    struct cgp_insn **insns; /* in cache.c's hash-table order; reordered */
    size_t n;
    long long limit;
};

uint64_t cgp_cachec_key(const struct cgp_insn *in, int which);

/* Stable sort of @a, largest key first (cache.c's g_list_sort).  0 or -1. */
int cgp_cachec_sort(struct cgp_insn **a, size_t n, int which);

/* Print cache.c's log_stats and log_top_insns output through @out (two
 * calls, as cache.c makes).  0, or -1 if memory ran out (partly printed). */
int cgp_print_cachec(const struct cgp_cachec *r, void (*out)(const char *s));

#endif
