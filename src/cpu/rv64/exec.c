/*
 * exec.c - the RV64 run loop: the per-page decoded-instruction cache, the
 * integer, M and A instructions, loads and stores, control transfers and
 * the ecall hook.  F/D arithmetic is in fpu.c, CSRs in csr.c.
 *
 * Guest memory is the flat window [mem_base, mem_base + mem_size); each
 * access is bounds-checked against it before the host touches it.  The
 * host keeps the window's pages mapped as the guest may use them; a host
 * that also catches its own faults inside the window (emkit-user turns
 * them into SIGSEGV) finds cpu->pc at the faulting instruction, since the
 * loop stores pc before every memory access.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "rv64_int.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "the RV64 core assumes a little-endian host"
#endif

int emk_rv64_init(emk_rv64_cpu *cpu, uint8_t *base, uint64_t size)
{
    memset(cpu, 0, sizeof(*cpu));
    if (!base || size < 16)
        return -EINVAL;
    cpu->icache = calloc(1, sizeof(*cpu->icache));
    if (!cpu->icache)
        return -ENOMEM;
    cpu->mem_base = base;
    cpu->mem_size = size;
    emk_rv64_set_fflags(cpu, 0);   /* the host's flags accrue this cpu's */
    return 0;
}

void emk_rv64_cleanup(emk_rv64_cpu *cpu)
{
    unsigned i;

    if (!cpu->icache)
        return;
    for (i = 0; i < RV64_CACHE_PAGES; i++)
        free(cpu->icache->page[i].slot);
    free(cpu->icache);
    cpu->icache = NULL;
}

void emk_rv64_copy_state(emk_rv64_cpu *dst, const emk_rv64_cpu *src)
{
    memcpy(dst->x, src->x, sizeof(dst->x));
    memcpy(dst->f, src->f, sizeof(dst->f));
    dst->pc = src->pc;
    dst->fflags = emk_rv64_get_fflags((emk_rv64_cpu *)src);   /* caller: src's thread */
    dst->frm = src->frm;
}

void emk_rv64_kick(emk_rv64_cpu *cpu, uint32_t bits)
{
    emk_fetch_or_u32(&cpu->request, bits);
}

static void flush(emk_rv64_cpu *cpu)
{
    unsigned i;

    for (i = 0; i < RV64_CACHE_PAGES; i++)
        cpu->icache->page[i].tag = 0;
}

/* The decoded slots of the page holding pc (allocated on first use). */
static rv64_insn *page_slots(emk_rv64_cpu *cpu, uint64_t pc)
{
    uint64_t pn = pc >> RV64_PAGE_BITS;
    rv64_cpage *p = &cpu->icache->page[pn % RV64_CACHE_PAGES];

    if (p->tag == pn + 1)
        return p->slot;
    if (!p->slot) {
        p->slot = malloc(sizeof(rv64_insn) * (RV64_SLOTS + 2));
        if (!p->slot)
            return NULL;
    }
    memset(p->slot, 0, sizeof(rv64_insn) * (RV64_SLOTS + 2));
    p->slot[RV64_SLOTS].op = OP_PAGE_END;
    p->slot[RV64_SLOTS + 1].op = OP_PAGE_END;
    p->tag = pn + 1;
    return p->slot;
}

/* Decodes the instruction at pc into *in; -1 on a fetch outside the window. */
static int decode_at(emk_rv64_cpu *cpu, uint64_t pc, rv64_insn *in)
{
    uint16_t lo, hi;

    if (pc > cpu->mem_size - 2) {
        cpu->fault_addr = pc;
        return -1;
    }
    memcpy(&lo, cpu->mem_base + pc, 2);
    if ((lo & 3) != 3) {
        emk_rv64_decode16(lo, in);
        if (in->op == OP_ILLEGAL)
            cpu->fault_insn = lo;
        return 0;
    }
    if (pc + 2 > cpu->mem_size - 2) {
        cpu->fault_addr = pc + 2;
        return -1;
    }
    memcpy(&hi, cpu->mem_base + pc + 2, 2);
    emk_rv64_decode32((uint32_t)lo | ((uint32_t)hi << 16), in);
    if (in->op == OP_ILLEGAL)
        cpu->fault_insn = (uint32_t)lo | ((uint32_t)hi << 16);
    return 0;
}

static uint64_t sx32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)(uint32_t)v; }

static uint64_t mulh_su(uint64_t a, uint64_t b, int sa, int sb)
{
    uint64_t hi;

    (void)emk_mul64(a, b, &hi);
    if (sa && (int64_t)a < 0)
        hi -= b;
    if (sb && (int64_t)b < 0)
        hi -= a;
    return hi;
}

static uint64_t div_s(int64_t a, int64_t b)
{
    if (b == 0) return ~(uint64_t)0;
    if (a == INT64_MIN && b == -1) return (uint64_t)a;
    return (uint64_t)(a / b);
}
static uint64_t rem_s(int64_t a, int64_t b)
{
    if (b == 0) return (uint64_t)a;
    if (a == INT64_MIN && b == -1) return 0;
    return (uint64_t)(a % b);
}
static uint64_t div32(uint64_t a, uint64_t b, int rem, int sgn)
{
    if (sgn) {
        int32_t x = (int32_t)a, y = (int32_t)b;
        if (y == 0) return rem ? sx32((uint32_t)x) : ~(uint64_t)0;
        if (x == INT32_MIN && y == -1) return rem ? 0 : sx32((uint32_t)x);
        return sx32((uint32_t)(rem ? x % y : x / y));
    } else {
        uint32_t x = (uint32_t)a, y = (uint32_t)b;
        if (y == 0) return rem ? sx32(x) : ~(uint64_t)0;
        return sx32(rem ? x % y : x / y);
    }
}

/* One AMO on the naturally aligned word at host address h. */
static uint64_t amo32(uint32_t *h, int f, uint32_t v)
{
    uint32_t old;

    switch (f) {
    case AMO_SWAP: return sx32(emk_atomic_xchg_u32(h, v));
    case AMO_ADD: return sx32(emk_atomic_add_u32(h, v));
    case AMO_XOR: return sx32(emk_atomic_xor_u32(h, v));
    case AMO_AND: return sx32(emk_atomic_and_u32(h, v));
    case AMO_OR: return sx32(emk_atomic_or_u32(h, v));
    default: break;
    }
    old = emk_atomic_load_u32(h);
    for (;;) {
        uint32_t n = old;
        if (f == AMO_MIN) n = (int32_t)v < (int32_t)old ? v : old;
        else if (f == AMO_MAX) n = (int32_t)v > (int32_t)old ? v : old;
        else if (f == AMO_MINU) n = v < old ? v : old;
        else n = v > old ? v : old;
        if (emk_atomic_cas_u32(h, &old, n))
            return sx32(old);
    }
}

static uint64_t amo64(uint64_t *h, int f, uint64_t v)
{
    uint64_t old;

    switch (f) {
    case AMO_SWAP: return emk_atomic_xchg_u64(h, v);
    case AMO_ADD: return emk_atomic_add_u64(h, v);
    case AMO_XOR: return emk_atomic_xor_u64(h, v);
    case AMO_AND: return emk_atomic_and_u64(h, v);
    case AMO_OR: return emk_atomic_or_u64(h, v);
    default: break;
    }
    old = emk_atomic_load_u64(h);
    for (;;) {
        uint64_t n = old;
        if (f == AMO_MIN) n = (int64_t)v < (int64_t)old ? v : old;
        else if (f == AMO_MAX) n = (int64_t)v > (int64_t)old ? v : old;
        else if (f == AMO_MINU) n = v < old ? v : old;
        else n = v > old ? v : old;
        if (emk_atomic_cas_u64(h, &old, n))
            return old;
    }
}

/* The loop.  `single` stops after one instruction (emk_rv64_step); it is
 * a constant in each of the two callers, so the compiler drops its tests. */
EMK_ALWAYS_INLINE int run(emk_rv64_cpu *cpu, int single)
{
    uint64_t *x = cpu->x;
    uint8_t *mem = cpu->mem_base;
    uint64_t lim = cpu->mem_size;
    uint64_t pc = cpu->pc, page = ~(uint64_t)0, n = 0;
    rv64_insn *slots = NULL;
    int ret = 0;

#define FAULT(addr, kind) do { cpu->fault_addr = (addr); cpu->fault_kind = (kind); \
        ret = EMK_RV64_EXIT_FAULT; goto out; } while (0)
#define ADDR(nb, kind) a = x[in->rs1] + (uint64_t)(int64_t)in->imm; cpu->pc = pc; \
        if (emk_unlikely(a > lim - (nb))) FAULT(a, kind)
#define LOAD(T, nb) do { T v_; ADDR(nb, EMK_RV64_ACC_LOAD); memcpy(&v_, mem + a, nb); \
        x[in->rd] = (uint64_t)(int64_t)v_; x[0] = 0; } while (0)
#define LOADU(T, nb) do { T v_; ADDR(nb, EMK_RV64_ACC_LOAD); memcpy(&v_, mem + a, nb); \
        x[in->rd] = (uint64_t)v_; x[0] = 0; } while (0)
#define STORE(T, nb) do { T v_ = (T)x[in->rs2]; ADDR(nb, EMK_RV64_ACC_STORE); \
        memcpy(mem + a, &v_, nb); } while (0)
#define JUMP(t) do { pc = (t); goto transfer; } while (0)
#define BR(c) if (c) JUMP(pc + (uint64_t)(int64_t)in->imm); break

    for (;;) {
        rv64_insn *in;
        uint64_t a;

        if (emk_unlikely((pc >> RV64_PAGE_BITS) != page)) {
            slots = page_slots(cpu, pc);
            if (!slots)
                abort();
            page = pc >> RV64_PAGE_BITS;
        }
        in = &slots[(pc & (RV64_PAGE_SIZE - 1)) >> 1];
    dispatch:
        n++;
        switch (in->op) {
        case OP_PAGE_END:   /* fell off the page: look the next one up */
            n--;
            continue;
        case OP_UNDECODED:
            n--;
            cpu->pc = pc;
            if (decode_at(cpu, pc, in) < 0) {
                cpu->fault_kind = EMK_RV64_ACC_FETCH;
                ret = EMK_RV64_EXIT_FAULT;
                in->op = OP_UNDECODED;
                goto out;
            }
            goto dispatch;
        case OP_LUI: x[in->rd] = (uint64_t)(int64_t)in->imm; break;
        case OP_AUIPC: x[in->rd] = pc + (uint64_t)(int64_t)in->imm; break;
        case OP_JAL: x[in->rd] = pc + in->len; x[0] = 0;
            JUMP(pc + (uint64_t)(int64_t)in->imm);
        case OP_JALR: {
            uint64_t t = (x[in->rs1] + (uint64_t)(int64_t)in->imm) & ~(uint64_t)1;
            x[in->rd] = pc + in->len;
            x[0] = 0;
            JUMP(t);
        }
        case OP_BEQ: BR(x[in->rs1] == x[in->rs2]);
        case OP_BNE: BR(x[in->rs1] != x[in->rs2]);
        case OP_BLT: BR((int64_t)x[in->rs1] < (int64_t)x[in->rs2]);
        case OP_BGE: BR((int64_t)x[in->rs1] >= (int64_t)x[in->rs2]);
        case OP_BLTU: BR(x[in->rs1] < x[in->rs2]);
        case OP_BGEU: BR(x[in->rs1] >= x[in->rs2]);
        case OP_LB: LOAD(int8_t, 1); break;
        case OP_LH: LOAD(int16_t, 2); break;
        case OP_LW: LOAD(int32_t, 4); break;
        case OP_LD: LOADU(uint64_t, 8); break;
        case OP_LBU: LOADU(uint8_t, 1); break;
        case OP_LHU: LOADU(uint16_t, 2); break;
        case OP_LWU: LOADU(uint32_t, 4); break;
        case OP_SB: STORE(uint8_t, 1); break;
        case OP_SH: STORE(uint16_t, 2); break;
        case OP_SW: STORE(uint32_t, 4); break;
        case OP_SD: STORE(uint64_t, 8); break;
        case OP_ADDI: x[in->rd] = x[in->rs1] + (uint64_t)(int64_t)in->imm; break;
        case OP_SLTI: x[in->rd] = (int64_t)x[in->rs1] < (int64_t)in->imm; break;
        case OP_SLTIU: x[in->rd] = x[in->rs1] < (uint64_t)(int64_t)in->imm; break;
        case OP_XORI: x[in->rd] = x[in->rs1] ^ (uint64_t)(int64_t)in->imm; break;
        case OP_ORI: x[in->rd] = x[in->rs1] | (uint64_t)(int64_t)in->imm; break;
        case OP_ANDI: x[in->rd] = x[in->rs1] & (uint64_t)(int64_t)in->imm; break;
        case OP_SLLI: x[in->rd] = x[in->rs1] << in->imm; break;
        case OP_SRLI: x[in->rd] = x[in->rs1] >> in->imm; break;
        case OP_SRAI: x[in->rd] = (uint64_t)((int64_t)x[in->rs1] >> in->imm); break;
        case OP_ADD: x[in->rd] = x[in->rs1] + x[in->rs2]; break;
        case OP_SUB: x[in->rd] = x[in->rs1] - x[in->rs2]; break;
        case OP_SLL: x[in->rd] = x[in->rs1] << (x[in->rs2] & 63); break;
        case OP_SLT: x[in->rd] = (int64_t)x[in->rs1] < (int64_t)x[in->rs2]; break;
        case OP_SLTU: x[in->rd] = x[in->rs1] < x[in->rs2]; break;
        case OP_XOR: x[in->rd] = x[in->rs1] ^ x[in->rs2]; break;
        case OP_SRL: x[in->rd] = x[in->rs1] >> (x[in->rs2] & 63); break;
        case OP_SRA: x[in->rd] = (uint64_t)((int64_t)x[in->rs1] >> (x[in->rs2] & 63)); break;
        case OP_OR: x[in->rd] = x[in->rs1] | x[in->rs2]; break;
        case OP_AND: x[in->rd] = x[in->rs1] & x[in->rs2]; break;
        case OP_ADDIW: x[in->rd] = sx32(x[in->rs1] + (uint64_t)(int64_t)in->imm); break;
        case OP_SLLIW: x[in->rd] = sx32((uint32_t)x[in->rs1] << in->imm); break;
        case OP_SRLIW: x[in->rd] = sx32((uint32_t)x[in->rs1] >> in->imm); break;
        case OP_SRAIW: x[in->rd] = sx32((uint32_t)((int32_t)x[in->rs1] >> in->imm)); break;
        case OP_ADDW: x[in->rd] = sx32(x[in->rs1] + x[in->rs2]); break;
        case OP_SUBW: x[in->rd] = sx32(x[in->rs1] - x[in->rs2]); break;
        case OP_SLLW: x[in->rd] = sx32((uint32_t)x[in->rs1] << (x[in->rs2] & 31)); break;
        case OP_SRLW: x[in->rd] = sx32((uint32_t)x[in->rs1] >> (x[in->rs2] & 31)); break;
        case OP_SRAW: x[in->rd] = sx32((uint32_t)((int32_t)x[in->rs1] >> (x[in->rs2] & 31))); break;
        case OP_MUL: x[in->rd] = x[in->rs1] * x[in->rs2]; break;
        case OP_MULH: x[in->rd] = mulh_su(x[in->rs1], x[in->rs2], 1, 1); break;
        case OP_MULHSU: x[in->rd] = mulh_su(x[in->rs1], x[in->rs2], 1, 0); break;
        case OP_MULHU: x[in->rd] = mulh_su(x[in->rs1], x[in->rs2], 0, 0); break;
        case OP_DIV: x[in->rd] = div_s((int64_t)x[in->rs1], (int64_t)x[in->rs2]); break;
        case OP_DIVU: x[in->rd] = x[in->rs2] ? x[in->rs1] / x[in->rs2] : ~(uint64_t)0; break;
        case OP_REM: x[in->rd] = rem_s((int64_t)x[in->rs1], (int64_t)x[in->rs2]); break;
        case OP_REMU: x[in->rd] = x[in->rs2] ? x[in->rs1] % x[in->rs2] : x[in->rs1]; break;
        case OP_MULW: x[in->rd] = sx32(x[in->rs1] * x[in->rs2]); break;
        case OP_DIVW: x[in->rd] = div32(x[in->rs1], x[in->rs2], 0, 1); break;
        case OP_DIVUW: x[in->rd] = div32(x[in->rs1], x[in->rs2], 0, 0); break;
        case OP_REMW: x[in->rd] = div32(x[in->rs1], x[in->rs2], 1, 1); break;
        case OP_REMUW: x[in->rd] = div32(x[in->rs1], x[in->rs2], 1, 0); break;
        case OP_FENCE: emk_smp_mb(); break;
        case OP_FENCE_I: flush(cpu); page = ~(uint64_t)0; pc += in->len; goto transfer;
        case OP_ECALL:
            cpu->pc = pc + in->len;
            cpu->instret += n;
            n = 0;
            if (cpu->ecall(cpu)) {
                x[0] = 0;
                ret = EMK_RV64_EXIT_ECALL;
                goto out_pc;
            }
            x[0] = 0;
            pc = cpu->pc;
            goto transfer;
        case OP_EBREAK: ret = EMK_RV64_EXIT_EBREAK; goto out;
        case OP_LR_W: case OP_LR_D: case OP_SC_W: case OP_SC_D:
        case OP_AMO_W: case OP_AMO_D: {
            int nb = (in->op == OP_LR_W || in->op == OP_SC_W || in->op == OP_AMO_W) ? 4 : 8;
            uint64_t r;
            a = x[in->rs1];
            cpu->pc = pc;
            if (a & (uint64_t)(nb - 1)) {
                cpu->fault_addr = a;
                ret = EMK_RV64_EXIT_MISALIGNED;
                goto out;
            }
            if (a > lim - (uint64_t)nb)
                FAULT(a, in->op == OP_LR_W || in->op == OP_LR_D ?
                      EMK_RV64_ACC_LOAD : EMK_RV64_ACC_STORE);
            if (in->op == OP_LR_W || in->op == OP_LR_D) {
                r = nb == 4 ? sx32(emk_atomic_load_u32((uint32_t *)(void *)(mem + a)))
                            : emk_atomic_load_u64((uint64_t *)(void *)(mem + a));
                cpu->res_addr = a;
                cpu->res_val = r;
                cpu->res_valid = 1;
            } else if (in->op == OP_SC_W || in->op == OP_SC_D) {
                r = 1;
                if (cpu->res_valid && cpu->res_addr == a) {
                    if (nb == 4) {
                        uint32_t e = (uint32_t)cpu->res_val;
                        r = !emk_atomic_cas_u32((uint32_t *)(void *)(mem + a), &e,
                                                (uint32_t)x[in->rs2]);
                    } else {
                        uint64_t e = cpu->res_val;
                        r = !emk_atomic_cas_u64((uint64_t *)(void *)(mem + a), &e,
                                                x[in->rs2]);
                    }
                }
                cpu->res_valid = 0;
            } else if (nb == 4) {
                r = amo32((uint32_t *)(void *)(mem + a), in->rs3, (uint32_t)x[in->rs2]);
            } else {
                r = amo64((uint64_t *)(void *)(mem + a), in->rs3, x[in->rs2]);
            }
            x[in->rd] = r;
            x[0] = 0;
            break;
        }
        case OP_CSRRW: case OP_CSRRS: case OP_CSRRC:
        case OP_CSRRWI: case OP_CSRRSI: case OP_CSRRCI: {
            uint64_t old, src = in->op >= OP_CSRRWI ? in->rs1 : x[in->rs1], nv;
            int kind = (in->op - OP_CSRRW) % 3, wr = kind == 0 || in->rs1 != 0;
            cpu->instret += n;
            n = 0;
            if (emk_rv64_csr(cpu, (uint32_t)in->imm & 0xfff, &old, 0, 0) < 0)
                goto illegal;
            nv = kind == 0 ? src : kind == 1 ? old | src : old & ~src;
            if (wr && emk_rv64_csr(cpu, (uint32_t)in->imm & 0xfff, &old, 1, nv) < 0)
                goto illegal;
            x[in->rd] = old;
            x[0] = 0;
            break;
        }
        case OP_FLW: {
            uint32_t v;
            ADDR(4, EMK_RV64_ACC_LOAD);
            memcpy(&v, mem + a, 4);
            cpu->f[in->rd] = 0xffffffff00000000ull | v;
            break;
        }
        case OP_FLD: ADDR(8, EMK_RV64_ACC_LOAD); memcpy(&cpu->f[in->rd], mem + a, 8); break;
        case OP_FSW: ADDR(4, EMK_RV64_ACC_STORE); memcpy(mem + a, &cpu->f[in->rs2], 4); break;
        case OP_FSD: ADDR(8, EMK_RV64_ACC_STORE); memcpy(mem + a, &cpu->f[in->rs2], 8); break;
        case OP_FADD_D: case OP_FSUB_D: case OP_FMUL_D: case OP_FDIV_D:
        case OP_FMADD_D: case OP_FMSUB_D: {
            double fa, fb, fc, fr;
            if (in->rm == 7 && cpu->frm != 0)
                goto slow_fp;
            memcpy(&fa, &cpu->f[in->rs1], 8);
            memcpy(&fb, &cpu->f[in->rs2], 8);
            switch (in->op) {
            case OP_FADD_D: fr = fa + fb; break;
            case OP_FSUB_D: fr = fa - fb; break;
            case OP_FMUL_D: fr = fa * fb; break;
            case OP_FDIV_D: fr = fa / fb; break;
            default:
                memcpy(&fc, &cpu->f[in->rs3 & 31], 8);
                fr = fma(fa, fb, in->op == OP_FMADD_D ? fc : -fc);
                break;
            }
            if (emk_unlikely(isnan(fr)))
                goto slow_fp;   /* NaN rules and flags: fpu.c redoes it */
            memcpy(&cpu->f[in->rd], &fr, 8);
            break;
        }
        case OP_FP:
        slow_fp:
            if (emk_rv64_fp_exec(cpu, in) < 0)
                goto illegal;
            x[0] = 0;   /* fcvt/fmv/compares/fclass may name x0 */
            break;
        case OP_NOP:
            break;
        default:
        illegal:
            if (in->op != OP_ILLEGAL && in->len == 4 && pc <= lim - 4) {
                uint32_t w;
                memcpy(&w, mem + pc, 4);
                cpu->fault_insn = w;
            }
            ret = EMK_RV64_EXIT_ILLEGAL;
            goto out;
        }
        pc += in->len;   /* x0 stays 0: only the cases above may name it */
        if (emk_unlikely(single))
            goto transfer;
        in += in->len >> 1;   /* the next slot; a sentinel at the page's end */
        goto dispatch;
    transfer:
        if (emk_unlikely(emk_load_relaxed_u32(&cpu->request) || single)) {
            uint32_t r = emk_fetch_and_u32(&cpu->request, ~(uint32_t)EMK_RV64_REQ_FLUSH);
            if (r & EMK_RV64_REQ_FLUSH) {
                flush(cpu);
                page = ~(uint64_t)0;
            }
            if (r & EMK_RV64_REQ_STOP) {
                emk_fetch_and_u32(&cpu->request, ~(uint32_t)EMK_RV64_REQ_STOP);
                ret = EMK_RV64_EXIT_REQUEST;
                cpu->pc = pc;
                goto out_pc;
            }
            if (single) {
                cpu->pc = pc;
                goto out_pc;
            }
        }
    }
out:
    cpu->pc = pc;
out_pc:
    cpu->instret += n;
    return ret;
#undef FAULT
#undef ADDR
#undef LOAD
#undef LOADU
#undef STORE
#undef JUMP
#undef BR
}

int emk_rv64_run(emk_rv64_cpu *cpu)
{
    return run(cpu, 0);
}

int emk_rv64_step(emk_rv64_cpu *cpu)
{
    return run(cpu, 1);
}
