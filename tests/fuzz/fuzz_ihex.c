/* libFuzzer target: the Intel HEX and ELF loaders (emk_avr_load_ihex,
 * emk_avr_load_elf) and the board netlist parser, on the same input. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/arduino.h"

static emk_avr cpu;
static emk_board board;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t hi = 0;
    int r;

    if (emk_avr_init(&cpu, emk_avr_atmega328p()) < 0)
        abort();
    r = emk_avr_load_ihex(&cpu, (const char *)data, size, &hi);
    if (r == 0 && hi > EMK_AVR_FLASH_MAX)
        abort();
    if (r < 0 && r != -EINVAL && r != -ERANGE)
        abort();
    r = emk_avr_load_elf(&cpu, data, size, &hi);
    if (r == 0 && hi > EMK_AVR_FLASH_MAX)
        abort();
    if (size < 8192) {
        r = emk_board_init(&board, (const char *)data, size);
        if (r < 0 && (!board.error[0] || !memchr(board.error, 0, sizeof(board.error))))
            abort();     /* every refusal says why */
    }
    return 0;
}
