/*
 * emkit/fido_mux.h - one FIDO key shared by several CTAPHID clients
 * (hw/fido-mux/): the core of `emkit fido mux` (src/cli/fido_mux.c, the
 * daemon that owns a key and serves guests and host programs).
 *
 * The mux opens one channel on the key (INIT at creation) and gives every
 * client channels of its own (it answers their INITs itself), rewriting
 * CIDs both ways.  It runs one client message at a time on the key and
 * keeps that transaction open across KEEPALIVEs until the final response;
 * other clients' messages wait in order.  CANCEL reaches only its own
 * transaction (or drops its own queued message).  A client that goes away
 * loses its queued messages; its running transaction is cancelled on the
 * key and its answer dropped.  Transport-free: the caller moves 64-byte
 * reports.  Threads: everything runs in the loop's thread.
 */
#ifndef EMKIT_FIDO_MUX_H
#define EMKIT_FIDO_MUX_H

#include "emkit/base.h"
#include "emkit/loop.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_fido_mux_limits {
    EMK_FIDO_MUX_CLIENTS = 16,      /**< clients at once */
    EMK_FIDO_MUX_CHANNELS = 4,      /**< channels per client */
    EMK_FIDO_MUX_REPORT = 64
};

typedef struct emk_fido_mux emk_fido_mux;

/** What the caller provides. */
typedef struct emk_fido_mux_ops {
    /** A report to the key (required). */
    void (*to_key)(void *opaque, const uint8_t report[EMK_FIDO_MUX_REPORT]);
    /** A report to client `client` (required). */
    void (*to_client)(void *opaque, int client, const uint8_t report[EMK_FIDO_MUX_REPORT]);
} emk_fido_mux_ops;

/** Creates a mux in `loop` and sends the key its INIT (answer it through
 *  emk_fido_mux_from_key).  `seed` makes CIDs and the nonce (tests);
 *  0 takes them from the OS.  Returns 0, -ENOMEM or -EINVAL. */
EMK_API int emk_fido_mux_new(emk_fido_mux **out, emk_loop *loop, const emk_fido_mux_ops *ops,
                             void *opaque, uint64_t seed);
/** Frees the mux.  NULL is a no-op. */
EMK_API void emk_fido_mux_free(emk_fido_mux *m);
/** 1 once the key answered the mux's INIT. */
EMK_API int emk_fido_mux_ready(const emk_fido_mux *m);
/** A new client: its number (>= 0) or -ENOSPC. */
EMK_API int emk_fido_mux_client_add(emk_fido_mux *m);
/** A client went away: its channels are released (see above). */
EMK_API void emk_fido_mux_client_del(emk_fido_mux *m, int client);
/** A report from a client.  Returns 0, or -EINVAL (no such client). */
EMK_API int emk_fido_mux_from_client(emk_fido_mux *m, int client,
                                     const uint8_t report[EMK_FIDO_MUX_REPORT]);
/** A report from the key. */
EMK_API void emk_fido_mux_from_key(emk_fido_mux *m, const uint8_t report[EMK_FIDO_MUX_REPORT]);
/** Transactions completed, and reports dropped (no owner, bad frames). */
EMK_API void emk_fido_mux_stats(const emk_fido_mux *m, uint64_t *done, uint64_t *dropped);

#ifdef __cplusplus
}
#endif

#endif
