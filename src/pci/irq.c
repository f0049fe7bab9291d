/*
 * irq.c - the PCI function's interrupts as interrupt objects (emk_irq):
 * message vectors that go out as MSI-X or MSI, whichever the guest
 * enabled, and the INTx pin.  Devices raise these and never call the
 * MSI/MSI-X code themselves.
 */
#include "emkit/pci.h"

static void vec_set(const emk_irq *irq, int level)
{
    emk_pci_fn *fn = irq->opaque;

    if (!level)
        return;
    if (emk_pci_msix_enabled(fn))
        (void)emk_pci_msix_notify(fn, irq->index);  /* masked: pending */
    else if (emk_pci_msi_enabled(fn))
        (void)emk_pci_msi_notify(fn, irq->index);
}

static int vec_ready(const emk_irq *irq)
{
    const emk_pci_fn *fn = irq->opaque;

    return emk_pci_msix_enabled(fn) || emk_pci_msi_enabled(fn);
}

static void intx_set(const emk_irq *irq, int level)
{
    emk_pci_set_irq(irq->opaque, level);
}

void emk_pci_fn_irqs(emk_pci_fn *fn, emk_irq *vec, unsigned n, emk_irq *intx)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        vec[i].name = "pci-vector";
        vec[i].set = vec_set;
        vec[i].ready = vec_ready;
        vec[i].opaque = fn;
        vec[i].index = i;
        vec[i].addr = 0;
    }
    if (intx) {
        intx->name = "pci-intx";
        intx->set = intx_set;
        intx->ready = NULL;
        intx->opaque = fn;
        intx->index = 0;
        intx->addr = 0;
    }
}
