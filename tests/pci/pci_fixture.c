/*
 * pci_fixture.c - the PCI test topology (see pci_fixture.h).
 */
#include <string.h>

#include "pci/pci_fixture.h"

static int regs_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    tdev *t = opaque;
    unsigned i;

    *v = 0;
    for (i = 0; i < size; i++)
        *v |= (uint64_t)t->regs[off + i] << (8 * i);
    return 0;
}

static int regs_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    tdev *t = opaque;
    unsigned i;

    for (i = 0; i < size; i++)
        t->regs[off + i] = (uint8_t)(v >> (8 * i));
    t->writes++;
    return 0;
}

static int pref_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    (void)opaque;
    (void)size;
    *v = off ^ 0x5a5a5a5a5a5a5a5aull;   /* a pattern tests can recognise */
    return 0;
}

static int pref_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    tdev *t = opaque;

    (void)off;
    (void)size;
    (void)v;
    t->writes++;
    return 0;
}

int tdev_init(tdev *t, emk_bus *bus, int express, int ari, uint8_t next_fn)
{
    emk_pci_id id;
    emk_pcie_link link = {EMK_PCIE_SPEED_8GT, 4, 0, 0};
    int err;

    memset(t, 0, sizeof(*t));
    emk_dev_init(&t->dev, "tdev", bus, NULL);
    memset(&id, 0, sizeof(id));
    id.vendor_id = TDEV_VENDOR;
    id.device_id = TDEV_DEVICE;
    id.subsystem_vendor_id = 0x1af4;
    id.subsystem_id = 0x1100;
    id.class_code = 0x010802;         /* NVM Express */
    id.revision = 2;
    id.interrupt_pin = 1;
    id.express = (uint8_t)express;
    id.multi_function = (uint8_t)(ari && next_fn);
    err = emk_pci_fn_init(&t->fn, &t->dev, &id, NULL, t);
    if (err < 0)
        return err;

    t->bar0_ops.read = regs_read;
    t->bar0_ops.write = regs_write;
    t->bar0_ops.valid_sizes = EMK_SIZE_1 | EMK_SIZE_2 | EMK_SIZE_4 | EMK_SIZE_8;
    t->bar0 = (emk_region){"tdev-regs", &t->bar0_ops, t, 4096, EMK_SPACE_MEM,
                           NULL, 0, 0};
    t->bar2_ops.read = pref_read;
    t->bar2_ops.write = pref_write;
    t->bar2_ops.valid_sizes = EMK_SIZE_4 | EMK_SIZE_8;
    t->bar2 = (emk_region){"tdev-pref", &t->bar2_ops, t, 1u << 20,
                           EMK_SPACE_MEM, NULL, 0, 0};
    t->bar5_ops = t->bar0_ops;
    t->bar5 = (emk_region){"tdev-io", &t->bar5_ops, t, 32, EMK_SPACE_IO,
                           NULL, 0, 0};
    if ((err = emk_pci_bar_register(&t->fn, 0, &t->bar0, EMK_PCI_BAR_MEM32)) < 0 ||
        (err = emk_pci_bar_register(&t->fn, 2, &t->bar2,
                                    EMK_PCI_BAR_MEM64 | EMK_PCI_BAR_PREFETCH)) < 0 ||
        (err = emk_pci_bar_register(&t->fn, 5, &t->bar5, EMK_PCI_BAR_IO)) < 0)
        return err;
    if (express) {
        if ((err = emk_pcie_cap_init(&t->fn, EMK_PCIE_TYPE_ENDPOINT, &link)) < 0)
            return err;
    }
    if ((err = emk_pci_msi_init(&t->fn, 4, EMK_PCI_MSI_64BIT |
                                EMK_PCI_MSI_PER_VECTOR_MASK)) < 0)
        return err;
    err = emk_pci_msix_init(&t->fn, TDEV_MSIX_VECTORS, 4, 0, 4, 0x800,
                            t->msix_storage);
    if (err < 0)
        return err;
    if (express && ari) {
        if ((err = emk_pcie_ari_init(&t->fn, next_fn)) < 0)
            return err;
    }
    if (express) {
        if ((err = emk_pcie_aer_init(&t->fn)) < 0)
            return err;
    }
    return 0;
}

static int port_init(fix_port *p, emk_bus *bus, uint8_t port_number,
                     uint16_t slot, uint8_t speed, uint8_t width)
{
    emk_pcie_root_port_config c;

    memset(&c, 0, sizeof(c));
    c.port_number = port_number;
    c.slot_number = slot;
    c.link.max_speed = speed;
    c.link.max_width = width;
    c.acs_caps = EMK_PCIE_ACS_ALL_PORT;
    c.aer = 1;
    c.hotplug = 1;
    emk_dev_init(&p->dev, "root-port", bus, NULL);
    return emk_pcie_root_port_init(&p->fn, &p->dev, &c);
}

int fixture_build(fixture *f)
{
    emk_tm_config cfg;
    emk_bus *bus;
    int err = 0;

    memset(f, 0, sizeof(*f));
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_size = 2u << 20;
    f->tm = emk_tm_new(&cfg, &err);
    if (!f->tm)
        return err ? err : -ENOMEM;
    bus = emk_tm_bus(f->tm);
    emk_pci_host_init(&f->host, bus, f->segs, 4);
    if ((err = emk_pci_host_add_segment(&f->host, 0, 0xb0000000u, 0, 15)) < 0 ||
        (err = emk_pci_host_add_segment(&f->host, 1, 0xc0000000u, 0x40, 0x47)) < 0 ||
        (err = emk_pci_host_add_segment(&f->host, 2, 0x4000000000ull, 0, 0xff)) < 0)
        return err;
    /* segment 0 */
    if ((err = tdev_init(&f->tdevs[0], bus, 1, 0, 0)) < 0 ||
        (err = emk_pci_seg_attach(&f->segs[0], &f->tdevs[0].fn, 0x00)) < 0)
        return err;
    if ((err = port_init(&f->ports[0], bus, 1, 1, EMK_PCIE_SPEED_16GT, 16)) < 0 ||
        (err = emk_pci_seg_attach(&f->segs[0], &f->ports[0].fn, 0x08)) < 0)
        return err;
    if ((err = tdev_init(&f->tdevs[1], bus, 1, 1, 1)) < 0 ||
        (err = emk_pci_bridge_attach(&f->ports[0].fn, &f->tdevs[1].fn, 0)) < 0)
        return err;
    /* ARI function 1 sits at devfn 1; function 9 (device 1 without ARI)
     * is only reachable with ARI forwarding */
    if ((err = tdev_init(&f->tdevs[2], bus, 1, 1, 9)) < 0 ||
        (err = emk_pci_bridge_attach(&f->ports[0].fn, &f->tdevs[2].fn, 1)) < 0)
        return err;
    if ((err = tdev_init(&f->tdevs[3], bus, 1, 1, 0)) < 0 ||
        (err = emk_pci_bridge_attach(&f->ports[0].fn, &f->tdevs[3].fn, 9)) < 0)
        return err;
    emk_pcie_port_set_presence(&f->ports[0].fn, 1);     /* cold plug */
    /* segment 1 */
    if ((err = port_init(&f->ports[1], bus, 2, 2, EMK_PCIE_SPEED_8GT, 8)) < 0 ||
        (err = emk_pci_seg_attach(&f->segs[1], &f->ports[1].fn, 0x00)) < 0)
        return err;
    if ((err = tdev_init(&f->tdevs[4], bus, 1, 0, 0)) < 0 ||
        (err = emk_pci_bridge_attach(&f->ports[1].fn, &f->tdevs[4].fn, 0)) < 0)
        return err;
    emk_pcie_port_set_presence(&f->ports[1].fn, 1);
    f->ntdevs = 5;
    return 0;
}

void fixture_free(fixture *f)
{
    if (f->tm)
        emk_tm_free(f->tm);
    f->tm = NULL;
}
