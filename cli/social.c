/*
 * social.c - the publishing stage's commands (service/publish_job.h, SPEC sections 15 and 16):
 *   vidc account add --site ID --platform P --tokens-file F|- [--name N]   register an account
 *   vidc account list --site ID                                           its accounts (no tokens)
 *   vidc publish RENDERED_ID --account ID [--privacy P] [--publish-at T] [--wait]
 *                                                                         queue a publish job
 *   vidc engagement [--site ID]                                           fetch the numbers now
 *   vidc jsonld PUBLISHED_ID                                              the VideoObject JSON-LD
 * Tokens are read from a file or standard input, never from the command line (`ps` shows it).
 * Each parses its options from one table, loads the configuration, opens the store (serve.h)
 * and calls one service function.
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
#include "serve.h"
#include "social.h"

#define TOKENS_MAX (64 * 1024)

static const struct {
	const char *name;
	int value;
} options[] = {
	{"--config", 1}, {"--db", 1},	      {"--media", 1},	  {"--site", 1},     {"--platform", 1},
	{"--tokens-file", 1}, {"--name", 1}, {"--account", 1},	  {"--privacy", 1},  {"--publish-at", 1},
	{"--wait", 0},	 {"--help", 0},
};
#define NOPT (sizeof options / sizeof *options)

typedef struct {
	const char *val[NOPT];
	const char *pos[2];
	int npos;
	svc_config cfg;
} args_t;

static const char *opt(const args_t *a, const char *name)
{
	for (size_t i = 0; i < NOPT; i++)
		if (!strcmp(options[i].name, name))
			return a->val[i];
	return NULL;
}

static const struct {
	const char *cmd, *text;
} usages[] = {
	{"account", "vidc account add --site ID --platform youtube|instagram|tiktok --tokens-file F|- [--name N]\n"
		    "       vidc account list --site ID"},
	{"publish", "vidc publish RENDERED_ID --account ACCOUNT_ID [--privacy public|unlisted|private]\n"
		    "       [--publish-at RFC3339] [--wait]"},
	{"engagement", "vidc engagement [--site ID]"},
	{"jsonld", "vidc jsonld PUBLISHED_ID"},
};

static const char *usage_of(const char *cmd)
{
	for (size_t i = 0; i < sizeof usages / sizeof *usages; i++)
		if (!strcmp(usages[i].cmd, cmd))
			return usages[i].text;
	return "";
}

static int usage(const char *cmd, const char *msg)
{
	fprintf(stderr, "vidc %s: %s\nusage: %s\n", cmd, msg, usage_of(cmd));
	return 2;
}

/* Parses argv (argv[0] the command) and loads the configuration: -1 when fine, else the exit
 * status. */
static int parse(int argc, char **argv, args_t *a)
{
	memset(a, 0, sizeof *a);
	for (int i = 1; i < argc; i++) {
		size_t k = 0;
		while (k < NOPT && strcmp(argv[i], options[k].name))
			k++;
		if (k == NOPT) {
			if ((argv[i][0] == '-' && argv[i][1]) || a->npos == 2) {
				fprintf(stderr, "vidc %s: unexpected '%s'\n(run 'vidc help' for usage)\n", argv[0], argv[i]);
				return 2;
			}
			a->pos[a->npos++] = argv[i];
			continue;
		}
		if (options[k].value && i + 1 >= argc) {
			fprintf(stderr, "vidc %s: option '%s' needs a value\n", argv[0], argv[i]);
			return 2;
		}
		a->val[k] = options[k].value ? argv[++i] : "1";
	}
	if (opt(a, "--help")) {
		printf("usage: %s\n(options of all: --config FILE, --db DB; SPEC.md sections 15 and 16)\n", usage_of(argv[0]));
		return 0;
	}
	char err[1200];
	if (svc_config_load(opt(a, "--config"), &a->cfg, err, sizeof err)) {
		fprintf(stderr, "vidc %s: %s\n", argv[0], err);
		return 1;
	}
	if (opt(a, "--db"))
		snprintf(a->cfg.db, sizeof a->cfg.db, "%s", opt(a, "--db"));
	if (opt(a, "--media"))
		snprintf(a->cfg.media, sizeof a->cfg.media, "%s", opt(a, "--media"));
	return VE_INVAL;
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || *end || v < 1)
		return VE_INVAL;
	*id = v;
	return 0;
}

static void print_json(json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2));
	printf("%s\n", text ? text : "null");
	free(text);
}

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

int cmd_account(int argc, char **argv)
{
	args_t a;
	int rc = parse(argc, argv, &a);
	if (rc >= 0)
		return rc;
	int64_t site = 0, id = 0;
	int add = a.npos == 1 && !strcmp(a.pos[0], "add"), list = a.npos == 1 && !strcmp(a.pos[0], "list");
	if ((!add && !list) || parse_id(opt(&a, "--site"), &site))
		return usage("account", "add or list, with --site ID");
	if (add && (!opt(&a, "--platform") || !opt(&a, "--tokens-file")))
		return usage("account", "vidc account add needs --platform and --tokens-file (a file, or - for standard "
					"input; tokens never go on the command line)");
	store_t *s = serve_store("account", &a.cfg);
	if (!s)
		return 1;
	char err[1200], *tokens = NULL;
	size_t len = 0;
	const char *field = NULL;
	if (list) {
		json_t *l = acct_list(s, site);
		print_json(l);
		json_decref(l);
	} else if (!(rc = read_tokens(opt(&a, "--tokens-file"), &tokens, &len, err, sizeof err))) {
		rc = acct_add(s, &a.cfg, site, opt(&a, "--platform"), opt(&a, "--name"), tokens, len, &id, err, sizeof err,
			      &field);
		secret_free(tokens, len);
	}
	if (rc)
		fprintf(stderr, "vidc account: %s\n", err);
	else if (add) {
		json_t *j = acct_json(s, site, id);
		print_json(j);
		json_decref(j);
	}
	store_close(s);
	return rc ? 1 : 0;
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

int cmd_publish(int argc, char **argv)
{
	args_t a;
	int rc = parse(argc, argv, &a);
	if (rc >= 0)
		return rc;
	int64_t rendered = 0, account = 0, site = 0, job = 0, published = 0;
	if (a.npos != 1 || parse_id(a.pos[0], &rendered) || parse_id(opt(&a, "--account"), &account))
		return usage("publish", "which rendered video, to which account?");
	store_t *s = serve_store("publish", &a.cfg);
	if (!s)
		return 1;
	store_int(s, &site, "SELECT p.site_id FROM igny8_rendered_videos r JOIN igny8_video_projects p ON p.id = "
			    "r.project_id WHERE r.id = ?", "l", rendered);
	json_t *o = json_object();
	if (opt(&a, "--privacy"))
		json_object_set_new(o, "privacy", json_string(opt(&a, "--privacy")));
	if (opt(&a, "--publish-at"))
		json_object_set_new(o, "publish_at", json_string(opt(&a, "--publish-at")));
	char err[1200];
	const char *field;
	rc = site ? pjob_enqueue(s, &a.cfg, site, rendered, account, o, &job, &published, err, sizeof err, &field)
		  : VE_NOTFOUND;
	if (!site)
		snprintf(err, sizeof err, "no rendered video %lld", (long long)rendered);
	json_decref(o);
	if (rc)
		fprintf(stderr, "vidc publish: %s\n", err);
	else
		fprintf(stderr, "vidc publish: job %lld queued: published video %lld (run vidc worker)\n", (long long)job,
			(long long)published);
	if (!rc && opt(&a, "--wait"))
		rc = wait_job(s, job, published);
	else if (!rc)
		printf("%lld\n", (long long)published);
	store_close(s);
	return rc ? 1 : 0;
}

int cmd_engagement(int argc, char **argv)
{
	args_t a;
	int rc = parse(argc, argv, &a);
	if (rc >= 0)
		return rc;
	int64_t site = 0;
	if (a.npos || (opt(&a, "--site") && parse_id(opt(&a, "--site"), &site)))
		return usage("engagement", "--site takes a site id");
	store_t *s = serve_store("engagement", &a.cfg);
	if (!s)
		return 1;
	char err[1200];
	int fetched = 0, failed = 0;
	rc = pjob_engagement_run(s, &a.cfg, site, NULL, stdout, &fetched, &failed, err, sizeof err);
	store_close(s);
	if (rc)
		fprintf(stderr, "vidc engagement: %s\n", err);
	else
		fprintf(stderr, "vidc engagement: %d fetched, %d failed\n", fetched, failed);
	return rc || failed ? 1 : 0;
}

int cmd_jsonld(int argc, char **argv)
{
	args_t a;
	int rc = parse(argc, argv, &a);
	if (rc >= 0)
		return rc;
	int64_t id = 0;
	if (a.npos != 1 || parse_id(a.pos[0], &id))
		return usage("jsonld", "which published video?");
	store_t *s = serve_store("jsonld", &a.cfg);
	if (!s)
		return 1;
	char err[1200], *text = NULL;
	rc = pmeta_jsonld(s, &a.cfg, 0, id, &text, err, sizeof err);
	store_close(s);
	if (rc) {
		fprintf(stderr, "vidc jsonld: %s\n", err);
		return 1;
	}
	printf("%s\n", text);
	free(text);
	return 0;
}
