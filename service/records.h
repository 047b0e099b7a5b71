/*
 * records.h - the service's records over the store: sites and their automation settings,
 * content records, projects, scripts, assets and renders, as the API, the CLI and the worker
 * share them. Every lookup by id takes the caller's site and finds nothing in another site (the
 * API turns that into 404, so ids do not leak). Records go out as JSON objects in the shapes of
 * docs/openapi.yaml.
 *
 * Files live under the media folder: MEDIA/site-S/files/ holds a site's uploads (content records'
 * relative image paths and music resolve there), MEDIA/site-S/project-P/ a project's stages
 * (script.json, voice.wav, voice.json, images/, PRESET.vid, render-R.mp4, .srt, .vtt, thumbs).
 *
 * Errors: 0 or a negative code (-1 invalid input with *field set, -14 not found, -15 conflict,
 * -2 store) with err filled.
 */
#ifndef VIDC_RECORDS_H
#define VIDC_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "store.h"

/* ---- sites -------------------------------------------------------------------------------- */

/* body: {name, external_id?, + the automation keys of rec_site_automation}. */
int rec_site_create(store_t *s, json_t *body, int64_t *id, char *err, size_t errlen, const char **field);
/* body: {video_enabled, project_type, target_platforms, social_account_ids, voice_id,
 * voice_provider, music_track}, each optional: only those given change. */
int rec_site_automation(store_t *s, int64_t site, json_t *body, char *err, size_t errlen, const char **field);
json_t *rec_site_json(store_t *s, int64_t site); /* NULL when unknown */

/* ---- contents ----------------------------------------------------------------------------- */

/* body: the content record of SPEC section 11 plus external_id, sector and status (draft or
 * published). The record is checked by the pipeline's own reader. */
int rec_content_create(store_t *s, const char *media, int64_t site, json_t *body, int64_t *id, char *err,
		       size_t errlen, const char **field);
json_t *rec_content_json(store_t *s, int64_t site, int64_t id);

/* ---- projects ----------------------------------------------------------------------------- */

/* body: {content_id?, project_type, target_platforms, settings?, external_id?, sector?}. */
int rec_project_create(store_t *s, int64_t site, json_t *body, int automated, int64_t *id, char *err,
		       size_t errlen, const char **field);
/* The project with settings{}, and with detail its script, assets, renders and jobs. */
json_t *rec_project_json(store_t *s, int64_t site, int64_t id, int detail);
/* A page of the site's projects, newest first, filtered by status and type when not NULL;
 * *count gets how many match in all. NULL on a store error. */
json_t *rec_projects_page(store_t *s, int64_t site, const char *status, const char *type, int64_t limit,
			  int64_t offset, int64_t *count);
/* Sets status (and error, NULL to clear). */
int rec_project_status(store_t *s, int64_t project, const char *status, const char *error);
/* The project's folder under media (created): MEDIA/site-S/project-P. */
int rec_project_dir(const char *media, int64_t site, int64_t project, char *buf, size_t n);
/* The site's upload folder: MEDIA/site-S/files. */
void rec_files_dir(const char *media, int64_t site, char *buf, size_t n);

/* ---- scripts ------------------------------------------------------------------------------ */

/* Validates a script of SPEC section 11 (schema and limits) and stores it as the project's
 * VideoScript, version + 1 when one exists. */
int rec_script_save(store_t *s, int64_t project, json_t *script, char *err, size_t errlen, const char **field);
json_t *rec_script_json(store_t *s, int64_t project); /* the record, or NULL */
/* The sections of a script record that each get a visual: the assets stage's own count
 * (assets_count_sections) of the script the stages read (rec_script_spec), so the credit
 * estimate and hold count what the stage lays out; 0 for NULL. */
int rec_script_sections(json_t *record);
/* The record turned back into the script of SPEC section 11 (what the stages read). */
json_t *rec_script_spec(json_t *record);
/* How long the narration of a script record may run, in seconds, for the credit holds: the
 * largest of the client's total_estimated_duration, its points' duration_est summed, its texts
 * spoken at REC_HOLD_WPM (a slow voice, with the pauses) and its letters at REC_HOLD_CPS, at most
 * REC_HOLD_MAX_S. The client's figures can only raise it: a script claiming 1 s holds what its
 * words take. 0 for NULL. */
#define REC_HOLD_WPM 130.0
#define REC_HOLD_CPS 12.0
#define REC_HOLD_MAX_S 10800.0
double rec_script_seconds(json_t *record);

/* ---- assets and renders ------------------------------------------------------------------- */

int rec_asset_add(store_t *s, int64_t project, json_t *body, int64_t *id, char *err, size_t errlen,
		  const char **field);
json_t *rec_assets_json(store_t *s, int64_t project);
json_t *rec_render_json(store_t *s, int64_t site, int64_t id); /* one RenderedVideo, or NULL */
json_t *rec_renders_json(store_t *s, int64_t project);

#endif
