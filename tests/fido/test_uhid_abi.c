/*
 * test_uhid_abi.c - the uhid event layout that src/cli/fido_uhid.c writes
 * by offset (so that musl builds without kernel headers speak it) against
 * the kernel's own struct uhid_event in <linux/uhid.h>, and the events it
 * encodes: UHID_CREATE2 with our report descriptor, UHID_INPUT2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <linux/uhid.h>

#include "fido_serve.h"

static void offsets_match_the_kernel(void **state)
{
    (void)state;
    assert_int_equal(sizeof(struct uhid_event), EMK_UHID_EVENT_SIZE);
#define OFF(m) (offsetof(struct uhid_event, u) + offsetof(m))
    assert_int_equal(offsetof(struct uhid_event, u), 4);
    assert_int_equal(offsetof(struct uhid_create2_req, name) + 4, EMK_UHID_C2_NAME);
    assert_int_equal(offsetof(struct uhid_create2_req, phys) + 4, EMK_UHID_C2_PHYS);
    assert_int_equal(offsetof(struct uhid_create2_req, uniq) + 4, EMK_UHID_C2_UNIQ);
    assert_int_equal(offsetof(struct uhid_create2_req, rd_size) + 4, EMK_UHID_C2_RD_SIZE);
    assert_int_equal(offsetof(struct uhid_create2_req, bus) + 4, EMK_UHID_C2_BUS);
    assert_int_equal(offsetof(struct uhid_create2_req, vendor) + 4, EMK_UHID_C2_VENDOR);
    assert_int_equal(offsetof(struct uhid_create2_req, product) + 4, EMK_UHID_C2_PRODUCT);
    assert_int_equal(offsetof(struct uhid_create2_req, version) + 4, EMK_UHID_C2_VERSION);
    assert_int_equal(offsetof(struct uhid_create2_req, country) + 4, EMK_UHID_C2_COUNTRY);
    assert_int_equal(offsetof(struct uhid_create2_req, rd_data) + 4, EMK_UHID_C2_RD_DATA);
    assert_int_equal(offsetof(struct uhid_input2_req, size) + 4, EMK_UHID_IN2_SIZE);
    assert_int_equal(offsetof(struct uhid_input2_req, data) + 4, EMK_UHID_IN2_DATA);
    assert_int_equal(offsetof(struct uhid_output_req, data) + 4, EMK_UHID_OUT_DATA);
    assert_int_equal(offsetof(struct uhid_output_req, size) + 4, EMK_UHID_OUT_SIZE);
    assert_int_equal(offsetof(struct uhid_output_req, rtype) + 4, EMK_UHID_OUT_RTYPE);
    assert_int_equal(offsetof(struct uhid_get_report_req, id) + 4, EMK_UHID_GR_ID);
    assert_int_equal(offsetof(struct uhid_set_report_req, id) + 4, EMK_UHID_GR_ID);
    assert_int_equal(offsetof(struct uhid_get_report_reply_req, id) + 4, EMK_UHID_GRR_ID);
    assert_int_equal(offsetof(struct uhid_get_report_reply_req, err) + 4, EMK_UHID_GRR_ERR);
    assert_int_equal(offsetof(struct uhid_get_report_reply_req, size) + 4, EMK_UHID_GRR_SIZE);
    assert_int_equal(offsetof(struct uhid_set_report_reply_req, err) + 4, EMK_UHID_GRR_ERR);
    assert_int_equal(UHID_DATA_MAX, EMK_UHID_DATA_MAX);
    assert_int_equal(HID_MAX_DESCRIPTOR_SIZE, EMK_UHID_DATA_MAX);
    assert_int_equal(UHID_DESTROY, EMK_UHID_DESTROY);
    assert_int_equal(UHID_START, EMK_UHID_START);
    assert_int_equal(UHID_STOP, EMK_UHID_STOP);
    assert_int_equal(UHID_OPEN, EMK_UHID_OPEN);
    assert_int_equal(UHID_CLOSE, EMK_UHID_CLOSE);
    assert_int_equal(UHID_OUTPUT, EMK_UHID_OUTPUT);
    assert_int_equal(UHID_GET_REPORT, EMK_UHID_GET_REPORT);
    assert_int_equal(UHID_GET_REPORT_REPLY, EMK_UHID_GET_REPORT_REPLY);
    assert_int_equal(UHID_CREATE2, EMK_UHID_CREATE2);
    assert_int_equal(UHID_INPUT2, EMK_UHID_INPUT2);
    assert_int_equal(UHID_SET_REPORT, EMK_UHID_SET_REPORT);
    assert_int_equal(UHID_SET_REPORT_REPLY, EMK_UHID_SET_REPORT_REPLY);
    assert_int_equal(UHID_OUTPUT_REPORT, EMK_UHID_OUTPUT_REPORT);
    assert_int_equal(BUS_USB, EMK_UHID_BUS_USB);
#undef OFF
}

static void events_read_back_through_the_kernel_struct(void **state)
{
    static struct uhid_event ev;
    size_t rd_len, n;
    const uint8_t *rd = emk_fido_hid_descriptor(&rd_len);
    uint8_t rep[EMK_FIDO_REPORT];

    (void)state;
    emk_uhid_create2((uint8_t *)&ev, rd, rd_len);
    assert_int_equal(ev.type, UHID_CREATE2);
    assert_string_equal((const char *)ev.u.create2.name, "emkit FIDO2 key");
    assert_int_equal(ev.u.create2.rd_size, rd_len);
    assert_int_equal(ev.u.create2.bus, BUS_USB);
    assert_int_equal(ev.u.create2.vendor, EMK_FIDO_UHID_VENDOR);
    assert_int_equal(ev.u.create2.product, EMK_FIDO_UHID_PRODUCT);
    assert_memory_equal(ev.u.create2.rd_data, rd, rd_len);
    for (size_t i = 0; i < sizeof(rep); i++)
        rep[i] = (uint8_t)(i + 1);
    n = emk_uhid_input2((uint8_t *)&ev, rep, sizeof(rep));
    assert_int_equal(n, offsetof(struct uhid_event, u) + offsetof(struct uhid_input2_req, data) + 64);
    assert_int_equal(ev.type, UHID_INPUT2);
    assert_int_equal(ev.u.input2.size, 64);
    assert_memory_equal(ev.u.input2.data, rep, 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(offsets_match_the_kernel),
        cmocka_unit_test(events_read_back_through_the_kernel_struct),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
