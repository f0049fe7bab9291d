/* test_nrf51.c - the micro:bit board's peripherals through its bus, with
 * the core asleep in a WFI loop so only the peripherals make time pass:
 * values and timings from the nRF51 Series Reference Manual v3.0 (UART0,
 * TIMER, RTC, RNG, TEMP, NVMC, GPIO, GPIOTE, TWI with the sensors), the
 * LED matrix decode, and the Intel HEX loader's errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/microbit.h"

static emk_microbit *mb;
static uint8_t txbuf[64];
static unsigned ntx;

static void tx(void *o, uint8_t b)
{
    (void)o;
    if (ntx < sizeof(txbuf))
        txbuf[ntx++] = b;
}

static uint32_t rd(uint32_t a)
{
    uint32_t v = 0xDEADBEEF;

    assert_int_equal(emk_microbit_read(mb, a, 4, &v), 0);
    return v;
}

static void wr(uint32_t a, uint32_t v)
{
    assert_int_equal(emk_microbit_write(mb, a, 4, v), 0);
}

static void run_us(uint64_t us)
{
    emk_microbit_run(mb, emk_microbit_now(mb) + us * 16, 1);
}

static int setup(void **st)
{
    /* vector table: SP, reset at 0x41; at 0x40: wfi; b 0x40 */
    static const uint8_t img[] = {
        0x00, 0x40, 0x00, 0x20, 0x41, 0x00, 0x00, 0x00,
    };
    static const uint8_t loop[] = { 0x30, 0xBF, 0xFD, 0xE7 };
    int err;

    (void)st;
    mb = emk_microbit_new(&err);
    assert_non_null(mb);
    assert_int_equal(emk_microbit_load_bin(mb, 0, img, sizeof(img)), 0);
    assert_int_equal(emk_microbit_load_bin(mb, 0x40, loop, sizeof(loop)), 0);
    emk_microbit_on_tx(mb, tx, NULL);
    emk_microbit_reset(mb);
    ntx = 0;
    run_us(10);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    emk_microbit_free(mb);
    return 0;
}

enum { UART = 0x40002000, TWI = 0x40003000, GPIOTE = 0x40006000,
       TIMER0 = 0x40008000, RTC1 = 0x40011000, TEMP = 0x4000C000,
       RNG = 0x4000D000, NVMC = 0x4001E000, GPIO = 0x50000000 };

static void test_uart_tx_rx(void **st)
{
    (void)st;
    wr(UART + 0x500, 4);                     /* ENABLE */
    wr(UART + 0x524, 0x01D7E000);            /* 115200 */
    wr(UART + 0x008, 1);                     /* STARTTX */
    wr(UART + 0x51C, 'K');
    assert_int_equal(ntx, 1);
    assert_int_equal(txbuf[0], 'K');
    run_us(80);                              /* a character is 86.8 us */
    assert_int_equal(rd(UART + 0x11C), 0);
    run_us(10);
    assert_int_equal(rd(UART + 0x11C), 1);   /* TXDRDY */
    wr(UART + 0x000, 1);                     /* STARTRX */
    assert_int_equal(emk_microbit_uart_input(mb, (const uint8_t *)"ab", 2), 2);
    assert_int_equal(rd(UART + 0x108), 0);
    run_us(90);
    assert_int_equal(rd(UART + 0x108), 1);   /* RXDRDY */
    wr(UART + 0x108, 0);
    run_us(90);
    assert_int_equal(rd(UART + 0x518), 'a');
    assert_int_equal(rd(UART + 0x108), 1);   /* the next byte in the FIFO */
    assert_int_equal(rd(UART + 0x518), 'b');
    assert_int_equal(emk_microbit_uart_pending(mb), 0);
}

static void test_timer_compare(void **st)
{
    (void)st;
    wr(TIMER0 + 0x510, 4);                   /* 1 MHz */
    wr(TIMER0 + 0x508, 3);                   /* 32 bit */
    wr(TIMER0 + 0x540, 1000);                /* CC[0] */
    wr(TIMER0 + 0x200, 1);                   /* COMPARE0_CLEAR */
    wr(TIMER0 + 0x000, 1);                   /* START */
    run_us(999);
    assert_int_equal(rd(TIMER0 + 0x140), 0);
    run_us(2);
    assert_int_equal(rd(TIMER0 + 0x140), 1);
    wr(TIMER0 + 0x040 + 4, 1);               /* CAPTURE[1]: cleared at 1000 */
    assert_true(rd(TIMER0 + 0x544) <= 2);
    wr(TIMER0 + 0x140, 0);
    run_us(1000);
    assert_int_equal(rd(TIMER0 + 0x140), 1); /* periodic */
}

static void test_rtc_compare(void **st)
{
    (void)st;
    wr(RTC1 + 0x540, 328);                   /* ~10 ms at 32768 Hz */
    wr(RTC1 + 0x344, 1u << 16);              /* EVTEN COMPARE0 */
    wr(RTC1 + 0x000, 1);
    run_us(9900);
    assert_int_equal(rd(RTC1 + 0x140), 0);
    assert_true(rd(RTC1 + 0x504) < 328);
    run_us(200);
    assert_int_equal(rd(RTC1 + 0x140), 1);
    assert_true(rd(RTC1 + 0x504) >= 328 && rd(RTC1 + 0x504) < 335);
}

static void test_rng_temp(void **st)
{
    uint32_t a, b;

    (void)st;
    wr(RNG + 0x000, 1);
    run_us(170);
    assert_int_equal(rd(RNG + 0x100), 1);
    a = rd(RNG + 0x508);
    wr(RNG + 0x100, 0);
    run_us(170);
    b = rd(RNG + 0x508);
    assert_true(a <= 255 && b <= 255);
    assert_int_equal(rd(RNG + 0x100), 1);
    emk_microbit_temperature(mb, 30);
    wr(TEMP + 0x000, 1);
    run_us(40);
    assert_int_equal(rd(TEMP + 0x100), 1);
    assert_int_equal(rd(TEMP + 0x508), 120); /* 0.25 degree steps */
}

static void test_nvmc(void **st)
{
    (void)st;
    wr(0x3F000, 0x0);                        /* not enabled: ignored */
    assert_int_equal(rd(0x3F000), 0xFFFFFFFFu);
    wr(NVMC + 0x504, 1);                     /* WEN */
    wr(0x3F000, 0x12345678);
    wr(0x3F000, 0xFFFF00FF);                 /* can only clear bits */
    assert_int_equal(rd(0x3F000), 0x12340078u);
    wr(NVMC + 0x504, 2);                     /* EEN */
    wr(NVMC + 0x508, 0x3F000);               /* ERASEPAGE */
    assert_int_equal(rd(0x3F000), 0xFFFFFFFFu);
    assert_int_equal(rd(NVMC + 0x400), 1);   /* READY */
    assert_int_equal(rd(0x10000010), 1024);  /* FICR CODEPAGESIZE */
    assert_int_equal(rd(0x10000014), 256);   /* CODESIZE */
}

static void test_gpio_buttons_gpiote(void **st)
{
    (void)st;
    wr(GPIO + 0x700 + 17 * 4, 0xC);          /* input, pull-up */
    assert_int_equal(rd(GPIO + 0x510) >> 17 & 1, 1);
    wr(GPIOTE + 0x510, 1 | 17u << 8 | 2u << 16);  /* event, P0.17, HiToLo */
    assert_int_equal(emk_microbit_button(mb, EMK_MICROBIT_BUTTON_A, 1), 0);
    assert_int_equal(rd(GPIO + 0x510) >> 17 & 1, 0);
    assert_int_equal(rd(GPIOTE + 0x100), 1);
    assert_int_equal(emk_microbit_button(mb, 7, 1), -EINVAL);
    /* SENSE low on P0.26 (button B): PORT event on the press */
    wr(GPIO + 0x700 + 26 * 4, 0xC | 3u << 16);
    assert_int_equal(rd(GPIOTE + 0x17C), 0);
    emk_microbit_button(mb, EMK_MICROBIT_BUTTON_B, 1);
    assert_int_equal(rd(GPIOTE + 0x17C), 1);
    /* output */
    wr(GPIO + 0x518, 1u << 3);               /* DIRSET */
    wr(GPIO + 0x508, 1u << 3);               /* OUTSET */
    assert_int_equal(emk_microbit_pin(mb, 3), 1);
    assert_int_equal(emk_microbit_pin(mb, 40), -EINVAL);
}

static void test_twi_sensors(void **st)
{
    (void)st;
    wr(TWI + 0x500, 5);
    wr(TWI + 0x588, 0x1D);                   /* MMA8653FC */
    wr(TWI + 0x008, 1);                      /* STARTTX */
    wr(TWI + 0x51C, 0x0D);                   /* WHO_AM_I */
    assert_int_equal(rd(TWI + 0x11C), 1);
    wr(TWI + 0x200, 2);                      /* BB_STOP: one byte */
    wr(TWI + 0x000, 1);                      /* STARTRX */
    assert_int_equal(rd(TWI + 0x108), 1);
    assert_int_equal(rd(TWI + 0x518), 0x5A);
    assert_int_equal(rd(TWI + 0x104), 1);    /* STOPPED */
    wr(TWI + 0x588, 0x0E);                   /* MAG3110 */
    wr(TWI + 0x008, 1);
    wr(TWI + 0x51C, 0x07);
    wr(TWI + 0x000, 1);
    assert_int_equal(rd(TWI + 0x518), 0xC4);
    wr(TWI + 0x588, 0x42);                   /* nobody */
    wr(TWI + 0x008, 1);
    assert_int_equal(rd(TWI + 0x124), 1);    /* ERROR */
    assert_int_equal(rd(TWI + 0x4C4) & 2, 2); /* ANACK */
}

static void test_display_decode(void **st)
{
    uint8_t leds[25];
    unsigned scan, row;
    uint32_t dir = 0xFFF0;                   /* P0.4 - P0.15 */

    (void)st;
    wr(GPIO + 0x518, dir);
    /* scan the three rows for 6 ms each, a few times; only row 1 (P0.13)
     * with column 1 (P0.4) low: LED (0, 0); row 2 with column 2 (P0.5)
     * low: LED (0, 2) (microbit-dal's matrix map) */
    for (scan = 0; scan < 4; scan++)
        for (row = 0; row < 3; row++) {
            uint32_t out = 1u << (13 + row) | 0x1FF0;  /* columns high: off */

            if (row == 0)
                out &= ~(1u << 4);
            if (row == 1)
                out &= ~(1u << 5);
            wr(GPIO + 0x504, out);
            run_us(6000);
        }
    emk_microbit_display(mb, leds);
    assert_int_equal(leds[0 * 5 + 0], 9);
    assert_int_equal(leds[2 * 5 + 0], 9);
    for (row = 0; row < 25; row++)
        if (row != 0 && row != 10)
            assert_int_equal(leds[row], 0);
}

static void test_hex_loader(void **st)
{
    char msg[96];
    static const char good[] =
        ":020000040000FA\n:04010000DEADBEEFC3\n:00000001FF\n";
    static const char badsum[] = ":020000040000FA\n:04010000DEADBEEFC4\n:00000001FF\n";
    static const char noeof[] = ":04010000DEADBEEFC3\n";
    static const char far[] = ":020000042000DA\n:0100000000FF\n:00000001FF\n";
    static const char junk[] = ":020000040000FA\nhello\n";

    (void)st;
    assert_int_equal(emk_microbit_load_hex(mb, good, strlen(good), msg, sizeof(msg)), 4);
    assert_int_equal(rd(0x100), 0xEFBEADDEu);
    assert_int_equal(emk_microbit_load_hex(mb, badsum, strlen(badsum), msg, sizeof(msg)),
                     -EINVAL);
    assert_string_equal(msg, "line 2: checksum mismatch");
    assert_int_equal(emk_microbit_load_hex(mb, noeof, strlen(noeof), msg, sizeof(msg)),
                     -EINVAL);
    assert_int_equal(emk_microbit_load_hex(mb, far, strlen(far), msg, sizeof(msg)),
                     -ERANGE);
    assert_string_equal(msg, "line 2: address outside flash and UICR");
    assert_int_equal(emk_microbit_load_hex(mb, junk, strlen(junk), msg, sizeof(msg)),
                     -EINVAL);
    assert_string_equal(msg, "line 2: record does not start with ':'");
}

static void test_unmapped_is_a_bus_error(void **st)
{
    uint32_t v;

    (void)st;
    assert_int_equal(emk_microbit_read(mb, 0x30000000, 4, &v), -EFAULT);
    assert_int_equal(emk_microbit_read(mb, 0x20004000, 4, &v), -EFAULT); /* past RAM */
    assert_int_equal(emk_microbit_read(mb, 0x20000001, 4, &v), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_uart_tx_rx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_compare, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rtc_compare, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rng_temp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nvmc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gpio_buttons_gpiote, setup, teardown),
        cmocka_unit_test_setup_teardown(test_twi_sensors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_display_decode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hex_loader, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmapped_is_a_bus_error, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
