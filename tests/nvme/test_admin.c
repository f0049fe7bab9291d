/*
 * test_admin.c - registers, enable/disable, Identify, queue management
 * validation, features, log pages, asynchronous events.
 */
#include "fixture.h"

#define SC(st) ((st) & 0x7ff)
#define DNR(st) (((st) >> 14) & 1)

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void opt_shadow(emk_nvme_options *o) { o->shadow_doorbells = 1; }

static void test_registers(void **state)
{
    fx f;
    uint64_t cap;

    (void)state;
    fx_start(&f, NULL, 0);
    cap = fx_mmio32(&f, 0) | (uint64_t)fx_mmio32(&f, 4) << 32;
    assert_int_equal(cap & 0xffff, 255);          /* MQES 0-based */
    assert_true(cap & (1ull << 16));              /* CQR */
    assert_true(((cap >> 24) & 0xff) > 0);        /* TO */
    assert_int_equal((cap >> 32) & 0xf, 0);       /* DSTRD */
    assert_true(cap & (1ull << 37));              /* CSS: NVM */
    assert_int_equal((cap >> 48) & 0xf, 0);       /* MPSMIN 4 KiB */
    assert_int_equal(fx_mmio32(&f, 0x08), 0x00010400);
    assert_int_equal(fx_mmio32(&f, 0x1c), 0);     /* CSTS */
    /* 8-byte read of CAP agrees */
    {
        uint64_t v;
        assert_int_equal(emk_tm_mmio_read(f.tm, FX_BAR, 8, &v), 0);
        assert_true(v == cap);
    }
    fx_stop(&f);
}

static void test_enable_errors(void **state)
{
    fx f;

    (void)state;
    fx_start(&f, NULL, 0);
    fx_wr32(&f, 0x24, (31u << 16) | 31u);
    fx_wr32(&f, 0x28, (uint32_t)f.buf);
    fx_wr32(&f, 0x30, (uint32_t)f.buf2);
    fx_wr32(&f, 0x14, 1 | (1u << 7));             /* MPS 8 KiB: unsupported */
    assert_int_equal(fx_mmio32(&f, 0x1c) & 3, 2); /* CFS, not RDY */
    fx_wr32(&f, 0x14, 0);
    emk_tm_run_pending(f.tm, 100);
    assert_int_equal(fx_mmio32(&f, 0x1c) & 1, 0);
    fx_wr32(&f, 0x24, 0);                         /* 1-entry admin queues */
    fx_wr32(&f, 0x14, 1 | (6u << 16) | (4u << 20));
    assert_int_equal(fx_mmio32(&f, 0x1c) & 1, 0);
    fx_stop(&f);
}

static void test_identify(void **state)
{
    fx f;
    uint8_t cmd[64], *b;
    emk_nvme_cqe c;

    (void)state;
    fx_start_drv(&f, opt_shadow, 0, 1, 1);
    b = f.d.id_ctrl;
    assert_int_equal(b[0] | b[1] << 8, 0x1b36);
    assert_int_equal(le32(b + 80), 0x00010400);   /* VER */
    assert_int_equal(b[77], 5);                   /* MDTS */
    assert_int_equal(b[256] | b[257] << 8, 0x0100); /* OACS: DBBUF */
    assert_int_equal(b[512], 0x66);
    assert_int_equal(b[513], 0x44);
    assert_int_equal(le32(b + 516), 2);           /* NN */
    assert_int_equal(b[520] & 0x0d, 0x0d);        /* ONCS */
    assert_true(le32(b + 536) & 1);               /* SGLS */
    assert_int_equal(b[111], 1);                  /* CNTRLTYPE */
    assert_true(f.d.shadow_on);
    assert_int_equal(f.d.ns_lba_shift[1], 9);
    assert_int_equal(f.d.ns_lba_shift[2], 12);
    assert_int_equal(f.d.ns_nlbas[1], (4u << 20) / 512);
    assert_int_equal(f.d.ns_nlbas[2], (8u << 20) / 4096);

    emk_nvme_cmd_init(cmd, 0x06, 0);              /* active NS list */
    emk_nvme_cmd_dptr(cmd, f.buf, 0);
    emk_nvme_cmd_dw(cmd, 10, 2);
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    b = fx_ram(&f, f.buf, 16);
    assert_int_equal(le32(b), 1);
    assert_int_equal(le32(b + 4), 2);
    assert_int_equal(le32(b + 8), 0);
    emk_nvme_cmd_dw(cmd, 1, 1);                   /* NSIDs above 1 */
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    assert_int_equal(le32(b), 2);

    emk_nvme_cmd_init(cmd, 0x06, 2);              /* descriptors */
    emk_nvme_cmd_dptr(cmd, f.buf, 0);
    emk_nvme_cmd_dw(cmd, 10, 3);
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    assert_int_equal(b[0], 2);
    assert_int_equal(b[1], 16);

    emk_nvme_cmd_init(cmd, 0x06, 0);              /* CNS 0, NSID 0 */
    emk_nvme_cmd_dptr(cmd, f.buf, 0);
    assert_int_equal(SC(fx_admin(&f, cmd, &c)), 0x00b);
    emk_nvme_cmd_init(cmd, 0x06, 1);
    emk_nvme_cmd_dptr(cmd, f.buf, 0);
    emk_nvme_cmd_dw(cmd, 10, 0x1f);               /* unknown CNS */
    assert_int_equal(SC(fx_admin(&f, cmd, &c)), 0x002);
    emk_nvme_cmd_init(cmd, 0x06, 0);
    emk_nvme_cmd_dptr(cmd, f.buf + 2, 0);         /* PRP1 not dword aligned */
    emk_nvme_cmd_dw(cmd, 10, 1);
    assert_int_equal(SC(fx_admin(&f, cmd, &c)), 0x013);
    fx_stop(&f);
}

static void test_no_shadow_oacs(void **state)
{
    fx f;
    uint8_t cmd[64];
    emk_nvme_cqe c;

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 1);
    assert_int_equal(f.d.id_ctrl[256] | f.d.id_ctrl[257] << 8, 0);
    assert_false(f.d.shadow_on);
    emk_nvme_cmd_init(cmd, 0x7c, 0);
    emk_nvme_cmd_dptr(cmd, f.buf, f.buf2);
    assert_int_equal(SC(fx_admin(&f, cmd, &c)), 0x001);
    fx_stop(&f);
}

static uint16_t create(fx *f, uint8_t op, uint32_t dw10, uint32_t dw11,
                       uint64_t prp1)
{
    uint8_t cmd[64];
    emk_nvme_cqe c;

    emk_nvme_cmd_init(cmd, op, 0);
    emk_nvme_cmd_dptr(cmd, prp1, 0);
    emk_nvme_cmd_dw(cmd, 10, dw10);
    emk_nvme_cmd_dw(cmd, 11, dw11);
    return fx_admin(f, cmd, &c);
}

static void test_queue_validation(void **state)
{
    fx f;
    uint64_t q = 0;

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 0);
    q = emk_tm_alloc(f.tm, 4 * FX_PAGE, FX_PAGE);
    /* CQ */
    assert_int_equal(SC(create(&f, 0x05, 15u << 16 | 0, 3, q)), 0x101);
    assert_int_equal(SC(create(&f, 0x05, 15u << 16 | 5, 3, q)), 0x101);
    assert_int_equal(SC(create(&f, 0x05, 15u << 16 | 1, 3, q)), 0x101);
    assert_int_equal(SC(create(&f, 0x05, 0u << 16 | 2, 3, q)), 0x102);
    assert_int_equal(SC(create(&f, 0x05, 256u << 16 | 2, 3, q)), 0x102);
    assert_int_equal(SC(create(&f, 0x05, 15u << 16 | 2, 2, q)), 0x002);
    assert_int_equal(SC(create(&f, 0x05, 15u << 16 | 2, 3, q + 8)), 0x013);
    assert_int_equal(SC(create(&f, 0x05, 15u << 16 | 2, 99u << 16 | 3, q)),
                     0x108);
    assert_true(DNR(create(&f, 0x05, 15u << 16 | 2, 99u << 16 | 3, q)));
    assert_int_equal(create(&f, 0x05, 15u << 16 | 2, 2u << 16 | 3, q), 0);
    /* SQ */
    assert_int_equal(SC(create(&f, 0x01, 15u << 16 | 2, 3u << 16 | 1,
                               q + FX_PAGE)), 0x100);
    assert_int_equal(SC(create(&f, 0x01, 15u << 16 | 2, 0u << 16 | 1,
                               q + FX_PAGE)), 0x100);
    assert_int_equal(SC(create(&f, 0x01, 15u << 16 | 1, 2u << 16 | 1,
                               q + FX_PAGE)), 0x101);
    assert_int_equal(SC(create(&f, 0x01, 15u << 16 | 2, 2u << 16 | 0,
                               q + FX_PAGE)), 0x002);
    assert_int_equal(create(&f, 0x01, 15u << 16 | 2, 2u << 16 | 1,
                            q + FX_PAGE), 0);
    /* delete */
    assert_int_equal(SC(create(&f, 0x04, 2, 0, 0)), 0x10c);  /* SQ on it */
    assert_int_equal(SC(create(&f, 0x00, 3, 0, 0)), 0x101);
    assert_int_equal(SC(create(&f, 0x00, 0, 0, 0)), 0x101);
    assert_int_equal(create(&f, 0x00, 2, 0, 0), 0);
    assert_int_equal(create(&f, 0x04, 2, 0, 0), 0);
    assert_int_equal(SC(create(&f, 0x04, 2, 0, 0)), 0x101);
    fx_stop(&f);
}

static uint16_t feat(fx *f, uint8_t op, uint32_t dw10, uint32_t dw11,
                     uint32_t *dw0)
{
    uint8_t cmd[64];
    emk_nvme_cqe c;
    uint16_t st;

    emk_nvme_cmd_init(cmd, op, 0);
    emk_nvme_cmd_dw(cmd, 10, dw10);
    emk_nvme_cmd_dw(cmd, 11, dw11);
    st = fx_admin(f, cmd, &c);
    if (dw0)
        *dw0 = c.dw0;
    return st;
}

static void test_features(void **state)
{
    fx f;
    uint32_t v;

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 0);
    assert_int_equal(feat(&f, 0x0a, 0x07, 0, &v), 0);
    assert_int_equal(v, (3u << 16) | 3u);         /* 4 queue pairs */
    /* after I/O queues exist: Command Sequence Error */
    assert_int_equal(SC(feat(&f, 0x09, 0x07, 0, NULL)), 0x00c);
    assert_int_equal(feat(&f, 0x09, 0x08, 0x0a03, NULL), 0);
    assert_int_equal(feat(&f, 0x0a, 0x08, 0, &v), 0);
    assert_int_equal(v, 0x0a03);
    assert_int_equal(feat(&f, 0x0a, 0x08 | (1u << 8), 0, &v), 0); /* default */
    assert_int_equal(v, 0);
    assert_int_equal(feat(&f, 0x09, 0x09, 1 | (1u << 16), NULL), 0);
    assert_int_equal(feat(&f, 0x0a, 0x09, 1, &v), 0);
    assert_int_equal(v, 1 | (1u << 16));
    assert_int_equal(SC(feat(&f, 0x09, 0x09, 77, NULL)), 0x002);
    assert_int_equal(feat(&f, 0x09, 0x06, 0, NULL), 0);
    assert_int_equal(feat(&f, 0x0a, 0x06, 0, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(feat(&f, 0x09, 0x01, 0x3, NULL), 0);
    assert_int_equal(feat(&f, 0x0a, 0x01, 0, &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(SC(feat(&f, 0x09, 0x06 | (1u << 31), 1, NULL)), 0x10d);
    assert_int_equal(SC(feat(&f, 0x09, 0x55, 0, NULL)), 0x002);
    assert_int_equal(SC(feat(&f, 0x09, 0x04, 5u << 16, NULL)), 0x002);
    assert_int_equal(feat(&f, 0x09, 0x0f, 1000, NULL), 0);   /* KATO */
    fx_stop(&f);
}

static void test_logs_and_errors(void **state)
{
    fx f;
    uint8_t cmd[64], *b;
    emk_nvme_cqe c;

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 0);
    emk_nvme_cmd_init(cmd, 0xc1, 0);              /* vendor opcode */
    assert_int_equal(fx_admin(&f, cmd, &c), 0x001 | 0x4000);
    emk_nvme_cmd_init(cmd, 0x02, 0);              /* error log, 64 bytes */
    emk_nvme_cmd_dptr(cmd, f.buf, 0);
    emk_nvme_cmd_dw(cmd, 10, 1 | (15u << 16));
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    b = fx_ram(&f, f.buf, 64);
    assert_int_equal(le32(b), 1);                 /* error count */
    assert_int_equal(b[8] | b[9] << 8, 0);        /* SQID */
    assert_int_equal(b[10] | b[11] << 8, c.cid - 1);
    assert_int_equal(((b[12] | b[13] << 8) >> 1) & 0xff, 0x01);
    emk_nvme_cmd_init(cmd, 0x02, 0xffffffff);     /* SMART */
    emk_nvme_cmd_dptr(cmd, f.buf, 0);
    emk_nvme_cmd_dw(cmd, 10, 2 | (127u << 16));
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    assert_true((b[1] | b[2] << 8) > 273);        /* composite temp, K */
    assert_int_equal(b[3], 100);
    emk_nvme_cmd_init(cmd, 0x02, 0);              /* firmware slot */
    emk_nvme_cmd_dptr(cmd, f.buf, 0);
    emk_nvme_cmd_dw(cmd, 10, 3 | (127u << 16));
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    assert_int_equal(b[0], 1);
    emk_nvme_cmd_dw(cmd, 10, 0x70 | (127u << 16));
    assert_int_equal(SC(fx_admin(&f, cmd, &c)), 0x109);
    emk_nvme_cmd_dw(cmd, 10, 3 | (127u << 16));
    emk_nvme_cmd_dw(cmd, 12, 4096);               /* offset past the end */
    assert_int_equal(SC(fx_admin(&f, cmd, &c)), 0x002);
    emk_nvme_cmd_init(cmd, 0x08, 0);              /* Abort: not aborted */
    emk_nvme_cmd_dw(cmd, 10, 1 | (5u << 16));
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    assert_int_equal(c.dw0 & 1, 1);
    emk_nvme_cmd_init(cmd, 0x18, 0);              /* Keep Alive */
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    fx_stop(&f);
}

static void test_async_events(void **state)
{
    fx f;
    uint8_t cmd[64];
    emk_nvme_cqe c;
    int i, cid[4], got = 0;

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 0);
    for (i = 0; i < 4; i++) {                     /* AERL + 1 = 4 */
        emk_nvme_cmd_init(cmd, 0x0c, 0);
        cid[i] = emk_nvme_drv_queue_cmd(&f.d, &f.d.admin, cmd);
        assert_true(cid[i] >= 0);
    }
    emk_nvme_drv_ring(&f.d, &f.d.admin);
    assert_int_equal(emk_nvme_drv_reap(&f.d, &f.d.admin, &c, 1), 0);
    emk_nvme_cmd_init(cmd, 0x0c, 0);              /* fifth: limit exceeded */
    assert_int_equal(SC(fx_admin(&f, cmd, &c)), 0x105);
    /* a write to the doorbell of a queue that does not exist */
    fx_wr32(&f, 0x1000 + 8 * 3, 1);
    for (i = 0; i < 100 && !got; i++)
        got = emk_nvme_drv_reap(&f.d, &f.d.admin, &c, 1);
    assert_int_equal(got, 1);
    assert_int_equal(c.status, 0);
    assert_int_equal(c.dw0 & 7, 0);               /* error status */
    assert_int_equal((c.dw0 >> 8) & 0xff, 0);     /* invalid doorbell register */
    assert_int_equal((c.dw0 >> 16) & 0xff, 1);    /* error log */
    /* temperature threshold below the current temperature: SMART event */
    assert_int_equal(feat(&f, 0x09, 0x0b, 0x2, NULL), 0);
    emk_nvme_cmd_init(cmd, 0x09, 0);
    emk_nvme_cmd_dw(cmd, 10, 0x04);
    emk_nvme_cmd_dw(cmd, 11, 280);
    assert_int_equal(emk_nvme_drv_queue_cmd(&f.d, &f.d.admin, cmd) >= 0, 1);
    emk_nvme_drv_ring(&f.d, &f.d.admin);
    got = 0;
    for (i = 0; i < 100 && got < 2; i++) {
        emk_nvme_cqe cs[2];
        int k, m, n = emk_nvme_drv_reap(&f.d, &f.d.admin, cs, 2);
        for (k = 0; k < n; k++) {
            int is_aer = 0;
            for (m = 0; m < 4; m++)
                is_aer |= cs[k].cid == cid[m];
            if (is_aer) {
                assert_int_equal(cs[k].dw0 & 7, 1);            /* SMART */
                assert_int_equal((cs[k].dw0 >> 16) & 0xff, 2); /* its log */
            } else {
                assert_int_equal(cs[k].status, 0);  /* the Set Features */
            }
            got++;
        }
    }
    assert_int_equal(got, 2);
    fx_stop(&f);
}

static void test_disable_reenable(void **state)
{
    fx f;
    emk_nvme_drv_opts o;

    (void)state;
    fx_start_drv(&f, opt_shadow, 0, 2, 1);
    assert_int_equal(emk_nvme_drv_disable(&f.d), 0);
    assert_int_equal(fx_mmio32(&f, 0x1c) & 1, 0);
    memset(&o, 0, sizeof(o));
    o.nioq = 2;
    o.shadow = 1;
    assert_int_equal(emk_nvme_drv_init(&f.d, f.tm, FX_BAR, &o), 0);
    assert_int_equal(emk_nvme_drv_io(&f.d, &f.d.io[1], 0x02, 1, 0, 8, f.buf, 0),
                     0);
    /* shutdown notification */
    fx_wr32(&f, 0x14, fx_mmio32(&f, 0x14) | (1u << 14));
    emk_tm_run_pending(f.tm, 100);
    assert_int_equal((fx_mmio32(&f, 0x1c) >> 2) & 3, 2);
    fx_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registers),
        cmocka_unit_test(test_enable_errors),
        cmocka_unit_test(test_identify),
        cmocka_unit_test(test_no_shadow_oacs),
        cmocka_unit_test(test_queue_validation),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_logs_and_errors),
        cmocka_unit_test(test_async_events),
        cmocka_unit_test(test_disable_reenable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
