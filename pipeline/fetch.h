/*
 * fetch.h - the one fetcher: every download vidc makes from a URL (an article's images, stock
 * photos and footage, search replies, AI images given as URLs) goes through fetch_url(). It sits
 * under the assets stage (pipeline/assets.c) and beside the API client (pipeline/http.h, which
 * only talks to base URLs the operator configured).
 *
 * What it guarantees:
 *  - Cache: bodies are stored on disk by the SHA-256 of their bytes (objects/ab/abcd...ext) and
 *    found by a URL index with the fetch time (index/xy/SHA256(url).json), so a URL is fetched
 *    once across projects and stays fresh for ttl_s. The folder is VIDC_CACHE_DIR, else
 *    $XDG_CACHE_HOME/vidc, else ~/.cache/vidc. A download cut off halfway never enters it (a
 *    partial body is kept aside only to be resumed with a Range request).
 *  - Limits: the size from Content-Length before any body byte and again while streaming (the
 *    body goes to a file, never to memory); the type from magic bytes (an HTML page served as
 *    .jpg is an error naming the URL); an image whose header claims more pixels than
 *    base/media.h allows (MEDIA_MAX_PIXELS, MEDIA_MAX_SIDE) is refused as soon as the header
 *    has arrived, before anything decodes it.
 *  - Network: http and https only, redirects followed by hand (each hop checked); a URL that
 *    does not come from the operator (trusted = 0) may not connect to a loopback, private,
 *    link-local, unique-local, CGNAT, multicast or unspecified address, v4 or v6 (v4-mapped,
 *    NAT64 and 6to4 forms unwrapped). The check runs on the address curl is about to connect
 *    to (CURLOPT_OPENSOCKETFUNCTION), so DNS rebinding cannot slip past it. allow_private
 *    (VIDC_ALLOW_PRIVATE_URLS=1) lifts it; allow_addrs (VIDC_ALLOW_PRIVATE_URLS=ADDR,...) lets
 *    listed addresses through. Proxies from the environment are not used.
 *  - Faults: connect and whole-transfer timeouts, a stall timeout, bounded retries with
 *    exponential backoff, a 429's Retry-After honoured, a broken transfer resumed with Range.
 *    A cancel flag and a progress callback.
 *
 * Errors are base/err.h codes: VE_DENIED (scheme, private address), VE_LIMIT (size, pixels),
 * VE_PROTOCOL (wrong type, bad reply), VE_NOTFOUND (404/410), VE_AUTH (401/403), VE_QUOTA (429
 * after every retry), VE_NET, VE_TIMEOUT, VE_CANCELED, VE_IO (the cache folder); the message
 * names the URL (as public_url shows it) and the cause.
 *
 * Thread safety: no global state beyond curl_global_init (run once); concurrent calls, in one
 * process or several, may share a cache folder (files are renamed into place).
 */
#ifndef VIDC_FETCH_H
#define VIDC_FETCH_H

#include <stdio.h>
#include <time.h>

#include "../base/err.h"
#include "sniff.h"

struct sockaddr;

/* What a caller accepts (bits of fetch_opts.accept); 0 accepts anything. */
enum {
	FETCH_IMAGE = 1, /* JPEG, PNG, GIF, WebP, BMP */
	FETCH_VIDEO = 2, /* MP4/MOV, WebM/Matroska, AVI */
	FETCH_JSON = 4
};

#define FETCH_MAX_BYTES (50LL << 20) /* default body limit: 50 MiB */
#define FETCH_MAX_REDIRECTS 5
/* An image's size is read from at most this much of its start (JPEG's frame header may follow
 * large EXIF and ICC segments); past it, the decoder's own pixel limit is the backstop. */
#define FETCH_PROBE_BYTES (1 << 20)

/* done: body bytes so far (a resumed download counts its earlier part); total: the body's
 * length, -1 when unknown. Return nonzero to cancel. */
typedef int (*fetch_progress_fn)(void *ud, long long done, long long total);

typedef struct {
	const char *cache_dir;	 /* NULL: VIDC_CACHE_DIR, $XDG_CACHE_HOME/vidc, ~/.cache/vidc */
	const char *public_url;	 /* the URL as messages and the cache index show it (a key in its
				  * query removed); it is also the cache key. NULL: the URL. */
	int trusted;		 /* the URL is a base URL the operator configured: the address rule
				  * does not apply to it, nor to redirects within its origin */
	int allow_private;	 /* default VIDC_ALLOW_PRIVATE_URLS=1: the rule is off */
	const char *allow_addrs; /* addresses the rule lets through, a comma list (an internal
				  * mirror): VIDC_ALLOW_PRIVATE_URLS=10.0.0.5,fd00::7 */
	int accept;		 /* FETCH_* bits */
	long long max_bytes;	 /* default FETCH_MAX_BYTES (VIDC_FETCH_MAX_BYTES) */
	long ttl_s;		 /* a cached copy older than this is fetched again; 0: kept forever */
	int refresh;		 /* 1: ignore the cache when reading (still store) */
	long connect_timeout_ms; /* default 10 s */
	long timeout_ms;	 /* the whole transfer, default 300 s (VIDC_FETCH_TIMEOUT_MS) */
	long stall_ms;		 /* no byte for this long aborts the attempt, default 30 s */
	int max_attempts;	 /* requests in all, default 4 */
	long backoff_ms;	 /* first wait, doubling; default VIDC_HTTP_BACKOFF_MS or 500 */
	long max_backoff_ms;	 /* default 8 s */
	long retry_after_cap_ms; /* a Retry-After longer than this is cut to it, default 30 s */
	const char *const *headers; /* extra "Name: value" request lines, NULL-terminated */
	const char *what;	 /* what is fetched, for messages ("image 2 of article.json") */
	fetch_progress_fn progress;
	void *progress_ud;
	volatile int *cancel;	 /* set nonzero (from a signal handler) to stop */
	FILE *log;		 /* NULL: silent; else one line per retry */
} fetch_opts;

/* The defaults above, the environment's settings included. */
void fetch_opts_init(fetch_opts *o);

typedef struct {
	char path[4096];	 /* the body in the cache: read it, never write it */
	char sha256[65];	 /* of the body, hex */
	long long size;
	sniff_type type;	 /* from the magic bytes */
	long long width, height; /* images: from the header; else 0 */
	char content_type[128];	 /* as served ("" from fetch_store) */
	char final_url[2048];	 /* after redirects */
	int from_cache;		 /* 1: no request was made */
	int attempts;		 /* requests sent for the body (redirect hops not counted) */
	long status;		 /* the last HTTP status, 0 when none */
	time_t fetched;		 /* when the body was downloaded */
	/* Rate-limit headers of the last reply (Pexels X-Ratelimit-*, Pixabay X-RateLimit-*);
	 * -1 when absent. reset is as sent: Pexels a UNIX time, Pixabay seconds to wait. */
	long long ratelimit_limit, ratelimit_remaining, ratelimit_reset;
} fetch_result;

/* Fetches url into the cache (or finds it there) and fills r. 0, or a negative VE_* code with e
 * filled. */
int fetch_url(const char *url, const fetch_opts *o, fetch_result *r, vidc_err *e);

/* fetch_url, then the body read into memory (at most o->max_bytes, NUL-terminated; the caller
 * frees *data): for JSON replies. */
int fetch_body(const char *url, const fetch_opts *o, fetch_result *r, char **data, size_t *len,
	       vidc_err *e);

/* Stores bytes that arrived another way (an AI image in a base64 reply) in the cache under key,
 * with the same type and pixel checks; r as fetch_url fills it. */
int fetch_store(const char *key, const void *data, size_t len, const fetch_opts *o,
		fetch_result *r, vidc_err *e);

/* Whether key is in the cache and fresh: 1 (r filled), 0 not, negative on a cache error. */
int fetch_lookup(const char *key, const fetch_opts *o, fetch_result *r, vidc_err *e);

/* Drops key from the cache index (a reply that turned out unusable), so the next call asks the
 * network again. The object stays (another key may name the same bytes). */
void fetch_forget(const char *key, const fetch_opts *o);

/* The cache folder o would use (created, mode 0700). 0 or VE_IO. */
int fetch_cache_dir(const fetch_opts *o, char *out, size_t n, vidc_err *e);

/* Whether a URL may be fetched at all: http or https, a host, no user:password. 0 or VE_DENIED
 * / VE_INVAL with e naming the rule. */
int fetch_check_url(const char *url, vidc_err *e);

/* The class of an address a URL from content may not reach ("loopback", "private",
 * "link-local", "unique-local", "CGNAT", "multicast", "unspecified", "reserved"), or NULL for a
 * public one. sa is a sockaddr_in or sockaddr_in6. */
const char *fetch_addr_class(const struct sockaddr *sa);

/* SHA-256 of a byte range as 64 hex digits and a NUL. */
void fetch_sha256_hex(const void *data, size_t len, char out[65]);

#endif
