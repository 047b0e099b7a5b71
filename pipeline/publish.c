/*
 * publish.c - the entry points of publishing (see publish.h): a table of the platforms, each a
 * publish and an engagement function in its own file.
 */
#include "publish.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "../base/utf8.h"
#include "../compiler/compile.h"
#include "publish_instagram.h"
#include "publish_tiktok.h"
#include "publish_youtube.h"

static const struct {
	const char *name;
	int (*publish)(pcore_ctx *x, vidc_err *e);
	int (*engagement)(pcore_ctx *x, const char *id, publish_engagement *g, vidc_err *e);
} platforms[] = {
	{"youtube", youtube_publish, youtube_engagement},
	{"instagram", instagram_publish, instagram_engagement},
	{"tiktok", tiktok_publish, tiktok_engagement},
};

static int find(const char *name)
{
	for (int i = 0; name && i < (int)(sizeof platforms / sizeof *platforms); i++)
		if (!strcmp(platforms[i].name, name))
			return i;
	return -1;
}

int publish_platform_known(const char *platform)
{
	return find(platform) >= 0;
}

/* The publishing rules of rq's site: rq->site, else the stdlib's platform file, loaded into *own
 * (the caller frees it). */
static int site_rules(const publish_request *rq, platform_table **own, const platform_site **out,
		      vidc_err *e)
{
	*own = NULL;
	*out = rq->site;
	if (*out)
		return 0;
	vidc_err le = {0};
	if (platform_load(compile_stdlib_dir(NULL), own, &le))
		return err_set(e, le.code, "publish: %s", le.msg);
	if (!(*out = platform_site_find(*own, rq->platform)))
		return err_set(e, VE_INVAL, "publish: %s has no site '%s'", platform_path(*own), rq->platform);
	return 0;
}

/* What can be refused before any request: the file against the platform's rules, the title
 * against the site's limit and the thumbnail against its size limit (better refused now than
 * noted after the upload). Only YouTube takes a thumbnail file. */
static int precheck(const publish_request *rq, const platform_site *site, vidc_err *e)
{
	if (rq->rules && pprobe_video(rq->video_path, rq->rules, NULL, e) < 0)
		return e->code;
	size_t chars = rq->title ? utf8_count(rq->title) : 0;
	if (site->title_max > 0 && chars > (size_t)site->title_max)
		return err_set(e, VE_INVAL, "publish: the title has %zu characters; %s takes at most %d (%s)",
			       chars, site->display, site->title_max, site->src_title);
	struct stat st;
	if (rq->thumb_path && !strcmp(rq->platform, "youtube")) {
		if (stat(rq->thumb_path, &st) < 0)
			return err_errno(e, errno, "thumbnail %s", rq->thumb_path);
		if (site->thumb_max_bytes > 0 && st.st_size > site->thumb_max_bytes)
			return err_set(e, VE_INVAL, "thumbnail %s: %lld bytes; %s takes at most %lld (%s)",
				       rq->thumb_path, (long long)st.st_size, site->display,
				       (long long)site->thumb_max_bytes, site->src_thumbnail);
	}
	return 0;
}

int publish_video(const publish_request *rq, oauth_tokens *tok, const publish_opts *o,
		  const publish_hooks *h, publish_result *res, vidc_err *e)
{
	vidc_err local = {0};
	if (!e)
		e = &local;
	int p = find(rq->platform);
	if (p < 0) {
		memset(res, 0, sizeof *res);
		return err_set(e, VE_INVAL, "publish: unknown platform '%s' (youtube, instagram, tiktok)",
			       rq->platform ? rq->platform : "");
	}
	pcore_ctx x;
	memset(res, 0, sizeof *res);
	platform_table *own = NULL;
	const platform_site *site = NULL;
	if (site_rules(rq, &own, &site, e) < 0 || precheck(rq, site, e) < 0) {
		platform_free(own);
		return e->code;
	}
	int rc = pcore_open(&x, rq, tok, o, h, res, e);
	x.site = site;
	if (rc == 0)
		rc = platforms[p].publish(&x, e);
	pcore_close(&x);
	platform_free(own);
	return rc;
}

int publish_engagement_fetch(const char *platform, const char *post_id, oauth_tokens *tok,
			     const publish_opts *o, const publish_hooks *h, publish_engagement *g,
			     vidc_err *e)
{
	vidc_err local = {0};
	if (!e)
		e = &local;
	memset(g, 0, sizeof *g);
	g->views = g->likes = g->comments = g->shares = g->saves = g->reach = -1;
	g->watch_time_s = g->avg_view_s = -1;
	int p = find(platform);
	if (p < 0)
		return err_set(e, VE_INVAL, "engagement: unknown platform '%s'", platform ? platform : "");
	if (!post_id || !*post_id)
		return err_set(e, VE_INVAL, "engagement: %s: no post id", platform);
	publish_request rq = {.platform = platform};
	publish_result res;
	pcore_ctx x;
	pcore_init(&x, &rq, tok, o, h, &res);
	int rc = platforms[p].engagement(&x, post_id, g, e);
	pcore_close(&x);
	if (rc < 0)
		publish_engagement_free(g);
	return rc;
}

void publish_engagement_free(publish_engagement *g)
{
	free(g->raw);
	g->raw = NULL;
}
