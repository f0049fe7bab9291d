/* exec_bit.c - bit and shift instructions: SWAP ASR LSR ROR, BSET/BCLR
 * (SEC, CLI, ...), BST/BLD and the I/O bit writes SBI/CBI (2 cycles; on
 * the ATmega328P they change one bit only, see emk_avr_write_mask). */
#include "flags.h"

#define RD (EMK_AVR_RD(op))
#define SREG (cpu->data[EMK_AVR_SREG])

unsigned emk_avr_op_swap(emk_avr *cpu, uint16_t op)
{
    uint8_t d = cpu->data[RD];

    cpu->data[RD] = (uint8_t)((d << 4) | (d >> 4));
    cpu->pc++;
    return 1;
}

/* Right shifts: C = bit 0 shifted out, V = N ^ C, S = N ^ V. */
static unsigned shift_right(emk_avr *cpu, unsigned rd, uint8_t top)
{
    uint8_t d = cpu->data[rd], r = (uint8_t)((d >> 1) | top), f = 0;

    if (d & 1) f |= EMK_AVR_C;
    if (r & 0x80) f |= EMK_AVR_N;
    if (!r) f |= EMK_AVR_Z;
    if (((f >> 2) ^ f) & 1) f |= EMK_AVR_V;
    if (((f >> 2) ^ (f >> 3)) & 1) f |= EMK_AVR_S;
    cpu->data[rd] = r;
    emk_avr_sreg_set(cpu, EMK_AVR_SVNZC, f);
    cpu->pc++;
    return 1;
}

unsigned emk_avr_op_asr(emk_avr *cpu, uint16_t op)
{
    return shift_right(cpu, RD, cpu->data[RD] & 0x80);
}

unsigned emk_avr_op_lsr(emk_avr *cpu, uint16_t op)
{
    return shift_right(cpu, RD, 0);
}

unsigned emk_avr_op_ror(emk_avr *cpu, uint16_t op)
{
    return shift_right(cpu, RD, (SREG & EMK_AVR_C) ? 0x80 : 0);
}

unsigned emk_avr_op_bset(emk_avr *cpu, uint16_t op)
{
    uint8_t bit = (uint8_t)(1u << ((op >> 4) & 7));

    if (bit == EMK_AVR_I && !(SREG & EMK_AVR_I))
        cpu->inhibit = 1;    /* SEI: the next instruction runs first */
    SREG |= bit;
    cpu->pc++;
    return 1;
}

unsigned emk_avr_op_bclr(emk_avr *cpu, uint16_t op)
{
    SREG &= (uint8_t)~(1u << ((op >> 4) & 7));
    cpu->pc++;
    return 1;
}

unsigned emk_avr_op_bst(emk_avr *cpu, uint16_t op)
{
    if (cpu->data[RD] & (1u << (op & 7)))
        SREG |= EMK_AVR_T;
    else
        SREG &= (uint8_t)~EMK_AVR_T;
    cpu->pc++;
    return 1;
}

unsigned emk_avr_op_bld(emk_avr *cpu, uint16_t op)
{
    uint8_t m = (uint8_t)(1u << (op & 7));

    if (SREG & EMK_AVR_T)
        cpu->data[RD] |= m;
    else
        cpu->data[RD] &= (uint8_t)~m;
    cpu->pc++;
    return 1;
}

static unsigned io_bit(emk_avr *cpu, uint16_t op, int set)
{
    uint16_t a = (uint16_t)(EMK_AVR_IO_START + ((op >> 3) & 31));
    uint8_t m = (uint8_t)(1u << (op & 7));
    uint8_t v = emk_avr_ld(cpu, a);

    cpu->bit_mask = m;
    emk_avr_st(cpu, a, set ? (uint8_t)(v | m) : (uint8_t)(v & ~m));
    cpu->bit_mask = 0xFF;
    cpu->pc++;
    return 2;
}

unsigned emk_avr_op_sbi(emk_avr *cpu, uint16_t op)
{
    return io_bit(cpu, op, 1);
}

unsigned emk_avr_op_cbi(emk_avr *cpu, uint16_t op)
{
    return io_bit(cpu, op, 0);
}
