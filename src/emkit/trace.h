/*
 * emkit/trace.h - named trace events, compiled in and off by default.
 *
 * An event is a static emk_trace_event in the file that fires it.  Inside
 * emkit, code fires it with EMK_TRACE(ev, "fmt", args...) from the
 * private header src/trace_int.h: while the event is disabled that costs
 * one relaxed load and a predictable branch; no lock, no call.  Code
 * outside the library uses emk_trace_enabled() + emk_trace_emit().
 *
 * Enabling.  Events are switched by comma-separated glob patterns ('*',
 * '?'), matched against the event name in order, the last match winning;
 * a pattern starting with '-' switches matching events off:
 *
 *     EMKIT_TRACE='bus_*,-bus_dma_*,sblk_cmd'  (environment, read once)
 *     emk_trace_enable("nvme_*");              (at run time, any thread)
 *
 * An event is registered the first time it fires (so a never-fired event
 * costs nothing); enabling re-evaluates every registered event.
 *
 * Output.  One line per event, written with a single write() so lines of
 * different threads never interleave:
 *
 *     <seconds.nanoseconds> <thread id> <event name> <message>\n
 *
 * The timestamp is the host monotonic clock.  Lines go to stderr, to the
 * file EMKIT_TRACE_FILE or emk_trace_set_file(), or to a host callback set
 * with emk_trace_set_sink() (the QEMU adapter forwards them to its log).
 * Formatting uses a stack buffer (EMK_TRACE_LINE_MAX bytes; longer
 * messages are cut and end in "..."): nothing is allocated on the emit path.
 */
#ifndef EMKIT_TRACE_H
#define EMKIT_TRACE_H

#include <stdarg.h>
#include <stddef.h>

#include "emkit/base.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_trace_limits {
    EMK_TRACE_LINE_MAX = 512,      /**< bytes per line, newline included */
    EMK_TRACE_PATTERNS_MAX = 1024  /**< bytes of pattern text in effect */
};

/** emk_trace_event.state.  UNKNOWN: not registered yet, the next firing
 *  looks the name up in the patterns. */
enum emk_trace_state {
    EMK_TRACE_UNKNOWN = 0,
    EMK_TRACE_OFF = 1,
    EMK_TRACE_ON = 2
};

/** One trace event.  Define it static, zero-initialised but for name
 *  (EMK_TRACE_EVENT_INIT in src/trace_int.h); it must live as long as the
 *  program (it is linked into the registry on first use). */
typedef struct emk_trace_event {
    const char *name;
    int state;                     /**< emk_trace_state, atomic */
    /* private */
    int registered;
    struct emk_trace_event *next;
} emk_trace_event;

/** Receives each trace line: line is NUL-terminated and ends in '\n'; len
 *  excludes the NUL.  Called from whatever thread fired the event,
 *  possibly from several threads at once. */
typedef void (*emk_trace_sink_fn)(void *opaque, const char *line, size_t len);

/** Adds comma-separated patterns ('-' prefix: exclude) after the ones in
 *  effect and re-evaluates every registered event.  Thread-safe.  Returns
 *  0, or -ENOSPC if the pattern text would exceed EMK_TRACE_PATTERNS_MAX
 *  (nothing changes). */
EMK_API int emk_trace_enable(const char *patterns);

/** Forgets every pattern (all events off, also those EMKIT_TRACE
 *  enabled).  Thread-safe. */
EMK_API void emk_trace_clear(void);

/** Sends lines to the file at path (created or truncated), or back to
 *  stderr if path is NULL.  Thread-safe: waits for lines being written.
 *  Returns 0 or a negative errno (the previous output stays). */
EMK_API int emk_trace_set_file(const char *path);

/** Sends lines to fn(opaque, line, len) instead of a file, or back to the
 *  file/stderr if fn is NULL.  Thread-safe: when it returns, no thread is
 *  still inside the previous sink. */
EMK_API void emk_trace_set_sink(emk_trace_sink_fn fn, void *opaque);

/** 1 if ev is enabled, else 0; registers ev on first use.  The portable,
 *  out-of-line form of the check EMK_TRACE does inline. */
EMK_API int emk_trace_enabled(emk_trace_event *ev);

/** Formats and writes one line for ev (whether or not it is enabled:
 *  check first).  printf-style; at least the format is always given, so
 *  callers stay C99-clean. */
EMK_API void emk_trace_emit(emk_trace_event *ev, const char *fmt, ...);

/** emk_trace_emit with a va_list. */
EMK_API void emk_trace_vemit(emk_trace_event *ev, const char *fmt, va_list ap);

/** 1 if name matches the glob pattern ('*' any run, '?' one character),
 *  else 0.  Exposed for tests and tools. */
EMK_API int emk_trace_glob(const char *pattern, const char *name);

#ifdef __cplusplus
}
#endif

#endif
