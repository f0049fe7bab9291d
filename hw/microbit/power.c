/* power.c - POWER and the MPU registers of the 0x40000000 page (nRF51 RM
 * v3.0, chapters 12 and 11).  There is no supply to fail: POFWARN never
 * fires; SYSTEMOFF requests are kept but the board keeps running. */
#include "mb_int.h"

enum {
    T_CONSTLAT = 0x078, T_LOWPWR = 0x07C, E_POFWARN = 0x108,
    RESETREAS = 0x400, RAMSTATUS = 0x428, SYSTEMOFF = 0x500, POFCON = 0x510,
    GPREGRET = 0x51C, RAMON = 0x524, RESET = 0x544, RAMONB = 0x554,
    DCDCEN = 0x578, DCDCFORCE = 0x580,
    PERR0 = 0x528, RLENR0 = 0x52C, PROTENSET0 = 0x600, PROTENSET1 = 0x604,
    DISABLEINDEBUG = 0x608, PROTBLOCKSIZE = 0x60C
};

int mb_power_read(mb_clock *c, uint32_t off, uint32_t *v)
{
    switch (off) {
    case E_POFWARN: *v = c->ev_pofwarn; return 0;
    case RESETREAS: *v = c->resetreas; return 0;
    case RAMSTATUS: *v = 0xF; return 0;   /* all four RAM blocks on */
    case POFCON: *v = c->pofcon; return 0;
    case GPREGRET: *v = c->gpregret; return 0;
    case RAMON: *v = c->ramon; return 0;
    case RESET: *v = c->reset; return 0;
    case RAMONB: *v = c->ramonb; return 0;
    case DCDCEN: *v = c->dcdcen; return 0;
    case PERR0: *v = c->perr0; return 0;
    case RLENR0: *v = c->rlenr0; return 0;
    case PROTENSET0: *v = c->protenset0; return 0;
    case PROTENSET1: *v = c->protenset1; return 0;
    case DISABLEINDEBUG: *v = c->disableindebug; return 0;
    case T_CONSTLAT: case T_LOWPWR: case SYSTEMOFF: case DCDCFORCE:
    case PROTBLOCKSIZE:
        *v = 0;
        return 0;
    default:
        return mb_unknown(&c->p, off, 0, v);
    }
}

int mb_power_write(mb_clock *c, uint32_t off, uint32_t v)
{
    switch (off) {
    case T_CONSTLAT: case T_LOWPWR: case SYSTEMOFF: case DCDCFORCE:
    case PROTBLOCKSIZE:
        return 0;
    case E_POFWARN: c->ev_pofwarn = v & 1; return 0;
    case RESETREAS: c->resetreas &= ~v; return 0;   /* write 1 to clear */
    case POFCON: c->pofcon = v & 0x7; return 0;
    case GPREGRET: c->gpregret = v & 0xFF; return 0;
    case RAMON: c->ramon = v & 0x30003; return 0;
    case RESET: c->reset = v & 1; return 0;
    case RAMONB: c->ramonb = v & 0x30003; return 0;
    case DCDCEN: c->dcdcen = v & 1; return 0;
    case PERR0: c->perr0 = v; return 0;
    case RLENR0: c->rlenr0 = v; return 0;
    case PROTENSET0: c->protenset0 |= v; return 0;
    case PROTENSET1: c->protenset1 |= v; return 0;
    case DISABLEINDEBUG: c->disableindebug = v & 1; return 0;
    default:
        return mb_unknown(&c->p, off, 1, &v);
    }
}
