/*
 * preview.h - `vidc preview`'s model (issue 15's authoring loop): one spec compiled and kept
 * fresh, its frames at any time as pictures in memory, its state (timeline, diagnostics) as
 * JSON, and its mix as a WAV. The page and the HTTP server around it are preview_http.h; this
 * part knows nothing of HTTP, so a test or another front end can drive it.
 *
 *   preview *pv; preview_new(&o, &pv, &e);      // compiles (a spec with errors is a state too)
 *   preview_poll(pv, &changed, &e);             // every ~200 ms: a file it uses changed?
 *   preview_frame(pv, 12.4, 640, &pic, &e);     // JPEG 640 px wide (0: full size PNG)
 *   preview_state(pv, &buf, &e);                // JSON for the page
 *
 * The last spec that compiled stays in use while the file on disk has errors: its frames are
 * still served and the state carries the new errors, so the page keeps the last good picture.
 * Not thread-safe: the server calls it under one lock (one render at a time).
 */
#ifndef VIDC_PREVIEW_H
#define VIDC_PREVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "stage.h"

/* The widest frame a request may ask for below full size (scrubbing sends smaller ones). */
#define PREVIEW_MIN_WIDTH 64
/* The mix is served for videos up to this long (48 kHz stereo 16-bit: 11.5 MB a minute). */
#define PREVIEW_AUDIO_MAX_S (30 * 60)

typedef struct {
	const char *spec;       /* the spec's path */
	const char *preset;     /* NULL: the first the spec names */
	stage_spec_opts spec_opts;
} preview_opts;

typedef struct preview preview;

/* Compiles o->spec. A spec with errors still makes a preview (its diagnostics in the state, no
 * frames until it compiles); VE_NOMEM, or VE_INVAL for a preset the spec does not name. */
int preview_new(const preview_opts *o, preview **out, vidc_err *e);
void preview_free(preview *pv);

/* Compares the modification times of every file the last compile used (the spec, its imports,
 * images, clips, sounds, hooks and effects, font files) with what they were; when one changed,
 * appeared or went, compiles again and sets *changed. 0, or VE_NOMEM. */
int preview_poll(preview *pv, int *changed, vidc_err *e);
/* Counts the compiles; the page asks again when it moves. */
uint64_t preview_generation(const preview *pv);

/* The page's state as one JSON object: generation, ok (the spec on disk compiles), spec, preset,
 * width, height, fps, frames, duration, audio (whether there is a mix), diagnostics (the array of
 * `vidc check --format json`), and the timeline of the last good compile: scenes (name, t0, t1,
 * layers), transitions, overlays, captions (the burned-in style, or null), words (the narration's,
 * when the voice has timings, captions or not), chapters. */
int preview_state(preview *pv, buf_t *out, vidc_err *e);

typedef struct {
	uint8_t *data; /* malloc'd */
	size_t len;
	const char *mime; /* "image/png" or "image/jpeg" */
	int w, h;
} preview_picture;

/* The frame at t seconds (clamped into the video) of the last good compile: a PNG at the video's
 * size when width is 0 or at least the video's width (the exact pixels `vidc frame` writes), else
 * a JPEG scaled to width (at least PREVIEW_MIN_WIDTH). VE_INVAL when no compile has succeeded. */
int preview_frame(preview *pv, double t, int width, preview_picture *pic, vidc_err *e);

/* The mix of the last good compile as a 48 kHz stereo 16-bit WAV (*data a malloc'd copy: a
 * recompile may drop the original while it is being sent), mixed once per compile. VE_NOTFOUND when the video is silent, VE_LIMIT past PREVIEW_AUDIO_MAX_S. */
int preview_audio(preview *pv, uint8_t **data, size_t *len, vidc_err *e);

#endif
