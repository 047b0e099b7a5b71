/*
 * pieces.h - split renders and incremental re-renders, as stages (the conventions of stage.h:
 * an options struct, a stage_cb, a vidc_err; nothing printed).
 *
 *   ir_program -> pieces_render_one (piece K of N, video only, starting on a keyframe)
 *              -> pieces_join (the pieces in order by stream copy + the whole timeline's audio
 *                 mixed once + chapters + faststart) -> the MP4
 *   ir_program -> pieces_render_all: the same on one machine, through the piece cache
 *                 (piececache.h): only the pieces whose key changed are encoded again.
 *
 * Pieces carry no audio: loudness is measured on the whole mix and one AAC stream has no seams,
 * so the join mixes and encodes the soundtrack once from the spec. A piece says where it
 * belongs in an MP4 tag, "vidc_piece" = "vidc-piece 1 piece=K/N frames=FIRST+COUNT/TOTAL
 * preset=P content=SHA256 spec=PATH", so `vidc join piece*.mp4` needs nothing else: it loads the
 * spec the pieces name, checks that each piece's content hash is still the spec's for those
 * frames (an edit between the pieces and the join is refused, naming the piece), and joins.
 * Every piece of a video is capped by the same rate, the video's size budget shared between
 * its pieces (enc_budget_parts), so the joined file stays within the platform's limit.
 */
#ifndef VIDC_PIECES_H
#define VIDC_PIECES_H

#include <stdint.h>

#include "stage.h"

#define PIECES_MAX 1024
/* The pieces of vidc render's cache: whole GOPs of about this many seconds. */
#define PIECES_DEFAULT_SECONDS 10.0

typedef struct {
	int64_t first, nframes;
} pieces_range;

/* The keyframe interval of p's encoder (2 s of frames): pieces start on its multiples. */
int64_t pieces_gop(const ir_program *p);
/* p's frames in n pieces of whole GOPs, as even as they can be. VE_INVAL when the video has
 * fewer GOPs than n (the message says how many pieces it can have). */
int pieces_plan(const ir_program *p, int n, pieces_range *r, vidc_err *e);
/* p's frames in pieces of about seconds each (whole GOPs; the last one takes the rest);
 * *n gets their count (at most PIECES_MAX). */
int pieces_plan_length(const ir_program *p, double seconds, pieces_range *r, int *n, vidc_err *e);

typedef struct {
	const char *dir;   /* the cache folder; NULL: pcache_dir's default */
	int64_t max_bytes; /* its size limit; 0: PCACHE_DEFAULT_MAX */
	int off;           /* no cache: encode every piece, keep none */
} pieces_cache;

typedef struct {
	const char *output; /* the piece's MP4 */
	int quality;        /* as stage_render_opts */
	int pieces, piece;  /* N >= 1, and K in 1..N */
	pieces_cache cache;
} pieces_one_opts;

typedef struct {
	int cached; /* taken from the cache, not encoded */
	pieces_range range;
} pieces_one_result;

/* Renders piece o->piece of o->pieces of p (or hands out the cached one);
 * cb->progress("render", frames, the piece's frames). */
int pieces_render_one(const ir_program *p, const pieces_one_opts *o, const stage_cb *cb,
		      pieces_one_result *r, vidc_err *e);

typedef struct {
	const char *output;
	const char *const *files; /* the pieces, in any order */
	int nfiles;
	const char *spec;   /* NULL: the spec the pieces name */
	stage_spec_opts spec_opts;
	double *loudness, *true_peak; /* out, optional: of the mix */
	pieces_cache cache; /* where the soundtrack is cached, when the pieces were rendered through a cache */
} pieces_join_opts;

typedef struct {
	int width, height;
	int64_t frames;
	char preset[32];
	int soundtrack_cached; /* the soundtrack was copied from the cache: nothing was mixed */
} pieces_join_result;

/* Joins the pieces of one render (all of them, each once) into o->output. When every piece was
 * rendered through the piece cache (its tags say so) and o->cache is not off, the soundtrack
 * comes from that cache (o->cache.dir, else pcache_dir's default) under the key
 * pieces_render_all uses, or is mixed into it; cb->message notes "soundtrack: cached" or
 * "soundtrack: mixed and encoded in 4.1 s". */
int pieces_join(const pieces_join_opts *o, const stage_cb *cb, pieces_join_result *r, vidc_err *e);

typedef struct {
	const char *output;
	int quality;
	double piece_seconds; /* 0: PIECES_DEFAULT_SECONDS */
	int pieces;           /* > 0: this many pieces instead */
	pieces_cache cache;
	double *loudness, *true_peak;
} pieces_all_opts;

typedef struct {
	int pieces, encoded, cached;
	int soundtrack_cached; /* the join copied the cached soundtrack: nothing was mixed */
} pieces_all_result;

/* Renders p to o->output in pieces: each piece found in the cache under its key is reused, the
 * others are encoded (and cached); the soundtrack likewise, under a key of the audio alone
 * (pcache_soundtrack); then all are joined. cb->message notes the soundtrack too
 * ("soundtrack: cached" or "soundtrack: mixed and encoded in 4.1 s"). cb->message gets one note per piece
 * ("piece 3/12 frames [600, 900): encoded" or "... cached"); cb->progress("render", frames
 * done, p->frames) counts cached pieces as done. */
int pieces_render_all(const ir_program *p, const pieces_all_opts *o, const stage_cb *cb,
		      pieces_all_result *r, vidc_err *e);

#endif
