/*
 * emkit/virtio_snd.h - virtio sound device (virtio 1.2 section 5.14) on
 * the virtio core (emkit/virtio.h), with its samples going to and coming
 * from a host audio backend (emkit/audio.h).
 *
 * Queues: 0 control, 1 event, 2 tx (output streams), 3 rx (input
 * streams).  Configuration: le32 jacks, streams, chmaps.
 *
 * Control requests: JACK_INFO, JACK_REMAP, PCM_INFO, PCM_SET_PARAMS,
 * PCM_PREPARE, PCM_RELEASE, PCM_START, PCM_STOP, CHMAP_INFO, answered
 * with OK, BAD_MSG (malformed, out of range, or not allowed in the
 * stream's state), NOT_SUPP (parameters the stream does not offer, a
 * jack without remapping) or IO_ERR (the backend refused).
 *
 * Stream states (spec 5.14.6.6.1): SET_PARAMETERS is allowed before any
 * other request and after SET_PARAMETERS, PREPARE and RELEASE; PREPARE
 * after SET_PARAMETERS, PREPARE and RELEASE; START after PREPARE and
 * STOP; STOP after START; RELEASE after PREPARE and STOP.  RELEASE
 * completes every I/O message the stream holds before it is answered.
 *
 * I/O.  A tx message is {le32 stream_id, frames...} readable then
 * {le32 status, le32 latency_bytes} writable; an rx message is the
 * stream id readable then {frames..., status} writable.  A message is
 * held by its stream (PREPARE, START or STOP state) and completes when
 * its frames' time has elapsed on the device loop's clock since START
 * (the virtual clock in tests), on every backend.  Bad messages (wrong
 * queue for the stream's direction, bad stream id, no parameters, more
 * data than a period, not whole frames) complete at once with BAD_MSG
 * or IO_ERR.  latency_bytes: the stream's bytes still queued behind the
 * completed one.
 *
 * Events: JACK_CONNECTED / DISCONNECTED (emk_virtio_snd_jack_set),
 * PCM_XRUN (the stream selected VIRTIO_SND_PCM_F_EVT_XRUNS and ran dry
 * for a period), PCM_PERIOD_ELAPSED (the stream selected
 * VIRTIO_SND_PCM_F_EVT_SHMEM_PERIODS: one per completed message).  Events
 * wait in a small FIFO until the driver gives event buffers.
 *
 * Threads.  All state belongs to the device loop (vdev.dev.loop).
 */
#ifndef EMKIT_VIRTIO_SND_H
#define EMKIT_VIRTIO_SND_H

#include "emkit/audio.h"
#include "emkit/loop.h"
#include "emkit/virtio.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Queue indices. */
enum emk_virtio_snd_queue {
    EMK_VIRTIO_SND_VQ_CONTROL = 0,
    EMK_VIRTIO_SND_VQ_EVENT = 1,
    EMK_VIRTIO_SND_VQ_TX = 2,
    EMK_VIRTIO_SND_VQ_RX = 3,
    EMK_VIRTIO_SND_VQ_COUNT = 4
};

/** Request, event and status codes (struct virtio_snd_hdr.code). */
enum emk_virtio_snd_code {
    EMK_VIRTIO_SND_R_JACK_INFO = 1,
    EMK_VIRTIO_SND_R_JACK_REMAP = 2,
    EMK_VIRTIO_SND_R_PCM_INFO = 0x0100,
    EMK_VIRTIO_SND_R_PCM_SET_PARAMS = 0x0101,
    EMK_VIRTIO_SND_R_PCM_PREPARE = 0x0102,
    EMK_VIRTIO_SND_R_PCM_RELEASE = 0x0103,
    EMK_VIRTIO_SND_R_PCM_START = 0x0104,
    EMK_VIRTIO_SND_R_PCM_STOP = 0x0105,
    EMK_VIRTIO_SND_R_CHMAP_INFO = 0x0200,
    EMK_VIRTIO_SND_EVT_JACK_CONNECTED = 0x1000,
    EMK_VIRTIO_SND_EVT_JACK_DISCONNECTED = 0x1001,
    EMK_VIRTIO_SND_EVT_PCM_PERIOD_ELAPSED = 0x1100,
    EMK_VIRTIO_SND_EVT_PCM_XRUN = 0x1101,
    EMK_VIRTIO_SND_S_OK = 0x8000,
    EMK_VIRTIO_SND_S_BAD_MSG = 0x8001,
    EMK_VIRTIO_SND_S_NOT_SUPP = 0x8002,
    EMK_VIRTIO_SND_S_IO_ERR = 0x8003
};

/** Feature bits of a jack and of a stream (bit numbers). */
enum emk_virtio_snd_feature {
    EMK_VIRTIO_SND_JACK_F_REMAP = 0,
    EMK_VIRTIO_SND_PCM_F_SHMEM_HOST = 0,
    EMK_VIRTIO_SND_PCM_F_SHMEM_GUEST = 1,
    EMK_VIRTIO_SND_PCM_F_MSG_POLLING = 2,
    EMK_VIRTIO_SND_PCM_F_EVT_SHMEM_PERIODS = 3,
    EMK_VIRTIO_SND_PCM_F_EVT_XRUNS = 4
};

/** Channel positions (VIRTIO_SND_CHMAP_*). */
enum emk_virtio_snd_chmap_pos {
    EMK_VIRTIO_SND_CHMAP_NONE = 0, EMK_VIRTIO_SND_CHMAP_NA,
    EMK_VIRTIO_SND_CHMAP_MONO, EMK_VIRTIO_SND_CHMAP_FL,
    EMK_VIRTIO_SND_CHMAP_FR, EMK_VIRTIO_SND_CHMAP_RL,
    EMK_VIRTIO_SND_CHMAP_RR, EMK_VIRTIO_SND_CHMAP_FC,
    EMK_VIRTIO_SND_CHMAP_LFE, EMK_VIRTIO_SND_CHMAP_SL,
    EMK_VIRTIO_SND_CHMAP_SR, EMK_VIRTIO_SND_CHMAP_RC,
    EMK_VIRTIO_SND_CHMAP_FLC, EMK_VIRTIO_SND_CHMAP_FRC,
    EMK_VIRTIO_SND_CHMAP_RLC, EMK_VIRTIO_SND_CHMAP_RRC,
    EMK_VIRTIO_SND_CHMAP_FLW, EMK_VIRTIO_SND_CHMAP_FRW,
    EMK_VIRTIO_SND_CHMAP_FLH, EMK_VIRTIO_SND_CHMAP_FCH,
    EMK_VIRTIO_SND_CHMAP_FRH, EMK_VIRTIO_SND_CHMAP_TC,
    EMK_VIRTIO_SND_CHMAP_TFL, EMK_VIRTIO_SND_CHMAP_TFR,
    EMK_VIRTIO_SND_CHMAP_TFC, EMK_VIRTIO_SND_CHMAP_TRL,
    EMK_VIRTIO_SND_CHMAP_TRR, EMK_VIRTIO_SND_CHMAP_TRC,
    EMK_VIRTIO_SND_CHMAP_TFLC, EMK_VIRTIO_SND_CHMAP_TFRC,
    EMK_VIRTIO_SND_CHMAP_TSL, EMK_VIRTIO_SND_CHMAP_TSR,
    EMK_VIRTIO_SND_CHMAP_LLFE, EMK_VIRTIO_SND_CHMAP_RLFE,
    EMK_VIRTIO_SND_CHMAP_BC, EMK_VIRTIO_SND_CHMAP_BLC,
    EMK_VIRTIO_SND_CHMAP_BRC
};

/** Wire sizes of the structures (bytes). */
enum emk_virtio_snd_wire {
    EMK_VIRTIO_SND_CONFIG_SIZE = 12,
    EMK_VIRTIO_SND_HDR_SIZE = 4,
    EMK_VIRTIO_SND_QUERY_SIZE = 16,     /**< hdr, start_id, count, size */
    EMK_VIRTIO_SND_JACK_INFO_SIZE = 24,
    EMK_VIRTIO_SND_JACK_REMAP_SIZE = 16,
    EMK_VIRTIO_SND_PCM_HDR_SIZE = 8,
    EMK_VIRTIO_SND_PCM_INFO_SIZE = 32,
    EMK_VIRTIO_SND_SET_PARAMS_SIZE = 24,
    EMK_VIRTIO_SND_CHMAP_INFO_SIZE = 24,
    EMK_VIRTIO_SND_XFER_SIZE = 4,
    EMK_VIRTIO_SND_STATUS_SIZE = 8,
    EMK_VIRTIO_SND_EVENT_SIZE = 8,
    EMK_VIRTIO_SND_CHMAP_MAX = 18
};

/** Limits. */
enum emk_virtio_snd_limits {
    EMK_VIRTIO_SND_MAX_STREAMS = 8,
    EMK_VIRTIO_SND_MAX_JACKS = 8,
    EMK_VIRTIO_SND_MAX_CHMAPS = 8,
    EMK_VIRTIO_SND_CTRL_QUEUE_SIZE = 64,
    EMK_VIRTIO_SND_EVENT_QUEUE_SIZE = 64,
    EMK_VIRTIO_SND_IO_QUEUE_SIZE = 64,  /**< also the messages held per queue */
    EMK_VIRTIO_SND_MAX_SEGS = 260,      /**< buffers of one I/O message */
    EMK_VIRTIO_SND_SMALL_SEGS = 4,
    EMK_VIRTIO_SND_CTRL_SEGS = 8,
    EMK_VIRTIO_SND_EVENT_FIFO = 32,
    EMK_VIRTIO_SND_MAX_PERIOD = 4 << 20,  /**< period_bytes accepted */
    EMK_VIRTIO_SND_MAX_BUFFER = 16 << 20, /**< buffer_bytes accepted */
    EMK_VIRTIO_SND_CHUNK_FRAMES = 256
};

/** Stream states. */
typedef enum emk_virtio_snd_state {
    EMK_VIRTIO_SND_ST_INIT = 0,      /**< no parameters yet */
    EMK_VIRTIO_SND_ST_PARAMS,        /**< SET_PARAMETERS done */
    EMK_VIRTIO_SND_ST_PREPARED,
    EMK_VIRTIO_SND_ST_RUNNING,
    EMK_VIRTIO_SND_ST_STOPPED,
    EMK_VIRTIO_SND_ST_RELEASED
} emk_virtio_snd_state;

/** A stream as configured by the host. */
typedef struct emk_virtio_snd_stream_cfg {
    uint8_t direction;       /**< emk_audio_dir */
    uint8_t channels_min, channels_max;
    uint64_t formats;        /**< bit per emk_audio_format (0: every
                                  convertible one) */
    uint64_t rates;          /**< bit per emk_audio_rate (0: all) */
    uint32_t features;       /**< PCM_F bits offered (0: EVT_XRUNS and
                                  EVT_SHMEM_PERIODS) */
    uint32_t hda_fn_nid;
} emk_virtio_snd_stream_cfg;

/** A jack. */
typedef struct emk_virtio_snd_jack_cfg {
    uint32_t hda_fn_nid;
    uint32_t features;       /**< JACK_F bits (EMK_VIRTIO_SND_JACK_F_REMAP) */
    uint32_t hda_reg_defconf;
    uint32_t hda_reg_caps;
    uint8_t connected;
} emk_virtio_snd_jack_cfg;

/** A channel map. */
typedef struct emk_virtio_snd_chmap_cfg {
    uint32_t hda_fn_nid;
    uint8_t direction;
    uint8_t channels;
    uint8_t positions[EMK_VIRTIO_SND_CHMAP_MAX];
} emk_virtio_snd_chmap_cfg;

/** Options (zeroed: one output and one input stream of 1..8 channels,
 *  one jack, a stereo channel map for each direction, the null
 *  backend). */
typedef struct emk_virtio_snd_options {
    emk_audio_backend *backend;      /**< NULL: a built-in null backend */
    unsigned nstreams, njacks, nchmaps;
    const emk_virtio_snd_stream_cfg *streams;
    const emk_virtio_snd_jack_cfg *jacks;
    const emk_virtio_snd_chmap_cfg *chmaps;
} emk_virtio_snd_options;

/** One held I/O message (private). */
typedef struct emk_virtio_snd_msg {
    emk_virtq_elem el;
    emk_sg_entry big[EMK_VIRTIO_SND_MAX_SEGS];  /**< the frames' side */
    emk_sg_entry small[EMK_VIRTIO_SND_SMALL_SEGS]; /**< the other side */
    uint32_t bytes;          /**< frame bytes it carries */
    int16_t next;            /**< next in its stream's FIFO, or free list */
} emk_virtio_snd_msg;

struct emk_virtio_snd;

/** A stream's state (private but the statistics). */
typedef struct emk_virtio_snd_stream {
    struct emk_virtio_snd *snd;
    unsigned id;
    emk_virtio_snd_stream_cfg cfg;
    emk_virtio_snd_state state;
    /* parameters */
    uint32_t buffer_bytes, period_bytes, features;
    emk_audio_params params;
    emk_audio_voice voice;
    /* held messages, oldest first (indices into the queue's msgs) */
    int16_t head, tail;
    unsigned held;
    uint64_t held_bytes;
    /* pacing */
    emk_timer timer;
    int64_t t0;              /**< clock at START or after a dry spell */
    uint64_t frames;         /**< frames completed since t0 */
    int64_t dry_since;       /**< -1: not dry */
    int xrun_sent;
    /* statistics */
    uint64_t stat_msgs, stat_bytes, stat_xruns, stat_bad;
    uint64_t stat_dry;       /**< times it ran dry and restarted its count */
    int64_t stat_max_late_ns; /**< latest completion after its due time */
} emk_virtio_snd_stream;

/** The device.  Caller-owned; private but vdev and the statistics. */
typedef struct emk_virtio_snd {
    emk_virtio vdev;
    emk_virtio_queue q[EMK_VIRTIO_SND_VQ_COUNT];
    emk_audio_backend *be;
    emk_audio_backend own_be;
    unsigned nstreams, njacks, nchmaps;
    emk_virtio_snd_stream streams[EMK_VIRTIO_SND_MAX_STREAMS];
    emk_virtio_snd_jack_cfg jacks[EMK_VIRTIO_SND_MAX_JACKS];
    uint32_t jack_defconf0[EMK_VIRTIO_SND_MAX_JACKS]; /**< before remaps */
    emk_virtio_snd_chmap_cfg chmaps[EMK_VIRTIO_SND_MAX_CHMAPS];
    /* held I/O messages: [0] tx, [1] rx; malloc'd once at init */
    emk_virtio_snd_msg *msgs[2];
    int16_t free_msg[2];
    /* control and event chains (handled at once) */
    emk_sg_entry c_out[EMK_VIRTIO_SND_CTRL_SEGS], c_in[EMK_VIRTIO_SND_CTRL_SEGS];
    emk_sg_entry e_out[EMK_VIRTIO_SND_SMALL_SEGS], e_in[EMK_VIRTIO_SND_SMALL_SEGS];
    /* pending events */
    uint32_t ev_code[EMK_VIRTIO_SND_EVENT_FIFO], ev_data[EMK_VIRTIO_SND_EVENT_FIFO];
    unsigned ev_head, ev_count;
    /* conversion staging */
    uint8_t stage_guest[EMK_VIRTIO_SND_CHUNK_FRAMES * EMK_AUDIO_MAX_CHANNELS * EMK_AUDIO_MAX_SAMPLE];
    uint8_t stage_host[EMK_VIRTIO_SND_CHUNK_FRAMES * EMK_AUDIO_MAX_CHANNELS * EMK_AUDIO_MAX_SAMPLE];
    /* statistics */
    uint64_t stat_ctrl, stat_ctrl_bad, stat_events, stat_events_dropped;
    uint64_t stat_io_bad;
} emk_virtio_snd;

/** Initialises the device on bus, its work in loop (NULL: the bus's main
 *  loop; its clock paces the streams).  Takes the held-message storage
 *  (about 4 KiB per message, EMK_VIRTIO_SND_IO_QUEUE_SIZE per I/O queue)
 *  once here.  Returns 0, -EINVAL (bad configuration: too many streams,
 *  jacks or chmaps, a channel range outside 1..8, a stream format or
 *  rate set with nothing convertible) or -ENOMEM. */
EMK_API int emk_virtio_snd_init(emk_virtio_snd *s, emk_bus *bus, emk_loop *loop,
                                const emk_virtio_snd_options *opts);

/** Releases what init took: closes every voice, frees the message
 *  storage (the transport's cleanup comes first).  Device loop. */
EMK_API void emk_virtio_snd_cleanup(emk_virtio_snd *s);

/** The host plugs (connected=1) or unplugs jack `jack`: updates its
 *  state and queues JACK_CONNECTED / DISCONNECTED if it changed (and
 *  the driver is running).  Returns 0, -ENOENT (no such jack).  Device
 *  loop (emk_loop_call from elsewhere). */
EMK_API int emk_virtio_snd_jack_set(emk_virtio_snd *s, unsigned jack,
                                    int connected);

/** State of stream id, or -ENOENT. */
EMK_API int emk_virtio_snd_stream_state(const emk_virtio_snd *s, unsigned id);

/** Static name of a status or request code ("OK", "PCM_START", ...). */
EMK_API const char *emk_virtio_snd_code_name(uint32_t code);

#ifdef __cplusplus
}
#endif

#endif
