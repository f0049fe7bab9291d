/* rtc.c - RTC0 and RTC1 (nRF51 RM v3.0, chapter 19): a 24-bit counter on
 * the 32.768 kHz LFCLK divided by PRESCALER + 1, with TICK, OVRFLW and
 * four COMPARE events.  An event is generated only when its EVTEN or
 * INTEN bit is set (RM 19.6).  The counter is computed from the core's
 * clock; the next event is scheduled. */
#include "mb_int.h"

enum {
    T_START = 0x000, T_STOP = 0x004, T_CLEAR = 0x008, T_TRIGOVRFLW = 0x00C,
    E_TICK = 0x100, E_OVRFLW = 0x104, E_COMPARE0 = 0x140,
    EVTEN = 0x340, EVTENSET = 0x344, EVTENCLR = 0x348,
    COUNTER = 0x504, PRESCALER = 0x508, CC0 = 0x540,
    B_TICK = 1, B_OVRFLW = 2, MASK = 0xFFFFFF
};

static uint32_t wanted(const mb_rtc *r)
{
    return r->evten | r->p.inten;
}

static void rebase_lf(mb_rtc *r, uint64_t lf)
{
    uint64_t incs;

    if (!r->running) {
        r->base_lf = lf;
        return;
    }
    incs = (lf - r->base_lf) / (r->prescaler + 1);
    r->counter = (uint32_t)((r->counter + incs) & MASK);
    r->base_lf += incs * (r->prescaler + 1);
}

static void rebase(mb_rtc *r)
{
    rebase_lf(r, mb_lf_at(mb_now(r->p.mb)));
}

static void rtc_irq(mb_rtc *r)
{
    uint32_t ev = (r->ev_tick ? B_TICK : 0) | (r->ev_ovrflw ? B_OVRFLW : 0);
    unsigned i;

    for (i = 0; i < 4; i++)
        if (r->ev_compare[i])
            ev |= 1u << (16 + i);
    mb_irq(&r->p, (ev & r->p.inten) != 0);
}

static void plan(mb_rtc *r)
{
    uint64_t best = MB_NEVER;
    uint32_t w = wanted(r);
    unsigned i;

    if (r->running) {
        if (w & B_TICK)
            best = 1;
        if ((w & B_OVRFLW) && (uint64_t)(MASK + 1 - r->counter) < best)
            best = MASK + 1 - r->counter;
        for (i = 0; i < 4; i++)
            if (w >> (16 + i) & 1) {
                uint64_t d = (r->cc[i] - r->counter) & MASK;

                if (d == 0)
                    d = MASK + 1;
                if (d < best)
                    best = d;
            }
    }
    r->due_lf = best == MB_NEVER ? MB_NEVER : r->base_lf + best * (r->prescaler + 1);
    mb_schedule(r->p.mb, r->slot, best == MB_NEVER ? MB_NEVER : mb_lf_cycle(r->due_lf));
}

static void rtc_expire(mb_t *mb, void *opaque)
{
    mb_rtc *r = opaque;
    uint32_t before = r->counter, w = wanted(r);
    unsigned i;

    (void)mb;
    rebase_lf(r, r->due_lf);    /* the event's own tick, never past it */
    if (r->counter != before) {
        if (w & B_TICK)
            mb_set_event(&r->p, &r->ev_tick, E_TICK);
        if ((w & B_OVRFLW) && r->counter < before)
            mb_set_event(&r->p, &r->ev_ovrflw, E_OVRFLW);
        for (i = 0; i < 4; i++)
            if ((w >> (16 + i) & 1) && (r->cc[i] & MASK) == r->counter)
                mb_set_event(&r->p, &r->ev_compare[i], E_COMPARE0 + 4 * i);
    }
    rtc_irq(r);
    plan(r);
}

static int rtc_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_rtc *r = (mb_rtc *)p;

    if (mb_inten_read(p, off, v))
        return 0;
    if (off >= E_COMPARE0 && off < E_COMPARE0 + 16) {
        *v = r->ev_compare[(off - E_COMPARE0) / 4];
        return 0;
    }
    if (off >= CC0 && off < CC0 + 16) {
        *v = r->cc[(off - CC0) / 4];
        return 0;
    }
    switch (off) {
    case E_TICK: *v = r->ev_tick; return 0;
    case E_OVRFLW: *v = r->ev_ovrflw; return 0;
    case EVTEN: case EVTENSET: case EVTENCLR: *v = r->evten; return 0;
    case COUNTER: rebase(r); *v = r->counter; return 0;
    case PRESCALER: *v = r->prescaler; return 0;
    default:
        if (off < 0x100) {
            *v = 0;
            return 0;
        }
        return mb_unknown(p, off, 0, v);
    }
}

static int rtc_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    mb_rtc *r = (mb_rtc *)p;

    rebase(r);
    if (mb_inten_write(p, off, v)) {
        rtc_irq(r);
    } else if (off >= E_COMPARE0 && off < E_COMPARE0 + 16) {
        r->ev_compare[(off - E_COMPARE0) / 4] = v & 1;
        rtc_irq(r);
    } else if (off >= CC0 && off < CC0 + 16) {
        r->cc[(off - CC0) / 4] = v & MASK;
    } else {
        switch (off) {
        case T_START: if (v & 1) r->running = 1; break;
        case T_STOP: if (v & 1) r->running = 0; break;
        case T_CLEAR: if (v & 1) r->counter = 0; break;
        case T_TRIGOVRFLW: if (v & 1) r->counter = 0xFFFFF0; break;
        case E_TICK: r->ev_tick = v & 1; rtc_irq(r); break;
        case E_OVRFLW: r->ev_ovrflw = v & 1; rtc_irq(r); break;
        case EVTEN: r->evten = v & 0xF0003; break;
        case EVTENSET: r->evten |= v & 0xF0003; break;
        case EVTENCLR: r->evten &= ~v; break;
        case PRESCALER:
            /* writable only while stopped (RM 19.3) */
            if (!r->running)
                r->prescaler = v & 0xFFF;
            break;
        default:
            if (off < 0x100)
                break;
            return mb_unknown(p, off, 1, &v);
        }
    }
    plan(r);
    return 0;
}

void mb_rtc_init(mb_t *mb)
{
    unsigned i;

    for (i = 0; i < 2; i++) {
        mb_rtc *r = &mb->rtc[i];

        mb_periph_init(mb, &r->p, i ? "nrf51-rtc1" : "nrf51-rtc0",
                       i ? MB_ID_RTC1 : MB_ID_RTC0, rtc_rd, rtc_wr);
        r->slot = MB_T_RTC0 + i;
        mb_slot_init(mb, r->slot, rtc_expire, r);
    }
}

void mb_rtc_reset(mb_t *mb)
{
    unsigned i;

    for (i = 0; i < 2; i++) {
        mb_rtc *r = &mb->rtc[i];

        r->running = 0;
        r->prescaler = r->evten = r->counter = 0;
        r->ev_tick = r->ev_ovrflw = 0;
        memset(r->cc, 0, sizeof(r->cc));
        memset(r->ev_compare, 0, sizeof(r->ev_compare));
        r->p.inten = 0;
        r->base_lf = mb_lf_at(mb_now(mb));
    }
}
