/*
 * scale.c - renders beyond one pass (pipeline/pieces.h): `vidc render --pieces N --piece K`
 * (one piece, for another machine), `vidc render` through the piece cache (only what changed is
 * encoded again), and `vidc join PIECE... -o OUT.mp4`.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/pieces.h"
#include "cli.h"

#define F(x) offsetof(cli_args, x)

const cli_opt cli_opt_pieces = {"--pieces", NULL, OPT_INT, F(pieces), 1, PIECES_MAX, "a whole number from 1 to 1024"};
const cli_opt cli_opt_piece = {"--piece", NULL, OPT_INT, F(piece), 1, PIECES_MAX, "a whole number from 1 to 1024"};
const cli_opt cli_opt_cache = {"--cache", NULL, OPT_FLAG, F(cache), 0, 0, NULL};
const cli_opt cli_opt_no_cache = {"--no-cache", NULL, OPT_FLAG, F(no_cache), 0, 0, NULL};
const cli_opt cli_opt_cache_size = {"--cache-size", NULL, OPT_NUM, F(cache_size), 0.01, 1e9, "megabytes (e.g. 2048)"};
const cli_opt cli_opt_piece_length = {"--piece-length", NULL, OPT_TIME, F(piece_length), 0, 0,
				      "a duration such as 10s"};
const cli_opt cli_opt_piece_cache = {"--cache-dir", NULL, OPT_STR, F(cache_dir), 0, 0, NULL};
static const cli_opt o_spec = {"--spec", NULL, OPT_STR, F(spec), 0, 0, NULL};
static const cli_opt o_progress = {"--progress", NULL, OPT_STR, F(progress), 0, 0, NULL};

const cli_opt *const cli_join_opts[] = {&cli_opt_output, &o_spec, &cli_opt_piece_cache, &cli_opt_no_cache,
					 &cli_opt_cache_size, &cli_opt_allow, &cli_opt_color, &o_progress, NULL};
const char cli_join_usage[] =
	"usage: vidc join PIECE.mp4... -o OUT.mp4 [--spec SPEC]\n"
	"\n"
	"Joins the pieces of a split render (vidc render SPEC --pieces N --piece K, any order) by\n"
	"stream copy into one MP4, with the soundtrack of the whole video mixed and encoded once,\n"
	"the chapters, and the moov atom in front. The pieces name their spec; the join checks\n"
	"that each piece is still what the spec makes of its frames. When the pieces were rendered\n"
	"with --cache, the soundtrack is taken from the piece cache (or mixed into it): a join after\n"
	"an edit that left the sound alone mixes nothing.\n"
	"  --spec SPEC        the spec, when it has moved since the pieces were rendered\n"
	"  --cache-dir DIR    the piece cache the pieces were rendered with (default: as vidc render's)\n"
	"  --no-cache         mix the soundtrack, whatever the pieces say\n"
	"  --cache-size MB    the cache's size limit (default 2048)\n"
	"  --allow DIR        a folder the spec may read files from besides its own and the stdlib\n";

static pieces_cache cache_opts(const cli_args *a)
{
	pieces_cache c = {a->cache_dir, (int64_t)(a->cache_size * 1048576.0), a->no_cache || !a->cache};
	return c;
}

/* Whether to print a summary on standard error: not under --progress json (whose lines are
 * the output a caller reads); the progress bar's line is ended first. */
static int say(const cli_args *a)
{
	if (a->progress && !strcmp(a->progress, "json"))
		return 0;
	cli_progress_end();
	return 1;
}

static void say_wrote(const cli_args *a, const char *out, const char *what, const ir_program *p, double lufs,
		      double peak)
{
	if (!say(a))
		return;
	fprintf(stderr, "vidc: wrote %s (%s%s, %dx%d, %.2fs)\n", out, what, p->preset, p->width, p->height,
		ir_frame_time(p, p->frames));
	if (p->mix >= 0 && isfinite(lufs))
		fprintf(stderr, "vidc: loudness %.1f LUFS, true peak %.1f dBTP\n", lufs, peak);
}

/* One piece, for a join elsewhere. */
static int render_piece(cli_args *a, const stage_cb *cb, const ir_program *p, const char *out)
{
	pieces_one_opts o = {out, a->quality, a->pieces, a->piece, cache_opts(a)};
	pieces_one_result r;
	vidc_err e = {0};
	if (pieces_render_one(p, &o, cb, &r, &e))
		return cli_error(a, &e);
	if (say(a))
		fprintf(stderr, "vidc: wrote %s (piece %d/%d of %s: frames [%lld, %lld), %s)\n", out, a->piece, a->pieces,
			p->preset, (long long)r.range.first, (long long)(r.range.first + r.range.nframes),
			r.cached ? "from the cache" : "encoded");
	return 0;
}

int cli_render_split(cli_args *a, const stage_cb *cb, const ir_program *p, const char *out)
{
	if (a->piece && !a->pieces)
		return cli_usage(a, "--piece K needs --pieces N (the number of pieces the video is split in)");
	if (a->piece)
		return render_piece(a, cb, p, out);
	double len = a->piece_length > 0 ? a->piece_length : PIECES_DEFAULT_SECONDS;
	/* The cache is asked for (--cache): a render that goes through it writes its output only at
	 * the join and keeps pieces in a folder of its own, so by default a render stays one pass
	 * (its temp file beside the output from the first frame, a full disk found at once). */
	if (!a->pieces && (!a->cache || a->no_cache || ir_frame_time(p, p->frames) < 2 * len))
		return -1; /* one pass: not asked for, nothing to split or nothing to reuse */
	double lufs = -INFINITY, peak = -INFINITY;
	pieces_all_opts o = {out, a->quality, len, a->pieces, cache_opts(a), &lufs, &peak};
	pieces_all_result r;
	vidc_err e = {0};
	if (pieces_render_all(p, &o, cb, &r, &e))
		return cli_error(a, &e);
	if (say(a))
		fprintf(stderr, "vidc: %d pieces: %d encoded, %d from the cache\n", r.pieces, r.encoded, r.cached);
	say_wrote(a, out, "", p, lufs, peak);
	return 0;
}

int cli_join(cli_args *a)
{
	if (a->npos < 1 || !a->output)
		return cli_usage(a, "vidc join PIECE.mp4... -o OUT.mp4");
	stage_cb cb;
	int rc = cli_callbacks(a, &cb);
	if (rc)
		return rc;
	double lufs = -INFINITY, peak = -INFINITY;
	stage_spec_opts so = cli_spec_opts(a);
	/* the cache is on unless --no-cache: the pieces say whether they were rendered through it */
	pieces_cache c = {a->cache_dir, (int64_t)(a->cache_size * 1048576.0), a->no_cache};
	pieces_join_opts o = {a->output, a->pos, a->npos, a->spec, so, &lufs, &peak, c};
	pieces_join_result r;
	vidc_err e = {0};
	if (pieces_join(&o, &cb, &r, &e))
		return cli_error(a, &e);
	if (say(a)) {
		fprintf(stderr, "vidc: wrote %s (%d pieces joined, %s, %dx%d, %lld frames)\n", a->output, a->npos,
			r.preset, r.width, r.height, (long long)r.frames);
		if (isfinite(lufs))
			fprintf(stderr, "vidc: loudness %.1f LUFS, true peak %.1f dBTP\n", lufs, peak);
	}
	return 0;
}
