/*
 * emkit/loop.h - event loop, clocks, timers, bottom halves, event notifiers
 * and iothreads.
 *
 * One emk_loop belongs to one thread at a time: timers and fd handlers are
 * armed and fired in that thread.  Only these calls are thread-safe and may
 * come from any thread: emk_bh_schedule, emk_notifier_set, emk_loop_wake,
 * emk_loop_stop and emk_loop_call.
 *
 * Timers, bottom halves, fd handlers and notifiers are caller-owned structs
 * (no allocation when they are armed or fire); the loop links them into its
 * lists.  A loop runs on a clock: the host's monotonic clock by default, or
 * any emk_clock (tests use emk_vclock, a virtual clock they advance by hand;
 * the QEMU adapter passes QEMU_CLOCK_VIRTUAL).
 *
 * An emk_iothread is a POSIX thread running its own loop.  A device hands
 * its work to an iothread by creating its timers, bottom halves and
 * notifier handlers on that iothread's loop.
 */
#ifndef EMKIT_LOOP_H
#define EMKIT_LOOP_H

#include "emkit/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A time source in nanoseconds. */
typedef struct emk_clock {
    int64_t (*now_ns)(void *opaque);
    void *opaque;
} emk_clock;

/** A virtual clock that only moves when the host says so. */
typedef struct emk_vclock {
    emk_clock clock;      /**< pass &vc->clock to emk_loop_new */
    int64_t now;          /**< current virtual time, ns */
} emk_vclock;

/** Initialises a virtual clock at time start_ns. */
EMK_API void emk_vclock_init(emk_vclock *vc, int64_t start_ns);

/** Host monotonic time in nanoseconds. */
EMK_API int64_t emk_host_now_ns(void);

typedef struct emk_loop emk_loop;

/** Creates a loop on clock (NULL: the host monotonic clock).
 *  Returns NULL on failure and stores a negative errno in *err if err. */
EMK_API emk_loop *emk_loop_new(const emk_clock *clock, int *err);

/** Destroys a loop.  Every timer, bh, fd handler and notifier must be
 *  removed first. */
EMK_API void emk_loop_free(emk_loop *loop);

/** Current time on the loop's clock. */
EMK_API int64_t emk_loop_now(const emk_loop *loop);

/** Runs one iteration: waits up to timeout_ns (<0: forever, 0: poll) for
 *  fds, then runs expired timers and scheduled bottom halves.  Returns the
 *  number of callbacks run, or a negative errno. */
EMK_API int emk_loop_run_once(emk_loop *loop, int64_t timeout_ns);

/** Runs until emk_loop_stop.  Returns 0 or a negative errno. */
EMK_API int emk_loop_run(emk_loop *loop);

/** Makes emk_loop_run return after the current iteration.  Thread-safe. */
EMK_API void emk_loop_stop(emk_loop *loop);

/** Interrupts a blocking emk_loop_run_once.  Thread-safe. */
EMK_API void emk_loop_wake(emk_loop *loop);

/** Runs fn(arg) in the loop's thread and waits for it to return.  If called
 *  from the loop's own thread, runs it directly.  Thread-safe. */
EMK_API int emk_loop_call(emk_loop *loop, void (*fn)(void *arg), void *arg);

/** 1 if the calling thread may act as the loop's thread right now: it is
 *  the loop's thread, or it holds the lock under which a driving host
 *  loop runs the loop (emk_loop_driver.lock_held).  Such a caller may
 *  touch state the loop's thread owns; any other thread must hand the
 *  work over (emk_bh_schedule, emk_loop_call).  Thread-safe. */
EMK_API int emk_loop_in_thread(emk_loop *loop);

/** Declares the calling thread as the loop's thread (done by emk_loop_run
 *  and by iothreads; call it if you drive emk_loop_run_once yourself from
 *  another thread than the creator). */
EMK_API void emk_loop_claim(emk_loop *loop);

/* ---- loops driven by another event loop ---------------------------- */

/** What a loop needs from a host event loop that drives it (QEMU's main
 *  loop or one of its IOThreads, a GUI toolkit's loop, ...).  The host
 *  watches emk_loop_fd() and calls emk_loop_run_once(loop, 0) from its own
 *  thread (after emk_loop_claim there) whenever it is readable, whenever
 *  the earliest timer is due, and again while emk_loop_run_once returns a
 *  positive count. */
typedef struct emk_loop_driver {
    /** Optional.  1 if the calling thread holds the lock under which the
     *  host runs the loop (QEMU's BQL for its main loop).  Such a caller
     *  excludes the loop's thread, so emk_loop_call runs fn at once
     *  instead of waiting for a thread that waits for that lock. */
    int (*lock_held)(void *opaque);
    /** Optional.  The earliest armed timer changed; expire_ns is its
     *  expiry (INT64_MAX: none).  Called on whatever thread changed it. */
    void (*timers_changed)(void *opaque, int64_t expire_ns);
    /** Optional.  Replaces the loop's own wake-up (a write to its eventfd,
     *  which then makes emk_loop_fd readable): the host arranges for
     *  emk_loop_run_once to run soon, e.g. with a bottom half of its own,
     *  which saves the host a poll round trip.  Any thread. */
    void (*kick)(void *opaque);
    void *opaque;
} emk_loop_driver;

/** A file descriptor that becomes readable when the loop has fd events
 *  or wake-ups (bottom halves or calls from other threads) to run, for a
 *  host loop to watch.  -ENOTSUP on the poll() backend. */
EMK_API int emk_loop_fd(const emk_loop *loop);

/** Hands the loop to a host loop (see emk_loop_driver; NULL: detach).  d
 *  is copied.  Call before the loop runs anything, or from its thread. */
EMK_API void emk_loop_set_driver(emk_loop *loop, const emk_loop_driver *d);

/* ---- fd handlers ---------------------------------------------------- */

enum emk_fd_events {
    EMK_FD_READ = 1,
    EMK_FD_WRITE = 2,
    EMK_FD_ERROR = 4
};

typedef struct emk_fd_handler {
    int fd;
    unsigned events;                               /**< EMK_FD_READ|WRITE */
    void (*cb)(void *opaque, unsigned revents);
    void *opaque;
    /* private */
    struct emk_fd_handler *next;
    emk_loop *loop;
} emk_fd_handler;

/** Watches h->fd for h->events.  Thread-safe (see above). */
EMK_API int emk_loop_add_fd(emk_loop *loop, emk_fd_handler *h);
/** Stops watching.  Safe from inside the handler's own callback. */
EMK_API void emk_loop_del_fd(emk_fd_handler *h);

/* ---- timers ---------------------------------------------------------- */

typedef struct emk_timer {
    /* private */
    emk_loop *loop;
    void (*cb)(void *opaque);
    void *opaque;
    int64_t expire_ns;
    int armed;
    struct emk_timer *next;
} emk_timer;

/** Prepares a timer on loop; it does not fire until emk_timer_mod. */
EMK_API void emk_timer_init(emk_timer *t, emk_loop *loop, void (*cb)(void *opaque),
                    void *opaque);
/** (Re)arms the timer to fire once the loop clock reaches expire_ns. */
EMK_API void emk_timer_mod(emk_timer *t, int64_t expire_ns);
/** Disarms the timer (no-op if not armed). */
EMK_API void emk_timer_del(emk_timer *t);
/** 1 if armed, else 0. */
EMK_API int emk_timer_pending(const emk_timer *t);
/** Expiry of the loop's earliest armed timer, or INT64_MAX if none. */
EMK_API int64_t emk_loop_next_timer(const emk_loop *loop);

/* ---- bottom halves ----------------------------------------------------- */

typedef struct emk_bh {
    /* private */
    emk_loop *loop;
    void (*cb)(void *opaque);
    void *opaque;
    int scheduled;
    struct emk_bh *next;
} emk_bh;

/** Prepares a bottom half: a callback run once by the loop after it is
 *  scheduled, outside whatever code scheduled it. */
EMK_API void emk_bh_init(emk_bh *bh, emk_loop *loop, void (*cb)(void *opaque),
                 void *opaque);
/** Schedules the bh (idempotent until it runs).  Thread-safe. */
EMK_API void emk_bh_schedule(emk_bh *bh);
/** Unschedules the bh.  Thread-safe, but a bh already running still
 *  finishes. */
EMK_API void emk_bh_cancel(emk_bh *bh);

/* ---- event notifiers ------------------------------------------------- */

/** A counter-less wake-up: eventfd on Linux, a pipe elsewhere.  The QEMU
 *  adapter hands rfd to memory_region_add_eventfd (ioeventfd). */
typedef struct emk_notifier {
    int rfd;
    int wfd;
    /* private */
    emk_fd_handler h;
    void (*cb)(void *opaque);
    void *opaque;
} emk_notifier;

/** Creates the notifier's fds.  Returns 0 or a negative errno. */
EMK_API int emk_notifier_init(emk_notifier *n);
/** Closes the fds (detach it from its loop first). */
EMK_API void emk_notifier_cleanup(emk_notifier *n);
/** Signals the notifier.  Thread-safe and async-signal-safe. */
EMK_API int emk_notifier_set(emk_notifier *n);
/** Clears the notifier; returns 1 if it was set, else 0. */
EMK_API int emk_notifier_test_and_clear(emk_notifier *n);
/** Runs cb(opaque) in loop whenever the notifier is set (the notifier is
 *  cleared before cb runs).  Thread-safe (see above). */
EMK_API int emk_loop_add_notifier(emk_loop *loop, emk_notifier *n,
                          void (*cb)(void *opaque), void *opaque);
/** Detaches the notifier from its loop. */
EMK_API void emk_loop_del_notifier(emk_notifier *n);

/* ---- iothreads ------------------------------------------------------- */

typedef struct emk_iothread emk_iothread;

/** Starts a thread named name running a new loop on clock (NULL: host). */
EMK_API emk_iothread *emk_iothread_start(const char *name, const emk_clock *clock,
                                 int *err);
/** The iothread's loop. */
EMK_API emk_loop *emk_iothread_loop(emk_iothread *it);
/** Stops the loop, joins the thread and frees everything. */
EMK_API void emk_iothread_stop(emk_iothread *it);

#ifdef __cplusplus
}
#endif

#endif
