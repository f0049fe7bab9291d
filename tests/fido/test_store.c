/* test_store.c - the state file (hw/fido/store.c): round trip of every
 * field, every truncation and every flipped byte refused with -EINVAL
 * and the file left as it was, newer versions and malformed fields under
 * a valid checksum refused, sticky save failures, and a counter that
 * never repeats across SIGKILLs of a child at random points. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "u2f_fixture.h"

static char dir[64], path[128], tmp_path[140];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/emk-fido-store-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/state", dir);
    snprintf(tmp_path, sizeof(tmp_path), "%s.tmp", path);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static uint8_t *slurp(const char *p, size_t *len)
{
    FILE *f = fopen(p, "rb");
    uint8_t *b = malloc(1 << 17);

    assert_non_null(f);
    assert_non_null(b);
    *len = fread(b, 1, 1 << 17, f);
    fclose(f);
    return b;
}

static void spit(const char *p, const uint8_t *b, size_t len)
{
    FILE *f = fopen(p, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Fills every persistent field with something recognisable. */
static void fill_state(emk_fido_persist *st)
{
    memset(st->pin_hash, 0x5c, sizeof(st->pin_hash));
    st->pin_set = 1;
    st->pin_retries = 5;
    st->pin_code_points = 6;
    st->min_pin_len = 6;
    st->force_pin_change = 1;
    st->always_uv = 1;
    st->min_pin_rp_count = 2;
    st->rk_seq = 77;
    strcpy(st->min_pin_rps[0], "example.com");
    strcpy(st->min_pin_rps[1], "login.example.org");
    for (int i = 3; i < EMK_FIDO_MAX_RK; i += 7) {
        emk_fido_rk *r = &st->rk[i];

        r->in_use = 1;
        r->cred_protect = (uint8_t)(1 + i % 3);
        r->user_id_len = (uint8_t)(1 + i);
        r->cred_blob_len = (uint8_t)(i % 33);
        r->has_large_blob_key = (uint8_t)(i & 1);
        r->seq = (uint32_t)(1000 + i);
        memset(r->rp_id_hash, i, 32);
        memset(r->cred_id, 0x40 + i, EMK_FIDO_CRED_ID_LEN);
        memset(r->user_id, 0x80 + i, r->user_id_len);
        r->rp_id_len = (uint8_t)snprintf(r->rp_id, sizeof(r->rp_id), "rp%d.example", i);
        r->user_name_len = (uint8_t)snprintf(r->user_name, sizeof(r->user_name), "user%d", i);
        r->display_name_len =
            (uint8_t)snprintf(r->display_name, sizeof(r->display_name), "User %d", i);
        memset(r->cred_blob, 0xcb, r->cred_blob_len);
        memset(r->large_blob_key, 0x1b + i, 32);
    }
    st->large_blob_len = 1000;
    for (int i = 0; i < 1000; i++)
        st->large_blob[i] = (uint8_t)(i * 7);
}

static void same_state(const emk_fido_persist *a, const emk_fido_persist *b)
{
    assert_memory_equal(a->master, b->master, 32);
    assert_memory_equal(a->pin_hash, b->pin_hash, 16);
    assert_int_equal(a->pin_set, b->pin_set);
    assert_int_equal(a->pin_retries, b->pin_retries);
    assert_int_equal(a->pin_code_points, b->pin_code_points);
    assert_int_equal(a->min_pin_len, b->min_pin_len);
    assert_int_equal(a->force_pin_change, b->force_pin_change);
    assert_int_equal(a->always_uv, b->always_uv);
    assert_int_equal(a->min_pin_rp_count, b->min_pin_rp_count);
    assert_int_equal(a->counter_limit, b->counter_limit);
    assert_int_equal(a->rk_seq, b->rk_seq);
    assert_memory_equal(a->min_pin_rps, b->min_pin_rps, sizeof(a->min_pin_rps));
    assert_memory_equal(a->rk, b->rk, sizeof(a->rk));
    assert_int_equal(a->large_blob_len, b->large_blob_len);
    assert_memory_equal(a->large_blob, b->large_blob, a->large_blob_len);
}

/* A key with a filled state saved at path. */
static void make_file(void)
{
    fx_key f;

    assert_int_equal(fx_open(&f, path, 0x31), 0);
    fill_state(&f.k->st);
    assert_int_equal(emk_fido_store_save(f.k), 0);
    fx_close(&f);
}

static void test_round_trip(void **state)
{
    fx_key f, g;
    emk_fido_persist *want = malloc(sizeof(*want));
    struct stat sb;

    (void)state;
    assert_non_null(want);
    assert_int_equal(fx_open(&f, path, 0x31), 0);       /* fresh: saved */
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(access(tmp_path, F_OK), -1);
    fill_state(&f.k->st);
    assert_int_equal(emk_fido_store_save(f.k), 0);
    memcpy(want, &f.k->st, sizeof(*want));
    fx_close(&f);
    {   /* the in-memory encoder writes what the file holds */
        size_t flen, elen;
        uint8_t *file = slurp(path, &flen), *enc = malloc(flen + 64);

        assert_non_null(enc);
        assert_int_equal(emk_fido_store_encode(want, enc, flen + 64, &elen), 0);
        assert_int_equal(elen, flen);
        assert_memory_equal(enc, file, flen);
        assert_int_equal(emk_fido_store_encode(want, enc, flen - 1, &elen), -ENOSPC);
        free(enc);
        free(file);
    }
    assert_int_equal(fx_open(&g, path, 0x99), 0);       /* another seed: loaded */
    same_state(want, &g.k->st);
    assert_int_equal(emk_fido_counter(g.k), want->counter_limit);
    fx_close(&g);
    /* an empty state (fresh key) too */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(fx_open(&f, path, 0x32), 0);
    memcpy(want, &f.k->st, sizeof(*want));
    fx_close(&f);
    assert_int_equal(fx_open(&g, path, 0x33), 0);
    same_state(want, &g.k->st);
    fx_close(&g);
    free(want);
}

/* path holds bad bytes: emk_fido_new refuses with -EINVAL, and the file
 * is byte for byte what it was. */
static void refused(const uint8_t *b, size_t len)
{
    fx_key f;
    uint8_t *after;
    size_t alen;

    spit(path, b, len);
    assert_int_equal(fx_open(&f, path, 0x31), -EINVAL);
    after = slurp(path, &alen);
    assert_int_equal(alen, len);
    assert_memory_equal(after, b, len);
    free(after);
    assert_int_equal(access(tmp_path, F_OK), -1);
}

static void test_truncated_and_flipped(void **state)
{
    uint8_t *good, *b;
    size_t len;

    (void)state;
    make_file();
    good = slurp(path, &len);
    assert_true(len > 1000);
    b = malloc(len + 1);
    assert_non_null(b);
    for (size_t n = 0; n < len; n++)
        refused(good, n);
    for (size_t i = 0; i < len; i++) {
        memcpy(b, good, len);
        b[i] ^= (uint8_t)(1u << (i % 8));
        refused(b, len);
    }
    memcpy(b, good, len);                /* one byte too many */
    b[len] = 0;
    refused(b, len + 1);
    spit(path, good, len);               /* and the original still loads */
    {
        fx_key f;

        assert_int_equal(fx_open(&f, path, 0x31), 0);
        fx_close(&f);
    }
    free(b);
    free(good);
}

/* Patches bytes then fixes the checksum, so only the check of the
 * patched field can refuse the file. */
static void reseal(uint8_t *b, size_t len)
{
    emk_sha256(b, len - 32, b + len - 32);
}

static void test_valid_checksum_bad_fields(void **state)
{
    uint8_t *good, *b;
    size_t len, off;

    (void)state;
    make_file();
    good = slurp(path, &len);
    b = malloc(len + 8);
    assert_non_null(b);
    memcpy(b, good, len);                /* the resealed original loads */
    reseal(b, len);
    assert_memory_equal(b, good, len);
    /* a newer version */
    b[8] = 2;
    reseal(b, len);
    refused(b, len);
    /* nonzero flags */
    memcpy(b, good, len);
    b[10] = 1;
    reseal(b, len);
    refused(b, len);
    /* payload length off by one */
    memcpy(b, good, len);
    b[12]++;
    reseal(b, len);
    refused(b, len);
    /* pin_set = 2 (header 16, master 32, pin_hash 16) */
    off = 16 + 32 + 16;
    memcpy(b, good, len);
    b[off] = 2;
    reseal(b, len);
    refused(b, len);
    /* the first min_pin_rps length past its array (after 7 u8 + 2 u32) */
    off = 16 + 32 + 16 + 7 + 8;
    memcpy(b, good, len);
    b[off] = 200;
    reseal(b, len);
    refused(b, len);
    /* min_pin_rp_count = 5 */
    memcpy(b, good, len);
    b[16 + 32 + 16 + 6] = 5;
    reseal(b, len);
    refused(b, len);
    /* trailing bytes inside a payload whose length says so */
    memcpy(b, good, len - 32);
    memset(b + len - 32, 0, 4);
    b[12] = (uint8_t)(b[12] + 4);
    reseal(b, len + 4);
    refused(b, len + 4);
    free(b);
    free(good);
}

/* Decoding in memory: a duplicated resident slot and a slot index out of
 * range are refused, whatever the checksum. */
static void test_decode_slots(void **state)
{
    uint8_t *good, *b;
    size_t len, off;
    emk_fido_persist *st = malloc(sizeof(*st));

    (void)state;
    assert_non_null(st);
    make_file();
    good = slurp(path, &len);
    assert_int_equal(emk_fido_store_decode(st, good, len), 0);
    b = malloc(len);
    assert_non_null(b);
    /* the rk count follows the 4 min_pin_rps entries */
    off = 16 + 32 + 16 + 7 + 8;
    for (int i = 0; i < EMK_FIDO_MIN_PIN_RPS; i++)
        off += 1 + good[off];
    assert_int_equal(good[off] | good[off + 1] << 8, 7);  /* slots 3, 10, ..., 45 */
    assert_int_equal(good[off + 2], 3);
    memcpy(b, good, len);
    b[off + 2] = EMK_FIDO_MAX_RK;        /* slot out of range */
    reseal(b, len);
    assert_int_equal(emk_fido_store_decode(st, b, len), -EINVAL);
    memcpy(b, good, len);
    b[off] = EMK_FIDO_MAX_RK + 1;        /* too many */
    reseal(b, len);
    assert_int_equal(emk_fido_store_decode(st, b, len), -EINVAL);
    /* the second record's slot = the first's: its record starts after
     * the first one (slot 3: 1+1+1+4+32+64 + 1+4 + 1+11 + 1+5 + 1+6 + 1+3 + 32) */
    memcpy(b, good, len);
    b[off + 2 + 1 + 1 + 1 + 4 + 32 + 64 + 1 + 4 + 1 + 11 + 1 + 5 + 1 + 6 + 1 + 3 + 32] = 3;
    reseal(b, len);
    assert_int_equal(emk_fido_store_decode(st, b, len), -EINVAL);
    free(b);
    free(good);
    free(st);
}

static void test_stale_tmp(void **state)
{
    static const uint8_t junk[] = "half a state file";
    fx_key f;

    (void)state;
    make_file();
    spit(tmp_path, junk, sizeof(junk));   /* a torn PATH.tmp from a crash */
    assert_int_equal(fx_open(&f, path, 0x31), 0);
    assert_int_equal(f.k->st.rk_seq, 77);
    assert_int_equal(emk_fido_store_save(f.k), 0);
    assert_int_equal(access(tmp_path, F_OK), -1);
    fx_close(&f);
    assert_int_equal(fx_open(&f, path, 0x31), 0);
    assert_int_equal(f.k->st.rk_seq, 77);
    fx_close(&f);
}

/* A failed save: sticky, no temp file left, no counter handed out. */
static void failed_save(fx_key *f, int want)
{
    uint32_t v = 12345, c;

    f->k->counter = f->k->st.counter_limit;   /* the next value needs a save */
    c = f->k->counter;
    assert_int_equal(emk_fido_counter_next(f->k, &v), want);
    assert_int_equal(v, 12345);
    assert_int_equal(emk_fido_counter(f->k), c);
    assert_int_equal(emk_fido_error(f->k), want);
    assert_int_equal(emk_fido_store_save(f->k), want);
    assert_int_equal(emk_fido_counter_next(f->k, &v), want);
    f->k->err = 0;
}

static void test_save_failures(void **state)
{
    fx_key f;
    uint8_t *before, *after;
    size_t blen, alen;
    char sub[160], moved[160];

    (void)state;
    make_file();
    before = slurp(path, &blen);
    assert_int_equal(fx_open(&f, path, 0x31), 0);
    free(before);
    before = slurp(path, &blen);         /* as the first reservation left it */
    /* the temp file cannot be created: PATH.tmp is a directory */
    assert_int_equal(mkdir(tmp_path, 0700), 0);
    failed_save(&f, -EISDIR);
    assert_int_equal(rmdir(tmp_path), 0);
    /* writes fail: PATH.tmp is a link to /dev/full */
    if (access("/dev/full", W_OK) == 0) {
        assert_int_equal(symlink("/dev/full", tmp_path), 0);
        failed_save(&f, -ENOSPC);
        assert_int_equal(access(tmp_path, F_OK), -1);   /* removed */
    }
    /* rename fails: PATH became a non-empty directory */
    snprintf(moved, sizeof(moved), "%s/moved", dir);
    assert_int_equal(rename(path, moved), 0);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(sub, sizeof(sub), "%s/x", path);
    spit(sub, (const uint8_t *)"x", 1);
    failed_save(&f, -EISDIR);
    assert_int_equal(access(tmp_path, F_OK), -1);
    assert_int_equal(unlink(sub), 0);
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(rename(moved, path), 0);
    /* a read-only directory (only binds a non-root user) */
    if (geteuid() != 0) {
        assert_int_equal(chmod(dir, 0500), 0);
        failed_save(&f, -EACCES);
        assert_int_equal(chmod(dir, 0700), 0);
    }
    /* the file is what it was */
    after = slurp(path, &alen);
    assert_int_equal(alen, blen);
    assert_memory_equal(after, before, blen);
    free(after);
    free(before);
    /* sticky: once failed, a now-possible save still fails */
    f.k->err = -EIO;
    assert_int_equal(emk_fido_store_save(f.k), -EIO);
    f.k->err = 0;
    fx_close(&f);
}

static void test_counter_reserves(void **state)
{
    fx_key f;
    uint32_t v, prev = 0;

    (void)state;
    assert_int_equal(fx_open(&f, path, 0x31), 0);
    for (int i = 0; i < 300; i++) {
        assert_int_equal(emk_fido_counter_next(f.k, &v), 0);
        if (i)
            assert_true(v == prev + 1);
        prev = v;
        assert_true(f.k->st.counter_limit > v);
    }
    fx_close(&f);
    /* reopened: the file's limit is above every value handed out */
    assert_int_equal(fx_open(&f, path, 0x31), 0);
    assert_true(emk_fido_counter(f.k) > prev);
    assert_int_equal(emk_fido_counter_next(f.k, &v), 0);
    assert_true(v > prev);
    /* the top: reservations stop short of wrapping */
    f.k->counter = f.k->st.counter_limit = UINT32_MAX - 3;
    for (int i = 0; i < 3; i++)
        assert_int_equal(emk_fido_counter_next(f.k, &v), 0);
    assert_int_equal(v, UINT32_MAX - 1);
    assert_int_equal(emk_fido_counter_next(f.k, &v), -EOVERFLOW);
    assert_int_equal(emk_fido_error(f.k), 0);
    fx_close(&f);
}

/* A child hands out counter values, reporting each through a pipe, and
 * is SIGKILLed at a random moment; the reloaded key's next value is above
 * all of them.  Twenty rounds on one file. */
static void test_counter_crash(void **state)
{
    uint32_t max_seen = 0, v;
    int have = 0;

    (void)state;
    srand((unsigned)time(NULL));
    for (int round = 0; round < 20; round++) {
        int fd[2], st;
        pid_t pid;
        fx_key f;
        size_t n = 0;
        ssize_t got;

        assert_int_equal(pipe(fd), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fd[0]);
            if (fx_open(&f, path, 0x31) < 0)
                _exit(3);
            for (;;) {
                if (emk_fido_counter_next(f.k, &v) < 0)
                    _exit(4);
                if (write(fd[1], &v, 4) != 4)
                    _exit(5);
            }
        }
        close(fd[1]);
        usleep((useconds_t)(rand() % 20000));
        kill(pid, SIGKILL);
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFSIGNALED(st));
        while ((got = read(fd[0], &v, 4)) == 4) {
            if (have)
                assert_true(v > max_seen);      /* never repeats or goes back */
            max_seen = v;
            have = 1;
            n++;
        }
        close(fd[0]);
        assert_int_equal(fx_open(&f, path, 0x31), 0);
        if (have) {
            assert_int_equal(emk_fido_counter_next(f.k, &v), 0);
            assert_true(v > max_seen);
            max_seen = v;
        }
        fx_close(&f);
        (void)n;
    }
    assert_true(have);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_and_flipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_valid_checksum_bad_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_slots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_tmp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counter_reserves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counter_crash, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
