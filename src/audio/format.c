/*
 * format.c - PCM formats and rates (virtio 1.2 numbering), G.711, and
 * sample conversion through 32-bit signed samples (emkit/audio.h).
 */
#include <errno.h>
#include <string.h>

#include "emkit/audio.h"

typedef struct fmt_desc {
    const char *name;
    uint8_t bytes;       /* container */
    uint8_t bits;        /* significant bits of a linear integer format */
    uint8_t is_unsigned;
    uint8_t kind;        /* 0 linear integer, 1 float, 2 double, 3 mu, 4 A, 5 none */
} fmt_desc;

enum { K_INT = 0, K_FLOAT, K_DOUBLE, K_MU, K_A, K_NONE };

static const fmt_desc fmts[EMK_AUDIO_FMT_COUNT] = {
    [EMK_AUDIO_FMT_IMA_ADPCM] = { "IMA_ADPCM", 0, 0, 0, K_NONE },
    [EMK_AUDIO_FMT_MU_LAW] = { "MU_LAW", 1, 8, 0, K_MU },
    [EMK_AUDIO_FMT_A_LAW] = { "A_LAW", 1, 8, 0, K_A },
    [EMK_AUDIO_FMT_S8] = { "S8", 1, 8, 0, K_INT },
    [EMK_AUDIO_FMT_U8] = { "U8", 1, 8, 1, K_INT },
    [EMK_AUDIO_FMT_S16] = { "S16", 2, 16, 0, K_INT },
    [EMK_AUDIO_FMT_U16] = { "U16", 2, 16, 1, K_INT },
    [EMK_AUDIO_FMT_S18_3] = { "S18_3", 3, 18, 0, K_INT },
    [EMK_AUDIO_FMT_U18_3] = { "U18_3", 3, 18, 1, K_INT },
    [EMK_AUDIO_FMT_S20_3] = { "S20_3", 3, 20, 0, K_INT },
    [EMK_AUDIO_FMT_U20_3] = { "U20_3", 3, 20, 1, K_INT },
    [EMK_AUDIO_FMT_S24_3] = { "S24_3", 3, 24, 0, K_INT },
    [EMK_AUDIO_FMT_U24_3] = { "U24_3", 3, 24, 1, K_INT },
    [EMK_AUDIO_FMT_S20] = { "S20", 4, 20, 0, K_INT },
    [EMK_AUDIO_FMT_U20] = { "U20", 4, 20, 1, K_INT },
    [EMK_AUDIO_FMT_S24] = { "S24", 4, 24, 0, K_INT },
    [EMK_AUDIO_FMT_U24] = { "U24", 4, 24, 1, K_INT },
    [EMK_AUDIO_FMT_S32] = { "S32", 4, 32, 0, K_INT },
    [EMK_AUDIO_FMT_U32] = { "U32", 4, 32, 1, K_INT },
    [EMK_AUDIO_FMT_FLOAT] = { "FLOAT", 4, 0, 0, K_FLOAT },
    [EMK_AUDIO_FMT_FLOAT64] = { "FLOAT64", 8, 0, 0, K_DOUBLE },
    [EMK_AUDIO_FMT_DSD_U8] = { "DSD_U8", 1, 0, 0, K_NONE },
    [EMK_AUDIO_FMT_DSD_U16] = { "DSD_U16", 2, 0, 0, K_NONE },
    [EMK_AUDIO_FMT_DSD_U32] = { "DSD_U32", 4, 0, 0, K_NONE },
    [EMK_AUDIO_FMT_IEC958_SUBFRAME] = { "IEC958_SUBFRAME", 4, 0, 0, K_NONE },
};

static const uint32_t rates[EMK_AUDIO_RATE_COUNT] = {
    5512, 8000, 11025, 16000, 22050, 32000, 44100, 48000, 64000, 88200,
    96000, 176400, 192000, 384000
};

unsigned emk_audio_format_bytes(unsigned format)
{
    return format < EMK_AUDIO_FMT_COUNT ? fmts[format].bytes : 0;
}

int emk_audio_format_convertible(unsigned format)
{
    return format < EMK_AUDIO_FMT_COUNT && fmts[format].kind != K_NONE;
}

const char *emk_audio_format_name(unsigned format)
{
    return format < EMK_AUDIO_FMT_COUNT ? fmts[format].name : "?";
}

uint32_t emk_audio_rate_hz(unsigned rate)
{
    return rate < EMK_AUDIO_RATE_COUNT ? rates[rate] : 0;
}

int emk_audio_rate_index(uint32_t hz)
{
    int i;

    for (i = 0; i < EMK_AUDIO_RATE_COUNT; i++)
        if (rates[i] == hz)
            return i;
    return -EINVAL;
}

size_t emk_audio_frame_bytes(const emk_audio_params *p)
{
    return (size_t)emk_audio_format_bytes(p->format) * p->channels;
}

/* ---- G.711 ----------------------------------------------------------- */

enum { MU_BIAS = 0x84, MU_CLIP = 32635 };

uint8_t emk_audio_mulaw_encode(int16_t v)
{
    int s = v, sign = 0, exp = 7, mant;

    if (s < 0) {
        s = -s;
        sign = 0x80;
    }
    if (s > MU_CLIP)
        s = MU_CLIP;
    s += MU_BIAS;
    while (exp > 0 && !(s & (0x80 << exp)))
        exp--;
    mant = (s >> (exp + 3)) & 0x0f;
    return (uint8_t)~(sign | (exp << 4) | mant);
}

int16_t emk_audio_mulaw_decode(uint8_t u)
{
    int x = (uint8_t)~u, exp = (x >> 4) & 7, s;

    s = ((((x & 0x0f) << 3) + MU_BIAS) << exp) - MU_BIAS;
    return (int16_t)((x & 0x80) ? -s : s);
}

uint8_t emk_audio_alaw_encode(int16_t v)
{
    int s = v >> 3, mask, seg, a;

    if (s >= 0) {
        mask = 0xd5;
    } else {
        mask = 0x55;
        s = -s - 1;
    }
    /* segment: the smallest seg with s <= (0x20 << seg) - 1 */
    for (seg = 0; seg < 8 && s > (0x20 << seg) - 1; seg++)
        ;
    if (seg >= 8)
        return (uint8_t)(0x7f ^ mask);
    a = seg << 4;
    a |= seg < 2 ? (s >> 1) & 0x0f : (s >> seg) & 0x0f;
    return (uint8_t)(a ^ mask);
}

int16_t emk_audio_alaw_decode(uint8_t a)
{
    int x = a ^ 0x55, t = (x & 0x0f) << 4, seg = (x & 0x70) >> 4;

    if (seg == 0) {
        t += 8;
    } else {
        t += 0x108;
        if (seg > 1)
            t <<= seg - 1;
    }
    return (int16_t)((x & 0x80) ? t : -t);
}

/* ---- one sample to and from int32 ------------------------------------ */

static uint32_t ld_le(const uint8_t *p, unsigned n)
{
    uint32_t v = 0;
    unsigned i;

    for (i = 0; i < n; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

static void st_le(uint8_t *p, unsigned n, uint32_t v)
{
    unsigned i;

    for (i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static int32_t from_u32(uint32_t u)
{
    /* two's complement without implementation-defined conversion */
    return u < 0x80000000u ? (int32_t)u : -(int32_t)(~u) - 1;
}

static int32_t decode(const fmt_desc *f, const uint8_t *p)
{
    uint32_t u;

    switch (f->kind) {
    case K_MU:
        return (int32_t)emk_audio_mulaw_decode(p[0]) * 65536;
    case K_A:
        return (int32_t)emk_audio_alaw_decode(p[0]) * 65536;
    case K_FLOAT: {
        float x;
        double d;

        u = ld_le(p, 4);
        memcpy(&x, &u, 4);
        d = (double)x * 2147483648.0;
        if (!(d > -2147483648.0))       /* also NaN */
            return d != d ? 0 : INT32_MIN;
        return d >= 2147483647.0 ? INT32_MAX : (int32_t)d;
    }
    case K_DOUBLE: {
        uint64_t w = (uint64_t)ld_le(p, 4) | (uint64_t)ld_le(p + 4, 4) << 32;
        double x, d;

        memcpy(&x, &w, 8);
        d = x * 2147483648.0;
        if (!(d > -2147483648.0))
            return d != d ? 0 : INT32_MIN;
        return d >= 2147483647.0 ? INT32_MAX : (int32_t)d;
    }
    default:
        break;
    }
    u = ld_le(p, f->bytes);
    if (f->bits < 32)
        u &= ((uint32_t)1 << f->bits) - 1;
    if (f->is_unsigned)
        u ^= (uint32_t)1 << (f->bits - 1);
    /* sign bit to bit 31 */
    u <<= 32 - f->bits;
    return from_u32(u);
}

/* v >> 16, rounding down */
static int16_t top16(int32_t v)
{
    return (int16_t)(v / 65536 - (v < 0 && v % 65536 ? 1 : 0));
}

static void encode(const fmt_desc *f, uint8_t *p, int32_t v)
{
    uint32_t u;

    switch (f->kind) {
    case K_MU:
        p[0] = emk_audio_mulaw_encode(top16(v));
        return;
    case K_A:
        p[0] = emk_audio_alaw_encode(top16(v));
        return;
    case K_FLOAT: {
        float x = (float)((double)v / 2147483648.0);

        memcpy(&u, &x, 4);
        st_le(p, 4, u);
        return;
    }
    case K_DOUBLE: {
        double x = (double)v / 2147483648.0;
        uint64_t w;

        memcpy(&w, &x, 8);
        st_le(p, 4, (uint32_t)w);
        st_le(p + 4, 4, (uint32_t)(w >> 32));
        return;
    }
    default:
        break;
    }
    /* the top `bits` bits of v, sign-extended by hand */
    u = (uint32_t)v >> (32 - f->bits);
    if (f->bits < 32 && v < 0)
        u |= ~(uint32_t)0 << f->bits;
    if (f->is_unsigned) {
        u ^= (uint32_t)1 << (f->bits - 1);
        if (f->bits < 32)
            u &= ((uint32_t)1 << f->bits) - 1;
    }
    st_le(p, f->bytes, u);
}

int emk_audio_convert(const emk_audio_params *dp, void *dst,
                      const emk_audio_params *sp, const void *src,
                      size_t frames)
{
    const fmt_desc *df, *sf;
    const uint8_t *s = src;
    uint8_t *d = dst;
    unsigned sb, db, sc, dc, c;
    size_t i;

    if (!emk_audio_format_convertible(dp->format) ||
        !emk_audio_format_convertible(sp->format) || !dp->channels ||
        !sp->channels || dp->channels > EMK_AUDIO_MAX_CHANNELS ||
        sp->channels > EMK_AUDIO_MAX_CHANNELS)
        return -EINVAL;
    df = &fmts[dp->format];
    sf = &fmts[sp->format];
    sb = sf->bytes;
    db = df->bytes;
    sc = sp->channels;
    dc = dp->channels;
    if (sp->format == dp->format && sc == dc) {
        if (d != s)
            memmove(d, s, frames * sb * sc);
        return 0;
    }
    for (i = 0; i < frames; i++, s += sb * sc, d += db * dc) {
        int32_t in[EMK_AUDIO_MAX_CHANNELS];

        for (c = 0; c < sc; c++)
            in[c] = decode(sf, s + c * sb);
        if (dc == sc) {
            for (c = 0; c < dc; c++)
                encode(df, d + c * db, in[c]);
        } else if (sc == 1) {
            for (c = 0; c < dc; c++)
                encode(df, d + c * db, in[0]);
        } else if (dc == 1) {
            int64_t sum = 0;

            for (c = 0; c < sc; c++)
                sum += in[c];
            encode(df, d, (int32_t)(sum / (int64_t)sc));
        } else {
            for (c = 0; c < dc; c++)
                encode(df, d + c * db, c < sc ? in[c] : 0);
        }
    }
    return 0;
}

void emk_audio_silence(unsigned format, void *buf, size_t bytes)
{
    uint8_t *p = buf;
    const fmt_desc *f;
    uint8_t pat[EMK_AUDIO_MAX_SAMPLE];
    size_t i;

    if (format >= EMK_AUDIO_FMT_COUNT || fmts[format].bytes == 0) {
        memset(buf, 0, bytes);
        return;
    }
    f = &fmts[format];
    if (f->kind == K_MU) {
        memset(buf, 0xff, bytes);
        return;
    }
    if (f->kind == K_A) {
        memset(buf, 0xd5, bytes);
        return;
    }
    if (f->kind != K_INT || !f->is_unsigned) {
        memset(buf, 0, bytes);
        return;
    }
    encode(f, pat, 0);
    for (i = 0; i < bytes; i++)
        p[i] = pat[i % f->bytes];
}
