/* periph.h - small helpers shared by the ATmega328P peripheral files. */
#ifndef EMKIT_M328P_PERIPH_H
#define EMKIT_M328P_PERIPH_H

#include "emkit/atmega328p.h"

/* Fills a region and adds it to dev, then maps it at addr on m's bus. */
static inline int emk_m328p_region(emk_m328p *m, emk_dev *dev, emk_region *r,
                                   const char *name, const emk_region_ops *ops,
                                   void *opaque, uint64_t size, uint64_t addr)
{
    int e;

    r->name = name;
    r->ops = ops;
    r->opaque = opaque;
    r->size = size;
    if ((e = emk_dev_add_region(dev, r)) < 0)
        return e;
    return emk_bus_map_region(&m->cpu.bus, r, addr);
}

/* Cycles for us microseconds at the MCU's clock. */
static inline uint64_t emk_m328p_us(const emk_m328p *m, uint64_t us)
{
    return (uint64_t)m->cpu.clock_hz * us / 1000000;
}

#endif
