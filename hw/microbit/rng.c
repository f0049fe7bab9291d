/* rng.c - the random number generator (nRF51 RM v3.0, chapter 21): a new
 * VALUE every 167 us (the typical time with bias correction) while
 * started.  The numbers come from a fixed-seed xorshift, so runs repeat. */
#include "mb_int.h"

enum {
    T_START = 0x000, T_STOP = 0x004, E_VALRDY = 0x100, SHORTS = 0x200,
    CONFIG = 0x504, VALUE = 0x508, VALUE_CYCLES = 167 * 16
};

static void rng_irq(mb_rng *r)
{
    mb_irq(&r->p, r->ev_valrdy && (r->p.inten & 1));
}

static void rng_expire(mb_t *mb, void *opaque)
{
    mb_rng *r = opaque;

    r->state ^= r->state << 13;
    r->state ^= r->state >> 7;
    r->state ^= r->state << 17;
    r->value = (uint32_t)(r->state >> 24) & 0xFF;
    mb_set_event(&r->p, &r->ev_valrdy, E_VALRDY);
    if (r->shorts & 1)
        r->running = 0;
    rng_irq(r);
    if (r->running)
        mb_schedule(mb, MB_T_RNG, mb_now(mb) + VALUE_CYCLES);
}

static int rng_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_rng *r = (mb_rng *)p;

    if (mb_inten_read(p, off, v))
        return 0;
    switch (off) {
    case T_START: case T_STOP: *v = 0; return 0;
    case E_VALRDY: *v = r->ev_valrdy; return 0;
    case SHORTS: *v = r->shorts; return 0;
    case CONFIG: *v = r->config; return 0;
    case VALUE: *v = r->value; return 0;
    default: return mb_unknown(p, off, 0, v);
    }
}

static int rng_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    mb_rng *r = (mb_rng *)p;
    mb_t *mb = p->mb;

    if (mb_inten_write(p, off, v)) {
        rng_irq(r);
        return 0;
    }
    switch (off) {
    case T_START:
        if ((v & 1) && !r->running) {
            r->running = 1;
            mb_schedule(mb, MB_T_RNG, mb_now(mb) + VALUE_CYCLES);
        }
        return 0;
    case T_STOP:
        if (v & 1) {
            r->running = 0;
            mb_schedule(mb, MB_T_RNG, MB_NEVER);
        }
        return 0;
    case E_VALRDY: r->ev_valrdy = v & 1; rng_irq(r); return 0;
    case SHORTS: r->shorts = v & 1; return 0;
    case CONFIG: r->config = v & 1; return 0;
    default: return mb_unknown(p, off, 1, &v);
    }
}

void mb_rng_init(mb_t *mb)
{
    mb_periph_init(mb, &mb->rng.p, "nrf51-rng", MB_ID_RNG, rng_rd, rng_wr);
    mb_slot_init(mb, MB_T_RNG, rng_expire, &mb->rng);
}

void mb_rng_reset(mb_t *mb)
{
    mb_rng *r = &mb->rng;

    r->running = 0;
    r->ev_valrdy = r->shorts = r->config = r->value = 0;
    r->p.inten = 0;
    r->state = 0x9E3779B97F4A7C15ull;
}
