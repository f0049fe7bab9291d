/*
 * emkit/atmega328p.h - the ATmega328P: the AVR core (emkit/avr.h) and its
 * peripherals, each an emk_dev with its registers as emk_regions mapped on
 * the core's I/O bus (hw/atmega328p/, one file each): PORTB/C/D, external
 * and pin-change interrupts, TIMER0/1/2, the ADC, USART0, SPI, TWI, the
 * EEPROM, the watchdog and the sleep controller.
 *
 * The outside world (a board, a test) sees pins and hooks:
 *  - emk_m328p_pin_input drives an input pin from outside (or releases it);
 *  - the pin hook reports every change of what the MCU does with a pin
 *    (drives it high or low, pulls it up, lets it float);
 *  - the ADC asks the adc hook for a channel's voltage;
 *  - USART0 bytes leave through the uart_tx hook and arrive with
 *    emk_m328p_uart_rx;
 *  - SPI and TWI transfers go to their hooks (none: the bus floats).
 * Everything runs in the thread that runs the core (emk_avr_run).
 */
#ifndef EMKIT_ATMEGA328P_H
#define EMKIT_ATMEGA328P_H

#include "emkit/avr.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Ports. */
enum emk_m328p_port { EMK_M328P_PORTB = 0, EMK_M328P_PORTC = 1, EMK_M328P_PORTD = 2,
                      EMK_M328P_NPORTS = 3 };

/** What the MCU does with a pin (the pin hook's state). */
enum emk_m328p_pin_state {
    EMK_PIN_HIZ = 0,      /**< input, no pull-up */
    EMK_PIN_PULLUP = 1,   /**< input with the internal pull-up */
    EMK_PIN_LOW = 2,      /**< output driving 0 */
    EMK_PIN_HIGH = 3      /**< output driving 1 */
};

/** Interrupt vectors of the ATmega328P. */
enum emk_m328p_vector {
    EMK_M328P_VEC_INT0 = 1, EMK_M328P_VEC_INT1 = 2, EMK_M328P_VEC_PCINT0 = 3,
    EMK_M328P_VEC_PCINT1 = 4, EMK_M328P_VEC_PCINT2 = 5, EMK_M328P_VEC_WDT = 6,
    EMK_M328P_VEC_TIMER2_COMPA = 7, EMK_M328P_VEC_TIMER2_COMPB = 8,
    EMK_M328P_VEC_TIMER2_OVF = 9, EMK_M328P_VEC_TIMER1_CAPT = 10,
    EMK_M328P_VEC_TIMER1_COMPA = 11, EMK_M328P_VEC_TIMER1_COMPB = 12,
    EMK_M328P_VEC_TIMER1_OVF = 13, EMK_M328P_VEC_TIMER0_COMPA = 14,
    EMK_M328P_VEC_TIMER0_COMPB = 15, EMK_M328P_VEC_TIMER0_OVF = 16,
    EMK_M328P_VEC_SPI = 17, EMK_M328P_VEC_USART_RX = 18, EMK_M328P_VEC_USART_UDRE = 19,
    EMK_M328P_VEC_USART_TX = 20, EMK_M328P_VEC_ADC = 21, EMK_M328P_VEC_EE_READY = 22,
    EMK_M328P_VEC_ANALOG_COMP = 23, EMK_M328P_VEC_TWI = 24, EMK_M328P_VEC_SPM_READY = 25
};

enum emk_m328p_limits {
    EMK_M328P_EEPROM_SIZE = 1024,
    EMK_M328P_UART_RXQ = 4096      /**< host bytes waiting for the wire */
};

struct emk_m328p;

/** One of PORTB/C/D (PINx, DDRx, PORTx). */
typedef struct emk_m328p_gpio {
    emk_dev dev;
    emk_region regs;
    struct emk_m328p *mcu;
    unsigned index;
    uint8_t ddr, port;
    uint8_t ext_drive, ext_level;    /**< pins driven from outside, their levels */
    uint8_t ovr_dir, ovr_dir_val;    /**< peripheral forces direction (1 = out) */
    uint8_t ovr_out, ovr_out_val;    /**< peripheral drives the output value */
    uint8_t pin;                     /**< current input levels */
    uint8_t state[8];                /**< last reported emk_m328p_pin_state */
} emk_m328p_gpio;

/** TIMER0, TIMER1 (16-bit, input capture) or TIMER2. */
typedef struct emk_m328p_timer {
    emk_dev dev;
    emk_region regs, tifr, timsk;
    emk_avr_timer ev;
    struct emk_m328p *mcu;
    unsigned index, bits16;
    uint8_t tccra, tccrb, tccrc, flags, mask, temp;
    uint16_t cnt, ocra, ocrb, ocra_buf, ocrb_buf, icr;
    int down;                        /**< dual slope, counting down */
    int frozen;                      /**< clock stopped by a sleep mode */
    uint64_t next_tick;              /**< first tick not yet applied */
    uint32_t presc;                  /**< 0 = stopped */
    uint8_t oc[2];                   /**< OCnA/OCnB output levels */
    uint8_t icp_level;
} emk_m328p_timer;

/** The ADC (ADMUX, ADCSRA, ADCSRB, ADCL/H, DIDR0). */
typedef struct emk_m328p_adc {
    emk_dev dev;
    emk_region regs;
    emk_avr_timer ev;
    struct emk_m328p *mcu;
    uint8_t admux, adcsra, adcsrb, didr0, adch_latched, latched;
    uint16_t result;
    int first;                       /**< next conversion is the first (25 clocks) */
    uint64_t conversions;
} emk_m328p_adc;

/** USART0. */
typedef struct emk_m328p_usart {
    emk_dev dev;
    emk_region regs;
    emk_avr_timer tx_ev, rx_ev;
    struct emk_m328p *mcu;
    uint8_t ucsra, ucsrb, ucsrc, ubrrl, ubrrh;
    uint8_t tx_buf, tx_shift;
    int tx_buf_full, tx_busy;
    uint8_t rx_fifo[2];              /**< UDR0 and the receive shift buffer */
    unsigned rx_count;
    uint8_t rxq[EMK_M328P_UART_RXQ]; /**< host bytes not yet on the wire */
    unsigned rxq_head, rxq_len;
    int rx_busy;
    uint64_t tx_bytes, rx_bytes, rx_overruns;
} emk_m328p_usart;

/** SPI master/slave registers. */
typedef struct emk_m328p_spi {
    emk_dev dev;
    emk_region regs;
    emk_avr_timer ev;
    struct emk_m328p *mcu;
    uint8_t spcr, spsr, spdr, out;
    int busy, spif_seen;
} emk_m328p_spi;

/** TWI (master side). */
typedef struct emk_m328p_twi {
    emk_dev dev;
    emk_region regs;
    emk_avr_timer ev;
    struct emk_m328p *mcu;
    uint8_t twbr, twsr, twar, twdr, twcr, twamr;
    int started, reading, addressed;
    uint8_t next_status;
} emk_m328p_twi;

/** EEPROM (EECR, EEDR, EEARL/H) and its 1 KiB. */
typedef struct emk_m328p_eeprom {
    emk_dev dev;
    emk_region regs;
    emk_avr_timer ev;
    struct emk_m328p *mcu;
    uint8_t eecr, eedr;
    uint16_t eear;
    uint64_t mpe_until;
    uint8_t mem[EMK_M328P_EEPROM_SIZE];
    uint64_t writes;
} emk_m328p_eeprom;

/** The watchdog timer (WDTCSR). */
typedef struct emk_m328p_wdt {
    emk_dev dev;
    emk_region regs;
    emk_avr_timer ev;
    struct emk_m328p *mcu;
    uint8_t wdtcsr;
    uint64_t wdce_until;
    uint64_t resets;
} emk_m328p_wdt;

/** The sleep controller (SMCR) and PRR. */
typedef struct emk_m328p_sleep {
    emk_dev dev;
    emk_region smcr, prr;
    struct emk_m328p *mcu;
    uint8_t prr_val;
    unsigned mode;                   /**< SM2:0 of the last SLEEP */
    uint64_t sleeps, since, slept_cycles;
} emk_m328p_sleep;

/** INT0/INT1 and PCINT0..2. */
typedef struct emk_m328p_extint {
    emk_dev dev;
    emk_region flags, ctl, masks;
    struct emk_m328p *mcu;
    uint8_t eicra, eimsk, eifr, pcicr, pcifr, pcmsk[3];
} emk_m328p_extint;

/** Hooks from the MCU to the outside (all optional). */
typedef struct emk_m328p_hooks {
    void *opaque;
    /** pin (port, bit) changed to state (emk_m328p_pin_state) at cycle */
    void (*pin)(void *opaque, unsigned port, unsigned bit, unsigned state, uint64_t cycle);
    /** the voltage on ADC channel ch (0..7) */
    double (*adc)(void *opaque, unsigned ch);
    /** USART0 finished sending byte b */
    void (*uart_tx)(void *opaque, uint8_t b);
    /** SPI master sent b; return the byte the slave shifts back */
    uint8_t (*spi)(void *opaque, uint8_t b);
    /** TWI: address phase (returns 1 for ACK), then bytes */
    int (*twi_start)(void *opaque, uint8_t addr7, int read);
    int (*twi_write)(void *opaque, uint8_t b);
    uint8_t (*twi_read)(void *opaque, int ack);
    void (*twi_stop)(void *opaque);
} emk_m328p_hooks;

/** The whole microcontroller. */
typedef struct emk_m328p {
    emk_avr cpu;                     /**< first: the core */
    emk_m328p_gpio port[EMK_M328P_NPORTS];
    emk_m328p_timer timer[3];
    emk_m328p_adc adc;
    emk_m328p_usart usart;
    emk_m328p_spi spi;
    emk_m328p_twi twi;
    emk_m328p_eeprom eeprom;
    emk_m328p_wdt wdt;
    emk_m328p_sleep sleep;
    emk_m328p_extint extint;
    emk_m328p_hooks hooks;
    double vcc, aref;                /**< volts (5.0 and 5.0 on the Uno) */
} emk_m328p;

/** Sets up the MCU at clock_hz with every peripheral mapped, the Uno's
 *  fuses, and resets it (power-on).  0 or a negative errno. */
EMK_API int emk_m328p_init(emk_m328p *m, uint32_t clock_hz, const emk_m328p_hooks *hooks);

/** Resets the MCU (core and every peripheral) with an MCUSR cause. */
EMK_API void emk_m328p_reset(emk_m328p *m, unsigned cause);

/** Drives input pin (port, bit) from outside: driven 1 with level 0/1,
 *  or driven 0 to release it (it then reads its pull-up or floats low). */
EMK_API void emk_m328p_pin_input(emk_m328p *m, unsigned port, unsigned bit, int driven,
                                 int level);

/** Current level of pin (port, bit) as the PINx register reads it. */
EMK_API int emk_m328p_pin_level(const emk_m328p *m, unsigned port, unsigned bit);

/** The emk_m328p_pin_state of a pin. */
EMK_API unsigned emk_m328p_pin_state(const emk_m328p *m, unsigned port, unsigned bit);

/** Queues host bytes for USART0's receiver; they arrive one frame time
 *  apart at the firmware's baud rate.  Returns how many were queued. */
EMK_API size_t emk_m328p_uart_rx(emk_m328p *m, const uint8_t *buf, size_t len);

/** Room left in the receive queue. */
EMK_API size_t emk_m328p_uart_rx_room(const emk_m328p *m);

/** USART0's frame time in cycles at its current settings (0 if off). */
EMK_API uint32_t emk_m328p_uart_frame_cycles(const emk_m328p *m);

/* ---- internal links between the peripherals (hw/atmega328p/) ---- */

/** gpio.c: a peripheral takes over a pin's direction and/or output. */
EMK_API void emk_m328p_gpio_override(emk_m328p *m, unsigned port, unsigned bit,
                                     int dir_on, int dir_out, int out_on, int out_val);
/** extint.c: pin (port, bit) now reads level (called by gpio.c). */
EMK_API void emk_m328p_extint_pin(emk_m328p *m, unsigned port, unsigned bit, int level);
/** timer.c: ICP1 (PB0) now reads level. */
EMK_API void emk_m328p_timer_icp(emk_m328p *m, int level);
/** timer.c: stop/restart the I/O clock of timer t (sleep modes). */
EMK_API void emk_m328p_timer_freeze(emk_m328p_timer *t, int frozen);
/** timer.c: brings TCNT up to date with the core's cycle counter. */
EMK_API void emk_m328p_timer_sync(emk_m328p_timer *t);

/* Peripheral set-up and reset, called by emk_m328p_init and the core's
 * reset hook. */
/** Maps PORTB/C/D on m's I/O bus (gpio.c).  0 or a negative errno. */
EMK_API int emk_m328p_gpio_init(emk_m328p *m);
/** Returns PORTB/C/D to its reset state. */
EMK_API void emk_m328p_gpio_reset(emk_m328p *m);
/** Maps TIMER0/1/2 on m's I/O bus (timer.c).  0 or a negative errno. */
EMK_API int emk_m328p_timer_init(emk_m328p *m);
/** Returns TIMER0/1/2 to its reset state. */
EMK_API void emk_m328p_timer_reset(emk_m328p *m);
/** Maps the ADC on m's I/O bus (adc.c).  0 or a negative errno. */
EMK_API int emk_m328p_adc_init(emk_m328p *m);
/** Returns the ADC to its reset state. */
EMK_API void emk_m328p_adc_reset(emk_m328p *m);
/** Maps USART0 on m's I/O bus (usart.c).  0 or a negative errno. */
EMK_API int emk_m328p_usart_init(emk_m328p *m);
/** Returns USART0 to its reset state. */
EMK_API void emk_m328p_usart_reset(emk_m328p *m);
/** Maps the SPI on m's I/O bus (spi.c).  0 or a negative errno. */
EMK_API int emk_m328p_spi_init(emk_m328p *m);
/** Returns the SPI to its reset state. */
EMK_API void emk_m328p_spi_reset(emk_m328p *m);
/** Maps the TWI on m's I/O bus (twi.c).  0 or a negative errno. */
EMK_API int emk_m328p_twi_init(emk_m328p *m);
/** Returns the TWI to its reset state. */
EMK_API void emk_m328p_twi_reset(emk_m328p *m);
/** Maps the EEPROM on m's I/O bus (eeprom.c).  0 or a negative errno. */
EMK_API int emk_m328p_eeprom_init(emk_m328p *m);
/** Returns the EEPROM to its reset state. */
EMK_API void emk_m328p_eeprom_reset(emk_m328p *m);
/** Maps the watchdog on m's I/O bus (wdt.c).  0 or a negative errno. */
EMK_API int emk_m328p_wdt_init(emk_m328p *m);
/** Returns the watchdog to its reset state. */
EMK_API void emk_m328p_wdt_reset(emk_m328p *m);
/** Maps the sleep controller on m's I/O bus (sleep.c).  0 or a negative errno. */
EMK_API int emk_m328p_sleep_init(emk_m328p *m);
/** Returns the sleep controller to its reset state. */
EMK_API void emk_m328p_sleep_reset(emk_m328p *m);
/** Maps the external and pin-change interrupts on m's I/O bus (extint.c).  0 or a negative errno. */
EMK_API int emk_m328p_extint_init(emk_m328p *m);
/** Returns the external and pin-change interrupts to its reset state. */
EMK_API void emk_m328p_extint_reset(emk_m328p *m);
/** wdt.c: WDR executed. */
EMK_API void emk_m328p_wdt_kick(emk_m328p *m);
/** sleep.c: SLEEP executed with SE set. */
EMK_API void emk_m328p_sleep_enter(emk_m328p *m);
/** sleep.c: an interrupt woke the core. */
EMK_API void emk_m328p_sleep_wake(emk_m328p *m);

#ifdef __cplusplus
}
#endif

#endif
