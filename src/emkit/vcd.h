/*
 * emkit/vcd.h - a value change dump (VCD, IEEE 1364-2005 section 18)
 * writer, for looking at device signals (IRQ lines, status bits, queue
 * depths) in GTKWave, PulseView or any other waveform viewer.
 *
 *   emk_vcd v;
 *   emk_vcd_signal sigs[4];
 *   emk_vcd_init(&v, file, sigs, 4);
 *   int irq = emk_vcd_add(&v, "sblk", "irq", 1, 0);
 *   int st = emk_vcd_add(&v, "sblk", "status", 32, 0);
 *   emk_vcd_begin(&v, 0);                 // header and $dumpvars at #0
 *   emk_vcd_change(&v, 1500, irq, 1);     // at 1500 ns
 *   emk_vcd_finish(&v, 2000);
 *
 * The context and its signal table are caller-owned; nothing is allocated.
 * Time is in nanoseconds ($timescale 1ns).  A change is written only if the
 * value differs from the signal's current one, and a timestamp line only
 * before the first change at that time.  Signals are declared in order;
 * consecutive signals with the same scope share one $scope module.  Errors
 * are sticky: once a write fails, every later call returns the error.
 */
#ifndef EMKIT_VCD_H
#define EMKIT_VCD_H

#include <stdio.h>

#include "emkit/base.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_vcd_limits {
    EMK_VCD_MAX_WIDTH = 64,
    EMK_VCD_ID_MAX = 8      /**< identifier code bytes, NUL included */
};

/** One declared signal (storage supplied by the caller). */
typedef struct emk_vcd_signal {
    const char *scope;     /**< module name, e.g. "sblk" (not copied) */
    const char *name;      /**< signal name (not copied) */
    unsigned width;        /**< 1..64 bits */
    uint64_t value;        /**< current value */
    char id[EMK_VCD_ID_MAX];
} emk_vcd_signal;

/** A VCD being written. */
typedef struct emk_vcd {
    FILE *out;
    emk_vcd_signal *sig;
    unsigned nsig, cap;
    int64_t now;           /**< time of the last timestamp written */
    int started;           /**< header written */
    int stamped;           /**< a "#now" line was written */
    int err;               /**< sticky negative errno */
} emk_vcd;

/** Prepares v to write to out (not closed by emk_vcd_finish), with room
 *  for cap signals in storage. */
EMK_API void emk_vcd_init(emk_vcd *v, FILE *out, emk_vcd_signal *storage,
                  unsigned cap);

/** Declares a signal of width 1..64 bits in scope with its initial value.
 *  Returns its index (>= 0), -EINVAL (bad width or name, or after
 *  emk_vcd_begin), or -ENOSPC. */
EMK_API int emk_vcd_add(emk_vcd *v, const char *scope, const char *name,
                unsigned width, uint64_t initial);

/** Writes the header ($version, $timescale, $scope/$var/$upscope,
 *  $enddefinitions) and the initial values in $dumpvars at time t0_ns.
 *  Returns 0 or a negative errno. */
EMK_API int emk_vcd_begin(emk_vcd *v, int64_t t0_ns);

/** Records that signal sig has value (masked to its width) at t_ns, which
 *  must not be earlier than the previous call's.  Writes nothing if the
 *  value did not change.  Returns 0, -EINVAL (bad index, time going back,
 *  not begun) or the sticky error. */
EMK_API int emk_vcd_change(emk_vcd *v, int64_t t_ns, int sig, uint64_t value);

/** Writes a final timestamp t_ns (if later than the last one) and flushes.
 *  Returns 0 or the sticky error. */
EMK_API int emk_vcd_finish(emk_vcd *v, int64_t t_ns);

#ifdef __cplusplus
}
#endif

#endif
