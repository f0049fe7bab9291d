/* microbit_io.c - the host side of `emkit microbit`: the UART endpoint
 * (stdio, a pty or a unix socket), the MicroPython script embedding and
 * the display printers. */
#define _XOPEN_SOURCE 600
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "microbit_cli.h"

int mbcli_uart_open(mbcli_uart *u, const char *spec)
{
    memset(u, 0, sizeof(*u));
    u->in = u->out = -1;
    if (!spec || !strcmp(spec, "stdio")) {
        u->in = 0;
        u->out = 1;
        u->interactive = isatty(0);
        return 0;
    }
    if (!strcmp(spec, "pty")) {
        int fd = posix_openpt(O_RDWR | O_NOCTTY);
        const char *name;

        if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0 || !(name = ptsname(fd))) {
            fprintf(stderr, "emkit: microbit: cannot open a pty: %s\n", strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
        fprintf(stderr, "emkit: microbit: UART on %s\n", name);
        u->in = u->out = fd;
        u->interactive = 1;
        return 0;
    }
    if (!strncmp(spec, "unix:", 5)) {
        struct sockaddr_un sa;
        int ls, fd;

        if (strlen(spec + 5) >= sizeof(sa.sun_path) || !spec[5]) {
            fprintf(stderr, "emkit: microbit: --uart %s: bad socket path\n", spec);
            return -1;
        }
        memset(&sa, 0, sizeof(sa));
        sa.sun_family = AF_UNIX;
        strcpy(sa.sun_path, spec + 5);
        ls = socket(AF_UNIX, SOCK_STREAM, 0);
        unlink(sa.sun_path);
        if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            listen(ls, 1) < 0) {
            fprintf(stderr, "emkit: microbit: %s: %s\n", spec, strerror(errno));
            if (ls >= 0)
                close(ls);
            return -1;
        }
        fprintf(stderr, "emkit: microbit: waiting for a client on %s\n", sa.sun_path);
        fd = accept(ls, NULL, NULL);
        close(ls);
        unlink(sa.sun_path);
        if (fd < 0) {
            fprintf(stderr, "emkit: microbit: accept: %s\n", strerror(errno));
            return -1;
        }
        u->in = u->out = fd;
        u->interactive = 1;
        return 0;
    }
    fprintf(stderr, "emkit: microbit: --uart: '%s' is not stdio, pty or unix:PATH\n",
            spec);
    return -1;
}

void mbcli_uart_close(mbcli_uart *u)
{
    if (u->in > 2)
        close(u->in);
    if (u->out > 2 && u->out != u->in)
        close(u->out);
}

/* The layout MicroPython v1.x for the micro:bit v1 reads a script from
 * (as uflash writes it): at 0x3E000, "MP", the length as a little-endian
 * 16-bit number, the script, zeros to the end of the area (8 KiB). */
enum { SCRIPT_ADDR = 0x3E000, SCRIPT_AREA = 8192 };

int mbcli_embed_script(emk_microbit *mb, const char *path)
{
    static uint8_t area[SCRIPT_AREA];
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f) {
        fprintf(stderr, "emkit: microbit: %s: %s\n", path, strerror(errno));
        return -1;
    }
    memset(area, 0, sizeof(area));
    n = fread(area + 4, 1, sizeof(area) - 4, f);
    if (!feof(f) || ferror(f)) {
        fprintf(stderr, "emkit: microbit: %s: longer than the %u-byte script area\n",
                path, SCRIPT_AREA - 4);
        fclose(f);
        return -1;
    }
    fclose(f);
    area[0] = 'M';
    area[1] = 'P';
    area[2] = (uint8_t)n;
    area[3] = (uint8_t)(n >> 8);
    return emk_microbit_load_bin(mb, SCRIPT_ADDR, area, sizeof(area)) < 0 ? -1 : 0;
}

char *mbcli_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;

    if (!f)
        return NULL;
    for (;;) {
        size_t got;

        if (n == cap) {
            char *nb;

            if (cap >= (64u << 20)) {       /* no hex file is this big */
                free(buf);
                fclose(f);
                errno = EFBIG;
                return NULL;
            }
            cap = cap ? cap * 2 : 65536;
            nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

void mbcli_print_frame(FILE *out, uint64_t t, const uint8_t *leds, int art)
{
    unsigned x, y;

    if (art) {
        fprintf(out, "display at %.3f s\n", (double)t / EMK_MICROBIT_HZ);
        for (y = 0; y < 5; y++) {
            fputs("  ", out);
            for (x = 0; x < 5; x++)
                fputs(leds[y * 5 + x] ? (leds[y * 5 + x] > 4 ? "# " : "+ ") : ". ",
                      out);
            fputc('\n', out);
        }
    } else {
        fprintf(out, "%llu ", (unsigned long long)(t / 16));
        for (y = 0; y < 5; y++) {
            for (x = 0; x < 5; x++)
                fputc('0' + leds[y * 5 + x], out);
            if (y < 4)
                fputc(':', out);
        }
        fputc('\n', out);
    }
    fflush(out);
}
