/*
 * publish.h - publishing a rendered video to YouTube, Instagram Reels or TikTok, and reading its
 * engagement back: the library the `vidc publish` command and the service's publish and
 * engagement jobs call. Nothing here touches the store: the caller hands in the file, the
 * metadata and the account's tokens, and records what the hooks give it (publish_core.h):
 *
 *     publish_hooks h = {.ctx = job, .save_session = store_session,   // before any byte goes up
 *                        .save_tokens = store_sealed_tokens,          // after every refresh
 *                        .log = job_log, .progress = job_progress};
 *     publish_request rq = {.platform = "youtube", .video_path = mp4, .title = t, ...,
 *                           .session = recorded_session_or_NULL};
 *     publish_result res;
 *     vidc_err err = {0};
 *     int rc = publish_video(&rq, &tokens, &opts, &h, &res, &err);
 *     // 0: res.id / res.url; VE_QUOTA: run again at res.retry_at; VE_AUTH: reconnect the account
 *
 * A retry with the recorded session never posts twice: it resumes the upload or finds the post.
 * Platform files: publish_youtube.c, publish_instagram.c, publish_tiktok.c; tokens: oauth.h;
 * sealing: secret.h; the YouTube quota: publish_quota.h; the pre-upload check: publish_probe.h;
 * the article page's VideoObject: publish_jsonld.h.
 */
#ifndef VIDC_PUBLISH_H
#define VIDC_PUBLISH_H

#include "publish_core.h"

/* Publishes rq->video_path to the account's platform. Returns 0 (res filled) or a negative
 * VE_* code with e filled: VE_AUTH (the account needs reconnection), VE_QUOTA (res->retry_at),
 * VE_LIMIT (Instagram's 24-hour publishing limit), VE_TIMEOUT (processing did not finish in
 * poll_timeout_ms), VE_DENIED (TikTok privacy not allowed), VE_PROTOCOL, VE_NET, VE_CANCELED.
 * tok is updated in place by refreshes (and handed to hooks->save_tokens). */
int publish_video(const publish_request *rq, oauth_tokens *tok, const publish_opts *o,
		  const publish_hooks *h, publish_result *res, vidc_err *e);

/* Reads a post's numbers. 0 with g filled (g->deleted when the platform says it is gone); the
 * caller frees g with publish_engagement_free. hooks may be NULL (then refreshed tokens are not
 * stored: pass save_tokens in production). */
int publish_engagement_fetch(const char *platform, const char *post_id, oauth_tokens *tok,
			     const publish_opts *o, const publish_hooks *h, publish_engagement *g,
			     vidc_err *e);
void publish_engagement_free(publish_engagement *g);

/* Whether platform is one of "youtube", "instagram", "tiktok". */
int publish_platform_known(const char *platform);

#endif
