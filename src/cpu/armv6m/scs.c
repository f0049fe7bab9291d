/* scs.c - the System Control Space of ARMv6-M (ARM DDI 0419, B3): SysTick,
 * the NVIC and the SCB.  Offsets are from 0xE000E000. */
#include "armv6m_int.h"

enum {
    SYST_CSR = 0x010, SYST_RVR = 0x014, SYST_CVR = 0x018, SYST_CALIB = 0x01C,
    NVIC_ISER = 0x100, NVIC_ICER = 0x180, NVIC_ISPR = 0x200, NVIC_ICPR = 0x280,
    NVIC_IPR = 0x400, NVIC_IPR_END = 0x420,
    SCB_CPUID = 0xD00, SCB_ICSR = 0xD04, SCB_AIRCR = 0xD0C, SCB_SCR = 0xD10,
    SCB_CCR = 0xD14, SCB_SHPR2 = 0xD1C, SCB_SHPR3 = 0xD20, SCB_SHCSR = 0xD24,
    CPUID_M0 = 0x410CC200u,    /* ARM, Cortex-M0 r0p0 */
    CSR_ENABLE = 1, CSR_TICKINT = 2, CSR_CLKSOURCE = 4, CSR_COUNTFLAG = 0x10000
};

/* ---- SysTick ------------------------------------------------------------ */

static void syst_plan(emk_armv6m *cpu)
{
    if (!(cpu->syst_csr & CSR_ENABLE))
        cpu->syst_next = UINT64_MAX;
    else if (cpu->syst_cvr)
        cpu->syst_next = cpu->syst_base + cpu->syst_cvr;
    else if (cpu->syst_rvr)
        cpu->syst_next = cpu->syst_base + 1 + cpu->syst_rvr;
    else
        cpu->syst_next = UINT64_MAX;   /* RVR 0: the counter stays at 0 */
}

uint32_t emk_armv6m_syst_cvr(const emk_armv6m *cpu)
{
    uint64_t d;

    if (!(cpu->syst_csr & CSR_ENABLE))
        return cpu->syst_cvr;
    d = cpu->cycles - cpu->syst_base;
    if (d <= cpu->syst_cvr)
        return cpu->syst_cvr - (uint32_t)d;
    if (!cpu->syst_rvr)
        return 0;
    d -= cpu->syst_cvr + 1;
    return cpu->syst_rvr - (uint32_t)(d % ((uint64_t)cpu->syst_rvr + 1));
}

/* The counter reached 0 at syst_next: flag, pend, plan the next one. */
void emk_armv6m_syst_tick(emk_armv6m *cpu)
{
    cpu->syst_base = cpu->syst_next;
    cpu->syst_cvr = 0;
    cpu->syst_csr |= CSR_COUNTFLAG;
    if (cpu->syst_csr & CSR_TICKINT)
        emk_armv6m_pend(cpu, EMK_ARMV6M_EXC_SYSTICK);
    syst_plan(cpu);
}

static void syst_rebase(emk_armv6m *cpu)
{
    cpu->syst_cvr = emk_armv6m_syst_cvr(cpu);
    cpu->syst_base = cpu->cycles;
}

/* ---- NVIC and SCB --------------------------------------------------------- */

static uint32_t icsr(const emk_armv6m *cpu)
{
    int p;
    unsigned vp = emk_armv6m_best_pending(cpu, &p);
    uint32_t v = cpu->ipsr | (uint32_t)vp << 12;

    if (cpu->pending >> EMK_ARMV6M_EXC_IRQ0)
        v |= 1u << 22;
    if (cpu->pending >> EMK_ARMV6M_EXC_PENDSV & 1)
        v |= 1u << 28;
    if (cpu->pending >> EMK_ARMV6M_EXC_SYSTICK & 1)
        v |= 1u << 26;
    if (cpu->pending >> EMK_ARMV6M_EXC_NMI & 1)
        v |= 1u << 31;
    return v;
}

static void icsr_write(emk_armv6m *cpu, uint32_t v)
{
    if (v & (1u << 31))
        emk_armv6m_pend(cpu, EMK_ARMV6M_EXC_NMI);
    if (v & (1u << 28))
        emk_armv6m_pend(cpu, EMK_ARMV6M_EXC_PENDSV);
    else if (v & (1u << 27))
        cpu->pending &= ~((uint64_t)1 << EMK_ARMV6M_EXC_PENDSV);
    if (v & (1u << 26))
        emk_armv6m_pend(cpu, EMK_ARMV6M_EXC_SYSTICK);
    else if (v & (1u << 25))
        cpu->pending &= ~((uint64_t)1 << EMK_ARMV6M_EXC_SYSTICK);
}

static uint32_t ipr_read(const emk_armv6m *cpu, uint32_t off)
{
    unsigned i = (off - NVIC_IPR) & ~3u;

    return (uint32_t)cpu->irq_prio[i] | (uint32_t)cpu->irq_prio[i + 1] << 8 |
           (uint32_t)cpu->irq_prio[i + 2] << 16 | (uint32_t)cpu->irq_prio[i + 3] << 24;
}

int emk_armv6m_scs_read(emk_armv6m *cpu, uint32_t off, unsigned size,
                        uint32_t *v)
{
    uint32_t word = off & ~3u, val;

    switch (word) {
    case SYST_CSR:
        val = cpu->syst_csr;
        cpu->syst_csr &= ~(uint32_t)CSR_COUNTFLAG;
        break;
    case SYST_RVR: val = cpu->syst_rvr; break;
    case SYST_CVR: val = emk_armv6m_syst_cvr(cpu); break;
    case SYST_CALIB: val = 0x80000000u; break;  /* NOREF, no TENMS */
    case NVIC_ISER: case NVIC_ICER: val = cpu->irq_enabled; break;
    case NVIC_ISPR: case NVIC_ICPR:
        val = (uint32_t)(cpu->pending >> EMK_ARMV6M_EXC_IRQ0);
        break;
    case SCB_CPUID: val = CPUID_M0; break;
    case SCB_ICSR: val = icsr(cpu); break;
    case SCB_AIRCR: val = 0xFA050000u; break;
    case SCB_SCR: val = cpu->scr; break;
    case SCB_CCR: val = 0x208; break;              /* STKALIGN, UNALIGN_TRP */
    case SCB_SHPR2: val = cpu->shpr2; break;
    case SCB_SHPR3: val = cpu->shpr3; break;
    case SCB_SHCSR:
        val = (cpu->pending >> EMK_ARMV6M_EXC_SVCALL & 1) ? 1u << 15 : 0;
        break;
    default:
        if (word >= NVIC_IPR && word < NVIC_IPR_END)
            val = ipr_read(cpu, word);
        else
            val = 0;                                /* reserved: RAZ */
        break;
    }
    *v = (val >> (8 * (off & 3))) & (size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1);
    return 0;
}

int emk_armv6m_scs_write(emk_armv6m *cpu, uint32_t off, unsigned size,
                         uint32_t v)
{
    uint32_t word = off & ~3u;
    unsigned i;

    if (word >= NVIC_IPR && word < NVIC_IPR_END) {
        /* The M0 implements the top two bits of each priority byte. */
        for (i = 0; i < size; i++)
            cpu->irq_prio[off - NVIC_IPR + i] = (uint8_t)(v >> (8 * i)) & 0xC0;
        cpu->attn = 1;
        return 0;
    }
    if (size != 4)
        return -EFAULT;    /* the other SCS registers are word-only */
    switch (word) {
    case SYST_CSR:
        syst_rebase(cpu);
        cpu->syst_csr = (cpu->syst_csr & CSR_COUNTFLAG) |
                        (v & (CSR_ENABLE | CSR_TICKINT | CSR_CLKSOURCE));
        syst_plan(cpu);
        break;
    case SYST_RVR:
        syst_rebase(cpu);
        cpu->syst_rvr = v & 0xFFFFFF;
        syst_plan(cpu);
        break;
    case SYST_CVR:
        cpu->syst_cvr = 0;
        cpu->syst_base = cpu->cycles;
        cpu->syst_csr &= ~(uint32_t)CSR_COUNTFLAG;
        syst_plan(cpu);
        break;
    case NVIC_ISER:
        cpu->irq_enabled |= v;
        cpu->attn = 1;
        emk_armv6m_wake_check(cpu);
        break;
    case NVIC_ICER: cpu->irq_enabled &= ~v; break;
    case NVIC_ISPR:
        cpu->pending |= (uint64_t)v << EMK_ARMV6M_EXC_IRQ0;
        cpu->attn = 1;
        emk_armv6m_wake_check(cpu);
        break;
    case NVIC_ICPR:
        cpu->pending &= ~((uint64_t)v << EMK_ARMV6M_EXC_IRQ0);
        /* A line still held high is pending again at once (level). */
        cpu->pending |= ((uint64_t)(cpu->irq_level & v) << EMK_ARMV6M_EXC_IRQ0) &
                        ~cpu->active;
        break;
    case SCB_ICSR: icsr_write(cpu, v); break;
    case SCB_AIRCR:
        if ((v >> 16) == 0x05FA && (v & 4)) {
            cpu->resetreq = 1;
            cpu->attn = 1;
        }
        break;
    case SCB_SCR: cpu->scr = v & 0x16; break;
    case SCB_SHPR2: cpu->shpr2 = v & 0xC0000000u; cpu->attn = 1; break;
    case SCB_SHPR3: cpu->shpr3 = v & 0xC0C00000u; cpu->attn = 1; break;
    default: break;                                 /* RO or reserved: WI */
    }
    return 0;
}
