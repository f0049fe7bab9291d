/* fuzz_virtio_pci.c - libFuzzer: a fuzzer-driven guest drives the virtio
 * core and the virtio-pci transport (with the entropy device behind
 * them): common-configuration registers of any size and offset, the ISR,
 * notifications, configuration space (the PCI_CFG window, MSI-X), the
 * guest-side driver's normal setup, and raw writes into guest RAM where
 * the rings live.  Exercises register decoding, feature and status
 * checks, queue enable/reset, ring parsing and DMA bounds.
 *
 * Stateless: every input gets a fresh machine and device. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "emkit/testmachine.h"
#include "emkit/virtio_pci.h"
#include "emkit/virtio_rng.h"
#include "emkit/guest/pci_enum.h"
#include "emkit/guest/virtio_drv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { RAM = 1 << 20 };

static int zeros(void *opaque, void *buf, size_t len)
{
    (void)opaque;
    memset(buf, 0x5a, len);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static emk_virtio_rng rng;
    static emk_virtio_pci pci;
    static emk_pci_enum e;
    static emk_virtio_drv d;
    emk_tm_config cfg = {0, RAM, 0};
    emk_virtio_rng_options ro = { zeros, NULL };
    emk_virtio_pci_options po;
    emk_pci_host host;
    emk_pci_seg seg[1];
    emk_pci_enum_seg es = { 0, 0xb0000000u, 0, 1 };
    emk_tm *tm;
    size_t i;
    int idx;

    if (size < 1)
        return 0;
    tm = emk_tm_new(&cfg, NULL);
    if (!tm)
        return 0;
    memset(&po, 0, sizeof(po));
    po.no_ioeventfd = data[0] & 1;
    emk_pci_host_init(&host, emk_tm_bus(tm), seg, 1);
    if (emk_pci_host_add_segment(&host, 0, es.ecam_base, 0, 1) < 0 ||
        emk_virtio_rng_init(&rng, emk_tm_bus(tm), NULL, &ro) < 0) {
        emk_tm_free(tm);
        return 0;
    }
    if (emk_virtio_pci_init(&pci, &rng.vdev, &po) < 0 ||
        emk_pci_seg_attach(&seg[0], &pci.fn, 1 << 3) < 0 ||
        emk_pci_enum_init(&e, tm, &es, 1, 0x80000000ull, 0x90000000ull,
                          0x100000000ull, 0x200000000ull, 0x1000, 0x2000) < 0 ||
        emk_pci_enum_run(&e) < 1 ||
        (idx = emk_pci_enum_find(&e, EMK_VIRTIO_PCI_VENDOR, 0x1044, 0)) < 0 ||
        emk_virtio_drv_init(&d, &e, (unsigned)idx) < 0)
        goto out;
    if (data[0] & 2)
        (void)emk_pci_enum_msix_setup(&e, (unsigned)idx, 0xfee00000u, 0x30, 2);
    if (data[0] & 4) {
        /* start from a running device so the fuzzer reaches the rings */
        if (emk_virtio_drv_negotiate(&d, (uint64_t)data[0] << 24 |
                                             (uint64_t)1 << 40) == 0 &&
            emk_virtio_drv_queue(&d, 0, 8, 0) == 0)
            emk_virtio_drv_ok(&d);
    }
    /* Each op: 1 byte kind, 1 byte offset, 8 bytes value. */
    for (i = 1; i + 10 <= size; i += 10) {
        uint8_t kind = data[i], off = data[i + 1];
        unsigned sz = 1u << (kind & 3);
        uint64_t v = 0;

        memcpy(&v, data + i + 2, 8);
        switch ((kind >> 2) & 7) {
        case 0: emk_tm_mmio_write(tm, d.common + off % 0x40, sz, v); break;
        case 1: emk_tm_mmio_read(tm, d.common + off % 0x40, sz, &v); break;
        case 2: emk_tm_mmio_write(tm, d.notify + off % 8, sz, v); break;
        case 3: emk_tm_mmio_read(tm, d.isr + (off & 0x3000), sz, &v); break;
        case 4: { /* guest RAM: ring contents, descriptors, indices */
            uint64_t a = (v >> 16) % (RAM - 8);
            uint8_t *p = emk_tm_ram(tm, a, 8);

            if (p)
                memcpy(p, data + i + 2, 8);
            break;
        }
        case 5: (void)emk_pci_enum_cfg_write(&e, 0, 0, 1 << 3, off, sz > 4 ? 4 : sz,
                                             (uint32_t)v);
            break;
        case 6: (void)emk_virtio_drv_window_read(&d, (uint32_t)(v % 0x4000),
                                                 sz > 4 ? 4 : sz);
            break;
        default:
            if ((kind & 0xe0) == 0xe0) {
                emk_virtio_drv_buf b = { (v >> 8) % RAM, (uint32_t)(v & 0xfff), (int)(kind & 16) };

                (void)emk_virtio_drv_add(&d, 0, &b, 1, kind & 1);
            }
            emk_tm_run_pending(tm, 8);
            break;
        }
    }
    emk_tm_run_pending(tm, 16);
out:
    emk_virtio_pci_cleanup(&pci);
    emk_virtio_rng_cleanup(&rng);
    emk_tm_run_pending(tm, 4);
    emk_tm_free(tm);
    return 0;
}
