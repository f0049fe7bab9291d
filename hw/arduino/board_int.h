/* board_int.h - private to hw/arduino/. */
#ifndef EMKIT_BOARD_INT_H
#define EMKIT_BOARD_INT_H

#include "emkit/arduino.h"

/* netlist.c */
int emk_board_parse(emk_board *b, const char *text, size_t len);

/* parts.c: range check of a part's value; what parts do to net n:
 * *strong = a driven voltage (returns 1), *pull = a pull-up on it. */
int emk_board_part_check(const emk_board_part *p);
int emk_board_parts_drive(const emk_board *b, int n, double vcc, double *volts, int *pull);

#endif
