/* arduino.c - `emkit arduino`: an Arduino board (emkit/arduino.h) running
 * firmware, with its serial port on stdio, a pty or a Unix socket, a VCD
 * of its pins, in real time or as fast as the host goes. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arduino_cli.h"
#include "commands.h"
#include "opts.h"

void emk_help_arduino(FILE *out)
{
    fputs("usage: emkit arduino [--board NETLIST] FIRMWARE.hex|.elf\n"
          "                     [--bootloader BOOT.hex] [--uart stdio|pty|unix:PATH|none]\n"
          "                     [--events unix:PATH|tcp:[HOST:]PORT] [--vcd FILE]\n"
          "                     [--realtime|--fast] [--cycles N]\n"
          "  Runs an Arduino Uno (ATmega328P at 16 MHz) on FIRMWARE.\n"
          "  --board NETLIST  the board's netlist (default: the Uno, hw/arduino/uno.net)\n"
          "  --bootloader HEX also loads HEX (e.g. optiboot_atmega328.hex) and resets\n"
          "                   into the boot section (BOOTRST), as a real Uno does;\n"
          "                   FIRMWARE may then be '-' (an erased application)\n"
          "  --uart SPEC      USART0: stdio (default), pty (a pseudo-terminal for\n"
          "                   avrdude -c arduino -P PATH; opening it resets the board\n"
          "                   like DTR), unix:PATH (a socket), none\n"
          "  --events SPEC    serve the JSON event protocol (docs/events.md) on a Unix\n"
          "                   socket or TCP (HOST defaults to 127.0.0.1): GPIO, PWM\n"
          "                   and UART events; set-input, set-part, stop, cont, quit\n"
          "  --vcd FILE       value change dump of every net on an MCU pin\n"
          "  --realtime       pace emulated time to the wall clock (default)\n"
          "  --fast           run as fast as possible\n"
          "  --cycles N       stop after N CPU cycles (default: run until interrupted)\n"
          "  On exit prints cycles, emulated seconds and emulated MHz to stderr.\n", out);
}

typedef struct ard_ctx {
    emk_board *b;
    emk_ard_uart uart;
    emk_ard_vcd vcd;
    emk_ard_events events;
} ard_ctx;

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void on_uart(void *opaque, uint8_t c)
{
    ard_ctx *x = opaque;

    emk_ard_uart_put(&x->uart, c);
    emk_ard_events_uart(&x->events, c);
}

static void on_net(void *opaque, const emk_board_net *n, uint64_t cycle)
{
    ard_ctx *x = opaque;

    emk_ard_vcd_net(&x->vcd, n, x->b, cycle);
    emk_ard_events_net(&x->events, n, cycle);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct ard_opts {
    const char *board, *fw, *boot, *uart, *vcd, *events;
    int fast;
    uint64_t cycles;
} ard_opts;

static int parse(int argc, char **argv, ard_opts *o)
{
    int i, m;
    const char *val;

    memset(o, 0, sizeof(*o));
    o->uart = "stdio";
    for (i = 1; i < argc; i++) {
        if ((m = emk_cli_value(argc, argv, &i, "--board", &o->board)) != 0 ||
            (m = emk_cli_value(argc, argv, &i, "--bootloader", &o->boot)) != 0 ||
            (m = emk_cli_value(argc, argv, &i, "--uart", &o->uart)) != 0 ||
            (m = emk_cli_value(argc, argv, &i, "--vcd", &o->vcd)) != 0 ||
            (m = emk_cli_value(argc, argv, &i, "--events", &o->events)) != 0) {
            if (m < 0)
                return EMK_EXIT_USAGE;
        } else if ((m = emk_cli_value(argc, argv, &i, "--cycles", &val)) != 0) {
            if (m < 0 || emk_cli_number("--cycles", val, 1, UINT64_MAX / 2, 0, &o->cycles) < 0)
                return EMK_EXIT_USAGE;
        } else if (!strcmp(argv[i], "--fast")) {
            o->fast = 1;
        } else if (!strcmp(argv[i], "--realtime")) {
            o->fast = 0;
        } else if ((argv[i][0] != '-' || !strcmp(argv[i], "-")) && !o->fw) {
            o->fw = argv[i];
        } else {
            return emk_cli_bad_arg("arduino", argv[i]);
        }
    }
    if (!o->fw) {
        fputs("emkit: arduino: needs a FIRMWARE file (see emkit help arduino)\n", stderr);
        return EMK_EXIT_USAGE;
    }
    if (!strcmp(o->fw, "-") && !o->boot) {
        fputs("emkit: arduino: FIRMWARE '-' needs --bootloader\n", stderr);
        return EMK_EXIT_USAGE;
    }
    return -1;
}

/* BOOTSZ for the lowest programmed byte of the boot loader region: the
 * Uno's 256 words (0xDE) when it fits, else 512, 1024 or 2048 words. */
static uint8_t boot_hfuse(const emk_m328p *m)
{
    static const uint8_t fuse[4] = { 0xDE, 0xDC, 0xDA, 0xD8 };
    uint32_t size = m->cpu.model->flash_size, lo = size;
    unsigned i;

    for (i = size - 4096; i < size; i++)
        if (m->cpu.flash[i] != 0xFF) {
            lo = i;
            break;
        }
    for (i = 0; i < 4; i++)
        if (lo >= size - (512u << i))
            return fuse[i];
    return fuse[3];
}

static int setup(ard_ctx *x, const ard_opts *o)
{
    emk_board *b = x->b;
    char *net = NULL;
    size_t len = 0;
    int r;

    if (o->board && !(net = emk_ard_slurp(o->board, &len)))
        return -1;
    r = emk_board_init(b, net, len);
    free(net);
    if (r < 0) {
        fprintf(stderr, "emkit: arduino: %s: %s\n", o->board ? o->board : "uno.net", b->error);
        return -1;
    }
    b->opaque = x;
    b->on_uart = on_uart;
    b->on_net = on_net;
    if (strcmp(o->fw, "-") && emk_ard_load(&b->mcu, o->fw, NULL) < 0)
        return -1;
    if (o->boot) {
        if (emk_ard_load(&b->mcu, o->boot, NULL) < 0)
            return -1;
        /* the Uno's fuses (BOOTSZ 256 words, BOOTRST, boot section locked),
         * with a larger boot section if the bootloader starts lower */
        emk_avr_set_fuses(&b->mcu.cpu, 0xFF, boot_hfuse(&b->mcu), 0xFD, 0x0F);
        emk_m328p_reset(&b->mcu, EMK_AVR_RESET_EXTERNAL);
    } else {
        /* no bootloader: reset to 0, as an Uno programmed over ISP */
        emk_avr_set_fuses(&b->mcu.cpu, 0xFF, 0xDF, 0xFD, 0xFF);
        emk_m328p_reset(&b->mcu, EMK_AVR_RESET_POWER);
    }
    emk_board_update(b);
    if (emk_ard_uart_open(&x->uart, o->uart) < 0)
        return -1;
    if (o->vcd && emk_ard_vcd_open(&x->vcd, o->vcd, b) < 0)
        return -1;
    if (o->events && emk_ard_events_open(&x->events, o->events, b) < 0)
        return -1;
    return 0;
}

static void run(ard_ctx *x, const ard_opts *o)
{
    emk_board *b = x->b;
    emk_avr *cpu = &b->mcu.cpu;
    uint64_t slice = b->clock_hz / 1000, start = cpu->cycle;   /* 1 ms slices */
    double t0 = now_s();

    while (!stop_flag && !x->events.quit) {
        uint64_t n = slice, done = cpu->cycle - start;

        if (x->events.stopped) {           /* "stop": the clock stands */
            emk_ard_events_tick(&x->events, 50);
            t0 = now_s() - (double)(cpu->cycle - start) / b->clock_hz;
            continue;
        }
        if (o->cycles) {
            if (done >= o->cycles)
                break;
            if (o->cycles - done < n)
                n = o->cycles - done;
        }
        emk_avr_run(cpu, n);
        emk_ard_uart_poll(&x->uart, &b->mcu);
        if (x->uart.reset_request) {
            x->uart.reset_request = 0;
            emk_m328p_reset(&b->mcu, EMK_AVR_RESET_EXTERNAL);
            emk_board_update(b);
        }
        emk_ard_events_tick(&x->events, 0);
        if (!o->fast) {
            double ahead = (double)(cpu->cycle - start) / b->clock_hz - (now_s() - t0);

            if (ahead > 0.002 && x->events.open) {
                emk_ard_events_tick(&x->events, (int)(ahead * 1000));
            } else if (ahead > 0.002) {
                struct pollfd p = { emk_ard_uart_fd(&x->uart), POLLIN, 0 };

                poll(&p, p.fd >= 0 ? 1 : 0, (int)(ahead * 1000));
            }
        }
    }
    {
        double wall = now_s() - t0, emu = (double)(cpu->cycle - start) / b->clock_hz;

        fprintf(stderr, "emkit: arduino: %llu cycles, %.3f s emulated in %.3f s (%.1f MHz)\n",
                (unsigned long long)(cpu->cycle - start), emu, wall,
                wall > 0 ? (cpu->cycle - start) / wall / 1e6 : 0.0);
    }
}

int emk_cmd_arduino(int argc, char **argv)
{
    static emk_board board;      /* ~100 KiB: not on the stack */
    static ard_ctx x;            /* the event server's buffers: same */
    ard_opts o;
    struct sigaction sa;
    int r = parse(argc, argv, &o);

    if (r >= 0)
        return r;
    memset(&x, 0, sizeof(x));
    x.b = &board;
    x.uart.in_fd = x.uart.out_fd = x.uart.listen_fd = -1;
    if (setup(&x, &o) < 0) {
        emk_ard_events_close(&x.events);
        emk_ard_uart_close(&x.uart);
        emk_ard_vcd_close(&x.vcd, 0);
        return EMK_EXIT_FAIL;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    run(&x, &o);
    emk_ard_events_close(&x.events);
    emk_ard_uart_close(&x.uart);
    emk_ard_vcd_close(&x.vcd, board.mcu.cpu.cycle);
    return EMK_EXIT_OK;
}
