/* sleep.c - the sleep controller: SMCR (SM2:0, SE) and PRR.  The core's
 * SLEEP halts it when SE is set; an enabled interrupt wakes it (4 extra
 * cycles).  Idle and ADC noise reduction keep every clock running;
 * power-down, power-save, standby and extended standby stop clk_IO, so
 * TIMER0 and TIMER1 stop counting (TIMER2 too except in power-save and
 * extended standby, where its asynchronous clock would run) until the
 * wake-up.  The watchdog and the external interrupts wake any mode.
 * sleep.slept_cycles counts the cycles spent asleep (real-time pacing
 * idles through them). */
#include "periph.h"

enum { SMCR = 0x53, PRR = 0x64 };
enum { IDLE = 0, ADCNR = 1, PDOWN = 2, PSAVE = 3, STANDBY = 6, XSTANDBY = 7 };

static int sm_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_sleep *s = opaque;

    (void)off;
    (void)size;
    *v = s->mcu->cpu.data[SMCR];
    return 0;
}

static int sm_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    emk_m328p_sleep *s = opaque;

    (void)off;
    (void)size;
    s->mcu->cpu.data[SMCR] = (uint8_t)(v & 0x0F);   /* the core's SLEEP reads it */
    return 0;
}

static int prr_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_sleep *s = opaque;

    (void)off;
    (void)size;
    *v = s->prr_val;
    return 0;
}

static int prr_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    emk_m328p_sleep *s = opaque;

    (void)off;
    (void)size;
    s->prr_val = (uint8_t)(v & 0xEF);
    return 0;
}

static const emk_region_ops sm_ops = { .read = sm_read, .write = sm_write,
                                       .valid_sizes = EMK_SIZE_1 };
static const emk_region_ops prr_ops = { .read = prr_read, .write = prr_write,
                                        .valid_sizes = EMK_SIZE_1 };

static void gate(emk_m328p *m, int stop)
{
    unsigned mode = m->sleep.mode;

    emk_m328p_timer_freeze(&m->timer[0], stop);
    emk_m328p_timer_freeze(&m->timer[1], stop);
    if (mode != PSAVE && mode != XSTANDBY)
        emk_m328p_timer_freeze(&m->timer[2], stop);
}

void emk_m328p_sleep_enter(emk_m328p *m)
{
    emk_m328p_sleep *s = &m->sleep;

    s->mode = (m->cpu.data[SMCR] >> 1) & 7;
    s->sleeps++;
    s->since = m->cpu.cycle;
    if (s->mode != IDLE && s->mode != ADCNR)
        gate(m, 1);
}

void emk_m328p_sleep_wake(emk_m328p *m)
{
    emk_m328p_sleep *s = &m->sleep;

    s->slept_cycles += m->cpu.cycle - s->since;
    if (s->mode != IDLE && s->mode != ADCNR)
        gate(m, 0);
}

int emk_m328p_sleep_init(emk_m328p *m)
{
    emk_m328p_sleep *s = &m->sleep;
    int r;

    emk_dev_init(&s->dev, "sleep", &m->cpu.bus, NULL);
    s->mcu = m;
    if ((r = emk_m328p_region(m, &s->dev, &s->smcr, "smcr", &sm_ops, s, 1, SMCR)) < 0 ||
        (r = emk_m328p_region(m, &s->dev, &s->prr, "prr", &prr_ops, s, 1, PRR)) < 0)
        return r;
    return 0;
}

void emk_m328p_sleep_reset(emk_m328p *m)
{
    m->sleep.prr_val = 0;
    m->sleep.mode = 0;
}
