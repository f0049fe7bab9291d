/*
 * test_race.c - the NVMe threading model (hw/nvme/nvme_int.h, "Threads
 * and owners") under concurrent guests: regression tests for the
 * hardening findings and a stress test under every loop placement.  Run
 * under ThreadSanitizer in CI (tests/tsan/run.sh), where any data race
 * fails the run; under ASan a use-after-free does.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sched.h>
#include <time.h>

#include "fixture.h"
#include "emkit/loop.h"
#include "compat.h"

enum { DB = 0x1000, QS = 64 };

/* ---- helpers ------------------------------------------------------------ */

static uint16_t admin(fx *f, uint8_t op, uint32_t c10, uint32_t c11,
                      uint64_t prp1, uint64_t prp2)
{
    uint8_t cmd[64];
    emk_nvme_cqe c;

    emk_nvme_cmd_init(cmd, op, 0);
    emk_nvme_cmd_dptr(cmd, prp1, prp2);
    emk_nvme_cmd_dw(cmd, 10, c10);
    emk_nvme_cmd_dw(cmd, 11, c11);
    if (emk_nvme_drv_exec(&f->d, &f->d.admin, cmd, &c))
        return 0xffff;
    return c.status;
}

/* Zeroes n shadow doorbell and EventIdx words. */
static void zero_words(fx *f, uint64_t dbs, uint64_t eis, unsigned n)
{
    uint32_t *a = (uint32_t *)(void *)fx_ram(f, dbs, 4ull * n);
    uint32_t *b = (uint32_t *)(void *)fx_ram(f, eis, 4ull * n);
    unsigned i;

    for (i = 0; i < n; i++) {
        emk_store_release_u32(&a[i], 0);
        emk_store_release_u32(&b[i], 0);
    }
}

/* Deletes and re-creates I/O queue pair 1 where the driver left it. */
static int recreate_q1(fx *f)
{
    emk_nvme_drv_q *q = &f->d.io[0];
    uint16_t a, b, c, e;

    a = admin(f, 0x00, 1, 0, 0, 0);
    b = admin(f, 0x04, 1, 0, 0, 0);
    memset(q->cq, 0, 16u * q->size);
    c = admin(f, 0x05, ((uint32_t)(q->size - 1) << 16) | 1, (1u << 16) | 3,
              q->cq_gpa, 0);
    e = admin(f, 0x01, ((uint32_t)(q->size - 1) << 16) | 1, (1u << 16) | 1,
              q->sq_gpa, 0);
    q->sq_tail = q->sq_head = q->cq_head = 0;
    q->phase = 1;
    q->outstanding = 0;
    if (f->d.shadow_on)            /* 32-bit stores, as a driver makes */
        zero_words(f, f->d.dbs_gpa + 8, f->d.eis_gpa + 8, 2);
    return a || b || c || e ? -1 : 0;
}

/* A loop blocked in a bottom half until released: shows which thread
 * does a piece of work. */
typedef struct gate {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int entered, open;
    emk_bh bh;
} gate;

static void gate_bh(void *opaque)
{
    gate *g = opaque;

    pthread_mutex_lock(&g->lock);
    g->entered = 1;
    pthread_cond_broadcast(&g->cond);
    while (!g->open)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
}

static void gate_close(gate *g, emk_loop *loop)
{
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->cond, NULL);
    g->entered = g->open = 0;
    emk_bh_init(&g->bh, loop, gate_bh, g);
    emk_bh_schedule(&g->bh);
    pthread_mutex_lock(&g->lock);
    while (!g->entered)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
}

static void gate_open(gate *g)
{
    pthread_mutex_lock(&g->lock);
    g->open = 1;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
}

static int cqe_posted(emk_nvme_drv_q *q)
{
    const uint8_t *e = q->cq + 16u * q->cq_head;

    return (e[14] & 1) == q->phase;
}

static void sleep_ms(long ms)
{
    struct timespec ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* ---- finding 2: no queue work on a thread that does not own it --------- */

static emk_iothread *dev_thread;

static void shadow_only(emk_nvme_options *o)
{
    o->shadow_doorbells = 1;
}

static void shadow_notifiers(emk_nvme_options *o)
{
    o->shadow_doorbells = 1;
    o->notifier_doorbells = 1;
}

/* The fixture with the controller's own loop in an iothread: the
 * controller's shadow doorbells and notifiers as setup says, the driver's
 * shadow use as drv_shadow says. */
static void start_dev_iothread(fx *f, int niothreads,
                               void (*setup)(emk_nvme_options *o),
                               int drv_shadow)
{
    int err = 0;

    dev_thread = emk_iothread_start("nvme-dev", NULL, &err);
    assert_non_null(dev_thread);
    fx_start_drv_on(f, setup, niothreads, 1, drv_shadow,
                    emk_iothread_loop(dev_thread));
}

static void stop_dev_iothread(fx *f)
{
    fx_stop(f);
    emk_iothread_stop(dev_thread);
    dev_thread = NULL;
}

/* The admin queue belongs to the controller's loop: a doorbell rung on
 * another thread must not process it there (it did: nvme_sq_kick ran the
 * queue inline whenever there were no I/O iothreads). */
static void test_admin_doorbell_runs_in_owner(void **state)
{
    fx f;
    gate g;
    uint8_t cmd[64];
    emk_nvme_cqe c;
    int i;

    (void)state;
    start_dev_iothread(&f, 0, NULL, 0);
    gate_close(&g, emk_iothread_loop(dev_thread));
    emk_nvme_cmd_init(cmd, 0x0a, 0);           /* Get Features: arbitration */
    emk_nvme_cmd_dw(cmd, 10, 0x01);
    assert_true(emk_nvme_drv_queue_cmd(&f.d, &f.d.admin, cmd) >= 0);
    emk_nvme_drv_ring(&f.d, &f.d.admin);
    sleep_ms(20);
    assert_false(cqe_posted(&f.d.admin));   /* its owner is blocked */
    gate_open(&g);
    for (i = 0; i < 2000000 && emk_nvme_drv_reap(&f.d, &f.d.admin, &c, 1) == 0; i++)
        sched_yield();
    assert_int_equal(c.status, 0);
    stop_dev_iothread(&f);
}

/* The same for an I/O queue whose owner is an iothread, rung by MMIO. */
static void test_io_doorbell_runs_in_owner(void **state)
{
    fx f;
    gate g;
    uint8_t cmd[64];
    emk_nvme_cqe c;
    int i;

    (void)state;
    start_dev_iothread(&f, 1, NULL, 0);
    gate_close(&g, f.o.iothreads[0]);
    emk_nvme_cmd_init(cmd, 0x00, 1);           /* Flush */
    assert_true(emk_nvme_drv_queue_cmd(&f.d, &f.d.io[0], cmd) >= 0);
    emk_nvme_drv_ring(&f.d, &f.d.io[0]);
    sleep_ms(20);
    assert_false(cqe_posted(&f.d.io[0]));
    assert_int_equal(emk_nvme_inflight(f.n), 0);  /* not even fetched */
    gate_open(&g);
    for (i = 0; i < 2000000 && emk_nvme_drv_reap(&f.d, &f.d.io[0], &c, 1) == 0; i++)
        sched_yield();
    assert_int_equal(c.status, 0);
    stop_dev_iothread(&f);
}

/* The reproducer's schedule: a Write on SQ1, then Delete SQ1 and two
 * Doorbell Buffer Configs in one admin doorbell, with the device loop in
 * an iothread.  Every command completes exactly once. */
static void test_delete_with_dbbuf_storm(void **state)
{
    fx f;
    uint64_t dbs, eis;
    int iter, writes_done = 0;

    (void)state;
    start_dev_iothread(&f, 0, shadow_only, 0);  /* the driver rings MMIO */
    dbs = emk_tm_alloc(f.tm, FX_PAGE, FX_PAGE);
    eis = emk_tm_alloc(f.tm, FX_PAGE, FX_PAGE);
    for (iter = 0; iter < 200; iter++) {
        uint8_t cmd[64];
        emk_nvme_cqe c[4];
        int k, got = 0, gotio = 0;
        long spins;

        emk_nvme_cmd_rw(cmd, 0x01, 1, 0, 1, f.buf, 0);
        assert_true(emk_nvme_drv_queue_cmd(&f.d, &f.d.io[0], cmd) >= 0);
        emk_nvme_drv_ring(&f.d, &f.d.io[0]);
        emk_nvme_cmd_init(cmd, 0x00, 0);
        emk_nvme_cmd_dw(cmd, 10, 1);
        if (emk_nvme_drv_queue_cmd(&f.d, &f.d.admin, cmd) < 0)
            print_message("iter %d: admin tail %u head %u out %u size %u\n", iter,
                          f.d.admin.sq_tail, f.d.admin.sq_head,
                          f.d.admin.outstanding, f.d.admin.size);
        for (k = 0; k < 2; k++) {
            emk_nvme_cmd_init(cmd, 0x7c, 0);
            emk_nvme_cmd_dptr(cmd, dbs, eis);
            assert_true(emk_nvme_drv_queue_cmd(&f.d, &f.d.admin, cmd) >= 0);
        }
        emk_nvme_drv_ring(&f.d, &f.d.admin);
        /* the Write is fetched before the Delete SQ or not at all: NVMe
         * orders nothing across queues (the reproducer saw double
         * destroys or lost admin completions here) */
        for (spins = 0; got < 3 && spins < 4000000; spins++) {
            got += emk_nvme_drv_reap(&f.d, &f.d.admin, &c[got], 1);
            if (!gotio)
                gotio += emk_nvme_drv_reap(&f.d, &f.d.io[0], &c[3], 1);
            if (spins & 15)
                sched_yield();
        }
        assert_int_equal(got, 3);
        for (spins = 0; !gotio && spins < 1000; spins++)
            gotio += emk_nvme_drv_reap(&f.d, &f.d.io[0], &c[3], 1);
        assert_int_equal(emk_nvme_inflight(f.n), 0);
        if (gotio)
            assert_int_equal(c[3].status, 0);
        writes_done += gotio;
        for (k = 0; k < 3; k++)
            assert_int_equal(c[k].status, 0);
        /* SQ 1 again on CQ 1 */
        f.d.io[0].sq_tail = f.d.io[0].sq_head = 0;
        f.d.io[0].outstanding = 0;
        assert_int_equal(admin(&f, 0x01, ((QS - 1u) << 16) | 1, (1u << 16) | 1,
                               f.d.io[0].sq_gpa, 0), 0);
        zero_words(&f, dbs, eis, FX_PAGE / 4);
    }
    print_message("200 rounds, %d writes fetched before their SQ's deletion\n",
                  writes_done);
    stop_dev_iothread(&f);
}

/* ---- finding 7: a second Delete SQ while the first waits --------------- */

static void test_delete_sq_twice(void **state)
{
    fx f;
    uint8_t cmd[64];
    emk_nvme_cqe c[2];
    int i, got = 0, ok = 0, bad = 0;

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 0);
    for (i = 0; i < 4; i++) {                  /* stays in flight: RAM */
        emk_nvme_cmd_rw(cmd, 0x01, 1, (uint64_t)i * 8, 8, f.buf, 0);
        assert_true(emk_nvme_drv_queue_cmd(&f.d, &f.d.io[0], cmd) >= 0);
    }                                          /* completions are BHs */
    emk_nvme_drv_ring(&f.d, &f.d.io[0]);
    assert_true(emk_nvme_inflight(f.n) > 0);
    for (i = 0; i < 2; i++) {
        emk_nvme_cmd_init(cmd, 0x00, 0);
        emk_nvme_cmd_dw(cmd, 10, 1);
        assert_true(emk_nvme_drv_queue_cmd(&f.d, &f.d.admin, cmd) >= 0);
    }
    emk_nvme_drv_ring(&f.d, &f.d.admin);
    for (i = 0; i < 1000 && got < 2; i++)
        got += emk_nvme_drv_reap(&f.d, &f.d.admin, &c[got], 1);
    assert_int_equal(got, 2);                  /* neither is lost */
    for (i = 0; i < 2; i++) {
        ok += c[i].status == 0;
        bad += (c[i].status & 0x3ff) == 0x101;  /* Invalid Queue Identifier */
    }
    assert_int_equal(ok, 1);
    assert_int_equal(bad, 1);
    assert_int_equal(emk_nvme_inflight(f.n), 0);
    fx_stop(&f);
}

/* ---- finding 5: the shadow buffer must be plain RAM --------------------- */


static void test_dbbuf_not_ram_refused(void **state)
{
    fx f;

    (void)state;
    fx_start(&f, shadow_only, 0);
    {
        emk_nvme_drv_opts o;
        memset(&o, 0, sizeof(o));
        o.nioq = 1;
        o.shadow = 0;
        assert_int_equal(emk_nvme_drv_init(&f.d, f.tm, FX_BAR, &o), 0);
    }
    assert_int_equal(admin(&f, 0x7c, 0, 0, FX_BAR, f.buf) & 0x3ff, 0x002);
    assert_int_equal(admin(&f, 0x7c, 0, 0, f.buf, 0x80000000ull) & 0x3ff,
                     0x002);
    assert_int_equal(admin(&f, 0x7c, 0, 0, f.buf, f.buf + FX_PAGE), 0);
    /* and a second configuration moves the queues over */
    assert_int_equal(admin(&f, 0x7c, 0, 0, f.buf + 2 * FX_PAGE,
                           f.buf + 3 * FX_PAGE), 0);
    fx_stop(&f);
}

/* ---- stress: every loop placement ---------------------------------------- */

typedef struct stress {
    fx *f;
    int stop;
    unsigned long resyncs;
} stress;

typedef struct hammer_arg {
    stress *s;
    unsigned long rings;
} hammer_arg;

/* Rings queue 1's SQ and CQ doorbells as fast as it can, with values in
 * and out of range, and the shadow doorbells' notifiers too. */
static void *hammer(void *arg)
{
    hammer_arg *h = arg;
    stress *s = h->s;
    uint32_t v = 0;

    while (!emk_load_acquire_int(&s->stop)) {
        fx_wr32(s->f, DB + 8 + 4, v % 70u);    /* CQ1 head */
        fx_wr32(s->f, DB + 8, v % 70u);        /* SQ1 tail */
        fx_wr32(s->f, DB + 16, 0);             /* SQ2: no such queue */
        v++;
        __atomic_fetch_add(&h->rings, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

/* MSI-X table writes end in emk_nvme_irq_resync. */
static void *resyncer(void *arg)
{
    stress *s = arg;

    while (!emk_load_acquire_int(&s->stop)) {
        emk_nvme_irq_resync(s->f->n);
        __atomic_fetch_add(&s->resyncs, 1, __ATOMIC_RELAXED);
        sched_yield();
    }
    return NULL;
}

static void stress_run(fx *f, int rounds)
{
    stress s;
    hammer_arg h[2];
    pthread_t th[3];
    uint64_t dbs = f->d.shadow_on ? f->d.dbs_gpa : 0, eis = f->d.eis_gpa;
    int i, k, failures = 0;

    memset(&s, 0, sizeof(s));
    s.f = f;
    for (k = 0; k < 2; k++) {
        h[k].s = &s;
        h[k].rings = 0;
        assert_int_equal(pthread_create(&th[k], NULL, hammer, &h[k]), 0);
    }
    assert_int_equal(pthread_create(&th[2], NULL, resyncer, &s), 0);
    /* every thread busy at once: at least `rounds` admin rounds, and on
     * until each hammer has rung 1000 times and the resyncer has run
     * (bounded, for a machine that never gives them a core) */
    for (i = 0; i < rounds || (i < 100 * rounds &&
         (__atomic_load_n(&h[0].rings, __ATOMIC_RELAXED) < 1000 ||
          __atomic_load_n(&h[1].rings, __ATOMIC_RELAXED) < 1000 ||
          __atomic_load_n(&s.resyncs, __ATOMIC_RELAXED) == 0)); i++) {
        failures += recreate_q1(f) != 0;
        if (dbs && i % 4 == 0)                 /* swap shadow pages */
            failures += admin(f, 0x7c, 0, 0, dbs, eis) != 0;
        if (i % 16 == 15) {                    /* reset and start over */
            emk_nvme_drv_opts o = f->d.opts;
            failures += emk_nvme_drv_init(&f->d, f->tm, FX_BAR, &o) != 0;
        }
    }
    emk_store_release_int(&s.stop, 1);
    for (k = 0; k < 3; k++)
        pthread_join(th[k], NULL);
    /* guest-induced errors are fine; the controller must still work */
    (void)failures;
    {
        emk_nvme_drv_opts o = f->d.opts;
        assert_int_equal(emk_nvme_drv_init(&f->d, f->tm, FX_BAR, &o), 0);
        fx_pattern(f, f->buf, 4096, 7);
        assert_int_equal(emk_nvme_drv_io(&f->d, &f->d.io[0], 0x01, 1, 0, 8,
                                         f->buf, 0), 0);
        memset(fx_ram(f, f->buf + 8192, 4096), 0, 4096);
        assert_int_equal(emk_nvme_drv_io(&f->d, &f->d.io[0], 0x02, 1, 0, 8,
                                         f->buf + 8192, 0), 0);
        assert_memory_equal(fx_ram(f, f->buf, 4096),
                            fx_ram(f, f->buf + 8192, 4096), 4096);
    }
    print_message("stress: %d admin rounds, %lu doorbell rounds, %lu resyncs\n",
                  i, h[0].rings + h[1].rings, s.resyncs);
}

/* One loop placement: the controller here or in an iothread, I/O queues
 * on it or on niothreads iothreads of their own; shadow doorbells with
 * notifiers everywhere (finding 1's configuration). */
static void stress_placement(int dev_iothread, int niothreads)
{
    fx f;

    if (dev_iothread)
        start_dev_iothread(&f, niothreads, shadow_notifiers, 1);
    else
        fx_start_drv(&f, shadow_notifiers, niothreads, 1, 1);
    stress_run(&f, 120);
    if (dev_iothread)
        stop_dev_iothread(&f);
    else
        fx_stop(&f);
}

static void test_stress_main_loop(void **state)
{
    (void)state;
    stress_placement(0, 0);
}

static void test_stress_io_iothreads(void **state)
{
    (void)state;
    stress_placement(0, 2);
}

static void test_stress_dev_iothread(void **state)   /* finding 2's */
{
    (void)state;
    stress_placement(1, 0);
}

static void test_stress_all_iothreads(void **state)
{
    (void)state;
    stress_placement(1, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_admin_doorbell_runs_in_owner),
        cmocka_unit_test(test_io_doorbell_runs_in_owner),
        cmocka_unit_test(test_delete_with_dbbuf_storm),
        cmocka_unit_test(test_delete_sq_twice),
        cmocka_unit_test(test_dbbuf_not_ram_refused),
        cmocka_unit_test(test_stress_main_loop),
        cmocka_unit_test(test_stress_io_iothreads),
        cmocka_unit_test(test_stress_dev_iothread),
        cmocka_unit_test(test_stress_all_iothreads),
    };
    if (getenv("EMK_TEST_FILTER"))     /* e.g. EMK_TEST_FILTER='*stress*' */
        cmocka_set_test_filter(getenv("EMK_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
