/* sblk_demo.c - the simple block device in the main job: write patterns by
 * DMA, read them back, then show that bad requests get clean errors. */
#include <stdlib.h>
#include <string.h>

#include "demos.h"
#include "emkit/guest/sblk_drv.h"
#include "emkit/sblk.h"

static const uint64_t DEMO_BASE = 0xfe000000u, DEMO_MSI = 0xfee00000u;
enum { DEMO_REQS = 256 };

static int demo_pass(FILE *out, emk_tm *tm, emk_blk *blk, int iothread,
                     int ioeventfd)
{
    emk_iothread *it = NULL;
    emk_sblk dev;
    emk_sblk_drv drv;
    emk_sblk_options opt = { .irq_line = 0 };
    uint64_t buf = emk_tm_alloc(tm, 64 * 1024, 4096);
    uint64_t sectors = emk_blk_size(blk) / EMK_SBLK_SECTOR;
    int64_t t0;
    int ret = 0, i, bad_dma, bad_lba;
    uint8_t *p = (uint8_t *)emk_tm_ram(tm, buf, 64 * 1024);

    if (!buf || !p)
        return -ENOMEM;
    if (iothread) {
        it = emk_iothread_start("sblk", NULL, &ret);
        if (!it)
            return ret;
    }
    opt.ioeventfd = ioeventfd;
    ret = emk_sblk_init(&dev, emk_tm_bus(tm), it ? emk_iothread_loop(it) : NULL,
                        blk, &opt);
    if (ret == 0)
        ret = emk_bus_map_region(emk_tm_bus(tm), &dev.mmio, DEMO_BASE);
    if (ret == 0)
        ret = emk_sblk_drv_init(&drv, tm, DEMO_BASE, iothread ? DEMO_MSI : 0);
    t0 = emk_host_now_ns();
    for (i = 0; ret == 0 && i < DEMO_REQS; i++) {
        uint64_t lba = ((uint64_t)i * 977) % (sectors - 128);
        uint32_t n = 1 + (uint32_t)(i % 128), j;
        for (j = 0; j < n * EMK_SBLK_SECTOR; j++)
            p[j] = (uint8_t)(j * 7 + i);
        ret = emk_sblk_drv_io(&drv, EMK_SBLK_OP_WRITE, lba, n, buf);
        if (ret == 0) {
            memset(p, 0, n * EMK_SBLK_SECTOR);
            ret = emk_sblk_drv_io(&drv, EMK_SBLK_OP_READ, lba, n, buf);
        }
        for (j = 0; ret == 0 && j < n * EMK_SBLK_SECTOR; j++)
            if (p[j] != (uint8_t)(j * 7 + i))
                ret = -EIO;
    }
    if (ret == 0) {
        int64_t ns = emk_host_now_ns() - t0;
        bad_dma = emk_sblk_drv_io(&drv, EMK_SBLK_OP_READ, 0, 8, (uint64_t)1 << 40);
        bad_lba = emk_sblk_drv_io(&drv, EMK_SBLK_OP_READ, sectors, 1, buf);
        fprintf(out, "  sblk %-26s %d requests verified in %.1f ms; "
                     "MSIs %llu; DMA outside RAM -> %s; LBA past end -> %s\n",
                iothread ? (ioeventfd ? "iothread+ioeventfd:" : "iothread:")
                         : "main loop:",
                2 * DEMO_REQS, (double)ns / 1e6,
                (unsigned long long)emk_tm_msi_count(tm), emk_strerror(bad_dma),
                emk_strerror(bad_lba));
        if (bad_dma != -EFAULT || bad_lba != -ERANGE)
            ret = -EIO;
    }
    emk_bus_unmap_region(emk_tm_bus(tm), &dev.mmio);
    emk_sblk_cleanup(&dev);
    if (it)
        emk_iothread_stop(it);
    return ret;
}

int emk_sblk_demo(FILE *out, const emk_demo_opts *o)
{
    emk_tm_config cfg = {0, 64u << 20, 1};
    emk_tm *tm;
    emk_blk *blk;
    int ret = 0;

    tm = emk_tm_new(&cfg, &ret);
    if (!tm)
        return ret;
    blk = emk_blk_open(o->disk ? o->disk : "ram:16M", 0, &ret);
    if (!blk) {
        fprintf(out, "  sblk: cannot open disk '%s': %s\n", o->disk, emk_strerror(ret));
        emk_tm_free(tm);
        return ret;
    }
    fprintf(out, "  backend %s, %llu MiB\n", emk_blk_kind(blk),
            (unsigned long long)(emk_blk_size(blk) >> 20));
    ret = demo_pass(out, tm, blk, 0, 0);
    if (ret == 0)
        ret = demo_pass(out, tm, blk, 1, 1);
    if (ret < 0)
        fprintf(out, "  sblk: FAILED: %s\n", emk_strerror(ret));
    emk_blk_close(blk);
    emk_tm_free(tm);
    return ret;
}
