/* ihex.c - Intel HEX (record types 00 data, 01 end, 02 extended segment
 * address, 03 start segment, 04 extended linear address, 05 start linear)
 * and the flash part of AVR ELF executables. */
#include <errno.h>
#include <string.h>

#include "avr_int.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int emk_ihex_parse(const char *text, size_t len,
                   int (*put)(void *opaque, uint32_t addr, uint8_t b), void *opaque)
{
    size_t i = 0;
    uint32_t base = 0;
    int ended = 0;

    while (i < len && !ended) {
        uint8_t rec[5 + 255];
        unsigned n, k, sum = 0, count, type;
        uint32_t addr;

        while (i < len && (text[i] == '\r' || text[i] == '\n' || text[i] == ' ' ||
                           text[i] == '\t'))
            i++;
        if (i >= len)
            break;
        if (text[i++] != ':')
            return -EINVAL;
        for (n = 0; i < len && hexval(text[i]) >= 0; n++) {
            int l;

            if (n >= sizeof(rec) || i + 1 >= len)
                return -EINVAL;
            l = hexval(text[i + 1]);
            if (l < 0)
                return -EINVAL;
            rec[n] = (uint8_t)(hexval(text[i]) << 4 | l);
            i += 2;
        }
        if (n < 5)
            return -EINVAL;
        count = rec[0];
        if (n != count + 5)
            return -EINVAL;
        for (k = 0; k < n; k++)
            sum += rec[k];
        if (sum & 0xFF)
            return -EINVAL;
        addr = (uint32_t)rec[1] << 8 | rec[2];
        type = rec[3];
        switch (type) {
        case 0:
            for (k = 0; k < count; k++) {
                int r = put(opaque, base + ((addr + k) & 0xFFFF), rec[4 + k]);

                if (r < 0)
                    return r;
            }
            break;
        case 1:
            ended = 1;
            break;
        case 2:
            if (count != 2)
                return -EINVAL;
            base = ((uint32_t)rec[4] << 8 | rec[5]) << 4;
            break;
        case 4:
            if (count != 2)
                return -EINVAL;
            base = ((uint32_t)rec[4] << 8 | rec[5]) << 16;
            break;
        case 3:
        case 5:
            if (count != 4)
                return -EINVAL;
            break;
        default:
            return -EINVAL;
        }
    }
    return 0;
}

typedef struct load_ctx {
    emk_avr *cpu;
    uint32_t hi;
} load_ctx;

static int put_flash(void *opaque, uint32_t addr, uint8_t b)
{
    load_ctx *c = opaque;

    if (addr >= c->cpu->model->flash_size)
        return -ERANGE;
    c->cpu->flash[addr] = b;
    if (addr + 1 > c->hi)
        c->hi = addr + 1;
    return 0;
}

int emk_avr_load_ihex(emk_avr *cpu, const char *text, size_t len, uint32_t *hi)
{
    load_ctx c;
    int r;

    c.cpu = cpu;
    c.hi = 0;
    r = emk_ihex_parse(text, len, put_flash, &c);
    emk_avr_decode_range(cpu, 0, cpu->model->flash_size / 2);
    if (hi)
        *hi = c.hi;
    return r;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

int emk_avr_load_elf(emk_avr *cpu, const uint8_t *buf, size_t len, uint32_t *hi)
{
    uint32_t phoff, i, top = 0;
    uint16_t phentsize, phnum;

    if (len < 52 || memcmp(buf, "\177ELF", 4) || buf[4] != 1 || buf[5] != 1 ||
        le16(buf + 18) != 83 /* EM_AVR */)
        return -EINVAL;
    phoff = le32(buf + 28);
    phentsize = le16(buf + 42);
    phnum = le16(buf + 44);
    if (phentsize < 32 || phoff > len || (uint64_t)phnum * phentsize > len - phoff)
        return -EINVAL;
    for (i = 0; i < phnum; i++) {
        const uint8_t *ph = buf + phoff + (size_t)i * phentsize;
        uint32_t off = le32(ph + 4), paddr = le32(ph + 12), filesz = le32(ph + 16);

        if (le32(ph) != 1 /* PT_LOAD */ || filesz == 0 || paddr >= 0x800000)
            continue;
        if (off > len || filesz > len - off)
            return -EINVAL;
        if (paddr > cpu->model->flash_size || filesz > cpu->model->flash_size - paddr)
            return -ERANGE;
        memcpy(cpu->flash + paddr, buf + off, filesz);
        if (paddr + filesz > top)
            top = paddr + filesz;
    }
    emk_avr_decode_range(cpu, 0, cpu->model->flash_size / 2);
    if (hi)
        *hi = top;
    return 0;
}
