/* fp: libm and FP corner cases printed bit for bit (hex), including
 * rounding modes, fflags (fetestexcept), conversions and NaN handling. */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static const double in[] = { 0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -2.5, 1e-310, 3.0, 1e300,
    -1e300, 0.1, 7.25, 123456.789, 1e-5, 6.283185307179586, 1e10, -3.5, INFINITY,
    -INFINITY, NAN };

int main(void)
{
    volatile double d, e;
    volatile float f;
    size_t i;
    int m;
    static const int modes[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };

    for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        d = in[i];
        printf("%zu: sin %016llx cos %016llx exp %016llx log %016llx sqrt %016llx\n", i,
               (unsigned long long)bits(sin(d)), (unsigned long long)bits(cos(d)),
               (unsigned long long)bits(exp(d)), (unsigned long long)bits(log(d)),
               (unsigned long long)bits(sqrt(d)));
        printf("   tan %016llx atan %016llx pow %016llx cbrt %016llx fl %08x\n",
               (unsigned long long)bits(tan(d)), (unsigned long long)bits(atan2(d, 1.5)),
               (unsigned long long)bits(pow(d, 1.7)), (unsigned long long)bits(cbrt(d)),
               fbits(sinf((float)d)));
        for (m = 0; m < 4; m++) {
            feclearexcept(FE_ALL_EXCEPT);
            fesetround(modes[m]);
            e = d / 3.0;
            f = (float)d * 1.1f;
            printf("   m%d div %016llx f %08x rint %016llx l %lld i %d fl %02x\n", m,
                   (unsigned long long)bits(e), fbits(f), (unsigned long long)bits(rint(d)),
                   (long long)llrint(d), (int)lrint(d * 0.5),
                   fetestexcept(FE_ALL_EXCEPT));
            fesetround(FE_TONEAREST);
        }
        feclearexcept(FE_ALL_EXCEPT);
        printf("   cvt %d %u %lld %llu fma %016llx fl %02x\n", (int)d, (unsigned)d,
               (long long)d, (unsigned long long)d,
               (unsigned long long)bits(fma(d, 3.0, -1.0)), fetestexcept(FE_ALL_EXCEPT));
        printf("   fmin %016llx fmax %016llx fminf %08x\n", (unsigned long long)bits(fmin(d, NAN)),
               (unsigned long long)bits(fmax(d, -0.0)), fbits(fminf((float)d, -0.0f)));
    }
    return 0;
}
