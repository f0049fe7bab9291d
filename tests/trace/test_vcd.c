/* test_vcd.c - the VCD writer against golden text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/vcd.h"

static const char golden[] =
    "$version emkit 0.1.0 $end\n"
    "$timescale 1ns $end\n"
    "$scope module sblk $end\n"
    "$var wire 1 ! irq $end\n"
    "$var wire 32 \" status $end\n"
    "$upscope $end\n"
    "$scope module bus $end\n"
    "$var wire 64 # addr $end\n"
    "$upscope $end\n"
    "$enddefinitions $end\n"
    "#0\n"
    "$dumpvars\n"
    "0!\n"
    "b0 \"\n"
    "b11111111111111111111111111111111 #\n"
    "$end\n"
    "#10\n"
    "b1 \"\n"
    "#25\n"
    "1!\n"
    "b10 \"\n"
    "b1000000000000000000000000000000000000000000000000000000000000000 #\n"
    "#40\n"
    "0!\n"
    "#100\n";

static void golden_text(void **state)
{
    emk_vcd_signal sigs[3];
    emk_vcd v;
    char text[1024];
    FILE *f = tmpfile();
    size_t n;
    int irq, st, addr;

    (void)state;
    assert_non_null(f);
    emk_vcd_init(&v, f, sigs, 3);
    irq = emk_vcd_add(&v, "sblk", "irq", 1, 0);
    st = emk_vcd_add(&v, "sblk", "status", 32, 0);
    addr = emk_vcd_add(&v, "bus", "addr", 64, 0xffffffffu);
    assert_int_equal(irq, 0);
    assert_int_equal(st, 1);
    assert_int_equal(addr, 2);
    assert_int_equal(emk_vcd_add(&v, "bus", "full", 1, 0), -ENOSPC);
    assert_int_equal(emk_vcd_begin(&v, 0), 0);
    assert_int_equal(emk_vcd_add(&v, "bus", "late", 1, 0), -EINVAL);
    assert_int_equal(emk_vcd_change(&v, 5, irq, 0), 0);        /* no change */
    assert_int_equal(emk_vcd_change(&v, 10, st, 1), 0);
    assert_int_equal(emk_vcd_change(&v, 25, irq, 3), 0);       /* masked: 1 */
    assert_int_equal(emk_vcd_change(&v, 25, st, 2), 0);        /* same time */
    assert_int_equal(emk_vcd_change(&v, 25, addr, (uint64_t)1 << 63), 0);
    assert_int_equal(emk_vcd_change(&v, 30, irq, 1), 0);       /* no change */
    assert_int_equal(emk_vcd_change(&v, 40, irq, 0), 0);
    assert_int_equal(emk_vcd_change(&v, 39, irq, 1), -EINVAL); /* back in time */
    assert_int_equal(emk_vcd_change(&v, 41, 7, 1), -EINVAL);
    assert_int_equal(emk_vcd_finish(&v, 100), 0);
    rewind(f);
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_string_equal(text, golden);
}

static void bad_declarations(void **state)
{
    emk_vcd_signal sigs[2];
    emk_vcd v;
    FILE *f = tmpfile();

    (void)state;
    emk_vcd_init(&v, f, sigs, 2);
    assert_int_equal(emk_vcd_add(&v, "s", "w0", 0, 0), -EINVAL);
    assert_int_equal(emk_vcd_add(&v, "s", "w65", 65, 0), -EINVAL);
    assert_int_equal(emk_vcd_add(&v, "s", "has space", 1, 0), -EINVAL);
    assert_int_equal(emk_vcd_add(&v, "", "x", 1, 0), -EINVAL);
    assert_int_equal(emk_vcd_change(&v, 0, 0, 1), -EINVAL);   /* not begun */
    assert_int_equal(emk_vcd_finish(&v, 0), -EINVAL);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_text),
        cmocka_unit_test(bad_declarations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
