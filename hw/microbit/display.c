/* display.c - the micro:bit v1 LED matrix, decoded from the pins.
 *
 * Wiring (micro:bit v1.3 reference schematic, microbit-foundation/
 * microbit-reference-design, sheet "LED matrix"; the same map is
 * microbit-dal's MicroBitMatrixMaps.h): 25 LEDs on 3 row lines, P0.13-
 * P0.15, driven high, and 9 column lines, P0.4-P0.12, sunk low.  An LED
 * is lit while its row pin outputs 1 and its column pin outputs 0.
 *
 * Brightness: the time each LED is lit is integrated over one scan of
 * the rows (from one rise of row 1 to the next; a scan lasting longer
 * than 40 ms is cut there, so a dark or frozen display is seen too).
 * MicroPython drives greyscale by switching a column off early within
 * its row slot (a third of the scan), doubling the on-time per step: with
 * v1.9.2 we measured 0.5, 1.1, 2.1, 4.0, 7.5, 14, 27, 53 and 100 % of the
 * slot for brightness 1 to 9.  So the level is logarithmic: k when the
 * LED was lit for at least 3/4 of 2^(k-9) of its slot, 0 below 3/1024
 * (a duty-cycle driver doubling its steps reads the same way).  An image
 * is reported when two scans in a row decode to it, so a change in the
 * middle of a scan never shows a mixed frame. */
#include "mb_int.h"

enum {
    ROW0_PIN = 13, COL0_PIN = 4, NROWS = 3, NCOLS = 9,
    TIMEOUT_CYCLES = 40 * 16000
};

/* [col][row] -> x, y; -1 where no LED is fitted. */
static const signed char map[NCOLS][NROWS][2] = {
    { {0, 0}, {4, 2}, {2, 4} },
    { {2, 0}, {0, 2}, {4, 4} },
    { {4, 0}, {2, 2}, {0, 4} },
    { {4, 3}, {1, 0}, {0, 1} },
    { {3, 3}, {3, 0}, {1, 1} },
    { {2, 3}, {3, 4}, {2, 1} },
    { {1, 3}, {1, 4}, {3, 1} },
    { {0, 3}, {-1, -1}, {4, 1} },
    { {1, 2}, {-1, -1}, {3, 2} },
};

static uint32_t lit_now(const mb_t *mb)
{
    uint32_t out, dir, lit = 0;
    unsigned r, c;

    mb_gpio_drive(mb, &out, &dir);
    for (r = 0; r < NROWS; r++) {
        unsigned rp = ROW0_PIN + r;

        if (!((dir & out) >> rp & 1))
            continue;
        for (c = 0; c < NCOLS; c++) {
            unsigned cp = COL0_PIN + c;

            if ((dir >> cp & 1) && !(out >> cp & 1))
                lit |= 1u << (r * NCOLS + c);
        }
    }
    return lit;
}

static void accumulate(mb_t *mb)
{
    mb_display *d = &mb->disp;
    uint64_t now = mb_now(mb), dt = now - d->last;
    unsigned i;

    if (dt && d->drive)
        for (i = 0; i < NROWS * NCOLS; i++)
            if (d->drive >> i & 1)
                d->on_time[i / NCOLS][i % NCOLS] += dt;
    d->last = now;
}

/* Ends the scan that started at frame_start. */
static void end_scan(mb_t *mb)
{
    mb_display *d = &mb->disp;
    uint64_t len = mb_now(mb) - d->frame_start;
    uint8_t img[5][5];
    unsigned r, c;

    accumulate(mb);
    memset(img, 0, sizeof(img));
    if (len)
        for (c = 0; c < NCOLS; c++)
            for (r = 0; r < NROWS; r++) {
                unsigned level = 0;

                if (map[c][r][0] < 0)
                    continue;
                /* on * 3 / len >= 3/4 * 2^(k-9)  <=>  on * 2048 >= len << k */
                while (level < 9 && d->on_time[r][c] * 2048 >= len << (level + 1))
                    level++;
                img[map[c][r][1]][map[c][r][0]] = (uint8_t)level;
            }
    memset(d->on_time, 0, sizeof(d->on_time));
    d->frame_start = mb_now(mb);
    if (!memcmp(img, d->cand, sizeof(img)) && memcmp(img, d->shown, sizeof(img))) {
        memcpy(d->shown, img, sizeof(img));
        if (mb->on_display)
            mb->on_display(mb->display_opaque, mb_now(mb), &d->shown[0][0]);
    }
    memcpy(d->cand, img, sizeof(img));
    mb_schedule(mb, MB_T_DISPLAY, mb_now(mb) + TIMEOUT_CYCLES);
}

void mb_display_drive(mb_t *mb)
{
    mb_display *d = &mb->disp;
    uint32_t lit = lit_now(mb), out, dir;
    int row0;

    mb_gpio_drive(mb, &out, &dir);
    row0 = (int)((dir & out) >> ROW0_PIN & 1);
    if (row0 && !d->row0_was_on)
        end_scan(mb);
    d->row0_was_on = row0;
    if (lit == d->drive)
        return;
    accumulate(mb);
    d->drive = lit;
}

static void display_timeout(mb_t *mb, void *opaque)
{
    (void)opaque;
    end_scan(mb);
}

void mb_display_init(mb_t *mb)
{
    mb_slot_init(mb, MB_T_DISPLAY, display_timeout, NULL);
}

void mb_display_reset(mb_t *mb)
{
    mb_display *d = &mb->disp;

    memset(d, 0, sizeof(*d));
    d->last = d->frame_start = mb_now(mb);
    mb_schedule(mb, MB_T_DISPLAY, mb_now(mb) + TIMEOUT_CYCLES);
}

void emk_microbit_display(const emk_microbit *mb, uint8_t leds[25])
{
    memcpy(leds, mb->disp.shown, sizeof(mb->disp.shown));
}

void emk_microbit_on_display(emk_microbit *mb, emk_microbit_display_fn fn,
                             void *opaque)
{
    mb->on_display = fn;
    mb->display_opaque = opaque;
}

void emk_microbit_on_pin(emk_microbit *mb, emk_microbit_pin_fn fn, void *opaque)
{
    mb->on_pin = fn;
    mb->pin_opaque = opaque;
}
