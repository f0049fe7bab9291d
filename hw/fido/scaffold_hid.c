/* SCAFFOLD (helper hid deletes this file): hid.c and up.c placeholders. */
#include "fido_int.h"
int emk_fido_hid_input(emk_fido *k, const uint8_t *r, size_t len) { (void)k; (void)r; return len == 64 ? 0 : -EINVAL; }
void emk_fido_set_presence(emk_fido *k, int p, uint32_t d) { k->up_policy = p; k->up_delay_ms = d; }
void emk_fido_touch(emk_fido *k) { (void)k; }
const uint8_t *emk_fido_hid_descriptor(size_t *len) { *len = 0; return NULL; }
void emk_fido_hid_init(emk_fido *k) { (void)k; }
void emk_fido_hid_cleanup(emk_fido *k) { (void)k; }
void emk_fido_hid_resume(emk_fido *k) { (void)k; }
int emk_fido_up_test(emk_fido *k) { return k->up_policy == EMK_FIDO_UP_DENY ? 0 : 1; }
void emk_fido_up_abort(emk_fido *k) { (void)k; }
void emk_fido_up_init(emk_fido *k) { (void)k; }
void emk_fido_up_cleanup(emk_fido *k) { (void)k; }
