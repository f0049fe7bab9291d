/* sblk_drv.h - guest-side driver for the emkit simple block device, on the
 * test machine.  Test code: it plays the guest. */
#ifndef EMK_GUEST_SBLK_DRV_H
#define EMK_GUEST_SBLK_DRV_H

#include "emkit/testmachine.h"
#include "emkit/sblk.h"

typedef struct emk_sblk_drv {
    emk_tm *tm;
    uint64_t base;      /* MMIO base */
    uint64_t msi_addr;  /* 0: level IRQ only */
    uint64_t requests;
} emk_sblk_drv;

/** Checks the device ID at base; programs MSI if msi_addr.  0 or -ENODEV. */
EMK_API int emk_sblk_drv_init(emk_sblk_drv *d, emk_tm *tm, uint64_t base,
                      uint64_t msi_addr);
/** Runs one request and waits (main loop or iothread) up to 5 s.  Returns
 *  0, the device's negated RESULT, or -ETIMEDOUT. */
EMK_API int emk_sblk_drv_io(emk_sblk_drv *d, emk_sblk_op op, uint64_t lba,
                    uint32_t count, uint64_t gpa);

#endif
