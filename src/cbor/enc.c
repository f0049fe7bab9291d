/*
 * enc.c - the canonical encoder: shortest-form heads, definite lengths,
 * the first error sticky.  A write that does not fit writes nothing.
 */
#include "cbor_int.h"

#include <string.h>

void emk_cbor_enc_init(emk_cbor_enc *e, uint8_t *buf, size_t cap)
{
    e->buf = buf;
    e->cap = buf ? cap : 0;
    e->len = 0;
    e->err = 0;
}

/* Reserves n bytes: the place to write them, or NULL (error set). */
static uint8_t *room(emk_cbor_enc *e, size_t n)
{
    uint8_t *w;

    if (e->err)
        return NULL;
    if (e->cap - e->len < n) {
        e->err = -ENOSPC;
        return NULL;
    }
    w = e->buf + e->len;
    e->len += n;
    return w;
}

/* Writes a head, then n content bytes from p, both or neither. */
static void put(emk_cbor_enc *e, unsigned major, uint64_t v, const void *p, size_t n)
{
    uint8_t hd[9];
    size_t k, hl;
    uint8_t *w;

    if (v < 24) {
        hd[0] = (uint8_t)(major << 5 | v);
        hl = 1;
    } else {
        unsigned ai = v <= 0xff ? 24 : v <= 0xffff ? 25 : v <= 0xffffffffu ? 26 : 27;
        k = (size_t)1 << (ai - 24);
        hd[0] = (uint8_t)(major << 5 | ai);
        for (size_t i = 0; i < k; i++)
            hd[k - i] = (uint8_t)(v >> (8 * i));
        hl = 1 + k;
    }
    if (e->err)
        return;
    if (n > SIZE_MAX - hl) {
        e->err = -ENOSPC;
        return;
    }
    w = room(e, hl + n);
    if (!w)
        return;
    memcpy(w, hd, hl);
    if (n)
        memcpy(w + hl, p, n);
}

static void fail(emk_cbor_enc *e, int err)
{
    if (!e->err)
        e->err = err;
}

void emk_cbor_uint(emk_cbor_enc *e, uint64_t v)
{
    put(e, EMK_CBOR_UINT, v, NULL, 0);
}

void emk_cbor_int(emk_cbor_enc *e, int64_t v)
{
    if (v >= 0)
        put(e, EMK_CBOR_UINT, (uint64_t)v, NULL, 0);
    else
        put(e, EMK_CBOR_NINT, (uint64_t)(-(v + 1)), NULL, 0);
}

void emk_cbor_nint(emk_cbor_enc *e, uint64_t v)
{
    put(e, EMK_CBOR_NINT, v, NULL, 0);
}

void emk_cbor_bytes(emk_cbor_enc *e, const void *p, size_t n)
{
    if (!p && n)
        fail(e, -EINVAL);
    else
        put(e, EMK_CBOR_BYTES, n, p, n);
}

void emk_cbor_text(emk_cbor_enc *e, const char *s, size_t n)
{
    if ((!s && n) || (n && !emk_cbor_utf8_ok((const uint8_t *)s, n)))
        fail(e, -EINVAL);
    else
        put(e, EMK_CBOR_TEXT, n, s, n);
}

void emk_cbor_text_z(emk_cbor_enc *e, const char *s)
{
    if (!s)
        fail(e, -EINVAL);
    else
        emk_cbor_text(e, s, strlen(s));
}

void emk_cbor_array(emk_cbor_enc *e, size_t n)
{
    put(e, EMK_CBOR_ARRAY, n, NULL, 0);
}

void emk_cbor_map(emk_cbor_enc *e, size_t n)
{
    put(e, EMK_CBOR_MAP, n, NULL, 0);
}

void emk_cbor_bool(emk_cbor_enc *e, int v)
{
    put(e, EMK_CBOR_SIMPLE, v ? EMK_CBOR_TRUE : EMK_CBOR_FALSE, NULL, 0);
}

void emk_cbor_null(emk_cbor_enc *e)
{
    put(e, EMK_CBOR_SIMPLE, EMK_CBOR_NULL, NULL, 0);
}

void emk_cbor_raw(emk_cbor_enc *e, const void *p, size_t n)
{
    uint8_t *w;

    if (!p && n) {
        fail(e, -EINVAL);
        return;
    }
    if (n == 0)
        return;
    w = room(e, n);
    if (w)
        memcpy(w, p, n);
}

int emk_cbor_enc_finish(const emk_cbor_enc *e, size_t *len)
{
    if (len)
        *len = e->len;
    return e->err;
}
