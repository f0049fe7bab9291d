/*
 * fixture.h - shared set-up of the NVMe cmocka tests: a test machine, a
 * controller with two namespaces (512 B and 4 KiB RAM disks) with its
 * BAR0 mapped at FX_BAR, and the guest-side driver.
 */
#ifndef NVME_TEST_FIXTURE_H
#define NVME_TEST_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "emkit/testmachine.h"
#include "emkit/nvme.h"
#include "emkit/guest/nvme_drv.h"

enum { FX_BAR = 0x40000000, FX_PAGE = 4096 };
#define FX_MSI_ADDR 0xfee00000u   /* where the test machine's MSIs go */

typedef struct fx {
    emk_tm *tm;
    emk_nvme nvme;             /* the controller (n points here) */
    emk_nvme *n;
    emk_irq vec[EMK_NVME_MAX_VECTORS];  /* MSIs: data = vector */
    emk_nvme_options o;
    emk_nvme_drv d;
    emk_iothread *it[2];
    uint64_t buf, buf2, list;  /* 128 KiB + 128 KiB data, one list page */
} fx;

/** Creates machine + controller (options tweaked by setup, may be NULL)
 *  and maps BAR0; does not initialise the driver. */
void fx_start(fx *f, void (*setup)(emk_nvme_options *o), int niothreads);
/** fx_start with the controller's loop given (NULL: the machine's). */
void fx_start_on(fx *f, void (*setup)(emk_nvme_options *o), int niothreads,
                 emk_loop *dev_loop);
/** fx_start_drv with the controller's loop given. */
void fx_start_drv_on(fx *f, void (*setup)(emk_nvme_options *o),
                     int niothreads, unsigned nioq, int shadow,
                     emk_loop *dev_loop);
/** fx_start, then the driver with nioq queues (shadow/threaded as given). */
void fx_start_drv(fx *f, void (*setup)(emk_nvme_options *o), int niothreads,
                  unsigned nioq, int shadow);
void fx_stop(fx *f);
/** Wires vector i as an MSI with data i (fx_start does it). */
void fx_wire_msis(fx *f);
/** Runs an admin command, returns the status (asserts no timeout). */
uint16_t fx_admin(fx *f, uint8_t cmd[64], emk_nvme_cqe *c);
/** Runs an I/O command on queue 1, returns the status. */
uint16_t fx_io(fx *f, uint8_t cmd[64], emk_nvme_cqe *c);
/** Host pointer to guest memory. */
uint8_t *fx_ram(fx *f, uint64_t gpa, uint64_t len);
/** Fills len bytes at gpa with a pattern derived from seed. */
void fx_pattern(fx *f, uint64_t gpa, uint64_t len, unsigned seed);
uint32_t fx_mmio32(fx *f, uint64_t off);
void fx_wr32(fx *f, uint64_t off, uint32_t v);

#endif
