/* mb_int.h - private parts of the micro:bit board: the peripherals'
 * state, the scheduler and the helpers they share.  Each peripheral is an
 * emk_dev with one emk_region in its own file; the board decodes the
 * nRF51822 memory map (nRF51 Series Reference Manual v3.0, chapter 6) and
 * dispatches every peripheral access through emk_region_access. */
#ifndef EMKIT_MB_INT_H
#define EMKIT_MB_INT_H

#include <string.h>

#include "emkit/armv6m.h"
#include "emkit/bus.h"
#include "emkit/microbit.h"

struct emk_microbit;
typedef struct emk_microbit mb_t;

/* Peripheral IDs: the page at 0x40000000 + id * 0x1000 and the IRQ. */
enum mb_id {
    MB_ID_POWER = 0, MB_ID_RADIO = 1, MB_ID_UART0 = 2, MB_ID_TWI0 = 3,
    MB_ID_TWI1 = 4, MB_ID_GPIOTE = 6, MB_ID_ADC = 7, MB_ID_TIMER0 = 8,
    MB_ID_TIMER1 = 9, MB_ID_TIMER2 = 10, MB_ID_RTC0 = 11, MB_ID_TEMP = 12,
    MB_ID_RNG = 13, MB_ID_WDT = 16, MB_ID_RTC1 = 17, MB_ID_NVMC = 30,
    MB_ID_PPI = 31, MB_NPAGES = 32
};

/* Scheduler slots: one deadline each. */
enum mb_slot {
    MB_T_TIMER0, MB_T_TIMER1, MB_T_TIMER2, MB_T_RTC0, MB_T_RTC1, MB_T_UART_TX,
    MB_T_UART_RX, MB_T_RNG, MB_T_TEMP, MB_T_ADC, MB_T_WDT, MB_T_ACCEL, MB_T_MAGNET,
    MB_T_DISPLAY, MB_NSLOTS
};

#define MB_NEVER UINT64_MAX

typedef void (*mb_expire_fn)(mb_t *mb, void *opaque);

/* A peripheral: its device base, its region, the common event plumbing. */
typedef struct mb_periph mb_periph;
/* Word register callbacks of a peripheral; off is word-aligned. */
typedef int (*mb_rd_fn)(mb_periph *p, uint32_t off, uint32_t *v);
typedef int (*mb_wr_fn)(mb_periph *p, uint32_t off, uint32_t v);

struct mb_periph {
    emk_dev dev;
    emk_region region;
    mb_t *mb;
    unsigned id;
    uint32_t inten;
    mb_rd_fn rd;
    mb_wr_fn wr;
};

typedef struct mb_timer {
    mb_periph p;
    unsigned slot;
    unsigned ncc;
    uint32_t maxbits;     /* widest BITMODE: 32 for TIMER0, 16 for 1 and 2 */
    int running;
    uint32_t mode, bitmode, prescaler, shorts;
    uint32_t cc[4];
    uint32_t ev_compare[4];
    uint32_t count;       /* counter at base */
    uint64_t base;        /* cycle of the last tick counted into count */
    uint64_t due;         /* cycle of the next match */
} mb_timer;

typedef struct mb_rtc {
    mb_periph p;
    unsigned slot;
    int running;
    uint32_t prescaler, evten;
    uint32_t cc[4];
    uint32_t ev_tick, ev_ovrflw, ev_compare[4];
    uint32_t counter;     /* at base_lf */
    uint64_t base_lf;     /* LFCLK tick of counter */
    uint64_t due_lf;      /* LFCLK tick of the next event */
} mb_rtc;

typedef struct mb_uart {
    mb_periph p;
    int enabled, rx_on, tx_on, tx_busy;
    uint32_t ev_rxdrdy, ev_txdrdy, ev_error, ev_cts, ev_ncts, ev_rxto;
    uint32_t shorts, baud, config, errorsrc;
    uint32_t psel[4];
    uint8_t fifo[6];
    unsigned nfifo;
    uint8_t *in;          /* host input ring (MB_UART_IN bytes) */
    size_t in_head, in_len;
    emk_microbit_tx_fn tx;
    void *tx_opaque;
} mb_uart;

enum { MB_UART_IN = 65536 };

typedef struct mb_gpio {
    mb_periph p;
    uint32_t out, dir;
    uint32_t cnf[32];
    uint32_t ext;         /* levels driven from outside (buttons, pulls) */
    uint32_t ext_driven;  /* pins something outside drives */
    uint32_t last_in;     /* for edge detection (GPIOTE) */
    int detect;
} mb_gpio;

typedef struct mb_gpiote {
    mb_periph p;
    uint32_t config[4];
    uint32_t ev_in[4], ev_port;
} mb_gpiote;

typedef struct mb_clock {
    mb_periph p;
    uint32_t ev_hf, ev_lf, ev_done, ev_ctto;
    uint32_t hfrun, lfrun, lfsrc, lfsrc_copy, ctiv, xtalfreq;
    /* POWER shares the page and its interrupt */
    uint32_t ev_pofwarn, resetreas, pofcon, gpregret, ramon, ramonb, reset,
             dcdcen;
    /* MPU registers in the same page, kept as written */
    uint32_t perr0, rlenr0, protenset0, protenset1, disableindebug;
} mb_clock;

typedef struct mb_rng {
    mb_periph p;
    int running;
    uint32_t ev_valrdy, shorts, config, value;
    uint64_t state;
} mb_rng;

typedef struct mb_temp {
    mb_periph p;
    uint32_t ev_datardy;
    int32_t temp;         /* 0.25 degree units, latched */
    int32_t celsius;      /* what the die is at */
} mb_temp;

typedef struct mb_adc {
    mb_periph p;
    uint32_t ev_end, enable, config, result;
    int busy;
    uint16_t ain[8];
} mb_adc;

typedef struct mb_nvmc {
    mb_periph p;
    uint32_t config;
} mb_nvmc;

typedef struct mb_wdt {
    mb_periph p;
    int running;
    uint32_t ev_timeout, crv, rren, config, reqstatus;
    uint64_t start_lf;
} mb_wdt;

typedef struct mb_ppi {
    mb_periph p;
    uint32_t chen;
    uint32_t eep[16], tep[16];
    uint32_t chg[4];
    int depth;
} mb_ppi;

/* I2C slaves on TWI0: register files with an auto-incrementing pointer. */
typedef struct mb_i2c_slave {
    uint8_t addr;
    uint8_t reg[256];
    uint8_t ptr;
    int got_ptr;
} mb_i2c_slave;

typedef struct mb_twi {
    mb_periph p;
    uint32_t ev_stopped, ev_rxdready, ev_txdsent, ev_error, ev_bb, ev_suspended;
    uint32_t shorts, errorsrc, enable, pselscl, pselsda, freq, address;
    uint32_t rxd;
    int state;            /* 0 idle, 1 tx, 2 rx */
    int suspended;
    int rx_next;          /* the next byte comes when RXD is read */
    mb_i2c_slave *cur;
} mb_twi;

typedef struct mb_radio {
    mb_periph p;
    uint32_t reg[1024];   /* the page, as written */
    uint32_t state;
} mb_radio;

/* A page nobody implements: registers kept as written, traced. */
typedef struct mb_stub {
    mb_periph p;
    uint32_t reg[1024];
} mb_stub;

typedef struct mb_display {
    uint64_t on_time[3][9];    /* cycles each electrical LED was lit */
    uint64_t last;             /* time of the last drive change */
    uint64_t frame_start;      /* start of the current scan cycle */
    uint32_t drive;            /* lit bitmap, bit row * 9 + col */
    uint8_t cand[5][5];        /* decoded from the last scan */
    uint8_t shown[5][5];       /* reported image */
    int row0_was_on;
} mb_display;

struct emk_microbit {
    emk_armv6m cpu;
    emk_bus bus;
    uint8_t flash[EMK_MICROBIT_FLASH_SIZE];
    uint8_t ram[EMK_MICROBIT_RAM_SIZE];
    uint8_t uicr[256];
    uint8_t ficr[256];
    mb_periph *page[MB_NPAGES];
    mb_clock clock;
    mb_uart uart;
    mb_twi twi;
    mb_gpio gpio;
    mb_gpiote gpiote;
    mb_adc adc;
    mb_timer timer[3];
    mb_rtc rtc[2];
    mb_temp temp;
    mb_rng rng;
    mb_wdt wdt;
    mb_nvmc nvmc;
    mb_ppi ppi;
    mb_radio radio;
    mb_stub stub[MB_NPAGES];
    mb_display disp;
    mb_i2c_slave accel, magnet;
    int accel_mg[3];
    int mag_val[3];
    int accel_drdy, magnet_drdy;
    uint64_t deadline[MB_NSLOTS];
    mb_expire_fn expire[MB_NSLOTS];
    void *expire_opaque[MB_NSLOTS];
    uint64_t next;             /* min of deadline[] */
    uint64_t unmapped;
    emk_microbit_display_fn on_display;
    void *display_opaque;
    emk_microbit_pin_fn on_pin;
    void *pin_opaque;
};

/* ---- board services -------------------------------------------------------- */

static inline uint64_t mb_now(const mb_t *mb)
{
    return mb->cpu.cycles;
}

/* Arms (or with MB_NEVER disarms) scheduler slot s. */
void mb_schedule(mb_t *mb, unsigned s, uint64_t when);
void mb_slot_init(mb_t *mb, unsigned s, mb_expire_fn fn, void *opaque);

/* Sets up a peripheral's device and region at page id. */
void mb_periph_init(mb_t *mb, mb_periph *p, const char *name, unsigned id,
                    mb_rd_fn rd, mb_wr_fn wr);
/* Drives the peripheral's interrupt line. */
void mb_irq(mb_periph *p, int level);
/* An event register at addr became 1: PPI fan-out. */
void mb_event(mb_t *mb, uint32_t addr);
/* Writes 1 to a task register (PPI). */
void mb_task(mb_t *mb, uint32_t addr);

/* 32 kHz clock: LFCLK ticks at a cycle and the cycle of an LFCLK tick. */
static inline uint64_t mb_lf_at(uint64_t cycles)
{
    return cycles * 32 / 15625;      /* 16 MHz / 32768 Hz = 15625 / 32 */
}
static inline uint64_t mb_lf_cycle(uint64_t lf)
{
    return (lf * 15625 + 31) / 32;
}

/* Sets *ev (0 or 1) and routes the event to the PPI when it rises. */
static inline void mb_set_event(mb_periph *p, uint32_t *ev, uint32_t off)
{
    int rose = !*ev;

    *ev = 1;
    if (rose)
        mb_event(p->mb, 0x40000000u + p->id * 0x1000u + off);
}

/* Common INTENSET/INTENCLR handling: returns 1 if off was one of them. */
int mb_inten_write(mb_periph *p, uint32_t off, uint32_t v);
/* Reads INTEN/INTENSET/INTENCLR. 1 if handled. */
int mb_inten_read(const mb_periph *p, uint32_t off, uint32_t *v);

/* An offset the peripheral does not implement (undocumented PAN
 * workaround registers among them): reads as zero, writes are dropped,
 * both traced (microbit_unimpl) and counted. */
int mb_unknown(mb_periph *p, uint32_t off, int wr, uint32_t *v);

/* Peripheral set-up (each file). */
void mb_clock_init(mb_t *mb);
void mb_clock_reset(mb_t *mb);
int mb_power_read(mb_clock *c, uint32_t off, uint32_t *v);
int mb_power_write(mb_clock *c, uint32_t off, uint32_t v);
void mb_uart_init(mb_t *mb);
void mb_uart_reset(mb_t *mb);
void mb_gpio_init(mb_t *mb);
void mb_gpio_reset(mb_t *mb);
void mb_gpio_update(mb_t *mb);     /* recompute inputs, edges, DETECT */
uint32_t mb_gpio_in(const mb_t *mb);
/* Output levels and output enables at the pins (GPIO and GPIOTE). */
void mb_gpio_drive(const mb_t *mb, uint32_t *out, uint32_t *dir);
void mb_gpiote_init(mb_t *mb);
void mb_gpiote_reset(mb_t *mb);
void mb_gpiote_edges(mb_t *mb, uint32_t old_in, uint32_t new_in);
void mb_gpiote_detect(mb_t *mb);
void mb_timer_init(mb_t *mb);
void mb_timer_reset(mb_t *mb);
void mb_rtc_init(mb_t *mb);
void mb_rtc_reset(mb_t *mb);
void mb_rng_init(mb_t *mb);
void mb_rng_reset(mb_t *mb);
void mb_temp_init(mb_t *mb);
void mb_temp_reset(mb_t *mb);
void mb_adc_init(mb_t *mb);
void mb_adc_reset(mb_t *mb);
void mb_nvmc_init(mb_t *mb);
void mb_nvmc_reset(mb_t *mb);
int mb_nvmc_flash_write(mb_t *mb, uint32_t addr, unsigned size, uint32_t v);
int mb_nvmc_uicr_write(mb_t *mb, uint32_t off, unsigned size, uint32_t v);
void mb_ficr_init(mb_t *mb);
void mb_wdt_init(mb_t *mb);
void mb_wdt_reset(mb_t *mb);
void mb_ppi_init(mb_t *mb);
void mb_ppi_reset(mb_t *mb);
void mb_twi_init(mb_t *mb);
void mb_twi_reset(mb_t *mb);
void mb_sensors_init(mb_t *mb);
void mb_sensors_reset(mb_t *mb);
/* The slave's byte at its register pointer (auto-incrementing). */
uint8_t mb_sensor_read(mb_t *mb, mb_i2c_slave *s);
/* A byte from the master: the register pointer first, then data. */
void mb_sensor_write(mb_t *mb, mb_i2c_slave *s, uint8_t v);
void mb_radio_init(mb_t *mb);
void mb_radio_reset(mb_t *mb);
void mb_stub_init(mb_t *mb, unsigned id, const char *name);
void mb_display_reset(mb_t *mb);
void mb_display_drive(mb_t *mb);   /* GPIO outputs changed */
void mb_display_init(mb_t *mb);

#endif
