/* thumb.c - the 16-bit Thumb instructions of ARMv6-M (ARM DDI 0419, A5.2)
 * with their flags and Cortex-M0 cycle counts. */
#include "armv6m_int.h"

#define FAULT() return emk_armv6m_fault(cpu, pc)

static uint32_t asr32(uint32_t v, unsigned n)
{
    if (n >= 32)
        return (v & 0x80000000u) ? 0xFFFFFFFFu : 0;
    if (n == 0)
        return v;
    return (v >> n) | ((v & 0x80000000u) ? ~(0xFFFFFFFFu >> n) : 0);
}

/* Shifts by a register (A5.2.2 LSL/LSR/ASR/ROR register): amount is
 * Rm[7:0]; 0 leaves C alone. */
static uint32_t shift_reg(emk_armv6m *cpu, unsigned op, uint32_t v, uint32_t amt)
{
    amt &= 0xFF;
    if (amt == 0)
        return v;
    switch (op) {
    case 2: /* LSL */
        if (amt < 32) {
            cpu->cf = (v >> (32 - amt)) & 1;
            return v << amt;
        }
        cpu->cf = amt == 32 ? (v & 1) : 0;
        return 0;
    case 3: /* LSR */
        if (amt < 32) {
            cpu->cf = (v >> (amt - 1)) & 1;
            return v >> amt;
        }
        cpu->cf = amt == 32 ? (v >> 31) : 0;
        return 0;
    case 4: /* ASR */
        if (amt < 32) {
            cpu->cf = (v >> (amt - 1)) & 1;
            return asr32(v, amt);
        }
        cpu->cf = v >> 31;
        return asr32(v, 32);
    default: /* ROR */
        amt &= 31;
        if (amt == 0) {
            cpu->cf = v >> 31;
            return v;
        }
        v = (v >> amt) | (v << (32 - amt));
        cpu->cf = v >> 31;
        return v;
    }
}

/* 010000: data processing on low registers. */
static unsigned dataproc(emk_armv6m *cpu, uint32_t insn)
{
    unsigned rdn = insn & 7, rm = (insn >> 3) & 7, op = (insn >> 6) & 15;
    uint32_t a = cpu->r[rdn], b = cpu->r[rm], res;

    switch (op) {
    case 0: res = a & b; break;
    case 1: res = a ^ b; break;
    case 2: case 3: case 4: case 7: res = shift_reg(cpu, op, a, b); break;
    case 5: res = v6m_adc(cpu, a, b, cpu->cf); break;
    case 6: res = v6m_adc(cpu, a, ~b, cpu->cf); break;
    case 8: v6m_nz(cpu, a & b); return 1;
    case 9: cpu->r[rdn] = v6m_adc(cpu, 0, ~b, 1); return 1; /* RSBS #0 */
    case 10: (void)v6m_adc(cpu, a, ~b, 1); return 1;
    case 11: (void)v6m_adc(cpu, a, b, 0); return 1;
    case 12: res = a | b; break;
    case 13: res = a * b; break;
    case 14: res = a & ~b; break;
    default: res = ~b; break;
    }
    v6m_nz(cpu, res);
    cpu->r[rdn] = res;
    return 1;
}

static uint32_t rd_reg(const emk_armv6m *cpu, unsigned n, uint32_t pc)
{
    return n == 15 ? pc + 4 : cpu->r[n];
}

/* 010001: ADD/CMP/MOV on any register, BX, BLX. */
static unsigned special(emk_armv6m *cpu, uint32_t pc, uint32_t insn)
{
    unsigned rd = (insn & 7) | ((insn >> 4) & 8), rm = (insn >> 3) & 15;
    uint32_t v;

    switch ((insn >> 8) & 3) {
    case 0:
        v = rd_reg(cpu, rd, pc) + rd_reg(cpu, rm, pc);
        break;
    case 1:
        if (rd == 15 || rm == 15)
            FAULT();        /* UNPREDICTABLE: treated as undefined */
        (void)v6m_adc(cpu, cpu->r[rd], ~cpu->r[rm], 1);
        return 1;
    case 2:
        v = rd_reg(cpu, rm, pc);
        break;
    default:
        if (insn & 7)
            FAULT();
        v = rd_reg(cpu, rm, pc);
        if (insn & 0x80) {
            if (rm == 15)
                FAULT();
            cpu->r[14] = (pc + 2) | 1;
        }
        return 3 + emk_armv6m_bx(cpu, v);
    }
    if (rd == 15) {
        cpu->r[15] = v & ~1u;
        return 3;
    }
    if (rd == 13)
        v &= ~3u;
    cpu->r[rd] = v;
    return 1;
}

/* 0101: load/store with a register offset. */
static unsigned ldst_reg(emk_armv6m *cpu, uint32_t pc, uint32_t insn)
{
    unsigned rt = insn & 7, op = (insn >> 9) & 7;
    uint32_t addr = cpu->r[(insn >> 3) & 7] + cpu->r[(insn >> 6) & 7], v;
    static const unsigned size[8] = { 4, 2, 1, 1, 4, 2, 1, 2 };

    if (op < 3) {
        if (v6m_store(cpu, addr, size[op], cpu->r[rt]) < 0)
            FAULT();
        return 2;
    }
    if (v6m_load(cpu, addr, size[op], &v) < 0)
        FAULT();
    if (op == 3)
        v = (uint32_t)(int32_t)(int8_t)v;
    else if (op == 7)
        v = (uint32_t)(int32_t)(int16_t)v;
    cpu->r[rt] = v;
    return 2;
}

/* Load/store with an immediate offset: word, byte, halfword, SP-relative. */
static unsigned ldst_imm(emk_armv6m *cpu, uint32_t pc, uint32_t insn)
{
    unsigned group = insn >> 11, rt, size, load = (insn >> 11) & 1;
    uint32_t addr, v;

    if (group >= 0x12) {
        rt = (insn >> 8) & 7;
        addr = cpu->r[13] + (insn & 0xFF) * 4;
        size = 4;
    } else {
        rt = insn & 7;
        size = group < 0x0E ? 4 : group < 0x10 ? 1 : 2;
        addr = cpu->r[(insn >> 3) & 7] + ((insn >> 6) & 31) * size;
    }
    if (load) {
        if (v6m_load(cpu, addr, size, &v) < 0)
            FAULT();
        cpu->r[rt] = v;
    } else if (v6m_store(cpu, addr, size, cpu->r[rt]) < 0) {
        FAULT();
    }
    return 2;
}

static unsigned popcount16(uint32_t v)
{
    unsigned c = 0;

    for (v &= 0xFFFF; v; v &= v - 1)
        c++;
    return c;
}

/* Stores the registers of list (bits 0-14) at ascending words from addr. */
static int store_list(emk_armv6m *cpu, uint32_t addr, uint32_t list)
{
    unsigned i, k = 0;

    for (i = 0; i < 15; i++)
        if (list >> i & 1) {
            if (v6m_store(cpu, addr + 4 * k, 4, cpu->r[i]) < 0)
                return -EFAULT;
            k++;
        }
    return 0;
}

/* Loads the words for list (bits 0-15) from addr into v[]; then r0-r7. */
static int load_list(emk_armv6m *cpu, uint32_t addr, uint32_t list, uint32_t *v)
{
    unsigned i, k = 0;

    for (i = 0; i < 16; i++)
        if (list >> i & 1) {
            if (v6m_load(cpu, addr + 4 * k, 4, &v[k]) < 0)
                return -EFAULT;
            k++;
        }
    k = 0;
    for (i = 0; i < 8; i++)
        if (list >> i & 1)
            cpu->r[i] = v[k++];
    return (int)k;
}

static unsigned push_pop(emk_armv6m *cpu, uint32_t pc, uint32_t insn)
{
    uint32_t list = insn & 0xFF, sp = cpu->r[13], v[9];
    unsigned n;
    int k;

    if (insn & 0x100)
        list |= (insn & 0x800) ? 0x8000 : 0x4000;
    n = popcount16(list);
    if (n == 0)
        FAULT();
    if (!(insn & 0x800)) { /* PUSH */
        if (store_list(cpu, sp - 4 * n, list) < 0)
            FAULT();
        cpu->r[13] = sp - 4 * n;
        return 1 + n;
    }
    if ((k = load_list(cpu, sp, list, v)) < 0)
        FAULT();
    cpu->r[13] = sp + 4 * n;
    if (list & 0x8000)
        return 4 + n + emk_armv6m_bx(cpu, v[k]);
    return 1 + n;
}

static unsigned ldm_stm(emk_armv6m *cpu, uint32_t pc, uint32_t insn)
{
    unsigned rn = (insn >> 8) & 7, n;
    uint32_t list = insn & 0xFF, addr = cpu->r[rn], v[8];

    n = popcount16(list);
    if (n == 0)
        FAULT();
    if (!(insn & 0x800)) {
        if (store_list(cpu, addr, list) < 0)
            FAULT();
        cpu->r[rn] = addr + 4 * n;
        return 1 + n;
    }
    if (load_list(cpu, addr, list, v) < 0)
        FAULT();
    if (!(list >> rn & 1))
        cpu->r[rn] = addr + 4 * n;
    return 1 + n;
}

static unsigned hint(emk_armv6m *cpu, uint32_t pc, uint32_t insn)
{
    if (insn & 0xF)
        FAULT();                 /* IT is not ARMv6-M */
    switch ((insn >> 4) & 0xF) {
    case 0: case 1:              /* NOP, YIELD */
        return 1;
    case 2:                      /* WFE */
        if (cpu->event)
            cpu->event = 0;
        else {
            cpu->sleeping = 1;
            cpu->attn = 1;
        }
        return 2;
    case 3:                      /* WFI */
        cpu->sleeping = 1;
        cpu->attn = 1;
        return 2;
    case 4:                      /* SEV: a single core sets its own event */
        cpu->event = 1;
        return 1;
    default:
        return 1;                /* other hints execute as NOP */
    }
}

/* 1011: miscellaneous 16-bit instructions (A5.2.5). */
static unsigned misc(emk_armv6m *cpu, uint32_t pc, uint32_t insn)
{
    unsigned rd = insn & 7;
    uint32_t m = cpu->r[(insn >> 3) & 7];

    switch ((insn >> 8) & 0xF) {
    case 0x0:
        if (insn & 0x80)
            cpu->r[13] -= (insn & 0x7F) * 4;
        else
            cpu->r[13] += (insn & 0x7F) * 4;
        return 1;
    case 0x2:
        switch ((insn >> 6) & 3) {
        case 0: cpu->r[rd] = (uint32_t)(int32_t)(int16_t)m; break;
        case 1: cpu->r[rd] = (uint32_t)(int32_t)(int8_t)m; break;
        case 2: cpu->r[rd] = m & 0xFFFF; break;
        default: cpu->r[rd] = m & 0xFF; break;
        }
        return 1;
    case 0x4: case 0x5: case 0xC: case 0xD:
        return push_pop(cpu, pc, insn);
    case 0x6:
        if ((insn & 0xFFEF) != 0xB662)
            FAULT();
        cpu->primask = (insn & 0x10) ? 1 : 0;
        cpu->attn = 1;
        return 1;
    case 0xA:
        switch ((insn >> 6) & 3) {
        case 0:
            cpu->r[rd] = (m >> 24) | ((m >> 8) & 0xFF00) | ((m << 8) & 0xFF0000) |
                         (m << 24);
            return 1;
        case 1:
            cpu->r[rd] = ((m >> 8) & 0x00FF00FFu) | ((m << 8) & 0xFF00FF00u);
            return 1;
        case 3:
            cpu->r[rd] = (uint32_t)(int32_t)(int16_t)(((m & 0xFF) << 8) |
                                                      ((m >> 8) & 0xFF));
            return 1;
        default:
            FAULT();
        }
    case 0xE:
        if (!cpu->bkpt_stops)
            FAULT();             /* no debugger: BKPT escalates */
        cpu->bkpt_imm = insn & 0xFF;
        cpu->bkpt_hit = 1;
        cpu->attn = 1;
        cpu->r[15] = pc;
        return 0;
    case 0xF:
        return hint(cpu, pc, insn);
    default:
        FAULT();                 /* CBZ/CBNZ and friends are ARMv7-M */
    }
}

static int cond_pass(const emk_armv6m *cpu, unsigned cond)
{
    int n = (int)(cpu->nres >> 31), z = cpu->zres == 0, c = (int)cpu->cf,
        v = (int)cpu->vf, r;

    switch (cond >> 1) {
    case 0: r = z; break;
    case 1: r = c; break;
    case 2: r = n; break;
    case 3: r = v; break;
    case 4: r = c && !z; break;
    case 5: r = n == v; break;
    case 6: r = !z && n == v; break;
    default: r = 1; break;
    }
    return (cond & 1) && cond != 15 ? !r : r;
}

unsigned emk_armv6m_exec16(emk_armv6m *cpu, uint32_t pc, uint32_t insn)
{
    uint32_t *r = cpu->r, a, v;
    unsigned rd, imm;

    r[15] = pc + 2;
    switch (insn >> 11) {
    case 0x00: /* LSLS #imm (LSLS #0 is MOVS: C unchanged) */
        a = r[(insn >> 3) & 7];
        imm = (insn >> 6) & 31;
        if (imm) {
            cpu->cf = (a >> (32 - imm)) & 1;
            a <<= imm;
        }
        r[insn & 7] = a;
        v6m_nz(cpu, a);
        return 1;
    case 0x01: /* LSRS #imm, 0 meaning 32 */
        a = r[(insn >> 3) & 7];
        imm = (insn >> 6) & 31;
        if (!imm) {
            cpu->cf = a >> 31;
            a = 0;
        } else {
            cpu->cf = (a >> (imm - 1)) & 1;
            a >>= imm;
        }
        r[insn & 7] = a;
        v6m_nz(cpu, a);
        return 1;
    case 0x02: /* ASRS #imm, 0 meaning 32 */
        a = r[(insn >> 3) & 7];
        imm = (insn >> 6) & 31;
        if (!imm)
            imm = 32;
        cpu->cf = (a >> (imm - 1)) & 1;
        a = asr32(a, imm);
        r[insn & 7] = a;
        v6m_nz(cpu, a);
        return 1;
    case 0x03: /* ADDS/SUBS register or imm3 */
        a = r[(insn >> 3) & 7];
        v = (insn & 0x400) ? (insn >> 6) & 7 : r[(insn >> 6) & 7];
        r[insn & 7] = (insn & 0x200) ? v6m_adc(cpu, a, ~v, 1) : v6m_adc(cpu, a, v, 0);
        return 1;
    case 0x04: /* MOVS #imm8 */
        rd = (insn >> 8) & 7;
        r[rd] = insn & 0xFF;
        v6m_nz(cpu, r[rd]);
        return 1;
    case 0x05: /* CMP #imm8 */
        (void)v6m_adc(cpu, r[(insn >> 8) & 7], ~(insn & 0xFF), 1);
        return 1;
    case 0x06:
        rd = (insn >> 8) & 7;
        r[rd] = v6m_adc(cpu, r[rd], insn & 0xFF, 0);
        return 1;
    case 0x07:
        rd = (insn >> 8) & 7;
        r[rd] = v6m_adc(cpu, r[rd], ~(insn & 0xFF), 1);
        return 1;
    case 0x08:
        if (insn & 0x400)
            return special(cpu, pc, insn);
        return dataproc(cpu, insn);
    case 0x09: /* LDR (literal) */
        if (v6m_load(cpu, ((pc + 4) & ~3u) + (insn & 0xFF) * 4, 4, &v) < 0)
            FAULT();
        r[(insn >> 8) & 7] = v;
        return 2;
    case 0x0A: case 0x0B:
        return ldst_reg(cpu, pc, insn);
    case 0x0C: case 0x0D: case 0x0E: case 0x0F:
    case 0x10: case 0x11: case 0x12: case 0x13:
        return ldst_imm(cpu, pc, insn);
    case 0x14: /* ADR */
        r[(insn >> 8) & 7] = ((pc + 4) & ~3u) + (insn & 0xFF) * 4;
        return 1;
    case 0x15: /* ADD Rd, SP, #imm8 */
        r[(insn >> 8) & 7] = r[13] + (insn & 0xFF) * 4;
        return 1;
    case 0x16: case 0x17:
        return misc(cpu, pc, insn);
    case 0x18: case 0x19:
        return ldm_stm(cpu, pc, insn);
    case 0x1A: case 0x1B: {
        unsigned cond = (insn >> 8) & 0xF;

        if (cond == 14)
            FAULT();             /* UDF */
        if (cond == 15) {        /* SVC */
            int p = emk_armv6m_prio(cpu, EMK_ARMV6M_EXC_SVCALL);
            if (p >= emk_armv6m_exec_prio(cpu, 1))
                FAULT();         /* cannot be taken: escalates */
            emk_armv6m_pend(cpu, EMK_ARMV6M_EXC_SVCALL);
            return 1;
        }
        if (!cond_pass(cpu, cond))
            return 1;
        r[15] = pc + 4 + (uint32_t)((int32_t)(int8_t)(insn & 0xFF) * 2);
        return 3;
    }
    case 0x1C: /* B */
        imm = insn & 0x7FF;
        r[15] = pc + 4 + (uint32_t)(((int32_t)(imm << 21)) >> 20);
        return 3;
    default:
        FAULT();
    }
}
