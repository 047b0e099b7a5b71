/*
 * api_publish.c - the routes of the publishing stage (SPEC sections 15 and 16; docs/openapi.json):
 * social accounts, publish (a job: 202), the published videos, their engagement (a site's
 * aggregate and one video's timeline) and the VideoObject JSON-LD of the article page. Every
 * lookup is walled to the token's site: another site's id is 404. The work is in
 * publish_job.c, accounts.c and publish_meta.c; the server reads this table after the core's
 * (api.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/err.h"
#include "accounts.h"
#include "api.h"
#include "fields.h"
#include "publish_job.h"
#include "publish_meta.h"

/* ---- accounts ----------------------------------------------------------------------------- */

static const fld_spec account_fields[] = {
	{"platform", FLD_STR, 1, fld_social_platforms, 0, 0},
	{"tokens", FLD_OBJ, 1, NULL, 0, 0},
	{"name", FLD_STR, 0, NULL, 200, 1},
	{NULL, 0, 0, NULL, 0, 0}};

static int accounts_create(srv_req *r)
{
	char err[1024];
	const char *field = NULL;
	char *tokens = json_dumps(json_object_get(r->body, "tokens"), JSON_COMPACT);
	int64_t id = 0;
	int rc = tokens ? acct_add(r->db, r->cfg, r->who.site_id, fld_str(r->body, "platform", ""),
				   fld_str(r->body, "name", NULL), tokens, strlen(tokens), &id, err, sizeof err, &field)
			: VE_NOMEM;
	if (tokens) /* the tokens in clear: wiped before the memory goes back */
		memset(tokens, 0, strlen(tokens));
	free(tokens);
	if (rc)
		return srv_error(r, api_status_of(rc), field, "%s", rc == VE_NOMEM ? "out of memory" : err);
	return srv_json(r, 201, acct_json(r->db, r->who.site_id, id));
}

static int accounts_list(srv_req *r)
{
	json_t *a = acct_list(r->db, r->who.site_id);
	return a ? srv_json(r, 200, json_pack("{s:o}", "results", a)) : srv_error(r, 500, NULL, "%s", store_errmsg(r->db));
}

/* ---- publish ------------------------------------------------------------------------------ */

static const char *const privacies[] = {"public", "unlisted", "private", NULL};
static const fld_spec publish_fields[] = {
	{"rendered_video_id", FLD_ID, 1, NULL, 0, 0},
	{"social_account_id", FLD_ID, 1, NULL, 0, 0},
	{"privacy", FLD_STR, 0, privacies, 0, 1},
	{"publish_at", FLD_STR, 0, NULL, 40, 1},
	{NULL, 0, 0, NULL, 0, 0}};

static int publish_create(srv_req *r)
{
	char err[1024];
	const char *field = NULL;
	int64_t job = 0, published = 0;
	int rc = pjob_enqueue(r->db, r->cfg, r->who.site_id, fld_int(r->body, "rendered_video_id", 0),
			      fld_int(r->body, "social_account_id", 0), r->body, &job, &published, err, sizeof err, &field);
	if (rc)
		return srv_error(r, api_status_of(rc), field, "%s", err);
	return srv_json(r, 202, json_pack("{s:I, s:I, s:s}", "job_id", (json_int_t)job, "published_video_id",
					  (json_int_t)published, "status", "queued"));
}

static int published_get(srv_req *r)
{
	json_t *v = pjob_published_json(r->db, r->who.site_id, r->id[0]);
	return v ? srv_json(r, 200, v) : srv_error(r, 404, NULL, "no published video %lld", (long long)r->id[0]);
}

static int published_jsonld(srv_req *r)
{
	char err[1024], *text = NULL;
	int rc = pmeta_jsonld(r->db, r->cfg, r->who.site_id, r->id[0], &text, err, sizeof err);
	if (rc)
		return srv_error(r, api_status_of(rc), NULL, "%s", err);
	return srv_bytes(r, 200, text, strlen(text), "application/ld+json");
}

/* ---- analytics ---------------------------------------------------------------------------- */

#define ENGAGEMENT_COLS                                                                              \
	"e.fetched_at, e.views, e.likes, e.comments, e.shares, e.saves, e.reach, e.watch_time_seconds, " \
	"e.avg_view_duration"

/* Sums a count over the rows, skipping the nulls (a platform that does not give it). */
static json_t *total(json_t *rows, const char *key)
{
	size_t i;
	json_t *v;
	double sum = 0;
	int real = 0;
	json_array_foreach(rows, i, v) {
		json_t *x = json_object_get(v, key);
		sum += json_number_value(x);
		real |= json_is_real(x);
	}
	return real ? json_real(sum) : json_integer((json_int_t)sum);
}

static int analytics_site(srv_req *r)
{
	const char *q = srv_query(r, "site_id");
	if (q && *q) {
		char *end;
		long long site = strtoll(q, &end, 10);
		if (*end || site < 1)
			return srv_error(r, 422, "site_id", "'site_id' must be a whole number from 1");
		if (site != r->who.site_id)
			return srv_error(r, 404, "site_id", "no site %lld", site);
	}
	/* each video's latest numbers (the ids grow with the fetches) */
	json_t *rows = store_rows(r->db, "SELECT v.id AS published_video_id, v.platform, v.url, v.status, " ENGAGEMENT_COLS
				  " FROM igny8_published_videos v JOIN igny8_rendered_videos rv ON rv.id = v.rendered_video_id "
				  "JOIN igny8_video_projects p ON p.id = rv.project_id LEFT JOIN igny8_video_engagement e ON "
				  "e.id = (SELECT MAX(x.id) FROM igny8_video_engagement x WHERE x.published_video_id = v.id) "
				  "WHERE p.site_id = ? AND v.status IN ('published', 'removed') ORDER BY v.id", "l",
				  r->who.site_id);
	if (!rows)
		return srv_error(r, 500, NULL, "%s", store_errmsg(r->db));
	static const char *const keys[] = {"views", "likes", "comments", "shares", "saves", "reach", "watch_time_seconds"};
	json_t *totals = json_object();
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		json_object_set_new(totals, keys[i], total(rows, keys[i]));
	return srv_json(r, 200, json_pack("{s:I, s:I, s:o, s:o}", "site_id", (json_int_t)r->who.site_id, "videos",
					  (json_int_t)json_array_size(rows), "totals", totals, "results", rows));
}

static int analytics_video(srv_req *r)
{
	json_t *v = pjob_published_json(r->db, r->who.site_id, r->id[0]);
	if (!v)
		return srv_error(r, 404, NULL, "no published video %lld", (long long)r->id[0]);
	json_t *t = store_rows(r->db, "SELECT " ENGAGEMENT_COLS ", e.raw FROM igny8_video_engagement e WHERE "
				      "e.published_video_id = ? ORDER BY e.fetched_at, e.id", "l", r->id[0]);
	if (!t) {
		json_decref(v);
		return srv_error(r, 500, NULL, "%s", store_errmsg(r->db));
	}
	return srv_json(r, 200, json_pack("{s:o, s:o}", "published_video", v, "timeline", t));
}

#define P "/api/v1/video"
const srv_route api_publish_routes[] = {
	{"POST", P "/accounts/", accounts_create, SRV_SITE, account_fields},
	{"GET", P "/accounts/", accounts_list, SRV_SITE, NULL},
	{"POST", P "/publish/", publish_create, SRV_SITE, publish_fields},
	{"GET", P "/published/{id}/", published_get, SRV_SITE, NULL},
	{"GET", P "/published/{id}/jsonld/", published_jsonld, SRV_SITE, NULL},
	{"GET", P "/analytics/", analytics_site, SRV_SITE, NULL},
	{"GET", P "/analytics/{id}/", analytics_video, SRV_SITE, NULL},
	{NULL, NULL, NULL, 0, NULL},
};
