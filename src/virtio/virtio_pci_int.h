/* virtio_pci_int.h - private glue between the virtio-pci transport's
 * files (pci.c: setup, interrupts, thread hand-over; pci_regs.c: the
 * registers). */
#ifndef EMK_VIRTIO_PCI_INT_H
#define EMK_VIRTIO_PCI_INT_H

#include "emkit/virtio_pci.h"

/* One BAR 4 access, in the device loop.  Always 0 (bad accesses are
 * counted in p->stat_bad_access and read as 0). */
int emk_virtio_pci__access(emk_virtio_pci *p, uint64_t off, unsigned size,
                           uint64_t *value, int is_write);

/* Drives INTA# from the ISR bits.  Device loop. */
void emk_virtio_pci__intx(emk_virtio_pci *p);

/* After a device reset: the transport's own registers to power-on. */
void emk_virtio_pci__reset_regs(emk_virtio_pci *p);

#endif
