/*
 * emkit/json.h - a small JSON (RFC 8259) parser into a caller-supplied node
 * array, and string escaping for writers.  Nothing is allocated; strings
 * stay in the text (emk_json_string unescapes a copy).  Used by the event
 * protocol (emkit/events.h).
 *
 *   emk_json_node n[64];
 *   int cnt = emk_json_parse(text, len, n, 64, 16);     // n[0] is the root
 *   int cmd = emk_json_member(text, n, 0, "execute");
 */
#ifndef EMKIT_JSON_H
#define EMKIT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "emkit/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Node types. */
enum emk_json_type {
    EMK_JSON_NULL = 0, EMK_JSON_FALSE = 1, EMK_JSON_TRUE = 2, EMK_JSON_NUMBER = 3,
    EMK_JSON_STRING = 4, EMK_JSON_ARRAY = 5, EMK_JSON_OBJECT = 6
};

/** One value.  Children of an array or object are linked through next;
 *  an object member's key is key_off/key_len (raw, inside the quotes). */
typedef struct emk_json_node {
    int type;
    int child;           /**< first child, or -1 */
    int next;            /**< next sibling, or -1 */
    uint32_t off, len;   /**< the value's text (a string: inside the quotes) */
    uint32_t key_off, key_len;
    double num;          /**< EMK_JSON_NUMBER */
} emk_json_node;

/** Parses text[0, len) as one JSON value (surrounding white space
 *  allowed) into nodes[0, cap), nesting at most max_depth.  Returns the
 *  node count (nodes[0] is the root), -EINVAL for bad JSON (including
 *  invalid UTF-8 and control characters in strings) or -ENOSPC. */
EMK_API int emk_json_parse(const char *text, size_t len, emk_json_node *nodes, unsigned cap,
                           unsigned max_depth);

/** The member of object node obj called key (compared after unescaping),
 *  or -ENOENT (also if obj is not an object). */
EMK_API int emk_json_member(const char *text, const emk_json_node *nodes, int obj,
                            const char *key);

/** Unescapes string node n into out (NUL-terminated, UTF-8).  Returns the
 *  length, -EINVAL (not a string, or \u0000) or -ENOSPC. */
EMK_API int emk_json_string(const char *text, const emk_json_node *n, char *out, size_t cap);

/** Writes s (n bytes) as a JSON string literal, quotes included, into
 *  out[0, cap) with a NUL.  Bytes that are not valid UTF-8 become U+FFFD.
 *  Returns the length written, or -ENOSPC. */
EMK_API int emk_json_quote(char *out, size_t cap, const char *s, size_t n);

#ifdef __cplusplus
}
#endif

#endif
