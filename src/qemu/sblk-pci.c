/*
 * sblk-pci.c - `-device emkit-sblk`: emkit's simple block device
 * (hw/sblk/, unchanged) on emkit's PCI core (hw/sblk/sblk_pci.c), as a
 * QEMU PCI device through the same path as emkit-nvme: config space
 * answered by the core, BAR 0 its MMIO window, its doorbell an ioeventfd,
 * its level IRQ INTA, its data DMA'd through
 * pci_dma_* by the device's loop (QEMU's main loop; iothread=ID: a QEMU
 * IOThread; emkit-iothread=on: an emkit iothread).  The smallest complete
 * example of the adapter: every further device is one more file like
 * this.
 *
 *   -device emkit-sblk,backend=ram:64M[,ioeventfd=on]
 *           [,iothread=ID | ,emkit-iothread=on]
 *
 * IDs: vendor 0x1b36 with device 0x0e4b are test IDs, not an allocation
 * (override with vendor-id= / device-id=).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/module.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"

#include "emk-qemu.h"
#include "emkit/block.h"
#include "emk-qemu-pci.h"
#include "emkit/sblk_pci.h"

#define TYPE_EMKIT_SBLK "emkit-sblk"
OBJECT_DECLARE_SIMPLE_TYPE(EmkSblkPci, EMKIT_SBLK)

struct EmkSblkPci {
    PCIDevice parent_obj;
    EmkQemuHost host;
    emk_sblk_pci sblk;
    bool inited;
    emk_blk *blk;
    /* properties */
    char *backend;
    bool ioeventfd;
    EmkQemuLoopConf loop;
    uint16_t vendor_id;
    uint16_t device_id;
};

static void emkit_sblk_realize(PCIDevice *pdev, Error **errp)
{
    EmkSblkPci *s = EMKIT_SBLK(pdev);
    emk_sblk_options opt = { .ioeventfd = s->ioeventfd, .irq_line = 0 };
    int err = 0;

    s->blk = emk_blk_open(s->backend ? s->backend : "ram:16M", 0, &err);
    if (!s->blk) {
        error_setg(errp, "emkit-sblk: backend '%s': %s",
                   s->backend ? s->backend : "ram:16M", emk_strerror(err));
        return;
    }
    if (emk_qemu_host_init(&s->host, pdev, "emkit-sblk", &s->loop,
                           errp) < 0) {
        goto fail_blk;
    }
    err = emk_sblk_pci_init(&s->sblk, &s->host.bus, s->host.loop, s->blk,
                            &opt, s->vendor_id, s->device_id);
    if (err < 0) {
        error_setg(errp, "emkit-sblk: %s", emk_strerror(err));
        goto fail_host;
    }
    s->inited = true;
    err = emk_qemu_pci_attach(&s->host, &s->sblk.fn);
    if (err < 0) {
        error_setg(errp, "emkit-sblk: cannot register BAR 0: %s",
                   emk_strerror(err));
        goto fail_dev;
    }
    return;

fail_dev:
    emk_qemu_host_quiesce(&s->host);
    emk_sblk_pci_cleanup(&s->sblk);
    s->inited = false;
fail_host:
    emk_qemu_host_cleanup(&s->host);
fail_blk:
    emk_blk_close(s->blk);
    s->blk = NULL;
}

static void emkit_sblk_exit(PCIDevice *pdev)
{
    EmkSblkPci *s = EMKIT_SBLK(pdev);

    emk_qemu_host_quiesce(&s->host);
    if (s->inited) {
        emk_sblk_pci_cleanup(&s->sblk);
        s->inited = false;
    }
    emk_qemu_host_cleanup(&s->host);
    if (s->blk) {
        emk_blk_close(s->blk);
        s->blk = NULL;
    }
}

static uint32_t emkit_sblk_config_read(PCIDevice *pdev, uint32_t addr,
                                       int len)
{
    return emk_qemu_pci_config_read(&EMKIT_SBLK(pdev)->host, addr, len);
}

static void emkit_sblk_config_write(PCIDevice *pdev, uint32_t addr,
                                    uint32_t val, int len)
{
    emk_qemu_pci_config_write(&EMKIT_SBLK(pdev)->host, addr, val, len);
}

static void emkit_sblk_reset(DeviceState *dev)
{
    EmkSblkPci *s = EMKIT_SBLK(dev);

    if (s->inited) {
        emk_sblk_pci_reset(&s->sblk);
    }
}

static const VMStateDescription emkit_sblk_vmstate = {
    .name = TYPE_EMKIT_SBLK,
    .unmigratable = 1,   /* emkit's portable API has no save/load hooks yet */
};

static Property emkit_sblk_props[] = {
    DEFINE_PROP_STRING("backend", EmkSblkPci, backend),
    DEFINE_PROP_BOOL("ioeventfd", EmkSblkPci, ioeventfd, true),
    DEFINE_EMK_QEMU_LOOP_PROPERTIES(EmkSblkPci, loop),
    DEFINE_PROP_UINT16("vendor-id", EmkSblkPci, vendor_id, 0x1b36),
    DEFINE_PROP_UINT16("device-id", EmkSblkPci, device_id, 0x0e4b),
    DEFINE_PROP_END_OF_LIST(),
};

static void emkit_sblk_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = emkit_sblk_realize;
    pc->exit = emkit_sblk_exit;
    pc->config_read = emkit_sblk_config_read;
    pc->config_write = emkit_sblk_config_write;
    dc->reset = emkit_sblk_reset;
    pc->vendor_id = 0x1b36;
    pc->device_id = 0x0e4b;
    pc->class_id = PCI_CLASS_STORAGE_OTHER;
    dc->desc = "emkit simple block device (emkit hw/sblk through the adapter)";
    dc->vmsd = &emkit_sblk_vmstate;
    device_class_set_props(dc, emkit_sblk_props);
    set_bit(DEVICE_CATEGORY_STORAGE, dc->categories);
}

static const TypeInfo emkit_sblk_info = {
    .name = TYPE_EMKIT_SBLK,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(EmkSblkPci),
    .class_init = emkit_sblk_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_CONVENTIONAL_PCI_DEVICE },
        { }
    },
};

static void emkit_sblk_register_types(void)
{
    type_register_static(&emkit_sblk_info);
}

type_init(emkit_sblk_register_types)
