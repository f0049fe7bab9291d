/* bench_p256.c - ECDSA P-256 signs and verifies per second (and ECDH),
 * beside `openssl speed -seconds 3 ecdsap256` run in the same
 * invocation; prints the ratio to OpenSSL's rates.  A benchmark, not a
 * timed test: tests/crypto/bench.sh runs it niced and docs/perf/fido.md
 * records the figures.
 *
 *   bench-p256 [SECONDS]     (default 3 per measurement; 0: skip openssl) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emkit/p256.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time, as openssl speed counts */
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Signs (ecdh 0) or runs ECDH (ecdh 1) for secs seconds; ops per second. */
static double rate(int ecdh, double secs, const emk_p256_priv *key,
                   const emk_p256_pub *pub)
{
    uint8_t h[32], der[72], z[32];
    double t0 = now(), t;
    unsigned long n = 0;
    emk_sha256("bench", 5, h);
    do {
        unsigned i;
        for (i = 0; i < 16; i++, n++) {
            h[0] = (uint8_t)n; /* a new digest each time */
            if (ecdh ? emk_p256_ecdh(key, pub, z) != 0
                     : emk_p256_sign(key, h, NULL, 0, der, sizeof(der)) < 0)
                exit(1);
        }
        t = now() - t0;
    } while (t < secs);
    return (double)n / t;
}

static double verify_rate(double secs, const emk_p256_pub *pub,
                          const uint8_t h[32], const uint8_t *der, size_t len)
{
    double t0 = now(), t;
    unsigned long n = 0;
    do {
        unsigned i;
        for (i = 0; i < 16; i++, n++)
            if (emk_p256_verify(pub, h, der, len))
                exit(1);
        t = now() - t0;
    } while (t < secs);
    return (double)n / t;
}

/* Runs openssl speed; returns 0 and its sign/verify rates, or -1. */
static int openssl_rates(int secs, double *sign, double *verify)
{
    char cmd[128], line[512];
    FILE *f;
    int found = -1;
    snprintf(cmd, sizeof(cmd), "openssl speed -seconds %d ecdsap256 2>/dev/null",
             secs);
    f = popen(cmd, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        char *p = strstr(line, "ecdsa (nistp256)");
        double a, b, s, v;
        if (p && sscanf(p + strlen("ecdsa (nistp256)"), " %lfs %lfs %lf %lf",
                        &a, &b, &s, &v) == 4) {
            *sign = s;
            *verify = v;
            found = 0;
        }
    }
    pclose(f);
    return found;
}

int main(int argc, char **argv)
{
    int secs = argc > 1 ? atoi(argv[1]) : 3;
    double dur = secs > 0 ? secs : 1, s, v, e, os, ov;
    emk_p256_priv key;
    emk_p256_pub pub;
    emk_drbg_ctx rng;
    uint8_t h[32], der[72];
    int m;

    emk_drbg_init_seed(&rng, "bench", 5);
    if (emk_p256_keygen(&key, &pub, &rng))
        return 1;
    emk_sha256("bench", 5, h);
    m = emk_p256_sign(&key, h, NULL, 0, der, sizeof(der));
    if (m < 0)
        return 1;
    s = rate(0, dur, &key, &pub);
    v = verify_rate(dur, &pub, h, der, (size_t)m);
    e = rate(1, dur, &key, &pub);
    printf("emkit  p256 sign   %9.1f/s  (%.1f us)\n", s, 1e6 / s);
    printf("emkit  p256 verify %9.1f/s  (%.1f us)\n", v, 1e6 / v);
    printf("emkit  p256 ecdh   %9.1f/s  (%.1f us)\n", e, 1e6 / e);
    if (secs > 0 && openssl_rates(secs, &os, &ov) == 0) {
        printf("openssl p256 sign  %9.1f/s, verify %9.1f/s (openssl speed -seconds %d ecdsap256)\n",
               os, ov, secs);
        printf("ratio emkit/openssl: sign %.3fx, verify %.3fx (goal: sign >= 0.2x)\n",
               s / os, v / ov);
    } else if (secs > 0) {
        printf("openssl speed did not run: no ratio\n");
    }
    return 0;
}
