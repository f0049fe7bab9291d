/* test_loop.c - timers on a virtual clock, bottom halves, notifiers, fd
 * handlers, cross-thread wake-ups, emk_loop_call and iothreads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
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

static void ncb(void *opaque)
{
    (*(int *)opaque)++;
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
    volatile int hits = 0;
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
    for (i = 0; i < 5000 && hits == 0; i++)
        usleep(1000);
    assert_int_equal(hits, 1);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
