/*
 * publish_net.c - hosts, clock and the retrying request of the publisher (see publish_net.h).
 * Backoff uses jitter, unlike pipeline/http.c's reproducible waits: many workers uploading to one
 * platform must not retry in lockstep (Google's resumable-upload guide asks for it).
 */
#include "publish_net.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../base/buf.h"

static const struct {
	const char *env, *def;
} hosts[PNET_NHOSTS] = {
	[PNET_YOUTUBE] = {"VIDC_YOUTUBE_URL", "https://www.googleapis.com/youtube/v3"},
	[PNET_YOUTUBE_UPLOAD] = {"VIDC_YOUTUBE_UPLOAD_URL", "https://www.googleapis.com/upload/youtube/v3"},
	[PNET_YOUTUBE_ANALYTICS] = {"VIDC_YOUTUBE_ANALYTICS_URL", "https://youtubeanalytics.googleapis.com/v2"},
	[PNET_GOOGLE_OAUTH] = {"VIDC_GOOGLE_OAUTH_URL", "https://oauth2.googleapis.com"},
	[PNET_GRAPH] = {"VIDC_GRAPH_URL", "https://graph.facebook.com/v21.0"},
	[PNET_IG_UPLOAD] = {"VIDC_IG_UPLOAD_URL", "https://rupload.facebook.com/ig-api-upload/v21.0"},
	[PNET_TIKTOK] = {"VIDC_TIKTOK_URL", "https://open.tiktokapis.com"},
};

const char *pnet_url(pnet_host h)
{
	if (h < 0 || h >= PNET_NHOSTS)
		return "";
	const char *v = getenv(hosts[h].env);
	return v && *v ? v : hosts[h].def;
}

const char *pnet_url_env(pnet_host h)
{
	return h >= 0 && h < PNET_NHOSTS ? hosts[h].env : "";
}

int64_t pnet_now(void)
{
	const char *v = getenv("VIDC_NOW");
	if (!v || !*v)
		return (int64_t)time(NULL);
	char *end;
	long long s = strtoll(v, &end, 10);
	if (*end == 0)
		return s;
	struct tm tm = {0};
	end = strptime(v, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end && (*end == 'Z' || *end == 0))
		return (int64_t)timegm(&tm);
	return (int64_t)time(NULL);
}

int pnet_sleep(const pnet_policy *p, long ms, vidc_err *e)
{
	while (ms > 0) {
		if (p && p->cancel && *p->cancel)
			return err_set(e, VE_CANCELED, "canceled");
		long step = ms < 100 ? ms : 100;
		struct timespec ts = {step / 1000, (step % 1000) * 1000000L};
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		ms -= step;
	}
	if (p && p->cancel && *p->cancel)
		return err_set(e, VE_CANCELED, "canceled");
	return 0;
}

long pnet_backoff(const pnet_policy *p, int n)
{
	long b = p->backoff_ms > 0 ? p->backoff_ms : 1000;
	long cap = p->max_backoff_ms > 0 ? p->max_backoff_ms : 60000;
	for (int i = 0; i < n && b < cap; i++)
		b *= 2;
	if (b > cap)
		b = cap;
	if (b < 2)
		return b;
	if (sodium_init() < 0)
		return b;
	return b / 2 + (long)randombytes_uniform((uint32_t)(b - b / 2 + 1));
}

static void logf_(const pnet_policy *p, const char *step, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pnet_vlog(const pnet_policy *p, const char *step, const char *fmt, va_list ap)
{
	if (!p->log)
		return;
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	p->log(p->log_ctx, step, msg);
}

static void logf_(const pnet_policy *p, const char *step, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pnet_vlog(p, step, fmt, ap);
	va_end(ap);
}

/* http.c's messages name the URL; upload URLs carry their session or upload token in the query
 * (a capability: whoever has it may upload), so messages keep the URL up to its '?'. */
static void redact(char *msg, size_t n, const char *url)
{
	const char *qm = strchr(url, '?');
	char *at = qm ? strstr(msg, url) : NULL;
	if (!at)
		return;
	size_t keep = (size_t)(qm - url), ul = strlen(url);
	char tail[1024];
	snprintf(tail, sizeof tail, "%s", at + ul);
	snprintf(at + keep, n - (size_t)(at - msg) - keep, "?...%s", tail);
}

/* One attempt through http.c (its own retries off). */
static int attempt(const pnet_policy *p, const pnet_req *q, http_response *r, vidc_err *e)
{
	http_client c;
	char auth[4096];
	http_client_init(&c, q->provider, "", NULL, NULL);
	if (q->bearer) {
		int n = snprintf(auth, sizeof auth, "%s %s", q->auth_scheme ? q->auth_scheme : "Bearer",
				 q->bearer);
		if (n < 0 || (size_t)n >= sizeof auth)
			return err_set(e, VE_INVAL, "%s: the access token is too long", q->provider);
		c.api_key = auth;
		c.auth_header = "Authorization";
	}
	c.headers = q->headers;
	c.cancel = p->cancel; /* a cancel aborts a chunk in flight; the session resumes it later */
	c.max_attempts = 1;
	c.timeout_ms = p->timeout_ms > 0 ? p->timeout_ms : 120000;
	c.max_body = (size_t)16 << 20;
	char msg[1024];
	int rc = http_request(&c, q->method, q->url, q->content_type, q->body, q->len, r, msg,
			      sizeof msg);
	if (q->bearer)
		sodium_memzero(auth, sizeof auth);
	redact(msg, sizeof msg, q->url);
	if (rc == 0 || rc == HTTP_ESTATUS)
		return 0;
	if (rc == HTTP_ECANCELED)
		return err_set(e, VE_CANCELED, "%s", msg);
	if (rc == HTTP_ENOMEM)
		return err_set(e, VE_NOMEM, "%s", msg);
	if (rc == HTTP_ETOOBIG)
		return err_set(e, VE_PROTOCOL, "%s", msg);
	if (rc == HTTP_EUSAGE)
		return err_set(e, VE_INVAL, "%s", msg);
	return err_set(e, rc == HTTP_ETIMEOUT ? VE_TIMEOUT : VE_NET, "%s", msg);
}

int pnet_send(const pnet_policy *p, const pnet_req *q, http_response *r, vidc_err *e)
{
	int max = p->max_attempts > 0 ? p->max_attempts : 5;
	long cap = p->retry_after_cap_ms > 0 ? p->retry_after_cap_ms : 600000;
	int backoffs = 0;
	memset(r, 0, sizeof *r);
	for (int n = 1;; n++) {
		if (p->cancel && *p->cancel)
			return err_set(e, VE_CANCELED, "canceled");
		http_response_free(r);
		int rc = attempt(p, q, r, e);
		long wait = -1;
		if (rc == VE_NET || rc == VE_TIMEOUT) {
			if (!q->idempotent)
				return rc;
			wait = pnet_backoff(p, backoffs++);
			logf_(p, "retry", "%s, retrying in %.1fs (attempt %d of %d)", e ? e->msg : "",
			      wait / 1000.0, n + 1, max);
		} else if (rc < 0) {
			return rc;
		} else if (r->status == 429) {
			wait = r->retry_after_ms >= 0 ? r->retry_after_ms : pnet_backoff(p, backoffs++);
			if (wait > cap)
				wait = cap;
			logf_(p, "retry", "%s: 429 Too Many Requests, waiting %.1fs as asked", q->provider,
			      wait / 1000.0);
		} else if (r->status >= 500 && r->status != 501 && q->idempotent) {
			wait = pnet_backoff(p, backoffs++);
			logf_(p, "retry", "%s: %ld %s, retrying in %.1fs (attempt %d of %d)", q->provider,
			      r->status, http_reason(r->status), wait / 1000.0, n + 1, max);
		}
		if (wait < 0 || n >= max)
			return rc < 0 ? rc : 0;
		if (pnet_sleep(p, wait, e) < 0)
			return VE_CANCELED;
	}
}

char *pnet_escape(const char *s)
{
	size_t n = strlen(s);
	char *o = malloc(n * 3 + 1), *w = o;
	if (!o)
		return NULL;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (isalnum(*c) || *c == '-' || *c == '_' || *c == '.' || *c == '~')
			*w++ = (char)*c;
		else
			w += sprintf(w, "%%%02X", *c);
	}
	*w = 0;
	return o;
}

char *pnet_form(const char *const *kv)
{
	buf_t b = {0};
	if (buf_append(&b, "", 0) < 0)
		return NULL;
	for (size_t i = 0; kv[i]; i += 2) {
		if (!kv[i + 1])
			continue;
		char *k = pnet_escape(kv[i]), *v = pnet_escape(kv[i + 1]);
		int bad = !k || !v || buf_appendf(&b, "%s%s=%s", b.len ? "&" : "", k, v) < 0;
		if (v)
			sodium_memzero(v, strlen(v)); /* form values may be tokens */
		free(k);
		free(v);
		if (bad) {
			buf_free(&b);
			return NULL;
		}
	}
	return b.data;
}
