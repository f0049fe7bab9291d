/*
 * nvme_int.h - private structures and spec constants of the NVMe
 * controller (not installed, not included outside hw/nvme/).
 */
#ifndef EMKIT_NVME_INT_H
#define EMKIT_NVME_INT_H

#include <pthread.h>
#include <string.h>

#include "emkit/nvme.h"

#include "compat.h"

/* ---- atomics: thin names over src/compat.h ---- */
#define nvme_fence() emk_smp_mb()
#define nvme_load(p) emk_load_acquire_u32(p)
#define nvme_store(p, v) emk_store_release_u32((p), (v))
#define nvme_load_int(p) emk_load_acquire_int(p)
#define nvme_store_int(p, v) emk_store_release_int((p), (v))
#define nvme_inc(p) emk_fetch_add_u32((p), 1)
#define nvme_dec(p) emk_fetch_add_u32((p), UINT32_MAX)
#define nvme_stat(p, v) emk_fetch_add_u64((p), (v))

/* ---- registers (NVMe 1.4, 3.1) ---- */
enum {
    NVME_REG_CAP = 0x00, NVME_REG_VS = 0x08, NVME_REG_INTMS = 0x0c,
    NVME_REG_INTMC = 0x10, NVME_REG_CC = 0x14, NVME_REG_CSTS = 0x1c,
    NVME_REG_NSSR = 0x20, NVME_REG_AQA = 0x24, NVME_REG_ASQ = 0x28,
    NVME_REG_ACQ = 0x30,
    NVME_CC_EN = 1u << 0,
    NVME_CSTS_RDY = 1u << 0, NVME_CSTS_CFS = 1u << 1,
    NVME_SHST_NORMAL = 0, NVME_SHST_OCCURRING = 1, NVME_SHST_COMPLETE = 2,
    NVME_VERSION = 0x00010400,
    NVME_SQES = 6, NVME_CQES = 4
};

/* ---- opcodes ---- */
enum {
    NVME_ADM_DELETE_SQ = 0x00, NVME_ADM_CREATE_SQ = 0x01,
    NVME_ADM_GET_LOG = 0x02, NVME_ADM_DELETE_CQ = 0x04,
    NVME_ADM_CREATE_CQ = 0x05, NVME_ADM_IDENTIFY = 0x06,
    NVME_ADM_ABORT = 0x08, NVME_ADM_SET_FEATURES = 0x09,
    NVME_ADM_GET_FEATURES = 0x0a, NVME_ADM_AER = 0x0c,
    NVME_ADM_KEEP_ALIVE = 0x18, NVME_ADM_DBBUF = 0x7c,
    NVME_CMD_FLUSH = 0x00, NVME_CMD_WRITE = 0x01, NVME_CMD_READ = 0x02,
    NVME_CMD_COMPARE = 0x05, NVME_CMD_WRITE_ZEROES = 0x08,
    NVME_CMD_DSM = 0x09
};

/* ---- status: (SCT << 8) | SC, plus DNR ---- */
enum {
    NVME_SC_SUCCESS = 0x000, NVME_SC_INVALID_OPCODE = 0x001,
    NVME_SC_INVALID_FIELD = 0x002, NVME_SC_DATA_XFER_ERROR = 0x004,
    NVME_SC_INTERNAL = 0x006, NVME_SC_ABORT_REQ = 0x007,
    NVME_SC_ABORT_SQ_DEL = 0x008, NVME_SC_INVALID_NS = 0x00b,
    NVME_SC_CMD_SEQ_ERROR = 0x00c, NVME_SC_SGL_INVALID_SEG = 0x00d,
    NVME_SC_SGL_INVALID_COUNT = 0x00e, NVME_SC_SGL_INVALID_DATA = 0x00f,
    NVME_SC_SGL_INVALID_TYPE = 0x011, NVME_SC_PRP_INVALID_OFFSET = 0x013,
    NVME_SC_NS_WRITE_PROTECTED = 0x020,
    NVME_SC_LBA_RANGE = 0x080, NVME_SC_CAP_EXCEEDED = 0x081,
    NVME_SC_CQ_INVALID = 0x100, NVME_SC_QID_INVALID = 0x101,
    NVME_SC_QUEUE_SIZE = 0x102, NVME_SC_ABORT_LIMIT = 0x103,
    NVME_SC_AER_LIMIT = 0x105, NVME_SC_INVALID_VECTOR = 0x108,
    NVME_SC_INVALID_LOG_PAGE = 0x109, NVME_SC_INVALID_QUEUE_DELETION = 0x10c,
    NVME_SC_FEATURE_NOT_SAVEABLE = 0x10d,
    NVME_SC_WRITE_FAULT = 0x280, NVME_SC_READ_ERROR = 0x281,
    NVME_SC_COMPARE_FAILED = 0x285,
    NVME_SC_DNR = 0x4000
};

/* ---- features ---- */
enum {
    NVME_FEAT_ARBITRATION = 0x01, NVME_FEAT_POWER_MGMT = 0x02,
    NVME_FEAT_TEMP_THRESH = 0x04, NVME_FEAT_VWC = 0x06,
    NVME_FEAT_NUM_QUEUES = 0x07, NVME_FEAT_IRQ_COALESCE = 0x08,
    NVME_FEAT_IRQ_CONFIG = 0x09, NVME_FEAT_ASYNC_EVENT = 0x0b,
    NVME_FEAT_KATO = 0x0f
};

/* ---- async events ---- */
enum {
    NVME_AER_TYPE_ERROR = 0, NVME_AER_TYPE_SMART = 1,
    NVME_AER_INFO_INVALID_DB_REG = 0, NVME_AER_INFO_INVALID_DB_VALUE = 1,
    NVME_AER_INFO_SMART_TEMP = 1,
    NVME_LOG_ERROR = 1, NVME_LOG_SMART = 2, NVME_LOG_FW_SLOT = 3,
    NVME_AERL = EMK_NVME_AERS - 1,
    NVME_ERROR_LOG_ENTRIES = EMK_NVME_ERROR_LOG,
    NVME_MAX_EVENTS = EMK_NVME_EVENTS
};

enum {
    NVME_ABORTS = 4,        /* Abort Command Limit (ACL) + 1 */
    NVME_MAX_SGE = 64,      /* segments of one request */
    NVME_MAX_SGL_DESC = 256 /* descriptors walked for one command */
};

/** A 64-byte submission queue entry, decoded to host order. */
typedef struct nvme_cmd {
    uint8_t opcode;
    uint8_t flags;          /* FUSE bits 1:0, PSDT bits 7:6 */
    uint16_t cid;
    uint32_t nsid;
    uint64_t mptr;
    uint64_t prp1, prp2;    /* or SGL1: addr = prp1, len/type in prp2 */
    uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
    uint8_t raw[64];
} nvme_cmd;

struct emk_nvme_sq;

/** One 32-bit word of the shadow doorbell or EventIdx buffer: its guest
 *  address (0: none) and, while the page is mapped, its host address. */
typedef struct nvme_shw {
    uint64_t addr;
    uint32_t *host;
} nvme_shw;
struct emk_nvme_cq;

/** One command in flight; storage belongs to its SQ. */
typedef struct emk_nvme_req {
    struct emk_nvme_sq *sq;
    nvme_cmd cmd;
    uint16_t status;
    uint32_t dw0;
    emk_nvme_ns *ns;
    uint64_t slba;          /* for error log / compare */
    uint64_t nbytes;
    int mapped;             /* iov came from emk_dma_sg_map */
    int niov;
    unsigned step;          /* multi-step commands (DSM ranges, flush all) */
    int uses_scratch;
    emk_blk_req breq;
    emk_sglist sgl;
    emk_sg_entry sge[NVME_MAX_SGE];
    struct iovec iov[NVME_MAX_SGE];
    struct emk_nvme_req *next;  /* free list / CQ backlog */
} nvme_req;

/*
 * Threads and owners (docs/architecture.md, "Threads and owners").
 *   controller thread  the device loop (n->dev.loop): registers, admin
 *                      queue pair, features, logs, events, the shadow
 *                      buffer mapping, queue creation/deletion decisions.
 *   queue owner        emk_nvme_queue_loop(n, qid) for queue pair qid: the only
 *                      thread that creates, processes, publishes and frees
 *                      n->sq[qid] / n->cq[qid].  The controller asks it
 *                      with emk_loop_call and waits.
 *   any thread         MMIO (vCPU) writes only the qid's nvme_qslot
 *                      (atomics) and kicks its bottom half, or runs the
 *                      owner's code itself when emk_loop_in_thread says it
 *                      may act as the owner.
 * Shared with locks: a CQ is posted to by the SQs bound to it (cq->lock);
 * a request of SQ s may be freed by CQ c's owner (backlog drain) under
 * c->lock, which also guards s->free, s->stalled and s->dead.
 */

/** A completion queue.  Owner: its slot's loop.  Posting is guarded by
 *  lock (SQs on other threads may share it). */
typedef struct emk_nvme_cq {
    struct emk_nvme *n;
    uint16_t qid;
    uint16_t size;
    uint16_t vector;
    int ien;
    uint64_t base;
    emk_loop *loop;
    pthread_mutex_t lock;
    uint32_t head, tail;
    int phase;
    unsigned nsq;           /* SQs bound to it */
    nvme_req *backlog, *backlog_tail; /* completions waiting for room */
    nvme_shw db, ei;        /* shadow head / EventIdx (lock) */
    unsigned irq_pending;   /* entries since the last interrupt */
    int timer_armed;
    int timer_want;
    int fire_want;          /* an interrupt is due at the end of the batch */
    uint32_t signalled;     /* tail when the last interrupt was sent */
    int64_t arm_ns;         /* hold time of the armed timer */
    int burst;              /* last fetch of a bound SQ brought >1 command */
    emk_timer timer;
    emk_bh irq_bh;
    emk_bh fire_bh;         /* sends it: one per batch of completions */
} nvme_cq;

/** A submission queue.  Owner: its slot's loop, the only thread that
 *  fetches from it. */
typedef struct emk_nvme_sq {
    struct emk_nvme *n;
    uint16_t qid;
    uint16_t size;
    uint64_t base;
    nvme_cq *cq;
    emk_loop *loop;
    uint32_t head;
    int dead;               /* deleted/reset: fetch nothing more (set
                               under cq->lock, read atomically) */
    int stalled;            /* out of request slots (cq->lock) */
    uint32_t *inflight;     /* slots in use: the slot's counter */
    nvme_req *reqs;
    nvme_req *free;         /* guarded by cq->lock */
    uint8_t *scratch;       /* 2 x MAX_XFER for compare and DSM (I/O SQs) */
    int scratch_busy;
    nvme_shw db, ei;        /* shadow tail / EventIdx */
    emk_bh bh;
    /* polling */
    int polling;
    int64_t poll_start, poll_window;
    nvme_req *delete_req;   /* Delete SQ waiting for in-flight commands
                               (controller thread only) */
    uint16_t abort_cid[NVME_ABORTS]; /* not yet fetched, to abort (owner) */
    unsigned nabort;
} nvme_sq;

/** Work a queue slot's bottom half hands to the owner (OR-ed). */
enum { NVME_SLOT_SQ = 1, NVME_SLOT_CQ = 2, NVME_SLOT_RESYNC = 4 };

/* The controller and its per-qid state are public (emkit/nvme.h: a
 * caller-owned struct); their fields are private to hw/nvme/. */
typedef struct emk_nvme nvme_ctrl;
typedef emk_nvme_qslot nvme_qslot;
typedef emk_nvme_ns nvme_ns;
typedef emk_nvme_dbn nvme_dbn;
typedef emk_nvme_event nvme_event;

/* The controller cannot go on (e.g. a queue cannot be read): CSTS.CFS. */
static inline void nvme_ctrl_fatal(nvme_ctrl *n)
{
    nvme_store(&n->csts, n->csts | NVME_CSTS_CFS);
}

static inline int nvme_ready(const nvme_ctrl *n)
{
    return (nvme_load(&n->csts) & NVME_CSTS_RDY) &&
           !nvme_load_int(&n->resetting);
}

/* regs.c */
int emk_nvme_regs_init(nvme_ctrl *n);
void emk_nvme_ctrl_disable(nvme_ctrl *n);

/* queues.c: every function runs in the controller thread and hands the
 * queue's part to its owner */
void emk_nvme_slots_init(nvme_ctrl *n);
void emk_nvme_slots_cleanup(nvme_ctrl *n);
int emk_nvme_cq_create(nvme_ctrl *n, uint16_t qid, uint64_t base, uint16_t size,
                   uint16_t vector, int ien);
int emk_nvme_sq_create(nvme_ctrl *n, uint16_t qid, uint64_t base, uint16_t size,
                   nvme_cq *cq);
void emk_nvme_cq_destroy(nvme_cq *cq);
void emk_nvme_sq_kill(nvme_sq *sq);
int emk_nvme_sq_idle(nvme_sq *sq);
void emk_nvme_sq_destroy(nvme_sq *sq);
void emk_nvme_queues_set_shadow(nvme_ctrl *n);
emk_loop *emk_nvme_queue_loop(nvme_ctrl *n, unsigned qid);

/* doorbell.c: MMIO doorbells into slots, slot bottom halves, notifiers */
void emk_nvme_doorbell_write(nvme_ctrl *n, uint64_t off, uint32_t val);
void emk_nvme_slot_kick(nvme_qslot *s, unsigned work);
void emk_nvme_slot_bh(void *opaque);
int emk_nvme_queue_notifiers_on(nvme_ctrl *n, unsigned qid);
void emk_nvme_dbn_update(nvme_ctrl *n, unsigned qid, int is_cq);
void emk_nvme_notifiers_off(nvme_ctrl *n);

/* shadow.c */
int emk_nvme_shadow_config(nvme_ctrl *n, uint64_t dbs, uint64_t eis);
void emk_nvme_shadow_off(nvme_ctrl *n);
void emk_nvme_shw_set(nvme_ctrl *n, nvme_shw *w, uint64_t addr);
uint32_t emk_nvme_shw_ld(nvme_ctrl *n, const nvme_shw *w);
void emk_nvme_shw_st(nvme_ctrl *n, const nvme_shw *w, uint32_t v);

/* submit.c, complete.c (queue owners; CQ posting under cq->lock) */
void emk_nvme_sq_process(nvme_sq *sq);
void emk_nvme_sq_bh(void *opaque);
void emk_nvme_complete(nvme_req *r);
void emk_nvme_cq_head_update(nvme_cq *cq, uint32_t head);
void emk_nvme_cq_drop_backlog(nvme_cq *cq);
void emk_nvme_req_release(nvme_req *r);
void emk_nvme_deletions_check(nvme_ctrl *n);

/* abort.c (Abort runs in the controller thread, the mark is taken by the
 * SQ's owner when it fetches the command) */
uint16_t emk_nvme_abort(nvme_req *r);
int emk_nvme_abort_take(nvme_sq *sq, uint16_t cid);
uint32_t emk_nvme_sq_tail(nvme_sq *sq);

/* poll.c */
int emk_nvme_poll_continue(nvme_sq *sq, int found);
void emk_nvme_poll_stop(nvme_sq *sq);

/* coalesce.c */
enum { NVME_IRQ_NONE, NVME_IRQ_FIRE, NVME_IRQ_INTX, NVME_IRQ_ARM,
       NVME_IRQ_BATCH };
int emk_nvme_cq_irq_decide_locked(nvme_cq *cq);
void emk_nvme_cq_irq_act(nvme_cq *cq, int action, int same_thread);
void emk_nvme_cq_irq_fire(nvme_cq *cq);
void emk_nvme_irq_intx_update(nvme_ctrl *n);
void emk_nvme_cq_irq_timer(void *opaque);
void emk_nvme_cq_irq_bh(void *opaque);
void emk_nvme_cq_fire_bh(void *opaque);

/* admin.c, identify.c, features.c, log.c */
void emk_nvme_admin_exec(nvme_req *r);
uint16_t emk_nvme_identify(nvme_req *r);
uint16_t emk_nvme_set_features(nvme_req *r);
uint16_t emk_nvme_get_features(nvme_req *r);
uint16_t emk_nvme_get_log(nvme_req *r);
void emk_nvme_error_log_add(nvme_ctrl *n, const nvme_req *r, uint16_t status);
void emk_nvme_event_post(nvme_ctrl *n, uint8_t type, uint8_t info, uint8_t log);
void emk_nvme_event_flush(nvme_ctrl *n);
void emk_nvme_event_bh(void *opaque);
uint16_t emk_nvme_aer(nvme_req *r);
uint16_t emk_nvme_xfer_to_host(nvme_req *r, const void *buf, uint64_t len);
void emk_nvme_admin_release_parked(nvme_ctrl *n);

enum { NVME_PARKED = 0xffff };

/* io.c */
void emk_nvme_io_exec(nvme_req *r);

/* prp.c, sgl.c */
uint16_t emk_nvme_map_prp(nvme_ctrl *n, emk_sglist *l, uint64_t prp1,
                      uint64_t prp2, uint64_t len);
uint16_t emk_nvme_map_sgl(nvme_ctrl *n, emk_sglist *l, const uint8_t *sgl1,
                      uint64_t len);
uint16_t emk_nvme_map_data(nvme_req *r, uint64_t len, int allow_sgl);

/* ident.c */
int emk_nvme_ident_init(nvme_ctrl *n, const emk_nvme_options *o);
void emk_nvme_ns_ident(nvme_ctrl *n, nvme_ns *ns, const emk_nvme_ns_config *c);

/* ns.c */
int emk_nvme_ns_open(nvme_ctrl *n, unsigned idx, const emk_nvme_ns_config *c);
void emk_nvme_ns_close(nvme_ns *ns);
nvme_ns *emk_nvme_ns_get(nvme_ctrl *n, uint32_t nsid);

#endif
