/*
 * publish_jsonld.h - the schema.org VideoObject JSON-LD block of a published video, for the
 * article page (Google's video structured data: name, description, thumbnailUrl, uploadDate,
 * duration in ISO 8601, contentUrl/embedUrl, and key moments as Clip parts with name,
 * startOffset, endOffset and url). The text is safe inside <script type="application/ld+json">:
 * every "/" is escaped, so no value can close the script element.
 */
#ifndef VIDC_PUBLISH_JSONLD_H
#define VIDC_PUBLISH_JSONLD_H

#include <stddef.h>

#include "../base/err.h"

typedef struct {
	const char *name;
	double start_s, end_s;
} jsonld_chapter;

typedef struct {
	const char *name;	   /* required */
	const char *description;   /* required by Google; the title is used when NULL */
	const char *thumbnail_url; /* required */
	const char *upload_date;   /* ISO 8601 with time zone, e.g. 2026-11-29T17:00:00Z; required */
	double duration_s;	   /* > 0 */
	const char *content_url;   /* the file's URL, or NULL */
	const char *embed_url;	   /* the player's URL, or NULL (jsonld_embed_url) */
	const char *url;	   /* the watch page; chapter URLs are it plus t=SECONDS */
	const jsonld_chapter *chapters;
	size_t nchapters;
} jsonld_video;

/* The JSON-LD text (malloc'd), or NULL with e filled when a required field is missing or a
 * chapter is out of order or past the end. */
char *jsonld_video_object(const jsonld_video *v, vidc_err *e);
/* "PT1M23S" for 83 s (whole seconds, rounded). */
void jsonld_duration(double s, char *out, size_t n);
/* The embeddable player of a post: YouTube /embed/ID, TikTok /embed/v2/ID, Instagram
 * PERMALINK/embed. 0, or VE_INVAL for an unknown platform or a missing id. */
int jsonld_embed_url(const char *platform, const char *id, const char *permalink, char *out,
		     size_t n, vidc_err *e);

#endif
