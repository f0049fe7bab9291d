/*
 * wav.c - RIFF/WAVE headers and the wav backend (emkit/audio.h): output
 * frames appended to one file whose header is rewritten on every voice
 * close; capture read from a file, looping over its data chunk.
 */
#include <errno.h>
#include <string.h>

#include "emkit/audio.h"
#include "audio_int.h"

enum { TAG_PCM = 1, TAG_FLOAT = 3, TAG_EXTENSIBLE = 0xfffe };

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

static uint32_t get16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) | get16(p + 2) << 16;
}

int emk_audio_wav_format_for(unsigned format)
{
    switch (format) {
    case EMK_AUDIO_FMT_U8:
    case EMK_AUDIO_FMT_S16:
    case EMK_AUDIO_FMT_S24_3:
    case EMK_AUDIO_FMT_S32:
    case EMK_AUDIO_FMT_FLOAT:
    case EMK_AUDIO_FMT_FLOAT64:
        return (int)format;
    case EMK_AUDIO_FMT_S8:
        return EMK_AUDIO_FMT_U8;
    case EMK_AUDIO_FMT_MU_LAW:
    case EMK_AUDIO_FMT_A_LAW:
        return EMK_AUDIO_FMT_S16;
    default:
        return emk_audio_format_convertible(format) ? EMK_AUDIO_FMT_S32 : -1;
    }
}

int emk_audio_wav_header(uint8_t hdr[EMK_AUDIO_WAV_HEADER],
                         const emk_audio_params *p, uint32_t data_bytes)
{
    unsigned tag, bytes = emk_audio_format_bytes(p->format);
    uint32_t riff;

    if (emk_audio_wav_format_for(p->format) != (int)p->format || !p->channels)
        return -EINVAL;
    tag = (p->format == EMK_AUDIO_FMT_FLOAT || p->format == EMK_AUDIO_FMT_FLOAT64)
              ? TAG_FLOAT : TAG_PCM;
    riff = data_bytes > 0xffffffffu - 36 ? 0xffffffffu : data_bytes + 36;
    memcpy(hdr, "RIFF", 4);
    put32(hdr + 4, riff);
    memcpy(hdr + 8, "WAVEfmt ", 8);
    put32(hdr + 16, 16);
    put16(hdr + 20, tag);
    put16(hdr + 22, p->channels);
    put32(hdr + 24, p->rate_hz);
    put32(hdr + 28, p->rate_hz * bytes * p->channels);
    put16(hdr + 32, bytes * p->channels);
    put16(hdr + 34, bytes * 8);
    memcpy(hdr + 36, "data", 4);
    put32(hdr + 40, data_bytes);
    return 0;
}

int emk_audio_wav_parse(const uint8_t *buf, size_t len, emk_audio_params *p,
                        uint64_t *data_off, uint64_t *data_len)
{
    size_t off = 12;
    int have_fmt = 0;

    if (len < 12 || memcmp(buf, "RIFF", 4) || memcmp(buf + 8, "WAVE", 4))
        return -EINVAL;
    while (off + 8 <= len) {
        const uint8_t *c = buf + off;
        uint32_t clen = get32(c + 4);

        if (!memcmp(c, "fmt ", 4)) {
            unsigned tag, ch, bits;

            if (clen < 16 || off + 8 + 16 > len)
                return -EINVAL;
            tag = get16(c + 8);
            ch = get16(c + 10);
            bits = get16(c + 22);
            if (tag == TAG_EXTENSIBLE) {
                if (clen < 40 || off + 8 + 40 > len)
                    return -EINVAL;
                tag = get16(c + 8 + 24);    /* the subformat GUID's first word */
            }
            if (!ch || ch > EMK_AUDIO_MAX_CHANNELS)
                return -ENOTSUP;
            if (tag == TAG_PCM && bits == 8)
                p->format = EMK_AUDIO_FMT_U8;
            else if (tag == TAG_PCM && bits == 16)
                p->format = EMK_AUDIO_FMT_S16;
            else if (tag == TAG_PCM && bits == 24)
                p->format = EMK_AUDIO_FMT_S24_3;
            else if (tag == TAG_PCM && bits == 32)
                p->format = EMK_AUDIO_FMT_S32;
            else if (tag == TAG_FLOAT && bits == 32)
                p->format = EMK_AUDIO_FMT_FLOAT;
            else if (tag == TAG_FLOAT && bits == 64)
                p->format = EMK_AUDIO_FMT_FLOAT64;
            else
                return -ENOTSUP;
            p->channels = (uint8_t)ch;
            p->rate_hz = get32(c + 12);
            have_fmt = 1;
        } else if (!memcmp(c, "data", 4)) {
            if (!have_fmt)
                return -EINVAL;
            *data_off = off + 8;
            *data_len = clen;
            return 0;
        }
        off += 8 + (size_t)clen + (clen & 1);
        if (off < 8 + (size_t)clen)     /* wrapped */
            return -EINVAL;
    }
    return -EINVAL;
}

/* ---- the backend ------------------------------------------------------ */

static void update_header(emk_audio_backend *be)
{
    uint8_t hdr[EMK_AUDIO_WAV_HEADER];
    long end;

    if (!be->out)
        return;
    if (emk_audio_wav_header(hdr, &be->out_params,
                             be->out_bytes > 0xffffffffu ? 0xffffffffu
                                                         : (uint32_t)be->out_bytes) < 0)
        return;
    end = ftell(be->out);
    if (fseek(be->out, 0, SEEK_SET) != 0 ||
        fwrite(hdr, sizeof(hdr), 1, be->out) != 1)
        be->error = be->error ? be->error : -EIO;
    if (end >= 0)
        (void)fseek(be->out, end, SEEK_SET);
    (void)fflush(be->out);
}

static int open_out(emk_audio_backend *be, emk_audio_voice *v,
                    const emk_audio_params *p)
{
    uint8_t hdr[EMK_AUDIO_WAV_HEADER];

    if (be->out_busy)
        return -EBUSY;
    if (!be->out) {
        int f = emk_audio_wav_format_for(p->format);

        if (f < 0)
            return -ENOTSUP;
        be->out_params = *p;
        be->out_params.format = (uint8_t)f;
        be->out = fopen(be->out_path, "wb");
        if (!be->out)
            return -errno;
        be->out_bytes = 0;
        if (emk_audio_wav_header(hdr, &be->out_params, 0) < 0 ||
            fwrite(hdr, sizeof(hdr), 1, be->out) != 1)
            return -EIO;
    }
    v->native = be->out_params;
    v->resample = 0;
    if (be->out_params.rate_hz != p->rate_hz) {
        /* the file holds another rate: convert the stream's to it */
        if (emk_audio_resampler_init(&v->rs, p->rate_hz, be->out_params.rate_hz,
                                     be->out_params.channels) < 0)
            return -ENOTSUP;
        v->resample = 1;
    }
    be->out_busy = 1;
    return 0;
}

static int open_in(emk_audio_backend *be, emk_audio_voice *v,
                   const emk_audio_params *p)
{
    uint8_t head[4096];
    size_t n;
    int e;

    v->in = fopen(be->in_path[0] ? be->in_path : be->out_path, "rb");
    if (!v->in)
        return -errno;
    n = fread(head, 1, sizeof(head), v->in);
    e = emk_audio_wav_parse(head, n, &v->native, &v->in_off, &v->in_len);
    v->resample = 0;
    v->rs_have = v->rs_next = 0;
    if (e == 0 && v->native.rate_hz != p->rate_hz) {
        /* the file's rate is not the stream's: convert it */
        if (emk_audio_resampler_init(&v->rs, v->native.rate_hz, p->rate_hz,
                                     v->native.channels) < 0)
            e = -ENOTSUP;
        else
            v->resample = 1;
    }
    if (e == 0) {
        size_t fb = emk_audio_frame_bytes(&v->native);

        v->in_len -= v->in_len % fb;
        v->in_pos = 0;
        if (fseek(v->in, (long)v->in_off, SEEK_SET) != 0)
            e = -EIO;
    }
    if (e < 0) {
        fclose(v->in);
        v->in = NULL;
    }
    return e;
}

static int wav_open(emk_audio_backend *be, emk_audio_voice *v, unsigned dir,
                    const emk_audio_params *p)
{
    return dir == EMK_AUDIO_OUT ? open_out(be, v, p) : open_in(be, v, p);
}

static void wav_close(emk_audio_backend *be, emk_audio_voice *v)
{
    if (v->dir == EMK_AUDIO_OUT) {
        be->out_busy = 0;
        update_header(be);
    } else if (v->in) {
        fclose(v->in);
        v->in = NULL;
    }
}

static int append(emk_audio_backend *be, const void *buf, size_t bytes)
{
    if (bytes && fwrite(buf, bytes, 1, be->out) != 1) {
        if (!be->error)
            be->error = -EIO;
        return -EIO;
    }
    be->out_bytes += bytes;
    return 0;
}

/* The 32-bit view of v's native frames (the resampler's). */
static emk_audio_params s32_of(const emk_audio_voice *v)
{
    emk_audio_params q = v->native;

    q.format = EMK_AUDIO_FMT_S32;
    return q;
}

/* Output through the resampler: frame by frame to S32, converted, and
 * back to the file's format. */
static int write_resampled(emk_audio_backend *be, emk_audio_voice *v,
                           const uint8_t *p, size_t bytes)
{
    emk_audio_params q = s32_of(v);
    size_t fb = emk_audio_frame_bytes(&v->native), i;
    uint8_t conv[EMK_AUDIO_RESAMPLE_MAX_OUT * EMK_AUDIO_MAX_CHANNELS *
                 EMK_AUDIO_MAX_SAMPLE];
    int32_t in[EMK_AUDIO_MAX_CHANNELS];
    int e = 0;

    for (i = 0; fb && e == 0 && i + fb <= bytes; i += fb) {
        unsigned n;

        (void)emk_audio_convert(&q, in, &v->native, p + i, 1);
        n = emk_audio_resample_push(&v->rs, in, v->rs_out);
        if (n) {
            (void)emk_audio_convert(&v->native, conv, &q, v->rs_out, n);
            e = append(be, conv, n * fb);
        }
    }
    return e;
}

static int wav_write(emk_audio_backend *be, emk_audio_voice *v,
                     const void *buf, size_t bytes)
{
    if (!be->out)
        return -EBADF;
    if (v->resample)
        return write_resampled(be, v, buf, bytes);
    return append(be, buf, bytes);
}

static int read_frames(emk_audio_voice *v, void *buf, size_t bytes);

/* Capture through the resampler: file frames pushed one at a time, the
 * stream's frames taken from what they give. */
static int read_resampled(emk_audio_voice *v, uint8_t *p, size_t bytes)
{
    emk_audio_params q = s32_of(v);
    size_t fb = emk_audio_frame_bytes(&v->native);
    uint8_t raw[EMK_AUDIO_MAX_CHANNELS * EMK_AUDIO_MAX_SAMPLE];
    int32_t in[EMK_AUDIO_MAX_CHANNELS];
    int e;

    while (fb && bytes >= fb) {
        if (v->rs_next == v->rs_have) {
            if ((e = read_frames(v, raw, fb)) < 0)
                return e;
            (void)emk_audio_convert(&q, in, &v->native, raw, 1);
            v->rs_have = emk_audio_resample_push(&v->rs, in, v->rs_out);
            v->rs_next = 0;
            continue;
        }
        (void)emk_audio_convert(&v->native, p, &q,
                                v->rs_out + v->rs_next * v->native.channels, 1);
        v->rs_next++;
        p += fb;
        bytes -= fb;
    }
    if (bytes)
        emk_audio_silence(v->native.format, p, bytes);
    return 0;
}

static int wav_read(emk_audio_backend *be, emk_audio_voice *v, void *buf,
                    size_t bytes)
{
    (void)be;
    if (v->resample)
        return read_resampled(v, buf, bytes);
    return read_frames(v, buf, bytes);
}

/* Native frames straight from the file, looping at its end. */
static int read_frames(emk_audio_voice *v, void *buf, size_t bytes)
{
    uint8_t *p = buf;

    if (!v->in_len) {
        emk_audio_silence(v->native.format, buf, bytes);
        return 0;
    }
    while (bytes) {
        uint64_t left = v->in_len - v->in_pos;
        size_t n = bytes < left ? bytes : (size_t)left, got;

        got = fread(p, 1, n, v->in);
        if (got < n) {                  /* file shorter than its header says */
            v->in_len = v->in_pos + got;
            if (!v->in_len) {
                emk_audio_silence(v->native.format, p, bytes);
                return 0;
            }
        }
        v->in_pos += got;
        p += got;
        bytes -= got;
        if (v->in_pos >= v->in_len) {
            v->in_pos = 0;
            if (fseek(v->in, (long)v->in_off, SEEK_SET) != 0)
                return -EIO;
        }
    }
    return 0;
}

static void wav_cleanup(emk_audio_backend *be)
{
    if (be->out) {
        update_header(be);
        fclose(be->out);
        be->out = NULL;
    }
}

static const emk_audio_backend_ops wav_ops = {
    "wav", wav_open, wav_close, wav_write, wav_read, wav_cleanup
};

int emk_audio_wav_init(emk_audio_backend *be, const char *paths)
{
    const char *colon = strchr(paths, ':');
    size_t n = colon ? (size_t)(colon - paths) : strlen(paths);

    if (!n || n >= sizeof(be->out_path) ||
        (colon && (!colon[1] || strlen(colon + 1) >= sizeof(be->in_path))))
        return -EINVAL;
    memcpy(be->out_path, paths, n);
    be->out_path[n] = 0;
    if (colon)
        strcpy(be->in_path, colon + 1);
    be->ops = &wav_ops;
    return 0;
}
