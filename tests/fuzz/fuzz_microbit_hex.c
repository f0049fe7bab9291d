/* fuzz_microbit_hex.c - the micro:bit's Intel HEX loader on any text:
 * bad records are refused with a message, data lands only in flash or
 * UICR, nothing else is written. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "emkit/microbit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static emk_microbit *mb;
    char msg[128];
    int err, r;

    if (!mb && !(mb = emk_microbit_new(&err)))
        return 0;
    msg[0] = 0;
    r = emk_microbit_load_hex(mb, (const char *)data, size, msg, sizeof(msg));
    if (r < 0 && strncmp(msg, "line ", 5) != 0)
        __builtin_trap();      /* every refusal names its line */
    return 0;
}
