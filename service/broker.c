/*
 * broker.c - Celery messages on Redis (broker.h). The message is what celery's own
 * `apply_async` writes with the JSON serializer (protocol 2): the body [args, kwargs, embed]
 * base64-encoded, the task's name and id in the headers, and kombu's Redis envelope properties
 * (delivery_info, delivery_tag, body_encoding) a worker needs to consume and acknowledge it.
 * Task states come back through Celery's Redis result backend: the JSON its RedisBackend writes
 * under celery-task-meta-<task id> when a task ends ({"status", "result", "traceback", ...}).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <hiredis.h>
#include <sodium.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "broker.h"
#include "credits.h"
#include "fields.h"
#include "records.h"

struct brk {
	char host[256], password[256], url[512];
	int port, db;
	redisContext *c;
};

/* ---- the connection ----------------------------------------------------------------------- */

static int parse_url(brk_t *b, const char *url, char *err, size_t errlen)
{
	const char *p = url;
	if (strncmp(p, "redis://", 8)) {
		snprintf(err, errlen, "the broker '%s' is not a redis://HOST:PORT/DB URL (the only broker vidc speaks)", url);
		return VE_INVAL;
	}
	p += 8;
	const char *at = strchr(p, '@');
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		const char *pw = colon ? colon + 1 : p;
		snprintf(b->password, sizeof b->password, "%.*s", (int)(at - pw), pw);
		p = at + 1;
	}
	size_t hl = strcspn(p, ":/");
	snprintf(b->host, sizeof b->host, "%.*s", (int)hl, p);
	if (!b->host[0])
		snprintf(b->host, sizeof b->host, "localhost");
	p += hl;
	char *end;
	b->port = 6379;
	if (*p == ':') {
		long v = strtol(p + 1, &end, 10);
		if (end == p + 1 || v < 1 || v > 65535 || (*end && *end != '/')) {
			snprintf(err, errlen, "the broker '%s' has no valid port (1-65535)", url);
			return VE_INVAL;
		}
		b->port = (int)v, p = end;
	}
	b->db = 0;
	if (*p == '/' && p[1]) {
		long v = strtol(p + 1, &end, 10);
		if (*end || v < 0 || v > 15) {
			snprintf(err, errlen, "the broker '%s' names no Redis database (/0 to /15)", url);
			return VE_INVAL;
		}
		b->db = (int)v;
	}
	/* the URL without its password, for messages */
	snprintf(b->url, sizeof b->url, "redis://%s:%d/%d", b->host, b->port, b->db);
	return 0;
}

/* A command whose reply must not be an error; the reply's text in err otherwise. */
static int command_ok(brk_t *b, const char *what, redisReply *r, char *err, size_t errlen)
{
	int bad = !r || r->type == REDIS_REPLY_ERROR;
	if (bad)
		snprintf(err, errlen, "the Celery broker %s refused %s: %s", b->url, what,
			 r ? r->str : b->c && b->c->err ? b->c->errstr : "no reply");
	if (r)
		freeReplyObject(r);
	return bad ? VE_NET : 0;
}

static int connect_broker(brk_t *b, char *err, size_t errlen)
{
	if (b->c)
		redisFree(b->c);
	struct timeval tv = {3, 0};
	b->c = redisConnectWithTimeout(b->host, b->port, tv);
	if (!b->c || b->c->err) {
		snprintf(err, errlen, "cannot reach the Celery broker %s: %s", b->url, b->c ? b->c->errstr : "out of memory");
		if (b->c)
			redisFree(b->c);
		b->c = NULL;
		return VE_NET;
	}
	redisSetTimeout(b->c, tv); /* a broker that hangs fails the send; the job stays in the outbox */
	int rc = 0;
	if (b->password[0])
		rc = command_ok(b, "the password (AUTH)", redisCommand(b->c, "AUTH %s", b->password), err, errlen);
	if (!rc)
		rc = command_ok(b, "SELECT", redisCommand(b->c, "SELECT %d", b->db), err, errlen);
	if (!rc)
		rc = command_ok(b, "PING", redisCommand(b->c, "PING"), err, errlen);
	if (rc) {
		redisFree(b->c);
		b->c = NULL;
	}
	return rc;
}

/* A command on the connection, made again once on a new connection when the first was lost
 * (a broker restarted); NULL with err filled when there is no connection. */
static redisReply *command(brk_t *b, char *err, size_t errlen, const char *fmt, ...)
{
	redisReply *r = NULL;
	for (int attempt = 0; attempt < 2 && !r; attempt++) {
		if (!b->c && connect_broker(b, err, errlen))
			continue;
		va_list ap;
		va_start(ap, fmt);
		r = redisvCommand(b->c, fmt, ap);
		va_end(ap);
		if (!r) {
			snprintf(err, errlen, "the Celery broker %s: %s", b->url, b->c->errstr);
			redisFree(b->c); /* a lost connection: a new one for the second try */
			b->c = NULL;
		}
	}
	return r;
}

int brk_open(const char *url, brk_t **out, char *err, size_t errlen)
{
	*out = NULL;
	brk_t *b = calloc(1, sizeof *b);
	if (!b) {
		snprintf(err, errlen, "out of memory for the broker's connection");
		return VE_NOMEM;
	}
	int rc = parse_url(b, url, err, errlen);
	if (!rc)
		rc = connect_broker(b, err, errlen);
	if (rc) {
		brk_close(b);
		return rc;
	}
	*out = b;
	return 0;
}

void brk_close(brk_t *b)
{
	if (!b)
		return;
	if (b->c)
		redisFree(b->c);
	free(b);
}

const char *brk_url(const brk_t *b)
{
	return b->url;
}

/* ---- the message -------------------------------------------------------------------------- */

/* A random (version 4) UUID, as Celery's task ids and kombu's delivery tags are. */
static void uuid4(char out[37])
{
	unsigned char r[16];
	randombytes_buf(r, sizeof r);
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3],
		 r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

/* Python's repr of the arguments, the message's argsrepr (what Flower and the logs show). */
static void args_repr(json_t *args, buf_t *o)
{
	buf_putc(o, '(');
	size_t i;
	json_t *v;
	json_array_foreach(args, i, v) {
		if (i)
			buf_append(o, ", ", 2);
		if (json_is_integer(v)) {
			buf_appendf(o, "%lld", (long long)json_integer_value(v));
			continue;
		}
		buf_putc(o, '\'');
		for (const char *s = json_is_string(v) ? json_string_value(v) : "None"; *s; s++) {
			if (*s == '\'' || *s == '\\')
				buf_putc(o, '\\');
			buf_putc(o, *s);
		}
		buf_putc(o, '\'');
	}
	buf_append(o, json_array_size(args) == 1 ? ",)" : ")", json_array_size(args) == 1 ? 2 : 1);
}

/* The kombu envelope of task `name`(args) with id; NULL when out of memory. */
static char *envelope(const char *queue, const char *name, json_t *args, const char *id)
{
	json_t *body = json_pack("[O, {}, {s:n, s:n, s:n, s:n}]", args, "callbacks", "errbacks", "chain", "chord");
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	size_t n = text ? strlen(text) : 0;
	char *b64 = text ? malloc(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL)) : NULL;
	if (b64)
		sodium_bin2base64(b64, sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), (unsigned char *)text,
				  n, sodium_base64_VARIANT_ORIGINAL);
	free(text);
	char tag[37], reply[37], host[200] = "", origin[260];
	uuid4(tag);
	uuid4(reply);
	gethostname(host, sizeof host - 1);
	snprintf(origin, sizeof origin, "%d@%s", (int)getpid(), host);
	buf_t repr = {0};
	args_repr(args, &repr);
	buf_putc(&repr, '\0');
	json_t *headers = json_pack("{s:s, s:s, s:s, s:n, s:n, s:n, s:n, s:n, s:i, s:[n, n], s:s, s:n, s:s, s:s, s:s, s:b}",
				    "lang", "py", "task", name, "id", id, "shadow", "eta", "expires", "group", "group_index",
				    "retries", 0, "timelimit", "root_id", id, "parent_id", "argsrepr",
				    repr.data ? repr.data : "()", "kwargsrepr", "{}", "origin", origin, "ignore_result", 0);
	buf_free(&repr);
	json_t *props = json_pack("{s:s, s:s, s:i, s:{s:s, s:s}, s:i, s:s, s:s}", "correlation_id", id, "reply_to", reply,
				  "delivery_mode", 2, "delivery_info", "exchange", "", "routing_key", queue, "priority", 0,
				  "body_encoding", "base64", "delivery_tag", tag);
	json_t *msg = b64 && headers && props
			      ? json_pack("{s:s, s:s, s:s, s:O, s:O}", "body", b64, "content-encoding", "utf-8", "content-type",
					  "application/json", "headers", headers, "properties", props)
			      : NULL;
	json_decref(headers);
	json_decref(props);
	free(b64);
	char *out = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
	json_decref(msg);
	return out;
}

int brk_send(brk_t *b, const char *queue, const char *name, json_t *args, const char *id, char *err, size_t errlen)
{
	char *msg = envelope(queue, name, args, id);
	if (!msg) {
		snprintf(err, errlen, "out of memory for the message of task %s", id);
		return VE_NOMEM;
	}
	/* kombu's Redis transport: a queue is a list, LPUSHed by producers, BRPOPed by workers */
	redisReply *r = command(b, err, errlen, "LPUSH %s %s", queue, msg);
	int rc = r ? command_ok(b, "the message (LPUSH)", r, err, errlen) : VE_NET;
	free(msg);
	return rc;
}

/* ---- the outbox --------------------------------------------------------------------------- */

/* The job kinds Celery has a task for, with its arguments (vidc_celery/tasks.py); a kind not here
 * (engagement) stays for `vidc worker`. */
static const struct {
	const char *kind, *task, *args[2];
} tasks[] = {
	{"script", "vidc_celery.generate_video_script", {"project_id", NULL}},
	{"voice", "vidc_celery.generate_voiceover", {"project_id", NULL}},
	{"assets", "vidc_celery.generate_assets", {"project_id", NULL}},
	{"render", "vidc_celery.render_video", {"project_id", "preset"}},
	{"thumbnail", "vidc_celery.generate_thumbnail", {"project_id", NULL}},
	{"subtitles", "vidc_celery.generate_subtitles", {"project_id", NULL}},
	{"publish", "vidc_celery.publish_video", {"rendered_video_id", "social_account_id"}},
};
#define NTASKS (sizeof tasks / sizeof *tasks)
#define KINDS "('script', 'voice', 'assets', 'render', 'thumbnail', 'subtitles', 'publish')"

/* The store's queued jobs of those kinds to the outbox, each with its task id, in one
 * transaction. */
static int to_outbox(store_t *s, char *err, size_t errlen)
{
	if (store_begin(s)) {
		snprintf(err, errlen, "cannot read the queue: %s", store_errmsg(s));
		return VE_IO;
	}
	json_t *rows = store_rows(s, "SELECT id, payload FROM vidc_jobs WHERE queue = 'video' AND status = 'queued' AND "
				     "run_after <= ? AND kind IN " KINDS " ORDER BY id LIMIT 100", "l", store_now_ms());
	size_t i;
	json_t *r;
	int rc = 0;
	json_array_foreach(rows, i, r) {
		json_t *p = json_object_get(r, "payload");
		json_t *payload = json_is_object(p) ? json_copy(p) : json_object();
		char id[37];
		uuid4(id);
		if (!json_is_string(json_object_get(payload, "celery_task_id")))
			json_object_set_new(payload, "celery_task_id", json_string(id));
		char *text = json_dumps(payload, JSON_COMPACT);
		if (!rc && store_run(s, "UPDATE vidc_jobs SET queue = '" BRK_OUTBOX "', payload = ? WHERE id = ?", "tl",
				     text ? text : "{}", fld_int(r, "id", 0)) < 0)
			rc = VE_IO;
		free(text);
		json_decref(payload);
	}
	json_decref(rows);
	if (!rc && store_commit(s))
		rc = VE_IO;
	if (rc) {
		snprintf(err, errlen, "cannot move jobs to the outbox: %s", store_errmsg(s));
		store_rollback(s);
	}
	return rc;
}

/* The task's arguments from the job's row (its columns, then its payload). */
static json_t *task_args(size_t t, json_t *row)
{
	json_t *args = json_array();
	json_t *payload = json_object_get(row, "payload");
	for (int k = 0; k < 2 && tasks[t].args[k]; k++) {
		json_t *v = json_object_get(row, tasks[t].args[k]);
		if (!v || json_is_null(v))
			v = json_object_get(payload, tasks[t].args[k]);
		json_array_append(args, v ? v : json_null());
	}
	return args;
}

int brk_dispatch(store_t *s, brk_t *b, int *sent, char *err, size_t errlen)
{
	*sent = 0;
	int rc = to_outbox(s, err, errlen);
	if (rc)
		return rc;
	json_t *rows = store_rows(s, "SELECT j.id, j.kind, j.project_id, j.rendered_video_id, j.payload, "
				     "v.social_account_id FROM vidc_jobs j LEFT JOIN igny8_published_videos v ON v.job_id = "
				     "j.id WHERE j.queue = '" BRK_OUTBOX "' ORDER BY j.id LIMIT 100", "");
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		size_t t = 0;
		while (t < NTASKS && strcmp(tasks[t].kind, fld_str(r, "kind", "")))
			t++;
		const char *id = fld_str(json_object_get(r, "payload"), "celery_task_id", NULL);
		if (t == NTASKS || !id)
			continue; /* to_outbox moves neither */
		json_t *args = task_args(t, r);
		rc = brk_send(b, BRK_QUEUE, tasks[t].task, args, id, err, errlen);
		json_decref(args);
		if (rc)
			break;
		/* sent: the job is Celery's now (a crash before this line sends it again, same id) */
		store_run(s, "UPDATE vidc_jobs SET queue = 'celery' WHERE id = ? AND queue = '" BRK_OUTBOX "'", "l",
			  fld_int(r, "id", 0));
		(*sent)++;
	}
	json_decref(rows);
	return rc;
}

/* ---- the results -------------------------------------------------------------------------- */

int brk_task_meta(brk_t *b, const char *id, json_t **meta, char *err, size_t errlen)
{
	*meta = NULL;
	redisReply *r = command(b, err, errlen, "GET celery-task-meta-%s", id);
	if (!r)
		return VE_NET;
	int rc = 0;
	if (r->type == REDIS_REPLY_STRING) {
		json_error_t je;
		*meta = json_loadb(r->str, r->len, 0, &je);
		if (!json_is_object(*meta)) {
			snprintf(err, errlen, "the result of Celery task %s in %s is not Celery's JSON: %s", id, b->url, je.text);
			json_decref(*meta);
			*meta = NULL;
			rc = VE_PROTOCOL;
		}
	} else if (r->type != REDIS_REPLY_NIL) {
		snprintf(err, errlen, "the result of Celery task %s in %s is no string: %s", id, b->url,
			 r->type == REDIS_REPLY_ERROR ? r->str : "another Redis type");
		rc = VE_PROTOCOL;
	}
	freeReplyObject(r);
	return rc;
}

/* Celery's states that end a task without a result (celery.states.PROPAGATE_STATES). */
static const char *const failed_states[] = {"FAILURE", "REVOKED", NULL};

/* "EXC_TYPE: EXC_MESSAGE" of the exception a FAILURE's or a RETRY's meta holds as its result:
 * {"exc_type", "exc_message" (a list of the exception's args, or a string), "exc_module"}. */
static void exc_text(json_t *meta, char *out, size_t n)
{
	json_t *res = json_object_get(meta, "result");
	json_t *msg = json_object_get(res, "exc_message");
	char *args = json_is_string(msg) ? strdup(json_string_value(msg))
		   : json_array_size(msg) == 1 && json_is_string(json_array_get(msg, 0))
		       ? strdup(json_string_value(json_array_get(msg, 0)))
		       : json_dumps(msg ? msg : res, JSON_COMPACT | JSON_ENCODE_ANY);
	snprintf(out, n, "%s%s%s", fld_str(res, "exc_type", ""), *fld_str(res, "exc_type", "") ? ": " : "",
		 args ? args : "(no message)");
	free(args);
}

/* "the Celery task NAME[ID] failed: EXC_TYPE: EXC_MESSAGE" from a FAILURE's (or REVOKED's) meta. */
static void task_error(json_t *meta, const char *kind, const char *id, char *out, size_t n)
{
	char exc[800];
	exc_text(meta, exc, sizeof exc);
	const char *name = fld_str(meta, "name", NULL); /* result_extended: the task's name */
	snprintf(out, n, "the Celery task %s[%s] %s: %s", name ? name : kind, id,
		 !strcmp(fld_str(meta, "status", ""), "REVOKED") ? "was revoked" : "failed", exc);
}

/* What the job's status endpoint shows of a task still under way (jobs_view): {"status":
 * "STARTED"}, or {"status": "RETRY", "reason", "retries"} where Celery keeps the exception the
 * task retries for as its result and, with result_extended, the retries done before this one
 * (the countdown is not in the meta). NULL for the other states. */
static json_t *task_state(json_t *meta)
{
	const char *st = fld_str(meta, "status", "");
	if (!strcmp(st, "STARTED"))
		return json_pack("{s:s}", "status", st);
	if (strcmp(st, "RETRY"))
		return NULL;
	char why[800];
	exc_text(meta, why, sizeof why);
	json_t *out = json_pack("{s:s, s:s}", "status", st, "reason", why);
	if (json_is_integer(json_object_get(meta, "retries")))
		json_object_set_new(out, "retries", json_integer(fld_int(meta, "retries", 0) + 1));
	return out;
}

/* Keeps the task's state on a job still queued or running when it changed; 0, or < 0. */
static int note_state(store_t *s, json_t *row, json_t *meta)
{
	json_t *st = task_state(meta);
	json_t *old = json_object_get(row, "celery_state");
	int rc = 0;
	if (st ? !json_equal(st, old) : old && !json_is_null(old)) {
		char *text = st ? json_dumps(st, JSON_COMPACT) : NULL;
		rc = store_run(s, "UPDATE vidc_jobs SET celery_state = ? WHERE id = ? AND status IN ('queued', 'running')", "tl",
			       text, fld_int(row, "id", 0)) < 0 ? -2 : 0;
		free(text);
	}
	json_decref(st);
	return rc;
}

/* The job of a task that failed ends as a worker's failed job does: failed with the task's
 * error, its holds released, its project (and render) failed. 1 when it was still queued or
 * running, 0 when it had ended already, < 0 on a store error. */
static int fail_job(store_t *s, json_t *row, const char *msg)
{
	int64_t job = fld_int(row, "id", 0), project = fld_int(row, "project_id", 0);
	int64_t rendered = fld_int(row, "rendered_video_id", 0);
	int publish = !strcmp(fld_str(row, "kind", ""), "publish");
	char now[32], err[1024];
	store_iso(store_now_ms(), now);
	if (store_begin(s))
		return -2;
	int rc = store_run(s, "UPDATE vidc_jobs SET status = 'failed', error = ?, finished_at = ?, lease_owner = NULL, "
			      "lease_until = 0 WHERE id = ? AND queue = 'celery' AND status IN ('queued', 'running')",
			   "ttl", msg, now, job);
	if (rc == 1 && credits_release(s, job, err, sizeof err))
		rc = -2;
	if (rc == 1 && project && !publish && rec_project_status(s, project, "failed", msg))
		rc = -2;
	if (rc == 1 && rendered && !publish &&
	    store_run(s, "UPDATE igny8_rendered_videos SET status = 'failed', error = ?, updated_at = ? WHERE id = ?", "ttl",
		      msg, now, rendered) < 0)
		rc = -2;
	if (rc < 0 || store_commit(s)) {
		store_rollback(s);
		return -2;
	}
	return rc;
}

int brk_results(store_t *s, brk_t *b, FILE *log, char *err, size_t errlen)
{
	json_t *rows = store_rows(s, "SELECT id, kind, project_id, rendered_video_id, payload, celery_state FROM vidc_jobs "
				     "WHERE queue = "
				     "'celery' AND status IN ('queued', 'running') AND payload LIKE '%celery_task_id%' "
				     "ORDER BY id LIMIT 500", "");
	if (!rows) {
		snprintf(err, errlen, "cannot read the jobs Celery has: %s", store_errmsg(s));
		return VE_IO;
	}
	size_t i;
	json_t *r;
	int rc = 0;
	json_array_foreach(rows, i, r) {
		const char *id = fld_str(json_object_get(r, "payload"), "celery_task_id", "");
		json_t *meta = NULL;
		if (!*id)
			continue; /* no task to ask about; the jobs after it still have theirs */
		if ((rc = brk_task_meta(b, id, &meta, err, errlen)) == VE_NET)
			break;
		int failed = 0;
		for (int k = 0; meta && failed_states[k]; k++)
			failed |= !strcmp(fld_str(meta, "status", ""), failed_states[k]);
		char msg[1024];
		if (failed)
			task_error(meta, fld_str(r, "kind", ""), id, msg, sizeof msg);
		if (failed && fail_job(s, r, msg) == 1 && log)
			fprintf(log, "vidc serve: job %lld (%s) failed: %s\n", (long long)fld_int(r, "id", 0),
				fld_str(r, "kind", ""), msg);
		if (!failed && rc != VE_PROTOCOL)
			note_state(s, r, meta); /* a store error here is seen again on the next pass */
		json_decref(meta);
		rc = 0; /* one task's unreadable result is no reason to skip the others */
	}
	json_decref(rows);
	return rc;
}

void *brk_loop(void *arg)
{
	const brk_loop_opts *o = arg;
	store_t *s = NULL;
	char err[1200];
	int was_down = 0;
	while (!*o->stop) {
		if (!s && store_open(o->cfg->db, &s, err, sizeof err)) {
			s = NULL;
			if (o->log)
				fprintf(o->log, "vidc serve: the broker's sender: %s\n", err);
		}
		int sent = 0;
		int rc = s ? brk_dispatch(s, o->b, &sent, err, sizeof err) : 0;
		if (s && !rc)
			rc = brk_results(s, o->b, o->log, err, sizeof err);
		/* a broker that stays down is said once, and again when it is back */
		if (o->log && rc && !was_down)
			fprintf(o->log, "vidc serve: %s; the jobs wait in the outbox and are sent when it answers\n", err);
		if (o->log && !rc && was_down)
			fprintf(o->log, "vidc serve: the Celery broker answers again\n");
		if (o->log && sent)
			fprintf(o->log, "vidc serve: sent %d job%s to Celery\n", sent, sent == 1 ? "" : "s");
		was_down = rc == VE_NET;
		struct timespec ts = {0, 500 * 1000000L};
		nanosleep(&ts, NULL);
	}
	store_close(s);
	return NULL;
}
