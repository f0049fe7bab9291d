/*
 * emkit/cbor.h - CBOR (RFC 8949) as CTAP2 uses it: a canonical encoder and
 * a strict decoder.
 *
 * Encoder: writes into a caller-owned buffer; the first error (-ENOSPC
 * when the buffer is full, -EINVAL for a bad argument) is sticky and every
 * later call is a no-op, so a caller checks once, in emk_cbor_enc_finish.
 * Integers and lengths always take their shortest form and lengths are
 * always definite.  The caller writes map keys in CTAP2 canonical order
 * (major type, then encoded length, then bytes; for the short keys CTAP
 * uses this is also RFC 8949 core deterministic order).
 *
 * Decoder: emk_cbor_decode validates one whole item first (well-formed,
 * nothing after it, definite lengths only, shortest-form integers and
 * lengths, map keys strictly ascending in canonical order and so unique,
 * text valid UTF-8, no floats, no tags, only the simple values false,
 * true, null and undefined, nesting no deeper than asked).  After that,
 * the accessors walk the validated buffer and cannot run past it.
 * Nothing allocates.
 *
 * The validator is one pass with an explicit stack (no recursion), linear
 * in the input: every length and count is checked against the bytes left
 * before it is used (an array claiming 2^64 items in a few bytes fails at
 * once), and each map key is compared with the previous key of its map
 * only.  Any key type is allowed; keys compare as their encodings (CTAP2:
 * major type, then encoded length, then bytes).  The first rule broken in
 * reading order decides the error, so every proper prefix of a valid
 * encoding is -EBADMSG.  RFC 8949 malformations (reserved additional
 * information 28..30, an indefinite length on an integer or tag, a lone
 * break, a two-byte simple value below 32) are -EBADMSG as well; an
 * indefinite-length string, array or map is well-formed but refused
 * (-EPROTO), like floats and tags.
 *
 * Accessors: lookups and iteration are linear in the container (values
 * between keys are skipped, not decoded); an item's [start, end) lets a
 * caller hash or copy the exact bytes (e.g. a COSE key) as received.
 */
#ifndef EMKIT_CBOR_H
#define EMKIT_CBOR_H

#include "emkit/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Major types (RFC 8949 section 3.1). */
enum emk_cbor_type {
    EMK_CBOR_UINT = 0,
    EMK_CBOR_NINT = 1,   /**< the integer is -1 - val */
    EMK_CBOR_BYTES = 2,
    EMK_CBOR_TEXT = 3,
    EMK_CBOR_ARRAY = 4,
    EMK_CBOR_MAP = 5,
    EMK_CBOR_TAG = 6,    /**< never accepted by the decoder */
    EMK_CBOR_SIMPLE = 7
};

/** The simple values the decoder accepts. */
enum emk_cbor_simple {
    EMK_CBOR_FALSE = 20,
    EMK_CBOR_TRUE = 21,
    EMK_CBOR_NULL = 22,
    EMK_CBOR_UNDEFINED = 23
};

enum emk_cbor_limits {
    EMK_CBOR_MAX_DEPTH = 16,      /**< the deepest nesting emk_cbor_decode allows */
    EMK_CBOR_CTAP_DEPTH = 5       /**< what CTAP requests need (root = 1) */
};

/** Encoder state; caller-owned, no allocation. */
typedef struct emk_cbor_enc {
    uint8_t *buf;
    size_t cap;
    size_t len;
    int err;        /**< first error, sticky */
} emk_cbor_enc;

/** Starts encoding into buf[0..cap) (buf NULL: capacity 0, so the first
 *  write fails with -ENOSPC). */
EMK_API void emk_cbor_enc_init(emk_cbor_enc *e, uint8_t *buf, size_t cap);
/** Appends an unsigned integer. */
EMK_API void emk_cbor_uint(emk_cbor_enc *e, uint64_t v);
/** Appends a signed integer (major type 0 or 1). */
EMK_API void emk_cbor_int(emk_cbor_enc *e, int64_t v);
/** Appends the negative integer -1 - v (major type 1; reaches -2^64,
 *  beyond int64_t, as an emk_cbor_item of type NINT can hold). */
EMK_API void emk_cbor_nint(emk_cbor_enc *e, uint64_t v);
/** Appends a byte string of n bytes. */
EMK_API void emk_cbor_bytes(emk_cbor_enc *e, const void *p, size_t n);
/** Appends a text string of n bytes; -EINVAL (sticky) if not UTF-8. */
EMK_API void emk_cbor_text(emk_cbor_enc *e, const char *s, size_t n);
/** Appends a NUL-terminated text string. */
EMK_API void emk_cbor_text_z(emk_cbor_enc *e, const char *s);
/** Appends an array header; the n items follow. */
EMK_API void emk_cbor_array(emk_cbor_enc *e, size_t n);
/** Appends a map header; n key/value pairs follow, keys in canonical order. */
EMK_API void emk_cbor_map(emk_cbor_enc *e, size_t n);
/** Appends true (v != 0) or false. */
EMK_API void emk_cbor_bool(emk_cbor_enc *e, int v);
/** Appends null. */
EMK_API void emk_cbor_null(emk_cbor_enc *e);
/** Appends n bytes that already hold one encoded item (copied as is, not
 *  checked: e.g. an item's [start, end) from the decoder). */
EMK_API void emk_cbor_raw(emk_cbor_enc *e, const void *p, size_t n);
/** Returns the sticky error (0 if none) and stores the encoded length in
 *  *len (if len is not NULL).  After an error *len counts the bytes of the
 *  calls that fitted before it: a call that does not fit writes nothing. */
EMK_API int emk_cbor_enc_finish(const emk_cbor_enc *e, size_t *len);

/**
 * One decoded item.  For UINT/NINT val is the argument; for BYTES/TEXT
 * val is the length and ptr the content; for ARRAY/MAP val is the number
 * of items (pairs for a map) and ptr the first one; for SIMPLE val is the
 * simple value.  [start, end) is the whole encoding, nested items included.
 */
typedef struct emk_cbor_item {
    uint8_t type;           /**< emk_cbor_type */
    uint64_t val;
    const uint8_t *ptr;
    const uint8_t *start;
    const uint8_t *end;
} emk_cbor_item;

/**
 * Validates buf[0..len) as exactly one item under the rules above, with
 * containers nested at most max_depth deep (the root container is level
 * 1; max_depth is capped at EMK_CBOR_MAX_DEPTH), and fills *root.
 * Returns 0, -EBADMSG if malformed or truncated or followed by more
 * bytes, -EPROTO if well-formed but not canonical or not allowed here
 * (order, duplicates, long forms, floats, tags, bad UTF-8), -ELOOP if too
 * deep.
 */
EMK_API int emk_cbor_decode(const uint8_t *buf, size_t len, unsigned max_depth,
                            emk_cbor_item *root);

/** Iterator over the items of a validated array, or the keys and values
 *  (alternating) of a validated map. */
typedef struct emk_cbor_iter {
    const uint8_t *p;
    const uint8_t *end;
    uint64_t left;          /**< items still to come */
} emk_cbor_iter;

/** Starts iterating over the content of an ARRAY or MAP item (any other
 *  item gives an empty iteration). */
EMK_API void emk_cbor_iter_init(emk_cbor_iter *it, const emk_cbor_item *container);
/** Stores the next item; returns 1, 0 at the end, -EBADMSG if the buffer
 *  was not validated by emk_cbor_decode. */
EMK_API int emk_cbor_next(emk_cbor_iter *it, emk_cbor_item *out);
/** Finds the value of integer key `key` in a validated map: 1 found (and
 *  *val, if val is not NULL), 0 absent, or map NULL or not a map. */
EMK_API int emk_cbor_map_int(const emk_cbor_item *map, int64_t key, emk_cbor_item *val);
/** Finds the value of text key `key` (NUL-terminated) in a validated map:
 *  1 found (and *val, if val is not NULL), 0 absent, or map NULL or not
 *  a map. */
EMK_API int emk_cbor_map_text(const emk_cbor_item *map, const char *key, emk_cbor_item *val);
/** The value of an integer item: 0 and *v (if v is not NULL), or -EINVAL
 *  if not an integer or outside int64_t. */
EMK_API int emk_cbor_get_int(const emk_cbor_item *it, int64_t *v);
/** 1 if true, 0 if false; -EINVAL if not a boolean. */
EMK_API int emk_cbor_get_bool(const emk_cbor_item *it);
/** 1 if the item is a text string equal to NUL-terminated s. */
EMK_API int emk_cbor_text_eq(const emk_cbor_item *it, const char *s);
/** The content of a byte string item: 0 and *p, *n; -EINVAL if the item
 *  is not a byte string. */
EMK_API int emk_cbor_get_bytes(const emk_cbor_item *it, const uint8_t **p, size_t *n);
/** The content of a text string item (valid UTF-8, not NUL-terminated):
 *  0 and *s, *n; -EINVAL if the item is not a text string. */
EMK_API int emk_cbor_get_text(const emk_cbor_item *it, const char **s, size_t *n);

#ifdef __cplusplus
}
#endif

#endif
