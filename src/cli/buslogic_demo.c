/* buslogic_demo.c - the BusLogic BT-958 on the SCSI core in the main job:
 * PCI enumeration, the guest driver's Linux-style probe and mailbox set-up,
 * then INQUIRY, a WRITE through a scatter-gather CCB and a READ back
 * through a direct CCB, verified, and a bad LBA answered with sense. */
#include <string.h>

#include "demos.h"
#include "emkit/buslogic_pci.h"
#include "emkit/guest/buslogic_drv.h"
#include "emkit/guest/pci_enum.h"

enum { DEMO_ECAM = 0x0b000000, DEMO_XFER = 65536, DEMO_LBA = 2048, DEMO_SEG = 4,
       DEMO_BLOCKS = DEMO_XFER / 512 };

static void cdb10(emk_buslogic_drv_cmd *c, uint8_t op, uint32_t lba, uint16_t n)
{
    c->cdb[0] = op;
    c->cdb[2] = (uint8_t)(lba >> 24);
    c->cdb[3] = (uint8_t)(lba >> 16);
    c->cdb[4] = (uint8_t)(lba >> 8);
    c->cdb[5] = (uint8_t)lba;
    c->cdb[7] = (uint8_t)(n >> 8);
    c->cdb[8] = (uint8_t)n;
    c->cdb_len = 10;
}

/* one command; CHECK CONDITION is not a failure here (the caller looks) */
static int run(emk_buslogic_drv *d, const emk_buslogic_drv_cmd *c,
               emk_buslogic_drv_done *done)
{
    int err = emk_buslogic_drv_exec(d, c, done);

    if (err == 0 && done->hs != EMK_BUSLOGIC_HS_OK)
        err = -EIO;
    return err;
}

static int demo_io(FILE *out, emk_tm *tm, emk_buslogic_drv *d,
                   uint64_t sectors)
{
    emk_buslogic_drv_cmd c;
    emk_buslogic_drv_done done;
    uint64_t wbuf = emk_tm_alloc(tm, DEMO_XFER, 4096);
    uint64_t rbuf = emk_tm_alloc(tm, DEMO_XFER, 4096);
    uint8_t *w, *r;
    char vendor[9], product[17];
    uint32_t lba = sectors >= DEMO_LBA + DEMO_BLOCKS ? DEMO_LBA : 0;
    unsigned i;
    int err;

    if (!wbuf || !rbuf)
        return -ENOMEM;
    w = (uint8_t *)emk_tm_ram(tm, wbuf, DEMO_XFER);
    r = (uint8_t *)emk_tm_ram(tm, rbuf, DEMO_XFER);
    /* the power-on unit attention, as a real bus scan meets it */
    memset(&c, 0, sizeof(c));
    c.cdb[0] = 0x00;                        /* TEST UNIT READY */
    c.cdb_len = 6;
    if ((err = run(d, &c, &done)) < 0)
        return err;
    if (done.ts != 0x02 || (done.sense[2] & 0xf) != 0x6 || done.sense[12] != 0x29)
        return -EIO;
    memset(&c, 0, sizeof(c));
    c.cdb[0] = 0x12;                        /* INQUIRY, 36 bytes */
    c.cdb[4] = 36;
    c.cdb_len = 6;
    c.buf = rbuf;
    c.len = 36;
    if ((err = run(d, &c, &done)) < 0)
        return err;
    if (done.ts != 0)
        return -EIO;
    memcpy(vendor, r + 8, 8);
    memcpy(product, r + 16, 16);
    vendor[8] = product[16] = 0;
    for (i = 15; i > 0 && product[i] == ' '; i--)
        product[i] = 0;
    for (i = 7; i > 0 && vendor[i] == ' '; i--)
        vendor[i] = 0;
    fprintf(out, "  target 0 LUN 0: INQUIRY \"%s\" \"%s\" (type %u, SPC-%u), "
            "%llu sectors; power-on unit attention seen\n", vendor, product,
            r[0] & 0x1fu, r[2] >= 3 ? r[2] - 2u : 0u,
            (unsigned long long)sectors);
    for (i = 0; i < DEMO_XFER; i++)
        w[i] = (uint8_t)(i * 13 + (i >> 9) + 5);
    memset(&c, 0, sizeof(c));
    cdb10(&c, 0x2a, lba, DEMO_BLOCKS);         /* WRITE(10) */
    c.buf = wbuf;
    c.len = DEMO_XFER;
    c.nseg = DEMO_SEG;
    if ((err = run(d, &c, &done)) < 0)
        return err;
    if (done.ts != 0 || done.comp != EMK_BUSLOGIC_COMP_GOOD)
        return -EIO;
    memset(r, 0, DEMO_XFER);
    memset(&c, 0, sizeof(c));
    cdb10(&c, 0x28, lba, DEMO_BLOCKS);         /* READ(10) */
    c.buf = rbuf;
    c.len = DEMO_XFER;
    c.residual = 1;
    if ((err = run(d, &c, &done)) < 0)
        return err;
    if (done.ts != 0 || done.resid != 0)
        return -EIO;
    if (memcmp(w, r, DEMO_XFER) != 0) {
        fprintf(out, "  data mismatch after the read back\n");
        return -EIO;
    }
    fprintf(out, "  WRITE(10) of %u KiB at LBA %u through a %u-entry SG CCB, "
            "READ(10) back through a direct CCB: data verified\n",
            DEMO_XFER / 1024, (unsigned)lba, DEMO_SEG);
    /* a READ past the end: CHECK CONDITION, ILLEGAL REQUEST, LBA out of
     * range, in the autosense bytes */
    memset(&c, 0, sizeof(c));
    cdb10(&c, 0x28, (uint32_t)sectors, 1);
    c.buf = rbuf;
    c.len = 512;
    if ((err = run(d, &c, &done)) < 0)
        return err;
    fprintf(out, "  READ past the end -> status 0x%02x, sense key 0x%x, "
            "ASC 0x%02x\n", done.ts, done.sense[2] & 0xfu, done.sense[12]);
    if (done.ts != 0x02 || (done.sense[2] & 0xf) != 0x5 || done.sense[12] != 0x21)
        return -EIO;
    return 0;
}

static int demo_run(FILE *out, emk_tm *tm, emk_buslogic_pci *p, uint64_t sectors)
{
    emk_pci_enum e;
    emk_buslogic_drv d;
    emk_buslogic_stats s;
    int idx, err;

    idx = emk_demo_pci_find(tm, &e, (uint64_t)DEMO_ECAM << 4, EMK_BUSLOGIC_PCI_VENDOR,
                            EMK_BUSLOGIC_PCI_DEVICE);
    if (idx < 0)
        return idx;
    err = emk_buslogic_drv_init(&d, tm, e.fns[idx].bar_addr[0], 32);
    if (err)
        return err;
    fprintf(out, "  %02x:%02x.%u %04x:%04x, ports at 0x%llx: %s firmware %s, "
            "%u 32-bit mailboxes, %u SG entries\n", e.fns[idx].bus,
            e.fns[idx].devfn >> 3, e.fns[idx].devfn & 7u,
            EMK_BUSLOGIC_PCI_VENDOR, EMK_BUSLOGIC_PCI_DEVICE,
            (unsigned long long)e.fns[idx].bar_addr[0], d.model, d.fw,
            d.nmbox, d.sg_limit);
    err = demo_io(out, tm, &d, sectors);
    if (err)
        return err;
    emk_buslogic_stats_get(&p->bl, &s);
    fprintf(out, "  %llu host adapter commands, %llu CCBs, %llu interrupts\n",
            (unsigned long long)s.commands, (unsigned long long)s.ccbs,
            (unsigned long long)s.interrupts);
    return 0;
}

int emk_buslogic_demo(FILE *out, const emk_demo_opts *o)
{
    emk_tm_config cfg = {0, 16u << 20, 0};
    emk_pci_host host;
    emk_pci_seg seg;
    static emk_buslogic_pci pci;    /* one demo at a time */
    emk_scsi_lun lu;
    emk_blk *blk;
    emk_tm *tm;
    int err = 0;

    tm = emk_tm_new(&cfg, &err);
    if (!tm)
        return err ? err : -ENOMEM;
    blk = emk_blk_open(o && o->disk ? o->disk : "ram:4M", 0, &err);
    if (!blk) {
        fprintf(out, "  buslogic: cannot open the disk: %s\n", emk_strerror(err));
        emk_tm_free(tm);
        return err;
    }
    if (emk_blk_size(blk) < DEMO_XFER || emk_blk_size(blk) / 512 > 0xffffffffu) {
        fprintf(out, "  buslogic: the demo needs a disk of 64 KiB to 2 TiB\n");
        err = -ENOSPC;
        goto out_blk;
    }
    err = emk_scsi_disk_init(&lu, blk, NULL);
    if (err)
        goto out_blk;
    emk_pci_host_init(&host, emk_tm_bus(tm), &seg, 1);
    err = emk_pci_host_add_segment(&host, 0, (uint64_t)DEMO_ECAM << 4, 0, 1);
    if (err < 0)
        goto out_blk;
    err = emk_buslogic_pci_init(&pci, emk_tm_bus(tm), NULL, NULL);
    if (err)
        goto out_blk;
    err = emk_buslogic_attach(&pci.bl, 0, 0, &lu);
    if (!err)
        err = emk_pci_seg_attach(&seg, &pci.fn, 3 << 3);
    if (!err)
        err = demo_run(out, tm, &pci, emk_blk_size(blk) / 512);
    if (err)
        fprintf(out, "  buslogic: failed: %s\n", emk_strerror(err));
    while (emk_buslogic_busy(&pci.bl) && emk_tm_run_pending(tm, 100) > 0)
        ;
    emk_buslogic_pci_cleanup(&pci);
    emk_tm_run_pending(tm, 10);
out_blk:
    emk_blk_close(blk);
    emk_tm_free(tm);
    return err < 0 ? err : 0;
}
