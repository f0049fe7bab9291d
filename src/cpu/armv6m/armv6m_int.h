/* armv6m_int.h - private parts of the ARMv6-M core: memory access through
 * the windows or the callbacks, the flags, and the pieces the files share. */
#ifndef EMKIT_ARMV6M_INT_H
#define EMKIT_ARMV6M_INT_H

#include <string.h>

#include "compat.h"
#include "emkit/armv6m.h"

/* Private constants (above INT_MAX, so not enums). */
#define SCS_BASE 0xE000E000u
#define SCS_SIZE 0x1000u
#define EXC_RETURN_MIN 0xF0000000u

/* ---- memory ------------------------------------------------------------ */

int emk_armv6m_scs_read(emk_armv6m *cpu, uint32_t off, unsigned size,
                        uint32_t *v);
int emk_armv6m_scs_write(emk_armv6m *cpu, uint32_t off, unsigned size,
                         uint32_t v);

static inline uint8_t *v6m_host(emk_armv6m *cpu, uint32_t addr, unsigned size,
                                int wr)
{
    unsigned i;

    for (i = 0; i < EMK_ARMV6M_NWINDOWS; i++) {
        emk_armv6m_window *w = &cpu->win[i];
        uint32_t off = addr - w->base;

        if (off < w->size && w->size - off >= size) {
            if (wr && !w->writable)
                return NULL;
            return w->host + off;
        }
    }
    return NULL;
}

static inline uint32_t v6m_get(const uint8_t *p, unsigned size)
{
    if (size == 4)
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
               (uint32_t)p[3] << 24;
    if (size == 2)
        return (uint32_t)p[0] | (uint32_t)p[1] << 8;
    return p[0];
}

static inline void v6m_put(uint8_t *p, unsigned size, uint32_t v)
{
    p[0] = (uint8_t)v;
    if (size >= 2)
        p[1] = (uint8_t)(v >> 8);
    if (size == 4) {
        p[2] = (uint8_t)(v >> 16);
        p[3] = (uint8_t)(v >> 24);
    }
}

/* Loads size bytes at addr.  0, or -EFAULT (unaligned, bus error). */
static inline int v6m_load(emk_armv6m *cpu, uint32_t addr, unsigned size,
                           uint32_t *v)
{
    uint8_t *p;

    if (addr & (size - 1))
        return -EFAULT;
    p = v6m_host(cpu, addr, size, 0);
    if (emk_likely(p != NULL)) {
        *v = v6m_get(p, size);
        return 0;
    }
    if (addr - SCS_BASE < SCS_SIZE)
        return emk_armv6m_scs_read(cpu, addr - SCS_BASE, size, v);
    if (!cpu->ops || !cpu->ops->read)
        return -EFAULT;
    return cpu->ops->read(cpu->opaque, addr, size, v) < 0 ? -EFAULT : 0;
}

static inline int v6m_store(emk_armv6m *cpu, uint32_t addr, unsigned size,
                            uint32_t v)
{
    uint8_t *p;

    if (addr & (size - 1))
        return -EFAULT;
    p = v6m_host(cpu, addr, size, 1);
    if (emk_likely(p != NULL)) {
        v6m_put(p, size, v);
        return 0;
    }
    if (addr - SCS_BASE < SCS_SIZE)
        return emk_armv6m_scs_write(cpu, addr - SCS_BASE, size, v);
    if (!cpu->ops || !cpu->ops->write)
        return -EFAULT;
    return cpu->ops->write(cpu->opaque, addr, size, v) < 0 ? -EFAULT : 0;
}

/* ---- flags ------------------------------------------------------------- */

static inline void v6m_nz(emk_armv6m *cpu, uint32_t r)
{
    cpu->nres = r;
    cpu->zres = r;
}

static inline uint32_t v6m_apsr(const emk_armv6m *cpu)
{
    return (cpu->nres & 0x80000000u) | (cpu->zres ? 0 : 0x40000000u) |
           (cpu->cf ? 0x20000000u : 0) | (cpu->vf ? 0x10000000u : 0);
}

static inline void v6m_set_apsr(emk_armv6m *cpu, uint32_t v)
{
    cpu->nres = v & 0x80000000u;
    cpu->zres = (v & 0x40000000u) ? 0 : 1;
    cpu->cf = (v >> 29) & 1;
    cpu->vf = (v >> 28) & 1;
}

/* x + y + carry with NZCV. */
static inline uint32_t v6m_adc(emk_armv6m *cpu, uint32_t x, uint32_t y,
                               uint32_t carry)
{
    uint64_t wide = (uint64_t)x + y + carry;
    uint32_t r = (uint32_t)wide;

    cpu->cf = (uint32_t)(wide >> 32);
    cpu->vf = ((x ^ r) & (y ^ r)) >> 31;
    v6m_nz(cpu, r);
    return r;
}

/* ---- the rest ------------------------------------------------------------ */

/* Executes one 16-bit instruction at pc (already fetched), or the first
 * half of a 32-bit one.  Returns the cycles taken. */
unsigned emk_armv6m_exec16(emk_armv6m *cpu, uint32_t pc, uint32_t insn);
/* Executes a 32-bit instruction. */
unsigned emk_armv6m_exec32(emk_armv6m *cpu, uint32_t pc, uint32_t hw1,
                           uint32_t hw2);

/* Takes a synchronous fault (HardFault) for the instruction at pc;
 * returns the cycles of the exception entry. */
unsigned emk_armv6m_fault(emk_armv6m *cpu, uint32_t pc);
/* Writes a new PC from BX/BLX/POP/LDR: interworking and exception return.
 * Returns extra cycles (exception return) */
unsigned emk_armv6m_bx(emk_armv6m *cpu, uint32_t target);
/* Pends exception n (SVC, PendSV, ...) */
void emk_armv6m_pend(emk_armv6m *cpu, unsigned n);
/* If an exception should be taken now, takes it and returns its cycles. */
unsigned emk_armv6m_check(emk_armv6m *cpu);
/* Priority of exception n: -3..255. */
int emk_armv6m_prio(const emk_armv6m *cpu, unsigned n);
/* Execution priority: 256 with nothing active and PRIMASK clear. */
int emk_armv6m_exec_prio(const emk_armv6m *cpu, int with_primask);
/* Highest-priority enabled pending exception number, 0 if none. */
unsigned emk_armv6m_best_pending(const emk_armv6m *cpu, int *prio);
/* SysTick's current value and its update on the passage of time. */
uint32_t emk_armv6m_syst_cvr(const emk_armv6m *cpu);
void emk_armv6m_syst_tick(emk_armv6m *cpu);
/* Re-evaluates wake-up from sleep. */
void emk_armv6m_wake_check(emk_armv6m *cpu);
/* Handler mode? */
static inline int v6m_handler(const emk_armv6m *cpu)
{
    return cpu->ipsr != 0;
}
/* Switches the current SP between MSP and PSP when SPSEL/mode change. */
void emk_armv6m_sp_select(emk_armv6m *cpu, int use_psp);
static inline int v6m_using_psp(const emk_armv6m *cpu)
{
    return !v6m_handler(cpu) && (cpu->control & 2);
}

#endif
