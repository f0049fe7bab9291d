/* fido_demo.c - the FIDO2 key in the main job: the guest-side CTAPHID
 * driver allocates a channel, reads authenticatorGetInfo, registers a
 * resident credential (the simulated user touches the key after 250 ms of
 * virtual time, KEEPALIVEs meanwhile) and gets an assertion, whose
 * signature it checks with the credential's public key from the
 * attested authenticator data. */
#include <string.h>

#include "demos.h"
#include "emkit/cbor.h"
#include "emkit/crypto.h"
#include "emkit/fido.h"
#include "emkit/guest/ctaphid_drv.h"
#include "emkit/p256.h"

enum { QLEN = 256, TOUCH_MS = 250 };
#define SEC ((int64_t)1000000000)

typedef struct fido_demo {
    emk_vclock vc;
    emk_loop *loop;
    emk_fido *key;
    uint8_t q[QLEN][EMK_FIDO_REPORT];
    unsigned head, tail;
} fido_demo;

static void to_client(void *opaque, const uint8_t report[EMK_FIDO_REPORT])
{
    fido_demo *s = opaque;

    if (s->tail - s->head < QLEN)
        memcpy(s->q[s->tail++ % QLEN], report, EMK_FIDO_REPORT);
}

static int xmit(void *opaque, const uint8_t report[64])
{
    fido_demo *s = opaque;
    int r = emk_fido_hid_input(s->key, report, EMK_FIDO_REPORT);

    emk_loop_run_once(s->loop, 0);
    return r;
}

/* Waits on the virtual clock: jumps to the key's next timer. */
static int recv_report(void *opaque, uint8_t report[64], int64_t timeout_ns)
{
    fido_demo *s = opaque;
    int64_t end = s->vc.now + timeout_ns;

    while (s->head == s->tail) {
        int64_t next = emk_loop_next_timer(s->loop);

        if (next > end) {
            s->vc.now = end;
            return 0;
        }
        if (next > s->vc.now)
            s->vc.now = next;
        emk_loop_run_once(s->loop, 0);
    }
    memcpy(report, s->q[s->head++ % QLEN], EMK_FIDO_REPORT);
    return 1;
}

/* The credential ID and public key in attested authenticator data:
 * rpIdHash(32) flags(1) signCount(4) aaguid(16) L(2) credId(L) COSE_Key. */
static int parse_attested(const uint8_t *ad, size_t len, const uint8_t **id,
                          size_t *id_len, emk_p256_pub *pub)
{
    emk_cbor_item cose, x, y;
    size_t l, off = 32 + 1 + 4 + 16;

    if (len < off + 2 || !(ad[32] & 0x40))
        return -EPROTO;
    l = (size_t)ad[off] << 8 | ad[off + 1];
    off += 2;
    if (len < off + l)
        return -EPROTO;
    *id = ad + off;
    *id_len = l;
    off += l;
    /* the COSE key is the last item unless extensions follow (ED) */
    for (size_t end = len; end > off; end--)
        if (!emk_cbor_decode(ad + off, end - off, 2, &cose))
            break;
    if (cose.type != EMK_CBOR_MAP || emk_cbor_map_int(&cose, -2, &x) != 1 ||
        emk_cbor_map_int(&cose, -3, &y) != 1 || x.type != EMK_CBOR_BYTES ||
        y.type != EMK_CBOR_BYTES || x.val != 32 || y.val != 32)
        return -EPROTO;
    return emk_p256_pub_set_xy(pub, x.ptr, y.ptr);
}

static int run(FILE *out, fido_demo *s, emk_ctaphid_drv *d)
{
    static const uint8_t nonce[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    static const uint8_t user_id[] = "emkit-demo-user";
    static uint8_t resp[EMK_FIDO_MSG_MAX];
    uint8_t req[512], cdh[32], rp_hash[32], msg_hash[32], sig[64];
    const uint8_t *id = NULL;
    size_t n, id_len = 0;
    emk_cbor_enc e;
    emk_cbor_item root, v, ad, ss;
    emk_p256_pub pub;
    emk_sha256_ctx h;
    int st;
    int64_t t0;

    if ((st = emk_ctaphid_drv_init(d, xmit, recv_report, s, nonce)) < 0)
        return st;
    fprintf(out, "    CTAPHID INIT: channel 0x%08x, protocol %u, device %u.%u.%u, caps 0x%02x\n",
            d->cid, d->version, d->dev_version[0], d->dev_version[1], d->dev_version[2],
            d->caps);

    st = emk_ctaphid_drv_cbor(d, 0x04, NULL, 0, resp, sizeof(resp), &n, SEC);
    if (st != 0 || emk_cbor_decode(resp, n, 4, &root) < 0 ||
        emk_cbor_map_int(&root, 1, &v) != 1 || v.type != EMK_CBOR_ARRAY)
        return st > 0 ? -EPROTO : st < 0 ? st : -EPROTO;
    fprintf(out, "    getInfo: %lu bytes, %lu versions:", (unsigned long)n,
            (unsigned long)v.val);
    {
        emk_cbor_iter it;
        emk_cbor_item s1;

        emk_cbor_iter_init(&it, &v);
        while (emk_cbor_next(&it, &s1) == 1)
            fprintf(out, " %.*s", (int)s1.val, (const char *)s1.ptr);
        fprintf(out, "\n");
    }

    /* authenticatorMakeCredential, resident, with a touch after 250 ms */
    emk_sha256("{\"type\":\"webauthn.create\"}", 26, cdh);
    emk_sha256("emkit.example", 13, rp_hash);
    emk_cbor_enc_init(&e, req, sizeof(req));
    emk_cbor_map(&e, 5);
    emk_cbor_uint(&e, 1);
    emk_cbor_bytes(&e, cdh, 32);
    emk_cbor_uint(&e, 2);
    emk_cbor_map(&e, 2);
    emk_cbor_text_z(&e, "id");
    emk_cbor_text_z(&e, "emkit.example");
    emk_cbor_text_z(&e, "name");
    emk_cbor_text_z(&e, "emkit demo");
    emk_cbor_uint(&e, 3);
    emk_cbor_map(&e, 2);
    emk_cbor_text_z(&e, "id");
    emk_cbor_bytes(&e, user_id, sizeof(user_id) - 1);
    emk_cbor_text_z(&e, "name");
    emk_cbor_text_z(&e, "maker");
    emk_cbor_uint(&e, 4);
    emk_cbor_array(&e, 1);
    emk_cbor_map(&e, 2);
    emk_cbor_text_z(&e, "alg");
    emk_cbor_int(&e, -7);
    emk_cbor_text_z(&e, "type");
    emk_cbor_text_z(&e, "public-key");
    emk_cbor_uint(&e, 7);
    emk_cbor_map(&e, 1);
    emk_cbor_text_z(&e, "rk");
    emk_cbor_bool(&e, 1);
    if ((st = emk_cbor_enc_finish(&e, &n)) < 0)
        return st;
    emk_fido_set_presence(s->key, EMK_FIDO_UP_AFTER, TOUCH_MS);
    t0 = s->vc.now;
    st = emk_ctaphid_drv_cbor(d, 0x01, req, n, resp, sizeof(resp), &n, SEC);
    if (st != 0)
        return st > 0 ? -EPROTO : st;
    if (emk_cbor_decode(resp, n, 4, &root) < 0 || emk_cbor_map_int(&root, 1, &v) != 1 ||
        emk_cbor_map_int(&root, 2, &ad) != 1 || ad.type != EMK_CBOR_BYTES ||
        memcmp(ad.ptr, rp_hash, 32) ||
        parse_attested(ad.ptr, (size_t)ad.val, &id, &id_len, &pub) < 0)
        return -EPROTO;
    fprintf(out, "    makeCredential: touched after %lld ms (%u KEEPALIVEs), attestation \"%.*s\", "
            "credential ID %lu bytes, flags 0x%02x\n",
            (long long)((s->vc.now - t0) / 1000000), d->keepalives, (int)v.val,
            (const char *)v.ptr, (unsigned long)id_len, ad.ptr[32]);

    /* authenticatorGetAssertion with the new credential in allowList */
    emk_fido_set_presence(s->key, EMK_FIDO_UP_ALWAYS, 0);
    emk_sha256("{\"type\":\"webauthn.get\"}", 23, cdh);
    {
        uint8_t idcopy[256];

        if (id_len > sizeof(idcopy))
            return -EPROTO;
        memcpy(idcopy, id, id_len);     /* id pointed into resp */
        emk_cbor_enc_init(&e, req, sizeof(req));
        emk_cbor_map(&e, 3);
        emk_cbor_uint(&e, 1);
        emk_cbor_text_z(&e, "emkit.example");
        emk_cbor_uint(&e, 2);
        emk_cbor_bytes(&e, cdh, 32);
        emk_cbor_uint(&e, 3);
        emk_cbor_array(&e, 1);
        emk_cbor_map(&e, 2);
        emk_cbor_text_z(&e, "id");
        emk_cbor_bytes(&e, idcopy, id_len);
        emk_cbor_text_z(&e, "type");
        emk_cbor_text_z(&e, "public-key");
    }
    if ((st = emk_cbor_enc_finish(&e, &n)) < 0)
        return st;
    st = emk_ctaphid_drv_cbor(d, 0x02, req, n, resp, sizeof(resp), &n, SEC);
    if (st != 0)
        return st > 0 ? -EPROTO : st;
    if (emk_cbor_decode(resp, n, 4, &root) < 0 || emk_cbor_map_int(&root, 2, &ad) != 1 ||
        emk_cbor_map_int(&root, 3, &ss) != 1 || ad.type != EMK_CBOR_BYTES ||
        ss.type != EMK_CBOR_BYTES || ad.val < 37 ||
        emk_p256_sig_from_der(ss.ptr, (size_t)ss.val, sig) < 0)
        return -EPROTO;
    emk_sha256_init(&h);
    emk_sha256_update(&h, ad.ptr, (size_t)ad.val);
    emk_sha256_update(&h, cdh, 32);
    emk_sha256_final(&h, msg_hash);
    st = emk_p256_verify_raw(&pub, msg_hash, sig);
    fprintf(out, "    getAssertion: counter %lu, flags 0x%02x, ES256 signature %s\n",
            (unsigned long)((uint32_t)ad.ptr[33] << 24 | (uint32_t)ad.ptr[34] << 16 |
                            (uint32_t)ad.ptr[35] << 8 | ad.ptr[36]),
            ad.ptr[32], st == 0 ? "verified with the credential key" : "does NOT verify");
    return st == 0 ? 0 : -EPROTO;
}

int emk_fido_demo(FILE *out, const emk_demo_opts *o)
{
    static fido_demo s;
    static const emk_fido_ops ops = { to_client, NULL };
    emk_fido_config cfg;
    emk_ctaphid_drv d;
    int err = 0, r;

    (void)o;
    memset(&s, 0, sizeof(s));
    emk_vclock_init(&s.vc, 0);
    s.loop = emk_loop_new(&s.vc.clock, &err);
    if (!s.loop)
        return err ? err : -ENOMEM;
    memset(&cfg, 0, sizeof(cfg));
    r = emk_fido_new(&s.key, s.loop, &cfg, &ops, &s);
    if (r == 0) {
        r = run(out, &s, &d);
        emk_fido_free(s.key);
    }
    emk_loop_free(s.loop);
    return r;
}
