/* uart.c - UART0 (nRF51 RM v3.0, chapter 29).
 *
 * TX: a byte written to TXD while the transmitter is started goes to the
 * host at once and TXDRDY rises one character time later (10 bits at
 * BAUDRATE).  RX: host input waits in a ring; one byte per character time
 * moves into the 6-byte RX FIFO while the receiver is started and the
 * FIFO has room (nothing is ever lost: the host side is flow-controlled).
 * RXDRDY rises for each byte that reaches RXD. */
#include <stdlib.h>

#include "mb_int.h"
#include "trace_int.h"

static emk_trace_event ev_tx = EMK_TRACE_EVENT_INIT("microbit_uart_tx");
static emk_trace_event ev_rx = EMK_TRACE_EVENT_INIT("microbit_uart_rx");

enum {
    T_STARTRX = 0x000, T_STOPRX = 0x004, T_STARTTX = 0x008, T_STOPTX = 0x00C,
    T_SUSPEND = 0x01C,
    E_CTS = 0x100, E_NCTS = 0x104, E_RXDRDY = 0x108, E_TXDRDY = 0x11C,
    E_ERROR = 0x124, E_RXTO = 0x144,
    SHORTS = 0x200, ERRORSRC = 0x480, ENABLE = 0x500, PSELRTS = 0x508,
    PSELTXD = 0x50C, PSELCTS = 0x510, PSELRXD = 0x514, RXD = 0x518, TXD = 0x51C,
    BAUDRATE = 0x524, CONFIG = 0x56C,
    INT_CTS = 1, INT_NCTS = 2, INT_RXDRDY = 4, INT_TXDRDY = 0x80,
    INT_ERROR = 0x200, INT_RXTO = 0x20000,
    BAUD_115200 = 0x01D7E000
};

static uint64_t char_cycles(const mb_uart *u)
{
    uint32_t b = u->baud ? u->baud : BAUD_115200;

    /* baud = BAUDRATE * 16 MHz / 2^32; 10 bits a character */
    return (uint64_t)10 * 4294967296ull / b;
}

static void uart_irq(mb_uart *u)
{
    uint32_t ev = (u->ev_cts ? INT_CTS : 0) | (u->ev_ncts ? INT_NCTS : 0) |
                  (u->ev_rxdrdy ? INT_RXDRDY : 0) | (u->ev_txdrdy ? INT_TXDRDY : 0) |
                  (u->ev_error ? INT_ERROR : 0) | (u->ev_rxto ? INT_RXTO : 0);

    mb_irq(&u->p, (ev & u->p.inten) != 0);
}

static void plan_rx(mb_uart *u)
{
    mb_t *mb = u->p.mb;

    if (u->enabled && u->rx_on && u->in_len && u->nfifo < sizeof(u->fifo) &&
        mb->deadline[MB_T_UART_RX] == MB_NEVER)
        mb_schedule(mb, MB_T_UART_RX, mb_now(mb) + char_cycles(u));
}

static void rx_expire(mb_t *mb, void *opaque)
{
    mb_uart *u = opaque;

    (void)mb;
    if (!u->enabled || !u->rx_on || !u->in_len || u->nfifo >= sizeof(u->fifo))
        return;
    u->fifo[u->nfifo++] = u->in[u->in_head];
    EMK_TRACE(ev_rx, "byte=0x%02x", u->in[u->in_head]);
    u->in_head = (u->in_head + 1) % MB_UART_IN;
    u->in_len--;
    if (u->nfifo == 1)
        mb_set_event(&u->p, &u->ev_rxdrdy, E_RXDRDY);
    uart_irq(u);
    plan_rx(u);
}

static void tx_expire(mb_t *mb, void *opaque)
{
    mb_uart *u = opaque;

    (void)mb;
    u->tx_busy = 0;
    mb_set_event(&u->p, &u->ev_txdrdy, E_TXDRDY);
    uart_irq(u);
}

static int uart_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_uart *u = (mb_uart *)p;

    if (mb_inten_read(p, off, v))
        return 0;
    switch (off) {
    case E_CTS: *v = u->ev_cts; return 0;
    case E_NCTS: *v = u->ev_ncts; return 0;
    case E_RXDRDY: *v = u->ev_rxdrdy; return 0;
    case E_TXDRDY: *v = u->ev_txdrdy; return 0;
    case E_ERROR: *v = u->ev_error; return 0;
    case E_RXTO: *v = u->ev_rxto; return 0;
    case SHORTS: *v = u->shorts; return 0;
    case ERRORSRC: *v = u->errorsrc; return 0;
    case ENABLE: *v = u->enabled ? 4 : 0; return 0;
    case PSELRTS: *v = u->psel[0]; return 0;
    case PSELTXD: *v = u->psel[1]; return 0;
    case PSELCTS: *v = u->psel[2]; return 0;
    case PSELRXD: *v = u->psel[3]; return 0;
    case RXD:
        if (!u->nfifo) {
            *v = 0;
            return 0;
        }
        *v = u->fifo[0];
        memmove(u->fifo, u->fifo + 1, --u->nfifo);
        if (u->nfifo)
            mb_set_event(p, &u->ev_rxdrdy, E_RXDRDY);
        uart_irq(u);
        plan_rx(u);
        return 0;
    case TXD: *v = 0; return 0;
    case BAUDRATE: *v = u->baud; return 0;
    case CONFIG: *v = u->config; return 0;
    default: return mb_unknown(p, off, 0, v);
    }
}

static int uart_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    mb_uart *u = (mb_uart *)p;
    mb_t *mb = p->mb;

    if (mb_inten_write(p, off, v)) {
        uart_irq(u);
        return 0;
    }
    switch (off) {
    case T_STARTRX: if (v & 1) { u->rx_on = 1; plan_rx(u); } break;
    case T_STOPRX:
        if (v & 1) {
            u->rx_on = 0;
            mb_set_event(p, &u->ev_rxto, E_RXTO);
        }
        break;
    case T_STARTTX: if (v & 1) u->tx_on = 1; break;
    case T_STOPTX: if (v & 1) u->tx_on = 0; break;
    case T_SUSPEND: if (v & 1) u->rx_on = u->tx_on = 0; break;
    case E_CTS: u->ev_cts = v & 1; break;
    case E_NCTS: u->ev_ncts = v & 1; break;
    case E_RXDRDY: u->ev_rxdrdy = v & 1; break;
    case E_TXDRDY: u->ev_txdrdy = v & 1; break;
    case E_ERROR: u->ev_error = v & 1; break;
    case E_RXTO: u->ev_rxto = v & 1; break;
    case SHORTS: u->shorts = v & 0x18; break;
    case ERRORSRC: u->errorsrc &= ~v; break;
    case ENABLE:
        u->enabled = (v & 7) == 4;
        plan_rx(u);
        break;
    case PSELRTS: u->psel[0] = v; break;
    case PSELTXD: u->psel[1] = v; break;
    case PSELCTS: u->psel[2] = v; break;
    case PSELRXD: u->psel[3] = v; break;
    case TXD:
        if (u->enabled && u->tx_on) {
            EMK_TRACE(ev_tx, "byte=0x%02x", (unsigned)(v & 0xFF));
            if (u->tx)
                u->tx(u->tx_opaque, (uint8_t)v);
            u->tx_busy = 1;
            mb_schedule(mb, MB_T_UART_TX, mb_now(mb) + char_cycles(u));
        }
        break;
    case BAUDRATE: u->baud = v; break;
    case CONFIG: u->config = v & 0xF; break;
    default: return mb_unknown(p, off, 1, &v);
    }
    uart_irq(u);
    return 0;
}

void mb_uart_init(mb_t *mb)
{
    mb_periph_init(mb, &mb->uart.p, "nrf51-uart0", MB_ID_UART0, uart_rd, uart_wr);
    mb_slot_init(mb, MB_T_UART_RX, rx_expire, &mb->uart);
    mb_slot_init(mb, MB_T_UART_TX, tx_expire, &mb->uart);
}

void mb_uart_reset(mb_t *mb)
{
    mb_uart *u = &mb->uart;

    u->p.inten = 0;
    u->enabled = u->rx_on = u->tx_on = u->tx_busy = 0;
    u->ev_rxdrdy = u->ev_txdrdy = u->ev_error = u->ev_cts = u->ev_ncts = u->ev_rxto = 0;
    u->shorts = u->config = u->errorsrc = 0;
    u->baud = 0x04000000;      /* reset value: 250 kbaud */
    u->psel[0] = u->psel[1] = u->psel[2] = u->psel[3] = 0xFFFFFFFFu;
    u->nfifo = 0;
}

size_t emk_microbit_uart_input(emk_microbit *mb, const uint8_t *buf, size_t len)
{
    mb_uart *u = &mb->uart;
    size_t n = 0;

    while (n < len && u->in_len < MB_UART_IN) {
        u->in[(u->in_head + u->in_len) % MB_UART_IN] = buf[n++];
        u->in_len++;
    }
    plan_rx(u);
    return n;
}

size_t emk_microbit_uart_pending(const emk_microbit *mb)
{
    return mb->uart.in_len + mb->uart.nfifo;
}

void emk_microbit_on_tx(emk_microbit *mb, emk_microbit_tx_fn fn, void *opaque)
{
    mb->uart.tx = fn;
    mb->uart.tx_opaque = opaque;
}
