/* Recursive quicksort of 200000 pseudo-random 32-bit keys. */
#include "rt.h"
enum { N = 200000 };
static unsigned a[N];

static void qs(unsigned *v, long lo, long hi)
{
    while (lo < hi) {
        unsigned p = v[lo + (hi - lo) / 2], t;
        long i = lo, j = hi;
        while (i <= j) {
            while (v[i] < p) i++;
            while (v[j] > p) j--;
            if (i <= j) { t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
        }
        if (j - lo < hi - i) { qs(v, lo, j); lo = i; }
        else { qs(v, i, hi); hi = j; }
    }
}

u64 wl_main(void)
{
    u64 x = 2463534242ull, s = 0;
    long i, r;
    for (r = 0; r < REPS; r++) {
        for (i = 0; i < N; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            a[i] = (unsigned)x;
        }
        qs(a, 0, N - 1);
    }
    for (i = 1; i < N; i++)
        if (a[i - 1] > a[i])
            return 0;
    for (i = 0; i < N; i += 997)
        s += a[i];
    return s;
}
