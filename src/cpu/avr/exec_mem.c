/* exec_mem.c - data transfer: MOV MOVW LDI, LD/ST through X, Y, Z with
 * post-increment, pre-decrement and displacement, LDS/STS, PUSH/POP,
 * LPM and IN/OUT.  Cycles: 2 for every load and store (LDS/STS
 * included), 3 for LPM, 1 for the rest. */
#include "flags.h"

#define RD (EMK_AVR_RD(op))
enum { RX = 26, RY = 28, RZ = 30 };

unsigned emk_avr_op_mov(emk_avr *cpu, uint16_t op)
{
    cpu->data[RD] = cpu->data[EMK_AVR_RR(op)];
    cpu->pc++;
    return 1;
}

unsigned emk_avr_op_movw(emk_avr *cpu, uint16_t op)
{
    unsigned d = ((op >> 4) & 15) * 2, r = (op & 15) * 2;

    cpu->data[d] = cpu->data[r];
    cpu->data[d + 1] = cpu->data[r + 1];
    cpu->pc++;
    return 1;
}

unsigned emk_avr_op_ldi(emk_avr *cpu, uint16_t op)
{
    cpu->data[EMK_AVR_RD16(op)] = EMK_AVR_K8(op);
    cpu->pc++;
    return 1;
}

/* Displacement q: 10q0 qq0d dddd yqqq. */
#define DISP(op) ((((op) >> 8) & 0x20) | (((op) >> 7) & 0x18) | ((op) & 7))

static unsigned ld_at(emk_avr *cpu, uint16_t op, uint16_t addr)
{
    cpu->data[RD] = emk_avr_ld(cpu, addr);
    cpu->pc++;
    return 2;
}

static unsigned st_at(emk_avr *cpu, uint16_t op, uint16_t addr)
{
    emk_avr_st(cpu, addr, cpu->data[RD]);
    cpu->pc++;
    return 2;
}

unsigned emk_avr_op_ldd_y(emk_avr *cpu, uint16_t op)
{
    return ld_at(cpu, op, (uint16_t)(emk_avr_reg16(cpu, RY) + DISP(op)));
}

unsigned emk_avr_op_ldd_z(emk_avr *cpu, uint16_t op)
{
    return ld_at(cpu, op, (uint16_t)(emk_avr_reg16(cpu, RZ) + DISP(op)));
}

unsigned emk_avr_op_std_y(emk_avr *cpu, uint16_t op)
{
    return st_at(cpu, op, (uint16_t)(emk_avr_reg16(cpu, RY) + DISP(op)));
}

unsigned emk_avr_op_std_z(emk_avr *cpu, uint16_t op)
{
    return st_at(cpu, op, (uint16_t)(emk_avr_reg16(cpu, RZ) + DISP(op)));
}

unsigned emk_avr_op_lds(emk_avr *cpu, uint16_t op)
{
    uint16_t a = emk_avr_flash_word(cpu, cpu->pc + 1);

    cpu->data[RD] = emk_avr_ld(cpu, a);
    cpu->pc += 2;
    return 2;
}

unsigned emk_avr_op_sts(emk_avr *cpu, uint16_t op)
{
    uint16_t a = emk_avr_flash_word(cpu, cpu->pc + 1);

    emk_avr_st(cpu, a, cpu->data[RD]);
    cpu->pc += 2;
    return 2;
}

/* Pointer modes: inc = +1 after, dec = -1 before.  The result of
 * "LD r26, X+" and friends is undefined in the manual; the register load
 * wins here, as in simavr. */
static unsigned ld_ptr(emk_avr *cpu, uint16_t op, unsigned p, int mode)
{
    uint16_t a = emk_avr_reg16(cpu, p);

    if (mode < 0)
        a--;
    emk_avr_set_reg16(cpu, p, (uint16_t)(mode > 0 ? a + 1 : a));
    cpu->data[RD] = emk_avr_ld(cpu, a);
    cpu->pc++;
    return 2;
}

static unsigned st_ptr(emk_avr *cpu, uint16_t op, unsigned p, int mode)
{
    uint16_t a = emk_avr_reg16(cpu, p);
    uint8_t v = cpu->data[RD];

    if (mode < 0)
        a--;
    emk_avr_set_reg16(cpu, p, (uint16_t)(mode > 0 ? a + 1 : a));
    emk_avr_st(cpu, a, v);
    cpu->pc++;
    return 2;
}

unsigned emk_avr_op_ld_x(emk_avr *cpu, uint16_t op) { return ld_ptr(cpu, op, RX, 0); }
unsigned emk_avr_op_ld_xi(emk_avr *cpu, uint16_t op) { return ld_ptr(cpu, op, RX, 1); }
unsigned emk_avr_op_ld_dx(emk_avr *cpu, uint16_t op) { return ld_ptr(cpu, op, RX, -1); }
unsigned emk_avr_op_ld_yi(emk_avr *cpu, uint16_t op) { return ld_ptr(cpu, op, RY, 1); }
unsigned emk_avr_op_ld_dy(emk_avr *cpu, uint16_t op) { return ld_ptr(cpu, op, RY, -1); }
unsigned emk_avr_op_ld_zi(emk_avr *cpu, uint16_t op) { return ld_ptr(cpu, op, RZ, 1); }
unsigned emk_avr_op_ld_dz(emk_avr *cpu, uint16_t op) { return ld_ptr(cpu, op, RZ, -1); }
unsigned emk_avr_op_st_x(emk_avr *cpu, uint16_t op) { return st_ptr(cpu, op, RX, 0); }
unsigned emk_avr_op_st_xi(emk_avr *cpu, uint16_t op) { return st_ptr(cpu, op, RX, 1); }
unsigned emk_avr_op_st_dx(emk_avr *cpu, uint16_t op) { return st_ptr(cpu, op, RX, -1); }
unsigned emk_avr_op_st_yi(emk_avr *cpu, uint16_t op) { return st_ptr(cpu, op, RY, 1); }
unsigned emk_avr_op_st_dy(emk_avr *cpu, uint16_t op) { return st_ptr(cpu, op, RY, -1); }
unsigned emk_avr_op_st_zi(emk_avr *cpu, uint16_t op) { return st_ptr(cpu, op, RZ, 1); }
unsigned emk_avr_op_st_dz(emk_avr *cpu, uint16_t op) { return st_ptr(cpu, op, RZ, -1); }

unsigned emk_avr_op_push(emk_avr *cpu, uint16_t op)
{
    emk_avr_push8(cpu, cpu->data[RD]);
    cpu->pc++;
    return 2;
}

unsigned emk_avr_op_pop(emk_avr *cpu, uint16_t op)
{
    cpu->data[RD] = emk_avr_pop8(cpu);
    cpu->pc++;
    return 2;
}

unsigned emk_avr_op_lpm0(emk_avr *cpu, uint16_t op)
{
    (void)op;
    cpu->data[0] = emk_avr_lpm_byte(cpu, emk_avr_reg16(cpu, RZ));
    cpu->pc++;
    return 3;
}

unsigned emk_avr_op_lpm(emk_avr *cpu, uint16_t op)
{
    cpu->data[RD] = emk_avr_lpm_byte(cpu, emk_avr_reg16(cpu, RZ));
    cpu->pc++;
    return 3;
}

unsigned emk_avr_op_lpm_i(emk_avr *cpu, uint16_t op)
{
    uint16_t z = emk_avr_reg16(cpu, RZ);

    emk_avr_set_reg16(cpu, RZ, (uint16_t)(z + 1));
    cpu->data[RD] = emk_avr_lpm_byte(cpu, z);
    cpu->pc++;
    return 3;
}

#define IOA(op) (EMK_AVR_IO_START + (((op) >> 5) & 0x30) + ((op) & 15))

unsigned emk_avr_op_in(emk_avr *cpu, uint16_t op)
{
    cpu->data[RD] = emk_avr_ld(cpu, (uint16_t)IOA(op));
    cpu->pc++;
    return 1;
}

unsigned emk_avr_op_out(emk_avr *cpu, uint16_t op)
{
    emk_avr_st(cpu, (uint16_t)IOA(op), cpu->data[RD]);
    cpu->pc++;
    return 1;
}
