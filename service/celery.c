/*
 * celery.c - the jobs of Celery's tasks (celery.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/err.h"
#include "../pipeline/pieces.h"
#include "../pipeline/script.h"
#include "automation.h"
#include "broker.h"
#include "celery.h"
#include "fields.h"
#include "jobs.h"
#include "publish_job.h"
#include "records.h"
#include "stages.h"

#define CEL_QUEUE "celery"

/* The jobs a task of this key made before (its message delivered again) into ids; how many. */
static size_t keyed_jobs(store_t *s, const char *key, json_t *ids)
{
	if (!key || !*key)
		return 0;
	char like[300];
	/* jansson writes the compact payload as {"celery_task_id":"..."}; a key is a UUID, no quotes */
	snprintf(like, sizeof like, "%%\"celery_task_id\":\"%.200s\"%%", key);
	/* the outbox too: a task can start before `vidc serve --broker` has moved its job (broker.h) */
	json_t *rows = store_rows(s, "SELECT id FROM vidc_jobs WHERE queue IN ('" CEL_QUEUE "', '" BRK_OUTBOX "') AND payload "
				     "LIKE ? ORDER BY id", "t", like);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) json_array_append_new(ids, json_integer(fld_int(r, "id", 0)));
	json_decref(rows);
	return json_array_size(ids);
}

/* Moves job `id` to the celery queue, out of the store's chain, marked with the task's key. */
static int to_celery(store_t *s, int64_t id, const char *key, char *err, size_t errlen)
{
	json_t *r = store_row(s, "SELECT payload FROM vidc_jobs WHERE id = ?", "l", id);
	json_t *p = json_is_object(json_object_get(r, "payload")) ? json_object_get(r, "payload") : NULL;
	json_t *payload = p ? json_copy(p) : json_object();
	if (key && *key)
		json_object_set_new(payload, "celery_task_id", json_string(key));
	char *text = json_dumps(payload, JSON_COMPACT);
	int rc = store_run(s, "UPDATE vidc_jobs SET queue = '" CEL_QUEUE "', chain = 0, payload = ? WHERE id = ?", "tl",
			   text ? text : "{}", id) == 1 ? 0 : VE_IO;
	if (rc)
		snprintf(err, errlen, "cannot move job %lld to the celery queue: %s", (long long)id, store_errmsg(s));
	free(text);
	json_decref(payload);
	json_decref(r);
	return rc;
}

/* One job of q's kind; payload (may be NULL) is taken: released here whatever happens. */
static int add_one(store_t *s, const svc_config *cfg, const cel_job_req *q, int64_t site, int64_t rendered,
		   json_t *payload, json_t *ids, char *err, size_t errlen)
{
	int64_t job = 0;
	int rc = jobs_enqueue(s, q->kind, site, q->project, rendered, payload, 0, cfg->job_attempts, &job, err, errlen);
	json_decref(payload);
	if (!rc)
		rc = to_celery(s, job, q->key, err, errlen);
	if (!rc)
		json_array_append_new(ids, json_integer(job));
	return rc;
}

/* A render: its RenderedVideo row, queued, then the job. */
static int add_render(store_t *s, const svc_config *cfg, const cel_job_req *q, int64_t site, json_t *ids, char *err,
		      size_t errlen)
{
	if (!q->preset || !*q->preset) {
		snprintf(err, errlen, "a render needs its preset (--preset)");
		return VE_INVAL;
	}
	int64_t busy = 0, rid = 0;
	store_int(s, &busy, "SELECT COUNT(*) FROM igny8_rendered_videos WHERE project_id = ? AND preset = ? AND status IN "
			    "('queued', 'rendering')", "lt", q->project, q->preset);
	if (busy) {
		snprintf(err, errlen, "a render of %s is queued or running for project %lld", q->preset, (long long)q->project);
		return VE_CONFLICT;
	}
	char now[32];
	store_iso(store_now_ms(), now);
	if (store_int(s, &rid, "INSERT INTO igny8_rendered_videos (project_id, preset, status, created_at, updated_at) VALUES "
			       "(?, ?, 'queued', ?, ?) RETURNING id", "ltt" "t", q->project, q->preset, now, now) < 0) {
		snprintf(err, errlen, "cannot record the render: %s", store_errmsg(s));
		return VE_IO;
	}
	return add_one(s, cfg, q, site, rid, json_pack("{s:s}", "preset", q->preset), ids, err, errlen);
}

/* A piece of the split render of the project's preset (cel_split made it split): its own job on
 * the render's RenderedVideo, so a piece's worker that dies is taken over like any job. */
static int add_piece(store_t *s, const svc_config *cfg, const cel_job_req *q, int64_t site, json_t *ids, char *err,
		     size_t errlen)
{
	json_t *r = store_row(s, "SELECT j.rendered_video_id AS rid, j.payload FROM vidc_jobs j JOIN igny8_rendered_videos v "
				 "ON v.id = j.rendered_video_id WHERE j.kind = 'render' AND j.project_id = ? AND v.preset = ? "
				 "AND j.status IN ('queued', 'running') ORDER BY j.id DESC LIMIT 1", "lt", q->project,
			      q->preset ? q->preset : "");
	int n = (int)fld_int(json_object_get(r, "payload"), "pieces", 0);
	int64_t rid = fld_int(r, "rid", 0);
	json_decref(r);
	if (!rid || n < 2) {
		snprintf(err, errlen, "project %lld has no split render of %s queued (render_video splits it first)",
			 (long long)q->project, q->preset ? q->preset : "(no --preset)");
		return VE_NOTFOUND;
	}
	if (q->pieces != n || q->piece < 1 || q->piece > n) {
		snprintf(err, errlen, "the render of %s is split in %d pieces: piece %d of %d is not one of them", q->preset, n,
			 q->piece, q->pieces);
		return VE_INVAL;
	}
	return add_one(s, cfg, q, site, rid,
		       json_pack("{s:s, s:i, s:i}", "preset", q->preset, "pieces", n, "piece", q->piece), ids, err, errlen);
}

/* subtitles or thumbnail: a job per completed render of the project (or the one asked for). */
static int add_sidecars(store_t *s, const svc_config *cfg, const cel_job_req *q, int64_t site, json_t *ids, char *err,
			size_t errlen)
{
	json_t *rows = store_rows(s, "SELECT id FROM igny8_rendered_videos WHERE project_id = ? AND status = 'completed' AND "
				     "(? = 0 OR id = ?) ORDER BY id", "lll", q->project, q->rendered, q->rendered);
	size_t i;
	json_t *r;
	int rc = 0;
	json_array_foreach(rows, i, r) if (!rc)
		rc = add_one(s, cfg, q, site, fld_int(r, "id", 0), NULL, ids, err, errlen);
	json_decref(rows);
	return rc;
}

/* The script: stage 9's project comes with its script job (cel_stage9), which the chain's first
 * task runs; else a new one. */
static int add_script(store_t *s, const svc_config *cfg, const cel_job_req *q, int64_t site, json_t *ids, char *err,
		      size_t errlen)
{
	int64_t reuse = 0;
	store_int(s, &reuse, "SELECT id FROM vidc_jobs WHERE queue = '" CEL_QUEUE "' AND kind = 'script' AND "
			     "project_id = ? AND status = 'queued' AND payload NOT LIKE '%celery_task_id%' ORDER BY id "
			     "LIMIT 1", "l", q->project);
	if (reuse) {
		json_array_append_new(ids, json_integer(reuse));
		return to_celery(s, reuse, q->key, err, errlen);
	}
	return add_one(s, cfg, q, site, 0, json_pack("{s:s}", "generator", "extract"), ids, err, errlen);
}

/* voice, assets: one job with nothing more. */
static int add_plain(store_t *s, const svc_config *cfg, const cel_job_req *q, int64_t site, json_t *ids, char *err,
		     size_t errlen)
{
	return add_one(s, cfg, q, site, 0, NULL, ids, err, errlen);
}

/* The steps of a project (publish is apart: it names a render, not a project). */
static const struct {
	const char *kind;
	int (*add)(store_t *s, const svc_config *cfg, const cel_job_req *q, int64_t site, json_t *ids, char *err,
		   size_t errlen);
} steps[] = {
	{"script", add_script},	      {"voice", add_plain},	      {"assets", add_plain},
	{"render", add_render},	      {"piece", add_piece},	      {"subtitles", add_sidecars},
	{"thumbnail", add_sidecars},
};

/* Every step but publish, inside the transaction. */
static int add_step(store_t *s, const svc_config *cfg, const cel_job_req *q, json_t *ids, char *err, size_t errlen)
{
	int64_t site = 0;
	if (store_int(s, &site, "SELECT site_id FROM igny8_video_projects WHERE id = ?", "l", q->project) < 1 || !site) {
		snprintf(err, errlen, "no project %lld", (long long)q->project);
		return VE_NOTFOUND;
	}
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
		if (!strcmp(q->kind, steps[i].kind))
			return steps[i].add(s, cfg, q, site, ids, err, errlen);
	snprintf(err, errlen, "no job kind '%s' for Celery (script, voice, assets, render, piece, subtitles, thumbnail, "
			      "publish)",
		 q->kind);
	return VE_INVAL;
}

/* A publish (publish_job.h: one post per render and account, however often it is queued). */
static int add_publish(store_t *s, const svc_config *cfg, const cel_job_req *q, json_t *ids, char *err, size_t errlen)
{
	int64_t site = 0, job = 0, published = 0;
	store_int(s, &site, "SELECT p.site_id FROM igny8_rendered_videos r JOIN igny8_video_projects p ON p.id = "
			    "r.project_id WHERE r.id = ?", "l", q->rendered);
	if (!site) {
		snprintf(err, errlen, "no rendered video %lld", (long long)q->rendered);
		return VE_NOTFOUND;
	}
	const char *field = NULL;
	int rc = pjob_enqueue(s, cfg, site, q->rendered, q->account, NULL, &job, &published, err, errlen, &field);
	if (!rc && store_begin(s) == 0) {
		rc = to_celery(s, job, q->key, err, errlen);
		if (rc || store_commit(s))
			store_rollback(s);
	}
	if (!rc)
		json_array_append_new(ids, json_integer(job));
	return rc;
}

int cel_job_add(store_t *s, const svc_config *cfg, const cel_job_req *q, json_t **ids, char *err, size_t errlen)
{
	*ids = json_array();
	if (!strcmp(q->kind, "publish")) {
		/* pjob_enqueue locks the render's row and reuses the post's pending job */
		if (keyed_jobs(s, q->key, *ids))
			return 0;
		if (!q->rendered || !q->account) {
			snprintf(err, errlen, "a publish needs the rendered video and the social account (--rendered, --account)");
			return VE_INVAL;
		}
		return add_publish(s, cfg, q, *ids, err, errlen);
	}
	if (!q->project) {
		snprintf(err, errlen, "the %s job needs its project (--project)", q->kind);
		return VE_INVAL;
	}
	if (store_begin(s)) {
		snprintf(err, errlen, "cannot enqueue: %s", store_errmsg(s));
		return VE_IO;
	}
	/* The key is looked up under the project's row lock: the same task delivered twice at once
	 * (a visibility timeout) gets one job, and two renders of a preset cannot both pass the
	 * busy check (add_render). */
	int rc = store_lock(s, "igny8_video_projects", q->project) < 0 ? VE_IO : 0;
	if (rc)
		snprintf(err, errlen, "cannot enqueue: %s", store_errmsg(s));
	else if (!keyed_jobs(s, q->key, *ids))
		rc = add_step(s, cfg, q, *ids, err, errlen);
	if (!rc && store_commit(s)) {
		snprintf(err, errlen, "cannot enqueue: %s", store_errmsg(s));
		rc = VE_IO;
	}
	if (rc) {
		store_rollback(s);
		json_array_clear(*ids);
	}
	return rc;
}

/* The encoder's keyframe interval (pipeline/pieces.h): a piece is whole intervals. */
#define CEL_GOP_S 2.0
/* Faster than any of the voices speaks (espeak's 175 words a minute, the cloud voices slower):
 * a script's words take at least this long to say, pauses aside. */
#define CEL_FAST_WPM 240.0

/* How long the render job's video is, and the most pieces it can have, from what the project
 * has made, never from the script's total_estimated_duration (the client's word): the preset's
 * spec when an earlier render wrote it (compiled: its frames, a piece per started interval);
 * else the narration (voice.json: the spec is laid on it); else the script's words spoken fast
 * (the voice the first piece makes lasts at least that); these two in whole intervals, rounded
 * down, so the bound never passes what the spec the render writes will have. A spec that does not compile
 * is not split (*most 1, err says why): the render writes it again and compiles it, and fails
 * with its error when it is still broken. */
static void real_length(store_t *s, const svc_config *cfg, json_t *job, double *secs, int *most, char *err,
			size_t errlen)
{
	char dir[1200], path[1400];
	int64_t project = fld_int(job, "project_id", 0);
	int have_dir = !rec_project_dir(cfg->media, fld_int(job, "site_id", 0), project, dir, sizeof dir);
	const char *preset = fld_str(json_object_get(job, "payload"), "preset", "tiktok"); /* checked by the API */
	snprintf(path, sizeof path, "%s/%s.vid", dir, preset);
	*secs = 0;
	if (have_dir && access(path, F_OK) == 0) {
		char why[1000];
		if (!stg_max_pieces(path, preset, most, secs, why, sizeof why))
			return;
		snprintf(err, errlen, "the render is not split: its spec does not compile: %s", why);
		*most = 1;
		return;
	}
	snprintf(path, sizeof path, "%s/voice.json", dir);
	json_t *voice = have_dir ? json_load_file(path, 0, NULL) : NULL;
	if (voice)
		*secs = json_number_value(json_object_get(voice, "duration"));
	else {
		json_t *rec = rec_script_json(s, project), *script = rec ? rec_script_spec(rec) : NULL;
		*secs = script ? script_spoken_s(script, CEL_FAST_WPM) : 0;
		json_decref(script);
		json_decref(rec);
	}
	json_decref(voice);
	double n = floor(*secs / CEL_GOP_S);
	*most = !(n >= 1) ? 1 : n > PIECES_MAX ? PIECES_MAX : (int)n;
}

int cel_split(store_t *s, const svc_config *cfg, int64_t job, int asked, int *pieces, char *err, size_t errlen)
{
	*err = 0;
	json_t *r = store_row(s, "SELECT payload, site_id, project_id FROM vidc_jobs WHERE id = ? AND kind = 'render'", "l",
			      job);
	if (!r) {
		snprintf(err, errlen, "no render job %lld", (long long)job);
		return VE_NOTFOUND;
	}
	json_t *payload = json_object_get(r, "payload");
	int n = (int)fld_int(payload, "pieces", 0), rc = 0;
	if (!n) {
		double secs;
		int most;
		real_length(s, cfg, r, &secs, &most, err, errlen);
		if (asked < 1)
			asked = (int)fld_int(payload, "pieces_asked", 0); /* the API's `pieces` */
		n = asked > 0 ? asked
		  : cfg->split_seconds > 0 && secs > cfg->split_seconds ? (int)ceil(secs / cfg->split_seconds) : 1;
		n = n > most ? most : n;
		json_t *p = json_is_object(payload) ? json_copy(payload) : json_object();
		json_object_set_new(p, "pieces", json_integer(n));
		char *text = json_dumps(p, JSON_COMPACT);
		if (store_run(s, "UPDATE vidc_jobs SET payload = ? WHERE id = ?", "tl", text ? text : "{}", job) != 1) {
			snprintf(err, errlen, "cannot record the split of job %lld: %s", (long long)job, store_errmsg(s));
			rc = VE_IO;
		}
		free(text);
		json_decref(p);
	}
	json_decref(r);
	*pieces = n;
	return rc;
}

/* {project_id, site_id, script_job, platforms} of project `project`. */
static json_t *stage9_plan(store_t *s, int64_t project, int64_t site, int64_t job)
{
	json_t *p = store_row(s, "SELECT target_platforms FROM igny8_video_projects WHERE id = ?", "l", project);
	json_t *plan = json_pack("{s:I, s:I, s:I, s:O}", "project_id", (json_int_t)project, "site_id", (json_int_t)site,
				 "script_job", (json_int_t)job, "platforms", json_object_get(p, "target_platforms"));
	json_decref(p);
	return plan;
}

/* The plan stage 9 made before for `key` (its task delivered again: acks_late after the worker
 * died), found by the key its script job carries; NULL when the key made nothing yet. The LIKE only
 * narrows: the payload's own value is compared, so a key's '_' or '%' cannot match another key. */
static json_t *stage9_keyed(store_t *s, const char *key)
{
	if (!key || !*key)
		return NULL;
	char like[300];
	snprintf(like, sizeof like, "%%\"stage9_key\":\"%.200s\"%%", key);
	json_t *rows = store_rows(s, "SELECT j.id, j.project_id, j.payload, p.site_id FROM vidc_jobs j JOIN "
				     "igny8_video_projects p ON p.id = j.project_id WHERE j.queue = '" CEL_QUEUE "' AND "
				     "j.kind = 'script' AND j.payload LIKE ? ORDER BY j.id", "t", like);
	json_t *plan = NULL, *r;
	size_t i;
	json_array_foreach(rows, i, r) if (!plan && !strcmp(fld_str(json_object_get(r, "payload"), "stage9_key", ""), key))
		plan = stage9_plan(s, fld_int(r, "project_id", 0), fld_int(r, "site_id", 0), fld_int(r, "id", 0));
	json_decref(rows);
	return plan;
}

int cel_stage9(store_t *s, const svc_config *cfg, const char *external, int64_t site, const char *key, json_t **plan,
	       char *err, size_t errlen)
{
	*plan = stage9_keyed(s, key);
	if (*plan)
		return 0;
	json_t *c = store_row(s, "SELECT id, site_id FROM vidc_contents WHERE external_id = ? AND (? = 0 OR site_id = ?) "
				 "ORDER BY id DESC LIMIT 1", "tll", external, site, site);
	if (!c) {
		snprintf(err, errlen, "no content record with external_id '%s'", external);
		return VE_NOTFOUND;
	}
	site = fld_int(c, "site_id", 0);
	int64_t content = fld_int(c, "id", 0), project = 0, job = 0;
	json_decref(c);
	/* The key is looked up again under the content record's row lock, in one transaction with
	 * the project it makes (auto_start's own transaction joins this one): the same task
	 * delivered twice at once makes one project, and the second gets its plan. */
	int rc = store_begin(s) || store_lock(s, "vidc_contents", content) < 0 ? VE_IO : 0;
	if (!rc && (*plan = stage9_keyed(s, key))) {
		if (!store_commit(s))
			return 0;
		json_decref(*plan); /* the caller owns no plan on an error */
		*plan = NULL;
		snprintf(err, errlen, "stage 9: %s", store_errmsg(s));
		return VE_IO;
	}
	if (rc)
		snprintf(err, errlen, "stage 9: %s", store_errmsg(s));
	else if (!(rc = auto_start_keyed(s, cfg, site, content, key, &project, err, errlen)) && !project) {
		snprintf(err, errlen, "site %lld has video off (vidc site automation %lld --video on)", (long long)site,
			 (long long)site);
		rc = VE_CONFLICT;
	}
	/* the chain's first job, queued by auto_start for `vidc worker` (with the key that makes the
	 * same task delivered again find this project, stage9_keyed): the Celery chain runs it */
	if (!rc)
		store_int(s, &job, "SELECT id FROM vidc_jobs WHERE project_id = ? AND kind = 'script' AND status = 'queued' "
				   "ORDER BY id LIMIT 1", "l", project);
	if (!rc && !job) {
		snprintf(err, errlen, "the script job of project %lld is missing", (long long)project);
		rc = VE_IO;
	}
	if (!rc)
		rc = to_celery(s, job, NULL, err, errlen);
	if (!rc && store_commit(s)) {
		snprintf(err, errlen, "stage 9: %s", store_errmsg(s));
		rc = VE_IO;
	}
	if (rc) {
		store_rollback(s);
		return rc;
	}
	*plan = stage9_plan(s, project, site, job);
	return 0;
}

json_t *cel_publish_plan(store_t *s, int64_t project)
{
	json_t *out = json_array();
	json_t *st = store_row(s, "SELECT s.id, s.auto_social_account_ids FROM vidc_sites s JOIN igny8_video_projects p ON "
				  "p.site_id = s.id WHERE p.id = ?", "l", project);
	json_t *renders = store_rows(s, "SELECT id, preset FROM igny8_rendered_videos WHERE project_id = ? AND status = "
					"'completed' ORDER BY id", "l", project);
	size_t i, k;
	json_t *rv, *a;
	json_array_foreach(renders, i, rv) json_array_foreach(json_object_get(st, "auto_social_account_ids"), k, a) {
		int64_t match = 0;
		store_int(s, &match, "SELECT COUNT(*) FROM vidc_social_accounts WHERE id = ? AND site_id = ? AND platform = ?",
			  "llt", json_integer_value(a), fld_int(st, "id", 0), fld_preset_platform(fld_str(rv, "preset", "")));
		if (match)
			json_array_append_new(out, json_pack("[I, I]", (json_int_t)fld_int(rv, "id", 0),
							     (json_int_t)json_integer_value(a)));
	}
	json_decref(renders);
	json_decref(st);
	return out;
}
