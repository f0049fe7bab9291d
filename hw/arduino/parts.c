/* parts.c - what each part does to its net: a potentiometer's wiper
 * (position x Vcc), an LM35 (10 mV per degree C, 0 V below 0 C: no
 * negative supply), an NTC thermistor to GND under a fixed resistor to
 * Vcc (R(T) = R25 exp(beta (1/T - 1/298.15 K)), the divider's output), a
 * push button or switch to GND (drives 0 V when closed; pull=ext adds a
 * 10 k pull-up), the serial port (the USB bridge holds RX high when idle),
 * LEDs (loads only: they never set a net's voltage). */
#include <errno.h>
#include "board_int.h"

/* exp(x) without libm (the library links none): x = k ln2 + r with
 * |r| <= ln2 / 2, then a Taylor series to 1e-15 relative error. */
static double board_exp(double x)
{
    const double ln2 = 0.69314718055994530942;
    double r, term = 1.0, sum = 1.0;
    int k, i;

    if (x > 700.0) x = 700.0;
    if (x < -700.0) x = -700.0;
    k = (int)(x / ln2 + (x >= 0 ? 0.5 : -0.5));
    r = x - k * ln2;
    for (i = 1; i < 20; i++) {
        term *= r / i;
        sum += term;
    }
    for (; k > 0; k--) sum *= 2.0;
    for (; k < 0; k++) sum *= 0.5;
    return sum;
}

int emk_board_part_check(const emk_board_part *p)
{
    switch (p->kind) {
    case EMK_PART_POT:
        return p->value >= 0.0 && p->value <= 1.0 ? 0 : -ERANGE;
    case EMK_PART_LM35: case EMK_PART_THERMISTOR:
        return p->value >= -55.0 && p->value <= 150.0 ? 0 : -ERANGE;
    case EMK_PART_BUTTON: case EMK_PART_SWITCH:
        return p->value == 0.0 || p->value == 1.0 ? 0 : -ERANGE;
    default:
        return 0;
    }
}

static double ntc_divider(const emk_board_part *p, double vcc)
{
    double t = p->value + 273.15;
    double r = p->r * board_exp(p->beta * (1.0 / t - 1.0 / 298.15));

    return vcc * r / (p->r + r);
}

int emk_board_parts_drive(const emk_board *b, int n, double vcc, double *volts, int *pull)
{
    unsigned i;
    int strong = 0;

    *pull = 0;
    for (i = 0; i < b->nparts; i++) {
        const emk_board_part *p = &b->part[i];

        if (p->net != n)
            continue;
        switch (p->kind) {
        case EMK_PART_POT:
            *volts = p->value * vcc;
            strong = 1;
            break;
        case EMK_PART_LM35:
            *volts = p->value > 0 ? p->value * 0.01 : 0.0;
            strong = 1;
            break;
        case EMK_PART_THERMISTOR:
            *volts = ntc_divider(p, vcc);
            strong = 1;
            break;
        case EMK_PART_BUTTON: case EMK_PART_SWITCH:
            if (p->value != 0.0) {
                *volts = 0.0;     /* closed to GND wins over every pull-up */
                return 1;
            }
            if (p->pull_ext)
                *pull = 1;
            break;
        case EMK_PART_SERIAL:
            *pull = 1;            /* RX idles high */
            break;
        default:
            break;
        }
    }
    return strong;
}
