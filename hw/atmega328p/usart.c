/* usart.c - USART0 in asynchronous mode: UCSR0A/B/C, UBRR0, UDR0 with a
 * one-byte transmit buffer plus shift register and a two-byte receive
 * FIFO (overrun sets DOR and drops the byte).  A frame lasts (start + data
 * + parity + stop bits) x 16 (8 with U2X) x (UBRR + 1) cycles; bytes the
 * host queues (emk_m328p_uart_rx) arrive on the wire one frame apart.
 * TXEN takes over PD1 as an output (idle high), RXEN makes PD0 an input.
 * Interrupts: RX complete (while RXC), data register empty (while UDRE),
 * TX complete (TXC, cleared when the vector runs).  Synchronous and SPI
 * master modes, 9-bit frames' RXB8/TXB8 data and parity errors are not
 * modelled (UPE and FE read 0). */
#include <string.h>

#include "periph.h"

enum { UCSR0A = 0xC0, RXC = 0x80, TXC = 0x40, UDRE = 0x20, DOR = 0x08, U2X = 0x02,
       RXCIE = 0x80, TXCIE = 0x40, UDRIE = 0x20, RXEN = 0x10, TXEN = 0x08 };

static void uirq(emk_m328p_usart *u)
{
    emk_avr *cpu = &u->mcu->cpu;

    emk_avr_irq(cpu, EMK_M328P_VEC_USART_RX, (u->ucsra & RXC) && (u->ucsrb & RXCIE));
    emk_avr_irq(cpu, EMK_M328P_VEC_USART_UDRE, (u->ucsra & UDRE) && (u->ucsrb & UDRIE));
    emk_avr_irq(cpu, EMK_M328P_VEC_USART_TX, (u->ucsra & TXC) && (u->ucsrb & TXCIE));
}

uint32_t emk_m328p_uart_frame_cycles(const emk_m328p *m)
{
    const emk_m328p_usart *u = &m->usart;
    uint32_t ubrr = ((uint32_t)(u->ubrrh & 0x0F) << 8) | u->ubrrl;
    uint32_t bits = 1 + ((u->ucsrb & 4) ? 9 : 5 + ((u->ucsrc >> 1) & 3));

    bits += ((u->ucsrc >> 4) & 3) ? 1 : 0;     /* parity */
    bits += (u->ucsrc & 0x08) ? 2 : 1;         /* stop bits */
    return bits * ((u->ucsra & U2X) ? 8u : 16u) * (ubrr + 1);
}

static void tx_start(emk_m328p_usart *u)
{
    u->tx_shift = u->tx_buf;
    u->tx_buf_full = 0;
    u->tx_busy = 1;
    u->ucsra |= UDRE;
    emk_avr_timer_arm(&u->mcu->cpu, &u->tx_ev,
                      u->mcu->cpu.cycle + emk_m328p_uart_frame_cycles(u->mcu));
}

static void tx_done(emk_avr *cpu, void *opaque, uint64_t now)
{
    emk_m328p_usart *u = opaque;
    emk_m328p *m = u->mcu;

    (void)cpu;
    (void)now;
    u->tx_busy = 0;
    u->tx_bytes++;
    if (m->hooks.uart_tx)
        m->hooks.uart_tx(m->hooks.opaque, u->tx_shift);
    if (u->tx_buf_full && (u->ucsrb & TXEN))
        tx_start(u);
    else
        u->ucsra |= TXC;
    uirq(u);
}

static void rx_schedule(emk_m328p_usart *u)
{
    if (u->rx_busy || !u->rxq_len || !(u->ucsrb & RXEN))
        return;
    u->rx_busy = 1;
    emk_avr_timer_arm(&u->mcu->cpu, &u->rx_ev,
                      u->mcu->cpu.cycle + emk_m328p_uart_frame_cycles(u->mcu));
}

static void rx_done(emk_avr *cpu, void *opaque, uint64_t now)
{
    emk_m328p_usart *u = opaque;
    uint8_t b;

    (void)cpu;
    (void)now;
    u->rx_busy = 0;
    if (!u->rxq_len)
        return;
    b = u->rxq[u->rxq_head];
    u->rxq_head = (u->rxq_head + 1) % EMK_M328P_UART_RXQ;
    u->rxq_len--;
    if (u->ucsrb & RXEN) {
        if (u->rx_count < 2) {
            u->rx_fifo[u->rx_count++] = b;
            u->rx_bytes++;
        } else {
            u->ucsra |= DOR;
            u->rx_overruns++;
        }
        u->ucsra |= RXC;
    }
    rx_schedule(u);
    uirq(u);
}

size_t emk_m328p_uart_rx(emk_m328p *m, const uint8_t *buf, size_t len)
{
    emk_m328p_usart *u = &m->usart;
    size_t n = 0;

    while (n < len && u->rxq_len < EMK_M328P_UART_RXQ) {
        u->rxq[(u->rxq_head + u->rxq_len) % EMK_M328P_UART_RXQ] = buf[n++];
        u->rxq_len++;
    }
    rx_schedule(u);
    return n;
}

size_t emk_m328p_uart_rx_room(const emk_m328p *m)
{
    return EMK_M328P_UART_RXQ - m->usart.rxq_len;
}

static int u_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_usart *u = opaque;

    (void)size;
    switch (off) {
    case 0: *v = u->ucsra; break;
    case 1: *v = u->ucsrb; break;
    case 2: *v = u->ucsrc; break;
    case 4: *v = u->ubrrl; break;
    case 5: *v = u->ubrrh; break;
    case 6:
        if (!u->rx_count) {
            *v = 0;
            break;
        }
        *v = u->rx_fifo[0];
        u->rx_fifo[0] = u->rx_fifo[1];
        if (--u->rx_count == 0)
            u->ucsra &= (uint8_t)~RXC;
        u->ucsra &= (uint8_t)~DOR;
        uirq(u);
        break;
    default: *v = 0;
    }
    return 0;
}

static void pins(emk_m328p_usart *u)
{
    int tx = (u->ucsrb & TXEN) != 0, rx = (u->ucsrb & RXEN) != 0;

    emk_m328p_gpio_override(u->mcu, EMK_M328P_PORTD, 1, tx, 1, tx, 1);
    emk_m328p_gpio_override(u->mcu, EMK_M328P_PORTD, 0, rx, 0, 0, 0);
}

static int u_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    emk_m328p_usart *u = opaque;
    uint8_t v = (uint8_t)val;

    (void)size;
    switch (off) {
    case 0:
        u->ucsra = (uint8_t)((u->ucsra & ~(U2X | 1)) | (v & (U2X | 1)));
        if (v & TXC & emk_avr_write_mask(&u->mcu->cpu))
            u->ucsra &= (uint8_t)~TXC;
        break;
    case 1:
        u->ucsrb = (uint8_t)((v & ~0x02) | (u->ucsrb & 0x02));
        if (!(v & RXEN)) {
            u->rx_count = 0;
            u->ucsra &= (uint8_t)~(RXC | DOR);
        }
        pins(u);
        rx_schedule(u);
        break;
    case 2: u->ucsrc = v; break;
    case 4: u->ubrrl = v; break;
    case 5: u->ubrrh = v & 0x0F; break;
    case 6:
        if (!(u->ucsrb & TXEN) || !(u->ucsra & UDRE))
            break;                  /* ignored, as the datasheet says */
        u->tx_buf = v;
        u->tx_buf_full = 1;
        u->ucsra &= (uint8_t)~(UDRE | TXC);
        if (!u->tx_busy)
            tx_start(u);
        break;
    default: break;
    }
    uirq(u);
    return 0;
}

static const emk_region_ops u_ops = { .read = u_read, .write = u_write,
                                      .valid_sizes = EMK_SIZE_1 };

static void u_ack(emk_avr *cpu, void *opaque, unsigned vec)
{
    emk_m328p_usart *u = opaque;

    (void)cpu;
    if (vec == EMK_M328P_VEC_USART_TX) {
        u->ucsra &= (uint8_t)~TXC;
        uirq(u);
    }
}

int emk_m328p_usart_init(emk_m328p *m)
{
    emk_m328p_usart *u = &m->usart;
    int r;

    emk_dev_init(&u->dev, "usart0", &m->cpu.bus, NULL);
    u->mcu = m;
    if ((r = emk_m328p_region(m, &u->dev, &u->regs, "usart0", &u_ops, u, 7, UCSR0A)) < 0 ||
        (r = emk_avr_timer_add(&m->cpu, &u->tx_ev, tx_done, u)) < 0 ||
        (r = emk_avr_timer_add(&m->cpu, &u->rx_ev, rx_done, u)) < 0)
        return r;
    emk_avr_set_ack(&m->cpu, EMK_M328P_VEC_USART_TX, u_ack, u);
    return 0;
}

void emk_m328p_usart_reset(emk_m328p *m)
{
    emk_m328p_usart *u = &m->usart;

    u->ucsra = UDRE;
    u->ucsrb = 0;
    u->ucsrc = 0x06;
    u->ubrrl = u->ubrrh = 0;
    u->tx_buf_full = u->tx_busy = 0;
    u->rx_count = 0;
    u->rx_busy = 0;       /* the wire keeps the host's queue across a reset */
    pins(u);
    uirq(u);
}
