/*
 * fido.c - the key's lifecycle: creation (state file or a fresh key),
 * derived keys, the power-up state of every room, and the public getters.
 */
#include <stdlib.h>

#include "fido_int.h"

static const uint8_t aaguid[EMK_FIDO_AAGUID_LEN] = {
    0x65, 0x6d, 0x6b, 0x69, 0x74, 0x2d, 0x46, 0x49,   /* "emkit-FIDO" + random */
    0x44, 0x4f, 0x9c, 0x3e, 0x51, 0xa7, 0x08, 0xd2
};

const uint8_t *emk_fido_aaguid(void)
{
    return aaguid;
}

void emk_fido_random(emk_fido *k, void *buf, size_t len)
{
    uint8_t *p = buf;

    while (len) {
        size_t n = len > EMK_DRBG_MAX_REQUEST ? EMK_DRBG_MAX_REQUEST : len;

        /* a failing generator zeroes its output and stays failed; the
         * key then refuses state changes through k->err */
        if (emk_drbg_generate(&k->rng, p, n, NULL, 0) < 0 && !k->err)
            k->err = -EIO;
        p += n;
        len -= n;
    }
}

int emk_fido_rk_find_user(const emk_fido *k, const uint8_t rp_id_hash[32],
                          const uint8_t *user_id, size_t user_id_len)
{
    for (int i = 0; i < EMK_FIDO_MAX_RK; i++) {
        const emk_fido_rk *r = &k->st.rk[i];

        if (r->in_use && r->user_id_len == user_id_len &&
            !memcmp(r->rp_id_hash, rp_id_hash, 32) &&
            !memcmp(r->user_id, user_id, user_id_len))
            return i;
    }
    return -1;
}

/* A fresh key: new master secret, factory PIN settings, the empty large
 * blob array (CBOR [] followed by LEFT(SHA-256([]), 16)). */
static void factory_state(emk_fido *k)
{
    static const uint8_t empty = 0x80;
    uint8_t h[32];

    memset(&k->st, 0, sizeof(k->st));
    emk_fido_random(k, k->st.master, sizeof(k->st.master));
    k->st.pin_retries = EMK_FIDO_PIN_RETRIES;
    k->st.min_pin_len = EMK_FIDO_PIN_MIN_DEFAULT;
    emk_sha256(&empty, 1, h);
    k->st.large_blob[0] = empty;
    memcpy(k->st.large_blob + 1, h, 16);
    k->st.large_blob_len = 17;
}

/* Everything derived from the master secret. */
static int derive_keys(emk_fido *k)
{
    static const char wrap[] = "emkit fido credential wrap";
    static const char hs[] = "emkit fido hmac-secret";
    int r;

    r = emk_hkdf_sha256(NULL, 0, k->st.master, 32, wrap, sizeof(wrap) - 1,
                        k->keys.wrap, 32);
    if (!r)
        r = emk_hkdf_sha256(NULL, 0, k->st.master, 32, hs, sizeof(hs) - 1,
                            k->keys.hmac_secret, 32);
    if (!r)
        r = emk_fido_attest_init(k);
    return r;
}

int emk_fido_factory_reset(emk_fido *k)
{
    factory_state(k);
    emk_fido_pin_reset(k);
    return derive_keys(k);
}

int emk_fido_new(emk_fido **out, emk_loop *loop, const emk_fido_config *cfg,
                 const emk_fido_ops *ops, void *opaque)
{
    emk_fido *k;
    int r;

    *out = NULL;
    if (!loop || !cfg || !ops || !ops->send_report ||
        cfg->up_policy < EMK_FIDO_UP_ALWAYS || cfg->up_policy > EMK_FIDO_UP_MANUAL ||
        cfg->max_resident > EMK_FIDO_MAX_RK || (cfg->seed_len && !cfg->seed))
        return -EINVAL;
    k = calloc(1, sizeof(*k));
    if (!k)
        return -ENOMEM;
    k->loop = loop;
    k->ops = *ops;
    k->opaque = opaque;
    k->cfg = *cfg;
    if (!k->cfg.up_timeout_ms)
        k->cfg.up_timeout_ms = 30000;
    k->max_rk = cfg->max_resident ? cfg->max_resident : EMK_FIDO_MAX_RK;
    k->up_policy = cfg->up_policy;
    k->up_delay_ms = cfg->up_delay_ms;
    if (cfg->state_path) {
        k->state_path = malloc(strlen(cfg->state_path) + 1);
        if (!k->state_path) {
            free(k);
            return -ENOMEM;
        }
        strcpy(k->state_path, cfg->state_path);
    }
    k->cfg.state_path = k->state_path;
    k->cfg.seed = NULL;
    k->cfg.seed_len = 0;
    if (cfg->seed)
        emk_drbg_init_seed(&k->rng, cfg->seed, cfg->seed_len);
    else if ((r = emk_drbg_init(&k->rng, "emkit fido", 10)) < 0)
        goto fail;

    r = emk_fido_store_load(k);
    if (r == -ENOENT) {
        factory_state(k);
        r = k->err ? k->err : emk_fido_store_save(k);
    }
    if (r < 0)
        goto fail;
    k->counter = k->st.counter_limit;
    r = derive_keys(k);
    if (r < 0)
        goto fail;
    k->boot_ns = emk_loop_now(loop);
    emk_fido_up_init(k);
    emk_fido_pin_init(k);
    emk_fido_hid_init(k);
    *out = k;
    return 0;
fail:
    emk_drbg_cleanup(&k->rng);
    free(k->state_path);
    emk_ct_wipe(k, sizeof(*k));
    free(k);
    return r;
}

void emk_fido_free(emk_fido *k)
{
    char *path;

    if (!k)
        return;
    emk_fido_hid_cleanup(k);
    emk_fido_ctap2_abort(k);            /* its timer */
    emk_fido_pin_cleanup(k);
    emk_fido_up_cleanup(k);
    emk_drbg_cleanup(&k->rng);
    path = k->state_path;
    emk_ct_wipe(k, sizeof(*k));
    free(path);
    free(k);
}

uint32_t emk_fido_counter(const emk_fido *k)
{
    return k->counter;
}

int emk_fido_error(const emk_fido *k)
{
    return k->err;
}

int emk_fido_ctap2_call(emk_fido *k, const uint8_t *req, size_t len,
                        uint8_t *resp, size_t cap, size_t *resp_len)
{
    size_t n = 0;
    int st;

    *resp_len = 0;
    k->up_sync = 1;
    st = emk_fido_ctap2(k, req, len, k->resp, sizeof(k->resp), &n);
    k->up_sync = 0;
    if (st == EMK_FIDO_PENDING) {       /* cannot happen with up_sync */
        k->resp[0] = CTAP1_ERR_OTHER;
        n = 1;
    }
    if (n > cap)
        return -ENOSPC;
    memcpy(resp, k->resp, n);
    *resp_len = n;
    return 0;
}

int emk_fido_u2f_call(emk_fido *k, const uint8_t *apdu, size_t len,
                      uint8_t *resp, size_t cap, size_t *resp_len)
{
    size_t n = 0;

    *resp_len = 0;
    k->up_sync = 1;
    emk_fido_u2f(k, apdu, len, k->resp, sizeof(k->resp), &n);
    k->up_sync = 0;
    if (n > cap)
        return -ENOSPC;
    memcpy(resp, k->resp, n);
    *resp_len = n;
    return 0;
}
