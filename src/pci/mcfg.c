/*
 * mcfg.c - ACPI MCFG table bytes describing every ECAM segment.
 */
#include <string.h>

#include "pci/pci_int.h"

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_id(uint8_t *p, const char *s, const char *dflt, unsigned n)
{
    unsigned i;

    if (!s)
        s = dflt;
    for (i = 0; i < n; i++) {
        p[i] = *s ? (uint8_t)*s : ' ';
        if (*s)
            s++;
    }
}

int emk_pci_mcfg_build(const emk_pci_host *h, void *buf, size_t cap,
                       const char *oem_id, const char *oem_table_id)
{
    uint8_t *t = buf;
    size_t len = EMK_MCFG_HEADER_SIZE + (size_t)h->nsegs * EMK_MCFG_ENTRY_SIZE;
    uint8_t sum = 0;
    unsigned i;

    if (!buf || cap < len)
        return -ENOSPC;
    memset(t, 0, len);
    memcpy(t, "MCFG", 4);
    put_le(t + 4, len, 4);
    t[8] = 1;                                   /* revision */
    put_id(t + 10, oem_id, "EMKIT", 6);
    put_id(t + 16, oem_table_id, "EMKITPCI", 8);
    put_le(t + 24, 1, 4);                       /* OEM revision */
    memcpy(t + 28, "EMKT", 4);                  /* creator ID */
    put_le(t + 32, 1, 4);                       /* creator revision */
    for (i = 0; i < h->nsegs; i++) {
        const emk_pci_seg *s = &h->segs[i];
        uint8_t *e = t + EMK_MCFG_HEADER_SIZE + i * EMK_MCFG_ENTRY_SIZE;

        /* the base address is that of bus 0, even if the range starts
         * higher */
        put_le(e, s->ecam_base - ((uint64_t)s->bus_start << 20), 8);
        put_le(e + 8, s->segment, 2);
        e[10] = s->bus_start;
        e[11] = s->bus_end;
    }
    for (i = 0; i < len; i++)
        sum = (uint8_t)(sum + t[i]);
    t[9] = (uint8_t)(0x100 - sum);
    return (int)len;
}
