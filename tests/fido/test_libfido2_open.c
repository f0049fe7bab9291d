/*
 * test_libfido2_open.c - libfido2 (the peer) opens the in-process key and
 * reads authenticatorGetInfo: the CTAPHID INIT handshake, a CBOR request,
 * and the fields libfido2 parses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fido_io.h"

static void open_and_info(void **state)
{
    fio_key f;
    fido_dev_t *dev;
    fido_cbor_info_t *ci;
    char *const *v;
    size_t n;
    int fido2 = 0;

    (void)state;
    assert_int_equal(fio_key_init(&f, NULL), 0);
    dev = fio_dev(&f);
    assert_non_null(dev);
    assert_true(fido_dev_is_fido2(dev));
    ci = fido_cbor_info_new();
    assert_non_null(ci);
    assert_int_equal(fido_dev_get_cbor_info(dev, ci), FIDO_OK);
    v = fido_cbor_info_versions_ptr(ci);
    n = fido_cbor_info_versions_len(ci);
    for (size_t i = 0; i < n; i++)
        fido2 |= !strcmp(v[i], "FIDO_2_1");
    assert_true(fido2);
    assert_int_equal(fido_cbor_info_aaguid_len(ci), EMK_FIDO_AAGUID_LEN);
    assert_memory_equal(fido_cbor_info_aaguid_ptr(ci), emk_fido_aaguid(),
                        EMK_FIDO_AAGUID_LEN);
    assert_int_equal(fido_cbor_info_maxmsgsiz(ci), EMK_FIDO_MSG_MAX);
    fido_cbor_info_free(&ci);
    assert_int_equal(fido_dev_close(dev), FIDO_OK);
    fido_dev_free(&dev);
    assert_int_equal(f.overflows, 0);
    fio_key_cleanup(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_and_info),
    };

    fido_init(0);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
