/*
 * emkit/nvme_pci.h - the NVMe controller as a PCI Express function (class
 * 01:08:02): BAR0/1 64-bit registers and doorbells, BAR4 exclusive MSI-X
 * (one vector per completion queue plus the admin queue), INTA# as the
 * fallback.  Transport glue only; the spec logic is emkit/nvme.h.
 */
#ifndef EMKIT_NVME_PCI_H
#define EMKIT_NVME_PCI_H

#include "emkit/pci.h"
#include "emkit/nvme.h"

#ifdef __cplusplus
extern "C" {
#endif

/** PCI identity (QEMU's NVMe IDs, so guests bind their stock driver). */
enum emk_nvme_pci_ids {
    EMK_NVME_PCI_VENDOR = 0x1b36,
    EMK_NVME_PCI_DEVICE = 0x0010,
    EMK_NVME_PCI_CLASS = 0x010802,
    EMK_NVME_PCI_MSIX_BAR = 4
};

/** A controller behind a PCIe function.  Caller-owned; fields private. */
typedef struct emk_nvme_pci {
    emk_pci_fn fn;
    emk_nvme ctrl;
    void *msix_storage;
    emk_irq vec[EMK_NVME_MAX_VECTORS];  /* the function's message vectors */
    emk_irq intx;
} emk_nvme_pci;

/** Initialises a controller (see emk_nvme_init) behind a PCIe function.
 *  Attach emk_nvme_pci_fn() to a segment or a root port afterwards.
 *  Returns 0 or a negative errno (nothing to clean up). */
EMK_API int emk_nvme_pci_init(emk_nvme_pci *p, const emk_nvme_options *opts,
                              emk_bus *bus, emk_loop *loop);
/** Undoes emk_nvme_pci_init (detach the function from the bus first). */
EMK_API void emk_nvme_pci_cleanup(emk_nvme_pci *p);
/** The PCI function. */
EMK_API emk_pci_fn *emk_nvme_pci_fn(emk_nvme_pci *p);
/** The controller. */
EMK_API emk_nvme *emk_nvme_pci_ctrl(emk_nvme_pci *p);

#ifdef __cplusplus
}
#endif

#endif
