/*
 * bar.c - BAR registration and sizing masks, mapping BAR regions on the
 * machine bus as the command register, BAR addresses and upstream bridge
 * windows allow; bridge window decode.
 */
#include "pci/pci_int.h"

static uint64_t pow2_at_least(uint64_t v, uint64_t min)
{
    uint64_t p = min;

    while (p < v)
        p <<= 1;
    return p;
}

int emk_pci_bar_register(emk_pci_fn *fn, unsigned bar, emk_region *r,
                         unsigned flags)
{
    unsigned nb = emk_pci__num_bars(fn);
    int is_io = (flags & EMK_PCI_BAR_IO) != 0;
    int is64 = (flags & EMK_PCI_BAR_MEM64) != 0;
    uint64_t size, mask;
    uint32_t reg;
    int err;

    if (!r || r->size == 0 || bar >= nb || (is64 && bar + 1 >= nb))
        return -EINVAL;
    if (flags & ~(unsigned)(EMK_PCI_BAR_IO | EMK_PCI_BAR_MEM64 |
                            EMK_PCI_BAR_PREFETCH))
        return -EINVAL;
    if (is_io && (flags & (EMK_PCI_BAR_MEM64 | EMK_PCI_BAR_PREFETCH)))
        return -EINVAL;
    if ((r->space == EMK_SPACE_IO) != is_io)
        return -EINVAL;
    if (is_io ? r->size > 0x10000 :
                r->size > (is64 ? ((uint64_t)1 << 62) : 0x80000000u))
        return -EINVAL;
    if (fn->bars[bar].region || (is64 && fn->bars[bar + 1].region) ||
        (bar > 0 && fn->bars[bar - 1].region &&
         (fn->bars[bar - 1].flags & EMK_PCI_BAR_MEM64)))
        return -EBUSY;
    err = emk_dev_add_region(fn->dev, r);
    if (err < 0)
        return err;

    size = pow2_at_least(r->size, is_io ? 4 : 16);
    mask = ~(size - 1);
    reg = EMK_PCI_BAR0 + 4 * bar;
    fn->bars[bar].region = r;
    fn->bars[bar].size = size;
    fn->bars[bar].flags = flags;
    fn->bars[bar].mapped = 0;
    fn->bars[bar].addr = 0;
    emk_pci_set_long(fn, reg, flags & 0xf);
    emk_pci_set_masks(fn, reg, 4,
                      (uint32_t)mask & (is_io ? 0xfffffffcu : 0xfffffff0u), 0);
    if (is64) {
        emk_pci_set_long(fn, reg + 4, 0);
        emk_pci_set_masks(fn, reg + 4, 4, (uint32_t)(mask >> 32), 0);
    }
    return 0;
}

uint64_t emk_pci_bar_addr(const emk_pci_fn *fn, unsigned bar)
{
    uint32_t reg = EMK_PCI_BAR0 + 4 * bar;
    uint32_t lo;
    uint64_t a;

    if (bar >= EMK_PCI_NUM_BARS || !fn->bars[bar].region)
        return 0;
    lo = emk_pci_get_long(fn, reg);
    if (fn->bars[bar].flags & EMK_PCI_BAR_IO)
        return lo & ~3u;
    a = lo & ~0xfu;
    if (fn->bars[bar].flags & EMK_PCI_BAR_MEM64)
        a |= (uint64_t)emk_pci_get_long(fn, reg + 4) << 32;
    return a;
}

int emk_pci_bridge_window(const emk_pci_fn *br, emk_pci_window w,
                          uint64_t *base, uint64_t *limit)
{
    uint64_t b, l;

    if (!emk_pci__is_bridge(br))
        return -EINVAL;
    switch (w) {
    case EMK_PCI_WINDOW_IO:
        b = (uint64_t)(emk_pci_get_byte(br, EMK_PCI_IO_BASE) & 0xf0) << 8;
        l = ((uint64_t)(emk_pci_get_byte(br, EMK_PCI_IO_LIMIT) & 0xf0) << 8) |
            0xfff;
        if ((emk_pci_get_byte(br, EMK_PCI_IO_BASE) & 0xf) == 1) {
            b |= (uint64_t)emk_pci_get_word(br, EMK_PCI_IO_BASE_UPPER16) << 16;
            l |= (uint64_t)emk_pci_get_word(br, EMK_PCI_IO_LIMIT_UPPER16) << 16;
        }
        break;
    case EMK_PCI_WINDOW_MEM:
        b = (uint64_t)(emk_pci_get_word(br, EMK_PCI_MEMORY_BASE) & 0xfff0) << 16;
        l = ((uint64_t)(emk_pci_get_word(br, EMK_PCI_MEMORY_LIMIT) & 0xfff0)
             << 16) | 0xfffff;
        break;
    case EMK_PCI_WINDOW_PREF:
        b = (uint64_t)(emk_pci_get_word(br, EMK_PCI_PREF_MEMORY_BASE) & 0xfff0)
            << 16;
        l = ((uint64_t)(emk_pci_get_word(br, EMK_PCI_PREF_MEMORY_LIMIT) &
                        0xfff0) << 16) | 0xfffff;
        if ((emk_pci_get_word(br, EMK_PCI_PREF_MEMORY_BASE) & 0xf) == 1) {
            b |= (uint64_t)emk_pci_get_long(br, EMK_PCI_PREF_BASE_UPPER32) << 32;
            l |= (uint64_t)emk_pci_get_long(br, EMK_PCI_PREF_LIMIT_UPPER32) << 32;
        }
        break;
    default:
        return -EINVAL;
    }
    if (base)
        *base = b;
    if (limit)
        *limit = l;
    return b <= l;
}

static int window_holds(const emk_pci_fn *br, emk_pci_window w, uint64_t addr,
                        uint64_t len)
{
    uint64_t b, l;

    if (emk_pci_bridge_window(br, w, &b, &l) != 1 || len == 0)
        return 0;
    return addr >= b && addr <= l && len - 1 <= l - addr;
}

int emk_pci_bridge_forwards(const emk_pci_fn *br, emk_space space,
                            uint64_t addr, uint64_t len)
{
    uint16_t cmd = emk_pci_get_word(br, EMK_PCI_COMMAND);

    if (!emk_pci__is_bridge(br))
        return 0;
    if (emk_pci_get_word(br, EMK_PCI_BRIDGE_CONTROL) & EMK_PCI_BRIDGE_CTL_BUS_RESET)
        return 0;
    if (space == EMK_SPACE_IO)
        return (cmd & EMK_PCI_COMMAND_IO) &&
               window_holds(br, EMK_PCI_WINDOW_IO, addr, len);
    return (cmd & EMK_PCI_COMMAND_MEMORY) &&
           (window_holds(br, EMK_PCI_WINDOW_MEM, addr, len) ||
            window_holds(br, EMK_PCI_WINDOW_PREF, addr, len));
}

/* Whether BAR `bar` of fn should be decoded now. */
static int bar_wanted(const emk_pci_fn *fn, unsigned bar, uint64_t addr)
{
    const emk_pci_bar *b = &fn->bars[bar];
    uint16_t cmd = emk_pci_get_word(fn, EMK_PCI_COMMAND);
    int is_io = (b->flags & EMK_PCI_BAR_IO) != 0;
    uint64_t top = is_io ? 0x10000 :
                   (b->flags & EMK_PCI_BAR_MEM64) ? 0 : 0x100000000ull;
    const emk_pci_fn *p;

    if (!(cmd & (is_io ? EMK_PCI_COMMAND_IO : EMK_PCI_COMMAND_MEMORY)))
        return 0;
    if (addr == 0 || addr + b->size < addr)
        return 0;                      /* unassigned, or wraps */
    if (top && addr + b->size > top)
        return 0;
    for (p = fn->parent; p; p = p->parent)
        if (!emk_pci_bridge_forwards(p, is_io ? EMK_SPACE_IO : EMK_SPACE_MEM,
                                     addr, b->size))
            return 0;
    return 1;
}

void emk_pci__bar_unmap(emk_pci_fn *fn, unsigned bar)
{
    emk_pci_bar *b = &fn->bars[bar];
    emk_bus *bus = fn->dev->bus;

    if (!b->mapped)
        return;
    emk_bus_unmap_region(bus, b->region);
    b->mapped = 0;
    if (fn->ops && fn->ops->bar_mapped)
        fn->ops->bar_mapped(fn, bar, 0, b->addr);
}

static int bar_map(emk_pci_fn *fn, unsigned bar, uint64_t addr)
{
    emk_pci_bar *b = &fn->bars[bar];
    emk_bus *bus = fn->dev->bus;
    int err;

    err = emk_bus_map_region(bus, b->region, addr);
    if (err < 0)
        return err;
    b->mapped = 1;
    b->addr = addr;
    if (fn->ops && fn->ops->bar_mapped)
        fn->ops->bar_mapped(fn, bar, 1, addr);
    return 0;
}

int emk_pci_update_mappings(emk_pci_fn *fn)
{
    unsigned i, nb = emk_pci__num_bars(fn);
    emk_pci_fn *c;
    int first_err = 0;

    for (i = 0; i < nb; i++) {
        emk_pci_bar *b = &fn->bars[i];
        uint64_t addr;
        int want, err;

        if (!b->region)
            continue;
        addr = emk_pci_bar_addr(fn, i);
        want = bar_wanted(fn, i, addr);
        if (b->mapped && (!want || b->addr != addr))
            emk_pci__bar_unmap(fn, i);
        if (want && !b->mapped) {
            err = bar_map(fn, i, addr);
            if (err < 0 && !first_err)
                first_err = err;
        }
    }
    if (emk_pci__is_bridge(fn))
        for (c = fn->children; c; c = c->next) {
            int err = emk_pci_update_mappings(c);
            if (err < 0 && !first_err)
                first_err = err;
        }
    return first_err;
}
