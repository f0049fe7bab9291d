/* test_sblk_pci.c - the template device behind emkit's PCI core: found by
 * the firmware-like enumerator with its IDs and class, BAR 0 is its MMIO
 * window, DONE drives INTA# through the function's interrupt object
 * (masked by the command register's INTx Disable), and a Function Level
 * Reset resets the device. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/testmachine.h"
#include "emkit/pci.h"
#include "emkit/sblk_pci.h"
#include "emkit/guest/pci_enum.h"
#include "emkit/guest/sblk_drv.h"

enum { ECAM = 0xb0000000u >> 4 };

static void test_enumerate_io_intx_flr(void **state)
{
    emk_tm_config cfg;
    emk_tm *tm;
    emk_pci_host host;
    emk_pci_seg segs[1];
    emk_pci_enum e;
    emk_pci_enum_seg es;
    emk_sblk_pci p;
    emk_sblk_drv d;
    emk_blk *blk;
    uint64_t buf, bar, v = 0;
    int err = 0, idx;

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_size = 8u << 20;
    tm = emk_tm_new(&cfg, &err);
    assert_non_null(tm);
    blk = emk_blk_open("ram:1M", 0, &err);
    assert_non_null(blk);
    emk_pci_host_init(&host, emk_tm_bus(tm), segs, 1);
    assert_int_equal(emk_pci_host_add_segment(&host, 0, (uint64_t)ECAM << 4, 0, 1), 0);
    assert_int_equal(emk_sblk_pci_init(&p, emk_tm_bus(tm), NULL, blk, NULL, 0, 0), 0);
    assert_int_equal(emk_pci_seg_attach(&segs[0], &p.fn, 2 << 3), 0);

    es.segment = 0;
    es.ecam_base = (uint64_t)ECAM << 4;
    es.bus_start = 0;
    es.bus_end = 1;
    assert_int_equal(emk_pci_enum_init(&e, tm, &es, 1, 0x80000000ull, 0x90000000ull,
                                       0x100000000ull, 0x200000000ull,
                                       0x1000, 0x2000), 0);
    assert_true(emk_pci_enum_run(&e) >= 1);
    idx = emk_pci_enum_find(&e, EMK_SBLK_PCI_VENDOR, EMK_SBLK_PCI_DEVICE, 0);
    assert_true(idx >= 0);
    assert_int_equal(e.fns[idx].class_code, EMK_SBLK_PCI_CLASS);
    assert_int_equal(e.fns[idx].bar_size[0], EMK_SBLK_MMIO_SIZE);
    bar = e.fns[idx].bar_addr[0];
    assert_int_equal(emk_tm_mmio_read(tm, bar + EMK_SBLK_REG_ID, 4, &v), 0);
    assert_int_equal(v, EMK_SBLK_ID);

    /* a request through BAR 0; DONE raises INTA# until acknowledged */
    assert_int_equal(emk_sblk_drv_init(&d, tm, bar, 0), 0);
    buf = emk_tm_alloc(tm, 4096, 4096);
    memset(emk_tm_ram(tm, buf, 4096), 0x5a, 4096);
    assert_int_equal(emk_sblk_drv_io(&d, EMK_SBLK_OP_WRITE, 0, 8, buf), 0);
    assert_int_equal(emk_tm_irq_level(tm, 0), 0);       /* the driver acked */
    assert_int_equal(emk_tm_mmio_write(tm, bar + EMK_SBLK_REG_OP, 4,
                                       EMK_SBLK_OP_READ), 0);
    assert_int_equal(emk_tm_mmio_write(tm, bar + EMK_SBLK_REG_COUNT, 4, 8), 0);
    assert_int_equal(emk_tm_mmio_write(tm, bar + EMK_SBLK_REG_LBA, 8, 0), 0);
    assert_int_equal(emk_tm_mmio_write(tm, bar + EMK_SBLK_REG_ADDR, 8, buf), 0);
    assert_int_equal(emk_tm_mmio_write(tm, bar + EMK_SBLK_REG_DOORBELL, 4, 1), 0);
    emk_tm_run_pending(tm, 100);
    assert_int_equal(emk_tm_irq_level(tm, 0), 1);
    /* INTx Disable masks the pin, clearing it brings the level back */
    emk_pci_config_write(&p.fn, 0x04, 2, 0x0406);
    assert_int_equal(emk_tm_irq_level(tm, 0), 0);
    emk_pci_config_write(&p.fn, 0x04, 2, 0x0006);
    assert_int_equal(emk_tm_irq_level(tm, 0), 1);
    assert_int_equal(emk_tm_mmio_write(tm, bar + EMK_SBLK_REG_STATUS, 4,
                                       EMK_SBLK_STATUS_DONE), 0);
    assert_int_equal(emk_tm_irq_level(tm, 0), 0);

    /* Function Level Reset: the device's registers are back to power-on */
    assert_int_equal(emk_tm_mmio_write(tm, bar + EMK_SBLK_REG_LBA, 8, 77), 0);
    emk_pci_fn_reset(&p.fn);
    emk_tm_run_pending(tm, 100);
    assert_int_equal(emk_sblk_busy(&p.sblk), 0);
    /* FLR cleared BAR 0 and MSE: program them again, as firmware would */
    emk_pci_config_write(&p.fn, 0x10, 4, (uint32_t)bar);
    emk_pci_config_write(&p.fn, 0x04, 2, 0x0006);
    v = 1;
    assert_int_equal(emk_tm_mmio_read(tm, bar + EMK_SBLK_REG_LBA, 8, &v), 0);
    assert_int_equal(v, 0);

    emk_sblk_pci_cleanup(&p);
    emk_blk_close(blk);
    emk_tm_free(tm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enumerate_io_intx_flr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
