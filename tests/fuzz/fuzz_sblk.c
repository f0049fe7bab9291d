/* fuzz_sblk.c - libFuzzer: a fuzzer-driven guest pokes the simple block
 * device's registers (any size, any offset, doorbells) over fuzzer-filled
 * guest RAM, through the real bus dispatcher.  Exercises region access
 * validation, DMA bounds, sglists and block requests.
 *
 * Stateless: every input gets a fresh machine, disk and device, so a crash
 * reproduces from its input alone. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "emkit/testmachine.h"
#include "emkit/sblk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { RAM = 1 << 20, BASE = 0x40000000 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    emk_tm_config cfg = {0, RAM, 0};
    emk_tm *tm;
    emk_blk *blk;
    emk_sblk dev;
    emk_sblk_options o = { .irq_line = 1 };
    size_t i = 0;

    if (size < 1)
        return 0;
    tm = emk_tm_new(&cfg, NULL);
    blk = emk_blk_open("ram:256K", 0, NULL);
    o.ioeventfd = data[0] & 1;
    if (!tm || !blk || emk_sblk_init(&dev, emk_tm_bus(tm), NULL, blk, &o) < 0) {
        if (blk)
            emk_blk_close(blk);
        if (tm)
            emk_tm_free(tm);
        return 0;
    }
    emk_bus_map_region(emk_tm_bus(tm), &dev.mmio, BASE);
    i = 1;
    /* Each op: 1 byte kind/size, 1 byte offset, 8 bytes value. */
    while (i + 10 <= size) {
        uint8_t kind = data[i], off = data[i + 1];
        uint64_t v = 0, addr;
        unsigned sz = 1u << (kind & 3);
        memcpy(&v, data + i + 2, 8);
        i += 10;
        addr = BASE + off;
        switch ((kind >> 2) & 3) {
        case 0: emk_tm_mmio_write(tm, addr, sz, v); break;
        case 1: emk_tm_mmio_read(tm, addr, sz, &v); break;
        case 2: /* aim the buffer near interesting places */
            emk_tm_mmio_write(tm, BASE + EMK_SBLK_REG_ADDR, 8,
                              (kind & 16) ? BASE + (v & 0xff) : (v % (RAM + 8192)));
            break;
        default:
            if ((kind & 0xf0) == 0xf0)
                emk_sblk_reset(&dev);
            else
                emk_tm_run_pending(tm, 8);
            break;
        }
    }
    /* finish (or, after a reset, drop) whatever is in flight, then tear
     * everything down */
    emk_tm_run_pending(tm, 16);
    emk_sblk_reset(&dev);
    while (emk_sblk_busy(&dev) && emk_tm_run_pending(tm, 16) > 0)
        ;
    emk_bus_unmap_region(emk_tm_bus(tm), &dev.mmio);
    emk_sblk_cleanup(&dev);
    emk_tm_run_pending(tm, 4);
    emk_blk_close(blk);
    emk_tm_free(tm);
    return 0;
}
