/* pin_client.c - see pin_client.h. */
#include <string.h>

#include "pin_client.h"

static const uint8_t zero_salt[32];

static void no_report(void *opaque, const uint8_t r[EMK_FIDO_REPORT])
{
    (void)opaque;
    (void)r;
}

int pc_key_new(pc_key *p, uint8_t seed_byte)
{
    uint8_t seed[32] = { 0 };
    emk_fido_config cfg;
    emk_fido_ops ops = { no_report, NULL };

    seed[0] = seed_byte;
    emk_vclock_init(&p->vc, 1000);
    p->loop = emk_loop_new(&p->vc.clock, NULL);
    memset(&cfg, 0, sizeof(cfg));
    cfg.seed = seed;
    cfg.seed_len = sizeof(seed);
    if (!p->loop || emk_fido_new(&p->k, p->loop, &cfg, &ops, NULL) < 0)
        return -1;
    return 0;
}

void pc_key_free(pc_key *p)
{
    emk_fido_free(p->k);
    emk_loop_free(p->loop);
}

void pc_init(pc_client *c, emk_fido *k, int proto)
{
    static const char seed[] = "pin client seed";

    memset(c, 0, sizeof(*c));
    c->k = k;
    c->proto = proto;
    emk_drbg_init_seed(&c->rng, seed, sizeof(seed) - 1);
    emk_p256_keygen(&c->priv, &c->pub, &c->rng);
}

int pc_call(pc_client *c, uint8_t cmd, const uint8_t *body, size_t len)
{
    uint8_t req[EMK_FIDO_MSG_MAX];

    req[0] = cmd;
    memcpy(req + 1, body, len);
    memset(&c->map, 0, sizeof(c->map));
    if (emk_fido_ctap2_call(c->k, req, 1 + len, c->resp, sizeof(c->resp), &c->resp_len) < 0 ||
        c->resp_len < 1)
        return -1;
    if (c->resp_len > 1 &&
        emk_cbor_decode(c->resp + 1, c->resp_len - 1, 8, &c->map) < 0)
        return -2;
    return c->resp[0];
}

long long pc_int(const pc_client *c, int key)
{
    emk_cbor_item v;
    int64_t x;

    if (c->map.type != EMK_CBOR_MAP || emk_cbor_map_int(&c->map, key, &v) != 1)
        return -1;
    if (v.type == EMK_CBOR_SIMPLE)
        return v.val == EMK_CBOR_TRUE;
    return emk_cbor_get_int(&v, &x) == 0 ? (long long)x : -1;
}

const uint8_t *pc_bytes(const pc_client *c, int key, size_t *len)
{
    emk_cbor_item v;

    if (c->map.type != EMK_CBOR_MAP || emk_cbor_map_int(&c->map, key, &v) != 1 ||
        v.type != EMK_CBOR_BYTES)
        return NULL;
    *len = (size_t)v.val;
    return v.ptr;
}

void pc_cose(const pc_client *c, emk_cbor_enc *e)
{
    emk_cbor_map(e, 5);
    emk_cbor_int(e, 1);
    emk_cbor_int(e, 2);
    emk_cbor_int(e, 3);
    emk_cbor_int(e, -25);
    emk_cbor_int(e, -1);
    emk_cbor_int(e, 1);
    emk_cbor_int(e, -2);
    emk_cbor_bytes(e, c->pub.x, 32);
    emk_cbor_int(e, -3);
    emk_cbor_bytes(e, c->pub.y, 32);
}

int pc_key_agreement(pc_client *c)
{
    uint8_t body[16], z[32];
    emk_cbor_enc e;
    emk_cbor_item ka, x, y;
    emk_p256_pub peer;
    size_t n;
    int st;

    emk_cbor_enc_init(&e, body, sizeof(body));
    emk_cbor_map(&e, 2);
    emk_cbor_uint(&e, 1);
    emk_cbor_uint(&e, (uint64_t)c->proto);
    emk_cbor_uint(&e, 2);
    emk_cbor_uint(&e, 2);
    emk_cbor_enc_finish(&e, &n);
    st = pc_call(c, 0x06, body, n);
    if (st != 0)
        return st;
    if (emk_cbor_map_int(&c->map, 1, &ka) != 1 || emk_cbor_map_int(&ka, -2, &x) != 1 ||
        emk_cbor_map_int(&ka, -3, &y) != 1 || x.val != 32 || y.val != 32 ||
        emk_p256_pub_set_xy(&peer, x.ptr, y.ptr) < 0 || emk_p256_ecdh(&c->priv, &peer, z) < 0)
        return -3;
    if (c->proto == 1) {
        emk_sha256(z, 32, c->shared);
    } else {
        emk_hkdf_sha256(zero_salt, 32, z, 32, "CTAP2 HMAC key", 14, c->shared, 32);
        emk_hkdf_sha256(zero_salt, 32, z, 32, "CTAP2 AES key", 13, c->shared + 32, 32);
    }
    return 0;
}

size_t pc_encrypt(const pc_client *c, const uint8_t *key, const uint8_t *in, size_t len,
                  uint8_t *out)
{
    emk_aes256_ctx a;
    uint8_t iv[16];
    size_t off = c->proto == 2 ? 16 : 0;

    for (int i = 0; i < 16; i++)
        iv[i] = (uint8_t)(c->proto == 2 ? 0xa0 + i : 0);
    memcpy(out, iv, off);
    emk_aes256_init(&a, c->proto == 2 ? key + 32 : key);
    emk_aes256_cbc_encrypt(&a, iv, in, out + off, len);
    return len + off;
}

size_t pc_decrypt(const pc_client *c, const uint8_t *key, const uint8_t *in, size_t len,
                  uint8_t *out)
{
    emk_aes256_ctx a;
    uint8_t iv[16] = { 0 };
    size_t off = c->proto == 2 ? 16 : 0;

    if (len < off + 16)
        return 0;
    memcpy(iv, in, off);
    emk_aes256_init(&a, c->proto == 2 ? key + 32 : key);
    emk_aes256_cbc_decrypt(&a, iv, in + off, out, len - off);
    return len - off;
}

size_t pc_auth(const pc_client *c, const uint8_t *key, const void *msg, size_t len,
               uint8_t *out)
{
    uint8_t mac[32];

    emk_hmac_sha256(key, 32, msg, len, mac);
    memcpy(out, mac, 32);
    return c->proto == 1 ? 16 : 32;
}

size_t pc_pin_hash_enc(const pc_client *c, const char *pin, uint8_t *out)
{
    uint8_t h[32];

    emk_sha256(pin, strlen(pin), h);
    return pc_encrypt(c, c->shared, h, 16, out);
}

int pc_set_pin(pc_client *c, const char *old_pin, const char *new_pin)
{
    uint8_t pad[64] = { 0 }, enc[80], hash_enc[32], msg[112], auth[32], body[512];
    emk_cbor_enc e;
    size_t el, hl = 0, al, n;
    int st = pc_key_agreement(c);

    if (st)
        return st;
    memcpy(pad, new_pin, strlen(new_pin) > 64 ? 64 : strlen(new_pin));
    el = pc_encrypt(c, c->shared, pad, 64, enc);
    memcpy(msg, enc, el);
    if (old_pin) {
        hl = pc_pin_hash_enc(c, old_pin, hash_enc);
        memcpy(msg + el, hash_enc, hl);
    }
    al = pc_auth(c, c->shared, msg, el + hl, auth);
    emk_cbor_enc_init(&e, body, sizeof(body));
    emk_cbor_map(&e, old_pin ? 6 : 5);
    emk_cbor_uint(&e, 1);
    emk_cbor_uint(&e, (uint64_t)c->proto);
    emk_cbor_uint(&e, 2);
    emk_cbor_uint(&e, old_pin ? 4 : 3);
    emk_cbor_uint(&e, 3);
    pc_cose(c, &e);
    emk_cbor_uint(&e, 4);
    emk_cbor_bytes(&e, auth, al);
    emk_cbor_uint(&e, 5);
    emk_cbor_bytes(&e, enc, el);
    if (old_pin) {
        emk_cbor_uint(&e, 6);
        emk_cbor_bytes(&e, hash_enc, hl);
    }
    emk_cbor_enc_finish(&e, &n);
    return pc_call(c, 0x06, body, n);
}

int pc_get_token(pc_client *c, const char *pin, long perms, const char *rp_id)
{
    uint8_t hash_enc[32], body[512];
    const uint8_t *t;
    emk_cbor_enc e;
    size_t hl, n, tl;
    int st = pc_key_agreement(c);

    if (st)
        return st;
    hl = pc_pin_hash_enc(c, pin, hash_enc);
    emk_cbor_enc_init(&e, body, sizeof(body));
    emk_cbor_map(&e, 4 + (perms >= 0) + (rp_id != NULL));
    emk_cbor_uint(&e, 1);
    emk_cbor_uint(&e, (uint64_t)c->proto);
    emk_cbor_uint(&e, 2);
    emk_cbor_uint(&e, perms >= 0 ? 9 : 5);
    emk_cbor_uint(&e, 3);
    pc_cose(c, &e);
    emk_cbor_uint(&e, 6);
    emk_cbor_bytes(&e, hash_enc, hl);
    if (perms >= 0) {
        emk_cbor_uint(&e, 9);
        emk_cbor_uint(&e, (uint64_t)perms);
    }
    if (rp_id) {
        emk_cbor_uint(&e, 10);
        emk_cbor_text_z(&e, rp_id);
    }
    emk_cbor_enc_finish(&e, &n);
    st = pc_call(c, 0x06, body, n);
    if (st)
        return st;
    t = pc_bytes(c, 2, &tl);
    if (!t || tl != (c->proto == 1 ? 32u : 48u) ||
        pc_decrypt(c, c->shared, t, tl, c->token) != 32)
        return -4;
    return 0;
}

int pc_retries(pc_client *c)
{
    static const uint8_t body[] = { 0xa1, 0x02, 0x01 };   /* {2: 1} */
    int st = pc_call(c, 0x06, body, sizeof(body));

    return st ? -st : (int)pc_int(c, 3);
}
