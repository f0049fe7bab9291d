/* test_buslogic.c - the BT-958 adapter on the test machine, driven by the
 * guest-side driver that follows Linux's BusLogic.c: reset and probe,
 * the host adapter command set and its error handling, SCSI commands
 * through 32-bit and 24-bit mailboxes with and without SG lists,
 * residuals, autosense, the adapter's error statuses for bad CCBs,
 * mailboxes and SG lists, a full inbox, reset with I/O in flight, and the
 * PCI function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "emkit/buslogic_pci.h"
#include "emkit/guest/buslogic_drv.h"
#include "emkit/ecam.h"
#include "emkit/guest/pci_enum.h"
#include "emkit/testmachine.h"

#include "compat.h"

enum { RAM = 16 << 20, PORT = 0xc000, LINE = 5 };
#define ECAM 0xb0000000ull

typedef struct fx {
    emk_tm *tm;
    emk_blk *blk0, *blk3;
    emk_scsi_lun lu0, lu3a, lu3b;
    emk_buslogic bl;
    emk_buslogic_drv d;
    uint64_t buf;
} fx;

static fx *make(unsigned blkflags)
{
    static fx f;
    emk_tm_config cfg = {0, RAM, 0};
    emk_buslogic_options o;

    memset(&f, 0, sizeof(f));
    f.tm = emk_tm_new(&cfg, NULL);
    assert_non_null(f.tm);
    f.blk0 = emk_blk_open("ram:1M", blkflags, NULL);
    f.blk3 = emk_blk_open("ram:512K", 0, NULL);
    assert_non_null(f.blk0);
    assert_non_null(f.blk3);
    assert_int_equal(emk_scsi_disk_init(&f.lu0, f.blk0, NULL), 0);
    assert_int_equal(emk_scsi_disk_init(&f.lu3a, f.blk3, NULL), 0);
    assert_int_equal(emk_scsi_disk_init(&f.lu3b, f.blk3, NULL), 0);
    memset(&o, 0, sizeof(o));
    o.irq_line = LINE;
    o.irq_number = 11;
    assert_int_equal(emk_buslogic_init(&f.bl, emk_tm_bus(f.tm), NULL, &o), 0);
    assert_int_equal(emk_buslogic_attach(&f.bl, 0, 0, &f.lu0), 0);
    assert_int_equal(emk_buslogic_attach(&f.bl, 3, 0, &f.lu3a), 0);
    assert_int_equal(emk_buslogic_attach(&f.bl, 3, 1, &f.lu3b), 0);
    assert_int_equal(emk_buslogic_attach(&f.bl, 7, 0, &f.lu3b), -EINVAL);
    assert_int_equal(emk_bus_map_region(emk_tm_bus(f.tm), &f.bl.io, PORT), 0);
    f.buf = emk_tm_alloc(f.tm, 1 << 20, 4096);
    return &f;
}

static int setup(void **state)
{
    fx *f = make(0);

    assert_int_equal(emk_buslogic_drv_init(&f->d, f->tm, PORT, 32), 0);
    *state = f;
    return 0;
}

static int setup_raw(void **state)
{
    *state = make(0);
    return 0;
}

/* runs the machine until no request is outstanding (the pool-completed
 * backend finishes on a worker thread): up to 5 s of host time */
static void wait_idle(fx *f)
{
    int64_t end = emk_host_now_ns() + 5000000000LL;

    while (emk_buslogic_busy(&f->bl) && emk_host_now_ns() < end) {
        if (emk_tm_run_pending(f->tm, 100) == 0) {
            struct timespec ts = {0, 100000};
            nanosleep(&ts, NULL);
        }
    }
}

static int teardown(void **state)
{
    fx *f = (fx *)*state;

    wait_idle(f);
    emk_bus_unmap_region(emk_tm_bus(f->tm), &f->bl.io);
    emk_buslogic_cleanup(&f->bl);
    emk_tm_run_pending(f->tm, 10);
    emk_blk_close(f->blk0);
    emk_blk_close(f->blk3);
    emk_tm_free(f->tm);
    return 0;
}

static uint8_t inb(fx *f, unsigned reg)
{
    uint64_t v = 0;

    emk_tm_pio_read(f->tm, PORT + reg, 1, &v);
    return (uint8_t)v;
}

static void outb(fx *f, unsigned reg, uint8_t v)
{
    emk_tm_pio_write(f->tm, PORT + reg, 1, v);
}

static uint8_t *ram(fx *f, uint64_t gpa, uint64_t len)
{
    return (uint8_t *)emk_tm_ram(f->tm, gpa, len);
}

static emk_buslogic_drv_done scsi(fx *f, unsigned target, unsigned lun,
                                  const uint8_t *cdb, unsigned cdb_len,
                                  uint32_t len, unsigned nseg, int resid)
{
    emk_buslogic_drv_cmd c;
    emk_buslogic_drv_done done;

    memset(&c, 0, sizeof(c));
    c.target = target;
    c.lun = lun;
    memcpy(c.cdb, cdb, cdb_len);
    c.cdb_len = cdb_len;
    c.buf = len ? f->buf : 0;
    c.len = len;
    c.nseg = nseg;
    c.residual = resid;
    memset(&done, 0, sizeof(done));
    assert_int_equal(emk_buslogic_drv_exec(&f->d, &c, &done), 0);
    return done;
}

static void test_reset_and_probe(void **state)
{
    fx *f = (fx *)*state;
    uint8_t st;

    /* power on: ready, init required; geometry answers */
    st = inb(f, EMK_BUSLOGIC_REG_STATUS);
    assert_int_equal(st, EMK_BUSLOGIC_STAT_READY | EMK_BUSLOGIC_STAT_INIT_REQUIRED);
    assert_int_equal(inb(f, EMK_BUSLOGIC_REG_INTERRUPT), 0);
    assert_int_equal(inb(f, EMK_BUSLOGIC_REG_GEOMETRY), 0x80);
    /* a hard reset shows diagnostics active once, then ready */
    outb(f, EMK_BUSLOGIC_REG_CONTROL, EMK_BUSLOGIC_CTRL_HARD_RESET);
    assert_int_equal(inb(f, EMK_BUSLOGIC_REG_STATUS), EMK_BUSLOGIC_STAT_DIAG_ACTIVE);
    assert_int_equal(inb(f, EMK_BUSLOGIC_REG_STATUS),
                     EMK_BUSLOGIC_STAT_READY | EMK_BUSLOGIC_STAT_INIT_REQUIRED);
    /* Linux's whole probe and initialisation */
    assert_int_equal(emk_buslogic_drv_init(&f->d, f->tm, PORT, 211), 0);
    assert_string_equal(f->d.model, "BT-958");
    assert_string_equal(f->d.fw, "5.07B");
    assert_int_equal(f->d.sg_limit, EMK_BUSLOGIC_SG_LIMIT);
    assert_int_equal(inb(f, EMK_BUSLOGIC_REG_STATUS), EMK_BUSLOGIC_STAT_READY);
    /* nothing at a port where no adapter is */
    assert_int_equal(emk_buslogic_drv_init(&f->d, f->tm, 0x330, 8), -ENODEV);
}

static void test_commands(void **state)
{
    fx *f = (fx *)*state;
    emk_buslogic_drv *d = &f->d;
    uint8_t r[64], p[5];
    emk_buslogic_stats s;

    /* installed devices: target 0 LUN 0, target 3 LUNs 0 and 1 */
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_TARGET_DEVICES,
                                              NULL, 0, r, 2), 2);
    assert_int_equal(r[0], 0x09);
    assert_int_equal(r[1], 0x00);
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_INSTALLED_0_7,
                                              NULL, 0, r, 8), 8);
    assert_int_equal(r[0], 0x01);
    assert_int_equal(r[3], 0x03);
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_INSTALLED_8_15,
                                              NULL, 0, r, 8), 8);
    assert_int_equal(r[0] | r[7], 0);
    /* configuration: IRQ 11, id 7 */
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_CONFIGURATION,
                                              NULL, 0, r, 3), 3);
    assert_int_equal(r[1], 0x04);
    assert_int_equal(r[2], 7);
    /* extended setup reports the mailboxes just set up */
    p[0] = 14;
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_EXT_SETUP,
                                              p, 1, r, 14), 14);
    assert_int_equal(r[4], 32);
    assert_int_equal(emk_le32(r + 5), d->mbox);
    assert_memory_equal(r + 10, "07B", 3);
    assert_int_equal(r[13] & 1, 1);            /* wide */
    /* AutoSCSI: disconnect permitted for every target (tagged queuing) */
    p[0] = 64 + 27;
    p[1] = 2;
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_FETCH_LOCAL_RAM,
                                              p, 2, r, 2), 2);
    assert_int_equal(r[0] & r[1], 0xff);
    /* echo, model with a shorter reply */
    p[0] = 0x5a;
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_ECHO, p, 1, r, 1), 1);
    assert_int_equal(r[0], 0x5a);
    p[0] = 3;
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_MODEL, p, 1, r, 8), 3);
    assert_memory_equal(r, "958", 3);
    /* invalid: unknown opcode, bad parameter values, excess parameters */
    assert_int_equal(emk_buslogic_drv_command(d, 0x99, NULL, 0, r, 4), -EINVAL);
    p[0] = 2;
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_STRICT_RR, p, 1,
                                              NULL, 0), -EINVAL);
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_CCB_FORMAT, p, 1,
                                              NULL, 0), -EINVAL);
    memset(p, 0, sizeof(p));
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_INIT_EXT_MBOX,
                                              p, 5, NULL, 0), -EINVAL);
    p[0] = 16;
    p[1] = 0x10;
    p[4] = 0xff;                                /* wraps past 4 GiB */
    p[3] = 0xff;
    p[2] = 0xff;
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_INIT_EXT_MBOX,
                                              p, 5, NULL, 0), -EINVAL);
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_BOARD_ID, p, 1,
                                              r, 4), -EINVAL);
    /* modify I/O address has no command complete interrupt */
    outb(f, EMK_BUSLOGIC_REG_CONTROL, EMK_BUSLOGIC_CTRL_INT_RESET);
    p[0] = 6;
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_MODIFY_IO, p, 1,
                                              NULL, 0), 0);
    assert_int_equal(inb(f, EMK_BUSLOGIC_REG_INTERRUPT), 0);
    p[0] = 9;
    assert_int_equal(emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_MODIFY_IO, p, 1,
                                              NULL, 0), -EINVAL);
    outb(f, EMK_BUSLOGIC_REG_CONTROL, EMK_BUSLOGIC_CTRL_INT_RESET);
    emk_buslogic_stats_get(&f->bl, &s);
    assert_true(s.invalid >= 6);
    /* the mailboxes still work after all that */
    {
        static const uint8_t inq[6] = { EMK_SCSI_INQUIRY, 0, 0, 0, 36, 0 };
        emk_buslogic_drv_done done = scsi(f, 0, 0, inq, 6, 36, 0, 0);

        assert_int_equal(done.comp, EMK_BUSLOGIC_COMP_GOOD);
    }
}

static void test_io(void **state)
{
    fx *f = (fx *)*state;
    static const uint8_t tur[6] = { EMK_SCSI_TEST_UNIT_READY };
    static const uint8_t inq[6] = { EMK_SCSI_INQUIRY, 0, 0, 0, 36, 0 };
    uint8_t w10[10] = { EMK_SCSI_WRITE_10, 0, 0, 0, 0, 5, 0, 0, 8, 0 };
    uint8_t r10[10] = { EMK_SCSI_READ_10, 0, 0, 0, 0, 5, 0, 0, 8, 0 };
    uint8_t *disk = (uint8_t *)emk_blk_ram(f->blk0), pat[4096];
    emk_buslogic_drv_done done;
    unsigned i;

    /* the first command sees the power-on unit attention, with autosense */
    done = scsi(f, 0, 0, tur, 6, 0, 0, 0);
    assert_int_equal(done.comp, EMK_BUSLOGIC_COMP_ERROR);
    assert_int_equal(done.hs, EMK_BUSLOGIC_HS_OK);
    assert_int_equal(done.ts, EMK_SCSI_CHECK_CONDITION);
    assert_int_equal(done.sense[0], 0x70);
    assert_int_equal(done.sense[2], EMK_SCSI_KEY_UNIT_ATTENTION);
    assert_int_equal(done.sense[12], 0x29);
    done = scsi(f, 0, 0, tur, 6, 0, 0, 0);
    assert_int_equal(done.comp, EMK_BUSLOGIC_COMP_GOOD);
    /* INQUIRY on target 3 LUN 1, direct CCB */
    done = scsi(f, 3, 1, inq, 6, 36, 0, 0);
    assert_int_equal(done.comp, EMK_BUSLOGIC_COMP_GOOD);
    assert_memory_equal(ram(f, f->buf + 8, 8), "EMKIT   ", 8);
    /* write 8 blocks from 4 SG segments, read them back through 3 */
    for (i = 0; i < sizeof(pat); i++)
        pat[i] = (uint8_t)(i * 13 + 1);
    memcpy(ram(f, f->buf, 4096), pat, 4096);
    done = scsi(f, 0, 0, w10, 10, 4096, 4, 0);
    assert_int_equal(done.comp, EMK_BUSLOGIC_COMP_GOOD);
    assert_memory_equal(disk + 5 * 512, pat, 4096);
    memset(ram(f, f->buf, 4096), 0, 4096);
    done = scsi(f, 0, 0, r10, 10, 4096, 3, 0);
    assert_int_equal(done.comp, EMK_BUSLOGIC_COMP_GOOD);
    assert_memory_equal(ram(f, f->buf, 4096), pat, 4096);
    /* an underrun is not an error: host status 0; the residual opcodes
     * report the residual in the data length */
    r10[8] = 1;
    done = scsi(f, 0, 0, r10, 10, 4096, 2, 1);
    assert_int_equal(done.comp, EMK_BUSLOGIC_COMP_GOOD);
    assert_int_equal(done.hs, EMK_BUSLOGIC_HS_OK);
    assert_int_equal(done.resid, 4096 - 512);
    done = scsi(f, 0, 0, r10, 10, 4096, 0, 1);
    assert_int_equal(done.resid, 4096 - 512);
    done = scsi(f, 0, 0, r10, 10, 4096, 0, 0);
    assert_int_equal(done.comp, EMK_BUSLOGIC_COMP_GOOD);
    assert_int_equal(done.hs, EMK_BUSLOGIC_HS_OK);
    /* an overrun (the target wants more than the buffer) is */
    r10[8] = 8;
    done = scsi(f, 0, 0, r10, 10, 512, 1, 0);
    assert_int_equal(done.comp, EMK_BUSLOGIC_COMP_ERROR);
    assert_int_equal(done.hs, EMK_BUSLOGIC_HS_DATA_OVERRUN);
    /* an LBA out of range: CHECK CONDITION with its sense */
    emk_st_be32(r10 + 2, 5000);
    done = scsi(f, 0, 0, r10, 10, 4096, 1, 0);
    assert_int_equal(done.ts, EMK_SCSI_CHECK_CONDITION);
    assert_int_equal(done.sense[2], EMK_SCSI_KEY_ILLEGAL_REQUEST);
    assert_int_equal(done.sense[12], 0x21);
    /* the interrupt line followed: it is low again after the driver's
     * interrupt reset */
    assert_true(emk_tm_irq_raises(f->tm, LINE) >= 8);
    assert_int_equal(emk_tm_irq_level(f->tm, LINE), 0);
}

/* writes a raw CCB at gpa and starts it through the next mailbox */
static emk_buslogic_drv_done raw_ccb(fx *f, const uint8_t *ccb, unsigned len,
                                     uint32_t addr, uint8_t action)
{
    emk_buslogic_drv_done out[4];
    uint8_t *ob;
    int n, tries;

    if (ccb)
        memcpy(ram(f, addr, len), ccb, len);
    ob = ram(f, f->d.mbox + 8u * f->d.out_next, 8);
    emk_st_le32(ob, addr);
    ob[7] = action;
    if (++f->d.out_next >= f->d.nmbox)
        f->d.out_next = 0;
    outb(f, EMK_BUSLOGIC_REG_COMMAND, EMK_BUSLOGIC_CMD_EXEC_MBOX);
    for (tries = 0; tries < 50; tries++) {
        n = emk_buslogic_drv_poll(&f->d, out, 4, 100);
        if (n > 0) {
            assert_int_equal(n, 1);
            return out[0];
        }
    }
    fail_msg("no completion");
    return out[0];
}

/* autosense as Linux asks for it: SenseDataLength 96 at the CCB's sense
 * pointer gets the fixed sense and zeros up to byte 95, nothing after; 0
 * means 14 bytes, 1 none, more than 96 is held to 96; a sense pointer the
 * bus refuses is host status 0x1B (auto request sense failed) */
static void test_autosense(void **state)
{
    fx *f = (fx *)*state;
    uint32_t a = (uint32_t)f->buf + 65536, sp = a + 1024;
    uint8_t ccb[64], *sb = ram(f, sp, 128);
    emk_buslogic_drv_done done;
    unsigned i;

    memset(ccb, 0, sizeof(ccb));
    ccb[0] = EMK_BUSLOGIC_CCB_INITIATOR;
    ccb[2] = 6;
    ccb[3] = 96;
    ccb[18] = EMK_SCSI_TEST_UNIT_READY;       /* meets the power-on attention */
    emk_st_le32(ccb + 36, sp);
    memset(sb, 0xaa, 128);
    done = raw_ccb(f, ccb, 64, a, EMK_BUSLOGIC_ACTION_START);
    assert_int_equal(done.comp, EMK_BUSLOGIC_COMP_ERROR);
    assert_int_equal(done.hs, EMK_BUSLOGIC_HS_OK);
    assert_int_equal(done.ts, EMK_SCSI_CHECK_CONDITION);
    assert_int_equal(sb[0], 0x70);
    assert_int_equal(sb[2], EMK_SCSI_KEY_UNIT_ATTENTION);
    assert_int_equal(sb[7], 10);
    assert_int_equal(sb[12], 0x29);
    for (i = 18; i < 96; i++)
        assert_int_equal(sb[i], 0);
    for (i = 96; i < 128; i++)
        assert_int_equal(sb[i], 0xaa);
    /* a READ(10) past the end of the 1 MiB disk, with each length */
    memset(ccb + 18, 0, 12);
    ccb[2] = 10;
    ccb[18] = EMK_SCSI_READ_10;
    ccb[22] = 0x08;                           /* LBA 2048 */
    ccb[25] = 1;
    emk_st_le32(ccb + 4, 512);
    emk_st_le32(ccb + 8, (uint32_t)f->buf);
    ccb[3] = 0;                               /* 14 bytes */
    memset(sb, 0xaa, 128);
    done = raw_ccb(f, ccb, 64, a, EMK_BUSLOGIC_ACTION_START);
    assert_int_equal(done.ts, EMK_SCSI_CHECK_CONDITION);
    assert_int_equal(sb[2], EMK_SCSI_KEY_ILLEGAL_REQUEST);
    assert_int_equal(sb[12], 0x21);
    assert_int_equal(sb[13], 0x00);
    assert_int_equal(sb[14], 0xaa);
    ccb[3] = 1;                               /* no autosense */
    memset(sb, 0xaa, 128);
    done = raw_ccb(f, ccb, 64, a, EMK_BUSLOGIC_ACTION_START);
    assert_int_equal(done.ts, EMK_SCSI_CHECK_CONDITION);
    for (i = 0; i < 128; i++)
        assert_int_equal(sb[i], 0xaa);
    ccb[3] = 200;                             /* more than the adapter's 96 */
    done = raw_ccb(f, ccb, 64, a, EMK_BUSLOGIC_ACTION_START);
    assert_int_equal(sb[12], 0x21);
    assert_int_equal(sb[95], 0);
    assert_int_equal(sb[96], 0xaa);
    /* the guest driver's CCBs ask for 96 and it reads them all back */
    {
        static const uint8_t rd[10] = { EMK_SCSI_READ_10, 0, 0, 0, 0x08, 0, 0, 0, 1, 0 };
        emk_buslogic_drv_done d2 = scsi(f, 0, 0, rd, 10, 512, 0, 0);

        assert_int_equal(d2.sense[12], 0x21);
        for (i = 18; i < EMK_BUSLOGIC_SENSE_MAX; i++)
            assert_int_equal(d2.sense[i], 0);
    }
    /* sense pointer outside guest RAM */
    ccb[3] = 96;
    emk_st_le32(ccb + 36, RAM + 0x1000);
    done = raw_ccb(f, ccb, 64, a, EMK_BUSLOGIC_ACTION_START);
    assert_int_equal(done.hs, 0x1b);
    assert_int_equal(done.ts, EMK_SCSI_CHECK_CONDITION);
}

static void test_bad_ccbs(void **state)
{
    fx *f = (fx *)*state;
    uint32_t a = (uint32_t)f->buf + 65536;
    uint8_t ccb[80];
    emk_buslogic_drv_done done;
    emk_buslogic_stats s;

    {
        static const uint8_t tur[6] = { EMK_SCSI_TEST_UNIT_READY };
        (void)scsi(f, 0, 0, tur, 6, 0, 0, 0);   /* power-on attention */
    }
    memset(ccb, 0, sizeof(ccb));
    ccb[2] = 6;
    ccb[3] = 1;                         /* no autosense */
    ccb[18] = EMK_SCSI_TEST_UNIT_READY;
    /* a CCB outside guest RAM */
    done = raw_ccb(f, NULL, 0, RAM + 0x1000, EMK_BUSLOGIC_ACTION_START);
    assert_int_equal(done.comp, EMK_BUSLOGIC_COMP_ERROR);
    assert_int_equal(done.hs, EMK_BUSLOGIC_HS_INVALID_PARAM);
    /* an unknown CCB opcode */
    ccb[0] = 0x07;
    done = raw_ccb(f, ccb, 64, a, EMK_BUSLOGIC_ACTION_START);
    assert_int_equal(done.hs, EMK_BUSLOGIC_HS_INVALID_OPCODE);
    assert_int_equal(ram(f, a + 14, 1)[0], EMK_BUSLOGIC_HS_INVALID_OPCODE);
    /* a CDB length of 0 and of 13 */
    ccb[0] = EMK_BUSLOGIC_CCB_INITIATOR;
    ccb[2] = 0;
    assert_int_equal(raw_ccb(f, ccb, 64, a, 1).hs, EMK_BUSLOGIC_HS_INVALID_PARAM);
    ccb[2] = 13;
    assert_int_equal(raw_ccb(f, ccb, 64, a, 1).hs, EMK_BUSLOGIC_HS_INVALID_PARAM);
    ccb[2] = 6;
    /* a target without devices, the adapter's own id, an id > 15 */
    ccb[16] = 5;
    assert_int_equal(raw_ccb(f, ccb, 64, a, 1).hs, EMK_BUSLOGIC_HS_SELECT_TIMEOUT);
    ccb[16] = 7;
    assert_int_equal(raw_ccb(f, ccb, 64, a, 1).hs, EMK_BUSLOGIC_HS_SELECT_TIMEOUT);
    ccb[16] = 16;
    assert_int_equal(raw_ccb(f, ccb, 64, a, 1).hs, EMK_BUSLOGIC_HS_INVALID_PARAM);
    ccb[16] = 0;
    /* an SG list outside RAM, of a length no multiple of 8, too long */
    ccb[0] = EMK_BUSLOGIC_CCB_INITIATOR_SG;
    ccb[1] = 1 << 3;
    ccb[2] = 10;
    ccb[18] = EMK_SCSI_READ_10;
    ccb[26] = 1;
    emk_st_le32(ccb + 4, 8);
    emk_st_le32(ccb + 8, RAM + 64);
    assert_int_equal(raw_ccb(f, ccb, 64, a, 1).hs, EMK_BUSLOGIC_HS_INVALID_PARAM);
    emk_st_le32(ccb + 4, 12);
    emk_st_le32(ccb + 8, a + 64);
    assert_int_equal(raw_ccb(f, ccb, 64, a, 1).hs, EMK_BUSLOGIC_HS_INVALID_PARAM);
    emk_st_le32(ccb + 4, 8 * (EMK_BUSLOGIC_SG_MAX + 1));
    assert_int_equal(raw_ccb(f, ccb, 64, a, 1).hs, EMK_BUSLOGIC_HS_INVALID_PARAM);
    /* an SG segment pointing outside RAM: the data DMA fails */
    emk_st_le32(ccb + 4, 8);
    emk_st_le32(ccb + 8, a + 64);
    emk_st_le32(ccb + 64, 512);
    emk_st_le32(ccb + 68, RAM - 256);
    ccb[3] = 1;
    done = raw_ccb(f, ccb, 72, a, 1);
    assert_int_equal(done.hs, EMK_BUSLOGIC_HS_INVALID_PARAM);
    /* a good one through the same CCB, to show nothing is stuck */
    emk_st_le32(ccb + 68, (uint32_t)f->buf);
    ccb[2] = 6;
    ccb[18] = EMK_SCSI_INQUIRY;
    ccb[22] = 36;
    emk_st_le32(ccb + 64, 36);
    done = raw_ccb(f, ccb, 72, a, 1);
    assert_int_equal(done.comp, EMK_BUSLOGIC_COMP_GOOD);
    /* an invalid mailbox action, an abort of nothing */
    done = raw_ccb(f, NULL, 0, a, 0x07);
    assert_int_equal(done.hs, EMK_BUSLOGIC_HS_INVALID_ACTION);
    done = raw_ccb(f, NULL, 0, a, EMK_BUSLOGIC_ACTION_ABORT);
    assert_int_equal(done.comp, EMK_BUSLOGIC_COMP_NOT_FOUND);
    emk_buslogic_stats_get(&f->bl, &s);
    assert_true(s.ccb_errors >= 11);
    assert_int_equal(emk_buslogic_busy(&f->bl), 0);
}

static void test_bus_device_reset(void **state)
{
    fx *f = (fx *)*state;
    static const uint8_t tur[6] = { EMK_SCSI_TEST_UNIT_READY };
    uint32_t a = (uint32_t)f->buf + 65536;
    uint8_t ccb[64];
    emk_buslogic_drv_done done;

    (void)scsi(f, 3, 0, tur, 6, 0, 0, 0);        /* power-on attention */
    assert_int_equal(scsi(f, 3, 0, tur, 6, 0, 0, 0).comp, EMK_BUSLOGIC_COMP_GOOD);
    memset(ccb, 0, sizeof(ccb));
    ccb[0] = EMK_BUSLOGIC_CCB_BUS_DEVICE_RESET;
    ccb[16] = 3;
    done = raw_ccb(f, ccb, 64, a, 1);
    assert_int_equal(done.comp, EMK_BUSLOGIC_COMP_GOOD);
    done = scsi(f, 3, 0, tur, 6, 0, 0, 0);
    assert_int_equal(done.ts, EMK_SCSI_CHECK_CONDITION);
    assert_int_equal(done.sense[12], 0x29);
    assert_int_equal(done.sense[13], 0x03);
}

static void test_queue_depth(void **state)
{
    fx *f = (fx *)*state;
    emk_buslogic_drv_cmd c;
    emk_buslogic_drv_done out[64];
    int tags[32], i, n = 0, tries;
    emk_buslogic_stats s;

    memset(&c, 0, sizeof(c));
    c.cdb[0] = EMK_SCSI_READ_10;
    c.cdb[8] = 1;
    c.cdb_len = 10;
    c.len = 512;
    c.nseg = 1;
    {
        static const uint8_t tur[6] = { EMK_SCSI_TEST_UNIT_READY };
        (void)scsi(f, 0, 0, tur, 6, 0, 0, 0);
    }
    for (i = 0; i < 32; i++) {
        c.cdb[5] = (uint8_t)i;
        c.buf = f->buf + 512u * (unsigned)i;
        tags[i] = emk_buslogic_drv_start(&f->d, &c);
        assert_true(tags[i] >= 0);
    }
    for (tries = 0; tries < 100 && n < 32; tries++)
        n += emk_buslogic_drv_poll(&f->d, out + n, (unsigned)(64 - n), 100);
    assert_int_equal(n, 32);
    for (i = 0; i < 32; i++)
        assert_int_equal(out[i].comp, EMK_BUSLOGIC_COMP_GOOD);
    emk_buslogic_stats_get(&f->bl, &s);
    assert_true(s.completions >= 33);
}

/* 4 mailboxes: 8 commands, the second four wait for free inboxes */
static void test_full_inbox(void **state)
{
    fx *f = (fx *)*state;
    emk_buslogic_drv_cmd c;
    emk_buslogic_drv_done out[16];
    emk_buslogic_stats s;
    int i, n = 0, tries;

    assert_int_equal(emk_buslogic_drv_init(&f->d, f->tm, PORT, 4), 0);
    memset(&c, 0, sizeof(c));
    c.cdb[0] = EMK_SCSI_INQUIRY;
    c.cdb[4] = 36;
    c.cdb_len = 6;
    c.buf = f->buf;
    c.len = 36;
    for (i = 0; i < 4; i++)
        assert_true(emk_buslogic_drv_start(&f->d, &c) >= 0);
    emk_tm_run_pending(f->tm, 100);
    for (i = 0; i < 4; i++)
        assert_true(emk_buslogic_drv_start(&f->d, &c) >= 0);
    emk_tm_run_pending(f->tm, 100);
    emk_buslogic_stats_get(&f->bl, &s);
    assert_int_equal(s.completions, 4);
    assert_true(s.inbox_full >= 1);
    /* the driver frees the first four after its interrupt reset, so the
     * adapter finds them free on its retry (1 ms of virtual time) */
    for (tries = 0; tries < 100 && n < 8; tries++) {
        n += emk_buslogic_drv_poll(&f->d, out + n, (unsigned)(16 - n), 10);
        emk_tm_advance(f->tm, 2000000);
    }
    assert_int_equal(n, 8);
    for (i = 0; i < 8; i++)
        assert_int_equal(out[i].comp, EMK_BUSLOGIC_COMP_GOOD);
}

/* a soft reset while a request is in the block layer: the completion is
 * dropped, no incoming mailbox is written, and the adapter is usable */
static void test_reset_in_flight(void **state)
{
    fx *f = make(EMK_BLK_SYNC_POOL);
    emk_buslogic_drv_cmd c;
    emk_buslogic_stats s;
    uint8_t zero[16 * 32];
    int i;

    *state = f;
    assert_int_equal(emk_buslogic_drv_init(&f->d, f->tm, PORT, 32), 0);
    memset(&c, 0, sizeof(c));
    c.cdb[0] = EMK_SCSI_READ_10;
    c.cdb[8] = 64;
    c.cdb_len = 10;
    c.buf = f->buf;
    c.len = 32768;
    c.nseg = 2;
    /* past the power-on attention first */
    c.cdb[0] = EMK_SCSI_TEST_UNIT_READY;
    c.cdb_len = 6;
    c.len = 0;
    c.nseg = 0;
    {
        emk_buslogic_drv_done d0;
        assert_int_equal(emk_buslogic_drv_exec(&f->d, &c, &d0), 0);
    }
    c.cdb[0] = EMK_SCSI_READ_10;
    c.cdb_len = 10;
    c.len = 32768;
    c.nseg = 2;
    /* each execute-mailbox write starts its CCB at once; their block
     * completions wait for the loop, which does not run before the reset */
    for (i = 0; i < 4; i++)
        assert_true(emk_buslogic_drv_start(&f->d, &c) >= 0);
    assert_int_equal(emk_buslogic_busy(&f->bl), 4);
    outb(f, EMK_BUSLOGIC_REG_CONTROL, EMK_BUSLOGIC_CTRL_SOFT_RESET);
    wait_idle(f);
    assert_int_equal(emk_buslogic_busy(&f->bl), 0);
    emk_tm_run_pending(f->tm, 10);
    emk_buslogic_stats_get(&f->bl, &s);
    memset(zero, 0, sizeof(zero));
    /* whatever had not completed before the reset left no trace */
    assert_int_equal(s.completions, 1);
    assert_int_equal(s.dropped, 4);
    assert_memory_equal(ram(f, f->d.mbox + 8u * 32 + 8, 4 * 8), zero, 4 * 8);
    /* the reset's diagnostics, then re-initialise as Linux's host reset
     * does, and do I/O */
    assert_int_equal(inb(f, EMK_BUSLOGIC_REG_STATUS), EMK_BUSLOGIC_STAT_DIAG_ACTIVE);
    assert_int_equal(inb(f, EMK_BUSLOGIC_REG_STATUS),
                     EMK_BUSLOGIC_STAT_READY | EMK_BUSLOGIC_STAT_INIT_REQUIRED);
    assert_int_equal(emk_buslogic_drv_init(&f->d, f->tm, PORT, 32), 0);
    {
        emk_buslogic_drv_done d1;

        /* the driver's hard reset reset the bus: one unit attention */
        assert_int_equal(emk_buslogic_drv_exec(&f->d, &c, &d1), 0);
        assert_int_equal(d1.ts, EMK_SCSI_CHECK_CONDITION);
        assert_int_equal(d1.sense[12], 0x29);
        assert_int_equal(emk_buslogic_drv_exec(&f->d, &c, &d1), 0);
        assert_int_equal(d1.comp, EMK_BUSLOGIC_COMP_GOOD);
    }
}

/* starts the 24-bit CCB at ccb through outgoing mailbox ob and waits for
 * the incoming mailbox at in */
static uint8_t *start24(fx *f, uint8_t *ob, uint32_t ccb, uint32_t in)
{
    uint8_t *ib = ram(f, in, 4);
    int i;

    ob[1] = (uint8_t)(ccb >> 16);
    ob[2] = (uint8_t)(ccb >> 8);
    ob[3] = (uint8_t)ccb;
    ob[0] = EMK_BUSLOGIC_ACTION_START;
    outb(f, EMK_BUSLOGIC_REG_COMMAND, EMK_BUSLOGIC_CMD_EXEC_MBOX);
    for (i = 0; i < 100 && ib[0] == 0; i++)
        emk_tm_run_pending(f->tm, 10);
    return ib;
}

/* 24-bit mailboxes and CCBs, as DOS-era drivers use them */
static void test_mbox24(void **state)
{
    fx *f = (fx *)*state;
    uint32_t mb = 0x10000, ccb = 0x11000, data = 0x12000;
    uint8_t p[4], *c, *ob, *ib;
    emk_buslogic_drv d;

    memset(&d, 0, sizeof(d));
    d.tm = f->tm;
    d.io = PORT;
    memset(ram(f, mb, 64), 0, 64);
    p[0] = 4;
    p[1] = 0x01;                             /* 0x010000, big-endian */
    p[2] = 0x00;
    p[3] = 0x00;
    assert_int_equal(emk_buslogic_drv_command(&d, EMK_BUSLOGIC_CMD_INIT_MBOX, p, 4,
                                              NULL, 0), 0);
    c = ram(f, ccb, 64);
    memset(c, 0, 64);
    c[0] = EMK_BUSLOGIC_CCB_INITIATOR;
    c[1] = (uint8_t)(3 << 5 | 1 << 3 | 1);  /* target 3, data in, LUN 1 */
    c[2] = 6;
    c[3] = 14;
    c[6] = 36;                               /* length, big-endian 24 */
    c[7] = (uint8_t)(data >> 16);
    c[8] = (uint8_t)(data >> 8);
    c[9] = (uint8_t)data;
    c[18] = EMK_SCSI_INQUIRY;
    c[22] = 36;
    ob = ram(f, mb, 4);
    ib = start24(f, ob, ccb, mb + 16);
    assert_int_equal(ib[0], EMK_BUSLOGIC_COMP_GOOD);
    assert_int_equal((ib[1] << 16) | (ib[2] << 8) | ib[3], ccb);
    assert_int_equal(ob[0], EMK_BUSLOGIC_ACTION_FREE);
    assert_memory_equal(ram(f, data + 8, 5), "EMKIT", 5);
    assert_int_equal(inb(f, EMK_BUSLOGIC_REG_INTERRUPT),
                     EMK_BUSLOGIC_INT_VALID | EMK_BUSLOGIC_INT_MBOX_IN_LOADED);
    assert_int_equal(emk_tm_irq_level(f->tm, LINE), 1);
    outb(f, EMK_BUSLOGIC_REG_CONTROL, EMK_BUSLOGIC_CTRL_INT_RESET);
    assert_int_equal(emk_tm_irq_level(f->tm, LINE), 0);
    /* a TEST UNIT READY on target 0: the power-on attention lands in the
     * sense bytes after the CDB */
    c[1] = 0;
    c[3] = 14;
    c[6] = 0;
    c[18] = EMK_SCSI_TEST_UNIT_READY;
    c[22] = 0;
    ib = start24(f, ram(f, mb + 4, 4), ccb, mb + 20);
    assert_int_equal(ib[0], EMK_BUSLOGIC_COMP_ERROR);
    assert_int_equal(c[15], EMK_SCSI_CHECK_CONDITION);
    assert_int_equal(c[18 + 6 + 2], EMK_SCSI_KEY_UNIT_ATTENTION);
}

static void test_pci(void **state)
{
    emk_tm_config cfg = {0, 16u << 20, 0};
    emk_tm *tm;
    emk_pci_host host;
    emk_pci_seg segs[1];
    emk_pci_enum e;
    emk_pci_enum_seg es;
    emk_buslogic_pci p;
    emk_buslogic_drv d;
    emk_blk *blk;
    emk_scsi_lun lu;
    emk_buslogic_drv_cmd c;
    emk_buslogic_drv_done done;
    int idx;

    (void)state;
    tm = emk_tm_new(&cfg, NULL);
    assert_non_null(tm);
    blk = emk_blk_open("ram:1M", 0, NULL);
    assert_int_equal(emk_scsi_disk_init(&lu, blk, NULL), 0);
    emk_pci_host_init(&host, emk_tm_bus(tm), segs, 1);
    assert_int_equal(emk_pci_host_add_segment(&host, 0, ECAM, 0, 1), 0);
    assert_int_equal(emk_buslogic_pci_init(&p, emk_tm_bus(tm), NULL, NULL), 0);
    assert_int_equal(emk_buslogic_attach(&p.bl, 0, 0, &lu), 0);
    assert_int_equal(emk_pci_seg_attach(&segs[0], &p.fn, 3 << 3), 0);
    es.segment = 0;
    es.ecam_base = ECAM;
    es.bus_start = 0;
    es.bus_end = 1;
    assert_int_equal(emk_pci_enum_init(&e, tm, &es, 1, 0x80000000ull, 0x90000000ull,
                                       0x100000000ull, 0x200000000ull,
                                       0x1000, 0x2000), 0);
    assert_true(emk_pci_enum_run(&e) >= 1);
    idx = emk_pci_enum_find(&e, EMK_BUSLOGIC_PCI_VENDOR, EMK_BUSLOGIC_PCI_DEVICE, 0);
    assert_true(idx >= 0);
    assert_int_equal(e.fns[idx].class_code, EMK_BUSLOGIC_PCI_CLASS);
    assert_int_equal(e.fns[idx].bar_size[0], EMK_BUSLOGIC_IO_SIZE);
    assert_int_equal(e.fns[idx].bar_size[1], EMK_BUSLOGIC_MMIO_SIZE);
    assert_true(e.fns[idx].bar_addr[0] >= 0x1000 && e.fns[idx].bar_addr[0] < 0x2000);
    assert_int_equal(emk_buslogic_drv_init(&d, tm, e.fns[idx].bar_addr[0], 16), 0);
    assert_string_equal(d.model, "BT-958");
    memset(&c, 0, sizeof(c));
    c.cdb[0] = EMK_SCSI_TEST_UNIT_READY;
    c.cdb_len = 6;
    assert_int_equal(emk_buslogic_drv_exec(&d, &c, &done), 0);
    assert_int_equal(done.sense[2], EMK_SCSI_KEY_UNIT_ATTENTION);
    /* the memory BAR reaches the same registers */
    {
        uint64_t v = 0;
        assert_int_equal(emk_tm_mmio_read(tm, e.fns[idx].bar_addr[1] + 4, 1, &v), 0);
        assert_int_equal(v, EMK_BUSLOGIC_STAT_READY);
    }
    emk_buslogic_pci_cleanup(&p);
    emk_tm_run_pending(tm, 10);
    emk_blk_close(blk);
    emk_tm_free(tm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reset_and_probe, setup_raw, teardown),
        cmocka_unit_test_setup_teardown(test_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_io, setup, teardown),
        cmocka_unit_test_setup_teardown(test_autosense, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_ccbs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bus_device_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_inbox, setup, teardown),
        cmocka_unit_test_teardown(test_reset_in_flight, teardown),
        cmocka_unit_test_setup_teardown(test_mbox24, setup_raw, teardown),
        cmocka_unit_test(test_pci),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
