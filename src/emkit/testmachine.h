/*
 * emkit/testmachine.h - a machine made of host memory, for tests,
 * benchmarks, fuzzers and the `emkit` main job.
 *
 * Guest RAM is one host allocation at guest-physical [ram_base,
 * ram_base + ram_size).  Regions mapped through the bus appear in the
 * memory or I/O space.  The machine's loop runs on a virtual clock that only
 * moves with emk_tm_advance, so timer tests are exact.  Interrupts are
 * recorded: level lines as current levels and raise counts, MSIs in a FIFO.
 *
 * Guest-side code (a test's driver) uses emk_tm_mmio_* and emk_tm_pio_* to touch
 * device registers, emk_tm_ram to read and write its own memory, and
 * emk_tm_alloc to carve buffers out of guest RAM.
 */
#ifndef EMKIT_TESTMACHINE_H
#define EMKIT_TESTMACHINE_H

#include "emkit/bus.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_tm_limits {
    EMK_TM_MAX_REGIONS = 64,
    EMK_TM_MAX_IRQ_LINES = 32,
    EMK_TM_MSI_FIFO = 1024
};

typedef struct emk_tm_config {
    uint64_t ram_base;   /**< guest-physical base of RAM (default 0) */
    uint64_t ram_size;   /**< bytes (default 64 MiB) */
    int real_clock;      /**< 1: host monotonic clock instead of virtual */
} emk_tm_config;

/** One recorded message-signalled interrupt. */
typedef struct emk_tm_msi {
    uint64_t addr;
    uint32_t data;
} emk_tm_msi;

typedef struct emk_tm emk_tm;

/** Creates a machine (cfg may be NULL for defaults). */
EMK_API emk_tm *emk_tm_new(const emk_tm_config *cfg, int *err);
EMK_API void emk_tm_free(emk_tm *tm);

/** The bus devices attach to, its main loop and virtual clock. */
EMK_API emk_bus *emk_tm_bus(emk_tm *tm);
EMK_API emk_loop *emk_tm_loop(emk_tm *tm);
EMK_API emk_vclock *emk_tm_vclock(emk_tm *tm);

/** Host pointer to guest RAM [gpa, gpa+len), or NULL if out of RAM. */
EMK_API void *emk_tm_ram(emk_tm *tm, uint64_t gpa, uint64_t len);
/** Bump allocator over guest RAM, for drivers; 0 when exhausted. */
EMK_API uint64_t emk_tm_alloc(emk_tm *tm, uint64_t size, uint64_t align);

/** Guest register accesses.  Unmapped reads return all-ones and
 *  -ENODEV; rejected accesses return the region's error. */
EMK_API int emk_tm_mmio_read(emk_tm *tm, uint64_t addr, unsigned size, uint64_t *v);
EMK_API int emk_tm_mmio_write(emk_tm *tm, uint64_t addr, unsigned size, uint64_t v);
EMK_API int emk_tm_pio_read(emk_tm *tm, uint64_t port, unsigned size, uint64_t *v);
EMK_API int emk_tm_pio_write(emk_tm *tm, uint64_t port, unsigned size, uint64_t v);

/** Advances the virtual clock by ns and runs due timers and bottom halves
 *  of the main loop. */
EMK_API void emk_tm_advance(emk_tm *tm, int64_t ns);
/** Runs the main loop without blocking until nothing is left to do (at
 *  most max_iter iterations).  Returns callbacks run. */
EMK_API int emk_tm_run_pending(emk_tm *tm, int max_iter);

/** Interrupt recorder. */
EMK_API int emk_tm_irq_level(const emk_tm *tm, unsigned line);
EMK_API uint64_t emk_tm_irq_raises(const emk_tm *tm, unsigned line);
/** Pops the oldest MSI; 1 if one was pending, else 0.  Thread-safe. */
EMK_API int emk_tm_msi_pop(emk_tm *tm, emk_tm_msi *out);
/** Total MSIs delivered (including dropped ones when the FIFO was full). */
EMK_API uint64_t emk_tm_msi_count(const emk_tm *tm);
/** Blocks until an MSI is pending or timeout_ns passes (host time); for
 *  devices running in iothreads.  1 if one is pending, else 0. */
EMK_API int emk_tm_msi_wait(emk_tm *tm, int64_t timeout_ns);

/** Marks [gpa, gpa+len) of RAM as unavailable to DMA (tests of -EFAULT). */
EMK_API int emk_tm_dma_hole(emk_tm *tm, uint64_t gpa, uint64_t len);

#ifdef __cplusplus
}
#endif

#endif
