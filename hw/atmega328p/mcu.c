/* mcu.c - the ATmega328P put together: the core, each peripheral's init
 * (which maps its registers on the core's I/O bus) and the reset that
 * reaches all of them.  Peripherals live in the other files here. */
#include <errno.h>
#include <string.h>

#include "emkit/atmega328p.h"

static void on_reset(emk_avr *cpu, void *opaque, unsigned cause)
{
    emk_m328p *m = opaque;

    (void)cpu;
    (void)cause;
    emk_m328p_gpio_reset(m);
    emk_m328p_timer_reset(m);
    emk_m328p_adc_reset(m);
    emk_m328p_usart_reset(m);
    emk_m328p_spi_reset(m);
    emk_m328p_twi_reset(m);
    emk_m328p_eeprom_reset(m);
    emk_m328p_wdt_reset(m);
    emk_m328p_sleep_reset(m);
    emk_m328p_extint_reset(m);
}

static void on_sleep(emk_avr *cpu, void *opaque)
{
    (void)cpu;
    emk_m328p_sleep_enter(opaque);
}

static void on_wake(emk_avr *cpu, void *opaque)
{
    (void)cpu;
    emk_m328p_sleep_wake(opaque);
}

static void on_wdr(emk_avr *cpu, void *opaque)
{
    (void)cpu;
    emk_m328p_wdt_kick(opaque);
}

int emk_m328p_init(emk_m328p *m, uint32_t clock_hz, const emk_m328p_hooks *hooks)
{
    int r;

    if (!m || clock_hz == 0)
        return -EINVAL;
    memset(m, 0, sizeof(*m));
    r = emk_avr_init(&m->cpu, emk_avr_atmega328p());
    if (r < 0)
        return r;
    m->cpu.clock_hz = clock_hz;
    if (hooks)
        m->hooks = *hooks;
    m->vcc = 5.0;
    m->aref = 5.0;
    if ((r = emk_m328p_gpio_init(m)) < 0 || (r = emk_m328p_timer_init(m)) < 0 ||
        (r = emk_m328p_adc_init(m)) < 0 || (r = emk_m328p_usart_init(m)) < 0 ||
        (r = emk_m328p_spi_init(m)) < 0 || (r = emk_m328p_twi_init(m)) < 0 ||
        (r = emk_m328p_eeprom_init(m)) < 0 || (r = emk_m328p_wdt_init(m)) < 0 ||
        (r = emk_m328p_sleep_init(m)) < 0 || (r = emk_m328p_extint_init(m)) < 0)
        return r;
    memset(m->eeprom.mem, 0xFF, sizeof(m->eeprom.mem));
    m->cpu.hook_opaque = m;
    m->cpu.on_reset = on_reset;
    m->cpu.on_sleep = on_sleep;
    m->cpu.on_wake = on_wake;
    m->cpu.on_wdr = on_wdr;
    emk_m328p_reset(m, EMK_AVR_RESET_POWER);
    return 0;
}

void emk_m328p_reset(emk_m328p *m, unsigned cause)
{
    emk_avr_reset(&m->cpu, cause);   /* calls on_reset for the peripherals */
}
