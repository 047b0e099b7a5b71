/*
 * http.c - the shared HTTP client (see http.h): one libcurl easy handle per request, the reply
 * body in a growable buffer, retries with exponential backoff and no jitter (runs must be
 * reproducible; one client rarely shares a rate limit with many peers).
 */
#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "../base/utf8.h"

#ifndef VIDC_VERSION_STR
#define VIDC_VERSION_STR "0.1.0"
#endif

/* The defaults http.h documents beside each field. */
static const http_client client_defaults = {
	.connect_timeout_ms = 10000,
	.timeout_ms = 60000,
	.max_attempts = 4,
	.backoff_ms = 500,
	.max_backoff_ms = 8000,
	.retry_after_cap_ms = 30000,
	.max_body = (size_t)64 << 20,
};

void http_client_init(http_client *c, const char *provider, const char *base_url,
		      const char *api_key, const char *key_env)
{
	*c = client_defaults;
	c->provider = provider;
	c->base_url = base_url;
	c->api_key = api_key;
	c->key_env = key_env;
}

void http_response_free(http_response *r)
{
	buf_free(&r->body);
	buf_free(&r->headers);
}

int http_header(const http_response *r, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	if (n)
		out[0] = 0;
	const char *p = r->headers.data, *end = p ? p + r->headers.len : NULL;
	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		if ((size_t)(le - p) > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
			const char *v = p + nl + 1;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			while (le > v && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
				le--;
			size_t k = (size_t)(le - v);
			if (n) {
				if (k >= n)
					k = n - 1;
				memcpy(out, v, k);
				out[k] = 0;
			}
			return 1;
		}
		p = eol ? eol + 1 : end;
	}
	return 0;
}

const char *http_reason(long s)
{
	switch (s) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 402: return "Payment Required";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

/* Copies s into out as one line: control characters become spaces, runs collapse, at most n-1
 * bytes (cut at a UTF-8 boundary). */
static void one_line(const char *s, size_t slen, char *out, size_t n)
{
	size_t o = 0;
	int space = 0;
	for (size_t i = 0; i < slen && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= 32 || ch == 127) {
			space = o > 0;
			continue;
		}
		if (space) {
			if (o + 1 >= n)
				break;
			out[o++] = ' ';
			space = 0;
		}
		if (o + 1 >= n)
			break;
		out[o++] = (char)ch;
	}
	if (o > 0) { /* a character cut by the buffer's end is dropped whole */
		size_t last = utf8_floor(out, o - 1);
		uint32_t cp;
		if (!utf8_decode(out + last, o - last, &cp))
			o = last;
	}
	out[o] = 0;
}

static const char *json_msg(json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_object(v)) {
		const char *m = json_msg(json_object_get(v, "message"));
		if (m)
			return m;
		return json_msg(json_object_get(v, "msg"));
	}
	if (json_is_array(v) && json_array_size(v) > 0)
		return json_msg(json_array_get(v, 0));
	return NULL;
}

char *http_error_detail(const http_buf *body, char *out, size_t n)
{
	if (!n)
		return out;
	out[0] = 0;
	if (!body || !body->data || !body->len)
		return out;
	json_t *j = json_loadb(body->data, body->len, 0, NULL);
	if (j) {
		const char *m = NULL;
		static const char *const keys[] = {"error", "detail", "message", "msg"};
		for (size_t i = 0; !m && i < sizeof keys / sizeof *keys; i++)
			m = json_msg(json_object_get(j, keys[i]));
		if (m) {
			one_line(m, strlen(m), out, n);
			json_decref(j);
			return out;
		}
		json_decref(j);
	}
	one_line(body->data, body->len < 300 ? body->len : 300, out, n);
	return out;
}

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static void global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct {
	http_response *r;
	size_t max;
	int too_big;
	int oom;
} sink_t;

static size_t on_body(char *p, size_t sz, size_t nm, void *ud)
{
	sink_t *s = ud;
	size_t n = sz * nm;
	if (s->r->body.len + n > s->max) {
		s->too_big = 1;
		return 0;
	}
	if (buf_append(&s->r->body, p, n) < 0) {
		s->oom = 1;
		return 0;
	}
	return n;
}

long http_retry_after_ms(const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	if (isdigit((unsigned char)*v)) {
		char *end;
		double s = strtod(v, &end);
		return s > 1e6 ? 1000000000L : (long)(s * 1000);
	}
	time_t t = curl_getdate(v, NULL);
	if (t < 0)
		return -1;
	time_t now = time(NULL);
	return t > now ? (long)(t - now) * 1000 : 0;
}

size_t http_header_line(const char *p, size_t n, char *line, size_t cap)
{
	size_t k = n < cap - 1 ? n : cap - 1;
	memcpy(line, p, k);
	line[k] = 0;
	while (k > 0 && (line[k - 1] == '\r' || line[k - 1] == '\n'))
		line[--k] = 0;
	return k;
}

static size_t on_header(char *p, size_t sz, size_t nm, void *ud)
{
	http_response *r = ud;
	size_t n = sz * nm;
	char line[512];
	http_header_line(p, n, line, sizeof line);
	if (!strncmp(line, "HTTP/", 5)) { /* a new response (redirect, 100-continue): reset */
		r->retry_after_ms = -1;
		r->content_type[0] = 0;
		r->headers.len = 0;
		return n;
	}
	if (buf_append(&r->headers, p, n) < 0)
		return 0; /* out of memory: curl fails the request */
	if (!strncasecmp(line, "retry-after:", 12)) {
		r->retry_after_ms = http_retry_after_ms(line + 12);
	} else if (!strncasecmp(line, "content-type:", 13)) {
		const char *v = line + 13;
		while (*v == ' ')
			v++;
		size_t vl = strlen(v);
		if (vl >= sizeof r->content_type)
			vl = sizeof r->content_type - 1;
		memcpy(r->content_type, v, vl);
		r->content_type[vl] = 0;
	}
	return n;
}

static void sleep_ms(long ms)
{
	if (ms <= 0)
		return;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static char *join_url(const char *base, const char *path)
{
	if (!path)
		path = "";
	if (!strncmp(path, "http://", 7) || !strncmp(path, "https://", 8))
		return strdup(path);
	size_t bl = strlen(base);
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	while (*path == '/')
		path++;
	size_t n = bl + 1 + strlen(path) + 1;
	char *u = malloc(n);
	if (u)
		snprintf(u, n, "%.*s%s%s", (int)bl, base, *path ? "/" : "", path);
	return u;
}

static int retryable_status(long s)
{
	return s == 429 || s == 408 || (s >= 500 && s <= 599 && s != 501);
}

static void fmt_wait(long ms, char *buf, size_t n)
{
	if (ms % 1000 == 0)
		snprintf(buf, n, "%lds", ms / 1000);
	else
		snprintf(buf, n, "%.1fs", ms / 1000.0);
}

/* curl's progress callback (at least once a second, and as data moves): aborts the transfer
 * when the caller's cancel flag is set. */
static int on_xfer(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	volatile int *cancel = ud;
	return cancel && *cancel;
}

/* sleep_ms in steps of 100 ms that stops early on cancel. */
static void sleep_cancellable(long ms, volatile int *cancel)
{
	while (ms > 0 && !(cancel && *cancel)) {
		long step = ms < 100 ? ms : 100;
		sleep_ms(step);
		ms -= step;
	}
}

/* The request's headers: the key, the content type, no 100-continue, the caller's own. NULL when
 * out of memory. */
static struct curl_slist *request_headers(const http_client *c, const char *content_type)
{
	struct curl_slist *hdrs = NULL;
	char line[1024];
	if (c->api_key && *c->api_key) {
		if (c->auth_header)
			snprintf(line, sizeof line, "%s: %s", c->auth_header, c->api_key);
		else
			snprintf(line, sizeof line, "Authorization: Bearer %s", c->api_key);
		hdrs = curl_slist_append(hdrs, line);
	}
	if (content_type) {
		snprintf(line, sizeof line, "Content-Type: %s", content_type);
		hdrs = curl_slist_append(hdrs, line);
	}
	hdrs = curl_slist_append(hdrs, "Expect:"); /* no 100-continue round trip */
	for (const char *const *h = c->headers; h && *h; h++)
		hdrs = curl_slist_append(hdrs, *h);
	return hdrs;
}

/* One attempt: the reply into r through sink, curl's message in cerr. -1 when curl cannot start
 * a request, else 0 with curl's result in *cc. */
static int perform_once(const http_client *c, const char *method, const char *url,
			struct curl_slist *hdrs, const void *body, size_t len, http_response *r,
			sink_t *sink, char cerr[CURL_ERROR_SIZE], CURLcode *cc)
{
	CURL *h = curl_easy_init();
	if (!h)
		return -1;
	char ua[64];
	snprintf(ua, sizeof ua, "vidc/%s", VIDC_VERSION_STR);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent ? c->user_agent : ua);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms > 0 ? c->connect_timeout_ms : 10000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms > 0 ? c->timeout_ms : 60000L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	if (c->cancel) {
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_xfer);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)c->cancel);
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	}
	if (body || strcmp(method, "GET")) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? (const char *)body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? len : 0));
	}
	if (strcmp(method, "GET") && strcmp(method, "POST"))
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	*cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(h);
	return 0;
}

/* What one attempt that curl finished with cc means: *rc and err (and why, for the retry log
 * line). Returns the ms to wait before another attempt, or -1 when there is none to make (done,
 * or an error a retry cannot fix). */
static long attempt_outcome(const http_client *c, const char *prov, const char *method,
			    const char *url, CURLcode cc, const sink_t *sink, const char *cerr,
			    http_response *r, long backoff, int *rc, char *err, size_t errlen,
			    char *why, size_t whylen)
{
	if (cc != CURLE_OK) {
		if (sink->oom) {
			*rc = HTTP_ENOMEM;
			snprintf(err, errlen, "%s: out of memory reading the reply", prov);
			return -1;
		}
		if (cc == CURLE_ABORTED_BY_CALLBACK && c->cancel && *c->cancel) {
			*rc = HTTP_ECANCELED;
			snprintf(err, errlen, "%s: cancelled", prov);
			return -1;
		}
		if (sink->too_big) {
			*rc = HTTP_ETOOBIG;
			snprintf(err, errlen, "%s: the reply is larger than %zu bytes", prov, sink->max);
			return -1;
		}
		int timeout = cc == CURLE_OPERATION_TIMEDOUT;
		*rc = timeout ? HTTP_ETIMEOUT : HTTP_ENET;
		if (timeout)
			snprintf(why, whylen, "no reply within %.1fs (timeout)",
				 (c->timeout_ms > 0 ? c->timeout_ms : 60000) / 1000.0);
		else
			snprintf(why, whylen, "%s", cerr[0] ? cerr : curl_easy_strerror(cc));
		snprintf(err, errlen, "%s: %s %s: %s", prov, method, url, why);
		/* Connection-level failures are retried, but not ones a retry cannot fix. */
		return cc != CURLE_UNSUPPORTED_PROTOCOL && cc != CURLE_URL_MALFORMAT ? backoff : -1;
	}
	if (r->status >= 200 && r->status < 300) {
		*rc = 0;
		return -1;
	}
	char detail[400];
	http_error_detail(&r->body, detail, sizeof detail);
	*rc = HTTP_ESTATUS;
	const char *reason = http_reason(r->status);
	int n = snprintf(err, errlen, "%s: %ld%s%s", prov, r->status, *reason ? " " : "", reason);
	if (*detail && n >= 0 && (size_t)n < errlen)
		n += snprintf(err + n, errlen - (size_t)n, ": %s", detail);
	if ((r->status == 401 || r->status == 403) && c->key_env && n >= 0 && (size_t)n < errlen)
		snprintf(err + n, errlen - (size_t)n, " (check %s)", c->key_env);
	snprintf(why, whylen, "%ld %s", r->status, reason);
	if (!retryable_status(r->status))
		return -1;
	if (r->retry_after_ms >= 0) {
		long cap = c->retry_after_cap_ms > 0 ? c->retry_after_cap_ms : 30000;
		return r->retry_after_ms < cap ? r->retry_after_ms : cap;
	}
	return backoff;
}

int http_request(const http_client *c, const char *method, const char *path,
		 const char *content_type, const void *body, size_t len, http_response *r,
		 char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	r->retry_after_ms = -1;
	if (err && errlen)
		err[0] = 0;
	const char *prov = c->provider ? c->provider : "http";
	if (!c->base_url || !*c->base_url) {
		if (!path || (strncmp(path, "http://", 7) && strncmp(path, "https://", 8))) {
			snprintf(err, errlen, "%s: no base URL configured", prov);
			return HTTP_EUSAGE;
		}
	}
	pthread_once(&g_once, global_init);
	char *url = join_url(c->base_url ? c->base_url : "", path);
	struct curl_slist *hdrs = url ? request_headers(c, content_type) : NULL;
	if (!hdrs) {
		free(url);
		snprintf(err, errlen, "%s: out of memory", prov);
		return HTTP_ENOMEM;
	}

	int rc = 0;
	int max = c->max_attempts > 0 ? c->max_attempts : 1;
	long backoff = c->backoff_ms > 0 ? c->backoff_ms : 0;
	for (int attempt = 1;; attempt++) {
		buf_free(&r->body);
		buf_free(&r->headers);
		r->status = 0;
		r->retry_after_ms = -1;
		r->content_type[0] = 0;
		r->attempts = attempt;
		sink_t sink = {r, c->max_body ? c->max_body : ((size_t)64 << 20), 0, 0};
		char cerr[CURL_ERROR_SIZE] = "";
		CURLcode cc;
		if (perform_once(c, method, url, hdrs, body, len, r, &sink, cerr, &cc) < 0) {
			rc = HTTP_ENOMEM;
			snprintf(err, errlen, "%s: could not start a request (curl_easy_init)", prov);
			break;
		}
		char why[256];
		long wait = attempt_outcome(c, prov, method, url, cc, &sink, cerr, r, backoff, &rc, err, errlen,
					    why, sizeof why);
		if (wait < 0 || attempt >= max)
			break;
		if (c->log) {
			char ws[32];
			fmt_wait(wait, ws, sizeof ws);
			fprintf(c->log, "%s: %s, retrying in %s (attempt %d of %d)\n", prov, why, ws,
				attempt + 1, max);
		}
		sleep_cancellable(wait, c->cancel);
		if (c->cancel && *c->cancel) {
			rc = HTTP_ECANCELED;
			snprintf(err, errlen, "%s: cancelled", prov);
			break;
		}
		if (backoff > 0) {
			long cap = c->max_backoff_ms > 0 ? c->max_backoff_ms : 8000;
			backoff = backoff * 2 < cap ? backoff * 2 : cap;
		}
	}
	if (rc < 0 && r->attempts > 1 && err && errlen) {
		size_t n = strlen(err);
		if (n < errlen)
			snprintf(err + n, errlen - n, " (after %d attempts)", r->attempts);
	}
	curl_slist_free_all(hdrs);
	free(url);
	return rc;
}

int http_post_json(const http_client *c, const char *path, const char *json, http_response *r,
		   char *err, size_t errlen)
{
	static const char *const accept[] = {"Accept: application/json", NULL};
	http_client cc = *c;
	if (!cc.headers)
		cc.headers = accept;
	return http_request(&cc, "POST", path, "application/json", json, json ? strlen(json) : 0, r,
			    err, errlen);
}

int http_get(const http_client *c, const char *path, http_response *r, char *err, size_t errlen)
{
	return http_request(c, "GET", path, NULL, NULL, 0, r, err, errlen);
}
