/* wdt.c - the watchdog (nRF51 RM v3.0, chapter 25): once started it
 * counts CRV + 1 LFCLK ticks; a write of 0x6E524635 to every enabled RR
 * register restarts the count; at the end TIMEOUT rises and the chip
 * resets (RESETREAS.DOG).  It cannot be stopped. */
#include "mb_int.h"

enum {
    T_START = 0x000, E_TIMEOUT = 0x100, RUNSTATUS = 0x400, REQSTATUS = 0x404,
    CRV = 0x504, RREN = 0x508, CONFIG = 0x50C, RR0 = 0x600,
    RELOAD = 0x6E524635
};

static void plan(mb_wdt *w)
{
    mb_schedule(w->p.mb, MB_T_WDT, w->running ?
                mb_lf_cycle(w->start_lf + (uint64_t)w->crv + 1) : MB_NEVER);
}

static void wdt_expire(mb_t *mb, void *opaque)
{
    mb_wdt *w = opaque;

    mb_set_event(&w->p, &w->ev_timeout, E_TIMEOUT);
    mb_irq(&w->p, (int)(w->p.inten & 1));
    mb->clock.resetreas |= 2;           /* DOG */
    mb->cpu.resetreq = 1;
    mb->cpu.attn = 1;
}

static int wdt_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_wdt *w = (mb_wdt *)p;

    if (mb_inten_read(p, off, v))
        return 0;
    switch (off) {
    case T_START: *v = 0; return 0;
    case E_TIMEOUT: *v = w->ev_timeout; return 0;
    case RUNSTATUS: *v = (uint32_t)w->running; return 0;
    case REQSTATUS: *v = w->reqstatus; return 0;
    case CRV: *v = w->crv; return 0;
    case RREN: *v = w->rren; return 0;
    case CONFIG: *v = w->config; return 0;
    default:
        if (off >= RR0 && off < RR0 + 32) {
            *v = 0;
            return 0;
        }
        return mb_unknown(p, off, 0, v);
    }
}

static int wdt_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    mb_wdt *w = (mb_wdt *)p;

    if (mb_inten_write(p, off, v))
        return 0;
    if (off >= RR0 && off < RR0 + 32) {
        unsigned i = (off - RR0) / 4;

        if (v == RELOAD && (w->rren >> i & 1)) {
            w->reqstatus &= ~(1u << i);
            if (!(w->reqstatus & w->rren)) {
                w->reqstatus = w->rren;
                w->start_lf = mb_lf_at(mb_now(p->mb));
                plan(w);
            }
        }
        return 0;
    }
    switch (off) {
    case T_START:
        if ((v & 1) && !w->running) {
            w->running = 1;
            w->reqstatus = w->rren;
            w->start_lf = mb_lf_at(mb_now(p->mb));
            plan(w);
        }
        return 0;
    case E_TIMEOUT: w->ev_timeout = v & 1; return 0;
    /* CRV, RREN and CONFIG are locked while running (RM 25.2) */
    case CRV: if (!w->running) w->crv = v < 0xF ? 0xF : v; return 0;
    case RREN: if (!w->running) w->rren = v & 0xFF; return 0;
    case CONFIG: if (!w->running) w->config = v & 9; return 0;
    default: return mb_unknown(p, off, 1, &v);
    }
}

void mb_wdt_init(mb_t *mb)
{
    mb_periph_init(mb, &mb->wdt.p, "nrf51-wdt", MB_ID_WDT, wdt_rd, wdt_wr);
    mb_slot_init(mb, MB_T_WDT, wdt_expire, &mb->wdt);
}

void mb_wdt_reset(mb_t *mb)
{
    mb_wdt *w = &mb->wdt;

    w->running = 0;
    w->ev_timeout = 0;
    w->crv = 0xFFFFFFFFu;
    w->rren = 1;
    w->config = 1;
    w->reqstatus = 1;
    w->p.inten = 0;
}
