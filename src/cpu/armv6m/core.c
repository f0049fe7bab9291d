/* core.c - ARMv6-M core: setup, reset, the fetch loop and time. */
#include "armv6m_int.h"
#include "trace_int.h"

static emk_trace_event ev_lockup = EMK_TRACE_EVENT_INIT("armv6m_lockup");

void emk_armv6m_init(emk_armv6m *cpu, const emk_armv6m_mem_ops *ops,
                     void *opaque)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->ops = ops;
    cpu->opaque = opaque;
    cpu->syst_next = UINT64_MAX;
}

int emk_armv6m_set_window(emk_armv6m *cpu, unsigned i, uint8_t *host,
                          uint32_t base, uint32_t size, int writable)
{
    if (i >= EMK_ARMV6M_NWINDOWS || (size && !host) ||
        (size && (uint64_t)base + size > 0x100000000ull))
        return -EINVAL;
    cpu->win[i].host = size ? host : NULL;
    cpu->win[i].base = base;
    cpu->win[i].size = size;
    cpu->win[i].writable = writable;
    return 0;
}

void emk_armv6m_reset(emk_armv6m *cpu)
{
    uint32_t sp = 0, pc = 0;

    memset(cpu->r, 0, sizeof(cpu->r));
    cpu->nres = 0;
    cpu->zres = 1;
    cpu->cf = cpu->vf = 0;
    cpu->ipsr = 0;
    cpu->control = 0;
    cpu->primask = 0;
    cpu->cur_psp = 0;
    cpu->msp = cpu->psp = 0;
    cpu->pending = cpu->active = 0;
    cpu->irq_enabled = 0;
    memset(cpu->irq_prio, 0, sizeof(cpu->irq_prio));
    cpu->shpr2 = cpu->shpr3 = cpu->scr = 0;
    cpu->syst_csr = cpu->syst_rvr = cpu->syst_cvr = 0;
    cpu->syst_base = cpu->cycles;
    cpu->syst_next = UINT64_MAX;
    cpu->sleeping = 0;
    cpu->event = 0;
    cpu->lockup = 0;
    cpu->resetreq = 0;
    cpu->bkpt_hit = 0;
    cpu->stop = EMK_ARMV6M_LIMIT;
    /* The vector table is at 0 on the M0 (no VTOR).  A table that cannot
     * be read leaves SP and PC 0; the first fetch then faults into a
     * lockup, as the silicon would. */
    (void)v6m_load(cpu, 0, 4, &sp);
    (void)v6m_load(cpu, 4, 4, &pc);
    cpu->r[13] = sp & ~3u;
    cpu->r[14] = 0xFFFFFFFFu;
    cpu->r[15] = pc & ~1u;
    cpu->tbit = (int)(pc & 1);
    /* Pending lines of the board survive the core's reset only if held. */
    cpu->pending = (uint64_t)cpu->irq_level << EMK_ARMV6M_EXC_IRQ0 &
                   ((uint64_t)cpu->irq_enabled << EMK_ARMV6M_EXC_IRQ0);
    cpu->attn = 1;
}

uint32_t emk_armv6m_xpsr(const emk_armv6m *cpu)
{
    return v6m_apsr(cpu) | cpu->ipsr | (cpu->tbit ? 1u << 24 : 0);
}

uint64_t emk_armv6m_insns(const emk_armv6m *cpu)
{
    return cpu->insns;
}

void emk_armv6m_sp_select(emk_armv6m *cpu, int use_psp)
{
    if (cpu->cur_psp == use_psp)
        return;
    if (cpu->cur_psp) {
        cpu->psp = cpu->r[13];
        cpu->r[13] = cpu->msp;
    } else {
        cpu->msp = cpu->r[13];
        cpu->r[13] = cpu->psp;
    }
    cpu->cur_psp = use_psp;
}

void emk_armv6m_set_irq(emk_armv6m *cpu, unsigned irq, int level)
{
    uint32_t bit;

    if (irq >= EMK_ARMV6M_NIRQ)
        return;
    bit = 1u << irq;
    if (level) {
        if (cpu->irq_level & bit)
            return;
        cpu->irq_level |= bit;
        if (!(cpu->active >> (EMK_ARMV6M_EXC_IRQ0 + irq) & 1)) {
            cpu->pending |= (uint64_t)1 << (EMK_ARMV6M_EXC_IRQ0 + irq);
            cpu->attn = 1;
            emk_armv6m_wake_check(cpu);
        }
    } else {
        cpu->irq_level &= ~bit;
    }
}

/* One instruction at r[15].  Returns its cycles. */
static unsigned step(emk_armv6m *cpu)
{
    uint32_t pc = cpu->r[15], hw1, hw2;
    uint8_t *p;

    if (emk_unlikely(!cpu->tbit))
        return emk_armv6m_fault(cpu, pc);
    p = v6m_host(cpu, pc, 4, 0);
    if (emk_likely(p != NULL)) {
        hw1 = (uint32_t)p[0] | (uint32_t)p[1] << 8;
        if (hw1 < 0xE800u)
            return emk_armv6m_exec16(cpu, pc, hw1);
        hw2 = (uint32_t)p[2] | (uint32_t)p[3] << 8;
        return emk_armv6m_exec32(cpu, pc, hw1, hw2);
    }
    /* Execute-never: peripherals, devices and the system space. */
    if (pc >= 0x40000000u && pc < 0x60000000u)
        return emk_armv6m_fault(cpu, pc);
    if (pc >= 0xE0000000u || v6m_load(cpu, pc, 2, &hw1) < 0)
        return emk_armv6m_fault(cpu, pc);
    if (hw1 < 0xE800u)
        return emk_armv6m_exec16(cpu, pc, hw1);
    if (v6m_load(cpu, pc + 2, 2, &hw2) < 0)
        return emk_armv6m_fault(cpu, pc);
    return emk_armv6m_exec32(cpu, pc, hw1, hw2);
}

/* SysTick: count every 1 -> 0 up to now. */
static void syst_catch_up(emk_armv6m *cpu)
{
    while (cpu->cycles >= cpu->syst_next)
        emk_armv6m_syst_tick(cpu);
}

int emk_armv6m_run(emk_armv6m *cpu, uint64_t limit)
{
    cpu->limit = limit;
    for (;;) {
        uint64_t end;

        if (cpu->lockup) {
            EMK_TRACE(ev_lockup, "pc=0x%08x", (unsigned)cpu->r[15]);
            return cpu->stop = EMK_ARMV6M_LOCKUP;
        }
        syst_catch_up(cpu);
        if (cpu->attn) {
            cpu->attn = 0;
            if (cpu->resetreq) {
                cpu->resetreq = 0;
                return cpu->stop = EMK_ARMV6M_RESETREQ;
            }
            if (cpu->bkpt_hit) {
                cpu->bkpt_hit = 0;
                return cpu->stop = EMK_ARMV6M_BKPT;
            }
            cpu->cycles += emk_armv6m_check(cpu);
            if (cpu->lockup)
                continue;
            if (cpu->sleeping) {
                emk_armv6m_wake_check(cpu);
                if (cpu->sleeping)
                    return cpu->stop = EMK_ARMV6M_SLEEP;
            }
        }
        if (cpu->cycles >= cpu->limit)
            return cpu->stop = EMK_ARMV6M_LIMIT;
        /* cpu->limit may come closer during the run (a device's access
         * arms an earlier event and sets attn). */
        end = cpu->limit < cpu->syst_next ? cpu->limit : cpu->syst_next;
        while (cpu->cycles < end && !cpu->attn) {
            cpu->cycles += step(cpu);
            cpu->insns++;
        }
    }
}

uint64_t emk_armv6m_next_event(const emk_armv6m *cpu)
{
    return cpu->syst_next;
}

void emk_armv6m_idle(emk_armv6m *cpu, uint64_t until)
{
    while (cpu->sleeping && cpu->cycles < until) {
        uint64_t next = until < cpu->syst_next ? until : cpu->syst_next;

        cpu->cycles = next;
        syst_catch_up(cpu);
        emk_armv6m_wake_check(cpu);
    }
}
