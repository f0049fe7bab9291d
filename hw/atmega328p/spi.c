/* spi.c - the SPI: SPCR (SPIE, SPE, DORD, MSTR, CPOL, CPHA, SPR1:0), SPSR
 * (SPIF, WCOL, SPI2X), SPDR.  As master, a write to SPDR shifts 8 bits at
 * clk/(4, 16, 64, 128; halved by SPI2X); at the end SPIF is set and SPDR
 * holds the byte the spi hook returned (0xFF, a floating MISO, without
 * one).  Writing SPDR during a transfer sets WCOL.  SPIF (and WCOL) clear
 * when SPSR was read with SPIF set and SPDR is then accessed, or when the
 * vector runs.  Slave mode receives nothing (no external master). */
#include "periph.h"

enum { SPCR = 0x4C, SPIE = 0x80, SPE = 0x40, MSTR = 0x10, SPIF = 0x80, WCOL = 0x40 };

static void sirq(emk_m328p_spi *s)
{
    emk_avr_irq(&s->mcu->cpu, EMK_M328P_VEC_SPI, (s->spsr & SPIF) && (s->spcr & SPIE));
}

static void spi_done(emk_avr *cpu, void *opaque, uint64_t now)
{
    emk_m328p_spi *s = opaque;
    emk_m328p *m = s->mcu;

    (void)cpu;
    (void)now;
    s->busy = 0;
    s->spdr = m->hooks.spi ? m->hooks.spi(m->hooks.opaque, s->out) : 0xFF;
    s->spsr |= SPIF;
    s->spif_seen = 0;
    sirq(s);
}

static void clear_if_seen(emk_m328p_spi *s)
{
    if (s->spif_seen) {
        s->spsr &= (uint8_t)~(SPIF | WCOL);
        s->spif_seen = 0;
        sirq(s);
    }
}

static int s_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_spi *s = opaque;

    (void)size;
    switch (off) {
    case 0: *v = s->spcr; break;
    case 1: *v = s->spsr; if (s->spsr & SPIF) s->spif_seen = 1; break;
    default: *v = s->spdr; clear_if_seen(s); break;
    }
    return 0;
}

static int s_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    emk_m328p_spi *s = opaque;
    uint8_t v = (uint8_t)val;
    static const uint8_t div[4] = { 4, 16, 64, 128 };

    (void)size;
    switch (off) {
    case 0: s->spcr = v; break;
    case 1: s->spsr = (uint8_t)((s->spsr & ~1u) | (v & 1)); break;
    default:
        clear_if_seen(s);
        if (s->busy) {
            s->spsr |= WCOL;
            break;
        }
        if ((s->spcr & (SPE | MSTR)) != (SPE | MSTR))
            break;
        s->out = v;
        s->busy = 1;
        emk_avr_timer_arm(&s->mcu->cpu, &s->ev, s->mcu->cpu.cycle +
                          8u * div[s->spcr & 3] / ((s->spsr & 1) ? 2u : 1u));
        break;
    }
    sirq(s);
    return 0;
}

static const emk_region_ops s_ops = { .read = s_read, .write = s_write,
                                      .valid_sizes = EMK_SIZE_1 };

static void s_ack(emk_avr *cpu, void *opaque, unsigned vec)
{
    emk_m328p_spi *s = opaque;

    (void)cpu;
    (void)vec;
    s->spsr &= (uint8_t)~SPIF;
    sirq(s);
}

int emk_m328p_spi_init(emk_m328p *m)
{
    emk_m328p_spi *s = &m->spi;
    int r;

    emk_dev_init(&s->dev, "spi", &m->cpu.bus, NULL);
    s->mcu = m;
    if ((r = emk_m328p_region(m, &s->dev, &s->regs, "spi", &s_ops, s, 3, SPCR)) < 0 ||
        (r = emk_avr_timer_add(&m->cpu, &s->ev, spi_done, s)) < 0)
        return r;
    emk_avr_set_ack(&m->cpu, EMK_M328P_VEC_SPI, s_ack, s);
    return 0;
}

void emk_m328p_spi_reset(emk_m328p *m)
{
    emk_m328p_spi *s = &m->spi;

    s->spcr = s->spsr = s->spdr = 0;
    s->busy = s->spif_seen = 0;
}
