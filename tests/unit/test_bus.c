/* test_bus.c - region dispatch, access-size rules, DMA bounds, short maps,
 * re-entrancy refusal, sglists, interrupts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/testmachine.h"

typedef struct probe {
    emk_dev dev;
    emk_region r;
    unsigned reads, writes;
    uint64_t last_off, last_val;
    unsigned last_size;
    uint64_t regs[8];
} probe;

static int probe_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    probe *p = (probe *)opaque;
    p->reads++;
    p->last_off = off;
    p->last_size = size;
    *v = p->regs[off / 8] >> ((off % 8) * 8);
    return 0;
}

static int probe_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    probe *p = (probe *)opaque;
    p->writes++;
    p->last_off = off;
    p->last_size = size;
    p->last_val = v;
    if (size == 8)
        p->regs[off / 8] = v;
    return 0;
}

static const emk_region_ops ops4 = {
    .read = probe_read,
    .write = probe_write,
    .valid_sizes = EMK_SIZE_4 | EMK_SIZE_8,
};
static const emk_region_ops ops_unaligned = {
    .read = probe_read,
    .write = probe_write,
    .valid_sizes = EMK_SIZE_1 | EMK_SIZE_2 | EMK_SIZE_4,
    .flags = EMK_REGION_UNALIGNED,
};

typedef struct fixture {
    emk_tm *tm;
    probe p;
} fixture;

static int setup(void **state)
{
    static fixture f;
    emk_tm_config cfg = {0x100000, 1 << 20, 0};
    memset(&f, 0, sizeof(f));
    f.tm = emk_tm_new(&cfg, NULL);
    assert_non_null(f.tm);
    emk_dev_init(&f.p.dev, "probe", emk_tm_bus(f.tm), NULL);
    f.p.r.name = "probe";
    f.p.r.ops = &ops4;
    f.p.r.opaque = &f.p;
    f.p.r.size = 64;
    f.p.r.space = EMK_SPACE_MEM;
    assert_int_equal(emk_dev_add_region(&f.p.dev, &f.p.r), 0);
    assert_int_equal(emk_bus_map_region(emk_tm_bus(f.tm), &f.p.r, 0x1000), 0);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = (fixture *)*state;
    emk_tm_free(f->tm);
    return 0;
}

static void dispatch_valid(void **state)
{
    fixture *f = (fixture *)*state;
    uint64_t v = 0;

    assert_int_equal(emk_tm_mmio_write(f->tm, 0x1008, 8, 0x1122334455667788ull), 0);
    assert_int_equal(f->p.writes, 1);
    assert_int_equal(f->p.last_off, 8);
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x1008, 4, &v), 0);
    assert_int_equal(v, 0x55667788);
    assert_int_equal(f->p.last_size, 4);
}

static void dispatch_rejects_without_calling(void **state)
{
    fixture *f = (fixture *)*state;
    uint64_t v = 0;

    /* size 2 is not declared, 1 is not declared, 3 is not a size */
    assert_int_equal(emk_tm_mmio_write(f->tm, 0x1000, 2, 1), -EINVAL);
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x1000, 1, &v), -EINVAL);
    assert_int_equal(v, 0xff);
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x1000, 3, &v), -EINVAL);
    /* misaligned */
    assert_int_equal(emk_tm_mmio_write(f->tm, 0x1002, 4, 1), -EINVAL);
    /* straddles the end: 8 bytes at offset 60 */
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x1000 + 56 + 4, 8, &v), -EINVAL);
    assert_int_equal(f->p.reads + f->p.writes, 0);
    assert_int_equal(f->p.dev.stat_bad_access, 5);
    assert_int_equal(v, UINT64_MAX);
}

static void dispatch_bounds_direct(void **state)
{
    fixture *f = (fixture *)*state;
    uint64_t v;
    /* emk_region_access is what every host calls: past-the-end is -ERANGE */
    assert_int_equal(emk_region_access(&f->p.r, 64, 4, &v, 0), -ERANGE);
    assert_int_equal(emk_region_access(&f->p.r, UINT64_MAX - 3, 4, &v, 0), -ERANGE);
    assert_int_equal(emk_region_access(&f->p.r, 60, 4, &v, 0), 0);
    assert_int_equal(f->p.reads, 1);
}

static void dispatch_unaligned_allowed(void **state)
{
    fixture *f = (fixture *)*state;
    uint64_t v;
    f->p.r.ops = &ops_unaligned;
    assert_int_equal(emk_region_access(&f->p.r, 3, 4, &v, 0), 0);
    assert_int_equal(emk_region_access(&f->p.r, 61, 4, &v, 0), -ERANGE);
    assert_int_equal(emk_region_access(&f->p.r, 8, 8, &v, 0), -EINVAL);
    f->p.r.ops = &ops4;
}

static void unmapped_access(void **state)
{
    fixture *f = (fixture *)*state;
    uint64_t v = 0;
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x9000, 4, &v), -ENODEV);
    assert_int_equal(v, 0xffffffffu);
    assert_int_equal(emk_tm_pio_read(f->tm, 0x1000, 4, &v), -ENODEV);
}

static void overlap_refused(void **state)
{
    fixture *f = (fixture *)*state;
    probe q;
    memset(&q, 0, sizeof(q));
    q.r.ops = &ops4;
    q.r.size = 16;
    q.r.space = EMK_SPACE_MEM;
    assert_int_equal(emk_bus_map_region(emk_tm_bus(f->tm), &q.r, 0x1030), -EBUSY);
    q.r.space = EMK_SPACE_IO;
    assert_int_equal(emk_bus_map_region(emk_tm_bus(f->tm), &q.r, 0x1030), 0);
    emk_bus_unmap_region(emk_tm_bus(f->tm), &q.r);
}

static void dma_bounds(void **state)
{
    fixture *f = (fixture *)*state;
    uint8_t buf[64];
    uint64_t v;
    emk_dev *d = &f->p.dev;

    memset(buf, 0xab, sizeof(buf));
    assert_int_equal(emk_dma_write(d, 0x100000, buf, 64), 0);
    assert_memory_equal(emk_tm_ram(f->tm, 0x100000, 64), buf, 64);
    /* just below RAM, straddling the end, past the end, wrapping */
    assert_int_equal(emk_dma_read(d, 0xfffff, buf, 2), -EFAULT);
    assert_int_equal(emk_dma_read(d, 0x200000 - 8, buf, 16), -EFAULT);
    assert_int_equal(emk_dma_read(d, 0x200000, buf, 1), -EFAULT);
    assert_int_equal(emk_dma_read(d, UINT64_MAX - 4, buf, 16), -EFAULT);
    assert_int_equal(emk_dma_read(d, 0x200000 - 8, buf, 8), 0);
    assert_int_equal(emk_dma_st(d, 0x100010, 4, 0xdeadbeef), 0);
    assert_int_equal(emk_dma_ld(d, 0x100010, 2, &v), 0);
    assert_int_equal(v, 0xbeef);
    assert_int_equal(emk_dma_ld(d, 0x100010, 3, &v), -EINVAL);
}

static void dma_disabled(void **state)
{
    fixture *f = (fixture *)*state;
    uint8_t b;
    uint64_t len = 16;
    f->p.dev.dma_enabled = 0;
    assert_int_equal(emk_dma_read(&f->p.dev, 0x100000, &b, 1), -EPERM);
    assert_null(emk_dma_map(&f->p.dev, 0x100000, &len, 0));
    assert_int_equal(len, 0);
    f->p.dev.dma_enabled = 1;
}

static void dma_own_mmio_refused(void **state)
{
    fixture *f = (fixture *)*state;
    uint8_t b[8];
    uint64_t before = f->p.dev.stat_dma_refused;
    /* RAM base 0x100000: map the probe inside RAM's address range too */
    emk_bus_unmap_region(emk_tm_bus(f->tm), &f->p.r);
    assert_int_equal(emk_bus_map_region(emk_tm_bus(f->tm), &f->p.r, 0x180000), 0);
    assert_int_equal(emk_dma_read(&f->p.dev, 0x17fffc, b, 8), -EFAULT);
    assert_int_equal(emk_dma_write(&f->p.dev, 0x180000 + 63, b, 1), -EFAULT);
    assert_int_equal(emk_dma_read(&f->p.dev, 0x180040, b, 8), 0);
    assert_int_equal(f->p.dev.stat_dma_refused, before + 2);
    assert_int_equal(f->p.writes + f->p.reads, 0);
}

static void dma_short_map(void **state)
{
    fixture *f = (fixture *)*state;
    uint64_t len = 8192;
    uint8_t *p = (uint8_t *)emk_dma_map(&f->p.dev, 0x200000 - 4096, &len, 1);
    assert_non_null(p);
    assert_int_equal(len, 4096);
    emk_dma_unmap(&f->p.dev, p, len, 1, len);
    /* a hole shortens a map and fails a copy */
    assert_int_equal(emk_tm_dma_hole(f->tm, 0x140000, 0x1000), 0);
    len = 0x20000;
    p = (uint8_t *)emk_dma_map(&f->p.dev, 0x130000, &len, 0);
    assert_non_null(p);
    assert_int_equal(len, 0x10000);
    len = 16;
    assert_null(emk_dma_map(&f->p.dev, 0x140800, &len, 0));
    assert_int_equal(len, 0);
}

static void sglist_ops(void **state)
{
    fixture *f = (fixture *)*state;
    emk_sg_entry e[3];
    emk_sglist l;
    struct iovec iov[4];
    uint8_t out[96], in[96];
    int i, n;

    emk_sglist_init(&l, e, 3);
    assert_int_equal(emk_sglist_add(&l, 0x100000, 32), 0);
    assert_int_equal(emk_sglist_add(&l, 0x100020, 32), 0); /* merges */
    assert_int_equal(l.nsg, 1);
    assert_int_equal(emk_sglist_add(&l, 0x110000, 16), 0);
    assert_int_equal(emk_sglist_add(&l, 0x120000, 16), 0);
    assert_int_equal(emk_sglist_add(&l, 0x130000, 16), -ENOSPC);
    assert_int_equal(emk_sglist_add(&l, UINT64_MAX - 2, 16), -EOVERFLOW);
    assert_int_equal(l.total, 96);
    {
        /* a segment that ends at the top of the address space does not
         * merge with one at 0: together they would wrap */
        emk_sg_entry t[2];
        emk_sglist top;

        emk_sglist_init(&top, t, 2);
        assert_int_equal(emk_sglist_add(&top, UINT64_MAX - 15, 16), 0);
        assert_int_equal(emk_sglist_add(&top, 0, 16), 0);
        assert_int_equal(top.nsg, 2);
        assert_int_equal(top.sg[0].len, 16);
        assert_int_equal(top.sg[1].addr, 0);
    }
    for (i = 0; i < 96; i++)
        out[i] = (uint8_t)i;
    assert_int_equal(emk_dma_sg_rw(&f->p.dev, &l, 0, out, 96, 1), 0);
    assert_int_equal(*(uint8_t *)emk_tm_ram(f->tm, 0x110000, 1), 64);
    assert_int_equal(emk_dma_sg_rw(&f->p.dev, &l, 60, in, 20, 0), 0);
    assert_memory_equal(in, out + 60, 20);
    assert_int_equal(emk_dma_sg_rw(&f->p.dev, &l, 90, in, 7, 0), -EFAULT);
    n = emk_dma_sg_map(&f->p.dev, &l, iov, 4, 0);
    assert_int_equal(n, 3);
    assert_int_equal(iov[0].iov_len, 64);
    emk_dma_sg_unmap(&f->p.dev, iov, n, 0);
    assert_int_equal(emk_dma_sg_map(&f->p.dev, &l, iov, 2, 0), -ENOSPC);
    emk_sglist_reset(&l);
    assert_int_equal(emk_sglist_add(&l, 0x1ff000, 0x2000), 0); /* past RAM */
    assert_int_equal(emk_dma_sg_map(&f->p.dev, &l, iov, 4, 0), -EFAULT);
}

static void interrupts(void **state)
{
    fixture *f = (fixture *)*state;
    emk_tm_msi m;
    emk_irq_set(&f->p.dev, 3, 1);
    emk_irq_set(&f->p.dev, 3, 1);
    assert_int_equal(emk_tm_irq_level(f->tm, 3), 1);
    assert_int_equal(emk_tm_irq_raises(f->tm, 3), 1);
    emk_irq_set(&f->p.dev, 3, 0);
    assert_int_equal(emk_tm_irq_level(f->tm, 3), 0);
    emk_irq_set(&f->p.dev, 999, 1); /* out of range: ignored */
    assert_int_equal(emk_msi_send(&f->p.dev, 0xfee00000, 0x41), 0);
    assert_int_equal(emk_tm_msi_count(f->tm), 1);
    assert_int_equal(emk_tm_msi_pop(f->tm, &m), 1);
    assert_int_equal(m.data, 0x41);
    assert_int_equal(emk_tm_msi_pop(f->tm, &m), 0);
}

static void ioeventfd_routes_to_notifier(void **state)
{
    fixture *f = (fixture *)*state;
    emk_notifier n;

    assert_int_equal(emk_notifier_init(&n), 0);
    assert_int_equal(emk_dev_add_ioeventfd(&f->p.dev, &f->p.r, 16, 4, &n), 0);
    assert_int_equal(emk_dev_add_ioeventfd(&f->p.dev, &f->p.r, 62, 4, &n), -EINVAL);
    assert_int_equal(emk_tm_mmio_write(f->tm, 0x1010, 4, 7), 0);
    assert_int_equal(f->p.writes, 0); /* the device was not called */
    assert_int_equal(emk_notifier_test_and_clear(&n), 1);
    assert_int_equal(emk_notifier_test_and_clear(&n), 0);
    /* another width at the same offset still reaches the device */
    assert_int_equal(emk_tm_mmio_write(f->tm, 0x1010, 8, 7), 0);
    assert_int_equal(f->p.writes, 1);
    emk_dev_del_ioeventfds(&f->p.dev);
    emk_notifier_cleanup(&n);
}

static void guest_alloc(void **state)
{
    fixture *f = (fixture *)*state;
    uint64_t a = emk_tm_alloc(f->tm, 100, 4096), b = emk_tm_alloc(f->tm, 8, 8);
    assert_true(a >= 0x100000 && (a & 4095) == 0);
    assert_true(b >= a + 100);
    assert_int_equal(emk_tm_alloc(f->tm, 1 << 21, 8), 0);
    assert_int_equal(emk_tm_alloc(f->tm, 8, 3), 0);
    assert_null(emk_tm_ram(f->tm, 0x200000 - 4, 8));
}

static void parse_sizes(void **state)
{
    uint64_t v;
    (void)state;
    assert_int_equal(emk_parse_size("64M", &v), 0);
    assert_int_equal(v, 64u << 20);
    assert_int_equal(emk_parse_size("512", &v), 0);
    assert_int_equal(v, 512);
    assert_int_equal(emk_parse_size("2GiB", &v), 0);
    assert_int_equal(v, 2ull << 30);
    assert_int_equal(emk_parse_size("1x", &v), -EINVAL);
    assert_int_equal(emk_parse_size("", &v), -EINVAL);
    assert_int_equal(emk_parse_size("-1", &v), -EINVAL);
    assert_int_equal(emk_parse_size("99999999999999999999", &v), -ERANGE);
    assert_int_equal(emk_parse_size("17179869184T", &v), -ERANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(dispatch_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(dispatch_rejects_without_calling, setup, teardown),
        cmocka_unit_test_setup_teardown(dispatch_bounds_direct, setup, teardown),
        cmocka_unit_test_setup_teardown(dispatch_unaligned_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(unmapped_access, setup, teardown),
        cmocka_unit_test_setup_teardown(overlap_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(dma_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(dma_disabled, setup, teardown),
        cmocka_unit_test_setup_teardown(dma_own_mmio_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(dma_short_map, setup, teardown),
        cmocka_unit_test_setup_teardown(sglist_ops, setup, teardown),
        cmocka_unit_test_setup_teardown(interrupts, setup, teardown),
        cmocka_unit_test_setup_teardown(ioeventfd_routes_to_notifier, setup, teardown),
        cmocka_unit_test_setup_teardown(guest_alloc, setup, teardown),
        cmocka_unit_test(parse_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
