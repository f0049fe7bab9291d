/* test_avr_isa.c - the AVR core by instruction group: results, SREG and
 * cycle counts.  Expected values are worked out by hand from the AVR
 * instruction set manual (flag formulas, "Cycles" rows for devices with a
 * 16-bit PC such as the ATmega328P); test_simavr_lockstep.c cross-checks
 * random programs against simavr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "emkit/avr.h"
#include "avr_asm.h"

static emk_avr cpu;

enum { C = EMK_AVR_C, Z = EMK_AVR_Z, N = EMK_AVR_N, V = EMK_AVR_V, S = EMK_AVR_S,
       H = EMK_AVR_H, T = EMK_AVR_T, I = EMK_AVR_I };

static void load(const uint16_t *w, size_t n)
{
    uint8_t buf[256];
    size_t i;

    assert_int_equal(emk_avr_init(&cpu, emk_avr_atmega328p()), 0);
    emk_avr_set_fuses(&cpu, 0xFF, 0xDF, 0xFD, 0xFF);   /* reset at 0 */
    for (i = 0; i < n; i++) {
        buf[2 * i] = (uint8_t)w[i];
        buf[2 * i + 1] = (uint8_t)(w[i] >> 8);
    }
    assert_int_equal(emk_avr_load_flash(&cpu, 0, buf, 2 * n), 0);
    emk_avr_reset(&cpu, EMK_AVR_RESET_POWER);
}

#define PROG(...) do { const uint16_t p_[] = { __VA_ARGS__ }; \
                       load(p_, sizeof(p_) / sizeof(p_[0])); } while (0)
#define SREG cpu.data[EMK_AVR_SREG]

/* One instruction from r[d]=a, r[s]=b, SREG=f0: returns cycles. */
static unsigned alu(uint16_t op, unsigned d, uint8_t a, unsigned s, uint8_t b, uint8_t f0)
{
    uint16_t p[1];

    p[0] = op;
    load(p, 1);
    cpu.data[d] = a;
    if (s != d)
        cpu.data[s] = b;
    SREG = f0;
    return emk_avr_step(&cpu);
}

static void check(unsigned d, uint8_t want, uint8_t flags)
{
    assert_int_equal(cpu.data[d], want);
    assert_int_equal(SREG, flags);
}

static void test_add_adc(void **st)
{
    (void)st;
    assert_int_equal(alu(a_rr(A_ADD, 1, 2), 1, 0x7F, 2, 0x01, 0), 1);
    check(1, 0x80, H | V | N);                      /* S = N ^ V = 0 */
    alu(a_rr(A_ADD, 1, 2), 1, 0x80, 2, 0x80, 0);
    check(1, 0x00, C | Z | V | S);
    alu(a_rr(A_ADC, 3, 4), 3, 0xFF, 4, 0x00, C);
    check(3, 0x00, C | Z | H);
    alu(a_rr(A_ADC, 3, 3), 3, 0x88, 3, 0x88, C);    /* ROL */
    check(3, 0x11, C | V | S | H);
}

static void test_sub_cp(void **st)
{
    (void)st;
    alu(a_rr(A_SUB, 1, 2), 1, 0x00, 2, 0x01, 0);
    check(1, 0xFF, C | H | N | S);
    alu(a_rr(A_SUB, 1, 2), 1, 0x80, 2, 0x01, 0);
    check(1, 0x7F, V | S | H);
    /* SBC/CPC: Z only stays set */
    alu(a_rr(A_CPC, 16, 17), 16, 0x00, 17, 0x00, 0);
    check(16, 0x00, 0);
    alu(a_rr(A_CPC, 16, 17), 16, 0x00, 17, 0x00, Z);
    assert_int_equal(SREG, Z);
    alu(a_rr(A_SBC, 16, 17), 16, 0x10, 17, 0x0F, C | Z);
    check(16, 0x00, Z | H);                         /* borrow from bit 4 */
    alu(a_ri(A_SUBI, 20, 0x01), 20, 0x10, 20, 0x10, 0);
    check(20, 0x0F, H);
    alu(a_ri(A_SBCI, 20, 0x00), 20, 0x00, 20, 0x00, C | Z);
    check(20, 0xFF, C | H | N | S);
    alu(a_ri(A_CPI, 20, 0x05), 20, 0x05, 20, 0x05, C);
    check(20, 0x05, Z);
}

static void test_logic_unary(void **st)
{
    (void)st;
    alu(a_rr(A_EOR, 5, 5), 5, 0xA5, 5, 0xA5, C | V | N | S);
    check(5, 0x00, C | Z);                          /* CLR keeps C */
    alu(a_rr(A_AND, 5, 6), 5, 0xF0, 6, 0x80, V);
    check(5, 0x80, N | S);
    alu(a_ri(A_ORI, 17, 0x01), 17, 0x80, 17, 0x80, 0);
    check(17, 0x81, N | S);
    alu(a_ri(A_ANDI, 17, 0x0F), 17, 0xF0, 17, 0xF0, 0);
    check(17, 0x00, Z);
    alu(a_r(A_COM, 7), 7, 0x00, 7, 0, 0);
    check(7, 0xFF, C | N | S);
    alu(a_r(A_NEG, 7), 7, 0x80, 7, 0, 0);
    check(7, 0x80, C | V | N);
    alu(a_r(A_NEG, 7), 7, 0x00, 7, 0, C);
    check(7, 0x00, Z);
    alu(a_r(A_NEG, 7), 7, 0x01, 7, 0, 0);
    check(7, 0xFF, C | H | N | S);
    alu(a_r(A_INC, 8), 8, 0x7F, 8, 0, C);
    check(8, 0x80, C | V | N);
    alu(a_r(A_DEC, 8), 8, 0x80, 8, 0, 0);
    check(8, 0x7F, V | S);
    alu(a_r(A_DEC, 8), 8, 0x01, 8, 0, 0);
    check(8, 0x00, Z);
}

static void test_shifts_bits(void **st)
{
    (void)st;
    alu(a_r(A_LSR, 9), 9, 0x01, 9, 0, 0);
    check(9, 0x00, C | Z | V | S);
    alu(a_r(A_ASR, 9), 9, 0x81, 9, 0, 0);
    check(9, 0xC0, C | N | S);
    alu(a_r(A_ROR, 9), 9, 0x02, 9, 0, C);
    check(9, 0x81, N | V);
    alu(a_r(A_SWAP, 9), 9, 0x12, 9, 0, 0);
    check(9, 0x21, 0);
    alu(A_BST | (10 << 4) | 3, 10, 0x08, 10, 0, 0);
    assert_int_equal(SREG, T);
    alu(A_BLD | (11 << 4) | 7, 11, 0x00, 11, 0, T);
    check(11, 0x80, T);
    assert_int_equal(alu(A_SEC, 0, 0, 0, 0, 0), 1);
    assert_int_equal(SREG, C);
    alu(A_CLZ, 0, 0, 0, 0, Z | C);
    assert_int_equal(SREG, C);
}

static void test_word_mul(void **st)
{
    (void)st;
    load((uint16_t[]){ a_w(A_ADIW, 24, 1) }, 1);
    cpu.data[24] = 0xFF; cpu.data[25] = 0xFF;
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.data[24] | cpu.data[25] << 8, 0);
    assert_int_equal(SREG, C | Z);
    load((uint16_t[]){ a_w(A_ADIW, 30, 63) }, 1);
    cpu.data[30] = 0xC1; cpu.data[31] = 0x7F;       /* 0x7FC1 + 63 = 0x8000 */
    emk_avr_step(&cpu);
    assert_int_equal(cpu.data[30] | cpu.data[31] << 8, 0x8000);
    assert_int_equal(SREG, V | N);
    load((uint16_t[]){ a_w(A_SBIW, 26, 1) }, 1);
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.data[26] | cpu.data[27] << 8, 0xFFFF);
    assert_int_equal(SREG, C | N | S);
    assert_int_equal(alu(a_rr(A_MUL, 2, 3), 2, 0xFF, 3, 0xFF, 0), 2);
    assert_int_equal(cpu.data[0] | cpu.data[1] << 8, 0xFE01);
    assert_int_equal(SREG, C);
    alu(0x0200 | (0 << 4) | 1, 16, 0xFF, 17, 0xFF, 0);   /* MULS r16,r17: -1*-1 */
    assert_int_equal(cpu.data[0] | cpu.data[1] << 8, 1);
    assert_int_equal(SREG, 0);
    alu(0x0300 | (0 << 4) | 1, 16, 0xFF, 17, 0x02, 0);   /* MULSU: -1*2 */
    assert_int_equal(cpu.data[0] | cpu.data[1] << 8, 0xFFFE);
    assert_int_equal(SREG, C);
    alu(0x0308 | (0 << 4) | 1, 16, 0x80, 17, 0x80, 0);   /* FMUL 0.5*0.5 */
    assert_int_equal(cpu.data[0] | cpu.data[1] << 8, 0x8000);
    assert_int_equal(SREG, 0);
    alu(0x0380 | (0 << 4) | 1, 16, 0x80, 17, 0x80, 0);   /* FMULS -1*-1 */
    assert_int_equal(cpu.data[0] | cpu.data[1] << 8, 0x8000);
    alu(0x0308 | (0 << 4) | 1, 16, 0x00, 17, 0x55, 0);
    assert_int_equal(SREG, Z);
}

static void test_memory(void **st)
{
    (void)st;
    /* LD X+ (2), ST -Y (2), LDD Y+63 (2), STD Z+1 (2), LDS/STS (2) */
    PROG(a_r(A_LD_XI, 1), a_r(A_ST_DY, 1), a_ldd(A_LDD_Y, 2, 63), a_ldd(A_STD_Z, 2, 1),
         a_r(A_LDS, 3), 0x0123, a_r(A_STS, 3), 0x0300);
    cpu.data[0x200] = 0x5A;
    cpu.data[26] = 0x00; cpu.data[27] = 0x02;       /* X = 0x200 */
    cpu.data[28] = 0x01; cpu.data[29] = 0x04;       /* Y = 0x401 */
    cpu.data[30] = 0x10; cpu.data[31] = 0x05;       /* Z = 0x510 */
    cpu.data[0x400 + 63] = 0x77;
    cpu.data[0x123] = 0x99;
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.data[1], 0x5A);
    assert_int_equal(cpu.data[26], 0x01);
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.data[0x400], 0x5A);
    assert_int_equal(cpu.data[28], 0x00);
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.data[2], 0x77);
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.data[0x511], 0x77);
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.data[3], 0x99);
    assert_int_equal(cpu.pc, 6);
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.data[0x300], 0x99);
    assert_int_equal(cpu.pc, 8);
}

static void test_stack_lpm_io(void **st)
{
    (void)st;
    PROG(a_r(A_PUSH, 4), a_r(A_POP, 5), a_r(A_LPM_ZI, 6), A_LPM0,
         a_io(A_OUT, 7, 0x05), a_io(A_IN, 8, 0x05), a_bit(A_SBI, 0x05, 0));
    cpu.data[4] = 0xAB;
    cpu.data[30] = 0x01; cpu.data[31] = 0x00;       /* Z = 1: high byte of word 0 */
    cpu.data[7] = 0x42;
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.data[0x8FF], 0xAB);
    assert_int_equal(cpu.data[EMK_AVR_SPL] | cpu.data[EMK_AVR_SPH] << 8, 0x8FE);
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.data[5], 0xAB);
    assert_int_equal(emk_avr_step(&cpu), 3);
    assert_int_equal(cpu.data[6], (uint8_t)(a_r(A_PUSH, 4) >> 8));
    assert_int_equal(cpu.data[30], 2);
    assert_int_equal(emk_avr_step(&cpu), 3);
    assert_int_equal(cpu.data[0], (uint8_t)a_r(A_POP, 5));   /* low byte of word 1 */
    assert_int_equal(emk_avr_step(&cpu), 1);
    assert_int_equal(emk_avr_step(&cpu), 1);
    assert_int_equal(cpu.data[8], 0x42);            /* PORTB (plain storage here) */
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.data[0x25], 0x43);
}

static void test_jumps_calls(void **st)
{
    (void)st;
    /* 0: RCALL +2 -> 3; 3: CALL 0x10; 0x10: RET -> 5; 5: JMP 0x20; 0x20: IJMP */
    PROG(a_r(0, 0) | (A_RCALL | 2), A_NOP, A_NOP, A_CALL, 0x0010, A_JMP, 0x0020);
    {
        uint8_t w[2] = { (uint8_t)A_RET, (uint8_t)(A_RET >> 8) };
        uint8_t j[4] = { (uint8_t)A_ICALL, (uint8_t)(A_ICALL >> 8),
                         (uint8_t)A_IJMP, (uint8_t)(A_IJMP >> 8) };

        emk_avr_load_flash(&cpu, 0x20, w, 2);
        emk_avr_load_flash(&cpu, 0x40, j, 4);
    }
    assert_int_equal(emk_avr_step(&cpu), 3);        /* RCALL */
    assert_int_equal(cpu.pc, 3);
    assert_int_equal(cpu.data[0x8FF], 1);           /* return address low byte first */
    assert_int_equal(cpu.data[0x8FE], 0);
    assert_int_equal(emk_avr_step(&cpu), 4);        /* CALL */
    assert_int_equal(cpu.pc, 0x10);
    assert_int_equal(emk_avr_step(&cpu), 4);        /* RET to 5 */
    assert_int_equal(cpu.pc, 5);
    assert_int_equal(emk_avr_step(&cpu), 3);        /* JMP */
    assert_int_equal(cpu.pc, 0x20);
    cpu.data[30] = 0x21; cpu.data[31] = 0;
    assert_int_equal(emk_avr_step(&cpu), 3);        /* ICALL */
    assert_int_equal(cpu.pc, 0x21);
    cpu.data[30] = 0x07; cpu.data[31] = 0;
    assert_int_equal(emk_avr_step(&cpu), 2);        /* IJMP */
    assert_int_equal(cpu.pc, 7);
    /* RJMP -1 loops on itself in 2 cycles */
    PROG(A_RJMP | 0xFFF);
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.pc, 0);
}

static void test_branches_skips(void **st)
{
    (void)st;
    PROG(a_br(A_BRBS, 1, 3), a_br(A_BRBC, 1, -1));   /* BREQ +3, BRNE -1 */
    SREG = 0;
    assert_int_equal(emk_avr_step(&cpu), 1);        /* not taken */
    assert_int_equal(cpu.pc, 1);
    assert_int_equal(emk_avr_step(&cpu), 2);        /* BRNE taken to itself */
    assert_int_equal(cpu.pc, 1);
    SREG = Z;
    cpu.pc = 0;
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.pc, 4);
    /* CPSE over one word (2), over LDS (3), not equal (1) */
    PROG(a_rr(A_CPSE, 1, 2), A_NOP, a_rr(A_CPSE, 1, 2), a_r(A_LDS, 0), 0x0100, A_NOP,
         a_rr(A_CPSE, 1, 3), A_NOP);
    cpu.data[3] = 1;
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.pc, 2);
    /* (simavr 1.6 takes ADIW with K & 0xC == 0xC for a two-word insn) */
    assert_int_equal(emk_avr_step(&cpu), 3);
    assert_int_equal(cpu.pc, 5);
    cpu.pc = 6;
    assert_int_equal(emk_avr_step(&cpu), 1);
    assert_int_equal(cpu.pc, 7);
    /* SBRS, SBRC, SBIS, SBIC */
    PROG(A_SBRS | (1 << 4) | 0, A_NOP, A_SBRC | (1 << 4) | 0, A_NOP,
         a_bit(A_SBIS, 0x05, 7), A_NOP, a_bit(A_SBIC, 0x05, 7), A_NOP);
    cpu.data[1] = 1;
    cpu.data[0x25] = 0x80;
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.pc, 2);
    assert_int_equal(emk_avr_step(&cpu), 1);
    assert_int_equal(cpu.pc, 3);
    cpu.pc = 4;
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.pc, 6);
    assert_int_equal(emk_avr_step(&cpu), 1);
    /* a skip over ADIW r24,15 skips one word: ADIW is never two words */
    PROG(a_rr(A_CPSE, 1, 2), a_w(A_ADIW, 24, 15), A_NOP);
    assert_int_equal(emk_avr_step(&cpu), 2);
    assert_int_equal(cpu.pc, 2);
}

static void test_interrupts(void **st)
{
    (void)st;
    /* main at 0x40: SEI; NOP; NOP.  Vector 16 at word 32: RETI. */
    {
        uint8_t m[6] = { (uint8_t)A_SEI, (uint8_t)(A_SEI >> 8), 0, 0, 0, 0 };
        uint8_t r[2] = { (uint8_t)A_RETI, (uint8_t)(A_RETI >> 8) };

        PROG(A_JMP, 0x0040);
        emk_avr_load_flash(&cpu, 0x80, m, 6);
        emk_avr_load_flash(&cpu, 64, r, 2);
    }
    emk_avr_step(&cpu);                              /* JMP */
    emk_avr_irq(&cpu, 16, 1);
    assert_int_equal(emk_avr_step(&cpu), 1);         /* SEI */
    assert_int_equal(emk_avr_step(&cpu), 1);         /* one insn after SEI */
    assert_int_equal(cpu.pc, 0x42);
    assert_int_equal(emk_avr_step(&cpu), 4);         /* interrupt entry */
    assert_int_equal(cpu.pc, 32);
    assert_int_equal(SREG & I, 0);
    emk_avr_irq(&cpu, 16, 0);
    assert_int_equal(emk_avr_step(&cpu), 4);         /* RETI */
    assert_int_equal(cpu.pc, 0x42);
    assert_int_equal(SREG & I, I);
    assert_true(cpu.vectors_taken == 1);
    /* IVSEL moves the table to the boot section */
    cpu.data[EMK_AVR_MCUCR] = 0;
    emk_avr_write(&cpu, EMK_AVR_MCUCR, 1);
    emk_avr_write(&cpu, EMK_AVR_MCUCR, 2);
    emk_avr_irq(&cpu, 1, 1);
    emk_avr_step(&cpu);                              /* the insn after RETI */
    assert_int_equal(cpu.pc, 0x43);
    assert_int_equal(emk_avr_step(&cpu), 4);
    assert_int_equal(cpu.pc, emk_avr_boot_start(&cpu) / 2 + 2);
}

static void test_sleep_timers(void **st)
{
    emk_avr_timer t;
    (void)st;
    PROG(A_SLEEP, A_NOP);
    cpu.data[EMK_AVR_SMCR] = 1;
    assert_int_equal(emk_avr_timer_add(&cpu, &t, NULL, NULL), 0);
    emk_avr_step(&cpu);
    assert_int_equal(cpu.state, EMK_AVR_SLEEPING);
    /* asleep with nothing to wake it: run() just moves time */
    assert_int_equal(emk_avr_run(&cpu, 1000), 1000);
    assert_int_equal(cpu.pc, 1);
    /* an interrupt wakes it: 4 + 4 cycles */
    SREG = I;
    emk_avr_irq(&cpu, 3, 1);
    assert_int_equal(emk_avr_step(&cpu), 8);
    assert_int_equal(cpu.state, EMK_AVR_RUNNING);
    assert_int_equal(cpu.pc, 6);
}

static void test_spm(void **st)
{
    uint8_t prog[8];
    uint32_t boot;
    unsigned i;
    (void)st;
    /* SPM from the application section does nothing */
    PROG(A_SPM);
    emk_avr_write(&cpu, EMK_AVR_SPMCSR, 0x03);       /* PGERS|SPMEN */
    cpu.data[30] = 0x80; cpu.data[31] = 0;
    emk_avr_step(&cpu);
    assert_int_equal(cpu.flash[0x80], 0xFF);         /* erased flash anyway */
    assert_int_equal(cpu.flash[0], (uint8_t)A_SPM);
    /* from the boot section: fill two words, write the page at 0x100 */
    load((const uint16_t[]){ A_NOP }, 1);
    boot = emk_avr_boot_start(&cpu);
    assert_int_equal(boot, 0x7E00);                  /* BOOTSZ=11: 256 words */
    for (i = 0; i < 4; i++) {
        prog[2 * i] = (uint8_t)A_SPM;
        prog[2 * i + 1] = (uint8_t)(A_SPM >> 8);
    }
    emk_avr_load_flash(&cpu, boot, prog, 8);
    cpu.pc = boot / 2;
    cpu.data[0] = 0x11; cpu.data[1] = 0x22;
    cpu.data[30] = 0x02; cpu.data[31] = 0x01;       /* Z = 0x102 */
    emk_avr_write(&cpu, EMK_AVR_SPMCSR, 0x01);       /* fill */
    emk_avr_step(&cpu);
    cpu.data[30] = 0x00;                             /* Z = 0x100 */
    emk_avr_write(&cpu, EMK_AVR_SPMCSR, 0x05);       /* PGWRT|SPMEN */
    emk_avr_step(&cpu);
    assert_int_equal(cpu.flash[0x102], 0x11);
    assert_int_equal(cpu.flash[0x103], 0x22);
    assert_int_equal(cpu.flash[0x100], 0xFF);
    /* busy with RWWSB for ~4 ms, then RWWSRE clears RWWSB */
    assert_int_equal(emk_avr_read(&cpu, EMK_AVR_SPMCSR) & 0x41, 0x41);
    cpu.cycle += 70000;
    assert_int_equal(emk_avr_read(&cpu, EMK_AVR_SPMCSR) & 0x41, 0x40);
    emk_avr_write(&cpu, EMK_AVR_SPMCSR, 0x11);
    emk_avr_step(&cpu);
    assert_int_equal(emk_avr_read(&cpu, EMK_AVR_SPMCSR) & 0x40, 0);
    /* the page is decoded again: word 0x81 runs */
    cpu.pc = 0x81;
    emk_avr_step(&cpu);
    /* fuses through LPM after BLBSET|SPMEN */
    load((const uint16_t[]){ A_LPM0 }, 1);
    cpu.data[30] = 3; cpu.data[31] = 0;
    emk_avr_write(&cpu, EMK_AVR_SPMCSR, 0x09);
    emk_avr_step(&cpu);
    assert_int_equal(cpu.data[0], 0xDF);             /* high fuse set by load() */
    /* a signature read */
    load((const uint16_t[]){ A_LPM0 }, 1);
    cpu.data[30] = 2;
    emk_avr_write(&cpu, EMK_AVR_SPMCSR, 0x21);
    emk_avr_step(&cpu);
    assert_int_equal(cpu.data[0], 0x95);
}

static void test_reset_boot_illegal(void **st)
{
    (void)st;
    assert_int_equal(emk_avr_init(&cpu, emk_avr_atmega328p()), 0);
    assert_int_equal(cpu.pc, 0x3F00);                /* BOOTRST: 0xDE resets to boot */
    assert_int_equal(cpu.data[EMK_AVR_MCUSR], EMK_AVR_RESET_POWER);
    emk_avr_reset(&cpu, EMK_AVR_RESET_WATCHDOG);
    assert_int_equal(cpu.data[EMK_AVR_MCUSR], EMK_AVR_RESET_POWER | EMK_AVR_RESET_WATCHDOG);
    assert_int_equal(cpu.data[EMK_AVR_SPL] | cpu.data[EMK_AVR_SPH] << 8, 0x8FF);
    PROG(0x0001, A_BREAK, 0xFFFF);                  /* reserved, BREAK, reserved */
    emk_avr_step(&cpu);
    emk_avr_step(&cpu);
    emk_avr_step(&cpu);
    assert_int_equal(cpu.illegal, 2);
    assert_int_equal(cpu.breaks, 1);
    assert_int_equal(cpu.pc, 3);
    /* the PC wraps at the end of the flash (fuzz-avr found it stored as
     * 0x4000 after the last word) */
    load((const uint16_t[]){ A_NOP }, 1);
    cpu.pc = 0x3FFF;
    emk_avr_step(&cpu);
    assert_int_equal(cpu.pc, 0);
    /* data accesses past SRAM are counted, not performed */
    PROG(a_r(A_LDS, 1), 0x0900);
    emk_avr_step(&cpu);
    assert_int_equal(cpu.bad_access, 1);
}

static void test_ihex(void **st)
{
    static const char hex[] =
        ":100000000C9434000C943E000C943E000C943E0082\n"
        ":020000040000FA\n"
        ":00000001FF\n";
    uint32_t hi;
    (void)st;
    assert_int_equal(emk_avr_init(&cpu, emk_avr_atmega328p()), 0);
    assert_int_equal(emk_avr_load_ihex(&cpu, hex, strlen(hex), &hi), 0);
    assert_int_equal(hi, 16);
    assert_int_equal(cpu.flash[0], 0x0C);
    assert_int_equal(cpu.flash[2], 0x34);
    /* a bad checksum, a short record, a non-hex character */
    assert_int_equal(emk_avr_load_ihex(&cpu, ":0100000000FE\n", 14, &hi), -EINVAL);
    assert_int_equal(emk_avr_load_ihex(&cpu, ":0100\n", 6, &hi), -EINVAL);
    assert_int_equal(emk_avr_load_ihex(&cpu, "x", 1, &hi), -EINVAL);
    /* past the flash */
    assert_int_equal(emk_avr_load_ihex(&cpu, ":01800000AAD5\n", 14, &hi), -ERANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_adc),
        cmocka_unit_test(test_sub_cp),
        cmocka_unit_test(test_logic_unary),
        cmocka_unit_test(test_shifts_bits),
        cmocka_unit_test(test_word_mul),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_stack_lpm_io),
        cmocka_unit_test(test_jumps_calls),
        cmocka_unit_test(test_branches_skips),
        cmocka_unit_test(test_interrupts),
        cmocka_unit_test(test_sleep_timers),
        cmocka_unit_test(test_spm),
        cmocka_unit_test(test_reset_boot_illegal),
        cmocka_unit_test(test_ihex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
