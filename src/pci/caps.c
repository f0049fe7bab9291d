/*
 * caps.c - the standard (0x34 ...) and extended (0x100 ...) capability
 * list builder and lookups.
 */
#include "pci/pci_int.h"

int emk_pci_cap_add(emk_pci_fn *fn, uint8_t id, unsigned size)
{
    unsigned off = (fn->cap_next_free + 3u) & ~3u;
    unsigned p, guard;

    if (size < 2 || off < 0x40 || off + size > EMK_PCI_CFG_SIZE)
        return -ENOSPC;
    fn->cfg[off] = id;
    fn->cfg[off + 1] = 0;
    /* link at the end of the list */
    p = EMK_PCI_CAPABILITY_LIST;
    for (guard = 0; fn->cfg[p] && guard < 64; guard++)
        p = (unsigned)(fn->cfg[p] & 0xfc) + 1;
    if (guard >= 64)
        return -ENOSPC;
    fn->cfg[p] = (uint8_t)off;
    fn->cfg[EMK_PCI_STATUS] |= EMK_PCI_STATUS_CAP_LIST;
    fn->cap_next_free = (uint8_t)((off + size + 3u) & ~3u);
    if (off + size + 3u >= EMK_PCI_CFG_SIZE)
        fn->cap_next_free = 0xff;   /* full: the next add fails */
    return (int)off;
}

int emk_pci_ext_cap_add(emk_pci_fn *fn, uint16_t id, uint8_t ver,
                        unsigned size)
{
    unsigned off = (fn->ext_cap_next_free + 3u) & ~3u;
    uint32_t hdr;

    if (fn->cfg_size != EMK_PCIE_CFG_SIZE || size < 4 || ver > 0xf)
        return -EINVAL;
    if (off < 0x100 || off + size > EMK_PCIE_CFG_SIZE)
        return -ENOSPC;
    emk_pci_set_long(fn, off, (uint32_t)id | (uint32_t)ver << 16);
    if (fn->ext_cap_last) {
        hdr = emk_pci_get_long(fn, fn->ext_cap_last);
        hdr = (hdr & 0x000fffffu) | (uint32_t)off << 20;
        emk_pci_set_long(fn, fn->ext_cap_last, hdr);
    }
    fn->ext_cap_last = (uint16_t)off;
    fn->ext_cap_next_free = (uint16_t)((off + size + 3u) & ~3u);
    return (int)off;
}

unsigned emk_pci_cap_find(const emk_pci_fn *fn, uint8_t id)
{
    unsigned p = fn->cfg[EMK_PCI_CAPABILITY_LIST] & 0xfc, guard;

    if (!(fn->cfg[EMK_PCI_STATUS] & EMK_PCI_STATUS_CAP_LIST))
        return 0;
    for (guard = 0; p >= 0x40 && guard < 48; guard++) {
        if (fn->cfg[p] == id)
            return p;
        p = fn->cfg[p + 1] & 0xfc;
    }
    return 0;
}

unsigned emk_pci_ext_cap_find(const emk_pci_fn *fn, uint16_t id)
{
    unsigned p = 0x100, guard;

    if (fn->cfg_size != EMK_PCIE_CFG_SIZE)
        return 0;
    for (guard = 0; p >= 0x100 && p <= EMK_PCIE_CFG_SIZE - 4 && guard < 960;
         guard++) {
        uint32_t hdr = emk_pci_get_long(fn, p);

        if (hdr == 0)
            return 0;
        if ((hdr & 0xffff) == id)
            return p;
        p = (hdr >> 20) & 0xffc;
    }
    return 0;
}
