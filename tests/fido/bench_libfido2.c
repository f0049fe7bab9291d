/*
 * bench_libfido2.c - FIDO2 round trips through libfido2, in process:
 * fido_dev_make_cred and fido_dev_get_assert against the emkit key
 * (CTAPHID framing, CBOR, our P-256), each checked with libfido2's own
 * fido_cred_verify / fido_assert_verify (OpenSSL), whose times are the
 * peer's figure in the same run.  A benchmark, not a timed test:
 * tests/fido/bench.sh runs it niced; docs/perf/fido.md has the figures.
 *
 *   bench-libfido2 [ROUNDS]      (default 200)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fido_io.h"
#include <fido/es256.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void report(const char *what, double *t, int n)
{
    double sum = 0;

    for (int i = 0; i < n; i++)
        sum += t[i];
    qsort(t, (size_t)n, sizeof(*t), cmp);
    printf("%-34s median %7.3f ms  mean %7.3f ms  p95 %7.3f ms\n", what,
           t[n / 2] * 1e3, sum / n * 1e3, t[(n * 95) / 100] * 1e3);
}

int main(int argc, char **argv)
{
    static const unsigned char cdh[32] = "bench client data hash.........";
    static const unsigned char uid[16] = "bench user id..";
    int rounds = argc > 1 ? atoi(argv[1]) : 200;
    double *mc, *ga, *cv, *av;
    fio_key f;
    fido_dev_t *dev;
    int r = 1;

    if (rounds < 1)
        rounds = 1;
    mc = calloc((size_t)rounds, sizeof(double));
    ga = calloc((size_t)rounds, sizeof(double));
    cv = calloc((size_t)rounds, sizeof(double));
    av = calloc((size_t)rounds, sizeof(double));
    fido_init(0);
    if (!mc || !ga || !cv || !av || fio_key_init(&f, NULL) < 0 || !(dev = fio_dev(&f))) {
        fprintf(stderr, "bench-libfido2: cannot open the key\n");
        return 1;
    }
    for (int i = 0; i < rounds; i++) {
        fido_cred_t *c = fido_cred_new();
        fido_assert_t *a = fido_assert_new();
        es256_pk_t *pk = es256_pk_new();
        double t0, t1, t2, t2b, t3, t4;

        if (!c || !a || !pk ||
            fido_cred_set_type(c, COSE_ES256) != FIDO_OK ||
            fido_cred_set_clientdata_hash(c, cdh, sizeof(cdh)) != FIDO_OK ||
            fido_cred_set_rp(c, "bench.example", "bench") != FIDO_OK ||
            fido_cred_set_user(c, uid, sizeof(uid), "bench", NULL, NULL) != FIDO_OK)
            goto out;
        t0 = now();
        if (fido_dev_make_cred(dev, c, NULL) != FIDO_OK)
            goto out;
        t1 = now();
        if (fido_cred_verify(c) != FIDO_OK)
            goto out;
        t2 = now();
        if (fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)) != FIDO_OK ||
            fido_assert_set_rp(a, "bench.example") != FIDO_OK ||
            fido_assert_allow_cred(a, fido_cred_id_ptr(c), fido_cred_id_len(c)) != FIDO_OK ||
            fido_assert_set_up(a, FIDO_OPT_TRUE) != FIDO_OK ||
            es256_pk_from_ptr(pk, fido_cred_pubkey_ptr(c), fido_cred_pubkey_len(c)) != FIDO_OK)
            goto out;
        t2b = now();                    /* the set-up is not timed */
        if (fido_dev_get_assert(dev, a, NULL) != FIDO_OK)
            goto out;
        t3 = now();
        if (fido_assert_verify(a, 0, COSE_ES256, pk) != FIDO_OK)
            goto out;
        t4 = now();
        mc[i] = t1 - t0;
        cv[i] = (t2 - t1);
        ga[i] = t3 - t2b;
        av[i] = t4 - t3;
        es256_pk_free(&pk);
        fido_assert_free(&a);
        fido_cred_free(&c);
        continue;
out:
        fprintf(stderr, "bench-libfido2: round %d failed\n", i);
        goto done;
    }
    printf("# %d rounds, in process (libfido2 over fido_dev_io_t), counter now %u\n",
           rounds, emk_fido_counter(f.key));
    report("emkit makeCredential (libfido2)", mc, rounds);
    report("emkit getAssertion (libfido2)", ga, rounds);
    report("peer: fido_cred_verify (OpenSSL)", cv, rounds);
    report("peer: fido_assert_verify (OpenSSL)", av, rounds);
    r = 0;
done:
    fido_dev_close(dev);
    fido_dev_free(&dev);
    fio_key_cleanup(&f);
    free(mc);
    free(ga);
    free(cv);
    free(av);
    return r;
}
