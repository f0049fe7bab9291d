/*
 * head.c - reads one CBOR head (RFC 8949 section 3): the initial byte and
 * the argument that follows it, with the bounds and shortest-form checks
 * that both the validator (dec.c) and the accessors (walk.c) rely on.
 */
#include "cbor_int.h"

int emk_cbor_head_read(const uint8_t *p, size_t n, emk_cbor_head *h)
{
    static const uint64_t shortest[4] = {24, 0x100, 0x10000, UINT64_C(0x100000000)};
    size_t k;

    if (n == 0)
        return -EBADMSG;
    h->major = (uint8_t)(p[0] >> 5);
    h->ai = (uint8_t)(p[0] & 0x1f);
    if (h->ai < 24) {
        h->val = h->ai;
        h->len = 1;
        return 0;
    }
    if (h->ai == 31)        /* indefinite length, or a break with nothing to end */
        return h->major >= EMK_CBOR_BYTES && h->major <= EMK_CBOR_MAP ? -EPROTO : -EBADMSG;
    if (h->ai > 27)         /* reserved */
        return -EBADMSG;
    k = (size_t)1 << (h->ai - 24);
    if (n - 1 < k)
        return -EBADMSG;
    h->val = 0;
    for (size_t i = 1; i <= k; i++)
        h->val = h->val << 8 | p[i];
    h->len = 1 + k;
    if (h->major == EMK_CBOR_SIMPLE) {
        if (h->ai > 24)     /* half, single, double float */
            return -EPROTO;
        /* a one-byte simple value below 32 is malformed (RFC 8949 3.3) */
        return h->val < 32 ? -EBADMSG : 0;
    }
    return h->val < shortest[h->ai - 24] ? -EPROTO : 0;
}
