/* cbor_int.h - what the CBOR files share (src/cbor/): the head reader and
 * the UTF-8 check.  Private to libemkit. */
#ifndef EMKIT_CBOR_INT_H
#define EMKIT_CBOR_INT_H

#include "emkit/cbor.h"

/* One item's head (RFC 8949 section 3): the initial byte and its argument. */
typedef struct emk_cbor_head {
    uint8_t major;      /* emk_cbor_type */
    uint8_t ai;         /* additional information, the low 5 bits */
    uint64_t val;       /* the argument (or ai itself when ai < 24) */
    size_t len;         /* bytes of the head: 1, 2, 3, 5 or 9 */
} emk_cbor_head;

/* Reads the head at p[0..n): 0, -EBADMSG if truncated or reserved
 * (ai 28..30) or indefinite where RFC 8949 says malformed (majors 0, 1, 6
 * and a lone break), -EPROTO if well-formed but refused here: an argument
 * not in its shortest form, an indefinite length (majors 2..5), a
 * float (ai 25..27 of major 7).  Never reads past p + n. */
int emk_cbor_head_read(const uint8_t *p, size_t n, emk_cbor_head *h);

/* 1 if p[0..n) is well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), else 0. */
int emk_cbor_utf8_ok(const uint8_t *p, size_t n);

/* Fills *it with the item at p[0..n) (nested items included) without
 * validating canonical rules: 0, or -EBADMSG if it runs past p + n or is
 * malformed (the accessors' guard against buffers emk_cbor_decode did not
 * accept). */
int emk_cbor_item_at(const uint8_t *p, size_t n, emk_cbor_item *it);

#endif
