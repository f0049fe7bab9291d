/* SCAFFOLD (helper cbor deletes this file): placeholders until src/cbor lands. */
#include "emkit/cbor.h"
void emk_cbor_enc_init(emk_cbor_enc *e, uint8_t *buf, size_t cap) { e->buf = buf; e->cap = cap; e->len = 0; e->err = -ENOSYS; }
void emk_cbor_uint(emk_cbor_enc *e, uint64_t v) { (void)e; (void)v; }
void emk_cbor_int(emk_cbor_enc *e, int64_t v) { (void)e; (void)v; }
void emk_cbor_bytes(emk_cbor_enc *e, const void *p, size_t n) { (void)e; (void)p; (void)n; }
void emk_cbor_text(emk_cbor_enc *e, const char *s, size_t n) { (void)e; (void)s; (void)n; }
void emk_cbor_text_z(emk_cbor_enc *e, const char *s) { (void)e; (void)s; }
void emk_cbor_array(emk_cbor_enc *e, size_t n) { (void)e; (void)n; }
void emk_cbor_map(emk_cbor_enc *e, size_t n) { (void)e; (void)n; }
void emk_cbor_bool(emk_cbor_enc *e, int v) { (void)e; (void)v; }
void emk_cbor_null(emk_cbor_enc *e) { (void)e; }
void emk_cbor_raw(emk_cbor_enc *e, const void *p, size_t n) { (void)e; (void)p; (void)n; }
int emk_cbor_enc_finish(const emk_cbor_enc *e, size_t *len) { *len = 0; return e->err; }
int emk_cbor_decode(const uint8_t *buf, size_t len, unsigned d, emk_cbor_item *r) { (void)buf; (void)len; (void)d; (void)r; return -ENOSYS; }
void emk_cbor_iter_init(emk_cbor_iter *it, const emk_cbor_item *c) { (void)c; it->left = 0; }
int emk_cbor_next(emk_cbor_iter *it, emk_cbor_item *o) { (void)it; (void)o; return 0; }
int emk_cbor_map_int(const emk_cbor_item *m, int64_t k, emk_cbor_item *v) { (void)m; (void)k; (void)v; return 0; }
int emk_cbor_map_text(const emk_cbor_item *m, const char *k, emk_cbor_item *v) { (void)m; (void)k; (void)v; return 0; }
int emk_cbor_get_int(const emk_cbor_item *it, int64_t *v) { (void)it; (void)v; return -EINVAL; }
int emk_cbor_get_bool(const emk_cbor_item *it) { (void)it; return -EINVAL; }
int emk_cbor_text_eq(const emk_cbor_item *it, const char *s) { (void)it; (void)s; return 0; }
