/*
 * rootport.c - the PCI Express root port (type 1 header): setup, slot
 * capabilities and presence, attaching functions to its secondary bus.
 */
#include "pci/pci_int.h"

int emk_pcie_root_port_init(emk_pci_fn *rp, emk_dev *dev,
                            const emk_pcie_root_port_config *cfg)
{
    emk_pci_id id = {0};
    uint32_t lnkcap, sltcap;
    unsigned c;
    int err;

    if (!cfg)
        return -EINVAL;
    id.vendor_id = cfg->vendor_id ? cfg->vendor_id : 0x1b36;
    id.device_id = cfg->device_id ? cfg->device_id : 0x000c;
    id.class_code = 0x060400;
    id.header_type = EMK_PCI_HEADER_TYPE_BRIDGE;
    id.interrupt_pin = 1;
    id.express = 1;
    err = emk_pci_fn_init(rp, dev, &id, NULL, NULL);
    if (err < 0)
        return err;
    err = emk_pcie_cap_init(rp, EMK_PCIE_TYPE_ROOT_PORT, &cfg->link);
    if (err < 0)
        return err;
    c = rp->exp_cap;
    lnkcap = emk_pci_get_long(rp, c + EMK_PCIE_LNKCAP);
    lnkcap = (lnkcap & 0x00ffffffu) | (uint32_t)cfg->port_number << 24;
    emk_pci_set_long(rp, c + EMK_PCIE_LNKCAP, lnkcap);

    /* slot: power limit 25 W, physical slot number */
    sltcap = 25u << 7 | (uint32_t)(cfg->slot_number & 0x1fff) << 19;
    if (cfg->hotplug) {
        /* attention button, power controller, attention and power
         * indicators, hot-plug surprise and capable */
        sltcap |= 0x01 | 0x02 | 0x08 | 0x10 | 0x20 | 0x40;
        emk_pci_set_masks(rp, c + EMK_PCIE_SLTCTL, 2, 0x1fff, 0);
    }
    emk_pci_set_long(rp, c + EMK_PCIE_SLTCAP, sltcap);
    emk_pcie__defaults(rp);
    /* link and slot are empty until a function is attached */
    emk_pcie_port_set_presence(rp, 0);

    err = emk_pci_msi_init(rp, 1, EMK_PCI_MSI_64BIT);
    if (err < 0)
        return err;
    if (cfg->acs_caps) {
        err = emk_pcie_acs_init(rp, cfg->acs_caps);
        if (err < 0)
            return err;
    }
    if (cfg->aer) {
        err = emk_pcie_aer_init(rp);
        if (err < 0)
            return err;
    }
    return 0;
}

void emk_pcie_port_set_presence(emk_pci_fn *port, int present)
{
    unsigned c = port->exp_cap;
    uint16_t lnk, slt;

    if (!c || !emk_pci__is_down_port(port))
        return;
    lnk = emk_pci_get_word(port, c + EMK_PCIE_LNKSTA);
    slt = emk_pci_get_word(port, c + EMK_PCIE_SLTSTA);
    if (present) {
        lnk |= EMK_PCIE_LNKSTA_DLLLA;
        slt |= EMK_PCIE_SLTSTA_PDS;
    } else {
        lnk &= (uint16_t)~EMK_PCIE_LNKSTA_DLLLA;
        slt &= (uint16_t)~EMK_PCIE_SLTSTA_PDS;
    }
    emk_pci_set_word(port, c + EMK_PCIE_LNKSTA, lnk);
    emk_pci_set_word(port, c + EMK_PCIE_SLTSTA, slt);
}

int emk_pci_bridge_attach(emk_pci_fn *br, emk_pci_fn *fn, uint8_t devfn)
{
    emk_pci_fn **pp, *c;

    if (!br || !fn || !emk_pci__is_bridge(br) || fn == br || fn->parent ||
        fn->seg)
        return -EINVAL;
    for (c = br->children; c; c = c->next)
        if (c->devfn == devfn || c == fn)
            return -EEXIST;
    fn->devfn = devfn;
    fn->parent = br;
    fn->seg = br->seg;
    fn->next = NULL;
    for (pp = &br->children; *pp; pp = &(*pp)->next)
        ;
    *pp = fn;
    return emk_pci_update_mappings(fn);
}

int emk_pci_bridge_detach(emk_pci_fn *br, emk_pci_fn *fn)
{
    emk_pci_fn **pp;
    unsigned i;

    if (!br || !fn || fn->parent != br)
        return -ENOENT;
    for (pp = &br->children; *pp && *pp != fn; pp = &(*pp)->next)
        ;
    if (!*pp)
        return -ENOENT;
    *pp = fn->next;
    for (i = 0; i < EMK_PCI_NUM_BARS; i++)
        emk_pci__bar_unmap(fn, i);
    fn->parent = NULL;
    fn->seg = NULL;
    fn->next = NULL;
    return 0;
}

static int slot_hotplug_capable(const emk_pci_fn *port)
{
    return port->exp_cap && emk_pci__is_down_port(port) &&
           (emk_pci_get_long(port, port->exp_cap + EMK_PCIE_SLTCAP) & 0x40);
}

void emk_pcie__slot_update(emk_pci_fn *port)
{
    unsigned c = port->exp_cap;
    uint16_t ctl = emk_pci_get_word(port, c + EMK_PCIE_SLTCTL);
    uint16_t sta = emk_pci_get_word(port, c + EMK_PCIE_SLTSTA);
    int cond = 0;

    if (ctl & EMK_PCIE_SLTCTL_HPIE)
        cond = ((ctl & EMK_PCIE_SLTCTL_PDCE) && (sta & EMK_PCIE_SLTSTA_PDC)) ||
               ((ctl & EMK_PCIE_SLTCTL_DLLSCE) && (sta & EMK_PCIE_SLTSTA_DLLSC)) ||
               ((ctl & EMK_PCIE_SLTCTL_ABPE) && (sta & EMK_PCIE_SLTSTA_ABP));
    if (cond && !port->hp_irq && emk_pci_msi_enabled(port))
        emk_pci_msi_notify(port, 0);
    port->hp_irq = cond;
    /* INTx follows the condition (and is suppressed while MSI is on) */
    emk_pci_set_irq(port, cond);
}

int emk_pcie_port_hotplug_event(emk_pci_fn *port, int present)
{
    unsigned c;
    uint16_t sta, lnk, ev = 0;

    if (!port || !slot_hotplug_capable(port))
        return -EINVAL;
    c = port->exp_cap;
    sta = emk_pci_get_word(port, c + EMK_PCIE_SLTSTA);
    lnk = emk_pci_get_word(port, c + EMK_PCIE_LNKSTA);
    if (!(sta & EMK_PCIE_SLTSTA_PDS) != !present)
        ev |= EMK_PCIE_SLTSTA_PDC;
    if (!(lnk & EMK_PCIE_LNKSTA_DLLLA) != !present)
        ev |= EMK_PCIE_SLTSTA_DLLSC;
    emk_pcie_port_set_presence(port, present);
    if (ev) {
        sta = emk_pci_get_word(port, c + EMK_PCIE_SLTSTA);
        emk_pci_set_word(port, c + EMK_PCIE_SLTSTA, (uint16_t)(sta | ev));
        emk_pcie__slot_update(port);
    }
    return 0;
}

int emk_pcie_port_attention(emk_pci_fn *port)
{
    unsigned c;

    if (!port || !slot_hotplug_capable(port))
        return -EINVAL;
    c = port->exp_cap;
    emk_pci_set_word(port, c + EMK_PCIE_SLTSTA,
                     emk_pci_get_word(port, c + EMK_PCIE_SLTSTA) |
                     EMK_PCIE_SLTSTA_ABP);
    emk_pcie__slot_update(port);
    return 0;
}
