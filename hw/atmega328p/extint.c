/* extint.c - INT0 (PD2) and INT1 (PD3) with EICRA's sense control (low
 * level, any change, falling, rising), EIMSK and EIFR; pin-change
 * interrupts PCINT0..2 (ports B, C, D) with PCICR, PCIFR and PCMSK0..2.
 * A low-level INT is a level request with no flag, held while the pin is
 * low; the others set a flag the vector clears (or a written 1).  Pins
 * report their level changes from gpio.c, outputs included, as on the
 * chip. */
#include "periph.h"

enum { PCIFR = 0x3B, PCICR = 0x68, PCMSK0 = 0x6B };

static void xirq(emk_m328p_extint *x)
{
    emk_m328p *m = x->mcu;
    unsigned i;

    for (i = 0; i < 2; i++) {
        int low = ((x->eicra >> (2 * i)) & 3) == 0 &&
                  !emk_m328p_pin_level(m, EMK_M328P_PORTD, 2 + i);
        int lvl = (x->eimsk & (1u << i)) && (low || (x->eifr & (1u << i)));

        emk_avr_irq(&m->cpu, EMK_M328P_VEC_INT0 + i, lvl);
    }
    for (i = 0; i < 3; i++)
        emk_avr_irq(&m->cpu, EMK_M328P_VEC_PCINT0 + i,
                    (x->pcicr & (1u << i)) && (x->pcifr & (1u << i)));
}

void emk_m328p_extint_pin(emk_m328p *m, unsigned port, unsigned bit, int level)
{
    emk_m328p_extint *x = &m->extint;

    if (!x->mcu)
        return;      /* during init */
    if (port == EMK_M328P_PORTD && (bit == 2 || bit == 3)) {
        unsigned i = bit - 2, sense = (x->eicra >> (2 * i)) & 3;

        if (sense == 1 || (sense == 2 && !level) || (sense == 3 && level))
            x->eifr |= (uint8_t)(1u << i);
    }
    if (x->pcmsk[port] & (1u << bit))
        x->pcifr |= (uint8_t)(1u << port);
    xirq(x);
}

static int f_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_extint *x = opaque;

    (void)size;
    *v = off == 0 ? x->pcifr : off == 1 ? x->eifr : x->eimsk;
    return 0;
}

static int f_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    emk_m328p_extint *x = opaque;
    uint8_t w1c = (uint8_t)(v & emk_avr_write_mask(&x->mcu->cpu));

    (void)size;
    if (off == 0)
        x->pcifr &= (uint8_t)~(w1c & 7);
    else if (off == 1)
        x->eifr &= (uint8_t)~(w1c & 3);
    else
        x->eimsk = (uint8_t)(v & 3);
    xirq(x);
    return 0;
}

static int c_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_extint *x = opaque;

    (void)size;
    *v = off == 0 ? x->pcicr : x->eicra;
    return 0;
}

static int c_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    emk_m328p_extint *x = opaque;

    (void)size;
    if (off == 0)
        x->pcicr = (uint8_t)(v & 7);
    else
        x->eicra = (uint8_t)(v & 0x0F);
    xirq(x);
    return 0;
}

static int m_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_extint *x = opaque;

    (void)size;
    *v = x->pcmsk[off];
    return 0;
}

static int m_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    emk_m328p_extint *x = opaque;

    (void)size;
    x->pcmsk[off] = (uint8_t)(off == 1 ? v & 0x7F : v);
    return 0;
}

static const emk_region_ops f_ops = { .read = f_read, .write = f_write,
                                      .valid_sizes = EMK_SIZE_1 };
static const emk_region_ops c_ops = { .read = c_read, .write = c_write,
                                      .valid_sizes = EMK_SIZE_1 };
static const emk_region_ops m_ops = { .read = m_read, .write = m_write,
                                      .valid_sizes = EMK_SIZE_1 };

static void x_ack(emk_avr *cpu, void *opaque, unsigned vec)
{
    emk_m328p_extint *x = opaque;

    (void)cpu;
    if (vec <= EMK_M328P_VEC_INT1)
        x->eifr &= (uint8_t)~(1u << (vec - EMK_M328P_VEC_INT0));
    else
        x->pcifr &= (uint8_t)~(1u << (vec - EMK_M328P_VEC_PCINT0));
    xirq(x);
}

int emk_m328p_extint_init(emk_m328p *m)
{
    emk_m328p_extint *x = &m->extint;
    unsigned v;
    int r;

    emk_dev_init(&x->dev, "extint", &m->cpu.bus, NULL);
    if ((r = emk_m328p_region(m, &x->dev, &x->flags, "eifr", &f_ops, x, 3, PCIFR)) < 0 ||
        (r = emk_m328p_region(m, &x->dev, &x->ctl, "eicra", &c_ops, x, 2, PCICR)) < 0 ||
        (r = emk_m328p_region(m, &x->dev, &x->masks, "pcmsk", &m_ops, x, 3, PCMSK0)) < 0)
        return r;
    for (v = EMK_M328P_VEC_INT0; v <= EMK_M328P_VEC_PCINT2; v++)
        emk_avr_set_ack(&m->cpu, v, x_ack, x);
    x->mcu = m;
    return 0;
}

void emk_m328p_extint_reset(emk_m328p *m)
{
    emk_m328p_extint *x = &m->extint;

    x->eicra = x->eimsk = x->eifr = x->pcicr = x->pcifr = 0;
    x->pcmsk[0] = x->pcmsk[1] = x->pcmsk[2] = 0;
    xirq(x);
}
