/* ppi.c - the Programmable Peripheral Interconnect (nRF51 RM v3.0,
 * chapter 10): 16 channels, each an event register address (EEP) and a
 * task register address (TEP), and 4 channel groups.  When a peripheral
 * raises an event, every enabled channel whose EEP is that address writes
 * 1 to its TEP through the board's bus.  The 12 fixed channels (20-31)
 * that the RM pre-programs are not modelled. */
#include "mb_int.h"

enum {
    T_CHG0_EN = 0x000, CHEN = 0x500, CHENSET = 0x504, CHENCLR = 0x508,
    CH0_EEP = 0x510, CH_END = 0x590, CHG0 = 0x800, MAX_DEPTH = 4
};

void mb_event(mb_t *mb, uint32_t addr)
{
    mb_ppi *p = &mb->ppi;
    unsigned i;

    if (!p->chen || p->depth >= MAX_DEPTH)
        return;
    p->depth++;
    for (i = 0; i < 16; i++)
        if ((p->chen >> i & 1) && p->eep[i] == addr)
            mb_task(mb, p->tep[i]);
    p->depth--;
}

void mb_task(mb_t *mb, uint32_t addr)
{
    uint32_t id;

    if (addr >= 0x40000000u && addr < 0x40000000u + MB_NPAGES * 0x1000u &&
        (addr & 3) == 0 && (addr & 0xFFF) < 0x100) {
        id = (addr - 0x40000000u) >> 12;
        if (mb->page[id])
            (void)mb->page[id]->wr(mb->page[id], addr & 0xFFF, 1);
    }
}

static int ppi_rd(mb_periph *p, uint32_t off, uint32_t *v)
{
    mb_ppi *s = (mb_ppi *)p;

    if (off < T_CHG0_EN + 32) {
        *v = 0;
        return 0;
    }
    if (off == CHEN || off == CHENSET || off == CHENCLR) {
        *v = s->chen;
        return 0;
    }
    if (off >= CH0_EEP && off < CH_END) {
        unsigned i = (off - CH0_EEP) / 8;
        *v = (off & 4) ? s->tep[i] : s->eep[i];
        return 0;
    }
    if (off >= CHG0 && off < CHG0 + 16) {
        *v = s->chg[(off - CHG0) / 4];
        return 0;
    }
    return mb_unknown(p, off, 0, v);
}

static int ppi_wr(mb_periph *p, uint32_t off, uint32_t v)
{
    mb_ppi *s = (mb_ppi *)p;

    if (off < T_CHG0_EN + 32) {
        /* TASKS_CHG[n].EN at 8n, .DIS at 8n + 4 */
        unsigned g = off / 8;

        if (v & 1) {
            if (off & 4)
                s->chen &= ~s->chg[g];
            else
                s->chen |= s->chg[g];
        }
        return 0;
    }
    switch (off) {
    case CHEN: s->chen = v & 0xFFFF; return 0;
    case CHENSET: s->chen |= v & 0xFFFF; return 0;
    case CHENCLR: s->chen &= ~v; return 0;
    default:
        break;
    }
    if (off >= CH0_EEP && off < CH_END) {
        unsigned i = (off - CH0_EEP) / 8;

        if (off & 4)
            s->tep[i] = v;
        else
            s->eep[i] = v;
        return 0;
    }
    if (off >= CHG0 && off < CHG0 + 16) {
        s->chg[(off - CHG0) / 4] = v & 0xFFFF;
        return 0;
    }
    return mb_unknown(p, off, 1, &v);
}

void mb_ppi_init(mb_t *mb)
{
    mb_periph_init(mb, &mb->ppi.p, "nrf51-ppi", MB_ID_PPI, ppi_rd, ppi_wr);
}

void mb_ppi_reset(mb_t *mb)
{
    mb_ppi *s = &mb->ppi;

    s->chen = 0;
    memset(s->eep, 0, sizeof(s->eep));
    memset(s->tep, 0, sizeof(s->tep));
    memset(s->chg, 0, sizeof(s->chg));
    s->depth = 0;
}
