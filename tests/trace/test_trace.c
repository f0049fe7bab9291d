/* test_trace.c - trace events: glob patterns, off by default, file and sink
 * output, the bus's events, and many threads emitting while another one
 * toggles the patterns (run it under ThreadSanitizer too).
 *
 * `test-trace env` runs the environment test instead (meson sets
 * EMKIT_TRACE and EMKIT_TRACE_FILE for it). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "emkit/testmachine.h"
#include "emkit/sblk.h"
#include "trace_int.h"

static emk_trace_event ev_a = EMK_TRACE_EVENT_INIT("t_alpha");
static emk_trace_event ev_b = EMK_TRACE_EVENT_INIT("t_beta");
static emk_trace_event ev_x = EMK_TRACE_EVENT_INIT("t_exclude_me");
static emk_trace_event ev_file = EMK_TRACE_EVENT_INIT("t_file");
static emk_trace_event ev_env = EMK_TRACE_EVENT_INIT("t_env_yes");
static emk_trace_event ev_env_no = EMK_TRACE_EVENT_INIT("t_env_no");

/* A sink that keeps the last line and counts lines. */
typedef struct capture {
    pthread_mutex_t lock;
    char last[EMK_TRACE_LINE_MAX];
    char all[8192];
    size_t all_len;
    unsigned long lines, bad;
} capture;

static capture cap = {PTHREAD_MUTEX_INITIALIZER, {0}, {0}, 0, 0, 0};

static void cap_sink(void *opaque, const char *line, size_t len)
{
    capture *c = (capture *)opaque;

    pthread_mutex_lock(&c->lock);
    c->lines++;
    if (len == 0 || line[len - 1] != '\n' || line[len] != '\0' ||
        line[0] < '0' || line[0] > '9' || strlen(line) != len)
        c->bad++;
    if (len < sizeof(c->last))
        memcpy(c->last, line, len + 1);
    if (c->all_len + len < sizeof(c->all)) {
        memcpy(c->all + c->all_len, line, len + 1);
        c->all_len += len;
    }
    pthread_mutex_unlock(&c->lock);
}

static void cap_reset(void)
{
    pthread_mutex_lock(&cap.lock);
    cap.last[0] = cap.all[0] = '\0';
    cap.all_len = 0;
    cap.lines = cap.bad = 0;
    pthread_mutex_unlock(&cap.lock);
}

/* 1 if line is "<digits>.<9 digits> <digits> <rest>" */
static int line_is(const char *line, const char *rest)
{
    const char *p = line;
    size_t n = 0;

    while (*p >= '0' && *p <= '9')
        p++;
    if (p == line || *p++ != '.')
        return 0;
    while (p[n] >= '0' && p[n] <= '9')
        n++;
    if (n != 9 || p[n] != ' ')
        return 0;
    p += n + 1;
    n = 0;
    while (p[n] >= '0' && p[n] <= '9')
        n++;
    if (!n || p[n] != ' ')
        return 0;
    return strcmp(p + n + 1, rest) == 0;
}

static void glob_matches(void **state)
{
    (void)state;
    assert_true(emk_trace_glob("*", ""));
    assert_true(emk_trace_glob("*", "anything"));
    assert_true(emk_trace_glob("nvme_*", "nvme_irq"));
    assert_true(emk_trace_glob("nvme_*", "nvme_"));
    assert_false(emk_trace_glob("nvme_*", "nvm_irq"));
    assert_true(emk_trace_glob("bus_mmio*", "bus_mmio_read"));
    assert_true(emk_trace_glob("*_read", "bus_dma_read"));
    assert_false(emk_trace_glob("*_read", "bus_dma_read2"));
    assert_true(emk_trace_glob("a?c", "abc"));
    assert_false(emk_trace_glob("a?c", "ac"));
    assert_true(emk_trace_glob("a*b*c", "a_x_b_y_c"));
    assert_false(emk_trace_glob("a*b*c", "a_x_c_y_b"));
    assert_true(emk_trace_glob("exact", "exact"));
    assert_false(emk_trace_glob("exact", "exactly"));
}

static void off_by_default(void **state)
{
    (void)state;
    cap_reset();
    emk_trace_set_sink(cap_sink, &cap);
    EMK_TRACE(ev_a, "%d", 1);
    EMK_TRACE(ev_b, "no args");
    assert_int_equal(ev_a.state, EMK_TRACE_OFF);
    assert_false(emk_trace_enabled(&ev_b));
    assert_int_equal(cap.lines, 0);
    emk_trace_set_sink(NULL, NULL);
}

static void patterns_match_and_exclude(void **state)
{
    (void)state;
    cap_reset();
    emk_trace_set_sink(cap_sink, &cap);
    assert_int_equal(emk_trace_enable("t_*, -t_exclude*"), 0);
    assert_true(emk_trace_enabled(&ev_a));
    assert_true(emk_trace_enabled(&ev_b));
    assert_false(emk_trace_enabled(&ev_x));
    EMK_TRACE(ev_a, "value=%d", 7);
    assert_true(line_is(cap.last, "t_alpha value=7\n"));
    EMK_TRACE(ev_x, "never");
    assert_int_equal(cap.lines, 1);
    /* a later pattern wins over an earlier one */
    assert_int_equal(emk_trace_enable("t_exclude_me,-t_beta"), 0);
    assert_true(emk_trace_enabled(&ev_x));
    assert_false(emk_trace_enabled(&ev_b));
    emk_trace_clear();
    assert_false(emk_trace_enabled(&ev_a));
    assert_false(emk_trace_enabled(&ev_x));
    EMK_TRACE(ev_a, "off again");
    assert_int_equal(cap.lines, 1);
    assert_int_equal(cap.bad, 0);
    emk_trace_set_sink(NULL, NULL);
}

static void long_lines_are_cut(void **state)
{
    char big[2 * EMK_TRACE_LINE_MAX];

    (void)state;
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    cap_reset();
    emk_trace_set_sink(cap_sink, &cap);
    emk_trace_enable("t_alpha");
    EMK_TRACE(ev_a, "%s", big);
    assert_int_equal(cap.lines, 1);
    assert_int_equal(strlen(cap.last), EMK_TRACE_LINE_MAX - 1);
    assert_string_equal(cap.last + EMK_TRACE_LINE_MAX - 5, "...\n");
    emk_trace_clear();
    emk_trace_set_sink(NULL, NULL);
}

static void output_to_file(void **state)
{
    char path[] = "/tmp/emkit-trace-XXXXXX", text[256];
    int fd = mkstemp(path);
    ssize_t n;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(emk_trace_set_file(path), 0);
    emk_trace_enable("t_file");
    EMK_TRACE(ev_file, "hello %s %u", "file", 42u);
    EMK_TRACE(ev_a, "not enabled");
    assert_int_equal(emk_trace_set_file(NULL), 0);
    EMK_TRACE(ev_file, "this one goes to stderr");
    emk_trace_clear();
    n = read(fd, text, sizeof(text) - 1);
    close(fd);
    unlink(path);
    assert_true(n > 0);
    text[n] = '\0';
    assert_true(line_is(text, "t_file hello file 42\n"));
    assert_int_equal(emk_trace_set_file("/nonexistent-dir/x"), -ENOENT);
}

/* The bus and sblk events, end to end on the test machine. */
static void bus_events(void **state)
{
    emk_tm_config cfg = {0, 1u << 20, 0};
    emk_tm *tm = emk_tm_new(&cfg, NULL);
    emk_blk *blk = emk_blk_open("ram:64K", 0, NULL);
    emk_sblk_options o = { .irq_line = 2 };
    emk_sblk dev;
    uint64_t v;

    (void)state;
    assert_int_equal(emk_sblk_init(&dev, emk_tm_bus(tm), NULL, blk, &o), 0);
    assert_int_equal(emk_bus_map_region(emk_tm_bus(tm), &dev.mmio,
                                                    0x10000000), 0);
    cap_reset();
    emk_trace_set_sink(cap_sink, &cap);
    emk_trace_enable("bus_mmio_read,sblk_cmd,bus_irq*,bus_dma_map");
    emk_tm_mmio_read(tm, 0x10000000, 4, &v);
    assert_true(line_is(cap.last, "bus_mmio_read sblk-mmio+0x0 size=4 "
                                  "value=0x424b4d45 ret=0\n"));
    emk_tm_mmio_write(tm, 0x10000000 + EMK_SBLK_REG_COUNT, 4, 1);
    emk_tm_mmio_write(tm, 0x10000000 + EMK_SBLK_REG_ADDR, 8, 0x2000);
    emk_tm_mmio_write(tm, 0x10000000 + EMK_SBLK_REG_DOORBELL, 4, 1);
    emk_tm_run_pending(tm, 10);
    emk_trace_clear();
    emk_trace_set_sink(NULL, NULL);
    assert_non_null(strstr(cap.all, " sblk_cmd op=0 lba=0 count=1 addr=0x2000\n"));
    assert_non_null(strstr(cap.all, " bus_dma_map emkit-sblk addr=0x2000 len=512 "
                                    "write mapped=512\n"));
    assert_non_null(strstr(cap.all, " bus_irq_set emkit-sblk line=2 level=1\n"));
    assert_null(strstr(cap.all, "bus_mmio_write"));
    emk_bus_unmap_region(emk_tm_bus(tm), &dev.mmio);
    emk_sblk_cleanup(&dev);
    emk_blk_close(blk);
    emk_tm_free(tm);
}

/* ---- threads ------------------------------------------------------------ */

enum { EMITTERS = 3, ROUNDS = 20000 };

static emk_trace_event ev_mt[4] = {
    EMK_TRACE_EVENT_INIT("mt_one"), EMK_TRACE_EVENT_INIT("mt_two"),
    EMK_TRACE_EVENT_INIT("mt_three"), EMK_TRACE_EVENT_INIT("other_four"),
};
static int mt_stop;

static void *emitter(void *opaque)
{
    int id = (int)(intptr_t)opaque, i;

    for (i = 0; i < ROUNDS; i++)
        EMK_TRACE(ev_mt[(i + id) % 4], "thread=%d i=%d", id, i);
    return NULL;
}

static void *toggler(void *opaque)
{
    unsigned long n = 0;

    (void)opaque;
    while (!__atomic_load_n(&mt_stop, __ATOMIC_RELAXED)) {
        emk_trace_enable((n & 1) ? "mt_*" : "-mt_t*,other_*");
        if ((n % 8) == 7)
            emk_trace_clear();
        if ((n % 16) == 5)
            emk_trace_set_sink(cap_sink, &cap);
        n++;
    }
    return NULL;
}

static void threads_emit_while_toggling(void **state)
{
    pthread_t em[EMITTERS], tg;
    int i;

    (void)state;
    cap_reset();
    emk_trace_set_sink(cap_sink, &cap);
    assert_int_equal(pthread_create(&tg, NULL, toggler, NULL), 0);
    for (i = 0; i < EMITTERS; i++)
        assert_int_equal(pthread_create(&em[i], NULL, emitter,
                                        (void *)(intptr_t)i), 0);
    for (i = 0; i < EMITTERS; i++)
        pthread_join(em[i], NULL);
    __atomic_store_n(&mt_stop, 1, __ATOMIC_RELAXED);
    pthread_join(tg, NULL);
    emk_trace_clear();
    emk_trace_set_sink(NULL, NULL);
    assert_int_equal(cap.bad, 0);
    print_message("%lu lines while toggling\n", cap.lines);
}

/* EMKIT_TRACE='t_env*,-t_env_no' EMKIT_TRACE_FILE=<file> (set by meson) */
static void environment(void **state)
{
    const char *file = getenv("EMKIT_TRACE_FILE");
    char text[256];
    FILE *f;
    size_t n;

    (void)state;
    assert_non_null(file);
    assert_true(emk_trace_enabled(&ev_env));
    assert_false(emk_trace_enabled(&ev_env_no));
    assert_false(emk_trace_enabled(&ev_a));
    EMK_TRACE(ev_env, "from %s", "env");
    EMK_TRACE(ev_env_no, "excluded");
    assert_int_equal(emk_trace_set_file(NULL), 0); /* closes the file */
    f = fopen(file, "r");
    assert_non_null(f);
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_true(line_is(text, "t_env_yes from env\n"));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(glob_matches),
        cmocka_unit_test(off_by_default),
        cmocka_unit_test(patterns_match_and_exclude),
        cmocka_unit_test(long_lines_are_cut),
        cmocka_unit_test(output_to_file),
        cmocka_unit_test(bus_events),
        cmocka_unit_test(threads_emit_while_toggling),
    };
    const struct CMUnitTest env_tests[] = {
        cmocka_unit_test(environment),
    };

    if (argc > 1 && !strcmp(argv[1], "env"))
        return cmocka_run_group_tests(env_tests, NULL, NULL);
    unsetenv("EMKIT_TRACE");
    unsetenv("EMKIT_TRACE_FILE");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
