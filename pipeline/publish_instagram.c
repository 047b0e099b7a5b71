/*
 * publish_instagram.c - Instagram Reels through the Graph API (Instagram API with Facebook Login,
 * developers.facebook.com/docs/instagram-platform/content-publishing).
 *
 * 1. GET /{ig-user}/content_publishing_limit: an account may publish a limited number of posts in
 *    24 hours; at the limit the job waits (VE_QUOTA) instead of being refused after the upload.
 * 2. POST /{ig-user}/media media_type=REELS upload_type=resumable caption=...: a container id,
 *    recorded before any byte goes up.
 * 3. POST {upload host}/{container} with the bytes and the headers offset and file_size
 *    (Authorization: OAuth TOKEN). After a dropped connection, a GET on the same URL says how
 *    many bytes arrived and the upload goes on from there.
 * 4. Poll GET /{container}?fields=status_code,status: IN_PROGRESS until FINISHED, or ERROR /
 *    EXPIRED with the reason; a bounded wait (poll_timeout_ms).
 * 5. POST /{ig-user}/media_publish creation_id=...: the media id, recorded at once. It is never
 *    repeated blindly: when its reply is lost the container's status (PUBLISHED) and the
 *    account's media list tell whether the post exists.
 * The caption carries at most the platform file's hashtags and characters (30 and 2,200: the API
 * refuses more).
 */
#include "publish_instagram.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"


/* One Graph call; *out gets the reply's JSON. Graph errors ({"error":{message,code}}) become e. */
static int graph(pcore_ctx *x, const char *method, const char *url, const char *form,
		 const char *what, json_t **out, vidc_err *e)
{
	*out = NULL;
	pnet_req q = {.provider = "instagram", .method = method, .url = url,
		      .content_type = form ? "application/x-www-form-urlencoded" : NULL,
		      .body = form, .len = form ? strlen(form) : 0, .idempotent = !strcmp(method, "GET")};
	http_response r;
	int rc = pcore_call(x, &q, &r, e);
	json_t *j = rc == 0 ? pcore_json(&r) : NULL;
	if (rc == 0 && r.status / 100 != 2) {
		json_t *er = json_object_get(j, "error");
		int sub = (int)json_integer_value(json_object_get(er, "error_subcode"));
		int code = (int)json_integer_value(json_object_get(er, "code"));
		int gone = code == 100 && sub == 33;
		rc = pcore_fail(e, gone ? VE_NOTFOUND : code == 4 || code == 9 ? VE_QUOTA : VE_PROTOCOL,
				"instagram", what, &r);
	} else if (rc == 0 && !j) {
		rc = err_set(e, VE_PROTOCOL, "instagram: %s: the reply is not JSON", what);
	}
	http_response_free(&r);
	if (rc < 0)
		json_decref(j);
	else
		*out = j;
	return rc;
}

/* POST /{user}/{edge} with the form kv (pairs, NULL-terminated; a NULL value drops its key);
 * the reply's "id" goes to *id (a reply without one is VE_PROTOCOL naming reply). */
static int graph_post(pcore_ctx *x, const char *user, const char *edge, const char *const *kv, const char *what,
		      const char *reply, char **id, vidc_err *e)
{
	char *form = pnet_form(kv);
	if (!form)
		return err_set(e, VE_NOMEM, "out of memory");
	char url[2048];
	snprintf(url, sizeof url, "%s/%s/%s", pnet_url(PNET_GRAPH), user, edge);
	json_t *j;
	int rc = graph(x, "POST", url, form, what, &j, e);
	free(form);
	if (rc < 0)
		return rc;
	const char *s = json_string_value(json_object_get(j, "id"));
	rc = s ? pcore_set(id, s, e) : err_set(e, VE_PROTOCOL, "instagram: the %s reply has no id", reply);
	json_decref(j);
	return rc;
}

static int count_hashtags(const char *s)
{
	int n = 0;
	for (const char *p = s; (p = strchr(p, '#')); p++)
		if (isalnum((unsigned char)p[1]) || (unsigned char)p[1] >= 0x80 || p[1] == '_')
			n++;
	return n;
}

/* The description plus the tags as hashtags, within the API's limits (the platform file's
 * description and hashtag rules). */
static char *caption(pcore_ctx *x, vidc_err *e)
{
	const char *d = x->rq->description ? x->rq->description : x->rq->title;
	size_t max_caption = x->site->description_max > 0 ? (size_t)x->site->description_max : SIZE_MAX;
	int max_hashtags = x->site->hashtags_max > 0 ? x->site->hashtags_max : INT_MAX;
	if (strlen(d) > max_caption) {
		err_set(e, VE_INVAL, "instagram: the caption has %zu characters; at most %zu are allowed (%s)",
			strlen(d), max_caption, x->site->src_description);
		return NULL;
	}
	int n = count_hashtags(d);
	if (n > max_hashtags) {
		err_set(e, VE_INVAL, "instagram: the caption has %d hashtags; at most %d are allowed (%s)", n,
			max_hashtags, x->site->src_hashtags);
		return NULL;
	}
	buf_t b = {0};
	int bad = buf_append(&b, d, strlen(d)) < 0;
	int skipped = 0;
	for (const char *const *t = x->rq->tags; t && *t && !bad; t++) {
		size_t tl = strlen(*t) + 2 + (b.len ? 1 : 0);
		if (n >= max_hashtags || b.len + tl > max_caption || strchr(*t, ' ')) {
			skipped++;
			continue;
		}
		bad = buf_appendf(&b, "%s#%s", n == count_hashtags(d) && b.len ? "\n\n" : " ", *t) < 0;
		n++;
	}
	if (skipped)
		pcore_log(x, "caption", "instagram: %d tag(s) left out (%d hashtags and %zu "
			  "characters at most; no spaces)", skipped, max_hashtags, max_caption);
	if (bad) {
		buf_free(&b);
		err_set(e, VE_NOMEM, "out of memory");
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static int check_limit(pcore_ctx *x, const char *user, vidc_err *e)
{
	char url[2048];
	snprintf(url, sizeof url, "%s/%s/content_publishing_limit?fields=config,quota_usage",
		 pnet_url(PNET_GRAPH), user);
	json_t *j;
	int rc = graph(x, "GET", url, NULL, "content_publishing_limit", &j, e);
	if (rc < 0)
		return rc;
	json_t *d = json_array_get(json_object_get(j, "data"), 0);
	int64_t used = pcore_int(json_object_get(d, "quota_usage"));
	int64_t total = pcore_int(json_object_get(json_object_get(d, "config"), "quota_total"));
	int64_t span = pcore_int(json_object_get(json_object_get(d, "config"), "quota_duration"));
	json_decref(j);
	if (used >= 0 && total > 0 && used >= total) {
		x->res->retry_at = pnet_now() + 3600; /* the rolling window frees a slot later */
		return err_set(e, VE_QUOTA,
			       "instagram: the account has published %lld of the %lld posts allowed in "
			       "%lld hours; the publish waits",
			       (long long)used, (long long)total, (long long)(span > 0 ? span / 3600 : 24));
	}
	return 0;
}

static int create_container(pcore_ctx *x, const char *user, vidc_err *e)
{
	char *cap = caption(x, e);
	if (!cap)
		return e->code;
	char off[32];
	snprintf(off, sizeof off, "%d", x->rq->cover_ms);
	const char *kv[] = {"media_type", "REELS", "upload_type", "resumable", "caption", cap,
			    "share_to_feed", "true", "thumb_offset", x->rq->cover_ms ? off : NULL, NULL};
	int rc = graph_post(x, user, "media", kv, "creating the Reels container", "container", &x->ses.id, e);
	free(cap);
	if (rc < 0)
		return rc;
	pcore_log(x, "session", "instagram: container %s created", x->ses.id);
	return pcore_save(x, e);
}

/* How many bytes the upload host has of the container. */
static int uploaded(pcore_ctx *x, size_t *have, vidc_err *e)
{
	char url[2048];
	snprintf(url, sizeof url, "%s/%s", pnet_url(PNET_IG_UPLOAD), x->ses.id);
	pnet_req q = {.provider = "instagram", .method = "GET", .url = url, .auth_scheme = "OAuth",
		      .idempotent = 1};
	http_response r;
	int rc = pcore_call(x, &q, &r, e);
	json_t *j = rc == 0 ? pcore_json(&r) : NULL;
	int64_t off = pcore_int(json_object_get(j, "offset"));
	if (off < 0) /* Graph's resumable-upload sessions name it so */
		off = pcore_int(json_object_get(j, "file_offset"));
	if (rc == 0 && (r.status / 100 != 2 || off < 0 || (uint64_t)off > x->size))
		rc = pcore_fail(e, VE_PROTOCOL, "instagram", "asking the upload offset", &r);
	else if (rc == 0)
		*have = (size_t)off;
	json_decref(j);
	http_response_free(&r);
	return rc;
}

static int put_bytes(pcore_ctx *x, size_t off, vidc_err *e)
{
	char url[2048], ho[64], hs[64];
	snprintf(url, sizeof url, "%s/%s", pnet_url(PNET_IG_UPLOAD), x->ses.id);
	snprintf(ho, sizeof ho, "offset: %zu", off);
	snprintf(hs, sizeof hs, "file_size: %zu", x->size);
	const char *hdr[] = {ho, hs, NULL};
	pnet_req q = {.provider = "instagram", .method = "POST", .url = url,
		      .content_type = "application/octet-stream", .body = x->data + off,
		      .len = x->size - off, .headers = hdr, .auth_scheme = "OAuth"};
	http_response r;
	int rc = pcore_call(x, &q, &r, e);
	if (rc == 0 && r.status >= 500)
		rc = pcore_fail(e, VE_NET, "instagram", "uploading", &r);
	else if (rc == 0 && r.status / 100 != 2)
		rc = pcore_fail(e, VE_PROTOCOL, "instagram", "uploading", &r);
	http_response_free(&r);
	return rc;
}

static int upload(pcore_ctx *x, size_t off, vidc_err *e)
{
	int max = x->net.max_attempts > 0 ? x->net.max_attempts : 5;
	for (int fails = 0;;) {
		int rc = off < x->size ? put_bytes(x, off, e) : 0;
		if (rc == 0) {
			pcore_progress(x, (int64_t)x->size);
			pcore_log(x, "upload", "instagram: %zu bytes uploaded", x->size);
			return 0;
		}
		if ((rc != VE_NET && rc != VE_TIMEOUT) || ++fails >= max)
			return rc;
		long wait = pnet_backoff(&x->net, fails - 1);
		pcore_log(x, "retry", "%s; asking what arrived in %.1fs", e->msg, wait / 1000.0);
		if (pnet_sleep(&x->net, wait, e) < 0)
			return VE_CANCELED;
		if (uploaded(x, &off, e) < 0)
			off = 0; /* the host cannot say: send it all again (same container, no new post) */
		pcore_progress(x, (int64_t)off);
		pcore_log(x, "resume", "instagram: resuming at byte %zu of %zu", off, x->size);
	}
}

/* The container's status_code ("" when unknown); *why gets its status sentence. */
static int container_status(pcore_ctx *x, char *code, size_t n, char *why, size_t wn, vidc_err *e)
{
	char url[2048];
	snprintf(url, sizeof url, "%s/%s?fields=status_code,status", pnet_url(PNET_GRAPH), x->ses.id);
	json_t *j;
	int rc = graph(x, "GET", url, NULL, "container status", &j, e);
	if (rc < 0)
		return rc;
	const char *c = json_string_value(json_object_get(j, "status_code"));
	const char *s = json_string_value(json_object_get(j, "status"));
	snprintf(code, n, "%s", c ? c : "");
	snprintf(why, wn, "%s", s ? s : "");
	json_decref(j);
	return 0;
}

/* Step 4: waits for FINISHED (or PUBLISHED, when an earlier attempt got that far). */
static int wait_ready(pcore_ctx *x, char *code, size_t n, vidc_err *e)
{
	int64_t until = pcore_ms() + (x->o->poll_timeout_ms > 0 ? x->o->poll_timeout_ms : 900000);
	char why[512];
	for (;;) {
		int rc = container_status(x, code, n, why, sizeof why, e);
		if (rc < 0)
			return rc;
		if (!strcmp(code, "FINISHED") || !strcmp(code, "PUBLISHED"))
			return 0;
		if (!strcmp(code, "ERROR") || !strcmp(code, "EXPIRED"))
			return err_set(e, VE_PROTOCOL, "instagram: the Reels container ended %s: %s", code,
				       *why ? why : "no reason given");
		if (pcore_ms() >= until)
			return err_set(e, VE_TIMEOUT,
				       "instagram: the container was still %s after %ld s of processing; "
				       "gave up waiting",
				       *code ? code : "not ready", (x->o->poll_timeout_ms > 0 ? x->o->poll_timeout_ms : 900000) / 1000);
		pcore_log(x, "poll", "instagram: container %s: %s", x->ses.id, *code ? code : "?");
		if (pcore_wait(x, e) < 0)
			return e->code;
	}
}

/* The media id of the post an earlier attempt published, from the account's recent media. */
static int find_post(pcore_ctx *x, const char *user, vidc_err *e)
{
	char *cap = caption(x, e);
	if (!cap)
		return e->code;
	char url[2048];
	snprintf(url, sizeof url, "%s/%s/media?fields=id,caption,permalink&limit=50",
		 pnet_url(PNET_GRAPH), user);
	json_t *j;
	int rc = graph(x, "GET", url, NULL, "listing the account's media", &j, e);
	const char *id = NULL;
	json_t *v;
	size_t i;
	json_array_foreach(json_object_get(j, "data"), i, v) {
		const char *c = json_string_value(json_object_get(v, "caption"));
		if (c && !strcmp(c, cap)) {
			id = json_string_value(json_object_get(v, "id"));
			break;
		}
	}
	if (rc == 0)
		rc = id ? pcore_set(&x->ses.post, id, e)
			: err_set(e, VE_CONFLICT, "instagram: container %s is published but its post is "
				  "not among the account's recent media", x->ses.id);
	json_decref(j);
	free(cap);
	return rc;
}

static int media_publish(pcore_ctx *x, const char *user, vidc_err *e)
{
	const char *kv[] = {"creation_id", x->ses.id, NULL};
	int rc = graph_post(x, user, "media_publish", kv, "media_publish", "media_publish", &x->ses.post, e);
	if (rc == VE_NET || rc == VE_TIMEOUT) { /* did it happen? the container knows */
		char code[32], why[256];
		if (container_status(x, code, sizeof code, why, sizeof why, e) == 0 &&
		    !strcmp(code, "PUBLISHED"))
			return find_post(x, user, e);
		return rc;
	}
	return rc;
}

/* Steps 2-3, or what is left of them after an earlier attempt. */
static int resume_or_create(pcore_ctx *x, const char *user, char *code, size_t n, vidc_err *e)
{
	code[0] = 0;
	if (x->ses.id) {
		char why[256];
		int rc = container_status(x, code, n, why, sizeof why, e);
		if (rc == 0 && (!strcmp(code, "FINISHED") || !strcmp(code, "PUBLISHED")))
			return 0;
		size_t have = 0;
		if (rc == 0 && !strcmp(code, "IN_PROGRESS") && uploaded(x, &have, e) == 0) {
			pcore_log(x, "resume", "instagram: container %s has %zu of %zu bytes", x->ses.id,
				  have, x->size);
			return upload(x, have, e);
		}
		if (rc == VE_CANCELED || rc == VE_AUTH)
			return rc;
		pcore_log(x, "session", "instagram: container %s is %s; starting a new one", x->ses.id,
			  *code ? code : "gone");
		pcore_reset(x);
		code[0] = 0;
	}
	int rc = check_limit(x, user, e);
	if (rc == 0)
		rc = create_container(x, user, e);
	if (rc == 0)
		rc = upload(x, 0, e);
	return rc;
}

static void permalink(pcore_ctx *x)
{
	char url[2048];
	snprintf(url, sizeof url, "%s/%s?fields=permalink", pnet_url(PNET_GRAPH), x->ses.post);
	json_t *j;
	vidc_err e2 = {0};
	if (graph(x, "GET", url, NULL, "permalink", &j, &e2) == 0) {
		const char *p = json_string_value(json_object_get(j, "permalink"));
		snprintf(x->res->url, sizeof x->res->url, "%s", p ? p : "");
		json_decref(j);
	}
}

int instagram_publish(pcore_ctx *x, vidc_err *e)
{
	const char *user = x->auth.tok->user_id;
	if (!user || !*user)
		return err_set(e, VE_INVAL, "instagram: the account has no Instagram user id (user_id)");
	if (!x->ses.post) {
		char code[32];
		int rc = resume_or_create(x, user, code, sizeof code, e);
		if (rc == 0)
			rc = wait_ready(x, code, sizeof code, e);
		if (rc == 0)
			rc = !strcmp(code, "PUBLISHED") ? find_post(x, user, e) : media_publish(x, user, e);
		if (rc == 0)
			rc = pcore_save(x, e);
		if (rc < 0)
			return rc;
		pcore_log(x, "publish", "instagram: published, media id %s", x->ses.post);
	} else {
		pcore_log(x, "resume", "instagram: media %s was published by an earlier attempt", x->ses.post);
	}
	snprintf(x->res->id, sizeof x->res->id, "%s", x->ses.post);
	snprintf(x->res->status, sizeof x->res->status, "published");
	permalink(x);
	return 0;
}

int instagram_engagement(pcore_ctx *x, const char *id, publish_engagement *g, vidc_err *e)
{
	char url[2048], *eid = pnet_escape(id);
	if (!eid)
		return err_set(e, VE_NOMEM, "out of memory");
	snprintf(url, sizeof url,
		 "%s/%s/insights?metric=views,reach,likes,comments,shares,saved,"
		 "ig_reels_avg_watch_time,ig_reels_video_view_total_time",
		 pnet_url(PNET_GRAPH), eid);
	free(eid);
	json_t *j;
	int rc = graph(x, "GET", url, NULL, "media insights", &j, e);
	if (rc == VE_NOTFOUND) {
		g->deleted = 1;
		return pcore_raw(g, json_pack("{s:s}", "error", e->msg), e);
	}
	if (rc < 0)
		return rc;
	static const struct {
		const char *name;
		int slot; /* 0-5: the counters in order; 6, 7: ms of watch time */
	} metrics[] = {{"views", 0}, {"likes", 1}, {"comments", 2}, {"shares", 3}, {"saved", 4},
		       {"reach", 5}, {"ig_reels_video_view_total_time", 6}, {"ig_reels_avg_watch_time", 7}};
	int64_t *counts[] = {&g->views, &g->likes, &g->comments, &g->shares, &g->saves, &g->reach};
	json_t *m;
	size_t i;
	json_array_foreach(json_object_get(j, "data"), i, m) {
		const char *name = json_string_value(json_object_get(m, "name"));
		int64_t v = pcore_int(json_object_get(json_array_get(json_object_get(m, "values"), 0), "value"));
		for (size_t k = 0; name && k < sizeof metrics / sizeof *metrics; k++) {
			if (strcmp(metrics[k].name, name))
				continue;
			if (metrics[k].slot < 6)
				*counts[metrics[k].slot] = v;
			else if (v >= 0)
				*(metrics[k].slot == 6 ? &g->watch_time_s : &g->avg_view_s) = v / 1000.0;
		}
	}
	return pcore_raw(g, j, e);
}
