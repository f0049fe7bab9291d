/* gpio.c - PORTB, PORTC, PORTD: PINx (reads the pins; writing 1 toggles
 * PORTx bits), DDRx, PORTx (output value, or pull-up on inputs unless
 * MCUCR.PUD).  Peripherals override a pin's direction or value (timer
 * compare outputs, the USART's TXD/RXD).  Every change of a pin's level
 * goes to the external and pin-change interrupts and to ICP1; every change
 * of what the MCU does with the pin goes to the pin hook. */
#include "emkit/atmega328p.h"

enum { PINB = 0x23, PIND = 0x29, MCUCR_PUD = 0x10 };

static const uint8_t port_width[3] = { 0xFF, 0x7F, 0xFF };   /* PC7 absent */

static void port_update(emk_m328p_gpio *g)
{
    emk_m328p *m = g->mcu;
    uint8_t dir = (uint8_t)((g->ddr & ~g->ovr_dir) | (g->ovr_dir_val & g->ovr_dir));
    uint8_t out = (uint8_t)((g->port & ~g->ovr_out) | (g->ovr_out_val & g->ovr_out));
    int pud = (m->cpu.data[EMK_AVR_MCUCR] & MCUCR_PUD) != 0;
    uint8_t pullup = pud ? 0 : (uint8_t)(~dir & g->port & ~g->ovr_dir);
    uint8_t pin = (uint8_t)((dir & out) | (~dir & g->ext_drive & g->ext_level) |
                            (~dir & ~g->ext_drive & pullup));
    uint8_t changed;
    unsigned b;

    uint8_t st[8];

    pin &= port_width[g->index];
    changed = (uint8_t)(pin ^ g->pin);
    g->pin = pin;
    for (b = 0; b < 8; b++) {
        if (dir & (1u << b))
            st[b] = (out & (1u << b)) ? EMK_PIN_HIGH : EMK_PIN_LOW;
        else
            st[b] = (pullup & (1u << b)) ? EMK_PIN_PULLUP : EMK_PIN_HIZ;
    }
    /* Level changes first, then the pin hook, which may call back into
     * emk_m328p_pin_input: that nested update sees the same directions and
     * outputs, so it reports nothing twice. */
    for (b = 0; b < 8; b++) {
        if (!(changed & (1u << b)))
            continue;
        emk_m328p_extint_pin(m, g->index, b, (pin >> b) & 1);
        if (g->index == EMK_M328P_PORTB && b == 0)
            emk_m328p_timer_icp(m, pin & 1);
    }
    for (b = 0; b < 8; b++) {
        if (!(port_width[g->index] & (1u << b)) || st[b] == g->state[b])
            continue;
        g->state[b] = st[b];
        if (m->hooks.pin)
            m->hooks.pin(m->hooks.opaque, g->index, b, st[b], m->cpu.cycle);
    }
}

static int gpio_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_gpio *g = opaque;

    (void)size;
    *v = off == 0 ? g->pin : off == 1 ? g->ddr : g->port;
    return 0;
}

static int gpio_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    emk_m328p_gpio *g = opaque;
    uint8_t w = port_width[g->index];

    (void)size;
    if (off == 0)      /* PINx: each 1 written toggles PORTx (SBI: one bit) */
        g->port ^= (uint8_t)(v & emk_avr_write_mask(&g->mcu->cpu) & w);
    else if (off == 1)
        g->ddr = (uint8_t)(v & w);
    else
        g->port = (uint8_t)(v & w);
    port_update(g);
    return 0;
}

static const emk_region_ops gpio_ops = {
    .read = gpio_read, .write = gpio_write, .valid_sizes = EMK_SIZE_1,
};

static const char *const port_names[3] = { "portb", "portc", "portd" };

int emk_m328p_gpio_init(emk_m328p *m)
{
    unsigned i;
    int r;

    for (i = 0; i < EMK_M328P_NPORTS; i++) {
        emk_m328p_gpio *g = &m->port[i];

        emk_dev_init(&g->dev, port_names[i], &m->cpu.bus, NULL);
        g->mcu = m;
        g->index = i;
        g->regs.name = port_names[i];
        g->regs.ops = &gpio_ops;
        g->regs.opaque = g;
        g->regs.size = 3;
        if ((r = emk_dev_add_region(&g->dev, &g->regs)) < 0 ||
            (r = emk_bus_map_region(&m->cpu.bus, &g->regs, PINB + 3 * i)) < 0)
            return r;
    }
    return 0;
}

void emk_m328p_gpio_reset(emk_m328p *m)
{
    unsigned i;

    for (i = 0; i < EMK_M328P_NPORTS; i++) {
        emk_m328p_gpio *g = &m->port[i];

        g->ddr = g->port = 0;
        g->ovr_dir = g->ovr_dir_val = g->ovr_out = g->ovr_out_val = 0;
        port_update(g);
    }
}

void emk_m328p_gpio_override(emk_m328p *m, unsigned port, unsigned bit, int dir_on,
                             int dir_out, int out_on, int out_val)
{
    emk_m328p_gpio *g;
    uint8_t b = (uint8_t)(1u << bit);

    if (port >= EMK_M328P_NPORTS || bit > 7)
        return;
    g = &m->port[port];
    g->ovr_dir = dir_on ? (uint8_t)(g->ovr_dir | b) : (uint8_t)(g->ovr_dir & ~b);
    g->ovr_dir_val = dir_out ? (uint8_t)(g->ovr_dir_val | b) : (uint8_t)(g->ovr_dir_val & ~b);
    g->ovr_out = out_on ? (uint8_t)(g->ovr_out | b) : (uint8_t)(g->ovr_out & ~b);
    g->ovr_out_val = out_val ? (uint8_t)(g->ovr_out_val | b) : (uint8_t)(g->ovr_out_val & ~b);
    port_update(g);
}

void emk_m328p_pin_input(emk_m328p *m, unsigned port, unsigned bit, int driven, int level)
{
    emk_m328p_gpio *g;
    uint8_t b = (uint8_t)(1u << bit);

    if (port >= EMK_M328P_NPORTS || bit > 7)
        return;
    g = &m->port[port];
    g->ext_drive = driven ? (uint8_t)(g->ext_drive | b) : (uint8_t)(g->ext_drive & ~b);
    g->ext_level = level ? (uint8_t)(g->ext_level | b) : (uint8_t)(g->ext_level & ~b);
    port_update(g);
}

int emk_m328p_pin_level(const emk_m328p *m, unsigned port, unsigned bit)
{
    if (port >= EMK_M328P_NPORTS || bit > 7)
        return 0;
    return (m->port[port].pin >> bit) & 1;
}

unsigned emk_m328p_pin_state(const emk_m328p *m, unsigned port, unsigned bit)
{
    if (port >= EMK_M328P_NPORTS || bit > 7)
        return EMK_PIN_HIZ;
    return m->port[port].state[bit];
}
