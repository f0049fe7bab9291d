/* SCAFFOLD (helper pin deletes this file): clientPIN, credMgmt, config, largeBlobs placeholders. */
#include "fido_int.h"
void emk_fido_cm_abort(emk_fido *k) { (void)k; }
int emk_fido_cred_mgmt(emk_fido *k, const emk_cbor_item *p, emk_cbor_enc *e) { (void)k; (void)p; (void)e; return CTAP1_ERR_INVALID_COMMAND; }
int emk_fido_config_cmd(emk_fido *k, const emk_cbor_item *p, emk_cbor_enc *e) { (void)k; (void)p; (void)e; return CTAP1_ERR_INVALID_COMMAND; }
int emk_fido_large_blobs(emk_fido *k, const emk_cbor_item *p, emk_cbor_enc *e) { (void)k; (void)p; (void)e; return CTAP1_ERR_INVALID_COMMAND; }
