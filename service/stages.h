/*
 * stages.h - the pipeline's stages as the service's worker and API call them, in-process: one
 * small file (stages.c) is the only place in service/ that knows the pipeline's and runtime's
 * functions, so when the stage library API (pipeline/stages.h of issue 9) lands only stages.c
 * changes. Each stage reads and writes files in a project's folder (records.h) with the names
 * `vidc make` uses, and never prints.
 *
 * Errors: 0 or a negative code with err filled (naming the file and the cause).
 */
#ifndef VIDC_STAGES_H
#define VIDC_STAGES_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

typedef void (*stg_progress_fn)(void *ud, int64_t done, int64_t total);

/* Article (a content record's JSON text; relative images resolve against base_dir) to script,
 * with the generator "extract" or "llm". *script gets the script of SPEC section 11. */
int stg_script(const char *article, const char *base_dir, const char *type, const char *platforms_csv,
	       const char *generator, json_t **script, char *err, size_t errlen);

/* Writes DIR/script.json from script and narrates it: DIR/voice.wav and DIR/voice.json.
 * *seconds gets the voice's length. VE_NET when the provider failed in a way worth another try
 * (a 5xx, a timeout), VE_UNSUPPORTED when it refused (a bad key, an unknown voice). */
int stg_voice(const char *dir, json_t *script, const char *provider, const char *voice, double *seconds,
	      char *err, size_t errlen);

/* Speaks text (at most 200 characters) and returns a WAV in memory (*wav malloc'd). tmp_dir
 * holds the file on the way. */
int stg_preview(const char *tmp_dir, const char *provider, const char *voice, const char *text, char **wav,
		size_t *len, char *err, size_t errlen);

/* The article's local images that decode, copied to DIR/images/NN.ext. *images gets an array of
 * {file_path (relative to DIR), original, alt}; URLs and damaged files are skipped. */
int stg_images(const char *dir, const char *article, const char *base_dir, json_t **images, char *err,
	       size_t errlen);

/* Writes DIR/PRESET.vid for one preset at fps frames a second from DIR/script.json,
 * DIR/voice.json and the images (relative to DIR), with the title; music is an absolute path or
 * NULL. */
int stg_spec(const char *dir, const char *preset, int fps, const char *title, json_t *images, const char *music,
	     char *err, size_t errlen);

typedef struct {
	int width, height;
	int64_t frames;
	double duration;
} stg_video;

/* Renders the spec's preset to out (a temp file beside it, renamed when whole: the output is
 * whole or absent), calling progress as frames are encoded; *cancel stops it. */
int stg_render(const char *spec, const char *preset, const char *out, stg_progress_fn progress, void *ud,
	       volatile int *cancel, stg_video *info, char *err, size_t errlen);
/* Captions of the spec's voice as SRT at srt and WebVTT at vtt. */
int stg_subtitles(const char *spec, const char *preset, const char *srt, const char *vtt, char *err, size_t errlen);
/* The thumbnail JPEG. */
int stg_thumbnail(const char *spec, const char *preset, const char *out, char *err, size_t errlen);

#endif
