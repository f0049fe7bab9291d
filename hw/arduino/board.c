/* board.c - a board: the MCU, its nets and their voltages, PWM measured
 * from each net's edges, the ADC reading net voltages, USART0 to on_uart.
 * See emkit/arduino.h for the rules. */
#include <errno.h>
#include <string.h>

#include "board_int.h"

static void net_compute(emk_board *b, int n);

static void pwm_edge(emk_board_net *nt, int high, uint64_t cycle)
{
    if (high) {
        nt->prev_rise = nt->rise;
        nt->rise = cycle;
        if (nt->edges && nt->prev_rise && nt->fall > nt->prev_rise) {
            nt->period = nt->rise - nt->prev_rise;
            nt->high = nt->fall - nt->prev_rise;
        }
    } else {
        nt->fall = cycle;
    }
    nt->edges++;
}

static void set_volts(emk_board *b, emk_board_net *nt, double v, uint64_t cycle)
{
    double vcc = b->mcu.vcc;
    int old_hi = nt->volts > 0.5 * vcc, hi = v > 0.5 * vcc;

    if (old_hi != hi)
        pwm_edge(nt, hi, cycle);
    if (v != nt->volts) {
        nt->volts = v;
        if (b->on_net)
            b->on_net(b->opaque, nt, cycle);
    }
}

static void net_compute(emk_board *b, int n)
{
    emk_board_net *nt = &b->net[n];
    double vcc = b->mcu.vcc, v = 0.0;
    int pull = 0, strong, mcu_pin = nt->port >= 0;
    unsigned st = mcu_pin ? emk_m328p_pin_state(&b->mcu, (unsigned)nt->port,
                                                (unsigned)nt->bit) : EMK_PIN_HIZ;
    uint64_t now = b->mcu.cpu.cycle;

    nt->mcu_state = st;
    if (st == EMK_PIN_HIGH || st == EMK_PIN_LOW) {
        nt->floating = 0;
        nt->level = st == EMK_PIN_HIGH;
        set_volts(b, nt, nt->level ? vcc : 0.0, now);
        return;
    }
    strong = emk_board_parts_drive(b, n, vcc, &v, &pull);
    if (nt->forced) {
        v = nt->forced_volts;
        strong = 1;
    }
    if (!strong && (pull || st == EMK_PIN_PULLUP)) {
        v = vcc;
        nt->floating = 0;
    } else {
        nt->floating = !strong;
    }
    if (v > 0.6 * vcc)
        nt->level = 1;
    else if (v < 0.3 * vcc)
        nt->level = 0;
    set_volts(b, nt, v, now);
    if (mcu_pin)
        /* the MCU's own pull-up alone: let gpio.c read its pull-up */
        emk_m328p_pin_input(&b->mcu, (unsigned)nt->port, (unsigned)nt->bit,
                            strong || pull, nt->level);
}

void emk_board_update(emk_board *b)
{
    unsigned i;

    for (i = 0; i < b->nnets; i++)
        net_compute(b, (int)i);
}

static void on_pin(void *opaque, unsigned port, unsigned bit, unsigned state, uint64_t cycle)
{
    emk_board *b = opaque;
    int n = b->pin_net[port][bit];

    (void)state;
    (void)cycle;
    if (n >= 0)
        net_compute(b, n);
}

static double on_adc(void *opaque, unsigned ch)
{
    emk_board *b = opaque;
    int n = ch < 7 ? b->pin_net[EMK_M328P_PORTC][ch] : -1;

    return n >= 0 ? b->net[n].volts : 0.0;
}

static void on_tx(void *opaque, uint8_t c)
{
    emk_board *b = opaque;

    if (b->on_uart)
        b->on_uart(b->opaque, c);
}

int emk_board_init(emk_board *b, const char *netlist, size_t len)
{
    emk_m328p_hooks h;
    int r;

    memset(b, 0, sizeof(*b));
    if (!netlist) {
        netlist = emk_board_uno_netlist();
        len = strlen(netlist);
    }
    if ((r = emk_board_parse(b, netlist, len)) < 0)
        return r;
    memset(&h, 0, sizeof(h));
    h.opaque = b;
    h.pin = on_pin;
    h.adc = on_adc;
    h.uart_tx = on_tx;
    if ((r = emk_m328p_init(&b->mcu, b->clock_hz, &h)) < 0) {
        strcpy(b->error, "MCU init failed");
        return r;
    }
    emk_board_update(b);
    return 0;
}

int emk_board_set_input(emk_board *b, int net, double volts)
{
    if (net < 0 || (unsigned)net >= b->nnets)
        return -ENOENT;
    if (volts > b->mcu.vcc || volts != volts)
        return -ERANGE;
    b->net[net].forced = volts >= 0.0;
    b->net[net].forced_volts = volts >= 0.0 ? volts : 0.0;
    net_compute(b, net);
    return 0;
}

int emk_board_part_set(emk_board *b, int part, double value)
{
    emk_board_part *p, save;

    if (part < 0 || (unsigned)part >= b->nparts)
        return -ENOENT;
    p = &b->part[part];
    if (p->kind == EMK_PART_LED || p->kind == EMK_PART_SERIAL)
        return -EINVAL;
    save = *p;
    p->value = value;
    if (emk_board_part_check(p) < 0) {
        *p = save;
        return -ERANGE;
    }
    net_compute(b, p->net);
    return 0;
}

int emk_board_net_pwm(const emk_board *b, int net, double *duty, double *hz)
{
    const emk_board_net *nt;
    uint64_t now, last;

    if (net < 0 || (unsigned)net >= b->nnets)
        return -ENOENT;
    nt = &b->net[net];
    now = b->mcu.cpu.cycle;
    last = nt->rise > nt->fall ? nt->rise : nt->fall;
    /* PWM: toggling faster than 20 Hz (slower is blinking, not dimming),
     * with an edge within the last two periods */
    if (nt->period && nt->period < b->clock_hz / 20 && now - last <= 2 * nt->period) {
        *duty = (double)nt->high / (double)nt->period;
        *hz = (double)b->clock_hz / (double)nt->period;
    } else {
        *duty = nt->volts > 0.5 * b->mcu.vcc ? 1.0 : 0.0;
        *hz = 0.0;
    }
    return 0;
}

double emk_board_net_avg_volts(const emk_board *b, int net)
{
    double duty, hz;

    if (emk_board_net_pwm(b, net, &duty, &hz) < 0)
        return 0.0;
    return hz > 0.0 ? duty * b->mcu.vcc : b->net[net].volts;
}

double emk_board_led_brightness(const emk_board *b, int part)
{
    const emk_board_part *p;
    double duty, hz;

    if (part < 0 || (unsigned)part >= b->nparts || b->part[part].kind != EMK_PART_LED)
        return 0.0;
    p = &b->part[part];
    if (emk_board_net_pwm(b, p->net, &duty, &hz) < 0)
        return 0.0;
    if (hz == 0.0)
        return b->net[p->net].volts > p->vf ? 1.0 : 0.0;
    return b->mcu.vcc > p->vf ? duty : 0.0;
}
