/* fuzz_buslogic.c - libFuzzer: a fuzzer-driven guest works the BusLogic
 * adapter's ports (any byte at any port: commands, parameters, resets,
 * execute mailbox) over fuzzer-written guest RAM (mailboxes, CCBs, SG
 * lists, data), with the guest-side driver's initialisation and CCB
 * builder available as ops so deep states are reachable.  Two targets,
 * three LUNs, RAM and a pool-completed backend.
 *
 * Stateless: every input gets a fresh machine, disks and adapter.
 * After the input: every CCB's request must finish, nothing may hang. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/buslogic.h"
#include "emkit/guest/buslogic_drv.h"
#include "emkit/testmachine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { RAM = 1 << 20, PORT = 0x330, LINE = 3 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    emk_tm_config cfg = {0, RAM, 0};
    emk_tm *tm;
    emk_blk *b0, *b1;
    emk_scsi_lun l0, l1, l2;
    emk_scsi_disk_options o4k;
    emk_buslogic bl;
    emk_buslogic_options o;
    emk_buslogic_drv d;
    int drv_ok = 0, i;
    size_t at = 1;

    if (size < 1)
        return 0;
    tm = emk_tm_new(&cfg, NULL);
    b0 = emk_blk_open("ram:64K", 0, NULL);
    b1 = emk_blk_open("ram:64K", (data[0] & 1) ? EMK_BLK_SYNC_POOL : 0, NULL);
    memset(&o4k, 0, sizeof(o4k));
    o4k.block_size = 4096;
    memset(&o, 0, sizeof(o));
    o.irq_line = LINE;
    if (!tm || !b0 || !b1 || emk_scsi_disk_init(&l0, b0, NULL) < 0 ||
        emk_scsi_disk_init(&l1, b1, &o4k) < 0 ||
        emk_scsi_disk_init(&l2, b1, NULL) < 0 ||
        emk_buslogic_init(&bl, emk_tm_bus(tm), NULL, &o) < 0)
        abort();
    emk_buslogic_attach(&bl, 0, 0, &l0);
    emk_buslogic_attach(&bl, 2, 0, &l1);
    emk_buslogic_attach(&bl, 2, 5, &l2);
    emk_bus_map_region(emk_tm_bus(tm), &bl.io, PORT);
    emk_bus_map_region(emk_tm_bus(tm), &bl.mmio, 0x40000000);
    memset(&d, 0, sizeof(d));
    d.tm = tm;
    d.io = PORT;
    /* Each op: kind, arg, 8-byte little-endian value. */
    while (at + 10 <= size) {
        uint8_t kind = data[at], arg = data[at + 1];
        uint64_t v = 0, r = 0;
        unsigned k;

        for (k = 0; k < 8; k++)
            v |= (uint64_t)data[at + 2 + k] << (8 * k);
        at += 10;
        switch (kind & 7) {
        case 0:
            emk_tm_pio_write(tm, PORT + (arg & 3), 1, v & 0xff);
            break;
        case 1:
            emk_tm_pio_read(tm, PORT + (arg & 3), 1, &r);
            break;
        case 2: {             /* 4 bytes anywhere in RAM (or just past it) */
            uint64_t a = (((uint64_t)arg << 12) | ((v >> 52) & 0xfff)) % (RAM + 64);
            uint8_t *p = (uint8_t *)emk_tm_ram(tm, a, 4);

            if (p)
                memcpy(p, &v, 4);
            break;
        }
        case 3:
            emk_tm_run_pending(tm, (arg & 15) + 1);
            break;
        case 4:
            emk_tm_advance(tm, 2000000);
            break;
        case 5:
            if (!drv_ok)
                drv_ok = emk_buslogic_drv_init(&d, tm, PORT, (arg & 15) + 1) == 0;
            break;
        case 6: {             /* a CCB from the driver's builder */
            emk_buslogic_drv_cmd c;

            if (!drv_ok)
                break;
            memset(&c, 0, sizeof(c));
            c.target = (unsigned)(v >> 60);
            c.lun = (unsigned)(v >> 56) & 7;
            c.cdb_len = (arg & 15) ? (arg & 15) : 6;
            if (c.cdb_len > 12)
                c.cdb_len = 12;
            for (k = 0; k < 6; k++)
                c.cdb[k] = (uint8_t)(v >> (8 * k));
            c.buf = (v & 0x40) ? (uint64_t)RAM - 2048 : 0x80000;
            c.len = (uint32_t)(arg >> 4) * 512;
            c.nseg = (unsigned)(v >> 48) & 3;
            c.residual = (kind >> 3) & 1;
            (void)emk_buslogic_drv_start(&d, &c);
            break;
        }
        default:
            if ((kind & 0xf0) == 0xf0) {
                emk_buslogic_reset(&bl);
                drv_ok = 0;
            } else if (drv_ok) {
                emk_buslogic_drv_done out[8];
                (void)emk_buslogic_drv_poll(&d, out, 8, 0);
            }
            break;
        }
    }
    /* every request must finish: nothing may hang */
    for (i = 0; i < 10000 && emk_buslogic_busy(&bl); i++) {
        emk_tm_run_pending(tm, 16);
        emk_tm_advance(tm, 1000000);
    }
    if (emk_buslogic_busy(&bl))
        abort();
    emk_bus_unmap_region(emk_tm_bus(tm), &bl.io);
    emk_bus_unmap_region(emk_tm_bus(tm), &bl.mmio);
    emk_buslogic_cleanup(&bl);
    emk_tm_run_pending(tm, 4);
    emk_blk_close(b0);
    emk_blk_close(b1);
    emk_tm_free(tm);
    return 0;
}
