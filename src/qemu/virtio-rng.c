/*
 * virtio-rng.c - `-device emkit-virtio-rng`: emkit's virtio entropy
 * device (hw/virtio-rng/) on emkit's virtio core and virtio-pci transport
 * (src/virtio/), as a QEMU PCI device through the same path as
 * emkit-sblk: config space answered by emkit's PCI core, BAR 4 the
 * virtio structures, BAR 1 MSI-X, notifications as ioeventfds into the
 * device's loop.  Linux binds its own virtio_pci and virtio_rng drivers
 * to it (/dev/hwrng).
 *
 *   -device emkit-virtio-rng[,iothread=ID | ,emkit-iothread=on][,stats=on]
 *
 * stats=on prints the device's counters on stderr when QEMU exits.
 *
 * emkit-requires: emk_virtio_pci_init emk_virtio_rng_init
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/module.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "qemu/notify.h"
#include "sysemu/sysemu.h"

#include "emk-qemu.h"
#include "emk-qemu-pci.h"
#include "emkit/virtio_pci.h"
#include "emkit/virtio_rng.h"

#define TYPE_EMKIT_VIRTIO_RNG "emkit-virtio-rng"
OBJECT_DECLARE_SIMPLE_TYPE(EmkVirtioRng, EMKIT_VIRTIO_RNG)

struct EmkVirtioRng {
    PCIDevice parent_obj;
    EmkQemuHost host;
    emk_virtio_rng rng;
    emk_virtio_pci pci;
    bool inited;
    Notifier exit_notifier;
    /* properties */
    EmkQemuLoopConf loop;
    bool stats;
};

/* stats=on: one line of counters on stderr when QEMU exits (the guest
 * test reads it: requests and kicks > 0, no refused register access). */
static void emkit_virtio_rng_report(Notifier *n, void *data)
{
    EmkVirtioRng *s = container_of(n, EmkVirtioRng, exit_notifier);

    if (!s->inited) {
        return;
    }
    fprintf(stderr, "emkit-virtio-rng stats: requests=%llu bytes=%llu "
            "errors=%llu kicks=%llu interrupts=%llu bad_access=%llu\n",
            (unsigned long long)s->rng.stat_requests,
            (unsigned long long)s->rng.stat_bytes,
            (unsigned long long)s->rng.stat_errors,
            (unsigned long long)s->rng.q[0].stat_kicks,
            (unsigned long long)s->rng.q[0].stat_notified,
            (unsigned long long)s->pci.stat_bad_access);
}

static void emkit_virtio_rng_realize(PCIDevice *pdev, Error **errp)
{
    EmkVirtioRng *s = EMKIT_VIRTIO_RNG(pdev);
    int err;

    if (emk_qemu_host_init(&s->host, pdev, TYPE_EMKIT_VIRTIO_RNG, &s->loop,
                           errp) < 0) {
        return;
    }
    err = emk_virtio_rng_init(&s->rng, &s->host.bus, s->host.loop, NULL);
    if (err < 0) {
        error_setg(errp, "emkit-virtio-rng: %s", emk_strerror(err));
        goto fail_host;
    }
    err = emk_virtio_pci_init(&s->pci, &s->rng.vdev, NULL);
    if (err < 0) {
        error_setg(errp, "emkit-virtio-rng: transport: %s", emk_strerror(err));
        goto fail_rng;
    }
    s->inited = true;
    err = emk_qemu_pci_attach(&s->host, &s->pci.fn);
    if (err < 0) {
        error_setg(errp, "emkit-virtio-rng: cannot register BARs: %s",
                   emk_strerror(err));
        goto fail_dev;
    }
    if (s->stats) {
        s->exit_notifier.notify = emkit_virtio_rng_report;
        qemu_add_exit_notifier(&s->exit_notifier);
    }
    return;

fail_dev:
    emk_qemu_host_quiesce(&s->host);
    emk_virtio_pci_cleanup(&s->pci);
    s->inited = false;
fail_rng:
    emk_virtio_rng_cleanup(&s->rng);
fail_host:
    emk_qemu_host_cleanup(&s->host);
}

static void emkit_virtio_rng_exit(PCIDevice *pdev)
{
    EmkVirtioRng *s = EMKIT_VIRTIO_RNG(pdev);

    emk_qemu_host_quiesce(&s->host);
    if (s->inited) {
        if (s->stats) {
            qemu_remove_exit_notifier(&s->exit_notifier);
        }
        emk_virtio_pci_cleanup(&s->pci);
        emk_virtio_rng_cleanup(&s->rng);
        s->inited = false;
    }
    emk_qemu_host_cleanup(&s->host);
}

static uint32_t emkit_virtio_rng_config_read(PCIDevice *pdev, uint32_t addr,
                                             int len)
{
    return emk_qemu_pci_config_read(&EMKIT_VIRTIO_RNG(pdev)->host, addr, len);
}

static void emkit_virtio_rng_config_write(PCIDevice *pdev, uint32_t addr,
                                          uint32_t val, int len)
{
    emk_qemu_pci_config_write(&EMKIT_VIRTIO_RNG(pdev)->host, addr, val, len);
}

static void emkit_virtio_rng_reset(DeviceState *dev)
{
    EmkVirtioRng *s = EMKIT_VIRTIO_RNG(dev);

    if (s->inited) {
        emk_virtio_pci_reset(&s->pci);
    }
}

static const VMStateDescription emkit_virtio_rng_vmstate = {
    .name = TYPE_EMKIT_VIRTIO_RNG,
    .unmigratable = 1,   /* emkit's portable API has no save/load hooks yet */
};

static Property emkit_virtio_rng_props[] = {
    DEFINE_EMK_QEMU_LOOP_PROPERTIES(EmkVirtioRng, loop),
    DEFINE_PROP_BOOL("stats", EmkVirtioRng, stats, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void emkit_virtio_rng_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = emkit_virtio_rng_realize;
    pc->exit = emkit_virtio_rng_exit;
    pc->config_read = emkit_virtio_rng_config_read;
    pc->config_write = emkit_virtio_rng_config_write;
    dc->reset = emkit_virtio_rng_reset;
    pc->vendor_id = EMK_VIRTIO_PCI_VENDOR;
    pc->device_id = EMK_VIRTIO_PCI_DEVICE_BASE + EMK_VIRTIO_ID_RNG;
    pc->revision = EMK_VIRTIO_PCI_REVISION;
    pc->class_id = PCI_CLASS_OTHERS;
    dc->desc = "emkit virtio entropy device (emkit src/virtio + hw/virtio-rng)";
    dc->vmsd = &emkit_virtio_rng_vmstate;
    device_class_set_props(dc, emkit_virtio_rng_props);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo emkit_virtio_rng_info = {
    .name = TYPE_EMKIT_VIRTIO_RNG,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(EmkVirtioRng),
    .class_init = emkit_virtio_rng_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_CONVENTIONAL_PCI_DEVICE },
        { }
    },
};

static void emkit_virtio_rng_register_types(void)
{
    type_register_static(&emkit_virtio_rng_info);
}

type_init(emkit_virtio_rng_register_types)
