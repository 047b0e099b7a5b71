/*
 * publish_meta.h - what the service hands the publishing library (pipeline/publish.h) for one
 * rendered video and platform, read from the records: the MP4, its thumbnail and SRT, the
 * script's SEO metadata for the platform (title, description, tags), the description's credits
 * for the visuals, the site's YouTube category; and the schema.org VideoObject JSON-LD of a
 * published video for the article page (pipeline/publish_jsonld.h).
 *
 * The SEO entry is the preset the render is posted as (platform_upload_preset: its own when it is
 * made for the account's platform, else the platform's preset of its orientation), else the
 * platform's other presets in the platform file's order, else the render's preset, else any: a
 * vertical render posted as a Short uses the Short's words.
 *
 * The file is checked against its platform's rules before the upload: the platform table
 * (stdlib/platforms.json, base/platform.h) is read for each publish, and the render's preset
 * picks the rules (platform_upload_preset: any vertical or square render posted to YouTube is a
 * Short); a site without a YouTube category gets the platform file's default (22, People &
 * Blogs).
 */
#ifndef VIDC_PUBLISH_META_H
#define VIDC_PUBLISH_META_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../pipeline/publish.h"
#include "config.h"
#include "store.h"

typedef struct {
	publish_request rq; /* points into the fields below */
	char *title, *description;
	const char **tags;  /* NULL-terminated; the strings live in seo */
	json_t *seo;        /* the chosen SEO entry (owned) */
	platform_table *table; /* the platform file (owned): rq.rules and rq.site point into it */
	publish_rules rules;
	char video[1400], thumb[1400], srt[1400], lang[36], category[16];
	int64_t project, site;
	char preset[32];
} pmeta_t;

/* Fills m for publishing rendered video `rendered` to platform; opts (may be NULL) is the
 * publish's {privacy, publish_at}. VE_NOTFOUND for an unknown render, VE_CONFLICT when it is not
 * completed. pmeta_free in every case. */
int pmeta_build(store_t *s, int64_t rendered, const char *platform, json_t *opts, pmeta_t *m, char *err,
		size_t errlen);
void pmeta_free(pmeta_t *m);

/* The VideoObject JSON-LD of published video `published` (*text malloc'd). site walls the
 * lookup (0: any site). VE_NOTFOUND, VE_CONFLICT (not published, or no public thumbnail URL). */
int pmeta_jsonld(store_t *s, const svc_config *cfg, int64_t site, int64_t published, char **text, char *err,
		 size_t errlen);

#endif
