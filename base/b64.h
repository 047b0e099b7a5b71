/*
 * b64.h - base64 decoding for what providers send back inside JSON (ElevenLabs' audio_base64,
 * OpenAI's b64_json images). One decoder, lenient in the ways real replies differ: white space,
 * a "data:...;base64," prefix, missing padding, and the URL-safe alphabet (- and _).
 */
#ifndef VIDC_BASE_B64_H
#define VIDC_BASE_B64_H

#include <stddef.h>

/* Decodes s into a malloc'd *out (NUL-terminated for convenience; *len excludes it, and is 0 for
 * an empty s). 0, or -1 for a character outside base64 or no memory. */
int b64_decode(const char *s, unsigned char **out, size_t *len);

#endif
