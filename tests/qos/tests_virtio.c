/*
 * tests_virtio.c - the virtio-transport tests: a request through queue 0
 * (every byte checked against the device's counting source, the
 * interrupt in the path's mode) and a device reset.
 */
#include "qos.h"
#include "qos_cmocka.h"
#include "emkit/guest/virtio_drv.h"

static void request(qos_ctx *c, uint32_t len)
{
    uint64_t gpa = emk_tm_alloc(c->tm, len, 16);
    uint8_t *p, first;
    uint32_t i;

    assert_true(gpa != 0);
    p = emk_tm_ram(c->tm, gpa, len);
    memset(p, 0, len);
    first = *c->virtio.next;
    assert_int_equal(qos_virtio_request(c, gpa, len, 5000), (long)len);
    for (i = 0; i < len; i++)
        assert_int_equal(p[i], (uint8_t)(first + i));
}

void qos_test_entropy(qos_ctx *c)
{
    (void)qos_irq_check(c, c->opts.irq);
    request(c, 300);
    assert_int_equal(qos_irq_check(c, c->opts.irq), 0);
    request(c, 17);
    assert_int_equal(qos_irq_check(c, c->opts.irq), 0);
}

void qos_test_virtio_reset(qos_ctx *c)
{
    emk_virtio_drv *d = c->virtio.d;

    request(c, 64);
    emk_virtio_drv_set_status(d, 0);
    assert_int_equal(emk_virtio_drv_status(d), 0);
    assert_int_equal(emk_virtio_drv_common_read(d, EMK_VIRTIO_PCI_Q_ENABLE, 2), 0);
    assert_int_equal(c->virtio.setup(c), 0);
    request(c, 64);
}
