/* fuzz_ctap.c - libFuzzer: a sequence of CTAP2 requests into a fresh key
 * (fixed seed, in memory, user presence always given).  The input is
 * records of a 2-byte big-endian length and that many bytes (command
 * byte and CBOR parameters); at most MAX_REQ records run.  Every command
 * is reachable: makeCredential, getAssertion, getNextAssertion, getInfo,
 * clientPIN, reset, credentialManagement, selection, largeBlobs, config.
 * Properties (abort on failure): a response is a status byte and, on
 * success, exactly one canonical CBOR map; the signature counter never
 * goes back; the key never reports a persistence error. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/cbor.h"
#include "emkit/fido.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_REQ = 24 };

static const uint8_t seed[32] = "emkit fuzz-ctap fixed seed......";

static void need(int ok)
{
    if (!ok)
        abort();
}

static void no_report(void *opaque, const uint8_t r[EMK_FIDO_REPORT])
{
    (void)opaque;
    (void)r;
}

static uint8_t resp[EMK_FIDO_MSG_MAX];

static void one(emk_fido *k, const uint8_t *req, size_t len)
{
    emk_cbor_item root;
    size_t n = 0;
    uint32_t before = emk_fido_counter(k);

    need(emk_fido_ctap2_call(k, req, len, resp, sizeof(resp), &n) == 0);
    need(n >= 1);
    if (resp[0] == 0 && n > 1) {
        need(emk_cbor_decode(resp + 1, n - 1, EMK_CBOR_MAX_DEPTH, &root) == 0);
        need(root.type == EMK_CBOR_MAP);
    } else {
        need(n == 1);
    }
    need(emk_fido_counter(k) >= before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    emk_vclock vc;
    emk_loop *loop;
    emk_fido *k;
    emk_fido_config cfg;
    emk_fido_ops ops = { no_report, NULL };
    int count = 0;

    emk_vclock_init(&vc, 0);
    loop = emk_loop_new(&vc.clock, NULL);
    need(loop != NULL);
    memset(&cfg, 0, sizeof(cfg));
    cfg.seed = seed;
    cfg.seed_len = sizeof(seed);
    cfg.up_policy = EMK_FIDO_UP_ALWAYS;
    cfg.max_resident = 8;           /* small enough to fill */
    need(emk_fido_new(&k, loop, &cfg, &ops, NULL) == 0);
    while (size >= 2 && count++ < MAX_REQ) {
        size_t len = (size_t)data[0] << 8 | data[1];

        data += 2;
        size -= 2;
        if (len > size)
            len = size;
        one(k, data, len);
        data += len;
        size -= len;
        vc.now += 1000000000;       /* a second between requests */
        emk_loop_run_once(loop, 0);
    }
    need(emk_fido_error(k) == 0);
    emk_fido_free(k);
    emk_loop_free(loop);
    return 0;
}
