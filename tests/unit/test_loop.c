/* test_loop.c - timers on a virtual clock, bottom halves, notifiers, fd
 * handlers, cross-thread wake-ups, emk_loop_call and iothreads. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>

#include "emkit/loop.h"

typedef struct rec {
    int order[16];
    int n;
} rec;

typedef struct tctx {
    rec *r;
    int id;
    emk_timer *rearm;
    int64_t period;
} tctx;

static void tcb(void *opaque)
{
    tctx *c = (tctx *)opaque;
    c->r->order[c->r->n++] = c->id;
    if (c->rearm)
        emk_timer_mod(c->rearm, emk_loop_now(c->rearm->loop) + c->period);
}

static void timers_fire_in_order(void **state)
{
    emk_vclock vc;
    emk_loop *loop;
    emk_timer t[3];
    tctx c[3];
    rec r;
    int i;

    (void)state;
    memset(&r, 0, sizeof(r));
    emk_vclock_init(&vc, 1000);
    loop = emk_loop_new(&vc.clock, NULL);
    assert_non_null(loop);
    for (i = 0; i < 3; i++) {
        c[i].r = &r;
        c[i].id = i;
        c[i].rearm = NULL;
        emk_timer_init(&t[i], loop, tcb, &c[i]);
    }
    emk_timer_mod(&t[0], 3000);
    emk_timer_mod(&t[1], 2000);
    emk_timer_mod(&t[2], 2500);
    assert_int_equal(emk_loop_next_timer(loop), 2000);
    emk_timer_mod(&t[2], 5000); /* re-arming moves it */
    emk_timer_del(&t[0]);
    assert_int_equal(emk_timer_pending(&t[0]), 0);
    assert_int_equal(emk_loop_run_once(loop, 0), 0); /* nothing due at 1000 */
    vc.now = 2000;
    assert_int_equal(emk_loop_run_once(loop, 0), 1);
    vc.now = 4999;
    assert_int_equal(emk_loop_run_once(loop, 0), 0);
    vc.now = 6000;
    assert_int_equal(emk_loop_run_once(loop, 0), 1);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.order[0], 1);
    assert_int_equal(r.order[1], 2);
    assert_int_equal(emk_loop_next_timer(loop), INT64_MAX);
    emk_loop_free(loop);
}

static void periodic_timer(void **state)
{
    emk_vclock vc;
    emk_loop *loop;
    emk_timer t;
    tctx c;
    rec r;
    (void)state;
    memset(&r, 0, sizeof(r));
    emk_vclock_init(&vc, 0);
    loop = emk_loop_new(&vc.clock, NULL);
    c.r = &r; c.id = 7; c.rearm = &t; c.period = 100;
    emk_timer_init(&t, loop, tcb, &c);
    emk_timer_mod(&t, 100);
    while (vc.now < 1000) {
        vc.now = emk_loop_next_timer(loop);
        emk_loop_run_once(loop, 0);
    }
    assert_int_equal(r.n, 10);
    emk_timer_del(&t);
    emk_loop_free(loop);
}

static void host_clock_timer_wakes_poll(void **state)
{
    emk_loop *loop = emk_loop_new(NULL, NULL);
    emk_timer t;
    tctx c;
    rec r;
    int64_t t0;
    (void)state;
    memset(&r, 0, sizeof(r));
    c.r = &r; c.id = 1; c.rearm = NULL;
    emk_timer_init(&t, loop, tcb, &c);
    t0 = emk_host_now_ns();
    emk_timer_mod(&t, t0 + 2000000);
    /* a blocking iteration must return once the timer is due */
    while (r.n == 0)
        emk_loop_run_once(loop, -1);
    assert_true(emk_host_now_ns() - t0 >= 2000000);
    emk_loop_free(loop);
}

typedef struct bhctx {
    emk_bh *self;
    int runs;
    int resched;
} bhctx;

static void bhcb(void *opaque)
{
    bhctx *c = (bhctx *)opaque;
    c->runs++;
    if (c->resched-- > 0)
        emk_bh_schedule(c->self);
}

static void bottom_halves(void **state)
{
    emk_loop *loop = emk_loop_new(NULL, NULL);
    emk_bh a, b;
    bhctx ca = {&a, 0, 0}, cb = {&b, 0, 3};
    (void)state;
    emk_bh_init(&a, loop, bhcb, &ca);
    emk_bh_init(&b, loop, bhcb, &cb);
    emk_bh_schedule(&a);
    emk_bh_schedule(&a); /* idempotent */
    emk_bh_schedule(&b);
    assert_int_equal(emk_loop_run_once(loop, 0), 2);
    assert_int_equal(ca.runs, 1);
    /* a self-rescheduling bh runs once per iteration, not forever */
    assert_int_equal(cb.runs, 1);
    assert_int_equal(emk_loop_run_once(loop, 0), 1);
    assert_int_equal(cb.runs, 2);
    emk_bh_cancel(&b);
    assert_int_equal(emk_loop_run_once(loop, 0), 0);
    emk_bh_schedule(&a);
    emk_bh_cancel(&a);
    assert_int_equal(emk_loop_run_once(loop, 0), 0);
    assert_int_equal(ca.runs, 1);
    emk_loop_free(loop);
}

/* Counts firings; atomic because an iothread may fire it while the test
 * thread watches. */
static void ncb(void *opaque)
{
    __atomic_fetch_add((int *)opaque, 1, __ATOMIC_RELEASE);
}

static int hits_now(int *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void notifiers(void **state)
{
    emk_loop *loop = emk_loop_new(NULL, NULL);
    emk_notifier n;
    int hits = 0;
    (void)state;
    assert_int_equal(emk_notifier_init(&n), 0);
    assert_int_equal(emk_notifier_test_and_clear(&n), 0);
    emk_notifier_set(&n);
    emk_notifier_set(&n);
    assert_int_equal(emk_notifier_test_and_clear(&n), 1);
    assert_int_equal(emk_notifier_test_and_clear(&n), 0);
    assert_int_equal(emk_loop_add_notifier(loop, &n, ncb, &hits), 0);
    assert_int_equal(emk_loop_run_once(loop, 0), 0);
    emk_notifier_set(&n);
    emk_notifier_set(&n); /* coalesces into one callback */
    assert_int_equal(emk_loop_run_once(loop, 0), 1);
    assert_int_equal(hits, 1);
    emk_loop_del_notifier(&n);
    emk_notifier_set(&n);
    assert_int_equal(emk_loop_run_once(loop, 0), 0);
    emk_notifier_cleanup(&n);
    emk_loop_free(loop);
}

typedef struct fdctx {
    emk_fd_handler *h[2];
    int calls;
} fdctx;

static void fd_cb(void *opaque, unsigned ev)
{
    fdctx *c = (fdctx *)opaque;
    c->calls++;
    assert_true(ev & EMK_FD_READ);
    /* remove both handlers, including the one not yet run */
    emk_loop_del_fd(c->h[0]);
    emk_loop_del_fd(c->h[1]);
}

static void fd_removed_inside_callback(void **state)
{
    emk_loop *loop = emk_loop_new(NULL, NULL);
    int p1[2], p2[2];
    emk_fd_handler h1, h2;
    fdctx c;
    (void)state;
    assert_int_equal(pipe(p1), 0);
    assert_int_equal(pipe(p2), 0);
    memset(&c, 0, sizeof(c));
    memset(&h1, 0, sizeof(h1));
    memset(&h2, 0, sizeof(h2));
    h1.fd = p1[0]; h1.events = EMK_FD_READ; h1.cb = fd_cb; h1.opaque = &c;
    h2.fd = p2[0]; h2.events = EMK_FD_READ; h2.cb = fd_cb; h2.opaque = &c;
    c.h[0] = &h1;
    c.h[1] = &h2;
    assert_int_equal(emk_loop_add_fd(loop, &h1), 0);
    assert_int_equal(emk_loop_add_fd(loop, &h2), 0);
    assert_int_equal(emk_loop_add_fd(loop, &h2), -EBUSY);
    assert_int_equal(write(p1[1], "x", 1), 1);
    assert_int_equal(write(p2[1], "x", 1), 1);
    emk_loop_run_once(loop, 0);
    assert_int_equal(c.calls, 1);
    close(p1[0]); close(p1[1]); close(p2[0]); close(p2[1]);
    emk_loop_free(loop);
}

typedef struct xctx {
    emk_loop *loop;
    emk_bh *bh;
} xctx;

static void *sched_later(void *opaque)
{
    xctx *x = (xctx *)opaque;
    usleep(20000);
    emk_bh_schedule(x->bh);
    return NULL;
}

static void cross_thread_wakeup(void **state)
{
    emk_loop *loop = emk_loop_new(NULL, NULL);
    emk_bh bh;
    bhctx c = {&bh, 0, 0};
    xctx x;
    pthread_t t;
    (void)state;
    emk_bh_init(&bh, loop, bhcb, &c);
    x.loop = loop;
    x.bh = &bh;
    assert_int_equal(pthread_create(&t, NULL, sched_later, &x), 0);
    /* blocks forever unless the other thread's schedule wakes the poll */
    while (c.runs == 0)
        emk_loop_run_once(loop, -1);
    pthread_join(t, NULL);
    assert_int_equal(c.runs, 1);
    emk_loop_free(loop);
}

typedef struct callctx {
    pthread_t seen;
    int n;
} callctx;

static void record_thread(void *arg)
{
    callctx *c = (callctx *)arg;
    c->seen = pthread_self();
    c->n++;
}

static void iothread_call_and_notify(void **state)
{
    int err = 0;
    emk_iothread *it = emk_iothread_start("t", NULL, &err);
    callctx c;
    emk_notifier n;
    int hits = 0;
    int i;
    (void)state;
    assert_non_null(it);
    memset(&c, 0, sizeof(c));
    assert_int_equal(emk_loop_call(emk_iothread_loop(it), record_thread, &c), 0);
    assert_int_equal(c.n, 1);
    assert_false(pthread_equal(c.seen, pthread_self()));
    /* a notifier attached from this thread fires in the iothread */
    assert_int_equal(emk_notifier_init(&n), 0);
    assert_int_equal(emk_loop_add_notifier(emk_iothread_loop(it), &n, ncb, (void *)&hits), 0);
    emk_notifier_set(&n);
    for (i = 0; i < 5000 && hits_now(&hits) == 0; i++)
        usleep(1000);
    assert_int_equal(hits_now(&hits), 1);
    emk_loop_del_notifier(&n);
    emk_notifier_cleanup(&n);
    /* emk_loop_call on one's own loop runs inline */
    {
        emk_loop *l = emk_loop_new(NULL, NULL);
        assert_int_equal(emk_loop_call(l, record_thread, &c), 0);
        assert_true(pthread_equal(c.seen, pthread_self()));
        emk_loop_free(l);
    }
    emk_iothread_stop(it);
}

static void *stopper(void *opaque)
{
    usleep(10000);
    emk_loop_stop((emk_loop *)opaque);
    return NULL;
}

static void stop_from_other_thread(void **state)
{
    emk_loop *loop = emk_loop_new(NULL, NULL);
    pthread_t t;
    (void)state;
    assert_int_equal(pthread_create(&t, NULL, stopper, loop), 0);
    assert_int_equal(emk_loop_run(loop), 0);
    pthread_join(t, NULL);
    emk_loop_free(loop);
}

/* ---- a loop driven by a host loop (emk_loop_driver) ------------------ */

typedef struct host {
    emk_loop *loop;
    pthread_mutex_t big;        /* the host's "BQL": held while dispatching */
    pthread_mutex_t meta;
    pthread_t holder;
    int held;
    int64_t timer_at;           /* from timers_changed; INT64_MAX: none */
    int changes;
    int kicks;
    int stop;
    int dispatches;
} host;

static void host_lock(host *h)
{
    pthread_mutex_lock(&h->big);
    pthread_mutex_lock(&h->meta);
    h->holder = pthread_self();
    h->held = 1;
    pthread_mutex_unlock(&h->meta);
}

static void host_unlock(host *h)
{
    pthread_mutex_lock(&h->meta);
    h->held = 0;
    pthread_mutex_unlock(&h->meta);
    pthread_mutex_unlock(&h->big);
}

static int host_lock_held(void *opaque)
{
    host *h = (host *)opaque;
    int mine;

    pthread_mutex_lock(&h->meta);
    mine = h->held && pthread_equal(h->holder, pthread_self());
    pthread_mutex_unlock(&h->meta);
    return mine;
}

static void host_timers_changed(void *opaque, int64_t expire_ns)
{
    host *h = (host *)opaque;

    pthread_mutex_lock(&h->meta);
    h->timer_at = expire_ns;
    h->changes++;
    pthread_mutex_unlock(&h->meta);
}

static void host_kick(void *opaque)
{
    host *h = (host *)opaque;

    pthread_mutex_lock(&h->meta);
    h->kicks++;
    pthread_mutex_unlock(&h->meta);
}

/* The host loop: poll() on emk_loop_fd with the emkit timer as timeout,
 * then dispatch with the big lock, until stop. */
static void *host_thread(void *opaque)
{
    host *h = (host *)opaque;
    struct pollfd pfd;
    int stop = 0;

    host_lock(h);
    emk_loop_claim(h->loop);
    host_unlock(h);
    while (!stop) {
        int64_t at, now;
        int ms = 5;

        pthread_mutex_lock(&h->meta);
        at = h->timer_at;
        stop = h->stop;
        pthread_mutex_unlock(&h->meta);
        now = emk_loop_now(h->loop);
        if (at != INT64_MAX)
            ms = at <= now ? 0 : (int)((at - now) / 1000000 + 1);
        if (ms > 5)
            ms = 5;                     /* to notice stop */
        pfd.fd = emk_loop_fd(h->loop);
        pfd.events = POLLIN;
        pfd.revents = 0;
        (void)poll(&pfd, 1, ms);
        host_lock(h);
        while (emk_loop_run_once(h->loop, 0) > 0)
            ;
        h->dispatches++;
        host_unlock(h);
    }
    return NULL;
}

static void set_flag(void *opaque)
{
    *(int *)opaque = 1;
}

/* reads *p under the host's big lock (the host thread writes it there) */
static int host_read(host *h, const int *p)
{
    int v;

    host_lock(h);
    v = *p;
    host_unlock(h);
    return v;
}

static void arm_timer(void *arg)
{
    emk_timer *t = (emk_timer *)arg;
    emk_timer_mod(t, emk_loop_now(t->loop) + 2000000);
}

static void driven_by_host_loop(void **state)
{
    emk_loop *loop = emk_loop_new(NULL, NULL);
    emk_loop_driver d;
    host h;
    pthread_t t;
    emk_bh bh;
    bhctx c = {&bh, 0, 0};
    emk_timer tm;
    int fired = 0, i;
    callctx cc;
    struct pollfd pfd;
    (void)state;

    if (emk_loop_fd(loop) < 0) {            /* the poll() backend */
        assert_int_equal(emk_loop_fd(loop), -ENOTSUP);
        emk_loop_free(loop);
        return;
    }
    /* the owner scheduling outside emk_loop_run_once must make the fd
     * readable: a host loop would otherwise never run the bh */
    emk_bh_init(&bh, loop, bhcb, &c);
    emk_bh_schedule(&bh);
    pfd.fd = emk_loop_fd(loop);
    pfd.events = POLLIN;
    pfd.revents = 0;
    assert_int_equal(poll(&pfd, 1, 0), 1);
    emk_loop_run_once(loop, 0);
    assert_int_equal(c.runs, 1);

    memset(&h, 0, sizeof(h));
    h.loop = loop;
    h.timer_at = INT64_MAX;
    pthread_mutex_init(&h.big, NULL);
    pthread_mutex_init(&h.meta, NULL);
    memset(&d, 0, sizeof(d));
    d.lock_held = host_lock_held;
    d.timers_changed = host_timers_changed;
    d.kick = host_kick;
    d.opaque = &h;
    emk_loop_set_driver(loop, &d);
    assert_int_equal(pthread_create(&t, NULL, host_thread, &h), 0);

    /* a bh scheduled from here kicks the host (no eventfd write) and runs
     * on the host thread */
    emk_bh_schedule(&bh);
    pthread_mutex_lock(&h.meta);
    assert_int_equal(h.kicks, 1);
    pthread_mutex_unlock(&h.meta);
    for (i = 0; i < 5000 && host_read(&h, &c.runs) < 2; i++)
        usleep(1000);
    assert_int_equal(host_read(&h, &c.runs), 2);

    /* without the big lock, a call waits for the host thread */
    memset(&cc, 0, sizeof(cc));
    assert_int_equal(emk_loop_call(loop, record_thread, &cc), 0);
    assert_int_equal(cc.n, 1);
    assert_false(pthread_equal(cc.seen, pthread_self()));
    /* holding it, the call runs here at once (the host thread is kept out;
     * waiting for it would deadlock) */
    host_lock(&h);
    assert_int_equal(emk_loop_call(loop, record_thread, &cc), 0);
    assert_int_equal(cc.n, 2);
    assert_true(pthread_equal(cc.seen, pthread_self()));
    /* a timer armed under the lock reaches the host through
     * timers_changed, and the host fires it */
    emk_timer_init(&tm, loop, set_flag, &fired);
    arm_timer(&tm);
    pthread_mutex_lock(&h.meta);
    assert_int_equal(h.changes, 1);
    assert_true(h.timer_at == tm.expire_ns);
    pthread_mutex_unlock(&h.meta);
    host_unlock(&h);
    for (i = 0; i < 5000 && !host_read(&h, &fired); i++)
        usleep(1000);
    assert_int_equal(host_read(&h, &fired), 1);

    pthread_mutex_lock(&h.meta);
    h.stop = 1;
    pthread_mutex_unlock(&h.meta);
    pthread_join(t, NULL);
    assert_true(h.dispatches > 0);
    emk_loop_set_driver(loop, NULL);
    emk_loop_claim(loop);
    emk_loop_free(loop);
    pthread_mutex_destroy(&h.big);
    pthread_mutex_destroy(&h.meta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(timers_fire_in_order),
        cmocka_unit_test(periodic_timer),
        cmocka_unit_test(host_clock_timer_wakes_poll),
        cmocka_unit_test(bottom_halves),
        cmocka_unit_test(notifiers),
        cmocka_unit_test(fd_removed_inside_callback),
        cmocka_unit_test(cross_thread_wakeup),
        cmocka_unit_test(iothread_call_and_notify),
        cmocka_unit_test(stop_from_other_thread),
        cmocka_unit_test(driven_by_host_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
