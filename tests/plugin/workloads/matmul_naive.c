/* Naive i-j-k matrix multiply of doubles: column walks of B miss in L1. */
#include "rt.h"
enum { N = 128 };
static double A[N][N], B[N][N], C[N][N];

u64 wl_main(void)
{
    int i, j, k, r;
    u64 s = 0;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            A[i][j] = (double)(i + j);
            B[i][j] = (double)(i - j);
        }
    for (r = 0; r < REPS; r++)
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            double t = 0;
            for (k = 0; k < N; k++)
                t += A[i][k] * B[k][j];
            C[i][j] = t;
        }
    for (i = 0; i < N; i++)
        s += (u64)(long)C[i][(i * 7) % N];
    return s;
}
