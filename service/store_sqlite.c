/*
 * store_sqlite.c - the SQLite backend of the store (store.h): the embedded default. Each
 * connection runs in WAL mode (readers never wait for the writer) with foreign keys on and a
 * busy timeout, so the API server's connections and the workers' share one file safely.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"

/* How long a writer waits for another's lock before STORE_EBUSY: long enough for any of vidc's
 * short transactions, short enough that a stuck database is reported. */
#define BUSY_TIMEOUT_MS 10000

static int code_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		return STORE_ECONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_EBUSY;
	case SQLITE_ERROR:
	case SQLITE_RANGE:
	case SQLITE_MISUSE:
		return STORE_EINVAL;
	default:
		return STORE_EIO;
	}
}

static int fail(sqlite3 *db, int rc, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	return code_of(rc);
}

static int sq_open(const char *path, void **h, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open the database '%s': %s", path,
			 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return code_of(rc);
	}
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	/* WAL: the API keeps answering while a worker writes progress; synchronous=NORMAL is
	 * durable across a crash of vidc (not of the machine), which is what a job queue needs. */
	const char *setup = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
	char *msg = NULL;
	if (sqlite3_exec(db, setup, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open the database '%s': %s", path, msg ? msg : "setup failed");
		sqlite3_free(msg);
		rc = code_of(sqlite3_errcode(db));
		sqlite3_close(db);
		return rc;
	}
	*h = db;
	return 0;
}

static void sq_close(void *h)
{
	sqlite3_close_v2(h);
}

static int sq_prepare(void *h, const char *sql, void **st, char *err, size_t errlen)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(h, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return fail(h, rc, err, errlen);
	*st = s;
	return 0;
}

static void sq_finalize(void *st)
{
	sqlite3_finalize(st);
}

static int sq_nparams(void *st)
{
	return sqlite3_bind_parameter_count(st);
}

static int sq_bind_int(void *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st, i, v) == SQLITE_OK ? 0 : STORE_EINVAL;
}

static int sq_bind_double(void *st, int i, double v)
{
	return sqlite3_bind_double(st, i, v) == SQLITE_OK ? 0 : STORE_EINVAL;
}

static int sq_bind_text(void *st, int i, const char *v)
{
	int rc = v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
	return rc == SQLITE_OK ? 0 : STORE_EINVAL;
}

static int sq_step(void *h, void *st, char *err, size_t errlen)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE)
		return 0;
	return fail(h, rc, err, errlen);
}

static int sq_ncols(void *st)
{
	return sqlite3_column_count(st);
}

static const char *sq_col_name(void *st, int i)
{
	return sqlite3_column_name(st, i);
}

static store_type sq_col_type(void *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		return STORE_INT;
	case SQLITE_FLOAT:
		return STORE_REAL;
	case SQLITE_NULL:
		return STORE_NULL;
	default:
		return STORE_TEXT;
	}
}

static int64_t sq_col_int(void *st, int i)
{
	return sqlite3_column_int64(st, i);
}

static double sq_col_double(void *st, int i)
{
	return sqlite3_column_double(st, i);
}

static const char *sq_col_text(void *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int64_t sq_changes(void *h)
{
	return sqlite3_changes(h);
}

static int sq_exec_script(void *h, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return code_of(rc);
	}
	return 0;
}

const store_backend store_sqlite = {
	.scheme = "sqlite",
	STORE_BACKEND_FUNCS(sq),
	.begin_sql = "BEGIN IMMEDIATE",
	.id_type = "INTEGER PRIMARY KEY AUTOINCREMENT",
	.claim_lock = "", /* BEGIN IMMEDIATE: one writer at a time already */
	.row_lock = "",
};
