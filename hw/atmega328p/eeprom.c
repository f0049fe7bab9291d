/* eeprom.c - the 1 KiB EEPROM: EECR (EEPM1:0, EERIE, EEMPE, EEPE, EERE),
 * EEDR, EEARL/H.  EEMPE opens a four-cycle window for EEPE; a write then
 * takes 3.4 ms (erase and write) or 1.8 ms (erase only, write only: bits
 * only go 1 -> 0) and EEPE stays set until it is done.  EERE reads at once
 * and halts the CPU 4 cycles.  The ready interrupt is a level: EERIE with
 * EEPE clear.  The contents survive resets (not power: the caller's). */
#include "periph.h"

enum { EECR = 0x3F, EERIE = 0x08, EEMPE = 0x04, EEPE = 0x02, EERE = 0x01 };

static void eirq(emk_m328p_eeprom *e)
{
    emk_avr_irq(&e->mcu->cpu, EMK_M328P_VEC_EE_READY,
                (e->eecr & EERIE) && !(e->eecr & EEPE));
}

static void ee_done(emk_avr *cpu, void *opaque, uint64_t now)
{
    emk_m328p_eeprom *e = opaque;

    (void)cpu;
    (void)now;
    e->eecr &= (uint8_t)~EEPE;
    eirq(e);
}

static int e_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_eeprom *e = opaque;

    (void)size;
    switch (off) {
    case 0:
        *v = e->eecr & ~EEMPE;
        if (e->mcu->cpu.cycle < e->mpe_until)
            *v |= EEMPE;
        break;
    case 1: *v = e->eedr; break;
    case 2: *v = e->eear & 0xFF; break;
    default: *v = e->eear >> 8; break;
    }
    return 0;
}

static int e_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    emk_m328p_eeprom *e = opaque;
    emk_m328p *m = e->mcu;
    uint8_t v = (uint8_t)val;

    (void)size;
    switch (off) {
    case 0: {
        int busy = (e->eecr & EEPE) != 0;

        if (!busy)
            e->eecr = (uint8_t)((e->eecr & EEPE) | (v & 0x38));
        else
            e->eecr = (uint8_t)((e->eecr & ~EERIE) | (v & EERIE));
        if ((v & EEMPE) && !(v & EEPE) && !busy)
            e->mpe_until = m->cpu.cycle + 5;
        if ((v & EEPE) && !busy && m->cpu.cycle < e->mpe_until) {
            unsigned mode = (e->eecr >> 4) & 3;
            uint16_t a = e->eear & (EMK_M328P_EEPROM_SIZE - 1);

            if (mode == 0)
                e->mem[a] = e->eedr;
            else if (mode == 1)
                e->mem[a] = 0xFF;
            else if (mode == 2)
                e->mem[a] &= e->eedr;
            e->writes++;
            e->eecr |= EEPE;
            e->mpe_until = 0;
            emk_avr_timer_arm(&m->cpu, &e->ev,
                              m->cpu.cycle + emk_m328p_us(m, mode == 0 ? 3400 : 1800));
        }
        if ((v & EERE) && !busy) {
            e->eedr = e->mem[e->eear & (EMK_M328P_EEPROM_SIZE - 1)];
            m->cpu.cycle += 4;
        }
        break;
    }
    case 1: e->eedr = v; break;
    case 2: if (!(e->eecr & EEPE)) e->eear = (uint16_t)((e->eear & 0x300) | v); break;
    default: if (!(e->eecr & EEPE)) e->eear = (uint16_t)((e->eear & 0xFF) | ((v & 3) << 8)); break;
    }
    eirq(e);
    return 0;
}

static const emk_region_ops e_ops = { .read = e_read, .write = e_write,
                                      .valid_sizes = EMK_SIZE_1 };

int emk_m328p_eeprom_init(emk_m328p *m)
{
    emk_m328p_eeprom *e = &m->eeprom;
    int r;

    emk_dev_init(&e->dev, "eeprom", &m->cpu.bus, NULL);
    e->mcu = m;
    if ((r = emk_m328p_region(m, &e->dev, &e->regs, "eeprom", &e_ops, e, 4, EECR)) < 0 ||
        (r = emk_avr_timer_add(&m->cpu, &e->ev, ee_done, e)) < 0)
        return r;
    return 0;
}

void emk_m328p_eeprom_reset(emk_m328p *m)
{
    emk_m328p_eeprom *e = &m->eeprom;

    e->eecr = 0;
    e->eedr = 0;
    e->eear = 0;
    e->mpe_until = 0;
}
