/*
 * pci_dump_tool.c - builds the PCI test topology, lets the guest-side
 * enumerator configure it (bus numbers, BARs, windows, ARI forwarding,
 * MSI-X), sets ACS controls, then writes into DIR:
 *   rootport.dump  endpoint.dump  seg1-port.dump   (lspci -F input)
 *   mcfg.dat       the ACPI MCFG table
 *   segments.txt   "segment base start end" per line, what MCFG must say
 * Used by lspci_golden.sh and mcfg_iasl.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/guest/pci_enum.h"
#include "pci/pci_fixture.h"

static int write_file(const char *dir, const char *name, const void *buf,
                      size_t len)
{
    char path[4096];
    FILE *fp;
    int ok;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "wb");
    if (!fp) {
        perror(path);
        return -1;
    }
    ok = fwrite(buf, 1, len, fp) == len;
    if (fclose(fp) != 0 || !ok) {
        fprintf(stderr, "%s: write failed\n", path);
        return -1;
    }
    return 0;
}

static int dump(const char *dir, const char *name, const emk_pci_fn *fn,
                uint16_t seg, uint8_t bus)
{
    static char text[4096 * 4];
    int n = emk_pci_dump_lspci(fn, seg, bus, text, sizeof(text));

    if (n < 0) {
        fprintf(stderr, "dump %s: %s\n", name, emk_strerror(n));
        return -1;
    }
    return write_file(dir, name, text, (size_t)n);
}

int main(int argc, char **argv)
{
    static fixture f;
    static emk_pci_enum e;
    emk_pci_enum_seg segs[3] = {{0, 0xb0000000u, 0, 15},
                                {1, 0xc0000000u, 0x40, 0x47},
                                {2, 0x4000000000ull, 0, 0xff}};
    uint8_t mcfg[256];
    char seg_text[512];
    size_t pos = 0;
    unsigned i;
    int n, err;

    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    err = fixture_build(&f);
    if (err < 0) {
        fprintf(stderr, "fixture: %s\n", emk_strerror(err));
        return 1;
    }
    err = emk_pci_enum_init(&e, f.tm, segs, 3, 0x80000000u, 0xa0000000u,
                            0x8000000000ull, 0x8100000000ull, 0x1000, 0x10000);
    n = err < 0 ? err : emk_pci_enum_run(&e);
    if (n != 7) {
        fprintf(stderr, "enumeration found %d functions, expected 7\n", n);
        return 1;
    }
    /* endpoint 01:00.0: MSI-X on with 8 vectors */
    if (emk_pci_enum_msix_setup(&e, 2, 0xfee00000u, 0x30, 8) < 0)
        return 1;
    /* root port: turn on source validation, request/completion redirect
     * and upstream forwarding (translation blocking stays off) */
    emk_pci_config_write(&f.ports[0].fn, f.ports[0].fn.acs_cap + 6, 2,
                         EMK_PCIE_ACS_SV | EMK_PCIE_ACS_RR | EMK_PCIE_ACS_CR |
                         EMK_PCIE_ACS_UF);
    if (dump(argv[1], "rootport.dump", &f.ports[0].fn, 0, 0) < 0 ||
        dump(argv[1], "endpoint.dump", &f.tdevs[1].fn, 0, 1) < 0 ||
        dump(argv[1], "seg1-port.dump", &f.ports[1].fn, 1, 0x40) < 0)
        return 1;
    n = emk_pci_mcfg_build(&f.host, mcfg, sizeof(mcfg), NULL, NULL);
    if (n < 0 || write_file(argv[1], "mcfg.dat", mcfg, (size_t)n) < 0)
        return 1;
    for (i = 0; i < f.host.nsegs; i++) {
        const emk_pci_seg *s = &f.host.segs[i];
        pos += (size_t)snprintf(seg_text + pos, sizeof(seg_text) - pos,
                                "%04X %016llX %02X %02X\n", s->segment,
                                (unsigned long long)(s->ecam_base -
                                                     ((uint64_t)s->bus_start << 20)),
                                s->bus_start, s->bus_end);
    }
    if (write_file(argv[1], "segments.txt", seg_text, pos) < 0)
        return 1;
    fixture_free(&f);
    return 0;
}
