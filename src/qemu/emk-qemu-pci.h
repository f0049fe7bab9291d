/*
 * emk-qemu-pci.h - the adapter's glue between emkit's PCI core
 * (emkit/pci.h) and QEMU's PCIDevice (see pcifn.c).
 */
#ifndef EMKIT_QEMU_ADAPTER_PCI_H
#define EMKIT_QEMU_ADAPTER_PCI_H

#include "emk-qemu.h"
#include "emkit/pci.h"

/** Makes fn the function behind h->pdev: copies its config space into
 *  QEMU's and registers each of its BARs with QEMU.  0 or -errno. */
int emk_qemu_pci_attach(EmkQemuHost *h, emk_pci_fn *fn);

/** PCIDeviceClass.config_read body: emkit's config space answers. */
uint32_t emk_qemu_pci_config_read(EmkQemuHost *h, uint32_t addr, int len);

/** PCIDeviceClass.config_write body: emkit's core, then QEMU's default
 *  (BAR placement, command register, interrupt line). */
void emk_qemu_pci_config_write(EmkQemuHost *h, uint32_t addr, uint32_t val,
                               int len);

#endif
