/*
 * test_virtq.c - the split virtqueue against real rings built in the test
 * machine's guest RAM: chains, loops, out-of-range indices, indirect
 * tables, order and length rules, the sticky broken state, used-ring
 * batching, 16-bit index wraparound and event-idx / no-interrupt
 * notification suppression.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/testmachine.h"
#include "emkit/virtq.h"

enum { QSIZE = 8, NSEG = 16 };

/* The guest side: a tiny driver writing rings straight into its RAM. */
typedef struct guest {
    emk_tm *tm;
    emk_dev dev;
    emk_virtq vq;
    uint32_t size;
    uint64_t desc, avail, used;
    uint16_t avail_idx;
    emk_virtq_elem elem;
    emk_sg_entry out_sg[NSEG], in_sg[NSEG];
} guest;

static void put_le(emk_tm *tm, uint64_t gpa, uint64_t v, unsigned n)
{
    unsigned char *p = emk_tm_ram(tm, gpa, n);
    unsigned i;

    assert_non_null(p);
    for (i = 0; i < n; i++) {
        p[i] = (unsigned char)(v >> (8 * i));
    }
}

static uint64_t get_le(emk_tm *tm, uint64_t gpa, unsigned n)
{
    const unsigned char *p = emk_tm_ram(tm, gpa, n);
    uint64_t v = 0;

    assert_non_null(p);
    while (n--) {
        v = (v << 8) | p[n];
    }
    return v;
}

static void g_desc_at(guest *g, uint64_t table, uint32_t i, uint64_t addr,
                      uint32_t len, uint16_t flags, uint16_t next)
{
    uint64_t d = table + 16 * (uint64_t)i;

    put_le(g->tm, d, addr, 8);
    put_le(g->tm, d + 8, len, 4);
    put_le(g->tm, d + 12, flags, 2);
    put_le(g->tm, d + 14, next, 2);
}

static void g_desc(guest *g, uint32_t i, uint64_t addr, uint32_t len,
                   uint16_t flags, uint16_t next)
{
    g_desc_at(g, g->desc, i, addr, len, flags, next);
}

/* Makes chain `head` available and publishes the new avail idx. */
static void g_offer(guest *g, uint16_t head)
{
    put_le(g->tm, g->avail + 4 + 2 * (uint64_t)(g->avail_idx % g->size),
           head, 2);
    g->avail_idx++;
    put_le(g->tm, g->avail + 2, g->avail_idx, 2);
}

static uint16_t g_used_idx(guest *g)
{
    return (uint16_t)get_le(g->tm, g->used + 2, 2);
}

static void g_used_elem(guest *g, uint16_t i, uint32_t *id, uint32_t *len)
{
    uint64_t e = g->used + 4 + 8 * (uint64_t)(i % g->size);

    *id = (uint32_t)get_le(g->tm, e, 4);
    *len = (uint32_t)get_le(g->tm, e + 4, 4);
}

static void g_set_used_event(guest *g, uint16_t v)
{
    put_le(g->tm, g->avail + 4 + 2 * (uint64_t)g->size, v, 2);
}

static uint16_t g_avail_event(guest *g)
{
    return (uint16_t)get_le(g->tm, g->used + 4 + 8 * (uint64_t)g->size, 2);
}

/* (Re)creates the rings (zeroed) and enables the queue. */
static void g_enable(guest *g, uint32_t size, unsigned features)
{
    g->size = size;
    g->desc = emk_tm_alloc(g->tm, 16 * (uint64_t)size, 4096);
    g->avail = emk_tm_alloc(g->tm, 6 + 2 * (uint64_t)size, 2);
    g->used = emk_tm_alloc(g->tm, 6 + 8 * (uint64_t)size, 4096);
    assert_true(g->desc && g->avail && g->used);
    memset(emk_tm_ram(g->tm, g->desc, 16 * (uint64_t)size), 0, 16 * size);
    memset(emk_tm_ram(g->tm, g->avail, 6 + 2 * (uint64_t)size), 0,
           6 + 2 * size);
    memset(emk_tm_ram(g->tm, g->used, 6 + 8 * (uint64_t)size), 0,
           6 + 8 * size);
    g->avail_idx = 0;
    emk_virtq_reset(&g->vq);
    assert_int_equal(emk_virtq_enable(&g->vq, size, g->desc, g->avail,
                                      g->used, features), 0);
}

static int setup(void **state)
{
    static guest g;
    int err = 0;

    memset(&g, 0, sizeof(g));
    g.tm = emk_tm_new(NULL, &err);
    if (!g.tm) {
        return -1;
    }
    emk_dev_init(&g.dev, "virtq-test", emk_tm_bus(g.tm), NULL);
    emk_virtq_init(&g.vq, &g.dev);
    emk_sglist_init(&g.elem.out, g.out_sg, NSEG);
    emk_sglist_init(&g.elem.in, g.in_sg, NSEG);
    g_enable(&g, QSIZE, EMK_VIRTQ_F_INDIRECT);
    *state = &g;
    return 0;
}

static int teardown(void **state)
{
    guest *g = *state;

    emk_tm_free(g->tm);
    return 0;
}

/* A fresh buffer of guest RAM. */
static uint64_t buf(guest *g, uint64_t len)
{
    uint64_t a = emk_tm_alloc(g->tm, len, 64);

    assert_true(a != 0);
    return a;
}

/* Pops expecting the queue to break with fault f. */
static void expect_fault(guest *g, emk_virtq_fault f)
{
    assert_int_equal(emk_virtq_pop(&g->vq, &g->elem), -EIO);
    assert_int_equal(g->vq.fault, f);
    assert_true(emk_virtq_broken(&g->vq));
    assert_false(emk_virtq_ready(&g->vq));
    assert_string_equal(g->vq.fault_msg, emk_virtq_fault_str(f));
}

/* ---- configuration ---------------------------------------------------- */

static void test_enable_rejects(void **state)
{
    guest *g = *state;
    emk_virtq *vq = &g->vq;
    uint64_t d = g->desc, a = g->avail, u = g->used;

    assert_int_equal(emk_virtq_enable(vq, 0, d, a, u, 0), -EINVAL);
    assert_int_equal(emk_virtq_enable(vq, 3, d, a, u, 0), -EINVAL);
    assert_int_equal(emk_virtq_enable(vq, 65536, d, a, u, 0), -EINVAL);
    assert_int_equal(emk_virtq_enable(vq, 8, d + 8, a, u, 0), -EINVAL);
    assert_int_equal(emk_virtq_enable(vq, 8, d, a + 1, u, 0), -EINVAL);
    assert_int_equal(emk_virtq_enable(vq, 8, d, a, u + 2, 0), -EINVAL);
    assert_int_equal(emk_virtq_enable(vq, 8, d, a, u, 4), -EINVAL);
    assert_int_equal(emk_virtq_enable(vq, 2, UINT64_MAX - 15, a, u, 0),
                     -EINVAL);
    assert_int_equal(emk_virtq_enable(vq, 2, d, UINT64_MAX - 7, u, 0),
                     -EINVAL);
    assert_int_equal(emk_virtq_enable(vq, 32768, d, a, u, 0), 0);
    assert_int_equal(emk_virtq_enable(vq, 1, d, a, u, 3), 0);
    emk_virtq_reset(vq);
    assert_false(emk_virtq_ready(vq));
    assert_int_equal(emk_virtq_pop(vq, &g->elem), -ENXIO);
    assert_int_equal(emk_virtq_pending(vq), -ENXIO);
    assert_int_equal(emk_virtq_flush(vq), -ENXIO);
    assert_int_equal(emk_virtq_should_notify(vq), 0);
}

/* ---- chains ----------------------------------------------------------- */

static void test_simple_chain(void **state)
{
    guest *g = *state;
    uint64_t a = buf(g, 100), b = buf(g, 50), c = buf(g, 200);
    unsigned char data[150], reply[200], check[200];
    uint32_t id, len;
    unsigned i;

    for (i = 0; i < 100; i++) {
        put_le(g->tm, a + i, i, 1);
    }
    for (i = 0; i < 50; i++) {
        put_le(g->tm, b + i, 100 + i, 1);
    }
    g_desc(g, 5, a, 100, EMK_VIRTQ_DESC_F_NEXT, 2);
    g_desc(g, 2, b, 50, EMK_VIRTQ_DESC_F_NEXT, 7);
    g_desc(g, 7, c, 200, EMK_VIRTQ_DESC_F_WRITE, 0);
    assert_int_equal(emk_virtq_pop(&g->vq, &g->elem), 0);
    assert_int_equal(emk_virtq_pending(&g->vq), 0);
    g_offer(g, 5);
    assert_int_equal(emk_virtq_pending(&g->vq), 1);
    assert_int_equal(emk_virtq_pop(&g->vq, &g->elem), 1);
    assert_int_equal(g->elem.head, 5);
    assert_int_equal(g->elem.ndesc, 3);
    assert_int_equal(g->elem.out.nsg, 2);
    assert_int_equal(g->elem.out.total, 150);
    assert_true(g->elem.out.sg[0].addr == a && g->elem.out.sg[1].addr == b);
    assert_int_equal(g->elem.in.nsg, 1);
    assert_int_equal(g->elem.in.total, 200);
    assert_true(g->elem.in.sg[0].addr == c);
    assert_int_equal(emk_virtq_pop(&g->vq, &g->elem), 0);

    /* the device reads the request and writes a reply through the bus */
    assert_int_equal(emk_dma_sg_rw(&g->dev, &g->elem.out, 0, data, 150, 0), 0);
    for (i = 0; i < 150; i++) {
        assert_int_equal(data[i], i);
        reply[i] = (unsigned char)(255 - i);
    }
    memset(reply + 150, 0xab, 50);
    assert_int_equal(emk_dma_sg_rw(&g->dev, &g->elem.in, 0, reply, 200, 1), 0);
    assert_int_equal(g_used_idx(g), 0);
    assert_int_equal(emk_virtq_push(&g->vq, &g->elem, 200), 0);
    assert_int_equal(g_used_idx(g), 1);
    g_used_elem(g, 0, &id, &len);
    assert_int_equal(id, 5);
    assert_int_equal(len, 200);
    memcpy(check, emk_tm_ram(g->tm, c, 200), 200);
    assert_memory_equal(check, reply, 200);
    assert_int_equal(g->vq.stat_popped, 1);
    assert_int_equal(g->vq.stat_pushed, 1);
}

static void test_loops(void **state)
{
    guest *g = *state;
    uint64_t a = buf(g, 64);

    /* a chain of exactly the queue size is fine */
    g_desc(g, 0, a, 8, EMK_VIRTQ_DESC_F_NEXT, 1);
    g_desc(g, 1, a + 8, 8, EMK_VIRTQ_DESC_F_NEXT, 2);
    g_desc(g, 2, a + 16, 8, EMK_VIRTQ_DESC_F_NEXT, 3);
    g_desc(g, 3, a + 24, 8, EMK_VIRTQ_DESC_F_NEXT, 4);
    g_desc(g, 4, a + 32, 8, EMK_VIRTQ_DESC_F_NEXT, 5);
    g_desc(g, 5, a + 40, 8, EMK_VIRTQ_DESC_F_NEXT, 6);
    g_desc(g, 6, a + 48, 8, EMK_VIRTQ_DESC_F_NEXT, 7);
    g_desc(g, 7, a + 56, 8, EMK_VIRTQ_DESC_F_WRITE, 0);
    g_offer(g, 0);
    assert_int_equal(emk_virtq_pop(&g->vq, &g->elem), 1);
    assert_int_equal(g->elem.ndesc, 8);
    assert_int_equal(g->elem.out.nsg, 1);   /* contiguous: merged */
    assert_int_equal(g->elem.out.total, 56);
    assert_int_equal(g->elem.in.total, 8);
    assert_int_equal(emk_virtq_push(&g->vq, &g->elem, 0), 0);

    /* 7 -> 3 -> 7: a loop */
    g_desc(g, 7, a, 8, EMK_VIRTQ_DESC_F_NEXT, 3);
    g_desc(g, 3, a, 8, EMK_VIRTQ_DESC_F_NEXT, 7);
    g_offer(g, 7);
    expect_fault(g, EMK_VIRTQ_ERR_LOOP);
    /* caught right after the 8th descriptor, before reading a 9th */
    assert_int_equal(g->vq.fault_where, 7);

    /* sticky: everything reports -EIO, even after the guest fixes it */
    g_desc(g, 3, a, 8, 0, 0);
    assert_int_equal(emk_virtq_pop(&g->vq, &g->elem), -EIO);
    assert_int_equal(emk_virtq_pending(&g->vq), -EIO);
    assert_int_equal(emk_virtq_push(&g->vq, &g->elem, 0), -EIO);
    assert_int_equal(emk_virtq_flush(&g->vq), -EIO);
    assert_int_equal(emk_virtq_set_notification(&g->vq, 1), -EIO);
    assert_int_equal(emk_virtq_should_notify(&g->vq), 0);
    assert_int_equal(g->vq.fault, EMK_VIRTQ_ERR_LOOP);

    /* until reset */
    g_enable(g, 1, 0);
    g_desc(g, 0, a, 8, EMK_VIRTQ_DESC_F_NEXT, 0);   /* self loop */
    g_offer(g, 0);
    expect_fault(g, EMK_VIRTQ_ERR_LOOP);
    g_enable(g, 1, 0);
    g_desc(g, 0, a, 8, 0, 0);
    g_offer(g, 0);
    assert_int_equal(emk_virtq_pop(&g->vq, &g->elem), 1);
    assert_false(emk_virtq_broken(&g->vq));
}

static void test_out_of_range(void **state)
{
    guest *g = *state;
    uint64_t a = buf(g, 64);

    g_desc(g, 1, a, 8, EMK_VIRTQ_DESC_F_NEXT, QSIZE);
    g_offer(g, 1);
    expect_fault(g, EMK_VIRTQ_ERR_NEXT_RANGE);
    assert_int_equal(g->vq.fault_where, QSIZE);

    g_enable(g, QSIZE, 0);
    g_offer(g, QSIZE);                 /* head index out of the table */
    expect_fault(g, EMK_VIRTQ_ERR_HEAD_RANGE);

    g_enable(g, QSIZE, 0);
    g_desc(g, 0, a, 8, 0, 0);
    put_le(g->tm, g->avail + 2, QSIZE + 1, 2);   /* idx ran too far */
    assert_int_equal(emk_virtq_pending(&g->vq), -EIO);
    assert_int_equal(g->vq.fault, EMK_VIRTQ_ERR_AVAIL_IDX);

    g_enable(g, QSIZE, 0);
    put_le(g->tm, g->avail + 2, QSIZE, 2);       /* exactly full: fine */
    assert_int_equal(emk_virtq_pending(&g->vq), QSIZE);
}

static void test_order_and_limits(void **state)
{
    guest *g = *state;
    uint64_t a = buf(g, 4096);
    emk_sg_entry two[2];
    emk_sglist saved;

    g_desc(g, 0, a, 8, EMK_VIRTQ_DESC_F_WRITE | EMK_VIRTQ_DESC_F_NEXT, 1);
    g_desc(g, 1, a + 8, 8, 0, 0);       /* readable after writable */
    g_offer(g, 0);
    expect_fault(g, EMK_VIRTQ_ERR_ORDER);

    /* byte limit, set by the device */
    g_enable(g, QSIZE, 0);
    g->vq.max_total = 1000;
    g_desc(g, 0, a, 600, EMK_VIRTQ_DESC_F_NEXT, 1);
    g_desc(g, 1, a + 1024, 400, EMK_VIRTQ_DESC_F_WRITE, 0);
    g_desc(g, 2, a, 600, EMK_VIRTQ_DESC_F_NEXT, 3);
    g_desc(g, 3, a + 1024, 401, EMK_VIRTQ_DESC_F_WRITE, 0);
    g_offer(g, 0);
    g_offer(g, 2);
    assert_int_equal(emk_virtq_pop(&g->vq, &g->elem), 1);
    expect_fault(g, EMK_VIRTQ_ERR_TOO_LONG);
    assert_int_equal(g->vq.fault_where, 3);

    /* the default limit is the spec's 2^32 bytes */
    g_enable(g, QSIZE, 0);
    g->vq.max_total = (uint64_t)1 << 32;
    g_desc(g, 0, a, 0xFFFFFFFFu, EMK_VIRTQ_DESC_F_NEXT, 1);
    g_desc(g, 1, a, 2, 0, 0);
    g_offer(g, 0);
    expect_fault(g, EMK_VIRTQ_ERR_TOO_LONG);

    /* more separate segments than the element's storage */
    g_enable(g, QSIZE, 0);
    saved = g->elem.in;
    emk_sglist_init(&g->elem.in, two, 2);
    g_desc(g, 0, a, 8, EMK_VIRTQ_DESC_F_WRITE | EMK_VIRTQ_DESC_F_NEXT, 1);
    g_desc(g, 1, a + 8, 8, EMK_VIRTQ_DESC_F_WRITE | EMK_VIRTQ_DESC_F_NEXT, 2);
    g_desc(g, 2, a + 16, 8, EMK_VIRTQ_DESC_F_WRITE, 0);  /* merges: ok */
    g_desc(g, 3, a, 8, EMK_VIRTQ_DESC_F_WRITE | EMK_VIRTQ_DESC_F_NEXT, 4);
    g_desc(g, 4, a + 100, 8, EMK_VIRTQ_DESC_F_WRITE | EMK_VIRTQ_DESC_F_NEXT, 5);
    g_desc(g, 5, a + 200, 8, EMK_VIRTQ_DESC_F_WRITE, 0);
    g_offer(g, 0);
    g_offer(g, 3);
    assert_int_equal(emk_virtq_pop(&g->vq, &g->elem), 1);
    assert_int_equal(g->elem.in.nsg, 1);
    assert_int_equal(g->elem.in.total, 24);
    expect_fault(g, EMK_VIRTQ_ERR_TOO_MANY_SEGS);
    g->elem.in = saved;

    /* a buffer whose address range wraps */
    g_enable(g, QSIZE, 0);
    g_desc(g, 0, UINT64_MAX - 0xff, 0x200, 0, 0);
    g_offer(g, 0);
    expect_fault(g, EMK_VIRTQ_ERR_WRAP);

    /* zero-length buffers count as descriptors but add no segment */
    g_enable(g, QSIZE, 0);
    g_desc(g, 0, a, 0, EMK_VIRTQ_DESC_F_NEXT, 1);
    g_desc(g, 1, a, 16, EMK_VIRTQ_DESC_F_WRITE, 0);
    g_offer(g, 0);
    assert_int_equal(emk_virtq_pop(&g->vq, &g->elem), 1);
    assert_int_equal(g->elem.ndesc, 2);
    assert_int_equal(g->elem.out.nsg, 0);
    assert_int_equal(g->elem.in.total, 16);
}

static void test_dma_refused(void **state)
{
    guest *g = *state;

    g_desc(g, 0, g->desc, 8, 0, 0);
    g_offer(g, 0);
    assert_int_equal(emk_tm_dma_hole(g->tm, g->desc, 16 * QSIZE), 0);
    expect_fault(g, EMK_VIRTQ_ERR_DMA);
    assert_true(g->vq.fault_where == g->desc);

    /* a descriptor table outside guest RAM */
    emk_virtq_reset(&g->vq);
    assert_int_equal(emk_virtq_enable(&g->vq, QSIZE, 0x7ff0000000000000ull,
                                      g->avail, g->used, 0), 0);
    put_le(g->tm, g->avail + 2, 0, 2);
    g_offer(g, 0);
    expect_fault(g, EMK_VIRTQ_ERR_DMA);
}

/* ---- indirect tables ---------------------------------------------------- */

static void test_indirect(void **state)
{
    guest *g = *state;
    uint64_t t = emk_tm_alloc(g->tm, 16 * 4, 16), a = buf(g, 4096);

    assert_true(t != 0);
    /* table entries 0 -> 2 -> 1 -> 3, out, out, in, in */
    g_desc_at(g, t, 0, a, 10, EMK_VIRTQ_DESC_F_NEXT, 2);
    g_desc_at(g, t, 2, a + 100, 20, EMK_VIRTQ_DESC_F_NEXT, 1);
    g_desc_at(g, t, 1, a + 200, 30,
              EMK_VIRTQ_DESC_F_WRITE | EMK_VIRTQ_DESC_F_NEXT, 3);
    g_desc_at(g, t, 3, a + 300, 40, EMK_VIRTQ_DESC_F_WRITE, 0);
    /* a direct readable buffer, then the table; WRITE on the indirect
     * descriptor itself is ignored */
    g_desc(g, 4, a + 1000, 5, EMK_VIRTQ_DESC_F_NEXT, 6);
    g_desc(g, 6, t, 64, EMK_VIRTQ_DESC_F_INDIRECT | EMK_VIRTQ_DESC_F_WRITE, 0);
    g_offer(g, 4);
    assert_int_equal(emk_virtq_pop(&g->vq, &g->elem), 1);
    assert_int_equal(g->elem.head, 4);
    assert_int_equal(g->elem.ndesc, 6);
    assert_int_equal(g->elem.out.nsg, 3);
    assert_int_equal(g->elem.out.total, 35);
    assert_true(g->elem.out.sg[0].addr == a + 1000);
    assert_true(g->elem.out.sg[2].addr == a + 100);
    assert_int_equal(g->elem.in.nsg, 2);
    assert_int_equal(g->elem.in.total, 70);
    assert_int_equal(emk_virtq_push(&g->vq, &g->elem, 70), 0);
}

static void indirect_case(guest *g, uint64_t t, uint32_t tlen,
                          uint16_t flags, emk_virtq_fault f)
{
    g_desc(g, 0, t, tlen, (uint16_t)(EMK_VIRTQ_DESC_F_INDIRECT | flags), 1);
    g_desc(g, 1, t, 16, 0, 0);
    g_offer(g, 0);
    expect_fault(g, f);
    g_enable(g, QSIZE, EMK_VIRTQ_F_INDIRECT);
}

static void test_indirect_errors(void **state)
{
    guest *g = *state;
    uint64_t t = emk_tm_alloc(g->tm, 16 * 4, 16), a = buf(g, 64);

    assert_true(t != 0);
    g_desc_at(g, t, 0, a, 8, 0, 0);
    g_enable(g, QSIZE, 0);
    indirect_case(g, t, 16, 0, EMK_VIRTQ_ERR_INDIRECT_FEATURE);
    indirect_case(g, t, 16, EMK_VIRTQ_DESC_F_NEXT,
                  EMK_VIRTQ_ERR_INDIRECT_NEXT);
    indirect_case(g, t, 40, 0, EMK_VIRTQ_ERR_INDIRECT_LEN);
    indirect_case(g, t, 0, 0, EMK_VIRTQ_ERR_INDIRECT_LEN);
    indirect_case(g, t, 16 * (EMK_VIRTQ_MAX_SIZE + 1), 0,
                  EMK_VIRTQ_ERR_INDIRECT_LEN);
    indirect_case(g, UINT64_MAX - 15, 32, 0, EMK_VIRTQ_ERR_WRAP);

    /* an indirect descriptor inside the table */
    g_desc_at(g, t, 0, t, 32, EMK_VIRTQ_DESC_F_INDIRECT, 0);
    indirect_case(g, t, 32, 0, EMK_VIRTQ_ERR_INDIRECT_NESTED);

    /* next beyond the table's own length (2 entries), though < QSIZE */
    g_desc_at(g, t, 0, a, 8, EMK_VIRTQ_DESC_F_NEXT, 2);
    indirect_case(g, t, 32, 0, EMK_VIRTQ_ERR_NEXT_RANGE);

    /* a loop inside the table */
    g_desc_at(g, t, 0, a, 8, EMK_VIRTQ_DESC_F_NEXT, 1);
    g_desc_at(g, t, 1, a, 8, EMK_VIRTQ_DESC_F_NEXT, 0);
    indirect_case(g, t, 32, 0, EMK_VIRTQ_ERR_LOOP);

    /* order is checked across the switch into the table */
    g_desc_at(g, t, 0, a, 8, 0, 0);
    g_desc(g, 2, a, 8, EMK_VIRTQ_DESC_F_WRITE | EMK_VIRTQ_DESC_F_NEXT, 3);
    g_desc(g, 3, t, 16, EMK_VIRTQ_DESC_F_INDIRECT, 0);
    g_offer(g, 2);
    expect_fault(g, EMK_VIRTQ_ERR_ORDER);

    /* the table unreadable by DMA */
    g_enable(g, QSIZE, EMK_VIRTQ_F_INDIRECT);
    assert_int_equal(emk_tm_dma_hole(g->tm, t, 64), 0);
    indirect_case(g, t, 32, 0, EMK_VIRTQ_ERR_DMA);
}

/* ---- used ring ---------------------------------------------------------- */

static void test_fill_flush(void **state)
{
    guest *g = *state;
    emk_virtq_elem e[3];
    emk_sg_entry sg[3][2][2];
    uint64_t a = buf(g, 256);
    uint32_t id, len;
    int i;

    for (i = 0; i < 3; i++) {
        emk_sglist_init(&e[i].out, sg[i][0], 2);
        emk_sglist_init(&e[i].in, sg[i][1], 2);
        g_desc(g, (uint32_t)i, a + 64 * (uint64_t)i, 32,
               EMK_VIRTQ_DESC_F_WRITE, 0);
        g_offer(g, (uint16_t)i);
    }
    for (i = 0; i < 3; i++) {
        assert_int_equal(emk_virtq_pop(&g->vq, &e[i]), 1);
    }
    assert_int_equal(emk_virtq_fill(&g->vq, &e[1], 33), -EINVAL); /* > in */
    assert_false(emk_virtq_broken(&g->vq));
    assert_int_equal(emk_virtq_fill(&g->vq, &e[2], 7), 0);  /* any order */
    assert_int_equal(emk_virtq_fill(&g->vq, &e[0], 32), 0);
    assert_int_equal(emk_virtq_fill(&g->vq, &e[1], 0), 0);
    assert_int_equal(emk_virtq_fill(&g->vq, &e[1], 0), -EINVAL); /* none left */
    assert_int_equal(g_used_idx(g), 0);       /* not yet published */
    assert_int_equal(emk_virtq_flush(&g->vq), 3);
    assert_int_equal(g_used_idx(g), 3);
    assert_int_equal(emk_virtq_flush(&g->vq), 0);
    g_used_elem(g, 0, &id, &len);
    assert_true(id == 2 && len == 7);
    g_used_elem(g, 1, &id, &len);
    assert_true(id == 0 && len == 32);
    g_used_elem(g, 2, &id, &len);
    assert_true(id == 1 && len == 0);
}

/* Runs n offer/pop/push rounds on the current queue (one descriptor each,
 * rotating heads) and checks every used entry. */
static void cycle(guest *g, uint32_t n, uint64_t a)
{
    uint32_t i, id, len;

    for (i = 0; i < n; i++) {
        uint16_t head = (uint16_t)(g->avail_idx % g->size);
        uint16_t before = g_used_idx(g);

        g_desc(g, head, a, 16, EMK_VIRTQ_DESC_F_WRITE, 0);
        g_offer(g, head);
        assert_int_equal(emk_virtq_pop(&g->vq, &g->elem), 1);
        assert_int_equal(g->elem.head, head);
        assert_int_equal(emk_virtq_push(&g->vq, &g->elem, i & 15), 0);
        assert_int_equal(g_used_idx(g), (uint16_t)(before + 1));
        g_used_elem(g, before, &id, &len);
        assert_true(id == head && len == (i & 15));
    }
}

static void test_index_wraparound(void **state)
{
    guest *g = *state;
    uint64_t a = buf(g, 16);

    g_enable(g, 4, 0);
    cycle(g, 70000, a);          /* avail idx and used idx pass 65535 */
    assert_int_equal(g->vq.last_avail, (uint16_t)70000);
    assert_int_equal(g_used_idx(g), (uint16_t)70000);
    assert_int_equal(emk_virtq_pending(&g->vq), 0);
    assert_int_equal(g->vq.stat_popped, 70000);
}

/* ---- notification suppression ------------------------------------------- */

/* Reference: an index moving old -> new passed event when event lies in
 * [old, new) on the 16-bit circle. */
static int passed(uint32_t event, uint32_t new_idx, uint32_t old)
{
    return ((event - old) & 0xffff) < ((new_idx - old) & 0xffff);
}

static void test_need_event(void **state)
{
    uint32_t old, step, off;

    (void)state;
    for (old = 0; old < 65536; old += 4093) {
        for (step = 0; step < 40; step++) {
            for (off = 0; off < 48; off++) {
                uint32_t o = (old + 65530) & 0xffff;
                uint32_t n = (o + step) & 0xffff;
                uint32_t e = (o + off - 4) & 0xffff;

                assert_int_equal(emk_vring_need_event((uint16_t)e,
                                                      (uint16_t)n,
                                                      (uint16_t)o),
                                 passed(e, n, o));
            }
        }
    }
    assert_int_equal(emk_vring_need_event(65535, 0, 65535), 1);
    assert_int_equal(emk_vring_need_event(0, 0, 65535), 0);
    assert_int_equal(emk_vring_need_event(5, 5, 5), 0);
}

static void test_event_idx(void **state)
{
    guest *g = *state;
    uint64_t a = buf(g, 16);
    uint16_t u;
    int k;

    g_enable(g, 2, EMK_VIRTQ_F_EVENT_IDX);
    /* the first check after enable always notifies, whatever used_event
     * says (nothing was signalled yet to compare with) */
    g_set_used_event(g, 100);
    cycle(g, 1, a);
    assert_int_equal(emk_virtq_should_notify(&g->vq), 1);
    cycle(g, 1, a);
    assert_int_equal(emk_virtq_should_notify(&g->vq), 0);
    cycle(g, 65528, a);                     /* get near the wrap */
    assert_int_equal(emk_virtq_should_notify(&g->vq), 1); /* passed 100 */
    u = g_used_idx(g);
    assert_int_equal(u, 65530);
    /* the driver wants an interrupt once used idx passes u + k, for a
     * series of k; one push at a time across the 16-bit wrap */
    for (k = 0; k < 4; k++) {
        uint16_t ev = (uint16_t)(u + (uint16_t)k);
        int i;

        g_set_used_event(g, ev);
        for (i = 0; i <= k; i++) {
            cycle(g, 1, a);
            assert_int_equal(emk_virtq_should_notify(&g->vq), i == k);
        }
        u = g_used_idx(g);
    }
    assert_true(u < 100);                  /* we did wrap */

    /* several pushes between checks: notify iff used_event was passed */
    g_set_used_event(g, (uint16_t)(u + 1));
    cycle(g, 3, a);
    assert_int_equal(emk_virtq_should_notify(&g->vq), 1);
    g_set_used_event(g, (uint16_t)(u - 10));  /* already behind */
    cycle(g, 3, a);
    assert_int_equal(emk_virtq_should_notify(&g->vq), 0);
    assert_int_equal(emk_virtq_should_notify(&g->vq), 0); /* nothing new */

    /* avail_event: written with the current avail idx on enable only */
    put_le(g->tm, g->used + 4 + 8 * 2, 0x1234, 2);
    assert_int_equal(emk_virtq_set_notification(&g->vq, 0), 0);
    assert_int_equal(g_avail_event(g), 0x1234);
    assert_int_equal(get_le(g->tm, g->used, 2), 0);  /* flags untouched */
    assert_int_equal(emk_virtq_set_notification(&g->vq, 1), 0);
    assert_int_equal(g_avail_event(g), g->avail_idx);
}

static void test_no_interrupt_flag(void **state)
{
    guest *g = *state;
    uint64_t a = buf(g, 16);

    g_enable(g, QSIZE, 0);
    cycle(g, 1, a);
    assert_int_equal(emk_virtq_should_notify(&g->vq), 1);
    put_le(g->tm, g->avail, EMK_VIRTQ_AVAIL_F_NO_INTERRUPT, 2);
    cycle(g, 1, a);
    assert_int_equal(emk_virtq_should_notify(&g->vq), 0);
    put_le(g->tm, g->avail, 0, 2);
    assert_int_equal(emk_virtq_should_notify(&g->vq), 1);
    /* used_event is ignored without EVENT_IDX */
    g_set_used_event(g, 0x4000);
    assert_int_equal(emk_virtq_should_notify(&g->vq), 1);

    assert_int_equal(emk_virtq_set_notification(&g->vq, 0), 0);
    assert_int_equal(get_le(g->tm, g->used, 2), EMK_VIRTQ_USED_F_NO_NOTIFY);
    assert_int_equal(emk_virtq_set_notification(&g->vq, 1), 0);
    assert_int_equal(get_le(g->tm, g->used, 2), 0);
    assert_int_equal(g_avail_event(g), 0);   /* not used without EVENT_IDX */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_enable_rejects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_simple_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_and_limits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dma_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indirect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indirect_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fill_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_wraparound, setup,
                                        teardown),
        cmocka_unit_test(test_need_event),
        cmocka_unit_test_setup_teardown(test_event_idx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_interrupt_flag, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("virtq", tests, NULL, NULL);
}
