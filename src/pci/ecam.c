/*
 * ecam.c - the multi-segment ECAM host bridge: segments and their ECAM
 * windows, config routing by (segment, bus, devfn) through bridges.
 */
#include <string.h>

#include "pci/pci_int.h"

void emk_pci_host_init(emk_pci_host *h, emk_bus *bus, emk_pci_seg *segs,
                       unsigned cap)
{
    memset(h, 0, sizeof(*h));
    emk_dev_init(&h->dev, "pci-host", bus, NULL);
    h->segs = segs;
    h->cap = segs ? cap : 0;
    h->nsegs = 0;
}

emk_pci_seg *emk_pci_host_segment(emk_pci_host *h, uint16_t segment)
{
    unsigned i;

    for (i = 0; i < h->nsegs; i++)
        if (h->segs[i].segment == segment)
            return &h->segs[i];
    return NULL;
}

static int ecam_read(void *opaque, uint64_t off, unsigned size,
                     uint64_t *value)
{
    emk_pci_seg *s = opaque;
    uint32_t v = 0xffffffffu;
    unsigned bus = s->bus_start + (unsigned)(off >> EMK_PCI_ECAM_BUS_SHIFT);

    emk_pci_host_config_read(s->host, s->segment, (uint8_t)bus,
                             (uint8_t)(off >> EMK_PCI_ECAM_DEVFN_SHIFT),
                             (uint32_t)(off & 0xfff), size, &v);
    *value = v;
    return 0;
}

static int ecam_write(void *opaque, uint64_t off, unsigned size,
                      uint64_t value)
{
    emk_pci_seg *s = opaque;
    unsigned bus = s->bus_start + (unsigned)(off >> EMK_PCI_ECAM_BUS_SHIFT);

    emk_pci_host_config_write(s->host, s->segment, (uint8_t)bus,
                              (uint8_t)(off >> EMK_PCI_ECAM_DEVFN_SHIFT),
                              (uint32_t)(off & 0xfff), size, (uint32_t)value);
    return 0;
}

int emk_pci_host_add_segment(emk_pci_host *h, uint16_t segment,
                             uint64_t ecam_base, uint8_t bus_start,
                             uint8_t bus_end)
{
    emk_bus *bus = h->dev.bus;
    emk_pci_seg *s;
    uint64_t size;
    int err;

    if (bus_start > bus_end || (ecam_base & 0xfffff))
        return -EINVAL;
    size = (uint64_t)(bus_end - bus_start + 1) << EMK_PCI_ECAM_BUS_SHIFT;
    /* the MCFG base (bus 0) must not underflow, the window must not wrap */
    if (ecam_base < ((uint64_t)bus_start << EMK_PCI_ECAM_BUS_SHIFT) ||
        ecam_base + size < ecam_base)
        return -EINVAL;
    if (emk_pci_host_segment(h, segment))
        return -EEXIST;
    if (h->nsegs >= h->cap)
        return -ENOSPC;
    s = &h->segs[h->nsegs];
    memset(s, 0, sizeof(*s));
    s->segment = segment;
    s->bus_start = bus_start;
    s->bus_end = bus_end;
    s->ecam_base = ecam_base;
    s->host = h;
    s->ecam_ops.read = ecam_read;
    s->ecam_ops.write = ecam_write;
    s->ecam_ops.valid_sizes = EMK_SIZE_1 | EMK_SIZE_2 | EMK_SIZE_4;
    s->ecam_ops.flags = 0;
    s->ecam.name = "ecam";
    s->ecam.ops = &s->ecam_ops;
    s->ecam.opaque = s;
    s->ecam.size = size;
    s->ecam.space = EMK_SPACE_MEM;
    /* the host bridge does no DMA; the region list only matters for the
     * DMA re-entrancy check, so a full list is not an error */
    err = emk_dev_add_region(&h->dev, &s->ecam);
    if (err < 0 && err != -ENOSPC)
        return err;
    err = emk_bus_map_region(bus, &s->ecam, ecam_base);
    if (err < 0)
        return err;
    return (int)h->nsegs++;
}

int emk_pci_seg_attach(emk_pci_seg *seg, emk_pci_fn *fn, uint8_t devfn)
{
    emk_pci_fn **pp, *c;

    if (!seg || !fn || fn->parent || fn->seg)
        return -EINVAL;
    for (c = seg->root_bus; c; c = c->next)
        if (c->devfn == devfn)
            return -EEXIST;
    fn->devfn = devfn;
    fn->seg = seg;
    fn->next = NULL;
    for (pp = &seg->root_bus; *pp; pp = &(*pp)->next)
        ;
    *pp = fn;
    for (c = fn->children; c; c = c->next)
        c->seg = seg;
    return emk_pci_update_mappings(fn);
}

static emk_pci_fn *list_find(emk_pci_fn *list, uint8_t devfn)
{
    for (; list; list = list->next)
        if (list->devfn == devfn)
            return list;
    return NULL;
}

/* Follows bridges on the bus whose functions are `list` towards bus. */
static emk_pci_fn *find_below(emk_pci_fn *list, unsigned bus, uint8_t devfn,
                              unsigned depth)
{
    emk_pci_fn *f;

    if (depth > 255)
        return NULL;
    for (f = list; f; f = f->next) {
        unsigned sec, sub;

        if (!emk_pci__is_bridge(f))
            continue;
        sec = f->cfg[EMK_PCI_SECONDARY_BUS];
        sub = f->cfg[EMK_PCI_SUBORDINATE_BUS];
        if (sec == 0)
            continue;           /* not configured yet */
        if (bus == sec) {
            /* a PCIe downstream port only reaches device 0, unless ARI
             * forwarding makes devfn an 8-bit function number */
            if (emk_pci__is_down_port(f) && (devfn >> 3) != 0 &&
                !emk_pcie_ari_forwarding(f))
                return NULL;
            return list_find(f->children, devfn);
        }
        if (bus > sec && bus <= sub)
            return find_below(f->children, bus, devfn, depth + 1);
    }
    return NULL;
}

emk_pci_fn *emk_pci_seg_find(emk_pci_seg *seg, uint8_t bus, uint8_t devfn)
{
    if (!seg || bus < seg->bus_start || bus > seg->bus_end)
        return NULL;
    if (bus == seg->bus_start)
        return list_find(seg->root_bus, devfn);
    return find_below(seg->root_bus, bus, devfn, 0);
}

int emk_pci_host_config_read(emk_pci_host *h, uint16_t segment, uint8_t bus,
                             uint8_t devfn, uint32_t reg, unsigned size,
                             uint32_t *val)
{
    emk_pci_fn *fn = emk_pci_seg_find(emk_pci_host_segment(h, segment), bus,
                                      devfn);

    *val = 0xffffffffu;
    if (!fn) {
        h->stat_cfg_unclaimed++;
        return -ENODEV;
    }
    if (size < 1 || size > 4 || reg >= fn->cfg_size ||
        size > fn->cfg_size - reg) {
        /* conventional function: extended space reads as all-ones */
        fn->stat_cfg_bad++;
        return -ERANGE;
    }
    *val = emk_pci_config_read(fn, reg, size);
    return 0;
}

int emk_pci_host_config_write(emk_pci_host *h, uint16_t segment, uint8_t bus,
                              uint8_t devfn, uint32_t reg, unsigned size,
                              uint32_t val)
{
    emk_pci_fn *fn = emk_pci_seg_find(emk_pci_host_segment(h, segment), bus,
                                      devfn);

    if (!fn) {
        h->stat_cfg_unclaimed++;
        return -ENODEV;
    }
    return emk_pci_config_write(fn, reg, size, val);
}
