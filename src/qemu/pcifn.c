/*
 * pcifn.c - an emkit PCI function (emkit/pci.h) behind a QEMU PCIDevice.
 *
 * emkit's PCI core owns configuration space: every config read is answered
 * by emk_pci_config_read and every write goes to emk_pci_config_write
 * (capabilities, MSI/MSI-X, PCIe registers, Bus Master Enable ->
 * dev->dma_enabled).  QEMU keeps its own copy of the header only so that
 * its PCI layer places the BARs, gates bus mastering and routes INTx: the
 * same write is also handed to pci_default_write_config, which changes
 * only bits QEMU itself declared writable (command, BARs, interrupt line).
 *
 * emkit-requires: emk_pci_config_read
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"

#include "emk-qemu.h"
#include "emk-qemu-pci.h"

static uint8_t bar_attr(const emk_pci_bar *b)
{
    uint8_t attr;

    if (b->flags & EMK_PCI_BAR_IO) {
        return PCI_BASE_ADDRESS_SPACE_IO;
    }
    attr = PCI_BASE_ADDRESS_SPACE_MEMORY;
    if (b->flags & EMK_PCI_BAR_MEM64) {
        attr |= PCI_BASE_ADDRESS_MEM_TYPE_64;
    }
    if (b->flags & EMK_PCI_BAR_PREFETCH) {
        attr |= PCI_BASE_ADDRESS_MEM_PREFETCH;
    }
    return attr;
}

int emk_qemu_pci_attach(EmkQemuHost *h, emk_pci_fn *fn)
{
    PCIDevice *pdev = h->pdev;
    uint32_t size = MIN(pci_config_size(pdev), fn->cfg_size);
    unsigned i;
    int ret;

    h->fn = fn;
    /* QEMU's copy starts as emkit's: identity, header type, capability
     * pointers (QEMU's own capability walkers then see emkit's list) */
    memcpy(pdev->config, fn->cfg, size);
    /* QEMU's PCI layer reads the port type of express bridges (requester
     * IDs, downstream-port checks) from its copy through exp.exp_cap */
    if (pci_is_express(pdev) && fn->exp_cap && fn->exp_cap < size) {
        pdev->exp.exp_cap = fn->exp_cap;
    }
    for (i = 0; i < EMK_PCI_NUM_BARS; i++) {
        const emk_pci_bar *b = &fn->bars[i];

        if (!b->region) {
            continue;
        }
        ret = emk_qemu_register_bar(h, i, b->region, bar_attr(b));
        if (ret < 0) {
            return ret;
        }
        if (b->flags & EMK_PCI_BAR_MEM64) {
            i++;
        }
    }
    return 0;
}

uint32_t emk_qemu_pci_config_read(EmkQemuHost *h, uint32_t addr, int len)
{
    return emk_pci_config_read(h->fn, addr, len);
}

void emk_qemu_pci_config_write(EmkQemuHost *h, uint32_t addr, uint32_t val,
                               int len)
{
    /* emkit first: its side effects (MSI-X enable, BAR mapping
     * bookkeeping) must be in place before QEMU maps the BARs */
    emk_pci_config_write(h->fn, addr, len, val);
    pci_default_write_config(h->pdev, addr, val, len);
}
