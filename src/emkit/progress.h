/*
 * emkit/progress.h - a progress line for long runs of the command-line
 * tools (`emkit bench`, `emkit cache-sim` on a long trace, later
 * `emkit-img`).
 *
 * The line goes to stderr and only when stderr is a terminal: piped or
 * redirected, a tool stays quiet (scripts and logs see nothing of it).
 * EMKIT_PROGRESS=0 in the environment turns it off on a terminal too.
 * The line is redrawn in place ("\r", at most ten times a second) and
 * erased when the run ends, so it never mixes with the tool's output:
 * a tool that prints while the line is shown calls emk_progress_clear
 * first.  The caller owns the struct (no allocation); one thread uses it.
 */
#ifndef EMKIT_PROGRESS_H
#define EMKIT_PROGRESS_H

#include "emkit/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What the count of a progress line means (how it is printed). */
enum emk_progress_unit {
    EMK_PROGRESS_ITEMS = 0,   /**< plain count: "12/60 runs" */
    EMK_PROGRESS_BYTES = 1    /**< bytes: "1.2 GiB/3.0 GiB" */
};

/** A progress line.  Fields are private to progress.c. */
typedef struct emk_progress {
    int on;                /* drawing (stderr is a terminal) */
    int shown;             /* a line is on the screen */
    int unit;              /* enum emk_progress_unit */
    const char *label;     /* "bench nvme" */
    const char *what;      /* "runs" (items only) */
    uint64_t total;        /* 0: unknown */
    uint64_t done;
    int64_t t0, last;      /* host ns: start, last draw */
    size_t width;          /* length of the last line drawn */
} emk_progress;

/** 1 if progress lines are wanted: stderr is a terminal and EMKIT_PROGRESS
 *  is not "0". */
EMK_API int emk_progress_wanted(void);

/** Starts a progress line labelled label (kept, not copied) over total
 *  units (0: unknown, then only the count and the elapsed time show).
 *  what names the items ("runs"; NULL for none; ignored for bytes).  The
 *  first emk_progress_update draws it.  When emk_progress_wanted() is 0
 *  nothing is ever drawn and every other call is a no-op. */
EMK_API void emk_progress_start(emk_progress *p, const char *label, int unit,
                                const char *what, uint64_t total);

/** Records that done units are finished and redraws the line if it is not
 *  on the screen (first update, or after a clear) or its last draw is
 *  100 ms old.  item (may be NULL) names what runs now, e.g. "shadow read
 *  qd32 it0". */
EMK_API void emk_progress_update(emk_progress *p, uint64_t done, const char *item);

/** Erases the line (before the caller prints); the next update redraws. */
EMK_API void emk_progress_clear(emk_progress *p);

/** Erases the line for good: the run is over. */
EMK_API void emk_progress_end(emk_progress *p);

#ifdef __cplusplus
}
#endif

#endif
