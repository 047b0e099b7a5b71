/*
 * timing.h - word-timing files: the JSON the voice stage writes next to a voiceover, read here to
 * resolve speech anchors (word(3), sentence("...")) and `auto` scene durations, and passed on to
 * captions. Format (SPEC.md, "Word timings"):
 *
 *   { "version": 1, "text": "...", "duration": 57.3,
 *     "words": [ {"text": "Cold", "start": 0.12, "end": 0.41, "offset": 0, "length": 4}, ... ],
 *     "sections": [ {"name": "hook", "first_word": 0, "last_word": 11}, ... ] }
 *
 * Times are seconds from the start of the audio; offsets are bytes into "text".
 */
#ifndef VIDC_TIMING_H
#define VIDC_TIMING_H

#include "../base/arena.h"

typedef struct {
	const char *text;
	double start, end;
	int offset, length;
	int sentence; /* index of the sentence it belongs to */
} timing_word;

typedef struct {
	const char *name;
	int first, last; /* word indices */
} timing_section;

typedef struct {
	const char *path; /* the file it was read from (openable) */
	const char *text;
	double duration;
	timing_word *words;
	int nwords;
	timing_section *sections;
	int nsections;
	int *sentence_first; /* first word of each sentence */
	int nsentences;
} timing_t;

/* A timing file: a few hundred bytes a word, so an hour of narration is well under 2 MiB. */
#define TIMING_MAX_BYTES (16 * 1024 * 1024)
#define TIMING_MAX_SECONDS 86400.0

/* Reads and validates the timing file at path `file` (shown, if not NULL, names it in messages).
 * On failure returns NULL and writes a message (naming the word and the problem) into err. */
timing_t *timing_load(arena_t *a, const char *file, const char *shown, char *err, size_t errlen);

/* Finds the words matching phrase (one or more words, compared case- and punctuation-blind).
 * Returns how many places match; *first gets the first word of the nth match (1-based nth;
 * nth == 0 asks only for the count, and *first gets the first match). */
int timing_match(const timing_t *t, const char *phrase, int nth, int *first, int *nwords);

/* Same, for sentences: sentences whose text contains the phrase. */
int timing_match_sentence(const timing_t *t, const char *phrase, int nth, int *sentence);
int timing_sentence_last(const timing_t *t, int sentence);

#endif
