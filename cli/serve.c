/*
 * serve.c - the service's commands (service/):
 *   vidc serve [--config F] [--db DB] [--media DIR] [--listen HOST:PORT] [--broker URL]   the HTTP API
 *   vidc worker [--config F] [--db DB] [--queue video] [--concurrency N]   runs the jobs
 *   vidc token create (--site ID | --operator) [--name N]                  prints a bearer token once
 *   vidc site add --name N [automation options] / vidc site automation ID [options]
 *   vidc credits grant --site ID --amount N [--note T] / vidc credits balance --site ID
 *   vidc stage9 CONTENT_ID                                                the automatic chain
 * Each parses its options from one table, loads the configuration and opens the store (applying
 * its migrations), then calls one service function.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/err.h"
#include "../service/api.h"
#include "../service/auth.h"
#include "../service/automation.h"
#include "../service/broker.h"
#include "../service/config.h"
#include "../service/credits.h"
#include "../service/publish_job.h"
#include "../service/records.h"
#include "../service/server.h"
#include "../service/store.h"
#include "../service/worker.h"
#include "cli.h"
#include "social.h"

/* Every option of these commands (the shared parser of cli.c reads them; their values are
 * fetched by name with cli_value). */
#define SVC_STR(n) {n, NULL, OPT_STR, CLI_NOFIELD, 0, 0, NULL}
#define SVC_FLAG(n) {n, NULL, OPT_FLAG, CLI_NOFIELD, 0, 0, NULL}
static const cli_opt options[] = {
	SVC_STR("--config"),   SVC_STR("--db"),	      SVC_STR("--media"),	   SVC_STR("--listen"),
	SVC_STR("--queue"),    SVC_STR("--concurrency"), SVC_STR("--site"),	   SVC_STR("--name"),
	SVC_FLAG("--operator"), SVC_STR("--amount"),     SVC_STR("--note"),	   SVC_FLAG("--exit-when-idle"),
	SVC_STR("--external-id"), SVC_STR("--video"),   SVC_STR("--type"),	   SVC_STR("--platforms"),
	SVC_STR("--accounts"), SVC_STR("--voice"),      SVC_STR("--provider"),     SVC_STR("--music"),
	SVC_STR("--category"), SVC_STR("--broker"),
};
#define NOPT (sizeof options / sizeof *options)

const cli_opt *const cli_serve_opts[] = {
	&options[0],  &options[1],  &options[2],  &options[3],  &options[4],  &options[5],  &options[6],
	&options[7],  &options[8],  &options[9],  &options[10], &options[11], &options[12], &options[13],
	&options[14], &options[15], &options[16], &options[17], &options[18], &options[19], &options[20], &options[21], NULL};

#define COMMON "  --config FILE      the service's configuration (SPEC.md section 16)\n" \
	       "  --db DB            the store: a SQLite file, or postgresql://USER@HOST/DB\n" \
	       "                     (default: $VIDC_DB, else the configuration's)\n"
const char cli_serve_usage[] = "usage: vidc serve [--config F] [--db DB] [--media DIR] [--listen HOST:PORT]\n"
			       "                  [--broker redis://HOST:PORT/DB]\n"
			       "\n"
			       "The HTTP API /api/v1/video over a SQLite or PostgreSQL store (docs/openapi.json).\n" COMMON
			       "  --media DIR        the projects' files\n"
			       "  --listen HOST:PORT where to listen\n"
			       "  --broker URL       send the jobs to Celery workers (integrations/celery/) as Celery\n"
			       "                     messages on this Redis (the `video` queue) instead of leaving\n"
			       "                     them to `vidc worker`; also VIDC_BROKER or the config's broker.\n"
			       "                     A broker down at start is an error; later, jobs wait until it\n"
			       "                     answers. SPEC.md section 16.9.\n";
const char cli_worker_usage[] = "usage: vidc worker [--config F] [--db DB] [--queue video] [--concurrency N]\n"
				"                   [--exit-when-idle]\n"
				"\n"
				"Runs the service's jobs (script, voice, assets, render, subtitles, thumbnail,\n"
				"publish, engagement; engagement is queued every 12 hours).\n" COMMON;
const char cli_token_usage[] = "usage: vidc token create (--site ID | --operator) [--name N]\n"
			       "\n"
			       "Prints a new bearer token once (the store keeps its hash).\n" COMMON;
const char cli_site_usage[] = "usage: vidc site add --name N [--external-id X] [automation options]\n"
			      "       vidc site automation ID [automation options]\n"
			      "\n"
			      "Automation options: --video on|off --type T --platforms LIST --accounts IDS\n"
			      "--voice V --provider P --music M --category C (the YouTube category id of the\n"
			      "site's posts)\n" COMMON;
const char cli_credits_usage[] = "usage: vidc credits grant --site ID --amount N [--note T]\n"
				 "       vidc credits balance --site ID\n"
				 "\n"
				 "N is -1000000000 to 1000000000, not 0; a negative N is a correction, refused\n"
				 "when it would leave the balance below zero.\n" COMMON;
const char cli_stage9_usage[] = "usage: vidc stage9 CONTENT_ID\n"
				"\n"
				"Runs the automatic chain for a content record; prints the project's id.\n" COMMON;

typedef struct {
	const char *val[NOPT];
	const char *pos[4];
	int npos;
	svc_config cfg;
} sargs;

static const char *opt(const sargs *a, const char *name)
{
	for (size_t i = 0; i < NOPT; i++)
		if (!strcmp(options[i].name, name))
			return a->val[i];
	return NULL;
}

static const cli_args *g_cli; /* the command line of the running command, for usage() */

static int usage(const char *cmd, const char *msg, const char *arg)
{
	return cli_usage(g_cli, msg, arg);
}

/* The parsed command line (cli.c) as this file's options, and the configuration loaded; -1
 * when fine, else the exit status. */
static int parse(const cli_args *c, sargs *a)
{
	memset(a, 0, sizeof *a);
	g_cli = c;
	for (size_t k = 0; k < NOPT; k++)
		a->val[k] = cli_value(c, options[k].name);
	if (c->npos > 4)
		return cli_usage(c, "too many arguments ('%s')", c->pos[4]);
	for (int i = 0; i < c->npos; i++)
		a->pos[a->npos++] = c->pos[i];
	int rc = cli_serve_config(c, &a->cfg);
	if (rc >= 0)
		return rc;
	return VE_INVAL;
}

/* Every command of this file: parse, then body (which checks its own arguments before opening
 * the store, so a usage error never creates or migrates a database). */
static int run(const cli_args *c, int (*body)(sargs *a))
{
	sargs a;
	int rc = parse(c, &a);
	return rc >= 0 ? rc : body(&a);
}

int cli_serve_config(const cli_args *c, svc_config *cfg)
{
	char err[1200];
	if (svc_config_load(cli_value(c, "--config"), cfg, err, sizeof err))
		return cli_fail(c, "%s", err);
	const struct {
		const char *o;
		char *field;
		size_t n;
	} over[] = {{"--db", cfg->db, sizeof cfg->db},
		    {"--media", cfg->media, sizeof cfg->media},
		    {"--listen", cfg->listen, sizeof cfg->listen}};
	for (size_t i = 0; i < sizeof over / sizeof *over; i++)
		if (cli_value(c, over[i].o))
			snprintf(over[i].field, over[i].n, "%s", cli_value(c, over[i].o));
	return -1;
}

int cli_serve_run(const cli_args *c, int (*body)(const cli_args *c, svc_config *cfg))
{
	svc_config cfg;
	int rc = cli_serve_config(c, &cfg);
	return rc >= 0 ? rc : body(c, &cfg);
}

void cli_print_json(json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2));
	printf("%s\n", text ? text : "null");
	free(text);
}

/* Opens the store and brings its schema up to date. NULL after printing. */
static store_t *open_store(const char *cmd, const svc_config *cfg, int verbose)
{
	store_t *s;
	char err[1200];
	int applied = 0;
	if (store_open(cfg->db, &s, err, sizeof err)) {
		fprintf(stderr, "vidc %s: %s\n", cmd, err);
		return NULL;
	}
	if (store_migrate(s, &applied, err, sizeof err)) {
		fprintf(stderr, "vidc %s: %s: %s\n", cmd, store_name(s), err);
		store_close(s);
		return NULL;
	}
	if (verbose)
		fprintf(stderr, "vidc %s: %s at schema version %d (%d migration%s applied)\n", cmd, store_name(s),
			store_schema_version(s, err, sizeof err), applied, applied == 1 ? "" : "s");
	return s;
}

store_t *cli_serve_store(const char *cmd, const svc_config *cfg)
{
	return open_store(cmd, cfg, 0);
}

int cli_parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || *end || v < 1)
		return VE_INVAL;
	*id = v;
	return 0;
}

static volatile int stopping;
static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static int serve_cmd(sargs *a)
{
	store_t *s = open_store("serve", &a->cfg, 1);
	if (!s)
		return 1;
	store_close(s);
	mkdir(a->cfg.media, 0777);
	static const srv_route *const tables[] = {api_routes, api_publish_routes, NULL};
	srv_t *srv;
	char err[1200];
	/* SIGINT and SIGTERM blocked in every thread (the server's inherit the mask) and taken by
	 * sigwait below, so a stop is never delivered to a thread that ignores it */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	if (opt(a, "--broker"))
		snprintf(a->cfg.broker, sizeof a->cfg.broker, "%s", opt(a, "--broker"));
	/* the broker is checked before the API answers: a job the API takes must have somewhere to go */
	brk_t *b = NULL;
	if (a->cfg.broker[0] && brk_open(a->cfg.broker, &b, err, sizeof err)) {
		fprintf(stderr, "vidc serve: %s\n", err);
		return 1;
	}
	pthread_t sender;
	brk_loop_opts bo = {&a->cfg, b, &stopping, stderr};
	if (b && pthread_create(&sender, NULL, brk_loop, &bo)) {
		fprintf(stderr, "vidc serve: cannot start the broker's sender thread\n");
		brk_close(b);
		return 1;
	}
	if (srv_start(&srv, &a->cfg, tables, err, sizeof err)) {
		fprintf(stderr, "vidc serve: %s\n", err);
		if (b) {
			stopping = 1;
			pthread_join(sender, NULL);
			brk_close(b);
		}
		return 1;
	}
	char host[256];
	snprintf(host, sizeof host, "%.*s", (int)strcspn(a->cfg.listen, ":"), a->cfg.listen);
	fprintf(stderr, "vidc serve: listening on http://%s:%d/api/v1/video/\n", host, srv_port(srv));
	if (b)
		fprintf(stderr, "vidc serve: jobs go to Celery through %s (queue %s)\n", brk_url(b), BRK_QUEUE);
	int sig;
	sigwait(&stop, &sig);
	srv_stop(srv);
	if (b) {
		stopping = 1;
		pthread_join(sender, NULL);
		brk_close(b);
	}
	fprintf(stderr, "vidc serve: stopped\n");
	return 0;
}

int cli_serve(cli_args *c)
{
	return run(c, serve_cmd);
}

static int worker_cmd(sargs *a)
{
	const char *q = opt(a, "--queue") ? opt(a, "--queue") : "video";
	int64_t conc = 1;
	if (opt(a, "--concurrency") && cli_parse_id(opt(a, "--concurrency"), &conc))
		return usage("worker", "--concurrency takes a whole number from 1, not '%s'", opt(a, "--concurrency"));
	store_t *s = open_store("worker", &a->cfg, 0);
	if (!s)
		return 1;
	int cleaned = wrk_retention(s, &a->cfg);
	if (cleaned)
		fprintf(stderr, "vidc worker: removed the intermediate files of %d projects\n", cleaned);
	store_close(s);
	mkdir(a->cfg.media, 0777);
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	pjob_register(); /* the publishing stage's kinds: publish, engagement (every 12 hours) */
	wrk_opts o = {&a->cfg, q, (int)conc, &stopping, opt(a, "--exit-when-idle") != NULL, stderr, pjob_schedule};
	char err[1200];
	if (wrk_run(&o, err, sizeof err)) {
		fprintf(stderr, "vidc worker: %s\n", err);
		return 1;
	}
	return 0;
}

int cli_worker(cli_args *c)
{
	return run(c, worker_cmd);
}

static int token_cmd(sargs *a)
{
	int rc = 0;
	int64_t site = 0;
	if (a->npos != 1 || strcmp(a->pos[0], "create"))
		return usage("token", "%s", "vidc token create (--site ID | --operator) [--name N]");
	if (!opt(a, "--operator") && cli_parse_id(opt(a, "--site"), &site))
		return usage("token", "%s", "which site? (--site ID, or --operator for an operator token)");
	if (opt(a, "--operator") && opt(a, "--site"))
		return usage("token", "%s", "--site or --operator, not both");
	store_t *s = open_store("token", &a->cfg, 0);
	if (!s)
		return 1;
	char tok[AUTH_TOKEN_LEN + 1], err[1200];
	int64_t id;
	rc = auth_token_create(s, site, opt(a, "--name"), tok, &id, err, sizeof err);
	store_close(s);
	if (rc) {
		fprintf(stderr, "vidc token: %s\n", err);
		return 1;
	}
	printf("%s\n", tok);
	fprintf(stderr, "vidc token: token %lld for %s; it is shown only now (the store keeps its hash)\n", (long long)id,
		site ? "the site" : "operators");
	return 0;
}

int cli_token(cli_args *c)
{
	return run(c, token_cmd);
}

/* The automation options as the JSON body the sites endpoints take. */
static json_t *automation_body(const sargs *a)
{
	json_t *b = json_object();
	if (opt(a, "--video"))
		json_object_set_new(b, "video_enabled", json_boolean(!strcmp(opt(a, "--video"), "on") ||
								     !strcmp(opt(a, "--video"), "yes") ||
								     !strcmp(opt(a, "--video"), "1")));
	if (opt(a, "--type"))
		json_object_set_new(b, "project_type", json_string(opt(a, "--type")));
	const char *lists[][2] = {{"--platforms", "target_platforms"}, {"--accounts", "social_account_ids"}};
	for (int i = 0; i < 2; i++) {
		if (!opt(a, lists[i][0]))
			continue;
		json_t *arr = json_array();
		char buf[512];
		snprintf(buf, sizeof buf, "%s", opt(a, lists[i][0]));
		for (char *sv, *t = strtok_r(buf, ",", &sv); t; t = strtok_r(NULL, ",", &sv))
			json_array_append_new(arr, i ? json_integer(atoll(t)) : json_string(t));
		json_object_set_new(b, lists[i][1], arr);
	}
	const char *strs[][2] = {{"--voice", "voice_id"}, {"--provider", "voice_provider"}, {"--music", "music_track"},
				 {"--category", "youtube_category_id"}};
	for (int i = 0; i < 4; i++)
		if (opt(a, strs[i][0]))
			json_object_set_new(b, strs[i][1], json_string(opt(a, strs[i][0])));
	return b;
}

static int site_cmd(sargs *a)
{
	int rc = 0;
	int add = a->npos == 1 && !strcmp(a->pos[0], "add");
	int64_t id = 0;
	if (!add && !(a->npos == 2 && !strcmp(a->pos[0], "automation") && !cli_parse_id(a->pos[1], &id)))
		return usage("site", "%s", "vidc site add --name N [options] | vidc site automation ID [options]");
	if (add && !opt(a, "--name"))
		return usage("site", "%s", "vidc site add needs --name");
	store_t *s = open_store("site", &a->cfg, 0);
	if (!s)
		return 1;
	json_t *b = automation_body(a);
	char err[1200];
	const char *field = NULL;
	if (add) {
		json_object_set_new(b, "name", json_string(opt(a, "--name")));
		if (opt(a, "--external-id"))
			json_object_set_new(b, "external_id", json_string(opt(a, "--external-id")));
		rc = rec_site_create(s, b, &id, err, sizeof err, &field);
	} else {
		rc = rec_site_automation(s, id, b, err, sizeof err, &field);
	}
	json_decref(b);
	if (!rc) {
		json_t *site = rec_site_json(s, id);
		cli_print_json(site);
		json_decref(site);
	} else {
		fprintf(stderr, "vidc site: %s\n", err);
	}
	store_close(s);
	return rc ? 1 : 0;
}

int cli_site(cli_args *c)
{
	return run(c, site_cmd);
}

static int credits_cmd(sargs *a)
{
	int64_t site = 0, amount = 0;
	int grant = a->npos == 1 && !strcmp(a->pos[0], "grant"), balance = a->npos == 1 && !strcmp(a->pos[0], "balance");
	if ((!grant && !balance) || cli_parse_id(opt(a, "--site"), &site))
		return usage("credits", "%s", "vidc credits grant --site ID --amount N | vidc credits balance --site ID");
	char *end;
	if (grant && (!opt(a, "--amount") || (amount = strtoll(opt(a, "--amount"), &end, 10), *end)))
		return usage("credits", "%s", "--amount takes a whole number of credits");
	store_t *s = open_store("credits", &a->cfg, 0);
	if (!s)
		return 1;
	char err[1200];
	json_t *st = rec_site_json(s, site);
	if (!st) {
		fprintf(stderr, "vidc credits: no site %lld\n", (long long)site);
		store_close(s);
		return 1;
	}
	json_decref(st);
	if (grant && credits_grant(s, site, amount, opt(a, "--note"), err, sizeof err)) {
		fprintf(stderr, "vidc credits: %s\n", err);
		store_close(s);
		return 1;
	}
	int64_t bal = 0;
	credits_balance(s, site, &bal);
	printf("%lld\n", (long long)bal);
	store_close(s);
	return 0;
}

int cli_credits(cli_args *c)
{
	return run(c, credits_cmd);
}

static int stage9_cmd(sargs *a)
{
	int rc = 0;
	int64_t content;
	if (a->npos != 1 || cli_parse_id(a->pos[0], &content))
		return usage("stage9", "%s", "vidc stage9 CONTENT_ID");
	store_t *s = open_store("stage9", &a->cfg, 0);
	if (!s)
		return 1;
	int64_t site = 0, project = 0;
	char err[1200];
	store_int(s, &site, "SELECT site_id FROM vidc_contents WHERE id = ?", "l", content);
	rc = site ? auto_start(s, &a->cfg, site, content, &project, err, sizeof err) : VE_NOTFOUND;
	if (!site)
		snprintf(err, sizeof err, "no content %lld", (long long)content);
	store_close(s);
	if (rc) {
		fprintf(stderr, "vidc stage9: %s\n", err);
		return 1;
	}
	if (!project) {
		fprintf(stderr, "vidc stage9: the site has video disabled (vidc site automation %lld --video on)\n",
			(long long)site);
		return 1;
	}
	printf("%lld\n", (long long)project);
	return 0;
}

int cli_stage9(cli_args *c)
{
	return run(c, stage9_cmd);
}
