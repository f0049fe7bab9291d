/* libFuzzer target: the ATmega328P (core and every peripheral) on random
 * flash.  Input: 2 bytes of options (fuse high byte, SREG at start), then
 * flash contents (up to 32 KiB).  Runs 100000 cycles, with the data space
 * pointers, the stack and every I/O register reachable from the random
 * code; the checks are the sanitizers' and the invariants below
 * (stateless: a fresh MCU per input). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "emkit/atmega328p.h"

static emk_m328p m;

static double adc(void *o, unsigned ch)
{
    (void)o;
    return ch * 0.6;
}

static uint8_t spi(void *o, uint8_t b)
{
    (void)o;
    return (uint8_t)(b ^ 0x5A);
}

static int twi_start(void *o, uint8_t a, int rd)
{
    (void)o;
    (void)rd;
    return a & 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    emk_m328p_hooks h = { 0 };
    uint64_t start;

    if (size < 2)
        return 0;
    h.adc = adc;
    h.spi = spi;
    h.twi_start = twi_start;
    if (emk_m328p_init(&m, 16000000, &h) < 0)
        abort();
    emk_avr_set_fuses(&m.cpu, 0xFF, data[0], 0xFD, 0xFF);
    if (size - 2 > EMK_AVR_FLASH_MAX)
        size = EMK_AVR_FLASH_MAX + 2;
    if (emk_avr_load_flash(&m.cpu, 0, data + 2, size - 2) < 0)
        abort();
    emk_m328p_reset(&m, EMK_AVR_RESET_POWER);
    m.cpu.data[EMK_AVR_SREG] = data[1];
    emk_m328p_uart_rx(&m, data + 2, size - 2 < 64 ? size - 2 : 64);
    start = m.cpu.cycle;
    emk_avr_run(&m.cpu, 100000);
    /* the core never leaves its flash or stops counting time */
    if (m.cpu.pc > m.cpu.flash_mask)
        abort();
    if (m.cpu.state != EMK_AVR_SLEEPING && m.cpu.cycle - start < 100000)
        abort();
    return 0;
}
