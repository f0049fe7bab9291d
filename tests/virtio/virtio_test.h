/* virtio_test.h - helpers the virtio device tests share (test code). */
#ifndef EMK_TESTS_VIRTIO_TEST_H
#define EMK_TESTS_VIRTIO_TEST_H

#include <string.h>

#include "emkit/testmachine.h"
#include "emkit/guest/virtio_drv.h"
#include "emkit/pci.h"
#include "emkit/virtio_pci.h"

static const uint64_t EMK_VT_ECAM = 0xb0000000u;

/* The machine half of a fixture: a test machine with ram bytes, an
 * iothread if asked (else *it = NULL), one PCI segment (buses 0..1, ECAM
 * at EMK_VT_ECAM).  0, or -1 with nothing to clean up but *tm. */
static inline int emk_vt_machine(emk_tm **tm, emk_iothread **it, int iothread,
                                 uint64_t ram, emk_pci_host *host,
                                 emk_pci_seg *seg)
{
    emk_tm_config cfg;
    int err = 0;

    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_size = ram;
    *it = NULL;
    *tm = emk_tm_new(&cfg, &err);
    if (!*tm)
        return -1;
    if (iothread && !(*it = emk_iothread_start("virtio-test", NULL, &err)))
        return -1;
    emk_pci_host_init(host, emk_tm_bus(*tm), seg, 1);
    return emk_pci_host_add_segment(host, 0, EMK_VT_ECAM, 0, 1) < 0 ? -1 : 0;
}

/* Attaches fn as device 3 of bus 0, enumerates as firmware would and
 * starts driver d on the virtio function of virtio_id.  Returns its index
 * in e->fns, or -1. */
static inline int emk_vt_probe(emk_tm *tm, emk_pci_seg *seg, emk_pci_fn *fn,
                               emk_pci_enum *e, uint16_t virtio_id,
                               emk_virtio_drv *d)
{
    emk_pci_enum_seg es;
    int idx;

    es.segment = 0;
    es.ecam_base = EMK_VT_ECAM;
    es.bus_start = 0;
    es.bus_end = 1;
    if (emk_pci_seg_attach(seg, fn, 3 << 3) < 0 ||
        emk_pci_enum_init(e, tm, &es, 1, 0x80000000ull, 0x90000000ull,
                          0x100000000ull, 0x200000000ull, 0x1000, 0x2000) < 0 ||
        emk_pci_enum_run(e) < 1)
        return -1;
    idx = emk_pci_enum_find(e, EMK_VIRTIO_PCI_VENDOR,
                            (uint16_t)(EMK_VIRTIO_PCI_DEVICE_BASE + virtio_id), 0);
    if (idx < 0 || emk_virtio_drv_init(d, e, (unsigned)idx) < 0)
        return -1;
    return idx;
}

/* Runs the device until queue q of driver d has a used element: the test
 * machine's main loop for a device there, or (iothread=1) waiting up to
 * 1 ms at a time for the device thread's interrupt.  1 with *head and
 * *len, 0 after 5000 rounds. */
static inline int emk_vt_wait_used(emk_tm *tm, int iothread, emk_virtio_drv *d,
                                   unsigned q, uint16_t *head, uint32_t *len)
{
    emk_tm_msi m;
    int i;

    for (i = 0; i < 5000; i++) {
        if (emk_virtio_drv_used(d, q, head, len))
            return 1;
        if (iothread) {
            if (emk_tm_msi_wait(tm, 1000000))
                (void)emk_tm_msi_pop(tm, &m);
        } else {
            emk_tm_run_pending(tm, 100);
        }
    }
    return 0;
}

#endif
