/* SCAFFOLD (helper ctap deletes this file): make_cred.c, get_assert.c placeholders. */
#include "fido_int.h"
int emk_fido_make_credential(emk_fido *k, const emk_cbor_item *p, emk_cbor_enc *e) { (void)k; (void)p; (void)e; return CTAP1_ERR_INVALID_COMMAND; }
int emk_fido_get_assertion(emk_fido *k, const emk_cbor_item *p, emk_cbor_enc *e) { (void)k; (void)p; (void)e; return CTAP1_ERR_INVALID_COMMAND; }
int emk_fido_get_next_assertion(emk_fido *k, emk_cbor_enc *e) { (void)k; (void)e; return CTAP2_ERR_NOT_ALLOWED; }
int emk_fido_get_info(emk_fido *k, emk_cbor_enc *e) { (void)k; (void)e; return CTAP1_ERR_INVALID_COMMAND; }
void emk_fido_ctap2_abort(emk_fido *k) { (void)k; }
