/*
 * nvme.c - `-device emkit-nvme`: emkit's NVMe controller (hw/nvme/, with
 * its PCI transport nvme_pci.c and emkit's PCI core, unchanged) as a QEMU
 * PCI Express device.
 *
 *   -device emkit-nvme,serial=S,backend=ram:256M[,backend2=...]
 *   -device emkit-nvme,serial=S,drive=ID[,drive2=ID2...]
 *           [,max_ioqpairs=8][,msix_qsize=9][,mqes=1023]
 *           [,shadow-doorbells=on][,ioeventfd=on][,sq-poll-ns=0]
 *           [,coalescing=on][,irq-adapt-ns=40000][,iothreads=0][,lba-shift=9]
 *           [,model=M][,subnqn=NQN]
 *           [,uuid=U][,nguid=G][,eui64=E] (slot 2..4: uuid2, nguid2, eui64-2)
 *           [,logical_block_size=512|4096]
 *           [,iothread=ID | ,emkit-iothread=on][,stats=off]
 *
 * Property names follow QEMU's own nvme where they mean the same thing:
 * serial, max_ioqpairs (I/O queue pairs), msix_qsize (MSI-X vectors), mqes
 * (CAP.MQES, entries - 1), ioeventfd (I/O doorbells as eventfds),
 * logical_block_size (512 or 4096: lba-shift 9 or 12).  The
 * namespaces are emkit block backends ("ram:SIZE", "file:PATH",
 * "null:SIZE"); file= is a shorthand for backend=file:PATH.  drive=
 * (drive2..drive4) takes any QEMU block node instead (blk.c); a
 * namespace slot given both a drive and an emkit backend is refused.
 * Identity: serial= (up to 20 ASCII characters; QEMU's nvme requires
 * it, here it defaults to one derived from the PCI address), subnqn=
 * (default nqn.2026-01.org.emkit:nvme:<serial>), and per namespace slot
 * uuid=, nguid=, eui64= in hex ('-' or ':' may separate byte pairs;
 * default: derived from serial and PCI address, so two controllers never
 * look like one subsystem to Linux).
 * drive-iothread=ID (an -object iothread) runs the drives' block layer in
 * that QEMU IOThread instead of QEMU's main loop.
 *
 * Threads: the controller's own loop (admin queue, and the I/O queues
 * unless iothreads=N) runs in QEMU's main loop by default, like QEMU's
 * nvme: doorbell eventfds, block completions and interrupts then need no
 * thread hop.  iothread=ID runs it in a QEMU IOThread (-object iothread,
 * like virtio-blk's iothread=; the drives follow unless drive-iothread=
 * says otherwise), emkit-iothread=on in an emkit iothread of its own.
 * iothreads=N starts N emkit iothreads and spreads the I/O queues over
 * them round robin.  All run on QEMU_CLOCK_VIRTUAL.
 *
 * emkit-requires: emk_nvme_pci_init emk_pci_config_read
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/module.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "sysemu/iothread.h"
#include "migration/vmstate.h"
#include "qemu/notify.h"
#include "sysemu/sysemu.h"

#include "emk-qemu.h"
#include "emk-qemu-pci.h"
#include "emk-qemu-blk.h"
#include "emkit/block.h"
#include "emkit/nvme.h"
#include "emkit/nvme_pci.h"

#define TYPE_EMKIT_NVME "emkit-nvme"
OBJECT_DECLARE_SIMPLE_TYPE(EmkNvmePci, EMKIT_NVME)

enum { EMKIT_NVME_QEMU_NS = 4 };

struct EmkNvmePci {
    PCIDevice parent_obj;
    EmkQemuHost host;
    emk_nvme_pci nvme_store;     /* the device (caller-owned) */
    emk_nvme_pci *nvme;          /* &nvme_store once initialised */
    emk_iothread *io[EMK_NVME_MAX_IOTHREADS];
    char *file_spec;
    BlockConf conf[EMKIT_NVME_QEMU_NS];  /* drive, drive2..drive4 */
    EmkQemuBlk *qblk[EMKIT_NVME_QEMU_NS];
    IOThread *drive_iothread;            /* drive-iothread= */
    EmkQemuLoopConf loop;                /* iothread=, emkit-iothread= */
    emk_blk *eblk[EMKIT_NVME_QEMU_NS];
    Notifier exit_notifier;
    /* properties */
    char *serial;
    char *model;
    char *subnqn;
    char *uuid[EMKIT_NVME_QEMU_NS];      /* uuid, uuid2..uuid4 */
    char *nguid[EMKIT_NVME_QEMU_NS];     /* nguid, nguid2..nguid4 */
    char *eui64[EMKIT_NVME_QEMU_NS];     /* eui64, eui64-2..eui64-4 */
    char *backend[EMKIT_NVME_QEMU_NS];
    char *file;
    uint32_t max_ioqpairs;
    uint32_t msix_qsize;
    uint32_t mqes;
    bool shadow_doorbells;
    bool ioeventfd;
    uint64_t sq_poll_ns;
    bool coalescing;
    uint64_t irq_adapt_ns;
    uint32_t iothreads;
    uint8_t lba_shift;
    bool stats;
};

static void stop_iothreads(EmkNvmePci *s)
{
    unsigned i;

    for (i = 0; i < EMK_NVME_MAX_IOTHREADS; i++) {
        if (s->io[i]) {
            emk_iothread_stop(s->io[i]);
            s->io[i] = NULL;
        }
    }
}

static const char *const drive_prop[EMKIT_NVME_QEMU_NS] = {
    "drive", "drive2", "drive3", "drive4",
};
static const char *const backend_prop[EMKIT_NVME_QEMU_NS] = {
    "backend", "backend2", "backend3", "backend4",
};

/* Before the controller is freed: QEMU hands back every request of the
 * drives (their completions need the main loop, which the caller is). */
static void quiesce_drives(EmkNvmePci *s)
{
    unsigned i;

    for (i = 0; i < EMKIT_NVME_QEMU_NS; i++) {
        emk_qemu_blk_quiesce(s->qblk[i]);
    }
}

/* After the controller is freed: the namespaces did not own them. */
static void close_drives(EmkNvmePci *s)
{
    unsigned i;

    for (i = 0; i < EMKIT_NVME_QEMU_NS; i++) {
        if (s->eblk[i]) {
            emk_qemu_blk_quiesce(s->qblk[i]);
            emk_blk_close(s->eblk[i]);
        }
        s->eblk[i] = NULL;
        s->qblk[i] = NULL;
    }
}

static const char *const uuid_prop[EMKIT_NVME_QEMU_NS] = {
    "uuid", "uuid2", "uuid3", "uuid4",
};
static const char *const nguid_prop[EMKIT_NVME_QEMU_NS] = {
    "nguid", "nguid2", "nguid3", "nguid4",
};
static const char *const eui64_prop[EMKIT_NVME_QEMU_NS] = {
    "eui64", "eui64-2", "eui64-3", "eui64-4",
};

/* One ID property of slot i (hex, '-' or ':' between digit pairs); unset
 * leaves it zero, which the controller replaces by a derived value. */
static bool parse_id(const char *val, const char *prop, uint8_t *out,
                     unsigned len, Error **errp)
{
    if (!val || !*val) {
        return true;
    }
    if (emk_nvme_parse_id(val, out, len) < 0) {
        error_setg(errp, "emkit-nvme: %s=%s: %u hex byte pairs expected "
                   "('-' or ':' may separate them)", prop, val, len);
        return false;
    }
    return true;
}

/* The IDs of slot i go to the namespace made from it (o->ns[k]), or are
 * refused when the slot has no namespace. */
static bool slot_ids(EmkNvmePci *s, emk_nvme_options *o, unsigned i,
                     unsigned before, Error **errp)
{
    emk_nvme_ns_config *ns = &o->ns[before];
    const char *given = s->uuid[i] ? uuid_prop[i] : s->nguid[i] ?
                        nguid_prop[i] : s->eui64[i] ? eui64_prop[i] : NULL;

    if (o->nns == before) {
        if (given) {
            error_setg(errp, "emkit-nvme: %s= given, but namespace slot %u "
                       "has no drive or backend", given, i + 1);
            return false;
        }
        return true;
    }
    return parse_id(s->uuid[i], uuid_prop[i], ns->uuid, EMK_NVME_UUID_LEN,
                    errp) &&
           parse_id(s->nguid[i], nguid_prop[i], ns->nguid,
                    EMK_NVME_NGUID_LEN, errp) &&
           parse_id(s->eui64[i], eui64_prop[i], ns->eui64,
                    EMK_NVME_EUI64_LEN, errp);
}

/* Namespace slot i: QEMU drive or emkit backend (file= is slot 1's). */
static bool add_namespace(EmkNvmePci *s, emk_nvme_options *o, unsigned i,
                          Error **errp)
{
    bool has_spec = s->backend[i] && *s->backend[i];
    unsigned before = o->nns;

    if (i == 0 && before == 1) {
        before = 0;                 /* file= made slot 1's namespace */
    }

    if (s->conf[i].blk) {
        if (i > 0) {        /* write-cache= and share-rw= apply to all */
            s->conf[i].wce = s->conf[0].wce;
            s->conf[i].share_rw = s->conf[0].share_rw;
        }
        if (has_spec || (i == 0 && s->file)) {
            error_setg(errp, "emkit-nvme: %s= and %s= both given for "
                       "namespace slot %u: a namespace is either a QEMU "
                       "drive or an emkit backend, not both", drive_prop[i],
                       has_spec ? backend_prop[i] : "file", i + 1);
            return false;
        }
        s->eblk[i] = emk_qemu_blk_open(&s->conf[i], s->drive_iothread ?
                                       s->drive_iothread : s->loop.iothread,
                                       drive_prop[i], &s->qblk[i], errp);
        if (!s->eblk[i]) {
            return false;
        }
        o->ns[o->nns].blk = s->eblk[i];
        o->ns[o->nns++].lba_shift = s->lba_shift;
    } else if (has_spec) {
        o->ns[o->nns].backend = s->backend[i];
        o->ns[o->nns++].lba_shift = s->lba_shift;
    }
    return slot_ids(s, o, i, before, errp);
}

/* Fills the controller options from the properties; errp on bad values. */
static bool build_options(EmkNvmePci *s, emk_nvme_options *o, Error **errp)
{
    unsigned i;
    int err = 0;

    emk_nvme_options_default(o);
    o->max_queues = s->max_ioqpairs;
    o->max_queue_entries = s->mqes ? s->mqes + 1 : 0;
    o->msix_vectors = s->msix_qsize;
    o->shadow_doorbells = s->shadow_doorbells;
    o->notifier_doorbells = s->ioeventfd;
    o->sq_poll_ns = (int64_t)MIN(s->sq_poll_ns, (uint64_t)INT64_MAX);
    o->coalescing = s->coalescing;
    o->irq_adapt_ns = (int64_t)MIN(s->irq_adapt_ns, (uint64_t)INT64_MAX);
    o->serial = s->serial;
    o->model = s->model;
    o->subnqn = s->subnqn;
    if (s->ioeventfd && !s->shadow_doorbells) {
        error_setg(errp, "emkit-nvme: ioeventfd=on needs shadow-doorbells=on "
                   "(the doorbell value comes from the shadow buffer)");
        return false;
    }
    if (s->conf[0].logical_block_size) {
        uint8_t shift = s->conf[0].logical_block_size == 512 ? 9 :
                        s->conf[0].logical_block_size == 4096 ? 12 : 0;

        if (!shift || (s->lba_shift != 9 && s->lba_shift != shift)) {
            error_setg(errp, "emkit-nvme: logical_block_size=%" PRIu32
                       " with lba-shift=%u: the block size is 512 or 4096 "
                       "(lba-shift 9 or 12), given once",
                       s->conf[0].logical_block_size, s->lba_shift);
            return false;
        }
        s->lba_shift = shift;
    }
    if (s->iothreads > EMK_NVME_MAX_IOTHREADS) {
        error_setg(errp, "emkit-nvme: iothreads=%u, at most %d", s->iothreads,
                   EMK_NVME_MAX_IOTHREADS);
        return false;
    }
    for (i = 0; i < s->iothreads; i++) {
        s->io[i] = emk_iothread_start("emkit-nvme-io", &s->host.clock, &err);
        if (!s->io[i]) {
            error_setg_errno(errp, -err, "emkit-nvme: iothread %u", i);
            return false;
        }
        o->iothreads[i] = emk_iothread_loop(s->io[i]);
    }
    o->niothreads = s->iothreads;
    if (s->file && !s->conf[0].blk) {
        g_free(s->file_spec);
        s->file_spec = g_strdup_printf("file:%s", s->file);
        o->ns[o->nns].backend = s->file_spec;
        o->ns[o->nns++].lba_shift = s->lba_shift;
    }
    for (i = 0; i < EMKIT_NVME_QEMU_NS; i++) {
        if (!add_namespace(s, o, i, errp)) {
            return false;
        }
    }
    if (o->nns == 0) {
        error_setg(errp, "emkit-nvme: no namespace (drive=ID, "
                   "backend=ram:SIZE, backend=file:PATH or file=PATH)");
        return false;
    }
    return true;
}

/* stats=on: one line of controller counters on stderr when QEMU exits
 * (tests read it: shadow_reads > 0 proves Doorbell Buffer Config was used,
 * notifier_kicks > 0 that doorbells came through the ioeventfds). */
static void emkit_nvme_report(Notifier *n, void *data)
{
    EmkNvmePci *s = container_of(n, EmkNvmePci, exit_notifier);
    emk_nvme_stats st;
    uint64_t issued = 0, batches = 0, a, b;
    unsigned i;

    if (!s->nvme) {
        return;
    }
    emk_nvme_get_stats(emk_nvme_pci_ctrl(s->nvme), &st);
    for (i = 0; i < EMKIT_NVME_QEMU_NS; i++) {
        emk_qemu_blk_stats(s->qblk[i], &a, &b);
        issued += a;
        batches += b;
    }
    fprintf(stderr, "emkit-nvme stats: mmio_doorbells=%" PRIu64
            " notifier_kicks=%" PRIu64 " shadow_reads=%" PRIu64
            " commands=%" PRIu64 " io_completed=%" PRIu64 " errors=%" PRIu64
            " interrupts=%" PRIu64 " coalesced=%" PRIu64 " poll_hits=%" PRIu64
            " poll_misses=%" PRIu64 " msi_sent=%" PRIu64 " dma_refused=%" PRIu64
            " drive_reqs=%" PRIu64 " drive_batches=%" PRIu64
            "\n", st.mmio_doorbells, st.notifier_kicks, st.shadow_reads,
            st.commands, st.io_completed, st.errors, st.interrupts,
            st.coalesced, st.poll_hits, st.poll_misses, s->host.stat_msi,
            emk_nvme_dev(emk_nvme_pci_ctrl(s->nvme))->stat_dma_refused,
            issued, batches);
}

static void emkit_nvme_realize(PCIDevice *pdev, Error **errp)
{
    EmkNvmePci *s = EMKIT_NVME(pdev);
    emk_nvme_options opts;
    char *path;
    int err = 0;

    if (emk_qemu_host_init(&s->host, pdev, "emkit-nvme", &s->loop,
                           errp) < 0) {
        return;
    }
    if (!build_options(s, &opts, errp)) {
        goto fail;
    }
    /* the PCI address chain (stable across runs, unlike bus numbers)
     * seeds the default serial and namespace IDs */
    path = qdev_get_dev_path(DEVICE(pdev));
    if (!path) {
        path = object_get_canonical_path(OBJECT(pdev));
    }
    opts.path = path;
    err = emk_nvme_pci_init(&s->nvme_store, &opts, &s->host.bus, s->host.loop);
    g_free(path);
    s->nvme = err ? NULL : &s->nvme_store;
    if (!s->nvme) {
        error_setg(errp, "emkit-nvme: %s", emk_strerror(err));
        goto fail;
    }
    err = emk_qemu_pci_attach(&s->host, emk_nvme_pci_fn(s->nvme));
    if (err < 0) {
        error_setg(errp, "emkit-nvme: cannot register BARs: %s",
                   emk_strerror(err));
        goto fail;
    }
    if (s->stats) {
        s->exit_notifier.notify = emkit_nvme_report;
        qemu_add_exit_notifier(&s->exit_notifier);
    }
    return;

fail:
    quiesce_drives(s);
    emk_qemu_host_quiesce(&s->host);
    if (s->nvme) {
        emk_nvme_pci_cleanup(s->nvme);
        s->nvme = NULL;
    }
    close_drives(s);
    stop_iothreads(s);
    emk_qemu_host_cleanup(&s->host);
}

static void emkit_nvme_exit(PCIDevice *pdev)
{
    EmkNvmePci *s = EMKIT_NVME(pdev);

    if (s->stats) {
        qemu_remove_exit_notifier(&s->exit_notifier);
    }
    quiesce_drives(s);
    emk_qemu_host_quiesce(&s->host);
    if (s->nvme) {
        emk_nvme_pci_cleanup(s->nvme);
        s->nvme = NULL;
    }
    close_drives(s);
    stop_iothreads(s);
    emk_qemu_host_cleanup(&s->host);
}

static uint32_t emkit_nvme_config_read(PCIDevice *pdev, uint32_t addr,
                                       int len)
{
    return emk_qemu_pci_config_read(&EMKIT_NVME(pdev)->host, addr, len);
}

static void emkit_nvme_config_write(PCIDevice *pdev, uint32_t addr,
                                    uint32_t val, int len)
{
    emk_qemu_pci_config_write(&EMKIT_NVME(pdev)->host, addr, val, len);
}

static void emkit_nvme_reset(DeviceState *dev)
{
    EmkNvmePci *s = EMKIT_NVME(dev);

    if (s->nvme) {
        emk_nvme_reset(emk_nvme_pci_ctrl(s->nvme));
    }
}

static const VMStateDescription emkit_nvme_vmstate = {
    .name = TYPE_EMKIT_NVME,
    .unmigratable = 1,   /* emkit's portable API has no save/load hooks yet */
};

static Property emkit_nvme_props[] = {
    DEFINE_PROP_STRING("serial", EmkNvmePci, serial),
    DEFINE_PROP_STRING("model", EmkNvmePci, model),
    DEFINE_PROP_STRING("subnqn", EmkNvmePci, subnqn),
    DEFINE_PROP_STRING("uuid", EmkNvmePci, uuid[0]),
    DEFINE_PROP_STRING("uuid2", EmkNvmePci, uuid[1]),
    DEFINE_PROP_STRING("uuid3", EmkNvmePci, uuid[2]),
    DEFINE_PROP_STRING("uuid4", EmkNvmePci, uuid[3]),
    DEFINE_PROP_STRING("nguid", EmkNvmePci, nguid[0]),
    DEFINE_PROP_STRING("nguid2", EmkNvmePci, nguid[1]),
    DEFINE_PROP_STRING("nguid3", EmkNvmePci, nguid[2]),
    DEFINE_PROP_STRING("nguid4", EmkNvmePci, nguid[3]),
    DEFINE_PROP_STRING("eui64", EmkNvmePci, eui64[0]),
    DEFINE_PROP_STRING("eui64-2", EmkNvmePci, eui64[1]),
    DEFINE_PROP_STRING("eui64-3", EmkNvmePci, eui64[2]),
    DEFINE_PROP_STRING("eui64-4", EmkNvmePci, eui64[3]),
    DEFINE_PROP_STRING("backend", EmkNvmePci, backend[0]),
    DEFINE_PROP_STRING("backend2", EmkNvmePci, backend[1]),
    DEFINE_PROP_STRING("backend3", EmkNvmePci, backend[2]),
    DEFINE_PROP_STRING("backend4", EmkNvmePci, backend[3]),
    DEFINE_PROP_STRING("file", EmkNvmePci, file),
    DEFINE_PROP_DRIVE("drive", EmkNvmePci, conf[0].blk),
    DEFINE_PROP_DRIVE("drive2", EmkNvmePci, conf[1].blk),
    DEFINE_PROP_DRIVE("drive3", EmkNvmePci, conf[2].blk),
    DEFINE_PROP_DRIVE("drive4", EmkNvmePci, conf[3].blk),
    DEFINE_PROP_ON_OFF_AUTO("write-cache", EmkNvmePci, conf[0].wce,
                            ON_OFF_AUTO_AUTO),
    DEFINE_PROP_BOOL("share-rw", EmkNvmePci, conf[0].share_rw, false),
    DEFINE_PROP_LINK("drive-iothread", EmkNvmePci, drive_iothread,
                     TYPE_IOTHREAD, IOThread *),
    DEFINE_EMK_QEMU_LOOP_PROPERTIES(EmkNvmePci, loop),
    DEFINE_PROP_UINT32("max_ioqpairs", EmkNvmePci, max_ioqpairs, 8),
    DEFINE_PROP_UINT32("msix_qsize", EmkNvmePci, msix_qsize, 0),
    DEFINE_PROP_UINT32("mqes", EmkNvmePci, mqes, 1023),
    DEFINE_PROP_BOOL("shadow-doorbells", EmkNvmePci, shadow_doorbells, true),
    DEFINE_PROP_BOOL("ioeventfd", EmkNvmePci, ioeventfd, true),
    DEFINE_PROP_UINT64("sq-poll-ns", EmkNvmePci, sq_poll_ns, 0),
    DEFINE_PROP_BOOL("coalescing", EmkNvmePci, coalescing, true),
    DEFINE_PROP_UINT64("irq-adapt-ns", EmkNvmePci, irq_adapt_ns, 40000),
    DEFINE_PROP_UINT32("iothreads", EmkNvmePci, iothreads, 0),
    DEFINE_PROP_UINT8("lba-shift", EmkNvmePci, lba_shift, 9),
    DEFINE_PROP_BLOCKSIZE("logical_block_size", EmkNvmePci,
                          conf[0].logical_block_size),
    DEFINE_PROP_BOOL("stats", EmkNvmePci, stats, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void emkit_nvme_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = emkit_nvme_realize;
    pc->exit = emkit_nvme_exit;
    pc->config_read = emkit_nvme_config_read;
    pc->config_write = emkit_nvme_config_write;
    /* the identity QEMU reports before realize; emkit's core then owns
     * config space (the same IDs, so guests bind their nvme driver) */
    pc->vendor_id = EMK_NVME_PCI_VENDOR;
    pc->device_id = EMK_NVME_PCI_DEVICE;
    pc->class_id = PCI_CLASS_STORAGE_EXPRESS;
    pc->revision = 2;
    dc->desc = "emkit NVMe controller (emkit hw/nvme through the adapter)";
    dc->reset = emkit_nvme_reset;
    dc->vmsd = &emkit_nvme_vmstate;
    device_class_set_props(dc, emkit_nvme_props);
    set_bit(DEVICE_CATEGORY_STORAGE, dc->categories);
}

static const TypeInfo emkit_nvme_info = {
    .name = TYPE_EMKIT_NVME,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(EmkNvmePci),
    .class_init = emkit_nvme_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { }
    },
};

static void emkit_nvme_register_types(void)
{
    type_register_static(&emkit_nvme_info);
}

type_init(emkit_nvme_register_types)
