/* adc.c - the 10-bit successive-approximation ADC (nRF51 RM v3.0, chapter
 * 31): START converts the one AIN selected by CONFIG.PSEL in 20, 36 or
 * 68 us (8, 9, 10 bits) and END rises.  The inputs are set from outside
 * as a fraction of the reference (emk_microbit_analog). */
#include "mb_int.h"

enum {
    T_START = 0x000, T_STOP = 0x004, E_END = 0x100, BUSY = 0x400,
    ENABLE = 0x500, CONFIG = 0x504, RESULT = 0x508
};

static void adc_irq(mb_adc *a)
{
    mb_irq(&a->p, a->ev_end && (a->p.inten & 1));
}

static void adc_expire(mb_t *mb, void *opaque)
{
    mb_adc *a = opaque;
    unsigned res = a->config & 3, psel = (a->config >> 8) & 0xFF, i, v = 0;

    (void)mb;
    for (i = 0; i < 8; i++)
        if (psel >> i & 1) {
            v = a->ain[i];
            break;
        }
    a->result = v >> (2 - (res > 2 ? 2 : res));
    a->busy = 0;
    mb_set_event(&a->p, &a->ev_end, E_END);
    adc_irq(a);
}

static int adc_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_adc *a = (mb_adc *)p;

    if (mb_inten_read(p, off, v))
        return 0;
    switch (off) {
    case T_START: case T_STOP: *v = 0; return 0;
    case E_END: *v = a->ev_end; return 0;
    case BUSY: *v = (uint32_t)a->busy; return 0;
    case ENABLE: *v = a->enable; return 0;
    case CONFIG: *v = a->config; return 0;
    case RESULT: *v = a->result; return 0;
    default: return mb_unknown(p, off, 0, v);
    }
}

static int adc_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    static const unsigned us[4] = { 20, 36, 68, 68 };
    mb_adc *a = (mb_adc *)p;
    mb_t *mb = p->mb;

    if (mb_inten_write(p, off, v)) {
        adc_irq(a);
        return 0;
    }
    switch (off) {
    case T_START:
        if ((v & 1) && a->enable && !a->busy) {
            a->busy = 1;
            mb_schedule(mb, MB_T_ADC, mb_now(mb) + us[a->config & 3] * 16u);
        }
        return 0;
    case T_STOP:
        if (v & 1) {
            a->busy = 0;
            mb_schedule(mb, MB_T_ADC, MB_NEVER);
        }
        return 0;
    case E_END: a->ev_end = v & 1; adc_irq(a); return 0;
    case ENABLE: a->enable = v & 3; return 0;
    case CONFIG: a->config = v & 0x3FF7F; return 0;
    default: return mb_unknown(p, off, 1, &v);
    }
}

void mb_adc_init(mb_t *mb)
{
    mb_periph_init(mb, &mb->adc.p, "nrf51-adc", MB_ID_ADC, adc_rd, adc_wr);
    mb_slot_init(mb, MB_T_ADC, adc_expire, &mb->adc);
}

void mb_adc_reset(mb_t *mb)
{
    mb_adc *a = &mb->adc;

    a->ev_end = a->enable = a->result = 0;
    a->config = 0x18;
    a->busy = 0;
    a->p.inten = 0;
}

int emk_microbit_analog(emk_microbit *mb, unsigned ain, unsigned value)
{
    if (ain >= 8)
        return -EINVAL;
    mb->adc.ain[ain] = (uint16_t)(value > 1023 ? 1023 : value);
    return 0;
}
