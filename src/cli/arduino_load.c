/* arduino_load.c - reading firmware files for `emkit arduino`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arduino_cli.h"

char *emk_ard_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;

    if (!f) {
        fprintf(stderr, "emkit: arduino: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        size_t got;

        if (n + 4096 + 1 > cap) {
            char *nb;

            cap = cap ? cap * 2 : 65536;
            if (cap > (64u << 20) || !(nb = realloc(buf, cap))) {
                fprintf(stderr, "emkit: arduino: %s: too large\n", path);
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got < 4096)
            break;
    }
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}

int emk_ard_load(emk_m328p *m, const char *path, uint32_t *hi)
{
    size_t len;
    char *buf = emk_ard_slurp(path, &len);
    int r;

    if (!buf)
        return -1;
    if (len >= 4 && !memcmp(buf, "\177ELF", 4))
        r = emk_avr_load_elf(&m->cpu, (const uint8_t *)buf, len, hi);
    else
        r = emk_avr_load_ihex(&m->cpu, buf, len, hi);
    free(buf);
    if (r < 0) {
        fprintf(stderr, "emkit: arduino: %s: %s\n", path,
                r == -ERANGE ? "does not fit the flash" : "not an Intel HEX or AVR ELF file");
        return -1;
    }
    return 0;
}
