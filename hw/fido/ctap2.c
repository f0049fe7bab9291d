/*
 * ctap2.c - CTAP2 message dispatch (command byte, then an optional CBOR
 * map of parameters), and the two commands that are nothing but a test of
 * user presence: authenticatorReset and authenticatorSelection.
 */
#include "fido_int.h"
#include "trace_int.h"

static emk_trace_event ev_cmd = EMK_TRACE_EVENT_INIT("fido_ctap2_command");
static emk_trace_event ev_status = EMK_TRACE_EVENT_INIT("fido_ctap2_status");

#define RESET_WINDOW_NS ((int64_t)10 * 1000 * 1000 * 1000)   /* Reset only within 10 s of power-up */

/* A test of user presence as a command's status: pending, or denied. */
static int up_status(emk_fido *k)
{
    int up = emk_fido_up_test(k);

    if (up == EMK_FIDO_PENDING)
        return EMK_FIDO_PENDING;
    return up == 1 ? CTAP2_OK : CTAP2_ERR_OPERATION_DENIED;
}

static int reset(emk_fido *k)
{
    int st;

    if (emk_loop_now(k->loop) - k->boot_ns > RESET_WINDOW_NS)
        return CTAP2_ERR_NOT_ALLOWED;
    st = up_status(k);
    if (st != CTAP2_OK)
        return st;
    if (k->err)
        return CTAP1_ERR_OTHER;
    emk_fido_ctap2_abort(k);
    if (emk_fido_factory_reset(k) < 0 || emk_fido_store_save(k) < 0)
        return CTAP1_ERR_OTHER;
    return CTAP2_OK;
}

int emk_fido_ctap2(emk_fido *k, const uint8_t *req, size_t len, uint8_t *resp,
                   size_t cap, size_t *resp_len)
{
    emk_cbor_item params, *pp = NULL;
    emk_cbor_enc e;
    size_t n = 0;
    int st;

    *resp_len = 0;
    if (cap < 1)
        return CTAP1_ERR_OTHER;
    if (len < 1) {
        st = CTAP1_ERR_INVALID_LENGTH;
        goto out;
    }
    EMK_TRACE(ev_cmd, "cmd=0x%02x len=%lu", req[0], (unsigned long)(len - 1));
    if (len > 1) {
        if (emk_cbor_decode(req + 1, len - 1, EMK_CBOR_CTAP_DEPTH, &params) < 0) {
            st = CTAP2_ERR_INVALID_CBOR;
            goto out;
        }
        if (params.type != EMK_CBOR_MAP) {
            st = CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
            goto out;
        }
        pp = &params;
    }
    emk_cbor_enc_init(&e, resp + 1, cap - 1);
    if (req[0] != CTAP2_GET_NEXT_ASSERTION)
        emk_fido_assert_forget(k);      /* GetNextAssertion only right after */
    if (req[0] != CTAP2_CRED_MGMT && req[0] != CTAP2_CRED_MGMT_PRE) emk_fido_cm_abort(k);
    switch (req[0]) {
    case CTAP2_MAKE_CREDENTIAL:
        st = pp ? emk_fido_make_credential(k, pp, &e) : CTAP2_ERR_MISSING_PARAMETER;
        break;
    case CTAP2_GET_ASSERTION:
        st = pp ? emk_fido_get_assertion(k, pp, &e) : CTAP2_ERR_MISSING_PARAMETER;
        break;
    case CTAP2_GET_NEXT_ASSERTION:
        st = emk_fido_get_next_assertion(k, &e);
        break;
    case CTAP2_GET_INFO:
        st = emk_fido_get_info(k, &e);
        break;
    case CTAP2_CLIENT_PIN:
        st = pp ? emk_fido_client_pin(k, pp, &e) : CTAP2_ERR_MISSING_PARAMETER;
        break;
    case CTAP2_RESET:
        st = reset(k);
        break;
    case CTAP2_CRED_MGMT:
    case CTAP2_CRED_MGMT_PRE:
        st = pp ? emk_fido_cred_mgmt(k, pp, &e) : CTAP2_ERR_MISSING_PARAMETER;
        break;
    case CTAP2_SELECTION:
        st = up_status(k);
        break;
    case CTAP2_LARGE_BLOBS:
        st = pp ? emk_fido_large_blobs(k, pp, &e) : CTAP2_ERR_MISSING_PARAMETER;
        break;
    case CTAP2_CONFIG:
        st = pp ? emk_fido_config_cmd(k, pp, &e) : CTAP2_ERR_MISSING_PARAMETER;
        break;
    default:
        st = CTAP1_ERR_INVALID_COMMAND;
        break;
    }
    if (st == EMK_FIDO_PENDING)
        return st;
    if (st == CTAP2_OK && emk_cbor_enc_finish(&e, &n) < 0) {
        st = CTAP1_ERR_OTHER;       /* a response that does not fit */
        n = 0;
    }
    if (st != CTAP2_OK)
        n = 0;
out:
    EMK_TRACE(ev_status, "status=0x%02x len=%lu", st, (unsigned long)n);
    resp[0] = (uint8_t)st;
    *resp_len = 1 + n;
    return st;
}
