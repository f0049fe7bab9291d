/*
 * emkit/events.h - the machine event protocol: QMP-style JSON, one object
 * a line, on a Unix or TCP socket (loopback unless an address is given).
 * docs/events.md has the schema and examples.
 *
 *   server: {"emkit": {"version": "0.1.0", "machine": "arduino-uno",
 *            "capabilities": ["events"]}}
 *   client: {"execute": "capabilities"}            (first, as qmp_capabilities)
 *   server: {"return": {}}
 *   server: {"event": "GPIO", "data": {"net": "D13", "volts": 5.0},
 *            "timestamp": {"seconds": 1733346000, "microseconds": 12},
 *            "time": 1.000012}                      (emulated seconds)
 *   client: {"execute": "set-input", "arguments": {"net": "D2", "volts": 0.0},
 *            "id": 7}
 *   server: {"return": {}, "id": 7}
 *   bad:    {"error": {"class": "GenericError", "desc": "..."}}
 *
 * The machine supplies the commands (a callback); this file owns the
 * sockets, the greeting and capability negotiation, framing, error
 * replies and per-client output queues.  Everything runs in the thread
 * that calls emk_events_poll: nothing blocks on a client (non-blocking
 * sockets; a client that does not read loses events, counted, and one
 * that sends a line longer than EMK_EVENTS_LINE_MAX gets an error and
 * the line is dropped; neither stalls the machine).
 */
#ifndef EMKIT_EVENTS_H
#define EMKIT_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "emkit/base.h"
#include "emkit/json.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_events_limits {
    EMK_EVENTS_MAX_CLIENTS = 8,
    EMK_EVENTS_LINE_MAX = 16384,      /**< longest command line */
    EMK_EVENTS_OUT_MAX = 262144,      /**< queued output a client may hold */
    EMK_EVENTS_NODES = 256            /**< JSON values in one command */
};

/** One connection. */
typedef struct emk_events_client {
    int fd;                           /**< -1: free slot */
    int negotiated;                   /**< sent "capabilities" */
    int discarding;                   /**< inside an over-long line */
    char in[EMK_EVENTS_LINE_MAX];
    size_t nin;
    char *out;
    size_t nout;
    uint64_t dropped;                 /**< events lost to a full queue */
} emk_events_client;

struct emk_events;

/** A command: name, its "arguments" object (node index, or -1), the text
 *  and nodes to read them with.  Writes the JSON of "return" into ret
 *  (e.g. "{}") and returns 0, or writes an error description into ret
 *  and returns a negative errno (-ENOENT: unknown command). */
typedef int (*emk_events_cmd)(void *opaque, struct emk_events *ev, const char *name,
                              const char *text, const emk_json_node *nodes, int args,
                              char *ret, size_t cap);

/** The server. */
typedef struct emk_events {
    int listen_fd;
    emk_events_client client[EMK_EVENTS_MAX_CLIENTS];
    char machine[32];
    char path[108];                   /**< unix socket path, to unlink */
    emk_events_cmd command;
    void *opaque;
    emk_json_node nodes[EMK_EVENTS_NODES];
    uint64_t events_sent;
} emk_events;

/** Listens on spec: "unix:PATH", "tcp:PORT" (127.0.0.1), "tcp:HOST:PORT"
 *  (HOST a numeric IPv4 address).  machine names the machine in the
 *  greeting.  0, or a negative errno. */
EMK_API int emk_events_listen(emk_events *ev, const char *spec, const char *machine,
                              emk_events_cmd command, void *opaque);

/** Accepts connections, reads and answers commands; waits at most
 *  timeout_ms (0: not at all) for something to happen.  Returns 0. */
EMK_API int emk_events_poll(emk_events *ev, int timeout_ms);

/** Sends event name with data (a JSON object text) to every negotiated
 *  client; time_s is the emulated time. */
EMK_API void emk_events_emit(emk_events *ev, const char *name, const char *data,
                             double time_s);

/** Number of negotiated clients. */
EMK_API unsigned emk_events_clients(const emk_events *ev);

/** Closes every connection and the listening socket. */
EMK_API void emk_events_close(emk_events *ev);

#ifdef __cplusplus
}
#endif

#endif
