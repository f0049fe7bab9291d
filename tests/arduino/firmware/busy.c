/* busy.c - PB5 toggled by avr-libc's cycle-counted _delay_ms: pure CPU
 * timing, no peripheral but the port (tests/arduino/simavr.sh: exact). */
#include <avr/io.h>
#include <util/delay.h>

int main(void)
{
    DDRB = 0x21;
    for (;;) {
        PINB = 0x20;
        _delay_ms(10);
        PINB = 0x01;
        _delay_us(333);
    }
}
