/* timers.c - interrupt-driven pins: TIMER1 CTC at clk/8 (OCR1A = 2499:
 * 1.25 ms) toggles PB5 in its ISR, TIMER0 overflow at clk/64 (1.024 ms)
 * toggles PB0, TIMER2 CTC at clk/32 (OCR2A = 99: 200 us) toggles OC2A
 * (PB3) in hardware.  The main loop reads TCNT0 (tests/arduino/simavr.sh). */
#include <avr/interrupt.h>
#include <avr/io.h>

ISR(TIMER1_COMPA_vect) { PINB = 0x20; }
ISR(TIMER0_OVF_vect) { PINB = 0x01; }

int main(void)
{
    DDRB = 0x29;
    OCR1A = 2499;
    TCCR1B = (1 << WGM12) | (1 << CS11);
    TIMSK1 = 1 << OCIE1A;
    TCCR0B = 3;
    TIMSK0 = 1;
    OCR2A = 99;
    TCCR2A = (1 << COM2A0) | (1 << WGM21);
    TCCR2B = 3;
    sei();
    for (;;) {
        volatile uint8_t x = TCNT0;
        (void)x;
    }
}
