/*
 * emkit/fido.h - a FIDO2/U2F security key (hw/fido/): CTAP1/U2F and CTAP
 * 2.1 behind CTAPHID, with its own constant-time crypto (emkit/crypto.h,
 * emkit/p256.h) and an optional state file written atomically.
 *
 * The key is a transport-free object.  A host feeds it the 64-byte HID
 * output reports a client sends (emk_fido_hid_input) and receives its
 * 64-byte input reports through emk_fido_ops.send_report: the UHID server,
 * the SOCK_SEQPACKET server, a USB HID function and the in-process
 * libfido2 tests are all such hosts.
 *
 * Threads: a key belongs to the loop it was created on.  Every call
 * except emk_fido_new runs in that loop's thread (emk_loop_in_thread), and
 * send_report is called there.  User-presence waits, KEEPALIVEs and
 * CTAPHID timeouts are timers on that loop, so a virtual clock drives them
 * in tests.
 */
#ifndef EMKIT_FIDO_H
#define EMKIT_FIDO_H

#include "emkit/base.h"
#include "emkit/loop.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct emk_fido emk_fido;

enum emk_fido_sizes {
    EMK_FIDO_REPORT = 64,           /**< CTAPHID report bytes */
    EMK_FIDO_MSG_MAX = 7609,        /**< 64 - 7 + 128 * (64 - 5) */
    EMK_FIDO_AAGUID_LEN = 16
};

/** How the simulated user answers a test of user presence. */
enum emk_fido_up_policy {
    EMK_FIDO_UP_ALWAYS = 0,   /**< present at once */
    EMK_FIDO_UP_DENY = 1,     /**< declines at once */
    EMK_FIDO_UP_AFTER = 2,    /**< touches after delay_ms (KEEPALIVEs meanwhile) */
    EMK_FIDO_UP_MANUAL = 3    /**< waits for emk_fido_touch (or the timeout) */
};

/** What a host provides. */
typedef struct emk_fido_ops {
    /** Sends one 64-byte input report to the client (required). */
    void (*send_report)(void *opaque, const uint8_t report[EMK_FIDO_REPORT]);
    /** CTAPHID_WINK: the key should show itself (optional). */
    void (*wink)(void *opaque);
} emk_fido_ops;

/** Creation options; zero them, then set what you need. */
typedef struct emk_fido_config {
    /** State file (master secret, PIN, resident credentials, counter);
     *  NULL keeps everything in memory for the object's lifetime. */
    const char *state_path;
    /** Seeds the key's random generator instead of the OS (tests,
     *  fuzzing); NULL uses emk_os_entropy. */
    const uint8_t *seed;
    size_t seed_len;
    int up_policy;            /**< emk_fido_up_policy */
    uint32_t up_delay_ms;     /**< for EMK_FIDO_UP_AFTER */
    uint32_t up_timeout_ms;   /**< user action timeout; 0 means 30000 */
    uint32_t max_resident;    /**< resident credential slots; 0 means the maximum */
} emk_fido_config;

/**
 * Creates a key in `loop` (call from its thread).  Loads cfg->state_path
 * if it exists, or creates a fresh key and writes it there.  Returns 0,
 * -ENOMEM, -EINVAL (bad config, or a state file that fails its checks:
 * it is left untouched), or an I/O errno.
 */
EMK_API int emk_fido_new(emk_fido **out, emk_loop *loop, const emk_fido_config *cfg,
                         const emk_fido_ops *ops, void *opaque);
/** Frees the key; pending timers are cancelled.  NULL is a no-op. */
EMK_API void emk_fido_free(emk_fido *k);

/**
 * Feeds one HID output report (len must be EMK_FIDO_REPORT; with
 * len == EMK_FIDO_REPORT + 1 the first byte is a report ID 0 and is
 * dropped).  Replies arrive through send_report, possibly later.
 * Returns 0, or -EINVAL for a wrong length (the report is ignored, as
 * the HID layer would).
 */
EMK_API int emk_fido_hid_input(emk_fido *k, const uint8_t *report, size_t len);

/** Changes the user-presence policy (an ongoing wait is re-evaluated). */
EMK_API void emk_fido_set_presence(emk_fido *k, int policy, uint32_t delay_ms);
/** One touch: satisfies the current or the next test of user presence. */
EMK_API void emk_fido_touch(emk_fido *k);

/**
 * Runs one CTAP2 request (command byte and CBOR parameters) outside
 * CTAPHID and stores the response (status byte, then CBOR) in resp.  A
 * test of user presence follows the policy; a policy that would wait is
 * treated as EMK_FIDO_UP_ALWAYS here.  For fuzzing and tests.  Returns
 * 0 (the CTAP status is resp[0]) or -ENOSPC if cap is too small.
 */
EMK_API int emk_fido_ctap2_call(emk_fido *k, const uint8_t *req, size_t len,
                                uint8_t *resp, size_t cap, size_t *resp_len);
/** The same for one CTAP1/U2F APDU; the response ends in its status word. */
EMK_API int emk_fido_u2f_call(emk_fido *k, const uint8_t *apdu, size_t len,
                              uint8_t *resp, size_t cap, size_t *resp_len);

/** The HID report descriptor of a FIDO key (usage page 0xF1D0). */
EMK_API const uint8_t *emk_fido_hid_descriptor(size_t *len);
/** The key's AAGUID. */
EMK_API const uint8_t *emk_fido_aaguid(void);
/** The signature counter's next value (for tests and benchmarks). */
EMK_API uint32_t emk_fido_counter(const emk_fido *k);
/** The first persistence error (sticky, 0 if none); after one, commands
 *  that must change state fail with CTAP1_ERR_OTHER. */
EMK_API int emk_fido_error(const emk_fido *k);

#ifdef __cplusplus
}
#endif

#endif
