/*
 * emkit/audio.h - PCM sample formats and frame rates (numbered as in
 * virtio 1.2 section 5.14.6.6.3), sample conversion between formats and
 * channel counts, WAV headers, and host audio backends as a table of
 * callbacks.
 *
 * Conversion goes through 32-bit signed samples: every linear integer
 * format, FLOAT, FLOAT64, mu-law and A-law converts; IMA ADPCM, DSD and
 * IEC958 subframes do not (emk_audio_format_convertible).  A conversion
 * that only widens (S16 -> S32 -> S16, S16 -> FLOAT -> S16) is lossless.
 * Rates: a voice runs at the stream's rate; a backend bound to another
 * rate (a wav file that already holds one) converts with
 * emk_audio_resampler, linear interpolation with exact integer timing.
 *
 * Backends (emk_audio_backend_init with a spec string):
 *   null           paced by the caller; output is discarded, capture is
 *                  silence
 *   wav:OUT[:IN]   output is written to the WAV file OUT (its header is
 *                  rewritten with the right sizes whenever a voice
 *                  closes); capture reads the WAV file IN (default OUT),
 *                  looping at its end
 *   sine:FREQ      output is discarded; capture is a sine of FREQ Hz at
 *                  half full scale on every channel
 * A caller may also fill emk_audio_backend.ops with its own table.
 *
 * Threads.  A backend and its voices belong to the thread that drives
 * them (a device's loop); nothing here locks.
 */
#ifndef EMKIT_AUDIO_H
#define EMKIT_AUDIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "emkit/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Sample formats, numbered as VIRTIO_SND_PCM_FMT_* (little-endian). */
enum emk_audio_format {
    EMK_AUDIO_FMT_IMA_ADPCM = 0,
    EMK_AUDIO_FMT_MU_LAW,
    EMK_AUDIO_FMT_A_LAW,
    EMK_AUDIO_FMT_S8,
    EMK_AUDIO_FMT_U8,
    EMK_AUDIO_FMT_S16,
    EMK_AUDIO_FMT_U16,
    EMK_AUDIO_FMT_S18_3,
    EMK_AUDIO_FMT_U18_3,
    EMK_AUDIO_FMT_S20_3,
    EMK_AUDIO_FMT_U20_3,
    EMK_AUDIO_FMT_S24_3,
    EMK_AUDIO_FMT_U24_3,
    EMK_AUDIO_FMT_S20,
    EMK_AUDIO_FMT_U20,
    EMK_AUDIO_FMT_S24,
    EMK_AUDIO_FMT_U24,
    EMK_AUDIO_FMT_S32,
    EMK_AUDIO_FMT_U32,
    EMK_AUDIO_FMT_FLOAT,
    EMK_AUDIO_FMT_FLOAT64,
    EMK_AUDIO_FMT_DSD_U8,
    EMK_AUDIO_FMT_DSD_U16,
    EMK_AUDIO_FMT_DSD_U32,
    EMK_AUDIO_FMT_IEC958_SUBFRAME,
    EMK_AUDIO_FMT_COUNT
};

/** Frame rates, numbered as VIRTIO_SND_PCM_RATE_*. */
enum emk_audio_rate {
    EMK_AUDIO_RATE_5512 = 0,
    EMK_AUDIO_RATE_8000,
    EMK_AUDIO_RATE_11025,
    EMK_AUDIO_RATE_16000,
    EMK_AUDIO_RATE_22050,
    EMK_AUDIO_RATE_32000,
    EMK_AUDIO_RATE_44100,
    EMK_AUDIO_RATE_48000,
    EMK_AUDIO_RATE_64000,
    EMK_AUDIO_RATE_88200,
    EMK_AUDIO_RATE_96000,
    EMK_AUDIO_RATE_176400,
    EMK_AUDIO_RATE_192000,
    EMK_AUDIO_RATE_384000,
    EMK_AUDIO_RATE_COUNT
};

/** Directions (as VIRTIO_SND_D_*). */
enum emk_audio_dir {
    EMK_AUDIO_OUT = 0,
    EMK_AUDIO_IN = 1
};

enum emk_audio_limits {
    EMK_AUDIO_MAX_CHANNELS = 8,     /**< channels a conversion handles */
    EMK_AUDIO_MAX_SAMPLE = 8,       /**< largest sample container, bytes */
    EMK_AUDIO_WAV_HEADER = 44,      /**< bytes of the header we write */
    EMK_AUDIO_PATH_MAX = 512
};

/** A stream's parameters. */
typedef struct emk_audio_params {
    uint8_t format;      /**< emk_audio_format */
    uint8_t channels;    /**< 1..EMK_AUDIO_MAX_CHANNELS */
    uint32_t rate_hz;
} emk_audio_params;

/** Bytes of one sample's container (S24 and S20 take 4, S24_3 takes 3),
 *  0 for IMA ADPCM (not sample-based) or an unknown format. */
EMK_API unsigned emk_audio_format_bytes(unsigned format);

/** 1 if format converts to and from the others (see the top). */
EMK_API int emk_audio_format_convertible(unsigned format);

/** Static name of a format ("S16", ...), "?" if unknown. */
EMK_API const char *emk_audio_format_name(unsigned format);

/** Hz of a rate index, 0 if out of range. */
EMK_API uint32_t emk_audio_rate_hz(unsigned rate);

/** Index of a rate in Hz, or -EINVAL if the spec does not list it. */
EMK_API int emk_audio_rate_index(uint32_t hz);

/** Bytes per frame of p (0 if the format has no sample size). */
EMK_API size_t emk_audio_frame_bytes(const emk_audio_params *p);

/** Converts frames frames from src (format and channels of sp) into dst
 *  (of dp).  Rates are not looked at.  Channels: equal counts copy; one
 *  source channel is copied to every destination channel; one
 *  destination channel gets the average; otherwise channel c takes
 *  source channel c, or silence past the source's last.  Returns 0 or
 *  -EINVAL (a format that does not convert, 0 or too many channels). */
EMK_API int emk_audio_convert(const emk_audio_params *dp, void *dst,
                              const emk_audio_params *sp, const void *src,
                              size_t frames);

/** Fills bytes of buf with the silence of format (0x80 for U8, the
 *  midpoint for unsigned formats, 0x7f/0xff for A-law/mu-law, else 0). */
EMK_API void emk_audio_silence(unsigned format, void *buf, size_t bytes);

/** G.711 mu-law / A-law of a 16-bit linear sample, and back. */
EMK_API uint8_t emk_audio_mulaw_encode(int16_t v);
EMK_API int16_t emk_audio_mulaw_decode(uint8_t u);
EMK_API uint8_t emk_audio_alaw_encode(int16_t v);
EMK_API int16_t emk_audio_alaw_decode(uint8_t a);

/* ---- WAV ------------------------------------------------------------ */

/** Writes the 44-byte RIFF/WAVE header of data_bytes of p-format frames
 *  into hdr.  Returns 0 or -EINVAL (a format WAV cannot hold: only U8,
 *  S16, S24_3, S32, FLOAT and FLOAT64 can). */
EMK_API int emk_audio_wav_header(uint8_t hdr[EMK_AUDIO_WAV_HEADER],
                                 const emk_audio_params *p,
                                 uint32_t data_bytes);

/** Parses a WAV header from the first len bytes of a file: fills *p and
 *  the offset and length of the data chunk (the length clipped to what
 *  len says the file holds if len covers it).  Knows PCM 8/16/24/32,
 *  IEEE float 32/64 and their WAVE_FORMAT_EXTENSIBLE forms.  Returns 0,
 *  -EINVAL (not a WAV, or no data chunk within len) or -ENOTSUP (another
 *  encoding, or more than EMK_AUDIO_MAX_CHANNELS channels). */
EMK_API int emk_audio_wav_parse(const uint8_t *buf, size_t len,
                                emk_audio_params *p, uint64_t *data_off,
                                uint64_t *data_len);

/** The WAV format a stream's frames are stored in: U8, S16, S24_3, S32,
 *  FLOAT and FLOAT64 as they are; S8 as U8; mu-law and A-law as S16;
 *  every other convertible format as S32.  -1 if not convertible. */
EMK_API int emk_audio_wav_format_for(unsigned format);

/* ---- backends ------------------------------------------------------- */

struct emk_audio_backend;

/** Most output frames one input frame can give (384000 / 5512 + 2). */
enum emk_audio_resample_limits {
    EMK_AUDIO_RESAMPLE_MAX_OUT = 72
};

/** A streaming rate converter of one voice: linear interpolation between
 *  input frames, with the phase kept as an integer (output frame k sits
 *  at k / out_hz exactly, so nothing drifts however long it runs).
 *  Samples are 32-bit signed, channels interleaved.  Caller storage. */
typedef struct emk_audio_resampler {
    uint32_t in_hz, out_hz;
    unsigned channels;
    uint64_t acc;            /**< next output's time after prev, in 1/out_hz
                                  of an input frame */
    int32_t prev[EMK_AUDIO_MAX_CHANNELS], cur[EMK_AUDIO_MAX_CHANNELS];
    int primed;              /**< an input frame has been pushed */
} emk_audio_resampler;

/** Sets rs up to convert in_hz frames to out_hz frames of channels
 *  channels.  Returns 0, or -EINVAL (a rate 0 or above 384000, a ratio
 *  beyond EMK_AUDIO_RESAMPLE_MAX_OUT, 0 or too many channels). */
EMK_API int emk_audio_resampler_init(emk_audio_resampler *rs, uint32_t in_hz,
                                     uint32_t out_hz, unsigned channels);

/** Pushes one input frame (channels samples) and writes the output frames
 *  that now fall before it into out (room for EMK_AUDIO_RESAMPLE_MAX_OUT
 *  frames).  Returns how many it wrote. */
EMK_API unsigned emk_audio_resample_push(emk_audio_resampler *rs,
                                         const int32_t *in, int32_t *out);

/** One stream's connection to a backend.  Caller storage; the backend
 *  fills it in open. */
typedef struct emk_audio_voice {
    struct emk_audio_backend *be;
    unsigned dir;                /**< emk_audio_dir */
    emk_audio_params native;     /**< what write/read carry */
    int open;                    /**< 1 between open and close */
    /* backend-private */
    double phase;                /**< sine: position in cycles */
    FILE *in;                    /**< wav capture: the file */
    uint64_t in_off, in_len, in_pos;
    /* wav: rate conversion when the file's rate is not the stream's */
    int resample;                /**< 1: rs converts */
    emk_audio_resampler rs;
    int32_t rs_out[EMK_AUDIO_RESAMPLE_MAX_OUT * EMK_AUDIO_MAX_CHANNELS];
    unsigned rs_have, rs_next;   /**< capture: frames in rs_out, next one */
    void *opaque;                /**< a caller's own backend's, per voice */
    uint64_t stat_bytes;         /**< bytes written or read */
} emk_audio_voice;

/** A backend: a table of callbacks.  Each runs in the driving thread. */
typedef struct emk_audio_backend_ops {
    const char *name;
    /** Opens voice v for dir with the stream's parameters p.  It sets
     *  v->native to what it will write or read (the rate stays p's: a
     *  backend bound to another rate converts; the caller converts format
     *  and channels).  0 or a negative errno
     *  (-ENOTSUP: it cannot serve p, -EBUSY: its output is taken). */
    int (*open)(struct emk_audio_backend *be, emk_audio_voice *v,
                unsigned dir, const emk_audio_params *p);
    /** Closes an open voice. */
    void (*close)(struct emk_audio_backend *be, emk_audio_voice *v);
    /** Takes bytes of native-format output frames.  0 or a negative
     *  errno. */
    int (*write)(struct emk_audio_backend *be, emk_audio_voice *v,
                 const void *buf, size_t bytes);
    /** Fills bytes of native-format capture frames.  0 or a negative
     *  errno. */
    int (*read)(struct emk_audio_backend *be, emk_audio_voice *v,
                void *buf, size_t bytes);
    /** Releases the backend (every voice closed). */
    void (*cleanup)(struct emk_audio_backend *be);
} emk_audio_backend_ops;

/** A backend.  Caller storage; ops and opaque may be set by a caller
 *  with a backend of its own, the rest belongs to the built-in ones. */
typedef struct emk_audio_backend {
    const emk_audio_backend_ops *ops;
    void *opaque;                /**< a caller's own backend's state */
    char out_path[EMK_AUDIO_PATH_MAX];   /**< wav */
    char in_path[EMK_AUDIO_PATH_MAX];    /**< wav */
    FILE *out;                   /**< wav: the output file once created */
    emk_audio_params out_params; /**< wav: the output file's format */
    uint64_t out_bytes;          /**< wav: data bytes written */
    int out_busy;                /**< wav: an output voice is open */
    double freq;                 /**< sine */
    int error;                   /**< sticky: first write error */
} emk_audio_backend;

/** Sets be up from spec ("null", "wav:OUT[:IN]", "sine:FREQ"; NULL means
 *  null).  The wav output file is created at the first output voice.
 *  Returns 0 or -EINVAL (unknown or malformed spec). */
EMK_API int emk_audio_backend_init(emk_audio_backend *be, const char *spec);

/** Releases be (closes the wav output file after a final header update).
 *  Every voice must be closed first. */
EMK_API void emk_audio_backend_cleanup(emk_audio_backend *be);

/** Opens v on be for dir and the stream's parameters p (see
 *  emk_audio_backend_ops.open).  0 or a negative errno. */
EMK_API int emk_audio_voice_open(emk_audio_backend *be, emk_audio_voice *v,
                                 unsigned dir, const emk_audio_params *p);

/** Closes v if open. */
EMK_API void emk_audio_voice_close(emk_audio_voice *v);

/** Writes bytes of native-format frames to an output voice. */
EMK_API int emk_audio_voice_write(emk_audio_voice *v, const void *buf,
                                  size_t bytes);

/** Reads bytes of native-format frames from a capture voice. */
EMK_API int emk_audio_voice_read(emk_audio_voice *v, void *buf, size_t bytes);

#ifdef __cplusplus
}
#endif

#endif
