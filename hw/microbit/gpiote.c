/* gpiote.c - GPIO tasks and events (nRF51 RM v3.0, chapter 15): four
 * channels in event mode (EVENTS_IN on a pin edge) or task mode (the
 * channel drives its pin: TASKS_OUT sets, clears or toggles it), and
 * EVENTS_PORT on a rising DETECT from the pins' SENSE settings. */
#include "mb_int.h"

enum {
    T_OUT0 = 0x000, E_IN0 = 0x100, E_PORT = 0x17C, CONFIG0 = 0x510,
    MODE_EVENT = 1, MODE_TASK = 3,
    POL_LOTOHI = 1, POL_HITOLO = 2, POL_TOGGLE = 3
};
#define INT_PORT 0x80000000u

static void gpiote_irq(mb_gpiote *g)
{
    uint32_t ev = (g->ev_port ? INT_PORT : 0);
    unsigned i;

    for (i = 0; i < 4; i++)
        if (g->ev_in[i])
            ev |= 1u << i;
    mb_irq(&g->p, (ev & g->p.inten) != 0);
}

void mb_gpiote_edges(mb_t *mb, uint32_t old_in, uint32_t new_in)
{
    mb_gpiote *g = &mb->gpiote;
    unsigned i;

    for (i = 0; i < 4; i++) {
        uint32_t c = g->config[i];
        unsigned pin = (c >> 8) & 31, pol = (c >> 16) & 3;
        int was = (int)(old_in >> pin & 1), now = (int)(new_in >> pin & 1);

        if ((c & 3) != MODE_EVENT || was == now)
            continue;
        if (pol == POL_TOGGLE || (pol == POL_LOTOHI && now) ||
            (pol == POL_HITOLO && !now))
            mb_set_event(&g->p, &g->ev_in[i], E_IN0 + 4 * i);
    }
    gpiote_irq(g);
}

void mb_gpiote_detect(mb_t *mb)
{
    mb_set_event(&mb->gpiote.p, &mb->gpiote.ev_port, E_PORT);
    gpiote_irq(&mb->gpiote);
}

static int gpiote_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_gpiote *g = (mb_gpiote *)p;

    if (mb_inten_read(p, off, v))
        return 0;
    if (off >= E_IN0 && off < E_IN0 + 16) {
        *v = g->ev_in[(off - E_IN0) / 4];
        return 0;
    }
    if (off == E_PORT) {
        *v = g->ev_port;
        return 0;
    }
    if (off >= CONFIG0 && off < CONFIG0 + 16) {
        *v = g->config[(off - CONFIG0) / 4];
        return 0;
    }
    if (off < T_OUT0 + 16) {
        *v = 0;
        return 0;
    }
    return mb_unknown(p, off, 0, v);
}

static int gpiote_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    mb_gpiote *g = (mb_gpiote *)p;

    if (mb_inten_write(p, off, v)) {
        gpiote_irq(g);
        return 0;
    }
    if (off < T_OUT0 + 16) {
        uint32_t *c = &g->config[off / 4];
        unsigned pol = (*c >> 16) & 3;

        if (!(v & 1) || (*c & 3) != MODE_TASK)
            return 0;
        /* OUTINIT (bit 20) holds the level the channel drives */
        if (pol == POL_LOTOHI)
            *c |= 1u << 20;
        else if (pol == POL_HITOLO)
            *c &= ~(1u << 20);
        else if (pol == POL_TOGGLE)
            *c ^= 1u << 20;
        mb_gpio_update(p->mb);
        return 0;
    }
    if (off >= E_IN0 && off < E_IN0 + 16) {
        g->ev_in[(off - E_IN0) / 4] = v & 1;
    } else if (off == E_PORT) {
        g->ev_port = v & 1;
    } else if (off >= CONFIG0 && off < CONFIG0 + 16) {
        g->config[(off - CONFIG0) / 4] = v & 0x131F03;
        mb_gpio_update(p->mb);
    } else {
        return mb_unknown(p, off, 1, &v);
    }
    gpiote_irq(g);
    return 0;
}

void mb_gpiote_init(mb_t *mb)
{
    mb_periph_init(mb, &mb->gpiote.p, "nrf51-gpiote", MB_ID_GPIOTE, gpiote_rd,
                   gpiote_wr);
}

void mb_gpiote_reset(mb_t *mb)
{
    mb_gpiote *g = &mb->gpiote;

    memset(g->config, 0, sizeof(g->config));
    memset(g->ev_in, 0, sizeof(g->ev_in));
    g->ev_port = 0;
    g->p.inten = 0;
}
