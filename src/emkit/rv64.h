/*
 * emkit/rv64.h - an RV64GC interpreter (RV64IMAFDC, Zicsr, Zifencei) for
 * user-level code.
 *
 * The core knows nothing of an operating system or a board.  Its host
 * gives it a flat guest memory window (guest address A is host byte
 * base[A] for A < size; every access outside it stops the run with
 * EMK_RV64_EXIT_FAULT) and an ecall hook.  Instructions are decoded once
 * into a per-page cache; fence.i or a host request flushes it.
 *
 * Threads: a cpu belongs to the thread that calls emk_rv64_run.  Other
 * threads only set bits in `request` (emk_rv64_kick).  LR/SC and the AMOs
 * use host atomics on the shared guest memory, so cpus on several host
 * threads sharing one window see each other's atomics.
 */
#ifndef EMKIT_RV64_H
#define EMKIT_RV64_H

#include "emkit/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Why emk_rv64_run returned. */
enum emk_rv64_exit {
    EMK_RV64_EXIT_ECALL = 1,     /**< the ecall hook asked to stop (pc is past the ecall) */
    EMK_RV64_EXIT_EBREAK = 2,    /**< ebreak / c.ebreak at pc */
    EMK_RV64_EXIT_ILLEGAL = 3,   /**< illegal instruction at pc (bits in fault_insn) */
    EMK_RV64_EXIT_FAULT = 4,     /**< access outside the window: fault_addr, fault_kind */
    EMK_RV64_EXIT_MISALIGNED = 5,/**< misaligned atomic at pc: fault_addr */
    EMK_RV64_EXIT_REQUEST = 6    /**< EMK_RV64_REQ_STOP was set (pc is the next instruction) */
};

/** Bits of emk_rv64_cpu.request. */
enum emk_rv64_request {
    EMK_RV64_REQ_STOP = 1,  /**< return EMK_RV64_EXIT_REQUEST at the next control transfer */
    EMK_RV64_REQ_FLUSH = 2  /**< drop the decoded-instruction cache, then go on */
};

/** Kinds of access in fault_kind. */
enum emk_rv64_access {
    EMK_RV64_ACC_FETCH = 0,
    EMK_RV64_ACC_LOAD = 1,
    EMK_RV64_ACC_STORE = 2
};

/** fflags bits (fcsr[4:0]). */
enum emk_rv64_fflags {
    EMK_RV64_FF_NX = 1, EMK_RV64_FF_UF = 2, EMK_RV64_FF_OF = 4,
    EMK_RV64_FF_DZ = 8, EMK_RV64_FF_NV = 16
};

typedef struct emk_rv64_cpu emk_rv64_cpu;
struct emk_rv64_icache;

/** Called on ecall with pc already past the instruction.  Returns 0 to go
 *  on (it may change registers and pc), nonzero to make emk_rv64_run
 *  return EMK_RV64_EXIT_ECALL. */
typedef int (*emk_rv64_ecall_fn)(emk_rv64_cpu *cpu);

struct emk_rv64_cpu {
    uint64_t x[32];         /**< integer registers; x[0] reads as 0 */
    uint64_t f[32];         /**< FP registers, singles NaN-boxed */
    uint64_t pc;
    uint32_t fflags;        /**< accrued exceptions (read via emk_rv64_fflags) */
    uint32_t frm;           /**< dynamic rounding mode, 0..4 */
    uint64_t instret;       /**< retired instructions (counted per run) */
    uint64_t res_addr;      /**< LR reservation: address, value, valid */
    uint64_t res_val;
    int res_valid;
    uint32_t request;       /**< emk_rv64_request bits, set by any thread */
    uint64_t fault_addr;    /**< guest address of the last fault */
    int fault_kind;         /**< emk_rv64_access of the last fault */
    uint32_t fault_insn;    /**< instruction bits of the last illegal one */
    uint8_t *mem_base;      /**< guest memory window */
    uint64_t mem_size;
    emk_rv64_ecall_fn ecall;
    void *opaque;           /**< the host's */
    struct emk_rv64_icache *icache; /**< private */
};

/** Sets up cpu (registers zero) over the window [base, base + size) and
 *  clears the calling thread's FP exception flags.  Returns 0, -EINVAL
 *  (no window or under 16 bytes) or -ENOMEM. */
EMK_API int emk_rv64_init(emk_rv64_cpu *cpu, uint8_t *base, uint64_t size);

/** Frees what emk_rv64_init allocated. */
EMK_API void emk_rv64_cleanup(emk_rv64_cpu *cpu);

/** Copies the architectural state of src (registers, pc, fcsr) into dst,
 *  an initialised cpu; the cache and the reservation are not copied.
 *  Call it on src's thread (its fflags accrue in that thread's FPU). */
EMK_API void emk_rv64_copy_state(emk_rv64_cpu *dst, const emk_rv64_cpu *src);

/** Runs from cpu->pc until an exit (enum emk_rv64_exit). */
EMK_API int emk_rv64_run(emk_rv64_cpu *cpu);

/** Runs at most one instruction (single step); returns 0 when it retired
 *  and the run went on, or an exit as emk_rv64_run. */
EMK_API int emk_rv64_step(emk_rv64_cpu *cpu);

/** Sets request bits from any thread (atomic or). */
EMK_API void emk_rv64_kick(emk_rv64_cpu *cpu, uint32_t bits);

/** Accrued fflags: the cpu's own and what the calling thread's host FPU
 *  accrued for it (call on the cpu's thread). */
EMK_API uint32_t emk_rv64_get_fflags(emk_rv64_cpu *cpu);

/** Replaces the accrued fflags (clears the calling thread's host flags). */
EMK_API void emk_rv64_set_fflags(emk_rv64_cpu *cpu, uint32_t v);

/** Decodes the instruction word at the start of bits (little-endian, 2 or
 *  4 bytes available in len) and returns its length (2 or 4), or 0 when it
 *  is illegal; for the disassembler, the fuzzer and tests. */
EMK_API int emk_rv64_insn_length(const uint8_t *bits, size_t len);

#ifdef __cplusplus
}
#endif

#endif
