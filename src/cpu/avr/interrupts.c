/* interrupts.c - interrupt requests and the vector table.  A peripheral
 * raises vector n while its flag and enable bit are both set
 * (emk_avr_irq); the core takes the lowest pending vector when I is set,
 * after the instruction following SEI or RETI.  Taking one pushes PC
 * (2 bytes), clears I and jumps to vector n: 4 cycles, 8 when it wakes
 * the core from sleep (datasheet "Interrupt Response Time"), the vector's
 * JMP counted separately.  MCUCR.IVSEL moves the table to the boot
 * section.  The peripheral's ack callback clears its flag when the
 * hardware does. */
#include "flags.h"

void emk_avr_irq(emk_avr *cpu, unsigned vec, int level)
{
    if (vec == 0 || vec >= cpu->model->nvectors)
        return;
    if (level)
        cpu->pending |= 1u << vec;
    else
        cpu->pending &= ~(1u << vec);
}

void emk_avr_set_ack(emk_avr *cpu, unsigned vec, emk_avr_vector_ack ack, void *opaque)
{
    if (vec >= EMK_AVR_MAX_VECTORS)
        return;
    cpu->ack[vec] = ack;
    cpu->ack_opaque[vec] = opaque;
}

unsigned emk_avr_take_irq(emk_avr *cpu)
{
    unsigned vec = 1, cycles = 4;
    uint32_t base = 0;

    while (!(cpu->pending & (1u << vec)))
        vec++;
    if (cpu->state == EMK_AVR_SLEEPING) {
        cycles += 4;
        cpu->state = EMK_AVR_RUNNING;
        if (cpu->on_wake)
            cpu->on_wake(cpu, cpu->hook_opaque);
    }
    if (cpu->data[EMK_AVR_MCUCR] & 2)   /* IVSEL */
        base = emk_avr_boot_start(cpu) / 2;
    emk_avr_push_pc(cpu, cpu->pc & cpu->flash_mask);
    cpu->data[EMK_AVR_SREG] &= (uint8_t)~EMK_AVR_I;
    cpu->pc = (base + vec * cpu->model->vector_words) & cpu->flash_mask;
    cpu->vectors_taken++;
    if (cpu->ack[vec])
        cpu->ack[vec](cpu, cpu->ack_opaque[vec], vec);
    return cycles;
}
