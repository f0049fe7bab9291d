/* test_board.c - the board: netlist statements and their errors, the
 * voltage each part puts on its net, inputs as the MCU reads them, PWM
 * duty and LED brightness, and the built-in Uno netlist against
 * hw/arduino/uno.net (argv[1]). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "emkit/arduino.h"

static emk_board b;
static const char *uno_path;

#define NET(n) emk_board_find_net(&b, (n))
#define VOLTS(n) (b.net[NET(n)].volts)

static void test_uno_file(void **st)
{
    static char buf[8192];
    FILE *f = fopen(uno_path, "rb");
    size_t n;
    (void)st;
    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    assert_string_equal(buf, emk_board_uno_netlist());
    assert_int_equal(emk_board_init(&b, buf, n), 0);
    assert_string_equal(b.name, "uno");
    assert_int_equal(b.clock_hz, 16000000);
    assert_int_equal(NET("LED_BUILTIN"), NET("D13"));
    assert_int_equal(b.net[NET("D13")].port, EMK_M328P_PORTB);
    assert_int_equal(b.net[NET("D13")].bit, 5);
}

static void bad(const char *text, const char *why)
{
    assert_int_equal(emk_board_init(&b, text, strlen(text)), -EINVAL);
    assert_non_null(strstr(b.error, why));
}

static void test_errors(void **st)
{
    (void)st;
    bad("net X PB0\n", "no board");
    bad("board u atmega328p 16000000\nnet X PB8\n", "line 2: bad pin");
    bad("board u atmega328p 16000000\nnet X PC7\n", "bad pin");
    bad("board u atmega328p 16000000\nnet X PB0\nnet Y PB0\n", "pin already");
    bad("board u atmega328p 16000000\nnet X PB0\nnet X PB1\n", "duplicate net");
    bad("board u atmega328p 16000000\npart led L NOPE\n", "unknown net");
    bad("board u atmega328p 16000000\nnet X PB0\npart lamp L X\n", "unknown part kind");
    bad("board u atmega328p 16000000\nnet X PC0\npart pot P X value=2\n", "out of range");
    bad("board u atmega328p 16000000\nnet X PB0\npart led L X r=abc\n", "bad number");
    bad("board u atmega328p 16000000\nwire X\n", "unknown statement");
    bad("board u avr128 16000000\n", "board NAME");
}

static void test_voltages(void **st)
{
    int pot, temp, therm, btn;
    double v25;
    (void)st;
    assert_int_equal(emk_board_init(&b, NULL, 0), 0);
    pot = emk_board_find_part(&b, "POT1");
    temp = emk_board_find_part(&b, "TEMP1");
    therm = emk_board_find_part(&b, "THERM1");
    btn = emk_board_find_part(&b, "BUTTON1");
    assert_true(VOLTS("A0") > 2.49 && VOLTS("A0") < 2.51);      /* pot at 0.5 */
    assert_int_equal(emk_board_part_set(&b, pot, 0.2), 0);
    assert_true(VOLTS("A0") > 0.99 && VOLTS("A0") < 1.01);
    assert_int_equal(emk_board_part_set(&b, pot, 1.5), -ERANGE);
    assert_true(VOLTS("A1") > 0.249 && VOLTS("A1") < 0.251);    /* LM35 at 25 C */
    assert_int_equal(emk_board_part_set(&b, temp, 100), 0);
    assert_true(VOLTS("A1") > 0.999 && VOLTS("A1") < 1.001);
    v25 = VOLTS("A2");                                          /* NTC = R at 25 C */
    assert_true(v25 > 2.49 && v25 < 2.51);
    assert_int_equal(emk_board_part_set(&b, therm, 50), 0);
    assert_true(VOLTS("A2") < v25 - 0.5);                       /* NTC falls: lower */
    /* button with its external pull-up: 5 V open, 0 V pressed; the pin follows */
    assert_true(VOLTS("D2") > 4.9);
    assert_int_equal(emk_m328p_pin_level(&b.mcu, EMK_M328P_PORTD, 2), 1);
    assert_int_equal(emk_board_part_set(&b, btn, 1), 0);
    assert_true(VOLTS("D2") < 0.01);
    assert_int_equal(emk_m328p_pin_level(&b.mcu, EMK_M328P_PORTD, 2), 0);
    /* switch on the MCU's pull-up: floats until PORTD4 is set */
    assert_int_equal(b.net[NET("D4")].floating, 1);
    emk_avr_write(&b.mcu.cpu, 0x2B, 0x10);
    assert_int_equal(b.net[NET("D4")].floating, 0);
    assert_true(VOLTS("D4") > 4.9);
    assert_int_equal(emk_board_part_set(&b, emk_board_find_part(&b, "SWITCH1"), 1), 0);
    assert_int_equal(emk_m328p_pin_level(&b.mcu, EMK_M328P_PORTD, 4), 0);
    /* a value set from outside */
    assert_int_equal(emk_board_set_input(&b, NET("A3"), 3.3), 0);
    assert_true(VOLTS("A3") > 3.29 && VOLTS("A3") < 3.31);
    assert_int_equal(emk_board_set_input(&b, NET("A3"), 7.0), -ERANGE);
    assert_int_equal(emk_board_set_input(&b, 999, 1.0), -ENOENT);
    /* an output wins over everything */
    emk_avr_write(&b.mcu.cpu, 0x27, 0x08);                      /* DDRC3 */
    assert_true(VOLTS("A3") < 0.01);
}

static void test_pwm_led(void **st)
{
    double duty, hz;
    int led = -1;
    (void)st;
    assert_int_equal(emk_board_init(&b, NULL, 0), 0);
    led = emk_board_find_part(&b, "LED1");
    /* analogWrite(9, 191): timer1 phase correct 8-bit at clk/64 */
    emk_avr_write(&b.mcu.cpu, 0x24, 0x02);
    emk_avr_write(&b.mcu.cpu, 0x81, 0x03);
    emk_avr_write(&b.mcu.cpu, 0x80, 0x81);
    emk_avr_write(&b.mcu.cpu, 0x89, 0);
    emk_avr_write(&b.mcu.cpu, 0x88, 191);
    emk_avr_run(&b.mcu.cpu, 16000000 / 50);
    assert_int_equal(emk_board_net_pwm(&b, NET("D9"), &duty, &hz), 0);
    assert_true(duty > 0.748 && duty < 0.750);                  /* 191/255 */
    assert_true(hz > 490.1 && hz < 490.3);                      /* 16e6/32640 */
    assert_true(emk_board_net_avg_volts(&b, NET("D9")) > 3.74);
    assert_true(emk_board_led_brightness(&b, led) > 0.748);
    /* stopped: steady low after two periods */
    emk_avr_write(&b.mcu.cpu, 0x80, 0x01);
    emk_avr_write(&b.mcu.cpu, 0x25, 0x00);
    emk_avr_run(&b.mcu.cpu, 16000000 / 50);
    emk_board_net_pwm(&b, NET("D9"), &duty, &hz);
    assert_true(hz == 0.0 && duty == 0.0);
    assert_true(emk_board_led_brightness(&b, led) == 0.0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uno_file),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_voltages),
        cmocka_unit_test(test_pwm_led),
    };
    if (argc != 2) {
        fprintf(stderr, "usage: test-board UNO.NET\n");
        return 2;
    }
    uno_path = argv[1];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
