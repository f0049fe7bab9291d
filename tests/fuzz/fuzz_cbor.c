/* fuzz_cbor.c - libFuzzer: the CBOR decoder (emkit/cbor.h) on hostile
 * input.  Properties, each an abort when broken:
 *  - a valid input re-encodes, by walking it with the accessors and the
 *    encoder (tests/cbor/cbor_reenc.h), to exactly its own bytes: the
 *    decoder accepts canonical encodings only;
 *  - every key of every valid map is found by emk_cbor_map_int /
 *    emk_cbor_map_text at its own value;
 *  - a valid input of nesting depth d decodes with max_depth d and is
 *    refused with -ELOOP at d - 1;
 *  - errors are only -EBADMSG, -EPROTO, -ELOOP;
 *  - the accessors on the same bytes taken as an unvalidated container
 *    never read outside them (ASan) and stop.
 * The input is the CBOR item itself. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/cbor.h"
#include "cbor/cbor_reenc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void need(int ok)
{
    if (!ok)
        abort();
}

/* Nesting depth of a valid item (containers; the root one is 1), and the
 * lookups of every map key. */
static unsigned walk(const emk_cbor_item *it)
{
    emk_cbor_iter i;
    emk_cbor_item k, v, found;
    unsigned d = 0, s;
    int64_t x;

    if (it->type != EMK_CBOR_ARRAY && it->type != EMK_CBOR_MAP)
        return 0;
    emk_cbor_iter_init(&i, it);
    while (emk_cbor_next(&i, &k) == 1) {
        s = walk(&k);
        d = s > d ? s : d;
        if (it->type != EMK_CBOR_MAP)
            continue;
        need(emk_cbor_next(&i, &v) == 1);
        s = walk(&v);
        d = s > d ? s : d;
        if (emk_cbor_get_int(&k, &x) == 0) {
            need(emk_cbor_map_int(it, x, &found) == 1);
            need(found.start == v.start && found.end == v.end);
        } else if (k.type == EMK_CBOR_TEXT && k.val < 64 && !memchr(k.ptr, 0, (size_t)k.val)) {
            char key[64];
            memcpy(key, k.ptr, (size_t)k.val);
            key[k.val] = 0;
            need(emk_cbor_map_text(it, key, &found) == 1);
            need(found.start == v.start && found.end == v.end);
        }
    }
    return d + 1;
}

/* The accessors on bytes nobody validated: bounded, and no reads outside. */
static void walk_raw(const emk_cbor_item *it, unsigned depth)
{
    emk_cbor_iter i;
    emk_cbor_item sub;
    unsigned n = 0;

    emk_cbor_iter_init(&i, it);
    while (emk_cbor_next(&i, &sub) == 1) {
        need(sub.start >= it->ptr && sub.end <= it->end && sub.start < sub.end);
        if (depth < EMK_CBOR_MAX_DEPTH)
            walk_raw(&sub, depth + 1);
        (void)emk_cbor_get_bool(&sub);
        (void)emk_cbor_text_eq(&sub, "id");
        if (++n > 4096)
            break;
    }
    (void)emk_cbor_map_int(it, 1, &sub);
    (void)emk_cbor_map_text(it, "rp", &sub);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[1 << 16];
    emk_cbor_item root, fake;
    emk_cbor_enc e;
    size_t n;
    unsigned d;
    int r = emk_cbor_decode(data, size, EMK_CBOR_MAX_DEPTH, &root);

    if (size) {
        fake.type = EMK_CBOR_ARRAY;
        fake.val = UINT64_MAX;
        fake.start = fake.ptr = data;
        fake.end = data + size;
        walk_raw(&fake, 1);
        fake.type = EMK_CBOR_MAP;
        fake.val = UINT64_MAX / 2;
        (void)emk_cbor_map_int(&fake, 3, &root);
    }
    if (r < 0) {
        need(r == -EBADMSG || r == -EPROTO || r == -ELOOP);
        return 0;
    }
    need(emk_cbor_decode(data, size, EMK_CBOR_MAX_DEPTH, &root) == 0);
    need(root.start == data && root.end == data + size);
    emk_cbor_enc_init(&e, out, sizeof(out));
    need(cbor_reenc(&e, &root) == 0);
    need(emk_cbor_enc_finish(&e, &n) == 0);
    need(n == size && memcmp(out, data, size) == 0);
    d = walk(&root);
    need(d <= EMK_CBOR_MAX_DEPTH);
    need(emk_cbor_decode(data, size, d, NULL) == 0);
    if (d)
        need(emk_cbor_decode(data, size, d - 1, NULL) == -ELOOP);
    return 0;
}
