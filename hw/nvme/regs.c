/*
 * regs.c - the BAR0 register file (NVMe 1.4 section 3.1): CAP, VS,
 * INTMS/INTMC, CC, CSTS, AQA/ASQ/ACQ; controller enable, disable (reset
 * with outstanding I/O drained before CSTS.RDY drops) and shutdown.
 */
#include "nvme_int.h"
#include "trace_int.h"

static uint32_t reg_read32(nvme_ctrl *n, uint64_t off)
{
    switch (off) {
    case NVME_REG_CAP: return (uint32_t)n->cap;
    case NVME_REG_CAP + 4: return (uint32_t)(n->cap >> 32);
    case NVME_REG_VS: return NVME_VERSION;
    case NVME_REG_INTMS:
    case NVME_REG_INTMC: return n->intms;
    case NVME_REG_CC: return n->cc;
    case NVME_REG_CSTS: return nvme_load(&n->csts);
    case NVME_REG_AQA: return n->aqa;
    case NVME_REG_ASQ: return (uint32_t)n->asq;
    case NVME_REG_ASQ + 4: return (uint32_t)(n->asq >> 32);
    case NVME_REG_ACQ: return (uint32_t)n->acq;
    case NVME_REG_ACQ + 4: return (uint32_t)(n->acq >> 32);
    default: return 0;   /* reserved, CMB/PMR absent, doorbells read 0 */
    }
}

static emk_trace_event ev_state = EMK_TRACE_EVENT_INIT("nvme_state");

static void ctrl_enable(nvme_ctrl *n)
{
    uint32_t cc = n->cc;
    unsigned asqs = (n->aqa & 0xfff) + 1, acqs = ((n->aqa >> 16) & 0xfff) + 1;
    int err;

    if (n->resetting || (n->csts & NVME_CSTS_RDY))
        return;
    if (((cc >> 7) & 0xf) != 0 ||      /* MPS: only 4 KiB */
        ((cc >> 4) & 0x7) != 0 ||      /* CSS: NVM command set */
        ((cc >> 11) & 0x7) != 0 ||     /* AMS: round robin */
        asqs < 2 || acqs < 2 || asqs > n->mqes || acqs > n->mqes) {
        nvme_store(&n->csts, n->csts | NVME_CSTS_CFS);
        return;
    }
    err = emk_nvme_cq_create(n, 0, n->acq, (uint16_t)acqs, 0, 1);
    if (err == 0)
        err = emk_nvme_sq_create(n, 0, n->asq, (uint16_t)asqs, n->cq[0]);
    if (err) {
        if (n->cq[0])
            emk_nvme_cq_destroy(n->cq[0]);
        nvme_store(&n->csts, n->csts | NVME_CSTS_CFS);
        return;
    }
    nvme_store(&n->csts, NVME_CSTS_RDY);
    EMK_TRACE(ev_state, "enabled: admin sq %u cq %u entries", asqs, acqs);
}

static int all_drained(nvme_ctrl *n)
{
    unsigned i;

    for (i = 0; i <= n->max_queues; i++)
        if (n->sq[i] && !emk_nvme_sq_idle(n->sq[i]))
            return 0;
    return 1;
}

static void features_default(nvme_ctrl *n)
{
    n->arbitration = 0;
    n->power_state = 0;
    n->async_config = 0;
    n->kato = 0;
    n->temp_over = 343;
    n->temp_under = 0;
    n->vwc = 1;
    n->nq_set = 0;
    n->nq_dw0 = ((n->max_queues - 1) << 16) | (n->max_queues - 1);
    n->coal_thr = 0;
    n->coal_time = 0;
    memset(n->vec_cd, 0, sizeof(n->vec_cd));
    pthread_mutex_lock(&n->ev_lock);       /* events come from any thread */
    n->naer = 0;
    n->nevents = 0;
    n->event_masked = 0;
    pthread_mutex_unlock(&n->ev_lock);
}

static void finish_reset(nvme_ctrl *n)
{
    unsigned i;

    for (i = 0; i <= n->max_queues; i++)
        if (n->sq[i])
            emk_nvme_sq_destroy(n->sq[i]);
    for (i = 0; i <= n->max_queues; i++)
        if (n->cq[i])
            emk_nvme_cq_destroy(n->cq[i]);
    emk_nvme_notifiers_off(n);
    emk_nvme_shadow_off(n);
    features_default(n);
    nvme_store_int(&n->resetting, 0);
    emk_nvme_irq_intx_update(n);
    nvme_store(&n->csts, 0);
    EMK_TRACE(ev_state, "reset done%s", "");
}

static void state_bh(void *opaque)
{
    nvme_ctrl *n = opaque;

    emk_nvme_deletions_check(n);
    if (!all_drained(n)) {
        emk_bh_schedule(&n->state_bh);    /* poll until the backends finish */
        return;
    }
    if (n->resetting)
        finish_reset(n);
    if (n->shutting_down) {
        n->shutting_down = 0;
        nvme_store(&n->csts, (n->csts & ~(3u << 2)) |
                   ((uint32_t)NVME_SHST_COMPLETE << 2));
    }
}

void emk_nvme_ctrl_disable(nvme_ctrl *n)
{
    unsigned i;

    nvme_store_int(&n->resetting, 1);
    for (i = 0; i <= n->max_queues; i++)
        if (n->sq[i])
            emk_nvme_sq_kill(n->sq[i]);
    for (i = 0; i <= n->max_queues; i++)
        if (n->cq[i])
            emk_nvme_cq_drop_backlog(n->cq[i]);
    if (all_drained(n))
        finish_reset(n);
    else
        emk_bh_schedule(&n->state_bh);
}

static void ctrl_shutdown(nvme_ctrl *n)
{
    nvme_store(&n->csts, (n->csts & ~(3u << 2)) |
               ((uint32_t)NVME_SHST_OCCURRING << 2));
    n->shutting_down = 1;
    state_bh(n);
}

static void write_cc(nvme_ctrl *n, uint32_t v)
{
    uint32_t old = n->cc;
    uint32_t shn = (v >> 14) & 3, oldshn = (old >> 14) & 3;

    if (!(old & NVME_CC_EN) && (v & NVME_CC_EN)) {
        n->cc = v;
        ctrl_enable(n);
    } else if ((old & NVME_CC_EN) && !(v & NVME_CC_EN)) {
        n->cc = v;
        emk_nvme_ctrl_disable(n);
    } else if (old & NVME_CC_EN) {
        /* only SHN may change while enabled */
        n->cc = (old & ~(3u << 14)) | (shn << 14);
    } else {
        n->cc = v;
    }
    if (shn && !oldshn && (n->cc & NVME_CC_EN))
        ctrl_shutdown(n);
    else if (!shn && oldshn)
        nvme_store(&n->csts, n->csts & ~(3u << 2));
}

static void reg_write32(nvme_ctrl *n, uint64_t off, uint32_t v)
{
    int enabled = (n->cc & NVME_CC_EN) != 0;

    switch (off) {
    case NVME_REG_INTMS:
        n->intms |= v;
        emk_nvme_irq_intx_update(n);
        break;
    case NVME_REG_INTMC:
        n->intms &= ~v;
        emk_nvme_irq_intx_update(n);
        break;
    case NVME_REG_CC:
        if ((n->cc & NVME_CC_EN) && !(v & NVME_CC_EN))
            emk_nvme_admin_release_parked(n);
        write_cc(n, v);
        break;
    case NVME_REG_AQA:
        if (!enabled)
            n->aqa = v & 0x0fff0fff;
        break;
    case NVME_REG_ASQ:
        if (!enabled)
            n->asq = (n->asq & ~0xffffffffull) | (v & ~0xfffu);
        break;
    case NVME_REG_ASQ + 4:
        if (!enabled)
            n->asq = (n->asq & 0xffffffffull) | ((uint64_t)v << 32);
        break;
    case NVME_REG_ACQ:
        if (!enabled)
            n->acq = (n->acq & ~0xffffffffull) | (v & ~0xfffu);
        break;
    case NVME_REG_ACQ + 4:
        if (!enabled)
            n->acq = (n->acq & 0xffffffffull) | ((uint64_t)v << 32);
        break;
    case NVME_REG_NSSR:   /* NSSRS is 0: not supported, ignored */
    default:
        break;            /* read-only or reserved */
    }
}

/* A register access, carried to the controller thread. */
typedef struct reg_access {
    nvme_ctrl *n;
    uint64_t off;
    unsigned size;
    uint64_t value;
    int is_write;
} reg_access;

static void reg_access_fn(void *opaque)
{
    reg_access *a = opaque;

    if (a->is_write) {
        reg_write32(a->n, a->off, (uint32_t)a->value);
        if (a->size == 8)
            reg_write32(a->n, a->off + 4, (uint32_t)(a->value >> 32));
        return;
    }
    a->value = reg_read32(a->n, a->off);
    if (a->size == 8)
        a->value |= (uint64_t)reg_read32(a->n, a->off + 4) << 32;
}

/* Registers belong to the controller thread: an access from any other
 * thread runs there (emk_loop_call waits; from the controller's own
 * thread, or under a driving host's lock, it runs at once).  Doorbells
 * never take that trip (doorbell.c). */
static int bar0_access(nvme_ctrl *n, uint64_t off, unsigned size,
                       uint64_t *value, int is_write)
{
    reg_access a;

    a.n = n;
    a.off = off;
    a.size = size;
    a.value = *value;
    a.is_write = is_write;
    emk_loop_call(n->dev.loop, reg_access_fn, &a);
    *value = a.value;
    return 0;
}

static int bar0_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    nvme_ctrl *n = opaque;

    *value = 0;
    if (off >= EMK_NVME_DB_BASE)
        return 0;
    return bar0_access(n, off, size, value, 0);
}

static int bar0_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    nvme_ctrl *n = opaque;

    if (off >= EMK_NVME_DB_BASE) {
        if (size != 4)
            return -EINVAL;
        emk_nvme_doorbell_write(n, off - EMK_NVME_DB_BASE, (uint32_t)value);
        return 0;
    }
    return bar0_access(n, off, size, &value, 1);
}

int emk_nvme_regs_init(nvme_ctrl *n)
{
    uint64_t size;

    n->cap = (uint64_t)(n->mqes - 1)           /* MQES, 0-based */
           | (1ull << 16)                      /* CQR: contiguous queues */
           | (15ull << 24)                     /* TO: 7.5 s */
           | (0ull << 32)                      /* DSTRD: 4-byte stride */
           | (1ull << 37);                     /* CSS: NVM command set */
    /* MPSMIN = MPSMAX = 0 (4 KiB) */
    size = EMK_NVME_DB_BASE + 8ull * (n->max_queues + 1);
    n->bar0_size = 0x4000;
    while (n->bar0_size < size)
        n->bar0_size <<= 1;
    n->bar0_ops.read = bar0_read;
    n->bar0_ops.write = bar0_write;
    n->bar0_ops.valid_sizes = EMK_SIZE_4 | EMK_SIZE_8;
    n->bar0_ops.flags = 0;
    n->bar0.name = "nvme-bar0";
    n->bar0.ops = &n->bar0_ops;
    n->bar0.opaque = n;
    n->bar0.size = n->bar0_size;
    n->bar0.space = EMK_SPACE_MEM;
    emk_bh_init(&n->state_bh, n->dev.loop, state_bh, n);
    emk_bh_init(&n->event_bh, n->dev.loop, emk_nvme_event_bh, n);
    features_default(n);
    n->temperature = 310;
    return emk_dev_add_region(&n->dev, &n->bar0);
}
