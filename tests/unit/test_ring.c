/*
 * test_ring.c - the SPSC ring: limits, wraparound of storage and of the
 * 32-bit counters, batches, peek, and two real threads moving millions of
 * sequenced elements (order, no loss, no torn element).
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/ring.h"
#include "compat.h" /* private atomics (src/), for the stop flag */

typedef struct item {
    uint64_t seq;
    uint64_t check;   /* derived from seq: detects a torn or stale copy */
} item;

static uint64_t check_of(uint64_t seq)
{
    return (seq * 0x9E3779B97F4A7C15ull) ^ 0x5DEECE66Dull;
}

static item make(uint64_t seq)
{
    item it;

    it.seq = seq;
    it.check = check_of(seq);
    return it;
}

static void test_init_limits(void **state)
{
    emk_ring r;
    item buf[8];

    (void)state;
    assert_int_equal(emk_ring_init(&r, buf, 0, sizeof(item)), -EINVAL);
    assert_int_equal(emk_ring_init(&r, buf, 6, sizeof(item)), -EINVAL);
    assert_int_equal(emk_ring_init(&r, buf, 8, 0), -EINVAL);
    assert_int_equal(emk_ring_init(&r, NULL, 8, sizeof(item)), -EINVAL);
    assert_int_equal(emk_ring_init(&r, buf, 0x80000000u, 1), -EINVAL);
    assert_int_equal(emk_ring_init(&r, buf, 8, sizeof(item)), 0);
    assert_int_equal(emk_ring_capacity(&r), 8);
    assert_int_equal(emk_ring_count(&r), 0);
    assert_int_equal(emk_ring_free(&r), 8);
    assert_int_equal(emk_ring_init(&r, buf, 1, sizeof(item)), 0);
    assert_int_equal(emk_ring_capacity(&r), 1);
}

static void test_layout_separation(void **state)
{
    (void)state;
    /* producer and consumer fields never share a cache line, and neither
     * shares one with the read-only configuration */
    assert_true(offsetof(emk_ring, head) - offsetof(emk_ring, mask) >=
                EMK_RING_CACHELINE);
    assert_true(offsetof(emk_ring, tail) - offsetof(emk_ring, tail_cache) >=
                EMK_RING_CACHELINE);
    assert_true(sizeof(emk_ring) - offsetof(emk_ring, head_cache) >=
                EMK_RING_CACHELINE);
}

static void test_full_empty_peek(void **state)
{
    emk_ring r;
    item buf[4], it;
    const item *p;
    uint64_t i;

    (void)state;
    assert_int_equal(emk_ring_init(&r, buf, 4, sizeof(item)), 0);
    assert_null(emk_ring_peek(&r));
    assert_int_equal(emk_ring_pop(&r, &it), -EAGAIN);
    for (i = 0; i < 4; i++) {
        it = make(i);
        assert_int_equal(emk_ring_push(&r, &it), 0);
    }
    it = make(99);
    assert_int_equal(emk_ring_push(&r, &it), -EAGAIN);
    assert_int_equal(emk_ring_count(&r), 4);
    assert_int_equal(emk_ring_free(&r), 0);
    p = emk_ring_peek(&r);
    assert_non_null(p);
    assert_int_equal(p->seq, 0);
    assert_ptr_equal(emk_ring_peek(&r), p);   /* peek does not consume */
    assert_int_equal(emk_ring_pop(&r, NULL), 0); /* drop */
    p = emk_ring_peek(&r);
    assert_int_equal(p->seq, 1);
    for (i = 1; i < 4; i++) {
        assert_int_equal(emk_ring_pop(&r, &it), 0);
        assert_int_equal(it.seq, i);
        assert_int_equal(it.check, check_of(i));
    }
    assert_int_equal(emk_ring_pop(&r, &it), -EAGAIN);
    assert_int_equal(emk_ring_count(&r), 0);
}

/* Counters start just below 2^32 so they wrap during the test. */
static void test_counter_wraparound(void **state)
{
    emk_ring r;
    item buf[8], it;
    uint64_t pushed = 0, popped = 0;
    int round;

    (void)state;
    assert_int_equal(emk_ring_init(&r, buf, 8, sizeof(item)), 0);
    r.head = r.tail = r.tail_cache = r.head_cache = 0xFFFFFFF5u;
    for (round = 0; round < 40; round++) {
        while (emk_ring_free(&r) > (uint32_t)(round % 3)) {
            it = make(pushed);
            assert_int_equal(emk_ring_push(&r, &it), 0);
            pushed++;
        }
        assert_true(emk_ring_count(&r) <= 8);
        while (emk_ring_count(&r) > (uint32_t)(round % 5)) {
            assert_int_equal(emk_ring_pop(&r, &it), 0);
            assert_int_equal(it.seq, popped);
            popped++;
        }
    }
    assert_true(r.head < 0x100u); /* it did wrap */
    while (emk_ring_pop(&r, &it) == 0) {
        assert_int_equal(it.seq, popped);
        popped++;
    }
    assert_int_equal(popped, pushed);
}

static void test_batches_wrap_storage(void **state)
{
    emk_ring r;
    uint32_t buf[16], in[13], out[13];
    uint32_t next_in = 0, next_out = 0, n, i;
    int round;

    (void)state;
    assert_int_equal(emk_ring_init(&r, buf, 16, sizeof(uint32_t)), 0);
    for (round = 0; round < 1000; round++) {
        uint32_t want = (uint32_t)(round * 7) % 13 + 1;

        for (i = 0; i < want; i++) {
            in[i] = next_in + i;
        }
        n = emk_ring_push_batch(&r, in, want);
        assert_true(n <= want);
        assert_int_equal(n, want < 16 - (next_in - next_out)
                                ? want : 16 - (next_in - next_out));
        next_in += n;
        want = (uint32_t)(round * 5) % 13 + 1;
        n = emk_ring_pop_batch(&r, out, want);
        assert_int_equal(n, want < next_in - next_out ? want
                                                      : next_in - next_out);
        for (i = 0; i < n; i++) {
            assert_int_equal(out[i], next_out + i);
        }
        next_out += n;
    }
    assert_int_equal(emk_ring_push_batch(&r, in, 0), 0);
    n = emk_ring_pop_batch(&r, out, 13);
    for (i = 0; i < n; i++) {
        assert_int_equal(out[i], next_out + i);
    }
}

/* ---- two threads ------------------------------------------------------ */

/* The tiny ring is full or empty at almost every step, so each item costs
 * a yield on a loaded machine: it moves fewer items. */
enum { THREAD_ITEMS = 4000000, SMALL_RING_ITEMS = 1000000, BATCH = 32 };

typedef struct xfer {
    emk_ring ring;
    uint64_t count;
    int batched;
    uint64_t producer_full;   /* times the producer found the ring full */
    uint32_t stop;            /* set by the consumer on an anomaly */
} xfer;

static int stopped(xfer *x)
{
    return emk_load_acquire_u32(&x->stop) != 0;
}

static void *producer(void *arg)
{
    xfer *x = arg;
    item batch[BATCH];
    uint64_t seq = 0;

    while (seq < x->count) {
        if (x->batched) {
            uint32_t want = (uint32_t)(seq % BATCH) + 1, i, n;

            if (want > x->count - seq) {
                want = (uint32_t)(x->count - seq);
            }
            for (i = 0; i < want; i++) {
                batch[i] = make(seq + i);
            }
            for (i = 0; i < want; i += n) {
                n = emk_ring_push_batch(&x->ring, batch + i, want - i);
                if (n == 0) {
                    if (stopped(x)) {
                        return NULL;
                    }
                    x->producer_full++;
                    sched_yield();
                }
            }
            seq += want;
        } else {
            item it = make(seq);

            while (emk_ring_push(&x->ring, &it) == -EAGAIN) {
                if (stopped(x)) {
                    return NULL;
                }
                x->producer_full++;
                sched_yield();
            }
            seq++;
        }
    }
    return NULL;
}

/* The consumer runs on the test's thread; returns items received in
 * order (stops at the first anomaly so the assertion names it). */
static uint64_t consume(xfer *x, uint64_t *bad_seq)
{
    item batch[BATCH];
    uint64_t expect = 0;

    *bad_seq = UINT64_MAX;
    while (expect < x->count) {
        uint32_t n, i;

        if (x->batched) {
            n = emk_ring_pop_batch(&x->ring, batch, (uint32_t)(expect % 29) + 1);
        } else {
            const item *p = emk_ring_peek(&x->ring);

            n = 0;
            if (p) {
                batch[0] = *p;
                n = emk_ring_pop(&x->ring, &batch[1]) == 0 ? 1 : 0;
                if (n && memcmp(&batch[0], &batch[1], sizeof(item)) != 0) {
                    *bad_seq = expect;
                    return expect;
                }
            }
        }
        if (n == 0) {
            sched_yield();
            continue;
        }
        for (i = 0; i < n; i++) {
            if (batch[i].seq != expect || batch[i].check != check_of(expect)) {
                *bad_seq = batch[i].seq;
                return expect;
            }
            expect++;
        }
    }
    return expect;
}

static void run_threads(uint32_t capacity, int batched, uint64_t count)
{
    static item storage[1024];
    xfer x;
    pthread_t t;
    uint64_t got, bad;
    item extra;

    assert_true(capacity <= 1024);
    memset(&x, 0, sizeof(x));
    x.count = count;
    x.batched = batched;
    assert_int_equal(emk_ring_init(&x.ring, storage, capacity, sizeof(item)),
                     0);
    assert_int_equal(pthread_create(&t, NULL, producer, &x), 0);
    got = consume(&x, &bad);
    emk_store_release_u32(&x.stop, 1);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(bad, UINT64_MAX);
    assert_int_equal(got, count);
    assert_int_equal(emk_ring_pop(&x.ring, &extra), -EAGAIN); /* nothing extra */
    print_message("ring capacity %u %s: %llu items, producer found it full "
                  "%llu times\n", capacity, batched ? "batched" : "single",
                  (unsigned long long)got,
                  (unsigned long long)x.producer_full);
}

static void test_threads_single_small(void **state)
{
    (void)state;
    run_threads(4, 0, SMALL_RING_ITEMS);
}

static void test_threads_single_large(void **state)
{
    (void)state;
    run_threads(1024, 0, THREAD_ITEMS);
}

static void test_threads_batched(void **state)
{
    (void)state;
    run_threads(64, 1, THREAD_ITEMS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_limits),
        cmocka_unit_test(test_layout_separation),
        cmocka_unit_test(test_full_empty_peek),
        cmocka_unit_test(test_counter_wraparound),
        cmocka_unit_test(test_batches_wrap_storage),
        cmocka_unit_test(test_threads_single_small),
        cmocka_unit_test(test_threads_single_large),
        cmocka_unit_test(test_threads_batched),
    };

    return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
