/*
 * api.c - the core endpoints of /api/v1/video (docs/openapi.yaml): contents, projects, scripts,
 * voiceover, assets, renders, sites, credits and jobs. Each handler checks its input against a
 * field table (fields.h), walls every lookup to the token's site (another site's id is 404),
 * prices what it enqueues before anything runs (402 when the site cannot pay) and leaves the
 * work to the worker (202), except the voice preview, which is spoken at once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/err.h"
#include "api.h"
#include "automation.h"
#include "credits.h"
#include "fields.h"
#include "jobs.h"
#include "records.h"
#include "stages.h"

int api_status_of(int code)
{
	switch (code) {
	case VE_INVAL:
		return 422;
	case VE_NOTFOUND:
		return 404;
	case VE_CONFLICT:
		return 409;
	case VE_QUOTA:
		return 402;
	case VE_AUTH:
		return 401;
	case VE_LIMIT:
		return 429;
	default:
		return 500;
	}
}

static int fail(srv_req *r, int code, const char *field, const char *err)
{
	return srv_error(r, api_status_of(code), field, "%s", err);
}

/* The request's body, or a 400 when there is none. */
static json_t *body(srv_req *r)
{
	if (!r->body)
		srv_error(r, 400, NULL, "a JSON object body is required");
	return r->body;
}

static json_t *project_or_404(srv_req *r, int64_t id, int detail, const char *field)
{
	json_t *p = rec_project_json(r->db, r->who.site_id, id, detail);
	if (!p)
		srv_error(r, 404, field, "no project %lld", (long long)id);
	return p;
}

/* 1 when the path's project exists for this site (and, with need_body, the request has a body);
 * 0 after replying 404 (or 400). */
static int path_project(srv_req *r, int need_body)
{
	json_t *p = project_or_404(r, r->id[0], 0, NULL);
	if (!p)
		return 0;
	json_decref(p);
	return !need_body || body(r);
}

/* A list of the path's project's records: {"project_id": ID, "results": [...]}. */
static int project_list(srv_req *r, json_t *(*list)(store_t *, int64_t))
{
	if (!path_project(r, 0))
		return 0;
	json_t *a = list(r->db, r->id[0]);
	return srv_json(r, 200, json_pack("{s:I, s:o}", "project_id", (json_int_t)r->id[0], "results", a ? a : json_array()));
}

/* The project named by the body's project_id (a required id the route's fields checked), or NULL
 * after replying. */
static json_t *body_project(srv_req *r)
{
	return project_or_404(r, fld_int(r->body, "project_id", 0), 0, "project_id");
}

static int file_exists(const char *media, int64_t site, int64_t project, const char *name)
{
	char dir[1200], path[1400];
	if (rec_project_dir(media, site, project, dir, sizeof dir))
		return 0;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	struct stat st;
	return stat(path, &st) == 0;
}

/* Enqueues one job and holds its estimate, inside the caller's transaction. The quota of queued
 * jobs per site is checked here too. */
static int enqueue_paid(srv_req *r, const char *kind, int64_t project, int64_t rendered, json_t *payload,
			const credits_item *holds, int nholds, int64_t *job, char *err, size_t errlen)
{
	int64_t active = 0;
	if (jobs_active(r->db, r->who.site_id, &active)) {
		snprintf(err, errlen, "%s", store_errmsg(r->db));
		return VE_IO;
	}
	if (active >= r->cfg->max_queued_jobs) {
		snprintf(err, errlen, "the site has %lld jobs queued or running (the quota is %d)", (long long)active,
			 r->cfg->max_queued_jobs);
		return VE_LIMIT;
	}
	int rc = jobs_enqueue(r->db, kind, r->who.site_id, project, rendered, payload, 0, r->cfg->job_attempts, job, err,
			      errlen);
	for (int i = 0; !rc && i < nholds; i++)
		rc = credits_hold(r->db, r->who.site_id, project, *job, holds[i].op, holds[i].amount, err, errlen);
	return rc;
}

/* Runs enqueue_paid in its own transaction and replies 202 {job_id, project_id, status}. */
static int enqueue_reply(srv_req *r, const char *kind, int64_t project, json_t *payload, const credits_item *holds,
			 int nholds, const char *status)
{
	char err[1024];
	int64_t job = 0;
	if (store_begin(r->db))
		return srv_error(r, 503, NULL, "the database is busy: %s", store_errmsg(r->db));
	int rc = enqueue_paid(r, kind, project, 0, payload, holds, nholds, &job, err, sizeof err);
	if (!rc && status && rec_project_status(r->db, project, status, NULL))
		rc = -2, snprintf(err, sizeof err, "%s", store_errmsg(r->db));
	if (rc) {
		store_rollback(r->db);
		return fail(r, rc, NULL, err);
	}
	if (store_commit(r->db))
		return srv_error(r, 503, NULL, "the database is busy: %s", store_errmsg(r->db));
	return srv_json(r, 202, json_pack("{s:I, s:I, s:s}", "job_id", (json_int_t)job, "project_id", (json_int_t)project,
					  "status", "queued"));
}

/* Whether the project has a job of kind queued or running. */
static int job_pending(srv_req *r, int64_t project, const char *kind)
{
	int64_t n = 0;
	store_int(r->db, &n, "SELECT COUNT(*) FROM vidc_jobs WHERE project_id = ? AND kind = ? AND status IN ('queued', "
			     "'running')", "lt", project, kind);
	return n > 0;
}

/* ---- contents ----------------------------------------------------------------------------- */

static int contents_create(srv_req *r)
{
	char err[1024];
	const char *field = NULL;
	int64_t id;
	if (!body(r))
		return 0;
	int rc = rec_content_create(r->db, r->cfg->media, r->who.site_id, r->body, &id, err, sizeof err, &field);
	if (rc)
		return fail(r, rc, field, err);
	json_t *c = rec_content_json(r->db, r->who.site_id, id);
	if (!c)
		return srv_error(r, 500, NULL, "%s", store_errmsg(r->db));
	/* Stage 9: a published article of a site with video enabled starts the chain. */
	if (!strcmp(fld_str(r->body, "status", "draft"), "published")) {
		int64_t project = 0;
		rc = auto_start(r->db, r->cfg, r->who.site_id, id, &project, err, sizeof err);
		json_object_set_new(c, "project_id", project ? json_integer(project) : json_null());
		if (rc)
			json_object_set_new(c, "automation_error", json_string(err));
	}
	return srv_json(r, 201, c);
}

static int contents_get(srv_req *r)
{
	json_t *c = rec_content_json(r->db, r->who.site_id, r->id[0]);
	return c ? srv_json(r, 200, c) : srv_error(r, 404, NULL, "no content %lld", (long long)r->id[0]);
}

/* ---- projects ----------------------------------------------------------------------------- */

static int projects_create(srv_req *r)
{
	char err[1024];
	const char *field = NULL;
	int64_t id;
	if (!body(r))
		return 0;
	int rc = rec_project_create(r->db, r->who.site_id, r->body, 0, &id, err, sizeof err, &field);
	if (rc)
		return fail(r, rc, field, err);
	json_t *p = project_or_404(r, id, 1, NULL);
	return p ? srv_json(r, 201, p) : 0;
}

static int projects_get(srv_req *r)
{
	json_t *p = project_or_404(r, r->id[0], 1, NULL);
	return p ? srv_json(r, 200, p) : 0;
}

/* A query argument that must be a whole number >= 1 when present: 0 absent, -1 after a 422. */
static long long query_id(srv_req *r, const char *key)
{
	const char *v = srv_query(r, key);
	if (!v || !*v)
		return 0;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (*end || n < 1 || errno == ERANGE) { /* 99999999999999999999 was read as 2^63 - 1 */
		srv_error(r, 422, key, "'%s' must be a whole number from 1", key);
		return VE_INVAL;
	}
	return n;
}

static int projects_list(srv_req *r)
{
	long long site = query_id(r, "site_id"), page = query_id(r, "page");
	if (site < 0 || page < 0)
		return 0;
	if (site && site != r->who.site_id)
		return srv_error(r, 404, "site_id", "no site %lld", site);
	const char *status = srv_query(r, "status"), *type = srv_query(r, "project_type");
	if (status && *status && !fld_in(status, fld_project_status))
		return srv_error(r, 422, "status", "'status' must be a project status (draft, scripting, ...)");
	if (type && *type && !fld_in(type, fld_project_types))
		return srv_error(r, 422, "project_type", "'project_type' must be short, medium or long");
	if (page == 0)
		page = 1;
	int64_t count = 0, ps = r->cfg->page_size;
	if (page - 1 > INT64_MAX / ps) /* the offset (page - 1) * ps would overflow: page 1 came back */
		return srv_error(r, 422, "page", "'page' is past any page there can be (%lld)", page);
	json_t *results = rec_projects_page(r->db, r->who.site_id, status && *status ? status : NULL,
					    type && *type ? type : NULL, ps, (page - 1) * ps, &count);
	if (!results)
		return srv_error(r, 500, NULL, "%s", store_errmsg(r->db));
	int64_t pages = (count + ps - 1) / ps;
	return srv_json(r, 200, json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:o}", "count", (json_int_t)count, "page",
					  (json_int_t)page, "page_size", (json_int_t)ps, "num_pages", (json_int_t)pages,
					  "next", page < pages ? json_integer(page + 1) : json_null(), "previous",
					  page > 1 ? json_integer(page - 1) : json_null(), "results", results));
}

/* ---- scripts ------------------------------------------------------------------------------ */

static const char *const generators[] = {"extract", "llm", NULL};
static const fld_spec generate_fields[] = {
	{"project_id", FLD_ID, 1, NULL, 0, 0},
	{"generator", FLD_STR, 0, generators, 0, 0},
	{NULL, 0, 0, NULL, 0, 0}};

static int scripts_generate(srv_req *r)
{
	json_t *p = body_project(r);
	if (!p)
		return 0;
	int64_t id = json_integer_value(json_object_get(p, "id"));
	int np = (int)json_array_size(json_object_get(p, "target_platforms"));
	int has_content = json_is_integer(json_object_get(p, "content_id"));
	json_decref(p);
	if (!has_content)
		return srv_error(r, 409, "project_id", "the project has no content record: write its script with PUT "
						       "/api/v1/video/scripts/%lld/", (long long)id);
	if (job_pending(r, id, "script"))
		return srv_error(r, 409, "project_id", "a script of the project is being written already");
	const credits_table *t = &r->cfg->credits;
	credits_item holds[2] = {{"video_script_generation", t->script}, {"video_seo_metadata", t->seo * np}};
	json_t *payload = json_pack("{s:s}", "generator", fld_str(r->body, "generator", "extract"));
	int rc = enqueue_reply(r, "script", id, payload, holds, 2, "scripting");
	json_decref(payload);
	return rc;
}

static int scripts_put(srv_req *r)
{
	char err[1024];
	const char *field = NULL;
	if (!path_project(r, 1))
		return 0;
	int rc = rec_script_save(r->db, r->id[0], r->body, err, sizeof err, &field);
	if (rc)
		return fail(r, rc, field, err);
	json_t *sc = rec_script_json(r->db, r->id[0]);
	return sc ? srv_json(r, 200, sc) : srv_error(r, 500, NULL, "%s", store_errmsg(r->db));
}

/* ---- voiceover ---------------------------------------------------------------------------- */

static const fld_spec voice_fields[] = {
	{"project_id", FLD_ID, 1, NULL, 0, 0},
	{"voice_id", FLD_NAME, 0, NULL, 128, 1},
	{"provider", FLD_STR, 0, fld_providers, 0, 0},
	{NULL, 0, 0, NULL, 0, 0}};

static int voiceover_generate(srv_req *r)
{
	json_t *p = body_project(r);
	if (!p)
		return 0;
	int64_t id = json_integer_value(json_object_get(p, "id"));
	json_t *set = json_object_get(p, "settings");
	const char *provider = fld_str(r->body, "provider", fld_str(set, "voice_provider", "espeak"));
	const char *voice = fld_str(r->body, "voice_id", fld_str(set, "voice_id", NULL));
	json_t *sc = rec_script_json(r->db, id);
	if (!sc) {
		json_decref(p);
		return srv_error(r, 409, "project_id", "the project has no script yet");
	}
	double secs = rec_script_seconds(sc); /* the server's estimate, not the client's claim */
	json_decref(sc);
	credits_item hold = {credits_tts_op(provider), credits_tts(&r->cfg->credits, provider, secs)};
	store_run(r->db, "UPDATE igny8_video_projects SET voice_provider = ?, voice_id = ? WHERE id = ?", "ttl", provider,
		  voice, id);
	json_t *payload = json_pack("{s:s, s:o}", "provider", provider, "voice_id", voice ? json_string(voice) : json_null());
	int rc = enqueue_reply(r, "voice", id, payload, &hold, 1, "voiceover");
	json_decref(payload);
	json_decref(p);
	return rc;
}

static const fld_spec preview_fields[] = {
	{"text", FLD_STR, 1, NULL, 0, 0},
	{"voice_id", FLD_NAME, 0, NULL, 128, 1},
	{"provider", FLD_STR, 0, fld_providers, 0, 0},
	{NULL, 0, 0, NULL, 0, 0}};

/* A preview is spoken inside the request, on one of the API's few threads, with the operator's
 * provider key and no credits: one at a time per site, and at most all threads but one, so four
 * slow previews can't stall every other site's requests. The gate is the process's: one server
 * per process. */
enum { PREVIEW_MAX = 64 };
static pthread_mutex_t preview_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t preview_site[PREVIEW_MAX]; /* the sites speaking now; 0 is a free slot */

/* preview_gate(site, take, threads): takes a slot for the site (1 when granted) or gives it back. */
static int preview_gate(int64_t site, int take, int threads)
{
	int granted = 0, busy = 0, free_slot = -1, mine = -1;
	pthread_mutex_lock(&preview_mu);
	for (int k = 0; k < PREVIEW_MAX; k++) {
		busy += preview_site[k] != 0;
		if (preview_site[k] == site)
			mine = k;
		else if (!preview_site[k] && free_slot < 0)
			free_slot = k;
	}
	if (!take && mine >= 0)
		preview_site[mine] = 0;
	int max = threads > 1 ? threads - 1 : 1;
	if (take && mine < 0 && free_slot >= 0 && busy < max) {
		preview_site[free_slot] = site;
		granted = 1;
	}
	pthread_mutex_unlock(&preview_mu);
	return granted;
}

static int voiceover_preview(srv_req *r)
{
	char err[1024];
	const char *text = fld_str(r->body, "text", "");
	size_t chars = 0;
	for (const char *c = text; *c; c++)
		chars += ((unsigned char)*c & 0xC0) != 0x80; /* code points, as the voice stage counts */
	if (chars == 0 || chars > 200)
		return srv_error(r, 422, "text", "'text' must have 1 to 200 characters (it has %zu)", chars);
	char tmp[1200];
	snprintf(tmp, sizeof tmp, "%s/tmp", r->cfg->media);
	mkdir(r->cfg->media, 0777);
	mkdir(tmp, 0777);
	char *wav;
	size_t len;
	if (!preview_gate(r->who.site_id, 1, r->cfg->http_threads)) {
		return srv_error(r, 429, NULL, "a voice preview is being spoken for this site (or the server's previews are all busy): "
					       "one at a time per site; try again in a moment");
	}
	int rc = stg_preview(tmp, fld_str(r->body, "provider", "espeak"), fld_str(r->body, "voice_id", NULL), text, &wav,
			     &len, err, sizeof err);
	preview_gate(r->who.site_id, 0, 0);
	if (rc)
		return srv_error(r, rc == VE_NET ? 502 : 500, NULL, "%s", err);
	return srv_bytes(r, 200, wav, len, "audio/wav");
}

/* ---- assets ------------------------------------------------------------------------------- */

static int assets_list(srv_req *r)
{
	return project_list(r, rec_assets_json);
}

static int assets_add(srv_req *r)
{
	char err[1024];
	const char *field = NULL;
	if (!path_project(r, 1))
		return 0;
	int64_t id;
	int rc = rec_asset_add(r->db, r->id[0], r->body, &id, err, sizeof err, &field);
	if (rc)
		return fail(r, rc, field, err);
	json_t *a = store_row(r->db, "SELECT id, project_id, asset_type, source, file_path, url, duration, section_index, "
				     "\"order\", credit, licence, original_url, created_at FROM igny8_video_assets WHERE id = ?",
			      "l", id);
	return srv_json(r, 201, a);
}

/* ---- renders ------------------------------------------------------------------------------ */

static const fld_spec render_fields[] = {
	{"project_id", FLD_ID, 1, NULL, 0, 0},
	{"presets", FLD_STRS, 1, fld_platforms, FLD_MAX_PRESETS, 0},
	{"pieces", FLD_ID, 0, NULL, 0, 1}, /* a split render on Celery (SPEC.md section 16.9) */
	{NULL, 0, 0, NULL, 0, 0}};

/* Creates the RenderedVideo rows and their jobs for every preset (inside a transaction). */
static int render_enqueue(srv_req *r, int64_t project, json_t *presets, const credits_item *first, int nfirst,
			  json_t *out, char *err, size_t errlen)
{
	const credits_table *t = &r->cfg->credits;
	size_t i;
	json_t *pv;
	json_array_foreach(presets, i, pv) {
		const char *preset = json_string_value(pv);
		int64_t busy = 0, rid = 0, job = 0;
		store_int(r->db, &busy, "SELECT COUNT(*) FROM igny8_rendered_videos WHERE project_id = ? AND preset = ? AND "
					"status IN ('queued', 'rendering')", "lt", project, preset);
		if (busy) {
			snprintf(err, errlen, "a render of %s is queued or running for this project", preset);
			return VE_CONFLICT;
		}
		char now[32];
		store_iso(store_now_ms(), now);
		if (store_int(r->db, &rid, "INSERT INTO igny8_rendered_videos (project_id, preset, status, created_at, updated_at) "
					   "VALUES (?, ?, 'queued', ?, ?) RETURNING id", "ltt" "t", project, preset, now, now) < 0) {
			snprintf(err, errlen, "%s", store_errmsg(r->db));
			return VE_IO;
		}
		credits_item holds[4] = {{"video_composition", t->composition}, {"video_thumbnail", t->thumbnail}};
		int nh = 2;
		for (int k = 0; i == 0 && k < nfirst; k++)
			holds[nh++] = first[k];
		json_t *payload = json_pack("{s:s}", "preset", preset);
		if (json_is_integer(json_object_get(r->body, "pieces")))
			json_object_set(payload, "pieces_asked", json_object_get(r->body, "pieces"));
		int rc = enqueue_paid(r, "render", project, rid, payload, holds, nh, &job, err, errlen);
		json_decref(payload);
		if (rc)
			return rc;
		json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)rid, "preset", preset,
						     "status", "queued", "job_id", (json_int_t)job));
	}
	return 0;
}

static int render_create(srv_req *r)
{
	char err[1024];
	json_t *p = body_project(r);
	if (!p)
		return 0;
	int64_t id = json_integer_value(json_object_get(p, "id"));
	const char *provider = fld_str(json_object_get(p, "settings"), "voice_provider", "espeak");
	json_t *presets = json_object_get(r->body, "presets");
	for (size_t i = 0; i < json_array_size(presets); i++)
		for (size_t k = 0; k < i; k++)
			if (json_equal(json_array_get(presets, i), json_array_get(presets, k))) {
				json_decref(p);
				return srv_error(r, 422, "presets", "'presets' names %s twice",
						 json_string_value(json_array_get(presets, i)));
			}
	if (json_array_size(presets) == 0) {
		json_decref(p);
		return srv_error(r, 422, "presets", "'presets' needs at least one preset");
	}
	if (json_integer_value(json_object_get(r->body, "pieces")) > 1024) {
		json_decref(p);
		return srv_error(r, 422, "pieces", "'pieces' is 1 to 1024 (a video is split in a piece per 2 s at most)");
	}
	json_t *sc = rec_script_json(r->db, id);
	double secs = rec_script_seconds(sc); /* the server's estimate, not the client's claim */
	int sections = rec_script_sections(sc);
	json_decref(sc);
	if (!sc) {
		json_decref(p);
		return srv_error(r, 409, "project_id", "the project has no script: generate or PUT one first");
	}
	/* The first render makes what is missing (voice, images): its job holds their estimate. */
	credits_item first[2];
	int nfirst = 0;
	if (!file_exists(r->cfg->media, r->who.site_id, id, "voice.wav"))
		first[nfirst++] = (credits_item){credits_tts_op(provider), credits_tts(&r->cfg->credits, provider, secs)};
	if (!file_exists(r->cfg->media, r->who.site_id, id, "assets.json"))
		first[nfirst++] = (credits_item){"video_visual_generation", credits_visuals_hold(&r->cfg->credits, r->cfg->visuals,
										     sections, secs)};
	json_decref(p);
	json_t *out = json_array();
	int rc = store_begin(r->db) || store_lock(r->db, "igny8_video_projects", id) < 0 ? -2 : 0; /* busy check */
	if (!rc && !(rc = render_enqueue(r, id, presets, first, nfirst, out, err, sizeof err)))
		rc = rec_project_status(r->db, id, "rendering", NULL);
	if (rc) {
		store_rollback(r->db);
		json_decref(out);
		return fail(r, rc, rc == VE_CONFLICT ? "presets" : NULL, rc == -2 ? store_errmsg(r->db) : err);
	}
	if (store_commit(r->db)) {
		json_decref(out);
		return srv_error(r, 503, NULL, "the database is busy: %s", store_errmsg(r->db));
	}
	return srv_json(r, 202, json_pack("{s:I, s:o}", "project_id", (json_int_t)id, "renders", out));
}

static int render_status(srv_req *r)
{
	json_t *v = rec_render_json(r->db, r->who.site_id, r->id[0]);
	if (!v)
		return srv_error(r, 404, NULL, "no render %lld", (long long)r->id[0]);
	json_t *s = json_object();
	const char *keys[] = {"id", "project_id", "preset", "status", "percent", "frames_done", "frames_total",
			      "eta_seconds", "error", "render_started_at", "render_completed_at"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		json_object_set(s, keys[i], json_object_get(v, keys[i]));
	json_decref(v);
	return srv_json(r, 200, s);
}

static int rendered_list(srv_req *r)
{
	return project_list(r, rec_renders_json);
}

static int render_file(srv_req *r)
{
	json_t *v = rec_render_json(r->db, r->who.site_id, r->id[0]);
	if (!v)
		return srv_error(r, 404, NULL, "no render %lld", (long long)r->id[0]);
	const char *status = fld_str(v, "status", ""), *path = fld_str(v, "file_path", NULL);
	int rc = strcmp(status, "completed") || !path
			 ? srv_error(r, 409, NULL, "the render is %s, not completed", status)
			 : srv_file(r, path, "video/mp4");
	json_decref(v);
	return rc;
}

/* ---- sites, credits, jobs ----------------------------------------------------------------- */

static int sites_create(srv_req *r)
{
	char err[1024];
	const char *field = NULL;
	int64_t id;
	if (!body(r))
		return 0;
	int rc = rec_site_create(r->db, r->body, &id, err, sizeof err, &field);
	return rc ? fail(r, rc, field, err) : srv_json(r, 201, rec_site_json(r->db, id));
}

static int sites_automation(srv_req *r)
{
	char err[1024];
	const char *field = NULL;
	if (!body(r))
		return 0;
	int rc = rec_site_automation(r->db, r->id[0], r->body, err, sizeof err, &field);
	return rc ? fail(r, rc, field, err) : srv_json(r, 200, rec_site_json(r->db, r->id[0]));
}

static int credits_get(srv_req *r)
{
	int64_t bal = 0;
	if (credits_balance(r->db, r->who.site_id, &bal))
		return srv_error(r, 500, NULL, "%s", store_errmsg(r->db));
	json_t *e = store_rows(r->db, "SELECT id, kind, operation_type, amount, project_id, job_id, note, created_at FROM "
				      "vidc_credit_ledger WHERE site_id = ? ORDER BY id DESC LIMIT 200", "l", r->who.site_id);
	return srv_json(r, 200, json_pack("{s:I, s:I, s:o}", "site_id", (json_int_t)r->who.site_id, "balance",
					  (json_int_t)bal, "entries", e ? e : json_array()));
}

static const fld_spec grant_fields[] = {
	{"site_id", FLD_ID, 1, NULL, 0, 0},
	{"amount", FLD_INT, 1, NULL, 0, 0},
	{"note", FLD_STR, 0, NULL, 500, 1},
	{NULL, 0, 0, NULL, 0, 0}};

static int credits_grant_api(srv_req *r)
{
	char err[1024];
	int64_t site = fld_int(r->body, "site_id", 0), bal = 0;
	json_t *s = rec_site_json(r->db, site);
	if (!s)
		return srv_error(r, 404, "site_id", "no site %lld", (long long)site);
	json_decref(s);
	int rc = credits_grant(r->db, site, fld_int(r->body, "amount", 0), fld_str(r->body, "note", NULL), err, sizeof err);
	if (rc)
		return fail(r, rc, rc == VE_INVAL ? "amount" : NULL, err);
	credits_balance(r->db, site, &bal);
	return srv_json(r, 201, json_pack("{s:I, s:I}", "site_id", (json_int_t)site, "balance", (json_int_t)bal));
}

static int credits_estimate(srv_req *r)
{
	const char *type = srv_query(r, "project_type"), *plat = srv_query(r, "target_platforms");
	const char *prov = srv_query(r, "voice_provider"), *dur = srv_query(r, "duration");
	if (!type)
		type = "short";
	if (!fld_in(type, fld_project_types))
		return srv_error(r, 422, "project_type", "'project_type' must be short, medium or long");
	if (!prov)
		prov = "espeak";
	if (!fld_in(prov, fld_providers))
		return srv_error(r, 422, "voice_provider", "'voice_provider' must be a voice provider (espeak, openai, ...)");
	int np = 0;
	char buf[256];
	if (snprintf(buf, sizeof buf, "%s", plat ? plat : "tiktok") >= (int)sizeof buf)
		return srv_error(r, 422, "target_platforms", "'target_platforms' is longer than %zu bytes", sizeof buf - 1);
	for (char *sv, *tok = strtok_r(buf, ",", &sv); tok; tok = strtok_r(NULL, ",", &sv), np++)
		if (!fld_in(tok, fld_presets()))
			return srv_error(r, 422, "target_platforms", "unknown platform '%s'", tok);
	/* a number of seconds from 0 (the type's typical length) to a script's largest, 3600: NaN,
	 * infinities and huge values would overflow the prices' int arithmetic */
	char *end = NULL;
	double secs = dur && *dur ? strtod(dur, &end) : 0;
	if (end && (*end || !(secs >= 0 && secs <= 3600)))
		return srv_error(r, 422, "duration", "'duration' must be a number of seconds from 0 to 3600 (not '%s')", dur);
	credits_item items[8];
	int n;
	int total = credits_chain(&r->cfg->credits, type, np, prov, secs, r->cfg->visuals, items, &n);
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:i}", "operation_type", items[i].op, "amount", items[i].amount));
	return srv_json(r, 200, json_pack("{s:i, s:o}", "total", total, "items", a));
}

static int jobs_get(srv_req *r)
{
	json_t *j = jobs_view(r->db, r->id[0], r->who.site_id);
	return j ? srv_json(r, 200, j) : srv_error(r, 404, NULL, "no job %lld", (long long)r->id[0]);
}

#define P "/api/v1/video"
const srv_route api_routes[] = {
	{"POST", P "/contents/", contents_create, SRV_SITE, NULL},
	{"GET", P "/contents/{id}/", contents_get, SRV_SITE, NULL},
	{"POST", P "/projects/", projects_create, SRV_SITE, NULL},
	{"GET", P "/projects/", projects_list, SRV_SITE, NULL},
	{"GET", P "/projects/{id}/", projects_get, SRV_SITE, NULL},
	{"POST", P "/scripts/generate/", scripts_generate, SRV_SITE, generate_fields},
	{"PUT", P "/scripts/{id}/", scripts_put, SRV_SITE, NULL},
	{"POST", P "/voiceover/generate/", voiceover_generate, SRV_SITE, voice_fields},
	{"POST", P "/voiceover/preview/", voiceover_preview, SRV_SITE, preview_fields},
	{"GET", P "/assets/{id}/", assets_list, SRV_SITE, NULL},
	{"POST", P "/assets/{id}/", assets_add, SRV_SITE, NULL},
	{"POST", P "/render/", render_create, SRV_SITE, render_fields},
	{"GET", P "/render/{id}/status/", render_status, SRV_SITE, NULL},
	{"GET", P "/render/{id}/file/", render_file, SRV_SITE, NULL},
	{"GET", P "/rendered/{id}/", rendered_list, SRV_SITE, NULL},
	{"GET", P "/credits/", credits_get, SRV_SITE, NULL},
	{"GET", P "/credits/estimate/", credits_estimate, SRV_SITE, NULL},
	{"GET", P "/jobs/{id}/", jobs_get, SRV_SITE, NULL},
	{"POST", P "/sites/", sites_create, SRV_OPERATOR, NULL},
	{"PUT", P "/sites/{id}/automation/", sites_automation, SRV_OPERATOR, NULL},
	{"POST", P "/credits/grant/", credits_grant_api, SRV_OPERATOR, grant_fields},
	{NULL, NULL, NULL, 0, NULL},
};
