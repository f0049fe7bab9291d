/* demo_pci.c - the PCI enumeration the main job's PCI demos share (see
 * demos.h). */
#include "demos.h"

int emk_demo_pci_find(emk_tm *tm, emk_pci_enum *e, uint64_t ecam,
                      uint16_t vendor, uint16_t device)
{
    emk_pci_enum_seg es;
    int err;

    es.segment = 0;
    es.ecam_base = ecam;
    es.bus_start = 0;
    es.bus_end = 1;
    err = emk_pci_enum_init(e, tm, &es, 1, 0x80000000ull, 0x90000000ull,
                            0x100000000ull, 0x200000000ull, 0x1000, 0x2000);
    if (err || (err = emk_pci_enum_run(e)) < 0)
        return err ? err : -EIO;
    err = emk_pci_enum_find(e, vendor, device, 0);
    return err < 0 ? -ENODEV : err;
}
