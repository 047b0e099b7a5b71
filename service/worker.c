/*
 * worker.c - the job runner (worker.h) and the job kinds: script, voice, assets, render (with
 * its subtitles and thumbnail), subtitles, thumbnail.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/err.h"
#include "../base/mono.h"
#include "automation.h"
#include "fields.h"
#include "records.h"
#include "stages.h"
#include "worker.h"

/* ---- the stages as job kinds -------------------------------------------------------------- */

static void charge(wrk_ctx *c, const char *op, int amount)
{
	if (op && c->ncharges < 8)
		c->charges[c->ncharges++] = (credits_item){op, amount};
}

__attribute__((noinline)) static int fail(wrk_ctx *c, int code, const char *fmt, const char *arg)
{
	snprintf(c->err, sizeof c->err, fmt, arg);
	return code;
}

/* The project row with its content record's text (record NULL for a standalone project). */
static json_t *project_row(wrk_ctx *c)
{
	return store_row(c->db, "SELECT p.id, p.project_type, p.target_platforms, p.voice_id, p.voice_provider, "
				"p.music_track, c.record, c.title FROM igny8_video_projects p LEFT JOIN vidc_contents c ON "
				"c.id = p.content_id WHERE p.id = ?", "l", c->job->project_id);
}

/* The record column as JSON text (store_rows parsed it). Caller frees. */
static char *record_text(json_t *p)
{
	json_t *r = json_object_get(p, "record");
	return json_is_object(r) ? json_dumps(r, JSON_COMPACT) : NULL;
}

static int kind_script(wrk_ctx *c)
{
	json_t *p = project_row(c);
	char *rec = record_text(p), files[1200], plat[128] = "";
	rec_files_dir(c->cfg->media, c->job->site_id, files, sizeof files);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(p, "target_platforms"), i, v)
		snprintf(plat + strlen(plat), sizeof plat - strlen(plat), "%s%s", i ? "," : "", json_string_value(v));
	int rc = rec ? 0 : fail(c, VE_INVAL, "%s", "the project has no content record to write a script from");
	json_t *sc = NULL;
	if (!rc)
		rc = stg_script(rec, files, fld_str(p, "project_type", "short"), plat,
				fld_str(c->job->payload, "generator", "extract"), &sc, c->err, sizeof c->err);
	const char *field;
	if (!rc)
		rc = rec_script_save(c->db, c->job->project_id, sc, c->err, sizeof c->err, &field);
	if (!rc) {
		charge(c, "video_script_generation", c->cfg->credits.script);
		charge(c, "video_seo_metadata", c->cfg->credits.seo * (int)json_array_size(json_object_get(p, "target_platforms")));
	}
	json_decref(sc);
	free(rec);
	json_decref(p);
	return rc;
}

/* Narrates the project's script into its folder and charges the real minutes. */
static int make_voice(wrk_ctx *c, const char *provider, const char *voice)
{
	json_t *rec = rec_script_json(c->db, c->job->project_id);
	if (!rec)
		return fail(c, VE_INVAL, "%s", "the project has no script");
	json_t *sc = rec_script_spec(rec);
	double secs = 0;
	int rc = stg_voice(c->dir, sc, provider, voice, &secs, c->err, sizeof c->err);
	if (rc == VE_NET)
		c->retry = 1; /* a provider's passing failure (5xx, timeout) */
	int cost = credits_tts(&c->cfg->credits, provider, secs);
	int64_t can = 0;
	const char *op = credits_tts_op(provider);
	/* The hold was an estimate: a narration the site cannot pay for (its balance and the
	 * project's holds for it) is not kept, so no render reads it for free. */
	if (!rc && op && cost > 0 && (rc = credits_can_pay(c->db, c->job->site_id, c->job->project_id, op, &can)))
		rc = fail(c, VE_IO, "cannot read the credit balance: %s", store_errmsg(c->db));
	if (!rc && op && cost > can) {
		char path[1400];
		snprintf(path, sizeof path, "%s/voice.wav", c->dir);
		unlink(path);
		snprintf(path, sizeof path, "%s/voice.json", c->dir);
		unlink(path);
		snprintf(c->err, sizeof c->err,
			 "the narration runs %.1f s, %d credits of %s; the site can pay %lld (its balance and the "
			 "project's holds): the voice is not kept",
			 secs, cost, op, (long long)can);
		rc = VE_QUOTA;
	}
	if (!rc)
		charge(c, op, cost);
	json_decref(sc);
	json_decref(rec);
	return rc;
}

static int kind_voice(wrk_ctx *c)
{
	json_t *p = project_row(c);
	const char *prov = fld_str(c->job->payload, "provider", fld_str(p, "voice_provider", "espeak"));
	int rc = make_voice(c, prov, fld_str(c->job->payload, "voice_id", fld_str(p, "voice_id", NULL)));
	json_decref(p);
	return rc;
}

/* The visuals stage (stages.h: the library `vidc make` runs): a visual per section, each
 * recorded as a VideoAsset; the rows of an earlier run are replaced, uploaded ones stay. */
static int make_assets(wrk_ctx *c)
{
	json_t *p = project_row(c), *rows = NULL;
	char *rec = record_text(p), files[1200], cache[1100];
	rec_files_dir(c->cfg->media, c->job->site_id, files, sizeof files);
	const char *env = getenv("VIDC_CACHE_DIR");
	snprintf(cache, sizeof cache, "%s/cache", c->cfg->media);
	stg_assets_opts o = {c->dir, rec, files, json_string_value(json_array_get(json_object_get(p, "target_platforms"), 0)),
			     c->cfg->visuals, c->cfg->cache_dir[0] ? c->cfg->cache_dir : env && *env ? env : cache,
			     &c->cancel, NULL, NULL};
	int n = 0, rc = stg_assets(&o, &rows, &n, c->err, sizeof c->err), tx = 0;
	if (!rc && !(tx = store_begin(c->db) == 0))
		rc = fail(c, VE_IO, "%s", store_errmsg(c->db));
	if (!rc && store_run(c->db, "DELETE FROM igny8_video_assets WHERE project_id = ? AND asset_type <> 'music' AND "
				    "source IN ('article_image', 'stock_pexels', 'stock_pixabay', 'ai_generated', 'rendered')",
			     "l", c->job->project_id) < 0)
		rc = fail(c, VE_IO, "%s", store_errmsg(c->db));
	size_t i;
	json_t *r;
	char now[32];
	store_iso(store_now_ms(), now);
	json_array_foreach(rows, i, r) if (!rc) {
		json_t *d = json_object_get(r, "duration"), *si = json_object_get(r, "section_index");
		if (store_run(c->db, "INSERT INTO igny8_video_assets (project_id, asset_type, source, file_path, url, duration, "
				     "section_index, \"order\", credit, licence, original_url, created_at) VALUES (?, ?, ?, ?, ?, "
				     "CASE WHEN ? = 1 THEN ? ELSE NULL END, CASE WHEN ? = 1 THEN ? ELSE NULL END, ?, ?, ?, ?, ?)",
			      "lttttidiiitttt", c->job->project_id, fld_str(r, "asset_type", ""), fld_str(r, "source", ""),
			      fld_str(r, "file_path", NULL), fld_str(r, "url", NULL), json_is_number(d), json_number_value(d),
			      json_is_integer(si), (int)json_integer_value(si), (int)i, fld_str(r, "credit", NULL),
			      fld_str(r, "licence", NULL), fld_str(r, "original_url", NULL), now) < 0)
			rc = fail(c, VE_IO, "%s", store_errmsg(c->db));
	}
	if (!rc && store_commit(c->db))
		rc = fail(c, VE_IO, "%s", store_errmsg(c->db));
	if (rc && tx)
		store_rollback(c->db);
	if (!rc)
		charge(c, "video_visual_generation", credits_visuals(&c->cfg->credits, n));
	free(rec);
	json_decref(rows);
	json_decref(p);
	return rc;
}

/* The project's music_track, a path in the site's files folder (an uploaded music asset's
 * file_path), linked into the project's folder for the spec; *music stays NULL without one. */
static int project_music(wrk_ctx *c, json_t *p, const char **music)
{
	const char *track = fld_str(p, "music_track", NULL);
	*music = NULL;
	if (!track || !*track)
		return 0;
	char files[1200];
	rec_files_dir(c->cfg->media, c->job->site_id, files, sizeof files);
	return stg_music(c->dir, files, track, music, c->err, sizeof c->err);
}

static int kind_assets(wrk_ctx *c)
{
	return make_assets(c);
}

static int exists_in(const char *dir, const char *name)
{
	char path[1400];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* What a render needs and the project may lack (voice, visuals), made once even when several
 * renders of the project run at once: a lock file serialises them (the kernel drops it when a
 * worker dies). Then the preset's spec. */
static int prepare(wrk_ctx *c, const char *preset)
{
	char lock[1400];
	snprintf(lock, sizeof lock, "%s/.prepare.lock", c->dir);
	int fd = open(lock, O_CREAT | O_RDWR | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX))
		return fail(c, VE_IO, "cannot lock '%s'", lock);
	json_t *p = project_row(c);
	int rc = 0;
	if (!exists_in(c->dir, "voice.wav"))
		rc = make_voice(c, fld_str(p, "voice_provider", "espeak"), fld_str(p, "voice_id", NULL));
	if (!rc && !exists_in(c->dir, "assets.json"))
		rc = make_assets(c);
	const char *title = fld_str(p, "title", NULL), *music = NULL;
	if (!rc)
		rc = project_music(c, p, &music);
	json_t *sc = rc ? NULL : rec_script_json(c->db, c->job->project_id);
	if (!title)
		title = sc ? fld_str(sc, "hook", "") : "";
	if (!rc)
		rc = stg_spec(c->dir, preset, c->cfg->fps, title, music, c->err, sizeof c->err);
	json_decref(sc);
	json_decref(p);
	close(fd);
	return rc;
}

typedef struct {
	wrk_ctx *c;
	double t0, last;
} render_progress;

/* The render's progress, written to its RenderedVideo about once a second. */
/* 1 when a progress report is due: the last one, or a second after the one before. */
static int progress_due(render_progress *rp, int64_t done, int64_t total)
{
	double t = mono_now();
	if (done < total && t - rp->last < 1.0)
		return 0;
	rp->last = t;
	return 1;
}

static void on_progress(void *ud, int64_t done, int64_t total)
{
	render_progress *rp = ud;
	if (!progress_due(rp, done, total))
		return;
	double pct = total > 0 ? 100.0 * done / total : 0;
	double t = rp->last; /* progress_due set it to now */
	double rate = t > rp->t0 ? done / (t - rp->t0) : 0;
	double eta = rate > 0 ? (total - done) / rate : VE_INVAL;
	char now[32];
	store_iso(store_now_ms(), now);
	store_run(rp->c->db, "UPDATE igny8_rendered_videos SET percent = ?, frames_done = ?, frames_total = ?, "
			     "eta_seconds = CASE WHEN ? < 0 THEN NULL ELSE ? END, updated_at = ? WHERE id = ?",
		  "dllddtl", pct, done, total, eta, eta, now, rp->c->job->rendered_id);
	jobs_progress(rp->c->db, rp->c->job, pct);
}

/* The rendered video's files: MP4, subtitles, thumbnail, named by the render's id. */
static void render_paths(wrk_ctx *c, const char *preset, char mp4[1400], char srt[1400], char vtt[1400],
			 char jpg[1400], char spec[1400])
{
	long long id = (long long)c->job->rendered_id;
	snprintf(mp4, 1400, "%s/render-%lld-%s.mp4", c->dir, id, preset);
	snprintf(srt, 1400, "%s/render-%lld-%s.srt", c->dir, id, preset);
	snprintf(vtt, 1400, "%s/render-%lld-%s.vtt", c->dir, id, preset);
	snprintf(jpg, 1400, "%s/render-%lld-%s.jpg", c->dir, id, preset);
	snprintf(spec, 1400, "%s/%s.vid", c->dir, preset);
}

/* A split render's pieces live in their own folder (an intermediate: the retention sweep and
 * the join remove it). */
static void piece_dir(wrk_ctx *c, char dir[1300])
{
	snprintf(dir, 1300, "%s/pieces-%lld", c->dir, (long long)c->job->rendered_id);
}

/* The piece cache of split renders: CACHE/pieces, CACHE as the visuals' fetcher's (the
 * config's cache_dir, else $VIDC_CACHE_DIR, else MEDIA/cache). */
static void pieces_cache_dir(wrk_ctx *c, char dir[1200])
{
	const char *env = getenv("VIDC_CACHE_DIR");
	if (c->cfg->cache_dir[0])
		snprintf(dir, 1200, "%s/pieces", c->cfg->cache_dir);
	else if (env && *env)
		snprintf(dir, 1200, "%s/pieces", env);
	else
		snprintf(dir, 1200, "%s/cache/pieces", c->cfg->media);
}

/* A split render's end (Celery's join_pieces runs the render job once its piece jobs are done):
 * the pieces joined by stream copy with the whole timeline's audio, instead of a render. */
static int join_pieces(wrk_ctx *c, const char *preset, int n, const char *spec, const char *mp4, stg_video *info)
{
	char dir[1300];
	piece_dir(c, dir);
	char(*paths)[1400] = calloc((size_t)n, sizeof *paths);
	const char **files = calloc((size_t)n, sizeof *files);
	int rc = paths && files ? 0 : fail(c, VE_NOMEM, "%s", "out of memory for the pieces' names");
	for (int k = 0; !rc && k < n; k++) {
		snprintf(paths[k], sizeof *paths, "%s/%d-of-%d.mp4", dir, k + 1, n);
		files[k] = paths[k];
		if (access(paths[k], R_OK)) {
			/* a piece's task delivered twice can end the chord early: the join waits for it */
			c->retry = 1;
			rc = fail(c, VE_NOTFOUND, "the split render's piece '%s' is missing (its render_piece task has not "
						  "ended)", paths[k]);
		}
	}
	char cache[1200];
	pieces_cache_dir(c, cache);
	if (!rc)
		rc = stg_join(spec, preset, files, n, mp4, cache, info, c->err, sizeof c->err);
	for (int k = 0; !rc && k < n; k++)
		remove(paths[k]);
	if (!rc)
		rmdir(dir);
	free(paths);
	free(files);
	return rc;
}

/* The render's progress as the sum of its pieces' (each piece job keeps its own on its row). */
static void on_piece_progress(void *ud, int64_t done, int64_t total)
{
	render_progress *rp = ud;
	if (!progress_due(rp, done, total))
		return;
	const job_t *j = rp->c->job;
	jobs_progress(rp->c->db, j, total > 0 ? 100.0 * done / total : 0);
	char now[32];
	store_iso(store_now_ms(), now);
	store_run(rp->c->db, "UPDATE igny8_rendered_videos SET percent = (SELECT COALESCE(SUM(progress), 0) FROM vidc_jobs "
			     "WHERE kind = 'piece' AND rendered_video_id = ?) / ?, eta_seconds = NULL, updated_at = ? WHERE id = ?",
		  "ldtl", j->rendered_id, (double)fld_int(j->payload, "pieces", 1), now, j->rendered_id);
}

/* One piece of a split render (Celery's render_piece): the spec made as for the render (the
 * first piece makes the voice and visuals, under the project's lock), then piece K of N. */
static int kind_piece(wrk_ctx *c)
{
	const char *preset = fld_str(c->job->payload, "preset", "tiktok");
	int n = (int)fld_int(c->job->payload, "pieces", 0), k = (int)fld_int(c->job->payload, "piece", 0);
	char mp4[1400], srt[1400], vtt[1400], jpg[1400], spec[1400], dir[1300], out[1400], now[32];
	render_paths(c, preset, mp4, srt, vtt, jpg, spec);
	piece_dir(c, dir);
	if (mkdir(dir, 0777) && errno != EEXIST)
		return fail(c, VE_IO, "cannot create the pieces' folder '%s'", dir);
	snprintf(out, sizeof out, "%s/%d-of-%d.mp4", dir, k, n);
	store_run(c->db, "UPDATE igny8_rendered_videos SET status = 'rendering', render_started_at = COALESCE("
			 "render_started_at, ?), updated_at = ? WHERE id = ?", "ttl", store_iso(store_now_ms(), now), now,
		  c->job->rendered_id);
	int rc = prepare(c, preset);
	render_progress rp = {c, mono_now(), 0};
	char cache[1200];
	pieces_cache_dir(c, cache);
	if (!rc)
		rc = stg_render_piece(spec, preset, n, k, out, cache, on_piece_progress, &rp, &c->cancel, c->err,
				      sizeof c->err);
	return rc;
}

static int kind_render(wrk_ctx *c)
{
	const char *preset = fld_str(c->job->payload, "preset", "tiktok");
	char mp4[1400], srt[1400], vtt[1400], jpg[1400], spec[1400], now[32];
	render_paths(c, preset, mp4, srt, vtt, jpg, spec);
	int pieces = (int)fld_int(c->job->payload, "pieces", 0);
	/* a split render's join keeps its pieces' progress and start */
	store_run(c->db, "UPDATE igny8_rendered_videos SET status = 'rendering', render_started_at = CASE WHEN ? > 1 THEN "
			 "COALESCE(render_started_at, ?) ELSE ? END, percent = CASE WHEN ? > 1 THEN percent ELSE 0 END, "
			 "frames_done = 0, error = NULL, updated_at = ? WHERE id = ?", "ittitl", pieces,
		  store_iso(store_now_ms(), now), now, pieces, now, c->job->rendered_id);
	int rc = prepare(c, preset);
	render_progress rp = {c, mono_now(), 0};
	stg_video info = {0};
	if (!rc && pieces > 1)
		rc = join_pieces(c, preset, pieces, spec, mp4, &info);
	else if (!rc)
		rc = stg_render(spec, preset, mp4, on_progress, &rp, &c->cancel, &info, c->err, sizeof c->err);
	if (!rc)
		rc = stg_subtitles(spec, preset, srt, vtt, c->err, sizeof c->err);
	if (!rc)
		rc = stg_thumbnail(spec, preset, jpg, c->err, sizeof c->err);
	if (rc)
		return rc;
	struct stat st;
	char res[32];
	snprintf(res, sizeof res, "%dx%d", info.width, info.height);
	store_iso(store_now_ms(), now);
	store_run(c->db, "UPDATE igny8_rendered_videos SET status = 'completed', percent = 100, frames_done = ?, "
			 "frames_total = ?, eta_seconds = 0, resolution = ?, duration = ?, file_size = ?, file_path = ?, "
			 "subtitle_path = ?, thumbnail_path = ?, render_completed_at = ?, updated_at = ? WHERE id = ?",
		  "llt" "dlttttt" "l", info.frames, info.frames, res, info.duration,
		  (int64_t)(stat(mp4, &st) ? 0 : st.st_size), mp4, srt, jpg, now, now, c->job->rendered_id);
	charge(c, "video_composition", c->cfg->credits.composition);
	charge(c, "video_thumbnail", c->cfg->credits.thumbnail);
	return 0;
}

/* subtitles and thumbnail again for a finished render (after an edit of the spec). */
static int kind_sidecar(wrk_ctx *c, int thumb)
{
	json_t *r = store_row(c->db, "SELECT preset FROM igny8_rendered_videos WHERE id = ?", "l", c->job->rendered_id);
	if (!r)
		return fail(c, VE_NOTFOUND, "%s", "the render is gone");
	char mp4[1400], srt[1400], vtt[1400], jpg[1400], spec[1400];
	render_paths(c, fld_str(r, "preset", "tiktok"), mp4, srt, vtt, jpg, spec);
	int rc = thumb ? stg_thumbnail(spec, fld_str(r, "preset", ""), jpg, c->err, sizeof c->err)
		       : stg_subtitles(spec, fld_str(r, "preset", ""), srt, vtt, c->err, sizeof c->err);
	if (!rc && thumb) {
		store_run(c->db, "UPDATE igny8_rendered_videos SET thumbnail_path = ? WHERE id = ?", "tl", jpg, c->job->rendered_id);
		charge(c, "video_thumbnail", c->cfg->credits.thumbnail);
	} else if (!rc) {
		store_run(c->db, "UPDATE igny8_rendered_videos SET subtitle_path = ? WHERE id = ?", "tl", srt, c->job->rendered_id);
	}
	json_decref(r);
	return rc;
}

static int kind_subtitles(wrk_ctx *c)
{
	return kind_sidecar(c, 0);
}

static int kind_thumbnail(wrk_ctx *c)
{
	return kind_sidecar(c, 1);
}

/* The job kinds: name, handler, the project status while it runs. */
static struct {
	const char *kind;
	wrk_fn fn;
	const char *status;
} kinds[16] = {
	{"script", kind_script, "scripting"},
	{"voice", kind_voice, "voiceover"},
	{"assets", kind_assets, "composing"},
	{"render", kind_render, "rendering"},
	{"piece", kind_piece, "rendering"},
	{"subtitles", kind_subtitles, NULL},
	{"thumbnail", kind_thumbnail, NULL},
};

int wrk_register(const char *kind, wrk_fn fn)
{
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!kinds[i].kind) {
			kinds[i].kind = kind;
			kinds[i].fn = fn;
			return 0;
		}
	return VE_INVAL;
}

static int kind_index(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds && kinds[i].kind; i++)
		if (!strcmp(kinds[i].kind, kind))
			return (int)i;
	return VE_INVAL;
}

static int has_kind(const char *kind)
{
	return kind_index(kind) >= 0;
}

/* ---- running jobs ------------------------------------------------------------------------- */

typedef struct {
	const wrk_opts *o;
	int index;
	char owner[96];
	int rc;
	char err[1024];
} runner;

/* The lease keeper: renews the lease at a third of its length on its own connection; sets
 * cancel when the job is no longer ours. */
typedef struct {
	wrk_ctx *c;
	volatile int *stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
} keeper;

static void *keep_lease(void *arg)
{
	keeper *k = arg;
	char err[1024];
	store_t *db = NULL;
	if (store_open(k->c->cfg->db, &db, err, sizeof err))
		db = NULL;
	int lease_ms = k->c->cfg->lease_seconds * 1000;
	pthread_mutex_lock(&k->mu);
	while (!k->done) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		int64_t ns = ts.tv_nsec + (int64_t)(lease_ms / 3) * 1000000;
		ts.tv_sec += ns / 1000000000;
		ts.tv_nsec = ns % 1000000000;
		pthread_cond_timedwait(&k->cv, &k->mu, &ts);
		if (k->done)
			break;
		if (*k->stop)
			k->c->cancel = 1; /* the operator stops the worker: the job goes back to the queue */
		if (!db || jobs_renew(db, k->c->job, lease_ms))
			k->c->cancel = 1; /* taken over, or no database: stop working for nothing */
	}
	pthread_mutex_unlock(&k->mu);
	store_close(db);
	return NULL;
}

/* Writes the job's end, its credits and the project's status in one transaction. */
static void finish(wrk_ctx *c, int rc, FILE *log)
{
	job_t *j = c->job;
	store_t *db = c->db;
	char err[1024] = "";
	int final_fail = rc && !(c->retry && j->attempt < j->max_attempts);
	if (store_begin(db)) {
		if (log)
			fprintf(log, "vidc worker: job %lld: cannot record its end: %s\n", (long long)j->id, store_errmsg(db));
		return;
	}
	if (rc && c->defer_until_ms) {
		/* a wait, not a failure: nothing is released or failed; the job runs again then */
		int lost = jobs_defer(db, j, c->defer_until_ms, c->err);
		if (lost || store_commit(db))
			store_rollback(db);
		if (log)
			fprintf(log, "vidc worker: job %lld (%s) %s: %s\n", (long long)j->id, j->kind,
				lost ? "lost its lease; result dropped" : "waits", c->err);
		return;
	}
	if (jobs_finish(db, j, rc == 0, c->retry, c->retry ? 5000LL * j->attempt : 0, c->err)) {
		store_rollback(db); /* another worker has it now: its result counts, not ours */
		if (log)
			fprintf(log, "vidc worker: job %lld: lost its lease; result dropped\n", (long long)j->id);
		return;
	}
	int bad = 0;
	if (rc == 0)
		bad = credits_settle(db, j->site_id, j->project_id, j->id, c->charges, c->ncharges, err, sizeof err);
	else if (final_fail)
		bad = credits_release(db, j->id, err, sizeof err);
	/* a publish job reads a finished render: its failure is the post's (igny8_published_videos),
	 * and the project's only in the automatic chain (a project already published stays so) */
	int publish = !strcmp(j->kind, "publish"), on_render = j->rendered_id && !publish;
	if (final_fail && j->project_id && (!publish || j->chain)) {
		rec_project_status(db, j->project_id, "failed", c->err);
		if (on_render)
			store_run(db, "UPDATE igny8_rendered_videos SET status = 'failed', error = ? WHERE id = ?", "tl", c->err,
				  j->rendered_id);
	} else if (rc && on_render) {
		store_run(db, "UPDATE igny8_rendered_videos SET status = 'queued' WHERE id = ?", "l", j->rendered_id);
	}
	if (!bad && rc == 0 && j->chain && (bad = auto_next(db, c->cfg, j, err, sizeof err)))
		rec_project_status(db, j->project_id, "failed", err);
	if (!bad && rc == 0 && !j->chain && !strcmp(j->kind, "render")) {
		int64_t open = 0;
		store_int(db, &open, "SELECT COUNT(*) FROM igny8_rendered_videos WHERE project_id = ? AND status <> 'completed'",
			  "l", j->project_id);
		if (!open)
			rec_project_status(db, j->project_id, "review", NULL);
	}
	if (store_commit(db))
		store_rollback(db);
	if (log)
		fprintf(log, "vidc worker: job %lld (%s) %s%s%s\n", (long long)j->id, j->kind,
			rc == 0 ? "done" : final_fail ? "failed: " : "will retry: ", rc ? c->err : "", bad ? err : "");
}

static void run_job(runner *rn, store_t *db, job_t *j)
{
	wrk_ctx c;
	memset(&c, 0, sizeof c);
	c.db = db;
	c.cfg = rn->o->cfg;
	c.job = j;
	c.log = rn->o->log;
	int ki = kind_index(j->kind);
	if (rn->o->log)
		fprintf(rn->o->log, "vidc worker: job %lld (%s), attempt %d, by %s\n", (long long)j->id, j->kind, j->attempt,
			rn->owner);
	keeper k = {&c, rn->o->stop, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
	pthread_t th;
	int kept = pthread_create(&th, NULL, keep_lease, &k) == 0;
	int rc;
	if (ki < 0)
		rc = fail(&c, -5, "no job kind '%s' in this worker", j->kind);
	else if (j->project_id && rec_project_dir(c.cfg->media, j->site_id, j->project_id, c.dir, sizeof c.dir))
		rc = fail(&c, -2, "cannot create the project's folder under '%s'", c.cfg->media);
	else {
		if (j->project_id && kinds[ki].status)
			rec_project_status(db, j->project_id, kinds[ki].status, NULL);
		rc = kinds[ki].fn(&c);
	}
	if (kept) {
		pthread_mutex_lock(&k.mu);
		k.done = 1;
		pthread_cond_signal(&k.cv);
		pthread_mutex_unlock(&k.mu);
		pthread_join(th, NULL);
	}
	if (*rn->o->stop && rc) {
		/* stopped by the operator: leave the job to the next worker, not failed */
		store_run(db, "UPDATE vidc_jobs SET status = 'queued', lease_owner = NULL, lease_until = 0 WHERE id = ? AND "
			      "lease_owner = ? AND attempts = ?", "lti", j->id, j->owner, j->attempt);
		return;
	}
	finish(&c, rc, rn->o->log);
}

static void *runner_main(void *arg)
{
	runner *rn = arg;
	const wrk_opts *o = rn->o;
	store_t *db;
	if ((rn->rc = store_open(o->cfg->db, &db, rn->err, sizeof rn->err)))
		return NULL;
	int64_t swept = store_now_ms();
	double ticked = 0;
	while (!*o->stop) {
		/* the stage hooks' schedule (engagement every 12 hours), on the real clock: VIDC_NOW
		 * stands still in tests */
		if (rn->index == 0 && o->tick && (ticked == 0 || mono_now() - ticked >= 10)) {
			ticked = mono_now();
			o->tick(db, o->cfg, o->log);
		}
		/* the retention sweep, hourly, by the first runner (cmd_worker sweeps at start) */
		if (rn->index == 0 && store_now_ms() - swept > 3600 * 1000) {
			swept = store_now_ms();
			wrk_retention(db, o->cfg);
		}
		job_t j;
		int got = jobs_claim(db, o->queue, rn->owner, o->cfg->lease_seconds * 1000, &j, rn->err, sizeof rn->err);
		if (got < 0 && o->log)
			fprintf(o->log, "vidc worker: %s\n", rn->err);
		if (got == 1) {
			run_job(rn, db, &j);
			jobs_free(&j);
			continue;
		}
		if (o->exit_when_idle && got == 0)
			break;
		usleep(200000); /* poll: a queue in a file has no wake-up */
	}
	store_close(db);
	return NULL;
}

int wrk_run(const wrk_opts *o, char *err, size_t errlen)
{
	auto_has_kind = has_kind;
	int n = o->concurrency < 1 ? 1 : o->concurrency > 64 ? 64 : o->concurrency;
	runner rn[64];
	pthread_t th[64];
	char host[64] = "host";
	gethostname(host, sizeof host - 1);
	for (int i = 0; i < n; i++) {
		memset(&rn[i], 0, sizeof rn[i]);
		rn[i].o = o;
		rn[i].index = i;
		snprintf(rn[i].owner, sizeof rn[i].owner, "%.60s:%d:%d", host, (int)getpid(), i);
		if (pthread_create(&th[i], NULL, runner_main, &rn[i])) {
			snprintf(err, errlen, "cannot start worker thread %d", i);
			n = i;
			break;
		}
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		if (rn[i].rc && !rc) {
			snprintf(err, errlen, "%.900s", rn[i].err);
			rc = rn[i].rc;
		}
	}
	return rc;
}

int wrk_run_one(const wrk_opts *o, int64_t id, char *err, size_t errlen)
{
	auto_has_kind = has_kind;
	runner rn;
	memset(&rn, 0, sizeof rn);
	rn.o = o;
	char host[64] = "host";
	gethostname(host, sizeof host - 1);
	snprintf(rn.owner, sizeof rn.owner, "%.60s:%d:run", host, (int)getpid());
	store_t *db;
	int rc = store_open(o->cfg->db, &db, err, errlen);
	if (rc)
		return rc;
	job_t j;
	int got;
	/* another execution holds the job (a Celery message delivered twice, or the task of a worker
	 * that died and whose lease has not run out yet): wait for its end or its lease's */
	while ((got = jobs_claim_id(db, id, rn.owner, o->cfg->lease_seconds * 1000, &j, err, errlen)) == JOBS_BUSY &&
	       !*o->stop)
		usleep(250000);
	if (got == 1) {
		run_job(&rn, db, &j);
		jobs_free(&j);
	}
	json_t *r = got < 0 ? NULL : store_row(db, "SELECT kind, status, error FROM vidc_jobs WHERE id = ?", "l", id);
	const char *st = fld_str(r, "status", "");
	rc = got < 0 ? got : !r ? VE_NOTFOUND : !strcmp(st, "done") ? 0 : !strcmp(st, "queued") ? 1
	   : !strcmp(st, "failed") ? VE_INVAL : VE_CANCELED;
	if (!r && got >= 0)
		snprintf(err, errlen, "no job %lld", (long long)id);
	else if (rc < 0 && got >= 0)
		snprintf(err, errlen, "job %lld (%s) %s: %s", (long long)id, fld_str(r, "kind", "job"), *st ? st : "?",
			 fld_str(r, "error", "stopped before its end"));
	else if (rc == 1)
		snprintf(err, errlen, "%s", fld_str(r, "error", ""));
	json_decref(r);
	store_close(db);
	return rc;
}

/* ---- retention ---------------------------------------------------------------------------- */

/* What stays in a project folder: the final renders (MP4, subtitles, thumbnails) and the script. */
static int kept(const char *name)
{
	static const char *const keep_suffix[] = {".mp4", ".srt", ".vtt", ".jpg", NULL};
	if (!strcmp(name, "script.json") || !strcmp(name, "assets.json"))
		return 1;
	if (strncmp(name, "render-", 7) || strstr(name, ".tmp"))
		return 0;
	size_t n = strlen(name);
	for (int i = 0; keep_suffix[i]; i++) {
		size_t k = strlen(keep_suffix[i]);
		if (n > k && !strcmp(name + n - k, keep_suffix[i]))
			return 1;
	}
	return 0;
}

static int remove_tree(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return remove(path);
	for (struct dirent *e; (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char sub[4200];
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		remove_tree(sub);
	}
	closedir(d);
	return rmdir(path);
}

int wrk_clean_intermediates(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : VE_INVAL;
	for (struct dirent *e; (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || kept(e->d_name))
			continue;
		char path[4200];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		remove_tree(path);
	}
	closedir(d);
	return 0;
}

int wrk_retention(store_t *s, const svc_config *cfg)
{
	char cutoff[32];
	store_iso(store_now_ms() - (int64_t)cfg->retention_days * 86400000, cutoff);
	json_t *rows = store_rows(s, "SELECT id, site_id FROM igny8_video_projects WHERE status = 'published' OR "
				     "(status = 'failed' AND updated_at < ?)", "t", cutoff);
	size_t i;
	json_t *r;
	int n = 0;
	json_array_foreach(rows, i, r) {
		char dir[1200];
		snprintf(dir, sizeof dir, "%s/site-%lld/project-%lld", cfg->media,
			 (long long)json_integer_value(json_object_get(r, "site_id")),
			 (long long)json_integer_value(json_object_get(r, "id")));
		n += wrk_clean_intermediates(dir) == 0;
	}
	json_decref(rows);
	return n;
}
