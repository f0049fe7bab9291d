/*
 * emkit/nvme.h - an NVM Express 1.4 controller (PCIe transport) on the
 * machine bus.
 *
 * The controller is transport-free spec logic: a BAR0 register file
 * (emk_nvme_bar0), admin and I/O command sets, namespaces on emkit block
 * backends.  It raises interrupt objects (emk_irq, emkit/bus.h) that its
 * transport gives it: nvme_pci.c hands over the PCI core's message
 * vectors and INTx pin; a test can wire plain MSIs (emk_irq_init_msi).
 *
 * Every optimisation of the GSoC "NVMe performance" ideas is a switch in
 * emk_nvme_options so its effect can be measured:
 *   shadow_doorbells   Doorbell Buffer Config (OACS bit 8) with EventIdx
 *   notifier_doorbells I/O queue doorbells become emk_notifier kicks
 *                      (ioeventfd); needs the shadow buffer for the value
 *   sq_poll_ns         adaptive SQ polling through the shadow buffer
 *   iothreads          queue processing in caller-provided loops
 *   coalescing         Set Features 0x08/0x09 honoured
 *   irq_adapt_ns       interrupts held while the host is busy (several
 *                      commands per doorbell, or the last interrupt's
 *                      entries not yet consumed: shadow CQ head)
 */
#ifndef EMKIT_NVME_H
#define EMKIT_NVME_H

#include <pthread.h>
#include <stdio.h>

#include "emkit/bus.h"
#include "emkit/block.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_nvme_limits {
    EMK_NVME_MAX_NS = 16,          /**< namespaces per controller */
    EMK_NVME_MAX_QUEUES = 64,      /**< I/O queue pairs */
    EMK_NVME_MAX_IOTHREADS = 16,
    EMK_NVME_MAX_VECTORS = 65,
    EMK_NVME_PAGE_SIZE = 4096,     /**< the only memory page size (MPS 0) */
    EMK_NVME_MDTS = 5,             /**< max transfer 2^5 pages = 128 KiB */
    EMK_NVME_MAX_XFER = 4096 << 5,
    EMK_NVME_AERS = 4,             /**< outstanding AERs (AERL + 1) */
    EMK_NVME_EVENTS = 8,           /**< queued asynchronous events */
    EMK_NVME_ERROR_LOG = 64,       /**< error log entries */
    EMK_NVME_DB_BASE = 0x1000,
    EMK_NVME_SERIAL_LEN = 20,      /**< Identify SN: ASCII, space padded */
    EMK_NVME_NQN_LEN = 223,        /**< longest NQN (NVMe 1.4 7.9) */
    EMK_NVME_UUID_LEN = 16,
    EMK_NVME_NGUID_LEN = 16,
    EMK_NVME_EUI64_LEN = 8
};

/** One namespace.  Give either an open backend (blk, not owned) or a
 *  backend spec ("ram:64M", "file:/path", opened and owned). */
typedef struct emk_nvme_ns_config {
    emk_blk *blk;
    const char *backend;
    unsigned lba_shift;            /**< 9 (512 B) or 12 (4 KiB); 0: 9 */
    /** Namespace identifiers (Identify Namespace and its descriptor
     *  list).  All zero: derived from the controller's serial, its path
     *  and the nsid, so they differ between controllers. */
    uint8_t uuid[EMK_NVME_UUID_LEN];
    uint8_t nguid[EMK_NVME_NGUID_LEN];
    uint8_t eui64[EMK_NVME_EUI64_LEN];
} emk_nvme_ns_config;

/** Every switch of the controller.  Zero is a valid default for each
 *  field except the namespaces. */
typedef struct emk_nvme_options {
    unsigned max_queues;           /**< I/O queue pairs (0: 8, max 64) */
    unsigned max_queue_entries;    /**< CAP.MQES + 1 (0: 1024, min 2, max 4096) */
    unsigned msix_vectors;         /**< 0: max_queues + 1 */
    int shadow_doorbells;          /**< advertise Doorbell Buffer Config */
    int notifier_doorbells;        /**< I/O doorbells via emk_notifier */
    int64_t sq_poll_ns;            /**< >0: adaptive SQ polling budget */
    int coalescing;                /**< honour interrupt coalescing */
    int64_t irq_adapt_ns;          /**< >0: while the host is busy (its
                                        last doorbell brought several
                                        commands, or it has not consumed
                                        the last interrupt's entries),
                                        hold the next I/O interrupt for up
                                        to this long */
    emk_loop *iothreads[EMK_NVME_MAX_IOTHREADS]; /**< loops for I/O queues */
    unsigned niothreads;           /**< 0: every queue on the device loop */
    /** I/O queue qid runs in iothreads[queue_map[qid - 1] % niothreads];
     *  queue_map NULL: round robin ((qid - 1) % niothreads). */
    const unsigned char *queue_map;
    emk_nvme_ns_config ns[EMK_NVME_MAX_NS];
    unsigned nns;
    /** Identify SN, up to 20 printable ASCII characters.  NULL: derived
     *  from path ("EMK" and 16 hex digits), or without a path "EMK" and
     *  this process's controller count ("EMK0001", "EMK0002", ...). */
    const char *serial;
    const char *model;             /**< NULL: "emkit NVMe" */
    /** Identify SUBNQN, up to 223 bytes.  NULL:
     *  "nqn.2026-01.org.emkit:nvme:<serial>". */
    const char *subnqn;
    /** Where the controller sits (a QEMU QOM path or PCI address); with
     *  the serial it seeds the default serial and namespace IDs.  NULL:
     *  none.  Copied by emk_nvme_init. */
    const char *path;
} emk_nvme_options;


/** Counters for tests, reports and benchmarks. */
typedef struct emk_nvme_stats {
    uint64_t mmio_doorbells;       /**< trapped doorbell writes */
    uint64_t notifier_kicks;       /**< notifier-delivered doorbells */
    uint64_t shadow_reads;         /**< SQ tails taken from the shadow buffer */
    uint64_t commands;             /**< commands fetched (admin + I/O) */
    uint64_t io_completed;
    uint64_t errors;               /**< completions with non-zero status */
    uint64_t interrupts;           /**< vectors raised */
    uint64_t coalesced;            /**< completions that did not raise one */
    uint64_t poll_hits;            /**< commands found while polling */
    uint64_t poll_misses;          /**< poll windows that found nothing */
} emk_nvme_stats;

struct emk_nvme_sq;
struct emk_nvme_cq;
struct emk_nvme_req;

/* The controller's state.  Caller-owned (emk_nvme_init); every field is
 * private to hw/nvme/ (its threading rules: docs/architecture.md). */
/** Per queue id, for the controller's whole life: everything a thread
 *  other than the queue's owner may touch (atomics), and the bottom half
 *  that brings doorbells to the owner.  Never freed with a queue. */
typedef struct emk_nvme_qslot {
    struct emk_nvme *n;
    uint16_t qid;
    emk_loop *loop;         /* the owner of queue pair qid (fixed) */
    uint32_t sq_size;       /* entries of the live SQ, 0 if none (owner
                               publishes) */
    uint32_t cq_size;       /* likewise for the CQ */
    uint32_t sq_tail;       /* last SQ tail doorbell (MMIO) */
    uint32_t cq_head;       /* last CQ head doorbell (MMIO) */
    uint32_t inflight;      /* commands of the SQ in flight (atomic) */
    uint64_t sq_db, cq_db;  /* shadow doorbell words of the live queues, 0
                               if none: an MMIO doorbell is copied there at
                               once, as the host's shadow update would be */
    uint32_t work;          /* work for bh (hw/nvme: NVME_SLOT_*) */
    emk_bh bh;
} emk_nvme_qslot;

/** A namespace. */
typedef struct emk_nvme_ns {
    unsigned nsid;
    emk_blk *blk;
    int owned;
    unsigned lba_shift;
    uint64_t nlbas;
    uint8_t uuid[EMK_NVME_UUID_LEN];
    uint8_t nguid[EMK_NVME_NGUID_LEN];
    uint8_t eui64[EMK_NVME_EUI64_LEN];
} emk_nvme_ns;

/** A doorbell delivered through an emk_notifier (ioeventfd). */
typedef struct emk_nvme_dbn {
    struct emk_nvme *n;
    unsigned qid;
    int is_cq;
    int on;                 /* fd open and routed (controller thread) */
    int attached;           /* handler in the owner's loop (owner) */
    emk_notifier nt;
} emk_nvme_dbn;

/** A posted asynchronous event. */
typedef struct emk_nvme_event {
    uint8_t type, info, log;
} emk_nvme_event;

struct emk_nvme {
    emk_dev dev;            /* first member */
    emk_region bar0;
    emk_region_ops bar0_ops;
    emk_nvme_options opts;
    char serial[EMK_NVME_SERIAL_LEN + 1];   /* effective identity */
    char subnqn[EMK_NVME_NQN_LEN + 1];
    uint64_t id_seed;       /* serial + path: default namespace IDs */
    const emk_irq *irq_vec; /* message vectors (emk_nvme_set_irqs) */
    unsigned irq_nvec;
    const emk_irq *irq_intx;
    pthread_mutex_t irq_lock; /* INTx level, cq[] stores, error log */
    pthread_mutex_t ev_lock;  /* async events */
    int intx_level;

    /* registers */
    uint64_t cap;
    uint32_t intms, cc, csts, aqa;
    uint64_t asq, acq;
    uint32_t bar0_size;
    unsigned mqes;          /* max entries */
    unsigned max_queues;
    unsigned vectors;

    struct emk_nvme_sq *sq[EMK_NVME_MAX_QUEUES + 1];   /* written by the owners */
    struct emk_nvme_cq *cq[EMK_NVME_MAX_QUEUES + 1];
    emk_nvme_qslot slot[EMK_NVME_MAX_QUEUES + 1];
    emk_nvme_ns ns[EMK_NVME_MAX_NS];
    unsigned nns;

    /* shadow doorbell buffer (controller thread; queues keep copies) */
    uint64_t dbbuf_dbs, dbbuf_eis;
    int dbbuf_on;
    uint32_t *dbs_host, *eis_host;  /* the two pages mapped, or NULL */
    emk_nvme_dbn dbn[2 * (EMK_NVME_MAX_QUEUES + 1)];

    /* enable / reset / shutdown */
    int resetting;          /* waiting for in-flight I/O before RDY=0
                               (controller writes, others load atomically) */
    int shutting_down;
    emk_bh state_bh;
    emk_bh event_bh;        /* flushes events posted on other threads */

    /* features */
    uint32_t arbitration, power_state, async_config, kato;
    uint16_t temp_over, temp_under;
    int vwc;
    int nq_set;
    uint32_t nq_dw0;
    uint8_t coal_thr, coal_time;
    uint8_t vec_cd[EMK_NVME_MAX_VECTORS]; /* coalescing disabled per vector */

    /* async events */
    struct emk_nvme_req *aer_reqs[EMK_NVME_AERS];
    unsigned naer;
    emk_nvme_event events[EMK_NVME_EVENTS];
    unsigned nevents;
    unsigned event_masked;  /* bit per event type awaiting its log read */

    /* logs */
    uint8_t errlog[EMK_NVME_ERROR_LOG][64];
    uint64_t error_count;
    uint64_t units_read, units_written, host_reads, host_writes;
    uint16_t temperature;   /* kelvin */

    emk_nvme_stats stats;
};

/** A controller (see struct emk_nvme above). */
typedef struct emk_nvme emk_nvme;

/** Fills opts with defaults (8 queues, 1024 entries, no optimisation,
 *  no namespaces). */
EMK_API void emk_nvme_options_default(emk_nvme_options *opts);

/** Initialises the caller-owned controller n on bus; its admin work runs
 *  in loop (NULL: the bus's main loop).  Opens the namespaces' backends.
 *  Returns 0, or -EINVAL for bad options or the backend's error (then
 *  nothing is left to clean up). */
EMK_API int emk_nvme_init(emk_nvme *n, const emk_nvme_options *opts,
                          emk_bus *bus, emk_loop *loop);

/** Resets the controller (queues torn down, in-flight I/O waited for in
 *  the queues' own loops) and releases what emk_nvme_init took (owned
 *  backends, notifiers).  Call it from the device loop's thread, or while
 *  that loop runs in a thread of its own; n's storage is the caller's. */
EMK_API void emk_nvme_cleanup(emk_nvme *n);

/** The device base (for DMA enable, statistics, ioeventfds). */
EMK_API emk_dev *emk_nvme_dev(emk_nvme *n);

/** The BAR0 register region (registers + doorbells). */
EMK_API emk_region *emk_nvme_bar0(emk_nvme *n);

/** Wires the controller's interrupts: vectors[0..nvec) are its message
 *  vectors (completion queue vector i raises vectors[i]); intx (may be
 *  NULL) is its pin, used while vectors[0] is not ready.  Kept by pointer:
 *  they must stay valid while the controller lives.  Call before the
 *  guest enables the controller.  Without it no interrupt is sent (a
 *  driver must poll). */
EMK_API void emk_nvme_set_irqs(emk_nvme *n, const emk_irq *vectors, unsigned nvec,
                       const emk_irq *intx);

/** Asks the controller to re-send interrupts for vectors with pending
 *  completions (a transport calls this when MSI-X gets enabled).  Any
 *  thread. */
EMK_API void emk_nvme_irq_resync(emk_nvme *n);

/** Controller-level reset (as a PCI function reset): like CC.EN 1->0. */
EMK_API void emk_nvme_reset(emk_nvme *n);

/** Parses an identifier written in hex (separators '-' and ':' allowed
 *  anywhere between digit pairs, e.g. a UUID "4f2c...-..." or an EUI-64
 *  "00:11:..") into exactly len bytes.  Returns 0, or -EINVAL if s is not
 *  2 * len hex digits. */
EMK_API int emk_nvme_parse_id(const char *s, uint8_t *out, unsigned len);

/** The controller's effective serial number (as Identify reports it). */
EMK_API const char *emk_nvme_serial(const emk_nvme *n);

/** The controller's effective SUBNQN. */
EMK_API const char *emk_nvme_subnqn(const emk_nvme *n);

/** Copies the statistics. */
EMK_API void emk_nvme_get_stats(emk_nvme *n, emk_nvme_stats *out);

/** The backend of namespace nsid (1-based), or NULL. */
EMK_API emk_blk *emk_nvme_ns_blk(emk_nvme *n, unsigned nsid);

/** Number of I/O commands submitted to backends and not yet completed. */
EMK_API unsigned emk_nvme_inflight(emk_nvme *n);

/** Prints a short human-readable state summary (for reports). */
EMK_API void emk_nvme_dump(emk_nvme *n, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
