/*
 * publish_core.c - the shared part of a publish (see publish_core.h): defaults, the mapped video,
 * the session record and its JSON form, logging.
 */
#include "publish_core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void net_log(void *ctx, const char *step, const char *msg)
{
	pcore_ctx *x = ctx;
	if (x->h && x->h->log)
		x->h->log(x->h->ctx, step, msg);
}

int pcore_set(char **field, const char *s, vidc_err *e)
{
	char *d = s ? strdup(s) : NULL;
	if (s && !d)
		return err_set(e, VE_NOMEM, "out of memory");
	free(*field);
	*field = d;
	return 0;
}

static int parse_session(pcore_ctx *x, const char *text, vidc_err *e)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);
	if (!json_is_object(j)) {
		json_decref(j);
		return err_set(e, VE_INVAL, "the recorded upload session is not a JSON object: %s",
			       je.text);
	}
	const char *pl = json_string_value(json_object_get(j, "platform"));
	if (!pl || strcmp(pl, x->rq->platform)) {
		json_decref(j);
		return err_set(e, VE_CONFLICT,
			       "the recorded upload session belongs to %s, not %s (another account?)",
			       pl ? pl : "no platform", x->rq->platform);
	}
	int rc = pcore_set(&x->ses.uri, json_string_value(json_object_get(j, "uri")), e);
	if (!rc)
		rc = pcore_set(&x->ses.id, json_string_value(json_object_get(j, "id")), e);
	if (!rc)
		rc = pcore_set(&x->ses.post, json_string_value(json_object_get(j, "post")), e);
	x->ses.steps = (int)json_integer_value(json_object_get(j, "steps"));
	json_decref(j);
	x->res->resumed = 1;
	return rc;
}

static int map_video(pcore_ctx *x, const char *path, vidc_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_errno(e, errno, "cannot open the video %s", path);
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int en = errno;
		close(fd);
		return en ? err_errno(e, en, "cannot read the video %s", path)
			  : err_set(e, VE_INVAL, "the video %s is not a regular file", path);
	}
	if (st.st_size == 0) {
		close(fd);
		return err_set(e, VE_INVAL, "the video %s is empty", path);
	}
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	int en = errno;
	close(fd);
	if (m == MAP_FAILED)
		return err_errno(e, en, "cannot map the video %s", path);
	x->data = m;
	x->size = (size_t)st.st_size;
	return 0;
}

void pcore_init(pcore_ctx *x, const publish_request *rq, oauth_tokens *tok, const publish_opts *o,
		const publish_hooks *h, publish_result *res)
{
	memset(x, 0, sizeof *x);
	memset(res, 0, sizeof *res);
	x->rq = rq;
	x->o = o;
	x->h = h;
	x->res = res;
	x->net = o->net;
	x->net.log = net_log;
	x->net.log_ctx = x;
	x->auth.platform = rq->platform;
	x->auth.tok = tok;
	x->auth.policy = &x->net;
	x->auth.save = h ? h->save_tokens : NULL;
	x->auth.save_ctx = h ? h->ctx : NULL;
}

int pcore_open(pcore_ctx *x, const publish_request *rq, oauth_tokens *tok, const publish_opts *o,
	       const publish_hooks *h, publish_result *res, vidc_err *e)
{
	pcore_init(x, rq, tok, o, h, res);
	if (!h || !h->save_session)
		return err_set(e, VE_INVAL, "publish: no save_session hook (a retry could post twice)");
	if (!rq->video_path || !rq->title)
		return err_set(e, VE_INVAL, "publish: the video file and a title are required");
	if (rq->session && *rq->session && parse_session(x, rq->session, e) < 0)
		return e ? e->code : VE_INVAL;
	return map_video(x, rq->video_path, e);
}

void pcore_close(pcore_ctx *x)
{
	if (x->data)
		munmap((void *)x->data, x->size);
	x->data = NULL;
	free(x->ses.uri);
	free(x->ses.id);
	free(x->ses.post);
	memset(&x->ses, 0, sizeof x->ses);
}

void pcore_reset(pcore_ctx *x)
{
	free(x->ses.uri);
	free(x->ses.id);
	x->ses.uri = x->ses.id = NULL;
}

int pcore_save(pcore_ctx *x, vidc_err *e)
{
	json_t *j = json_object();
	if (!j)
		return err_set(e, VE_NOMEM, "out of memory");
	json_object_set_new(j, "platform", json_string(x->rq->platform));
	if (x->ses.uri)
		json_object_set_new(j, "uri", json_string(x->ses.uri));
	if (x->ses.id)
		json_object_set_new(j, "id", json_string(x->ses.id));
	if (x->ses.post)
		json_object_set_new(j, "post", json_string(x->ses.post));
	if (x->ses.steps)
		json_object_set_new(j, "steps", json_integer(x->ses.steps));
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	if (!s)
		return err_set(e, VE_NOMEM, "out of memory");
	int rc = x->h->save_session(x->h->ctx, s, e);
	free(s);
	if (rc < 0 || (rc && e))
		return err_set(e, e && e->code ? e->code : VE_IO,
			       "the upload session could not be recorded, so nothing was sent: %s",
			       e ? e->msg : "");
	return 0;
}

void pcore_log(pcore_ctx *x, const char *step, const char *fmt, ...)
{
	va_list ap; /* through x->net's log, net_log: the hooks' log when there is one */
	va_start(ap, fmt);
	pnet_vlog(&x->net, step, fmt, ap);
	va_end(ap);
}

void pcore_progress(pcore_ctx *x, int64_t done)
{
	if (x->h && x->h->progress)
		x->h->progress(x->h->ctx, done, (int64_t)x->size);
}

json_t *pcore_json(const http_response *r)
{
	if (!r->body.data || !r->body.len)
		return NULL;
	return json_loadb(r->body.data, r->body.len, 0, NULL);
}

int pcore_fail(vidc_err *e, int code, const char *provider, const char *what,
	       const http_response *r)
{
	char detail[400];
	http_error_detail(&r->body, detail, sizeof detail);
	const char *reason = http_reason(r->status);
	return err_set(e, code, "%s: %s: %ld%s%s%s%s", provider, what, r->status, *reason ? " " : "",
		       reason, *detail ? ": " : "", detail);
}

int pcore_call(pcore_ctx *x, pnet_req *q, http_response *r, vidc_err *e)
{
	return oauth_call(&x->auth, q, r, e);
}

int pcore_wait(pcore_ctx *x, vidc_err *e)
{
	long ms = x->o->poll_interval_ms > 0 ? x->o->poll_interval_ms : 5000;
	return pnet_sleep(&x->net, ms, e);
}

int64_t pcore_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pcore_raw(publish_engagement *g, json_t *j, vidc_err *e)
{
	free(g->raw);
	g->raw = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	if (!g->raw)
		return err_set(e, VE_NOMEM, "out of memory");
	return 0;
}

int64_t pcore_int(json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (int64_t)json_real_value(v);
	if (json_is_string(v)) {
		char *end;
		long long n = strtoll(json_string_value(v), &end, 10);
		if (end != json_string_value(v) && !*end)
			return n;
	}
	return -1;
}
