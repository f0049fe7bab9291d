/*
 * test_pci_msi.c - MSI (multiple messages, per-vector masking, pending)
 * and MSI-X (table in a BAR, per-vector and function masks, PBA, pending
 * delivery on unmask, bus-master gating).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <cmocka.h>

#include "pci/pci_fixture.h"
#include "pci/pci_test_util.h"

static const uint32_t MSIX_BAR_ADDR = 0x81000000u;


static int pop(fixture *f, emk_tm_msi *m)
{
    return emk_tm_msi_pop(f->tm, m);
}

static void test_msi(void **state)
{
    fixture *f = *state;
    emk_pci_fn *fn = &f->tdevs[0].fn;
    unsigned c = fn->msi.cap;
    emk_tm_msi m;

    /* 64-bit, per-vector masking, 4 vectors requested (MMC = 2) */
    assert_int_equal(emk_pci_config_read(fn, c + 2, 2), 0x0184);
    assert_int_equal(emk_pci_msi_notify(fn, 0), -ENOTCONN);
    wr(fn, c + 4, 4, 0xfee00003);           /* low 2 bits are RO */
    assert_int_equal(emk_pci_config_read(fn, c + 4, 4), 0xfee00000);
    wr(fn, c + 8, 4, 0x1);
    wr(fn, c + 0xc, 2, 0x4440);
    wr(fn, c + 2, 2, 0xffff);               /* enable + MME = 7 (too many) */
    assert_int_equal(emk_pci_config_read(fn, c + 2, 2), 0x01f5);
    wr(fn, c + 2, 2, 0x0021);               /* enable, MME = 2: 4 vectors */
    assert_true(emk_pci_msi_enabled(fn));
    assert_int_equal(emk_pci_msi_notify(fn, 2), -EPERM);   /* no bus master */
    assert_int_equal(pop(f, &m), 0);
    wr(fn, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MASTER);
    assert_int_equal(emk_pci_msi_notify(fn, 2), 0);
    assert_int_equal(pop(f, &m), 1);
    assert_int_equal(m.addr, 0x1fee00000ull);
    assert_int_equal(m.data, 0x4442);
    assert_int_equal(emk_pci_msi_notify(fn, 4), -EINVAL);
    /* mask vector 1: the message stays pending (pending register RO) */
    wr(fn, c + 0x10, 4, 0xffffffff);
    assert_int_equal(emk_pci_config_read(fn, c + 0x10, 4), 0xf);
    assert_int_equal(emk_pci_msi_notify(fn, 1), 1);
    assert_int_equal(pop(f, &m), 0);
    assert_int_equal(emk_pci_config_read(fn, c + 0x14, 4), 0x2);
    wr(fn, c + 0x14, 4, 0);
    assert_int_equal(emk_pci_config_read(fn, c + 0x14, 4), 0x2);
    wr(fn, c + 0x10, 4, 0xd);               /* unmask vector 1 only */
    assert_int_equal(pop(f, &m), 1);
    assert_int_equal(m.data, 0x4441);
    assert_int_equal(emk_pci_config_read(fn, c + 0x14, 4), 0);
    assert_int_equal(fn->stat_msi_sent, 2);
}

/* Programs the exclusive MSI-X BAR and enables memory + bus mastering. */
static void map_msix(fixture *f, emk_pci_fn *fn)
{
    wr(fn, EMK_PCI_BAR0 + 16, 4, MSIX_BAR_ADDR);
    wr(fn, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MEMORY | EMK_PCI_COMMAND_MASTER);
    assert_true(fn->bars[4].mapped);
    (void)f;
}

static void program_entry(fixture *f, unsigned v, uint64_t addr, uint32_t data)
{
    uint64_t e = MSIX_BAR_ADDR + 16u * v;

    assert_int_equal(emk_tm_mmio_write(f->tm, e, 4, (uint32_t)addr), 0);
    assert_int_equal(emk_tm_mmio_write(f->tm, e + 4, 4, addr >> 32), 0);
    assert_int_equal(emk_tm_mmio_write(f->tm, e + 8, 4, data), 0);
}

static uint64_t pba(fixture *f)
{
    uint64_t v = ~0ull;

    assert_int_equal(emk_tm_mmio_read(f->tm, MSIX_BAR_ADDR + 0x800, 8, &v), 0);
    return v;
}

static void test_msix_cap_and_table(void **state)
{
    fixture *f = *state;
    emk_pci_fn *fn = &f->tdevs[0].fn;
    unsigned c = fn->msix.cap;
    uint64_t v;

    assert_int_equal(emk_pci_config_read(fn, c + 2, 2), TDEV_MSIX_VECTORS - 1);
    assert_int_equal(emk_pci_config_read(fn, c + 4, 4), 0x00000004); /* BIR 4, off 0 */
    assert_int_equal(emk_pci_config_read(fn, c + 8, 4), 0x00000804);
    wr(fn, c + 2, 2, 0xffff);
    assert_int_equal(emk_pci_config_read(fn, c + 2, 2), 0xc000 | (TDEV_MSIX_VECTORS - 1));
    wr(fn, c + 4, 4, 0);                                /* table offset RO */
    assert_int_equal(emk_pci_config_read(fn, c + 4, 4), 0x00000004);
    wr(fn, c + 2, 2, 0);
    map_msix(f, fn);
    /* every vector starts masked */
    assert_int_equal(emk_tm_mmio_read(f->tm, MSIX_BAR_ADDR + 12, 4, &v), 0);
    assert_int_equal(v, 1);
    program_entry(f, 3, 0xfee01000, 0x55);
    assert_int_equal(emk_tm_mmio_read(f->tm, MSIX_BAR_ADDR + 48, 8, &v), 0);
    assert_int_equal(v, 0xfee01000);
    assert_int_equal(emk_tm_mmio_read(f->tm, MSIX_BAR_ADDR + 56, 4, &v), 0);
    assert_int_equal(v, 0x55);
    /* vector control: only the mask bit is writable */
    assert_int_equal(emk_tm_mmio_write(f->tm, MSIX_BAR_ADDR + 60, 4, 0xfffffffe), 0);
    assert_int_equal(emk_tm_mmio_read(f->tm, MSIX_BAR_ADDR + 60, 4, &v), 0);
    assert_int_equal(v, 0);
    /* 64-bit write of data + control */
    assert_int_equal(emk_tm_mmio_write(f->tm, MSIX_BAR_ADDR + 56, 8,
                                       0x0000000100000066ull), 0);
    assert_int_equal(emk_tm_mmio_read(f->tm, MSIX_BAR_ADDR + 56, 8, &v), 0);
    assert_int_equal(v, 0x0000000100000066ull);
    /* 2-byte and misaligned accesses are rejected by the region */
    assert_true(emk_tm_mmio_read(f->tm, MSIX_BAR_ADDR, 2, &v) < 0);
    assert_int_equal(v & 0xffff, 0xffff);        /* all-ones of the access size */
    assert_true(emk_tm_mmio_write(f->tm, MSIX_BAR_ADDR + 2, 4, 0) < 0);
    /* PBA is read-only; the unused rest of the BAR reads zero */
    assert_int_equal(emk_tm_mmio_write(f->tm, MSIX_BAR_ADDR + 0x800, 8, ~0ull), 0);
    assert_int_equal(pba(f), 0);
    assert_int_equal(emk_tm_mmio_read(f->tm, MSIX_BAR_ADDR + 0x400, 4, &v), 0);
    assert_int_equal(v, 0);
}

static void test_msix_delivery(void **state)
{
    fixture *f = *state;
    emk_pci_fn *fn = &f->tdevs[0].fn;
    unsigned c = fn->msix.cap, v;
    emk_tm_msi m;

    map_msix(f, fn);
    for (v = 0; v < TDEV_MSIX_VECTORS; v++)
        program_entry(f, v, 0xfee00000u + v * 0x1000u, 0x100 + v);
    assert_int_equal(emk_pci_msix_notify(fn, 0), -ENOTCONN);
    assert_int_equal(emk_pci_msix_notify(fn, TDEV_MSIX_VECTORS), -EINVAL);
    wr(fn, c + 2, 2, EMK_PCI_MSIX_FLAGS_ENABLE);
    assert_true(emk_pci_msix_enabled(fn));
    /* masked vector: pending, visible in the PBA */
    assert_int_equal(emk_pci_msix_notify(fn, 5), 1);
    assert_int_equal(pop(f, &m), 0);
    assert_true(emk_pci_msix_pending(fn, 5));
    assert_int_equal(pba(f), 1u << 5);
    /* unmasking vector 5 delivers it and clears the pending bit */
    assert_int_equal(emk_tm_mmio_write(f->tm, MSIX_BAR_ADDR + 5 * 16 + 12, 4, 0), 0);
    assert_int_equal(pop(f, &m), 1);
    assert_int_equal(m.addr, 0xfee05000u);
    assert_int_equal(m.data, 0x105);
    assert_int_equal(pba(f), 0);
    /* unmasked: immediate */
    assert_int_equal(emk_pci_msix_notify(fn, 5), 0);
    assert_int_equal(pop(f, &m), 1);
    /* function mask: pending until cleared */
    wr(fn, c + 2, 2, EMK_PCI_MSIX_FLAGS_ENABLE | EMK_PCI_MSIX_FLAGS_MASKALL);
    assert_true(emk_pci_msix_masked(fn, 5));
    assert_int_equal(emk_pci_msix_notify(fn, 5), 1);
    assert_int_equal(pop(f, &m), 0);
    wr(fn, c + 2, 2, EMK_PCI_MSIX_FLAGS_ENABLE);
    assert_int_equal(pop(f, &m), 1);
    assert_int_equal(m.data, 0x105);
    /* bus master off: held pending, sent when mastering comes back */
    wr(fn, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MEMORY);
    assert_int_equal(emk_pci_msix_notify(fn, 5), -EPERM);
    assert_true(emk_pci_msix_pending(fn, 5));
    assert_int_equal(pop(f, &m), 0);
    wr(fn, EMK_PCI_COMMAND, 2, EMK_PCI_COMMAND_MEMORY | EMK_PCI_COMMAND_MASTER);
    assert_int_equal(pop(f, &m), 1);
    assert_false(emk_pci_msix_pending(fn, 5));
    /* a device may withdraw a pending vector */
    assert_int_equal(emk_pci_msix_notify(fn, 2), 1);
    emk_pci_msix_clear_pending(fn, 2);
    assert_int_equal(emk_tm_mmio_write(f->tm, MSIX_BAR_ADDR + 2 * 16 + 12, 4, 0), 0);
    assert_int_equal(pop(f, &m), 0);
    /* INTx is not asserted while MSI-X is enabled */
    emk_pci_set_irq(fn, 1);
    assert_int_equal(emk_tm_irq_level(f->tm, 0), 0);
    wr(fn, c + 2, 2, 0);
    assert_int_equal(emk_tm_irq_level(f->tm, 0), 1);
    emk_pci_set_irq(fn, 0);
    assert_int_equal(fn->stat_msi_sent, 4);
}

static void test_msix_shared_bar(void **state)
{
    fixture *f = *state;
    tdev t;
    static uint8_t storage[2048 * 16 + 256];
    uint64_t v = 0;
    int off;
    emk_region big = {"big", NULL, NULL, 0x10000, EMK_SPACE_MEM, NULL, 0, 0};
    emk_region_ops ops = {NULL, NULL, EMK_SIZE_4, 0};
    emk_pci_id id = {1, 2, 0, 0, 0x020000, 0, 0, 0, 0, 1};

    big.ops = &ops;
    emk_dev_init(&t.dev, "shared", emk_tm_bus(f->tm), NULL);
    assert_int_equal(emk_pci_fn_init(&t.fn, &t.dev, &id, NULL, NULL), 0);
    assert_int_equal(emk_pci_bar_register(&t.fn, 0, &big, EMK_PCI_BAR_MEM32), 0);
    /* errors: PBA overlapping the table, BAR too small, bad alignment */
    assert_int_equal(emk_pci_msix_init(&t.fn, 64, 0, 0x1000, 0, 0x1200, storage), -EINVAL);
    assert_int_equal(emk_pci_msix_init(&t.fn, 2048, 0, 0x8008, 0, 0x100, storage), -EINVAL);
    assert_int_equal(emk_pci_msix_init(&t.fn, 4, 0, 0x1004, 0, 0x2000, storage), -EINVAL);
    assert_int_equal(emk_pci_msix_init(&t.fn, 0, 0, 0x1000, 0, 0x2000, storage), -EINVAL);
    assert_int_equal(emk_pci_msix_init(&t.fn, 2049, 0, 0x1000, 0, 0x2000, storage), -EINVAL);
    off = emk_pci_msix_init(&t.fn, 2048, 0, 0x0, 0, 0x8000, storage);
    assert_true(off >= 0x40);
    assert_int_equal(off, emk_pci_cap_find(&t.fn, EMK_PCI_CAP_ID_MSIX));
    assert_int_equal(emk_pci_msix_storage_size(2048), 2048 * 16 + 256);
    /* the device's own registers are not the core's */
    assert_int_equal(emk_pci_msix_mmio(&t.fn, 0, 0x9000, 4, &v, 0), 0);
    assert_int_equal(emk_pci_msix_mmio(&t.fn, 1, 0x0, 4, &v, 0), 0);
    assert_int_equal(emk_pci_msix_mmio(&t.fn, 0, 2047 * 16 + 12, 4, &v, 0), 1);
    assert_int_equal(v, 1);
    v = 0;
    assert_int_equal(emk_pci_msix_mmio(&t.fn, 0, 2047 * 16 + 12, 4, &v, 1), 1);
    assert_false(emk_pci_msix_masked(&t.fn, 2047));
    assert_true(emk_pci_msix_masked(&t.fn, 2046));
    assert_int_equal(emk_pci_msix_mmio(&t.fn, 0, 0x8000 + 255, 1, &v, 0), 1);
}

/* A device thread raising vectors while the vCPU (this thread) masks and
 * unmasks them: the device's check of the masks and the pending bit it
 * sets are one step against the unmask's flush, so no vector is ever left
 * pending while unmasked (a lost interrupt).  Run under ThreadSanitizer
 * too (tests/tsan/run.sh). */
typedef struct raiser {
    emk_pci_fn *fn;
    int stop;
    unsigned long raised;
    unsigned long rc[3];
} raiser;

static void *raise_main(void *opaque)
{
    raiser *r = opaque;
    unsigned v = 0;

    while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
        int rc;
        rc = emk_pci_msix_notify(r->fn, v++ % TDEV_MSIX_VECTORS);
        r->rc[rc < 0 ? 2 : rc]++;
        __atomic_fetch_add(&r->raised, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void test_msix_threads(void **state)
{
    fixture *f = *state;
    emk_pci_fn *fn = &f->tdevs[0].fn;
    unsigned c = fn->msix.cap, v, round;
    raiser r;
    pthread_t th;
    emk_tm_msi m;
    unsigned long got = 0;

    map_msix(f, fn);
    for (v = 0; v < TDEV_MSIX_VECTORS; v++)
        program_entry(f, v, 0xfee00000u, 0x200 + v);
    wr(fn, c + 2, 2, EMK_PCI_MSIX_FLAGS_ENABLE);
    r.fn = fn;
    r.stop = 0;
    r.raised = 0;
    r.rc[0] = r.rc[1] = r.rc[2] = 0;
    assert_int_equal(pthread_create(&th, NULL, raise_main, &r), 0);
    /* both sides busy at once: at least 20000 mask writes and 50000
     * raises (bounded, in case the raiser never gets a core) */
    for (round = 0; round < 20000 || (__atomic_load_n(&r.raised,
                    __ATOMIC_RELAXED) < 50000 && round < 20000000); round++) {
        v = round % TDEV_MSIX_VECTORS;
        assert_int_equal(emk_tm_mmio_write(f->tm, MSIX_BAR_ADDR + 16u * v + 12,
                                           4, round & 1), 0);
        if (round % 64 == 0)
            wr(fn, c + 2, 2, EMK_PCI_MSIX_FLAGS_ENABLE |
               (round & 64 ? EMK_PCI_MSIX_FLAGS_MASKALL : 0));
        while (emk_tm_msi_pop(f->tm, &m))
            got++;
    }
    __atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
    pthread_join(th, NULL);
    for (v = 0; v < TDEV_MSIX_VECTORS; v++)
        assert_false(emk_pci_msix_pending(fn, v) && !emk_pci_msix_masked(fn, v));
    while (emk_tm_msi_pop(f->tm, &m))
        got++;
    print_message("%u mask writes, %lu raised: %lu sent, %lu left pending, "
                  "%lu refused; %lu delivered\n", round, r.raised, r.rc[0],
                  r.rc[1], r.rc[2], got);
    /* afterwards: unmasking everything delivers every pending vector, and
     * each vector then goes out at once (how many went out during the
     * race depends on the scheduler, so it is only printed) */
    wr(fn, c + 2, 2, EMK_PCI_MSIX_FLAGS_ENABLE);
    for (v = 0; v < TDEV_MSIX_VECTORS; v++)
        assert_int_equal(emk_tm_mmio_write(f->tm, MSIX_BAR_ADDR + 16u * v + 12,
                                           4, 0), 0);
    assert_int_equal(pba(f), 0);
    for (v = 0; v < TDEV_MSIX_VECTORS; v++)
        assert_int_equal(emk_pci_msix_notify(fn, v), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_msi, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_msix_cap_and_table, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_msix_delivery, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_msix_shared_bar, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_msix_threads, fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
