/*
 * store.h - the service's database, behind one interface: a connection, prepared statements
 * with bound parameters, rows, transactions and the numbered migrations of service/migrations/.
 * Every record module (service/records.c, jobs.c, credits.c, auth.c) speaks portable SQL through
 * it; the SQLite backend (store_sqlite.c) is the embedded default, the PostgreSQL one
 * (store_pg.c, libpq) serves several machines; each is one store_backend and the callers never
 * ask which one they have. What differs between engines is a property of the backend: the key
 * type and column widths of a migration, the transaction's BEGIN, the row locks of a job claim.
 *
 * SQL conventions every statement follows: `?` placeholders only (a backend rewrites them to its
 * own), no dialect functions (vidc computes times and values), `RETURNING id` after INSERT.
 *
 * A store_t is one connection: use it from one thread at a time (the server keeps a pool).
 * Errors: functions return 0 (or a row flag) or a negative STORE_E* code and fill err.
 */
#ifndef VIDC_STORE_H
#define VIDC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum {
	STORE_OK = 0,
	STORE_ROW = 1,          /* store_step: a row is ready */
	STORE_EIO = -2,         /* the database cannot be opened, read or written */
	STORE_EINVAL = -1,      /* bad SQL or a bad parameter (a bug in vidc) */
	STORE_ECONSTRAINT = -15, /* a unique or foreign-key constraint refused the write */
	STORE_EBUSY = -11       /* locked by another writer for longer than the busy timeout */
};

typedef enum { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT } store_type;

typedef struct store store_t;
typedef struct store_stmt store_stmt;

/* One database engine. url is what follows the scheme and its "//" (a path for SQLite). */
typedef struct store_backend {
	const char *scheme; /* "sqlite", "postgresql" */
	const char *alias;  /* another scheme for the same engine ("postgres"), or NULL */
	int (*open)(const char *url, void **h, char *err, size_t errlen);
	void (*close)(void *h);
	int (*prepare)(void *h, const char *sql, void **st, char *err, size_t errlen);
	void (*finalize)(void *st);
	int (*nparams)(void *st); /* the statement's placeholders */
	int (*bind_int)(void *st, int i, int64_t v);	/* i counts from 1 */
	int (*bind_double)(void *st, int i, double v);
	int (*bind_text)(void *st, int i, const char *v); /* NULL binds NULL */
	int (*step)(void *h, void *st, char *err, size_t errlen); /* STORE_ROW, 0 or STORE_E* */
	int (*ncols)(void *st);
	const char *(*col_name)(void *st, int i); /* i counts from 0 */
	store_type (*col_type)(void *st, int i);
	int64_t (*col_int)(void *st, int i);
	double (*col_double)(void *st, int i);
	const char *(*col_text)(void *st, int i); /* valid until the next step */
	int64_t (*changes)(void *h);
	/* Runs several statements (a migration) with no parameters. */
	int (*exec_script)(void *h, const char *sql, char *err, size_t errlen);
	/* The database's name for messages (never a password); NULL: the url as given. */
	const char *(*name)(void *h);
	const char *begin_sql; /* "BEGIN IMMEDIATE" (SQLite takes the write lock at once) */
	const char *id_type;   /* what {{ID}} becomes in a migration */
	/* Pairs of words a migration's column types become (whole words outside quotes), NULL
	 * ended; NULL: none. Migrations use SQLite's names (INTEGER, REAL). */
	const char *const *types;
	/* Appended to the SELECT of a job claim: "" when a transaction already serialises writers
	 * (SQLite), " FOR UPDATE SKIP LOCKED" where rows are locked one by one (PostgreSQL). */
	const char *claim_lock;
	/* Appended to a SELECT that reads a row it will update in the same transaction. */
	const char *row_lock;
	/* Run first in each migration's transaction so that two processes starting together
	 * migrate one after the other; NULL when BEGIN already does (SQLite). */
	const char *migrate_lock;
} store_backend;

/* The functions of a backend whose statics are named PREFIX_open, PREFIX_close, ... in the
 * order above: one list, so a new member cannot be forgotten in one backend. */
#define STORE_BACKEND_FUNCS(p)                                                                   \
	.open = p##_open, .close = p##_close, .prepare = p##_prepare, .finalize = p##_finalize,  \
	.nparams = p##_nparams, .bind_int = p##_bind_int, .bind_double = p##_bind_double,        \
	.bind_text = p##_bind_text, .step = p##_step, .ncols = p##_ncols,                        \
	.col_name = p##_col_name, .col_type = p##_col_type, .col_int = p##_col_int,              \
	.col_double = p##_col_double, .col_text = p##_col_text, .changes = p##_changes,          \
	.exec_script = p##_exec_script

/* Opens "sqlite:PATH", "sqlite://PATH" or a bare PATH (SQLite), "postgresql://..." or
 * "postgres://..." (a libpq URL: user, password, host or socket folder, port, database). */
int store_open(const char *url, store_t **out, char *err, size_t errlen);
void store_close(store_t *s);
/* The database for messages: the path, or the server's URL without its password. */
const char *store_name(store_t *s);
/* The backend's claim_lock and row_lock (store_backend) for SQL built by a caller. */
const char *store_claim_lock(store_t *s);
const char *store_row_lock(store_t *s);
/* Locks row `id` of `table` (a name of vidc's schema, never a request's) until the transaction
 * ends: a read-then-write on other rows that the row stands for (a site's balance, a project's
 * renders, a task key's jobs) is then one writer at a time on PostgreSQL, where READ COMMITTED
 * lets two transactions read the same balance; on SQLite, BEGIN IMMEDIATE already serialises.
 * Call it inside store_begin. 1 locked, 0 no such row, or STORE_E*. */
int store_lock(store_t *s, const char *table, int64_t id);

/* Applies the migrations newer than the schema_version table's highest, each in a transaction.
 * *applied (may be NULL) gets how many ran. */
int store_migrate(store_t *s, int *applied, char *err, size_t errlen);
/* The schema's version (the highest applied migration), or a negative STORE_E*. */
int store_schema_version(store_t *s, char *err, size_t errlen);

/* ---- statements -------------------------------------------------------------------------- */

/* Parameters are given by a type string, one letter per `?`: 'i' int, 'l' int64_t, 'd' double,
 * 't' const char * (NULL binds NULL), 'n' NULL (takes no argument). */
int store_prepare(store_t *s, store_stmt **st, const char *sql, const char *types, ...);
int store_step(store_stmt *st);		/* STORE_ROW, 0 when done, or STORE_E* */
void store_finalize(store_stmt *st);
int store_ncols(store_stmt *st);
const char *store_col_name(store_stmt *st, int i);
store_type store_col_type(store_stmt *st, int i);
int64_t store_col_int(store_stmt *st, int i);
double store_col_double(store_stmt *st, int i);
const char *store_col_text(store_stmt *st, int i); /* NULL for SQL NULL */

/* Runs a statement to its end (INSERT, UPDATE, DDL). Returns rows changed (>= 0) or STORE_E*. */
int store_run(store_t *s, const char *sql, const char *types, ...);
/* Runs a statement whose first row's first column is an integer (INSERT ... RETURNING id,
 * SELECT COUNT(*)). *v gets it (0 when there is no row). Returns STORE_ROW, 0 (no row) or
 * STORE_E*. */
int store_int(store_t *s, int64_t *v, const char *sql, const char *types, ...);
/* The rows as a JSON array of objects keyed by column name: integers, reals, strings, null;
 * columns listed in the JSON-column table (store.c) are parsed from their JSON text. NULL on
 * error (err filled through store_errmsg). */
json_t *store_rows(store_t *s, const char *sql, const char *types, ...);
/* The first row as an object, or NULL when there is none (store_errmsg says "" then). */
json_t *store_row(store_t *s, const char *sql, const char *types, ...);
/* The last error's message on this connection ("" when the last call succeeded). */
const char *store_errmsg(store_t *s);
/* Whether the last failure was a constraint (unique, foreign key). */
int store_last_code(store_t *s);

/* BEGIN (IMMEDIATE on SQLite), COMMIT, ROLLBACK. They nest: a store_begin inside a transaction
 * joins it (a function that makes its own transaction can run inside a caller's, under the
 * caller's locks); only the outermost commits, and an inner rollback makes it roll back. A
 * commit that fails has rolled back: no transaction stays open (store_rollback after it is
 * harmless). */
int store_begin(store_t *s);
int store_commit(store_t *s);
void store_rollback(store_t *s);

/* ---- time -------------------------------------------------------------------------------- */

/* Milliseconds since the epoch: $VIDC_NOW (seconds since the epoch, or an ISO 8601 UTC time)
 * when set, so tests can move the clock, else the real time. */
int64_t store_now_ms(void);
/* The time as the schema writes it: "2025-01-31T12:00:00Z" (buf >= 21 bytes). */
const char *store_iso(int64_t ms, char *buf);

#endif
