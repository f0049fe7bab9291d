/* exec_alu.c - arithmetic and logic: ADD ADC SUB SBC CP CPC AND OR EOR,
 * the immediate forms, COM NEG INC DEC, ADIW SBIW and the multiplies.
 * Cycles from the ATmega328P instruction summary: 1, 2 for ADIW/SBIW and
 * the multiplies. */
#include "flags.h"

#define RD (EMK_AVR_RD(op))
#define RR (EMK_AVR_RR(op))
#define SREG (cpu->data[EMK_AVR_SREG])
#define CARRY (SREG & EMK_AVR_C)

unsigned emk_avr_op_add(emk_avr *cpu, uint16_t op)
{
    uint8_t d = cpu->data[RD], s = cpu->data[RR], r = (uint8_t)(d + s);

    cpu->data[RD] = r;
    emk_avr_sreg_set(cpu, EMK_AVR_ARITH, emk_avr_flags_add(d, s, r));
    cpu->pc++;
    return 1;
}

unsigned emk_avr_op_adc(emk_avr *cpu, uint16_t op)
{
    uint8_t d = cpu->data[RD], s = cpu->data[RR], r = (uint8_t)(d + s + CARRY);

    cpu->data[RD] = r;
    emk_avr_sreg_set(cpu, EMK_AVR_ARITH, emk_avr_flags_add(d, s, r));
    cpu->pc++;
    return 1;
}

/* The subtractions; keepz: Z stays set only if it was (SBC, CPC, SBCI). */
static void sub_common(emk_avr *cpu, unsigned rd, uint8_t s, int carry, int keepz,
                       int store)
{
    uint8_t d = cpu->data[rd], r = (uint8_t)(d - s - (carry ? CARRY : 0));
    uint8_t f = emk_avr_flags_sub(d, s, r);

    if (keepz && !(SREG & EMK_AVR_Z))
        f &= (uint8_t)~EMK_AVR_Z;
    emk_avr_sreg_set(cpu, EMK_AVR_ARITH, f);
    if (store)
        cpu->data[rd] = r;
    cpu->pc++;
}

unsigned emk_avr_op_sub(emk_avr *cpu, uint16_t op)
{
    sub_common(cpu, RD, cpu->data[RR], 0, 0, 1);
    return 1;
}

unsigned emk_avr_op_sbc(emk_avr *cpu, uint16_t op)
{
    sub_common(cpu, RD, cpu->data[RR], 1, 1, 1);
    return 1;
}

unsigned emk_avr_op_cp(emk_avr *cpu, uint16_t op)
{
    sub_common(cpu, RD, cpu->data[RR], 0, 0, 0);
    return 1;
}

unsigned emk_avr_op_cpc(emk_avr *cpu, uint16_t op)
{
    sub_common(cpu, RD, cpu->data[RR], 1, 1, 0);
    return 1;
}

unsigned emk_avr_op_subi(emk_avr *cpu, uint16_t op)
{
    sub_common(cpu, EMK_AVR_RD16(op), EMK_AVR_K8(op), 0, 0, 1);
    return 1;
}

unsigned emk_avr_op_sbci(emk_avr *cpu, uint16_t op)
{
    sub_common(cpu, EMK_AVR_RD16(op), EMK_AVR_K8(op), 1, 1, 1);
    return 1;
}

unsigned emk_avr_op_cpi(emk_avr *cpu, uint16_t op)
{
    sub_common(cpu, EMK_AVR_RD16(op), EMK_AVR_K8(op), 0, 0, 0);
    return 1;
}

static unsigned logic(emk_avr *cpu, unsigned rd, uint8_t r)
{
    cpu->data[rd] = r;
    emk_avr_sreg_set(cpu, EMK_AVR_LOGIC, emk_avr_nzs(r, 0));
    cpu->pc++;
    return 1;
}

unsigned emk_avr_op_and(emk_avr *cpu, uint16_t op)
{
    return logic(cpu, RD, cpu->data[RD] & cpu->data[RR]);
}

unsigned emk_avr_op_or(emk_avr *cpu, uint16_t op)
{
    return logic(cpu, RD, cpu->data[RD] | cpu->data[RR]);
}

unsigned emk_avr_op_eor(emk_avr *cpu, uint16_t op)
{
    return logic(cpu, RD, cpu->data[RD] ^ cpu->data[RR]);
}

unsigned emk_avr_op_andi(emk_avr *cpu, uint16_t op)
{
    unsigned rd = EMK_AVR_RD16(op);

    return logic(cpu, rd, cpu->data[rd] & EMK_AVR_K8(op));
}

unsigned emk_avr_op_ori(emk_avr *cpu, uint16_t op)
{
    unsigned rd = EMK_AVR_RD16(op);

    return logic(cpu, rd, cpu->data[rd] | EMK_AVR_K8(op));
}

unsigned emk_avr_op_com(emk_avr *cpu, uint16_t op)
{
    uint8_t r = (uint8_t)~cpu->data[RD];

    cpu->data[RD] = r;
    emk_avr_sreg_set(cpu, EMK_AVR_SVNZC, (uint8_t)(emk_avr_nzs(r, 0) | EMK_AVR_C));
    cpu->pc++;
    return 1;
}

unsigned emk_avr_op_neg(emk_avr *cpu, uint16_t op)
{
    uint8_t d = cpu->data[RD], r = (uint8_t)(0 - d);

    cpu->data[RD] = r;
    emk_avr_sreg_set(cpu, EMK_AVR_ARITH, emk_avr_flags_sub(0, d, r));
    cpu->pc++;
    return 1;
}

unsigned emk_avr_op_inc(emk_avr *cpu, uint16_t op)
{
    uint8_t r = (uint8_t)(cpu->data[RD] + 1);

    cpu->data[RD] = r;
    emk_avr_sreg_set(cpu, EMK_AVR_LOGIC, emk_avr_nzs(r, r == 0x80 ? EMK_AVR_V : 0));
    cpu->pc++;
    return 1;
}

unsigned emk_avr_op_dec(emk_avr *cpu, uint16_t op)
{
    uint8_t r = (uint8_t)(cpu->data[RD] - 1);

    cpu->data[RD] = r;
    emk_avr_sreg_set(cpu, EMK_AVR_LOGIC, emk_avr_nzs(r, r == 0x7F ? EMK_AVR_V : 0));
    cpu->pc++;
    return 1;
}

/* ADIW/SBIW: Rd in {24, 26, 28, 30}, K 0..63. */
static unsigned addsub_word(emk_avr *cpu, uint16_t op, int sub)
{
    unsigned rd = 24 + ((op >> 3) & 6);
    unsigned k = (op & 15) | ((op >> 2) & 0x30);
    uint16_t d = emk_avr_reg16(cpu, rd);
    uint16_t r = (uint16_t)(sub ? d - k : d + k);
    uint8_t f = 0;

    if (sub) {
        if ((d & ~r) & 0x8000) f |= EMK_AVR_V;
        if ((r & ~d) & 0x8000) f |= EMK_AVR_C;
    } else {
        if ((~d & r) & 0x8000) f |= EMK_AVR_V;
        if ((~r & d) & 0x8000) f |= EMK_AVR_C;
    }
    if (r & 0x8000) f |= EMK_AVR_N;
    if (!r) f |= EMK_AVR_Z;
    if (((f >> 2) ^ (f >> 3)) & 1) f |= EMK_AVR_S;
    emk_avr_set_reg16(cpu, rd, r);
    emk_avr_sreg_set(cpu, EMK_AVR_SVNZC, f);
    cpu->pc++;
    return 2;
}

unsigned emk_avr_op_adiw(emk_avr *cpu, uint16_t op)
{
    return addsub_word(cpu, op, 0);
}

unsigned emk_avr_op_sbiw(emk_avr *cpu, uint16_t op)
{
    return addsub_word(cpu, op, 1);
}

/* Products go to R1:R0; C is bit 15 of the product, Z tests the result
 * (after the shift for FMUL*). */
static unsigned mul_store(emk_avr *cpu, int32_t p, int frac)
{
    uint16_t r = (uint16_t)p;
    uint8_t f = (r & 0x8000) ? EMK_AVR_C : 0;

    if (frac)
        r = (uint16_t)(r << 1);
    if (!r)
        f |= EMK_AVR_Z;
    emk_avr_set_reg16(cpu, 0, r);
    emk_avr_sreg_set(cpu, EMK_AVR_Z | EMK_AVR_C, f);
    cpu->pc++;
    return 2;
}

unsigned emk_avr_op_mul(emk_avr *cpu, uint16_t op)
{
    return mul_store(cpu, (int32_t)cpu->data[RD] * cpu->data[RR], 0);
}

unsigned emk_avr_op_muls(emk_avr *cpu, uint16_t op)
{
    int8_t d = (int8_t)cpu->data[16 + ((op >> 4) & 15)];
    int8_t r = (int8_t)cpu->data[16 + (op & 15)];

    return mul_store(cpu, (int32_t)d * r, 0);
}

/* MULSU, FMUL, FMULS, FMULSU: registers r16..r23. */
#define D3 (cpu->data[16 + ((op >> 4) & 7)])
#define R3 (cpu->data[16 + (op & 7)])

unsigned emk_avr_op_mulsu(emk_avr *cpu, uint16_t op)
{
    return mul_store(cpu, (int32_t)(int8_t)D3 * R3, 0);
}

unsigned emk_avr_op_fmul(emk_avr *cpu, uint16_t op)
{
    return mul_store(cpu, (int32_t)D3 * R3, 1);
}

unsigned emk_avr_op_fmuls(emk_avr *cpu, uint16_t op)
{
    return mul_store(cpu, (int32_t)(int8_t)D3 * (int8_t)R3, 1);
}

unsigned emk_avr_op_fmulsu(emk_avr *cpu, uint16_t op)
{
    return mul_store(cpu, (int32_t)(int8_t)D3 * R3, 1);
}
