/*
 * emkit/armv6m.h - an ARMv6-M (Cortex-M0) core.
 *
 * The core knows nothing of a board: it sees memory through two fast
 * windows of host memory (flash and RAM, say) and two callbacks for every
 * other address.  The System Control Space (SysTick, NVIC, SCB at
 * 0xE000E000) is architectural and lives in the core.
 *
 *   emk_armv6m cpu;
 *   emk_armv6m_init(&cpu, &ops, board);
 *   emk_armv6m_set_window(&cpu, 0, flash, 0x00000000, 256 << 10, 0);
 *   emk_armv6m_set_window(&cpu, 1, ram, 0x20000000, 16 << 10, 1);
 *   emk_armv6m_reset(&cpu);
 *   emk_armv6m_run(&cpu, limit_cycles);
 *
 * Every guest access is bounded: a window access is checked against the
 * window; anything else goes through the callbacks, whose error makes the
 * core take a HardFault (as does an unaligned access, an undefined
 * instruction or a branch to ARM state).  A fault while in HardFault or
 * NMI locks the core up (emk_armv6m_run returns EMK_ARMV6M_LOCKUP).
 *
 * Time is counted in core cycles with the Cortex-M0 timings of its TRM
 * (ARM DDI 0432C, table 3-1); exception entry and return take 16 cycles.
 *
 * The struct is caller-owned; its fields are private except where noted
 * (the GDB server and the tests read r[], cycles and the stop state).
 */
#ifndef EMKIT_ARMV6M_H
#define EMKIT_ARMV6M_H

#include "emkit/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Limits and fixed numbers of the core. */
enum emk_armv6m_limits {
    EMK_ARMV6M_NIRQ = 32,        /**< external interrupt lines */
    EMK_ARMV6M_NEXC = 48,        /**< exception numbers 0..47 */
    EMK_ARMV6M_NWINDOWS = 2,     /**< fast host-memory windows */
    EMK_ARMV6M_EXC_NMI = 2,
    EMK_ARMV6M_EXC_HARDFAULT = 3,
    EMK_ARMV6M_EXC_SVCALL = 11,
    EMK_ARMV6M_EXC_PENDSV = 14,
    EMK_ARMV6M_EXC_SYSTICK = 15,
    EMK_ARMV6M_EXC_IRQ0 = 16
};

/** Why emk_armv6m_run returned. */
enum emk_armv6m_stop {
    EMK_ARMV6M_LIMIT = 0,   /**< reached the cycle limit */
    EMK_ARMV6M_SLEEP = 1,   /**< WFI/WFE: sleeping until an interrupt */
    EMK_ARMV6M_LOCKUP = 2,  /**< fault in HardFault/NMI: stopped */
    EMK_ARMV6M_BKPT = 3,    /**< BKPT with bkpt_stops set; pc at the BKPT */
    EMK_ARMV6M_RESETREQ = 4 /**< AIRCR.SYSRESETREQ written */
};

/** Memory callbacks for addresses outside the windows.  size is 1, 2 or
 *  4 and addr is aligned to it.  Return 0 or a negative errno (a bus
 *  error: the core takes a HardFault). */
typedef struct emk_armv6m_mem_ops {
    int (*read)(void *opaque, uint32_t addr, unsigned size, uint32_t *value);
    int (*write)(void *opaque, uint32_t addr, unsigned size, uint32_t value);
} emk_armv6m_mem_ops;

/** A fast window of host memory (private). */
typedef struct emk_armv6m_window {
    uint8_t *host;
    uint32_t base;
    uint32_t size;
    int writable;
} emk_armv6m_window;

/** The core.  Caller-owned. */
typedef struct emk_armv6m {
    uint32_t r[16];          /**< public: r[13] is the current SP */
    uint64_t cycles;         /**< public: cycles since init */
    int stop;                /**< public: last emk_armv6m_stop */
    int sleeping;            /**< public: in WFI/WFE */
    int bkpt_stops;          /**< public: BKPT stops run instead of faulting */
    unsigned bkpt_imm;       /**< public: the immediate of the last BKPT */
    /* private from here */
    uint32_t nres, zres, cf, vf;   /* flags: N = nres bit 31, Z = !zres */
    uint32_t ipsr;
    uint32_t msp, psp;             /* the banked SP not in use */
    uint32_t control;              /* bit 1 SPSEL */
    uint32_t primask;
    int tbit;                      /* EPSR.T: 0 faults on the next fetch */
    int event;                     /* the WFE event register */
    int attn;                      /**< public: stop the inner loop and re-check */
    int lockup;
    int resetreq;
    uint64_t pending;              /* exception pending bits */
    uint64_t active;               /* exception active bits */
    uint32_t irq_enabled;          /* NVIC ISER */
    uint32_t irq_level;            /* lines held high by the board */
    uint8_t irq_prio[EMK_ARMV6M_NIRQ];
    uint32_t shpr2, shpr3, scr;
    uint32_t syst_csr, syst_rvr;
    uint32_t syst_cvr;             /* value at syst_base */
    uint64_t syst_base;            /* cycle at which syst_cvr was current */
    uint64_t syst_next;            /* cycle of the next SysTick 1->0, or max */
    int cur_psp;                   /* r[13] is the PSP */
    int bkpt_hit;                  /* a BKPT stopped the core */
    uint64_t limit;                /**< public: the run limit; a device may lower it during a run and set attn */
    uint64_t insns;                /* instructions retired */
    emk_armv6m_window win[EMK_ARMV6M_NWINDOWS];
    const emk_armv6m_mem_ops *ops;
    void *opaque;
} emk_armv6m;

/** Sets the core up with memory callbacks ops/opaque and no windows.
 *  Call emk_armv6m_reset before running. */
EMK_API void emk_armv6m_init(emk_armv6m *cpu, const emk_armv6m_mem_ops *ops,
                             void *opaque);

/** Makes [base, base + size) of guest memory the host bytes at host
 *  (little-endian image).  writable 0: writes go to the callbacks.
 *  size 0 removes window i.  -EINVAL for a bad index or a range that
 *  wraps. */
EMK_API int emk_armv6m_set_window(emk_armv6m *cpu, unsigned i, uint8_t *host,
                                  uint32_t base, uint32_t size, int writable);

/** Resets the core: the NVIC and SysTick cleared, SP and PC from the
 *  vector table at address 0.  The cycle counter keeps counting. */
EMK_API void emk_armv6m_reset(emk_armv6m *cpu);

/** Runs until cycles reaches limit, the core sleeps, locks up, stops at a
 *  BKPT or requests a reset.  Returns the emk_armv6m_stop.  A sleeping core
 *  returns EMK_ARMV6M_SLEEP at once without using time: advance time with
 *  emk_armv6m_idle. */
EMK_API int emk_armv6m_run(emk_armv6m *cpu, uint64_t limit);

/** Lets time pass while the core sleeps: cycles moves to `until` (or to
 *  the SysTick wrap before it, which may wake the core). */
EMK_API void emk_armv6m_idle(emk_armv6m *cpu, uint64_t until);

/** The cycle at which SysTick next needs attention, UINT64_MAX if never. */
EMK_API uint64_t emk_armv6m_next_event(const emk_armv6m *cpu);

/** Drives external interrupt line irq (0..31) to level.  A high line
 *  makes the interrupt pending (again after its handler returns while the
 *  line stays high) and wakes a sleeping core.  Any value of irq beyond
 *  the lines is ignored. */
EMK_API void emk_armv6m_set_irq(emk_armv6m *cpu, unsigned irq, int level);

/** Returns the xPSR (flags, IPSR, T). */
EMK_API uint32_t emk_armv6m_xpsr(const emk_armv6m *cpu);

/** Instructions retired since init. */
EMK_API uint64_t emk_armv6m_insns(const emk_armv6m *cpu);

#ifdef __cplusplus
}
#endif

#endif
