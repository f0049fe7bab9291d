/* nvmc.c - the Non-Volatile Memory Controller (nRF51 RM v3.0, chapter 9)
 * and the flash writes it gates.  CONFIG.WEN 1 lets word writes clear
 * bits (NOR flash: new = old AND value); 2 lets ERASEPAGE, ERASEALL and
 * ERASEUICR set pages back to ones.  The CPU halts while flash is busy
 * (RM 9.1), so each write and erase adds its time (nRF51822 PS v3.1:
 * 46 us a word, 22.3 ms a page) to the core's clock; READY is always 1
 * between accesses. */
#include "mb_int.h"
#include "trace_int.h"

static emk_trace_event ev_nvmc = EMK_TRACE_EVENT_INIT("microbit_nvmc");

enum {
    READY = 0x400, CONFIG = 0x504, ERASEPAGE = 0x508, ERASEALL = 0x50C,
    ERASEPCR0 = 0x510, ERASEUICR = 0x514,
    WEN_WRITE = 1, WEN_ERASE = 2,
    WRITE_CYCLES = 46 * 16, ERASE_CYCLES = 22300 * 16
};

static void busy(mb_t *mb, uint64_t cycles)
{
    mb->cpu.cycles += cycles;
}

static void erase_page(mb_t *mb, uint32_t addr)
{
    if (addr >= EMK_MICROBIT_FLASH_SIZE || (addr & (EMK_MICROBIT_PAGE_SIZE - 1))) {
        EMK_TRACE(ev_nvmc, "erase refused addr=0x%08x", (unsigned)addr);
        return;
    }
    EMK_TRACE(ev_nvmc, "erase page=0x%08x", (unsigned)addr);
    memset(mb->flash + addr, 0xFF, EMK_MICROBIT_PAGE_SIZE);
    busy(mb, ERASE_CYCLES);
}

static int nvmc_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_nvmc *n = (mb_nvmc *)p;

    switch (off) {
    case READY: *v = 1; return 0;
    case CONFIG: *v = n->config; return 0;
    default: return mb_unknown(p, off, 0, v);
    }
}

static int nvmc_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    mb_nvmc *n = (mb_nvmc *)p;
    mb_t *mb = p->mb;

    switch (off) {
    case CONFIG:
        n->config = v & 3;
        return 0;
    case ERASEPAGE: case ERASEPCR0:
        if (n->config == WEN_ERASE)
            erase_page(mb, v);
        return 0;
    case ERASEALL:
        if (n->config == WEN_ERASE && (v & 1)) {
            memset(mb->flash, 0xFF, sizeof(mb->flash));
            memset(mb->uicr, 0xFF, sizeof(mb->uicr));
            busy(mb, ERASE_CYCLES);
        }
        return 0;
    case ERASEUICR:
        if (n->config == WEN_ERASE && (v & 1)) {
            memset(mb->uicr, 0xFF, sizeof(mb->uicr));
            busy(mb, ERASE_CYCLES);
        }
        return 0;
    default:
        return mb_unknown(p, off, 1, &v);
    }
}

static void and_bytes(uint8_t *b, unsigned size, uint32_t v)
{
    unsigned i;

    for (i = 0; i < size; i++)
        b[i] &= (uint8_t)(v >> (8 * i));
}

int mb_nvmc_flash_write(mb_t *mb, uint32_t addr, unsigned size, uint32_t v)
{
    if (mb->nvmc.config != WEN_WRITE || size != 4) {
        /* Not enabled, or not a full word: the write does nothing. */
        EMK_TRACE(ev_nvmc, "write ignored addr=0x%08x size=%u config=%u",
                  (unsigned)addr, size, (unsigned)mb->nvmc.config);
        mb->unmapped++;
        return 0;
    }
    and_bytes(mb->flash + addr, 4, v);
    busy(mb, WRITE_CYCLES);
    return 0;
}

int mb_nvmc_uicr_write(mb_t *mb, uint32_t off, unsigned size, uint32_t v)
{
    if (mb->nvmc.config != WEN_WRITE || size != 4 || off >= sizeof(mb->uicr)) {
        mb->unmapped++;
        return 0;
    }
    and_bytes(mb->uicr + off, 4, v);
    busy(mb, WRITE_CYCLES);
    return 0;
}

void mb_nvmc_init(mb_t *mb)
{
    mb_periph_init(mb, &mb->nvmc.p, "nrf51-nvmc", MB_ID_NVMC, nvmc_rd, nvmc_wr);
}

void mb_nvmc_reset(mb_t *mb)
{
    mb->nvmc.config = 0;
}
