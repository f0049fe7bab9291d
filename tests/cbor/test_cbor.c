/* test_cbor.c - the CBOR encoder and strict decoder (emkit/cbor.h):
 * RFC 8949 Appendix A (accepted examples decode to their values and
 * re-encode to the same bytes; floats, tags, indefinite lengths and
 * unassigned simple values are refused with -EPROTO), CTAP2 canonical key
 * order and duplicates, non-shortest heads, malformed heads, every
 * truncation of valid encodings, counts larger than the input, the depth
 * limit, UTF-8 edge cases in both directions, the accessors, encoder
 * round trips and -ENOSPC at every capacity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emkit/cbor.h"
#include "cbor_reenc.h"
#include "crypto/crypto_test.h"

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    long n = ct_unhex(s, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

/* Decodes hex from a heap copy of exactly its bytes, so ASan sees any
 * read past them; the copy lives until the next call, for *it. */
static int dec_hex(const char *hex, unsigned depth, emk_cbor_item *it)
{
    static uint8_t *held;
    uint8_t b[256];
    size_t n = unhex(hex, b, sizeof(b));
    emk_cbor_item tmp;
    free(held);
    held = malloc(n ? n : 1);
    assert_non_null(held);
    memcpy(held, b, n);
    return emk_cbor_decode(held, n, depth, it ? it : &tmp);
}

/* Decodes buf, re-encodes it by walking, and checks the bytes are equal. */
static void roundtrip(const uint8_t *buf, size_t n)
{
    static uint8_t out[1 << 17];
    emk_cbor_item it;
    emk_cbor_enc e;
    size_t m;
    assert_int_equal(emk_cbor_decode(buf, n, EMK_CBOR_MAX_DEPTH, &it), 0);
    assert_ptr_equal(it.start, buf);
    assert_ptr_equal(it.end, buf + n);
    emk_cbor_enc_init(&e, out, sizeof(out));
    assert_int_equal(cbor_reenc(&e, &it), 0);
    assert_int_equal(emk_cbor_enc_finish(&e, &m), 0);
    assert_int_equal(m, n);
    assert_memory_equal(out, buf, n);
}

/* Every proper prefix of buf[0..n) is truncated: -EBADMSG. */
static void truncations(const uint8_t *buf, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        uint8_t *h = malloc(k ? k : 1);
        emk_cbor_item it;
        assert_non_null(h);
        memcpy(h, buf, k);
        if (emk_cbor_decode(h, k, EMK_CBOR_MAX_DEPTH, &it) != -EBADMSG) {
            print_error("prefix %lu of %lu not refused\n", (unsigned long)k, (unsigned long)n);
            fail();
        }
        free(h);
    }
}

struct accept {
    const char *hex;
    uint8_t type;
    uint64_t val;
};

/* RFC 8949 Appendix A, the examples the decoder accepts */
static const struct accept appendix_ok[] = {
    {"00", EMK_CBOR_UINT, 0},
    {"01", EMK_CBOR_UINT, 1},
    {"0a", EMK_CBOR_UINT, 10},
    {"17", EMK_CBOR_UINT, 23},
    {"1818", EMK_CBOR_UINT, 24},
    {"1819", EMK_CBOR_UINT, 25},
    {"1864", EMK_CBOR_UINT, 100},
    {"1903e8", EMK_CBOR_UINT, 1000},
    {"1a000f4240", EMK_CBOR_UINT, 1000000},
    {"1b000000e8d4a51000", EMK_CBOR_UINT, UINT64_C(1000000000000)},
    {"1bffffffffffffffff", EMK_CBOR_UINT, UINT64_MAX},
    {"3bffffffffffffffff", EMK_CBOR_NINT, UINT64_MAX},      /* -2^64 */
    {"20", EMK_CBOR_NINT, 0},
    {"29", EMK_CBOR_NINT, 9},
    {"3863", EMK_CBOR_NINT, 99},
    {"3903e7", EMK_CBOR_NINT, 999},
    {"f4", EMK_CBOR_SIMPLE, EMK_CBOR_FALSE},
    {"f5", EMK_CBOR_SIMPLE, EMK_CBOR_TRUE},
    {"f6", EMK_CBOR_SIMPLE, EMK_CBOR_NULL},
    {"f7", EMK_CBOR_SIMPLE, EMK_CBOR_UNDEFINED},
    {"40", EMK_CBOR_BYTES, 0},
    {"4401020304", EMK_CBOR_BYTES, 4},
    {"60", EMK_CBOR_TEXT, 0},
    {"6161", EMK_CBOR_TEXT, 1},
    {"6449455446", EMK_CBOR_TEXT, 4},
    {"62225c", EMK_CBOR_TEXT, 2},
    {"62c3bc", EMK_CBOR_TEXT, 2},
    {"63e6b0b4", EMK_CBOR_TEXT, 3},
    {"64f0908591", EMK_CBOR_TEXT, 4},
    {"80", EMK_CBOR_ARRAY, 0},
    {"83010203", EMK_CBOR_ARRAY, 3},
    {"8301820203820405", EMK_CBOR_ARRAY, 3},
    {"98190102030405060708090a0b0c0d0e0f101112131415161718181819", EMK_CBOR_ARRAY, 25},
    {"a0", EMK_CBOR_MAP, 0},
    {"a201020304", EMK_CBOR_MAP, 2},
    {"a26161016162820203", EMK_CBOR_MAP, 2},
    {"826161a161626163", EMK_CBOR_ARRAY, 2},
    {"a56161614161626142616361436164614461656145", EMK_CBOR_MAP, 5},
};

struct refuse {
    const char *hex;
    int err;
};

/* RFC 8949 Appendix A, the examples the decoder refuses: bignums and
 * other tags, floats, unassigned simple values, indefinite lengths */
static const struct refuse appendix_refused[] = {
    {"c249010000000000000000", -EPROTO},
    {"c349010000000000000000", -EPROTO},
    {"f90000", -EPROTO}, {"f98000", -EPROTO}, {"f93c00", -EPROTO},
    {"fb3ff199999999999a", -EPROTO}, {"f93e00", -EPROTO}, {"f97bff", -EPROTO},
    {"fa47c35000", -EPROTO}, {"fa7f7fffff", -EPROTO}, {"fb7e37e43c8800759c", -EPROTO},
    {"f90001", -EPROTO}, {"f90400", -EPROTO}, {"f9c400", -EPROTO},
    {"fbc010666666666666", -EPROTO}, {"f97c00", -EPROTO}, {"f97e00", -EPROTO},
    {"f9fc00", -EPROTO}, {"fa7f800000", -EPROTO}, {"fa7fc00000", -EPROTO},
    {"faff800000", -EPROTO}, {"fb7ff0000000000000", -EPROTO},
    {"fb7ff8000000000000", -EPROTO}, {"fbfff0000000000000", -EPROTO},
    {"f0", -EPROTO}, {"f8ff", -EPROTO},
    {"c074323031332d30332d32315432303a30343a30305a", -EPROTO},
    {"c11a514b67b0", -EPROTO}, {"c1fb41d452d9ec200000", -EPROTO},
    {"d74401020304", -EPROTO}, {"d818456449455446", -EPROTO},
    {"d82076687474703a2f2f7777772e6578616d706c652e636f6d", -EPROTO},
    {"5f42010243030405ff", -EPROTO},
    {"7f657374726561646d696e67ff", -EPROTO},
    {"9fff", -EPROTO},
    {"9f018202039f0405ffff", -EPROTO},
    {"9f01820203820405ff", -EPROTO},
    {"83018202039f0405ff", -EPROTO},
    {"83019f0203ff820405", -EPROTO},
    {"9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff", -EPROTO},
    {"bf61610161629f0203ffff", -EPROTO},
    {"826161bf61626163ff", -EPROTO},
    {"bf6346756ef563416d7421ff", -EPROTO},
};

/* Each case decodes to its error; the accepted ones round-trip and every
 * prefix of them is truncated. */
static void run_cases(const struct refuse *cases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        int r = dec_hex(cases[i].hex, EMK_CBOR_MAX_DEPTH, NULL);
        if (r != cases[i].err) {
            print_error("%s: %d, want %d\n", cases[i].hex, r, cases[i].err);
            fail();
        }
        if (r == 0) {
            uint8_t b[64];
            size_t n = unhex(cases[i].hex, b, sizeof(b));
            roundtrip(b, n);
            truncations(b, n);
        }
    }
}

static void test_appendix_a(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof(appendix_ok) / sizeof(appendix_ok[0]); i++) {
        uint8_t b[64];
        size_t n = unhex(appendix_ok[i].hex, b, sizeof(b));
        emk_cbor_item it;
        assert_int_equal(emk_cbor_decode(b, n, EMK_CBOR_MAX_DEPTH, &it), 0);
        assert_int_equal(it.type, appendix_ok[i].type);
        assert_true(it.val == appendix_ok[i].val);
        roundtrip(b, n);
        truncations(b, n);
    }
    run_cases(appendix_refused, sizeof(appendix_refused) / sizeof(appendix_refused[0]));
}

/* The values behind some of Appendix A through the accessors. */
static void test_appendix_values(void **st)
{
    emk_cbor_item it, v, w;
    emk_cbor_iter i;
    int64_t x;
    const char *s;
    const uint8_t *p;
    size_t n;
    (void)st;
    assert_int_equal(dec_hex("3903e7", 16, &it), 0);
    assert_int_equal(emk_cbor_get_int(&it, &x), 0);
    assert_true(x == -1000);
    assert_int_equal(dec_hex("1bffffffffffffffff", 16, &it), 0);
    assert_int_equal(emk_cbor_get_int(&it, &x), -EINVAL);
    assert_int_equal(dec_hex("3bffffffffffffffff", 16, &it), 0);
    assert_int_equal(emk_cbor_get_int(&it, &x), -EINVAL);
    assert_int_equal(dec_hex("3b7fffffffffffffff", 16, &it), 0);
    assert_int_equal(emk_cbor_get_int(&it, &x), 0);
    assert_true(x == INT64_MIN);
    assert_int_equal(dec_hex("1b7fffffffffffffff", 16, &it), 0);
    assert_int_equal(emk_cbor_get_int(&it, &x), 0);
    assert_true(x == INT64_MAX);
    assert_int_equal(dec_hex("f5", 16, &it), 0);
    assert_int_equal(emk_cbor_get_bool(&it), 1);
    assert_int_equal(dec_hex("f4", 16, &it), 0);
    assert_int_equal(emk_cbor_get_bool(&it), 0);
    assert_int_equal(dec_hex("f6", 16, &it), 0);
    assert_int_equal(emk_cbor_get_bool(&it), -EINVAL);
    assert_int_equal(emk_cbor_get_int(&it, &x), -EINVAL);

    /* {"a": 1, "b": [2, 3]} */
    {
        uint8_t b[] = {0xa2, 0x61, 0x61, 0x01, 0x61, 0x62, 0x82, 0x02, 0x03};
        assert_int_equal(emk_cbor_decode(b, sizeof(b), 16, &it), 0);
        assert_int_equal(emk_cbor_map_text(&it, "a", &v), 1);
        assert_int_equal(emk_cbor_get_int(&v, &x), 0);
        assert_true(x == 1);
        assert_int_equal(emk_cbor_map_text(&it, "b", &v), 1);
        assert_int_equal(v.type, EMK_CBOR_ARRAY);
        assert_ptr_equal(v.start, b + 6);
        assert_ptr_equal(v.end, b + 9);
        emk_cbor_iter_init(&i, &v);
        assert_int_equal(emk_cbor_next(&i, &w), 1);
        assert_int_equal(emk_cbor_get_int(&w, &x), 0);
        assert_true(x == 2);
        assert_int_equal(emk_cbor_next(&i, &w), 1);
        assert_int_equal(emk_cbor_get_int(&w, &x), 0);
        assert_true(x == 3);
        assert_int_equal(emk_cbor_next(&i, &w), 0);
        assert_int_equal(emk_cbor_next(&i, &w), 0);
        assert_int_equal(emk_cbor_map_text(&it, "c", &v), 0);
        assert_int_equal(emk_cbor_map_text(&it, "", &v), 0);
        assert_int_equal(emk_cbor_map_text(&it, "ab", &v), 0);
        assert_int_equal(emk_cbor_map_int(&it, 1, &v), 0);
        assert_int_equal(emk_cbor_map_int(&v, 1, &w), 0);   /* not a map */
        assert_int_equal(emk_cbor_map_text(&it, "a", NULL), 1);
    }
    /* {1: 2, 3: 4} and CTAP-style negative keys {1: 2, 3: -7, -1: 1} */
    {
        uint8_t b[] = {0xa3, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01};
        assert_int_equal(emk_cbor_decode(b, sizeof(b), 16, &it), 0);
        assert_int_equal(emk_cbor_map_int(&it, 3, &v), 1);
        assert_int_equal(emk_cbor_get_int(&v, &x), 0);
        assert_true(x == -7);
        assert_int_equal(emk_cbor_map_int(&it, -1, &v), 1);
        assert_int_equal(emk_cbor_get_int(&v, &x), 0);
        assert_true(x == 1);
        assert_int_equal(emk_cbor_map_int(&it, 2, &v), 0);
        assert_int_equal(emk_cbor_map_int(&it, -2, &v), 0);
        assert_int_equal(emk_cbor_map_text(&it, "a", &v), 0);
    }
    assert_int_equal(dec_hex("63e6b0b4", 16, &it), 0);
    assert_int_equal(emk_cbor_get_text(&it, &s, &n), 0);
    assert_int_equal(n, 3);
    assert_memory_equal(s, "\xe6\xb0\xb4", 3);
    assert_int_equal(emk_cbor_text_eq(&it, "\xe6\xb0\xb4"), 1);
    assert_int_equal(emk_cbor_text_eq(&it, "\xe6\xb0"), 0);
    assert_int_equal(emk_cbor_get_bytes(&it, &p, &n), -EINVAL);
    assert_int_equal(dec_hex("4401020304", 16, &it), 0);
    assert_int_equal(emk_cbor_get_bytes(&it, &p, &n), 0);
    assert_int_equal(n, 4);
    assert_int_equal(p[3], 4);
    assert_int_equal(emk_cbor_text_eq(&it, "\x01\x02\x03\x04"), 0);
    assert_int_equal(emk_cbor_get_text(&it, &s, &n), -EINVAL);
}

static void test_canonical_order(void **st)
{
    static const struct refuse cases[] = {
        {"a201000200", 0},              /* {1:0, 2:0} */
        {"a202000100", -EPROTO},        /* {2:0, 1:0} */
        {"a201000100", -EPROTO},        /* duplicate */
        {"a3010002000100", -EPROTO},    /* {1:0, 2:0, 1:0} */
        {"a2616100616100", -EPROTO},    /* duplicate text key */
        {"a20100616100", 0},            /* uint before text */
        {"a26161000100", -EPROTO},      /* text before uint */
        {"a201002000", 0},              /* 1 before -1: major 0 before 1 */
        {"a220000100", -EPROTO},
        {"a220002100", 0},              /* -1 before -2 */
        {"a221002000", -EPROTO},
        {"a20100181800", 0},            /* 1 before 24 (shorter first) */
        {"a21818000100", -EPROTO},
        {"a261620062616100", 0},        /* "b" before "aa": length first */
        {"a262616100616200", -EPROTO},
        {"a2616100616200", 0},          /* "a" before "b" */
        {"a2616200616100", -EPROTO},
        {"a240006000", 0},              /* bytes before text */
        {"a260004000", -EPROTO},
        {"a2f400f500", 0},              /* false before true */
        {"a2f500f400", -EPROTO},
        {"a20100f400", 0},              /* simple values after integers */
        {"a2f4000100", -EPROTO},
        {"a2010020", -EBADMSG},         /* {1:0, -1: <missing>} */
        {"a20100200000", -EBADMSG},     /* a trailing byte after the map */
        /* CTAP2 order differs from bytewise order here: [1,1] (3 bytes)
         * sorts before [1000] (4 bytes) although 0x82 > 0x81 */
        {"a282010100811903e800", 0},
        {"a2811903e80082010100", -EPROTO},
        /* maps as keys compare as their encodings */
        {"a2a1010000a1020000", 0},
        {"a2a1020000a1010000", -EPROTO},
        {"a2a1010000a1010000", -EPROTO},
        /* each map checks its own keys against its own previous key */
        {"a201a2020003000200", 0},      /* {1: {2:0, 3:0}, 2:0} */
        {"a201a105000200", 0},          /* {1: {5:0}, 2:0} */
        {"a201a10000000000", -EPROTO},  /* {1: {0:0}, 0:0} */
        {"a201a2000003000200", 0},      /* {1: {0:0, 3:0}, 2:0} */
        {"a201a2030000000200", -EPROTO}, /* inner {3:0, 0:0} */
        {"82a201000200a202000100", -EPROTO},
        {"82a201000200a201000200", 0},  /* equal keys in two maps */
    };
    (void)st;
    run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_heads(void **st)
{
    static const struct refuse cases[] = {
        /* not the shortest form: integers, lengths, counts */
        {"1800", -EPROTO}, {"1817", -EPROTO}, {"1818", 0},
        {"190000", -EPROTO}, {"1900ff", -EPROTO}, {"190100", 0},
        {"1a0000ffff", -EPROTO}, {"1a00010000", 0},
        {"1b00000000ffffffff", -EPROTO}, {"1b0000000100000000", 0},
        {"3800", -EPROTO}, {"3817", -EPROTO}, {"3818", 0},
        {"5800", -EPROTO}, {"58017a", -EPROTO},
        {"7800", -EPROTO}, {"78016a", -EPROTO},
        {"9800", -EPROTO}, {"980100", -EPROTO},
        {"b800", -EPROTO}, {"b8010000", -EPROTO},
        {"590000", -EPROTO}, {"5a00000000", -EPROTO}, {"5b0000000000000000", -EPROTO},
        /* simple values: two-byte forms of 0..31 are malformed, the
         * others unassigned */
        {"f814", -EBADMSG}, {"f817", -EBADMSG}, {"f81f", -EBADMSG},
        {"f820", -EPROTO}, {"e0", -EPROTO}, {"f3", -EPROTO},
        /* reserved additional information, indefinite where malformed */
        {"1c", -EBADMSG}, {"1d", -EBADMSG}, {"1e", -EBADMSG}, {"1f", -EBADMSG},
        {"3c", -EBADMSG}, {"3f", -EBADMSG}, {"5c", -EBADMSG}, {"7d", -EBADMSG},
        {"9e", -EBADMSG}, {"bc", -EBADMSG}, {"dc", -EBADMSG}, {"df", -EBADMSG},
        {"fc", -EBADMSG}, {"fd", -EBADMSG}, {"fe", -EBADMSG}, {"ff", -EBADMSG},
        {"8101ff", -EBADMSG}, {"81ff", -EBADMSG},
        /* a tag around an otherwise fine item */
        {"c000", -EPROTO}, {"8201c000", -EPROTO}, {"8101c000", -EBADMSG},
        /* trailing bytes, nothing */
        {"0000", -EBADMSG}, {"8000", -EBADMSG}, {"a0a0", -EBADMSG}, {"", -EBADMSG},
        /* counts and lengths larger than the input, up to 2^64 - 1 */
        {"9bffffffffffffffff", -EBADMSG}, {"bbffffffffffffffff", -EBADMSG},
        {"5bffffffffffffffff", -EBADMSG}, {"7bffffffffffffffff", -EBADMSG},
        {"9b7fffffffffffffff00", -EBADMSG}, {"bb800000000000000000", -EBADMSG},
        {"9affffffff0000", -EBADMSG}, {"ba7fffffff01020304", -EBADMSG},
        {"820000", 0}, {"83000000", 0}, {"8300000000", -EBADMSG},
        {"a1000000", -EBADMSG}, {"a2000100", -EBADMSG}, {"a200010200", 0},
        {"4100", 0}, {"4200", -EBADMSG}, {"6100", 0}, {"6200", -EBADMSG},
        /* a count fitting the whole buffer, not the bytes left at its level */
        {"8382000000", -EBADMSG}, {"8283000000", -EBADMSG}, {"8282000000", 0},
    };
    (void)st;
    run_cases(cases, sizeof(cases) / sizeof(cases[0]));
    assert_int_equal(emk_cbor_decode(NULL, 0, 16, NULL), -EBADMSG);
}

/* n nested containers: arrays [[...[0]...]] or maps {0:{0:...{0:0}}} */
static size_t nest(uint8_t *b, size_t n, int map)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        b[k++] = map ? 0xa1 : 0x81;
        if (map)
            b[k++] = 0x00;
    }
    b[k++] = 0x00;
    return k;
}

static void test_depth(void **st)
{
    static uint8_t b[20001];
    emk_cbor_item it;
    (void)st;
    for (int map = 0; map < 2; map++) {
        for (unsigned d = 0; d <= EMK_CBOR_MAX_DEPTH + 1; d++) {
            size_t n = nest(b, d, map);
            for (unsigned lim = 0; lim <= EMK_CBOR_MAX_DEPTH + 2; lim++) {
                unsigned eff = lim > EMK_CBOR_MAX_DEPTH ? EMK_CBOR_MAX_DEPTH : lim;
                int want = d <= eff ? 0 : -ELOOP;
                assert_int_equal(emk_cbor_decode(b, n, lim, &it), want);
            }
        }
        /* far deeper than any stack: refused at level 17, not recursed */
        assert_int_equal(emk_cbor_decode(b, nest(b, 10000, map), 1000000, &it), -ELOOP);
    }
    /* empty containers count as a level too */
    assert_int_equal(dec_hex("80", 0, NULL), -ELOOP);
    assert_int_equal(dec_hex("a0", 0, NULL), -ELOOP);
    assert_int_equal(dec_hex("00", 0, NULL), 0);
    assert_int_equal(dec_hex("8180", 1, NULL), -ELOOP);
    assert_int_equal(dec_hex("8180", 2, NULL), 0);
    /* a deep key: {[[0]]: 0} is three levels */
    assert_int_equal(dec_hex("a181810000", 2, NULL), -ELOOP);
    assert_int_equal(dec_hex("a181810000", 3, NULL), 0);
    /* siblings do not add up: [[0], [0], {0: [0]}] is three levels */
    assert_int_equal(dec_hex("8381008100a1008100", 3, NULL), 0);
    assert_int_equal(dec_hex("8381008100a1008100", 2, NULL), -ELOOP);
}

struct utf8_case {
    const char *s;
    size_t n;
    int ok;
};

#define U(lit, ok) {lit, sizeof(lit) - 1, ok}
static const struct utf8_case utf8_cases[] = {
    U("", 1), U("abc", 1), U("\0", 1), U("\x7f", 1),
    U("\xc2\x80", 1), U("\xdf\xbf", 1),                 /* U+0080, U+07FF */
    U("\xe0\xa0\x80", 1), U("\xed\x9f\xbf", 1),         /* U+0800, U+D7FF */
    U("\xee\x80\x80", 1), U("\xef\xbf\xbf", 1),         /* U+E000, U+FFFF */
    U("\xf0\x90\x80\x80", 1), U("\xf4\x8f\xbf\xbf", 1), /* U+10000, U+10FFFF */
    U("a\xc3\xbc" "b\xe6\xb0\xb4" "c\xf0\x90\x85\x91", 1),
    /* overlong */
    U("\xc0\x80", 0), U("\xc1\xbf", 0), U("\xe0\x80\x80", 0), U("\xe0\x9f\xbf", 0),
    U("\xf0\x80\x80\x80", 0), U("\xf0\x8f\xbf\xbf", 0),
    /* surrogates */
    U("\xed\xa0\x80", 0), U("\xed\xbf\xbf", 0), U("\xed\xa0\x80\xed\xb0\x80", 0),
    /* above U+10FFFF */
    U("\xf4\x90\x80\x80", 0), U("\xf5\x80\x80\x80", 0), U("\xf7\xbf\xbf\xbf", 0),
    U("\xf8\x88\x80\x80\x80", 0), U("\xfc\x84\x80\x80\x80\x80", 0),
    U("\xfe", 0), U("\xff", 0),
    /* lone continuation bytes, truncated sequences, bad continuations */
    U("\x80", 0), U("\xbf", 0), U("a\x80", 0), U("\xc2", 0), U("\xe2\x82", 0),
    U("\xf0\x90\x80", 0), U("\xc2\x41", 0), U("\xe2\x28\xa1", 0),
    U("\xe2\x82\x28", 0), U("\xf0\x90\x28\xbc", 0), U("\xf0\x90\x80\xc0", 0),
    U("\xc2\xc2\x80", 0),
};
#undef U

static void test_utf8(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
        const struct utf8_case *c = &utf8_cases[i];
        uint8_t buf[32], out[32];
        emk_cbor_enc e;
        emk_cbor_item it;
        size_t n;
        int r;

        /* decoder: a text string with these bytes */
        buf[0] = (uint8_t)(0x60 | c->n);
        memcpy(buf + 1, c->s, c->n);
        r = emk_cbor_decode(buf, c->n + 1, 1, &it);
        if (r != (c->ok ? 0 : -EPROTO)) {
            print_error("case %lu: decode %d\n", (unsigned long)i, r);
            fail();
        }
        /* the same bytes as a byte string are always fine */
        buf[0] = (uint8_t)(0x40 | c->n);
        assert_int_equal(emk_cbor_decode(buf, c->n + 1, 1, &it), 0);
        /* encoder */
        emk_cbor_enc_init(&e, out, sizeof(out));
        emk_cbor_text(&e, c->s, c->n);
        r = emk_cbor_enc_finish(&e, &n);
        if (c->ok) {
            assert_int_equal(r, 0);
            assert_int_equal(n, c->n + 1);
            assert_int_equal(out[0], 0x60 | c->n);
            assert_memory_equal(out + 1, c->s, c->n);
        } else {
            assert_int_equal(r, -EINVAL);
            assert_int_equal(n, 0);
            emk_cbor_uint(&e, 1);   /* sticky */
            assert_int_equal(emk_cbor_enc_finish(&e, &n), -EINVAL);
            assert_int_equal(n, 0);
        }
    }
}

/* every code point, encoded by hand, is accepted; every surrogate refused */
static void test_utf8_all(void **st)
{
    (void)st;
    for (uint32_t cp = 0; cp <= 0x10ffff; cp++) {
        uint8_t b[5];
        size_t n;
        int want = cp < 0xd800 || cp > 0xdfff;
        if (cp < 0x80) {
            b[1] = (uint8_t)cp;
            n = 1;
        } else if (cp < 0x800) {
            b[1] = (uint8_t)(0xc0 | cp >> 6);
            b[2] = (uint8_t)(0x80 | (cp & 0x3f));
            n = 2;
        } else if (cp < 0x10000) {
            b[1] = (uint8_t)(0xe0 | cp >> 12);
            b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
            b[3] = (uint8_t)(0x80 | (cp & 0x3f));
            n = 3;
        } else {
            b[1] = (uint8_t)(0xf0 | cp >> 18);
            b[2] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
            b[3] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
            b[4] = (uint8_t)(0x80 | (cp & 0x3f));
            n = 4;
        }
        b[0] = (uint8_t)(0x60 | n);
        if ((emk_cbor_decode(b, n + 1, 1, NULL) == 0) != want) {
            print_error("U+%04lx\n", (unsigned long)cp);
            fail();
        }
    }
}

/* A CTAP-like response built with every encoder call. */
static void build(emk_cbor_enc *e)
{
    static const uint8_t id[70] = {1, 2, 3};
    static const uint8_t undef = 0xf7;
    emk_cbor_map(e, 6);
    emk_cbor_uint(e, 1);
    emk_cbor_text_z(e, "packed");
    emk_cbor_uint(e, 2);
    emk_cbor_bytes(e, id, sizeof(id));
    emk_cbor_uint(e, 3);
    emk_cbor_map(e, 3);
    emk_cbor_int(e, 1);
    emk_cbor_int(e, 2);
    emk_cbor_int(e, 3);
    emk_cbor_int(e, -7);
    emk_cbor_int(e, -1);
    emk_cbor_int(e, 1);
    emk_cbor_uint(e, 4);
    emk_cbor_array(e, 5);
    emk_cbor_bool(e, 1);
    emk_cbor_bool(e, 0);
    emk_cbor_null(e);
    emk_cbor_raw(e, &undef, 1);
    emk_cbor_nint(e, UINT64_MAX);
    emk_cbor_text(e, "rp", 2);
    emk_cbor_map(e, 1);
    emk_cbor_text_z(e, "id");
    emk_cbor_text_z(e, "example.com");
    emk_cbor_text_z(e, "user");
    emk_cbor_bytes(e, NULL, 0);
}

static const char build_hex[] =
    "a6" "01" "667061636b6564" "02" "5846010203"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000"
    "03" "a3" "0102" "0326" "2001" "04" "85" "f5f4f6f7" "3bffffffffffffffff"
    "627270" "a1" "626964" "6b6578616d706c652e636f6d" "6475736572" "40";

static void test_encode(void **st)
{
    uint8_t out[512], want[512];
    size_t n, wn = unhex(build_hex, want, sizeof(want));
    emk_cbor_enc e;
    emk_cbor_item it, v, w;
    emk_cbor_iter i;
    int64_t x;
    (void)st;
    emk_cbor_enc_init(&e, out, sizeof(out));
    build(&e);
    assert_int_equal(emk_cbor_enc_finish(&e, &n), 0);
    assert_int_equal(n, wn);
    assert_memory_equal(out, want, n);
    roundtrip(out, n);
    truncations(out, n);
    assert_int_equal(emk_cbor_decode(out, n, EMK_CBOR_CTAP_DEPTH, &it), 0);
    assert_int_equal(emk_cbor_map_int(&it, 1, &v), 1);
    assert_int_equal(emk_cbor_text_eq(&v, "packed"), 1);
    assert_int_equal(emk_cbor_map_int(&it, 3, &v), 1);
    assert_int_equal(emk_cbor_map_int(&v, 3, &w), 1);
    assert_int_equal(emk_cbor_get_int(&w, &x), 0);
    assert_true(x == -7);
    assert_int_equal(emk_cbor_map_text(&it, "rp", &v), 1);
    assert_int_equal(emk_cbor_map_text(&v, "id", &w), 1);
    assert_int_equal(emk_cbor_text_eq(&w, "example.com"), 1);
    assert_int_equal(emk_cbor_map_int(&it, 4, &v), 1);
    emk_cbor_iter_init(&i, &v);
    assert_int_equal(emk_cbor_next(&i, &w), 1);
    assert_int_equal(emk_cbor_get_bool(&w), 1);
    emk_cbor_iter_init(&i, &w);     /* not a container: empty */
    assert_int_equal(emk_cbor_next(&i, &w), 0);

    /* heads at each boundary, shortest form */
    {
        static const struct {
            int64_t v;
            const char *hex;
        } ints[] = {
            {0, "00"}, {23, "17"}, {24, "1818"}, {255, "18ff"}, {256, "190100"},
            {65535, "19ffff"}, {65536, "1a00010000"}, {INT64_C(4294967295), "1affffffff"},
            {INT64_C(4294967296), "1b0000000100000000"}, {INT64_MAX, "1b7fffffffffffffff"},
            {-1, "20"}, {-24, "37"}, {-25, "3818"}, {-256, "38ff"}, {-257, "390100"},
            {-65537, "3a00010000"}, {INT64_MIN, "3b7fffffffffffffff"},
        };
        for (size_t k = 0; k < sizeof(ints) / sizeof(ints[0]); k++) {
            size_t m = unhex(ints[k].hex, want, sizeof(want));
            emk_cbor_enc_init(&e, out, sizeof(out));
            emk_cbor_int(&e, ints[k].v);
            assert_int_equal(emk_cbor_enc_finish(&e, &n), 0);
            assert_int_equal(n, m);
            assert_memory_equal(out, want, m);
            assert_int_equal(emk_cbor_decode(out, n, 1, &it), 0);
            assert_int_equal(emk_cbor_get_int(&it, &x), 0);
            assert_true(x == ints[k].v);
        }
        emk_cbor_enc_init(&e, out, sizeof(out));
        emk_cbor_uint(&e, UINT64_MAX);
        emk_cbor_array(&e, 65536);
        emk_cbor_map(&e, 24);
        assert_int_equal(emk_cbor_enc_finish(&e, &n), 0);
        assert_int_equal(n, 9 + 5 + 2);
        assert_memory_equal(out, "\x1b\xff\xff\xff\xff\xff\xff\xff\xff\x9a\x00\x01\x00\x00\xb8\x18", n);
    }
    /* a long byte string: two-byte length */
    {
        static uint8_t big[300], enc[310];
        for (size_t k = 0; k < sizeof(big); k++)
            big[k] = (uint8_t)k;
        emk_cbor_enc_init(&e, enc, sizeof(enc));
        emk_cbor_bytes(&e, big, sizeof(big));
        assert_int_equal(emk_cbor_enc_finish(&e, &n), 0);
        assert_int_equal(n, 303);
        assert_memory_equal(enc, "\x59\x01\x2c", 3);
        assert_memory_equal(enc + 3, big, 300);
        roundtrip(enc, n);
    }
    /* bad arguments */
    emk_cbor_enc_init(&e, out, sizeof(out));
    emk_cbor_bytes(&e, NULL, 1);
    assert_int_equal(emk_cbor_enc_finish(&e, &n), -EINVAL);
    emk_cbor_enc_init(&e, out, sizeof(out));
    emk_cbor_text_z(&e, NULL);
    assert_int_equal(emk_cbor_enc_finish(&e, &n), -EINVAL);
    emk_cbor_enc_init(&e, out, sizeof(out));
    emk_cbor_raw(&e, NULL, 2);
    assert_int_equal(emk_cbor_enc_finish(&e, &n), -EINVAL);
    emk_cbor_enc_init(&e, NULL, 0);
    emk_cbor_null(&e);
    assert_int_equal(emk_cbor_enc_finish(&e, &n), -ENOSPC);
    assert_int_equal(n, 0);
}

/* Every capacity short of the whole response: -ENOSPC, sticky, and
 * what was written is a prefix that never passes the capacity. */
static void test_enospc(void **st)
{
    uint8_t full[512], out[512];
    size_t fn, n;
    emk_cbor_enc e;
    (void)st;
    emk_cbor_enc_init(&e, full, sizeof(full));
    build(&e);
    assert_int_equal(emk_cbor_enc_finish(&e, &fn), 0);
    for (size_t cap = 0; cap <= fn; cap++) {
        memset(out, 0xee, sizeof(out));
        emk_cbor_enc_init(&e, out, cap);
        build(&e);
        if (cap < fn) {
            assert_int_equal(emk_cbor_enc_finish(&e, &n), -ENOSPC);
            assert_true(n <= cap);
            /* a write that does not fit writes nothing */
            assert_int_equal(out[n], 0xee);
            emk_cbor_uint(&e, 0);
            emk_cbor_enc_finish(&e, &n);
            assert_true(n <= cap);
        } else {
            assert_int_equal(emk_cbor_enc_finish(&e, &n), 0);
            assert_int_equal(n, fn);
        }
        assert_memory_equal(out, full, n);
        assert_int_equal(out[cap], 0xee);
    }
}

/* The accessors on buffers the decoder never saw stop at the end. */
/* An item the decoder never saw: buf[0..n) with content from buf + hdr. */
static void fake(emk_cbor_item *c, uint8_t type, uint64_t val, const uint8_t *buf,
                 size_t hdr, size_t n, emk_cbor_iter *i)
{
    c->type = type;
    c->val = val;
    c->start = buf;
    c->ptr = buf + hdr;
    c->end = buf + n;
    emk_cbor_iter_init(i, c);
}

/* The accessors on buffers the decoder never saw stop at the end. */
static void test_unvalidated(void **st)
{
    /* a map claiming 3 pairs with one present; an array whose second item
     * runs past the end; an array claiming 2^64 - 1 items; a nested count
     * beyond the end */
    static const uint8_t m[] = {0xa3, 0x01, 0x02};
    static const uint8_t a[] = {0x82, 0x01, 0x5a, 0xff, 0xff, 0xff, 0xff, 0x00};
    static const uint8_t h[] = {0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    static const uint8_t n2[] = {0x81, 0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    emk_cbor_item c, v;
    emk_cbor_iter i;
    (void)st;
    fake(&c, EMK_CBOR_MAP, 3, m, 1, sizeof(m), &i);
    assert_int_equal(emk_cbor_next(&i, &v), 1);
    assert_int_equal(emk_cbor_next(&i, &v), 1);
    assert_int_equal(emk_cbor_next(&i, &v), -EBADMSG);
    assert_int_equal(emk_cbor_next(&i, &v), 0);
    assert_int_equal(emk_cbor_map_int(&c, 5, &v), 0);
    assert_int_equal(emk_cbor_map_int(&c, 1, &v), 1);
    fake(&c, EMK_CBOR_ARRAY, 2, a, 1, sizeof(a), &i);
    assert_int_equal(emk_cbor_next(&i, &v), 1);
    assert_int_equal(emk_cbor_next(&i, &v), -EBADMSG);
    fake(&c, EMK_CBOR_ARRAY, UINT64_MAX, h, 9, sizeof(h), &i);
    assert_int_equal(emk_cbor_next(&i, &v), 1);
    assert_int_equal(emk_cbor_next(&i, &v), -EBADMSG);
    fake(&c, EMK_CBOR_ARRAY, 1, n2, 1, sizeof(n2), &i);
    assert_int_equal(emk_cbor_next(&i, &v), -EBADMSG);
    /* a map with 2^63 pairs or more cannot be counted: empty */
    fake(&c, EMK_CBOR_MAP, UINT64_C(1) << 63, m, 1, sizeof(m), &i);
    assert_int_equal(emk_cbor_next(&i, &v), 0);
}

/* Large containers: 20000 ascending keys, each checked against the one
 * before only; lookups find the first and the last; one key changed to
 * its successor's value is caught. */
static void test_large(void **st)
{
    static uint8_t buf[20000 * 6 + 8];
    emk_cbor_enc e;
    emk_cbor_item it, v;
    size_t n;
    int64_t x;
    (void)st;
    emk_cbor_enc_init(&e, buf, sizeof(buf));
    emk_cbor_map(&e, 20000);
    for (int64_t k = 0; k < 20000; k++) {
        emk_cbor_int(&e, k);
        emk_cbor_int(&e, -k);
    }
    assert_int_equal(emk_cbor_enc_finish(&e, &n), 0);
    assert_int_equal(emk_cbor_decode(buf, n, 1, &it), 0);
    assert_int_equal(it.val, 20000);
    assert_int_equal(emk_cbor_map_int(&it, 19999, &v), 1);
    assert_int_equal(emk_cbor_get_int(&v, &x), 0);
    assert_true(x == -19999);
    assert_int_equal(emk_cbor_map_int(&it, 0, &v), 1);
    assert_int_equal(emk_cbor_map_int(&it, 20000, &v), 0);
    roundtrip(buf, n);
    /* key 300 (19 01 2c) made 301: a duplicate of the next key */
    for (size_t k = 0; k + 6 < n; k++) {
        if (buf[k] == 0x19 && buf[k + 1] == 0x01 && buf[k + 2] == 0x2c) {
            buf[k + 2] = 0x2d;
            assert_int_equal(emk_cbor_decode(buf, n, 1, &it), -EPROTO);
            buf[k + 2] = 0x2c;
            break;
        }
    }
    assert_int_equal(emk_cbor_decode(buf, n, 1, &it), 0);
    /* text lookups: embedded NUL never matches a C string, NULL key */
    assert_int_equal(dec_hex("a16361006200", 1, &it), 0);
    assert_int_equal(emk_cbor_map_text(&it, "a", &v), 0);
    assert_int_equal(emk_cbor_map_text(&it, NULL, &v), 0);
    assert_int_equal(emk_cbor_map_text(NULL, "a", &v), 0);
    assert_int_equal(emk_cbor_map_int(NULL, 0, &v), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_appendix_a),
        cmocka_unit_test(test_appendix_values),
        cmocka_unit_test(test_canonical_order),
        cmocka_unit_test(test_heads),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_utf8_all),
        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_enospc),
        cmocka_unit_test(test_unvalidated),
        cmocka_unit_test(test_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
