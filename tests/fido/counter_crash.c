/* counter_crash.c - the signature counter across kill -9 (issue 15's
 * measurement).  Usage: counter-crash KILLS [MAX_US] [DIR]
 *
 * Each round forks a child that opens the key on DIR/state and runs
 * getAssertion-like loops: a U2F AUTHENTICATE (enforce presence) of a
 * credential it registered, when cred.c is there; otherwise the same
 * work by hand (the next counter value, then a P-256 signature over
 * application || flags || counter || challenge with the attestation key).
 * It reports its mode once it is ready, then every counter value it got,
 * through a pipe.  The parent SIGKILLs it a random 0..MAX_US
 * microseconds (default 30000) after the child is ready, counts the kills
 * that left DIR/state.tmp behind (the child died inside a save, between
 * creating the temporary file and the rename),
 * then checks that every value reported in any round is above every
 * value before it, and that the reloaded file's counter (its reserved
 * limit, read without using a value) is above all of them.  Exits 1 on
 * any repeat or step back. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "u2f_fixture.h"

static uint8_t rsp[EMK_FIDO_MSG_MAX];

/* registers; 0 and the key handle, or -1 without a working cred.c */
static int u2f_setup(fx_key *f, uint8_t *kh, size_t *kh_len)
{
    uint8_t a[9 + 64];
    size_t n;

    memset(a, 0, sizeof(a));
    a[1] = 0x01;
    a[6] = 64;
    memset(a + 7, 0xa5, 64);
    if (emk_fido_u2f_call(f->k, a, sizeof(a), rsp, sizeof(rsp), &n) || n < 70 ||
        rsp[n - 2] != 0x90 || rsp[n - 1] != 0)
        return -1;
    *kh_len = rsp[66];
    memcpy(kh, rsp + 67, *kh_len);
    return 0;
}

static int u2f_assert(fx_key *f, const uint8_t *kh, size_t kh_len, uint32_t *v)
{
    uint8_t a[9 + 65 + 255];
    size_t n, lc = 65 + kh_len;

    memset(a, 0, sizeof(a));
    a[1] = 0x02;
    a[2] = 0x03;
    a[5] = (uint8_t)(lc >> 8);
    a[6] = (uint8_t)lc;
    memset(a + 7, 0x3c, 32);
    memset(a + 39, 0xa5, 32);
    a[71] = (uint8_t)kh_len;
    memcpy(a + 72, kh, kh_len);
    if (emk_fido_u2f_call(f->k, a, 9 + lc, rsp, sizeof(rsp), &n) || n < 7 ||
        rsp[n - 2] != 0x90 || rsp[n - 1] != 0)
        return -1;
    *v = (uint32_t)rsp[1] << 24 | (uint32_t)rsp[2] << 16 | (uint32_t)rsp[3] << 8 | rsp[4];
    return 0;
}

static int by_hand(fx_key *f, uint32_t *v)
{
    uint8_t m[32 + 5 + 32], h[32], sig[EMK_P256_SIG_DER_MAX];

    if (emk_fido_counter_next(f->k, v) < 0)
        return -1;
    memset(m, 0xa5, sizeof(m));
    m[32] = 1;
    m[33] = (uint8_t)(*v >> 24);
    m[34] = (uint8_t)(*v >> 16);
    m[35] = (uint8_t)(*v >> 8);
    m[36] = (uint8_t)*v;
    emk_sha256(m, sizeof(m), h);
    return emk_p256_sign(&f->k->keys.att_priv, h, NULL, 0, sig, sizeof(sig)) < 0 ? -1 : 0;
}

static void child(const char *path, int out)
{
    uint8_t kh[255];
    size_t kh_len = 0;
    uint8_t mode;
    uint32_t v;
    fx_key f;

    if (fx_open(&f, path, 0x5a) < 0)
        _exit(3);
    mode = u2f_setup(&f, kh, &kh_len) == 0 ? 'u' : 'h';
    if (write(out, &mode, 1) != 1)
        _exit(5);
    for (;;) {
        if ((mode == 'u' ? u2f_assert(&f, kh, kh_len, &v) : by_hand(&f, &v)) < 0)
            _exit(4);
        if (write(out, &v, 4) != 4)
            _exit(5);
    }
}

int main(int argc, char **argv)
{
    long kills = argc > 1 ? strtol(argv[1], NULL, 0) : 50;
    long max_us = argc > 2 ? strtol(argv[2], NULL, 0) : 30000;
    char dir[256], path[300];
    uint32_t max_seen = 0, v;
    unsigned long long total = 0;
    long empty = 0, bad = 0, mid_save = 0;
    char tmp[310];
    int have = 0;
    char mode = '?';
    struct timespec t0, t1;

    if (kills < 1 || max_us < 1) {
        fprintf(stderr, "usage: %s KILLS [MAX_US] [DIR]\n", argv[0]);
        return 2;
    }
    if (argc > 3)
        snprintf(dir, sizeof(dir), "%s", argv[3]);
    else {
        strcpy(dir, "/tmp/emk-counter-crash-XXXXXX");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 2;
        }
    }
    snprintf(path, sizeof(path), "%s/state", dir);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long round = 0; round < kills && !bad; round++) {
        int fd[2], st;
        long n = 0;
        uint8_t m;
        pid_t pid;
        fx_key f;

        if (pipe(fd) < 0 || (pid = fork()) < 0) {
            perror("pipe/fork");
            return 2;
        }
        if (pid == 0) {
            close(fd[0]);
            child(path, fd[1]);
        }
        close(fd[1]);
        if (read(fd[0], &m, 1) == 1)        /* ready */
            mode = (char)m;
        usleep((useconds_t)(rand() % max_us));
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        mid_save += access(tmp, F_OK) == 0;
        if (!WIFSIGNALED(st)) {
            fprintf(stderr, "round %ld: child exited with %d\n", round, WEXITSTATUS(st));
            return 1;
        }
        while (read(fd[0], &v, 4) == 4) {
            if (have && v <= max_seen) {
                fprintf(stderr, "round %ld: counter %u after %u\n", round, v, max_seen);
                bad++;
            }
            if (!have || v > max_seen)
                max_seen = v;
            have = 1;
            n++;
        }
        close(fd[0]);
        total += (unsigned long long)n;
        empty += n == 0;
        if (fx_open(&f, path, 0x5a) < 0) {
            fprintf(stderr, "round %ld: the state file does not load\n", round);
            return 1;
        }
        if (have && emk_fido_counter(f.k) <= max_seen) {
            fprintf(stderr, "round %ld: reloaded counter %u <= %u\n", round,
                    emk_fido_counter(f.k), max_seen);
            bad++;
        }
        fx_close(&f);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("counter-crash: %ld kills, mode %s, %llu values reported, %ld kills before "
           "the first value, %ld inside a save, last value %u, %.1f s\n",
           kills, mode == 'u' ? "u2f-authenticate" : "counter+sign", total, empty,
           mid_save, max_seen, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    if (argc <= 3) {
        unlink(tmp);
        unlink(path);
        rmdir(dir);
    }
    printf("%ld passed, %ld failed\n", bad ? 0L : 1L, bad ? 1L : 0L);
    return bad ? 1 : 0;
}
