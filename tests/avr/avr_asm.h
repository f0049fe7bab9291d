/* avr_asm.h - AVR opcode encoders for the core's tests (encodings from
 * the AVR instruction set manual's opcode map). */
#ifndef EMKIT_TEST_AVR_ASM_H
#define EMKIT_TEST_AVR_ASM_H

#include <stdint.h>

static inline uint16_t a_rr(uint16_t base, unsigned d, unsigned r)
{
    return (uint16_t)(base | ((r & 0x10) << 5) | ((d & 0x1F) << 4) | (r & 0xF));
}
static inline uint16_t a_ri(uint16_t base, unsigned d, unsigned k)
{
    return (uint16_t)(base | ((k & 0xF0) << 4) | (((d - 16) & 0xF) << 4) | (k & 0xF));
}
static inline uint16_t a_r(uint16_t base, unsigned d)
{
    return (uint16_t)(base | ((d & 0x1F) << 4));
}
static inline uint16_t a_w(uint16_t base, unsigned d, unsigned k)   /* ADIW/SBIW */
{
    return (uint16_t)(base | ((k & 0x30) << 2) | (((d - 24) / 2) << 4) | (k & 0xF));
}
static inline uint16_t a_io(uint16_t base, unsigned d, unsigned a)  /* IN/OUT */
{
    return (uint16_t)(base | ((a & 0x30) << 5) | ((d & 0x1F) << 4) | (a & 0xF));
}
static inline uint16_t a_bit(uint16_t base, unsigned a, unsigned b) /* SBI.. */
{
    return (uint16_t)(base | ((a & 0x1F) << 3) | (b & 7));
}
static inline uint16_t a_ldd(uint16_t base, unsigned d, unsigned q) /* LDD/STD */
{
    return (uint16_t)(base | ((q & 0x20) << 8) | ((q & 0x18) << 7) | (q & 7) | ((d & 0x1F) << 4));
}
static inline uint16_t a_br(uint16_t base, unsigned s, int k)
{
    return (uint16_t)(base | (((unsigned)k & 0x7F) << 3) | (s & 7));
}

enum {
    A_ADD = 0x0C00, A_ADC = 0x1C00, A_SUB = 0x1800, A_SBC = 0x0800, A_CP = 0x1400,
    A_CPC = 0x0400, A_AND = 0x2000, A_OR = 0x2800, A_EOR = 0x2400, A_MOV = 0x2C00,
    A_CPSE = 0x1000, A_MUL = 0x9C00,
    A_CPI = 0x3000, A_SBCI = 0x4000, A_SUBI = 0x5000, A_ORI = 0x6000, A_ANDI = 0x7000,
    A_LDI = 0xE000,
    A_COM = 0x9400, A_NEG = 0x9401, A_SWAP = 0x9402, A_INC = 0x9403, A_ASR = 0x9405,
    A_LSR = 0x9406, A_ROR = 0x9407, A_DEC = 0x940A, A_PUSH = 0x920F, A_POP = 0x900F,
    A_LD_X = 0x900C, A_LD_XI = 0x900D, A_LD_DX = 0x900E, A_ST_DY = 0x920A,
    A_ST_X = 0x920C, A_LPM_Z = 0x9004, A_LPM_ZI = 0x9005, A_LDS = 0x9000, A_STS = 0x9200,
    A_LDD_Y = 0x8008, A_STD_Z = 0x8200,
    A_ADIW = 0x9600, A_SBIW = 0x9700, A_IN = 0xB000, A_OUT = 0xB800,
    A_SBI = 0x9A00, A_CBI = 0x9800, A_SBIS = 0x9B00, A_SBIC = 0x9900,
    A_SBRS = 0xFE00, A_SBRC = 0xFC00, A_BST = 0xFA00, A_BLD = 0xF800,
    A_BRBS = 0xF000, A_BRBC = 0xF400, A_RJMP = 0xC000, A_RCALL = 0xD000,
    A_JMP = 0x940C, A_CALL = 0x940E, A_RET = 0x9508, A_RETI = 0x9518, A_ICALL = 0x9509,
    A_IJMP = 0x9409, A_SEI = 0x9478, A_CLI = 0x94F8, A_SEC = 0x9408, A_CLC = 0x9488,
    A_SEZ = 0x9418, A_CLZ = 0x9498, A_SET = 0x9468,
    A_NOP = 0x0000, A_SLEEP = 0x9588, A_WDR = 0x95A8, A_SPM = 0x95E8, A_BREAK = 0x9598,
    A_LPM0 = 0x95C8
};

#endif
