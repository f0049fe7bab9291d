/* twi.c - TWI0, the I2C master (nRF51 RM v3.0, chapter 28), with the
 * micro:bit's two slaves on it (sensors.c).  A transfer takes no time:
 * each byte's event (TXDSENT, RXDREADY, BB) is raised when the byte is
 * written or asked for, then the BB shortcuts suspend or stop the bus.
 * An address nobody answers gives ERROR with ERRORSRC.ANACK (and no
 * TXDSENT: drivers time out waiting for it, as on the silicon). */
#include "mb_int.h"
#include "trace_int.h"

static emk_trace_event ev_twi = EMK_TRACE_EVENT_INIT("microbit_twi");

enum {
    T_STARTRX = 0x000, T_STARTTX = 0x008, T_STOP = 0x014, T_SUSPEND = 0x01C,
    T_RESUME = 0x020,
    E_STOPPED = 0x104, E_RXDREADY = 0x108, E_TXDSENT = 0x11C, E_ERROR = 0x124,
    E_BB = 0x138, E_SUSPENDED = 0x148,
    SHORTS = 0x200, ERRORSRC = 0x4C4, ENABLE = 0x500, PSELSCL = 0x508,
    PSELSDA = 0x50C, RXD = 0x518, TXD = 0x51C, FREQUENCY = 0x524, ADDRESS = 0x588,
    SH_BB_SUSPEND = 1, SH_BB_STOP = 2, ERR_ANACK = 2,
    ST_IDLE = 0, ST_TX = 1, ST_RX = 2
};

static void twi_irq(mb_twi *t)
{
    uint32_t ev = (t->ev_stopped ? 2u : 0) | (t->ev_rxdready ? 4u : 0) |
                  (t->ev_txdsent ? 0x80u : 0) | (t->ev_error ? 0x200u : 0) |
                  (t->ev_bb ? 0x4000u : 0) | (t->ev_suspended ? 0x40000u : 0);

    mb_irq(&t->p, (ev & t->p.inten) != 0);
}

static mb_i2c_slave *lookup(mb_t *mb, uint32_t addr)
{
    if (addr == mb->accel.addr)
        return &mb->accel;
    if (addr == mb->magnet.addr)
        return &mb->magnet;
    return NULL;
}

static void stop(mb_twi *t)
{
    t->state = ST_IDLE;
    t->suspended = 0;
    t->cur = NULL;
    mb_set_event(&t->p, &t->ev_stopped, E_STOPPED);
}

/* Reception, as the nRF51 RM (28.5) describes it: the BB event comes at
 * the byte boundary before each byte; the BB_SUSPEND shortcut suspends
 * the bus there (RESUME clocks the byte), BB_STOP makes the byte after it
 * the last.  Returns 1 if the bus is still receiving. */
static int boundary(mb_twi *t)
{
    mb_set_event(&t->p, &t->ev_bb, E_BB);
    if (t->shorts & SH_BB_SUSPEND) {
        t->suspended = 1;
        mb_set_event(&t->p, &t->ev_suspended, E_SUSPENDED);
        return 0;
    }
    return 1;
}

/* Clocks one byte in from the slave; the next one waits until RXD is
 * read (the master holds SCL low meanwhile). */
static void clock_in(mb_twi *t)
{
    t->rxd = mb_sensor_read(t->p.mb, t->cur);
    mb_set_event(&t->p, &t->ev_rxdready, E_RXDREADY);
    if (t->shorts & SH_BB_STOP) {
        stop(t);
        return;
    }
    t->rx_next = boundary(t);
}

static int start(mb_twi *t, int state)
{
    t->cur = lookup(t->p.mb, t->address & 0x7F);
    EMK_TRACE(ev_twi, "start %s addr=0x%02x %s", state == ST_RX ? "rx" : "tx",
              (unsigned)(t->address & 0x7F), t->cur ? "ack" : "nack");
    if (!t->cur) {
        t->errorsrc |= ERR_ANACK;
        mb_set_event(&t->p, &t->ev_error, E_ERROR);
        t->state = ST_IDLE;
        return -1;
    }
    if (state == ST_TX)
        t->cur->got_ptr = 0;
    t->state = state;
    t->suspended = 0;
    t->rx_next = 0;
    return 0;
}

static int twi_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_twi *t = (mb_twi *)p;

    if (mb_inten_read(p, off, v))
        return 0;
    switch (off) {
    case E_STOPPED: *v = t->ev_stopped; return 0;
    case E_RXDREADY: *v = t->ev_rxdready; return 0;
    case E_TXDSENT: *v = t->ev_txdsent; return 0;
    case E_ERROR: *v = t->ev_error; return 0;
    case E_BB: *v = t->ev_bb; return 0;
    case E_SUSPENDED: *v = t->ev_suspended; return 0;
    case SHORTS: *v = t->shorts; return 0;
    case ERRORSRC: *v = t->errorsrc; return 0;
    case ENABLE: *v = t->enable; return 0;
    case PSELSCL: *v = t->pselscl; return 0;
    case PSELSDA: *v = t->pselsda; return 0;
    case RXD:
        *v = t->rxd;
        /* Without shortcuts the master keeps clocking bytes in. */
        if (t->state == ST_RX && !t->suspended && t->rx_next && t->cur) {
            t->rx_next = 0;
            clock_in(t);
        }
        twi_irq(t);
        return 0;
    case TXD: *v = 0; return 0;
    case FREQUENCY: *v = t->freq; return 0;
    case ADDRESS: *v = t->address; return 0;
    default:
        if (off < 0x100) {
            *v = 0;
            return 0;
        }
        return mb_unknown(p, off, 0, v);
    }
}

static int twi_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    mb_twi *t = (mb_twi *)p;
    int on = t->enable == 5;

    if (mb_inten_write(p, off, v)) {
        twi_irq(t);
        return 0;
    }
    switch (off) {
    case T_STARTRX:
        if ((v & 1) && on && start(t, ST_RX) == 0 && boundary(t))
            clock_in(t);
        break;
    case T_STARTTX: if ((v & 1) && on) (void)start(t, ST_TX); break;
    case T_STOP: if ((v & 1) && on) stop(t); break;
    case T_SUSPEND:
        if ((v & 1) && t->state != ST_IDLE) {
            t->suspended = 1;
            mb_set_event(p, &t->ev_suspended, E_SUSPENDED);
        }
        break;
    case T_RESUME:
        if ((v & 1) && t->suspended) {
            t->suspended = 0;
            if (t->state == ST_RX && t->cur)
                clock_in(t);
        }
        break;
    case E_STOPPED: t->ev_stopped = v & 1; break;
    case E_RXDREADY: t->ev_rxdready = v & 1; break;
    case E_TXDSENT: t->ev_txdsent = v & 1; break;
    case E_ERROR: t->ev_error = v & 1; break;
    case E_BB: t->ev_bb = v & 1; break;
    case E_SUSPENDED: t->ev_suspended = v & 1; break;
    case SHORTS: t->shorts = v & 3; break;
    case ERRORSRC: t->errorsrc &= ~v; break;
    case ENABLE: t->enable = v & 7; break;
    case PSELSCL: t->pselscl = v; break;
    case PSELSDA: t->pselsda = v; break;
    case TXD:
        if (t->state == ST_TX && t->cur) {
            mb_sensor_write(p->mb, t->cur, (uint8_t)v);
            mb_set_event(p, &t->ev_bb, E_BB);
            mb_set_event(p, &t->ev_txdsent, E_TXDSENT);
            if (t->shorts & SH_BB_STOP)
                stop(t);
            else if (t->shorts & SH_BB_SUSPEND) {
                t->suspended = 1;
                mb_set_event(p, &t->ev_suspended, E_SUSPENDED);
            }
        }
        break;
    case FREQUENCY: t->freq = v; break;
    case ADDRESS: t->address = v & 0x7F; break;
    default:
        if (off < 0x100)
            break;
        return mb_unknown(p, off, 1, &v);
    }
    twi_irq(t);
    return 0;
}

void mb_twi_init(mb_t *mb)
{
    mb_periph_init(mb, &mb->twi.p, "nrf51-twi0", MB_ID_TWI0, twi_rd, twi_wr);
}

void mb_twi_reset(mb_t *mb)
{
    mb_twi *t = &mb->twi;

    memset(&t->ev_stopped, 0, sizeof(*t) - offsetof(mb_twi, ev_stopped));
    t->pselscl = t->pselsda = 0xFFFFFFFFu;
    t->freq = 0x04000000;
    t->p.inten = 0;
}
