/* adc.c - the 10-bit ADC: ADMUX (REFS1:0, ADLAR, MUX3:0), ADCSRA (ADEN,
 * ADSC, ADATE, ADIF, ADIE, ADPS2:0), ADCSRB (ADTS2:0), ADCL/ADCH, DIDR0.
 * A conversion takes 13 ADC clocks (25 for the first after ADEN) of
 * clk/2^ADPS; at its end the result is latched, ADIF set and, in free
 * running mode (ADATE with ADTS = 0), the next one starts.  Channels 0..7
 * read the adc hook's volts, 8 the temperature sensor (314 mV at 25 C),
 * 14 the 1.1 V bandgap, 15 ground.  Reference: AREF, AVcc or 1.1 V.
 * Reading ADCL freezes ADCH until ADCH is read, as on the chip.  Other
 * auto-trigger sources (comparator, timers, INT0) are not modelled. */
#include "periph.h"

enum { ADCL = 0x78, ADIF = 0x10, ADIE = 0x08, ADSC = 0x40, ADEN = 0x80, ADATE = 0x20 };

static void adc_irq(emk_m328p_adc *a)
{
    emk_avr_irq(&a->mcu->cpu, EMK_M328P_VEC_ADC, (a->adcsra & ADIF) && (a->adcsra & ADIE));
}

static uint16_t sample(emk_m328p_adc *a)
{
    emk_m328p *m = a->mcu;
    unsigned ch = a->admux & 15, refs = a->admux >> 6;
    double vin, vref = refs == 1 ? m->vcc : refs == 3 ? 1.1 : m->aref;
    double code;

    if (ch < 8)
        vin = m->hooks.adc ? m->hooks.adc(m->hooks.opaque, ch) : 0.0;
    else if (ch == 8)
        vin = 0.314;
    else if (ch == 14)
        vin = 1.1;
    else
        vin = 0.0;
    if (vref <= 0.0)
        return 0x3FF;
    code = vin * 1024.0 / vref;
    if (!(code > 0.0))
        return 0;
    if (code > 1023.0)
        return 1023;
    return (uint16_t)code;
}

static void start(emk_m328p_adc *a)
{
    uint32_t div = 1u << (a->adcsra & 7);

    if (div < 2)
        div = 2;
    emk_avr_timer_arm(&a->mcu->cpu, &a->ev,
                      a->mcu->cpu.cycle + (uint64_t)div * (a->first ? 25 : 13));
    a->first = 0;
}

static void done(emk_avr *cpu, void *opaque, uint64_t now)
{
    emk_m328p_adc *a = opaque;

    (void)cpu;
    (void)now;
    if (!(a->adcsra & ADEN))
        return;
    a->result = sample(a);
    a->conversions++;
    a->adcsra |= ADIF;
    if ((a->adcsra & ADATE) && (a->adcsrb & 7) == 0)
        start(a);                   /* free running */
    else
        a->adcsra &= (uint8_t)~ADSC;
    adc_irq(a);
}

static uint16_t adjusted(const emk_m328p_adc *a)
{
    return (a->admux & 0x20) ? (uint16_t)(a->result << 6) : a->result;
}

static int adc_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_adc *a = opaque;

    (void)size;
    switch (off) {
    case 0: *v = adjusted(a) & 0xFF; a->adch_latched = (uint8_t)(adjusted(a) >> 8);
            a->latched = 1; break;
    case 1: *v = a->latched ? a->adch_latched : adjusted(a) >> 8; a->latched = 0; break;
    case 2: *v = a->adcsra; break;
    case 3: *v = a->adcsrb; break;
    case 4: *v = a->admux; break;
    case 6: *v = a->didr0; break;
    default: *v = 0;
    }
    return 0;
}

static int adc_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    emk_m328p_adc *a = opaque;
    uint8_t v = (uint8_t)val;

    (void)size;
    switch (off) {
    case 2: {
        uint8_t old = a->adcsra;
        uint8_t clear = (uint8_t)(v & ADIF & emk_avr_write_mask(&a->mcu->cpu));

        a->adcsra = (uint8_t)((v & ~ADIF) | (old & ADIF));
        a->adcsra &= (uint8_t)~clear;
        if (!(v & ADEN)) {
            a->adcsra &= (uint8_t)~ADSC;
            emk_avr_timer_cancel(&a->mcu->cpu, &a->ev);
            a->first = 1;
        } else if (!(old & ADEN)) {
            a->first = 1;
        }
        if ((v & ADEN) && (v & ADSC) && !(old & ADSC))
            start(a);
        else if (old & ADSC)
            a->adcsra |= ADSC;      /* writing 0 to ADSC has no effect */
        adc_irq(a);
        break;
    }
    case 3: a->adcsrb = v & 0x47; break;
    case 4: a->admux = v & 0xEF; break;
    case 6: a->didr0 = v & 0x3F; break;
    default: break;
    }
    return 0;
}

static const emk_region_ops adc_ops = { .read = adc_read, .write = adc_write,
                                        .valid_sizes = EMK_SIZE_1 };

static void adc_ack(emk_avr *cpu, void *opaque, unsigned vec)
{
    emk_m328p_adc *a = opaque;

    (void)cpu;
    (void)vec;
    a->adcsra &= (uint8_t)~ADIF;
    adc_irq(a);
}

int emk_m328p_adc_init(emk_m328p *m)
{
    emk_m328p_adc *a = &m->adc;
    int r;

    emk_dev_init(&a->dev, "adc", &m->cpu.bus, NULL);
    a->mcu = m;
    if ((r = emk_m328p_region(m, &a->dev, &a->regs, "adc", &adc_ops, a, 7, ADCL)) < 0 ||
        (r = emk_avr_timer_add(&m->cpu, &a->ev, done, a)) < 0)
        return r;
    emk_avr_set_ack(&m->cpu, EMK_M328P_VEC_ADC, adc_ack, a);
    return 0;
}

void emk_m328p_adc_reset(emk_m328p *m)
{
    emk_m328p_adc *a = &m->adc;

    a->admux = a->adcsra = a->adcsrb = a->didr0 = 0;
    a->result = 0;
    a->latched = 0;
    a->first = 1;
}
