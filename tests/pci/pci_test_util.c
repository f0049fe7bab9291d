/*
 * pci_test_util.c - cmocka helpers shared by the PCI unit tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "pci/pci_test_util.h"

int fixture_setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));

    if (!f || fixture_build(f) < 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

int fixture_teardown(void **state)
{
    fixture *f = *state;

    fixture_free(f);
    free(f);
    return 0;
}

uint32_t rd(emk_pci_fn *fn, uint32_t off, unsigned size)
{
    return emk_pci_config_read(fn, off, size);
}

void wr(emk_pci_fn *fn, uint32_t off, unsigned size, uint32_t v)
{
    assert_int_equal(emk_pci_config_write(fn, off, size, v), 0);
}
