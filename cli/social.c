/*
 * social.c - the publishing stage's commands (service/publish_job.h, SPEC sections 15 and 16):
 *   vidc account add --site ID --platform P --tokens-file F|- [--name N]   register an account
 *   vidc account list --site ID                                           its accounts (no tokens)
 *   vidc publish RENDERED_ID --account ID [--privacy P] [--publish-at T] [--wait]
 *                                                                         queue a publish job
 *   vidc engagement [--site ID]                                           fetch the numbers now
 *   vidc jsonld PUBLISHED_ID                                              the VideoObject JSON-LD
 * Tokens are read from a file or standard input, never from the command line (`ps` shows it).
 * Each is an entry of the command table (main.c) with its options; it loads the configuration,
 * opens the store (cli_serve_store, serve.c) and calls one service function.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/err.h"
#include "../base/file.h"
#include "../service/accounts.h"
#include "../service/config.h"
#include "../service/fields.h"
#include "../service/publish_job.h"
#include "../service/publish_meta.h"
#include "cli.h"
#include "social.h"

#define TOKENS_MAX (64 * 1024)

/* Every option of these commands (cli.c's parser reads them; values are fetched by name). */
#define S_STR(n) {n, NULL, OPT_STR, CLI_NOFIELD, 0, 0, NULL}
static const cli_opt o_config = S_STR("--config"), o_db = S_STR("--db"), o_media = S_STR("--media"),
		     o_site = S_STR("--site"), o_platform = S_STR("--platform"), o_tokens = S_STR("--tokens-file"),
		     o_name = S_STR("--name"), o_account = S_STR("--account"), o_privacy = S_STR("--privacy"),
		     o_publish_at = S_STR("--publish-at"),
		     o_wait = {"--wait", NULL, OPT_FLAG, CLI_NOFIELD, 0, 0, NULL};
const cli_opt *const cli_account_opts[] = {&o_config, &o_db, &o_site, &o_platform, &o_tokens, &o_name, NULL};
const cli_opt *const cli_publish_opts[] = {&o_config, &o_db, &o_account, &o_privacy, &o_publish_at, &o_wait, NULL};
const cli_opt *const cli_engagement_opts[] = {&o_config, &o_db, &o_site, NULL};
const cli_opt *const cli_jsonld_opts[] = {&o_config, &o_db, &o_media, NULL};

#define COMMON                                                                   \
	"  --config FILE      the service's configuration (SPEC.md section 16)\n" \
	"  --db DB            the SQLite store (default: the configuration's)\n"
const char cli_account_usage[] =
	"usage: vidc account add --site ID --platform youtube|instagram|tiktok --tokens-file F|- [--name N]\n"
	"       vidc account list --site ID\n"
	"\n"
	"Registers a social account of a site: F (or standard input with -) is the JSON an OAuth screen\n"
	"hands over (access_token, refresh_token, expires_in, client_id or client_key, client_secret and\n"
	"the platform user id: user_id, open_id, ig_user_id or channel_id). The tokens are sealed with the\n"
	"service's key (token_key_file or VIDC_TOKEN_KEY) and never printed; they never go on the command\n"
	"line, where ps shows them. Prints the account without its tokens.\n" COMMON;
const char cli_publish_usage[] =
	"usage: vidc publish RENDERED_ID --account ACCOUNT_ID [--privacy public|unlisted|private]\n"
	"                    [--publish-at RFC3339] [--wait]\n"
	"\n"
	"Queues a publish job of a rendered video to a social account (vidc worker runs it) and prints\n"
	"the PublishedVideo id; with --wait, follows the job and prints the post's URL. The same video to\n"
	"the same account is posted once, however often it is published.\n" COMMON;
const char cli_engagement_usage[] =
	"usage: vidc engagement [--site ID]\n"
	"\n"
	"Fetches the numbers of every published video (of the site) now, one line each; the worker does\n"
	"it every 12 hours. A post the platform no longer has becomes removed.\n" COMMON;
const char cli_jsonld_usage[] =
	"usage: vidc jsonld PUBLISHED_ID\n"
	"\n"
	"Prints the schema.org VideoObject JSON-LD of a published video for the article page.\n" COMMON
	"  --media DIR        the media folder (its public URL is the configuration's public_media_url)\n";

/* The tokens JSON from a file or (with "-") standard input, at most 64 KiB. */
static int read_tokens(const char *path, char **data, size_t *len, char *err, size_t errlen)
{
	vidc_err e = {0};
	if (strcmp(path, "-")) {
		if (file_read(path, TOKENS_MAX, data, len, &e)) {
			snprintf(err, errlen, "%s", e.msg);
			return e.code;
		}
		return 0;
	}
	char *buf = malloc(TOKENS_MAX + 1);
	size_t n = 0, got;
	while (buf && n < TOKENS_MAX && (got = fread(buf + n, 1, TOKENS_MAX - n, stdin)) > 0)
		n += got;
	if (!buf || n == TOKENS_MAX) {
		free(buf);
		snprintf(err, errlen, buf ? "the tokens on standard input are over 64 KiB" : "out of memory");
		return buf ? VE_LIMIT : VE_NOMEM;
	}
	buf[n] = 0;
	*data = buf;
	*len = n;
	return 0;
}

static int account_cmd(const cli_args *c, svc_config *cfg)
{
	int rc;
	int64_t site = 0, id = 0;
	int add = c->npos == 1 && !strcmp(c->pos[0], "add"), list = c->npos == 1 && !strcmp(c->pos[0], "list");
	if ((!add && !list) || cli_parse_id(cli_value(c, "--site"), &site))
		return cli_usage(c, "add or list, with --site ID");
	if (add && (!cli_value(c, "--platform") || !cli_value(c, "--tokens-file")))
		return cli_usage(c, "vidc account add needs --platform and --tokens-file (a file, or - for standard "
				    "input; tokens never go on the command line)");
	store_t *s = cli_serve_store("account", cfg);
	if (!s)
		return 1;
	char err[1200], *tokens = NULL;
	size_t len = 0;
	const char *field = NULL;
	if (list) {
		/* a list that printed is a success */
		json_t *l = acct_list(s, site);
		rc = l ? 0 : VE_IO;
		if (l)
			cli_print_json(l);
		else
			snprintf(err, sizeof err, "%s", store_errmsg(s));
		json_decref(l);
	} else if (!(rc = read_tokens(cli_value(c, "--tokens-file"), &tokens, &len, err, sizeof err))) {
		rc = acct_add(s, cfg, site, cli_value(c, "--platform"), cli_value(c, "--name"), tokens, len, &id, err, sizeof err,
			      &field);
		secret_free(tokens, len);
	}
	if (rc)
		fprintf(stderr, "vidc account: %s\n", err);
	else if (add) {
		json_t *j = acct_json(s, site, id);
		cli_print_json(j);
		json_decref(j);
	}
	store_close(s);
	return rc ? 1 : 0;
}

int cli_account(cli_args *c)
{
	return cli_serve_run(c, account_cmd);
}

/* Follows the job until it is done or failed (or waits for a quota), printing the outcome. */
static int wait_job(store_t *s, int64_t job, int64_t published)
{
	for (;;) {
		json_t *j = store_row(s, "SELECT status, error, run_after FROM vidc_jobs WHERE id = ?", "l", job);
		const char *st = fld_str(j, "status", "failed");
		int over = strcmp(st, "queued") && strcmp(st, "running");
		int waits = !strcmp(st, "queued") && fld_int(j, "run_after", 0) > store_now_ms() + 60000;
		if (over || waits) {
			json_t *v = pjob_published_json(s, 0, published);
			int ok = !strcmp(st, "done") && !strcmp(fld_str(v, "status", ""), "published");
			if (ok)
				printf("%s\n", fld_str(v, "url", fld_str(v, "note", "published")));
			else
				fprintf(stderr, "vidc publish: %s: %s\n", waits ? "waits" : fld_str(v, "status", st),
					fld_str(j, "error", fld_str(v, "error", "")));
			json_decref(v);
			json_decref(j);
			return ok || waits ? 0 : 1;
		}
		json_decref(j);
		usleep(500000);
	}
}

static int publish_cmd(const cli_args *c, svc_config *cfg)
{
	int rc;
	int64_t rendered = 0, account = 0, site = 0, job = 0, published = 0;
	if (c->npos != 1 || cli_parse_id(c->pos[0], &rendered) || cli_parse_id(cli_value(c, "--account"), &account))
		return cli_usage(c, "which rendered video (a positive id), to which account (--account ID)?");
	store_t *s = cli_serve_store("publish", cfg);
	if (!s)
		return 1;
	store_int(s, &site, "SELECT p.site_id FROM igny8_rendered_videos r JOIN igny8_video_projects p ON p.id = "
			    "r.project_id WHERE r.id = ?", "l", rendered);
	json_t *o = json_object();
	if (cli_value(c, "--privacy"))
		json_object_set_new(o, "privacy", json_string(cli_value(c, "--privacy")));
	if (cli_value(c, "--publish-at"))
		json_object_set_new(o, "publish_at", json_string(cli_value(c, "--publish-at")));
	char err[1200];
	const char *field;
	rc = site ? pjob_enqueue(s, cfg, site, rendered, account, o, &job, &published, err, sizeof err, &field)
		  : VE_NOTFOUND;
	if (!site)
		snprintf(err, sizeof err, "no rendered video %lld", (long long)rendered);
	json_decref(o);
	if (rc)
		fprintf(stderr, "vidc publish: %s\n", err);
	else
		fprintf(stderr, "vidc publish: job %lld queued: published video %lld (run vidc worker)\n", (long long)job,
			(long long)published);
	if (!rc && cli_value(c, "--wait"))
		rc = wait_job(s, job, published);
	else if (!rc)
		printf("%lld\n", (long long)published);
	store_close(s);
	return rc ? 1 : 0;
}

int cli_publish(cli_args *c)
{
	return cli_serve_run(c, publish_cmd);
}

static int engagement_cmd(const cli_args *c, svc_config *cfg)
{
	int rc;
	int64_t site = 0;
	if (c->npos || (cli_value(c, "--site") && cli_parse_id(cli_value(c, "--site"), &site)))
		return cli_usage(c, "--site takes a site id (and nothing else is expected)");
	store_t *s = cli_serve_store("engagement", cfg);
	if (!s)
		return 1;
	char err[1200];
	int fetched = 0, failed = 0;
	rc = pjob_engagement_run(s, cfg, site, NULL, stdout, &fetched, &failed, err, sizeof err);
	store_close(s);
	if (rc)
		fprintf(stderr, "vidc engagement: %s\n", err);
	else
		fprintf(stderr, "vidc engagement: %d fetched, %d failed\n", fetched, failed);
	return rc || failed ? 1 : 0;
}

int cli_engagement(cli_args *c)
{
	return cli_serve_run(c, engagement_cmd);
}

static int jsonld_cmd(const cli_args *c, svc_config *cfg)
{
	int rc;
	int64_t id = 0;
	if (c->npos != 1 || cli_parse_id(c->pos[0], &id))
		return cli_usage(c, "which published video (a positive id)?");
	store_t *s = cli_serve_store("jsonld", cfg);
	if (!s)
		return 1;
	char err[1200], *text = NULL;
	rc = pmeta_jsonld(s, cfg, 0, id, &text, err, sizeof err);
	store_close(s);
	if (rc) {
		fprintf(stderr, "vidc jsonld: %s\n", err);
		return 1;
	}
	printf("%s\n", text);
	free(text);
	return 0;
}

int cli_jsonld(cli_args *c)
{
	return cli_serve_run(c, jsonld_cmd);
}
