/*
 * graph.c - the node and edge tables of the test graph and the walk that
 * turns them into paths (see qos.h, docs/qos.md).
 */
#include <stdio.h>
#include <string.h>

#include "qos.h"

#define MACHINE(id, n, b, d) [id] = {n, QOS_MACHINE, d, b, qos_machine_teardown, NULL, 0}
#define BUS(id, n, d) [id] = {n, QOS_BUS, d, qos_rootport_build, NULL, NULL, 0}
#define DRIVER(id, n, b, t, d) [id] = {n, QOS_DRIVER, d, b, t, NULL, 0}
#define IFACE(id, n, d) [id] = {n, QOS_IFACE, d, NULL, NULL, NULL, 0}
#define TEST(id, n, r, needs) [id] = {n, QOS_TEST, NULL, NULL, NULL, r, needs}

const qos_node qos_nodes[QN_COUNT] = {
    MACHINE(QN_ECAM1, "ecam1", qos_ecam1_build,
            "test machine, one ECAM segment (0, buses 0-15)"),
    MACHINE(QN_ECAM2, "ecam2", qos_ecam2_build,
            "test machine, two ECAM segments; devices on segment 1 (buses 0x40-0x4f)"),
    MACHINE(QN_MMIO, "mmio", qos_mmio_build,
            "test machine, plain MMIO bus (no PCI)"),
    BUS(QN_ROOTPORT, "rootport", "PCIe root port on the root bus"),
    BUS(QN_ROOTPORT2, "rootport2", "PCIe root port behind a root port"),
    DRIVER(QN_NVME, "nvme", qos_nvme_build, qos_nvme_teardown,
           "NVMe controller (emk_nvme_pci) + nvme_drv"),
    DRIVER(QN_SBLK_PCI, "sblk-pci", qos_sblk_pci_build, qos_sblk_teardown,
           "simple block device as a PCI function + sblk_drv"),
    DRIVER(QN_SBLK_MMIO, "sblk", qos_sblk_mmio_build, qos_sblk_teardown,
           "simple block device mapped on the bus + sblk_drv"),
    DRIVER(QN_VIRTIO_RNG, "virtio-rng", qos_virtio_rng_build,
           qos_virtio_rng_teardown, "virtio entropy device on virtio-pci + virtio_drv"),
    IFACE(QN_BLK, "blk", "block device"),
    IFACE(QN_PCIFN, "pci", "PCI function"),
    IFACE(QN_VIRTIO, "virtio", "virtio transport"),
    TEST(QN_T_WRV, "write_read_verify", qos_test_write_read_verify, 0),
    TEST(QN_T_FLUSH, "flush", qos_test_flush, QOS_CAP_FLUSH),
    TEST(QN_T_ZEROES, "write_zeroes", qos_test_write_zeroes, QOS_CAP_ZEROES),
    TEST(QN_T_DISCARD, "discard", qos_test_discard, QOS_CAP_DISCARD),
    TEST(QN_T_RANGE, "out_of_range", qos_test_out_of_range, 0),
    TEST(QN_T_RESET, "reset_mid_io", qos_test_reset_mid_io, 0),
    TEST(QN_T_BARS, "bar_sizing", qos_test_bar_sizing, 0),
    TEST(QN_T_DECODE, "command_decode", qos_test_command_decode, 0),
    TEST(QN_T_MASTER, "bus_master", qos_test_bus_master, 0),
    TEST(QN_T_MSIX, "msix_mask", qos_test_msix_mask, QOS_CAP_MSIX),
    TEST(QN_T_INTX, "intx_disable", qos_test_intx_disable, QOS_CAP_INTX),
    TEST(QN_T_FLR, "flr", qos_test_flr, QOS_CAP_FLR),
    TEST(QN_T_LSPCI, "lspci", qos_test_lspci, 0),
    TEST(QN_T_ENTROPY, "entropy", qos_test_entropy, 0),
    TEST(QN_T_VRESET, "device_reset", qos_test_virtio_reset, 0),
};

/* Option sets (each one an edge).  The full NVMe product runs where the
 * controller sits on the host bridge; behind bridges and on the second
 * segment three sets cover both interrupt modes and both loop
 * placements, which keeps the suite well inside its time budget. */
static const qos_opts nvme_full[] = {
    {QOS_IRQ_MSIX, 0, 0}, {QOS_IRQ_MSIX, 0, 1},
    {QOS_IRQ_MSIX, 2, 0}, {QOS_IRQ_MSIX, 2, 1},
    {QOS_IRQ_INTX, 0, 0}, {QOS_IRQ_INTX, 0, 1},
    {QOS_IRQ_INTX, 2, 0}, {QOS_IRQ_INTX, 2, 1},
};
static const qos_opts nvme_small[] = {
    {QOS_IRQ_MSIX, 0, 0}, {QOS_IRQ_INTX, 0, 0}, {QOS_IRQ_MSIX, 2, 1},
};
static const qos_opts sblk_pci_opts[] = {
    {QOS_IRQ_INTX, 0, 0}, {QOS_IRQ_INTX, 1, 0},
};
static const qos_opts sblk_mmio_opts[] = {
    {QOS_IRQ_LINE, 0, 0}, {QOS_IRQ_LINE, 1, 0},
    {QOS_IRQ_MSI, 0, 0}, {QOS_IRQ_MSI, 1, 0},
};
static const qos_opts virtio_opts[] = {
    {QOS_IRQ_MSIX, 0, 0}, {QOS_IRQ_INTX, 0, 0}, {QOS_IRQ_MSIX, 1, 0},
};

#define N(a) (unsigned)(sizeof(a) / sizeof((a)[0]))
#define HAS(from, to) {from, to, QOS_CONTAINS, 0, NULL, 0}
#define HAS_OPTS(from, to, o) {from, to, QOS_CONTAINS, 0, o, N(o)}
#define MAKES(from, to, caps) {from, to, QOS_PRODUCES, caps, NULL, 0}
#define USES(from, to) {from, to, QOS_CONSUMES, 0, NULL, 0}

const qos_edge qos_edges[] = {
    /* topology */
    HAS_OPTS(QN_ECAM1, QN_NVME, nvme_full),
    HAS_OPTS(QN_ECAM1, QN_SBLK_PCI, sblk_pci_opts),
    HAS_OPTS(QN_ECAM1, QN_VIRTIO_RNG, virtio_opts),
    HAS(QN_ECAM1, QN_ROOTPORT),
    HAS_OPTS(QN_ECAM2, QN_NVME, nvme_small),
    HAS_OPTS(QN_ECAM2, QN_SBLK_PCI, sblk_pci_opts),
    HAS_OPTS(QN_ECAM2, QN_VIRTIO_RNG, virtio_opts),
    HAS(QN_ECAM2, QN_ROOTPORT),
    HAS_OPTS(QN_ROOTPORT, QN_NVME, nvme_small),
    HAS_OPTS(QN_ROOTPORT, QN_SBLK_PCI, sblk_pci_opts),
    HAS_OPTS(QN_ROOTPORT, QN_VIRTIO_RNG, virtio_opts),
    HAS(QN_ROOTPORT, QN_ROOTPORT2),
    HAS_OPTS(QN_ROOTPORT2, QN_NVME, nvme_small),
    HAS_OPTS(QN_ROOTPORT2, QN_SBLK_PCI, sblk_pci_opts),
    HAS_OPTS(QN_ROOTPORT2, QN_VIRTIO_RNG, virtio_opts),
    HAS_OPTS(QN_MMIO, QN_SBLK_MMIO, sblk_mmio_opts),
    /* what drivers produce */
    MAKES(QN_NVME, QN_BLK, QOS_CAP_FLUSH | QOS_CAP_ZEROES | QOS_CAP_DISCARD),
    MAKES(QN_NVME, QN_PCIFN, QOS_CAP_FLR),
    MAKES(QN_SBLK_PCI, QN_BLK, QOS_CAP_FLUSH),
    MAKES(QN_SBLK_PCI, QN_PCIFN, 0),
    MAKES(QN_SBLK_MMIO, QN_BLK, QOS_CAP_FLUSH),
    MAKES(QN_VIRTIO_RNG, QN_VIRTIO, 0),
    MAKES(QN_VIRTIO_RNG, QN_PCIFN, 0),
    /* what tests consume */
    USES(QN_BLK, QN_T_WRV),
    USES(QN_BLK, QN_T_FLUSH),
    USES(QN_BLK, QN_T_ZEROES),
    USES(QN_BLK, QN_T_DISCARD),
    USES(QN_BLK, QN_T_RANGE),
    USES(QN_BLK, QN_T_RESET),
    USES(QN_PCIFN, QN_T_BARS),
    USES(QN_PCIFN, QN_T_DECODE),
    USES(QN_PCIFN, QN_T_MASTER),
    USES(QN_PCIFN, QN_T_MSIX),
    USES(QN_PCIFN, QN_T_INTX),
    USES(QN_PCIFN, QN_T_FLR),
    USES(QN_PCIFN, QN_T_LSPCI),
    USES(QN_VIRTIO, QN_T_ENTROPY),
    USES(QN_VIRTIO, QN_T_VRESET),
};
const unsigned qos_nedges = N(qos_edges);

void qos_opts_label(const qos_opts *o, char *buf, unsigned cap)
{
    static const char *const irq[] = {"", "msix", "intx", "line", "msi"};
    int n;

    n = snprintf(buf, cap, "%s", irq[o->irq]);
    if (o->iothreads && n >= 0 && (unsigned)n < cap)
        n += snprintf(buf + n, cap - (unsigned)n, ",iothreads=%u", o->iothreads);
    if (o->shadow && n >= 0 && (unsigned)n < cap)
        snprintf(buf + n, cap - (unsigned)n, ",shadow");
}

static void path_name(qos_path *p)
{
    unsigned i, len;
    char label[64];

    len = (unsigned)snprintf(p->name, sizeof(p->name), "%s",
                             qos_nodes[p->start].name);
    for (i = 0; i < p->n && len < sizeof(p->name); i++) {
        const qos_edge *e = p->edge[i];
        label[0] = 0;
        if (p->opts[i])
            qos_opts_label(p->opts[i], label, sizeof(label));
        len += (unsigned)snprintf(p->name + len, sizeof(p->name) - len,
                                  label[0] ? "/%s[%s]" : "/%s%s",
                                  qos_nodes[e->to].name, label);
    }
}

typedef struct walker {
    void (*fn)(const qos_path *p, void *arg);
    void *arg;
    unsigned count;
} walker;

static void walk(walker *w, qos_path *p, int node)
{
    unsigned i, k;

    if (qos_nodes[node].kind == QOS_TEST) {
        if ((qos_nodes[node].needs & p->caps) == qos_nodes[node].needs) {
            path_name(p);
            w->fn(p, w->arg);
            w->count++;
        }
        return;
    }
    if (p->n >= QOS_MAX_DEPTH)
        return;
    for (i = 0; i < qos_nedges; i++) {
        const qos_edge *e = &qos_edges[i];
        unsigned nopts = e->nopts ? e->nopts : 1;

        if (e->from != node)
            continue;
        for (k = 0; k < nopts; k++) {
            unsigned saved = p->caps;
            const qos_opts *o = e->nopts ? &e->opts[k] : NULL;

            p->edge[p->n] = e;
            p->opts[p->n] = o;
            p->caps |= e->caps;
            if (o && o->irq == QOS_IRQ_MSIX)
                p->caps |= QOS_CAP_MSIX;
            if (o && o->irq == QOS_IRQ_INTX)
                p->caps |= QOS_CAP_INTX;
            p->n++;
            walk(w, p, e->to);
            p->n--;
            p->caps = saved;
        }
    }
}

unsigned qos_walk(void (*fn)(const qos_path *p, void *arg), void *arg)
{
    walker w;
    qos_path p;
    int m;

    w.fn = fn;
    w.arg = arg;
    w.count = 0;
    for (m = 0; m < QN_COUNT; m++) {
        if (qos_nodes[m].kind != QOS_MACHINE)
            continue;
        memset(&p, 0, sizeof(p));
        p.start = m;
        walk(&w, &p, m);
    }
    return w.count;
}

void qos_print_dot(void)
{
    static const char *const shape[] = {
        "box3d", "box", "component", "ellipse", "note"
    };
    static const char *const style[] = {"solid", "bold", "dashed"};
    unsigned i, k;
    char label[64];

    printf("digraph qos {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
    for (i = 0; i < QN_COUNT; i++)
        printf("  n%u [label=\"%s\" shape=%s%s];\n", i, qos_nodes[i].name,
               shape[qos_nodes[i].kind],
               qos_nodes[i].kind == QOS_IFACE ? " style=filled fillcolor=lightgrey" : "");
    for (i = 0; i < qos_nedges; i++) {
        const qos_edge *e = &qos_edges[i];
        printf("  n%d -> n%d [style=%s", e->from, e->to, style[e->kind]);
        if (e->nopts) {
            printf(" label=\"");
            for (k = 0; k < e->nopts; k++) {
                qos_opts_label(&e->opts[k], label, sizeof(label));
                printf("%s%s", k ? "\\n" : "", label);
            }
            printf("\" fontsize=9");
        }
        printf("];\n");
    }
    printf("}\n");
}
