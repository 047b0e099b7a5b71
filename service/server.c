/*
 * server.c - the HTTP layer (server.h) on libmicrohttpd.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "../base/mono.h"
#include "../base/utf8.h"
#include "server.h"

struct srv {
	struct MHD_Daemon *d;
	const svc_config *cfg;
	const srv_route *const *tables;
	/* a pool of store connections: one per request in flight, opened on demand */
	pthread_mutex_t mu;
	store_t **free_db;
	int nfree, cap;
};

/* One request's state across libmicrohttpd's calls (headers, body pieces, the end). */
typedef struct {
	char *body;
	size_t len;
	int too_large;
	int bad_framing; /* two lengths: answered 400 before the body */
	int too_long; /* 414 or 431: the request line or the headers over our limits */
	int replied; /* the reply is queued (a 413 may be, before the body has all arrived) */
	double t0;
} conn_state;

/* ---- replies ----------------------------------------------------------------------------- */

int srv_json(srv_req *r, int status, json_t *j)
{
	json_decref(r->json);
	r->status = status;
	r->json = j ? j : json_object();
	return 0;
}

int srv_error(srv_req *r, int status, const char *field, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return srv_json(r, status, json_pack("{s:s, s:o}", "error", msg, "field", field ? json_string(field) : json_null()));
}

int srv_bytes(srv_req *r, int status, char *data, size_t len, const char *ctype)
{
	free(r->data);
	r->status = status;
	r->data = data;
	r->len = len;
	r->ctype = ctype;
	return 0;
}

int srv_file(srv_req *r, const char *path, const char *ctype)
{
	free(r->file);
	r->file = strdup(path);
	r->ctype = ctype;
	r->status = r->file ? 200 : 500;
	return 0;
}

const char *srv_query(srv_req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *srv_header(srv_req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, key);
}

/* ---- the store pool ---------------------------------------------------------------------- */

static store_t *db_get(srv_t *s)
{
	store_t *db = NULL;
	pthread_mutex_lock(&s->mu);
	if (s->nfree)
		db = s->free_db[--s->nfree];
	pthread_mutex_unlock(&s->mu);
	if (!db) {
		char err[1024];
		if (store_open(s->cfg->db, &db, err, sizeof err))
			fprintf(stderr, "vidc serve: %s\n", err);
	}
	return db;
}

static void db_put(srv_t *s, store_t *db)
{
	pthread_mutex_lock(&s->mu);
	if (s->nfree == s->cap) {
		int cap = s->cap ? s->cap * 2 : 16;
		store_t **n = realloc(s->free_db, sizeof *n * (size_t)cap);
		if (n)
			s->free_db = n, s->cap = cap;
	}
	if (s->nfree < s->cap) {
		s->free_db[s->nfree++] = db;
		db = NULL;
	}
	pthread_mutex_unlock(&s->mu);
	store_close(db);
}

/* ---- routing ----------------------------------------------------------------------------- */

/* Whether path matches pattern; fills r->id[] from its {id} segments. A segment that is not a
 * positive integer where {id} stands does not match (so it is a 404, as for an unknown id). */
static int match(const char *pattern, const char *path, srv_req *r)
{
	r->nid = 0;
	const char *p = pattern, *q = path;
	while (*p && *q) {
		if (!strncmp(p, "{id}", 4)) {
			char *end;
			if (*q < '1' || *q > '9')
				return 0;
			errno = 0;
			long long v = strtoll(q, &end, 10);
			if (errno || r->nid == 4)
				return 0;
			r->id[r->nid++] = v;
			q = end;
			p += 4;
			continue;
		}
		if (*p++ != *q++)
			return 0;
	}
	return !*p && !*q;
}

/* The route for the request: *path_known is set when some route has the path but another
 * method (405). */
static const srv_route *route_find(srv_t *s, srv_req *r, int *path_known)
{
	*path_known = 0;
	for (int t = 0; s->tables[t]; t++)
		for (const srv_route *rt = s->tables[t]; rt->method; rt++) {
			if (!match(rt->pattern, r->path, r))
				continue;
			if (!strcmp(rt->method, r->method))
				return rt;
			*path_known = 1;
		}
	return NULL;
}

/* ---- responses --------------------------------------------------------------------------- */

/* Parses "bytes=A-B", "bytes=A-" or "bytes=-N" for a file of size bytes. 0 and [*from, *to]
 * when satisfiable; 1 when the header is not a single range (ignored: the whole file); -1 when
 * unsatisfiable (416). */
static int parse_range(const char *h, uint64_t size, uint64_t *from, uint64_t *to)
{
	if (!h || strncmp(h, "bytes=", 6) || strchr(h, ','))
		return 1;
	const char *p = h + 6;
	char *end;
	/* strtoull takes spaces, signs and "-2" (as 2^64 - 2): each number must start with a digit */
	if (*p == '-') {
		if (!isdigit((unsigned char)p[1]))
			return 1;
		unsigned long long n = strtoull(p + 1, &end, 10);
		if (end == p + 1 || *end)
			return 1;
		if (n == 0 || size == 0)
			return -1;
		*from = n >= size ? 0 : size - n;
		*to = size - 1;
		return 0;
	}
	if (!isdigit((unsigned char)*p))
		return 1;
	unsigned long long a = strtoull(p, &end, 10);
	if (end == p || *end != '-')
		return 1;
	p = end + 1;
	unsigned long long b = size ? size - 1 : 0;
	if (*p) {
		if (!isdigit((unsigned char)*p))
			return 1;
		b = strtoull(p, &end, 10);
		if (*end)
			return 1;
		if (b >= size)
			b = size - 1;
	}
	if (a >= size || b < a)
		return -1;
	*from = a;
	*to = b;
	return 0;
}

static struct MHD_Response *file_response(srv_req *r, int *status)
{
	int fd = open(r->file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		srv_error(r, 404, NULL, "the file is gone");
		return NULL;
	}
	uint64_t size = (uint64_t)st.st_size, from = 0, to = size ? size - 1 : 0;
	int pr = parse_range(srv_header(r, "Range"), size, &from, &to);
	char cr[128];
	struct MHD_Response *resp;
	if (pr < 0) {
		close(fd);
		resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
		snprintf(cr, sizeof cr, "bytes */%" PRIu64, size);
		MHD_add_response_header(resp, "Content-Range", cr);
		*status = 416;
		return resp;
	}
	if (pr == 0) {
		resp = MHD_create_response_from_fd_at_offset64(to - from + 1, fd, from);
		snprintf(cr, sizeof cr, "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, from, to, size);
		MHD_add_response_header(resp, "Content-Range", cr);
		*status = 206;
	} else {
		resp = MHD_create_response_from_fd64(size, fd);
		*status = 200;
	}
	MHD_add_response_header(resp, "Accept-Ranges", "bytes");
	MHD_add_response_header(resp, "Content-Type", r->ctype ? r->ctype : "application/octet-stream");
	return resp;
}

static struct MHD_Response *make_response(srv_req *r, int *status)
{
	*status = r->status ? r->status : 500;
	struct MHD_Response *resp = NULL;
	if (r->file && r->status < 300 && (resp = file_response(r, status)))
		return resp;
	if (r->data) {
		resp = MHD_create_response_from_buffer(r->len, r->data, MHD_RESPMEM_MUST_FREE);
		r->data = NULL;
		MHD_add_response_header(resp, "Content-Type", r->ctype ? r->ctype : "application/octet-stream");
		*status = r->status;
		return resp;
	}
	if (!r->json)
		srv_error(r, 500, NULL, "the handler gave no reply");
	*status = r->status;
	char *text = json_dumps(r->json, JSON_COMPACT);
	if (!text)
		text = strdup("{\"error\":\"out of memory\",\"field\":null}");
	size_t n = text ? strlen(text) : 0;
	resp = MHD_create_response_from_buffer(n, text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", "application/json");
	return resp;
}

/* ---- a request --------------------------------------------------------------------------- */

static void parse_body(srv_req *r, conn_state *cs)
{
	if (!cs->len)
		return;
	json_error_t je;
	r->body = json_loadb(cs->body, cs->len, JSON_REJECT_DUPLICATES, &je);
	if (!r->body)
		srv_error(r, 400, NULL, "malformed JSON at line %d, column %d: %s", je.line, je.column, je.text);
	else if (!json_is_object(r->body))
		srv_error(r, 400, NULL, "the body must be a JSON object");
}

/* The route's declared body fields; 0 after replying 400 (no body) or 422 (a bad field). */
static int check_body(srv_req *r, const fld_spec *fields)
{
	char err[1024];
	const char *field = NULL;
	if (!r->body)
		return srv_error(r, 400, NULL, "a JSON object body is required"), 0;
	if (fld_check(r->body, fields, 1, err, sizeof err, &field))
		return srv_error(r, 422, field, "%s", err), 0;
	return 1;
}

/* How many times the headers that must come once came: Authorization, Content-Length,
 * Transfer-Encoding. */
typedef struct {
	int auth, length, chunked;
} once_count;

static enum MHD_Result count_once(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	once_count *n = cls;
	n->auth += !strcasecmp(key, "Authorization");
	n->length += !strcasecmp(key, "Content-Length");
	n->chunked += !strcasecmp(key, "Transfer-Encoding");
	(void)kind, (void)value;
	return MHD_YES;
}

/* The request's size, counted as it came (the path, each query argument and header with its
 * separators): over SRV_URI_MAX is 414, headers over SRV_HEADERS_MAX 431, answered here as JSON.
 * libmicrohttpd answers these with its own HTML page, so its memory per connection
 * (SRV_CONN_MEMORY) is set well above both limits: only a request over that (the headers of a
 * client that is not an API client) still gets its page. */
enum { SRV_URI_MAX = 8192, SRV_HEADERS_MAX = 32768, SRV_CONN_MEMORY = 131072 };

static enum MHD_Result add_size(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	size_t *n = cls;
	*n += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " and CRLF, or "=" and "&" */
	(void)kind;
	return MHD_YES;
}

static int too_long(struct MHD_Connection *c, const char *url)
{
	size_t uri = strlen(url), headers = 0;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_size, &uri);
	MHD_get_connection_values(c, MHD_HEADER_KIND, add_size, &headers);
	return uri > SRV_URI_MAX ? 414 : headers > SRV_HEADERS_MAX ? 431 : 0;
}

/* A request framed two ways (Content-Length and Transfer-Encoding, or two lengths) is how a
 * request is smuggled past a proxy that reads the other framing: refused, and the connection
 * closed, before the body is read. */
static int bad_framing(struct MHD_Connection *c)
{
	once_count n = {0, 0, 0};
	MHD_get_connection_values(c, MHD_HEADER_KIND, count_once, &n);
	return n.length > 1 || n.chunked > 1 || (n.length && n.chunked);
}

static void dispatch(srv_t *s, srv_req *r, conn_state *cs)
{
	int path_known;
	once_count once = {0, 0, 0};
	const srv_route *rt = route_find(s, r, &path_known);
	if (cs->too_long == 414) {
		srv_error(r, 414, NULL, "the request's path and query are over %d bytes", SRV_URI_MAX);
		return;
	}
	if (cs->too_long) {
		srv_error(r, 431, NULL, "the request's headers are over %d bytes", SRV_HEADERS_MAX);
		return;
	}
	if (cs->bad_framing) {
		srv_error(r, 400, NULL, "the request gives its body's length twice (Content-Length and "
					"Transfer-Encoding, or two of one); send one");
		return;
	}
	if (cs->too_large) {
		srv_error(r, 413, NULL, "the body is over the limit of %lld bytes", s->cfg->body_limit);
		return;
	}
	/* Two tokens are ambiguous: a proxy in front may check one and this server use the other. */
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_once, &once);
	if (once.auth > 1) {
		srv_error(r, 400, NULL, "the request has %d Authorization headers; send one", once.auth);
		return;
	}
	if (!(r->db = db_get(s))) {
		srv_error(r, 503, NULL, "the database cannot be opened");
		return;
	}
	if (auth_check(r->db, srv_header(r, "Authorization"), &r->who)) {
		srv_error(r, 401, NULL, "a valid bearer token is required (Authorization: Bearer vidc_...)");
		return;
	}
	if (!rt) {
		if (path_known)
			srv_error(r, 405, NULL, "%s is not allowed on %s", r->method, r->path);
		else
			srv_error(r, 404, NULL, "no such resource: %s", r->path);
		return;
	}
	if (rt->role == SRV_OPERATOR && r->who.site_id) {
		srv_error(r, 403, NULL, "this needs an operator token (vidc token create --operator)");
		return;
	}
	if (rt->role == SRV_SITE && !r->who.site_id) {
		srv_error(r, 403, NULL, "this needs a site's token (vidc token create --site ID)");
		return;
	}
	parse_body(r, cs);
	if (!r->status && rt->body && !check_body(r, rt->body))
		return;
	if (!r->status)
		rt->fn(r);
}


static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	srv_t *s = cls;
	conn_state *cs = *con_cls;
	if (!cs) {
		if (!(cs = calloc(1, sizeof *cs)))
			return MHD_NO;
		cs->t0 = mono_now();
		*con_cls = cs;
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		/* A body announced over the limit is answered 413 at once, before any of it is read
		 * (reading and dropping 10 GB kept the client waiting; MHD closes the connection after
		 * a reply queued mid-upload); so are a request too long (414, 431) and one framed
		 * twice (400). */
		cs->too_long = too_long(c, url);
		cs->bad_framing = bad_framing(c);
		cs->too_large = cl && strtoll(cl, NULL, 10) > s->cfg->body_limit;
		if (!cs->too_long && !cs->bad_framing && !cs->too_large)
			return MHD_YES;
	} else if (cs->replied) {
		*upload_size = 0; /* the rest of a refused body, if MHD still hands it over */
		return MHD_YES;
	} else if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		/* A body trickling in (a byte a second keeps a connection from being idle) is cut at
		 * request_timeout: the connection is closed, there is no one to reply to. */
		if (mono_now() - cs->t0 > s->cfg->request_timeout) {
			char shown[512];
			fprintf(stderr, "%s %s: the body took over %d s to arrive; connection closed\n", method,
				utf8_shown(url, 0, shown, sizeof shown), s->cfg->request_timeout);
			return MHD_NO;
		}
		if (cs->too_large || (long long)(cs->len + n) > s->cfg->body_limit) {
			/* a chunked body past the limit: read and dropped (MHD cannot queue a reply
			 * mid-body), then 413; request_timeout cuts one that never ends */
			cs->too_large = 1;
			return MHD_YES;
		}
		char *nb = realloc(cs->body, cs->len + n + 1);
		if (!nb)
			return MHD_NO;
		memcpy(nb + cs->len, upload, n);
		cs->body = nb;
		cs->len += n;
		return MHD_YES;
	}
	cs->replied = 1;
	srv_req r;
	memset(&r, 0, sizeof r);
	r.method = method;
	r.path = url;
	r.cfg = s->cfg;
	r.conn = c;
	dispatch(s, &r, cs);
	int status;
	struct MHD_Response *resp = make_response(&r, &status);
	enum MHD_Result ok = resp ? MHD_queue_response(c, (unsigned)status, resp) : MHD_NO;
	if (resp)
		MHD_destroy_response(resp);
	/* one line per request: never the headers (the token) */
	char shown[512];
	/* the URL arrives percent-decoded: a %0A or an escape sequence in it would forge log lines
	 * or colour the terminal, so control bytes are written back as %XX */
	fprintf(stderr, "%s %s %d %.1fms\n", method, utf8_shown(url, 0, shown, sizeof shown), status,
		(mono_now() - cs->t0) * 1000);
	if (r.db)
		db_put(s, r.db);
	json_decref(r.body);
	json_decref(r.json);
	free(r.data);
	free(r.file);
	(void)version;
	return ok;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
	conn_state *cs = *con_cls;
	if (cs) {
		free(cs->body);
		free(cs);
		*con_cls = NULL;
	}
	(void)cls, (void)c, (void)t;
}

static int parse_listen(const char *listen, struct sockaddr_in *sa, char *err, size_t errlen)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	char *end;
	long port = colon ? strtol(colon + 1, &end, 10) : -1;
	if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof host || *end || port < 0 || port > 65535) {
		snprintf(err, errlen, "--listen takes HOST:PORT (127.0.0.1:8080), not '%s'", listen);
		return -1;
	}
	snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
		snprintf(err, errlen, "--listen: '%s' is not an IPv4 address", host);
		return -1;
	}
	return 0;
}

int srv_start(srv_t **out, const svc_config *cfg, const srv_route *const *tables, char *err, size_t errlen)
{
	*out = NULL;
	struct sockaddr_in sa;
	if (parse_listen(cfg->listen, &sa, err, errlen))
		return -1;
	srv_t *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -4;
	}
	s->cfg = cfg;
	s->tables = tables;
	pthread_mutex_init(&s->mu, NULL);
	s->d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
				(unsigned)cfg->http_threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->request_timeout,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->connections_per_ip,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SRV_CONN_MEMORY,
				MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);
	if (!s->d) {
		snprintf(err, errlen, "cannot listen on %s (in use, or not this machine's address)", cfg->listen);
		pthread_mutex_destroy(&s->mu);
		free(s);
		return -2;
	}
	*out = s;
	return 0;
}

int srv_port(srv_t *s)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	return i ? i->port : -1;
}

void srv_stop(srv_t *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	for (int i = 0; i < s->nfree; i++)
		store_close(s->free_db[i]);
	free(s->free_db);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
