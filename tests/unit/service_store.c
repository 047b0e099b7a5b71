/*
 * service_store.c - the service's store, queue and ledger without HTTP: migrations apply once and
 * record their version; a placeholder count that does not match the SQL is refused; two owners
 * never claim the same job; a lease that runs out is taken over (attempt 2) and the first owner
 * can neither renew nor finish it; a job whose lease ran out on its last attempt fails instead of
 * staying "running"; holds refuse a site that cannot pay and settle to the real cost; a COMMIT
 * that fails, and an inner rollback, leave no transaction open and nothing of what they undid.
 */
#include <string.h>
#include <unistd.h>

#include "../../base/err.h"
#include "../../service/credits.h"
#include "../../service/fields.h"
#include "../../service/jobs.h"
#include "../../service/store.h"
#include "check.h"

static store_t *open_db(const char *path)
{
	store_t *s = NULL;
	char err[1024];
	int applied = -1;
	CHECK(store_open(path, &s, err, sizeof err) == 0, "%s", err);
	CHECK(s && store_migrate(s, &applied, err, sizeof err) == 0, "%s", err);
	return s;
}

static void test_migrations(const char *db)
{
	store_t *s = open_db(db);
	char err[1024];
	int applied = -1;
	CHECK(store_schema_version(s, err, sizeof err) >= 1, "version %d", store_schema_version(s, err, sizeof err));
	CHECK(store_migrate(s, &applied, err, sizeof err) == 0 && applied == 0, "second run applied %d", applied);
	CHECK(store_run(s, "SELECT ?", "ii", 1, 2) == STORE_EINVAL, "two parameters for one placeholder");
	int64_t n = -1;
	CHECK(store_int(s, &n, "SELECT COUNT(*) FROM igny8_video_projects", NULL) == STORE_ROW && n == 0, "n %lld",
	      (long long)n);
	/* foreign keys are on: a project of no site is refused */
	CHECK(store_run(s, "INSERT INTO igny8_video_projects (site_id, project_type, target_platforms, created_at, "
			   "updated_at) VALUES (99, 'short', '[]', 'x', 'x')", NULL) == STORE_ECONSTRAINT,
	      "%s", store_errmsg(s));
	store_close(s);
}

static void test_claims(const char *db)
{
	store_t *a = open_db(db), *b = open_db(db);
	char err[1024];
	int64_t id = 0, site = 0;
	store_int(a, &site, "INSERT INTO vidc_sites (name, created_at, updated_at) VALUES ('s', 'x', 'x') RETURNING id", NULL);
	CHECK(jobs_enqueue(a, "script", site, 0, 0, NULL, 0, 2, &id, err, sizeof err) == 0, "%s", err);
	job_t j1, j2;
	memset(&j2, 0, sizeof j2);
	CHECK(jobs_claim(a, "video", "A", 50, &j1, err, sizeof err) == 1, "A claims");
	CHECK(jobs_claim(b, "video", "B", 50, &j2, err, sizeof err) == 0, "B finds nothing while A's lease runs");
	CHECK(jobs_renew(a, &j1, 50) == 0, "A renews");
	usleep(120000);
	CHECK(jobs_claim(b, "video", "B", 60000, &j2, err, sizeof err) == 1 && j2.attempt == 2, "B takes over, attempt %d",
	      j2.attempt);
	CHECK(jobs_renew(a, &j1, 50) != 0, "A cannot renew a job B holds");
	CHECK(jobs_finish(a, &j1, 1, 0, 0, NULL) != 0, "A cannot finish it");
	CHECK(jobs_finish(b, &j2, 1, 0, 0, NULL) == 0, "B finishes it");
	int64_t runs = 0;
	store_int(a, &runs, "SELECT COUNT(*) FROM vidc_job_runs WHERE job_id = ?", "l", id);
	CHECK(runs == 2, "%lld runs logged", (long long)runs);
	jobs_free(&j1);
	jobs_free(&j2);
	/* a job whose last attempt's lease runs out fails, never stays running */
	CHECK(jobs_enqueue(a, "voice", site, 0, 0, NULL, 0, 1, &id, err, sizeof err) == 0, "%s", err);
	CHECK(jobs_claim(a, "video", "A", 10, &j1, err, sizeof err) == 1, "claim");
	usleep(50000);
	CHECK(jobs_claim(b, "video", "B", 10, &j2, err, sizeof err) == 0, "nothing left to claim");
	json_t *row = store_row(a, "SELECT status FROM vidc_jobs WHERE id = ?", "l", id);
	CHECK(!strcmp(json_string_value(json_object_get(row, "status")), "failed"), "the dead job is %s",
	      json_string_value(json_object_get(row, "status")));
	json_decref(row);
	jobs_free(&j1);
	store_close(a);
	store_close(b);
}

static void test_credits(const char *db)
{
	store_t *s = open_db(db);
	char err[1024];
	int64_t site = 0, bal = 0, job = 0;
	store_int(s, &site, "INSERT INTO vidc_sites (name, created_at, updated_at) VALUES ('c', 'x', 'x') RETURNING id", NULL);
	jobs_enqueue(s, "voice", site, 0, 0, NULL, 0, 1, &job, err, sizeof err);
	CHECK(credits_grant(s, site, 12, "test", err, sizeof err) == 0, "%s", err);
	CHECK(credits_hold(s, site, 0, job, "video_tts_hd", 20, err, sizeof err) == -16, "a hold above the balance");
	CHECK(strstr(err, "needs 20") && strstr(err, "balance is 12"), "%s", err);
	CHECK(credits_hold(s, site, 0, job, "video_tts_hd", 10, err, sizeof err) == 0, "%s", err);
	credits_balance(s, site, &bal);
	CHECK(bal == 2, "balance %lld after holding 10 of 12", (long long)bal);
	credits_item real = {"video_tts_hd", 7};
	CHECK(credits_settle(s, site, 0, job, &real, 1, err, sizeof err) == 0, "%s", err);
	credits_balance(s, site, &bal);
	CHECK(bal == 5, "balance %lld after settling at 7", (long long)bal);
	/* a real cost above the balance (the hold trusted a script's claimed length) stops at zero */
	jobs_enqueue(s, "voice", site, 0, 0, NULL, 0, 1, &job, err, sizeof err);
	CHECK(credits_hold(s, site, 0, job, "video_tts_hd", 1, err, sizeof err) == 0, "%s", err);
	credits_item dear = {"video_tts_hd", 400};
	CHECK(credits_settle(s, site, 0, job, &dear, 1, err, sizeof err) == 0, "%s", err);
	credits_balance(s, site, &bal);
	CHECK(bal == 0, "balance %lld after a real cost of 400 on 5", (long long)bal);
	json_t *note = store_row(s, "SELECT note FROM vidc_credit_ledger WHERE job_id = ? AND kind = 'charge'", "l", job);
	CHECK(strstr(fld_str(note, "note", ""), "real cost was 400"), "the charge's note: %s", fld_str(note, "note", "(none)"));
	json_decref(note);
	/* grants: never 0, never past an int, a correction never below zero */
	CHECK(credits_grant(s, site, 0, NULL, err, sizeof err) == VE_INVAL, "a grant of 0");
	CHECK(credits_grant(s, site, 4294967297LL, NULL, err, sizeof err) == VE_INVAL, "a grant past an int");
	CHECK(credits_grant(s, site, 3, NULL, err, sizeof err) == 0, "%s", err);
	CHECK(credits_grant(s, site, -4, NULL, err, sizeof err) == VE_INVAL && strstr(err, "below zero"), "%s", err);
	CHECK(credits_grant(s, site, -3, NULL, err, sizeof err) == 0, "%s", err);
	credits_balance(s, site, &bal);
	CHECK(bal == 0, "balance %lld after +3 -3", (long long)bal);
	credits_table t;
	credits_defaults(&t);
	CHECK(credits_tts(&t, "elevenlabs", 61) == 21 && credits_tts(&t, "espeak", 45) == 2 &&
	      credits_tts(&t, "openai", 600) == 100, "per-minute prices");
	CHECK(credits_visuals(&t, 2) == 25 && credits_visuals(&t, 100) == 50, "visuals: 15 + 5 each, at most 50");
	store_close(s);
}

/* A COMMIT that fails (here a deferred foreign key still broken at its end, which SQLite leaves
 * open as it does a busy COMMIT) ends the transaction: a caller that gives up without
 * store_rollback (records.c's site create, migrate_one, two API handlers) no longer leaves the
 * connection inside it, where the next store_begin failed ("within a transaction") and the next
 * commit would have committed the broken rows. Nested: an inner rollback fails the outer commit,
 * nothing of either stays, and the store is usable after. */
static void test_failed_commit(const char *db)
{
	store_t *s = open_db(db);
	int64_t n = -1;
	CHECK(store_run(s, "CREATE TABLE t_parent (id INTEGER PRIMARY KEY)", NULL) >= 0, "%s", store_errmsg(s));
	CHECK(store_run(s, "CREATE TABLE t_child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES t_parent (id) "
			   "DEFERRABLE INITIALLY DEFERRED)", NULL) >= 0, "%s", store_errmsg(s));
	CHECK(store_begin(s) == 0, "%s", store_errmsg(s));
	CHECK(store_run(s, "INSERT INTO t_child (id, parent) VALUES (1, 42)", NULL) == 1, "%s", store_errmsg(s));
	CHECK(store_commit(s) != 0, "a COMMIT with a broken foreign key fails");
	CHECK(store_begin(s) == 0, "a transaction after the failed commit: %s", store_errmsg(s));
	CHECK(store_run(s, "INSERT INTO t_parent (id) VALUES (7)", NULL) == 1 &&
	      store_run(s, "INSERT INTO t_child (id, parent) VALUES (2, 7)", NULL) == 1, "%s", store_errmsg(s));
	CHECK(store_commit(s) == 0, "the next commit: %s", store_errmsg(s));
	CHECK(store_int(s, &n, "SELECT COUNT(*) FROM t_child WHERE id = 1", NULL) == STORE_ROW && n == 0,
	      "the failed transaction's row stayed (%lld)", (long long)n);
	CHECK(store_int(s, &n, "SELECT COUNT(*) FROM t_child WHERE id = 2", NULL) == STORE_ROW && n == 1, "the good row");

	CHECK(store_begin(s) == 0 && store_run(s, "INSERT INTO t_parent (id) VALUES (8)", NULL) == 1, "%s", store_errmsg(s));
	CHECK(store_begin(s) == 0 && store_run(s, "INSERT INTO t_parent (id) VALUES (9)", NULL) == 1, "%s", store_errmsg(s));
	store_rollback(s);
	CHECK(store_commit(s) != 0 && strstr(store_errmsg(s), "rolled back"), "the outer commit after an inner rollback: %s",
	      store_errmsg(s));
	CHECK(store_int(s, &n, "SELECT COUNT(*) FROM t_parent WHERE id IN (8, 9)", NULL) == STORE_ROW && n == 0,
	      "%lld rows of the rolled back transaction stayed", (long long)n);
	CHECK(store_begin(s) == 0 && store_run(s, "INSERT INTO t_parent (id) VALUES (10)", NULL) == 1 && store_commit(s) == 0,
	      "a transaction after it: %s", store_errmsg(s));
	CHECK(store_int(s, &n, "SELECT COUNT(*) FROM t_parent", NULL) == STORE_ROW && n == 2, "%lld parents", (long long)n);
	store_close(s);
}

int main(void)
{
	char db[256];
	snprintf(db, sizeof db, "%s/store.db", check_tmpdir());
	test_migrations(db);
	test_claims(db);
	test_credits(db);
	test_failed_commit(db);
	return check_done();
}
