/* SCAFFOLD (helper u2f deletes this file): u2f.c, x509.c, store.c placeholders. */
#include "fido_int.h"
int emk_fido_u2f(emk_fido *k, const uint8_t *a, size_t len, uint8_t *resp, size_t cap, size_t *rl) { (void)k; (void)a; (void)len; if (cap < 2) return -ENOSPC; resp[0] = 0x6D; resp[1] = 0x00; *rl = 2; return 0; }
int emk_fido_attest_init(emk_fido *k) { (void)k; return 0; }
int emk_fido_store_load(emk_fido *k) { (void)k; return -ENOENT; }
int emk_fido_store_save(emk_fido *k) { (void)k; return 0; }
int emk_fido_counter_next(emk_fido *k, uint32_t *v) { *v = k->counter++; return 0; }
