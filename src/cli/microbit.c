/* microbit.c - `emkit microbit`: the BBC micro:bit v1 running a firmware
 * hex (by default Debian's MicroPython), its UART on stdio, a pty or a
 * unix socket, buttons pressed on a schedule, the display as text or
 * frame lines, the pins as a VCD. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "microbit_cli.h"
#include "opts.h"
#include "emkit/vcd.h"

#define DEFAULT_HEX "/usr/share/firmware-microbit-micropython/firmware.hex"

enum { MAX_PRESS = 32, SLICE = 16000, QUIET_MS_DEFAULT = 300, INBUF = 1 << 20 };

typedef struct press {
    unsigned button;
    uint64_t at, until;     /* cycles */
    int state;              /* 0 waiting, 1 down, 2 done */
} press;

typedef struct mbrun {
    emk_microbit *mb;
    mbcli_uart uart;
    FILE *frames;
    int art;
    emk_vcd vcd;
    emk_vcd_signal sig[32];
    int vcd_on;
    char line[64];          /* the firmware's current output line */
    size_t line_len;
    uint64_t last_tx;
    char obuf[4096];
    size_t olen;
    int pace;               /* feed a line only at a REPL prompt */
    char *in;               /* paced input */
    size_t in_len, in_pos;
} mbrun;

void emk_help_microbit(FILE *out)
{
    fputs("usage: emkit microbit [FIRMWARE.hex] [options]\n"
          "\n"
          "Runs a BBC micro:bit v1 (nRF51822, Cortex-M0) on FIRMWARE.hex (default:\n"
          DEFAULT_HEX ",\n"
          "Debian's firmware-microbit-micropython).\n"
          "\n"
          "  --uart stdio|pty|unix:PATH  where UART0 goes (default stdio)\n"
          "  --script FILE.py   put FILE.py in MicroPython's script area (as uflash)\n"
          "  --press A@MS[+DUR] press button A or B at MS ms of board time, for DUR\n"
          "                     ms (default 100); may repeat\n"
          "  --accel X,Y,Z      accelerometer reading in milli-g (default 0,0,-1024)\n"
          "  --display text     print the 5x5 display on stderr when it changes\n"
          "  --frames FILE      write each display change as 'T_US r0:r1:r2:r3:r4'\n"
          "                     (brightness digits 0-9, rows top to bottom)\n"
          "  --vcd FILE         write every GPIO pin as a VCD\n"
          "  --time MS          stop after MS ms of board time\n"
          "  --speed real|max   pace board time to the host clock, or run flat out\n"
          "                     (default: real for a tty, pty or socket, else max)\n"
          "  --repl-pace        send input a line at a time, each after a REPL\n"
          "                     prompt ('>>> ' or '... ' and its auto-indent),\n"
          "                     '\\n' as '\\r' (default\n"
          "                     when stdin is not a terminal)\n"
          "  --no-repl-pace     send input as it comes\n"
          "  --quiet MS         with input at its end, stop after MS ms of board\n"
          "                     time without UART output (default 300)\n"
          "  --stats            print instructions, cycles and speed on stderr\n"
          "\n"
          "Exit status: 0, 1 if the core locks up or I/O fails, 2 for bad usage.\n",
          out);
}

static int parse_press(const char *v, press *p)
{
    char *end;
    unsigned long at, dur = 100;

    if ((v[0] != 'A' && v[0] != 'B' && v[0] != 'a' && v[0] != 'b') || v[1] != '@')
        return -1;
    p->button = (v[0] == 'A' || v[0] == 'a') ? EMK_MICROBIT_BUTTON_A : EMK_MICROBIT_BUTTON_B;
    errno = 0;
    at = strtoul(v + 2, &end, 10);
    if (end == v + 2 || errno)
        return -1;
    if (*end == '+') {
        const char *d = end + 1;

        dur = strtoul(d, &end, 10);
        if (end == d || errno)
            return -1;
    }
    if (*end || at > 86400000ul || dur > 86400000ul)
        return -1;
    p->at = (uint64_t)at * 16000;
    p->until = p->at + (uint64_t)dur * 16000;
    p->state = 0;
    return 0;
}

static void flush_out(mbrun *r)
{
    size_t off = 0;

    while (off < r->olen) {
        ssize_t n = write(r->uart.out, r->obuf + off, r->olen - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;            /* the reader went away: drop the output */
        off += (size_t)n;
    }
    r->olen = 0;
}

static void on_tx(void *opaque, uint8_t b)
{
    mbrun *r = opaque;

    if (r->olen == sizeof(r->obuf))
        flush_out(r);
    r->obuf[r->olen++] = (char)b;
    if (b == '\n')
        r->line_len = 0;
    else if (r->line_len < sizeof(r->line))
        r->line[r->line_len++] = (char)b;
    r->last_tx = emk_microbit_now(r->mb);
}

static void on_display(void *opaque, uint64_t t, const uint8_t *leds)
{
    mbrun *r = opaque;

    if (r->frames)
        mbcli_print_frame(r->frames, t, leds, 0);
    if (r->art)
        mbcli_print_frame(stderr, t, leds, 1);
}

static void on_pin(void *opaque, uint64_t t, unsigned pin, int level)
{
    mbrun *r = opaque;

    if (r->vcd_on)
        (void)emk_vcd_change(&r->vcd, (int64_t)(t * 125 / 2), (int)pin,
                             (uint64_t)level);
}

static double host_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads what the UART endpoint has now (timeout_ms: how long to wait). */
static void feed_input(mbrun *r, int timeout_ms)
{
    struct pollfd pfd;
    uint8_t buf[512];
    ssize_t n;

    if (r->uart.eof)
        return;
    pfd.fd = r->uart.in;
    pfd.events = POLLIN;
    pfd.revents = 0;
    if (poll(&pfd, 1, timeout_ms) <= 0 || !(pfd.revents & (POLLIN | POLLHUP)))
        return;
    if (r->pace) {
        if (r->in_len == INBUF) {
            r->uart.eof = 1;
            return;
        }
        n = read(r->uart.in, r->in + r->in_len, INBUF - r->in_len);
        if (n <= 0)
            r->uart.eof = 1;
        else
            r->in_len += (size_t)n;
        return;
    }
    if (emk_microbit_uart_pending(r->mb) > 60000)
        return;
    n = read(r->uart.in, buf, sizeof(buf));
    if (n <= 0) {
        r->uart.eof = 1;
        return;
    }
    (void)emk_microbit_uart_input(r->mb, buf, (size_t)n);
}

/* The output line is a REPL prompt, perhaps with its auto-indent. */
static int at_prompt(const mbrun *r)
{
    size_t i;

    if (r->line_len < 4 || r->line_len == sizeof(r->line) ||
        (memcmp(r->line, ">>> ", 4) && memcmp(r->line, "... ", 4)))
        return 0;
    for (i = 4; i < r->line_len; i++)
        if (r->line[i] != ' ')
            return 0;
    return 1;
}

/* Paced input: the next line once the firmware shows a prompt. */
static void feed_paced(mbrun *r)
{
    size_t end;

    if (!r->pace || r->in_pos >= r->in_len || emk_microbit_uart_pending(r->mb))
        return;
    if (!at_prompt(r))
        return;
    for (end = r->in_pos; end < r->in_len && r->in[end] != '\n' && r->in[end] != '\r';)
        end++;
    if (end < r->in_len)
        end++;
    for (; r->in_pos < end; r->in_pos++) {
        uint8_t c = (uint8_t)(r->in[r->in_pos] == '\n' ? '\r' : r->in[r->in_pos]);

        (void)emk_microbit_uart_input(r->mb, &c, 1);
    }
    r->line_len = 0;
}

static int input_done(const mbrun *r)
{
    return r->uart.eof && r->in_pos >= r->in_len && !emk_microbit_uart_pending(r->mb);
}

static int setup_vcd(mbrun *r, const char *path, FILE **f)
{
    static char names[32][8];
    unsigned i;

    *f = fopen(path, "w");
    if (!*f) {
        fprintf(stderr, "emkit: microbit: %s: %s\n", path, strerror(errno));
        return -1;
    }
    emk_vcd_init(&r->vcd, *f, r->sig, 32);
    for (i = 0; i < 32; i++) {
        snprintf(names[i], sizeof(names[i]), "p0_%02u", i);
        (void)emk_vcd_add(&r->vcd, "microbit", names[i], 1,
                          (uint64_t)emk_microbit_pin(r->mb, i));
    }
    r->vcd_on = emk_vcd_begin(&r->vcd, 0) == 0;
    return 0;
}

int emk_cmd_microbit(int argc, char **argv)
{
    const char *hex = DEFAULT_HEX, *uart = "stdio", *script = NULL, *frames = NULL,
               *vcd = NULL, *speed = NULL, *v;
    press presses[MAX_PRESS];
    unsigned npress = 0, i, quiet_ms = QUIET_MS_DEFAULT;
    uint64_t time_ms = 0, limit = UINT64_MAX;
    int stats = 0, pace = -1, realtime, ret = EMK_EXIT_OK, ax = 0, ay = 0, az = -1024;
    mbrun r;
    FILE *vcdf = NULL;
    char *text, msg[160];
    size_t len;
    double h0, e0;
    int err;

    memset(&r, 0, sizeof(r));
    for (i = 1; i < (unsigned)argc; i++) {
        int k = (int)i, m;

        if ((m = emk_cli_value(argc, argv, &k, "--uart", &v)) != 0) {
            if (m < 0)
                return EMK_EXIT_USAGE;
            uart = v;
        } else if ((m = emk_cli_value(argc, argv, &k, "--script", &v)) != 0) {
            if (m < 0)
                return EMK_EXIT_USAGE;
            script = v;
        } else if ((m = emk_cli_value(argc, argv, &k, "--press", &v)) != 0) {
            if (m < 0)
                return EMK_EXIT_USAGE;
            if (npress == MAX_PRESS || parse_press(v, &presses[npress]) < 0) {
                fprintf(stderr, "emkit: --press: '%s' is not A@MS[+DUR] or B@MS[+DUR]"
                        " (at most %u)\n", v, MAX_PRESS);
                return EMK_EXIT_USAGE;
            }
            npress++;
        } else if ((m = emk_cli_value(argc, argv, &k, "--accel", &v)) != 0) {
            if (m < 0)
                return EMK_EXIT_USAGE;
            if (sscanf(v, "%d,%d,%d", &ax, &ay, &az) != 3) {
                fprintf(stderr, "emkit: --accel: '%s' is not X,Y,Z\n", v);
                return EMK_EXIT_USAGE;
            }
        } else if ((m = emk_cli_value(argc, argv, &k, "--display", &v)) != 0) {
            if (m < 0)
                return EMK_EXIT_USAGE;
            if (strcmp(v, "text")) {
                fprintf(stderr, "emkit: --display: '%s' is not text\n", v);
                return EMK_EXIT_USAGE;
            }
            r.art = 1;
        } else if ((m = emk_cli_value(argc, argv, &k, "--frames", &v)) != 0) {
            if (m < 0)
                return EMK_EXIT_USAGE;
            frames = v;
        } else if ((m = emk_cli_value(argc, argv, &k, "--vcd", &v)) != 0) {
            if (m < 0)
                return EMK_EXIT_USAGE;
            vcd = v;
        } else if ((m = emk_cli_value(argc, argv, &k, "--time", &v)) != 0) {
            if (m < 0 || emk_cli_number("--time", v, 1, 86400000, 0, &time_ms) < 0)
                return EMK_EXIT_USAGE;
        } else if ((m = emk_cli_value(argc, argv, &k, "--quiet", &v)) != 0) {
            if (m < 0 || emk_cli_unsigned("--quiet", v, 1, 3600000, &quiet_ms) < 0)
                return EMK_EXIT_USAGE;
        } else if ((m = emk_cli_value(argc, argv, &k, "--speed", &v)) != 0) {
            if (m < 0)
                return EMK_EXIT_USAGE;
            if (strcmp(v, "real") && strcmp(v, "max")) {
                fprintf(stderr, "emkit: --speed: '%s' is not real or max\n", v);
                return EMK_EXIT_USAGE;
            }
            speed = v;
        } else if (!strcmp(argv[i], "--repl-pace")) {
            pace = 1;
        } else if (!strcmp(argv[i], "--no-repl-pace")) {
            pace = 0;
        } else if (!strcmp(argv[i], "--stats")) {
            stats = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return emk_cli_bad_arg("microbit", argv[i]);
        } else {
            hex = argv[i];
        }
        i = (unsigned)k;
    }

    r.mb = emk_microbit_new(&err);
    if (!r.mb) {
        fprintf(stderr, "emkit: microbit: %s\n", emk_strerror(err));
        return EMK_EXIT_FAIL;
    }
    text = mbcli_read_file(hex, &len);
    if (!text) {
        fprintf(stderr, "emkit: microbit: %s: %s\n", hex, strerror(errno));
        emk_microbit_free(r.mb);
        return EMK_EXIT_FAIL;
    }
    err = emk_microbit_load_hex(r.mb, text, len, msg, sizeof(msg));
    free(text);
    if (err < 0) {
        fprintf(stderr, "emkit: microbit: %s: %s\n", hex, msg);
        emk_microbit_free(r.mb);
        return EMK_EXIT_FAIL;
    }
    if ((script && mbcli_embed_script(r.mb, script) < 0) ||
        mbcli_uart_open(&r.uart, uart) < 0) {
        emk_microbit_free(r.mb);
        return EMK_EXIT_FAIL;
    }
    r.pace = pace >= 0 ? pace : !r.uart.interactive;
    if (r.pace && !(r.in = malloc(INBUF))) {
        fprintf(stderr, "emkit: microbit: out of memory\n");
        ret = EMK_EXIT_FAIL;
        goto out;
    }
    realtime = speed ? !strcmp(speed, "real") : r.uart.interactive;
    if (frames && !(r.frames = fopen(frames, "w"))) {
        fprintf(stderr, "emkit: microbit: %s: %s\n", frames, strerror(errno));
        ret = EMK_EXIT_FAIL;
        goto out;
    }
    emk_microbit_accel(r.mb, ax, ay, az);
    emk_microbit_on_tx(r.mb, on_tx, &r);
    emk_microbit_on_display(r.mb, on_display, &r);
    emk_microbit_reset(r.mb);
    if (vcd) {
        if (setup_vcd(&r, vcd, &vcdf) < 0) {
            ret = EMK_EXIT_FAIL;
            goto out;
        }
        emk_microbit_on_pin(r.mb, on_pin, &r);
    }
    if (time_ms)
        limit = emk_microbit_now(r.mb) + time_ms * 16000;
    h0 = host_now();
    e0 = (double)emk_microbit_now(r.mb) / EMK_MICROBIT_HZ;

    for (;;) {
        uint64_t now = emk_microbit_now(r.mb), stop = now + SLICE;
        int rc;

        if (now >= limit)
            break;
        for (i = 0; i < npress; i++) {
            press *p = &presses[i];

            if (p->state == 0 && now >= p->at) {
                emk_microbit_button(r.mb, p->button, 1);
                p->state = 1;
            }
            if (p->state == 1 && now >= p->until) {
                emk_microbit_button(r.mb, p->button, 0);
                p->state = 2;
            }
            if (p->state == 0 && p->at < stop)
                stop = p->at > now ? p->at : now + 1;
            if (p->state == 1 && p->until < stop)
                stop = p->until > now ? p->until : now + 1;
        }
        if (limit < stop)
            stop = limit;
        feed_input(&r, 0);
        feed_paced(&r);
        if (!r.uart.interactive && !time_ms && input_done(&r) &&
            now - r.last_tx > (uint64_t)quiet_ms * 16000)
            break;
        rc = emk_microbit_run(r.mb, stop, !realtime);
        flush_out(&r);
        if (rc == EMK_MICROBIT_LOCKUP) {
            fprintf(stderr, "emkit: microbit: the core locked up (a fault in the "
                    "HardFault handler) at %.3f s\n",
                    (double)emk_microbit_now(r.mb) / EMK_MICROBIT_HZ);
            ret = EMK_EXIT_FAIL;
            break;
        }
        if (realtime) {
            uint64_t wake = rc == EMK_MICROBIT_IDLE ? emk_microbit_next_event(r.mb) : stop;
            double ahead;

            if (wake > stop)
                wake = stop;
            ahead = ((double)wake / EMK_MICROBIT_HZ - e0) - (host_now() - h0);
            if (ahead > 0.001)
                feed_input(&r, (int)(ahead * 1000));
            if (rc == EMK_MICROBIT_IDLE)
                emk_microbit_idle(r.mb, wake);
        }
    }
    flush_out(&r);
    if (stats) {
        double hs = host_now() - h0, es = (double)emk_microbit_now(r.mb) / EMK_MICROBIT_HZ - e0;

        fprintf(stderr, "microbit: %llu instructions, %.3f s board time in %.3f s host"
                " (%.1f emulated MIPS, %.1fx real time), %llu unimplemented accesses\n",
                (unsigned long long)emk_microbit_insns(r.mb), es, hs,
                hs > 0 ? (double)emk_microbit_insns(r.mb) / hs / 1e6 : 0.0,
                hs > 0 ? es / hs : 0.0, (unsigned long long)emk_microbit_unmapped(r.mb));
    }
out:
    if (r.vcd_on)
        (void)emk_vcd_finish(&r.vcd, (int64_t)(emk_microbit_now(r.mb) * 125 / 2));
    if (vcdf)
        fclose(vcdf);
    if (r.frames)
        fclose(r.frames);
    free(r.in);
    mbcli_uart_close(&r.uart);
    emk_microbit_free(r.mb);
    return ret;
}
