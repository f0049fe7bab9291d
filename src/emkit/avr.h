/*
 * emkit/avr.h - an AVR core (the avr5 instruction set of the ATmega328P):
 * exact cycle counts and flags, the interrupt vector table, SLEEP, WDR,
 * SPM self-programming with the boot section, fuses and lock bits.
 *
 * The core owns the data space (32 registers, 224 I/O addresses, SRAM)
 * and the flash.  Peripherals live on an emk_bus the core provides
 * (emk_avr_bus): a peripheral maps an emk_region at a data-space address
 * in 0x20..0xFF with emk_bus_map_region, and every LD/ST/IN/OUT/SBI/CBI
 * that hits it goes through emk_region_access.  Addresses no region
 * covers are plain storage.
 *
 * Time is the core's cycle counter.  Peripherals schedule work on cycle
 * timers (emk_avr_timer): the run loop fires every timer whose deadline
 * has come before the next instruction, and a sleeping core skips straight
 * to the next deadline.  Everything here belongs to the thread that calls
 * emk_avr_run; nothing is locked.
 *
 *   emk_avr cpu;
 *   emk_avr_init(&cpu, emk_avr_atmega328p());
 *   emk_avr_load_flash(&cpu, 0, image, len);
 *   emk_avr_reset(&cpu, EMK_AVR_RESET_POWER);
 *   emk_avr_run(&cpu, 16000000);            // one second at 16 MHz
 */
#ifndef EMKIT_AVR_H
#define EMKIT_AVR_H

#include <stddef.h>
#include <stdint.h>

#include "emkit/base.h"
#include "emkit/bus.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_avr_limits {
    EMK_AVR_FLASH_MAX = 32768,   /**< bytes of flash storage in emk_avr */
    EMK_AVR_DATA_MAX = 0x900,    /**< registers + I/O + 2 KiB SRAM */
    EMK_AVR_IO_START = 0x20,     /**< first I/O address in data space */
    EMK_AVR_IO_END = 0x100,      /**< one past the last (extended) I/O */
    EMK_AVR_MAX_VECTORS = 32,
    EMK_AVR_MAX_TIMERS = 24,
    EMK_AVR_PAGE_MAX = 128       /**< SPM page buffer bytes */
};

/** SREG bits. */
enum emk_avr_sreg {
    EMK_AVR_C = 0x01, EMK_AVR_Z = 0x02, EMK_AVR_N = 0x04, EMK_AVR_V = 0x08,
    EMK_AVR_S = 0x10, EMK_AVR_H = 0x20, EMK_AVR_T = 0x40, EMK_AVR_I = 0x80
};

/** Core I/O addresses (data space). */
enum emk_avr_core_reg {
    EMK_AVR_SPMCSR = 0x57, EMK_AVR_MCUCR = 0x55, EMK_AVR_MCUSR = 0x54,
    EMK_AVR_SMCR = 0x53, EMK_AVR_SPL = 0x5D, EMK_AVR_SPH = 0x5E,
    EMK_AVR_SREG = 0x5F
};

/** Reset causes, as the MCUSR bits they set. */
enum emk_avr_reset_cause {
    EMK_AVR_RESET_POWER = 0x01,     /**< PORF */
    EMK_AVR_RESET_EXTERNAL = 0x02,  /**< EXTRF: the reset pin (DTR pulse) */
    EMK_AVR_RESET_BROWNOUT = 0x04,  /**< BORF */
    EMK_AVR_RESET_WATCHDOG = 0x08   /**< WDRF */
};

/** emk_avr.state */
enum emk_avr_state {
    EMK_AVR_RUNNING = 0,
    EMK_AVR_SLEEPING = 1,   /**< SLEEP with SMCR.SE: waits for an interrupt */
    EMK_AVR_STOPPED = 2     /**< emk_avr_stop */
};

/** The part being emulated. */
typedef struct emk_avr_model {
    const char *name;
    uint32_t flash_size;       /**< bytes, a power of two <= EMK_AVR_FLASH_MAX */
    uint32_t data_end;         /**< one past the last SRAM byte */
    uint32_t page_size;        /**< SPM page bytes */
    uint32_t nvectors;         /**< vectors, reset included */
    uint32_t vector_words;     /**< words per vector (2 with JMP) */
    uint8_t lfuse, hfuse, efuse, lock;   /**< defaults */
    uint8_t signature[3];
} emk_avr_model;

/** The ATmega328P (Arduino Uno fuses: low 0xFF, high 0xDE, ext 0xFD). */
EMK_API const emk_avr_model *emk_avr_atmega328p(void);

struct emk_avr;

/** A cycle timer: fn runs before the first instruction at or after cycle
 *  `when`.  Caller-owned; armed with emk_avr_timer_arm. */
typedef struct emk_avr_timer {
    void (*fn)(struct emk_avr *avr, void *opaque, uint64_t now);
    void *opaque;
    uint64_t when;
    int armed;
} emk_avr_timer;

/** Called when the core takes vector vec (clears its flag if the
 *  hardware does). */
typedef void (*emk_avr_vector_ack)(struct emk_avr *avr, void *opaque, unsigned vec);

/** The core.  Caller-owned; the fields are read-only to users except
 *  through the functions below. */
typedef struct emk_avr {
    emk_dev dev;                     /**< base: the core as a device */
    emk_bus bus;                     /**< the I/O bus peripherals map onto */
    const emk_avr_model *model;
    uint8_t data[EMK_AVR_DATA_MAX];  /**< registers, I/O, SRAM */
    uint8_t flash[EMK_AVR_FLASH_MAX];
    uint8_t dec[EMK_AVR_FLASH_MAX / 2];   /**< pre-decoded op per word */
    uint32_t pc;                     /**< word address */
    uint32_t flash_mask;             /**< words - 1 */
    uint64_t cycle;
    int state;
    int inhibit;                     /**< no interrupt before the next insn */
    uint32_t pending;                /**< vectors raised (bit n = vector n) */
    emk_avr_vector_ack ack[EMK_AVR_MAX_VECTORS];
    void *ack_opaque[EMK_AVR_MAX_VECTORS];
    uint64_t vectors_taken;
    /* I/O dispatch: region and its base per data address */
    emk_region *io[EMK_AVR_IO_END - EMK_AVR_IO_START];
    uint8_t bit_mask;                /**< bits an SBI/CBI touches (0xFF otherwise) */
    /* cycle timers */
    emk_avr_timer *timers[EMK_AVR_MAX_TIMERS];
    unsigned ntimers;
    uint64_t next_deadline;
    /* fuses, boot section and SPM */
    uint8_t lfuse, hfuse, efuse, lock;
    uint8_t page[EMK_AVR_PAGE_MAX];
    uint64_t spm_window;             /**< SPMEN set: SPM allowed until this cycle */
    uint64_t mcucr_ivce_until;
    int rww_busy;
    /* hooks */
    void (*on_sleep)(struct emk_avr *avr, void *opaque);   /**< SLEEP executed */
    void (*on_wdr)(struct emk_avr *avr, void *opaque);     /**< WDR executed */
    void (*on_reset)(struct emk_avr *avr, void *opaque, unsigned cause);
    void (*on_wake)(struct emk_avr *avr, void *opaque);    /**< interrupt ends sleep */
    void *hook_opaque;
    uint32_t illegal;                /**< illegal opcodes executed (run as NOP) */
    uint32_t bad_access;             /**< data accesses past data_end */
    uint32_t breaks;                 /**< BREAK instructions executed */
    uint32_t clock_hz;               /**< CPU clock (16 MHz after init) */
    uint64_t spm_busy_until;         /**< page erase/write in progress */
    int sigrd_lpm, blb_lpm;          /**< LPM reads signature / fuses */
} emk_avr;

/** Sets up cpu for model (flash erased to 0xFF, fuses at the model's
 *  defaults) and resets it.  0 or -EINVAL. */
EMK_API int emk_avr_init(emk_avr *cpu, const emk_avr_model *model);

/** Resets the core: registers and I/O to zero, SP to the end of SRAM, PC
 *  to 0 or the boot section (BOOTRST), MCUSR |= cause.  Peripherals reset
 *  from the on_reset hook.  Timers are disarmed. */
EMK_API void emk_avr_reset(emk_avr *cpu, unsigned cause);

/** Copies len bytes into flash at byte address addr and re-decodes them.
 *  0 or -ERANGE. */
EMK_API int emk_avr_load_flash(emk_avr *cpu, uint32_t addr, const uint8_t *buf,
                               size_t len);

/** Runs until `cycles` more cycles have passed (the last instruction may
 *  end a little later), the core stops, or emk_avr_stop.  Returns the
 *  cycles run. */
EMK_API uint64_t emk_avr_run(emk_avr *cpu, uint64_t cycles);

/** Executes one instruction (or takes one interrupt, or sleeps to the
 *  next deadline).  Returns its cycles. */
EMK_API unsigned emk_avr_step(emk_avr *cpu);

/** Stops emk_avr_run after the current instruction. */
EMK_API void emk_avr_stop(emk_avr *cpu);

/** Raises (level 1) or lowers vector vec's request.  Vector 0 is reset and
 *  cannot be raised.  ack, if given, is called when the vector is taken. */
EMK_API void emk_avr_irq(emk_avr *cpu, unsigned vec, int level);

/** Sets the callback run when vector vec is taken. */
EMK_API void emk_avr_set_ack(emk_avr *cpu, unsigned vec, emk_avr_vector_ack ack,
                             void *opaque);

/** Adds t to the core's timers (disarmed).  0 or -ENOSPC. */
EMK_API int emk_avr_timer_add(emk_avr *cpu, emk_avr_timer *t,
                              void (*fn)(emk_avr *, void *, uint64_t), void *opaque);

/** Arms t for cycle `when` (rearms if armed). */
EMK_API void emk_avr_timer_arm(emk_avr *cpu, emk_avr_timer *t, uint64_t when);

/** Disarms t. */
EMK_API void emk_avr_timer_cancel(emk_avr *cpu, emk_avr_timer *t);

/** Reads a data-space byte as the CPU would (I/O side effects included). */
EMK_API uint8_t emk_avr_read(emk_avr *cpu, uint16_t addr);

/** Writes a data-space byte as the CPU would. */
EMK_API void emk_avr_write(emk_avr *cpu, uint16_t addr, uint8_t value);

/** The bits the current I/O write really writes: 1 << b during SBI/CBI on
 *  a register, 0xFF otherwise.  Write-one-to-clear flags and PINx
 *  toggles use it, since the ATmega328P's SBI/CBI touch one bit only. */
EMK_API uint8_t emk_avr_write_mask(const emk_avr *cpu);

/** Sets the fuses (they take effect at the next reset) and the lock bits. */
EMK_API void emk_avr_set_fuses(emk_avr *cpu, uint8_t lfuse, uint8_t hfuse,
                               uint8_t efuse, uint8_t lock);

/** Byte address of the boot section (from BOOTSZ), or the flash size if
 *  BOOTRST is unprogrammed and the section is unused at reset. */
EMK_API uint32_t emk_avr_boot_start(const emk_avr *cpu);

/** Reads bytes of an Intel HEX text into cpu's flash (record types 00,
 *  01, 02, 03, 04, 05; checksums verified).  *hi receives one past the
 *  highest byte written.  0, -EINVAL (bad syntax or checksum) or -ERANGE. */
EMK_API int emk_avr_load_ihex(emk_avr *cpu, const char *text, size_t len,
                              uint32_t *hi);

/** Loads the flash part of an ELF32 AVR executable (PT_LOAD segments with
 *  physical addresses below 0x800000).  0, -EINVAL or -ERANGE. */
EMK_API int emk_avr_load_elf(emk_avr *cpu, const uint8_t *buf, size_t len,
                             uint32_t *hi);

/** Parses an Intel HEX text and calls put for every data byte (with its
 *  linear address).  0 or -EINVAL.  Stops at the end record. */
EMK_API int emk_ihex_parse(const char *text, size_t len,
                           int (*put)(void *opaque, uint32_t addr, uint8_t b),
                           void *opaque);

#ifdef __cplusplus
}
#endif

#endif
