/*
 * ctrl.c - controller lifetime and the public emk_nvme_ API: options,
 * caller-owned init and cleanup on a bus, interrupt objects, reset,
 * statistics, dump.
 */
#include <stdlib.h>
#include <time.h>

#include "nvme_int.h"

void emk_nvme_options_default(emk_nvme_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->max_queues = 8;
    opts->max_queue_entries = 1024;
}

static int options_ok(const emk_nvme_options *opts, const emk_bus *bus)
{
    unsigned i;

    if (!opts || !bus || opts->nns > EMK_NVME_MAX_NS ||
        opts->max_queues > EMK_NVME_MAX_QUEUES ||
        opts->niothreads > EMK_NVME_MAX_IOTHREADS ||
        (opts->max_queue_entries &&
         (opts->max_queue_entries < 2 || opts->max_queue_entries > 4096)) ||
        opts->msix_vectors > EMK_NVME_MAX_VECTORS)
        return 0;
    for (i = 0; i < opts->niothreads; i++)
        if (!opts->iothreads[i])
            return 0;
    return 1;
}

/* No two namespaces of a controller may share an NGUID, EUI-64 or UUID
 * (NVMe 1.4 7.10): set values are the caller's, so check them. */
static int ids_unique(const nvme_ctrl *n)
{
    unsigned i, j;

    for (i = 0; i < n->nns; i++)
        for (j = i + 1; j < n->nns; j++)
            if (!memcmp(n->ns[i].uuid, n->ns[j].uuid, EMK_NVME_UUID_LEN) ||
                !memcmp(n->ns[i].nguid, n->ns[j].nguid, EMK_NVME_NGUID_LEN) ||
                !memcmp(n->ns[i].eui64, n->ns[j].eui64, EMK_NVME_EUI64_LEN))
                return 0;
    return 1;
}

int emk_nvme_init(emk_nvme *n, const emk_nvme_options *opts, emk_bus *bus,
                  emk_loop *loop)
{
    unsigned i;
    int e;

    if (!n || !options_ok(opts, bus))
        return -EINVAL;
    memset(n, 0, sizeof(*n));
    n->opts = *opts;
    n->opts.path = NULL;                /* only read here */
    if (emk_nvme_ident_init(n, opts))
        return -EINVAL;
    n->max_queues = opts->max_queues ? opts->max_queues : 8;
    n->mqes = opts->max_queue_entries ? opts->max_queue_entries : 1024;
    n->vectors = opts->msix_vectors ? opts->msix_vectors : n->max_queues + 1;
    if (n->vectors > EMK_NVME_MAX_VECTORS)
        n->vectors = EMK_NVME_MAX_VECTORS;
    pthread_mutex_init(&n->irq_lock, NULL);
    pthread_mutex_init(&n->ev_lock, NULL);
    emk_dev_init(&n->dev, "nvme", bus, loop);
    emk_nvme_slots_init(n);
    e = emk_nvme_regs_init(n);
    for (i = 0; !e && i < opts->nns; i++) {
        e = emk_nvme_ns_open(n, i, &opts->ns[i]);
        if (!e)
            n->nns = i + 1;
    }
    if (!e && !ids_unique(n))
        e = -EINVAL;
    if (e)
        emk_nvme_cleanup(n);
    return e;
}

static void reset_fn(void *opaque)
{
    nvme_ctrl *n = opaque;

    n->cc = 0;
    emk_nvme_admin_release_parked(n);
    emk_nvme_ctrl_disable(n);
}

void emk_nvme_reset(emk_nvme *e)
{
    nvme_ctrl *n = (nvme_ctrl *)e;

    emk_loop_call(n->dev.loop, reset_fn, n);
}

static void free_fn(void *opaque)
{
    nvme_ctrl *n = opaque;

    emk_nvme_notifiers_off(n);
    emk_bh_cancel(&n->state_bh);
    emk_bh_cancel(&n->event_bh);
}

/* Waits for the reset to finish: in-flight commands end in their queues'
 * owners, and the controller thread deletes the queues.  The caller's
 * thread runs the device loop only if that loop is its own. */
static void wait_reset(nvme_ctrl *n)
{
    while (nvme_load_int(&n->resetting)) {
        if (emk_loop_in_thread(n->dev.loop)) {
            emk_loop_run_once(n->dev.loop, 1000000);
        } else {
            struct timespec ts = { 0, 100000 };
            nanosleep(&ts, NULL);
        }
    }
}

void emk_nvme_cleanup(emk_nvme *e)
{
    nvme_ctrl *n = (nvme_ctrl *)e;
    unsigned i;

    if (!n)
        return;
    emk_nvme_reset(e);
    wait_reset(n);
    emk_loop_call(n->dev.loop, free_fn, n);
    emk_nvme_slots_cleanup(n);
    for (i = 0; i < n->nns; i++)
        emk_nvme_ns_close(&n->ns[i]);
    n->nns = 0;
    pthread_mutex_destroy(&n->irq_lock);
    pthread_mutex_destroy(&n->ev_lock);
}

emk_dev *emk_nvme_dev(emk_nvme *e)
{
    return &((nvme_ctrl *)e)->dev;
}

emk_region *emk_nvme_bar0(emk_nvme *e)
{
    return &((nvme_ctrl *)e)->bar0;
}

void emk_nvme_set_irqs(emk_nvme *e, const emk_irq *vectors, unsigned nvec,
                       const emk_irq *intx)
{
    nvme_ctrl *n = (nvme_ctrl *)e;

    n->irq_vec = vectors;
    n->irq_nvec = vectors ? nvec : 0;
    n->irq_intx = intx;
}

/* Any thread (MSI-X table writes): each CQ is looked at by its owner. */
void emk_nvme_irq_resync(emk_nvme *e)
{
    nvme_ctrl *n = (nvme_ctrl *)e;
    unsigned i;

    for (i = 0; i <= n->max_queues; i++)
        if (nvme_load(&n->slot[i].cq_size))
            emk_nvme_slot_kick(&n->slot[i], NVME_SLOT_RESYNC);
    emk_nvme_irq_intx_update(n);
}

void emk_nvme_get_stats(emk_nvme *e, emk_nvme_stats *out)
{
    *out = ((nvme_ctrl *)e)->stats;
}

emk_blk *emk_nvme_ns_blk(emk_nvme *e, unsigned nsid)
{
    nvme_ns *ns = emk_nvme_ns_get((nvme_ctrl *)e, nsid);

    return ns ? ns->blk : NULL;
}

unsigned emk_nvme_inflight(emk_nvme *e)
{
    nvme_ctrl *n = (nvme_ctrl *)e;
    unsigned i, sum = 0;

    for (i = 1; i <= n->max_queues; i++)      /* slots: any thread */
        sum += nvme_load(&n->slot[i].inflight);
    return sum;
}

void emk_nvme_dump(emk_nvme *e, FILE *out)
{
    nvme_ctrl *n = (nvme_ctrl *)e;
    const emk_nvme_stats *s = &n->stats;
    unsigned i, nsq = 0;

    for (i = 1; i <= n->max_queues; i++)
        nsq += nvme_load(&n->slot[i].sq_size) != 0;
    fprintf(out, "nvme: CSTS.RDY=%u, %u I/O queue pair(s), %u namespace(s), "
            "shadow doorbells %s\n", nvme_load(&n->csts) & 1, nsq, n->nns,
            n->dbbuf_on ? "on" : "off");
    for (i = 0; i < n->nns; i++)
        fprintf(out, "  ns %u: %s, %llu x %u B\n", n->ns[i].nsid,
                emk_blk_kind(n->ns[i].blk),
                (unsigned long long)n->ns[i].nlbas, 1u << n->ns[i].lba_shift);
    fprintf(out, "  commands %llu, I/O completed %llu, errors %llu, "
            "interrupts %llu\n  MMIO doorbells %llu, notifier kicks %llu, "
            "shadow tail reads %llu\n",
            (unsigned long long)s->commands, (unsigned long long)s->io_completed,
            (unsigned long long)s->errors, (unsigned long long)s->interrupts,
            (unsigned long long)s->mmio_doorbells,
            (unsigned long long)s->notifier_kicks,
            (unsigned long long)s->shadow_reads);
}
