/*
 * store.c - the store's engine-independent half (store.h): picks the backend from the URL,
 * binds parameters from a type string, turns rows into JSON, runs the numbered migrations.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ctype.h>

#include "../base/buf.h"

#include "store.h"

extern const store_backend store_sqlite;
extern const store_backend store_pg;
extern const char *const store_migration_name[];
extern const char *const store_migration_sql[];

/* The backends vidc knows, by URL scheme; the first is the default for a bare path. */
static const store_backend *const backends[] = {&store_sqlite, &store_pg};

struct store {
	const store_backend *be;
	void *h;
	char err[1024];
	int code;
	char name[512]; /* the url as given, for a backend without a name of its own */
	int depth;      /* store_begin calls not yet ended: only the outermost talks to the database */
	int doomed;     /* an inner transaction rolled back: the outermost rolls back too */
};

struct store_stmt {
	store_t *s;
	void *st;
};

/* Columns that hold JSON text: store_rows hands them out parsed. One list for every table. */
static const char *const json_columns[] = {
	"target_platforms", "sections", "chapter_markers", "seo_metadata", "record", "payload",
	"auto_target_platforms", "auto_social_account_ids", "raw", "settings", "celery_state", NULL};

static int scheme_is(const char *url, size_t n, const char *scheme)
{
	return scheme && strlen(scheme) == n && !strncmp(url, scheme, n);
}

int store_open(const char *url, store_t **out, char *err, size_t errlen)
{
	*out = NULL;
	const store_backend *be = backends[0];
	const char *rest = url;
	const char *colon = strchr(url, ':');
	for (size_t i = 0; colon && i < sizeof backends / sizeof *backends; i++) {
		size_t n = (size_t)(colon - url);
		if (scheme_is(url, n, backends[i]->scheme) || scheme_is(url, n, backends[i]->alias)) {
			be = backends[i];
			rest = colon + 1;
			if (!strncmp(rest, "//", 2))
				rest += 2;
		}
	}
	if (rest == url && colon && strstr(url, "://")) {
		snprintf(err, errlen, "unknown database '%.*s://...' (vidc knows sqlite:PATH, a file path and "
				      "postgresql://...)", (int)(colon - url), url);
		return STORE_EINVAL;
	}
	store_t *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return STORE_EIO;
	}
	s->be = be;
	snprintf(s->name, sizeof s->name, "%s", rest);
	int rc = be->open(rest, &s->h, err, errlen);
	if (rc) {
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

const char *store_name(store_t *s)
{
	return s->be->name ? s->be->name(s->h) : s->name;
}

const char *store_claim_lock(store_t *s)
{
	return s->be->claim_lock;
}

const char *store_row_lock(store_t *s)
{
	return s->be->row_lock;
}

int store_lock(store_t *s, const char *table, int64_t id)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE id = ?%s", table, s->be->row_lock);
	int64_t got = 0;
	return store_int(s, &got, sql, "l", id);
}

void store_close(store_t *s)
{
	if (!s)
		return;
	s->be->close(s->h);
	free(s);
}

const char *store_errmsg(store_t *s)
{
	return s->err;
}

int store_last_code(store_t *s)
{
	return s->code;
}

static int set_err(store_t *s, int code)
{
	s->code = code;
	return code;
}

static int bind_all(store_stmt *st, const char *types, va_list ap)
{
	const store_backend *be = st->s->be;
	int rc = 0;
	if ((int)(types ? strlen(types) : 0) != be->nparams(st->st))
		return STORE_EINVAL; /* a type string that does not match the SQL: a bug in vidc */
	for (int i = 0; types && types[i] && !rc; i++) {
		switch (types[i]) {
		case 'i':
			rc = be->bind_int(st->st, i + 1, va_arg(ap, int));
			break;
		case 'l':
			rc = be->bind_int(st->st, i + 1, va_arg(ap, int64_t));
			break;
		case 'd':
			rc = be->bind_double(st->st, i + 1, va_arg(ap, double));
			break;
		case 't':
			rc = be->bind_text(st->st, i + 1, va_arg(ap, const char *));
			break;
		case 'n':
			rc = be->bind_text(st->st, i + 1, NULL);
			break;
		default:
			rc = STORE_EINVAL;
		}
	}
	return rc;
}

static int vprepare(store_t *s, store_stmt **out, const char *sql, const char *types, va_list ap)
{
	*out = NULL;
	s->err[0] = 0;
	s->code = 0;
	store_stmt *st = calloc(1, sizeof *st);
	if (!st) {
		snprintf(s->err, sizeof s->err, "out of memory");
		return set_err(s, STORE_EIO);
	}
	st->s = s;
	int rc = s->be->prepare(s->h, sql, &st->st, s->err, sizeof s->err);
	if (!rc && (rc = bind_all(st, types, ap)))
		snprintf(s->err, sizeof s->err, "cannot bind the parameters of: %.200s", sql);
	if (rc) {
		if (st->st)
			s->be->finalize(st->st);
		free(st);
		return set_err(s, rc);
	}
	*out = st;
	return 0;
}

/* Every variadic entry point starts the same: its parameters bound into a statement (sets rc). */
#define PREPARE_ARGS(rc, s, st, sql, types)                  \
	do {                                                 \
		va_list ap_;                                 \
		va_start(ap_, types);                        \
		rc = vprepare(s, st, sql, types, ap_);       \
		va_end(ap_);                                 \
	} while (0)

int store_prepare(store_t *s, store_stmt **st, const char *sql, const char *types, ...)
{
	int rc;
	PREPARE_ARGS(rc, s, st, sql, types);
	return rc;
}

int store_step(store_stmt *st)
{
	store_t *s = st->s;
	int rc = s->be->step(s->h, st->st, s->err, sizeof s->err);
	return rc < 0 ? set_err(s, rc) : rc;
}

void store_finalize(store_stmt *st)
{
	if (!st)
		return;
	st->s->be->finalize(st->st);
	free(st);
}

int store_ncols(store_stmt *st) { return st->s->be->ncols(st->st); }
const char *store_col_name(store_stmt *st, int i) { return st->s->be->col_name(st->st, i); }
store_type store_col_type(store_stmt *st, int i) { return st->s->be->col_type(st->st, i); }
int64_t store_col_int(store_stmt *st, int i) { return st->s->be->col_int(st->st, i); }
double store_col_double(store_stmt *st, int i) { return st->s->be->col_double(st->st, i); }

const char *store_col_text(store_stmt *st, int i)
{
	if (st->s->be->col_type(st->st, i) == STORE_NULL)
		return NULL;
	return st->s->be->col_text(st->st, i);
}

int store_run(store_t *s, const char *sql, const char *types, ...)
{
	store_stmt *st;
	int rc;
	PREPARE_ARGS(rc, s, &st, sql, types);
	if (rc)
		return rc;
	while ((rc = store_step(st)) == STORE_ROW)
		;
	store_finalize(st);
	return rc ? rc : (int)s->be->changes(s->h);
}

int store_int(store_t *s, int64_t *v, const char *sql, const char *types, ...)
{
	store_stmt *st;
	int rc;
	PREPARE_ARGS(rc, s, &st, sql, types);
	*v = 0;
	if (rc)
		return rc;
	rc = store_step(st);
	if (rc == STORE_ROW) {
		*v = store_col_int(st, 0);
		/* drain: an INSERT ... RETURNING is only complete when stepped to its end */
		int r2;
		while ((r2 = store_step(st)) == STORE_ROW)
			;
		if (r2 < 0)
			rc = r2;
	}
	store_finalize(st);
	return rc;
}

static int is_json_column(const char *name)
{
	for (int i = 0; json_columns[i]; i++)
		if (!strcmp(name, json_columns[i]))
			return 1;
	return 0;
}

static json_t *row_json(store_stmt *st)
{
	json_t *o = json_object();
	int n = store_ncols(st);
	for (int i = 0; o && i < n; i++) {
		const char *name = store_col_name(st, i);
		json_t *v;
		switch (store_col_type(st, i)) {
		case STORE_INT:
			v = json_integer(store_col_int(st, i));
			break;
		case STORE_REAL:
			v = json_real(store_col_double(st, i));
			break;
		case STORE_TEXT:
			v = is_json_column(name) ? json_loads(store_col_text(st, i), JSON_DECODE_ANY, NULL) : NULL;
			if (!v)
				v = json_string(store_col_text(st, i));
			break;
		default:
			v = json_null();
		}
		json_object_set_new(o, name, v ? v : json_null());
	}
	return o;
}

/* The prepared statement's rows (only the first when one), finalized; NULL on error. */
static json_t *rows_of(store_stmt *st, int one)
{
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st)) == STORE_ROW) {
		json_array_append_new(arr, row_json(st));
		if (one)
			break;
	}
	store_finalize(st);
	if (rc < 0) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

json_t *store_rows(store_t *s, const char *sql, const char *types, ...)
{
	store_stmt *st;
	int rc;
	PREPARE_ARGS(rc, s, &st, sql, types);
	return rc ? NULL : rows_of(st, 0);
}

json_t *store_row(store_t *s, const char *sql, const char *types, ...)
{
	store_stmt *st;
	int rc;
	PREPARE_ARGS(rc, s, &st, sql, types);
	json_t *r = rc ? NULL : rows_of(st, 1);
	json_t *row = json_incref(json_array_get(r, 0));
	json_decref(r);
	return row;
}

int store_begin(store_t *s)
{
	if (s->depth++ > 0)
		return 0;
	s->doomed = 0;
	if (store_run(s, s->be->begin_sql, NULL) < 0) {
		s->depth = 0;
		return s->code;
	}
	return 0;
}

int store_commit(store_t *s)
{
	if (s->depth > 1) {
		s->depth--;
		return 0;
	}
	int outer = s->depth == 1;
	s->depth = 0;
	if (outer && s->doomed) {
		store_run(s, "ROLLBACK", NULL);
		snprintf(s->err, sizeof s->err, "a step of the transaction failed; it was rolled back");
		return set_err(s, STORE_EIO);
	}
	if (store_run(s, "COMMIT", NULL) >= 0)
		return 0;
	/* SQLite keeps the transaction open after a failed COMMIT (busy, a deferred foreign key):
	 * the caller's next store_begin would fail and its next COMMIT write these rows. Ended here,
	 * a caller that gives up without store_rollback leaves the connection usable. */
	int code = s->code;
	store_rollback(s);
	return code;
}

void store_rollback(store_t *s)
{
	if (s->depth > 1) {
		s->depth--;
		s->doomed = 1;
		return;
	}
	s->depth = 0;
	char keep[sizeof s->err];
	int code = s->code;
	memcpy(keep, s->err, sizeof keep);
	store_run(s, "ROLLBACK", NULL);
	memcpy(s->err, keep, sizeof keep); /* the cause, not the rollback's own message */
	s->code = code;
}

/* ---- migrations -------------------------------------------------------------------------- */

int store_schema_version(store_t *s, char *err, size_t errlen)
{
	int64_t v = 0;
	int rc = store_int(s, &v, "SELECT MAX(version) FROM schema_version", NULL);
	if (rc < 0) {
		snprintf(err, errlen, "%s", s->err);
		return rc;
	}
	return (int)v;
}

/* What the word at p becomes in the backend's dialect, or NULL; *len gets the word's length. */
static const char *dialect_word(const store_backend *be, const char *sql, const char *p, size_t *len)
{
	if (!strncmp(p, "{{ID}}", 6)) {
		*len = 6;
		return be->id_type;
	}
	if (!be->types || (p > sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_')))
		return NULL;
	for (int i = 0; be->types[i]; i += 2) {
		size_t n = strlen(be->types[i]);
		if (!strncmp(p, be->types[i], n) && !isalnum((unsigned char)p[n]) && p[n] != '_') {
			*len = n;
			return be->types[i + 1];
		}
	}
	return NULL;
}

/* The migration's SQL with {{ID}} replaced by the backend's key type and its column types
 * renamed (outside '...' and "..."). Caller frees. */
static char *dialect(const store_backend *be, const char *sql)
{
	buf_t b = BUF_INIT;
	char quote = 0;
	int rc = 0;
	for (const char *p = sql; *p && !rc;) {
		size_t len = 0;
		const char *w = quote ? NULL : dialect_word(be, sql, p, &len);
		if (w) {
			rc = buf_puts(&b, w);
			p += len;
			continue;
		}
		if (!quote && p[0] == '-' && p[1] == '-') { /* a comment may hold an apostrophe */
			size_t n = strcspn(p, "\n");
			rc = buf_append(&b, p, n);
			p += n;
			continue;
		}
		if (quote && *p == quote)
			quote = 0;
		else if (!quote && (*p == '\'' || *p == '"'))
			quote = *p;
		rc = buf_putc(&b, *p++);
	}
	if (rc) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* One migration in its own transaction: a failure leaves the schema at the last good one. The
 * version is read again under the lock, so a second process that waited skips what the first
 * applied. 1 applied, 0 skipped, or STORE_E*. */
static int migrate_one(store_t *s, int i, char *err, size_t errlen)
{
	int version = atoi(store_migration_name[i]);
	char *sql = dialect(s->be, store_migration_sql[i]);
	char now[32];
	if (!sql) {
		snprintf(err, errlen, "out of memory");
		return STORE_EIO;
	}
	int64_t have = 0;
	int rc = store_begin(s);
	if (!rc && s->be->migrate_lock)
		rc = store_run(s, s->be->migrate_lock, NULL);
	if (rc >= 0)
		rc = store_int(s, &have, "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL);
	if (rc >= 0 && have < version && (rc = s->be->exec_script(s->h, sql, s->err, sizeof s->err)) == 0)
		rc = store_run(s, "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
			       "itt", version, store_migration_name[i], store_iso(store_now_ms(), now));
	free(sql);
	if (rc < 0) {
		snprintf(err, errlen, "migration %s failed: %s", store_migration_name[i], s->err);
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s))) {
		snprintf(err, errlen, "migration %s failed: %s", store_migration_name[i], s->err);
		return rc;
	}
	return have < version;
}

int store_migrate(store_t *s, int *applied, char *err, size_t errlen)
{
	if (applied)
		*applied = 0;
	/* Inside the migration lock too: two servers creating the table at once collide in
	 * PostgreSQL's catalog even with IF NOT EXISTS. */
	int rc = store_begin(s);
	if (!rc && s->be->migrate_lock)
		rc = store_run(s, s->be->migrate_lock, NULL);
	if (rc >= 0)
		rc = store_run(s, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
				  "name TEXT NOT NULL, applied_at TEXT NOT NULL)", NULL);
	if (rc < 0)
		store_rollback(s);
	else
		rc = store_commit(s);
	int have = rc < 0 ? rc : store_schema_version(s, err, errlen);
	if (have < 0) {
		snprintf(err, errlen, "cannot read the schema version: %s", s->err);
		return have;
	}
	for (int i = 0; store_migration_name[i]; i++) {
		if (atoi(store_migration_name[i]) <= have)
			continue;
		rc = migrate_one(s, i, err, errlen);
		if (rc < 0)
			return rc;
		if (applied)
			*applied += rc;
	}
	return 0;
}

/* ---- time -------------------------------------------------------------------------------- */

static int64_t real_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* $VIDC_NOW sets the clock at the process's start; it then runs at the real rate, so leases
 * still expire in a test that moved the clock. */
int64_t store_now_ms(void)
{
	static int64_t offset;
	static int done;
	if (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
		const char *v = getenv("VIDC_NOW");
		int64_t off = 0;
		if (v && *v) {
			struct tm tm;
			memset(&tm, 0, sizeof tm);
			char *end;
			double secs = strtod(v, &end);
			if (end != v && !*end)
				off = (int64_t)(secs * 1000) - real_ms();
			else if (strptime(v, "%Y-%m-%dT%H:%M:%S", &tm))
				off = (int64_t)timegm(&tm) * 1000 - real_ms();
		}
		offset = off;
		__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	}
	return real_ms() + offset;
}

const char *store_iso(int64_t ms, char *buf)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}
