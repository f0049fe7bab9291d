/* SCAFFOLD (helper pin deletes this file): PIN protocols, clientPIN, credMgmt, config, largeBlobs placeholders. */
#include "fido_int.h"
void emk_fido_pin_init(emk_fido *k) { (void)k; }
void emk_fido_pin_cleanup(emk_fido *k) { (void)k; }
void emk_fido_pin_reset(emk_fido *k) { (void)k; }
int emk_fido_pin_auth(emk_fido *k, int64_t pr, const uint8_t *pa, size_t pl, const uint8_t *m, size_t ml, unsigned perm, const uint8_t *h) { (void)k; (void)pr; (void)pa; (void)pl; (void)m; (void)ml; (void)perm; (void)h; return CTAP2_ERR_PIN_AUTH_INVALID; }
int emk_fido_pin_token_up(const emk_fido *k) { (void)k; return 0; }
void emk_fido_pin_token_clear_up(emk_fido *k) { (void)k; }
int emk_fido_pin_shared(emk_fido *k, int64_t pr, const emk_cbor_item *c, uint8_t s[64], size_t *l) { (void)k; (void)pr; (void)c; (void)s; *l = 0; return CTAP1_ERR_INVALID_PARAMETER; }
int emk_fido_pin_encrypt(emk_fido *k, int64_t pr, const uint8_t *s, const uint8_t *in, size_t len, uint8_t *out, size_t *ol) { (void)k; (void)pr; (void)s; (void)in; (void)len; (void)out; *ol = 0; return -ENOSYS; }
int emk_fido_pin_decrypt(int64_t pr, const uint8_t *s, const uint8_t *in, size_t len, uint8_t *out, size_t *ol) { (void)pr; (void)s; (void)in; (void)len; (void)out; *ol = 0; return -ENOSYS; }
int emk_fido_pin_verify(int64_t pr, const uint8_t *s, const uint8_t *m, size_t ml, const uint8_t *sig, size_t sl) { (void)pr; (void)s; (void)m; (void)ml; (void)sig; (void)sl; return -ENOSYS; }
int emk_fido_client_pin(emk_fido *k, const emk_cbor_item *p, emk_cbor_enc *e) { (void)k; (void)p; (void)e; return CTAP1_ERR_INVALID_COMMAND; }
int emk_fido_cred_mgmt(emk_fido *k, const emk_cbor_item *p, emk_cbor_enc *e) { (void)k; (void)p; (void)e; return CTAP1_ERR_INVALID_COMMAND; }
int emk_fido_config_cmd(emk_fido *k, const emk_cbor_item *p, emk_cbor_enc *e) { (void)k; (void)p; (void)e; return CTAP1_ERR_INVALID_COMMAND; }
int emk_fido_large_blobs(emk_fido *k, const emk_cbor_item *p, emk_cbor_enc *e) { (void)k; (void)p; (void)e; return CTAP1_ERR_INVALID_COMMAND; }
