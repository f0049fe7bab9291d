/* thumb32.c - the 32-bit instructions of ARMv6-M: BL, MSR, MRS, DSB, DMB
 * and ISB (ARM DDI 0419, A5.3); every other encoding is undefined. */
#include "armv6m_int.h"

static uint32_t mrs(emk_armv6m *cpu, unsigned sysm)
{
    uint32_t v = 0;

    if (sysm < 8) {
        if (sysm & 1)
            v |= cpu->ipsr;
        if (!(sysm & 4))
            v |= v6m_apsr(cpu);
        return v;          /* EPSR reads as zero */
    }
    switch (sysm) {
    case 8: return cpu->cur_psp ? cpu->msp : cpu->r[13];
    case 9: return cpu->cur_psp ? cpu->r[13] : cpu->psp;
    case 16: return cpu->primask & 1;
    case 20: return cpu->control & 2;
    default: return 0;
    }
}

static void msr(emk_armv6m *cpu, unsigned sysm, uint32_t v)
{
    if (sysm < 8) {
        if (!(sysm & 4))
            v6m_set_apsr(cpu, (v & 0xF0000000u) | (emk_armv6m_xpsr(cpu) & 0x0FFFFFFFu));
        return;
    }
    switch (sysm) {
    case 8:
        if (cpu->cur_psp)
            cpu->msp = v & ~3u;
        else
            cpu->r[13] = v & ~3u;
        break;
    case 9:
        if (cpu->cur_psp)
            cpu->r[13] = v & ~3u;
        else
            cpu->psp = v & ~3u;
        break;
    case 16:
        cpu->primask = v & 1;
        cpu->attn = 1;
        break;
    case 20:
        /* SPSEL is writable in Thread mode only; nPRIV is not on the M0. */
        if (!v6m_handler(cpu)) {
            cpu->control = v & 2;
            emk_armv6m_sp_select(cpu, (v & 2) ? 1 : 0);
        }
        break;
    default:
        break;
    }
}

unsigned emk_armv6m_exec32(emk_armv6m *cpu, uint32_t pc, uint32_t hw1,
                           uint32_t hw2)
{
    cpu->r[15] = pc + 4;
    if ((hw1 & 0xF800) == 0xF000 && (hw2 & 0xD000) == 0xD000) { /* BL */
        uint32_t s = (hw1 >> 10) & 1, j1 = (hw2 >> 13) & 1, j2 = (hw2 >> 11) & 1;
        uint32_t i1 = !(j1 ^ s), i2 = !(j2 ^ s);
        uint32_t imm = (s << 24) | (i1 << 23) | (i2 << 22) |
                       ((hw1 & 0x3FF) << 12) | ((hw2 & 0x7FF) << 1);

        if (s)
            imm |= 0xFE000000u;
        cpu->r[14] = (pc + 4) | 1;
        cpu->r[15] = pc + 4 + imm;
        return 4;
    }
    if ((hw1 & 0xFFF0) == 0xF380 && (hw2 & 0xFF00) == 0x8800) { /* MSR */
        unsigned rn = hw1 & 15;

        if (rn >= 13)
            return emk_armv6m_fault(cpu, pc);
        msr(cpu, hw2 & 0xFF, cpu->r[rn]);
        return 4;
    }
    if (hw1 == 0xF3EF && (hw2 & 0xF000) == 0x8000) { /* MRS */
        unsigned rd = (hw2 >> 8) & 15;

        if (rd >= 13)
            return emk_armv6m_fault(cpu, pc);
        cpu->r[rd] = mrs(cpu, hw2 & 0xFF);
        return 4;
    }
    if (hw1 == 0xF3BF && (hw2 & 0xFFC0) == 0x8F40 &&
        ((hw2 >> 4) & 0xF) >= 4 && ((hw2 >> 4) & 0xF) <= 6)
        return 4;   /* DSB, DMB, ISB: one core, in-order memory */
    return emk_armv6m_fault(cpu, pc);
}
