/*
 * publish_tiktok.c - TikTok Content Posting API, direct post of a file
 * (developers.tiktok.com/doc/content-posting-api-reference-direct-post).
 *
 * 1. POST /v2/post/publish/creator_info/query/: the privacy levels this creator may use and the
 *    longest video they may post. An app TikTok has not audited may only post SELF_ONLY (visible
 *    to the owner alone): the publish goes on that way and says so in the result's note.
 * 2. POST /v2/post/publish/video/init/ with FILE_UPLOAD and the chunk plan (media transfer guide:
 *    chunks of 5-64 MB, the last one takes the remainder and may reach 128 MB; a file under
 *    5 MB goes in one; total_chunk_count = floor(size / chunk_size)): a publish_id and an
 *    upload URL, recorded before any byte goes up.
 * 3. PUT each chunk to the upload URL with Content-Range (206 go on, 201 done); a failed chunk is
 *    sent again after a jittered backoff.
 * 4. Poll POST /v2/post/publish/status/fetch/ until PUBLISH_COMPLETE (the post id is in
 *    publicaly_available_post_id, TikTok's spelling, for public posts) or FAILED (fail_reason).
 * A retry with the recorded publish_id asks its status first: complete is done, an unfinished
 * upload goes on from the bytes TikTok has, failed starts again.
 */
#include "publish_tiktok.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"

#define MIB ((size_t)1 << 20)

typedef struct {
	size_t chunk, count;
} plan_t;

static plan_t chunk_plan(size_t size, size_t want)
{
	if (size < 5 * MIB)
		return (plan_t){size, 1};
	size_t c = want ? want : 10 * MIB;
	c = c < 5 * MIB ? 5 * MIB : c > 64 * MIB ? 64 * MIB : c;
	if (size / c > 1000) /* TikTok takes at most 1000 chunks */
		c = (size + 999) / 1000;
	return (plan_t){c, size / c};
}

/* One API call: JSON in, JSON out, TikTok's {"error":{"code":"ok"}} envelope checked. */
static int api(pcore_ctx *x, const char *path, json_t *body, const char *what, json_t **out,
	       vidc_err *e)
{
	*out = NULL;
	char *txt = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!txt)
		return err_set(e, VE_NOMEM, "out of memory");
	char url[2048];
	snprintf(url, sizeof url, "%s%s", pnet_url(PNET_TIKTOK), path);
	int idem = !strstr(path, "/init/");
	pnet_req q = {.provider = "tiktok", .method = "POST", .url = url,
		      .content_type = "application/json; charset=UTF-8", .body = txt,
		      .len = strlen(txt), .idempotent = idem};
	http_response r;
	int rc = pcore_call(x, &q, &r, e);
	free(txt);
	json_t *j = rc == 0 ? pcore_json(&r) : NULL;
	json_t *er = json_object_get(j, "error");
	const char *code = json_string_value(json_object_get(er, "code"));
	if (rc == 0 && (r.status / 100 != 2 || !code || strcmp(code, "ok"))) {
		const char *msg = json_string_value(json_object_get(er, "message"));
		int vc = code && strstr(code, "unaudited") ? VE_DENIED
			 : code && !strcmp(code, "rate_limit_exceeded") ? VE_QUOTA
			 : code && strstr(code, "spam_risk") ? VE_QUOTA : VE_PROTOCOL;
		if (code)
			rc = err_set(e, vc, "tiktok: %s: %ld %s: %s%s%s", what, r.status,
				     http_reason(r.status), code, msg && *msg ? ": " : "", msg ? msg : "");
		else
			rc = pcore_fail(e, vc, "tiktok", what, &r);
	}
	http_response_free(&r);
	if (rc < 0)
		json_decref(j);
	else
		*out = json_incref(json_object_get(j, "data")), json_decref(j);
	return rc;
}

static const struct {
	const char *ours, *theirs;
} privacy_map[] = {
	{"public", "PUBLIC_TO_EVERYONE"},
	{"unlisted", "MUTUAL_FOLLOW_FRIENDS"},
	{"private", "SELF_ONLY"},
};

/* Step 1: the privacy level to use, within the creator's options. */
static int creator(pcore_ctx *x, char *level, size_t n, char *user, size_t un, vidc_err *e)
{
	json_t *d;
	int rc = api(x, "/v2/post/publish/creator_info/query/", json_object(), "creator_info", &d, e);
	if (rc < 0)
		return rc;
	const char *want = "PUBLIC_TO_EVERYONE";
	for (size_t i = 0; x->rq->privacy && i < sizeof privacy_map / sizeof *privacy_map; i++)
		if (!strcmp(x->rq->privacy, privacy_map[i].ours))
			want = privacy_map[i].theirs;
	json_t *opts = json_object_get(d, "privacy_level_options"), *o;
	size_t i;
	int offered = 0, self_only = 0;
	json_array_foreach(opts, i, o) {
		offered |= json_string_value(o) && !strcmp(json_string_value(o), want);
		self_only |= json_string_value(o) && !strcmp(json_string_value(o), "SELF_ONLY");
	}
	int64_t maxd = pcore_int(json_object_get(d, "max_video_post_duration_sec"));
	const char *u = json_string_value(json_object_get(d, "creator_username"));
	snprintf(user, un, "%s", u ? u : "");
	if (maxd > 0 && x->rq->duration_s > (double)maxd)
		rc = err_set(e, VE_INVAL, "tiktok: the video is %.0f s long; this creator may post at most "
			     "%lld s", x->rq->duration_s, (long long)maxd);
	else if (!offered && self_only && json_array_size(opts) == 1) {
		want = "SELF_ONLY";
		snprintf(x->res->note, sizeof x->res->note,
			 "TikTok allows this app to post only privately (SELF_ONLY: visible to the "
			 "account owner alone) until TikTok audits the app; posted as SELF_ONLY");
		pcore_log(x, "privacy", "%s", x->res->note);
	} else if (!offered)
		rc = err_set(e, VE_DENIED, "tiktok: this creator cannot post with privacy %s", want);
	snprintf(level, n, "%s", want);
	json_decref(d);
	return rc;
}

/* The description (cut to the platform file's caption limit) and the tags as hashtags. */
static char *caption(const publish_request *rq, const platform_site *site)
{
	buf_t b = {0};
	const char *d = rq->description && *rq->description ? rq->description : rq->title;
	size_t max = site->description_max > 0 ? (size_t)site->description_max : SIZE_MAX;
	if (buf_append(&b, d, strlen(d) < max ? strlen(d) : max) < 0)
		return NULL;
	for (const char *const *t = rq->tags; t && *t; t++)
		if (!strchr(*t, ' ') && b.len + strlen(*t) + 2 <= max && buf_appendf(&b, " #%s", *t) < 0)
			break;
	return buf_detach(&b, NULL);
}

/* Step 2. */
static int init(pcore_ctx *x, const char *level, plan_t p, vidc_err *e)
{
	char *cap = caption(x->rq, x->site);
	if (!cap)
		return err_set(e, VE_NOMEM, "out of memory");
	json_t *body = json_pack("{s:{s:s, s:s, s:b, s:b, s:b, s:i, s:b}, s:{s:s, s:I, s:I, s:I}}",
				 "post_info", "title", cap, "privacy_level", level, "disable_duet", 0,
				 "disable_comment", 0, "disable_stitch", 0, "video_cover_timestamp_ms",
				 x->rq->cover_ms, "is_aigc", x->rq->synthetic, "source_info", "source",
				 "FILE_UPLOAD", "video_size", (json_int_t)x->size, "chunk_size",
				 (json_int_t)p.chunk, "total_chunk_count", (json_int_t)p.count);
	free(cap);
	json_t *d;
	int rc = api(x, "/v2/post/publish/video/init/", body, "video/init", &d, e);
	if (rc < 0)
		return rc;
	const char *id = json_string_value(json_object_get(d, "publish_id"));
	const char *up = json_string_value(json_object_get(d, "upload_url"));
	if (!id || !up || (strncmp(up, "https://", 8) && strncmp(up, "http://", 7)))
		rc = err_set(e, VE_PROTOCOL, "tiktok: video/init gave no publish_id or upload_url");
	if (rc == 0)
		rc = pcore_set(&x->ses.id, id, e);
	if (rc == 0)
		rc = pcore_set(&x->ses.uri, up, e);
	json_decref(d);
	if (rc < 0)
		return rc;
	pcore_log(x, "session", "tiktok: publish %s opened: %zu chunk(s) of %zu bytes", x->ses.id,
		  p.count, p.chunk);
	return pcore_save(x, e);
}

static int put_chunk(pcore_ctx *x, plan_t p, size_t k, vidc_err *e)
{
	size_t a = k * p.chunk, b = k + 1 == p.count ? x->size - 1 : a + p.chunk - 1;
	char cr[96];
	snprintf(cr, sizeof cr, "Content-Range: bytes %zu-%zu/%zu", a, b, x->size);
	const char *hdr[] = {cr, NULL};
	/* The upload URL carries its own upload token; the bearer is not needed but harmless. */
	pnet_req q = {.provider = "tiktok", .method = "PUT", .url = x->ses.uri,
		      .content_type = "video/mp4", .body = x->data + a, .len = b - a + 1, .headers = hdr};
	http_response r;
	int rc = pcore_call(x, &q, &r, e);
	if (rc == 0 && r.status >= 500)
		rc = pcore_fail(e, VE_NET, "tiktok", "uploading a chunk", &r);
	else if (rc == 0 && r.status != 201 && r.status != 206 && r.status / 100 != 2)
		rc = pcore_fail(e, r.status == 404 ? VE_NOTFOUND : VE_PROTOCOL, "tiktok",
				"uploading a chunk", &r);
	http_response_free(&r);
	if (rc == 0)
		pcore_progress(x, (int64_t)b + 1);
	return rc;
}

/* Step 3 from chunk `from`. */
static int upload(pcore_ctx *x, plan_t p, size_t from, vidc_err *e)
{
	int max = x->net.max_attempts > 0 ? x->net.max_attempts : 5;
	for (size_t k = from; k < p.count; k++) {
		for (int fails = 0;;) {
			int rc = put_chunk(x, p, k, e);
			if (rc == 0)
				break;
			if ((rc != VE_NET && rc != VE_TIMEOUT) || ++fails >= max)
				return rc;
			long wait = pnet_backoff(&x->net, fails - 1);
			pcore_log(x, "retry", "%s; sending chunk %zu of %zu again in %.1fs", e->msg, k + 1,
				  p.count, wait / 1000.0);
			if (pnet_sleep(&x->net, wait, e) < 0)
				return VE_CANCELED;
		}
	}
	pcore_log(x, "upload", "tiktok: %zu bytes uploaded", x->size);
	return 0;
}

/* One status/fetch: *state and, when complete, the post id into the session. */
static int status(pcore_ctx *x, char *state, size_t n, size_t *have, vidc_err *e)
{
	json_t *d;
	int rc = api(x, "/v2/post/publish/status/fetch/", json_pack("{s:s}", "publish_id", x->ses.id),
		     "status/fetch", &d, e);
	if (rc < 0)
		return rc;
	const char *s = json_string_value(json_object_get(d, "status"));
	snprintf(state, n, "%s", s ? s : "");
	int64_t got = pcore_int(json_object_get(d, "uploaded_bytes"));
	*have = got > 0 ? (size_t)got : 0;
	json_t *ids = json_object_get(d, "publicaly_available_post_id");
	int64_t post = pcore_int(json_array_get(ids, 0));
	char pid[32];
	snprintf(pid, sizeof pid, "%lld", (long long)post);
	if (s && !strcmp(s, "PUBLISH_COMPLETE") && post > 0)
		rc = pcore_set(&x->ses.post, pid, e);
	if (s && !strcmp(s, "FAILED")) {
		const char *why = json_string_value(json_object_get(d, "fail_reason"));
		rc = err_set(e, VE_PROTOCOL, "tiktok: the post failed: %s", why ? why : "no reason given");
	}
	json_decref(d);
	return rc;
}

/* Step 4. */
static int wait_done(pcore_ctx *x, vidc_err *e)
{
	long limit = x->o->poll_timeout_ms > 0 ? x->o->poll_timeout_ms : 900000;
	int64_t until = pcore_ms() + limit;
	char state[48];
	size_t have;
	for (;;) {
		int rc = status(x, state, sizeof state, &have, e);
		if (rc < 0)
			return rc;
		if (!strcmp(state, "PUBLISH_COMPLETE") || !strcmp(state, "SEND_TO_USER_INBOX"))
			return 0;
		if (pcore_ms() >= until)
			return err_set(e, VE_TIMEOUT, "tiktok: the post was still %s after %ld s; gave up "
				       "waiting (publish_id %s)", *state ? state : "not done", limit / 1000,
				       x->ses.id);
		pcore_log(x, "poll", "tiktok: %s: %s", x->ses.id, state);
		if (pcore_wait(x, e) < 0)
			return e->code;
	}
}

/* A retry's start: 1 when the recorded publish is complete, 0 after resuming its upload, or
 * VE_NOTFOUND when a new publish must start. */
static int resume(pcore_ctx *x, plan_t p, vidc_err *e)
{
	char state[48];
	size_t have = 0;
	vidc_err se = {0};
	int rc = status(x, state, sizeof state, &have, &se);
	if (rc == VE_AUTH || rc == VE_CANCELED || rc == VE_QUOTA)
		return err_set(e, rc, "%s", se.msg);
	if (rc == 0 && (!strcmp(state, "PUBLISH_COMPLETE") || !strcmp(state, "SEND_TO_USER_INBOX")))
		return 1;
	if (rc == 0 && !strcmp(state, "PROCESSING_UPLOAD") && x->ses.uri) {
		size_t from = have >= x->size ? p.count : have / p.chunk;
		pcore_log(x, "resume", "tiktok: %s has %zu of %zu bytes", x->ses.id, have, x->size);
		rc = upload(x, p, from, e);
		if (rc == VE_NOTFOUND) /* the upload URL expired: start again */
			pcore_reset(x);
		return rc;
	}
	if (rc == 0 && strcmp(state, "FAILED"))
		return 0; /* processing: wait for it */
	pcore_log(x, "session", "tiktok: %s: %s; starting a new publish", x->ses.id,
		  rc < 0 ? se.msg : state);
	pcore_reset(x);
	return VE_NOTFOUND;
}

int tiktok_publish(pcore_ctx *x, vidc_err *e)
{
	plan_t p = chunk_plan(x->size, x->o->tiktok_chunk_bytes);
	int rc = 0;
	if (!x->ses.post && x->ses.id)
		rc = resume(x, p, e);
	if (!x->ses.post && (!x->ses.id || rc == VE_NOTFOUND)) {
		char level[32], user[128];
		rc = creator(x, level, sizeof level, user, sizeof user, e);
		if (rc == 0)
			rc = init(x, level, p, e);
		if (rc == 0)
			rc = upload(x, p, 0, e);
	}
	if (rc < 0)
		return rc;
	if (!x->ses.post) {
		rc = wait_done(x, e);
		if (rc == 0)
			rc = pcore_save(x, e);
		if (rc < 0)
			return rc;
	}
	snprintf(x->res->id, sizeof x->res->id, "%s", x->ses.post ? x->ses.post : "");
	if (x->ses.post)
		snprintf(x->res->url, sizeof x->res->url, "https://www.tiktok.com/video/%s", x->ses.post);
	snprintf(x->res->status, sizeof x->res->status, "published");
	pcore_log(x, "publish", "tiktok: published%s%s", x->ses.post ? ", post id " : " (no public id)",
		  x->ses.post ? x->ses.post : "");
	return 0;
}

int tiktok_engagement(pcore_ctx *x, const char *id, publish_engagement *g, vidc_err *e)
{
	json_t *d;
	json_t *body = json_pack("{s:{s:[s]}}", "filters", "video_ids", id);
	int rc = api(x, "/v2/video/query/?fields=id,title,view_count,like_count,comment_count,"
		     "share_count,duration,share_url", body, "video/query", &d, e);
	if (rc < 0)
		return rc;
	json_t *v = json_array_get(json_object_get(d, "videos"), 0);
	if (!v) {
		g->deleted = 1;
	} else {
		g->views = pcore_int(json_object_get(v, "view_count"));
		g->likes = pcore_int(json_object_get(v, "like_count"));
		g->comments = pcore_int(json_object_get(v, "comment_count"));
		g->shares = pcore_int(json_object_get(v, "share_count"));
	}
	return pcore_raw(g, d, e);
}
