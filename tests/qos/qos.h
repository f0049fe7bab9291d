/*
 * qos.h - the test graph (a libqos-style driver framework, simpler):
 * machines, buses, drivers, interfaces and tests are rows of one static
 * node table; contains / produces / consumes are rows of one static edge
 * table.  A depth-first walk from every machine to every test gives the
 * paths; each path is one cmocka test that builds its nodes in order,
 * runs the test node and tears the nodes down in reverse order.
 *
 * Nothing registers itself: adding a device means adding its rows to
 * qos_nodes[] and qos_edges[] (graph.c) and its build/teardown functions
 * (drivers_<dev>.c).  See docs/qos.md.
 */
#ifndef EMK_TESTS_QOS_H
#define EMK_TESTS_QOS_H

#include <stdint.h>

#include "emkit/testmachine.h"
#include "emkit/ecam.h"
#include "emkit/pcie.h"
#include "emkit/guest/pci_enum.h"

/* ---- the graph ---------------------------------------------------------- */

typedef enum qos_kind {
    QOS_MACHINE,      /* a test machine: where every path starts */
    QOS_BUS,          /* a bridge: moves the attach point */
    QOS_DRIVER,       /* a device plus its guest driver: fills interfaces */
    QOS_IFACE,        /* what tests consume (no build) */
    QOS_TEST          /* a test: runs on the interface before it */
} qos_kind;

typedef enum qos_edge_kind {
    QOS_CONTAINS,     /* machine/bus -> bus/driver */
    QOS_PRODUCES,     /* driver -> interface */
    QOS_CONSUMES      /* interface -> test (a test consumes the interface) */
} qos_edge_kind;

/* Interrupt modes of a driver edge. */
typedef enum qos_irq_mode {
    QOS_IRQ_NONE = 0,
    QOS_IRQ_MSIX,     /* PCI MSI-X */
    QOS_IRQ_INTX,     /* PCI INTA# */
    QOS_IRQ_LINE,     /* a plain bus line (MMIO machine) */
    QOS_IRQ_MSI       /* a device-programmed MSI (sblk's MSI registers) */
} qos_irq_mode;

/* Capabilities a path offers (union of its edges' caps); a test node
 * lists those it needs and is only reached on paths that offer them. */
enum qos_caps {
    QOS_CAP_FLUSH = 1u << 0,
    QOS_CAP_ZEROES = 1u << 1,
    QOS_CAP_DISCARD = 1u << 2,
    QOS_CAP_MSIX = 1u << 3,     /* the path runs the function with MSI-X */
    QOS_CAP_FLR = 1u << 4,      /* PCIe Function Level Reset */
    QOS_CAP_INTX = 1u << 5      /* the path runs the function on INTA# */
};

/* One option set of a contains edge (a driver's variant). */
typedef struct qos_opts {
    qos_irq_mode irq;
    unsigned iothreads;         /* device loops in iothreads (0: machine's) */
    int shadow;                 /* NVMe shadow doorbells */
} qos_opts;

typedef struct qos_ctx qos_ctx;

typedef struct qos_node {
    const char *name;
    qos_kind kind;
    const char *doc;            /* one line, for --dot and the docs */
    /* machines, buses, drivers: 0 or -errno (nothing left to undo on
     * failure); opts is the edge's option set (NULL: none) */
    int (*build)(qos_ctx *c, const qos_opts *opts);
    void (*teardown)(qos_ctx *c);
    /* tests */
    void (*run)(qos_ctx *c);
    unsigned needs;             /* tests: caps the path must offer */
} qos_node;

typedef struct qos_edge {
    int from, to;               /* qos_node_id */
    qos_edge_kind kind;
    unsigned caps;              /* what taking this edge offers */
    /* an edge with nopts option sets stands for nopts edges */
    const qos_opts *opts;
    unsigned nopts;
} qos_edge;

/* Node ids: indices into qos_nodes[]. */
typedef enum qos_node_id {
    QN_ECAM1, QN_ECAM2, QN_MMIO,
    QN_ROOTPORT, QN_ROOTPORT2,
    QN_NVME, QN_SBLK_PCI, QN_SBLK_MMIO, QN_VIRTIO_RNG,
    QN_BLK, QN_PCIFN, QN_VIRTIO,
    QN_T_WRV, QN_T_FLUSH, QN_T_ZEROES, QN_T_DISCARD, QN_T_RANGE, QN_T_RESET,
    QN_T_BARS, QN_T_DECODE, QN_T_MASTER, QN_T_MSIX, QN_T_INTX, QN_T_FLR,
    QN_T_LSPCI,
    QN_T_ENTROPY, QN_T_VRESET,
    QN_COUNT
} qos_node_id;

extern const qos_node qos_nodes[QN_COUNT];
extern const qos_edge qos_edges[];
extern const unsigned qos_nedges;

enum { QOS_MAX_DEPTH = 8 };

/* One path: the edges taken and the option set index of each. */
typedef struct qos_path {
    int start;                  /* machine node */
    unsigned n;                 /* edges */
    const qos_edge *edge[QOS_MAX_DEPTH];
    const qos_opts *opts[QOS_MAX_DEPTH];   /* NULL or the chosen set */
    unsigned caps;
    char name[256];
} qos_path;

/* Calls fn for every path, in a stable order; returns the count. */
unsigned qos_walk(void (*fn)(const qos_path *p, void *arg), void *arg);
/* Writes the option label ("msix,iothreads=2,shadow") of o into buf. */
void qos_opts_label(const qos_opts *o, char *buf, unsigned cap);
/* Prints the graph as Graphviz dot on stdout. */
void qos_print_dot(void);

/* ---- interfaces --------------------------------------------------------- */

typedef struct qos_blk qos_blk;

/* Block device ops.  rw/flush/zeroes/discard wait for the completion and
 * return 0, a positive device status, or -errno.  start submits a write
 * without waiting; reset resets the device (from the guest where it can,
 * else as the host would) and makes it usable again. */
typedef struct qos_blk_ops {
    int (*rw)(qos_blk *b, int write, uint64_t lba, uint32_t n, uint64_t gpa);
    int (*flush)(qos_blk *b);
    int (*zeroes)(qos_blk *b, uint64_t lba, uint32_t n);
    int (*discard)(qos_blk *b, uint64_t lba, uint32_t n);
    int (*start)(qos_blk *b, uint64_t lba, uint32_t n, uint64_t gpa);
    int (*reset)(qos_blk *b);
} qos_blk_ops;

struct qos_blk {
    const qos_blk_ops *ops;
    void *drv;
    uint64_t nblocks;
    unsigned block_size;
    uint32_t max_blocks;        /* per request */
    int discard_zeroes;         /* discarded blocks read as zeroes */
};

typedef struct qos_pcifn qos_pcifn;

/* A PCI function as the tests see it: where the enumerator put it, what
 * its BARs must be, and three device-specific actions. */
typedef struct qos_pcifn_ops {
    int (*dma)(qos_pcifn *p);       /* one operation that needs DMA: 0 ok */
    int (*signal)(qos_pcifn *p);    /* makes the device raise vector
                                       p->vector (MSI-X); 0 ok */
    int (*restart)(qos_pcifn *p);   /* the driver starts over (after a
                                       fatal error or a reset) */
} qos_pcifn_ops;

struct qos_pcifn {
    const qos_pcifn_ops *ops;
    void *drv;
    emk_pci_fn *fn;                 /* the device side (for detach only) */
    unsigned idx;                   /* in ctx->e.fns */
    uint64_t bar_size[6];           /* expected: 0 = not implemented */
    unsigned bar64;                 /* bit i: BAR i is 64-bit */
    unsigned main_bar;              /* a BAR with a stable register at 0 */
    unsigned vector;                /* MSI-X vector signal() raises */
};

struct emk_virtio_drv;

/* A virtio transport with the entropy device's queue 0 set up; the
 * device's source is a counter (next byte *next), so data is checked. */
typedef struct qos_virtio {
    struct emk_virtio_drv *d;
    const uint8_t *next;
    int (*setup)(qos_ctx *c);       /* reset, negotiate, queue 0, DRIVER_OK */
} qos_virtio;

/* ---- the context a path builds ------------------------------------------ */

enum { QOS_MAX_PORTS = 2 };

typedef struct qos_port {
    emk_dev dev;
    emk_pci_fn fn;
} qos_port;

struct qos_ctx {
    emk_tm *tm;
    /* PCI machines */
    int pci;
    emk_pci_host host;
    emk_pci_seg segs[2];
    emk_pci_enum_seg esegs[2];
    unsigned nsegs;
    emk_pci_seg *at_seg;            /* attach point: a root bus ... */
    emk_pci_fn *at_bridge;          /* ... or a bridge's secondary bus */
    uint8_t at_devfn;
    qos_port ports[QOS_MAX_PORTS];
    unsigned nports;
    emk_pci_enum e;
    /* the driver edge's options and the path's caps */
    qos_opts opts;
    unsigned caps;
    /* interfaces the driver filled */
    qos_blk blk;
    qos_pcifn pcifn;
    qos_virtio virtio;
    void *drv;                      /* driver state (the driver's own) */
    /* interrupt accounting (qos_irq_check) */
    uint64_t msi_seen, line_seen;
    int line_high;                  /* line 0 asserted at the last check */
};

enum {
    QOS_ECAM0 = 0xb0000000u >> 4,   /* shifted: enums are ints */
    QOS_ECAM1 = 0xc0000000u >> 4,
    QOS_MMIO_BASE = 0x40000000,
    QOS_RAM_MB = 32
};
#define QOS_MSI_ADDR 0xfee01000ull
#define QOS_MSI_DATA 0x40u

/* machines.c */
int qos_machine_new(qos_ctx *c, int pci);
void qos_machine_free(qos_ctx *c);
/* Interrupts since the last call must have come in mode `mode` (at least
 * one: a message, or a line that rose or was asserted in the window; with MSI-X or a line
 * no other kind): 0, or -EIO.  MSIs must carry QOS_MSI_ADDR. */
int qos_irq_check(qos_ctx *c, qos_irq_mode mode);
/* Waits for pending work of the machine's loop (devices there). */
void qos_run(qos_ctx *c);

/* drivers_virtio.c: runs one device-writable buffer of len bytes at gpa
 * through queue 0 and waits at most rounds polls; the used length or -1. */
long qos_virtio_request(qos_ctx *c, uint64_t gpa, uint32_t len, int rounds);

/* pci_paths.c */
/* Attaches fn at the attach point (device present on the port). */
int qos_pci_attach(qos_ctx *c, emk_pci_fn *fn);
/* Stops decoding and detaches fn (before its device is freed). */
void qos_pci_detach(qos_ctx *c, emk_pci_fn *fn);
/* Enumerates every segment; the index of (vendor, device), or -ENODEV. */
int qos_pci_enumerate(qos_ctx *c, uint16_t vendor, uint16_t device);
/* Config access to the function of the path's pcifn interface. */
uint32_t qos_cfg_read(qos_ctx *c, uint32_t off, unsigned size);
void qos_cfg_write(qos_ctx *c, uint32_t off, unsigned size, uint32_t v);

/* build/teardown/run functions of the node table */
int qos_ecam1_build(qos_ctx *c, const qos_opts *o);
int qos_ecam2_build(qos_ctx *c, const qos_opts *o);
int qos_mmio_build(qos_ctx *c, const qos_opts *o);
void qos_machine_teardown(qos_ctx *c);
int qos_rootport_build(qos_ctx *c, const qos_opts *o);
int qos_nvme_build(qos_ctx *c, const qos_opts *o);
void qos_nvme_teardown(qos_ctx *c);
int qos_sblk_pci_build(qos_ctx *c, const qos_opts *o);
int qos_sblk_mmio_build(qos_ctx *c, const qos_opts *o);
void qos_sblk_teardown(qos_ctx *c);
int qos_virtio_rng_build(qos_ctx *c, const qos_opts *o);
void qos_virtio_rng_teardown(qos_ctx *c);

void qos_test_write_read_verify(qos_ctx *c);
void qos_test_flush(qos_ctx *c);
void qos_test_write_zeroes(qos_ctx *c);
void qos_test_discard(qos_ctx *c);
void qos_test_out_of_range(qos_ctx *c);
void qos_test_reset_mid_io(qos_ctx *c);
void qos_test_bar_sizing(qos_ctx *c);
void qos_test_command_decode(qos_ctx *c);
void qos_test_bus_master(qos_ctx *c);
void qos_test_msix_mask(qos_ctx *c);
void qos_test_flr(qos_ctx *c);
void qos_test_intx_disable(qos_ctx *c);
void qos_test_lspci(qos_ctx *c);
void qos_test_entropy(qos_ctx *c);
void qos_test_virtio_reset(qos_ctx *c);

#endif
