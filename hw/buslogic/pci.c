/*
 * pci.c - PCI transport glue for the BusLogic adapter: function 104B:1040
 * (class SCSI), BAR 0 the four I/O ports, BAR 1 the registers as 32-bit
 * memory, INTA# the adapter's level interrupt.  A function reset resets
 * the adapter.
 */
#include <string.h>

#include "emkit/buslogic_pci.h"

static void fn_reset(emk_pci_fn *fn)
{
    emk_buslogic_reset(&((emk_buslogic_pci *)fn->opaque)->bl);
}

static const emk_pci_fn_ops bl_pci_ops = {
    .reset = fn_reset,
};

int emk_buslogic_pci_init(emk_buslogic_pci *p, emk_bus *bus, emk_loop *loop,
                          const emk_buslogic_options *opts)
{
    emk_buslogic_options o;
    emk_pci_id id;
    int err;

    memset(p, 0, sizeof(*p));
    memset(&o, 0, sizeof(o));
    if (opts)
        o = *opts;
    o.irq = &p->intx;               /* set up below, before any access */
    err = emk_buslogic_init(&p->bl, bus, loop, &o);
    if (err < 0)
        return err;
    memset(&id, 0, sizeof(id));
    id.vendor_id = EMK_BUSLOGIC_PCI_VENDOR;
    id.device_id = EMK_BUSLOGIC_PCI_DEVICE;
    id.subsystem_vendor_id = EMK_BUSLOGIC_PCI_VENDOR;
    id.subsystem_id = EMK_BUSLOGIC_PCI_DEVICE;
    id.class_code = EMK_BUSLOGIC_PCI_CLASS;
    id.revision = 1;
    id.header_type = EMK_PCI_HEADER_TYPE_NORMAL;
    id.interrupt_pin = 1;
    err = emk_pci_fn_init(&p->fn, &p->bl.dev, &id, &bl_pci_ops, p);
    if (err == 0) {
        /* the adapter registered its windows for standalone use; the PCI
         * core registers them again as BARs */
        (void)emk_dev_del_region(&p->bl.dev, &p->bl.io);
        (void)emk_dev_del_region(&p->bl.dev, &p->bl.mmio);
        err = emk_pci_bar_register(&p->fn, 0, &p->bl.io, EMK_PCI_BAR_IO);
    }
    if (err == 0)
        err = emk_pci_bar_register(&p->fn, 1, &p->bl.mmio, EMK_PCI_BAR_MEM32);
    if (err < 0) {
        emk_buslogic_cleanup(&p->bl);
        return err;
    }
    emk_pci_fn_irqs(&p->fn, NULL, 0, &p->intx);
    return 0;
}

void emk_buslogic_pci_reset(emk_buslogic_pci *p)
{
    emk_buslogic_reset(&p->bl);
}

void emk_buslogic_pci_cleanup(emk_buslogic_pci *p)
{
    emk_buslogic_cleanup(&p->bl);
}
