/*
 * sblk_pci.c - PCI transport glue for the simple block device: the PCI
 * core's function, BAR 0, and its INTx interrupt object handed to the
 * device.  Function Level Reset resets the device.
 */
#include <string.h>

#include "emkit/sblk_pci.h"

static void fn_reset(emk_pci_fn *fn)
{
    emk_sblk_reset(&((emk_sblk_pci *)fn->opaque)->sblk);
}

static const emk_pci_fn_ops sblk_pci_ops = {
    .reset = fn_reset,
};

int emk_sblk_pci_init(emk_sblk_pci *p, emk_bus *bus, emk_loop *loop,
                      emk_blk *blk, const emk_sblk_options *opts,
                      uint16_t vendor, uint16_t device)
{
    emk_sblk_options o;
    emk_pci_id id;
    int err;

    memset(p, 0, sizeof(*p));
    memset(&o, 0, sizeof(o));
    if (opts)
        o = *opts;
    o.irq = &p->intx;               /* set up below, before any access */
    err = emk_sblk_init(&p->sblk, bus, loop, blk, &o);
    if (err < 0)
        return err;
    memset(&id, 0, sizeof(id));
    id.vendor_id = vendor ? vendor : EMK_SBLK_PCI_VENDOR;
    id.device_id = device ? device : EMK_SBLK_PCI_DEVICE;
    id.class_code = EMK_SBLK_PCI_CLASS;
    id.header_type = EMK_PCI_HEADER_TYPE_NORMAL;
    id.interrupt_pin = 1;
    err = emk_pci_fn_init(&p->fn, &p->sblk.dev, &id, &sblk_pci_ops, p);
    if (err == 0) {
        /* the device registered its window for standalone use; the PCI
         * core registers it again as BAR 0 */
        (void)emk_dev_del_region(&p->sblk.dev, &p->sblk.mmio);
        err = emk_pci_bar_register(&p->fn, 0, &p->sblk.mmio,
                                   EMK_PCI_BAR_MEM32);
    }
    if (err < 0) {
        emk_sblk_cleanup(&p->sblk);
        return err;
    }
    emk_pci_fn_irqs(&p->fn, NULL, 0, &p->intx);
    return 0;
}

void emk_sblk_pci_reset(emk_sblk_pci *p)
{
    emk_sblk_reset(&p->sblk);
}

void emk_sblk_pci_cleanup(emk_sblk_pci *p)
{
    emk_sblk_cleanup(&p->sblk);
}
