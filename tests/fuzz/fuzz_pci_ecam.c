/*
 * fuzz_pci_ecam.c - libFuzzer target for the PCI core: random ECAM and
 * direct config-space reads and writes of any size and alignment across
 * three segments, BAR sizing, capability pointers, MSI-X table and PBA
 * accesses, MSI/MSI-X/INTx and hot-plug signalling and guest enumeration,
 * on the PCI test topology (tests/pci/pci_fixture.h).  After every step it checks
 * invariants the core promises: read-only identity bytes never change,
 * capability lists stay inside the space, a BAR is only mapped while the
 * command register enables it, and DMA is refused without bus mastering.
 */
#include <stdlib.h>
#include <string.h>

#include "emkit/guest/pci_enum.h"
#include "pci/pci_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct input {
    const uint8_t *p;
    size_t n;
} input;

static uint64_t take(input *in, unsigned bytes)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < bytes && in->n; i++, in->n--)
        v |= (uint64_t)*in->p++ << (8 * i);
    return v;
}

static const uint64_t ecam_base[3] = {0xb0000000u, 0xc0000000u, 0x4000000000ull};
static const uint64_t ecam_size[3] = {16u << 20, 8u << 20, 256u << 20};

static emk_pci_fn *pick_fn(fixture *f, unsigned i)
{
    i %= f->ntdevs + FIX_MAX_PORTS;
    return i < f->ntdevs ? &f->tdevs[i].fn : &f->ports[i - f->ntdevs].fn;
}

static void check(fixture *f)
{
    unsigned i, b;

    for (i = 0; i < f->ntdevs + FIX_MAX_PORTS; i++) {
        emk_pci_fn *fn = pick_fn(f, i);
        uint16_t cmd = emk_pci_get_word(fn, EMK_PCI_COMMAND);
        unsigned p, guard;

        if (emk_pci_get_word(fn, EMK_PCI_VENDOR_ID) != 0x1b36)
            abort();
        p = fn->cfg[EMK_PCI_CAPABILITY_LIST];
        for (guard = 0; p && guard < 64; guard++) {
            if (p < 0x40 || p > 0xfc)
                abort();
            p = fn->cfg[p + 1];
        }
        if (guard >= 64)
            abort();
        for (b = 0; b < EMK_PCI_NUM_BARS; b++) {
            const emk_pci_bar *bar = &fn->bars[b];
            uint16_t need = (bar->flags & EMK_PCI_BAR_IO) ? EMK_PCI_COMMAND_IO
                                                         : EMK_PCI_COMMAND_MEMORY;
            if (bar->mapped && (!(cmd & need) ||
                                bar->addr != emk_pci_bar_addr(fn, b)))
                abort();
        }
        if (i < f->ntdevs) {
            uint8_t x;
            int err = emk_dma_read(&f->tdevs[i].dev, 0x1000, &x, 1);
            if (!(cmd & EMK_PCI_COMMAND_MASTER) && err != -EPERM)
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fixture f;
    static emk_pci_enum e;
    input in = {data, size};
    emk_pci_enum_seg segs[3] = {{0, 0xb0000000u, 0, 15},
                                {1, 0xc0000000u, 0x40, 0x47},
                                {2, 0x4000000000ull, 0, 0xff}};
    static const unsigned sizes[8] = {1, 2, 4, 8, 3, 0, 4, 2};
    unsigned steps = 0;
    emk_tm_msi m;

    if (fixture_build(&f) < 0)
        abort();
    while (in.n && steps++ < 256) {
        unsigned op = (unsigned)take(&in, 1);
        unsigned sz = sizes[take(&in, 1) & 7];
        uint64_t v = 0;

        switch (op % 10) {
        case 0:     /* ECAM access anywhere in a segment's window */
        case 1: {
            unsigned s = (unsigned)take(&in, 1) % 3;
            uint64_t a = ecam_base[s] + take(&in, 4) % ecam_size[s];
            if (op % 10 == 0)
                emk_tm_mmio_write(f.tm, a, sz, take(&in, 4));
            else
                emk_tm_mmio_read(f.tm, a, sz, &v);
            break;
        }
        case 2:     /* direct config write, any offset and size */
            emk_pci_config_write(pick_fn(&f, (unsigned)take(&in, 1)),
                                 (uint32_t)take(&in, 2) % 0x1100, sz,
                                 (uint32_t)take(&in, 4));
            break;
        case 3:
            emk_pci_config_read(pick_fn(&f, (unsigned)take(&in, 1)),
                                (uint32_t)take(&in, 2) % 0x1100, sz);
            break;
        case 4: {   /* BAR sizing dance on one BAR */
            emk_pci_fn *fn = pick_fn(&f, (unsigned)take(&in, 1));
            uint32_t reg = EMK_PCI_BAR0 + 4 * ((unsigned)take(&in, 1) % 6);
            uint32_t old = emk_pci_config_read(fn, reg, 4);
            emk_pci_config_write(fn, reg, 4, 0xffffffffu);
            emk_pci_config_read(fn, reg, 4);
            emk_pci_config_write(fn, reg, 4, (uint32_t)take(&in, 4) ^ old);
            break;
        }
        case 5: {   /* MMIO / PIO inside a mapped BAR (MSI-X table, PBA) */
            tdev *t = &f.tdevs[take(&in, 1) % f.ntdevs];
            unsigned b = (unsigned)take(&in, 1) % EMK_PCI_NUM_BARS;
            uint64_t off = take(&in, 2) % 0x1100;
            int wr = (int)take(&in, 1) & 1;
            uint64_t val = take(&in, 8);
            if (!t->fn.bars[b].mapped)
                break;
            if (t->fn.bars[b].flags & EMK_PCI_BAR_IO) {
                if (wr)
                    emk_tm_pio_write(f.tm, t->fn.bars[b].addr + off, sz, val);
                else
                    emk_tm_pio_read(f.tm, t->fn.bars[b].addr + off, sz, &v);
            } else if (wr) {
                emk_tm_mmio_write(f.tm, t->fn.bars[b].addr + off, sz, val);
            } else {
                emk_tm_mmio_read(f.tm, t->fn.bars[b].addr + off, sz, &v);
            }
            break;
        }
        case 6: {   /* the device signals */
            tdev *t = &f.tdevs[take(&in, 1) % f.ntdevs];
            unsigned vec = (unsigned)take(&in, 2);
            emk_pci_fn *port = &f.ports[vec % FIX_MAX_PORTS].fn;
            switch (take(&in, 1) % 6) {
            case 0: emk_pci_msix_notify(&t->fn, vec % 12); break;
            case 1: emk_pci_msi_notify(&t->fn, vec % 40); break;
            case 2: emk_pci_set_irq(&t->fn, vec & 1); break;
            case 3: emk_pcie_port_hotplug_event(port, (vec >> 1) & 1); break;
            case 4: emk_pcie_port_attention(port); break;
            default: emk_pci_msix_clear_pending(&t->fn, vec); break;
            }
            break;
        }
        case 7:     /* raw MSI-X helper with any BAR/offset/size */
            v = take(&in, 8);
            emk_pci_msix_mmio(&f.tdevs[take(&in, 1) % f.ntdevs].fn,
                              (unsigned)take(&in, 1) % 8, take(&in, 4),
                              sz, &v, (int)take(&in, 1) & 1);
            break;
        case 8:     /* a guest enumeration pass over the current state */
            if (emk_pci_enum_init(&e, f.tm, segs, 3, 0x80000000u, 0xa0000000u,
                                  0x8000000000ull, 0x8100000000ull,
                                  0x1000, 0x10000) == 0)
                emk_pci_enum_run(&e);
            if (e.nfns)
                emk_pci_enum_msix_setup(&e, (unsigned)take(&in, 1) % e.nfns,
                                        0xfee00000u, 0, 4);
            break;
        default: {  /* host-side config by (segment, bus, devfn) */
            uint32_t val;
            emk_pci_host_config_read(&f.host, (uint16_t)(take(&in, 1) % 4),
                                     (uint8_t)take(&in, 1), (uint8_t)take(&in, 1),
                                     (uint32_t)take(&in, 2), sz, &val);
            break;
        }
        }
        while (emk_tm_msi_pop(f.tm, &m))
            ;
        check(&f);
    }
    fixture_free(&f);
    return 0;
}
