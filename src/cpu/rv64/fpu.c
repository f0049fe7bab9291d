/*
 * fpu.c - F and D: IEEE 754 arithmetic with RISC-V's rules on top of the
 * host's (C99 <fenv.h>): rounding modes per instruction (RMM by hand),
 * fflags from the host exception flags or computed, canonical NaNs,
 * NaN-boxed singles, fmin/fmax and compares on bit patterns, and fcvt
 * to integers with RISC-V's saturation.
 *
 * The host's exception flags are the accumulator of fflags: they are
 * sticky like fflags, so an operation whose flags the host computes right
 * just runs, and emk_rv64_get_fflags ORs them in; writing fflags clears
 * them.  Code here that must not leave flags behind (RMM by hand, rounding
 * checks) saves and restores them.  Every operand is read from and every
 * result written through a volatile object, so that the compiler keeps
 * each operation between the fesetround calls around it.
 */
#include <fenv.h>
#include <math.h>
#include <string.h>

#include "rv64_int.h"

enum { RM_RNE = 0, RM_RTZ = 1, RM_RDN = 2, RM_RUP = 3, RM_RMM = 4, RM_DYN = 7 };

static const uint32_t QNAN_S = 0x7fc00000u;
static const uint64_t QNAN_D = 0x7ff8000000000000ull;

static float u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static double u2d(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint64_t d2u(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

/* A single from a register: improperly boxed values read as the canonical NaN. */
static uint32_t unbox(uint64_t r)
{
    return (r >> 32) == 0xffffffffu ? (uint32_t)r : QNAN_S;
}
static uint64_t box(uint32_t v) { return 0xffffffff00000000ull | v; }

static int nan_s(uint32_t u) { return (u & 0x7f800000u) == 0x7f800000u && (u & 0x7fffff); }
static int snan_s(uint32_t u) { return nan_s(u) && !(u & 0x400000u); }
static int nan_d(uint64_t u)
{
    return (u & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (u & 0xfffffffffffffull);
}
static int snan_d(uint64_t u) { return nan_d(u) && !(u & 0x8000000000000ull); }

static uint32_t host_flags(void)
{
    int e = fetestexcept(FE_ALL_EXCEPT);
    uint32_t f = 0;

    if (e & FE_INEXACT) f |= EMK_RV64_FF_NX;
    if (e & FE_UNDERFLOW) f |= EMK_RV64_FF_UF;
    if (e & FE_OVERFLOW) f |= EMK_RV64_FF_OF;
    if (e & FE_DIVBYZERO) f |= EMK_RV64_FF_DZ;
    if (e & FE_INVALID) f |= EMK_RV64_FF_NV;
    return f;
}

static int host_mode(int rm)
{
    switch (rm) {
    case RM_RTZ: return FE_TOWARDZERO;
    case RM_RDN: return FE_DOWNWARD;
    case RM_RUP: return FE_UPWARD;
    default: return FE_TONEAREST;
    }
}

/* Starts an operation in rounding mode rm; its flags accrue in the host's. */
static void begin(int rm)
{
    if (rm != RM_RNE && rm != RM_RMM)
        fesetround(host_mode(rm));
}
/* Ends it: round-to-nearest again. */
static void end(emk_rv64_cpu *cpu, int rm)
{
    (void)cpu;
    if (rm != RM_RNE && rm != RM_RMM)
        fesetround(FE_TONEAREST);
}

uint32_t emk_rv64_get_fflags(emk_rv64_cpu *cpu)
{
    return cpu->fflags | host_flags();
}

void emk_rv64_set_fflags(emk_rv64_cpu *cpu, uint32_t v)
{
    cpu->fflags = v & 31;
    feclearexcept(FE_ALL_EXCEPT);
}

/* RMM for a single: v (a double holding the value, sticky when v itself
 * was rounded) rounded to nearest, ties away from zero. */
static float rmm_to_float(emk_rv64_cpu *cpu, double v, int sticky)
{
    volatile double vv = v;
    volatile float t;
    float away;
    double rem, diff;
    fexcept_t saved;

    fegetexceptflag(&saved, FE_ALL_EXCEPT);
    fesetround(FE_TOWARDZERO);
    t = (float)vv;
    fesetround(FE_TONEAREST);
    fesetexceptflag(&saved, FE_ALL_EXCEPT);
    rem = v - (double)t;
    if (rem == 0 && !sticky)
        return t;
    cpu->fflags |= EMK_RV64_FF_NX;
    away = nextafterf(t, signbit(v) ? -INFINITY : INFINITY);
    if (isinf(away)) {
        if (fabs(rem) >= 0x1p103) {
            cpu->fflags |= EMK_RV64_FF_OF;
            return away;
        }
        return t;
    }
    diff = fabs((double)away - (double)t);
    fesetexceptflag(&saved, FE_ALL_EXCEPT);
    if (2 * fabs(rem) >= diff)
        t = away;
    if (fabsf(t) < 0x1p-126f || (fabsf(t) == 0x1p-126f && fabs(v) < 0x1p-126))
        cpu->fflags |= EMK_RV64_FF_UF;
    return t;
}

/* RMM fix-up for a double: r is the round-to-nearest-even result of a
 * value r + err (err exact); on a tie the larger magnitude wins. */
static double rmm_fix(double r, double err)
{
    double away, half;

    if (err == 0 || !isfinite(r))
        return r;
    away = nextafter(r, signbit(r) ? -INFINITY : INFINITY);
    half = (away - r) / 2;
    if (fabs(err) == fabs(half) && signbit(err) == signbit(r))
        return away;
    return r;
}

static uint32_t canon_s(float f) { uint32_t u = f2u(f); return nan_s(u) ? QNAN_S : u; }
static uint64_t canon_d(double d) { uint64_t u = d2u(d); return nan_d(u) ? QNAN_D : u; }

/* fma's inf * 0 is invalid even with a quiet NaN addend. */
static int inf_times_zero(double a, double b)
{
    return (isinf(a) && b == 0) || (a == 0 && isinf(b));
}

static uint32_t arith_s(emk_rv64_cpu *cpu, int op, int rm, uint32_t ua, uint32_t ub, uint32_t uc)
{
    volatile float a = u2f(ua), b = u2f(ub), c = u2f(uc);
    volatile float r = 0;
    volatile double d = 0;

    if (op >= F_MADD && op <= F_NMADD) {
        if (op == F_MSUB || op == F_NMADD) c = -c;
        if (op == F_NMSUB || op == F_NMADD) a = -a;
        if (inf_times_zero(a, b)) {
            cpu->fflags |= EMK_RV64_FF_NV;
            return QNAN_S;
        }
    }
    begin(rm);
    if (rm == RM_RMM && op != F_DIV && op != F_SQRT) {
        fexcept_t saved;
        fegetexceptflag(&saved, FE_ALL_EXCEPT);
        feclearexcept(FE_ALL_EXCEPT);
        switch (op) {
        case F_ADD: d = (double)a + (double)b; break;
        case F_SUB: d = (double)a - (double)b; break;
        case F_MUL: d = (double)a * (double)b; break;
        default: d = fma((double)a, (double)b, (double)c); break;
        }
        {
            uint32_t fl = host_flags();
            int inexact = (fl & EMK_RV64_FF_NX) != 0;
            fesetexceptflag(&saved, FE_ALL_EXCEPT);
            cpu->fflags |= fl & (EMK_RV64_FF_NV | EMK_RV64_FF_DZ);
            if (isnan(d))
                return QNAN_S;
            if (isinf(d)) {
                return f2u((float)d);
            }
            r = rmm_to_float(cpu, d, inexact);
            return canon_s(r);
        }
    }
    switch (op) {
    case F_ADD: r = a + b; break;
    case F_SUB: r = a - b; break;
    case F_MUL: r = a * b; break;
    case F_DIV: r = a / b; break;
    case F_SQRT: r = sqrtf(a); break;
    default: r = fmaf(a, b, c); break;
    }
    end(cpu, rm);
    return canon_s(r);
}

static uint64_t arith_d(emk_rv64_cpu *cpu, int op, int rm, uint64_t ua, uint64_t ub, uint64_t uc)
{
    volatile double a = u2d(ua), b = u2d(ub), c = u2d(uc);
    volatile double r = 0, e = 0;

    if (op >= F_MADD && op <= F_NMADD) {
        if (op == F_MSUB || op == F_NMADD) c = -c;
        if (op == F_NMSUB || op == F_NMADD) a = -a;
        if (inf_times_zero(a, b)) {
            cpu->fflags |= EMK_RV64_FF_NV;
            return QNAN_D;
        }
    }
    begin(rm);
    switch (op) {
    case F_ADD: r = a + b; break;
    case F_SUB: r = a - b; break;
    case F_MUL: r = a * b; break;
    case F_DIV: r = a / b; break;
    case F_SQRT: r = sqrt(a); break;
    default: r = fma(a, b, c); break;
    }
    end(cpu, rm);
    if (rm == RM_RMM && isfinite(r) && (op == F_ADD || op == F_SUB || op == F_MUL)) {
        /* exact error of the nearest-even result; flags already taken */
        fenv_t env;
        double bb = (op == F_SUB) ? -b : b;
        feholdexcept(&env);
        if (op == F_ADD || op == F_SUB) {
            volatile double z = r - a;
            e = (a - (r - z)) + (bb - z);
        } else if (op == F_MUL) {
            e = fma(a, b, -r);
        }
        fesetenv(&env);
        r = rmm_fix(r, e);
    }
    return canon_d(r);
}

/* min/max with RISC-V's rules: a NaN operand loses, -0 < +0. */
static uint64_t minmax(emk_rv64_cpu *cpu, int dbl, int max, uint64_t a, uint64_t b)
{
    int na = dbl ? nan_d(a) : nan_s((uint32_t)a), nb = dbl ? nan_d(b) : nan_s((uint32_t)b);
    int sa = dbl ? snan_d(a) : snan_s((uint32_t)a), sb = dbl ? snan_d(b) : snan_s((uint32_t)b);
    int lt;

    if (sa || sb)
        cpu->fflags |= EMK_RV64_FF_NV;
    if (na && nb)
        return dbl ? QNAN_D : QNAN_S;
    if (na) return b;
    if (nb) return a;
    if (dbl) {
        double x = u2d(a), y = u2d(b);
        lt = x < y || (x == y && (a >> 63) && !(b >> 63));
    } else {
        float x = u2f((uint32_t)a), y = u2f((uint32_t)b);
        lt = x < y || (x == y && (a >> 31 & 1) && !(b >> 31 & 1));
    }
    return (lt != max) ? a : b;
}

static uint64_t compare(emk_rv64_cpu *cpu, int dbl, int op, uint64_t a, uint64_t b)
{
    int na = dbl ? nan_d(a) : nan_s((uint32_t)a), nb = dbl ? nan_d(b) : nan_s((uint32_t)b);
    int sa = dbl ? snan_d(a) : snan_s((uint32_t)a), sb = dbl ? snan_d(b) : snan_s((uint32_t)b);
    double x, y;

    if (na || nb) {
        if (op != F_EQ || sa || sb)
            cpu->fflags |= EMK_RV64_FF_NV;
        return 0;
    }
    x = dbl ? u2d(a) : (double)u2f((uint32_t)a);
    y = dbl ? u2d(b) : (double)u2f((uint32_t)b);
    return op == F_EQ ? x == y : op == F_LT ? x < y : x <= y;
}

static uint64_t classify(int dbl, uint64_t u)
{
    int sign = dbl ? (int)(u >> 63) : (int)(u >> 31 & 1);
    uint64_t exp = dbl ? (u >> 52) & 0x7ff : (u >> 23) & 0xff;
    uint64_t emax = dbl ? 0x7ff : 0xff;
    uint64_t man = dbl ? u & 0xfffffffffffffull : u & 0x7fffff;
    uint64_t quiet = dbl ? (u >> 51) & 1 : (u >> 22) & 1;

    if (exp == emax) {
        if (man) return quiet ? 1u << 9 : 1u << 8;
        return sign ? 1u << 0 : 1u << 7;
    }
    if (exp == 0) {
        if (man == 0) return sign ? 1u << 3 : 1u << 4;
        return sign ? 1u << 2 : 1u << 5;
    }
    return sign ? 1u << 1 : 1u << 6;
}

/* An integral double in [0, 2^64) as a uint64, from its bits: no FP
 * operation at all, since a compiler may compute both sides of its own
 * double -> uint64 sequence (r - 2^63 is inexact for small r) and the
 * host's flags are fflags here. */
static uint64_t u64_of(double r)
{
    uint64_t b = d2u(r), m;
    int e = (int)((b >> 52) & 0x7ff) - 1023;

    if (e < 0)
        return 0;
    m = (b & 0xfffffffffffffull) | ((uint64_t)1 << 52);
    return e >= 52 ? m << (e - 52) : m >> (52 - e);
}

/* v rounded to an integral value in mode rm, raising no flag. */
static double round_int(double v, int rm)
{
    volatile double r, vv = v;
    fenv_t env;

    feholdexcept(&env);
    if (rm == RM_RMM) {
        r = round(vv);
    } else {
        fesetround(host_mode(rm));
        r = nearbyint(vv);
    }
    fesetenv(&env);
    return r;
}

/* fcvt.{w,wu,l,lu}.{s,d}: saturating, NV on NaN and out of range. */
static uint64_t to_int(emk_rv64_cpu *cpu, int op, int rm, double v, int isnan_v)
{
    double r;
    int neg;

    if (isnan_v) {
        cpu->fflags |= EMK_RV64_FF_NV;
        switch (op) {
        case F_CVT_W: return 0x7fffffffull;
        case F_CVT_WU: return ~(uint64_t)0;
        case F_CVT_L: return 0x7fffffffffffffffull;
        default: return ~(uint64_t)0;
        }
    }
    r = round_int(v, rm);
    neg = signbit(v) != 0;
    switch (op) {
    case F_CVT_W:
        if (r < -2147483648.0 || r > 2147483647.0) {
            cpu->fflags |= EMK_RV64_FF_NV;
            return neg ? (uint64_t)(int64_t)INT32_MIN : 0x7fffffffull;
        }
        if (r != v) cpu->fflags |= EMK_RV64_FF_NX;
        return (uint64_t)(int64_t)(int32_t)r;
    case F_CVT_WU:
        if (r < 0 || r > 4294967295.0) {
            cpu->fflags |= EMK_RV64_FF_NV;
            return neg ? 0 : ~(uint64_t)0;
        }
        if (r != v) cpu->fflags |= EMK_RV64_FF_NX;
        return (uint64_t)(int64_t)(int32_t)(uint32_t)(int64_t)r;
    case F_CVT_L:
        if (r < -0x1p63 || r >= 0x1p63) {
            cpu->fflags |= EMK_RV64_FF_NV;
            return neg ? (uint64_t)INT64_MIN : 0x7fffffffffffffffull;
        }
        if (r != v) cpu->fflags |= EMK_RV64_FF_NX;
        return (uint64_t)(int64_t)r;
    default:
        if (r < 0 || r >= 0x1p64) {
            cpu->fflags |= EMK_RV64_FF_NV;
            return neg ? 0 : ~(uint64_t)0;
        }
        if (r != v) cpu->fflags |= EMK_RV64_FF_NX;
        return u64_of(r);
    }
}

/* fcvt.{s,d}.{w,wu,l,lu}: src is the integer register. */
static uint64_t from_int(emk_rv64_cpu *cpu, int op, int rm, int dbl, uint64_t src)
{
    int neg = 0;
    uint64_t mag;
    volatile int64_t si;
    volatile uint64_t ui;
    volatile float rf;
    volatile double rd;

    if (rm == RM_RMM) {
        /* round the magnitude toward zero, then decide the tie by hand */
        double t, next, remd;
        float tf;
        switch (op) {
        case F_CVT_FROM_W: si = (int32_t)src; neg = si < 0; mag = neg ? 0 - (uint64_t)si : (uint64_t)si; break;
        case F_CVT_FROM_WU: mag = (uint32_t)src; break;
        case F_CVT_FROM_L: si = (int64_t)src; neg = si < 0; mag = neg ? 0 - (uint64_t)si : (uint64_t)si; break;
        default: mag = src; break;
        }
        ui = mag;
        {
            fexcept_t saved;
            fegetexceptflag(&saved, FE_ALL_EXCEPT);
            fesetround(FE_TOWARDZERO);
            if (dbl) { rd = (double)ui; t = rd; } else { rf = (float)ui; t = rf; }
            fesetround(FE_TONEAREST);
            fesetexceptflag(&saved, FE_ALL_EXCEPT);
        }
        remd = (double)(mag - u64_of(t));   /* < 2^40, exact */
        if (remd != 0) {
            cpu->fflags |= EMK_RV64_FF_NX;
            if (dbl) {
                next = nextafter(t, INFINITY);
            } else {
                tf = (float)t;
                next = (double)nextafterf(tf, INFINITY);
            }
            if (2 * remd >= next - t)
                t = next;
        }
        if (neg) t = -t;
        return dbl ? d2u(t) : box(f2u((float)t));
    }
    begin(rm);
    if (dbl) {
        switch (op) {
        case F_CVT_FROM_W: si = (int32_t)src; rd = (double)si; break;
        case F_CVT_FROM_WU: ui = (uint32_t)src; rd = (double)ui; break;
        case F_CVT_FROM_L: si = (int64_t)src; rd = (double)si; break;
        default: ui = src; rd = (double)ui; break;
        }
        end(cpu, rm);
        return d2u(rd);
    }
    switch (op) {
    case F_CVT_FROM_W: si = (int32_t)src; rf = (float)si; break;
    case F_CVT_FROM_WU: ui = (uint32_t)src; rf = (float)ui; break;
    case F_CVT_FROM_L: si = (int64_t)src; rf = (float)si; break;
    default: ui = src; rf = (float)ui; break;
    }
    end(cpu, rm);
    return box(f2u(rf));
}

static uint64_t sgnj(int dbl, int op, uint64_t a, uint64_t b)
{
    uint64_t sbit = dbl ? 1ull << 63 : 1ull << 31, s;

    s = op == F_SGNJ ? b & sbit : op == F_SGNJN ? ~b & sbit : (a ^ b) & sbit;
    return (a & ~sbit) | s;
}

int emk_rv64_fp_exec(emk_rv64_cpu *cpu, const rv64_insn *in)
{
    int dbl = (in->rs3 & RV64_FMT_D) != 0, op = in->imm;
    int rm = in->rm == RM_DYN ? (int)cpu->frm : in->rm;
    uint64_t *f = cpu->f, *x = cpu->x;
    uint64_t a = f[in->rs1], b = f[in->rs2], c = f[in->rs3 & 31];

    if (rm > RM_RMM)
        return -1;
    if (!dbl) {
        a = unbox(a);
        b = unbox(b);
        c = unbox(c);
    }
    switch (op) {
    case F_MADD: case F_MSUB: case F_NMSUB: case F_NMADD:
    case F_ADD: case F_SUB: case F_MUL: case F_DIV: case F_SQRT:
        if (dbl)
            f[in->rd] = arith_d(cpu, op, rm, a, b, c);
        else
            f[in->rd] = box(arith_s(cpu, op, rm, (uint32_t)a, (uint32_t)b, (uint32_t)c));
        break;
    case F_SGNJ: case F_SGNJN: case F_SGNJX:
        f[in->rd] = dbl ? sgnj(1, op, a, b) : box((uint32_t)sgnj(0, op, a, b));
        break;
    case F_MIN: case F_MAX:
        f[in->rd] = dbl ? minmax(cpu, 1, op == F_MAX, a, b)
                        : box((uint32_t)minmax(cpu, 0, op == F_MAX, a, b));
        break;
    case F_CVT_W: case F_CVT_WU: case F_CVT_L: case F_CVT_LU:
        x[in->rd] = dbl ? to_int(cpu, op, rm, u2d(a), nan_d(a))
                        : to_int(cpu, op, rm, (double)u2f((uint32_t)a), nan_s((uint32_t)a));
        break;
    case F_CVT_FROM_W: case F_CVT_FROM_WU: case F_CVT_FROM_L: case F_CVT_FROM_LU:
        f[in->rd] = from_int(cpu, op, rm, dbl, x[in->rs1]);
        break;
    case F_MV_X:
        x[in->rd] = dbl ? f[in->rs1] : (uint64_t)(int64_t)(int32_t)(uint32_t)f[in->rs1];
        break;
    case F_MV_F:
        f[in->rd] = dbl ? x[in->rs1] : box((uint32_t)x[in->rs1]);
        break;
    case F_EQ: case F_LT: case F_LE:
        x[in->rd] = compare(cpu, dbl, op, a, b);
        break;
    case F_CLASS:
        x[in->rd] = classify(dbl, dbl ? a : (uint32_t)a);
        break;
    case F_CVT_S_D: {   /* double -> single */
        volatile double d = u2d(f[in->rs1]);
        volatile float r;
        if (nan_d(f[in->rs1])) {
            if (snan_d(f[in->rs1])) cpu->fflags |= EMK_RV64_FF_NV;
            f[in->rd] = box(QNAN_S);
            break;
        }
        if (rm == RM_RMM && isfinite(d)) {
            r = rmm_to_float(cpu, d, 0);
        } else {
            begin(rm);
            r = (float)d;
            end(cpu, rm);
        }
        f[in->rd] = box(f2u(r));
        break;
    }
    case F_CVT_D_S: {   /* single -> double: exact */
        uint32_t s = (uint32_t)unbox(f[in->rs1]);
        if (nan_s(s)) {
            if (snan_s(s)) cpu->fflags |= EMK_RV64_FF_NV;
            f[in->rd] = QNAN_D;
        } else {
            f[in->rd] = d2u((double)u2f(s));
        }
        break;
    }
    default:
        return -1;
    }
    return 0;
}
