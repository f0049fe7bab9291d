/* ficr.c - FICR and UICR contents (nRF51 RM v3.0, chapters 7 and 8).
 *
 * FICR: 1 KiB code pages, 256 of them, two 8 KiB RAM blocks (16 KiB, the
 * micro:bit's nRF51822-QFAA), a fixed device id and a random static
 * DEVICEADDR, so that a board always gets the same serial number and
 * Bluetooth name.  UICR starts erased (all ones); the hex file and the
 * NVMC may write it. */
#include "mb_int.h"

static void put32(uint8_t *b, uint32_t off, uint32_t v)
{
    b[off] = (uint8_t)v;
    b[off + 1] = (uint8_t)(v >> 8);
    b[off + 2] = (uint8_t)(v >> 16);
    b[off + 3] = (uint8_t)(v >> 24);
}

void mb_ficr_init(mb_t *mb)
{
    uint8_t *f = mb->ficr;

    memset(f, 0xFF, sizeof(mb->ficr));
    put32(f, 0x010, EMK_MICROBIT_PAGE_SIZE);     /* CODEPAGESIZE */
    put32(f, 0x014, EMK_MICROBIT_FLASH_SIZE / EMK_MICROBIT_PAGE_SIZE); /* CODESIZE */
    put32(f, 0x028, 0xFFFFFFFFu);               /* CLENR0: no region 0 */
    put32(f, 0x02C, 0xFFFFFFFFu);               /* PPFC: not pre-programmed */
    put32(f, 0x034, 2);                         /* NUMRAMBLOCK */
    put32(f, 0x038, 0x2000);                    /* SIZERAMBLOCKS */
    put32(f, 0x03C, 0x2000);
    put32(f, 0x040, 0x2000);
    put32(f, 0x05C, 0xFFFF0072u);               /* CONFIGID: HWID of a QFAA */
    put32(f, 0x060, 0x45D1E5A7u);               /* DEVICEID[0] */
    put32(f, 0x064, 0x7E2A9C13u);               /* DEVICEID[1] */
    put32(f, 0x080, 0x1B2C3D4Eu);               /* ER[0..3] */
    put32(f, 0x084, 0x5F6A7B8Cu);
    put32(f, 0x088, 0x9DAEBFC0u);
    put32(f, 0x08C, 0xD1E2F304u);
    put32(f, 0x090, 0x0A1B2C3Du);               /* IR[0..3] */
    put32(f, 0x094, 0x4E5F6071u);
    put32(f, 0x098, 0x8293A4B5u);
    put32(f, 0x09C, 0xC6D7E8F9u);
    put32(f, 0x0A0, 0xFFFFFFFFu);               /* DEVICEADDRTYPE: random */
    put32(f, 0x0A4, 0x3C5A8E12u);               /* DEVICEADDR[0..1] */
    put32(f, 0x0A8, 0xFFFFD7A1u);               /* top bits 11: static */
    put32(f, 0x0AC, 0xFFFFFFFFu);               /* OVERRIDEEN: none */
}
