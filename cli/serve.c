/*
 * serve.c - the service's commands (service/):
 *   vidc serve [--config F] [--db DB] [--media DIR] [--listen HOST:PORT]   the HTTP API
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
#include "../service/config.h"
#include "../service/credits.h"
#include "../service/publish_job.h"
#include "../service/records.h"
#include "../service/server.h"
#include "../service/store.h"
#include "../service/worker.h"
#include "serve.h"
#include "social.h"

/* Every option of these commands: its name and whether it takes a value. */
static const struct {
	const char *name;
	int value;
} options[] = {
	{"--config", 1}, {"--db", 1},	     {"--media", 1},	     {"--listen", 1},	  {"--queue", 1},
	{"--concurrency", 1}, {"--site", 1}, {"--name", 1},	     {"--operator", 0},	  {"--amount", 1},
	{"--note", 1},	 {"--exit-when-idle", 0}, {"--external-id", 1}, {"--video", 1}, {"--type", 1},
	{"--platforms", 1}, {"--accounts", 1}, {"--voice", 1},	     {"--provider", 1},	  {"--music", 1},
	{"--category", 1}, {"--help", 0},
};
#define NOPT (sizeof options / sizeof *options)

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

static int usage(const char *cmd, const char *msg, const char *arg)
{
	fprintf(stderr, "vidc %s: ", cmd);
	fprintf(stderr, msg, arg);
	fprintf(stderr, "\n(run 'vidc help' for usage)\n");
	return 2;
}

/* Parses argv (argv[0] the command) and loads the configuration; -1 when fine, else the exit
 * status. */
static int parse(int argc, char **argv, sargs *a)
{
	memset(a, 0, sizeof *a);
	for (int i = 1; i < argc; i++) {
		size_t k = 0;
		while (k < NOPT && strcmp(argv[i], options[k].name))
			k++;
		if (k == NOPT) {
			if (argv[i][0] == '-' && argv[i][1])
				return usage(argv[0], "unknown option '%s'", argv[i]);
			if (a->npos == 4)
				return usage(argv[0], "too many arguments ('%s')", argv[i]);
			a->pos[a->npos++] = argv[i];
			continue;
		}
		if (options[k].value && i + 1 >= argc)
			return usage(argv[0], "option '%s' needs a value", argv[i]);
		a->val[k] = options[k].value ? argv[++i] : "1";
	}
	char err[1200];
	if (svc_config_load(opt(a, "--config"), &a->cfg, err, sizeof err)) {
		fprintf(stderr, "vidc %s: %s\n", argv[0], err);
		return 1;
	}
	const struct {
		const char *o;
		char *field;
		size_t n;
	} over[] = {{"--db", a->cfg.db, sizeof a->cfg.db},
		    {"--media", a->cfg.media, sizeof a->cfg.media},
		    {"--listen", a->cfg.listen, sizeof a->cfg.listen}};
	for (size_t i = 0; i < sizeof over / sizeof *over; i++)
		if (opt(a, over[i].o))
			snprintf(over[i].field, over[i].n, "%s", opt(a, over[i].o));
	return VE_INVAL;
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
		fprintf(stderr, "vidc %s: %s: %s\n", cmd, cfg->db, err);
		store_close(s);
		return NULL;
	}
	if (verbose)
		fprintf(stderr, "vidc %s: %s at schema version %d (%d migration%s applied)\n", cmd, cfg->db,
			store_schema_version(s, err, sizeof err), applied, applied == 1 ? "" : "s");
	return s;
}

store_t *serve_store(const char *cmd, const svc_config *cfg)
{
	return open_store(cmd, cfg, 0);
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

static volatile int stopping;
static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

int cmd_serve(int argc, char **argv)
{
	sargs a;
	int rc = parse(argc, argv, &a);
	if (rc >= 0)
		return rc;
	store_t *s = open_store("serve", &a.cfg, 1);
	if (!s)
		return 1;
	store_close(s);
	mkdir(a.cfg.media, 0777);
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
	if (srv_start(&srv, &a.cfg, tables, err, sizeof err)) {
		fprintf(stderr, "vidc serve: %s\n", err);
		return 1;
	}
	char host[256];
	snprintf(host, sizeof host, "%.*s", (int)strcspn(a.cfg.listen, ":"), a.cfg.listen);
	fprintf(stderr, "vidc serve: listening on http://%s:%d/api/v1/video/\n", host, srv_port(srv));
	int sig;
	sigwait(&stop, &sig);
	srv_stop(srv);
	fprintf(stderr, "vidc serve: stopped\n");
	return 0;
}

int cmd_worker(int argc, char **argv)
{
	sargs a;
	int rc = parse(argc, argv, &a);
	if (rc >= 0)
		return rc;
	const char *q = opt(&a, "--queue") ? opt(&a, "--queue") : "video";
	int64_t conc = 1;
	if (opt(&a, "--concurrency") && parse_id(opt(&a, "--concurrency"), &conc))
		return usage("worker", "--concurrency takes a whole number from 1, not '%s'", opt(&a, "--concurrency"));
	store_t *s = open_store("worker", &a.cfg, 0);
	if (!s)
		return 1;
	int cleaned = wrk_retention(s, &a.cfg);
	if (cleaned)
		fprintf(stderr, "vidc worker: removed the intermediate files of %d projects\n", cleaned);
	store_close(s);
	mkdir(a.cfg.media, 0777);
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	pjob_register(); /* the publishing stage's kinds: publish, engagement (every 12 hours) */
	wrk_opts o = {&a.cfg, q, (int)conc, &stopping, opt(&a, "--exit-when-idle") != NULL, stderr, pjob_schedule};
	char err[1200];
	if (wrk_run(&o, err, sizeof err)) {
		fprintf(stderr, "vidc worker: %s\n", err);
		return 1;
	}
	return 0;
}

int cmd_token(int argc, char **argv)
{
	sargs a;
	int rc = parse(argc, argv, &a);
	if (rc >= 0)
		return rc;
	int64_t site = 0;
	if (a.npos != 1 || strcmp(a.pos[0], "create"))
		return usage("token", "%s", "vidc token create (--site ID | --operator) [--name N]");
	if (!opt(&a, "--operator") && parse_id(opt(&a, "--site"), &site))
		return usage("token", "%s", "which site? (--site ID, or --operator for an operator token)");
	if (opt(&a, "--operator") && opt(&a, "--site"))
		return usage("token", "%s", "--site or --operator, not both");
	store_t *s = open_store("token", &a.cfg, 0);
	if (!s)
		return 1;
	char tok[AUTH_TOKEN_LEN + 1], err[1200];
	int64_t id;
	rc = auth_token_create(s, site, opt(&a, "--name"), tok, &id, err, sizeof err);
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

int cmd_site(int argc, char **argv)
{
	sargs a;
	int rc = parse(argc, argv, &a);
	if (rc >= 0)
		return rc;
	int add = a.npos == 1 && !strcmp(a.pos[0], "add");
	int64_t id = 0;
	if (!add && !(a.npos == 2 && !strcmp(a.pos[0], "automation") && !parse_id(a.pos[1], &id)))
		return usage("site", "%s", "vidc site add --name N [options] | vidc site automation ID [options]");
	if (add && !opt(&a, "--name"))
		return usage("site", "%s", "vidc site add needs --name");
	store_t *s = open_store("site", &a.cfg, 0);
	if (!s)
		return 1;
	json_t *b = automation_body(&a);
	char err[1200];
	const char *field = NULL;
	if (add) {
		json_object_set_new(b, "name", json_string(opt(&a, "--name")));
		if (opt(&a, "--external-id"))
			json_object_set_new(b, "external_id", json_string(opt(&a, "--external-id")));
		rc = rec_site_create(s, b, &id, err, sizeof err, &field);
	} else {
		rc = rec_site_automation(s, id, b, err, sizeof err, &field);
	}
	json_decref(b);
	if (!rc) {
		json_t *site = rec_site_json(s, id);
		char *text = json_dumps(site, JSON_INDENT(2));
		printf("%s\n", text ? text : "{}");
		free(text);
		json_decref(site);
	} else {
		fprintf(stderr, "vidc site: %s\n", err);
	}
	store_close(s);
	return rc ? 1 : 0;
}

int cmd_credits(int argc, char **argv)
{
	sargs a;
	int rc = parse(argc, argv, &a);
	if (rc >= 0)
		return rc;
	int64_t site = 0, amount = 0;
	int grant = a.npos == 1 && !strcmp(a.pos[0], "grant"), balance = a.npos == 1 && !strcmp(a.pos[0], "balance");
	if ((!grant && !balance) || parse_id(opt(&a, "--site"), &site))
		return usage("credits", "%s", "vidc credits grant --site ID --amount N | vidc credits balance --site ID");
	char *end;
	if (grant && (!opt(&a, "--amount") || (amount = strtoll(opt(&a, "--amount"), &end, 10), *end)))
		return usage("credits", "%s", "--amount takes a whole number of credits");
	store_t *s = open_store("credits", &a.cfg, 0);
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
	if (grant && credits_grant(s, site, (int)amount, opt(&a, "--note"), err, sizeof err)) {
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

int cmd_stage9(int argc, char **argv)
{
	sargs a;
	int rc = parse(argc, argv, &a);
	if (rc >= 0)
		return rc;
	int64_t content;
	if (a.npos != 1 || parse_id(a.pos[0], &content))
		return usage("stage9", "%s", "vidc stage9 CONTENT_ID");
	store_t *s = open_store("stage9", &a.cfg, 0);
	if (!s)
		return 1;
	int64_t site = 0, project = 0;
	char err[1200];
	store_int(s, &site, "SELECT site_id FROM vidc_contents WHERE id = ?", "l", content);
	rc = site ? auto_start(s, &a.cfg, site, content, &project, err, sizeof err) : VE_NOTFOUND;
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

int serve_dispatch(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {{"serve", cmd_serve}, {"worker", cmd_worker}, {"token", cmd_token},
		    {"site", cmd_site},	  {"credits", cmd_credits}, {"stage9", cmd_stage9},
		    {"account", cmd_account}, {"publish", cmd_publish}, {"engagement", cmd_engagement},
		    {"jsonld", cmd_jsonld}};
	for (size_t i = 0; argc > 1 && i < sizeof cmds / sizeof *cmds; i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	return -1;
}
