/*
 * region.c - emkit regions as QEMU MemoryRegions: every guest access goes
 * through emk_region_access, the same size/alignment/bounds rules as on
 * emkit's test machine.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"

#include "emk-qemu.h"

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (size * 8)) - 1;
}

static uint64_t emk_qemu_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    EmkQemuRegion *qr = opaque;
    uint64_t value = UINT64_MAX;

    /* a rejected access leaves all-ones in value (emkit/bus.h) */
    emk_region_access(qr->r, addr, size, &value, 0);
    return value & size_mask(size);
}

static void emk_qemu_mmio_write(void *opaque, hwaddr addr, uint64_t value,
                                unsigned size)
{
    EmkQemuRegion *qr = opaque;

    emk_region_access(qr->r, addr, size, &value, 1);
}

/* Smallest and largest access size in an OR of emk_access_size. */
static void size_range(unsigned sizes, unsigned *min, unsigned *max)
{
    unsigned s;

    *min = 0;
    *max = 0;
    for (s = 1; s <= 8; s <<= 1) {
        if (sizes & s) {
            if (!*min) {
                *min = s;
            }
            *max = s;
        }
    }
    if (!*min) {
        *min = 1;
        *max = 8;
    }
}

MemoryRegion *emk_qemu_region(EmkQemuHost *h, emk_region *r)
{
    unsigned i, min, max;
    EmkQemuRegion *qr = NULL;

    for (i = 0; i < EMK_DEV_MAX_REGIONS; i++) {
        if (h->regions[i].inited && h->regions[i].r == r) {
            return &h->regions[i].mr;
        }
        if (!qr && !h->regions[i].inited) {
            qr = &h->regions[i];
        }
    }
    if (!qr) {
        return NULL;
    }
    qr->r = r;
    qr->host = h;
    qr->bar = -1;
    size_range(r->ops->valid_sizes, &min, &max);
    qr->ops = (MemoryRegionOps) {
        .read = emk_qemu_mmio_read,
        .write = emk_qemu_mmio_write,
        .endianness = DEVICE_LITTLE_ENDIAN,
        /* sizes between min and max that the region does not declare
         * reach emk_region_access, which refuses them */
        .valid = {
            .min_access_size = min,
            .max_access_size = max,
            .unaligned = (r->ops->flags & EMK_REGION_UNALIGNED) != 0,
        },
        .impl = {
            .min_access_size = min,
            .max_access_size = max,
            .unaligned = (r->ops->flags & EMK_REGION_UNALIGNED) != 0,
        },
    };
    if (r->space == EMK_SPACE_IO) {
        /* port I/O: QEMU passes the access through unchanged as well */
        qr->ops.valid.unaligned = true;
        qr->ops.impl.unaligned = true;
    }
    memory_region_init_io(&qr->mr, h->owner, &qr->ops, qr,
                          r->name ? r->name : "emkit-region", r->size);
    qr->inited = true;
    return &qr->mr;
}

int emk_qemu_register_bar(EmkQemuHost *h, int bar, emk_region *r,
                          uint8_t attr)
{
    MemoryRegion *mr = emk_qemu_region(h, r);
    unsigned i;

    if (!mr || !h->pdev) {
        return -ENOSPC;
    }
    for (i = 0; i < EMK_DEV_MAX_REGIONS; i++) {
        EmkQemuRegion *qr = &h->regions[i];

        if (!qr->inited || qr->r != r) {
            continue;
        }
        qr->bar = bar;
        if (r->size & (r->size - 1)) {
            /* a BAR is a power of two; the tail reads as unassigned */
            memory_region_init(&qr->container, h->owner, "emkit-bar",
                               pow2ceil(r->size));
            memory_region_add_subregion(&qr->container, 0, mr);
            mr = &qr->container;
        }
        break;
    }
    pci_register_bar(h->pdev, bar, attr, mr);
    return 0;
}
