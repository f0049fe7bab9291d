/*
 * tests_blk.c - the block-interface tests: every block device through
 * every path.  They see only qos_blk (and the path's interrupt mode).
 */
#include "qos.h"
#include "qos_cmocka.h"

static uint64_t buf(qos_ctx *c, uint64_t len)
{
    uint64_t gpa = emk_tm_alloc(c->tm, len, 4096);

    assert_true(gpa != 0);
    return gpa;
}

static uint8_t *ram(qos_ctx *c, uint64_t gpa, uint64_t len)
{
    uint8_t *p = emk_tm_ram(c->tm, gpa, len);

    assert_non_null(p);
    return p;
}

static void fill(qos_ctx *c, uint64_t gpa, uint64_t len, unsigned seed)
{
    uint8_t *p = ram(c, gpa, len);
    uint32_t x = seed * 2654435761u + 1;
    uint64_t i;

    for (i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (uint8_t)(x >> 16);
    }
}

/* Writes n blocks of pattern seed at lba and reads them back. */
static void write_check(qos_ctx *c, uint64_t lba, uint32_t n, unsigned seed)
{
    qos_blk *b = &c->blk;
    uint64_t len = (uint64_t)n * b->block_size, w = buf(c, len), r = buf(c, len);

    fill(c, w, len, seed);
    memset(ram(c, r, len), 0xee, len);
    assert_int_equal(b->ops->rw(b, 1, lba, n, w), 0);
    assert_int_equal(b->ops->rw(b, 0, lba, n, r), 0);
    assert_memory_equal(ram(c, r, len), ram(c, w, len), len);
}

/* Reads n blocks at lba: 1 if they hold pattern seed, 0 if zeroes. */
static int read_kind(qos_ctx *c, uint64_t lba, uint32_t n, unsigned seed)
{
    qos_blk *b = &c->blk;
    uint64_t len = (uint64_t)n * b->block_size, r = buf(c, len), p = buf(c, len);
    uint8_t *z;
    uint64_t i;

    fill(c, p, len, seed);
    memset(ram(c, r, len), 0xee, len);
    assert_int_equal(b->ops->rw(b, 0, lba, n, r), 0);
    if (memcmp(ram(c, r, len), ram(c, p, len), len) == 0)
        return 1;
    z = ram(c, r, len);
    for (i = 0; i < len; i++)
        if (z[i])
            return -1;
    return 0;
}

void qos_test_write_read_verify(qos_ctx *c)
{
    qos_blk *b = &c->blk;
    uint32_t big = b->max_blocks < 128 ? b->max_blocks : 128;

    assert_true(b->nblocks >= 1024);
    (void)qos_irq_check(c, c->opts.irq);    /* forget the set-up's */
    write_check(c, 0, 1, 1);
    write_check(c, 7, 9, 2);
    write_check(c, 100, big, 3);
    write_check(c, b->nblocks - 8, 8, 4);
    /* the first write is still there */
    assert_int_equal(read_kind(c, 0, 1, 1), 1);
    assert_int_equal(qos_irq_check(c, c->opts.irq), 0);
}

void qos_test_flush(qos_ctx *c)
{
    qos_blk *b = &c->blk;

    write_check(c, 3, 4, 5);
    assert_int_equal(b->ops->flush(b), 0);
    assert_int_equal(read_kind(c, 3, 4, 5), 1);
}

/* Writes 8 blocks of pattern seed at lba, runs op on the first 4, reads
 * the 8 back: the last 4 must be untouched; *zero tells whether the first
 * 4 read as zeroes. */
static void range_op(qos_ctx *c, uint64_t lba, unsigned seed,
                     int (*op)(qos_blk *b, uint64_t lba, uint32_t n), int *zero)
{
    qos_blk *b = &c->blk;
    uint64_t len = 8ull * b->block_size, r = buf(c, len), w = buf(c, len), i;
    uint8_t *p;

    fill(c, w, len, seed);
    assert_int_equal(b->ops->rw(b, 1, lba, 8, w), 0);
    assert_int_equal(op(b, lba, 4), 0);
    memset(ram(c, r, len), 0xee, len);
    assert_int_equal(b->ops->rw(b, 0, lba, 8, r), 0);
    assert_memory_equal(ram(c, r, len) + len / 2, ram(c, w, len) + len / 2, len / 2);
    p = ram(c, r, len);
    *zero = 1;
    for (i = 0; i < len / 2; i++)
        *zero &= p[i] == 0;
}

void qos_test_write_zeroes(qos_ctx *c)
{
    int zero;

    range_op(c, 16, 6, c->blk.ops->zeroes, &zero);
    assert_true(zero);
}

void qos_test_discard(qos_ctx *c)
{
    int zero;

    range_op(c, 40, 7, c->blk.ops->discard, &zero);
    if (c->blk.discard_zeroes)
        assert_true(zero);
}

void qos_test_out_of_range(qos_ctx *c)
{
    qos_blk *b = &c->blk;
    uint64_t r = buf(c, 4ull * b->block_size);
    int err;

    write_check(c, b->nblocks - 1, 1, 8);
    /* past the end, straddling it, far away: a clean error, no timeout */
    err = b->ops->rw(b, 0, b->nblocks, 1, r);
    assert_true(err != 0 && err != -ETIMEDOUT);
    err = b->ops->rw(b, 1, b->nblocks - 1, 2, r);
    assert_true(err != 0 && err != -ETIMEDOUT);
    err = b->ops->rw(b, 0, ~0ull - 1, 4, r);
    assert_true(err != 0 && err != -ETIMEDOUT);
    /* nothing was written, and the device still works */
    assert_int_equal(read_kind(c, b->nblocks - 1, 1, 8), 1);
    write_check(c, 0, 2, 9);
}

void qos_test_reset_mid_io(qos_ctx *c)
{
    qos_blk *b = &c->blk;
    uint32_t n = b->max_blocks < 64 ? b->max_blocks : 64;
    uint64_t w = buf(c, (uint64_t)n * b->block_size);

    write_check(c, 0, n, 10);
    fill(c, w, (uint64_t)n * b->block_size, 11);
    assert_int_equal(b->ops->start(b, n, n, w), 0);
    assert_int_equal(b->ops->reset(b), 0);
    /* what was written before is intact, and I/O works again */
    assert_int_equal(read_kind(c, 0, n, 10), 1);
    write_check(c, 2 * (uint64_t)n, n, 12);
    write_check(c, n, n, 13);
}
