/*
 * fixture.c - see fixture.h.
 */
#include <stdlib.h>

#include "fixture.h"

void fx_start(fx *f, void (*setup)(emk_nvme_options *o), int niothreads)
{
    fx_start_on(f, setup, niothreads, NULL);
}

void fx_start_on(fx *f, void (*setup)(emk_nvme_options *o), int niothreads,
                 emk_loop *dev_loop)
{
    emk_tm_config cfg;
    emk_bus *bus;
    int err = 0, i;

    memset(f, 0, sizeof(*f));
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_size = 64ull << 20;
    cfg.real_clock = 0;
    f->tm = emk_tm_new(&cfg, &err);
    assert_non_null(f->tm);
    emk_nvme_options_default(&f->o);
    f->o.max_queues = 4;
    f->o.max_queue_entries = 256;
    f->o.nns = 2;
    f->o.ns[0].backend = "ram:4M";
    f->o.ns[0].lba_shift = 9;
    f->o.ns[1].backend = "ram:8M";
    f->o.ns[1].lba_shift = 12;
    for (i = 0; i < niothreads; i++) {
        f->it[i] = emk_iothread_start("nvme-io", NULL, &err);
        assert_non_null(f->it[i]);
        f->o.iothreads[i] = emk_iothread_loop(f->it[i]);
    }
    f->o.niothreads = (unsigned)niothreads;
    if (setup)
        setup(&f->o);
    f->n = &f->nvme;
    assert_int_equal(emk_nvme_init(f->n, &f->o, emk_tm_bus(f->tm), dev_loop), 0);
    fx_wire_msis(f);
    bus = emk_tm_bus(f->tm);
    assert_int_equal(emk_bus_map_region(bus, emk_nvme_bar0(f->n), FX_BAR), 0);
    f->buf = emk_tm_alloc(f->tm, 128 << 10, FX_PAGE);
    f->buf2 = emk_tm_alloc(f->tm, 128 << 10, FX_PAGE);
    f->list = emk_tm_alloc(f->tm, 3 * FX_PAGE, FX_PAGE);
    assert_true(f->buf && f->buf2 && f->list);
}

void fx_start_drv(fx *f, void (*setup)(emk_nvme_options *o), int niothreads,
                  unsigned nioq, int shadow)
{
    fx_start_drv_on(f, setup, niothreads, nioq, shadow, NULL);
}

void fx_start_drv_on(fx *f, void (*setup)(emk_nvme_options *o),
                     int niothreads, unsigned nioq, int shadow,
                     emk_loop *dev_loop)
{
    emk_nvme_drv_opts o;

    fx_start_on(f, setup, niothreads, dev_loop);
    memset(&o, 0, sizeof(o));
    o.nioq = nioq;
    o.qsize = 64;
    o.shadow = shadow;
    o.threaded = niothreads > 0 || dev_loop;
    assert_int_equal(emk_nvme_drv_init(&f->d, f->tm, FX_BAR, &o), 0);
}

void fx_wire_msis(fx *f)
{
    emk_irq_init_msis(f->vec, EMK_NVME_MAX_VECTORS, "nvme-msi",
                      emk_nvme_dev(f->n), FX_MSI_ADDR, 0);
    emk_nvme_set_irqs(f->n, f->vec, EMK_NVME_MAX_VECTORS, NULL);
}

void fx_stop(fx *f)
{
    emk_bus *bus = emk_tm_bus(f->tm);
    int i;

    emk_nvme_reset(f->n);      /* quiesces the queues' threads first */
    emk_tm_run_pending(f->tm, 1000);
    emk_bus_unmap_region(bus, emk_nvme_bar0(f->n));
    emk_nvme_cleanup(f->n);
    for (i = 0; i < 2; i++)
        if (f->it[i])
            emk_iothread_stop(f->it[i]);
    emk_tm_free(f->tm);
}

uint16_t fx_admin(fx *f, uint8_t cmd[64], emk_nvme_cqe *c)
{
    assert_int_equal(emk_nvme_drv_exec(&f->d, &f->d.admin, cmd, c), 0);
    return c->status;
}

uint16_t fx_io(fx *f, uint8_t cmd[64], emk_nvme_cqe *c)
{
    assert_int_equal(emk_nvme_drv_exec(&f->d, &f->d.io[0], cmd, c), 0);
    return c->status;
}

uint8_t *fx_ram(fx *f, uint64_t gpa, uint64_t len)
{
    uint8_t *p = emk_tm_ram(f->tm, gpa, len);

    assert_non_null(p);
    return p;
}

void fx_pattern(fx *f, uint64_t gpa, uint64_t len, unsigned seed)
{
    uint8_t *p = fx_ram(f, gpa, len);
    uint64_t i;
    uint32_t x = seed * 2654435761u + 1;

    for (i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (uint8_t)(x >> 16);
    }
}

uint32_t fx_mmio32(fx *f, uint64_t off)
{
    uint64_t v = 0;

    emk_tm_mmio_read(f->tm, FX_BAR + off, 4, &v);
    return (uint32_t)v;
}

void fx_wr32(fx *f, uint64_t off, uint32_t v)
{
    emk_tm_mmio_write(f->tm, FX_BAR + off, 4, v);
}
