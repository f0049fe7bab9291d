/* exec_branch.c - flow control: RJMP (2) RCALL (3) JMP (3) CALL (4)
 * IJMP (2) ICALL (3) RET (4) RETI (4), the skips CPSE SBRC SBRS SBIC SBIS
 * (1, 2 over a one-word and 3 over a two-word instruction), BRBS/BRBC
 * (1, 2 taken), and the MCU control ops NOP SLEEP BREAK WDR (1 each). */
#include "flags.h"

#define SREG (cpu->data[EMK_AVR_SREG])

unsigned emk_avr_op_nop(emk_avr *cpu, uint16_t op)
{
    (void)op;
    cpu->pc++;
    return 1;
}

unsigned emk_avr_op_illegal(emk_avr *cpu, uint16_t op)
{
    /* Reserved opcodes are undefined; run them as NOP, counted, and skip
     * the second word of a two-word one so execution stays aligned. */
    cpu->illegal++;
    cpu->pc += emk_avr_is_two_word(op) ? 2 : 1;
    return 1;
}

static int32_t sext(uint32_t v, unsigned bits)
{
    uint32_t m = 1u << (bits - 1);

    return (int32_t)((v ^ m) - m);
}

unsigned emk_avr_op_rjmp(emk_avr *cpu, uint16_t op)
{
    cpu->pc = (uint32_t)(cpu->pc + 1 + sext(op & 0xFFF, 12)) & cpu->flash_mask;
    return 2;
}

unsigned emk_avr_op_rcall(emk_avr *cpu, uint16_t op)
{
    emk_avr_push_pc(cpu, cpu->pc + 1);
    cpu->pc = (uint32_t)(cpu->pc + 1 + sext(op & 0xFFF, 12)) & cpu->flash_mask;
    return 3;
}

static uint32_t long_target(emk_avr *cpu, uint16_t op)
{
    uint32_t hi = ((uint32_t)(op >> 3) & 0x3E) | (op & 1);

    return ((hi << 16) | emk_avr_flash_word(cpu, cpu->pc + 1)) & cpu->flash_mask;
}

unsigned emk_avr_op_jmp(emk_avr *cpu, uint16_t op)
{
    cpu->pc = long_target(cpu, op);
    return 3;
}

unsigned emk_avr_op_call(emk_avr *cpu, uint16_t op)
{
    uint32_t t = long_target(cpu, op);

    emk_avr_push_pc(cpu, cpu->pc + 2);
    cpu->pc = t;
    return 4;
}

unsigned emk_avr_op_ijmp(emk_avr *cpu, uint16_t op)
{
    (void)op;
    cpu->pc = emk_avr_reg16(cpu, 30) & cpu->flash_mask;
    return 2;
}

unsigned emk_avr_op_icall(emk_avr *cpu, uint16_t op)
{
    (void)op;
    emk_avr_push_pc(cpu, cpu->pc + 1);
    cpu->pc = emk_avr_reg16(cpu, 30) & cpu->flash_mask;
    return 3;
}

unsigned emk_avr_op_ret(emk_avr *cpu, uint16_t op)
{
    (void)op;
    cpu->pc = emk_avr_pop_pc(cpu);
    return 4;
}

unsigned emk_avr_op_reti(emk_avr *cpu, uint16_t op)
{
    (void)op;
    cpu->pc = emk_avr_pop_pc(cpu);
    SREG |= EMK_AVR_I;
    cpu->inhibit = 1;     /* one instruction of the main program first */
    return 4;
}

/* A skip: over the next instruction (one or two words) when taken. */
static unsigned skip_if(emk_avr *cpu, int cond)
{
    if (!cond) {
        cpu->pc++;
        return 1;
    }
    if (emk_avr_is_two_word(emk_avr_flash_word(cpu, cpu->pc + 1))) {
        cpu->pc += 3;
        return 3;
    }
    cpu->pc += 2;
    return 2;
}

unsigned emk_avr_op_cpse(emk_avr *cpu, uint16_t op)
{
    return skip_if(cpu, cpu->data[EMK_AVR_RD(op)] == cpu->data[EMK_AVR_RR(op)]);
}

unsigned emk_avr_op_sbrc(emk_avr *cpu, uint16_t op)
{
    return skip_if(cpu, !(cpu->data[EMK_AVR_RD(op)] & (1u << (op & 7))));
}

unsigned emk_avr_op_sbrs(emk_avr *cpu, uint16_t op)
{
    return skip_if(cpu, (cpu->data[EMK_AVR_RD(op)] & (1u << (op & 7))) != 0);
}

static uint8_t io_bit(emk_avr *cpu, uint16_t op)
{
    return (uint8_t)(emk_avr_ld(cpu, (uint16_t)(EMK_AVR_IO_START + ((op >> 3) & 31))) &
                     (1u << (op & 7)));
}

unsigned emk_avr_op_sbic(emk_avr *cpu, uint16_t op)
{
    return skip_if(cpu, !io_bit(cpu, op));
}

unsigned emk_avr_op_sbis(emk_avr *cpu, uint16_t op)
{
    return skip_if(cpu, io_bit(cpu, op) != 0);
}

static unsigned branch(emk_avr *cpu, uint16_t op, int cond)
{
    if (!cond) {
        cpu->pc++;
        return 1;
    }
    cpu->pc = (uint32_t)(cpu->pc + 1 + sext((op >> 3) & 0x7F, 7)) & cpu->flash_mask;
    return 2;
}

unsigned emk_avr_op_brbs(emk_avr *cpu, uint16_t op)
{
    return branch(cpu, op, (SREG >> (op & 7)) & 1);
}

unsigned emk_avr_op_brbc(emk_avr *cpu, uint16_t op)
{
    return branch(cpu, op, !((SREG >> (op & 7)) & 1));
}

unsigned emk_avr_op_sleep(emk_avr *cpu, uint16_t op)
{
    (void)op;
    cpu->pc++;
    if (cpu->data[EMK_AVR_SMCR] & 1) {       /* SE */
        cpu->state = EMK_AVR_SLEEPING;
        if (cpu->on_sleep)
            cpu->on_sleep(cpu, cpu->hook_opaque);
    }
    return 1;
}

unsigned emk_avr_op_brk(emk_avr *cpu, uint16_t op)
{
    /* BREAK stops for an on-chip debugger; with debugWIRE off (DWEN
     * unprogrammed, as on the Uno) it is a NOP.  Counted for tests. */
    (void)op;
    cpu->pc++;
    cpu->breaks++;
    return 1;
}

unsigned emk_avr_op_wdr(emk_avr *cpu, uint16_t op)
{
    (void)op;
    cpu->pc++;
    if (cpu->on_wdr)
        cpu->on_wdr(cpu, cpu->hook_opaque);
    return 1;
}
