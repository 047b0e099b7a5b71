/*
 * audio.h - the soundtrack: the IR_MIX of IR_AUDIO inputs (decoded with libavformat/libavcodec,
 * resampled with libswresample to 48 kHz stereo float), gain curves, fades, loops, music ducked
 * under the voice, loudness normalised to the mix node's target (ITU-R BS.1770-4 integrated
 * loudness, -14 LUFS for the platforms) and a look-ahead true-peak limiter so nothing clips.
 * Pulled sequentially, a block at a time, by the encoder.
 */
#ifndef VIDC_AUDIO_H
#define VIDC_AUDIO_H

#include <stddef.h>
#include <stdint.h>

#include "../compiler/ir.h"

typedef struct aud_mix aud_mix_t;

/* Opens the program's mix (silence when p->mix < 0) for reading from sample first_sample of
 * the video timeline (48 kHz). Decodes every input once to count its samples (they are read
 * from the files as the mix goes, never held whole); errors name the input's spec line. The
 * loudness pass over the whole mix stops with RT_ECANCELED when *cancel becomes non-zero
 * (cancel may be NULL). */
int aud_open(aud_mix_t **m, const ir_program *p, int64_t first_sample, volatile int *cancel, char *err,
	     size_t errlen);
/* The next n stereo frames, interleaved L R, into lr. */
void aud_read(aud_mix_t *m, float *lr, int n);
void aud_free(aud_mix_t *m);

typedef struct {
	int has_audio;
	double loudness;       /* integrated loudness of the mix as rendered, LUFS */
	double true_peak;      /* its true peak, dBTP (4x oversampled) */
	double input_loudness; /* of the mix before normalisation, LUFS */
	double gain_db;        /* the normalisation gain applied */
} aud_stats;

/* Mixes the whole program and measures what aud_read hands the encoder (-inf when silent).
 * The AAC encoder changes the true peak by a few tenths of a dB; the limiter leaves a margin. */
int aud_measure(const ir_program *p, aud_stats *st, char *err, size_t errlen);

/* A BS.1770-4 / EBU R128 meter for 48 kHz stereo: integrated loudness (gated) and true peak. */
typedef struct aud_meter aud_meter_t;
aud_meter_t *aud_meter_new(void);
void aud_meter_feed(aud_meter_t *mt, const float *lr, int n);
double aud_meter_loudness(const aud_meter_t *mt); /* LUFS, -inf when nothing passes the gates */
double aud_meter_true_peak(const aud_meter_t *mt); /* dBTP */
void aud_meter_free(aud_meter_t *mt);

/* Audio samples (48 kHz) that belong to the first frames frames of p. */
int64_t aud_samples_for(const ir_program *p, int64_t frames);

/* Reads m up to target samples (*samples counts what was written so far), feeds meter (may be
 * NULL) and hands the samples to enc: the one loop a whole render and a join of pieces share. */
struct enc;
int aud_encode_until(aud_mix_t *m, aud_meter_t *meter, struct enc *enc, int64_t *samples, int64_t target,
		     char *cause, size_t len);

#endif
