/*
 * test_pci_config.c - configuration space masks, headers, BAR sizing,
 * command-register gating of decode and DMA, INTx, bridge routing windows,
 * capability list builder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "pci/pci_fixture.h"
#include "pci/pci_test_util.h"


static void test_header_ro_rw(void **state)
{
    fixture *f = *state;
    emk_pci_fn *fn = &f->tdevs[0].fn;

    assert_int_equal(rd(fn, 0, 4), TDEV_VENDOR | (uint32_t)TDEV_DEVICE << 16);
    wr(fn, 0, 4, 0x12345678);                  /* IDs are read-only */
    assert_int_equal(rd(fn, 0, 4), TDEV_VENDOR | (uint32_t)TDEV_DEVICE << 16);
    wr(fn, 0x08, 4, 0xffffffff);               /* class/revision RO */
    assert_int_equal(rd(fn, 0x08, 4), 0x01080202);
    wr(fn, EMK_PCI_COMMAND, 2, 0xffff);
    assert_int_equal(rd(fn, EMK_PCI_COMMAND, 2), 0x0547);
    wr(fn, EMK_PCI_COMMAND, 2, 0);
    wr(fn, EMK_PCI_INTERRUPT_LINE, 2, 0xffff);  /* line RW, pin RO */
    assert_int_equal(rd(fn, EMK_PCI_INTERRUPT_LINE, 1), 0xff);
    assert_int_equal(rd(fn, EMK_PCI_INTERRUPT_PIN, 1), 1);
    wr(fn, EMK_PCI_CACHE_LINE_SIZE, 1, 0x10);
    assert_int_equal(rd(fn, EMK_PCI_CACHE_LINE_SIZE, 1), 0x10);
    /* PCIe function: latency timer is read-only zero */
    wr(fn, EMK_PCI_LATENCY_TIMER, 1, 0x40);
    assert_int_equal(rd(fn, EMK_PCI_LATENCY_TIMER, 1), 0);
    assert_int_equal(rd(fn, EMK_PCI_HEADER_TYPE, 1), 0);
    assert_int_equal(rd(fn, EMK_PCI_SUBSYSTEM_VENDOR_ID, 4), 0x11001af4);
    wr(fn, EMK_PCI_SUBSYSTEM_VENDOR_ID, 4, 0);
    assert_int_equal(rd(fn, EMK_PCI_SUBSYSTEM_VENDOR_ID, 4), 0x11001af4);
}

static void test_status_w1c(void **state)
{
    fixture *f = *state;
    emk_pci_fn *fn = &f->tdevs[0].fn;
    uint16_t st;

    /* the device raised errors */
    emk_pci_set_word(fn, EMK_PCI_STATUS,
                     emk_pci_get_word(fn, EMK_PCI_STATUS) | 0xf900);
    st = (uint16_t)rd(fn, EMK_PCI_STATUS, 2);
    assert_int_equal(st & 0xf910, 0xf910);
    wr(fn, EMK_PCI_STATUS, 2, 0x0800);         /* clears only bit 11 */
    assert_int_equal(rd(fn, EMK_PCI_STATUS, 2), st & ~0x0800u);
    wr(fn, EMK_PCI_STATUS, 2, 0x0010);         /* CapList is RO */
    assert_int_equal(rd(fn, EMK_PCI_STATUS, 2), st & ~0x0800u);
    wr(fn, EMK_PCI_STATUS + 1, 1, 0xff);       /* byte write clears the rest */
    assert_int_equal(rd(fn, EMK_PCI_STATUS, 2) & 0xf900, 0);
    assert_true(rd(fn, EMK_PCI_STATUS, 2) & EMK_PCI_STATUS_CAP_LIST);
}

static void test_bar_sizing(void **state)
{
    fixture *f = *state;
    emk_pci_fn *fn = &f->tdevs[0].fn;

    wr(fn, EMK_PCI_BAR0, 4, 0xffffffff);
    assert_int_equal(rd(fn, EMK_PCI_BAR0, 4), 0xfffff000);     /* 4 KiB mem32 */
    wr(fn, EMK_PCI_BAR0 + 4, 4, 0xffffffff);
    assert_int_equal(rd(fn, EMK_PCI_BAR0 + 4, 4), 0);          /* unimplemented */
    wr(fn, EMK_PCI_BAR0 + 8, 4, 0xffffffff);
    wr(fn, EMK_PCI_BAR0 + 12, 4, 0xffffffff);
    assert_int_equal(rd(fn, EMK_PCI_BAR0 + 8, 4), 0xfff0000c); /* 1 MiB, 64-bit pref */
    assert_int_equal(rd(fn, EMK_PCI_BAR0 + 12, 4), 0xffffffff);
    wr(fn, EMK_PCI_BAR0 + 16, 4, 0xffffffff);
    assert_int_equal(rd(fn, EMK_PCI_BAR0 + 16, 4), 0xfffff000); /* MSI-X BAR */
    wr(fn, EMK_PCI_BAR0 + 20, 4, 0xffffffff);
    assert_int_equal(rd(fn, EMK_PCI_BAR0 + 20, 4), 0xffffffe1); /* 32 B I/O */
    /* byte writes keep the low flag bits */
    wr(fn, EMK_PCI_BAR0 + 8, 1, 0x00);
    assert_int_equal(rd(fn, EMK_PCI_BAR0 + 8, 4), 0xfff0000c);
    wr(fn, EMK_PCI_BAR0 + 8, 4, 0x12345678);
    wr(fn, EMK_PCI_BAR0 + 12, 4, 0x9);
    assert_int_equal(emk_pci_bar_addr(fn, 2), 0x912300000ull);
    assert_int_equal(emk_pci_bar_addr(fn, 5), 0xffffffe0u);
}

static void test_bar_register_errors(void **state)
{
    fixture *f = *state;
    tdev *t = &f->tdevs[0];
    emk_region r = t->bar0;

    assert_int_equal(emk_pci_bar_register(&t->fn, 0, &r, 0), -EBUSY);
    assert_int_equal(emk_pci_bar_register(&t->fn, 3, &r, 0), -EBUSY); /* upper half */
    assert_int_equal(emk_pci_bar_register(&t->fn, 6, &r, 0), -EINVAL);
    assert_int_equal(emk_pci_bar_register(&t->fn, 1, &r, EMK_PCI_BAR_IO), -EINVAL);
    assert_int_equal(emk_pci_bar_register(&t->fn, 1, &r,
                     EMK_PCI_BAR_IO | EMK_PCI_BAR_MEM64), -EINVAL);
    assert_int_equal(emk_pci_bar_register(&f->ports[0].fn, 1, &r,
                     EMK_PCI_BAR_MEM64), -EINVAL);   /* bridge: BARs 0..1 */
}

static void test_command_gates_decode(void **state)
{
    fixture *f = *state;
    tdev *t = &f->tdevs[0];
    emk_pci_fn *fn = &t->fn;
    uint64_t v;

    wr(fn, EMK_PCI_BAR0, 4, 0x80000000);
    wr(fn, EMK_PCI_BAR0 + 20, 4, 0x2000);
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x80000000, 4, &v), -ENODEV);
    assert_false(fn->bars[0].mapped);
    wr(fn, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MEMORY);
    assert_true(fn->bars[0].mapped);
    assert_int_equal(emk_tm_mmio_write(f->tm, 0x80000010, 4, 0xdeadbeef), 0);
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x80000010, 4, &v), 0);
    assert_int_equal(v, 0xdeadbeef);
    assert_int_equal(emk_tm_pio_read(f->tm, 0x2000, 4, &v), -ENODEV);
    wr(fn, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MEMORY | EMK_PCI_COMMAND_IO);
    assert_int_equal(emk_tm_pio_read(f->tm, 0x2010, 4, &v), 0);
    assert_int_equal(v, 0xdeadbeef);   /* BAR5 shares the register file */
    /* move the BAR: old address stops decoding */
    wr(fn, EMK_PCI_BAR0, 4, 0x80100000);
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x80000010, 4, &v), -ENODEV);
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x80100010, 4, &v), 0);
    assert_int_equal(v, 0xdeadbeef);
    wr(fn, EMK_PCI_COMMAND, 2, 0);
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x80100010, 4, &v), -ENODEV);
    assert_false(fn->bars[5].mapped);
    /* a 32-bit BAR is never mapped across 4 GiB, address 0 never */
    wr(fn, EMK_PCI_BAR0, 4, 0);
    wr(fn, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MEMORY);
    assert_false(fn->bars[0].mapped);
    /* 64-bit BAR above 4 GiB */
    wr(fn, EMK_PCI_BAR0 + 8, 4, 0);
    wr(fn, EMK_PCI_BAR0 + 12, 4, 0x10);
    assert_true(fn->bars[2].mapped);
    assert_int_equal(fn->bars[2].addr, 0x1000000000ull);
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x1000000008ull, 8, &v), 0);
    assert_int_equal(v, 8 ^ 0x5a5a5a5a5a5a5a5aull);
}

static void test_bus_master_gates_dma(void **state)
{
    fixture *f = *state;
    tdev *t = &f->tdevs[0];
    uint8_t buf[16] = {1, 2, 3};

    assert_int_equal(emk_dma_write(&t->dev, 0x1000, buf, sizeof(buf)), -EPERM);
    assert_int_equal(emk_dma_read(&t->dev, 0x1000, buf, sizeof(buf)), -EPERM);
    wr(&t->fn, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MASTER);
    assert_true(emk_pci_bus_master(&t->fn));
    assert_int_equal(emk_dma_write(&t->dev, 0x1000, buf, sizeof(buf)), 0);
    assert_int_equal(((uint8_t *)emk_tm_ram(f->tm, 0x1000, 16))[2], 3);
    wr(&t->fn, EMK_PCI_COMMAND, 2, 0);
    assert_int_equal(emk_dma_read(&t->dev, 0x1000, buf, sizeof(buf)), -EPERM);
}

static void test_intx(void **state)
{
    fixture *f = *state;
    emk_pci_fn *fn = &f->tdevs[0].fn;
    uint64_t raises = emk_tm_irq_raises(f->tm, 0);

    emk_pci_set_irq(fn, 1);
    assert_int_equal(emk_tm_irq_level(f->tm, 0), 1);
    assert_int_equal(emk_tm_irq_raises(f->tm, 0), raises + 1);
    assert_true(rd(fn, EMK_PCI_STATUS, 2) & EMK_PCI_STATUS_INTERRUPT);
    wr(fn, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_INTX_DISABLE);
    assert_int_equal(emk_tm_irq_level(f->tm, 0), 0);
    assert_true(rd(fn, EMK_PCI_STATUS, 2) & EMK_PCI_STATUS_INTERRUPT);
    wr(fn, EMK_PCI_COMMAND, 2, 0);
    assert_int_equal(emk_tm_irq_level(f->tm, 0), 1);
    /* MSI enabled: INTx is not asserted */
    wr(fn, fn->msi.cap + EMK_PCI_MSI_FLAGS, 2, EMK_PCI_MSI_FLAGS_ENABLE);
    assert_int_equal(emk_tm_irq_level(f->tm, 0), 0);
    wr(fn, fn->msi.cap + EMK_PCI_MSI_FLAGS, 2, 0);
    assert_int_equal(emk_tm_irq_level(f->tm, 0), 1);
    emk_pci_set_irq(fn, 0);
    assert_int_equal(emk_tm_irq_level(f->tm, 0), 0);
    assert_false(rd(fn, EMK_PCI_STATUS, 2) & EMK_PCI_STATUS_INTERRUPT);
}

static void test_bad_accesses(void **state)
{
    fixture *f = *state;
    emk_pci_fn *fn = &f->tdevs[0].fn;
    emk_pci_fn conv;
    tdev *t = &f->tdevs[0];
    emk_pci_id id = {0x1234, 0x5678, 0, 0, 0x020000, 0, 0, 0, 0, 0};

    assert_int_equal(rd(fn, 0xffe, 2), 0);
    assert_int_equal(rd(fn, 0xfff, 2), 0xffffffff);
    assert_int_equal(rd(fn, 0x1000, 1), 0xffffffff);
    assert_int_equal(rd(fn, 0, 0), 0xffffffff);
    assert_int_equal(rd(fn, 0, 5), 0xffffffff);
    assert_int_equal(emk_pci_config_write(fn, 0xffd, 4, 0), -ERANGE);
    assert_int_equal(emk_pci_config_write(fn, 0, 8, 0), -EINVAL);
    assert_int_equal(rd(fn, 1, 3), TDEV_VENDOR >> 8 | (uint32_t)TDEV_DEVICE << 8);
    /* a conventional function has 256 bytes */
    assert_int_equal(emk_pci_fn_init(&conv, &t->dev, &id, NULL, NULL), 0);
    assert_int_equal(rd(&conv, 0xfc, 4), 0);
    assert_int_equal(rd(&conv, 0x100, 4), 0xffffffff);
    assert_int_equal(emk_pci_config_write(&conv, 0x100, 4, 0), -ERANGE);
    assert_int_equal(emk_pci_ext_cap_add(&conv, 1, 1, 8), -EINVAL);
    id.interrupt_pin = 5;
    assert_int_equal(emk_pci_fn_init(&conv, &t->dev, &id, NULL, NULL), -EINVAL);
    /* writes to the conventional function's latency timer stick */
    id.interrupt_pin = 0;
    assert_int_equal(emk_pci_fn_init(&conv, &t->dev, &id, NULL, NULL), 0);
    wr(&conv, EMK_PCI_LATENCY_TIMER, 1, 0x40);
    assert_int_equal(rd(&conv, EMK_PCI_LATENCY_TIMER, 1), 0x40);
    /* restore: conv's init cleared the shared device's DMA flag */
    t->dev.dma_enabled = 0;
}

static void test_type1_masks(void **state)
{
    fixture *f = *state;
    emk_pci_fn *rp = &f->ports[0].fn;

    assert_int_equal(rd(rp, EMK_PCI_HEADER_TYPE, 1), 1);
    assert_int_equal(rd(rp, 0x08, 4) >> 8, 0x060400);
    wr(rp, EMK_PCI_PRIMARY_BUS, 4, 0xffffffff);
    assert_int_equal(rd(rp, EMK_PCI_PRIMARY_BUS, 4), 0x00ffffff);
    wr(rp, EMK_PCI_IO_BASE, 2, 0xffff);
    assert_int_equal(rd(rp, EMK_PCI_IO_BASE, 2), 0xf1f1);      /* 32-bit I/O */
    wr(rp, EMK_PCI_MEMORY_BASE, 4, 0xffffffff);
    assert_int_equal(rd(rp, EMK_PCI_MEMORY_BASE, 4), 0xfff0fff0);
    wr(rp, EMK_PCI_PREF_MEMORY_BASE, 4, 0xffffffff);
    assert_int_equal(rd(rp, EMK_PCI_PREF_MEMORY_BASE, 4), 0xfff1fff1); /* 64-bit */
    wr(rp, EMK_PCI_BRIDGE_CONTROL, 2, 0xffff);
    assert_int_equal(rd(rp, EMK_PCI_BRIDGE_CONTROL, 2), 0x006f);
    wr(rp, EMK_PCI_BRIDGE_CONTROL, 2, 0);
    emk_pci_set_word(rp, EMK_PCI_SEC_STATUS, 0xf900);
    wr(rp, EMK_PCI_SEC_STATUS, 2, 0x8000);
    assert_int_equal(rd(rp, EMK_PCI_SEC_STATUS, 2), 0x7900);
    wr(rp, EMK_PCI_BAR0, 4, 0xffffffff);                       /* no BARs */
    assert_int_equal(rd(rp, EMK_PCI_BAR0, 4), 0);
    wr(rp, EMK_PCI_BRIDGE_ROM_ADDRESS, 4, 0xffffffff);
    assert_int_equal(rd(rp, EMK_PCI_BRIDGE_ROM_ADDRESS, 4), 0);
}

static void test_root_port_routing(void **state)
{
    fixture *f = *state;
    emk_pci_fn *rp = &f->ports[0].fn, *ep = &f->tdevs[1].fn;
    uint64_t base, limit, v;

    /* endpoint below the port: BAR0 at 0x90000000, BAR2 at 64 GiB */
    wr(ep, EMK_PCI_BAR0, 4, 0x90000000);
    wr(ep, EMK_PCI_BAR0 + 8, 4, 0x0000000c);
    wr(ep, EMK_PCI_BAR0 + 12, 4, 0x10);
    wr(ep, EMK_PCI_BAR0 + 20, 4, 0x3000);
    wr(ep, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MEMORY | EMK_PCI_COMMAND_IO);
    /* the port forwards nothing yet: memory decode is off */
    assert_false(ep->bars[0].mapped);
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x90000000, 4, &v), -ENODEV);
    wr(rp, EMK_PCI_MEMORY_BASE, 4, 0x90009000);    /* [0x90000000, 0x900fffff] */
    assert_int_equal(emk_pci_bridge_window(rp, EMK_PCI_WINDOW_MEM, &base, &limit), 1);
    assert_int_equal(base, 0x90000000);
    assert_int_equal(limit, 0x900fffff);
    assert_false(ep->bars[0].mapped);
    wr(rp, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MEMORY);
    assert_true(ep->bars[0].mapped);
    assert_true(emk_pci_bridge_forwards(rp, EMK_SPACE_MEM, 0x90000000, 4096));
    assert_false(emk_pci_bridge_forwards(rp, EMK_SPACE_MEM, 0x900ff000, 0x2000));
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x90000000, 4, &v), 0);
    assert_false(ep->bars[2].mapped);            /* not in any window */
    /* prefetchable window above 4 GiB */
    wr(rp, EMK_PCI_PREF_MEMORY_BASE, 4, 0x00000000 | 0x00100000);  /* base 0, limit 0x1fffff */
    wr(rp, EMK_PCI_PREF_BASE_UPPER32, 4, 0x10);
    wr(rp, EMK_PCI_PREF_LIMIT_UPPER32, 4, 0x10);
    assert_int_equal(emk_pci_bridge_window(rp, EMK_PCI_WINDOW_PREF, &base, &limit), 1);
    assert_int_equal(base, 0x1000000000ull);
    assert_int_equal(limit, 0x10001fffffull);
    assert_true(ep->bars[2].mapped);
    assert_int_equal(ep->bars[2].addr, 0x1000000000ull);
    /* I/O window [0x3000, 0x3fff] needs the port's I/O enable */
    wr(rp, EMK_PCI_IO_BASE, 2, 0x3030);
    assert_false(ep->bars[5].mapped);
    wr(rp, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MEMORY | EMK_PCI_COMMAND_IO);
    assert_true(ep->bars[5].mapped);
    assert_int_equal(emk_tm_pio_read(f->tm, 0x3000, 1, &v), 0);
    /* secondary bus reset: forwarding stops and every function below is
     * reset (BARs unassigned, decode off), so nothing comes back after */
    wr(rp, EMK_PCI_BRIDGE_CONTROL, 2, EMK_PCI_BRIDGE_CTL_BUS_RESET);
    assert_false(ep->bars[0].mapped || ep->bars[2].mapped || ep->bars[5].mapped);
    assert_int_equal(rd(ep, EMK_PCI_COMMAND, 2), 0);
    assert_int_equal(rd(ep, EMK_PCI_BAR0, 4), 0);
    assert_int_equal(rd(ep, EMK_PCI_BAR0 + 8, 4), 0x0c);
    assert_int_equal(rd(rp, EMK_PCI_COMMAND, 2),
                     EMK_PCI_COMMAND_MEMORY | EMK_PCI_COMMAND_IO);
    wr(rp, EMK_PCI_BRIDGE_CONTROL, 2, 0);
    assert_false(ep->bars[0].mapped || ep->bars[2].mapped || ep->bars[5].mapped);
    wr(ep, EMK_PCI_BAR0, 4, 0x90000000);
    wr(ep, EMK_PCI_BAR0 + 12, 4, 0x10);
    wr(ep, EMK_PCI_BAR0 + 20, 4, 0x3000);
    wr(ep, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MEMORY | EMK_PCI_COMMAND_IO);
    assert_true(ep->bars[0].mapped && ep->bars[2].mapped && ep->bars[5].mapped);
    /* moving the window away unmaps; a closed window (base > limit) too */
    wr(rp, EMK_PCI_MEMORY_BASE, 4, 0x91009100);
    assert_false(ep->bars[0].mapped);
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x90000000, 4, &v), -ENODEV);
    wr(rp, EMK_PCI_MEMORY_BASE, 4, 0x8000fff0);
    assert_int_equal(emk_pci_bridge_window(rp, EMK_PCI_WINDOW_MEM, NULL, NULL), 0);
    assert_false(ep->bars[0].mapped);
    assert_int_equal(emk_pci_bridge_window(ep, EMK_PCI_WINDOW_MEM, NULL, NULL),
                     -EINVAL);
}

static int resets;
static void count_reset(emk_pci_fn *fn)
{
    (void)fn;
    resets++;
}

static void test_function_level_reset(void **state)
{
    fixture *f = *state;
    tdev *t = &f->tdevs[0];
    emk_pci_fn *fn = &t->fn;
    unsigned e = fn->exp_cap;
    static const emk_pci_fn_ops ops = {NULL, NULL, NULL, count_reset, NULL};
    emk_tm_msi m;

    fn->ops = &ops;
    resets = 0;
    assert_true(rd(fn, e + EMK_PCIE_DEVCAP, 4) & 0x10000000u);   /* FLR cap */
    wr(fn, EMK_PCI_BAR0 + 16, 4, 0x81000000);
    wr(fn, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MEMORY | EMK_PCI_COMMAND_MASTER);
    wr(fn, EMK_PCI_INTERRUPT_LINE, 1, 11);
    wr(fn, fn->msix.cap + 2, 2, EMK_PCI_MSIX_FLAGS_ENABLE);
    assert_int_equal(emk_tm_mmio_write(f->tm, 0x81000000 + 12, 4, 0), 0);
    assert_int_equal(emk_tm_mmio_write(f->tm, 0x81000000 + 16 + 12, 4, 0), 0);
    wr(fn, e + EMK_PCIE_DEVCTL, 2, 0x0050);                     /* MPS etc. */
    emk_pcie_aer_report(fn, 1, 6);
    assert_true(t->dev.dma_enabled);
    /* initiate FLR */
    wr(fn, e + EMK_PCIE_DEVCTL, 2, 0x8050);
    assert_int_equal(resets, 1);
    assert_int_equal(rd(fn, EMK_PCI_COMMAND, 2), 0);
    assert_false(t->dev.dma_enabled);
    assert_false(fn->bars[4].mapped);
    assert_int_equal(rd(fn, EMK_PCI_BAR0 + 16, 4), 0);
    assert_int_equal(rd(fn, EMK_PCI_INTERRUPT_LINE, 1), 0);
    assert_int_equal(rd(fn, EMK_PCI_INTERRUPT_PIN, 1), 1);
    assert_int_equal(rd(fn, e + EMK_PCIE_DEVCTL, 2), 0x2810);    /* power-on */
    assert_int_equal(rd(fn, e + EMK_PCIE_LNKCTL2, 2) & 0xf, EMK_PCIE_SPEED_8GT);
    assert_false(emk_pci_msix_enabled(fn));
    assert_true(emk_pci_msix_masked(fn, 0) && emk_pci_msix_masked(fn, 1));
    assert_int_equal(rd(fn, fn->aer_cap + 0x10, 4), 1u << 6);    /* sticky */
    assert_int_equal(rd(fn, 0, 4), TDEV_VENDOR | (uint32_t)TDEV_DEVICE << 16);
    /* MSI-X after reset: vectors are masked, notify only sets pending */
    wr(fn, EMK_PCI_BAR0 + 16, 4, 0x81000000);
    wr(fn, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MEMORY | EMK_PCI_COMMAND_MASTER);
    wr(fn, fn->msix.cap + 2, 2, EMK_PCI_MSIX_FLAGS_ENABLE);
    assert_int_equal(emk_pci_msix_notify(fn, 1), 1);
    assert_int_equal(emk_tm_msi_pop(f->tm, &m), 0);
    /* the root port has no FLR: bit 15 is not writable there */
    wr(&f->ports[0].fn, f->ports[0].fn.exp_cap + EMK_PCIE_DEVCTL, 2, 0x8000);
    assert_int_equal(rd(&f->ports[0].fn, f->ports[0].fn.exp_cap + EMK_PCIE_DEVCTL, 2), 0);
}

static void test_cap_builder(void **state)
{
    fixture *f = *state;
    emk_pci_fn *fn = &f->tdevs[0].fn;
    unsigned p, n = 0, guard = 0;
    int off;

    /* walk the list as a guest: PCIe, MSI, MSI-X in build order */
    for (p = rd(fn, EMK_PCI_CAPABILITY_LIST, 1); p && guard < 48; guard++) {
        assert_true(p >= 0x40 && (p & 3) == 0);
        n++;
        p = rd(fn, p + 1, 1);
    }
    assert_int_equal(n, 3);
    assert_int_equal(emk_pci_cap_find(fn, EMK_PCI_CAP_ID_EXP), fn->exp_cap);
    assert_int_equal(emk_pci_cap_find(fn, EMK_PCI_CAP_ID_MSI), fn->msi.cap);
    assert_int_equal(emk_pci_cap_find(fn, EMK_PCI_CAP_ID_MSIX), fn->msix.cap);
    assert_int_equal(emk_pci_cap_find(fn, EMK_PCI_CAP_ID_PM), 0);
    /* capability headers are read-only */
    wr(fn, fn->exp_cap, 2, 0);
    assert_int_equal(rd(fn, fn->exp_cap, 1), EMK_PCI_CAP_ID_EXP);
    off = emk_pci_cap_add(fn, EMK_PCI_CAP_ID_VNDR, 8);
    assert_true(off > 0);
    assert_int_equal(emk_pci_cap_find(fn, EMK_PCI_CAP_ID_VNDR), (unsigned)off);
    while ((off = emk_pci_cap_add(fn, EMK_PCI_CAP_ID_VNDR, 16)) > 0)
        assert_true(off + 16 <= 256);
    assert_int_equal(off, -ENOSPC);
    /* extended list: AER first on tdev0 */
    assert_int_equal(emk_pci_ext_cap_find(fn, EMK_PCI_EXT_CAP_ID_AER), 0x100);
    off = emk_pci_ext_cap_add(fn, 0x0b, 1, 0x10);
    assert_true(off > 0x100);
    assert_int_equal(rd(fn, 0x100, 4) >> 20, (unsigned)off);
    assert_int_equal(emk_pci_ext_cap_find(fn, 0x0b), (unsigned)off);
    assert_int_equal(emk_pci_ext_cap_add(fn, 0x0b, 1, 0x1000), -ENOSPC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_header_ro_rw, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_status_w1c, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_bar_sizing, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_bar_register_errors, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_command_gates_decode, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_bus_master_gates_dma, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_intx, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_bad_accesses, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_type1_masks, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_root_port_routing, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_function_level_reset, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_cap_builder, fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
