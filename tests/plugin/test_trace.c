/* Trace parser tests: din and binary, good records and errors that name
 * the line or offset. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "emkit/cache.h"
#include "cache_trace.h"

struct got {
    struct emk_trace_rec r[16];
    int n;
};

static int cb(void *ctx, const struct emk_trace_rec *r)
{
    struct got *g = ctx;
    if (g->n < 16)
        g->r[g->n] = *r;
    g->n++;
    return 0;
}

static void test_din_good(void **st)
{
    const char *t = "# comment\n0 1000\n1 0x2004 8\n\n2 400000 3 1\n3 0\n0 ffffffffffffffff 1";
    struct emk_trace_parser p;
    struct got g;
    size_t i;
    (void)st;
    memset(&g, 0, sizeof(g));
    emk_trace_init(&p, EMK_TRACE_DIN, 4);
    /* Feed byte by byte to exercise the carry. */
    for (i = 0; t[i]; i++)
        assert_int_equal(emk_trace_feed(&p, t + i, 1, cb, &g), 0);
    assert_int_equal(emk_trace_finish(&p, cb, &g), 0);
    assert_int_equal(g.n, 4);
    assert_int_equal(g.r[0].kind, EMK_CACHE_READ);
    assert_int_equal(g.r[0].addr, 0x1000);
    assert_int_equal(g.r[0].size, 4);
    assert_int_equal(g.r[1].kind, EMK_CACHE_WRITE);
    assert_int_equal(g.r[1].addr, 0x2004);
    assert_int_equal(g.r[1].size, 8);
    assert_int_equal(g.r[2].kind, EMK_CACHE_IFETCH);
    assert_int_equal(g.r[2].cpu, 1);
    assert_int_equal(g.r[3].addr, UINT64_MAX);
}

static void din_bad(const char *t, const char *want)
{
    struct emk_trace_parser p;
    struct got g;
    int r;
    memset(&g, 0, sizeof(g));
    emk_trace_init(&p, EMK_TRACE_DIN, 4);
    r = emk_trace_feed(&p, t, strlen(t), cb, &g);
    if (r == 0)
        r = emk_trace_finish(&p, cb, &g);
    assert_int_equal(r, -EINVAL);
    if (!strstr(p.msg, want))
        fail_msg("message '%s' lacks '%s'", p.msg, want);
}

static void test_din_bad(void **st)
{
    (void)st;
    din_bad("0 10\n7 20\n", "line 2: bad label");
    din_bad("0 10\n0 zz\n", "line 2: bad hex address");
    din_bad("0 10\n0 10 0\n", "line 2: bad size");
    din_bad("0 1 2 3 4\n", "line 1: too many fields");
    din_bad("0\n", "line 1: want");
    din_bad("0 10000000000000000\n", "more than 64 bits");
    din_bad("0 10 4 64\n", "bad cpu");
}

static void test_bin(void **st)
{
    unsigned char buf[8 + 3 * 16];
    struct emk_trace_rec r = { 0x123456789abcull, 16, EMK_CACHE_WRITE, 3 };
    struct emk_trace_parser p;
    struct got g;
    (void)st;
    memcpy(buf, emk_trace_magic, 8);
    emk_trace_encode(&r, buf + 8);
    r.kind = EMK_CACHE_IFETCH;
    emk_trace_encode(&r, buf + 24);
    emk_trace_encode(&r, buf + 40);
    assert_int_equal(emk_trace_detect(buf, sizeof(buf)), EMK_TRACE_BINARY);
    memset(&g, 0, sizeof(g));
    emk_trace_init(&p, EMK_TRACE_BINARY, 4);
    assert_int_equal(emk_trace_feed(&p, buf, 13, cb, &g), 0);
    assert_int_equal(emk_trace_feed(&p, buf + 13, sizeof(buf) - 13, cb, &g), 0);
    assert_int_equal(emk_trace_finish(&p, cb, &g), 0);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.r[0].addr, 0x123456789abcull);
    assert_int_equal(g.r[0].size, 16);
    assert_int_equal(g.r[0].kind, EMK_CACHE_WRITE);
    assert_int_equal(g.r[0].cpu, 3);
    /* Truncated last record: rejected with the offset. */
    emk_trace_init(&p, EMK_TRACE_BINARY, 4);
    assert_int_equal(emk_trace_feed(&p, buf, sizeof(buf) - 5, cb, &g), 0);
    assert_int_equal(emk_trace_finish(&p, cb, &g), -EINVAL);
    assert_non_null(strstr(p.msg, "offset 40: truncated record (11 of 16"));
    /* Bad kind in the second record. */
    buf[24 + 12] = 9;
    emk_trace_init(&p, EMK_TRACE_BINARY, 4);
    assert_int_equal(emk_trace_feed(&p, buf, sizeof(buf), cb, &g), -EINVAL);
    assert_non_null(strstr(p.msg, "offset 24: bad kind 9"));
    /* Bad magic. */
    buf[0] = 'X';
    emk_trace_init(&p, EMK_TRACE_BINARY, 4);
    assert_int_equal(emk_trace_feed(&p, buf, sizeof(buf), cb, &g), -EINVAL);
    assert_non_null(strstr(p.msg, "offset 0: bad magic"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_din_good),
        cmocka_unit_test(test_din_bad),
        cmocka_unit_test(test_bin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
