/*
 * test_pci_pcie.c - PCI Express capability (link speed/width, DevCap2 /
 * DevCtl2 ARI forwarding), ARI routing, ACS, AER, the multi-segment ECAM
 * host bridge, MCFG bytes and the guest-side enumerator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "emkit/guest/pci_enum.h"
#include "pci/pci_fixture.h"
#include "pci/pci_test_util.h"


/* ECAM read of (segment window base, bus offset, devfn, reg). */
static uint32_t ecam_rd(fixture *f, uint64_t base, unsigned bus_off,
                        unsigned devfn, unsigned reg, unsigned size)
{
    uint64_t v = 0;

    emk_tm_mmio_read(f->tm, base + ((uint64_t)bus_off << 20) +
                     ((uint64_t)devfn << 12) + reg, size, &v);
    return (uint32_t)v;
}

static void test_link(void **state)
{
    fixture *f = *state;
    emk_pci_fn *rp = &f->ports[0].fn, *ep = &f->tdevs[0].fn;
    unsigned c = rp->exp_cap, e = ep->exp_cap;

    assert_int_equal((rd(rp, c + 2, 2) >> 4) & 0xf, EMK_PCIE_TYPE_ROOT_PORT);
    assert_int_equal(rd(rp, c + 2, 2) & 0x10f, 0x102);    /* v2, slot */
    assert_int_equal(rd(rp, c + EMK_PCIE_LNKCAP, 4) & 0x3ff, 0x104); /* 16GT x16 */
    assert_int_equal(rd(rp, c + EMK_PCIE_LNKCAP, 4) >> 24, 1);       /* port # */
    assert_int_equal(rd(rp, c + EMK_PCIE_LNKSTA, 2) & 0x3ff, 0x104);
    assert_int_equal(rd(rp, c + EMK_PCIE_LNKCAP2, 4), 0x1e);          /* 2.5..16 */
    assert_true(rd(rp, c + EMK_PCIE_LNKSTA, 2) & EMK_PCIE_LNKSTA_DLLLA);
    assert_true(rd(rp, c + EMK_PCIE_SLTSTA, 2) & EMK_PCIE_SLTSTA_PDS);
    assert_int_equal(rd(rp, c + EMK_PCIE_SLTCAP, 4) >> 19, 1);        /* slot # */
    assert_int_equal(rd(ep, e + EMK_PCIE_LNKCAP, 4) & 0x3ff, 0x043);  /* 8GT x4 */
    assert_int_equal(rd(ep, e + EMK_PCIE_LNKCAP2, 4), 0x0e);
    assert_int_equal(rd(ep, e + EMK_PCIE_LNKSTA2, 2) & 0x1e, 0x1e);  /* Gen3 EQ */
    /* link status is read-only; negotiated width changes come from the host */
    wr(ep, e + EMK_PCIE_LNKSTA, 2, 0);
    assert_int_equal(rd(ep, e + EMK_PCIE_LNKSTA, 2) & 0x3ff, 0x043);
    assert_int_equal(emk_pcie_link_set(ep, EMK_PCIE_SPEED_5GT, 2), 0);
    assert_int_equal(rd(ep, e + EMK_PCIE_LNKSTA, 2) & 0x3ff, 0x022);
    assert_int_equal(rd(ep, e + EMK_PCIE_LNKSTA2, 2) & 0x1e, 0);
    assert_int_equal(emk_pcie_link_set(ep, EMK_PCIE_SPEED_16GT, 2), -EINVAL);
    assert_int_equal(emk_pcie_link_set(ep, EMK_PCIE_SPEED_8GT, 8), -EINVAL);
    assert_int_equal(emk_pcie_link_set(ep, EMK_PCIE_SPEED_8GT, 3), -EINVAL);
    /* DevSta error bits are W1C, LnkCtl2 target speed RW */
    emk_pci_set_word(ep, e + EMK_PCIE_DEVSTA, 0x000f);
    wr(ep, e + EMK_PCIE_DEVSTA, 2, 0x0005);
    assert_int_equal(rd(ep, e + EMK_PCIE_DEVSTA, 2), 0x000a);
    assert_int_equal(rd(ep, e + EMK_PCIE_LNKCTL2, 2) & 0xf, EMK_PCIE_SPEED_8GT);
}

static void test_cap_init_errors(void **state)
{
    fixture *f = *state;
    tdev *t = &f->tdevs[0];
    emk_pci_fn fn;
    emk_pci_id id = {1, 2, 0, 0, 0x020000, 0, 0, 0, 0, 1};
    emk_pcie_link bad_w = {EMK_PCIE_SPEED_8GT, 3, 0, 0};
    emk_pcie_link bad_s = {7, 4, 0, 0};
    emk_pcie_link cur_hi = {EMK_PCIE_SPEED_8GT, 4, EMK_PCIE_SPEED_16GT, 0};
    emk_pcie_link ok = {EMK_PCIE_SPEED_32GT, 32, 0, 8};

    assert_int_equal(emk_pci_fn_init(&fn, &t->dev, &id, NULL, NULL), 0);
    assert_int_equal(emk_pcie_cap_init(&fn, 0, &bad_w), -EINVAL);
    assert_int_equal(emk_pcie_cap_init(&fn, 0, &bad_s), -EINVAL);
    assert_int_equal(emk_pcie_cap_init(&fn, 0, &cur_hi), -EINVAL);
    assert_int_equal(emk_pcie_cap_init(&fn, 3, &ok), -EINVAL);  /* bad type */
    assert_true(emk_pcie_cap_init(&fn, 0, &ok) > 0);
    assert_int_equal(emk_pcie_cap_init(&fn, 0, &ok), -EINVAL);  /* twice */
    assert_int_equal(rd(&fn, fn.exp_cap + EMK_PCIE_LNKSTA, 2) & 0x3ff, 0x085);
    assert_int_equal(emk_pcie_acs_init(&fn, 0), -EINVAL);
    assert_int_equal(emk_pcie_acs_ctrl(&fn), 0);
    assert_int_equal(emk_pcie_aer_report(&fn, 1, 0), -ENOENT);
    t->dev.dma_enabled = 0;
}

static void test_devcap2_ari_forwarding(void **state)
{
    fixture *f = *state;
    emk_pci_fn *rp = &f->ports[0].fn, *ep = &f->tdevs[1].fn;
    unsigned c = rp->exp_cap, e = ep->exp_cap;

    assert_true(rd(rp, c + EMK_PCIE_DEVCAP2, 4) & EMK_PCIE_DEVCAP2_ARI);
    assert_false(rd(ep, e + EMK_PCIE_DEVCAP2, 4) & EMK_PCIE_DEVCAP2_ARI);
    wr(ep, e + EMK_PCIE_DEVCTL2, 2, EMK_PCIE_DEVCTL2_ARI);
    assert_false(rd(ep, e + EMK_PCIE_DEVCTL2, 2) & EMK_PCIE_DEVCTL2_ARI);
    assert_false(emk_pcie_ari_forwarding(rp));
    wr(rp, c + EMK_PCIE_DEVCTL2, 2, EMK_PCIE_DEVCTL2_ARI);
    assert_true(emk_pcie_ari_forwarding(rp));
    wr(rp, c + EMK_PCIE_DEVCTL2, 2, 0);
    assert_false(emk_pcie_ari_forwarding(rp));
}

static void test_ari_routing(void **state)
{
    fixture *f = *state;
    emk_pci_fn *rp = &f->ports[0].fn;
    emk_pci_seg *s0 = emk_pci_host_segment(&f->host, 0);
    uint32_t v;
    unsigned ari;

    /* bus 3 behind the port */
    wr(rp, EMK_PCI_SECONDARY_BUS, 2, 0x0303);
    assert_ptr_equal(emk_pci_seg_find(s0, 3, 0), &f->tdevs[1].fn);
    assert_ptr_equal(emk_pci_seg_find(s0, 3, 1), &f->tdevs[2].fn);
    /* devfn 9 (device 1): a PCIe port without ARI forwarding passes only
     * device 0 */
    assert_null(emk_pci_seg_find(s0, 3, 9));
    assert_int_equal(ecam_rd(f, 0xb0000000u, 3, 9, 0, 4), 0xffffffffu);
    assert_int_equal(emk_pci_host_config_read(&f->host, 0, 3, 9, 0, 4, &v), -ENODEV);
    assert_int_equal(v, 0xffffffffu);
    wr(rp, rp->exp_cap + EMK_PCIE_DEVCTL2, 2, EMK_PCIE_DEVCTL2_ARI);
    assert_ptr_equal(emk_pci_seg_find(s0, 3, 9), &f->tdevs[3].fn);
    assert_int_equal(ecam_rd(f, 0xb0000000u, 3, 9, 0, 4),
                     TDEV_VENDOR | (uint32_t)TDEV_DEVICE << 16);
    /* the ARI capability chains 0 -> 1 -> 9 -> end */
    ari = f->tdevs[1].fn.ari_cap;
    assert_int_equal(rd(&f->tdevs[1].fn, ari, 4) & 0xffff, EMK_PCI_EXT_CAP_ID_ARI);
    assert_int_equal(rd(&f->tdevs[1].fn, ari + 4, 2) >> 8, 1);
    assert_int_equal(rd(&f->tdevs[2].fn, f->tdevs[2].fn.ari_cap + 4, 2) >> 8, 9);
    assert_int_equal(rd(&f->tdevs[3].fn, f->tdevs[3].fn.ari_cap + 4, 2) >> 8, 0);
    wr(&f->tdevs[1].fn, ari + 4, 4, 0xffffffff);          /* all RO */
    assert_int_equal(rd(&f->tdevs[1].fn, ari + 4, 4), 0x0100);
    /* buses outside (secondary, subordinate] are not routed */
    assert_null(emk_pci_seg_find(s0, 4, 0));
    wr(rp, EMK_PCI_SECONDARY_BUS, 2, 0);
    assert_null(emk_pci_seg_find(s0, 0, 0x10));
    assert_null(emk_pci_seg_find(s0, 3, 0));
    assert_null(emk_pci_seg_find(s0, 16, 0));             /* beyond bus_end */
}

static void test_acs(void **state)
{
    fixture *f = *state;
    emk_pci_fn *rp = &f->ports[0].fn, *ep = &f->tdevs[0].fn;
    unsigned a = emk_pci_ext_cap_find(rp, EMK_PCI_EXT_CAP_ID_ACS);
    emk_pci_fn fn;
    emk_pcie_link l = {EMK_PCIE_SPEED_8GT, 1, 0, 0};
    emk_pci_id id = {1, 2, 0, 0, 0x020000, 0, 0, 0, 0, 1};

    assert_int_equal(a, rp->acs_cap);
    assert_int_equal(rd(rp, a, 4) & 0xfffff, 0x1000d);
    assert_int_equal(rd(rp, a + 4, 2), 0x001f);           /* SV TB RR CR UF */
    wr(rp, a + 4, 4, 0xffffffff);
    assert_int_equal(rd(rp, a + 4, 2), 0x001f);           /* capability RO */
    assert_int_equal(rd(rp, a + 6, 2), 0x001f);           /* control RW */
    assert_int_equal(emk_pcie_acs_ctrl(rp), 0x1f);
    wr(rp, a + 6, 2, EMK_PCIE_ACS_SV | EMK_PCIE_ACS_RR);
    assert_int_equal(emk_pcie_acs_ctrl(rp), 0x05);
    assert_int_equal(emk_pci_ext_cap_find(ep, EMK_PCI_EXT_CAP_ID_ACS), 0);
    /* only offered controls are writable */
    assert_int_equal(emk_pci_fn_init(&fn, &f->tdevs[0].dev, &id, NULL, NULL), 0);
    assert_true(emk_pcie_cap_init(&fn, EMK_PCIE_TYPE_DOWNSTREAM, &l) > 0);
    a = (unsigned)emk_pcie_acs_init(&fn, EMK_PCIE_ACS_SV | EMK_PCIE_ACS_UF);
    wr(&fn, a + 6, 2, 0xffff);
    assert_int_equal(emk_pcie_acs_ctrl(&fn), 0x11);
    f->tdevs[0].dev.dma_enabled = 0;
}

static void test_aer(void **state)
{
    fixture *f = *state;
    emk_pci_fn *ep = &f->tdevs[0].fn, *rp = &f->ports[0].fn;
    unsigned a = ep->aer_cap, e = ep->exp_cap;

    assert_int_equal(rd(ep, a, 4) & 0xfffff, 0x20001);
    assert_int_equal(rd(ep, a + 0x0c, 4), 0x00462030);    /* default severity */
    /* unmasked uncorrectable error: status bit, non-fatal in DevSta */
    assert_int_equal(emk_pcie_aer_report(ep, 0, 20), 0);  /* UR */
    assert_int_equal(rd(ep, a + 4, 4), 1u << 20);
    assert_int_equal(rd(ep, a + 0x18, 4) & 0x1f, 20);     /* first error */
    assert_int_equal(rd(ep, e + EMK_PCIE_DEVSTA, 2) & 0x7, 0x2);
    assert_int_equal(emk_pcie_aer_report(ep, 0, 4), 0);   /* DLP: fatal */
    assert_int_equal(rd(ep, e + EMK_PCIE_DEVSTA, 2) & 0x7, 0x6);
    wr(ep, a + 4, 4, 1u << 20);                           /* W1C */
    assert_int_equal(rd(ep, a + 4, 4), 1u << 4);
    /* masked: no status bit */
    wr(ep, a + 8, 4, 1u << 14);
    assert_int_equal(emk_pcie_aer_report(ep, 0, 14), 0);
    assert_int_equal(rd(ep, a + 4, 4), 1u << 4);
    /* correctable, advisory non-fatal masked by default */
    assert_int_equal(emk_pcie_aer_report(ep, 1, 13), 0);
    assert_int_equal(rd(ep, a + 0x10, 4), 0);
    assert_int_equal(emk_pcie_aer_report(ep, 1, 6), 0);
    assert_int_equal(rd(ep, a + 0x10, 4), 1u << 6);
    assert_int_equal(emk_pcie_aer_report(ep, 1, 1), -EINVAL);
    assert_int_equal(emk_pcie_aer_report(ep, 0, 40), -EINVAL);
    wr(ep, a + 8, 4, 0xffffffff);
    assert_int_equal(rd(ep, a + 8, 4), 0x007ff030);
    /* the root port has the root error command register */
    wr(rp, rp->aer_cap + 0x2c, 4, 0xffffffff);
    assert_int_equal(rd(rp, rp->aer_cap + 0x2c, 4), 0x7);
}

static void test_ecam_segments(void **state)
{
    fixture *f = *state;
    uint64_t v;
    emk_pci_seg extra[2];
    emk_pci_host h;

    /* segment 0, bus 0: endpoint at 00.0, root port at 01.0 */
    assert_int_equal(ecam_rd(f, 0xb0000000u, 0, 0, 0, 2), TDEV_VENDOR);
    assert_int_equal(ecam_rd(f, 0xb0000000u, 0, 8, 0x0a, 2), 0x0604);
    assert_int_equal(ecam_rd(f, 0xb0000000u, 0, 16, 0, 4), 0xffffffffu);
    /* segment 1's window starts at bus 0x40 */
    assert_int_equal(ecam_rd(f, 0xc0000000u, 0, 0, 0x0a, 2), 0x0604);
    assert_int_equal(ecam_rd(f, 0xc0000000u, 0, 0, 0x0e, 1), 0x01);
    assert_int_equal(emk_tm_mmio_read(f->tm, 0xc0000000u - 4, 4, &v), -ENODEV);
    assert_int_equal(emk_tm_mmio_read(f->tm, 0xc0800000u, 4, &v), -ENODEV);
    /* extended config space via ECAM */
    assert_int_equal(ecam_rd(f, 0xc0000000u, 0, 0, 0x100, 4) & 0xffff,
                     EMK_PCI_EXT_CAP_ID_ACS);
    /* ECAM writes reach the function; misaligned ones are refused */
    assert_int_equal(emk_tm_mmio_write(f->tm, 0xc0000000u + 0x18, 4, 0x00414140), 0);
    assert_int_equal(rd(&f->ports[1].fn, 0x18, 4), 0x00414140);
    assert_int_equal(ecam_rd(f, 0xc0000000u, 1, 0, 0, 2), TDEV_VENDOR);
    assert_true(emk_tm_mmio_read(f->tm, 0xc0000001u, 2, &v) < 0);
    assert_true(emk_tm_mmio_read(f->tm, 0xc0000000u, 8, &v) < 0);
    assert_int_equal(emk_tm_mmio_read(f->tm, 0xc0000001u, 1, &v), 0);
    assert_int_equal(v, 0x1b);
    /* same (bus, devfn) in the other segment is a different function */
    assert_null(emk_pci_seg_find(emk_pci_host_segment(&f->host, 0), 0x41, 0));
    assert_null(emk_pci_host_segment(&f->host, 7));
    /* segment 2 (above 4 GiB) is decoded but empty */
    assert_int_equal(emk_tm_mmio_read(f->tm, 0x4000000000ull + (255u << 20), 4, &v), 0);
    assert_int_equal(v, 0xffffffffu);
    assert_true(f->host.stat_cfg_unclaimed > 0);
    /* segment bookkeeping errors */
    emk_pci_host_init(&h, emk_tm_bus(f->tm), extra, 2);
    assert_int_equal(emk_pci_host_add_segment(&h, 0, 0xd0080000u, 0, 0), -EINVAL);
    assert_int_equal(emk_pci_host_add_segment(&h, 0, 0xd0000000u, 2, 1), -EINVAL);
    assert_int_equal(emk_pci_host_add_segment(&h, 0, 0x00100000u, 2, 3), -EINVAL);
    assert_int_equal(emk_pci_host_add_segment(&h, 5, 0xd0000000u, 0, 0), 0);
    assert_int_equal(emk_pci_host_add_segment(&h, 5, 0xd0100000u, 0, 0), -EEXIST);
    assert_int_equal(emk_pci_host_add_segment(&h, 6, 0xd0100000u, 0, 0), 1);
    assert_int_equal(emk_pci_host_add_segment(&h, 7, 0xd0200000u, 0, 0), -ENOSPC);
    assert_int_equal(emk_pci_seg_attach(&extra[0], &f->tdevs[0].fn, 0), -EINVAL);
}

static void test_mcfg_bytes(void **state)
{
    fixture *f = *state;
    uint8_t t[128], sum = 0;
    int len, i;

    assert_int_equal(emk_pci_mcfg_build(&f->host, t, 91, NULL, NULL), -ENOSPC);
    len = emk_pci_mcfg_build(&f->host, t, sizeof(t), "EMKTST", NULL);
    assert_int_equal(len, 44 + 3 * 16);
    assert_memory_equal(t, "MCFG", 4);
    assert_int_equal(t[4] | t[5] << 8, len);
    assert_int_equal(t[8], 1);
    assert_memory_equal(t + 10, "EMKTST", 6);
    assert_memory_equal(t + 16, "EMKITPCI", 8);
    for (i = 0; i < len; i++)
        sum = (uint8_t)(sum + t[i]);
    assert_int_equal(sum, 0);
    /* entry 0: base 0xb0000000, segment 0, buses 0..15 */
    assert_int_equal(t[44 + 3], 0xb0);
    assert_int_equal(t[44 + 8] | t[44 + 9] << 8, 0);
    assert_int_equal(t[44 + 10], 0);
    assert_int_equal(t[44 + 11], 15);
    /* entry 1: base is that of bus 0 = 0xc0000000 - 0x40 << 20 */
    assert_int_equal(t[60] | t[61] << 8 | t[62] << 16 | (uint32_t)t[63] << 24,
                     0xbc000000u);
    assert_int_equal(t[60 + 8], 1);
    assert_int_equal(t[60 + 10], 0x40);
    assert_int_equal(t[60 + 11], 0x47);
    /* entry 2: a 64-bit base, all 256 buses */
    assert_int_equal(t[76 + 4], 0x40);
    assert_int_equal(t[76 + 3], 0);
    assert_int_equal(t[76 + 8], 2);
    assert_int_equal(t[76 + 10], 0);
    assert_int_equal(t[76 + 11], 0xff);
}

static void test_hotplug(void **state)
{
    fixture *f = *state;
    emk_pci_fn *rp = &f->ports[0].fn;
    emk_pci_seg *s0 = emk_pci_host_segment(&f->host, 0);
    unsigned c = rp->exp_cap, m = rp->msi.cap, i;
    emk_tm_msi msg;

    /* cold-plugged: present, link up, no change events */
    assert_int_equal(rd(rp, c + EMK_PCIE_SLTSTA, 2) & 0x1ff, EMK_PCIE_SLTSTA_PDS);
    assert_int_equal(emk_pcie_port_hotplug_event(&f->tdevs[0].fn, 0), -EINVAL);
    /* the guest's hot-plug driver: MSI, bus master, event enables */
    wr(rp, m + 4, 4, 0xfee00000);
    wr(rp, m + 0xc, 2, 0x77);
    wr(rp, m + 2, 2, EMK_PCI_MSI_FLAGS_ENABLE);
    wr(rp, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MASTER);
    wr(rp, c + EMK_PCIE_SLTCTL, 2, EMK_PCIE_SLTCTL_HPIE | EMK_PCIE_SLTCTL_PDCE |
                                   EMK_PCIE_SLTCTL_DLLSCE);
    assert_int_equal(emk_tm_msi_pop(f->tm, &msg), 0);
    /* surprise removal of every function below the port */
    wr(rp, EMK_PCI_SECONDARY_BUS, 2, 0x0202);
    for (i = 1; i <= 3; i++)
        assert_int_equal(emk_pci_bridge_detach(rp, &f->tdevs[i].fn), 0);
    assert_int_equal(emk_pci_bridge_detach(rp, &f->tdevs[1].fn), -ENOENT);
    assert_null(emk_pci_seg_find(s0, 2, 0));
    assert_int_equal(emk_pcie_port_hotplug_event(rp, 0), 0);
    assert_int_equal(rd(rp, c + EMK_PCIE_SLTSTA, 2) & 0x1ff,
                     EMK_PCIE_SLTSTA_PDC | EMK_PCIE_SLTSTA_DLLSC);
    assert_false(rd(rp, c + EMK_PCIE_LNKSTA, 2) & EMK_PCIE_LNKSTA_DLLLA);
    assert_int_equal(emk_tm_msi_pop(f->tm, &msg), 1);
    assert_int_equal(msg.data, 0x77);
    /* a repeated event while still pending sends nothing new */
    assert_int_equal(emk_pcie_port_hotplug_event(rp, 0), 0);
    assert_int_equal(emk_tm_msi_pop(f->tm, &msg), 0);
    /* software acknowledges (W1C), then a device arrives */
    wr(rp, c + EMK_PCIE_SLTSTA, 2, EMK_PCIE_SLTSTA_PDC | EMK_PCIE_SLTSTA_DLLSC);
    assert_int_equal(rd(rp, c + EMK_PCIE_SLTSTA, 2) & 0x1ff, 0);
    assert_int_equal(emk_pci_bridge_attach(rp, &f->tdevs[1].fn, 0), 0);
    assert_ptr_equal(emk_pci_seg_find(s0, 2, 0), &f->tdevs[1].fn);
    assert_int_equal(emk_pcie_port_hotplug_event(rp, 1), 0);
    assert_int_equal(emk_tm_msi_pop(f->tm, &msg), 1);
    assert_true(rd(rp, c + EMK_PCIE_LNKSTA, 2) & EMK_PCIE_LNKSTA_DLLLA);
    assert_int_equal(rd(rp, c + EMK_PCIE_SLTSTA, 2) & 0x1ff,
                     EMK_PCIE_SLTSTA_PDS | EMK_PCIE_SLTSTA_PDC |
                     EMK_PCIE_SLTSTA_DLLSC);
    wr(rp, c + EMK_PCIE_SLTSTA, 2, 0xffff);
    /* INTx path: MSI off, attention button */
    wr(rp, m + 2, 2, 0);
    wr(rp, c + EMK_PCIE_SLTCTL, 2, EMK_PCIE_SLTCTL_HPIE | EMK_PCIE_SLTCTL_ABPE);
    assert_int_equal(emk_tm_irq_level(f->tm, rp->intx_irq), 0);
    assert_int_equal(emk_pcie_port_attention(rp), 0);
    assert_int_equal(emk_tm_irq_level(f->tm, rp->intx_irq), 1);
    wr(rp, c + EMK_PCIE_SLTSTA, 2, EMK_PCIE_SLTSTA_ABP);
    assert_int_equal(emk_tm_irq_level(f->tm, rp->intx_irq), 0);
}

static void test_lspci_dump_format(void **state)
{
    fixture *f = *state;
    static char buf[20000];
    int n;

    assert_int_equal(emk_pci_dump_lspci(&f->tdevs[0].fn, 0, 0, buf, 100), -ENOSPC);
    n = emk_pci_dump_lspci(&f->tdevs[0].fn, 0, 0, buf, sizeof(buf));
    /* header line, 256 lines of 16 bytes (4 KiB), blank line */
    assert_int_equal(n, 29 + 16 * 52 + 240 * 53 + 1);
    assert_int_equal((int)strlen(buf), n);
    assert_memory_equal(buf, "0000:00:00.0 0108: 1b36:00e1\n00: 36 1b e1 00", 44);
    assert_non_null(strstr(buf, "\nff0: "));
    n = emk_pci_dump_lspci(&f->ports[1].fn, 1, 0x40, buf, sizeof(buf));
    assert_true(n > 0);
    assert_memory_equal(buf, "0001:40:00.0 0604: 1b36:000c\n", 29);
}

static void test_enumerator(void **state)
{
    fixture *f = *state;
    emk_pci_enum *e = calloc(1, sizeof(*e));
    emk_pci_enum_seg segs[3] = {{0, 0xb0000000u, 0, 15},
                                {1, 0xc0000000u, 0x40, 0x47},
                                {2, 0x4000000000ull, 0, 0xff}};
    emk_tm_msi m;
    uint64_t v;
    int n, i;

    assert_non_null(e);
    assert_int_equal(emk_pci_enum_init(e, f->tm, segs, 3, 0x80000000u,
                                       0xa0000000u, 0x8000000000ull,
                                       0x8100000000ull, 0x1000, 0x10000), 0);
    n = emk_pci_enum_run(e);
    assert_int_equal(n, 7);
    assert_int_equal(e->ari_enabled, 1);
    /* the ARI function 9 was found on bus 1 behind port 00:01.0 */
    i = emk_pci_enum_find(e, TDEV_VENDOR, TDEV_DEVICE, 0);
    assert_int_equal(e->fns[i].bus, 0);
    assert_int_equal(e->fns[1].header_type, 1);
    assert_int_equal(e->fns[1].secondary, 1);
    assert_int_equal(e->fns[1].subordinate, 1);
    assert_int_equal(e->fns[4].bus, 1);
    assert_int_equal(e->fns[4].devfn, 9);
    assert_ptr_equal(emk_pci_seg_find(&f->segs[0], 1, 9), &f->tdevs[3].fn);
    assert_int_equal(e->fns[5].segment, 1);
    assert_int_equal(e->fns[5].secondary, 0x41);
    assert_int_equal(e->fns[6].bus, 0x41);
    /* every endpoint's BARs are live, including behind root ports */
    for (i = 0; i < (int)f->ntdevs; i++) {
        tdev *t = &f->tdevs[i];
        assert_true(t->fn.bars[0].mapped);
        assert_true(t->fn.bars[2].mapped);
        assert_true(t->fn.bars[4].mapped);
        assert_true(t->fn.bars[5].mapped);
        assert_true(t->fn.bars[2].addr >= 0x8000000000ull);
        assert_true(emk_pci_bus_master(&t->fn));
    }
    assert_int_equal(e->fns[4].bar_size[2], 1u << 20);
    assert_int_equal(e->fns[4].bar_size[5], 32);
    assert_int_equal(emk_tm_mmio_write(f->tm, e->fns[4].bar_addr[0] + 8, 4, 77), 0);
    assert_int_equal(f->tdevs[3].regs[8], 77);
    assert_int_equal(emk_tm_pio_read(f->tm, e->fns[4].bar_addr[5] + 8, 1, &v), 0);
    assert_int_equal(v, 77);
    /* MSI-X through the enumerator: the ARI function signals vector 3 */
    assert_int_equal(emk_pci_enum_msix_setup(e, 4, 0xfee00000u, 0x40, 8), 0);
    assert_int_equal(emk_pci_msix_notify(&f->tdevs[3].fn, 3), 0);
    assert_int_equal(emk_tm_msi_pop(f->tm, &m), 1);
    assert_int_equal(m.addr, 0xfee00000u);
    assert_int_equal(m.data, 0x43);
    assert_int_equal(emk_pci_enum_msix_setup(e, 1, 0, 0, 1), -ENOENT);
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_link, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_cap_init_errors, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_devcap2_ari_forwarding, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_ari_routing, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_acs, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_aer, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_ecam_segments, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_mcfg_bytes, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_hotplug, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_lspci_dump_format, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_enumerator, fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
