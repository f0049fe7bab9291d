/* decode.c - 16-bit AVR opcodes to op numbers (avr_int.h), following the
 * opcode map of the AVR instruction set manual.  The core decodes flash
 * once per word (emk_avr_load_flash, SPM page writes) into cpu->dec. */
#include "avr_int.h"

int emk_avr_is_two_word(uint16_t op)
{
    return (op & 0xFC0F) == 0x9000 || (op & 0xFE0C) == 0x940C;
}

static uint8_t decode_9(uint16_t op)
{
    /* 1001 xxxx: loads/stores, one-operand ops, jumps, ADIW, I/O bits, MUL */
    switch ((op >> 8) & 0xF) {
    case 0x0: case 0x1:
        switch (op & 0xF) {
        case 0x0: return EMK_AVR_OP_lds;
        case 0x1: return EMK_AVR_OP_ld_zi;
        case 0x2: return EMK_AVR_OP_ld_dz;
        case 0x4: return EMK_AVR_OP_lpm;
        case 0x5: return EMK_AVR_OP_lpm_i;
        case 0x9: return EMK_AVR_OP_ld_yi;
        case 0xA: return EMK_AVR_OP_ld_dy;
        case 0xC: return EMK_AVR_OP_ld_x;
        case 0xD: return EMK_AVR_OP_ld_xi;
        case 0xE: return EMK_AVR_OP_ld_dx;
        case 0xF: return EMK_AVR_OP_pop;
        default: return EMK_AVR_OP_illegal;   /* ELPM (no RAMPZ), reserved */
        }
    case 0x2: case 0x3:
        switch (op & 0xF) {
        case 0x0: return EMK_AVR_OP_sts;
        case 0x1: return EMK_AVR_OP_st_zi;
        case 0x2: return EMK_AVR_OP_st_dz;
        case 0x9: return EMK_AVR_OP_st_yi;
        case 0xA: return EMK_AVR_OP_st_dy;
        case 0xC: return EMK_AVR_OP_st_x;
        case 0xD: return EMK_AVR_OP_st_xi;
        case 0xE: return EMK_AVR_OP_st_dx;
        case 0xF: return EMK_AVR_OP_push;
        default: return EMK_AVR_OP_illegal;   /* XCH, LAS, LAC, LAT: xmega */
        }
    case 0x4: case 0x5:
        switch (op & 0xF) {
        case 0x0: return EMK_AVR_OP_com;
        case 0x1: return EMK_AVR_OP_neg;
        case 0x2: return EMK_AVR_OP_swap;
        case 0x3: return EMK_AVR_OP_inc;
        case 0x5: return EMK_AVR_OP_asr;
        case 0x6: return EMK_AVR_OP_lsr;
        case 0x7: return EMK_AVR_OP_ror;
        case 0xA: return EMK_AVR_OP_dec;
        case 0xC: case 0xD: return EMK_AVR_OP_jmp;
        case 0xE: case 0xF: return EMK_AVR_OP_call;
        case 0x8:
            if (op == 0x9508) return EMK_AVR_OP_ret;
            if (op == 0x9518) return EMK_AVR_OP_reti;
            if (op == 0x9588) return EMK_AVR_OP_sleep;
            if (op == 0x9598) return EMK_AVR_OP_brk;
            if (op == 0x95A8) return EMK_AVR_OP_wdr;
            if (op == 0x95C8) return EMK_AVR_OP_lpm0;
            if (op == 0x95E8) return EMK_AVR_OP_spm;
            if ((op & 0xFF8F) == 0x9408) return EMK_AVR_OP_bset;
            if ((op & 0xFF8F) == 0x9488) return EMK_AVR_OP_bclr;
            return EMK_AVR_OP_illegal;            /* ELPM, SPM Z+ */
        case 0x9:
            if (op == 0x9409) return EMK_AVR_OP_ijmp;
            if (op == 0x9509) return EMK_AVR_OP_icall;
            return EMK_AVR_OP_illegal;            /* EIJMP, EICALL */
        default:
            return EMK_AVR_OP_illegal;            /* DES (0x..B), reserved */
        }
    case 0x6: return EMK_AVR_OP_adiw;
    case 0x7: return EMK_AVR_OP_sbiw;
    case 0x8: return EMK_AVR_OP_cbi;
    case 0x9: return EMK_AVR_OP_sbic;
    case 0xA: return EMK_AVR_OP_sbi;
    case 0xB: return EMK_AVR_OP_sbis;
    default: return EMK_AVR_OP_mul;
    }
}

uint8_t emk_avr_decode(uint16_t op)
{
    switch (op >> 12) {
    case 0x0:
        switch ((op >> 10) & 3) {
        case 0:
            switch ((op >> 8) & 3) {
            case 0: return op == 0 ? EMK_AVR_OP_nop : EMK_AVR_OP_illegal;
            case 1: return EMK_AVR_OP_movw;
            case 2: return EMK_AVR_OP_muls;
            default:
                switch (op & 0x88) {
                case 0x00: return EMK_AVR_OP_mulsu;
                case 0x08: return EMK_AVR_OP_fmul;
                case 0x80: return EMK_AVR_OP_fmuls;
                default: return EMK_AVR_OP_fmulsu;
                }
            }
        case 1: return EMK_AVR_OP_cpc;
        case 2: return EMK_AVR_OP_sbc;
        default: return EMK_AVR_OP_add;
        }
    case 0x1:
        switch ((op >> 10) & 3) {
        case 0: return EMK_AVR_OP_cpse;
        case 1: return EMK_AVR_OP_cp;
        case 2: return EMK_AVR_OP_sub;
        default: return EMK_AVR_OP_adc;
        }
    case 0x2:
        switch ((op >> 10) & 3) {
        case 0: return EMK_AVR_OP_and;
        case 1: return EMK_AVR_OP_eor;
        case 2: return EMK_AVR_OP_or;
        default: return EMK_AVR_OP_mov;
        }
    case 0x3: return EMK_AVR_OP_cpi;
    case 0x4: return EMK_AVR_OP_sbci;
    case 0x5: return EMK_AVR_OP_subi;
    case 0x6: return EMK_AVR_OP_ori;
    case 0x7: return EMK_AVR_OP_andi;
    case 0x8: case 0xA:
        if (op & 0x0200)
            return (op & 8) ? EMK_AVR_OP_std_y : EMK_AVR_OP_std_z;
        return (op & 8) ? EMK_AVR_OP_ldd_y : EMK_AVR_OP_ldd_z;
    case 0x9: return decode_9(op);
    case 0xB: return (op & 0x0800) ? EMK_AVR_OP_out : EMK_AVR_OP_in;
    case 0xC: return EMK_AVR_OP_rjmp;
    case 0xD: return EMK_AVR_OP_rcall;
    case 0xE: return EMK_AVR_OP_ldi;
    default:
        switch ((op >> 9) & 7) {
        case 0: case 1: return EMK_AVR_OP_brbs;
        case 2: case 3: return EMK_AVR_OP_brbc;
        case 4: return (op & 8) ? EMK_AVR_OP_illegal : EMK_AVR_OP_bld;
        case 5: return (op & 8) ? EMK_AVR_OP_illegal : EMK_AVR_OP_bst;
        case 6: return (op & 8) ? EMK_AVR_OP_illegal : EMK_AVR_OP_sbrc;
        default: return (op & 8) ? EMK_AVR_OP_illegal : EMK_AVR_OP_sbrs;
        }
    }
}

void emk_avr_decode_range(emk_avr *cpu, uint32_t word, uint32_t nwords)
{
    uint32_t i;

    for (i = 0; i < nwords && word + i <= cpu->flash_mask; i++)
        cpu->dec[word + i] = emk_avr_decode(emk_avr_flash_word(cpu, word + i));
}
