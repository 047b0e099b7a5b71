/*
 * pieces.c - split renders, their join and the cached whole render (pieces.h). The encoding is
 * the runtime's (rt_render with no_audio for a piece, join_run for the join); this file plans
 * the pieces, keys them (piececache.h), tags them and checks them before a join.
 */
#include "pieces.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/file.h"
#include "../runtime/encode.h"
#include "../runtime/join.h"
#include "../runtime/render.h"
#include "piececache.h"
#include "stage_priv.h"

/* ---- plans -------------------------------------------------------------------------------- */

int64_t pieces_gop(const ir_program *p)
{
	/* encode.c's closed GOPs: 2 s of frames */
	int64_t g = (int64_t)lrint(2.0 * p->fps_num / p->fps_den);
	return g > 1 ? g : 1;
}

int pieces_plan(const ir_program *p, int n, pieces_range *r, vidc_err *e)
{
	int64_t gop = pieces_gop(p), gops = (p->frames + gop - 1) / gop;
	if (n < 1 || n > PIECES_MAX)
		return err_set(e, VE_INVAL, "a video is split in 1 to %d pieces, not %d", PIECES_MAX, n);
	if (gops < n)
		return err_set(e, VE_INVAL,
			       "%s is %.2f s long: %lld keyframe intervals of %.0f s, so at most %lld pieces, not %d",
			       p->spec, ir_frame_time(p, p->frames), (long long)gops, ir_frame_time(p, gop),
			       (long long)gops, n);
	for (int k = 0; k < n; k++) {
		int64_t a = gops * k / n * gop, b = k + 1 == n ? p->frames : gops * (k + 1) / n * gop;
		r[k].first = a;
		r[k].nframes = b - a;
	}
	return 0;
}

int pieces_plan_length(const ir_program *p, double seconds, pieces_range *r, int *n, vidc_err *e)
{
	int64_t gop = pieces_gop(p);
	int64_t len = (int64_t)llround(seconds * p->fps_num / p->fps_den / gop) * gop;
	if (len < gop)
		len = gop;
	int64_t count = (p->frames + len - 1) / len;
	if (count > PIECES_MAX)
		len = (p->frames + PIECES_MAX - 1) / PIECES_MAX / gop * gop + gop;
	*n = 0;
	for (int64_t a = 0; a < p->frames; a += len) {
		r[*n].first = a;
		r[*n].nframes = a + len < p->frames ? len : p->frames - a;
		(*n)++;
	}
	if (*n == 0)
		return err_set(e, VE_INVAL, "%s has no frames", p->spec);
	return 0;
}

/* ---- keys and tags ------------------------------------------------------------------------ */

/* The content hash and the cache key of range r of p split in n pieces. */
static int piece_key(pcache_hasher *h, const ir_program *p, pieces_range r, int n, int quality,
		     char content[65], char key[65], vidc_err *e)
{
	int rc = pcache_content(h, r.first, r.nframes, content, e);
	if (rc)
		return rc;
	rt_render_opts ro = {.quality = quality, .no_audio = 1, .pieces = n};
	char settings[1024], err[VE_MSG_MAX];
	if ((rc = rt_render_settings(p, &ro, r.first, r.nframes, settings, sizeof settings, err, sizeof err)))
		return stage_rt_err(e, rc, err);
	return pcache_key(content, settings, key, e);
}

#define TAG_HEAD "vidc-piece 1 "

static void tag_text(char *out, size_t n, const ir_program *p, int k, int np, pieces_range r,
		     const char *content)
{
	char spec[PATH_MAX];
	if (!realpath(p->spec, spec))
		snprintf(spec, sizeof spec, "%s", p->spec);
	snprintf(out, n, TAG_HEAD "piece=%d/%d frames=%lld+%lld/%lld preset=%s content=%s spec=%s", k, np,
		 (long long)r.first, (long long)r.nframes, (long long)p->frames, p->preset ? p->preset : "",
		 content && *content ? content : "none", spec);
}

typedef struct {
	const char *path;
	int k, n;
	pieces_range r;
	long long total;
	char preset[32], content[65];
	int spec; /* where the spec's path starts in tag (an offset: the array is sorted) */
	char tag[4096];
	int cached; /* rendered through a piece cache */
} piece_tag;

/* Reads a piece file's tag; 0, or VE_INVAL naming the file when it is not a vidc piece. */
static int tag_parse(const char *path, piece_tag *t, vidc_err *e)
{
	join_info info;
	char err[VE_MSG_MAX];
	memset(t, 0, sizeof *t);
	t->path = path;
	int rc = join_probe(path, &info, err, sizeof err);
	if (rc)
		return stage_rt_err(e, rc, err);
	memcpy(t->tag, info.tag, sizeof t->tag);
	t->cached = info.cached;
	long long a, c;
	int off = 0;
	if (sscanf(t->tag, TAG_HEAD "piece=%d/%d frames=%lld+%lld/%lld preset=%31s content=%64s spec=%n", &t->k,
		   &t->n, &a, &c, &t->total, t->preset, t->content, &off) != 7 || !off)
		return err_set(e, VE_INVAL, "'%s' is not a piece of a split render (vidc render --pieces N --piece K)",
			       path);
	t->r.first = a;
	t->r.nframes = c;
	t->spec = off;
	return 0;
}

/* ---- rendering a piece -------------------------------------------------------------------- */

typedef struct {
	const stage_cb *cb;
	int64_t base, total;
} progress_shift;

static void on_piece_progress(void *ud, int64_t done, int64_t total)
{
	const progress_shift *ps = ud;
	ps->cb->progress(ps->cb->ud, "render", ps->base + done, ps->total);
}

/* Encodes range r of p (video only, capped as one of n pieces) to out. When no budget binds,
 * the cap is the frame size's peak rate, checked on the packets (x264 on sliced threads); a
 * piece over it is composed and encoded again with the cap given to x264 (one thread), as a
 * whole render's second pass is held to it. */
static int encode_piece(const ir_program *p, pieces_range r, int n, int quality, const char *out,
			const char *const *tags, const stage_cb *cb, int64_t base, int64_t total, vidc_err *e)
{
	int over = 0;
	rt_render_opts ro = {.output = out, .quality = quality, .progress = RT_PROGRESS_NONE,
			     .first_frame = r.first, .nframes = r.nframes, .cancel = stage_cancel_flag(cb),
			     .no_audio = 1, .pieces = n, .tags = tags, .over_peak = &over};
	progress_shift ps = {cb, base, total};
	if (cb && cb->progress) {
		ro.on_progress = on_piece_progress;
		ro.progress_ud = &ps;
	}
	char err[VE_MSG_MAX];
	int rc = rt_render(p, &ro, err, sizeof err);
	if (!rc && over) {
		stage_say(cb, STAGE_NOTE, "render",
			  "frames [%lld, %lld): some seconds take more than the %.0f Mb/s a %dx%d video may peak "
			  "at: composed and encoded again, held to it",
			  (long long)r.first, (long long)(r.first + r.nframes), enc_peak_rate(p->width, p->height) / 1e6,
			  p->width, p->height);
		ro.hold_peak = 1;
		ro.over_peak = NULL;
		rc = rt_render(p, &ro, err, sizeof err);
	}
	return rc ? stage_rt_err(e, rc, err) : 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int pieces_render_one(const ir_program *p, const pieces_one_opts *o, const stage_cb *cb,
		      pieces_one_result *r, vidc_err *e)
{
	memset(r, 0, sizeof *r);
	if (!o->output)
		return err_set(e, VE_INVAL, "render: no output path");
	if (rt_output_raw(o->output))
		return err_set(e, VE_INVAL, "'%s': a .y4m file is rendered whole, in one pass (pieces are MP4)", o->output);
	if (o->piece < 1 || o->piece > o->pieces)
		return err_set(e, VE_INVAL, "piece %d of %d: pieces count from 1 to %d", o->piece, o->pieces, o->pieces);
	pieces_range *plan = malloc(sizeof *plan * (size_t)o->pieces);
	if (!plan)
		return err_set(e, VE_NOMEM, "out of memory");
	int rc = pieces_plan(p, o->pieces, plan, e);
	pieces_range rg = plan[o->piece - 1];
	free(plan);
	if (rc || (rc = file_out_check(o->output, e)))
		return rc;
	r->range = rg;
	char dir[4096], content[65] = "", key[65] = "", cached[4400], tag[8192];
	pcache_hasher *h = pcache_hasher_new(p);
	if (!h)
		return err_set(e, VE_NOMEM, "out of memory");
	vidc_err ke = {0};
	int keyed = piece_key(h, p, rg, o->pieces, o->quality, content, key, &ke) == 0;
	pcache_hasher_free(h);
	if (!keyed)
		stage_say(cb, STAGE_WARNING, "render", "piece %d/%d is not cached: %s", o->piece, o->pieces, ke.msg);
	int use_cache = !o->cache.off && keyed && pcache_dir(o->cache.dir, dir, sizeof dir, &ke) == 0;
	tag_text(tag, sizeof tag, p, o->piece, o->pieces, rg, content);
	/* a piece rendered through the cache says so: the join then takes the soundtrack from it */
	const char *tags[] = {"vidc_piece", tag, use_cache ? "vidc_cache" : NULL, "1", NULL};
	char err[VE_MSG_MAX];
	if (use_cache && pcache_get(dir, key, cached, sizeof cached)) {
		if ((rc = join_retag(cached, o->output, tags, err, sizeof err)))
			return stage_rt_err(e, rc, err);
		r->cached = 1;
		if (cb && cb->progress)
			cb->progress(cb->ud, "render", rg.nframes, rg.nframes);
		return 0;
	}
	if ((rc = encode_piece(p, rg, o->pieces, o->quality, o->output, tags, cb, 0, rg.nframes, e)))
		return rc;
	if (use_cache) {
		int64_t max = o->cache.max_bytes > 0 ? o->cache.max_bytes : PCACHE_DEFAULT_MAX;
		if (pcache_put(dir, key, o->output, &ke))
			stage_say(cb, STAGE_WARNING, "render", "%s", ke.msg);
		pcache_evict(dir, max, 0);
	}
	return 0;
}

/* Mixes p's soundtrack and encodes it to path, with the figures of the mix. */
static int mix_soundtrack(const ir_program *p, const char *path, const stage_cb *cb, const char *stage, double *loudness,
			  double *true_peak, vidc_err *e)
{
	char err[VE_MSG_MAX];
	double t = now_s();
	int rc = join_soundtrack(p, path, stage_cancel_flag(cb), loudness, true_peak, err, sizeof err);
	if (rc)
		return stage_rt_err(e, rc, err);
	stage_say(cb, STAGE_NOTE, stage, "soundtrack: mixed and encoded in %.1f s", now_s() - t);
	return 0;
}

/* p's soundtrack in the cache folder dir under its key (pcache_soundtrack, the encoder's
 * settings, vidc's hash): found there (*cached set, the figures from its tags) or mixed and
 * encoded into it, then the folder evicted to max (sparing what was used since keep_since).
 * 1 when it cannot be keyed (a warning says why; the caller mixes it elsewhere), else 0 with
 * path set, or a VE_* code. */
static int cached_soundtrack(const ir_program *p, pcache_hasher *h, const char *dir, int64_t max, double keep_since,
			     const stage_cb *cb, const char *stage, double *loudness, double *true_peak, char *path,
			     size_t n, int *cached, vidc_err *e)
{
	char content[65], key[65], settings[512], err[VE_MSG_MAX];
	vidc_err ke = {0};
	join_soundtrack_settings(settings, sizeof settings);
	if (pcache_soundtrack(h, content, &ke) || pcache_key(content, settings, key, &ke)) {
		stage_say(cb, STAGE_WARNING, stage, "the soundtrack is not cached: %s", ke.msg);
		return 1;
	}
	if (pcache_get(dir, key, path, n) && !join_soundtrack_figures(path, loudness, true_peak, err, sizeof err)) {
		*cached = 1;
		stage_say(cb, STAGE_NOTE, stage, "soundtrack: cached");
		return 0;
	}
	int rc = pcache_path(dir, key, path, n, e);
	if (!rc)
		rc = mix_soundtrack(p, path, cb, stage, loudness, true_peak, e);
	if (!rc)
		pcache_evict(dir, max, keep_since);
	return rc;
}

/* ---- joining ------------------------------------------------------------------------------ */

static int by_piece(const void *a, const void *b)
{
	return ((const piece_tag *)a)->k - ((const piece_tag *)b)->k;
}

/* The tags of the files: one render's pieces, each once. */
static int read_tags(const pieces_join_opts *o, piece_tag *t, vidc_err *e)
{
	for (int i = 0; i < o->nfiles; i++) {
		int rc = tag_parse(o->files[i], &t[i], e);
		if (rc)
			return rc;
		if (t[i].n != t[0].n || t[i].total != t[0].total || strcmp(t[i].preset, t[0].preset) ||
		    (!o->spec && strcmp(t[i].tag + t[i].spec, t[0].tag + t[0].spec)))
			return err_set(e, VE_INVAL, "'%s' and '%s' are pieces of different renders (%s)", t[0].path,
				       t[i].path, t[i].tag + strlen(TAG_HEAD));
	}
	qsort(t, (size_t)o->nfiles, sizeof *t, by_piece);
	for (int i = 0; i < o->nfiles; i++) {
		if (i > 0 && t[i].k == t[i - 1].k)
			return err_set(e, VE_INVAL, "'%s' and '%s' are both piece %d/%d", t[i - 1].path, t[i].path,
				       t[i].k, t[i].n);
		if (t[i].k != i + 1)
			return err_set(e, VE_INVAL, "piece %d/%d is missing (give every piece of the render)", i + 1,
				       t[0].n);
	}
	if (o->nfiles != t[0].n)
		return err_set(e, VE_INVAL, "%d pieces given, the render has %d (piece %d/%d is missing)", o->nfiles,
			       t[0].n, o->nfiles + 1, t[0].n);
	return 0;
}

/* Each piece must still be what the spec makes of its frames. */
static int check_content(const ir_program *p, const piece_tag *t, int n, const stage_cb *cb, vidc_err *e)
{
	if (p->frames != t[0].total)
		return err_set(e, VE_INVAL,
			       "%s now makes %lld frames at %s; the pieces were rendered for %lld (it changed since)",
			       p->spec, (long long)p->frames, p->preset, t[0].total);
	pcache_hasher *h = pcache_hasher_new(p);
	if (!h)
		return err_set(e, VE_NOMEM, "out of memory");
	int rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		char content[65];
		vidc_err ke = {0};
		if (!strcmp(t[i].content, "none") || pcache_content(h, t[i].r.first, t[i].r.nframes, content, &ke)) {
			stage_say(cb, STAGE_WARNING, "join", "piece %d/%d cannot be checked against the spec%s%s",
				  t[i].k, t[i].n, ke.msg[0] ? ": " : "", ke.msg);
			continue;
		}
		if (strcmp(content, t[i].content))
			rc = err_set(e, VE_CONFLICT,
				     "piece '%s' (frames [%lld, %lld)) was rendered from another version of %s or of "
				     "its assets: render it again",
				     t[i].path, (long long)t[i].r.first, (long long)(t[i].r.first + t[i].r.nframes),
				     p->spec);
	}
	pcache_hasher_free(h);
	return rc;
}

static int join_loaded(const ir_program *p, const pieces_join_opts *o, const piece_tag *t, const char *track,
		       const stage_cb *cb, vidc_err *e)
{
	join_piece *jp = calloc((size_t)o->nfiles, sizeof *jp);
	if (!jp)
		return err_set(e, VE_NOMEM, "out of memory");
	for (int i = 0; i < o->nfiles; i++)
		jp[i] = (join_piece){t[i].path, t[i].r.first, t[i].r.nframes};
	join_opts jo = {.output = o->output, .pieces = jp, .npieces = o->nfiles, .cancel = stage_cancel_flag(cb),
			.loudness = o->loudness, .true_peak = o->true_peak, .soundtrack = track};
	char err[VE_MSG_MAX];
	int rc = join_run(p, &jo, err, sizeof err);
	free(jp);
	return rc ? stage_rt_err(e, rc, err) : 0;
}

/* The soundtrack from the piece cache when the pieces were rendered through one (each says so
 * in its tags) and the join's cache is not off: the cache the join is given, else the default
 * one (the pieces' own folder is not taken from their tags: a file would name where the join
 * writes and evicts). track stays "" when the join mixes it itself. */
static int join_soundtrack_cached(const ir_program *p, const pieces_join_opts *o, const piece_tag *t,
				  const stage_cb *cb, char *track, size_t n, pieces_join_result *r, vidc_err *e)
{
	int all = 1;
	for (int i = 0; i < o->nfiles; i++)
		all &= t[i].cached;
	char dir[4096];
	vidc_err ce = {0};
	if (!all || o->cache.off)
		return 0;
	if (pcache_dir(o->cache.dir, dir, sizeof dir, &ce)) {
		stage_say(cb, STAGE_WARNING, "join", "no piece cache: %s", ce.msg);
		return 0;
	}
	pcache_hasher *h = pcache_hasher_new(p);
	if (!h)
		return err_set(e, VE_NOMEM, "out of memory");
	int64_t max = o->cache.max_bytes > 0 ? o->cache.max_bytes : PCACHE_DEFAULT_MAX;
	int rc = cached_soundtrack(p, h, dir, max, now_s() - 1, cb, "join", o->loudness, o->true_peak, track, n,
				   &r->soundtrack_cached, e);
	pcache_hasher_free(h);
	if (rc == 1)
		track[0] = 0, rc = 0;
	return rc;
}

int pieces_join(const pieces_join_opts *o, const stage_cb *cb, pieces_join_result *r, vidc_err *e)
{
	memset(r, 0, sizeof *r);
	if (!o->output || o->nfiles < 1)
		return err_set(e, VE_INVAL, "join: no pieces or no output");
	if (rt_output_raw(o->output))
		return err_set(e, VE_INVAL, "'%s': the join writes an MP4 (the pieces' own H.264), not a .y4m file",
			       o->output);
	piece_tag *t = calloc((size_t)o->nfiles, sizeof *t);
	if (!t)
		return err_set(e, VE_NOMEM, "out of memory");
	stage_spec *s = NULL;
	ir_program *p = NULL;
	int rc = read_tags(o, t, e);
	if (!rc)
		rc = stage_spec_load(o->spec ? o->spec : t[0].tag + t[0].spec, NULL, 0, &o->spec_opts, cb, &s, e);
	if (!rc)
		rc = stage_spec_lower(s, t[0].preset, &p, e);
	if (!rc)
		rc = check_content(p, t, o->nfiles, cb, e);
	char track[4400] = "";
	if (!rc)
		rc = join_soundtrack_cached(p, o, t, cb, track, sizeof track, r, e);
	if (!rc)
		rc = join_loaded(p, o, t, track[0] ? track : NULL, cb, e);
	if (!rc) {
		r->width = p->width;
		r->height = p->height;
		r->frames = p->frames;
		snprintf(r->preset, sizeof r->preset, "%s", p->preset ? p->preset : "");
	}
	ir_program_free(p);
	stage_spec_free(s);
	free(t);
	return rc;
}

/* ---- the whole video through the cache ----------------------------------------------------- */

typedef struct {
	const ir_program *p;
	const pieces_all_opts *o;
	const stage_cb *cb;
	pieces_range *plan;
	int n;
	char (*paths)[4400];
	char dir[4096];  /* the cache folder ("" when off) */
	char work[4200]; /* a private folder for uncached pieces ("" until needed) */
	pcache_hasher *h;
	int64_t max;
	double t0;
} whole;

/* The work folder beside the output, for what is not cached (made when first needed). */
static int work_dir(whole *w, vidc_err *e)
{
	if (!w->work[0]) {
		snprintf(w->work, sizeof w->work, "%s.pieces-%ld", w->o->output, (long)getpid());
		if (mkdir(w->work, 0700) && errno != EEXIST) {
			int err = errno;
			w->work[0] = 0;
			return err_errno(e, err, "cannot create '%s.pieces-%ld'", w->o->output, (long)getpid());
		}
	}
	return 0;
}

/* Where piece k goes when it is not cached: the work folder. */
static int work_path(whole *w, int k, vidc_err *e)
{
	int rc = work_dir(w, e);
	if (!rc)
		snprintf(w->paths[k], sizeof w->paths[k], "%s/piece-%d.mp4", w->work, k + 1);
	return rc;
}

/* Piece k: found in the cache, or encoded (into the cache when it can be keyed). */
static int one_piece(whole *w, int k, int64_t base, pieces_all_result *r, vidc_err *e)
{
	char content[65], key[65];
	vidc_err ke = {0};
	pieces_range rg = w->plan[k];
	int keyed = w->dir[0] && piece_key(w->h, w->p, rg, w->n, w->o->quality, content, key, &ke) == 0;
	if (w->dir[0] && !keyed)
		stage_say(w->cb, STAGE_WARNING, "render", "piece %d/%d is not cached: %s", k + 1, w->n, ke.msg);
	if (keyed && pcache_get(w->dir, key, w->paths[k], sizeof w->paths[k])) {
		r->cached++;
		stage_say(w->cb, STAGE_NOTE, "render", "piece %d/%d frames [%lld, %lld): cached", k + 1, w->n,
			  (long long)rg.first, (long long)(rg.first + rg.nframes));
		if (w->cb && w->cb->progress)
			w->cb->progress(w->cb->ud, "render", base + rg.nframes, w->p->frames);
		return 0;
	}
	int rc = keyed ? pcache_path(w->dir, key, w->paths[k], sizeof w->paths[k], e) : work_path(w, k, e);
	double t = now_s();
	if (!rc)
		rc = encode_piece(w->p, rg, w->n, w->o->quality, w->paths[k], NULL, w->cb, base, w->p->frames, e);
	if (rc)
		return rc;
	r->encoded++;
	stage_say(w->cb, STAGE_NOTE, "render", "piece %d/%d frames [%lld, %lld): encoded in %.1f s", k + 1, w->n,
		  (long long)rg.first, (long long)(rg.first + rg.nframes), now_s() - t);
	if (keyed)
		pcache_evict(w->dir, w->max, w->t0); /* never this render's own pieces */
	return 0;
}

/* The soundtrack for the whole render's join: through the cache when it has one, else mixed
 * into the work folder. */
static int soundtrack(whole *w, char *path, size_t n, pieces_all_result *r, vidc_err *e)
{
	int rc = 1;
	if (w->dir[0])
		rc = cached_soundtrack(w->p, w->h, w->dir, w->max, w->t0, w->cb, "render", w->o->loudness, w->o->true_peak,
				       path, n, &r->soundtrack_cached, e);
	if (rc != 1)
		return rc;
	if ((rc = work_dir(w, e)))
		return rc;
	snprintf(path, n, "%s/soundtrack.mp4", w->work);
	return mix_soundtrack(w->p, path, w->cb, "render", w->o->loudness, w->o->true_peak, e);
}

static void remove_work(whole *w)
{
	if (!w->work[0])
		return;
	for (int k = 0; k < w->n; k++)
		if (!strncmp(w->paths[k], w->work, strlen(w->work)))
			unlink(w->paths[k]);
	rmdir(w->work);
}

static int plan_whole(whole *w, vidc_err *e)
{
	if (!(w->plan = malloc(sizeof *w->plan * PIECES_MAX)) || !(w->paths = calloc(PIECES_MAX, sizeof *w->paths)))
		return err_set(e, VE_NOMEM, "out of memory");
	if (w->o->pieces > 0) {
		w->n = w->o->pieces;
		return pieces_plan(w->p, w->n, w->plan, e);
	}
	double len = w->o->piece_seconds > 0 ? w->o->piece_seconds : PIECES_DEFAULT_SECONDS;
	return pieces_plan_length(w->p, len, w->plan, &w->n, e);
}

int pieces_render_all(const ir_program *p, const pieces_all_opts *o, const stage_cb *cb,
		      pieces_all_result *r, vidc_err *e)
{
	memset(r, 0, sizeof *r);
	if (!o->output)
		return err_set(e, VE_INVAL, "render: no output path");
	if (rt_output_raw(o->output))
		return err_set(e, VE_INVAL, "'%s': a .y4m file is rendered whole, in one pass (pieces and the "
			       "piece cache are MP4)", o->output);
	whole w = {.p = p, .o = o, .cb = cb, .t0 = now_s() - 1};
	w.max = o->cache.max_bytes > 0 ? o->cache.max_bytes : PCACHE_DEFAULT_MAX;
	int rc = file_out_check(o->output, e);
	if (!rc)
		rc = plan_whole(&w, e);
	vidc_err ce = {0};
	if (!rc && !o->cache.off && pcache_dir(o->cache.dir, w.dir, sizeof w.dir, &ce)) {
		stage_say(cb, STAGE_WARNING, "render", "no piece cache: %s", ce.msg);
		w.dir[0] = 0;
	}
	if (!rc && w.dir[0] && !(w.h = pcache_hasher_new(p)))
		rc = err_set(e, VE_NOMEM, "out of memory");
	r->pieces = w.n;
	int64_t base = 0;
	for (int k = 0; !rc && k < w.n; k++) {
		if (stage_canceled(cb, "render", e))
			rc = VE_CANCELED;
		else
			rc = one_piece(&w, k, base, r, e);
		base += w.plan[k].nframes;
	}
	char track[4400] = "";
	if (!rc && !stage_canceled(cb, "render", e))
		rc = soundtrack(&w, track, sizeof track, r, e);
	else if (!rc)
		rc = VE_CANCELED;
	join_piece *jp = rc ? NULL : calloc((size_t)w.n, sizeof *jp);
	if (!rc && !jp)
		rc = err_set(e, VE_NOMEM, "out of memory");
	for (int k = 0; !rc && k < w.n; k++)
		jp[k] = (join_piece){w.paths[k], w.plan[k].first, w.plan[k].nframes};
	if (!rc) {
		join_opts jo = {.output = o->output, .pieces = jp, .npieces = w.n, .cancel = stage_cancel_flag(cb),
				.soundtrack = track};
		char err[VE_MSG_MAX];
		if ((rc = join_run(p, &jo, err, sizeof err)))
			stage_rt_err(e, rc, err);
	}
	free(jp);
	if (w.work[0] && !strncmp(track, w.work, strlen(w.work)))
		unlink(track);
	remove_work(&w);
	if (w.dir[0])
		pcache_evict(w.dir, w.max, 0);
	pcache_hasher_free(w.h);
	free(w.plan);
	free(w.paths);
	return rc;
}
