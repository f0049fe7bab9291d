/* fuzz_rv64 - the RV64 decoder and interpreter on random code: the input
 * is copied to the start of a 64 KiB guest window (the rest zero) and run
 * from address 0 for at most 20000 instructions, one step at a time, then
 * once more with the full run loop, stopped at each of at most 2000 taken
 * branches by EMK_RV64_REQ_STOP (straight-line code ends at the window's
 * zero-filled tail, an illegal instruction); an ecall stops either run.  Every access must stay inside the window (the
 * sanitizers watch the host side) and every exit must be a known one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/rv64.h"

enum { WIN = 65536, STEPS = 20000 };

static int stop_on_ecall(emk_rv64_cpu *cpu)
{
    (void)cpu;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t *win;
    emk_rv64_cpu cpu;
    int i, r = 0;

    if (!win && !(win = malloc(WIN)))
        return 0;
    memset(win, 0, WIN);
    memcpy(win, data, size < WIN ? size : WIN);
    if (emk_rv64_init(&cpu, win, WIN) < 0)
        return 0;
    cpu.ecall = stop_on_ecall;
    cpu.x[2] = WIN - 64;
    if (size > 0)
        cpu.frm = data[0] & 7;
    for (i = 0; i < STEPS; i++) {
        r = emk_rv64_step(&cpu);
        if (r)
            break;
        if (cpu.x[0] != 0)
            abort();
    }
    if (r && (r < EMK_RV64_EXIT_ECALL || r > EMK_RV64_EXIT_REQUEST))
        abort();
    if (r == EMK_RV64_EXIT_FAULT && cpu.fault_addr < WIN - 8 && cpu.fault_kind != EMK_RV64_ACC_FETCH)
        abort();   /* a fault inside the window is a bounds bug */
    emk_rv64_cleanup(&cpu);

    memset(win, 0, WIN);
    memcpy(win, data, size < WIN ? size : WIN);
    if (emk_rv64_init(&cpu, win, WIN) < 0)
        return 0;
    cpu.ecall = stop_on_ecall;
    cpu.x[2] = WIN - 64;
    for (i = 0; i < 2000; i++) {
        emk_rv64_kick(&cpu, EMK_RV64_REQ_STOP);
        r = emk_rv64_run(&cpu);
        if (r != EMK_RV64_EXIT_REQUEST)
            break;
    }
    if (r < EMK_RV64_EXIT_ECALL || r > EMK_RV64_EXIT_REQUEST || cpu.x[0] != 0)
        abort();
    if (r == EMK_RV64_EXIT_FAULT && cpu.fault_addr < WIN - 8 && cpu.fault_kind != EMK_RV64_ACC_FETCH)
        abort();
    emk_rv64_cleanup(&cpu);
    return 0;
}
