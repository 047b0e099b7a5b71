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

/* The visuals stage (pipeline/assets.h, the one `vidc assets` and `vidc make` run) for a project. */
typedef struct {
	const char *dir;       /* the project's folder: DIR/script.json in; DIR/assets.json, images/, code/ out */
	const char *article;   /* the content record's JSON text; NULL: a standalone project (no article
				* pictures or code: stock, AI and cards) */
	const char *files_dir; /* the site's files folder: the one root of the record's local pictures
				* (created when missing), so a site never reads another's files */
	const char *preset;    /* the frame the visuals are chosen for (the first target platform) */
	const char *visuals;   /* the sources in order, "article,stock,ai,cards" (NULL: that) */
	const char *cache_dir; /* the fetcher's cache (NULL: VIDC_CACHE_DIR, XDG) */
	volatile int *cancel;
	/* each section's choice and each picture that cannot be used (warning 1); may be NULL */
	void (*say)(void *ud, int warning, const char *msg);
	void *say_ud;
} stg_assets_opts;

/* Chooses a visual for every narrated section and writes DIR/assets.json. *rows gets one
 * VideoAsset per section as the store's columns (asset_type, source, file_path, url, duration,
 * section_index, order, credit, licence, original_url; absent ones null), *generated the number
 * of stock and AI visuals (priced per item). */
int stg_assets(const stg_assets_opts *o, json_t **rows, int *generated, char *err, size_t errlen);

/* Whether a visuals list ("article,stock,ai,cards") is valid; 0 or -1 with err naming the word. */
int stg_visuals_check(const char *list, char *err, size_t errlen);

/* The music of a project: name, a path inside the site's files folder (an uploaded music
 * asset's file_path), is linked or copied to DIR/music.EXT; *spec_name gets that name (static
 * storage). VE_DENIED outside the files folder, VE_NOTFOUND when missing. */
int stg_music(const char *dir, const char *files_dir, const char *name, const char **spec_name, char *err,
	      size_t errlen);

/* Writes DIR/PRESET.vid for one preset at fps frames a second from DIR/script.json,
 * DIR/voice.json and DIR/assets.json, with the title; music is a name relative to DIR
 * (stg_music) or NULL. */
int stg_spec(const char *dir, const char *preset, int fps, const char *title, const char *music, char *err,
	     size_t errlen);

typedef struct {
	int width, height;
	int64_t frames;
	double duration;
} stg_video;

/* Renders the spec's preset to out (a temp file beside it, renamed when whole: the output is
 * whole or absent), calling progress as frames are encoded; *cancel stops it. */
int stg_render(const char *spec, const char *preset, const char *out, stg_progress_fn progress, void *ud,
	       volatile int *cancel, stg_video *info, char *err, size_t errlen);
/* Piece `piece` of `pieces` of the spec's preset (a split render, pipeline/pieces.h: whole GOPs,
 * video only, tagged with where it goes) to out, whole or absent, through the piece cache in
 * cache_dir (NULL: none): a render of the project again reuses what its edit left alone, and
 * the join takes the soundtrack from there. progress gets the piece's frames. */
int stg_render_piece(const char *spec, const char *preset, int pieces, int piece, const char *out,
		     const char *cache_dir, stg_progress_fn progress, void *ud, volatile int *cancel, char *err,
		     size_t errlen);
/* The piece count a split render of the spec's preset can have at most (a piece per started 2 s
 * keyframe interval, at most PIECES_MAX) and the video's length in seconds: what a split is
 * bounded by (service/celery.c), the spec compiled as a render compiles it. */
int stg_max_pieces(const char *spec, const char *preset, int *max, double *seconds, char *err, size_t errlen);
/* Joins the pieces (all of one render, any order) into out with the whole timeline's audio,
 * the soundtrack from the piece cache in cache_dir when the pieces were rendered through it. */
int stg_join(const char *spec, const char *preset, const char *const *files, int n, const char *out,
	     const char *cache_dir, stg_video *info, char *err, size_t errlen);
/* Captions of the spec's voice as SRT at srt and WebVTT at vtt. */
int stg_subtitles(const char *spec, const char *preset, const char *srt, const char *vtt, char *err, size_t errlen);
/* The thumbnail JPEG. */
int stg_thumbnail(const char *spec, const char *preset, const char *out, char *err, size_t errlen);

#endif
