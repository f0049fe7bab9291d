/*
 * backend.c - host audio backends (emkit/audio.h): the spec parser, the
 * voice entry points, and the null and sine backends.  The wav backend
 * is wav.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/audio.h"
#include "audio_int.h"

/* ---- null ----------------------------------------------------------- */

static int null_open(emk_audio_backend *be, emk_audio_voice *v, unsigned dir,
                     const emk_audio_params *p)
{
    (void)be;
    (void)dir;
    v->native = *p;
    return 0;
}

static void null_close(emk_audio_backend *be, emk_audio_voice *v)
{
    (void)be;
    (void)v;
}

static int null_write(emk_audio_backend *be, emk_audio_voice *v,
                      const void *buf, size_t bytes)
{
    (void)be;
    (void)v;
    (void)buf;
    (void)bytes;
    return 0;
}

static int null_read(emk_audio_backend *be, emk_audio_voice *v, void *buf,
                     size_t bytes)
{
    (void)be;
    emk_audio_silence(v->native.format, buf, bytes);
    return 0;
}

static void null_cleanup(emk_audio_backend *be)
{
    (void)be;
}

static const emk_audio_backend_ops null_ops = {
    "null", null_open, null_close, null_write, null_read, null_cleanup
};

/* ---- sine ------------------------------------------------------------ */

/* sin(2*pi*x) for a phase x in cycles, without libm: reduce to
 * [-1/4, 1/4] cycle and sum the odd Taylor terms to x^13 (error < 1e-9). */
double emk_audio_sin_cycles(double x)
{
    const double pi = 3.14159265358979323846;
    double r, t, sum, r2;
    int k;

    x -= (double)(long long)x;          /* (-1, 1) */
    if (x < 0)
        x += 1.0;                       /* [0, 1) */
    if (x > 0.75)
        x -= 1.0;                       /* (-0.25, 0.75] */
    if (x > 0.25)
        x = 0.5 - x;                    /* sin(pi - a) = sin(a) */
    r = 2.0 * pi * x;
    r2 = r * r;
    t = r;
    sum = r;
    for (k = 1; k <= 6; k++) {
        t *= -r2 / (double)((2 * k) * (2 * k + 1));
        sum += t;
    }
    return sum;
}

static int sine_open(emk_audio_backend *be, emk_audio_voice *v, unsigned dir,
                     const emk_audio_params *p)
{
    (void)be;
    v->native = *p;
    if (dir == EMK_AUDIO_IN)
        v->native.format = EMK_AUDIO_FMT_S16;
    v->phase = 0;
    return 0;
}

static int sine_read(emk_audio_backend *be, emk_audio_voice *v, void *buf,
                     size_t bytes)
{
    uint8_t *p = buf;
    size_t fb = emk_audio_frame_bytes(&v->native), n = fb ? bytes / fb : 0, i;
    double step = be->freq / (double)v->native.rate_hz;
    unsigned c;

    for (i = 0; i < n; i++) {
        double s = emk_audio_sin_cycles(v->phase) * 16384.0;
        int16_t x = (int16_t)(s < 0 ? s - 0.5 : s + 0.5);

        for (c = 0; c < v->native.channels; c++) {
            *p++ = (uint8_t)((uint16_t)x & 0xff);
            *p++ = (uint8_t)((uint16_t)x >> 8);
        }
        v->phase += step;
        if (v->phase >= 1.0)
            v->phase -= 1.0;
    }
    memset(p, 0, bytes - n * fb);
    return 0;
}

static const emk_audio_backend_ops sine_ops = {
    "sine", sine_open, null_close, null_write, sine_read, null_cleanup
};

/* ---- entry points ----------------------------------------------------- */

int emk_audio_backend_init(emk_audio_backend *be, const char *spec)
{
    memset(be, 0, sizeof(*be));
    if (!spec || !strcmp(spec, "null")) {
        be->ops = &null_ops;
        return 0;
    }
    if (!strncmp(spec, "sine:", 5)) {
        char *end;
        double f = strtod(spec + 5, &end);

        if (end == spec + 5 || *end || !(f > 0) || f > 1e6)
            return -EINVAL;
        be->freq = f;
        be->ops = &sine_ops;
        return 0;
    }
    if (!strncmp(spec, "wav:", 4))
        return emk_audio_wav_init(be, spec + 4);
    return -EINVAL;
}

void emk_audio_backend_cleanup(emk_audio_backend *be)
{
    if (be->ops && be->ops->cleanup)
        be->ops->cleanup(be);
    be->ops = NULL;
}

int emk_audio_voice_open(emk_audio_backend *be, emk_audio_voice *v,
                         unsigned dir, const emk_audio_params *p)
{
    int e;

    memset(v, 0, sizeof(*v));
    if (!be->ops || dir > EMK_AUDIO_IN || !p->channels ||
        p->channels > EMK_AUDIO_MAX_CHANNELS || !p->rate_hz ||
        !emk_audio_format_convertible(p->format))
        return -EINVAL;
    v->be = be;
    v->dir = dir;
    e = be->ops->open(be, v, dir, p);
    if (e < 0)
        return e;
    if (!emk_audio_format_convertible(v->native.format) ||
        !v->native.channels || v->native.channels > EMK_AUDIO_MAX_CHANNELS) {
        be->ops->close(be, v);
        return -ENOTSUP;
    }
    v->native.rate_hz = p->rate_hz;
    v->open = 1;
    return 0;
}

void emk_audio_voice_close(emk_audio_voice *v)
{
    if (!v->open)
        return;
    v->be->ops->close(v->be, v);
    v->open = 0;
}

int emk_audio_voice_write(emk_audio_voice *v, const void *buf, size_t bytes)
{
    if (!v->open || v->dir != EMK_AUDIO_OUT)
        return -EBADF;
    v->stat_bytes += bytes;
    return v->be->ops->write(v->be, v, buf, bytes);
}

int emk_audio_voice_read(emk_audio_voice *v, void *buf, size_t bytes)
{
    if (!v->open || v->dir != EMK_AUDIO_IN)
        return -EBADF;
    v->stat_bytes += bytes;
    return v->be->ops->read(v->be, v, buf, bytes);
}
