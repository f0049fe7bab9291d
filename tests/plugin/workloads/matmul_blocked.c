/* Blocked (tiled) matrix multiply: the same product with 16x16 tiles. */
#include "rt.h"
enum { N = 128, T = 16 };
static double A[N][N], B[N][N], C[N][N];

u64 wl_main(void)
{
    int i, j, k, ii, jj, kk, r;
    u64 s = 0;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            A[i][j] = (double)(i + j);
            B[i][j] = (double)(i - j);
        }
    for (r = 0; r < REPS; r++)
    for (ii = 0; ii < N; ii += T)
        for (kk = 0; kk < N; kk += T)
            for (jj = 0; jj < N; jj += T)
                for (i = ii; i < ii + T; i++)
                    for (k = kk; k < kk + T; k++) {
                        double a = A[i][k];
                        for (j = jj; j < jj + T; j++)
                            C[i][j] += a * B[k][j];
                    }
    for (i = 0; i < N; i++)
        s += (u64)(long)C[i][(i * 7) % N];
    return s;
}
