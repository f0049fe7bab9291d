/* sblk_drv.c - guest-side driver for the emkit simple block device. */
#include <time.h>

#include "emkit/guest/sblk_drv.h"

int emk_sblk_drv_init(emk_sblk_drv *d, emk_tm *tm, uint64_t base,
                      uint64_t msi_addr)
{
    uint64_t id = 0;

    d->tm = tm;
    d->base = base;
    d->msi_addr = msi_addr;
    d->requests = 0;
    if (emk_tm_mmio_read(tm, base + EMK_SBLK_REG_ID, 4, &id) < 0 ||
        id != EMK_SBLK_ID)
        return -ENODEV;
    emk_tm_mmio_write(tm, base + EMK_SBLK_REG_MSI_ADDR, 8, msi_addr);
    emk_tm_mmio_write(tm, base + EMK_SBLK_REG_MSI_DATA, 4, 0x40);
    return 0;
}

int emk_sblk_drv_io(emk_sblk_drv *d, emk_sblk_op op, uint64_t lba,
                    uint32_t count, uint64_t gpa)
{
    int64_t deadline = emk_host_now_ns() + (int64_t)5000000000;
    uint64_t st = 0, res = 0;
    emk_tm_msi m;

    emk_tm_mmio_write(d->tm, d->base + EMK_SBLK_REG_OP, 4, op);
    emk_tm_mmio_write(d->tm, d->base + EMK_SBLK_REG_LBA, 8, lba);
    emk_tm_mmio_write(d->tm, d->base + EMK_SBLK_REG_COUNT, 4, count);
    emk_tm_mmio_write(d->tm, d->base + EMK_SBLK_REG_ADDR, 8, gpa);
    emk_tm_mmio_write(d->tm, d->base + EMK_SBLK_REG_DOORBELL, 4, 1);
    for (;;) {
        emk_tm_mmio_read(d->tm, d->base + EMK_SBLK_REG_STATUS, 4, &st);
        if (st & EMK_SBLK_STATUS_DONE)
            break;
        /* Device on the main loop: run it.  In an iothread: sleep on the
         * interrupt recorder. */
        if (emk_tm_run_pending(d->tm, 100) == 0) {
            if (d->msi_addr)
                emk_tm_msi_wait(d->tm, 1000000);
            else {
                struct timespec ts = {0, 20000};
                nanosleep(&ts, NULL);
            }
        }
        if (emk_host_now_ns() > deadline)
            return -ETIMEDOUT;
    }
    if (d->msi_addr)
        emk_tm_msi_pop(d->tm, &m);
    emk_tm_mmio_read(d->tm, d->base + EMK_SBLK_REG_RESULT, 4, &res);
    emk_tm_mmio_write(d->tm, d->base + EMK_SBLK_REG_STATUS, 4, EMK_SBLK_STATUS_DONE);
    d->requests++;
    return -(int)res;
}
