/* clock.c - CLOCK (nRF51 RM v3.0, chapter 13): HFCLK and LFCLK start at
 * once (their oscillators need no time here), calibration and the
 * calibration timer finish at once.  The page also holds POWER and the
 * MPU (power.c); they share interrupt line 0. */
#include "mb_int.h"

enum {
    T_HFCLKSTART = 0x000, T_HFCLKSTOP = 0x004, T_LFCLKSTART = 0x008,
    T_LFCLKSTOP = 0x00C, T_CAL = 0x010, T_CTSTART = 0x014, T_CTSTOP = 0x018,
    E_HFCLKSTARTED = 0x100, E_LFCLKSTARTED = 0x104, E_DONE = 0x10C, E_CTTO = 0x110,
    HFCLKRUN = 0x408, HFCLKSTAT = 0x40C, LFCLKRUN = 0x414, LFCLKSTAT = 0x418,
    LFCLKSRCCOPY = 0x41C, LFCLKSRC = 0x518, CTIV = 0x538, XTALFREQ = 0x550,
    INT_HF = 1, INT_LF = 2, INT_DONE = 8, INT_CTTO = 16, INT_POFWARN = 4
};

static void clock_irq(mb_clock *c)
{
    uint32_t ev = (c->ev_hf ? INT_HF : 0) | (c->ev_lf ? INT_LF : 0) |
                  (c->ev_done ? INT_DONE : 0) | (c->ev_ctto ? INT_CTTO : 0) |
                  (c->ev_pofwarn ? INT_POFWARN : 0);

    mb_irq(&c->p, (ev & c->p.inten) != 0);
}

static int clock_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_clock *c = (mb_clock *)p;

    if (mb_inten_read(p, off, v))
        return 0;
    switch (off) {
    case E_HFCLKSTARTED: *v = c->ev_hf; return 0;
    case E_LFCLKSTARTED: *v = c->ev_lf; return 0;
    case E_DONE: *v = c->ev_done; return 0;
    case E_CTTO: *v = c->ev_ctto; return 0;
    case HFCLKRUN: *v = c->hfrun; return 0;
    /* SRC Xtal while started (RC otherwise), STATE running when started */
    case HFCLKSTAT: *v = c->hfrun ? 0x10001u : 0; return 0;
    case LFCLKRUN: *v = c->lfrun; return 0;
    case LFCLKSTAT: *v = c->lfrun ? (0x10000u | c->lfsrc_copy) : 0; return 0;
    case LFCLKSRCCOPY: *v = c->lfsrc_copy; return 0;
    case LFCLKSRC: *v = c->lfsrc; return 0;
    case CTIV: *v = c->ctiv; return 0;
    case XTALFREQ: *v = c->xtalfreq; return 0;
    default: return mb_power_read(c, off, v);
    }
}

static int clock_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    mb_clock *c = (mb_clock *)p;

    if (mb_inten_write(p, off, v)) {
        clock_irq(c);
        return 0;
    }
    switch (off) {
    case T_HFCLKSTART:
        if (v & 1) {
            c->hfrun = 1;
            mb_set_event(p, &c->ev_hf, E_HFCLKSTARTED);
        }
        break;
    case T_HFCLKSTOP: if (v & 1) c->hfrun = 0; break;
    case T_LFCLKSTART:
        if (v & 1) {
            c->lfrun = 1;
            c->lfsrc_copy = c->lfsrc;
            mb_set_event(p, &c->ev_lf, E_LFCLKSTARTED);
        }
        break;
    case T_LFCLKSTOP: if (v & 1) c->lfrun = 0; break;
    case T_CAL: if (v & 1) mb_set_event(p, &c->ev_done, E_DONE); break;
    case T_CTSTART: if (v & 1) mb_set_event(p, &c->ev_ctto, E_CTTO); break;
    case T_CTSTOP: break;
    case E_HFCLKSTARTED: c->ev_hf = v & 1; break;
    case E_LFCLKSTARTED: c->ev_lf = v & 1; break;
    case E_DONE: c->ev_done = v & 1; break;
    case E_CTTO: c->ev_ctto = v & 1; break;
    case LFCLKSRC: c->lfsrc = v & 3; break;
    case CTIV: c->ctiv = v & 0x7F; break;
    case XTALFREQ: c->xtalfreq = v & 0xFF; break;
    default: return mb_power_write(c, off, v);
    }
    clock_irq(c);
    return 0;
}

void mb_clock_init(mb_t *mb)
{
    mb_periph_init(mb, &mb->clock.p, "nrf51-clock-power", MB_ID_POWER, clock_rd,
                   clock_wr);
    mb->clock.resetreas = 0;
}

void mb_clock_reset(mb_t *mb)
{
    mb_clock *c = &mb->clock;
    uint32_t resetreas = c->resetreas, gpregret = c->gpregret;

    memset(&c->ev_hf, 0, sizeof(*c) - offsetof(mb_clock, ev_hf));
    c->p.inten = 0;
    c->xtalfreq = 0xFF;
    c->ramon = 0x3;
    c->ramonb = 0x3;
    c->resetreas = resetreas;   /* survives all but a power-on reset */
    c->gpregret = gpregret;
}
