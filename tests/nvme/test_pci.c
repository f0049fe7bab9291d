/*
 * test_pci.c - the controller behind the PCI core: enumeration over ECAM
 * by the firmware-like enumerator, BAR0 assignment, MSI-X programming,
 * then the NVMe driver doing I/O with interrupts arriving as the
 * programmed MSI-X messages; bus mastering off blocks DMA.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fixture.h"
#include "emkit/pci.h"
#include "emkit/nvme_pci.h"
#include "emkit/guest/pci_enum.h"

enum { ECAM = 0xb0000000u >> 4 };   /* shifted: enums are ints */

static void test_pci_enumerate_and_io(void **state)
{
    emk_tm_config cfg;
    emk_tm *tm;
    emk_pci_host host;
    emk_pci_seg segs[1];
    emk_pci_enum e;
    emk_pci_enum_seg es;
    static emk_nvme_pci pci;
    emk_nvme_pci *p;
    emk_nvme_options o;
    emk_nvme_drv d;
    emk_nvme_drv_opts dopt;
    emk_tm_msi m;
    uint64_t buf;
    uint32_t v;
    int err = 0, idx, i, seen = 0;

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_size = 32u << 20;
    tm = emk_tm_new(&cfg, &err);
    assert_non_null(tm);
    emk_pci_host_init(&host, emk_tm_bus(tm), segs, 1);
    assert_int_equal(emk_pci_host_add_segment(&host, 0, (uint64_t)ECAM << 4, 0, 3), 0);
    emk_nvme_options_default(&o);
    o.max_queues = 2;
    o.shadow_doorbells = 1;
    o.nns = 1;
    o.ns[0].backend = "ram:1M";
    p = &pci;
    assert_int_equal(emk_nvme_pci_init(p, &o, emk_tm_bus(tm), NULL), 0);
    assert_int_equal(emk_pci_seg_attach(&segs[0], emk_nvme_pci_fn(p), 3 << 3), 0);

    es.segment = 0;
    es.ecam_base = (uint64_t)ECAM << 4;
    es.bus_start = 0;
    es.bus_end = 3;
    assert_int_equal(emk_pci_enum_init(&e, tm, &es, 1, 0x80000000ull, 0x90000000ull,
                                       0x100000000ull, 0x200000000ull,
                                       0x1000, 0x2000), 0);
    assert_true(emk_pci_enum_run(&e) >= 1);
    idx = emk_pci_enum_find(&e, 0x1b36, 0x0010, 0);
    assert_true(idx >= 0);
    assert_int_equal(e.fns[idx].class_code, 0x010802);
    assert_true(e.fns[idx].bar_size[0] >= 0x4000);
    assert_int_equal(e.fns[idx].msix_nvec, 3);
    assert_int_equal(emk_pci_enum_msix_setup(&e, (unsigned)idx, 0xfee01000ull,
                                             0x40, 3), 0);

    memset(&dopt, 0, sizeof(dopt));
    dopt.nioq = 2;
    dopt.shadow = 1;
    assert_int_equal(emk_nvme_drv_init(&d, tm, e.fns[idx].bar_addr[0], &dopt), 0);
    assert_true(d.shadow_on);
    buf = emk_tm_alloc(tm, 8192, 4096);
    while (emk_tm_msi_pop(tm, &m))
        ;
    for (i = 0; i < 4; i++)
        assert_int_equal(emk_nvme_drv_io(&d, &d.io[1], 0x01, 1, (uint64_t)i * 16,
                                         16, buf, 0), 0);
    while (emk_tm_msi_pop(tm, &m)) {
        assert_true(m.addr == 0xfee01000ull);
        assert_int_equal(m.data, 0x40 + 2);          /* queue 2's vector */
        seen++;
    }
    assert_int_equal(seen, 4);

    /* bus mastering off: the controller's DMA is refused, nothing moves */
    assert_int_equal(emk_pci_enum_cfg_read(&e, 0, e.fns[idx].bus, e.fns[idx].devfn,
                                           4, 2, &v), 0);
    assert_int_equal(emk_pci_enum_cfg_write(&e, 0, e.fns[idx].bus, e.fns[idx].devfn,
                                            4, 2, v & ~4u), 0);
    {
        uint8_t cmd[64];
        emk_nvme_cqe c;
        emk_nvme_cmd_rw(cmd, 0x02, 1, 0, 1, buf, 0);
        assert_true(emk_nvme_drv_queue_cmd(&d, &d.io[0], cmd) >= 0);
        emk_nvme_drv_ring(&d, &d.io[0]);
        assert_int_equal(emk_nvme_drv_reap(&d, &d.io[0], &c, 1), 0);
    }
    {
        uint64_t csts = 0;
        assert_int_equal(emk_tm_mmio_read(tm, e.fns[idx].bar_addr[0] + 0x1c, 4,
                                          &csts), 0);
        assert_int_equal(csts & 2, 2);     /* CFS: the SQ could not be read */
    }

    /* a real peer reads our config space: lspci -F on the core's dump */
    {
        char dump[20000], cmd[256], line[512], path[64];
        int len = emk_pci_dump_lspci(emk_nvme_pci_fn(p), 0, e.fns[idx].bus,
                                     dump, sizeof(dump));
        FILE *fo, *pi;
        int nvm = 0, msix = 0;
        assert_true(len > 0);
        snprintf(path, sizeof(path), "/tmp/emk-nvme-lspci.%d", (int)getpid());
        fo = fopen(path, "w");
        assert_non_null(fo);
        fwrite(dump, 1, (size_t)len, fo);
        fclose(fo);
        snprintf(cmd, sizeof(cmd), "lspci -F %s -vv 2>/dev/null", path);
        pi = system("command -v lspci >/dev/null 2>&1") == 0 ? popen(cmd, "r") : NULL;
        if (pi) {
            while (fgets(line, sizeof(line), pi)) {
                nvm |= strstr(line, "Non-Volatile memory controller") != NULL;
                msix |= strstr(line, "MSI-X: Enable+ Count=3") != NULL;
            }
            pclose(pi);
            assert_true(nvm);
            assert_true(msix);
        }
        if (getenv("EMK_KEEP_LSPCI") == NULL)
            unlink(path);
    }

    emk_nvme_pci_cleanup(p);
    emk_tm_free(tm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pci_enumerate_and_io),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
