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
    EMK_NVME_DB_BASE = 0x1000
};

/** One namespace.  Give either an open backend (blk, not owned) or a
 *  backend spec ("ram:64M", "file:/path", opened and owned). */
typedef struct emk_nvme_ns_config {
    emk_blk *blk;
    const char *backend;
    unsigned lba_shift;            /**< 9 (512 B) or 12 (4 KiB); 0: 9 */
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
    const char *serial;            /**< NULL: "EMK0001" */
    const char *model;             /**< NULL: "emkit NVMe" */
} emk_nvme_options;

typedef struct emk_nvme emk_nvme;

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

/** Fills opts with defaults (8 queues, 1024 entries, no optimisation,
 *  no namespaces). */
EMK_API void emk_nvme_options_default(emk_nvme_options *opts);

/** Creates a controller on bus; its admin work runs in loop (NULL: the
 *  bus's main loop).  Opens the namespaces' backends.  Returns NULL and
 *  *err (-EINVAL for bad options, or the backend's error). */
EMK_API emk_nvme *emk_nvme_new(const emk_nvme_options *opts, emk_bus *bus,
                       emk_loop *loop, int *err);

/** Resets the controller (queues torn down, waits for in-flight I/O),
 *  then frees it and closes owned backends. */
EMK_API void emk_nvme_free(emk_nvme *n);

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
