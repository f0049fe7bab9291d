/*
 * resample.c - the streaming rate converter (emkit/audio.h): linear
 * interpolation with an integer phase.  Output frame k lies at time
 * k / out_hz and input frame n at n / in_hz; measured in 1/(in_hz *
 * out_hz) seconds those are k * in_hz and n * out_hz, so the position of
 * an output between two inputs is an exact fraction acc / out_hz.
 */
#include <errno.h>
#include <string.h>

#include "emkit/audio.h"

int emk_audio_resampler_init(emk_audio_resampler *rs, uint32_t in_hz,
                             uint32_t out_hz, unsigned channels)
{
    if (!in_hz || !out_hz || in_hz > 384000 || out_hz > 384000 ||
        out_hz / in_hz + 2 > EMK_AUDIO_RESAMPLE_MAX_OUT ||
        !channels || channels > EMK_AUDIO_MAX_CHANNELS)
        return -EINVAL;
    memset(rs, 0, sizeof(*rs));
    rs->in_hz = in_hz;
    rs->out_hz = out_hz;
    rs->channels = channels;
    return 0;
}

unsigned emk_audio_resample_push(emk_audio_resampler *rs, const int32_t *in,
                                 int32_t *out)
{
    unsigned n = 0, c;

    if (!rs->primed) {
        /* output 0 coincides with input 0: it is emitted (as prev, at
         * fraction 0) once input 1 arrives */
        memcpy(rs->cur, in, rs->channels * sizeof(*in));
        rs->primed = 1;
        return 0;
    }
    memcpy(rs->prev, rs->cur, rs->channels * sizeof(*in));
    memcpy(rs->cur, in, rs->channels * sizeof(*in));
    while (rs->acc < rs->out_hz && n < EMK_AUDIO_RESAMPLE_MAX_OUT) {
        for (c = 0; c < rs->channels; c++) {
            int64_t a = rs->prev[c], d = (int64_t)rs->cur[c] - a;

            out[n * rs->channels + c] =
                (int32_t)(a + d * (int64_t)rs->acc / (int64_t)rs->out_hz);
        }
        n++;
        rs->acc += rs->in_hz;
    }
    rs->acc -= rs->out_hz;
    return n;
}
