/* test_virtio_pci.c - the virtio core and the modern virtio-pci transport,
 * with the entropy device behind them, driven by the guest-side driver
 * through guest accesses only: enumeration and capabilities, feature
 * negotiation and its refusals, I/O with INTx+ISR and with MSI-X, direct
 * and indirect chains, EVENT_IDX interrupt suppression, queue reset,
 * device reset, the PCI_CFG window, a broken ring setting NEEDS_RESET,
 * bad register accesses, and the device on an iothread with the vCPU's
 * accesses handed over to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/testmachine.h"
#include "emkit/pci.h"
#include "emkit/virtio_pci.h"
#include "emkit/virtio_rng.h"
#include "emkit/guest/pci_enum.h"
#include "emkit/guest/virtio_drv.h"
#include "virtio/virtio_test.h"

static const uint64_t MSI_ADDR = 0xfee00000u;
enum { MSI_DATA = 0x40 };

typedef struct fixture {
    emk_tm *tm;
    emk_iothread *it;
    emk_pci_host host;
    emk_pci_seg segs[1];
    emk_pci_enum e;
    emk_virtio_rng rng;
    emk_virtio_pci pci;
    emk_virtio_drv d;
    int idx;
    uint8_t next;          /* the deterministic source's next byte */
} fixture;

/* A source whose bytes the test can predict: 0, 1, 2, ... */
static int counter(void *opaque, void *buf, size_t len)
{
    fixture *f = opaque;
    size_t i;

    for (i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = f->next++;
    return 0;
}

static fixture *setup(int iothread, int no_ioeventfd)
{
    fixture *f = calloc(1, sizeof(*f));
    emk_virtio_rng_options ro;
    emk_virtio_pci_options po;

    assert_non_null(f);
    assert_int_equal(emk_vt_machine(&f->tm, &f->it, iothread, 16u << 20,
                                    &f->host, f->segs), 0);
    memset(&ro, 0, sizeof(ro));
    ro.source = counter;
    ro.opaque = f;
    assert_int_equal(emk_virtio_rng_init(&f->rng, emk_tm_bus(f->tm),
                                         f->it ? emk_iothread_loop(f->it) : NULL,
                                         &ro), 0);
    memset(&po, 0, sizeof(po));
    po.no_ioeventfd = no_ioeventfd;
    assert_int_equal(emk_virtio_pci_init(&f->pci, &f->rng.vdev, &po), 0);
    f->idx = emk_vt_probe(f->tm, &f->segs[0], &f->pci.fn, &f->e,
                          EMK_VIRTIO_ID_RNG, &f->d);
    assert_true(f->idx >= 0);
    return f;
}

static void teardown(fixture *f)
{
    emk_virtio_pci_cleanup(&f->pci);
    if (f->it)
        emk_iothread_stop(f->it);
    emk_virtio_rng_cleanup(&f->rng);
    emk_tm_free(f->tm);
    free(f);
}

/* Runs the device until queue q has a used element. */
static int wait_used(fixture *f, unsigned q, uint16_t *head, uint32_t *len)
{
    return emk_vt_wait_used(f->tm, f->it != NULL, &f->d, q, head, len);
}

static uint64_t bit(unsigned b)
{
    return (uint64_t)1 << b;
}

static void test_identity_and_caps(void **state)
{
    fixture *f = setup(0, 0);
    const emk_pci_enum_fn *fn = &f->e.fns[f->idx];

    (void)state;
    assert_int_equal(fn->device_id, 0x1044);
    assert_int_equal(emk_pci_get_byte(&f->pci.fn, EMK_PCI_REVISION_ID), 1);
    assert_int_equal(fn->bar_size[EMK_VIRTIO_PCI_BAR], EMK_VIRTIO_PCI_BAR_SIZE);
    assert_int_equal(fn->msix_nvec, 2);             /* one queue + config */
    assert_int_equal(f->d.notify_mult, EMK_VIRTIO_PCI_NOTIFY_MULT);
    assert_int_equal(f->d.nqueues, 1);
    assert_int_equal(f->d.common, fn->bar_addr[EMK_VIRTIO_PCI_BAR]);
    assert_int_equal(f->d.isr, f->d.common + EMK_VIRTIO_PCI_ISR);
    assert_int_equal(f->d.device, 0);               /* no device config */
    assert_true(f->d.pcicfg != 0);
    /* the window reads BAR 4 through config space */
    assert_int_equal(emk_virtio_drv_window_read(&f->d, EMK_VIRTIO_PCI_NUM_QUEUES, 2), 1);
    assert_int_equal(emk_virtio_drv_window_read(&f->d, EMK_VIRTIO_PCI_DF, 4),
                     bit(EMK_VIRTIO_F_INDIRECT_DESC) | bit(EMK_VIRTIO_F_RING_EVENT_IDX));
    emk_virtio_drv_common_write(&f->d, EMK_VIRTIO_PCI_DFSELECT, 4, 1);
    assert_int_equal(emk_virtio_drv_window_read(&f->d, EMK_VIRTIO_PCI_DF, 4),
                     (bit(EMK_VIRTIO_F_VERSION_1) | bit(EMK_VIRTIO_F_RING_RESET)) >> 32);
    teardown(f);
}

static void test_negotiation(void **state)
{
    fixture *f = setup(0, 0);
    uint8_t s;

    (void)state;
    /* features the device does not offer: FEATURES_OK stays clear */
    emk_virtio_drv_set_status(&f->d, EMK_VIRTIO_S_ACKNOWLEDGE | EMK_VIRTIO_S_DRIVER);
    emk_virtio_drv_common_write(&f->d, EMK_VIRTIO_PCI_GFSELECT, 4, 1);
    emk_virtio_drv_common_write(&f->d, EMK_VIRTIO_PCI_GF, 4, 1 | (1u << 30));
    emk_virtio_drv_set_status(&f->d, EMK_VIRTIO_S_ACKNOWLEDGE | EMK_VIRTIO_S_DRIVER |
                                         EMK_VIRTIO_S_FEATURES_OK);
    assert_false(emk_virtio_drv_status(&f->d) & EMK_VIRTIO_S_FEATURES_OK);
    /* a legacy driver (no VERSION_1) is refused too */
    emk_virtio_drv_set_status(&f->d, 0);
    assert_int_equal(emk_virtio_drv_status(&f->d), 0);
    emk_virtio_drv_set_status(&f->d, EMK_VIRTIO_S_ACKNOWLEDGE | EMK_VIRTIO_S_DRIVER |
                                         EMK_VIRTIO_S_FEATURES_OK);
    assert_false(emk_virtio_drv_status(&f->d) & EMK_VIRTIO_S_FEATURES_OK);
    /* DRIVER_OK without FEATURES_OK is refused */
    emk_virtio_drv_set_status(&f->d, EMK_VIRTIO_S_ACKNOWLEDGE | EMK_VIRTIO_S_DRIVER |
                                         EMK_VIRTIO_S_DRIVER_OK);
    assert_false(emk_virtio_drv_status(&f->d) & EMK_VIRTIO_S_DRIVER_OK);
    /* the normal path */
    assert_int_equal(emk_virtio_drv_negotiate(&f->d, bit(EMK_VIRTIO_F_RING_EVENT_IDX) |
                                                         bit(EMK_VIRTIO_F_INDIRECT_DESC)), 0);
    assert_true(emk_virtio_has(&f->rng.vdev, EMK_VIRTIO_F_RING_EVENT_IDX));
    assert_false(emk_virtio_has(&f->rng.vdev, EMK_VIRTIO_F_RING_RESET));
    /* features are frozen once FEATURES_OK is set */
    emk_virtio_drv_common_write(&f->d, EMK_VIRTIO_PCI_GFSELECT, 4, 0);
    emk_virtio_drv_common_write(&f->d, EMK_VIRTIO_PCI_GF, 4, 0);
    assert_true(emk_virtio_has(&f->rng.vdev, EMK_VIRTIO_F_INDIRECT_DESC));
    s = emk_virtio_drv_status(&f->d);
    assert_int_equal(s, EMK_VIRTIO_S_ACKNOWLEDGE | EMK_VIRTIO_S_DRIVER |
                            EMK_VIRTIO_S_FEATURES_OK);
    teardown(f);
}

/* Requests n bytes into a fresh buffer on queue 0; checks the bytes. */
static void one_request(fixture *f, uint32_t n, int indirect, uint8_t first)
{
    emk_virtio_drv_buf b[2];
    uint64_t gpa = emk_tm_alloc(f->tm, 2 * n, 64);
    const uint8_t *p;
    uint16_t head;
    uint32_t len = 0, i;
    int h;

    assert_true(gpa != 0);
    memset(emk_tm_ram(f->tm, gpa, 2 * n), 0xee, 2 * n);
    /* two writable halves: the device fills them in chain order */
    b[0].gpa = gpa;
    b[0].len = n / 2;
    b[0].writable = 1;
    b[1].gpa = gpa + n / 2 + n;   /* not contiguous */
    b[1].len = n - n / 2;
    b[1].writable = 1;
    h = emk_virtio_drv_add(&f->d, 0, b, 2, indirect);
    assert_true(h >= 0);
    emk_virtio_drv_kick(&f->d, 0);
    assert_true(wait_used(f, 0, &head, &len));
    assert_int_equal(head, h);
    assert_int_equal(len, n);
    p = emk_tm_ram(f->tm, gpa, 2 * n);
    for (i = 0; i < n / 2; i++)
        assert_int_equal(p[i], (uint8_t)(first + i));
    assert_int_equal(p[n / 2], 0xee);
    for (i = 0; i < n - n / 2; i++)
        assert_int_equal(p[n / 2 + n + i], (uint8_t)(first + n / 2 + i));
}

static void test_io_intx(void **state)
{
    fixture *f = setup(0, 0);

    (void)state;
    assert_int_equal(emk_virtio_drv_negotiate(&f->d, 0), 0);
    assert_int_equal(emk_virtio_drv_queue(&f->d, 0, 0, EMK_VIRTIO_NO_VECTOR), 0);
    emk_virtio_drv_ok(&f->d);
    assert_int_equal(emk_tm_irq_level(f->tm, 0), 0);
    one_request(f, 64, 0, 0);
    /* MSI-X is off: the ISR's queue bit and INTA# */
    assert_int_equal(emk_tm_irq_level(f->tm, 0), 1);
    assert_int_equal(emk_virtio_drv_isr(&f->d), 1);
    assert_int_equal(emk_tm_irq_level(f->tm, 0), 0);
    assert_int_equal(emk_virtio_drv_isr(&f->d), 0);
    one_request(f, 100, 0, 64);
    assert_int_equal(f->rng.stat_bytes, 164);
    assert_int_equal(f->rng.q[0].stat_kicks, 2);
    teardown(f);
}

static void test_io_msix_indirect_event_idx(void **state)
{
    fixture *f = setup(0, 0);
    emk_tm_msi m;
    uint64_t n0;

    (void)state;
    assert_int_equal(emk_pci_enum_msix_setup(&f->e, (unsigned)f->idx, MSI_ADDR,
                                             MSI_DATA, 2), 0);
    assert_int_equal(emk_virtio_drv_negotiate(&f->d, bit(EMK_VIRTIO_F_INDIRECT_DESC) |
                                                         bit(EMK_VIRTIO_F_RING_EVENT_IDX)), 0);
    /* a vector the function does not have reads back as NO_VECTOR */
    assert_int_equal(emk_virtio_drv_queue(&f->d, 0, 16, 7), -EIO);
    emk_virtio_drv_common_write(&f->d, EMK_VIRTIO_PCI_MSIX_CONFIG, 2, 0);
    assert_int_equal(emk_virtio_drv_common_read(&f->d, EMK_VIRTIO_PCI_MSIX_CONFIG, 2), 0);
    assert_int_equal(emk_virtio_drv_queue(&f->d, 0, 16, 1), 0);
    emk_virtio_drv_ok(&f->d);
    while (emk_tm_msi_pop(f->tm, &m))
        ;
    one_request(f, 512, 1, 0);
    assert_true(emk_tm_msi_pop(f->tm, &m));
    assert_int_equal(m.addr, MSI_ADDR);
    assert_int_equal(m.data, MSI_DATA + 1);
    assert_int_equal(emk_tm_irq_level(f->tm, 0), 0);   /* no INTx with MSI-X */
    /* EVENT_IDX: with used_event far ahead the device stays quiet */
    {
        uint8_t *avail = emk_tm_ram(f->tm, f->d.q[0].avail, 6 + 2 * 16);
        emk_virtio_drv_buf b = { 0, 32, 1 };
        uint16_t head;
        uint32_t len;

        b.gpa = emk_tm_alloc(f->tm, 32, 8);
        n0 = emk_tm_msi_count(f->tm);
        assert_true(emk_virtio_drv_add(&f->d, 0, &b, 1, 0) >= 0);
        avail[4 + 2 * 16] = 100;     /* used_event = 100 */
        avail[4 + 2 * 16 + 1] = 0;
        emk_virtio_drv_kick(&f->d, 0);
        emk_tm_run_pending(f->tm, 100);
        assert_int_equal(emk_tm_msi_count(f->tm), n0);
        assert_true(emk_virtio_drv_used(&f->d, 0, &head, &len));
        assert_int_equal(len, 32);
    }
    teardown(f);
}

static void test_queue_reset_and_device_reset(void **state)
{
    fixture *f = setup(0, 0);

    (void)state;
    assert_int_equal(emk_virtio_drv_negotiate(&f->d, bit(EMK_VIRTIO_F_RING_RESET)), 0);
    assert_int_equal(emk_virtio_drv_queue(&f->d, 0, 8, EMK_VIRTIO_NO_VECTOR), 0);
    emk_virtio_drv_ok(&f->d);
    one_request(f, 16, 0, 0);
    /* size and addresses cannot change while the queue runs */
    emk_virtio_drv_common_write(&f->d, EMK_VIRTIO_PCI_Q_SIZE, 2, 4);
    assert_int_equal(emk_virtio_drv_common_read(&f->d, EMK_VIRTIO_PCI_Q_SIZE, 2), 8);
    /* queue reset: reset reads 1, enable 0, and the queue can be set up again */
    emk_virtio_drv_common_write(&f->d, EMK_VIRTIO_PCI_Q_RESET, 2, 1);
    assert_int_equal(emk_virtio_drv_common_read(&f->d, EMK_VIRTIO_PCI_Q_RESET, 2), 1);
    assert_int_equal(emk_virtio_drv_common_read(&f->d, EMK_VIRTIO_PCI_Q_ENABLE, 2), 0);
    assert_int_equal(emk_virtio_drv_queue(&f->d, 0, 4, EMK_VIRTIO_NO_VECTOR), 0);
    assert_int_equal(emk_virtio_drv_common_read(&f->d, EMK_VIRTIO_PCI_Q_RESET, 2), 0);
    one_request(f, 16, 0, 16);
    /* device reset: everything back to power-on */
    emk_virtio_drv_set_status(&f->d, 0);
    assert_int_equal(emk_virtio_drv_status(&f->d), 0);
    assert_int_equal(emk_virtio_drv_common_read(&f->d, EMK_VIRTIO_PCI_Q_ENABLE, 2), 0);
    assert_int_equal(emk_virtio_drv_common_read(&f->d, EMK_VIRTIO_PCI_Q_SIZE, 2),
                     EMK_VIRTIO_RNG_QUEUE_SIZE);
    assert_int_equal(f->rng.vdev.features, 0);
    /* Function Level Reset path: the host's reset */
    assert_int_equal(emk_virtio_drv_negotiate(&f->d, 0), 0);
    emk_virtio_pci_reset(&f->pci);
    assert_int_equal(emk_virtio_drv_status(&f->d), 0);
    teardown(f);
}

static void test_broken_ring_and_bad_access(void **state)
{
    fixture *f = setup(0, 1);      /* plain notify writes, no ioeventfd */
    uint8_t *avail;
    uint64_t bad0;

    (void)state;
    assert_int_equal(emk_virtio_drv_negotiate(&f->d, 0), 0);
    assert_int_equal(emk_virtio_drv_queue(&f->d, 0, 8, EMK_VIRTIO_NO_VECTOR), 0);
    emk_virtio_drv_ok(&f->d);
    one_request(f, 8, 0, 0);
    (void)emk_virtio_drv_isr(&f->d);
    /* avail idx 40 ahead of an 8-entry ring: the ring is broken */
    avail = emk_tm_ram(f->tm, f->d.q[0].avail, 6 + 2 * 8);
    avail[2] = 41;
    emk_virtio_drv_kick(&f->d, 0);
    emk_tm_run_pending(f->tm, 100);
    assert_true(emk_virtio_drv_status(&f->d) & EMK_VIRTIO_S_NEEDS_RESET);
    assert_int_equal(emk_virtio_drv_isr(&f->d), 2);    /* config change */
    /* the driver cannot clear NEEDS_RESET but by a reset */
    emk_virtio_drv_set_status(&f->d, EMK_VIRTIO_S_ACKNOWLEDGE);
    assert_true(emk_virtio_drv_status(&f->d) & EMK_VIRTIO_S_NEEDS_RESET);
    /* accesses that are not a whole field are refused and read 0 */
    bad0 = f->pci.stat_bad_access;
    assert_int_equal(emk_virtio_drv_common_read(&f->d, EMK_VIRTIO_PCI_NUM_QUEUES, 1), 0);
    emk_virtio_drv_common_write(&f->d, EMK_VIRTIO_PCI_STATUS + 1, 1, 0);
    emk_virtio_drv_common_write(&f->d, EMK_VIRTIO_PCI_NUM_QUEUES, 2, 9);
    assert_int_equal(f->pci.stat_bad_access, bad0 + 3);
    assert_int_equal(emk_virtio_drv_common_read(&f->d, EMK_VIRTIO_PCI_NUM_QUEUES, 2), 1);
    /* a queue that does not exist reads as size 0 */
    emk_virtio_drv_common_write(&f->d, EMK_VIRTIO_PCI_Q_SELECT, 2, 5);
    assert_int_equal(emk_virtio_drv_common_read(&f->d, EMK_VIRTIO_PCI_Q_SIZE, 2), 0);
    emk_virtio_drv_set_status(&f->d, 0);
    assert_int_equal(emk_virtio_drv_status(&f->d), 0);
    teardown(f);
}

static void test_request_cap(void **state)
{
    fixture *f = setup(0, 0);
    emk_virtio_drv_buf b;
    uint16_t head;
    uint32_t len = 0;

    (void)state;
    assert_int_equal(emk_virtio_drv_negotiate(&f->d, 0), 0);
    assert_int_equal(emk_virtio_drv_queue(&f->d, 0, 8, EMK_VIRTIO_NO_VECTOR), 0);
    emk_virtio_drv_ok(&f->d);
    b.gpa = emk_tm_alloc(f->tm, 1u << 20, 4096);
    b.len = 1u << 20;
    b.writable = 1;
    assert_true(emk_virtio_drv_add(&f->d, 0, &b, 1, 0) >= 0);
    emk_virtio_drv_kick(&f->d, 0);
    assert_true(wait_used(f, 0, &head, &len));
    assert_int_equal(len, EMK_VIRTIO_RNG_MAX_REQUEST);
    /* a buffer outside RAM: 0 bytes, the queue goes on */
    b.gpa = 0x7f000000ull;
    b.len = 64;
    assert_true(emk_virtio_drv_add(&f->d, 0, &b, 1, 0) >= 0);
    emk_virtio_drv_kick(&f->d, 0);
    assert_true(wait_used(f, 0, &head, &len));
    assert_int_equal(len, 0);
    assert_int_equal(f->rng.stat_errors, 1);
    /* the failed request drew its 64 bytes from the source */
    one_request(f, 32, 0, (uint8_t)(EMK_VIRTIO_RNG_MAX_REQUEST + 64));
    teardown(f);
}

/* The device on an iothread: the vCPU (this thread) touches BAR 4 and
 * config space, each access handed over to the device's loop. */
static void test_iothread(void **state)
{
    fixture *f = setup(1, 0);
    int i;

    (void)state;
    assert_int_equal(emk_pci_enum_msix_setup(&f->e, (unsigned)f->idx, MSI_ADDR,
                                             MSI_DATA, 2), 0);
    assert_int_equal(emk_virtio_drv_negotiate(&f->d, bit(EMK_VIRTIO_F_RING_EVENT_IDX)), 0);
    assert_int_equal(emk_virtio_drv_queue(&f->d, 0, 16, 0), 0);
    emk_virtio_drv_ok(&f->d);
    for (i = 0; i < 50; i++)
        one_request(f, 48, 0, (uint8_t)(48 * i));
    assert_int_equal(emk_virtio_drv_window_read(&f->d, EMK_VIRTIO_PCI_NUM_QUEUES, 2), 1);
    emk_virtio_drv_set_status(&f->d, 0);
    assert_int_equal(emk_virtio_drv_status(&f->d), 0);
    teardown(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_and_caps),
        cmocka_unit_test(test_negotiation),
        cmocka_unit_test(test_io_intx),
        cmocka_unit_test(test_io_msix_indirect_event_idx),
        cmocka_unit_test(test_queue_reset_and_device_reset),
        cmocka_unit_test(test_broken_ring_and_bad_access),
        cmocka_unit_test(test_request_cap),
        cmocka_unit_test(test_iothread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
