/*
 * http.h - the pipeline's small HTTP client over libcurl, shared by every cloud provider (the LLM
 * script generator, the TTS voices). One request = one call: the body comes back in a growable
 * buffer with the status and the few headers a caller acts on; 429, 5xx and connection failures
 * are retried with backoff inside the call; a failure leaves one sentence in err that names the
 * provider, the status and the cause, e.g.
 *     "openai: 401 Unauthorized: invalid API key (check VIDC_LLM_API_KEY)".
 *
 * Usage:
 *     http_client c;
 *     http_client_init(&c, "openai", "https://api.openai.com/v1", key, "VIDC_LLM_API_KEY");
 *     c.timeout_ms = 60000;
 *     http_response r;
 *     if (http_post_json(&c, "/chat/completions", json, &r, err, sizeof err) < 0) { ... }
 *     ... r.body.data, r.body.len ...
 *     http_response_free(&r);
 *
 * Thread safety: a client is read-only during a request, so one client may serve several
 * threads; each request uses its own curl handle. curl_global_init runs once (pthread_once).
 * Stability: this header is a contract with pipeline/voice*.c; add fields at the end only.
 */
#ifndef VIDC_HTTP_H
#define VIDC_HTTP_H

#include <stddef.h>
#include <stdio.h>

#include "../base/buf.h"
#include "../base/err.h"

/* Return codes: values of base/err.h's one code space (negative; 0 is success). */
enum {
	HTTP_OK = 0,
	HTTP_ENOMEM = VE_NOMEM,     /* out of memory */
	HTTP_ENET = VE_NET,         /* could not connect / DNS / TLS / connection reset, after retries */
	HTTP_ETIMEOUT = VE_TIMEOUT, /* connect or total timeout, after retries */
	HTTP_ESTATUS = VE_PROTOCOL, /* the final reply was not 2xx; r->status and r->body hold it */
	HTTP_ETOOBIG = VE_LIMIT,    /* the body passed max_body */
	HTTP_EUSAGE = VE_INVAL,     /* bad arguments (no base URL, ...) */
	HTTP_ECANCELED = VE_CANCELED /* *cancel was set: the request was aborted, nothing retried */
};

/* A reply body: base/buf.h's buffer (data NUL-terminated, so text bodies are C strings). */
typedef buf_t http_buf;

typedef struct {
	const char *provider;	/* short name for messages: "openai", "elevenlabs" */
	const char *base_url;	/* e.g. "https://api.openai.com/v1"; paths are appended */
	const char *api_key;	/* NULL or "": no auth header */
	const char *key_env;	/* the setting that holds the key, named in 401/403 errors */
	/* The auth header's name: NULL sends "Authorization: Bearer KEY"; otherwise "NAME: KEY"
	 * (e.g. "xi-api-key", "Ocp-Apim-Subscription-Key"). */
	const char *auth_header;
	const char *const *headers; /* extra "Name: value" lines, NULL-terminated; may be NULL */
	long connect_timeout_ms;    /* default 10000 */
	long timeout_ms;	    /* whole request, default 60000 */
	int max_attempts;	    /* total tries incl. the first, default 4; 1 = no retries */
	long backoff_ms;	    /* first wait after a 5xx/network failure, default 500; doubles */
	long max_backoff_ms;	    /* cap of one backoff wait, default 8000 */
	long retry_after_cap_ms;    /* a 429's Retry-After is honoured up to this, default 30000 */
	size_t max_body;	    /* reply size limit, default 64 MiB */
	FILE *log;		    /* NULL: silent; else one line per retry ("retrying in 1s") */
	const char *user_agent;	    /* default "vidc/<version>" */
	/* Non-zero (a SIGINT handler, a service request) aborts the transfer in progress and the
	 * wait before a retry within about 100 ms; NULL: not cancellable. */
	volatile int *cancel;
} http_client;

/* Fills c with the defaults above and the given fields (pointers are borrowed, not copied). */
void http_client_init(http_client *c, const char *provider, const char *base_url,
		      const char *api_key, const char *key_env);

typedef struct {
	long status;		/* HTTP status of the last attempt; 0 when none arrived */
	long retry_after_ms;	/* the last Retry-After header in ms, -1 when absent */
	char content_type[128]; /* the reply's Content-Type, "" when absent */
	http_buf body;		/* the last attempt's body */
	int attempts;		/* how many requests were sent */
	http_buf headers;	/* the last reply's header lines as received ("Name: value\r\n"...) */
} http_response;

/* Sends METHOD base_url+path (path may also be a full http(s):// URL) with the given body and
 * content type (body may be NULL for GET). Retries 429 (after Retry-After, else backoff), 5xx,
 * connection failures and timeouts, up to max_attempts in total. Returns 0 when the final status
 * is 2xx; otherwise a negative HTTP_E* code with err filled. r is always initialised and must be
 * freed with http_response_free, whatever the result. */
int http_request(const http_client *c, const char *method, const char *path,
		 const char *content_type, const void *body, size_t len, http_response *r,
		 char *err, size_t errlen);
/* POST a JSON text (Content-Type: application/json, Accept: application/json). */
int http_post_json(const http_client *c, const char *path, const char *json, http_response *r,
		   char *err, size_t errlen);
int http_get(const http_client *c, const char *path, http_response *r, char *err, size_t errlen);
void http_response_free(http_response *r);
/* The value of the last reply's header NAME (case-insensitive; surrounding spaces trimmed) into
 * out (at most n-1 bytes). Returns 1 when present, 0 when not (out is then ""). The resumable
 * uploads need Location and Range, which no other caller reads. */
int http_header(const http_response *r, const char *name, char *out, size_t n);

/* "Unauthorized" for 401, ...; "" for unknown codes. */
const char *http_reason(long status);
/* The provider's own error sentence from a JSON error body ({"error":{"message"}},
 * {"error":"..."}, {"detail":...}, {"message":...}), else the start of the body as text.
 * Writes at most n bytes into out (always terminated) and returns out. */
char *http_error_detail(const http_buf *body, char *out, size_t n);

#endif
