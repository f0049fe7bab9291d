/* temp.c - the die temperature sensor (nRF51 RM v3.0, chapter 26): START
 * measures for 36 us, then TEMP holds the temperature in 0.25 degree
 * steps and DATARDY rises. */
#include "mb_int.h"

enum {
    T_START = 0x000, T_STOP = 0x004, E_DATARDY = 0x100, TEMP = 0x508,
    MEASURE_CYCLES = 36 * 16
};

static void temp_irq(mb_temp *t)
{
    mb_irq(&t->p, t->ev_datardy && (t->p.inten & 1));
}

static void temp_expire(mb_t *mb, void *opaque)
{
    mb_temp *t = opaque;

    (void)mb;
    t->temp = t->celsius * 4;
    mb_set_event(&t->p, &t->ev_datardy, E_DATARDY);
    temp_irq(t);
}

static int temp_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_temp *t = (mb_temp *)p;

    if (mb_inten_read(p, off, v))
        return 0;
    switch (off) {
    case T_START: case T_STOP: *v = 0; return 0;
    case E_DATARDY: *v = t->ev_datardy; return 0;
    case TEMP: *v = (uint32_t)t->temp; return 0;
    default: return mb_unknown(p, off, 0, v);
    }
}

static int temp_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    mb_temp *t = (mb_temp *)p;
    mb_t *mb = p->mb;

    if (mb_inten_write(p, off, v)) {
        temp_irq(t);
        return 0;
    }
    switch (off) {
    case T_START:
        if (v & 1)
            mb_schedule(mb, MB_T_TEMP, mb_now(mb) + MEASURE_CYCLES);
        return 0;
    case T_STOP:
        if (v & 1)
            mb_schedule(mb, MB_T_TEMP, MB_NEVER);
        return 0;
    case E_DATARDY: t->ev_datardy = v & 1; temp_irq(t); return 0;
    default: return mb_unknown(p, off, 1, &v);
    }
}

void mb_temp_init(mb_t *mb)
{
    mb_periph_init(mb, &mb->temp.p, "nrf51-temp", MB_ID_TEMP, temp_rd, temp_wr);
    mb_slot_init(mb, MB_T_TEMP, temp_expire, &mb->temp);
}

void mb_temp_reset(mb_t *mb)
{
    mb->temp.ev_datardy = 0;
    mb->temp.temp = 0;
    mb->temp.p.inten = 0;
}

void emk_microbit_temperature(emk_microbit *mb, int celsius)
{
    mb->temp.celsius = celsius;
}
