/* Private to the TCG plugin: per-instruction records and the reports.
 * No QEMU header here; emkit_cache.c is the only file that includes it. */
#ifndef EMK_PLUGIN_QEMU_CG_PLUGIN_H
#define EMK_PLUGIN_QEMU_CG_PLUGIN_H

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

#endif
