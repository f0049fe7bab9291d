/*
 * dump.c - a function's config space in the hex layout `lspci -xxxx`
 * prints and `lspci -F` reads back.
 */
#include <stdio.h>

#include "pci/pci_int.h"

int emk_pci_dump_lspci(const emk_pci_fn *fn, uint16_t segment, uint8_t bus,
                       char *buf, size_t cap)
{
    size_t pos = 0;
    unsigned off, i;
    int n;

    /* lspci's reader wants text after the address: use its -xn style */
    n = snprintf(buf, cap, "%04x:%02x:%02x.%u %02x%02x: %04x:%04x\n", segment,
                 bus, (unsigned)(fn->devfn >> 3), (unsigned)(fn->devfn & 7),
                 fn->cfg[EMK_PCI_CLASS_DEVICE + 1], fn->cfg[EMK_PCI_CLASS_DEVICE],
                 emk_pci_get_word(fn, EMK_PCI_VENDOR_ID),
                 emk_pci_get_word(fn, EMK_PCI_DEVICE_ID));
    if (n < 0 || (size_t)n >= cap)
        return -ENOSPC;
    pos = (size_t)n;
    for (off = 0; off < fn->cfg_size; off += 16) {
        n = snprintf(buf + pos, cap - pos, off < 0x100 ? "%02x:" : "%03x:", off);
        if (n < 0 || (size_t)n >= cap - pos)
            return -ENOSPC;
        pos += (size_t)n;
        for (i = 0; i < 16; i++) {
            n = snprintf(buf + pos, cap - pos, " %02x", fn->cfg[off + i]);
            if (n < 0 || (size_t)n >= cap - pos)
                return -ENOSPC;
            pos += (size_t)n;
        }
        if (cap - pos < 2)
            return -ENOSPC;
        buf[pos++] = '\n';
        buf[pos] = 0;
    }
    if (cap - pos < 2)
        return -ENOSPC;
    buf[pos++] = '\n';
    buf[pos] = 0;
    return (int)pos;
}
