/*
 * auth.c - creating and checking bearer tokens (auth.h).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../base/err.h"
#include "auth.h"

static int ready(void)
{
	return sodium_init() >= 0; /* idempotent and thread-safe */
}

static void token_hash(const char *tok, char hex[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)tok, strlen(tok), NULL, 0);
	sodium_bin2hex(hex, 65, h, sizeof h);
}

int auth_token_create(store_t *s, int64_t site_id, const char *name, char *tok, int64_t *id,
		      char *err, size_t errlen)
{
	if (!ready()) {
		snprintf(err, errlen, "libsodium cannot start (no randomness source)");
		return VE_UNSUPPORTED;
	}
	if (site_id) {
		int64_t n = 0;
		if (store_int(s, &n, "SELECT COUNT(*) FROM vidc_sites WHERE id = ?", "l", site_id) < 0) {
			snprintf(err, errlen, "%s", store_errmsg(s));
			return VE_IO;
		}
		if (!n) {
			snprintf(err, errlen, "no site %lld (vidc site add --name NAME creates one)", (long long)site_id);
			return VE_NOTFOUND;
		}
	}
	unsigned char rnd[32];
	randombytes_buf(rnd, sizeof rnd);
	memcpy(tok, "vidc_", 5);
	sodium_bin2hex(tok + 5, 65, rnd, sizeof rnd);
	char hex[65], now[32];
	token_hash(tok, hex);
	const char *ins = "INSERT INTO vidc_tokens (site_id, name, token_hash, created_at) VALUES (?, ?, ?, ?) "
			  "RETURNING id";
	const char *nm = name ? name : "";
	store_iso(store_now_ms(), now);
	int rc = site_id ? store_int(s, id, ins, "lttt", site_id, nm, hex, now)
			 : store_int(s, id, ins, "nttt", nm, hex, now);
	if (rc < 0) {
		snprintf(err, errlen, "cannot store the token: %s", store_errmsg(s));
		return VE_IO;
	}
	return 0;
}

int auth_check(store_t *s, const char *header, auth_who *who)
{
	memset(who, 0, sizeof *who);
	if (!header || strncasecmp(header, "Bearer ", 7) || !ready())
		return VE_AUTH;
	const char *tok = header + 7;
	while (*tok == ' ')
		tok++;
	if (strlen(tok) != AUTH_TOKEN_LEN || strncmp(tok, "vidc_", 5))
		return VE_AUTH;
	char hex[65];
	token_hash(tok, hex);
	store_stmt *st;
	if (store_prepare(s, &st, "SELECT id, site_id FROM vidc_tokens WHERE token_hash = ? AND revoked_at IS NULL",
			  "t", hex))
		return VE_IO;
	int rc = VE_AUTH;
	if (store_step(st) == STORE_ROW) {
		who->token_id = store_col_int(st, 0);
		who->site_id = store_col_type(st, 1) == STORE_NULL ? 0 : store_col_int(st, 1);
		rc = 0;
	}
	store_finalize(st);
	return rc;
}
