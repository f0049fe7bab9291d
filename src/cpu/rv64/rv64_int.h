/*
 * rv64_int.h - the RV64 core's private pieces: the decoded instruction,
 * the operation numbers, the per-page cache and the helpers shared by the
 * decoder (decode.c, decode_c.c), the run loop (exec.c), the FPU (fpu.c)
 * and the CSRs (csr.c).
 */
#ifndef EMKIT_RV64_INT_H
#define EMKIT_RV64_INT_H

#include "emkit/rv64.h"

/* One decoded instruction: an operation number, its operands, and its
 * length (2 for a compressed one, expanded at decode; 0 = not decoded). */
typedef struct rv64_insn {
    uint16_t op;
    uint8_t rd, rs1, rs2, rs3;
    uint8_t rm;     /* FP rounding mode field, or AMO ordering bits */
    uint8_t len;
    int32_t imm;    /* immediate, shift amount or CSR number */
} rv64_insn;

enum rv64_op {
    OP_UNDECODED = 0, OP_ILLEGAL,
    OP_LUI, OP_AUIPC, OP_JAL, OP_JALR,
    OP_BEQ, OP_BNE, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU,
    OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU,
    OP_SB, OP_SH, OP_SW, OP_SD,
    OP_ADDI, OP_SLTI, OP_SLTIU, OP_XORI, OP_ORI, OP_ANDI,
    OP_SLLI, OP_SRLI, OP_SRAI,
    OP_ADD, OP_SUB, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_SRA, OP_OR, OP_AND,
    OP_ADDIW, OP_SLLIW, OP_SRLIW, OP_SRAIW,
    OP_ADDW, OP_SUBW, OP_SLLW, OP_SRLW, OP_SRAW,
    OP_FENCE, OP_FENCE_I, OP_ECALL, OP_EBREAK,
    OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU, OP_DIV, OP_DIVU, OP_REM, OP_REMU,
    OP_MULW, OP_DIVW, OP_DIVUW, OP_REMW, OP_REMUW,
    OP_LR_W, OP_SC_W, OP_LR_D, OP_SC_D,
    OP_AMO_W, OP_AMO_D,   /* rs3 holds the AMO function (funct5) */
    OP_CSRRW, OP_CSRRS, OP_CSRRC, OP_CSRRWI, OP_CSRRSI, OP_CSRRCI,
    OP_FLW, OP_FSW, OP_FLD, OP_FSD,
    OP_FP,                /* everything else of F and D: fpu.c, imm = fp op */
    /* fast paths (exec.c) of the commonest D ops in round-to-nearest;
     * any NaN result or another dynamic mode goes to fpu.c */
    OP_FADD_D, OP_FSUB_D, OP_FMUL_D, OP_FDIV_D, OP_FMADD_D, OP_FMSUB_D,
    OP_PAGE_END,          /* the two sentinel slots past a page's last halfword */
    OP_NOP,               /* a register-only instruction that writes x0 */
    OP_COUNT
};

/* FP operations (rv64_insn.imm of OP_FP). */
enum rv64_fop {
    F_MADD, F_MSUB, F_NMSUB, F_NMADD, F_ADD, F_SUB, F_MUL, F_DIV, F_SQRT,
    F_SGNJ, F_SGNJN, F_SGNJX, F_MIN, F_MAX,
    F_CVT_W, F_CVT_WU, F_CVT_L, F_CVT_LU,     /* float -> int */
    F_CVT_FROM_W, F_CVT_FROM_WU, F_CVT_FROM_L, F_CVT_FROM_LU,
    F_MV_X, F_MV_F, F_EQ, F_LT, F_LE, F_CLASS,
    F_CVT_S_D, F_CVT_D_S,
    F_NOPS
};
/* rv64_insn.rs3 of OP_FP carries the format in bit 7 (1 = double). */
enum { RV64_FMT_D = 0x80 };

/* AMO function codes (funct5). */
enum rv64_amo {
    AMO_ADD = 0x00, AMO_SWAP = 0x01, AMO_XOR = 0x04, AMO_OR = 0x08,
    AMO_AND = 0x0c, AMO_MIN = 0x10, AMO_MAX = 0x14, AMO_MINU = 0x18,
    AMO_MAXU = 0x1c
};

enum { RV64_PAGE_BITS = 12, RV64_PAGE_SIZE = 1 << RV64_PAGE_BITS,
       RV64_SLOTS = RV64_PAGE_SIZE / 2, RV64_CACHE_PAGES = 512 };

typedef struct rv64_cpage {
    uint64_t tag;          /* page number + 1; 0 = empty */
    rv64_insn *slot;       /* RV64_SLOTS entries, one per halfword, then two
                            * OP_PAGE_END sentinels: straight-line code walks
                            * the slots without a page check per instruction */
} rv64_cpage;

struct emk_rv64_icache {
    rv64_cpage page[RV64_CACHE_PAGES];
};

/* decode.c: fills *in from the 32-bit word w (len 4). */
void emk_rv64_decode32(uint32_t w, rv64_insn *in);
/* decode_c.c: fills *in from the 16-bit parcel h (len 2). */
void emk_rv64_decode16(uint16_t h, rv64_insn *in);
/* decode.c: turns a register-only op that writes x0 into OP_NOP, so that
 * the run loop never has to clear x0 after such an instruction. */
void emk_rv64_fix_x0(rv64_insn *in);
/* fpu.c: runs an OP_FP; returns 0, or -1 for an illegal encoding. */
int emk_rv64_fp_exec(emk_rv64_cpu *cpu, const rv64_insn *in);
/* csr.c: reads (and, when wr, writes) CSR n; returns 0 or -1 (illegal). */
int emk_rv64_csr(emk_rv64_cpu *cpu, uint32_t n, uint64_t *old, int wr, uint64_t val);

#endif
