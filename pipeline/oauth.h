/*
 * oauth.h - a social account's OAuth tokens and the calls made with them. An access token that
 * is about to expire is refreshed before the call; one the platform refuses (YouTube and TikTok:
 * 401; Instagram: OAuth error 190) is refreshed and the call repeated once. Every refresh hands
 * the new tokens to the caller's save callback before the call goes on (TikTok replaces the
 * refresh token each time: losing it loses the account). A refresh the platform refuses
 * (Google/TikTok `invalid_grant`, Meta error 190) is VE_AUTH "the account needs reconnection",
 * never retried.
 *
 * Token endpoints: Google POST {VIDC_GOOGLE_OAUTH_URL}/token; Meta POST
 * {VIDC_GRAPH_URL}/oauth/access_token (grant_type=fb_exchange_token: long-lived tokens are
 * exchanged for new ones); TikTok POST {VIDC_TIKTOK_URL}/v2/oauth/token/. Secrets travel in form
 * bodies, never in URLs, and no message carries a token.
 */
#ifndef VIDC_OAUTH_H
#define VIDC_OAUTH_H

#include <stdint.h>

#include "../base/err.h"
#include "publish_net.h"
#include "secret.h"

typedef struct {
	char *access_token, *refresh_token;
	char *client_id, *client_secret; /* the app's; TikTok calls the id client_key */
	char *user_id;			 /* YouTube channel, Instagram professional account, TikTok open_id */
	int64_t expires_at;		 /* access token, seconds since the epoch; 0 unknown */
} oauth_tokens;

/* Reads the tokens JSON an OAuth screen hands over (`vidc account add --tokens-file`):
 * access_token (required), refresh_token, expires_in (seconds from now) or expires_at,
 * client_id (or client_key), client_secret, and the platform user id as user_id (or
 * platform_user_id, open_id, ig_user_id, channel_id). Unknown keys are ignored. */
int oauth_tokens_parse(const char *json, size_t len, oauth_tokens *t, vidc_err *e);
/* The same fields as a JSON text (expires_at absolute), malloc'd, for sealing (secret.h). */
char *oauth_tokens_json(const oauth_tokens *t);
/* Copies src into dst (deep). */
int oauth_tokens_copy(oauth_tokens *dst, const oauth_tokens *src, vidc_err *e);
/* Wipes and frees the strings. */
void oauth_tokens_free(oauth_tokens *t);

/* The tokens sealed for storage (secret.h): *sealed is a malloc'd "sb1:..." text. */
int oauth_tokens_seal(const secret_key *k, const oauth_tokens *t, char **sealed, vidc_err *e);
/* Stored tokens back: VE_AUTH when the key is not the one they were sealed with. */
int oauth_tokens_unseal(const secret_key *k, const char *sealed, oauth_tokens *t, vidc_err *e);

/* Platforms by name: "youtube", "instagram", "tiktok". */
int oauth_platform_known(const char *platform);

/* Refreshes t in place (access token, expiry, and the refresh token when the platform sends a
 * new one). VE_AUTH when the platform refuses the grant ("needs reconnection"). */
int oauth_refresh(const char *platform, oauth_tokens *t, const pnet_policy *p, vidc_err *e);

typedef struct {
	const char *platform;
	oauth_tokens *tok;	   /* updated in place by refreshes */
	const pnet_policy *policy; /* retries of each request */
	/* Called after each refresh with the new tokens; must store them durably (sealed) before
	 * returning. A non-zero return fails the call. May be NULL (tests). */
	int (*save)(void *ctx, const oauth_tokens *t, vidc_err *e);
	void *save_ctx;
	int refreshes; /* how many refreshes this session made */
} oauth_session;

/* Sends q with the session's access token (q->bearer is set here). Returns as pnet_send; a token
 * refused after one refresh is VE_AUTH. */
int oauth_call(oauth_session *s, pnet_req *q, http_response *r, vidc_err *e);

#endif
