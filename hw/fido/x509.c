/*
 * x509.c - the attestation key and its self-signed certificate.
 *
 * The key is derived from the master secret (HKDF-SHA-256, info "emkit
 * fido attestation"), so a key keeps its certificate across restarts and
 * gets a new one at authenticatorReset.  The certificate follows FIDO's
 * packed attestation requirements (WebAuthn section 8.2.1): X.509 v3,
 * subject C, O, OU "Authenticator Attestation" and CN, basic constraints
 * CA:FALSE, and the id-fido-gen-ce-aaguid extension carrying our AAGUID.
 * It is built with a small DER writer whose constructed values reserve a
 * three-byte length and are shrunk to the minimal encoding when closed.
 */
#include "fido_int.h"
#include "trace_int.h"

static emk_trace_event ev_attest = EMK_TRACE_EVENT_INIT("fido_attest_init");

enum { DER_DEPTH = 10 };

typedef struct der_w {
    uint8_t *buf;
    size_t cap, len;
    size_t open[DER_DEPTH];          /* content start of each open value */
    int depth;
    int err;
} der_w;

static void der_put(der_w *w, const void *p, size_t n)
{
    if (!n)
        return;                         /* p may be NULL then */
    if (w->err || n > w->cap - w->len) {
        w->err = -ENOSPC;
        return;
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void der_byte(der_w *w, uint8_t b)
{
    der_put(w, &b, 1);
}

/* Opens a constructed value (or a primitive one filled piecewise). */
static void der_begin(der_w *w, uint8_t tag)
{
    static const uint8_t len3[3] = { 0x82, 0, 0 };

    if (w->depth == DER_DEPTH) {
        w->err = -ENOSPC;
        return;
    }
    der_byte(w, tag);
    der_put(w, len3, 3);
    w->open[w->depth++] = w->len;
}

static void der_end(der_w *w)
{
    size_t start, n, hdr;
    uint8_t *lp;

    if (w->err)
        return;
    start = w->open[--w->depth];
    n = w->len - start;
    lp = w->buf + start - 3;
    hdr = n < 0x80 ? 1 : n < 0x100 ? 2 : 3;
    if (n > 0xffff) {
        w->err = -ENOSPC;
        return;
    }
    if (hdr == 1) {
        lp[0] = (uint8_t)n;
    } else if (hdr == 2) {
        lp[0] = 0x81;
        lp[1] = (uint8_t)n;
    } else {
        lp[1] = (uint8_t)(n >> 8);
        lp[2] = (uint8_t)n;
    }
    if (hdr < 3) {
        memmove(lp + hdr, w->buf + start, n);
        w->len -= 3 - hdr;
    }
}

static void der_prim(der_w *w, uint8_t tag, const void *p, size_t n)
{
    der_begin(w, tag);
    der_put(w, p, n);
    der_end(w);
}

static void der_oid(der_w *w, const uint8_t *oid, size_t n)
{
    der_prim(w, 0x06, oid, n);
}

/* SET { SEQUENCE { type, value } }: one attribute of a Name */
static void der_rdn(der_w *w, uint8_t attr, uint8_t str_tag, const char *value)
{
    const uint8_t oid[3] = { 0x55, 0x04, attr };   /* 2.5.4.attr */

    der_begin(w, 0x31);
    der_begin(w, 0x30);
    der_oid(w, oid, sizeof(oid));
    der_prim(w, str_tag, value, strlen(value));
    der_end(w);
    der_end(w);
}

static void der_name(der_w *w)
{
    der_begin(w, 0x30);
    der_rdn(w, 6, 0x13, "US");                          /* C, PrintableString */
    der_rdn(w, 10, 0x0c, "emkit");                      /* O */
    der_rdn(w, 11, 0x0c, "Authenticator Attestation"); /* OU */
    der_rdn(w, 3, 0x0c, "emkit FIDO2 attestation");    /* CN */
    der_end(w);
}

static const uint8_t oid_ecdsa_sha256[] = {       /* 1.2.840.10045.4.3.2 */
    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02
};

static void der_sig_alg(der_w *w)
{
    der_begin(w, 0x30);
    der_oid(w, oid_ecdsa_sha256, sizeof(oid_ecdsa_sha256));
    der_end(w);
}

static void der_spki(der_w *w, const emk_p256_pub *pub)
{
    static const uint8_t oid_ec[] = {             /* 1.2.840.10045.2.1 */
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01
    };
    static const uint8_t oid_p256[] = {           /* 1.2.840.10045.3.1.7 */
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07
    };
    uint8_t pt[EMK_P256_PUB];

    emk_p256_pub_encode(pub, pt);
    der_begin(w, 0x30);
    der_begin(w, 0x30);
    der_oid(w, oid_ec, sizeof(oid_ec));
    der_oid(w, oid_p256, sizeof(oid_p256));
    der_end(w);
    der_begin(w, 0x03);                           /* BIT STRING, no unused bits */
    der_byte(w, 0);
    der_put(w, pt, sizeof(pt));
    der_end(w);
    der_end(w);
}

static void der_extensions(der_w *w)
{
    static const uint8_t oid_bc[] = { 0x55, 0x1d, 0x13 };   /* 2.5.29.19 */
    static const uint8_t oid_aaguid[] = {   /* 1.3.6.1.4.1.45724.1.1.4 */
        0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xe5, 0x1c, 0x01, 0x01, 0x04
    };
    static const uint8_t critical[] = { 0xff };

    der_begin(w, 0xa3);
    der_begin(w, 0x30);
    /* basicConstraints, critical: SEQUENCE {} (cA FALSE is the default) */
    der_begin(w, 0x30);
    der_oid(w, oid_bc, sizeof(oid_bc));
    der_prim(w, 0x01, critical, 1);
    der_begin(w, 0x04);
    der_prim(w, 0x30, NULL, 0);
    der_end(w);
    der_end(w);
    /* the AAGUID, not critical: OCTET STRING { OCTET STRING (16) } */
    der_begin(w, 0x30);
    der_oid(w, oid_aaguid, sizeof(oid_aaguid));
    der_begin(w, 0x04);
    der_prim(w, 0x04, emk_fido_aaguid(), EMK_FIDO_AAGUID_LEN);
    der_end(w);
    der_end(w);
    der_end(w);
    der_end(w);
}

/* The to-be-signed part (TBSCertificate); errors go to w->err. */
static void der_tbs(der_w *w, const emk_p256_pub *pub)
{
    static const uint8_t v3[] = { 0x02, 0x01, 0x02 };
    static const char not_before[] = "260101000000Z";  /* UTCTime until 2049 */
    static const char not_after[] = "460101000000Z";
    uint8_t pt[EMK_P256_PUB], h[32];

    /* serial: 16 bytes of the key's hash, positive and minimal */
    emk_p256_pub_encode(pub, pt);
    emk_sha256(pt, sizeof(pt), h);
    h[0] = (uint8_t)((h[0] & 0x3f) | 0x40);

    der_begin(w, 0x30);
    der_begin(w, 0xa0);
    der_put(w, v3, sizeof(v3));
    der_end(w);
    der_prim(w, 0x02, h, 16);
    der_sig_alg(w);
    der_name(w);
    der_begin(w, 0x30);
    der_prim(w, 0x17, not_before, sizeof(not_before) - 1);
    der_prim(w, 0x17, not_after, sizeof(not_after) - 1);
    der_end(w);
    der_name(w);
    der_spki(w, pub);
    der_extensions(w);
    der_end(w);
}

/* d = HKDF(master, "emkit fido attestation" [|| i]); a d outside [1, n)
 * (probability about 2^-32) moves on to the next i. */
static int derive_key(emk_fido *k)
{
    static const char label[] = "emkit fido attestation";
    uint8_t info[sizeof(label)], d[32];
    size_t ilen = sizeof(label) - 1;
    int r = -EINVAL;

    memcpy(info, label, ilen);
    for (unsigned i = 0; i < 16 && r; i++) {
        info[ilen] = (uint8_t)i;
        r = emk_hkdf_sha256(NULL, 0, k->st.master, sizeof(k->st.master), info,
                            i ? ilen + 1 : ilen, d, sizeof(d));
        if (!r)
            r = emk_p256_priv_set(&k->keys.att_priv, d);
    }
    emk_ct_wipe(d, sizeof(d));
    if (!r)
        r = emk_p256_pub_from_priv(&k->keys.att_pub, &k->keys.att_priv);
    return r;
}

int emk_fido_attest_init(emk_fido *k)
{
    der_w w;
    size_t tbs_len;
    uint8_t h[32], sig[EMK_P256_SIG_DER_MAX];
    int r, n;

    k->keys.att_cert_len = 0;
    r = derive_key(k);
    if (r < 0)
        return r;
    memset(&w, 0, sizeof(w));
    w.buf = k->keys.att_cert;
    w.cap = sizeof(k->keys.att_cert);
    der_begin(&w, 0x30);
    der_tbs(&w, &k->keys.att_pub);
    if (w.err)
        return w.err;
    tbs_len = w.len - w.open[0];
    /* the TBS is final here; closing the outer SEQUENCE only moves it */
    emk_sha256(w.buf + w.open[0], tbs_len, h);
    n = emk_p256_sign(&k->keys.att_priv, h, NULL, 0, sig, sizeof(sig));
    if (n < 0)
        return n;
    der_sig_alg(&w);
    der_begin(&w, 0x03);
    der_byte(&w, 0);
    der_put(&w, sig, (size_t)n);
    der_end(&w);
    der_end(&w);
    if (w.err)
        return w.err;
    k->keys.att_cert_len = w.len;
    EMK_TRACE(ev_attest, "cert_len=%u", (unsigned)w.len);
    return 0;
}
