/* test_audio.c - src/audio/ known answers: format and rate tables, G.711
 * code points, sample conversions between formats and channel counts,
 * the WAV header bytes, the wav backend's file (header updated on close,
 * capture looping), the sine source's frequency and the null backend's
 * silence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "emkit/audio.h"

static void test_tables(void **state)
{
    emk_audio_params p = { EMK_AUDIO_FMT_S24_3, 2, 48000 };

    (void)state;
    assert_int_equal(emk_audio_format_bytes(EMK_AUDIO_FMT_S16), 2);
    assert_int_equal(emk_audio_format_bytes(EMK_AUDIO_FMT_S24), 4);
    assert_int_equal(emk_audio_format_bytes(EMK_AUDIO_FMT_S24_3), 3);
    assert_int_equal(emk_audio_format_bytes(EMK_AUDIO_FMT_FLOAT64), 8);
    assert_int_equal(emk_audio_format_bytes(EMK_AUDIO_FMT_IMA_ADPCM), 0);
    assert_int_equal(emk_audio_format_bytes(99), 0);
    assert_true(emk_audio_format_convertible(EMK_AUDIO_FMT_MU_LAW));
    assert_false(emk_audio_format_convertible(EMK_AUDIO_FMT_DSD_U8));
    assert_false(emk_audio_format_convertible(EMK_AUDIO_FMT_IEC958_SUBFRAME));
    assert_string_equal(emk_audio_format_name(EMK_AUDIO_FMT_FLOAT), "FLOAT");
    assert_int_equal(EMK_AUDIO_FMT_IEC958_SUBFRAME, 24);
    assert_int_equal(emk_audio_rate_hz(EMK_AUDIO_RATE_5512), 5512);
    assert_int_equal(emk_audio_rate_hz(EMK_AUDIO_RATE_48000), 48000);
    assert_int_equal(emk_audio_rate_hz(EMK_AUDIO_RATE_384000), 384000);
    assert_int_equal(EMK_AUDIO_RATE_384000, 13);
    assert_int_equal(emk_audio_rate_hz(14), 0);
    assert_int_equal(emk_audio_rate_index(44100), EMK_AUDIO_RATE_44100);
    assert_int_equal(emk_audio_rate_index(44000), -EINVAL);
    assert_int_equal(emk_audio_frame_bytes(&p), 6);
}

static void test_g711(void **state)
{
    (void)state;
    assert_int_equal(emk_audio_mulaw_encode(0), 0xff);
    assert_int_equal(emk_audio_mulaw_decode(0xff), 0);
    assert_int_equal(emk_audio_mulaw_decode(0x00), -32124);
    assert_int_equal(emk_audio_mulaw_decode(0x80), 32124);
    assert_int_equal(emk_audio_mulaw_encode(32767), 0x80);
    assert_int_equal(emk_audio_mulaw_encode(-32768), 0x00);
    assert_int_equal(emk_audio_alaw_encode(0), 0xd5);
    assert_int_equal(emk_audio_alaw_decode(0xd5), 8);
    assert_int_equal(emk_audio_alaw_decode(0x55), -8);
    assert_int_equal(emk_audio_alaw_encode(32767), 0xaa);
    assert_int_equal(emk_audio_alaw_decode(0xaa), 32256);
    assert_int_equal(emk_audio_alaw_encode(-32768), 0x2a);
    /* round trips land within one step */
    {
        int v;

        for (v = -32768; v < 32768; v += 97) {
            int m = emk_audio_mulaw_decode(emk_audio_mulaw_encode((int16_t)v));
            int a = emk_audio_alaw_decode(emk_audio_alaw_encode((int16_t)v));
            int tol = abs(v) / 16 + 16;

            assert_true(abs(m - v) <= tol);
            assert_true(abs(a - v) <= tol);
        }
    }
}

static void conv1(unsigned sf, const void *src, unsigned df, void *dst)
{
    emk_audio_params s = { 0, 1, 48000 }, d = { 0, 1, 48000 };

    s.format = (uint8_t)sf;
    d.format = (uint8_t)df;
    assert_int_equal(emk_audio_convert(&d, dst, &s, src, 1), 0);
}

static void test_convert_formats(void **state)
{
    uint8_t b[8];
    int16_t s16 = -12345, back;
    float f;
    double dd;

    (void)state;
    /* S16 -1 (0xffff) -> S32 0xffff0000, -> U16 0x7fff, -> U8 0x7f */
    conv1(EMK_AUDIO_FMT_S16, "\xff\xff", EMK_AUDIO_FMT_S32, b);
    assert_memory_equal(b, "\x00\x00\xff\xff", 4);
    conv1(EMK_AUDIO_FMT_S16, "\xff\xff", EMK_AUDIO_FMT_U16, b);
    assert_memory_equal(b, "\xff\x7f", 2);
    conv1(EMK_AUDIO_FMT_S16, "\xff\xff", EMK_AUDIO_FMT_U8, b);
    assert_int_equal(b[0], 0x7f);
    /* U8 0x80 is zero; 0x00 is full negative */
    conv1(EMK_AUDIO_FMT_U8, "\x80", EMK_AUDIO_FMT_S16, b);
    assert_memory_equal(b, "\x00\x00", 2);
    conv1(EMK_AUDIO_FMT_U8, "\x00", EMK_AUDIO_FMT_S16, b);
    assert_memory_equal(b, "\x00\x80", 2);
    /* S24_3 0x123456 -> S32 0x12345600 and -> S24 (4 bytes) sign-extended */
    conv1(EMK_AUDIO_FMT_S24_3, "\x56\x34\x12", EMK_AUDIO_FMT_S32, b);
    assert_memory_equal(b, "\x00\x56\x34\x12", 4);
    conv1(EMK_AUDIO_FMT_S24_3, "\x00\x00\x80", EMK_AUDIO_FMT_S24, b);
    assert_memory_equal(b, "\x00\x00\x80\xff", 4);
    /* S20 in a 32-bit container: low 20 bits, upper ones ignored */
    conv1(EMK_AUDIO_FMT_S20, "\x01\x00\xf8\x5a", EMK_AUDIO_FMT_S32, b);
    assert_memory_equal(b, "\x00\x10\x00\x80", 4);
    /* S18_3 max -> S16 max */
    conv1(EMK_AUDIO_FMT_S18_3, "\xff\xff\x01", EMK_AUDIO_FMT_S16, b);
    assert_memory_equal(b, "\xff\x7f", 2);
    /* U32 0x80000000 is zero */
    conv1(EMK_AUDIO_FMT_U32, "\x00\x00\x00\x80", EMK_AUDIO_FMT_S16, b);
    assert_memory_equal(b, "\x00\x00", 2);
    /* S16 0x4000 -> FLOAT 0.5 -> FLOAT64 0.5 */
    conv1(EMK_AUDIO_FMT_S16, "\x00\x40", EMK_AUDIO_FMT_FLOAT, b);
    memcpy(&f, b, 4);
    assert_true(f == 0.5f);
    conv1(EMK_AUDIO_FMT_FLOAT, b, EMK_AUDIO_FMT_FLOAT64, b + 0);
    memcpy(&dd, b, 8);
    assert_true(dd == 0.5);
    /* float clipping */
    f = 3.0f;
    conv1(EMK_AUDIO_FMT_FLOAT, &f, EMK_AUDIO_FMT_S16, b);
    assert_memory_equal(b, "\xff\x7f", 2);
    f = -3.0f;
    conv1(EMK_AUDIO_FMT_FLOAT, &f, EMK_AUDIO_FMT_S16, b);
    assert_memory_equal(b, "\x00\x80", 2);
    /* S16 -> FLOAT -> S16 and S16 -> S32 -> S16 are lossless */
    conv1(EMK_AUDIO_FMT_S16, &s16, EMK_AUDIO_FMT_FLOAT, b);
    conv1(EMK_AUDIO_FMT_FLOAT, b, EMK_AUDIO_FMT_S16, &back);
    assert_int_equal(back, s16);
    conv1(EMK_AUDIO_FMT_S16, &s16, EMK_AUDIO_FMT_S32, b);
    conv1(EMK_AUDIO_FMT_S32, b, EMK_AUDIO_FMT_S16, &back);
    assert_int_equal(back, s16);
    /* mu-law */
    conv1(EMK_AUDIO_FMT_MU_LAW, "\x00", EMK_AUDIO_FMT_S16, b);
    assert_memory_equal(b, "\x84\x82", 2);   /* -32124 */
    conv1(EMK_AUDIO_FMT_S16, "\x00\x00", EMK_AUDIO_FMT_A_LAW, b);
    assert_int_equal(b[0], 0xd5);
}

static void test_convert_channels(void **state)
{
    int16_t mono[2] = { 100, -200 }, st[4], st2[4] = { 100, 300, -1, -3 };
    int16_t m[2], six[12];
    emk_audio_params p1 = { EMK_AUDIO_FMT_S16, 1, 8000 };
    emk_audio_params p2 = { EMK_AUDIO_FMT_S16, 2, 8000 };
    emk_audio_params p6 = { EMK_AUDIO_FMT_S16, 6, 8000 };
    emk_audio_params bad = { EMK_AUDIO_FMT_DSD_U8, 2, 8000 };
    emk_audio_params many = { EMK_AUDIO_FMT_S16, 9, 8000 };

    (void)state;
    assert_int_equal(emk_audio_convert(&p2, st, &p1, mono, 2), 0);
    assert_int_equal(st[0], 100);
    assert_int_equal(st[1], 100);
    assert_int_equal(st[3], -200);
    assert_int_equal(emk_audio_convert(&p1, m, &p2, st2, 2), 0);
    assert_int_equal(m[0], 200);
    assert_int_equal(m[1], -2);
    assert_int_equal(emk_audio_convert(&p6, six, &p2, st2, 2), 0);
    assert_int_equal(six[0], 100);
    assert_int_equal(six[1], 300);
    assert_int_equal(six[2], 0);
    assert_int_equal(six[7], -3);
    assert_int_equal(six[11], 0);
    assert_int_equal(emk_audio_convert(&p2, st, &bad, mono, 1), -EINVAL);
    assert_int_equal(emk_audio_convert(&p2, st, &many, mono, 1), -EINVAL);
}

static void test_silence(void **state)
{
    uint8_t b[6];

    (void)state;
    emk_audio_silence(EMK_AUDIO_FMT_U8, b, 3);
    assert_memory_equal(b, "\x80\x80\x80", 3);
    emk_audio_silence(EMK_AUDIO_FMT_U16, b, 4);
    assert_memory_equal(b, "\x00\x80\x00\x80", 4);
    emk_audio_silence(EMK_AUDIO_FMT_U24_3, b, 6);
    assert_memory_equal(b, "\x00\x00\x80\x00\x00\x80", 6);
    emk_audio_silence(EMK_AUDIO_FMT_S16, b, 4);
    assert_memory_equal(b, "\x00\x00\x00\x00", 4);
    emk_audio_silence(EMK_AUDIO_FMT_MU_LAW, b, 1);
    assert_int_equal(b[0], 0xff);
}

static const uint8_t wav_s16_stereo_48k_1000[44] = {
    'R', 'I', 'F', 'F', 0x0c, 0x04, 0, 0, 'W', 'A', 'V', 'E',
    'f', 'm', 't', ' ', 16, 0, 0, 0, 1, 0, 2, 0,
    0x80, 0xbb, 0, 0, 0x00, 0xee, 0x02, 0, 4, 0, 16, 0,
    'd', 'a', 't', 'a', 0xe8, 0x03, 0, 0
};

static void test_wav_header(void **state)
{
    emk_audio_params p = { EMK_AUDIO_FMT_S16, 2, 48000 }, q;
    uint8_t h[EMK_AUDIO_WAV_HEADER], ext[68];
    uint64_t off, len;

    (void)state;
    assert_int_equal(emk_audio_wav_header(h, &p, 1000), 0);
    assert_memory_equal(h, wav_s16_stereo_48k_1000, 44);
    assert_int_equal(emk_audio_wav_parse(h, 44, &q, &off, &len), 0);
    assert_int_equal(q.format, EMK_AUDIO_FMT_S16);
    assert_int_equal(q.channels, 2);
    assert_int_equal(q.rate_hz, 48000);
    assert_int_equal(off, 44);
    assert_int_equal(len, 1000);
    /* float: tag 3, 32 bits */
    p.format = EMK_AUDIO_FMT_FLOAT;
    p.channels = 1;
    assert_int_equal(emk_audio_wav_header(h, &p, 8), 0);
    assert_int_equal(h[20], 3);
    assert_int_equal(h[34], 32);
    assert_int_equal(h[32], 4);
    /* formats WAV does not hold */
    p.format = EMK_AUDIO_FMT_S20;
    assert_int_equal(emk_audio_wav_header(h, &p, 0), -EINVAL);
    assert_int_equal(emk_audio_wav_format_for(EMK_AUDIO_FMT_S20), EMK_AUDIO_FMT_S32);
    assert_int_equal(emk_audio_wav_format_for(EMK_AUDIO_FMT_S8), EMK_AUDIO_FMT_U8);
    assert_int_equal(emk_audio_wav_format_for(EMK_AUDIO_FMT_A_LAW), EMK_AUDIO_FMT_S16);
    assert_int_equal(emk_audio_wav_format_for(EMK_AUDIO_FMT_DSD_U8), -1);
    /* WAVE_FORMAT_EXTENSIBLE with a LIST chunk before the data */
    memset(ext, 0, sizeof(ext));
    memcpy(ext, "RIFF\0\0\0\0WAVEfmt ", 16);
    ext[16] = 40;
    ext[20] = 0xfe;
    ext[21] = 0xff;
    ext[22] = 6;
    ext[24] = 0x44;
    ext[25] = 0xac;
    ext[34] = 24;
    ext[44] = 1;        /* subformat PCM */
    memcpy(ext + 60, "data", 4);
    ext[64] = 18;
    assert_int_equal(emk_audio_wav_parse(ext, sizeof(ext), &q, &off, &len), 0);
    assert_int_equal(q.format, EMK_AUDIO_FMT_S24_3);
    assert_int_equal(q.channels, 6);
    assert_int_equal(q.rate_hz, 44100);
    assert_int_equal(off, 68);
    /* not a WAV / ADPCM */
    assert_int_equal(emk_audio_wav_parse((const uint8_t *)"RIFX", 4, &q, &off, &len), -EINVAL);
    memcpy(h, wav_s16_stereo_48k_1000, 44);
    h[20] = 2;
    assert_int_equal(emk_audio_wav_parse(h, 44, &q, &off, &len), -ENOTSUP);
}

static void test_wav_backend(void **state)
{
    char path[64], spec[80];
    emk_audio_backend be;
    emk_audio_voice v, w, r;
    emk_audio_params p = { EMK_AUDIO_FMT_S16, 2, 48000 };
    emk_audio_params bad = { EMK_AUDIO_FMT_S16, 2, 44100 };
    int16_t frames[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, got[12];
    uint8_t file[128];
    FILE *fp;
    size_t n;

    (void)state;
    snprintf(path, sizeof(path), "/tmp/emk-audio-test-%d.wav", (int)getpid());
    snprintf(spec, sizeof(spec), "wav:%s", path);
    assert_int_equal(emk_audio_backend_init(&be, spec), 0);
    assert_int_equal(emk_audio_voice_open(&be, &v, EMK_AUDIO_OUT, &p), 0);
    assert_int_equal(v.native.format, EMK_AUDIO_FMT_S16);
    /* one output voice at a time */
    assert_int_equal(emk_audio_voice_open(&be, &w, EMK_AUDIO_OUT, &p), -EBUSY);
    assert_int_equal(emk_audio_voice_write(&v, frames, sizeof(frames)), 0);
    emk_audio_voice_close(&v);
    /* header already right after the close */
    fp = fopen(path, "rb");
    assert_non_null(fp);
    n = fread(file, 1, sizeof(file), fp);
    fclose(fp);
    assert_int_equal(n, 44 + 16);
    assert_int_equal(file[40], 16);
    assert_int_equal(file[4], 36 + 16);
    assert_memory_equal(file + 44, frames, 16);
    /* a second voice appends; one at another rate converts to the file's
     * (test_wav_rate_conversion) */
    assert_int_equal(emk_audio_voice_open(&be, &v, EMK_AUDIO_OUT, &bad), 0);
    assert_int_equal(v.resample, 1);
    emk_audio_voice_close(&v);
    assert_int_equal(emk_audio_voice_open(&be, &v, EMK_AUDIO_OUT, &p), 0);
    assert_int_equal(v.resample, 0);
    assert_int_equal(emk_audio_voice_write(&v, frames, 4), 0);
    /* capture from the same file loops over its 5 frames */
    assert_int_equal(emk_audio_voice_open(&be, &r, EMK_AUDIO_IN, &p), 0);
    emk_audio_voice_close(&v);
    assert_int_equal(emk_audio_voice_read(&r, got, sizeof(got)), 0);
    /* opened before the close: the header said 16 bytes = 4 frames */
    assert_int_equal(got[0], 1);
    assert_int_equal(got[7], 8);
    assert_int_equal(got[8], 1);
    assert_int_equal(got[11], 4);
    emk_audio_voice_close(&r);
    emk_audio_backend_cleanup(&be);
    fp = fopen(path, "rb");
    assert_non_null(fp);
    n = fread(file, 1, sizeof(file), fp);
    fclose(fp);
    assert_int_equal(n, 44 + 20);
    assert_int_equal(file[40], 20);
    unlink(path);
    /* bad specs */
    assert_int_equal(emk_audio_backend_init(&be, "wav:"), -EINVAL);
    assert_int_equal(emk_audio_backend_init(&be, "sine:x"), -EINVAL);
    assert_int_equal(emk_audio_backend_init(&be, "pulse"), -EINVAL);
}

/* Exact timing and interpolation: a ramp at 48 kHz to 44.1 kHz and up to
 * 192 kHz; output frame k must be the ramp's value at k / out_hz. */
static void test_resampler(void **state)
{
    static const uint32_t rates[][2] = {
        { 48000, 44100 }, { 44100, 48000 }, { 8000, 192000 }, { 192000, 8000 },
        { 5512, 384000 }, { 48000, 48000 }
    };
    emk_audio_resampler rs;
    int32_t in[2], out[EMK_AUDIO_RESAMPLE_MAX_OUT * 2];
    unsigned r;

    (void)state;
    assert_int_equal(emk_audio_resampler_init(&rs, 0, 48000, 2), -EINVAL);
    assert_int_equal(emk_audio_resampler_init(&rs, 48000, 48000, 9), -EINVAL);
    assert_int_equal(emk_audio_resampler_init(&rs, 1000, 384000, 2), -EINVAL);
    for (r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
        uint32_t ih = rates[r][0], oh = rates[r][1];
        uint64_t k = 0, n;

        assert_int_equal(emk_audio_resampler_init(&rs, ih, oh, 2), 0);
        /* one second: input n is 1000 * n (and its negative on channel 1) */
        for (n = 0; n < ih; n++) {
            unsigned got, i;

            in[0] = (int32_t)(1000 * n);
            in[1] = -in[0];
            got = emk_audio_resample_push(&rs, in, out);
            assert_true(got <= oh / ih + 2);
            for (i = 0; i < got; i++, k++) {
                /* the ramp at time k / oh is 1000 * k * ih / oh */
                int64_t want = (int64_t)(1000 * k * ih / oh);

                assert_true(out[2 * i] >= want - 1 && out[2 * i] <= want + 1);
                assert_int_equal(out[2 * i + 1], -out[2 * i]);
            }
        }
        /* every output before the last input frame came out: k frames
         * with k / oh < (ih - 1) / ih */
        assert_int_equal(k, ((uint64_t)(ih - 1) * oh + ih - 1) / ih);
    }
}

/* Zero crossings (upward) of channel 0 of n interleaved S16 frames. */
static unsigned crossings16(const int16_t *b, size_t n, unsigned ch)
{
    unsigned c = 0;
    size_t i;

    for (i = 1; i < n; i++)
        if (b[ch * (i - 1)] < 0 && b[ch * i] >= 0)
            c++;
    return c;
}

/* A wav file that holds 48 kHz takes a 44.1 kHz voice (converted), and a
 * 16 kHz capture voice reads the 48 kHz file converted: the tone keeps
 * its frequency and the frame counts follow the rates. */
static void test_wav_rate_conversion(void **state)
{
    char path[64], spec[80];
    emk_audio_backend be;
    emk_audio_voice v;
    emk_audio_params p48 = { EMK_AUDIO_FMT_S16, 2, 48000 };
    emk_audio_params p441 = { EMK_AUDIO_FMT_S16, 2, 44100 };
    emk_audio_params p16 = { EMK_AUDIO_FMT_S16, 2, 16000 };
    static int16_t tone[44100 * 2], cap[16000 * 2];
    uint8_t hdr[64];
    FILE *fp;
    size_t i;
    long size;

    (void)state;
    snprintf(path, sizeof(path), "/tmp/emk-audio-rate-%d.wav", (int)getpid());
    snprintf(spec, sizeof(spec), "wav:%s", path);
    assert_int_equal(emk_audio_backend_init(&be, spec), 0);
    /* the file is made at 48 kHz by a first voice (one frame) */
    assert_int_equal(emk_audio_voice_open(&be, &v, EMK_AUDIO_OUT, &p48), 0);
    memset(tone, 0, 4);
    assert_int_equal(emk_audio_voice_write(&v, tone, 4), 0);
    emk_audio_voice_close(&v);
    /* one second of 441 Hz at 44.1 kHz: 100 frames a cycle */
    for (i = 0; i < 44100; i++) {
        int32_t ph = (int32_t)(i % 100);
        int16_t x = (int16_t)(ph < 50 ? -8000 + 320 * ph : 8000 - 320 * (ph - 50));

        tone[2 * i] = tone[2 * i + 1] = x;     /* a triangle wave */
    }
    assert_int_equal(emk_audio_voice_open(&be, &v, EMK_AUDIO_OUT, &p441), 0);
    assert_int_equal(v.resample, 1);
    assert_int_equal(emk_audio_voice_write(&v, tone, sizeof(tone)), 0);
    emk_audio_voice_close(&v);
    fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    size = ftell(fp);
    assert_int_equal(fseek(fp, 0, SEEK_SET), 0);
    assert_int_equal(fread(hdr, 1, 44, fp), 44);
    fclose(fp);
    /* 1 + (just under) 48000 frames of 4 bytes after the header */
    assert_true(size - 44 >= 4 * (1 + 47998) && size - 44 <= 4 * (1 + 48000));
    assert_int_equal(hdr[24] | hdr[25] << 8 | hdr[26] << 16, 48000);
    /* capture at 16 kHz from the 48 kHz file: 441 cycles a second stay */
    assert_int_equal(emk_audio_voice_open(&be, &v, EMK_AUDIO_IN, &p16), 0);
    assert_int_equal(v.resample, 1);
    assert_int_equal(emk_audio_voice_read(&v, cap, sizeof(cap)), 0);
    emk_audio_voice_close(&v);
    i = crossings16(cap, 16000, 2);
    assert_true(i >= 439 && i <= 442);
    for (i = 0; i < 16000; i++)
        assert_int_equal(cap[2 * i], cap[2 * i + 1]);
    emk_audio_backend_cleanup(&be);
    unlink(path);
}

static void test_sine_and_null(void **state)
{
    emk_audio_backend be;
    emk_audio_voice v;
    emk_audio_params p = { EMK_AUDIO_FMT_FLOAT, 2, 48000 };
    static int16_t buf[48000 * 2];
    int i, crossings = 0, peak = 0;

    (void)state;
    assert_int_equal(emk_audio_backend_init(&be, "sine:1000"), 0);
    assert_int_equal(emk_audio_voice_open(&be, &v, EMK_AUDIO_IN, &p), 0);
    assert_int_equal(v.native.format, EMK_AUDIO_FMT_S16);
    assert_int_equal(v.native.channels, 2);
    assert_int_equal(emk_audio_voice_read(&v, buf, sizeof(buf)), 0);
    for (i = 1; i < 48000; i++) {
        if (buf[2 * (i - 1)] < 0 && buf[2 * i] >= 0)
            crossings++;
        if (buf[2 * i] > peak)
            peak = buf[2 * i];
        assert_int_equal(buf[2 * i], buf[2 * i + 1]);
    }
    assert_int_equal(crossings, 999);    /* 1 s of 1 kHz: the 1000th at sample 48000 */
    assert_true(peak >= 16380 && peak <= 16384);
    assert_int_equal(buf[24], 16384);    /* frame 12, a quarter cycle in: the peak */
    emk_audio_voice_close(&v);
    emk_audio_backend_cleanup(&be);
    assert_int_equal(emk_audio_backend_init(&be, NULL), 0);
    p.format = EMK_AUDIO_FMT_U8;
    assert_int_equal(emk_audio_voice_open(&be, &v, EMK_AUDIO_IN, &p), 0);
    assert_int_equal(emk_audio_voice_read(&v, buf, 4), 0);
    assert_memory_equal(buf, "\x80\x80\x80\x80", 4);
    assert_int_equal(emk_audio_voice_write(&v, buf, 4), -EBADF);
    emk_audio_voice_close(&v);
    emk_audio_backend_cleanup(&be);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_g711),
        cmocka_unit_test(test_convert_formats),
        cmocka_unit_test(test_convert_channels),
        cmocka_unit_test(test_silence),
        cmocka_unit_test(test_wav_header),
        cmocka_unit_test(test_wav_backend),
        cmocka_unit_test(test_resampler),
        cmocka_unit_test(test_wav_rate_conversion),
        cmocka_unit_test(test_sine_and_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
