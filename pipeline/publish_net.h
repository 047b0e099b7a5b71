/*
 * publish_net.h - the publisher's network layer: where each platform lives (base URLs from the
 * environment, operator-configured and trusted), what time it is (VIDC_NOW moves the clock in
 * tests), and one request with the retry policy uploads need: exponential backoff with full
 * jitter on connection failures and 5xx (only for requests that are safe to repeat), 429 waits
 * its Retry-After, cancellation between attempts. Built on pipeline/http.c (one attempt per call).
 * Layer: http.c <- publish_net.c <- oauth.c <- publish_{youtube,instagram,tiktok}.c <- publish.c.
 */
#ifndef VIDC_PUBLISH_NET_H
#define VIDC_PUBLISH_NET_H

#include <stdarg.h>
#include <stdint.h>

#include "../base/err.h"
#include "http.h"

/* The configurable hosts. */
typedef enum {
	PNET_YOUTUBE,		/* VIDC_YOUTUBE_URL    https://www.googleapis.com/youtube/v3 */
	PNET_YOUTUBE_UPLOAD,	/* VIDC_YOUTUBE_UPLOAD_URL https://www.googleapis.com/upload/youtube/v3 */
	PNET_YOUTUBE_ANALYTICS, /* VIDC_YOUTUBE_ANALYTICS_URL https://youtubeanalytics.googleapis.com/v2 */
	PNET_GOOGLE_OAUTH,	/* VIDC_GOOGLE_OAUTH_URL https://oauth2.googleapis.com */
	PNET_GRAPH,		/* VIDC_GRAPH_URL      https://graph.facebook.com/v21.0 */
	PNET_IG_UPLOAD,		/* VIDC_IG_UPLOAD_URL  https://rupload.facebook.com/ig-api-upload/v21.0 */
	PNET_TIKTOK,		/* VIDC_TIKTOK_URL     https://open.tiktokapis.com */
	PNET_NHOSTS
} pnet_host;

/* The base URL of a host: its environment variable when set, else the public default. */
const char *pnet_url(pnet_host h);
/* Name of the environment variable of a host (for messages). */
const char *pnet_url_env(pnet_host h);

/* Seconds since the epoch: VIDC_NOW (seconds, or "YYYY-MM-DDTHH:MM:SSZ") when set, else now. */
int64_t pnet_now(void);

/* How a request is retried. Zero fields take the defaults. */
typedef struct {
	int max_attempts;	 /* tries in all, default 5 */
	long backoff_ms;	 /* first backoff, default 1000; doubles; each wait is random in [0, b] */
	long max_backoff_ms;	 /* default 60000 */
	long retry_after_cap_ms; /* a 429 waits Retry-After up to this, default 600000 */
	long timeout_ms;	 /* one attempt, default 120000 */
	volatile int *cancel;	 /* non-zero: stop before the next attempt (VE_CANCELED) */
	void (*log)(void *ctx, const char *step, const char *msg); /* retries are reported here */
	void *log_ctx;
} pnet_policy;

typedef struct {
	const char *provider;	  /* "youtube", ... for messages */
	const char *method;	  /* GET POST PUT */
	const char *url;	  /* full URL */
	const char *content_type; /* NULL: none */
	const void *body;	  /* may be NULL */
	size_t len;
	const char *const *headers; /* extra "Name: value" lines, NULL-terminated, may be NULL */
	const char *bearer;	    /* "Authorization: Bearer X" unless auth_scheme says otherwise */
	const char *auth_scheme;    /* NULL = "Bearer"; the Instagram upload host wants "OAuth" */
	int idempotent;		    /* 1: repeat on a dropped connection or a 5xx */
} pnet_req;

/* Sends q. Returns 0 when a reply arrived that is not to be retried (any status: the caller
 * reads r->status), VE_NET / VE_TIMEOUT when the connection failed (after the retries when
 * idempotent), VE_CANCELED, VE_NOMEM. A 429 is waited out and repeated (it was not processed),
 * up to max_attempts; the last 429 is returned as a reply. r is initialised in every case and
 * freed by the caller with http_response_free. */
int pnet_send(const pnet_policy *p, const pnet_req *q, http_response *r, vidc_err *e);

/* Formats a message and hands it to p->log (nothing when p has no log): the retries' notes
 * and publish_core's pcore_log. A message is cut at 1023 bytes. */
void pnet_vlog(const pnet_policy *p, const char *step, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Sleeps ms in slices, returning VE_CANCELED early when *cancel becomes non-zero. */
int pnet_sleep(const pnet_policy *p, long ms, vidc_err *e);
/* The n-th backoff wait (n from 0) under p: random in [b/2, b], b = min(backoff*2^n, max). */
long pnet_backoff(const pnet_policy *p, int n);

/* Builds "k1=v1&k2=v2" (URL-encoded) from a NULL-terminated list of key, value pairs; values that
 * are NULL are skipped. malloc'd; NULL when out of memory. */
char *pnet_form(const char *const *kv);
/* URL-encodes s (RFC 3986 unreserved kept); malloc'd. */
char *pnet_escape(const char *s);

#endif
