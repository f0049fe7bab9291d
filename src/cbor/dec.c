/*
 * dec.c - emk_cbor_decode: the strict validator.  One pass over the
 * buffer with an explicit stack (no recursion), so the work is linear in
 * the input and the stack is bounded by EMK_CBOR_MAX_DEPTH levels:
 *  - every length and count is checked against the bytes left before it
 *    is used (a header claiming 2^64 items in five bytes fails at once);
 *  - each map key is compared with the previous key of its map only
 *    (CTAP2 canonical order: major type, then encoded length, then bytes),
 *    so ascending order also rules out duplicates.
 * The first rule broken, in reading order, decides the error.
 */
#include "cbor_int.h"

#include <string.h>

struct level {
    uint64_t left;          /* items still to come (keys and values for a map) */
    int map;
    const uint8_t *key;     /* start of the key being read */
    const uint8_t *prev;    /* the previous key: [prev, prev_end) */
    const uint8_t *prev_end;
};

/* CTAP2 canonical order of two encoded keys: <0, 0 or >0. */
static int key_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    if ((a[0] >> 5) != (b[0] >> 5))
        return (a[0] >> 5) < (b[0] >> 5) ? -1 : 1;
    if (an != bn)
        return an < bn ? -1 : 1;
    return memcmp(a, b, an);
}

/* One item's head and, for strings, its content; containers are pushed
 * by the caller.  Returns 0 or the error. */
static int scalar_ok(const emk_cbor_head *h, const uint8_t *p, size_t rem)
{
    switch (h->major) {
    case EMK_CBOR_BYTES:
    case EMK_CBOR_TEXT:
        if (h->val > (uint64_t)rem)
            return -EBADMSG;
        if (h->major == EMK_CBOR_TEXT && !emk_cbor_utf8_ok(p, (size_t)h->val))
            return -EPROTO;
        return 0;
    case EMK_CBOR_TAG:
        return -EPROTO;
    case EMK_CBOR_SIMPLE:
        return h->val >= EMK_CBOR_FALSE && h->val <= EMK_CBOR_UNDEFINED ? 0 : -EPROTO;
    default:
        return 0;
    }
}

int emk_cbor_decode(const uint8_t *buf, size_t len, unsigned max_depth,
                    emk_cbor_item *root)
{
    struct level st[EMK_CBOR_MAX_DEPTH];
    unsigned depth = 0;
    const uint8_t *p, *end;
    emk_cbor_head h;
    int r;

    if (!buf || len == 0)
        return -EBADMSG;
    if (max_depth > EMK_CBOR_MAX_DEPTH)
        max_depth = EMK_CBOR_MAX_DEPTH;
    p = buf;
    end = buf + len;
    for (;;) {
        size_t rem;
        struct level *l;

        if (depth && st[depth - 1].map && !(st[depth - 1].left & 1))
            st[depth - 1].key = p;
        r = emk_cbor_head_read(p, (size_t)(end - p), &h);
        if (r < 0)
            return r;
        p += h.len;
        rem = (size_t)(end - p);
        if (h.major == EMK_CBOR_ARRAY || h.major == EMK_CBOR_MAP) {
            int map = h.major == EMK_CBOR_MAP;
            /* every item takes a byte at least, every pair two */
            if (h.val > (uint64_t)(map ? rem / 2 : rem))
                return -EBADMSG;
            if (depth >= max_depth)
                return -ELOOP;
            if (h.val) {
                l = &st[depth++];
                l->left = map ? h.val * 2 : h.val;
                l->map = map;
                l->key = l->prev = l->prev_end = NULL;
                continue;
            }
        } else {
            r = scalar_ok(&h, p, rem);
            if (r < 0)
                return r;
            if (h.major == EMK_CBOR_BYTES || h.major == EMK_CBOR_TEXT)
                p += (size_t)h.val;
        }
        /* an item ended at p: count it in its container, close the
         * containers it completes */
        for (;;) {
            if (depth == 0)
                goto done;
            l = &st[depth - 1];
            if (l->map && !(l->left & 1)) {
                if (l->prev && key_cmp(l->prev, (size_t)(l->prev_end - l->prev),
                                       l->key, (size_t)(p - l->key)) >= 0)
                    return -EPROTO;
                l->prev = l->key;
                l->prev_end = p;
            }
            if (--l->left)
                break;
            depth--;
        }
    }
done:
    if (p != end)
        return -EBADMSG;
    if (root)
        return emk_cbor_item_at(buf, len, root);
    return 0;
}
