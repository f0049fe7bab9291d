/* test_sblk_race.c - the template device under concurrency: atomic
 * write-1-to-clear against completions in an iothread, request latching at
 * the doorbell, and reset with a request in flight. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "emkit/testmachine.h"
#include "emkit/sblk.h"

enum { BASE = 0x10000000, LINE = 3 };

static uint64_t rd(emk_tm *tm, unsigned reg, unsigned size)
{
    uint64_t v = 0;
    assert_int_equal(emk_tm_mmio_read(tm, BASE + reg, size, &v), 0);
    return v;
}

static void wr(emk_tm *tm, unsigned reg, unsigned size, uint64_t v)
{
    assert_int_equal(emk_tm_mmio_write(tm, BASE + reg, size, v), 0);
}

/* A machine with the device mapped at BASE, its work in loop (NULL: the
 * machine's loop).  blk is closed by fx_close. */
typedef struct fx {
    emk_tm *tm;
    emk_blk *blk;
    emk_sblk dev;
} fx;

static void fx_open(fx *f, int real_clock, emk_blk *blk, emk_loop *loop)
{
    emk_tm_config cfg = {0, 1u << 20, 0};
    emk_sblk_options o = { .irq_line = LINE };

    cfg.real_clock = real_clock;
    f->tm = emk_tm_new(&cfg, NULL);
    f->blk = blk ? blk : emk_blk_open("ram:64K", 0, NULL);
    assert_non_null(f->tm);
    assert_non_null(f->blk);
    assert_int_equal(emk_sblk_init(&f->dev, emk_tm_bus(f->tm), loop, f->blk,
                                   &o), 0);
    assert_int_equal(emk_bus_map_region(emk_tm_bus(f->tm), &f->dev.mmio, BASE), 0);
}

static void fx_close(fx *f)
{
    emk_bus_unmap_region(emk_tm_bus(f->tm), &f->dev.mmio);
    emk_sblk_cleanup(&f->dev);
    emk_blk_close(f->blk);
    emk_tm_free(f->tm);
}

/* ---- (a) acknowledge hammer vs completions in an iothread ------------ */

typedef struct hammer {
    emk_tm *tm;
    int stop;
    uint64_t acks;
} hammer;

static void *hammer_main(void *opaque)
{
    hammer *h = (hammer *)opaque;

    while (!__atomic_load_n(&h->stop, __ATOMIC_RELAXED)) {
        emk_tm_mmio_write(h->tm, BASE + EMK_SBLK_REG_STATUS, 4,
                          EMK_SBLK_STATUS_DONE);
        h->acks++;
    }
    return NULL;
}

static void ack_hammer_never_freezes(void **state)
{
    emk_iothread *it = emk_iothread_start("sblk-race", NULL, NULL);
    emk_tm *tm;
    fx f;
    hammer h;
    pthread_t th;
    /* up to 200000 requests in at most 6 s: with the old plain load/store
     * acknowledge the device froze within a few thousand */
    uint64_t i, n = 200000, done = 0;
    int64_t stop_at = emk_host_now_ns() + (int64_t)6000000000;
    int frozen = 0;

    (void)state;
    assert_non_null(it);
    fx_open(&f, 1, NULL, emk_iothread_loop(it));
    tm = f.tm;
    wr(tm, EMK_SBLK_REG_OP, 4, EMK_SBLK_OP_FLUSH);
    memset(&h, 0, sizeof(h));
    h.tm = tm;
    assert_int_equal(pthread_create(&th, NULL, hammer_main, &h), 0);
    for (i = 0; i < n && !frozen; i++) {
        if (emk_host_now_ns() > stop_at) {
            n = i;
            break;
        }
        int64_t deadline = emk_host_now_ns() + (int64_t)2000000000;
        wr(tm, EMK_SBLK_REG_DOORBELL, 4, 1);
        /* done when COMPLETED moved and BUSY is gone (the hammer may have
         * acknowledged DONE already: that is its right) */
        for (;;) {
            done = rd(tm, EMK_SBLK_REG_COMPLETED, 8);
            if (done == i + 1 &&
                !(rd(tm, EMK_SBLK_REG_STATUS, 4) & EMK_SBLK_STATUS_BUSY))
                break;
            if (emk_host_now_ns() > deadline) {
                frozen = 1;
                break;
            }
            sched_yield();
        }
    }
    __atomic_store_n(&h.stop, 1, __ATOMIC_RELAXED);
    pthread_join(th, NULL);
    if (frozen)
        print_error("device frozen after %llu of %llu requests (status 0x%llx, "
                    "%llu acks)\n", (unsigned long long)done,
                    (unsigned long long)n,
                    (unsigned long long)rd(tm, EMK_SBLK_REG_STATUS, 4),
                    (unsigned long long)h.acks);
    assert_false(frozen);
    assert_int_equal(rd(tm, EMK_SBLK_REG_COMPLETED, 8), n);
    print_message("%llu requests against %llu acknowledges\n",
                  (unsigned long long)n, (unsigned long long)h.acks);
    fx_close(&f);
    emk_iothread_stop(it);
}

/* ---- (b) the request is latched at the doorbell ---------------------- */

static void rewrite_after_doorbell_is_ignored(void **state)
{
    emk_tm *tm;
    uint64_t buf;
    uint8_t *p, *disk;
    int i;
    fx f;

    (void)state;
    fx_open(&f, 0, NULL, NULL);
    tm = f.tm;
    buf = emk_tm_alloc(tm, 4096, 4096);
    p = (uint8_t *)emk_tm_ram(tm, buf, 1024);
    disk = (uint8_t *)emk_blk_ram(f.blk);
    for (i = 0; i < 1024; i++)
        p[i] = (uint8_t)(i * 13 + 1);
    wr(tm, EMK_SBLK_REG_OP, 4, EMK_SBLK_OP_WRITE);
    wr(tm, EMK_SBLK_REG_LBA, 8, 4);
    wr(tm, EMK_SBLK_REG_COUNT, 4, 2);
    wr(tm, EMK_SBLK_REG_ADDR, 8, buf);
    wr(tm, EMK_SBLK_REG_DOORBELL, 4, 1);
    /* the guest changes its mind before the device loop ran */
    wr(tm, EMK_SBLK_REG_OP, 4, EMK_SBLK_OP_READ);
    wr(tm, EMK_SBLK_REG_LBA, 8, 9);
    wr(tm, EMK_SBLK_REG_COUNT, 4, 7);
    wr(tm, EMK_SBLK_REG_ADDR, 8, 0);
    emk_tm_run_pending(tm, 10);
    assert_int_equal(rd(tm, EMK_SBLK_REG_STATUS, 4), EMK_SBLK_STATUS_DONE);
    assert_int_equal(rd(tm, EMK_SBLK_REG_RESULT, 4), 0);
    /* the WRITE of LBA 4..5 from buf ran, nothing else */
    assert_memory_equal(disk + 4 * 512, p, 1024);
    for (i = 0; i < 1024; i++)
        assert_int_equal(p[i], (uint8_t)(i * 13 + 1));
    /* the registers keep what the guest wrote last */
    assert_int_equal(rd(tm, EMK_SBLK_REG_OP, 4), EMK_SBLK_OP_READ);
    assert_int_equal(rd(tm, EMK_SBLK_REG_LBA, 8), 9);
    fx_close(&f);
}

/* ---- (c) reset with a request in flight -------------------------------- */

/* A host backend that holds every request until the test completes it. */
typedef struct hold {
    emk_blk_req *req[4];
    int n;
} hold;

static int hold_submit(void *opaque, emk_blk_req *req)
{
    hold *h = (hold *)opaque;

    if (h->n >= 4)
        return -EBUSY;
    h->req[h->n++] = req;
    return 0;
}

static void hold_close(void *opaque)
{
    (void)opaque;
}

static const emk_blk_ops hold_ops = {
    .kind = "hold",
    .submit = hold_submit,
    .close = hold_close,
};

static void reset_with_request_in_flight(void **state)
{
    emk_sblk *dev;
    emk_tm *tm;
    uint64_t buf;
    hold h;
    fx f;

    (void)state;
    memset(&h, 0, sizeof(h));
    fx_open(&f, 0, emk_blk_new(&hold_ops, &h, 64 * 1024, 0, NULL), NULL);
    tm = f.tm;
    dev = &f.dev;
    buf = emk_tm_alloc(tm, 4096, 4096);
    wr(tm, EMK_SBLK_REG_OP, 4, EMK_SBLK_OP_WRITE);
    wr(tm, EMK_SBLK_REG_LBA, 8, 1);
    wr(tm, EMK_SBLK_REG_COUNT, 4, 8);
    wr(tm, EMK_SBLK_REG_ADDR, 8, buf);
    wr(tm, EMK_SBLK_REG_MSI_ADDR, 8, 0xfee00000u);
    wr(tm, EMK_SBLK_REG_DOORBELL, 4, 1);
    emk_tm_run_pending(tm, 10);
    assert_int_equal(h.n, 1);                     /* in the backend now */
    assert_int_equal(emk_sblk_busy(dev), 1);
    assert_int_equal(rd(tm, EMK_SBLK_REG_STATUS, 4), EMK_SBLK_STATUS_BUSY);

    emk_sblk_reset(dev);
    assert_int_equal(rd(tm, EMK_SBLK_REG_STATUS, 4), 0);
    assert_int_equal(rd(tm, EMK_SBLK_REG_OP, 4), 0);
    assert_int_equal(rd(tm, EMK_SBLK_REG_LBA, 8), 0);
    assert_int_equal(rd(tm, EMK_SBLK_REG_COUNT, 4), 0);
    assert_int_equal(rd(tm, EMK_SBLK_REG_ADDR, 8), 0);
    assert_int_equal(rd(tm, EMK_SBLK_REG_MSI_ADDR, 8), 0);
    assert_int_equal(rd(tm, EMK_SBLK_REG_COMPLETED, 8), 0);
    assert_int_equal(emk_tm_irq_level(tm, LINE), 0);
    assert_int_equal(emk_sblk_busy(dev), 1);     /* still owned by the disk */

    /* the guest starts a new request at once: it waits for the old one */
    wr(tm, EMK_SBLK_REG_OP, 4, EMK_SBLK_OP_FLUSH);
    wr(tm, EMK_SBLK_REG_DOORBELL, 4, 1);
    emk_tm_run_pending(tm, 10);
    assert_int_equal(h.n, 1);
    assert_int_equal(rd(tm, EMK_SBLK_REG_STATUS, 4), EMK_SBLK_STATUS_BUSY);

    /* the old request finishes: dropped, then the flush goes out */
    emk_blk_complete(h.req[0], 0);
    emk_tm_run_pending(tm, 10);
    assert_int_equal(rd(tm, EMK_SBLK_REG_COMPLETED, 8), 0);
    assert_int_equal(emk_tm_msi_count(tm), 0);
    assert_int_equal(emk_tm_irq_raises(tm, LINE), 0);
    assert_int_equal(h.n, 2);
    assert_int_equal(h.req[1]->op, EMK_BLK_FLUSH);
    assert_int_equal(rd(tm, EMK_SBLK_REG_STATUS, 4), EMK_SBLK_STATUS_BUSY);

    emk_blk_complete(h.req[1], 0);
    emk_tm_run_pending(tm, 10);
    assert_int_equal(rd(tm, EMK_SBLK_REG_STATUS, 4), EMK_SBLK_STATUS_DONE);
    assert_int_equal(rd(tm, EMK_SBLK_REG_RESULT, 4), 0);
    assert_int_equal(rd(tm, EMK_SBLK_REG_COMPLETED, 8), 1);
    assert_int_equal(emk_tm_irq_level(tm, LINE), 1);
    assert_int_equal(emk_sblk_busy(dev), 0);
    wr(tm, EMK_SBLK_REG_STATUS, 4, EMK_SBLK_STATUS_DONE);
    assert_int_equal(emk_tm_irq_level(tm, LINE), 0);

    /* and once more, a plain request with the device idle */
    wr(tm, EMK_SBLK_REG_DOORBELL, 4, 1);
    emk_tm_run_pending(tm, 10);
    assert_int_equal(h.n, 3);
    emk_blk_complete(h.req[2], 0);
    emk_tm_run_pending(tm, 10);
    assert_int_equal(rd(tm, EMK_SBLK_REG_COMPLETED, 8), 2);
    fx_close(&f);
}

/* A reset while idle with DONE pending lowers the line too. */
static void reset_lowers_irq(void **state)
{
    emk_tm *tm;
    fx f;

    (void)state;
    fx_open(&f, 0, NULL, NULL);
    tm = f.tm;
    wr(tm, EMK_SBLK_REG_OP, 4, EMK_SBLK_OP_FLUSH);
    wr(tm, EMK_SBLK_REG_DOORBELL, 4, 1);
    emk_tm_run_pending(tm, 10);
    assert_int_equal(emk_tm_irq_level(tm, LINE), 1);
    emk_sblk_reset(&f.dev);
    assert_int_equal(emk_tm_irq_level(tm, LINE), 0);
    assert_int_equal(rd(tm, EMK_SBLK_REG_STATUS, 4), 0);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rewrite_after_doorbell_is_ignored),
        cmocka_unit_test(reset_with_request_in_flight),
        cmocka_unit_test(reset_lowers_irq),
        cmocka_unit_test(ack_hammer_never_freezes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
