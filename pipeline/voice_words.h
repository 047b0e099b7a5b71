/*
 * voice_words.h - the voice stage's lowest layer: a clip of audio with its words, the words of a
 * text as the compiler splits them, and the sound detector that finds where speech starts and
 * pauses. voice.c (the stage), voice_align.c (timings for providers that give none) and the
 * providers (voice_espeak.c, voice_http.c) build on it; it calls none of them.
 */
#ifndef VIDC_VOICE_WORDS_H
#define VIDC_VOICE_WORDS_H

#include "../base/err.h"

/* The voice stage's codes are values of base/err.h's one code space, named for what the voice
 * loop does with them (retry or stop). */
enum {
	VOICE_OK = 0,
	VOICE_ENOMEM = VE_NOMEM,
	VOICE_EINPUT = VE_INVAL,       /* the script or text is unusable */
	VOICE_EPROVIDER = VE_PROTOCOL, /* the provider refused for good: bad key, unknown voice, 4xx */
	VOICE_ETRANSIENT = VE_NET,     /* worth another try: 5xx, timeout, dropped connection, bad reply */
	VOICE_EIO = VE_IO,             /* a file could not be written */
	VOICE_ECANCELED = VE_CANCELED  /* o->cancel was set */
};

/* One word: offset/length in bytes into the text it belongs to; times in seconds. */
typedef struct {
	int offset, length;
	double start, end;
} voice_word;

/* Audio of one stretch of text: mono float samples in [-1, 1] at rate Hz; words NULL when the
 * provider gave no timings, else exactly one per word of the text (voice_split_words). */
typedef struct {
	float *pcm;
	long n;
	int rate;
	voice_word *words;
	int nwords;
} voice_clip;

void voice_clip_free(voice_clip *c);

/* ---- words -------------------------------------------------------------------------------- */

/* The words of text as the compiler splits them: *words gets a malloc'd array (times 0).
 * Returns the count, or VOICE_ENOMEM. */
int voice_split_words(const char *text, voice_word **words);

/* ---- sound detection ---------------------------------------------------------------------- */

/* Sound detection: 10 ms frames whose RMS is above a threshold relative to the clip's loudest
 * frame. First and last sample with sound (both -1 when the clip is silent). */
void voice_sound_bounds(const float *pcm, long n, int rate, long *first, long *last);
/* The same detector frame by frame: *sound gets a malloc'd flag per frame of rate/100 samples.
 * Returns the frame count, or VOICE_ENOMEM. */
int voice_vad(const float *pcm, long n, int rate, unsigned char **sound);
/* Completes word timings from start samples (-1 = unknown): an unknown start takes the next
 * known one; starts are made non-decreasing and moved to the first sound at or after them; a
 * word ends at its last sound before the next word starts. Sets w[].start/end in seconds. */
int voice_timings_from_starts(const voice_clip *c, voice_word *w, int nw, const long *start);

#endif
