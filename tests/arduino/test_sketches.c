/* test_sketches.c - the stock Arduino examples and two of ours on the
 * emulated Uno (hw/arduino/uno.net), in emulated time:
 *  - Blink: LED_BUILTIN toggles every 1.000 s;
 *  - Fade: pin 9's PWM duty ramps 0 -> 255 -> 0 in steps of 5 every 30 ms;
 *  - AnalogInput: the LED's half period follows the potentiometer on A0
 *    (delay(analogRead(A0)) ms);
 *  - SerialEcho: bytes sent to USART0 come back upper-cased.
 * Usage: test-sketches DIR (DIR/<Sketch>/<Sketch>.hex from
 * build-sketches.sh); sketches.sh builds them and skips without the
 * toolchain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "emkit/arduino.h"

static const char *dir;
static emk_board b;
static uint64_t toggles[4096];
static unsigned ntoggle;
static int watch = -1;
static char uart[256];
static unsigned nuart;

static void on_net(void *o, const emk_board_net *n, uint64_t cycle)
{
    (void)o;
    if ((int)(n - b.net) == watch && ntoggle < 4096)
        toggles[ntoggle++] = cycle;
}

static void on_uart(void *o, uint8_t c)
{
    (void)o;
    if (nuart < sizeof(uart) - 1)
        uart[nuart++] = (char)c;
}

static void boot(const char *sketch, const char *net)
{
    char path[1024];
    FILE *f;
    static char hex[200000];
    size_t n;

    assert_int_equal(emk_board_init(&b, NULL, 0), 0);
    snprintf(path, sizeof(path), "%s/%s/%s.hex", dir, sketch, sketch);
    f = fopen(path, "rb");
    assert_non_null(f);
    n = fread(hex, 1, sizeof(hex), f);
    fclose(f);
    assert_int_equal(emk_avr_load_ihex(&b.mcu.cpu, hex, n, NULL), 0);
    emk_avr_set_fuses(&b.mcu.cpu, 0xFF, 0xDF, 0xFD, 0xFF);   /* no bootloader */
    emk_m328p_reset(&b.mcu, EMK_AVR_RESET_POWER);
    emk_board_update(&b);
    b.on_net = on_net;
    b.on_uart = on_uart;
    ntoggle = nuart = 0;
    watch = net ? emk_board_find_net(&b, net) : -1;
}

static double secs(uint64_t cycles)
{
    return (double)cycles / 16e6;
}

static void test_blink(void **st)
{
    unsigned i;
    (void)st;
    boot("Blink", "LED_BUILTIN");
    emk_avr_run(&b.mcu.cpu, 16000000ull * 10 + 1000);
    /* the first edge is pinMode (0 V output), then a toggle a second */
    assert_true(ntoggle >= 10);
    for (i = 2; i < ntoggle; i++) {
        double dt = secs(toggles[i] - toggles[i - 1]);

        assert_true(dt > 0.9995 && dt < 1.0005);
    }
    printf("blink: %u edges, last interval %.6f s\n", ntoggle,
           secs(toggles[ntoggle - 1] - toggles[ntoggle - 2]));
}

static void test_fade(void **st)
{
    int net, i, ups = 0, downs = 0;
    double duty, hz, prev = -1, top = 0;
    (void)st;
    boot("Fade", NULL);
    net = emk_board_find_net(&b, "D9");
    assert_true(net >= 0);
    /* sample once per 30 ms step, in the middle of it, for 3.6 s */
    emk_avr_run(&b.mcu.cpu, 16000 * 15);
    for (i = 0; i < 120; i++) {
        emk_avr_run(&b.mcu.cpu, 16000 * 30);
        emk_board_net_pwm(&b, net, &duty, &hz);
        if (hz > 0)
            assert_true(hz > 489 && hz < 491);     /* timer1 phase correct /64 */
        /* analogWrite(9, v): duty v/255; v moves by 5 per 30 ms */
        if (prev > 0 && prev < 1 && duty > 0 && duty < 1)
            assert_true(fabs(fabs(duty - prev) - 5.0 / 255) < 0.002);
        if (prev >= 0 && duty > prev + 0.001)
            ups++;
        else if (prev >= 0 && duty < prev - 0.001)
            downs++;
        if (duty > top)
            top = duty;
        prev = duty;
    }
    printf("fade: %d steps up, %d down, top duty %.3f\n", ups, downs, top);
    /* 3.6 s: 51 steps up (1.53 s), 51 down, then up again */
    assert_true(ups >= 60 && downs >= 48);
    assert_true(top > 0.99);
}

/* Mean half period of the LED over the toggles after skip. */
static double half_period(unsigned from)
{
    assert_true(ntoggle >= from + 3);
    return secs(toggles[ntoggle - 1] - toggles[from]) / (ntoggle - 1 - from);
}

static void test_analog_input(void **st)
{
    int pot;
    double h1, h2;
    unsigned mark;
    (void)st;
    boot("AnalogInput", "D13");
    pot = emk_board_find_part(&b, "POT1");
    assert_int_equal(emk_board_part_set(&b, pot, 0.1), 0);   /* ~102 counts */
    emk_avr_run(&b.mcu.cpu, 16000000ull * 3);
    h1 = half_period(2);
    assert_int_equal(emk_board_part_set(&b, pot, 0.3), 0);   /* ~307 counts */
    emk_avr_run(&b.mcu.cpu, 16000000ull * 1);
    mark = ntoggle;
    emk_avr_run(&b.mcu.cpu, 16000000ull * 5);
    h2 = half_period(mark);
    printf("analog input: pot 0.1 -> %.4f s, pot 0.3 -> %.4f s\n", h1, h2);
    /* delay(102) and delay(307) plus the ~0.1 ms analogRead */
    assert_true(h1 > 0.1015 && h1 < 0.1035);
    assert_true(h2 > 0.3065 && h2 < 0.3085);
}

static void test_serial_echo(void **st)
{
    const char *in = "hello, Uno\n";
    (void)st;
    boot("SerialEcho", NULL);
    emk_avr_run(&b.mcu.cpu, 16000000ull / 10);
    assert_int_equal(emk_m328p_uart_rx(&b.mcu, (const uint8_t *)in, strlen(in)), strlen(in));
    emk_avr_run(&b.mcu.cpu, 16000000ull / 10);
    uart[nuart] = 0;
    assert_string_equal(uart, "echo ready\r\nHELLO, UNO\n");
}

/* coop (firmware/coop.c): tasks of 3, 5 and 7 ms on a 1 ms tick, one of
 * them delayed behind the others in shared ticks; the pattern must repeat
 * every 2 x 3 x 5 x 7 x 11 = 2310 ms (to 64 cycles: the idle loop's phase
 * against the tick), and each pin toggle within 100 us of its period. */
static void test_coop_stable(void **st)
{
    static const char *const nets[] = { "D8", "D9", "D10" };
    static const unsigned period_ms[] = { 3, 5, 7 };
    unsigned k, i;
    (void)st;
    for (k = 0; k < 3; k++) {
        unsigned per_cycle;

        boot("coop", nets[k]);
        emk_avr_run(&b.mcu.cpu, 16000ull * 5000);          /* 5 s */
        per_cycle = 2310 / period_ms[k];                   /* toggles in 2310 ms */
        assert_true(ntoggle > per_cycle + 10);
        for (i = 2; i < ntoggle; i++) {
            double dt = secs(toggles[i] - toggles[i - 1]) * 1000;

            assert_true(dt > period_ms[k] - 0.1 && dt < period_ms[k] + 0.1);
        }
        /* to within the idle loop's phase against the tick (a few
         * instructions: 64 cycles) */
        for (i = 1; i + per_cycle < ntoggle; i++) {
            int64_t d = (int64_t)(toggles[i + per_cycle] - toggles[i]) - 16000ll * 2310;

            assert_true(d >= -64 && d <= 64);
        }
        printf("coop: %s toggles every %u ms, pattern repeats every 2310 ms (%u toggles)\n",
               nets[k], period_ms[k], ntoggle);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blink),
        cmocka_unit_test(test_fade),
        cmocka_unit_test(test_analog_input),
        cmocka_unit_test(test_serial_echo),
        cmocka_unit_test(test_coop_stable),
    };
    if (argc != 2) {
        fprintf(stderr, "usage: test-sketches DIR\n");
        return 2;
    }
    dir = argv[1];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
