/* radio.c - RADIO as a stub that answers without transmitting (nRF51 RM
 * v3.0, chapter 17): TXEN and RXEN ramp up at once (READY), START on the
 * transmitter sends nothing but raises ADDRESS, PAYLOAD and END, START
 * on the receiver waits for ever (no packet comes), DISABLE raises
 * DISABLED.  The READY_START and END_DISABLE shortcuts are honoured; the
 * other registers keep what is written. */
#include "mb_int.h"

enum {
    T_TXEN = 0x000, T_RXEN = 0x004, T_START = 0x008, T_STOP = 0x00C,
    T_DISABLE = 0x010,
    E_READY = 0x100, E_ADDRESS = 0x104, E_PAYLOAD = 0x108, E_END = 0x10C,
    E_DISABLED = 0x110, SHORTS = 0x200, CRCSTATUS = 0x400, STATE = 0x550,
    S_DISABLED = 0, S_RXIDLE = 2, S_RX = 3, S_TXIDLE = 10,
    SH_READY_START = 1, SH_END_DISABLE = 2
};

static uint32_t *reg(mb_radio *r, uint32_t off)
{
    return &r->reg[off / 4];
}

static void radio_irq(mb_radio *r)
{
    uint32_t ev = 0;
    unsigned i;

    for (i = 0; i < 5; i++)
        if (*reg(r, E_READY + 4 * i))
            ev |= 1u << i;
    mb_irq(&r->p, (ev & r->p.inten) != 0);
}

static void ev(mb_radio *r, uint32_t off)
{
    mb_set_event(&r->p, reg(r, off), off);
}

static void start(mb_radio *r)
{
    if (r->state == S_TXIDLE) {
        ev(r, E_ADDRESS);
        ev(r, E_PAYLOAD);
        ev(r, E_END);
        if (*reg(r, SHORTS) & SH_END_DISABLE) {
            r->state = S_DISABLED;
            ev(r, E_DISABLED);
        }
    } else if (r->state == S_RXIDLE) {
        r->state = S_RX;
    }
}

static int radio_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_radio *r = (mb_radio *)p;

    if (mb_inten_read(p, off, v))
        return 0;
    if (off == STATE)
        *v = r->state;
    else if (off == CRCSTATUS)
        *v = 0;
    else if (off < 0x100)
        *v = 0;
    else
        *v = *reg(r, off);
    return 0;
}

static int radio_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    mb_radio *r = (mb_radio *)p;

    if (mb_inten_write(p, off, v)) {
        radio_irq(r);
        return 0;
    }
    if (off < 0x100) {
        if (!(v & 1))
            return 0;
        switch (off) {
        case T_TXEN: case T_RXEN:
            r->state = off == T_TXEN ? S_TXIDLE : S_RXIDLE;
            ev(r, E_READY);
            if (*reg(r, SHORTS) & SH_READY_START)
                start(r);
            break;
        case T_START: start(r); break;
        case T_STOP:
            if (r->state == S_RX)
                r->state = S_RXIDLE;
            break;
        case T_DISABLE:
            r->state = S_DISABLED;
            ev(r, E_DISABLED);
            break;
        default:
            break;
        }
    } else if (off >= E_READY && off <= E_DISABLED) {
        *reg(r, off) = v & 1;
    } else if (off != STATE) {
        *reg(r, off) = v;
    }
    radio_irq(r);
    return 0;
}

void mb_radio_init(mb_t *mb)
{
    mb_periph_init(mb, &mb->radio.p, "nrf51-radio", MB_ID_RADIO, radio_rd, radio_wr);
}

void mb_radio_reset(mb_t *mb)
{
    memset(mb->radio.reg, 0, sizeof(mb->radio.reg));
    mb->radio.state = S_DISABLED;
    mb->radio.p.inten = 0;
}
