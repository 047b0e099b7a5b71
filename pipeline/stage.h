/*
 * stage.h - the library API of vidc's stages: every step the `vidc` commands perform, as one call
 * each, for cli/ and for any program that embeds vidc (the HTTP service calls these in-process).
 *
 *   article.json -> stage_article -> stage_script -> script.json -> stage_voice -> voice.wav/.json
 *   -> stage_images (the article's photos) -> stage_spec_write -> video.vid
 *   -> stage_spec_load + stage_spec_lower -> ir_program -> stage_render (MP4), stage_frame (PNG),
 *      stage_subs (SRT/VTT/ASS), stage_chapters, stage_thumb (JPEG), stage_sheet (contact sheet)
 *   tests: stage_golden (golden frames by PSNR)
 *   and make_run (pipeline/make.h), the chain of them that `vidc make` runs.
 *
 * Conventions shared by every stage:
 *   - An options struct (zero it, then set what you need: zero means the documented default),
 *     a stage_cb (callbacks and the cancel flag; may be NULL: silent, not cancellable) and a
 *     vidc_err (may be NULL). Returns 0 or a negative VE_* code (base/err.h) with e->msg one
 *     sentence naming the file, asset or spec line and the cause.
 *   - Nothing here prints, exits or aborts. Compiler diagnostics go to cb->diagnostics once per
 *     compilation; notes and warnings (a photo skipped, a retry) to cb->message; progress to
 *     cb->progress. The caller decides what reaches a terminal, a log or a JSON reply.
 *   - Cancellation: when *cb->cancel becomes non-zero (a SIGINT handler, a service request),
 *     the running stage stops at its next check (between frames, sections, images, requests;
 *     network requests are also aborted) and returns VE_CANCELED; outputs are written to temp
 *     names and renamed, so a cancelled stage leaves no partial file.
 *   - Every file a spec or an article names must lie inside the spec's or article's folder, the
 *     stdlib, or one of the caller's allow roots (issue 10: --allow DIR); anything else is
 *     VE_DENIED (specs) or a warning and the file skipped (article photos).
 *
 * The runtime headers behind these stages (render.h, still.h, cues.h, golden.h) and the compiler's
 * compile.h / diag.h / ir.h are the public contracts they are built on; nothing here reaches into
 * compiler or runtime internals.
 */
#ifndef VIDC_STAGE_H
#define VIDC_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../compiler/compile.h"
#include "../compiler/diag.h"
#include "../compiler/ir.h"
#include "article.h"
#include "script.h"
#include "specgen.h"
#include "voice.h"

/* ---- callbacks ---------------------------------------------------------------------------- */

typedef enum { STAGE_NOTE, STAGE_WARNING } stage_level;

typedef struct {
	void *ud; /* passed back to every callback */
	/* The diagnostics of one compiled spec (errors, warnings, notes, with source lines), once
	 * per compilation: print them with diag_print, or walk them. May be NULL. */
	void (*diagnostics)(void *ud, const diag_sink *d);
	/* A note ("voice: 120 words, 41.2s", "wrote out/video.mp4") or a warning ("image 'x.jpg'
	 * ...; skipped"). stage names the stage ("make", "voice", "render", ...). May be NULL. */
	void (*message)(void *ud, stage_level level, const char *stage, const char *msg);
	/* Progress of a long stage: done of total units (frames for render, sections for voice;
	 * total 0 = unknown). Called often (every frame): throttle in the callee. May be NULL. */
	void (*progress)(void *ud, const char *stage, int64_t done, int64_t total);
	/* Non-zero asks the running stage to stop (VE_CANCELED). May be NULL. */
	volatile int *cancel;
} stage_cb;

/* Whether the caller asked to stop; fills e with VE_CANCELED ("STAGE cancelled") when so. */
int stage_canceled(const stage_cb *cb, const char *stage, vidc_err *e);
/* Sends a formatted message to cb (nothing when cb or its message callback is NULL). */
void stage_say(const stage_cb *cb, stage_level level, const char *stage, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- specs: compile once, lower per preset ------------------------------------------------ */

typedef struct {
	const char *stdlib_dir;   /* NULL: compile.h's default */
	int check_assets;         /* report missing asset files (the CLI's default; --no-assets) */
	int werror;               /* warnings are errors */
	const char *const *allow; /* folders a spec may read from besides its own and the stdlib */
	int nallow;
	int max_errors;           /* errors shown at most: 0 the default (100), < 0 no limit */
	unsigned warnings_off;    /* warnings not reported (-Wno-NAME): bit 1 << diag_warning */
} stage_spec_opts;

typedef struct stage_spec stage_spec; /* a compiled spec without errors */

/* Compiles the spec at path (text NULL: read from the file; else len bytes of text named path,
 * relative paths anchored at path's folder). Diagnostics go to cb->diagnostics. 0 with *out
 * set, or VE_INVAL "2 errors and 1 warning in PATH" when the spec has errors (*out NULL). */
int stage_spec_load(const char *path, const char *text, size_t len, const stage_spec_opts *o,
		    const stage_cb *cb, stage_spec **out, vidc_err *e);
void stage_spec_free(stage_spec *s);
const spec_t *stage_spec_compiled(const stage_spec *s);
const char *stage_spec_path(const stage_spec *s);
/* Lowers for preset (NULL: the first the spec names). VE_INVAL "the spec does not name preset
 * 'x' (it names: tiktok youtube_short)". Free *out with ir_program_free before the spec. */
int stage_spec_lower(const stage_spec *s, const char *preset, ir_program **out, vidc_err *e);

/* What `vidc check` adds to compiling, the checks that need the runtime or a decoder (skipped
 * when s was compiled without check_assets): every hook the spec uses, in every preset, is loaded
 * in the render's sandbox and limits without rendering a frame (a Lua syntax or load error, a
 * missing function the use calls), and the voice's word timings are compared with the audio's
 * length from its header (an error when the last word ends more than 0.5 s after it). Problems
 * go to cb->diagnostics at the spec line of the use; the result is then VE_INVAL "2 errors in
 * PATH". */
int stage_spec_check(const stage_spec *s, const stage_cb *cb, vidc_err *e);

/* The files compiling s read, i from 0 until NULL: the spec, its imports (and the stdlib files
 * they import) and the voice's timing file. With the IR's files (ir_node_file), what an output
 * path must not name. */
const char *stage_spec_file(const stage_spec *s, int i);

/* The frame at a time: "12.4s", "1500ms", "372f" or bare seconds. VE_INVAL for a malformed time
 * (*bad_syntax set: a usage error), VE_LIMIT when it is at or past the video's end. */
int stage_time_frame(const ir_program *p, const char *at, int64_t *frame, int *bad_syntax,
		     vidc_err *e);

/* ---- render: MP4, one frame, contact sheet ------------------------------------------------ */

typedef struct {
	const char *output;           /* the MP4 (or .y4m: render.h); written to a temp name beside it, then renamed */
	int quality;                  /* 0: the preset's default; 1 (best) .. 51 */
	int64_t first_frame, nframes; /* a part; nframes 0 = to the end */
	/* Out, optional: integrated loudness (LUFS) and true peak (dBTP) of the mix, -inf when
	 * silent. */
	double *loudness, *true_peak;
} stage_render_opts;

/* Renders p to o->output; cb->progress("render", frames encoded, frames). */
int stage_render(const ir_program *p, const stage_render_opts *o, const stage_cb *cb, vidc_err *e);

/* Frame f of p as a PNG at png (the exact pixels the encoder gets). */
int stage_frame(const ir_program *p, int64_t f, const char *png, const stage_cb *cb, vidc_err *e);

typedef struct {
	const char *output; /* the PNG */
	int cols;           /* 0: 4 for 16:9, 6 for vertical */
	int frames;         /* 0: 12 spread over the video (unless every is set) */
	double every;       /* > 0: one frame every this many seconds (at most STILL_SHEET_MAX) */
	int width;          /* 0: 1600 px */
} stage_sheet_opts;

typedef struct {
	int frames, width, height;
} stage_sheet_result;

/* A contact sheet of p: frames in a grid, labelled with their times. */
int stage_sheet(const ir_program *p, const stage_sheet_opts *o, const stage_cb *cb,
		stage_sheet_result *r, vidc_err *e);

/* ---- what is published beside the video --------------------------------------------------- */

typedef enum { STAGE_SUBS_SRT, STAGE_SUBS_VTT, STAGE_SUBS_ASS } stage_subs_format;

/* "srt", "vtt"/"webvtt", "ass" -> the format; -1 when unknown. */
int stage_subs_format_parse(const char *name);
/* The format an output's extension implies (.vtt, .ass, else SRT). */
stage_subs_format stage_subs_format_of(const char *path);

typedef struct {
	const char *output;
	stage_subs_format format;
	const char *style; /* ASS only: a caption style (NULL: the spec's) */
} stage_subs_opts;

typedef struct {
	int cues;
	int bad_style; /* set when the failure is an unknown --style (a usage error) */
} stage_subs_result;

/* Captions from the voice's word timings of s lowered for preset (a spec without `captions`
 * is compiled again with plain captions to get its words). VE_INVAL when the voice has no
 * timings. SRT and VTT use the plain style's line length; ASS the spec's style or o->style. */
int stage_subs(const stage_spec *s, const char *preset, const stage_subs_opts *o, const stage_cb *cb,
	       stage_subs_result *r, vidc_err *e);

/* The chapters of p as a YouTube description block ("0:00 Intro\n0:14 ...\n", H:MM:SS past an
 * hour) in *block (malloc'd). VE_INVAL "the spec has no chapters" (*block NULL). When YouTube
 * would ignore them (first not at 0:00, fewer than three, one under 10 s) each reason goes to
 * cb->message as a warning and the result is VE_INVAL with *block still set. */
int stage_chapters(const ir_program *p, char **block, const stage_cb *cb, vidc_err *e);

typedef struct {
	const char *output;   /* the JPEG */
	const char *title;    /* NULL: the spec's first text layer, else its first chapter, else none */
	const char *image;    /* NULL: the spec's first image (or the video's frame with at >= 0) */
	double at;            /* >= 0: the hero picture is the video's frame at this many seconds */
	const char *template_file; /* NULL: the stdlib's templates/thumb.vid */
} stage_thumb_opts;

typedef struct {
	int width, height;
	int64_t bytes;
	char title[512]; /* the title used ("" for none) */
} stage_thumb_result;

/* The thumbnail of s at preset: 1280x720 for 16:9, 1080x1920 for vertical presets, a JPEG under
 * 2 MB (YouTube's limit). The picture is the stdlib template templates/thumb.vid (hero image,
 * scrim, title), compiled like any spec and rendered to memory. */
int stage_thumb(const stage_spec *s, const char *preset, const stage_thumb_opts *o, const stage_cb *cb,
		stage_thumb_result *r, vidc_err *e);

/* ---- golden frames (tests) ---------------------------------------------------------------- */

typedef enum { STAGE_GOLDEN_OK, STAGE_GOLDEN_UPDATED, STAGE_GOLDEN_FAIL } stage_golden_status;

typedef struct {
	const char *name;   /* SPEC@TIME[@PRESET].png */
	stage_golden_status status;
	double psnr;        /* dB (INFINITY: identical); NAN when not compared */
	const char *detail; /* FAIL: why */
} stage_golden_item;

typedef struct {
	const char *dir;    /* holds SPEC.vid files and golden/SPEC@TIME[@PRESET].png */
	double threshold;   /* lowest passing PSNR, dB; 0: 40 */
	int update;         /* rewrite the goldens that fail from the current build */
	int update_all;     /* with update: rewrite every golden */
	stage_spec_opts spec;
	/* One call per golden, in name order. */
	void (*on_item)(void *ud, const stage_golden_item *it);
} stage_golden_opts;

typedef struct {
	int checked, failed;
} stage_golden_result;

/* Renders the frame of every golden PNG in o->dir/golden/ and compares by PSNR. A failure keeps
 * NAME.actual.png and writes NAME.diff.png beside it. Each spec is compiled once (its warnings
 * reported once); a golden whose spec is missing fails naming it. Returns 0 when the folder was read (see
 * r->failed), VE_IO / VE_NOTFOUND when it cannot be. */
int stage_golden(const stage_golden_opts *o, const stage_cb *cb, stage_golden_result *r, vidc_err *e);

/* ---- article, script, voice, photos, spec ------------------------------------------------- */

typedef struct {
	const char *const *allow; /* folders the article's photos may come from besides its own */
	int nallow;
} stage_article_opts;

/* Loads a content record (article.h). Photos at absolute or ../ paths outside the article's
 * folder and the allow roots are dropped with a warning naming them; any part of the HTML that
 * had to be skipped is a warning too. */
int stage_article(const char *path, const stage_article_opts *o, const stage_cb *cb, article_t **out,
		  vidc_err *e);

typedef struct {
	const char *generator; /* "extract" (NULL) or "llm" */
	script_opts script;    /* from script_opts_init; log and cancel are set by the stage */
	const char *output;    /* where to write the script JSON (atomically); NULL: not written */
} stage_script_opts;

/* Article -> script (script.h): the generator's draft finished and validated. *out (may be
 * NULL) gets the script; json_decref it. */
int stage_script(const article_t *a, const stage_script_opts *o, const stage_cb *cb, json_t **out,
		 vidc_err *e);

/* An edited script: validated against the schema (the error names the JSON path) and copied to
 * output unless it is that file already. */
int stage_script_edited(const char *path, const char *output, const stage_cb *cb, vidc_err *e);

typedef struct {
	const char *script;  /* the script JSON, or: */
	const char *preview; /* a short text (VOICE_PREVIEW_MAX characters) to speak instead */
	const char *wav;     /* the narration, 48 kHz mono 16-bit */
	const char *timing;  /* the word timings (SPEC.md section 6) */
	voice_opts voice;    /* provider, voice, speed, ...; log and cancel are set by the stage */
} stage_voice_opts;

typedef struct {
	int words, sections;
	double seconds;
} stage_voice_result;

/* Script -> voice.wav + voice.json; cb->progress("voice", sections done, sections). */
int stage_voice(const stage_voice_opts *o, const stage_cb *cb, stage_voice_result *r, vidc_err *e);

#define STAGE_MAX_IMAGES 64

/* The article's photos that are local files inside its roots and decode, at least 320 px a
 * side, copied to DIR/images/NN.ext. A URL, a damaged or small picture is skipped with a warning
 * naming it. names[] (STAGE_MAX_IMAGES) get paths relative to dir, malloc'd; *n their count. */
int stage_images(const article_t *a, const char *dir, const stage_cb *cb, char **names, int *n,
		 vidc_err *e);

/* Writes the spec of a made video (specgen.h) to path. */
int stage_spec_write(const char *path, const specgen_opts *o, const stage_cb *cb, vidc_err *e);

#endif
