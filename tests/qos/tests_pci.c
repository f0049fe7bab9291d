/*
 * tests_pci.c - the PCI-function tests: every PCI device through every
 * path, through guest accesses only (ECAM config space, MMIO).  They see
 * qos_pcifn: the enumerator's view of the function, the BARs it must
 * have, and three device actions (DMA, signal a vector, restart).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "qos.h"
#include "qos_cmocka.h"

static const emk_pci_enum_fn *efn(qos_ctx *c)
{
    return &c->e.fns[c->pcifn.idx];
}

static uint16_t command(qos_ctx *c)
{
    return (uint16_t)qos_cfg_read(c, EMK_PCI_COMMAND, 2);
}

/* MMIO read of the main BAR's first dword: the access's return code. */
static int main_read(qos_ctx *c, uint64_t *v)
{
    *v = 0;
    return emk_tm_mmio_read(c->tm, efn(c)->bar_addr[c->pcifn.main_bar], 4, v);
}

void qos_test_bar_sizing(qos_ctx *c)
{
    qos_pcifn *p = &c->pcifn;
    uint16_t cmd = command(c);
    uint64_t v0, v1;
    unsigned i;

    assert_int_equal(main_read(c, &v0), 0);
    qos_cfg_write(c, EMK_PCI_COMMAND, 2, cmd & ~(EMK_PCI_COMMAND_MEMORY | EMK_PCI_COMMAND_IO));
    for (i = 0; i < 6; i++) {
        uint32_t off = EMK_PCI_BAR0 + 4 * i, lo = qos_cfg_read(c, off, 4), hi = 0, m;
        int is64 = (p->bar64 >> i) & 1;
        uint64_t size;

        if (i > 0 && ((p->bar64 >> (i - 1)) & 1))
            continue;                   /* upper half of a 64-bit BAR */
        qos_cfg_write(c, off, 4, 0xffffffffu);
        m = qos_cfg_read(c, off, 4);
        if (is64) {
            hi = qos_cfg_read(c, off + 4, 4);
            qos_cfg_write(c, off + 4, 4, 0xffffffffu);
            size = ~(((uint64_t)qos_cfg_read(c, off + 4, 4) << 32) | (m & ~0xfu)) + 1;
            qos_cfg_write(c, off + 4, 4, hi);
        } else {
            size = m ? (uint64_t)(uint32_t)(~(m & ~0xfu) + 1) : 0;
        }
        qos_cfg_write(c, off, 4, lo);
        assert_int_equal(size, p->bar_size[i]);
        assert_int_equal(efn(c)->bar_size[i], p->bar_size[i]);
        if (!p->bar_size[i]) {
            assert_int_equal(m, 0);     /* not implemented: reads 0 */
            continue;
        }
        assert_int_equal(m & 1, 0);     /* memory */
        assert_int_equal((m >> 1) & 3, is64 ? 2 : 0);
        assert_int_equal(efn(c)->bar_addr[i] & (size - 1), 0);
        assert_int_equal(qos_cfg_read(c, off, 4), lo);
    }
    qos_cfg_write(c, EMK_PCI_COMMAND, 2, cmd);
    assert_int_equal(main_read(c, &v1), 0);
    assert_int_equal(v1, v0);
    assert_int_equal(p->ops->dma(p), 0);
}

void qos_test_command_decode(qos_ctx *c)
{
    uint16_t cmd = command(c);
    uint64_t v0, v;

    assert_true(cmd & EMK_PCI_COMMAND_MEMORY);
    assert_int_equal(main_read(c, &v0), 0);
    /* memory decode off: the BAR is gone from the bus */
    qos_cfg_write(c, EMK_PCI_COMMAND, 2, cmd & ~EMK_PCI_COMMAND_MEMORY);
    assert_int_equal(command(c) & EMK_PCI_COMMAND_MEMORY, 0);
    assert_int_equal(main_read(c, &v), -ENODEV);
    assert_int_equal((uint32_t)v, 0xffffffffu);
    /* I/O decode does not gate memory BARs (none of them is I/O) */
    qos_cfg_write(c, EMK_PCI_COMMAND, 2,
                  (cmd | EMK_PCI_COMMAND_MEMORY) & ~EMK_PCI_COMMAND_IO);
    assert_int_equal(main_read(c, &v), 0);
    assert_int_equal(v, v0);
    qos_cfg_write(c, EMK_PCI_COMMAND, 2, cmd);
    assert_int_equal(main_read(c, &v), 0);
    assert_int_equal(v, v0);
    assert_int_equal(c->pcifn.ops->dma(&c->pcifn), 0);
}

void qos_test_bus_master(qos_ctx *c)
{
    qos_pcifn *p = &c->pcifn;
    uint16_t cmd = command(c);

    assert_true(cmd & EMK_PCI_COMMAND_MASTER);
    assert_int_equal(p->ops->dma(p), 0);
    qos_cfg_write(c, EMK_PCI_COMMAND, 2, cmd & ~EMK_PCI_COMMAND_MASTER);
    assert_int_not_equal(p->ops->dma(p), 0);
    qos_cfg_write(c, EMK_PCI_COMMAND, 2, cmd);
    assert_int_equal(p->ops->restart(p), 0);
    assert_int_equal(p->ops->dma(p), 0);
}

static void pause_ms(qos_ctx *c, unsigned ms)
{
    struct timespec ts = {0, 1000000};

    while (ms--) {
        emk_tm_run_pending(c->tm, 100);
        nanosleep(&ts, NULL);
    }
}

static int pending(qos_ctx *c)
{
    const emk_pci_enum_fn *f = efn(c);
    uint64_t v = 0;

    (void)emk_tm_mmio_read(c->tm, f->bar_addr[f->msix_pba_bar] + f->msix_pba_off +
                           (c->pcifn.vector / 64) * 8, 8, &v);
    return (int)((v >> (c->pcifn.vector % 64)) & 1);
}

/* Signals while masked (entry mask, then function mask): no message, the
 * pending bit; unmasking delivers it with the programmed data. */
static void masked_then_delivered(qos_ctx *c, uint64_t reg, unsigned size,
                                  uint32_t masked, uint32_t unmasked)
{
    qos_pcifn *p = &c->pcifn;
    uint64_t n0;
    emk_tm_msi m;
    int i;

    (void)qos_irq_check(c, QOS_IRQ_MSIX);   /* drains and forgets */
    n0 = emk_tm_msi_count(c->tm);
    if (size == 4)
        assert_int_equal(emk_tm_mmio_write(c->tm, reg, 4, masked), 0);
    else
        qos_cfg_write(c, (uint32_t)reg, 2, masked);
    assert_int_equal(p->ops->signal(p), 0);
    for (i = 0; i < 100 && !pending(c); i++)
        pause_ms(c, 1);
    assert_true(pending(c));
    assert_int_equal(emk_tm_msi_count(c->tm), n0);
    if (size == 4)
        assert_int_equal(emk_tm_mmio_write(c->tm, reg, 4, unmasked), 0);
    else
        qos_cfg_write(c, (uint32_t)reg, 2, unmasked);
    /* the pending message at once; a device may signal again when it
     * re-checks its queues on unmask (NVMe with shadow doorbells cannot
     * know the guest consumed the entry), never another vector */
    assert_true(emk_tm_msi_count(c->tm) >= n0 + 1);
    assert_false(pending(c));
    assert_true(emk_tm_msi_pop(c->tm, &m));
    do {
        assert_int_equal(m.addr, QOS_MSI_ADDR);
        assert_int_equal(m.data, QOS_MSI_DATA + p->vector);
    } while (emk_tm_msi_pop(c->tm, &m));
    c->msi_seen = emk_tm_msi_count(c->tm);
}

void qos_test_msix_mask(qos_ctx *c)
{
    const emk_pci_enum_fn *f = efn(c);
    uint64_t entry = emk_pci_enum_msix_entry(&c->e, c->pcifn.idx, c->pcifn.vector);
    uint32_t ctl = qos_cfg_read(c, f->msix_cap + EMK_PCI_MSIX_FLAGS, 2);

    assert_true(entry != 0);
    assert_true(ctl & EMK_PCI_MSIX_FLAGS_ENABLE);
    /* unmasked: delivered at once */
    (void)qos_irq_check(c, QOS_IRQ_MSIX);
    assert_int_equal(c->pcifn.ops->signal(&c->pcifn), 0);
    assert_int_equal(qos_irq_check(c, QOS_IRQ_MSIX), 0);
    masked_then_delivered(c, entry + EMK_PCI_MSIX_ENTRY_VECTOR_CTRL, 4,
                          EMK_PCI_MSIX_ENTRY_CTRL_MASKBIT, 0);
    masked_then_delivered(c, f->msix_cap + EMK_PCI_MSIX_FLAGS, 2,
                          ctl | EMK_PCI_MSIX_FLAGS_MASKALL, ctl);
}

void qos_test_flr(qos_ctx *c)
{
    const emk_pci_enum_fn *f = efn(c);
    qos_pcifn *p = &c->pcifn;
    uint16_t cmd = command(c);
    uint64_t v;
    unsigned i;

    assert_true(f->exp_cap != 0);
    assert_true(qos_cfg_read(c, f->exp_cap + EMK_PCIE_DEVCAP, 4) & 0x10000000u);
    assert_int_equal(p->ops->dma(p), 0);
    qos_cfg_write(c, f->exp_cap + EMK_PCIE_DEVCTL, 2,
                  qos_cfg_read(c, f->exp_cap + EMK_PCIE_DEVCTL, 2) | 0x8000);
    pause_ms(c, 1);
    /* back to power-on: no decode, no bus mastering, BARs unassigned,
     * MSI-X off, the initiate bit reads 0 */
    assert_int_equal(command(c) & 7, 0);
    assert_int_equal(qos_cfg_read(c, f->exp_cap + EMK_PCIE_DEVCTL, 2) & 0x8000, 0);
    for (i = 0; i < 6; i++)
        if (p->bar_size[i])
            assert_int_equal(qos_cfg_read(c, EMK_PCI_BAR0 + 4 * i, 4) & ~0xfu, 0);
    assert_int_equal(main_read(c, &v), -ENODEV);
    if (f->msix_cap)
        assert_int_equal(qos_cfg_read(c, f->msix_cap + EMK_PCI_MSIX_FLAGS, 2) &
                         EMK_PCI_MSIX_FLAGS_ENABLE, 0);
    /* firmware programs it again; the driver starts over */
    for (i = 0; i < 6; i++) {
        if (!p->bar_size[i])
            continue;
        qos_cfg_write(c, EMK_PCI_BAR0 + 4 * i, 4, (uint32_t)f->bar_addr[i]);
        if ((p->bar64 >> i) & 1)
            qos_cfg_write(c, EMK_PCI_BAR0 + 4 * i + 4, 4,
                          (uint32_t)(f->bar_addr[i] >> 32));
    }
    qos_cfg_write(c, EMK_PCI_COMMAND, 2, cmd);
    if (c->opts.irq == QOS_IRQ_MSIX)
        assert_int_equal(emk_pci_enum_msix_setup(&c->e, p->idx, QOS_MSI_ADDR,
                                                 QOS_MSI_DATA, f->msix_nvec), 0);
    assert_int_equal(p->ops->restart(p), 0);
    assert_int_equal(p->ops->dma(p), 0);
}

/* INTx Disable: the device's work completes (the drivers poll) but INTA#
 * stays low; cleared, the next operation raises it again. */
void qos_test_intx_disable(qos_ctx *c)
{
    qos_pcifn *p = &c->pcifn;
    uint16_t cmd = command(c);

    (void)qos_irq_check(c, QOS_IRQ_INTX);
    assert_int_equal(p->ops->dma(p), 0);
    assert_int_equal(qos_irq_check(c, QOS_IRQ_INTX), 0);
    qos_cfg_write(c, EMK_PCI_COMMAND, 2, cmd | EMK_PCI_COMMAND_INTX_DISABLE);
    assert_int_equal(p->ops->dma(p), 0);
    pause_ms(c, 2);
    assert_int_equal(emk_tm_irq_raises(c->tm, 0), c->line_seen);
    assert_int_equal(emk_tm_irq_level(c->tm, 0), 0);
    c->line_high = 0;               /* the window starts with the line low */
    qos_cfg_write(c, EMK_PCI_COMMAND, 2, cmd);
    assert_int_equal(p->ops->dma(p), 0);
    assert_int_equal(qos_irq_check(c, QOS_IRQ_INTX), 0);
}

/* A real peer reads the function's config space: lspci -F on the core's
 * dump names it by its IDs and sees MSI-X enabled exactly on MSI-X
 * paths.  Skipped where lspci (pciutils, tests/deps/pci.apt) is missing. */
void qos_test_lspci(qos_ctx *c)
{
    const emk_pci_enum_fn *f = efn(c);
    char dump[20000], cmd[300], line[512], path[64], ids[16];
    int len, found = 0, msix_on = 0, msix_off = 0;
    FILE *fo, *pi;

    if (system("command -v lspci >/dev/null 2>&1") != 0)
        skip();
    len = emk_pci_dump_lspci(c->pcifn.fn, f->segment, f->bus, dump, sizeof(dump));
    assert_true(len > 0);
    snprintf(path, sizeof(path), "/tmp/qos-lspci.%d", (int)getpid());
    fo = fopen(path, "w");
    assert_non_null(fo);
    assert_int_equal(fwrite(dump, 1, (size_t)len, fo), (size_t)len);
    fclose(fo);
    snprintf(cmd, sizeof(cmd), "lspci -F %s -nn -vv 2>/dev/null", path);
    snprintf(ids, sizeof(ids), "[%04x:%04x]", f->vendor_id, f->device_id);
    pi = popen(cmd, "r");
    assert_non_null(pi);
    while (fgets(line, sizeof(line), pi)) {
        found |= strstr(line, ids) != NULL;
        msix_on |= strstr(line, "MSI-X: Enable+") != NULL;
        msix_off |= strstr(line, "MSI-X: Enable-") != NULL;
    }
    pclose(pi);
    unlink(path);
    assert_true(found);
    if (f->msix_cap) {
        assert_int_equal(msix_on, c->opts.irq == QOS_IRQ_MSIX);
        assert_int_equal(msix_off, c->opts.irq != QOS_IRQ_MSIX);
    }
}
