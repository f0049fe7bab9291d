/* spm.c - self-programming and the non-volatile configuration: SPMCSR,
 * the SPM instruction (page buffer fill, page erase, page write, RWW
 * re-enable, lock bit set), LPM of the fuses, lock bits and signature,
 * and the boot section from BOOTSZ/BOOTRST (ATmega328P datasheet, "Boot
 * Loader Support - Read-While-Write Self-Programming").
 *
 * SPMCSR: SPMIE 7, RWWSB 6, SIGRD 5, RWWSRE 4, BLBSET 3, PGWRT 2, PGERS 1,
 * SPMEN 0.  Writing SPMEN opens a four-cycle window for SPM (or three
 * for LPM of fuses/signature).  SPM is honoured only from the boot
 * section; an erase or write keeps SPMEN (and RWWSB for the RWW section)
 * set for the 4.1 ms of the datasheet, though the flash changes at once.
 * The CPU keeps running, as it does when code in the NRWW section
 * programs the RWW section (the only case a bootloader uses). */
#include <string.h>

#include "flags.h"

enum {
    SPMIE = 0x80, RWWSB = 0x40, SIGRD = 0x20, RWWSRE = 0x10, BLBSET = 0x08,
    PGWRT = 0x04, PGERS = 0x02, SPMEN = 0x01,
    SPM_US = 4100    /* erase/write time, microseconds (datasheet 3.7-4.5 ms) */
};

uint32_t emk_avr_boot_start(const emk_avr *cpu)
{
    /* BOOTSZ1:0 = hfuse bits 2:1; 11 = 256 words ... 00 = 2048 words */
    uint32_t words = 256u << (3 - ((cpu->hfuse >> 1) & 3));

    return cpu->model->flash_size - 2 * words;
}

void emk_avr_set_fuses(emk_avr *cpu, uint8_t lfuse, uint8_t hfuse, uint8_t efuse,
                       uint8_t lock)
{
    cpu->lfuse = lfuse;
    cpu->hfuse = hfuse;
    cpu->efuse = efuse;
    cpu->lock = lock;
}

void emk_avr_spm_reset(emk_avr *cpu)
{
    memset(cpu->page, 0xFF, sizeof(cpu->page));
    cpu->spm_window = 0;
    cpu->spm_busy_until = 0;
    cpu->rww_busy = 0;
    cpu->sigrd_lpm = cpu->blb_lpm = 0;
    cpu->data[EMK_AVR_SPMCSR] = 0;
}

uint8_t emk_avr_lpm_byte(emk_avr *cpu, uint16_t z)
{
    if (cpu->cycle < cpu->spm_window && (cpu->sigrd_lpm || cpu->blb_lpm)) {
        if (cpu->sigrd_lpm) {
            /* signature at 0, 2, 4; RC calibration at 1 */
            if (z == 0 || z == 2 || z == 4)
                return cpu->model->signature[z / 2];
            return z == 1 ? 0x9F : 0xFF;
        }
        switch (z) {
        case 0: return cpu->lfuse;
        case 1: return cpu->lock;
        case 2: return cpu->efuse;
        case 3: return cpu->hfuse;
        default: return 0xFF;
        }
    }
    return cpu->flash[z & (cpu->model->flash_size - 1)];
}

void emk_avr_spmcsr_write(emk_avr *cpu, uint8_t v)
{
    uint8_t keep = cpu->data[EMK_AVR_SPMCSR] & RWWSB;

    if (cpu->cycle < cpu->spm_busy_until)
        return;     /* SPMCSR is read-only while an operation runs */
    cpu->data[EMK_AVR_SPMCSR] = (uint8_t)((v & (SPMIE | SIGRD | RWWSRE | BLBSET |
                                                PGWRT | PGERS | SPMEN)) | keep);
    cpu->sigrd_lpm = cpu->blb_lpm = 0;
    if (v & SPMEN) {
        /* four cycles from the end of this instruction's write */
        cpu->spm_window = cpu->cycle + 5;
        cpu->sigrd_lpm = (v & SIGRD) != 0;
        cpu->blb_lpm = (v & BLBSET) != 0;
    }
}

/* Reading SPMCSR: SPMEN and the op bits clear once the window or the
 * programming time has passed. */
uint8_t emk_avr_spmcsr_read(emk_avr *cpu)
{
    uint8_t v = cpu->data[EMK_AVR_SPMCSR];

    if (cpu->cycle >= cpu->spm_window && cpu->cycle >= cpu->spm_busy_until) {
        v &= (uint8_t)(SPMIE | RWWSB);
        cpu->data[EMK_AVR_SPMCSR] = v;
    }
    return v;
}

static int in_boot_section(const emk_avr *cpu, uint32_t byte)
{
    return byte >= emk_avr_boot_start(cpu);
}

unsigned emk_avr_op_spm(emk_avr *cpu, uint16_t op)
{
    uint8_t ctl = cpu->data[EMK_AVR_SPMCSR];
    uint32_t z = emk_avr_reg16(cpu, 30), psz = cpu->model->page_size;
    uint32_t page = (z & (cpu->model->flash_size - 1)) & ~(psz - 1);
    int boot_locked = (cpu->lock & 0x30) != 0x30;   /* BLB1x programmed */

    (void)op;
    cpu->pc++;
    if (cpu->cycle >= cpu->spm_window || !(ctl & SPMEN) ||
        !in_boot_section(cpu, (cpu->pc - 1) * 2))
        return 1;
    cpu->spm_window = 0;
    switch (ctl & (PGERS | PGWRT | BLBSET | RWWSRE | SIGRD)) {
    case 0:   /* fill the page buffer with R1:R0 at Z */
        cpu->page[z & (psz - 2)] = cpu->data[0];
        cpu->page[(z & (psz - 2)) + 1] = cpu->data[1];
        cpu->data[EMK_AVR_SPMCSR] &= (uint8_t)~SPMEN;
        break;
    case PGERS:
    case PGWRT:
        if (in_boot_section(cpu, page) && boot_locked)
            break;
        if (ctl & PGERS) {
            memset(cpu->flash + page, 0xFF, psz);
        } else {
            memcpy(cpu->flash + page, cpu->page, psz);
            memset(cpu->page, 0xFF, sizeof(cpu->page));
        }
        emk_avr_decode_range(cpu, page / 2, psz / 2);
        cpu->spm_busy_until = cpu->cycle + (uint64_t)cpu->clock_hz * SPM_US / 1000000;
        if (!in_boot_section(cpu, page))
            cpu->data[EMK_AVR_SPMCSR] |= RWWSB;
        break;
    case RWWSRE:
        cpu->data[EMK_AVR_SPMCSR] &= (uint8_t)~(RWWSB | RWWSRE | SPMEN);
        break;
    case BLBSET:  /* R0's BLB bits can only be programmed (cleared) */
        cpu->lock &= (uint8_t)(cpu->data[0] | 0xC3);
        cpu->data[EMK_AVR_SPMCSR] &= (uint8_t)~(BLBSET | SPMEN);
        break;
    default:
        break;
    }
    return 1;
}
