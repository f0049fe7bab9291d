/*
 * test_ident.c - controller and namespace identity: default serial,
 * SUBNQN, NGUID, EUI-64 and UUID differ between controllers (so Linux
 * does not take two controllers for one subsystem), set values are
 * reported by Identify, and bad values are refused.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fixture.h"

typedef struct ids {
    char sn[21];
    char nqn[257];
    uint8_t nguid[2][16], eui64[2][8], uuid[2][16];
} ids;

static const char *g_path, *g_serial, *g_nqn;
static int g_set_ns;

static void setup(emk_nvme_options *o)
{
    o->path = g_path;
    o->serial = g_serial;
    o->subnqn = g_nqn;
    if (g_set_ns) {
        assert_int_equal(emk_nvme_parse_id(
            "123e4567-e89b-12d3-a456-426614174000", o->ns[1].uuid, 16), 0);
        assert_int_equal(emk_nvme_parse_id("00112233445566778899aabbccddeeff",
                                           o->ns[1].nguid, 16), 0);
        assert_int_equal(emk_nvme_parse_id("02:00:5e:10:00:00:00:01",
                                           o->ns[1].eui64, 8), 0);
    }
}

/* Reads what the guest sees: Identify Controller (the driver's copy),
 * Identify Namespace and the descriptor list of nsid 1 and 2. */
static void read_ids(fx *f, ids *out)
{
    uint8_t cmd[64], *b;
    emk_nvme_cqe c;
    unsigned nsid, k;

    memset(out, 0, sizeof(*out));
    memcpy(out->sn, f->d.id_ctrl + 4, 20);
    memcpy(out->nqn, f->d.id_ctrl + 768, 256);
    b = fx_ram(f, f->buf, 4096);
    for (nsid = 1; nsid <= 2; nsid++) {
        emk_nvme_cmd_init(cmd, 0x06, nsid);          /* Identify Namespace */
        emk_nvme_cmd_dptr(cmd, f->buf, 0);
        emk_nvme_cmd_dw(cmd, 10, 0);
        assert_int_equal(fx_admin(f, cmd, &c), 0);
        memcpy(out->nguid[nsid - 1], b + 104, 16);
        memcpy(out->eui64[nsid - 1], b + 120, 8);
        emk_nvme_cmd_init(cmd, 0x06, nsid);          /* descriptors */
        emk_nvme_cmd_dptr(cmd, f->buf, 0);
        emk_nvme_cmd_dw(cmd, 10, 3);
        assert_int_equal(fx_admin(f, cmd, &c), 0);
        for (k = 0; k < 4096 && b[k]; k += 4u + b[k + 1]) {
            const uint8_t *v = b + k + 4;

            if (b[k] == 1) {
                assert_int_equal(b[k + 1], 8);
                assert_memory_equal(v, out->eui64[nsid - 1], 8);
            } else if (b[k] == 2) {
                assert_int_equal(b[k + 1], 16);
                assert_memory_equal(v, out->nguid[nsid - 1], 16);
            } else if (b[k] == 3) {
                assert_int_equal(b[k + 1], 16);
                memcpy(out->uuid[nsid - 1], v, 16);
            }
        }
        assert_false(out->uuid[nsid - 1][6] == 0 && out->uuid[nsid - 1][8] == 0);
    }
}

static void start(fx *f, const char *path, const char *serial,
                  const char *nqn, int set_ns)
{
    g_path = path;
    g_serial = serial;
    g_nqn = nqn;
    g_set_ns = set_ns;
    fx_start_drv(f, setup, 0, 1, 0);
}

static void assert_all_differ(const ids *a, const ids *b)
{
    int i;

    assert_string_not_equal(a->sn, b->sn);
    assert_string_not_equal(a->nqn, b->nqn);
    for (i = 0; i < 2; i++) {
        assert_memory_not_equal(a->nguid[i], b->nguid[i], 16);
        assert_memory_not_equal(a->eui64[i], b->eui64[i], 8);
        assert_memory_not_equal(a->uuid[i], b->uuid[i], 16);
    }
}

/* Two controllers without serial= or a path, alive at once. */
static void test_two_default(void **state)
{
    fx *f = calloc(2, sizeof(fx));
    ids a, b;

    (void)state;
    assert_non_null(f);
    start(&f[0], NULL, NULL, NULL, 0);
    start(&f[1], NULL, NULL, NULL, 0);
    read_ids(&f[0], &a);
    read_ids(&f[1], &b);
    assert_all_differ(&a, &b);
    assert_memory_equal(a.sn, "EMK", 3);
    /* the namespaces of one controller differ from each other too */
    assert_memory_not_equal(a.nguid[0], a.nguid[1], 16);
    assert_memory_not_equal(a.uuid[0], a.uuid[1], 16);
    assert_int_equal(a.uuid[0][6] >> 4, 4);          /* version 4 */
    assert_int_equal(a.uuid[0][8] >> 6, 2);          /* RFC 4122 variant */
    assert_string_equal(a.nqn + strlen("nqn.2026-01.org.emkit:nvme:"),
                        emk_nvme_serial(f[0].n));
    fx_stop(&f[1]);
    fx_stop(&f[0]);
    free(f);
}

/* Paths (QEMU: the PCI address) seed the defaults: two paths differ, the
 * same path gives the same IDs again (a guest sees a stable disk). */
static void test_paths(void **state)
{
    fx *f = calloc(2, sizeof(fx));
    ids a, b, c;

    (void)state;
    assert_non_null(f);
    start(&f[0], "0000:00:04.0", NULL, NULL, 0);
    start(&f[1], "0000:00:05.0", NULL, NULL, 0);
    read_ids(&f[0], &a);
    read_ids(&f[1], &b);
    assert_all_differ(&a, &b);
    assert_int_equal(strlen(emk_nvme_serial(f[0].n)), 19);
    fx_stop(&f[1]);
    start(&f[1], "0000:00:04.0", NULL, NULL, 0);     /* same path again */
    read_ids(&f[1], &c);
    assert_memory_equal(&a, &c, sizeof(a));
    fx_stop(&f[1]);
    /* same serial, other path: namespace IDs still differ */
    start(&f[1], "0000:00:05.0", a.sn, NULL, 0);
    read_ids(&f[1], &c);
    assert_memory_not_equal(a.nguid[0], c.nguid[0], 16);
    assert_memory_not_equal(a.uuid[0], c.uuid[0], 16);
    fx_stop(&f[1]);
    fx_stop(&f[0]);
    free(f);
}

/* serial=, subnqn= and a namespace's uuid/nguid/eui64 as set. */
static void test_set_values(void **state)
{
    static const uint8_t uuid[16] = { 0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b,
        0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00 };
    static const uint8_t nguid[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
    static const uint8_t eui[8] = { 0x02, 0x00, 0x5e, 0x10, 0, 0, 0, 1 };
    fx f;
    ids a;

    (void)state;
    start(&f, "0000:00:04.0", "SN-42", "nqn.2014-08.org.example:disk7", 1);
    read_ids(&f, &a);
    assert_memory_equal(a.sn, "SN-42               ", 20);  /* space padded */
    assert_string_equal(a.nqn, "nqn.2014-08.org.example:disk7");
    assert_memory_equal(a.uuid[1], uuid, 16);
    assert_memory_equal(a.nguid[1], nguid, 16);
    assert_memory_equal(a.eui64[1], eui, 8);
    assert_memory_not_equal(a.nguid[0], nguid, 16);    /* ns 1: derived */
    assert_string_equal(emk_nvme_subnqn(f.n), a.nqn);
    fx_stop(&f);
}

static void test_bad_values(void **state)
{
    emk_tm_config cfg;
    emk_nvme_options o;
    emk_tm *tm;
    emk_nvme *n = calloc(1, sizeof(*n));
    uint8_t id[16];
    char nqn[300];
    int err = 0;

    (void)state;
    assert_non_null(n);
    assert_int_equal(emk_nvme_parse_id("0011", id, 2), 0);
    assert_int_equal(id[1], 0x11);
    assert_int_equal(emk_nvme_parse_id("001", id, 2), -EINVAL);
    assert_int_equal(emk_nvme_parse_id("00112", id, 2), -EINVAL);
    assert_int_equal(emk_nvme_parse_id("001122", id, 2), -EINVAL);
    assert_int_equal(emk_nvme_parse_id("zz11", id, 2), -EINVAL);
    assert_int_equal(emk_nvme_parse_id("-0011", id, 2), -EINVAL);
    assert_int_equal(emk_nvme_parse_id("", id, 2), -EINVAL);
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_size = 16ull << 20;
    tm = emk_tm_new(&cfg, &err);
    assert_non_null(tm);
    emk_nvme_options_default(&o);
    o.nns = 2;
    o.ns[0].backend = "ram:1M";
    o.ns[1].backend = "ram:1M";
    o.serial = "012345678901234567890";              /* 21 characters */
    assert_int_equal(emk_nvme_init(n, &o, emk_tm_bus(tm), NULL), -EINVAL);
    o.serial = "tab\there";
    assert_int_equal(emk_nvme_init(n, &o, emk_tm_bus(tm), NULL), -EINVAL);
    o.serial = NULL;
    memset(nqn, 'a', sizeof(nqn) - 1);
    nqn[sizeof(nqn) - 1] = 0;
    o.subnqn = nqn;                                  /* longer than 223 */
    assert_int_equal(emk_nvme_init(n, &o, emk_tm_bus(tm), NULL), -EINVAL);
    o.subnqn = NULL;
    o.ns[0].uuid[0] = o.ns[1].uuid[0] = 7;           /* one UUID twice */
    assert_int_equal(emk_nvme_init(n, &o, emk_tm_bus(tm), NULL), -EINVAL);
    o.ns[1].uuid[0] = 8;
    assert_int_equal(emk_nvme_init(n, &o, emk_tm_bus(tm), NULL), 0);
    emk_nvme_cleanup(n);
    emk_tm_free(tm);
    free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_default),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_set_values),
        cmocka_unit_test(test_bad_values),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
