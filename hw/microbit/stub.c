/* stub.c - a peripheral page the board does not implement (SPI1/TWI1,
 * ECB, AAR/CCM, QDEC, LPCOMP, the SWIs): registers keep what is written,
 * every access is traced (microbit_unimpl) and counted, so a firmware
 * needing more shows where. */
#include "mb_int.h"

static int stub_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_stub *s = (mb_stub *)p;

    (void)mb_unknown(p, off, 0, v);
    *v = s->reg[off / 4];
    return 0;
}

static int stub_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    mb_stub *s = (mb_stub *)p;

    (void)mb_unknown(p, off, 1, &v);
    /* Tasks (below 0x100) are not kept: they read as zero. */
    if (off >= 0x100)
        s->reg[off / 4] = v;
    return 0;
}

void mb_stub_init(mb_t *mb, unsigned id, const char *name)
{
    mb_periph_init(mb, &mb->stub[id].p, name, id, stub_rd, stub_wr);
}
