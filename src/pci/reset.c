/*
 * reset.c - function reset (FLR, secondary bus reset, host reset): back to
 * the power-on configuration.
 */
#include "pci/pci_int.h"

enum { AER_SIZE_MAX = 0x38 };

static void reset_one(emk_pci_fn *fn)
{
    uint32_t a;
    emk_pci_fn *c;

    emk_pci__lock(fn);
    for (a = 0; a < fn->cfg_size; a++) {
        /* AER registers are sticky across resets */
        if (fn->aer_cap && a >= fn->aer_cap && a < fn->aer_cap + (uint32_t)AER_SIZE_MAX)
            continue;
        fn->cfg[a] &= (uint8_t)~(fn->wmask[a] | fn->w1cmask[a]);
    }
    fn->cfg[EMK_PCI_STATUS] &= (uint8_t)~EMK_PCI_STATUS_INTERRUPT;
    fn->intx_level = 0;
    fn->hp_irq = 0;
    emk_pcie__defaults(fn);
    emk_pci__msi_reset(fn);
    emk_dev_set_dma(fn->dev, 0);
    emk_pci__intx_update(fn);
    emk_pci__unlock(fn);
    emk_pci_update_mappings(fn);
    for (c = fn->children; c; c = c->next)
        reset_one(c);
    if (fn->ops && fn->ops->reset)
        fn->ops->reset(fn);
}

void emk_pci_fn_reset(emk_pci_fn *fn)
{
    if (fn)
        reset_one(fn);
}
