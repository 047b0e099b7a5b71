/*
 * jobs.c - the job queue (jobs.h). Claims run in one write transaction (BEGIN IMMEDIATE on
 * SQLite: one writer at a time, so two workers cannot take the same row). On PostgreSQL the
 * claim's SELECT carries the backend's claim_lock, FOR UPDATE SKIP LOCKED: each worker locks the
 * row it takes and passes over the rows others hold, so many workers claim at once and no row is
 * taken twice (store_claim_lock).
 */
#include <stdio.h>
#include <string.h>

#include "jobs.h"

int jobs_enqueue(store_t *s, const char *kind, int64_t site, int64_t project, int64_t rendered, json_t *payload,
		 int chain, int max_attempts, int64_t *id, char *err, size_t errlen)
{
	char now[32];
	/* payload is borrowed: NULL is stored as {} without making an object that nobody frees */
	char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
	int rc = store_int(s, id, "INSERT INTO vidc_jobs (queue, kind, site_id, project_id, rendered_video_id, payload, chain, "
			      "max_attempts, run_after, created_at) VALUES ('video', ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, 0, ?) "
			      "RETURNING id",
			   "tlllt" "iit", kind, site, project, rendered, text ? text : "{}", chain, max_attempts,
			   store_iso(store_now_ms(), now));
	free(text);
	if (rc < 0) {
		snprintf(err, errlen, "cannot enqueue the %s job: %s", kind, store_errmsg(s));
		return rc;
	}
	return 0;
}

static int load(store_t *s, int64_t id, job_t *j)
{
	store_stmt *st;
	if (store_prepare(s, &st, "SELECT kind, site_id, COALESCE(project_id, 0), COALESCE(rendered_video_id, 0), payload, "
				  "chain, attempts, max_attempts FROM vidc_jobs WHERE id = ?", "l", id))
		return -1;
	int rc = -1;
	if (store_step(st) == STORE_ROW) {
		j->id = id;
		snprintf(j->kind, sizeof j->kind, "%s", store_col_text(st, 0));
		j->site_id = store_col_int(st, 1);
		j->project_id = store_col_int(st, 2);
		j->rendered_id = store_col_int(st, 3);
		j->payload = json_loads(store_col_text(st, 4), 0, NULL);
		if (!j->payload)
			j->payload = json_object();
		j->chain = (int)store_col_int(st, 5);
		j->attempt = (int)store_col_int(st, 6);
		j->max_attempts = (int)store_col_int(st, 7);
		rc = 0;
	}
	store_finalize(st);
	return rc;
}

/* What both claims do once the job is marked running: its run row (attempt, worker), then j
 * loaded and owned. 1, or -2 on a store error. */
static int started(store_t *s, int64_t id, int attempt, const char *owner, const char *iso, job_t *j)
{
	if (store_run(s, "INSERT INTO vidc_job_runs (job_id, attempt, worker, started_at) VALUES (?, ?, ?, ?)", "litt",
		      id, attempt, owner, iso) < 0)
		return -2;
	memset(j, 0, sizeof *j);
	if (load(s, id, j))
		return -2;
	snprintf(j->owner, sizeof j->owner, "%s", owner);
	return 1;
}

/* One pass of the claim inside the transaction: 1 claimed, 0 none, 2 a dead job was failed
 * (look again), < 0 error. */
static int claim_one(store_t *s, const char *queue, const char *owner, int lease_ms, job_t *j)
{
	int64_t now = store_now_ms();
	char iso[32];
	store_iso(now, iso);
	store_stmt *st;
	char sql[400];
	snprintf(sql, sizeof sql, "SELECT id, status, attempts, max_attempts FROM vidc_jobs WHERE queue = ? AND "
				  "((status = 'queued' AND run_after <= ?) OR (status = 'running' AND lease_until < ?)) "
				  "ORDER BY id LIMIT 1%s", store_claim_lock(s));
	if (store_prepare(s, &st, sql, "tll", queue, now, now))
		return -2;
	int rc = store_step(st);
	if (rc != STORE_ROW) {
		store_finalize(st);
		return rc < 0 ? rc : 0;
	}
	int64_t id = store_col_int(st, 0);
	int running = !strcmp(store_col_text(st, 1), "running");
	int attempts = (int)store_col_int(st, 2), max = (int)store_col_int(st, 3);
	store_finalize(st);
	if (running && attempts >= max) {
		/* its last attempt died with the worker: failed, never stuck in running */
		rc = store_run(s, "UPDATE vidc_jobs SET status = 'failed', error = ?, finished_at = ?, lease_owner = NULL "
				  "WHERE id = ?", "ttl", "the worker running the job stopped (its lease ran out) on every attempt",
			       iso, id);
		return rc < 0 ? rc : 2;
	}
	rc = store_run(s, "UPDATE vidc_jobs SET status = 'running', attempts = attempts + 1, lease_owner = ?, "
			  "lease_until = ?, started_at = ?, error = NULL WHERE id = ?",
		       "tltl", owner, now + lease_ms, iso, id);
	if (rc < 0)
		return rc;
	return started(s, id, attempts + 1, owner, iso, j);
}

int jobs_claim(store_t *s, const char *queue, const char *owner, int lease_ms, job_t *j, char *err, size_t errlen)
{
	for (int pass = 0; pass < 16; pass++) {
		if (store_begin(s)) {
			snprintf(err, errlen, "cannot claim a job: %s", store_errmsg(s));
			return -2;
		}
		int rc = claim_one(s, queue, owner, lease_ms, j);
		if (rc < 0) {
			snprintf(err, errlen, "cannot claim a job: %s", store_errmsg(s));
			store_rollback(s);
			return rc;
		}
		if (store_commit(s)) {
			snprintf(err, errlen, "cannot claim a job: %s", store_errmsg(s));
			if (rc == 1)
				jobs_free(j);
			store_rollback(s);
			return -2;
		}
		if (rc != 2)
			return rc;
	}
	return 0;
}

/* jobs_claim_id inside its transaction: the outcomes of jobs.h, < 0 error. */
static int claim_by_id(store_t *s, int64_t id, const char *owner, int lease_ms, job_t *j)
{
	int64_t now = store_now_ms();
	char iso[32];
	store_iso(now, iso);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT status, attempts, max_attempts, lease_until FROM vidc_jobs WHERE id = ?%s",
		 store_row_lock(s));
	json_t *r = store_row(s, sql, "l", id);
	if (!r)
		return *store_errmsg(s) ? -2 : JOBS_GONE; /* a lock wait that timed out is no missing job */
	const char *st = json_string_value(json_object_get(r, "status"));
	int attempts = (int)json_integer_value(json_object_get(r, "attempts"));
	int max = (int)json_integer_value(json_object_get(r, "max_attempts"));
	int live = json_integer_value(json_object_get(r, "lease_until")) >= now;
	int rc = !st ? JOBS_GONE : !strcmp(st, "done") ? JOBS_DONE : !strcmp(st, "failed") ? JOBS_FAILED
	       : !strcmp(st, "running") && live ? JOBS_BUSY : 1;
	json_decref(r);
	if (rc != 1)
		return rc;
	if (attempts >= max) /* a redelivery past the attempts the job allows: it ran often enough */
		max = attempts + 1;
	if (store_run(s, "UPDATE vidc_jobs SET status = 'running', attempts = attempts + 1, max_attempts = ?, lease_owner = ?, "
			 "lease_until = ?, started_at = ?, error = NULL WHERE id = ?", "itltl", max, owner, now + lease_ms, iso,
		      id) < 0)
		return -2;
	return started(s, id, attempts + 1, owner, iso, j);
}

int jobs_claim_id(store_t *s, int64_t id, const char *owner, int lease_ms, job_t *j, char *err, size_t errlen)
{
	if (store_begin(s)) {
		snprintf(err, errlen, "cannot claim job %lld: %s", (long long)id, store_errmsg(s));
		return -2;
	}
	int rc = claim_by_id(s, id, owner, lease_ms, j);
	if (rc < 0 || store_commit(s)) {
		snprintf(err, errlen, "cannot claim job %lld: %s", (long long)id, store_errmsg(s));
		if (rc == 1)
			jobs_free(j);
		store_rollback(s);
		return -2;
	}
	return rc;
}

int jobs_renew(store_t *s, const job_t *j, int lease_ms)
{
	int rc = store_run(s, "UPDATE vidc_jobs SET lease_until = ? WHERE id = ? AND status = 'running' AND lease_owner = ? "
			      "AND attempts = ?", "llti", store_now_ms() + lease_ms, j->id, j->owner, j->attempt);
	return rc == 1 ? 0 : -1;
}

int jobs_progress(store_t *s, const job_t *j, double percent)
{
	int rc = store_run(s, "UPDATE vidc_jobs SET progress = ? WHERE id = ? AND lease_owner = ? AND attempts = ?", "dlti",
			   percent, j->id, j->owner, j->attempt);
	return rc == 1 ? 0 : -1;
}

int jobs_finish(store_t *s, const job_t *j, int ok, int retry, int64_t delay_ms, const char *error)
{
	char now[32];
	store_iso(store_now_ms(), now);
	const char *status = ok ? "done" : retry && j->attempt < j->max_attempts ? "queued" : "failed";
	int rc = store_run(s, "UPDATE vidc_jobs SET status = ?, error = ?, finished_at = ?, lease_owner = NULL, "
			      "lease_until = 0, run_after = ?, progress = CASE WHEN ? = 'done' THEN 100 ELSE progress END "
			      "WHERE id = ? AND status = 'running' AND lease_owner = ? AND attempts = ?",
			   "tttltlti", status, ok ? NULL : error, now, store_now_ms() + delay_ms, status, j->id, j->owner,
			   j->attempt);
	if (rc != 1)
		return -1;
	store_run(s, "UPDATE vidc_job_runs SET finished_at = ?, outcome = ? WHERE job_id = ? AND attempt = ?", "ttli", now,
		  ok ? "done" : status, j->id, j->attempt);
	return 0;
}

int jobs_defer(store_t *s, const job_t *j, int64_t run_at_ms, const char *why)
{
	char now[32];
	store_iso(store_now_ms(), now);
	/* max_attempts + 1 rather than attempts - 1: each execution keeps its own attempt number */
	int rc = store_run(s, "UPDATE vidc_jobs SET status = 'queued', error = ?, lease_owner = NULL, lease_until = 0, "
			      "run_after = ?, max_attempts = max_attempts + 1 WHERE id = ? AND status = 'running' AND "
			      "lease_owner = ? AND attempts = ?", "tllti", why, run_at_ms, j->id, j->owner, j->attempt);
	if (rc != 1)
		return -1;
	store_run(s, "UPDATE vidc_job_runs SET finished_at = ?, outcome = 'deferred' WHERE job_id = ? AND attempt = ?", "tli",
		  now, j->id, j->attempt);
	return 0;
}

void jobs_free(job_t *j)
{
	json_decref(j->payload);
	j->payload = NULL;
}

int jobs_active(store_t *s, int64_t site, int64_t *n)
{
	/* the site's row locked: the count holds until the caller's enqueue commits (the quota) */
	int rc = store_lock(s, "vidc_sites", site);
	if (rc >= 0)
		rc = store_int(s, n, "SELECT COUNT(*) FROM vidc_jobs WHERE site_id = ? AND status IN ('queued', 'running')", "l",
			   site);
	return rc < 0 ? rc : 0;
}

/* The status a queued job shows while its Celery task is under way (celery_state's status). */
static const struct {
	const char *celery, *status;
} task_shown[] = {{"STARTED", "running"}, {"RETRY", "retrying"}};

json_t *jobs_view(store_t *s, int64_t id, int64_t site)
{
	json_t *j = store_row(s, "SELECT id, kind, project_id, rendered_video_id, status, progress, attempts, "
				 "max_attempts, error, created_at, started_at, finished_at, celery_state FROM vidc_jobs "
				 "WHERE id = ? AND site_id = ?", "ll", id, site);
	json_t *task = json_incref(json_object_get(j, "celery_state"));
	json_object_del(j, "celery_state");
	const char *st = json_string_value(json_object_get(j, "status"));
	const char *ts = json_string_value(json_object_get(task, "status"));
	for (size_t i = 0; st && ts && !strcmp(st, "queued") && i < sizeof task_shown / sizeof *task_shown; i++) {
		if (strcmp(ts, task_shown[i].celery))
			continue;
		json_object_set_new(j, "status", json_string(task_shown[i].status));
		if (json_object_get(task, "reason"))
			json_object_set_new(j, "retry", json_pack("{s:O, s:O*}", "reason", json_object_get(task, "reason"),
								   "retries", json_object_get(task, "retries")));
		break;
	}
	json_decref(task);
	return j;
}
