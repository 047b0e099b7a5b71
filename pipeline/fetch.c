/*
 * fetch.c - the one fetcher (see fetch.h): libcurl for the transfer, pipeline/cache.c for the
 * store, pipeline/sniff.c for the type and image size. One call = one URL: look it up in the
 * cache; else request it, following redirects by hand so every hop is checked; stream the body
 * into a partial file while hashing and sniffing it; on success move it into the cache. Retries
 * resume the partial file with a Range request when the server allows it.
 */
#include "fetch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "../base/buf.h"
#include "../base/file.h"
#include "../base/media.h"
#include "../base/utf8.h"
#include "cache.h"
#include "http.h"

#ifndef VIDC_VERSION_STR
#define VIDC_VERSION_STR "0.1.0"
#endif

/* A partial body this large is kept after a failed call, for a later call to resume; smaller ones
 * cost little to fetch again and would only litter the cache. */
#define KEEP_PARTIAL_BYTES (1LL << 20)
#define ERRBODY 400 /* bytes of an error reply kept for the message */

/* ---- addresses a URL from content may not reach ---------------------------------------- */

typedef struct {
	unsigned char net[16];
	int bits;
	const char *cls;
	int v4_at; /* >0: the IPv4 address embedded at this byte offset decides (v6 only) */
} net_range;

static const net_range v4_ranges[] = {
	{{0}, 8, "unspecified", 0},
	{{10}, 8, "private", 0},
	{{100, 64}, 10, "CGNAT", 0},
	{{127}, 8, "loopback", 0},
	{{169, 254}, 16, "link-local", 0},
	{{172, 16}, 12, "private", 0},
	{{192, 0, 0}, 24, "reserved", 0},
	{{192, 0, 2}, 24, "reserved", 0},
	{{192, 168}, 16, "private", 0},
	{{198, 18}, 15, "reserved", 0},
	{{198, 51, 100}, 24, "reserved", 0},
	{{203, 0, 113}, 24, "reserved", 0},
	{{224}, 4, "multicast", 0},
	{{240}, 4, "reserved", 0},
};

/* First match wins: the exact addresses before the prefixes that embed an IPv4 address. */
static const net_range v6_ranges[] = {
	{{0}, 128, "unspecified", 0},
	{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, "loopback", 0},
	{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96, NULL, 12},	    /* v4-mapped */
	{{0}, 96, "reserved", 12},					    /* v4-compatible */
	{{0, 0x64, 0xff, 0x9b}, 96, NULL, 12},				    /* NAT64 */
	{{0, 0x64, 0xff, 0x9b, 0, 1}, 48, "private", 0},		    /* local NAT64 */
	{{0x20, 0x02}, 16, NULL, 2},					    /* 6to4 */
	{{0x01, 0x00}, 64, "reserved", 0},				    /* discard */
	{{0x20, 0x01, 0x0d, 0xb8}, 32, "reserved", 0},			    /* documentation */
	{{0xfc}, 7, "unique-local", 0},
	{{0xfe, 0x80}, 10, "link-local", 0},
	{{0xfe, 0xc0}, 10, "private", 0}, /* site-local, deprecated but routed in some networks */
	{{0xff}, 8, "multicast", 0},
};

static int prefix_match(const unsigned char *a, const unsigned char *net, int bits)
{
	int full = bits / 8, rest = bits % 8;
	if (memcmp(a, net, (size_t)full))
		return 0;
	if (!rest)
		return 1;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[full] & mask) == (net[full] & mask);
}

static const char *v4_class(const unsigned char *a)
{
	for (size_t i = 0; i < sizeof v4_ranges / sizeof *v4_ranges; i++)
		if (prefix_match(a, v4_ranges[i].net, v4_ranges[i].bits))
			return v4_ranges[i].cls;
	return NULL;
}

const char *fetch_addr_class(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return v4_class((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr);
	if (sa->sa_family != AF_INET6)
		return "reserved"; /* no other family reaches a web server */
	const unsigned char *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	for (size_t i = 0; i < sizeof v6_ranges / sizeof *v6_ranges; i++) {
		const net_range *r = &v6_ranges[i];
		if (!prefix_match(a, r->net, r->bits))
			continue;
		if (r->v4_at) {
			const char *c = v4_class(a + r->v4_at);
			return c ? c : r->cls;
		}
		return r->cls;
	}
	return NULL;
}

void fetch_sha256_hex(const void *data, size_t len, char out[65])
{
	cache_sha256_hex(data, len, out);
}

/* ---- options and URLs ---------------------------------------------------------------------- */

static long env_long(const char *name, long dflt)
{
	const char *v = getenv(name);
	char *end;
	if (!v || !*v)
		return dflt;
	long n = strtol(v, &end, 10);
	return *end || n < 0 ? dflt : n;
}

void fetch_opts_init(fetch_opts *o)
{
	memset(o, 0, sizeof *o);
	const char *p = getenv("VIDC_ALLOW_PRIVATE_URLS");
	o->allow_private = p && !strcmp(p, "1");
	o->allow_addrs = p && *p && !o->allow_private ? p : NULL;
	o->max_bytes = env_long("VIDC_FETCH_MAX_BYTES", 0) > 0 ? env_long("VIDC_FETCH_MAX_BYTES", 0)
								: FETCH_MAX_BYTES;
	o->connect_timeout_ms = 10000;
	o->timeout_ms = env_long("VIDC_FETCH_TIMEOUT_MS", 300000);
	o->stall_ms = env_long("VIDC_FETCH_STALL_MS", 30000);
	o->max_attempts = 4;
	o->backoff_ms = env_long("VIDC_HTTP_BACKOFF_MS", 500);
	o->max_backoff_ms = 8000;
	o->retry_after_cap_ms = 30000;
}

/* url as an error message shows it: control bytes as %XX (a forged line, terminal escapes), at
 * most 200 bytes. */
static void shown(const char *url, char *out, size_t n)
{
	utf8_shown(url, 200, out, n);
}

int fetch_check_url(const char *url, vidc_err *e)
{
	char s[256];
	shown(url, s, sizeof s);
	if (strlen(url) > 8192)
		return err_set(e, VE_INVAL, "URL '%.80s...' is longer than 8192 bytes", s);
	/* The scheme first (RFC 3986 3.1), so data:, file: and the like get the rule's message. */
	size_t k = strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
	if (k && url[k] == ':' && strncasecmp(url, "http:", 5) && strncasecmp(url, "https:", 6))
		return err_set(e, VE_DENIED, "URL '%s': only http and https URLs are fetched", s);
	CURLU *u = curl_url();
	if (!u)
		return err_set(e, VE_NOMEM, "out of memory");
	char *scheme = NULL, *host = NULL, *user = NULL;
	int rc = 0;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
		rc = err_set(e, VE_INVAL, "'%s' is not a URL", s);
	else if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
		 (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")))
		rc = err_set(e, VE_DENIED, "URL '%s': only http and https URLs are fetched", s);
	else if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host)
		rc = err_set(e, VE_INVAL, "URL '%s' names no host", s);
	else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK)
		rc = err_set(e, VE_DENIED, "URL '%s' carries a user name: refused", s);
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_url_cleanup(u);
	return rc;
}

/* Resolves a Location against the URL it came from. NULL when it is not a URL. */
static char *resolve_location(const char *base, const char *loc)
{
	CURLU *u = curl_url();
	char *out = NULL;
	if (u && curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, loc, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
		out = NULL;
	curl_url_cleanup(u);
	if (!out)
		return NULL;
	char *copy = strdup(out);
	curl_free(out);
	return copy;
}

/* Scheme, host and port of a URL as one string, for same-origin tests. */
static int origin_of(const char *url, char *out, size_t n)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	int ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK;
	if (ok)
		snprintf(out, n, "%s://%s:%s", scheme, host, port);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok ? 0 : -1;
}

/* ---- one transfer ------------------------------------------------------------------------- */

typedef struct {
	const fetch_opts *o;
	const char *shown; /* the URL for messages */
	const char *hop;   /* the URL of this request when it is a redirect's target, else NULL */
	int check_addr;	   /* the private-address rule applies to this hop */
	char refused[160]; /* "127.0.0.1 (loopback)" when a connection was refused */
	/* the reply */
	long status;
	long long content_length; /* -1 when absent */
	char location[2048], content_type[128], etag[256], last_modified[128], content_range[128];
	long retry_after_ms;
	long long rl_limit, rl_remaining, rl_reset;
	int headers_done;
	/* the body (2xx only) */
	FILE *out;
	cache_hash *hash;
	sniff_t sniff;
	buf_t probe;	 /* an image's first bytes, until its size is known */
	int dims;	 /* 1: width and height known */
	int64_t width, height;
	long long resume_from; /* bytes already in the partial file before this request */
	long long got;	       /* body bytes in the partial file */
	int body_started;
	char errbody[ERRBODY + 1];
	size_t nerr;
	/* a failure decided while streaming: no retry */
	int fail;
	char failmsg[512];
	int canceled;
} xfer_t;

static void fail_x(xfer_t *x, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail_x(xfer_t *x, int code, const char *fmt, ...)
{
	if (x->fail)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->failmsg, sizeof x->failmsg, fmt, ap);
	va_end(ap);
	x->fail = code;
}

static void hdr_copy(char *dst, size_t n, const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	snprintf(dst, n, "%s", v);
}

/* Whether the body may be this long (announced: from Content-Length); fails the transfer when
 * not. */
static int size_ok(xfer_t *x, long long total, int announced)
{
	if (total <= x->o->max_bytes)
		return 1;
	if (announced)
		fail_x(x, VE_LIMIT, "%s: the body is %lld bytes, over the limit of %lld bytes",
		       x->shown, total, x->o->max_bytes);
	else
		fail_x(x, VE_LIMIT, "%s: the body is larger than the limit of %lld bytes (stopped there)",
		       x->shown, x->o->max_bytes);
	return 0;
}

static size_t on_header(char *p, size_t sz, size_t nm, void *ud)
{
	xfer_t *x = ud;
	size_t n = sz * nm;
	char line[2100];
	size_t k = http_header_line(p, n, line, sizeof line);
	if (!strncmp(line, "HTTP/", 5)) { /* a new reply (after a 100 Continue): start over */
		const char *sp = strchr(line, ' ');
		x->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		x->content_length = -1;
		x->retry_after_ms = -1;
		x->location[0] = x->content_type[0] = x->etag[0] = 0;
		x->last_modified[0] = x->content_range[0] = 0;
		x->headers_done = 0;
		return n;
	}
	if (!k) { /* the end of the headers */
		x->headers_done = 1;
		if (x->status >= 200 && x->status < 300 && x->content_length >= 0) {
			long long total = x->content_length + (x->status == 206 ? x->resume_from : 0);
			if (!size_ok(x, total, 1))
				return 0; /* abort before the first body byte */
		}
		return n;
	}
	static const struct {
		const char *name;
		size_t off, size; /* a string field of xfer_t */
	} strs[] = {
		{"location:", offsetof(xfer_t, location), sizeof ((xfer_t *)0)->location},
		{"content-type:", offsetof(xfer_t, content_type), sizeof ((xfer_t *)0)->content_type},
		{"etag:", offsetof(xfer_t, etag), sizeof ((xfer_t *)0)->etag},
		{"last-modified:", offsetof(xfer_t, last_modified), sizeof ((xfer_t *)0)->last_modified},
		{"content-range:", offsetof(xfer_t, content_range), sizeof ((xfer_t *)0)->content_range},
	};
	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
		size_t nl = strlen(strs[i].name);
		if (!strncasecmp(line, strs[i].name, nl)) {
			hdr_copy((char *)x + strs[i].off, strs[i].size, line + nl);
			return n;
		}
	}
	static const struct {
		const char *name;
		size_t off; /* a long long field */
	} nums[] = {
		{"content-length:", offsetof(xfer_t, content_length)},
		{"x-ratelimit-limit:", offsetof(xfer_t, rl_limit)},
		{"x-ratelimit-remaining:", offsetof(xfer_t, rl_remaining)},
		{"x-ratelimit-reset:", offsetof(xfer_t, rl_reset)},
	};
	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
		size_t nl = strlen(nums[i].name);
		if (!strncasecmp(line, nums[i].name, nl)) {
			*(long long *)((char *)x + nums[i].off) = strtoll(line + nl, NULL, 10);
			return n;
		}
	}
	if (!strncasecmp(line, "retry-after:", 12))
		x->retry_after_ms = http_retry_after_ms(line + 12);
	return n;
}

/* Starts the body of a 2xx reply: a 206 must continue where the partial file ends; a 200 to a
 * Range request restarts it. */
static int body_start(xfer_t *x)
{
	x->body_started = 1;
	if (x->status == 206) {
		const char *cr = x->content_range;
		long long start = -1;
		if (!strncasecmp(cr, "bytes ", 6))
			start = strtoll(cr + 6, NULL, 10);
		if (start != x->resume_from) {
			fail_x(x, VE_PROTOCOL, "%s: the server resumed at byte %lld, not %lld", x->shown,
			       start, x->resume_from);
			return -1;
		}
		return 0;
	}
	if (x->resume_from > 0) {
		if (fflush(x->out) || ftruncate(fileno(x->out), 0) || fseek(x->out, 0, SEEK_SET)) {
			fail_x(x, VE_IO, "%s: cannot restart the partial download: %s", x->shown,
			       strerror(errno));
			return -1;
		}
		cache_hash_free(x->hash);
		x->hash = cache_hash_new();
		sniff_init(&x->sniff);
		buf_clear(&x->probe);
		x->dims = 0;
		x->resume_from = x->got = 0;
		if (!x->hash) {
			fail_x(x, VE_NOMEM, "out of memory");
			return -1;
		}
	}
	return 0;
}

/* The type and size checks, as soon as the sniffer can tell. */
static int sniff_ok(xfer_t *x)
{
	const fetch_opts *o = x->o;
	sniff_t *s = &x->sniff;
	if (!s->typed)
		return 1;
	int ok = !o->accept || ((o->accept & FETCH_IMAGE) && sniff_is_image(s->type)) ||
		 ((o->accept & FETCH_VIDEO) && sniff_is_video(s->type)) ||
		 ((o->accept & FETCH_JSON) && s->type == SNIFF_JSON);
	if (!ok) {
		const char *want = o->accept & FETCH_IMAGE ? (o->accept & FETCH_VIDEO ? "an image or a video" : "an image")
				   : o->accept & FETCH_VIDEO ? "a video" : "JSON";
		fail_x(x, VE_PROTOCOL, "%s: the body is %s (served as %s), not %s", x->shown,
		       sniff_describe(s->type), *x->content_type ? x->content_type : "no Content-Type",
		       want);
		return 0;
	}
	vidc_err pe = {0};
	if (x->dims && media_check_pixels(x->width, x->height, &pe)) {
		fail_x(x, pe.code, "%s: %s", x->shown, pe.msg);
		return 0;
	}
	return 1;
}

/* Keeps an image's first bytes until base/media's header probe can tell its size. */
static int probe_feed(xfer_t *x, const void *p, size_t n)
{
	if (x->sniff.typed && !sniff_is_image(x->sniff.type))
		buf_free(&x->probe); /* bytes kept while the type was unknown (at most 64) */
	if (x->dims || (x->sniff.typed && !sniff_is_image(x->sniff.type)) ||
	    x->probe.len >= FETCH_PROBE_BYTES)
		return 0;
	size_t k = FETCH_PROBE_BYTES - x->probe.len < n ? FETCH_PROBE_BYTES - x->probe.len : n;
	if (buf_append(&x->probe, p, k))
		return VE_NOMEM;
	if (!media_probe_size(x->probe.data, x->probe.len, &x->width, &x->height)) {
		x->dims = 1;
		buf_free(&x->probe);
	}
	return 0;
}

static size_t on_body(char *p, size_t sz, size_t nm, void *ud)
{
	xfer_t *x = ud;
	size_t n = sz * nm;
	if (x->status < 200 || x->status >= 300) { /* an error or redirect body: keep its start */
		size_t k = ERRBODY - x->nerr < n ? ERRBODY - x->nerr : n;
		memcpy(x->errbody + x->nerr, p, k);
		x->nerr += k;
		x->errbody[x->nerr] = 0;
		return n;
	}
	if (!x->body_started && body_start(x))
		return 0;
	if (!size_ok(x, x->got + (long long)n, 0))
		return 0;
	if (fwrite(p, 1, n, x->out) != n) {
		fail_x(x, VE_IO, "%s: cannot write to the cache: %s", x->shown,
		       errno == ENOSPC ? "the disk is full" : strerror(errno));
		return 0;
	}
	x->got += (long long)n;
	cache_hash_update(x->hash, p, n);
	sniff_feed(&x->sniff, p, n);
	if (probe_feed(x, p, n)) {
		fail_x(x, VE_NOMEM, "out of memory");
		return 0;
	}
	return sniff_ok(x) ? n : 0;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ut, curl_off_t un)
{
	xfer_t *x = ud;
	(void)ut;
	(void)un;
	if (x->o->cancel && *x->o->cancel) {
		x->canceled = 1;
		return 1;
	}
	if (x->o->progress && x->status >= 200 && x->status < 300 &&
	    x->o->progress(x->o->progress_ud, x->resume_from + (long long)dlnow,
			   dltotal > 0 ? x->resume_from + (long long)dltotal : -1)) {
		x->canceled = 1;
		return 1;
	}
	return 0;
}

/* Whether ip is in the comma list. */
static int listed(const char *list, const char *ip)
{
	size_t n = strlen(ip);
	for (const char *p = list; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t k = strcspn(p, ", ");
		if (k == n && !strncasecmp(p, ip, n))
			return 1;
		p += k;
	}
	return 0;
}

/* Connect-time check of the private-address rule: curl hands over the address it resolved, so
 * a name that resolves one way now and another way later (DNS rebinding) is checked on the
 * address really used. */
static curl_socket_t on_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
	xfer_t *x = ud;
	(void)purpose;
	if (x->check_addr) {
		const char *cls = fetch_addr_class(&a->addr);
		if (cls) {
			char ip[INET6_ADDRSTRLEN] = "?";
			if (a->family == AF_INET)
				inet_ntop(AF_INET, &((struct sockaddr_in *)&a->addr)->sin_addr, ip, sizeof ip);
			else if (a->family == AF_INET6)
				inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&a->addr)->sin6_addr, ip, sizeof ip);
			if (listed(x->o->allow_addrs, ip))
				goto open;
			snprintf(x->refused, sizeof x->refused, "%s (a %s address)", ip, cls);
			return CURL_SOCKET_BAD;
		}
	}
open:
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static void global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* One request (one hop) with the body streamed into x->out. Returns the curl code. */
static CURLcode perform(xfer_t *x, const char *url, struct curl_slist *hdrs)
{
	const fetch_opts *o = x->o;
	CURL *h = curl_easy_init();
	if (!h)
		return CURLE_OUT_OF_MEMORY;
	char cerr[CURL_ERROR_SIZE] = "", ua[64];
	snprintf(ua, sizeof ua, "vidc/%s", VIDC_VERSION_STR);
	x->status = 0;
	x->body_started = 0;
	x->nerr = 0;
	x->errbody[0] = 0;
	x->refused[0] = 0;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* by hand: every hop is checked */
	curl_easy_setopt(h, CURLOPT_PROXY, "");		 /* no proxy from the environment */
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_USERAGENT, ua);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, o->timeout_ms > 0 ? o->timeout_ms : 300000L);
	long stall = o->stall_ms > 0 ? (o->stall_ms + 999) / 1000 : 30;
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, stall);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, x);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
	CURLcode cc = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status)
		x->status = status;
	curl_easy_cleanup(h);
	if (cc == CURLE_FILESIZE_EXCEEDED)
		size_ok(x, x->content_length + (x->status == 206 ? x->resume_from : 0), 1);
	return cc;
}

/* ---- the partial file ---------------------------------------------------------------------- */

typedef struct {
	char path[4200], meta[4300];
	int locked; /* 1: ours (flock); 0: another process resumes it, we use a temp file */
} partial_t;

/* Opens the body file: key's partial (resumed if its validator file names this key) or, when
 * another process holds it, a private temp file. Sets x->out, x->resume_from, x->hash. */
static int partial_open(xfer_t *x, const char *dir, const char *key, partial_t *pt, vidc_err *e)
{
	cache_partial_name(dir, key, pt->path, sizeof pt->path);
	snprintf(pt->meta, sizeof pt->meta, "%s.json", pt->path);
	int fd = open(pt->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	pt->locked = fd >= 0 && !flock(fd, LOCK_EX | LOCK_NB);
	if (!pt->locked) {
		if (fd >= 0)
			close(fd);
		if (cache_tmp_name(dir, pt->path, sizeof pt->path) ||
		    (fd = open(pt->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
			return err_errno(e, errno, "cannot create a file in the cache folder '%s'", dir);
		pt->meta[0] = 0;
	}
	x->out = fdopen(fd, "r+b");
	x->hash = cache_hash_new();
	sniff_init(&x->sniff);
	x->resume_from = x->got = 0;
	if (!x->out || !x->hash) {
		if (!x->out)
			close(fd);
		return err_set(e, VE_NOMEM, "out of memory");
	}
	json_t *m = pt->meta[0] ? json_load_file(pt->meta, 0, NULL) : NULL;
	const char *mk = json_string_value(json_object_get(m, "url"));
	if (mk && !strcmp(mk, key)) {
		const char *etag = json_string_value(json_object_get(m, "etag"));
		const char *lm = json_string_value(json_object_get(m, "last_modified"));
		hdr_copy(x->etag, sizeof x->etag, etag ? etag : "");
		hdr_copy(x->last_modified, sizeof x->last_modified, lm ? lm : "");
		char buf[65536];
		size_t k;
		while ((k = fread(buf, 1, sizeof buf, x->out)) > 0) { /* the part already here */
			cache_hash_update(x->hash, buf, k);
			sniff_feed(&x->sniff, buf, k);
			probe_feed(x, buf, k);
			x->got += (long long)k;
		}
		x->resume_from = x->got;
	} else if (ftruncate(fd, 0)) {
		json_decref(m);
		return err_errno(e, errno, "cannot use the cache folder '%s'", dir);
	}
	json_decref(m);
	fseek(x->out, 0, SEEK_END);
	return 0;
}

/* Records what a later request needs to resume the partial file (its URL and validators). */
static void partial_note(const partial_t *pt, const char *key, const xfer_t *x)
{
	if (!pt->meta[0])
		return;
	json_t *m = json_pack("{s:s, s:s, s:s}", "url", key, "etag", x->etag, "last_modified",
			      x->last_modified);
	if (m)
		json_dump_file(m, pt->meta, JSON_COMPACT);
	json_decref(m);
}

static void partial_close(xfer_t *x, partial_t *pt, int keep)
{
	if (x->out)
		fclose(x->out); /* releases the flock */
	x->out = NULL;
	if (!keep) {
		unlink(pt->path);
		if (pt->meta[0])
			unlink(pt->meta);
	}
}

/* ---- the request loop ---------------------------------------------------------------------- */

static void sleep_cancelable(long ms, volatile int *cancel)
{
	while (ms > 0 && !(cancel && *cancel)) {
		long step = ms < 50 ? ms : 50;
		struct timespec ts = {0, step * 1000000L};
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

static const char *reason(long s)
{
	static const struct {
		long code;
		const char *text;
	} t[] = {{400, "Bad Request"},	    {401, "Unauthorized"},	 {403, "Forbidden"},
		 {404, "Not Found"},	    {408, "Request Timeout"},	 {410, "Gone"},
		 {416, "Range Not Satisfiable"}, {429, "Too Many Requests"}, {500, "Internal Server Error"},
		 {502, "Bad Gateway"},	    {503, "Service Unavailable"}, {504, "Gateway Timeout"}};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++)
		if (t[i].code == s)
			return t[i].text;
	return "";
}

/* The start of an error reply as one line of text (no control characters). */
static void errbody_line(const xfer_t *x, char *out, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < x->nerr && o + 1 < n && o < 160; i++) {
		unsigned char c = (unsigned char)x->errbody[i];
		out[o++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = 0;
}

/* What a transport failure means, in words a user can act on. */
static void net_cause(CURLcode cc, const xfer_t *x, char *out, size_t n)
{
	static const struct {
		CURLcode cc;
		const char *text;
	} t[] = {
		{CURLE_COULDNT_RESOLVE_HOST, "the host name does not resolve (DNS)"},
		{CURLE_COULDNT_CONNECT, "cannot connect to the server"},
		{CURLE_RECV_ERROR, "the connection broke while reading the reply"},
		{CURLE_SEND_ERROR, "the connection broke while sending the request"},
		{CURLE_GOT_NOTHING, "the server closed the connection without a reply"},
		{CURLE_WEIRD_SERVER_REPLY, "the server's reply is not HTTP"},
	};
	if (cc == CURLE_PARTIAL_FILE) {
		if (x->content_length >= 0)
			snprintf(out, n, "the connection closed before the body was complete (%lld of %lld bytes)",
				 x->got, x->content_length + (x->status == 206 ? x->resume_from : 0));
		else
			snprintf(out, n, "the connection closed before the body was complete");
		return;
	}
	for (size_t i = 0; i < sizeof t / sizeof *t; i++)
		if (t[i].cc == cc) {
			snprintf(out, n, "%s", t[i].text);
			return;
		}
	snprintf(out, n, "%s", curl_easy_strerror(cc));
}

typedef struct {
	int code;    /* 0 success, else VE_* */
	long wait;   /* ms before the next attempt; -1: do not retry */
	char why[600];
} outcome_t;

/* Follows redirects from url (at most FETCH_MAX_REDIRECTS hops); *final gets the last URL. */
static CURLcode request_hops(xfer_t *x, const char *url, struct curl_slist *hdrs, char **final,
			     outcome_t *oc)
{
	const fetch_opts *o = x->o;
	char origin[1024] = "", here[1024];
	if (o->trusted)
		origin_of(url, origin, sizeof origin);
	char *cur = strdup(url);
	CURLcode cc = CURLE_OK;
	for (int hop = 0; cur; hop++) {
		x->check_addr = !o->allow_private &&
				!(o->trusted && !origin_of(cur, here, sizeof here) && !strcmp(here, origin));
		x->hop = hop ? cur : NULL;
		cc = perform(x, cur, hdrs);
		int redirect = cc == CURLE_OK && (x->status == 301 || x->status == 302 ||
						  x->status == 303 || x->status == 307 || x->status == 308);
		if (!redirect)
			break;
		char *next = x->location[0] ? resolve_location(cur, x->location) : NULL;
		vidc_err ue = {0};
		char s[256];
		shown(x->location, s, sizeof s);
		if (!next || fetch_check_url(next, &ue)) {
			oc->code = next ? ue.code : VE_PROTOCOL;
			snprintf(oc->why, sizeof oc->why, "redirected to '%s': %.300s", s,
				 next ? ue.msg : "not a URL");
			free(next);
			break;
		}
		if (hop + 1 >= FETCH_MAX_REDIRECTS) {
			oc->code = VE_PROTOCOL;
			snprintf(oc->why, sizeof oc->why, "more than %d redirects", FETCH_MAX_REDIRECTS);
			free(next);
			break;
		}
		free(cur);
		cur = next;
	}
	*final = cur;
	return cc;
}

/* Classifies a finished attempt: success, a retryable fault (wait >= 0) or a final error. */
static void classify(xfer_t *x, CURLcode cc, long backoff, outcome_t *oc)
{
	const fetch_opts *o = x->o;
	oc->wait = -1;
	if (oc->code)
		return; /* decided by the redirect walk */
	if (x->canceled) {
		oc->code = VE_CANCELED;
		snprintf(oc->why, sizeof oc->why, "canceled");
	} else if (x->fail) {
		oc->code = x->fail;
	} else if (cc == CURLE_COULDNT_CONNECT && x->refused[0]) {
		char hop[256] = "";
		if (x->hop)
			shown(x->hop, hop, sizeof hop);
		oc->code = VE_DENIED;
		snprintf(oc->why, sizeof oc->why,
			 "%s%s%s resolves to %s; URLs from content may not reach this machine or its "
			 "network (VIDC_ALLOW_PRIVATE_URLS=1 allows it)", x->hop ? "redirected to '" : "it",
			 hop, x->hop ? "', which" : "", x->refused);
	} else if (cc == CURLE_OPERATION_TIMEDOUT) {
		oc->code = VE_TIMEOUT;
		snprintf(oc->why, sizeof oc->why, "no progress within the time limit (timeout)");
		oc->wait = backoff;
	} else if (cc != CURLE_OK) {
		oc->code = VE_NET;
		net_cause(cc, x, oc->why, sizeof oc->why);
		/* A name that does not resolve, a bad certificate or URL: asking again will not help
		 * (and an offline machine would wait through every backoff). */
		if (cc != CURLE_UNSUPPORTED_PROTOCOL && cc != CURLE_URL_MALFORMAT &&
		    cc != CURLE_PEER_FAILED_VERIFICATION && cc != CURLE_COULDNT_RESOLVE_HOST)
			oc->wait = backoff;
	} else if (x->status >= 200 && x->status < 300) {
		if (!x->body_started && body_start(x)) { /* an empty 200 to a Range request */
			oc->code = x->fail;
			return;
		}
		sniff_finish(&x->sniff);
		probe_feed(x, "", 0); /* a body shorter than the sniffer's 64 bytes */
		oc->code = sniff_ok(x) ? 0 : x->fail;
	} else {
		char body[200];
		errbody_line(x, body, sizeof body);
		long s = x->status;
		snprintf(oc->why, sizeof oc->why, "%ld %s%s%s", s, reason(s), *body ? ": " : "", body);
		oc->code = s == 401 || s == 403 ? VE_AUTH : s == 404 || s == 410 ? VE_NOTFOUND
			   : s == 429 ? VE_QUOTA : VE_PROTOCOL;
		if (s == 429 || s == 408 || (s >= 500 && s <= 599 && s != 501)) {
			oc->wait = backoff;
			if (x->retry_after_ms >= 0)
				oc->wait = x->retry_after_ms < o->retry_after_cap_ms ? x->retry_after_ms
										     : o->retry_after_cap_ms;
		} else if (s == 416 && x->resume_from > 0) {
			oc->wait = 0; /* the part we hold is stale: start over */
		}
	}
}

/* Range and validators for a resumed request, after the caller's headers. */
static struct curl_slist *request_headers(const fetch_opts *o, const xfer_t *x)
{
	struct curl_slist *h = NULL, *t;
	for (const char *const *p = o->headers; p && *p; p++)
		if ((t = curl_slist_append(h, *p)))
			h = t;
	char line[512];
	if (x->resume_from > 0) {
		snprintf(line, sizeof line, "Range: bytes=%lld-", x->resume_from);
		if ((t = curl_slist_append(h, line)))
			h = t;
		const char *v = x->etag[0] && strncmp(x->etag, "W/", 2) ? x->etag : x->last_modified;
		if (*v) {
			snprintf(line, sizeof line, "If-Range: %s", v);
			if ((t = curl_slist_append(h, line)))
				h = t;
		}
	}
	return h;
}

static void fill_result(fetch_result *r, const cache_entry *ce)
{
	snprintf(r->path, sizeof r->path, "%s", ce->path);
	memcpy(r->sha256, ce->sha256, sizeof r->sha256);
	r->size = ce->size;
	r->type = ce->type;
	r->width = ce->width;
	r->height = ce->height;
	r->fetched = ce->fetched;
	snprintf(r->content_type, sizeof r->content_type, "%s", ce->content_type);
	snprintf(r->final_url, sizeof r->final_url, "%s", ce->final_url[0] ? ce->final_url : ce->url);
}

/* The body is whole: hash, type and size into a cache entry, the partial file into the store. */
static int finish(xfer_t *x, partial_t *pt, const char *dir, const char *key, const char *final,
		  fetch_result *r, vidc_err *e)
{
	cache_entry ce;
	memset(&ce, 0, sizeof ce);
	if (fflush(x->out)) {
		int en = errno;
		partial_close(x, pt, 0);
		return err_errno(e, en, "%s: cannot write to the cache", x->shown);
	}
	cache_hash_hex(x->hash, ce.sha256);
	ce.size = x->got;
	ce.type = x->sniff.type;
	if (x->dims) {
		ce.width = x->width;
		ce.height = x->height;
	}
	snprintf(ce.content_type, sizeof ce.content_type, "%s", x->content_type);
	/* With a public_url the real URLs may carry a secret: the index records neither. */
	snprintf(ce.final_url, sizeof ce.final_url, "%s",
		 x->o->public_url || !strcmp(final, key) ? "" : final);
	ce.fetched = time(NULL);
	fclose(x->out);
	x->out = NULL;
	int rc = cache_put(dir, key, pt->path, &ce, e);
	if (pt->meta[0])
		unlink(pt->meta);
	if (rc) {
		unlink(pt->path);
		return rc;
	}
	fill_result(r, &ce);
	snprintf(r->final_url, sizeof r->final_url, "%s", final);
	return 0;
}

static void note_reply(fetch_result *r, const xfer_t *x)
{
	r->status = x->status;
	r->ratelimit_limit = x->rl_limit;
	r->ratelimit_remaining = x->rl_remaining;
	r->ratelimit_reset = x->rl_reset;
}

static int fetch_net(const char *url, const char *key, const char *dir, const fetch_opts *o,
		     fetch_result *r, vidc_err *e)
{
	char sh[256];
	shown(key, sh, sizeof sh);
	xfer_t x;
	memset(&x, 0, sizeof x);
	x.o = o;
	x.shown = sh;
	x.rl_limit = x.rl_remaining = x.rl_reset = -1;
	partial_t pt;
	int rc = partial_open(&x, dir, key, &pt, e);
	if (rc) {
		partial_close(&x, &pt, 0);
		cache_hash_free(x.hash);
		buf_free(&x.probe);
		return rc;
	}
	pthread_once(&g_once, global_init);
	int max = o->max_attempts > 0 ? o->max_attempts : 1;
	long backoff = o->backoff_ms;
	outcome_t oc;
	for (int attempt = 1;; attempt++) {
		memset(&oc, 0, sizeof oc);
		x.fail = 0;
		struct curl_slist *hdrs = request_headers(o, &x);
		char *final = NULL;
		CURLcode cc = request_hops(&x, url, hdrs, &final, &oc);
		curl_slist_free_all(hdrs);
		r->attempts = attempt;
		note_reply(r, &x);
		classify(&x, cc, backoff, &oc);
		if (!oc.code) {
			rc = finish(&x, &pt, dir, key, final ? final : url, r, e);
			free(final);
			cache_hash_free(x.hash);
			buf_free(&x.probe);
			return rc;
		}
		free(final);
		if (x.got > 0 && x.status >= 200 && x.status < 300)
			partial_note(&pt, key, &x);
		x.resume_from = x.got; /* the next request continues from here */
		if (oc.wait < 0 || attempt >= max || (o->cancel && *o->cancel))
			break;
		if (o->log) {
			fprintf(o->log, "vidc: fetch %s: %s, retrying in %.1fs (attempt %d of %d)\n", sh,
				x.fail ? x.failmsg : oc.why, oc.wait / 1000.0, attempt + 1, max);
		}
		sleep_cancelable(oc.wait, o->cancel);
		if (o->cancel && *o->cancel) {
			oc.code = VE_CANCELED;
			snprintf(oc.why, sizeof oc.why, "canceled");
			break;
		}
		backoff = backoff * 2 < o->max_backoff_ms ? backoff * 2 : o->max_backoff_ms;
	}
	int keep = pt.locked && x.got >= KEEP_PARTIAL_BYTES && oc.code != VE_LIMIT &&
		   oc.code != VE_PROTOCOL && oc.code != VE_DECODE && oc.code != VE_DENIED;
	partial_close(&x, &pt, keep);
	cache_hash_free(x.hash);
	buf_free(&x.probe);
	if (x.fail && oc.code == x.fail)
		return err_set(e, oc.code, "%s%s%s", o->what ? o->what : "", o->what ? ": " : "",
			       x.failmsg);
	return err_set(e, oc.code, "%s%s%s: %s%s", o->what ? o->what : "", o->what ? ": " : "", sh,
		       oc.why, r->attempts > 1 ? " (after retries)" : "");
}

int fetch_url(const char *url, const fetch_opts *o, fetch_result *r, vidc_err *e)
{
	memset(r, 0, sizeof *r);
	r->ratelimit_limit = r->ratelimit_remaining = r->ratelimit_reset = -1;
	int rc = fetch_check_url(url, e);
	if (rc)
		return rc;
	if (o->cancel && *o->cancel)
		return err_set(e, VE_CANCELED, "canceled");
	const char *key = o->public_url ? o->public_url : url;
	char dir[4096];
	if ((rc = cache_dir(o->cache_dir, dir, sizeof dir, e)))
		return rc;
	cache_entry ce;
	if (!o->refresh && (rc = cache_get(dir, key, o->ttl_s, &ce, e)) != 0) {
		if (rc < 0)
			return rc;
		/* A cached body still has to be what this caller accepts. */
		xfer_t x;
		char sh[256];
		memset(&x, 0, sizeof x);
		shown(key, sh, sizeof sh);
		x.o = o;
		x.shown = sh;
		x.sniff.typed = 1;
		x.sniff.type = ce.type;
		x.dims = ce.width > 0;
		x.width = ce.width;
		x.height = ce.height;
		if (!sniff_ok(&x))
			return err_set(e, x.fail, "%s%s%s", o->what ? o->what : "", o->what ? ": " : "", x.failmsg);
		fill_result(r, &ce);
		r->from_cache = 1;
		return 0;
	}
	return fetch_net(url, key, dir, o, r, e);
}

int fetch_body(const char *url, const fetch_opts *o, fetch_result *r, char **data, size_t *len,
	       vidc_err *e)
{
	*data = NULL;
	*len = 0;
	int rc = fetch_url(url, o, r, e);
	if (rc)
		return rc;
	return file_read(r->path, (size_t)(o->max_bytes > 0 ? o->max_bytes : FETCH_MAX_BYTES), data, len, e);
}

int fetch_lookup(const char *key, const fetch_opts *o, fetch_result *r, vidc_err *e)
{
	memset(r, 0, sizeof *r);
	r->ratelimit_limit = r->ratelimit_remaining = r->ratelimit_reset = -1;
	char dir[4096];
	int rc = cache_dir(o->cache_dir, dir, sizeof dir, e);
	if (rc)
		return rc;
	cache_entry ce;
	rc = cache_get(dir, key, o->ttl_s, &ce, e);
	if (rc == 1) {
		fill_result(r, &ce);
		r->from_cache = 1;
	}
	return rc;
}

int fetch_store(const char *key, const void *data, size_t len, const fetch_opts *o,
		fetch_result *r, vidc_err *e)
{
	memset(r, 0, sizeof *r);
	r->ratelimit_limit = r->ratelimit_remaining = r->ratelimit_reset = -1;
	char dir[4096], tmp[4200], sh[256];
	int rc = cache_dir(o->cache_dir, dir, sizeof dir, e);
	if (rc)
		return rc;
	shown(key, sh, sizeof sh);
	xfer_t x;
	memset(&x, 0, sizeof x);
	x.o = o;
	x.shown = sh;
	if ((long long)len > (o->max_bytes > 0 ? o->max_bytes : FETCH_MAX_BYTES))
		return err_set(e, VE_LIMIT, "%s: %zu bytes, over the limit of %lld bytes", sh, len, o->max_bytes);
	sniff_init(&x.sniff);
	sniff_feed(&x.sniff, data, len);
	sniff_finish(&x.sniff);
	x.dims = sniff_is_image(x.sniff.type) && !media_probe_size(data, len, &x.width, &x.height);
	if (!sniff_ok(&x))
		return err_set(e, x.fail, "%s", x.failmsg);
	if (cache_tmp_name(dir, tmp, sizeof tmp))
		return err_set(e, VE_IO, "the cache folder's name is too long");
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return err_errno(e, errno, "cannot write to the cache folder '%s'", dir);
	int ok = fwrite(data, 1, len, f) == len;
	ok &= fclose(f) == 0;
	if (!ok) {
		int en = errno;
		unlink(tmp);
		return err_errno(e, en, "cannot write to the cache folder '%s'", dir);
	}
	cache_entry ce;
	memset(&ce, 0, sizeof ce);
	cache_sha256_hex(data, len, ce.sha256);
	ce.size = (long long)len;
	ce.type = x.sniff.type;
	if (x.dims) {
		ce.width = x.width;
		ce.height = x.height;
	}
	ce.fetched = time(NULL);
	if ((rc = cache_put(dir, key, tmp, &ce, e))) {
		unlink(tmp);
		return rc;
	}
	fill_result(r, &ce);
	return 0;
}

int fetch_cache_dir(const fetch_opts *o, char *out, size_t n, vidc_err *e)
{
	return cache_dir(o->cache_dir, out, n, e);
}

void fetch_forget(const char *key, const fetch_opts *o)
{
	char dir[4096];
	if (!cache_dir(o->cache_dir, dir, sizeof dir, NULL))
		cache_forget(dir, key);
}
