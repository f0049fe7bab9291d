/* cbor_reenc.h - test helper: re-encodes a validated item by walking it
 * with the public accessors only (the iterator, get_*), so a canonical
 * input that round-trips byte for byte shows that the decoder, the
 * accessors and the encoder agree.  Shared by test_cbor.c, cbor_xcheck.c
 * and fuzz_cbor.c.  Returns 0, or -1 if the accessors contradict the
 * item (a count, a boundary, a type). */
#ifndef TESTS_CBOR_REENC_H
#define TESTS_CBOR_REENC_H

#include "emkit/cbor.h"

static int cbor_reenc(emk_cbor_enc *e, const emk_cbor_item *it)
{
    static const uint8_t undef = 0xf7;
    emk_cbor_iter i;
    emk_cbor_item sub;
    const uint8_t *p, *at;
    const char *s;
    size_t n;
    uint64_t count = 0;
    int r;

    switch (it->type) {
    case EMK_CBOR_UINT:
        emk_cbor_uint(e, it->val);
        return 0;
    case EMK_CBOR_NINT:
        emk_cbor_nint(e, it->val);
        return 0;
    case EMK_CBOR_BYTES:
        if (emk_cbor_get_bytes(it, &p, &n) || n != it->val || p + n != it->end)
            return -1;
        emk_cbor_bytes(e, p, n);
        return 0;
    case EMK_CBOR_TEXT:
        if (emk_cbor_get_text(it, &s, &n) || n != it->val || (const uint8_t *)s + n != it->end)
            return -1;
        emk_cbor_text(e, s, n);
        return 0;
    case EMK_CBOR_ARRAY:
    case EMK_CBOR_MAP:
        if (it->type == EMK_CBOR_ARRAY)
            emk_cbor_array(e, (size_t)it->val);
        else
            emk_cbor_map(e, (size_t)it->val);
        emk_cbor_iter_init(&i, it);
        at = it->ptr;
        while ((r = emk_cbor_next(&i, &sub)) == 1) {
            if (sub.start != at || sub.end > it->end || cbor_reenc(e, &sub))
                return -1;
            at = sub.end;
            count++;
        }
        if (r != 0 || at != it->end)
            return -1;
        return count == (it->type == EMK_CBOR_MAP ? it->val * 2 : it->val) ? 0 : -1;
    case EMK_CBOR_SIMPLE:
        if (it->val == EMK_CBOR_TRUE || it->val == EMK_CBOR_FALSE) {
            if (emk_cbor_get_bool(it) != (it->val == EMK_CBOR_TRUE))
                return -1;
            emk_cbor_bool(e, it->val == EMK_CBOR_TRUE);
        } else if (it->val == EMK_CBOR_NULL) {
            emk_cbor_null(e);
        } else if (it->val == EMK_CBOR_UNDEFINED) {
            emk_cbor_raw(e, &undef, 1);
        } else {
            return -1;
        }
        return emk_cbor_get_bool(it) == -EINVAL || it->val <= EMK_CBOR_TRUE ? 0 : -1;
    default:
        return -1;
    }
}

#endif
