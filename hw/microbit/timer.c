/* timer.c - TIMER0-2 (nRF51 RM v3.0, chapter 18).  The counter is not
 * stepped: it is computed from the core's clock (16 MHz / 2^PRESCALER)
 * and the board schedules the next COMPARE match.  TIMER0 counts up to 32
 * bits, TIMER1 and TIMER2 up to 16; counter mode counts COUNT tasks. */
#include "mb_int.h"

enum {
    T_START = 0x000, T_STOP = 0x004, T_COUNT = 0x008, T_CLEAR = 0x00C,
    T_SHUTDOWN = 0x010, T_CAPTURE0 = 0x040, E_COMPARE0 = 0x140, SHORTS = 0x200,
    MODE = 0x504, BITMODE = 0x508, PRESCALER = 0x510, CC0 = 0x540
};

static uint64_t span(const mb_timer *t)
{
    static const unsigned bits[4] = { 16, 8, 24, 32 };
    unsigned b = bits[t->bitmode & 3];

    if (b > t->maxbits)
        b = t->maxbits;
    return (uint64_t)1 << b;
}

/* Counts the ticks up to `now` into count. */
static void rebase_to(mb_timer *t, uint64_t now)
{
    uint64_t ticks;

    if (!t->running || t->mode) {
        t->base = mb_now(t->p.mb);
        return;
    }
    ticks = (now - t->base) >> t->prescaler;
    t->count = (uint32_t)((t->count + ticks) & (span(t) - 1));
    t->base += ticks << t->prescaler;
}

static void rebase(mb_timer *t)
{
    rebase_to(t, mb_now(t->p.mb));
}

static void timer_irq(mb_timer *t)
{
    uint32_t ev = 0;
    unsigned i;

    for (i = 0; i < t->ncc; i++)
        if (t->ev_compare[i])
            ev |= 1u << (16 + i);
    mb_irq(&t->p, (ev & t->p.inten) != 0);
}

static void plan(mb_timer *t)
{
    uint64_t best = MB_NEVER, m = span(t) - 1;
    unsigned i;

    if (t->running && !t->mode)
        for (i = 0; i < t->ncc; i++) {
            uint64_t d = ((uint64_t)t->cc[i] - t->count) & m;

            if (d == 0)
                d = m + 1;
            if (d < best)
                best = d;
        }
    t->due = best == MB_NEVER ? MB_NEVER : t->base + (best << t->prescaler);
    mb_schedule(t->p.mb, t->slot, t->due);
}

/* The counter now equals cnt: events and shortcuts. */
static void match(mb_timer *t)
{
    unsigned i;
    int clear = 0;

    for (i = 0; i < t->ncc; i++)
        if ((t->cc[i] & (span(t) - 1)) == t->count) {
            mb_set_event(&t->p, &t->ev_compare[i], E_COMPARE0 + 4 * i);
            if (t->shorts >> i & 1)
                clear = 1;
            if (t->shorts >> (8 + i) & 1)
                t->running = 0;
        }
    if (clear)
        t->count = 0;
    timer_irq(t);
}

static void timer_expire(mb_t *mb, void *opaque)
{
    mb_timer *t = opaque;

    (void)mb;
    /* The board runs this a few cycles after the match (an instruction or
     * an exception entry may end past it): count to the match itself, so
     * it is never stepped over. */
    rebase_to(t, t->due);
    match(t);
    plan(t);
}

static int timer_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_timer *t = (mb_timer *)p;

    if (mb_inten_read(p, off, v))
        return 0;
    if (off >= E_COMPARE0 && off < E_COMPARE0 + 4 * t->ncc) {
        *v = t->ev_compare[(off - E_COMPARE0) / 4];
        return 0;
    }
    if (off >= CC0 && off < CC0 + 4 * t->ncc) {
        *v = t->cc[(off - CC0) / 4];
        return 0;
    }
    switch (off) {
    case SHORTS: *v = t->shorts; return 0;
    case MODE: *v = t->mode; return 0;
    case BITMODE: *v = t->bitmode; return 0;
    case PRESCALER: *v = t->prescaler; return 0;
    default:
        if (off < 0x100) {
            *v = 0;
            return 0;
        }
        return mb_unknown(p, off, 0, v);
    }
}

static int timer_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    mb_timer *t = (mb_timer *)p;

    if (mb_inten_write(p, off, v)) {
        timer_irq(t);
        return 0;
    }
    rebase(t);
    if (off >= T_CAPTURE0 && off < T_CAPTURE0 + 4 * t->ncc) {
        if (v & 1)
            t->cc[(off - T_CAPTURE0) / 4] = t->count;
    } else if (off >= E_COMPARE0 && off < E_COMPARE0 + 4 * t->ncc) {
        t->ev_compare[(off - E_COMPARE0) / 4] = v & 1;
        timer_irq(t);
    } else if (off >= CC0 && off < CC0 + 4 * t->ncc) {
        t->cc[(off - CC0) / 4] = v;
    } else {
        switch (off) {
        case T_START: if (v & 1) t->running = 1; break;
        case T_STOP: case T_SHUTDOWN: if (v & 1) t->running = 0; break;
        case T_COUNT:
            if ((v & 1) && t->mode && t->running) {
                t->count = (uint32_t)((t->count + 1) & (span(t) - 1));
                match(t);
            }
            break;
        case T_CLEAR: if (v & 1) t->count = 0; break;
        case SHORTS: t->shorts = v & 0xF0F; break;
        case MODE: t->mode = v & 1; break;
        case BITMODE: t->bitmode = v & 3; t->count &= (uint32_t)(span(t) - 1); break;
        case PRESCALER: t->prescaler = (v & 0xF) > 9 ? 9 : v & 0xF; break;
        default:
            if (off < 0x100)
                break;
            return mb_unknown(p, off, 1, &v);
        }
    }
    plan(t);
    return 0;
}

void mb_timer_init(mb_t *mb)
{
    static const char *const names[3] = { "nrf51-timer0", "nrf51-timer1",
                                          "nrf51-timer2" };
    unsigned i;

    for (i = 0; i < 3; i++) {
        mb_timer *t = &mb->timer[i];

        mb_periph_init(mb, &t->p, names[i], MB_ID_TIMER0 + i, timer_rd, timer_wr);
        t->slot = MB_T_TIMER0 + i;
        t->ncc = 4;
        t->maxbits = i == 0 ? 32 : 16;
        mb_slot_init(mb, t->slot, timer_expire, t);
    }
}

void mb_timer_reset(mb_t *mb)
{
    unsigned i;

    for (i = 0; i < 3; i++) {
        mb_timer *t = &mb->timer[i];

        t->running = 0;
        t->mode = t->bitmode = t->shorts = t->count = 0;
        t->prescaler = 4;
        memset(t->cc, 0, sizeof(t->cc));
        memset(t->ev_compare, 0, sizeof(t->ev_compare));
        t->p.inten = 0;
        t->base = mb_now(mb);
    }
}
