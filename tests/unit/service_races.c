/*
 * service_races.c - the store's read-then-write operations run by several connections at the
 * same instant (threads released together by a barrier, each on its own connection), many rounds:
 * credit holds of one site never take the balance below zero (one of N holds of the whole balance
 * wins); a Celery task key delivered N times at once makes one job that every delivery gets back;
 * N renders of one preset make one RenderedVideo (the others are refused as busy); N saves of one
 * script all land, the version counting each; stage 9's task delivered N times at once makes one
 * project, whose plan every delivery gets. On SQLite by default (BEGIN IMMEDIATE serialises);
 * tests/sh/pg_races.sh runs it on PostgreSQL through $VIDC_TEST_DB, where READ COMMITTED let each
 * of these through twice before the row locks (store_lock).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/err.h"
#include "../../service/celery.h"
#include "../../service/credits.h"
#include "../../service/records.h"
#include "../../service/store.h"
#include "check.h"

#define THREADS 6
#define ROUNDS 8

static const char *db_url;
static pthread_barrier_t gate;
static svc_config cfg;
static json_t *script;

typedef struct racer racer;
struct racer {
	int (*op)(racer *r); /* the operation raced: 0 or an error code */
	store_t *s;
	int64_t site, project;
	int n;               /* this thread's number */
	char key[64];
	json_t *ids;         /* what cel_job_add gave back, or stage 9's plan */
	const char *external; /* stage 9's content record */
	int rc;
	char err[1024];
};

static store_t *open_db(void)
{
	store_t *s = NULL;
	char err[1024];
	CHECK(store_open(db_url, &s, err, sizeof err) == 0, "%s", err);
	return s;
}

static void *race(void *arg)
{
	racer *r = arg;
	pthread_barrier_wait(&gate);
	r->rc = r->op(r);
	return NULL;
}

/* Runs op on THREADS connections at once; rs[i] carry the results. Each thread's Celery key is
 * `key`, or `key`-N with own set (a task key is unique across projects: a UUID). */
static void run_race(racer *rs, int (*op)(racer *), int64_t site, int64_t project, const char *key, int own)
{
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++) {
		rs[i] = (racer){.op = op, .s = rs[i].s, .site = site, .project = project, .n = i, .external = key};
		snprintf(rs[i].key, sizeof rs[i].key, own ? "%s-%d" : "%s", key, i);
		pthread_create(&t[i], NULL, race, &rs[i]);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
}

static int wins(racer *rs)
{
	int n = 0;
	for (int i = 0; i < THREADS; i++)
		n += rs[i].rc == 0;
	return n;
}

static int op_hold(racer *r)
{
	if (store_begin(r->s))
		return VE_IO;
	int rc = credits_hold(r->s, r->site, 0, 0, "video_script_generation", 10, r->err, sizeof r->err);
	if (rc || store_commit(r->s)) {
		store_rollback(r->s);
		return rc ? rc : VE_IO;
	}
	return 0;
}

static int op_add_keyed(racer *r)
{
	cel_job_req q = {.kind = "voice", .project = r->project, .key = r->key};
	return cel_job_add(r->s, &cfg, &q, &r->ids, r->err, sizeof r->err);
}

static int op_add_render(racer *r)
{
	cel_job_req q = {.kind = "render", .project = r->project, .preset = "tiktok", .key = r->key};
	return cel_job_add(r->s, &cfg, &q, &r->ids, r->err, sizeof r->err);
}

static int op_script(racer *r)
{
	const char *field = NULL;
	return rec_script_save(r->s, r->project, script, r->err, sizeof r->err, &field);
}

static int op_stage9(racer *r)
{
	return cel_stage9(r->s, &cfg, r->external, r->site, r->key, &r->ids, r->err, sizeof r->err);
}

static void new_project(store_t *s, int64_t *site, int64_t *project)
{
	store_int(s, site, "INSERT INTO vidc_sites (name, created_at, updated_at) VALUES ('race', 'x', 'x') RETURNING id",
		  NULL);
	store_int(s, project, "INSERT INTO igny8_video_projects (site_id, project_type, target_platforms, created_at, "
			      "updated_at) VALUES (?, 'short', '[\"tiktok\"]', 'x', 'x') RETURNING id", "l", *site);
}

static void free_ids(racer *rs)
{
	for (int i = 0; i < THREADS; i++) {
		json_decref(rs[i].ids);
		rs[i].ids = NULL;
	}
}

static void round_once(store_t *s, racer *rs, int round)
{
	int64_t site = 0, project = 0, v = 0;
	char err[1024];
	new_project(s, &site, &project);
	CHECK(credits_grant(s, site, 10, "race", err, sizeof err) == 0, "%s", err);
	run_race(rs, op_hold, site, project, "", 0);
	credits_balance(s, site, &v);
	CHECK(wins(rs) == 1 && v == 0, "round %d: %d holds of the whole balance passed; the balance is %lld", round,
	      wins(rs), (long long)v);

	char key[64];
	snprintf(key, sizeof key, "task-%lld", (long long)project);
	run_race(rs, op_add_keyed, site, project, key, 0);
	store_int(s, &v, "SELECT COUNT(*) FROM vidc_jobs WHERE project_id = ? AND kind = 'voice'", "l", project);
	CHECK(wins(rs) == THREADS && v == 1, "round %d: one key made %lld jobs (%d deliveries answered; %s)", round,
	      (long long)v, wins(rs), rs[0].err);
	for (int i = 1; i < THREADS; i++)
		CHECK(json_equal(rs[i].ids, rs[0].ids), "round %d: deliveries got different jobs", round);
	free_ids(rs);

	run_race(rs, op_add_render, site, project, key, 1);
	store_int(s, &v, "SELECT COUNT(*) FROM igny8_rendered_videos WHERE project_id = ?", "l", project);
	int busy = 0;
	for (int i = 0; i < THREADS; i++)
		busy += rs[i].rc == VE_CONFLICT;
	CHECK(wins(rs) == 1 && busy == THREADS - 1 && v == 1, "round %d: %d renders of one preset queued, %d refused, %lld rows",
	      round, wins(rs), busy, (long long)v);
	free_ids(rs);

	store_run(s, "UPDATE vidc_sites SET video_enabled = 1 WHERE id = ?", "l", site);
	store_run(s, "INSERT INTO vidc_contents (site_id, external_id, title, record, created_at, updated_at) VALUES "
		     "(?, ?, 't', '{}', 'x', 'x')", "lt", site, key);
	run_race(rs, op_stage9, site, project, key, 0);
	store_int(s, &v, "SELECT COUNT(*) FROM igny8_video_projects p JOIN vidc_contents c ON c.id = p.content_id WHERE "
			 "c.external_id = ?", "t", key);
	CHECK(wins(rs) == THREADS && v == 1, "round %d: stage 9 delivered %d times made %lld projects (%d answered; %s)",
	      round, THREADS, (long long)v, wins(rs), rs[0].err);
	for (int i = 1; i < THREADS; i++)
		CHECK(json_equal(json_object_get(rs[i].ids, "project_id"), json_object_get(rs[0].ids, "project_id")),
		      "round %d: deliveries of stage 9 got different projects", round);
	free_ids(rs);

	if (script) {
		run_race(rs, op_script, site, project, "", 0);
		store_int(s, &v, "SELECT version FROM igny8_video_scripts WHERE project_id = ?", "l", project);
		CHECK(wins(rs) == THREADS && v == THREADS, "round %d: %d of %d script saves landed, version %lld (%s)", round,
		      wins(rs), THREADS, (long long)v, rs[0].err);
	}
}

int main(void)
{
	char path[300];
	db_url = getenv("VIDC_TEST_DB");
	if (!db_url || !*db_url) {
		snprintf(path, sizeof path, "%s/races.db", check_tmpdir());
		db_url = path;
	}
	store_t *s = open_db();
	char err[1024];
	CHECK(s && store_migrate(s, NULL, err, sizeof err) == 0, "%s", err);
	if (!s)
		return check_done();
	cfg.job_attempts = 3;
	cfg.max_queued_jobs = 100;
	script = json_load_file("tests/fixtures/service/script-short.json", 0, NULL);
	CHECK(script, "tests/fixtures/service/script-short.json (run from the repository's folder)");
	racer rs[THREADS];
	for (int i = 0; i < THREADS; i++)
		rs[i].s = open_db();
	pthread_barrier_init(&gate, NULL, THREADS);
	for (int round = 0; round < ROUNDS; round++)
		round_once(s, rs, round);
	pthread_barrier_destroy(&gate);
	for (int i = 0; i < THREADS; i++)
		store_close(rs[i].s);
	store_close(s);
	json_decref(script);
	return check_done();
}
