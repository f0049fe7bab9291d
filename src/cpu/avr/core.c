/* core.c - the AVR core's life cycle, run loop, data-space I/O dispatch
 * (its emk_bus), and the cycle timers.
 *
 * Run loop: before each instruction, timers whose deadline has come run
 * (in deadline order), then a pending enabled interrupt is taken, then one
 * pre-decoded instruction executes through the handler table.  A sleeping
 * core jumps the cycle counter to the next deadline, so idle firmware
 * costs nothing. */
#include <errno.h>
#include <string.h>

#include "flags.h"

static const emk_avr_model atmega328p = {
    "atmega328p", 32768, 0x900, 128, 26, 2, 0xFF, 0xDE, 0xFD, 0xFF,
    {0x1E, 0x95, 0x0F},
};

const emk_avr_model *emk_avr_atmega328p(void)
{
    return &atmega328p;
}

static const emk_avr_handler handlers[EMK_AVR_NOPS] = {
#define EMK_AVR_H(n) emk_avr_op_##n,
    EMK_AVR_OPS(EMK_AVR_H)
#undef EMK_AVR_H
};

/* ---- I/O bus ----------------------------------------------------------- */

static int bus_map(emk_bus *bus, emk_region *r, uint64_t addr)
{
    emk_avr *cpu = bus->opaque;
    uint64_t i;

    if (addr < EMK_AVR_IO_START || addr + r->size > EMK_AVR_IO_END || r->size == 0)
        return -ERANGE;
    for (i = 0; i < r->size; i++)
        if (cpu->io[addr - EMK_AVR_IO_START + i])
            return -EBUSY;
    for (i = 0; i < r->size; i++)
        cpu->io[addr - EMK_AVR_IO_START + i] = r;
    r->addr = addr;
    r->mapped = 1;
    return 0;
}

static void bus_unmap(emk_bus *bus, emk_region *r)
{
    emk_avr *cpu = bus->opaque;
    unsigned i;

    for (i = 0; i < EMK_AVR_IO_END - EMK_AVR_IO_START; i++)
        if (cpu->io[i] == r)
            cpu->io[i] = NULL;
    r->mapped = 0;
}

static const emk_bus_ops avr_bus_ops = {
    .map_region = bus_map,
    .unmap_region = bus_unmap,
};

uint8_t emk_avr_io_read(emk_avr *cpu, uint16_t a)
{
    emk_region *r = cpu->io[a - EMK_AVR_IO_START];
    uint64_t v;

    if (!r) {
        if (a == EMK_AVR_SPMCSR)
            return emk_avr_spmcsr_read(cpu);
        return cpu->data[a];
    }
    if (emk_region_access(r, a - r->addr, 1, &v, 0) < 0)
        return 0xFF;
    return (uint8_t)v;
}

void emk_avr_io_write(emk_avr *cpu, uint16_t a, uint8_t val)
{
    emk_region *r = cpu->io[a - EMK_AVR_IO_START];
    uint64_t v = val;

    if (r) {
        emk_region_access(r, a - r->addr, 1, &v, 1);
        return;
    }
    switch (a) {
    case EMK_AVR_SPMCSR:
        emk_avr_spmcsr_write(cpu, val);
        break;
    case EMK_AVR_MCUCR:
        /* IVSEL changes only within 4 cycles of writing IVCE alone */
        if (val & 1) {
            cpu->mcucr_ivce_until = cpu->cycle + 5;
            cpu->data[a] = (uint8_t)((cpu->data[a] & ~2u) | 1);
        } else {
            if (cpu->cycle >= cpu->mcucr_ivce_until)
                val = (uint8_t)((val & ~2u) | (cpu->data[a] & 2));
            cpu->data[a] = (uint8_t)(val & ~1u);
            cpu->mcucr_ivce_until = 0;
        }
        break;
    case EMK_AVR_MCUSR:
        cpu->data[a] = val & 0x0F;
        break;
    default:
        cpu->data[a] = val;
    }
}

uint8_t emk_avr_read(emk_avr *cpu, uint16_t addr)
{
    return emk_avr_ld(cpu, addr);
}

void emk_avr_write(emk_avr *cpu, uint16_t addr, uint8_t value)
{
    emk_avr_st(cpu, addr, value);
}

uint8_t emk_avr_write_mask(const emk_avr *cpu)
{
    return cpu->bit_mask;
}

/* ---- cycle timers ------------------------------------------------------ */

void emk_avr_sched_update(emk_avr *cpu)
{
    uint64_t next = UINT64_MAX;
    unsigned i;

    for (i = 0; i < cpu->ntimers; i++)
        if (cpu->timers[i]->armed && cpu->timers[i]->when < next)
            next = cpu->timers[i]->when;
    cpu->next_deadline = next;
}

int emk_avr_timer_add(emk_avr *cpu, emk_avr_timer *t,
                      void (*fn)(emk_avr *, void *, uint64_t), void *opaque)
{
    if (cpu->ntimers >= EMK_AVR_MAX_TIMERS)
        return -ENOSPC;
    t->fn = fn;
    t->opaque = opaque;
    t->armed = 0;
    t->when = 0;
    cpu->timers[cpu->ntimers++] = t;
    return 0;
}

void emk_avr_timer_arm(emk_avr *cpu, emk_avr_timer *t, uint64_t when)
{
    t->when = when;
    t->armed = 1;
    if (when < cpu->next_deadline)
        cpu->next_deadline = when;
}

void emk_avr_timer_cancel(emk_avr *cpu, emk_avr_timer *t)
{
    if (!t->armed)
        return;
    t->armed = 0;
    if (t->when == cpu->next_deadline)
        emk_avr_sched_update(cpu);
}

static void run_timers(emk_avr *cpu)
{
    while (cpu->next_deadline <= cpu->cycle) {
        emk_avr_timer *first = NULL;
        unsigned i;

        for (i = 0; i < cpu->ntimers; i++) {
            emk_avr_timer *t = cpu->timers[i];

            if (t->armed && t->when <= cpu->cycle && (!first || t->when < first->when))
                first = t;
        }
        if (!first) {
            emk_avr_sched_update(cpu);
            break;
        }
        first->armed = 0;
        emk_avr_sched_update(cpu);
        first->fn(cpu, first->opaque, first->when);
    }
}

/* ---- life cycle -------------------------------------------------------- */

int emk_avr_init(emk_avr *cpu, const emk_avr_model *model)
{
    if (!cpu || !model || model->flash_size > EMK_AVR_FLASH_MAX ||
        (model->flash_size & (model->flash_size - 1)) || model->data_end > EMK_AVR_DATA_MAX ||
        model->page_size > EMK_AVR_PAGE_MAX || model->nvectors > EMK_AVR_MAX_VECTORS)
        return -EINVAL;
    memset(cpu, 0, sizeof(*cpu));
    cpu->bus.ops = &avr_bus_ops;
    cpu->bus.opaque = cpu;
    emk_dev_init(&cpu->dev, model->name, &cpu->bus, NULL);
    cpu->model = model;
    cpu->flash_mask = model->flash_size / 2 - 1;
    cpu->clock_hz = 16000000;
    memset(cpu->flash, 0xFF, sizeof(cpu->flash));
    emk_avr_decode_range(cpu, 0, model->flash_size / 2);
    emk_avr_set_fuses(cpu, model->lfuse, model->hfuse, model->efuse, model->lock);
    cpu->bit_mask = 0xFF;
    emk_avr_reset(cpu, EMK_AVR_RESET_POWER);
    return 0;
}

void emk_avr_reset(emk_avr *cpu, unsigned cause)
{
    uint8_t mcusr = cpu->data[EMK_AVR_MCUSR];
    unsigned i;

    /* SRAM keeps its contents over a reset; power-on clears it here */
    if (cause & EMK_AVR_RESET_POWER) {
        mcusr = 0;
        memset(cpu->data, 0, sizeof(cpu->data));
    } else {
        memset(cpu->data, 0, EMK_AVR_IO_END);
    }
    cpu->data[EMK_AVR_MCUSR] = (uint8_t)((mcusr | cause) & 0x0F);
    emk_avr_set_sp(cpu, (uint16_t)(cpu->model->data_end - 1));
    cpu->pc = (cpu->hfuse & 1) ? 0 : emk_avr_boot_start(cpu) / 2;   /* BOOTRST */
    if (!(cpu->hfuse & 1))
        cpu->data[EMK_AVR_MCUCR] = 0;  /* IVSEL is 0 after reset either way */
    cpu->state = EMK_AVR_RUNNING;
    cpu->inhibit = 0;
    cpu->pending = 0;
    cpu->mcucr_ivce_until = 0;
    emk_avr_spm_reset(cpu);
    for (i = 0; i < cpu->ntimers; i++)
        cpu->timers[i]->armed = 0;
    cpu->next_deadline = UINT64_MAX;
    if (cpu->on_reset)
        cpu->on_reset(cpu, cpu->hook_opaque, cause);
}

int emk_avr_load_flash(emk_avr *cpu, uint32_t addr, const uint8_t *buf, size_t len)
{
    if (addr > cpu->model->flash_size || len > cpu->model->flash_size - addr)
        return -ERANGE;
    memcpy(cpu->flash + addr, buf, len);
    emk_avr_decode_range(cpu, addr / 2, (uint32_t)((len + (addr & 1) + 1) / 2));
    return 0;
}

void emk_avr_stop(emk_avr *cpu)
{
    cpu->state = EMK_AVR_STOPPED;
}

unsigned emk_avr_step(emk_avr *cpu)
{
    unsigned n;
    uint32_t pc;

    if (cpu->next_deadline <= cpu->cycle)
        run_timers(cpu);
    if (cpu->state != EMK_AVR_RUNNING) {
        if (cpu->state == EMK_AVR_SLEEPING) {
            if (cpu->pending && (cpu->data[EMK_AVR_SREG] & EMK_AVR_I)) {
                n = emk_avr_take_irq(cpu);
                cpu->cycle += n;
                return n;
            }
            if (cpu->next_deadline != UINT64_MAX) {
                n = (unsigned)(cpu->next_deadline - cpu->cycle);
                cpu->cycle = cpu->next_deadline;
                return n;
            }
        }
        return 0;
    }
    if (cpu->pending && !cpu->inhibit && (cpu->data[EMK_AVR_SREG] & EMK_AVR_I)) {
        n = emk_avr_take_irq(cpu);
        cpu->cycle += n;
        return n;
    }
    cpu->inhibit = 0;
    pc = cpu->pc & cpu->flash_mask;
    cpu->pc = pc;
    n = handlers[cpu->dec[pc]](cpu, emk_avr_flash_word(cpu, pc));
    cpu->pc &= cpu->flash_mask;     /* the PC wraps at the end of the flash */
    cpu->cycle += n;
    return n;
}

uint64_t emk_avr_run(emk_avr *cpu, uint64_t cycles)
{
    uint64_t start = cpu->cycle, end = cpu->cycle + cycles;

    if (cpu->state == EMK_AVR_STOPPED)
        cpu->state = EMK_AVR_RUNNING;
    while (cpu->cycle < end) {
        if (cpu->state == EMK_AVR_RUNNING && cpu->next_deadline > cpu->cycle &&
            !(cpu->pending && (cpu->data[EMK_AVR_SREG] & EMK_AVR_I)) && !cpu->inhibit) {
            /* the hot loop: no timer due and no interrupt pending */
            while (cpu->cycle < end && cpu->cycle < cpu->next_deadline &&
                   !(cpu->pending && (cpu->data[EMK_AVR_SREG] & EMK_AVR_I)) &&
                   cpu->state == EMK_AVR_RUNNING) {
                uint32_t pc = cpu->pc & cpu->flash_mask;

                cpu->inhibit = 0;
                cpu->pc = pc;
                cpu->cycle += handlers[cpu->dec[pc]](cpu, emk_avr_flash_word(cpu, pc));
            }
            continue;
        }
        if (cpu->state == EMK_AVR_SLEEPING && !(cpu->pending && (cpu->data[EMK_AVR_SREG] & EMK_AVR_I)) &&
            cpu->next_deadline > end) {
            cpu->cycle = end;      /* asleep with nothing to wake it before end */
            break;
        }
        if (cpu->state == EMK_AVR_STOPPED)
            break;
        emk_avr_step(cpu);
    }
    cpu->pc &= cpu->flash_mask;
    return cpu->cycle - start;
}
