/*
 * pci_test_util.h - cmocka helpers shared by the PCI unit tests.
 * Include after <cmocka.h>.
 */
#ifndef EMK_TESTS_PCI_TEST_UTIL_H
#define EMK_TESTS_PCI_TEST_UTIL_H

#include "pci/pci_fixture.h"

/** cmocka group setup/teardown: a fresh fixture in *state. */
int fixture_setup(void **state);
int fixture_teardown(void **state);

/** Config read through the core's entry point. */
uint32_t rd(emk_pci_fn *fn, uint32_t off, unsigned size);
/** Config write that must succeed. */
void wr(emk_pci_fn *fn, uint32_t off, unsigned size, uint32_t v);

#endif
