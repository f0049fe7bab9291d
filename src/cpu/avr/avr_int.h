/* avr_int.h - private to the AVR core (src/cpu/avr/): the op list, the
 * handlers of each instruction group and the data-space fast paths. */
#ifndef EMKIT_AVR_INT_H
#define EMKIT_AVR_INT_H

#include "emkit/avr.h"

/* Every op of avr5.  X(name) in decode order; an op's handler is
 * emk_avr_op_<name> in the group file named beside it. */
#define EMK_AVR_OPS(X) \
    X(illegal)  /* exec_branch.c */ \
    X(nop) X(movw) X(muls) X(mulsu) X(fmul) X(fmuls) X(fmulsu) X(mul) \
    X(cpc) X(sbc) X(add) X(cp) X(sub) X(adc) X(and) X(eor) X(or) \
    X(cpi) X(sbci) X(subi) X(ori) X(andi) \
    X(com) X(neg) X(inc) X(dec) X(adiw) X(sbiw) /* exec_alu.c */ \
    X(swap) X(asr) X(lsr) X(ror) X(bset) X(bclr) X(bld) X(bst) \
    X(cbi) X(sbi) /* exec_bit.c */ \
    X(mov) X(ldi) X(ldd_y) X(ldd_z) X(std_y) X(std_z) X(lds) X(sts) \
    X(ld_zi) X(ld_dz) X(ld_yi) X(ld_dy) X(ld_x) X(ld_xi) X(ld_dx) \
    X(st_zi) X(st_dz) X(st_yi) X(st_dy) X(st_x) X(st_xi) X(st_dx) \
    X(pop) X(push) X(lpm0) X(lpm) X(lpm_i) X(in) X(out) /* exec_mem.c */ \
    X(spm) /* spm.c */ \
    X(rjmp) X(rcall) X(jmp) X(call) X(ijmp) X(icall) X(ret) X(reti) \
    X(cpse) X(sbrc) X(sbrs) X(sbic) X(sbis) X(brbs) X(brbc) \
    X(sleep) X(brk) X(wdr) /* exec_branch.c */

enum emk_avr_op {
#define EMK_AVR_ENUM(n) EMK_AVR_OP_##n,
    EMK_AVR_OPS(EMK_AVR_ENUM)
#undef EMK_AVR_ENUM
    EMK_AVR_NOPS
};

/* A handler executes the instruction at cpu->pc (opcode op), advances pc
 * and returns its cycles. */
typedef unsigned (*emk_avr_handler)(emk_avr *cpu, uint16_t op);
#define EMK_AVR_DECL(n) unsigned emk_avr_op_##n(emk_avr *cpu, uint16_t op);
EMK_AVR_OPS(EMK_AVR_DECL)
#undef EMK_AVR_DECL

/* decode.c */
uint8_t emk_avr_decode(uint16_t op);
void emk_avr_decode_range(emk_avr *cpu, uint32_t word, uint32_t nwords);
int emk_avr_is_two_word(uint16_t op);

/* core.c: I/O dispatch, slow path of the data space */
uint8_t emk_avr_io_read(emk_avr *cpu, uint16_t addr);
void emk_avr_io_write(emk_avr *cpu, uint16_t addr, uint8_t v);
void emk_avr_sched_update(emk_avr *cpu);

/* interrupts.c */
unsigned emk_avr_take_irq(emk_avr *cpu);

/* spm.c */
void emk_avr_spm_reset(emk_avr *cpu);
uint8_t emk_avr_lpm_byte(emk_avr *cpu, uint16_t z);
void emk_avr_spmcsr_write(emk_avr *cpu, uint8_t v);
uint8_t emk_avr_spmcsr_read(emk_avr *cpu);

/* ---- fast paths ------------------------------------------------------ */

static inline uint16_t emk_avr_flash_word(const emk_avr *cpu, uint32_t w)
{
    w &= cpu->flash_mask;
    return (uint16_t)(cpu->flash[2 * w] | (cpu->flash[2 * w + 1] << 8));
}

static inline uint8_t emk_avr_ld(emk_avr *cpu, uint16_t a)
{
    if (a >= EMK_AVR_IO_END) {
        if (a < cpu->model->data_end)
            return cpu->data[a];
        cpu->bad_access++;
        return 0;
    }
    if (a < EMK_AVR_IO_START)
        return cpu->data[a];
    return emk_avr_io_read(cpu, a);
}

static inline void emk_avr_st(emk_avr *cpu, uint16_t a, uint8_t v)
{
    if (a >= EMK_AVR_IO_END) {
        if (a < cpu->model->data_end)
            cpu->data[a] = v;
        else
            cpu->bad_access++;
        return;
    }
    if (a < EMK_AVR_IO_START) {
        cpu->data[a] = v;
        return;
    }
    emk_avr_io_write(cpu, a, v);
}

static inline uint16_t emk_avr_reg16(const emk_avr *cpu, unsigned r)
{
    return (uint16_t)(cpu->data[r] | (cpu->data[r + 1] << 8));
}

static inline void emk_avr_set_reg16(emk_avr *cpu, unsigned r, uint16_t v)
{
    cpu->data[r] = (uint8_t)v;
    cpu->data[r + 1] = (uint8_t)(v >> 8);
}

static inline uint16_t emk_avr_sp(const emk_avr *cpu)
{
    return (uint16_t)(cpu->data[EMK_AVR_SPL] | (cpu->data[EMK_AVR_SPH] << 8));
}

static inline void emk_avr_set_sp(emk_avr *cpu, uint16_t sp)
{
    cpu->data[EMK_AVR_SPL] = (uint8_t)sp;
    cpu->data[EMK_AVR_SPH] = (uint8_t)(sp >> 8);
}

static inline void emk_avr_push8(emk_avr *cpu, uint8_t v)
{
    uint16_t sp = emk_avr_sp(cpu);

    emk_avr_st(cpu, sp, v);
    emk_avr_set_sp(cpu, (uint16_t)(sp - 1));
}

static inline uint8_t emk_avr_pop8(emk_avr *cpu)
{
    uint16_t sp = (uint16_t)(emk_avr_sp(cpu) + 1);

    emk_avr_set_sp(cpu, sp);
    return emk_avr_ld(cpu, sp);
}

/* Return addresses go low byte first, so memory holds them big-endian. */
static inline void emk_avr_push_pc(emk_avr *cpu, uint32_t pc)
{
    emk_avr_push8(cpu, (uint8_t)pc);
    emk_avr_push8(cpu, (uint8_t)(pc >> 8));
}

static inline uint32_t emk_avr_pop_pc(emk_avr *cpu)
{
    uint32_t hi = emk_avr_pop8(cpu);

    return ((hi << 8) | emk_avr_pop8(cpu)) & cpu->flash_mask;
}

#define EMK_AVR_SREG_OF(cpu) ((cpu)->data[EMK_AVR_SREG])

#endif
