/*
 * test_opt.c - the switchable optimisations: shadow doorbells and
 * EventIdx, notifier doorbells, SQ polling, iothreads (data integrity
 * across queues and threads), interrupt coalescing on the virtual clock,
 * and the INTx fallback with INTMS/INTMC.
 */
#include "fixture.h"

static void opt_shadow(emk_nvme_options *o) { o->shadow_doorbells = 1; }
static void opt_notify(emk_nvme_options *o)
{
    o->shadow_doorbells = 1;
    o->notifier_doorbells = 1;
}
static void opt_poll(emk_nvme_options *o)
{
    o->shadow_doorbells = 1;
    o->sq_poll_ns = 1000000000;
}
static void opt_coal(emk_nvme_options *o) { o->coalescing = 1; }

static uint32_t ram32(fx *f, uint64_t gpa)
{
    uint8_t *p = fx_ram(f, gpa, 4);
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void qd1_reads(fx *f, int count)
{
    int i;
    for (i = 0; i < count; i++)
        assert_int_equal(emk_nvme_drv_io(&f->d, &f->d.io[0], 0x02, 1,
                                         (uint64_t)i * 8, 8, f->buf, 0), 0);
}

static void test_shadow_eventidx(void **state)
{
    fx f;
    emk_nvme_stats s;
    uint64_t before;
    uint8_t cmd[64];
    emk_nvme_cqe c;

    (void)state;
    fx_start_drv(&f, opt_shadow, 0, 1, 1);
    assert_true(f.d.shadow_on);
    before = f.d.mmio_doorbells;
    qd1_reads(&f, 20);
    /* SQ doorbells still ring at QD1 (EventIdx = old tail), CQ head
     * doorbells are saved: EventIdx for the CQ is never moved */
    assert_int_equal(f.d.mmio_doorbells - before, 21);  /* 20 SQ + 1 CQ */
    assert_true(f.d.doorbells_saved >= 19);
    /* EventIdx of SQ 1 follows the consumed tail */
    assert_int_equal(ram32(&f, f.d.eis_gpa + 8), f.d.io[0].sq_tail);
    assert_int_equal(ram32(&f, f.d.dbs_gpa + 8), f.d.io[0].sq_tail);
    /* a shadow-only tail update is not seen until a doorbell arrives */
    emk_nvme_cmd_rw(cmd, 0x02, 1, 0, 8, f.buf, 0);
    assert_true(emk_nvme_drv_queue_cmd(&f.d, &f.d.io[0], cmd) >= 0);
    {
        uint8_t *db = fx_ram(&f, f.d.dbs_gpa + 8, 4);
        db[0] = (uint8_t)f.d.io[0].sq_tail;
        db[1] = (uint8_t)(f.d.io[0].sq_tail >> 8);
    }
    emk_tm_run_pending(f.tm, 100);
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.io[0], &c, 1), 0);
    /* the MMIO write of the same value makes the device read it */
    fx_wr32(&f, 0x1000 + 8, f.d.io[0].sq_tail);
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.io[0], &c, 1), 1);
    emk_nvme_get_stats(f.n, &s);
    assert_true(s.shadow_reads > 0);
    /* Doorbell Buffer Config validation */
    emk_nvme_cmd_init(cmd, 0x7c, 0);
    emk_nvme_cmd_dptr(cmd, f.buf + 8, f.buf2);
    assert_int_equal(fx_admin(&f, cmd, &c) & 0x7ff, 0x002);
    emk_nvme_cmd_dptr(cmd, 0, f.buf2);
    assert_int_equal(fx_admin(&f, cmd, &c) & 0x7ff, 0x002);
    fx_stop(&f);
}

static void test_notifier_doorbells(void **state)
{
    fx f;
    emk_nvme_stats s;

    (void)state;
    fx_start_drv(&f, opt_notify, 0, 2, 1);
    qd1_reads(&f, 10);
    emk_nvme_get_stats(f.n, &s);
    assert_true(s.notifier_kicks >= 10);
    assert_int_equal(s.io_completed, 10);
    /* I/O doorbells did not trap: only the admin queue's did */
    assert_true(s.mmio_doorbells < f.d.mmio_doorbells);
    fx_stop(&f);
}

static void test_polling(void **state)
{
    fx f;
    emk_nvme_stats s;
    uint64_t before;

    (void)state;
    fx_start_drv(&f, opt_poll, 0, 1, 1);
    qd1_reads(&f, 2);
    before = f.d.mmio_doorbells;
    qd1_reads(&f, 20);
    /* the device polls the shadow tail: the guest needs no SQ doorbell */
    assert_int_equal(f.d.mmio_doorbells - before, 0);
    emk_nvme_get_stats(f.n, &s);
    assert_true(s.poll_hits >= 20);
    fx_stop(&f);
}

static void integrity(int niothreads, void (*setup)(emk_nvme_options *o),
                      int shadow)
{
    fx f;
    int round, q;
    uint8_t cmd[64];
    emk_nvme_cqe cs[32];

    fx_start_drv(&f, setup, niothreads, 2, shadow);
    for (round = 0; round < 4; round++) {
        int sent[2] = {0, 0}, got[2] = {0, 0}, i, spin;
        /* 16 writes of 4 KiB per queue, queue q owns blocks q*1024.. */
        fx_pattern(&f, f.buf, 128 << 10, (unsigned)round + 10);
        for (q = 0; q < 2; q++) {
            for (i = 0; i < 16; i++) {
                emk_nvme_cmd_rw(cmd, 0x01, 1, (uint64_t)q * 1024 + (uint64_t)i * 8,
                                8, f.buf + 4096u * (unsigned)(q * 16 + i), 0);
                assert_true(emk_nvme_drv_queue_cmd(&f.d, &f.d.io[q], cmd) >= 0);
                sent[q]++;
            }
            emk_nvme_drv_ring(&f.d, &f.d.io[q]);
        }
        for (spin = 0; spin < 20000000 && (got[0] < 16 || got[1] < 16); spin++)
            for (q = 0; q < 2; q++) {
                int n = emk_nvme_drv_reap(&f.d, &f.d.io[q], cs, 32), k;
                for (k = 0; k < n; k++)
                    assert_int_equal(cs[k].status, 0);
                got[q] += n;
            }
        assert_int_equal(got[0], 16);
        assert_int_equal(got[1], 16);
        /* read back crosswise: queue 1's data through queue 0 and back */
        for (q = 0; q < 2; q++) {
            memset(fx_ram(&f, f.buf2, 65536), 0, 65536);
            assert_int_equal(emk_nvme_drv_io(&f.d, &f.d.io[1 - q], 0x02, 1,
                                             (uint64_t)q * 1024, 128, f.buf2,
                                             f.list), 0);
            assert_memory_equal(fx_ram(&f, f.buf2, 65536),
                                fx_ram(&f, f.buf + 65536u * (unsigned)q, 65536),
                                65536);
        }
    }
    fx_stop(&f);
}

static void test_integrity_main(void **state)
{
    (void)state;
    integrity(0, NULL, 0);
}

static void test_integrity_iothreads(void **state)
{
    (void)state;
    integrity(2, NULL, 0);
    integrity(1, opt_shadow, 1);
    integrity(2, opt_notify, 1);
}

static unsigned msis_for(fx *f, uint32_t vector)
{
    emk_tm_msi m;
    unsigned n = 0;

    while (emk_tm_msi_pop(f->tm, &m))
        if (m.data == vector)
            n++;
    return n;
}

static void submit_reads(fx *f, int count)
{
    uint8_t cmd[64];
    int i;

    for (i = 0; i < count; i++) {
        emk_nvme_cmd_rw(cmd, 0x02, 1, (uint64_t)i, 1, f->buf, 0);
        assert_true(emk_nvme_drv_queue_cmd(&f->d, &f->d.io[0], cmd) >= 0);
    }
    emk_nvme_drv_ring(&f->d, &f->d.io[0]);
    emk_tm_run_pending(f->tm, 1000);
}

static void test_coalescing(void **state)
{
    fx f;
    uint8_t cmd[64];
    emk_nvme_cqe c, cs[8];

    (void)state;
    fx_start_drv(&f, opt_coal, 0, 1, 0);
    qd1_reads(&f, 1);
    msis_for(&f, 1);
    /* threshold 4 entries (THR is 0-based), time 1 ms (10 x 100 us) */
    emk_nvme_cmd_init(cmd, 0x09, 0);
    emk_nvme_cmd_dw(cmd, 10, 0x08);
    emk_nvme_cmd_dw(cmd, 11, (10u << 8) | 3);
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    submit_reads(&f, 2);
    assert_int_equal(msis_for(&f, 1), 0);           /* held back */
    emk_tm_advance(f.tm, 999999);
    assert_int_equal(msis_for(&f, 1), 0);
    emk_tm_advance(f.tm, 1);
    assert_int_equal(msis_for(&f, 1), 1);           /* time limit */
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.io[0], cs, 8), 2);
    submit_reads(&f, 4);
    assert_int_equal(msis_for(&f, 1), 1);           /* threshold reached */
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.io[0], cs, 8), 4);
    emk_tm_advance(f.tm, 2000000);
    assert_int_equal(msis_for(&f, 1), 0);           /* nothing left over */
    /* per-vector Coalescing Disable */
    emk_nvme_cmd_init(cmd, 0x09, 0);
    emk_nvme_cmd_dw(cmd, 10, 0x09);
    emk_nvme_cmd_dw(cmd, 11, 1 | (1u << 16));
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    submit_reads(&f, 2);
    assert_true(msis_for(&f, 1) >= 1);
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.io[0], cs, 8), 2);
    fx_stop(&f);
}

/* Without coalescing, completions that arrive together (one doorbell, one
 * batch of backend completions) cost one interrupt, not one each. */
static void test_interrupt_per_batch(void **state)
{
    fx f;
    emk_nvme_cqe cs[16];

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 0);
    qd1_reads(&f, 1);
    msis_for(&f, 1);
    submit_reads(&f, 8);
    assert_int_equal(msis_for(&f, 1), 1);
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.io[0], cs, 16), 8);
    /* and every later batch gets its own */
    submit_reads(&f, 3);
    assert_int_equal(msis_for(&f, 1), 1);
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.io[0], cs, 16), 3);
    fx_stop(&f);
}

static void opt_adapt(emk_nvme_options *o)
{
    o->shadow_doorbells = 1;
    o->irq_adapt_ns = 1000000;          /* 1 ms */
}

/* Adaptive holding: while the host has not consumed what the last
 * interrupt announced, or rang one doorbell for several commands, the next
 * interrupt waits for the timer; a host that caught up and submits one at
 * a time gets its interrupts at once. */
static void test_irq_adapt(void **state)
{
    fx f;
    emk_nvme_cqe cs[16];

    (void)state;
    fx_start_drv(&f, opt_adapt, 0, 1, 1);
    qd1_reads(&f, 1);                                /* caught up */
    msis_for(&f, 1);
    submit_reads(&f, 1);
    assert_int_equal(msis_for(&f, 1), 1);           /* at once */
    submit_reads(&f, 2);                             /* not reaped yet */
    assert_int_equal(msis_for(&f, 1), 0);           /* held */
    emk_tm_advance(f.tm, 999999);
    assert_int_equal(msis_for(&f, 1), 0);
    emk_tm_advance(f.tm, 1);
    assert_int_equal(msis_for(&f, 1), 1);           /* never dropped */
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.io[0], cs, 16), 3);
    submit_reads(&f, 1);
    assert_int_equal(msis_for(&f, 1), 1);           /* caught up: at once */
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.io[0], cs, 16), 1);
    /* caught up, but two commands in one doorbell: busy, held too */
    submit_reads(&f, 2);
    assert_int_equal(msis_for(&f, 1), 0);
    emk_tm_advance(f.tm, 1000000);
    assert_int_equal(msis_for(&f, 1), 1);
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.io[0], cs, 16), 2);
    submit_reads(&f, 1);
    assert_int_equal(msis_for(&f, 1), 1);
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.io[0], cs, 16), 1);
    fx_stop(&f);
}

typedef struct intx_rec {
    int level;
    unsigned raises;
} intx_rec;

/* A pin-interrupt recorder given to the controller as its INTx object. */
static void t_intx(const emk_irq *irq, int level)
{
    intx_rec *r = irq->opaque;
    if (level && !r->level)
        r->raises++;
    r->level = level;
}

static void test_intx(void **state)
{
    fx f;
    intx_rec rec = {0, 0};
    emk_irq pin;
    emk_nvme_drv_opts o;
    emk_nvme_cqe cs[8];

    (void)state;
    fx_start(&f, NULL, 0);
    memset(&pin, 0, sizeof(pin));
    pin.name = "intx-recorder";
    pin.set = t_intx;
    pin.opaque = &rec;
    emk_nvme_set_irqs(f.n, NULL, 0, &pin);     /* no message vectors */
    memset(&o, 0, sizeof(o));
    o.nioq = 1;
    assert_int_equal(emk_nvme_drv_init(&f.d, f.tm, FX_BAR, &o), 0);
    assert_true(rec.raises > 0);                    /* admin completions */
    assert_int_equal(rec.level, 0);                 /* all reaped */
    submit_reads(&f, 1);
    assert_int_equal(rec.level, 1);
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.io[0], cs, 8), 1);
    assert_int_equal(rec.level, 0);
    fx_wr32(&f, 0x0c, 1);                           /* INTMS: mask */
    submit_reads(&f, 1);
    assert_int_equal(rec.level, 0);
    assert_int_equal(fx_mmio32(&f, 0x0c), 1);
    fx_wr32(&f, 0x10, 1);                           /* INTMC: unmask */
    assert_int_equal(rec.level, 1);
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.io[0], cs, 8), 1);
    assert_int_equal(rec.level, 0);
    fx_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shadow_eventidx),
        cmocka_unit_test(test_notifier_doorbells),
        cmocka_unit_test(test_polling),
        cmocka_unit_test(test_integrity_main),
        cmocka_unit_test(test_integrity_iothreads),
        cmocka_unit_test(test_coalescing),
        cmocka_unit_test(test_interrupt_per_batch),
        cmocka_unit_test(test_irq_adapt),
        cmocka_unit_test(test_intx),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
