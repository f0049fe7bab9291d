/* The TCG plugin's report units without QEMU: compat=cachec's output
 * (cache.c 7.2's log_stats and log_top_insns, byte for byte; the expected
 * text below follows cache.c's format strings by hand) and the out= name
 * patterns (%p, %q{VAR}, %%). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "cg_plugin.h"

static char got[8192];
static int calls;

static void out(const char *s)
{
    strncat(got, s, sizeof(got) - strlen(got) - 1);
    calls++;
}

static void insn(struct cgp_insn *in, uint64_t addr, const char *sym, char *disas,
                 uint64_t d1, uint64_t i1, uint64_t l2)
{
    memset(in, 0, sizeof(*in));
    in->addr = addr;
    in->sym = sym;
    in->disas = disas;
    /* split over reads/writes and fetch/data to check the sums */
    in->ev[CGP_D1MR] = d1 / 2;
    in->ev[CGP_D1MW] = d1 - d1 / 2;
    in->ev[CGP_I1MR] = i1;
    in->ev[CGP_ILMR] = l2 / 3;
    in->ev[CGP_DLMR] = l2 / 3;
    in->ev[CGP_DLMW] = l2 - 2 * (l2 / 3);
}

/* Two cores with L2, ties in every list, an instruction without a symbol,
 * limit 3 of 4.  Each list is a stable sort of the order the previous
 * list left: data misses of a..d are 5, 9, 5, 0, so data order b a c d;
 * fetch misses 1, 0, 1, 1 sort that to a c d b; L2 misses 0, 2, 7, 2
 * sort that to c d b a (d, tied with b, was before it). */
static void test_report_l2(void **st)
{
    static char da[] = "movl (%rax), %edi", db[] = "addq $1, %rcx", dc[] = "retq ",
                dd[] = "xorq %rbp, %rbp";
    struct cgp_insn in[4];
    struct cgp_insn *order[4];
    struct cgp_cachec_core core[2] = {
        { 3195048, 1076313, 8552366, 7, 1076320, 6154 },
        { 0, 0, 0, 0, 0, 0 },
    };
    struct cgp_cachec r;
    const char *want =
        "core #, data accesses, data misses, dmiss rate, insn accesses, insn misses, "
        "imiss rate, l2 accesses, l2 misses, l2 miss rate\n"
        "0       3195048        1076313        33.6869%  8552366        7               "
        "0.0001%  1076320      6154            0.5718%\n"
        "1       0              0               0.0000%  0              0               "
        "0.0000%  0            0               0.0000%\n"
        "sum     3195048        1076313        33.6869%  8552366        7               "
        "0.0001%  1076320      6154            0.5718%\n"
        "\n"
        "address, data misses, instruction\n"
        "0x401b2c (wl_main), 9, addq $1, %rcx\n"
        "0x401a00 (wl_main), 5, movl (%rax), %edi\n"
        "0x4fffff (f), 5, retq \n"
        "\n"
        "address, fetch misses, instruction\n"
        "0x401a00 (wl_main), 1, movl (%rax), %edi\n"
        "0x4fffff (f), 1, retq \n"
        "0x401000, 1, xorq %rbp, %rbp\n"
        "\n"
        "address, L2 misses, instruction\n"
        "0x4fffff (f), 7, retq \n"
        "0x401000, 2, xorq %rbp, %rbp\n"
        "0x401b2c (wl_main), 2, addq $1, %rcx\n";
    (void)st;
    insn(&in[0], 0x401a00, "wl_main", da, 5, 1, 0);
    insn(&in[1], 0x401b2c, "wl_main", db, 9, 0, 2);
    insn(&in[2], 0x4fffff, "f", dc, 5, 1, 7);
    insn(&in[3], 0x401000, NULL, dd, 0, 1, 2);
    order[0] = &in[0];
    order[1] = &in[1];
    order[2] = &in[2];
    order[3] = &in[3];
    memset(&r, 0, sizeof(r));
    r.core = core;
    r.ncores = 2;
    r.use_l2 = 1;
    r.insns = order;
    r.n = 4;
    r.limit = 3;
    got[0] = 0;
    calls = 0;
    assert_int_equal(cgp_print_cachec(&r, out), 0);
    assert_string_equal(got, want);
    assert_int_equal(calls, 2); /* log_stats and log_top_insns, one string each */
}

/* One core, no L2, no accesses (the rates print as 0), a limit above the
 * number of instructions, and a record without disassembly: cache.c
 * passes NULL to glib's printf, which prints "(null)". */
static void test_report_plain(void **st)
{
    struct cgp_insn in;
    struct cgp_insn *order[1] = { &in };
    struct cgp_cachec_core core = { 0, 0, 0, 0, 0, 0 };
    struct cgp_cachec r;
    const char *want =
        "core #, data accesses, data misses, dmiss rate, insn accesses, insn misses, "
        "imiss rate\n"
        "0       0              0               0.0000%  0              0               "
        "0.0000%\n"
        "\n"
        "address, data misses, instruction\n"
        "0xffffffff81000000, 0, (null)\n"
        "\n"
        "address, fetch misses, instruction\n"
        "0xffffffff81000000, 0, (null)\n";
    (void)st;
    insn(&in, 0xffffffff81000000ull, NULL, NULL, 0, 0, 0);
    memset(&r, 0, sizeof(r));
    r.core = &core;
    r.ncores = 1;
    r.insns = order;
    r.n = 1;
    r.limit = 32;
    got[0] = 0;
    assert_int_equal(cgp_print_cachec(&r, out), 0);
    assert_string_equal(got, want);
    /* limit 0: headers only */
    r.limit = 0;
    got[0] = 0;
    cgp_print_cachec(&r, out);
    assert_non_null(strstr(got, "instruction\n\naddress, fetch misses, instruction\n"));
    assert_null(strstr(got, "0xffffffff81000000"));
}

/* The sort is stable and puts larger keys first, over many elements
 * (merge steps of every size). */
static void test_sort_stable(void **st)
{
    enum { N = 1000 };
    static struct cgp_insn in[N];
    static struct cgp_insn *a[N];
    size_t i;
    (void)st;
    for (i = 0; i < N; i++) {
        memset(&in[i], 0, sizeof(in[i]));
        in[i].addr = i;
        in[i].ev[CGP_I1MR] = (i * 7919) % 13;
        a[i] = &in[i];
    }
    assert_int_equal(cgp_cachec_sort(a, N, CGP_CACHEC_IMISS), 0);
    for (i = 1; i < N; i++) {
        uint64_t x = a[i - 1]->ev[CGP_I1MR], y = a[i]->ev[CGP_I1MR];
        assert_true(x > y || (x == y && a[i - 1]->addr < a[i]->addr));
    }
}

static void test_out_path(void **st)
{
    char b[64], err[160];
    (void)st;
    assert_int_equal(cgp_out_path("cg.%p", 4242, b, sizeof(b), err, sizeof(err)), 0);
    assert_string_equal(b, "cg.4242");
    assert_int_equal(cgp_out_path("%p-%p%%x%%", 7, b, sizeof(b), err, sizeof(err)), 0);
    assert_string_equal(b, "7-7%x%");
    assert_int_equal(cgp_out_path("plain", 7, b, sizeof(b), err, sizeof(err)), 0);
    assert_string_equal(b, "plain");
    setenv("EMK_TEST_TAG", "run1", 1);
    assert_int_equal(cgp_out_path("o.%q{EMK_TEST_TAG}.%p", 9, b, sizeof(b), err, sizeof(err)), 0);
    assert_string_equal(b, "o.run1.9");
    unsetenv("EMK_TEST_TAG");
    err[0] = 0;
    assert_int_equal(cgp_out_path("o.%q{EMK_TEST_TAG}", 9, b, sizeof(b), err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "EMK_TEST_TAG is not set"));
    err[0] = 0;
    assert_int_equal(cgp_out_path("cg.%x", 1, b, sizeof(b), err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "want %p, %q{VAR} or %% after %"));
    assert_int_equal(cgp_out_path("trailing%", 1, b, sizeof(b), err, sizeof(err)), -EINVAL);
    assert_int_equal(cgp_out_path("%q{}", 1, b, sizeof(b), err, sizeof(err)), -EINVAL);
    assert_int_equal(cgp_out_path("%q{X", 1, b, sizeof(b), err, sizeof(err)), -EINVAL);
    /* exactly fits: 7 characters and the NUL in 8 bytes */
    assert_int_equal(cgp_out_path("cg.%p", 1234, b, 8, err, sizeof(err)), 0);
    assert_int_equal(cgp_out_path("cg.%p", 12345, b, 8, err, sizeof(err)), -ENAMETOOLONG);
    assert_int_equal(cgp_out_path("abcdefgh", 1, b, 8, err, sizeof(err)), -ENAMETOOLONG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_l2),
        cmocka_unit_test(test_report_plain),
        cmocka_unit_test(test_sort_stable),
        cmocka_unit_test(test_out_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
