/*
 * pci_paths.c - the bus nodes (root ports, one level or two: a port on a
 * port's secondary bus, the deepest src/pci/rootport.c routes), attaching
 * a function at the path's attach point, and enumeration.
 */
#include <string.h>

#include "qos.h"

int qos_rootport_build(qos_ctx *c, const qos_opts *o)
{
    emk_pcie_root_port_config rc;
    qos_port *p;
    int err;

    (void)o;
    if (!c->pci || c->nports >= QOS_MAX_PORTS)
        return -EINVAL;
    p = &c->ports[c->nports];
    memset(&rc, 0, sizeof(rc));
    rc.port_number = (uint8_t)(c->nports + 1);
    rc.slot_number = (uint16_t)(c->nports + 1);
    rc.link.max_speed = EMK_PCIE_SPEED_16GT;
    rc.link.max_width = 16;
    rc.acs_caps = EMK_PCIE_ACS_ALL_PORT;
    rc.aer = 1;
    emk_dev_init(&p->dev, "root-port", emk_tm_bus(c->tm), NULL);
    if ((err = emk_pcie_root_port_init(&p->fn, &p->dev, &rc)) < 0)
        return err;
    if (c->at_bridge) {
        err = emk_pci_bridge_attach(c->at_bridge, &p->fn, c->at_devfn);
        emk_pcie_port_set_presence(c->at_bridge, 1);
    } else {
        err = emk_pci_seg_attach(c->at_seg, &p->fn, 1 << 3);
    }
    if (err < 0)
        return err;
    c->nports++;
    c->at_bridge = &p->fn;
    c->at_devfn = 0;            /* a downstream port reaches device 0 */
    return 0;
}

int qos_pci_attach(qos_ctx *c, emk_pci_fn *fn)
{
    int err;

    if (c->at_bridge) {
        err = emk_pci_bridge_attach(c->at_bridge, fn, c->at_devfn);
        if (err == 0)
            emk_pcie_port_set_presence(c->at_bridge, 1);
        return err;
    }
    return emk_pci_seg_attach(c->at_seg, fn, c->at_devfn);
}

void qos_pci_detach(qos_ctx *c, emk_pci_fn *fn)
{
    /* stop decoding (unmaps the BARs), then leave the bridge; functions
     * on a root bus stay listed there until the machine goes */
    emk_pci_config_write(fn, EMK_PCI_COMMAND, 2, 0);
    if (fn->parent)
        (void)emk_pci_bridge_detach(fn->parent, fn);
    (void)c;
}

int qos_pci_enumerate(qos_ctx *c, uint16_t vendor, uint16_t device)
{
    int err, idx;

    err = emk_pci_enum_init(&c->e, c->tm, c->esegs, c->nsegs,
                            0x80000000ull, 0x90000000ull,
                            0x100000000ull, 0x200000000ull, 0x1000, 0x2000);
    if (err < 0)
        return err;
    err = emk_pci_enum_run(&c->e);
    if (err < 0)
        return err;
    /* every port of the path, then the device */
    if ((unsigned)err != c->nports + 1)
        return -ENODEV;
    idx = emk_pci_enum_find(&c->e, vendor, device, 0);
    return idx < 0 ? -ENODEV : idx;
}

uint32_t qos_cfg_read(qos_ctx *c, uint32_t off, unsigned size)
{
    const emk_pci_enum_fn *f = &c->e.fns[c->pcifn.idx];
    uint32_t v = 0xffffffffu;

    (void)emk_pci_enum_cfg_read(&c->e, f->segment, f->bus, f->devfn, off, size, &v);
    return v;
}

void qos_cfg_write(qos_ctx *c, uint32_t off, unsigned size, uint32_t v)
{
    const emk_pci_enum_fn *f = &c->e.fns[c->pcifn.idx];

    (void)emk_pci_enum_cfg_write(&c->e, f->segment, f->bus, f->devfn, off, size, v);
}
