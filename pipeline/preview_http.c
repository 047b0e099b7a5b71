/*
 * preview_http.c - `vidc preview`'s HTTP side (preview_http.h): libmicrohttpd with a thread per
 * connection (the event stream blocks its thread while it waits for a compile), one lock around
 * the preview model (so one render at a time, and no compile under a render), and the watcher
 * loop in the caller's thread polling modification times: polling rather than inotify because
 * it sees a file replaced by rename (what editors do on save) and one that appears, with no
 * bookkeeping of watches; at 200 ms a save shows within a second.
 */
#include "preview_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern const char preview_page_html[]; /* pipeline/preview_page.html, embedded by the Makefile */

typedef struct {
	preview *pv;
	pthread_mutex_t mu;
	pthread_cond_t cv;   /* broadcast after each compile and when stopping */
	int stopping;
	char hosts[3][64];   /* the Host headers accepted: "ADDR:PORT", "localhost:PORT", "[::1]:PORT" */
} server_t;

int preview_host_loopback(const char *host)
{
	struct in_addr a;
	if (!strcmp(host, "localhost"))
		return 1;
	return inet_pton(AF_INET, host, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

/* ---- responses ---------------------------------------------------------------------------- */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type, void *data,
			     size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, mode);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	/* every answer is of this moment: a frame URL names a time, not a version of the spec */
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return reply(c, status, "text/plain; charset=utf-8", (void *)msg, strlen(msg), MHD_RESPMEM_MUST_COPY);
}

/* A failed request: the message with the status its code calls for. */
static enum MHD_Result reply_err(struct MHD_Connection *c, const vidc_err *e)
{
	unsigned status = e->code == VE_NOTFOUND ? 404 : e->code == VE_NOMEM ? 503 : 422;
	return reply_text(c, status, e->msg);
}

static double arg_num(struct MHD_Connection *c, const char *name, double dflt)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
	char *end;
	double x = v ? strtod(v, &end) : dflt;
	return v && (end == v || *end) ? dflt : x;
}

/* ---- routes ------------------------------------------------------------------------------- */

static enum MHD_Result on_page(server_t *s, struct MHD_Connection *c)
{
	return reply(c, 200, "text/html; charset=utf-8", (void *)preview_page_html, strlen(preview_page_html),
		     MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result on_state(server_t *s, struct MHD_Connection *c)
{
	buf_t b = BUF_INIT;
	vidc_err e = {0};
	pthread_mutex_lock(&s->mu);
	int rc = preview_state(s->pv, &b, &e);
	pthread_mutex_unlock(&s->mu);
	if (rc) {
		buf_free(&b);
		return reply_err(c, &e);
	}
	size_t len;
	char *json = buf_detach(&b, &len);
	return reply(c, 200, "application/json", json, len, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result on_frame(server_t *s, struct MHD_Connection *c)
{
	double t = arg_num(c, "t", 0), w = arg_num(c, "w", 0);
	preview_picture pic;
	vidc_err e = {0};
	pthread_mutex_lock(&s->mu);
	int rc = preview_frame(s->pv, t, w > 0 && w < 100000 ? (int)w : 0, &pic, &e);
	pthread_mutex_unlock(&s->mu);
	if (rc)
		return reply_err(c, &e);
	return reply(c, 200, pic.mime, pic.data, pic.len, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result on_audio(server_t *s, struct MHD_Connection *c)
{
	uint8_t *data;
	size_t len;
	vidc_err e = {0};
	pthread_mutex_lock(&s->mu);
	int rc = preview_audio(s->pv, &data, &len, &e);
	pthread_mutex_unlock(&s->mu);
	if (rc)
		return reply_err(c, &e);
	return reply(c, 200, "audio/wav", data, len, MHD_RESPMEM_MUST_FREE);
}

/* One event stream: the generation it last told, and its server. */
typedef struct {
	server_t *s;
	uint64_t told;
	int started;
} stream_t;

/* Blocks until a compile (or 15 s: a comment keeps proxies and the browser from timing out),
 * then writes the event. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	stream_t *st = cls;
	server_t *s = st->s;
	pthread_mutex_lock(&s->mu);
	if (st->started) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 15;
		while (!s->stopping && preview_generation(s->pv) == st->told)
			if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT)
				break;
	}
	uint64_t gen = preview_generation(s->pv);
	int stopping = s->stopping, n = 0;
	pthread_mutex_unlock(&s->mu);
	if (stopping)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (!st->started || gen != st->told)
		n = snprintf(buf, max, "%sdata: %llu\n\n", st->started ? "" : "retry: 500\n", (unsigned long long)gen);
	else
		n = snprintf(buf, max, ": ping\n\n");
	st->started = 1;
	st->told = gen;
	return n < 0 || (size_t)n >= max ? MHD_CONTENT_READER_END_WITH_ERROR : n;
}

static enum MHD_Result on_events(server_t *s, struct MHD_Connection *c)
{
	stream_t *st = calloc(1, sizeof *st);
	if (!st)
		return MHD_NO;
	st->s = s;
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 256, stream_read, st, free);
	if (!r) {
		free(st);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ok = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ok;
}

static const struct {
	const char *path;
	enum MHD_Result (*run)(server_t *s, struct MHD_Connection *c);
} routes[] = {
	{"/", on_page}, {"/state", on_state}, {"/frame", on_frame}, {"/audio", on_audio}, {"/events", on_events},
};

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_len, void **con_cls)
{
	server_t *s = cls;
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	size_t k = 0;
	while (host && k < 3 && (!s->hosts[k][0] || strcmp(host, s->hosts[k])))
		k++;
	if (k == 3)
		return reply_text(c, 403, "vidc preview answers only requests to its own loopback address "
					  "(the Host header must be 127.0.0.1:PORT, [::1]:PORT or localhost:PORT)");
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply_text(c, 405, "vidc preview only reads: GET");
	for (size_t i = 0; i < sizeof routes / sizeof *routes; i++)
		if (!strcmp(url, routes[i].path))
			return routes[i].run(s, c);
	return reply_text(c, 404, "no such page in vidc preview");
}

/* ---- the server and the watcher ----------------------------------------------------------- */

/* Connections served at once (a page holds its event stream and a frame or two). */
#define PREVIEW_MAX_CONNECTIONS 64

/* One daemon on sa (AF_INET or AF_INET6); NULL when it cannot bind. */
static struct MHD_Daemon *listen_on(server_t *s, const struct sockaddr *sa)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	return MHD_start_daemon(flags | (sa->sa_family == AF_INET6 ? MHD_USE_IPv6 : 0), 0, NULL, NULL, on_request, s,
				MHD_OPTION_SOCK_ADDR, sa,
				/* a thread each: bounded, so a local flood cannot exhaust them */
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)PREVIEW_MAX_CONNECTIONS, MHD_OPTION_END);
}

/* The IPv4 daemon on the host asked for (127.0.0.1 by default); by default and for
 * "localhost" also *d6 on [::1] at the same port, which browsers try first for localhost on
 * most systems: NULL when the machine has no IPv6 loopback (or that port is taken there). */
static struct MHD_Daemon *start(server_t *s, const preview_serve_opts *o, int *port, struct MHD_Daemon **d6,
				vidc_err *e)
{
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)o->port);
	int both = !o->host || !strcmp(o->host, "localhost");
	const char *host = both ? "127.0.0.1" : o->host;
	inet_pton(AF_INET, host, &sa.sin_addr);
	struct MHD_Daemon *d = listen_on(s, (struct sockaddr *)&sa);
	if (!d) {
		err_set(e, VE_IO, "cannot listen on %s:%d (the port is in use?)", host, o->port);
		return NULL;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info ? info->port : o->port;
	snprintf(s->hosts[0], sizeof s->hosts[0], "%s:%d", host, *port);
	snprintf(s->hosts[1], sizeof s->hosts[1], "localhost:%d", *port);
	struct sockaddr_in6 sa6;
	memset(&sa6, 0, sizeof sa6);
	sa6.sin6_family = AF_INET6;
	sa6.sin6_port = htons((uint16_t)*port);
	sa6.sin6_addr = in6addr_loopback;
	*d6 = both ? listen_on(s, (struct sockaddr *)&sa6) : NULL;
	if (*d6)
		snprintf(s->hosts[2], sizeof s->hosts[2], "[::1]:%d", *port);
	return d;
}

int preview_serve(preview *pv, const preview_serve_opts *o, vidc_err *e)
{
	if (o->host && !preview_host_loopback(o->host))
		return err_set(e, VE_DENIED,
			       "vidc preview listens on this machine only: '%s' is not a loopback address "
			       "(use 127.0.0.1 or another 127.x.x.x)",
			       o->host);
	if (o->port < 0 || o->port > 65535)
		return err_set(e, VE_INVAL, "port %d is not a TCP port (0 to 65535)", o->port);
	server_t s = {.pv = pv};
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.cv, NULL);
	int port, rc = 0;
	struct MHD_Daemon *d6 = NULL, *d = start(&s, o, &port, &d6, e);
	if (!d)
		rc = VE_IO;
	if (d && o->ready) {
		char url[96];
		snprintf(url, sizeof url, "http://%s/", s.hosts[0]);
		o->ready(o->ud, url);
	}
	int ms = o->poll_ms > 0 ? o->poll_ms : 200;
	while (d && !rc && !*o->cancel) {
		usleep((useconds_t)ms * 1000);
		int changed;
		pthread_mutex_lock(&s.mu);
		rc = preview_poll(pv, &changed, e);
		if (changed)
			pthread_cond_broadcast(&s.cv);
		pthread_mutex_unlock(&s.mu);
	}
	pthread_mutex_lock(&s.mu);
	s.stopping = 1;
	pthread_cond_broadcast(&s.cv);
	pthread_mutex_unlock(&s.mu);
	if (d6)
		MHD_stop_daemon(d6);
	if (d)
		MHD_stop_daemon(d);
	pthread_cond_destroy(&s.cv);
	pthread_mutex_destroy(&s.mu);
	return rc;
}
