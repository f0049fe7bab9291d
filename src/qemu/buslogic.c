/*
 * buslogic.c - `-device emkit-buslogic`: emkit's BusLogic BT-958 SCSI
 * host adapter (hw/buslogic/ on the SCSI core src/scsi/) as a QEMU PCI
 * device 104B:1040, through the adapter's PCI path: config space answered
 * by emkit's PCI core, BAR 0 the four I/O ports, BAR 1 the registers as
 * memory, INTA level, DMA through pci_dma_*.
 *
 *   -device emkit-buslogic,drive=ID[,drive2=ID2,drive3=ID3,drive4=ID4]
 *           [,backend=ram:SIZE ...][,scsi-id=7][,iothread=ID]
 *
 * drive= (drive2..drive4) are QEMU block nodes, the disks at SCSI ids 0
 * to 3 (LUN 0); backend= (backend2..backend4) emkit backends instead
 * ("ram:SIZE", "null:SIZE", "file:PATH") for the same slots.  A slot
 * given both is refused.  The adapter's own id is scsi-id= (7).
 * bios-bus-master=on (the default) does what the adapter's BIOS would:
 * it enables bus mastering, which Linux's driver expects to find on.
 * romfile= is the option ROM (PCI's own property, the expansion ROM BAR
 * at 0x30): emkit's BusLogic BIOS (hw/buslogic/rom/, INT 13h through the
 * mailboxes) is emkit-buslogic.rom.  Without romfile= that name is looked
 * up in the firmware path (-L); if it is not there the adapter has no ROM,
 * as before (romfile= given but missing is QEMU's usual error).
 *
 * emkit-requires: emk_buslogic_pci_init
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/datadir.h"
#include "qemu/module.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "migration/vmstate.h"

#include "emk-qemu.h"
#include "emk-qemu-blk.h"
#include "emk-qemu-pci.h"
#include "emkit/block.h"
#include "emkit/buslogic_pci.h"

#define TYPE_EMKIT_BUSLOGIC "emkit-buslogic"
OBJECT_DECLARE_SIMPLE_TYPE(EmkBuslogicPci, EMKIT_BUSLOGIC)

#define EMKIT_BL_SLOTS 4
#define EMKIT_BL_ROM "emkit-buslogic.rom"

struct EmkBuslogicPci {
    PCIDevice parent_obj;
    EmkQemuHost host;
    emk_buslogic_pci bl;
    bool inited;
    emk_scsi_lun lun[EMKIT_BL_SLOTS];
    emk_blk *eblk[EMKIT_BL_SLOTS];
    EmkQemuBlk *qblk[EMKIT_BL_SLOTS];
    BlockConf conf[EMKIT_BL_SLOTS];
    char *backend[EMKIT_BL_SLOTS];
    EmkQemuLoopConf loop;
    uint8_t scsi_id;
    bool bios_bus_master;   /* bios-bus-master= */
    bool bios_done;         /* since reset: the stand-in has acted */
};

static const char *const drive_prop[EMKIT_BL_SLOTS] = {
    "drive", "drive2", "drive3", "drive4",
};

static void close_disks(EmkBuslogicPci *s)
{
    unsigned i;

    for (i = 0; i < EMKIT_BL_SLOTS; i++) {
        if (s->eblk[i]) {
            emk_qemu_blk_quiesce(s->qblk[i]);
            emk_blk_close(s->eblk[i]);
        }
        s->eblk[i] = NULL;
        s->qblk[i] = NULL;
    }
}

/* Opens slot i's disk and attaches it at SCSI id i (or i + 1 when i is
 * the adapter's own id); false with errp set on error. */
static bool add_disk(EmkBuslogicPci *s, unsigned i, unsigned *id, Error **errp)
{
    emk_scsi_disk_options o;
    bool has_spec = s->backend[i] && *s->backend[i];
    int err = 0;

    if (!s->conf[i].blk && !has_spec) {
        return true;
    }
    if (s->conf[i].blk && has_spec) {
        error_setg(errp, "emkit-buslogic: %s= and backend%s= both given: a "
                   "disk is either a QEMU drive or an emkit backend",
                   drive_prop[i], i ? drive_prop[i] + 5 : "");
        return false;
    }
    if (s->conf[i].blk) {
        s->eblk[i] = emk_qemu_blk_open(&s->conf[i], s->loop.iothread,
                                       drive_prop[i], &s->qblk[i], errp);
        if (!s->eblk[i]) {
            return false;
        }
    } else {
        s->eblk[i] = emk_blk_open(s->backend[i], 0, &err);
        if (!s->eblk[i]) {
            error_setg(errp, "emkit-buslogic: backend '%s': %s",
                       s->backend[i], emk_strerror(err));
            return false;
        }
    }
    memset(&o, 0, sizeof(o));
    o.vendor = "EMKIT";
    o.product = "BUSLOGIC DISK";
    o.write_cache = 1;
    err = emk_scsi_disk_init(&s->lun[i], s->eblk[i], &o);
    if (err == 0) {
        if (*id == (s->scsi_id & 15)) {
            (*id)++;
        }
        err = emk_buslogic_attach(&s->bl.bl, *id, 0, &s->lun[i]);
        (*id)++;
    }
    if (err < 0) {
        error_setg(errp, "emkit-buslogic: %s: %s", drive_prop[i],
                   emk_strerror(err));
        return false;
    }
    return true;
}

static void emkit_buslogic_realize(PCIDevice *pdev, Error **errp)
{
    EmkBuslogicPci *s = EMKIT_BUSLOGIC(pdev);
    emk_buslogic_options o;
    unsigned i, id = 0;
    int err;

    if (s->scsi_id > 15) {
        error_setg(errp, "emkit-buslogic: scsi-id=%u, at most 15", s->scsi_id);
        return;
    }
    /* the default option ROM, only if it is installed: PCI's realize
     * (after this one) loads pdev->romfile and fails when it is missing */
    if (!pdev->romfile) {
        char *path = qemu_find_file(QEMU_FILE_TYPE_BIOS, EMKIT_BL_ROM);

        if (path) {
            pdev->romfile = g_strdup(EMKIT_BL_ROM);
            g_free(path);
        }
    }
    if (emk_qemu_host_init(&s->host, pdev, "emkit-buslogic", &s->loop,
                           errp) < 0) {
        return;
    }
    memset(&o, 0, sizeof(o));
    o.scsi_id = s->scsi_id;
    o.irq_number = pci_get_byte(pdev->config + PCI_INTERRUPT_LINE);
    err = emk_buslogic_pci_init(&s->bl, &s->host.bus, s->host.loop, &o);
    if (err < 0) {
        error_setg(errp, "emkit-buslogic: %s", emk_strerror(err));
        goto fail_host;
    }
    s->inited = true;
    for (i = 0; i < EMKIT_BL_SLOTS; i++) {
        if (!add_disk(s, i, &id, errp)) {
            goto fail_dev;
        }
    }
    err = emk_qemu_pci_attach(&s->host, &s->bl.fn);
    if (err < 0) {
        error_setg(errp, "emkit-buslogic: cannot register BARs: %s",
                   emk_strerror(err));
        goto fail_dev;
    }
    return;

fail_dev:
    for (i = 0; i < EMKIT_BL_SLOTS; i++) {
        emk_qemu_blk_quiesce(s->qblk[i]);
    }
    emk_qemu_host_quiesce(&s->host);
    emk_buslogic_pci_cleanup(&s->bl);
    s->inited = false;
    close_disks(s);
fail_host:
    emk_qemu_host_cleanup(&s->host);
}

static void emkit_buslogic_exit(PCIDevice *pdev)
{
    EmkBuslogicPci *s = EMKIT_BUSLOGIC(pdev);
    unsigned i;

    for (i = 0; i < EMKIT_BL_SLOTS; i++) {
        emk_qemu_blk_quiesce(s->qblk[i]);
    }
    emk_qemu_host_quiesce(&s->host);
    if (s->inited) {
        emk_buslogic_pci_cleanup(&s->bl);
        s->inited = false;
    }
    close_disks(s);
    emk_qemu_host_cleanup(&s->host);
}

/* emkit's config space answers everything but the expansion ROM BAR,
 * which is QEMU's (pci_add_option_rom registers it) */
static uint32_t emkit_buslogic_config_read(PCIDevice *pdev, uint32_t addr,
                                           int len)
{
    if (pdev->has_rom && addr >= PCI_ROM_ADDRESS &&
        addr + len <= PCI_ROM_ADDRESS + 4) {
        return pci_default_read_config(pdev, addr, len);
    }
    return emk_qemu_pci_config_read(&EMKIT_BUSLOGIC(pdev)->host, addr, len);
}

/* The BT-958's own BIOS enables bus mastering at POST, and Linux's
 * BusLogic.c relies on it (it never calls pci_set_master).  Without that
 * ROM, bios-bus-master=on stands in for it: the first time firmware or the
 * guest turns on I/O decoding after a reset, Bus Master Enable is turned
 * on with it, in emkit's config space and QEMU's copy alike. */
static void emkit_buslogic_config_write(PCIDevice *pdev, uint32_t addr,
                                        uint32_t val, int len)
{
    EmkBuslogicPci *s = EMKIT_BUSLOGIC(pdev);

    emk_qemu_pci_config_write(&s->host, addr, val, len);
    if (s->bios_bus_master && !s->bios_done && addr == PCI_COMMAND &&
        len >= 1 && (val & PCI_COMMAND_IO)) {
        uint32_t cmd = emk_qemu_pci_config_read(&s->host, PCI_COMMAND, 2);

        s->bios_done = true;
        emk_qemu_pci_config_write(&s->host, PCI_COMMAND,
                                  cmd | PCI_COMMAND_MASTER, 2);
    }
}

static void emkit_buslogic_reset(DeviceState *dev)
{
    EmkBuslogicPci *s = EMKIT_BUSLOGIC(dev);

    s->bios_done = false;
    if (s->inited) {
        emk_buslogic_pci_reset(&s->bl);
    }
}

static const VMStateDescription emkit_buslogic_vmstate = {
    .name = TYPE_EMKIT_BUSLOGIC,
    .unmigratable = 1,   /* emkit's portable API has no save/load hooks yet */
};

static Property emkit_buslogic_props[] = {
    DEFINE_PROP_DRIVE("drive", EmkBuslogicPci, conf[0].blk),
    DEFINE_PROP_DRIVE("drive2", EmkBuslogicPci, conf[1].blk),
    DEFINE_PROP_DRIVE("drive3", EmkBuslogicPci, conf[2].blk),
    DEFINE_PROP_DRIVE("drive4", EmkBuslogicPci, conf[3].blk),
    DEFINE_PROP_STRING("backend", EmkBuslogicPci, backend[0]),
    DEFINE_PROP_STRING("backend2", EmkBuslogicPci, backend[1]),
    DEFINE_PROP_STRING("backend3", EmkBuslogicPci, backend[2]),
    DEFINE_PROP_STRING("backend4", EmkBuslogicPci, backend[3]),
    DEFINE_PROP_UINT8("scsi-id", EmkBuslogicPci, scsi_id, 7),
    DEFINE_PROP_BOOL("bios-bus-master", EmkBuslogicPci, bios_bus_master, true),
    DEFINE_EMK_QEMU_LOOP_PROPERTIES(EmkBuslogicPci, loop),
    DEFINE_PROP_END_OF_LIST(),
};

static void emkit_buslogic_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = emkit_buslogic_realize;
    pc->exit = emkit_buslogic_exit;
    pc->config_read = emkit_buslogic_config_read;
    pc->config_write = emkit_buslogic_config_write;
    pc->vendor_id = EMK_BUSLOGIC_PCI_VENDOR;
    pc->device_id = EMK_BUSLOGIC_PCI_DEVICE;
    pc->class_id = PCI_CLASS_STORAGE_SCSI;
    dc->desc = "emkit BusLogic BT-958 SCSI adapter (hw/buslogic on src/scsi)";
    dc->reset = emkit_buslogic_reset;
    dc->vmsd = &emkit_buslogic_vmstate;
    device_class_set_props(dc, emkit_buslogic_props);
    set_bit(DEVICE_CATEGORY_STORAGE, dc->categories);
}

static const TypeInfo emkit_buslogic_info = {
    .name = TYPE_EMKIT_BUSLOGIC,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(EmkBuslogicPci),
    .class_init = emkit_buslogic_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_CONVENTIONAL_PCI_DEVICE },
        { }
    },
};

static void emkit_buslogic_register_types(void)
{
    type_register_static(&emkit_buslogic_info);
}

type_init(emkit_buslogic_register_types)
