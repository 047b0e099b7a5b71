/*
 * store_pg.c - the PostgreSQL backend of the store (store.h), through libpq: one store_t is one
 * server connection, for API servers and workers on several machines sharing one database.
 *
 * Statements go out with PQexecParams in text format: store.c's portable `?` placeholders are
 * rewritten to $1..$n (outside string literals, quoted names and comments) and every parameter is
 * sent as text: integers and reals typed bigint and double precision (a `CASE WHEN ? = 1 THEN ?`
 * has no column to infer them from), text left for the server to infer from the column or the
 * operator it meets, as SQLite's affinity would. Results come back as text too; PQftype decides whether a column reads as an integer, a
 * real or text, so store_rows' JSON is the same as SQLite's. The whole result of a statement is
 * fetched at once (vidc's queries return pages of rows, never a table).
 *
 * Error mapping: SQLSTATE class 23 (unique, foreign key, not null, check) is STORE_ECONSTRAINT,
 * as SQLite's CONSTRAINT; serialization failures, deadlocks and lock timeouts are STORE_EBUSY, as
 * SQLite's BUSY; a lost connection is STORE_EIO. Messages name the server and the database (never
 * the password) and carry the server's own message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store.h"

/* How long a statement waits for another transaction's row or table lock before STORE_EBUSY: the
 * SQLite backend's busy timeout, so both report a stuck database alike. */
#define LOCK_TIMEOUT "10s"

/* Type OIDs of pg_type.h (stable across server versions; libpq ships no header for them). */
enum { OID_BOOL = 16, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_OID = 26, OID_FLOAT4 = 700,
       OID_FLOAT8 = 701, OID_NUMERIC = 1700 };

typedef struct {
	PGconn *c;
	int64_t changes;
	int tx; /* the transaction status after the last statement (PQTRANS_*) */
	char where[512]; /* "postgresql://user@host:port/db" without the password, for messages */
} pg_conn;

typedef struct {
	char *sql;    /* rewritten with $n */
	int nparams;
	char **vals;  /* nparams text values, NULL for SQL NULL; owned */
	Oid *types;   /* nparams type OIDs; 0: the server infers it */
	PGresult *res;
	int row, nrows;
} pg_stmt;

/* SQLSTATE classes and codes and what the store makes of them; the first match wins. */
static const struct {
	const char *state; /* a whole code, or a two-letter class */
	int code;
} states[] = {
	{"40001", STORE_EBUSY}, /* serialization_failure */
	{"40P01", STORE_EBUSY}, /* deadlock_detected */
	{"55P03", STORE_EBUSY}, /* lock_not_available (lock_timeout) */
	{"57014", STORE_EBUSY}, /* query_canceled (statement_timeout) */
	{"23", STORE_ECONSTRAINT},
	{"42", STORE_EINVAL},   /* syntax error or access rule: a bug in vidc's SQL or the grants */
	{"22", STORE_EINVAL},   /* data exception: a parameter the column cannot take */
	{"08", STORE_EIO},      /* connection exception */
};

static int code_of(const char *sqlstate)
{
	for (size_t i = 0; sqlstate && i < sizeof states / sizeof *states; i++)
		if (!strncmp(sqlstate, states[i].state, strlen(states[i].state)))
			return states[i].code;
	return STORE_EIO;
}

/* libpq's messages end with a newline and may span lines; one line reads better in a log. */
static void one_line(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = 0;
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
}

static int fail(pg_conn *pc, const PGresult *res, char *err, size_t errlen)
{
	const char *msg = res ? PQresultErrorMessage(res) : "";
	if (!msg || !*msg)
		msg = PQerrorMessage(pc->c);
	snprintf(err, errlen, "%s: %s", pc->where, msg && *msg ? msg : "the server did not answer");
	one_line(err);
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (!state && PQstatus(pc->c) == CONNECTION_BAD)
		return STORE_EIO;
	return code_of(state);
}

/* The connection's name for messages, from the parsed URL: the password is never copied. */
static void describe(const char *url, char *out, size_t n)
{
	PQconninfoOption *opts = PQconninfoParse(url, NULL);
	const char *user = "", *host = "", *port = "", *db = "";
	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (!o->val)
			continue;
		if (!strcmp(o->keyword, "user"))
			user = o->val;
		else if (!strcmp(o->keyword, "host"))
			host = o->val;
		else if (!strcmp(o->keyword, "port"))
			port = o->val;
		else if (!strcmp(o->keyword, "dbname"))
			db = o->val;
	}
	if (!opts)
		snprintf(out, n, "postgresql (an unreadable URL)");
	else
		snprintf(out, n, "postgresql://%s%s%s%s%s/%s", user, *user ? "@" : "", host, *port ? ":" : "", port, db);
	PQconninfoFree(opts);
}

/* libpq prints server notices ("relation already exists, skipping") on stderr by default;
 * library code never prints. */
static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static int pg_open(const char *rest, void **h, char *err, size_t errlen)
{
	/* store.c hands over what follows "postgresql://" or "postgres://": libpq wants it whole */
	size_t n = strlen(rest) + sizeof "postgresql://";
	char *url = malloc(n);
	pg_conn *pc = calloc(1, sizeof *pc);
	if (!url || !pc) {
		free(url);
		free(pc);
		snprintf(err, errlen, "out of memory");
		return STORE_EIO;
	}
	snprintf(url, n, "postgresql://%s", rest);
	describe(url, pc->where, sizeof pc->where);
	pc->c = PQconnectdb(url);
	free(url);
	if (!pc->c || PQstatus(pc->c) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to the database %s: %s", pc->where,
			 pc->c ? PQerrorMessage(pc->c) : "out of memory");
		one_line(err);
		PQfinish(pc->c);
		free(pc);
		return STORE_EIO;
	}
	PQsetNoticeProcessor(pc->c, quiet, NULL);
	PGresult *r = PQexec(pc->c, "SET lock_timeout = '" LOCK_TIMEOUT "'; SET client_min_messages = warning");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fail(pc, r, err, errlen);
	PQclear(r);
	if (!ok) {
		PQfinish(pc->c);
		free(pc);
		return STORE_EIO;
	}
	pc->tx = PQTRANS_IDLE;
	*h = pc;
	return 0;
}

static void pg_close(void *h)
{
	pg_conn *pc = h;
	if (!pc)
		return;
	PQfinish(pc->c);
	free(pc);
}

/* `?` -> `$n` outside '...' literals, "..." names and -- comments. *count gets n. */
static char *rewrite(const char *sql, int *count)
{
	size_t cap = strlen(sql) * 4 + 1; /* "?" -> "$NNN" at most: 4 bytes each */
	char *out = malloc(cap), *o = out;
	if (!out)
		return NULL;
	int n = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0; /* a doubled quote closes and reopens: the same result */
			*o++ = *p;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			*o++ = *p;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				*o++ = *p++;
			if (!*p)
				break;
			*o++ = *p;
		} else if (*p == '?') {
			o += snprintf(o, cap - (size_t)(o - out), "$%d", ++n);
		} else {
			*o++ = *p;
		}
	}
	*o = 0;
	*count = n;
	return out;
}

static void pg_finalize(void *st)
{
	pg_stmt *s = st;
	if (!s)
		return;
	for (int i = 0; s->vals && i < s->nparams; i++)
		free(s->vals[i]);
	free(s->vals);
	free(s->types);
	free(s->sql);
	PQclear(s->res);
	free(s);
}

static int pg_prepare(void *h, const char *sql, void **st, char *err, size_t errlen)
{
	pg_stmt *s = calloc(1, sizeof *s);
	if (s && (s->sql = rewrite(sql, &s->nparams)) && s->nparams) {
		s->vals = calloc((size_t)s->nparams, sizeof *s->vals);
		s->types = calloc((size_t)s->nparams, sizeof *s->types);
	}
	if (!s || !s->sql || (s->nparams && (!s->vals || !s->types))) {
		pg_finalize(s); /* what was made of it */
		snprintf(err, errlen, "out of memory");
		return STORE_EIO;
	}
	*st = s;
	return 0;
}

static int pg_nparams(void *st)
{
	return ((pg_stmt *)st)->nparams;
}

static int bind(pg_stmt *s, int i, Oid type, const char *text)
{
	if (i < 1 || i > s->nparams)
		return STORE_EINVAL;
	s->types[i - 1] = type;
	free(s->vals[i - 1]);
	s->vals[i - 1] = NULL;
	if (text && !(s->vals[i - 1] = strdup(text)))
		return STORE_EIO;
	return 0;
}

static int pg_bind_int(void *st, int i, int64_t v)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", (long long)v);
	return bind(st, i, OID_INT8, b);
}

static int pg_bind_double(void *st, int i, double v)
{
	char b[40];
	snprintf(b, sizeof b, "%.17g", v); /* round-trips every double */
	return bind(st, i, OID_FLOAT8, b);
}

static int pg_bind_text(void *st, int i, const char *v)
{
	return bind(st, i, 0, v);
}

/* The first step runs the statement and keeps its rows; the next ones walk them. */
static int pg_step(void *h, void *st, char *err, size_t errlen)
{
	pg_conn *pc = h;
	pg_stmt *s = st;
	if (s->res)
		return ++s->row < s->nrows ? STORE_ROW : 0;
	/* A server restart between two transactions costs nothing more than a reconnect; inside
	 * one, the transaction is gone and the caller must hear it. */
	if (PQstatus(pc->c) == CONNECTION_BAD && pc->tx == PQTRANS_IDLE)
		PQreset(pc->c);
	s->res = PQexecParams(pc->c, s->sql, s->nparams, s->types, (const char *const *)s->vals, NULL, NULL, 0);
	pc->tx = PQtransactionStatus(pc->c);
	ExecStatusType t = PQresultStatus(s->res);
	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
		int rc = fail(pc, s->res, err, errlen);
		PQclear(s->res);
		s->res = NULL;
		return rc;
	}
	pc->changes = atoll(PQcmdTuples(s->res)); /* "" for statements that change no rows: 0 */
	s->nrows = t == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
	s->row = 0;
	return s->nrows ? STORE_ROW : 0;
}

static int pg_ncols(void *st)
{
	pg_stmt *s = st;
	return s->res ? PQnfields(s->res) : 0;
}

static const char *pg_col_name(void *st, int i)
{
	return PQfname(((pg_stmt *)st)->res, i);
}

static store_type pg_col_type(void *st, int i)
{
	pg_stmt *s = st;
	if (!s->res || s->row >= s->nrows || PQgetisnull(s->res, s->row, i))
		return STORE_NULL;
	switch (PQftype(s->res, i)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
		return STORE_INT;
	case OID_FLOAT4:
	case OID_FLOAT8:
		return STORE_REAL;
	case OID_NUMERIC:
		/* SUM over a BIGINT column is NUMERIC: a whole number stays one, as in SQLite */
		return strpbrk(PQgetvalue(s->res, s->row, i), ".eEN") ? STORE_REAL : STORE_INT;
	default:
		return STORE_TEXT;
	}
}

static const char *value(pg_stmt *s, int i)
{
	return s->res && s->row < s->nrows ? PQgetvalue(s->res, s->row, i) : "";
}

static int64_t pg_col_int(void *st, int i)
{
	const char *v = value(st, i);
	if (PQftype(((pg_stmt *)st)->res, i) == OID_BOOL)
		return *v == 't';
	return strtoll(v, NULL, 10);
}

static double pg_col_double(void *st, int i)
{
	return strtod(value(st, i), NULL);
}

static const char *pg_col_text(void *st, int i)
{
	return value(st, i);
}

static int64_t pg_changes(void *h)
{
	return ((pg_conn *)h)->changes;
}

static int pg_exec_script(void *h, const char *sql, char *err, size_t errlen)
{
	pg_conn *pc = h;
	PGresult *r = PQexec(pc->c, sql);
	pc->tx = PQtransactionStatus(pc->c);
	int rc = 0;
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = fail(pc, r, err, errlen);
	PQclear(r);
	return rc;
}

static const char *pg_name(void *h)
{
	return ((pg_conn *)h)->where;
}

/* Migrations are written with SQLite's type names; PostgreSQL's INTEGER is 32 bits and its REAL
 * 4 bytes, where SQLite's are 64 and 8: the same widths here. */
static const char *const pg_types[] = {"INTEGER", "BIGINT", "REAL", "DOUBLE PRECISION", NULL};

const store_backend store_pg = {
	.scheme = "postgresql",
	.alias = "postgres",
	STORE_BACKEND_FUNCS(pg),
	.name = pg_name,
	/* READ COMMITTED: claims lock their row (claim_lock / row_lock) rather than the database */
	.begin_sql = "BEGIN",
	.id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.types = pg_types,
	.claim_lock = " FOR UPDATE SKIP LOCKED",
	/* NO KEY UPDATE: lockers of a row exclude each other, but not the key-share lock that a
	 * foreign key's insert takes on it (FOR UPDATE there deadlocked two settles that had each
	 * written a ledger row of the site before locking it) */
	.row_lock = " FOR NO KEY UPDATE",
	/* one migrator at a time across every machine: the key is any constant of vidc's own */
	.migrate_lock = "SELECT pg_advisory_xact_lock(7696463)",
};
