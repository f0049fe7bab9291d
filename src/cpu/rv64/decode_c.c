/*
 * decode_c.c - the C extension (RV64C): each 16-bit instruction expands at
 * decode time into the rv64_insn of its 32-bit equivalent, with len 2.
 * Reserved encodings (and the all-zero parcel) decode as OP_ILLEGAL.
 */
#include "rv64_int.h"

static uint32_t bit(uint32_t h, int hi, int lo)
{
    return (h >> lo) & ((1u << (hi - lo + 1)) - 1);
}
static int32_t sext(uint32_t v, int bits)
{
    return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

static void set(rv64_insn *in, int op, int rd, int rs1, int rs2, int32_t imm)
{
    in->op = (uint16_t)op;
    in->rd = (uint8_t)rd;
    in->rs1 = (uint8_t)rs1;
    in->rs2 = (uint8_t)rs2;
    in->imm = imm;
}

static void quad0(uint32_t h, rv64_insn *in)
{
    int rdp = (int)bit(h, 4, 2) + 8, rs1p = (int)bit(h, 9, 7) + 8;
    uint32_t off_d = (bit(h, 12, 10) << 3) | (bit(h, 6, 5) << 6);
    uint32_t off_w = (bit(h, 12, 10) << 3) | (bit(h, 6, 6) << 2) | (bit(h, 5, 5) << 6);

    switch (bit(h, 15, 13)) {
    case 0: {
        uint32_t imm = (bit(h, 12, 11) << 4) | (bit(h, 10, 7) << 6) |
                       (bit(h, 6, 6) << 2) | (bit(h, 5, 5) << 3);
        if (imm)
            set(in, OP_ADDI, rdp, 2, 0, (int32_t)imm);
        break;
    }
    case 1: set(in, OP_FLD, rdp, rs1p, 0, (int32_t)off_d); break;
    case 2: set(in, OP_LW, rdp, rs1p, 0, (int32_t)off_w); break;
    case 3: set(in, OP_LD, rdp, rs1p, 0, (int32_t)off_d); break;
    case 5: set(in, OP_FSD, 0, rs1p, rdp, (int32_t)off_d); break;
    case 6: set(in, OP_SW, 0, rs1p, rdp, (int32_t)off_w); break;
    case 7: set(in, OP_SD, 0, rs1p, rdp, (int32_t)off_d); break;
    default: break;
    }
}

static void quad1_alu(uint32_t h, rv64_insn *in)
{
    int rd = (int)bit(h, 9, 7) + 8, rs2 = (int)bit(h, 4, 2) + 8;
    uint32_t sh = (bit(h, 12, 12) << 5) | bit(h, 6, 2);

    switch (bit(h, 11, 10)) {
    case 0: set(in, OP_SRLI, rd, rd, 0, (int32_t)sh); break;
    case 1: set(in, OP_SRAI, rd, rd, 0, (int32_t)sh); break;
    case 2: set(in, OP_ANDI, rd, rd, 0, sext(sh, 6)); break;
    default: {
        static const uint16_t lo[4] = { OP_SUB, OP_XOR, OP_OR, OP_AND };
        static const uint16_t hi[4] = { OP_SUBW, OP_ADDW, OP_ILLEGAL, OP_ILLEGAL };
        uint32_t f = bit(h, 6, 5);
        set(in, bit(h, 12, 12) ? hi[f] : lo[f], rd, rd, rs2, 0);
        break;
    }
    }
}

static void quad1(uint32_t h, rv64_insn *in)
{
    int rd = (int)bit(h, 11, 7), rs1p = (int)bit(h, 9, 7) + 8;
    int32_t imm6 = sext((bit(h, 12, 12) << 5) | bit(h, 6, 2), 6);

    switch (bit(h, 15, 13)) {
    case 0: set(in, OP_ADDI, rd, rd, 0, imm6); break;
    case 1: if (rd) set(in, OP_ADDIW, rd, rd, 0, imm6); break;
    case 2: set(in, OP_ADDI, rd, 0, 0, imm6); break;
    case 3:
        if (rd == 2) {
            int32_t imm = sext((bit(h, 12, 12) << 9) | (bit(h, 6, 6) << 4) |
                               (bit(h, 5, 5) << 6) | (bit(h, 4, 3) << 7) |
                               (bit(h, 2, 2) << 5), 10);
            if (imm)
                set(in, OP_ADDI, 2, 2, 0, imm);
        } else if (imm6) {
            set(in, OP_LUI, rd, 0, 0, (int32_t)((uint32_t)imm6 << 12));
        }
        break;
    case 4: quad1_alu(h, in); break;
    case 5: {
        int32_t imm = sext((bit(h, 12, 12) << 11) | (bit(h, 11, 11) << 4) |
                           (bit(h, 10, 9) << 8) | (bit(h, 8, 8) << 10) |
                           (bit(h, 7, 7) << 6) | (bit(h, 6, 6) << 7) |
                           (bit(h, 5, 3) << 1) | (bit(h, 2, 2) << 5), 12);
        set(in, OP_JAL, 0, 0, 0, imm);
        break;
    }
    default: {
        int32_t imm = sext((bit(h, 12, 12) << 8) | (bit(h, 11, 10) << 3) |
                           (bit(h, 6, 5) << 6) | (bit(h, 4, 3) << 1) |
                           (bit(h, 2, 2) << 5), 9);
        set(in, bit(h, 15, 13) == 6 ? OP_BEQ : OP_BNE, 0, rs1p, 0, imm);
        break;
    }
    }
}

static void quad2(uint32_t h, rv64_insn *in)
{
    int rd = (int)bit(h, 11, 7), rs2 = (int)bit(h, 6, 2);
    uint32_t ld = (bit(h, 12, 12) << 5) | (bit(h, 6, 5) << 3) | (bit(h, 4, 2) << 6);
    uint32_t sd = (bit(h, 12, 10) << 3) | (bit(h, 9, 7) << 6);

    switch (bit(h, 15, 13)) {
    case 0: set(in, OP_SLLI, rd, rd, 0, (int32_t)((bit(h, 12, 12) << 5) | bit(h, 6, 2))); break;
    case 1: set(in, OP_FLD, rd, 2, 0, (int32_t)ld); break;
    case 2:
        if (rd)
            set(in, OP_LW, rd, 2, 0, (int32_t)((bit(h, 12, 12) << 5) |
                (bit(h, 6, 4) << 2) | (bit(h, 3, 2) << 6)));
        break;
    case 3: if (rd) set(in, OP_LD, rd, 2, 0, (int32_t)ld); break;
    case 4:
        if (!bit(h, 12, 12)) {
            if (rs2 == 0) {
                if (rd)
                    set(in, OP_JALR, 0, rd, 0, 0);
            } else {
                set(in, OP_ADD, rd, 0, rs2, 0);
            }
        } else if (rs2 == 0) {
            if (rd == 0)
                set(in, OP_EBREAK, 0, 0, 0, 0);
            else
                set(in, OP_JALR, 1, rd, 0, 0);
        } else {
            set(in, OP_ADD, rd, rd, rs2, 0);
        }
        break;
    case 5: set(in, OP_FSD, 0, 2, rs2, (int32_t)sd); break;
    case 6: set(in, OP_SW, 0, 2, rs2, (int32_t)((bit(h, 12, 9) << 2) | (bit(h, 8, 7) << 6))); break;
    default: set(in, OP_SD, 0, 2, rs2, (int32_t)sd); break;
    }
}

void emk_rv64_decode16(uint16_t h, rv64_insn *in)
{
    in->op = OP_ILLEGAL;
    in->len = 2;
    in->rd = in->rs1 = in->rs2 = in->rs3 = in->rm = 0;
    in->imm = 0;
    switch (h & 3) {
    case 0: quad0(h, in); break;
    case 1: quad1(h, in); break;
    default: quad2(h, in); break;
    }
    emk_rv64_fix_x0(in);
}
