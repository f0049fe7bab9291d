/* twi.c - the TWI (I2C) as bus master: TWBR, TWSR (status, TWPS), TWAR,
 * TWDR, TWCR (TWINT, TWEA, TWSTA, TWSTO, TWWC, TWEN, TWIE), TWAMR.
 * Writing TWCR with TWINT set starts the next step (START, address or data
 * byte, STOP); it ends 9 SCL periods later (SCL = clk / (16 + 2 * TWBR *
 * 4^TWPS)) with TWINT set and the master status codes of the datasheet:
 * 0x08/0x10 START, 0x18/0x20 SLA+W ACK/NACK, 0x28/0x30 data ACK/NACK,
 * 0x40/0x48 SLA+R, 0x50/0x58 data received.  The twi hooks are the
 * devices on the bus; without them every address is NACKed.  Slave mode
 * and arbitration are not modelled. */
#include "periph.h"

enum { TWBR = 0xB8, TWINT = 0x80, TWEA = 0x40, TWSTA = 0x20, TWSTO = 0x10, TWWC = 0x08,
       TWEN = 0x04, TWIE = 0x01 };

static void tirq(emk_m328p_twi *t)
{
    emk_avr_irq(&t->mcu->cpu, EMK_M328P_VEC_TWI, (t->twcr & TWINT) && (t->twcr & TWIE));
}

static void twi_done(emk_avr *cpu, void *opaque, uint64_t now)
{
    emk_m328p_twi *t = opaque;

    (void)cpu;
    (void)now;
    t->twsr = (uint8_t)((t->twsr & 3) | t->next_status);
    t->twcr |= TWINT;
    tirq(t);
}

static void step(emk_m328p_twi *t)
{
    emk_m328p *m = t->mcu;
    uint32_t scl = 16u + 2u * t->twbr * (1u << (2 * (t->twsr & 3)));

    if (t->twcr & TWSTA) {
        t->next_status = t->started ? 0x10 : 0x08;
        t->started = 1;
        t->addressed = 0;
    } else if (t->twcr & TWSTO) {
        if (t->started && m->hooks.twi_stop)
            m->hooks.twi_stop(m->hooks.opaque);
        t->started = t->addressed = 0;
        t->twcr &= (uint8_t)~TWSTO;
        t->twsr = (uint8_t)((t->twsr & 3) | 0xF8);
        return;                 /* STOP does not set TWINT */
    } else if (t->started && !t->addressed) {
        int rd = t->twdr & 1;
        int ack = m->hooks.twi_start ? m->hooks.twi_start(m->hooks.opaque, t->twdr >> 1, rd) : 0;

        t->reading = rd;
        t->addressed = 1;
        t->next_status = rd ? (ack ? 0x40 : 0x48) : (ack ? 0x18 : 0x20);
    } else if (t->started && !t->reading) {
        int ack = m->hooks.twi_write ? m->hooks.twi_write(m->hooks.opaque, t->twdr) : 0;

        t->next_status = ack ? 0x28 : 0x30;
    } else if (t->started) {
        int ack = (t->twcr & TWEA) != 0;

        t->twdr = m->hooks.twi_read ? m->hooks.twi_read(m->hooks.opaque, ack) : 0xFF;
        t->next_status = ack ? 0x50 : 0x58;
    } else {
        return;
    }
    emk_avr_timer_arm(&m->cpu, &t->ev, m->cpu.cycle + 9ull * scl);
}

static int t_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_twi *t = opaque;

    (void)size;
    switch (off) {
    case 0: *v = t->twbr; break;
    case 1: *v = t->twsr; break;
    case 2: *v = t->twar; break;
    case 3: *v = t->twdr; break;
    case 4: *v = t->twcr; break;
    default: *v = t->twamr; break;
    }
    return 0;
}

static int t_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    emk_m328p_twi *t = opaque;
    uint8_t v = (uint8_t)val;

    (void)size;
    switch (off) {
    case 0: t->twbr = v; break;
    case 1: t->twsr = (uint8_t)((t->twsr & 0xF8) | (v & 3)); break;
    case 2: t->twar = v; break;
    case 3:
        if (t->twcr & TWINT) t->twdr = v;
        else t->twcr |= TWWC;
        break;
    case 4:
        t->twcr = (uint8_t)((v & ~(TWINT | TWWC)) | (t->twcr & (TWINT | TWWC)));
        if (!(v & TWEN)) {
            t->started = t->addressed = 0;
            t->twcr &= (uint8_t)~TWINT;
            emk_avr_timer_cancel(&t->mcu->cpu, &t->ev);
        } else if (v & TWINT) {
            t->twcr &= (uint8_t)~(TWINT | TWWC);
            step(t);
        }
        break;
    default: t->twamr = v & 0xFE; break;
    }
    tirq(t);
    return 0;
}

static const emk_region_ops t_ops = { .read = t_read, .write = t_write,
                                      .valid_sizes = EMK_SIZE_1 };

int emk_m328p_twi_init(emk_m328p *m)
{
    emk_m328p_twi *t = &m->twi;
    int r;

    emk_dev_init(&t->dev, "twi", &m->cpu.bus, NULL);
    t->mcu = m;
    if ((r = emk_m328p_region(m, &t->dev, &t->regs, "twi", &t_ops, t, 6, TWBR)) < 0 ||
        (r = emk_avr_timer_add(&m->cpu, &t->ev, twi_done, t)) < 0)
        return r;
    return 0;
}

void emk_m328p_twi_reset(emk_m328p *m)
{
    emk_m328p_twi *t = &m->twi;

    t->twbr = 0;
    t->twsr = 0xF8;
    t->twar = 0xFE;
    t->twdr = 0xFF;
    t->twcr = 0;
    t->twamr = 0;
    t->started = t->reading = t->addressed = 0;
}
