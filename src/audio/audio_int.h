/* audio_int.h - private to src/audio/. */
#ifndef EMKIT_AUDIO_INT_H
#define EMKIT_AUDIO_INT_H

#include "emkit/audio.h"

/* sin(2*pi*x), x in cycles (no libm). */
double emk_audio_sin_cycles(double x);

/* Sets be up as the wav backend of "OUT[:IN]". */
int emk_audio_wav_init(emk_audio_backend *be, const char *paths);

#endif
