/* ihex.c - the Intel HEX loader (Intel "Hexadecimal Object File Format
 * Specification" rev A): data (00), end of file (01), extended segment
 * address (02), start segment address (03), extended linear address (04)
 * and start linear address (05) records.  The micro:bit universal hex
 * (tech.microbit.org, "Universal Hex") adds block start (0A) naming the
 * board, block end (0B), padding (0C) and data (0D) records: only blocks
 * for a micro:bit v1 (board ids 0x9900, 0x9901) are loaded.  A script
 * that uflash appends to the MicroPython image is ordinary data at
 * 0x3E000 and needs nothing special.
 *
 * Data may go to flash or UICR; anything else is -ERANGE.  A malformed
 * line is -EINVAL and the message names its line. */
#include <stdio.h>

#include "mb_int.h"

enum { UICR_ADDR = 0x10001000 };

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int fail(char *msg, size_t msglen, unsigned line, const char *why, int err)
{
    if (msg && msglen)
        snprintf(msg, msglen, "line %u: %s", line, why);
    return err;
}

static int store(mb_t *mb, uint32_t addr, uint8_t b)
{
    if (addr < EMK_MICROBIT_FLASH_SIZE)
        mb->flash[addr] = b;
    else if (addr - UICR_ADDR < sizeof(mb->uicr))
        mb->uicr[addr - UICR_ADDR] = b;
    else
        return -ERANGE;
    return 0;
}

int emk_microbit_load_hex(emk_microbit *mb, const char *text, size_t len,
                          char *msg, size_t msglen)
{
    size_t pos = 0;
    unsigned line = 0, i;
    uint32_t base = 0;
    int loaded = 0, seen_eof = 0, skip_block = 0;

    if (!mb || (!text && len))
        return -EINVAL;
    while (pos < len && !seen_eof) {
        uint8_t rec[260];
        size_t start, end;
        unsigned n = 0, count, type, addr, sum = 0;

        line++;
        start = pos;
        while (pos < len && text[pos] != '\n')
            pos++;
        end = pos;
        if (pos < len)
            pos++;
        if (end > start && text[end - 1] == '\r')
            end--;
        if (end == start)
            continue;                       /* blank line */
        if (text[start] != ':')
            return fail(msg, msglen, line, "record does not start with ':'", -EINVAL);
        if ((end - start - 1) % 2 || end - start - 1 < 10 || end - start - 1 > 2 * 260)
            return fail(msg, msglen, line, "bad record length", -EINVAL);
        for (i = (unsigned)start + 1; i < end; i += 2) {
            int hi = hexval(text[i]), lo = hexval(text[i + 1]);

            if (hi < 0 || lo < 0)
                return fail(msg, msglen, line, "not a hex digit", -EINVAL);
            rec[n++] = (uint8_t)(hi << 4 | lo);
        }
        count = rec[0];
        if (n != count + 5)
            return fail(msg, msglen, line, "byte count does not match the record", -EINVAL);
        for (i = 0; i < n; i++)
            sum += rec[i];
        if (sum & 0xFF)
            return fail(msg, msglen, line, "checksum mismatch", -EINVAL);
        addr = (unsigned)rec[1] << 8 | rec[2];
        type = rec[3];
        switch (type) {
        case 0x00: case 0x0D:
            if (skip_block)
                break;
            for (i = 0; i < count; i++)
                if (store(mb, base + addr + i, rec[4 + i]) < 0)
                    return fail(msg, msglen, line,
                                "address outside flash and UICR", -ERANGE);
            loaded += (int)count;
            break;
        case 0x01:
            seen_eof = 1;
            break;
        case 0x02:
            if (count != 2)
                return fail(msg, msglen, line, "bad segment address record", -EINVAL);
            base = ((uint32_t)rec[4] << 8 | rec[5]) << 4;
            break;
        case 0x04:
            if (count != 2)
                return fail(msg, msglen, line, "bad linear address record", -EINVAL);
            base = ((uint32_t)rec[4] << 8 | rec[5]) << 16;
            break;
        case 0x03: case 0x05:
            break;                          /* entry point: the vector table rules */
        case 0x0A: {
            unsigned id = count >= 2 ? (unsigned)rec[4] << 8 | rec[5] : 0;

            skip_block = id != 0x9900 && id != 0x9901;
            break;
        }
        case 0x0B: case 0x0C:
            break;
        default:
            return fail(msg, msglen, line, "unknown record type", -EINVAL);
        }
    }
    if (!seen_eof)
        return fail(msg, msglen, line, "no end-of-file record", -EINVAL);
    return loaded;
}
