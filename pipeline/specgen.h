/*
 * specgen.h - the arrow script + voice -> .vid text: writes the spec `vidc make` renders, from the
 * script JSON (pipeline/script), the voice's word timings (pipeline/voice) and the article's
 * images (pipeline/article). The spec imports a stdlib template (templates/short.vid for vertical
 * presets, templates/explainer.vid for 16:9) and is meant to be read and edited by a person and
 * rendered again: one `use` per narrated section, every scene `auto` so it follows the voice.
 * Every on-screen text passes pipeline/overlay.h: no code fragment, no unbalanced bracket.
 */
#ifndef VIDC_SPECGEN_H
#define VIDC_SPECGEN_H

#include <stddef.h>

#include "../base/platform.h"
#include "assets.h"

typedef struct {
	const char *script_path;  /* the script JSON */
	const char *timing_path;  /* the word-timing JSON of the voice (SPEC.md §6) */
	const char *voice_name;   /* the voice file as the spec names it, relative to the spec */
	const char *timing_name;  /* the timing file as the spec names it */
	const char *title;        /* the article's title: the opening scene's text */
	const char *const *images; /* photos as the spec names them (relative to the spec); may be 0 */
	int nimages;
	const char *const *presets; /* all of one orientation */
	int npresets;
	const char *captions;     /* caption style, or NULL for none */
	const char *music;        /* music file as the spec names it, or NULL */
	const char *source;       /* what the spec was made from, for its header comment */
	int fps;                  /* the spec's frame rate, 1-120; 0 = 30 */
	/* The assets stage's choices (pipeline/assets.h), whose paths are relative to the spec's
	 * folder: when set, each section shows its entry (photo, footage, code card, text card)
	 * and images is not used. */
	const assets_t *assets;
	/* The platform file the caller already holds (base/platform.h), for the presets' sizes;
	 * NULL: specgen_write reads it once. */
	const platform_table *platforms;
} specgen_opts;

/* Writes the spec to path, in the layout of `vidc fmt` (compiler/fmt.h), through a temp file
 * renamed over it. 0, or -1 with err set. */
int specgen_write(const char *path, const specgen_opts *o, char *err, size_t errlen);

/* Writes spec text to path atomically in the canonical layout of `vidc fmt` (compiler/fmt.h), so
 * a spec from vidc make, by the template writer or an LLM, reads like one formatted by hand and
 * passes `vidc fmt --check`. Text the formatter refuses (it does not parse) is written as it is,
 * so that the compile which follows names its lines. 0, or -1 with err set. */
int specgen_write_text(const char *path, const char *text, size_t len, char *err, size_t errlen);

/* Whether a preset is vertical (taller than wide), as the platform file t (the caller's, read
 * once: base/platform.h) sizes it; a preset the file does not have, or no file (t NULL),
 * counts as vertical, as most are (the spec's compile then names the unknown preset or the
 * file's problem). */
int specgen_vertical(const platform_table *t, const char *preset);

#endif
