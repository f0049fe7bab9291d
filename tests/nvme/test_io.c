/*
 * test_io.c - the NVM command set: read/write on both LBA formats, PRP
 * and SGL edge cases, range and namespace errors, Write Zeroes, DSM,
 * Compare, Flush, backend faults, CQ-full backlog, reset and queue
 * deletion with I/O in flight.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>

#include "fixture.h"

#define SC(st) ((st) & 0x7ff)

static void put64(uint8_t *p, uint64_t v)
{
    int i;
    for (i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void sgl_desc(uint8_t *d, uint64_t addr, uint32_t len, uint8_t id)
{
    put64(d, addr);
    d[8] = (uint8_t)len; d[9] = (uint8_t)(len >> 8);
    d[10] = (uint8_t)(len >> 16); d[11] = (uint8_t)(len >> 24);
    d[12] = d[13] = d[14] = 0;
    d[15] = id;
}

static uint16_t rw(fx *f, uint8_t op, uint32_t nsid, uint64_t slba,
                   uint32_t nlb, uint64_t prp1, uint64_t prp2)
{
    uint8_t cmd[64];
    emk_nvme_cqe c;

    emk_nvme_cmd_rw(cmd, op, nsid, slba, nlb, prp1, prp2);
    return fx_io(f, cmd, &c);
}

static void test_rw_both_formats(void **state)
{
    fx f;
    emk_blk *b1, *b2;
    uint8_t *disk;

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 0);
    fx_pattern(&f, f.buf, 8192, 1);
    assert_int_equal(emk_nvme_drv_io(&f.d, &f.d.io[0], 0x01, 1, 100, 16, f.buf, 0), 0);
    b1 = emk_nvme_ns_blk(f.n, 1);
    disk = emk_blk_ram(b1);
    assert_memory_equal(disk + 100 * 512, fx_ram(&f, f.buf, 8192), 8192);
    memset(fx_ram(&f, f.buf2, 8192), 0, 8192);
    assert_int_equal(emk_nvme_drv_io(&f.d, &f.d.io[0], 0x02, 1, 100, 16, f.buf2, 0), 0);
    assert_memory_equal(fx_ram(&f, f.buf2, 8192), fx_ram(&f, f.buf, 8192), 8192);
    /* 4 KiB namespace, 64 KiB through a PRP list */
    fx_pattern(&f, f.buf, 65536, 2);
    assert_int_equal(emk_nvme_drv_io(&f.d, &f.d.io[0], 0x01, 2, 7, 16, f.buf,
                                     f.list), 0);
    b2 = emk_nvme_ns_blk(f.n, 2);
    assert_memory_equal((uint8_t *)emk_blk_ram(b2) + 7 * 4096,
                        fx_ram(&f, f.buf, 65536), 65536);
    fx_stop(&f);
}

static void test_prp_edges(void **state)
{
    fx f;
    uint8_t *disk, *list;
    uint64_t i, first_list;

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 0);
    disk = emk_blk_ram(emk_nvme_ns_blk(f.n, 1));
    /* PRP1 with an offset: 3 KiB in page 0 and 1 KiB in page 1 (PRP2) */
    fx_pattern(&f, f.buf + 1024, 4096, 3);
    assert_int_equal(rw(&f, 0x01, 1, 0, 8, f.buf + 1024, f.buf + 4096), 0);
    assert_memory_equal(disk, fx_ram(&f, f.buf + 1024, 4096), 4096);
    /* PRP1 not dword aligned */
    assert_int_equal(SC(rw(&f, 0x01, 1, 0, 8, f.buf + 2, f.buf + 4096)), 0x013);
    /* PRP2 data pointer not page aligned */
    assert_int_equal(SC(rw(&f, 0x01, 1, 0, 8, f.buf + 1024, f.buf + 4100)), 0x013);
    /* PRP list starting 16 bytes before the end of a list page: two
     * entries fit, the second chains to the next list page */
    first_list = f.list + FX_PAGE - 16;
    list = fx_ram(&f, f.list, 3 * FX_PAGE);
    put64(list + FX_PAGE - 16, f.buf + 4096);
    put64(list + FX_PAGE - 8, f.list + 2 * FX_PAGE);       /* chain */
    for (i = 0; i < 14; i++)
        put64(list + 2 * FX_PAGE + 8 * i, f.buf + 8192 + 4096 * i);
    fx_pattern(&f, f.buf, 16 * 4096, 4);
    assert_int_equal(rw(&f, 0x01, 1, 64, 128, f.buf, first_list), 0);
    assert_memory_equal(disk + 64 * 512, fx_ram(&f, f.buf, 65536), 65536);
    /* misaligned list entry */
    put64(list + 2 * FX_PAGE + 8 * 3, f.buf + 8192 + 4096 * 3 + 512);
    assert_int_equal(SC(rw(&f, 0x02, 1, 64, 128, f.buf, first_list)), 0x013);
    /* list pointer not qword aligned */
    assert_int_equal(SC(rw(&f, 0x02, 1, 64, 128, f.buf, f.list + 4)), 0x013);
    /* data outside guest RAM: Data Transfer Error, nothing corrupted */
    assert_int_equal(SC(rw(&f, 0x02, 1, 0, 8, 0x7ffff000ull, 0)), 0x004);
    assert_int_equal(SC(rw(&f, 0x01, 1, 0, 8, FX_BAR, 0)), 0x004);
    /* MDTS: 129 KiB */
    assert_int_equal(SC(rw(&f, 0x02, 1, 0, 258, f.buf, f.list)), 0x002);
    fx_stop(&f);
}

static uint16_t sgl_rw(fx *f, uint8_t op, uint64_t slba, uint32_t nlb,
                       const uint8_t sgl1[16])
{
    uint8_t cmd[64];
    emk_nvme_cqe c;

    emk_nvme_cmd_rw(cmd, op, 1, slba, nlb, 0, 0);
    cmd[1] = 0x40;                                 /* PSDT: SGL */
    memcpy(cmd + 24, sgl1, 16);
    return fx_io(f, cmd, &c);
}

static void test_sgl(void **state)
{
    fx f;
    uint8_t s1[16], *seg, *disk;

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 0);
    disk = emk_blk_ram(emk_nvme_ns_blk(f.n, 1));
    seg = fx_ram(&f, f.list, 3 * FX_PAGE);
    /* single data block */
    fx_pattern(&f, f.buf + 7, 2048, 5);
    sgl_desc(s1, f.buf + 7, 2048, 0x00);
    assert_int_equal(sgl_rw(&f, 0x01, 10, 4, s1), 0);
    assert_memory_equal(disk + 10 * 512, fx_ram(&f, f.buf + 7, 2048), 2048);
    /* segment (2 data blocks + last segment) -> last segment (1 block) */
    fx_pattern(&f, f.buf, 65536, 6);
    sgl_desc(seg, f.buf + 100, 1000, 0x00);
    sgl_desc(seg + 16, f.buf + 5000, 1048, 0x00);
    sgl_desc(seg + 32, f.list + FX_PAGE, 16, 0x30);
    sgl_desc(seg + FX_PAGE, f.buf + 9000, 2048, 0x00);
    sgl_desc(s1, f.list, 48, 0x20);
    assert_int_equal(sgl_rw(&f, 0x01, 20, 8, s1), 0);
    assert_memory_equal(disk + 20 * 512, fx_ram(&f, f.buf + 100, 1000), 1000);
    assert_memory_equal(disk + 20 * 512 + 1000, fx_ram(&f, f.buf + 5000, 1048), 1048);
    assert_memory_equal(disk + 20 * 512 + 2048, fx_ram(&f, f.buf + 9000, 2048), 2048);
    /* a read back through the same SGL */
    memset(fx_ram(&f, f.buf + 9000, 2048), 0, 2048);
    assert_int_equal(sgl_rw(&f, 0x02, 20, 8, s1), 0);
    assert_memory_equal(disk + 20 * 512 + 2048, fx_ram(&f, f.buf + 9000, 2048), 2048);
    /* too little data described */
    sgl_desc(s1, f.buf, 1024, 0x00);
    assert_int_equal(SC(sgl_rw(&f, 0x01, 0, 4, s1)), 0x00f);
    /* address subtype only */
    sgl_desc(s1, f.buf, 2048, 0x01);
    assert_int_equal(SC(sgl_rw(&f, 0x01, 0, 4, s1)), 0x011);
    /* bit bucket not supported, keyed data block invalid on PCIe */
    sgl_desc(s1, f.buf, 2048, 0x10);
    assert_int_equal(SC(sgl_rw(&f, 0x02, 0, 4, s1)), 0x011);
    sgl_desc(s1, f.buf, 2048, 0x40);
    assert_int_equal(SC(sgl_rw(&f, 0x02, 0, 4, s1)), 0x011);
    /* segment descriptor in the middle of a segment */
    sgl_desc(seg, f.list + FX_PAGE, 16, 0x30);
    sgl_desc(seg + 16, f.buf, 2048, 0x00);
    sgl_desc(s1, f.list, 32, 0x20);
    assert_int_equal(SC(sgl_rw(&f, 0x01, 0, 4, s1)), 0x00d);
    /* segment descriptor inside a last segment */
    sgl_desc(seg, f.buf, 1024, 0x00);
    sgl_desc(seg + 16, f.list + FX_PAGE, 16, 0x20);
    sgl_desc(s1, f.list, 32, 0x30);
    assert_int_equal(SC(sgl_rw(&f, 0x01, 0, 4, s1)), 0x00d);
    /* segment length not a multiple of 16, and zero */
    sgl_desc(s1, f.list, 20, 0x30);
    assert_int_equal(SC(sgl_rw(&f, 0x01, 0, 4, s1)), 0x00d);
    sgl_desc(s1, f.list, 0, 0x30);
    assert_int_equal(SC(sgl_rw(&f, 0x01, 0, 4, s1)), 0x00d);
    /* a segment that loops onto itself: bounded, rejected */
    sgl_desc(seg, f.list, 16, 0x20);
    sgl_desc(s1, f.list, 16, 0x20);
    assert_int_equal(SC(sgl_rw(&f, 0x01, 0, 4, s1)), 0x00e);
    fx_stop(&f);
}

static void test_errors(void **state)
{
    fx f;
    uint8_t cmd[64];
    emk_nvme_cqe c;

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 0);
    assert_int_equal(SC(rw(&f, 0x02, 1, 8191, 2, f.buf, 0)), 0x080);
    assert_int_equal(SC(rw(&f, 0x02, 1, ~0ull - 1, 4, f.buf, 0)), 0x080);
    assert_int_equal(SC(rw(&f, 0x02, 3, 0, 1, f.buf, 0)), 0x00b);
    assert_int_equal(SC(rw(&f, 0x02, 0, 0, 1, f.buf, 0)), 0x00b);
    assert_int_equal(SC(rw(&f, 0x7f, 1, 0, 1, f.buf, 0)), 0x001);
    emk_nvme_cmd_rw(cmd, 0x02, 1, 0, 1, f.buf, 0);
    cmd[1] = 0x01;                                  /* fused */
    assert_int_equal(SC(fx_io(&f, cmd, &c)), 0x002);
    cmd[1] = 0xc0;                                  /* PSDT reserved */
    assert_int_equal(SC(fx_io(&f, cmd, &c)), 0x002);
    /* backend read error */
    {
        emk_blk_fault fl;
        memset(&fl, 0, sizeof(fl));
        fl.op_mask = 1u << EMK_BLK_READ;
        fl.offset = 0;
        fl.len = 512;
        fl.err = EIO;
        fl.count = 1;
        emk_blk_set_fault(emk_nvme_ns_blk(f.n, 1), &fl);
        assert_int_equal(SC(rw(&f, 0x02, 1, 0, 1, f.buf, 0)), 0x281);
        assert_int_equal(rw(&f, 0x02, 1, 0, 1, f.buf, 0), 0);
    }
    fx_stop(&f);
}

static void test_zeroes_dsm_compare_flush(void **state)
{
    fx f;
    uint8_t cmd[64], *disk, *r;
    emk_nvme_cqe c;
    int i;

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 0);
    disk = emk_blk_ram(emk_nvme_ns_blk(f.n, 1));
    fx_pattern(&f, f.buf, 65536, 7);
    assert_int_equal(emk_nvme_drv_io(&f.d, &f.d.io[0], 0x01, 1, 0, 128, f.buf,
                                     f.list), 0);
    /* compare: equal, then different */
    {
        uint64_t p1, p2;
        assert_int_equal(emk_nvme_drv_prp(&f.d, f.buf, 65536, f.list, &p1, &p2), 0);
        emk_nvme_cmd_rw(cmd, 0x05, 1, 0, 128, p1, p2);
    }
    assert_int_equal(fx_io(&f, cmd, &c), 0);
    fx_ram(&f, f.buf, 65536)[40000] ^= 1;
    assert_int_equal(SC(fx_io(&f, cmd, &c)), 0x285);
    /* write zeroes on blocks 8..15 */
    emk_nvme_cmd_rw(cmd, 0x08, 1, 8, 8, 0, 0);
    assert_int_equal(fx_io(&f, cmd, &c), 0);
    for (i = 0; i < 8 * 512; i++)
        assert_int_equal(disk[8 * 512 + i], 0);
    assert_int_not_equal(disk[16 * 512] | disk[16 * 512 + 1] | disk[16 * 512 + 2], 0);
    /* DSM deallocate two ranges: 20..23 and 40..41 */
    r = fx_ram(&f, f.buf2, 32);
    memset(r, 0, 32);
    r[4] = 4; put64(r + 8, 20);
    r[16 + 4] = 2; put64(r + 16 + 8, 40);
    emk_nvme_cmd_init(cmd, 0x09, 1);
    emk_nvme_cmd_dptr(cmd, f.buf2, 0);
    emk_nvme_cmd_dw(cmd, 10, 1);
    emk_nvme_cmd_dw(cmd, 11, 0x4);
    assert_int_equal(fx_io(&f, cmd, &c), 0);
    memset(fx_ram(&f, f.buf2, 4 * 512), 0xaa, 4 * 512);
    assert_int_equal(rw(&f, 0x02, 1, 20, 4, f.buf2, 0), 0);
    for (i = 0; i < 4 * 512; i++)
        assert_int_equal(fx_ram(&f, f.buf2, 4096)[i], 0);
    /* DSM range out of bounds */
    r = fx_ram(&f, f.buf2, 16);
    memset(r, 0, 16);
    r[4] = 4; put64(r + 8, 8190);
    emk_nvme_cmd_init(cmd, 0x09, 1);
    emk_nvme_cmd_dptr(cmd, f.buf2, 0);
    emk_nvme_cmd_dw(cmd, 11, 0x4);
    assert_int_equal(SC(fx_io(&f, cmd, &c)), 0x080);
    /* flush one and all namespaces */
    emk_nvme_cmd_init(cmd, 0x00, 1);
    assert_int_equal(fx_io(&f, cmd, &c), 0);
    emk_nvme_cmd_init(cmd, 0x00, 0xffffffff);
    assert_int_equal(fx_io(&f, cmd, &c), 0);
    fx_stop(&f);
}

static void opt_small_cq(emk_nvme_options *o) { o->max_queue_entries = 64; }

static void test_cq_backlog(void **state)
{
    fx f;
    uint8_t cmd[64];
    uint64_t q;
    emk_nvme_cqe c;
    emk_nvme_drv_q sq, cq;
    int i, got = 0;
    (void)state;
    /* an SQ of 16 entries feeding a CQ of 4: completions wait for room */
    fx_start_drv(&f, opt_small_cq, 0, 1, 0);
    q = emk_tm_alloc(f.tm, 2 * FX_PAGE, FX_PAGE);
    memset(&cq, 0, sizeof(cq));
    cq.qid = 2; cq.size = 4; cq.phase = 1; cq.cq_gpa = q;
    cq.cq = fx_ram(&f, q, 64);
    memset(cq.cq, 0, 64);
    emk_nvme_cmd_init(cmd, 0x05, 0);
    emk_nvme_cmd_dptr(cmd, q, 0);
    emk_nvme_cmd_dw(cmd, 10, (3u << 16) | 2);
    emk_nvme_cmd_dw(cmd, 11, 1);                    /* no interrupts */
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    emk_nvme_cmd_init(cmd, 0x01, 0);
    emk_nvme_cmd_dptr(cmd, q + FX_PAGE, 0);
    emk_nvme_cmd_dw(cmd, 10, (15u << 16) | 2);
    emk_nvme_cmd_dw(cmd, 11, (2u << 16) | 1);
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    memset(&sq, 0, sizeof(sq));
    sq.qid = 2; sq.size = 16; sq.sq_gpa = q + FX_PAGE;
    sq.sq = fx_ram(&f, q + FX_PAGE, 1024);
    for (i = 0; i < 10; i++) {
        uint8_t *e = sq.sq + 64 * i;
        emk_nvme_cmd_rw(e, 0x02, 1, (uint64_t)i, 1, f.buf + 512 * (unsigned)i, 0);
        e[2] = (uint8_t)i;
    }
    fx_wr32(&f, 0x1000 + 8 * 2, 10);
    emk_tm_run_pending(f.tm, 1000);
    /* three fit (one slot stays empty); the rest wait */
    for (i = 0; i < 20 && got < 10; i++) {
        uint8_t *e = cq.cq + 16 * cq.cq_head;
        while (((e[14] | e[15] << 8) & 1) == cq.phase) {
            assert_int_equal(e[12], got);
            assert_int_equal((e[14] | e[15] << 8) >> 1, 0);
            got++;
            cq.cq_head = (uint16_t)((cq.cq_head + 1) % 4);
            if (!cq.cq_head)
                cq.phase ^= 1;
            e = cq.cq + 16 * cq.cq_head;
        }
        if (i == 0)
            assert_int_equal(got, 3);
        fx_wr32(&f, 0x1000 + 8 * 2 + 4, cq.cq_head);
        emk_tm_run_pending(f.tm, 1000);
    }
    assert_int_equal(got, 10);
    /* a CQ head beyond the tail is an invalid doorbell write value */
    fx_wr32(&f, 0x1000 + 8 * 2 + 4, (cq.cq_head + 2u) % 4u);
    assert_int_equal(emk_nvme_inflight(f.n), 0);
    fx_stop(&f);
}

static void test_reset_inflight(void **state)
{
    fx f;
    uint8_t cmd[64];
    emk_nvme_cqe c;
    int i;

    (void)state;
    fx_start_drv(&f, NULL, 0, 2, 0);
    for (i = 0; i < 16; i++) {
        emk_nvme_cmd_rw(cmd, 0x01, 1, (uint64_t)i * 8, 8, f.buf, 0);
        assert_true(emk_nvme_drv_queue_cmd(&f.d, &f.d.io[i & 1], cmd) >= 0);
    }
    emk_nvme_drv_ring(&f.d, &f.d.io[0]);
    emk_nvme_drv_ring(&f.d, &f.d.io[1]);
    assert_true(emk_nvme_inflight(f.n) > 0);
    fx_wr32(&f, 0x14, fx_mmio32(&f, 0x14) & ~1u);
    assert_int_equal(fx_mmio32(&f, 0x1c) & 1, 1);   /* still draining */
    emk_tm_run_pending(f.tm, 1000);
    assert_int_equal(fx_mmio32(&f, 0x1c) & 1, 0);
    assert_int_equal(emk_nvme_inflight(f.n), 0);
    /* doorbells of the torn-down queues are ignored */
    fx_wr32(&f, 0x1000 + 8, 3);
    /* a fresh driver brings it back and I/O works */
    {
        emk_nvme_drv_opts o;
        memset(&o, 0, sizeof(o));
        o.nioq = 1;
        assert_int_equal(emk_nvme_drv_init(&f.d, f.tm, FX_BAR, &o), 0);
        emk_nvme_cmd_rw(cmd, 0x02, 1, 0, 8, f.buf, 0);
        assert_int_equal(fx_io(&f, cmd, &c), 0);
    }
    fx_stop(&f);
}

static void test_delete_sq_inflight(void **state)
{
    fx f;
    uint8_t cmd[64];
    emk_nvme_cqe cs[16];
    int i, got = 0, del_cid, n;

    (void)state;
    fx_start_drv(&f, NULL, 0, 1, 0);
    for (i = 0; i < 8; i++) {
        emk_nvme_cmd_rw(cmd, 0x02, 1, (uint64_t)i, 1, f.buf, 0);
        assert_true(emk_nvme_drv_queue_cmd(&f.d, &f.d.io[0], cmd) >= 0);
    }
    emk_nvme_drv_ring(&f.d, &f.d.io[0]);           /* submitted, not done */
    emk_nvme_cmd_init(cmd, 0x00, 0);
    emk_nvme_cmd_dw(cmd, 10, 1);
    del_cid = emk_nvme_drv_queue_cmd(&f.d, &f.d.admin, cmd);
    emk_nvme_drv_ring(&f.d, &f.d.admin);
    /* the in-flight reads complete before the deletion does */
    for (i = 0; i < 100 && got < 8; i++)
        got += emk_nvme_drv_reap(&f.d, &f.d.io[0], cs, 16);
    assert_int_equal(got, 8);
    n = 0;
    for (i = 0; i < 100 && !n; i++)
        n = emk_nvme_drv_reap(&f.d, &f.d.admin, cs, 1);
    assert_int_equal(n, 1);
    assert_int_equal(cs[0].cid, del_cid);
    assert_int_equal(cs[0].status, 0);
    fx_stop(&f);
}

static char file_spec[96];

static void opt_file(emk_nvme_options *o)
{
    o->ns[0].backend = file_spec;     /* namespace 1 on a real file */
}

static void test_file_backend(void **state)
{
    fx f;
    char path[64];
    uint8_t back[65536];
    int fd, i;

    (void)state;
    snprintf(path, sizeof(path), "/tmp/emk-nvme-test.%d", (int)getpid());
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 4 << 20), 0);
    snprintf(file_spec, sizeof(file_spec), "file:%s", path);
    fx_start_drv(&f, opt_file, 0, 2, 1);
    assert_string_equal(emk_blk_kind(emk_nvme_ns_blk(f.n, 1)), "file");
    for (i = 0; i < 4; i++) {
        fx_pattern(&f, f.buf, 65536, 40u + (unsigned)i);
        assert_int_equal(emk_nvme_drv_io(&f.d, &f.d.io[i & 1], 0x01, 1,
                                         (uint64_t)i * 128, 128, f.buf, f.list), 0);
        /* the bytes are in the file */
        assert_int_equal(pread(fd, back, sizeof(back), (off_t)i * 65536),
                         (ssize_t)sizeof(back));
        assert_memory_equal(back, fx_ram(&f, f.buf, 65536), 65536);
        memset(fx_ram(&f, f.buf2, 65536), 0, 65536);
        assert_int_equal(emk_nvme_drv_io(&f.d, &f.d.io[(i + 1) & 1], 0x02, 1,
                                         (uint64_t)i * 128, 128, f.buf2, f.list), 0);
        assert_memory_equal(fx_ram(&f, f.buf2, 65536), back, 65536);
    }
    /* flush reaches the file backend too */
    {
        uint8_t cmd[64];
        emk_nvme_cqe c;
        emk_nvme_cmd_init(cmd, 0x00, 1);
        assert_int_equal(fx_io(&f, cmd, &c), 0);
    }
    fx_stop(&f);
    close(fd);
    unlink(path);
}

static emk_blk *ro_blk;

static void opt_readonly(emk_nvme_options *o)
{
    o->ns[1].backend = NULL;
    o->ns[1].blk = ro_blk;             /* namespace 2: write-protected */
}

/* A read-only backend is a write-protected namespace: Identify Namespace
 * says so (NSATTR bit 0) and writes fail with Namespace is Write
 * Protected (0x20, DNR); reads work. */
static void test_write_protected(void **state)
{
    fx f;
    uint8_t cmd[64], *id;
    emk_nvme_cqe c;
    uint64_t idbuf;
    int err = 0;

    (void)state;
    ro_blk = emk_blk_open("ram:1M", EMK_BLK_RDONLY, &err);
    assert_non_null(ro_blk);
    fx_start_drv(&f, opt_readonly, 0, 1, 0);
    idbuf = emk_tm_alloc(f.tm, 4096, 4096);
    emk_nvme_cmd_init(cmd, 0x06, 2);                /* Identify NS 2 */
    emk_nvme_cmd_dw(cmd, 10, 0);
    memcpy(cmd + 24, &idbuf, 8);
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    id = fx_ram(&f, idbuf, 4096);
    assert_int_equal(id[99], 1);
    emk_nvme_cmd_init(cmd, 0x06, 1);                /* NS 1 is writable */
    memcpy(cmd + 24, &idbuf, 8);
    assert_int_equal(fx_admin(&f, cmd, &c), 0);
    assert_int_equal(fx_ram(&f, idbuf, 4096)[99], 0);
    assert_int_equal(rw(&f, 0x02, 2, 0, 1, f.buf, 0), 0);
    assert_int_equal(rw(&f, 0x01, 2, 0, 1, f.buf, 0), 0x020 | 0x4000);
    fx_stop(&f);
    emk_blk_close(ro_blk);
    ro_blk = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rw_both_formats),
        cmocka_unit_test(test_prp_edges),
        cmocka_unit_test(test_sgl),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_zeroes_dsm_compare_flush),
        cmocka_unit_test(test_cq_backlog),
        cmocka_unit_test(test_reset_inflight),
        cmocka_unit_test(test_delete_sq_inflight),
        cmocka_unit_test(test_file_backend),
        cmocka_unit_test(test_write_protected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
