/*
 * publish_jsonld.c - VideoObject JSON-LD (see publish_jsonld.h), built with jansson so every
 * string is escaped once, in one place.
 */
#include "publish_jsonld.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

void jsonld_duration(double s, char *out, size_t n)
{
	long t = s > 0 ? lround(s) : 0;
	long h = t / 3600, m = t / 60 % 60, sec = t % 60;
	int k = snprintf(out, n, "PT");
	if (h && k >= 0 && (size_t)k < n)
		k += snprintf(out + k, n - (size_t)k, "%ldH", h);
	if (m && k >= 0 && (size_t)k < n)
		k += snprintf(out + k, n - (size_t)k, "%ldM", m);
	if ((sec || t == 0) && k >= 0 && (size_t)k < n)
		snprintf(out + k, n - (size_t)k, "%ldS", sec);
}

int jsonld_embed_url(const char *platform, const char *id, const char *permalink, char *out,
		     size_t n, vidc_err *e)
{
	static const struct {
		const char *platform, *fmt;
		int from_permalink;
	} embeds[] = {
		{"youtube", "https://www.youtube.com/embed/%s", 0},
		{"tiktok", "https://www.tiktok.com/embed/v2/%s", 0},
		{"instagram", "%sembed", 1},
	};
	for (size_t i = 0; platform && i < sizeof embeds / sizeof *embeds; i++) {
		if (strcmp(platform, embeds[i].platform))
			continue;
		const char *arg = embeds[i].from_permalink ? permalink : id;
		if (!arg || !*arg)
			return err_set(e, VE_INVAL, "jsonld: %s: no %s to embed", platform,
				       embeds[i].from_permalink ? "permalink" : "post id");
		if (embeds[i].from_permalink && arg[strlen(arg) - 1] != '/')
			snprintf(out, n, "%s/embed", arg);
		else
			snprintf(out, n, embeds[i].fmt, arg);
		return 0;
	}
	return err_set(e, VE_INVAL, "jsonld: unknown platform '%s'", platform ? platform : "");
}

static json_t *clips(const jsonld_video *v, vidc_err *e)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < v->nchapters; i++) {
		const jsonld_chapter *c = &v->chapters[i];
		double prev_end = i ? v->chapters[i - 1].end_s : 0;
		if (!c->name || !*c->name || c->start_s < 0 || c->end_s <= c->start_s ||
		    c->start_s < prev_end - 0.01 || (v->duration_s > 0 && c->end_s > v->duration_s + 0.5)) {
			err_set(e, VE_INVAL,
				"jsonld: chapter %zu ('%s' %.1f-%.1f s) is unnamed, overlaps the one before or runs past "
				"the video's %.1f s",
				i + 1, c->name ? c->name : "", c->start_s, c->end_s, v->duration_s);
			json_decref(arr);
			return NULL;
		}
		long start = (long)floor(c->start_s), end = (long)ceil(c->end_s);
		json_t *clip = json_pack("{s:s, s:s, s:i, s:i}", "@type", "Clip", "name", c->name,
					 "startOffset", (json_int_t)start, "endOffset", (json_int_t)end);
		if (clip && v->url) {
			char u[2048];
			snprintf(u, sizeof u, "%s%ct=%ld", v->url, strchr(v->url, '?') ? '&' : '?', start);
			json_object_set_new(clip, "url", json_string(u));
		}
		json_array_append_new(arr, clip);
	}
	return arr;
}

char *jsonld_video_object(const jsonld_video *v, vidc_err *e)
{
	const char *missing = !v->name || !*v->name ? "name"
			      : !v->thumbnail_url ? "thumbnailUrl"
			      : !v->upload_date ? "uploadDate"
			      : !v->content_url && !v->embed_url ? "contentUrl or embedUrl"
							      : NULL;
	if (missing) {
		err_set(e, VE_INVAL, "jsonld: the VideoObject needs %s", missing);
		return NULL;
	}
	char dur[48];
	jsonld_duration(v->duration_s, dur, sizeof dur);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:[s], s:s}", "@context", "https://schema.org",
			      "@type", "VideoObject", "name", v->name, "description",
			      v->description && *v->description ? v->description : v->name,
			      "thumbnailUrl", v->thumbnail_url, "uploadDate", v->upload_date);
	if (!o) {
		err_set(e, VE_INVAL, "jsonld: a field is not valid UTF-8");
		return NULL;
	}
	if (v->duration_s > 0)
		json_object_set_new(o, "duration", json_string(dur));
	if (v->content_url)
		json_object_set_new(o, "contentUrl", json_string(v->content_url));
	if (v->embed_url)
		json_object_set_new(o, "embedUrl", json_string(v->embed_url));
	if (v->nchapters) {
		json_t *parts = clips(v, e);
		if (!parts) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, "hasPart", parts);
	}
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ESCAPE_SLASH);
	json_decref(o);
	if (!s)
		err_set(e, VE_NOMEM, "out of memory");
	return s;
}
