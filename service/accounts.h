/*
 * accounts.h - a site's social accounts (vidc_social_accounts): the OAuth tokens an OAuth screen
 * hands over (pipeline/oauth.h), sealed with secretbox (pipeline/secret.h) before they reach the
 * store, so the database never holds one in clear; unsealed only in the worker that publishes.
 * The key is the service's token key: the config's token_key_file, else VIDC_TOKEN_KEY, else the
 * file VIDC_TOKEN_KEY_FILE names. No message here carries a token or the key.
 *
 * An account is 'active' or 'needs_reconnection' (the platform refused its refresh token: the
 * site must run the OAuth screen again and add the account anew).
 *
 * Errors: 0 or a negative VE_* code with err filled (VE_INVAL with *field set for bad input).
 */
#ifndef VIDC_ACCOUNTS_H
#define VIDC_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../pipeline/oauth.h"
#include "config.h"
#include "store.h"

/* The token key of the service (see above). VE_INVAL naming the settings when none is set. */
int acct_key(const svc_config *cfg, secret_key *k, char *err, size_t errlen);

/* Registers an account of platform ("youtube", "instagram", "tiktok") for site from the tokens
 * JSON (oauth_tokens_parse), sealed under the service's key. */
int acct_add(store_t *s, const svc_config *cfg, int64_t site, const char *platform, const char *name,
	     const char *tokens, size_t len, int64_t *id, char *err, size_t errlen, const char **field);

/* The account as JSON, without its tokens: {id, site_id, platform, name, platform_user_id,
 * status, error, token_expires_at, created_at, updated_at}. site 0 finds any site's; NULL when
 * unknown (or of another site). */
json_t *acct_json(store_t *s, int64_t site, int64_t id);
/* The site's accounts, oldest first. */
json_t *acct_list(store_t *s, int64_t site);

/* The account's tokens, unsealed into t (free with oauth_tokens_free). VE_NOTFOUND, VE_AUTH
 * (sealed under another key). */
int acct_tokens(store_t *s, const secret_key *k, int64_t id, oauth_tokens *t, char *err, size_t errlen);
/* Seals t and stores it as the account's tokens (after a refresh). */
int acct_save_tokens(store_t *s, const secret_key *k, int64_t id, const oauth_tokens *t, char *err,
		     size_t errlen);
/* Marks the account 'needs_reconnection' with why. */
int acct_needs_reconnection(store_t *s, int64_t id, const char *why);

#endif
