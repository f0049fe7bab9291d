/* fuzz_fido_pin.c - libFuzzer: the PIN and management room (client_pin.c,
 * pin_proto.c, cred_mgmt.c, config.c, large_blobs.c) behind its
 * authentication.  Each input gets a fresh key (fixed seed, in memory, on
 * a virtual clock) on which the harness, as the platform, has set the PIN
 * "1234" and obtained a pinUvAuthToken with every permission (the client
 * side is tests/fido/pin_client.c, written from the spec).  The first
 * input byte picks PIN/UV auth protocol 1 (even) or 2 (odd); then come
 * records of an op byte, a 2-byte big-endian length and that many payload
 * bytes (at most MAX_OPS records); the key is put back to its state after
 * the setup before every input (prepare, restore).  The ops compute correct
 * pinUvAuthParams over fuzzer-chosen subcommands and parameters, so the
 * fuzzer gets past authentication:
 *
 *   0 RAW     payload = command byte || CBOR, sent as it is
 *   1 CM      credentialManagement: sub || subCommandParams (raw CBOR)
 *   2 CONFIG  authenticatorConfig: sub || subCommandParams (raw CBOR)
 *   3 LB_SET  largeBlobs set: offset (u16 LE), length (u16 LE, 0xffff:
 *             none), fragment
 *   4 LB_PUT  largeBlobs: the payload as a whole array, its hash appended
 *   5 TOKEN   getPinUvAuthTokenUsingPinWithPermissions: perms || rpId
 *             (empty: none) with the current PIN; the token is replaced
 *   6 CHANGE  changePIN to the payload (the current PIN tracked)
 *   7 WRONG   a token request with the payload as the PIN
 *   8 MC      makeCredential: flags (1 rk, 2 largeBlobKey, 4 credProtect
 *             3, 8 no pinUvAuthParam) || RP index || user ID
 *   9 GA      getAssertion of an RP with the token: RP index
 *  10 CLOCK   the virtual clock moves payload[0] seconds
 *  11 CM_CRED credentialManagement deleteCredential or updateUserInformation
 *             (sub) of a credential ID that an MC op got back: sub ||
 *             index || user map (raw CBOR, updateUserInformation only)
 *
 * Properties (abort on failure): every response is a status byte and, on
 * success, nothing or one CBOR map; the harness's own setup succeeds; PIN
 * retries never exceed 8; the signature counter never goes back; the key
 * never reports a persistence error. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hw/fido/fido_int.h"
#include "../fido/pin_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
    MAX_OPS = 32,
    PERM_ALL = 0x01 | 0x02 | 0x04 | 0x10 | 0x20,
    CMD_MC = 0x01,
    CMD_GA = 0x02,
    CMD_CM = 0x0a,
    CMD_LB = 0x0c,
    CMD_CFG = 0x0d
};

enum op {
    OP_RAW, OP_CM, OP_CONFIG, OP_LB_SET, OP_LB_PUT, OP_TOKEN, OP_CHANGE, OP_WRONG, OP_MC,
    OP_GA, OP_CLOCK, OP_CM_CRED, OP_COUNT
};

enum { IDS = 8, ID_LEN = 64, AD_ID = 37 + 16 + 2 };

static const char *const rps[4] = { "rp0.example", "rp1.example", "example.com", "x" };

typedef struct fz {
    pc_key *key;
    pc_client c;
    char pin[65];
    uint8_t body[EMK_FIDO_MSG_MAX];
    uint8_t msg[EMK_FIDO_MSG_MAX + 40];
    uint8_t ids[IDS][ID_LEN];        /* credential IDs MC ops got back */
    unsigned n_ids;
} fz;

static fz f;
static int trace = -1;           /* FUZZ_FIDO_PIN_TRACE set: statuses on stderr */

static void need(int ok)
{
    if (!ok)
        abort();
}

/* every response: a status byte; on success nothing or one CBOR map */
static int call(uint8_t cmd, const uint8_t *body, size_t len)
{
    uint32_t before = emk_fido_counter(f.key->k);
    int st;

    if (len >= EMK_FIDO_MSG_MAX)
        len = EMK_FIDO_MSG_MAX - 1;     /* pc_call's buffer: the command byte too */
    st = pc_call(&f.c, cmd, body, len);
    if (trace)
        fprintf(stderr, "  command 0x%02x: status 0x%02x\n", cmd, (unsigned)st);

    need(st >= 0);
    if (st == 0 && f.c.resp_len > 1)
        need(f.c.map.type == EMK_CBOR_MAP);
    else
        need(f.c.resp_len == 1);
    need(emk_fido_counter(f.key->k) >= before);
    return st;
}

static void finish(emk_cbor_enc *e, uint8_t cmd)
{
    size_t n;

    if (emk_cbor_enc_finish(e, &n) == 0)
        call(cmd, f.body, n);
}

/* credentialManagement and authenticatorConfig: {1: sub, 2: params, 3:
 * proto, 4: authenticate(token, sub || params)}, config's with 32 x 0xff
 * || 0x0d in front */
static void sub_cmd(uint8_t cmd, const uint8_t *p, size_t len)
{
    uint8_t auth[32];
    size_t pre = cmd == CMD_CFG ? 33 : 0, n = 0, al;
    emk_cbor_enc e;

    if (!len || len > EMK_FIDO_MSG_MAX)
        return;
    if (pre) {
        memset(f.msg, 0xff, 32);
        f.msg[32] = CMD_CFG;
    }
    memcpy(f.msg + pre, p, len);
    n = pre + len;
    al = pc_auth(&f.c, f.c.token, f.msg, n, auth);
    emk_cbor_enc_init(&e, f.body, sizeof(f.body));
    emk_cbor_map(&e, len > 1 ? 4 : 3);
    emk_cbor_uint(&e, 1);
    emk_cbor_uint(&e, p[0]);
    if (len > 1) {
        emk_cbor_uint(&e, 2);
        emk_cbor_raw(&e, p + 1, len - 1);
    }
    emk_cbor_uint(&e, 3);
    emk_cbor_uint(&e, (uint64_t)f.c.proto);
    emk_cbor_uint(&e, 4);
    emk_cbor_bytes(&e, auth, al);
    finish(&e, cmd);
}

/* largeBlobs set: {2: fragment, 3: offset, [4: length], 5: param, 6: proto} */
static void lb_set(uint32_t offset, int has_len, uint32_t length, const uint8_t *frag,
                   size_t len)
{
    uint8_t m[70], auth[32];
    size_t al;
    emk_cbor_enc e;

    memset(m, 0xff, 32);
    m[32] = CMD_LB;
    m[33] = 0;
    for (int i = 0; i < 4; i++)
        m[34 + i] = (uint8_t)(offset >> (8 * i));
    emk_sha256(frag, len, m + 38);
    al = pc_auth(&f.c, f.c.token, m, sizeof(m), auth);
    emk_cbor_enc_init(&e, f.body, sizeof(f.body));
    emk_cbor_map(&e, has_len ? 5 : 4);
    emk_cbor_uint(&e, 2);
    emk_cbor_bytes(&e, frag, len);
    emk_cbor_uint(&e, 3);
    emk_cbor_uint(&e, offset);
    if (has_len) {
        emk_cbor_uint(&e, 4);
        emk_cbor_uint(&e, length);
    }
    emk_cbor_uint(&e, 5);
    emk_cbor_bytes(&e, auth, al);
    emk_cbor_uint(&e, 6);
    emk_cbor_uint(&e, (uint64_t)f.c.proto);
    finish(&e, CMD_LB);
}

static void lb_put(const uint8_t *p, size_t len)
{
    uint8_t h[32];

    if (len > sizeof(f.msg) - 16)
        return;
    memcpy(f.msg, p, len);
    emk_sha256(p, len, h);
    memcpy(f.msg + len, h, 16);
    lb_set(0, 1, (uint32_t)(len + 16), f.msg, len + 16);
}

/* a NUL-terminated copy of at most 64 payload bytes */
static void text(char *out, const uint8_t *p, size_t len)
{
    if (len > 64)
        len = 64;
    memcpy(out, p, len);
    out[len] = 0;
}

/* the credential ID in a makeCredential response's authData */
static void remember_id(void)
{
    emk_cbor_item ad;

    if (f.c.resp[0] || f.c.map.type != EMK_CBOR_MAP || emk_cbor_map_int(&f.c.map, 2, &ad) != 1 ||
        ad.type != EMK_CBOR_BYTES || ad.val < AD_ID + ID_LEN ||
        ((size_t)ad.ptr[AD_ID - 2] << 8 | ad.ptr[AD_ID - 1]) != ID_LEN)
        return;
    memcpy(f.ids[f.n_ids++ % IDS], ad.ptr + AD_ID, ID_LEN);
}

/* deleteCredential / updateUserInformation of a remembered credential:
 * subCommandParams {2: {"id": ID, "type": "public-key"}, [3: user]} */
static void cm_cred(const uint8_t *p, size_t len)
{
    uint8_t sp[EMK_FIDO_MSG_MAX];
    size_t n;
    emk_cbor_enc e;

    if (len < 2 || !f.n_ids)
        return;
    emk_cbor_enc_init(&e, sp, sizeof(sp));
    emk_cbor_uint(&e, p[0]);            /* sub, then the params map */
    emk_cbor_map(&e, len > 2 ? 2 : 1);
    emk_cbor_uint(&e, 2);
    emk_cbor_map(&e, 2);
    emk_cbor_text_z(&e, "id");
    emk_cbor_bytes(&e, f.ids[p[1] % (f.n_ids < IDS ? f.n_ids : IDS)], ID_LEN);
    emk_cbor_text_z(&e, "type");
    emk_cbor_text_z(&e, "public-key");
    if (len > 2) {
        emk_cbor_uint(&e, 3);
        emk_cbor_raw(&e, p + 2, len - 2);
    }
    if (emk_cbor_enc_finish(&e, &n) == 0 && sp[0] < 24)
        sub_cmd(CMD_CM, sp, n);
}

static void make_cred(const uint8_t *p, size_t len)
{
    static const uint8_t cdh[32] = "fuzz-fido_pin client data hash.";
    /* [{"alg": -7, "type": "public-key"}] */
    static const char es256[] = "\x81\xa2\x63" "alg" "\x26\x64" "type" "\x6a" "public-key";
    uint8_t auth[32], flags = len ? p[0] : 0;
    const char *rp = rps[len > 1 ? p[1] & 3 : 0];
    size_t ul = len > 2 ? len - 2 : 0, al;
    int nx = ((flags & 2) != 0) + ((flags & 4) != 0);
    emk_cbor_enc e;

    if (ul > 64)
        ul = 64;
    al = pc_auth(&f.c, f.c.token, cdh, 32, auth);
    emk_cbor_enc_init(&e, f.body, sizeof(f.body));
    emk_cbor_map(&e, 4 + (nx > 0) + ((flags & 1) != 0) + ((flags & 8) ? 0 : 2));
    emk_cbor_uint(&e, 1);
    emk_cbor_bytes(&e, cdh, 32);
    emk_cbor_uint(&e, 2);
    emk_cbor_map(&e, 1);
    emk_cbor_text_z(&e, "id");
    emk_cbor_text_z(&e, rp);
    emk_cbor_uint(&e, 3);
    emk_cbor_map(&e, 1);
    emk_cbor_text_z(&e, "id");
    emk_cbor_bytes(&e, ul ? p + 2 : (const uint8_t *)"u", ul ? ul : 1);
    emk_cbor_uint(&e, 4);
    emk_cbor_raw(&e, es256, sizeof(es256) - 1);
    if (nx) {
        emk_cbor_uint(&e, 6);
        emk_cbor_map(&e, (size_t)nx);
        if (flags & 4) {
            emk_cbor_text_z(&e, "credProtect");
            emk_cbor_uint(&e, 3);
        }
        if (flags & 2) {
            emk_cbor_text_z(&e, "largeBlobKey");
            emk_cbor_bool(&e, 1);
        }
    }
    if (flags & 1) {
        emk_cbor_uint(&e, 7);
        emk_cbor_map(&e, 1);
        emk_cbor_text_z(&e, "rk");
        emk_cbor_bool(&e, 1);
    }
    if (!(flags & 8)) {
        emk_cbor_uint(&e, 8);
        emk_cbor_bytes(&e, auth, al);
        emk_cbor_uint(&e, 9);
        emk_cbor_uint(&e, (uint64_t)f.c.proto);
    }
    finish(&e, CMD_MC);
    remember_id();
}

static void get_assert(const uint8_t *p, size_t len)
{
    static const uint8_t cdh[32] = "fuzz-fido_pin assertion hash...";
    uint8_t auth[32];
    size_t al = pc_auth(&f.c, f.c.token, cdh, 32, auth);
    emk_cbor_enc e;

    emk_cbor_enc_init(&e, f.body, sizeof(f.body));
    emk_cbor_map(&e, 4);
    emk_cbor_uint(&e, 1);
    emk_cbor_text_z(&e, rps[len ? p[0] & 3 : 0]);
    emk_cbor_uint(&e, 2);
    emk_cbor_bytes(&e, cdh, 32);
    emk_cbor_uint(&e, 6);
    emk_cbor_bytes(&e, auth, al);
    emk_cbor_uint(&e, 7);
    emk_cbor_uint(&e, (uint64_t)f.c.proto);
    finish(&e, CMD_GA);
}

/* (not after every op: a clientPIN command ends an enumeration) */
static void retries_ok(void)
{
    int r = pc_retries(&f.c);

    need(r >= 0 && r <= 8);
}

static void op(unsigned o, const uint8_t *p, size_t len)
{
    char s[65];
    int r = 0;

    switch (o % OP_COUNT) {
    case OP_RAW:
        if (len)
            call(p[0], p + 1, len - 1);
        break;
    case OP_CM:
        sub_cmd(CMD_CM, p, len);
        break;
    case OP_CONFIG:
        sub_cmd(CMD_CFG, p, len);
        break;
    case OP_LB_SET:
        if (len >= 4) {
            unsigned l = p[2] | (unsigned)p[3] << 8;

            lb_set(p[0] | (uint32_t)p[1] << 8, l != 0xffff, l, p + 4, len - 4);
        }
        break;
    case OP_LB_PUT:
        lb_put(p, len);
        break;
    case OP_TOKEN:
        text(s, len > 1 ? p + 1 : p, len > 1 ? len - 1 : 0);
        r = pc_get_token(&f.c, f.pin, len ? p[0] : PERM_ALL, s[0] ? s : NULL);
        need(r >= 0);
        break;
    case OP_CHANGE:
        text(s, p, len);
        r = pc_set_pin(&f.c, f.pin, s);
        if (r == 0)
            memcpy(f.pin, s, sizeof(s));
        break;
    case OP_WRONG:
        text(s, p, len);
        r = pc_get_token(&f.c, s, 0x04, NULL);
        break;
    case OP_MC:
        make_cred(p, len);
        break;
    case OP_GA:
        get_assert(p, len);
        break;
    case OP_CM_CRED:
        cm_cred(p, len);
        break;
    case OP_CLOCK:
        f.key->vc.now += (int64_t)(len ? p[0] : 1) * 1000000000;
        emk_loop_run_once(f.key->loop, 0);
        break;
    }
    if (o % OP_COUNT >= OP_TOKEN && o % OP_COUNT <= OP_WRONG) {
        if (trace)
            fprintf(stderr, "  clientPIN: status 0x%02x\n", (unsigned)r);
        retries_ok();
    }
}

/* The key of each protocol after the harness's setPIN and getToken, made
 * once per process and put back before every input (a fresh key costs
 * about ten P-256 operations): the whole struct emk_fido, the client and
 * the clock.  Nothing may be left on the key's loop then: no timer holds
 * a pointer into the struct that the copy overwrites. */
static pc_key keys[2];
static struct emk_fido snap[2];
static pc_client snap_c[2];
static int64_t snap_now[2];
static int ready[2];

static void prepare(int i)
{
    pc_key *p = &keys[i];

    need(pc_key_new(p, 0x5a) == 0);
    pc_init(&f.c, p->k, 1 + i);
    need(pc_set_pin(&f.c, NULL, "1234") == 0);
    need(pc_get_token(&f.c, "1234", PERM_ALL, NULL) == 0);
    need(emk_loop_next_timer(p->loop) == INT64_MAX);
    memcpy(&snap[i], p->k, sizeof(snap[i]));
    snap_c[i] = f.c;
    snap_now[i] = p->vc.now;
    ready[i] = 1;
}

static void restore(int i)
{
    pc_key *p = &keys[i];

    emk_fido_ctap2_abort(p->k);          /* the GetNextAssertion timer */
    need(emk_loop_next_timer(p->loop) == INT64_MAX);
    memcpy(p->k, &snap[i], sizeof(snap[i]));
    p->vc.now = snap_now[i];
    memset(&f, 0, sizeof(f));
    f.key = p;
    f.c = snap_c[i];
    strcpy(f.pin, "1234");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int count = 0, i;

    if (!size)
        return 0;
    if (trace < 0)
        trace = getenv("FUZZ_FIDO_PIN_TRACE") != NULL;
    i = data[0] & 1;
    if (!ready[i])
        prepare(i);
    restore(i);
    data++;
    size--;
    while (size >= 3 && count++ < MAX_OPS) {
        unsigned o = data[0];
        size_t len = (size_t)data[1] << 8 | data[2];

        data += 3;
        size -= 3;
        if (len > size)
            len = size;
        if (trace)
            fprintf(stderr, "op %u (%u), %zu bytes\n", o, o % OP_COUNT, len);
        op(o, data, len);
        data += len;
        size -= len;
    }
    retries_ok();
    need(emk_fido_error(f.key->k) == 0);
    return 0;
}
