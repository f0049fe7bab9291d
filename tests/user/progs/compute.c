/* compute: integer and FP kernels (sieve, matrix multiply, CRC, sort,
 * 64-bit mul/div corners); prints checksums.  Also the CPU benchmark. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    size_t i;
    int k;

    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

static int cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : 1, i, j, k, r;
    int n = 200000 * scale, primes = 0;
    char *sieve = calloc((size_t)n + 1, 1);
    enum { M = 64 };
    static double a[M][M], b[M][M], c[M][M];
    uint32_t *v;
    uint64_t x = 88172645463325252ull, acc = 0;
    double tr = 0;

    for (i = 2; i <= n; i++) {
        if (sieve[i]) continue;
        primes++;
        for (j = 2 * i; j <= n; j += i) sieve[j] = 1;
    }
    printf("primes<=%d: %d\n", n, primes);
    for (r = 0; r < scale; r++) {
        for (i = 0; i < M; i++)
            for (j = 0; j < M; j++) {
                a[i][j] = (i * 31 + j * 17 + r) % 97 / 7.0;
                b[i][j] = (i * 13 + j * 29) % 89 / 3.0 - 5.0;
            }
        for (i = 0; i < M; i++)
            for (j = 0; j < M; j++) {
                double s = 0;
                for (k = 0; k < M; k++) s += a[i][k] * b[k][j];
                c[i][j] = s;
            }
        for (i = 0; i < M; i++) tr += c[i][i];
    }
    printf("trace: %.17g\n", tr);
    v = malloc(sizeof(uint32_t) * 50000);
    for (i = 0; i < 50000; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        v[i] = (uint32_t)x;
    }
    qsort(v, 50000, sizeof(uint32_t), cmp);
    printf("crc sorted: %08x\n", crc32((const uint8_t *)v, 50000 * sizeof(uint32_t)));
    for (i = 1; i < 1000 * scale; i++) {
        int64_t s = (int64_t)(x * (uint64_t)i) >> 3;
        acc += (uint64_t)(s / (i | 1)) + (uint64_t)(s % 7) + (x / (uint64_t)i);
        acc ^= (uint64_t)((unsigned __int128)x * acc >> 64);
        x = x * 6364136223846793005ull + 1442695040888963407ull;
    }
    printf("acc: %016llx\n", (unsigned long long)acc);
    printf("div corners: %lld %lld %llu\n", (long long)(INT64_MIN / (x ? -1 : 1) * 0 + INT64_MIN / 3),
           (long long)(-7 % 3), (unsigned long long)(~0ull / 3));
    free(v);
    free(sieve);
    return 0;
}
