/*
 * decode.c - RV64 32-bit instruction decoding (I, M, A, F, D, Zicsr,
 * Zifencei) into rv64_insn.  Anything not in RV64GC decodes as OP_ILLEGAL.
 */
#include "rv64_int.h"

static int32_t imm_i(uint32_t w) { return (int32_t)w >> 20; }
static int32_t imm_s(uint32_t w)
{
    return ((int32_t)(w & 0xfe000000u) >> 20) | (int32_t)((w >> 7) & 0x1f);
}
static int32_t imm_b(uint32_t w)
{
    return ((int32_t)(w & 0x80000000u) >> 19) | (int32_t)((w & 0x80) << 4) |
           (int32_t)((w >> 20) & 0x7e0) | (int32_t)((w >> 7) & 0x1e);
}
static int32_t imm_j(uint32_t w)
{
    return ((int32_t)(w & 0x80000000u) >> 11) | (int32_t)(w & 0xff000) |
           (int32_t)((w >> 9) & 0x800) | (int32_t)((w >> 20) & 0x7fe);
}

static void op_load(uint32_t f3, rv64_insn *in)
{
    static const uint16_t ops[8] = { OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU,
                                     OP_LWU, OP_ILLEGAL };
    in->op = ops[f3];
}

static void op_imm(uint32_t w, uint32_t f3, rv64_insn *in)
{
    uint32_t f6 = w >> 26;

    switch (f3) {
    case 0: in->op = OP_ADDI; break;
    case 2: in->op = OP_SLTI; break;
    case 3: in->op = OP_SLTIU; break;
    case 4: in->op = OP_XORI; break;
    case 6: in->op = OP_ORI; break;
    case 7: in->op = OP_ANDI; break;
    case 1:
        in->op = f6 == 0 ? OP_SLLI : OP_ILLEGAL;
        in->imm &= 63;
        break;
    default:
        in->op = f6 == 0 ? OP_SRLI : f6 == 0x10 ? OP_SRAI : OP_ILLEGAL;
        in->imm &= 63;
        break;
    }
}

static void op_imm32(uint32_t w, uint32_t f3, rv64_insn *in)
{
    uint32_t f7 = w >> 25;

    if (f3 == 0) {
        in->op = OP_ADDIW;
        return;
    }
    in->imm &= 31;
    if (f3 == 1)
        in->op = f7 == 0 ? OP_SLLIW : OP_ILLEGAL;
    else if (f3 == 5)
        in->op = f7 == 0 ? OP_SRLIW : f7 == 0x20 ? OP_SRAIW : OP_ILLEGAL;
    else
        in->op = OP_ILLEGAL;
}

static void op_reg(uint32_t w, uint32_t f3, rv64_insn *in)
{
    static const uint16_t base[8] = { OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR,
                                      OP_SRL, OP_OR, OP_AND };
    static const uint16_t mul[8] = { OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU,
                                     OP_DIV, OP_DIVU, OP_REM, OP_REMU };
    uint32_t f7 = w >> 25;

    if (f7 == 0)
        in->op = base[f3];
    else if (f7 == 1)
        in->op = mul[f3];
    else if (f7 == 0x20 && f3 == 0)
        in->op = OP_SUB;
    else if (f7 == 0x20 && f3 == 5)
        in->op = OP_SRA;
    else
        in->op = OP_ILLEGAL;
}

static void op_reg32(uint32_t w, uint32_t f3, rv64_insn *in)
{
    uint32_t f7 = w >> 25;

    in->op = OP_ILLEGAL;
    if (f7 == 0) {
        if (f3 == 0) in->op = OP_ADDW;
        else if (f3 == 1) in->op = OP_SLLW;
        else if (f3 == 5) in->op = OP_SRLW;
    } else if (f7 == 0x20) {
        if (f3 == 0) in->op = OP_SUBW;
        else if (f3 == 5) in->op = OP_SRAW;
    } else if (f7 == 1) {
        static const uint16_t m[8] = { OP_MULW, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL,
                                       OP_DIVW, OP_DIVUW, OP_REMW, OP_REMUW };
        in->op = m[f3];
    }
}

static void op_amo(uint32_t w, uint32_t f3, rv64_insn *in)
{
    uint32_t f5 = w >> 27;

    in->rm = (uint8_t)((w >> 25) & 3);
    in->op = OP_ILLEGAL;
    if (f3 != 2 && f3 != 3)
        return;
    if (f5 == 2) {
        if (in->rs2 == 0)
            in->op = f3 == 2 ? OP_LR_W : OP_LR_D;
        return;
    }
    if (f5 == 3) {
        in->op = f3 == 2 ? OP_SC_W : OP_SC_D;
        return;
    }
    switch (f5) {
    case AMO_ADD: case AMO_SWAP: case AMO_XOR: case AMO_OR: case AMO_AND:
    case AMO_MIN: case AMO_MAX: case AMO_MINU: case AMO_MAXU:
        in->op = f3 == 2 ? OP_AMO_W : OP_AMO_D;
        in->rs3 = (uint8_t)f5;
        break;
    default:
        break;
    }
}

static void op_system(uint32_t w, uint32_t f3, rv64_insn *in)
{
    static const uint16_t csr[8] = { OP_ILLEGAL, OP_CSRRW, OP_CSRRS, OP_CSRRC,
                                     OP_ILLEGAL, OP_CSRRWI, OP_CSRRSI, OP_CSRRCI };
    if (f3 == 0) {
        if (w == 0x00000073u)
            in->op = OP_ECALL;
        else if (w == 0x00100073u)
            in->op = OP_EBREAK;
        else
            in->op = OP_ILLEGAL;
        return;
    }
    in->op = csr[f3];
    in->imm = (int32_t)(w >> 20);
}

/* Valid rounding mode field: 0..4 or 7 (dynamic). */
static int rm_ok(uint32_t rm) { return rm <= 4 || rm == 7; }

static void op_fp(uint32_t w, rv64_insn *in)
{
    uint32_t f7 = w >> 25, fmt = f7 & 3, rm = (w >> 12) & 7;
    int f;

    in->op = OP_ILLEGAL;
    if (fmt > 1)
        return;
    in->rs3 = fmt ? RV64_FMT_D : 0;
    switch (f7 >> 2) {
    case 0x00: f = F_ADD; goto arith;
    case 0x01: f = F_SUB; goto arith;
    case 0x02: f = F_MUL; goto arith;
    case 0x03: f = F_DIV; goto arith;
    case 0x0b:
        if (in->rs2 != 0) return;
        f = F_SQRT;
    arith:
        if (!rm_ok(rm)) return;
        break;
    case 0x04:
        if (rm > 2) return;
        f = F_SGNJ + (int)rm;
        break;
    case 0x05:
        if (rm > 1) return;
        f = rm ? F_MAX : F_MIN;
        break;
    case 0x08:   /* fcvt.s.d (fmt S, rs2 1) / fcvt.d.s (fmt D, rs2 0) */
        if (!rm_ok(rm)) return;
        if (fmt == 0 && in->rs2 == 1) f = F_CVT_S_D;
        else if (fmt == 1 && in->rs2 == 0) f = F_CVT_D_S;
        else return;
        break;
    case 0x14:
        if (rm > 2) return;
        f = rm == 2 ? F_EQ : rm == 1 ? F_LT : F_LE;
        break;
    case 0x18:
        if (!rm_ok(rm) || in->rs2 > 3) return;
        f = F_CVT_W + in->rs2;
        break;
    case 0x1a:
        if (!rm_ok(rm) || in->rs2 > 3) return;
        f = F_CVT_FROM_W + in->rs2;
        break;
    case 0x1c:
        if (in->rs2 != 0) return;
        if (rm == 0) f = F_MV_X;
        else if (rm == 1) f = F_CLASS;
        else return;
        break;
    case 0x1e:
        if (in->rs2 != 0 || rm != 0) return;
        f = F_MV_F;
        break;
    default:
        return;
    }
    in->op = OP_FP;
    in->imm = f;
    in->rm = (uint8_t)rm;
    if (fmt == 1 && (rm == 0 || rm == 7) && f <= F_DIV && f >= F_ADD)
        in->op = (uint16_t)(OP_FADD_D + (f - F_ADD));
}

static void op_fma(uint32_t w, uint32_t opc, rv64_insn *in)
{
    uint32_t fmt = (w >> 25) & 3, rm = (w >> 12) & 7;

    in->op = OP_ILLEGAL;
    if (fmt > 1 || !rm_ok(rm))
        return;
    in->op = OP_FP;
    in->imm = F_MADD + (int)((opc >> 2) & 3);   /* 0x43, 0x47, 0x4b, 0x4f */
    in->rm = (uint8_t)rm;
    in->rs3 = (uint8_t)((w >> 27) | (fmt ? RV64_FMT_D : 0));
    if (fmt == 1 && (rm == 0 || rm == 7) && (in->imm == F_MADD || in->imm == F_MSUB))
        in->op = in->imm == F_MADD ? OP_FMADD_D : OP_FMSUB_D;
}

void emk_rv64_decode32(uint32_t w, rv64_insn *in)
{
    uint32_t opc = w & 0x7f, f3 = (w >> 12) & 7;

    in->len = 4;
    in->rd = (uint8_t)((w >> 7) & 31);
    in->rs1 = (uint8_t)((w >> 15) & 31);
    in->rs2 = (uint8_t)((w >> 20) & 31);
    in->rs3 = 0;
    in->rm = 0;
    in->imm = imm_i(w);
    in->op = OP_ILLEGAL;
    switch (opc) {
    case 0x37: in->op = OP_LUI; in->imm = (int32_t)(w & 0xfffff000u); break;
    case 0x17: in->op = OP_AUIPC; in->imm = (int32_t)(w & 0xfffff000u); break;
    case 0x6f: in->op = OP_JAL; in->imm = imm_j(w); break;
    case 0x67: if (f3 == 0) in->op = OP_JALR; break;
    case 0x63: {
        static const uint16_t b[8] = { OP_BEQ, OP_BNE, OP_ILLEGAL, OP_ILLEGAL,
                                       OP_BLT, OP_BGE, OP_BLTU, OP_BGEU };
        in->op = b[f3];
        in->imm = imm_b(w);
        break;
    }
    case 0x03: op_load(f3, in); break;
    case 0x23:
        in->imm = imm_s(w);
        in->op = f3 == 0 ? OP_SB : f3 == 1 ? OP_SH : f3 == 2 ? OP_SW :
                 f3 == 3 ? OP_SD : OP_ILLEGAL;
        break;
    case 0x13: op_imm(w, f3, in); break;
    case 0x1b: op_imm32(w, f3, in); break;
    case 0x33: op_reg(w, f3, in); break;
    case 0x3b: op_reg32(w, f3, in); break;
    case 0x0f:
        if (f3 == 0) in->op = OP_FENCE;
        else if (f3 == 1) in->op = OP_FENCE_I;
        break;
    case 0x73: op_system(w, f3, in); break;
    case 0x2f: op_amo(w, f3, in); break;
    case 0x07:
        if (f3 == 2) in->op = OP_FLW;
        else if (f3 == 3) in->op = OP_FLD;
        break;
    case 0x27:
        in->imm = imm_s(w);
        if (f3 == 2) in->op = OP_FSW;
        else if (f3 == 3) in->op = OP_FSD;
        break;
    case 0x53: op_fp(w, in); break;
    case 0x43: case 0x47: case 0x4b: case 0x4f: op_fma(w, opc, in); break;
    default: break;
    }
    emk_rv64_fix_x0(in);
}

void emk_rv64_fix_x0(rv64_insn *in)
{
    if (in->rd != 0)
        return;
    if ((in->op >= OP_ADDI && in->op <= OP_SRAW) || in->op == OP_LUI || in->op == OP_AUIPC ||
        (in->op >= OP_MUL && in->op <= OP_REMUW))
        in->op = OP_NOP;
}

int emk_rv64_insn_length(const uint8_t *bits, size_t len)
{
    rv64_insn in;

    if (len < 2)
        return 0;
    if ((bits[0] & 3) != 3) {
        emk_rv64_decode16((uint16_t)(bits[0] | (bits[1] << 8)), &in);
    } else {
        if (len < 4)
            return 0;
        emk_rv64_decode32((uint32_t)bits[0] | ((uint32_t)bits[1] << 8) |
                          ((uint32_t)bits[2] << 16) | ((uint32_t)bits[3] << 24), &in);
    }
    return in.op == OP_ILLEGAL ? 0 : in.len;
}
