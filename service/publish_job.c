/*
 * publish_job.c - the publish and engagement jobs, queueing a publish, and the engagement
 * schedule (publish_job.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/err.h"
#include "../pipeline/publish.h"
#include "accounts.h"
#include "fields.h"
#include "jobs.h"
#include "publish_job.h"
#include "publish_meta.h"
#include "records.h"

__attribute__((noinline)) static int fail(wrk_ctx *c, int code, const char *fmt, long long arg)
{
	snprintf(c->err, sizeof c->err, fmt, arg);
	return code;
}

/* The YouTube quota ledger lives beside the database, so every worker of it shares one; a
 * server database has no folder, and the media folder is the one every worker of it shares. */
static void quota_path(const svc_config *cfg, char *out, size_t n)
{
	const char *db = cfg->db;
	if (strstr(db, "://") && strncmp(db, "sqlite://", 9)) {
		snprintf(out, n, "%s/youtube-quota.json", cfg->media);
		return;
	}
	if (!strncmp(db, "sqlite://", 9))
		db += 9;
	else if (!strncmp(db, "sqlite:", 7))
		db += 7;
	const char *slash = strrchr(db, '/');
	if (slash)
		snprintf(out, n, "%.*s/youtube-quota.json", (int)(slash - db), db);
	else
		snprintf(out, n, "youtube-quota.json");
}

static void publish_options(const svc_config *cfg, volatile int *cancel, publish_opts *o, char *quota, size_t n)
{
	memset(o, 0, sizeof *o);
	quota_path(cfg, quota, n);
	o->net.cancel = cancel;
	o->quota_path = quota;
	o->yt_upload_limit = cfg->youtube_uploads_per_day;
	o->yt_unit_limit = cfg->youtube_units_per_day;
	o->poll_interval_ms = cfg->publish_poll_ms;
	o->poll_timeout_ms = cfg->publish_timeout_s * 1000L;
}

/* ---- the publish job ---------------------------------------------------------------------- */

typedef struct {
	wrk_ctx *c;
	int64_t row, account;
	secret_key key;
} pub_t;

#define STEP_LOG_MAX 65536 /* bytes of a post's step log; later steps are dropped */

/* A step of the publish: to the worker's log and to the post's step_log. The library's messages
 * name steps and statuses, never a token. */
static void on_log(void *ctx, const char *step, const char *msg)
{
	pub_t *p = ctx;
	if (p->c->log)
		fprintf(p->c->log, "vidc worker: job %lld (publish %lld): %s: %s\n", (long long)p->c->job->id,
			(long long)p->row, step, msg);
	char line[1400], now[32];
	store_iso(store_now_ms(), now);
	snprintf(line, sizeof line, "%s %s: %s\n", now, step, msg);
	if (p->row)
		store_run(p->c->db, "UPDATE igny8_published_videos SET step_log = COALESCE(step_log, '') || ? WHERE id = ? AND "
				    "LENGTH(COALESCE(step_log, '')) < ?", "tll", line, p->row, (int64_t)STEP_LOG_MAX);
}

/* Runs in autocommit: the UPDATE is committed (in the WAL, which survives the process) when it
 * returns, before the library sends a byte. */
static int save_session(void *ctx, const char *session, vidc_err *e)
{
	pub_t *p = ctx;
	char now[32];
	store_iso(store_now_ms(), now);
	int rc = store_run(p->c->db, "UPDATE igny8_published_videos SET upload_session = ?, updated_at = ? WHERE id = ? AND "
				     "job_id = ?", "ttll", session, now, p->row, p->c->job->id);
	if (rc != 1)
		return err_set(e, VE_IO, "cannot record the upload session of published video %lld: %s", (long long)p->row,
			       rc < 0 ? store_errmsg(p->c->db) : "another job owns the post now");
	return 0;
}

static int save_tokens(void *ctx, const oauth_tokens *t, vidc_err *e)
{
	pub_t *p = ctx;
	char err[1024];
	int rc = acct_save_tokens(p->c->db, &p->key, p->account, t, err, sizeof err);
	return rc ? err_set(e, rc, "%s", err) : 0;
}

static void on_progress(void *ctx, int64_t done, int64_t total)
{
	pub_t *p = ctx;
	if (total > 0)
		jobs_progress(p->c->db, p->c->job, 100.0 * (double)done / (double)total);
}

/* Makes the pair's row when the chain queued the job without one, then takes it for this job.
 * 0: ours; 1: nothing to do (published already, or another pending job's); < 0 error. */
static int claim_row(pub_t *p, const char *platform)
{
	wrk_ctx *c = p->c;
	char now[32];
	store_iso(store_now_ms(), now);
	/* the render's row locked (as enqueue_tx): two jobs of one post at once make one row */
	if (store_begin(c->db) || store_lock(c->db, "igny8_rendered_videos", c->job->rendered_id) < 0) {
		store_rollback(c->db);
		return fail(c, VE_IO, "the database is busy (job %lld)", (long long)c->job->id);
	}
	json_t *r = store_row(c->db, "SELECT id, status, platform_video_id, job_id FROM igny8_published_videos WHERE "
				     "rendered_video_id = ? AND social_account_id = ?", "ll", c->job->rendered_id, p->account);
	int rc = 0;
	if (!r) {
		if (store_int(c->db, &p->row, "INSERT INTO igny8_published_videos (rendered_video_id, social_account_id, "
					      "platform, status, job_id, created_at, updated_at) VALUES (?, ?, ?, 'publishing', ?, ?, "
					      "?) RETURNING id", "lltltt", c->job->rendered_id, p->account, platform, c->job->id,
			      now, now) < 0)
			rc = fail(c, VE_IO, "cannot record the publish (%lld)", (long long)c->job->rendered_id);
	} else {
		p->row = fld_int(r, "id", 0);
		int published = !strcmp(fld_str(r, "status", ""), "published") && *fld_str(r, "platform_video_id", "");
		int removed = !strcmp(fld_str(r, "status", ""), "removed");
		/* a removed post is published anew: its old session would only find the deleted one */
		int taken = published ? 0 : store_run(c->db, "UPDATE igny8_published_videos SET job_id = ?, status = 'publishing', "
						  "error = NULL, upload_session = CASE WHEN ? = 1 THEN NULL ELSE upload_session END, "
						  "updated_at = ? WHERE id = ? AND (job_id IS NULL OR job_id = ? OR NOT EXISTS (SELECT 1 "
						  "FROM vidc_jobs j WHERE j.id = igny8_published_videos.job_id AND j.status IN "
						  "('queued', 'running')))", "litll", c->job->id, removed, now, p->row, c->job->id);
		if (taken < 0)
			rc = fail(c, VE_IO, "cannot take published video %lld", (long long)p->row);
		else if (published)
			rc = 1, on_log(p, "done", "already published; nothing to do");
		else if (taken == 0)
			rc = 1, on_log(p, "done", "another queued or running job publishes this post; nothing to do");
	}
	json_decref(r);
	if (rc < 0 || store_commit(c->db)) {
		store_rollback(c->db);
		return rc < 0 ? rc : fail(c, VE_IO, "the database is busy (job %lld)", (long long)c->job->id);
	}
	return rc;
}

/* After a post: when every target platform of the project has one, the project is published
 * and its intermediate files go (the retention sweep would take them within the hour). */
static void project_done(pub_t *p, int64_t project, int64_t site)
{
	wrk_ctx *c = p->c;
	json_t *pr = store_row(c->db, "SELECT target_platforms FROM igny8_video_projects WHERE id = ?", "l", project);
	json_t *targets = json_object_get(pr, "target_platforms");
	int done = json_array_size(targets) > 0;
	for (size_t i = 0; done && i < json_array_size(targets); i++) {
		const char *preset = json_string_value(json_array_get(targets, i));
		int64_t n = 0;
		store_int(c->db, &n, "SELECT COUNT(*) FROM igny8_published_videos v JOIN igny8_rendered_videos r ON r.id = "
				     "v.rendered_video_id WHERE r.project_id = ? AND r.preset = ? AND v.platform = ? AND "
				     "v.status = 'published'", "ltt", project, preset, fld_preset_platform(preset));
		done = n > 0;
	}
	json_decref(pr);
	if (!done)
		return;
	rec_project_status(c->db, project, "published", NULL);
	char dir[1200];
	if (!rec_project_dir(c->cfg->media, site, project, dir, sizeof dir) && !wrk_clean_intermediates(dir))
		on_log(p, "project", "every target platform is published: the project is published, its intermediate "
				     "files removed");
}

/* Records what publish_video returned on the row (and the account, the job). */
static int settle(pub_t *p, int rc, const publish_result *res, const pmeta_t *m, const char *msg)
{
	wrk_ctx *c = p->c;
	char now[32];
	store_iso(store_now_ms(), now);
	if (rc == 0) {
		store_run(c->db, "UPDATE igny8_published_videos SET status = 'published', platform_video_id = ?, url = ?, "
				 "note = ?, title = ?, description = ?, error = NULL, published_at = ?, updated_at = ? WHERE id = ?",
			  "ttttttt" "l", res->id[0] ? res->id : NULL, res->url[0] ? res->url : NULL,
			  res->note[0] ? res->note : NULL, m->title, m->description, now, now, p->row);
		on_log(p, "published", res->url[0] ? res->url : res->note[0] ? res->note : "(no public URL)");
		project_done(p, m->project, m->site);
		return 0;
	}
	snprintf(c->err, sizeof c->err, "%s", msg);
	if (rc == VE_CANCELED)
		return rc; /* the lease was lost or the worker stops: the next execution goes on */
	if (rc == VE_QUOTA) {
		c->defer_until_ms = res->retry_at > 0 ? res->retry_at * 1000 : store_now_ms() + 3600 * 1000;
		store_run(c->db, "UPDATE igny8_published_videos SET error = ?, updated_at = ? WHERE id = ?", "ttl", msg, now,
			  p->row);
		return rc;
	}
	if (rc == VE_AUTH) {
		acct_needs_reconnection(c->db, p->account, msg);
		snprintf(c->err, sizeof c->err, "the account needs reconnection: %s", msg);
	}
	c->retry = rc == VE_NET || rc == VE_TIMEOUT;
	int final = !(c->retry && c->job->attempt < c->job->max_attempts);
	store_run(c->db, "UPDATE igny8_published_videos SET status = ?, error = ?, updated_at = ? WHERE id = ?", "tttl",
		  final ? "failed" : "publishing", c->err, now, p->row);
	on_log(p, final ? "failed" : "will retry", c->err);
	return rc;
}

/* Publishes the row's video with the account's unsealed tokens. */
static int publish_row(pub_t *p, const char *platform)
{
	wrk_ctx *c = p->c;
	pmeta_t m;
	oauth_tokens tok = {0};
	json_t *row = store_row(c->db, "SELECT upload_session FROM igny8_published_videos WHERE id = ?", "l", p->row);
	int rc = pmeta_build(c->db, c->job->rendered_id, platform, c->job->payload, &m, c->err, sizeof c->err);
	if (!rc)
		rc = acct_key(c->cfg, &p->key, c->err, sizeof c->err);
	if (!rc)
		rc = acct_tokens(c->db, &p->key, p->account, &tok, c->err, sizeof c->err);
	if (rc) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", c->err);
		publish_result none = {0};
		rc = settle(p, rc, &none, &m, msg);
	} else {
		m.rq.session = fld_str(row, "upload_session", NULL);
		on_log(p, "start", m.rq.session ? "resuming the recorded upload session" : "a new upload");
		publish_hooks h = {p, save_session, save_tokens, on_log, on_progress};
		publish_opts o;
		char quota[1200];
		publish_options(c->cfg, &c->cancel, &o, quota, sizeof quota);
		publish_result res;
		vidc_err e = {0};
		rc = publish_video(&m.rq, &tok, &o, &h, &res, &e);
		rc = settle(p, rc, &res, &m, e.msg);
	}
	oauth_tokens_free(&tok);
	secret_key_wipe(&p->key);
	pmeta_free(&m);
	json_decref(row);
	return rc;
}

static int kind_publish(wrk_ctx *c)
{
	pub_t p = {c, 0, fld_int(c->job->payload, "social_account_id", 0), {{0}}};
	json_t *acc = acct_json(c->db, c->job->site_id, p.account);
	if (!acc)
		return fail(c, VE_NOTFOUND, "no social account %lld in the site", (long long)p.account);
	char platform[16];
	snprintf(platform, sizeof platform, "%s", fld_str(acc, "platform", ""));
	int reconnect = !strcmp(fld_str(acc, "status", ""), "needs_reconnection");
	json_decref(acc);
	int rc = claim_row(&p, platform);
	if (rc)
		return rc > 0 ? 0 : rc;
	/* the renders are done: the project waits for its posts (the chain left it 'rendering') */
	char now[32];
	store_run(c->db, "UPDATE igny8_video_projects SET status = 'review', updated_at = ? WHERE id = ? AND status = "
			 "'rendering' AND NOT EXISTS (SELECT 1 FROM igny8_rendered_videos WHERE project_id = ? AND status IN "
			 "('queued', 'rendering'))", "tll", store_iso(store_now_ms(), now), c->job->project_id,
		  c->job->project_id);
	if (reconnect) {
		publish_result none = {0};
		pmeta_t m = {0};
		return settle(&p, VE_AUTH, &none, &m, "the platform refused the account's refresh token earlier: add the "
						       "account again (vidc account add)");
	}
	return publish_row(&p, platform);
}

/* ---- queueing a publish ------------------------------------------------------------------- */

json_t *pjob_published_json(store_t *s, int64_t site, int64_t id)
{
	return store_row(s, "SELECT v.id, v.rendered_video_id, v.social_account_id, r.project_id, v.platform, "
			    "v.platform_video_id, v.url, v.status, v.error, v.note, v.title, v.job_id, v.published_at, "
			    "v.created_at, v.updated_at, v.step_log AS log FROM igny8_published_videos v JOIN igny8_rendered_videos r ON r.id = "
			    "v.rendered_video_id JOIN igny8_video_projects p ON p.id = r.project_id WHERE v.id = ? AND (? = 0 OR "
			    "p.site_id = ?)", "lll", id, site, site);
}

/* The checks before a publish is queued. */
static int enqueue_check(store_t *s, int64_t site, int64_t rendered, int64_t account, int64_t *project, char *err,
			 size_t errlen, const char **field)
{
	json_t *r = store_row(s, "SELECT r.status, r.project_id FROM igny8_rendered_videos r JOIN igny8_video_projects p ON "
				 "p.id = r.project_id WHERE r.id = ? AND p.site_id = ?", "ll", rendered, site);
	json_t *a = acct_json(s, site, account);
	int rc = 0;
	if (!r) {
		*field = "rendered_video_id";
		snprintf(err, errlen, "no rendered video %lld", (long long)rendered);
		rc = VE_NOTFOUND;
	} else if (!a) {
		*field = "social_account_id";
		snprintf(err, errlen, "no social account %lld", (long long)account);
		rc = VE_NOTFOUND;
	} else if (strcmp(fld_str(r, "status", ""), "completed")) {
		*field = "rendered_video_id";
		snprintf(err, errlen, "rendered video %lld is %s, not completed", (long long)rendered, fld_str(r, "status", ""));
		rc = VE_CONFLICT;
	} else if (!strcmp(fld_str(a, "status", ""), "needs_reconnection")) {
		*field = "social_account_id";
		snprintf(err, errlen, "social account %lld needs reconnection (%s): add it again", (long long)account,
			 fld_str(a, "error", "its refresh token was refused"));
		rc = VE_CONFLICT;
	}
	*project = fld_int(r, "project_id", 0);
	json_decref(r);
	json_decref(a);
	return rc;
}

/* Inside the caller's transaction: the row made or found, and its pending job or a new one. */
static int enqueue_tx(store_t *s, const svc_config *cfg, int64_t site, int64_t project, int64_t rendered,
		      int64_t account, json_t *payload, int64_t *job, int64_t *row, char *err, size_t errlen)
{
	char now[32];
	store_iso(store_now_ms(), now);
	/* the render's row locked: two enqueues of one post at once make one row and one job */
	if (store_lock(s, "igny8_rendered_videos", rendered) < 0) {
		snprintf(err, errlen, "the store failed: %s", store_errmsg(s));
		return VE_IO;
	}
	json_t *a = acct_json(s, site, account);
	json_t *v = store_row(s, "SELECT v.id, j.id AS pending FROM igny8_published_videos v LEFT JOIN vidc_jobs j ON j.id = "
				 "v.job_id AND j.status IN ('queued', 'running') WHERE v.rendered_video_id = ? AND "
				 "v.social_account_id = ?", "ll", rendered, account);
	int rc = 0;
	*row = fld_int(v, "id", 0);
	*job = fld_int(v, "pending", 0);
	if (!v && store_int(s, row, "INSERT INTO igny8_published_videos (rendered_video_id, social_account_id, platform, "
				    "status, created_at, updated_at) VALUES (?, ?, ?, 'publishing', ?, ?) RETURNING id",
			    "llttt", rendered, account, fld_str(a, "platform", ""), now, now) < 0)
		rc = VE_IO;
	int64_t active = 0;
	if (!rc && !*job && jobs_active(s, site, &active))
		rc = VE_IO;
	if (!rc && !*job && active >= cfg->max_queued_jobs) {
		snprintf(err, errlen, "the site has %lld jobs queued or running (the quota is %d)", (long long)active,
			 cfg->max_queued_jobs);
		rc = VE_LIMIT;
	}
	if (!rc && !*job && !(rc = jobs_enqueue(s, "publish", site, project, rendered, payload, 0, cfg->job_attempts, job,
						err, errlen)) &&
	    store_run(s, "UPDATE igny8_published_videos SET job_id = ?, updated_at = ? WHERE id = ?", "ltl", *job, now,
		      *row) < 0)
		rc = VE_IO;
	if (rc == VE_IO)
		snprintf(err, errlen, "the store failed: %s", store_errmsg(s));
	json_decref(a);
	json_decref(v);
	return rc;
}

int pjob_enqueue(store_t *s, const svc_config *cfg, int64_t site, int64_t rendered, int64_t account, json_t *opts,
		 int64_t *job, int64_t *published, char *err, size_t errlen, const char **field)
{
	int64_t project = 0;
	*field = NULL;
	int rc = enqueue_check(s, site, rendered, account, &project, err, errlen, field);
	if (rc)
		return rc;
	json_t *payload = json_pack("{s:I}", "social_account_id", (json_int_t)account);
	if (fld_str(opts, "privacy", NULL))
		json_object_set(payload, "privacy", json_object_get(opts, "privacy"));
	if (fld_str(opts, "publish_at", NULL))
		json_object_set(payload, "publish_at", json_object_get(opts, "publish_at"));
	if (store_begin(s)) {
		snprintf(err, errlen, "the database is busy: %s", store_errmsg(s));
		rc = VE_IO;
	} else if ((rc = enqueue_tx(s, cfg, site, project, rendered, account, payload, job, published, err, errlen))) {
		store_rollback(s);
	} else if (store_commit(s)) {
		snprintf(err, errlen, "the database is busy: %s", store_errmsg(s));
		store_rollback(s);
		rc = VE_IO;
	}
	json_decref(payload);
	return rc;
}

/* ---- engagement --------------------------------------------------------------------------- */

typedef struct {
	store_t *s;
	const secret_key *key;
	int64_t account;
} tok_ctx;

static int save_tokens_eng(void *ctx, const oauth_tokens *t, vidc_err *e)
{
	tok_ctx *x = ctx;
	char err[1024];
	int rc = acct_save_tokens(x->s, x->key, x->account, t, err, sizeof err);
	return rc ? err_set(e, rc, "%s", err) : 0;
}

/* Stores one fetch; the counts a platform does not give (-1) are NULL. */
static int store_engagement(store_t *s, int64_t video, const publish_engagement *g)
{
	char now[32];
	store_iso(store_now_ms(), now);
	return store_run(s, "INSERT INTO igny8_video_engagement (published_video_id, fetched_at, views, likes, comments, "
			    "shares, saves, reach, watch_time_seconds, avg_view_duration, raw) VALUES (?, ?, NULLIF(?, -1), "
			    "NULLIF(?, -1), NULLIF(?, -1), NULLIF(?, -1), NULLIF(?, -1), NULLIF(?, -1), CASE WHEN ? < 0 THEN "
			    "NULL ELSE ? END, CASE WHEN ? < 0 THEN NULL ELSE ? END, ?)",
			 "lt" "llllll" "dddd" "t", video, now, g->views, g->likes, g->comments, g->shares, g->saves, g->reach,
			 g->watch_time_s, g->watch_time_s, g->avg_view_s, g->avg_view_s, g->raw);
}

/* One video: 0 fetched, 1 skipped, < 0 failed (msg says why). */
static int engage_one(store_t *s, const svc_config *cfg, const secret_key *k, json_t *v, volatile int *cancel,
		      char *msg, size_t n)
{
	int64_t id = fld_int(v, "id", 0), account = fld_int(v, "social_account_id", 0);
	const char *platform = fld_str(v, "platform", ""), *post = fld_str(v, "platform_video_id", "");
	if (!*post) {
		snprintf(msg, n, "skipped: the post has no public id (%s)", fld_str(v, "note", "private"));
		return 1;
	}
	if (strcmp(fld_str(v, "account_status", "active"), "active")) {
		snprintf(msg, n, "skipped: social account %lld needs reconnection", (long long)account);
		return 1;
	}
	oauth_tokens tok;
	int rc = acct_tokens(s, k, account, &tok, msg, n);
	publish_engagement g = {0};
	if (!rc) {
		tok_ctx x = {s, k, account};
		publish_hooks h = {.ctx = &x, .save_tokens = save_tokens_eng};
		publish_opts o;
		char quota[1200];
		publish_options(cfg, cancel, &o, quota, sizeof quota);
		vidc_err e = {0};
		rc = publish_engagement_fetch(platform, post, &tok, &o, &h, &g, &e);
		if (rc)
			snprintf(msg, n, "%s", e.msg);
	}
	if (rc == VE_AUTH)
		acct_needs_reconnection(s, account, msg);
	char now[32];
	store_iso(store_now_ms(), now);
	if (!rc && g.deleted) {
		store_run(s, "UPDATE igny8_published_videos SET status = 'removed', updated_at = ? WHERE id = ?", "tl", now, id);
		snprintf(msg, n, "the platform no longer has the post: removed");
	} else if (!rc && store_engagement(s, id, &g) < 0) {
		snprintf(msg, n, "cannot store the numbers: %s", store_errmsg(s));
		rc = VE_IO;
	} else if (!rc) {
		snprintf(msg, n, "%lld views, %lld likes", (long long)g.views, (long long)g.likes);
	}
	publish_engagement_free(&g);
	oauth_tokens_free(&tok);
	return rc;
}

int pjob_engagement_run(store_t *s, const svc_config *cfg, int64_t site, volatile int *cancel, FILE *log,
			int *fetched, int *failed, char *err, size_t errlen)
{
	int nf = 0, nb = 0;
	json_t *rows = store_rows(s, "SELECT v.id, v.platform, v.platform_video_id, v.social_account_id, v.note, a.status AS "
				     "account_status FROM igny8_published_videos v JOIN igny8_rendered_videos r ON r.id = "
				     "v.rendered_video_id JOIN igny8_video_projects p ON p.id = r.project_id JOIN "
				     "vidc_social_accounts a ON a.id = v.social_account_id WHERE v.status = 'published' AND (? = 0 "
				     "OR p.site_id = ?) ORDER BY v.id", "ll", site, site);
	if (!rows) {
		snprintf(err, errlen, "the store failed: %s", store_errmsg(s));
		return VE_IO;
	}
	secret_key k;
	int rc = json_array_size(rows) ? acct_key(cfg, &k, err, errlen) : 0;
	size_t i;
	json_t *v;
	json_array_foreach(rows, i, v) {
		if (rc || (cancel && *cancel))
			break;
		char msg[1024];
		int r = engage_one(s, cfg, &k, v, cancel, msg, sizeof msg);
		nf += r == 0;
		nb += r < 0;
		if (log)
			fprintf(log, "vidc engagement: published video %lld (%s): %s\n", (long long)fld_int(v, "id", 0),
				fld_str(v, "platform", ""), msg);
	}
	secret_key_wipe(&k);
	json_decref(rows);
	if (fetched)
		*fetched = nf;
	if (failed)
		*failed = nb;
	if (!rc && cancel && *cancel) {
		snprintf(err, errlen, "canceled");
		rc = VE_CANCELED;
	}
	return rc;
}

static int kind_engagement(wrk_ctx *c)
{
	int fetched = 0, failed = 0;
	return pjob_engagement_run(c->db, c->cfg, c->job->site_id, &c->cancel, c->log, &fetched, &failed, c->err,
				   sizeof c->err);
}

void pjob_schedule(store_t *s, const svc_config *cfg, FILE *log)
{
	json_t *sites = store_rows(s, "SELECT DISTINCT p.site_id FROM igny8_published_videos v JOIN igny8_rendered_videos r ON "
				      "r.id = v.rendered_video_id JOIN igny8_video_projects p ON p.id = r.project_id WHERE "
				      "v.status = 'published'", "");
	size_t i;
	json_t *row;
	json_array_foreach(sites, i, row) {
		int64_t site = fld_int(row, "site_id", 0), pending = 0, last = 0, job = 0;
		char err[1024];
		if (store_begin(s))
			break;
		/* checked and queued in one write transaction: two workers never queue it twice */
		store_int(s, &pending, "SELECT COUNT(*) FROM vidc_jobs WHERE kind = 'engagement' AND site_id = ? AND status IN "
				       "('queued', 'running')", "l", site);
		int has_last = !pending && store_int(s, &last, "SELECT run_after FROM vidc_jobs WHERE kind = 'engagement' AND "
							      "site_id = ? ORDER BY id DESC LIMIT 1", "l", site) == STORE_ROW;
		int64_t due = has_last ? last + PJOB_ENGAGEMENT_EVERY_MS : store_now_ms();
		int rc = pending ? 0 : jobs_enqueue(s, "engagement", site, 0, 0, NULL, 0, cfg->job_attempts, &job, err, sizeof err);
		if (!rc && job && store_run(s, "UPDATE vidc_jobs SET run_after = ? WHERE id = ?", "ll", due, job) < 0)
			rc = VE_IO;
		if (rc || store_commit(s)) {
			store_rollback(s);
			if (log)
				fprintf(log, "vidc worker: cannot schedule the engagement of site %lld: %s\n", (long long)site,
					rc && rc != VE_IO ? err : store_errmsg(s));
		}
	}
	json_decref(sites);
}

void pjob_register(void)
{
	wrk_register("publish", kind_publish);
	wrk_register("engagement", kind_engagement);
}
