/*
 * info.c - authenticatorGetInfo (CTAP 2.1 section 6.4): what the key
 * supports and its current settings, keys in canonical order.
 */
#include "fido_int.h"

enum { FIRMWARE_VERSION = 0x00010000 };   /* 1.0.0 */

static void text_array(emk_cbor_enc *e, const char *const *s, size_t n)
{
    emk_cbor_array(e, n);
    for (size_t i = 0; i < n; i++)
        emk_cbor_text_z(e, s[i]);
}

static void option(emk_cbor_enc *e, const char *name, int v)
{
    emk_cbor_text_z(e, name);
    emk_cbor_bool(e, v);
}

/* options, in canonical order (length, then bytes) */
static void options(const emk_fido *k, emk_cbor_enc *e)
{
    emk_cbor_map(e, 10);
    option(e, "rk", 1);
    option(e, "up", 1);
    option(e, "plat", 0);
    option(e, "alwaysUv", k->st.always_uv);
    option(e, "credMgmt", 1);
    option(e, "clientPin", k->st.pin_set);
    option(e, "largeBlobs", 1);
    option(e, "pinUvAuthToken", 1);
    option(e, "setMinPINLength", 1);
    option(e, "makeCredUvNotRqd", 1);
}

static uint32_t rk_remaining(const emk_fido *k)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < k->max_rk; i++)
        n += !k->st.rk[i].in_use;
    return n;
}

int emk_fido_get_info(emk_fido *k, emk_cbor_enc *e)
{
    static const char *const versions[] = { "FIDO_2_0", "FIDO_2_1", "U2F_V2" };
    static const char *const exts[] = {
        "credBlob", "credProtect", "hmac-secret", "largeBlobKey", "minPinLength"
    };
    static const char *const usb[] = { "usb" };

    emk_cbor_map(e, 17);
    emk_cbor_uint(e, 0x01);
    text_array(e, versions, 3);
    emk_cbor_uint(e, 0x02);
    text_array(e, exts, 5);
    emk_cbor_uint(e, 0x03);
    emk_cbor_bytes(e, emk_fido_aaguid(), EMK_FIDO_AAGUID_LEN);
    emk_cbor_uint(e, 0x04);
    options(k, e);
    emk_cbor_uint(e, 0x05);
    emk_cbor_uint(e, EMK_FIDO_MAX_MSG);
    emk_cbor_uint(e, 0x06);             /* pinUvAuthProtocols, preferred first */
    emk_cbor_array(e, 2);
    emk_cbor_uint(e, 2);
    emk_cbor_uint(e, 1);
    emk_cbor_uint(e, 0x07);
    emk_cbor_uint(e, EMK_FIDO_MAX_ALLOW);
    emk_cbor_uint(e, 0x08);
    emk_cbor_uint(e, EMK_FIDO_CRED_ID_LEN);
    emk_cbor_uint(e, 0x09);
    text_array(e, usb, 1);
    emk_cbor_uint(e, 0x0A);             /* algorithms */
    emk_cbor_array(e, 1);
    emk_cbor_map(e, 2);
    emk_cbor_text_z(e, "alg");
    emk_cbor_int(e, -7);
    emk_cbor_text_z(e, "type");
    emk_cbor_text_z(e, "public-key");
    emk_cbor_uint(e, 0x0B);
    emk_cbor_uint(e, EMK_FIDO_LARGE_BLOB_MAX);
    emk_cbor_uint(e, 0x0C);
    emk_cbor_bool(e, k->st.force_pin_change);
    emk_cbor_uint(e, 0x0D);
    emk_cbor_uint(e, k->st.min_pin_len);
    emk_cbor_uint(e, 0x0E);
    emk_cbor_uint(e, FIRMWARE_VERSION);
    emk_cbor_uint(e, 0x0F);
    emk_cbor_uint(e, EMK_FIDO_CRED_BLOB_MAX);
    emk_cbor_uint(e, 0x10);             /* maxRPIDsForSetMinPINLength */
    emk_cbor_uint(e, EMK_FIDO_MIN_PIN_RPS);
    emk_cbor_uint(e, 0x14);
    emk_cbor_uint(e, rk_remaining(k));
    return CTAP2_OK;
}
