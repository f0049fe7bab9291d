/* wdt.c - the watchdog: WDTCSR (WDIF, WDIE, WDP3:0, WDCE, WDE).  It times
 * out after 2048 x 2^WDP cycles of its 128 kHz oscillator (16 ms .. 8 s),
 * restarted by WDR.  WDE alone resets the MCU (MCUSR.WDRF); WDIE alone
 * raises the WDT vector; both: the first time-out interrupts (and the
 * vector clears WDIE), the next resets.  Clearing WDE or changing WDP
 * needs WDCE and WDE written first, then the new value within four
 * cycles; WDRF in MCUSR forces WDE on, as the datasheet says (so a
 * watchdog-reset program must clear WDRF before it can stop the dog). */
#include "periph.h"

enum { WDTCSR = 0x60, WDIF = 0x80, WDIE = 0x40, WDCE = 0x10, WDE = 0x08 };

static unsigned wdp(uint8_t v)
{
    return (v & 7) | ((v >> 2) & 8);
}

static void wirq(emk_m328p_wdt *w)
{
    emk_avr_irq(&w->mcu->cpu, EMK_M328P_VEC_WDT, (w->wdtcsr & WDIF) && (w->wdtcsr & WDIE));
}

static void arm(emk_m328p_wdt *w)
{
    emk_m328p *m = w->mcu;
    unsigned p = wdp(w->wdtcsr);
    uint64_t cyc;

    if (!(w->wdtcsr & (WDE | WDIE))) {
        emk_avr_timer_cancel(&m->cpu, &w->ev);
        return;
    }
    if (p > 9)
        p = 9;
    /* 2048 << p oscillator cycles at 128 kHz */
    cyc = (uint64_t)m->cpu.clock_hz * (2048ull << p) / 128000;
    emk_avr_timer_arm(&m->cpu, &w->ev, m->cpu.cycle + cyc);
}

static void timeout(emk_avr *cpu, void *opaque, uint64_t now)
{
    emk_m328p_wdt *w = opaque;

    (void)now;
    if (w->wdtcsr & WDIE) {
        w->wdtcsr |= WDIF;
        wirq(w);
        arm(w);
        return;
    }
    if (w->wdtcsr & WDE) {
        w->resets++;
        emk_m328p_reset(w->mcu, EMK_AVR_RESET_WATCHDOG);
        (void)cpu;
    }
}

void emk_m328p_wdt_kick(emk_m328p *m)
{
    arm(&m->wdt);
}

static int w_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_wdt *w = opaque;

    (void)off;
    (void)size;
    *v = w->wdtcsr & ~WDCE;
    if (w->mcu->cpu.cycle < w->wdce_until)
        *v |= WDCE;
    return 0;
}

static int w_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    emk_m328p_wdt *w = opaque;
    emk_m328p *m = w->mcu;
    uint8_t v = (uint8_t)val, old = w->wdtcsr;
    int timed = m->cpu.cycle < w->wdce_until;
    uint8_t keep;

    (void)off;
    (void)size;
    if (v & WDIF & emk_avr_write_mask(&m->cpu))
        old &= (uint8_t)~WDIF;
    if ((v & (WDCE | WDE)) == (WDCE | WDE)) {
        w->wdce_until = m->cpu.cycle + 5;
        w->wdtcsr = (uint8_t)((old & ~WDIE) | (v & WDIE) | WDE);
    } else if (timed) {
        w->wdtcsr = (uint8_t)((old & WDIF) | (v & (WDIE | WDE | 0x27)));
        w->wdce_until = 0;
    } else {
        /* without the timed sequence only WDIE can change and WDE be set */
        keep = (uint8_t)(old & (WDIF | WDE | 0x27));
        w->wdtcsr = (uint8_t)(keep | (v & (WDIE | WDE)));
    }
    if (m->cpu.data[EMK_AVR_MCUSR] & EMK_AVR_RESET_WATCHDOG)
        w->wdtcsr |= WDE;
    wirq(w);
    arm(w);
    return 0;
}

static const emk_region_ops w_ops = { .read = w_read, .write = w_write,
                                      .valid_sizes = EMK_SIZE_1 };

static void w_ack(emk_avr *cpu, void *opaque, unsigned vec)
{
    emk_m328p_wdt *w = opaque;

    (void)cpu;
    (void)vec;
    w->wdtcsr &= (uint8_t)~WDIF;
    if (w->wdtcsr & WDE)
        w->wdtcsr &= (uint8_t)~WDIE;     /* interrupt and reset mode */
    wirq(w);
}

int emk_m328p_wdt_init(emk_m328p *m)
{
    emk_m328p_wdt *w = &m->wdt;
    int r;

    emk_dev_init(&w->dev, "wdt", &m->cpu.bus, NULL);
    w->mcu = m;
    if ((r = emk_m328p_region(m, &w->dev, &w->regs, "wdt", &w_ops, w, 1, WDTCSR)) < 0 ||
        (r = emk_avr_timer_add(&m->cpu, &w->ev, timeout, w)) < 0)
        return r;
    emk_avr_set_ack(&m->cpu, EMK_M328P_VEC_WDT, w_ack, w);
    return 0;
}

void emk_m328p_wdt_reset(emk_m328p *m)
{
    emk_m328p_wdt *w = &m->wdt;

    w->wdce_until = 0;
    /* after a watchdog reset WDRF keeps the dog running at 16 ms */
    w->wdtcsr = (m->cpu.data[EMK_AVR_MCUSR] & EMK_AVR_RESET_WATCHDOG) ? WDE : 0;
    arm(w);
}
