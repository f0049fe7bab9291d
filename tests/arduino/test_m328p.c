/* test_m328p.c - the ATmega328P peripherals through their registers, the
 * way firmware reaches them (emk_avr_write/read are the CPU's data-space
 * accesses), with the core running NOPs to move time.  Expected timings
 * come from the datasheet's formulas (cited beside each check). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "emkit/atmega328p.h"

static emk_m328p m;

/* pin hook log */
static struct { unsigned port, bit, state; uint64_t cycle; } ev[4096];
static unsigned nev;
static uint8_t txlog[64];
static unsigned ntx;
static double adc_volts[8];

static void on_pin(void *o, unsigned port, unsigned bit, unsigned state, uint64_t cycle)
{
    (void)o;
    if (nev < 4096) {
        ev[nev].port = port; ev[nev].bit = bit; ev[nev].state = state; ev[nev].cycle = cycle;
        nev++;
    }
}
static double on_adc(void *o, unsigned ch) { (void)o; return adc_volts[ch & 7]; }
static void on_tx(void *o, uint8_t b) { (void)o; if (ntx < sizeof(txlog)) txlog[ntx++] = b; }
static int twi_ack_addr = -1;
static int on_twi_start(void *o, uint8_t a, int rd) { (void)o; (void)rd; return a == twi_ack_addr; }
static uint8_t on_spi(void *o, uint8_t b) { (void)o; return (uint8_t)~b; }

static int setup(void **st)
{
    emk_m328p_hooks h;
    static const uint8_t zero[32768];

    (void)st;
    memset(&h, 0, sizeof(h));
    h.pin = on_pin;
    h.adc = on_adc;
    h.uart_tx = on_tx;
    h.twi_start = on_twi_start;
    h.spi = on_spi;
    assert_int_equal(emk_m328p_init(&m, 16000000, &h), 0);
    emk_avr_load_flash(&m.cpu, 0, zero, sizeof(zero));   /* NOPs */
    emk_m328p_reset(&m, EMK_AVR_RESET_POWER);
    nev = ntx = 0;
    twi_ack_addr = -1;
    return 0;
}

#define W(a, v) emk_avr_write(&m.cpu, (a), (v))
#define R(a) emk_avr_read(&m.cpu, (a))
#define RUN(n) emk_avr_run(&m.cpu, (n))

static void test_gpio(void **st)
{
    (void)st;
    W(0x24, 0x20);                                 /* DDRB5 */
    W(0x25, 0x21);                                 /* PB5 high, PB0 pull-up */
    assert_int_equal(emk_m328p_pin_state(&m, EMK_M328P_PORTB, 5), EMK_PIN_HIGH);
    assert_int_equal(emk_m328p_pin_state(&m, EMK_M328P_PORTB, 0), EMK_PIN_PULLUP);
    assert_int_equal(R(0x23) & 0x21, 0x21);        /* PINB reads both high */
    emk_m328p_pin_input(&m, EMK_M328P_PORTB, 0, 1, 0);
    assert_int_equal(R(0x23) & 0x01, 0);           /* driven low from outside */
    W(0x23, 0x20);                                 /* PINx write toggles PORTx */
    assert_int_equal(R(0x25), 0x01);
    assert_int_equal(emk_m328p_pin_state(&m, EMK_M328P_PORTB, 5), EMK_PIN_LOW);
    assert_int_equal(nev, 4);                      /* low, high, pull-up, low */
    /* MCUCR.PUD would disable pull-ups; PC7 does not exist */
    W(0x28, 0xFF);
    assert_int_equal(R(0x28), 0x7F);
}

static void test_timer0_normal_ctc(void **st)
{
    (void)st;
    W(0x6E, 0x01);                                 /* TOIE0 */
    W(0x45, 0x02);                                 /* normal, clk/8 */
    RUN(8 * 255);
    assert_int_equal(R(0x35) & 1, 0);
    RUN(8 * 2);
    assert_int_equal(R(0x35) & 1, 1);              /* TOV0 after 256 ticks */
    assert_true(m.cpu.pending & (1u << EMK_M328P_VEC_TIMER0_OVF));
    W(0x35, 0x01);                                 /* write 1 clears */
    assert_int_equal(R(0x35) & 1, 0);
    /* CTC, OCR0A = 99, toggle OC0A (PD6): period 2 x 100 x 8 cycles */
    W(0x2A, 0x40);                                 /* DDRD6 */
    W(0x47, 99);
    W(0x44, 0x42);                                 /* COM0A0, WGM01 */
    nev = 0;
    RUN(100000);
    assert_true(nev > 100);
    {
        unsigned i, n = 0;

        for (i = 1; i < nev; i++)
            if (ev[i].port == EMK_M328P_PORTD && ev[i].bit == 6 && ev[i - 1].bit == 6) {
                assert_int_equal(ev[i].cycle - ev[i - 1].cycle, 800);
                n++;
            }
        assert_true(n > 100);
    }
    assert_int_equal(R(0x35) & 2, 2);              /* OCF0A */
}

/* High time and period of pin (port, bit) over its last full period. */
static void measure(unsigned port, unsigned bit, uint64_t *high, uint64_t *period)
{
    uint64_t rise = 0, fall = 0;
    unsigned i, nr = 0, full = 0;

    for (i = 0; i < nev; i++) {
        if (ev[i].port != port || ev[i].bit != bit)
            continue;
        if (ev[i].state == EMK_PIN_HIGH) {
            if (nr && fall > rise) {
                *period = ev[i].cycle - rise;
                *high = fall - rise;
                full++;
            }
            rise = ev[i].cycle;
            nr++;
        } else {
            fall = ev[i].cycle;
        }
    }
    assert_true(full >= 1);
}

static void test_timer0_fast_pwm(void **st)
{
    uint64_t hi, per;
    (void)st;
    W(0x2A, 0x60);                                 /* PD5, PD6 outputs */
    W(0x47, 63);                                   /* OCR0A */
    W(0x48, 191);                                  /* OCR0B */
    W(0x44, 0xA3);                                 /* COM0A1, COM0B1, fast PWM */
    W(0x45, 0x01);                                 /* clk/1 */
    RUN(10000);
    /* non-inverting fast PWM: high for OCR+1 of every 256 ticks */
    measure(EMK_M328P_PORTD, 6, &hi, &per);
    assert_int_equal(per, 256);
    assert_int_equal(hi, 64);
    measure(EMK_M328P_PORTD, 5, &hi, &per);
    assert_int_equal(hi, 192);
    /* OCR0A is double-buffered in PWM mode: the read gives the new value */
    W(0x47, 127);
    assert_int_equal(R(0x47), 127);
    nev = 0;
    RUN(2000);
    measure(EMK_M328P_PORTD, 6, &hi, &per);
    assert_int_equal(hi, 128);
}

static void test_timer1_phase_correct(void **st)
{
    uint64_t hi, per;
    (void)st;
    /* analogWrite(9, 64) as the Arduino core sets it: WGM10 (phase
     * correct 8-bit), clk/64, COM1A1 */
    W(0x24, 0x02);                                 /* PB1 */
    W(0x81, 0x03);                                 /* clk/64 */
    W(0x80, 0x81);                                 /* COM1A1 | WGM10 */
    W(0x89, 0);                                    /* OCR1AH (TEMP) */
    W(0x88, 64);                                   /* OCR1AL */
    RUN(400000);
    measure(EMK_M328P_PORTB, 1, &hi, &per);
    assert_int_equal(per, 2 * 255 * 64);           /* 490.2 Hz */
    assert_int_equal(hi, 2 * 64 * 64);             /* duty 64/255 */
    /* 16-bit read through TEMP: low byte first */
    W(0x81, 0x00);                                 /* stop */
    W(0x85, 0x12);
    W(0x84, 0x34);
    assert_int_equal(R(0x84), 0x34);
    assert_int_equal(R(0x85), 0x12);
    /* input capture on PB0, rising edge */
    W(0x80, 0x00);
    W(0x81, 0x41);                                 /* ICES1, clk/1 */
    RUN(1000);
    emk_m328p_pin_input(&m, EMK_M328P_PORTB, 0, 1, 1);
    assert_int_equal(R(0x36) & 0x20, 0x20);        /* ICF1 */
    {
        unsigned icr = R(0x86);

        icr |= (unsigned)R(0x87) << 8;
        assert_true(icr >= 0x1234 + 999 && icr <= 0x1234 + 1002);
    }
}

static void test_timer2_prescaler(void **st)
{
    (void)st;
    W(0xB1, 0x03);                                 /* clk/32 (timer 2 only) */
    RUN(32 * 256 + 40);
    assert_int_equal(R(0x37) & 1, 1);
    assert_true(R(0xB2) <= 2);
}

static void test_adc(void **st)
{
    unsigned v;
    (void)st;
    adc_volts[0] = 2.5;
    adc_volts[1] = 6.0;
    W(0x7C, 0x40);                                 /* AVcc, ADC0 */
    W(0x7A, 0xC7);                                 /* ADEN, ADSC, /128 */
    RUN(25 * 128 - 8);
    assert_int_equal(R(0x7A) & 0x40, 0x40);        /* still converting */
    RUN(16);
    assert_int_equal(R(0x7A) & 0x50, 0x10);        /* ADIF, ADSC clear */
    v = R(0x78);
    v |= (unsigned)R(0x79) << 8;
    assert_int_equal(v, 512);                      /* 2.5 V x 1024 / 5 V */
    W(0x7C, 0x61);                                 /* ADLAR, ADC1 (over range) */
    W(0x7A, 0xD7);                                 /* clear ADIF, start */
    RUN(13 * 128 + 8);                             /* 13 clocks after the first */
    assert_int_equal(R(0x79), 0xFF);
    W(0x7C, 0xCE);                                 /* 1.1 V ref, bandgap */
    W(0x7A, 0xD7);
    RUN(13 * 128 + 8);
    v = R(0x78);
    v |= (unsigned)R(0x79) << 8;
    assert_int_equal(v, 1023);
    /* free running: conversions keep coming */
    W(0x7C, 0x40);
    W(0x7B, 0x00);
    W(0x7A, 0xE7);                                 /* ADEN ADSC ADATE */
    RUN(13 * 128 * 10);
    assert_true(m.adc.conversions >= 12);
}

static void test_usart(void **st)
{
    uint8_t c = 'x';
    (void)st;
    W(0xC5, 0);
    W(0xC4, 103);                                  /* 9600 baud */
    W(0xC1, 0x18);                                 /* RXEN, TXEN */
    assert_int_equal(emk_m328p_uart_frame_cycles(&m), 10 * 16 * 104);
    W(0xC6, 'A');
    assert_int_equal(R(0xC0) & 0x20, 0x20);        /* UDRE again: moved to shifter */
    W(0xC6, 'B');
    assert_int_equal(R(0xC0) & 0x20, 0);           /* buffer full */
    RUN(16640 - 4);
    assert_int_equal(ntx, 0);
    RUN(8);
    assert_int_equal(ntx, 1);
    RUN(16640);
    assert_int_equal(ntx, 2);
    assert_memory_equal(txlog, "AB", 2);
    assert_int_equal(R(0xC0) & 0x40, 0x40);        /* TXC */
    assert_int_equal(emk_m328p_uart_rx(&m, &c, 1), 1);
    RUN(16640 + 4);
    assert_int_equal(R(0xC0) & 0x80, 0x80);        /* RXC */
    assert_int_equal(R(0xC6), 'x');
    assert_int_equal(R(0xC0) & 0x80, 0);
    /* TXD is an output while TXEN */
    assert_int_equal(emk_m328p_pin_state(&m, EMK_M328P_PORTD, 1), EMK_PIN_HIGH);
}

static void test_extint(void **st)
{
    (void)st;
    emk_m328p_pin_input(&m, EMK_M328P_PORTD, 2, 1, 1);
    W(0x69, 0x02);                                 /* INT0 falling */
    W(0x3D, 0x01);
    emk_m328p_pin_input(&m, EMK_M328P_PORTD, 2, 1, 0);
    assert_int_equal(R(0x3C) & 1, 1);
    assert_true(m.cpu.pending & (1u << EMK_M328P_VEC_INT0));
    W(0x3C, 1);
    assert_false(m.cpu.pending & (1u << EMK_M328P_VEC_INT0));
    /* low level: a request while low, no flag */
    W(0x69, 0x00);
    assert_true(m.cpu.pending & (1u << EMK_M328P_VEC_INT0));
    /* PCINT0 on PB3 */
    W(0x6B, 0x08);
    W(0x68, 0x01);
    emk_m328p_pin_input(&m, EMK_M328P_PORTB, 3, 1, 1);
    assert_int_equal(R(0x3B) & 1, 1);
    assert_true(m.cpu.pending & (1u << EMK_M328P_VEC_PCINT0));
}

static void test_eeprom(void **st)
{
    (void)st;
    W(0x41, 0x10);
    W(0x42, 0x00);
    W(0x40, 0x5A);
    W(0x3F, 0x02);                                 /* EEPE without EEMPE: ignored */
    assert_int_equal(R(0x3F) & 2, 0);
    W(0x3F, 0x04);
    W(0x3F, 0x02);
    assert_int_equal(R(0x3F) & 2, 2);              /* writing for 3.4 ms */
    RUN(16000 * 3);
    assert_int_equal(R(0x3F) & 2, 2);
    RUN(16000);
    assert_int_equal(R(0x3F) & 2, 0);
    assert_int_equal(m.eeprom.mem[0x10], 0x5A);
    W(0x40, 0);
    W(0x3F, 0x01);                                 /* EERE */
    assert_int_equal(R(0x40), 0x5A);
}

static void test_watchdog(void **st)
{
    (void)st;
    W(0x60, 0x08);                                 /* WDE, 16 ms */
    RUN(256000 - 100);
    assert_int_equal(m.wdt.resets, 0);
    emk_avr_write(&m.cpu, 0x60, 0x08);
    m.cpu.on_wdr(&m.cpu, m.cpu.hook_opaque);       /* WDR */
    RUN(200000);
    assert_int_equal(m.wdt.resets, 0);
    RUN(60000);
    assert_int_equal(m.wdt.resets, 1);
    assert_int_equal(m.cpu.data[0x54] & EMK_AVR_RESET_WATCHDOG, EMK_AVR_RESET_WATCHDOG);
    /* WDRF keeps it on; clearing needs MCUSR.WDRF = 0 and the timed sequence */
    W(0x60, 0x00);
    assert_int_equal(R(0x60) & 0x08, 0x08);
    W(0x54, 0);
    W(0x60, 0x00);
    assert_int_equal(R(0x60) & 0x08, 0x08);        /* no WDCE: stays */
    W(0x60, 0x18);
    W(0x60, 0x00);
    assert_int_equal(R(0x60) & 0x08, 0);
    /* interrupt mode */
    W(0x60, 0x40);
    RUN(260000);
    assert_int_equal(R(0x60) & 0x80, 0x80);
    assert_true(m.cpu.pending & (1u << EMK_M328P_VEC_WDT));
}

static void test_spi_twi(void **st)
{
    (void)st;
    W(0x4C, 0x50);                                 /* SPE, MSTR, clk/4 */
    W(0x4E, 0x3C);
    RUN(30);
    assert_int_equal(R(0x4D) & 0x80, 0);
    RUN(4);
    assert_int_equal(R(0x4D) & 0x80, 0x80);        /* SPIF after 8 x 4 cycles */
    assert_int_equal(R(0x4E), 0xC3);               /* the hook's answer */
    assert_int_equal(R(0x4D) & 0x80, 0);           /* SPSR then SPDR clears SPIF */
    /* TWI: START, then SLA+W to a missing and a present device */
    W(0xB8, 72);                                   /* 100 kHz */
    W(0xBC, 0xA4);                                 /* TWINT TWSTA TWEN */
    RUN(9 * 160 + 4);
    assert_int_equal(R(0xBC) & 0x80, 0x80);
    assert_int_equal(R(0xB9) & 0xF8, 0x08);
    W(0xBB, 0x50 << 1);
    W(0xBC, 0x84);
    RUN(9 * 160 + 4);
    assert_int_equal(R(0xB9) & 0xF8, 0x20);        /* NACK */
    twi_ack_addr = 0x50;
    W(0xBC, 0xA4);                                 /* repeated START */
    RUN(9 * 160 + 4);
    assert_int_equal(R(0xB9) & 0xF8, 0x10);
    W(0xBB, 0x50 << 1);
    W(0xBC, 0x84);
    RUN(9 * 160 + 4);
    assert_int_equal(R(0xB9) & 0xF8, 0x18);        /* ACK */
    W(0xBC, 0x94);                                 /* STOP */
    assert_int_equal(R(0xB9) & 0xF8, 0xF8);
}

static void test_sleep(void **st)
{
    uint8_t sleep_op[2] = { 0x88, 0x95 };
    uint8_t t;
    (void)st;
    W(0x45, 0x01);                                 /* timer0 clk/1 */
    emk_avr_load_flash(&m.cpu, 0, sleep_op, 2);
    m.cpu.pc = 0;
    W(0x53, 0x05);                                 /* power-down, SE */
    emk_avr_step(&m.cpu);
    assert_int_equal(m.cpu.state, EMK_AVR_SLEEPING);
    t = R(0x46);
    RUN(1000);
    assert_int_equal(R(0x46), t);                  /* clk_IO stopped */
    /* an external interrupt wakes it; the timer runs again */
    m.cpu.data[EMK_AVR_SREG] = EMK_AVR_I;
    W(0x69, 0x00);
    W(0x3D, 0x01);                                 /* INT0 low level: PD2 floats low */
    emk_avr_step(&m.cpu);
    assert_int_equal(m.cpu.state, EMK_AVR_RUNNING);
    RUN(100);
    assert_true(R(0x46) != t);
    assert_int_equal(m.sleep.sleeps, 1);
    assert_true(m.sleep.slept_cycles >= 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_gpio, setup),
        cmocka_unit_test_setup(test_timer0_normal_ctc, setup),
        cmocka_unit_test_setup(test_timer0_fast_pwm, setup),
        cmocka_unit_test_setup(test_timer1_phase_correct, setup),
        cmocka_unit_test_setup(test_timer2_prescaler, setup),
        cmocka_unit_test_setup(test_adc, setup),
        cmocka_unit_test_setup(test_usart, setup),
        cmocka_unit_test_setup(test_extint, setup),
        cmocka_unit_test_setup(test_eeprom, setup),
        cmocka_unit_test_setup(test_watchdog, setup),
        cmocka_unit_test_setup(test_spi_twi, setup),
        cmocka_unit_test_setup(test_sleep, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
