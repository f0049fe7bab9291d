/* sleepy.c - sleeps in idle mode between 1 ms TIMER1 ticks and toggles PB5
 * every 500 ticks: real-time pacing must idle the host while it sleeps
 * (docs/perf/arduino.md). */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>

static volatile uint16_t ticks;

ISR(TIMER1_COMPA_vect)
{
    if (++ticks == 500) {
        ticks = 0;
        PINB = 0x20;
    }
}

int main(void)
{
    DDRB = 0x20;
    OCR1A = 1999;
    TCCR1B = (1 << WGM12) | (1 << CS11);
    TIMSK1 = 1 << OCIE1A;
    set_sleep_mode(SLEEP_MODE_IDLE);
    sei();
    for (;;)
        sleep_mode();
}
