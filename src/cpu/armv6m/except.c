/* except.c - ARMv6-M exceptions: priorities, entry with the stacked frame,
 * EXC_RETURN, faults and lockup (ARMv6-M ARM, ARM DDI 0419, B1.5). */
#include "armv6m_int.h"
#include "trace_int.h"

static emk_trace_event ev_exc = EMK_TRACE_EVENT_INIT("armv6m_exception");
static emk_trace_event ev_ret = EMK_TRACE_EVENT_INIT("armv6m_return");
static emk_trace_event ev_fault = EMK_TRACE_EVENT_INIT("armv6m_fault");

enum { ENTRY_CYCLES = 16, RETURN_CYCLES = 16 };

int emk_armv6m_prio(const emk_armv6m *cpu, unsigned n)
{
    switch (n) {
    case 1: return -3;
    case EMK_ARMV6M_EXC_NMI: return -2;
    case EMK_ARMV6M_EXC_HARDFAULT: return -1;
    case EMK_ARMV6M_EXC_SVCALL: return (int)(cpu->shpr2 >> 24 & 0xC0);
    case EMK_ARMV6M_EXC_PENDSV: return (int)(cpu->shpr3 >> 16 & 0xC0);
    case EMK_ARMV6M_EXC_SYSTICK: return (int)(cpu->shpr3 >> 24 & 0xC0);
    default:
        if (n >= EMK_ARMV6M_EXC_IRQ0 && n < EMK_ARMV6M_NEXC)
            return cpu->irq_prio[n - EMK_ARMV6M_EXC_IRQ0] & 0xC0;
        return 256;
    }
}

int emk_armv6m_exec_prio(const emk_armv6m *cpu, int with_primask)
{
    int p = 256;
    uint64_t a = cpu->active;
    unsigned n;

    for (n = 0; a; n++, a >>= 1)
        if (a & 1) {
            int q = emk_armv6m_prio(cpu, n);
            if (q < p)
                p = q;
        }
    if (with_primask && (cpu->primask & 1) && p > 0)
        p = 0;
    return p;
}

unsigned emk_armv6m_best_pending(const emk_armv6m *cpu, int *prio)
{
    uint64_t en = cpu->pending &
                  ((uint64_t)cpu->irq_enabled << EMK_ARMV6M_EXC_IRQ0 | 0xFFFFu);
    unsigned n, best = 0;
    int bp = 257;

    for (n = 0; en; n++, en >>= 1)
        if (en & 1) {
            int q = emk_armv6m_prio(cpu, n);
            if (q < bp) {
                bp = q;
                best = n;
            }
        }
    *prio = bp;
    return best;
}

void emk_armv6m_pend(emk_armv6m *cpu, unsigned n)
{
    cpu->pending |= (uint64_t)1 << n;
    cpu->attn = 1;
    emk_armv6m_wake_check(cpu);
}

void emk_armv6m_wake_check(emk_armv6m *cpu)
{
    int p;

    if (!cpu->sleeping)
        return;
    /* WFI wakes on an exception that would preempt were PRIMASK clear. */
    if (emk_armv6m_best_pending(cpu, &p) && p < emk_armv6m_exec_prio(cpu, 0)) {
        cpu->sleeping = 0;
        cpu->attn = 1;
    }
}

static void lockup(emk_armv6m *cpu)
{
    cpu->lockup = 1;
    cpu->attn = 1;
}

/* Pushes the frame and enters exception n with return address ret.
 * Returns 0 on success, -EFAULT if the stack could not be written. */
static int enter(emk_armv6m *cpu, unsigned n, uint32_t ret)
{
    uint32_t sp = cpu->r[13], align = (sp >> 2) & 1, frame[8];
    unsigned i;

    sp = (sp - 0x20u) & ~4u;
    frame[0] = cpu->r[0];
    frame[1] = cpu->r[1];
    frame[2] = cpu->r[2];
    frame[3] = cpu->r[3];
    frame[4] = cpu->r[12];
    frame[5] = cpu->r[14];
    frame[6] = ret & ~1u;
    frame[7] = emk_armv6m_xpsr(cpu) | (align << 9);
    for (i = 0; i < 8; i++)
        if (v6m_store(cpu, sp + 4 * i, 4, frame[i]) < 0)
            return -EFAULT;
    cpu->r[13] = sp;
    if (v6m_handler(cpu))
        cpu->r[14] = 0xFFFFFFF1u;
    else
        cpu->r[14] = cpu->cur_psp ? 0xFFFFFFFDu : 0xFFFFFFF9u;
    cpu->ipsr = n;
    cpu->control &= ~2u;
    emk_armv6m_sp_select(cpu, 0);
    cpu->active |= (uint64_t)1 << n;
    cpu->pending &= ~((uint64_t)1 << n);
    cpu->event = 1;
    return 0;
}

/* Takes exception n: vector fetch, escalation to HardFault, lockup. */
static unsigned take(emk_armv6m *cpu, unsigned n, uint32_t ret)
{
    uint32_t vec;

    EMK_TRACE(ev_exc, "n=%u ret=0x%08x", n, (unsigned)ret);
    if (enter(cpu, n, ret) < 0) {
        if (n == EMK_ARMV6M_EXC_HARDFAULT || emk_armv6m_exec_prio(cpu, 0) < 0) {
            lockup(cpu);
            return 0;
        }
        cpu->pending &= ~((uint64_t)1 << n);
        n = EMK_ARMV6M_EXC_HARDFAULT;
        if (enter(cpu, n, ret) < 0) {
            lockup(cpu);
            return 0;
        }
    }
    if (v6m_load(cpu, 4 * n, 4, &vec) < 0) {
        lockup(cpu);
        return 0;
    }
    cpu->r[15] = vec & ~1u;
    cpu->tbit = (int)(vec & 1);
    cpu->sleeping = 0;
    return ENTRY_CYCLES;
}

unsigned emk_armv6m_check(emk_armv6m *cpu)
{
    int p;
    unsigned n = emk_armv6m_best_pending(cpu, &p);

    if (!n || p >= emk_armv6m_exec_prio(cpu, 1))
        return 0;
    return take(cpu, n, cpu->r[15]);
}

unsigned emk_armv6m_fault(emk_armv6m *cpu, uint32_t pc)
{
    EMK_TRACE(ev_fault, "pc=0x%08x ipsr=%u", (unsigned)pc, (unsigned)cpu->ipsr);
    cpu->r[15] = pc;
    if (emk_armv6m_exec_prio(cpu, 0) < 0) {
        lockup(cpu);
        return 0;
    }
    cpu->attn = 1;
    return take(cpu, EMK_ARMV6M_EXC_HARDFAULT, pc);
}

/* ExceptionReturn (B1.5.8); pc is the returning instruction. */
static unsigned exc_return(emk_armv6m *cpu, uint32_t exc, uint32_t pc)
{
    unsigned n = cpu->ipsr, i;
    int to_thread, use_psp;
    uint32_t frame[8], sp;
    uint64_t left;

    if ((exc & 0x0FFFFFF0u) != 0x0FFFFFF0u ||
        (exc != 0xFFFFFFF1u && exc != 0xFFFFFFF9u && exc != 0xFFFFFFFDu) ||
        !(cpu->active >> n & 1))
        return emk_armv6m_fault(cpu, pc);
    to_thread = exc != 0xFFFFFFF1u;
    use_psp = exc == 0xFFFFFFFDu;
    left = cpu->active & ~((uint64_t)1 << n);
    if (to_thread ? left != 0 : left == 0)
        return emk_armv6m_fault(cpu, pc);
    cpu->active = left;
    /* Read the frame from the stack the return selects. */
    if (use_psp == cpu->cur_psp)
        sp = cpu->r[13];
    else
        sp = use_psp ? cpu->psp : cpu->msp;
    for (i = 0; i < 8; i++)
        if (v6m_load(cpu, sp + 4 * i, 4, &frame[i]) < 0) {
            cpu->active |= (uint64_t)1 << n;
            return emk_armv6m_fault(cpu, pc);
        }
    EMK_TRACE(ev_ret, "n=%u to=0x%08x", n, (unsigned)frame[6]);
    if (to_thread)
        cpu->control = (cpu->control & ~2u) | (use_psp ? 2u : 0);
    cpu->ipsr = frame[7] & 0x3F;
    emk_armv6m_sp_select(cpu, use_psp);
    cpu->r[13] = sp + 0x20u + ((frame[7] >> 9 & 1) ? 4u : 0);
    cpu->r[0] = frame[0];
    cpu->r[1] = frame[1];
    cpu->r[2] = frame[2];
    cpu->r[3] = frame[3];
    cpu->r[12] = frame[4];
    cpu->r[14] = frame[5];
    cpu->r[15] = frame[6] & ~1u;
    v6m_set_apsr(cpu, frame[7]);
    cpu->tbit = (int)(frame[7] >> 24 & 1);
    /* A line still held high pends its interrupt again. */
    cpu->pending |= ((uint64_t)cpu->irq_level << EMK_ARMV6M_EXC_IRQ0) &
                    ~cpu->active;
    cpu->attn = 1;
    if (to_thread && (cpu->scr & 2)) {
        cpu->sleeping = 1;   /* SLEEPONEXIT */
        emk_armv6m_wake_check(cpu);
    }
    return RETURN_CYCLES;
}

unsigned emk_armv6m_bx(emk_armv6m *cpu, uint32_t target)
{
    if (target >= EXC_RETURN_MIN && v6m_handler(cpu))
        return exc_return(cpu, target, cpu->r[15] - 2);
    cpu->r[15] = target & ~1u;
    cpu->tbit = (int)(target & 1);
    return 0;
}
