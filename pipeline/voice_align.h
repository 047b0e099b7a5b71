/*
 * voice_align.h - word timings for a clip whose provider gave none (voice_align.c): espeak's exact
 * timings of the same text warped onto it, or words spread evenly over its speech.
 */
#ifndef VIDC_VOICE_ALIGN_H
#define VIDC_VOICE_ALIGN_H

#include <stddef.h>

#include "voice_words.h"

/* Gives real (which has no words) the timings of ref (espeak's exact timings of the same text)
 * warped piecewise-linearly onto real's audio: pauses detected in both are matched in order and
 * the speech between them is stretched to fit. Both clips must be of the same text. */
int voice_align(const voice_clip *ref, voice_clip *real, char *err, size_t errlen);
/* The fallback when espeak cannot speak the language: words spread over the speech in
 * proportion to their length. */
int voice_align_even(const char *text, voice_clip *real, char *err, size_t errlen);

#endif
