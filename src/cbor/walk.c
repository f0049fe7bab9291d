/*
 * walk.c - the accessors: iterating arrays and maps, looking keys up,
 * reading values.  They expect a buffer emk_cbor_decode accepted, but
 * every step is still bounded by the container's end, so a buffer that
 * was not validated yields -EBADMSG or "absent", never a read past it.
 */
#include "cbor_int.h"

#include <string.h>

int emk_cbor_item_at(const uint8_t *p, size_t n, emk_cbor_item *it)
{
    const uint8_t *q = p, *end = p + n;
    uint64_t pending = 1;   /* items still to skip; never more than bytes left */
    emk_cbor_head h;

    while (pending) {
        uint64_t rem;

        if (emk_cbor_head_read(q, (size_t)(end - q), &h) < 0)
            return -EBADMSG;
        if (q == p) {
            it->type = h.major;
            it->val = h.val;
            it->start = p;
            it->ptr = p + h.len;
        }
        q += h.len;
        pending--;
        rem = (uint64_t)(end - q);
        if (pending > rem)
            return -EBADMSG;
        switch (h.major) {
        case EMK_CBOR_BYTES:
        case EMK_CBOR_TEXT:
            if (h.val > rem - pending)
                return -EBADMSG;
            q += (size_t)h.val;
            break;
        case EMK_CBOR_ARRAY:
            if (h.val > rem - pending)
                return -EBADMSG;
            pending += h.val;
            break;
        case EMK_CBOR_MAP:
            if (h.val > (rem - pending) / 2)
                return -EBADMSG;
            pending += h.val * 2;
            break;
        case EMK_CBOR_TAG:
            return -EBADMSG;
        default:
            break;
        }
    }
    it->end = q;
    return 0;
}

void emk_cbor_iter_init(emk_cbor_iter *it, const emk_cbor_item *c)
{
    it->p = c->ptr;
    it->end = c->end;
    if (c->type == EMK_CBOR_ARRAY)
        it->left = c->val;
    else if (c->type == EMK_CBOR_MAP && c->val <= UINT64_MAX / 2)
        it->left = c->val * 2;
    else
        it->left = 0;
}

int emk_cbor_next(emk_cbor_iter *it, emk_cbor_item *out)
{
    if (it->left == 0)
        return 0;
    if (it->p >= it->end || emk_cbor_item_at(it->p, (size_t)(it->end - it->p), out) < 0) {
        it->left = 0;
        return -EBADMSG;
    }
    it->p = out->end;
    it->left--;
    return 1;
}

/* Calls match(key, arg) on each key of map; stores the value of the first
 * that matches.  1 found, 0 absent (or no map: NULL, not a map, or not
 * valid). */
static int map_find(const emk_cbor_item *map, int (*match)(const emk_cbor_item *, const void *),
                    const void *arg, emk_cbor_item *val)
{
    emk_cbor_iter it;
    emk_cbor_item k, v;

    if (!map || map->type != EMK_CBOR_MAP)
        return 0;
    emk_cbor_iter_init(&it, map);
    while (emk_cbor_next(&it, &k) == 1 && emk_cbor_next(&it, &v) == 1) {
        if (match(&k, arg)) {
            if (val)
                *val = v;
            return 1;
        }
    }
    return 0;
}

static int int_match(const emk_cbor_item *k, const void *arg)
{
    int64_t want = *(const int64_t *)arg, got;
    return emk_cbor_get_int(k, &got) == 0 && got == want;
}

static int text_match(const emk_cbor_item *k, const void *arg)
{
    return emk_cbor_text_eq(k, (const char *)arg);
}

int emk_cbor_map_int(const emk_cbor_item *map, int64_t key, emk_cbor_item *val)
{
    return map_find(map, int_match, &key, val);
}

int emk_cbor_map_text(const emk_cbor_item *map, const char *key, emk_cbor_item *val)
{
    return key ? map_find(map, text_match, key, val) : 0;
}

int emk_cbor_get_int(const emk_cbor_item *it, int64_t *v)
{
    if ((it->type != EMK_CBOR_UINT && it->type != EMK_CBOR_NINT) || it->val > (uint64_t)INT64_MAX)
        return -EINVAL;
    if (v)
        *v = it->type == EMK_CBOR_UINT ? (int64_t)it->val : -1 - (int64_t)it->val;
    return 0;
}

int emk_cbor_get_bool(const emk_cbor_item *it)
{
    if (it->type != EMK_CBOR_SIMPLE || (it->val != EMK_CBOR_TRUE && it->val != EMK_CBOR_FALSE))
        return -EINVAL;
    return it->val == EMK_CBOR_TRUE;
}

int emk_cbor_text_eq(const emk_cbor_item *it, const char *s)
{
    size_t n;

    if (it->type != EMK_CBOR_TEXT || !s)
        return 0;
    n = strlen(s);
    return it->val == (uint64_t)n && memcmp(it->ptr, s, n) == 0;
}

int emk_cbor_get_bytes(const emk_cbor_item *it, const uint8_t **p, size_t *n)
{
    if (it->type != EMK_CBOR_BYTES)
        return -EINVAL;
    *p = it->ptr;
    *n = (size_t)it->val;
    return 0;
}

int emk_cbor_get_text(const emk_cbor_item *it, const char **s, size_t *n)
{
    if (it->type != EMK_CBOR_TEXT)
        return -EINVAL;
    *s = (const char *)it->ptr;
    *n = (size_t)it->val;
    return 0;
}
