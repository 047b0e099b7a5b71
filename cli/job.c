/*
 * job.c - `vidc job`: the service's jobs one at a time, for Celery's tasks
 * (integrations/celery/, service/celery.h):
 *   vidc job add KIND (--project ID | --rendered ID) [--preset P] [--account ID] [--key K]
 *                [--pieces N --piece K]
 *   vidc job run JOB_ID
 *   vidc job split JOB_ID [--pieces N]
 *   vidc job stage9 EXTERNAL_ID [--site ID] [--key K]
 *   vidc job publish-plan --project ID
 * Results go to standard output as JSON (job ids, the stage 9 plan); errors to standard error.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/err.h"
#include "../service/celery.h"
#include "../service/config.h"
#include "../service/publish_job.h"
#include "../service/worker.h"
#include "cli.h"
#include "social.h"

#define JOB_STR(n) {n, NULL, OPT_STR, CLI_NOFIELD, 0, 0, NULL}
static const cli_opt options[] = {
	JOB_STR("--config"), JOB_STR("--db"),	    JOB_STR("--media"), JOB_STR("--project"), JOB_STR("--rendered"),
	JOB_STR("--account"), JOB_STR("--preset"), JOB_STR("--key"),   JOB_STR("--site"), JOB_STR("--pieces"),
	JOB_STR("--piece"),
};
const cli_opt *const cli_job_opts[] = {&options[0], &options[1], &options[2], &options[3], &options[4], &options[5],
				       &options[6], &options[7], &options[8], &options[9], &options[10], NULL};

const char cli_job_usage[] =
	"usage: vidc job add KIND (--project ID | --rendered ID) [--preset P] [--account ID] [--key K]\n"
	"                    [--pieces N --piece K]\n"
	"       vidc job run JOB_ID\n"
	"       vidc job split JOB_ID [--pieces N]\n"
	"       vidc job stage9 EXTERNAL_ID [--site ID] [--key K]\n"
	"       vidc job publish-plan --project ID\n"
	"\n"
	"The service's jobs one at a time, for Celery workers (integrations/celery/, SPEC.md\n"
	"section 16.9). `add` queues the job of one step on the store's celery queue (which\n"
	"`vidc worker` never takes) and prints its id as a JSON array (subtitles and thumbnail: one\n"
	"per completed render); KIND is script, voice, assets, render (--preset), subtitles,\n"
	"thumbnail or publish (--rendered, --account); --key (the Celery task id) returns the job\n"
	"the same key made before. `run` runs one job here, as `vidc worker` would: exit status 0\n"
	"when it is done, 75 when it is queued again (a passing failure: run it later), 1 when it\n"
	"failed. `split` decides whether a render job is split (Celery's chord of render_piece\n"
	"tasks and a join_pieces) and prints its piece count (1: one pass): --pieces N, else the\n"
	"configuration's split_seconds, at most a piece per started 2 s of the video (its spec\n"
	"from an earlier render, else its narration, else its script's words; never the script's\n"
	"own estimate); `add piece --project ID --preset P --pieces N --piece K`\n"
	"queues one piece of it, and `run` of the render job then joins the pieces.\n"
	"`stage9` makes the automatic chain's project for a content record's external_id\n"
	"and prints {project_id, site_id, script_job, platforms}; with --key (the Celery task id)\n"
	"the same key prints the plan it made before and makes nothing new. `publish-plan` prints\n"
	"the [rendered_id, social_account_id] pairs the chain publishes.\n"
	"  --config FILE      the service's configuration (SPEC.md section 16)\n"
	"  --db DB            the store (default: the configuration's)\n"
	"  --media DIR        the projects' files\n";

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || *end || v < 1)
		return VE_INVAL;
	*id = v;
	return 0;
}

static int print_json(json_t *v)
{
	char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	printf("%s\n", t ? t : "null");
	free(t);
	json_decref(v);
	return 0;
}

static volatile int stopping;
static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static int job_run(cli_args *c, const svc_config *cfg)
{
	int64_t id;
	if (c->npos != 2 || parse_id(c->pos[1], &id))
		return cli_usage(c, "%s", "vidc job run JOB_ID");
	mkdir(cfg->media, 0777);
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	pjob_register();
	wrk_opts o = {cfg, "celery", 1, &stopping, 0, stderr, NULL};
	char err[1200] = "";
	int rc = wrk_run_one(&o, id, err, sizeof err);
	if (rc == 1) {
		fprintf(stderr, "vidc job: job %lld is queued again: %s\n", (long long)id, err);
		return 75; /* EX_TEMPFAIL */
	}
	if (rc) {
		fprintf(stderr, "vidc job: %s\n", err);
		return 1;
	}
	return 0;
}

static int job_add(cli_args *c, store_t *s, const svc_config *cfg)
{
	cel_job_req q = {c->pos[1], 0, 0, 0, cli_value(c, "--preset"), cli_value(c, "--key"), 0, 0};
	int64_t pieces = 0, piece = 0;
	const struct {
		const char *name;
		int64_t *v;
	} ids[] = {{"--project", &q.project}, {"--rendered", &q.rendered}, {"--account", &q.account},
		   {"--pieces", &pieces},     {"--piece", &piece}};
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
		if (cli_value(c, ids[i].name) && parse_id(cli_value(c, ids[i].name), ids[i].v))
			return cli_usage(c, "%s takes a whole number from 1", ids[i].name);
	q.pieces = pieces > 1024 ? 1024 : (int)pieces;
	q.piece = piece > 1024 ? 1024 : (int)piece;
	json_t *out;
	char err[1200];
	if (cel_job_add(s, cfg, &q, &out, err, sizeof err)) {
		fprintf(stderr, "vidc job: %s\n", err);
		json_decref(out);
		return 1;
	}
	return print_json(out);
}

static int job_store_cmd(cli_args *c, const char *sub, store_t *s, const svc_config *cfg)
{
	char err[1200];
	if (!strcmp(sub, "add"))
		return job_add(c, s, cfg);
	if (!strcmp(sub, "split")) {
		int64_t job, asked = 0;
		if (c->npos != 2 || parse_id(c->pos[1], &job) || (cli_value(c, "--pieces") &&
								  parse_id(cli_value(c, "--pieces"), &asked)))
			return cli_usage(c, "%s", "vidc job split JOB_ID [--pieces N] (N a whole number from 1)");
		int n = 1;
		if (cel_split(s, cfg, job, asked > 1024 ? 1024 : (int)asked, &n, err, sizeof err)) {
			fprintf(stderr, "vidc job: %s\n", err);
			return 1;
		}
		if (*err)
			fprintf(stderr, "vidc job: %s\n", err); /* not split, and why */
		return print_json(json_integer(n));
	}
	if (!strcmp(sub, "stage9")) {
		int64_t site = 0;
		if (c->npos != 2 || (cli_value(c, "--site") && parse_id(cli_value(c, "--site"), &site)))
			return cli_usage(c, "%s", "vidc job stage9 EXTERNAL_ID [--site ID] [--key K]");
		json_t *plan;
		if (cel_stage9(s, cfg, c->pos[1], site, cli_value(c, "--key"), &plan, err, sizeof err)) {
			fprintf(stderr, "vidc job: %s\n", err);
			json_decref(plan);
			return 1;
		}
		return print_json(plan);
	}
	int64_t project;
	if (parse_id(cli_value(c, "--project"), &project))
		return cli_usage(c, "%s", "vidc job publish-plan --project ID");
	return print_json(cel_publish_plan(s, project));
}

int cli_job(cli_args *c)
{
	const char *sub = c->npos ? c->pos[0] : "";
	static const char *const subs[] = {"add", "run", "split", "stage9", "publish-plan"};
	int known = 0;
	for (size_t i = 0; i < sizeof subs / sizeof *subs; i++)
		known |= !strcmp(sub, subs[i]);
	if (!known)
		return cli_usage(c, "%s", "vidc job add|run|split|stage9|publish-plan (vidc help job)");
	if (!strcmp(sub, "add") && c->npos != 2)
		return cli_usage(c, "%s", "vidc job add KIND (--project ID | --rendered ID) [options]");
	svc_config cfg;
	char err[1200];
	if (svc_config_load(cli_value(c, "--config"), &cfg, err, sizeof err)) {
		fprintf(stderr, "vidc job: %s\n", err);
		return 1;
	}
	if (cli_value(c, "--db"))
		snprintf(cfg.db, sizeof cfg.db, "%s", cli_value(c, "--db"));
	if (cli_value(c, "--media"))
		snprintf(cfg.media, sizeof cfg.media, "%s", cli_value(c, "--media"));
	store_t *s = cli_serve_store("job", &cfg); /* migrated before any job is read */
	if (!s)
		return 1;
	if (!strcmp(sub, "run")) {
		store_close(s);
		return job_run(c, &cfg);
	}
	int rc = job_store_cmd(c, sub, s, &cfg);
	store_close(s);
	return rc;
}
