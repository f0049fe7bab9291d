/* simavr_vcd.c - the reference run: FIRMWARE.elf under Debian's simavr
 * (libsimavr) for CYCLES cycles at 16 MHz, with a VCD of the Uno's header
 * pins D0..D13 and A0..A5 written by simavr's own avr_vcd (names as in
 * hw/arduino/uno.net).  Usage: simavr-vcd FIRMWARE.elf OUT.vcd|- CYCLES;
 * with '-' no VCD, and the run's emulated MHz goes to stderr (the
 * benchmark, docs/perf/arduino.md). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <simavr/avr_ioport.h>
#include <simavr/sim_avr.h>
#include <simavr/sim_elf.h>
#include <simavr/sim_vcd_file.h>

static const struct { const char *name; char port; int bit; } pins[] = {
    {"D0", 'D', 0}, {"D1", 'D', 1}, {"D2", 'D', 2}, {"D3", 'D', 3}, {"D4", 'D', 4},
    {"D5", 'D', 5}, {"D6", 'D', 6}, {"D7", 'D', 7}, {"D8", 'B', 0}, {"D9", 'B', 1},
    {"D10", 'B', 2}, {"D11", 'B', 3}, {"D12", 'B', 4}, {"D13", 'B', 5},
    {"A0", 'C', 0}, {"A1", 'C', 1}, {"A2", 'C', 2}, {"A3", 'C', 3}, {"A4", 'C', 4},
    {"A5", 'C', 5},
};

int main(int argc, char **argv)
{
    elf_firmware_t f;
    avr_t *avr;
    avr_vcd_t vcd;
    unsigned long long n;
    unsigned i;
    struct timespec t0, t1;
    double wall;

    if (argc != 4) {
        fprintf(stderr, "usage: simavr-vcd FIRMWARE.elf OUT.vcd CYCLES\n");
        return 2;
    }
    memset(&f, 0, sizeof(f));
    if (elf_read_firmware(argv[1], &f) != 0)
        return 1;
    avr = avr_make_mcu_by_name("atmega328p");
    if (!avr || avr_init(avr) != 0)
        return 1;
    avr->frequency = 16000000;
    avr->log = 0;
    avr_load_firmware(avr, &f);
    if (strcmp(argv[2], "-")) {
        avr_vcd_init(avr, argv[2], &vcd, 1000);
        for (i = 0; i < sizeof(pins) / sizeof(pins[0]); i++)
            avr_vcd_add_signal(&vcd, avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(pins[i].port),
                                                   pins[i].bit), 1, pins[i].name);
        avr_vcd_start(&vcd);
    }
    n = strtoull(argv[3], NULL, 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (avr->cycle < n) {
        int st = avr_run(avr);

        if (st == cpu_Done || st == cpu_Crashed)
            break;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    wall = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    fprintf(stderr, "simavr: %llu cycles in %.3f s (%.1f MHz)\n",
            (unsigned long long)avr->cycle, wall, wall > 0 ? avr->cycle / wall / 1e6 : 0.0);
    if (strcmp(argv[2], "-")) {
        avr_vcd_stop(&vcd);
        avr_vcd_close(&vcd);
    }
    return 0;
}
