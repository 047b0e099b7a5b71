/*
 * voice.h - stage 2 of the pipeline: script JSON -> narrated voiceover (48 kHz mono 16-bit WAV)
 * plus the word-timing JSON of SPEC.md §6 that .vid specs anchor to (`voice "v.wav" { timings
 * "v.json" }`). Sits between pipeline/script (which writes the script) and the .vid writer.
 *
 * The narration is the script's sections in order: hook, intro, point1..pointN, cta. Each section
 * is synthesised on its own by a provider (voice_espeak.c, voice_http.c), so a failure retries
 * one section, not the whole voice (a section longer than the provider takes goes in pieces cut at
 * sentence ends); the clips are trimmed of leading and trailing silence, resampled to 48 kHz and
 * joined with VOICE_GAP_S of silence between sections.
 *
 * Words are what the compiler calls words (compiler/timing.c): runs of bytes between ASCII white
 * space, punctuation attached. Every word of the text gets a timing, in order, none overlapping
 * the next, none past the audio's end. A provider that returns no timings gets them from
 * voice_align() (voice_align.h): espeak's exact timings of the same text warped onto the real
 * audio. Clips, the word splitter and the sound detector that all of these share are the leaf
 * voice_words.h.
 *
 * Errors: functions return 0 or a negative VOICE_E* code and write one sentence into err.
 */
#ifndef VIDC_VOICE_H
#define VIDC_VOICE_H

#include <stddef.h>
#include <stdio.h>

#include "voice_words.h" /* clips, words, sound detection, the VOICE_E* codes */

#define VOICE_RATE 48000     /* output sample rate, Hz */
#define VOICE_GAP_S 0.25     /* silence between sections, seconds */
#define VOICE_PIECE_GAP_S 0.15 /* between the pieces of a section too long for one request */
#define VOICE_PAD_S 0.02     /* silence kept before the first and after the last sound of a clip */
#define VOICE_PREVIEW_MAX 200 /* characters (code points) of a --preview text */

typedef struct {
	const char *provider;	/* "espeak" (default), "openai", "elevenlabs", "coqui", "piper", "bark" */
	const char *voice;	/* provider's voice name/id; NULL = provider default for the language */
	const char *lang;	/* BCP 47 ("en", "es-MX"); NULL = the script's, else English */
	const char *base_url;	/* NULL = the provider's env variable, else its public default */
	const char *api_key;	/* NULL = the provider's env variable */
	double speed;		/* 1.0 = normal; espeak: 175 wpm x speed */
	long timeout_ms;	/* one HTTP request; 0 = VIDC_HTTP_TIMEOUT_MS or 120000 */
	int attempts;		/* tries per section; 0 = 3 */
	int jobs;		/* sections synthesised at once; 0 = 4 for HTTP providers, 1 for espeak */
	FILE *log;		/* NULL = quiet; else one line per retry */
	/* Non-zero stops the voice: no further section is started, an HTTP request in progress is
	 * aborted; voice_make then returns VOICE_ECANCELED. NULL: not cancellable. */
	volatile int *cancel;
	/* Optional: called (from the worker threads) after each piece of text is spoken, with the
	 * pieces done and their total. */
	void (*on_progress)(void *ud, int done, int total);
	void *progress_ud;
} voice_opts;

typedef struct {
	const char *name;
	/* Synthesises text (UTF-8). Fills out; on failure returns VOICE_E* with err set. */
	int (*synth)(const voice_opts *o, const char *text, voice_clip *out, char *err, size_t errlen);
	/* Writes the provider's voices to f, one per line: "ID<TAB>description". */
	int (*list)(const voice_opts *o, FILE *f, char *err, size_t errlen);
	size_t max_chars; /* the longest text one request takes (bytes); 0 = no limit */
	/* The speeds the provider itself can speak at; voice.c time-stretches the rest (0, 0: none). */
	double speed_min, speed_max;
} voice_provider;

/* NULL when unknown. */
const voice_provider *voice_provider_find(const char *name);
extern const voice_provider voice_espeak, voice_openai, voice_elevenlabs, voice_coqui, voice_piper,
	voice_bark;

/* ---- the script --------------------------------------------------------------------------- */

typedef struct {
	char name[16]; /* "hook", "intro", "point1".., "cta" */
	char *text;
} voice_section;

typedef struct {
	voice_section *sec;
	int n;
	char *lang; /* the script's "language", or NULL */
} voice_script;

/* Reads the script JSON of `vidc script`: hook, intro, points[].text, cta, language. Sections
 * that are missing or blank are skipped; none at all is an error. */
int voice_script_load(const char *path, voice_script *s, char *err, size_t errlen);
/* One section named "preview" holding text. */
int voice_script_text(const char *text, voice_script *s);
void voice_script_free(voice_script *s);

/* ---- the whole voiceover ------------------------------------------------------------------ */

typedef struct {
	float *pcm; /* VOICE_RATE mono */
	long n;
	char *text; /* the sections' texts joined by "\n\n"; word offsets index it */
	voice_word *words;
	int nwords;
	struct {
		char name[16];
		int first, last; /* word indices */
	} *sections;
	int nsections;
} voice_track;

/* Synthesises every section (each tried up to o->attempts times, o->jobs at a time) and joins
 * them in order. */
int voice_make(const voice_opts *o, const voice_script *s, voice_track *t, char *err, size_t errlen);
void voice_track_free(voice_track *t);
/* 16-bit PCM WAV, written to PATH.tmp then renamed. */
int voice_write_wav(const char *path, const float *pcm, long n, int rate, char *err, size_t errlen);
/* The SPEC.md §6 JSON, written to PATH.tmp then renamed. */
int voice_write_timing(const char *path, const voice_track *t, char *err, size_t errlen);

/* ---- helpers shared by the providers ------------------------------------------------------ */

/* The language to speak: o->lang, else the script's, else "en". */
const char *voice_lang(const voice_opts *o, const char *script_lang);
/* The espeak-ng voice for a BCP 47 tag ("de-DE" -> "de", "zh" -> "cmn", "en" -> "en-us"). */
const char *voice_espeak_name(const char *bcp47, char *buf, size_t n);
/* Decodes an audio file held in memory (WAV, MP3, FLAC, Ogg...) to mono float at its own rate. */
int voice_decode(const void *data, size_t len, voice_clip *out, char *err, size_t errlen);
/* Makes c speed times faster (0.5 = half speed) keeping its pitch (WSOLA); word times follow. */
int voice_stretch(voice_clip *c, double speed, char *err, size_t errlen);
/* Resamples c in place to rate (libswresample); word times are unchanged. */
int voice_resample(voice_clip *c, int rate, char *err, size_t errlen);

#endif
