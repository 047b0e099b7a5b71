/*
 * records.c - sites, contents, projects, scripts, assets and renders (records.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/err.h"
#include "../base/file.h"
#include "../base/utf8.h"
#include "../pipeline/article.h"
#include "../pipeline/assets.h"
#include "../pipeline/script.h"
#include "fields.h"
#include "records.h"

static char *dump(json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

static int store_fail(store_t *s, char *err, size_t errlen)
{
	snprintf(err, errlen, "the store failed: %s", store_errmsg(s));
	return store_last_code(s) == STORE_ECONSTRAINT ? VE_CONFLICT : VE_IO;
}

/* ---- sites -------------------------------------------------------------------------------- */

static const fld_spec automation_fields[] = {
	{"video_enabled", FLD_BOOL, 0, NULL, 0, 0},
	{"project_type", FLD_STR, 0, fld_project_types, 0, 0},
	{"target_platforms", FLD_STRS, 0, fld_platforms, FLD_MAX_PRESETS, 0},
	{"social_account_ids", FLD_IDS, 0, NULL, 32, 0},
	{"voice_id", FLD_NAME, 0, NULL, 128, 1},
	{"voice_provider", FLD_STR, 0, fld_providers, 0, 0},
	{"music_track", FLD_STR, 0, NULL, 256, 1},
	{"youtube_category_id", FLD_STR, 0, NULL, 8, 1}, /* snippet.categoryId of the site's YouTube posts */
	{NULL, 0, 0, NULL, 0, 0}};

/* The column each automation key is stored in. */
static const struct {
	const char *key, *col;
} automation_cols[] = {
	{"video_enabled", "video_enabled"},	      {"project_type", "auto_project_type"},
	{"target_platforms", "auto_target_platforms"}, {"social_account_ids", "auto_social_account_ids"},
	{"voice_id", "auto_voice_id"},		      {"voice_provider", "auto_voice_provider"},
	{"music_track", "auto_music_track"},	      {"youtube_category_id", "youtube_category_id"},
};

int rec_site_automation(store_t *s, int64_t site, json_t *body, char *err, size_t errlen, const char **field)
{
	if (fld_check(body, automation_fields, 1, err, errlen, field))
		return VE_INVAL;
	json_t *tp = json_object_get(body, "target_platforms");
	if (tp && json_array_size(tp) == 0) {
		*field = "target_platforms";
		snprintf(err, errlen, "'target_platforms' needs at least one platform");
		return VE_INVAL;
	}
	char now[32];
	store_iso(store_now_ms(), now);
	int found = store_run(s, "UPDATE vidc_sites SET updated_at = ? WHERE id = ?", "tl", now, site);
	if (found < 0)
		return store_fail(s, err, errlen);
	if (!found) {
		snprintf(err, errlen, "no site %lld", (long long)site);
		return VE_NOTFOUND;
	}
	for (size_t i = 0; i < sizeof automation_cols / sizeof *automation_cols; i++) {
		json_t *v = json_object_get(body, automation_cols[i].key);
		if (!v)
			continue;
		char sql[160];
		/* the column name comes from the table above, never from the request */
		snprintf(sql, sizeof sql, "UPDATE vidc_sites SET %s = ? WHERE id = ?", automation_cols[i].col);
		int rc;
		if (json_is_boolean(v))
			rc = store_run(s, sql, "il", json_is_true(v), site);
		else if (json_is_string(v) || json_is_null(v))
			rc = store_run(s, sql, "tl", json_string_value(v), site);
		else {
			char *text = dump(v);
			rc = store_run(s, sql, "tl", text, site);
			free(text);
		}
		if (rc < 0)
			return store_fail(s, err, errlen);
	}
	return 0;
}

static const fld_spec site_fields[] = {
	{"name", FLD_STR, 1, NULL, 200, 0},
	{"external_id", FLD_STR, 0, NULL, 128, 1},
	{NULL, 0, 0, NULL, 0, 0}};

int rec_site_create(store_t *s, json_t *body, int64_t *id, char *err, size_t errlen, const char **field)
{
	if (fld_check(body, site_fields, 0, err, errlen, field))
		return VE_INVAL;
	json_t *rest = json_deep_copy(body);
	json_object_del(rest, "name");
	json_object_del(rest, "external_id");
	int rc = fld_check(rest, automation_fields, 1, err, errlen, field) ? VE_INVAL : 0;
	if (!rc && json_string_length(json_object_get(body, "name")) == 0) {
		*field = "name";
		snprintf(err, errlen, "'name' must not be empty");
		rc = VE_INVAL;
	}
	char now[32];
	store_iso(store_now_ms(), now);
	if (!rc && store_begin(s))
		rc = store_fail(s, err, errlen);
	if (!rc && store_int(s, id, "INSERT INTO vidc_sites (external_id, name, created_at, updated_at) VALUES (?, ?, ?, ?) "
				    "RETURNING id", "tttt", fld_str(body, "external_id", NULL),
			     fld_str(body, "name", ""), now, now) < 0) {
		rc = store_fail(s, err, errlen);
		if (rc == VE_CONFLICT) {
			*field = "external_id";
			snprintf(err, errlen, "a site with external_id '%s' exists", fld_str(body, "external_id", ""));
		}
		store_rollback(s);
	} else if (!rc && (rc = rec_site_automation(s, *id, rest, err, errlen, field))) {
		store_rollback(s);
	} else if (!rc && store_commit(s)) {
		rc = store_fail(s, err, errlen);
	}
	json_decref(rest);
	return rc;
}

json_t *rec_site_json(store_t *s, int64_t site)
{
	json_t *r = store_row(s, "SELECT id, external_id, name, created_at, updated_at, video_enabled, auto_project_type, "
				 "auto_target_platforms, auto_social_account_ids, auto_voice_id, auto_voice_provider, "
				 "auto_music_track, youtube_category_id FROM vidc_sites WHERE id = ?", "l", site);
	if (!r)
		return NULL;
	json_t *a = json_object();
	for (size_t i = 0; i < sizeof automation_cols / sizeof *automation_cols; i++) {
		json_t *v = json_object_get(r, automation_cols[i].col);
		if (!strcmp(automation_cols[i].key, "video_enabled"))
			v = json_boolean(json_integer_value(v));
		else
			json_incref(v);
		json_object_set_new(a, automation_cols[i].key, v);
		json_object_del(r, automation_cols[i].col);
	}
	json_object_set_new(r, "automation", a);
	return r;
}

/* ---- contents ----------------------------------------------------------------------------- */

void rec_files_dir(const char *media, int64_t site, char *buf, size_t n)
{
	snprintf(buf, n, "%s/site-%lld/files", media, (long long)site);
}

static const fld_spec content_fields[] = {
	{"title", FLD_STR, 1, NULL, 1000, 0},
	{"external_id", FLD_STR, 0, NULL, 128, 1},
	{"sector", FLD_STR, 0, NULL, 128, 1},
	{"status", FLD_STR, 0, fld_content_status, 0, 0},
	{NULL, 0, 0, NULL, 0, 0}};

/* The field an article reader's message is about ("'images[0].src' must be ..." -> images): the
 * first one named in quotes (a value quoted after it may hold another's name), else the first
 * named at all. */
static const char *article_field(const char *msg)
{
	static const char *const names[] = {"title",	 "content_html", "meta_description", "keywords",
					    "images",	 "language",	 "url",		     "canonical_url",
					    "link",	 "permalink",	 NULL};
	const char *best = NULL, *at = NULL;
	for (int i = 0; names[i]; i++) {
		char q[32];
		snprintf(q, sizeof q, "'%s", names[i]);
		const char *p = strstr(msg, q);
		if (p && (!at || p < at)) {
			at = p;
			best = names[i];
		}
	}
	for (int i = 0; !best && names[i]; i++)
		if (strstr(msg, names[i]))
			best = names[i];
	return best;
}

int rec_content_create(store_t *s, const char *media, int64_t site, json_t *body, int64_t *id, char *err,
		       size_t errlen, const char **field)
{
	if (fld_check(body, content_fields, 0, err, errlen, field))
		return VE_INVAL;
	json_t *record = json_deep_copy(body);
	json_object_del(record, "external_id");
	json_object_del(record, "sector");
	json_object_del(record, "status");
	char *text = dump(record);
	json_decref(record);
	char base[1200], msg[1024];
	rec_files_dir(media, site, base, sizeof base);
	article_t *a = text ? article_parse(text, strlen(text), "content", base, msg, sizeof msg) : NULL;
	if (!a) {
		*field = article_field(msg);
		snprintf(err, errlen, "%s", text ? msg : "out of memory");
		free(text);
		return VE_INVAL;
	}
	char now[32];
	store_iso(store_now_ms(), now);
	int rc = store_int(s, id, "INSERT INTO vidc_contents (site_id, external_id, sector, title, status, record, "
				  "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			   "lttttttt", site, fld_str(body, "external_id", NULL), fld_str(body, "sector", NULL), a->title,
			   fld_str(body, "status", "draft"), text, now, now);
	article_free(a);
	free(text);
	if (rc < 0) {
		rc = store_fail(s, err, errlen);
		if (rc == VE_CONFLICT) {
			*field = "external_id";
			snprintf(err, errlen, "the site has a content record with external_id '%s'",
				 fld_str(body, "external_id", ""));
		}
		return rc;
	}
	return 0;
}

json_t *rec_content_json(store_t *s, int64_t site, int64_t id)
{
	return store_row(s, "SELECT id, site_id, external_id, sector, title, status, record, created_at, updated_at "
			    "FROM vidc_contents WHERE id = ? AND site_id = ?", "ll", id, site);
}

/* ---- projects ----------------------------------------------------------------------------- */

static const fld_spec settings_fields[] = {
	{"voice_id", FLD_NAME, 0, NULL, 128, 1},
	{"voice_provider", FLD_STR, 0, fld_providers, 0, 0},
	{"music_track", FLD_STR, 0, NULL, 256, 1},
	{"transition_style", FLD_STR, 0, NULL, 64, 1},
	{NULL, 0, 0, NULL, 0, 0}};

static const fld_spec project_fields[] = {
	{"content_id", FLD_ID, 0, NULL, 0, 1},
	{"project_type", FLD_STR, 1, fld_project_types, 0, 0},
	{"target_platforms", FLD_STRS, 1, fld_platforms, FLD_MAX_PRESETS, 0},
	{"settings", FLD_OBJ, 0, NULL, 0, 1},
	{"external_id", FLD_STR, 0, NULL, 128, 1},
	{"sector", FLD_STR, 0, NULL, 128, 1},
	{NULL, 0, 0, NULL, 0, 0}};

/* Checks the project body; 0 or the error code. */
static int project_check(store_t *s, int64_t site, json_t *body, char *err, size_t errlen, const char **field)
{
	if (fld_check(body, project_fields, 1, err, errlen, field))
		return VE_INVAL;
	json_t *set = json_object_get(body, "settings");
	if (json_is_object(set) && fld_check(set, settings_fields, 1, err, errlen, field))
		return VE_INVAL;
	if (json_array_size(json_object_get(body, "target_platforms")) == 0) {
		*field = "target_platforms";
		snprintf(err, errlen, "'target_platforms' needs at least one platform");
		return VE_INVAL;
	}
	long long cid = fld_int(body, "content_id", 0);
	int64_t n = 0;
	if (cid && store_int(s, &n, "SELECT COUNT(*) FROM vidc_contents WHERE id = ? AND site_id = ?", "ll", (int64_t)cid,
			     site) < 0)
		return store_fail(s, err, errlen);
	if (cid && !n) {
		*field = "content_id";
		snprintf(err, errlen, "no content %lld", cid);
		return VE_NOTFOUND;
	}
	return 0;
}

int rec_project_create(store_t *s, int64_t site, json_t *body, int automated, int64_t *id, char *err,
		       size_t errlen, const char **field)
{
	int rc = project_check(s, site, body, err, errlen, field);
	if (rc)
		return rc;
	json_t *set = json_object_get(body, "settings");
	char *platforms = dump(json_object_get(body, "target_platforms"));
	char now[32];
	store_iso(store_now_ms(), now);
	rc = store_int(s, id, "INSERT INTO igny8_video_projects (site_id, sector, content_id, external_id, project_type, "
			      "target_platforms, status, voice_id, voice_provider, music_track, transition_style, automated, "
			      "created_at, updated_at) VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?) "
			      "RETURNING id",
		       "ltltttttttitt", site, fld_str(body, "sector", NULL), (int64_t)fld_int(body, "content_id", 0),
		       fld_str(body, "external_id", NULL), fld_str(body, "project_type", "short"), platforms,
		       fld_str(set, "voice_id", NULL), fld_str(set, "voice_provider", "espeak"),
		       fld_str(set, "music_track", NULL), fld_str(set, "transition_style", NULL), automated, now, now);
	free(platforms);
	return rc < 0 ? store_fail(s, err, errlen) : 0;
}

static const char *const settings_cols[] = {"voice_id", "voice_provider", "music_track", "transition_style", NULL};

/* Moves the settings columns of a project row into its "settings" object. */
static void fold_settings(json_t *p)
{
	json_t *set = json_object();
	for (int i = 0; settings_cols[i]; i++) {
		json_object_set(set, settings_cols[i], json_object_get(p, settings_cols[i]));
		json_object_del(p, settings_cols[i]);
	}
	json_object_set_new(p, "settings", set);
}

#define PROJECT_COLS                                                                                      \
	"id, site_id, sector, content_id, external_id, project_type, target_platforms, status, voice_id, "   \
	"voice_provider, music_track, transition_style, automated, error, created_at, updated_at"

json_t *rec_project_json(store_t *s, int64_t site, int64_t id, int detail)
{
	json_t *p = store_row(s, "SELECT " PROJECT_COLS " FROM igny8_video_projects WHERE id = ? AND site_id = ?", "ll", id,
			      site);
	if (!p)
		return NULL;
	fold_settings(p);
	json_object_set_new(p, "automated", json_boolean(json_integer_value(json_object_get(p, "automated"))));
	if (!detail)
		return p;
	json_t *sc = rec_script_json(s, id);
	json_object_set_new(p, "script", sc ? sc : json_null());
	json_t *a = rec_assets_json(s, id), *r = rec_renders_json(s, id);
	json_object_set_new(p, "assets", a ? a : json_array());
	json_object_set_new(p, "renders", r ? r : json_array());
	json_t *jobs = store_rows(s, "SELECT id, kind, status, progress, attempts, error, rendered_video_id, created_at, "
				     "started_at, finished_at FROM vidc_jobs WHERE project_id = ? ORDER BY id", "l", id);
	json_object_set_new(p, "jobs", jobs ? jobs : json_array());
	return p;
}

json_t *rec_projects_page(store_t *s, int64_t site, const char *status, const char *type, int64_t limit,
			  int64_t offset, int64_t *count)
{
	/* the filters are fixed clauses; only their values are bound */
	char where[128] = "site_id = ?", types[8] = "l", sql[1024];
	const char *args[2] = {NULL, NULL};
	int na = 0;
	if (status)
		strcat(where, " AND status = ?"), strcat(types, "t"), args[na++] = status;
	if (type)
		strcat(where, " AND project_type = ?"), strcat(types, "t"), args[na++] = type;
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM igny8_video_projects WHERE %s", where);
	if (store_int(s, count, sql, types, site, args[0], args[1]) < 0)
		return NULL;
	snprintf(sql, sizeof sql, "SELECT " PROJECT_COLS " FROM igny8_video_projects WHERE %s ORDER BY id DESC "
				  "LIMIT ? OFFSET ?", where);
	strcat(types, "ll");
	json_t *rows = na == 0	 ? store_rows(s, sql, types, site, limit, offset)
		       : na == 1 ? store_rows(s, sql, types, site, args[0], limit, offset)
				 : store_rows(s, sql, types, site, args[0], args[1], limit, offset);
	size_t i;
	json_t *p;
	json_array_foreach(rows, i, p) {
		fold_settings(p);
		json_object_set_new(p, "automated", json_boolean(json_integer_value(json_object_get(p, "automated"))));
	}
	return rows;
}

int rec_project_status(store_t *s, int64_t project, const char *status, const char *error)
{
	char now[32];
	store_iso(store_now_ms(), now);
	return store_run(s, "UPDATE igny8_video_projects SET status = ?, error = ?, updated_at = ? WHERE id = ?", "tttl",
			 status, error, now, project) < 0 ? VE_IO : 0;
}

int rec_project_dir(const char *media, int64_t site, int64_t project, char *buf, size_t n)
{
	if (snprintf(buf, n, "%s/site-%lld/project-%lld", media, (long long)site, (long long)project) >= (int)n)
		return VE_INVAL;
	return file_mkdirs(buf, 0777) ? VE_INVAL : 0;
}

/* ---- scripts ------------------------------------------------------------------------------ */

static json_t *schema;
static char schema_err[512];
static pthread_once_t schema_once = PTHREAD_ONCE_INIT;

static void schema_load(void)
{
	schema = script_schema_load(NULL, schema_err, sizeof schema_err);
}

/* The whole narration as the voice speaks it: hook, intro, the points, cta. */
static char *narration(json_t *sc)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	const char *sep = "";
	const char *parts[] = {"hook", "intro"};
	for (int i = 0; i < 2; i++)
		if (fld_str(sc, parts[i], "")[0])
			fprintf(f, "%s%s", sep, fld_str(sc, parts[i], "")), sep = "\n\n";
	size_t i;
	json_t *pt;
	json_array_foreach(json_object_get(sc, "points"), i, pt) fprintf(f, "%s%s", sep, fld_str(pt, "text", "")), sep = "\n\n";
	if (fld_str(sc, "cta", "")[0])
		fprintf(f, "%s%s", sep, fld_str(sc, "cta", ""));
	fclose(f);
	return out;
}

/* sections = intro + points, each named as the voice's timing file names them. */
static json_t *sections(json_t *sc)
{
	json_t *a = json_array();
	json_array_append_new(a, json_pack("{s:s, s:s}", "name", "intro", "text", fld_str(sc, "intro", "")));
	size_t i;
	json_t *pt;
	json_array_foreach(json_object_get(sc, "points"), i, pt) {
		json_t *o = json_deep_copy(pt);
		char name[32];
		snprintf(name, sizeof name, "point%zu", i + 1);
		json_object_set_new(o, "name", json_string(name));
		json_array_append_new(a, o);
	}
	return a;
}

/* Inserts or bumps the project's script row. */
static int script_upsert(store_t *s, int64_t project, json_t *sc, const char *text, const char *secs, const char *chapters,
			 const char *seo)
{
	char now[32];
	store_iso(store_now_ms(), now);
	const char *lang = fld_str(sc, "language", NULL);
	double total = json_number_value(json_object_get(sc, "total_estimated_duration"));
	/* one statement: two saves of one project at once both land (the second bumps the version)
	 * where an UPDATE then an INSERT would have one refused by the unique project_id */
	int rc = store_run(s, "INSERT INTO igny8_video_scripts (project_id, language, script_text, sections, hook, cta, "
			      "chapter_markers, total_estimated_duration, seo_metadata, version, created_at, updated_at) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT (project_id) DO UPDATE SET "
			      "language = excluded.language, script_text = excluded.script_text, sections = excluded.sections, "
			      "hook = excluded.hook, cta = excluded.cta, chapter_markers = excluded.chapter_markers, "
			      "total_estimated_duration = excluded.total_estimated_duration, seo_metadata = "
			      "excluded.seo_metadata, version = igny8_video_scripts.version + 1, updated_at = excluded.updated_at",
			   "lttttttdttt", project, lang, text, secs, fld_str(sc, "hook", ""), fld_str(sc, "cta", ""), chapters,
			   total, seo, now, now);
	return rc < 0 ? rc : 0;
}

int rec_script_save(store_t *s, int64_t project, json_t *sc, char *err, size_t errlen, const char **field)
{
	pthread_once(&schema_once, schema_load);
	if (!schema) {
		snprintf(err, errlen, "%s", schema_err);
		return VE_IO;
	}
	char verr[800];
	if (script_validate(schema, sc, verr, sizeof verr)) {
		/* "$.points[2].text: ..." names the field by its JSON path */
		static __thread char path[128];
		snprintf(path, sizeof path, "%.*s", (int)strcspn(verr, ": "), verr);
		*field = path[0] == '$' ? path : NULL;
		snprintf(err, errlen, "the script is invalid: %s", verr);
		return VE_INVAL;
	}
	char *text = narration(sc);
	json_t *secs = sections(sc);
	char *stext = dump(secs), *chapters = dump(json_object_get(sc, "chapter_markers"));
	json_t *seo = json_object_get(sc, "seo");
	char *seotext = dump(seo ? seo : json_object());
	int rc = text && stext && chapters && seotext ? script_upsert(s, project, sc, text, stext, chapters, seotext) : VE_NOMEM;
	if (rc)
		snprintf(err, errlen, "cannot store the script: %s", rc == VE_NOMEM ? "out of memory" : store_errmsg(s));
	free(text);
	free(stext);
	free(chapters);
	free(seotext);
	json_decref(secs);
	return rc ? VE_IO : 0;
}

json_t *rec_script_json(store_t *s, int64_t project)
{
	return store_row(s, "SELECT id, project_id, language, script_text, sections, hook, cta, chapter_markers, "
			    "total_estimated_duration, seo_metadata, version, created_at, updated_at FROM igny8_video_scripts "
			    "WHERE project_id = ?", "l", project);
}

json_t *rec_script_spec(json_t *r)
{
	json_t *sc = json_object();
	if (json_is_string(json_object_get(r, "language")))
		json_object_set(sc, "language", json_object_get(r, "language"));
	json_object_set(sc, "hook", json_object_get(r, "hook"));
	json_t *points = json_array();
	size_t i;
	json_t *sec;
	json_array_foreach(json_object_get(r, "sections"), i, sec) {
		if (!strcmp(fld_str(sec, "name", ""), "intro")) {
			json_object_set(sc, "intro", json_object_get(sec, "text"));
			continue;
		}
		json_t *pt = json_deep_copy(sec);
		json_object_del(pt, "name");
		json_array_append_new(points, pt);
	}
	json_object_set_new(sc, "points", points);
	json_object_set(sc, "cta", json_object_get(r, "cta"));
	json_object_set(sc, "chapter_markers", json_object_get(r, "chapter_markers"));
	json_object_set(sc, "total_estimated_duration", json_object_get(r, "total_estimated_duration"));
	json_object_set(sc, "seo", json_object_get(r, "seo_metadata"));
	return sc;
}

/* ---- assets and renders ------------------------------------------------------------------- */

static const fld_spec asset_fields[] = {
	{"asset_type", FLD_STR, 1, fld_asset_types, 0, 0},
	{"source", FLD_STR, 1, fld_asset_sources, 0, 0},
	{"file_path", FLD_STR, 0, NULL, 1024, 1},
	{"url", FLD_STR, 0, NULL, 2048, 1},
	{"duration", FLD_NUM, 0, NULL, 0, 1},
	{"section_index", FLD_INT, 0, NULL, 0, 1},
	{"order", FLD_INT, 0, NULL, 0, 1},
	{"credit", FLD_STR, 0, NULL, 512, 1},
	{"licence", FLD_STR, 0, NULL, 256, 1},
	{"original_url", FLD_STR, 0, NULL, 2048, 1},
	{NULL, 0, 0, NULL, 0, 0}};

int rec_asset_add(store_t *s, int64_t project, json_t *b, int64_t *id, char *err, size_t errlen, const char **field)
{
	if (fld_check(b, asset_fields, 1, err, errlen, field))
		return VE_INVAL;
	const char *fp = fld_str(b, "file_path", NULL);
	if (fp && (fp[0] == '/' || strstr(fp, "..") || !fp[0])) {
		*field = "file_path";
		snprintf(err, errlen, "'file_path' is a path inside the site's files folder: relative, without '..'");
		return VE_INVAL;
	}
	if (!fp && !fld_str(b, "url", NULL)) {
		*field = "file_path";
		snprintf(err, errlen, "an asset needs 'file_path' or 'url'");
		return VE_INVAL;
	}
	json_t *d = json_object_get(b, "duration"), *si = json_object_get(b, "section_index");
	char now[32];
	store_iso(store_now_ms(), now);
	int rc = store_int(s, id, "INSERT INTO igny8_video_assets (project_id, asset_type, source, file_path, url, duration, "
				  "section_index, \"order\", credit, licence, original_url, created_at) VALUES (?, ?, ?, ?, ?, "
				  "CASE WHEN ? = 1 THEN ? ELSE NULL END, CASE WHEN ? = 1 THEN ? ELSE NULL END, ?, ?, ?, ?, ?) "
				  "RETURNING id",
			   "lttttidiiitttt", project, fld_str(b, "asset_type", ""), fld_str(b, "source", ""), fp,
			   fld_str(b, "url", NULL), json_is_number(d), json_number_value(d), json_is_integer(si),
			   (int)json_integer_value(si), (int)fld_int(b, "order", 0), fld_str(b, "credit", NULL),
			   fld_str(b, "licence", NULL), fld_str(b, "original_url", NULL), now);
	return rc < 0 ? store_fail(s, err, errlen) : 0;
}

json_t *rec_assets_json(store_t *s, int64_t project)
{
	return store_rows(s, "SELECT id, project_id, asset_type, source, file_path, url, duration, section_index, "
			     "\"order\", credit, licence, original_url, created_at FROM igny8_video_assets WHERE project_id = ? "
			     "ORDER BY \"order\", id", "l", project);
}

#define RENDER_COLS                                                                                       \
	"r.id, r.project_id, r.preset, r.resolution, r.duration, r.file_size, r.file_path, r.subtitle_path, "  \
	"r.thumbnail_path, r.render_started_at, r.render_completed_at, r.status, r.percent, r.frames_done, "  \
	"r.frames_total, r.eta_seconds, r.error, r.created_at, r.updated_at"

json_t *rec_render_json(store_t *s, int64_t site, int64_t id)
{
	return store_row(s, "SELECT " RENDER_COLS " FROM igny8_rendered_videos r JOIN igny8_video_projects p ON "
			    "p.id = r.project_id WHERE r.id = ? AND p.site_id = ?", "ll", id, site);
}

json_t *rec_renders_json(store_t *s, int64_t project)
{
	return store_rows(s, "SELECT " RENDER_COLS " FROM igny8_rendered_videos r WHERE r.project_id = ? ORDER BY r.id", "l",
			  project);
}

int rec_script_sections(json_t *record)
{
	json_t *spec = record ? rec_script_spec(record) : NULL;
	int n = assets_count_sections(spec);
	json_decref(spec);
	return n;
}

/* Non-space code points of text: a word no voice says as one (a run of 2,000 letters) is spoken
 * letter by letter or as syllables, and the word count would call it one word. */
static double letters(const char *text)
{
	double n = 0;
	for (const char *p = text ? text : ""; *p;) {
		uint32_t cp;
		int l = utf8_decode(p, strlen(p), &cp);
		n += cp > ' ' || !l;
		p += l ? l : 1;
	}
	return n;
}

double rec_script_seconds(json_t *record)
{
	json_t *spec = record ? rec_script_spec(record) : NULL;
	if (!spec)
		return 0;
	double claim = json_number_value(json_object_get(spec, "total_estimated_duration")), points = 0, chars = 0;
	const char *parts[] = {"hook", "intro", "cta"};
	for (int i = 0; i < 3; i++)
		chars += letters(fld_str(spec, parts[i], ""));
	size_t i;
	json_t *pt;
	json_array_foreach(json_object_get(spec, "points"), i, pt) {
		points += json_number_value(json_object_get(pt, "duration_est"));
		chars += letters(fld_str(pt, "text", ""));
	}
	double t = script_spoken_s(spec, REC_HOLD_WPM);
	json_decref(spec);
	if (t < chars / REC_HOLD_CPS)
		t = chars / REC_HOLD_CPS;
	if (t < points)
		t = points;
	if (t < claim)
		t = claim;
	/* NaN or a stored figure past the schema's: never past the clamp (the prices are ints) */
	return t >= 0 && t <= REC_HOLD_MAX_S ? t : REC_HOLD_MAX_S;
}
