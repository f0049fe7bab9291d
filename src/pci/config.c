/*
 * config.c - a PCI function's configuration space: header init, the
 * RO/RW/W1C masks, config reads and writes and their side effects,
 * command register (BME -> DMA), INTx.
 */
#include <string.h>

#include "pci/pci_int.h"

void emk_pci_set_byte(emk_pci_fn *fn, uint32_t off, uint8_t v)
{
    if (off < EMK_PCIE_CFG_SIZE)
        fn->cfg[off] = v;
}

void emk_pci_set_word(emk_pci_fn *fn, uint32_t off, uint16_t v)
{
    emk_pci_set_byte(fn, off, (uint8_t)v);
    emk_pci_set_byte(fn, off + 1, (uint8_t)(v >> 8));
}

void emk_pci_set_long(emk_pci_fn *fn, uint32_t off, uint32_t v)
{
    emk_pci_set_word(fn, off, (uint16_t)v);
    emk_pci_set_word(fn, off + 2, (uint16_t)(v >> 16));
}

uint8_t emk_pci_get_byte(const emk_pci_fn *fn, uint32_t off)
{
    return off < EMK_PCIE_CFG_SIZE ? fn->cfg[off] : 0xff;
}

uint16_t emk_pci_get_word(const emk_pci_fn *fn, uint32_t off)
{
    return (uint16_t)(emk_pci_get_byte(fn, off) |
                      emk_pci_get_byte(fn, off + 1) << 8);
}

uint32_t emk_pci_get_long(const emk_pci_fn *fn, uint32_t off)
{
    return (uint32_t)emk_pci_get_word(fn, off) |
           (uint32_t)emk_pci_get_word(fn, off + 2) << 16;
}

void emk_pci_set_masks(emk_pci_fn *fn, uint32_t off, unsigned len,
                       uint32_t wmask, uint32_t w1cmask)
{
    unsigned i;

    for (i = 0; i < len && i < 4; i++) {
        if (off + i >= EMK_PCIE_CFG_SIZE)
            return;
        fn->wmask[off + i] = (uint8_t)(wmask >> (8 * i));
        fn->w1cmask[off + i] = (uint8_t)(w1cmask >> (8 * i));
    }
}

static void init_type0(emk_pci_fn *fn, const emk_pci_id *id)
{
    emk_pci_set_word(fn, EMK_PCI_SUBSYSTEM_VENDOR_ID, id->subsystem_vendor_id);
    emk_pci_set_word(fn, EMK_PCI_SUBSYSTEM_ID, id->subsystem_id);
}

static void init_type1(emk_pci_fn *fn)
{
    /* primary, secondary, subordinate bus numbers */
    emk_pci_set_masks(fn, EMK_PCI_PRIMARY_BUS, 3, 0xffffff, 0);
    if (fn->cfg_size == EMK_PCI_CFG_SIZE)
        emk_pci_set_masks(fn, EMK_PCI_SEC_LATENCY_TIMER, 1, 0xff, 0);
    /* I/O base/limit: bits 7:4 writable, 32-bit I/O addressing */
    emk_pci_set_byte(fn, EMK_PCI_IO_BASE, 0x01);
    emk_pci_set_byte(fn, EMK_PCI_IO_LIMIT, 0x01);
    emk_pci_set_masks(fn, EMK_PCI_IO_BASE, 2, 0xf0f0, 0);
    emk_pci_set_masks(fn, EMK_PCI_SEC_STATUS, 2, 0, EMK_PCI_STATUS_W1C);
    emk_pci_set_masks(fn, EMK_PCI_MEMORY_BASE, 4, 0xfff0fff0, 0);
    /* prefetchable window: 64-bit */
    emk_pci_set_word(fn, EMK_PCI_PREF_MEMORY_BASE, 0x0001);
    emk_pci_set_word(fn, EMK_PCI_PREF_MEMORY_LIMIT, 0x0001);
    emk_pci_set_masks(fn, EMK_PCI_PREF_MEMORY_BASE, 4, 0xfff0fff0, 0);
    emk_pci_set_masks(fn, EMK_PCI_PREF_BASE_UPPER32, 4, 0xffffffff, 0);
    emk_pci_set_masks(fn, EMK_PCI_PREF_LIMIT_UPPER32, 4, 0xffffffff, 0);
    emk_pci_set_masks(fn, EMK_PCI_IO_BASE_UPPER16, 4, 0xffffffff, 0);
    emk_pci_set_masks(fn, EMK_PCI_BRIDGE_CONTROL, 2,
                      EMK_PCI_BRIDGE_CTL_PARITY | EMK_PCI_BRIDGE_CTL_SERR |
                      EMK_PCI_BRIDGE_CTL_ISA | EMK_PCI_BRIDGE_CTL_VGA |
                      EMK_PCI_BRIDGE_CTL_MASTER_ABORT |
                      EMK_PCI_BRIDGE_CTL_BUS_RESET, 0);
}

int emk_pci_fn_init(emk_pci_fn *fn, emk_dev *dev, const emk_pci_id *id,
                    const emk_pci_fn_ops *ops, void *opaque)
{
    uint8_t ht;

    if (!fn || !dev || !id)
        return -EINVAL;
    if (id->header_type != EMK_PCI_HEADER_TYPE_NORMAL &&
        id->header_type != EMK_PCI_HEADER_TYPE_BRIDGE)
        return -EINVAL;
    if (id->interrupt_pin > 4)
        return -EINVAL;
    memset(fn, 0, sizeof(*fn));
    {
        pthread_mutexattr_t a;
        pthread_mutexattr_init(&a);
        pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
        pthread_mutex_init(&fn->lock, &a);
        pthread_mutexattr_destroy(&a);
    }
    fn->dev = dev;
    fn->ops = ops;
    fn->opaque = opaque;
    fn->cfg_size = id->express ? EMK_PCIE_CFG_SIZE : EMK_PCI_CFG_SIZE;
    fn->cap_next_free = 0x40;
    fn->ext_cap_next_free = 0x100;

    emk_pci_set_word(fn, EMK_PCI_VENDOR_ID, id->vendor_id);
    emk_pci_set_word(fn, EMK_PCI_DEVICE_ID, id->device_id);
    emk_pci_set_byte(fn, EMK_PCI_REVISION_ID, id->revision);
    emk_pci_set_byte(fn, EMK_PCI_CLASS_PROG, (uint8_t)id->class_code);
    emk_pci_set_word(fn, EMK_PCI_CLASS_DEVICE, (uint16_t)(id->class_code >> 8));
    ht = id->header_type;
    if (id->multi_function)
        ht |= EMK_PCI_HEADER_MULTI_FUNCTION;
    emk_pci_set_byte(fn, EMK_PCI_HEADER_TYPE, ht);
    emk_pci_set_byte(fn, EMK_PCI_INTERRUPT_PIN, id->interrupt_pin);
    fn->intx_irq = id->interrupt_pin ? id->interrupt_pin - 1u : 0;

    emk_pci_set_masks(fn, EMK_PCI_COMMAND, 2,
                      EMK_PCI_COMMAND_IO | EMK_PCI_COMMAND_MEMORY |
                      EMK_PCI_COMMAND_MASTER | EMK_PCI_COMMAND_PARITY |
                      EMK_PCI_COMMAND_SERR | EMK_PCI_COMMAND_INTX_DISABLE, 0);
    emk_pci_set_masks(fn, EMK_PCI_STATUS, 2, 0, EMK_PCI_STATUS_W1C);
    emk_pci_set_masks(fn, EMK_PCI_CACHE_LINE_SIZE, 1, 0xff, 0);
    if (!id->express)
        emk_pci_set_masks(fn, EMK_PCI_LATENCY_TIMER, 1, 0xff, 0);
    emk_pci_set_masks(fn, EMK_PCI_INTERRUPT_LINE, 1, 0xff, 0);

    if (ht & EMK_PCI_HEADER_TYPE_BRIDGE)
        init_type1(fn);
    else
        init_type0(fn, id);
    /* Bus Master Enable is clear after reset: no DMA until the guest
     * turns it on. */
    emk_dev_set_dma(dev, 0);
    return 0;
}

uint32_t emk_pci_config_read(emk_pci_fn *fn, uint32_t off, unsigned size)
{
    uint32_t v = 0;
    unsigned i;

    if (size < 1 || size > 4 || off >= fn->cfg_size ||
        size > fn->cfg_size - off) {
        fn->stat_cfg_bad++;
        return 0xffffffffu;
    }
    if (fn->ops && fn->ops->config_read)
        fn->ops->config_read(fn, off, size);
    emk_pci__lock(fn);
    for (i = 0; i < size; i++)
        v |= (uint32_t)fn->cfg[off + i] << (8 * i);
    emk_pci__unlock(fn);
    return v;
}

int emk_pci_bus_master(const emk_pci_fn *fn)
{
    int on;

    emk_pci__lock(fn);
    on = (emk_pci_get_word(fn, EMK_PCI_COMMAND) & EMK_PCI_COMMAND_MASTER) != 0;
    emk_pci__unlock(fn);
    return on;
}

void emk_pci__intx_update(emk_pci_fn *fn)
{
    uint16_t cmd;
    int out;

    emk_pci__lock(fn);
    cmd = emk_pci_get_word(fn, EMK_PCI_COMMAND);
    out = fn->intx_level && !(cmd & EMK_PCI_COMMAND_INTX_DISABLE) &&
          !emk_pci_msi_enabled(fn) && !emk_pci_msix_enabled(fn);
    if (fn->cfg[EMK_PCI_INTERRUPT_PIN] && out != fn->intx_out) {
        fn->intx_out = out;
        emk_irq_set(fn->dev, fn->intx_irq, out);
    }
    emk_pci__unlock(fn);
}

void emk_pci_set_irq(emk_pci_fn *fn, int level)
{
    uint8_t st;

    emk_pci__lock(fn);
    st = fn->cfg[EMK_PCI_STATUS];
    fn->intx_level = level != 0;
    if (fn->intx_level)
        st |= EMK_PCI_STATUS_INTERRUPT;
    else
        st &= (uint8_t)~EMK_PCI_STATUS_INTERRUPT;
    fn->cfg[EMK_PCI_STATUS] = st;
    emk_pci__intx_update(fn);
    emk_pci__unlock(fn);
}

/* Side effects of a write of len bytes at off, after masks were applied. */
static void after_write(emk_pci_fn *fn, uint32_t off, unsigned len,
                        uint16_t old_cmd, uint16_t old_bctl)
{
    uint16_t cmd = emk_pci_get_word(fn, EMK_PCI_COMMAND);
    int remap = 0;

    /* PCIe Function Level Reset: DevCtl bit 15 (writable on endpoints) */
    if (fn->exp_cap && emk_pci__overlaps(off, len, fn->exp_cap + EMK_PCIE_DEVCTL, 2) &&
        (emk_pci_get_word(fn, fn->exp_cap + EMK_PCIE_DEVCTL) & 0x8000)) {
        emk_pci_fn_reset(fn);
        return;
    }

    if (emk_pci__overlaps(off, len, EMK_PCI_COMMAND, 2)) {
        emk_dev_set_dma(fn->dev, (cmd & EMK_PCI_COMMAND_MASTER) != 0);
        if ((cmd ^ old_cmd) & (EMK_PCI_COMMAND_IO | EMK_PCI_COMMAND_MEMORY))
            remap = 1;
        emk_pci__intx_update(fn);
        if ((cmd & ~old_cmd) & EMK_PCI_COMMAND_MASTER)
            emk_pci__msi_bus_master_on(fn);
    }
    if (emk_pci__overlaps(off, len, EMK_PCI_BAR0, 4 * emk_pci__num_bars(fn)))
        remap = 1;
    /* Secondary Bus Reset asserted: everything below is reset */
    if (emk_pci__is_bridge(fn) &&
        (emk_pci_get_word(fn, EMK_PCI_BRIDGE_CONTROL) & ~old_bctl &
         EMK_PCI_BRIDGE_CTL_BUS_RESET)) {
        emk_pci_fn *c;
        for (c = fn->children; c; c = c->next)
            emk_pci_fn_reset(c);
    }
    if (emk_pci__is_bridge(fn) &&
        (emk_pci__overlaps(off, len, EMK_PCI_IO_BASE, 2) ||
         emk_pci__overlaps(off, len, EMK_PCI_MEMORY_BASE, 0x14) ||
         emk_pci__overlaps(off, len, EMK_PCI_BRIDGE_CONTROL, 2)))
        remap = 1;
    if (remap)
        emk_pci_update_mappings(fn);
    if (fn->exp_cap && emk_pci__is_down_port(fn) &&
        emk_pci__overlaps(off, len, fn->exp_cap + EMK_PCIE_SLTCTL, 4))
        emk_pcie__slot_update(fn);
    if ((fn->msi.cap && emk_pci__overlaps(off, len, fn->msi.cap, 0x18)) ||
        (fn->msix.cap && emk_pci__overlaps(off, len, fn->msix.cap, 4)))
        emk_pci__msi_config_written(fn, off, len);
}

int emk_pci_config_write(emk_pci_fn *fn, uint32_t off, unsigned size,
                         uint32_t val)
{
    uint16_t old_cmd, old_bctl;
    unsigned i;

    if (size < 1 || size > 4) {
        fn->stat_cfg_bad++;
        return -EINVAL;
    }
    if (off >= fn->cfg_size || size > fn->cfg_size - off) {
        fn->stat_cfg_bad++;
        return -ERANGE;
    }
    emk_pci__lock(fn);
    old_cmd = emk_pci_get_word(fn, EMK_PCI_COMMAND);
    old_bctl = emk_pci_get_word(fn, EMK_PCI_BRIDGE_CONTROL);
    for (i = 0; i < size; i++) {
        uint32_t a = off + i;
        uint8_t b = (uint8_t)(val >> (8 * i));
        uint8_t wm = fn->wmask[a];

        fn->cfg[a] = (uint8_t)((fn->cfg[a] & ~wm) | (b & wm));
        fn->cfg[a] &= (uint8_t)~(b & fn->w1cmask[a]);
    }
    emk_pci__unlock(fn);
    after_write(fn, off, size, old_cmd, old_bctl);
    if (fn->ops && fn->ops->config_write)
        fn->ops->config_write(fn, off, size, val);
    return 0;
}
