/*
 * large_blobs.c - authenticatorLargeBlobs (CTAP 2.1 section 6.10): the
 * serialized large-blob array, read in fragments (get) and replaced in
 * fragments (set).  A write announces its length at offset 0, arrives in
 * order into k->cm.lb_buf, and is committed with one save when complete
 * and its trailing LEFT(SHA-256, 16) checks.  With a PIN set, each set
 * fragment carries a pinUvAuthParam over 32 x 0xff || 0x0c 0x00 ||
 * uint32LE(offset) || SHA-256(fragment) with the lbw permission.
 */
#include "fido_int.h"
#include "trace_int.h"

static emk_trace_event ev_lb = EMK_TRACE_EVENT_INIT("fido_large_blobs");

enum lb_keys {
    LB_GET = 1,
    LB_SET = 2,
    LB_OFFSET = 3,
    LB_LENGTH = 4,
    LB_PARAM = 5,
    LB_PROTO = 6
};

enum { LB_R_CONFIG = 1, LB_MIN_ARRAY = 17 };

static int lb_get(emk_fido *k, int64_t count, int64_t offset, int has_len, emk_cbor_enc *e)
{
    size_t n;

    if (has_len)
        return CTAP1_ERR_INVALID_PARAMETER;
    if (count > EMK_FIDO_LB_FRAGMENT)
        return CTAP1_ERR_INVALID_LENGTH;
    if (offset > k->st.large_blob_len)
        return CTAP1_ERR_INVALID_PARAMETER;
    n = k->st.large_blob_len - (size_t)offset;
    if ((size_t)count < n)
        n = (size_t)count;
    emk_cbor_map(e, 1);
    emk_cbor_uint(e, LB_R_CONFIG);
    emk_cbor_bytes(e, k->st.large_blob + offset, n);
    return CTAP2_OK;
}

/* Exchanges the stored array and the received one (no second buffer). */
static void swap_blob(emk_fido *k)
{
    uint16_t len = k->st.large_blob_len;

    for (size_t i = 0; i < EMK_FIDO_LARGE_BLOB_MAX; i++) {
        uint8_t t = k->st.large_blob[i];

        k->st.large_blob[i] = k->cm.lb_buf[i];
        k->cm.lb_buf[i] = t;
    }
    k->st.large_blob_len = (uint16_t)k->cm.lb_expected;
    k->cm.lb_expected = len;
}

static int lb_commit(emk_fido *k)
{
    uint8_t h[32];
    size_t n = k->cm.lb_expected;

    k->cm.lb_active = 0;
    emk_sha256(k->cm.lb_buf, n - 16, h);
    if (memcmp(h, k->cm.lb_buf + n - 16, 16))
        return CTAP2_ERR_INTEGRITY_FAILURE;
    if (k->err)
        return CTAP1_ERR_OTHER;
    swap_blob(k);
    if (emk_fido_store_save(k) < 0) {
        swap_blob(k);
        return CTAP1_ERR_OTHER;
    }
    EMK_TRACE(ev_lb, "committed len=%u", k->st.large_blob_len);
    return CTAP2_OK;
}

static int lb_set(emk_fido *k, const emk_cbor_item *params, const emk_cbor_item *set,
                  int64_t offset, int has_len, int64_t length)
{
    uint8_t msg[32 + 2 + 4 + 32];
    emk_cbor_item pa;
    uint32_t expected = k->cm.lb_expected, next = k->cm.lb_written;
    int st;

    if (set->val > EMK_FIDO_LB_FRAGMENT)
        return CTAP1_ERR_INVALID_LENGTH;
    if (offset == 0) {
        if (!has_len)
            return CTAP1_ERR_INVALID_PARAMETER;
        if (length > EMK_FIDO_LARGE_BLOB_MAX)
            return CTAP2_ERR_LARGE_BLOB_STORAGE_FULL;
        if (length < LB_MIN_ARRAY)
            return CTAP1_ERR_INVALID_PARAMETER;
        expected = (uint32_t)length;
        next = 0;
    } else {
        if (has_len)
            return CTAP1_ERR_INVALID_PARAMETER;
        if (!k->cm.lb_active || offset != next)
            return CTAP1_ERR_INVALID_SEQ;
    }
    if (k->st.pin_set || emk_cbor_map_int(params, LB_PARAM, &pa) == 1) {
        memset(msg, 0xff, 32);
        msg[32] = CTAP2_LARGE_BLOBS;
        msg[33] = 0x00;
        msg[34] = (uint8_t)offset;
        msg[35] = (uint8_t)(offset >> 8);
        msg[36] = (uint8_t)(offset >> 16);
        msg[37] = (uint8_t)(offset >> 24);
        emk_sha256(set->ptr, (size_t)set->val, msg + 38);
        st = emk_fido_pin_param(k, params, LB_PROTO, LB_PARAM, msg, sizeof(msg),
                                EMK_FIDO_PERM_LBW);
        if (st != CTAP2_OK)
            return st;
    }
    if ((uint64_t)offset + set->val > expected)
        return CTAP1_ERR_INVALID_PARAMETER;
    memcpy(k->cm.lb_buf + offset, set->ptr, (size_t)set->val);
    k->cm.lb_active = 1;
    k->cm.lb_expected = expected;
    k->cm.lb_written = next + (uint32_t)set->val;
    if (k->cm.lb_written == expected)
        return lb_commit(k);
    return CTAP2_OK;
}

int emk_fido_large_blobs(emk_fido *k, const emk_cbor_item *params, emk_cbor_enc *e)
{
    emk_cbor_item set;
    int64_t get = 0, offset = 0, length = 0;
    int rg, rs, ro, rl;

    rg = emk_fido_field_uint(params, LB_GET, &get);
    rs = emk_fido_field(params, LB_SET, EMK_CBOR_BYTES, &set);
    ro = emk_fido_field_uint(params, LB_OFFSET, &offset);
    rl = emk_fido_field_uint(params, LB_LENGTH, &length);
    if (rg < 0 || rs < 0 || ro < 0 || rl < 0)
        return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
    if (!ro || rg == rs)               /* offset, and exactly one of get/set */
        return CTAP1_ERR_INVALID_PARAMETER;
    EMK_TRACE(ev_lb, "%s offset=%lld", rg ? "get" : "set", (long long)offset);
    if (rg)
        return lb_get(k, get, offset, rl, e);
    return lb_set(k, params, &set, offset, rl, length);
}
