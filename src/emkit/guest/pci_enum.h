/*
 * pci_enum.h - a firmware-like PCI enumerator for the test machine (guest
 * side, test code).  It only uses guest accesses (ECAM MMIO through
 * emk_tm_mmio_*): walks every segment's buses, numbers bridges, follows
 * ARI next-function chains behind ports with ARI forwarding, sizes BARs,
 * assigns them from memory / prefetchable / I/O pools, programs bridge
 * windows and enables decoding and bus mastering.  It can then program a
 * function's MSI-X table and enable MSI-X.
 */
#ifndef EMK_GUEST_PCI_ENUM_H
#define EMK_GUEST_PCI_ENUM_H

#include "emkit/testmachine.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_pci_enum_limits {
    EMK_PCI_ENUM_MAX_FNS = 64,
    EMK_PCI_ENUM_MAX_SEGS = 8
};

/** A segment as the firmware knows it (from MCFG). */
typedef struct emk_pci_enum_seg {
    uint16_t segment;
    uint64_t ecam_base;   /**< address of bus_start's configuration space */
    uint8_t bus_start, bus_end;
} emk_pci_enum_seg;

/** One function found. */
typedef struct emk_pci_enum_fn {
    uint16_t segment;
    uint8_t bus, devfn;
    uint16_t vendor_id, device_id;
    uint32_t class_code;
    uint8_t header_type;          /**< without the multi-function bit */
    int parent;                   /**< index of the upstream bridge, -1 */
    uint8_t secondary, subordinate; /**< bridges */
    uint64_t bar_addr[6], bar_size[6];
    unsigned bar_flags[6];        /**< low bits of the BAR register */
    unsigned msix_cap, msix_nvec, msix_table_bar, msix_pba_bar;
    uint32_t msix_table_off, msix_pba_off;
    unsigned exp_cap;
} emk_pci_enum_fn;

/** Enumerator state and address pools (caller-owned). */
typedef struct emk_pci_enum {
    emk_tm *tm;
    emk_pci_enum_seg segs[EMK_PCI_ENUM_MAX_SEGS];
    unsigned nsegs;
    uint64_t mem_next, mem_end;     /**< 32-bit non-prefetchable pool */
    uint64_t pref_next, pref_end;   /**< 64-bit prefetchable pool */
    uint64_t io_next, io_end;       /**< I/O port pool */
    emk_pci_enum_fn fns[EMK_PCI_ENUM_MAX_FNS];
    unsigned nfns;
    int ari_enabled;                /**< ports on which ARI forwarding was set */
    int error;                      /**< sticky: first error seen */
} emk_pci_enum;

/** Prepares e for machine tm with the given segments and address pools
 *  (each [base, end)).  -EINVAL on bad arguments. */
EMK_API int emk_pci_enum_init(emk_pci_enum *e, emk_tm *tm, const emk_pci_enum_seg *segs,
                      unsigned nsegs, uint64_t mem_base, uint64_t mem_end,
                      uint64_t pref_base, uint64_t pref_end,
                      uint64_t io_base, uint64_t io_end);

/** Enumerates and configures every segment.  Returns the number of
 *  functions found, or the first error (-ENOSPC when a pool or the table
 *  runs out). */
EMK_API int emk_pci_enum_run(emk_pci_enum *e);

/** Config access by (segment, bus, devfn, offset) through ECAM. */
EMK_API int emk_pci_enum_cfg_read(emk_pci_enum *e, uint16_t seg, uint8_t bus,
                          uint8_t devfn, uint32_t off, unsigned size,
                          uint32_t *val);
EMK_API int emk_pci_enum_cfg_write(emk_pci_enum *e, uint16_t seg, uint8_t bus,
                           uint8_t devfn, uint32_t off, unsigned size,
                           uint32_t val);

/** Index of the first function with the given IDs (from `from`), or -1. */
EMK_API int emk_pci_enum_find(const emk_pci_enum *e, uint16_t vendor, uint16_t device,
                      unsigned from);

/** Programs MSI-X entries 0..nvec-1 of function idx with address addr and
 *  data data_base + vector, unmasks them and enables MSI-X.  -ENOENT if
 *  the function has no MSI-X, -EINVAL if nvec is too large. */
EMK_API int emk_pci_enum_msix_setup(emk_pci_enum *e, unsigned idx, uint64_t addr,
                            uint32_t data_base, unsigned nvec);

/** Guest address of MSI-X table entry `vector` of function idx (0 if
 *  none). */
EMK_API uint64_t emk_pci_enum_msix_entry(const emk_pci_enum *e, unsigned idx,
                                 unsigned vector);

#ifdef __cplusplus
}
#endif

#endif
