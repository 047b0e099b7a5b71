/*
 * specllm.h - the .vid spec of `vidc make` written by a language model that repairs its own
 * mistakes (issue 15, `--spec-by llm`). The model (any OpenAI-compatible chat-completions
 * endpoint, configured as for the llm script generator: script.h's base_url, api_key, model,
 * timeout) is given the script JSON, the narrated sections, the assets file's entries and paths,
 * the presets, the signatures of the stdlib's templates (read from the .vid files of stdlib/templates/ at run
 * time) and the rules digest stdlib/llm/spec_rules.md. Its reply's fenced block is compiled
 * against the project roots (the spec's folder and the stdlib, plus allow[]): the spec is
 * untrusted input, so it is size-capped and every file it names is resolved by the compiler's
 * roots before anything is opened. A spec with errors goes back to the model as the JSON
 * diagnostics of `vidc check --format json`, at most `rounds` times in all; the first spec
 * without errors that names every preset and has a voice with timings is written.
 *
 * The caller falls back to the template writer (specgen.h) when this fails.
 */
#ifndef VIDC_SPECLLM_H
#define VIDC_SPECLLM_H

#include <stdio.h>

#include "../base/err.h"
#include "assets.h"
#include "script.h"

#define SPECLLM_DEFAULT_ROUNDS 3
#define SPECLLM_MAX_ROUNDS 8
/* A spec longer than this in a reply is refused (fed back as an error): a narrated video's spec
 * is a few kilobytes, and the compiler should not be handed a model's runaway output. */
#define SPECLLM_MAX_SPEC (64 * 1024)

typedef struct {
	const char *spec_path;   /* where the accepted spec is written (its folder is the project) */
	const char *script_path; /* the script JSON, sent whole */
	const char *timing_path; /* the voice's word timings: the sections to narrate */
	const char *voice_name;  /* the voice and timing files as the spec names them */
	const char *timing_name;
	const assets_t *assets;  /* a visual per section, paths relative to the spec's folder */
	const char *const *presets;
	int npresets;
	const char *captions;    /* caption style, or NULL for none */
	const char *music;       /* music file as the spec names it, or NULL */
	int rounds;              /* requests at most, 1..SPECLLM_MAX_ROUNDS; 0: the default */
	const char *stdlib_dir;  /* NULL: compile.h's default */
	const char *const *allow; /* roots besides the spec's folder and the stdlib (the music's) */
	int nallow;
	const script_opts *llm;  /* the endpoint: base_url, api_key, model, timeout_ms, max_attempts */
	FILE *log;               /* NULL: silent; else one line per round */
	volatile int *cancel;    /* non-zero stops between rounds and aborts a request */
} specllm_opts;

typedef struct {
	int rounds;  /* requests made */
	int errors;  /* errors of the last spec compiled (0 when accepted) */
} specllm_result;

/* Asks, compiles, feeds back, and writes o->spec_path. 0 when a spec was accepted; otherwise a
 * VE_* code with e->msg saying why none was: the remaining errors after the last round ("the
 * model's spec still has 2 errors after 3 rounds: video.vid:4:3: unknown property ..."), or the
 * transport's or the reply's failure. VE_CANCELED when o->cancel was set. */
int specllm_write(const specllm_opts *o, specllm_result *r, vidc_err *e);

#endif
