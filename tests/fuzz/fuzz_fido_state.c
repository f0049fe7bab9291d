/* fuzz_fido_state.c - libFuzzer: state file bytes into the loader's
 * parser (emk_fido_store_decode, what emk_fido_store_load runs on the
 * file's contents).  Most inputs fail the SHA-256 check, so the target
 * also reseals the input (its last 32 bytes replaced by the checksum of
 * the rest) when the first byte is odd, which lets the fields' own checks
 * be reached.  Properties: a decoded state encodes, that encoding decodes
 * to the same state, and encoding is then stable. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../hw/fido/fido_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void need(int ok)
{
    if (!ok)
        abort();
}

static emk_fido_persist a, b;
static uint8_t buf[80 * 1024], enc1[80 * 1024], enc2[80 * 1024];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n1, n2;

    if (size < 1 || size - 1 > sizeof(buf))
        return 0;
    memcpy(buf, data + 1, size - 1);
    size--;
    if ((data[0] & 1) && size >= 32)
        emk_sha256(buf, size - 32, buf + size - 32);
    if (emk_fido_store_decode(&a, buf, size))
        return 0;
    need(emk_fido_store_encode(&a, enc1, sizeof(enc1), &n1) == 0);
    need(emk_fido_store_decode(&b, enc1, n1) == 0);
    need(emk_fido_store_encode(&b, enc2, sizeof(enc2), &n2) == 0);
    need(n1 == n2 && memcmp(enc1, enc2, n1) == 0);
    need(memcmp(a.master, b.master, sizeof(a.master)) == 0);
    need(a.counter_limit == b.counter_limit && a.rk_seq == b.rk_seq);
    need(memcmp(a.rk, b.rk, sizeof(a.rk)) == 0);
    need(a.large_blob_len == b.large_blob_len &&
         memcmp(a.large_blob, b.large_blob, a.large_blob_len) == 0);
    return 0;
}
