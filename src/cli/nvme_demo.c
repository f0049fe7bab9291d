/*
 * nvme_demo.c - the NVMe controller doing I/O on the test machine, as the
 * `emkit` main job shows it (see nvme_demo.h).
 */
#include <string.h>

#include "nvme_demo.h"
#include "emkit/guest/nvme_drv.h"
#include "emkit/guest/pci_enum.h"
#include "emkit/pci.h"
#include "emkit/nvme_pci.h"

enum { DEMO_ECAM = 0x0b000000, DEMO_XFER = 65536 };

static int demo_run(emk_tm *tm, emk_nvme_pci *p, FILE *out, int threaded)
{
    emk_pci_enum e;
    emk_nvme_drv d;
    emk_nvme_drv_opts o;
    emk_nvme_stats s;
    uint64_t buf, rbuf, list;
    uint8_t *w, *r;
    unsigned i, q;
    int idx, err;

    idx = emk_demo_pci_find(tm, &e, (uint64_t)DEMO_ECAM << 4, EMK_NVME_PCI_VENDOR,
                            EMK_NVME_PCI_DEVICE);
    if (idx < 0)
        return idx;
    err = emk_pci_enum_msix_setup(&e, (unsigned)idx, 0xfee00000ull, 0x30, 3);
    if (err)
        return err;
    fprintf(out, "nvme demo: %02x:%02x.%u class %06x, BAR0 at 0x%llx, "
            "MSI-X %u vectors\n", e.fns[idx].bus, e.fns[idx].devfn >> 3,
            e.fns[idx].devfn & 7, e.fns[idx].class_code,
            (unsigned long long)e.fns[idx].bar_addr[0], e.fns[idx].msix_nvec);
    memset(&o, 0, sizeof(o));
    o.nioq = 2;
    o.qsize = 64;
    o.shadow = 1;
    o.threaded = threaded;
    err = emk_nvme_drv_init(&d, tm, e.fns[idx].bar_addr[0], &o);
    if (err)
        return err;
    {
        char model[41];
        int k;
        memcpy(model, d.id_ctrl + 24, 40);
        model[40] = 0;
        for (k = 39; k >= 0 && model[k] == ' '; k--)
            model[k] = 0;
        fprintf(out, "  controller \"%s\" NVMe %u.%u, %u namespace(s), shadow "
            "doorbells %s\n", model,
            (unsigned)d.id_ctrl[82] | (unsigned)d.id_ctrl[83] << 8,
            d.id_ctrl[81], d.nns, d.shadow_on ? "on" : "off");
    }
    buf = emk_tm_alloc(tm, DEMO_XFER, 4096);
    rbuf = emk_tm_alloc(tm, DEMO_XFER, 4096);
    list = emk_tm_alloc(tm, 4096, 4096);
    if (!buf || !rbuf || !list)
        return -ENOMEM;
    w = emk_tm_ram(tm, buf, DEMO_XFER);
    r = emk_tm_ram(tm, rbuf, DEMO_XFER);
    for (q = 0; q < 2; q++) {
        for (i = 0; i < DEMO_XFER; i++)
            w[i] = (uint8_t)(i * 7 + q * 13 + (i >> 9));
        err = emk_nvme_drv_io(&d, &d.io[q], 0x01, 1, q * 1024ull,
                              DEMO_XFER / 512, buf, list);
        if (err)
            return err < 0 ? err : -EIO;
        memset(r, 0, DEMO_XFER);
        err = emk_nvme_drv_io(&d, &d.io[1 - q], 0x02, 1, q * 1024ull,
                              DEMO_XFER / 512, rbuf, list);
        if (err)
            return err < 0 ? err : -EIO;
        if (memcmp(w, r, DEMO_XFER) != 0) {
            fprintf(out, "  data mismatch on queue %u\n", q + 1);
            return -EIO;
        }
    }
    emk_nvme_get_stats(emk_nvme_pci_ctrl(p), &s);
    fprintf(out, "  wrote and read back 2 x %u KiB across 2 queues: OK\n"
            "  %llu commands, %llu I/O, %llu interrupts (MSI-X), %llu MMIO "
            "doorbells, %llu doorbell writes saved by EventIdx\n",
            DEMO_XFER / 1024, (unsigned long long)s.commands,
            (unsigned long long)s.io_completed, (unsigned long long)s.interrupts,
            (unsigned long long)s.mmio_doorbells,
            (unsigned long long)d.doorbells_saved);
    return emk_nvme_drv_disable(&d);
}

int emk_nvme_demo(FILE *out, const emk_demo_opts *dopts)
{
    emk_tm_config cfg;
    emk_iothread *it = NULL;
    emk_tm *tm;
    emk_pci_host host;
    emk_pci_seg seg;
    emk_nvme_options o;
    static emk_nvme_pci pci;    /* caller-owned; one demo at a time */
    emk_nvme_pci *p;
    int err = 0;

    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_size = 16u << 20;
    tm = emk_tm_new(&cfg, &err);
    if (!tm)
        return err ? err : -ENOMEM;
    emk_pci_host_init(&host, emk_tm_bus(tm), &seg, 1);
    err = emk_pci_host_add_segment(&host, 0, (uint64_t)DEMO_ECAM << 4, 0, 1);
    if (err < 0)
        goto out_tm;
    emk_nvme_options_default(&o);
    o.max_queues = 2;
    o.shadow_doorbells = 1;
    o.nns = 1;
    o.ns[0].backend = dopts && dopts->disk ? dopts->disk : "ram:4M";
    if (dopts && dopts->iothread) {
        it = emk_iothread_start("nvme-io", NULL, &err);
        if (!it)
            goto out_tm;
        o.iothreads[0] = emk_iothread_loop(it);
        o.niothreads = 1;
        o.notifier_doorbells = 1;
    }
    err = emk_nvme_pci_init(&pci, &o, emk_tm_bus(tm), NULL);
    if (err)
        goto out_tm;
    p = &pci;
    err = emk_pci_seg_attach(&seg, emk_nvme_pci_fn(p), 0);
    if (!err)
        err = demo_run(tm, p, out, it != NULL);
    if (err)
        fprintf(out, "nvme demo: failed: %s\n", emk_strerror(err));
    emk_nvme_pci_cleanup(p);
out_tm:
    if (it)
        emk_iothread_stop(it);
    emk_tm_free(tm);
    return err < 0 ? err : 0;
}
