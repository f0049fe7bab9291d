/* trace_int.h - the inline trace check for code inside emkit.
 *
 *   static emk_trace_event ev_foo = EMK_TRACE_EVENT_INIT("foo_bar");
 *   ...
 *   EMK_TRACE(ev_foo, "addr=0x%llx len=%u", (unsigned long long)a, n);
 *
 * The format is part of the variadic arguments, so even an event without
 * arguments passes one (C99 -pedantic clean).  Arguments are evaluated only
 * when the event is on. */
#ifndef EMKIT_TRACE_INT_H
#define EMKIT_TRACE_INT_H

#include "compat.h"
#include "emkit/trace.h"

#define EMK_TRACE_EVENT_INIT(evname) \
    { (evname), EMK_TRACE_UNKNOWN, 0, NULL }

/* Disabled: one relaxed load, one branch predicted not taken. */
static inline int emk_trace_on(emk_trace_event *ev)
{
    int st = emk_load_relaxed_int(&ev->state);

    if (emk_likely(st == EMK_TRACE_OFF))
        return 0;
    return st == EMK_TRACE_ON ? 1 : emk_trace_enabled(ev);
}

#define EMK_TRACE(ev, ...)                           \
    do {                                             \
        if (emk_trace_on(&(ev)))                     \
            emk_trace_emit(&(ev), __VA_ARGS__);      \
    } while (0)

#endif
