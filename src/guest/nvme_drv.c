/*
 * nvme_drv.c - the guest-side NVMe test driver (see nvme_drv.h).
 */
#include <string.h>
#include <sched.h>

#include "compat.h"
#include "emkit/guest/nvme_drv.h"

#define drv_fence() emk_smp_mb()

enum {
    DB = 0x1000, CC_EN = 1, PAGE = 4096,
    SPIN_LOCAL = 100000, SPIN_THREADED = 20000000
};

static void st32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static uint32_t ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

void emk_nvme_cmd_init(uint8_t cmd[64], uint8_t opcode, uint32_t nsid)
{
    memset(cmd, 0, 64);
    cmd[0] = opcode;
    st32(cmd + 4, nsid);
}

void emk_nvme_cmd_dw(uint8_t cmd[64], unsigned idx, uint32_t v)
{
    st32(cmd + 4 * idx, v);
}

void emk_nvme_cmd_dptr(uint8_t cmd[64], uint64_t prp1, uint64_t prp2)
{
    st32(cmd + 24, (uint32_t)prp1);
    st32(cmd + 28, (uint32_t)(prp1 >> 32));
    st32(cmd + 32, (uint32_t)prp2);
    st32(cmd + 36, (uint32_t)(prp2 >> 32));
}

void emk_nvme_cmd_rw(uint8_t cmd[64], uint8_t opcode, uint32_t nsid,
                     uint64_t slba, uint32_t nlb, uint64_t prp1, uint64_t prp2)
{
    emk_nvme_cmd_init(cmd, opcode, nsid);
    emk_nvme_cmd_dptr(cmd, prp1, prp2);
    emk_nvme_cmd_dw(cmd, 10, (uint32_t)slba);
    emk_nvme_cmd_dw(cmd, 11, (uint32_t)(slba >> 32));
    emk_nvme_cmd_dw(cmd, 12, nlb - 1);
}

static void pump(emk_nvme_drv *d)
{
    emk_tm_run_pending(d->tm, 64);
    if (d->opts.threaded)
        sched_yield();
}

/* How long to wait for the controller, in polls. */
static long spin_limit(const emk_nvme_drv *d)
{
    if (d->opts.max_polls)
        return (long)d->opts.max_polls;
    return d->opts.threaded ? SPIN_THREADED : SPIN_LOCAL;
}

static uint32_t rd32(emk_nvme_drv *d, uint64_t off)
{
    uint64_t v = 0;

    emk_tm_mmio_read(d->tm, d->bar + off, 4, &v);
    return (uint32_t)v;
}

static void wr32(emk_nvme_drv *d, uint64_t off, uint32_t v)
{
    emk_tm_mmio_write(d->tm, d->bar + off, 4, v);
}

static void wr64(emk_nvme_drv *d, uint64_t off, uint64_t v)
{
    wr32(d, off, (uint32_t)v);           /* lo_hi_writeq, as Linux does */
    wr32(d, off + 4, (uint32_t)(v >> 32));
}

static int wait_rdy(emk_nvme_drv *d, uint32_t want)
{
    long i;

    for (i = 0; i < spin_limit(d) / 10; i++) {
        uint32_t csts = rd32(d, 0x1c);
        if (csts == 0xffffffffu || (csts & 2))
            return -EIO;
        if ((csts & 1) == want)
            return 0;
        pump(d);
    }
    return -ETIMEDOUT;
}

static int need_event(uint16_t ev, uint16_t nw, uint16_t old)
{
    return (uint16_t)(nw - ev - 1) < (uint16_t)(nw - old);
}

/* Writes a doorbell value through the shadow buffer when on (I/O queues
 * only, as Linux), ringing MMIO only when EventIdx asks for it. */
static void doorbell(emk_nvme_drv *d, uint16_t qid, int is_cq, uint16_t val)
{
    unsigned idx = 2u * qid + (unsigned)is_cq;

    if (d->shadow_on && qid) {
        uint32_t *dbs = emk_tm_ram(d->tm, d->dbs_gpa, PAGE);
        uint32_t *eis = emk_tm_ram(d->tm, d->eis_gpa, PAGE);
        uint16_t ev, old = (uint16_t)dbs[idx];

        /* release: the SQ entries (or the reaped CQ entries) before the
         * shadow value, as a device on another thread reads them */
        emk_store_release_u32(&dbs[idx], (uint32_t)val);
        drv_fence();                     /* shadow before EventIdx read */
        ev = (uint16_t)emk_load_relaxed_u32(&eis[idx]);
        if (!need_event(ev, val, old)) {
            d->doorbells_saved++;
            return;
        }
    }
    d->mmio_doorbells++;
    wr32(d, DB + 4ull * idx, val);
}

int emk_nvme_drv_queue_cmd(emk_nvme_drv *d, emk_nvme_drv_q *q, uint8_t cmd[64])
{
    uint16_t cid;

    (void)d;
    if ((uint16_t)((q->sq_tail + 1) % q->size) == q->sq_head ||
        q->outstanding + 1 >= q->size)
        return -EBUSY;
    cid = q->next_cid++;
    cmd[2] = (uint8_t)cid;
    cmd[3] = (uint8_t)(cid >> 8);
    memcpy(q->sq + 64u * q->sq_tail, cmd, 64);
    q->sq_tail = (uint16_t)((q->sq_tail + 1) % q->size);
    q->outstanding++;
    return cid;
}

void emk_nvme_drv_ring(emk_nvme_drv *d, emk_nvme_drv_q *q)
{
    drv_fence();                         /* SQ entries before the doorbell */
    doorbell(d, q->qid, 0, q->sq_tail);
}

int emk_nvme_drv_reap(emk_nvme_drv *d, emk_nvme_drv_q *q, emk_nvme_cqe *out,
                      int max)
{
    int n = 0;

    pump(d);
    while (n < max) {
        uint8_t *e = q->cq + 16u * q->cq_head;
        uint32_t dw3 = emk_load_acquire_u32((uint32_t *)(void *)(e + 12));
        emk_nvme_cqe *c = &out[n];

        if ((int)((dw3 >> 16) & 1) != q->phase)
            break;
        drv_fence();
        c->dw0 = ld32(e);
        c->sq_head = (uint16_t)ld32(e + 8);
        c->sqid = (uint16_t)(ld32(e + 8) >> 16);
        c->cid = (uint16_t)dw3;
        c->status = (uint16_t)(((dw3 >> 17) & 0xff) | (((dw3 >> 25) & 7) << 8) |
                               ((dw3 >> 31) ? 0x4000 : 0));
        q->sq_head = c->sq_head;
        q->outstanding--;
        q->cq_head = (uint16_t)((q->cq_head + 1) % q->size);
        if (q->cq_head == 0)
            q->phase ^= 1;
        n++;
    }
    if (n)
        doorbell(d, q->qid, 1, q->cq_head);
    return n;
}

int emk_nvme_drv_exec(emk_nvme_drv *d, emk_nvme_drv_q *q, uint8_t cmd[64],
                      emk_nvme_cqe *cqe)
{
    long i, spins = spin_limit(d);
    int cid = emk_nvme_drv_queue_cmd(d, q, cmd);

    if (cid < 0)
        return cid;
    emk_nvme_drv_ring(d, q);
    for (i = 0; i < spins; i++) {
        emk_nvme_cqe c;
        if (emk_nvme_drv_reap(d, q, &c, 1) == 1) {
            if (c.cid == (uint16_t)cid) {
                *cqe = c;
                return 0;
            }
            /* another command's completion (e.g. an AER): drop it */
        }
    }
    return -ETIMEDOUT;
}

int emk_nvme_drv_prp(emk_nvme_drv *d, uint64_t gpa, uint64_t len,
                     uint64_t list_gpa, uint64_t *prp1, uint64_t *prp2)
{
    uint64_t first = PAGE - (gpa & (PAGE - 1)), next, i;
    uint8_t *list;

    *prp1 = gpa;
    *prp2 = 0;
    if (len <= first)
        return 0;
    next = gpa + first;
    if (len - first <= PAGE) {
        *prp2 = next;
        return 0;
    }
    if (!list_gpa)
        return -EINVAL;
    list = emk_tm_ram(d->tm, list_gpa, PAGE);
    if (!list)
        return -EFAULT;
    for (i = 0; next < gpa + len; i++, next += PAGE) {
        if (i == PAGE / 8)
            return -E2BIG;
        st32(list + 8 * i, (uint32_t)next);
        st32(list + 8 * i + 4, (uint32_t)(next >> 32));
    }
    *prp2 = list_gpa;
    return 0;
}

int emk_nvme_drv_io(emk_nvme_drv *d, emk_nvme_drv_q *q, uint8_t opcode,
                    uint32_t nsid, uint64_t slba, uint32_t nlb, uint64_t gpa,
                    uint64_t list_gpa)
{
    uint8_t cmd[64];
    uint64_t p1, p2;
    emk_nvme_cqe c;
    unsigned shift = nsid <= EMK_NVME_DRV_MAX_NS ? d->ns_lba_shift[nsid] : 9;
    int err;

    err = emk_nvme_drv_prp(d, gpa, (uint64_t)nlb << (shift ? shift : 9),
                           list_gpa, &p1, &p2);
    if (err)
        return err;
    emk_nvme_cmd_rw(cmd, opcode, nsid, slba, nlb, p1, p2);
    err = emk_nvme_drv_exec(d, q, cmd, &c);
    return err ? err : c.status;
}

static int admin(emk_nvme_drv *d, uint8_t cmd[64], emk_nvme_cqe *c)
{
    int err = emk_nvme_drv_exec(d, &d->admin, cmd, c);

    if (err)
        return err;
    return c->status ? -EIO : 0;
}

static int setup_q(emk_nvme_drv *d, emk_nvme_drv_q *q, uint16_t qid,
                   uint16_t size)
{
    memset(q, 0, sizeof(*q));
    q->qid = qid;
    q->size = size;
    q->vector = qid;
    q->phase = 1;
    q->sq_gpa = emk_tm_alloc(d->tm, 64ull * size, PAGE);
    q->cq_gpa = emk_tm_alloc(d->tm, 16ull * size, PAGE);
    if (!q->sq_gpa || !q->cq_gpa)
        return -ENOMEM;
    q->sq = emk_tm_ram(d->tm, q->sq_gpa, 64ull * size);
    q->cq = emk_tm_ram(d->tm, q->cq_gpa, 16ull * size);
    memset(q->cq, 0, 16u * size);
    return 0;
}

int emk_nvme_drv_disable(emk_nvme_drv *d)
{
    wr32(d, 0x14, rd32(d, 0x14) & ~(uint32_t)CC_EN);
    return wait_rdy(d, 0);
}

int emk_nvme_drv_init(emk_nvme_drv *d, emk_tm *tm, uint64_t bar,
                      const emk_nvme_drv_opts *opts)
{
    uint8_t cmd[64];
    emk_nvme_cqe c;
    unsigned i, nsq, qsize;
    uint64_t cap;
    int err;

    memset(d, 0, sizeof(*d));
    d->tm = tm;
    d->bar = bar;
    d->opts = *opts;
    if (opts->nioq > EMK_NVME_DRV_MAX_IOQ)
        return -EINVAL;
    cap = rd32(d, 0) | (uint64_t)rd32(d, 4) << 32;
    if (((cap >> 32) & 0xf) != 0)        /* DSTRD: this driver wants 4 */
        return -ENOTSUP;
    qsize = opts->qsize ? opts->qsize : 64;
    if (qsize > (cap & 0xffff) + 1)
        qsize = (unsigned)(cap & 0xffff) + 1;
    if ((err = emk_nvme_drv_disable(d)) != 0)
        return err;
    d->page_gpa = emk_tm_alloc(tm, PAGE, PAGE);
    if (!d->page_gpa || (err = setup_q(d, &d->admin, 0, 32)) != 0)
        return -ENOMEM;
    wr32(d, 0x24, (31u << 16) | 31u);    /* AQA */
    wr64(d, 0x28, d->admin.sq_gpa);
    wr64(d, 0x30, d->admin.cq_gpa);
    wr32(d, 0x14, CC_EN | (6u << 16) | (4u << 20));
    if ((err = wait_rdy(d, 1)) != 0)
        return err;

    emk_nvme_cmd_init(cmd, 0x06, 0);     /* Identify controller */
    emk_nvme_cmd_dptr(cmd, d->page_gpa, 0);
    emk_nvme_cmd_dw(cmd, 10, 1);
    if ((err = admin(d, cmd, &c)) != 0)
        return err;
    memcpy(d->id_ctrl, emk_tm_ram(tm, d->page_gpa, PAGE), PAGE);
    d->nns = ld32(d->id_ctrl + 516);
    for (i = 1; i <= d->nns && i <= EMK_NVME_DRV_MAX_NS; i++) {
        const uint8_t *ns;
        emk_nvme_cmd_init(cmd, 0x06, i);
        emk_nvme_cmd_dptr(cmd, d->page_gpa, 0);
        if ((err = admin(d, cmd, &c)) != 0)
            return err;
        ns = emk_tm_ram(tm, d->page_gpa, PAGE);
        d->ns_nlbas[i] = ld32(ns) | (uint64_t)ld32(ns + 4) << 32;
        d->ns_lba_shift[i] = (ld32(ns + 128 + 4 * (ns[26] & 0xf)) >> 16) & 0xff;
    }

    emk_nvme_cmd_init(cmd, 0x09, 0);     /* Set Features: Number of Queues */
    emk_nvme_cmd_dw(cmd, 10, 0x07);
    emk_nvme_cmd_dw(cmd, 11, ((opts->nioq - 1) << 16) | (opts->nioq - 1));
    if ((err = admin(d, cmd, &c)) != 0)
        return err;
    nsq = (c.dw0 & 0xffff) + 1;
    d->nioq = opts->nioq < nsq ? opts->nioq : nsq;

    if (opts->shadow && (d->id_ctrl[256] | d->id_ctrl[257] << 8) & 0x100) {
        d->dbs_gpa = emk_tm_alloc(tm, PAGE, PAGE);
        d->eis_gpa = emk_tm_alloc(tm, PAGE, PAGE);
        if (!d->dbs_gpa || !d->eis_gpa)
            return -ENOMEM;
        memset(emk_tm_ram(tm, d->dbs_gpa, PAGE), 0, PAGE);
        memset(emk_tm_ram(tm, d->eis_gpa, PAGE), 0, PAGE);
        emk_nvme_cmd_init(cmd, 0x7c, 0); /* Doorbell Buffer Config */
        emk_nvme_cmd_dptr(cmd, d->dbs_gpa, d->eis_gpa);
        if (admin(d, cmd, &c) == 0)
            d->shadow_on = 1;
    }

    for (i = 1; i <= d->nioq; i++) {
        emk_nvme_drv_q *q = &d->io[i - 1];
        if ((err = setup_q(d, q, (uint16_t)i, (uint16_t)qsize)) != 0)
            return err;
        emk_nvme_cmd_init(cmd, 0x05, 0); /* Create I/O CQ */
        emk_nvme_cmd_dptr(cmd, q->cq_gpa, 0);
        emk_nvme_cmd_dw(cmd, 10, ((qsize - 1) << 16) | i);
        emk_nvme_cmd_dw(cmd, 11, ((uint32_t)q->vector << 16) | 3);
        if ((err = admin(d, cmd, &c)) != 0)
            return err;
        emk_nvme_cmd_init(cmd, 0x01, 0); /* Create I/O SQ */
        emk_nvme_cmd_dptr(cmd, q->sq_gpa, 0);
        emk_nvme_cmd_dw(cmd, 10, ((qsize - 1) << 16) | i);
        emk_nvme_cmd_dw(cmd, 11, (i << 16) | 1);
        if ((err = admin(d, cmd, &c)) != 0)
            return err;
    }
    return 0;
}
