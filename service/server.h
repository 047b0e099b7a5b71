/*
 * server.h - the HTTP layer of `vidc serve` (libmicrohttpd): a thread pool, a pool of store
 * connections, request bodies up to the configured limit (413 beyond), bearer-token checks
 * (401), and dispatch through route tables: {method, path pattern, handler, who may call}. A
 * pattern's {id} matches a positive integer, handed to the handler in r->id[]. The API's core
 * routes are one table (api.c); the publishing stage adds its own table (api_publish.c) without
 * touching this file or the core's.
 *
 * Every error is JSON: {"error": "message", "field": "name" or null}.
 */
#ifndef VIDC_SERVER_H
#define VIDC_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth.h"
#include "config.h"
#include "fields.h"
#include "store.h"

typedef struct srv_req srv_req;
typedef int (*srv_handler)(srv_req *r);

enum { SRV_SITE = 1, SRV_OPERATOR = 2 }; /* who may call a route: a site token, an operator one */

typedef struct {
	const char *method;  /* "GET", "POST", "PUT" */
	const char *pattern; /* "/api/v1/video/projects/{id}/" */
	srv_handler fn;
	int role;
	/* The body's fields, checked (strictly: unknown fields refused) before fn runs; NULL when the
	 * route takes no body or reads it itself. A failed check replies 400 or 422 naming the field. */
	const fld_spec *body;
} srv_route;

struct srv_req {
	/* in */
	const char *method, *path;
	int64_t id[4]; /* the pattern's {id}s in order */
	int nid;
	json_t *body;   /* the request's JSON (NULL when it has no body) */
	auth_who who;   /* who.site_id is the site every query is walled to */
	store_t *db;
	const svc_config *cfg;
	void *conn;     /* struct MHD_Connection */
	/* out: set by srv_json, srv_error, srv_bytes or srv_file */
	int status;
	json_t *json;
	char *data;
	size_t len;
	const char *ctype;
	char *file;
};

const char *srv_query(srv_req *r, const char *key);  /* a query argument, or NULL */
const char *srv_header(srv_req *r, const char *key); /* a request header, or NULL */

/* The reply: each returns 0 so a handler can `return srv_json(r, 200, obj);`. */
int srv_json(srv_req *r, int status, json_t *j); /* takes j */
int srv_error(srv_req *r, int status, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int srv_bytes(srv_req *r, int status, char *data, size_t len, const char *ctype); /* takes data */
/* A file, with HTTP Range (206 and Content-Range; 416 when unsatisfiable). */
int srv_file(srv_req *r, const char *path, const char *ctype);

typedef struct srv srv_t;

/* Starts listening on cfg->listen ("HOST:PORT"; port 0 picks a free one) with the route
 * tables (a NULL-terminated list of tables, each ending with a NULL method). */
int srv_start(srv_t **out, const svc_config *cfg, const srv_route *const *tables, char *err, size_t errlen);
int srv_port(srv_t *s);
void srv_stop(srv_t *s);

#endif
