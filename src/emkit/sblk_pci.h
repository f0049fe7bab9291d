/*
 * emkit/sblk_pci.h - the simple block device as a conventional PCI function
 * on emkit's PCI core: its MMIO window is BAR 0 (32-bit memory), DONE
 * drives INTA#.  Transport glue only; the device is emkit/sblk.h.
 */
#ifndef EMKIT_SBLK_PCI_H
#define EMKIT_SBLK_PCI_H

#include "emkit/pci.h"
#include "emkit/sblk.h"

#ifdef __cplusplus
extern "C" {
#endif

/** PCI identity (QEMU's Red Hat vendor range, as the adapter always used). */
enum emk_sblk_pci_ids {
    EMK_SBLK_PCI_VENDOR = 0x1b36,
    EMK_SBLK_PCI_DEVICE = 0x0e4b,
    EMK_SBLK_PCI_CLASS = 0x018000     /* mass storage, other */
};

/** The device behind a PCI function.  Caller-owned. */
typedef struct emk_sblk_pci {
    emk_pci_fn fn;
    emk_sblk sblk;
    emk_irq intx;         /* the function's INTA#, driven by DONE */
} emk_sblk_pci;

/** Initialises the device (see emk_sblk_init; opts->irq is ignored: DONE
 *  drives INTA#) behind a PCI function with BAR 0 = its MMIO window.
 *  vendor/device 0 take the defaults.  Attach p->fn to a segment or a
 *  port afterwards.  0 or a negative errno (nothing to clean up). */
EMK_API int emk_sblk_pci_init(emk_sblk_pci *p, emk_bus *bus, emk_loop *loop,
                      emk_blk *blk, const emk_sblk_options *opts,
                      uint16_t vendor, uint16_t device);

/** Function Level Reset semantics: emk_sblk_reset. */
EMK_API void emk_sblk_pci_reset(emk_sblk_pci *p);

/** Undoes emk_sblk_pci_init (as emk_sblk_cleanup). */
EMK_API void emk_sblk_pci_cleanup(emk_sblk_pci *p);

#ifdef __cplusplus
}
#endif

#endif
