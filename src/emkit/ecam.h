/*
 * emkit/ecam.h - the multi-segment ECAM host bridge (segments, config routing
 * by segment/bus/devfn) and ACPI MCFG table generation.
 * Part of the PCI core: read emkit/pci.h first (it includes this file).
 */
#ifndef EMKIT_ECAM_H
#define EMKIT_ECAM_H

#include "emkit/pci.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- ECAM host bridge, segments, MCFG ----------------------------------- */

/** One PCI segment (domain): its ECAM window and bus range. */
typedef struct emk_pci_seg {
    uint16_t segment;
    uint8_t bus_start, bus_end;
    uint64_t ecam_base;              /**< guest-physical address of bus_start */
    emk_region ecam;                 /**< (bus_end - bus_start + 1) << 20 bytes */
    emk_region_ops ecam_ops;
    emk_pci_fn *root_bus;            /**< functions on bus bus_start */
    struct emk_pci_host *host;
} emk_pci_seg;

/** A host bridge owning several segments. */
typedef struct emk_pci_host {
    emk_dev dev;                     /**< owns the ECAM regions */
    emk_pci_seg *segs;               /**< caller storage */
    unsigned nsegs, cap;
    uint64_t stat_cfg_unclaimed;     /**< config accesses nobody answered */
} emk_pci_host;

/** Initialises a host bridge on bus with room for cap segments in segs
 *  (caller storage). */
EMK_API void emk_pci_host_init(emk_pci_host *h, emk_bus *bus, emk_pci_seg *segs,
                       unsigned cap);

/** Adds segment `segment` covering buses [bus_start, bus_end] with its
 *  ECAM window at ecam_base (1 MiB aligned) and maps that window on the
 *  bus.  -EEXIST for a duplicate segment number, -ENOSPC when full,
 *  -EINVAL for a bad range or alignment, or the bus's mapping error.
 *  Returns the index of the segment. */
EMK_API int emk_pci_host_add_segment(emk_pci_host *h, uint16_t segment,
                             uint64_t ecam_base, uint8_t bus_start,
                             uint8_t bus_end);

/** The segment with number `segment`, or NULL. */
EMK_API emk_pci_seg *emk_pci_host_segment(emk_pci_host *h, uint16_t segment);

/** Attaches fn to the root bus (bus_start) of segment seg at devfn.
 *  -EEXIST if taken. */
EMK_API int emk_pci_seg_attach(emk_pci_seg *seg, emk_pci_fn *fn, uint8_t devfn);

/** Finds the function answering config requests for (bus, devfn) in
 *  segment seg, following bridge bus numbers; NULL if none. */
EMK_API emk_pci_fn *emk_pci_seg_find(emk_pci_seg *seg, uint8_t bus, uint8_t devfn);

/** Config access by (segment, bus, devfn, register) as decoded from ECAM.
 *  Reads of absent functions return all-ones (and -ENODEV); writes are
 *  dropped (-ENODEV). */
EMK_API int emk_pci_host_config_read(emk_pci_host *h, uint16_t segment,
                             uint8_t bus, uint8_t devfn, uint32_t reg,
                             unsigned size, uint32_t *val);
EMK_API int emk_pci_host_config_write(emk_pci_host *h, uint16_t segment,
                              uint8_t bus, uint8_t devfn, uint32_t reg,
                              unsigned size, uint32_t val);

/** MCFG table sizes. */
enum emk_pci_mcfg {
    EMK_ACPI_HEADER_SIZE = 36,
    EMK_MCFG_HEADER_SIZE = 44,       /**< ACPI header + 8 reserved bytes */
    EMK_MCFG_ENTRY_SIZE = 16
};

/** Writes the ACPI MCFG table (revision 1) describing every segment into
 *  buf (cap bytes), with a valid checksum.  oem_id (6 chars) and
 *  oem_table_id (8 chars) may be NULL ("EMKIT ", "EMKITPCI").  Returns the
 *  table length, or -ENOSPC if cap is too small. */
EMK_API int emk_pci_mcfg_build(const emk_pci_host *h, void *buf, size_t cap,
                       const char *oem_id, const char *oem_table_id);

#ifdef __cplusplus
}
#endif

#endif
