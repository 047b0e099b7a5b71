/*
 * publish_meta.c - the publish request and the VideoObject JSON-LD from the records
 * (publish_meta.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../base/platform.h"
#include "../base/utf8.h"
#include "../compiler/compile.h"
#include "../pipeline/publish_jsonld.h"
#include "fields.h"
#include "publish_meta.h"
#include "records.h"

/* Where a site's caption carries the hashtags after the description (Instagram, TikTok: the
 * platform file's hashtags rule), the description leaves them this many of its characters. */
#define HASHTAG_ROOM 300

/* The description's limit on site: the platform file's description.max_chars (0: none), less
 * the hashtags' room where they share it. */
static size_t description_room(const platform_site *site)
{
	size_t max = site->description_max > 0 ? (size_t)site->description_max : (size_t)-1;
	if (site->hashtags_max > 0 && max != (size_t)-1 && max > 2 * HASHTAG_ROOM)
		max -= HASHTAG_ROOM;
	return max;
}

static int fail(char *err, size_t errlen, int code, const char *fmt, long long arg)
{
	snprintf(err, errlen, fmt, arg);
	return code;
}

/* The SEO entry of the script for platform (see publish_meta.h), a new reference or NULL. */
static json_t *pick_seo(json_t *all, const platform_table *t, const char *preset, const char *platform)
{
	const char *cand[FLD_MAX_PRESETS + 2];
	int n = 0;
	const platform_preset *as = platform_upload_preset(t, platform, preset);
	if (as)
		cand[n++] = as->name; /* the preset the render is posted as */
	for (int i = 0; i < platform_npresets(t) && n < FLD_MAX_PRESETS; i++)
		if (!strcmp(platform_preset_at(t, i)->site, platform))
			cand[n++] = platform_preset_at(t, i)->name;
	cand[n++] = preset;
	for (int i = 0; i < n; i++)
		if (json_is_object(json_object_get(all, cand[i])))
			return json_incref(json_object_get(all, cand[i]));
	const char *k;
	json_t *v;
	json_object_foreach(all, k, v) if (json_is_object(v)) return json_incref(v);
	return NULL;
}

/* The description with the credits of the project's visuals after it, as many lines as fit in
 * max bytes. Caller frees. */
static char *describe(store_t *s, int64_t project, const char *desc, size_t max)
{
	buf_t b = BUF_INIT;
	buf_puts(&b, desc);
	json_t *rows = store_rows(s, "SELECT credit, licence, original_url FROM igny8_video_assets WHERE project_id = ? AND "
				     "credit IS NOT NULL AND credit <> '' ORDER BY \"order\", id", "l", project);
	size_t i, words = b.len; /* past words: a credit line is written */
	json_t *r;
	json_array_foreach(rows, i, r) {
		char line[1200];
		const char *lic = fld_str(r, "licence", NULL), *url = fld_str(r, "original_url", NULL);
		const char *head = b.len > words ? "\n" : words ? "\n\nCredits:\n" : "Credits:\n";
		int n = snprintf(line, sizeof line, "%s- %s%s%s%s%s%s", head, fld_str(r, "credit", ""), lic ? " (" : "",
				 lic ? lic : "", lic ? ")" : "", url ? " " : "", url ? url : "");
		if (n < 0 || (size_t)n >= sizeof line || b.len + (size_t)n > max)
			break; /* the credits that do not fit are left out, never the words */
		buf_puts(&b, line);
	}
	json_decref(rows);
	return buf_detach(&b, NULL);
}

/* The title: the SEO entry's, else the article's, else the script's hook; at most 100
 * characters (YouTube's limit; the others allow more). Caller frees. */
static char *entitle(json_t *seo, json_t *render, json_t *script)
{
	const char *t = fld_str(seo, "title", NULL);
	if (!t || !*t)
		t = fld_str(render, "content_title", NULL);
	if (!t || !*t)
		t = fld_str(script, "hook", "Video");
	size_t n = utf8_prefix(t, 100);
	char *out = malloc(n + 1);
	if (out) {
		memcpy(out, t, n);
		out[n] = 0;
	}
	return out;
}

static int fill_tags(pmeta_t *m)
{
	json_t *tags = json_object_get(m->seo, "tags");
	size_t n = json_array_size(tags), k = 0;
	m->tags = calloc(n + 1, sizeof *m->tags);
	if (!m->tags)
		return VE_NOMEM;
	for (size_t i = 0; i < n; i++)
		if (json_is_string(json_array_get(tags, i)))
			m->tags[k++] = json_string_value(json_array_get(tags, i));
	return 0;
}

static json_t *render_row(store_t *s, int64_t rendered)
{
	return store_row(s, "SELECT r.status, r.preset, r.duration, r.file_path, r.subtitle_path, r.thumbnail_path, "
			    "p.id AS project_id, p.site_id, c.title AS content_title, st.youtube_category_id FROM "
			    "igny8_rendered_videos r JOIN igny8_video_projects p ON p.id = r.project_id JOIN vidc_sites st "
			    "ON st.id = p.site_id LEFT JOIN vidc_contents c ON c.id = p.content_id WHERE r.id = ?", "l",
			 rendered);
}

/* The platform file's rules for the post (platform_upload_preset: a render made for another
 * platform is checked as the site's preset of its orientation) and the site's publishing rules,
 * read now so an edited file applies to the next publish without a rebuild. */
static int upload_rules(pmeta_t *m, const char *platform, char *err, size_t errlen)
{
	vidc_err e = {0};
	if (platform_load(compile_stdlib_dir(NULL), &m->table, &e)) {
		snprintf(err, errlen, "publish: %s", e.msg);
		return e.code;
	}
	const platform_preset *p = platform_upload_preset(m->table, platform, m->preset);
	if (!p || !(m->rq.site = platform_site_find(m->table, platform))) {
		snprintf(err, errlen, "publish: %s has no %s for '%s'", platform_path(m->table),
			 p ? "site" : "preset", platform);
		return VE_INVAL;
	}
	pprobe_rules(m->table, p, &m->rules);
	m->rq.rules = &m->rules;
	return 0;
}

int pmeta_build(store_t *s, int64_t rendered, const char *platform, json_t *opts, pmeta_t *m, char *err,
		size_t errlen)
{
	memset(m, 0, sizeof *m);
	json_t *r = render_row(s, rendered);
	if (!r)
		return fail(err, errlen, VE_NOTFOUND, "no rendered video %lld", (long long)rendered);
	int rc = 0;
	if (strcmp(fld_str(r, "status", ""), "completed") || !fld_str(r, "file_path", NULL))
		rc = fail(err, errlen, VE_CONFLICT, "rendered video %lld is not completed", (long long)rendered);
	m->project = fld_int(r, "project_id", 0);
	m->site = fld_int(r, "site_id", 0);
	snprintf(m->preset, sizeof m->preset, "%s", fld_str(r, "preset", ""));
	json_t *script = rc ? NULL : rec_script_json(s, m->project);
	if (!rc && !script)
		rc = fail(err, errlen, VE_CONFLICT, "the project of rendered video %lld has no script", (long long)rendered);
	if (!rc)
		rc = upload_rules(m, platform, err, errlen);
	if (!rc) {
		m->seo = pick_seo(json_object_get(script, "seo_metadata"), m->table, m->preset, platform);
		m->title = entitle(m->seo, r, script);
		m->description = describe(s, m->project, fld_str(m->seo, "description", ""),
					  description_room(m->rq.site));
		if (!m->title || !m->description || fill_tags(m))
			rc = fail(err, errlen, VE_NOMEM, "out of memory publishing rendered video %lld", (long long)rendered);
	}
	if (!rc) {
		snprintf(m->video, sizeof m->video, "%s", fld_str(r, "file_path", ""));
		snprintf(m->thumb, sizeof m->thumb, "%s", fld_str(r, "thumbnail_path", ""));
		snprintf(m->srt, sizeof m->srt, "%s", fld_str(r, "subtitle_path", ""));
		snprintf(m->lang, sizeof m->lang, "%s", fld_str(script, "language", "en"));
		snprintf(m->category, sizeof m->category, "%s", fld_str(r, "youtube_category_id", ""));
		publish_request *q = &m->rq;
		q->platform = platform;
		q->video_path = m->video;
		q->thumb_path = m->thumb[0] ? m->thumb : NULL;
		q->captions_path = m->srt[0] ? m->srt : NULL;
		q->captions_lang = m->lang;
		q->language = m->lang;
		q->title = m->title;
		q->description = m->description;
		q->tags = m->tags;
		q->category_id = m->category[0] ? m->category : NULL;
		q->privacy = fld_str(opts, "privacy", NULL);
		q->publish_at = fld_str(opts, "publish_at", NULL);
		q->synthetic = 1; /* the narration is always generated speech */
		q->duration_s = json_number_value(json_object_get(r, "duration"));
	}
	json_decref(script);
	json_decref(r);
	return rc;
}

void pmeta_free(pmeta_t *m)
{
	free(m->title);
	free(m->description);
	free(m->tags);
	json_decref(m->seo);
	platform_free(m->table);
	memset(m, 0, sizeof *m);
}

/* ---- JSON-LD ------------------------------------------------------------------------------ */

/* The public URL of a file under the media folder, or "" when none is configured. */
static void public_url(const svc_config *cfg, const char *path, char *out, size_t n)
{
	size_t ml = strlen(cfg->media), ul = strlen(cfg->public_media_url);
	out[0] = 0;
	if (!ul || !path || strncmp(path, cfg->media, ml) || path[ml] != '/')
		return;
	while (ul && cfg->public_media_url[ul - 1] == '/')
		ul--;
	snprintf(out, n, "%.*s/%s", (int)ul, cfg->public_media_url, path + ml + 1);
}

/* The script's chapters inside the video's length: each ends where the next begins. */
static size_t chapters_within(json_t *script, double duration, jsonld_chapter *ch, size_t max)
{
	json_t *cm = json_object_get(script, "chapter_markers");
	size_t n = 0;
	for (size_t i = 0; i < json_array_size(cm) && n < max; i++) {
		json_t *c = json_array_get(cm, i), *next = json_array_get(cm, i + 1);
		double t = json_number_value(json_object_get(c, "time"));
		double end = next ? json_number_value(json_object_get(next, "time")) : duration;
		if (t >= duration || end <= t)
			break;
		ch[n++] = (jsonld_chapter){fld_str(c, "title", ""), t, end < duration ? end : duration};
	}
	return n;
}

int pmeta_jsonld(store_t *s, const svc_config *cfg, int64_t site, int64_t published, char **text, char *err,
		 size_t errlen)
{
	*text = NULL;
	json_t *v = store_row(s, "SELECT v.platform, v.platform_video_id, v.url, v.status, v.title, v.description, "
				 "v.published_at, r.duration, r.file_path, r.thumbnail_path, p.id AS project_id FROM "
				 "igny8_published_videos v JOIN igny8_rendered_videos r ON r.id = v.rendered_video_id JOIN "
				 "igny8_video_projects p ON p.id = r.project_id WHERE v.id = ? AND (? = 0 OR p.site_id = ?)",
			      "lll", published, site, site);
	if (!v)
		return fail(err, errlen, VE_NOTFOUND, "no published video %lld", (long long)published);
	const char *platform = fld_str(v, "platform", ""), *id = fld_str(v, "platform_video_id", NULL);
	char thumb[1600], content[1600], embed[1024] = "";
	int rc = 0;
	if (strcmp(fld_str(v, "status", ""), "published") || !id || !*id)
		rc = fail(err, errlen, VE_CONFLICT, "published video %lld has no public post (it is not published, or "
						    "the platform gave no public id)", (long long)published);
	public_url(cfg, fld_str(v, "thumbnail_path", NULL), thumb, sizeof thumb);
	public_url(cfg, fld_str(v, "file_path", NULL), content, sizeof content);
	if (!rc && !thumb[0] && !strcmp(platform, "youtube"))
		snprintf(thumb, sizeof thumb, "https://i.ytimg.com/vi/%s/hqdefault.jpg", id);
	if (!rc && !thumb[0])
		rc = fail(err, errlen, VE_CONFLICT, "published video %lld: its thumbnail has no public URL (set "
						    "public_media_url in the configuration)", (long long)published);
	vidc_err e = {0};
	if (!rc && jsonld_embed_url(platform, id, fld_str(v, "url", NULL), embed, sizeof embed, &e))
		embed[0] = 0; /* no player for it: contentUrl alone */
	json_t *script = rc ? NULL : rec_script_json(s, fld_int(v, "project_id", 0));
	jsonld_chapter ch[64];
	double dur = json_number_value(json_object_get(v, "duration"));
	jsonld_video jv = {fld_str(v, "title", NULL), fld_str(v, "description", NULL), thumb,
			   fld_str(v, "published_at", NULL), dur, content[0] ? content : NULL,
			   embed[0] ? embed : NULL, fld_str(v, "url", NULL), ch, chapters_within(script, dur, ch, 64)};
	if (!rc && jv.description && !*jv.description)
		jv.description = NULL; /* the title stands in */
	if (!rc && !(*text = jsonld_video_object(&jv, &e))) {
		snprintf(err, errlen, "published video %lld: %s", (long long)published, e.msg);
		rc = e.code ? e.code : VE_INVAL;
	}
	json_decref(script);
	json_decref(v);
	return rc;
}
