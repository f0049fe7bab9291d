/*
 * fuzz_nvme_mt.c - two-thread libFuzzer target for the NVMe controller's
 * threading model: one thread replays a fuzzer-chosen schedule of
 * doorbell, register and MSI-X accesses (a second vCPU) while this thread
 * runs a fuzzer-chosen sequence of admin commands - queue deletion and
 * creation, Doorbell Buffer Config, resets - and I/O.  The loop placement
 * (controller loop here or in an iothread, I/O queues on 0-2 iothreads)
 * and the doorbell options come from the first byte.  Under ASan+UBSan a
 * use-after-free or double free anywhere fails the run.
 *
 * Every input gets a fresh machine, controller and threads.  The
 * interleaving of the two threads is not part of the input, so a crash
 * reproduces with a probability, not always: replay it with -runs=100.
 *
 * Input: flags:u8, alen:u8, then alen admin ops of 2 bytes (op, arg),
 * then the rest as the doorbell schedule, 3 bytes a step (op, a, b):
 *   admin op % 8:  0 Delete SQ arg%3   1 Delete CQ arg%3
 *                  2 Create CQ arg%3   3 Create SQ arg%3 (on CQ arg%3)
 *                  4 Doorbell Buffer Config (arg bit 0: non-RAM page)
 *                  5 reset and re-initialise   6 Write on queue arg%3
 *                  7 Get Features
 *   doorbell op % 6: 0 SQ tail a%3 := b   1 CQ head a%3 := b
 *                  2 read CSTS   3 MSI-X resync   4 shadow SQ tail a%3 := b
 *                  5 yield b%4 times
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "emkit/testmachine.h"
#include "emkit/loop.h"
#include "emkit/nvme.h"
#include "emkit/guest/nvme_drv.h"

enum { FZ_BAR = 0x40000000, FZ_DB = 0x1000, FZ_QS = 16, FZ_SPINS = 3000 };

typedef struct fz {
    emk_tm *tm;
    emk_nvme nvme;
    emk_nvme *n;
    emk_nvme_drv d;
    emk_nvme_drv_opts dopts;
    uint64_t buf, dbs, eis;
    emk_irq vec[EMK_NVME_MAX_VECTORS];
    const uint8_t *sched;
    size_t nsched;
    int done;                 /* the doorbell thread finished */
} fz;

static void wr32(fz *f, uint64_t off, uint32_t v)
{
    emk_tm_mmio_write(f->tm, FZ_BAR + off, 4, v);
}

static void *doorbells(void *arg)
{
    fz *f = arg;
    size_t i;

    for (i = 0; i + 3 <= f->nsched; i += 3) {
        unsigned op = f->sched[i] % 6, q = f->sched[i + 1] % 3, v = f->sched[i + 2];
        uint64_t csts;

        switch (op) {
        case 0: wr32(f, FZ_DB + 8ull * q, v % (FZ_QS + 2)); break;
        case 1: wr32(f, FZ_DB + 8ull * q + 4, v % (FZ_QS + 2)); break;
        case 2: emk_tm_mmio_read(f->tm, FZ_BAR + 0x1c, 4, &csts); break;
        case 3: emk_nvme_irq_resync(f->n); break;
        case 4: {
            uint32_t *p = (uint32_t *)(void *)emk_tm_ram(f->tm, f->dbs + 8ull * q, 4);
            if (p)
                __atomic_store_n(p, v % FZ_QS, __ATOMIC_RELEASE);
            break;
        }
        default: {
            unsigned k;
            for (k = 0; k < v % 4; k++)
                sched_yield();
            break;
        }
        }
    }
    __atomic_store_n(&f->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* Submits one admin command and waits a bounded time for it (it may be
 * lost on purpose: its queue deleted, a reset). */
static void admin_cmd(fz *f, uint8_t op, uint32_t c10, uint32_t c11,
                      uint64_t prp1, uint64_t prp2)
{
    uint8_t cmd[64];
    emk_nvme_cqe c;
    int i;

    emk_nvme_cmd_init(cmd, op, 0);
    emk_nvme_cmd_dptr(cmd, prp1, prp2);
    emk_nvme_cmd_dw(cmd, 10, c10);
    emk_nvme_cmd_dw(cmd, 11, c11);
    if (emk_nvme_drv_queue_cmd(&f->d, &f->d.admin, cmd) < 0)
        return;
    emk_nvme_drv_ring(&f->d, &f->d.admin);
    for (i = 0; i < FZ_SPINS && emk_nvme_drv_reap(&f->d, &f->d.admin, &c, 1) == 0; i++)
        sched_yield();
}

static void admin_op(fz *f, unsigned op, unsigned arg)
{
    unsigned q = arg % 3 ? arg % 3 : 1;
    emk_nvme_drv_q *dq = &f->d.io[(q - 1) % 2];
    uint8_t cmd[64];
    emk_nvme_cqe c;
    int i;

    if (f->d.admin.size == 0 || dq->size == 0)
        return;                   /* a re-initialisation failed: stop */
    switch (op % 8) {
    case 0: admin_cmd(f, 0x00, q, 0, 0, 0); break;
    case 1: admin_cmd(f, 0x04, q, 0, 0, 0); break;
    case 2:
        admin_cmd(f, 0x05, ((FZ_QS - 1u) << 16) | q, (q << 16) | 3, dq->cq_gpa, 0);
        break;
    case 3:
        admin_cmd(f, 0x01, ((FZ_QS - 1u) << 16) | q, (q << 16) | 1, dq->sq_gpa, 0);
        break;
    case 4:
        admin_cmd(f, 0x7c, 0, 0, arg & 1 ? FZ_BAR : f->dbs, f->eis);
        break;
    case 5:
        (void)emk_nvme_drv_init(&f->d, f->tm, FZ_BAR, &f->dopts);
        break;
    case 6:
        emk_nvme_cmd_rw(cmd, 0x01, 1, arg, 1, f->buf, 0);
        if (emk_nvme_drv_queue_cmd(&f->d, dq, cmd) < 0)
            break;
        emk_nvme_drv_ring(&f->d, dq);
        for (i = 0; i < FZ_SPINS / 10 && emk_nvme_drv_reap(&f->d, dq, &c, 1) == 0; i++)
            sched_yield();
        break;
    default:
        admin_cmd(f, 0x0a, 0x07, 0, 0, 0);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    emk_tm_config cfg;
    emk_nvme_options o;
    emk_iothread *it[3] = { NULL, NULL, NULL };
    emk_loop *dev_loop = NULL;
    emk_bus *bus;
    pthread_t th;
    fz f;
    unsigned flags, alen, i, nio;
    int err = 0;

    if (size < 2)
        return 0;
    flags = data[0];
    alen = data[1];
    if (size < 2 + 2ull * alen)
        alen = (unsigned)((size - 2) / 2);
    memset(&f, 0, sizeof(f));
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_size = 1u << 20;
    f.tm = emk_tm_new(&cfg, &err);
    if (!f.tm)
        return 0;
    emk_nvme_options_default(&o);
    o.max_queues = 2;
    o.max_queue_entries = 64;
    o.nns = 1;
    o.ns[0].backend = "ram:256K";
    o.shadow_doorbells = (flags >> 3) & 1;
    o.notifier_doorbells = (flags >> 4) & 1;
    nio = (flags >> 1) & 3;
    nio = nio > 2 ? 2 : nio;
    for (i = 0; i < nio; i++) {
        it[i] = emk_iothread_start("fz-io", NULL, &err);
        if (!it[i])
            goto out;
        o.iothreads[i] = emk_iothread_loop(it[i]);
    }
    o.niothreads = nio;
    if (flags & 1) {
        it[2] = emk_iothread_start("fz-dev", NULL, &err);
        if (!it[2])
            goto out;
        dev_loop = emk_iothread_loop(it[2]);
    }
    if (emk_nvme_init(&f.nvme, &o, emk_tm_bus(f.tm), dev_loop) != 0)
        goto out;
    f.n = &f.nvme;
    emk_irq_init_msis(f.vec, EMK_NVME_MAX_VECTORS, "nvme-msi",
                      emk_nvme_dev(f.n), 0xfee00000u, 0);
    emk_nvme_set_irqs(f.n, f.vec, EMK_NVME_MAX_VECTORS, NULL);
    bus = emk_tm_bus(f.tm);
    emk_bus_map_region(bus, emk_nvme_bar0(f.n), FZ_BAR);
    f.dopts.nioq = 2;
    f.dopts.qsize = FZ_QS;
    f.dopts.shadow = (flags >> 5) & 1;
    f.dopts.threaded = 1;
    f.dopts.max_polls = 20000;    /* a lost command costs milliseconds */
    f.buf = emk_tm_alloc(f.tm, 4096, 4096);
    f.dbs = emk_tm_alloc(f.tm, 4096, 4096);
    f.eis = emk_tm_alloc(f.tm, 4096, 4096);
    if (emk_nvme_drv_init(&f.d, f.tm, FZ_BAR, &f.dopts) == 0) {
        f.sched = data + 2 + 2 * alen;
        f.nsched = size - 2 - 2 * alen;
        if (pthread_create(&th, NULL, doorbells, &f) == 0) {
            for (i = 0; i < alen; i++)
                admin_op(&f, data[2 + 2 * i], data[3 + 2 * i]);
            /* keep the machine's loop running: the other thread's
             * register reads wait for it when the controller lives here */
            while (!__atomic_load_n(&f.done, __ATOMIC_ACQUIRE)) {
                emk_tm_run_pending(f.tm, 16);
                sched_yield();
            }
            pthread_join(th, NULL);
        }
    }
    emk_nvme_reset(f.n);
    emk_tm_run_pending(f.tm, 64);
    emk_bus_unmap_region(bus, emk_nvme_bar0(f.n));
    emk_nvme_cleanup(f.n);
out:
    for (i = 0; i < 3; i++)
        if (it[i])
            emk_iothread_stop(it[i]);
    emk_tm_free(f.tm);
    return 0;
}
