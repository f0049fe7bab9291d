/* fpedge: RV64 F/D corner cases through inline assembly, each result and
 * the fflags it raised printed in hex: fcvt with every static rounding
 * mode on ties, NaN, infinities and out-of-range values (saturation, NV vs
 * NX), NaN boxing of singles, fmin/fmax and compares with signalling NaNs,
 * fclass, fsgnj, fma's inf*0, and the dynamic rounding mode in frm.
 * Compared bit for bit with qemu-riscv64. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t fl(void)
{
    uint64_t f;
    __asm__ volatile("csrrw %0, fflags, zero" : "=r"(f));
    return f;
}

static double d_of(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static float f_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

#define CVT(name, insn, in_t, in, out_t) do { out_t r_; fl(); \
    __asm__ volatile(insn " %0, %1" : "=r"(r_) : "f"((in_t)(in))); \
    printf("%-22s %016llx %016llx fl=%02llx\n", name, (unsigned long long)dbits[i], \
           (unsigned long long)(uint64_t)r_, \
           (unsigned long long)fl()); } while (0)

#define CVTS(rm) \
    for (i = 0; i < n; i++) { \
        CVT("fcvt.w.d " #rm, "fcvt.w.d %0, %1, " #rm "; #", double, dv[i], int64_t); \
        CVT("fcvt.wu.d " #rm, "fcvt.wu.d %0, %1, " #rm "; #", double, dv[i], int64_t); \
        CVT("fcvt.l.d " #rm, "fcvt.l.d %0, %1, " #rm "; #", double, dv[i], int64_t); \
        CVT("fcvt.lu.d " #rm, "fcvt.lu.d %0, %1, " #rm "; #", double, dv[i], int64_t); \
        CVT("fcvt.w.s " #rm, "fcvt.w.s %0, %1, " #rm "; #", float, (float)dv[i], int64_t); \
        CVT("fcvt.lu.s " #rm, "fcvt.lu.s %0, %1, " #rm "; #", float, (float)dv[i], int64_t); \
    }

int main(void)
{
    static const uint64_t dbits[] = {
        0x3ff8000000000000ull, /* 1.5 */  0x4004000000000000ull, /* 2.5 */
        0xc004000000000000ull, /* -2.5 */ 0xbfe0000000000000ull, /* -0.5 */
        0x41dfffffffc00000ull, /* 2^31-1 */ 0x41e0000000000000ull, /* 2^31 */
        0xc1e0000000200000ull, /* -2^31-1 */ 0x41efffffffe00000ull, /* 2^32-1 */
        0x43e0000000000000ull, /* 2^63 */ 0xc3e0000000000000ull, /* -2^63 */
        0x43f0000000000000ull, /* 2^64 */ 0x7ff0000000000000ull, /* inf */
        0xfff0000000000000ull, /* -inf */ 0x7ff8000000000000ull, /* qNaN */
        0x7ff4000000000000ull, /* sNaN */ 0x0000000000000001ull, /* denormal */
        0x8000000000000000ull, /* -0 */   0x3fdfffffffffffffull  /* 0.4999.. */
    };
    double dv[sizeof(dbits) / sizeof(dbits[0])];
    int i, n = (int)(sizeof(dbits) / sizeof(dbits[0]));
    uint64_t r, frm;

    for (i = 0; i < n; i++)
        dv[i] = d_of(dbits[i]);
    CVTS(rne) CVTS(rtz) CVTS(rdn) CVTS(rup) CVTS(rmm)

    /* from integers, every mode: 2^53+1 and 2^24+1 round */
    {
        static const int64_t iv[] = { 9007199254740993ll, -9007199254740993ll, 16777217,
                                      -16777217, 0x7fffffffffffffffll, (int64_t)0x8000000000000001ull, 3 };
        for (i = 0; i < 7; i++) {
            double d;
            float f;
            uint64_t u;
#define FROM(insn, var, sz) __asm__ volatile(insn " %0, %1" : "=f"(var) : "r"(iv[i])); \
            u = 0; memcpy(&u, &var, sz); printf("%-26s %20lld %016llx fl=%02llx\n", insn, \
            (long long)iv[i], (unsigned long long)u, (unsigned long long)fl())
            FROM("fcvt.d.l %0, %1, rne; #", d, 8);
            FROM("fcvt.d.l %0, %1, rmm; #", d, 8);
            FROM("fcvt.d.lu %0, %1, rup; #", d, 8);
            FROM("fcvt.s.l %0, %1, rtz; #", f, 4);
            FROM("fcvt.s.l %0, %1, rmm; #", f, 4);
            FROM("fcvt.s.w %0, %1, rdn; #", f, 4);
            FROM("fcvt.s.wu %0, %1, rup; #", f, 4);
        }
    }

    /* NaN boxing: a double register read as a single is the canonical NaN */
    {
        double boxed = d_of(0x123456783f800000ull);
        float s;
        uint32_t u;
        __asm__ volatile("fadd.s %0, %1, %1" : "=f"(s) : "f"(boxed));
        memcpy(&u, &s, 4);
        printf("improper box fadd.s: %08x fl=%02llx\n", u, (unsigned long long)fl());
        __asm__ volatile("fmv.x.d %0, %1" : "=r"(r) : "f"(s));
        printf("fadd.s result register: %016llx\n", (unsigned long long)r);
        __asm__ volatile("fmv.w.x %0, %1" : "=f"(boxed) : "r"(0x7f800001ull));
        __asm__ volatile("fmv.x.d %0, %1" : "=r"(r) : "f"(boxed));
        printf("fmv.w.x boxes: %016llx\n", (unsigned long long)r);
    }

    /* min/max/compare with NaNs and signed zeros, fclass, fsgnj */
    {
        static const uint64_t a[] = { 0x7ff4000000000000ull, 0x7ff8000000000000ull,
                                      0x8000000000000000ull, 0x0000000000000000ull,
                                      0x3ff0000000000000ull };
        int j;
        for (i = 0; i < 5; i++)
            for (j = 0; j < 5; j++) {
                double x = d_of(a[i]), y = d_of(a[j]), m;
                uint64_t mn, mx, eq, lt, le;
                __asm__ volatile("fmin.d %0, %1, %2" : "=f"(m) : "f"(x), "f"(y)); memcpy(&mn, &m, 8);
                __asm__ volatile("fmax.d %0, %1, %2" : "=f"(m) : "f"(x), "f"(y)); memcpy(&mx, &m, 8);
                r = fl();
                __asm__ volatile("feq.d %0, %1, %2" : "=r"(eq) : "f"(x), "f"(y));
                __asm__ volatile("flt.d %0, %1, %2" : "=r"(lt) : "f"(x), "f"(y));
                __asm__ volatile("fle.d %0, %1, %2" : "=r"(le) : "f"(x), "f"(y));
                printf("%d %d: min %016llx max %016llx fl=%02llx eq %llu lt %llu le %llu fl=%02llx\n",
                       i, j, (unsigned long long)mn, (unsigned long long)mx, (unsigned long long)r,
                       (unsigned long long)eq, (unsigned long long)lt, (unsigned long long)le,
                       (unsigned long long)fl());
            }
        for (i = 0; i < n; i++) {
            double x = dv[i], y;
            float xf = (float)dv[i];
            uint64_t c, cs, sj;
            fl();
            __asm__ volatile("fclass.d %0, %1" : "=r"(c) : "f"(x));
            __asm__ volatile("fclass.s %0, %1" : "=r"(cs) : "f"(xf));
            __asm__ volatile("fsgnjn.d %0, %1, %1" : "=f"(y) : "f"(x));
            memcpy(&sj, &y, 8);
            printf("class %016llx: %03llx %03llx neg %016llx\n", (unsigned long long)dbits[i],
                   (unsigned long long)c, (unsigned long long)cs, (unsigned long long)sj);
        }
    }

    /* fma: inf*0 + qNaN is invalid; sNaN addend */
    {
        double inf = d_of(0x7ff0000000000000ull), z = 0.0, q = d_of(0x7ff8000000000000ull), m;
        uint64_t u;
        fl();
        __asm__ volatile("fmadd.d %0, %1, %2, %3" : "=f"(m) : "f"(inf), "f"(z), "f"(q));
        memcpy(&u, &m, 8);
        printf("fma inf*0+qnan %016llx fl=%02llx\n", (unsigned long long)u, (unsigned long long)fl());
        __asm__ volatile("fnmsub.d %0, %1, %2, %3" : "=f"(m) : "f"(d_of(0x3ff0000000000001ull)),
                         "f"(d_of(0x3ff0000000000001ull)), "f"(d_of(0x3ff0000000000000ull)));
        memcpy(&u, &m, 8);
        printf("fnmsub %016llx fl=%02llx\n", (unsigned long long)u, (unsigned long long)fl());
    }

    /* the dynamic mode: frm, and an invalid frm makes dynamic ops illegal */
    for (frm = 0; frm < 5; frm++) {
        double x = d_of(0x3ff0000000000000ull), y = d_of(0x3ca0000000000000ull), s;
        uint64_t u;
        __asm__ volatile("fsrm %0" : : "r"(frm));
        __asm__ volatile("fadd.d %0, %1, %2" : "=f"(s) : "f"(x), "f"(y));
        memcpy(&u, &s, 8);
        __asm__ volatile("frcsr %0" : "=r"(r));
        printf("frm %llu: 1+2^-53 = %016llx fcsr %02llx\n", (unsigned long long)frm,
               (unsigned long long)u, (unsigned long long)r);
        fl();
    }
    __asm__ volatile("fsrm zero");
    printf("%f\n", (double)f_of(0x3fc00000u));
    return 0;
}
