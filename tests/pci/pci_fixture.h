/*
 * pci_fixture.h - a small PCI test topology on the test machine, shared by
 * the PCI tests, the lspci/MCFG dump tool and the fuzzer.
 *
 *   segment 0: ECAM at 0xb0000000, buses 0..15
 *     00:00.0  endpoint "tdev" (BAR0 4 KiB regs, BAR2 64-bit pref 1 MiB,
 *              BAR4 exclusive MSI-X with 8 vectors, BAR5 I/O 32 bytes, MSI)
 *     00:01.0  root port (Gen4 x16, ACS, AER) -> endpoint "tdev" function 0
 *              with ARI, next function 1 (also a tdev)
 *   segment 1: ECAM at 0xc0000000 for buses 0x40..0x47
 *     40:00.0  root port (Gen3 x8, ACS) -> endpoint tdev
 *   segment 2: ECAM at 0x4000000000 (above 4 GiB), buses 0..255, empty
 */
#ifndef EMK_TESTS_PCI_FIXTURE_H
#define EMK_TESTS_PCI_FIXTURE_H

#include "emkit/pci.h"
#include "emkit/testmachine.h"

enum {
    TDEV_VENDOR = 0x1b36,
    TDEV_DEVICE = 0x00e1,
    TDEV_MSIX_VECTORS = 8,
    FIX_MAX_TDEVS = 5,
    FIX_MAX_PORTS = 2
};

/** A test endpoint: a register file in BAR0, a 64-bit prefetchable BAR2,
 *  an exclusive MSI-X BAR4, an I/O BAR5. */
typedef struct tdev {
    emk_dev dev;
    emk_pci_fn fn;
    emk_region bar0, bar2, bar5;
    emk_region_ops bar0_ops, bar2_ops, bar5_ops;
    uint8_t regs[4096];
    uint8_t msix_storage[256];
    unsigned writes;
} tdev;

/** Port: a root port and its device base. */
typedef struct fix_port {
    emk_dev dev;
    emk_pci_fn fn;
} fix_port;

typedef struct fixture {
    emk_tm *tm;
    emk_pci_host host;
    emk_pci_seg segs[4];
    fix_port ports[FIX_MAX_PORTS];
    tdev tdevs[FIX_MAX_TDEVS];
    unsigned ntdevs;
} fixture;

/** Initialises a tdev (express or conventional) on bus; opts: 1 = ARI
 *  capability with next function next_fn. */
int tdev_init(tdev *t, emk_bus *bus, int express, int ari, uint8_t next_fn);

/** Builds the topology above on a new test machine.  0 or -errno. */
int fixture_build(fixture *f);
/** Frees the machine. */
void fixture_free(fixture *f);

#endif
