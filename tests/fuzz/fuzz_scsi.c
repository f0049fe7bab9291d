/* fuzz_scsi.c - libFuzzer: the SCSI core's CDB parser and disk LUN.  The
 * input is a series of commands (LUN, CDB length, 16 CDB bytes, buffer
 * length and placement, SG split) over fuzzer-filled guest RAM; each runs
 * to completion.  Checked on every command: done runs exactly once,
 * CHECK CONDITION carries fixed-format sense, GOOD carries none, and no
 * more bytes move than the buffer holds.
 *
 * Stateless: a fresh machine, disks and target per input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/scsi.h"
#include "emkit/testmachine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { RAM = 1 << 20, REC = 22 };

static int done_count;

static void on_done(emk_scsi_req *req)
{
    (void)req;
    done_count++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    emk_tm_config cfg = {0, RAM, 0};
    emk_tm *tm;
    emk_dev hba;
    emk_blk *b0, *b1;
    emk_scsi_lun l0, l1;
    emk_scsi_disk_options o;
    emk_scsi_target t;
    static emk_scsi_req req;
    emk_sg_entry seg[4];
    emk_sglist sgl;
    size_t at = 0;
    uint8_t *ram;

    tm = emk_tm_new(&cfg, NULL);
    b0 = emk_blk_open("ram:128K", 0, NULL);
    b1 = emk_blk_open("ram:64K", EMK_BLK_RDONLY, NULL);
    memset(&o, 0, sizeof(o));
    o.block_size = 4096;
    if (!tm || !b0 || !b1 || emk_scsi_disk_init(&l0, b0, NULL) < 0 ||
        emk_scsi_disk_init(&l1, b1, &o) < 0)
        abort();
    emk_dev_init(&hba, "fuzz-hba", emk_tm_bus(tm), NULL);
    emk_scsi_target_init(&t, 1);
    emk_scsi_target_attach(&t, 0, &l0);
    emk_scsi_target_attach(&t, 2, &l1);
    /* the first 4 KiB of input (if any) seed the data area */
    ram = (uint8_t *)emk_tm_ram(tm, 0x10000, 0x40000);
    while (at + REC <= size) {
        const uint8_t *r = data + at;
        uint32_t len = (uint32_t)r[18] | (uint32_t)r[19] << 8 | (uint32_t)(r[20] & 3) << 16;
        unsigned nseg = (r[21] & 3) + 1, i;
        uint64_t base = (r[21] & 4) ? (uint64_t)RAM - 1024 : 0x10000;

        at += REC;
        if (size - at >= 512 && (r[21] & 8)) {  /* data-out bytes */
            memcpy(ram, data + at, 512);
            at += 512;
        }
        memset(&req, 0, sizeof(req));
        req.lun = r[0] & 3;
        req.cdb_len = (r[1] & 15) + 1;
        memcpy(req.cdb, r + 2, 16);
        req.dev = &hba;
        req.loop = emk_tm_loop(tm);
        req.done = on_done;
        emk_sglist_init(&sgl, seg, 4);
        for (i = 0; i < nseg && len; i++) {
            uint32_t n = i + 1 == nseg ? len - (len / nseg) * i : len / nseg;

            (void)emk_sglist_add(&sgl, base + i * (len / nseg + 512), n);
        }
        req.data = (r[21] & 16) ? NULL : &sgl;
        done_count = 0;
        emk_scsi_submit(&t, &req);
        while (!done_count && emk_tm_run_pending(tm, 16) > 0)
            ;
        if (done_count != 1)
            abort();
        if (req.status == EMK_SCSI_CHECK_CONDITION &&
            (req.sense_len != EMK_SCSI_SENSE_LEN || req.sense[0] != 0x70))
            abort();
        if (req.status == EMK_SCSI_GOOD && req.sense_len)
            abort();
        if (req.xfer > (req.data ? req.data->total : 0))
            abort();
    }
    emk_tm_run_pending(tm, 16);
    emk_blk_close(b0);
    emk_blk_close(b1);
    emk_tm_free(tm);
    return 0;
}
