/*
 * publish_youtube.c - YouTube Data API v3 (developers.google.com/youtube/v3/guides/using_resumable_upload_protocol).
 *
 * 1. POST {upload}/videos?uploadType=resumable&part=snippet,status with the metadata and
 *    X-Upload-Content-Length/-Type: the reply's Location is the session URI. It is recorded
 *    (save_session) before any byte goes up.
 * 2. PUT the file in chunks (multiples of 256 KiB but the last) with Content-Range; 308 is "go on"
 *    and its Range says what the server has. After a dropped connection or a 5xx, an empty PUT
 *    with "Content-Range: bytes * /TOTAL" asks what arrived, and the upload resumes from there,
 *    after a jittered exponential backoff. 404/410 on the session: it is gone, a new one starts.
 *    200/201 carries the video resource: its id is recorded at once.
 * 3. thumbnails.set (<= 2 MB) and captions.insert (multipart/related: JSON snippet + the SRT),
 *    each recorded as done so a retry does not add a second caption track.
 * Quota: the upload takes one call of the upload bucket, thumbnails 50 and captions 400 units
 * (publish_quota.h), charged before each call.
 */
#include "publish_youtube.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../base/buf.h"
#include "../base/file.h"
#include "publish_quota.h"

#define KIB256 ((size_t)256 * 1024)
#define MAX_SESSIONS 3 /* new sessions after 404/410 before giving up */

static int charge(pcore_ctx *x, pquota_bucket b, long n, vidc_err *e)
{
	long limit = b == PQUOTA_UPLOADS ? (x->o->yt_upload_limit > 0 ? x->o->yt_upload_limit : 100)
					 : (x->o->yt_unit_limit > 0 ? x->o->yt_unit_limit : 10000);
	return pquota_charge(x->o->quota_path, b, n, limit, pnet_now(), &x->res->retry_at, e);
}

/* The videos.insert metadata: snippet and status; tags and the default category are the
 * platform file's (site). */
static char *metadata(const publish_request *rq, const platform_site *site)
{
	json_t *sn = json_object(), *st = json_object(), *tags = json_array();
	size_t tag_chars = 0;
	for (const char *const *t = rq->tags; t && *t; t++) {
		tag_chars += strlen(*t) + (strchr(*t, ' ') ? 2 : 0) + 1;
		if ((site->tags_max_total > 0 && tag_chars > (size_t)site->tags_max_total) ||
		    (site->tags_max > 0 && json_array_size(tags) >= (size_t)site->tags_max))
			break;
		json_array_append_new(tags, json_string(*t));
	}
	json_object_set_new(sn, "title", json_string(rq->title));
	json_object_set_new(sn, "description", json_string(rq->description ? rq->description : ""));
	json_object_set_new(sn, "tags", tags);
	json_object_set_new(sn, "categoryId", json_string(rq->category_id ? rq->category_id : site->category));
	if (rq->language)
		json_object_set_new(sn, "defaultLanguage", json_string(rq->language));
	const char *privacy = rq->publish_at ? "private" : rq->privacy ? rq->privacy : "public";
	json_object_set_new(st, "privacyStatus", json_string(privacy));
	json_object_set_new(st, "selfDeclaredMadeForKids", json_boolean(rq->made_for_kids));
	json_object_set_new(st, "containsSyntheticMedia", json_boolean(rq->synthetic));
	if (rq->publish_at)
		json_object_set_new(st, "publishAt", json_string(rq->publish_at));
	json_t *j = json_pack("{s:o, s:o}", "snippet", sn, "status", st);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return s;
}

/* Step 1: a new upload session. */
static int start_session(pcore_ctx *x, vidc_err *e)
{
	if (charge(x, PQUOTA_UPLOADS, 1, e) < 0)
		return VE_QUOTA;
	char *meta = metadata(x->rq, x->site);
	if (!meta)
		return err_set(e, VE_NOMEM, "out of memory");
	char url[2048], len_h[64];
	snprintf(url, sizeof url, "%s/videos?uploadType=resumable&part=snippet,status",
		 pnet_url(PNET_YOUTUBE_UPLOAD));
	snprintf(len_h, sizeof len_h, "X-Upload-Content-Length: %zu", x->size);
	const char *hdr[] = {len_h, "X-Upload-Content-Type: video/mp4", NULL};
	pnet_req q = {.provider = "youtube", .method = "POST", .url = url,
		      .content_type = "application/json; charset=UTF-8", .body = meta,
		      .len = strlen(meta), .headers = hdr, .idempotent = 1};
	http_response r;
	int rc = pcore_call(x, &q, &r, e);
	free(meta);
	char loc[2048];
	if (rc == 0 && r.status / 100 != 2)
		rc = pcore_fail(e, r.status == 403 ? VE_DENIED : VE_PROTOCOL, "youtube",
				"starting the upload", &r);
	else if (rc == 0 && (!http_header(&r, "Location", loc, sizeof loc) ||
			     (strncmp(loc, "https://", 8) && strncmp(loc, "http://", 7))))
		rc = err_set(e, VE_PROTOCOL, "youtube: the upload start gave no session URI (Location)");
	else if (rc == 0)
		rc = pcore_set(&x->ses.uri, loc, e);
	http_response_free(&r);
	if (rc < 0)
		return rc;
	pcore_log(x, "session", "youtube: upload session opened for %zu bytes", x->size);
	return pcore_save(x, e);
}

/* The video id of a finished upload's reply; records it. */
static int finished(pcore_ctx *x, const http_response *r, vidc_err *e)
{
	json_t *j = pcore_json(r);
	const char *id = json_string_value(json_object_get(j, "id"));
	int rc = id ? pcore_set(&x->ses.post, id, e)
		    : err_set(e, VE_PROTOCOL, "youtube: the finished upload's reply has no video id");
	json_decref(j);
	if (rc < 0)
		return rc;
	pcore_progress(x, (int64_t)x->size);
	pcore_log(x, "upload", "youtube: uploaded, video id %s", x->ses.post);
	return pcore_save(x, e);
}

/* Where the upload stands after reply r: *next = the first byte the server lacks; 1 when the
 * upload finished (recorded), 0 to go on, VE_NOTFOUND when the session is gone. */
static int upload_state(pcore_ctx *x, const http_response *r, size_t *next, vidc_err *e)
{
	if (r->status == 200 || r->status == 201)
		return finished(x, r, e) < 0 ? (e ? e->code : VE_PROTOCOL) : 1;
	if (r->status == 404 || r->status == 410)
		return err_set(e, VE_NOTFOUND, "youtube: the upload session is gone (%ld)", r->status);
	if (r->status != 308)
		return pcore_fail(e, VE_PROTOCOL, "youtube", "uploading", r);
	char range[128];
	unsigned long long a = 0, b = 0;
	*next = 0;
	if (http_header(r, "Range", range, sizeof range)) {
		if (sscanf(range, "bytes=%llu-%llu", &a, &b) != 2 || a != 0 || b >= x->size)
			return err_set(e, VE_PROTOCOL, "youtube: a 308 reply with a Range of '%s' "
				       "for a file of %zu bytes", range, x->size);
		*next = (size_t)b + 1;
	}
	pcore_progress(x, (int64_t)*next);
	return 0;
}

/* The empty PUT that asks what the server has. */
static int query(pcore_ctx *x, size_t *next, vidc_err *e)
{
	char cr[96];
	snprintf(cr, sizeof cr, "Content-Range: bytes */%zu", x->size);
	const char *hdr[] = {cr, NULL};
	pnet_req q = {.provider = "youtube", .method = "PUT", .url = x->ses.uri, .headers = hdr,
		      .idempotent = 1};
	http_response r;
	int rc = pcore_call(x, &q, &r, e);
	if (rc == 0)
		rc = upload_state(x, &r, next, e);
	http_response_free(&r);
	return rc;
}

static int put_chunk(pcore_ctx *x, size_t off, size_t *next, vidc_err *e)
{
	size_t chunk = x->o->chunk_bytes ? x->o->chunk_bytes : (size_t)8 << 20;
	chunk = chunk < KIB256 ? KIB256 : chunk / KIB256 * KIB256;
	size_t n = x->size - off < chunk ? x->size - off : chunk;
	char cr[96];
	snprintf(cr, sizeof cr, "Content-Range: bytes %zu-%zu/%zu", off, off + n - 1, x->size);
	const char *hdr[] = {cr, NULL};
	pnet_req q = {.provider = "youtube", .method = "PUT", .url = x->ses.uri,
		      .content_type = "video/mp4", .body = x->data + off, .len = n, .headers = hdr};
	http_response r;
	int rc = pcore_call(x, &q, &r, e);
	if (rc == 0 && r.status >= 500)
		rc = pcore_fail(e, VE_NET, "youtube", "uploading a chunk", &r);
	else if (rc == 0)
		rc = upload_state(x, &r, next, e);
	http_response_free(&r);
	return rc;
}

/* Step 2: sends what the server lacks from `off`; after a failure asks where it stands. */
static int upload(pcore_ctx *x, size_t off, vidc_err *e)
{
	int max = x->net.max_attempts > 0 ? x->net.max_attempts : 5;
	int fails = 0;
	for (;;) {
		size_t next = off;
		int rc = put_chunk(x, off, &next, e);
		while (rc == VE_NET || rc == VE_TIMEOUT) {
			if (++fails >= max)
				return err_set(e, rc, "%s (gave up after %d failed attempts)", e->msg, fails);
			long wait = pnet_backoff(&x->net, fails - 1);
			pcore_log(x, "retry", "%s; asking what arrived in %.1fs", e->msg, wait / 1000.0);
			if (pnet_sleep(&x->net, wait, e) < 0)
				return VE_CANCELED;
			rc = query(x, &next, e);
			if (rc == 0)
				pcore_log(x, "resume", "youtube: the server has %zu of %zu bytes; resuming",
					  next, x->size);
		}
		if (rc != 0)
			return rc; /* 1: finished; <0: failed or the session is gone */
		if (next > off)
			fails = 0;
		else if (++fails >= max)
			return err_set(e, VE_PROTOCOL, "youtube: the server takes no more bytes at %zu of %zu",
				       off, x->size);
		off = next;
	}
}

/* Steps 1-2 with the recorded session when there is one. */
static int send_video(pcore_ctx *x, vidc_err *e)
{
	for (int sessions = 0;; sessions++) {
		size_t off = 0;
		int rc = 0;
		if (x->ses.uri) {
			rc = query(x, &off, e);
			if (rc == 0)
				pcore_log(x, "resume", "youtube: the recorded session has %zu of %zu bytes",
					  off, x->size);
		} else {
			rc = start_session(x, e);
		}
		if (rc == 0)
			rc = upload(x, off, e);
		if (rc == 1)
			return 0;
		if (rc != VE_NOTFOUND)
			return rc;
		if (sessions + 1 >= MAX_SESSIONS)
			return err_set(e, VE_PROTOCOL, "%s; %d sessions lost, giving up", e->msg, sessions + 1);
		pcore_log(x, "session", "%s; starting a new session", e->msg);
		pcore_reset(x);
	}
}

/* Sends q for one of the extras (what: the API method, for the error) when rc is still 0: a
 * reply other than 2xx is VE_PROTOCOL. */
static int extra_call(pcore_ctx *x, pnet_req *q, const char *what, int rc, vidc_err *e)
{
	http_response r = {0};
	if (rc == 0)
		rc = pcore_call(x, q, &r, e);
	if (rc == 0 && r.status / 100 != 2)
		rc = pcore_fail(e, VE_PROTOCOL, "youtube", what, &r);
	http_response_free(&r);
	return rc;
}

static int thumbnail(pcore_ctx *x, vidc_err *e)
{
	char *img = NULL;
	size_t len = 0;
	if (file_read(x->rq->thumb_path, x->site->thumb_max_bytes > 0 ? (size_t)x->site->thumb_max_bytes : SIZE_MAX,
		      &img, &len, e) < 0)
		return e->code;
	const char *type = len > 3 && !memcmp(img, "\x89PNG", 4) ? "image/png" : "image/jpeg";
	int rc = charge(x, PQUOTA_UNITS, PQUOTA_COST_THUMB, e);
	char url[2048];
	snprintf(url, sizeof url, "%s/thumbnails/set?videoId=%s&uploadType=media",
		 pnet_url(PNET_YOUTUBE_UPLOAD), x->ses.post);
	pnet_req q = {.provider = "youtube", .method = "POST", .url = url, .content_type = type,
		      .body = img, .len = len, .idempotent = 1};
	rc = extra_call(x, &q, "thumbnails.set", rc, e);
	free(img);
	return rc;
}

static int captions(pcore_ctx *x, vidc_err *e)
{
	char *srt = NULL;
	size_t len = 0;
	if (file_read(x->rq->captions_path, (size_t)16 << 20, &srt, &len, e) < 0)
		return e->code;
	char boundary[40];
	unsigned char rnd[12];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(boundary, sizeof boundary, rnd, sizeof rnd);
	json_t *meta = json_pack("{s:{s:s, s:s, s:s, s:b}}", "snippet", "videoId", x->ses.post,
				 "language", x->rq->captions_lang ? x->rq->captions_lang : "en",
				 "name", "", "isDraft", 0);
	char *ms = meta ? json_dumps(meta, JSON_COMPACT) : NULL;
	json_decref(meta);
	buf_t b = {0};
	int rc = !ms || buf_appendf(&b, "--%s\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
				    "%s\r\n--%s\r\nContent-Type: application/octet-stream\r\n\r\n",
				    boundary, ms, boundary) < 0 ||
			 buf_append(&b, srt, len) < 0 || buf_appendf(&b, "\r\n--%s--\r\n", boundary) < 0
		     ? err_set(e, VE_NOMEM, "out of memory")
		     : 0;
	free(ms);
	free(srt);
	if (rc == 0)
		rc = charge(x, PQUOTA_UNITS, PQUOTA_COST_CAPTION, e);
	char url[2048], ctype[96];
	snprintf(url, sizeof url, "%s/captions?uploadType=multipart&part=snippet",
		 pnet_url(PNET_YOUTUBE_UPLOAD));
	snprintf(ctype, sizeof ctype, "multipart/related; boundary=%s", boundary);
	pnet_req q = {.provider = "youtube", .method = "POST", .url = url, .content_type = ctype,
		      .body = b.data, .len = b.len};
	rc = extra_call(x, &q, "captions.insert", rc, e);
	buf_free(&b);
	return rc;
}

/* Step 3: the extras; a failure is noted, not fatal: the video is up and recorded. */
static int extras(pcore_ctx *x, vidc_err *e)
{
	static const struct {
		int step;
		const char *name;
		int (*fn)(pcore_ctx *, vidc_err *);
	} steps[] = {{PSTEP_THUMB, "thumbnail", thumbnail}, {PSTEP_CAPTIONS, "captions", captions}};
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
		const char *path = steps[i].step == PSTEP_THUMB ? x->rq->thumb_path : x->rq->captions_path;
		if (!path || (x->ses.steps & steps[i].step))
			continue;
		vidc_err se = {0};
		int rc = steps[i].fn(x, &se);
		if (rc == VE_QUOTA || rc == VE_CANCELED || rc == VE_AUTH)
			return err_set(e, rc, "%s", se.msg); /* the job comes back for it */
		if (rc < 0) {
			size_t n = strlen(x->res->note);
			snprintf(x->res->note + n, sizeof x->res->note - n, "%s%s not set: %s",
				 n ? "; " : "", steps[i].name, se.msg);
			pcore_log(x, steps[i].name, "%s not set: %s", steps[i].name, se.msg);
			continue;
		}
		x->ses.steps |= steps[i].step;
		pcore_log(x, steps[i].name, "youtube: %s set", steps[i].name);
		if (pcore_save(x, e) < 0)
			return e->code;
	}
	return 0;
}

int youtube_publish(pcore_ctx *x, vidc_err *e)
{
	if (!x->ses.post) {
		int rc = send_video(x, e);
		if (rc < 0)
			return rc;
	} else {
		pcore_log(x, "resume", "youtube: video %s was uploaded by an earlier attempt", x->ses.post);
	}
	snprintf(x->res->id, sizeof x->res->id, "%s", x->ses.post);
	snprintf(x->res->url, sizeof x->res->url, "https://www.youtube.com/watch?v=%s", x->ses.post);
	snprintf(x->res->status, sizeof x->res->status, "published");
	return extras(x, e);
}

/* GET url into *j (the reply's JSON). 0, or an error; 404 is VE_NOTFOUND. */
static int get_json(pcore_ctx *x, const char *url, const char *what, json_t **j, vidc_err *e)
{
	*j = NULL;
	pnet_req q = {.provider = "youtube", .method = "GET", .url = url, .idempotent = 1};
	http_response r;
	int rc = pcore_call(x, &q, &r, e);
	if (rc == 0 && r.status / 100 != 2)
		rc = pcore_fail(e, r.status == 404 ? VE_NOTFOUND : VE_PROTOCOL, "youtube", what, &r);
	else if (rc == 0 && !(*j = pcore_json(&r)))
		rc = err_set(e, VE_PROTOCOL, "youtube: %s: the reply is not JSON", what);
	http_response_free(&r);
	return rc;
}

/* The Analytics API's one row for the video, by column name, into g. */
static void take_report(json_t *rep, publish_engagement *g)
{
	json_t *heads = json_object_get(rep, "columnHeaders");
	json_t *row = json_array_get(json_object_get(rep, "rows"), 0);
	for (size_t i = 0; row && i < json_array_size(heads); i++) {
		const char *name = json_string_value(json_object_get(json_array_get(heads, i), "name"));
		json_t *v = json_array_get(row, i);
		double d = json_is_number(v) ? json_number_value(v) : -1;
		if (!name || d < 0)
			continue;
		if (!strcmp(name, "shares"))
			g->shares = (int64_t)d;
		else if (!strcmp(name, "estimatedMinutesWatched"))
			g->watch_time_s = d * 60;
		else if (!strcmp(name, "averageViewDuration"))
			g->avg_view_s = d;
		else if (!strcmp(name, "views") && g->views < 0)
			g->views = (int64_t)d;
	}
}

int youtube_engagement(pcore_ctx *x, const char *id, publish_engagement *g, vidc_err *e)
{
	char url[2048], *eid = pnet_escape(id);
	if (!eid)
		return err_set(e, VE_NOMEM, "out of memory");
	json_t *stats = NULL, *rep = NULL;
	snprintf(url, sizeof url, "%s/videos?part=statistics,status&id=%s", pnet_url(PNET_YOUTUBE), eid);
	int rc = charge(x, PQUOTA_UNITS, PQUOTA_COST_LIST, e);
	if (rc == 0)
		rc = get_json(x, url, "videos.list", &stats, e);
	json_t *item = json_array_get(json_object_get(stats, "items"), 0);
	if (rc == 0 && !item) {
		g->deleted = 1;
	} else if (rc == 0) {
		json_t *st = json_object_get(item, "statistics");
		g->views = pcore_int(json_object_get(st, "viewCount"));
		g->likes = pcore_int(json_object_get(st, "likeCount"));
		g->comments = pcore_int(json_object_get(st, "commentCount"));
		time_t now = (time_t)pnet_now();
		struct tm tm;
		char today[16];
		gmtime_r(&now, &tm);
		strftime(today, sizeof today, "%Y-%m-%d", &tm);
		snprintf(url, sizeof url,
			 "%s/reports?ids=channel==MINE&startDate=2005-04-23&endDate=%s&metrics=views,"
			 "likes,comments,shares,estimatedMinutesWatched,averageViewDuration&filters=video==%s",
			 pnet_url(PNET_YOUTUBE_ANALYTICS), today, eid);
		vidc_err ae = {0};
		if (get_json(x, url, "Analytics API report", &rep, &ae) == 0)
			take_report(rep, g);
		else if (ae.code == VE_AUTH)
			rc = err_set(e, VE_AUTH, "%s", ae.msg);
		else /* statistics alone are still worth a row */
			rep = json_pack("{s:s}", "error", ae.msg);
	}
	free(eid);
	if (rc < 0) {
		json_decref(stats);
		json_decref(rep);
		return rc;
	}
	return pcore_raw(g, json_pack("{s:o, s:o}", "videos", stats ? stats : json_null(), "analytics",
				      rep ? rep : json_null()), e);
}
