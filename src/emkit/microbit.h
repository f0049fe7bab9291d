/*
 * emkit/microbit.h - the BBC micro:bit v1 board: an nRF51822 (Cortex-M0,
 * 256 KiB flash, 16 KiB RAM) with its peripherals, the 5x5 LED matrix,
 * buttons A and B, and the MMA8653FC accelerometer and MAG3110
 * magnetometer on the I2C bus.
 *
 *   emk_microbit *mb = emk_microbit_new(&err);
 *   emk_microbit_load_hex(mb, text, len, msg, sizeof msg);
 *   emk_microbit_reset(mb);
 *   for (;;) emk_microbit_run(mb, emk_microbit_now(mb) + slice, 1);
 *
 * Time is the core's clock: 16 MHz cycles.  The board is single-threaded:
 * every call comes from the thread that runs it.
 */
#ifndef EMKIT_MICROBIT_H
#define EMKIT_MICROBIT_H

#include "emkit/base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct emk_microbit emk_microbit;

/** Board constants. */
enum emk_microbit_consts {
    EMK_MICROBIT_HZ = 16000000,            /**< core clock */
    EMK_MICROBIT_FLASH_SIZE = 256 * 1024,
    EMK_MICROBIT_RAM_SIZE = 16 * 1024,
    EMK_MICROBIT_PAGE_SIZE = 1024,
    EMK_MICROBIT_BUTTON_A = 0,
    EMK_MICROBIT_BUTTON_B = 1,
    EMK_MICROBIT_PIN_BUTTON_A = 17,
    EMK_MICROBIT_PIN_BUTTON_B = 26
};

/** Why emk_microbit_run returned. */
enum emk_microbit_stop {
    EMK_MICROBIT_LIMIT = 0,   /**< reached the time limit */
    EMK_MICROBIT_IDLE = 1,    /**< the core sleeps until the next event */
    EMK_MICROBIT_LOCKUP = 2   /**< the core locked up (double fault) */
};

/** Called with each byte the firmware sends on UART0. */
typedef void (*emk_microbit_tx_fn)(void *opaque, uint8_t byte);
/** Called when the decoded display image changes: leds[y * 5 + x], 0..9
 *  as MicroPython counts brightness; t is the board time in cycles. */
typedef void (*emk_microbit_display_fn)(void *opaque, uint64_t t,
                                        const uint8_t *leds);
/** Called for a GPIO pin change (output level or drive), t in cycles. */
typedef void (*emk_microbit_pin_fn)(void *opaque, uint64_t t, unsigned pin,
                                    int level);

/** Creates a board with erased flash and zeroed RAM.  NULL and *err. */
EMK_API emk_microbit *emk_microbit_new(int *err);

/** Frees the board. */
EMK_API void emk_microbit_free(emk_microbit *mb);

/** Loads an Intel HEX image (data, extended linear and segment address
 *  records, end of file) into flash and UICR.  A bad record is refused
 *  with -EINVAL and a message naming its line in msg; an address outside
 *  flash and UICR with -ERANGE.  Returns the number of data bytes loaded. */
EMK_API int emk_microbit_load_hex(emk_microbit *mb, const char *text,
                                  size_t len, char *msg, size_t msglen);

/** Copies a raw image into flash at offset.  -ERANGE if it does not fit. */
EMK_API int emk_microbit_load_bin(emk_microbit *mb, uint32_t offset,
                                  const uint8_t *data, size_t len);

/** Resets the chip (as the reset pin does): peripherals and core. */
EMK_API void emk_microbit_reset(emk_microbit *mb);

/** Runs until board time reaches limit (cycles).  With skip_idle, time
 *  jumps over sleep to the next event; without it, a sleeping core makes
 *  the call return EMK_MICROBIT_IDLE so the caller can wait (for host
 *  input or real time) and call emk_microbit_idle. */
EMK_API int emk_microbit_run(emk_microbit *mb, uint64_t limit, int skip_idle);

/** Lets board time pass to `until` while the core sleeps. */
EMK_API void emk_microbit_idle(emk_microbit *mb, uint64_t until);

/** Board time in cycles. */
EMK_API uint64_t emk_microbit_now(const emk_microbit *mb);

/** Board time of the next scheduled event (UINT64_MAX: none). */
EMK_API uint64_t emk_microbit_next_event(const emk_microbit *mb);

/** Instructions the core has retired. */
EMK_API uint64_t emk_microbit_insns(const emk_microbit *mb);

/** Queues bytes for UART0's receiver (at most the free space of a 64 KiB
 *  buffer).  Returns the number queued. */
EMK_API size_t emk_microbit_uart_input(emk_microbit *mb, const uint8_t *buf,
                                       size_t len);

/** Bytes still waiting for the receiver. */
EMK_API size_t emk_microbit_uart_pending(const emk_microbit *mb);

/** Sets the UART0 transmit callback. */
EMK_API void emk_microbit_on_tx(emk_microbit *mb, emk_microbit_tx_fn fn,
                                void *opaque);

/** Sets the display-change callback. */
EMK_API void emk_microbit_on_display(emk_microbit *mb,
                                     emk_microbit_display_fn fn, void *opaque);

/** Sets the pin-change callback (for a VCD or the event socket). */
EMK_API void emk_microbit_on_pin(emk_microbit *mb, emk_microbit_pin_fn fn,
                                 void *opaque);

/** Copies the current decoded display, leds[y * 5 + x] in 0..9. */
EMK_API void emk_microbit_display(const emk_microbit *mb, uint8_t leds[25]);

/** Presses (1) or releases (0) button EMK_MICROBIT_BUTTON_A or _B.
 *  -EINVAL for another button. */
EMK_API int emk_microbit_button(emk_microbit *mb, unsigned button, int pressed);

/** Sets the accelerometer reading as MicroPython reports it: the board's
 *  axes, 1024 per g, so accelerometer.get_x() returns x to the
 *  resolution the firmware reads (MicroPython v1.9.2 reads 8-bit samples
 *  at 2 g: steps of 16). */
EMK_API void emk_microbit_accel(emk_microbit *mb, int x, int y, int z);

/** Sets the magnetometer reading (raw MAG3110 counts). */
EMK_API void emk_microbit_magnet(emk_microbit *mb, int x, int y, int z);

/** Sets the die temperature in degrees Celsius (TEMP peripheral). */
EMK_API void emk_microbit_temperature(emk_microbit *mb, int celsius);

/** Sets the voltage on analog input AIN0..7 as a fraction of the
 *  reference, in 1/1024 (0..1023).  -EINVAL for another channel. */
EMK_API int emk_microbit_analog(emk_microbit *mb, unsigned ain, unsigned value);

/** Level of GPIO pin 0..31 as the outside sees it (-EINVAL otherwise). */
EMK_API int emk_microbit_pin(const emk_microbit *mb, unsigned pin);

/** Reads guest memory through the board's bus (for tests and tools):
 *  0 or -EFAULT. */
EMK_API int emk_microbit_read(emk_microbit *mb, uint32_t addr, unsigned size,
                              uint32_t *value);

/** Writes guest memory or a register through the board's bus, as the
 *  core would (flash only through the NVMC): 0 or -EFAULT. */
EMK_API int emk_microbit_write(emk_microbit *mb, uint32_t addr, unsigned size,
                               uint32_t value);

/** Number of guest accesses to unimplemented or unmapped addresses. */
EMK_API uint64_t emk_microbit_unmapped(const emk_microbit *mb);

#ifdef __cplusplus
}
#endif

#endif
