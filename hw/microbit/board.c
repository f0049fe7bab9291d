/* board.c - the micro:bit v1 board: the nRF51822 memory map, the
 * scheduler of peripheral deadlines and the run loop.
 *
 * Memory map (nRF51 Series Reference Manual v3.0, 6.1; nRF51822 Product
 * Specification v3.1, "Memory"): flash at 0 (256 KiB), FICR at
 * 0x10000000, UICR at 0x10001000, RAM at 0x20000000 (16 KiB on the
 * micro:bit's nRF51822-QFAA), APB peripherals at 0x40000000 + ID * 0x1000,
 * GPIO on the AHB at 0x50000000.  Anything else is a bus error: the core
 * takes a HardFault, the host never sees the address. */
#include <stdlib.h>

#include "mb_int.h"
#include "trace_int.h"

static emk_trace_event ev_unmapped = EMK_TRACE_EVENT_INIT("microbit_unmapped");
static emk_trace_event ev_unimpl = EMK_TRACE_EVENT_INIT("microbit_unimpl");
static emk_trace_event ev_reset = EMK_TRACE_EVENT_INIT("microbit_reset");

enum {
    FICR_BASE = 0x10000000, UICR_BASE = 0x10001000, RAM_BASE = 0x20000000,
    APB_BASE = 0x40000000, GPIO_BASE = 0x50000000
};

/* ---- scheduler --------------------------------------------------------------- */

static void replan(mb_t *mb)
{
    uint64_t m = MB_NEVER;
    unsigned i;

    for (i = 0; i < MB_NSLOTS; i++)
        if (mb->deadline[i] < m)
            m = mb->deadline[i];
    mb->next = m;
}

void mb_slot_init(mb_t *mb, unsigned s, mb_expire_fn fn, void *opaque)
{
    mb->expire[s] = fn;
    mb->expire_opaque[s] = opaque;
    mb->deadline[s] = MB_NEVER;
}

void mb_schedule(mb_t *mb, unsigned s, uint64_t when)
{
    mb->deadline[s] = when;
    replan(mb);
    /* An access in the middle of a run moved the next event closer: stop
     * the core there. */
    if (when < mb->cpu.limit) {
        mb->cpu.limit = when;
        mb->cpu.attn = 1;
    }
}

static void run_expired(mb_t *mb)
{
    unsigned i;

    while (mb->next <= mb_now(mb)) {
        for (i = 0; i < MB_NSLOTS; i++)
            if (mb->deadline[i] <= mb_now(mb)) {
                mb->deadline[i] = MB_NEVER;
                mb->expire[i](mb, mb->expire_opaque[i]);
            }
        replan(mb);
    }
}

/* ---- peripherals on the bus ------------------------------------------------------ */

static void board_set_irq(emk_bus *bus, emk_dev *dev, unsigned line, int level)
{
    mb_t *mb = bus->opaque;

    (void)dev;
    emk_armv6m_set_irq(&mb->cpu, line, level);
}

static const emk_bus_ops board_bus_ops = {
    .set_irq = board_set_irq,
};

/* Registers are words; a byte or halfword access reads the word and
 * picks its lanes, or writes the lanes shifted into place (the AHB-lite
 * bridge of the nRF51 does the same for most peripherals). */
static int periph_region_read(void *opaque, uint64_t off, unsigned size,
                              uint64_t *value)
{
    mb_periph *p = opaque;
    uint32_t v = 0;
    int ret = p->rd(p, (uint32_t)off & ~3u, &v);

    *value = (v >> (8 * (off & 3))) & (size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1);
    return ret;
}

static int periph_region_write(void *opaque, uint64_t off, unsigned size,
                               uint64_t value)
{
    mb_periph *p = opaque;

    (void)size;
    return p->wr(p, (uint32_t)off & ~3u, (uint32_t)value << (8 * (off & 3)));
}

static const emk_region_ops periph_region_ops = {
    .read = periph_region_read,
    .write = periph_region_write,
    .valid_sizes = EMK_SIZE_1 | EMK_SIZE_2 | EMK_SIZE_4,
};

void mb_periph_init(mb_t *mb, mb_periph *p, const char *name, unsigned id,
                    mb_rd_fn rd, mb_wr_fn wr)
{
    emk_dev_init(&p->dev, name, &mb->bus, NULL);
    p->mb = mb;
    p->id = id;
    p->region.name = name;
    p->rd = rd;
    p->wr = wr;
    p->region.ops = &periph_region_ops;
    p->region.opaque = p;
    p->region.size = 0x1000;
    p->region.space = EMK_SPACE_MEM;
    (void)emk_dev_add_region(&p->dev, &p->region);
    p->region.addr = id == 32 ? GPIO_BASE : APB_BASE + id * 0x1000u;
    p->region.mapped = 1;
    if (id < MB_NPAGES)
        mb->page[id] = p;
}

void mb_irq(mb_periph *p, int level)
{
    emk_irq_set(&p->dev, p->id, level);
}

int mb_unknown(mb_periph *p, uint32_t off, int wr, uint32_t *v)
{
    p->mb->unmapped++;
    EMK_TRACE(ev_unimpl, "%s %s off=0x%03x value=0x%x pc=0x%08x", p->dev.name,
              wr ? "write" : "read", (unsigned)off, wr ? (unsigned)*v : 0u,
              (unsigned)p->mb->cpu.r[15]);
    if (!wr)
        *v = 0;
    return 0;
}

int mb_inten_write(mb_periph *p, uint32_t off, uint32_t v)
{
    switch (off) {
    case 0x300: p->inten = v; return 1;
    case 0x304: p->inten |= v; return 1;
    case 0x308: p->inten &= ~v; return 1;
    default: return 0;
    }
}

int mb_inten_read(const mb_periph *p, uint32_t off, uint32_t *v)
{
    if (off == 0x300 || off == 0x304 || off == 0x308) {
        *v = p->inten;
        return 1;
    }
    return 0;
}

/* ---- the memory map --------------------------------------------------------------- */

static int periph_access(mb_t *mb, mb_periph *p, uint32_t off, unsigned size,
                         uint32_t *v, int wr)
{
    uint64_t val = wr ? *v : 0;
    int ret = emk_region_access(&p->region, off, size, &val, wr);

    if (!wr)
        *v = (uint32_t)val;
    if (ret < 0) {
        mb->unmapped++;
        return -EFAULT;
    }
    return 0;
}

static int bytes_read(const uint8_t *b, uint32_t off, unsigned size, uint32_t *v)
{
    uint32_t x = 0;
    unsigned i;

    for (i = 0; i < size; i++)
        x |= (uint32_t)b[off + i] << (8 * i);
    *v = x;
    return 0;
}

/* The nRF51's ROM table at 0xF0000000 (CoreSight class 1 component).
 * Nordic's startup code reads its peripheral ID to learn the chip
 * revision (system_nrf51.c: PID0 0x01, PID1 0x0, PID2[7:4] 0x4, PID3[7:4]
 * 0x0 is the third revision, the micro:bit's). */
static uint32_t rom_table(uint32_t off)
{
    switch (off) {
    case 0xFD0: return 0x04;   /* PID4: 4 KiB, JEP106 continuation 4 */
    case 0xFE0: return 0x01;   /* PID0 */
    case 0xFE4: return 0x00;   /* PID1 */
    case 0xFE8: return 0x4C;   /* PID2: revision 4 (third silicon), JEDEC */
    case 0xFEC: return 0x00;   /* PID3 */
    case 0xFF0: return 0x0D;   /* CID0..3: a ROM table */
    case 0xFF4: return 0x10;
    case 0xFF8: return 0x05;
    case 0xFFC: return 0xB1;
    case 0xFCC: return 0x01;   /* MEMTYPE: system memory present */
    default: return 0;         /* no further entries */
    }
}

static int board_read(void *opaque, uint32_t addr, unsigned size, uint32_t *v)
{
    mb_t *mb = opaque;

    if (addr - 0xF0000000u < 0x1000 && size == 4) {
        *v = rom_table(addr & 0xFFF);
        return 0;
    }

    if (addr < EMK_MICROBIT_FLASH_SIZE)
        return bytes_read(mb->flash, addr, size, v);
    if (addr - RAM_BASE < EMK_MICROBIT_RAM_SIZE)
        return bytes_read(mb->ram, addr - RAM_BASE, size, v);
    if (addr - FICR_BASE < 0x1000) {
        if (addr - FICR_BASE < sizeof(mb->ficr))
            return bytes_read(mb->ficr, addr - FICR_BASE, size, v);
        *v = 0xFFFFFFFFu >> (32 - 8 * size);
        return 0;
    }
    if (addr - UICR_BASE < 0x1000) {
        if (addr - UICR_BASE < sizeof(mb->uicr))
            return bytes_read(mb->uicr, addr - UICR_BASE, size, v);
        *v = 0xFFFFFFFFu >> (32 - 8 * size);
        return 0;
    }
    if (addr - APB_BASE < MB_NPAGES * 0x1000u && mb->page[(addr - APB_BASE) >> 12])
        return periph_access(mb, mb->page[(addr - APB_BASE) >> 12], addr & 0xFFF,
                             size, v, 0);
    if (addr - GPIO_BASE < 0x1000)
        return periph_access(mb, &mb->gpio.p, addr & 0xFFF, size, v, 0);
    mb->unmapped++;
    EMK_TRACE(ev_unmapped, "read addr=0x%08x size=%u pc=0x%08x", (unsigned)addr,
              size, (unsigned)mb->cpu.r[15]);
    return -EFAULT;
}

static int board_write(void *opaque, uint32_t addr, unsigned size, uint32_t v)
{
    mb_t *mb = opaque;

    if (addr < EMK_MICROBIT_FLASH_SIZE)
        return mb_nvmc_flash_write(mb, addr, size, v);
    if (addr - UICR_BASE < 0x1000)
        return mb_nvmc_uicr_write(mb, addr - UICR_BASE, size, v);
    if (addr - APB_BASE < MB_NPAGES * 0x1000u && mb->page[(addr - APB_BASE) >> 12])
        return periph_access(mb, mb->page[(addr - APB_BASE) >> 12], addr & 0xFFF,
                             size, &v, 1);
    if (addr - GPIO_BASE < 0x1000)
        return periph_access(mb, &mb->gpio.p, addr & 0xFFF, size, &v, 1);
    mb->unmapped++;
    EMK_TRACE(ev_unmapped, "write addr=0x%08x size=%u value=0x%x pc=0x%08x",
              (unsigned)addr, size, (unsigned)v, (unsigned)mb->cpu.r[15]);
    return -EFAULT;
}

static const emk_armv6m_mem_ops board_mem_ops = {
    .read = board_read,
    .write = board_write,
};

/* ---- life cycle ------------------------------------------------------------------- */

emk_microbit *emk_microbit_new(int *err)
{
    mb_t *mb = calloc(1, sizeof(*mb));
    unsigned i;

    if (!mb || !(mb->uart.in = malloc(MB_UART_IN))) {
        free(mb);
        if (err)
            *err = -ENOMEM;
        return NULL;
    }
    memset(mb->flash, 0xFF, sizeof(mb->flash));
    memset(mb->uicr, 0xFF, sizeof(mb->uicr));
    mb->bus.ops = &board_bus_ops;
    mb->bus.opaque = mb;
    for (i = 0; i < MB_NSLOTS; i++)
        mb->deadline[i] = MB_NEVER;
    mb->next = MB_NEVER;
    emk_armv6m_init(&mb->cpu, &board_mem_ops, mb);
    (void)emk_armv6m_set_window(&mb->cpu, 0, mb->flash, 0, EMK_MICROBIT_FLASH_SIZE, 0);
    (void)emk_armv6m_set_window(&mb->cpu, 1, mb->ram, RAM_BASE, EMK_MICROBIT_RAM_SIZE, 1);
    mb_ficr_init(mb);
    mb_clock_init(mb);
    mb_radio_init(mb);
    mb_uart_init(mb);
    mb_twi_init(mb);
    mb_sensors_init(mb);
    mb_gpio_init(mb);
    mb_gpiote_init(mb);
    mb_adc_init(mb);
    mb_timer_init(mb);
    mb_rtc_init(mb);
    mb_rng_init(mb);
    mb_temp_init(mb);
    mb_wdt_init(mb);
    mb_nvmc_init(mb);
    mb_ppi_init(mb);
    mb_display_init(mb);
    for (i = 0; i < MB_NPAGES; i++)
        if (!mb->page[i])
            mb_stub_init(mb, i, "nrf51-unimplemented");
    mb->accel_mg[2] = -1024;   /* lying flat, face up */
    mb->temp.celsius = 21;
    emk_microbit_reset(mb);
    if (err)
        *err = 0;
    return mb;
}

void emk_microbit_free(emk_microbit *mb)
{
    if (!mb)
        return;
    free(mb->uart.in);
    free(mb);
}

void emk_microbit_reset(emk_microbit *mb)
{
    unsigned i;

    EMK_TRACE(ev_reset, "t=%llu", (unsigned long long)mb_now(mb));
    for (i = 0; i < MB_NSLOTS; i++)
        mb->deadline[i] = MB_NEVER;
    mb->next = MB_NEVER;
    mb->cpu.irq_level = 0;
    mb_clock_reset(mb);
    mb_radio_reset(mb);
    mb_uart_reset(mb);
    mb_twi_reset(mb);
    mb_sensors_reset(mb);
    mb_gpio_reset(mb);
    mb_gpiote_reset(mb);
    mb_adc_reset(mb);
    mb_timer_reset(mb);
    mb_rtc_reset(mb);
    mb_rng_reset(mb);
    mb_temp_reset(mb);
    mb_wdt_reset(mb);
    mb_nvmc_reset(mb);
    mb_ppi_reset(mb);
    for (i = 0; i < MB_NPAGES; i++)
        if (mb->page[i] == &mb->stub[i].p)
            memset(mb->stub[i].reg, 0, sizeof(mb->stub[i].reg));
    memset(mb->ram, 0, sizeof(mb->ram));
    mb_display_reset(mb);
    emk_armv6m_reset(&mb->cpu);
    mb_gpio_update(mb);
}

int emk_microbit_run(emk_microbit *mb, uint64_t limit, int skip_idle)
{
    for (;;) {
        uint64_t end;
        int stop;

        run_expired(mb);
        if (mb_now(mb) >= limit)
            return EMK_MICROBIT_LIMIT;
        end = mb->next < limit ? mb->next : limit;
        stop = emk_armv6m_run(&mb->cpu, end);
        if (stop == EMK_ARMV6M_LOCKUP)
            return EMK_MICROBIT_LOCKUP;
        if (stop == EMK_ARMV6M_RESETREQ) {
            mb->clock.resetreas = 4;   /* SREQ */
            emk_microbit_reset(mb);
            mb->clock.resetreas = 4;
            continue;
        }
        if (stop == EMK_ARMV6M_SLEEP) {
            uint64_t wake = mb->next < limit ? mb->next : limit;

            if (!skip_idle)
                return EMK_MICROBIT_IDLE;
            emk_armv6m_idle(&mb->cpu, wake);
        }
    }
}

void emk_microbit_idle(emk_microbit *mb, uint64_t until)
{
    while (mb->cpu.sleeping && mb_now(mb) < until) {
        uint64_t wake = mb->next < until ? mb->next : until;

        emk_armv6m_idle(&mb->cpu, wake);
        run_expired(mb);
    }
}

uint64_t emk_microbit_now(const emk_microbit *mb)
{
    return mb_now(mb);
}

uint64_t emk_microbit_next_event(const emk_microbit *mb)
{
    uint64_t s = emk_armv6m_next_event(&mb->cpu);

    return s < mb->next ? s : mb->next;
}

uint64_t emk_microbit_insns(const emk_microbit *mb)
{
    return emk_armv6m_insns(&mb->cpu);
}

uint64_t emk_microbit_unmapped(const emk_microbit *mb)
{
    return mb->unmapped;
}

int emk_microbit_read(emk_microbit *mb, uint32_t addr, unsigned size,
                      uint32_t *value)
{
    if ((size != 1 && size != 2 && size != 4) || (addr & (size - 1)))
        return -EINVAL;
    return board_read(mb, addr, size, value);
}

int emk_microbit_write(emk_microbit *mb, uint32_t addr, unsigned size,
                       uint32_t value)
{
    if ((size != 1 && size != 2 && size != 4) || (addr & (size - 1)))
        return -EINVAL;
    if (addr - RAM_BASE < EMK_MICROBIT_RAM_SIZE) {
        unsigned i;

        for (i = 0; i < size; i++)
            mb->ram[addr - RAM_BASE + i] = (uint8_t)(value >> (8 * i));
        return 0;
    }
    return board_write(mb, addr, size, value);
}

int emk_microbit_load_bin(emk_microbit *mb, uint32_t offset,
                          const uint8_t *data, size_t len)
{
    if (offset > EMK_MICROBIT_FLASH_SIZE || len > EMK_MICROBIT_FLASH_SIZE - offset)
        return -ERANGE;
    memcpy(mb->flash + offset, data, len);
    return 0;
}
