/* fuzz_u2f.c - libFuzzer: CTAP1/U2F APDUs into a key with a fixed seed
 * (no state file).  A fuzzed key handle almost never opens, so the first
 * byte picks how the input is used:
 *   even  the rest is one raw APDU;
 *   odd   an AUTHENTICATE with control byte data[1], the rest as the
 *         challenge and the start of a key handle registered at start-up
 *         (data[2]: 0 keeps that handle whole, else flips the bit
 *         data[2] of it), in the extended or (data[0] & 2) short form.
 * Properties: every response ends in a status word and carries a body
 * only with 9000; a signed AUTHENTICATE verifies with the registered key
 * and its counter is above every counter before it. */
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

static void no_report(void *opaque, const uint8_t report[EMK_FIDO_REPORT])
{
    (void)opaque;
    (void)report;
}

static emk_loop *loop;
static emk_fido *key;
static emk_p256_pub cred_pub;
static uint8_t kh[EMK_FIDO_CRED_ID_LEN], app[32];
static uint32_t last_ctr;
static int have_ctr;
static uint8_t rsp[EMK_FIDO_MSG_MAX], apdu[EMK_FIDO_MSG_MAX];

static void init(void)
{
    static const uint8_t seed[32] = { 'f', 'u', 'z', 'z', '-', 'u', '2', 'f' };
    emk_fido_config cfg;
    emk_fido_ops ops;
    uint8_t reg[9 + 64];
    size_t n;
    int err;

    memset(&cfg, 0, sizeof(cfg));
    memset(&ops, 0, sizeof(ops));
    cfg.seed = seed;
    cfg.seed_len = sizeof(seed);
    ops.send_report = no_report;
    loop = emk_loop_new(NULL, &err);
    need(loop && emk_fido_new(&key, loop, &cfg, &ops, NULL) == 0);
    memset(app, 0xa9, sizeof(app));
    memset(reg, 0, sizeof(reg));
    reg[1] = 0x01;
    reg[6] = 64;
    memcpy(reg + 39, app, 32);
    need(emk_fido_u2f_call(key, reg, sizeof(reg), rsp, sizeof(rsp), &n) == 0);
    need(n > 67 + EMK_FIDO_CRED_ID_LEN && rsp[n - 2] == 0x90 && rsp[n - 1] == 0);
    need(emk_p256_pub_decode(&cred_pub, rsp + 1, 65) == 0);
    need(rsp[66] == EMK_FIDO_CRED_ID_LEN);
    memcpy(kh, rsp + 67, EMK_FIDO_CRED_ID_LEN);
}

static size_t build_auth(const uint8_t *data, size_t size)
{
    uint8_t body[65 + EMK_FIDO_CRED_ID_LEN];
    size_t rest = size > 3 ? size - 3 : 0, lc = sizeof(body), n = 0;

    memset(body, 0, 32);
    memcpy(body, data + 3, rest < 32 ? rest : 32);
    memcpy(body + 32, app, 32);
    body[64] = EMK_FIDO_CRED_ID_LEN;
    memcpy(body + 65, kh, EMK_FIDO_CRED_ID_LEN);
    if (data[2])
        body[65 + (data[2] >> 3) % EMK_FIDO_CRED_ID_LEN] ^= (uint8_t)(1u << (data[2] & 7));
    apdu[n++] = 0;
    apdu[n++] = 0x02;
    apdu[n++] = data[1];
    apdu[n++] = 0;
    if (data[0] & 2) {
        apdu[n++] = (uint8_t)lc;
    } else {
        apdu[n++] = 0;
        apdu[n++] = 0;
        apdu[n++] = (uint8_t)lc;
    }
    memcpy(apdu + n, body, lc);
    n += lc;
    apdu[n++] = 0;
    if (!(data[0] & 2))
        apdu[n++] = 0;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len, n = 0;
    const uint8_t *a;

    if (!key)
        init();
    if (size < 1 || size > sizeof(apdu))
        return 0;
    if (data[0] & 1) {
        if (size < 3)
            return 0;
        len = build_auth(data, size);
        a = apdu;
    } else {
        a = data + 1;
        len = size - 1;
    }
    need(emk_fido_u2f_call(key, a, len, rsp, sizeof(rsp), &n) == 0);
    need(n >= 2);
    if (rsp[n - 2] != 0x90 || rsp[n - 1] != 0) {
        need(n == 2);
        return 0;
    }
    if (len > 1 && a[1] == 0x02 && a[0] == 0 && len > 4 + 65) {
        const uint8_t *body = a + (a[4] ? 5 : 7);
        uint8_t m[32 + 5 + 32], h[32];
        uint32_t ctr = (uint32_t)rsp[1] << 24 | (uint32_t)rsp[2] << 16 |
                       (uint32_t)rsp[3] << 8 | rsp[4];

        /* signed: application || flags || counter || challenge */
        need(!memcmp(body + 32, app, 32));
        memcpy(m, app, 32);
        memcpy(m + 32, rsp, 5);
        memcpy(m + 37, body, 32);
        emk_sha256(m, sizeof(m), h);
        need(emk_p256_verify(&cred_pub, h, rsp + 5, n - 7) == 0);
        need(!have_ctr || ctr > last_ctr);
        last_ctr = ctr;
        have_ctr = 1;
    }
    return 0;
}
