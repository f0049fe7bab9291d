/* microbit_cli.h - pieces of `emkit microbit` shared by its two files. */
#ifndef EMKIT_CLI_MICROBIT_H
#define EMKIT_CLI_MICROBIT_H

#include <stdio.h>

#include "emkit/microbit.h"

typedef struct mbcli_uart {
    int in, out;          /* fds; the same for a pty or a socket */
    int interactive;      /* a person (tty, pty, socket): pace in real time */
    int eof;
} mbcli_uart;

/* spec: "stdio", "pty" or "unix:PATH".  0, or -1 after a message. */
int mbcli_uart_open(mbcli_uart *u, const char *spec);
void mbcli_uart_close(mbcli_uart *u);
/* Writes path's contents as the MicroPython script area.  0 or -1. */
int mbcli_embed_script(emk_microbit *mb, const char *path);
/* Reads a whole file (at most 64 MiB); NULL with errno. */
char *mbcli_read_file(const char *path, size_t *len);
/* One display frame: "T_US r0:r1:r2:r3:r4" digits, or 5x5 art. */
void mbcli_print_frame(FILE *out, uint64_t t, const uint8_t *leds, int art);

#endif
