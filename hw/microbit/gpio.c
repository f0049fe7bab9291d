/* gpio.c - GPIO port 0 (nRF51 RM v3.0, chapter 14) with the micro:bit's
 * wiring outside it: buttons A (P0.17) and B (P0.26) pulled up by board
 * resistors and pulled low when pressed; the accelerometer and
 * magnetometer interrupt outputs on P0.28 and P0.29 (sensors.c); the LED
 * matrix rows and columns on P0.4-P0.15 (display.c).  Pins a GPIOTE
 * channel owns in task mode are driven by GPIOTE. */
#include "mb_int.h"

enum {
    OUT = 0x504, OUTSET = 0x508, OUTCLR = 0x50C, IN = 0x510, DIR = 0x514,
    DIRSET = 0x518, DIRCLR = 0x51C, PIN_CNF = 0x700, PIN_CNF_END = 0x780,
    CNF_DIR = 1, CNF_INPUT_DISCONNECT = 2, CNF_PULL_SHIFT = 2,
    PULL_DOWN = 1, PULL_UP = 3, SENSE_SHIFT = 16, SENSE_HIGH = 2, SENSE_LOW = 3
};

/* Pins driven by GPIOTE task channels: mask and level. */
static void gpiote_drive(const mb_t *mb, uint32_t *mask, uint32_t *val)
{
    unsigned i;

    *mask = *val = 0;
    for (i = 0; i < 4; i++) {
        uint32_t c = mb->gpiote.config[i];

        if ((c & 3) == 3) {
            unsigned pin = (c >> 8) & 31;
            *mask |= 1u << pin;
            if (mb->gpiote.config[i] & (1u << 20))
                *val |= 1u << pin;
        }
    }
}

/* Output levels and output enables as the pins see them. */
void mb_gpio_drive(const mb_t *mb, uint32_t *out, uint32_t *dir)
{
    uint32_t m, v;

    gpiote_drive(mb, &m, &v);
    *out = (mb->gpio.out & ~m) | (v & m);
    *dir = mb->gpio.dir | m;
}

uint32_t mb_gpio_in(const mb_t *mb)
{
    const mb_gpio *g = &mb->gpio;
    uint32_t out, dir, in = 0;
    unsigned i;

    mb_gpio_drive(mb, &out, &dir);
    for (i = 0; i < 32; i++) {
        uint32_t bit = 1u << i, cnf = g->cnf[i], level;

        if (dir & bit)
            level = out & bit;
        else if (g->ext_driven & bit)
            level = g->ext & bit;
        else if (((cnf >> CNF_PULL_SHIFT) & 3) == PULL_UP)
            level = bit;
        else
            level = 0;       /* pulled down or floating (read as low) */
        if (!(cnf & CNF_INPUT_DISCONNECT) || (dir & bit))
            in |= level;
    }
    return in;
}

int emk_microbit_pin(const emk_microbit *mb, unsigned pin)
{
    uint32_t out, dir;

    if (pin >= 32)
        return -EINVAL;
    mb_gpio_drive(mb, &out, &dir);
    if (dir >> pin & 1)
        return (int)(out >> pin & 1);
    return (int)(mb_gpio_in(mb) >> pin & 1);
}

void mb_gpio_update(mb_t *mb)
{
    mb_gpio *g = &mb->gpio;
    uint32_t in = mb_gpio_in(mb), out, dir, changed;
    unsigned i;
    int detect = 0;

    mb_gpio_drive(mb, &out, &dir);
    for (i = 0; i < 32; i++) {
        unsigned sense = (g->cnf[i] >> SENSE_SHIFT) & 3;
        uint32_t level = in >> i & 1;

        if ((sense == SENSE_HIGH && level) || (sense == SENSE_LOW && !level))
            detect = 1;
    }
    changed = g->last_in ^ in;
    if (changed) {
        uint32_t old = g->last_in;

        g->last_in = in;
        mb_gpiote_edges(mb, old, in);
        if (mb->on_pin)
            for (i = 0; i < 32; i++)
                if (changed >> i & 1)
                    mb->on_pin(mb->pin_opaque, mb_now(mb), i, (int)(in >> i & 1));
    }
    if (detect && !g->detect) {
        g->detect = 1;
        mb_gpiote_detect(mb);
    } else if (!detect) {
        g->detect = 0;
    }
    mb_display_drive(mb);
}

static int gpio_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_gpio *g = (mb_gpio *)p;

    switch (off) {
    case OUT: case OUTSET: case OUTCLR: *v = g->out; return 0;
    case IN: *v = mb_gpio_in(p->mb); return 0;
    case DIR: case DIRSET: case DIRCLR: *v = g->dir; return 0;
    default:
        if (off >= PIN_CNF && off < PIN_CNF_END) {
            *v = g->cnf[(off - PIN_CNF) / 4];
            return 0;
        }
        return mb_unknown(p, off, 0, v);
    }
}

static void set_dir(mb_gpio *g, uint32_t dir)
{
    unsigned i;

    g->dir = dir;
    for (i = 0; i < 32; i++)
        g->cnf[i] = (g->cnf[i] & ~(uint32_t)CNF_DIR) | (dir >> i & 1);
}

static int gpio_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    mb_gpio *g = (mb_gpio *)p;

    switch (off) {
    case OUT: g->out = v; break;
    case OUTSET: g->out |= v; break;
    case OUTCLR: g->out &= ~v; break;
    case IN: return 0;
    case DIR: set_dir(g, v); break;
    case DIRSET: set_dir(g, g->dir | v); break;
    case DIRCLR: set_dir(g, g->dir & ~v); break;
    default:
        if (off >= PIN_CNF && off < PIN_CNF_END) {
            unsigned pin = (off - PIN_CNF) / 4;

            g->cnf[pin] = v & 0x3070F;
            g->dir = (g->dir & ~(1u << pin)) | ((v & CNF_DIR) << pin);
            break;
        }
        return mb_unknown(p, off, 1, &v);
    }
    mb_gpio_update(p->mb);
    return 0;
}

void mb_gpio_init(mb_t *mb)
{
    mb_periph_init(mb, &mb->gpio.p, "nrf51-gpio", 32, gpio_rd, gpio_wr);
    /* Buttons: board pull-ups, released at power-on. */
    mb->gpio.ext_driven = 1u << EMK_MICROBIT_PIN_BUTTON_A |
                          1u << EMK_MICROBIT_PIN_BUTTON_B;
    mb->gpio.ext = mb->gpio.ext_driven;
}

void mb_gpio_reset(mb_t *mb)
{
    mb_gpio *g = &mb->gpio;
    unsigned i;

    g->out = g->dir = 0;
    for (i = 0; i < 32; i++)
        g->cnf[i] = CNF_INPUT_DISCONNECT;
    g->detect = 0;
    g->last_in = mb_gpio_in(mb);
}

int emk_microbit_button(emk_microbit *mb, unsigned button, int pressed)
{
    uint32_t bit;

    if (button == EMK_MICROBIT_BUTTON_A)
        bit = 1u << EMK_MICROBIT_PIN_BUTTON_A;
    else if (button == EMK_MICROBIT_BUTTON_B)
        bit = 1u << EMK_MICROBIT_PIN_BUTTON_B;
    else
        return -EINVAL;
    if (pressed)
        mb->gpio.ext &= ~bit;
    else
        mb->gpio.ext |= bit;
    mb_gpio_update(mb);
    return 0;
}
