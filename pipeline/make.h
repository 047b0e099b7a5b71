/*
 * make.h - `vidc make` as a library call: the stages of stage.h chained from an article to a
 * published video, each writing its file into one folder so a person can stop, edit and go on:
 *
 *   article.json -> script.json -> voice.wav + voice.json -> assets.json + images/, code/
 *   (pipeline/assets.h: a visual per section) -> video.vid (one per
 *   orientation: video-tall.vid, video-wide.vid) -> video[-PRESET].mp4 -> video.srt, video.vtt,
 *   thumb.jpg (one set per spec) -> PRESET.json (title, description with the real chapter
 *   times, tags)
 *
 * Each spec is compiled once and serves its render, subtitles, thumbnail and chapters. Callbacks,
 * cancellation and errors as in stage.h.
 */
#ifndef VIDC_MAKE_H
#define VIDC_MAKE_H

#include "stage.h"

#define MAKE_MAX_PRESETS 4

typedef struct {
	const char *article;   /* the content record */
	const char *dir;       /* the output folder (created with its parents) */
	const char *script;    /* an edited script to start from instead of writing one */
	const char *generator; /* script writer: "extract" (NULL) or "llm" */
	const char *type;      /* "short", "medium", "long"; NULL: short (medium when the only
				* preset is youtube_long) */
	const char *captions;  /* plain, bold_center, karaoke or none; NULL: karaoke, plain for 16:9 */
	const char *music;     /* background music file, or NULL */
	const char *presets[MAKE_MAX_PRESETS];
	int npresets;
	voice_opts voice;     /* provider, voice, speed, language */
	int quality;          /* 0: the preset's default; 1 (best) .. 51 */
	int no_render;        /* stop after writing the spec */
	stage_spec_opts spec; /* how the made specs are compiled (allow roots, -Werror, stdlib) */
	const char *const *allow; /* folders the article's photos may come from besides its own */
	int nallow;
	const char *visuals;  /* the assets stage's sources in order ("article,stock,ai,cards",
			       * the default when NULL) */
	const char *assets;   /* an (edited) assets file in dir to use instead of choosing again */
	/* Who writes the spec: "template" (NULL: specgen.h) or "llm" (specllm.h: a model writes
	 * it and repairs it from the compiler's diagnostics, at most spec_rounds requests, 0: 3;
	 * when it fails the template writer's spec is written, with a warning naming why). */
	const char *spec_by;
	int spec_rounds;
	int verbose;          /* notes of every step inside a stage (the spec's rounds) */
} make_opts;

/* Runs every stage into o->dir. Notes ("[1/5] script", "wrote out/video.mp4") and warnings go
 * to cb->message with stage "make", the render's progress to cb->progress. */
int make_run(const make_opts *o, const stage_cb *cb, vidc_err *e);

#endif
