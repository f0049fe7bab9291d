/*
 * root-port.c - `-device emkit-pcie-root-port`: emkit's PCI Express root
 * port (emkit/pci.h: Gen3+ link, ARI forwarding, ACS, AER) as a QEMU PCI
 * bridge.  QEMU provides the secondary bus and forwards memory, I/O and
 * configuration cycles through it (its PCIBridge code reads the bus
 * numbers and windows the guest wrote); emkit's core answers every config
 * read, so the guest's `lspci -vvv` shows emkit's capabilities.
 *
 *   -device emkit-pcie-root-port,id=rp0,port=1,chassis=1[,speed=8]
 *           [,width=16][,acs=on][,aer=on]
 *   -device emkit-nvme,bus=rp0,...
 *
 * speed is the PCIe generation's GT/s rounded down: 2 (2.5), 5, 8, 16, 32.
 *
 * emkit-requires: emk_pcie_root_port_init emk_pci_config_read
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/module.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_bridge.h"
#include "hw/pci/pci_bus.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"

#include "emk-qemu.h"
#include "emk-qemu-pci.h"

#define TYPE_EMKIT_ROOT_PORT "emkit-pcie-root-port"
OBJECT_DECLARE_SIMPLE_TYPE(EmkRootPort, EMKIT_ROOT_PORT)

struct EmkRootPort {
    PCIBridge parent_obj;
    EmkQemuHost host;
    emk_dev dev;
    emk_pci_fn fn;
    /* properties */
    uint8_t port;
    uint16_t chassis;
    uint16_t slot;
    uint8_t speed;
    uint8_t width;
    bool acs;
    bool aer;
};

static int speed_code(uint8_t gts)
{
    switch (gts) {
    case 2: return EMK_PCIE_SPEED_2_5GT;
    case 5: return EMK_PCIE_SPEED_5GT;
    case 8: return EMK_PCIE_SPEED_8GT;
    case 16: return EMK_PCIE_SPEED_16GT;
    case 32: return EMK_PCIE_SPEED_32GT;
    default: return -1;
    }
}

static void emkit_rp_realize(PCIDevice *pdev, Error **errp)
{
    EmkRootPort *s = EMKIT_ROOT_PORT(pdev);
    emk_pcie_root_port_config cfg;
    int speed = speed_code(s->speed);
    int err;

    if (speed < 0) {
        error_setg(errp, "emkit-pcie-root-port: speed=%u (2, 5, 8, 16 or 32)",
                   s->speed);
        return;
    }
    pci_bridge_initfn(pdev, TYPE_PCIE_BUS);
    /* a root port does no work of its own: no iothread */
    if (emk_qemu_host_init(&s->host, pdev, NULL, NULL, errp) < 0) {
        goto fail_bridge;
    }
    emk_dev_init(&s->dev, "emkit-pcie-root-port", &s->host.bus, NULL);
    memset(&cfg, 0, sizeof(cfg));
    cfg.port_number = s->port;
    cfg.slot_number = s->slot;
    cfg.chassis = s->chassis;
    cfg.link.max_speed = speed;
    cfg.link.max_width = s->width;
    cfg.acs_caps = s->acs ? EMK_PCIE_ACS_ALL_PORT : 0;
    cfg.aer = s->aer;
    err = emk_pcie_root_port_init(&s->fn, &s->dev, &cfg);
    if (err == 0) {
        err = emk_qemu_pci_attach(&s->host, &s->fn);
    }
    if (err < 0) {
        error_setg(errp, "emkit-pcie-root-port: %s", emk_strerror(err));
        goto fail_host;
    }
    return;

fail_host:
    emk_qemu_host_cleanup(&s->host);
fail_bridge:
    pci_bridge_exitfn(pdev);
}

static void emkit_rp_exit(PCIDevice *pdev)
{
    EmkRootPort *s = EMKIT_ROOT_PORT(pdev);

    emk_qemu_host_cleanup(&s->host);
    pci_bridge_exitfn(pdev);
}

static uint32_t emkit_rp_config_read(PCIDevice *pdev, uint32_t addr, int len)
{
    return emk_qemu_pci_config_read(&EMKIT_ROOT_PORT(pdev)->host, addr, len);
}

static void emkit_rp_config_write(PCIDevice *pdev, uint32_t addr,
                                  uint32_t val, int len)
{
    EmkRootPort *s = EMKIT_ROOT_PORT(pdev);

    emk_pci_config_write(&s->fn, addr, len, val);
    /* QEMU's side: bus numbers, windows, secondary bus reset */
    pci_bridge_write_config(pdev, addr, val, len);
}

static void emkit_rp_reset(DeviceState *dev)
{
    pci_bridge_reset(dev);
}

static const VMStateDescription emkit_rp_vmstate = {
    .name = TYPE_EMKIT_ROOT_PORT,
    .unmigratable = 1,
};

static Property emkit_rp_props[] = {
    DEFINE_PROP_UINT8("port", EmkRootPort, port, 0),
    DEFINE_PROP_UINT16("chassis", EmkRootPort, chassis, 0),
    DEFINE_PROP_UINT16("slot", EmkRootPort, slot, 0),
    DEFINE_PROP_UINT8("speed", EmkRootPort, speed, 16),
    DEFINE_PROP_UINT8("width", EmkRootPort, width, 16),
    DEFINE_PROP_BOOL("acs", EmkRootPort, acs, true),
    DEFINE_PROP_BOOL("aer", EmkRootPort, aer, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void emkit_rp_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = emkit_rp_realize;
    pc->exit = emkit_rp_exit;
    pc->config_read = emkit_rp_config_read;
    pc->config_write = emkit_rp_config_write;
    pc->is_bridge = true;
    pc->vendor_id = 0x1b36;   /* emkit's defaults: QEMU's root port IDs */
    pc->device_id = 0x000c;
    pc->class_id = PCI_CLASS_BRIDGE_PCI;
    dc->desc = "emkit PCI Express root port (Gen3+, ARI, ACS, AER)";
    dc->reset = emkit_rp_reset;
    dc->vmsd = &emkit_rp_vmstate;
    device_class_set_props(dc, emkit_rp_props);
    set_bit(DEVICE_CATEGORY_BRIDGE, dc->categories);
}

static const TypeInfo emkit_rp_info = {
    .name = TYPE_EMKIT_ROOT_PORT,
    .parent = TYPE_PCI_BRIDGE,
    .instance_size = sizeof(EmkRootPort),
    .class_init = emkit_rp_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { }
    },
};

static void emkit_rp_register_types(void)
{
    type_register_static(&emkit_rp_info);
}

type_init(emkit_rp_register_types)
