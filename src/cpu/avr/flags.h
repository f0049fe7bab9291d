/* flags.h - SREG arithmetic of the AVR instruction set manual, one helper
 * per flag formula, inlined into the group files. */
#ifndef EMKIT_AVR_FLAGS_H
#define EMKIT_AVR_FLAGS_H

#include "avr_int.h"

#define EMK_AVR_RD(op) (((op) >> 4) & 31)
#define EMK_AVR_RR(op) (((op) & 15) | (((op) >> 5) & 16))
#define EMK_AVR_RD16(op) (16 + (((op) >> 4) & 15))
#define EMK_AVR_K8(op) ((uint8_t)(((op) & 15) | (((op) >> 4) & 0xF0)))

/* N, Z and S = N ^ V, from a result and the V already chosen. */
static inline uint8_t emk_avr_nzs(uint8_t r, uint8_t v)
{
    uint8_t f = v;

    if (r & 0x80)
        f |= EMK_AVR_N;
    if (!r)
        f |= EMK_AVR_Z;
    if (((f >> 2) ^ (f >> 3)) & 1)
        f |= EMK_AVR_S;
    return f;
}

/* ADD/ADC: H and C from the carries out of bits 3 and 7, V from bit 7. */
static inline uint8_t emk_avr_flags_add(uint8_t d, uint8_t s, uint8_t r)
{
    uint8_t c = (uint8_t)((d & s) | (s & ~r) | (~r & d));
    uint8_t f = 0;

    if (c & 0x08)
        f |= EMK_AVR_H;
    if (c & 0x80)
        f |= EMK_AVR_C;
    if (((d & s & ~r) | (~d & ~s & r)) & 0x80)
        f |= EMK_AVR_V;
    return (uint8_t)(emk_avr_nzs(r, f & EMK_AVR_V) | (f & ~EMK_AVR_V));
}

/* SUB/SBC/CP/CPC/SUBI/SBCI/CPI/NEG: borrows out of bits 3 and 7. */
static inline uint8_t emk_avr_flags_sub(uint8_t d, uint8_t s, uint8_t r)
{
    uint8_t b = (uint8_t)((~d & s) | (s & r) | (r & ~d));
    uint8_t f = 0;

    if (b & 0x08)
        f |= EMK_AVR_H;
    if (b & 0x80)
        f |= EMK_AVR_C;
    if (((d & ~s & ~r) | (~d & s & r)) & 0x80)
        f |= EMK_AVR_V;
    return (uint8_t)(emk_avr_nzs(r, f & EMK_AVR_V) | (f & ~EMK_AVR_V));
}

/* Replaces the bits in mask of SREG with f. */
static inline void emk_avr_sreg_set(emk_avr *cpu, uint8_t mask, uint8_t f)
{
    cpu->data[EMK_AVR_SREG] = (uint8_t)((cpu->data[EMK_AVR_SREG] & ~mask) | (f & mask));
}

enum {
    EMK_AVR_ARITH = EMK_AVR_H | EMK_AVR_S | EMK_AVR_V | EMK_AVR_N | EMK_AVR_Z | EMK_AVR_C,
    EMK_AVR_LOGIC = EMK_AVR_S | EMK_AVR_V | EMK_AVR_N | EMK_AVR_Z,
    EMK_AVR_SVNZC = EMK_AVR_S | EMK_AVR_V | EMK_AVR_N | EMK_AVR_Z | EMK_AVR_C
};

#endif
