/* fuzz_armv6m.c - the Cortex-M0 core on the micro:bit board, running
 * random flash: the input is the flash image (vector table first), so
 * every instruction, exception entry and return, fault and lockup path
 * and every peripheral register the code reaches is exercised.  Nothing
 * may touch host memory outside the board, whatever the code does; each
 * input runs on a fresh board for at most 200000 cycles. */
#include <stddef.h>
#include <stdint.h>

#include "emkit/microbit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static emk_microbit *mb;
    static const uint8_t erased[EMK_MICROBIT_FLASH_SIZE];
    static size_t last = 4096;
    int err;

    if (!mb && !(mb = emk_microbit_new(&err)))
        return 0;
    if (size > EMK_MICROBIT_FLASH_SIZE)
        size = EMK_MICROBIT_FLASH_SIZE;
    /* a fresh image: the input, zeros where earlier inputs were */
    (void)emk_microbit_load_bin(mb, 0, erased, last);
    last = size > 4096 ? size : 4096;
    (void)emk_microbit_load_bin(mb, 0, data, size);
    emk_microbit_reset(mb);
    (void)emk_microbit_run(mb, emk_microbit_now(mb) + 200000, 1);
    return 0;
}
