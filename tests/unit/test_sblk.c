/* test_sblk.c - the simple block device end to end on the test machine:
 * main loop, ioeventfd doorbell, iothread, and every error path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/guest/sblk_drv.h"

enum { BASE = 0x10000000 };

typedef struct fx {
    emk_tm *tm;
    emk_blk *blk;
    emk_iothread *it;
    emk_sblk dev;
    emk_sblk_drv drv;
    uint64_t buf;
} fx;

static int setup_common(void **state, int ioeventfd, int iothread)
{
    static fx f;
    emk_tm_config cfg = {0, 8u << 20, iothread};
    emk_sblk_options o = { .irq_line = 5 };
    memset(&f, 0, sizeof(f));
    f.tm = emk_tm_new(&cfg, NULL);
    f.blk = emk_blk_open("ram:1M", 0, NULL);
    if (iothread)
        f.it = emk_iothread_start("sblk-test", NULL, NULL);
    o.ioeventfd = ioeventfd;
    assert_int_equal(emk_sblk_init(&f.dev, emk_tm_bus(f.tm),
                                   f.it ? emk_iothread_loop(f.it) : NULL, f.blk, &o), 0);
    assert_int_equal(emk_bus_map_region(emk_tm_bus(f.tm), &f.dev.mmio, BASE), 0);
    assert_int_equal(emk_sblk_drv_init(&f.drv, f.tm, BASE, iothread ? 0xfee00000 : 0), 0);
    f.buf = emk_tm_alloc(f.tm, 65536, 4096);
    *state = &f;
    return 0;
}

static int setup_plain(void **state) { return setup_common(state, 0, 0); }
static int setup_ioeventfd(void **state) { return setup_common(state, 1, 0); }
static int setup_iothread(void **state) { return setup_common(state, 1, 1); }

static int teardown(void **state)
{
    fx *f = (fx *)*state;
    emk_sblk_cleanup(&f->dev);
    if (f->it)
        emk_iothread_stop(f->it);
    emk_blk_close(f->blk);
    emk_tm_free(f->tm);
    return 0;
}

static void roundtrip(void **state)
{
    fx *f = (fx *)*state;
    uint8_t *p = (uint8_t *)emk_tm_ram(f->tm, f->buf, 65536);
    int i;
    for (i = 0; i < 4096; i++)
        p[i] = (uint8_t)(i ^ 0x3c);
    assert_int_equal(emk_sblk_drv_io(&f->drv, EMK_SBLK_OP_WRITE, 100, 8, f->buf), 0);
    assert_memory_equal((uint8_t *)emk_blk_ram(f->blk) + 100 * 512, p, 4096);
    memset(p, 0, 4096);
    assert_int_equal(emk_sblk_drv_io(&f->drv, EMK_SBLK_OP_READ, 100, 8, f->buf), 0);
    for (i = 0; i < 4096; i++)
        assert_int_equal(p[i], (uint8_t)(i ^ 0x3c));
    assert_int_equal(emk_sblk_drv_io(&f->drv, EMK_SBLK_OP_FLUSH, 0, 0, 0), 0);
    assert_int_equal(f->dev.completed, 3);
}

static void irq_level_follows_ack(void **state)
{
    fx *f = (fx *)*state;
    uint64_t st;
    emk_tm_mmio_write(f->tm, BASE + EMK_SBLK_REG_OP, 4, EMK_SBLK_OP_FLUSH);
    emk_tm_mmio_write(f->tm, BASE + EMK_SBLK_REG_DOORBELL, 4, 1);
    assert_int_equal(emk_tm_irq_level(f->tm, 5), 0); /* nothing ran yet */
    emk_tm_run_pending(f->tm, 10);
    assert_int_equal(emk_tm_irq_level(f->tm, 5), 1);
    emk_tm_mmio_read(f->tm, BASE + EMK_SBLK_REG_STATUS, 4, &st);
    assert_int_equal(st, EMK_SBLK_STATUS_DONE);
    emk_tm_mmio_write(f->tm, BASE + EMK_SBLK_REG_STATUS, 4, EMK_SBLK_STATUS_DONE);
    assert_int_equal(emk_tm_irq_level(f->tm, 5), 0);
    assert_int_equal(emk_tm_irq_raises(f->tm, 5), 1);
}

static void bad_requests(void **state)
{
    fx *f = (fx *)*state;
    uint64_t v;
    assert_int_equal(emk_sblk_drv_io(&f->drv, EMK_SBLK_OP_READ, 2047, 2, f->buf), -ERANGE);
    assert_int_equal(emk_sblk_drv_io(&f->drv, EMK_SBLK_OP_READ, 0, 0, f->buf), -ERANGE);
    assert_int_equal(emk_sblk_drv_io(&f->drv, EMK_SBLK_OP_READ, UINT64_MAX, 1, f->buf), -ERANGE);
    assert_int_equal(emk_sblk_drv_io(&f->drv, EMK_SBLK_OP_READ, 0, 4096, f->buf), -ERANGE);
    assert_int_equal(emk_sblk_drv_io(&f->drv, 7, 0, 1, f->buf), -EINVAL);
    /* buffer runs off the end of guest RAM */
    assert_int_equal(emk_sblk_drv_io(&f->drv, EMK_SBLK_OP_READ, 0, 8, (8u << 20) - 512), -EFAULT);
    /* buffer on the device's own registers */
    assert_int_equal(emk_sblk_drv_io(&f->drv, EMK_SBLK_OP_READ, 0, 1, BASE), -EFAULT);
    /* bus mastering off */
    f->dev.dev.dma_enabled = 0;
    assert_int_equal(emk_sblk_drv_io(&f->drv, EMK_SBLK_OP_WRITE, 0, 1, f->buf), -EPERM);
    f->dev.dev.dma_enabled = 1;
    /* wrong access sizes never reach the device */
    assert_int_equal(emk_tm_mmio_read(f->tm, BASE + EMK_SBLK_REG_ID, 2, &v), -EINVAL);
    assert_int_equal(emk_tm_mmio_read(f->tm, BASE + 0xfc, 8, &v), -EINVAL);
    assert_int_equal(emk_sblk_drv_io(&f->drv, EMK_SBLK_OP_READ, 0, 1, f->buf), 0);
}

static void ioeventfd_bypasses_callback(void **state)
{
    fx *f = (fx *)*state;
    emk_tm_mmio_write(f->tm, BASE + EMK_SBLK_REG_OP, 4, EMK_SBLK_OP_FLUSH);
    emk_tm_mmio_write(f->tm, BASE + EMK_SBLK_REG_DOORBELL, 4, 1);
    /* the write only signalled the notifier: nothing is scheduled */
    assert_int_equal(emk_sblk_drv_io(&f->drv, EMK_SBLK_OP_FLUSH, 0, 0, 0), 0);
    assert_true(f->dev.completed >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(roundtrip, setup_plain, teardown),
        cmocka_unit_test_setup_teardown(irq_level_follows_ack, setup_plain, teardown),
        cmocka_unit_test_setup_teardown(bad_requests, setup_plain, teardown),
        cmocka_unit_test_setup_teardown(roundtrip, setup_ioeventfd, teardown),
        cmocka_unit_test_setup_teardown(ioeventfd_bypasses_callback, setup_ioeventfd, teardown),
        cmocka_unit_test_setup_teardown(roundtrip, setup_iothread, teardown),
        cmocka_unit_test_setup_teardown(bad_requests, setup_iothread, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
