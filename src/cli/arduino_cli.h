/* arduino_cli.h - the pieces of `emkit arduino`: the UART backends
 * (arduino_uart.c), the VCD of the board's nets (arduino_vcd.c) and the
 * firmware loader (arduino_load.c).  arduino.c runs the machine. */
#ifndef EMKIT_CLI_ARDUINO_H
#define EMKIT_CLI_ARDUINO_H

#include <stdio.h>

#include "emkit/arduino.h"
#include "emkit/events.h"
#include "emkit/vcd.h"

/* A serial line for USART0: stdio, a pseudo-terminal or a Unix socket. */
typedef struct emk_ard_uart {
    int kind;                   /* 0 none, 1 stdio, 2 pty, 3 unix */
    int in_fd, out_fd;          /* -1 when closed */
    int listen_fd;              /* unix: the listening socket */
    int pty_open;               /* pty: a program has the other side open */
    char path[256];             /* pty slave name or socket path */
    int reset_request;          /* a client connected: pulse RESET (DTR) */
    unsigned char out[4096];
    size_t nout;
} emk_ard_uart;

/* Opens the backend named by spec ("stdio", "pty", "unix:PATH").  0 or -1
 * with a message on stderr. */
int emk_ard_uart_open(emk_ard_uart *u, const char *spec);
/* Moves waiting host bytes into the MCU and MCU bytes out; notices
 * connections (reset_request). */
void emk_ard_uart_poll(emk_ard_uart *u, emk_m328p *m);
/* Queues one byte the firmware sent. */
void emk_ard_uart_put(emk_ard_uart *u, unsigned char c);
/* The fd to wait on while idle, or -1. */
int emk_ard_uart_fd(const emk_ard_uart *u);
void emk_ard_uart_close(emk_ard_uart *u);

/* The VCD of every net on an MCU pin. */
typedef struct emk_ard_vcd {
    FILE *f;
    emk_vcd v;
    emk_vcd_signal sig[EMK_BOARD_MAX_NETS];
    int net_sig[EMK_BOARD_MAX_NETS];
    uint32_t clock_hz;
} emk_ard_vcd;

int emk_ard_vcd_open(emk_ard_vcd *w, const char *path, const emk_board *b);
void emk_ard_vcd_net(emk_ard_vcd *w, const emk_board_net *n, const emk_board *b,
                     uint64_t cycle);
void emk_ard_vcd_close(emk_ard_vcd *w, uint64_t cycle);

/* A pwm-stream subscription: the net's edges in the current slice. */
enum { EMK_ARD_STREAMS = 4, EMK_ARD_STREAM_EDGES = 2048 };
typedef struct emk_ard_stream {
    int net;                       /* -1: off */
    uint32_t rate;                 /* samples per second of emulated time */
    int level0;                    /* level at the slice's start */
    uint64_t edge[EMK_ARD_STREAM_EDGES];
    uint8_t lvl[EMK_ARD_STREAM_EDGES];
    unsigned nedges;
} emk_ard_stream;

/* The board on the event protocol (arduino_events.c, docs/events.md). */
typedef struct emk_ard_events {
    emk_events ev;
    emk_board *b;
    int open, stopped, quit;
    emk_ard_stream stream[EMK_ARD_STREAMS];
    uint64_t slice_start;
    double last_volts[EMK_BOARD_MAX_NETS], last_duty[EMK_BOARD_MAX_NETS];
    double last_hz[EMK_BOARD_MAX_NETS];
    char uart[1024];
    size_t nuart;
} emk_ard_events;

/* Listens on spec for protocol clients.  0 or -1 with a message. */
int emk_ard_events_open(emk_ard_events *e, const char *spec, emk_board *b);
/* Serves clients (waiting up to timeout_ms) and sends the events of the
 * slice just run. */
void emk_ard_events_tick(emk_ard_events *e, int timeout_ms);
/* Records a net's change, for pwm-stream. */
void emk_ard_events_net(emk_ard_events *e, const emk_board_net *n, uint64_t cycle);
/* Records a byte the firmware sent, for the next UART event. */
void emk_ard_events_uart(emk_ard_events *e, unsigned char c);
void emk_ard_events_close(emk_ard_events *e);

/* Loads FILE (Intel HEX, or ELF by its magic) into the MCU's flash.
 * 0 or -1 with a message. */
int emk_ard_load(emk_m328p *m, const char *path, uint32_t *hi);

/* Reads a whole file (NUL added); NULL with a message on failure. */
char *emk_ard_slurp(const char *path, size_t *len);

#endif
