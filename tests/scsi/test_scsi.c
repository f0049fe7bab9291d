/* test_scsi.c - the SCSI core's disk LUN, driven as an HBA would drive it:
 * CDBs with guest buffers on the test machine, completion in its loop.
 * Checks data, lengths, residuals, sense keys and ASC/ASCQ of bad input,
 * unit attentions, mode pages, VPD pages, VERIFY, UNMAP and WRITE SAME. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/scsi.h"
#include "emkit/testmachine.h"

#include "compat.h"

enum { RAM = 8 << 20, DISK = 1 << 20, BLOCKS = DISK / 512 };

typedef struct fx {
    emk_tm *tm;
    emk_dev hba;
    emk_blk *blk, *blk2;
    emk_scsi_lun lu, lu2;
    emk_scsi_target t;
    emk_scsi_req req;
    emk_sg_entry seg[8];
    emk_sglist sgl;
    uint64_t buf;          /* 256 KiB of guest RAM */
    int done;
} fx;

static void on_done(emk_scsi_req *req)
{
    ((fx *)req->opaque)->done++;
}

static int setup(void **state)
{
    static fx f;
    emk_tm_config cfg = {0, RAM, 0};
    emk_scsi_disk_options o;

    memset(&f, 0, sizeof(f));
    f.tm = emk_tm_new(&cfg, NULL);
    assert_non_null(f.tm);
    emk_dev_init(&f.hba, "hba", emk_tm_bus(f.tm), NULL);
    f.blk = emk_blk_open("ram:1M", 0, NULL);
    f.blk2 = emk_blk_open("ram:64K", EMK_BLK_RDONLY, NULL);
    assert_non_null(f.blk);
    assert_non_null(f.blk2);
    memset(&o, 0, sizeof(o));
    o.serial = "SER123";
    assert_int_equal(emk_scsi_disk_init(&f.lu, f.blk, &o), 0);
    assert_int_equal(emk_scsi_disk_init(&f.lu2, f.blk2, NULL), 0);
    emk_scsi_target_init(&f.t, 2);
    assert_int_equal(emk_scsi_target_attach(&f.t, 0, &f.lu), 0);
    assert_int_equal(emk_scsi_target_attach(&f.t, 3, &f.lu2), 0);
    assert_int_equal(emk_scsi_target_attach(&f.t, 3, &f.lu2), -EBUSY);
    f.buf = emk_tm_alloc(f.tm, 256 << 10, 4096);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = (fx *)*state;

    emk_tm_run_pending(f->tm, 100);
    emk_blk_close(f->blk);
    emk_blk_close(f->blk2);
    emk_tm_free(f->tm);
    return 0;
}

static uint8_t *ram(fx *f, uint64_t off, uint64_t len)
{
    return (uint8_t *)emk_tm_ram(f->tm, f->buf + off, len);
}

/* runs a command on lun with a buffer of len bytes at f->buf split in
 * nseg pieces (0: no buffer) */
static emk_scsi_req *run(fx *f, unsigned lun, const uint8_t *cdb,
                         unsigned cdb_len, uint64_t len, unsigned nseg)
{
    unsigned i;

    memset(&f->req, 0, sizeof(f->req));
    memcpy(f->req.cdb, cdb, cdb_len);
    f->req.cdb_len = cdb_len;
    f->req.lun = lun;
    f->req.dev = &f->hba;
    f->req.loop = emk_tm_loop(f->tm);
    f->req.done = on_done;
    f->req.opaque = f;
    emk_sglist_init(&f->sgl, f->seg, 8);
    for (i = 0; i < nseg; i++) {
        /* pieces 4 KiB apart so they do not merge */
        uint64_t per = len / nseg;
        assert_int_equal(emk_sglist_add(&f->sgl, f->buf + i * (per + 4096),
                                        i + 1 == nseg ? len - per * i : per), 0);
    }
    f->req.data = nseg ? &f->sgl : NULL;
    f->done = 0;
    emk_scsi_submit(&f->t, &f->req);
    while (!f->done && emk_tm_run_pending(f->tm, 10) > 0)
        ;
    assert_int_equal(f->done, 1);
    return &f->req;
}

static void expect_sense(const emk_scsi_req *r, unsigned key, unsigned asc)
{
    assert_int_equal(r->status, EMK_SCSI_CHECK_CONDITION);
    assert_int_equal(r->sense_len, EMK_SCSI_SENSE_LEN);
    assert_int_equal(r->sense[0], 0x70);
    assert_int_equal(r->sense[2] & 0xf, key);
    assert_int_equal((r->sense[12] << 8) | r->sense[13], asc);
}

static void clear_ua(fx *f)
{
    static const uint8_t tur[6] = { EMK_SCSI_TEST_UNIT_READY };

    (void)run(f, 0, tur, 6, 0, 0);
    (void)run(f, 3, tur, 6, 0, 0);
}

static void test_unit_attention(void **state)
{
    fx *f = (fx *)*state;
    static const uint8_t tur[6] = { EMK_SCSI_TEST_UNIT_READY };
    uint8_t inq[6] = { EMK_SCSI_INQUIRY, 0, 0, 0, 36, 0 };
    uint8_t rs[6] = { EMK_SCSI_REQUEST_SENSE, 0, 0, 0, 18, 0 };
    emk_scsi_req *r;

    /* INQUIRY neither reports nor clears the power-on attention */
    r = run(f, 0, inq, 6, 36, 1);
    assert_int_equal(r->status, EMK_SCSI_GOOD);
    expect_sense(run(f, 0, tur, 6, 0, 0), EMK_SCSI_KEY_UNIT_ATTENTION,
                 EMK_SCSI_ASC_POWER_ON_RESET);
    assert_int_equal(run(f, 0, tur, 6, 0, 0)->status, EMK_SCSI_GOOD);
    /* a bus device reset: REQUEST SENSE returns it once */
    emk_scsi_target_reset(&f->t, EMK_SCSI_RESET_DEVICE);
    r = run(f, 0, rs, 6, 18, 1);
    assert_int_equal(r->status, EMK_SCSI_GOOD);
    assert_int_equal(r->xfer, 18);
    assert_int_equal(ram(f, 0, 18)[2], EMK_SCSI_KEY_UNIT_ATTENTION);
    assert_int_equal(ram(f, 0, 18)[12], 0x29);
    assert_int_equal(ram(f, 0, 18)[13], 0x03);
    r = run(f, 0, rs, 6, 18, 1);
    assert_int_equal(ram(f, 0, 18)[2], EMK_SCSI_KEY_NO_SENSE);
    assert_int_equal(run(f, 0, tur, 6, 0, 0)->status, EMK_SCSI_GOOD);
}

static void test_inquiry(void **state)
{
    fx *f = (fx *)*state;
    uint8_t cdb[6] = { EMK_SCSI_INQUIRY, 0, 0, 0, 36, 0 };
    emk_scsi_req *r;
    uint8_t *b;

    r = run(f, 0, cdb, 6, 36, 2);
    assert_int_equal(r->status, EMK_SCSI_GOOD);
    assert_int_equal(r->xfer, 36);
    /* two segments: bytes 0..17 at buf, 18..35 at buf + 18 + 4096 */
    b = ram(f, 0, 18);
    assert_int_equal(b[0], 0x00);
    assert_int_equal(b[7] & 0x02, 0x02);          /* CmdQue */
    assert_memory_equal(b + 8, "EMKIT   ", 8);
    /* allocation length 5: 5 bytes, the rest of the buffer untouched */
    memset(ram(f, 0, 64), 0xaa, 64);
    cdb[4] = 5;
    r = run(f, 0, cdb, 6, 64, 1);
    assert_int_equal(r->xfer, 5);
    assert_int_equal(ram(f, 0, 64)[5], 0xaa);
    /* a page code without EVPD */
    cdb[2] = 0x80;
    expect_sense(run(f, 0, cdb, 6, 64, 1), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_INVALID_FIELD_CDB);
}

static void test_vpd(void **state)
{
    fx *f = (fx *)*state;
    uint8_t cdb[6] = { EMK_SCSI_INQUIRY, 1, 0x00, 0, 255, 0 };
    static const uint8_t pages[] = { 0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2 };
    emk_scsi_req *r;
    uint8_t *b = ram(f, 0, 256);
    unsigned i;

    r = run(f, 0, cdb, 6, 255, 1);
    assert_int_equal(r->status, EMK_SCSI_GOOD);
    assert_int_equal(b[1], 0x00);
    assert_int_equal(b[3], sizeof(pages));
    assert_memory_equal(b + 4, pages, sizeof(pages));
    for (i = 1; i < sizeof(pages); i++) {
        cdb[2] = pages[i];
        r = run(f, 0, cdb, 6, 255, 1);
        assert_int_equal(r->status, EMK_SCSI_GOOD);
        assert_int_equal(b[1], pages[i]);
        assert_true(r->xfer > 4);
    }
    cdb[2] = 0x80;
    (void)run(f, 0, cdb, 6, 255, 1);
    assert_int_equal(b[3], 6);
    assert_memory_equal(b + 4, "SER123", 6);
    cdb[2] = 0xb0;
    (void)run(f, 0, cdb, 6, 255, 1);
    assert_int_equal(emk_be32(b + 8), EMK_SCSI_MAX_XFER_BLOCKS);
    cdb[2] = 0xb2;
    (void)run(f, 0, cdb, 6, 255, 1);
    assert_int_equal(b[5] & 0xe0, 0xe0);         /* LBPU, LBPWS, LBPWS10 */
    cdb[2] = 0x99;
    expect_sense(run(f, 0, cdb, 6, 255, 1), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_INVALID_FIELD_CDB);
}

static void test_capacity(void **state)
{
    fx *f = (fx *)*state;
    static const uint8_t rc10[10] = { EMK_SCSI_READ_CAPACITY_10 };
    uint8_t rc16[16] = { EMK_SCSI_SERVICE_ACTION_IN_16, 0x10 };
    uint8_t *b = ram(f, 0, 32);

    clear_ua(f);
    assert_int_equal(run(f, 0, rc10, 10, 8, 1)->status, EMK_SCSI_GOOD);
    assert_int_equal(emk_be32(b), BLOCKS - 1);
    assert_int_equal(emk_be32(b + 4), 512);
    rc16[13] = 32;
    assert_int_equal(run(f, 0, rc16, 16, 32, 1)->xfer, 32);
    assert_int_equal(emk_be64(b), BLOCKS - 1);
    assert_int_equal(b[14] & 0x80, 0x80);        /* LBPME */
    rc16[1] = 0x11;                              /* other service action */
    expect_sense(run(f, 0, rc16, 16, 32, 1), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_INVALID_FIELD_CDB);
}

static void test_read_write(void **state)
{
    fx *f = (fx *)*state;
    uint8_t w10[10] = { EMK_SCSI_WRITE_10, 0, 0, 0, 0, 10, 0, 0, 8, 0 };
    uint8_t r16[16] = { EMK_SCSI_READ_16 };
    uint8_t w6[6] = { EMK_SCSI_WRITE_6, 0, 0, 20, 1, 0 };
    uint8_t r12[12] = { EMK_SCSI_READ_12, 0, 0, 0, 0, 20, 0, 0, 0, 1 };
    uint8_t *disk = (uint8_t *)emk_blk_ram(f->blk), pat[4096];
    emk_scsi_req *r;
    unsigned i;

    clear_ua(f);
    for (i = 0; i < sizeof(pat); i++)
        pat[i] = (uint8_t)(i * 7 + 3);
    /* 8 blocks from 2 pieces */
    memcpy(ram(f, 0, 2048), pat, 2048);
    memcpy(ram(f, 2048 + 4096, 2048), pat + 2048, 2048);
    r = run(f, 0, w10, 10, 4096, 2);
    assert_int_equal(r->status, EMK_SCSI_GOOD);
    assert_int_equal(r->xfer, 4096);
    assert_memory_equal(disk + 10 * 512, pat, 4096);
    /* read them back with READ(16) into 4 pieces */
    memset(ram(f, 0, 64 << 10), 0, 64 << 10);
    r16[9] = 10;
    r16[13] = 8;
    r = run(f, 0, r16, 16, 4096, 4);
    assert_int_equal(r->xfer, 4096);
    for (i = 0; i < 4; i++)
        assert_memory_equal(ram(f, i * (1024 + 4096), 1024), pat + i * 1024, 1024);
    /* READ/WRITE(6) and (12), a buffer larger than needed: underrun */
    memcpy(ram(f, 0, 512), pat + 100, 512);
    assert_int_equal(run(f, 0, w6, 6, 512, 1)->status, EMK_SCSI_GOOD);
    memset(ram(f, 0, 512), 0, 512);
    r = run(f, 0, r12, 12, 4096, 1);
    assert_int_equal(r->status, EMK_SCSI_GOOD);
    assert_int_equal(r->xfer, 512);
    assert_memory_equal(ram(f, 0, 512), pat + 100, 512);
    /* a buffer too short: overrun, nothing moved */
    r16[13] = 4;
    r = run(f, 0, r16, 16, 512, 1);
    assert_int_equal(r->overrun, 1);
    assert_int_equal(r->xfer, 0);
    /* transfer length 0: nothing, GOOD */
    w10[8] = 0;
    assert_int_equal(run(f, 0, w10, 10, 0, 0)->status, EMK_SCSI_GOOD);
}

static void test_bad_input(void **state)
{
    fx *f = (fx *)*state;
    uint8_t r10[10] = { EMK_SCSI_READ_10 };
    static const uint8_t bad_op[10] = { 0x3c };
    static const uint8_t tur[6] = { EMK_SCSI_TEST_UNIT_READY };
    uint8_t w10[10] = { EMK_SCSI_WRITE_10, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
    uint8_t inq[6] = { EMK_SCSI_INQUIRY, 0, 0, 0, 36, 0 };
    emk_scsi_req *r;

    clear_ua(f);
    /* the last block, then one past it, then a range crossing the end */
    emk_st_be32(r10 + 2, BLOCKS - 1);
    r10[8] = 1;
    assert_int_equal(run(f, 0, r10, 10, 512, 1)->status, EMK_SCSI_GOOD);
    emk_st_be32(r10 + 2, BLOCKS);
    expect_sense(run(f, 0, r10, 10, 512, 1), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_LBA_OUT_OF_RANGE);
    emk_st_be32(r10 + 2, BLOCKS - 1);
    r10[8] = 2;
    expect_sense(run(f, 0, r10, 10, 1024, 1), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_LBA_OUT_OF_RANGE);
    emk_st_be32(r10 + 2, 0xffffffffu);
    expect_sense(run(f, 0, r10, 10, 1024, 1), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_LBA_OUT_OF_RANGE);
    /* unknown opcode, a CDB shorter than its group */
    expect_sense(run(f, 0, bad_op, 10, 0, 0), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_INVALID_OPCODE);
    expect_sense(run(f, 0, r10, 6, 0, 0), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_INVALID_OPCODE);
    /* an absent LUN: INQUIRY says so, anything else is refused */
    r = run(f, 5, inq, 6, 36, 1);
    assert_int_equal(r->status, EMK_SCSI_GOOD);
    assert_int_equal(ram(f, 0, 1)[0], 0x7f);
    expect_sense(run(f, 5, tur, 6, 0, 0), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_LUN_NOT_SUPPORTED);
    expect_sense(run(f, 40, tur, 6, 0, 0), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_LUN_NOT_SUPPORTED);
    /* a read-only backend */
    expect_sense(run(f, 3, w10, 10, 512, 1), EMK_SCSI_KEY_DATA_PROTECT,
                 EMK_SCSI_ASC_WRITE_PROTECTED);
    /* a guest buffer outside RAM: the bus refuses, the HBA is told */
    memset(&f->req, 0, sizeof(f->req));
    memcpy(f->req.cdb, r10, 10);
    emk_st_be32(f->req.cdb + 2, 0);
    f->req.cdb[8] = 1;
    f->req.cdb_len = 10;
    f->req.dev = &f->hba;
    f->req.loop = emk_tm_loop(f->tm);
    f->req.done = on_done;
    f->req.opaque = f;
    emk_sglist_init(&f->sgl, f->seg, 8);
    assert_int_equal(emk_sglist_add(&f->sgl, (uint64_t)RAM + 4096, 512), 0);
    f->req.data = &f->sgl;
    f->done = 0;
    emk_scsi_submit(&f->t, &f->req);
    while (!f->done && emk_tm_run_pending(f->tm, 10) > 0)
        ;
    assert_int_equal(f->done, 1);
    assert_true(f->req.dma_error < 0);
}

static void test_mode_pages(void **state)
{
    fx *f = (fx *)*state;
    uint8_t ms6[6] = { EMK_SCSI_MODE_SENSE_6, 0x08, 0x08, 0, 255, 0 };
    uint8_t ms10[10] = { EMK_SCSI_MODE_SENSE_10, 0, 0x3f, 0, 0, 0, 0, 1, 0, 0 };
    uint8_t sel[6] = { EMK_SCSI_MODE_SELECT_6, 0x10, 0, 0, 24, 0 };
    uint8_t *b = ram(f, 0, 256);
    emk_scsi_req *r;

    clear_ua(f);
    r = run(f, 0, ms6, 6, 255, 1);       /* DBD, caching page */
    assert_int_equal(r->status, EMK_SCSI_GOOD);
    assert_int_equal(b[3], 0);           /* no block descriptor */
    assert_int_equal(b[4] & 0x3f, 0x08);
    assert_int_equal(b[6] & 0x04, 0);    /* WCE off */
    /* turn WCE on */
    memset(b, 0, 24);
    b[4] = 0x08;
    b[5] = 0x12;
    b[6] = 0x04;
    assert_int_equal(run(f, 0, sel, 6, 24, 1)->status, EMK_SCSI_GOOD);
    (void)run(f, 0, ms6, 6, 255, 1);
    assert_int_equal(b[6] & 0x04, 0x04);
    /* changing what is not changeable */
    memset(b, 0, 24);
    b[4] = 0x08;
    b[5] = 0x12;
    b[6] = 0x04 | 0x01;                  /* RCD */
    expect_sense(run(f, 0, sel, 6, 24, 1), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_INVALID_FIELD_PARAM);
    /* all pages with a block descriptor: format, caching, control */
    r = run(f, 0, ms10, 10, 256, 1);
    assert_int_equal(r->status, EMK_SCSI_GOOD);
    assert_int_equal(emk_be16(b + 6), 8);
    assert_int_equal(emk_be32(b + 8), BLOCKS);
    assert_int_equal(r->xfer, 8 + 8 + 24 + 20 + 12);
    assert_int_equal(b[16] & 0x3f, 0x03);
    assert_int_equal(b[40] & 0x3f, 0x08);
    assert_int_equal(b[60] & 0x3f, 0x0a);
    /* saved values and an unknown page */
    ms6[2] = 0xc8;
    expect_sense(run(f, 0, ms6, 6, 255, 1), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_SAVING_NOT_SUPPORTED);
    ms6[2] = 0x19;
    expect_sense(run(f, 0, ms6, 6, 255, 1), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_INVALID_FIELD_CDB);
}

static void test_report_luns(void **state)
{
    fx *f = (fx *)*state;
    uint8_t cdb[12] = { EMK_SCSI_REPORT_LUNS, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
    uint8_t *b = ram(f, 0, 64);
    emk_scsi_req *r;

    r = run(f, 0, cdb, 12, 256, 1);
    assert_int_equal(r->status, EMK_SCSI_GOOD);
    assert_int_equal(emk_be32(b), 16);
    assert_int_equal(b[9], 0);
    assert_int_equal(b[17], 3);
    cdb[8] = 0;
    cdb[9] = 8;
    expect_sense(run(f, 0, cdb, 12, 256, 1), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_INVALID_FIELD_CDB);
}

static void test_verify(void **state)
{
    fx *f = (fx *)*state;
    uint8_t v10[10] = { EMK_SCSI_VERIFY_10, 0x02, 0, 0, 0, 40, 0, 0, 2, 0 };
    uint8_t *disk = (uint8_t *)emk_blk_ram(f->blk);

    clear_ua(f);
    memset(disk + 40 * 512, 0x5a, 1024);
    memset(ram(f, 0, 1024), 0x5a, 1024);
    assert_int_equal(run(f, 0, v10, 10, 1024, 1)->status, EMK_SCSI_GOOD);
    ram(f, 0, 1024)[700] = 0;
    expect_sense(run(f, 0, v10, 10, 1024, 1), EMK_SCSI_KEY_MISCOMPARE,
                 EMK_SCSI_ASC_MISCOMPARE);
    v10[1] = 0x06;                      /* BYTCHK 3: one block for all */
    assert_int_equal(run(f, 0, v10, 10, 512, 1)->status, EMK_SCSI_GOOD);
    v10[1] = 0x04;                      /* BYTCHK 2: reserved */
    expect_sense(run(f, 0, v10, 10, 512, 1), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_INVALID_FIELD_CDB);
}

static void test_unmap_write_same(void **state)
{
    fx *f = (fx *)*state;
    uint8_t ws10[10] = { EMK_SCSI_WRITE_SAME_10, 0, 0, 0, 0, 60, 0, 0, 3, 0 };
    uint8_t um[10] = { EMK_SCSI_UNMAP, 0, 0, 0, 0, 0, 0, 0, 24, 0 };
    uint8_t *disk = (uint8_t *)emk_blk_ram(f->blk), *b = ram(f, 0, 64);
    unsigned i;

    clear_ua(f);
    for (i = 0; i < 512; i++)
        b[i % 64] = (uint8_t)i;
    memset(ram(f, 0, 512), 0x33, 512);
    assert_int_equal(run(f, 0, ws10, 10, 512, 1)->status, EMK_SCSI_GOOD);
    for (i = 0; i < 3 * 512; i++)
        assert_int_equal(disk[60 * 512 + i], 0x33);
    assert_int_equal(disk[63 * 512], 0);
    /* zeros with the UNMAP bit */
    memset(ram(f, 0, 512), 0, 512);
    ws10[1] = 0x08;
    assert_int_equal(run(f, 0, ws10, 10, 512, 1)->status, EMK_SCSI_GOOD);
    for (i = 0; i < 3 * 512; i++)
        assert_int_equal(disk[60 * 512 + i], 0);
    /* UNMAP: one descriptor, then one beyond the end */
    memset(disk + 70 * 512, 0x77, 512);
    memset(b, 0, 24);
    b[1] = 22;
    b[3] = 16;
    b[15] = 70;
    b[19] = 1;
    assert_int_equal(run(f, 0, um, 10, 24, 1)->status, EMK_SCSI_GOOD);
    assert_int_equal(disk[70 * 512], 0);
    emk_st_be32(b + 8 + 4, BLOCKS);
    expect_sense(run(f, 0, um, 10, 24, 1), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_LBA_OUT_OF_RANGE);
    b[3] = 15;                           /* not a multiple of 16 */
    expect_sense(run(f, 0, um, 10, 24, 1), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_INVALID_FIELD_PARAM);
    um[8] = 4;                           /* shorter than the header */
    expect_sense(run(f, 0, um, 10, 24, 1), EMK_SCSI_KEY_ILLEGAL_REQUEST,
                 EMK_SCSI_ASC_PARAM_LIST_LENGTH);
}

static void test_cdb_xfer(void **state)
{
    static const uint8_t r10[10] = { EMK_SCSI_READ_10, 0, 0, 0, 0, 0, 0, 0, 4, 0 };
    static const uint8_t w6[6] = { EMK_SCSI_WRITE_6, 0, 0, 0, 0, 0 };
    static const uint8_t inq[6] = { EMK_SCSI_INQUIRY, 0, 0, 1, 2, 0 };
    uint64_t len;
    int out;

    (void)state;
    assert_int_equal(emk_scsi_cdb_xfer(r10, 10, 512, &len, &out), 0);
    assert_int_equal(len, 2048);
    assert_int_equal(out, 0);
    assert_int_equal(emk_scsi_cdb_xfer(w6, 6, 512, &len, &out), 0);
    assert_int_equal(len, 256 * 512);   /* WRITE(6) length 0 is 256 */
    assert_int_equal(out, 1);
    assert_int_equal(emk_scsi_cdb_xfer(inq, 6, 512, &len, &out), 0);
    assert_int_equal(len, 258);
    assert_int_equal(emk_scsi_cdb_xfer(r10, 6, 512, &len, &out), -EINVAL);
    assert_int_equal(emk_scsi_cdb_len(0xc0), 0);
    assert_int_equal(emk_scsi_cdb_len(0xa0), 12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unit_attention, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inquiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vpd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capacity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_luns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmap_write_same, setup, teardown),
        cmocka_unit_test(test_cdb_xfer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
