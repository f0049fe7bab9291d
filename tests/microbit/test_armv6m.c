/* test_armv6m.c - the ARMv6-M core, instruction group by instruction
 * group, against the results the ARMv6-M Architecture Reference Manual
 * (ARM DDI 0419) specifies: flags of each data-processing form, shifts by
 * 0, 32 and more, the load/store forms, branches and BL, exception entry
 * and return with the stacked frame, NVIC priorities, PRIMASK, WFI,
 * SysTick, faults and lockup, and Cortex-M0 cycle counts (DDI 0432C
 * table 3-1).  Opcodes are hand-assembled with their mnemonic beside. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/armv6m.h"

static uint8_t flash[4096];
static uint8_t ram[32768];
static emk_armv6m cpu;
static unsigned bus_errors;

enum { CODE = 0x100, HARDFAULT = 0x200, SVC = 0x300, IRQ = 0x400, SYSTICK = 0x500 };

static int bus_read(void *o, uint32_t a, unsigned s, uint32_t *v)
{
    (void)o; (void)a; (void)s; (void)v;
    bus_errors++;
    return -EFAULT;
}

static int bus_write(void *o, uint32_t a, unsigned s, uint32_t v)
{
    (void)o; (void)a; (void)s; (void)v;
    bus_errors++;
    return -EFAULT;
}

static const emk_armv6m_mem_ops ops = { bus_read, bus_write };

static void put16(uint32_t addr, uint16_t v)
{
    flash[addr] = (uint8_t)v;
    flash[addr + 1] = (uint8_t)(v >> 8);
}

static void put32(uint32_t addr, uint32_t v)
{
    put16(addr, (uint16_t)v);
    put16(addr + 2, (uint16_t)(v >> 16));
}

static uint32_t ram32(uint32_t addr)
{
    uint32_t o = addr - 0x20000000u;
    return (uint32_t)ram[o] | (uint32_t)ram[o + 1] << 8 | (uint32_t)ram[o + 2] << 16 |
           (uint32_t)ram[o + 3] << 24;
}

/* A core with a vector table, handlers that spin ("b ."), and the code
 * halfwords at CODE. */
static void setup(const uint16_t *code, unsigned n)
{
    unsigned i;

    memset(flash, 0, sizeof(flash));
    memset(ram, 0, sizeof(ram));
    put32(0, 0x20008000u);
    put32(4, CODE | 1);
    put32(8, HARDFAULT | 1);                 /* NMI */
    put32(12, HARDFAULT | 1);
    put32(11 * 4, SVC | 1);
    put32(15 * 4, SYSTICK | 1);
    for (i = 16; i < 48; i++)
        put32(i * 4, IRQ | 1);
    put16(HARDFAULT, 0xE7FE);                /* b . */
    put16(SVC, 0x4770);                      /* bx lr */
    put16(IRQ, 0xBF00);                      /* nop */
    put16(IRQ + 2, 0x4770);                  /* bx lr */
    put16(SYSTICK, 0x4770);
    for (i = 0; i < n; i++)
        put16(CODE + 2 * i, code[i]);
    bus_errors = 0;
    emk_armv6m_init(&cpu, &ops, NULL);
    emk_armv6m_set_window(&cpu, 0, flash, 0, sizeof(flash), 0);
    emk_armv6m_set_window(&cpu, 1, ram, 0x20000000u, sizeof(ram), 1);
    emk_armv6m_reset(&cpu);
}

/* Executes one instruction; returns its cycles. */
static unsigned step(void)
{
    uint64_t c = cpu.cycles;

    emk_armv6m_run(&cpu, cpu.cycles + 1);
    return (unsigned)(cpu.cycles - c);
}

#define N(x) ((x) >> 31 & 1)
#define Z(x) ((x) >> 30 & 1)
#define C(x) ((x) >> 29 & 1)
#define V(x) ((x) >> 28 & 1)

static void flags(unsigned n, unsigned z, unsigned c, unsigned v)
{
    uint32_t x = emk_armv6m_xpsr(&cpu);

    assert_int_equal(N(x), n);
    assert_int_equal(Z(x), z);
    assert_int_equal(C(x), c);
    assert_int_equal(V(x), v);
}

static void test_add_sub_flags(void **st)
{
    static const uint16_t code[] = {
        0x1888,   /* adds r0, r1, r2 */
        0x1A88,   /* subs r0, r1, r2 */
        0x4291,   /* cmp r1, r2 */
        0x4150,   /* adcs r0, r2 */
        0x4190,   /* sbcs r0, r2 */
        0x4248,   /* rsbs r0, r1, #0 (negs) */
        0x42C8,   /* cmn r0, r1 */
    };
    (void)st;
    setup(code, 7);
    cpu.r[1] = 0x7FFFFFFF; cpu.r[2] = 1;
    assert_int_equal(step(), 1);
    assert_int_equal(cpu.r[0], 0x80000000u);
    flags(1, 0, 0, 1);                       /* signed overflow */
    cpu.r[1] = 0; cpu.r[2] = 1;
    step();
    assert_int_equal(cpu.r[0], 0xFFFFFFFFu);
    flags(1, 0, 0, 0);                       /* borrow: C clear */
    cpu.r[1] = 5; cpu.r[2] = 5;
    step();
    flags(0, 1, 1, 0);                       /* equal: Z and C */
    cpu.r[0] = 0xFFFFFFFF; cpu.r[2] = 0;     /* C is 1 from the CMP */
    step();
    assert_int_equal(cpu.r[0], 0);
    flags(0, 1, 1, 0);
    cpu.r[0] = 0x80000000u; cpu.r[2] = 1;    /* C = 1: no borrow in */
    step();
    assert_int_equal(cpu.r[0], 0x7FFFFFFFu);
    flags(0, 0, 1, 1);
    cpu.r[1] = 0x80000000u;
    step();
    assert_int_equal(cpu.r[0], 0x80000000u);
    flags(1, 0, 0, 1);                       /* -INT_MIN overflows */
    cpu.r[0] = 0xFFFFFFFF; cpu.r[1] = 1;
    step();
    flags(0, 1, 1, 0);
}

static void test_shifts(void **st)
{
    static const uint16_t code[] = {
        0x0008,   /* lsls r0, r1, #0 (movs: C unchanged) */
        0x4090,   /* lsls r0, r2 */
        0x0848,   /* lsrs r0, r1, #1 */
        0x0808,   /* lsrs r0, r1, #32 */
        0x1008,   /* asrs r0, r1, #32 */
        0x4110,   /* asrs r0, r2 */
        0x41D0,   /* rors r0, r2 */
        0x41D0,   /* rors r0, r2 */
        0x40D0,   /* lsrs r0, r2 */
    };
    (void)st;
    setup(code, 9);
    cpu.cf = 1;
    cpu.r[1] = 0;
    step();
    flags(0, 1, 1, 0);                       /* LSLS #0 keeps C */
    cpu.r[0] = 0x00000001; cpu.r[2] = 32;
    step();
    assert_int_equal(cpu.r[0], 0);
    flags(0, 1, 1, 0);                       /* by 32: C = bit 0 */
    cpu.r[1] = 3;
    step();
    assert_int_equal(cpu.r[0], 1);
    flags(0, 0, 1, 0);
    cpu.r[1] = 0x80000000u;
    step();
    assert_int_equal(cpu.r[0], 0);
    flags(0, 1, 1, 0);                       /* LSR #32: C = bit 31 */
    step();
    assert_int_equal(cpu.r[0], 0xFFFFFFFFu);
    flags(1, 0, 1, 0);
    cpu.r[0] = 0x80000000u; cpu.r[2] = 40;
    step();
    assert_int_equal(cpu.r[0], 0xFFFFFFFFu); /* ASR by 40: sign */
    flags(1, 0, 1, 0);
    cpu.r[0] = 0x12345678; cpu.r[2] = 32;
    step();
    assert_int_equal(cpu.r[0], 0x12345678u); /* ROR by 32: unchanged, C = bit 31 */
    flags(0, 0, 0, 0);
    cpu.r[0] = 0x00000001; cpu.r[2] = 0x104;  /* only Rm[7:0] = 4 counts */
    step();
    assert_int_equal(cpu.r[0], 0x10000000u);
    flags(0, 0, 0, 0);
    cpu.r[0] = 0xFFFFFFFF; cpu.r[2] = 33;
    step();
    assert_int_equal(cpu.r[0], 0);
    flags(0, 1, 0, 0);                       /* LSR by 33: C = 0 */
}

static void test_logic_mul_extend(void **st)
{
    static const uint16_t code[] = {
        0x4348,   /* muls r0, r1, r0 */
        0x43C8,   /* mvns r0, r1 */
        0x4388,   /* bics r0, r1 */
        0xBA08,   /* rev r0, r1 */
        0xBA48,   /* rev16 r0, r1 */
        0xBAC8,   /* revsh r0, r1 */
        0xB248,   /* sxtb r0, r1 */
        0xB288,   /* uxth r0, r1 */
        0x4208,   /* tst r0, r1 */
    };
    (void)st;
    setup(code, 9);
    cpu.cf = 1; cpu.vf = 1;
    cpu.r[0] = 0x10000; cpu.r[1] = 0x10000;
    step();
    assert_int_equal(cpu.r[0], 0);
    flags(0, 1, 1, 1);                       /* MULS leaves C and V */
    cpu.r[1] = 0;
    step();
    assert_int_equal(cpu.r[0], 0xFFFFFFFFu);
    flags(1, 0, 1, 1);
    cpu.r[1] = 0xF0F0F0F0;
    step();
    assert_int_equal(cpu.r[0], 0x0F0F0F0Fu);
    cpu.r[1] = 0x11223344;
    step();
    assert_int_equal(cpu.r[0], 0x44332211u);
    step();
    assert_int_equal(cpu.r[0], 0x22114433u);
    cpu.r[1] = 0x000080FF;
    step();
    assert_int_equal(cpu.r[0], 0xFFFFFF80u);
    cpu.r[1] = 0x1234F080;
    step();
    assert_int_equal(cpu.r[0], 0xFFFFFF80u);
    step();
    assert_int_equal(cpu.r[0], 0xF080u);
    cpu.r[1] = 0x0F00;
    step();
    flags(0, 1, 1, 1);
}

static void test_load_store(void **st)
{
    static const uint16_t code[] = {
        0x6008,   /* str r0, [r1] */
        0x684A,   /* ldr r2, [r1, #4] */
        0x568B,   /* ldrsb r3, [r1, r2] */
        0x5E8B,   /* ldrsh r3, [r1, r2] */
        0x8849,   /* ldrh r1, [r1, #2] */
        0xC90C,   /* ldmia r1!, {r2, r3} */
        0xB503,   /* push {r0, r1, lr} */
        0xBC0C,   /* pop {r2, r3} */
        0x4801,   /* ldr r0, [pc, #4] */
    };
    uint32_t base = 0x20000100u;
    (void)st;
    setup(code, 9);
    put32(CODE + 8 * 2 + 4 + 4 - 2 - 0, 0);  /* keep the literal slot known */
    cpu.r[0] = 0x8899AABB; cpu.r[1] = base;
    assert_int_equal(step(), 2);             /* STR: 2 cycles */
    assert_int_equal(ram32(base), 0x8899AABBu);
    ram[0x104] = 2; ram[0x105] = 0; ram[0x106] = 0; ram[0x107] = 0;
    step();
    assert_int_equal(cpu.r[2], 2);
    step();
    assert_int_equal(cpu.r[3], 0xFFFFFF99u); /* byte 2 is 0x99, sign-extended */
    step();
    assert_int_equal(cpu.r[3], 0xFFFF8899u);
    step();
    assert_int_equal(cpu.r[1], 0x8899u);
    cpu.r[1] = base;
    assert_int_equal(step(), 3);             /* LDM of 2: 1 + N */
    assert_int_equal(cpu.r[2], 0x8899AABBu);
    assert_int_equal(cpu.r[1], base + 8);    /* written back */
    cpu.r[14] = 0x12345679;
    cpu.r[0] = 7;
    assert_int_equal(step(), 4);             /* PUSH of 3: 1 + N */
    assert_int_equal(cpu.r[13], 0x20008000u - 12);
    assert_int_equal(ram32(0x20008000u - 4), 0x12345679u);
    step();
    assert_int_equal(cpu.r[2], 7);
    assert_int_equal(cpu.r[3], base + 8);
    assert_int_equal(cpu.r[13], 0x20008000u - 4);
    /* the literal: (pc + 4) & ~3 + 4 */
    put32(((CODE + 16 + 4) & ~3u) + 4, 0xCAFEF00D);
    step();
    assert_int_equal(cpu.r[0], 0xCAFEF00Du);
}

static void test_branches(void **st)
{
    static const uint16_t code[] = {
        0x2800,   /* cmp r0, #0 */
        0xD001,   /* beq +2 (to CODE+8) */
        0xE7FE,   /* b . (skipped) */
        0xE7FE,
        0xF000, 0xF802, /* bl CODE+16 */
        0xE7FE,   /* b . */
        0xE7FE,
        0x4770,   /* bx lr (CODE+16) */
    };
    (void)st;
    setup(code, 9);
    cpu.r[0] = 0;
    step();
    assert_int_equal(step(), 3);             /* taken: 3 cycles */
    assert_int_equal(cpu.r[15], CODE + 6 + 2);
    assert_int_equal(step(), 4);             /* BL: 4 */
    assert_int_equal(cpu.r[15], CODE + 16);
    assert_int_equal(cpu.r[14], (CODE + 12) | 1);
    assert_int_equal(step(), 3);             /* BX: 3 */
    assert_int_equal(cpu.r[15], CODE + 12);
    cpu.r[15] = CODE;
    cpu.r[0] = 1;
    step();
    assert_int_equal(step(), 1);             /* not taken: 1 */
}

static void test_svc_frame_and_return(void **st)
{
    static const uint16_t code[] = {
        0xDF05,   /* svc #5 */
        0x2001,   /* movs r0, #1 */
    };
    (void)st;
    setup(code, 2);
    cpu.r[0] = 0xA0; cpu.r[1] = 0xA1; cpu.r[2] = 0xA2; cpu.r[3] = 0xA3;
    cpu.r[12] = 0xAC; cpu.r[14] = 0xAE;
    step();                                  /* SVC, taken before the next insn */
    assert_int_equal(cpu.ipsr, EMK_ARMV6M_EXC_SVCALL);
    assert_int_equal(cpu.r[15], SVC);
    assert_int_equal(cpu.r[14], 0xFFFFFFF9u);
    assert_int_equal(cpu.r[13], 0x20008000u - 32);
    assert_int_equal(ram32(cpu.r[13] + 0), 0xA0);
    assert_int_equal(ram32(cpu.r[13] + 16), 0xAC);
    assert_int_equal(ram32(cpu.r[13] + 20), 0xAE);
    assert_int_equal(ram32(cpu.r[13] + 24), CODE + 2);    /* return address */
    assert_int_equal(ram32(cpu.r[13] + 28) >> 24 & 1, 1); /* T */
    cpu.r[0] = 0; cpu.r[12] = 0;
    step();                                  /* bx lr: exception return */
    assert_int_equal(cpu.ipsr, 0);
    assert_int_equal(cpu.r[15], CODE + 2);
    assert_int_equal(cpu.r[0], 0xA0);
    assert_int_equal(cpu.r[12], 0xAC);
    assert_int_equal(cpu.r[13], 0x20008000u);
}

static void test_frame_alignment(void **st)
{
    static const uint16_t code[] = { 0xDF00, 0xBF00 };  /* svc #0; nop */
    (void)st;
    setup(code, 2);
    cpu.r[13] = 0x20007FFC;                  /* not 8-byte aligned */
    step();
    assert_int_equal(cpu.r[13], 0x20007FFCu - 4 - 32);
    assert_int_equal(ram32(cpu.r[13] + 28) >> 9 & 1, 1);  /* the realign bit */
    step();
    assert_int_equal(cpu.r[13], 0x20007FFCu);
}

static void test_nvic_priority_primask(void **st)
{
    static const uint16_t code[] = { 0xBF00, 0xBF00, 0xBF00, 0xBF00 };
    (void)st;
    setup(code, 4);
    /* IRQ 3 enabled, pending: taken at once */
    cpu.irq_enabled = 1u << 3;
    emk_armv6m_set_irq(&cpu, 3, 1);
    emk_armv6m_set_irq(&cpu, 3, 0);
    step();
    assert_int_equal(cpu.ipsr, 16 + 3);
    /* a pending IRQ of the same priority does not preempt */
    cpu.irq_enabled |= 1u << 4;
    emk_armv6m_set_irq(&cpu, 4, 1);
    emk_armv6m_set_irq(&cpu, 4, 0);
    step();                                  /* the handler's nop */
    assert_int_equal(cpu.ipsr, 16 + 3);
    step();                                  /* bx lr: tail-chains into IRQ 4 */
    assert_int_equal(cpu.ipsr, 16 + 4);
    step();
    step();
    assert_int_equal(cpu.ipsr, 0);
    /* a higher priority (lower value) one preempts */
    cpu.irq_prio[4] = 0x40;
    cpu.irq_prio[5] = 0x00;
    cpu.irq_enabled |= 1u << 5;
    emk_armv6m_set_irq(&cpu, 4, 1);
    emk_armv6m_set_irq(&cpu, 4, 0);
    step();
    assert_int_equal(cpu.ipsr, 16 + 4);
    emk_armv6m_set_irq(&cpu, 5, 1);
    emk_armv6m_set_irq(&cpu, 5, 0);
    step();
    assert_int_equal(cpu.ipsr, 16 + 5);
    assert_int_equal(cpu.r[14], 0xFFFFFFF1u);  /* return to handler mode */
    step(); step();                          /* IRQ 5 returns to IRQ 4 */
    assert_int_equal(cpu.ipsr, 16 + 4);
    step(); step();
    assert_int_equal(cpu.ipsr, 0);
    /* PRIMASK holds it off; a disabled line stays pending */
    cpu.primask = 1;
    cpu.r[15] = CODE;
    emk_armv6m_set_irq(&cpu, 3, 1);
    step();
    assert_int_equal(cpu.ipsr, 0);
    cpu.primask = 0;
    cpu.attn = 1;
    step();
    assert_int_equal(cpu.ipsr, 16 + 3);
}

static void test_wfi_sleep_and_wake(void **st)
{
    static const uint16_t code[] = { 0xBF30, 0xBF00 };  /* wfi; nop */
    (void)st;
    setup(code, 2);
    cpu.irq_enabled = 1;
    assert_int_equal(emk_armv6m_run(&cpu, cpu.cycles + 100), EMK_ARMV6M_SLEEP);
    assert_int_equal(cpu.sleeping, 1);
    emk_armv6m_idle(&cpu, cpu.cycles + 1000);          /* nothing wakes it */
    assert_int_equal(cpu.sleeping, 1);
    emk_armv6m_set_irq(&cpu, 0, 1);
    assert_int_equal(cpu.sleeping, 0);
    step();
    assert_int_equal(cpu.ipsr, 16);
}

static void test_systick(void **st)
{
    static const uint16_t code[] = {
        0x4803,   /* ldr r0, [pc, #12] -> SYST_CSR address */
        0x2163,   /* movs r1, #99 */
        0x6041,   /* str r1, [r0, #4] (RVR) */
        0x2103,   /* movs r1, #3 (ENABLE | TICKINT) */
        0x6001,   /* str r1, [r0] */
        0xE7FE,   /* b . */
        0x0000, 0x0000,
        0xE010, 0xE000,  /* literal 0xE000E010 */
    };
    uint64_t t0;
    (void)st;
    setup(code, 10);
    step(); step(); step(); step();
    step();
    t0 = cpu.cycles;
    while (cpu.ipsr == 0 && cpu.cycles < t0 + 1000)
        step();
    assert_int_equal(cpu.ipsr, EMK_ARMV6M_EXC_SYSTICK);
    /* the counter runs from 0 into RVR (99) and down: the exception is
     * pended at the 1 -> 0 step, 100 cycles after the reload */
    assert_true(cpu.cycles - t0 >= 100 && cpu.cycles - t0 <= 100 + 16 + 3);
}

static void test_faults(void **st)
{
    static const uint16_t code[] = {
        0x6808,   /* ldr r0, [r1] (unaligned) */
        0xB100,   /* cbz: not ARMv6-M */
    };
    (void)st;
    setup(code, 2);
    cpu.r[1] = 0x20000002;
    step();
    assert_int_equal(cpu.ipsr, EMK_ARMV6M_EXC_HARDFAULT);
    assert_int_equal(ram32(cpu.r[13] + 24), CODE);     /* faulting address */
    /* undefined instruction */
    setup(code, 2);
    cpu.r[15] = CODE + 2;
    step();
    assert_int_equal(cpu.ipsr, EMK_ARMV6M_EXC_HARDFAULT);
    /* a bus error through the callbacks */
    setup(code, 2);
    cpu.r[1] = 0x40000000;
    step();
    assert_int_equal(cpu.ipsr, EMK_ARMV6M_EXC_HARDFAULT);
    assert_int_equal(bus_errors, 1);
    /* a fault in the HardFault handler locks the core up */
    put16(HARDFAULT, 0x6808);               /* ldr r0, [r1] again */
    assert_int_equal(emk_armv6m_run(&cpu, cpu.cycles + 100), EMK_ARMV6M_LOCKUP);
    /* a branch to ARM state (bit 0 clear) faults on the next fetch */
    setup(code, 2);
    put16(CODE, 0x4708);                    /* bx r1 */
    cpu.r[1] = CODE + 2;                    /* even: ARM state */
    step();
    step();
    assert_int_equal(cpu.ipsr, EMK_ARMV6M_EXC_HARDFAULT);
}

static void test_psp_and_mrs(void **st)
{
    static const uint16_t code[] = {
        0xF380, 0x8809,  /* msr psp, r0 */
        0x2102,          /* movs r1, #2 */
        0xF381, 0x8814,  /* msr control, r1 */
        0xF3EF, 0x8208,  /* mrs r2, msp */
        0xDF00,          /* svc #0 */
        0xBF00,
    };
    (void)st;
    setup(code, 9);
    cpu.r[0] = 0x20004000;
    assert_int_equal(step(), 4);            /* MSR: 4 cycles */
    step();
    step();
    assert_int_equal(cpu.r[13], 0x20004000u);   /* now on the PSP */
    step();
    assert_int_equal(cpu.r[2], 0x20008000u);
    step();                                 /* SVC taken: frame on the PSP */
    assert_int_equal(cpu.r[14], 0xFFFFFFFDu);
    assert_int_equal(cpu.r[13], 0x20008000u);   /* handler on the MSP */
    assert_int_equal(ram32(0x20004000u - 32 + 24), CODE + 16);
    step();                                 /* return to the PSP */
    assert_int_equal(cpu.r[13], 0x20004000u);
    assert_int_equal(cpu.control & 2, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_sub_flags),
        cmocka_unit_test(test_shifts),
        cmocka_unit_test(test_logic_mul_extend),
        cmocka_unit_test(test_load_store),
        cmocka_unit_test(test_branches),
        cmocka_unit_test(test_svc_frame_and_return),
        cmocka_unit_test(test_frame_alignment),
        cmocka_unit_test(test_nvic_priority_primask),
        cmocka_unit_test(test_wfi_sleep_and_wake),
        cmocka_unit_test(test_systick),
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_psp_and_mrs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
