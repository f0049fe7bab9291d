/*
 * fuzz_nvme.c - libFuzzer target for the NVMe controller: fuzzer-driven
 * register writes plus guest-memory contents (queues, PRP lists, SGLs,
 * shadow doorbell buffers) on a 1 MiB test machine, under ASan+UBSan.
 *
 * Input: one options byte (bit 0 shadow doorbells, 1 notifier doorbells,
 * 2 SQ polling, 3 coalescing), then operations:
 *   00 off:u16 val:u32     32-bit register/doorbell write at BAR0+off
 *   01 off:u16 val:u64     64-bit register write
 *   02 off:u16             32-bit register read
 *   03 addr:u16 n:u8 b[n]  guest memory write at addr*16
 *   04 q:u8 sqe[64]        place a command at queue q's tail, ring
 *   05                     run the machine's loop
 *   06 ns:u16              advance the virtual clock by ns*1000
 *   07                     standard enable (admin SQ 0x10000, CQ 0x11000)
 *   08 q:u8 v:u16          write queue q's shadow SQ tail (page 0x20000)
 *   09 q:u8 v:u16          CQ head doorbell of queue q
 * Queue q (0 admin, 1..2 I/O) has its SQ at 0x10000 + 0x2000*q with 16
 * entries; seeds create I/O queues there.  Integers are little-endian.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "emkit/testmachine.h"
#include "emkit/nvme.h"

enum { FZ_BAR = 0x40000000, FZ_QENT = 16 };

typedef struct rd {
    const uint8_t *p;
    size_t n;
} rd;

static int get(rd *r, void *out, size_t len)
{
    if (r->n < len)
        return -1;
    memcpy(out, r->p, len);
    r->p += len;
    r->n -= len;
    return 0;
}

static uint64_t le(const uint8_t *b, unsigned n)
{
    uint64_t v = 0;
    while (n--)
        v = v << 8 | b[n];
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    emk_tm_config cfg;
    emk_tm *tm;
    emk_nvme_options o;
    static emk_nvme nvme;       /* initialised afresh for each input */
    emk_nvme *n;
    emk_bus *bus;
    rd r = { data, size };
    uint8_t flags, op, b[3 + 255];
    uint16_t tail[3] = { 0, 0, 0 };
    emk_irq vec[EMK_NVME_MAX_VECTORS];
    unsigned steps = 0;
    int err = 0;

    if (get(&r, &flags, 1))
        return 0;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_size = 1u << 20;
    tm = emk_tm_new(&cfg, &err);
    if (!tm)
        return 0;
    emk_nvme_options_default(&o);
    o.max_queues = 2;
    o.max_queue_entries = 64;
    o.nns = 1;
    o.ns[0].backend = "ram:256K";
    o.shadow_doorbells = flags & 1;
    o.notifier_doorbells = (flags >> 1) & 1;
    o.sq_poll_ns = (flags & 4) ? 1000 : 0;
    o.coalescing = (flags >> 3) & 1;
    n = &nvme;
    if (emk_nvme_init(n, &o, emk_tm_bus(tm), NULL) != 0) {
        emk_tm_free(tm);
        return 0;
    }
    emk_irq_init_msis(vec, EMK_NVME_MAX_VECTORS, "nvme-msi", emk_nvme_dev(n),
                      0xfee00000u, 0);
    emk_nvme_set_irqs(n, vec, EMK_NVME_MAX_VECTORS, NULL);
    bus = emk_tm_bus(tm);
    emk_bus_map_region(bus, emk_nvme_bar0(n), FZ_BAR);
    while (!get(&r, &op, 1) && steps++ < 4096) {
        uint64_t v = 0;
        switch (op % 10) {
        case 0:
            if (get(&r, b, 6))
                goto done;
            emk_tm_mmio_write(tm, FZ_BAR + (le(b, 2) & 0x3ffc), 4, le(b + 2, 4));
            break;
        case 1:
            if (get(&r, b, 10))
                goto done;
            emk_tm_mmio_write(tm, FZ_BAR + (le(b, 2) & 0x3ff8), 8, le(b + 2, 8));
            break;
        case 2:
            if (get(&r, b, 2))
                goto done;
            emk_tm_mmio_read(tm, FZ_BAR + (le(b, 2) & 0x3ffc), 4, &v);
            break;
        case 3: {
            uint8_t *dst;
            if (get(&r, b, 3) || get(&r, b + 3, b[2]))
                goto done;
            dst = emk_tm_ram(tm, le(b, 2) * 16, b[2]);
            if (dst)
                memcpy(dst, b + 3, b[2]);
            break;
        }
        case 4: {
            unsigned q;
            uint8_t *dst;
            if (get(&r, b, 65))
                goto done;
            q = b[0] % 3;
            dst = emk_tm_ram(tm, 0x10000 + 0x2000ull * q + 64ull * tail[q], 64);
            if (dst)
                memcpy(dst, b + 1, 64);
            tail[q] = (uint16_t)((tail[q] + 1) % FZ_QENT);
            emk_tm_mmio_write(tm, FZ_BAR + 0x1000 + 8ull * q, 4, tail[q]);
            break;
        }
        case 5:
            emk_tm_run_pending(tm, 16);
            break;
        case 6:
            if (get(&r, b, 2))
                goto done;
            emk_tm_advance(tm, (int64_t)le(b, 2) * 1000);
            break;
        case 7:
            emk_tm_mmio_write(tm, FZ_BAR + 0x24, 4, (15u << 16) | 15u);
            emk_tm_mmio_write(tm, FZ_BAR + 0x28, 8, 0x10000);
            emk_tm_mmio_write(tm, FZ_BAR + 0x30, 8, 0x11000);
            emk_tm_mmio_write(tm, FZ_BAR + 0x14, 4, 0x460001);
            tail[0] = tail[1] = tail[2] = 0;
            break;
        case 8: {
            uint8_t *dst;
            if (get(&r, b, 3))
                goto done;
            dst = emk_tm_ram(tm, 0x20000 + 8ull * (b[0] % 3), 4);
            if (dst) {
                memcpy(dst, b + 1, 2);
                dst[2] = dst[3] = 0;
            }
            break;
        }
        case 9:
            if (get(&r, b, 3))
                goto done;
            emk_tm_mmio_write(tm, FZ_BAR + 0x1000 + 8ull * (b[0] % 3) + 4, 4,
                              le(b + 1, 2));
            break;
        }
    }
done:
    emk_tm_run_pending(tm, 64);
    emk_bus_unmap_region(bus, emk_nvme_bar0(n));
    emk_nvme_cleanup(n);
    emk_tm_free(tm);
    return 0;
}
