/* coop.c - a small cooperative scheduler standing in for a FreeRTOS demo
 * (FreeRTOS is not packaged for AVR in Debian): a 1 ms tick from TIMER1
 * CTC, three tasks with their own periods and phases run from a table,
 * each toggling its pin (PB0 every 3 ms, PB1 every 5 ms, PB2 every 7 ms)
 * and a fourth (PB4) doing 1 ms of busy work every 11 ms, which the others
 * must not be delayed by more than a tick.  The output pattern repeats
 * every 2 x 3 x 5 x 7 x 11 ms (tests/arduino/simavr.sh checks it). */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <util/delay.h>

static volatile uint16_t ticks;

ISR(TIMER1_COMPA_vect) { ticks++; }

typedef struct task {
    uint16_t period, next;
    void (*run)(void);
} task;

static void t0(void) { PINB = 0x01; }
static void t1(void) { PINB = 0x02; }
static void t2(void) { PINB = 0x04; }
static void t3(void) { PORTB |= 0x10; _delay_us(900); PORTB &= ~0x10; }

static task tasks[] = { {3, 0, t0}, {5, 1, t1}, {7, 2, t2}, {11, 3, t3} };

int main(void)
{
    uint16_t now, seen = 0;
    uint8_t i;

    DDRB = 0x17;
    OCR1A = 1999;                                  /* 1 ms at clk/8 */
    TCCR1B = (1 << WGM12) | (1 << CS11);
    TIMSK1 = 1 << OCIE1A;
    sei();
    for (;;) {
        cli();
        now = ticks;
        sei();
        if (now == seen)
            continue;                              /* idle until the tick */
        seen = now;
        for (i = 0; i < sizeof(tasks) / sizeof(tasks[0]); i++)
            if ((int16_t)(now - tasks[i].next) >= 0) {
                tasks[i].next += tasks[i].period;
                tasks[i].run();
            }
    }
}
