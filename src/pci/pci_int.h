/*
 * pci_int.h - private helpers shared by the PCI core's files.
 */
#ifndef EMK_PCI_INT_H
#define EMK_PCI_INT_H

#include "emkit/pci.h"

/* The function's lock (emk_pci_fn.lock): every entry point a device
 * thread or a vCPU may call takes it; callbacks into the device run
 * without it. */
static inline void emk_pci__lock(const emk_pci_fn *fn)
{
    pthread_mutex_lock((pthread_mutex_t *)(void *)&fn->lock);
}

static inline void emk_pci__unlock(const emk_pci_fn *fn)
{
    pthread_mutex_unlock((pthread_mutex_t *)(void *)&fn->lock);
}

/** 1 if fn has a type 1 (bridge) header. */
static inline int emk_pci__is_bridge(const emk_pci_fn *fn)
{
    return (fn->cfg[EMK_PCI_HEADER_TYPE] & 0x7f) == EMK_PCI_HEADER_TYPE_BRIDGE;
}

/** Number of BAR slots of fn's header type. */
static inline unsigned emk_pci__num_bars(const emk_pci_fn *fn)
{
    return emk_pci__is_bridge(fn) ? EMK_PCI_BRIDGE_NUM_BARS : EMK_PCI_NUM_BARS;
}

/** 1 if [off, off+len) overlaps [start, start+n). */
static inline int emk_pci__overlaps(uint32_t off, unsigned len, uint32_t start,
                                    uint32_t n)
{
    return off < start + n && start < off + len;
}

/** The PCIe device/port type, or -1 for a non-express function. */
static inline int emk_pci__pcie_type(const emk_pci_fn *fn)
{
    if (!fn->exp_cap)
        return -1;
    return (emk_pci_get_word(fn, fn->exp_cap + EMK_PCIE_FLAGS) >> 4) & 0xf;
}

/** 1 if fn is a PCIe downstream-facing port (root or switch downstream). */
static inline int emk_pci__is_down_port(const emk_pci_fn *fn)
{
    int t = emk_pci__pcie_type(fn);
    return t == EMK_PCIE_TYPE_ROOT_PORT || t == EMK_PCIE_TYPE_DOWNSTREAM;
}

/* msi.c: react to a config write touching the MSI or MSI-X capability,
 * or a change of Bus Master Enable. */
void emk_pci__msi_config_written(emk_pci_fn *fn, uint32_t off, unsigned len);
void emk_pci__msi_bus_master_on(emk_pci_fn *fn);
/* rootport.c: re-evaluate a port's hot-plug interrupt after a write to
 * Slot Control / Slot Status. */
void emk_pcie__slot_update(emk_pci_fn *port);
/* pcie.c: writes the power-on values of the PCIe capability's writable
 * registers (init and reset). */
void emk_pcie__defaults(emk_pci_fn *fn);
/* reset.c: MSI/MSI-X state back to power-on. */
void emk_pci__msi_reset(emk_pci_fn *fn);
/* bar.c: unmaps BAR `bar` of fn if mapped. */
void emk_pci__bar_unmap(emk_pci_fn *fn, unsigned bar);
/* config.c: recompute the INTx output level. */
void emk_pci__intx_update(emk_pci_fn *fn);

#endif
