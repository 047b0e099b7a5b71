/*
 * accounts.c - social accounts with their tokens sealed at rest (accounts.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/err.h"
#include "accounts.h"

int acct_key(const svc_config *cfg, secret_key *k, char *err, size_t errlen)
{
	vidc_err e = {0};
	if (secret_key_load(k, cfg->token_key_file[0] ? cfg->token_key_file : NULL, &e)) {
		snprintf(err, errlen, "the service has no key to seal social accounts' tokens: %s (set token_key_file "
				      "in the configuration, or VIDC_TOKEN_KEY)", e.msg);
		return e.code ? e.code : VE_INVAL;
	}
	return 0;
}

static void expiry_iso(int64_t expires_at, char buf[32])
{
	if (expires_at > 0)
		store_iso(expires_at * 1000, buf);
	else
		buf[0] = 0;
}

int acct_add(store_t *s, const svc_config *cfg, int64_t site, const char *platform, const char *name,
	     const char *tokens, size_t len, int64_t *id, char *err, size_t errlen, const char **field)
{
	*field = NULL;
	if (!platform || !oauth_platform_known(platform)) {
		*field = "platform";
		snprintf(err, errlen, "'platform' must be youtube, instagram or tiktok");
		return VE_INVAL;
	}
	oauth_tokens t;
	vidc_err e = {0};
	if (oauth_tokens_parse(tokens, len, &t, &e)) {
		*field = "tokens";
		snprintf(err, errlen, "%s", e.msg);
		return VE_INVAL;
	}
	int rc = 0;
	if (!strcmp(platform, "instagram") && !t.user_id) {
		*field = "tokens";
		snprintf(err, errlen, "tokens: an Instagram account needs its professional account's id (ig_user_id)");
		rc = VE_INVAL;
	}
	secret_key k;
	char *sealed = NULL;
	if (!rc)
		rc = acct_key(cfg, &k, err, errlen);
	if (!rc && oauth_tokens_seal(&k, &t, &sealed, &e))
		rc = e.code, snprintf(err, errlen, "cannot seal the tokens: %s", e.msg);
	secret_key_wipe(&k);
	char now[32], exp[32];
	store_iso(store_now_ms(), now);
	expiry_iso(t.expires_at, exp);
	if (!rc && store_int(s, id, "INSERT INTO vidc_social_accounts (site_id, platform, name, platform_user_id, "
				    "tokens_sealed, token_expires_at, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
				    "?, 'active', ?, ?) RETURNING id", "lttttttt", site, platform, name ? name : "",
			     t.user_id, sealed, exp[0] ? exp : NULL, now, now) < 0) {
		snprintf(err, errlen, "the store failed: %s", store_errmsg(s));
		rc = store_last_code(s) == STORE_ECONSTRAINT ? VE_NOTFOUND : VE_IO; /* a site that is gone */
	}
	free(sealed);
	oauth_tokens_free(&t);
	return rc;
}

#define ACCOUNT_COLS                                                                                  \
	"id, site_id, platform, name, platform_user_id, status, error, token_expires_at, created_at, " \
	"updated_at"

json_t *acct_json(store_t *s, int64_t site, int64_t id)
{
	return store_row(s, "SELECT " ACCOUNT_COLS " FROM vidc_social_accounts WHERE id = ? AND (? = 0 OR site_id = ?)",
			 "lll", id, site, site);
}

json_t *acct_list(store_t *s, int64_t site)
{
	return store_rows(s, "SELECT " ACCOUNT_COLS " FROM vidc_social_accounts WHERE site_id = ? ORDER BY id", "l", site);
}

int acct_tokens(store_t *s, const secret_key *k, int64_t id, oauth_tokens *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	store_stmt *st;
	if (store_prepare(s, &st, "SELECT tokens_sealed FROM vidc_social_accounts WHERE id = ?", "l", id)) {
		snprintf(err, errlen, "the store failed: %s", store_errmsg(s));
		return VE_IO;
	}
	int rc = store_step(st) == STORE_ROW ? 0 : VE_NOTFOUND;
	const char *sealed = rc ? NULL : store_col_text(st, 0);
	vidc_err e = {0};
	if (rc)
		snprintf(err, errlen, "no social account %lld", (long long)id);
	else if (!sealed)
		rc = VE_AUTH, snprintf(err, errlen, "social account %lld has no tokens: add it again", (long long)id);
	else if (oauth_tokens_unseal(k, sealed, t, &e))
		rc = e.code, snprintf(err, errlen, "social account %lld: %s", (long long)id, e.msg);
	store_finalize(st);
	return rc;
}

int acct_save_tokens(store_t *s, const secret_key *k, int64_t id, const oauth_tokens *t, char *err,
		     size_t errlen)
{
	char *sealed = NULL, now[32], exp[32];
	vidc_err e = {0};
	if (oauth_tokens_seal(k, t, &sealed, &e)) {
		snprintf(err, errlen, "cannot seal the refreshed tokens: %s", e.msg);
		return e.code;
	}
	store_iso(store_now_ms(), now);
	expiry_iso(t->expires_at, exp);
	int rc = store_run(s, "UPDATE vidc_social_accounts SET tokens_sealed = ?, token_expires_at = ?, updated_at = ? "
			      "WHERE id = ?", "tttl", sealed, exp[0] ? exp : NULL, now, id);
	free(sealed);
	if (rc != 1) {
		snprintf(err, errlen, "cannot store the refreshed tokens of account %lld: %s", (long long)id,
			 rc < 0 ? store_errmsg(s) : "the account is gone");
		return VE_IO;
	}
	return 0;
}

int acct_needs_reconnection(store_t *s, int64_t id, const char *why)
{
	char now[32];
	store_iso(store_now_ms(), now);
	int rc = store_run(s, "UPDATE vidc_social_accounts SET status = 'needs_reconnection', error = ?, updated_at = ? "
			      "WHERE id = ?", "ttl", why, now, id);
	return rc < 0 ? VE_IO : 0;
}
