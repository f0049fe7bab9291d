/*
 * emkit/arduino.h - an Arduino board: an ATmega328P (emkit/atmega328p.h)
 * wired by a netlist to parts, with a voltage on every net.
 *
 * Netlist format (docs/arduino.md; the Uno's is hw/arduino/uno.net and
 * emk_board_uno_netlist()), one statement per line, '#' comments:
 *
 *   board uno atmega328p 16000000
 *   net LED_BUILTIN PB5          # a net on MCU pin PB5 (PB0..PD7, PC0..PC6)
 *   net VIN                      # a net on no MCU pin
 *   part led L LED_BUILTIN r=1000 vf=2.0
 *   part button BUTTON1 D2 pull=ext     # to GND when pressed
 *   part switch SWITCH1 D4              # pull=int (the MCU's pull-up)
 *   part pot POT1 A0 value=0.5          # wiper position 0..1 of Vcc
 *   part lm35 TEMP1 A1 value=25         # 10 mV per degree C
 *   part thermistor THERM1 A2 value=25 r=10000 beta=3950   # NTC to GND,
 *                                       # r to Vcc (a divider)
 *   part serial UART0 D0 D1             # USART0's RX and TX nets
 *
 * Voltages: a net on an MCU output is 0 or Vcc; else the parts that drive
 * it (a pot, a sensor, a pressed button, a value set from outside) set
 * it; else a pull-up (internal or pull=ext) holds it at Vcc; else it
 * floats (0 V, flagged).  Inputs see a net as high above 0.6 Vcc, low
 * below 0.3 Vcc (unchanged between).  A net toggling faster than 20 Hz is
 * PWM: its duty and frequency come from its last full period of edges;
 * slower, or with no edge for two periods, it reads as steady at its
 * level.
 */
#ifndef EMKIT_ARDUINO_H
#define EMKIT_ARDUINO_H

#include <stddef.h>

#include "emkit/atmega328p.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_board_limits {
    EMK_BOARD_MAX_NETS = 64,
    EMK_BOARD_MAX_PARTS = 32,
    EMK_BOARD_NAME_MAX = 32,
    EMK_BOARD_MAX_ALIASES = 16
};

/** Part kinds. */
enum emk_board_part_kind {
    EMK_PART_LED = 1, EMK_PART_BUTTON = 2, EMK_PART_SWITCH = 3, EMK_PART_POT = 4,
    EMK_PART_LM35 = 5, EMK_PART_THERMISTOR = 6, EMK_PART_SERIAL = 7
};

/** One net. */
typedef struct emk_board_net {
    char name[EMK_BOARD_NAME_MAX];
    int port, bit;                 /**< MCU pin, or -1 */
    double volts;
    int floating;                  /**< nothing drives or pulls it */
    int level;                     /**< digital level the MCU reads */
    int forced;                    /**< set from outside (emk_board_set_input) */
    double forced_volts;
    unsigned mcu_state;            /**< emk_m328p_pin_state */
    /* PWM measurement, in cycles */
    uint64_t rise, fall, prev_rise, period, high;
    uint64_t edges;
} emk_board_net;

/** One part. */
typedef struct emk_board_part {
    int kind;
    char name[EMK_BOARD_NAME_MAX];
    int net, net2;                 /**< nets (net2: serial TX), -1 if none */
    double value;                  /**< pot position, degrees C, pressed 0/1 */
    double r, vf, beta;            /**< ohms, LED forward volts, NTC beta */
    int pull_ext;                  /**< button/switch: external pull-up */
} emk_board_part;

/** A board. */
typedef struct emk_board {
    emk_m328p mcu;                 /**< first: the microcontroller */
    char name[EMK_BOARD_NAME_MAX];
    uint32_t clock_hz;
    emk_board_net net[EMK_BOARD_MAX_NETS];
    unsigned nnets;
    emk_board_part part[EMK_BOARD_MAX_PARTS];
    unsigned nparts;
    int pin_net[EMK_M328P_NPORTS][8];   /**< net of each MCU pin, or -1 */
    char alias[EMK_BOARD_MAX_ALIASES][EMK_BOARD_NAME_MAX];
    int alias_net[EMK_BOARD_MAX_ALIASES];
    unsigned naliases;
    /** called when a net's volts change (after the MCU or a part moved it) */
    void (*on_net)(void *opaque, const emk_board_net *n, uint64_t cycle);
    /** called for every byte USART0 sends */
    void (*on_uart)(void *opaque, uint8_t b);
    void *opaque;
    char error[128];               /**< why emk_board_init failed */
} emk_board;

/** The Uno netlist shipped in the tree (hw/arduino/uno.net), as text. */
EMK_API const char *emk_board_uno_netlist(void);

/** Parses netlist text (NULL: the Uno's) and sets up the board and its
 *  MCU.  0, or -EINVAL with b->error saying which line and why. */
EMK_API int emk_board_init(emk_board *b, const char *netlist, size_t len);

/** Index of the net called name, or -ENOENT. */
EMK_API int emk_board_find_net(const emk_board *b, const char *name);

/** Index of the part called name, or -ENOENT. */
EMK_API int emk_board_find_part(const emk_board *b, const char *name);

/** Drives net from outside at volts (0..Vcc), as a UI or a test probe
 *  would; volts < 0 releases it.  0, -ENOENT or -ERANGE. */
EMK_API int emk_board_set_input(emk_board *b, int net, double volts);

/** Sets a part's value: a pot's position (0..1), a sensor's temperature
 *  (degrees C, -55..150), a button or switch (1 pressed/closed, 0 open).
 *  0, -ENOENT, -EINVAL (a part with no value) or -ERANGE. */
EMK_API int emk_board_part_set(emk_board *b, int part, double value);

/** The PWM measure of net at the current cycle: duty 0..1 and frequency
 *  in Hz (0 if steady: no edge for two periods, or slower than 20 Hz).
 *  0 or -ENOENT. */
EMK_API int emk_board_net_pwm(const emk_board *b, int net, double *duty, double *hz);

/** The average voltage of net over its last PWM period (its volts if
 *  steady). */
EMK_API double emk_board_net_avg_volts(const emk_board *b, int net);

/** An LED part's brightness 0..1 (its net's duty while forward-biased). */
EMK_API double emk_board_led_brightness(const emk_board *b, int part);

/** Recomputes every net from the MCU's pins and the parts. */
EMK_API void emk_board_update(emk_board *b);

/** Pin name ("PB5") to port and bit.  0 or -EINVAL. */
EMK_API int emk_board_parse_pin(const char *s, unsigned *port, unsigned *bit);

#ifdef __cplusplus
}
#endif

#endif
