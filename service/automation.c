/*
 * automation.c - stage 9: the automatic chain (automation.h).
 */
#include <stdio.h>
#include <string.h>

#include "../base/err.h"
#include "automation.h"
#include "credits.h"
#include "fields.h"
#include "records.h"

int (*auto_has_kind)(const char *kind);

/* Enqueues a chained job holding its estimate. */
static int chained(store_t *s, const svc_config *cfg, const char *kind, int64_t site, int64_t project, int64_t rendered,
		   json_t *payload, const credits_item *holds, int nholds, char *err, size_t errlen)
{
	int64_t job = 0;
	int rc = jobs_enqueue(s, kind, site, project, rendered, payload, 1, cfg->job_attempts, &job, err, errlen);
	for (int i = 0; !rc && i < nholds; i++)
		rc = credits_hold(s, site, project, job, holds[i].op, holds[i].amount, err, errlen);
	return rc;
}

/* Makes the project from the site's settings and enqueues its first step, in a transaction. */
static int start_project(store_t *s, const svc_config *cfg, int64_t site, json_t *st, json_t *c, const char *key,
			 int64_t *project, char *err, size_t errlen)
{
	const char *type = fld_str(st, "auto_project_type", "short");
	json_t *plat = json_object_get(st, "auto_target_platforms");
	const char *prov = fld_str(st, "auto_voice_provider", "espeak");
	credits_item items[8];
	int n;
	int need = credits_chain(&cfg->credits, type, (int)json_array_size(plat), prov, 0, cfg->visuals, items, &n);
	int64_t bal = 0;
	if (credits_balance(s, site, &bal)) {
		snprintf(err, errlen, "%s", store_errmsg(s));
		return VE_IO;
	}
	if (bal < need) {
		snprintf(err, errlen, "the site's credits cannot pay for the video: the chain needs about %d, the balance "
				      "is %lld", need, (long long)bal);
		return VE_QUOTA;
	}
	json_t *body = json_pack("{s:O, s:s, s:O, s:{s:O, s:s, s:O}}", "content_id", json_object_get(c, "id"),
				 "project_type", type, "target_platforms", plat, "settings", "voice_id",
				 json_object_get(st, "auto_voice_id"), "voice_provider", prov, "music_track",
				 json_object_get(st, "auto_music_track"));
	if (json_is_string(json_object_get(c, "external_id")))
		json_object_set(body, "external_id", json_object_get(c, "external_id"));
	if (json_is_string(json_object_get(c, "sector")))
		json_object_set(body, "sector", json_object_get(c, "sector"));
	const char *field;
	int rc = store_begin(s) ? VE_IO : 0;
	if (!rc)
		rc = rec_project_create(s, site, body, 1, project, err, errlen, &field);
	credits_item holds[2] = {items[0], items[1]}; /* the script's step: script + SEO */
	json_t *payload = json_pack("{s:s}", "generator", "extract");
	if (key && *key) /* in the project's own transaction: no project without its key (celery.h) */
		json_object_set_new(payload, "stage9_key", json_string(key));
	if (!rc)
		rc = chained(s, cfg, "script", site, *project, 0, payload, holds, 2, err, errlen);
	if (!rc)
		rc = rec_project_status(s, *project, "scripting", NULL);
	if (!rc && store_commit(s))
		rc = VE_IO;
	if (rc) {
		if (rc == -2)
			snprintf(err, errlen, "%s", store_errmsg(s));
		store_rollback(s);
		*project = 0;
	}
	json_decref(payload);
	json_decref(body);
	return rc;
}

int auto_start(store_t *s, const svc_config *cfg, int64_t site, int64_t content, int64_t *project, char *err,
	       size_t errlen)
{
	return auto_start_keyed(s, cfg, site, content, NULL, project, err, errlen);
}

int auto_start_keyed(store_t *s, const svc_config *cfg, int64_t site, int64_t content, const char *key,
		     int64_t *project, char *err, size_t errlen)
{
	*project = 0;
	json_t *st = store_row(s, "SELECT video_enabled, auto_project_type, auto_target_platforms, auto_voice_id, "
				  "auto_voice_provider, auto_music_track FROM vidc_sites WHERE id = ?", "l", site);
	json_t *c = store_row(s, "SELECT id, external_id, sector FROM vidc_contents WHERE id = ? AND site_id = ?", "ll",
			      content, site);
	int rc = 0;
	if (!c) {
		snprintf(err, errlen, "no content %lld", (long long)content);
		rc = VE_NOTFOUND;
	} else if (st && json_integer_value(json_object_get(st, "video_enabled"))) {
		rc = start_project(s, cfg, site, st, c, key, project, err, errlen);
	}
	/* else video is off for the site: publishing the article does nothing more */
	json_decref(st);
	json_decref(c);
	return rc;
}

/* After the assets: one render per target platform. */
static int next_renders(store_t *s, const svc_config *cfg, const job_t *j, char *err, size_t errlen)
{
	json_t *p = store_row(s, "SELECT target_platforms FROM igny8_video_projects WHERE id = ?", "l", j->project_id);
	json_t *plat = json_object_get(p, "target_platforms");
	size_t i;
	json_t *pv;
	int rc = 0;
	char now[32];
	store_iso(store_now_ms(), now);
	json_array_foreach(plat, i, pv) {
		int64_t rid = 0;
		if (store_int(s, &rid, "INSERT INTO igny8_rendered_videos (project_id, preset, status, created_at, updated_at) "
				       "VALUES (?, ?, 'queued', ?, ?) RETURNING id", "ltt" "t", j->project_id,
			      json_string_value(pv), now, now) < 0) {
			snprintf(err, errlen, "%s", store_errmsg(s));
			rc = VE_IO;
			break;
		}
		credits_item holds[2] = {{"video_composition", cfg->credits.composition},
					 {"video_thumbnail", cfg->credits.thumbnail}};
		json_t *payload = json_pack("{s:s}", "preset", json_string_value(pv));
		rc = chained(s, cfg, "render", j->site_id, j->project_id, rid, payload, holds, 2, err, errlen);
		json_decref(payload);
		if (rc)
			break;
	}
	json_decref(p);
	return rc ? rc : rec_project_status(s, j->project_id, "rendering", NULL);
}

/* After a render: when every render of the project is done, publish (or stop at review). */
static int next_publish(store_t *s, const svc_config *cfg, const job_t *j, char *err, size_t errlen)
{
	int64_t open = 0;
	store_int(s, &open, "SELECT COUNT(*) FROM igny8_rendered_videos WHERE project_id = ? AND status <> 'completed'", "l",
		  j->project_id);
	if (open)
		return 0;
	json_t *st = store_row(s, "SELECT auto_social_account_ids FROM vidc_sites WHERE id = ?", "l", j->site_id);
	json_t *acc = json_object_get(st, "auto_social_account_ids");
	int rc = 0, queued = 0;
	if (json_array_size(acc) && auto_has_kind && auto_has_kind("publish")) {
		json_t *renders = store_rows(s, "SELECT id, preset FROM igny8_rendered_videos WHERE project_id = ?", "l",
					     j->project_id);
		size_t i, k;
		json_t *rv, *a;
		json_array_foreach(renders, i, rv) json_array_foreach(acc, k, a) if (!rc) {
			/* each render goes to the accounts of the platform its preset is made for */
			int64_t match = 0;
			store_int(s, &match, "SELECT COUNT(*) FROM vidc_social_accounts WHERE id = ? AND site_id = ? AND "
					     "platform = ?", "llt", json_integer_value(a), j->site_id,
				  fld_preset_platform(fld_str(rv, "preset", "")));
			if (!match)
				continue;
			json_t *payload = json_pack("{s:O}", "social_account_id", a);
			rc = chained(s, cfg, "publish", j->site_id, j->project_id,
				     json_integer_value(json_object_get(rv, "id")), payload, NULL, 0, err, errlen);
			json_decref(payload);
			queued++;
		}
		json_decref(renders);
	}
	json_decref(st);
	if (!rc && !queued)
		rc = rec_project_status(s, j->project_id, "review", NULL);
	return rc;
}

int auto_next(store_t *s, const svc_config *cfg, const job_t *j, char *err, size_t errlen)
{
	json_t *p = store_row(s, "SELECT voice_provider FROM igny8_video_projects WHERE id = ?", "l", j->project_id);
	const char *prov = fld_str(p, "voice_provider", "espeak");
	int rc = 0;
	if (!strcmp(j->kind, "script")) {
		json_t *sc = rec_script_json(s, j->project_id);
		double secs = rec_script_seconds(sc); /* the server's estimate, not the client's claim */
		credits_item h = {credits_tts_op(prov), credits_tts(&cfg->credits, prov, secs)};
		rc = chained(s, cfg, "voice", j->site_id, j->project_id, 0, NULL, &h, 1, err, errlen);
		json_decref(sc);
	} else if (!strcmp(j->kind, "voice")) {
		json_t *sc = rec_script_json(s, j->project_id);
		double secs = rec_script_seconds(sc); /* the server's estimate, not the client's claim */
		credits_item h = {"video_visual_generation",
				  credits_visuals_hold(&cfg->credits, cfg->visuals, rec_script_sections(sc), secs)};
		json_decref(sc);
		rc = chained(s, cfg, "assets", j->site_id, j->project_id, 0, NULL, &h, 1, err, errlen);
	} else if (!strcmp(j->kind, "assets")) {
		rc = next_renders(s, cfg, j, err, errlen);
	} else if (!strcmp(j->kind, "render")) {
		rc = next_publish(s, cfg, j, err, errlen);
	}
	json_decref(p);
	return rc;
}
