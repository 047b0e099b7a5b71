/*
 * oauth.c - tokens and token refresh for the three platforms (see oauth.h). Platform differences
 * are rows of one table: the token endpoint, how the grant is phrased, and how a refused access
 * token shows in a reply.
 */
#include "oauth.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#define REFRESH_MARGIN_S 120 /* refresh a token that expires within this */

typedef struct {
	const char *name;
	pnet_host host;
	const char *path;
	const char *id_field; /* the form field of the client id */
	int meta;	      /* fb_exchange_token grant, errors as {"error":{"code":190}} */
} platform_t;

static const platform_t platforms[] = {
	{"youtube", PNET_GOOGLE_OAUTH, "/token", "client_id", 0},
	{"instagram", PNET_GRAPH, "/oauth/access_token", "client_id", 1},
	{"tiktok", PNET_TIKTOK, "/v2/oauth/token/", "client_key", 0},
};

static const platform_t *find(const char *name)
{
	for (size_t i = 0; name && i < sizeof platforms / sizeof *platforms; i++)
		if (!strcmp(platforms[i].name, name))
			return &platforms[i];
	return NULL;
}

int oauth_platform_known(const char *platform)
{
	return find(platform) != NULL;
}

static void wipe_str(char **s)
{
	if (*s) {
		sodium_memzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void oauth_tokens_free(oauth_tokens *t)
{
	wipe_str(&t->access_token);
	wipe_str(&t->refresh_token);
	wipe_str(&t->client_id);
	wipe_str(&t->client_secret);
	wipe_str(&t->user_id);
	t->expires_at = 0;
}

/* The first string (or integer, as text) among keys. */
static char *field(json_t *j, const char *const *keys)
{
	for (; *keys; keys++) {
		json_t *v = json_object_get(j, *keys);
		if (json_is_string(v) && *json_string_value(v))
			return strdup(json_string_value(v));
		if (json_is_integer(v)) {
			char b[32];
			snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v));
			return strdup(b);
		}
	}
	return NULL;
}

int oauth_tokens_parse(const char *json, size_t len, oauth_tokens *t, vidc_err *e)
{
	memset(t, 0, sizeof *t);
	json_error_t je;
	json_t *j = json_loadb(json, len, 0, &je);
	if (!json_is_object(j)) {
		json_decref(j);
		return err_set(e, VE_INVAL, "tokens: not a JSON object (line %d: %s)", je.line,
			       j ? "an object expected" : je.text);
	}
	static const char *const k_access[] = {"access_token", NULL};
	static const char *const k_refresh[] = {"refresh_token", NULL};
	static const char *const k_id[] = {"client_id", "client_key", NULL};
	static const char *const k_secret[] = {"client_secret", NULL};
	static const char *const k_user[] = {"user_id", "platform_user_id", "open_id", "ig_user_id",
					     "channel_id", NULL};
	t->access_token = field(j, k_access);
	t->refresh_token = field(j, k_refresh);
	t->client_id = field(j, k_id);
	t->client_secret = field(j, k_secret);
	t->user_id = field(j, k_user);
	json_t *at = json_object_get(j, "expires_at"), *in = json_object_get(j, "expires_in");
	if (json_is_number(at))
		t->expires_at = (int64_t)json_number_value(at);
	else if (json_is_number(in))
		t->expires_at = pnet_now() + (int64_t)json_number_value(in);
	json_decref(j);
	if (!t->access_token) {
		oauth_tokens_free(t);
		return err_set(e, VE_INVAL, "tokens: \"access_token\" is missing");
	}
	return 0;
}

char *oauth_tokens_json(const oauth_tokens *t)
{
	json_t *j = json_object();
	if (!j)
		return NULL;
	const struct {
		const char *k;
		const char *v;
	} f[] = {{"access_token", t->access_token}, {"refresh_token", t->refresh_token},
		 {"client_id", t->client_id},	    {"client_secret", t->client_secret},
		 {"user_id", t->user_id}};
	for (size_t i = 0; i < sizeof f / sizeof *f; i++)
		if (f[i].v)
			json_object_set_new(j, f[i].k, json_string(f[i].v));
	if (t->expires_at)
		json_object_set_new(j, "expires_at", json_integer(t->expires_at));
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

int oauth_tokens_seal(const secret_key *k, const oauth_tokens *t, char **sealed, vidc_err *e)
{
	*sealed = NULL;
	char *js = oauth_tokens_json(t);
	if (!js)
		return err_set(e, VE_NOMEM, "out of memory");
	int rc = secret_seal(k, js, strlen(js), sealed, e);
	secret_free(js, 0);
	return rc;
}

int oauth_tokens_unseal(const secret_key *k, const char *sealed, oauth_tokens *t, vidc_err *e)
{
	memset(t, 0, sizeof *t);
	char *js = NULL;
	size_t n = 0;
	int rc = secret_open(k, sealed, &js, &n, e);
	if (rc == 0)
		rc = oauth_tokens_parse(js, n, t, e);
	secret_free(js, n);
	return rc;
}

static char *dup_or_null(const char *s, int *bad)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*bad = 1;
	return d;
}

int oauth_tokens_copy(oauth_tokens *dst, const oauth_tokens *src, vidc_err *e)
{
	int bad = 0;
	memset(dst, 0, sizeof *dst);
	dst->access_token = dup_or_null(src->access_token, &bad);
	dst->refresh_token = dup_or_null(src->refresh_token, &bad);
	dst->client_id = dup_or_null(src->client_id, &bad);
	dst->client_secret = dup_or_null(src->client_secret, &bad);
	dst->user_id = dup_or_null(src->user_id, &bad);
	dst->expires_at = src->expires_at;
	if (bad) {
		oauth_tokens_free(dst);
		return err_set(e, VE_NOMEM, "out of memory copying tokens");
	}
	return 0;
}

/* The platform's refusal sentence from an OAuth error body: {"error":"invalid_grant",
 * "error_description":"..."} (Google, TikTok) or {"error":{"message","code"}} (Meta). */
static void refusal(const http_response *r, char *out, size_t n, int *grant)
{
	*grant = 0;
	json_t *j = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, NULL);
	json_t *er = json_object_get(j, "error");
	const char *code = json_string_value(er);
	const char *desc = json_string_value(json_object_get(j, "error_description"));
	if (json_is_object(er)) {
		desc = json_string_value(json_object_get(er, "message"));
		*grant = json_integer_value(json_object_get(er, "code")) == 190;
	} else if (code) {
		*grant = !strcmp(code, "invalid_grant");
	}
	snprintf(out, n, "%s%s%s", code ? code : "", code && desc ? ": " : "", desc ? desc : "");
	if (!*out)
		http_error_detail(&r->body, out, n);
	json_decref(j);
}

static int take_reply(const platform_t *pl, oauth_tokens *t, const http_response *r, vidc_err *e)
{
	json_t *j = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, NULL);
	const char *at = json_string_value(json_object_get(j, "access_token"));
	if (!at) {
		json_decref(j);
		return err_set(e, VE_PROTOCOL, "%s: the token endpoint's reply has no access_token",
			       pl->name);
	}
	char *na = strdup(at);
	const char *rt = json_string_value(json_object_get(j, "refresh_token"));
	char *nr = rt ? strdup(rt) : NULL;
	if (!na || (rt && !nr)) {
		free(na);
		free(nr);
		json_decref(j);
		return err_set(e, VE_NOMEM, "out of memory reading new tokens");
	}
	wipe_str(&t->access_token);
	t->access_token = na;
	if (nr) {
		wipe_str(&t->refresh_token);
		t->refresh_token = nr;
	}
	json_t *in = json_object_get(j, "expires_in");
	t->expires_at = json_is_number(in) ? pnet_now() + (int64_t)json_number_value(in) : 0;
	json_decref(j);
	return 0;
}

int oauth_refresh(const char *platform, oauth_tokens *t, const pnet_policy *p, vidc_err *e)
{
	const platform_t *pl = find(platform);
	if (!pl)
		return err_set(e, VE_INVAL, "unknown platform '%s'", platform ? platform : "");
	const char *grant = pl->meta ? t->refresh_token ? t->refresh_token : t->access_token
				     : t->refresh_token;
	if (!grant || !t->client_id || !t->client_secret)
		return err_set(e, VE_AUTH,
			       "%s: the account needs reconnection: its access token expired and it "
			       "has no %s to renew it",
			       pl->name, !grant ? "refresh token" : "app client id and secret");
	const char *kv[] = {"grant_type", pl->meta ? "fb_exchange_token" : "refresh_token",
			    pl->id_field, t->client_id, "client_secret", t->client_secret,
			    pl->meta ? "fb_exchange_token" : "refresh_token", grant, NULL};
	char *form = pnet_form(kv);
	char url[2048];
	snprintf(url, sizeof url, "%s%s", pnet_url(pl->host), pl->path);
	if (!form)
		return err_set(e, VE_NOMEM, "out of memory");
	pnet_req q = {.provider = pl->name, .method = "POST", .url = url,
		      .content_type = "application/x-www-form-urlencoded", .body = form,
		      .len = strlen(form), .idempotent = 1};
	http_response r;
	int rc = pnet_send(p, &q, &r, e);
	sodium_memzero(form, strlen(form));
	free(form);
	if (rc == 0 && r.status / 100 != 2) {
		char why[400];
		int refused = 0;
		refusal(&r, why, sizeof why, &refused);
		if (refused || r.status == 400 || r.status == 401)
			rc = err_set(e, VE_AUTH,
				     "%s: the account needs reconnection: the platform refused to renew "
				     "its token (%ld %s)",
				     pl->name, r.status, why);
		else
			rc = err_set(e, VE_PROTOCOL, "%s: token refresh failed: %ld %s: %s", pl->name,
				     r.status, http_reason(r.status), why);
	} else if (rc == 0) {
		rc = take_reply(pl, t, &r, e);
	}
	http_response_free(&r);
	return rc;
}

/* Whether a reply says the access token itself is refused (not a permission or quota error). */
static int token_refused(const platform_t *pl, const http_response *r)
{
	if (pl->meta) {
		if (r->status != 400 && r->status != 401 && r->status != 403)
			return 0;
		json_t *j = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, NULL);
		int code = (int)json_integer_value(json_object_get(json_object_get(j, "error"), "code"));
		json_decref(j);
		return code == 190;
	}
	return r->status == 401;
}

static int renew(oauth_session *s, const platform_t *pl, vidc_err *e)
{
	int rc = oauth_refresh(pl->name, s->tok, s->policy, e);
	if (rc < 0)
		return rc;
	s->refreshes++;
	if (s->save && s->save(s->save_ctx, s->tok, e) < 0)
		return e && e->code ? e->code : VE_IO;
	return 0;
}

int oauth_call(oauth_session *s, pnet_req *q, http_response *r, vidc_err *e)
{
	const platform_t *pl = find(s->platform);
	memset(r, 0, sizeof *r);
	if (!pl)
		return err_set(e, VE_INVAL, "unknown platform '%s'", s->platform ? s->platform : "");
	int renewed = 0;
	if (s->tok->expires_at && s->tok->expires_at - REFRESH_MARGIN_S <= pnet_now() &&
	    s->tok->refresh_token) {
		int rc = renew(s, pl, e);
		if (rc < 0)
			return rc;
		renewed = 1;
	}
	for (;;) {
		q->bearer = s->tok->access_token;
		int rc = pnet_send(s->policy, q, r, e);
		q->bearer = NULL;
		if (rc < 0 || !token_refused(pl, r))
			return rc;
		if (renewed) {
			char why[300];
			http_error_detail(&r->body, why, sizeof why);
			return err_set(e, VE_AUTH,
				       "%s: the account needs reconnection: a freshly renewed token was "
				       "refused too (%ld: %s)",
				       pl->name, r->status, why);
		}
		http_response_free(r);
		rc = renew(s, pl, e);
		if (rc < 0)
			return rc;
		renewed = 1;
	}
}
