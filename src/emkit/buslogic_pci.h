/*
 * emkit/buslogic_pci.h - the BusLogic BT-958 as a conventional PCI
 * function 104B:1040 on emkit's PCI core: BAR 0 its 4 I/O ports, BAR 1
 * the registers as memory, INTA# level.  Transport glue only; the adapter
 * is emkit/buslogic.h.
 */
#ifndef EMKIT_BUSLOGIC_PCI_H
#define EMKIT_BUSLOGIC_PCI_H

#include "emkit/buslogic.h"
#include "emkit/pci.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_buslogic_pci_ids {
    EMK_BUSLOGIC_PCI_VENDOR = 0x104b,   /* BusLogic */
    EMK_BUSLOGIC_PCI_DEVICE = 0x1040,   /* MultiMaster */
    EMK_BUSLOGIC_PCI_CLASS = 0x010000   /* mass storage, SCSI */
};

/** The adapter behind a PCI function.  Caller-owned. */
typedef struct emk_buslogic_pci {
    emk_pci_fn fn;
    emk_buslogic bl;
    emk_irq intx;
} emk_buslogic_pci;

/** Initialises the adapter (see emk_buslogic_init; opts->irq is ignored:
 *  the adapter drives INTA#) behind a PCI function with BAR 0 = I/O ports
 *  and BAR 1 = memory.  Attach p->fn to a segment afterwards.  0 or a
 *  negative errno (nothing to clean up). */
EMK_API int emk_buslogic_pci_init(emk_buslogic_pci *p, emk_bus *bus,
                                  emk_loop *loop,
                                  const emk_buslogic_options *opts);

/** Resets the adapter (emk_buslogic_reset); a PCI function reset does it
 *  too. */
EMK_API void emk_buslogic_pci_reset(emk_buslogic_pci *p);

/** Undoes emk_buslogic_pci_init (as emk_buslogic_cleanup). */
EMK_API void emk_buslogic_pci_cleanup(emk_buslogic_pci *p);

#ifdef __cplusplus
}
#endif

#endif
