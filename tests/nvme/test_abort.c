/*
 * test_abort.c - Abort (NVMe 1.4 5.1): a command not yet fetched is
 * completed with Command Abort Requested and never runs, the Abort's DW0
 * bit 0 cleared; a started one (an outstanding AER) or a missing one
 * stays, bit 0 set.
 */
#include "fixture.h"

#define SC(st) ((st) & 0x7ff)

static void opt_shadow(emk_nvme_options *o) { o->shadow_doorbells = 1; }

static void abort_cmd(uint8_t cmd[64], unsigned sqid, unsigned cid)
{
    emk_nvme_cmd_init(cmd, 0x08, 0);
    emk_nvme_cmd_dw(cmd, 10, sqid | (cid << 16));
}

/* Reaps n completions of q into out[], polling the machine. */
static void reap(fx *f, emk_nvme_drv_q *q, emk_nvme_cqe *out, int n)
{
    int got = 0, i;

    for (i = 0; i < 1000 && got < n; i++)
        got += emk_nvme_drv_reap(&f->d, q, out + got, n - got);
    assert_int_equal(got, n);
}

/* On the admin queue: Abort, then the command it names, in one doorbell:
 * when the Abort runs, that command sits unfetched behind it. */
static void test_abort_queued_admin(void **state)
{
    fx f;
    uint8_t cmd[64];
    emk_nvme_cqe c[2];
    int acid, tcid, k;

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 0);
    tcid = f.d.admin.next_cid + 1;               /* the one after the Abort */
    abort_cmd(cmd, 0, (unsigned)tcid);
    acid = emk_nvme_drv_queue_cmd(&f.d, &f.d.admin, cmd);
    emk_nvme_cmd_init(cmd, 0x06, 0);             /* Identify Controller */
    emk_nvme_cmd_dptr(cmd, f.buf, 0);
    emk_nvme_cmd_dw(cmd, 10, 1);
    memset(fx_ram(&f, f.buf, 4096), 0xa5, 4096);
    assert_int_equal(emk_nvme_drv_queue_cmd(&f.d, &f.d.admin, cmd), tcid);
    emk_nvme_drv_ring(&f.d, &f.d.admin);
    reap(&f, &f.d.admin, c, 2);
    for (k = 0; k < 2; k++) {
        if (c[k].cid == acid) {
            assert_int_equal(c[k].status, 0);
            assert_int_equal(c[k].dw0 & 1, 0);   /* aborted */
        } else {
            assert_int_equal(c[k].cid, tcid);
            assert_int_equal(SC(c[k].status), 0x007); /* Abort Requested */
        }
    }
    /* it never ran: the Identify data was not written */
    assert_int_equal(fx_ram(&f, f.buf, 4096)[0], 0xa5);
    /* the same cid again, now not queued: not aborted, runs normally */
    abort_cmd(cmd, 0, (unsigned)tcid);
    assert_int_equal(fx_admin(&f, cmd, c), 0);
    assert_int_equal(c[0].dw0 & 1, 1);
    fx_stop(&f);
}

/* On an I/O queue: the write is in the SQ and its shadow tail, but no
 * doorbell has been rung, so it is not fetched yet; Abort it, then ring. */
static void test_abort_queued_io(void **state)
{
    fx f;
    uint8_t cmd[64];
    emk_nvme_cqe c;
    uint32_t *dbs;
    int cid;

    (void)state;
    fx_start_drv(&f, opt_shadow, 0, 1, 1);
    assert_true(f.d.shadow_on);
    fx_pattern(&f, f.buf, 4096, 7);
    emk_nvme_cmd_rw(cmd, 0x01, 1, 0, 8, f.buf, 0);   /* write LBA 0..7 */
    cid = emk_nvme_drv_queue_cmd(&f.d, &f.d.io[0], cmd);
    assert_true(cid >= 0);
    dbs = (uint32_t *)fx_ram(&f, f.d.dbs_gpa, 4096);
    dbs[2] = f.d.io[0].sq_tail;                   /* shadow SQ 1 tail only */
    abort_cmd(cmd, 1, (unsigned)cid);
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    assert_int_equal(c.dw0 & 1, 0);               /* will be aborted */
    fx_wr32(&f, 0x1000 + 8, f.d.io[0].sq_tail);   /* now ring it */
    reap(&f, &f.d.io[0], &c, 1);
    assert_int_equal(c.cid, cid);
    assert_int_equal(SC(c.status), 0x007);
    /* never written: reading LBA 0 back gives the RAM disk's zeroes */
    memset(fx_ram(&f, f.buf2, 4096), 0xff, 4096);
    emk_nvme_cmd_rw(cmd, 0x02, 1, 0, 8, f.buf2, 0);
    assert_int_equal(fx_io(&f, cmd, &c), 0);
    assert_int_equal(fx_ram(&f, f.buf2, 4096)[0], 0);
    assert_int_equal(fx_ram(&f, f.buf2, 4096)[4095], 0);
    fx_stop(&f);
}

/* A started command stays: an outstanding AER is not aborted; nor is a
 * cid that is nowhere, nor one on a queue that does not exist. */
static void test_abort_started(void **state)
{
    fx f;
    uint8_t cmd[64];
    emk_nvme_cqe c;
    int aer;

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 0);
    emk_nvme_cmd_init(cmd, 0x0c, 0);
    aer = emk_nvme_drv_queue_cmd(&f.d, &f.d.admin, cmd);
    emk_nvme_drv_ring(&f.d, &f.d.admin);
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.admin, &c, 1), 0);
    abort_cmd(cmd, 0, (unsigned)aer);
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    assert_int_equal(c.dw0 & 1, 1);
    abort_cmd(cmd, 1, 0x1234);
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    assert_int_equal(c.dw0 & 1, 1);
    abort_cmd(cmd, 9, 1);                         /* no SQ 9 */
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    assert_int_equal(c.dw0 & 1, 1);
    fx_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abort_queued_admin),
        cmocka_unit_test(test_abort_queued_io),
        cmocka_unit_test(test_abort_started),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
