/*
 * test_virtq_mt.c - a guest driver thread and a device thread share a
 * virtqueue in test-machine RAM, with kicks and interrupts suppressed the
 * way the spec describes (VRING_USED_F_NO_NOTIFY / avail flags, or
 * EVENT_IDX's avail_event / used_event).  A lost kick or interrupt shows up
 * as a stall (the test fails after STALL_NS without progress); a wrong or
 * duplicated completion fails the id/payload checks.
 *
 * The driver touches its rings through host pointers with atomic 16-bit
 * index accesses; the device goes through the bus like any device.  The
 * test assumes a little-endian host (checked).
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "compat.h"
#include "emkit/testmachine.h"
#include "emkit/virtq.h"

enum { QSIZE = 16, REQUESTS = 100000, PAYLOAD = 8 };

static const int64_t STALL_NS = 20000000000ll;   /* 20 s */

typedef struct shared {
    emk_tm *tm;
    emk_dev dev;
    emk_virtq vq;
    int event_idx;
    uint64_t desc, avail, used, bufs;
    unsigned char *ram_desc, *ram_avail, *ram_used, *ram_bufs;
    uint32_t kicks;        /* guest -> device doorbell count */
    uint32_t irqs;         /* device -> guest interrupt count */
    uint32_t stop;         /* either side gave up */
    uint32_t kicks_sent, irqs_sent, device_wakeups;
    const char *failure;
} shared;

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint16_t *idx_ptr(unsigned char *p)
{
    return (uint16_t *)(void *)p;
}

/* Waits until *counter differs from seen; 0 on stall or stop. */
static int wait_change(shared *s, uint32_t *counter, uint32_t seen)
{
    int64_t deadline = now_ns() + STALL_NS;

    while (emk_load_acquire_u32(counter) == seen) {
        if (emk_load_acquire_u32(&s->stop) || now_ns() > deadline) {
            return 0;
        }
        sched_yield();
    }
    return 1;
}

static void give_up(shared *s, const char *why)
{
    if (!s->failure) {
        s->failure = why;
    }
    emk_store_release_u32(&s->stop, 1);
}

/* ---- device thread ------------------------------------------------------ */

static void *device(void *arg)
{
    shared *s = arg;
    emk_virtq_elem e;
    emk_sg_entry out_sg[4], in_sg[4];
    uint32_t seen = 0;

    emk_sglist_init(&e.out, out_sg, 4);
    emk_sglist_init(&e.in, in_sg, 4);
    while (!emk_load_acquire_u32(&s->stop)) {
        int r;

        if (!wait_change(s, &s->kicks, seen)) {
            break;
        }
        seen = emk_load_acquire_u32(&s->kicks);
        s->device_wakeups++;
        emk_virtq_set_notification(&s->vq, 0);
        for (;;) {
            while ((r = emk_virtq_pop(&s->vq, &e)) == 1) {
                unsigned char reply[PAYLOAD];
                uint64_t tag;

                if (e.out.total != PAYLOAD || e.in.total != PAYLOAD ||
                    emk_dma_sg_rw(&s->dev, &e.out, 0, reply, PAYLOAD, 0)) {
                    give_up(s, "device: bad request");
                    return NULL;
                }
                tag = emk_le64(reply) ^ 0xFFFFFFFFFFFFFFFFull;
                emk_st_le64(reply, tag);
                if (emk_dma_sg_rw(&s->dev, &e.in, 0, reply, PAYLOAD, 1) ||
                    emk_virtq_push(&s->vq, &e, PAYLOAD)) {
                    give_up(s, "device: reply failed");
                    return NULL;
                }
                if (emk_virtq_should_notify(&s->vq)) {
                    s->irqs_sent++;
                    emk_fetch_add_u32(&s->irqs, 1);
                }
            }
            if (r < 0) {
                give_up(s, "device: queue broke");
                return NULL;
            }
            emk_virtq_set_notification(&s->vq, 1);
            if (emk_virtq_pending(&s->vq) <= 0) {
                break;
            }
            emk_virtq_set_notification(&s->vq, 0);
        }
    }
    return NULL;
}

/* ---- guest driver (runs on the test thread) ----------------------------- */

/* Offers request `n` in slot head = n % QSIZE (completions come back in
 * order, so the slot is free again when its previous user completed). */
static void offer(shared *s, uint32_t n, uint16_t avail_idx)
{
    uint16_t head = (uint16_t)(n % QSIZE);
    unsigned char *d = s->ram_desc + 32 * (size_t)head;
    uint64_t out = s->bufs + 16 * (uint64_t)head;

    emk_st_le64(s->ram_bufs + 16 * (size_t)head, n);
    /* two descriptors per request: head (out) -> head + QSIZE (in) */
    emk_st_le64(d, out);
    emk_st_le32(d + 8, PAYLOAD);
    emk_st_le16(d + 12, EMK_VIRTQ_DESC_F_NEXT);
    emk_st_le16(d + 14, (uint16_t)(2 * head + 1));
    emk_st_le64(d + 16, out + PAYLOAD);
    emk_st_le32(d + 24, PAYLOAD);
    emk_st_le16(d + 28, EMK_VIRTQ_DESC_F_WRITE);
    emk_st_le16(d + 30, 0);
    emk_st_le16(s->ram_avail + 4 + 2 * (size_t)(avail_idx % (2 * QSIZE)),
                (uint16_t)(2 * head));
}

static const char *drive(shared *s)
{
    uint32_t offered = 0, completed = 0, irqs_seen = 0;
    uint16_t avail_idx = 0, last_used = 0;
    int64_t deadline = now_ns() + STALL_NS;

    while (completed < REQUESTS) {
        uint16_t used_idx, old = avail_idx;
        int kick;

        /* fill every free slot, then publish once */
        while (offered < REQUESTS && offered - completed < QSIZE) {
            offer(s, offered++, avail_idx++);
        }
        if (avail_idx != old) {
            emk_store_release_u16(idx_ptr(s->ram_avail + 2), avail_idx);
            emk_smp_mb();
            if (s->event_idx) {
                uint16_t ev = emk_load_acquire_u16(
                    idx_ptr(s->ram_used + 4 + 8 * 2 * QSIZE));
                kick = emk_vring_need_event(ev, avail_idx, old);
            } else {
                kick = !(emk_load_acquire_u16(idx_ptr(s->ram_used)) &
                         EMK_VIRTQ_USED_F_NO_NOTIFY);
            }
            if (kick) {
                s->kicks_sent++;
                emk_fetch_add_u32(&s->kicks, 1);
            }
        }
        /* reap completions; re-arm, then re-check (no lost interrupt) */
        for (;;) {
            used_idx = emk_load_acquire_u16(idx_ptr(s->ram_used + 2));
            while (last_used != used_idx) {
                const unsigned char *ue =
                    s->ram_used + 4 + 8 * (size_t)(last_used % (2 * QSIZE));
                uint16_t head = (uint16_t)(completed % QSIZE);

                if (emk_le32(ue) != 2u * head || emk_le32(ue + 4) != PAYLOAD ||
                    emk_le64(s->ram_bufs + 16 * (size_t)head + PAYLOAD) !=
                        ((uint64_t)completed ^ 0xFFFFFFFFFFFFFFFFull)) {
                    return "guest: wrong completion";
                }
                last_used++;
                completed++;
                deadline = now_ns() + STALL_NS;
            }
            if (s->event_idx) {
                emk_store_release_u16(
                    idx_ptr(s->ram_avail + 4 + 2 * 2 * QSIZE), last_used);
            }
            emk_smp_mb();
            if (emk_load_acquire_u16(idx_ptr(s->ram_used + 2)) == last_used) {
                break;
            }
        }
        if (completed == REQUESTS) {
            break;
        }
        if (offered - completed == QSIZE || offered == REQUESTS) {
            /* nothing to add: sleep until the device interrupts */
            if (!wait_change(s, &s->irqs, irqs_seen)) {
                return now_ns() > deadline ? "guest: stalled (lost kick or "
                                             "interrupt)" : "stopped";
            }
            irqs_seen = emk_load_acquire_u32(&s->irqs);
        }
    }
    return NULL;
}

static void run(int event_idx)
{
    shared s;
    pthread_t t;
    const char *err;
    uint16_t one = 1;
    int e = 0;

    assert_int_equal(*(unsigned char *)&one, 1);   /* little-endian host */
    memset(&s, 0, sizeof(s));
    s.event_idx = event_idx;
    s.tm = emk_tm_new(NULL, &e);
    assert_non_null(s.tm);
    emk_dev_init(&s.dev, "virtq-mt", emk_tm_bus(s.tm), NULL);
    emk_virtq_init(&s.vq, &s.dev);
    /* 2*QSIZE descriptors and ring entries: each request uses two */
    s.desc = emk_tm_alloc(s.tm, 16 * 2 * QSIZE, 4096);
    s.avail = emk_tm_alloc(s.tm, 6 + 2 * 2 * QSIZE, 64);
    s.used = emk_tm_alloc(s.tm, 6 + 8 * 2 * QSIZE, 64);
    s.bufs = emk_tm_alloc(s.tm, 16 * QSIZE, 64);
    assert_true(s.desc && s.avail && s.used && s.bufs);
    s.ram_desc = emk_tm_ram(s.tm, s.desc, 16 * 2 * QSIZE);
    s.ram_avail = emk_tm_ram(s.tm, s.avail, 6 + 2 * 2 * QSIZE);
    s.ram_used = emk_tm_ram(s.tm, s.used, 6 + 8 * 2 * QSIZE);
    s.ram_bufs = emk_tm_ram(s.tm, s.bufs, 16 * QSIZE);
    memset(s.ram_avail, 0, 6 + 2 * 2 * QSIZE);
    memset(s.ram_used, 0, 6 + 8 * 2 * QSIZE);
    assert_int_equal(emk_virtq_enable(&s.vq, 2 * QSIZE, s.desc, s.avail,
                                      s.used, event_idx ?
                                      EMK_VIRTQ_F_EVENT_IDX : 0), 0);
    assert_int_equal(pthread_create(&t, NULL, device, &s), 0);
    err = drive(&s);
    emk_store_release_u32(&s.stop, 1);
    assert_int_equal(pthread_join(t, NULL), 0);
    print_message("virtq %s: %d requests, %u kicks, %u device wake-ups, "
                  "%u interrupts\n", event_idx ? "event-idx" : "flags",
                  REQUESTS, s.kicks_sent, s.device_wakeups, s.irqs_sent);
    if (err || s.failure) {
        /* the device's reason first: the driver only sees it stop */
        fail_msg("%s%s%s", s.failure ? s.failure : "",
                 s.failure && err ? "; " : "", err ? err : "");
    }
    assert_int_equal(s.vq.stat_pushed, REQUESTS);
    assert_false(emk_virtq_broken(&s.vq));
    emk_tm_free(s.tm);
}

static void test_threads_flags(void **state)
{
    (void)state;
    run(0);
}

static void test_threads_event_idx(void **state)
{
    (void)state;
    run(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_flags),
        cmocka_unit_test(test_threads_event_idx),
    };

    return cmocka_run_group_tests_name("virtq-threads", tests, NULL, NULL);
}
