/*
 * csr.c - the user-level CSRs of RV64GC: fflags, frm, fcsr and the
 * read-only counters cycle, time (10 MHz from the host's monotonic clock)
 * and instret.  Anything else is an illegal instruction.
 */
#include <time.h>

#include "rv64_int.h"

enum { CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
       CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02 };

static uint64_t now_ticks(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 10000000u + (uint64_t)ts.tv_nsec / 100u;
}

int emk_rv64_csr(emk_rv64_cpu *cpu, uint32_t n, uint64_t *old, int wr, uint64_t val)
{
    switch (n) {
    case CSR_FFLAGS:
        if (wr) emk_rv64_set_fflags(cpu, (uint32_t)val);
        else *old = emk_rv64_get_fflags(cpu);
        return 0;
    case CSR_FRM:
        if (wr) cpu->frm = (uint32_t)val & 7;
        else *old = cpu->frm;
        return 0;
    case CSR_FCSR:
        if (wr) {
            emk_rv64_set_fflags(cpu, (uint32_t)val);
            cpu->frm = ((uint32_t)val >> 5) & 7;
        } else {
            *old = emk_rv64_get_fflags(cpu) | (cpu->frm << 5);
        }
        return 0;
    case CSR_CYCLE: case CSR_INSTRET:
        if (wr) return -1;
        *old = cpu->instret;
        return 0;
    case CSR_TIME:
        if (wr) return -1;
        *old = now_ticks();
        return 0;
    default:
        return -1;
    }
}
