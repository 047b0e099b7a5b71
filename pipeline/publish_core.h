/*
 * publish_core.h - what publishing to a platform takes and gives back (the types of publish.h),
 * and the helpers the three platform files share: the upload session record, logging, progress,
 * the video mapped into memory, polling. Layer: publish.c <- publish_{youtube,instagram,tiktok}.c
 * <- publish_core.c <- oauth.c <- publish_net.c.
 *
 * The session record is how a publish is made idempotent. It is a small JSON text the library
 * writes and reads back, opaque to the caller, who stores it (e.g. a column of
 * igny8_published_videos) through hooks.save_session BEFORE any byte goes up, again as soon as
 * the platform names the post, and passes it back as request.session on a retry: the retry then
 * resumes the upload or finds the finished post instead of posting again.
 */
#ifndef VIDC_PUBLISH_CORE_H
#define VIDC_PUBLISH_CORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../base/err.h"
#include "../base/platform.h"
#include "oauth.h"
#include "publish_net.h"
#include "publish_probe.h"

typedef struct {
	const char *platform;	   /* "youtube", "instagram", "tiktok" (the account's platform) */
	const char *video_path;	   /* the rendered MP4 */
	const char *thumb_path;	   /* JPEG/PNG for YouTube thumbnails.set, at most the site's
				    * thumbnail max_bytes (2 MB); NULL: none */
	const char *captions_path; /* SRT for YouTube captions.insert; NULL: none */
	const char *captions_lang; /* BCP-47, default "en" */
	const char *title;
	const char *description;   /* chapters and credits already in it */
	const char *const *tags;   /* NULL-terminated; YouTube tags, hashtags elsewhere (no '#') */
	const char *category_id;   /* YouTube snippet.categoryId from the site's settings; NULL: the
				    * platform file's default ("22") */
	const char *privacy;	   /* "public" (default), "unlisted", "private" */
	const char *publish_at;	   /* RFC 3339: YouTube schedules the video (privacy becomes private) */
	int made_for_kids;	   /* YouTube selfDeclaredMadeForKids (always sent) */
	int synthetic;		   /* the voice or images are generated: containsSyntheticMedia, is_aigc */
	const char *language;	   /* snippet.defaultLanguage; NULL: none */
	int cover_ms;		   /* Instagram thumb_offset / TikTok video_cover_timestamp_ms */
	double duration_s;	   /* the video's length (TikTok's creator limit is checked); 0 unknown */
	const char *session;	   /* what save_session stored on an earlier attempt, or NULL */
	const publish_rules *rules; /* the platform table's rules for the preset: the file is
				      * checked before anything is sent; NULL: not checked */
	const platform_site *site; /* the platform file's publishing rules for platform (title,
				    * caption, tags, hashtags, thumbnail, category); NULL:
				    * publish_video reads them from the stdlib (compile_stdlib_dir) */
} publish_request;

typedef struct {
	char id[128];	 /* the platform's id of the post ("" when it gives none, e.g. TikTok SELF_ONLY) */
	char url[512];	 /* the post's public URL ("" when unknown) */
	char status[16]; /* "published" */
	char note[512];	 /* what the caller should know, e.g. TikTok posted as SELF_ONLY */
	int64_t retry_at; /* with VE_QUOTA: when the quota resets (seconds since the epoch), else 0 */
	int resumed;	  /* 1 when an earlier attempt's session was used */
} publish_result;

typedef struct {
	void *ctx;
	/* Stores the session record durably; called before any byte goes up and whenever it
	 * changes. Non-zero stops the publish (nothing is sent without a record). Required. */
	int (*save_session)(void *ctx, const char *session, vidc_err *e);
	/* Stores refreshed tokens (seal them: secret.h). NULL: not stored (tests only). */
	int (*save_tokens)(void *ctx, const oauth_tokens *t, vidc_err *e);
	/* One line per step ("session", "upload", "retry", "poll", ...); may be NULL. */
	void (*log)(void *ctx, const char *step, const char *msg);
	/* Bytes confirmed by the platform; may be NULL. */
	void (*progress)(void *ctx, int64_t done, int64_t total);
} publish_hooks;

typedef struct {
	pnet_policy net;	   /* retries, timeouts and the cancel flag (log is set from hooks) */
	size_t chunk_bytes;	   /* YouTube chunk: a multiple of 256 KiB, default 8 MiB */
	size_t tiktok_chunk_bytes; /* TikTok chunk, 5-64 MiB, default 10 MiB */
	long poll_interval_ms;	   /* container / publish status polls, default 5000 */
	long poll_timeout_ms;	   /* give up waiting for processing after this, default 900000 */
	const char *quota_path;	   /* YouTube quota ledger (publish_quota.h); NULL: not counted */
	long yt_upload_limit;	   /* upload calls a day, default 100 */
	long yt_unit_limit;	   /* other units a day, default 10000 */
} publish_opts;

/* What a platform says of a post. Counts the platform does not give are -1. */
typedef struct {
	int64_t views, likes, comments, shares, saves, reach;
	double watch_time_s; /* total watch time, seconds; -1 unknown */
	double avg_view_s;   /* average view duration, seconds; -1 unknown */
	int deleted;	     /* the platform reports the post gone */
	char *raw;	     /* the platform's replies as one JSON object, malloc'd */
} publish_engagement;

/* The session record, parsed. */
typedef struct {
	char *uri;  /* YouTube session URI, TikTok upload URL */
	char *id;   /* Instagram container id, TikTok publish id */
	char *post; /* the platform's post id once known */
	int steps;  /* PSTEP_* done after the upload */
} pcore_session;

enum { PSTEP_THUMB = 1, PSTEP_CAPTIONS = 2 };

/* One publish in progress, handed to the platform functions. */
typedef struct {
	const publish_request *rq;
	const platform_site *site; /* rq->site or the stdlib's: set for a publish, NULL otherwise */
	const publish_opts *o;
	const publish_hooks *h;
	publish_result *res;
	pnet_policy net;
	oauth_session auth;
	pcore_session ses;
	const unsigned char *data; /* the video, mapped read-only */
	size_t size;
} pcore_ctx;

/* Sets up ctx for API calls only (engagement): no video, no session. */
void pcore_init(pcore_ctx *x, const publish_request *rq, oauth_tokens *tok, const publish_opts *o,
		const publish_hooks *h, publish_result *res);
/* Sets up ctx for a publish: the video mapped, the session parsed from rq->session. */
int pcore_open(pcore_ctx *x, const publish_request *rq, oauth_tokens *tok, const publish_opts *o,
	       const publish_hooks *h, publish_result *res, vidc_err *e);
void pcore_close(pcore_ctx *x);
/* Records the session (hooks.save_session). */
int pcore_save(pcore_ctx *x, vidc_err *e);
/* Replaces a session string field (s may be NULL). */
int pcore_set(char **field, const char *s, vidc_err *e);
/* Forgets the upload part of the session (a new upload starts). */
void pcore_reset(pcore_ctx *x);
void pcore_log(pcore_ctx *x, const char *step, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pcore_progress(pcore_ctx *x, int64_t done);

/* Sends q with the account's token (oauth_call) under ctx's policy. */
int pcore_call(pcore_ctx *x, pnet_req *q, http_response *r, vidc_err *e);
/* Waits the poll interval (VE_CANCELED when canceled). */
int pcore_wait(pcore_ctx *x, vidc_err *e);
/* Milliseconds since some fixed point (monotonic), for bounded waits. */
int64_t pcore_ms(void);
/* Takes a malloc'd JSON text of the platform replies as g->raw (steals j's reference). */
int pcore_raw(publish_engagement *g, json_t *j, vidc_err *e);
/* Integer of a JSON value that may be a number or a numeric string; -1 when neither. */
int64_t pcore_int(json_t *v);

/* A JSON body of a reply (NULL when not JSON); the caller json_decref's it. */
json_t *pcore_json(const http_response *r);
/* "provider: STATUS Reason: detail" into e with the code given. */
int pcore_fail(vidc_err *e, int code, const char *provider, const char *what,
	       const http_response *r);

#endif
