/*
 * audio.h - the soundtrack: the IR_MIX of IR_AUDIO inputs (decoded with libavformat/libavcodec,
 * resampled with libswresample to 48 kHz stereo float), gain curves, fades, loops, music ducked
 * under the voice, and a look-ahead limiter so nothing clips. Pulled sequentially, a block at a
 * time, by the encoder.
 */
#ifndef VIDC_AUDIO_H
#define VIDC_AUDIO_H

#include <stddef.h>
#include <stdint.h>

#include "../compiler/ir.h"

typedef struct aud_mix aud_mix_t;

/* Opens the program's mix (silence when p->mix < 0) for reading from sample first_sample of
 * the video timeline (48 kHz). Decodes every input; errors name the input's spec line. */
int aud_open(aud_mix_t **m, const ir_program *p, int64_t first_sample, char *err, size_t errlen);
/* The next n stereo frames, interleaved L R, into lr. */
void aud_read(aud_mix_t *m, float *lr, int n);
void aud_free(aud_mix_t *m);

#endif
