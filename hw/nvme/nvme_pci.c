/*
 * nvme_pci.c - PCI transport glue: hands the controller the PCI core's
 * interrupt objects (message vectors and INTx), registers BAR0 and the
 * MSI-X BAR, and re-sends pending vectors when MSI-X gets enabled or
 * unmasked.
 */
#include <stdlib.h>
#include <string.h>

#include "emkit/nvme_pci.h"


static void msi_changed(emk_pci_fn *fn)
{
    emk_nvme_pci *p = fn->opaque;

    emk_nvme_irq_resync(&p->ctrl);
}

/* Function Level Reset: a controller-level reset (queues torn down). */
static void fn_reset(emk_pci_fn *fn)
{
    emk_nvme_pci *p = fn->opaque;

    emk_nvme_reset(&p->ctrl);
}

static const emk_pci_fn_ops nvme_pci_ops = {
    .msi_changed = msi_changed,
    .reset = fn_reset,
};

int emk_nvme_pci_init(emk_nvme_pci *p, const emk_nvme_options *opts,
                      emk_bus *bus, emk_loop *loop)
{
    emk_pci_id id;
    emk_pcie_link link = { EMK_PCIE_SPEED_8GT, 4, 0, 0 };
    unsigned nvec;
    int e = 0;

    memset(p, 0, sizeof(*p));
    e = emk_nvme_init(&p->ctrl, opts, bus, loop);
    if (e)
        return e;
    nvec = opts->msix_vectors ? opts->msix_vectors
                              : (opts->max_queues ? opts->max_queues : 8) + 1;
    memset(&id, 0, sizeof(id));
    id.vendor_id = EMK_NVME_PCI_VENDOR;
    id.device_id = EMK_NVME_PCI_DEVICE;
    id.subsystem_vendor_id = 0x1af4;
    id.subsystem_id = 0x1100;
    id.class_code = EMK_NVME_PCI_CLASS;
    id.revision = 2;
    id.header_type = EMK_PCI_HEADER_TYPE_NORMAL;
    id.interrupt_pin = 1;
    id.express = 1;
    e = emk_pci_fn_init(&p->fn, &p->ctrl.dev, &id, &nvme_pci_ops, p);
    if (e)
        goto fail;
    /* the controller registered BAR0 for standalone use; the PCI core
     * registers it again as a BAR */
    (void)emk_dev_del_region(&p->ctrl.dev, &p->ctrl.bar0);
    e = emk_pci_bar_register(&p->fn, 0, &p->ctrl.bar0,
                             EMK_PCI_BAR_MEM64);
    if (e)
        goto fail;
    e = emk_pcie_cap_init(&p->fn, EMK_PCIE_TYPE_ENDPOINT, &link);
    if (e < 0)
        goto fail;
    p->msix_storage = calloc(1, emk_pci_msix_storage_size(nvec));
    if (!p->msix_storage) {
        e = -ENOMEM;
        goto fail;
    }
    e = emk_pci_msix_init(&p->fn, nvec, EMK_NVME_PCI_MSIX_BAR, 0,
                          EMK_NVME_PCI_MSIX_BAR, 0x800, p->msix_storage);
    if (e < 0)
        goto fail;
    if (nvec > EMK_NVME_MAX_VECTORS)
        nvec = EMK_NVME_MAX_VECTORS;
    emk_pci_fn_irqs(&p->fn, p->vec, nvec, &p->intx);
    emk_nvme_set_irqs(&p->ctrl, p->vec, nvec, &p->intx);
    return 0;
fail:
    emk_nvme_pci_cleanup(p);
    return e ? e : -EINVAL;
}

void emk_nvme_pci_cleanup(emk_nvme_pci *p)
{
    emk_nvme_cleanup(&p->ctrl);
    free(p->msix_storage);
    p->msix_storage = NULL;
}

emk_pci_fn *emk_nvme_pci_fn(emk_nvme_pci *p)
{
    return &p->fn;
}

emk_nvme *emk_nvme_pci_ctrl(emk_nvme_pci *p)
{
    return &p->ctrl;
}
